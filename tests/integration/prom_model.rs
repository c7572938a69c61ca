//! The synthetic traffic behind the Prometheus fixture, and the figures it implies.
//!
//! Every series is a counter that grows by a known amount each minute, so the tests can
//! compute the SLIs, error budgets, burn rates and alerts independently of slogen and of
//! Prometheus, from this model alone, with Sloth's definitions (the period SLI is the mean
//! of the 5m error-ratio samples; the budget left is 1 minus that over the error budget).

/// The end of the fixture's data (2026-01-01T00:00:00Z); every test evaluates here.
pub const END: i64 = 1_767_225_600;
pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;
/// Sloth's period for both services (the default 30d).
pub const PERIOD: i64 = 30 * DAY;
/// Rule evaluation interval of the backfill (and the 5m SLI window).
pub const STEP: i64 = 300;
/// Window of `slogen report --since 2d` in the tests.
pub const REPORT_SINCE: i64 = 2 * DAY;
/// First raw sample: 32 days and 2 hours of traffic, so the 30d rule is complete over the
/// report window.
pub const RAW_START: i64 = END - 32 * DAY - 2 * HOUR;

/// tr-web serves 10,000 requests a minute.
pub const TRWEB_RATE: f64 = 10_000.0;
/// tr-web's availability incident: 6 hours at 7.2% errors, ending a day before END. It burns
/// 60% of the 30-day budget of a 99.9% SLO (6h × 7.2% / 720h / 0.1%).
pub const TRWEB_INCIDENT: (i64, i64) = (END - 30 * HOUR, END - 24 * HOUR);
/// api-gateway serves 5,000 requests a minute at 0.02% errors; its last 2 hours run at 1%
/// errors (a 20x burn rate, which pages).
pub const GATEWAY_RATE: f64 = 5_000.0;
pub const GATEWAY_INCIDENT: (i64, i64) = (END - 2 * HOUR, END);

fn within(t: i64, span: (i64, i64)) -> bool {
    span.0 < t && t <= span.1
}

/// 5xx responses of tr-web in the minute ending at `t`: 0.01%, or 7.2% in the incident.
pub fn trweb_errors(t: i64) -> f64 {
    if within(t, TRWEB_INCIDENT) {
        720.0
    } else {
        1.0
    }
}

/// Requests of tr-web slower than 300 ms in the minute ending at `t`: a steady 0.2%.
pub fn trweb_slow(_t: i64) -> f64 {
    20.0
}

/// 5xx responses of api-gateway in the minute ending at `t`: 0.02%, or 1% at the end.
/// Whole numbers keep the counters exact, so equal error ratios compare equal.
pub fn gateway_errors(t: i64) -> f64 {
    if within(t, GATEWAY_INCIDENT) {
        50.0
    } else {
        1.0
    }
}

/// One raw counter series.
pub struct RawSeries {
    pub name: &'static str,
    pub labels: &'static [(&'static str, &'static str)],
    /// Increase over the minute ending at `t`.
    pub increase: fn(i64) -> f64,
}

/// The raw series the two `slos/` services and the quiet fixture service read.
pub fn raw_series() -> Vec<RawSeries> {
    vec![
        RawSeries {
            name: "http_requests_total",
            labels: &[("service", "tr-web"), ("code", "500")],
            increase: trweb_errors,
        },
        RawSeries {
            name: "http_requests_total",
            labels: &[("service", "tr-web"), ("code", "200")],
            increase: |t| TRWEB_RATE - trweb_errors(t),
        },
        RawSeries {
            name: "http_request_duration_seconds_count",
            labels: &[("service", "tr-web")],
            increase: |_| TRWEB_RATE,
        },
        RawSeries {
            name: "http_request_duration_seconds_bucket",
            labels: &[("service", "tr-web"), ("le", "0.3")],
            increase: |t| TRWEB_RATE - trweb_slow(t),
        },
        RawSeries {
            name: "gateway_requests_total",
            labels: &[("code", "503")],
            increase: gateway_errors,
        },
        RawSeries {
            name: "gateway_requests_total",
            labels: &[("code", "200")],
            increase: |t| GATEWAY_RATE - gateway_errors(t),
        },
        // quiet-batch: a counter that exists but never moves (no traffic).
        RawSeries {
            name: "batch_jobs_total",
            labels: &[("code", "500")],
            increase: |_| 0.0,
        },
    ]
}

