//! Uploads: a local file or tree (or stdin, or bytes in memory) packed into a tar on a blocking
//! thread and streamed to the engine's archive API, or to the sandbox's helper, which unpacks it
//! as the sandbox's user.

use super::stream::{self, is_closed_channel};
use super::target::{self, local_name};
use super::{PROGRESS_THRESHOLD, Session, Source, Summary, UploadOptions, pack, remote, unpack};
use crate::engine::Engine;
use crate::error::usage;
use crate::sandbox::Sandbox;
use anyhow::{Context as _, anyhow, bail};
use bytes::Bytes;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

/// The local side of an upload, looked at before the sandbox is started: a missing LOCAL or an
/// empty REMOTE fails first. Stdin and memory are spooled later, once the sandbox is ready.
pub struct Local<'s> {
    source: &'s Source,
    scanned: Option<(PathBuf, pack::Scan, String)>,
    started: Instant,
}

impl<'s> Local<'s> {
    pub fn prepare(
        source: &'s Source,
        remote_arg: &str,
        options: &UploadOptions,
    ) -> anyhow::Result<Local<'s>> {
        if remote_arg.is_empty() {
            return Err(usage("REMOTE is empty: name a path in the sandbox"));
        }
        let started = Instant::now();
        let scanned = match source {
            Source::Path(path) => Some((
                path.clone(),
                pack::scan_filtered(path, &options.filter)?,
                local_name(path)?,
            )),
            Source::Stdin | Source::Bytes(_) => None,
        };
        Ok(Local {
            source,
            scanned,
            started,
        })
    }
}

