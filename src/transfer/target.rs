//! The target rules (`docker cp`'s, as the contract states them): where an upload lands given
//! what exists at REMOTE, and how a path in the sandbox is looked at.

use super::{pack, remote};
use crate::engine::Engine;
use crate::engine::archive::RemoteStat;
use crate::error::usage;
use crate::sandbox::Sandbox;
use anyhow::anyhow;
use std::fs;
use std::path::Path;

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

pub use crate::target_rules::Upload;
use crate::target_rules::{Ancestors, AtDest};

/// Where Docker extracts (an existing directory) and how the entries are named there, by the
/// rules in `crate::target_rules`, looked at through the engine's archive API.
pub async fn placement(
    engine: &Engine,
    sandbox: &Sandbox,
    up: Upload,
) -> anyhow::Result<(String, pack::Placement)> {
    let shown = format!("{}:{}", sandbox.id, up.dest);
    let found = stat_follow(engine, sandbox, &up.dest).await?;
    let found = found.as_ref().map(|(st, p)| (st, p.as_str()));
    match crate::target_rules::at_dest(&up, &shown, found).map_err(|e| anyhow!(e))? {
        AtDest::Placed(dir, place) => Ok((dir, place)),
        AtDest::Missing => {
            // The deepest existing directory above, one stat at a time.
            let mut walk = Ancestors::new(&up, &sandbox.id, &shown);
            loop {
                let stat = stat_follow(engine, sandbox, walk.next_path()).await?;
                let found = walk.found(stat.as_ref().map(|(st, p)| (st, p.as_str())));
                if let Some(placed) = found.map_err(|e| anyhow!(e))? {
                    return Ok(placed);
                }
            }
        }
    }
}

/// The name a local path is uploaded under: its last component (`.` and `..` resolved).
pub fn local_name(path: &Path) -> anyhow::Result<String> {
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
