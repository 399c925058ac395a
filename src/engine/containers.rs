//! Sandbox containers: list, inspect, create, start, remove, signal, pause.

use super::Engine;
use crate::error::not_found;
use crate::labels;
use crate::sandbox::{ContainerState, PortMapping, Sandbox};
use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, ContainerSummary, EndpointSettings, HostConfig,
    NetworkingConfig, PortBinding,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, InspectContainerOptions, KillContainerOptionsBuilder,
    RemoveContainerOptionsBuilder,
};
use std::collections::HashMap;

/// Everything `init` decided, in Docker's terms.
#[derive(Debug, Clone, Default)]
pub struct CreateSpec {
    pub id: String,
    /// A warm pool member: named `dsbx-pool-<id>` until a claim renames it.
    pub pooled: bool,
    pub image: String,
    pub platform: Option<String>,
    pub labels: HashMap<String, String>,
    pub env: Vec<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub workdir: Option<String>,
    pub ports: Vec<u16>,
    /// The host port chosen for a sandbox port (`init -p HOST:PORT`); others get a free one.
    pub host_ports: std::collections::BTreeMap<u16, u16>,
    pub publish_address: String,
    pub binds: Vec<String>,
    pub memory: i64,
    pub nano_cpus: i64,
    pub pids: i64,
    pub cap_add: Vec<String>,
    pub no_new_privileges: bool,
    pub runtime: Option<String>,
    /// `none`, `bridge`, or a network name (the shared `dsbx` one, an isolated one, the user's).
    pub network: String,
    /// DNS aliases on that network (the sandbox id, its name).
    pub aliases: Vec<String>,
    /// Docker's init as PID 1 (only when dsbx's helper is not PID 1).
    pub docker_init: bool,
    /// `init --disk`: the writable layer's size in bytes (`--storage-opt size=`).
    pub disk: Option<u64>,
    /// `init --cpuset-cpus`.
    pub cpuset_cpus: Option<String>,
    /// `init --health-cmd`: a shell command and its interval.
    pub health: Option<(String, std::time::Duration)>,
}

/// How long a removal the engine refused with "failed to remove root filesystem" is tried again
/// (see [`Engine::remove_sandbox`]).
const ROOTFS_BUSY_BOUND: std::time::Duration = std::time::Duration::from_secs(15);

impl Engine {
    /// Every sandbox of `scope` (or of every scope) in one list call; containers whose labels
    /// do not validate are left out (see [`Engine::list_sandboxes_checked`]).
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn list_sandboxes(&self, scope: Option<&str>) -> anyhow::Result<Vec<Sandbox>> {
        Ok(self.list_sandboxes_checked(scope).await?.sandboxes)
    }

