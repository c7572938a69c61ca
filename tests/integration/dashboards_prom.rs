//! Every panel of the generated dashboards returns data on a real Prometheus holding a month
//! of backfilled SLO history: the shared fixture of `slos/` and the quiet service
//! ([`super::prom_fixture`]), and a second one built the same way for the grouped SLOs of
//! `tests/fixtures/dashboards/grouped.yaml`. Each query is filled in as Grafana fills it for a
//! 30-day view ([`super::grafana_view`]), with the group variables set to "All" and to one
//! value, then sent through the HTTP API at the fixtures' time; it must parse, stay within
//! 768h of range without subqueries, and return at least one series. The budget-left panel
//! shows what `slogen budget` shows, and for grouped SLOs what the traffic implies per group.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;
use slogen::prom::{Client, ClientOptions, Range};

use super::budget_failures::run;
use super::grafana_view::{panels, ranges, View};
use super::prom_fixture::{fixture, shared, Definition, Fixture};
use super::prom_model::{ModelSlo, RawSeries, END, HOUR};
use super::support::{root, slogen, text};

/// The grouped fixture: shop-api's routes `cart` and `checkout`.
static GROUPED: OnceLock<Result<Fixture, String>> = OnceLock::new();

/// checkout's errors: 1 a minute of 2,000 (0.05%), and 50 (2.5%, a 25x burn that pages) in
/// the last two hours.
fn checkout_errors(t: i64) -> f64 {
    if END - 2 * HOUR < t && t <= END {
        50.0
    } else {
        1.0
    }
}

fn grouped_series() -> Vec<RawSeries> {
    vec![
        RawSeries {
            name: "shop_requests_total",
            labels: &[("route", "cart"), ("code", "500")],
            increase: |_| 1.0,
        },
        RawSeries {
            name: "shop_requests_total",
            labels: &[("route", "cart"), ("code", "200")],
            increase: |_| 3999.0,
        },
        RawSeries {
            name: "shop_requests_total",
            labels: &[("route", "checkout"), ("code", "500")],
            increase: checkout_errors,
        },
        RawSeries {
            name: "shop_requests_total",
            labels: &[("route", "checkout"), ("code", "200")],
            increase: |t| 2000.0 - checkout_errors(t),
        },
        RawSeries {
            name: "shop_request_duration_seconds_count",
            labels: &[("route", "cart"), ("method", "GET")],
            increase: |_| 4000.0,
        },
        RawSeries {
            name: "shop_request_duration_seconds_bucket",
            labels: &[("route", "cart"), ("method", "GET"), ("le", "0.5")],
            increase: |_| 3992.0,
        },
        RawSeries {
            name: "shop_request_duration_seconds_count",
            labels: &[("route", "checkout"), ("method", "POST")],
            increase: |_| 2000.0,
        },
        RawSeries {
            name: "shop_request_duration_seconds_bucket",
            labels: &[("route", "checkout"), ("method", "POST"), ("le", "0.5")],
            increase: |_| 1990.0,
        },
    ]
}

fn grouped_fixture() -> &'static Fixture {
    shared(&GROUPED, "dashboards' grouped Prometheus fixture", || {
        Definition {
            series: grouped_series(),
            specs: vec![root().join("tests/fixtures/dashboards/grouped.yaml")],
            ..Definition::month()
        }
    })
}

/// Each group of the grouped SLOs, as the model sees it: `(labels, model)`.
fn grouped_models() -> Vec<(Vec<(&'static str, &'static str)>, ModelSlo)> {
    vec![
        (
            vec![("route", "cart")],
            ModelSlo {
                id: "shop-api-requests-availability",
                objective: 0.999,
                minute: |_| (1.0, 4000.0),
            },
        ),
        (
            vec![("route", "checkout")],
            ModelSlo {
                id: "shop-api-requests-availability",
                objective: 0.999,
                minute: |t| (checkout_errors(t), 2000.0),
            },
        ),
        (
            vec![("route", "cart"), ("method", "GET")],
            ModelSlo {
                id: "shop-api-requests-latency",
                objective: 0.99,
                minute: |_| (8.0, 4000.0),
            },
        ),
        (
            vec![("route", "checkout"), ("method", "POST")],
            ModelSlo {
                id: "shop-api-requests-latency",
                objective: 0.99,
                minute: |_| (10.0, 2000.0),
            },
        ),
    ]
}

