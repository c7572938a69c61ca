//! `slogen serve` as a user runs it: the binary on a loopback port, against the real
//! Prometheus fixtures (a month of backfilled history; a grouped SLO), and against loopback
//! stand-ins for a Prometheus that is down, hung, failing or refusing credentials.
//!
//! Every figure the API and the pages show is compared with `slogen budget --format json` at
//! the same `--time` (itself checked against the traffic model in [`super::budget_cmds`]), or
//! computed from the traffic model directly. The browser half is [`super::serve_browser`].

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::budget_cmds::expected;
use super::budget_failures::{refusing_port, run};
use super::http_stub::{silent_listener, Stub};
use super::prom_fixture::{fixture, grouped_fixture};
use super::prom_model::{CHECKOUT_RATE, CHECKOUT_ROUTES, END};
use super::support::{root, server_port, slogen_bin};

/// A `slogen serve` process on a loopback port; stopped (by its PID) when dropped.
pub struct Serve {
    child: Child,
    pub url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Serve {
    /// Starts `slogen serve ARGS --listen 127.0.0.1:PORT` with a clean environment plus
    /// `env`, and waits until `/healthz` answers.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Serve {
        let port = server_port();
        let mut argv: Vec<String> = vec!["serve".into()];
        argv.extend(args.iter().map(|a| a.to_string()));
        argv.extend(["--listen".into(), format!("127.0.0.1:{port}")]);
        Serve::start_argv(&argv, port, env)
    }

