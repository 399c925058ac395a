//! exec: running a process in a sandbox through the engine's exec API.
//!
//! The flow is create, start attached, read frames as they come, inspect for the exit code. The
//! engine's stream ends only when every holder of the exec's output pipes has closed them; dsbx's
//! helper makes sure that happens when the command exits (see `helper::exec`).

use super::Engine;
use bollard::container::LogOutput;
use bollard::exec::{StartExecOptions, StartExecResults};
use bollard::models::ExecConfig;
use futures_util::{Stream, StreamExt};
use std::pin::Pin;
use std::time::Duration;
use tokio::io::AsyncWrite;

/// What to run and how to attach to it.
#[derive(Debug, Clone, Default)]
pub struct ExecSpec {
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    /// Docker's user for the exec'd process (dsbx's helper runs as `0`).
    pub user: String,
    pub tty: bool,
    pub stdin: bool,
    /// Only for plain `docker exec` (no helper); the helper changes directory itself.
    pub working_dir: Option<String>,
}

/// One piece of a command's output, whichever path carried it (the engine's exec stream or the
/// helper's channel). dsbx's own type: bollard's `LogOutput` stays in this file.
#[derive(Debug, Clone)]
pub enum OutputChunk {
    /// The command's stdout, or its terminal's output when it runs on a tty.
    Stdout(bytes::Bytes),
    Stderr(bytes::Bytes),
}

impl OutputChunk {
    pub fn into_bytes(self) -> bytes::Bytes {
        match self {
            OutputChunk::Stdout(b) | OutputChunk::Stderr(b) => b,
        }
    }
}

/// The engine's frame as an [`OutputChunk`]: a tty's `Console` is the command's output; the
/// engine never sends `StdIn` frames to a reader, and one would not be output.
fn chunk_of(frame: LogOutput) -> Option<OutputChunk> {
    match frame {
        LogOutput::StdOut { message } | LogOutput::Console { message } => {
            Some(OutputChunk::Stdout(message))
        }
        LogOutput::StdErr { message } => Some(OutputChunk::Stderr(message)),
        LogOutput::StdIn { .. } => None,
    }
}

pub type OutputStream = Pin<Box<dyn Stream<Item = Result<OutputChunk, OutputError>> + Send>>;

/// Why a command's output stopped coming before its end: the engine's stream broke (read by
/// [`Engine::fail_output`], the engine's quirks staying here), or the sandbox's channel did.
#[derive(Debug)]
pub enum OutputError {
    Engine(bollard::errors::Error),
    Channel(std::io::Error),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Engine(e) => e.fmt(f),
            OutputError::Channel(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OutputError::Engine(e) => Some(e),
            OutputError::Channel(e) => Some(e),
        }
    }
}

impl From<bollard::errors::Error> for OutputError {
    fn from(e: bollard::errors::Error) -> Self {
        OutputError::Engine(e)
    }
}

impl From<std::io::Error> for OutputError {
    fn from(e: std::io::Error) -> Self {
        OutputError::Channel(e)
    }
}
pub type InputSink = Pin<Box<dyn AsyncWrite + Send>>;

/// A started, attached exec.
pub struct Attached {
    pub exec_id: String,
    pub output: OutputStream,
    pub input: InputSink,
}

/// What the engine says of an exec's process (see [`Engine::exec_host_pid`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecPid {
    Running(i64),
    /// Started, but the runtime has not reported the process yet.
    NotYet,
    /// Over before its pid was read.
    Ended,
}

/// The exec stream's read buffer (see `start_attached`).
const OUTPUT_CAPACITY: usize = 64 << 10;

