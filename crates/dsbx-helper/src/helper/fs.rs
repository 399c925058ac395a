//! File operations the helper performs inside a sandbox for `dsbx files …`, as the sandbox's user
//! and with paths passed as argv: never through a shell string, so no name can be misread.
//!
//! `__helper fs --user U ls PATH DEPTH` · `… rm PATH` · `… mkdir PATH` · `… mv OLD NEW`;
//! `__helper fs stat PATH…` (as root, what the archive API's stat sees: see [`stat_follow`]).
//! Started as root, it drops to U (resolved from the sandbox's own files; root and numeric ids
//! need no `/etc/passwd`) before it looks at any path, so the kernel's checks are the user's.
//! Output goes to stdout; a failure prints one line on stderr and exits 1 (126: unknown user).

use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(args: &[std::ffi::OsString]) -> i32 {
    let args = match args {
        [flag, spec, rest @ ..] if flag == "--user" => {
            if let Err(e) = super::user_switch::become_spec(&spec.to_string_lossy()) {
                eprintln!("{e}");
                return 126;
            }
            rest
        }
        _ => args,
    };
    let words: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let op = words.first().and_then(|w| w.to_str()).unwrap_or("");
    let result = match (op, &words[1.min(words.len())..]) {
        ("ls", [path, depth]) => depth
            .to_str()
            .and_then(|d| d.parse::<usize>().ok())
            .ok_or_else(|| "depth must be a whole number".to_string())
            .and_then(|depth| ls(path, depth)),
        ("rm", [path]) => rm(path),
        ("mkdir", [path]) => {
            std::fs::create_dir_all(path).map_err(|e| format!("{}: {e}", path.display()))
        }
        ("mv", [from, to]) => mv(from, to),
        ("stat", paths) if !paths.is_empty() => stat_lines(paths),
        _ => Err(format!("bad fs call: {args:?}")),
    };
    match result {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("{message}");
            1
        }
    }
}

/// One entry per line, directories with a trailing `/`; deeper levels as relative paths.
fn ls(path: &Path, depth: usize) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_dir() {
        return Err(format!("{}: not a directory", path.display()));
    }
    let mut lines = Vec::new();
    walk(path, Path::new(""), depth.max(1), &mut lines)?;
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    Ok(())
}

fn walk(root: &Path, rel: &Path, depth: usize, lines: &mut Vec<String>) -> Result<(), String> {
    let dir = root.join(rel);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = rel.join(entry.file_name());
        // A symlink to a directory is listed as what it is, a link, and not followed.
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let shown = name.to_string_lossy();
        lines.push(if is_dir {
            format!("{shown}/")
        } else {
            shown.into_owned()
        });
        if is_dir && depth > 1 {
            walk(root, &name, depth - 1, lines)?;
        }
    }
    Ok(())
}

/// One JSON line per path: `null` when nothing is there, else `[stat, path it describes]`.
fn stat_lines(paths: &[PathBuf]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    for path in paths {
        let line = serde_json::to_string(&stat_follow(path)).map_err(|e| e.to_string())?;
        let _ = writeln!(out, "{line}");
    }
    Ok(())
}

/// What the archive API's stat gives, as `transfer::stat_follow` uses it: the path, or for a
/// final symlink the file it resolves to (every link followed, as the engine resolves them
/// inside the container); `None` when nothing is there. Modes in Go's `os.FileMode` bits.
pub fn stat_follow(path: &Path) -> Option<(crate::remote_stat::RemoteStat, String)> {
    let mut path = path.to_path_buf();
    let mut meta = std::fs::symlink_metadata(&path).ok()?;
    if meta.file_type().is_symlink() {
        path = std::fs::canonicalize(&path).ok()?;
        meta = std::fs::symlink_metadata(&path).ok()?;
    }
    let mode = crate::remote_stat::go_mode(&meta);
    let shown = path.to_string_lossy().into_owned();
    let stat = crate::remote_stat::RemoteStat {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "/".into()),
        size: meta.len() as i64,
        mode,
        link_target: String::new(),
        mtime: None,
    };
    Some((stat, shown))
}

fn rm(path: &Path) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let result = if meta.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    result.map_err(|e| format!("{}: {e}", path.display()))
}

fn mv(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::symlink_metadata(from).map_err(|e| format!("{}: {e}", from.display()))?;
    // Moving onto an existing directory puts the source inside it, as mv does.
    let target = if to.is_dir() {
        match from.file_name() {
            Some(name) => to.join(name),
            None => return Err(format!("{}: cannot move a root", from.display())),
        }
    } else {
        to.to_path_buf()
    };
    std::fs::rename(from, &target)
        .map_err(|e| format!("{} -> {}: {e}", from.display(), target.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_lists_dirs_with_slashes_and_recurses_to_depth() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b/c")).unwrap();
        std::fs::write(dir.path().join("a/file one.txt"), "x").unwrap();
        std::fs::write(dir.path().join("z"), "x").unwrap();
        let mut lines = Vec::new();
        walk(dir.path(), Path::new(""), 1, &mut lines).unwrap();
        assert_eq!(lines, vec!["a/", "z"]);
        let mut lines = Vec::new();
        walk(dir.path(), Path::new(""), 2, &mut lines).unwrap();
        assert_eq!(lines, vec!["a/", "a/b/", "a/file one.txt", "z"]);
    }

    #[test]
    fn stat_follows_final_links_and_speaks_go_modes() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("f"), "four").unwrap();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::os::unix::fs::symlink(d.join("f"), d.join("link")).unwrap();
        std::os::unix::fs::symlink("link", d.join("chain")).unwrap();
        std::os::unix::fs::symlink(d.join("absent"), d.join("dangling")).unwrap();
        let (st, path) = stat_follow(&d.join("chain")).unwrap();
        assert!(st.is_file() && !st.is_dir() && !st.is_symlink());
        assert_eq!((st.size, st.name.as_str()), (4, "f"));
        assert_eq!(
            path,
            std::fs::canonicalize(d.join("f"))
                .unwrap()
                .to_string_lossy()
        );
        let (st, _) = stat_follow(&d.join("sub")).unwrap();
        assert!(st.is_dir() && !st.is_file());
        assert!(stat_follow(&d.join("dangling")).is_none());
        assert!(stat_follow(&d.join("absent")).is_none());
        assert!(stat_follow(&d.join("f/through-a-file")).is_none());
    }

    #[test]
    fn rm_mv_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("tree/sub")).unwrap();
        std::fs::write(d.join("f"), "x").unwrap();
        std::fs::create_dir(d.join("into")).unwrap();
        mv(&d.join("f"), &d.join("into")).unwrap();
        assert!(d.join("into/f").exists());
        mv(&d.join("into/f"), &d.join("g")).unwrap();
        assert!(d.join("g").exists());
        rm(&d.join("tree")).unwrap();
        assert!(!d.join("tree").exists());
        assert!(rm(&d.join("absent")).unwrap_err().contains("absent"));
        assert!(mv(&d.join("absent"), &d.join("x")).is_err());
    }
}
