//! The engine's state machine with a recording sink; the real sinks against stand-ins are in
//! `tests/integration/incidents*.rs`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex as StdMutex;

use super::*;
use crate::incidents::payload::parse;
use crate::incidents::sink::SinkRef;
use crate::incidents::state::Persist;

/// A sink that records calls; it can be told to fail, or to "find" an incident.
#[derive(Default)]
struct Recorder {
    calls: StdMutex<Vec<String>>,
    fail: AtomicBool,
    found: StdMutex<Option<SinkRef>>,
    next: StdMutex<u64>,
}

impl Sink for Arc<Recorder> {
    fn name(&self) -> &'static str {
        "rec"
    }
    fn open(&self, inc: &Incident, previous: Option<&SinkRef>) -> Result<SinkRef, SinkError> {
        self.calls.lock().unwrap().push(format!(
            "open {} prev={}",
            inc.marker,
            previous.map_or("-".to_string(), |p| p.id.clone())
        ));
        if self.fail.load(Ordering::SeqCst) {
            return Err(SinkError {
                sink: "rec",
                message: "HTTP 502".into(),
            });
        }
        let mut n = self.next.lock().unwrap();
        *n += 1;
        Ok(SinkRef {
            id: n.to_string(),
            url: None,
        })
    }
    fn note(&self, r: &SinkRef, _: &Incident, note: &str) -> Result<(), SinkError> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("note {} {note}", r.id));
        Ok(())
    }
    fn resolve(&self, r: &SinkRef, inc: &Incident) -> Result<(), SinkError> {
        self.calls.lock().unwrap().push(format!(
            "resolve {} at={}",
            r.id,
            inc.resolved_at.is_some()
        ));
        if self.fail.load(Ordering::SeqCst) {
            return Err(SinkError {
                sink: "rec",
                message: "HTTP 502".into(),
            });
        }
        Ok(())
    }
    fn find(&self, _: &Incident) -> Result<Option<SinkRef>, SinkError> {
        self.calls.lock().unwrap().push("find".into());
        Ok(self.found.lock().unwrap().clone())
    }
}

/// Burn rates handed out one per call.
struct Rates(StdMutex<Vec<f64>>);

impl Figures for Rates {
    fn figures(&self, _: &str, _: &str) -> Live {
        let mut v = self.0.lock().unwrap();
        let b = if v.len() > 1 { v.remove(0) } else { v[0] };
        Live::Figures {
            objective: 0.999,
            period_days: Some(30.0),
            burn_rate: Some(b),
            budget_remaining: Some(0.5),
        }
    }
}

fn plain() -> Persist {
    Box::new(|p: &Path, b: &[u8]| Ok(std::fs::write(p, b)?))
}

fn engine(dir: &Path, rec: &Arc<Recorder>, rates: Option<Vec<f64>>) -> Engine {
    let store = Store::open(&dir.join("state.json"), plain(), 0.0).unwrap();
    let figures: Option<Box<dyn Figures>> = rates.map(|r| Box::new(Rates(StdMutex::new(r))) as _);
    Engine::new(
        store,
        vec![Box::new(rec.clone())],
        None,
        figures,
        Arc::new(Registry::new()),
    )
}

const FIRING: &str = r#"{"version":"4","groupKey":"g1","status":"firing","receiver":"slo-page",
  "groupLabels":{"sloth_id":"svc-slo","sloth_service":"svc","sloth_slo":"slo","sloth_severity":"page"},
  "externalURL":"http://am:9093",
  "alerts":[{"status":"firing","labels":{"alertname":"A"},"startsAt":"2026-12-03T10:00:00Z"}]}"#;

fn resolved() -> String {
    FIRING.replace("\"status\":\"firing\"", "\"status\":\"resolved\"")
}

fn calls(rec: &Recorder) -> Vec<String> {
    std::mem::take(&mut *rec.calls.lock().unwrap())
}

#[test]
fn one_incident_per_group_across_repeats_and_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let rec = Arc::new(Recorder::default());
    let n = parse(FIRING.as_bytes()).unwrap();
    let e = engine(dir.path(), &rec, None);
    assert_eq!(e.handle(&n).unwrap(), Outcome::Opened(vec!["rec#1".into()]));
    assert_eq!(e.handle(&n).unwrap(), Outcome::Unchanged);
    drop(e);
    // A new engine on the same state file: still known.
    let e = engine(dir.path(), &rec, None);
    assert_eq!(e.handle(&n).unwrap(), Outcome::Unchanged);
    assert_eq!(calls(&rec).len(), 1, "opened once");
    assert_eq!(
        e.metrics.value(metric::OPENED, &[]),
        0.0,
        "counted by the first engine"
    );
    assert_eq!(e.metrics.value(metric::OPEN, &[]), 1.0);
}

#[test]
fn a_failed_open_is_an_error_and_its_retry_looks_before_opening() {
    let dir = tempfile::tempdir().unwrap();
    let rec = Arc::new(Recorder::default());
    let n = parse(FIRING.as_bytes()).unwrap();
    let e = engine(dir.path(), &rec, None);
    rec.fail.store(true, Ordering::SeqCst);
    let err = e.handle(&n).unwrap_err();
    assert!(matches!(err, Failure::Sinks(_)), "{err}");
    assert_eq!(
        e.metrics.value(metric::SINK_ERRORS, &[("sink", "rec")]),
        1.0
    );
    let st = e.store.group("g1").open.unwrap();
    assert!(st.sinks["rec"].attempted && st.sinks["rec"].reference.is_none());
    rec.fail.store(false, Ordering::SeqCst);
    assert_eq!(e.handle(&n).unwrap(), Outcome::Opened(vec!["rec#1".into()]));
    let c = calls(&rec);
    assert_eq!(c.len(), 3, "{c:?}");
    assert!(c[0].starts_with("open ") && c[1] == "find" && c[2].starts_with("open "));
    assert_eq!(c[0], c[2], "the same episode marker on the retry");
    assert_eq!(e.metrics.value(metric::OPENED, &[]), 1.0);
}

