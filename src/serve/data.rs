//! Live facts for the pages, read through [`crate::live`] and kept for a few seconds.
//!
//! Each page needs one or two bundles: the [`Board`] (every SLO's status, groups, window
//! ratios and budget trend) and, for an SLO page, its [`SloSeries`] (budget and error ratio
//! across the period). A bundle is read by a blocking task with a deadline: when Prometheus is
//! down, slow or refuses, the bundle holds the reason instead, so a page shows a banner, never
//! a 500, and never waits past the deadline. [`Cache`] keeps each bundle for the TTL and lets
//! concurrent requests for the same bundle share one read, so a busy page costs Prometheus
//! one set of queries per TTL.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::live::history::{self, History};
use crate::live::{self, Overview, Selector};
use crate::prom::{Client, Error, Notes, Range};

use super::links::public_url;

/// Points in an overview sparkline and in an SLO page's budget chart.
const SPARK_POINTS: u32 = 60;
const CHART_POINTS: u32 = 240;
/// Most points in the error-ratio chart.
const RATIO_POINTS: f64 = 720.0;

/// The overview's facts at one instant, or why there are none.
#[derive(Debug, Clone)]
pub struct Board {
    /// Unix seconds the figures are for.
    pub at: f64,
    pub facts: Result<BoardFacts, String>,
}

#[derive(Debug, Clone)]
pub struct BoardFacts {
    pub overview: Overview,
    /// What the engine said besides the data: answers from part of it, warnings.
    pub notes: Notes,
    /// Budget left over the longest period among the SLOs, every SLO and group.
    pub trends: Vec<History>,
    /// The start of that range (Unix seconds).
    pub trend_start: f64,
}

/// One SLO's series across its period, or why there are none.
#[derive(Debug, Clone)]
pub struct SloSeries {
    pub facts: Result<SeriesFacts, String>,
}

#[derive(Debug, Clone)]
pub struct SeriesFacts {
    pub notes: Notes,
    pub start: f64,
    pub end: f64,
    /// Budget left, per group.
    pub budget: Vec<History>,
    /// Error ratio over `window`, per group.
    pub ratios: Vec<History>,
    pub window: String,
}

/// Where live facts come from.
pub struct Source {
    /// The connection; each read works on a [`Client::fork`] of it, so the notes of partial
    /// data a bundle carries are its own answers' and never another read's.
    client: Client,
    /// A fixed evaluation time (`--time`), or now.
    at: Option<f64>,
    /// The most a page waits for Prometheus.
    deadline: Duration,
    /// Strings that must never reach a page: tokens, passwords, header values, the URL's
    /// credentials.
    secrets: Vec<String>,
    board: Cache<Board>,
    series: Cache<SloSeries>,
}

impl Source {
    pub fn new(
        client: Client,
        at: Option<f64>,
        deadline: Duration,
        ttl: Duration,
        secrets: Vec<String>,
    ) -> Source {
        Source {
            client,
            at,
            deadline,
            secrets: secrets.into_iter().filter(|s| s.len() >= 3).collect(),
            board: Cache::new(ttl),
            series: Cache::new(ttl),
        }
    }

    /// The Prometheus URL as pages show it (no credentials).
    pub fn public_url(&self) -> String {
        public_url(self.client.url())
    }

    /// Reads done so far (bundles fetched, not served from the cache), by kind.
    pub fn reads(&self) -> (u64, u64) {
        (self.board.misses(), self.series.misses())
    }

    fn now(&self) -> f64 {
        self.at.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64().floor())
                .unwrap_or(0.0)
        })
    }

    /// The overview's facts, from the cache when fresh.
    pub async fn board(&self) -> Arc<Board> {
        self.board
            .get("board", || async {
                let at = self.now();
                let client = self.client.fork();
                let facts = self.blocking(move || read_board(&client, at)).await;
                Board { at, facts }
            })
            .await
    }

    /// One SLO's series over its period (`period` seconds) ending at the board's instant;
    /// the error ratio over `window` (`1h`). Kept per SLO for the TTL. The read gets what is
    /// left of the page's deadline since `page_started`, so a page never waits for
    /// Prometheus longer than the deadline in all.
    pub async fn series(
        &self,
        board: &Board,
        id: &str,
        period: f64,
        window: (String, f64),
        page_started: Instant,
    ) -> Arc<SloSeries> {
        let labels = match &board.facts {
            Ok(f) => f.overview.slo_labels.clone(),
            Err(e) => {
                return Arc::new(SloSeries {
                    facts: Err(e.clone()),
                })
            }
        };
        let at = board.at;
        self.series
            .get(id, || async {
                let client = self.client.fork();
                let id = id.to_string();
                let left = self.deadline.saturating_sub(page_started.elapsed());
                let facts = self
                    .blocking_within(left, move || {
                        read_series(&client, &id, at, period, window, &labels)
                    })
                    .await;
                SloSeries { facts }
            })
            .await
    }

    /// Runs a read on the blocking pool, within the deadline; its error as page text.
    async fn blocking<T: Send + 'static>(
        &self,
        read: impl FnOnce() -> Result<T, Error> + Send + 'static,
    ) -> Result<T, String> {
        self.blocking_within(self.deadline, read).await
    }

    /// [`Source::blocking`] within `limit` (what is left of the deadline).
    async fn blocking_within<T: Send + 'static>(
        &self,
        limit: Duration,
        read: impl FnOnce() -> Result<T, Error> + Send + 'static,
    ) -> Result<T, String> {
        let task = tokio::task::spawn_blocking(read);
        let answer = match tokio::time::timeout(limit, task).await {
            Ok(Ok(Ok(v))) => return Ok(v),
            Ok(Ok(Err(e))) => e.to_string(),
            Ok(Err(_)) => "reading Prometheus failed unexpectedly".to_string(),
            // The read goes on in the background (each request has the client's timeout);
            // the page does not wait for it.
            Err(_) => format!(
                "Prometheus at {} did not answer within {}s",
                self.client.url(),
                self.deadline.as_secs_f64()
            ),
        };
        Err(self.redact(&answer))
    }

    /// `text` with every secret replaced by `***` and the URL's credentials dropped.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.replace(self.client.url(), &self.public_url());
        for s in &self.secrets {
            out = out.replace(s.as_str(), "***");
        }
        out
    }
}

