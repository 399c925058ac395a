//! `__helper serve UID:GID USER ENGINE`: the helper's end of the channel (see `crate::channel`).
//!
//! PID 1 (`__helper init --channel UID:GID --user USER --engine URL`) starts it beside itself in a sandbox
//! made with a channel. It listens on `/.dsbx/run/channel/sock` and, for each admitted peer, runs
//! one helper role exactly as the engine's exec path would (`/.dsbx/bin/dsbx __helper ROLE …` as
//! root, with the sandbox's environment), relaying stdin, stdout, stderr (or a terminal) and the
//! exit status. The roles themselves keep every guarantee (user switch, tree kill, hand-off of
//! lingering output): this file only moves bytes.
//!
//! Security: `/.dsbx` must be root's alone; the helper makes `/.dsbx/run` (the mount point's
//! parent, created by the runtime) mode 0700, so no non-root process in the sandbox can reach the
//! socket's directory, and it refuses every peer whose pid is visible in the sandbox (`SO_PEERCRED`
//! reports pid 0 only for processes outside its pid namespace), so even the sandbox's root
//! cannot use it. Of peers outside, only the host user who made the sandbox (and root) are
//! admitted. Every path is reached through directory handles opened without following links.
//!
//! Backpressure: output travels through a bounded queue to the socket, so a slow reader stops
//! the relay, which stops the command; input is written to the role before the next frame is read.

use crate::channel::{self, CHUNK, FromHelper, QUEUE, ROLES, ToHelper, VERSION};
use crate::helper::HELPER_PATH;
use std::ffi::{CString, OsString};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

/// After the role exits, how long output still held open by something it left may keep coming
/// (a terminal's background job) before the exit is reported anyway.
const AFTER_EXIT: Duration = Duration::from_secs(1);

/// Who may connect, and what a client learns in the hello.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub owner_uid: u32,
    pub owner_gid: u32,
    pub user: String,
    pub engine: String,
}

impl Served {
    /// `UID:GID`, `USER` and `ENGINE`, the arguments after `serve` (and of `init --channel …
    /// --user … --engine …`).
    pub fn parse(owner: &str, user: &str, engine: &str) -> Option<Served> {
        let (uid, gid) = owner.split_once(':')?;
        Some(Served {
            owner_uid: uid.parse().ok()?,
            owner_gid: gid.parse().ok()?,
            user: user.to_string(),
            engine: engine.to_string(),
        })
    }
}

/// Called by PID 1 before it settles: `--channel UID:GID --user USER --engine URL` among its arguments starts
/// the server as a child (which PID 1 reaps like any other). Without them, nothing.
pub fn start_beside_init(args: &[OsString]) {
    let word = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.to_str())
    };
    let (Some(owner), Some(user), Some(engine)) =
        (word("--channel"), word("--user"), word("--engine"))
    else {
        return;
    };
    if Served::parse(owner, user, engine).is_none() {
        eprintln!("dsbx helper: bad --channel `{owner}`");
        return;
    }
    let spawned = std::process::Command::new(HELPER_PATH)
        .args(["__helper", "serve", owner, user, engine])
        .stdin(Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("dsbx helper: cannot start the channel: {e}");
    }
}

pub fn run(args: &[OsString]) -> i32 {
    let text: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    let Some(served) = (match text[..] {
        [owner, user, engine] => Served::parse(owner, user, engine),
        _ => None,
    }) else {
        eprintln!("dsbx helper: usage: __helper serve UID:GID USER ENGINE");
        return 125;
    };
    // The socket is born 0700 & ~umask: never readable by anyone else, even for a moment. The
    // commands this server starts inherit its umask, so the sandbox's own (022 from the engine)
    // comes back as soon as the socket exists: a `mkdir` over the channel makes the same modes
    // as over the engine's exec.
    // SAFETY: umask(2) on ourselves, both times.
    let inherited = unsafe { libc::umask(0o077) };
    let listening = listen(&served);
    unsafe { libc::umask(inherited) };
    let listener = match listening {
        Ok(l) => l,
        Err(e) => {
            eprintln!("dsbx helper: the channel cannot serve: {e}");
            return 1;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dsbx helper: {e}");
            return 125;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::UnixListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("dsbx helper: {e}");
                return 125;
            }
        };
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    tokio::spawn(session(stream, served.clone()));
                }
                // Out of descriptors, say: let running sessions finish before the next accept.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    })
}

