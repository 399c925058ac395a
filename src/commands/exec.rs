//! `dsbx exec`: run a command in a sandbox through dsbx's helper, streaming stdout and stderr
//! apart and live, with the command's own exit status (see the contract's exit-code table).

use super::Context;
use crate::cli::{ExecArgs, ExecFlags};
use crate::engine::exec::{Attached, ExecSpec, OutputChunk};
use crate::engine::helper_volume::HELPER_PATH;
use crate::error::usage;
use crate::helper::exec::{Ending, Request};
use crate::helper::own_files::status_path;
use crate::sandbox::Sandbox;
use anyhow::Context as _;
use base64::Engine as _;
use futures_util::StreamExt;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::signal::unix::{SignalKind, signal};

/// The argv the helper runs: one word through `/bin/sh -c`, several as they are (or joined for
/// `--shell`).
pub fn command_argv(words: &[String], shell: bool) -> Vec<String> {
    if words.len() == 1 || shell {
        vec!["/bin/sh".into(), "-c".into(), words.join(" ")]
    } else {
        words.to_vec()
    }
}

struct Plan {
    id: String,
    flags: ExecFlags,
    json: bool,
    words: Vec<String>,
}

/// The exec clap parsed (with the dsbx flags found after the command already moved before it:
/// see `exec_words`), checked for combinations that cannot work.
fn plan(ctx: &Context, args: ExecArgs) -> anyhow::Result<Plan> {
    let flags = args.flags;
    let json = ctx.global.json;
    if flags.root && flags.user.is_some() {
        return Err(usage("--user and --root exclude each other"));
    }
    if flags.tty && json {
        return Err(usage(
            "--json cannot be used with -t/--tty: a terminal's output is the data",
        ));
    }
    if flags.background && (flags.tty || flags.stdin) {
        return Err(usage("-b/--background cannot be used with -t or -i"));
    }
    if flags.background && flags.timeout.is_some() {
        return Err(usage(
            "--timeout cannot be used with -b/--background: the command outlives dsbx",
        ));
    }
    if flags.stream && flags.tty {
        return Err(usage(
            "--stream cannot be used with -t/--tty: a terminal's output is one stream, not events",
        ));
    }
    if flags.stream && flags.background {
        return Err(usage(
            "--stream cannot be used with -b/--background: the command's output goes to its log",
        ));
    }
    if flags.stream && json {
        return Err(usage(
            "--stream and --json are two output formats: choose one",
        ));
    }
    if flags.tty && !std::io::stdin().is_terminal() {
        // As docker does: a terminal's raw mode and size need one on this side.
        return Err(usage(
            "the input device is not a TTY: -t/--tty needs a terminal on stdin (drop -t; \
             -i passes stdin without one)",
        ));
    }
    if flags.cwd.as_deref() == Some("") {
        return Err(usage("--cwd needs a directory"));
    }
    if flags.user.as_deref() == Some("") {
        return Err(usage("--user needs a user name or id"));
    }
    if args.command.is_empty() || args.command.len() == 1 && args.command[0].is_empty() {
        return Err(usage("no command given"));
    }
    Ok(Plan {
        id: args.id,
        flags,
        json,
        words: args.command,
    })
}

/// Every failure here is exec's 125 (`main_entry` says so to the printer).
pub async fn run(ctx: &Context, args: ExecArgs) -> anyhow::Result<i32> {
    let plan = plan(ctx, args)?;
    execute(ctx, plan).await
}

/// Resolves the sandbox (starting or resuming it), records the activity beside the exec, and
/// builds what the engine runs: dsbx's helper with the request, or plain `docker exec`.
async fn prepare<'a>(ctx: &'a Context, plan: &Plan) -> anyhow::Result<Prepared<'a>> {
    let flags = &plan.flags;
    let timeout = match flags.timeout {
        Some(t) => t.0,
        None if flags.background => None,
        None => ctx.config.exec_timeout.0,
    };
    let keep_home = flags.env.iter().any(|e| e.name == "HOME");
    let mut env: Vec<String> = flags
        .env
        .iter()
        .map(crate::env_vars::EnvVar::entry)
        .collect();
    // The names this exec sets itself: a pool-claimed sandbox's held environment (see
    // `helper::claim`) does not override them.
    if !env.is_empty() {
        let keys: Vec<&str> = flags.env.iter().map(|e| e.name.as_str()).collect();
        env.push(format!(
            "{}={}",
            crate::helper::claim::GIVEN_KEYS,
            keys.join(",")
        ));
    }
    if flags.tty
        && !env.iter().any(|e| e.starts_with("TERM="))
        && let Ok(term) = std::env::var("TERM")
    {
        env.push(format!("TERM={term}"));
    }

    let route = route(ctx, &plan.id).await?;
    let id = route.id().to_string();
    // The record's last activity: one `utimensat` (see `StateStore::touch`), no state rewrite.
    ctx.store.touch(&id);

    let user = match (&flags.user, flags.root) {
        (Some(u), _) => u.clone(),
        (None, true) => "0".to_string(),
        (None, false) => route.user().to_string(),
    };
    let tag = nonce();
    let request = Request {
        tag: tag.clone(),
        user,
        cwd: flags.cwd.clone(),
        timeout_ms: timeout.map(|d| d.as_millis().max(1) as u64),
        background: flags.background,
        tty: flags.tty,
        stdin: flags.stdin,
        keep_home,
        argv: command_argv(&plan.words, flags.shell)
            .into_iter()
            .map(OsString::from)
            .collect(),
    };
    let launch = match route {
        Route::Channel { channel, .. } => {
            let mut args = vec!["exec".to_string()];
            args.extend(request.to_args());
            Launch::Channel {
                channel,
                args,
                env,
                tty: flags.tty,
                stdin: flags.stdin || flags.tty,
            }
        }
        Route::Engine { engine, sandbox } => {
            let spec = if sandbox.label(crate::labels::HELPER).is_some() {
                let mut cmd = vec![HELPER_PATH.to_string(), "__helper".into(), "exec".into()];
                cmd.extend(request.to_args());
                ExecSpec {
                    cmd,
                    env,
                    user: "0".into(),
                    tty: flags.tty,
                    stdin: flags.stdin || flags.tty,
                    working_dir: None,
                }
            } else {
                direct_spec(ctx, flags, request, env)?
            };
            Launch::Engine {
                engine,
                sandbox,
                spec,
            }
        }
    };
    Ok(Prepared { id, tag, launch })
}

