//! The engine side of egress policies: a sandbox's internal network (no route out, no address of
//! the host's on it), its egress proxy container (dsbx's own binary from the helper volume, on
//! that network and an outside one), the policy file inside the proxy, and the proxy's log.

use super::Engine;
use crate::egress::{POLICY_FILE, PROXY_ALIAS};
use crate::labels;
use bollard::models::{
    ContainerCreateBody, EndpointSettings, HostConfig, NetworkConnectRequest, NetworkCreateRequest,
    NetworkingConfig,
};
use bollard::query_parameters::{
    InspectContainerOptions, LogsOptionsBuilder, RemoveContainerOptionsBuilder,
};
use futures_util::{Stream, StreamExt};
use std::collections::HashMap;

/// On the proxy container: the sandbox it serves. It carries no `dsbx.id`, so no command takes
/// it for a sandbox.
pub const EGRESS_FOR: &str = "dsbx.egress-for";
pub const PROXY_ROLE: &str = "egress-proxy";

pub fn proxy_container_name(id: &str) -> String {
    format!("dsbx-egress-{id}")
}

/// What the proxy container needs.
pub struct ProxySpec<'a> {
    pub id: &'a str,
    pub scope: &'a str,
    /// An image already on the engine (the sandbox's): the proxy runs only the helper binary.
    pub image: &'a str,
    pub helper_volume: &'a str,
    pub internal_network: &'a str,
    pub outside_network: &'a str,
    pub policy_file: &'a str,
}

