//! `__helper exec`, `__helper drain` and `__helper kill`: how `dsbx exec` runs a command inside a
//! sandbox.
//!
//! The engine runs `exec` as root. It becomes a child subreaper (so every orphaned descendant,
//! `setsid` or not, stays under it), starts the command as the sandbox's user in a session of its
//! own, and relays the command's stdout and stderr from its own pipes to the engine's, byte for
//! byte. When the command exits it forwards what is already in the pipes and, if a background
//! child still holds them, hands their read ends to a detached `drain` process that appends the
//! rest to a log file, then exits at once with the command's status: the engine's stream closes
//! and the sandbox's next exec is not held. `--timeout` and SIGTERM/SIGINT/SIGHUP (sent by
//! `__helper kill TAG` when the client is interrupted) send TERM to every descendant, then KILL
//! after a short grace, and exit 124 / 130.
//!
//! With `--timeout`, the process the engine started forks first: the child (the warden) does all
//! of the above, and the parent only waits for the command's status and exits with it. When the
//! command exits while processes it started live on (a server left behind, a fork bomb whose top
//! shell returned at once), the warden closes the engine's pipes, reports, and stays their
//! subreaper: it keeps their output in the log and ends them all at the deadline. A parent that
//! had to exit could not: its orphans would go to PID 1, out of reach.
//!
//! The helper's own files (logs, status) are created under `/.dsbx` as `own_files` says, never
//! in a directory the sandbox's user can write.
//!
//! Exit codes of the helper: the command's own, 128+N for signal N, 124 timeout, 130 interrupted,
//! 126 could not be invoked (unknown user, bad working directory, not executable), 127 not found,
//! 125 the helper's own failure (bad arguments, no pipes).

use super::init::signal_set;
use super::own_files;
use std::ffi::{CString, OsString};
use std::io::{self, Write};
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Between TERM and KILL when a timeout or an interrupt ends the command.
pub const GRACE: Duration = Duration::from_millis(1500);
/// pre_exec failures travel to the parent as errno values; these offsets say which step failed.
const ERR_CWD: i32 = 1 << 20;
const ERR_USER: i32 = 2 << 20;

/// What `__helper exec` was asked to do.
#[derive(Debug, Default, PartialEq)]
pub struct Request {
    pub tag: String,
    pub user: String,
    pub cwd: Option<String>,
    pub timeout_ms: Option<u64>,
    pub background: bool,
    pub tty: bool,
    pub stdin: bool,
    /// `-e HOME=…` was given: keep it instead of the user's home.
    pub keep_home: bool,
    pub argv: Vec<OsString>,
}

impl Request {
    /// The helper's command line after `__helper exec` (the inverse of [`parse`]).
    pub fn to_args(&self) -> Vec<String> {
        let mut out = vec!["--tag".to_string(), self.tag.clone()];
        out.extend(["--user".to_string(), self.user.clone()]);
        if let Some(cwd) = &self.cwd {
            out.extend(["--cwd".to_string(), cwd.clone()]);
        }
        if let Some(ms) = self.timeout_ms {
            out.extend(["--timeout-ms".to_string(), ms.to_string()]);
        }
        for (on, flag) in [
            (self.background, "--background"),
            (self.tty, "--tty"),
            (self.stdin, "--stdin"),
            (self.keep_home, "--keep-home"),
        ] {
            if on {
                out.push(flag.to_string());
            }
        }
        out.push("--".to_string());
        out.extend(self.argv.iter().map(|a| a.to_string_lossy().into_owned()));
        out
    }
}

pub fn parse(args: &[OsString]) -> Result<Request, String> {
    let mut req = Request::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let word = arg.to_str().ok_or("non-UTF-8 helper flag")?;
        let mut value = || {
            it.next()
                .and_then(|v| v.to_str())
                .map(str::to_string)
                .ok_or_else(|| format!("{word} needs a value"))
        };
        match word {
            "--tag" => req.tag = value()?,
            "--user" => req.user = value()?,
            "--cwd" => req.cwd = Some(value()?),
            "--timeout-ms" => {
                req.timeout_ms = Some(value()?.parse().map_err(|_| "bad --timeout-ms")?)
            }
            "--background" => req.background = true,
            "--tty" => req.tty = true,
            "--stdin" => req.stdin = true,
            "--keep-home" => req.keep_home = true,
            "--" => {
                req.argv = it.cloned().collect();
                break;
            }
            other => return Err(format!("unknown helper flag `{other}`")),
        }
    }
    if req.argv.is_empty() {
        return Err("no command".into());
    }
    if !own_files::valid_tag(&req.tag) {
        return Err(format!("bad tag `{}`", req.tag));
    }
    if req.user.is_empty() {
        req.user = "0".into();
    }
    Ok(req)
}

/// How a command ended, beyond its exit code: the text of a status file.
#[derive(Debug, Default, PartialEq)]
pub struct Ending {
    /// The signal the command itself died of (not one dsbx sent it on a timeout or interrupt).
    pub signal: Option<i32>,
    pub timed_out: bool,
    /// The kernel's OOM killer ended it: the sandbox's memory cgroup counted a kill meanwhile.
    pub oom_killed: bool,
}

