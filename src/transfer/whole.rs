//! A regular file's bytes read into memory (the MCP server's `read_file`, `files edit` and
//! `edit_file`): one call to the helper's `pack` as the sandbox's user, over the sandbox's
//! channel when the session has one, else through the engine's exec path, as every other read
//! goes (see [`fetch`]); the engine's archive API, as root, for a sandbox whose helper has no
//! `pack`. So a read on a local engine makes no engine request at all.

use super::stream::Chunk;
use super::{Session, fetch, remote};
use crate::remote_stat::{PackHeader, RemoteStat};
use anyhow::{Context as _, anyhow, bail};
use tokio::sync::mpsc;

/// What the tar of one file may hold beyond the file's bytes: its headers and padding (a file
/// that grew between the stat and the read is refused, never read without bound).
const TAR_SLACK: u64 = 64 << 10;

/// A file read whole.
pub struct Whole {
    /// The path as asked, made absolute.
    pub asked: String,
    /// Where it is: its final symlink followed.
    pub path: String,
    pub stat: RemoteStat,
    pub content: Vec<u8>,
}

/// Reads the regular file at `path` (relative from the sandbox's working directory) as the
/// sandbox's user. `check` sees what is there before a byte is read and refuses what the caller
/// will not read (a directory, a file over its limit); a missing path and one the user may not
/// read fail here, in the words `files read` uses.
pub async fn read(
    s: &Session<'_>,
    path: &str,
    check: impl FnOnce(&str, &RemoteStat) -> anyhow::Result<()>,
) -> anyhow::Result<Whole> {
    let (id, user) = (&s.sandbox.id, s.sandbox.user());
    let whole = crate::tree_filter::Filter::default();
    let packing = match fetch::open(s, user, fetch::Want::Tar(&whole), path).await? {
        fetch::Opened::Packing(p) => p,
        fetch::Opened::Unsupported => return through_archive(s, path, check).await,
    };
    let (asked, resolved, stat) = match &packing.header {
        PackHeader::Found { asked, path, stat } => (asked.clone(), path.clone(), stat.clone()),
        PackHeader::Missing { asked } => bail!("no such file: {id}:{asked}"),
        PackHeader::Denied { asked } => return Err(fetch::denied(id, user, asked, false)),
    };
    check(&asked, &stat)?;
    let most = stat.size.max(0) as u64 + TAR_SLACK;
    let (tx, rx) = mpsc::channel::<Chunk>(4);
    let pumping = async move {
        let pumped = packing.pump(s, &tx).await;
        drop(tx);
        pumped
    };
    let (pumped, collected) = tokio::join!(pumping, collect(rx, most));
    pumped?;
    let tar = collected.with_context(|| format!("reading {id}:{resolved}"))?;
    let content = file_of(&tar)?.ok_or_else(|| anyhow!("no such file: {id}:{asked}"))?;
    Ok(Whole {
        asked,
        path: resolved,
        stat,
        content,
    })
}

/// The tar as it comes, refused past `most` bytes.
async fn collect(mut rx: mpsc::Receiver<Chunk>, most: u64) -> anyhow::Result<Vec<u8>> {
    let mut tar = Vec::new();
    while let Some(chunk) = rx.recv().await {
        let bytes = chunk?;
        if (tar.len() + bytes.len()) as u64 > most {
            bail!("the file grew while it was read");
        }
        tar.extend_from_slice(&bytes);
    }
    Ok(tar)
}

/// The first regular file's bytes in a tar.
fn file_of(tar: &[u8]) -> anyhow::Result<Option<Vec<u8>>> {
    let mut archive = tar::Archive::new(tar);
    for entry in archive.entries().context("reading the archive")? {
        let mut entry = entry.context("reading the archive")?;
        if entry.header().entry_type().is_file() {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut out)?;
            return Ok(Some(out));
        }
    }
    Ok(None)
}

/// [`read`] through the archive API (as root), for a sandbox whose helper has no `pack`.
async fn through_archive(
    s: &Session<'_>,
    path: &str,
    check: impl FnOnce(&str, &RemoteStat) -> anyhow::Result<()>,
) -> anyhow::Result<Whole> {
    let (engine, sandbox) = (s.engine, s.sandbox);
    let asked = remote::absolute(sandbox.workdir.as_deref(), path);
    let Some((stat, resolved)) = super::stat_follow(engine, sandbox, &asked).await? else {
        bail!("no such file: {}:{asked}", sandbox.id);
    };
    check(&asked, &stat)?;
    let Some(content) = engine
        .read_small_file(&sandbox.container_id, &resolved)
        .await?
    else {
        bail!("no such file: {}:{asked}", sandbox.id);
    };
    Ok(Whole {
        asked,
        path: resolved,
        stat,
        content,
    })
}
