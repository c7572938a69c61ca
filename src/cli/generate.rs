//! `slogen generate`: Sloth's `generate`, with atomic writes, plus `--check` and `--prune`.
//!
//! A file input writes one output (or stdout). A folder input is walked by [`super::discover`]
//! and mirrored under `-o`; [`super::outputs`] plans every output in memory before any is
//! written, so a spec that fails never touches its output.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;

use super::args::GenFlags;
use super::discover::FilterArgs;
use super::engine_args::{EngineFlags, TargetArg};
use super::fsio::write_atomic;
use super::output_format::{name_clashes, OutputArgs};
use super::outputs::{compare, describe, Planned, Stale};
use crate::emit::OutputFormat;
use crate::pipeline::Problem;
use crate::plan::Disable;

/// Options of `slogen generate`.
#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// Spec file, or folder searched recursively for .yml/.yaml files.
    #[arg(short = 'i', long = "input", env = "SLOTH_INPUT", value_name = "PATH")]
    pub input: PathBuf,
    /// Output file or folder; `-` is stdout (file input only).
    #[arg(
        short = 'o',
        long = "out",
        env = "SLOTH_OUT",
        default_value = "-",
        value_name = "PATH"
    )]
    pub out: PathBuf,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Leave out SLI and metadata recording rules.
    #[arg(long = "disable-recordings", env = "SLOTH_DISABLE_RECORDINGS")]
    pub disable_recordings: bool,
    /// Leave out alert rules.
    #[arg(long = "disable-alerts", env = "SLOTH_DISABLE_ALERTS")]
    pub disable_alerts: bool,
    /// Kubernetes transform plugin; only Sloth's Prometheus Operator transform is built in.
    #[arg(
        long = "k8s-transform-plugin-id",
        env = "SLOTH_K8S_TRANSFORM_PLUGIN_ID",
        default_value = "sloth.dev/k8stransform/prom-operator-prometheus-rule/v1",
        value_name = "ID"
    )]
    pub k8s_transform_plugin_id: String,
    /// Write nothing; exit 1 with a diff per output that is missing, changed or orphaned
    /// (with --prune too, which then removes nothing: a pre-commit hook's args plus --check).
    #[arg(long = "check")]
    pub check: bool,
    /// Remove outputs under -o that carry slogen's header but whose spec is gone (folder input).
    #[arg(long = "prune")]
    pub prune: bool,
    /// Parse every generated expression with a PromQL parser and fail before writing if one
    /// does not parse (slogen extension; SLOs validated as MetricsQL are skipped).
    #[arg(long = "verify-exprs")]
    pub verify_exprs: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub gen: GenFlags,
    #[command(flatten)]
    pub engine: EngineFlags,
}

const K8S_TRANSFORM: &str = "sloth.dev/k8stransform/prom-operator-prometheus-rule/v1";

