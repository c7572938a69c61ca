//! `slogen serve`: a read-only web UI where a team sees every SLO, its error budget and why
//! it is burning, with the JSON API behind it.
//!
//! - [`catalog`]: the specs, read again when they change (readiness means they load);
//! - [`data`]: the live facts, read through [`crate::live`] with a deadline and cached for a
//!   few seconds, one read per bundle however many requests wait for it;
//! - [`view`], [`detail`], [`api`]: what the overview, an SLO's page and the API show, as
//!   plain data (the same fields and vocabulary as `slogen budget --format json`);
//! - [`svg`]: the charts, pure functions from series to SVG text;
//! - [`render`]: the embedded minijinja templates (HTML auto-escaping), the stylesheet and
//!   the security headers; [`links`]: links to Prometheus's graph page.
//!
//! The edges (listening, limits, deadlines, `/healthz`, `/readyz`, `/metrics`, logging,
//! graceful shutdown) are [`crate::http`]'s. Every route is a GET: nothing changes state.

pub mod api;
pub mod catalog;
pub mod data;
pub mod detail;
pub mod links;
pub mod render;
pub mod svg;
pub mod view;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use tokio::net::TcpListener;

use crate::budget::policy::{Levels, PolicyLevel};
use crate::http::metrics::Kind;
use crate::http::{self, reject, AppOptions, Limits, Registry};
use crate::pipeline::Generator;
use crate::prom::Client;
use crate::timefmt::{format_utc, rfc3339};

use catalog::{Catalog, Loader, Specs};
use data::{Board, Source};
use view::{level_counts, rows, slo_views, Filter, SloView};

/// How `slogen serve` runs.
pub struct Options {
    pub client: Client,
    /// Evaluate at this instant (Unix seconds) instead of now.
    pub at: Option<f64>,
    /// The most a page waits for Prometheus.
    pub deadline: Duration,
    /// How long Prometheus's answers are kept.
    pub cache_ttl: Duration,
    /// How often the specs are looked at again.
    pub reload: Duration,
    pub loader: Loader,
    pub generator: Generator,
    /// Values never to show (tokens, passwords, header values).
    pub secrets: Vec<String>,
    /// The Prometheus URL links open (defaults to the one queried, without credentials).
    pub link_url: Option<String>,
    pub limits: Limits,
}

/// What the handlers share.
pub struct App {
    specs: Arc<Specs>,
    source: Source,
    pages: render::Pages,
    levels: Levels,
    link_base: String,
    metrics: Arc<Registry>,
}

impl App {
    async fn catalog(&self) -> Arc<Catalog> {
        let specs = self.specs.clone();
        let catalog = tokio::task::spawn_blocking(move || specs.current())
            .await
            .unwrap_or_else(|_| {
                Arc::new(Catalog {
                    error: Some("reading the specs failed unexpectedly".into()),
                    ..Catalog::default()
                })
            });
        self.metrics
            .set("slogen_serve_spec_slos", &[], catalog.slos.len() as f64);
        self.metrics.set(
            "slogen_serve_spec_problems",
            &[],
            (catalog.problems.len() + usize::from(catalog.error.is_some())) as f64,
        );
        catalog
    }

    async fn board(&self) -> Arc<Board> {
        let b = self.source.board().await;
        self.count_reads();
        b
    }

    fn count_reads(&self) {
        let (board, series) = self.source.reads();
        let name = "slogen_serve_prometheus_reads_total";
        self.metrics
            .set(name, &[("kind", "overview")], board as f64);
        self.metrics.set(name, &[("kind", "slo")], series as f64);
    }

    fn meta(&self, catalog: &Catalog, board: &Board) -> api::Meta {
        let notes = board
            .facts
            .as_ref()
            .map(|f| f.notes.clone())
            .unwrap_or_default();
        api::Meta {
            evaluated_at: rfc3339(board.at),
            prometheus: api::PromMeta {
                url: self.source.public_url(),
                error: board.facts.as_ref().err().cloned(),
                partial: notes.partial,
                warnings: notes
                    .warnings
                    .iter()
                    .map(|w| self.source.redact(w))
                    .collect(),
            },
            specs: api::SpecsMeta::of(catalog),
        }
    }

