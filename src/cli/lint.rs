//! `slogen lint`: every problem of every spec, at file:line:col, in four formats.
//!
//! Exit status follows ruff: 0 when no errors were found (no warnings either, under
//! `--deny-warnings`), 1 when they were, 2 when lint itself could not do its job (a bad flag,
//! a bad config file, a file that cannot be read: those are reported with their path and the
//! run goes on).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use super::args::GenFlags;
use super::format::{color_on, eprint_error, formats, write_stdout, Format, Paint, Stream};
use super::input::SpecInput;
use crate::diag::render;
use crate::diag::Tally;
use crate::lint::{self, config, registry, Config, LintOptions};
use crate::model::Dialect;

/// Options of `slogen lint`.
#[derive(Debug, Clone, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub input: SpecInput,
    /// Output format: text (code frames), json, sarif (code scanning) or github (annotations).
    #[arg(long, default_value = "text", value_parser = formats(&[Format::Text, Format::Json, Format::Sarif, Format::Github]))]
    pub format: Format,
    /// Print a rule's rationale and an example (a code such as L005, or a name), then exit.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// Query language of SLI queries: PromQL, or VictoriaMetrics' MetricsQL.
    #[arg(long, value_enum)]
    pub dialect: Option<DialectArg>,
    /// The ruler the rules are for (L016 flags MetricsQL-only functions unless vmalert)
    /// [default: vmalert with --dialect metricsql or Sloth's VictoriaMetrics validator,
    /// otherwise prometheus].
    #[arg(long, value_enum)]
    pub target: Option<super::engine_args::TargetArg>,
    /// The engine's max query length (L015) [default: 768h].
    #[arg(long, value_name = "DURATION")]
    pub max_query_length: Option<String>,
    /// Exit with status 1 when warnings are found, not only errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Configuration file [default: the nearest .slogen.toml from the current folder up].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    #[command(flatten)]
    pub gen: GenFlags,
}

/// `--dialect` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    Promql,
    Metricsql,
}

/// Runs `lint`; failures of lint itself exit with status 2.
pub fn run(args: LintArgs) -> ExitCode {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => {
            let mut msg = format!("{e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!(": {cause}"));
            }
            eprint_error(&msg);
            ExitCode::from(2)
        }
    }
}

fn run_inner(args: LintArgs) -> anyhow::Result<ExitCode> {
    if let Some(code) = &args.explain {
        let Some(rule) = registry::find(code) else {
            bail!("unknown rule {code:?}: codes look like P001, V005 or L005 (see docs/rules.md)");
        };
        write_stdout(format!("{}\n", registry::explain(&rule)).as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut config = load_config(&args)?;
    if let Some(t) = args.target {
        config.target = Some(t.target());
    }
    if let Some(m) = &args.max_query_length {
        let d = crate::duration::Duration::parse(m).context("--max-query-length")?;
        if d.is_zero() {
            bail!("--max-query-length: must be more than zero");
        }
        config.max_query_length = Some(d);
    }
    let generator = args.gen.generator()?;
    let dialect = match args.dialect {
        Some(DialectArg::Promql) => Dialect::PromQl,
        Some(DialectArg::Metricsql) => Dialect::MetricsQl,
        None => config.dialect.unwrap_or_default(),
    };
    let mut io_failed = 0usize;
    let mut stderr = std::io::stderr().lock();
    let error = Paint::of(Stream::Stderr).error("error");
    let found = args.input.find()?;
    for p in &found.problems {
        io_failed += 1;
        let _ = writeln!(stderr, "{error}: {p}");
    }
    let mut files = Vec::new();
    for p in found.files {
        match std::fs::read(&p) {
            Ok(bytes) => files.push((p, bytes)),
            Err(e) => {
                io_failed += 1;
                let _ = writeln!(stderr, "{error}: reading spec file {}: {e}", p.display());
            }
        }
    }
    drop(stderr);
    if files.is_empty() {
        if io_failed > 0 {
            // Nothing was checked: no summary, which would read as a pass.
            return Ok(ExitCode::from(2));
        }
        bail!(
            "no spec files (.yml, .yaml) found in {}",
            args.input.describe()
        );
    }
    let opts = LintOptions {
        generator: &generator,
        dialect,
        config: &config,
    };
    let outcome = lint::lint_files(&files, &opts);
    let rules = registry::all();
    let text = match args.format {
        Format::Json => render::json::render(&outcome.diagnostics, &rules),
        Format::Sarif => render::sarif::render(&outcome.diagnostics, &rules, crate::VERSION),
        Format::Github => render::github::render(&outcome.diagnostics, &rules),
        _ => {
            let color = color_on(Stream::Stdout);
            let source = |p: &Path| {
                files
                    .iter()
                    .find(|(f, _)| f == p)
                    .and_then(|(_, b)| std::str::from_utf8(b).ok())
            };
            let mut t = render::text::render(&outcome.diagnostics, &source, color);
            t.push_str(&render::text::summary(
                &outcome.diagnostics,
                outcome.files,
                outcome.slos,
            ));
            if io_failed > 0 {
                t.push_str(&format!(
                    "{io_failed} path(s) could not be read (above); they were not checked.\n"
                ));
            }
            t
        }
    };
    write_stdout(text.as_bytes())?;
    let tally = Tally::of(&outcome.diagnostics);
    let failing = tally.errors > 0 || (args.deny_warnings && tally.warnings > 0);
    Ok(if io_failed > 0 {
        ExitCode::from(2)
    } else if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The project configuration: `--config`, else the nearest `.slogen.toml` upwards.
fn load_config(args: &LintArgs) -> anyhow::Result<Config> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => {
            let cwd = std::env::current_dir().context("reading the current folder")?;
            cwd.ancestors()
                .map(|d| d.join(config::FILE_NAME))
                .find(|p| p.is_file())
        }
    };
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading config file {}", path.display()))?;
    config::parse(&text).map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))
}
