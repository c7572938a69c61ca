//! docs/cli.md is generated from the clap command tree and must match it, and every command
//! speaks the one vocabulary of docs/cli.md "Conventions": `--format` with `text` (the default)
//! and `json`, times as RFC 3339 or Unix seconds, colour off with `--no-color`.
//! `SLOGEN_UPDATE_DOCS=1 cargo test cli_doc` rewrites the page.

use clap::CommandFactory;
use slogen::cli::{cli_doc, Cli};

use crate::support::root;

#[test]
fn cli_doc_is_current() {
    let path = root().join("docs/cli.md");
    let fresh = cli_doc::markdown();
    if std::env::var_os("SLOGEN_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != fresh {
        let diff = similar::TextDiff::from_lines(&on_disk, &fresh)
            .unified_diff()
            .to_string();
        panic!("docs/cli.md is stale; run `SLOGEN_UPDATE_DOCS=1 cargo test cli_doc`:\n{diff}");
    }
    // Every visible command has a row, with its exit status.
    let cli = Cli::command();
    for sub in cli_doc::commands(&cli) {
        let row = fresh
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", sub.get_name())))
            .unwrap_or_else(|| panic!("no row for {}", sub.get_name()));
        assert!(
            !row.contains("see `slogen"),
            "{} has no exit status: {row}",
            sub.get_name()
        );
    }
}

#[test]
fn cli_doc_every_format_flag_speaks_one_vocabulary() {
    let cli = Cli::command();
    for sub in cli_doc::commands(&cli) {
        let Some(arg) = sub.get_arguments().find(|a| a.get_long() == Some("format")) else {
            continue;
        };
        let name = sub.get_name();
        let formats = cli_doc::formats(sub);
        assert_eq!(
            formats.first().map(String::as_str),
            Some("text"),
            "{name}: {formats:?}"
        );
        assert!(formats.iter().any(|f| f == "json"), "{name}: {formats:?}");
        let default: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        assert_eq!(default, ["text"], "{name}");
        for f in &formats {
            assert!(
                ["text", "json", "sarif", "github", "markdown", "html"].contains(&f.as_str()),
                "{name}: {f} is not in the vocabulary"
            );
        }
    }
    // The global colour switch reaches every command.
    let no_color = cli
        .get_arguments()
        .find(|a| a.get_long() == Some("no-color"))
        .expect("--no-color");
    assert!(no_color.is_global_set());
}

#[test]
fn cli_doc_every_time_flag_takes_a_time() {
    let cli = Cli::command();
    let mut found = Vec::new();
    for sub in cli_doc::commands(&cli) {
        for a in sub.get_arguments() {
            let long = a.get_long().unwrap_or_default();
            if ["time", "at"].contains(&long) {
                let names: Vec<String> = a
                    .get_value_names()
                    .unwrap_or_default()
                    .iter()
                    .map(|n| n.to_string())
                    .collect();
                assert_eq!(names, ["TIME"], "{} --{long}", sub.get_name());
                found.push(format!("{} --{long}", sub.get_name()));
            }
        }
    }
    // One name for the evaluation time on every live command (mcp's `--at` is an alias).
    for cmd in ["mcp", "budget", "gate", "report"] {
        assert!(found.contains(&format!("{cmd} --time")), "{found:?}");
    }
}