/// Everything `exec` settles before it starts the command.
struct Prepared<'a> {
    id: String,
    tag: String,
    launch: Launch<'a>,
}

/// How the command starts: over the sandbox's channel, or through the engine's exec path.
enum Launch<'a> {
    Channel {
        channel: crate::channel::client::Channel,
        args: Vec<String>,
        env: Vec<String>,
        tty: bool,
        stdin: bool,
    },
    Engine {
        engine: &'a crate::engine::Engine,
        sandbox: Sandbox,
        spec: ExecSpec,
    },
}

impl<'a> Launch<'a> {
    /// Starts the command; returns its frames, the path they come by, and, on the engine's
    /// path, the engine and sandbox.
    async fn start(
        self,
        id: &str,
    ) -> anyhow::Result<(Attached, Via, Option<(&'a crate::engine::Engine, Sandbox)>)> {
        match self {
            Launch::Channel {
                channel,
                args,
                env,
                tty,
                stdin,
            } => {
                let started = channel
                    .start(args, env, tty, stdin)
                    .await
                    .context("starting the command over the sandbox's channel")?;
                let via = Via::Channel {
                    ended: Some(started.ended),
                    control: started.control,
                    got: None,
                    pid: started.pid,
                };
                let attached = Attached {
                    exec_id: String::new(),
                    output: started.output,
                    input: started.input,
                };
                Ok((attached, via, None))
            }
            Launch::Engine {
                engine,
                sandbox,
                spec,
            } => {
                let attached = engine.start_attached(id, &spec).await?;
                let via = Via::Engine {
                    exec_id: attached.exec_id.clone(),
                };
                Ok((attached, via, Some((engine, sandbox))))
            }
        }
    }
}

/// A started command and what the rest of its run needs.
struct Running<'a> {
    id: String,
    tag: String,
    attached: Attached,
    via: Via,
    on_engine: Option<(&'a crate::engine::Engine, Sandbox)>,
    signals: Signals,
}

/// Prepares the command (its sandbox ready, its activity recorded), listens for the signals
/// that end it (and `cancel`, for a client that cancels the call), then starts it.
async fn start<'a>(
    ctx: &'a Context,
    plan: &Plan,
    cancel: Option<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>>,
) -> anyhow::Result<Running<'a>> {
    let Prepared { id, tag, launch } = prepare(ctx, plan).await?;
    let signals = Signals {
        interrupt: signal(SignalKind::interrupt())?,
        terminate: signal(SignalKind::terminate())?,
        cancel,
    };
    let (attached, via, on_engine) = launch.start(&id).await?;
    Ok(Running {
        id,
        tag,
        attached,
        via,
        on_engine,
        signals,
    })
}

async fn execute(ctx: &Context, plan: Plan) -> anyhow::Result<i32> {
    let started = Instant::now();
    let flags = &plan.flags;
    let Running {
        id,
        tag,
        attached,
        mut via,
        on_engine,
        mut signals,
    } = start(ctx, &plan, None).await?;
    let sandbox = on_engine.as_ref().map(|(_, s)| s);

    let outcome = if flags.tty {
        run_tty(ctx, &id, &tag, (attached, &mut via), &mut signals).await?
    } else {
        // A background start's output is the helper's report: collect it, print it our way.
        let capture = plan.json || flags.background;
        let mut sink = Sink::new(capture, ctx.config.json_output_limit.0 as usize);
        if flags.stream {
            let pid = match (&on_engine, &via) {
                (Some((engine, _)), _) => sandbox_pid(engine, &attached.exec_id).await,
                (None, Via::Channel { pid, .. }) => pid.map(i64::from),
                (None, Via::Engine { .. }) => None,
            };
            emit(&Event::Start { pid })?;
            sink.tap = Some(Box::new(EventLines::default()));
        }
        let outcome = pump(
            ctx,
            &id,
            &tag,
            (attached, &mut via),
            flags.stdin,
            &mut sink,
            &mut signals,
        )
        .await?;
        if let Via::Channel {
            got: Some(ended), ..
        } = &via
            && ended.cannot_start.is_some()
        {
            // The channel's word for what the engine says when its runtime cannot start the
            // helper.
            sink.engine_refused = ended.cannot_start.clone();
        }
        if let Some(text) = &sink.engine_refused
            && outcome == 126
            && crate::engine::exec::no_process_could_start(text)
        {
            // The engine's runtime could not even start dsbx's helper: at the pids limit its
            // own fork fails, and all it says is this.
            ctx.printer.problem(format!(
                "sandbox {id} could not start a new process, as when it is at its process \
                 limit (`--pids`) because something in it keeps forking: `dsbx kill {id}` ends it; \
                 recreate it with a higher `dsbx init --pids N` if its work needs more"
            ));
        }
        if flags.background {
            return background_result(plan.json, &sink, outcome, ctx, &tag);
        }
        let tap = sink.tap.take();
        // A 137 may be the OOM killer's: the helper's status file says (one small read, only
        // then); --json and --stream read it for every ambiguous code.
        if plan.json || tap.is_some() || outcome == 137 {
            if let Some(mut tap) = tap {
                tap.finish()?;
            }
            let ending = ending(ctx, &via, sandbox, &tag, outcome).await;
            if flags.stream {
                emit(&exit_event(outcome, &ending, started.elapsed()))?;
            }
            if ending.oom_killed {
                ctx.printer.warn(format!(
                    "the command was killed by the kernel's OOM killer: sandbox {id} reached its \
                     memory limit (`dsbx info {id}` shows it; `dsbx init --memory SIZE` makes a \
                     sandbox with more)"
                ));
            }
            if plan.json {
                sink.print_json(outcome, &ending, started.elapsed(), ctx)?;
            }
        }
        outcome
    };
    Ok(outcome)
}

