//! Issue 16: what a new user hits in the first hour, each pinned by the test that failed
//! before its fix.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{root, slogen, slogen_bin, text};

/// Runs slogen through `sh` with `umask` set first, as a user's shell would.
fn slogen_with_umask(cwd: &Path, umask: &str, args: &[&str]) -> Output {
    let script = format!("umask {umask} && exec \"$0\" \"$@\"");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(slogen_bin())
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs")
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// Defect 1: every output was written 0600, so a Prometheus or a sync sidecar running as
/// another user could not read `generated/`, and a `chmod 644` was undone by the next run.
#[test]
fn outputs_follow_the_umask_and_keep_a_chmod() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("slos")).unwrap();
    std::fs::copy(root().join("slos/tr-web.yaml"), d.join("slos/tr-web.yaml")).unwrap();
    let ok = |out: Output| assert!(out.status.success(), "{}", text(&out.stderr));

    ok(slogen_with_umask(
        d,
        "022",
        &["generate", "-i", "slos", "-o", "gen"],
    ));
    assert_eq!(
        mode(&d.join("gen/tr-web.yaml")),
        0o644,
        "folder run, umask 022"
    );
    ok(slogen_with_umask(
        d,
        "022",
        &["generate", "-i", "slos/tr-web.yaml", "-o", "one.yaml"],
    ));
    assert_eq!(mode(&d.join("one.yaml")), 0o644, "single file, umask 022");
    ok(slogen_with_umask(
        d,
        "027",
        &["generate", "-i", "slos", "-o", "gen027"],
    ));
    assert_eq!(mode(&d.join("gen027/tr-web.yaml")), 0o640, "umask 027");
    ok(slogen_with_umask(
        d,
        "022",
        &["test-rules", "slos/tr-web.yaml", "-o", "tests"],
    ));
    for e in std::fs::read_dir(d.join("tests")).unwrap() {
        assert_eq!(mode(&e.unwrap().path()), 0o644);
    }
    ok(slogen_with_umask(d, "022", &["init", "scaffold"]));
    assert_eq!(mode(&d.join("scaffold/slos/example.yaml")), 0o644, "init");

    // A replaced output keeps the mode it was given.
    let out = d.join("gen/tr-web.yaml");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o664)).unwrap();
    ok(slogen_with_umask(
        d,
        "077",
        &["generate", "-i", "slos", "-o", "gen", "-l", "changed=yes"],
    ));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("changed: \"yes\""));
    assert_eq!(mode(&out), 0o664, "a chmod survives regeneration");
}

/// Defect 2: a killed run's `.slogen-*.tmp` stayed for 10 minutes and the next run did not
/// sweep it, so CI committed it; two runs could write one folder at once.
#[test]
fn the_next_run_sweeps_leftovers_and_runs_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("slos")).unwrap();
    std::fs::copy(root().join("slos/tr-web.yaml"), d.join("slos/tr-web.yaml")).unwrap();
    let gen = d.join("generated");
    std::fs::create_dir_all(gen.join("team")).unwrap();
    // Fresh leftovers, as a run SIGKILLed a moment ago leaves them.
    let leftovers = [
        gen.join(".slogen-a1b2c3.tmp"),
        gen.join("team/.slogen-d4e5f6.tmp"),
    ];
    for l in &leftovers {
        std::fs::write(l, "partial").unwrap();
    }
    let run = slogen(d, &["generate", "-i", "slos", "-o", "generated"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    for l in &leftovers {
        assert!(!l.exists(), "{} was not swept", l.display());
    }

    // Another run holds the folder (flock(1) takes the same advisory lock slogen does).
    let mut holder = Command::new("flock")
        .arg(&gen)
        .args(["sleep", "2"])
        .stdout(Stdio::null())
        .spawn()
        .expect("flock runs");
    std::thread::sleep(Duration::from_millis(300));
    let impatient = Command::new(slogen_bin())
        .args(["generate", "-i", "slos", "-o", "generated"])
        .current_dir(d)
        .env("SLOGEN_LOCK_WAIT", "0")
        .output()
        .unwrap();
    assert_eq!(impatient.status.code(), Some(1));
    assert!(
        text(&impatient.stderr).contains(
            "another slogen run is writing to generated (it holds the folder's lock); not waiting"
        ),
        "{}",
        text(&impatient.stderr)
    );
    let started = Instant::now();
    let patient = slogen(
        d,
        &["generate", "-i", "slos", "-o", "generated", "-l", "x=y"],
    );
    assert!(patient.status.success(), "{}", text(&patient.stderr));
    assert!(
        text(&patient.stderr).contains("waiting up to 60s for it to finish"),
        "{}",
        text(&patient.stderr)
    );
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "it waited"
    );
    let _ = holder.wait();
}

/// Defect 4: `objective: 0.999` printed three L005 errors before the L014 warning that
/// explains them, and a misspelt `totl_query` got a `{{.window}}` hint.
#[test]
fn lint_shows_the_cause_first_and_names_the_missing_key() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("a.yaml");
    std::fs::write(
        &spec,
        r#"version: "prometheus/v1"
service: "svc"
slos:
  - name: "avail"
    objective: 0.999
    description: "Availability."
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        totl_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      name: A
      page_alert:
        labels:
          severity: critical
"#,
    )
    .unwrap();
    let out = slogen(dir.path(), &["lint", "a.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let headlines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning[") || l.starts_with("info["))
        .collect();
    assert_eq!(
        headlines,
        [
            "error[L014]: objective 0.999% looks like a ratio; Sloth reads it as a percentage",
            "error[V009]: `total_query` is missing: `totl_query` is not a key Sloth knows, so the SLI has no total_query",
        ],
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "note: this is also why 3 alert window(s) at this objective could never fire (L005):"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean `total_query`?"), "{stdout}");
    assert!(!stdout.contains("{{.window}}` here"), "{stdout}");
    assert!(!stdout.contains("write the range as"), "{stdout}");
}

/// Defect 8: bash completion offered Sloth's hidden `--logger`, `--no-log` and `--debug`.
#[test]
fn bash_completion_hides_the_sloth_compatibility_flags() {
    let out = slogen(&root(), &["completions", "bash"]);
    let script = text(&out.stdout);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("slogen.bash");
    std::fs::write(&file, script).unwrap();
    let program = format!(
        "source '{}'; COMP_WORDS=(slogen generate --); COMP_CWORD=2; _slogen slogen -- generate; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(program)
        .output()
        .unwrap();
    let words = text(&out.stdout);
    let words: Vec<&str> = words.lines().collect();
    assert!(
        words.contains(&"--input") && words.contains(&"--no-color"),
        "{words:?}"
    );
    for hidden in ["--logger", "--no-log", "--debug"] {
        assert!(!words.contains(&hidden), "{hidden} offered: {words:?}");
    }
}