fn cstr(s: &str) -> io::Result<CString> {
    CString::new(s).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

fn open_dir(parent: Option<&OwnedFd>, name: &str) -> io::Result<OwnedFd> {
    let c = cstr(name)?;
    let at = parent.map_or(libc::AT_FDCWD, |p| p.as_raw_fd());
    // SAFETY: openat with a valid C string; the fd is owned at once.
    let fd = unsafe {
        libc::openat(
            at,
            c.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::other(format!(
            "{name}: {}",
            io::Error::last_os_error()
        )));
    }
    // SAFETY: a fresh fd.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn stat(fd: &OwnedFd) -> io::Result<libc::stat> {
    // SAFETY: fstat into a struct we own.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(st)
}

/// Root's, and writable by no one else: nothing a sandbox user did can be below it.
fn require_root_only(fd: &OwnedFd, shown: &str) -> io::Result<()> {
    let st = stat(fd)?;
    if st.st_uid != 0 || st.st_mode & 0o022 != 0 {
        return Err(io::Error::other(format!(
            "{shown} is not root's alone (owner {}, mode {:o})",
            st.st_uid,
            st.st_mode & 0o7777
        )));
    }
    Ok(())
}

/// Makes `/.dsbx/run` root-only, hands the channel directory to its owner and binds the socket.
fn listen(served: &Served) -> io::Result<std::os::unix::net::UnixListener> {
    let own = open_dir(None, crate::layout::OWN_DIR)?;
    require_root_only(&own, crate::layout::OWN_DIR)?;
    let run = open_dir(Some(&own), "run")?;
    require_root_only(&run, channel::RUN_DIR)?;
    let dir = open_dir(Some(&run), "channel")?;
    let sock = cstr(channel::SOCKET)?;
    // SAFETY: fchmod/fchown/unlinkat on directory fds we own, with valid C strings.
    unsafe {
        if libc::fchmod(run.as_raw_fd(), 0o700) != 0
            || libc::fchown(dir.as_raw_fd(), served.owner_uid, served.owner_gid) != 0
            || libc::fchmod(dir.as_raw_fd(), 0o700) != 0
        {
            return Err(io::Error::last_os_error());
        }
        // A socket left by the previous start of this sandbox.
        if libc::unlinkat(dir.as_raw_fd(), sock.as_ptr(), 0) != 0
            && io::Error::last_os_error().raw_os_error() != Some(libc::ENOENT)
        {
            return Err(io::Error::last_os_error());
        }
    }
    // Bound through the directory handle: the path cannot lead anywhere else.
    let path = format!("/proc/self/fd/{}/{}", dir.as_raw_fd(), channel::SOCKET);
    let listener = std::os::unix::net::UnixListener::bind(path)?;
    // SAFETY: on the socket we just made in a directory only root and its owner can write.
    unsafe {
        if libc::fchownat(
            dir.as_raw_fd(),
            sock.as_ptr(),
            served.owner_uid,
            served.owner_gid,
            libc::AT_SYMLINK_NOFOLLOW,
        ) != 0
            || libc::fchmodat(dir.as_raw_fd(), sock.as_ptr(), 0o600, 0) != 0
        {
            return Err(io::Error::last_os_error());
        }
    }
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Only peers outside the sandbox, and of those only the sandbox's owner and root.
pub fn admit(pid: Option<i32>, uid: u32, owner_uid: u32) -> Result<(), String> {
    if pid != Some(0) {
        return Err("refused: the peer runs inside the sandbox".into());
    }
    if uid != owner_uid && uid != 0 {
        return Err(format!(
            "refused: host user {uid} did not make this sandbox"
        ));
    }
    Ok(())
}

async fn session(stream: tokio::net::UnixStream, served: Served) {
    let cred = stream.peer_cred();
    let (r, w) = stream.into_split();
    let mut r = channel::reader(r);
    let mut w = channel::writer(w);
    let verdict = match cred {
        Ok(c) => admit(c.pid(), c.uid(), served.owner_uid),
        Err(e) => Err(format!("refused: no peer credentials: {e}")),
    };
    if let Err(why) = verdict {
        // In the container's log too: someone tried.
        eprintln!("dsbx helper: channel: {why}");
        let _ = channel::send(&mut w, &FromHelper::Refused(why)).await;
        return;
    }
    let Ok(Some(ToHelper::Hello { version })) = channel::recv(&mut r).await else {
        return;
    };
    let hello = FromHelper::Hello {
        version: VERSION,
        user: served.user.clone(),
        engine: served.engine.clone(),
    };
    if channel::send(&mut w, &hello).await.is_err() || version != VERSION {
        return;
    }
    let (args, env, tty, stdin) = match channel::recv(&mut r).await {
        Ok(Some(ToHelper::Start {
            args,
            env,
            tty,
            stdin,
        })) => (args, env, tty, stdin),
        Ok(Some(ToHelper::Claim {
            deadline,
            env,
            meta,
        })) => {
            let answer = match super::claim::apply(deadline, &env, &meta) {
                Ok(()) => FromHelper::Claimed,
                Err(e) => FromHelper::Refused(format!("the claim failed: {e}")),
            };
            let _ = channel::send(&mut w, &answer).await;
            return;
        }
        _ => return,
    };
    if !args
        .first()
        .is_some_and(|role| ROLES.contains(&role.as_str()))
    {
        let _ = channel::send(
            &mut w,
            &FromHelper::Refused(format!("refused: not a role the channel runs: {args:?}")),
        )
        .await;
        return;
    }
    let failed = match run_role(&args, &env, tty, stdin, r, w).await {
        Ok(()) => return,
        Err(e) => e,
    };
    eprintln!("dsbx helper: channel: {failed}");
}

/// Where the role's output comes from and its input goes.
struct Wiring {
    out: Box<dyn AsyncRead + Unpin + Send>,
    err: Option<Box<dyn AsyncRead + Unpin + Send>>,
    input: Option<Box<dyn tokio::io::AsyncWrite + Unpin + Send>>,
    /// The terminal's master, for resizes.
    master: Option<OwnedFd>,
}

async fn run_role(
    args: &[String],
    env: &[String],
    tty: bool,
    stdin: bool,
    mut r: channel::Reader<tokio::net::unix::OwnedReadHalf>,
    mut w: channel::Writer<tokio::net::unix::OwnedWriteHalf>,
) -> io::Result<()> {
    let mut cmd = tokio::process::Command::new(HELPER_PATH);
    // The working directory and environment are PID 1's, which are the container's own (its
    // WorkingDir and Env), as the engine gives an exec.
    cmd.arg("__helper").args(args);
    for entry in env {
        if let Some((k, v)) = entry.split_once('=') {
            cmd.env(k, v);
        }
    }
    let spawned = if tty {
        spawn_on_terminal(&mut cmd)
    } else {
        cmd.stdin(if stdin { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.spawn().map(|mut child| {
            // An upload's tar in, a command's output out: a wake-up moves up to 1 MiB.
            for fd in [
                child.stdin.as_ref().and_then(|i| i.as_raw_fd().into()),
                child.stdout.as_ref().and_then(|o| o.as_raw_fd().into()),
            ]
            .into_iter()
            .flatten()
            {
                super::exec::grow_pipe(fd);
            }
            let wiring = Wiring {
                out: Box::new(child.stdout.take().expect("piped")),
                err: Some(Box::new(child.stderr.take().expect("piped"))),
                input: child
                    .stdin
                    .take()
                    .map(|i| Box::new(i) as Box<dyn tokio::io::AsyncWrite + Unpin + Send>),
                master: None,
            };
            (child, wiring)
        })
    };
    drop(cmd);
    let (mut child, wiring) = match spawned {
        Ok(s) => s,
        Err(e) => {
            // As the engine path reports it: a full pids cgroup by name, anything else as
            // dsbx's own failure.
            let code = if e.raw_os_error() == Some(libc::EAGAIN) {
                126
            } else {
                125
            };
            let why = format!("cannot start `{}`: {e}", program_of(args));
            let _ = channel::send(&mut w, &FromHelper::CannotStart(why)).await;
            let _ = channel::send(&mut w, &FromHelper::Exit { code, ending: None }).await;
            return Ok(());
        }
    };
    // Before any output: dsbx can name the process the moment the command runs. A dsbx
    // already gone changes nothing (see the writer below).
    if let Some(pid) = child.id() {
        let _ = channel::send(&mut w, &FromHelper::Started { pid }).await;
    }

    let (tx, mut rx) = mpsc::channel::<FromHelper>(QUEUE);
    let writer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if channel::send(&mut w, &m).await.is_err() {
                // dsbx is gone: the role runs on, its output going nowhere (see `pump`), as
                // the engine's exec does when its client dies.
                return;
            }
        }
    });
    let out_pump = tokio::spawn(pump(wiring.out, tx.clone(), FromHelper::Stdout));
    let err_pump = wiring
        .err
        .map(|err| tokio::spawn(pump(err, tx.clone(), FromHelper::Stderr)));

    // Input and resizes. The client's departure closes the role's stdin (as the engine does) and
    // nothing more: a command outlives a killed dsbx until its own end or `--timeout`.
    let master = wiring.master;
    let mut input = wiring.input;
    let reader = tokio::spawn(async move {
        loop {
            match channel::recv::<_, ToHelper>(&mut r).await {
                Ok(Some(ToHelper::Stdin(bytes))) => {
                    if let Some(i) = input.as_mut()
                        && i.write_all(&bytes).await.is_err()
                    {
                        input = None;
                    }
                }
                Ok(Some(ToHelper::StdinEnd)) => {
                    if let Some(mut i) = input.take() {
                        let _ = i.shutdown().await;
                    }
                }
                Ok(Some(ToHelper::Resize { cols, rows })) => {
                    if let Some(m) = &master {
                        resize(m.as_raw_fd(), cols, rows);
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return,
            }
        }
    });

    let status = child.wait().await?;
    reader.abort();
    let code = match (
        status.code(),
        std::os::unix::process::ExitStatusExt::signal(&status),
    ) {
        (Some(c), _) => c,
        (None, Some(s)) => 128 + s,
        _ => 125,
    };
    // Output the role left behind in the pipes comes first; a terminal held open by a job the
    // command left running gets a moment, not forever.
    let _ = tokio::time::timeout(AFTER_EXIT, async {
        let _ = out_pump.await;
        if let Some(p) = err_pump {
            let _ = p.await;
        }
    })
    .await;
    let ending = ending_of(args, code);
    let _ = tx.send(FromHelper::Exit { code, ending }).await;
    drop(tx);
    let _ = writer.await;
    Ok(())
}

/// What a role was to start, for messages: an exec's command, else the role.
fn program_of(args: &[String]) -> String {
    let words: Vec<OsString> = args[1..].iter().map(OsString::from).collect();
    match super::exec::parse(&words) {
        Ok(request) if args[0] == "exec" => request.argv[0].to_string_lossy().into_owned(),
        _ => args[0].clone(),
    }
}

/// An exec's status file when its code is ambiguous (the same file the engine path reads).
fn ending_of(args: &[String], code: i32) -> Option<String> {
    if args.first().map(String::as_str) != Some("exec") || (code != 124 && code <= 128) {
        return None;
    }
    let words: Vec<OsString> = args[1..].iter().map(OsString::from).collect();
    let request = super::exec::parse(&words).ok()?;
    if !super::own_files::valid_tag(&request.tag) {
        return None;
    }
    super::own_files::read_regular(&super::own_files::status_path(&request.tag), false)
}

async fn pump(
    mut from: Box<dyn AsyncRead + Unpin + Send>,
    to: mpsc::Sender<FromHelper>,
    frame: fn(bytes::Bytes) -> FromHelper,
) {
    use bytes::BufMut;
    // Read straight into the frame's own buffer (no copy between the pipe and the message);
    // once the socket has taken a frame, `reserve` gets its memory back for the next one.
    let mut buf = bytes::BytesMut::with_capacity(CHUNK);
    loop {
        buf.reserve(CHUNK);
        match from.read_buf(&mut (&mut buf).limit(CHUNK)).await {
            // EIO: a terminal whose last holder closed it.
            Ok(0) | Err(_) => return,
            // With dsbx gone, output is read and dropped, as the engine does: the command
            // neither blocks on a full pipe nor dies of a broken one.
            Ok(_) => {
                let _ = to.send(frame(buf.split().freeze())).await;
            }
        }
    }
}

fn resize(master: RawFd, cols: u16, rows: u16) {
    let ws = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCSWINSZ with a winsize we own.
    unsafe { libc::ioctl(master, libc::TIOCSWINSZ, &ws) };
}

/// A new terminal: its slave is the role's stdin, stdout, stderr and controlling terminal, as
/// the engine's `-t` exec gives it.
fn spawn_on_terminal(
    cmd: &mut tokio::process::Command,
) -> io::Result<(tokio::process::Child, Wiring)> {
    // SAFETY: the posix_openpt family on fds we own at once.
    let (master, slave) = unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        if m < 0 {
            return Err(io::Error::last_os_error());
        }
        let master = OwnedFd::from_raw_fd(m);
        if libc::grantpt(m) != 0 || libc::unlockpt(m) != 0 {
            return Err(io::Error::last_os_error());
        }
        let mut name = [0 as libc::c_char; 128];
        if libc::ptsname_r(m, name.as_mut_ptr(), name.len()) != 0 {
            return Err(io::Error::last_os_error());
        }
        let s = libc::open(
            name.as_ptr(),
            libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
        );
        if s < 0 {
            return Err(io::Error::last_os_error());
        }
        (master, OwnedFd::from_raw_fd(s))
    };
    let stdio = |fd: &OwnedFd| fd.try_clone().map(Stdio::from);
    cmd.stdin(stdio(&slave)?)
        .stdout(stdio(&slave)?)
        .stderr(stdio(&slave)?);
    // SAFETY: async-signal-safe calls only, between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY, 0);
            Ok(())
        });
    }
    let child = cmd.spawn()?;
    drop(slave);
    let read = tokio::fs::File::from_std(std::fs::File::from(master.try_clone()?));
    let write = tokio::fs::File::from_std(std::fs::File::from(master.try_clone()?));
    Ok((
        child,
        Wiring {
            out: Box::new(read),
            err: None,
            input: Some(Box::new(write)),
            master: Some(master),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission() {
        assert!(admit(Some(0), 1000, 1000).is_ok());
        assert!(admit(Some(0), 0, 1000).is_ok());
        assert!(
            admit(Some(7), 0, 0).is_err(),
            "a peer inside the sandbox, even root"
        );
        assert!(admit(None, 0, 0).is_err());
        assert!(admit(Some(0), 1001, 1000).is_err(), "another host user");
    }

    #[test]
    fn served_arguments() {
        assert_eq!(
            Served::parse("1000:100", "user", "unix:///d.sock"),
            Some(Served {
                owner_uid: 1000,
                owner_gid: 100,
                user: "user".into(),
                engine: "unix:///d.sock".into(),
            })
        );
        assert_eq!(Served::parse("1000", "user", "e"), None);
        assert_eq!(Served::parse("x:1", "user", "e"), None);
    }

    #[test]
    fn endings_only_for_ambiguous_execs() {
        let args: Vec<String> = ["exec", "--tag", "../x", "--", "true"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(ending_of(&args, 0), None);
        // An invalid tag is never turned into a path.
        assert_eq!(ending_of(&args, 137), None);
        assert_eq!(ending_of(&["fs".to_string()], 137), None);
    }
}
