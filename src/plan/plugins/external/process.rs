//! Running a plugin executable with a time limit: input on stdin, output collected from
//! stdout and stderr, the process killed when the time is up.
//!
//! Pipes are drained by threads so that a plugin writing a lot never blocks on a full pipe. If
//! the plugin leaves a child behind that keeps the pipes open, the wait still ends at the
//! deadline.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How a finished run ended.
pub(super) struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Why a run did not finish.
#[derive(Debug)]
pub(super) enum RunError {
    Spawn(std::io::Error),
    TimedOut,
}

/// Runs `program args…` in `dir`, feeding `input` on stdin, for at most `timeout`.
pub(super) fn run(
    program: &Path,
    args: &[String],
    dir: &Path,
    input: Vec<u8>,
    timeout: Duration,
) -> Result<Finished, RunError> {
    let deadline = Instant::now() + timeout;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Spawn)?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // A plugin that exits without reading its input closes the pipe: not an error here, the
    // exit status and output tell what happened.
    thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let (tx, rx) = mpsc::channel();
    let drain = |mut pipe: Box<dyn Read + Send>, which: u8| {
        let tx = tx.clone();
        thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            let _ = tx.send((which, buf));
        });
    };
    drain(Box::new(child.stdout.take().expect("stdout is piped")), 1);
    drain(Box::new(child.stderr.take().expect("stderr is piped")), 2);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::TimedOut);
            }
        }
    };
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((1, buf)) => stdout = buf,
            Ok((_, buf)) => stderr = buf,
            Err(_) => return Err(RunError::TimedOut),
        }
    }
    Ok(Finished {
        status,
        stdout,
        stderr,
    })
}