/// Runs `generate`.
pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    if args.k8s_transform_plugin_id != K8S_TRANSFORM {
        bail!(
            "unknown k8s transform plugin {:?}: only {K8S_TRANSFORM} is built in",
            args.k8s_transform_plugin_id
        );
    }
    let mut generator = args.gen.generator()?;
    generator.disable = Disable {
        recordings: args.disable_recordings,
        alerts: args.disable_alerts,
    };
    generator.verify_exprs = args.verify_exprs;
    let (mut engine, mut output) = (args.engine.clone(), args.output.clone());
    output.namespace = engine.with_namespace(output.namespace.take());
    engine.apply(&mut generator)?;
    if engine.target != TargetArg::Prometheus && output.format.is_some() {
        bail!(
            "--output-format is for Prometheus' own files and the Prometheus Operator; --target {} writes its ruler's layout: leave one of them out",
            engine.target.target().name()
        );
    }
    let meta = std::fs::metadata(&args.input)
        .with_context(|| format!("reading input {}", args.input.display()))?;
    generator.output = output.format(meta.is_dir())?;
    if meta.is_dir() {
        return super::generate_dir::run(&args, &generator);
    }
    if args.prune {
        bail!("--prune needs a folder input and output (-i DIR -o DIR)");
    }
    let text = read_spec(&args.input)?;
    let stem = args
        .input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = match generator.generate_file_named(&text, &stem) {
        Ok(out) => out,
        Err(problems) => return Ok(report(&args.input, &problems)),
    };
    if matches!(generator.output, OutputFormat::PrometheusRule(_)) {
        let input = args.input.display().to_string();
        let written: Vec<_> = out
            .written
            .iter()
            .map(|(d, w)| (input.as_str(), *d, w))
            .collect();
        let clashes = name_clashes(&written);
        if !clashes.is_empty() {
            let mut err = std::io::stderr().lock();
            for c in &clashes {
                let _ = writeln!(err, "error: {c}");
            }
            return Ok(ExitCode::from(1));
        }
    }
    if args.check {
        let Some(path) = args.out.to_str().filter(|o| *o != "-") else {
            bail!("--check compares with an output file: give -o FILE (with -o - there is nothing to compare)");
        };
        if args.out.is_dir() {
            bail!("output {path} is a folder; with a file input, -o must be a file path");
        }
        let planned = [Planned {
            path: path.to_string(),
            bytes: out.text.into_bytes(),
        }];
        return Ok(print_check(&compare(&planned), 1));
    }
    write_output(&args.out, out.text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Prints each stale output's diff on stdout and a line per file on stderr; exit 1 if any.
pub fn print_check(stale: &[Stale], total: usize) -> ExitCode {
    if stale.is_empty() {
        return ExitCode::SUCCESS;
    }
    {
        let mut out = std::io::stdout().lock();
        for s in stale {
            let _ = out.write_all(s.diff.as_bytes());
        }
        let _ = out.flush();
    }
    let mut err = std::io::stderr().lock();
    for s in stale {
        let _ = writeln!(err, "stale: {}", describe(s));
    }
    let line = format!(
        "error: {} of {total} generated file(s) out of date; run the same command without --check (and with --prune for orphans)",
        stale.len()
    );
    let _ = writeln!(err, "{}", super::format::paint_line(&line));
    ExitCode::from(1)
}

/// Reads a spec file as text, naming the file on failure.
///
/// Files over [`MAX_SPEC_BYTES`] are refused before they are read (a special file that claims
/// no size, such as `/dev/zero`, is read only up to the limit), so that a huge or endless
/// input ends with an error instead of taking all memory. Invalid UTF-8 is refused with the
/// offset of the first bad byte.
pub fn read_spec(path: &Path) -> anyhow::Result<String> {
    let name = || format!("reading spec file {}", path.display());
    let file = std::fs::File::open(path).with_context(name)?;
    let len = file.metadata().with_context(name)?.len();
    if len > MAX_SPEC_BYTES {
        bail!(too_big(path, len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_SPEC_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(name)?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        bail!(too_big(path, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "reading spec file {}: not valid UTF-8 (first bad byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Largest spec file slogen reads: 16 MiB, hundreds of times the largest real spec.
pub const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

fn too_big(path: &Path, len: u64) -> String {
    format!(
        "reading spec file {}: {} bytes or more, over the limit of {MAX_SPEC_BYTES} bytes (16 MiB) for one spec file; split it into several files",
        path.display(),
        len
    )
}

/// Prints every problem of a file and returns exit code 1.
pub fn report(path: &Path, problems: &[Problem]) -> ExitCode {
    let mut err = std::io::stderr().lock();
    for p in problems {
        let line = format!("error: {}", p.display(path));
        let _ = writeln!(err, "{}", super::format::paint_line(&line));
    }
    ExitCode::from(1)
}

/// Writes to stdout for `-`, else atomically to the file.
pub fn write_output(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if out == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
            Ok(()) => {}
            // A closed pipe (`| head`) is not a failure.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => return Err(e).context("writing to stdout"),
        }
        return Ok(());
    }
    if out.is_dir() {
        bail!(
            "output {} is a folder; with a file input, -o must be a file path or -",
            out.display()
        );
    }
    write_atomic(out, bytes)?;
    Ok(())
}

impl Default for GenerateArgs {
    fn default() -> Self {
        GenerateArgs {
            input: PathBuf::new(),
            out: PathBuf::from("-"),
            filters: FilterArgs::default(),
            disable_recordings: false,
            disable_alerts: false,
            k8s_transform_plugin_id: K8S_TRANSFORM.into(),
            check: false,
            prune: false,
            verify_exprs: false,
            output: OutputArgs::default(),
            gen: GenFlags::default(),
            engine: EngineFlags::default(),
        }
    }
}
