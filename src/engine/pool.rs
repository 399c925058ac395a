//! Warm pool members: listing them, claiming one (the rename that makes it a sandbox), and
//! giving a claimed one its name's DNS alias.

use super::Engine;
use crate::labels;
use crate::sandbox::Sandbox;
use bollard::models::{
    ContainerSummary, EndpointSettings, NetworkConnectRequest, NetworkDisconnectRequest,
};
use bollard::query_parameters::RenameContainerOptionsBuilder;
use std::collections::HashMap;

/// Whether a listed container is a warm pool member: it carries a pool key and is still named
/// `dsbx-pool-<id>` (a claimed one is named `dsbx-<id>`).
pub(super) fn is_warm_summary(c: &ContainerSummary) -> bool {
    let pooled = c
        .labels
        .as_ref()
        .is_some_and(|l| l.get(labels::POOL).is_some_and(|k| !k.is_empty()));
    pooled
        && c.names
            .as_ref()
            .and_then(|n| n.first())
            .is_some_and(|n| n.trim_start_matches('/').starts_with("dsbx-pool-"))
}

/// How a claim attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This process renamed it: it is ours.
    Won,
    /// Another claimer (or a drain, or gc) got there first.
    Lost,
}

impl Engine {
    /// The warm members of `scope` (every scope with `None`), of pool `key` when given. Their
    /// labels validate as a sandbox's would, under the name they will have once claimed.
    pub async fn list_warm(
        &self,
        scope: Option<&str>,
        key: Option<&str>,
    ) -> anyhow::Result<Vec<Sandbox>> {
        let mut label_filters = vec![labels::managed_filter()];
        match key {
            Some(k) => label_filters.push(format!("{}={k}", labels::POOL)),
            None => label_filters.push(labels::POOL.to_string()),
        }
        if let Some(scope) = scope {
            label_filters.push(labels::scope_filter(scope));
        }
        let filters = HashMap::from([
            ("label".to_string(), label_filters),
            ("name".to_string(), vec!["dsbx-pool-".to_string()]),
        ]);
        let list = self
            .list_all_containers(&filters, "listing the pool")
            .await?;
        let mut warm = Vec::new();
        for mut c in list {
            if !is_warm_summary(&c) {
                continue;
            }
            // Validated under its claimed name: `dsbx-pool-<id>` must match its own id label.
            let id = c
                .labels
                .as_ref()
                .and_then(|l| l.get(labels::ID))
                .cloned()
                .unwrap_or_default();
            let name = c.names.as_ref().and_then(|n| n.first()).cloned();
            if name.as_deref().map(|n| n.trim_start_matches('/'))
                != Some(crate::ids::pool_container_name(&id).as_str())
            {
                continue;
            }
            c.names = Some(vec![format!("/{}", crate::ids::container_name(&id))]);
            if let Ok(s) = super::containers::from_summary(c, scope) {
                warm.push(s);
            }
        }
        Ok(warm)
    }

    /// Claims a warm member by renaming it from `dsbx-pool-<id>` to `dsbx-<id>`, by its Docker
    /// id. The rename is the claim token: dockerd renames under the container's own lock and
    /// refuses a rename to the name the container already has, so of any number of processes
    /// (of any user, on any host) renaming one member, exactly one succeeds.
    pub async fn claim_warm(&self, member: &Sandbox) -> anyhow::Result<Claim> {
        let options = RenameContainerOptionsBuilder::new()
            .name(&crate::ids::container_name(&member.id))
            .build();
        match self
            .docker()
            .rename_container(&member.container_id, options)
            .await
        {
            Ok(()) => Ok(Claim::Won),
            // Gone (drained, removed by gc), already renamed, or the name taken.
            Err(e) if matches!(super::status(&e), Some(400 | 404 | 409)) => Ok(Claim::Lost),
            Err(e) => Err(self.fail(e, &format!("claiming pool member {}", member.id))),
        }
    }

    /// Reconnects a claimed sandbox to `network` with `aliases` (its id and its new name):
    /// aliases are fixed per endpoint, so the endpoint is made anew.
    pub async fn set_aliases(
        &self,
        container: &str,
        network: &str,
        aliases: &[String],
    ) -> anyhow::Result<()> {
        let what = format!("giving sandbox its name on network {network}");
        self.docker()
            .disconnect_network(
                network,
                NetworkDisconnectRequest {
                    container: container.to_string(),
                    force: Some(true),
                },
            )
            .await
            .map_err(|e| self.fail(e, &what))?;
        self.docker()
            .connect_network(
                network,
                NetworkConnectRequest {
                    container: container.to_string(),
                    endpoint_config: Some(EndpointSettings {
                        aliases: Some(aliases.to_vec()),
                        ..Default::default()
                    }),
                },
            )
            .await
            .map_err(|e| self.fail(e, &what))
    }
}
