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
    let sandbox = s.sandbox;
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
    let up = target::Upload {
        dest: remote::absolute(sandbox.workdir.as_deref(), remote_arg),
        wants_dir: remote::wants_dir(remote_arg),
        local_is_dir: scan.root_is_dir(),
        name,
        contents: options.contents,
    };
    let plan = match s.direct {
        // The helper reads REMOTE itself (a relative one from the sandbox's working directory).
        Some(_) => Plan::Put(target::Upload {
            dest: remote_arg.to_string(),
            ..up
        }),
        None => plan_on_engine(s, up, options.root).await?,
    };
    let shown = format!("{}:{}", sandbox.id, plan.dest());
    let (place, owner) = match &plan {
        Plan::Put(_) => (put_placement(), pack::Owner { uid: 0, gid: 0 }),
        Plan::Engine { place, owner, .. } => (place.clone(), *owner),
    };

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
    let sent = send(s, &plan, options, body, &shown).await;
    let packed = packer
        .await
        .map_err(|e| anyhow!("the upload thread failed: {e}"))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let landed = match (sent, packed) {
        (Ok(landed), Ok(())) => landed,
        // A local read error is the cause; the engine only saw the stream break.
        (_, Err(e)) if !is_closed_channel(&e) => {
            return Err(e.context(format!(
                "upload to {shown} failed (it may hold a partial copy)"
            )));
        }
        (Err(e), _) => return Err(e),
        (Ok(_), Err(e)) => return Err(e.context(format!("upload to {shown} failed"))),
    };
    Ok(Summary {
        bytes,
        files,
        duration_ms: local.started.elapsed().as_millis() as u64,
        landed,
    })
}

/// How an upload reaches the sandbox.
enum Plan {
    /// Over the channel: the helper's `put` places it (see `helper::put`).
    Put(target::Upload),
    /// Placed here through the engine's archive API, then sent to it (as root) or to the
    /// helper's `extract` (as the user).
    Engine {
        dest: String,
        extract_dir: String,
        place: pack::Placement,
        owner: pack::Owner,
        as_user: bool,
    },
}

impl Plan {
    fn dest(&self) -> &str {
        match self {
            Plan::Put(up) => &up.dest,
            Plan::Engine { dest, .. } => dest,
        }
    }
}

/// The root entry's name in a tar for `put`, which renames it where the rules say.
fn put_placement() -> pack::Placement {
    pack::Placement {
        parents: vec![],
        name: "upload".into(),
    }
}

/// The target rules through the engine's archive API, and who the entries belong to.
async fn plan_on_engine(s: &Session<'_>, up: target::Upload, root: bool) -> anyhow::Result<Plan> {
    let (engine, sandbox) = (s.engine, s.sandbox);
    let as_user = extracts_as_user(sandbox, root);
    let owner = if as_user {
        // The helper writes as the user; the kernel, not the headers, decides the owner.
        pack::Owner { uid: 0, gid: 0 }
    } else {
        owner_of(engine, sandbox, root).await?
    };
    let dest = up.dest.clone();
    let (extract_dir, place) = target::placement(engine, sandbox, up).await?;
    // Where the archive API will really extract: the directory's own link followed.
    let real = target::stat_follow(engine, sandbox, &extract_dir)
        .await?
        .map_or_else(|| extract_dir.clone(), |(_, p)| p);
    crate::target_rules::refuse_engine_mount(&sandbox.id, &extract_dir, &place)
        .and_then(|()| crate::target_rules::refuse_own_files(&sandbox.id, &real, &place))
        .map_err(|e| anyhow!(e))?;
    Ok(Plan::Engine {
        dest,
        extract_dir,
        place,
        owner,
        as_user,
    })
}

/// Sends the tar where the plan says; over the channel, where it landed.
async fn send(
    s: &Session<'_>,
    plan: &Plan,
    options: &UploadOptions,
    body: impl futures_util::Stream<Item = Result<Bytes, io::Error>> + Unpin + Send + 'static,
    shown: &str,
) -> anyhow::Result<Option<String>> {
    let (engine, sandbox) = (s.engine, s.sandbox);
    match plan {
        Plan::Put(up) => {
            let d = s.direct.expect("a put plan has a channel");
            let request = crate::target_rules::Put {
                id: sandbox.id.clone(),
                user: (!options.root && !is_root_user(sandbox.user()))
                    .then(|| sandbox.user().to_string()),
                upload: up.clone(),
                write: options.write,
            };
            match d.put(&request, body).await? {
                Ok(landed) => Ok(Some(landed.path)),
                Err(out) => {
                    extract_result(sandbox, &out, shown, request.user.is_some()).map(|()| None)
                }
            }
        }
        Plan::Engine {
            extract_dir,
            as_user: true,
            ..
        } => extract_as_user(s, extract_dir, body, shown)
            .await
            .map(|()| None),
        Plan::Engine { extract_dir, .. } => engine
            .upload_for_user(sandbox, extract_dir, body, shown)
            .await
            .map(|()| None),
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

/// Whether an upload goes through the helper as the sandbox's user (so the kernel checks what it
/// may write) rather than the archive API, which writes as root: every upload without `--root`
/// into a sandbox that has the helper and a user other than root. For root, both write as root
/// and the archive API is the faster. Without a helper (see `helper_path`) the archive API is
/// all there is, and the README says what that means.
fn extracts_as_user(sandbox: &Sandbox, root: bool) -> bool {
    !root && !is_root_user(sandbox.user()) && sandbox.label(crate::labels::HELPER).is_some()
}

fn is_root_user(spec: &str) -> bool {
    matches!(
        spec,
        "" | "root" | "0" | "0:0" | "root:root" | "root:0" | "0:root"
    )
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
    extract_result(sandbox, &out, shown, true)
}

/// What `__helper extract`'s exit says about the upload.
fn extract_result(
    sandbox: &Sandbox,
    out: &crate::engine::exec::Captured,
    shown: &str,
    as_user: bool,
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
    let hint = if line.ends_with("no space left on device") {
        " (the sandbox's disk is full)"
    } else if line.ends_with("read-only file system") {
        " (the target in the sandbox is read-only)"
    } else {
        ""
    };
    match as_user {
        true => bail!(
            "upload to {shown} failed as user `{}`{hint}: {line}",
            sandbox.user()
        ),
        false => bail!("upload to {shown} failed{hint}: {line}"),
    }
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
