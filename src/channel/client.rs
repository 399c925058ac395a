//! dsbx's end of the channel: finding a sandbox's socket, the hello, and a started role as a
//! stream of output frames plus an input sink, the shapes the engine's exec path gives too.

use super::{FromHelper, QUEUE, ToHelper, VERSION};
use crate::engine::exec::{Captured, InputSink, OutputChunk, OutputStream};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::AsyncWrite;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::PollSender;

/// How long a connected helper may take to say hello. A paused sandbox's socket accepts
/// connections (the kernel does) but its helper never answers: after this, the engine path
/// (which resumes it) takes over.
const HELLO_WAIT: Duration = Duration::from_secs(2);
/// How much longer dsbx waits for the hello of a helper that is not frozen. A sandbox whose own
/// code spends its CPU quota (a tight loop, a fork storm) can leave the helper unscheduled for
/// seconds; falling back to the engine then would change which guarantees hold (the engine path
/// reads a relative REMOTE from the working directory's name, the helper from the directory
/// itself), so dsbx waits for it instead. Only a paused sandbox (its cgroup frozen) is given up
/// on at once: the engine's path resumes it.
const SLOW_HELLO_WAIT: Duration = Duration::from_secs(30);

/// A connected, greeted helper.
pub struct Channel {
    reader: super::Reader<OwnedReadHalf>,
    writer: super::Writer<OwnedWriteHalf>,
    /// The sandbox's user, as the helper was told at creation.
    pub user: String,
}

/// How a role ended: its exit code and, for an ambiguous exec, its status file's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Ended {
    pub code: i32,
    pub ending: Option<String>,
    /// Why the helper could not start the role at all (the OS's words), as the engine's runtime
    /// would say it.
    pub cannot_start: Option<String>,
}

/// A started role.
pub struct Attached {
    /// Ends after the role's last output; [`Attached::ended`] then holds how it ended.
    pub output: OutputStream,
    /// Writing is the role's stdin; shutting it down is its EOF.
    pub input: InputSink,
    pub ended: oneshot::Receiver<Ended>,
    pub control: Control,
    /// The role's process in the sandbox's pid namespace; `None` when it could not start.
    pub pid: Option<u32>,
}

/// Resizes a terminal while the role runs.
#[derive(Clone)]
pub struct Control(mpsc::Sender<ToHelper>);

impl Control {
    pub async fn resize(&self, cols: u16, rows: u16) {
        let _ = self.0.send(ToHelper::Resize { cols, rows }).await;
    }
}

/// Why the channel is not used for a call, said under `--verbose`.
pub type Unavailable = String;

/// Connects to the helper of sandbox `id` through its host directory under `state_dir`, if the
/// sandbox was made on the engine at `engine` (the endpoint's URL).
pub async fn connect(state_dir: &Path, id: &str, engine: &str) -> Result<Channel, Unavailable> {
    let started = std::time::Instant::now();
    let result = try_connect(state_dir, id, engine).await;
    match &result {
        Ok(_) => tracing::info!(
            "path: sandbox {id}'s channel answered in {:.1} ms: no engine request",
            started.elapsed().as_secs_f64() * 1000.0
        ),
        Err(why) => tracing::info!("path: the engine, not sandbox {id}'s channel ({why})"),
    }
    result
}

