//! `/.dsbx` inside every sandbox: each path dsbx and its helper agree on, named once for both
//! sides. The helper makes and owns what is below it (root's, see `helper::own_files`), except
//! `bin` (the helper volume, read-only) and `run/channel` (the channel's host directory).

/// `own!("/x")` is `/.dsbx/x`: every path below is spelt from this one literal.
macro_rules! own {
    ($rest:literal) => {
        concat!("/.dsbx", $rest)
    };
}

pub const OWN_DIR: &str = own!("");
/// Where the helper volume is mounted (read-only), and the helper binary in it.
pub const BIN_DIR: &str = own!("/bin");
pub const HELPER_PATH: &str = own!("/bin/dsbx");
/// The deadline the helper (PID 1) obeys: epoch seconds, `0` = never. Root's, 0644.
pub const DEADLINE_FILE: &str = own!("/deadline");
/// The last activity the helper saw (epoch seconds).
pub const ACTIVITY_FILE: &str = own!("/activity");
/// A claimed pool member's held environment and metadata (root-only, see `helper::claim`).
pub const ENV_FILE: &str = own!("/env");
pub const META_FILE: &str = own!("/meta");
/// The helper's logs, exec status files and background job records (see `helper::own_files`).
pub const LOGS_DIR: &str = own!("/logs");
pub const STATUS_DIR: &str = own!("/status");
pub const JOBS_DIR: &str = own!("/jobs");
/// Root-only (0700, made so by the helper); holds the channel's host directory.
pub const RUN_DIR: &str = own!("/run");
pub const CHANNEL_DIR: &str = own!("/run/channel");
/// The first deadline `init` hands over in the channel's host directory (named
/// [`HANDED_DEADLINE_NAME`] there), which the helper makes its [`DEADLINE_FILE`].
pub const HANDED_DEADLINE: &str = own!("/run/channel/deadline");
pub const HANDED_DEADLINE_NAME: &str = "deadline";
/// The egress proxy container's policy (see `crate::egress`).
pub const POLICY_DIR: &str = own!("/egress");
pub const POLICY_FILE: &str = own!("/egress/policy");

/// `path` relative to `/`, as the archive API's tar entries name it.
pub fn archive_entry(path: &str) -> &str {
    path.trim_start_matches('/')
}

/// The name of a file directly in [`OWN_DIR`] (what the helper opens through its handle on it);
/// `None` for any other path.
pub fn own_name(path: &str) -> Option<&str> {
    let name = path.strip_prefix(OWN_DIR)?.strip_prefix('/')?;
    (!name.is_empty() && !name.contains('/')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_derive_from_paths() {
        assert_eq!(own_name(DEADLINE_FILE), Some("deadline"));
        assert_eq!(own_name(ENV_FILE), Some("env"));
        assert_eq!(own_name(POLICY_FILE), None);
        assert_eq!(own_name("/.dsbxx/deadline"), None);
        assert_eq!(own_name(OWN_DIR), None);
        assert_eq!(archive_entry(DEADLINE_FILE), ".dsbx/deadline");
        assert_eq!(
            HANDED_DEADLINE,
            format!("{CHANNEL_DIR}/{HANDED_DEADLINE_NAME}")
        );
    }
}