    /// Every sandbox of `scope` (or of every scope) in one list call, and the containers that
    /// carry `dsbx.managed=true` but are not dsbx's: labels that do not validate
    /// ([`labels::invalid_reason`]), or an id that more than one container claims. Those are
    /// never acted on; `ls --verbose` says why each was skipped.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn list_sandboxes_checked(&self, scope: Option<&str>) -> anyhow::Result<Listing> {
        let mut label_filters = vec![labels::managed_filter()];
        if let Some(scope) = scope {
            label_filters.push(labels::scope_filter(scope));
        }
        let filters = HashMap::from([("label".to_string(), label_filters)]);
        let list = self
            .list_all_containers(&filters, "listing sandboxes")
            .await?;
        let mut listing = Listing::default();
        for c in list {
            // Warm pool members are not anyone's sandboxes yet (see `crate::pool`).
            if super::pool::is_warm_summary(&c) {
                continue;
            }
            match from_summary(c, scope) {
                Ok(s) => listing.sandboxes.push(s),
                Err(skipped) => listing.skipped.push(skipped),
            }
        }
        listing.set_aside_duplicates();
        Ok(listing)
    }

    /// The sandbox with this exact id (checked: a sandbox id, never a path), if its container
    /// exists and its labels validate for that id.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn inspect_sandbox(&self, id: &str) -> anyhow::Result<Option<Sandbox>> {
        if !crate::ids::is_id(id) {
            return Ok(None);
        }
        let name = crate::ids::container_name(id);
        match self
            .docker()
            .inspect_container(&name, None::<InspectContainerOptions>)
            .await
        {
            Ok(info) => Ok(from_inspect(info).filter(|s| s.id == id)),
            Err(e) if super::status(&e) == Some(404) => Ok(None),
            Err(e) => Err(self.fail(e, &format!("inspecting sandbox {id}"))),
        }
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn create_sandbox(&self, spec: &CreateSpec) -> anyhow::Result<String> {
        let mut options = CreateContainerOptionsBuilder::new().name(&if spec.pooled {
            crate::ids::pool_container_name(&spec.id)
        } else {
            crate::ids::container_name(&spec.id)
        });
        if let Some(platform) = &spec.platform {
            options = options.platform(platform);
        }
        let port_bindings: HashMap<String, Option<Vec<PortBinding>>> = spec
            .ports
            .iter()
            .map(|p| {
                let binding = PortBinding {
                    host_ip: Some(spec.publish_address.clone()),
                    // Empty: the engine picks a free host port.
                    host_port: Some(
                        spec.host_ports
                            .get(p)
                            .map(u16::to_string)
                            .unwrap_or_default(),
                    ),
                };
                (format!("{p}/tcp"), Some(vec![binding]))
            })
            .collect();
        let mut security_opt = Vec::new();
        if spec.no_new_privileges {
            security_opt.push("no-new-privileges:true".to_string());
        }
        let host_config = HostConfig {
            memory: Some(spec.memory),
            nano_cpus: Some(spec.nano_cpus),
            pids_limit: Some(spec.pids),
            cap_drop: Some(vec!["ALL".into()]),
            cap_add: Some(spec.cap_add.clone()),
            security_opt: Some(security_opt),
            init: Some(spec.docker_init),
            binds: (!spec.binds.is_empty()).then(|| spec.binds.clone()),
            port_bindings: (!port_bindings.is_empty()).then_some(port_bindings),
            network_mode: Some(spec.network.clone()),
            runtime: spec.runtime.clone(),
            storage_opt: spec
                .disk
                .map(|d| HashMap::from([("size".to_string(), d.to_string())])),
            cpuset_cpus: spec.cpuset_cpus.clone(),
            ..Default::default()
        };
        let networking_config = (!matches!(spec.network.as_str(), "none" | "bridge" | "host"))
            .then(|| NetworkingConfig {
                endpoints_config: Some(HashMap::from([(
                    spec.network.clone(),
                    EndpointSettings {
                        aliases: Some(spec.aliases.clone()),
                        ..Default::default()
                    },
                )])),
            });
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            // The container runs as root so the helper can keep it alive and act for any user;
            // commands run as the sandbox's user (the `dsbx.user` label).
            user: Some("0:0".into()),
            env: Some(spec.env.clone()),
            entrypoint: Some(spec.entrypoint.clone()),
            cmd: Some(spec.cmd.clone()),
            working_dir: spec.workdir.clone(),
            labels: Some(spec.labels.clone()),
            exposed_ports: (!spec.ports.is_empty())
                .then(|| spec.ports.iter().map(|p| format!("{p}/tcp")).collect()),
            host_config: Some(host_config),
            networking_config,
            healthcheck: spec.health.as_ref().map(|(cmd, every)| {
                let nanos = i64::try_from(every.as_nanos()).unwrap_or(i64::MAX);
                bollard::models::HealthConfig {
                    test: Some(vec!["CMD-SHELL".into(), cmd.clone()]),
                    interval: Some(nanos),
                    timeout: Some(nanos),
                    start_period: Some(0),
                    retries: Some(3),
                    ..Default::default()
                }
            }),
            ..Default::default()
        };
        let created = self
            .docker()
            .create_container(Some(options.build()), body)
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    &format!("creating a container from image `{}`", spec.image),
                )
            })?;
        Ok(created.id)
    }

    /// Starts a container. `container` is a Docker id a checked list or inspect returned (or,
    /// for `init`, the container it just created); `id` names the sandbox in messages.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id, container = %container))]
    pub async fn start_sandbox(&self, container: &str, id: &str) -> anyhow::Result<()> {
        self.docker()
            .start_container(container, None)
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("starting sandbox {id}")))
    }

    /// Removes a container and its anonymous volumes, by the Docker id a checked list or
    /// inspect returned (`init` alone removes its own by the name it gave). A container
    /// already gone is success.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id, container = %container))]
    pub async fn remove_sandbox(&self, container: &str, id: &str) -> anyhow::Result<()> {
        let options = RemoveContainerOptionsBuilder::new()
            .force(true)
            .v(true)
            .build();
        let until = std::time::Instant::now() + ROOTFS_BUSY_BOUND;
        loop {
            match self
                .docker()
                .remove_container(container, Some(options.clone()))
                .await
            {
                Ok(()) => return Ok(()),
                Err(e) if super::status(&e) == Some(404) => return Ok(()),
                // Another dsbx (a kill, a gc) is removing it: it is going, as asked.
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 409,
                    message,
                }) if message.contains("already in progress") => return Ok(()),
                // A process that made a mount namespace of its own while the sandbox ran holds a
                // copy of its mounts, and the engine cannot remove the file system under them
                // until that process lets go (the container is left "dead"; removing it again
                // then works). Seen in CI when another test's `unshare` overlapped a kill.
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 500,
                    message,
                }) if message.contains("failed to remove root filesystem")
                    && std::time::Instant::now() < until =>
                {
                    tracing::info!(id, %message, "the engine could not remove the file system yet: again");
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
                Err(e) => return Err(self.fail(e, &format!("removing sandbox {id}"))),
            }
        }
    }

    /// Sends a signal to the sandbox's PID 1 (dsbx's helper), by Docker id.
    /// Sends `signal` to the sandbox's PID 1. `Ok(false)`: it is not running (stopped or
    /// paused meanwhile; the engine's 409), which is no error to a caller that only wants a
    /// running process told.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id, container = %container))]
    pub async fn signal_sandbox(
        &self,
        container: &str,
        id: &str,
        signal: &str,
    ) -> anyhow::Result<bool> {
        let options = KillContainerOptionsBuilder::new().signal(signal).build();
        match self.docker().kill_container(container, Some(options)).await {
            Ok(()) => Ok(true),
            Err(e) if super::status(&e) == Some(409) => Ok(false),
            Err(e) => Err(self.fail_sandbox(e, id, &format!("signalling sandbox {id}"))),
        }
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn pause_sandbox(&self, sandbox: &Sandbox) -> anyhow::Result<()> {
        let id = &sandbox.id;
        self.docker()
            .pause_container(&sandbox.container_id)
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("pausing sandbox {id}")))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn resume_sandbox(&self, sandbox: &Sandbox) -> anyhow::Result<()> {
        let id = &sandbox.id;
        self.docker()
            .unpause_container(&sandbox.container_id)
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("resuming sandbox {id}")))
    }

    /// Makes a sandbox ready for commands: starts a stopped one, resumes a paused one.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn ensure_running(&self, sandbox: &Sandbox) -> anyhow::Result<()> {
        match sandbox.state {
            ContainerState::Running | ContainerState::Restarting => Ok(()),
            ContainerState::Paused => self.resume_sandbox(sandbox).await,
            ContainerState::Created | ContainerState::Exited => {
                // A reboot stops a sandbox's egress proxy with it: its only way out.
                if sandbox.labels.contains_key(crate::labels::EGRESS) {
                    self.ensure_egress_proxy_running(&sandbox.id).await?;
                }
                self.start_sandbox(&sandbox.container_id, &sandbox.id).await
            }
            ContainerState::Removing | ContainerState::Dead => Err(not_found(format!(
                "sandbox `{}` is being removed or dead; create a new one",
                sandbox.id
            ))),
        }
    }
}