impl Engine {
    /// The sandbox's internal network: `internal` (no route out) and with no IPv4 address of the
    /// host's on its bridge (`inhibit_ipv4`), so neither the outside nor the host's services are
    /// reachable from it. Labelled like an `--isolated` network, so `kill` and `gc` remove it.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id, name = %name))]
    pub async fn create_internal_network(
        &self,
        name: &str,
        id: &str,
        scope: &str,
    ) -> anyhow::Result<()> {
        let request = NetworkCreateRequest {
            name: name.to_string(),
            driver: Some("bridge".into()),
            internal: Some(true),
            options: Some(HashMap::from([(
                "com.docker.network.bridge.inhibit_ipv4".to_string(),
                "true".to_string(),
            )])),
            labels: Some(HashMap::from([
                (labels::MANAGED.to_string(), "true".to_string()),
                (labels::ROLE.to_string(), "isolated".to_string()),
                (labels::ID.to_string(), id.to_string()),
                (labels::SCOPE.to_string(), scope.to_string()),
            ])),
            ..Default::default()
        };
        self.docker()
            .create_network(request)
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e, &format!("creating network {name}")))
    }

    /// Creates, fills and starts the proxy container. On failure the caller removes the
    /// internal network, which removes the proxy with it.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn start_egress_proxy(&self, spec: &ProxySpec<'_>) -> anyhow::Result<()> {
        let name = proxy_container_name(spec.id);
        let body = ContainerCreateBody {
            image: Some(spec.image.to_string()),
            // Nobody: the proxy needs no privilege to listen on a high port and connect out.
            user: Some("65534:65534".into()),
            entrypoint: Some(vec![super::helper_volume::HELPER_PATH.to_string()]),
            cmd: Some(vec!["__helper".into(), "egress-proxy".into()]),
            labels: Some(HashMap::from([
                (labels::MANAGED.to_string(), "true".to_string()),
                (labels::ROLE.to_string(), PROXY_ROLE.to_string()),
                (EGRESS_FOR.to_string(), spec.id.to_string()),
                (labels::SCOPE.to_string(), spec.scope.to_string()),
            ])),
            host_config: Some(HostConfig {
                binds: Some(vec![format!(
                    "{}:{}:ro",
                    spec.helper_volume,
                    super::helper_volume::MOUNT_DIR
                )]),
                network_mode: Some(spec.internal_network.to_string()),
                cap_drop: Some(vec!["ALL".into()]),
                security_opt: Some(vec!["no-new-privileges:true".into()]),
                memory: Some(256 << 20),
                pids_limit: Some(512),
                init: Some(true),
                ..Default::default()
            }),
            networking_config: Some(NetworkingConfig {
                endpoints_config: Some(HashMap::from([(
                    spec.internal_network.to_string(),
                    EndpointSettings {
                        aliases: Some(vec![PROXY_ALIAS.to_string()]),
                        ..Default::default()
                    },
                )])),
            }),
            ..Default::default()
        };
        self.create_named_container(&name, body, "creating the egress proxy")
            .await?;
        self.docker()
            .connect_network(
                spec.outside_network,
                NetworkConnectRequest {
                    container: name.clone(),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    &format!(
                        "connecting the egress proxy to network {}",
                        spec.outside_network
                    ),
                )
            })?;
        self.write_egress_policy(spec.id, spec.policy_file).await?;
        self.docker()
            .start_container(&name, None)
            .await
            .map_err(|e| self.fail(e, "starting the egress proxy"))
    }

    /// Replaces the policy file; the proxy reads it at each new connection.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn write_egress_policy(&self, id: &str, text: &str) -> anyhow::Result<()> {
        let path = POLICY_FILE.trim_start_matches('/');
        let tar = super::archive::tar_of_files(&[(path, 0o644, text.as_bytes())])?;
        self.upload_tar(&proxy_container_name(id), id, "/", tar)
            .await
    }

    /// The policy file's text; `None` when the sandbox has no proxy.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn read_egress_policy(&self, id: &str) -> anyhow::Result<Option<String>> {
        if self.egress_proxy_id(id).await?.is_none() {
            return Ok(None);
        }
        Ok(self
            .read_small_file(&proxy_container_name(id), POLICY_FILE)
            .await?
            .map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    /// The proxy container's Docker id and whether it runs, when it exists and its labels say
    /// it is dsbx's proxy for `id`.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn egress_proxy_id(&self, id: &str) -> anyhow::Result<Option<(String, bool)>> {
        match self
            .docker()
            .inspect_container(&proxy_container_name(id), None::<InspectContainerOptions>)
            .await
        {
            Ok(info) => {
                let l = info.config.and_then(|c| c.labels).unwrap_or_default();
                let ours = l.get(labels::MANAGED).map(String::as_str) == Some("true")
                    && l.get(labels::ROLE).map(String::as_str) == Some(PROXY_ROLE)
                    && l.get(EGRESS_FOR).map(String::as_str) == Some(id);
                let running = info.state.and_then(|s| s.running).unwrap_or(false);
                Ok(ours.then(|| (info.id.unwrap_or_default(), running)))
            }
            Err(e) if super::status(&e) == Some(404) => Ok(None),
            Err(e) => Err(self.fail(e, "inspecting the egress proxy")),
        }
    }

    /// Starts a stopped proxy (a reboot stops it with its sandbox).
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn ensure_egress_proxy_running(&self, id: &str) -> anyhow::Result<()> {
        if let Some((docker_id, false)) = self.egress_proxy_id(id).await? {
            self.docker()
                .start_container(&docker_id, None)
                .await
                .map_err(|e| self.fail(e, "starting the egress proxy"))?;
        }
        Ok(())
    }

    /// Removes the proxy of sandbox `id`, by its Docker id, if its labels say it is one.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn remove_egress_proxy(&self, id: &str) -> anyhow::Result<()> {
        let Some((docker_id, _)) = self.egress_proxy_id(id).await? else {
            return Ok(());
        };
        let options = RemoveContainerOptionsBuilder::new().force(true).build();
        match self
            .docker()
            .remove_container(&docker_id, Some(options))
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if super::status(&e) == Some(404) => Ok(()),
            Err(e) => Err(self.fail(e, "removing the egress proxy")),
        }
    }

    /// The proxy's decision log (one JSON object a line), followed when `follow`.
    pub fn egress_log_lines(
        &self,
        docker_id: &str,
        follow: bool,
    ) -> impl Stream<Item = anyhow::Result<String>> + '_ {
        let options = LogsOptionsBuilder::new()
            .stdout(true)
            .follow(follow)
            .build();
        let mut pending = String::new();
        self.docker()
            .logs(docker_id, Some(options))
            .map(move |chunk| match chunk {
                Ok(c) => {
                    pending.push_str(&String::from_utf8_lossy(&c.into_bytes()));
                    let mut lines = Vec::new();
                    while let Some(i) = pending.find('\n') {
                        lines.push(Ok(pending[..i].to_string()));
                        pending.drain(..=i);
                    }
                    futures_util::stream::iter(lines)
                }
                Err(e) => {
                    futures_util::stream::iter(vec![Err(self.fail(e, "reading the egress log"))])
                }
            })
            .flatten()
    }
}
