//! `slogen dashboards -i <file|folder> -o <folder>`: Grafana dashboards from the SLO specs.
//!
//! Specs are found and generated exactly as `generate` does (same discovery, flags, plugins
//! and problems). Every spec must generate: one that does not is reported as `generate`
//! reports it, and then nothing is written, since a service's dashboard and the overview
//! span files. The dashboards ([`crate::dashboards`]) are planned in memory, then written
//! through [`super::fsio`] (unchanged files untouched), compared with `--check`, or their
//! orphans removed with `--prune`, with `generate`'s contract.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use super::args::GenFlags;
use super::discover::{discover, FilterArgs};
use super::folder_lock::FolderLock;
use super::fsio::{commit, stage};
use super::generate::{print_check, read_spec};
use super::outputs::{compare, orphans_as_stale, Planned};
use crate::budget::policy::{parse_policy, GatePolicy, Levels};
use crate::dashboards::delivery::{self, ConfigMapOptions, YAML_MARK};
use crate::dashboards::{self, Input, Settings, MARK};
use crate::model::validate::code::DUPLICATE_ID;
use crate::pipeline::Planned as PlannedDoc;
use crate::source::Pos;

/// Where Grafana reads the dashboards by default, in the provider `--provisioning` writes.
pub const DEFAULT_PROVISIONING_PATH: &str = "/var/lib/grafana/dashboards/slogen";
/// The Grafana folder the dashboards go in unless `--folder` says otherwise.
pub const DEFAULT_FOLDER: &str = "SLOs";
/// The provider file's name in the output folder.
pub const PROVIDER_FILE: &str = "slogen-provider.yaml";
/// Above this size a ConfigMap no longer fits the `last-applied-configuration` annotation
/// that client-side `kubectl apply` (and ArgoCD by default) writes.
pub const CLIENT_SIDE_APPLY_LIMIT: usize = 262_144;

/// Options of `slogen dashboards`.
#[derive(Debug, Clone, Args)]
pub struct DashboardsArgs {
    /// Spec file, or folder searched recursively for .yml/.yaml files.
    #[arg(short = 'i', long = "input", value_name = "PATH")]
    pub input: PathBuf,
    /// Folder the dashboards are written to (created when missing).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// `json`: one dashboard file each, for Grafana's file provisioning; `configmap`:
    /// Kubernetes ConfigMaps labelled `grafana_dashboard: "1"` for the Grafana chart's sidecar.
    ///
    /// (`--output-format`, as `generate` names what its files are; `--format` still works, but
    /// that name is kept for how a command prints its result: `text`, `json`, ….)
    #[arg(
        long = "output-format",
        alias = "format",
        value_enum,
        default_value = "json",
        value_name = "FORMAT"
    )]
    pub format: DashboardFormat,
    /// With `--output-format json`, also write Grafana's provider file (slogen-provider.yaml), which
    /// reads the dashboards from GRAFANA_PATH on the Grafana host.
    #[arg(
        long,
        num_args = 0..=1,
        default_missing_value = DEFAULT_PROVISIONING_PATH,
        value_name = "GRAFANA_PATH"
    )]
    pub provisioning: Option<String>,
    /// The Grafana folder the dashboards go in (provider `folder`, ConfigMap `grafana_folder`
    /// annotation).
    #[arg(long, default_value = DEFAULT_FOLDER, value_name = "NAME")]
    pub folder: String,
    /// With `--output-format configmap`, the ConfigMaps' namespace (otherwise left to the tool that
    /// applies them).
    #[arg(long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// YAML policy file whose `levels` set the budget colours (as for `slogen gate`).
    #[arg(long, value_name = "PATH")]
    pub policy: Option<PathBuf>,
    /// Write nothing; exit 1 with a diff per dashboard that is missing, changed or orphaned.
    /// With --prune as well, nothing is removed either (as for `generate`: a hook's arguments
    /// plus --check make a read-only check).
    #[arg(long = "check")]
    pub check: bool,
    /// Remove dashboards under -o that slogen generated but no SLO produces any more.
    #[arg(long = "prune")]
    pub prune: bool,
    #[command(flatten)]
    pub gen: GenFlags,
}

