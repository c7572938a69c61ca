//! The output conventions every command shares: one `--format` vocabulary, one palette, and
//! writing to stdout.
//!
//! - `--format`: every command that prints a result takes `text` (the default, for people)
//!   and `json` (for programs), plus its own extras from the same list (`sarif`, `github`,
//!   `markdown`, `html`). `human` and `table`, the older names of `text`, still parse but are
//!   not offered. Declare the flag with [`formats`]:
//!
//!   ```ignore
//!   #[arg(long, default_value = "text", value_parser = formats(&[Format::Text, Format::Json]))]
//!   pub format: Format,
//!   ```
//! - Colour: only on a terminal, never with `--no-color`, `SLOTH_NO_COLOR` or a non-empty
//!   `NO_COLOR`. The same things get the same colours everywhere ([`Paint`]): the words
//!   `error`, `warning` and `info`, the policy levels, and the gate's verdicts.
//! - JSON conventions (checked by the tests of each command): objectives as
//!   `objective_ratio` and `objective_percent`, policy levels as `policy_level` (`ship_freely`,
//!   `cautious`, `focus_on_reliability`, `freeze`) with `policy_advice` beside, and times as RFC
//!   3339 strings ([`crate::timefmt::rfc3339`]).

use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use clap::builder::{PossibleValue, TypedValueParser};

use crate::budget::policy::PolicyLevel;

/// Every output format a command may offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people; every command's default.
    Text,
    /// For programs.
    Json,
    /// SARIF 2.1.0 (code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    Markdown,
    Html,
}

impl Format {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// Older names of `text`, still accepted.
    const TEXT_ALIASES: [&'static str; 2] = ["human", "table"];
}

/// The `--format` value parser of a command that offers `list` (`text` first, by convention).
pub const fn formats(list: &'static [Format]) -> FormatParser {
    FormatParser(list)
}

/// See [`formats`].
#[derive(Debug, Clone, Copy)]
pub struct FormatParser(&'static [Format]);

impl TypedValueParser for FormatParser {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Format, clap::Error> {
        let name = value.to_string_lossy();
        let name = name.trim();
        let found = self.0.iter().copied().find(|f| {
            f.name().eq_ignore_ascii_case(name)
                || (*f == Format::Text
                    && Format::TEXT_ALIASES
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case(name)))
        });
        if let Some(f) = found {
            return Ok(f);
        }
        let mut err = clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd);
        use clap::error::{ContextKind, ContextValue};
        err.insert(
            ContextKind::InvalidArg,
            ContextValue::String(arg.map_or("--format".into(), |a| a.to_string())),
        );
        err.insert(
            ContextKind::InvalidValue,
            ContextValue::String(name.to_string()),
        );
        err.insert(
            ContextKind::ValidValue,
            ContextValue::Strings(self.0.iter().map(|f| f.name().to_string()).collect()),
        );
        Err(err)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(|f| {
            let v = PossibleValue::new(f.name());
            match f {
                Format::Text => v.aliases(Format::TEXT_ALIASES),
                _ => v,
            }
        })))
    }
}

static NO_COLOR_FLAG: AtomicBool = AtomicBool::new(false);

/// Records `--no-color` (or `SLOTH_NO_COLOR`) for the whole run.
pub fn set_no_color(flag: bool) {
    NO_COLOR_FLAG.store(flag, Ordering::Relaxed);
}

/// The output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// True when `stream` should be coloured: a terminal, and no `--no-color` or `NO_COLOR`.
pub fn color_on(stream: Stream) -> bool {
    if NO_COLOR_FLAG.load(Ordering::Relaxed)
        || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    {
        return false;
    }
    match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    }
}

/// Colours for one stream; plain text when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    on: bool,
}

const RESET: &str = "\x1b[0m";
const ERROR: &str = "\x1b[1;91m";
const WARNING: &str = "\x1b[1;93m";
const INFO: &str = "\x1b[1;96m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[91m";

impl Paint {
    /// The palette of `stream`.
    pub fn of(stream: Stream) -> Paint {
        Paint {
            on: color_on(stream),
        }
    }

    /// Plain text, whatever the stream.
    pub fn off() -> Paint {
        Paint { on: false }
    }

