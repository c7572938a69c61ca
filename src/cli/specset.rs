//! Every SLO of `-i <file|folder>`, lowered and planned as `generate` plans it, for the
//! commands that derive something else from the specs (`alertmanager`, `incidents`).
//!
//! A folder is walked with [`super::discover`] and its filters; each file goes through
//! [`Generator::plan_file`], so it meets `generate`'s checks and problems. Every problem of
//! every file is collected, so one run reports them all, each at file:line:col.

use std::path::Path;

use super::discover::{discover, FilterArgs};
use super::generate::read_spec;
use super::outputs::carries_header;
use crate::model::SloGroup;
use crate::pipeline::Generator;
use crate::plan::Plan;

/// The planned documents of every spec, in discovery order, or the problems that stopped it.
pub struct SpecSet {
    pub planned: Vec<(SloGroup, Plan)>,
    pub files: usize,
}

/// Reads and plans every spec under `input`. `Err` holds one message per problem, each a
/// line ready to print (`path:line:col: …`), when any spec fails.
pub fn load(
    input: &Path,
    filters: &FilterArgs,
    generator: &Generator,
) -> anyhow::Result<Result<SpecSet, Vec<String>>> {
    let found = discover(input, &filters.filters()?)?;
    let mut problems: Vec<String> = found
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.path.display(), p.message))
        .collect();
    if found.files.is_empty() && problems.is_empty() {
        anyhow::bail!(
            "0 slo specs have been discovered under {} (files ending in .yml or .yaml, after --fs-include/--fs-exclude)",
            input.display()
        );
    }
    let mut planned = Vec::new();
    for file in &found.files {
        let path = Path::new(file);
        let text = match read_spec(path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{e:#}"));
                continue;
            }
        };
        match generator.plan_file(&text) {
            Ok((_, p)) => planned.extend(p.into_iter().map(|p| (p.group, p.plan))),
            Err(ps) => {
                problems.extend(ps.iter().map(|p| p.display(path).to_string()));
                if carries_header(path) {
                    problems.push(format!(
                        "hint: {file} is a file slogen generated, not a spec; skip it with -e"
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(Ok(SpecSet {
            planned,
            files: found.files.len(),
        }))
    } else {
        Ok(Err(problems))
    }
}
