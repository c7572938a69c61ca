//! `slogen dashboards`: files per service and the overview, determinism and `--check` /
//! `--prune` with `generate`'s contract, failures that leave earlier dashboards untouched,
//! uids for awkward service names and their collisions, ConfigMaps for the Grafana sidecar,
//! the provisioning provider, the 768h query limit, and insta snapshots of the dashboards.
//! The schema check is in [`super::dashboards_schema`], the data check on Prometheus in
//! [`super::dashboards_prom`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

use super::grafana_view::{panels, ranges, View};
use super::support::{root, slogen, text};

fn run(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = slogen(cwd, args);
    (
        out.status.code().expect("exit code"),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// A scratch folder holding `slos/` (a copy of the repository's) and nothing else.
fn scratch() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let slos = tmp.path().join("slos");
    std::fs::create_dir_all(&slos).unwrap();
    for e in std::fs::read_dir(root().join("slos")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), slos.join(e.file_name())).unwrap();
    }
    tmp
}

/// Every file of a folder: name → (bytes, mtime).
fn snapshot_dir(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                (std::fs::read(e.path()).unwrap(), meta.modified().unwrap()),
            )
        })
        .collect()
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn one_dashboard_per_service_and_an_overview_written_once() {
    let tmp = scratch();
    let (code, _, err) = run(tmp.path(), &["dashboards", "-i", "slos/", "-o", "dash"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "3 dashboard(s) of 3 SLO(s) from 2 spec file(s): 3 written, 0 unchanged\n"
    );
    let before = snapshot_dir(&tmp.path().join("dash"));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        [
            "slo-api-gateway.json",
            "slo-overview.json",
            "slo-tr-web.json"
        ]
    );
    let tr = json(&tmp.path().join("dash/slo-tr-web.json"));
    assert_eq!(tr["uid"], "slo-tr-web");
    assert_eq!(tr["title"], "SLOs / tr-web");
    assert_eq!(tr["time"]["from"], "now-30d");
    let rows: Vec<&str> = tr["panels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["type"] == "row")
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        rows,
        [
            "requests-availability · 99.9% over 30d",
            "requests-latency · 99% over 30d"
        ]
    );
    // Panel ids are unique and the grid has no overlaps.
    let mut ids = std::collections::BTreeSet::new();
    let mut cells = std::collections::BTreeSet::new();
    for p in tr["panels"].as_array().unwrap() {
        assert!(ids.insert(p["id"].as_u64().unwrap()), "{}", p["id"]);
        let g = &p["gridPos"];
        let (x, y, w, h) = (
            g["x"].as_u64().unwrap(),
            g["y"].as_u64().unwrap(),
            g["w"].as_u64().unwrap(),
            g["h"].as_u64().unwrap(),
        );
        assert!(x + w <= 24, "{}", p["title"]);
        for cx in x..x + w {
            for cy in y..y + h {
                assert!(
                    cells.insert((cx, cy)),
                    "{} overlaps at {cx},{cy}",
                    p["title"]
                );
            }
        }
    }

    // A second run writes nothing; --check agrees.
    let (code, _, err) = run(tmp.path(), &["dashboards", "-i", "slos/", "-o", "dash"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "3 dashboard(s) of 3 SLO(s) from 2 spec file(s): 0 written, 3 unchanged\n"
    );
    assert_eq!(snapshot_dir(&tmp.path().join("dash")), before);
    let (code, out, err) = run(
        tmp.path(),
        &["dashboards", "--check", "-i", "slos/", "-o", "dash"],
    );
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));

    // The same bytes from another folder, and from the files given in another order.
    let other = scratch();
    std::fs::rename(
        other.path().join("slos/tr-web.yaml"),
        other.path().join("slos/a-tr-web.yaml"),
    )
    .unwrap();
    let (code, _, err) = run(
        other.path(),
        &["dashboards", "-i", "slos", "-o", "elsewhere"],
    );
    assert_eq!(code, 0, "{err}");
    for name in before.keys() {
        assert_eq!(
            std::fs::read(other.path().join("elsewhere").join(name)).unwrap(),
            before[name].0,
            "{name}"
        );
    }
}

