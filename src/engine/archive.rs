//! Docker's archive API: tar streams in and out of a container, running or not.

use super::Engine;
use bollard::query_parameters::{
    ContainerArchiveInfoOptionsBuilder, DownloadFromContainerOptionsBuilder,
    UploadToContainerOptionsBuilder,
};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};

impl Engine {
    /// Extracts a tar held in memory (small things: the deadline file) under `dir`. `shown`
    /// names the container in a refusal: the sandbox's id, not the Docker id a caller may
    /// address it by.
    #[tracing::instrument(level = "info", skip_all, fields(container = %container))]
    pub async fn upload_tar(
        &self,
        container: &str,
        shown: &str,
        dir: &str,
        tar: Vec<u8>,
    ) -> anyhow::Result<()> {
        // In chunks, so the stall watch sees the engine take them (the helper binary is
        // megabytes; a loaded engine may take longer than one request bound to extract it).
        let tar = Bytes::from(tar);
        let chunks: Vec<Result<Bytes, std::io::Error>> = (0..tar.len())
            .step_by(64 << 10)
            .map(|start| Ok(tar.slice(start..tar.len().min(start + (64 << 10)))))
            .collect();
        match self
            .upload_tar_stream(container, dir, futures_util::stream::iter(chunks))
            .await
        {
            Ok(()) => Ok(()),
            Err(e) => Err(self
                .fail_on_container(e, container, shown, &format!("writing into {shown}:{dir}"))
                .await),
        }
    }

    /// A user's upload: extracts a streamed tar under `dir` of `sandbox`, and says a refusal in
    /// words that name which side and what to do (`shown`: the target as the user gave it).
    pub async fn upload_for_user(
        &self,
        sandbox: &crate::sandbox::Sandbox,
        dir: &str,
        tar: impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
        shown: &str,
    ) -> anyhow::Result<()> {
        let Err(err) = self
            .upload_tar_stream(&sandbox.container_id, dir, tar)
            .await
        else {
            return Ok(());
        };
        if super::status(&err) == Some(404)
            && matches!(self.inspect_sandbox(&sandbox.id).await, Ok(None))
        {
            return Err(crate::error::not_found(format!(
                "no sandbox `{}`: its container is gone",
                sandbox.id
            )));
        }
        let hint = match UploadRefusal::of(&err) {
            UploadRefusal::ReadOnly => " (the target in the sandbox is read-only)",
            UploadRefusal::DiskFull => " (the sandbox's disk is full)",
            UploadRefusal::Other => "",
        };
        Err(self
            .fail_sandbox(err, &sandbox.id, &format!("uploading to {shown}"))
            .context(format!("upload to {shown} failed{hint}")))
    }

    /// Extracts a streamed tar under `dir` (which must exist and be a directory).
    #[tracing::instrument(level = "info", skip_all, fields(container = %container))]
    pub async fn upload_tar_stream(
        &self,
        container: &str,
        dir: &str,
        tar: impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    ) -> Result<(), bollard::errors::Error> {
        let options = UploadToContainerOptionsBuilder::new().path(dir).build();
        // The engine answers only once it has extracted everything: bounded by progress, not
        // by a total.
        let watch = self.stall_watch(self.bounds.stall, format!("writing into {container}:{dir}"));
        let body = bollard::body_try_stream(watch.track(tar));
        watch
            .run(
                self.docker_long()
                    .upload_to_container(container, Some(options), body),
            )
            .await
    }

    /// A tar stream of `path` (a file or a directory, its base name as the top entry).
    pub fn download_tar_stream(
        &self,
        container: &str,
        path: &str,
    ) -> impl Stream<Item = Result<Bytes, bollard::errors::Error>> + use<> {
        let options = DownloadFromContainerOptionsBuilder::new()
            .path(path)
            .build();
        let watch = self.stall_watch(self.bounds.stall, format!("reading {container}:{path}"));
        watch.bound(
            self.docker_long()
                .download_from_container(container, Some(options)),
        )
    }

