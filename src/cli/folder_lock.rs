//! One writer per output folder, and the sweep of leftovers that this makes safe.
//!
//! Every run that writes into a folder holds an advisory lock on it (`flock` on the folder
//! itself, so no lock file ever appears among the outputs): a folder run locks its `-o` folder
//! for the whole run, a single write ([`super::fsio::write_atomic`]) the file's folder. A second
//! run waits for the first, up to `SLOGEN_LOCK_WAIT` seconds (60 by default), and then fails
//! naming the folder. The kernel drops a lock when its holder dies, SIGKILL included.
//!
//! A run creates its `.slogen-*.tmp` files only while it holds the lock of a folder at or above
//! them, and removes or renames them before it lets go. So a temporary file found while no other
//! live run holds its folder or any folder above it is the leftover of a killed run, whatever
//! its age: [`FolderLock::sweep`] removes every such file at once. Where the filesystem cannot
//! lock (some network filesystems), runs go on unlocked and only leftovers older than
//! [`super::fsio::STALE_TEMP_AGE`] are swept, as before locking existed.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context};

use super::fsio::{is_temp_name, STALE_TEMP_AGE};

/// How long a run waits for another run's lock by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);
/// The environment variable that changes [`DEFAULT_WAIT`] (whole seconds; 0 fails at once).
pub const WAIT_ENV: &str = "SLOGEN_LOCK_WAIT";

/// Folders this process holds (canonical paths): taking one of them again is a no-op, so a
/// write inside a locked folder run never waits for its own run.
static HELD: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// The lock on one output folder, released when dropped.
#[derive(Debug)]
pub struct FolderLock {
    /// The folder as the caller named it.
    path: PathBuf,
    /// Its canonical path, the key in [`HELD`].
    canonical: PathBuf,
    /// The open folder carrying the lock; `None` when this process already held it.
    file: Option<File>,
    /// False when the filesystem refused to lock.
    locked: bool,
}

impl FolderLock {
    /// Locks `dir` (created when missing), waiting for another run that holds it.
    pub fn acquire(dir: &Path) -> anyhow::Result<FolderLock> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating folder {}", dir.display()))?;
        let canonical = dir
            .canonicalize()
            .with_context(|| format!("resolving {}", dir.display()))?;
        let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
        if held.contains(&canonical) {
            return Ok(FolderLock {
                path: dir.to_path_buf(),
                canonical,
                file: None,
                locked: true,
            });
        }
        let file = File::open(dir).with_context(|| format!("opening folder {}", dir.display()))?;
        let locked = match try_lock(&file) {
            Ok(Attempt::Taken) => true,
            Ok(Attempt::Unsupported) => false,
            Ok(Attempt::Busy) => {
                wait_for(&file, dir)?;
                true
            }
            Err(e) => return Err(e).with_context(|| format!("locking folder {}", dir.display())),
        };
        held.insert(canonical.clone());
        Ok(FolderLock {
            path: dir.to_path_buf(),
            canonical,
            file: Some(file),
            locked,
        })
    }

    /// Removes the temporary files of killed runs from the locked folder, and from every folder
    /// below it when `recursive`; returns their paths. A folder that another live run holds
    /// (through itself or a folder between it and this one) is left alone, and so is
    /// everything when another run holds a folder above this one. Best effort: a file that
    /// cannot be read or removed stays.
    pub fn sweep(&self, recursive: bool) -> Vec<PathBuf> {
        let mut removed = Vec::new();
        if self.locked && self.ancestor_busy() {
            return removed;
        }
        let walker = walkdir::WalkDir::new(&self.path)
            .follow_links(false)
            .max_depth(if recursive { usize::MAX } else { 1 });
        let mut temps: Vec<PathBuf> = walker
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter(|e| e.file_name().to_str().is_some_and(is_temp_name))
            .map(|e| e.into_path())
            .collect();
        temps.sort();
        let now = SystemTime::now();
        for temp in temps {
            // The probe locks stay held until the file is gone, so no run can take one of
            // those folders in between.
            let (stale, _probes) = if self.locked {
                match self.probe_between(&temp) {
                    Some(probes) => (true, probes),
                    None => (false, Vec::new()),
                }
            } else {
                let old = std::fs::metadata(&temp)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|m| now.duration_since(m).ok())
                    .is_some_and(|age| age >= STALE_TEMP_AGE);
                (old, Vec::new())
            };
            if stale && std::fs::remove_file(&temp).is_ok() {
                removed.push(temp);
            }
        }
        removed
    }

    /// Locks every folder from `temp`'s folder up to, not including, the locked folder; `None`
    /// when one of them is held by another run.
    fn probe_between(&self, temp: &Path) -> Option<Vec<File>> {
        let mut probes = Vec::new();
        let mut dir = temp.parent();
        while let Some(d) = dir {
            if d == self.path || !d.starts_with(&self.path) {
                break;
            }
            let f = File::open(d).ok()?;
            match try_lock(&f) {
                Ok(Attempt::Taken | Attempt::Unsupported) => probes.push(f),
                _ => return None,
            }
            dir = d.parent();
        }
        Some(probes)
    }

    /// True when another run holds a folder above the locked one (its temporary files may be
    /// in here).
    fn ancestor_busy(&self) -> bool {
        let held = HELD.lock().unwrap_or_else(|e| e.into_inner());
        self.canonical.ancestors().skip(1).any(|a| {
            if held.contains(a) {
                return false;
            }
            match File::open(a) {
                Ok(f) => matches!(try_lock(&f), Ok(Attempt::Busy)),
                Err(_) => false,
            }
        })
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if self.file.is_some() {
            let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
            held.remove(&self.canonical);
        }
        // Closing the file releases the lock.
    }
}

