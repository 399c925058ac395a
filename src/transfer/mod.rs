//! Moving files and trees in and out of sandboxes through Docker's archive API.
//!
//! `upload` and `download` are the library functions behind `dsbx upload`, `dsbx download` and
//! the sbx-compatible `dsbx files …` commands. Both stream: the tar is written (or read) on a
//! blocking thread through a bounded channel that feeds (or drains) the HTTP body, so memory
//! stays flat whatever the size; stdin is spooled to an unnamed temp file because a tar header
//! needs the size first. Downloads are extracted by [`unpack`] through directory handles into a
//! staging directory beside the target, which [`place`] moves into place only when everything
//! arrived, so a failed download leaves nothing that looks finished and nothing is ever written
//! through a symlink inside LOCAL.

pub mod direct;
pub mod pack;
pub mod place;
pub mod remote;
pub mod unpack;

use crate::commands::Context;
use crate::engine::Engine;
use crate::engine::archive::RemoteStat;
use crate::error::usage;
use crate::sandbox::Sandbox;
use anyhow::{Context as _, anyhow, bail};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use serde::Serialize;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tokio::sync::mpsc;

/// Transfers above this size get a progress bar on a terminal.
const PROGRESS_THRESHOLD: u64 = 4 * 1024 * 1024;
/// Size of each chunk sent through the channel, and how many may wait: together the most an
/// upload or download holds in dsbx's memory besides the HTTP client's own buffers.
const CHUNK: usize = 256 * 1024;
const CHANNEL_DEPTH: usize = 8;

/// What a transfer did, as `--json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Bytes of file content copied.
    pub bytes: u64,
    /// Regular files and symlinks copied.
    pub files: u64,
    pub duration_ms: u64,
}

/// Where upload reads from.
#[derive(Debug, Clone)]
pub enum Source {
    Path(PathBuf),
    Stdin,
    /// Content held in memory (`files write`, `files edit`), written as one file.
    Bytes(Vec<u8>),
}

/// How an upload treats its source and target beyond the contract's defaults.
#[derive(Debug, Clone, Default)]
pub struct UploadOptions {
    /// Entries belong to root instead of the sandbox's user.
    pub root: bool,
    /// Entries of a local tree left out.
    pub filter: pack::Filter,
    /// A directory onto an existing directory fills it (its contents land in REMOTE) instead of
    /// landing inside it under its own name: `files upload-dir`.
    pub contents: bool,
    /// The mode a file from stdin or memory gets [default: 0644].
    pub file_mode: Option<u32>,
}

/// How a download treats its target beyond the contract's defaults.
#[derive(Debug, Clone, Default)]
pub struct DownloadOptions {
    /// Entries of a remote tree left out.
    pub filter: pack::Filter,
    /// A directory onto an existing local directory fills it instead of landing inside it:
    /// `files download-dir`.
    pub contents: bool,
}

/// Where download writes to.
#[derive(Debug, Clone)]
pub enum Dest {
    Path(PathBuf),
    Stdout,
}

impl Source {
    pub fn parse(local: &str) -> Source {
        if local == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(local))
        }
    }
}

impl Dest {
    pub fn parse(local: &str) -> Dest {
        if local == "-" {
            Dest::Stdout
        } else {
            Dest::Path(PathBuf::from(local))
        }
    }
}

/// Resolves the sandbox, starts or resumes it, and knows its working directory.
pub async fn ready_sandbox<'a>(
    ctx: &'a Context,
    query: &str,
) -> anyhow::Result<(&'a Engine, Sandbox)> {
    let (engine, state, sandbox) = ctx.live_sandbox(query).await?;
    crate::lifetime::make_ready(engine, &state, &sandbox).await?;
    // The list call behind names and prefixes does not carry the working directory.
    let sandbox = if sandbox.workdir.is_none() {
        engine
            .inspect_sandbox(&sandbox.id)
            .await?
            .unwrap_or(sandbox)
    } else {
        sandbox
    };
    Ok((engine, sandbox))
}