/// Uploads `local` to REMOTE in the session's sandbox, following the contract's target rules.
pub async fn upload(
    s: &Session<'_>,
    local: Local<'_>,
    remote_arg: &str,
    options: &UploadOptions,
) -> anyhow::Result<Summary> {
    let (engine, sandbox) = (s.engine, s.sandbox);
    let dest = remote::absolute(sandbox.workdir.as_deref(), remote_arg);
    let (root_path, scan, name, _spool) = match local.scanned {
        Some((path, scan, name)) => (path, scan, Some(name), None),
        None => {
            let (spool, mut scan) = match local.source {
                Source::Bytes(data) => spool_bytes(data).await?,
                _ => spool_stdin().await?,
            };
            if let Some(mode) = options.file_mode {
                scan.entries[0].mode = mode & 0o7777;
            }
            (spool.path().to_path_buf(), scan, None, Some(spool))
        }
    };
    let as_user = extracts_as_user(sandbox, options.root);
    let owner = if as_user {
        // The helper writes as the user; the kernel, not the headers, decides the owner.
        pack::Owner { uid: 0, gid: 0 }
    } else {
        owner_of(engine, sandbox, options.root).await?
    };
    let shown = format!("{}:{dest}", sandbox.id);
    let up = target::Upload {
        dest: &dest,
        wants_dir: remote::wants_dir(remote_arg),
        local_is_dir: scan.root_is_dir(),
        name,
        contents: options.contents,
    };
    let look = match s.direct {
        Some(d) => target::Look::Direct(d),
        None => target::Look::Engine(engine),
    };
    let (extract_dir, place) = target::placement(&look, sandbox, up).await?;
    refuse_engine_mount(sandbox, &extract_dir, &place)?;

    let bar = (scan.bytes > PROGRESS_THRESHOLD)
        .then(|| s.sink.bytes_bar(Some(scan.bytes), "Uploading"))
        .flatten();
    for line in &scan.skipped {
        s.sink.warn(line);
    }
    let (files, bytes) = (scan.files, scan.bytes);
    let (mut out, body) = stream::body_channel();
    let writer_bar = bar.clone();
    let packer = tokio::task::spawn_blocking(move || {
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
    let sent = if let Some(d) = s.direct {
        match d.extract(&extract_dir, body).await {
            Ok(out) => extract_result(sandbox, &out, &shown),
            Err(e) => Err(e),
        }
    } else if as_user {
        extract_as_user(s, &extract_dir, body, &shown).await
    } else {
        match engine
            .upload_tar_stream(&sandbox.container_id, &extract_dir, body)
            .await
        {
            Ok(()) => Ok(()),
            Err(e) => Err(upload_error(engine, sandbox, e, &shown).await),
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
    Ok(Summary {
        bytes,
        files,
        duration_ms: local.started.elapsed().as_millis() as u64,
    })
}

/// Docker answers 200 for an upload under a tmpfs mount and the sandbox never sees it
/// (moby#22020), and the archive API itself still shows it: refuse instead of exiting 0.
fn refuse_engine_mount(
    sandbox: &Sandbox,
    extract_dir: &str,
    place: &pack::Placement,
) -> anyhow::Result<()> {
    let landed = place
        .parents
        .iter()
        .chain(std::iter::once(&place.name))
        .fold(extract_dir.to_string(), |acc, part| {
            remote::join(&acc, part)
        });
    if let Some(mount) = remote::engine_mount(&landed) {
        bail!(
            "cannot upload to {}:{landed}: {mount} is a mount of the engine's own (tmpfs, proc \
             or sysfs) and files uploaded there are invisible to the sandbox (moby#22020); \
             choose a path such as /tmp",
            sandbox.id
        );
    }
    Ok(())
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
    s: &Session<'_>,
    dir: &str,
    body: impl futures_util::Stream<Item = Result<Bytes, io::Error>> + Unpin + Send + 'static,
    shown: &str,
) -> anyhow::Result<()> {
    use crate::helper::HELPER_PATH;
    let (engine, sandbox) = (s.engine, s.sandbox);
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
        crate::channel::client::run_helper_with_input(s.state_dir, engine, &sandbox.id, cmd, body)
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
    use crate::engine::archive::UploadRefusal;
    let hint = match UploadRefusal::of(&err) {
        UploadRefusal::ReadOnly => " (the target in the sandbox is read-only)",
        UploadRefusal::DiskFull => " (the sandbox's disk is full)",
        UploadRefusal::Other => "",
    };
    engine
        .fail_sandbox(err, &sandbox.id, &format!("uploading to {shown}"))
        .context(format!("upload to {shown} failed{hint}"))
}

/// Writes in-memory content to a temp file (the tar writer streams from files).
async fn spool_bytes(data: &[u8]) -> anyhow::Result<(tempfile::NamedTempFile, pack::Scan)> {
    let data = data.to_vec();
    spool("the content", move |file| Ok(file.write_all(&data)?)).await
}

/// Reads stdin to the end into an unnamed-on-exit temp file, off the async thread.
async fn spool_stdin() -> anyhow::Result<(tempfile::NamedTempFile, pack::Scan)> {
    spool("stdin", |file| {
        unpack::copy_counting(&mut io::stdin().lock(), file, &|_| {})?;
        Ok(())
    })
    .await
}

/// A temp file filled by `fill` on a blocking thread, scanned as one file of mode 0644 (what a
/// new file gets from a usual umask, not the temp file's 0600).
async fn spool(
    what: &'static str,
    fill: impl FnOnce(&mut std::fs::File) -> anyhow::Result<()> + Send + 'static,
) -> anyhow::Result<(tempfile::NamedTempFile, pack::Scan)> {
    tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut spool = tempfile::NamedTempFile::new()
            .with_context(|| format!("creating a temp file for {what}"))?;
        fill(spool.as_file_mut()).with_context(|| format!("spooling {what} to a temp file"))?;
        spool.as_file_mut().flush()?;
        let mut scan = pack::scan(spool.path())?;
        scan.entries[0].mode = 0o644;
        Ok((spool, scan))
    })
    .await
    .map_err(|e| anyhow!("the thread spooling {what} failed: {e}"))?
}
