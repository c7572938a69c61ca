//! Crash-safe writes (issue 11): `slogen generate` is SIGKILLed at pseudo-random points while
//! it rewrites a large output tree, many times over. After every kill each output is the
//! complete old or the complete new version, and anything else in the tree is one of
//! `write_atomic`'s `.slogen-*.tmp` files, which discovery and `--prune` never take for
//! outputs. The next run removes those leftovers at once (it holds the folder's lock).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{root, slogen, slogen_bin, text};

const SPECS: usize = 120;
const KILLS: usize = 30;

fn args(version: &str) -> Vec<String> {
    ["generate", "-i", "specs", "-o", "out", "--extra-labels"]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("build={version}")])
        .collect()
}

/// Every file under `dir`, relative path to bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            out.insert(
                rel.to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    out
}

fn is_temp(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap();
    name.starts_with(".slogen-") && name.ends_with(".tmp")
}

/// A small xorshift generator: the kill points are pseudo-random but the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
fn killed_runs_leave_every_output_old_or_new() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let examples = root().join("tests/golden/examples");
    let sources = ["getting-started.yml", "home-wifi.yml", "k8s-home-wifi.yml"];
    for i in 0..SPECS {
        let sub = dir.join(format!("specs/team{}", i % 6));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::copy(
            examples.join(sources[i % sources.len()]),
            sub.join(format!("s{i:03}.yaml")),
        )
        .unwrap();
    }

    // The two complete versions of the tree, each from an uninterrupted run.
    let mut versions = Vec::new();
    let mut full_run = Duration::ZERO;
    for v in ["old", "new"] {
        let _ = std::fs::remove_dir_all(dir.join("out"));
        let argv = args(v);
        let started = Instant::now();
        let out = slogen(dir, &argv.iter().map(String::as_str).collect::<Vec<_>>());
        full_run = full_run.max(started.elapsed());
        assert!(out.status.success(), "{}", text(&out.stderr));
        let snap = snapshot(&dir.join("out"));
        assert_eq!(snap.len(), SPECS);
        versions.push(snap);
    }
    let (old, new) = (&versions[0], &versions[1]);
    assert!(
        old.iter().all(|(k, v)| new[k] != *v),
        "versions differ everywhere"
    );

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let window = full_run.as_micros() as u64;
    let mut leftovers = 0;
    let mut finished = 0;
    for kill in 0..KILLS {
        let v = if kill % 2 == 0 { "old" } else { "new" };
        let mut child = Command::new(slogen_bin())
            .args(args(v))
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.below(window)));
        // Child::kill sends SIGKILL on Unix.
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        }
        for (rel, bytes) in snapshot(&dir.join("out")) {
            if is_temp(&rel) {
                leftovers += 1;
                continue;
            }
            let whole = old.get(&rel) == Some(&bytes) || new.get(&rel) == Some(&bytes);
            assert!(
                whole,
                "kill {kill}: {rel} is neither version ({} bytes)",
                bytes.len()
            );
        }
        for rel in old.keys() {
            assert!(
                dir.join("out").join(rel).is_file(),
                "kill {kill}: {rel} lost"
            );
        }
    }
    assert!(finished < KILLS, "every run finished before its kill");

    // Leftover temporary files are never outputs: --check sees only the real files. Each run
    // sweeps the leftovers of killed runs before it stages its own (it holds the folder's lock,
    // so none can belong to a live run), whatever their age, and --prune leaves them alone.
    let check = slogen(
        dir,
        &args("new")
            .iter()
            .map(String::as_str)
            .chain(["--check"])
            .collect::<Vec<_>>(),
    );
    assert!(
        !text(&check.stdout).contains(".slogen-"),
        "{}",
        text(&check.stdout)
    );
    let temps: Vec<PathBuf> = snapshot(&dir.join("out"))
        .into_keys()
        .filter(|rel| is_temp(rel))
        .map(|rel| dir.join("out").join(rel))
        .collect();
    assert!(temps.len() <= leftovers, "{temps:?}");
    let argv = args("new");
    let mut argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    argv.push("--prune");
    let out = slogen(dir, &argv);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        &snapshot(&dir.join("out")),
        new,
        "only the new outputs are left"
    );
}