    /// Starts `slogen ARGV` (which must listen on 127.0.0.1:`port`) with a clean environment
    /// plus `env`, and waits until `/healthz` answers.
    pub fn start_argv(argv: &[String], port: u16, env: &[(&str, &str)]) -> Serve {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("serve.log");
        let mut cmd = Command::new(slogen_bin());
        cmd.args(argv);
        for k in [
            "PROMETHEUS_URL",
            "PROMETHEUS_TOKEN",
            "PROMETHEUS_USERNAME",
            "PROMETHEUS_PASSWORD",
        ] {
            cmd.env_remove(k);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("slogen serve starts");
        let serve = Serve {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if serve.try_get("/healthz").is_some_and(|(s, _)| s == 200) {
                return serve;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("slogen serve did not start; its log:\n{}", serve.log());
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn try_get(&self, path: &str) -> Option<(u16, String)> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent.get(format!("{}{path}", self.url)).call().ok()?;
        let status = r.status().as_u16();
        let body = r
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .ok()?;
        Some((status, body))
    }

    /// GET `path`: the status and the body.
    pub fn get(&self, path: &str) -> (u16, String) {
        self.try_get(path)
            .unwrap_or_else(|| panic!("GET {path} failed; the server's log:\n{}", self.log()))
    }

    /// GET `path` as JSON, expecting 200.
    pub fn json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    }

    /// The value of a series in `/metrics`.
    pub fn metric(&self, series: &str) -> f64 {
        let (_, text) = self.get("/metrics");
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or(0.0)
    }

    /// The server's resident memory (KiB), from /proc.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder holding copies of spec files, as a team's `slos/`.
pub fn spec_dir(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for f in files {
        let src = root().join(f);
        let name = Path::new(f).file_name().expect("a file name");
        std::fs::copy(&src, dir.path().join(name)).expect("copy spec");
    }
    dir
}

/// The main fixture's specs, plus the XSS fixture (not in Prometheus).
pub const MAIN_SPECS: [&str; 4] = [
    "slos/tr-web.yaml",
    "slos/api-gateway.yaml",
    "tests/fixtures/budget/quiet-batch.yaml",
    "tests/fixtures/serve/xss.yaml",
];

pub fn end() -> String {
    END.to_string()
}

/// `slogen serve` on the main fixture at END, with the specs in `dir`.
pub fn serve_main(dir: &Path) -> Serve {
    let f = fixture();
    Serve::start(
        &[
            "-i",
            dir.to_str().expect("utf-8 path"),
            "--prometheus-url",
            &f.url,
            "--time",
            &end(),
            "--cache-ttl",
            "60s",
        ],
        &[],
    )
}

/// `slogen budget --format json` on the main fixture at END.
pub fn budget_json() -> Value {
    let r = run(&[
        "budget",
        "--prometheus-url",
        &fixture().url,
        "--time",
        &end(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("budget json")
}

fn item<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["slos"]
        .as_array()
        .expect("slos")
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {list}"))
}

/// The attribute `name` of the table row of SLO `id` in an overview page.
fn row_attr(html: &str, id: &str, name: &str) -> String {
    let start = html
        .find(&format!("data-id=\"{id}\""))
        .unwrap_or_else(|| panic!("no row for {id}"));
    let tag = &html[start..start + html[start..].find('>').expect("end of tag")];
    let key = format!("{name}=\"");
    let from = tag.find(&key).expect("attribute") + key.len();
    tag[from..from + tag[from..].find('"').expect("end of value")].to_string()
}

/// The `<tr>…</tr>` of SLO `id` in an overview page.
fn row_html<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("data-id=\"{id}\"")).expect("row");
    &html[start..start + html[start..].find("</tr>").expect("end of row")]
}

/// How many steps of `step` seconds, ending at END, fall in the last `covered` seconds: one
/// more when the first step lands on the first sample.
fn grid_count(covered: f64, step: f64) -> std::ops::RangeInclusive<usize> {
    let n = (covered / step).floor() as usize;
    n..=n + 1
}

/// The alert conditions of SLO `id` that hold at END, by the traffic model: Sloth's 30d
/// catalog (page 14.4x over 5m and 1h, 6x over 30m and 6h; ticket 3x over 2h and 1d, 1x over
/// 6h and 3d), each window's error ratio over factor × error budget.
pub fn model_holds(id: &str) -> Vec<(&'static str, &'static str)> {
    use super::prom_model::{slo, DAY, HOUR, MINUTE};
    let m = slo(id);
    let b = m.error_budget();
    [
        ("page", "quick", 5 * MINUTE, HOUR, 14.4),
        ("page", "slow", 30 * MINUTE, 6 * HOUR, 6.0),
        ("ticket", "quick", 2 * HOUR, DAY, 3.0),
        ("ticket", "slow", 6 * HOUR, 3 * DAY, 1.0),
    ]
    .into_iter()
    .filter(|(_, _, short, long, factor)| {
        m.ratio(END as f64, *short) > factor * b && m.ratio(END as f64, *long) > factor * b
    })
    .map(|(severity, speed, ..)| (severity, speed))
    .collect()
}

#[test]
fn api_and_overview_show_what_budget_shows() {
    let specs = spec_dir(&MAIN_SPECS);
    let serve = serve_main(specs.path());
    let budget = budget_json();
    let api = serve.json("/api/v1/slos");
    assert_eq!(api["evaluated_at"], "2026-01-01T00:00:00Z");
    assert_eq!(api["prometheus"]["error"], Value::Null);
    assert_eq!(
        api["prometheus"]["partial"], false,
        "Prometheus answers whole"
    );
    assert_eq!(api["specs"]["files"], 4);
    assert_eq!(api["specs"]["problems"], serde_json::json!([]));

    // Same SLOs, same order (risk first), same fields and values as budget's JSON.
    let budget_items = budget["slos"].as_array().expect("slos");
    let api_items = api["slos"].as_array().expect("slos");
    let budget_ids: Vec<&Value> = budget_items.iter().map(|s| &s["id"]).collect();
    let api_ids: Vec<&Value> = api_items.iter().map(|s| &s["id"]).collect();
    assert_eq!(api_ids[..budget_ids.len()], budget_ids[..]);
    assert_eq!(
        api_ids[budget_ids.len()..],
        [&Value::from("xss-shop-checkout-availability")],
        "then the specs' SLOs Prometheus does not record"
    );
    for b in budget_items {
        let a = item(&api, b["id"].as_str().unwrap());
        for (k, v) in b.as_object().unwrap() {
            assert_eq!(&a[k], v, "{} {k}", b["id"]);
        }
    }
    // The figures themselves, from the traffic model.
    let avail = item(&api, "tr-web-requests-availability");
    let want = expected("tr-web-requests-availability");
    assert!((avail["budget_remaining_ratio"].as_f64().unwrap() - want.remaining).abs() < 1e-9);
    assert_eq!(avail["policy_level"], "cautious");
    assert_eq!(avail["policy_advice"], "be cautious with risky changes");
    assert_eq!(
        avail["source"]["file"]
            .as_str()
            .map(|f| f.ends_with("tr-web.yaml")),
        Some(true)
    );
    assert_eq!(avail["source"]["line"], 10);
    let gateway = item(&api, "api-gateway-requests-availability");
    assert!(
        (gateway["burn_rate"].as_f64().unwrap()
            - expected("api-gateway-requests-availability").burn)
            .abs()
            < 1e-9
    );
    // The gateway's last 2 hours run at 1% errors: 20x over 5m and 1h, over 14.4x, so the
    // page condition holds and Prometheus has the alert firing.
    assert_eq!(gateway["burning"], true);
    assert_eq!(gateway["page_burn_rate"]["window"], "1h");
    assert!((gateway["page_burn_rate"]["burn_rate"].as_f64().unwrap() - 20.0).abs() < 0.01);
    assert_eq!(gateway["page_burn_rate"]["condition_holds"], true);
    let latency = item(&api, "tr-web-requests-latency");
    assert_eq!(latency["burning"], false, "0.2% slow requests burn at 0.2x");
    let quiet = item(&api, "quiet-batch-jobs-success");
    assert_eq!(
        quiet["missing_reason"],
        "the error budget is NaN (no traffic in the period)"
    );
    assert_eq!(quiet["in_specs"], true);
    let xss = item(&api, "xss-shop-checkout-availability");
    assert_eq!(xss["in_prometheus"], false);
    assert!(xss["missing_reason"]
        .as_str()
        .unwrap()
        .starts_with("not recorded in Prometheus"));

    // The overview shows the same numbers, rounded as budget's table rounds them.
    let (status, html) = serve.get("/");
    assert_eq!(status, 200);
    for b in budget_items {
        let id = b["id"].as_str().unwrap();
        match b["budget_remaining_ratio"].as_f64() {
            Some(v) => {
                let exact: f64 = row_attr(&html, id, "data-budget").parse().unwrap();
                assert_eq!(exact, v, "{id}");
                assert!(
                    row_html(&html, id).contains(&format!(">{:.2}%<", v * 100.0)),
                    "{id}: {}",
                    row_html(&html, id)
                );
            }
            None => assert_eq!(row_attr(&html, id, "data-budget"), ""),
        }
        let level = b["policy_level"].as_str().unwrap_or("unknown");
        assert_eq!(row_attr(&html, id, "data-level"), level, "{id}");
    }
    assert!(row_html(&html, "api-gateway-requests-availability")
        .contains("ApiGatewayHighErrorRate (page)"));
    assert_eq!(
        row_attr(&html, "api-gateway-requests-availability", "data-burning"),
        "1"
    );
    // Sparklines carry the budget across the period.
    let spark = row_html(&html, "tr-web-requests-availability");
    let points: usize = spark
        .split("data-points=\"")
        .nth(1)
        .and_then(|s| s[..s.find('"')?].parse().ok())
        .expect("a sparkline series");
    // The fixture records budgets for its last 49 hours: every 12 h step inside them.
    assert!(
        grid_count(49.0 * 3600.0, 43_200.0).contains(&points),
        "{points} points"
    );
    assert!(!html.contains("id=\"prometheus-banner\""));

    // Filters, server side.
    let (_, burning) = serve.get("/?burning=1");
    assert_eq!(
        burning.matches("class=\"slo-row\"").count(),
        1,
        "only the gateway burns"
    );
    let filtered = serve.json("/api/v1/slos?level=cautious");
    assert_eq!(filtered["slos"].as_array().unwrap().len(), 1);
    assert_eq!(filtered["slos"][0]["id"], "tr-web-requests-availability");
}

#[test]
fn the_slo_page_explains_why_it_burns() {
    let specs = spec_dir(&MAIN_SPECS);
    let serve = serve_main(specs.path());
    let id = "api-gateway-requests-availability";
    let detail = serve.json(&format!("/api/v1/slos/{id}"));
    let budget = budget_json();
    for (k, v) in item(&budget, id).as_object().unwrap() {
        assert_eq!(&detail["slo"][k], v, "{k}");
    }
    let c = detail["conditions"].as_array().expect("conditions");
    assert_eq!(c.len(), 4);
    let page_quick = &c[0];
    assert_eq!(
        (
            &page_quick["severity"],
            &page_quick["speed"],
            &page_quick["holds"],
            &page_quick["firing"]
        ),
        (
            &Value::from("page"),
            &Value::from("quick"),
            &Value::from(true),
            &Value::from(true)
        )
    );
    // 1% errors against a 0.05% budget: 20x over both windows.
    assert!((page_quick["short_burn_rate"].as_f64().unwrap() - 20.0).abs() < 0.01);
    // The workbook's detection time for a full outage: 1h × 14.4 × 0.05% = 25.92 s.
    assert!((page_quick["detection_seconds_at_outage"].as_f64().unwrap() - 25.92).abs() < 0.01);
    // Every condition as the traffic model has it (Sloth's 30d catalog).
    let holds: Vec<(Value, Value)> = c
        .iter()
        .filter(|c| c["holds"] == true)
        .map(|c| (c["severity"].clone(), c["speed"].clone()))
        .collect();
    let want: Vec<(Value, Value)> = model_holds(id)
        .into_iter()
        .map(|(s, p)| (Value::from(s), Value::from(p)))
        .collect();
    assert_eq!(holds, want);

    // The budget across the whole period (240 steps of 3 h), and the error ratio over 1h
    // windows (one step an hour). The fixture records the last 49 hours; the points are the
    // steps inside them, on the grid, ending at the evaluation time.
    let budget_points = detail["budget_history"][0]["points"].as_array().unwrap();
    assert!(
        grid_count(49.0 * 3600.0, 10_800.0).contains(&budget_points.len()),
        "{}",
        budget_points.len()
    );
    assert_eq!(budget_points.last().unwrap()[0], "2026-01-01T00:00:00Z");
    assert_eq!(
        budget_points.last().unwrap()[1],
        item(&budget, id)["budget_remaining_ratio"]
    );
    assert_eq!(detail["error_ratio_window"], "1h");
    let ratios = detail["error_ratio_history"][0]["points"]
        .as_array()
        .unwrap();
    assert!(
        grid_count(49.0 * 3600.0, 3600.0).contains(&ratios.len()),
        "{}",
        ratios.len()
    );
    for p in ratios {
        let t = slogen::timefmt::parse_time(p[0].as_str().unwrap()).unwrap();
        assert_eq!((END as f64 - t) % 3600.0, 0.0, "on the hour grid: {p}");
    }
    let last = ratios.last().unwrap()[1].as_f64().unwrap();
    assert!(
        (last - 0.01).abs() < 1e-6,
        "1% errors over the last hour: {last}"
    );

    // Each query link opens an expression Prometheus accepts and answers.
    let client =
        slogen::prom::Client::new(slogen::prom::ClientOptions::new(fixture().url.clone())).unwrap();
    let queries = detail["queries"].as_array().unwrap();
    assert!(queries.len() >= 7, "{queries:?}");
    for q in queries {
        let url = q["graph_url"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("{}/graph?g0.expr=", fixture().url)),
            "{url}"
        );
        let expr = q["expr"].as_str().unwrap();
        let got = client.query(expr, Some(END as f64));
        assert!(got.is_ok(), "{expr}: {got:?}");
    }
    assert_eq!(
        detail["rule_groups"],
        serde_json::json!([
            "sloth-slo-sli-recordings-api-gateway-requests-availability",
            "sloth-slo-meta-recordings-api-gateway-requests-availability",
            "sloth-slo-alerts-api-gateway-requests-availability"
        ])
    );

    let (status, html) = serve.get(&format!("/slo/{id}"));
    assert_eq!(status, 200);
    assert!(html.contains(&format!(
        "data-budget=\"{}\"",
        item(&budget, id)["budget_remaining_ratio"]
    )));
    assert!(html.contains("data-level=\"ship_freely\""));
    assert_eq!(
        html.matches("data-holds=\"1\"").count(),
        model_holds(id).len()
    );
    assert!(html.contains("class=\"chart budget-chart\""));
    assert!(html.contains("class=\"chart ratio-chart\""));
    assert!(!html.contains("id=\"series-error\""));
    assert!(
        html.contains("api-gateway.yaml:14</code>"),
        "the spec's file and line"
    );
}

#[test]
fn grouped_slos_show_one_row_per_group_worst_first() {
    let g = grouped_fixture();
    let specs = spec_dir(&["tests/fixtures/serve/checkout-grouped.yaml"]);
    let serve = Serve::start(
        &[
            "-i",
            specs.path().to_str().unwrap(),
            "--prometheus-url",
            &g.url,
            "--time",
            &end(),
        ],
        &[],
    );
    let api = serve.json("/api/v1/slos");
    let slo = item(&api, "checkout-requests-availability");
    let groups = slo["groups"].as_array().expect("groups");
    let routes: Vec<&str> = groups
        .iter()
        .map(|g| g["labels"]["route"].as_str().unwrap())
        .collect();
    // Worst first: the model's error ratios per route, each against a 0.1% budget.
    let mut want: Vec<(&str, f64)> = CHECKOUT_ROUTES
        .iter()
        .map(|(r, e)| (*r, 1.0 - e / CHECKOUT_RATE / 0.001))
        .collect();
    want.sort_by(|a, b| a.1.total_cmp(&b.1));
    assert_eq!(routes, want.iter().map(|w| w.0).collect::<Vec<_>>());
    for (g, (_, remaining)) in groups.iter().zip(&want) {
        let got = g["budget_remaining_ratio"].as_f64().unwrap();
        assert!((got - remaining).abs() < 1e-6, "{g}: want {remaining}");
    }
    assert_eq!(groups[0]["policy_level"], "freeze");
    assert_eq!(groups[1]["policy_level"], "ship_freely");
    // /cart burns at 1.2x over 6h and 3d: the ticket's slow condition, and its alert.
    assert_eq!(groups[0]["burning"], true);
    assert_eq!(
        groups[0]["alerts"],
        serde_json::json!([{"name": "CheckoutHighErrorRate", "severity": "ticket"}])
    );
    assert_eq!(groups[1]["alerts"], serde_json::json!([]));
    // The SLO's own figures are its worst group's, as `budget` reports them.
    let r = run(&[
        "budget",
        "--prometheus-url",
        &g.url,
        "--time",
        &end(),
        "--format",
        "json",
    ]);
    let budget: Value = serde_json::from_str(&r.stdout).expect("budget json");
    for (k, v) in budget["slos"][0].as_object().unwrap() {
        assert_eq!(&slo[k], v, "{k}");
    }
    assert_eq!(
        slo["budget_remaining_ratio"],
        groups[0]["budget_remaining_ratio"]
    );

    let (_, html) = serve.get("/");
    assert_eq!(html.matches("class=\"slo-row\"").count(), 3);
    let first = html
        .find("class=\"group\">route=&quot;&#x2f;cart&quot;")
        .expect("/cart row");
    let second = html
        .find("class=\"group\">route=&quot;&#x2f;pay&quot;")
        .expect("/pay row");
    assert!(first < second, "worst group first");
    assert!(
        !html.contains("<script>window.__xss"),
        "a label value from Prometheus is text"
    );
    let (_, page) = serve.get("/slo/checkout-requests-availability");
    assert_eq!(page.matches("class=\"group-row\"").count(), 3);
    assert!(!page.contains("<script>window.__xss"));
    assert_eq!(
        page.matches("class=\"series\"").count(),
        3 * 2 + 3,
        "three lines in each chart, three sparklines"
    );
}

#[test]
fn prometheus_failures_are_banners_never_errors_or_hangs() {
    let specs = spec_dir(&["slos/tr-web.yaml"]);
    let dir = specs.path().to_str().unwrap().to_string();
    let (_bound, port) = refusing_port();
    let refused = format!("http://127.0.0.1:{port}");
    let hung = silent_listener();
    let unavailable = Stub::start(503, "text/plain", "upstream connect error");
    let unauthorized = Stub::start(401, "text/plain", "token s3cr3t-t0ken is not valid here");
    let cases: [(&str, &str); 4] = [
        (&refused, "connection refused"),
        (&hung, "did not answer within 1s"),
        (
            &unavailable.url,
            "answered HTTP 503: upstream connect error",
        ),
        (
            &unauthorized.url,
            "answered HTTP 401: token *** is not valid here",
        ),
    ];
    for (url, reason) in cases {
        let serve = Serve::start(
            &["-i", &dir, "--prometheus-url", url, "--timeout", "1s"],
            &[("PROMETHEUS_TOKEN", "s3cr3t-t0ken")],
        );
        let started = Instant::now();
        for path in ["/", "/slo/tr-web-requests-availability"] {
            let (status, html) = serve.get(path);
            assert_eq!(status, 200, "{url} {path}");
            assert!(html.contains("id=\"prometheus-banner\""), "{url} {path}");
            assert!(html.contains(reason), "{url} {path}: want {reason:?}");
            assert!(
                !html.contains("s3cr3t-t0ken"),
                "the token never reaches a page"
            );
        }
        let api = serve.json("/api/v1/slos");
        assert!(api["prometheus"]["error"]
            .as_str()
            .unwrap()
            .contains(reason));
        assert_eq!(
            api["slos"].as_array().unwrap().len(),
            2,
            "the specs' SLOs still list"
        );
        let (status, _) = serve.get("/readyz");
        assert_eq!(
            status, 200,
            "ready: the specs load; Prometheus is not part of it"
        );
        // A hung Prometheus costs one deadline (1 s) per cached read, not the client's
        // default 10 s; the bound here only guards against a hang.
        assert!(started.elapsed() < Duration::from_secs(20), "{url}");
        assert!(!serve.log().contains("s3cr3t-t0ken"), "nor a log line");
    }
    for stub in [&unavailable, &unauthorized] {
        let reqs = stub.requests();
        assert!(!reqs.is_empty());
        assert!(reqs
            .iter()
            .all(|r| r.header("authorization").as_deref() == Some("Bearer s3cr3t-t0ken")));
    }
}

/// A stand-in for an engine that answers from part of its data: every instant query gets one
/// SLO's series, every range query one point, each answer carrying `extra` (VictoriaMetrics'
/// `"isPartial": true`, or Thanos' `"warnings"`).
fn partial_engine(extra: &'static str) -> String {
    use std::io::Write;
    let port = server_port();
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind");
    let url = format!("http://127.0.0.1:{port}");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(req) = super::http_stub::read_request(&mut stream) else {
                continue;
            };
            let labels = r#"{"sloth_id":"tr-web-requests-availability","sloth_service":"tr-web","sloth_slo":"requests-availability"}"#;
            let data = if req.request_line.contains("query_range") {
                format!(
                    r#"{{"resultType":"matrix","result":[{{"metric":{labels},"values":[[1767225600,"0.5"]]}}]}}"#
                )
            } else {
                format!(
                    r#"{{"resultType":"vector","result":[{{"metric":{labels},"value":[1767225600,"0.5"]}}]}}"#
                )
            };
            let body = format!(r#"{{"status":"success",{extra},"data":{data}}}"#);
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    url
}

#[test]
fn partial_answers_are_flagged_on_every_page() {
    let specs = spec_dir(&["slos/tr-web.yaml"]);
    let dir = specs.path().to_str().unwrap().to_string();
    for (engine, extra, warning) in [
        ("victoriametrics", r#""isPartial":true"#, None),
        (
            "thanos",
            r#""warnings":["store 10.0.0.7:10901 is unavailable"]"#,
            Some("store 10.0.0.7:10901 is unavailable"),
        ),
    ] {
        let url = partial_engine(extra);
        let serve = Serve::start(
            &[
                "-i",
                &dir,
                "--prometheus-url",
                &url,
                "--engine",
                engine,
                "--time",
                &end(),
            ],
            &[],
        );
        let api = serve.json("/api/v1/slos");
        assert_eq!(api["prometheus"]["error"], Value::Null, "{engine}: {api}");
        assert_eq!(api["prometheus"]["partial"], true, "{engine}");
        assert_eq!(
            item(&api, "tr-web-requests-availability")["budget_remaining_ratio"].as_f64(),
            Some(0.5),
            "{engine}: the partial figures are still shown"
        );
        let detail = serve.json("/api/v1/slos/tr-web-requests-availability");
        assert_eq!(detail["prometheus"]["partial"], true, "{engine}");
        for path in ["/", "/slo/tr-web-requests-availability"] {
            let (status, html) = serve.get(path);
            assert_eq!(status, 200);
            assert!(html.contains("id=\"partial-banner\""), "{engine} {path}");
            if let Some(w) = warning {
                assert!(html.contains(w), "{engine} {path}");
                assert_eq!(api["prometheus"]["warnings"], serde_json::json!([w]));
            }
        }
    }
}

/// `--engine`/`--tenant` reach Prometheus as they do for `budget` (the same `PromArgs`):
/// a VictoriaMetrics cluster tenant as the `/select/<tenant>/prometheus` path, a Mimir
/// tenant as `X-Scope-OrgID` (docs/engines.md; stand-ins capture the requests).
#[test]
fn engine_and_tenant_flags_reach_prometheus_as_for_budget() {
    let specs = spec_dir(&["slos/tr-web.yaml"]);
    let dir = specs.path().to_str().unwrap().to_string();
    let empty = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
    for (engine, tenant) in [("victoriametrics", "7:3"), ("mimir", "team-a")] {
        let serve_stub = Stub::start(200, "application/json", empty);
        let budget_stub = Stub::start(200, "application/json", empty);
        let serve = Serve::start(
            &[
                "-i",
                &dir,
                "--prometheus-url",
                &serve_stub.url,
                "--engine",
                engine,
                "--tenant",
                tenant,
                "--time",
                &end(),
            ],
            &[],
        );
        let api = serve.json("/api/v1/slos");
        assert!(
            api["prometheus"]["error"].is_string(),
            "no SLO series is a banner: {api}"
        );
        let r = run(&[
            "budget",
            "--prometheus-url",
            &budget_stub.url,
            "--engine",
            engine,
            "--tenant",
            tenant,
            "--time",
            &end(),
        ]);
        assert_ne!(r.code, 0, "budget has no series either");
        let (served, budgeted) = (serve_stub.requests(), budget_stub.requests());
        assert!(!served.is_empty() && !budgeted.is_empty());
        // What reaches Prometheus is the same for both commands, and what docs/engines.md says.
        let first = |reqs: &[super::http_stub::Captured]| {
            let r = &reqs[0];
            (
                r.request_line.split(' ').nth(1).unwrap_or("").to_string(),
                r.header("X-Scope-OrgID"),
            )
        };
        assert_eq!(first(&served), first(&budgeted), "{engine}");
        for req in &served {
            let path = req.request_line.split(' ').nth(1).unwrap_or("");
            match engine {
                "victoriametrics" => {
                    assert!(path.starts_with("/select/7:3/prometheus/api/v1/"), "{path}");
                    assert_eq!(req.header("X-Scope-OrgID"), None);
                }
                _ => {
                    assert!(path.starts_with("/api/v1/"), "{path}");
                    assert_eq!(req.header("X-Scope-OrgID").as_deref(), Some("team-a"));
                }
            }
        }
    }
}

#[test]
fn specs_reload_without_a_restart_and_readiness_follows() {
    let specs = spec_dir(&["slos/tr-web.yaml"]);
    let (_bound, port) = refusing_port();
    let serve = Serve::start(
        &[
            "-i",
            specs.path().to_str().unwrap(),
            "--prometheus-url",
            &format!("http://127.0.0.1:{port}"),
            "--reload-interval",
            "0s",
        ],
        &[],
    );
    assert_eq!(serve.get("/readyz"), (200, "ready\n".to_string()));
    assert_eq!(
        serve.json("/api/v1/slos")["slos"].as_array().unwrap().len(),
        2
    );
    let bad = specs.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "version: \"prometheus/v1\"\nservice: \"bad-svc\"\nslos:\n  - name: \"bad-slo\"\n    objective: 140\n    sli:\n      raw:\n        error_ratio_query: sum(rate(x[{{.window}}]))\n    alerting:\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n",
    )
    .unwrap();
    let (status, why) = serve.get("/readyz");
    assert_eq!(status, 503);
    let want = format!("the specs do not load: {}:5:", bad.display());
    assert!(why.starts_with(&want), "{why}");
    let (_, html) = serve.get("/");
    assert!(html.contains("id=\"spec-banner\""));
    std::fs::copy(root().join("slos/api-gateway.yaml"), &bad).unwrap();
    assert_eq!(serve.get("/readyz"), (200, "ready\n".to_string()));
    let api = serve.json("/api/v1/slos");
    assert_eq!(
        api["slos"].as_array().unwrap().len(),
        3,
        "the new SLO shows"
    );
    assert_eq!(api["specs"]["files"], 2);
}

#[test]
fn two_hundred_concurrent_requests_all_succeed_on_one_read() {
    let specs = spec_dir(&MAIN_SPECS);
    let serve = serve_main(specs.path());
    let paths = [
        "/",
        "/api/v1/slos",
        "/slo/tr-web-requests-availability",
        "/api/v1/slos/api-gateway-requests-availability",
    ];
    let results: Vec<(u16, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..200)
            .map(|i| {
                let serve = &serve;
                let path = paths[i % paths.len()];
                s.spawn(move || {
                    let (status, body) = serve.get(path);
                    (status, body.len())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a client"))
            .collect()
    });
    let failed: Vec<&(u16, usize)> = results
        .iter()
        .filter(|(s, n)| *s != 200 || *n == 0)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of 200 failed: {failed:?}",
        failed.len()
    );
    // With a 60 s cache, every request shared one read of the overview and one of each SLO.
    assert_eq!(
        serve.metric("slogen_serve_prometheus_reads_total{kind=\"overview\"}"),
        1.0
    );
    assert_eq!(
        serve.metric("slogen_serve_prometheus_reads_total{kind=\"slo\"}"),
        2.0
    );
    assert_eq!(
        serve.metric("slogen_http_requests_total{code=\"200\",route=\"/\"}"),
        50.0
    );
}

#[test]
fn bad_flags_and_inputs_are_clear_errors() {
    let r = run(&[
        "serve",
        "-i",
        "no/such/dir",
        "--prometheus-url",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("error: reading input no/such/dir: "),
        "{}",
        r.stderr
    );
    let slos = root().join("slos");
    let dir = slos.to_str().unwrap();
    let r = run(&[
        "serve",
        "--slos",
        dir,
        "--prometheus-url",
        "http://127.0.0.1:9",
        "--listen",
        "example.com:80",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("invalid listen address \"example.com:80\""),
        "{}",
        r.stderr
    );
    let r = run(&[
        "serve",
        "-i",
        dir,
        "--prometheus-url",
        "http://127.0.0.1:9",
        "--cache-ttl",
        "soon",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("error: invalid --cache-ttl \"soon\""),
        "{}",
        r.stderr
    );
    let r = run(&["serve", "-i", dir, "--prometheus-url", "127.0.0.1:9"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("must start with http:// or https://"),
        "{}",
        r.stderr
    );
    // A port in use.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let r = run(&[
        "serve",
        "-i",
        dir,
        "--prometheus-url",
        "http://127.0.0.1:9",
        "--listen",
        &addr,
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with(&format!("error: cannot listen on {addr}: ")),
        "{}",
        r.stderr
    );
}