/// A sandbox made without dsbx's helper (dsbx was not a static Linux binary and no
/// `helper_path` was set): plain `docker exec`, which cannot kill a process tree, return while a
/// background child holds the output, or tell "not found" apart. Say so, and refuse what needs it.
fn direct_spec(
    ctx: &Context,
    flags: &ExecFlags,
    request: Request,
    env: Vec<String>,
) -> anyhow::Result<ExecSpec> {
    if flags.background || flags.timeout.is_some() {
        return Err(crate::error::usage(
            "this sandbox has no dsbx helper, so --background and --timeout are unavailable \
             (set `helper_path` in the config to a static Linux build of dsbx, then recreate it)",
        ));
    }
    ctx.printer.warn(
        "this sandbox has no dsbx helper: plain docker exec (no tree kill on interrupt, a \
         background child can hold the call)",
    );
    Ok(ExecSpec {
        cmd: request
            .argv
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        // No helper to read it: the marker would only reach the command.
        env: env
            .into_iter()
            .filter(|e| !e.starts_with(crate::helper::claim::GIVEN_KEYS))
            .collect(),
        user: request.user,
        tty: flags.tty,
        stdin: flags.stdin || flags.tty,
        working_dir: request.cwd,
    })
}

/// Where a sandbox's command runs.
pub(super) enum Route<'a> {
    /// Its channel answered (see `crate::channel`): no engine call at all.
    Channel {
        id: String,
        channel: crate::channel::client::Channel,
    },
    /// The engine's exec path (resolved, started or resumed as needed).
    Engine {
        engine: &'a crate::engine::Engine,
        sandbox: Sandbox,
    },
}

impl Route<'_> {
    fn id(&self) -> &str {
        match self {
            Route::Channel { id, .. } => id,
            Route::Engine { sandbox, .. } => &sandbox.id,
        }
    }

    fn user(&self) -> &str {
        match self {
            Route::Channel { channel, .. } => &channel.user,
            Route::Engine { sandbox, .. } => sandbox.user(),
        }
    }
}

/// The channel when it can serve: a sandbox this state knows by its exact id or name, in this
/// scope, whose helper answers on its socket (so it runs: nothing to start, resume or check).
/// Anything else takes the engine's path, which says nothing of it unless `--verbose`.
pub(super) async fn route<'a>(ctx: &'a Context, query: &str) -> anyhow::Result<Route<'a>> {
    let known = ctx.store.load().ok().and_then(|state| {
        state
            .sandboxes
            .iter()
            .find(|(id, r)| {
                r.scope == ctx.scope && !r.creating && (id.as_str() == query || r.name == query)
            })
            .map(|(id, _)| id.clone())
    });
    let endpoint = crate::engine::endpoint::resolve(&ctx.global.engine_flags());
    let why = match (known, endpoint) {
        (Some(id), Ok(endpoint)) => {
            match crate::channel::client::connect(ctx.store.dir(), &id, &endpoint.url).await {
                Ok(channel) => {
                    ctx.printer.verbose("exec: over the sandbox's channel");
                    return Ok(Route::Channel { id, channel });
                }
                Err(why) => why,
            }
        }
        (None, _) => "not an id or name this state records".to_string(),
        (_, Err(e)) => format!("{e:#}"),
    };
    ctx.printer
        .verbose(format!("exec: the engine's exec path ({why})"));
    let (engine, state, sandbox) = ctx.live_sandbox(query).await?;
    crate::deadline::make_ready(engine, &state, &sandbox).await?;
    Ok(Route::Engine { engine, sandbox })
}

/// The path a started command's frames come by, for its exit code, resizes and failures.
enum Via {
    Engine {
        exec_id: String,
    },
    Channel {
        ended: Option<tokio::sync::oneshot::Receiver<crate::channel::client::Ended>>,
        control: crate::channel::client::Control,
        got: Option<crate::channel::client::Ended>,
        /// The helper's process running the command, in the sandbox's pid namespace.
        pid: Option<u32>,
    },
}

