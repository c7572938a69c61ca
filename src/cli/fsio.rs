//! Writing outputs so that nothing is lost: atomically, and only when the bytes change.
//!
//! A run killed between creating its temporary file and renaming it (SIGKILL, power loss)
//! leaves a `.slogen-XXXXXX.tmp` file next to the output. Such names never end in `.yml` or
//! `.yaml`, so discovery, `--check` and `--prune` never take them for specs or outputs, and
//! [`sweep_stale_temps`] removes them on a later run once they are old enough that no live
//! run can still own them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;

/// What [`write_atomic`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Written,
    /// The file already held these bytes; it was not touched (its mtime is kept).
    Unchanged,
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader (or a crash) sees the old file or the new one, never a part. Parent folders are
/// created. A file that already holds `bytes` is left alone.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<WriteOutcome> {
    let Some(tmp) = write_temp(path, bytes)? else {
        return Ok(WriteOutcome::Unchanged);
    };
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("syncing {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("replacing {}", path.display()))?;
    Ok(WriteOutcome::Written)
}

/// An output written in full to a temporary file beside its destination, not yet in place.
///
/// A folder run stages every output first and then [`commit`]s them: one `syncfs` makes all
/// their bytes durable, where a `fsync` per file costs a journal commit each (most of the
/// time of a 10,000-SLO run went there, docs/benchmarks.md). Dropping a `Staged` removes its
/// temporary file.
#[derive(Debug)]
pub struct Staged {
    temp: tempfile::TempPath,
    dest: PathBuf,
}

/// Writes `bytes` to a temporary file in `path`'s folder, to be moved over `path` by
/// [`commit`]; `None` when `path` already holds these bytes. Parent folders are created.
pub fn stage(path: &Path, bytes: &[u8]) -> anyhow::Result<Option<Staged>> {
    Ok(write_temp(path, bytes)?.map(|tmp| Staged {
        temp: tmp.into_temp_path(),
        dest: path.to_path_buf(),
    }))
}

/// Makes the staged files durable, then renames each over its destination, in order. Each
/// rename is atomic, so a reader (or a crash) sees every output old or new, never a part. A
/// failed rename is reported with its path; the others still happen.
pub fn commit(staged: Vec<Staged>) -> Vec<(PathBuf, anyhow::Result<()>)> {
    let synced = sync_staged(&staged);
    staged
        .into_iter()
        .map(|s| {
            let result = match &synced {
                Err(e) => Err(anyhow::anyhow!("syncing {}: {e}", s.dest.display())),
                Ok(()) => s
                    .temp
                    .persist(&s.dest)
                    .map_err(|e| anyhow::Error::new(e.error))
                    .with_context(|| format!("replacing {}", s.dest.display())),
            };
            (s.dest, result)
        })
        .collect()
}

/// Flushes the staged files' data to disk: one `syncfs` per filesystem on Linux (the outputs
/// of a run usually share one), a `fsync` per file elsewhere.
#[cfg(target_os = "linux")]
fn sync_staged(staged: &[Staged]) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mut synced = std::collections::BTreeSet::new();
    for s in staged {
        let file = std::fs::File::open(&*s.temp)?;
        if synced.insert(file.metadata()?.dev()) {
            rustix::fs::syncfs(&file)?;
        }
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn sync_staged(staged: &[Staged]) -> std::io::Result<()> {
    for s in staged {
        // Opened for writing: some systems only flush a file through a writable handle.
        std::fs::File::options()
            .write(true)
            .open(&*s.temp)?
            .sync_all()?;
    }
    Ok(())
}

/// `bytes` in a new temporary file in `path`'s folder (created if missing); `None` when `path`
/// already holds exactly these bytes, so an unchanged output keeps its mtime.
fn write_temp(path: &Path, bytes: &[u8]) -> anyhow::Result<Option<tempfile::NamedTempFile>> {
    if let Ok(existing) = std::fs::read(path) {
        if existing == bytes {
            return Ok(None);
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    // Created as any new file is (0666 less the umask), not owner-only, so that the outputs
    // stay readable by whoever reads them (Prometheus, Grafana, ArgoCD).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(Some(tmp))
}

const TEMP_PREFIX: &str = ".slogen-";
const TEMP_SUFFIX: &str = ".tmp";

/// Age after which a temporary file is a leftover of a killed run: a live run keeps its
/// temporary file for the time it takes to write and sync one output.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(10 * 60);

/// True for the names of [`write_atomic`]'s temporary files (`.slogen-XXXXXX.tmp`).
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// Removes temporary files in `dir` (not below it) older than [`STALE_TEMP_AGE`] and returns
/// their paths. Best effort: a file that cannot be read or removed is left alone.
pub fn sweep_stale_temps(dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return removed;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        if !entry.file_name().to_str().is_some_and(is_temp_name) {
            continue;
        }
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= STALE_TEMP_AGE);
        if meta.is_file() && old && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_skips_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.yaml");
        assert_eq!(write_atomic(&p, b"x").unwrap(), WriteOutcome::Written);
        assert_eq!(write_atomic(&p, b"x").unwrap(), WriteOutcome::Unchanged);
        assert_eq!(write_atomic(&p, b"y").unwrap(), WriteOutcome::Written);
        assert_eq!(std::fs::read(&p).unwrap(), b"y");
        let leftovers: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_mode_any_new_file_gets() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // A file created the ordinary way: 0666 less this process's umask.
        let reference = dir.path().join("reference");
        std::fs::write(&reference, "x").unwrap();
        let want = std::fs::metadata(&reference).unwrap().permissions().mode() & 0o777;
        let written = dir.path().join("written.yaml");
        write_atomic(&written, b"x").unwrap();
        let staged = dir.path().join("staged.yaml");
        let s = stage(&staged, b"x").unwrap().unwrap();
        for (path, result) in commit(vec![s]) {
            result.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        for p in [&written, &staged] {
            let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, want, "{}: {mode:o}", p.display());
        }
    }

    #[test]
    fn staged_outputs_appear_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a.yaml"),
            dir.path().join("sub/b.yaml"),
            dir.path().join("c.yaml"),
        );
        std::fs::write(&a, "old a").unwrap();
        std::fs::write(&c, "same").unwrap();
        let staged: Vec<Staged> = [(&a, "new a"), (&b, "new b"), (&c, "same")]
            .into_iter()
            .filter_map(|(p, text)| stage(p, text.as_bytes()).unwrap())
            .collect();
        assert_eq!(staged.len(), 2, "an unchanged output is not staged");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert!(!b.exists());
        let results = commit(staged);
        assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "new b");
        let names = |d: &Path| -> Vec<String> {
            std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| is_temp_name(n))
                .collect()
        };
        assert!(names(dir.path()).is_empty() && names(&dir.path().join("sub")).is_empty());
    }

    #[test]
    fn dropped_staged_outputs_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        let staged = stage(&a, b"x").unwrap().unwrap();
        drop(staged);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn sweeps_only_old_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".slogen-abc123.tmp");
        let fresh = dir.path().join(".slogen-def456.tmp");
        let other = dir.path().join("x.tmp");
        for p in [&old, &fresh, &other] {
            std::fs::write(p, "partial").unwrap();
        }
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        for p in [&old, &other] {
            let f = std::fs::File::options().write(true).open(p).unwrap();
            f.set_modified(an_hour_ago).unwrap();
        }
        assert_eq!(sweep_stale_temps(dir.path()), std::slice::from_ref(&old));
        assert!(!old.exists() && fresh.exists() && other.exists());
        assert!(is_temp_name(".slogen-x.tmp") && !is_temp_name("a.yaml"));
    }
}