fn read_board(client: &Client, at: f64) -> Result<BoardFacts, Error> {
    let overview = live::fetch_overview(client, &Selector::default(), at)?;
    let days = overview
        .statuses
        .iter()
        .filter_map(|s| s.period_days)
        .fold(0.0_f64, f64::max);
    let span = if days > 0.0 { days } else { 30.0 } * 86_400.0;
    let range = history::range_ending(at, span, SPARK_POINTS);
    let trends =
        history::budget_history(client, &Selector::default(), range, &overview.slo_labels)?;
    Ok(BoardFacts {
        notes: client.take_notes(),
        trend_start: range.start,
        overview,
        trends,
    })
}

fn read_series(
    client: &Client,
    id: &str,
    at: f64,
    period: f64,
    (window, window_secs): (String, f64),
    labels: &std::collections::BTreeMap<String, crate::prom::Labels>,
) -> Result<SeriesFacts, Error> {
    let sel = Selector {
        service: None,
        slo: Some(id.to_string()),
    };
    let budget_range = history::range_ending(at, period, CHART_POINTS);
    let budget: Vec<History> = history::budget_history(client, &sel, budget_range, labels)?
        .into_iter()
        .filter(|h| h.id == id)
        .collect();
    // One sample per window length covers the whole period without gaps.
    let step = window_secs.max((period / RATIO_POINTS).round()).max(60.0);
    let ratio_range = Range {
        start: at - period,
        end: at,
        step,
    };
    let ratios = history::error_ratio_history(client, id, &window, ratio_range, labels)?;
    Ok(SeriesFacts {
        notes: client.take_notes(),
        start: at - period,
        end: at,
        budget,
        ratios,
        window,
    })
}

/// Values kept for a time-to-live, one read at a time per key: a request that finds a read
/// of its key in flight waits for it and shares its answer.
pub struct Cache<T> {
    ttl: Duration,
    slots: Mutex<HashMap<String, Slot<T>>>,
    misses: std::sync::atomic::AtomicU64,
}

/// One key's value, locked while it is being read.
type Slot<T> = Arc<tokio::sync::Mutex<Option<Entry<T>>>>;

struct Entry<T> {
    started: Instant,
    value: Arc<T>,
}

/// Most keys a cache holds (one per SLO page); past it, keys no request is using are dropped
/// (SLOs that no longer exist).
const MAX_KEYS: usize = 1024;

impl<T> Cache<T> {
    pub fn new(ttl: Duration) -> Cache<T> {
        Cache {
            ttl,
            slots: Mutex::new(HashMap::new()),
            misses: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Reads done (not served from the cache).
    pub fn misses(&self) -> u64 {
        self.misses.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The value of `key`: cached while younger than the TTL, or read by `read` (once, for
    /// every request waiting meanwhile).
    pub async fn get<F, Fut>(&self, key: &str, read: F) -> Arc<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        let asked = Instant::now();
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            if slots.len() >= MAX_KEYS && !slots.contains_key(key) {
                // Keys no request is using right now can go.
                slots.retain(|_, s| Arc::strong_count(s) > 1);
            }
            slots.entry(key.to_string()).or_default().clone()
        };
        let mut entry = slot.lock().await;
        if let Some(e) = entry.as_ref() {
            // Fresh, or started after this request asked (it waited for that read).
            if e.started.elapsed() < self.ttl || e.started >= asked {
                return e.value.clone();
            }
        }
        self.misses
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let started = Instant::now();
        let value = Arc::new(read().await);
        *entry = Some(Entry {
            started,
            value: value.clone(),
        });
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_requests_share_one_read() {
        let cache: Arc<Cache<u32>> = Arc::new(Cache::new(Duration::from_secs(60)));
        let reads = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (cache, reads) = (cache.clone(), reads.clone());
            tasks.push(tokio::spawn(async move {
                *cache
                    .get("k", || async {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        reads.fetch_add(1, Ordering::SeqCst) + 1
                    })
                    .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 1);
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        assert_eq!(cache.misses(), 1);
    }

    #[tokio::test]
    async fn stale_values_are_read_again_but_waiters_share() {
        let cache: Cache<u32> = Cache::new(Duration::ZERO);
        let a = *cache.get("k", || async { 1 }).await;
        let b = *cache.get("k", || async { 2 }).await;
        assert_eq!((a, b), (1, 2), "a zero TTL reads every time");
        let other = *cache.get("other", || async { 7 }).await;
        assert_eq!(other, 7);
    }

    #[test]
    fn redaction_hides_secrets_and_url_credentials() {
        let client = Client::new(crate::prom::ClientOptions::new(
            "http://admin:hunter22@127.0.0.1:9",
        ))
        .unwrap();
        let s = Source::new(
            client,
            None,
            Duration::from_secs(1),
            Duration::from_secs(1),
            vec!["tok3n-value".into(), "x".into()],
        );
        assert_eq!(
            s.redact("Prometheus at http://admin:hunter22@127.0.0.1:9 answered HTTP 401: bad token tok3n-value"),
            "Prometheus at http://127.0.0.1:9 answered HTTP 401: bad token ***"
        );
        assert_eq!(s.public_url(), "http://127.0.0.1:9");
    }
}
