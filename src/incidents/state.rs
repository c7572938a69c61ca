//! Which alert group is which incident: one JSON file, keyed by Alertmanager's group key,
//! rewritten whole and atomically after changes (concurrent changes share one write).
//!
//! The receiver records each step before it answers: that it is about to open an incident in
//! a sink (so that a retry after a crash looks for it first), what the sink answered (the
//! issue number), that it was resolved. A receiver killed at any point and restarted reads
//! the last complete file and carries on from there. The file is written through a
//! [`Persist`] function the caller supplies (`cli::fsio::write_atomic`: a temporary file, an
//! fsync and a rename), so this module only decides what the bytes are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::sink::SinkRef;

/// The state file's format version.
pub const FORMAT: u32 = 1;

/// Resolved groups are forgotten this long after their resolution (seconds): 90 days.
pub const FORGET_AFTER: f64 = 90.0 * 86_400.0;

/// Everything the receiver remembers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    pub groups: BTreeMap<String, Group>,
}

/// One alert group: its incident while it fires, and the last one it had.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Group {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<Episode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Episode>,
}

/// One incident: from the first firing notification to the resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// Written into the incident (a hidden comment in a GitHub issue) so that it can be found
    /// again when the receiver died between creating it and recording it.
    pub marker: String,
    pub title: String,
    /// The group's earliest `startsAt`.
    pub starts_at: String,
    /// When this receiver first saw the group fire (RFC 3339).
    pub opened_at: String,
    /// Per sink name.
    #[serde(default)]
    pub sinks: BTreeMap<String, SinkState>,
    /// The burn rate last reported, to tell whether it moved a lot since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burn_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
}

/// What one sink did for an episode.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SinkState {
    /// Set before the sink is first asked to open the incident.
    #[serde(default)]
    pub attempted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<SinkRef>,
    #[serde(default)]
    pub resolved: bool,
}

/// Writes the state file's bytes durably and atomically.
pub type Persist = Box<dyn Fn(&Path, &[u8]) -> anyhow::Result<()> + Send + Sync>;

/// The state, in memory and in its file.
///
/// Changes go to memory at once and to disk by group commit: a caller waits for the one
/// writer; if a write that began after its change already covered it, it returns without
/// writing again. Under load, one fsync serves every notification that changed something
/// meanwhile. A caller learns that its change is on disk ([`Store::put`], [`Store::sync`])
/// before the receiver answers 2xx.
pub struct Store {
    path: PathBuf,
    persist: Persist,
    state: Mutex<Versioned>,
    /// Held while writing; its value is the last version known to be on disk.
    writer: Mutex<u64>,
}

struct Versioned {
    state: State,
    /// Bumped by every change.
    version: u64,
}

/// A state file that cannot be used; the receiver does not start (and does not overwrite it).
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("reading state file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("state file {path}:{line}:{column}: {message}; fix or move the file (the receiver will not overwrite it)")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("state file {path} has format version {found}, this slogen reads version {FORMAT}")]
    Version { path: String, found: u32 },
}