    /// [`App::meta`] with an SLO's series' notes added.
    fn meta_with(&self, catalog: &Catalog, board: &Board, series: &data::SloSeries) -> api::Meta {
        let mut meta = self.meta(catalog, board);
        if let Ok(f) = &series.facts {
            meta.prometheus.partial |= f.notes.partial;
            for w in &f.notes.warnings {
                let w = self.source.redact(w);
                if !meta.prometheus.warnings.contains(&w) {
                    meta.prometheus.warnings.push(w);
                }
            }
        }
        meta
    }
}

/// The fields every page's layout reads.
#[derive(Serialize)]
struct Layout {
    #[serde(flatten)]
    meta: api::Meta,
    evaluated_at_text: String,
    version: &'static str,
}

fn layout(meta: api::Meta, at: f64) -> Layout {
    Layout {
        meta,
        evaluated_at_text: format_utc(at),
        version: crate::VERSION,
    }
}

/// The application: the server's routes inside [`http::app`]'s plumbing.
pub fn app(opts: Options) -> Router {
    let metrics = Arc::new(Registry::new());
    metrics.describe(
        "slogen_serve_prometheus_reads_total",
        "Reads of Prometheus (bundles of queries) the pages caused, by kind; cached answers are not counted.",
        Kind::Counter,
    );
    metrics.describe(
        "slogen_serve_spec_slos",
        "SLOs in the specs as last read.",
        Kind::Gauge,
    );
    metrics.describe(
        "slogen_serve_spec_problems",
        "Problems that keep specs out, as last read.",
        Kind::Gauge,
    );
    let specs = Arc::new(Specs::new(opts.loader, opts.generator, opts.reload));
    let source = Source::new(
        opts.client,
        opts.at,
        opts.deadline,
        opts.cache_ttl,
        opts.secrets,
    );
    let link_base = links::public_url(opts.link_url.as_deref().unwrap_or(&source.public_url()));
    let state = Arc::new(App {
        specs: specs.clone(),
        source,
        pages: render::Pages::new(),
        levels: Levels::default(),
        link_base,
        metrics: metrics.clone(),
    });
    let routes = Router::new()
        .route("/", get(overview))
        .route("/slo/{id}", get(slo_page))
        .route("/api/v1/slos", get(api_list))
        .route("/api/v1/slos/{id}", get(api_detail))
        .route("/static/slogen.css", get(css))
        .route("/static/slogen.js", get(js))
        .route("/static/favicon.svg", get(favicon))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .with_state(state);
    http::app(
        routes,
        AppOptions {
            name: "serve",
            limits: opts.limits,
            metrics,
            ready: Arc::new(move || specs.current().ready()),
        },
    )
}

/// Serves [`app`] on `listener` until `shutdown` resolves.
pub async fn run(
    listener: TcpListener,
    opts: Options,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let limits = opts.limits.clone();
    http::serve(listener, app(opts), &limits, shutdown).await
}

type Params = Query<BTreeMap<String, String>>;

/// The longest ID echoed in a 404.
fn shorten(id: &str) -> String {
    let short: String = id.chars().take(100).collect();
    if short.len() < id.len() {
        format!("{short}…")
    } else {
        short
    }
}

fn not_found(id: &str) -> Response {
    reject(
        StatusCode::NOT_FOUND,
        format!(
            "no SLO with ID {:?} in the specs or in Prometheus (the overview at / lists every SLO)",
            shorten(id)
        ),
    )
}

