//! The README is the front door: short, its quick start runs verbatim, and every page under
//! docs/ is one click away. Links between the pages resolve (files and anchors), and the
//! migration guide's verification command really tells Sloth's output from anything else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::golden::{cases, render_tpl};
use crate::support::{root, slogen, slogen_bin, text};

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text of a `## ` section of a Markdown file, up to the next `## `.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(&format!("\n## {heading}"))
        .unwrap_or_else(|| panic!("no section {heading}"));
    let rest = &md[start + 1..];
    let end = rest[3..].find("\n## ").map(|i| i + 4).unwrap_or(rest.len());
    &rest[..end]
}

/// The fenced code blocks of `lang` in `md`, in order.
fn code_blocks(md: &str, lang: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    let mut fence_lang: Option<String> = None;
    for line in md.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("```") {
            match fence_lang.take() {
                None => {
                    fence_lang = Some(rest.trim().to_string());
                    current = (rest.trim() == lang).then(String::new);
                }
                Some(_) => {
                    if let Some(b) = current.take() {
                        blocks.push(b);
                    }
                }
            }
            continue;
        }
        if let Some(b) = current.as_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    blocks
}

#[test]
fn readme_is_a_short_front_door() {
    let readme = read("README.md");
    let lines = readme.lines().count();
    assert!(
        lines <= 300,
        "README.md has {lines} lines; reference material belongs in docs/"
    );
    for heading in [
        "Install",
        "Quick start",
        "What you get beyond Sloth",
        "Documentation",
        "Working on slogen",
    ] {
        section(&readme, heading);
    }
    // Install: the five paths.
    let install = section(&readme, "Install");
    for needle in [
        "SHA256SUMS",
        "cargo install --locked slogen",
        "ghcr.io/slogen/slogen:",
        "uses: slogen/slogen@",
        "slogen-generate",
    ] {
        assert!(
            install.contains(needle),
            "Install does not mention {needle}"
        );
    }
    // The two project commands, exactly.
    let work = section(&readme, "Working on slogen");
    let blocks = code_blocks(work, "sh");
    assert_eq!(
        blocks,
        [
            "cargo run --release -- generate -i slos/ -o generated/\n",
            "./scripts/test\n"
        ]
    );
    assert!(read(".ci/run").contains("exec ./scripts/test"));
    // Command 1 does what the README says, warning included.
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("generated");
    let run = slogen(
        &root(),
        &["generate", "-i", "slos/", "-o", out.to_str().unwrap()],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr).contains("mixes Prometheus rules files"),
        "{}",
        text(&run.stderr)
    );
    for f in ["tr-web.yaml", "api-gateway.yaml"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(root().join("generated").join(f)).unwrap()
        );
    }
}

#[test]
fn readme_quick_start_runs_verbatim() {
    let readme = read("README.md");
    let blocks = code_blocks(section(&readme, "Quick start"), "sh");
    assert!(blocks.len() >= 4, "{blocks:#?}");
    let script = format!("set -euo pipefail\n{}", blocks.concat());
    let tmp = tempfile::tempdir().unwrap();
    let path = format!(
        "{}:{}",
        slogen_bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-c", &script])
        .current_dir(tmp.path())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("PRE_COMMIT_HOME", tmp.path().join(".pre-commit-cache"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        out.status.success(),
        "the quick start failed:\n{script}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    let repo = tmp.path().join("my-slos");
    // It did what the prose says: lint clean, the explain table, objects in generated/, the hook.
    assert!(stdout.contains("All checks passed"), "{stdout}");
    assert!(
        stdout.contains("checkout-requests-availability: objective 99.9% over 30d"),
        "{stdout}"
    );
    let rules = crate::workflows::load_yaml(&repo.join("generated/checkout.yaml"));
    assert_eq!(rules["kind"], "PrometheusRule");
    assert_eq!(rules["metadata"]["name"], "checkout");
    assert!(repo.join(".git/hooks/pre-commit").is_file());
    // Every workflow the text block names exists.
    let flow = code_blocks(section(&readme, "Quick start"), "text").concat();
    for name in regex::Regex::new(r"(\.github/workflows/[a-z-]+\.yaml|deploy/[a-z-]+\.yaml)")
        .unwrap()
        .find_iter(&flow)
    {
        assert!(
            repo.join(name.as_str()).is_file(),
            "{} missing",
            name.as_str()
        );
    }
}

/// GitHub's heading anchors: lower case, spaces as `-`, punctuation other than `-` and `_` gone.
fn anchors(md: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut fenced = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        out.insert(slug);
    }
    out
}

/// Relative link targets of a Markdown file, outside code.
fn links(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    let link = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let code = regex::Regex::new(r"`[^`]*`").unwrap();
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let line = code.replace_all(line, "");
        for c in link.captures_iter(&line) {
            let target = c[1].to_string();
            if !target.starts_with("http://")
                && !target.starts_with("https://")
                && !target.starts_with("mailto:")
            {
                out.push(target);
            }
        }
    }
    out
}

fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("ARCHITECTURE.md")];
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p);
        }
    }
    files.sort();
    files
}