fn client(f: &Fixture) -> Client {
    Client::new(ClientOptions::new(f.url.clone())).expect("a client")
}

/// The dashboards `slogen dashboards` writes for the spec files `specs`, by file name.
fn generate(specs: &[&str]) -> BTreeMap<String, Value> {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("slos");
    std::fs::create_dir_all(&input).unwrap();
    for s in specs {
        let name = Path::new(s).file_name().unwrap();
        std::fs::copy(root().join(s), input.join(name)).unwrap();
    }
    let out = slogen(tmp.path(), &["dashboards", "-i", "slos", "-o", "dash"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::read_dir(tmp.path().join("dash"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let json = serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap();
            (e.file_name().to_string_lossy().into_owned(), json)
        })
        .collect()
}

/// Runs every query of every panel in `view`; returns how many ran.
fn run_every_panel(c: &Client, dashboards: &BTreeMap<String, Value>, view: &View) -> usize {
    let mut ran = 0;
    for (file, d) in dashboards {
        for p in panels(d) {
            assert_eq!(
                p["datasource"]["uid"], "${datasource}",
                "{file}: {}",
                p["title"]
            );
            for (t, q) in p["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .zip(view.panel_queries(p))
            {
                let what = format!(
                    "{file}: panel {:?} query {}: {}",
                    p["title"], t["refId"], q.expr
                );
                assert_eq!(t["datasource"]["uid"], "${datasource}", "{what}");
                let parsed = slogen::promql::parse(&q.expr)
                    .unwrap_or_else(|e| panic!("{what}: does not parse: {e}"));
                let (mut found, mut subqueries) = (Vec::new(), 0);
                ranges(&parsed, &mut found, &mut subqueries);
                assert_eq!(subqueries, 0, "{what}: a subquery");
                assert!(
                    found.iter().all(|r| *r <= 768 * 3600),
                    "{what}: ranges {found:?} over 768h"
                );
                let series = if q.instant {
                    c.query(&q.expr, Some(END as f64))
                        .unwrap_or_else(|e| panic!("{what}: {e}"))
                        .len()
                } else {
                    let range = Range {
                        start: view.from as f64,
                        end: view.to as f64,
                        step: q.step_secs as f64,
                    };
                    c.query_range(&q.expr, range)
                        .unwrap_or_else(|e| panic!("{what}: {e}"))
                        .len()
                };
                assert!(series >= 1, "{what}: no series");
                ran += 1;
            }
        }
    }
    ran
}

const MAIN_SPECS: [&str; 3] = [
    "slos/tr-web.yaml",
    "slos/api-gateway.yaml",
    "tests/fixtures/budget/quiet-batch.yaml",
];

#[test]
fn every_panel_returns_data_on_the_month_long_fixture() {
    let f = fixture();
    let dashboards = generate(&MAIN_SPECS);
    assert_eq!(
        dashboards.keys().collect::<Vec<_>>(),
        [
            "slo-api-gateway.json",
            "slo-overview.json",
            "slo-quiet-batch.json",
            "slo-tr-web.json"
        ]
    );
    let ran = run_every_panel(&client(f), &dashboards, &View::thirty_days(END));
    // 3 SLOs with alerts and events, 1 without alerts, 4 tables: counted from the specs.
    assert!(ran > 100, "{ran} queries");
}

/// `slogen budget`'s budget per SLO at END, from its JSON (NaN is `null` there).
fn budget_figures(f: &Fixture) -> BTreeMap<String, Option<f64>> {
    let r = run(&[
        "budget",
        "--prometheus-url",
        &f.url,
        "--time",
        &END.to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    v["slos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["budget_remaining_ratio"].as_f64(),
            )
        })
        .collect()
}

/// A query's values: each series' labels and value.
type Values = Vec<(BTreeMap<String, String>, f64)>;

/// The budget-left panel of each SLO row: `(query, its values at END)`.
fn budget_left_values(
    c: &Client,
    dashboards: &BTreeMap<String, Value>,
    view: &View,
) -> Vec<(String, Values)> {
    let mut out = Vec::new();
    for (file, d) in dashboards {
        if file == "slo-overview.json" {
            continue;
        }
        for p in panels(d)
            .into_iter()
            .filter(|p| p["title"] == "Error budget left")
        {
            let q = &view.panel_queries(p)[0];
            assert!(q.instant, "the budget left is the value now");
            let samples = c.query(&q.expr, Some(END as f64)).unwrap();
            out.push((
                q.expr.clone(),
                samples
                    .into_iter()
                    .map(|s| (s.labels.into_iter().collect(), s.value))
                    .collect(),
            ));
        }
    }
    out
}

#[test]
fn the_budget_left_panel_shows_what_slogen_budget_shows() {
    let f = fixture();
    let dashboards = generate(&MAIN_SPECS);
    let budgets = budget_figures(f);
    let panels = budget_left_values(&client(f), &dashboards, &View::thirty_days(END));
    assert_eq!(panels.len(), budgets.len(), "one panel per SLO");
    for (expr, values) in panels {
        assert_eq!(values.len(), 1, "{expr}");
        let (labels, value) = &values[0];
        let id = &labels["sloth_id"];
        match budgets[id] {
            Some(b) => assert_eq!(*value, b, "{id}: panel {expr}"),
            None => assert!(
                value.is_nan(),
                "{id}: budget has no figure, the panel {value}"
            ),
        }
    }
    // The figures themselves are checked against the traffic in budget_cmds.rs; one here too:
    // tr-web's incident left it about 30% of its budget.
    let trweb = budgets["tr-web-requests-availability"].unwrap();
    assert!((0.30..0.31).contains(&trweb), "{trweb}");
}

/// The values of a variable, as Grafana's `label_values(selector, label)` reads them: the
/// label's values on the series the selector matches over the view.
fn label_values(f: &Fixture, query: &str, view: &View) -> Vec<String> {
    let inner = query
        .strip_prefix("label_values(")
        .and_then(|q| q.strip_suffix(')'))
        .expect("label_values(selector, label)");
    let (selector, label) = inner.rsplit_once(", ").expect("selector, label");
    let selector = view.substitute(selector, None);
    let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
    let raw = agent
        .get(format!("{}/api/v1/label/{label}/values", f.url))
        .query("match[]", &selector)
        .query("start", view.from.to_string())
        .query("end", view.to.to_string())
        .call()
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .body_mut()
        .read_to_string()
        .unwrap();
    let body: Value = serde_json::from_str(&raw).unwrap();
    let mut values: Vec<String> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    values.sort();
    values
}

#[test]
fn grouped_panels_return_data_for_all_groups_and_for_one() {
    let f = grouped_fixture();
    let dashboards = generate(&["tests/fixtures/dashboards/grouped.yaml"]);
    let c = client(f);
    let service = &dashboards["slo-shop-api.json"];
    let vars = service["templating"]["list"].as_array().unwrap();
    let names: Vec<&str> = vars.iter().map(|v| v["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["datasource", "route", "method"]);

    // "All", as Grafana sends it: the variables' allValue.
    let mut all = View::thirty_days(END);
    for v in &vars[1..] {
        assert_eq!(v["includeAll"], true);
        assert_eq!(v["multi"], true);
        all.vars.insert(
            v["name"].as_str().unwrap().into(),
            v["allValue"].as_str().unwrap().into(),
        );
    }
    let ran_all = run_every_panel(&c, &dashboards, &all);

    // One value: each variable's first value, its query filled with the ones before it.
    let mut one = View::thirty_days(END);
    let mut chosen = Vec::new();
    for v in &vars[1..] {
        let values = label_values(f, v["query"].as_str().unwrap(), &one);
        let name = v["name"].as_str().unwrap().to_string();
        chosen.push((name.clone(), values.clone()));
        one.vars.insert(name, values[0].clone());
    }
    assert_eq!(
        chosen,
        [
            (
                "route".to_string(),
                vec!["cart".to_string(), "checkout".into()]
            ),
            ("method".to_string(), vec!["GET".to_string()]),
        ],
        "method follows the chosen route"
    );
    let ran_one = run_every_panel(&c, &dashboards, &one);
    assert_eq!(ran_all, ran_one);

    // One group's panels show that group only: checkout's page alert fires at END, cart's not.
    let alerts = panels(service)
        .into_iter()
        .find(|p| p["title"] == "Alerts firing")
        .unwrap();
    let page = &alerts["targets"][0];
    assert!(page["expr"]
        .as_str()
        .unwrap()
        .contains("sloth_severity=\"page\""));
    for (route, firing) in [("checkout", 1.0), ("cart", 0.0)] {
        let mut view = View::thirty_days(END);
        view.vars.insert("route".into(), route.into());
        view.vars.insert("method".into(), ".*".into());
        let q = view.substitute(page["expr"].as_str().unwrap(), alerts["interval"].as_str());
        let got = c.query(&q, Some(END as f64)).unwrap();
        assert_eq!(got.len(), 1, "{route}: {got:?}");
        assert_eq!(got[0].value, firing, "{route}");
        if firing == 1.0 {
            assert_eq!(got[0].labels.get("route").map(String::as_str), Some(route));
        }
    }
}

/// When a recording of `id` for `group` was last written at or before `at`.
fn sample_time(c: &Client, metric: &str, id: &str, group: &[(&str, &str)], at: f64) -> f64 {
    let mut m = vec![format!("sloth_id=\"{id}\"")];
    m.extend(group.iter().map(|(k, v)| format!("{k}=\"{v}\"")));
    let q = format!("timestamp({metric}{{{}}})", m.join(", "));
    let got = c.query(&q, Some(at)).unwrap();
    assert_eq!(got.len(), 1, "{q}");
    got[0].value
}

#[test]
fn grouped_budget_left_matches_the_traffic_of_each_group() {
    let f = grouped_fixture();
    let c = client(f);
    let dashboards = generate(&["tests/fixtures/dashboards/grouped.yaml"]);
    let mut view = View::thirty_days(END);
    view.vars.insert("route".into(), ".*".into());
    view.vars.insert("method".into(), ".*".into());
    let panels = budget_left_values(&c, &dashboards, &view);
    assert_eq!(panels.len(), 2, "two SLOs");
    let budgets = budget_figures(f);
    let mut checked = 0;
    for (group, model) in grouped_models() {
        let end = END as f64;
        let grid = sample_time(&c, "slo:sli_error:ratio_rate5m", model.id, &group, end);
        let t4 = sample_time(
            &c,
            "slo:period_error_budget_remaining:ratio",
            model.id,
            &group,
            end,
        );
        let t3 = sample_time(&c, "slo:period_burn_rate:ratio", model.id, &group, t4);
        let t30 = sample_time(&c, "slo:sli_error:ratio_rate30d", model.id, &group, t3);
        let want = model.budget_remaining(t30, grid);
        let (_, values) = panels
            .iter()
            .find(|(expr, _)| expr.contains(model.id))
            .unwrap();
        let (_, got) = values
            .iter()
            .find(|(labels, _)| {
                group
                    .iter()
                    .all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v))
            })
            .unwrap_or_else(|| panic!("{} {group:?} not in {values:?}", model.id));
        assert!(
            (got - want).abs() < 1e-9,
            "{} {group:?}: panel {got}, traffic {want}",
            model.id
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
    // The steady groups' figures, spelled out: cart 1 - 0.025%/0.1%, latency 1 - 0.2%/1%
    // and 1 - 0.5%/1%.
    let value = |id: &str, route: &str| {
        panels
            .iter()
            .find(|(e, _)| e.contains(id))
            .and_then(|(_, vs)| vs.iter().find(|(l, _)| l["route"] == route))
            .map(|(_, v)| *v)
            .unwrap()
    };
    assert!((value("shop-api-requests-availability", "cart") - 0.75).abs() < 1e-9);
    assert!((value("shop-api-requests-latency", "cart") - 0.8).abs() < 1e-9);
    assert!((value("shop-api-requests-latency", "checkout") - 0.5).abs() < 1e-9);
    // `slogen budget` shows one figure per SLO ID; it is one of the groups'.
    for (expr, values) in &panels {
        let id = &values[0].0["sloth_id"];
        let b = budgets[id].unwrap();
        assert!(
            values.iter().any(|(_, v)| *v == b),
            "{id}: budget {b} not among {expr}: {values:?}"
        );
    }
}

/// The alerts panel on promtool's evaluator: a line per `sloth_window` where the alert rules
/// carry that label (as the opt-in `slogen/burn_window_label/v1` plugin labels each window
/// pair's rule), one line where they do not (Sloth's rules), and 0 while nothing fires.
#[test]
fn the_alerts_panel_splits_per_window_where_alerts_carry_one() {
    let dashboards = generate(&["slos/tr-web.yaml"]);
    let alerts = panels(&dashboards["slo-tr-web.json"])
        .into_iter()
        .find(|p| p["title"] == "Alerts firing")
        .unwrap()
        .clone();
    let (page, ticket) = (&alerts["targets"][0], &alerts["targets"][1]);
    assert_eq!(
        page["legendFormat"],
        "TrWebHighErrorRate (page) {{sloth_window}}"
    );
    // A one-hour view: the step is the panel's min interval, 5m.
    let view = View {
        from: 0,
        to: 3600,
        vars: BTreeMap::new(),
    };
    let fill =
        |t: &Value| view.substitute(t["expr"].as_str().unwrap(), alerts["interval"].as_str());
    let series = |severity: &str, window: Option<&str>| {
        let mut labels = format!(
            "alertname=\"TrWebHighErrorRate\", alertstate=\"firing\", sloth_id=\"tr-web-requests-availability\", sloth_service=\"tr-web\", sloth_slo=\"requests-availability\", sloth_severity=\"{severity}\""
        );
        if let Some(w) = window {
            labels.push_str(&format!(", sloth_window=\"{w}\""));
        }
        format!("ALERTS{{{labels}}}")
    };
    let test = serde_json::json!({
        "rule_files": [],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": [
                { "series": series("page", Some("1h")), "values": "_x10 1x40" },
                { "series": series("page", Some("6h")), "values": "_x20 1x40" },
                { "series": series("ticket", None), "values": "_x30 1x10" },
            ],
            "promql_expr_test": [
                { "expr": fill(page), "eval_time": "2m",
                  "exp_samples": [{ "labels": "{}", "value": 0 }] },
                { "expr": fill(page), "eval_time": "35m",
                  "exp_samples": [
                      { "labels": "{sloth_window=\"1h\"}", "value": 1 },
                      { "labels": "{sloth_window=\"6h\"}", "value": 1 },
                  ] },
                { "expr": fill(ticket), "eval_time": "25m",
                  "exp_samples": [{ "labels": "{}", "value": 0 }] },
                { "expr": fill(ticket), "eval_time": "35m",
                  "exp_samples": [{ "labels": "{}", "value": 1 }] },
            ],
        }],
    });
    let tmp = tempfile::tempdir().unwrap();
    // JSON is YAML: promtool reads it as it is.
    std::fs::write(tmp.path().join("alerts.test.yaml"), test.to_string()).unwrap();
    let out = super::support::promtool(tmp.path(), &["test", "rules", "alerts.test.yaml"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
