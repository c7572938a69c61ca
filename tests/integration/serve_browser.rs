//! `slogen serve` in a real browser: Debian's headless Chromium driven through WebDriver by
//! `tests/serve/browser.py` (PyPI selenium), against three running servers: the main
//! Prometheus fixture (with the XSS fixture among the specs), the grouped fixture, and a
//! Prometheus that refuses connections. The script checks the DOM against `slogen budget
//! --format json` at the same `--time`, and saves PNG screenshots under
//! `target/serve-screenshots/`. Missing python3, selenium, chromium or chromedriver fails the
//! test (`./scripts/test` installs them).

use std::process::Command;

use serde_json::json;

use super::budget_failures::refusing_port;
use super::prom_fixture::{fixture, grouped_fixture};
use super::prom_model::{CHECKOUT_RATE, CHECKOUT_ROUTES};
use super::serve::{budget_json, end, model_holds, serve_main, spec_dir, Serve, MAIN_SPECS};
use super::support::{root, text};
use slogen::budget::policy::PolicyLevel;

#[test]
fn overview_slo_pages_filters_xss_and_banner_in_chromium() {
    let main_specs = spec_dir(&MAIN_SPECS);
    let main = serve_main(main_specs.path());
    let grouped_specs = spec_dir(&["tests/fixtures/serve/checkout-grouped.yaml"]);
    let grouped = Serve::start(
        &[
            "-i",
            grouped_specs.path().to_str().unwrap(),
            "--prometheus-url",
            &grouped_fixture().url,
            "--time",
            &end(),
        ],
        &[],
    );
    let down_specs = spec_dir(&["slos/tr-web.yaml"]);
    let (_bound, port) = refusing_port();
    let down = Serve::start(
        &[
            "-i",
            down_specs.path().to_str().unwrap(),
            "--prometheus-url",
            &format!("http://127.0.0.1:{port}"),
        ],
        &[],
    );
    // The groups worst first, from the traffic model (lowest budget first).
    let mut routes: Vec<(&str, f64)> = CHECKOUT_ROUTES
        .iter()
        .map(|(r, e)| (*r, 1.0 - e / CHECKOUT_RATE / 0.001))
        .collect();
    routes.sort_by(|a, b| a.1.total_cmp(&b.1));
    let levels = slogen::budget::policy::Levels::default();
    let expectations = json!({
        "main": main.url,
        "grouped": grouped.url,
        "down": down.url,
        "prometheus": fixture().url,
        "budget": budget_json(),
        "colours": PolicyLevel::ALL
            .iter()
            .map(|l| (l.name(), l.colour()))
            .collect::<std::collections::BTreeMap<_, _>>(),
        "grouped_order": routes.iter().map(|(r, _)| format!("route=\"{r}\"")).collect::<Vec<_>>(),
        "grouped_levels": routes.iter().map(|(_, b)| levels.level(*b).name()).collect::<Vec<_>>(),
        "gateway_holds": model_holds("api-gateway-requests-availability")
            .iter()
            .map(|(s, p)| format!("{s}/{p}"))
            .collect::<Vec<_>>(),
    });
    let dir = tempfile::tempdir().unwrap();
    let exp_path = dir.path().join("expectations.json");
    std::fs::write(&exp_path, expectations.to_string()).unwrap();
    let shots = root().join("target/serve-screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    let out = Command::new("python3")
        .arg(root().join("tests/serve/browser.py"))
        .arg(&exp_path)
        .arg(&shots)
        .output()
        .expect("python3 runs (./scripts/test installs python3, selenium and chromium)");
    assert!(
        out.status.success(),
        "browser.py failed:\n{}\n{}\nmain server log:\n{}",
        text(&out.stdout),
        text(&out.stderr),
        main.log()
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains(" checks passed"), "{stdout}");
    for png in [
        "overview.png",
        "overview-filtered.png",
        "slo.png",
        "prometheus-graph.png",
        "xss.png",
        "grouped.png",
        "grouped-slo.png",
        "prometheus-down.png",
    ] {
        let bytes = std::fs::read(shots.join(png)).unwrap_or_default();
        assert!(
            bytes.len() > 1000 && bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{png} is a PNG screenshot"
        );
    }
}
