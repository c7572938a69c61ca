//! Writing outputs so that nothing is lost: atomically, and only when the bytes change.
//!
//! A run killed between creating its temporary file and renaming it (SIGKILL, power loss)
//! leaves a `.slogen-XXXXXX.tmp` file next to the output. Such names never end in `.yml` or
//! `.yaml`, so discovery, `--check` and `--prune` never take them for specs or outputs, and
//! the next run that locks the folder removes them ([`super::folder_lock`]).
//!
//! Permissions are those of a plain `create`: a new output gets `0666` less the process umask
//! (0644 under the usual 022, as Sloth's `os.Create` gives), and a replaced output keeps the
//! mode it had, so a `chmod` survives regeneration. Temporary files are made with the final
//! mode, so the rename changes nothing but the bytes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;

use super::folder_lock::FolderLock;

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
///
/// The file's folder is locked for the write ([`FolderLock`]), and the leftovers of killed
/// runs in it are swept first.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<WriteOutcome> {
    let lock = FolderLock::acquire(folder_of(path))?;
    lock.sweep(false);
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
/// [`commit`]; `None` when `path` already holds these bytes. Parent folders are created. The
/// caller holds the [`FolderLock`] of a folder at or above `path` until the commit.
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
    let dir = folder_of(path);
    std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    // Created as any new file is (0666 less the umask), not owner-only, so that the outputs
    // stay readable by whoever reads them (Prometheus, Grafana, ArgoCD); open(2) applies the
    // umask, as a plain create does.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(NEW_FILE_MODE));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    if let Ok(old) = std::fs::metadata(path) {
        if old.is_file() {
            tmp.as_file()
                .set_permissions(old.permissions())
                .with_context(|| format!("keeping the mode of {}", path.display()))?;
        }
    }
    tmp.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(Some(tmp))
}

/// The mode of a new output before the umask: read and write for everyone, as Go's
/// `os.Create` (and so Sloth) asks for.
pub const NEW_FILE_MODE: u32 = 0o666;

/// The folder a file is written in (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

const TEMP_PREFIX: &str = ".slogen-";
const TEMP_SUFFIX: &str = ".tmp";

/// Age after which a temporary file is taken for a leftover where folders cannot be locked: a
/// live run keeps its temporary file for the time it takes to write and sync one output.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(10 * 60);

/// True for the names of [`write_atomic`]'s temporary files (`.slogen-XXXXXX.tmp`).
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
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

    #[cfg(unix)]
    #[test]
    fn replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        let (written, staged) = (dir.path().join("w.yaml"), dir.path().join("s.yaml"));
        for (p, m) in [(&written, 0o640), (&staged, 0o604)] {
            std::fs::write(p, "a").unwrap();
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        }
        write_atomic(&written, b"b").unwrap();
        let s = stage(&staged, b"b").unwrap().unwrap();
        assert!(commit(vec![s]).iter().all(|(_, r)| r.is_ok()));
        assert_eq!(std::fs::read(&written).unwrap(), b"b");
        assert_eq!((mode(&written), mode(&staged)), (0o640, 0o604));
        assert!(is_temp_name(".slogen-x.tmp") && !is_temp_name("a.yaml"));
    }
}
