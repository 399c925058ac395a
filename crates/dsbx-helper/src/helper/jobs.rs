//! Background jobs (`dsbx exec -b`) you can come back to: `dsbx ps ID` and `dsbx logs ID JOB`.
//!
//! A background start forks a keeper: a root process of its own session, holding none of the
//! engine's (or the channel's) pipes, that starts the command, writes the job's record, reports
//! the pid to the `exec` process (which prints it and exits at once), then waits for the command
//! and appends how it ended. The record lives in the root-only `/.dsbx/jobs` (see `own_files`),
//! created exclusively and written only through the descriptor the keeper holds; readers open it
//! without following links or blocking. So jobs outlive the dsbx that started them, and nothing
//! in the sandbox but root can touch what `ps` shows.
//!
//! Roles: `jobs` prints one JSON object per job ([`Job`]); `job-log [--follow] JOB` prints a
//! job's log, and with `--follow` keeps printing until the job ends (or its client goes away:
//! its stdin, a pipe from the channel or the engine, closes).

use super::exec::{Request, fail, spawn_failure};
use super::own_files;
use crate::passwd;
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::time::Duration;

/// `job-log` exit codes dsbx turns into its own messages.
pub const NO_SUCH_JOB: i32 = 4;
pub const AMBIGUOUS_JOB: i32 = 5;
/// How often a followed log is read again while its job runs.
const FOLLOW_EVERY: Duration = Duration::from_millis(50);

/// One line of a job's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Line {
    Start {
        pid: u32,
        command: Vec<String>,
        user: String,
        started_at: String,
        /// The process's start time in clock ticks since boot (`/proc/PID/stat`): a pid reused
        /// after a restart is not mistaken for the job.
        proc_start: u64,
    },
    End {
        ended_at: String,
        exit_code: i32,
        signal: Option<i32>,
    },
}

/// A job as `dsbx ps ID --json` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub job: String,
    pub pid: u32,
    pub command: Vec<String>,
    pub user: String,
    pub started_at: String,
    /// `running`, `exited`, or `lost` (the sandbox stopped while it ran: how it ended is unknown).
    pub state: String,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub ended_at: Option<String>,
    pub log: String,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Starts `cmd` (already set up to become the user, in its own session) in the background
/// through a keeper; prints `PID:` and `Log:` once it runs.
pub fn run_background(req: &Request, mut cmd: Command, user: &passwd::User) -> i32 {
    let (log, path) = match own_files::create_log(&req.tag, user.uid, user.gid) {
        Ok(f) => f,
        Err(e) => {
            let path = own_files::log_path(&req.tag);
            return fail(125, format!("cannot create log file {path}: {e}"));
        }
    };
    let record = match own_files::create_job_record(&req.tag) {
        Ok(f) => f,
        Err(e) => {
            let _ = own_files::remove_log(&req.tag);
            return fail(
                125,
                format!(
                    "cannot create the job's record in {}: {e}",
                    own_files::JOBS_DIR
                ),
            );
        }
    };
    let log2 = match log.try_clone() {
        Ok(f) => f,
        Err(e) => return fail(125, format!("log file {path}: {e}")),
    };
    cmd.stdin(Stdio::null()).stdout(log).stderr(log2);
    let (report_r, report_w) = match pipe() {
        Ok(p) => p,
        Err(e) => return fail(125, format!("helper: pipe: {e}")),
    };
    // SAFETY: the helper is single-threaded, so the child may go on running Rust code.
    match unsafe { libc::fork() } {
        -1 => {
            let _ = own_files::remove_log(&req.tag);
            fail(125, format!("helper: fork: {}", io::Error::last_os_error()))
        }
        0 => {
            drop(report_r);
            let code = keep(req, cmd, user, record, report_w);
            // SAFETY: the keeper ends here, without running the parent's exit handlers.
            unsafe { libc::_exit(code) }
        }
        _keeper => {
            drop(report_w);
            drop(cmd);
            drop(record);
            let mut report = String::new();
            let _ = File::from(report_r).read_to_string(&mut report);
            if let Some(pid) = report.strip_prefix('P') {
                println!("PID: {pid}\nLog: {path}");
                return 0;
            }
            let _ = own_files::remove_log(&req.tag);
            let err = match report.strip_prefix('E').and_then(|n| n.parse().ok()) {
                Some(n) => io::Error::from_raw_os_error(n),
                None => io::Error::other(report.trim_start_matches('M').to_string()),
            };
            spawn_failure(req, err)
        }
    }
}

