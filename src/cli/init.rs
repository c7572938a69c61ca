//! `slogen init [DIR]`: scaffolds the layout of an SLOs-as-code repository.
//!
//! The loop, end to end: an example spec in `slos/` (unless `slos/` already holds specs) and its
//! rules in `generated/` and its Grafana dashboards in `dashboards/` (made by the library, so the
//! tree passes `generate --check` and `dashboards --check` at once), ArgoCD Applications that
//! sync both folders, the GitHub workflows (regenerate on push,
//! check pull requests, a reusable deployment gate), the pre-commit config, the weekly report
//! CronJob, the incident loop (`init_incidents`: the Alertmanager configuration for the specs'
//! alerts and the `slogen incidents` receiver's manifests), the JSON Schemas for editors and the
//! `.gitignore` lines for slogen's temporary files. Existing files are never overwritten without
//! `--force` (every conflict is listed and nothing is written); `.gitignore` only gets the lines
//! it lacks.
//!
//! Every file is one [`Template`] entry in [`templates`]: add a file there.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;

use super::dashboards::DEFAULT_FOLDER;
use super::discover::{discover, Filters};
use super::fsio::write_atomic;
use super::init_incidents;
use super::output_format::FormatArg;
use crate::dashboards::delivery::{config_map, ConfigMapOptions};
use crate::dashboards::{self, Input, Settings};
use crate::emit::prometheus_rule::ObjectMeta;
use crate::emit::OutputFormat;
use crate::pipeline::Generator;
use crate::schema::{self, SchemaKind};
use crate::spec::{self, SpecKind};

/// The placeholder for the team's repository in `argocd/application.yaml`.
pub const REPO_URL_PLACEHOLDER: &str = "https://git.example.com/your-org/your-slos.git";

/// slogen's own repository (Cargo.toml `repository`): the pre-commit hooks' source.
pub const SLOGEN_REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The container image slogen's release workflow pushes for this version.
pub fn image() -> String {
    let path = SLOGEN_REPOSITORY
        .trim_start_matches("https://github.com/")
        .to_ascii_lowercase();
    format!("ghcr.io/{path}:{}", env!("CARGO_PKG_VERSION"))
}

/// The example spec, relative to the scaffolded folder; its rules go to [`EXAMPLE_OUTPUT`].
pub const EXAMPLE_SPEC_PATH: &str = "slos/example.yaml";
/// Where `generate -i slos/ -o generated/` writes the example's rules.
pub const EXAMPLE_OUTPUT: &str = "generated/example.yaml";
/// Where `dashboards -i slos/ -o dashboards/ --output-format configmap` writes.
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
    /// Git URL of the slogen source for pre-commit; given, CI also builds slogen from it
    /// instead of installing the release from crates.io.
    #[arg(long = "slogen-git", value_name = "URL")]
    pub slogen_git: Option<String>,
    /// The output format written into the workflows and pre-commit [default: prometheusrule,
    /// or sloth when every spec already in slos/ is a Kubernetes PrometheusServiceLevel].
    #[arg(long = "output-format", value_enum, value_name = "FORMAT")]
    pub output_format: Option<FormatArg>,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// How `init` writes a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A new file; an existing one is a conflict unless `--force`.
    Create,
    /// Lines added to a file that may exist (`.gitignore`): only the lines it lacks.
    AppendLines,
}

/// One file `init` writes.
#[derive(Debug, Clone)]
pub struct Template {
    /// Relative to the scaffolded folder.
    pub path: String,
    pub mode: Mode,
    pub text: String,
}

/// What the templates are filled with.
#[derive(Debug, Clone)]
pub struct Scaffold {
    pub repo_url: String,
    pub slogen_git: Option<String>,
    pub format: FormatArg,
    /// Why that format: printed after the files.
    pub format_reason: String,
    /// `slos/` holds specs already, so no example is written.
    pub has_specs: bool,
    /// With specs in `slos/`: their Alertmanager configuration, or why there is none.
    pub alertmanager: Option<Result<String, String>>,
}