pub fn touch(ctx: &Context, id: &str) {
    let _ = ctx.store.update(|s| {
        if let Some(r) = s.sandboxes.get_mut(id) {
            r.last_activity = Some(chrono::Utc::now());
        }
        Ok(())
    });
}

/// Stats a path, following a final symlink once (Docker reports the resolved target). Returns
/// the stat and the path it describes.
pub async fn stat_follow(
    engine: &Engine,
    sandbox: &Sandbox,
    path: &str,
) -> anyhow::Result<Option<(RemoteStat, String)>> {
    let stat = |p: String| async move {
        engine
            .stat_path(&sandbox.container_id, &p)
            .await
            .map_err(|e| {
                engine.fail_sandbox(e, &sandbox.id, &format!("reading {}:{p}", sandbox.id))
            })
            .map(|s| s.map(|s| (s, p)))
    };
    match stat(path.to_string()).await? {
        Some((st, _)) if st.is_symlink() && !st.link_target.is_empty() => {
            let target = remote::join(path, &st.link_target);
            stat(target).await
        }
        other => Ok(other),
    }
}

/// The uid and gid uploaded entries get: the sandbox's user's, or root's with `--root`.
async fn owner_of(engine: &Engine, sandbox: &Sandbox, root: bool) -> anyhow::Result<pack::Owner> {
    let spec = sandbox.user();
    if root || spec == "root" || spec == "0" || spec == "0:0" {
        return Ok(pack::Owner { uid: 0, gid: 0 });
    }
    let read = |p: &'static str| async move {
        engine
            .read_small_file(&sandbox.container_id, p)
            .await
            .map(|b| String::from_utf8_lossy(&b.unwrap_or_default()).into_owned())
    };
    let passwd = read("/etc/passwd").await?;
    let group = read("/etc/group").await?;
    let user = crate::passwd::resolve(&passwd, &group, spec).ok_or_else(|| {
        anyhow!(
            "the sandbox's user `{spec}` is not in its /etc/passwd or /etc/group; \
             upload with --root to write as root"
        )
    })?;
    Ok(pack::Owner {
        uid: user.uid,
        gid: user.gid,
    })
}

/// Uploads a local file or tree (or stdin) to REMOTE in the sandbox `query`, following the
/// contract's target rules. Returns what was copied.
pub async fn upload(
    ctx: &Context,
    query: &str,
    source: &Source,
    remote_arg: &str,
    root: bool,
) -> anyhow::Result<Summary> {
    let options = UploadOptions {
        root,
        ..Default::default()
    };
    upload_with(ctx, query, source, remote_arg, &options).await
}

