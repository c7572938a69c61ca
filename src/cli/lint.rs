//! `slogen lint`: every problem of every spec, at file:line:col, in four formats.
//!
//! Exit status follows ruff: 0 when no errors were found (no warnings either, under
//! `--deny-warnings`), 1 when they were, 2 when lint itself could not do its job (a bad flag,
//! a bad config file, a file that cannot be read: those are reported with their path and the
//! run goes on).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use super::args::{GenFlags, GlobalFlags};
use super::discover::{self, FilterArgs, Filters};
use super::generate::write_output;
use crate::diag::render::{self, Format};
use crate::diag::Tally;
use crate::lint::{self, config, registry, Config, LintOptions};
use crate::model::Dialect;

/// Options of `slogen lint`.
#[derive(Debug, Clone, Args)]
pub struct LintArgs {
    /// Spec files, or folders searched recursively for .yml/.yaml files [default: slos/].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
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
    #[command(flatten)]
    pub filters: FilterArgs,
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
pub fn run(args: LintArgs, global: &GlobalFlags) -> ExitCode {
    match run_inner(args, global) {
        Ok(code) => code,
        Err(e) => {
            let mut msg = format!("error: {e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!(": {cause}"));
            }
            let _ = writeln!(std::io::stderr().lock(), "{msg}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(args: LintArgs, global: &GlobalFlags) -> anyhow::Result<ExitCode> {
    if let Some(code) = &args.explain {
        let Some(rule) = registry::find(code) else {
            bail!("unknown rule {code:?}: codes look like P001, V005 or L005 (see docs/rules.md)");
        };
        write_output(
            Path::new("-"),
            format!("{}\n", registry::explain(&rule)).as_bytes(),
        )?;
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
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("slos")]
    } else {
        args.paths.clone()
    };
    let mut io_failed = false;
    let mut stderr = std::io::stderr().lock();
    let mut files = Vec::new();
    let filters = args.filters.filters()?;
    for p in find_specs(&paths, &filters, &mut |e| {
        io_failed = true;
        let _ = writeln!(stderr, "error: {e}");
    }) {
        match std::fs::read(&p) {
            Ok(bytes) => files.push((p, bytes)),
            Err(e) => {
                io_failed = true;
                let _ = writeln!(stderr, "error: reading spec file {}: {e}", p.display());
            }
        }
    }
    if files.is_empty() && !io_failed {
        bail!(
            "no spec files (.yml, .yaml) found in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
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
        Format::Human => {
            let color = !global.no_color
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal();
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
            t
        }
        Format::Json => render::json::render(&outcome.diagnostics, &rules),
        Format::Sarif => render::sarif::render(&outcome.diagnostics, &rules, crate::VERSION),
        Format::Github => render::github::render(&outcome.diagnostics, &rules),
    };
    write_output(Path::new("-"), text.as_bytes())?;
    let tally = Tally::of(&outcome.diagnostics);
    let failing = tally.errors > 0 || (args.deny_warnings && tally.warnings > 0);
    Ok(if io_failed {
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

/// Spec files under `paths`: files as given; folders walked as `validate` walks them
/// ([`discover`](super::discover)), with the include and exclude regexes.
fn find_specs(paths: &[PathBuf], filters: &Filters, fail: &mut dyn FnMut(String)) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => fail(format!("reading {}: {e}", p.display())),
            Ok(m) if m.is_dir() => match discover::discover(p, filters) {
                Ok(found) => {
                    for problem in found.problems {
                        fail(format!("{}: {}", problem.path.display(), problem.message));
                    }
                    out.extend(found.files.into_iter().map(PathBuf::from));
                }
                Err(e) => fail(format!("{e:#}")),
            },
            Ok(_) => out.push(p.clone()),
        }
    }
    out
}
