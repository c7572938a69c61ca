//! The whole application, through its router, against specs on disk and a Prometheus that
//! refuses connections: the banner, escaping, filters, errors, readiness and headers.
//! (Figures against a real Prometheus are in tests/integration/serve.rs.)

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

use super::catalog::SpecFile;
use super::*;
use crate::prom::ClientOptions;

const XSS: &str = include_str!("../../tests/fixtures/serve/xss.yaml");
const TR_WEB: &str = include_str!("../../slos/tr-web.yaml");

/// A loopback port nothing listens on: connections are refused at once.
fn refused_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://admin:pa55word@{}", l.local_addr().unwrap());
    drop(l);
    url
}

fn options(files: Vec<SpecFile>) -> Options {
    Options {
        client: Client::new(ClientOptions {
            timeout: Duration::from_secs(2),
            ..ClientOptions::new(refused_url())
        })
        .unwrap(),
        at: Some(1_767_225_600.0),
        deadline: Duration::from_secs(3),
        cache_ttl: Duration::from_secs(5),
        reload: Duration::ZERO,
        loader: Arc::new(move || Ok(files.clone())),
        generator: Generator::default(),
        secrets: vec!["pa55word".into()],
        link_url: None,
        limits: Limits::default(),
    }
}

fn spec(path: &str, text: &str) -> SpecFile {
    SpecFile {
        path: path.into(),
        text: Ok(text.into()),
    }
}

async fn get(app: &Router, uri: &str) -> (u16, String, axum::http::HeaderMap) {
    let resp = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap(), headers)
}