/// The keeper: starts the command, records it, reports its pid, waits, records its end.
fn keep(
    req: &Request,
    mut cmd: Command,
    user: &passwd::User,
    mut record: File,
    report: OwnedFd,
) -> i32 {
    // Off the engine's (or the channel's) pipes, so the `exec` call ends when its process does.
    // SAFETY: open/dup2/setsid on our own descriptors and process.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC);
        if null >= 0 {
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
            libc::close(null);
        }
        libc::setsid();
    }
    let mut report = File::from(report);
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            let _ = own_files::remove_job_record(&req.tag);
            let text = match e.raw_os_error() {
                Some(n) => format!("E{n}"),
                None => format!("M{e}"),
            };
            let _ = report.write_all(text.as_bytes());
            return 0;
        }
    };
    drop(cmd);
    let pid = child.id();
    let start = Line::Start {
        pid,
        command: req
            .argv
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        user: user.name.clone(),
        started_at: now(),
        proc_start: proc_start(pid).unwrap_or(0),
    };
    let _ = write_line(&mut record, &start);
    let _ = report.write_all(format!("P{pid}").as_bytes());
    drop(report);
    let status = wait(pid as i32);
    let (exit_code, signal) = match status {
        Some(s) if libc::WIFSIGNALED(s) => (128 + libc::WTERMSIG(s), Some(libc::WTERMSIG(s))),
        Some(s) => (libc::WEXITSTATUS(s), None),
        None => (125, None),
    };
    let end = Line::End {
        ended_at: now(),
        exit_code,
        signal,
    };
    let _ = write_line(&mut record, &end);
    0
}

fn write_line(record: &mut File, line: &Line) -> io::Result<()> {
    let mut text = serde_json::to_string(line).map_err(io::Error::other)?;
    text.push('\n');
    // One write per line, appended: a reader sees whole lines or none.
    record.write_all(text.as_bytes())
}

fn wait(pid: i32) -> Option<i32> {
    let mut status = 0;
    loop {
        // SAFETY: waitpid on our own child into an int we own.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            return Some(status);
        }
        if r < 0 && io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return None;
        }
    }
}

/// Field 22 of `/proc/PID/stat`: when the process started, in clock ticks since boot.
fn proc_start(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_proc_start(&stat)
}

fn parse_proc_start(stat: &str) -> Option<u64> {
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two fds we then own.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh fds from pipe2.
    unsafe { Ok((OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1]))) }
}

/// The job `tag` from its record's text; `alive` says whether a process started at `proc_start`
/// still runs as `pid`.
fn job_of(tag: &str, text: &str, alive: impl Fn(u32, u64) -> bool) -> Option<Job> {
    let mut job = None;
    for line in text.lines() {
        match serde_json::from_str::<Line>(line) {
            Ok(Line::Start {
                pid,
                command,
                user,
                started_at,
                proc_start,
            }) => {
                let state = if alive(pid, proc_start) {
                    "running"
                } else {
                    "lost"
                };
                job = Some(Job {
                    job: tag.to_string(),
                    pid,
                    command,
                    user,
                    started_at,
                    state: state.into(),
                    exit_code: None,
                    signal: None,
                    ended_at: None,
                    log: own_files::log_path(tag),
                });
            }
            Ok(Line::End {
                ended_at,
                exit_code,
                signal,
            }) => {
                if let Some(j) = job.as_mut() {
                    j.state = "exited".into();
                    j.exit_code = Some(exit_code);
                    j.signal = signal;
                    j.ended_at = Some(ended_at);
                }
            }
            Err(_) => {}
        }
    }
    job
}

