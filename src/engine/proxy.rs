//! The proxy container (`dsbx proxy up|down|status`): one per engine, named `dsbx-proxy`,
//! labelled `dsbx.managed=true` + `dsbx.role=proxy` and never counted as a sandbox (it has no
//! `dsbx.id`).

use super::Engine;
use crate::labels;
use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, HostConfig, PortBinding, RestartPolicy,
    RestartPolicyNameEnum,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, InspectContainerOptions, KillContainerOptionsBuilder,
    RemoveContainerOptionsBuilder, TopOptions,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};

pub const PROXY_CONTAINER: &str = "dsbx-proxy";
pub const PROXY_ROLE: &str = "proxy";

/// Everything `proxy up` decided, in Docker's terms.
#[derive(Debug, Clone)]
pub struct ProxySpec {
    pub image: String,
    pub network: String,
    pub listen_ip: String,
    pub listen_port: u16,
    /// The port nginx listens on inside the container (80, or 443 with TLS).
    pub container_port: u16,
    pub labels: HashMap<String, String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    /// Files written into the container before it starts: (absolute path, mode, bytes).
    pub files: Vec<(String, u32, Vec<u8>)>,
}

/// What Docker says about the proxy container.
#[derive(Debug, Clone)]
pub struct ProxyState {
    /// The Docker id, for every later call (never the name again).
    pub id: String,
    pub status: String,
    pub running: bool,
    pub image: String,
    pub labels: HashMap<String, String>,
    /// The published address, e.g. `127.0.0.1:18080`, when running.
    pub published: Option<String>,
}

/// How a proxy just started turned out ([`Engine::wait_for_proxy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyStart {
    /// nginx has read its configuration and bound its port.
    Serving,
    /// It stopped (nginx refused its configuration: a bad certificate, a bad name).
    Exited,
    /// Still running, not serving yet when the wait ran out.
    Slow,
}

