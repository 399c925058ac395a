//! Images: what a local image says about users and directories.

use super::Engine;

#[derive(Debug, Clone, Default)]
pub struct ImageInfo {
    /// The image's id (its config digest): what a pool's key holds, so a rebuilt or re-pulled
    /// tag retires the pool made from the old one.
    pub id: String,
    pub user: Option<String>,
    pub workdir: Option<String>,
}

impl Engine {
    /// The image's configuration, or `None` when it is not on the engine.
    #[tracing::instrument(level = "info", skip_all, fields(image = %image))]
    pub async fn image_info(&self, image: &str) -> anyhow::Result<Option<ImageInfo>> {
        match self.docker().inspect_image(image).await {
            Ok(inspect) => {
                let config = inspect.config.unwrap_or_default();
                Ok(Some(ImageInfo {
                    id: inspect.id.clone().unwrap_or_default(),
                    user: config.user.filter(|u| !u.is_empty()),
                    workdir: config.working_dir.filter(|w| !w.is_empty()),
                }))
            }
            Err(e) if super::status(&e) == Some(404) => Ok(None),
            Err(e) => Err(self.fail(e, &format!("inspecting image {image}"))),
        }
    }
}

/// What a build or pull stream said, one message at a time, for the command to render.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Build output text (may hold several lines, or part of one).
    Text(String),
    /// A pull's per-layer (or overall, when `id` is empty) status.
    Layer {
        id: String,
        status: String,
        current: Option<u64>,
        total: Option<u64>,
    },
}

/// How a build or pull stream ended, decided from what it said (bollard #560: a stream that has
/// already reported success may still end with a transport error such as "bytes remaining on
/// stream"; that error means nothing).
#[derive(Debug, Default)]
pub struct StreamTracker {
    /// The image id a build reported (`aux.ID` or "Successfully built ID").
    pub image_id: Option<String>,
    /// A pull's final "Status: Downloaded newer image…" / "Status: Image is up to date…".
    pub pulled: bool,
}

impl StreamTracker {
    pub fn succeeded(&self) -> bool {
        self.image_id.is_some() || self.pulled
    }

    /// Notes a build's text for its success marker.
    pub fn build_text(&mut self, text: &str) {
        for line in text.lines() {
            if let Some(id) = line.trim().strip_prefix("Successfully built ") {
                self.image_id.get_or_insert_with(|| id.trim().to_string());
            }
        }
    }

    /// Notes a pull's status line for its success marker.
    pub fn pull_status(&mut self, status: &str) {
        if status.starts_with("Status: Downloaded newer image")
            || status.starts_with("Status: Image is up to date")
        {
            self.pulled = true;
        }
    }

    /// Whether an error that ended the stream is to be ignored: only when success was already
    /// reported, and the error is not the engine's own report of a failure.
    pub fn ignorable(&self, err: &bollard::errors::Error) -> bool {
        use bollard::errors::Error as E;
        self.succeeded()
            && !matches!(
                err,
                E::DockerStreamError { .. } | E::DockerResponseServerError { .. }
            )
    }
}

/// A failed build or pull: the engine's own words, and whether the engine itself is the problem.
#[derive(Debug)]
pub enum StreamFailure {
    /// The engine (or the registry, through it) answered with an error: the operation failed.
    Answer(String),
    /// The transport failed (engine gone): exit 4.
    Engine(anyhow::Error),
}

