//! What `slogen init` writes for the incident loop (docs/incidents.md): the Alertmanager
//! configuration for the specs' SLO alerts, pointing at `slogen incidents` in the cluster, and
//! the receiver's Kubernetes manifests (PersistentVolumeClaim, Deployment, Service).
//!
//! The configuration is what `slogen alertmanager` prints for the same specs with the flags
//! in [`alertmanager_command`] (made by the library, never a checked-in copy), so CI can keep it
//! current with that command and `--check`.

use std::path::Path;

use crate::alertmanager::{self, facts, Options, Webhook};
use crate::cli::discover::FilterArgs;
use crate::pipeline::Generator;

/// Where `init` writes the Alertmanager configuration.
pub const ALERTMANAGER_PATH: &str = "deploy/alertmanager-slos.yaml";
/// Where `init` writes the receiver's manifests.
pub const DEPLOYMENT_PATH: &str = "deploy/slogen-incidents.yaml";
/// The receiver's Service, as Alertmanager in the `monitoring` namespace reaches it.
pub const WEBHOOK_URL: &str = "http://slogen-incidents.monitoring.svc:9095/alerts";
/// The token file on the Alertmanager host: the Secret `slogen-incidents` mounted by the
/// Prometheus Operator (`alertmanager.spec.secrets: [slogen-incidents]`).
pub const CREDENTIALS_FILE: &str = "/etc/alertmanager/secrets/slogen-incidents/token";

const DEPLOYMENT: &str = include_str!("templates/incidents-deployment.yaml");

/// The receiver's manifests as `init` writes them, with the release image.
pub fn deployment() -> String {
    DEPLOYMENT.replace("{{IMAGE}}", &super::init::image())
}

/// The command that prints the configuration `init` writes (and keeps it current).
pub fn alertmanager_command() -> String {
    format!(
        "slogen alertmanager -i slos/ -o {ALERTMANAGER_PATH} --webhook-url {WEBHOOK_URL} --webhook-credentials-file {CREDENTIALS_FILE}"
    )
}

fn options() -> Options {
    Options {
        webhook: Some(Webhook {
            url: WEBHOOK_URL.into(),
            credentials_file: Some(CREDENTIALS_FILE.into()),
        }),
        ..Options::default()
    }
}

/// The configuration for the example spec `text`.
pub fn for_example(text: &str) -> anyhow::Result<String> {
    let (_, planned) = Generator::default().plan_file(text).map_err(|problems| {
        let msgs: Vec<String> = problems
            .iter()
            .map(|p| {
                p.display(Path::new(super::init::EXAMPLE_SPEC_PATH))
                    .to_string()
            })
            .collect();
        anyhow::anyhow!(
            "the built-in example spec does not plan: {}",
            msgs.join("; ")
        )
    })?;
    let planned: Vec<_> = planned.into_iter().map(|p| (p.group, p.plan)).collect();
    render(&planned)
}

/// The configuration for the specs already in `slos`, or why there is none (the specs do
/// not generate, or no SLO alerts): `init` then names the command to run instead.
pub fn for_specs(slos: &Path) -> Result<String, String> {
    let filters = FilterArgs {
        fs_include: None,
        fs_exclude: None,
    };
    match super::specset::load(slos, &filters, &Generator::default()) {
        Ok(Ok(set)) => render(&set.planned).map_err(|e| format!("{e:#}")),
        Ok(Err(problems)) => Err(format!(
            "{} problem(s) in slos/, first: {}",
            problems.len(),
            problems[0]
        )),
        Err(e) => Err(format!("{e:#}")),
    }
}

fn render(planned: &[(crate::model::SloGroup, crate::plan::Plan)]) -> anyhow::Result<String> {
    let slos = facts::collect(planned)?;
    Ok(alertmanager::render(&slos, &options(), crate::VERSION)?)
}