impl Engine {
    /// Creates and starts an exec in sandbox `id`, attached to its output (and stdin if asked).
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn start_attached(&self, id: &str, spec: &ExecSpec) -> anyhow::Result<Attached> {
        let container = crate::ids::container_name(id);
        let config = ExecConfig {
            attach_stdin: Some(spec.stdin),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(spec.tty),
            env: (!spec.env.is_empty()).then(|| spec.env.clone()),
            cmd: Some(spec.cmd.clone()),
            user: Some(spec.user.clone()),
            working_dir: spec.working_dir.clone(),
            ..Default::default()
        };
        let created = self
            .docker()
            .create_exec(&container, config)
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("starting a command in {id}")))?;
        let options = StartExecOptions {
            detach: false,
            tty: spec.tty,
            // bollard zeroes the whole spare capacity of this buffer on every read of the
            // upgraded stream: 1 MiB made each `exec true` pay megabytes of memset and fresh
            // pages; 64 KiB still takes the engine's frames (at most 32 KiB) whole.
            output_capacity: Some(OUTPUT_CAPACITY),
        };
        match self
            .docker()
            .start_exec(&created.id, Some(options))
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("starting a command in {id}")))?
        {
            StartExecResults::Attached { output, input } => Ok(Attached {
                exec_id: created.id,
                output: Box::pin(output.filter_map(|frame| {
                    std::future::ready(
                        frame
                            .map(chunk_of)
                            .transpose()
                            .map(|f| f.map_err(Into::into)),
                    )
                })),
                input,
            }),
            StartExecResults::Detached => Err(anyhow::anyhow!(
                "starting a command in {id}: the engine did not attach to it"
            )),
        }
    }

    /// The exec's exit code once its stream has ended. The engine can report the process as
    /// still running for a moment after the stream closes, so this polls briefly.
    #[tracing::instrument(level = "info", skip_all, fields(exec_id = %exec_id))]
    pub async fn exec_exit_code(&self, exec_id: &str) -> anyhow::Result<i64> {
        for attempt in 0..200 {
            let info = self
                .docker()
                .inspect_exec(exec_id)
                .await
                .map_err(|e| self.fail(e, "reading the command's exit status"))?;
            if let Some(code) = info.exit_code
                && info.running != Some(true)
            {
                return Ok(code);
            }
            tracing::debug!("retry {attempt}: the engine still reports the command running");
            tokio::time::sleep(Duration::from_millis(if attempt < 20 { 5 } else { 50 })).await;
        }
        Err(anyhow::anyhow!(
            "the engine never reported the command's exit status"
        ))
    }

    /// The exit code of an exec in sandbox `id` whose stream has ended, unless the sandbox went
    /// away under it: a sandbox removed (or stopped) while the command started or ran leaves the
    /// engine's 126, a signal's code or no exec at all, which would read as the command's own
    /// failure; that is a dsbx-side failure (exec's 125) that says what happened.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id, exec_id = %exec_id))]
    pub async fn exit_code_in(&self, id: &str, exec_id: &str) -> anyhow::Result<i64> {
        let code = self.exec_exit_code(exec_id).await;
        let suspect = match &code {
            Ok(c) => *c == 126 || *c >= 128,
            Err(_) => true,
        };
        if suspect && let Some(gone) = self.gone_under_command(id).await {
            return Err(gone);
        }
        code
    }

    /// When sandbox `id` was removed or stopped under a running command, the error that says so
    /// (exit 125 for exec, with the sandbox named) instead of whatever broke the command's stream.
    /// The engine can report an exec's end a moment before the container's: it looks three times
    /// over 200 ms, so callers ask only when something already looks wrong.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn gone_under_command(&self, id: &str) -> Option<anyhow::Error> {
        for attempt in 0..3 {
            if attempt > 0 {
                tracing::info!("retry {attempt}: is sandbox {id} still there?");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let gone = match self.inspect_sandbox(id).await {
                Ok(None) => Some("was removed"),
                Ok(Some(s)) => {
                    use crate::sandbox::ContainerState as S;
                    match s.state {
                        S::Removing | S::Dead => Some("was being removed"),
                        S::Exited | S::Created => Some("stopped"),
                        S::Running | S::Paused | S::Restarting => None,
                    }
                }
                Err(_) => None,
            };
            if let Some(what) = gone {
                return Some(crate::error::not_found(format!(
                    "sandbox `{id}` {what} while the command ran (its exit status is lost)"
                )));
            }
        }
        None
    }

    /// The exec's process id as the engine reports it (in the engine host's pid namespace).
    /// The engine has none until its runtime has started the process, which under load can be
    /// a good part of a second after the start call returned.
    #[tracing::instrument(level = "info", skip_all, fields(exec_id = %exec_id))]
    pub async fn exec_host_pid(&self, exec_id: &str) -> anyhow::Result<ExecPid> {
        let info = self
            .docker()
            .inspect_exec(exec_id)
            .await
            .map_err(|e| self.fail(e, "reading the command's process id"))?;
        Ok(match info.pid.filter(|p| *p > 0) {
            Some(pid) => ExecPid::Running(pid),
            None if info.exit_code.is_some() => ExecPid::Ended,
            None => ExecPid::NotYet,
        })
    }

    /// Tells the engine the terminal's size for a `-t` exec.
    #[tracing::instrument(level = "info", skip_all, fields(exec_id = %exec_id))]
    pub async fn resize_exec(&self, exec_id: &str, width: u16, height: u16) -> anyhow::Result<()> {
        let options = bollard::query_parameters::ResizeExecOptions {
            h: height as i32,
            w: width as i32,
        };
        self.docker()
            .resize_exec(exec_id, options)
            .await
            .map_err(|e| self.fail(e, "resizing the terminal"))
    }

    /// Runs a short command as `user` to completion and returns its exit code and output. For
    /// dsbx's own helper calls (a tree kill, a port probe, a file operation), not user commands.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn run_captured(
        &self,
        id: &str,
        cmd: Vec<String>,
        user: &str,
    ) -> anyhow::Result<Captured> {
        let spec = ExecSpec {
            cmd,
            user: user.into(),
            ..Default::default()
        };
        let attached = self.start_attached(id, &spec).await?;
        let mut captured = Captured::default();
        // dsbx's own short commands, unlike a user's: a stalled one must not hang dsbx.
        let watch = self.stall_watch(
            self.bounds.stall,
            format!("running a helper command in {id}"),
        );
        let mut output = Box::pin(watch.bound(attached.output));
        while let Some(frame) = output.next().await {
            match frame {
                Ok(OutputChunk::Stderr(message)) => captured.stderr.extend_from_slice(&message),
                Ok(OutputChunk::Stdout(message)) => captured.stdout.extend_from_slice(&message),
                Err(e) => {
                    return Err(self.fail_output(
                        e,
                        None,
                        &format!("running a helper command in {id}"),
                    ));
                }
            }
        }
        captured.code = self.exec_exit_code(&attached.exec_id).await?;
        Ok(captured)
    }
}