impl Scaffold {
    /// Looks at `dir/slos` and decides the output format.
    pub fn new(args: &InitArgs) -> anyhow::Result<Self> {
        let kinds = spec_kinds(&args.dir.join("slos"))?;
        let has_specs = !kinds.is_empty();
        let (format, format_reason) = match args.output_format {
            Some(f) => (f, "chosen with --output-format".to_string()),
            None if kinds.iter().all(|k| *k == SpecKind::Kubernetes) && has_specs => (
                FormatArg::Sloth,
                "every spec in slos/ is a Kubernetes PrometheusServiceLevel, which Sloth already writes as a PrometheusRule".into(),
            ),
            None if has_specs => (
                FormatArg::Prometheusrule,
                "slos/ holds prometheus/v1 or OpenSLO specs, and ArgoCD applies only Kubernetes objects".into(),
            ),
            None => (
                FormatArg::Prometheusrule,
                "ArgoCD applies only Kubernetes objects, and the example is a prometheus/v1 spec".into(),
            ),
        };
        let alertmanager = has_specs.then(|| init_incidents::for_specs(&args.dir.join("slos")));
        Ok(Scaffold {
            repo_url: args.repo_url.clone(),
            slogen_git: args.slogen_git.clone(),
            format,
            format_reason,
            has_specs,
            alertmanager,
        })
    }

    /// The flags every generate command in the scaffold takes, with a leading space.
    pub fn generate_flags(&self) -> &'static str {
        match self.format {
            FormatArg::Sloth => "",
            FormatArg::Rules => " --output-format rules",
            FormatArg::Prometheusrule => " --output-format prometheusrule",
        }
    }

    fn output_format(&self) -> OutputFormat {
        match self.format {
            FormatArg::Sloth => OutputFormat::Sloth,
            FormatArg::Rules => OutputFormat::Rules,
            FormatArg::Prometheusrule => OutputFormat::PrometheusRule(ObjectMeta::default()),
        }
    }

    /// The command that installs slogen in CI.
    fn install_command(&self) -> String {
        match &self.slogen_git {
            None => "cargo install --locked --version \"$SLOGEN_VERSION\" slogen".into(),
            Some(git) => format!(
                "cargo install --locked --git {} --tag \"v$SLOGEN_VERSION\" slogen",
                shell_word(git)
            ),
        }
    }

    /// Fills a template's placeholders.
    fn fill(&self, template: &str) -> String {
        let install_from = match &self.slogen_git {
            None => " (from crates.io, with cargo)".to_string(),
            Some(git) => format!(", built with cargo from {git}"),
        };
        let hook_args = match self.generate_flags() {
            "" => String::new(),
            flags => {
                let extra: Vec<&str> = flags.split_whitespace().collect();
                format!(
                    "\n        args: [-i, slos/, -o, generated/, --prune, {}]",
                    extra.join(", ")
                )
            }
        };
        template
            .replace("{{INSTALL_STEPS}}", INSTALL_STEPS.trim_end_matches('\n'))
            .replace("{{INSTALL}}", &self.install_command())
            .replace("{{INSTALL_FROM}}", &install_from)
            .replace("{{GENERATE_FLAGS}}", self.generate_flags())
            .replace("{{HOOK_ARGS}}", &hook_args)
            .replace("{{REPO_URL}}", &self.repo_url)
            .replace(
                "{{SLOGEN_GIT}}",
                self.slogen_git.as_deref().unwrap_or(SLOGEN_REPOSITORY),
            )
            .replace("{{SLOGEN_TAG}}", crate::VERSION)
            .replace("{{SLOGEN_VERSION}}", env!("CARGO_PKG_VERSION"))
            .replace("{{IMAGE}}", &image())
    }
}

const EXAMPLE_SPEC: &str = include_str!("templates/example-slo.yaml");
const ARGOCD_APP: &str = include_str!("templates/argocd-application.yaml");
const ARGOCD_DASHBOARDS: &str = include_str!("templates/argocd-dashboards.yaml");
const INSTALL_STEPS: &str = include_str!("templates/install-steps.yaml");
const GENERATE_WORKFLOW: &str = include_str!("templates/generate-slos.yaml");
const CHECK_WORKFLOW: &str = include_str!("templates/slo-check.yaml");
const GATE_WORKFLOW: &str = include_str!("templates/slo-gate.yaml");
const REPORT_CRONJOB: &str = include_str!("templates/report-cronjob.yaml");
const SERVE_DEPLOYMENT: &str = include_str!("templates/serve-deployment.yaml");
const PRE_COMMIT_CONFIG: &str = include_str!("templates/pre-commit-config.yaml");
const GITIGNORE: &str = include_str!("templates/gitignore");

/// The report CronJob as `init` writes it (`examples/cronjob-report.yaml` is the same file).
pub fn report_cronjob() -> String {
    REPORT_CRONJOB.replace("{{IMAGE}}", &image())
}

