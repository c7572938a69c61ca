//! `slogen completions` and `slogen man`: the scripts work in a real shell and the pages
//! render, and both cover every subcommand.

use std::process::Command;

use crate::support::{root, slogen, text};

const SUBCOMMANDS: [&str; 5] = ["generate", "init", "schema", "completions", "man"];

/// Asks bash's completion function for the words after `line`.
fn bash_complete(script: &str, words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("slogen.bash");
    std::fs::write(&file, script).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; _slogen slogen '{}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display(),
        quoted.join(" "),
        words[cword],
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(program)
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).lines().map(String::from).collect()
}

#[test]
fn bash_completion_completes_subcommands_and_values() {
    let out = slogen(&root(), &["completions", "bash"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script = text(&out.stdout);
    let all = bash_complete(&script, &["slogen", ""]);
    for sub in SUBCOMMANDS {
        assert!(all.iter().any(|w| w == sub), "{sub} missing from {all:?}");
    }
    assert_eq!(bash_complete(&script, &["slogen", "sch"]), ["schema"]);
    let formats = bash_complete(&script, &["slogen", "schema", ""]);
    for f in ["prometheus-v1", "kubernetes", "windows"] {
        assert!(
            formats.iter().any(|w| w == f),
            "{f} missing from {formats:?}"
        );
    }
}

#[test]
fn zsh_and_fish_scripts_name_every_subcommand() {
    for (shell, marker) in [("zsh", "#compdef slogen"), ("fish", "complete -c slogen")] {
        let out = slogen(&root(), &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: {sub} missing");
        }
    }
    let bad = slogen(&root(), &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_pages_render_cleanly() {
    let out = slogen(&root(), &["man"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.contains(".TH slogen 1"), "{page}");
    for sub in SUBCOMMANDS {
        assert!(page.contains(sub), "{sub} missing from slogen.1");
    }
    let dir = tempfile::tempdir().unwrap();
    let res = slogen(dir.path(), &["man", "--out-dir", "pages"]);
    assert!(res.status.success(), "{}", text(&res.stderr));
    assert_eq!(
        std::fs::read(dir.path().join("pages/slogen.1")).unwrap(),
        out.stdout
    );
    for sub in SUBCOMMANDS {
        let file = dir.path().join(format!("pages/slogen-{sub}.1"));
        let page = std::fs::read_to_string(&file).expect("subcommand page written");
        assert!(page.contains(&format!(".TH slogen-{sub} 1")), "{page}");
        // groff as man runs it (-k: preconv for UTF-8), all warnings on: a malformed page warns.
        let groff = Command::new("groff")
            .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
            .arg(&file)
            .output()
            .expect("groff runs");
        assert!(
            groff.status.success() && groff.stderr.is_empty(),
            "{sub}: {}",
            text(&groff.stderr)
        );
    }
}