/// [`upload`] with a filter for trees and the fill-the-directory target rule.
pub async fn upload_with(
    ctx: &Context,
    query: &str,
    source: &Source,
    remote_arg: &str,
    options: &UploadOptions,
) -> anyhow::Result<Summary> {
    let root = options.root;
    if remote_arg.is_empty() {
        return Err(usage("REMOTE is empty: name a path in the sandbox"));
    }
    let started = Instant::now();
    // The local side first: a missing LOCAL fails before the sandbox is started.
    let local_scan = match source {
        Source::Path(path) => Some((
            path.clone(),
            pack::scan_filtered(path, &options.filter)?,
            local_name(path)?,
        )),
        Source::Stdin | Source::Bytes(_) => None,
    };
    // An upload as the user to an absolute path needs no engine call over the channel.
    let direct = match !root && remote_arg.starts_with('/') {
        true => direct::connect_for_user(ctx, query).await,
        false => None,
    };
    let (engine, sandbox) = match &direct {
        Some(d) => (None, d.sandbox.clone()),
        None => {
            let (engine, sandbox) = ready_sandbox(ctx, query).await?;
            (Some(engine), sandbox)
        }
    };
    let look = match (&direct, engine) {
        (Some(d), _) => Look::Direct(d),
        (None, Some(e)) => Look::Engine(e),
        (None, None) => unreachable!("an engine when there is no channel"),
    };
    let dest = remote::absolute(sandbox.workdir.as_deref(), remote_arg);
    let wants_dir = remote::wants_dir(remote_arg);
    let (root_path, scan, name, _spool) = match local_scan {
        Some((path, scan, name)) => (path, scan, Some(name), None),
        None => {
            let (spool, mut scan) = match source {
                Source::Bytes(data) => spool_bytes(data).await?,
                _ => spool_stdin().await?,
            };
            if let Some(mode) = options.file_mode {
                scan.entries[0].mode = mode & 0o7777;
            }
            (spool.path().to_path_buf(), scan, None, Some(spool))
        }
    };
    let local_is_dir = scan.root_is_dir();
    let as_user = extracts_as_user(&sandbox, root);
    let owner = if as_user {
        // The helper writes as the user; the kernel, not the headers, decides the owner.
        pack::Owner { uid: 0, gid: 0 }
    } else {
        owner_of(look.engine()?, &sandbox, root).await?
    };
    let shown = format!("{}:{dest}", sandbox.id);

    // Where Docker extracts (an existing directory) and how the entries are named there.
    let (extract_dir, place) = match look.stat_follow(&sandbox, &dest).await? {
        Some((st, resolved)) if st.is_dir() && options.contents && local_is_dir => {
            // The tree's root entry is the directory itself: its contents merge into it.
            let base = remote::base_name(&resolved);
            if base.is_empty() {
                bail!("cannot fill {shown} itself: name a directory below /");
            }
            (
                remote::parent(&resolved),
                pack::Placement {
                    parents: vec![],
                    name: base.to_string(),
                },
            )
        }
        Some((st, _)) if st.is_dir() => {
            let Some(name) = name else {
                bail!("{shown} is a directory: name the file to write stdin to");
            };
            (
                dest.clone(),
                pack::Placement {
                    parents: vec![],
                    name,
                },
            )
        }
        Some(_) if wants_dir => bail!("{shown} is not a directory"),
        Some(_) if local_is_dir => {
            bail!("cannot copy a directory onto the file {shown}")
        }
        Some(_) => (
            remote::parent(&dest),
            pack::Placement {
                parents: vec![],
                name: remote::base_name(&dest).to_string(),
            },
        ),
        None => {
            let (ancestor, mut missing) = existing_ancestor(&look, &sandbox, &dest).await?;
            let name = if wants_dir && !(options.contents && local_is_dir) {
                name.ok_or_else(|| {
                    anyhow!("{shown} does not exist: name the file to write stdin to")
                })?
            } else {
                missing
                    .pop()
                    .expect("a missing path has a missing component")
            };
            (
                ancestor,
                pack::Placement {
                    parents: missing,
                    name,
                },
            )
        }
    };

    let bar = (scan.bytes > PROGRESS_THRESHOLD)
        .then(|| ctx.printer.bytes_bar(Some(scan.bytes), "Uploading"))
        .flatten();
    for line in &scan.skipped {
        ctx.printer.warn(line);
    }
    let (tx, rx) = mpsc::channel::<Result<Bytes, io::Error>>(CHANNEL_DEPTH);
    let landed = place
        .parents
        .iter()
        .chain(std::iter::once(&place.name))
        .fold(extract_dir.clone(), |acc, part| remote::join(&acc, part));
    // Docker answers 200 for an upload under a tmpfs mount and the sandbox never sees it
    // (moby#22020), and the archive API itself still shows it: refuse instead of exiting 0.
    if let Some(mount) = remote::engine_mount(&landed) {
        bail!(
            "cannot upload to {}:{landed}: {mount} is a mount of the engine's own (tmpfs, proc \
             or sysfs) and files uploaded there are invisible to the sandbox (moby#22020); \
             choose a path such as /tmp",
            sandbox.id
        );
    }
    let writer_bar = bar.clone();
    let files = scan.files;
    let bytes = scan.bytes;
    let packer = tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter::new(tx);
        let progress = |n: u64| {
            if let Some(b) = &writer_bar {
                b.inc(n)
            }
        };
        let result = pack::write_tar(&mut out, &root_path, &scan, &place, owner, &progress)
            .and_then(|()| out.flush().map_err(anyhow::Error::from));
        if let Err(e) = &result {
            out.abort(format!("{e:#}"));
        }
        result
    });
    let body = Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
    let sent = match (&look, as_user) {
        (Look::Direct(d), _) => match d.extract(&extract_dir, body).await {
            Ok(out) => extract_result(&sandbox, &out, &shown),
            Err(e) => Err(e),
        },
        (Look::Engine(engine), true) => {
            extract_as_user(
                ctx.store.dir(),
                engine,
                &sandbox,
                &extract_dir,
                body,
                &shown,
            )
            .await
        }
        (Look::Engine(engine), false) => {
            match engine
                .upload_tar_stream(&sandbox.container_id, &extract_dir, body)
                .await
            {
                Ok(()) => Ok(()),
                Err(e) => Err(upload_error(engine, &sandbox, e, &shown).await),
            }
        }
    };
    let packed = packer
        .await
        .map_err(|e| anyhow!("the upload thread failed: {e}"))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match (sent, packed) {
        (Ok(()), Ok(())) => {}
        // A local read error is the cause; the engine only saw the stream break.
        (_, Err(e)) if !is_closed_channel(&e) => {
            return Err(e.context(format!(
                "upload to {shown} failed (it may hold a partial copy)"
            )));
        }
        (Err(e), _) => return Err(e),
        (Ok(()), Err(e)) => return Err(e.context(format!("upload to {shown} failed"))),
    }
    touch(ctx, &sandbox.id);
    Ok(Summary {
        bytes,
        files,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

/// Whether an upload goes through the helper as the sandbox's user (so the kernel checks what it
/// may write) rather than the archive API, which writes as root: every upload without `--root`
/// into a sandbox that has the helper and a user other than root. For root, both write as root
/// and the archive API is the faster. Without a helper (see `helper_path`) the archive API is
/// all there is, and the README says what that means.
fn extracts_as_user(sandbox: &Sandbox, root: bool) -> bool {
    let spec = sandbox.user();
    let root_user = matches!(
        spec,
        "root" | "0" | "0:0" | "root:root" | "root:0" | "0:root"
    );
    !root && !root_user && sandbox.label(crate::labels::HELPER).is_some()
}

/// Streams the tar into `__helper extract` as the sandbox's user, which unpacks it in `dir`.
async fn extract_as_user(
    state_dir: &std::path::Path,
    engine: &Engine,
    sandbox: &Sandbox,
    dir: &str,
    body: impl futures_util::Stream<Item = Result<Bytes, io::Error>> + Unpin + Send + 'static,
    shown: &str,
) -> anyhow::Result<()> {
    use crate::engine::helper_volume::HELPER_PATH;
    let cmd = [
        HELPER_PATH,
        "__helper",
        "extract",
        "--user",
        sandbox.user(),
        dir,
    ]
    .map(str::to_string)
    .to_vec();
    let out =
        crate::channel::client::run_helper_with_input(state_dir, engine, &sandbox.id, cmd, body)
            .await?;
    extract_result(sandbox, &out, shown)
}

/// What `__helper extract`'s exit says about the upload.
fn extract_result(
    sandbox: &Sandbox,
    out: &crate::engine::exec::Captured,
    shown: &str,
) -> anyhow::Result<()> {
    if out.code == 0 {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&out.stderr);
    let line = text.lines().next().unwrap_or("").trim();
    if out.code == 125 || out.code == 127 || line.is_empty() {
        bail!(
            "upload to {shown} failed: the sandbox's dsbx helper could not unpack it (exit {}{}); \
             a sandbox made by an earlier dsbx needs recreating (or `upload --root`)",
            out.code,
            if line.is_empty() {
                String::new()
            } else {
                format!(": {line}")
            }
        );
    }
    bail!(
        "upload to {shown} failed as user `{}`: {line}",
        sandbox.user()
    )
}

/// The engine's refusal, in words that say which side and what to do.
async fn upload_error(
    engine: &Engine,
    sandbox: &Sandbox,
    err: bollard::errors::Error,
    shown: &str,
) -> anyhow::Error {
    if crate::engine::status(&err) == Some(404)
        && matches!(engine.inspect_sandbox(&sandbox.id).await, Ok(None))
    {
        return crate::error::not_found(format!(
            "no sandbox `{}`: its container is gone",
            sandbox.id
        ));
    }
    let text = err.to_string();
    let hint = if text.contains("read-only") {
        " (the target in the sandbox is read-only)"
    } else if text.contains("no space left") {
        " (the sandbox's disk is full)"
    } else {
        ""
    };
    engine
        .fail_sandbox(err, &sandbox.id, &format!("uploading to {shown}"))
        .context(format!("upload to {shown} failed{hint}"))
}

fn is_closed_channel(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe && e.to_string() == CLOSED)
    })
}