async fn try_connect(state_dir: &Path, id: &str, engine: &str) -> Result<Channel, Unavailable> {
    if !super::enabled() {
        return Err(format!("{}=off", super::SWITCH));
    }
    let dir = super::host_dir(state_dir, id);
    let handle = open_socket_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // Through the directory handle: a link planted as the directory cannot redirect it, and the
    // path stays short whatever the state directory's length.
    let path = format!("/proc/self/fd/{}/{}", handle.as_raw_fd(), super::SOCKET);
    let stream = tokio::net::UnixStream::connect(&path)
        .await
        .map_err(|e| format!("connecting to {}: {e}", dir.display()))?;
    drop(handle);
    let helper_pid = stream.peer_cred().ok().and_then(|c| c.pid());
    let (r, w) = stream.into_split();
    let mut reader = super::reader(r);
    let mut writer = super::writer(w);
    let answer = {
        let greet = async {
            super::send(&mut writer, &ToHelper::Hello { version: VERSION }).await?;
            super::recv::<_, FromHelper>(&mut reader).await
        };
        tokio::pin!(greet);
        let answer = tokio::time::timeout(HELLO_WAIT, &mut greet).await;
        match answer.is_err() && helper_pid.and_then(frozen) == Some(false) {
            true => {
                tracing::info!("sandbox {id}'s helper is slow to answer, not paused: waiting");
                tokio::time::timeout(SLOW_HELLO_WAIT, &mut greet).await
            }
            false => answer,
        }
    };
    let user = match answer {
        Err(_) => return Err("the helper did not answer (a paused sandbox?)".into()),
        Ok(Err(e)) => return Err(format!("the helper's hello: {e}")),
        Ok(Ok(None)) => return Err("the helper closed the channel".into()),
        Ok(Ok(Some(FromHelper::Refused(why)))) => return Err(why),
        Ok(Ok(Some(FromHelper::Hello {
            version,
            user,
            engine: made_on,
        }))) if version == VERSION => {
            if made_on != engine {
                return Err(format!(
                    "the sandbox was made on {made_on}, not on {engine}"
                ));
            }
            user
        }
        Ok(Ok(Some(FromHelper::Hello { version, .. }))) => {
            return Err(format!(
                "the helper speaks channel version {version}, dsbx {VERSION}"
            ));
        }
        Ok(Ok(Some(other))) => return Err(format!("unexpected hello {other:?}")),
    };
    Ok(Channel {
        reader,
        writer,
        user,
    })
}

/// Whether the cgroup of process `pid` (the helper, seen from the host) is frozen, as
/// `docker pause` freezes a container: cgroup v1's freezer, else v2's `cgroup.events`; `None`
/// when neither can be read.
fn frozen(pid: i32) -> Option<bool> {
    let cgroups = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    let path_of = |controller: &str| {
        cgroups.lines().find_map(|line| {
            let mut fields = line.splitn(3, ':');
            let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
            controllers
                .split(',')
                .any(|c| c == controller)
                .then(|| path.to_string())
        })
    };
    if let Some(path) = path_of("freezer")
        && let Ok(state) =
            std::fs::read_to_string(format!("/sys/fs/cgroup/freezer{path}/freezer.state"))
    {
        return Some(state.trim() != "THAWED");
    }
    let path = path_of("")?;
    let events = std::fs::read_to_string(format!("/sys/fs/cgroup{path}/cgroup.events")).ok()?;
    events
        .lines()
        .find_map(|l| l.strip_prefix("frozen "))
        .map(|v| v.trim() == "1")
}

/// The host directory, opened without following a link, and its socket: a socket of ours (code
/// in the sandbox as root could plant a link there to some other socket of the host).
fn open_socket_dir(dir: &Path) -> io::Result<OwnedFd> {
    use std::os::unix::ffi::OsStrExt;
    let c = CString::new(dir.as_os_str().as_bytes())?;
    // SAFETY: open(2) with a valid C string; the fd is owned at once.
    let fd = unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh fd.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let name = CString::new(super::SOCKET)?;
    // SAFETY: fstatat on our fd into a struct we own.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe {
        libc::fstatat(
            fd.as_raw_fd(),
            name.as_ptr(),
            &mut st,
            libc::AT_SYMLINK_NOFOLLOW,
        )
    } != 0
    {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    if st.st_mode & libc::S_IFMT != libc::S_IFSOCK || st.st_uid != me {
        return Err(io::Error::other("not a socket of this user"));
    }
    Ok(fd)
}

