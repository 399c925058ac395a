//! Taking a lock another dsbx may hold (the state's lock file, a host lock). A holder writes its
//! pid into the lock file, so a waiter can say on stderr, after a second, what it waits for and
//! on whom; and a waiter gives up after a bound instead of hanging behind a stuck holder.

use anyhow::Context;
use std::fs::{File, TryLockError};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a waiter stays silent: most waits end well within it.
const SILENT_WAIT: Duration = Duration::from_secs(1);
const POLL: Duration = Duration::from_millis(25);

/// How a waiter behaves while it waits.
#[derive(Debug, Clone, Copy)]
pub struct Wait {
    /// Give up after this long.
    pub bound: Duration,
    /// Say on stderr, after a second, what it waits for. Off where waiting is the expected
    /// case and a notice would only be noise (a cron `gc` behind another `gc`).
    pub notice: bool,
}

/// Takes the exclusive lock on `file` (at `path`), waiting as `wait` says. `what` names the
/// lock for people ("the state lock").
pub fn lock(file: &File, path: &Path, what: &str, wait: Wait) -> anyhow::Result<()> {
    let bound = wait.bound;
    let start = Instant::now();
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => {
                record_holder(file);
                return Ok(());
            }
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        let waited = start.elapsed();
        if waited >= bound {
            return Err(anyhow::anyhow!(
                "gave up after waiting {} for {what} ({}){}: if no dsbx is running, the holder \
                 is stuck; end it, or remove the lock file",
                crate::units::human_duration(bound),
                path.display(),
                holder(path)
                    .map(|pid| format!(", held by pid {pid}"))
                    .unwrap_or_default()
            ));
        }
        if wait.notice && !told && waited >= SILENT_WAIT {
            told = true;
            eprintln!(
                "dsbx: waiting for {what} ({}){}; giving up after {}",
                path.display(),
                holder(path)
                    .map(|pid| format!(", held by pid {pid}"))
                    .unwrap_or_default(),
                crate::units::human_duration(bound)
            );
        }
        std::thread::sleep(POLL);
    }
}

/// Writes this process's pid into the lock file it now holds (best effort: the lock is what
/// counts, the pid only helps a person).
pub fn record_holder(mut file: &File) {
    let _ = file
        .set_len(0)
        .and_then(|()| std::io::Seek::rewind(&mut file))
        .and_then(|()| writeln!(file, "{}", std::process::id()));
}

/// The pid written in the lock file, when that process still runs.
fn holder(path: &Path) -> Option<u32> {
    let pid: u32 = std::fs::read_to_string(path).ok()?.trim().parse().ok()?;
    Path::new("/proc")
        .join(pid.to_string())
        .exists()
        .then_some(pid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

    fn open(path: &Path) -> File {
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .unwrap()
    }

    #[test]
    fn a_held_lock_is_given_up_after_the_bound_naming_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let take = |file: &File, bound: Duration| {
            lock(
                file,
                &path,
                "the test lock",
                Wait {
                    bound,
                    notice: true,
                },
            )
        };
        let holder_file = open(&path);
        take(&holder_file, Duration::from_secs(5)).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap().trim(),
            std::process::id().to_string()
        );
        let waiter = open(&path);
        let started = Instant::now();
        let err = take(&waiter, Duration::from_millis(300)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(20));
        let msg = err.to_string();
        assert!(msg.contains("gave up"), "{msg}");
        assert!(
            msg.contains(&format!("held by pid {}", std::process::id())),
            "{msg}"
        );
        drop(holder_file);
        take(&waiter, Duration::from_secs(5)).unwrap();
    }
}