const CLOSED: &str = "the engine stopped reading the upload";

/// Where an upload looks at the sandbox's paths: the engine's archive API, or the helper over
/// the sandbox's channel (see `direct`).
enum Look<'a> {
    Engine(&'a Engine),
    Direct(&'a direct::Direct),
}

impl Look<'_> {
    async fn stat_follow(
        &self,
        sandbox: &Sandbox,
        path: &str,
    ) -> anyhow::Result<Option<(RemoteStat, String)>> {
        match self {
            Look::Engine(engine) => stat_follow(engine, sandbox, path).await,
            Look::Direct(d) => Ok(d.stat_follow(&[path.to_string()]).await?.pop().flatten()),
        }
    }

    /// For what only the archive API does (root uploads), which never takes the channel.
    fn engine(&self) -> anyhow::Result<&Engine> {
        match self {
            Look::Engine(engine) => Ok(engine),
            Look::Direct(_) => Err(anyhow!("a root upload does not go over the channel")),
        }
    }
}

/// The deepest existing directory above `path` and the missing components below it, in order.
async fn existing_ancestor(
    look: &Look<'_>,
    sandbox: &Sandbox,
    path: &str,
) -> anyhow::Result<(String, Vec<String>)> {
    // Over the channel, every ancestor in one call; through the engine, one stat at a time.
    let mut ancestors = Vec::new();
    let mut up = remote::parent(path);
    while let Look::Direct(_) = look {
        ancestors.push(up.clone());
        if up == "/" {
            break;
        }
        up = remote::parent(&up);
    }
    let mut known = match look {
        Look::Direct(d) => d.stat_follow(&ancestors).await?.into_iter(),
        Look::Engine(_) => Vec::new().into_iter(),
    };
    let mut missing = vec![remote::base_name(path).to_string()];
    let mut current = remote::parent(path);
    loop {
        let stat = match look {
            Look::Direct(_) => known
                .next()
                .ok_or_else(|| anyhow!("the helper's stat answered too few paths"))?,
            Look::Engine(_) => look.stat_follow(sandbox, &current).await?,
        };
        match stat {
            Some((st, _)) if st.is_dir() => break,
            Some(_) => bail!(
                "{}:{current} is a file, not a directory, so {path} cannot be created",
                sandbox.id
            ),
            None => {
                missing.push(remote::base_name(&current).to_string());
                current = remote::parent(&current);
            }
        }
    }
    missing.reverse();
    Ok((current, missing))
}

