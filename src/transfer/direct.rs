//! A transfer's view of a sandbox over its channel (see `crate::channel`): for a sandbox this
//! state knows by its exact id or name whose helper answers, `files write` and every upload
//! (as the user or `--root`, to an absolute or a relative path) need no engine call at all, and
//! one helper call: its `put` role applies the target rules of `crate::target_rules` inside the
//! sandbox and unpacks the tar where they say. The connection made to find the helper is the
//! one that call uses.

use crate::channel::client::connect;
use crate::engine::archive::RemoteStat;
use crate::engine::exec::Captured;
use crate::sandbox::{ContainerState, Sandbox};
use crate::state::State;
use crate::target_rules::{Landed, PUT_REFUSED, Put};
use anyhow::{Context as _, bail};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A sandbox whose helper answered on its channel.
pub struct Direct {
    pub sandbox: Sandbox,
    state_dir: PathBuf,
    engine: String,
    /// The greeted connection, for the first call (each call takes a connection of its own).
    greeted: std::sync::Mutex<Option<crate::channel::client::Channel>>,
}

/// The sandbox `query` (this state's exact id or name in `scope`) over its channel, when its
/// helper answers, whoever its user is (`put` and `pack` drop to that user, root included);
/// `None` sends the caller to the engine's paths, and `why` hears the reason (said under
/// `--verbose`).
pub async fn connect_any(
    state: &State,
    state_dir: &Path,
    scope: &str,
    engine_url: &str,
    query: &str,
    why: &impl Fn(String),
) -> Option<Direct> {
    let (id, record) = state.sandboxes.iter().find(|(id, r)| {
        r.scope == scope && !r.creating && (id.as_str() == query || r.name == query)
    })?;
    let channel = match connect(state_dir, id, engine_url).await {
        Ok(c) => c,
        Err(reason) => {
            why(format!("files: the engine's paths ({reason})"));
            return None;
        }
    };
    why("files: over the sandbox's channel".to_string());
    let labels = HashMap::from([
        (crate::labels::USER.to_string(), channel.user.clone()),
        (crate::labels::HELPER.to_string(), "channel".to_string()),
    ]);
    let sandbox = Sandbox {
        id: id.clone(),
        container_id: String::new(),
        name: record.name.clone(),
        scope: record.scope.clone(),
        image: record.image.clone(),
        state: ContainerState::Running,
        labels,
        ports: Vec::new(),
        network_mode: String::new(),
        ips: Vec::new(),
        workdir: None,
        health: None,
    };
    Some(Direct {
        sandbox,
        state_dir: state_dir.to_path_buf(),
        engine: engine_url.to_string(),
        greeted: std::sync::Mutex::new(Some(channel)),
    })
}

impl Direct {
    /// [`super::target::stat_follow`] of each absolute path, in one call to the helper.
    pub async fn stat_follow(
        &self,
        paths: &[String],
    ) -> anyhow::Result<Vec<Option<(RemoteStat, String)>>> {
        let channel = self.channel().await?;
        let mut args = vec!["fs".to_string(), "stat".to_string()];
        args.extend(paths.iter().cloned());
        let none: Option<futures_util::stream::Empty<Result<bytes::Bytes, std::io::Error>>> = None;
        let out = channel
            .run_captured(args, none)
            .await
            .with_context(|| format!("reading {} (channel)", self.sandbox.id))?;
        if out.code != 0 {
            bail!(
                "reading {}: {} (helper exit {})",
                self.sandbox.id,
                String::from_utf8_lossy(&out.stderr).trim(),
                out.code
            );
        }
        let stats: Vec<Option<(RemoteStat, String)>> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .context("the helper's stat")?;
        if stats.len() != paths.len() {
            bail!(
                "the helper's stat answered {} of {} paths",
                stats.len(),
                paths.len()
            );
        }
        Ok(stats)
    }

    /// Starts `__helper ARGS…` over the channel, its output streamed (a download's `pack`).
    pub async fn start_role(
        &self,
        args: Vec<String>,
    ) -> anyhow::Result<crate::channel::client::Attached> {
        let channel = self.channel().await?;
        channel
            .start(args, Vec::new(), false, false)
            .await
            .with_context(|| format!("reading {} (channel)", self.sandbox.id))
    }

    /// The greeted connection if no call used it yet, else a new one.
    async fn channel(&self) -> anyhow::Result<crate::channel::client::Channel> {
        let held = self.greeted.lock().expect("not poisoned").take();
        match held {
            Some(c) => Ok(c),
            None => connect(&self.state_dir, &self.sandbox.id, &self.engine)
                .await
                .map_err(|why| anyhow::anyhow!("the channel of {}: {why}", self.sandbox.id)),
        }
    }

    /// Streams the tar into `__helper put`, which places and unpacks it (see `helper::put`).
    /// A rule's refusal comes back as the engine path words it; an extraction's failure as the
    /// helper's exit and line, for the caller to word.
    pub async fn put<S>(&self, request: &Put, body: S) -> anyhow::Result<Result<Landed, Captured>>
    where
        S: futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>>
            + Unpin
            + Send
            + 'static,
    {
        let channel = self.channel().await?;
        let args = vec!["put".to_string(), serde_json::to_string(request)?];
        let out = channel
            .run_captured(args, Some(body))
            .await
            .with_context(|| format!("uploading to {} (channel)", self.sandbox.id))?;
        match out.code {
            0 => {
                Ok(Ok(serde_json::from_slice(&out.stdout)
                    .context("the helper's answer to an upload")?))
            }
            c if c == PUT_REFUSED as i64 => {
                bail!("{}", String::from_utf8_lossy(&out.stderr).trim())
            }
            _ => Ok(Err(out)),
        }
    }
}
