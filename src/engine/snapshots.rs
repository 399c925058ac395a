//! Snapshot images: committing a sandbox, loading the image dsbx composes from that commit,
//! listing dsbx's snapshots by label, removing one by its image id.
//!
//! A commit alone cannot give the image dsbx wants: the engine merges the container's whole
//! configuration into it (every `-e` value, every label, the helper as entrypoint), and no
//! option removes a key. So the commit is only a way to get the sandbox's files as a layer;
//! the snapshot itself is loaded (`POST /images/load`) from a config dsbx writes, naming the
//! commit's layers (which the engine already has, so none of them is sent again) plus one small
//! layer of dsbx's that hides dsbx's own state. The commit's image is removed at once.

use super::Engine;
use crate::labels;
use bollard::models::ChangeType;
/// An image's run config (env, entrypoint, labels, …) as the engine stores it: what a snapshot
/// keeps of its base image and writes for itself (see `crate::snapshot::image_config`).
pub use bollard::models::ImageConfig;
use bollard::query_parameters::{
    CommitContainerOptionsBuilder, ImportImageOptionsBuilder, ListImagesOptionsBuilder,
    RemoveImageOptionsBuilder,
};
use futures_util::StreamExt;
use std::collections::HashMap;

/// What dsbx needs to know of a sandbox's container to snapshot it.
#[derive(Debug, Clone, Default)]
pub struct SourceContainer {
    /// The image the container was created from (an image id).
    pub image_id: String,
    /// The container's environment: the image's plus every `-e` given at `init`.
    pub env: Vec<String>,
    pub working_dir: Option<String>,
    pub memory: Option<i64>,
    pub nano_cpus: Option<i64>,
    pub pids: Option<i64>,
    /// Mounts that a commit does not capture, as `TYPE DESTINATION` (bind, anonymous volume);
    /// dsbx's own helper volume is left out.
    pub uncaptured: Vec<String>,
}

/// An image's configuration and layers, as a new image built on them needs.
#[derive(Debug, Clone, Default)]
pub struct ImageParts {
    pub config: ImageConfig,
    pub architecture: String,
    pub os: String,
    pub variant: Option<String>,
    /// The layers' diff ids, bottom first.
    pub layers: Vec<String>,
}

/// One image a label-filtered list returned.
#[derive(Debug, Clone)]
pub struct ListedImage {
    pub id: String,
    pub tags: Vec<String>,
    pub labels: HashMap<String, String>,
    pub size: i64,
    /// When the engine made it (epoch seconds).
    pub created: i64,
}