async fn overview(State(app): State<Arc<App>>, Query(params): Params) -> Response {
    let filter = match Filter::parse(&params) {
        Ok(f) => f,
        Err(e) => return reject(StatusCode::BAD_REQUEST, e),
    };
    let catalog = app.catalog().await;
    let board = app.board().await;
    let views = slo_views(&catalog, &board, &app.levels);
    let all = rows(&views);
    let total = all.len();
    let mut services: Vec<String> = all.iter().map(|r| r.service.clone()).collect();
    services.sort();
    services.dedup();
    let counts = level_counts(&all);
    let shown: Vec<view::Row> = all.into_iter().filter(|r| filter.keeps(r)).collect();
    let levels: Vec<(&str, &str)> = PolicyLevel::ALL
        .iter()
        .map(|l| (l.name(), l.advice()))
        .collect();
    app.pages.html(
        "overview.html",
        minijinja::context! {
            ..minijinja::Value::from_serialize(layout(app.meta(&catalog, &board), board.at)),
            ..minijinja::context! {
                rows => shown,
                total => total,
                services => services,
                levels => levels,
                counts => counts,
                filter_empty => filter.is_empty(),
                filter => filter,
            }
        },
    )
}

/// The SLO `id` among `views`.
fn find<'v, 'a>(views: &'v [SloView<'a>], id: &str) -> Option<&'v SloView<'a>> {
    views.iter().find(|v| v.row.status.id == id)
}

/// Reads what an SLO's page and its API answer both show (the specs, the live board and the
/// SLO's series, within the page's deadline) and hands them to `answer`; an unknown `id` is a
/// 404.
async fn with_slo(
    app: &App,
    id: &str,
    answer: impl FnOnce(&SloView, &data::SloSeries, &Catalog, &Board) -> Response,
) -> Response {
    let started = std::time::Instant::now();
    let catalog = app.catalog().await;
    let board = app.board().await;
    let views = slo_views(&catalog, &board, &app.levels);
    let Some(v) = find(&views, id) else {
        return not_found(id);
    };
    let series = app
        .source
        .series(
            &board,
            id,
            detail::period_seconds(v),
            detail::ratio_window(v),
            started,
        )
        .await;
    app.count_reads();
    answer(v, &series, &catalog, &board)
}

async fn slo_page(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    with_slo(&app, &id, |v, series, catalog, board| {
        let page = detail::page(v, series, &app.link_base, board.at, &app.levels);
        app.pages.html(
            "slo.html",
            minijinja::context! {
                ..minijinja::Value::from_serialize(layout(app.meta_with(catalog, board, series), board.at)),
                ..minijinja::context! { page => page }
            },
        )
    })
    .await
}

async fn api_list(State(app): State<Arc<App>>, Query(params): Params) -> Response {
    let filter = match Filter::parse(&params) {
        Ok(f) => f,
        Err(e) => return reject(StatusCode::BAD_REQUEST, e),
    };
    let catalog = app.catalog().await;
    let board = app.board().await;
    let views = slo_views(&catalog, &board, &app.levels);
    let all_rows = rows(&views);
    let slos = views
        .iter()
        .filter(|v| filter.keeps_slo(v, &all_rows))
        .map(api::Slo::of)
        .collect();
    render::json(&api::List {
        meta: app.meta(&catalog, &board),
        slos,
    })
}

async fn api_detail(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    with_slo(&app, &id, |v, series, catalog, board| {
        let (budget_history, error_ratio_history, error_ratio_window) =
            api::Detail::histories(series);
        render::json(&api::Detail {
            meta: app.meta_with(catalog, board, series),
            slo: api::Slo::of(v),
            conditions: detail::conditions(v),
            queries: detail::queries(v, &app.link_base, board.at),
            rule_groups: v.spec.map_or(Vec::new(), |s| {
                s.rules.groups().map(|g| g.name.clone()).collect()
            }),
            budget_history,
            error_ratio_history,
            error_ratio_window,
        })
    })
    .await
}

/// A static file, cached by browsers for an hour (pages link it with the version).
fn asset(content_type: &'static str, body: String) -> Response {
    let mut r = render::page(StatusCode::OK, content_type, body);
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

async fn css(State(app): State<Arc<App>>) -> Response {
    asset("text/css; charset=utf-8", app.pages.css.clone())
}

async fn js() -> Response {
    asset("text/javascript; charset=utf-8", render::JS.to_string())
}

async fn favicon() -> impl IntoResponse {
    asset("image/svg+xml", render::FAVICON.to_string())
}

#[cfg(test)]
mod tests;