/// What the dashboards are written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DashboardFormat {
    Json,
    Configmap,
}

/// Runs `dashboards`.
pub fn run(args: DashboardsArgs) -> anyhow::Result<ExitCode> {
    let generator = args.gen.generator()?;
    let levels = policy_levels(args.policy.as_deref())?;
    if args.provisioning.is_some() && args.format != DashboardFormat::Json {
        bail!("--provisioning writes the provider for --output-format json; the sidecar of --output-format configmap needs none");
    }
    if args.namespace.is_some() && args.format != DashboardFormat::Configmap {
        bail!("--namespace sets the ConfigMaps' namespace; it needs --output-format configmap");
    }
    let Some(out) = args.out.to_str() else {
        bail!("output path {} is not valid UTF-8", args.out.display());
    };
    check_output_folder(&args.input, &args.out)?;

    let mut err = std::io::stderr().lock();
    let (specs, mut failures) = find_specs(&args, &mut err)?;
    let mut documents: Vec<(String, PlannedDoc)> = Vec::new();
    for spec in &specs {
        match plan_spec(spec, &generator) {
            Ok(planned) => documents.extend(planned.into_iter().map(|p| (spec.clone(), p))),
            Err(messages) => {
                for m in messages {
                    let _ = writeln!(err, "{m}");
                }
                failures += 1;
            }
        }
    }
    failures += report_duplicates(&documents, &mut err);
    if failures > 0 {
        let _ = writeln!(
            err,
            "error: {failures} spec file(s) failed; no dashboard written ({out} left as it was)"
        );
        return Ok(ExitCode::from(1));
    }
    let inputs: Vec<Input> = documents
        .iter()
        .flat_map(|(_, d)| {
            d.group
                .slos
                .iter()
                .zip(&d.plan.slos)
                .map(|(slo, (_, rules))| Input { slo, rules })
        })
        .collect();
    if inputs.is_empty() {
        bail!(
            "no SLO found in {}: nothing to make dashboards of",
            args.input.display()
        );
    }
    let built = match dashboards::build(&inputs, &Settings { levels }) {
        Ok(d) => d,
        Err(collisions) => {
            for c in collisions {
                let _ = writeln!(err, "error: {c}");
            }
            let _ = writeln!(err, "error: no dashboard written ({out} left as it was)");
            return Ok(ExitCode::from(1));
        }
    };
    let planned = render(&args, out, &built, &mut err);
    let expected: BTreeSet<PathBuf> = planned.iter().map(|p| PathBuf::from(&p.path)).collect();
    let orphans = find_orphans(&args.out, &expected)?;

    if args.check {
        drop(err);
        let mut stale = compare(&planned);
        stale.extend(orphans_as_stale(&orphans));
        return Ok(print_check(&stale, planned.len() + orphans.len()));
    }
    // One writer per output folder; the leftovers of killed runs go first (cli::folder_lock).
    let lock = FolderLock::acquire(&args.out)?;
    lock.sweep(true);
    let mut staged = Vec::new();
    let mut unchanged = 0usize;
    for p in &planned {
        match stage(Path::new(&p.path), &p.bytes)? {
            Some(s) => staged.push(s),
            None => unchanged += 1,
        }
    }
    let mut written = 0usize;
    let mut write_failures = 0usize;
    for (path, result) in commit(staged) {
        match result {
            Ok(()) => written += 1,
            Err(e) => {
                let _ = writeln!(err, "error: {e:#}");
                let _ = writeln!(err, "error: {}: left as it was", path.display());
                write_failures += 1;
            }
        }
    }
    let mut removed = 0usize;
    if args.prune {
        for o in &orphans {
            std::fs::remove_file(o).with_context(|| format!("removing {o}"))?;
            let _ = writeln!(err, "removed {o}");
            removed += 1;
        }
    }
    let orphan_note = if args.prune {
        format!(", {removed} orphan(s) removed")
    } else if orphans.is_empty() {
        String::new()
    } else {
        format!(
            ", {} orphaned file(s) left (remove them with --prune)",
            orphans.len()
        )
    };
    let _ = writeln!(
        err,
        "{} dashboard(s) of {} SLO(s) from {} spec file(s): {written} written, {unchanged} unchanged{orphan_note}",
        built.len(),
        inputs.len(),
        specs.len(),
    );
    Ok(if write_failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The policy levels from `--policy`, or the defaults.
fn policy_levels(path: Option<&Path>) -> anyhow::Result<Levels> {
    let Some(path) = path else {
        return Ok(Levels::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading policy file {}", path.display()))?;
    let policy = parse_policy(&text, GatePolicy::default(), &path.display().to_string())
        .map_err(|e| anyhow::anyhow!("policy file {}: {e}", path.display()))?;
    Ok(policy.levels)
}

/// The output must be a folder, and not the input folder.
fn check_output_folder(input: &Path, out: &Path) -> anyhow::Result<()> {
    if out == Path::new("-") {
        bail!("-o must be a folder: dashboards are one file each");
    }
    match std::fs::metadata(out) {
        Ok(m) if !m.is_dir() => bail!("output {} is not a folder", out.display()),
        Ok(_) => {
            let same = input.canonicalize().ok() == Some(out.canonicalize()?);
            if same {
                bail!(
                    "input and output can't be the same folder: {}",
                    out.display()
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("reading output folder {}", out.display())),
    }
}

/// The spec files: the input file, or every spec under the input folder. Counts folders that
/// could not be read as failures.
fn find_specs(args: &DashboardsArgs, err: &mut impl Write) -> anyhow::Result<(Vec<String>, usize)> {
    let meta = std::fs::metadata(&args.input)
        .with_context(|| format!("reading input {}", args.input.display()))?;
    if !meta.is_dir() {
        let Some(path) = args.input.to_str() else {
            bail!("input path {} is not valid UTF-8", args.input.display());
        };
        return Ok((vec![path.to_string()], 0));
    }
    let found = discover(&args.input, &args.filters.filters()?)?;
    for p in &found.problems {
        let _ = writeln!(err, "error: {}: {}", p.path.display(), p.message);
    }
    if found.files.is_empty() {
        bail!(
            "0 slo specs have been discovered under {} (files ending in .yml or .yaml, after --fs-include/--fs-exclude)",
            args.input.display()
        );
    }
    Ok((found.files, found.problems.len()))
}

/// One spec through the generator; its problems as `generate` prints them.
fn plan_spec(
    spec: &str,
    generator: &crate::pipeline::Generator,
) -> Result<Vec<PlannedDoc>, Vec<String>> {
    let text = read_spec(Path::new(spec)).map_err(|e| vec![format!("error: {e:#}")])?;
    match generator.plan_file(&text) {
        Ok((_, planned)) => Ok(planned),
        Err(problems) => {
            let mut messages: Vec<String> = problems
                .iter()
                .map(|p| format!("error: {}", p.display(Path::new(spec))))
                .collect();
            if super::outputs::carries_header(Path::new(spec)) {
                messages.push(format!(
                    "hint: {spec} is a rules file slogen generated; keep generated/ outside -i, or skip it with -e"
                ));
            }
            if text.lines().take(16).any(|l| l.starts_with(YAML_MARK)) {
                messages.push(format!(
                    "hint: {spec} is a dashboard slogen wrote; keep -o outside -i, or skip it with -e"
                ));
            }
            Err(messages)
        }
    }
}

/// Reports SLO IDs defined more than once (their series would mix on one dashboard); returns
/// how many files hold a repeated ID.
fn report_duplicates(documents: &[(String, PlannedDoc)], err: &mut impl Write) -> usize {
    let mut first: BTreeMap<&str, (&str, Pos)> = BTreeMap::new();
    let mut bad_files = BTreeSet::new();
    for (file, doc) in documents {
        for slo in &doc.group.slos {
            let pos = if slo.spans.name.is_unknown() {
                slo.pos
            } else {
                slo.spans.name
            };
            match first.get(slo.id.as_str()) {
                None => {
                    first.insert(&slo.id, (file, pos));
                }
                Some((first_file, first_pos)) => {
                    let at = if pos.is_unknown() {
                        String::new()
                    } else {
                        format!(":{pos}")
                    };
                    let _ = writeln!(
                        err,
                        "error: {file}{at}: slo {:?}: name: SLO ID {:?} is already defined at {first_file}:{first_pos}; the dashboards would mix both SLOs' series [{DUPLICATE_ID}]",
                        slo.id, slo.id
                    );
                    bad_files.insert(file.clone());
                }
            }
        }
    }
    bad_files.len()
}

/// Every file this run should leave in the output folder.
fn render(
    args: &DashboardsArgs,
    out: &str,
    built: &[dashboards::Dashboard],
    err: &mut impl Write,
) -> Vec<Planned> {
    let path = |name: &str| Path::new(out).join(name).to_string_lossy().into_owned();
    let mut planned = Vec::new();
    for d in built {
        let (name, bytes) = match args.format {
            DashboardFormat::Json => (format!("{}.json", d.uid), d.to_json()),
            DashboardFormat::Configmap => {
                let opts = ConfigMapOptions {
                    namespace: args.namespace.clone(),
                    folder: args.folder.clone(),
                };
                let text = delivery::config_map(d, crate::VERSION, &opts);
                if text.len() > CLIENT_SIDE_APPLY_LIMIT {
                    let _ = writeln!(
                        err,
                        "warning: the ConfigMap of {:?} is {} bytes, over the {CLIENT_SIDE_APPLY_LIMIT} bytes client-side `kubectl apply` can annotate; apply it server-side (ArgoCD: syncOptions ServerSideApply=true)",
                        d.title,
                        text.len()
                    );
                }
                (format!("{}.yaml", d.uid), text)
            }
        };
        planned.push(Planned {
            path: path(&name),
            bytes: bytes.into_bytes(),
        });
    }
    if let Some(grafana_path) = &args.provisioning {
        planned.push(Planned {
            path: path(PROVIDER_FILE),
            bytes: delivery::provider(crate::VERSION, grafana_path, &args.folder).into_bytes(),
        });
    }
    planned
}

/// Files directly in `out` that an earlier run wrote and this one does not: dashboards whose
/// description starts with [`MARK`], and YAML files starting with [`YAML_MARK`].
fn find_orphans(out: &Path, expected: &BTreeSet<PathBuf>) -> anyhow::Result<Vec<String>> {
    let entries = match std::fs::read_dir(out) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(e).with_context(|| format!("reading output folder {}", out.display()))
        }
    };
    let mut orphans = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("reading output folder {}", out.display()))?;
        let path = out.join(entry.file_name());
        if !entry.file_type().map(|t| t.is_file()).unwrap_or(false) || expected.contains(&path) {
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        let ours = if name.ends_with(".json") {
            is_generated_dashboard(&path)
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            starts_with_mark(&path)
        } else {
            false
        };
        if ours {
            orphans.push(path.to_string_lossy().into_owned());
        }
    }
    orphans.sort();
    Ok(orphans)
}

/// A JSON dashboard whose description says slogen generated it.
fn is_generated_dashboard(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if meta.len() > super::generate::MAX_SPEC_BYTES {
        return false;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v["description"].as_str().map(|d| d.starts_with(MARK)))
        .unwrap_or(false)
}

fn starts_with_mark(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(256);
    if file.take(256).read_to_end(&mut head).is_err() {
        return false;
    }
    head.starts_with(YAML_MARK.as_bytes())
}