/// What a non-blocking lock attempt found.
enum Attempt {
    Taken,
    Busy,
    /// The filesystem does not lock; go on without.
    Unsupported,
}

#[cfg(target_os = "linux")]
fn try_lock(file: &File) -> std::io::Result<Attempt> {
    use rustix::fs::{flock, FlockOperation};
    use rustix::io::Errno;
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(Attempt::Taken),
        Err(Errno::WOULDBLOCK) => Ok(Attempt::Busy),
        Err(Errno::NOLCK | Errno::NOTSUP | Errno::NOSYS) => Ok(Attempt::Unsupported),
        Err(e) => Err(e.into()),
    }
}

/// Elsewhere runs are not locked; leftovers are swept by age.
#[cfg(not(target_os = "linux"))]
fn try_lock(_file: &File) -> std::io::Result<Attempt> {
    Ok(Attempt::Unsupported)
}

/// Waits for the lock on `file` for up to the configured time.
fn wait_for(file: &File, dir: &Path) -> anyhow::Result<()> {
    let limit = wait_limit()?;
    let busy = || {
        format!(
            "another slogen run is writing to {} (it holds the folder's lock)",
            dir.display()
        )
    };
    if limit.is_zero() {
        bail!("{}; not waiting ({WAIT_ENV}=0)", busy());
    }
    let _ = writeln!(
        std::io::stderr().lock(),
        "{}; waiting up to {}s for it to finish",
        busy(),
        limit.as_secs()
    );
    let started = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        match try_lock(file) {
            Ok(Attempt::Busy) => {}
            Ok(_) => return Ok(()),
            Err(e) => return Err(e).with_context(|| format!("locking folder {}", dir.display())),
        }
        if started.elapsed() >= limit {
            bail!(
                "{}; gave up after {}s (set {WAIT_ENV} to wait longer)",
                busy(),
                limit.as_secs()
            );
        }
    }
}

fn wait_limit() -> anyhow::Result<Duration> {
    match std::env::var(WAIT_ENV) {
        Err(_) => Ok(DEFAULT_WAIT),
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(secs) => Ok(Duration::from_secs(secs)),
            Err(_) => bail!("{WAIT_ENV}={v:?}: expected whole seconds, such as 60"),
        },
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn sweeps_fresh_leftovers_but_not_a_live_runs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let busy = root.join("busy");
        std::fs::create_dir_all(&busy).unwrap();
        let dead = root.join(".slogen-dead01.tmp");
        let deep = root.join("a/b/.slogen-dead02.tmp");
        let live = busy.join(".slogen-live01.tmp");
        std::fs::create_dir_all(deep.parent().unwrap()).unwrap();
        for p in [&dead, &deep, &live] {
            std::fs::write(p, "partial").unwrap();
        }
        // Another run holds busy/ (a separate open file description, as another process has).
        let other = File::open(&busy).unwrap();
        assert!(matches!(try_lock(&other), Ok(Attempt::Taken)));

        let lock = FolderLock::acquire(&root).unwrap();
        assert_eq!(lock.sweep(false), std::slice::from_ref(&dead));
        assert_eq!(lock.sweep(true), std::slice::from_ref(&deep));
        assert!(live.exists(), "a live run's temporary file stays");
        drop(other);
        assert_eq!(lock.sweep(true), [live]);
    }

    #[test]
    fn the_same_process_takes_its_own_folder_again() {
        let dir = tempfile::tempdir().unwrap();
        let outer = FolderLock::acquire(dir.path()).unwrap();
        let inner = FolderLock::acquire(dir.path()).unwrap();
        drop(inner);
        // Still held by `outer`: another open file description cannot take it.
        let other = File::open(dir.path()).unwrap();
        assert!(matches!(try_lock(&other), Ok(Attempt::Busy)));
        drop(outer);
        assert!(matches!(try_lock(&other), Ok(Attempt::Taken)));
    }
}