#[test]
fn check_and_prune_keep_generates_contract() {
    let tmp = scratch();
    let dash = tmp.path().join("dash");
    let check = || {
        run(
            tmp.path(),
            &["dashboards", "--check", "-i", "slos", "-o", "dash"],
        )
    };

    // Nothing yet: every dashboard is missing, and --check creates nothing.
    let (code, out, err) = check();
    assert_eq!(code, 1);
    assert!(
        out.contains("--- /dev/null\n+++ b/dash/slo-tr-web.json\n"),
        "{out}"
    );
    assert!(
        err.contains("stale: dash/slo-overview.json (missing)"),
        "{err}"
    );
    assert!(err.ends_with("error: 3 of 3 generated file(s) out of date; run the same command without --check (and with --prune for orphans)\n"), "{err}");
    assert!(!dash.exists());

    assert_eq!(
        run(tmp.path(), &["dashboards", "-i", "slos", "-o", "dash"]).0,
        0
    );
    // A hand edit, a deleted dashboard, an orphan of a removed service, and a file of our own.
    let edited = std::fs::read_to_string(dash.join("slo-tr-web.json"))
        .unwrap()
        .replace("\"refresh\": \"1m\"", "\"refresh\": \"5s\"");
    std::fs::write(dash.join("slo-tr-web.json"), &edited).unwrap();
    std::fs::remove_file(dash.join("slo-overview.json")).unwrap();
    std::fs::copy(
        dash.join("slo-api-gateway.json"),
        dash.join("slo-old-service.json"),
    )
    .unwrap();
    std::fs::write(dash.join("mine.json"), "{\"title\": \"hand-made\"}\n").unwrap();
    let before = snapshot_dir(&dash);
    let (code, out, err) = check();
    assert_eq!(code, 1);
    assert!(
        out.contains("-  \"refresh\": \"5s\",\n+  \"refresh\": \"1m\",\n"),
        "{out}"
    );
    assert!(
        out.contains("--- a/dash/slo-old-service.json\n+++ /dev/null\n"),
        "{out}"
    );
    for line in [
        "stale: dash/slo-tr-web.json (changed): differs from what its spec generates",
        "stale: dash/slo-overview.json (missing): not generated yet",
        "stale: dash/slo-old-service.json (orphaned)",
    ] {
        assert!(err.contains(line), "{line}\n{err}");
    }
    assert!(!err.contains("mine.json"), "{err}");
    assert_eq!(snapshot_dir(&dash), before, "--check writes nothing");
    // A hook's arguments plus --check, as for generate: the same verdict, nothing removed.
    let (code, out2, _) = run(
        tmp.path(),
        &[
            "dashboards",
            "--prune",
            "--check",
            "-i",
            "slos",
            "-o",
            "dash",
        ],
    );
    assert_eq!((code, out2), (1, out));
    assert_eq!(
        snapshot_dir(&dash),
        before,
        "--check --prune removes nothing"
    );

    // Without --prune the orphan stays, and is counted; with it, it goes, and only it.
    let (code, _, err) = run(tmp.path(), &["dashboards", "-i", "slos", "-o", "dash"]);
    assert_eq!(code, 0);
    assert!(
        err.ends_with(
            "2 written, 1 unchanged, 1 orphaned file(s) left (remove them with --prune)\n"
        ),
        "{err}"
    );
    let (code, _, err) = run(
        tmp.path(),
        &["dashboards", "--prune", "-i", "slos", "-o", "dash"],
    );
    assert_eq!(code, 0);
    assert!(err.contains("removed dash/slo-old-service.json\n"), "{err}");
    assert!(
        err.ends_with("0 written, 3 unchanged, 1 orphan(s) removed\n"),
        "{err}"
    );
    assert!(dash.join("mine.json").exists());
    assert!(!dash.join("slo-old-service.json").exists());
    assert_eq!(check().0, 0);
}