/// Every file `init` writes, in order.
pub fn templates(s: &Scaffold) -> anyhow::Result<Vec<Template>> {
    let create = |path: &str, text: String| Template {
        path: path.to_string(),
        mode: Mode::Create,
        text,
    };
    let mut out = Vec::new();
    if !s.has_specs {
        let spec = s.fill(EXAMPLE_SPEC);
        let alertmanager = init_incidents::for_example(&spec)?;
        out.push(create(EXAMPLE_SPEC_PATH, spec.clone()));
        out.extend(example_outputs(s, &spec)?);
        out.push(create(init_incidents::ALERTMANAGER_PATH, alertmanager));
    } else if let Some(Ok(alertmanager)) = &s.alertmanager {
        out.push(create(
            init_incidents::ALERTMANAGER_PATH,
            alertmanager.clone(),
        ));
    }
    out.extend([
        create("argocd/application.yaml", s.fill(ARGOCD_APP)),
        create("argocd/dashboards.yaml", s.fill(ARGOCD_DASHBOARDS)),
        create(
            ".github/workflows/generate-slos.yaml",
            s.fill(GENERATE_WORKFLOW),
        ),
        create(".github/workflows/slo-check.yaml", s.fill(CHECK_WORKFLOW)),
        create(".github/workflows/slo-gate.yaml", s.fill(GATE_WORKFLOW)),
        create(".pre-commit-config.yaml", s.fill(PRE_COMMIT_CONFIG)),
        create("deploy/slo-report-cronjob.yaml", report_cronjob()),
        create("deploy/slogen-serve.yaml", s.fill(SERVE_DEPLOYMENT)),
        create(
            init_incidents::DEPLOYMENT_PATH,
            init_incidents::deployment(),
        ),
        create(
            ".slogen/prometheus-v1.schema.json",
            schema::render(SchemaKind::PrometheusV1),
        ),
        create(
            ".slogen/kubernetes.schema.json",
            schema::render(SchemaKind::Kubernetes),
        ),
        Template {
            path: ".gitignore".to_string(),
            mode: Mode::AppendLines,
            text: GITIGNORE.to_string(),
        },
    ]);
    Ok(out)
}

/// The example spec's rules (as the workflows generate them) and its dashboards (as
/// `dashboards --output-format configmap` writes them).
fn example_outputs(s: &Scaffold, spec: &str) -> anyhow::Result<Vec<Template>> {
    let generator = Generator {
        output: s.output_format(),
        ..Generator::default()
    };
    let (generated, planned) = generator.plan_file(spec).map_err(|problems| {
        let msgs: Vec<String> = problems
            .iter()
            .map(|p| p.display(Path::new(EXAMPLE_SPEC_PATH)).to_string())
            .collect();
        anyhow::anyhow!(
            "the built-in example spec does not generate: {}",
            msgs.join("; ")
        )
    })?;
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
    let mut out = vec![Template {
        path: EXAMPLE_OUTPUT.to_string(),
        mode: Mode::Create,
        text: generated.text,
    }];
    out.extend(built.iter().map(|d| Template {
        path: format!("{DASHBOARDS_DIR}/{}.yaml", d.uid),
        mode: Mode::Create,
        text: config_map(d, crate::VERSION, &options),
    }));
    Ok(out)
}

/// The spec kinds of the files under `slos` (none when it does not exist).
fn spec_kinds(slos: &Path) -> anyhow::Result<Vec<SpecKind>> {
    if !slos.is_dir() {
        return Ok(Vec::new());
    }
    let found = discover(slos, &Filters::default())?;
    let mut kinds = Vec::new();
    for file in &found.files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        kinds.extend(
            spec::split_documents(&text)
                .iter()
                .filter_map(|d| spec::detect(&d.text)),
        );
    }
    Ok(kinds)
}

/// A word for a shell command line, single-quoted unless it is plainly safe.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// What writing one template does to the disk.
enum Action {
    Write(String),
    /// `.gitignore` has every line already.
    Unchanged,
}

/// The text to write for an append-lines template over `existing`.
fn appended(existing: &str, lines: &str) -> Option<String> {
    let have: Vec<&str> = existing.lines().map(str::trim_end).collect();
    let missing: Vec<&str> = lines
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty() && !have.contains(l))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut out = existing.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(
        lines
            .lines()
            .next()
            .filter(|l| l.starts_with('#'))
            .unwrap_or(""),
    );
    out.push('\n');
    for l in missing {
        out.push_str(l);
        out.push('\n');
    }
    Some(out)
}

