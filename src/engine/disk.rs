//! Per-sandbox disk limits: Docker's `--storage-opt size=`, which only some storage drivers
//! honour (btrfs, zfs, overlay2 on xfs mounted with project quotas).

use super::Engine;

/// What the engine's storage can do about `init --disk`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskSupport {
    pub driver: String,
    /// The filesystem under the driver's directory, when the engine says (`extfs`, `xfs`, …).
    pub backing: Option<String>,
}

impl DiskSupport {
    /// `None`: the size option works (or may: overlay2 on xfs needs `pquota`, which only the
    /// engine can tell); `Some(why)`: it cannot, and why, with what would.
    pub fn refusal(&self) -> Option<String> {
        match (self.driver.as_str(), self.backing.as_deref()) {
            ("btrfs" | "zfs", _) => None,
            ("overlay2", Some("xfs")) => None,
            (driver, backing) => Some(format!(
                "this engine's storage driver is {driver}{}, which has no per-container size limit; \
                 btrfs, zfs, or overlay2 on xfs mounted with pquota would (dockerd --storage-driver, \
                 --data-root)",
                backing.map(|b| format!(" on {b}")).unwrap_or_default()
            )),
        }
    }
}

impl Engine {
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn disk_support(&self) -> anyhow::Result<DiskSupport> {
        let info = self
            .docker()
            .info()
            .await
            .map_err(|e| self.fail(e, "reading the engine's storage driver"))?;
        let backing = info
            .driver_status
            .unwrap_or_default()
            .into_iter()
            .find_map(|pair| {
                (pair.first().map(String::as_str) == Some("Backing Filesystem"))
                    .then(|| pair.get(1).cloned())
                    .flatten()
            });
        Ok(DiskSupport {
            driver: info.driver.unwrap_or_default(),
            backing,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_drivers_limit_disk() {
        let s = |d: &str, b: Option<&str>| DiskSupport {
            driver: d.into(),
            backing: b.map(str::to_string),
        };
        assert_eq!(s("btrfs", Some("btrfs")).refusal(), None);
        assert_eq!(s("zfs", None).refusal(), None);
        assert_eq!(s("overlay2", Some("xfs")).refusal(), None);
        let why = s("overlay2", Some("extfs")).refusal().unwrap();
        assert!(
            why.contains("overlay2 on extfs") && why.contains("btrfs"),
            "{why}"
        );
    }
}

/// The limits a sandbox's container was created with (`info` shows them next to its use).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Limits {
    pub memory_bytes: Option<i64>,
    pub cpus: Option<f64>,
    pub pids: Option<i64>,
    /// The writable layer's size limit; `None`: unlimited.
    pub disk_bytes: Option<u64>,
    pub cpuset_cpus: Option<String>,
}

impl Engine {
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn sandbox_limits(&self, id: &str) -> anyhow::Result<Limits> {
        let info = self
            .docker()
            .inspect_container(
                &crate::ids::container_name(id),
                None::<bollard::query_parameters::InspectContainerOptions>,
            )
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("inspecting sandbox {id}")))?;
        let h = info.host_config.unwrap_or_default();
        Ok(Limits {
            memory_bytes: h.memory.filter(|m| *m > 0),
            cpus: h.nano_cpus.filter(|c| *c > 0).map(|c| c as f64 / 1e9),
            pids: h.pids_limit.filter(|p| *p > 0),
            disk_bytes: h
                .storage_opt
                .and_then(|o| o.get("size").cloned())
                .and_then(|s| crate::units::parse_size(&s).ok()),
            cpuset_cpus: h.cpuset_cpus.filter(|c| !c.is_empty()),
        })
    }
}