#[test]
fn a_spec_that_does_not_generate_fails_as_generate_does_and_writes_nothing() {
    let tmp = scratch();
    assert_eq!(
        run(tmp.path(), &["dashboards", "-i", "slos", "-o", "dash"]).0,
        0
    );
    let before = snapshot_dir(&tmp.path().join("dash"));
    let bad_cases = [
        (
            "bad-objective.yaml",
            "version: \"prometheus/v1\"\nservice: \"tr-web\"\nslos:\n  - name: \"broken\"\n    objective: 120\n    sli:\n      raw:\n        error_ratio_query: sum(rate(x[{{.window}}]))\n    alerting:\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n",
        ),
        ("bad-yaml.yaml", "version: \"prometheus/v1\"\nservice: [\n"),
        ("bad-query.yaml", "version: \"prometheus/v1\"\nservice: \"x\"\nslos:\n  - name: \"q\"\n    objective: 99\n    sli:\n      raw:\n        error_ratio_query: sum(rate(x[{{.window}}])\n    alerting:\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n"),
    ];
    for (name, spec) in bad_cases {
        let path = tmp.path().join("slos").join(name);
        std::fs::write(&path, spec).unwrap();
        let rel = format!("slos/{name}");
        let (gen_code, _, gen_err) = run(tmp.path(), &["generate", "-i", &rel, "-o", "-"]);
        assert_eq!(gen_code, 1, "{name}: {gen_err}");
        let (code, out, err) = run(tmp.path(), &["dashboards", "-i", "slos", "-o", "dash"]);
        assert_eq!(code, 1, "{name}: {err}");
        assert_eq!(out, "");
        // The same lines generate prints, file:line:col, field and code included.
        for line in gen_err.lines() {
            assert!(err.contains(line), "{name}: {line:?} missing from\n{err}");
        }
        assert!(
            err.ends_with(
                "error: 1 spec file(s) failed; no dashboard written (dash left as it was)\n"
            ),
            "{err}"
        );
        assert_eq!(snapshot_dir(&tmp.path().join("dash")), before, "{name}");
        // --check fails the same way.
        let (code, _, err) = run(
            tmp.path(),
            &["dashboards", "--check", "-i", "slos", "-o", "dash"],
        );
        assert_eq!(code, 1);
        assert!(err.contains(gen_err.lines().next().unwrap()), "{err}");
        std::fs::remove_file(&path).unwrap();
    }
    // An SLO ID defined twice would mix two SLOs' series on one dashboard.
    std::fs::copy(
        tmp.path().join("slos/tr-web.yaml"),
        tmp.path().join("slos/tr-web-copy.yaml"),
    )
    .unwrap();
    let (code, _, err) = run(tmp.path(), &["dashboards", "-i", "slos", "-o", "dash"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("slos/tr-web.yaml:10:11: slo \"tr-web-requests-availability\": name: SLO ID \"tr-web-requests-availability\" is already defined at slos/tr-web-copy.yaml:10:11"),
        "{err}"
    );
    assert_eq!(snapshot_dir(&tmp.path().join("dash")), before);
}

fn spec_for(service: &str) -> String {
    format!(
        "version: \"prometheus/v1\"\nservice: {service:?}\nslos:\n  - name: \"availability\"\n    objective: 99.5\n    sli:\n      events:\n        error_query: sum(rate(req_total{{code=~\"5..\"}}[{{{{.window}}}}]))\n        total_query: sum(rate(req_total[{{{{.window}}}}]))\n    alerting:\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n"
    )
}

#[test]
fn awkward_service_names_get_stable_valid_uids_and_collisions_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let slos = tmp.path().join("slos");
    std::fs::create_dir_all(&slos).unwrap();
    std::fs::write(slos.join("a.yaml"), spec_for("Payments_API.EU")).unwrap();
    std::fs::write(slos.join("b.yaml"), spec_for("payments-api")).unwrap();
    let (code, _, err) = run(tmp.path(), &["dashboards", "-i", "slos", "-o", "dash"]);
    assert_eq!(code, 0, "{err}");
    let files: Vec<String> = snapshot_dir(&tmp.path().join("dash")).into_keys().collect();
    let hash = format!(
        "{:016x}",
        slogen::dashboards::uid::fnv1a64(b"Payments_API.EU")
    );
    let mapped = format!("slo-payments-api-eu-{}", &hash[..10]);
    // A name Sloth accepts that is no DNS label: upper case, `_` and `.`.
    assert_eq!(
        files,
        [
            "slo-overview.json".to_string(),
            format!("{mapped}.json"),
            "slo-payments-api.json".into()
        ]
    );
    let d = json(&tmp.path().join("dash").join(format!("{mapped}.json")));
    assert_eq!(d["uid"], mapped.as_str());
    assert_eq!(d["title"], "SLOs / Payments_API.EU");
    assert!(mapped.len() <= 40);
    assert!(mapped
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));

    // A service named like the overview, or like another service's mapped uid.
    let before = snapshot_dir(&tmp.path().join("dash"));
    std::fs::write(slos.join("c.yaml"), spec_for("overview")).unwrap();
    std::fs::write(slos.join("d.yaml"), spec_for(&mapped["slo-".len()..])).unwrap();
    let (code, _, err) = run(tmp.path(), &["dashboards", "-i", "slos", "-o", "dash"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err,
        format!(
            "error: dashboard uid \"slo-overview\" would be shared by the overview dashboard and service \"overview\"; rename one of the services\n\
             error: dashboard uid \"{mapped}\" would be shared by service \"Payments_API.EU\" and service \"{}\"; rename one of the services\n\
             error: no dashboard written (dash left as it was)\n",
            &mapped["slo-".len()..]
        )
    );
    assert_eq!(snapshot_dir(&tmp.path().join("dash")), before);
}