/// A container listed with `dsbx.managed=true` that dsbx does not treat as a sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The engine's id for it (shortened to 12 characters in messages).
    pub container_id: String,
    pub name: String,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short: String = self.container_id.chars().take(12).collect();
        write!(
            f,
            "skipped container {short} ({:?}): {}; dsbx never touches it",
            self.name.trim_start_matches('/'),
            self.reason
        )
    }
}

/// What a checked list call found.
#[derive(Debug, Default)]
pub struct Listing {
    pub sandboxes: Vec<Sandbox>,
    pub skipped: Vec<Skipped>,
}

impl Listing {
    /// Two containers claiming one sandbox id are both reported, never merged or acted on.
    /// (A container must be named `dsbx-<id>` to validate and names are unique on an engine, so
    /// this only guards against an engine that breaks that.)
    fn set_aside_duplicates(&mut self) {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for s in &self.sandboxes {
            *count.entry(s.id.as_str()).or_default() += 1;
        }
        let dup: std::collections::HashSet<String> = count
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(id, _)| id.to_string())
            .collect();
        if dup.is_empty() {
            return;
        }
        let (bad, good): (Vec<Sandbox>, Vec<Sandbox>) = std::mem::take(&mut self.sandboxes)
            .into_iter()
            .partition(|s| dup.contains(&s.id));
        self.sandboxes = good;
        for s in bad {
            self.skipped.push(Skipped {
                reason: format!(
                    "more than one container claims the sandbox id `{}`: not merged",
                    s.id
                ),
                container_id: s.container_id,
                name: s.labels.get(labels::NAME).cloned().unwrap_or_default(),
            });
        }
    }
}

