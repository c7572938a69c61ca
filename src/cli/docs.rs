//! `slogen completions` and `slogen man`: shell completion scripts and man pages, generated
//! from the same clap command tree that parses the arguments, so they never drift from it.
//! Hidden flags (Sloth's `--debug`, `--no-log`, `--logger`) are never offered.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::fsio::write_atomic;
use super::generate::write_output;
use super::Cli;

/// Options of `slogen completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// Options of `slogen man`.
#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write `slogen.1` and one `slogen-<command>.1` per subcommand into this folder instead of
    /// printing `slogen.1`.
    #[arg(long = "out-dir", value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Runs `completions`.
pub fn completions(args: CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "slogen", &mut buf);
    if args.shell == Shell::Bash {
        // clap_complete's bash script offers hidden flags too (the Sloth-compatibility ones).
        let hidden = hidden_flags(&Cli::command());
        buf = drop_words(&String::from_utf8_lossy(&buf), &hidden).into_bytes();
    }
    write_output(std::path::Path::new("-"), &buf)?;
    Ok(ExitCode::SUCCESS)
}

/// `--long` and `-s` of every hidden flag anywhere in the tree.
fn hidden_flags(cmd: &clap::Command) -> Vec<String> {
    let mut out: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.is_hide_set() && !a.is_positional())
        .flat_map(|a| {
            let long = a.get_long().map(|l| format!("--{l}"));
            let short = a.get_short().map(|s| format!("-{s}"));
            long.into_iter().chain(short)
        })
        .collect();
    for sub in cmd.get_subcommands() {
        out.extend(hidden_flags(sub));
    }
    out.sort();
    out.dedup();
    out
}

/// Removes `words` from the bash script's `opts="…"` word lists.
fn drop_words(script: &str, words: &[String]) -> String {
    let mut out = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        let Some(start) = line.find("opts=\"").map(|i| i + 6) else {
            out.push_str(line);
            continue;
        };
        let Some(len) = line[start..].find('"') else {
            out.push_str(line);
            continue;
        };
        let kept: Vec<&str> = line[start..start + len]
            .split_whitespace()
            .filter(|w| !words.iter().any(|h| h == w))
            .collect();
        out.push_str(&line[..start]);
        out.push_str(&kept.join(" "));
        out.push_str(&line[start + len..]);
    }
    out
}

/// Runs `man`.
pub fn man(args: ManArgs) -> anyhow::Result<ExitCode> {
    let pages = man_pages()?;
    match args.out_dir {
        None => write_output(std::path::Path::new("-"), &pages[0].1)?,
        Some(dir) => {
            for (name, bytes) in &pages {
                write_atomic(&dir.join(name), bytes)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Every man page: `slogen.1` first, then `slogen-<command>.1` for each visible subcommand.
pub fn man_pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let cmd = Cli::command();
    let mut pages = vec![("slogen.1".to_string(), render(cmd.clone())?)];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("slogen-{}", sub.get_name());
        let page = sub.clone().name(name.clone()).version(crate::VERSION);
        pages.push((format!("{name}.1"), render(page)?));
    }
    Ok(pages)
}

fn render(cmd: clap::Command) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .context("rendering the man page")?;
    Ok(buf)
}