impl Via {
    async fn exit_code(&mut self, ctx: &Context, id: &str) -> anyhow::Result<i32> {
        match self {
            Via::Engine { exec_id } => {
                Ok(ctx.engine().await?.exit_code_in(id, exec_id).await? as i32)
            }
            Via::Channel { ended, got, .. } => {
                let receiver = ended.take().context("the exit was already read")?;
                let ended = match receiver.await {
                    Ok(ended) => ended,
                    Err(e) => {
                        if let Ok(engine) = ctx.engine().await
                            && let Some(gone) = engine.gone_under_command(id).await
                        {
                            return Err(gone);
                        }
                        return Err(anyhow::Error::new(e).context(
                            "the sandbox's channel ended without the command's exit status",
                        ));
                    }
                };
                let code = ended.code;
                *got = Some(ended);
                Ok(code)
            }
        }
    }

    async fn resize(&self, ctx: &Context, width: u16, height: u16) {
        match self {
            Via::Engine { exec_id } => {
                if let Ok(engine) = ctx.engine().await {
                    let _ = engine.resize_exec(exec_id, width, height).await;
                }
            }
            Via::Channel { control, .. } => control.resize(width, height).await,
        }
    }

    async fn fail(
        &self,
        ctx: &Context,
        id: &str,
        e: crate::engine::exec::OutputError,
        what: &str,
    ) -> anyhow::Error {
        match self {
            Via::Engine { .. } => match ctx.engine().await {
                Ok(engine) => engine.fail_output(e, None, what),
                Err(err) => err,
            },
            Via::Channel { .. } => {
                // The helper's channel closes when its sandbox is killed or stopped under the
                // command: say that, as the engine path does, rather than how the socket broke.
                if let Ok(engine) = ctx.engine().await
                    && let Some(gone) = engine.gone_under_command(id).await
                {
                    return gone;
                }
                anyhow::Error::new(e).context(format!("{what} (channel)"))
            }
        }
    }
}

fn nonce() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)]))
        .collect()
}

/// SIGINT and SIGTERM, taken over from their default (dying) for the whole exec.
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    /// A client that cancels the call (`dsbx mcp`): handled as an interrupt.
    cancel: Option<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>>,
}

/// Resolves when the call is cancelled; never without a canceller.
async fn cancelled(
    cancel: &mut Option<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>>,
) {
    match cancel {
        Some(cancel) => cancel.await,
        None => std::future::pending().await,
    }
}

/// Where the command's output goes: straight through, or collected for `--json`.
struct Sink {
    json: bool,
    limit: usize,
    out: Vec<u8>,
    err: Vec<u8>,
    out_cut: bool,
    err_cut: bool,
    /// A first stdout frame that looks like the engine's own error text, held until the exit code
    /// says whether it was the engine's (126/127: it goes to stderr) or the command's.
    held: Option<Vec<u8>>,
    seen_stdout: bool,
    /// The engine's own text when it could not start the process at all (126/127).
    engine_refused: Option<String>,
    /// Sees every chunk first (`--stream`'s events, `dsbx mcp`'s progress); without `json` the
    /// chunk then goes nowhere else.
    tap: Option<Box<dyn Tap + Send>>,
}

impl Sink {
    fn new(json: bool, limit: usize) -> Sink {
        Sink {
            json,
            limit,
            out: Vec::new(),
            err: Vec::new(),
            out_cut: false,
            err_cut: false,
            held: None,
            seen_stdout: false,
            engine_refused: None,
            tap: None,
        }
    }

    fn stdout(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if !self.seen_stdout {
            self.seen_stdout = true;
            if crate::engine::exec::is_engine_exec_error(bytes) {
                self.held = Some(bytes.to_vec());
                return Ok(());
            }
        }
        self.write(0, bytes)
    }

    fn write(&mut self, stream: usize, bytes: &[u8]) -> std::io::Result<()> {
        if let Some(tap) = &mut self.tap {
            tap.chunk(stream, bytes)?;
            if !self.json {
                return Ok(());
            }
        }
        if self.json {
            let limit = self.limit;
            let (buf, cut) = if stream == 0 {
                (&mut self.out, &mut self.out_cut)
            } else {
                (&mut self.err, &mut self.err_cut)
            };
            let room = limit.saturating_sub(buf.len());
            if bytes.len() > room {
                *cut = true;
            }
            buf.extend_from_slice(&bytes[..bytes.len().min(room)]);
            return Ok(());
        }
        passthrough(stream, bytes)
    }

    /// Sends held engine text where it belongs; returns the exit code, with plain docker exec's
    /// 126 for a missing executable turned into the 127 the contract promises.
    fn release(&mut self, code: i32) -> std::io::Result<i32> {
        let Some(held) = self.held.take() else {
            return Ok(code);
        };
        if code != 126 && code != 127 {
            self.write(0, &held)?;
            return Ok(code);
        }
        self.write(1, &held)?;
        let text = String::from_utf8_lossy(&held);
        let not_found = crate::engine::exec::is_missing_executable(&text);
        self.engine_refused = Some(text.into_owned());
        Ok(if code == 126 && not_found { 127 } else { code })
    }

