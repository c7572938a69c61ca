//! Finding spec files under a folder, and where each one's output goes, as Sloth does.
//!
//! compat(sloth): Sloth walks the input with Go's `filepath.Walk` (byte order per folder,
//! symlinked folders not followed, hidden files kept), keeps `.yml`/`.yaml` in any letter case,
//! drops paths an exclude regex matches anywhere, then paths an include regex does not match,
//! and maps `found` to `path.Join(out, TrimPrefix(Clean(found), TrimPrefix(input, "./")))`
//! (sloth-cli-validation.md §1.8). The regexes see the walked path, input prefix included.
//!
//! Unlike Sloth, an unreadable folder or entry does not stop the walk: it is reported with its
//! path and the rest is still found. This module only finds paths; it reads no spec.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use regex::Regex;

/// `--fs-exclude` / `--fs-include`, shared by every command that walks a spec folder.
#[derive(Debug, Clone, Default, Args)]
pub struct FilterArgs {
    /// Regex of discovered paths to skip (folder input; wins over --fs-include).
    #[arg(
        short = 'e',
        long = "fs-exclude",
        env = "SLOTH_FS_EXCLUDE",
        value_name = "REGEX"
    )]
    pub fs_exclude: Option<String>,
    /// Regex of discovered paths to keep (folder input).
    #[arg(
        short = 'n',
        long = "fs-include",
        env = "SLOTH_FS_INCLUDE",
        value_name = "REGEX"
    )]
    pub fs_include: Option<String>,
}

impl FilterArgs {
    /// The compiled filters.
    pub fn filters(&self) -> anyhow::Result<Filters> {
        Filters::new(self.fs_include.as_deref(), self.fs_exclude.as_deref())
    }
}

/// The `--fs-include` / `--fs-exclude` filters. Exclude wins.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    include: Option<Regex>,
    exclude: Option<Regex>,
}

impl Filters {
    /// Compiles the filters; empty strings mean "no filter", as in Sloth.
    pub fn new(include: Option<&str>, exclude: Option<&str>) -> anyhow::Result<Self> {
        let compile = |flag: &str, re: Option<&str>| -> anyhow::Result<Option<Regex>> {
            match re {
                None | Some("") => Ok(None),
                Some(re) => Regex::new(re)
                    .map(Some)
                    .with_context(|| format!("invalid {flag} regex {re:?}")),
            }
        };
        Ok(Filters {
            include: compile("include (--fs-include)", include)?,
            exclude: compile("exclude (--fs-exclude)", exclude)?,
        })
    }

    /// True when `path` (the walked path) is kept.
    pub fn keeps(&self, path: &str) -> bool {
        if self.exclude.as_ref().is_some_and(|re| re.is_match(path)) {
            return false;
        }
        self.include.as_ref().is_none_or(|re| re.is_match(path))
    }
}

/// A file or folder that could not be walked, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsProblem {
    pub path: PathBuf,
    pub message: String,
}

/// What a walk found.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Spec files in walk order, as Go's `filepath.Walk` would name them.
    pub files: Vec<String>,
    /// Entries that could not be read; the walk went on past them.
    pub problems: Vec<FsProblem>,
}

/// Walks `root` (a folder, or one file) and returns the spec files the filters keep.
///
/// Fails only when `root` itself cannot be read.
pub fn discover(root: &Path, filters: &Filters) -> anyhow::Result<Discovery> {
    std::fs::metadata(root).with_context(|| format!("reading input {}", root.display()))?;
    let Some(root_str) = root.to_str() else {
        bail!("input path {} is not valid UTF-8", root.display());
    };
    let mut found = Discovery::default();
    // The root is followed even when it is a symlink: the user named it.
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by(|a, b| a.file_name().cmp(b.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let message = match e.io_error() {
                    Some(io) => format!("cannot read: {io}"),
                    None => e.to_string(),
                };
                found.problems.push(FsProblem { path, message });
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let walked = if entry.depth() == 0 {
            // compat(sloth): Walk hands the root to its callback as given, uncleaned.
            root_str.to_string()
        } else {
            let Some(p) = entry.path().to_str() else {
                found.problems.push(FsProblem {
                    path: entry.path().to_path_buf(),
                    message: "path is not valid UTF-8; rename it to be found".into(),
                });
                continue;
            };
            go_clean(p)
        };
        if !is_spec_name(&walked) || !filters.keeps(&walked) {
            continue;
        }
        found.files.push(walked);
    }
    Ok(found)
}

/// compat(sloth): Go's `strings.ToLower(filepath.Ext(path))` is `.yml` or `.yaml`.
fn is_spec_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rfind('.') {
        Some(i) => {
            let ext = name[i..].to_ascii_lowercase();
            ext == ".yml" || ext == ".yaml"
        }
        None => false,
    }
}

