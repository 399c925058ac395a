//! The engine layer: every bollard call dsbx makes lives under this module, so the rest of dsbx
//! speaks in sandboxes and files, and engine quirks (error texts, API versions, timeouts) are
//! handled in one place.

pub mod archive;
pub mod containers;
pub mod disk;
pub mod egress;
pub mod endpoint;
pub mod exec;
pub mod helper_volume;
pub mod images;
pub mod life;
pub mod networks;
pub mod proxy;
pub mod system;

use crate::error::{engine as engine_error, not_found};
use bollard::Docker;
use std::time::Duration;

pub use endpoint::Endpoint;

/// How long dsbx waits for the engine's first answer before calling it unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// bollard's per-request timeout (seconds). Long: Docker answers an archive upload only after
/// extracting it, and a build or pull can take minutes. Hangs are caught by the first ping.
const REQUEST_TIMEOUT_SECS: u64 = 3600;

#[derive(Debug, Clone)]
pub struct Engine {
    docker: Docker,
    pub endpoint: Endpoint,
}

impl Engine {
    /// Connects and proves the engine answers with one `_ping` (under a millisecond locally).
    /// No API version is pinned or negotiated: bollard 0.21 sends unversioned paths, which every
    /// engine from 20.10 (API 1.41) to 29 serves at its own version.
    pub async fn connect(flag: Option<&str>) -> anyhow::Result<Engine> {
        let engine = Engine::unverified(flag)?;
        engine.verify().await?;
        Ok(engine)
    }

    /// The client for the engine `flag` (or the environment) names, before any call: pair it with
    /// [`verify`](Self::verify), beside the first request or before it.
    pub fn unverified(flag: Option<&str>) -> anyhow::Result<Engine> {
        let endpoint = endpoint::resolve(flag)?;
        let docker = open(&endpoint)?;
        Ok(Engine { docker, endpoint })
    }

    /// Proves the engine answers: one `_ping` within [`CONNECT_TIMEOUT`], else "unreachable"
    /// (exit 4) naming where the engine was looked for. Requests themselves wait far longer.
    pub async fn verify(&self) -> anyhow::Result<()> {
        match tokio::time::timeout(CONNECT_TIMEOUT, self.docker.ping()).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(self.unreachable(&e.to_string())),
            Err(_) => {
                Err(self.unreachable(&format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())))
            }
        }
    }

    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    fn unreachable(&self, why: &str) -> anyhow::Error {
        engine_error(format!(
            "cannot reach the Docker engine at {} (from {}): {why}; is dockerd running and may \
             you use it? (`dsbx doctor` checks the setup)",
            self.endpoint.url, self.endpoint.source
        ))
    }

    /// Turns a bollard error into dsbx's: transport failures are "engine unreachable" (exit 4),
    /// answers are failures carrying the engine's message.
    pub fn fail(&self, err: bollard::errors::Error, what: &str) -> anyhow::Error {
        use bollard::errors::Error as E;
        match err {
            E::DockerResponseServerError {
                status_code,
                message,
            } => {
                anyhow::anyhow!("{what}: Docker answered {status_code}: {}", message.trim())
            }
            E::IOError { .. }
            | E::HyperResponseError { .. }
            | E::HyperLegacyError { .. }
            | E::RequestTimeoutError
            | E::SocketNotFoundError(_) => self.unreachable(&format!("{what}: {err}")),
            other => anyhow::anyhow!("{what}: {other}"),
        }
    }

    /// Like [`fail`](Self::fail), but "no such container" means the sandbox is gone (exit 3).
    /// Only that answer: a start can also answer 404 for a missing mount source or network.
    pub fn fail_sandbox(&self, err: bollard::errors::Error, id: &str, what: &str) -> anyhow::Error {
        let gone = matches!(&err, bollard::errors::Error::DockerResponseServerError { status_code: 404, message } if message.contains("No such container"));
        if gone {
            return not_found(format!("no sandbox `{id}`: its container is gone"));
        }
        self.fail(err, what)
    }
}

/// The HTTP status of an engine answer, if the error is one.
pub fn status(err: &bollard::errors::Error) -> Option<u16> {
    match err {
        bollard::errors::Error::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    }
}

fn open(endpoint: &Endpoint) -> anyhow::Result<Docker> {
    let url = endpoint.url.as_str();
    let version = bollard::API_DEFAULT_VERSION;
    let result = match url.split_once("://").map(|(scheme, _)| scheme) {
        Some("unix") => Docker::connect_with_unix(url, REQUEST_TIMEOUT_SECS, version),
        Some("tcp") | Some("http") => Docker::connect_with_http(url, REQUEST_TIMEOUT_SECS, version),
        // openssh runs ssh in batch mode: it never prompts, it fails.
        Some("ssh") => Docker::connect_with_ssh(url, REQUEST_TIMEOUT_SECS, version, None),
        _ => {
            return Err(crate::error::usage(format!(
                "unsupported Docker host `{url}` (from {}): use unix://, tcp://, http:// or ssh://",
                endpoint.source
            )));
        }
    };
    result.map_err(|e| {
        let why = match e {
            bollard::errors::Error::SocketNotFoundError(path) => format!("no socket at {path}"),
            other => other.to_string(),
        };
        engine_error(format!(
            "cannot reach the Docker engine at {url} (from {}): {why}; is dockerd running? \
             (`dsbx doctor` checks the setup)",
            endpoint.source
        ))
    })
}