    fn print_json(
        &self,
        code: i32,
        ending: &Ending,
        elapsed: Duration,
        ctx: &Context,
    ) -> anyhow::Result<()> {
        let mut value = serde_json::json!({
            "exit_code": code,
            "timed_out": ending.timed_out,
            "oom_killed": ending.oom_killed,
            "duration_ms": elapsed.as_millis() as u64,
            "stdout": String::from_utf8_lossy(&self.out),
            "stderr": String::from_utf8_lossy(&self.err),
            "stdout_truncated": self.out_cut,
            "stderr_truncated": self.err_cut,
        });
        if let Some(signal) = ending.signal {
            value["signal"] = serde_json::json!(signal);
        }
        let b64 = base64::engine::general_purpose::STANDARD;
        if std::str::from_utf8(&self.out).is_err() {
            value["stdout_base64"] = b64.encode(&self.out).into();
        }
        if std::str::from_utf8(&self.err).is_err() {
            value["stderr_base64"] = b64.encode(&self.err).into();
        }
        ctx.printer.json_value(&value)?;
        Ok(())
    }
}

/// Something that sees the command's output chunk by chunk (stream 0 is stdout, 1 stderr).
trait Tap {
    fn chunk(&mut self, stream: usize, bytes: &[u8]) -> std::io::Result<()>;
    /// The output has ended: send whatever is still held.
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One event of `--stream`: a JSON object whose first key is `type`.
#[derive(Debug, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Event<'a> {
    Start {
        pid: Option<i64>,
    },
    Stdout(Output<'a>),
    Stderr(Output<'a>),
    Exit {
        exit_code: i32,
        signal: Option<i32>,
        timed_out: bool,
        oom_killed: bool,
        duration_ms: u64,
    },
    // The `error` event is the printer's (`Printer::error_events`): a failure is rendered once.
}

/// A chunk of output: `data` when it is UTF-8 text, else `data_base64`.
#[derive(Debug, serde::Serialize)]
struct Output<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_base64: Option<String>,
}

/// One event as one line on stdout, flushed at once (`--stream`).
fn emit(event: &Event<'_>) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(event).map_err(std::io::Error::other)?;
    line.push(b'\n');
    passthrough(STDOUT, &line)
}

/// Stream numbers of the command's output (as in [`Tap::chunk`]).
const STDOUT: usize = 0;
const STDERR: usize = 1;

/// The one place the command's own bytes leave dsbx, live and as they are: its stdout to dsbx's
/// stdout, its stderr to dsbx's stderr (`--stream`'s event lines go the same way). This is not
/// rendering, so it does not go through the printer, which renders only dsbx's own words.
fn passthrough(stream: usize, bytes: &[u8]) -> std::io::Result<()> {
    if stream == STDOUT {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    } else {
        let mut err = std::io::stderr().lock();
        err.write_all(bytes)?;
        err.flush()
    }
}

/// `--stream`'s output events. An incomplete UTF-8 character at the end of a chunk waits for
/// the next chunk of its stream, so a character split across reads is never broken.
#[derive(Default)]
struct EventLines {
    carry: [Vec<u8>; 2],
}

impl Tap for EventLines {
    fn chunk(&mut self, stream: usize, bytes: &[u8]) -> std::io::Result<()> {
        let mut data = std::mem::take(&mut self.carry[stream]);
        data.extend_from_slice(bytes);
        let (ready, rest) = split_utf8(&data);
        let event = output_event(stream, ready);
        self.carry[stream] = rest.to_vec();
        match event {
            Some(event) => emit(&event),
            None => Ok(()),
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        for stream in 0..2 {
            let rest = std::mem::take(&mut self.carry[stream]);
            // An incomplete character at the very end is not text: its bytes go as they are.
            if let Some(event) = output_event(stream, Chunk::Bytes(&rest)) {
                emit(&event)?;
            }
        }
        Ok(())
    }
}

/// A piece of output as it can be sent now.
#[derive(Debug, PartialEq)]
pub enum Chunk<'a> {
    Text(&'a str),
    /// Not valid UTF-8: sent as `data_base64`.
    Bytes(&'a [u8]),
}

/// Splits `data` into what can be sent now and an incomplete UTF-8 character at its end (at most
/// three bytes), held for the next read. Data with an invalid sequence is sent whole as bytes.
pub fn split_utf8(data: &[u8]) -> (Chunk<'_>, &[u8]) {
    match std::str::from_utf8(data) {
        Ok(text) => (Chunk::Text(text), &[]),
        Err(e) if e.error_len().is_none() => {
            let (head, tail) = data.split_at(e.valid_up_to());
            // `head` is exactly the valid prefix the error reported.
            let text = std::str::from_utf8(head).unwrap_or_default();
            (Chunk::Text(text), tail)
        }
        Err(_) => (Chunk::Bytes(data), &[]),
    }
}

fn output_event(stream: usize, chunk: Chunk<'_>) -> Option<Event<'_>> {
    let output = match chunk {
        Chunk::Text("") | Chunk::Bytes([]) => return None,
        Chunk::Text(text) => Output {
            data: Some(text),
            data_base64: None,
        },
        Chunk::Bytes(bytes) => Output {
            data: None,
            data_base64: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
        },
    };
    Some(if stream == 0 {
        Event::Stdout(output)
    } else {
        Event::Stderr(output)
    })
}

/// The last event of `--stream`, with how the command ended as the helper's status file says
/// (`oom_killed` from the sandbox's memory cgroup).
fn exit_event(code: i32, ending: &Ending, elapsed: Duration) -> Event<'static> {
    Event::Exit {
        exit_code: code,
        signal: ending.signal,
        timed_out: ending.timed_out,
        oom_killed: ending.oom_killed,
        duration_ms: elapsed.as_millis() as u64,
    }
}

/// The pid, inside the sandbox, of the process that runs the command (dsbx's helper, whose
/// SIGTERM ends the command and everything it started). The engine reports the pid in its own
/// host's namespace; on a local engine `/proc/PID/status` names it in the sandbox's (`NSpid`).
/// `None` where that cannot be known (a remote engine).
async fn sandbox_pid(engine: &crate::engine::Engine, exec_id: &str) -> Option<i64> {
    use crate::engine::exec::ExecPid;
    if !engine.endpoint.is_local() {
        return None;
    }
    // Until the runtime has started the process (its output waits meanwhile, nothing is lost);
    // the bound only keeps a wedged engine from holding the start event for ever.
    let until = Instant::now() + Duration::from_secs(10);
    let mut pause = Duration::from_millis(2);
    while Instant::now() < until {
        match engine.exec_host_pid(exec_id).await.ok()? {
            ExecPid::Running(host_pid) => {
                let status = std::fs::read_to_string(format!("/proc/{host_pid}/status")).ok()?;
                return sandbox_pid_in(&status, host_pid);
            }
            ExecPid::Ended => return None,
            ExecPid::NotYet => {}
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(20));
    }
    None
}

/// The innermost pid of `/proc/PID/status`'s `NSpid` line, when that line shows the process
/// seen from dsbx's namespace as `host_pid` and nested below it (dsbx itself in a container
/// sees another namespace's pids: then nothing).
fn sandbox_pid_in(status: &str, host_pid: i64) -> Option<i64> {
    let ids: Vec<i64> = status
        .lines()
        .find_map(|l| l.strip_prefix("NSpid:"))?
        .split_whitespace()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    (ids.len() >= 2 && ids[0] == host_pid).then(|| ids[ids.len() - 1])
}

/// How the command ended, for `--json`. Only 124 and codes above 128 are ambiguous (the command's
/// own `exit 124` or `exit 137`, or dsbx's timeout, or a signal): then the helper's status file
/// says which (one small archive read). Without it (no helper), the code is read as a shell
/// would: 124 is the timeout, 128+N is signal N.
async fn ending(
    ctx: &Context,
    via: &Via,
    sandbox: Option<&Sandbox>,
    tag: &str,
    code: i32,
) -> Ending {
    let guessed = Ending {
        signal: (129..=128 + 64).contains(&code).then(|| code - 128),
        timed_out: code == 124,
        oom_killed: false,
    };
    if code != 124 && code <= 128 {
        return guessed;
    }
    // Over the channel, the helper sent the status file with the exit.
    if let Via::Channel { got, .. } = via {
        return got
            .as_ref()
            .and_then(|g| g.ending.as_deref())
            .and_then(Ending::parse)
            .unwrap_or(guessed);
    }
    let Some(sandbox) = sandbox.filter(|s| s.label(crate::labels::HELPER).is_some()) else {
        return guessed;
    };
    let Ok(engine) = ctx.engine().await else {
        return guessed;
    };
    let container = crate::ids::container_name(&sandbox.id);
    match engine.read_small_file(&container, &status_path(tag)).await {
        Ok(Some(bytes)) => Ending::parse(&String::from_utf8_lossy(&bytes)).unwrap_or(guessed),
        _ => guessed,
    }
}

/// Forwards stdin (with `-i`) and output until the stream ends; returns the exit code.
async fn pump(
    ctx: &Context,
    id: &str,
    tag: &str,
    (attached, via): (Attached, &mut Via),
    forward_stdin: bool,
    sink: &mut Sink,
    signals: &mut Signals,
) -> anyhow::Result<i32> {
    let Attached {
        mut output, input, ..
    } = attached;
    let stdin_task = if forward_stdin {
        Some(tokio::spawn(forward_input(input)))
    } else {
        drop(input);
        None
    };
    let code = loop {
        tokio::select! {
            frame = output.next() => match frame {
                Some(Ok(OutputChunk::Stdout(message))) => sink.stdout(&message)?,
                Some(Ok(OutputChunk::Stderr(message))) => sink.write(1, &message)?,
                Some(Err(e)) => {
                    return Err(via.fail(ctx, id, e, "reading the command's output").await);
                }
                None => break via.exit_code(ctx, id).await?,
            },
            _ = signals.interrupt.recv() => break interrupted(ctx, via, id, tag).await,
            _ = signals.terminate.recv() => break interrupted(ctx, via, id, tag).await,
            _ = cancelled(&mut signals.cancel) => break interrupted(ctx, via, id, tag).await,
        }
    };
    if let Some(task) = stdin_task {
        task.abort();
    }
    Ok(sink.release(code)?)
}

/// SIGINT or SIGTERM reached dsbx: end the remote command and everything it started, then 130.
async fn interrupted(ctx: &Context, via: &Via, id: &str, tag: &str) -> i32 {
    if let Via::Channel { .. } = via {
        // A second connection runs the same `kill` role the engine path would.
        let ended = async {
            let engine = crate::engine::endpoint::resolve(&ctx.global.engine_flags()).ok()?;
            let channel = crate::channel::client::connect(ctx.store.dir(), id, &engine.url)
                .await
                .ok()?;
            let started = channel
                .start(
                    vec!["kill".into(), tag.to_string()],
                    Vec::new(),
                    false,
                    false,
                )
                .await
                .ok()?;
            let mut output = started.output;
            while output.next().await.is_some() {}
            started.ended.await.ok()
        };
        if let Ok(Some(_)) = tokio::time::timeout(Duration::from_secs(15), ended).await {
            return 130;
        }
    }
    if let Ok(engine) = ctx.engine().await {
        let cmd = vec![
            HELPER_PATH.to_string(),
            "__helper".into(),
            "kill".into(),
            tag.to_string(),
        ];
        let _ =
            tokio::time::timeout(Duration::from_secs(15), engine.run_captured(id, cmd, "0")).await;
    }
    130
}

/// Copies dsbx's stdin to the command and then closes it, so the command sees EOF. A plain thread
/// reads stdin (a blocked read must not keep the runtime from shutting down).
async fn forward_input(mut input: crate::engine::exec::InputSink) {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(8);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = vec![0u8; 65536];
        loop {
            match std::io::Read::read(&mut stdin, &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.blocking_send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    while let Some(chunk) = rx.recv().await {
        if input.write_all(&chunk).await.is_err() {
            return;
        }
    }
    let _ = input.flush().await;
    let _ = input.shutdown().await;
}

fn background_result(
    json: bool,
    sink: &Sink,
    code: i32,
    ctx: &Context,
    job: &str,
) -> anyhow::Result<i32> {
    if code != 0 {
        // The helper could not start it: its message goes to stderr.
        passthrough(STDERR, &sink.err)?;
        passthrough(STDERR, &sink.out)?;
        return Ok(code);
    }
    let (pid, log) = background_report(&sink.out)?;
    if json {
        ctx.printer
            .json_value(&serde_json::json!({ "pid": pid, "log": log, "job": job }))?;
    } else {
        // The job's id is what `dsbx ps` and `dsbx logs` take.
        ctx.printer
            .data(format!("PID: {pid}\nLog: {log}\nJob: {job}"))?;
    }
    Ok(0)
}

/// The `PID: …` and `Log: …` lines the helper prints for a background start.
fn background_report(out: &[u8]) -> anyhow::Result<(u64, String)> {
    let text = String::from_utf8_lossy(out).into_owned();
    let mut pid = None;
    let mut log = None;
    for line in text.lines() {
        if let Some(p) = line.strip_prefix("PID: ") {
            pid = p.trim().parse::<u64>().ok();
        } else if let Some(l) = line.strip_prefix("Log: ") {
            log = Some(l.trim().to_string());
        }
    }
    match (pid, log) {
        (Some(pid), Some(log)) => Ok((pid, log)),
        _ => Err(anyhow::anyhow!(
            "the helper did not report the background process (got {text:?})"
        )),
    }
}

/// What a command run for an agent (`dsbx mcp`) produced, each stream capped as `--json` caps it.
#[derive(Debug)]
pub(super) struct AgentRun {
    pub exit_code: i32,
    pub signal: Option<i32>,
    pub timed_out: bool,
    /// The sandbox's memory cgroup recorded an OOM kill while it ran (the helper's status file).
    pub oom_killed: bool,
    pub duration_ms: u64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub stdout_truncated: bool,
    pub stderr_truncated: bool,
    /// For a background start: the pid and the log the helper reported.
    pub background: Option<(u64, String)>,
}

/// Sends the size of each chunk to `dsbx mcp`'s progress notifications.
struct ProgressTap(Box<dyn FnMut(usize, usize) + Send>);

impl Tap for ProgressTap {
    fn chunk(&mut self, stream: usize, bytes: &[u8]) -> std::io::Result<()> {
        (self.0)(stream, bytes.len());
        Ok(())
    }
}

/// Runs `command` (through `/bin/sh -c`) in sandbox `id` as `dsbx exec --json` would, and returns
/// what it produced instead of printing it; `progress` sees each chunk's stream and size as it
/// arrives. The same rules apply: the sandbox is started or resumed, the helper kills the whole
/// tree on timeout, and SIGINT/SIGTERM to dsbx, or `cancel` resolving, end the command first
/// (exit code 130).
pub(super) async fn run_for_agent(
    ctx: &Context,
    id: String,
    flags: ExecFlags,
    command: String,
    limit: usize,
    progress: Box<dyn FnMut(usize, usize) + Send>,
    cancel: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
) -> anyhow::Result<AgentRun> {
    if flags.background && flags.timeout.is_some() {
        return Err(usage(
            "a timeout cannot be used with background: the command outlives the call",
        ));
    }
    if flags.cwd.as_deref() == Some("") || flags.user.as_deref() == Some("") {
        return Err(usage("cwd and user must not be empty strings"));
    }
    if command.trim().is_empty() {
        return Err(usage("no command given"));
    }
    let started = Instant::now();
    let plan = Plan {
        id,
        flags,
        json: true,
        words: vec![command],
    };
    let mut run = start(ctx, &plan, Some(cancel)).await?;
    let sandbox = run.on_engine.as_ref().map(|(_, s)| s);
    let mut sink = Sink::new(true, limit);
    sink.tap = Some(Box::new(ProgressTap(progress)));
    let code = pump(
        ctx,
        &run.id,
        &run.tag,
        (run.attached, &mut run.via),
        false,
        &mut sink,
        &mut run.signals,
    )
    .await?;
    let background = if plan.flags.background && code == 0 {
        Some(background_report(&sink.out)?)
    } else {
        None
    };
    let ending = ending(ctx, &run.via, sandbox, &run.tag, code).await;
    Ok(AgentRun {
        exit_code: code,
        signal: ending.signal,
        timed_out: ending.timed_out,
        oom_killed: ending.oom_killed,
        duration_ms: started.elapsed().as_millis() as u64,
        stdout: if background.is_some() {
            Vec::new()
        } else {
            std::mem::take(&mut sink.out)
        },
        stderr: std::mem::take(&mut sink.err),
        stdout_truncated: sink.out_cut,
        stderr_truncated: sink.err_cut,
        background,
    })
}

/// Puts the local terminal in raw mode and restores it when dropped.
struct RawMode {
    saved: Option<libc::termios>,
}

impl RawMode {
    fn enter() -> RawMode {
        if !std::io::stdin().is_terminal() {
            return RawMode { saved: None };
        }
        // SAFETY: termios calls on fd 0 with structs we own.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut t) != 0 {
                return RawMode { saved: None };
            }
            let saved = t;
            libc::cfmakeraw(&mut t);
            libc::tcsetattr(0, libc::TCSANOW, &t);
            RawMode { saved: Some(saved) }
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: restoring the attributes we read.
            unsafe { libc::tcsetattr(0, libc::TCSANOW, saved) };
        }
    }
}

fn window_size() -> Option<(u16, u16)> {
    for fd in [0, 1, 2] {
        // SAFETY: TIOCGWINSZ fills a winsize we own.
        unsafe {
            let mut ws: libc::winsize = std::mem::zeroed();
            if libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) == 0 && ws.ws_col > 0 {
                return Some((ws.ws_col, ws.ws_row));
            }
        }
    }
    None
}

async fn run_tty(
    ctx: &Context,
    id: &str,
    tag: &str,
    (attached, via): (Attached, &mut Via),
    signals: &mut Signals,
) -> anyhow::Result<i32> {
    let Attached {
        mut output, input, ..
    } = attached;
    let _raw = RawMode::enter();
    if let Some((w, h)) = window_size() {
        via.resize(ctx, w, h).await;
    }
    let mut winch = signal(SignalKind::window_change())?;
    let stdin_task = tokio::spawn(forward_input(input));
    let code = loop {
        tokio::select! {
            frame = output.next() => match frame {
                Some(Ok(chunk)) => passthrough(STDOUT, &chunk.into_bytes())?,
                Some(Err(e)) => return Err(via.fail(ctx, id, e, "reading the terminal").await),
                None => break via.exit_code(ctx, id).await?,
            },
            _ = winch.recv() => {
                if let Some((w, h)) = window_size() {
                    via.resize(ctx, w, h).await;
                }
            }
            _ = signals.interrupt.recv() => break interrupted(ctx, via, id, tag).await,
            _ = signals.terminate.recv() => break interrupted(ctx, via, id, tag).await,
        }
    };
    stdin_task.abort();
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn argv_forms() {
        assert_eq!(
            command_argv(&w(&["cd /app && make"]), false),
            w(&["/bin/sh", "-c", "cd /app && make"])
        );
        assert_eq!(command_argv(&w(&["ls", "-la"]), false), w(&["ls", "-la"]));
        assert_eq!(
            command_argv(&w(&["echo", "$HOME"]), true),
            w(&["/bin/sh", "-c", "echo $HOME"])
        );
    }

    #[test]
    fn split_utf8_holds_an_incomplete_character_and_sends_bytes_whole() {
        assert_eq!(split_utf8(b"abc"), (Chunk::Text("abc"), &b""[..]));
        assert_eq!(split_utf8(b"a\xc3"), (Chunk::Text("a"), &b"\xc3"[..]));
        assert_eq!(split_utf8(b"\xe2\x82"), (Chunk::Text(""), &b"\xe2\x82"[..]));
        assert_eq!(split_utf8("é".as_bytes()), (Chunk::Text("é"), &b""[..]));
        assert_eq!(
            split_utf8(b"\xff\xfeab"),
            (Chunk::Bytes(b"\xff\xfeab"), &b""[..])
        );
        // An invalid byte before an incomplete tail: the whole chunk goes as bytes.
        assert_eq!(
            split_utf8(b"\xffa\xc3"),
            (Chunk::Bytes(b"\xffa\xc3"), &b""[..])
        );
        let ev = |stream, data: &'static [u8]| output_event(stream, split_utf8(data).0);
        assert!(ev(0, b"\xc3").is_none());
        let text = serde_json::to_string(&ev(1, b"x").unwrap()).unwrap();
        assert_eq!(text, r#"{"type":"stderr","data":"x"}"#);
        let text = serde_json::to_string(&ev(0, b"\xff").unwrap()).unwrap();
        assert_eq!(text, r#"{"type":"stdout","data_base64":"/w=="}"#);
    }

    #[test]
    fn sandbox_pid_only_from_a_nested_namespace_seen_from_ours() {
        let status = "Name:\tdsbx\nNSpid:\t4242\t57\nNSsid:\t1\n";
        assert_eq!(sandbox_pid_in(status, 4242), Some(57));
        assert_eq!(sandbox_pid_in(status, 4243), None);
        assert_eq!(sandbox_pid_in("NSpid:\t4242\n", 4242), None);
        assert_eq!(sandbox_pid_in("Name:\tx\n", 4242), None);
    }
}
