//! `dsbx mcp`: a Model Context Protocol server over stdio, on the official Rust SDK (`rmcp`).
//!
//! Each tool calls what the matching command calls, in-process: `init`'s plan and creation,
//! `exec`'s path through the helper (`exec::run_for_agent`), the transfer and lifetime modules,
//! `ls`'s rows, `kill`'s removal, `snapshot`'s capture and `fork`'s all-or-nothing start. The results come back as data instead of being printed.
//!
//! stdout carries only protocol messages: the server keeps the real stdout for the protocol and
//! points file descriptor 1 at stderr, so nothing printed by the code it shares with the CLI can
//! ever reach the client as a stray line. A failure inside a tool is a tool result with
//! `isError` and `{"error": {kind, message, exit_code}}` (the `--json` error object), never a
//! protocol error.

use super::Context;
use super::transfers;
use crate::cli::{ExecFlags, InitArgs, McpArgs, SnapshotHow};
use crate::env_vars::EnvVar;
use crate::error::{kind_of, one_line, usage};
use crate::mcp::host_paths::{Found, RootDir};
use crate::transfer::{self, Dest, Source};
use anyhow::bail;
use base64::Engine as _;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ProgressNotificationParam, RequestMetaObject, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{Peer, RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub async fn run(ctx: &Context, args: McpArgs) -> anyhow::Result<i32> {
    if ctx.global.json {
        return Err(usage(
            "`dsbx mcp` speaks the MCP protocol on stdout; --json cannot be used with it",
        ));
    }
    let output_limit = args.output_limit as usize;
    let read_limit = args.read_limit;
    let root = args.root_dir.as_deref().map(RootDir::open).transpose()?;
    let protocol_out = take_stdout()?;
    // The server owns its context: tool calls run as tasks that outlive no borrow.
    let context = ctx.unconnected_copy();
    ctx.printer.note(format!(
        "dsbx mcp: serving on stdio (scope `{}`; host transfers {})",
        ctx.scope,
        match &root {
            Some(r) => format!("inside {}", r.path().display()),
            None => "off: no --root-dir".to_string(),
        }
    ));
    let server = Server {
        inner: Arc::new(Inner {
            ctx: context,
            root,
            output_limit,
            read_limit,
            host_transfers: tokio::sync::Mutex::new(()),
        }),
        tool_router: Server::tool_router(),
    };
    let out = tokio::fs::File::from_std(std::fs::File::from(protocol_out));
    let service = server
        .serve((tokio::io::stdin(), out))
        .await
        .map_err(|e| anyhow::anyhow!("starting the MCP session: {e}"))?;
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        ended = service.waiting() => {
            ended.map_err(|e| anyhow::anyhow!("the MCP session failed: {e}"))?;
        }
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
    Ok(0)
}

/// Keeps the real stdout for the protocol and points descriptor 1 at stderr.
fn take_stdout() -> anyhow::Result<OwnedFd> {
    // SAFETY: fcntl and dup2 on the process's standard descriptors; the new fd is ours.
    unsafe {
        let fd = libc::fcntl(1, libc::F_DUPFD_CLOEXEC, 3);
        if fd < 0 {
            bail!("cannot keep stdout: {}", std::io::Error::last_os_error());
        }
        if libc::dup2(2, 1) < 0 {
            bail!(
                "cannot point stdout at stderr: {}",
                std::io::Error::last_os_error()
            );
        }
        Ok(OwnedFd::from_raw_fd(fd))
    }
}

struct Inner {
    ctx: Context,
    root: Option<RootDir>,
    output_limit: usize,
    read_limit: u64,
    /// Held by every upload and download: the server is the only writer in the root directory,
    /// so what a transfer checked (no symlink on its path) stays true while it runs, even when
    /// a client sends transfers at once (a download can plant a symlink, as links are kept).
    host_transfers: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
    #[allow(dead_code)] // read by the code #[tool_handler] generates
    tool_router: ToolRouter<Server>,
}

/// A duration as dsbx takes it: seconds, or text such as `30s`, `10m`, `2h`, `1d`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum DurationArg {
    Seconds(u64),
    Text(String),
}