/// The name a local path is uploaded under: its last component (`.` and `..` resolved).
fn local_name(path: &Path) -> anyhow::Result<String> {
    let name = match path.file_name() {
        Some(n) => n.to_os_string(),
        None => fs::canonicalize(path)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_os_string()))
            .ok_or_else(|| usage(format!("cannot upload {} itself", path.display())))?,
    };
    name.into_string()
        .map_err(|n| anyhow!("{} is not valid UTF-8", n.to_string_lossy()))
}

/// Writes in-memory content to a temp file (the tar writer streams from files).
async fn spool_bytes(data: &[u8]) -> anyhow::Result<(tempfile::NamedTempFile, pack::Scan)> {
    let data = data.to_vec();
    tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut spool = tempfile::NamedTempFile::new().context("creating a temp file")?;
        spool
            .as_file_mut()
            .write_all(&data)
            .context("writing a temp file")?;
        spool.as_file_mut().flush()?;
        let mut scan = pack::scan(spool.path())?;
        scan.entries[0].mode = 0o644;
        Ok((spool, scan))
    })
    .await
    .map_err(|e| anyhow!("the spooling thread failed: {e}"))?
}

/// Reads stdin to the end into an unnamed-on-exit temp file, off the async thread.
async fn spool_stdin() -> anyhow::Result<(tempfile::NamedTempFile, pack::Scan)> {
    tokio::task::spawn_blocking(|| -> anyhow::Result<_> {
        let mut spool = tempfile::NamedTempFile::new().context("creating a temp file for stdin")?;
        let mut stdin = io::stdin().lock();
        unpack::copy_counting(&mut stdin, spool.as_file_mut(), &|_| {})
            .context("spooling stdin to a temp file")?;
        spool.as_file_mut().flush()?;
        let mut scan = pack::scan(spool.path())?;
        // What a new file gets from a usual umask, not the temp file's 0600.
        scan.entries[0].mode = 0o644;
        Ok((spool, scan))
    })
    .await
    .map_err(|e| anyhow!("the stdin thread failed: {e}"))?
}

