//! Reading out of a sandbox through its helper's `pack` role (see `helper::pack`): as the
//! sandbox's user (root with `--root`), over the sandbox's channel when the session has one,
//! else through the engine's exec path; the same role, so the same results, either way.
//!
//! The role's stdout is one header line (what the path is, as the reader sees it), then for a
//! download the tar. A sandbox whose helper predates the role says so and the caller takes the
//! archive API instead.

use super::Session;
use super::stream::Chunk;
use crate::channel::client::Ended;
use crate::engine::exec::OutputChunk;
use crate::engine::exec::{ExecSpec, OutputStream};
use crate::engine::helper_volume::HELPER_PATH;
use crate::remote_stat::PackHeader;
use crate::tree_filter::Filter;
use anyhow::{anyhow, bail};
use futures_util::StreamExt;
use std::io;
use tokio::sync::{mpsc, oneshot};

/// The most of the role's stderr kept for a message.
const STDERR_KEPT: usize = 16 << 10;

/// What the caller wants of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want<'a> {
    /// Its stat and a tar of it, without what the filter leaves out of a tree.
    Tar(&'a Filter),
    /// Its stat, a final symlink followed.
    Stat,
    /// Its stat, a final symlink described as itself.
    Lstat,
}

/// A started `pack` whose header has arrived.
pub struct Packing {
    pub header: PackHeader,
    /// Stdout after the header line, not yet passed on.
    rest: Vec<u8>,
    output: OutputStream,
    stderr: Vec<u8>,
    exit: Exit,
    /// Who reads (`0`: root).
    user: String,
}

enum Exit {
    Channel(oneshot::Receiver<Ended>),
    Engine(String),
}

/// The outcome of asking the helper.
pub enum Opened {
    Packing(Box<Packing>),
    /// The sandbox's helper has no `pack` (made by an earlier dsbx) or there is no helper.
    Unsupported,
}

/// Starts `pack` for `path` (as typed: relative from the sandbox's working directory) as
/// `user` and reads its header.
pub async fn open(
    s: &Session<'_>,
    user: &str,
    want: Want<'_>,
    path: &str,
) -> anyhow::Result<Opened> {
    if let Some(opened) = open_as_asked(s, user, want, path).await? {
        return Ok(opened);
    }
    // A helper from before filters (the sandbox was made by an earlier dsbx) packs the whole
    // tree; the host leaves out the same entries as it unpacks.
    tracing::info!(
        "path: the whole tree: sandbox {}'s helper has no filters",
        s.sandbox.id
    );
    let whole = Filter::default();
    open_as_asked(s, user, Want::Tar(&whole), path)
        .await?
        .ok_or_else(|| anyhow!("{}: the helper refused to read {path}", s.sandbox.id))
}

/// [`open`] as asked; `None` when the helper does not know the filter's arguments.
async fn open_as_asked(
    s: &Session<'_>,
    user: &str,
    want: Want<'_>,
    path: &str,
) -> anyhow::Result<Option<Opened>> {
    let mut args = vec!["pack".to_string(), "--user".into(), user.into()];
    let filtered = match want {
        Want::Tar(filter) => {
            args.extend(filter.to_args());
            *filter != Filter::default()
        }
        Want::Stat => {
            args.push("--stat".into());
            false
        }
        Want::Lstat => {
            args.push("--lstat".into());
            false
        }
    };
    args.push(path.into());
    let (output, exit) = match s.direct {
        Some(direct) => {
            let attached = direct.start_role(args).await?;
            (attached.output, Exit::Channel(attached.ended))
        }
        None => {
            let engine = s.engine;
            let mut cmd = vec![HELPER_PATH.to_string(), "__helper".into()];
            cmd.extend(args);
            let spec = ExecSpec {
                cmd,
                user: "0".into(),
                ..Default::default()
            };
            let attached = engine.start_attached(&s.sandbox.id, &spec).await?;
            let watch = engine.stall_watch(
                engine.bounds.stall,
                format!("reading {}:{path}", s.sandbox.id),
            );
            let output: OutputStream = Box::pin(watch.bound(attached.output));
            (output, Exit::Engine(attached.exec_id))
        }
    };
    let mut packing = Packing {
        header: PackHeader::Missing {
            asked: String::new(),
        },
        rest: Vec::new(),
        output,
        stderr: Vec::new(),
        exit,
        user: user.to_string(),
    };
    loop {
        if let Some(nl) = packing.rest.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = packing.rest.drain(..=nl).collect();
            packing.header = serde_json::from_slice(&line)
                .map_err(|e| anyhow!("the helper's answer for {path}: {e}"))?;
            return Ok(Some(Opened::Packing(Box::new(packing))));
        }
        match packing.next(s).await? {
            Some(bytes) => packing.rest.extend_from_slice(&bytes),
            None => break,
        }
    }
    // The role ended before it said anything.
    let code = packing.exit_code(s).await?;
    let text = String::from_utf8_lossy(&packing.stderr).into_owned();
    if filtered && code == 125 && text.contains("bad pack call") {
        return Ok(None);
    }
    let old_helper = code == 125 && text.contains("unknown role");
    let no_helper = matches!(code, 126 | 127)
        && !text.starts_with("unknown user")
        && !text.starts_with("cannot switch");
    if old_helper || no_helper {
        tracing::info!(
            "path: the archive API: sandbox {}'s helper has no `pack` (made by an earlier dsbx)",
            s.sandbox.id
        );
        return Ok(Some(Opened::Unsupported));
    }
    bail!("{}: {}", s.sandbox.id, first_line(&text, code))
}