impl Engine {
    /// [`Engine::run_captured`] with `input` streamed to the command's stdin, then closed (an
    /// upload's tar for the helper's `extract`). Output is read while the input is written, so
    /// neither side can stall the other. A failed `input` stops the stream without closing it
    /// cleanly; the caller knows why from its own side.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn run_with_input<S>(
        &self,
        id: &str,
        cmd: Vec<String>,
        user: &str,
        mut input: S,
    ) -> anyhow::Result<Captured>
    where
        S: Stream<Item = Result<bytes::Bytes, std::io::Error>> + Unpin + Send + 'static,
    {
        use tokio::io::AsyncWriteExt;
        let spec = ExecSpec {
            cmd,
            user: user.into(),
            stdin: true,
            ..Default::default()
        };
        let Attached {
            exec_id,
            mut output,
            input: mut sink,
        } = self.start_attached(id, &spec).await?;
        let writer = tokio::spawn(async move {
            while let Some(chunk) = input.next().await {
                match chunk {
                    Ok(bytes) => {
                        if sink.write_all(&bytes).await.is_err() {
                            return;
                        }
                    }
                    Err(_) => return,
                }
            }
            let _ = sink.flush().await;
            let _ = sink.shutdown().await;
        });
        let mut captured = Captured::default();
        while let Some(frame) = output.next().await {
            match frame {
                Ok(OutputChunk::Stderr(message)) => captured.stderr.extend_from_slice(&message),
                Ok(OutputChunk::Stdout(message)) => captured.stdout.extend_from_slice(&message),
                Err(e) => {
                    writer.abort();
                    return Err(self.fail_output(
                        e,
                        None,
                        &format!("running a helper command in {id}"),
                    ));
                }
            }
        }
        writer.abort();
        captured.code = self.exec_exit_code(&exec_id).await?;
        Ok(captured)
    }
}

/// What [`Engine::run_captured`] returns.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    pub code: i64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Whether the engine's text for a failed start means no process could be created in the sandbox
/// (runc's own fork failed: the pids cgroup is full).
pub fn no_process_could_start(text: &str) -> bool {
    let text = text.to_lowercase();
    text.contains("resource temporarily unavailable")
        || text.contains("read init-p: connection reset by peer")
        || text.contains("cannot allocate memory")
}

/// Whether the first stdout frame of a plain `docker exec` is the engine's own error (runc's
/// "OCI runtime exec failed: …", which the engine sends as a stdout frame) rather than the
/// command's output.
pub fn is_engine_exec_error(first_stdout: &[u8]) -> bool {
    first_stdout.starts_with(b"OCI runtime ")
}

/// Whether the engine's own error text (see [`is_engine_exec_error`]) says the command's
/// executable does not exist: plain `docker exec` exits 126 for it, where the contract says 127.
pub fn is_missing_executable(engine_text: &str) -> bool {
    engine_text.contains("executable file not found")
        || engine_text.contains("no such file or directory")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_pids_cgroup_is_recognised_in_the_engines_words() {
        assert!(no_process_could_start(
            "OCI runtime exec failed: exec failed: unable to start container process: read \
             init-p: connection reset by peer: unknown"
        ));
        assert!(no_process_could_start(
            "OCI runtime exec failed: fork/exec: Resource temporarily unavailable"
        ));
        assert!(!no_process_could_start(
            "OCI runtime exec failed: exec: \"nope\": executable file not found in $PATH"
        ));
    }
}