impl Engine {
    /// The proxy container, if there is one. A container of that name that dsbx did not make is
    /// an error: dsbx never touches it.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn proxy_state(&self) -> anyhow::Result<Option<ProxyState>> {
        let info: ContainerInspectResponse = match self
            .docker()
            .inspect_container(PROXY_CONTAINER, None::<InspectContainerOptions>)
            .await
        {
            Ok(info) => info,
            Err(e) if super::status(&e) == Some(404) => return Ok(None),
            Err(e) => return Err(self.fail(e, "inspecting the proxy container")),
        };
        let config = info.config.unwrap_or_default();
        let labels = config.labels.unwrap_or_default();
        if labels.get(labels::MANAGED).map(String::as_str) != Some("true")
            || labels.get(labels::ROLE).map(String::as_str) != Some(PROXY_ROLE)
        {
            return Err(anyhow::anyhow!(
                "a container named `{PROXY_CONTAINER}` exists but dsbx did not make it \
                 (no dsbx.role=proxy label); dsbx leaves it alone: remove or rename it"
            ));
        }
        let state = info.state.unwrap_or_default();
        let published = info
            .network_settings
            .and_then(|n| n.ports)
            .unwrap_or_default()
            .into_values()
            .flatten()
            .flatten()
            .next()
            .and_then(|b| Some(format!("{}:{}", b.host_ip?, b.host_port?)));
        Ok(Some(ProxyState {
            id: info.id.unwrap_or_default(),
            status: state.status.map(|s| s.to_string()).unwrap_or_default(),
            running: state.running.unwrap_or(false),
            image: config.image.unwrap_or_default(),
            labels,
            published,
        }))
    }

    /// Creates the proxy container, writes its files through the archive API, starts it. On any
    /// failure the container is removed again.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn create_proxy(&self, spec: &ProxySpec) -> anyhow::Result<()> {
        let key = format!("{}/tcp", spec.container_port);
        let host_config = HostConfig {
            port_bindings: Some(HashMap::from([(
                key.clone(),
                Some(vec![PortBinding {
                    host_ip: Some(spec.listen_ip.clone()),
                    host_port: Some(spec.listen_port.to_string()),
                }]),
            )])),
            network_mode: Some(spec.network.clone()),
            restart_policy: Some(RestartPolicy {
                name: Some(RestartPolicyNameEnum::UNLESS_STOPPED),
                maximum_retry_count: None,
            }),
            cap_drop: Some(vec!["ALL".into()]),
            // nginx's master binds the port and hands its temp directories to the worker user.
            cap_add: Some(
                [
                    "CHOWN",
                    "SETUID",
                    "SETGID",
                    "NET_BIND_SERVICE",
                    "DAC_OVERRIDE",
                ]
                .iter()
                .map(|c| c.to_string())
                .collect(),
            ),
            security_opt: Some(vec!["no-new-privileges:true".into()]),
            memory: Some(256 << 20),
            pids_limit: Some(256),
            ..Default::default()
        };
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            user: Some("0:0".into()),
            entrypoint: Some(spec.entrypoint.clone()),
            cmd: Some(spec.cmd.clone()),
            labels: Some(spec.labels.clone()),
            exposed_ports: Some(vec![key]),
            host_config: Some(host_config),
            ..Default::default()
        };
        let options = CreateContainerOptionsBuilder::new()
            .name(PROXY_CONTAINER)
            .build();
        self.docker()
            .create_container(Some(options), body)
            .await
            .map_err(|e| {
                if super::status(&e) == Some(404) {
                    anyhow::anyhow!(
                        "the proxy image `{}` is not on the engine: `docker pull {}` (or build \
                         one with nginx), or set `[proxy] image` in the config",
                        spec.image,
                        spec.image
                    )
                } else {
                    self.fail(
                        e,
                        &format!("creating the proxy from image `{}`", spec.image),
                    )
                }
            })?;
        let result = async {
            let files: Vec<(&str, u32, &[u8])> = spec
                .files
                .iter()
                .map(|(p, m, b)| (p.trim_start_matches('/'), *m, b.as_slice()))
                .collect();
            let tar = super::archive::tar_of_files(&files)?;
            self.upload_tar(PROXY_CONTAINER, PROXY_CONTAINER, "/", tar)
                .await?;
            self.docker()
                .start_container(PROXY_CONTAINER, None)
                .await
                .map_err(|e| self.fail(e, "starting the proxy"))
        }
        .await;
        if result.is_err() {
            let _ = self.remove_proxy().await;
        }
        result
    }

    /// Removes the proxy container; one already gone is success.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn remove_proxy(&self) -> anyhow::Result<bool> {
        let options = RemoveContainerOptionsBuilder::new()
            .force(true)
            .v(true)
            .build();
        match self
            .docker()
            .remove_container(PROXY_CONTAINER, Some(options))
            .await
        {
            Ok(()) => Ok(true),
            Err(e) if super::status(&e) == Some(404) => Ok(false),
            Err(e) => Err(self.fail(e, "removing the proxy")),
        }
    }

    /// Makes a running proxy forget every address it resolved, so a sandbox just removed gets
    /// its 502 at once instead of after a connect to its dead address runs out (nginx keeps a
    /// name's address for a second, and a request in that second waited 5 s). A SIGHUP makes
    /// nginx start new workers with an empty resolver cache; this returns once no worker of the
    /// old generation still accepts requests (they print "is shutting down"), at most 5 s.
    /// Returns whether a proxy was refreshed; a container of that name dsbx did not make is
    /// left alone.
    pub async fn refresh_proxy(&self) -> anyhow::Result<bool> {
        let Some(state) = self.proxy_state().await? else {
            return Ok(false);
        };
        if !state.running || state.id.is_empty() {
            return Ok(false);
        }
        let before = self.proxy_workers(&state.id).await?;
        let options = KillContainerOptionsBuilder::new().signal("HUP").build();
        self.docker()
            .kill_container(&state.id, Some(options))
            .await
            .map_err(|e| self.fail(e, "signalling the proxy to forget removed sandboxes"))?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            let now = self.proxy_workers(&state.id).await?;
            if !now.iter().any(|pid| before.contains(pid)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(true)
    }

    /// Waits, at most `limit`, until the proxy just started serves or has exited. nginx forks
    /// its workers only once it has read its configuration and bound its port, so a worker is
    /// the sign it answers; a bad certificate ends it before that.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn wait_for_proxy(&self, limit: Duration) -> anyhow::Result<ProxyStart> {
        let deadline = Instant::now() + limit;
        loop {
            let Some(state) = self.proxy_state().await?.filter(|s| s.running) else {
                return Ok(ProxyStart::Exited);
            };
            // `top` fails for a container that stopped a moment ago: the next look says so.
            if self
                .proxy_workers(&state.id)
                .await
                .is_ok_and(|workers| !workers.is_empty())
            {
                return Ok(ProxyStart::Serving);
            }
            if Instant::now() >= deadline {
                return Ok(ProxyStart::Slow);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The pids of nginx workers that accept requests (`docker top`; a worker of an older
    /// generation renames itself "… is shutting down" and stops accepting).
    async fn proxy_workers(&self, container: &str) -> anyhow::Result<Vec<String>> {
        let top = self
            .docker()
            .top_processes(container, None::<TopOptions>)
            .await
            .map_err(|e| self.fail(e, "listing the proxy's processes"))?;
        let titles = top.titles.unwrap_or_default();
        let column = |name: &str| titles.iter().position(|t| t == name);
        let (Some(pid), Some(cmd)) = (column("PID"), column("CMD")) else {
            return Ok(Vec::new());
        };
        Ok(top
            .processes
            .unwrap_or_default()
            .into_iter()
            .filter(|row| {
                row.get(cmd)
                    .is_some_and(|c| c.trim() == "nginx: worker process")
            })
            .filter_map(|row| row.get(pid).cloned())
            .collect())
    }

    /// The last lines the proxy wrote (nginx's errors), for a proxy that did not stay up.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn proxy_logs(&self) -> String {
        use futures_util::StreamExt;
        let options = bollard::query_parameters::LogsOptionsBuilder::new()
            .stdout(true)
            .stderr(true)
            .tail("5")
            .build();
        let mut stream = self.docker().logs(PROXY_CONTAINER, Some(options));
        let mut text = String::new();
        while let Some(Ok(chunk)) = stream.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.into_bytes()));
        }
        text.trim().replace('\n', "; ")
    }
}