impl Engine {
    /// Builds an image from a tar of its context, streamed from `context`. The image is left
    /// untagged; the caller tags it once the build has succeeded, so a failed or interrupted build
    /// never leaves a tag pointing at a half-built image. Returns the image id.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn build_image(
        &self,
        context: impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static,
        dockerfile: &str,
        build_args: &std::collections::HashMap<String, String>,
        platform: Option<&str>,
        on: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<String, StreamFailure> {
        use bollard::query_parameters::BuildImageOptionsBuilder;
        use futures_util::StreamExt;
        let mut options = BuildImageOptionsBuilder::new()
            .dockerfile(dockerfile)
            .rm(true)
            .forcerm(true)
            .buildargs(build_args);
        if let Some(p) = platform {
            options = options.platform(p);
        }
        // The context going in and the output coming back are both progress; a build that
        // goes silent longer than the build bound is given up (a hung engine, not a slow step).
        let watch = self.stall_watch(self.bounds.build_stall, "building an image");
        let context = watch.track(context);
        let mut stream = Box::pin(watch.bound(self.docker_long().build_image(
            options.build(),
            None,
            Some(bollard::body_try_stream(context)),
        )));
        let mut tracker = StreamTracker::default();
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => {
                    if let Some(text) = info.stream.filter(|t| !t.is_empty()) {
                        tracker.build_text(&text);
                        on(Progress::Text(text));
                    }
                    if let Some(status) = info.status.filter(|t| !t.is_empty()) {
                        on(Progress::Text(format!("{status}\n")));
                    }
                    if let Some(image) = info.aux
                        && let Some(id) = image.id
                    {
                        tracker.image_id = Some(id);
                    }
                }
                Err(e) if tracker.ignorable(&e) => break,
                Err(e) => return Err(self.stream_failure(e)),
            }
        }
        tracker.image_id.ok_or_else(|| {
            StreamFailure::Answer("the engine ended the build without reporting an image".into())
        })
    }

    /// Pulls `reference` (a full name with tag or digest), with credentials when given.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn pull_image(
        &self,
        reference: &str,
        platform: Option<&str>,
        credentials: Option<crate::registry_auth::Credentials>,
        on: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<(), StreamFailure> {
        use bollard::query_parameters::CreateImageOptionsBuilder;
        use futures_util::StreamExt;
        let mut options = CreateImageOptionsBuilder::new().from_image(reference);
        if let Some(p) = platform {
            options = options.platform(p);
        }
        let credentials = credentials.map(|c| bollard::auth::DockerCredentials {
            username: c.username,
            password: c.password,
            identitytoken: c.identity_token,
            serveraddress: Some(c.server),
            ..Default::default()
        });
        let watch = self.stall_watch(self.bounds.stall, format!("pulling {reference}"));
        let mut stream = Box::pin(watch.bound(self.docker_long().create_image(
            Some(options.build()),
            None,
            credentials,
        )));
        let mut tracker = StreamTracker::default();
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => {
                    let status = info.status.unwrap_or_default();
                    tracker.pull_status(&status);
                    let detail = info.progress_detail.unwrap_or_default();
                    on(Progress::Layer {
                        id: info.id.unwrap_or_default(),
                        status,
                        current: detail.current.and_then(|v| u64::try_from(v).ok()),
                        total: detail.total.and_then(|v| u64::try_from(v).ok()),
                    });
                }
                Err(e) if tracker.ignorable(&e) => break,
                Err(e) => {
                    // A transport error after the layers arrived may still have left the image
                    // complete: believe the engine, not the stream.
                    if !matches!(
                        e,
                        bollard::errors::Error::DockerStreamError { .. }
                            | bollard::errors::Error::DockerResponseServerError { .. }
                    ) && matches!(self.image_info(reference).await, Ok(Some(_)))
                    {
                        return Ok(());
                    }
                    return Err(self.stream_failure(e));
                }
            }
        }
        Ok(())
    }

    /// Tags an image (`repository:tag`).
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn tag_image(&self, image_id: &str, reference: &str) -> anyhow::Result<()> {
        let (repo, tag) = match reference.rsplit_once(':') {
            Some((r, t)) if !t.contains('/') => (r, t),
            _ => (reference, "latest"),
        };
        let options = bollard::query_parameters::TagImageOptionsBuilder::new()
            .repo(repo)
            .tag(tag)
            .build();
        self.docker()
            .tag_image(image_id, Some(options))
            .await
            .map_err(|e| self.fail(e, &format!("tagging image {image_id} as {reference}")))
    }

    fn stream_failure(&self, err: bollard::errors::Error) -> StreamFailure {
        use bollard::errors::Error as E;
        match err {
            E::DockerStreamError { error } => StreamFailure::Answer(error.trim().to_string()),
            E::DockerResponseServerError { message, .. } => {
                StreamFailure::Answer(message.trim().to_string())
            }
            other => StreamFailure::Engine(self.fail(other, "talking to the engine")),
        }
    }
}

impl Engine {
    /// The `repo:tag` names of the engine's local images (untagged ones left out), sorted.
    pub async fn local_image_names(&self) -> anyhow::Result<Vec<String>> {
        let list = self
            .docker()
            .list_images(None::<bollard::query_parameters::ListImagesOptions>)
            .await
            .map_err(|e| self.fail(e, "listing images"))?;
        let mut names: Vec<String> = list
            .into_iter()
            .flat_map(|i| i.repo_tags)
            .filter(|t| t != "<none>:<none>")
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::errors::Error as E;

    fn bytes_remaining() -> E {
        E::IOError {
            err: std::io::Error::other("bytes remaining on stream"),
        }
    }

    #[test]
    fn spurious_end_after_build_success_is_ignored() {
        let mut t = StreamTracker::default();
        assert!(
            !t.ignorable(&bytes_remaining()),
            "no success yet: a real failure"
        );
        t.build_text("Step 3/3 : CMD [\"sh\"]\n ---> abc\nSuccessfully built 0123abcd\n");
        assert_eq!(t.image_id.as_deref(), Some("0123abcd"));
        assert!(t.ignorable(&bytes_remaining()));
        // The engine's own error report is never ignored.
        assert!(!t.ignorable(&E::DockerStreamError {
            error: "boom".into()
        }));
    }

    #[test]
    fn spurious_end_after_pull_success_is_ignored() {
        let mut t = StreamTracker::default();
        t.pull_status("Downloading");
        t.pull_status("Digest: sha256:00");
        assert!(!t.ignorable(&bytes_remaining()));
        t.pull_status("Status: Downloaded newer image for 127.0.0.1:5000/x:latest");
        assert!(t.ignorable(&bytes_remaining()));
        let mut t = StreamTracker::default();
        t.pull_status("Status: Image is up to date for x:latest");
        assert!(t.succeeded());
        assert!(!t.ignorable(&E::DockerResponseServerError {
            status_code: 500,
            message: "m".into()
        }));
    }
}
