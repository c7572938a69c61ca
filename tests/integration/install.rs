//! The install paths: the package metadata `cargo install` and crates.io need, the Dockerfile,
//! the release workflow and the GitHub Action (`action.yml` and `scripts/action`, whose steps
//! run here for real: the install step downloads the archive the release workflow's own
//! packaging step makes, from a loopback HTTP server), and Sloth's `kubernetes-controller`.
//!
//! No container runtime is needed: the Dockerfile is checked as text (its build command is the
//! one CI runs); the release workflow builds and pushes the image.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::init::{release_image, scaffold};
use crate::prom_fixture::fixture;
use crate::prom_model::END;
use crate::support::{root, server_port, slogen, slogen_bin, text};
use crate::workflows::{bash_step, load_yaml, run_step, step_run, steps};

fn manifest() -> toml::Value {
    toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap()
}

#[test]
fn package_metadata_is_complete_for_crates_io() {
    let m = manifest();
    let pkg = &m["package"];
    for field in [
        "description",
        "license",
        "repository",
        "homepage",
        "documentation",
        "readme",
        "rust-version",
    ] {
        assert!(
            pkg.get(field)
                .and_then(|v| v.as_str())
                .is_some_and(|v| !v.is_empty()),
            "Cargo.toml has no {field}"
        );
    }
    assert_eq!(pkg["license"].as_str(), Some("Apache-2.0"));
    let license = std::fs::read_to_string(root().join("LICENSE")).unwrap();
    assert!(license.contains("Apache License") && license.contains("Version 2.0, January 2004"));
    let keywords = pkg["keywords"].as_array().unwrap();
    assert!(
        !keywords.is_empty() && keywords.len() <= 5,
        "crates.io takes at most 5 keywords"
    );
    assert!(!pkg["categories"].as_array().unwrap().is_empty());

    // What `cargo publish` would upload: everything `cargo install --locked` needs to build
    // (the lock file, the templates and catalogs the sources include), no tests or build output.
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files = text(&out.stdout);
    for f in [
        "Cargo.lock",
        "LICENSE",
        "README.md",
        "src/main.rs",
        "src/cli/templates/slo-check.yaml",
        "src/spec/windows/google-30d.yaml",
        "docs/migrating-from-sloth.md",
    ] {
        assert!(
            files.lines().any(|l| l == f),
            "{f} is not packaged:\n{files}"
        );
    }
    assert!(
        !files
            .lines()
            .any(|l| l.starts_with("tests/") || l.starts_with("target/")),
        "{files}"
    );
}