#[test]
fn an_incident_opened_but_not_recorded_is_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let rec = Arc::new(Recorder::default());
    let n = parse(FIRING.as_bytes()).unwrap();
    let e = engine(dir.path(), &rec, None);
    // The sink created the incident, but the answer was lost (a proxy's 502).
    rec.fail.store(true, Ordering::SeqCst);
    assert!(e.handle(&n).is_err());
    rec.fail.store(false, Ordering::SeqCst);
    *rec.found.lock().unwrap() = Some(SinkRef {
        id: "41".into(),
        url: None,
    });
    calls(&rec);
    assert_eq!(
        e.handle(&n).unwrap(),
        Outcome::Opened(vec!["rec#41".into()])
    );
    assert_eq!(calls(&rec), ["find"]);
}

#[test]
fn burn_rate_moves_are_noted_and_small_ones_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let rec = Arc::new(Recorder::default());
    let n = parse(FIRING.as_bytes()).unwrap();
    let e = engine(dir.path(), &rec, Some(vec![10.0, 15.0, 25.0, 13.0, 12.4]));
    e.handle(&n).unwrap(); // 10: opened
    assert_eq!(e.handle(&n).unwrap(), Outcome::Unchanged); // 15: < 2×
    assert_eq!(e.handle(&n).unwrap(), Outcome::Noted); // 25: ≥ 2× of 10
    assert_eq!(e.handle(&n).unwrap(), Outcome::Unchanged); // 13: > 25/2
    assert_eq!(e.handle(&n).unwrap(), Outcome::Noted); // 12.4 ≤ 25/2
    let c = calls(&rec);
    assert_eq!(c.len(), 3, "{c:?}");
    assert!(
        c[1].starts_with("note 1 The burn rate rose from 10× to **25×**"),
        "{}",
        c[1]
    );
    assert!(
        c[2].starts_with("note 1 The burn rate fell from 25×"),
        "{}",
        c[2]
    );
    assert!(moved(0.0, 1.0, 2.0) && !moved(1.0, f64::NAN, 2.0));
}

#[test]
fn resolution_closes_and_a_new_firing_opens_a_new_incident_linking_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let rec = Arc::new(Recorder::default());
    let firing = parse(FIRING.as_bytes()).unwrap();
    let done = parse(resolved().as_bytes()).unwrap();
    let e = engine(dir.path(), &rec, None);
    assert_eq!(e.handle(&done).unwrap(), Outcome::NothingOpen);
    e.handle(&firing).unwrap();
    assert_eq!(e.handle(&done).unwrap(), Outcome::Resolved);
    assert_eq!(
        e.handle(&done).unwrap(),
        Outcome::NothingOpen,
        "resolved once"
    );
    assert_eq!(e.metrics.value(metric::CLOSED, &[]), 1.0);
    assert_eq!(e.metrics.value(metric::OPEN, &[]), 0.0);
    e.handle(&firing).unwrap();
    let c = calls(&rec);
    assert_eq!(c[1], "resolve 1 at=true");
    assert!(c[2].ends_with("prev=1"), "{c:?}");
    let marker = |call: &str| call.split(' ').nth(1).unwrap().to_string();
    assert_ne!(marker(&c[0]), marker(&c[2]), "a new episode marker");
    let g = e.store.group("g1");
    assert_eq!(
        g.open.unwrap().sinks["rec"].reference.as_ref().unwrap().id,
        "2"
    );
    assert!(g.last.unwrap().resolved_at.is_some());
}

#[test]
fn a_failed_resolution_is_retried_and_a_failed_state_write_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let rec = Arc::new(Recorder::default());
    let e = engine(dir.path(), &rec, None);
    e.handle(&parse(FIRING.as_bytes()).unwrap()).unwrap();
    rec.fail.store(true, Ordering::SeqCst);
    let done = parse(resolved().as_bytes()).unwrap();
    assert!(matches!(e.handle(&done), Err(Failure::Sinks(_))));
    assert!(e.store.group("g1").open.is_some(), "still open");
    rec.fail.store(false, Ordering::SeqCst);
    assert_eq!(e.handle(&done).unwrap(), Outcome::Resolved);

    let failing: Persist = Box::new(|_: &Path, _: &[u8]| anyhow::bail!("read-only file system"));
    let store = Store::open(&dir.path().join("other.json"), failing, 0.0).unwrap();
    let e = Engine::new(
        store,
        vec![Box::new(rec.clone())],
        None,
        None,
        Arc::new(Registry::new()),
    );
    let err = e.handle(&parse(FIRING.as_bytes()).unwrap()).unwrap_err();
    assert!(err.to_string().contains("read-only file system"), "{err}");
}

#[test]
fn alertmanager_link_filters_the_group() {
    let n = parse(FIRING.as_bytes()).unwrap();
    assert_eq!(
        alertmanager_url(&n).unwrap(),
        "http://am:9093/#/alerts?receiver=slo-page&filter=%7Bsloth_id%3D%22svc-slo%22%2Csloth_service%3D%22svc%22%2Csloth_severity%3D%22page%22%2Csloth_slo%3D%22slo%22%7D"
    );
}
