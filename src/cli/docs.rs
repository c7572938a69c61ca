//! `slogen completions` and `slogen man`: shell completion scripts and man pages, generated
//! from the same clap command tree that parses the arguments, so they never drift from it.

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
    write_output(std::path::Path::new("-"), &buf)?;
    Ok(ExitCode::SUCCESS)
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
