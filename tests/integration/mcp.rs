//! `slogen mcp` driven by an independent MCP client (the PyPI `mcp` package's stdio client)
//! against a real Prometheus on loopback.
//!
//! The fixture: `tests/mcp/fixture.py` writes three days of the series Sloth-style rules record
//! (with an incident), `promtool tsdb create-blocks-from openmetrics` turns them into blocks and
//! Debian's `prometheus` serves them. `tests/mcp/conversation.py` then checks every tool, the
//! resources, the error paths, concurrency and disconnects, each answer against figures it
//! computes itself from Prometheus' HTTP API. Missing python3, the `mcp` package, promtool or
//! prometheus fails the test (`./scripts/test` installs them).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{promtool, root, server_port, slogen_bin, text};

/// A Prometheus server on loopback, stopped (by its PID) when dropped.
struct Prometheus {
    child: Child,
    url: String,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn prometheus_bin() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("prometheus"))
            .find(|p| p.is_file())
    });
    found.expect("prometheus not found on PATH: install Debian's `prometheus` package (./scripts/test does it)")
}

/// Builds the fixture TSDB in `dir` and starts Prometheus over it; returns it and the
/// fixture's last instant (Unix seconds).
fn start_fixture(dir: &Path) -> (Prometheus, i64) {
    let om = dir.join("history.om");
    let out = Command::new("python3")
        .arg(root().join("tests/mcp/fixture.py"))
        .arg(&om)
        .output()
        .expect("python3 runs (./scripts/test needs python3)");
    assert!(
        out.status.success(),
        "fixture.py failed: {}",
        text(&out.stderr)
    );
    let end: i64 = text(&out.stdout)
        .trim()
        .parse()
        .expect("fixture.py prints its last instant");
    let data = dir.join("data");
    let om_arg = om.to_str().expect("utf-8 temp path");
    let data_arg = data.to_str().expect("utf-8 temp path");
    let out = promtool(
        dir,
        &[
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            om_arg,
            data_arg,
        ],
    );
    assert!(
        out.status.success(),
        "promtool backfill failed: {}",
        text(&out.stderr)
    );
    std::fs::write(
        dir.join("prometheus.yml"),
        "global:\n  scrape_interval: 1h\n",
    )
    .expect("write config");
    let port = server_port();
    let child = Command::new(prometheus_bin())
        .current_dir(dir)
        .args([
            "--config.file=prometheus.yml",
            "--storage.tsdb.path=data",
            "--storage.tsdb.retention.time=3650d",
            &format!("--web.listen-address=127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus starts");
    let prom = Prometheus {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    wait_ready(port);
    (prom, end)
}

/// Waits for Prometheus' readiness endpoint (a start-up wait, not a timing assertion).
fn wait_ready(port: u16) {
    use std::io::{Read, Write};
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET /-/ready HTTP/1.0\r\n\r\n");
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            if buf.starts_with("HTTP/1.0 200") || buf.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("prometheus did not become ready on 127.0.0.1:{port}");
}

#[test]
fn mcp_conversation_with_an_independent_client() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (prom, end) = start_fixture(tmp.path());
    let out = Command::new("python3")
        .arg(root().join("tests/mcp/conversation.py"))
        .arg("--slogen")
        .arg(slogen_bin())
        .args(["--prometheus", &prom.url, "--at", &end.to_string()])
        .arg("--slos")
        .arg(root().join("slos"))
        .arg("--argocd-dir")
        .arg(root().join("tests/fixtures/argocd"))
        .current_dir(tmp.path())
        .output()
        .expect("python3 runs");
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "MCP conversation failed\n--- stdout\n{stdout}\n--- stderr\n{}",
        text(&out.stderr)
    );
    assert!(
        stdout.contains("MCP conversation: all checks passed"),
        "{stdout}"
    );
    // Each check prints one `ok:` line; a silently shortened script would show here.
    let checks = stdout.lines().filter(|l| l.starts_with("ok: ")).count();
    assert!(checks >= 90, "only {checks} checks ran:\n{stdout}");
}
