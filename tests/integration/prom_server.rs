//! A real `prometheus` server on a free 127.0.0.1 port, for the fixture's backfill passes and
//! the budget tests.
//!
//! The server runs under a tiny `sh` supervisor that holds the read end of a pipe from the test
//! process. When the [`PromServer`] is dropped, or when the test process exits or is killed
//! (the shared fixture lives in a static, which is never dropped), the pipe closes and the
//! supervisor stops Prometheus with SIGTERM and reaps it. Unless the drop said to keep it, it
//! then removes the fixture's directory, which the test process can no longer do. So no server
//! or data outlives the test run, without polling and without killing anything by name.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::server_port;

/// Starts `prometheus "$@"` in the background, prints its PID, and waits for stdin to close;
/// then stops it, waits for it and removes `$CLEANUP` unless a `keep` line came first (twice:
/// a promtool run of a killed test may still be writing its last block).
const SUPERVISOR: &str = r#"prometheus "$@" </dev/null >/dev/null 2>>"$LOG" &
p=$!
echo "$p"
read -r line
kill "$p" 2>/dev/null
wait "$p"
if [ "$line" != keep ]; then rm -rf "$CLEANUP"; sleep 2; rm -rf "$CLEANUP"; fi
"#;

/// A running `prometheus`; stopped (and its data removed, if asked) on drop or process exit.
pub struct PromServer {
    supervisor: Child,
    /// Closing this stops the server.
    lifeline: Option<ChildStdin>,
    port: u16,
    log: PathBuf,
}

/// The `prometheus` binary. Panics (the test fails, never skips) when it is not installed.
fn prometheus_bin() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("prometheus"))
            .find(|p| p.is_file())
    });
    found.expect(
        "prometheus not found on PATH: install Debian's `prometheus` package (./scripts/test does it)",
    )
}

impl PromServer {
    /// Serves the TSDB in `data`. `cleanup` (the fixture's directory) is removed when the
    /// test process ends without dropping the server.
    pub fn start(data: &Path, config: &Path, cleanup: &Path) -> PromServer {
        prometheus_bin();
        let port = server_port();
        let log = data.with_extension(format!("{port}.log"));
        let mut supervisor = Command::new("sh")
            .arg("-c")
            .arg(SUPERVISOR)
            .arg("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            // The fixture's data is years old by the time the tests run.
            .arg("--storage.tsdb.retention.time=36500d")
            .env("LOG", &log)
            .env("CLEANUP", cleanup)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh runs");
        let lifeline = supervisor.stdin.take();
        // The PID line says the server was started.
        let mut pid = [0u8; 1];
        let started = supervisor
            .stdout
            .as_mut()
            .map(|out| out.read(&mut pid).unwrap_or(0) == 1)
            .unwrap_or(false);
        let server = PromServer {
            supervisor,
            lifeline,
            port,
            log,
        };
        assert!(started, "prometheus did not start");
        server.wait_ready();
        server
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(2)))
            .build()
            .into();
        while Instant::now() < deadline {
            if let Ok(r) = agent.get(format!("{}/-/ready", self.url())).call() {
                if r.status() == 200 {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        panic!(
            "prometheus did not become ready on {}; the end of its log:\n{}",
            self.url(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
}

impl Drop for PromServer {
    fn drop(&mut self) {
        // Closing the pipe makes the supervisor stop the server (SIGTERM, so the TSDB closes
        // cleanly) and reap it; the data stays for the next pass.
        if let Some(mut pipe) = self.lifeline.take() {
            let _ = pipe.write_all(b"keep\n");
        }
        let _ = self.supervisor.wait();
    }
}