/// Requests per minute on each route of the grouped checkout SLO.
pub const CHECKOUT_RATE: f64 = 10_000.0;

/// The routes of the grouped checkout SLO (`tests/fixtures/serve/checkout-grouped.yaml`,
/// aggregated `by (route)`), with their 5xx responses per minute: constant, so each route's
/// error ratio, burn rate and budget are exact. The third route's name is markup, to prove
/// that label values from Prometheus show as text.
pub const CHECKOUT_ROUTES: [(&str, f64); 3] = [
    ("/cart", 12.0),
    ("/pay", 4.0),
    ("<script>window.__xss='route'</script>", 2.0),
];

/// The raw series of the grouped fixture.
pub fn grouped_series() -> Vec<RawSeries> {
    fn errors(route: &str) -> f64 {
        CHECKOUT_ROUTES
            .iter()
            .find(|(r, _)| *r == route)
            .map_or(0.0, |(_, e)| *e)
    }
    vec![
        RawSeries {
            name: "checkout_requests_total",
            labels: &[("route", "/cart"), ("code", "500")],
            increase: |_| errors("/cart"),
        },
        RawSeries {
            name: "checkout_requests_total",
            labels: &[("route", "/cart"), ("code", "200")],
            increase: |_| CHECKOUT_RATE - errors("/cart"),
        },
        RawSeries {
            name: "checkout_requests_total",
            labels: &[("route", "/pay"), ("code", "500")],
            increase: |_| errors("/pay"),
        },
        RawSeries {
            name: "checkout_requests_total",
            labels: &[("route", "/pay"), ("code", "200")],
            increase: |_| CHECKOUT_RATE - errors("/pay"),
        },
        RawSeries {
            name: "checkout_requests_total",
            labels: &[
                ("route", "<script>window.__xss='route'</script>"),
                ("code", "500"),
            ],
            increase: |_| errors("<script>window.__xss='route'</script>"),
        },
        RawSeries {
            name: "checkout_requests_total",
            labels: &[
                ("route", "<script>window.__xss='route'</script>"),
                ("code", "200"),
            ],
            increase: |_| CHECKOUT_RATE - errors("<script>window.__xss='route'</script>"),
        },
    ]
}

/// One SLO of the fixture, as the model sees it.
pub struct ModelSlo {
    pub id: &'static str,
    pub objective: f64,
    /// Errors and total requests in the minute ending at `t`.
    pub minute: fn(i64) -> (f64, f64),
}

pub fn slos() -> Vec<ModelSlo> {
    vec![
        ModelSlo {
            id: "tr-web-requests-availability",
            objective: 0.999,
            minute: |t| (trweb_errors(t), TRWEB_RATE),
        },
        ModelSlo {
            id: "tr-web-requests-latency",
            objective: 0.99,
            minute: |t| (trweb_slow(t), TRWEB_RATE),
        },
        ModelSlo {
            id: "api-gateway-requests-availability",
            objective: 0.9995,
            minute: |t| (gateway_errors(t), GATEWAY_RATE),
        },
        ModelSlo {
            id: "quiet-batch-jobs-success",
            objective: 0.99,
            minute: |_| (0.0, 0.0),
        },
    ]
}

impl ModelSlo {
    pub fn error_budget(&self) -> f64 {
        1.0 - self.objective
    }

