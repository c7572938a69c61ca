//! docs/cli.md, generated from the clap command tree: every command with its input, output
//! formats, what it writes and its exit status, so the page cannot drift from the parser.
//!
//! A test compares the page with [`markdown`] (`SLOGEN_UPDATE_DOCS=1 cargo test cli_doc`
//! rewrites it). What a row says comes from the tree: `-i/--input` and positional spec paths,
//! `--prometheus-url`, the values of `--format`, `-o`/`--out-dir`, and the `Exit status:` text
//! each command carries ([`super::exit`]).

use clap::{Arg, ArgAction, Command, CommandFactory};

use super::Cli;

/// The text of docs/cli.md.
pub fn markdown() -> String {
    let cli = Cli::command();
    let mut s = String::from(
        "# slogen command line\n\n\
         <!-- Generated from the clap command tree (src/cli/cli_doc.rs) by `SLOGEN_UPDATE_DOCS=1 cargo test cli_doc`; do not edit. -->\n\n\
         | Command | What it does | Input | Output | Exit status |\n|---|---|---|---|---|\n",
    );
    for sub in commands(&cli) {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            sub.get_name(),
            cell(&about(sub)),
            cell(&input(sub)),
            cell(&output(sub)),
            cell(&exit_status(sub)),
        ));
    }
    s.push_str(CONVENTIONS);
    s.push_str(&time_flags(&cli));
    s
}

/// The visible subcommands, in the order of `slogen --help`.
pub fn commands(cli: &Command) -> Vec<&Command> {
    cli.get_subcommands().filter(|c| !c.is_hide_set()).collect()
}

fn about(c: &Command) -> String {
    c.get_about().map(|a| a.to_string()).unwrap_or_default()
}

fn long(c: &Command, name: &str) -> Option<Arg> {
    c.get_arguments()
        .find(|a| a.get_long() == Some(name) && !a.is_hide_set())
        .cloned()
}

fn repeatable(a: &Arg) -> bool {
    matches!(a.get_action(), ArgAction::Append)
}

/// The `--format` values, `text` (the default) first.
pub fn formats(c: &Command) -> Vec<String> {
    long(c, "format").map_or(Vec::new(), |a| {
        a.get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect()
    })
}

fn input(c: &Command) -> String {
    let mut parts = Vec::new();
    if let Some(a) = long(c, "input") {
        let folder_only = a
            .get_value_names()
            .is_some_and(|n| n.iter().any(|n| n.as_str() == "DIR"));
        let what = if folder_only { "DIR" } else { "FILE|DIR" };
        let mut p = format!("specs: `-i/--input {what}`");
        if repeatable(&a) {
            p.push_str(" (repeatable)");
        }
        let positional = c.get_positionals().any(|p| {
            p.get_value_names()
                .is_some_and(|n| n.iter().any(|n| n.as_str() == "PATH"))
        });
        if positional {
            p.push_str(", or as arguments");
        }
        if a.get_default_values().is_empty() && !a.is_required_set() && positional {
            p.push_str("; `slos/` by default");
        }
        parts.push(p);
    }
    if long(c, "prometheus-url").is_some() {
        parts.push("Prometheus: `--prometheus-url`".to_string());
    }
    if parts.is_empty() {
        return "none".into();
    }
    parts.join("; ")
}

fn output(c: &Command) -> String {
    let mut parts = Vec::new();
    let formats = formats(c);
    if !formats.is_empty() {
        parts.push(format!("`--format` {}", formats.join(", ")));
    }
    if let Some(o) = c.get_arguments().find(|a| a.get_long() == Some("out")) {
        let value = o
            .get_value_names()
            .and_then(|n| n.first())
            .map_or("PATH".to_string(), |n| n.to_string());
        let mut p = format!("files: `-o {value}`");
        if let Some(a) = long(c, "output-format") {
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if !values.is_empty() {
                p.push_str(&format!(" as `--output-format` {}", values.join(", ")));
            }
        }
        for flag in ["check", "prune"] {
            if long(c, flag).is_some() {
                p.push_str(&format!(", `--{flag}`"));
            }
        }
        parts.push(p);
    }
    if long(c, "out-dir").is_some() {
        parts.push("files: `--out-dir DIR`".into());
    }
    if parts.is_empty() {
        return "text".into();
    }
    parts.join("; ")
}

