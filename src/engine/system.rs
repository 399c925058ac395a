//! What the engine says about itself, and engine-wide dsbx containers (for `doctor`).

use super::Engine;
use crate::labels;
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct EngineVersion {
    /// `Docker` or `Podman` (whose Docker-compatible API names itself in its components).
    pub product: String,
    /// The engine's release, e.g. `20.10.24`.
    pub version: String,
    pub api_version: String,
    /// Docker's `Os`/`Arch` (Go's names: `linux`, `amd64`, `arm64`).
    pub os: String,
    pub arch: String,
}

/// A container carrying `dsbx.role=<role>` and `dsbx.managed=true`.
#[derive(Debug, Clone)]
pub struct RoleContainer {
    pub name: String,
    /// Docker's state word: `running`, `exited`, `paused`, …
    pub state: String,
}

impl Engine {
    /// One `GET /version` (a few milliseconds): the release, API version and platform.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn version(&self) -> anyhow::Result<EngineVersion> {
        let v = self
            .docker()
            .version()
            .await
            .map_err(|e| self.fail(e, "asking the engine for its version"))?;
        let podman = v
            .platform
            .as_ref()
            .is_some_and(|p| p.name.contains("Podman"))
            || v.components
                .iter()
                .flatten()
                .any(|c| c.name.contains("Podman"));
        Ok(EngineVersion {
            product: if podman { "Podman" } else { "Docker" }.into(),
            version: v.version.unwrap_or_default(),
            api_version: v.api_version.unwrap_or_default(),
            os: v.os.unwrap_or_default(),
            arch: v.arch.unwrap_or_default(),
        })
    }

    /// dsbx's containers with this role (e.g. `proxy`), running or not.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn role_containers(&self, role: &str) -> anyhow::Result<Vec<RoleContainer>> {
        let filters = HashMap::from([(
            "label".to_string(),
            vec![labels::managed_filter(), format!("{}={role}", labels::ROLE)],
        )]);
        let list = self
            .list_all_containers(&filters, &format!("listing dsbx's {role} containers"))
            .await?;
        Ok(list
            .into_iter()
            .map(|c| RoleContainer {
                name: c
                    .names
                    .and_then(|n| n.into_iter().next())
                    .map(|n| n.trim_start_matches('/').to_string())
                    .unwrap_or_default(),
                state: c.state.map(|s| s.to_string()).unwrap_or_default(),
            })
            .collect())
    }
}
