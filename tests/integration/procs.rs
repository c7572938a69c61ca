//! Servers the incident tests start as separate processes (the receiver, Alertmanager, the
//! GitHub/Slack stand-in), each under a small `sh` supervisor holding a pipe from the test
//! process: when the [`Proc`] is dropped, or the test process exits or is killed, the pipe
//! closes and the supervisor stops the server with SIGTERM and reaps it. Servers are stopped
//! by their PID, never by name (as `prom_server.rs` does for Prometheus).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `"$@"` in the background with output to `$LOG`, prints its PID, waits for stdin to
/// close, then stops it and waits for it.
const SUPERVISOR: &str = r#""$@" </dev/null >>"$LOG" 2>&1 &
p=$!
echo "$p"
read -r line
kill "$p" 2>/dev/null
wait "$p"
"#;

/// A running server process.
pub struct Proc {
    supervisor: Child,
    lifeline: Option<ChildStdin>,
    pub pid: u32,
    pub log: PathBuf,
}

impl Proc {
    /// Starts `argv` with `env` added, its stdout and stderr appended to `log`.
    pub fn start(argv: &[&str], env: &[(&str, &str)], log: &Path) -> Proc {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(SUPERVISOR).arg("supervised").args(argv);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut supervisor = cmd
            .env("LOG", log)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh runs");
        let lifeline = supervisor.stdin.take();
        let mut out = supervisor.stdout.take().expect("stdout");
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while out.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
            line.push(byte[0]);
        }
        let pid = String::from_utf8_lossy(&line)
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{} did not start", argv[0]));
        Proc {
            supervisor,
            lifeline,
            pid,
            log: log.to_path_buf(),
        }
    }

    /// Sends `signal` (`KILL`, `TERM`) to the server, by its PID.
    pub fn signal(&self, signal: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid.to_string())
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill -{signal} {} failed", self.pid);
    }

    /// True while the server process exists.
    pub fn alive(&self) -> bool {
        Path::new(&format!("/proc/{}", self.pid)).exists()
            && !std::fs::read_to_string(format!("/proc/{}/stat", self.pid))
                .unwrap_or_default()
                .contains(") Z ")
    }

    /// Waits up to `limit` for the server to exit.
    pub fn wait_exit(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if !self.alive() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// What the server wrote so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(mut pipe) = self.lifeline.take() {
            let _ = pipe.write_all(b"stop\n");
        }
        let _ = self.supervisor.wait();
    }
}

/// Polls `f` every 100 ms until it gives `Some`, for at most `limit`; panics with `what`.
pub fn wait_for<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A blocking HTTP client for the tests: statuses are answers, not errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// `GET url` → (status, body); `None` when nothing answers.
pub fn get(url: &str) -> Option<(u16, String)> {
    let mut r = agent().get(url).call().ok()?;
    let status = r.status().as_u16();
    Some((status, r.body_mut().read_to_string().unwrap_or_default()))
}

/// `POST url` with `body` and headers → (status, body).
pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut req = agent().post(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut r = req.send(body).expect("the server answers");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap_or_default())
}
