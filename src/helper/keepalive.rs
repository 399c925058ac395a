//! PID 1 of a sandbox: reap, sleep until the deadline, exit when it passes.
//!
//! All signals it cares about are blocked and taken synchronously with `sigtimedwait`, so a
//! signal can never arrive between reading the deadline and going to sleep, and waiting costs
//! nothing: the process sleeps in the kernel until a signal or the next wake-up.

use super::DEADLINE_FILE;
use std::time::{SystemTime, UNIX_EPOCH};

/// Re-read the deadline at least this often, even with no signal.
const MAX_SLEEP_SECS: i64 = 60;

pub fn run() -> i32 {
    let set = signal_set(&[
        libc::SIGUSR1,
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGHUP,
        libc::SIGCHLD,
    ]);
    // SAFETY: plain libc calls on a sigset we own.
    unsafe { libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
    // The root-only directories for exec's logs and status files, before any exec needs them.
    if let Err(e) = super::own_files::ensure_dirs() {
        eprintln!("dsbx helper: {e}");
    }
    loop {
        reap_children();
        let now = now_secs();
        let wait = match read_deadline() {
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

/// The deadline in epoch seconds; `None` (never) when the file is absent, empty or `0`.
pub fn read_deadline() -> Option<i64> {
    // Not through a link, and never blocking PID 1 on a FIFO.
    let text = super::own_files::read_regular(DEADLINE_FILE, false)?;
    parse_deadline(&text)
}

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
}