fn standard_app() -> Router {
    app(options(vec![
        spec("slos/tr-web.yaml", TR_WEB),
        spec("slos/xss.yaml", XSS),
    ]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_down_is_a_banner_with_the_specs_listed() {
    let app = standard_app();
    let (status, body, headers) = get(&app, "/").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("id=\"prometheus-banner\""), "{body}");
    assert!(
        body.contains("cannot reach Prometheus at http:&#x2f;&#x2f;127.0.0.1:"),
        "{body}"
    );
    assert!(body.contains("connection refused"), "{body}");
    assert!(!body.contains("pa55word"), "credentials never reach a page");
    for id in [
        "tr-web-requests-availability",
        "tr-web-requests-latency",
        "xss-shop-checkout-availability",
    ] {
        assert!(body.contains(&format!("data-id=\"{id}\"")), "{id}");
    }
    assert!(body.contains("Prometheus did not answer"));
    assert_eq!(
        headers["content-security-policy"],
        render::CSP,
        "pages allow no inline script"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");

    let (status, json, _) = get(&app, "/api/v1/slos").await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["prometheus"]["error"]
        .as_str()
        .unwrap()
        .contains("connection refused"));
    assert!(!json.contains("pa55word"));
    assert_eq!(v["evaluated_at"], "2026-01-01T00:00:00Z");
    assert_eq!(v["slos"].as_array().unwrap().len(), 3);
    let first = &v["slos"][0];
    assert_eq!(first["in_prometheus"], false);
    assert_eq!(first["budget_remaining_ratio"], serde_json::Value::Null);
    assert_eq!(first["missing_reason"], "Prometheus did not answer");
    assert_eq!(first["source"]["file"], "slos/tr-web.yaml");
    assert_eq!(first["source"]["line"], 10);
    assert!((first["objective_ratio"].as_f64().unwrap() - 0.999).abs() < 1e-12);
    assert_eq!(first["objective_percent"], 99.9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_string_from_the_specs_is_text() {
    let app = standard_app();
    let (_, overview, _) = get(&app, "/").await;
    let (status, page, _) = get(&app, "/slo/xss-shop-checkout-availability").await;
    assert_eq!(status, 200, "{page}");
    for body in [&overview, &page] {
        assert!(
            !body.contains("<script>window"),
            "no injected script element"
        );
        assert!(!body.contains("<img src=x"), "no injected element");
        assert!(!body.contains("onerror=\"window"), "no injected attribute");
        assert!(!body.contains("<b>bold"), "labels are text");
    }
    assert!(
        page.contains("&lt;script&gt;window.__xss = &#x27;description&#x27;&lt;&#x2f;script&gt;")
    );
    assert!(
        page.contains("{{ 7 * 7 }}"),
        "template syntax in a spec is shown, not run"
    );
    assert!(page.contains("{{ $labels.route }}"));
    assert!(
        !page.contains("href=\"javascript"),
        "a javascript: runbook is not a link"
    );
    assert!(page.contains("javascript:window.__xss=&#x27;runbook&#x27;"));
    // The description in an attribute (the overview's link title) cannot close it.
    assert!(overview.contains("title=\"&lt;script&gt;"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_slo_page_explains_windows_and_links_queries() {
    let app = standard_app();
    let (status, page, _) = get(&app, "/slo/tr-web-requests-availability").await;
    assert_eq!(status, 200);
    assert!(page.contains("<code id=\"source\">slos&#x2f;tr-web.yaml:10</code>"));
    assert_eq!(page.matches("data-severity=").count(), 4);
    assert!(page.contains("14.4x") && page.contains("6x") && page.contains("3x"));
    assert!(page.contains("sloth-slo-sli-recordings-tr-web-requests-availability"));
    assert!(
        page.contains("href=\"http:&#x2f;&#x2f;127.0.0.1:"),
        "graph links"
    );
    assert!(page.contains("&#x2f;graph?g0.expr=slo%3Aperiod_error_budget_remaining%3Aratio"));
    assert!(page.contains("https:&#x2f;&#x2f;runbooks.example.com&#x2f;tr-web&#x2f;availability"));
    assert!(page.contains("class=\"chart budget-chart\""));
    assert!(
        page.contains("id=\"series-error\""),
        "why the charts are empty"
    );

    let (status, json, _) = get(&app, "/api/v1/slos/tr-web-requests-availability").await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let c = &v["conditions"][0];
    assert_eq!(
        (c["severity"].as_str(), c["speed"].as_str()),
        (Some("page"), Some("quick"))
    );
    assert_eq!(c["short_window"], "5m");
    assert_eq!(c["long_window"], "1h");
    assert!((c["burn_rate_factor"].as_f64().unwrap() - 14.4).abs() < 1e-9);
    assert_eq!(
        c["detection_seconds_at_outage"].as_f64().map(f64::round),
        Some(52.0)
    );
    assert_eq!(v["rule_groups"].as_array().unwrap().len(), 3);
    assert!(v["queries"][0]["graph_url"]
        .as_str()
        .unwrap()
        .contains("g0.range_input=30d"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_one_line_reasons() {
    let app = standard_app();
    let (status, body, _) = get(&app, "/?level=LOW").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        "level \"LOW\" is not a policy level (use one of ship_freely, cautious, focus_on_reliability, freeze, or unknown)\n"
    );
    let (status, body, _) = get(&app, "/slo/nope%3Cscript%3E").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        "no SLO with ID \"nope<script>\" in the specs or in Prometheus (the overview at / lists every SLO)\n"
    );
    let (status, _, headers) = get(&app, "/api/v1/slos/nope").await;
    assert_eq!(status, 404);
    assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    let resp = app
        .clone()
        .oneshot(Request::post("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405, "read-only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_select_rows_on_the_server() {
    let app = standard_app();
    let (status, body, _) = get(&app, "/?service=xss-shop").await;
    assert_eq!(status, 200);
    assert_eq!(body.matches("class=\"slo-row\"").count(), 1);
    let (_, body, _) = get(&app, "/?q=LATENCY").await;
    assert_eq!(body.matches("class=\"slo-row\"").count(), 1);
    assert!(body.contains("data-id=\"tr-web-requests-latency\""));
    let (_, body, _) = get(&app, "/?burning=1").await;
    assert!(
        body.contains("id=\"no-rows\""),
        "nothing burns without figures"
    );
    let (_, json, _) = get(&app, "/api/v1/slos?level=unknown&service=tr-web").await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["slos"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_means_the_specs_load() {
    let bad = spec(
        "slos/bad.yaml",
        "version: \"prometheus/v1\"\nservice: \"bad-svc\"\nslos:\n  - name: \"bad-slo\"\n    objective: 140\n    sli:\n      raw:\n        error_ratio_query: sum(rate(x[{{.window}}]))\n    alerting:\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n",
    );
    let app = app(options(vec![spec("slos/tr-web.yaml", TR_WEB), bad]));
    let (status, body, _) = get(&app, "/readyz").await;
    assert_eq!(status, 503);
    assert!(
        body.starts_with("the specs do not load: slos/bad.yaml:5:"),
        "{body}"
    );
    let (status, page, _) = get(&app, "/").await;
    assert_eq!(status, 200, "pages still render");
    assert!(page.contains("id=\"spec-banner\""));
    assert!(page.contains("slos&#x2f;bad.yaml:5:"));
    let ok = standard_app();
    let (status, body, _) = get(&ok, "/readyz").await;
    assert_eq!((status, body.as_str()), (200, "ready\n"));
    let (status, css, headers) = get(&ok, "/static/slogen.css").await;
    assert_eq!(status, 200);
    assert!(css.contains(".level-freeze"));
    assert_eq!(headers["cache-control"], "public, max-age=3600");
}
