//! Downloads: the helper's tar stream (see [`fetch`]; the engine's archive API for an older
//! helper) read on a blocking thread, onto stdout or extracted
//! through directory handles into a staging directory that [`place`] moves into place.

use super::stream;
use super::target::stat_follow;
use super::{
    Dest, DownloadOptions, PROGRESS_THRESHOLD, Session, Summary, fetch, place, remote, unpack,
};
use crate::remote_stat::{PackHeader, RemoteStat};
use anyhow::{Context as _, anyhow, bail};
use futures_util::StreamExt;
use std::ffi::OsString;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Downloads REMOTE from the session's sandbox to a local path (the contract's target rules) or
/// to stdout (a file's bytes; a directory as a tar stream), with a filter for trees and the
/// fill-the-directory rule. Read by the helper's `pack` as the sandbox's user (as root with
/// `options.root`); a sandbox whose helper has no `pack` is read through the archive API.
pub async fn download(
    s: &Session<'_>,
    remote_arg: &str,
    dest: &Dest,
    options: &DownloadOptions,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let user = if options.root { "0" } else { s.sandbox.user() };
    let packing = match fetch::open(s, user, fetch::Want::Tar(&options.filter), remote_arg).await? {
        fetch::Opened::Packing(p) => p,
        fetch::Opened::Unsupported => return through_archive(s, remote_arg, dest, options).await,
    };
    let (st, path) = match &packing.header {
        PackHeader::Found { stat, asked, .. } => (stat.clone(), asked.clone()),
        PackHeader::Missing { asked } => {
            bail!("no such file or directory: {}:{asked}", s.sandbox.id)
        }
        PackHeader::Denied { asked } => {
            return Err(fetch::denied(&s.sandbox.id, user, asked, !options.root));
        }
    };
    let shown = format!("{}:{path}", s.sandbox.id);
    let (tx, finished) = start_placing(s, remote_arg, &path, &shown, &st, dest, options)?;
    let pumped = packing.pump(s, &tx).await;
    if pumped.is_ok() {
        finished.clean.store(true, Ordering::SeqCst);
    }
    drop(tx);
    let done = finished.wait().await?;
    let done = match (done, pumped) {
        (_, Err(e)) => return Err(e),
        (result, Ok(())) => result?,
    };
    summarise(s, done, started)
}

/// The worker placing (or printing) a download, and the sender that feeds it the tar.
type Placing = (tokio::sync::mpsc::Sender<stream::Chunk>, Finished);

/// The worker's end: what it extracted, its progress bar cleared.
struct Finished {
    worker: tokio::task::JoinHandle<anyhow::Result<unpack::Extracted>>,
    bar: Option<indicatif::ProgressBar>,
    /// Set once the source ended well: until then the end of the stream is an error, so a tar
    /// cut short (a reader killed mid-walk) is never placed as if complete.
    clean: Arc<AtomicBool>,
}

/// The worker's reader: EOF only after a clean end (see [`Finished::clean`]).
struct EndChecked {
    inner: stream::ChannelReader,
    clean: Arc<AtomicBool>,
}

impl io::Read for EndChecked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() && !self.clean.load(Ordering::SeqCst) {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the download ended before the archive did",
            ));
        }
        Ok(n)
    }
}

impl Finished {
    async fn wait(self) -> anyhow::Result<anyhow::Result<unpack::Extracted>> {
        let result = self
            .worker
            .await
            .map_err(|e| anyhow!("the download thread failed: {e}"))?;
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        Ok(result)
    }
}

/// Checks what REMOTE is against what was asked and starts the worker that places it.
fn start_placing(
    s: &Session<'_>,
    remote_arg: &str,
    path: &str,
    shown: &str,
    st: &RemoteStat,
    dest: &Dest,
    options: &DownloadOptions,
) -> anyhow::Result<Placing> {
    if remote::wants_dir(remote_arg) && !st.is_dir() {
        bail!("{shown} is not a directory");
    }
    if !st.is_dir() && !st.is_file() {
        bail!("{shown} is not a regular file or a directory (a device, fifo or socket)");
    }
    let name = match remote::base_name(path) {
        "" => bail!("cannot download / itself: name a directory below it"),
        n => OsString::from(n),
    };
    let total = (!st.is_dir()).then_some(st.size.max(0) as u64);
    let bar = if total.is_none_or(|t| t > PROGRESS_THRESHOLD) {
        s.sink.bytes_bar(total, "Downloading")
    } else {
        None
    };
    let (tx, reader) = stream::read_channel();
    let clean = Arc::new(AtomicBool::new(false));
    let reader = EndChecked {
        inner: reader,
        clean: clean.clone(),
    };
    let worker_bar = bar.clone();
    let is_dir = st.is_dir();
    let dest = dest.clone();
    let shown = shown.to_string();
    let options = options.clone();
    let worker = tokio::task::spawn_blocking(move || {
        let progress = |n: u64| {
            if let Some(b) = &worker_bar {
                b.inc(n)
            }
        };
        match dest {
            Dest::Stdout => to_stdout(reader, is_dir, &progress),
            Dest::Path(local) => {
                place::to_path(reader, &local, &name, is_dir, &shown, &progress, &options)
            }
        }
    });
    Ok((tx, Finished { worker, bar, clean }))
}

fn summarise(
    s: &Session<'_>,
    done: unpack::Extracted,
    started: Instant,
) -> anyhow::Result<Summary> {
    for line in &done.skipped {
        s.sink.warn(line);
    }
    Ok(Summary {
        bytes: done.bytes,
        files: done.files,
        duration_ms: started.elapsed().as_millis() as u64,
        landed: None,
    })
}

/// [`download`] through the engine's archive API, which reads as root: for a sandbox whose
/// helper has no `pack` (made by an earlier dsbx).
async fn through_archive(
    s: &Session<'_>,
    remote_arg: &str,
    dest: &Dest,
    options: &DownloadOptions,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let (engine, sandbox) = (s.engine, s.sandbox);
    let path = remote::absolute(sandbox.workdir.as_deref(), remote_arg);
    let shown = format!("{}:{path}", sandbox.id);
    let Some((st, source)) = stat_follow(engine, sandbox, &path).await? else {
        bail!("no such file or directory: {shown}");
    };
    let (tx, finished) = start_placing(s, remote_arg, &path, &shown, &st, dest, options)?;
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
    if engine_error.is_none() {
        finished.clean.store(true, Ordering::SeqCst);
    }
    drop(tx);
    let result = finished.wait().await?;
    let done = match (result, engine_error) {
        (Ok(done), None) => done,
        (_, Some(e)) => {
            return Err(engine.fail_sandbox(e, &sandbox.id, &format!("downloading {shown}")));
        }
        (Err(e), None) => return Err(e),
    };
    summarise(s, done, started)
}

/// A file's bytes, or a directory's tar as the engine sent it, onto stdout.
fn to_stdout(
    mut reader: EndChecked,
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
