//! Locks that must hold across state directories and scopes on one host (building the default
//! image, creating the shared network, filling the helper volume): files in the runtime or temp
//! directory, keyed by engine, locked with `File::lock`.
//!
//! A lock file is named by a hash of the engine and the thing it guards (never by raw config
//! values), and the lock of a thing that is removed (an `--isolated` network) goes with it: see
//! [`remove`]. Removing a lock file safely takes the lock first, and every taker checks after
//! locking that the file it locked is still the one at the path (else it locked a removed file
//! and starts over), so two processes never both think they hold one lock.

use anyhow::Context;
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

/// Held until dropped.
pub struct HostLock {
    _file: File,
}

/// The temp directory, not `$XDG_RUNTIME_DIR`: the runtime directory is per user, and root's cron
/// and a user's shell building the same default image on one engine must meet at the same lock.
pub fn lock_dir() -> PathBuf {
    std::env::temp_dir().join("dsbx-locks")
}

/// Blocks until this host holds the lock `what` for the engine at `engine_url`.
pub fn acquire(engine_url: &str, what: &str) -> anyhow::Result<HostLock> {
    loop {
        let (file, path) = open_lock_file(engine_url, what)?;
        crate::lock_wait::lock(
            &file,
            &path,
            &format!("the host lock `{what}`"),
            crate::lock_wait::Wait {
                bound: bound(what),
                // Two gc at once is the normal case under cron (the contract says it is safe):
                // the second waits silently, and still gives up, naming the holder, after its
                // bound.
                notice: what != "gc",
            },
        )?;
        if still_at(&file, &path) {
            return Ok(HostLock { _file: file });
        }
    }
}

/// Whether the locked `file` is still the one at `path` (not removed by [`remove`] while this
/// process waited for it).
fn still_at(file: &File, path: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Removes the lock file of `what`, once the thing it guards is gone, unless another process
/// holds it (one waiting for it re-checks after locking, see [`acquire`]). Best effort: a lock file left behind is harmless, only clutter.
pub fn remove(engine_url: &str, what: &str) {
    let path = lock_path(engine_url, what);
    let Ok(file) = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
    else {
        return;
    };
    // Held by someone: they are at work on the thing; leave it.
    if file.try_lock().is_err() || !still_at(&file, &path) {
        return;
    }
    let _ = std::fs::remove_file(&path);
    drop(file);
}

/// The lock file's path: a hash of engine and name, so no config value shapes a file name and
/// every name has the same short form.
fn lock_path(engine_url: &str, what: &str) -> PathBuf {
    let mut hasher = Sha256::new();
    hasher.update(engine_url.as_bytes());
    hasher.update([0]);
    hasher.update(what.as_bytes());
    let key: String = hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    lock_dir().join(format!("{key}.lock"))
}

/// How long a waiter waits: a holder of the image lock is building an image (minutes), one of
/// the gc lock removing sandboxes; the others create one network or volume.
fn bound(what: &str) -> std::time::Duration {
    // A pool's filler creates a pool's worth of sandboxes, possibly after building its image.
    let minutes = if what.starts_with("image-") || what.starts_with("pool-fill-") {
        30
    } else if what == "gc" {
        10
    } else {
        2
    };
    std::time::Duration::from_secs(minutes * 60)
}

/// The lock file for `what` on the engine at `engine_url`, created if missing.
fn open_lock_file(engine_url: &str, what: &str) -> anyhow::Result<(File, PathBuf)> {
    use std::os::unix::fs::PermissionsExt;
    let dir = lock_dir();
    if !dir.is_dir() {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create lock directory {}", dir.display()))?;
        // Shared like /tmp itself (sticky, writable by all), whoever made it first.
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777));
    }
    let path = lock_path(engine_url, what);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .with_context(|| format!("cannot open lock file {}", path.display()))?;
    // Anyone may need this lock (root's cron and a user's shell share the engine).
    let _ = file.set_permissions(std::fs::Permissions::from_mode(0o666));
    Ok((file, path))
}

/// `acquire` without blocking the async runtime's thread.
pub async fn acquire_async(engine_url: &str, what: &str) -> anyhow::Result<HostLock> {
    let (url, what) = (engine_url.to_string(), what.to_string());
    tokio::task::spawn_blocking(move || acquire(&url, &what))
        .await
        .context("lock task failed")?
}

/// The lock `what` if no one holds it now; `None` if someone does (never waits).
pub fn try_acquire(engine_url: &str, what: &str) -> anyhow::Result<Option<HostLock>> {
    let (file, path) = open_lock_file(engine_url, what)?;
    match file.try_lock() {
        Ok(()) if still_at(&file, &path) => {
            crate::lock_wait::record_holder(&file);
            Ok(Some(HostLock { _file: file }))
        }
        _ => Ok(None),
    }
}

/// Like [`acquire_async`], but first tries without waiting and calls `waiting` once when another
/// process holds the lock (so a person can be told why nothing happens).
pub async fn acquire_async_noting(
    engine_url: &str,
    what: &str,
    waiting: impl FnOnce(),
) -> anyhow::Result<HostLock> {
    let (file, path) = open_lock_file(engine_url, what)?;
    match file.try_lock() {
        Ok(()) if still_at(&file, &path) => {
            crate::lock_wait::record_holder(&file);
            Ok(HostLock { _file: file })
        }
        Ok(()) => {
            drop(file);
            acquire_async(engine_url, what).await
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            waiting();
            drop(file);
            acquire_async(engine_url, what).await
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(anyhow::Error::new(e).context(format!("cannot lock {}", path.display())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unique() -> String {
        format!(
            "test-{}-{:?}",
            std::process::id(),
            std::time::Instant::now()
        )
    }

    #[test]
    fn names_are_hashes() {
        let path = lock_path("unix:///var/run/docker.sock", "network-we ird/../name\n");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 32 + ".lock".len(), "{name}");
        assert!(
            name.trim_end_matches(".lock")
                .bytes()
                .all(|b| b.is_ascii_hexdigit())
        );
        assert_eq!(path.parent().unwrap(), lock_dir());
    }

    #[test]
    fn remove_spares_a_held_lock_and_takes_a_free_one() {
        let what = unique();
        let held = acquire("test-engine", &what).unwrap();
        remove("test-engine", &what);
        assert!(
            lock_path("test-engine", &what).exists(),
            "a held lock was removed"
        );
        drop(held);
        remove("test-engine", &what);
        assert!(!lock_path("test-engine", &what).exists());
    }

    #[test]
    fn a_waiter_on_a_removed_lock_file_starts_over() {
        let what = unique();
        let (stale, path) = open_lock_file("test-engine", &what).unwrap();
        // Removed while this process had it open (as a waiter would): locking that file proves
        // nothing, and `acquire` must lock the file at the path instead.
        std::fs::remove_file(&path).unwrap();
        stale.lock().unwrap();
        assert!(!still_at(&stale, &path));
        let lock = acquire("test-engine", &what).unwrap();
        assert!(still_at(&lock._file, &path));
        drop(lock);
        remove("test-engine", &what);
    }
}