#[test]
fn every_link_resolves_and_every_page_is_one_click_from_the_readme() {
    let mut broken = Vec::new();
    for file in markdown_files() {
        let md = std::fs::read_to_string(&file).unwrap();
        for target in links(&md) {
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let dest: PathBuf = if path.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(path)
            };
            if !dest.exists() {
                broken.push(format!("{}: {target}: no such file", file.display()));
                continue;
            }
            if let Some(a) = anchor {
                let text = std::fs::read_to_string(&dest).unwrap_or_default();
                if !anchors(&text).contains(a) {
                    broken.push(format!(
                        "{}: {target}: no heading with that anchor",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");

    let readme = read("README.md");
    let linked: BTreeSet<String> = links(&readme)
        .into_iter()
        .map(|l| l.split('#').next().unwrap().to_string())
        .collect();
    for file in markdown_files() {
        let rel = file
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel != "README.md" {
            assert!(linked.contains(&rel), "{rel} is not linked from README.md");
        }
    }
}

/// The reference sections the README used to hold live on in docs/, each with its heading.
#[test]
fn moved_sections_have_their_pages() {
    for (page, heading) in [
        ("docs/generate.md", "## Folders of specs"),
        ("docs/generate.md", "## `--check` and `--prune`"),
        ("docs/openslo.md", "# OpenSLO input"),
        ("docs/plugins.md", "### Built-in SLO plugins"),
        ("docs/mcp.md", "## Tools"),
        (
            "docs/explain-and-test-rules.md",
            "## `slogen explain [-i PATH]...`",
        ),
        ("docs/lint.md", "## Configuration: `.slogen.toml`"),
        ("docs/budget.md", "## The deployment gate"),
        ("docs/benchmarks.md", "# Benchmarks"),
        ("docs/deviations.md", "# Deviations from Sloth"),
        ("docs/limits.md", "# Limits on hostile input"),
        ("docs/fuzzing.md", "# Fuzzing and hardening tests"),
        ("docs/init-and-ci.md", "## pre-commit hooks"),
        (
            "docs/schema.md",
            "# JSON Schema for editors: `slogen schema`",
        ),
        ("docs/completions.md", "# Shell completions and man pages"),
        (
            "docs/migrating-from-sloth.md",
            "## The compatibility promise",
        ),
        ("docs/install.md", "## GitHub Action"),
    ] {
        let text = read(page);
        assert!(
            text.lines().any(|l| l == heading),
            "{page} has no {heading:?}"
        );
    }
}

/// The migration guide's `diff` command: quiet on Sloth's output against slogen's, loud on a
/// real difference.
#[test]
fn migration_diff_command_tells_sloths_output_from_anything_else() {
    let guide = read("docs/migrating-from-sloth.md");
    let block = code_blocks(section(&guide, "Verify a migration"), "sh").remove(0);
    let diff = block
        .lines()
        .find(|l| l.starts_with("diff "))
        .expect("a diff command")
        .to_string();
    let tmp = tempfile::tempdir().unwrap();
    let (sloth, ours) = (tmp.path().join("sloth-out"), tmp.path().join("slogen-out"));
    let golden = root().join("tests/golden");
    let mut n = 0;
    for case in cases()
        .into_iter()
        .filter(|c| c.args[0] == "generate" && c.expect.starts_with("examples/_gen/"))
    {
        if case.args.iter().any(|a| a.contains("{PLUGINS}")) {
            continue;
        }
        let want = render_tpl(
            &std::fs::read_to_string(golden.join(&case.cwd).join(&case.expect)).unwrap(),
        );
        let argv: Vec<&str> = case.args.iter().map(String::as_str).collect();
        let got = slogen(&golden.join(&case.cwd), &argv);
        assert!(got.status.success(), "{}", case.id);
        let name = format!("{}.yaml", case.id);
        write(&sloth.join(&name), want.as_bytes());
        write(&ours.join(&name), &got.stdout);
        n += 1;
    }
    assert!(n >= 10, "only {n} cases");
    let run = |dir: &Path| {
        Command::new("bash")
            .args(["-c", &diff])
            .current_dir(dir)
            .output()
            .unwrap()
    };
    let same = run(tmp.path());
    assert!(
        same.status.success(),
        "{}{}",
        text(&same.stdout),
        text(&same.stderr)
    );
    assert_eq!(text(&same.stdout), "identical\n");
    // One changed objective is a difference.
    let f = ours.join("ex-getting-started.yaml");
    let t = std::fs::read_to_string(&f).unwrap();
    let changed = t.replacen("sloth_objective: \"99.9\"", "sloth_objective: \"99.5\"", 1);
    assert_ne!(changed, t);
    std::fs::write(&f, changed).unwrap();
    let differs = run(tmp.path());
    assert_eq!(differs.status.code(), Some(1));
    assert!(
        text(&differs.stdout).contains("sloth_objective"),
        "{}",
        text(&differs.stdout)
    );
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}