impl Engine {
    /// What a snapshot of sandbox `id` (container `container`) needs from its container.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn snapshot_source(&self, id: &str) -> anyhow::Result<SourceContainer> {
        let name = crate::ids::container_name(id);
        let info = self
            .docker()
            .inspect_container(
                &name,
                None::<bollard::query_parameters::InspectContainerOptions>,
            )
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("inspecting sandbox {id}")))?;
        let config = info.config.unwrap_or_default();
        let host = info.host_config.unwrap_or_default();
        let uncaptured = info
            .mounts
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| {
                let destination = m.destination.unwrap_or_default();
                // dsbx's own mounts (the helper, the channel): every sandbox gets its own.
                if destination.starts_with(super::helper_volume::MOUNT_DIR)
                    || destination.starts_with(crate::layout::CHANNEL_DIR)
                {
                    return None;
                }
                let kind = m.typ.map(|t| t.to_string()).unwrap_or_default();
                Some(format!("{kind} {destination}"))
            })
            .collect();
        Ok(SourceContainer {
            image_id: info.image.unwrap_or_default(),
            env: config.env.unwrap_or_default(),
            working_dir: config.working_dir.filter(|w| !w.is_empty()),
            memory: host.memory.filter(|m| *m > 0),
            nano_cpus: host.nano_cpus.filter(|c| *c > 0),
            pids: host.pids_limit.filter(|p| *p > 0),
            uncaptured,
        })
    }

    /// An image's configuration and layers.
    #[tracing::instrument(level = "info", skip_all, fields(image = %image))]
    pub async fn image_parts(&self, image: &str) -> anyhow::Result<ImageParts> {
        let inspect = self
            .docker()
            .inspect_image(image)
            .await
            .map_err(|e| self.fail(e, &format!("inspecting image {image}")))?;
        Ok(ImageParts {
            config: inspect.config.unwrap_or_default(),
            architecture: inspect.architecture.unwrap_or_else(|| "amd64".into()),
            os: inspect.os.unwrap_or_else(|| "linux".into()),
            variant: inspect.variant.filter(|v| !v.is_empty()),
            layers: inspect.root_fs.and_then(|r| r.layers).unwrap_or_default(),
        })
    }

    /// Commits the sandbox's filesystem to an untagged, unlabelled image and returns its id.
    /// With `pause`, the engine pauses the container for the commit and resumes it itself
    /// whatever happens (also when dsbx dies meanwhile); a container already paused stays paused.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn commit_sandbox(&self, id: &str, pause: bool) -> anyhow::Result<String> {
        let container = crate::ids::container_name(id);
        let options = CommitContainerOptionsBuilder::new()
            .container(&container)
            .pause(pause)
            .build();
        // Labelled (on top of the container's own labels, which the engine merges in) so that
        // one left behind by a dsbx that died before removing it is found by `gc`.
        let config = bollard::models::ContainerConfig {
            labels: Some(HashMap::from([(
                labels::ROLE.to_string(),
                labels::SNAPSHOT_COMMIT_ROLE.to_string(),
            )])),
            ..Default::default()
        };
        // A commit writes the whole change set before it answers, with nothing to watch: the
        // long client, bounded as a build is.
        let committing = self.docker_long().commit_container(options, config);
        let created = match tokio::time::timeout(self.bounds.build_stall, committing).await {
            Ok(result) => result,
            Err(_) => Err(bollard::errors::Error::RequestTimeoutError),
        }
        .map_err(|e| self.fail_sandbox(e, id, &format!("committing sandbox {id}")))?;
        Ok(created.id)
    }

    /// Paths the container added or changed since it was created.
    #[tracing::instrument(level = "info", skip_all, fields(id = %id))]
    pub async fn changed_paths(&self, id: &str) -> anyhow::Result<Vec<String>> {
        let changes = self
            .docker()
            .container_changes(&crate::ids::container_name(id))
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("reading the changes of {id}")))?;
        Ok(changes
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.kind != ChangeType::_2)
            .map(|c| c.path)
            .collect())
    }

    /// Loads an image from a `docker save`-format archive and returns the id the engine gave it.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn load_image(&self, archive: Vec<u8>) -> anyhow::Result<String> {
        let options = ImportImageOptionsBuilder::new().quiet(true).build();
        // A transfer: the engine answers once it has read and stored the archive.
        let watch = self.stall_watch(self.bounds.stall, "loading the snapshot image");
        let mut stream = Box::pin(watch.bound(self.docker_long().import_image(
            options,
            bollard::body_full(archive.into()),
            None,
        )));
        let mut loaded = None;
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| self.fail(e, "loading the snapshot image"))?;
            if let Some(error) = info.error_detail.and_then(|d| d.message) {
                anyhow::bail!("loading the snapshot image: {error}");
            }
            // "Loaded image: REF" for a tagged image, "Loaded image ID: ID" for an untagged one.
            if let Some(text) = info.stream
                && let Some(what) = text.trim().strip_prefix("Loaded image")
            {
                loaded = Some(what.trim_start_matches([' ', 'I', 'D', ':']).to_string());
            }
        }
        let Some(reference) = loaded else {
            anyhow::bail!("the engine did not say it loaded the snapshot image");
        };
        let inspect = self
            .docker()
            .inspect_image(&reference)
            .await
            .map_err(|e| self.fail(e, &format!("inspecting the loaded image {reference}")))?;
        inspect
            .id
            .ok_or_else(|| anyhow::anyhow!("the engine gave the loaded image no id"))
    }

    /// dsbx's snapshot images (`dsbx.managed=true`, `dsbx.role=snapshot`) of `scope`, or of
    /// every scope.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn list_snapshot_images(
        &self,
        scope: Option<&str>,
    ) -> anyhow::Result<Vec<ListedImage>> {
        self.list_images_of_role(labels::SNAPSHOT_ROLE, scope).await
    }

    /// Images carrying `dsbx.managed=true` and `dsbx.role=<role>`, of `scope` or of every scope.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn list_images_of_role(
        &self,
        role: &str,
        scope: Option<&str>,
    ) -> anyhow::Result<Vec<ListedImage>> {
        let mut label_filters = vec![labels::managed_filter(), format!("{}={role}", labels::ROLE)];
        if let Some(scope) = scope {
            label_filters.push(labels::scope_filter(scope));
        }
        let filters = HashMap::from([("label".to_string(), label_filters)]);
        let options = ListImagesOptionsBuilder::new().filters(&filters).build();
        let list = self
            .docker()
            .list_images(Some(options))
            .await
            .map_err(|e| self.fail(e, "listing snapshots"))?;
        Ok(list
            .into_iter()
            .map(|i| ListedImage {
                id: i.id,
                tags: i
                    .repo_tags
                    .into_iter()
                    .filter(|t| t != "<none>:<none>")
                    .collect(),
                labels: i.labels,
                size: i.size,
                created: i.created,
            })
            .collect())
    }

    /// Ids of the containers (any, dsbx's or not, running or stopped) created from `image_id`.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn containers_of_image(&self, image_id: &str) -> anyhow::Result<Vec<String>> {
        let filters = HashMap::from([("ancestor".to_string(), vec![image_id.to_string()])]);
        let list = self
            .list_all_containers(&filters, "listing the containers of a snapshot")
            .await?;
        Ok(list.into_iter().filter_map(|c| c.id).collect())
    }

    /// Removes an image by id, never forced: the engine refuses one a container still uses.
    /// An image already gone is success.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn remove_image_by_id(&self, image_id: &str) -> anyhow::Result<()> {
        let options = RemoveImageOptionsBuilder::new()
            .force(false)
            .noprune(false)
            .build();
        match self
            .docker()
            .remove_image(image_id, Some(options), None)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if super::status(&e) == Some(404) => Ok(()),
            Err(e) => Err(self.fail(e, &format!("removing image {image_id}"))),
        }
    }
}
