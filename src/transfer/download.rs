//! Downloads: the engine's tar stream read on a blocking thread, onto stdout or extracted
//! through directory handles into a staging directory that [`place`] moves into place.

use super::stream::{self, ChannelReader};
use super::target::stat_follow;
use super::{Dest, DownloadOptions, PROGRESS_THRESHOLD, Session, Summary, place, remote, unpack};
use anyhow::{Context as _, anyhow, bail};
use futures_util::StreamExt;
use std::ffi::OsString;
use std::io::{self, Write};
use std::time::Instant;

/// Downloads REMOTE from the session's sandbox to a local path (the contract's target rules) or
/// to stdout (a file's bytes; a directory as a tar stream), with a filter for trees and the
/// fill-the-directory rule.
pub async fn download(
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
        s.sink.bytes_bar(total, "Downloading")
    } else {
        None
    };

    let (tx, reader) = stream::read_channel();
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
        s.sink.warn(line);
    }
    Ok(Summary {
        bytes: done.bytes,
        files: done.files,
        duration_ms: started.elapsed().as_millis() as u64,
        landed: None,
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