#[test]
fn dockerfile_builds_like_ci_and_runs_slogen_as_non_root() {
    let df = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let instructions: Vec<String> = df
        .replace("\\\n", " ")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let froms: Vec<&String> = instructions
        .iter()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert_eq!(froms.len(), 2, "two stages: {froms:?}");
    assert!(froms[0].ends_with(" AS build"), "{}", froms[0]);
    assert!(
        froms[1].contains("distroless/static") && froms[1].contains(":nonroot"),
        "{}",
        froms[1]
    );
    let stage = |i: usize| {
        let start = instructions.iter().position(|l| l == froms[i]).unwrap();
        let end = if i == 0 {
            instructions.iter().position(|l| l == froms[1]).unwrap()
        } else {
            instructions.len()
        };
        instructions[start..end].to_vec()
    };
    // The build stage runs the build command of CI (ci.yaml, scripts/test).
    let build = stage(0);
    let ci = load_yaml(&root().join(".github/workflows/ci.yaml"));
    let ci_build = &step_run(&steps(&ci, "test"), "Build");
    assert_eq!(ci_build, "cargo build --release --locked");
    assert!(
        build
            .iter()
            .any(|l| l.starts_with("RUN ") && l.contains(ci_build)),
        "{build:#?}"
    );
    let script = std::fs::read_to_string(root().join("scripts/test")).unwrap();
    assert!(script.contains(&format!("\n{ci_build}\n")));
    // The runtime stage: the binary alone, a numeric non-root user, slogen as the entrypoint.
    let run = stage(1);
    assert!(
        run.iter()
            .any(|l| l == "COPY --from=build /out/slogen /usr/local/bin/slogen"),
        "{run:#?}"
    );
    let user = run
        .iter()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("a USER");
    let uid: u32 = user
        .split(':')
        .next()
        .unwrap()
        .parse()
        .expect("a numeric user, for runAsNonRoot");
    assert_ne!(uid, 0);
    assert!(
        run.iter()
            .any(|l| l == r#"ENTRYPOINT ["/usr/local/bin/slogen"]"#),
        "{run:#?}"
    );
    let repo = manifest()["package"]["repository"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(df.contains(&format!("org.opencontainers.image.source=\"{repo}\"")));
    let ignore = std::fs::read_to_string(root().join(".dockerignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "target/") && ignore.lines().any(|l| l == ".git/"));
}

#[test]
fn release_workflow_builds_every_platform_with_checksums_image_and_crate() {
    let wf = load_yaml(&root().join(".github/workflows/release.yaml"));
    assert_eq!(
        wf["on"]["push"]["tags"],
        serde_json::json!(["v[0-9]+.[0-9]+.[0-9]+"])
    );
    assert!(wf["on"].get("pull_request").is_none());
    assert_eq!(
        wf["permissions"],
        serde_json::json!({}),
        "jobs ask for their own permissions"
    );
    let targets: Vec<&str> = wf["jobs"]["binaries"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    for t in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
    ] {
        assert!(targets.contains(&t), "{t} missing: {targets:?}");
    }
    let bin_steps = steps(&wf, "binaries");
    assert_eq!(
        step_run(&bin_steps, "Build"),
        "cargo build --release --locked --target \"$TARGET\""
    );
    let image = steps(&wf, "image");
    assert!(step_run(&image, "docker buildx build")
        .contains("--tag \"$image:$VERSION-$ARCH\" --push ."));
    let manifest_steps = steps(&wf, "image-manifest");
    let tags = &step_run(&manifest_steps, "imagetools create");
    assert!(
        tags.contains("--tag \"$image:$VERSION\" --tag \"$image:latest\""),
        "{tags}"
    );
    let release = steps(&wf, "github-release");
    assert!(step_run(&release, "gh release create").contains("SHA256SUMS"));
    let publish = steps(&wf, "crates-io");
    assert_eq!(
        step_run(&publish, "cargo publish"),
        "cargo publish --locked"
    );
    for (job, perm) in [
        ("image", "packages"),
        ("image-manifest", "packages"),
        ("github-release", "contents"),
    ] {
        assert_eq!(wf["jobs"][job]["permissions"][perm], "write", "{job}");
    }

    // The version check, run as GitHub runs it.
    let version = manifest()["package"]["version"]
        .as_str()
        .unwrap()
        .to_string();
    let check = &step_run(&steps(&wf, "version"), "Cargo.toml");
    let out_file = tempfile::NamedTempFile::new().unwrap();
    let output = out_file.path().to_str().unwrap();
    let tag = format!("v{version}");
    run_step(
        &root(),
        check,
        &[("TAG", tag.as_str()), ("GITHUB_OUTPUT", output)],
    );
    assert_eq!(
        std::fs::read_to_string(out_file.path()).unwrap(),
        format!("version={version}\n")
    );
    let wrong = bash_step(
        &root(),
        check,
        &[("TAG", "v99.0.0"), ("GITHUB_OUTPUT", output)],
    );
    assert!(!wrong.status.success());
    assert!(text(&wrong.stdout)
        .contains("::error::tag v99.0.0 does not match the version in Cargo.toml"));
}

/// A folder laid out as a release's downloads (`v<version>/<file>`), made by the release
/// workflow's own packaging step from the binary under test, for `target`.
fn release_downloads(target: &str) -> tempfile::TempDir {
    let version = manifest()["package"]["version"]
        .as_str()
        .unwrap()
        .to_string();
    let work = tempfile::tempdir().unwrap();
    let bin_dir = work.path().join(format!("target/{target}/release"));
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::fs::copy(slogen_bin(), bin_dir.join("slogen")).unwrap();
    for f in ["LICENSE", "README.md"] {
        std::fs::copy(root().join(f), work.path().join(f)).unwrap();
    }
    let wf = load_yaml(&root().join(".github/workflows/release.yaml"));
    let package = &step_run(&steps(&wf, "binaries"), "Package with a checksum");
    run_step(
        work.path(),
        package,
        &[("TARGET", target), ("VERSION", version.as_str())],
    );
    // The release job: every .sha256 verified, then gathered into SHA256SUMS.
    let release = tempfile::tempdir().unwrap();
    let dir = release.path().join(format!("v{version}"));
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(work.path().join("dist")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    run_step(
        &dir,
        "sha256sum -c ./*.sha256\ncat ./*.sha256 > SHA256SUMS",
        &[],
    );
    release
}

/// `python3 -m http.server` on a loopback port, stopped by its PID when dropped.
struct FileServer {
    child: Child,
    url: String,
}

impl FileServer {
    fn start(dir: &Path) -> FileServer {
        let port = server_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &port.to_string(),
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let server = FileServer {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the file server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `scripts/action install` as the action's first step runs it.
fn action_install(
    env: &[(&str, &str)],
    runner_temp: &Path,
    github_path: &Path,
) -> std::process::Output {
    let mut all = vec![
        ("RUNNER_TEMP", runner_temp.to_str().unwrap()),
        ("GITHUB_PATH", github_path.to_str().unwrap()),
        // A PATH without the slogen under test: the step installs one.
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
    ];
    all.extend_from_slice(env);
    Command::new("bash")
        .arg(root().join("scripts/action"))
        .arg("install")
        .current_dir(runner_temp)
        .env_clear()
        .envs(all)
        .output()
        .unwrap()
}

#[test]
fn action_installs_the_release_binary_and_refuses_a_bad_checksum() {
    let target = match std::env::consts::ARCH {
        "x86_64" => "x86_64-unknown-linux-musl",
        "aarch64" => "aarch64-unknown-linux-musl",
        other => panic!("no release target for {other}"),
    };
    let downloads = release_downloads(target);
    let server = FileServer::start(downloads.path());
    let temp = tempfile::tempdir().unwrap();
    let github_path = temp.path().join("github_path");
    let out = action_install(
        &[
            ("SLOGEN_DOWNLOAD_URL", &server.url),
            ("INPUT_INSTALL", "binary"),
        ],
        temp.path(),
        &github_path,
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let added = std::fs::read_to_string(&github_path).unwrap();
    let bin = PathBuf::from(added.trim()).join("slogen");
    assert!(bin.starts_with(temp.path()), "{added}");
    let version = Command::new(&bin).arg("version").output().unwrap();
    assert_eq!(text(&version.stdout), format!("{}\n", slogen::VERSION));
    assert_eq!(
        std::fs::read(&bin).unwrap(),
        std::fs::read(slogen_bin()).unwrap()
    );

    // A tampered archive is refused, and nothing is put on PATH.
    let version = manifest()["package"]["version"]
        .as_str()
        .unwrap()
        .to_string();
    let archive = downloads
        .path()
        .join(format!("v{version}/slogen-{version}-{target}.tar.gz"));
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&archive, bytes).unwrap();
    let temp = tempfile::tempdir().unwrap();
    let github_path = temp.path().join("github_path");
    let out = action_install(
        &[("SLOGEN_DOWNLOAD_URL", &server.url)],
        temp.path(),
        &github_path,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not match its SHA256SUMS entry; not installed"),
        "{}",
        text(&out.stderr)
    );
    assert!(!github_path.exists());

    // No such release and `install: binary`: a clear failure.
    let out = action_install(
        &[
            ("SLOGEN_DOWNLOAD_URL", &server.url),
            ("INPUT_INSTALL", "binary"),
            ("INPUT_VERSION", "v9.9.9"),
        ],
        temp.path(),
        &github_path,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("could not download the slogen v9.9.9 release binary"),
        "{}",
        text(&out.stderr)
    );
    // ... and `auto` would build the action's source, which is another version.
    let out = action_install(
        &[
            ("SLOGEN_DOWNLOAD_URL", &server.url),
            ("INPUT_VERSION", "9.9.9"),
        ],
        temp.path(),
        &github_path,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(&format!("the action's source is v{version}, not v9.9.9")),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn action_install_skips_a_slogen_already_on_path() {
    let temp = tempfile::tempdir().unwrap();
    let github_path = temp.path().join("github_path");
    let path = format!("{}:/usr/bin:/bin", slogen_bin().parent().unwrap().display());
    let out = action_install(&[("PATH", &path)], temp.path(), &github_path);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("slogen {} is already on PATH", slogen::VERSION)));
    let bad = action_install(
        &[("PATH", &path), ("INPUT_INSTALL", "sometimes")],
        temp.path(),
        &github_path,
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("install must be auto, binary or source"));
}

#[test]
fn action_yml_maps_its_inputs_to_the_script_without_expressions_in_shell() {
    let action = load_yaml(&root().join("action.yml"));
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_object().unwrap();
    for i in [
        "command",
        "input",
        "output",
        "output-format",
        "args",
        "sarif-file",
        "prometheus-url",
        "version",
        "install",
    ] {
        assert!(inputs.contains_key(i), "input {i}");
    }
    let steps = action["runs"]["steps"].as_array().unwrap();
    assert_eq!(
        steps[0]["run"],
        "\"$GITHUB_ACTION_PATH/scripts/action\" install"
    );
    assert_eq!(
        steps[1]["run"],
        "\"$GITHUB_ACTION_PATH/scripts/action\" run"
    );
    // Every input reaches the script as INPUT_<NAME>, through env (never spliced into shell).
    for (name, _) in inputs {
        let var = format!("INPUT_{}", name.to_uppercase().replace('-', "_"));
        let step = steps
            .iter()
            .find(|s| s["env"].get(&var).is_some())
            .unwrap_or_else(|| panic!("{var} not set"));
        assert_eq!(step["env"][&var], format!("${{{{ inputs.{name} }}}}"));
    }
    assert_eq!(
        action["outputs"]["sarif-file"]["value"],
        "${{ steps.run.outputs.sarif-file }}"
    );
}

/// Runs `scripts/action run` with the slogen under test on PATH.
fn action_run(dir: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let script = format!("{} run", root().join("scripts/action").display());
    bash_step(dir, &script, env)
}

#[test]
fn action_runs_generate_check_validate_lint_and_gate() {
    let repo = scaffold(&[]);
    let dir = repo.path();
    let outputs = dir.join("github_output");
    let out = outputs.to_str().unwrap();
    let pr = [("INPUT_OUTPUT_FORMAT", "prometheusrule")];

    // check: current; then stale after an edit; generate fixes it; validate passes.
    let check = [("INPUT_COMMAND", "check"), pr[0]];
    let r = action_run(dir, &check);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let spec = std::fs::read_to_string(dir.join("slos/example.yaml")).unwrap();
    std::fs::write(
        dir.join("slos/example.yaml"),
        spec.replacen("objective: 99.9", "objective: 99.5", 1),
    )
    .unwrap();
    assert_eq!(action_run(dir, &check).status.code(), Some(1));
    let r = action_run(
        dir,
        &[
            ("INPUT_COMMAND", "generate"),
            pr[0],
            ("INPUT_ARGS", "--prune"),
        ],
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(action_run(dir, &check).status.success());
    assert!(load_yaml(&dir.join("generated/example.yaml"))["kind"] == "PrometheusRule");
    assert!(action_run(dir, &[("INPUT_COMMAND", "validate")])
        .status
        .success());

    // lint: SARIF file and output, then annotations; a bad spec fails the step.
    std::fs::write(
        dir.join("slos/example.yaml"),
        spec.replacen("objective: 99.9", "objective: 101", 1),
    )
    .unwrap();
    let r = action_run(
        dir,
        &[
            ("INPUT_COMMAND", "lint"),
            ("INPUT_SARIF_FILE", "lint.sarif"),
            ("GITHUB_OUTPUT", out),
        ],
    );
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
    assert!(
        text(&r.stdout).contains("::error file=slos/example.yaml"),
        "{}",
        text(&r.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(&outputs).unwrap(),
        "sarif-file=lint.sarif\n"
    );
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(dir.join("lint.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    std::fs::write(dir.join("slos/example.yaml"), &spec).unwrap();
    assert!(action_run(dir, &[("INPUT_COMMAND", "lint")])
        .status
        .success());

    // gate, against the Prometheus fixture.
    let f = fixture();
    let args = format!("--service tr-web --time {END}");
    let gate = |min: &str| {
        let a = format!("{args} --min-budget {min}");
        action_run(
            dir,
            &[
                ("INPUT_COMMAND", "gate"),
                ("INPUT_PROMETHEUS_URL", &f.url),
                ("INPUT_ARGS", &a),
            ],
        )
    };
    let allow = gate("10%");
    assert_eq!(
        allow.status.code(),
        Some(0),
        "{}{}",
        text(&allow.stdout),
        text(&allow.stderr)
    );
    assert!(text(&allow.stdout).starts_with("allow:"));
    assert_eq!(gate("40%").status.code(), Some(1));
    let r = action_run(dir, &[("INPUT_COMMAND", "gate"), ("PROMETHEUS_URL", "")]);
    assert_eq!(r.status.code(), Some(1));
    assert!(text(&r.stderr).contains("gate needs the prometheus-url input"));
    let r = action_run(dir, &[("INPUT_COMMAND", "deploy")]);
    assert_eq!(r.status.code(), Some(1));
    assert!(text(&r.stderr).contains("command must be generate, check, validate, lint or gate"));
}

#[test]
fn examples_use_the_image_the_release_workflow_pushes() {
    let cron = load_yaml(&root().join("examples/cronjob-report.yaml"));
    let image = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["image"];
    assert_eq!(image, release_image().as_str());
    let named = regex::Regex::new(r"ghcr\.io/[a-z0-9._-]+/slogen\b").unwrap();
    // And every doc names that image, never a placeholder registry.
    for entry in std::fs::read_dir(root().join("docs"))
        .unwrap()
        .chain(std::fs::read_dir(root()).unwrap())
    {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "md") {
            let t = std::fs::read_to_string(&p).unwrap();
            assert!(!t.contains("ghcr.io/example"), "{}", p.display());
            for m in named.find_iter(&t) {
                assert_eq!(
                    m.as_str(),
                    release_image().split(':').next().unwrap(),
                    "{}",
                    p.display()
                );
            }
        }
    }
}

#[test]
fn sloths_kubernetes_controller_says_what_to_do_instead() {
    for cmd in ["kubernetes-controller", "controller", "k8s-controller"] {
        let out = slogen(
            &root(),
            &[cmd, "--kube-local", "--mode=dry-run", "-l", "team=a"],
        );
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with("error: slogen has no kubernetes-controller"),
            "{err}"
        );
        assert!(
            err.contains("slogen generate -i slos/ -o generated/ --output-format prometheusrule"),
            "{err}"
        );
        let repo = manifest()["package"]["repository"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            err.contains(&format!(
                "{repo}/blob/main/docs/migrating-from-sloth.md#kubernetes-controller"
            )),
            "{err}"
        );
        assert!(!err.contains("unrecognized subcommand"), "{err}");
    }
    // The guide has that section.
    let guide = std::fs::read_to_string(root().join("docs/migrating-from-sloth.md")).unwrap();
    assert!(
        guide.contains("\n## `kubernetes-controller`"),
        "no kubernetes-controller section"
    );
}
