//! `slogen init [DIR]`: scaffolds the layout of an SLOs-as-code repository.
//!
//! One example spec in `slos/`, its rules in `generated/` and its Grafana dashboards in
//! `dashboards/` (made by the library, so the tree passes `slogen generate --check` and
//! `slogen dashboards --check` at once), ArgoCD Applications that sync both folders, the
//! GitHub workflow that regenerates them on push, the pre-commit config, and the JSON Schema
//! the example spec points yaml-language-server at. Existing files are never overwritten without
//! `--force`: every conflict is listed and nothing is written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;

use super::dashboards::DEFAULT_FOLDER;
use super::fsio::write_atomic;
use crate::dashboards::delivery::{config_map, ConfigMapOptions};
use crate::dashboards::{self, Input, Settings};
use crate::pipeline::Generator;
use crate::schema::{self, SchemaKind};

/// The placeholder for the team's repository in `argocd/application.yaml`.
pub const REPO_URL_PLACEHOLDER: &str = "https://git.example.com/your-org/your-slos.git";
/// The placeholder for the slogen source the workflow and pre-commit build from.
pub const SLOGEN_GIT_PLACEHOLDER: &str = "https://git.example.com/your-org/slogen.git";

const EXAMPLE_SPEC: &str = include_str!("templates/example-slo.yaml");
const ARGOCD_APP: &str = include_str!("templates/argocd-application.yaml");
const ARGOCD_DASHBOARDS: &str = include_str!("templates/argocd-dashboards.yaml");
const GENERATE_WORKFLOW: &str = include_str!("templates/generate-slos.yaml");
const PRE_COMMIT_CONFIG: &str = include_str!("templates/pre-commit-config.yaml");

/// The example spec, relative to the scaffolded folder; its rules go to [`EXAMPLE_OUTPUT`].
pub const EXAMPLE_SPEC_PATH: &str = "slos/example.yaml";
/// Where `generate -i slos/ -o generated/` writes the example's rules.
pub const EXAMPLE_OUTPUT: &str = "generated/example.yaml";
/// Where `dashboards -i slos/ -o dashboards/ --format configmap` writes.
pub const DASHBOARDS_DIR: &str = "dashboards";

/// Options of `slogen init`.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Folder to scaffold (created when missing).
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// Git URL of this SLO repository, for the ArgoCD Application.
    #[arg(long = "repo-url", default_value = REPO_URL_PLACEHOLDER, value_name = "URL")]
    pub repo_url: String,
    /// Git URL of the slogen source that CI and pre-commit build slogen from.
    #[arg(long = "slogen-git", default_value = SLOGEN_GIT_PLACEHOLDER, value_name = "URL")]
    pub slogen_git: String,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// Every file `init` writes: path relative to the folder, and contents.
pub fn plan(args: &InitArgs) -> anyhow::Result<Vec<(String, String)>> {
    let (generated, planned) =
        Generator::default()
            .plan_file(EXAMPLE_SPEC)
            .map_err(|problems| {
                let msgs: Vec<String> = problems
                    .iter()
                    .map(|p| p.display(Path::new(EXAMPLE_SPEC_PATH)).to_string())
                    .collect();
                anyhow::anyhow!(
                    "the built-in example spec does not generate: {}",
                    msgs.join("; ")
                )
            })?;
    let fill = |t: &str| {
        t.replace("{{REPO_URL}}", &args.repo_url)
            .replace("{{SLOGEN_GIT}}", &args.slogen_git)
            .replace("{{SLOGEN_TAG}}", crate::VERSION)
    };
    let inputs: Vec<Input> = planned
        .iter()
        .flat_map(|p| {
            p.group
                .slos
                .iter()
                .zip(&p.plan.slos)
                .map(|(slo, (_, rules))| Input { slo, rules })
        })
        .collect();
    let built = dashboards::build(&inputs, &Settings::default())
        .map_err(|c| anyhow::anyhow!("the built-in example's dashboards collide: {}", c[0]))?;
    let options = ConfigMapOptions {
        namespace: None,
        folder: DEFAULT_FOLDER.to_string(),
    };
    let mut files = vec![
        (EXAMPLE_SPEC_PATH.to_string(), EXAMPLE_SPEC.to_string()),
        (EXAMPLE_OUTPUT.to_string(), generated.text),
    ];
    for d in &built {
        files.push((
            format!("{DASHBOARDS_DIR}/{}.yaml", d.uid),
            config_map(d, crate::VERSION, &options),
        ));
    }
    files.extend([
        ("argocd/application.yaml".to_string(), fill(ARGOCD_APP)),
        (
            "argocd/dashboards.yaml".to_string(),
            fill(ARGOCD_DASHBOARDS),
        ),
        (
            ".github/workflows/generate-slos.yaml".to_string(),
            fill(GENERATE_WORKFLOW),
        ),
        (
            ".pre-commit-config.yaml".to_string(),
            fill(PRE_COMMIT_CONFIG),
        ),
        (
            ".slogen/kubernetes.schema.json".to_string(),
            schema::render(SchemaKind::Kubernetes),
        ),
    ]);
    Ok(files)
}

/// Runs `init`.
pub fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    let files = plan(&args)?;
    if args.dir.exists() && !args.dir.is_dir() {
        bail!("{} exists and is not a folder", args.dir.display());
    }
    let mut conflicts = Vec::new();
    for (rel, _) in &files {
        let path = args.dir.join(rel);
        match std::fs::symlink_metadata(&path) {
            Err(_) => {}
            Ok(meta) if meta.is_dir() => conflicts.push(format!("{} (a folder)", path.display())),
            Ok(_) if !args.force => conflicts.push(path.display().to_string()),
            Ok(_) => {}
        }
    }
    if !conflicts.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "error: slogen init would overwrite {} existing path(s); nothing was written:",
            conflicts.len()
        );
        for c in &conflicts {
            let _ = writeln!(err, "  {c}");
        }
        let _ = writeln!(
            err,
            "hint: move them away, or pass --force to overwrite files"
        );
        return Ok(ExitCode::from(1));
    }
    let mut out = std::io::stdout().lock();
    for (rel, text) in &files {
        let path = args.dir.join(rel);
        write_atomic(&path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        let _ = writeln!(out, "created {}", path.display());
    }
    let _ = writeln!(out, "\nnext steps:");
    let _ = writeln!(
        out,
        "  edit slos/, then: slogen generate -i slos/ -o generated/"
    );
    let _ = writeln!(
        out,
        "  check in CI:      slogen generate -i slos/ -o generated/ --check"
    );
    let _ = writeln!(
        out,
        "  dashboards:       slogen dashboards -i slos/ -o dashboards/ --format configmap"
    );
    let _ = writeln!(out, "  pre-commit:       pre-commit install");
    if args.repo_url == REPO_URL_PLACEHOLDER {
        let _ = writeln!(
            out,
            "  set repoURL in argocd/application.yaml and argocd/dashboards.yaml (or re-run with --repo-url URL --force)"
        );
    }
    if args.slogen_git == SLOGEN_GIT_PLACEHOLDER {
        let _ = writeln!(
            out,
            "  set the slogen git URL in .github/workflows/generate-slos.yaml and .pre-commit-config.yaml (or --slogen-git URL)"
        );
    }
    Ok(ExitCode::SUCCESS)
}
