//! Hostile input (issue 11): every case ends with a clear error and a non-zero exit, without a
//! panic, a hang or unbounded memory. The limits are documented in docs/limits.md.
//!
//! No test asserts a duration; a case that stops being bounded shows up as a suite that hangs
//! or runs out of memory.

use std::path::Path;
use std::process::Output;

use crate::support::{slogen, text};

const HEAD: &str = "version: \"prometheus/v1\"\nservice: svc\n";

/// Writes `bytes` to `dir/name` and runs `slogen generate -i name`.
fn generate_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Output {
    std::fs::write(dir.join(name), bytes).unwrap();
    slogen(dir, &["generate", "-i", name])
}

/// Asserts a clean failure: exit code 1, nothing on stdout, no panic, and `want` in stderr.
fn assert_refused(out: &Output, want: &str) -> String {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout: {}", text(&out.stdout));
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(want), "expected {want:?} in: {err}");
    err
}

#[test]
fn billion_laughs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec =
        format!("{HEAD}labels:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        let refs = vec![format!("*l{p}"); 9].join(", ");
        spec.push_str(&format!("  l{i}: &l{i} [{refs}]\n"));
    }
    spec.push_str("slos: []\n");
    let out = generate_bytes(dir.path(), "bomb.yaml", spec.as_bytes());
    let err = assert_refused(&out, "alias bomb");
    assert!(err.contains("bomb.yaml:"), "names the file and line: {err}");
}

#[test]
fn alias_to_a_long_string_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(64 * 1024);
    let refs = "*big, ".repeat(1_000);
    let spec = format!("{HEAD}labels:\n  big: &big \"{long}\"\n  copies: [{refs}]\nslos: []\n");
    let out = generate_bytes(dir.path(), "bomb.yaml", spec.as_bytes());
    assert_refused(&out, "bytes of text (alias bomb?)");
}

#[test]
fn nesting_ten_thousand_deep_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let flow = "[".repeat(10_000) + &"]".repeat(10_000);
    let flow_map = "{a: ".repeat(10_000) + &"}".repeat(10_000);
    let block = "- ".repeat(10_000) + "x";
    for (i, deep) in [flow, flow_map, block].iter().enumerate() {
        let spec = format!("{HEAD}slos:\n  {deep}\n");
        let out = generate_bytes(dir.path(), &format!("deep{i}.yaml"), spec.as_bytes());
        assert_refused(&out, "nesting deeper than");
    }
}

#[test]
fn a_100_mb_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    // A sparse file: 100 MB long, nothing on disk, so the test stays cheap.
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    drop(f);
    let out = slogen(dir.path(), &["generate", "-i", "huge.yaml"]);
    let err = assert_refused(&out, "over the limit of 16777216 bytes");
    assert!(err.contains("huge.yaml"), "{err}");
    assert!(err.contains("104857600 bytes"), "{err}");
}

#[test]
fn an_endless_special_file_is_read_only_up_to_the_limit() {
    let out = slogen(Path::new("/"), &["generate", "-i", "/dev/zero"]);
    assert_refused(&out, "over the limit of 16777216 bytes");
}

#[test]
fn a_file_just_over_the_limit_is_refused_and_one_under_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let limit = 16 * 1024 * 1024;
    // A comment line pads the spec to exactly the limit, then one byte more.
    let body = format!("{HEAD}slos: []\n#");
    let mut at_limit = body.clone().into_bytes();
    at_limit.resize(limit, b'x');
    let out = generate_bytes(dir.path(), "at.yaml", &at_limit);
    // Read, then refused for its content, not its size.
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("over the limit"), "{err}");
    assert!(err.contains("at least one SLO"), "{err}");
    at_limit.push(b'x');
    let out = generate_bytes(dir.path(), "over.yaml", &at_limit);
    assert_refused(&out, "over the limit");
}