impl Store {
    /// Reads the state file (a missing file is an empty state); groups resolved longer than
    /// [`FORGET_AFTER`] before `now` (Unix seconds) are dropped.
    pub fn open(path: &Path, persist: Persist, now: f64) -> Result<Store, StateError> {
        let shown = path.display().to_string();
        let state = match std::fs::read(path) {
            Ok(bytes) => {
                let mut s: State =
                    serde_json::from_slice(&bytes).map_err(|e| StateError::Parse {
                        path: shown.clone(),
                        line: e.line(),
                        column: e.column(),
                        message: e.to_string(),
                    })?;
                if s.version != FORMAT {
                    return Err(StateError::Version {
                        path: shown,
                        found: s.version,
                    });
                }
                s.groups
                    .retain(|_, g| g.open.is_some() || !forgotten(g, now));
                s
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State {
                version: FORMAT,
                groups: BTreeMap::new(),
            },
            Err(source) => {
                return Err(StateError::Read {
                    path: shown,
                    source,
                })
            }
        };
        Ok(Store {
            path: path.to_path_buf(),
            persist,
            state: Mutex::new(Versioned { state, version: 0 }),
            writer: Mutex::new(0),
        })
    }

    /// The group's record (empty when unknown).
    pub fn group(&self, key: &str) -> Group {
        self.lock()
            .state
            .groups
            .get(key)
            .cloned()
            .unwrap_or_default()
    }

    /// Records the group and returns once it is on disk. On an error the change stays in
    /// memory, not on disk; [`Store::sync`] writes it later.
    pub fn put(&self, key: &str, group: Group) -> anyhow::Result<()> {
        let version = {
            let mut v = self.lock();
            v.state.groups.insert(key.to_string(), group);
            v.version += 1;
            v.version
        };
        self.flush(version)
    }

    /// Returns once every change so far is on disk.
    pub fn sync(&self) -> anyhow::Result<()> {
        let version = self.lock().version;
        self.flush(version)
    }

    fn flush(&self, version: u64) -> anyhow::Result<()> {
        let mut durable = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if *durable >= version {
            return Ok(());
        }
        let (bytes, snapshot) = {
            let v = self.lock();
            (encode(&v.state), v.version)
        };
        (self.persist)(&self.path, &bytes)?;
        *durable = snapshot;
        Ok(())
    }

    /// A copy of everything.
    pub fn snapshot(&self) -> State {
        self.lock().state.clone()
    }

    /// Groups with an incident open.
    pub fn open_count(&self) -> usize {
        self.lock()
            .state
            .groups
            .values()
            .filter(|g| g.open.is_some())
            .count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Versioned> {
        // A panic while holding the lock leaves the last state; keep using it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The file's bytes: JSON with one group per line (compact, yet `grep`-able by group key).
pub fn encode(state: &State) -> Vec<u8> {
    let mut out = format!("{{\"version\":{},\"groups\":{{", state.version).into_bytes();
    for (i, (key, group)) in state.groups.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        serde_json::to_writer(&mut out, key).expect("a string serialises");
        out.push(b':');
        serde_json::to_writer(&mut out, group).expect("a group serialises");
    }
    out.extend_from_slice(b"\n}}\n");
    out
}

fn forgotten(g: &Group, now: f64) -> bool {
    let resolved = g
        .last
        .as_ref()
        .and_then(|e| e.resolved_at.as_deref())
        .and_then(|t| crate::timefmt::parse_time(t).ok());
    resolved.is_some_and(|t| now - t > FORGET_AFTER)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    fn write_plain() -> Persist {
        Box::new(|p: &Path, b: &[u8]| Ok(std::fs::write(p, b)?))
    }

    fn episode(resolved_at: Option<&str>) -> Episode {
        Episode {
            marker: "m".into(),
            title: "t".into(),
            starts_at: "2026-12-03T10:00:00Z".into(),
            opened_at: "2026-12-03T10:00:01Z".into(),
            sinks: BTreeMap::from([(
                "github".to_string(),
                SinkState {
                    attempted: true,
                    reference: Some(SinkRef {
                        id: "12".into(),
                        url: Some("https://github.com/o/r/issues/12".into()),
                    }),
                    resolved: resolved_at.is_some(),
                },
            )]),
            burn_rate: Some(14.2),
            resolved_at: resolved_at.map(String::from),
        }
    }

    #[test]
    fn survives_a_restart_and_forgets_old_resolutions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let now = crate::timefmt::parse_time("2026-12-03T12:00:00Z").unwrap();
        let store = Store::open(&path, write_plain(), now).unwrap();
        assert_eq!(store.group("k"), Group::default());
        let open = Group {
            open: Some(episode(None)),
            last: None,
        };
        store.put("k", open.clone()).unwrap();
        let old = Group {
            open: None,
            last: Some(episode(Some("2026-08-01T00:00:00Z"))),
        };
        store.put("old", old).unwrap();
        let recent = Group {
            open: None,
            last: Some(episode(Some("2026-12-01T00:00:00Z"))),
        };
        store.put("recent", recent.clone()).unwrap();
        let again = Store::open(&path, write_plain(), now).unwrap();
        assert_eq!(again.group("k"), open);
        assert_eq!(again.group("recent"), recent);
        assert_eq!(
            again.group("old"),
            Group::default(),
            "resolved > 90 days ago"
        );
        assert_eq!(again.open_count(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 5, "a line per group:\n{text}");
        assert!(
            text.lines()
                .nth(1)
                .unwrap()
                .starts_with("\"k\":{\"open\":{"),
            "{text}"
        );
        let empty = encode(&State {
            version: FORMAT,
            groups: BTreeMap::new(),
        });
        assert_eq!(
            serde_json::from_slice::<State>(&empty)
                .unwrap()
                .groups
                .len(),
            0
        );
    }

    #[test]
    fn a_failed_write_is_an_error_and_the_next_write_catches_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let fail = Arc::new(AtomicBool::new(true));
        let calls = Arc::new(AtomicUsize::new(0));
        let (f, c) = (fail.clone(), calls.clone());
        let flaky: Persist = Box::new(move |p: &Path, b: &[u8]| {
            c.fetch_add(1, Ordering::SeqCst);
            if f.load(Ordering::SeqCst) {
                anyhow::bail!("disk full")
            }
            Ok(std::fs::write(p, b)?)
        });
        let store = Store::open(&path, flaky, 0.0).unwrap();
        let g = Group {
            open: Some(episode(None)),
            last: None,
        };
        assert!(store.put("k", g.clone()).is_err());
        assert!(!path.exists(), "nothing partial on disk");
        assert!(store.sync().is_err());
        fail.store(false, Ordering::SeqCst);
        store.sync().unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        store.sync().unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3, "nothing new: no write");
        let again = Store::open(&path, write_plain(), 0.0).unwrap();
        assert_eq!(again.group("k"), g);
    }

    #[test]
    fn concurrent_changes_share_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let slow: Persist = Box::new(move |p: &Path, b: &[u8]| {
            c.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(20));
            Ok(std::fs::write(p, b)?)
        });
        let store = Arc::new(Store::open(&path, slow, 0.0).unwrap());
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    let g = Group {
                        open: Some(episode(None)),
                        last: None,
                    };
                    store.put(&format!("k{i}"), g).unwrap();
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let writes = calls.load(Ordering::SeqCst);
        assert!(writes < 16, "{writes} writes for 16 changes");
        let again = Store::open(&path, write_plain(), 0.0).unwrap();
        assert_eq!(again.snapshot().groups.len(), 16, "every change on disk");
    }

    #[test]
    fn a_damaged_file_is_refused_with_its_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{\n  \"version\": 1,\n  \"groups\": [\n").unwrap();
        let e = Store::open(&path, write_plain(), 0.0).err().unwrap();
        let msg = e.to_string();
        assert!(msg.contains("state.json:3:"), "{msg}");
        assert!(msg.contains("will not overwrite"), "{msg}");
        std::fs::write(&path, "{\"version\": 9, \"groups\": {}}").unwrap();
        let e = Store::open(&path, write_plain(), 0.0).err().unwrap();
        assert!(e.to_string().contains("format version 9"), "{e}");
    }
}