impl Channel {
    /// Applies a pool claim (see `ToHelper::Claim`): `Ok` once the helper has it in force.
    pub async fn claim(mut self, deadline: i64, env: Vec<String>, meta: String) -> io::Result<()> {
        let claim = ToHelper::Claim {
            deadline,
            env,
            meta,
        };
        super::send(&mut self.writer, &claim).await?;
        match super::recv::<_, FromHelper>(&mut self.reader).await? {
            Some(FromHelper::Claimed) => Ok(()),
            Some(FromHelper::Refused(why)) => Err(io::Error::other(why)),
            other => Err(io::Error::other(format!(
                "the helper did not take the claim: {other:?}"
            ))),
        }
    }

    /// Starts `__helper ARGS…` in the sandbox (ARGS[0] is the role).
    pub async fn start(
        mut self,
        args: Vec<String>,
        env: Vec<String>,
        tty: bool,
        stdin: bool,
    ) -> io::Result<Attached> {
        let start = ToHelper::Start {
            args,
            env,
            tty,
            stdin,
        };
        super::send(&mut self.writer, &start).await?;
        let (pid, cannot_start) = match super::recv::<_, FromHelper>(&mut self.reader).await? {
            Some(FromHelper::Started { pid }) => (Some(pid), None),
            // Its `Exit` follows, read with the output.
            Some(FromHelper::CannotStart(why)) => (None, Some(why)),
            Some(FromHelper::Refused(why)) => return Err(io::Error::other(why)),
            Some(other) => {
                return Err(io::Error::other(format!(
                    "the helper did not start the role: {other:?}"
                )));
            }
            None => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the helper closed the channel before the role started",
                ));
            }
        };
        let (tx, mut rx) = mpsc::channel::<ToHelper>(QUEUE);
        let mut writer = self.writer;
        // Ends when every sender is gone, the output stream's included: the socket's write half
        // stays open until the exit has arrived (its close would end the role).
        tokio::spawn(async move {
            while let Some(m) = rx.recv().await {
                if super::send(&mut writer, &m).await.is_err() {
                    return;
                }
            }
        });
        let (ended_tx, ended) = oneshot::channel();
        let state = Reading {
            reader: self.reader,
            ended: Some(ended_tx),
            cannot_start,
            _keep: tx.clone(),
        };
        let output = futures_util::stream::unfold(state, |mut s| async move {
            // Taken for good on the exit or a failure: the stream then ends.
            let ended = s.ended.take()?;
            let item = loop {
                break match super::recv::<_, FromHelper>(&mut s.reader).await {
                    Ok(Some(FromHelper::Stdout(message))) => Ok(OutputChunk::Stdout(message)),
                    Ok(Some(FromHelper::Stderr(message))) => Ok(OutputChunk::Stderr(message)),
                    Ok(Some(FromHelper::CannotStart(why))) => {
                        s.cannot_start = Some(why);
                        continue;
                    }
                    Ok(Some(FromHelper::Exit { code, ending })) => {
                        let cannot_start = s.cannot_start.take();
                        let _ = ended.send(Ended {
                            code,
                            ending,
                            cannot_start,
                        });
                        return None;
                    }
                    Ok(Some(FromHelper::Refused(why))) => Err(io::Error::other(why)),
                    Ok(Some(other)) => Err(io::Error::other(format!("unexpected frame {other:?}"))),
                    Ok(None) => Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the helper closed the channel before the command ended",
                    )),
                    Err(e) => Err(e),
                };
            };
            if item.is_ok() {
                s.ended = Some(ended);
            }
            Some((item.map_err(Into::into), s))
        });
        Ok(Attached {
            output: Box::pin(output),
            input: Box::pin(Input {
                sender: PollSender::new(tx.clone()),
                ended: false,
            }),
            ended,
            control: Control(tx),
            pid,
        })
    }
}

