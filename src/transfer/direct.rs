//! A transfer's view of a sandbox over its channel (see `crate::channel`): for a sandbox this
//! state knows by its exact id or name whose helper answers, `files write` and uploads as the
//! sandbox's user to an absolute path need no engine call at all. The helper stats paths as the
//! archive API would (as root, a final link followed) and unpacks the tar as the user, so the
//! target rules in `transfer` stay the one place that decides where things land. Anything else
//! (a relative path, whose working directory only the engine knows; `--root`, which goes through
//! the archive API; a root sandbox) takes the engine's path.

use crate::channel::client::connect;
use crate::engine::archive::RemoteStat;
use crate::sandbox::{ContainerState, Sandbox};
use crate::state::State;
use anyhow::{Context as _, bail};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A sandbox whose helper answered on its channel.
pub struct Direct {
    pub sandbox: Sandbox,
    state_dir: PathBuf,
    engine: String,
}

/// The sandbox `query` (this state's exact id or name in `scope`) over its channel, when its
/// helper answers and can serve files as a non-root user; `None` sends the caller to the
/// engine's paths, and `why` hears the reason (said under `--verbose`).
pub async fn connect_for_user(
    state: &State,
    state_dir: &Path,
    scope: &str,
    engine_url: &str,
    query: &str,
    why: impl Fn(String),
) -> Option<Direct> {
    connect_any(state, state_dir, scope, engine_url, query, &why)
        .await
        .filter(Direct::writes_as_user)
}

/// [`connect_for_user`] whatever the sandbox's user: for reading (`pack` drops to whoever the
/// user is, root included), where no ownership of written files is at stake.
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
    })
}

impl Direct {
    /// Whether files written through it belong to a user who is not root (root's writes take
    /// the archive API, which sets their owners).
    pub fn writes_as_user(&self) -> bool {
        !matches!(
            self.sandbox.user(),
            "" | "root" | "0" | "0:0" | "root:root" | "root:0" | "0:root"
        )
    }

    /// [`super::target::stat_follow`] of each absolute path, in one call to the helper.
    pub async fn stat_follow(
        &self,
        paths: &[String],
    ) -> anyhow::Result<Vec<Option<(RemoteStat, String)>>> {
        let channel = connect(&self.state_dir, &self.sandbox.id, &self.engine)
            .await
            .map_err(|why| anyhow::anyhow!("the channel of {}: {why}", self.sandbox.id))?;
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
        let channel = connect(&self.state_dir, &self.sandbox.id, &self.engine)
            .await
            .map_err(|why| anyhow::anyhow!("the channel of {}: {why}", self.sandbox.id))?;
        channel
            .start(args, Vec::new(), false, false)
            .await
            .with_context(|| format!("reading {} (channel)", self.sandbox.id))
    }

    /// Streams the tar into `__helper extract` as the sandbox's user, unpacked in `dir`.
    pub async fn extract<S>(
        &self,
        dir: &str,
        body: S,
    ) -> anyhow::Result<crate::engine::exec::Captured>
    where
        S: futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>>
            + Unpin
            + Send
            + 'static,
    {
        let channel = connect(&self.state_dir, &self.sandbox.id, &self.engine)
            .await
            .map_err(|why| anyhow::anyhow!("the channel of {}: {why}", self.sandbox.id))?;
        let args = ["extract", "--user", self.sandbox.user(), dir]
            .map(str::to_string)
            .to_vec();
        channel
            .run_captured(args, Some(body))
            .await
            .with_context(|| format!("uploading to {} (channel)", self.sandbox.id))
    }
}
