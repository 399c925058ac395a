//! The target rules (`docker cp`'s, as the contract states them): where an upload lands given
//! what exists at REMOTE, and how a path in the sandbox is looked at.

use super::{pack, remote};
use crate::engine::Engine;
use crate::engine::archive::RemoteStat;
use crate::error::usage;
use crate::sandbox::Sandbox;
use anyhow::{anyhow, bail};
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

/// What an upload puts at `dest`: a directory or not, under which name (`None`: stdin or
/// memory), and whether a directory fills an existing one (`files upload-dir`).
pub struct Upload<'a> {
    pub dest: &'a str,
    pub wants_dir: bool,
    pub local_is_dir: bool,
    pub name: Option<String>,
    pub contents: bool,
}

/// Where an upload looks at the sandbox's paths: the engine's archive API, or the helper over
/// the sandbox's channel (see `direct`), which stats every ancestor in one call.
pub enum Look<'a> {
    Engine(&'a Engine),
    Direct(&'a super::direct::Direct),
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
}

/// Where Docker extracts (an existing directory) and how the entries are named there.
pub async fn placement(
    look: &Look<'_>,
    sandbox: &Sandbox,
    up: Upload<'_>,
) -> anyhow::Result<(String, pack::Placement)> {
    let shown = format!("{}:{}", sandbox.id, up.dest);
    let at = |dir: String, parents: Vec<String>, name: String| {
        Ok((dir, pack::Placement { parents, name }))
    };
    match look.stat_follow(sandbox, up.dest).await? {
        Some((st, resolved)) if st.is_dir() && up.contents && up.local_is_dir => {
            // The tree's root entry is the directory itself: its contents merge into it.
            let base = remote::base_name(&resolved);
            if base.is_empty() {
                bail!("cannot fill {shown} itself: name a directory below /");
            }
            at(remote::parent(&resolved), vec![], base.to_string())
        }
        Some((st, _)) if st.is_dir() => {
            let Some(name) = up.name else {
                bail!("{shown} is a directory: name the file to write stdin to");
            };
            at(up.dest.to_string(), vec![], name)
        }
        Some(_) if up.wants_dir => bail!("{shown} is not a directory"),
        Some(_) if up.local_is_dir => bail!("cannot copy a directory onto the file {shown}"),
        Some(_) => at(
            remote::parent(up.dest),
            vec![],
            remote::base_name(up.dest).to_string(),
        ),
        None => {
            let (ancestor, mut missing) = existing_ancestor(look, sandbox, up.dest).await?;
            let name = if up.wants_dir && !(up.contents && up.local_is_dir) {
                up.name.ok_or_else(|| {
                    anyhow!("{shown} does not exist: name the file to write stdin to")
                })?
            } else {
                missing
                    .pop()
                    .expect("a missing path has a missing component")
            };
            at(ancestor, missing, name)
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
    let mut known = match look {
        Look::Direct(d) => {
            let mut ancestors = vec![remote::parent(path)];
            while ancestors.last().is_some_and(|a| a != "/") {
                let up = remote::parent(ancestors.last().expect("not empty"));
                ancestors.push(up);
            }
            d.stat_follow(&ancestors).await?.into_iter()
        }
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