impl Channel {
    /// Runs `__helper ARGS…` to its end with `input` (if any) as its stdin; returns its exit code
    /// and output. A failing `input` ends the call (the role sees its stdin close, as on the
    /// engine's path; the caller knows why from its own side).
    pub async fn run_captured<S>(self, args: Vec<String>, input: Option<S>) -> io::Result<Captured>
    where
        S: Stream<Item = Result<Bytes, io::Error>> + Unpin + Send + 'static,
    {
        let mut started = self.start(args, Vec::new(), false, input.is_some()).await?;
        let mut writer = input.map(|mut input| {
            let control = started.control.0.clone();
            tokio::spawn(async move {
                while let Some(chunk) = input.next().await {
                    let Ok(bytes) = chunk else {
                        return false;
                    };
                    // Slices of what was read, not copies: the frame's encoding is the copy.
                    let mut rest = bytes;
                    while !rest.is_empty() {
                        let piece = rest.split_to(rest.len().min(super::CHUNK));
                        if control.send(ToHelper::Stdin(piece)).await.is_err() {
                            return true;
                        }
                    }
                }
                let _ = control.send(ToHelper::StdinEnd).await;
                true
            })
        });
        drop(started.input);
        let mut captured = Captured::default();
        let mut output = started.output;
        loop {
            tokio::select! {
                frame = output.next() => match frame {
                    Some(Ok(OutputChunk::Stderr(message))) => captured.stderr.extend_from_slice(&message),
                    Some(Ok(OutputChunk::Stdout(message))) => captured.stdout.extend_from_slice(&message),
                    Some(Err(e)) => return Err(io::Error::other(e)),
                    None => break,
                },
                done = async { writer.as_mut().expect("guarded").await }, if writer.is_some() => {
                    writer = None;
                    if !matches!(done, Ok(true)) {
                        return Err(io::Error::other("the input failed"));
                    }
                }
            }
        }
        let ended = (&mut started.ended)
            .await
            .map_err(|_| io::Error::other("the channel ended without the role's exit status"))?;
        captured.code = ended.code as i64;
        Ok(captured)
    }
}

/// The helper command `cmd` (`/.dsbx/bin/dsbx __helper ROLE …`) as the channel takes it: the role
/// and its arguments.
fn role_args(cmd: &[String]) -> Option<Vec<String>> {
    match cmd {
        [path, helper, rest @ ..]
            if path == crate::engine::helper_volume::HELPER_PATH && helper == "__helper" =>
        {
            Some(rest.to_vec())
        }
        _ => None,
    }
}

/// Runs dsbx's helper command `cmd` as root in sandbox `id` to its end, over the sandbox's channel
/// when it can serve, else through the engine's exec path (`Engine::run_captured`); the same
/// role either way.
pub async fn run_helper(
    state_dir: &Path,
    engine: &crate::engine::Engine,
    id: &str,
    cmd: Vec<String>,
) -> anyhow::Result<Captured> {
    if let Some(args) = role_args(&cmd)
        && let Ok(channel) = connect(state_dir, id, &engine.endpoint.url).await
    {
        let none: Option<futures_util::stream::Empty<Result<Bytes, io::Error>>> = None;
        return channel
            .run_captured(args, none)
            .await
            .map_err(|e| anyhow::anyhow!("running a helper command in {id} (channel): {e}"));
    }
    engine.run_captured(id, cmd, "0").await
}

/// [`run_helper`] with `input` streamed to the role's stdin (`Engine::run_with_input`).
pub async fn run_helper_with_input<S>(
    state_dir: &Path,
    engine: &crate::engine::Engine,
    id: &str,
    cmd: Vec<String>,
    input: S,
) -> anyhow::Result<Captured>
where
    S: Stream<Item = Result<Bytes, io::Error>> + Unpin + Send + 'static,
{
    if let Some(args) = role_args(&cmd)
        && let Ok(channel) = connect(state_dir, id, &engine.endpoint.url).await
    {
        return channel
            .run_captured(args, Some(input))
            .await
            .map_err(|e| anyhow::anyhow!("running a helper command in {id} (channel): {e}"));
    }
    engine.run_with_input(id, cmd, "0", input).await
}

struct Reading {
    reader: super::Reader<OwnedReadHalf>,
    /// Taken when the exit arrives (or the stream fails): the stream then ends.
    ended: Option<oneshot::Sender<Ended>>,
    cannot_start: Option<String>,
    _keep: mpsc::Sender<ToHelper>,
}

