//! Helpers shared by the integration tests: the built binary and the repository paths.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `slogen` binary cargo built for these tests.
pub fn slogen_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_slogen"))
}

/// Runs `slogen` with `args` in `cwd`, colour off.
pub fn slogen(cwd: &Path, args: &[&str]) -> Output {
    Command::new(slogen_bin())
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("slogen runs")
}

/// Text of an output stream.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `promtool` binary. Panics (the test fails, never skips) when it is not installed:
/// `./scripts/test` installs it from Debian's `prometheus` package.
pub fn promtool_bin() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("promtool"))
            .find(|p| p.is_file())
    });
    found.expect(
        "promtool not found on PATH: install Debian's `prometheus` package (./scripts/test does it)",
    )
}

/// Runs `promtool` with `args` in `cwd`.
pub fn promtool(cwd: &Path, args: &[&str]) -> Output {
    Command::new(promtool_bin())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("promtool runs")
}