/// Runs `init`.
pub fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    if args.dir.exists() && !args.dir.is_dir() {
        bail!("{} exists and is not a folder", args.dir.display());
    }
    let scaffold = Scaffold::new(&args)?;
    let files = templates(&scaffold)?;
    let mut conflicts = Vec::new();
    let mut actions = Vec::new();
    for t in &files {
        let path = args.dir.join(&t.path);
        let action = match (std::fs::symlink_metadata(&path), t.mode) {
            (Ok(meta), _) if meta.is_dir() => {
                conflicts.push(format!("{} (a folder)", path.display()));
                continue;
            }
            (Err(_), _) => Action::Write(t.text.clone()),
            (Ok(_), Mode::Create) if !args.force => {
                conflicts.push(path.display().to_string());
                continue;
            }
            (Ok(_), Mode::Create) => Action::Write(t.text.clone()),
            (Ok(_), Mode::AppendLines) => {
                let existing = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                match appended(&existing, &t.text) {
                    Some(text) => Action::Write(text),
                    None => Action::Unchanged,
                }
            }
        };
        actions.push((path, action));
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
    for (path, action) in &actions {
        match action {
            Action::Write(text) => {
                let existed = path.exists();
                write_atomic(path, text.as_bytes())
                    .with_context(|| format!("writing {}", path.display()))?;
                let verb = if existed { "updated" } else { "created" };
                let _ = writeln!(out, "{verb} {}", path.display());
            }
            Action::Unchanged => {
                let _ = writeln!(out, "unchanged {}", path.display());
            }
        }
    }
    next_steps(&mut out, &args, &scaffold);
    Ok(ExitCode::SUCCESS)
}

fn next_steps(out: &mut impl Write, args: &InitArgs, s: &Scaffold) {
    let flags = s.generate_flags();
    let _ = writeln!(
        out,
        "\noutput format: {} ({})",
        match s.format {
            FormatArg::Sloth => "sloth",
            FormatArg::Rules => "rules",
            FormatArg::Prometheusrule => "prometheusrule",
        },
        s.format_reason
    );
    let _ = writeln!(out, "\nnext steps:");
    if s.has_specs {
        let _ = writeln!(
            out,
            "  write generated/:  slogen generate -i slos/ -o generated/ --prune{flags}"
        );
    }
    let _ = writeln!(
        out,
        "  edit slos/, then:  slogen generate -i slos/ -o generated/{flags}"
    );
    let _ = writeln!(
        out,
        "  check, as CI does: slogen generate -i slos/ -o generated/ --check{flags}"
    );
    let _ = writeln!(
        out,
        "  dashboards:        slogen dashboards -i slos/ -o dashboards/ --output-format configmap"
    );
    let _ = writeln!(out, "  pre-commit:        pre-commit install");
    if args.repo_url == REPO_URL_PLACEHOLDER {
        let _ = writeln!(
            out,
            "  set repoURL in argocd/application.yaml and argocd/dashboards.yaml (or re-run with --repo-url URL --force)"
        );
    }
    let _ = writeln!(
        out,
        "  deploy gate:       set the PROMETHEUS_URL repository variable; see .github/workflows/slo-gate.yaml"
    );
    let _ = writeln!(
        out,
        "  incidents:         apply {} (its header lists the Secret), give Alertmanager {}",
        init_incidents::DEPLOYMENT_PATH,
        init_incidents::ALERTMANAGER_PATH,
    );
    if let Some(Err(why)) = &s.alertmanager {
        let _ = writeln!(out, "                     (not written: {why})");
    }
    let _ = writeln!(
        out,
        "                     and after editing slos/: {}",
        init_incidents::alertmanager_command()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_lines_are_added_once() {
        let lines = "# slogen\n.slogen-*.tmp\nslogen.sarif\n";
        assert_eq!(
            appended("", lines).unwrap(),
            "# slogen\n.slogen-*.tmp\nslogen.sarif\n"
        );
        assert_eq!(
            appended("target/", lines).unwrap(),
            "target/\n\n# slogen\n.slogen-*.tmp\nslogen.sarif\n"
        );
        assert_eq!(
            appended("slogen.sarif\n", lines).unwrap(),
            "slogen.sarif\n\n# slogen\n.slogen-*.tmp\n"
        );
        assert!(appended("a\n.slogen-*.tmp\nslogen.sarif\n", lines).is_none());
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            shell_word("https://git.example.com/a/slogen.git"),
            "https://git.example.com/a/slogen.git"
        );
        assert_eq!(shell_word("a b'c"), r"'a b'\''c'");
    }
}