impl DurationArg {
    fn text(&self) -> String {
        match self {
            DurationArg::Seconds(s) => s.to_string(),
            DurationArg::Text(t) => t.clone(),
        }
    }

    /// As the command line's `--timeout` reads it (`0` = never).
    fn lifetime(&self) -> anyhow::Result<crate::units::Lifetime> {
        crate::units::parse_lifetime(&self.text())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateParams {
    /// A template name from dsbx's config (`[templates]`); cannot be combined with `image`
    pub template: Option<String>,
    /// Any Docker image [default: the config's `image`]
    pub image: Option<String>,
    /// A snapshot's name (from snapshot_sandbox or list_snapshots) to start from, with the
    /// user, working directory, ports and limits it carries; instead of `template` or `image`
    pub snapshot: Option<String>,
    /// A name unique among the server's sandboxes ([a-z0-9-], at most 40 characters)
    pub name: Option<String>,
    /// Lifetime: seconds, or 30s/10m/2h/1d; 0 = never [default: the config's `timeout`, 1h]
    pub timeout: Option<DurationArg>,
    /// Environment variables of every command in the sandbox
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Ports to publish on the host (get_url gives their URLs)
    #[serde(default)]
    pub ports: Vec<u16>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RunParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// The command, run by /bin/sh -c
    pub command: String,
    /// Working directory [default: the sandbox's]
    pub cwd: Option<String>,
    /// Extra environment variables for this command
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Kill the command and everything it started after this long (exit code 124): seconds or
    /// 30s/10m/2h [default: the config's `exec_timeout`, none]
    pub timeout: Option<DurationArg>,
    /// Run as this user [default: the sandbox's user]
    pub user: Option<String>,
    /// Run as root, with the sandbox's capabilities
    #[serde(default)]
    pub root: bool,
    /// Start it in the background and return at once with its pid and log file (for servers)
    #[serde(default)]
    pub background: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PathParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// Path in the sandbox (relative: from its working directory)
    pub path: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct WriteParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// Path in the sandbox (relative: from its working directory); parents are created
    pub path: String,
    /// The new content as text
    pub content: Option<String>,
    /// The new content as base64, for bytes that are not text (instead of `content`)
    pub content_base64: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// Directory in the sandbox [default: /]
    pub path: Option<String>,
    /// How deep to list [default: 1]
    pub depth: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EditParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// Path of the file in the sandbox
    pub path: String,
    /// The exact text to replace (it must occur once unless `all`)
    pub old: String,
    /// Its replacement
    pub new: String,
    /// Replace every occurrence
    #[serde(default)]
    pub all: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UploadParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// File or directory on the host, inside the server's root directory (relative to it)
    pub local: String,
    /// Where it goes in the sandbox (an existing directory receives it under its own name)
    pub remote: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DownloadParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// File or directory in the sandbox
    pub remote: String,
    /// Where it goes on the host, inside the server's root directory (relative to it)
    pub local: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UrlParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// The port inside the sandbox
    pub port: u16,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ExtendParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// Seconds to add to the remaining lifetime (or 30s/10m/2h/1d)
    pub seconds: DurationArg,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SandboxParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SnapshotParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// The snapshot's name, unique in the server's scope ([a-z0-9-]) [default: made from the
    /// sandbox id and the time]
    pub name: Option<String>,
    /// Do not pause the sandbox while its files are captured (files being written may be caught
    /// half-way)
    #[serde(default)]
    pub no_pause: bool,
}

/// At most this many sandboxes per `fork_sandbox` call: one call of an agent should not hold
/// the engine (and the caller) for minutes; `dsbx fork -n` allows more.
const MAX_FORKS: u64 = 16;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ForkParams {
    /// Sandbox id, name or id prefix
    pub sandbox: String,
    /// How many sandboxes to start from it, 1 to 16 [default: 1]
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 16))]
    pub count: u64,
    /// Lifetime of each new sandbox: seconds, or 30s/10m/2h/1d; 0 = never [default: the
    /// config's `timeout`]
    pub timeout: Option<DurationArg>,
}

fn one() -> u64 {
    1
}

