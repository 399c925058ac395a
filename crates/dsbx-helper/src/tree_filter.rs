//! Which entries of a tree a copy keeps (`files upload-dir` / `download-dir`'s excludes and
//! depth), one rule for the host, which filters what it packs and what it unpacks, and for the
//! helper's `pack`, which leaves excluded entries out at the source, so their bytes never leave
//! the sandbox and a later name of a hard-linked file is packed whole when its first is excluded.

/// Which entries of a tree are copied (`files upload-dir` / `download-dir`): names to skip at
/// any level, and how deep to descend. The default copies everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Entry names (files or directories) skipped wherever they occur, with what is below them.
    pub exclude: Vec<String>,
    /// Levels copied below the root: 1 = its direct children only (directories among them are
    /// created empty); `None` = all.
    pub max_depth: Option<usize>,
}

/// What the sbx skill's `upload-dir`/`download-dir` skip unless `--all`: version control,
/// dependency and virtual-environment trees, build output and caches.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".tox",
    "dist",
    "build",
    ".next",
    ".cache",
    ".DS_Store",
];

impl Filter {
    /// The filter as `__helper pack` arguments (`--exclude NAME`…, `--max-depth N`), read back by
    /// [`Filter::take_args`].
    pub fn to_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for name in &self.exclude {
            args.push("--exclude".to_string());
            args.push(name.clone());
        }
        if let Some(depth) = self.max_depth {
            args.push("--max-depth".to_string());
            args.push(depth.to_string());
        }
        args
    }

    /// Reads the leading filter arguments of `args` (see [`Filter::to_args`]); returns the filter
    /// and the arguments after them, or `None` for a malformed one.
    pub fn take_args<S: AsRef<std::ffi::OsStr>>(mut args: &[S]) -> Option<(Filter, &[S])> {
        let mut filter = Filter::default();
        loop {
            match args {
                [flag, value, rest @ ..] if flag.as_ref() == "--exclude" => {
                    filter.exclude.push(value.as_ref().to_str()?.to_string());
                    args = rest;
                }
                [flag, value, rest @ ..] if flag.as_ref() == "--max-depth" => {
                    filter.max_depth = Some(value.as_ref().to_str()?.parse().ok()?);
                    args = rest;
                }
                _ => return Some((filter, args)),
            }
        }
    }

    /// The sbx defaults (unless `all`) plus `extra` names, down to `max_depth`.
    pub fn sbx(all: bool, extra: &[String], max_depth: Option<usize>) -> Filter {
        let mut exclude: Vec<String> = if all {
            Vec::new()
        } else {
            DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect()
        };
        for name in extra {
            if !exclude.contains(name) {
                exclude.push(name.clone());
            }
        }
        Filter { exclude, max_depth }
    }

    /// Whether the entry at `parts` (its path below the root, one name per level) is copied.
    pub fn keeps<S: AsRef<std::ffi::OsStr>>(&self, parts: &[S]) -> bool {
        if self.max_depth.is_some_and(|d| parts.len() > d) {
            return false;
        }
        !parts.iter().any(|p| {
            let p = p.as_ref();
            self.exclude.iter().any(|x| std::ffi::OsStr::new(x) == p)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_carry_the_filter_both_ways() {
        let filter = Filter::sbx(false, &["target".into(), "a b".into()], Some(3));
        let mut args = filter.to_args();
        args.push("/path".into());
        let (back, rest) = Filter::take_args(&args).unwrap();
        assert_eq!(back, filter);
        assert_eq!(rest, ["/path".to_string()]);
        let none: [&str; 1] = ["/path"];
        assert_eq!(
            Filter::take_args(&none).unwrap(),
            (Filter::default(), &none[..])
        );
        assert!(Filter::take_args(&["--max-depth", "x", "/p"]).is_none());
    }

    #[test]
    fn a_name_is_left_out_at_any_level_and_below_the_depth() {
        let f = Filter::sbx(true, &["skip".into()], Some(2));
        assert!(f.keeps(&["a", "b"]));
        assert!(!f.keeps(&["a", "b", "c"]));
        assert!(!f.keeps(&["skip"]));
        assert!(!f.keeps(&["a", "skip"]));
        assert!(Filter::default().keeps(&["x"; 40]));
    }
}
