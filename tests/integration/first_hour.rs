//! Issue 16: what a new user hits in the first hour, each pinned by the test that failed
//! before its fix, and the conventions every command now shares (spec input on folders,
//! `--format`, colour on a terminal only). The live-Prometheus defects (the gate and a firing
//! page, the report's coverage, the Slack post) are in [`super::budget_cmds`]; the misspelt key
//! on a real pre-commit run is in [`super::workflow_loop`].

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

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
        &["test-rules", "-i", "slos", "-o", "tests"],
    ));
    for e in std::fs::read_dir(d.join("tests")).unwrap() {
        assert_eq!(mode(&e.unwrap().path()), 0o644);
    }
    ok(slogen_with_umask(d, "022", &["init", "scaffold"]));
    assert_eq!(mode(&d.join("scaffold/slos/example.yaml")), 0o644, "init");
    ok(slogen_with_umask(
        d,
        "027",
        &["dashboards", "-i", "slos", "-o", "dash"],
    ));
    assert_eq!(mode(&d.join("dash/slo-overview.json")), 0o640, "dashboards");

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

/// Defect 8: `validate` counted 1 SLO for a 3-SLO file with one bad SLO.
#[test]
fn validate_counts_every_slo_of_a_failing_document() {
    let dir = tempfile::tempdir().unwrap();
    let slo = |name: &str, objective: &str| {
        format!(
            "  - name: {name}\n    objective: {objective}\n    sli:\n      events:\n        error_query: sum(rate(x{{code=\"5\"}}[{{{{.window}}}}]))\n        total_query: sum(rate(x[{{{{.window}}}}]))\n    alerting:\n      page_alert: {{disable: true}}\n      ticket_alert: {{disable: true}}\n"
        )
    };
    let spec = format!(
        "version: \"prometheus/v1\"\nservice: svc\nslos:\n{}{}{}",
        slo("alpha", "99.9"),
        slo("bravo", "120"),
        slo("charlie", "99")
    );
    std::fs::write(dir.path().join("three.yaml"), spec).unwrap();
    let out = slogen(dir.path(), &["validate", "-i", "three.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.ends_with("validated 1 file(s), 1 document(s), 3 SLO(s): 1 error(s) in 1 file(s)\n"),
        "{stderr}"
    );

    // --format json: the same, for programs.
    let out = slogen(
        dir.path(),
        &["validate", "-i", "three.yaml", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["valid"], false);
    assert_eq!(
        (v["files"].as_u64(), v["slos"].as_u64()),
        (Some(1), Some(3))
    );
    let p = &v["problems"][0];
    assert_eq!(v["problems"].as_array().unwrap().len(), 1);
    assert_eq!(
        (p["file"].as_str(), p["line"].as_u64()),
        (Some("three.yaml"), Some(14))
    );
    assert_eq!(
        (p["slo"].as_str(), p["code"].as_str()),
        (Some("svc-bravo"), Some("V005"))
    );
}

/// Defect 8: `lint nosuchdir` printed "All checks passed: 0 files" next to its error.
#[test]
fn lint_of_a_missing_path_says_only_that() {
    let dir = tempfile::tempdir().unwrap();
    let out = slogen(dir.path(), &["lint", "nosuchdir"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "", "no summary: nothing was checked");
    assert_eq!(
        text(&out.stderr),
        "error: reading nosuchdir: No such file or directory (os error 2)\n"
    );
}

/// Defect 8: `test-rules` on an SLI it cannot synthesize said "wrote 0 test file(s) … run
/// them with promtool".
#[test]
fn test_rules_without_any_test_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("raw.yaml");
    std::fs::write(
        &spec,
        "version: \"prometheus/v1\"\nservice: svc\nslos:\n  - name: up\n    objective: 99\n    sli:\n      raw:\n        error_ratio_query: 1 - avg(avg_over_time(up[{{.window}}]))\n    alerting:\n      page_alert: {disable: true}\n      ticket_alert: {disable: true}\n",
    )
    .unwrap();
    let out = slogen(dir.path(), &["test-rules", "-i", "raw.yaml", "-o", "tests"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: no test written: none of the 1 SLO(s) could be tested"),
        "{stderr}"
    );
    assert!(!stderr.contains("promtool test rules"), "{stderr}");
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

/// One CLI: `explain` and `test-rules` read folders (they said "Is a directory"), with `-i`
/// or positionally, and the filters of `generate`.
#[test]
fn explain_and_test_rules_read_folders() {
    let r = root();
    let out = slogen(&r, &["explain", "slos/", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slo"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "api-gateway-requests-availability",
            "tr-web-requests-availability",
            "tr-web-requests-latency"
        ]
    );
    assert_eq!(v[1]["file"], "slos/tr-web.yaml");
    assert_eq!(
        (
            v[1]["objective_ratio"].as_f64(),
            v[1]["objective_percent"].as_f64()
        ),
        (Some(0.999), Some(99.9))
    );
    let filtered = slogen(
        &r,
        &[
            "explain",
            "-i",
            "slos",
            "--fs-exclude",
            "tr-web",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_slice(&filtered.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let human = slogen(
        &r,
        &[
            "explain",
            "-i",
            "slos/api-gateway.yaml",
            "--format",
            "table",
        ],
    );
    assert!(text(&human.stdout).starts_with("api-gateway-requests-availability: objective 99.95%"));

    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("tests");
    let out = slogen(
        &r,
        &["test-rules", "-i", "slos/", "-o", out_dir.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rules.yml"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "api-gateway-requests-availability.rules.yml",
            "tr-web-requests-availability.rules.yml",
            "tr-web-requests-latency.rules.yml"
        ]
    );
    assert!(text(&out.stdout).starts_with("wrote 9 test file(s) for 3 SLO(s)"));
}

/// One CLI: every `--format` takes `text` and `json`; `human` and `table` still parse; a
/// format a command does not write is a usage error that lists the ones it does.
#[test]
fn format_vocabulary() {
    let r = root();
    let lint_text = slogen(&r, &["lint", "slos/", "--format", "text"]);
    let lint_human = slogen(&r, &["lint", "slos/", "--format", "human"]);
    assert_eq!(lint_text.stdout, lint_human.stdout);
    assert!(text(&lint_text.stdout).contains("in 2 files (3 SLOs)"));
    let bad = slogen(&r, &["explain", "slos/", "--format", "sarif"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("[possible values: text, json]"),
        "{}",
        text(&bad.stderr)
    );
    let ok = slogen(&r, &["validate", "-i", "slos/", "--format", "json"]);
    let v: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(
        (v["valid"].as_bool(), v["slos"].as_u64()),
        (Some(true), Some(3))
    );
}

/// Runs `args` on a pseudo-terminal (script(1)), with `env` and NO_COLOR unset unless given.
fn on_terminal(args: &str, env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new("script");
    cmd.args([
        "-qec",
        &format!("{} {args}", slogen_bin().display()),
        "/dev/null",
    ])
    .current_dir(root())
    .env_remove("NO_COLOR")
    .env_remove("SLOTH_NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("script(1) runs");
    text(&out.stdout)
}

/// One CLI: colour only on a terminal, and never with `--no-color`, `SLOTH_NO_COLOR` or
/// `NO_COLOR`, for every command that colours (lint's frames, errors, policy levels).
#[test]
fn colour_only_on_a_terminal_and_never_when_asked_not_to() {
    const ESC: char = '\u{1b}';
    let bad_spec = "tests/fixtures/lint/err_L014_objective-as-ratio.yaml";
    for args in [
        format!("lint {bad_spec}"),
        "validate -i nosuchdir".to_string(),
        "gate --prometheus-url http://127.0.0.1:9 --timeout 1s".to_string(),
    ] {
        let coloured = on_terminal(&args, &[]);
        assert!(
            coloured.contains(ESC),
            "{args}: no colour on a terminal: {coloured}"
        );
        for (flag, env) in [
            (" --no-color", None),
            ("", Some(("NO_COLOR", "1"))),
            ("", Some(("SLOTH_NO_COLOR", "true"))),
        ] {
            let plain = on_terminal(
                &format!("{args}{flag}"),
                &env.into_iter().collect::<Vec<_>>(),
            );
            assert!(!plain.contains(ESC), "{args}{flag} {env:?}: {plain}");
        }
    }
    // Not a terminal: plain.
    let piped = Command::new(slogen_bin())
        .args(["lint", bad_spec])
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!text(&piped.stdout).contains(ESC));
}

/// Defect 8: `scripts/test` ran `pkill -x prometheus`, which stops a developer's own
/// Prometheus. No script the project runs may stop processes by name; each stops only the
/// processes it started, by PID.
#[test]
fn scripts_never_kill_by_name() {
    let mut scripts: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["scripts", ".ci"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                scripts.push(p);
            }
        }
    }
    assert!(
        scripts.iter().any(|p| p.ends_with("scripts/test")),
        "{scripts:?}"
    );
    let by_name =
        regex::Regex::new(r"\b(pkill|killall|pidof)\b|pgrep[^\n|]*\|\s*xargs\s+kill").unwrap();
    for p in &scripts {
        let Ok(body) = std::fs::read_to_string(p) else {
            continue;
        };
        for (n, line) in body.lines().enumerate() {
            let code = line.split(" #").next().unwrap_or(line);
            if code.trim_start().starts_with('#') {
                continue;
            }
            assert!(
                !by_name.is_match(code),
                "{}:{}: stops processes by name: {line}",
                p.display(),
                n + 1
            );
        }
    }
}