fn alive(pid: u32, started: u64) -> bool {
    proc_start(pid) == Some(started)
}

fn read_job(tag: &str) -> Option<Job> {
    job_of(tag, &own_files::read_job_record(tag)?, alive)
}

/// Every job with a readable record, oldest first.
fn all_jobs() -> io::Result<Vec<Job>> {
    let mut jobs: Vec<Job> = own_files::job_tags()?
        .iter()
        .filter_map(|tag| read_job(tag))
        .collect();
    jobs.sort_by(|a, b| (&a.started_at, &a.job).cmp(&(&b.started_at, &b.job)));
    Ok(jobs)
}

/// `__helper jobs`: one JSON object per line.
pub fn run_jobs(_args: &[OsString]) -> i32 {
    let jobs = match all_jobs() {
        Ok(j) => j,
        Err(e) => return fail(1, format!("cannot read {}: {e}", own_files::JOBS_DIR)),
    };
    let mut out = io::stdout().lock();
    for job in jobs {
        let Ok(line) = serde_json::to_string(&job) else {
            continue;
        };
        if writeln!(out, "{line}").is_err() {
            return 0;
        }
    }
    0
}

/// The job `query` names: its id, a unique id prefix of at least 4 characters, or its pid (the
/// latest job with that pid).
fn find(jobs: &[Job], query: &str) -> Result<Job, (i32, String)> {
    if let Some(j) = jobs.iter().find(|j| j.job == query) {
        return Ok(j.clone());
    }
    if let Ok(pid) = query.parse::<u32>()
        && let Some(j) = jobs.iter().rev().find(|j| j.pid == pid)
    {
        return Ok(j.clone());
    }
    let matching: Vec<&Job> = jobs
        .iter()
        .filter(|j| query.len() >= 4 && j.job.starts_with(query))
        .collect();
    match matching[..] {
        [one] => Ok(one.clone()),
        [] => Err((NO_SUCH_JOB, format!("no job `{query}`"))),
        _ => Err((
            AMBIGUOUS_JOB,
            format!(
                "job `{query}` is ambiguous: {}",
                matching
                    .iter()
                    .map(|j| j.job.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// `__helper job-log [--follow] JOB`.
pub fn run_job_log(args: &[OsString]) -> i32 {
    let words: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    let (follow, query) = match words[..] {
        ["--follow", q] => (true, q),
        [q] => (false, q),
        _ => return fail(125, "helper: usage: __helper job-log [--follow] JOB"),
    };
    let jobs = match all_jobs() {
        Ok(j) => j,
        Err(e) => return fail(1, format!("cannot read {}: {e}", own_files::JOBS_DIR)),
    };
    let job = match find(&jobs, query) {
        Ok(j) => j,
        Err((code, message)) => return fail(code, message),
    };
    let mut log = match own_files::open_log(&job.job) {
        Ok(f) => f,
        Err(e) => return fail(1, format!("the log of job {}: {e}", job.job)),
    };
    let mut out = io::stdout().lock();
    loop {
        if copy(&mut log, &mut out).is_err() {
            return 0;
        }
        if !follow {
            return 0;
        }
        if read_job(&job.job).is_none_or(|j| j.state != "running") {
            let _ = copy(&mut log, &mut out);
            return 0;
        }
        if client_gone(FOLLOW_EVERY) {
            return 0;
        }
    }
}

/// Everything the log holds now onto `out`.
fn copy(log: &mut File, out: &mut impl Write) -> io::Result<()> {
    let mut buf = vec![0u8; 64 << 10];
    loop {
        match log.read(&mut buf) {
            Ok(0) => return out.flush(),
            Ok(n) => out.write_all(&buf[..n])?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return out.flush(),
            Err(e) => return Err(e),
        }
    }
}

/// Waits up to `wait` for the client to go away: its stdin (a pipe or socket from the channel or
/// the engine) closing. Any other stdin just waits.
fn client_gone(wait: Duration) -> bool {
    let stdin = io::stdin();
    let fd = stdin.as_raw_fd();
    // SAFETY: fstat into a struct we own.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let is_pipe = unsafe { libc::fstat(fd, &mut st) } == 0
        && matches!(st.st_mode & libc::S_IFMT, libc::S_IFIFO | libc::S_IFSOCK);
    if !is_pipe {
        std::thread::sleep(wait);
        return false;
    }
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: poll on one pollfd we own.
    let ready = unsafe { libc::poll(&mut pfd, 1, wait.as_millis() as i32) };
    if ready <= 0 {
        return false;
    }
    let mut byte = [0u8; 512];
    // SAFETY: read into a buffer we own.
    let n = unsafe { libc::read(fd, byte.as_mut_ptr().cast(), byte.len()) };
    n <= 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = concat!(
        r#"{"event":"start","pid":42,"command":["sleep","9"],"user":"user","started_at":"2026-01-01T00:00:00.000Z","proc_start":7}"#,
        "\n"
    );
    const END: &str = concat!(
        r#"{"event":"end","ended_at":"2026-01-01T00:00:01.000Z","exit_code":137,"signal":9}"#,
        "\n"
    );

    #[test]
    fn records_read_as_running_lost_or_exited() {
        let running = job_of("t1", RECORD, |pid, start| pid == 42 && start == 7).unwrap();
        assert_eq!(running.state, "running");
        assert_eq!(running.command, ["sleep", "9"]);
        assert_eq!(running.log, "/.dsbx/logs/exec-t1.log");
        let lost = job_of("t1", RECORD, |_, _| false).unwrap();
        assert_eq!(lost.state, "lost");
        assert_eq!(lost.exit_code, None);
        let ended = job_of("t1", &format!("{RECORD}{END}"), |_, _| false).unwrap();
        assert_eq!(ended.state, "exited");
        assert_eq!((ended.exit_code, ended.signal), (Some(137), Some(9)));
        // A torn or foreign line is skipped; a record without a start is no job.
        assert!(job_of("t1", "garbage\n", |_, _| true).is_none());
        assert!(job_of("t1", &format!("{RECORD}{{\"event\":"), |_, _| true).is_some());
    }

    #[test]
    fn jobs_are_found_by_id_prefix_or_pid() {
        let job = |id: &str, pid| Job {
            job: id.into(),
            pid,
            command: vec![],
            user: "u".into(),
            started_at: String::new(),
            state: "running".into(),
            exit_code: None,
            signal: None,
            ended_at: None,
            log: String::new(),
        };
        let jobs = vec![job("abcd1111", 10), job("abcd2222", 11)];
        assert_eq!(find(&jobs, "abcd2222").unwrap().pid, 11);
        assert_eq!(find(&jobs, "abcd1").unwrap().pid, 10);
        assert_eq!(find(&jobs, "11").unwrap().job, "abcd2222");
        assert_eq!(find(&jobs, "abcd").unwrap_err().0, AMBIGUOUS_JOB);
        assert_eq!(find(&jobs, "abc").unwrap_err().0, NO_SUCH_JOB);
        assert_eq!(find(&jobs, "ffff").unwrap_err().0, NO_SUCH_JOB);
    }

    #[test]
    fn process_start_times() {
        let stat = "42 (a b) c) S 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 12345 100 10";
        assert_eq!(parse_proc_start(stat), Some(12345));
        assert_eq!(parse_proc_start("garbage"), None);
    }
}