#[test]
fn configmaps_for_the_grafana_sidecar() {
    let tmp = scratch();
    assert_eq!(
        run(tmp.path(), &["dashboards", "-i", "slos", "-o", "json"]).0,
        0
    );
    let (code, _, err) = run(
        tmp.path(),
        &[
            "dashboards",
            "-i",
            "slos",
            "-o",
            "cm",
            "--format",
            "configmap",
            "--namespace",
            "monitoring",
            "--folder",
            "Team SLOs",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let files = snapshot_dir(&tmp.path().join("cm"));
    assert_eq!(files.len(), 3);
    for (name, (bytes, _)) in files {
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with("# Generated by slogen dashboards ("),
            "{text}"
        );
        // The sidecar's label is the string "1", quoted in YAML.
        assert!(text.contains("\n    grafana_dashboard: \"1\"\n"), "{text}");
        let cm: Value = serde_norway::from_str(&text).unwrap();
        let uid = name.strip_suffix(".yaml").unwrap();
        assert_eq!(cm["apiVersion"], "v1");
        assert_eq!(cm["kind"], "ConfigMap");
        assert_eq!(cm["metadata"]["name"], uid);
        assert_eq!(cm["metadata"]["namespace"], "monitoring");
        assert_eq!(cm["metadata"]["labels"]["grafana_dashboard"], "1");
        assert_eq!(cm["metadata"]["annotations"]["grafana_folder"], "Team SLOs");
        let data = cm["data"].as_object().unwrap();
        assert_eq!(data.len(), 1);
        let inner = data[&format!("{uid}.json")].as_str().unwrap();
        assert_eq!(
            inner.as_bytes(),
            std::fs::read(tmp.path().join(format!("json/{uid}.json"))).unwrap(),
            "the ConfigMap holds the JSON dashboard, byte for byte"
        );
    }
    // --check knows ConfigMaps too, and rules files are never taken for them.
    let (code, _, err) = run(
        tmp.path(),
        &[
            "dashboards",
            "--check",
            "-i",
            "slos",
            "-o",
            "cm",
            "--format",
            "configmap",
            "--namespace",
            "monitoring",
            "--folder",
            "Team SLOs",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        run(tmp.path(), &["generate", "-i", "slos", "-o", "cm"]).0,
        0
    );
    let (code, _, err) = run(
        tmp.path(),
        &[
            "dashboards",
            "--check",
            "-i",
            "slos",
            "-o",
            "cm",
            "--format",
            "configmap",
            "--namespace",
            "monitoring",
            "--folder",
            "Team SLOs",
        ],
    );
    assert_eq!(code, 0, "rules files are not orphaned dashboards: {err}");
    let (code, _, err) = run(
        tmp.path(),
        &["generate", "--check", "-i", "slos", "-o", "cm"],
    );
    assert_eq!(code, 0, "dashboards are not orphaned rules files: {err}");
}

#[test]
fn provisioning_writes_grafanas_file_provider() {
    let tmp = scratch();
    let (code, _, err) = run(
        tmp.path(),
        &[
            "dashboards",
            "-i",
            "slos",
            "-o",
            "dash",
            "--provisioning=/srv/grafana/slos",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(tmp.path().join("dash/slogen-provider.yaml")).unwrap();
    let p: Value = serde_norway::from_str(&text).unwrap();
    assert_eq!(p["apiVersion"], 1, "a number, as Grafana reads it");
    let provider = &p["providers"][0];
    assert_eq!(provider["type"], "file");
    assert_eq!(provider["folder"], "SLOs");
    assert_eq!(provider["allowUiUpdates"], false);
    assert_eq!(provider["options"]["path"], "/srv/grafana/slos");
    // Without a path, Grafana's usual dashboards folder.
    let (code, _, _) = run(
        tmp.path(),
        &["dashboards", "-i", "slos", "-o", "dash", "--provisioning"],
    );
    assert_eq!(code, 0);
    let p: Value = serde_norway::from_str(
        &std::fs::read_to_string(tmp.path().join("dash/slogen-provider.yaml")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        p["providers"][0]["options"]["path"],
        "/var/lib/grafana/dashboards/slogen"
    );
    // Dropping --provisioning orphans the provider.
    let (code, _, err) = run(
        tmp.path(),
        &["dashboards", "--check", "-i", "slos", "-o", "dash"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("stale: dash/slogen-provider.yaml (orphaned)"),
        "{err}"
    );
    // The flags that do not go together.
    let (code, _, err) = run(
        tmp.path(),
        &[
            "dashboards",
            "-i",
            "slos",
            "-o",
            "x",
            "--format",
            "configmap",
            "--provisioning",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: --provisioning writes the provider for --output-format json"),
        "{err}"
    );
    let (code, _, err) = run(tmp.path(), &["dashboards", "-i", "slos", "-o", "slos"]);
    assert_eq!(code, 1);
    assert!(err.contains("can't be the same folder"), "{err}");
}

#[test]
fn the_policy_file_sets_the_budget_colours() {
    let tmp = scratch();
    std::fs::write(
        tmp.path().join("policy.yaml"),
        "levels:\n  ship_freely: 75%\n  cautious: 40%\n  focus_on_reliability: 10%\n",
    )
    .unwrap();
    let (code, _, err) = run(
        tmp.path(),
        &[
            "dashboards",
            "-i",
            "slos",
            "-o",
            "dash",
            "--policy",
            "policy.yaml",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let d = json(&tmp.path().join("dash/slo-tr-web.json"));
    let stat = panels(&d)
        .into_iter()
        .find(|p| p["title"] == "Error budget left")
        .unwrap();
    let steps: Vec<f64> = stat["fieldConfig"]["defaults"]["thresholds"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["value"].as_f64())
        .collect();
    assert_eq!(steps, [0.1, 0.4, 0.75]);
    let (code, _, err) = run(
        tmp.path(),
        &[
            "dashboards",
            "-i",
            "slos",
            "-o",
            "dash",
            "--policy",
            "slos/tr-web.yaml",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("unknown key"), "{err}");
}

/// Every spec folder and file the limit test covers.
fn limit_inputs() -> Vec<(PathBuf, Vec<&'static str>)> {
    vec![
        (root().join("slos"), vec![]),
        (
            root().join("tests/fixtures/dashboards/grouped.yaml"),
            vec![],
        ),
        (
            root().join("tests/golden/examples/kubernetes-apiserver.yml"),
            vec![],
        ),
        (
            root().join("tests/golden/examples/getting-started.yml"),
            vec![
                "--slo-period-windows-path",
                "tests/golden/examples/windows",
                "--default-slo-period",
                "7d",
            ],
        ),
    ]
}

#[test]
fn no_query_exceeds_768h_or_uses_a_subquery_whatever_the_view() {
    let mut checked = 0;
    for (input, extra) in limit_inputs() {
        let tmp = tempfile::tempdir().unwrap();
        let mut args = vec!["dashboards", "-i", input.to_str().unwrap(), "-o"];
        let out = tmp.path().join("d");
        args.push(out.to_str().unwrap());
        args.extend(extra);
        let (code, _, err) = run(&root(), &args);
        assert_eq!(code, 0, "{err}");
        for (name, _) in snapshot_dir(&out) {
            let d = json(&out.join(&name));
            // Views of a day, 30 days, a year and five years.
            for days in [1, 30, 365, 5 * 365] {
                let mut view = View::thirty_days(1_767_225_600);
                view.from = view.to - days * 86_400;
                for v in d["templating"]["list"].as_array().unwrap() {
                    if let Some(all) = v["allValue"].as_str() {
                        view.vars
                            .insert(v["name"].as_str().unwrap().into(), all.into());
                    }
                }
                for p in panels(&d) {
                    for q in view.panel_queries(p) {
                        let e = slogen::promql::parse(&q.expr)
                            .unwrap_or_else(|e| panic!("{name}: {}: {e}", q.expr));
                        let (mut found, mut subqueries) = (Vec::new(), 0);
                        ranges(&e, &mut found, &mut subqueries);
                        assert_eq!(subqueries, 0, "{name}: {}", q.expr);
                        assert!(
                            found.iter().all(|r| *r <= 768 * 3600),
                            "{name}, {days} days: {found:?} in {}",
                            q.expr
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn default_views_stay_within_768h_of_data() {
    for (input, extra) in limit_inputs() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("d");
        let mut args = vec![
            "dashboards",
            "-i",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        assert_eq!(run(&root(), &args).0, 0);
        for (name, _) in snapshot_dir(&out) {
            let d = json(&out.join(&name));
            let span = |relative: &str| {
                let d = relative.strip_prefix("now-").unwrap_or(relative);
                super::grafana_view::parse_duration_ms(d) / 1000
            };
            let default = span(d["time"]["from"].as_str().unwrap());
            assert_eq!(d["time"]["to"], "now");
            for p in panels(&d) {
                let shown = p["timeFrom"].as_str().map(span).unwrap_or(default);
                let mut view = View::thirty_days(1_767_225_600);
                view.from = view.to - shown;
                for v in d["templating"]["list"].as_array().unwrap() {
                    if let Some(all) = v["allValue"].as_str() {
                        view.vars
                            .insert(v["name"].as_str().unwrap().into(), all.into());
                    }
                }
                for q in view.panel_queries(p) {
                    let e = slogen::promql::parse(&q.expr).unwrap();
                    let (mut found, mut subqueries) = (Vec::new(), 0);
                    ranges(&e, &mut found, &mut subqueries);
                    let lookback = found.into_iter().max().unwrap_or(0) as i64;
                    assert!(
                        shown + lookback <= 768 * 3600,
                        "{name}: {}: {shown}s shown + {lookback}s read back",
                        p["title"]
                    );
                }
            }
        }
    }
}

#[test]
fn snapshots_of_the_dashboards() {
    for (input, dir) in [
        ("slos", "slos"),
        ("tests/fixtures/dashboards/grouped.yaml", "grouped"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("d");
        let (code, _, err) = run(
            &root(),
            &["dashboards", "-i", input, "-o", out.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{err}");
        for (name, (bytes, _)) in snapshot_dir(&out) {
            let text = String::from_utf8(bytes).unwrap();
            insta::with_settings!({ description => format!("slogen dashboards -i {input}"), omit_expression => true }, {
                insta::assert_snapshot!(format!("dashboards_{dir}_{name}"), text);
            });
        }
    }
}