impl Ending {
    pub fn to_text(&self) -> String {
        format!(
            "signal={}\ntimed_out={}\noom_killed={}\n",
            self.signal.map_or("none".to_string(), |s| s.to_string()),
            u8::from(self.timed_out),
            u8::from(self.oom_killed)
        )
    }

    pub fn parse(text: &str) -> Option<Ending> {
        let mut ending = Ending::default();
        let mut seen = 0;
        for line in text.lines() {
            match line.split_once('=')? {
                ("signal", "none") => seen += 1,
                ("signal", n) => {
                    ending.signal = Some(n.parse().ok()?);
                    seen += 1;
                }
                ("timed_out", v) => {
                    ending.timed_out = v == "1";
                    seen += 1;
                }
                // Optional: helpers before it did not write it.
                ("oom_killed", v) => ending.oom_killed = v == "1",
                _ => {}
            }
        }
        (seen == 2).then_some(ending)
    }
}

pub(super) fn fail(code: i32, message: impl std::fmt::Display) -> i32 {
    let _ = writeln!(io::stderr(), "dsbx: {message}");
    code
}

pub fn run_exec(args: &[OsString]) -> i32 {
    let req = match parse(args) {
        Ok(r) => r,
        Err(e) => return fail(125, format!("helper: {e}")),
    };
    let (user, groups) = match super::user_switch::resolve(&req.user) {
        Ok(who) => (who.user, who.groups),
        Err(e) => return fail(126, e),
    };
    let set = signal_set(&[
        libc::SIGCHLD,
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGHUP,
        libc::SIGPIPE,
    ]);
    // SAFETY: blocking signals on our own thread; signalfd takes them synchronously.
    let sigfd = unsafe {
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        libc::signalfd(-1, &set, libc::SFD_CLOEXEC | libc::SFD_NONBLOCK)
    };
    if sigfd < 0 {
        return fail(
            125,
            format!("helper: signalfd: {}", io::Error::last_os_error()),
        );
    }
    // With a timeout, a warden child runs the command and outlives this process if the
    // command leaves processes behind (see the module's comment); we wait for its report.
    let mut report = None;
    if req.timeout_ms.is_some() && !req.background && !req.tty {
        let (report_r, report_w) = match pipe() {
            Ok(p) => p,
            Err(e) => return fail(125, format!("helper: pipe: {e}")),
        };
        // SAFETY: the helper is single-threaded, so the child may go on running Rust code.
        match unsafe { libc::fork() } {
            -1 => return spawn_failure(&req, io::Error::last_os_error()),
            0 => {
                drop(report_r);
                report = Some(report_w);
            }
            warden => {
                drop(report_w);
                return await_report(warden, report_r, sigfd);
            }
        }
    }
    if !req.background {
        // SAFETY: a plain prctl on ourselves.
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    }

    let mut cmd = Command::new(&req.argv[0]);
    cmd.args(&req.argv[1..]);
    // What a pool claim set for every exec (see `claim`), under this exec's own `-e`.
    let given = std::env::var(super::claim::GIVEN_KEYS).ok();
    for (k, v) in super::claim::held_env(given.as_deref()) {
        cmd.env(k, v);
    }
    cmd.env_remove(super::claim::GIVEN_KEYS);
    cmd.env("DSBX_EXEC_ID", &req.tag);
    if !req.keep_home {
        cmd.env("HOME", &user.home);
    }
    if user.uid != 0 {
        cmd.env("USER", &user.name).env("LOGNAME", &user.name);
    }
    let cwd = req.cwd.as_ref().map(|c| CString::new(c.as_bytes()));
    let cwd = match cwd.transpose() {
        Ok(c) => c,
        Err(_) => return fail(126, "the working directory contains a NUL byte"),
    };
    let (uid, gid) = (user.uid, user.gid);
    let switch_user = uid != 0 || gid != 0;
    let tty = req.tty;
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let empty = signal_set(&[]);
            libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
            libc::setsid();
            first_for_the_oom_killer();
            if tty {
                // Best effort: the pty becomes the command's controlling terminal (job control).
                libc::ioctl(0, libc::TIOCSCTTY, 0);
            }
            if switch_user
                && (libc::setgroups(groups.len(), groups.as_ptr()) != 0
                    || libc::setgid(gid) != 0
                    || libc::setuid(uid) != 0)
            {
                return Err(io::Error::from_raw_os_error(ERR_USER + errno()));
            }
            if let Some(dir) = &cwd
                && libc::chdir(dir.as_ptr()) != 0
            {
                return Err(io::Error::from_raw_os_error(ERR_CWD + errno()));
            }
            Ok(())
        });
    }

    if req.background {
        return super::jobs::run_background(&req, cmd, &user);
    }
    let oom_before = oom_kills();
    if req.tty {
        // Give up the pty as our controlling terminal so the command's session can take it.
        // SAFETY: ioctl on our stdin; SIGHUP it may raise is blocked and ignored below.
        unsafe { libc::ioctl(0, libc::TIOCNOTTY) };
        // Giving it up sends our own group SIGHUP (now pending in the signalfd): swallow it.
        discard_pending(sigfd);
        cmd.stdin(Stdio::inherit())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit());
        let child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => return spawn_failure(&req, e),
        };
        let mut relay = Relay::new(child.id() as i32, sigfd, None, None, &req);
        relay.oom_before = oom_before;
        return relay.run();
    }

    let (out_r, out_w) = match pipe() {
        Ok(p) => p,
        Err(e) => return fail(125, format!("helper: pipe: {e}")),
    };
    grow_pipe(std::os::fd::AsRawFd::as_raw_fd(&out_r));
    let (err_r, err_w) = match pipe() {
        Ok(p) => p,
        Err(e) => return fail(125, format!("helper: pipe: {e}")),
    };
    cmd.stdin(if req.stdin {
        Stdio::inherit()
    } else {
        Stdio::null()
    })
    .stdout(out_w)
    .stderr(err_w);
    let spawned = cmd.spawn();
    // The write ends now live in the child only (Command dropped them after spawning).
    drop(cmd);
    let child = match spawned {
        Ok(c) => c,
        Err(e) => return spawn_failure(&req, e),
    };
    let mut relay = Relay::new(child.id() as i32, sigfd, Some(out_r), Some(err_r), &req);
    relay.uid_gid = (uid, gid);
    relay.report = report;
    relay.oom_before = oom_before;
    relay.run()
}

