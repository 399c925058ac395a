//! Networks: the shared `dsbx` bridge (sandboxes reach each other by id), and the per-sandbox
//! networks of `--isolated` sandboxes.

use super::Engine;
use crate::labels;
use bollard::models::NetworkCreateRequest;
use bollard::query_parameters::{InspectNetworkOptions, ListNetworksOptionsBuilder};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct ManagedNetwork {
    /// The engine's id: what dsbx removes it by.
    pub id: String,
    pub name: String,
    pub role: String,
    /// The sandbox an isolated network was made for.
    pub sandbox_id: Option<String>,
    pub scope: Option<String>,
    /// When the engine created it (RFC 3339), if it says.
    pub created: Option<String>,
}

impl Engine {
    /// Creates a labelled bridge network unless one of that name exists. Engines before API
    /// 1.44 happily create two networks of one name, so creation holds a host lock. The lock is
    /// taken only when the network is missing: every `init` asks, and a burst of 50 queued on it
    /// one inspect at a time behind a busy engine (one waited over a second).
    #[tracing::instrument(level = "info", skip_all, fields(name = %name))]
    pub async fn ensure_network(
        &self,
        name: &str,
        role: &str,
        extra: &[(&str, &str)],
    ) -> anyhow::Result<()> {
        if self.network_exists(name).await? {
            return Ok(());
        }
        let _lock =
            crate::host_lock::acquire_async(&self.endpoint.url, &network_lock(name)).await?;
        if self.network_exists(name).await? {
            return Ok(());
        }
        let mut net_labels = HashMap::from([
            (labels::MANAGED.to_string(), "true".to_string()),
            (labels::ROLE.to_string(), role.to_string()),
        ]);
        for (k, v) in extra {
            net_labels.insert(k.to_string(), v.to_string());
        }
        let request = NetworkCreateRequest {
            name: name.to_string(),
            driver: Some("bridge".into()),
            labels: Some(net_labels),
            ..Default::default()
        };
        match self.docker().create_network(request).await {
            Ok(_) => Ok(()),
            // Another dsbx created it between our inspect and create.
            Err(e) if super::status(&e) == Some(409) => Ok(()),
            Err(e) => Err(self.fail(e, &format!("creating network {name}"))),
        }
    }

    async fn network_exists(&self, name: &str) -> anyhow::Result<bool> {
        match self
            .docker()
            .inspect_network(name, None::<InspectNetworkOptions>)
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if super::status(&e) == Some(404) => Ok(false),
            Err(e) => Err(self.fail(e, &format!("inspecting network {name}"))),
        }
    }

    /// Removes a network by the Docker id a label-filtered list returned (`init` alone removes
    /// its own by the name it gave), and its host lock (so `--isolated` networks leave no lock
    /// files); `name` is for messages and the lock. One already gone is success. A sandbox's internal
    /// network goes with its egress proxy (which holds an endpoint on it), so `kill` and `gc`
    /// remove both.
    #[tracing::instrument(level = "info", skip_all, fields(name = %name, network = %network))]
    pub async fn remove_network(&self, network: &str, name: &str) -> anyhow::Result<()> {
        if let Some(id) = name.strip_prefix("dsbx-net-") {
            self.remove_egress_proxy(id).await?;
        }
        // A container still being removed (a `kill` SIGKILLed mid-removal, whose request the
        // engine finishes on its own) keeps its endpoint for a moment: the engine answers 403
        // "has active endpoints" until it is gone, so wait for that, bounded.
        let patience = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match self.docker().remove_network(network).await {
                Ok(()) => break,
                Err(e) if super::status(&e) == Some(404) => break,
                Err(e)
                    if super::status(&e) == Some(403)
                        && e.to_string().contains("active endpoints")
                        && std::time::Instant::now() < patience =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => return Err(self.fail(e, &format!("removing network {name}"))),
            }
        }
        crate::host_lock::remove(&self.endpoint.url, &network_lock(name));
        Ok(())
    }

    /// Every network carrying `dsbx.managed=true`.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn list_managed_networks(&self) -> anyhow::Result<Vec<ManagedNetwork>> {
        let filters = HashMap::from([("label".to_string(), vec![labels::managed_filter()])]);
        let options = ListNetworksOptionsBuilder::new().filters(&filters).build();
        let list = self
            .docker()
            .list_networks(Some(options))
            .await
            .map_err(|e| self.fail(e, "listing networks"))?;
        Ok(list
            .into_iter()
            .filter_map(|n| {
                let labels = n.labels.unwrap_or_default();
                Some(ManagedNetwork {
                    id: n.id?,
                    name: n.name?,
                    role: labels.get(labels::ROLE).cloned().unwrap_or_default(),
                    sandbox_id: labels.get(labels::ID).cloned(),
                    scope: labels.get(labels::SCOPE).cloned(),
                    created: n.created,
                })
            })
            .collect())
    }
}

/// The host lock guarding the creation of network `name`.
fn network_lock(name: &str) -> String {
    format!("network-{name}")
}