/// A `Write` that sends `CHUNK`-sized pieces into the upload's bounded channel, blocking while
/// it is full.
struct ChannelWriter {
    tx: mpsc::Sender<Result<Bytes, io::Error>>,
    buf: BytesMut,
}

impl ChannelWriter {
    fn new(tx: mpsc::Sender<Result<Bytes, io::Error>>) -> Self {
        ChannelWriter {
            tx,
            buf: BytesMut::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = self.buf.split().freeze();
        self.buf.reserve(CHUNK);
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, CLOSED))
    }

    /// Breaks the request body so the engine never sees a tar that looks complete.
    fn abort(&mut self, why: String) {
        self.buf.clear();
        let _ = self.tx.blocking_send(Err(io::Error::other(why)));
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// A `Read` over the download's bounded channel, blocking while it is empty.
struct ChannelReader {
    rx: mpsc::Receiver<Result<Bytes, io::Error>>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                None => return Ok(0),
                Some(Err(e)) => return Err(e),
                Some(Ok(b)) => self.current = b,
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        let _ = self.current.split_to(n);
        Ok(n)
    }
}

/// Downloads REMOTE from the sandbox `query` to a local path (the contract's target rules) or
/// to stdout (a file's bytes; a directory as a tar stream).
pub async fn download(
    ctx: &Context,
    query: &str,
    remote_arg: &str,
    dest: &Dest,
) -> anyhow::Result<Summary> {
    download_with(ctx, query, remote_arg, dest, &DownloadOptions::default()).await
}