    /// True when this palette colours.
    pub fn is_on(self) -> bool {
        self.on
    }

    fn wrap(self, style: &str, text: &str) -> String {
        if self.on {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    /// The word `error` (and other failure words): bold bright red, as lint's code frames.
    pub fn error(self, text: &str) -> String {
        self.wrap(ERROR, text)
    }

    /// The word `warning`: bold bright yellow.
    pub fn warning(self, text: &str) -> String {
        self.wrap(WARNING, text)
    }

    /// The word `info`: bold bright cyan.
    pub fn info(self, text: &str) -> String {
        self.wrap(INFO, text)
    }

    /// Good news (`allow`, `all valid`): green.
    pub fn ok(self, text: &str) -> String {
        self.wrap(GREEN, text)
    }

    /// `text` in the colour of a policy level: ship freely green, cautious yellow, focus on
    /// reliability red, freeze bold red.
    pub fn level(self, level: PolicyLevel, text: &str) -> String {
        let style = match level {
            PolicyLevel::ShipFreely => GREEN,
            PolicyLevel::Cautious => YELLOW,
            PolicyLevel::FocusOnReliability => RED,
            PolicyLevel::Freeze => ERROR,
        };
        self.wrap(style, text)
    }
}

/// Writes `bytes` to stdout; a closed pipe (`| head`) is not a failure.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e).context("writing to stdout"),
    }
}

/// Prints `error: message` on stderr, `error` coloured when stderr is a terminal.
pub fn eprint_error(message: &str) {
    let paint = Paint::of(Stream::Stderr);
    let _ = writeln!(
        std::io::stderr().lock(),
        "{}: {message}",
        paint.error("error")
    );
}

/// A line for stderr with its leading `error:` or `warning:` coloured (when stderr is a
/// terminal and colour is on).
pub fn paint_line(line: &str) -> String {
    let paint = Paint::of(Stream::Stderr);
    if let Some(rest) = line.strip_prefix("error:") {
        return format!("{}:{rest}", paint.error("error"));
    }
    if let Some(rest) = line.strip_prefix("warning:") {
        return format!("{}:{rest}", paint.warning("warning"));
    }
    line.to_string()
}

/// Prints `warning: message` on stderr, `warning` coloured when stderr is a terminal.
pub fn eprint_warning(message: &str) {
    let paint = Paint::of(Stream::Stderr);
    let _ = writeln!(
        std::io::stderr().lock(),
        "{}: {message}",
        paint.warning("warning")
    );
}

/// Renders JSON the way every command prints it: pretty, with a final newline.
pub fn json_text<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(value).context("rendering JSON")? + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, Command};

    fn parse(list: &'static [Format], value: &str) -> Result<Format, String> {
        let cmd = Command::new("x").arg(
            Arg::new("format")
                .long("format")
                .value_parser(formats(list)),
        );
        cmd.try_get_matches_from(["x", "--format", value])
            .map(|m| *m.get_one::<Format>("format").expect("parsed"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn text_is_also_human_and_table() {
        const LIST: &[Format] = &[Format::Text, Format::Json];
        assert_eq!(parse(LIST, "text"), Ok(Format::Text));
        assert_eq!(parse(LIST, "human"), Ok(Format::Text));
        assert_eq!(parse(LIST, "TABLE"), Ok(Format::Text));
        assert_eq!(parse(LIST, "json"), Ok(Format::Json));
        let err = parse(LIST, "html").unwrap_err();
        assert!(err.contains("[possible values: text, json]"), "{err}");
        let offered: Vec<String> = formats(LIST)
            .possible_values()
            .unwrap()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        assert_eq!(offered, ["text", "json"]);
    }

    #[test]
    fn paint_is_plain_when_off() {
        let off = Paint::off();
        assert_eq!(off.error("error"), "error");
        assert_eq!(
            off.level(PolicyLevel::Freeze, "freeze features"),
            "freeze features"
        );
        let on = Paint { on: true };
        assert_eq!(on.error("error"), "\x1b[1;91merror\x1b[0m");
        assert_eq!(
            on.level(PolicyLevel::ShipFreely, "ship freely"),
            "\x1b[32mship freely\x1b[0m"
        );
    }
}
