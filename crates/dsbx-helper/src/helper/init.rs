//! PID 1 of a sandbox: reap, sleep until the deadline, exit when it passes, and note activity.
//!
//! All signals it cares about are blocked and taken synchronously with `sigtimedwait`, so a
//! signal can never arrive between reading the deadline and going to sleep, and waiting costs
//! nothing: the process sleeps in the kernel until a signal or the next wake-up.
//!
//! Activity: every period (a minute unless `--activity-secs N`), it reads the sent-bytes
//! counters of the sandbox's network interfaces and looks for `dsbx exec` commands (the helper's `exec`
//! role); traffic since the last look, a command running, or one that ended since, is activity
//! now, written to `/.dsbx/activity` (see `crate::activity`).

use crate::activity::{ACTIVITY_FILE, DEFAULT_PERIOD_SECS, PERIOD_ARG, activity_text};
use crate::layout::{DEADLINE_FILE, HANDED_DEADLINE};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::File;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::time::{SystemTime, UNIX_EPOCH};

/// Re-read the deadline at least this often, even with no signal.
const MAX_SLEEP_SECS: i64 = 60;

pub fn run(args: &[OsString]) -> i32 {
    let mut watch = Activity::new(activity_period(args));
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
    // Before the first look at the deadline: a sandbox must never run on a stale one (a file
    // the image or a snapshot brought).
    if let Err(e) = adopt_handed_deadline(args) {
        eprintln!("dsbx helper: cannot take the deadline init handed over: {e}");
        return 1;
    }
    loop {
        reap_children();
        let now = now_secs();
        watch.look(now);
        let wait = match read_deadline() {
            Some(deadline) if deadline <= now => return 0,
            Some(deadline) => (deadline - now).min(MAX_SLEEP_SECS),
            None => MAX_SLEEP_SECS,
        }
        .min(watch.next - now)
        .max(1);
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

/// `init` hands a sandbox with a channel its first deadline in the channel's host directory
/// ([`HANDED_DEADLINE`]), which no image or snapshot can carry, instead of an archive upload
/// before start.
/// Makes the deadline `init` handed over through the channel directory `/.dsbx/deadline`, once:
/// the copy there is removed, so a later start (after `dsbx timeout` moved the file) keeps the
/// file. Nothing in the sandbox runs yet, and `/.dsbx/run` is root's, so nothing else can have
/// put a file there (it is read without following links or blocking all the same).
fn adopt_handed_deadline(args: &[OsString]) -> std::io::Result<()> {
    if !args.iter().any(|a| a == "--channel") {
        return Ok(());
    }
    // Absent: none was handed over (an older dsbx, an archive upload, a later start).
    match std::fs::symlink_metadata(HANDED_DEADLINE) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    let Some(text) = super::own_files::read_regular(HANDED_DEADLINE, false) else {
        return Err(std::io::Error::other("it is not a readable regular file"));
    };
    if parse_deadline(&text).is_none() && text.trim() != "0" {
        return Err(std::io::Error::other(format!(
            "`{}` is not a deadline",
            text.trim()
        )));
    }
    write_deadline(text.trim())?;
    std::fs::remove_file(HANDED_DEADLINE)
}

/// `--activity-secs N` among the role's arguments; the default otherwise.
fn activity_period(args: &[OsString]) -> i64 {
    args.iter()
        .position(|a| a == PERIOD_ARG)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.to_str()?.parse::<i64>().ok())
        .filter(|p| *p > 0)
        .unwrap_or(DEFAULT_PERIOD_SECS)
}

/// What the helper saw at its last look.
struct Activity {
    period: i64,
    /// When to look next (epoch seconds).
    next: i64,
    /// Bytes sent on every interface but `lo`, at the last look.
    traffic: Option<u64>,
    /// The pids of the `exec` helpers running at the last look.
    commands: BTreeSet<u32>,
    /// The activity file, created by this process (never a path someone else made).
    file: Option<File>,
}

impl Activity {
    fn new(period: i64) -> Activity {
        Activity {
            period,
            next: 0,
            traffic: None,
            commands: BTreeSet::new(),
            file: None,
        }
    }

    /// Looks once the period is up; notes activity if the counters moved, a command runs, or
    /// one ended since the last look.
    fn look(&mut self, now: i64) {
        if now < self.next {
            return;
        }
        self.next = now + self.period;
        let traffic = interface_bytes();
        let commands = running_commands();
        let moved = self.traffic.is_some() && traffic != self.traffic;
        let ended = self.commands.difference(&commands).next().is_some();
        let active = moved || ended || !commands.is_empty();
        self.traffic = traffic;
        self.commands = commands;
        if active {
            self.record(now);
        }
    }

    /// Writes `now` to the activity file. The file is made once, by this process, with
    /// `O_EXCL | O_NOFOLLOW` in the root-owned `/.dsbx` (anything at that path before, such as
    /// a file from the container's last run, is unlinked first), and rewritten in place through
    /// its descriptor: never re-opened by path. Errors only cost the record.
    fn record(&mut self, now: i64) {
        if self.file.is_none() {
            let _ = std::fs::remove_file(ACTIVITY_FILE);
            self.file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o644)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK)
                .open(ACTIVITY_FILE)
                .ok();
        }
        if let Some(file) = &self.file {
            let text = activity_text(now);
            if file.write_all_at(text.as_bytes(), 0).is_ok() {
                let _ = file.set_len(text.len() as u64);
            }
        }
    }
}

/// The sum of `tx_bytes` over the interfaces in `/sys/class/net` but `lo` (a process talking
/// to itself is not someone using the sandbox). Only what the sandbox sends counts: a server's
/// answers, a client's requests and their acknowledgements all send, while the broadcasts of
/// other containers on a shared network arrive at every sandbox and would keep all of them
/// busy forever.
fn interface_bytes() -> Option<u64> {
    let mut total = 0u64;
    for entry in std::fs::read_dir("/sys/class/net").ok()?.flatten() {
        if entry.file_name() == "lo" {
            continue;
        }
        let path = entry.path().join("statistics").join("tx_bytes");
        if let Some(n) = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
        {
            total = total.wrapping_add(n);
        }
    }
    Some(total)
}

/// The pids of the helper's `exec` role running now: each is a `dsbx exec` command's parent.
fn running_commands() -> BTreeSet<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return BTreeSet::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmdline| {
                let mut words = cmdline.split(|b| *b == 0).skip(1);
                words.next() == Some(b"__helper".as_slice())
                    && words.next() == Some(b"exec".as_slice())
            })
        })
        .collect()
}

/// Replaces [`DEADLINE_FILE`] with `text` (epoch seconds, `0` = never): what the host writes
/// through the archive API (`deadline::write_deadline`), the helper writes here, as root.
pub fn write_deadline(text: &str) -> std::io::Result<()> {
    super::own_files::replace_own_file(DEADLINE_FILE, 0o644, text.as_bytes())
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

    #[test]
    fn period_argument() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(activity_period(&args(&[])), DEFAULT_PERIOD_SECS);
        assert_eq!(activity_period(&args(&[PERIOD_ARG, "2"])), 2);
        assert_eq!(
            activity_period(&args(&[PERIOD_ARG, "0"])),
            DEFAULT_PERIOD_SECS
        );
        assert_eq!(activity_period(&args(&[PERIOD_ARG])), DEFAULT_PERIOD_SECS);
    }
}