#[test]
fn a_one_megabyte_line_ends_with_a_positioned_error() {
    let dir = tempfile::tempdir().unwrap();
    let junk = "ab: ".repeat(256 * 1024);
    let spec = format!("{HEAD}slos:\n  - name: {junk}\n");
    let out = generate_bytes(dir.path(), "line.yaml", spec.as_bytes());
    let err = assert_refused(&out, "line.yaml:4:");
    assert!(err.contains("invalid YAML"), "{err}");
}

#[test]
fn a_one_megabyte_label_value_is_generated_and_kept_whole() {
    let dir = tempfile::tempdir().unwrap();
    let value: String = (0..100_000).map(|i| format!("w{i} ")).collect::<String>() + "end";
    assert!(value.len() > 600_000);
    let spec = format!(
        "{HEAD}labels:\n  big: \"{value}\"\nslos:\n  - name: slo\n    objective: 99\n    sli:\n      raw:\n        error_ratio_query: rate(x[{{{{.window}}}}])\n    alerting:\n      page_alert: {{disable: true}}\n      ticket_alert: {{disable: true}}\n"
    );
    let out = generate_bytes(dir.path(), "long.yaml", spec.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let generated: serde_norway::Value = serde_norway::from_slice(&out.stdout).unwrap();
    let rules = generated["groups"][0]["rules"].as_sequence().unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        assert_eq!(rule["labels"]["big"].as_str(), Some(value.as_str()));
    }
}

#[test]
fn nul_bytes_are_refused_with_a_position() {
    let dir = tempfile::tempdir().unwrap();
    let spec = format!("{HEAD}slos:\n  - name: a\0b\n");
    let out = generate_bytes(dir.path(), "nul.yaml", spec.as_bytes());
    assert_refused(&out, "nul.yaml:4:");
}

#[test]
fn invalid_utf8_is_refused_with_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = HEAD.as_bytes().to_vec();
    spec.extend_from_slice(b"slos: [\xff\xfe]\n");
    let out = generate_bytes(dir.path(), "latin1.yaml", &spec);
    let err = assert_refused(&out, "not valid UTF-8");
    assert!(err.contains(&format!("offset {}", HEAD.len() + 7)), "{err}");
}

#[test]
fn symlink_loops_in_a_spec_folder_are_reported_and_the_rest_generated() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir_all(specs.join("sub")).unwrap();
    std::fs::copy(
        crate::support::root().join("tests/golden/examples/getting-started.yml"),
        specs.join("good.yaml"),
    )
    .unwrap();
    let link = std::os::unix::fs::symlink;
    link(".", specs.join("sub/again")).unwrap(); // a folder loop
    link("self.yaml", specs.join("self.yaml")).unwrap(); // a file loop
    link("b.yaml", specs.join("a.yaml")).unwrap(); // a two-file loop
    link("a.yaml", specs.join("b.yaml")).unwrap();
    let out = slogen(dir.path(), &["generate", "-i", "specs", "-o", "gen"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for name in ["self.yaml", "a.yaml", "b.yaml"] {
        assert!(
            err.contains(&format!("specs/{name}")),
            "{name} named in: {err}"
        );
    }
    assert!(err.to_lowercase().contains("symbolic links"), "{err}");
    assert!(dir.path().join("gen/good.yaml").is_file(), "{err}");
}

#[test]
fn a_folder_of_100_000_files_completes() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    // 100 folders of 1,000 files: 99,999 that discovery skips and one spec.
    for d in 0..100 {
        let sub = specs.join(format!("d{d:03}"));
        std::fs::create_dir_all(&sub).unwrap();
        for f in 0..1_000 {
            std::fs::write(sub.join(format!("f{f:04}.txt")), "x").unwrap();
        }
    }
    std::fs::remove_file(specs.join("d050/f0500.txt")).unwrap();
    std::fs::copy(
        crate::support::root().join("tests/golden/examples/getting-started.yml"),
        specs.join("d050/f0500.yaml"),
    )
    .unwrap();
    let out = slogen(dir.path(), &["generate", "-i", "specs", "-o", "gen"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(dir.path().join("gen/d050/f0500.yaml").is_file());
}