    /// A small file's bytes (e.g. `/etc/passwd`, `/.dsbx/deadline`); `None` when it is missing.
    #[tracing::instrument(level = "info", skip_all, fields(container = %container))]
    pub async fn read_small_file(
        &self,
        container: &str,
        path: &str,
    ) -> anyhow::Result<Option<Vec<u8>>> {
        let mut stream = Box::pin(self.download_tar_stream(container, path));
        let mut tar_bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(bytes) => tar_bytes.extend_from_slice(&bytes),
                Err(e) if super::status(&e) == Some(404) => return Ok(None),
                Err(e) => return Err(self.fail(e, &format!("reading {container}:{path}"))),
            }
        }
        let mut archive = tar::Archive::new(tar_bytes.as_slice());
        for entry in archive.entries()? {
            let mut entry = entry?;
            if entry.header().entry_type().is_file() {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut out)?;
                return Ok(Some(out));
            }
        }
        Ok(None)
    }
}

pub use crate::remote_stat::RemoteStat;

impl Engine {
    /// Stats `path` in a container (running, stopped or paused) without reading it. `None` when
    /// the path (or a directory above it) does not exist. A symlink is reported as itself.
    #[tracing::instrument(level = "info", skip_all, fields(container = %container))]
    pub async fn stat_path(
        &self,
        container: &str,
        path: &str,
    ) -> Result<Option<RemoteStat>, bollard::errors::Error> {
        let options = ContainerArchiveInfoOptionsBuilder::new().path(path).build();
        match self
            .docker()
            .get_container_archive_info(container, Some(options))
            .await
        {
            Ok(st) => Ok(Some(RemoteStat {
                name: st.name,
                size: st.size,
                mode: st.file_mode,
                link_target: st.link_target,
                mtime: st.modification_time,
            })),
            Err(e) if super::status(&e) == Some(404) => Ok(None),
            // A `HEAD` answer has no body: 20.10 says 500 for a path through a file
            // (`/etc/passwd/x`), which is "no such path" to the caller.
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 500,
                message,
            }) if message.trim().is_empty() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Why the engine refused an archive upload, where its text says (the engine gives no code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UploadRefusal {
    /// The target in the sandbox is read-only.
    ReadOnly,
    /// The sandbox's disk is full.
    DiskFull,
    Other,
}

impl UploadRefusal {
    fn of(err: &bollard::errors::Error) -> UploadRefusal {
        let text = err.to_string();
        if text.contains("read-only") {
            UploadRefusal::ReadOnly
        } else if text.contains("no space left") {
            UploadRefusal::DiskFull
        } else {
            UploadRefusal::Other
        }
    }
}

/// A tar holding regular files, each `(path, mode, bytes)`, owned by root, with the parent
/// directories each needs (mode 0755).
pub fn tar_of_files(files: &[(&str, u32, &[u8])]) -> anyhow::Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut dirs_done = std::collections::BTreeSet::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    for (path, mode, bytes) in files {
        let parts: Vec<&str> = path.split('/').collect();
        for depth in 1..parts.len() {
            let dir = parts[..depth].join("/");
            if dirs_done.insert(dir.clone()) {
                let mut header = tar::Header::new_gnu();
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                header.set_mtime(now);
                builder.append_data(&mut header, format!("{dir}/"), std::io::empty())?;
            }
        }
        append_file(&mut builder, path, *mode, bytes)?;
    }
    Ok(builder.into_inner()?)
}

/// Appends one regular file held in memory, owned by root, stamped now: the one writer of
/// such entries (the deadline file, `template build`'s compiled-in Dockerfile).
pub fn append_file<W: std::io::Write>(
    builder: &mut tar::Builder<W>,
    path: &str,
    mode: u32,
    bytes: &[u8],
) -> std::io::Result<()> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mode(mode);
    header.set_size(bytes.len() as u64);
    header.set_mtime(now);
    builder.append_data(&mut header, path, bytes)
}
