//! Paths inside a sandbox: absolute, `/`-separated, normalised lexically (Docker resolves
//! symlinks itself, scoped to the container's root). A leaf: the host's transfers (as
//! `transfer::remote`) and the helper's `put` read REMOTE the same way.

/// REMOTE as an absolute, normalised path: a relative one is taken from the sandbox's working
/// directory (`/` when the image sets none), unlike `docker cp`, whose paths start at `/`.
pub fn absolute(workdir: Option<&str>, remote: &str) -> String {
    if remote.starts_with('/') {
        normalise(remote)
    } else {
        join(workdir.unwrap_or("/"), remote)
    }
}

/// `rel` from the directory `base` (an absolute `rel` stands alone).
pub fn join(base: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        normalise(rel)
    } else {
        normalise(&format!("{base}/{rel}"))
    }
}

/// Drops empty and `.` components and resolves `..` (never above `/`).
pub fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether the user wrote the path as a directory (`dir/`, `dir/.`, `.`, `..`): then a file
/// goes inside it, as with `cp`.
pub fn wants_dir(path: &str) -> bool {
    path.ends_with('/')
        || path.ends_with("/.")
        || path.ends_with("/..")
        || path == "."
        || path == ".."
}

/// The parent of a normalised absolute path (`/` for `/`).
pub fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => path[..i].to_string(),
    }
}

/// The last component of a normalised absolute path (empty for `/`).
pub fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or("")
}

/// The mount an absolute path falls under when the engine itself mounts a tmpfs, proc or sysfs
/// there in every container (`/dev`, `/dev/shm`, `/proc`, `/sys`). Uploads under them are
/// accepted and invisible inside the container (moby#22020); dsbx adds no tmpfs mounts.
pub fn engine_mount(path: &str) -> Option<&'static str> {
    ["/dev/shm", "/dev", "/proc", "/sys"]
        .into_iter()
        .find(|m| path == *m || path.starts_with(&format!("{m}/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_start_at_the_working_directory() {
        assert_eq!(absolute(Some("/home/user"), "a.txt"), "/home/user/a.txt");
        assert_eq!(absolute(Some("/app"), "./src/../lib/"), "/app/lib");
        assert_eq!(absolute(None, "a.txt"), "/a.txt");
        assert_eq!(absolute(Some("/app"), "/etc//hosts"), "/etc/hosts");
        assert_eq!(absolute(Some("/app"), "../../.."), "/");
        assert_eq!(absolute(Some("/app"), "."), "/app");
    }

    #[test]
    fn parents_and_names() {
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert_eq!(parent("/"), "/");
        assert_eq!(base_name("/a/b c"), "b c");
        assert_eq!(base_name("/"), "");
        assert_eq!(join("/a/b", "../c"), "/a/c");
        assert_eq!(join("/a/b", "/x"), "/x");
    }

    #[test]
    fn engine_mounts() {
        assert_eq!(engine_mount("/dev/shm/x"), Some("/dev/shm"));
        assert_eq!(engine_mount("/dev"), Some("/dev"));
        assert_eq!(engine_mount("/proc/1/x"), Some("/proc"));
        assert_eq!(engine_mount("/device/x"), None);
        assert_eq!(engine_mount("/tmp/x"), None);
    }

    #[test]
    fn directory_spellings() {
        assert!(wants_dir("out/"));
        assert!(wants_dir("out/."));
        assert!(wants_dir("."));
        assert!(!wants_dir("out"));
        assert!(!wants_dir("out.txt"));
    }
}