/// Where the output of spec `found` goes, given `-i input` and `-o out`.
///
/// compat(sloth): plain string prefix stripping, so `-i ./a/../b` strips nothing and `-i .`
/// strips a leading `.` from file names (sloth-cli-validation.md §1.8). Unlike Sloth, a path
/// that would land outside `out` is refused.
pub fn output_path(input: &str, out: &str, found: &str) -> anyhow::Result<String> {
    let cleaned = go_clean(found);
    let prefix = input.strip_prefix("./").unwrap_or(input);
    let rel = cleaned.strip_prefix(prefix).unwrap_or(&cleaned);
    let joined = go_join(out, rel);
    if !is_within(out, &joined) {
        bail!(
            "the output of {found} would be written to {joined}, outside the output folder {out}; \
             name the input folder without `..` so that its files map under -o"
        );
    }
    Ok(joined)
}

/// True when the clean path `path` lies strictly under `dir`.
fn is_within(dir: &str, path: &str) -> bool {
    let dir = go_clean(dir);
    if dir == "." {
        return !path.starts_with('/') && path != ".." && !path.starts_with("../");
    }
    let base = if dir == "/" { String::new() } else { dir };
    path.strip_prefix(&base)
        .is_some_and(|rest| rest.starts_with('/') && rest.len() > 1)
}

/// Go's `path.Join`: joins the non-empty parts with `/` and cleans the result.
pub fn go_join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => go_clean(b),
        (false, true) => go_clean(a),
        (false, false) => go_clean(&format!("{a}/{b}")),
    }
}

/// Go's `path.Clean`: the shortest equivalent path, lexically.
pub fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            p => parts.push(p),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_like_go() {
        for (input, want) in [
            ("", "."),
            (".", "."),
            ("./", "."),
            ("./a/b", "a/b"),
            ("a//b/./c/", "a/b/c"),
            ("a/../b", "b"),
            ("../a", "../a"),
            ("a/../../b", "../b"),
            ("/../a", "/a"),
            ("/", "/"),
            (
                "./testdata/validate/bad/x.yaml",
                "testdata/validate/bad/x.yaml",
            ),
        ] {
            assert_eq!(go_clean(input), want, "{input}");
        }
    }

    #[test]
    fn spec_names_any_case() {
        assert!(is_spec_name("a/b.yaml"));
        assert!(is_spec_name("a/b.YML"));
        assert!(is_spec_name("a/.yaml"));
        assert!(!is_spec_name("a.yaml/b"));
        assert!(!is_spec_name("a/b.json"));
        assert!(!is_spec_name("a/yaml"));
    }

    #[test]
    fn maps_outputs_like_sloth() {
        let cases = [
            (
                "./examples",
                "./examples/_gen",
                "examples/a.yml",
                "examples/_gen/a.yml",
            ),
            ("slos/", "out", "slos/x/y.yaml", "out/x/y.yaml"),
            ("slos", "out/", "slos/x/y.yaml", "out/x/y.yaml"),
            ("./slos", "out", "slos/y.yaml", "out/y.yaml"),
            (
                "/abs/slos",
                "/abs/gen",
                "/abs/slos/a.yaml",
                "/abs/gen/a.yaml",
            ),
            // compat(sloth): `-i .` strips a leading dot from file names.
            (".", "gen", ".hidden.yaml", "gen/hidden.yaml"),
            (".", "gen", "a/b.yaml", "gen/a/b.yaml"),
            // No prefix to strip: the whole path goes under out.
            ("./a/../b", "gen", "b/c.yaml", "gen/b/c.yaml"),
        ];
        for (input, out, found, want) in cases {
            assert_eq!(
                output_path(input, out, found).unwrap(),
                want,
                "{input} {out} {found}"
            );
        }
    }

    #[test]
    fn refuses_outputs_outside_out() {
        assert!(output_path("x/../../up", "gen", "../up/a.yaml").is_err());
    }

    #[test]
    fn exclude_wins_and_regexes_are_unanchored() {
        let f = Filters::new(Some(".*-aa.*"), Some("bad")).unwrap();
        assert!(f.keeps("testdata/validate/good/good-aa.yaml"));
        assert!(!f.keeps("testdata/validate/good/good-ab.yaml"));
        assert!(!f.keeps("testdata/validate/bad/bad-aa.yaml"));
        let none = Filters::new(Some(""), None).unwrap();
        assert!(none.keeps("anything"));
        assert!(Filters::new(None, Some("(")).is_err());
    }

    #[test]
    fn walks_in_byte_order_without_following_symlinked_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for p in [
            "b/z.yaml",
            "b/A.YAML",
            "a.yml",
            "B.yaml",
            "c/d/e.yaml",
            "notes.txt",
            ".h.yaml",
        ] {
            let p = root.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        std::os::unix::fs::symlink(root.join("c"), root.join("link")).unwrap();
        let got = discover(root, &Filters::default()).unwrap();
        let base = go_clean(root.to_str().unwrap());
        let rel: Vec<String> = got
            .files
            .iter()
            .map(|f| f.strip_prefix(&format!("{base}/")).unwrap().to_string())
            .collect();
        assert_eq!(
            rel,
            [
                ".h.yaml",
                "B.yaml",
                "a.yml",
                "b/A.YAML",
                "b/z.yaml",
                "c/d/e.yaml"
            ]
        );
        assert!(got.problems.is_empty());
    }
}