/// The engine's process when a warden runs the command: passes on the signals `__helper kill`
/// or the engine send, and exits with the status the warden reports once the command is done.
fn await_report(warden: i32, report: std::os::fd::OwnedFd, sigfd: RawFd) -> i32 {
    use std::os::fd::AsRawFd;
    let mut got = Vec::new();
    loop {
        let mut fds = [
            libc::pollfd {
                fd: sigfd,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: report.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: a valid pollfd array.
        unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
        if fds[0].revents != 0 {
            let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
            let size = std::mem::size_of::<libc::signalfd_siginfo>();
            // SAFETY: non-blocking reads of siginfo structs into memory we own.
            while unsafe { libc::read(sigfd, &mut info as *mut _ as *mut libc::c_void, size) }
                == size as isize
            {
                let sig = info.ssi_signo as i32;
                if matches!(sig, libc::SIGTERM | libc::SIGINT | libc::SIGHUP) {
                    // SAFETY: kill(2) on our own child.
                    unsafe { libc::kill(warden, sig) };
                }
            }
        }
        if fds[1].revents != 0 {
            let mut buf = [0u8; 16];
            // SAFETY: reading into our buffer from a pipe we own.
            let n = unsafe {
                libc::read(
                    report.as_raw_fd(),
                    buf.as_mut_ptr() as *mut libc::c_void,
                    buf.len(),
                )
            };
            if n > 0 {
                got.extend_from_slice(&buf[..n as usize]);
                continue;
            }
            // The warden closed its end: it reported, or died without a word.
            return std::str::from_utf8(&got)
                .ok()
                .and_then(|t| t.trim().parse().ok())
                .unwrap_or_else(|| {
                    fail(125, "helper: the command's warden ended without a status")
                });
        }
    }
}

fn discard_pending(sigfd: RawFd) {
    let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::signalfd_siginfo>();
    // SAFETY: non-blocking reads of siginfo structs into memory we own.
    while unsafe { libc::read(sigfd, &mut info as *mut _ as *mut libc::c_void, size) }
        == size as isize
    {}
}

/// Makes the calling process (a command about to be exec'd, and so everything it starts) the OOM
/// killer's first choice in the sandbox: when the sandbox's memory runs out, the command dies,
/// not the helper processes that report its end (this relay, the channel's server, PID 1), whose
/// scores stay the engine's. Anyone may raise their own score; a failure leaves it as it was.
/// Async-signal-safe: called between fork and exec.
fn first_for_the_oom_killer() {
    const PATH: &[u8] = b"/proc/self/oom_score_adj\0";
    const MOST: &[u8] = b"1000";
    // SAFETY: open/write/close on a constant C string and a buffer we own.
    unsafe {
        let fd = libc::open(PATH.as_ptr().cast(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd >= 0 {
            libc::write(fd, MOST.as_ptr().cast(), MOST.len());
            libc::close(fd);
        }
    }
}

fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

pub(super) fn spawn_failure(req: &Request, e: io::Error) -> i32 {
    let program = req.argv[0].to_string_lossy();
    let code = e.raw_os_error().unwrap_or(0);
    if code >= ERR_USER {
        let cause = io::Error::from_raw_os_error(code - ERR_USER);
        return fail(
            126,
            format!("cannot switch to user `{}`: {cause}", req.user),
        );
    }
    if code >= ERR_CWD {
        let cause = io::Error::from_raw_os_error(code - ERR_CWD);
        let dir = req.cwd.as_deref().unwrap_or("");
        return fail(
            126,
            format!("cannot use working directory `{dir}`: {cause}"),
        );
    }
    match code {
        libc::ENOENT => fail(127, format!("{program}: command not found")),
        libc::EAGAIN => fail(126, process_limit_message(&program)),
        _ => fail(126, format!("{program}: cannot run: {e}")),
    }
}

/// What to say when no process can be started: the sandbox's pids cgroup is full (a fork bomb,
/// or a server gone wild), with what the user can do about it.
fn process_limit_message(program: &str) -> String {
    let read = |paths: &[&str]| {
        paths
            .iter()
            .find_map(|p| std::fs::read_to_string(p).ok())
            .map(|t| t.trim().to_string())
    };
    let max = read(&["/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max"]);
    let current = read(&[
        "/sys/fs/cgroup/pids/pids.current",
        "/sys/fs/cgroup/pids.current",
    ]);
    let count = match (current, max) {
        (Some(c), Some(m)) => format!(" ({c} of {m} processes)"),
        (None, Some(m)) => format!(" ({m} processes)"),
        _ => String::new(),
    };
    format!(
        "cannot start {program}: the sandbox is at its process limit{count}, so no new process \
         can start (something in it keeps forking). `dsbx kill ID` ends the sandbox; recreate it \
         with a higher `dsbx init --pids N` if its work needs more processes"
    )
}

/// How many times the kernel's OOM killer has struck in the sandbox's memory cgroup (v2's
/// `memory.events`, v1's `memory.oom_control`, both as the container sees them); `None` where
/// neither is readable.
pub fn oom_kills() -> Option<u64> {
    for path in [
        "/sys/fs/cgroup/memory.events",
        "/sys/fs/cgroup/memory/memory.oom_control",
    ] {
        if let Ok(text) = std::fs::read_to_string(path)
            && let Some(n) = parse_oom_kills(&text)
        {
            return Some(n);
        }
    }
    None
}

pub fn parse_oom_kills(text: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(' ')?;
        (key == "oom_kill").then(|| value.trim().parse().ok())?
    })
}

/// Pipes carrying a command's output or an upload hold 1 MiB instead of Linux's 64 KiB, so
/// the writer runs ahead and each wake-up of the reader moves more (the size unprivileged
/// processes may ask for by default; a refusal keeps the pipe as it was).
pub fn grow_pipe(fd: std::os::fd::RawFd) {
    // SAFETY: fcntl on a pipe descriptor the caller owns.
    unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, 1 << 20) };
}