fn exit_status(c: &Command) -> String {
    let text = c
        .get_after_help()
        .map(|a| a.to_string())
        .unwrap_or_default();
    match text.split_once("Exit status:") {
        Some((_, rest)) => rest.trim().to_string(),
        None => format!("see `slogen {} --help`", c.get_name()),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

const CONVENTIONS: &str = "
## Conventions

Every command follows these, so a script written for one works with the next:

- **Spec input.** Commands that read specs take `-i/--input` with a file or a folder (folders are
  searched recursively for `.yml`/`.yaml`, with `--fs-include`/`--fs-exclude`), and the
  generation flags of `generate` (`-l`, `-p`, `-s`, `--default-slo-period`,
  `--slo-period-windows-path`, …). `generate` and `validate` keep Sloth's `-i`
  (`SLOTH_INPUT`); the positional paths that `lint`, `explain` and `test-rules` took before
  still work. `mcp --slos` is an alias of `mcp -i`.
- **Prometheus.** `budget`, `gate`, `report` and `mcp` take the same connection flags:
  `--prometheus-url` (`PROMETHEUS_URL`), `--prometheus-token-file` (or `PROMETHEUS_TOKEN`,
  `PROMETHEUS_USERNAME`/`PROMETHEUS_PASSWORD`; never a secret on the command line), `-H`,
  `--timeout`, `--engine`, `--tenant` and `--time` (`mcp --at` is the same flag).
- **Output format.** `--format text` (the default, for people) and `--format json` (for
  programs), plus the command's extras (`sarif`, `github`, `markdown`, `html`). `human` and
  `table`, earlier names of `text`, are still accepted. What a command writes into files is
  chosen with `--output-format` (`generate`: rules files or `PrometheusRule` objects;
  `dashboards`: dashboard JSON or ConfigMaps).
- **JSON.** Objectives as `objective_ratio` (0.999) and `objective_percent` (99.9), budgets as
  `budget_remaining_ratio` and `budget_remaining_percent`, policy levels as `policy_level`
  (`ship_freely`, `cautious`, `focus_on_reliability`, `freeze`) with `policy_advice` beside,
  times as RFC 3339 strings (`2026-01-01T00:00:00Z`).
- **Shares.** `--min-budget 10%` is a percentage; `--min-budget 0.1` is a ratio in [0, 1] (the
  same thing); `--min-budget 10` is refused. The gate's decision line shows how the value was
  read.
- **Colour.** Only on a terminal; `--no-color`, `SLOTH_NO_COLOR` or a non-empty `NO_COLOR`
  turn it off. `error` is red, `warning` yellow; policy levels are green (ship freely), yellow
  (cautious), red (focus on reliability) and bold red (freeze).
- **Files.** Every file written goes through one atomic path: a temporary file beside it, then
  a rename; new files get `0666` less the umask, a replaced file keeps its mode, and one run at
  a time writes into a folder (`SLOGEN_LOCK_WAIT` seconds of waiting, 60 by default). Where a
  command writes a tree of generated files (`generate`, `dashboards`), `--check` writes nothing
  and exits 1 with a diff when an output is missing, changed or orphaned, and `--prune` removes
  the orphans.
";

/// The flags that take a time, listed so none is missed.
fn time_flags(cli: &Command) -> String {
    let mut rows = Vec::new();
    for sub in commands(cli) {
        for a in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let is_time = a
                .get_value_names()
                .is_some_and(|n| n.iter().any(|n| n.as_str() == "TIME"));
            if let (true, Some(l)) = (is_time, a.get_long()) {
                rows.push(format!("`slogen {} --{l}`", sub.get_name()));
            }
        }
    }
    format!(
        "- **Times.** Every time flag takes RFC 3339 (`2026-01-01T00:00:00Z`, with an offset or\n  fractions) or Unix seconds (`1767225600`): {}.\n",
        rows.join(", ")
    )
}