pub(super) fn from_summary(c: ContainerSummary, scope: Option<&str>) -> Result<Sandbox, Skipped> {
    let labels = c.labels.unwrap_or_default();
    let container_name = c
        .names
        .as_ref()
        .and_then(|n| n.first())
        .cloned()
        .unwrap_or_default();
    if let Some(reason) = labels::invalid_reason(&labels, &container_name, scope) {
        return Err(Skipped {
            container_id: c.id.unwrap_or_default(),
            name: container_name,
            reason,
        });
    }
    let id = labels[labels::ID].clone();
    let ports =
        c.ports
            .unwrap_or_default()
            .into_iter()
            .fold(Vec::<PortMapping>::new(), |mut acc, p| {
                // The list shows one entry per address family; keep one per port, published first.
                let mapping = PortMapping {
                    port: p.private_port,
                    host_ip: p.ip.filter(|ip| !ip.is_empty()),
                    host_port: p.public_port,
                };
                match acc.iter_mut().find(|m| m.port == mapping.port) {
                    Some(existing) if existing.host_port.is_none() => *existing = mapping,
                    Some(_) => {}
                    None => acc.push(mapping),
                }
                acc
            });
    let ips = c
        .network_settings
        .and_then(|n| n.networks)
        .map(network_ips)
        .unwrap_or_default();
    Ok(Sandbox {
        name: labels.get(labels::NAME).cloned().unwrap_or_default(),
        scope: labels.get(labels::SCOPE).cloned().unwrap_or_default(),
        image: c.image.unwrap_or_default(),
        state: ContainerState::parse(&c.state.map(|s| s.to_string()).unwrap_or_default()),
        container_id: c.id.unwrap_or_default(),
        network_mode: c
            .host_config
            .and_then(|h| h.network_mode)
            .unwrap_or_default(),
        ports,
        ips,
        workdir: None,
        health: health_of_status(c.status.as_deref().unwrap_or("")),
        labels,
        id,
    })
}

fn from_inspect(c: ContainerInspectResponse) -> Option<Sandbox> {
    let config = c.config.unwrap_or_default();
    let labels = config.labels.unwrap_or_default();
    let container_name = c.name.clone().unwrap_or_default();
    if labels::invalid_reason(&labels, &container_name, None).is_some() {
        return None;
    }
    let id = labels[labels::ID].clone();
    let state = c.state.unwrap_or_default();
    let status = state.status.map(|s| s.to_string()).unwrap_or_default();
    let health = state
        .health
        .and_then(|h| h.status)
        .map(|s| s.to_string())
        .filter(|s| matches!(s.as_str(), "starting" | "healthy" | "unhealthy"));
    let settings = c.network_settings.unwrap_or_default();
    let mut ports: Vec<PortMapping> = settings
        .ports
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(key, bindings)| {
            let port = key.split('/').next()?.parse().ok()?;
            let first = bindings.and_then(|b| b.into_iter().next());
            Some(PortMapping {
                port,
                host_ip: first
                    .as_ref()
                    .and_then(|b| b.host_ip.clone())
                    .filter(|s| !s.is_empty()),
                host_port: first.and_then(|b| b.host_port).and_then(|p| p.parse().ok()),
            })
        })
        .collect();
    ports.sort_by_key(|p| p.port);
    Some(Sandbox {
        name: labels.get(labels::NAME).cloned().unwrap_or_default(),
        scope: labels.get(labels::SCOPE).cloned().unwrap_or_default(),
        image: config.image.unwrap_or_default(),
        state: ContainerState::parse(&status),
        container_id: c.id.unwrap_or_default(),
        network_mode: c
            .host_config
            .and_then(|h| h.network_mode)
            .unwrap_or_default(),
        ips: settings.networks.map(network_ips).unwrap_or_default(),
        // Docker runs commands in `/` when the image sets no working directory.
        workdir: Some(
            config
                .working_dir
                .filter(|w| !w.is_empty())
                .unwrap_or_else(|| "/".into()),
        ),
        ports,
        health,
        labels,
        id,
    })
}

/// The health state in a list call's status text (`Up 5 seconds (health: starting)`,
/// `(healthy)`, `(unhealthy)`): the list carries no other field for it on API 1.41.
pub fn health_of_status(status: &str) -> Option<String> {
    if status.ends_with("(health: starting)") {
        Some("starting".into())
    } else if status.ends_with("(unhealthy)") {
        Some("unhealthy".into())
    } else if status.ends_with("(healthy)") {
        Some("healthy".into())
    } else {
        None
    }
}

fn network_ips(networks: HashMap<String, EndpointSettings>) -> Vec<(String, String)> {
    let mut ips: Vec<(String, String)> = networks
        .into_iter()
        .filter_map(|(name, ep)| Some((name, ep.ip_address.filter(|ip| !ip.is_empty())?)))
        .collect();
    ips.sort();
    ips
}

/// Whether a failed [`Engine::start_sandbox`] means a published host port is held by something
/// else: the engine says so only in its text (docker-proxy's or the kernel's words).
pub fn is_port_taken(err: &anyhow::Error) -> bool {
    let text = format!("{err:#}");
    text.contains("port is already allocated") || text.contains("address already in use")
}
