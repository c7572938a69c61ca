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

/// A loopback port for a server that a test starts as a separate process (`prometheus`),
/// which must bind it itself.
///
/// Binding port 0 and closing it again would leave a window in which the kernel hands the same
/// port to another test's stub (they all bind port 0, concurrently). So the ports come from
/// below the kernel's ephemeral range, which port-0 binds never use, each at most once per test
/// process, starting at an offset taken from the process id so that two test runs on one
/// machine do not walk the same ports; a port is only handed out when it can be bound now.
pub fn server_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u32>().ok())
        .unwrap_or(32768);
    // Ports [base, low): above the well-known and registered-but-common ones.
    let base = 20000.min(low.saturating_sub(2000)).max(1024);
    let span = low.saturating_sub(base).max(1);
    let offset = std::process::id().wrapping_mul(7919) % span;
    for _ in 0..span {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = (base + (offset + n) % span) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port below {low}");
}
