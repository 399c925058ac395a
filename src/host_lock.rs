//! Locks that must hold across state directories and scopes on one host (building the default
//! image, creating the shared network, filling the helper volume): files in the runtime or temp
//! directory, keyed by engine, locked with `File::lock`.

use anyhow::Context;
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
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
    let (file, path) = open_lock_file(engine_url, what)?;
    crate::lock_wait::lock(
        &file,
        &path,
        &format!("the host lock `{what}`"),
        bound(what),
    )?;
    Ok(HostLock { _file: file })
}

/// How long a waiter waits: a holder of the image lock is building an image (minutes), one of
/// the gc lock removing sandboxes; the others create one network or volume.
fn bound(what: &str) -> std::time::Duration {
    let minutes = if what.starts_with("image-") {
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
    let digest = Sha256::digest(engine_url.as_bytes());
    let key: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let path = dir.join(format!("{key}-{what}.lock"));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
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

/// Like [`acquire_async`], but first tries without waiting and calls `waiting` once when another
/// process holds the lock (so a person can be told why nothing happens).
pub async fn acquire_async_noting(
    engine_url: &str,
    what: &str,
    waiting: impl FnOnce(),
) -> anyhow::Result<HostLock> {
    let (file, path) = open_lock_file(engine_url, what)?;
    match file.try_lock() {
        Ok(()) => Ok(HostLock { _file: file }),
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
