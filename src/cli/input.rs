//! Spec input for the commands that read specs and are not Sloth's (`lint`, `explain`,
//! `test-rules`, and new ones): `-i/--input FILE|DIR`, repeatable, with the positional paths
//! these commands took before kept as aliases, the `--fs-include`/`--fs-exclude` filters, and
//! `slos/` when nothing is named.
//!
//! A file is read as named, whatever its extension; a folder is walked by
//! [`super::discover`], as `generate` and `validate` walk it. A path that cannot be read is a
//! problem reported with the path; the others are still found. `generate` and `validate` keep
//! Sloth's own `-i` (with `SLOTH_INPUT`) and call [`find_specs`] or
//! [`super::discover::discover`] directly.

use std::path::PathBuf;

use clap::Args;

use super::discover::{self, FilterArgs, Filters};

/// The folder read when no input is named.
pub const DEFAULT_INPUT: &str = "slos";

/// `-i/--input` (repeatable), positional paths, and the discovery filters.
#[derive(Debug, Clone, Default, Args)]
pub struct SpecInput {
    /// Spec file, or folder searched recursively for .yml/.yaml files (repeatable)
    /// [default: slos/].
    #[arg(short = 'i', long = "input", value_name = "PATH")]
    pub input: Vec<PathBuf>,
    /// The same as -i (kept for earlier command lines).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// What the inputs hold.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Spec files in input order, each folder's in walk order, without repeats.
    pub files: Vec<PathBuf>,
    /// Paths that could not be read, each with why.
    pub problems: Vec<String>,
}

impl SpecInput {
    /// The paths named with `-i` and positionally, or `slos/` when none is.
    pub fn roots(&self) -> Vec<PathBuf> {
        let mut roots: Vec<PathBuf> = self.input.iter().chain(&self.paths).cloned().collect();
        if roots.is_empty() {
            roots.push(PathBuf::from(DEFAULT_INPUT));
        }
        roots
    }

    /// The spec files under the roots.
    pub fn find(&self) -> anyhow::Result<Found> {
        Ok(find_specs(&self.roots(), &self.filters.filters()?))
    }

    /// The roots, for messages (`slos, extra/a.yaml`).
    pub fn describe(&self) -> String {
        let roots: Vec<String> = self
            .roots()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        roots.join(", ")
    }
}

/// Spec files under `roots`: files as named, folders walked with `filters`.
pub fn find_specs(roots: &[PathBuf], filters: &Filters) -> Found {
    let mut found = Found::default();
    for root in roots {
        match std::fs::metadata(root) {
            Err(e) => found
                .problems
                .push(format!("reading {}: {e}", root.display())),
            Ok(m) if m.is_dir() => match discover::discover(root, filters) {
                Ok(d) => {
                    for p in d.problems {
                        found
                            .problems
                            .push(format!("{}: {}", p.path.display(), p.message));
                    }
                    found.files.extend(d.files.into_iter().map(PathBuf::from));
                }
                Err(e) => found.problems.push(format!("{e:#}")),
            },
            Ok(_) => found.files.push(root.clone()),
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    found.files.retain(|f| seen.insert(f.clone()));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_as_named_folders_walked_missing_reported() {
        let dir = tempfile::tempdir().unwrap();
        let slos = dir.path().join("slos");
        std::fs::create_dir_all(slos.join("team")).unwrap();
        for f in ["a.yaml", "team/b.yml", "notes.txt"] {
            std::fs::write(slos.join(f), "x").unwrap();
        }
        let odd = dir.path().join("spec.txt");
        std::fs::write(&odd, "x").unwrap();
        let roots = vec![
            slos.clone(),
            odd.clone(),
            slos.join("a.yaml"),
            dir.path().join("missing"),
        ];
        let found = find_specs(&roots, &Filters::default());
        assert_eq!(
            found.files,
            [slos.join("a.yaml"), slos.join("team/b.yml"), odd]
        );
        assert_eq!(found.problems.len(), 1);
        assert!(
            found.problems[0].starts_with("reading "),
            "{:?}",
            found.problems
        );
        let none = SpecInput::default();
        assert_eq!(none.roots(), [PathBuf::from("slos")]);
    }
}
