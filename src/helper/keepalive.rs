//! PID 1 of a sandbox: reap, sleep until the deadline, exit when it passes.
//!
//! All signals it cares about are blocked and taken synchronously with `sigtimedwait`, so a
//! signal can never arrive between reading the deadline and going to sleep, and waiting costs
//! nothing: the process sleeps in the kernel until a signal or the next wake-up.
//!
//! The first deadline comes on the command line (`__helper init EPOCH`, what `init` put in the
//! `dsbx.expires-at` label). The helper writes it to `/.dsbx/deadline` at its first start, unless
//! the file already exists: a deadline `dsbx timeout` wrote wins, then and at every restart. This
//! spares `init` an archive upload, which the engine serves by starting a process of its own
//! (about 90 ms measured on these machines, a seventh of `init` + `kill`).

use super::DEADLINE_FILE;
use std::ffi::OsString;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Re-read the deadline at least this often, even with no signal.
const MAX_SLEEP_SECS: i64 = 60;

pub fn run(args: &[OsString]) -> i32 {
    let given = args.first().and_then(|a| a.to_str()).map(str::trim);
    if let Some(text) = given {
        write_if_absent(Path::new(DEADLINE_FILE), text);
    }
    // What the file said last: a file missing for a moment (the archive API replaces it by
    // removing it first) must not end the sandbox at an old deadline.
    let mut deadline = given.and_then(parse_deadline);
    let set = signal_set(&[
        libc::SIGUSR1,
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGHUP,
        libc::SIGCHLD,
    ]);
    // SAFETY: plain libc calls on a sigset we own.
    unsafe { libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
    loop {
        reap_children();
        let now = now_secs();
        if let Some(text) = read_file(Path::new(DEADLINE_FILE)) {
            deadline = parse_deadline(&text);
        }
        let wait = match deadline {
            Some(deadline) if deadline <= now => return 0,
            Some(deadline) => (deadline - now).min(MAX_SLEEP_SECS),
            None => MAX_SLEEP_SECS,
        };
        let timeout = libc::timespec {
            tv_sec: wait as libc::time_t,
            tv_nsec: 0,
        };
        // SAFETY: set and timeout are valid for the call; a null siginfo is allowed.
        let sig = unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &timeout) };
        if sig == libc::SIGTERM || sig == libc::SIGINT {
            // `docker stop`: leave at once, the engine takes the rest down.
            return 0;
        }
        // SIGUSR1 (new deadline), SIGCHLD (reap), SIGHUP, or the timeout: go round again.
    }
}

/// The deadline file's text, `None` when it cannot be read (absent, for a moment or for good).
fn read_file(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Writes `text` as the deadline file unless one exists, never replacing one: the text goes to a
/// file of this process's own, then is hard-linked into place, which fails if `dsbx timeout`
/// got there first. Failures are ignored: the helper still obeys `text` from memory.
fn write_if_absent(path: &Path, text: &str) {
    if path.exists() {
        return;
    }
    let staged = path.with_extension(format!("init-{}", std::process::id()));
    let _ = stage_and_link(&staged, path, text);
    let _ = std::fs::remove_file(&staged);
}

fn stage_and_link(staged: &Path, path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(staged, text)?;
    std::fs::set_permissions(staged, std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
    std::fs::hard_link(staged, path)
}

/// The deadline in epoch seconds; `None` (never) when the text is empty, `0` or not a number.
pub fn parse_deadline(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok().filter(|d| *d > 0)
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn reap_children() {
    loop {
        let mut status = 0;
        // SAFETY: waitpid with WNOHANG on any child.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            break;
        }
    }
}

/// A signal set holding `signals`.
pub fn signal_set(signals: &[libc::c_int]) -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the set before sigaddset uses it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in signals {
            libc::sigaddset(&mut set, *s);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_parsing() {
        assert_eq!(parse_deadline("1700000000\n"), Some(1_700_000_000));
        assert_eq!(parse_deadline("0"), None);
        assert_eq!(parse_deadline(""), None);
        assert_eq!(parse_deadline("garbage"), None);
    }

    #[test]
    fn the_first_deadline_is_written_once_and_never_over_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".dsbx/deadline");
        write_if_absent(&file, "1800000000");
        assert_eq!(read_file(&file).as_deref(), Some("1800000000"));
        let mode = std::os::unix::fs::PermissionsExt::mode(&file.metadata().unwrap().permissions());
        assert_eq!(mode & 0o777, 0o644);
        // A restart, after `dsbx timeout` rewrote it: the newer deadline stays.
        std::fs::write(&file, "1900000000").unwrap();
        write_if_absent(&file, "1800000000");
        assert_eq!(read_file(&file).as_deref(), Some("1900000000"));
        // Nothing staged is left beside it.
        let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["deadline"]);
    }

    #[test]
    fn an_unwritable_place_is_not_fatal() {
        write_if_absent(Path::new("/proc/dsbx-no-such-dir/deadline"), "1800000000");
        assert_eq!(
            read_file(Path::new("/proc/dsbx-no-such-dir/deadline")),
            None
        );
    }
}