fn pipe() -> io::Result<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)> {
    use std::os::fd::FromRawFd;
    let mut fds = [0 as RawFd; 2];
    // SAFETY: pipe2 fills two fds we then own.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh fds from pipe2.
    unsafe {
        Ok((
            std::os::fd::OwnedFd::from_raw_fd(fds[0]),
            std::os::fd::OwnedFd::from_raw_fd(fds[1]),
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Running,
    /// TERM sent; KILL at `kill_at`; then exit with `code`.
    Ending {
        code: i32,
        kill_at: Instant,
    },
}

struct Relay {
    child: i32,
    sigfd: RawFd,
    /// Our read ends of the command's stdout / stderr; `None` once at EOF.
    out: Option<std::os::fd::OwnedFd>,
    err: Option<std::os::fd::OwnedFd>,
    status: Option<i32>,
    /// The signal the command died of, if it did.
    signal: Option<i32>,
    deadline: Option<Instant>,
    phase: Phase,
    tag: String,
    uid_gid: (u32, u32),
    /// Where our own stdout/stderr went away (the client vanished): keep running, stop writing.
    sink_broken: [bool; 2],
    /// Where our stdout/stderr takes no `splice` (see `splice_out`).
    no_splice: [bool; 2],
    /// A warden's pipe to the engine's process, which exits with the status written into it.
    report: Option<std::os::fd::OwnedFd>,
    /// The memory cgroup's OOM kill count when the command started.
    oom_before: Option<u64>,
    /// Where a lingering child's output goes once the engine's pipes are closed (a warden's).
    log: Option<std::fs::File>,
    /// The read buffer, kept between reads.
    buf: Vec<u8>,
}

/// Bytes read from the command's pipes at once (its stdout pipe holds 1 MiB: see `grow_pipe`).
const RELAY_CHUNK: usize = 256 << 10;

impl Relay {
    fn new(
        child: i32,
        sigfd: RawFd,
        out: Option<std::os::fd::OwnedFd>,
        err: Option<std::os::fd::OwnedFd>,
        req: &Request,
    ) -> Relay {
        Relay {
            child,
            sigfd,
            out,
            err,
            status: None,
            signal: None,
            deadline: req
                .timeout_ms
                .map(|ms| Instant::now() + Duration::from_millis(ms)),
            phase: Phase::Running,
            tag: req.tag.clone(),
            uid_gid: (0, 0),
            sink_broken: [false; 2],
            no_splice: [false; 2],
            report: None,
            oom_before: None,
            log: None,
            buf: Vec::new(),
        }
    }

    fn run(&mut self) -> i32 {
        loop {
            let now = Instant::now();
            let mut wait = Duration::from_secs(3600);
            if let (Phase::Running, Some(d)) = (self.phase, self.deadline) {
                wait = wait.min(d.saturating_duration_since(now));
            }
            if let Phase::Ending { .. } = self.phase {
                wait = Duration::from_millis(50);
            }
            self.poll_once(wait.as_millis().min(i32::MAX as u128) as i32);
            self.reap();
            match self.phase {
                Phase::Running => {
                    if let Some(status) = self.status {
                        return self.finish(status);
                    }
                    if self.deadline.is_some_and(|d| Instant::now() >= d) {
                        self.start_ending(124);
                    }
                }
                Phase::Ending { code, kill_at } => {
                    let left = descendants(std::process::id() as i32);
                    if left.is_empty() {
                        return self.finish(code);
                    }
                    if Instant::now() >= kill_at {
                        self.kill_all();
                        return self.finish(code);
                    }
                    // New processes may have appeared since the first TERM.
                    signal_all(&left, libc::SIGTERM);
                }
            }
        }
    }

    fn start_ending(&mut self, code: i32) {
        if let Phase::Ending { .. } = self.phase {
            return;
        }
        // Stop the tree from growing while we look at it, then TERM everything and let it go on.
        let all = descendants(std::process::id() as i32);
        signal_all(&all, libc::SIGSTOP);
        let all = descendants(std::process::id() as i32);
        signal_all(&all, libc::SIGTERM);
        signal_all(&all, libc::SIGCONT);
        self.phase = Phase::Ending {
            code,
            kill_at: Instant::now() + GRACE,
        };
    }

    fn take_signals(&mut self) {
        let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::signalfd_siginfo>();
        loop {
            // SAFETY: reading one siginfo struct into memory we own.
            let n =
                unsafe { libc::read(self.sigfd, &mut info as *mut _ as *mut libc::c_void, size) };
            if n != size as isize {
                break;
            }
            match info.ssi_signo as i32 {
                libc::SIGTERM | libc::SIGINT | libc::SIGHUP => self.start_ending(130),
                _ => {}
            }
        }
    }

    /// Reaps every exited child (we are a subreaper); remembers the command's own status.
    fn reap(&mut self) {
        loop {
            let mut status = 0;
            // SAFETY: waitpid with WNOHANG on any child.
            let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
            if pid <= 0 {
                break;
            }
            if pid == self.child {
                self.status = Some(decode_status(status));
                if libc::WIFSIGNALED(status) {
                    self.signal = Some(libc::WTERMSIG(status));
                }
            }
        }
    }

    /// Reads once from a ready pipe and forwards it; EOF closes our end.
    fn pump_one(&mut self, fd: RawFd) {
        use std::os::fd::AsRawFd;
        let stream = if self.out.as_ref().is_some_and(|f| f.as_raw_fd() == fd) {
            0
        } else {
            1
        };
        let n = match self.splice_out(fd, stream) {
            Some(n) => n,
            None => {
                let mut buf = std::mem::take(&mut self.buf);
                buf.resize(RELAY_CHUNK, 0);
                // SAFETY: reading into our buffer from an fd we own.
                let n = unsafe { libc::read(fd, buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
                if n > 0 {
                    self.forward(stream, &buf[..n as usize]);
                }
                self.buf = buf;
                n
            }
        };
        if n == 0 || n < 0 && errno() != libc::EAGAIN && errno() != libc::EINTR {
            if stream == 0 {
                self.out = None;
            } else {
                self.err = None;
            }
        }
    }

    /// Moves what the command wrote from its pipe to ours (our stdout or stderr) inside the
    /// kernel, without copying it through this process: two copies of every byte fewer, the
    /// bulk of what 10 MiB of output costs here. `None` when it cannot (our side takes no
    /// splice, or output goes to a log or nowhere): the caller reads and writes instead. Blocks
    /// while our side is full, as a write would.
    fn splice_out(&mut self, fd: RawFd, stream: usize) -> Option<isize> {
        if self.log.is_some() || self.sink_broken[stream] || self.no_splice[stream] {
            return None;
        }
        // SAFETY: splice(2) between two fds we hold, no offsets.
        let n = unsafe {
            libc::splice(
                fd,
                std::ptr::null_mut(),
                stream as RawFd + 1,
                std::ptr::null_mut(),
                RELAY_CHUNK,
                libc::SPLICE_F_MOVE,
            )
        };
        if n >= 0 {
            return Some(n);
        }
        match errno() {
            libc::EAGAIN | libc::EINTR => Some(-1),
            // Our reader is gone: the rest is read and dropped (`forward`).
            libc::EPIPE => {
                self.sink_broken[stream] = true;
                None
            }
            _ => {
                self.no_splice[stream] = true;
                None
            }
        }
    }

    fn forward(&mut self, stream: usize, bytes: &[u8]) {
        if let Some(log) = &mut self.log {
            let _ = log.write_all(bytes);
            return;
        }
        if self.sink_broken[stream] {
            return;
        }
        if write_all(stream as RawFd + 1, bytes).is_err() {
            self.sink_broken[stream] = true;
        }
    }

    /// The command is done: forward what is already in the pipes, leave the rest to a drainer.
    fn finish(&mut self, code: i32) -> i32 {
        use std::os::fd::AsRawFd;
        for fd in [&self.out, &self.err].into_iter().flatten() {
            set_nonblocking(fd.as_raw_fd());
        }
        loop {
            let mut progressed = false;
            for stream in 0..2 {
                let fd = [&self.out, &self.err][stream]
                    .as_ref()
                    .map(|f| f.as_raw_fd());
                let Some(fd) = fd else { continue };
                let mut buf = [0u8; 65536];
                // SAFETY: non-blocking read into our buffer.
                let n = unsafe { libc::read(fd, buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
                if n > 0 {
                    self.forward(stream, &buf[..n as usize]);
                    progressed = true;
                } else if n == 0 || errno() != libc::EAGAIN {
                    if stream == 0 {
                        self.out = None;
                    } else {
                        self.err = None;
                    }
                }
            }
            if !progressed {
                break;
            }
        }
        // The exit code alone is ambiguous here (the command's own `exit 137`, or signal 9; its
        // own `exit 124`, or our timeout): leave how it ended for `dsbx exec`. Always, not on
        // request, so that a newer dsbx can ask an older sandbox's helper nothing new.
        if code == 124 || code > 128 {
            // Ended by us (timeout, interrupt): what killed the command was our doing, not its.
            let ended_by_us = matches!(self.phase, Phase::Ending { .. });
            // A SIGKILL (or a shell's 137 for a child that got one) while the cgroup counted
            // an OOM kill: the kernel ended it for memory.
            let killed = self.signal == Some(libc::SIGKILL) || code == 128 + libc::SIGKILL;
            let oom_killed = !ended_by_us && killed && self.oom_counted();
            let ending = Ending {
                signal: if ended_by_us { None } else { self.signal },
                timed_out: ended_by_us && code == 124,
                oom_killed,
            };
            let _ = own_files::write_status(&self.tag, &ending.to_text());
        }
        if let Some(report) = self.report.take() {
            // A warden: let the engine's stream close and its process exit with the status,
            // then look after what the command left behind until the deadline.
            let null = std::fs::File::open("/dev/null").ok();
            if let Some(null) = &null {
                // SAFETY: dup2 of a valid fd over our stdin, stdout and stderr.
                unsafe {
                    libc::dup2(null.as_raw_fd(), 0);
                    libc::dup2(null.as_raw_fd(), 1);
                    libc::dup2(null.as_raw_fd(), 2);
                }
            }
            let _ = write_all(report.as_raw_fd(), code.to_string().as_bytes());
            drop(report);
            self.linger();
            return code;
        }
        if self.out.is_some() || self.err.is_some() {
            self.hand_off();
        }
        code
    }

    /// A warden after the command exited: keeps what its leftovers write in the log and ends
    /// them all at the deadline, or leaves as soon as none is left.
    fn linger(&mut self) {
        if self.out.is_some() || self.err.is_some() {
            let (uid, gid) = self.uid_gid;
            self.log = own_files::create_log(&self.tag, uid, gid)
                .ok()
                .map(|(f, _)| f);
        }
        let me = std::process::id() as i32;
        loop {
            self.reap();
            let left = descendants(me);
            let alive = left.iter().any(|(_, zombie)| !zombie);
            if !alive && self.out.is_none() && self.err.is_none() {
                return;
            }
            match self.phase {
                Phase::Running => {
                    if self.deadline.is_none_or(|d| Instant::now() >= d) {
                        self.start_ending(124);
                        continue;
                    }
                }
                Phase::Ending { kill_at, .. } => {
                    if !alive {
                        return;
                    }
                    if Instant::now() >= kill_at {
                        self.kill_all();
                        return;
                    }
                    signal_all(&left, libc::SIGTERM);
                }
            }
            let wait = match (self.phase, self.deadline) {
                (Phase::Running, Some(d)) => d.saturating_duration_since(Instant::now()),
                _ => Duration::from_millis(50),
            };
            self.poll_once(wait.as_millis().clamp(1, i32::MAX as u128) as i32);
        }
    }

    /// Waits up to `ms` for output or a signal, then relays what came and takes the signals.
    fn poll_once(&mut self, ms: i32) {
        use std::os::fd::AsRawFd;
        let mut fds = vec![libc::pollfd {
            fd: self.sigfd,
            events: libc::POLLIN,
            revents: 0,
        }];
        for fd in [&self.out, &self.err].into_iter().flatten() {
            fds.push(libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            });
        }
        // SAFETY: fds is a valid array of pollfd for the call.
        unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        for p in &fds[1..] {
            if p.revents != 0 {
                self.pump_one(p.fd);
            }
        }
        if fds[0].revents != 0 {
            self.take_signals();
        }
    }

    /// Whether the memory cgroup counted an OOM kill since the command started. The kernel bumps
    /// the counter just after it sends the SIGKILL, from the task that hit the limit, which a
    /// loaded machine can preempt in between: look again briefly before saying no.
    fn oom_counted(&self) -> bool {
        let Some(before) = self.oom_before else {
            return false;
        };
        // Up to 2 s: under a loaded machine 200 ms proved too short (a suite run saw an OOM
        // kill reported as a plain SIGKILL). Only a command ended by SIGKILL waits here, and
        // only one that was not the OOM killer's waits it all.
        for _ in 0..100 {
            if oom_kills().is_some_and(|now| now > before) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// KILLs every descendant until none is left alive (bounded), reaping as it goes.
    fn kill_all(&mut self) {
        let me = std::process::id() as i32;
        for _ in 0..100 {
            let left = descendants(me);
            if left.iter().all(|(_, zombie)| *zombie) {
                break;
            }
            signal_all(&left, libc::SIGKILL);
            self.reap();
            std::thread::sleep(Duration::from_millis(20));
        }
        self.reap();
    }

    /// Background children still hold the command's pipes: a detached `drain` process appends
    /// what they write to a log file, so the engine's stream can close now.
    fn hand_off(&mut self) {
        use std::os::fd::AsRawFd;
        let Ok((log, _)) = own_files::create_log(&self.tag, self.uid_gid.0, self.uid_gid.1) else {
            return;
        };
        // SAFETY: duplicating an fd we own above the range we dup2 into.
        let log_fd = unsafe { libc::fcntl(log.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
        drop(log);
        let null = std::fs::File::open("/dev/null").ok();
        let hi = |fd: Option<&std::os::fd::OwnedFd>| -> RawFd {
            match fd {
                // SAFETY: duplicating an fd we own above the range we dup2 into.
                Some(f) => unsafe { libc::fcntl(f.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) },
                None => null
                    .as_ref()
                    .map(|n| unsafe { libc::fcntl(n.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) })
                    .unwrap_or(-1),
            }
        };
        let (a, b) = (hi(self.out.as_ref()), hi(self.err.as_ref()));
        let exe = std::env::current_exe().unwrap_or_else(|_| crate::helper::HELPER_PATH.into());
        let mut cmd = Command::new(exe);
        cmd.args(["__helper", "drain"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: async-signal-safe calls only.
        unsafe {
            cmd.pre_exec(move || {
                let empty = signal_set(&[]);
                libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
                libc::setsid();
                if libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 || libc::dup2(log_fd, 5) < 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let _ = cmd.spawn();
        // SAFETY: closing our duplicates.
        unsafe {
            libc::close(a);
            libc::close(b);
            libc::close(log_fd);
        }
        self.out = None;
        self.err = None;
    }
}

fn decode_status(status: i32) -> i32 {
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        125
    }
}

fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl on an fd we own.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
}

fn write_all(fd: RawFd, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        // SAFETY: writing from a valid slice.
        let n = unsafe { libc::write(fd, bytes.as_ptr() as *const libc::c_void, bytes.len()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        bytes = &bytes[n as usize..];
    }
    Ok(())
}

/// Every process below `root`, from /proc (world-readable), with whether it is a zombie.
fn descendants(root: i32) -> Vec<(i32, bool)> {
    let mut parent: Vec<(i32, i32, bool)> = Vec::new();
    for pid in proc_pids() {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if let Some((state, ppid)) = parse_stat(&stat) {
            parent.push((pid, ppid, state == 'Z'));
        }
    }
    let mut found: Vec<(i32, bool)> = Vec::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for (pid, ppid, zombie) in &parent {
            if *ppid == p && !found.iter().any(|(f, _)| f == pid) {
                found.push((*pid, *zombie));
                frontier.push(*pid);
            }
        }
    }
    found
}

/// State and parent pid from `/proc/PID/stat` (the command name may hold spaces and parens).
pub fn parse_stat(stat: &str) -> Option<(char, i32)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

fn signal_all(pids: &[(i32, bool)], sig: i32) {
    for (pid, zombie) in pids {
        if !zombie {
            // SAFETY: kill(2) on a pid.
            unsafe { libc::kill(*pid, sig) };
        }
    }
}

/// `__helper drain`: appends what arrives on fds 3 and 4 to the log open on fd 5 (handed over
/// as a descriptor, never a path to re-open) until both close.
pub fn run_drain(_args: &[OsString]) -> i32 {
    use std::os::fd::FromRawFd;
    // SAFETY: fd 5 is the log our parent set up for us (dup2 in `hand_off`); we own it now.
    let mut log = unsafe { std::fs::File::from_raw_fd(5) };
    let mut open = vec![3 as RawFd, 4];
    let mut buf = [0u8; 65536];
    while !open.is_empty() {
        let mut fds: Vec<libc::pollfd> = open
            .iter()
            .map(|fd| libc::pollfd {
                fd: *fd,
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        // SAFETY: valid pollfd array.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
        if r < 0 {
            continue;
        }
        for p in fds.iter().filter(|p| p.revents != 0) {
            // SAFETY: read into our buffer.
            let n = unsafe { libc::read(p.fd, buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
            if n > 0 {
                let _ = log.write_all(&buf[..n as usize]);
            } else {
                open.retain(|fd| *fd != p.fd);
            }
        }
    }
    0
}

/// `__helper kill TAG`: finds the `__helper exec --tag TAG` process, signals it (it then ends its
/// whole tree) and waits, bounded, until it is gone. Exit 0 when it is gone, 1 when none was found.
pub fn run_kill(args: &[OsString]) -> i32 {
    let Some(tag) = args.first().and_then(|t| t.to_str()) else {
        return 125;
    };
    let started = Instant::now();
    let pid = loop {
        if let Some(pid) = find_tagged(tag) {
            break pid;
        }
        if started.elapsed() > Duration::from_secs(1) {
            return 1;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // SAFETY: kill(2).
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let until = Instant::now() + GRACE + Duration::from_secs(5);
    while Instant::now() < until {
        let alive = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| parse_stat(&s))
            .is_some_and(|(state, _)| state != 'Z');
        if !alive {
            return 0;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    1
}

/// The pids /proc lists now (none if it cannot be read).
fn proc_pids() -> impl Iterator<Item = i32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
}

fn find_tagged(tag: &str) -> Option<i32> {
    for pid in proc_pids() {
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let words: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        if is_tagged_exec(&words, tag) {
            return Some(pid);
        }
    }
    None
}

pub fn is_tagged_exec(words: &[&[u8]], tag: &str) -> bool {
    words.len() >= 5
        && words[1] == b"__helper"
        && words[2] == b"exec"
        && words[3] == b"--tag"
        && words[4] == tag.as_bytes()
}

#[allow(dead_code)]
fn os(s: &str) -> OsString {
    OsString::from(std::ffi::OsStr::from_bytes(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endings_round_trip() {
        for e in [
            Ending::default(),
            Ending {
                signal: Some(9),
                timed_out: false,
                oom_killed: true,
            },
            Ending {
                signal: None,
                timed_out: true,
                oom_killed: false,
            },
        ] {
            assert_eq!(Ending::parse(&e.to_text()), Some(e));
        }
        assert_eq!(Ending::parse("signal=x\ntimed_out=0\n"), None);
        assert_eq!(Ending::parse("timed_out=1\n"), None);
        // An older helper's file, without the OOM line.
        assert_eq!(
            Ending::parse("signal=9\ntimed_out=0\n"),
            Some(Ending {
                signal: Some(9),
                ..Ending::default()
            })
        );
    }

    #[test]
    fn oom_counters_of_both_cgroup_versions() {
        let v1 = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
        let v2 = "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n";
        assert_eq!(parse_oom_kills(v1), Some(3));
        assert_eq!(parse_oom_kills(v2), Some(2));
        assert_eq!(parse_oom_kills("oom 1\n"), None);
    }

    #[test]
    fn tags_are_checked() {
        let bad = [os("--tag"), os("../../etc/x"), os("--"), os("true")];
        assert!(parse(&bad).unwrap_err().contains("bad tag"));
    }

    #[test]
    fn request_round_trips() {
        let req = Request {
            tag: "abc".into(),
            user: "user".into(),
            cwd: Some("/tmp x".into()),
            timeout_ms: Some(1500),
            background: false,
            tty: true,
            stdin: true,
            keep_home: false,
            argv: vec![os("echo"), os(""), os("--tag")],
        };
        let args: Vec<OsString> = req.to_args().into_iter().map(OsString::from).collect();
        assert_eq!(parse(&args).unwrap(), req);
    }

    #[test]
    fn bad_requests() {
        assert!(parse(&[os("--tag"), os("x")]).is_err());
        assert!(parse(&[os("--bogus"), os("--"), os("x")]).is_err());
        assert!(parse(&[os("--timeout-ms"), os("x"), os("--"), os("x")]).is_err());
        assert_eq!(
            parse(&[os("--tag"), os("t1"), os("--"), os("x")])
                .unwrap()
                .user,
            "0"
        );
        assert!(parse(&[os("--"), os("x")]).is_err(), "a tag is required");
    }

    #[test]
    fn stat_parsing() {
        assert_eq!(parse_stat("42 (a b) c)) S 7 42 42 0 -1"), Some(('S', 7)));
        assert_eq!(parse_stat("1 (x) Z 0"), Some(('Z', 0)));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn tagged_exec_matching() {
        let words: Vec<&[u8]> = vec![
            crate::layout::HELPER_PATH.as_bytes(),
            b"__helper",
            b"exec",
            b"--tag",
            b"n1",
            b"--",
        ];
        assert!(is_tagged_exec(&words, "n1"));
        assert!(!is_tagged_exec(&words, "n2"));
        assert!(!is_tagged_exec(&words[..3], "n1"));
    }

    #[test]
    fn statuses() {
        assert_eq!(decode_status(7 << 8), 7);
        assert_eq!(decode_status(9), 137);
    }
}