    /// The error ratio a Prometheus 2.x `rate(x[window])` ratio gives at `t`: the raw samples
    /// (one a minute) inside `[t - window, t]` bound the minutes counted, and extrapolation
    /// scales errors and requests alike. NaN without requests.
    pub fn ratio(&self, t: f64, window: i64) -> f64 {
        let first = ((t - window as f64) / 60.0).ceil() as i64 * 60;
        let last = (t / 60.0).floor() as i64 * 60;
        let (mut errors, mut total) = (0.0, 0.0);
        let mut m = first + MINUTE;
        while m <= last {
            let (e, n) = (self.minute)(m);
            errors += e;
            total += n;
            m += MINUTE;
        }
        errors / total
    }

    /// Mean of the 5m error-ratio samples, which the backfill wrote every 5 minutes on the
    /// grid through `grid` (a sample time), over `[t - span, t]` (a Prometheus 2.x range
    /// includes both ends).
    pub fn mean_ratio(&self, t: f64, span: i64, grid: f64) -> f64 {
        let mut s = grid + ((t - grid) / STEP as f64).floor() * STEP as f64;
        let (mut sum, mut n) = (0.0, 0.0);
        while s >= t - span as f64 - 1e-6 {
            sum += self.ratio(s, STEP);
            n += 1.0;
            s -= STEP as f64;
        }
        sum / n
    }

    /// Error budget left, from the 30d SLI recorded at `t30` over 5m samples on `grid`.
    pub fn budget_remaining(&self, t30: f64, grid: f64) -> f64 {
        1.0 - self.mean_ratio(t30, PERIOD, grid) / self.error_budget()
    }

    /// The burn rate of the 5m sample at `t5`.
    pub fn burn_rate(&self, t5: f64) -> f64 {
        self.ratio(t5, STEP) / self.error_budget()
    }

    /// Whether Sloth's page (`true`) or ticket alert condition holds at `t` for the default
    /// 30d catalog: page 14.4x over 5m and 1h, or 6x over 30m and 6h; ticket 3x over 2h and
    /// 1d, or 1x over 6h and 3d.
    pub fn alert_condition(&self, t: i64, page: bool) -> bool {
        let b = self.error_budget();
        let over = |w: i64, factor: f64| self.ratio(t as f64, w) > factor * b;
        if page {
            (over(5 * MINUTE, 14.4) && over(HOUR, 14.4))
                || (over(30 * MINUTE, 6.0) && over(6 * HOUR, 6.0))
        } else {
            (over(2 * HOUR, 3.0) && over(DAY, 3.0)) || (over(6 * HOUR, 1.0) && over(3 * DAY, 1.0))
        }
    }

    /// Separate firing episodes of an alert over `[start, end]`, sampled every 5 minutes.
    pub fn alert_episodes(&self, start: i64, end: i64, page: bool) -> u32 {
        let (mut episodes, mut firing) = (0, false);
        let mut t = start;
        while t <= end {
            let now = self.alert_condition(t, page);
            if now && !firing {
                episodes += 1;
            }
            firing = now;
            t += STEP;
        }
        episodes
    }

    /// The hourly mean error ratios over the report window, ends of hours with their means,
    /// worst first (ties by time), as `avg_over_time(slo:sli_error:ratio_rate5m[1h])`.
    pub fn worst_hours(&self, start: i64, end: i64, grid: f64) -> Vec<(i64, f64)> {
        let mut hours = Vec::new();
        let mut t = start + HOUR;
        while t <= end {
            let v = self.mean_ratio(t as f64, HOUR, grid);
            if v.is_finite() && v > 0.0 {
                hours.push((t, v));
            }
            t += HOUR;
        }
        hours.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hours.truncate(3);
        hours
    }
}

/// Finds a model SLO by ID.
pub fn slo(id: &str) -> ModelSlo {
    slos()
        .into_iter()
        .find(|s| s.id == id)
        .expect("a model SLO")
}