/// [`download`] with a filter for trees and the fill-the-directory target rule.
pub async fn download_with(
    ctx: &Context,
    query: &str,
    remote_arg: &str,
    dest: &Dest,
    options: &DownloadOptions,
) -> anyhow::Result<Summary> {
    if remote_arg.is_empty() {
        return Err(usage("REMOTE is empty: name a path in the sandbox"));
    }
    let started = Instant::now();
    let (engine, sandbox) = ready_sandbox(ctx, query).await?;
    let path = remote::absolute(sandbox.workdir.as_deref(), remote_arg);
    let shown = format!("{}:{path}", sandbox.id);
    let Some((st, source)) = stat_follow(engine, &sandbox, &path).await? else {
        bail!("no such file or directory: {shown}");
    };
    if remote::wants_dir(remote_arg) && !st.is_dir() {
        bail!("{shown} is not a directory");
    }
    if !st.is_dir() && !st.is_file() {
        bail!("{shown} is not a regular file or a directory (a device, fifo or socket)");
    }
    let name = match remote::base_name(&path) {
        "" => bail!("cannot download / itself: name a directory below it"),
        n => OsString::from(n),
    };
    let total = (!st.is_dir()).then_some(st.size.max(0) as u64);
    let bar = if total.is_none_or(|t| t > PROGRESS_THRESHOLD) {
        ctx.printer.bytes_bar(total, "Downloading")
    } else {
        None
    };

    let (tx, rx) = mpsc::channel::<Result<Bytes, io::Error>>(CHANNEL_DEPTH);
    let reader = ChannelReader {
        rx,
        current: Bytes::new(),
    };
    let worker_bar = bar.clone();
    let is_dir = st.is_dir();
    let dest = dest.clone();
    let shown_for_worker = shown.clone();
    let options = options.clone();
    let worker = tokio::task::spawn_blocking(move || {
        let progress = |n: u64| {
            if let Some(b) = &worker_bar {
                b.inc(n)
            }
        };
        match dest {
            Dest::Stdout => to_stdout(reader, is_dir, &progress),
            Dest::Path(local) => place::to_path(
                reader,
                &local,
                &name,
                is_dir,
                &shown_for_worker,
                &progress,
                &options,
            ),
        }
    });
    let mut stream = Box::pin(engine.download_tar_stream(&sandbox.container_id, &source));
    let mut engine_error = None;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => {
                if tx.send(Ok(bytes)).await.is_err() {
                    break; // the worker stopped (an error it reports, or stdout closed)
                }
            }
            Err(e) => {
                let _ = tx
                    .send(Err(io::Error::other(format!(
                        "the download broke off: {e}"
                    ))))
                    .await;
                engine_error = Some(e);
                break;
            }
        }
    }
    drop(tx);
    let result = worker
        .await
        .map_err(|e| anyhow!("the download thread failed: {e}"))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let done = match (result, engine_error) {
        (Ok(done), None) => done,
        (_, Some(e)) => {
            return Err(engine.fail_sandbox(e, &sandbox.id, &format!("downloading {shown}")));
        }
        (Err(e), None) => return Err(e),
    };
    for line in &done.skipped {
        ctx.printer.warn(line);
    }
    touch(ctx, &sandbox.id);
    Ok(Summary {
        bytes: done.bytes,
        files: done.files,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

/// A file's bytes, or a directory's tar as the engine sent it, onto stdout.
fn to_stdout(
    mut reader: ChannelReader,
    is_dir: bool,
    progress: &dyn Fn(u64),
) -> anyhow::Result<unpack::Extracted> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if is_dir {
        let n = unpack::copy_counting(&mut reader, &mut out, progress)?;
        out.flush()?;
        return Ok(unpack::Extracted {
            bytes: n,
            top_is_dir: true,
            ..Default::default()
        });
    }
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries().context("reading the archive")? {
        let mut entry = entry.context("reading the archive")?;
        if entry.header().entry_type().is_file() {
            let n = unpack::copy_counting(&mut entry, &mut out, progress)?;
            out.flush()?;
            return Ok(unpack::Extracted {
                files: 1,
                bytes: n,
                ..Default::default()
            });
        }
    }
    bail!("the archive held no file")
}
