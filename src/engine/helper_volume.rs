//! The volume that carries dsbx's helper (the static dsbx binary) into every sandbox, mounted
//! read-only at `/.dsbx/bin`. Filled once per engine and helper build, so `init` pays one inspect
//! call instead of copying megabytes into every container.
//!
//! Filling is not atomic (the archive API writes in place), so readiness is a second, empty
//! volume — the marker `dsbx-helper-<key>` — created only after a data volume is full, whose
//! label names that data volume. Fillers on one host take turns under a host lock (the second
//! finds the marker); fillers on different hosts sharing an engine each fill their own data
//! volume, the first marker wins (creating an existing volume returns it) and the losers remove
//! theirs.

use super::Engine;
use crate::labels;
use bollard::models::{ContainerCreateBody, HostConfig, VolumeCreateRequest};
use bollard::query_parameters::RemoveContainerOptionsBuilder;
use std::collections::HashMap;
use std::path::Path;

const DATA_LABEL: &str = "dsbx.helper-data";
/// Where the volume is mounted, and the helper in it (the layout is the helper crate's).
pub use crate::layout::{BIN_DIR as MOUNT_DIR, HELPER_PATH};

impl Engine {
    /// The name of a filled helper volume for `binary` (identified by `key`), filling one from a
    /// created, never-started container of `image` when needed.
    #[tracing::instrument(level = "info", skip_all, fields(image = %image))]
    pub async fn helper_volume(
        &self,
        binary: &Path,
        key: &str,
        image: &str,
    ) -> anyhow::Result<String> {
        let marker = format!("dsbx-helper-{key}");
        if let Some(data) = self.marker_target(&marker).await? {
            return Ok(data);
        }
        // Fill once per host: a burst of inits after an upgrade would otherwise each copy the
        // binary into a volume of its own (50 × 16 MB, 4–6 s more for a burst of 50). Another
        // host sharing the engine may still fill beside us; the marker names one winner.
        let _lock =
            crate::host_lock::acquire_async(&self.endpoint.url, &format!("helper-{key}")).await?;
        if let Some(data) = self.marker_target(&marker).await? {
            return Ok(data);
        }
        let data = format!("{marker}-{}", crate::ids::new_id());
        self.create_volume(&data, "helper-data", &[]).await?;
        if let Err(e) = self.fill_volume(&data, binary, image).await {
            self.remove_volume_quietly(&data).await;
            return Err(e);
        }
        self.create_volume(&marker, "helper", &[(DATA_LABEL, &data)])
            .await?;
        let winner = self
            .marker_target(&marker)
            .await?
            .unwrap_or_else(|| data.clone());
        if winner != data {
            self.remove_volume_quietly(&data).await;
        }
        Ok(winner)
    }

    /// Best effort: the caller reports its own outcome; this is only tidying up.
    async fn remove_volume_quietly(&self, name: &str) {
        let _ = self
            .docker()
            .remove_volume(name, None::<bollard::query_parameters::RemoveVolumeOptions>)
            .await;
    }

    async fn marker_target(&self, marker: &str) -> anyhow::Result<Option<String>> {
        match self.docker().inspect_volume(marker).await {
            Ok(volume) => Ok(volume.labels.get(DATA_LABEL).cloned()),
            Err(e) if super::status(&e) == Some(404) => Ok(None),
            Err(e) => Err(self.fail(e, "inspecting the helper volume")),
        }
    }

    async fn create_volume(
        &self,
        name: &str,
        role: &str,
        extra: &[(&str, &str)],
    ) -> anyhow::Result<()> {
        let mut volume_labels = HashMap::from([
            (labels::MANAGED.to_string(), "true".to_string()),
            (labels::ROLE.to_string(), role.to_string()),
        ]);
        for (k, v) in extra {
            volume_labels.insert(k.to_string(), v.to_string());
        }
        let request = VolumeCreateRequest {
            name: Some(name.to_string()),
            labels: Some(volume_labels),
            ..Default::default()
        };
        self.docker()
            .create_volume(request)
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e, &format!("creating volume {name}")))
    }

    async fn fill_volume(&self, volume: &str, binary: &Path, image: &str) -> anyhow::Result<()> {
        let bytes = tokio::fs::read(binary).await.map_err(|e| {
            anyhow::anyhow!("cannot read dsbx's helper binary {}: {e}", binary.display())
        })?;
        let name = format!("{volume}-fill");
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            // Never started: any command will do, but the engine insists on one.
            entrypoint: Some(vec!["/.dsbx-fill".into()]),
            labels: Some(HashMap::from([(
                labels::MANAGED.to_string(),
                "true".to_string(),
            )])),
            network_disabled: Some(true),
            host_config: Some(HostConfig {
                binds: Some(vec![format!("{volume}:/fill")]),
                network_mode: Some("none".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        self.create_named_container(&name, body, "creating the helper fill container")
            .await?;
        let tar = super::archive::tar_of_files(&[("dsbx", 0o755, &bytes)]);
        let result = match tar {
            Ok(tar) => self.upload_tar(&name, &name, "/fill", tar).await,
            Err(e) => Err(e),
        };
        let remove = RemoveContainerOptionsBuilder::new().force(true).build();
        let _ = self.docker().remove_container(&name, Some(remove)).await;
        result
    }
}