/// A tool's outcome: data, or a failure carrying the exit code the CLI would have used.
fn answer(result: anyhow::Result<Value>, exec: bool) -> CallToolResult {
    match result {
        Ok(value) => CallToolResult::structured(value),
        Err(e) => {
            let kind = kind_of(&e);
            // exec's rule: every dsbx-side failure of running a command is 125.
            let exit_code = if exec { 125 } else { kind.exit_code() };
            CallToolResult::structured_error(json!({
                "error": { "kind": kind.as_str(), "message": one_line(&e), "exit_code": exit_code }
            }))
        }
    }
}

/// A tool's `env` under the command line's rule for names.
fn env_list(env: &BTreeMap<String, String>) -> anyhow::Result<Vec<EnvVar>> {
    env.iter().map(|(k, v)| EnvVar::new(k, v)).collect()
}

/// Output as text, with its exact bytes beside it when it is not UTF-8 (as `exec --json`).
fn put_output(value: &mut Value, key: &str, bytes: &[u8]) {
    value[key] = String::from_utf8_lossy(bytes).into_owned().into();
    if std::str::from_utf8(bytes).is_err() {
        value[format!("{key}_base64")] = base64::engine::general_purpose::STANDARD
            .encode(bytes)
            .into();
    }
}

#[tool_router]
impl Server {
    #[tool(
        description = "Create a sandbox (a hardened container on this machine's Docker engine) and return its id. Give `template`, `image` or `snapshot` (from snapshot_sandbox), a `timeout` (lifetime; it stops itself then), `env` and `ports` to publish."
    )]
    async fn create_sandbox(&self, Parameters(p): Parameters<CreateParams>) -> CallToolResult {
        answer(self.create(p).await, false)
    }

    #[tool(
        description = "Run a shell command in a sandbox and wait for it. Returns exit_code (124 = timed out, 128+N = killed by signal N), stdout, stderr, duration_ms and stdout_truncated/stderr_truncated: each stream is cut at the server's output limit, with a note. A command that fails is not a tool error: read exit_code. With `background`, returns at once with the pid and log file. Sends progress notifications while it runs when the request carries a progress token."
    )]
    async fn run_command(
        &self,
        Parameters(p): Parameters<RunParams>,
        meta: RequestMetaObject,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        answer(self.run_command_inner(p, meta, request).await, true)
    }

    #[tool(
        description = "Read a file from a sandbox: `content` when it is UTF-8 text, else `content_base64`. Files above the server's read limit are refused (run_command with head or tail reads parts)."
    )]
    async fn read_file(&self, Parameters(p): Parameters<PathParams>) -> CallToolResult {
        answer(self.read(p).await, false)
    }

    #[tool(
        description = "Write a file in a sandbox (replacing it, keeping an existing file's mode; missing parent directories are created), owned by the sandbox's user."
    )]
    async fn write_file(&self, Parameters(p): Parameters<WriteParams>) -> CallToolResult {
        answer(self.write(p).await, false)
    }

    #[tool(
        description = "List a directory in a sandbox: names, directories with a trailing /, `depth` levels deep."
    )]
    async fn list_files(&self, Parameters(p): Parameters<ListParams>) -> CallToolResult {
        answer(self.list_files_inner(p).await, false)
    }

    #[tool(
        description = "Replace exact text in a file in a sandbox. The text must occur exactly once unless `all` is true; otherwise nothing changes and the tool fails."
    )]
    async fn edit_file(&self, Parameters(p): Parameters<EditParams>) -> CallToolResult {
        answer(self.edit(p).await, false)
    }

    #[tool(
        description = "Copy a file or directory from the host into a sandbox. The host path must be inside the server's root directory (--root-dir) and reach no symlink."
    )]
    async fn upload_file(&self, Parameters(p): Parameters<UploadParams>) -> CallToolResult {
        answer(self.upload(p).await, false)
    }

    #[tool(
        description = "Copy a file or directory from a sandbox to the host. The host path must be inside the server's root directory (--root-dir) and reach no symlink; missing directories are created."
    )]
    async fn download_file(&self, Parameters(p): Parameters<DownloadParams>) -> CallToolResult {
        answer(self.download(p).await, false)
    }

    #[tool(
        description = "The URL at which a port of a sandbox is reached from this machine (or the configured public URL)."
    )]
    async fn get_url(&self, Parameters(p): Parameters<UrlParams>) -> CallToolResult {
        answer(self.url(p).await, false)
    }

    #[tool(
        description = "Add time to a sandbox's remaining lifetime; returns the new deadline (expires_at, null = never)."
    )]
    async fn extend_lifetime(&self, Parameters(p): Parameters<ExtendParams>) -> CallToolResult {
        answer(self.extend(p).await, false)
    }

    #[tool(
        description = "List this server's sandboxes: id, name, image, status, created and expiry times, ports."
    )]
    async fn list_sandboxes(&self) -> CallToolResult {
        answer(self.list().await, false)
    }

    #[tool(
        description = "Snapshot a sandbox: its files (not its processes or memory) become an image in this server's scope, named `name`. The sandbox is paused for the capture unless `no_pause`, and runs on after. Returns the snapshot's name and how long it took; `not_captured` lists mounts whose content stays outside. create_sandbox with `snapshot` starts a sandbox from it."
    )]
    async fn snapshot_sandbox(&self, Parameters(p): Parameters<SnapshotParams>) -> CallToolResult {
        answer(self.snapshot(p).await, false)
    }

    #[tool(
        description = "Fork a sandbox: snapshot its files (it keeps running) and start `count` new sandboxes (1 to 16) from that snapshot, each with the source's user, working directory, ports and limits. All or none: if one cannot start, none is kept. Returns their `ids` and the `snapshot` they came from; kill them with kill_sandbox like any other."
    )]
    async fn fork_sandbox(&self, Parameters(p): Parameters<ForkParams>) -> CallToolResult {
        answer(self.fork(p).await, false)
    }

    #[tool(
        description = "List the snapshots in this server's scope, newest first: name, source sandbox, creation time, size, whether a fork made it."
    )]
    async fn list_snapshots(&self) -> CallToolResult {
        answer(self.snapshots().await, false)
    }

    #[tool(description = "Remove a sandbox and everything it holds.")]
    async fn kill_sandbox(&self, Parameters(p): Parameters<SandboxParams>) -> CallToolResult {
        answer(self.kill(p).await, false)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(rmcp::model::Implementation::new(
                "dsbx",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(
                "Sandboxes on the user's own Docker engine. create_sandbox returns an id; pass it \
                 as `sandbox` to the other tools. Run servers with run_command background=true \
                 and reach them with get_url. kill_sandbox when done (sandboxes also stop at \
                 their timeout).",
            )
    }
}

impl Server {
    fn ctx(&self) -> &Context {
        &self.inner.ctx
    }

    async fn create(&self, p: CreateParams) -> anyhow::Result<Value> {
        let ctx = self.ctx();
        let args = InitArgs {
            template: p.template,
            image: p.image,
            name: p.name.as_deref().map(crate::ids::parse_name).transpose()?,
            timeout: p.timeout.map(|t| t.lifetime()).transpose()?,
            env: env_list(&p.env)?,
            env_file: Vec::new(),
            port: p
                .ports
                .iter()
                .map(|p| crate::units::parse_publish(&p.to_string()))
                .collect::<anyhow::Result<_>>()?,
            volume: Vec::new(),
            label: Vec::new(),
            memory: None,
            nano_cpus: None,
            pids: None,
            network: None,
            isolated: false,
            egress: None,
            health_cmd: None,
            health_interval: None,
            wait_healthy: None,
            disk: None,
            cpuset_cpus: None,
            workdir: None,
            user: None,
            platform: None,
            metadata: Vec::new(),
            auto_pause: false,
            snapshot: p.snapshot,
        };
        if [
            args.template.is_some(),
            args.image.is_some(),
            args.snapshot.is_some(),
        ]
        .iter()
        .filter(|given| **given)
        .count()
            > 1
        {
            return Err(usage("give one of `template`, `image` and `snapshot`"));
        }
        let (engine, plan, image) = super::init::plan_with_image(ctx, &args).await?;
        let (id, plan) = super::init::claim_or_create(ctx, engine, plan, &image, &args).await?;
        Ok(json!({
            "id": id,
            "name": plan.name,
            "scope": ctx.scope,
            "image": plan.image,
            "user": plan.user_label,
            "expires_at": plan.deadline.map(crate::sandbox::format_time),
        }))
    }

    async fn run_command_inner(
        &self,
        p: RunParams,
        meta: RequestMetaObject,
        request: RequestContext<RoleServer>,
    ) -> anyhow::Result<Value> {
        let peer = request.peer.clone();
        // A client's notifications/cancelled ends the command and everything it started.
        let cancel = Box::pin(request.ct.clone().cancelled_owned());
        let flags = ExecFlags {
            cwd: p.cwd,
            env: env_list(&p.env)?,
            user: p.user,
            root: p.root,
            timeout: p.timeout.map(|t| t.lifetime()).transpose()?,
            background: p.background,
            ..Default::default()
        };
        if flags.root && flags.user.is_some() {
            return Err(usage("`user` and `root` exclude each other"));
        }
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<usize>();
        let reporter = meta
            .get_progress_token()
            .map(|token| tokio::spawn(report_progress(peer, token, rx)));
        let progress = Box::new(move |_stream: usize, n: usize| {
            let _ = tx.send(n);
        });
        let limit = self.inner.output_limit;
        let run = super::exec::run_for_agent(
            self.ctx(),
            p.sandbox,
            flags,
            p.command,
            limit,
            progress,
            cancel,
        )
        .await;
        if let Some(reporter) = reporter {
            reporter.abort();
        }
        let run = run?;
        if let Some((pid, log)) = &run.background {
            return Ok(json!({ "exit_code": 0, "pid": pid, "log": log }));
        }
        let mut value = json!({
            "exit_code": run.exit_code,
            "signal": run.signal,
            "timed_out": run.timed_out,
            "oom_killed": run.oom_killed,
            "duration_ms": run.duration_ms,
            "stdout_truncated": run.stdout_truncated,
            "stderr_truncated": run.stderr_truncated,
        });
        put_output(&mut value, "stdout", &run.stdout);
        put_output(&mut value, "stderr", &run.stderr);
        if run.stdout_truncated || run.stderr_truncated {
            value["note"] = format!(
                "output was cut at {limit} bytes per stream; redirect it to a file in the \
                 sandbox and read parts of it (e.g. with head, tail or grep)"
            )
            .into();
        }
        Ok(value)
    }

    async fn read(&self, p: PathParams) -> anyhow::Result<Value> {
        let limit = self.inner.read_limit;
        // As `files read` reads: the helper's `pack` as the sandbox's user, over the channel
        // when it serves (no engine request), else through the engine.
        let whole = transfers::with_session(self.ctx(), &p.sandbox, async |s| {
            let id = &s.sandbox.id;
            transfer::whole::read(s, &p.path, |abs, st| {
                if st.is_dir() {
                    bail!("{id}:{abs} is a directory (list_files lists it)");
                }
                if !st.is_file() {
                    bail!("{id}:{abs} is not a regular file");
                }
                if st.size.max(0) as u64 > limit {
                    bail!(
                        "{id}:{abs} is {} bytes, above the server's read limit of {limit}; read \
                         parts of it with run_command (head, tail, grep) or download_file it",
                        st.size
                    );
                }
                Ok(())
            })
            .await
        })
        .await?;
        let (target, bytes) = (whole.path, whole.content);
        let mut value = json!({ "path": target, "size": bytes.len() });
        match String::from_utf8(bytes) {
            Ok(text) => value["content"] = text.into(),
            Err(e) => {
                value["content_base64"] = base64::engine::general_purpose::STANDARD
                    .encode(e.as_bytes())
                    .into()
            }
        }
        Ok(value)
    }

    async fn write(&self, p: WriteParams) -> anyhow::Result<Value> {
        let data = match (p.content, p.content_base64) {
            (Some(text), None) => text.into_bytes(),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| usage(format!("content_base64 is not base64: {e}")))?,
            _ => return Err(usage("give exactly one of `content` and `content_base64`")),
        };
        // As `files write` writes: one helper call over the channel when it serves.
        let (summary, target) =
            super::files::write_content(self.ctx(), &p.sandbox, &p.path, &Source::Bytes(data))
                .await?;
        Ok(json!({ "path": target, "bytes": summary.bytes }))
    }

    async fn list_files_inner(&self, p: ListParams) -> anyhow::Result<Value> {
        let path = p.path.unwrap_or_else(|| "/".to_string());
        let depth = p.depth.unwrap_or(1);
        if depth == 0 {
            return Err(usage("depth must be at least 1"));
        }
        let depth_text = depth.to_string();
        let (_, listing) =
            super::files::fs_op(self.ctx(), &p.sandbox, &["ls", &path, &depth_text]).await?;
        let text = String::from_utf8_lossy(&listing);
        let entries: Vec<&str> = text.lines().collect();
        Ok(json!({ "path": path, "entries": entries }))
    }

    async fn edit(&self, p: EditParams) -> anyhow::Result<Value> {
        let request = super::files::TextEdit {
            old: &p.old,
            new: &p.new,
            all: p.all,
            max_size: self.inner.read_limit,
            words: super::files::EditWords {
                old: "`old`",
                all: "set `all`",
                too_big: "that is above the server's read limit; edit it with run_command".into(),
            },
        };
        let (target, count) =
            super::files::replace_text(self.ctx(), &p.sandbox, &p.path, &request).await?;
        Ok(json!({ "path": target, "replacements": count }))
    }

    fn root(&self) -> anyhow::Result<&RootDir> {
        self.inner.root.as_ref().ok_or_else(|| {
            usage(
                "host transfers are off: the server was started without --root-dir \
                 (`dsbx mcp --root-dir DIR` allows paths inside DIR)",
            )
        })
    }

    async fn upload(&self, p: UploadParams) -> anyhow::Result<Value> {
        let _one_at_a_time = self.inner.host_transfers.lock().await;
        let at = self.root()?.locate(&p.local, false)?;
        match at.found()? {
            Found::File | Found::Directory => {}
            Found::Nothing => bail!("no such file or directory: {}", at.shown),
            Found::Symlink => bail!(
                "{} is a symlink; host paths never follow symlinks (they could lead outside the root directory)",
                at.shown
            ),
            Found::Other => bail!(
                "{} is not a regular file or a directory (fifos, sockets and devices cannot be uploaded)",
                at.shown
            ),
        }
        if at.is_root() {
            return Err(usage(
                "name a file or directory inside the root directory, not the root itself",
            ));
        }
        let summary = transfers::upload(
            self.ctx(),
            &p.sandbox,
            &Source::Path(at.path()),
            &p.remote,
            false,
        )
        .await?;
        Ok(serde_json::to_value(summary)?)
    }

    async fn download(&self, p: DownloadParams) -> anyhow::Result<Value> {
        let _one_at_a_time = self.inner.host_transfers.lock().await;
        let at = self.root()?.locate(&p.local, true)?;
        if at.found()? == Found::Symlink {
            bail!(
                "{} is a symlink; host paths never follow symlinks (they could lead outside the root directory)",
                at.shown
            );
        }
        let mut local = at.path().into_os_string();
        if p.local.ends_with('/') {
            local.push("/");
        }
        let summary =
            transfers::download(self.ctx(), &p.sandbox, &p.remote, &Dest::Path(local.into()))
                .await?;
        Ok(serde_json::to_value(summary)?)
    }

    async fn url(&self, p: UrlParams) -> anyhow::Result<Value> {
        if p.port == 0 {
            return Err(usage("port 0 is not a port"));
        }
        let ctx = self.ctx();
        let (engine, _, sandbox) = ctx.live_sandbox(&p.sandbox).await?;
        let host = super::get_host::url_for(&ctx.config, &engine.endpoint, &sandbox, p.port, None)?;
        Ok(serde_json::to_value(host)?)
    }

    async fn extend(&self, p: ExtendParams) -> anyhow::Result<Value> {
        let extra = crate::units::parse_positive_duration(&p.seconds.text())?;
        let ctx = self.ctx();
        let (engine, _, sandbox) = ctx.live_sandbox(&p.sandbox).await?;
        let deadline = match crate::deadline::read_deadline(engine, &sandbox).await? {
            None => None,
            Some(d) => {
                let remaining = (d - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO);
                crate::deadline::set_lifetime(
                    engine,
                    &ctx.store,
                    &ctx.printer,
                    &sandbox,
                    Some(remaining.saturating_add(extra)),
                )
                .await?
            }
        };
        Ok(json!({
            "id": sandbox.id,
            "expires_at": deadline.map(crate::sandbox::format_time),
        }))
    }

    async fn list(&self) -> anyhow::Result<Value> {
        let ctx = self.ctx();
        let engine = ctx.engine().await?;
        let live = engine.list_sandboxes(Some(&ctx.scope)).await?;
        let state = ctx.store.load()?;
        let now = chrono::Utc::now();
        let files = crate::deadline::read_needed_deadlines(engine, &live, &state, now).await;
        let rows = super::ls::rows(&live, &state, Some(&ctx.scope), now, &files);
        Ok(json!({ "sandboxes": rows }))
    }

    async fn snapshot(&self, p: SnapshotParams) -> anyhow::Result<Value> {
        let ctx = self.ctx();
        let (engine, _, sandbox) = ctx.live_sandbox(&p.sandbox).await?;
        let how = SnapshotHow {
            no_pause: p.no_pause,
            keep_env: false,
        };
        let taken = super::snapshot::take(ctx, engine, &sandbox, p.name, &how, false).await?;
        Ok(taken.json(&sandbox.id))
    }

    async fn fork(&self, p: ForkParams) -> anyhow::Result<Value> {
        if !(1..=MAX_FORKS).contains(&p.count) {
            return Err(usage(format!(
                "count {} is out of range: fork 1 to {MAX_FORKS} sandboxes per call",
                p.count
            )));
        }
        let timeout = p.timeout.map(|t| t.lifetime()).transpose()?;
        let init_args = InitArgs {
            timeout,
            ..Default::default()
        };
        let ctx = self.ctx();
        let (engine, _, sandbox) = ctx.live_sandbox(&p.sandbox).await?;
        let forked = super::fork::fork(
            ctx,
            engine,
            &sandbox,
            p.count as usize,
            &init_args,
            &SnapshotHow::default(),
        )
        .await?;
        Ok(json!({
            "ids": forked.ids,
            "snapshot": forked.snapshot,
            "source": sandbox.id,
        }))
    }

    async fn snapshots(&self) -> anyhow::Result<Value> {
        let ctx = self.ctx();
        let engine = ctx.engine().await?;
        let snapshots = super::snapshot::list(engine, Some(&ctx.scope)).await?;
        let items: Vec<Value> = snapshots.iter().map(super::snapshot::to_json).collect();
        Ok(json!({ "snapshots": items }))
    }

    async fn kill(&self, p: SandboxParams) -> anyhow::Result<Value> {
        let ctx = self.ctx();
        let engine = ctx.engine().await?;
        let state = ctx.store.load()?;
        let target = crate::resolve::resolve(engine, &state, &ctx.scope, &p.sandbox).await?;
        crate::view::remove(engine, &target).await?;
        if matches!(target, crate::resolve::Target::Live(_)) {
            crate::view::forget_in_proxy(engine, &ctx.printer).await;
        }
        let id = target.id().to_string();
        ctx.store.update(|s| {
            crate::view::forget_removed(s, ctx.store.dir(), [id.as_str()]);
            Ok(())
        })?;
        Ok(json!({ "killed": id }))
    }
}

/// Progress notifications for a running command: after new output (at most four a second)
/// and every five seconds while it is quiet, so a client sees a long command is alive.
async fn report_progress(
    peer: Peer<RoleServer>,
    token: rmcp::model::ProgressToken,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<usize>,
) {
    let started = Instant::now();
    let mut bytes = 0usize;
    let mut step = 0u64;
    let mut last = Instant::now();
    let mut reported_bytes = 0usize;
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        tokio::select! {
            n = rx.recv() => match n {
                Some(n) => bytes += n,
                None => return,
            },
            _ = tick.tick() => {
                let quiet_for = last.elapsed();
                if bytes == reported_bytes && quiet_for < Duration::from_secs(5) {
                    continue;
                }
                step += 1;
                last = Instant::now();
                reported_bytes = bytes;
                let message = format!(
                    "running for {} s, {bytes} bytes of output",
                    started.elapsed().as_secs()
                );
                let param = ProgressNotificationParam::new(token.clone(), step as f64)
                    .with_message(message);
                if peer.notify_progress(param).await.is_err() {
                    return;
                }
            }
        }
    }
}