/// The role's stdin as an `AsyncWrite`: each write is one frame, queued with backpressure.
struct Input {
    sender: PollSender<ToHelper>,
    ended: bool,
}

impl AsyncWrite for Input {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let closed = || io::Error::from(io::ErrorKind::BrokenPipe);
        ready!(self.sender.poll_reserve(cx)).map_err(|_| closed())?;
        let n = buf.len().min(super::CHUNK);
        self.sender
            .send_item(ToHelper::Stdin(Bytes::copy_from_slice(&buf[..n])))
            .map_err(|_| closed())?;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.ended {
            return Poll::Ready(Ok(()));
        }
        let closed = || io::Error::from(io::ErrorKind::BrokenPipe);
        ready!(self.sender.poll_reserve(cx)).map_err(|_| closed())?;
        self.sender
            .send_item(ToHelper::StdinEnd)
            .map_err(|_| closed())?;
        self.ended = true;
        self.sender.close();
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in helper that answers every hello with `answer`.
    fn fake_helper(dir: &Path, answer: FromHelper) -> tokio::task::JoinHandle<()> {
        let listener = tokio::net::UnixListener::bind(dir.join(crate::channel::SOCKET)).unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (r, w) = stream.into_split();
                let (mut r, mut w) = (crate::channel::reader(r), crate::channel::writer(w));
                let _ = crate::channel::recv::<_, ToHelper>(&mut r).await;
                let _ = crate::channel::send(&mut w, &answer).await;
            }
        })
    }

    fn sandbox_dir(state: &Path, id: &str) -> std::path::PathBuf {
        let dir = crate::channel::host_dir(state, id);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[tokio::test]
    async fn a_helper_of_another_version_or_engine_is_not_used() {
        let state = tempfile::tempdir().unwrap();
        let hello = |version, engine: &str| FromHelper::Hello {
            version,
            user: "user".into(),
            engine: engine.into(),
        };
        fake_helper(&sandbox_dir(state.path(), "old"), hello(VERSION + 1, "e"));
        fake_helper(
            &sandbox_dir(state.path(), "other"),
            hello(VERSION, "unix:///b"),
        );
        fake_helper(&sandbox_dir(state.path(), "good"), hello(VERSION, "e"));
        fake_helper(
            &sandbox_dir(state.path(), "refusing"),
            FromHelper::Refused("refused: no".into()),
        );
        let err = connect(state.path(), "old", "e").await.err().unwrap();
        assert!(err.contains("version"), "{err}");
        let err = connect(state.path(), "other", "e").await.err().unwrap();
        assert!(err.contains("made on unix:///b"), "{err}");
        let err = connect(state.path(), "refusing", "e").await.err().unwrap();
        assert_eq!(err, "refused: no");
        let channel = connect(state.path(), "good", "e").await.unwrap();
        assert_eq!(channel.user, "user");
        let err = connect(state.path(), "missing", "e").await.err().unwrap();
        assert!(err.contains("No such file"), "{err}");
    }

    #[tokio::test]
    async fn a_link_planted_for_the_socket_or_its_directory_is_not_followed() {
        let state = tempfile::tempdir().unwrap();
        let real = tempfile::tempdir().unwrap();
        fake_helper(
            real.path(),
            FromHelper::Hello {
                version: VERSION,
                user: "u".into(),
                engine: "e".into(),
            },
        );
        // The socket's name is a link to a socket elsewhere.
        let dir = sandbox_dir(state.path(), "linked");
        std::os::unix::fs::symlink(real.path().join("sock"), dir.join("sock")).unwrap();
        let err = connect(state.path(), "linked", "e").await.err().unwrap();
        assert!(err.contains("not a socket of this user"), "{err}");
        // The sandbox's directory is a link to a directory holding a socket.
        std::fs::create_dir_all(state.path().join("channels")).unwrap();
        std::os::unix::fs::symlink(real.path(), crate::channel::host_dir(state.path(), "dir"))
            .unwrap();
        assert!(connect(state.path(), "dir", "e").await.is_err());
    }
}