fn first_line(text: &str, code: i64) -> String {
    match text.lines().next().map(str::trim) {
        Some(line) if !line.is_empty() => line.to_string(),
        _ => format!("the helper failed (exit {code})"),
    }
}

impl Packing {
    /// The next stdout bytes; stderr is kept aside.
    async fn next(&mut self, s: &Session<'_>) -> anyhow::Result<Option<bytes::Bytes>> {
        loop {
            match self.output.next().await {
                None => return Ok(None),
                Some(Ok(OutputChunk::Stderr(message))) => {
                    let room = STDERR_KEPT.saturating_sub(self.stderr.len());
                    self.stderr
                        .extend_from_slice(&message[..message.len().min(room)]);
                }
                Some(Ok(other)) => return Ok(Some(other.into_bytes())),
                Some(Err(e)) => {
                    let doing = format!("reading {}", s.sandbox.id);
                    // The error says which path broke: the engine's words, or the channel's.
                    return Err(s.engine.fail_output(e, Some(&s.sandbox.id), &doing));
                }
            }
        }
    }

    async fn exit_code(&mut self, s: &Session<'_>) -> anyhow::Result<i64> {
        match &mut self.exit {
            Exit::Channel(ended) => ended
                .await
                .map(|e| e.code as i64)
                .map_err(|_| anyhow!("the channel ended without the helper's exit status")),
            Exit::Engine(exec_id) => s.engine.exit_code_in(&s.sandbox.id, exec_id).await,
        }
    }

    /// Passes the tar on to `tx` as it comes (the bounded channel is the backpressure), then
    /// checks how the role ended: a failure reaches the reader as an error, so nothing half
    /// read is ever placed as if complete. Returns the role's failure, if any.
    pub async fn pump(mut self, s: &Session<'_>, tx: &mpsc::Sender<Chunk>) -> anyhow::Result<()> {
        let rest = std::mem::take(&mut self.rest);
        if !rest.is_empty() && tx.send(Ok(rest.into())).await.is_err() {
            return Ok(()); // the reader stopped: it says why
        }
        loop {
            match self.next(s).await {
                Ok(Some(bytes)) => {
                    if tx.send(Ok(bytes)).await.is_err() {
                        return Ok(());
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = tx
                        .send(Err(io::Error::other(format!(
                            "the download broke off: {e}"
                        ))))
                        .await;
                    return Err(e);
                }
            }
        }
        let code = self.exit_code(s).await?;
        if code != 0 {
            let text = String::from_utf8_lossy(&self.stderr).into_owned();
            let line = first_line(&text, code);
            let _ = tx.send(Err(io::Error::other(line.clone()))).await;
            if let Some(path) = line.strip_prefix(crate::remote_stat::PACK_DENIED) {
                return Err(denied(&s.sandbox.id, &self.user, path, self.user != "0"));
            }
            bail!("{}: {line}", s.sandbox.id);
        }
        Ok(())
    }

    /// Waits for the end of a header-only call (`--stat`, `--lstat`, or a refusal).
    pub async fn finish(mut self, s: &Session<'_>) -> anyhow::Result<PackHeader> {
        while self.next(s).await?.is_some() {}
        let code = self.exit_code(s).await?;
        if code != 0 {
            let text = String::from_utf8_lossy(&self.stderr).into_owned();
            bail!("{}: {}", s.sandbox.id, first_line(&text, code));
        }
        Ok(self.header)
    }
}

/// What `path` is, as `user` sees it (`Want::Stat` or `Want::Lstat`): the helper's answer, or
/// the archive API's (as root) for a sandbox whose helper has no `pack`.
pub async fn look(
    s: &Session<'_>,
    user: &str,
    want: Want<'_>,
    path: &str,
) -> anyhow::Result<PackHeader> {
    match open(s, user, want, path).await? {
        Opened::Packing(p) => p.finish(s).await,
        Opened::Unsupported => {
            let asked = super::remote::absolute(s.sandbox.workdir.as_deref(), path);
            let found = match want {
                Want::Lstat => s
                    .engine
                    .stat_path(&s.sandbox.container_id, &asked)
                    .await
                    .map_err(|e| {
                        let doing = format!("reading {}:{asked}", s.sandbox.id);
                        s.engine.fail_sandbox(e, &s.sandbox.id, &doing)
                    })?
                    .map(|st| (st, asked.clone())),
                _ => super::stat_follow(s.engine, s.sandbox, &asked).await?,
            };
            Ok(match found {
                Some((stat, path)) => PackHeader::Found { asked, path, stat },
                None => PackHeader::Missing { asked },
            })
        }
    }
}

/// The one line for a path the reader may not read. The way out is named by the one command
/// that has it, whichever command refused.
pub fn denied(id: &str, user: &str, asked: &str, offer_root: bool) -> anyhow::Error {
    anyhow!(
        "permission denied: the sandbox's user `{user}` may not read {id}:{asked}{}",
        if offer_root {
            " (`dsbx download --root` reads as root)"
        } else {
            ""
        }
    )
}
