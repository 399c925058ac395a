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
pub mod networks;
pub mod pool;
pub mod probes;
pub mod proxy;
pub mod snapshots;
mod ssh;
pub mod system;

use crate::error::{engine as engine_error, not_found};
use bollard::Docker;
use futures_util::{Stream, StreamExt};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub use endpoint::Endpoint;

/// How long dsbx waits for the engine's first answer before calling it unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The same over ssh, which logs in first (a key exchange and a `docker` process on the far side).
pub const SSH_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The client a transfer, pull or build uses: its answer may come only after minutes of work
/// (Docker answers an archive upload after extracting it), so [`Bounds::stall`] watches it
/// instead of a total.
const LONG_CLIENT_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long dsbx waits on the engine. Once `_ping` has answered, an engine can still hang on
/// any later request (a wedged container, a proxy that answers the ping only); without a bound
/// dsbx would hang with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// A request that should answer at once (inspect, list, create, start, remove, signal,
    /// pause, exec set-up): the wait for its answer (`engine_timeout` in the config).
    pub request: Duration,
    /// A transfer or pull: how long it may go with no byte moving either way.
    pub stall: Duration,
    /// An image build: how long it may go with no output (a silent `RUN` step is legitimate).
    pub build_stall: Duration,
}

impl Bounds {
    /// The bounds a request bound of `request` implies: transfers and pulls may stall 4 times
    /// as long, builds 20 times.
    pub fn from_request(request: Duration) -> Bounds {
        Bounds {
            request,
            stall: request.saturating_mul(4),
            build_stall: request.saturating_mul(20),
        }
    }
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds::from_request(Duration::from_secs(30))
    }
}

#[derive(Debug, Clone)]
pub struct Engine {
    /// Every request's answer must begin within [`Bounds::request`].
    docker: Docker,
    /// For transfers, pulls and builds, watched by [`StallWatch`] instead.
    long: Docker,
    pub endpoint: Endpoint,
    pub bounds: Bounds,
}

impl Engine {
    /// Connects and proves the engine answers with one `_ping` (under a millisecond locally).
    /// No API version is pinned or negotiated: bollard 0.21 sends unversioned paths, which every
    /// engine from 20.10 (API 1.41) to 29 serves at its own version.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn connect(flags: &endpoint::Flags) -> anyhow::Result<Engine> {
        let engine = Engine::unverified(flags)?;
        engine.verify().await?;
        Ok(engine)
    }

    /// The client for the engine `flags` (or the environment) name, before any call: pair it with
    /// [`verify`](Self::verify), beside the first request or before it.
    pub fn unverified(flags: &endpoint::Flags) -> anyhow::Result<Engine> {
        let endpoint = endpoint::resolve(flags)?;
        let long = open(&endpoint)?.with_timeout(LONG_CLIENT_TIMEOUT);
        let bounds = Bounds::default();
        let docker = long.clone().with_timeout(bounds.request);
        Ok(Engine {
            docker,
            long,
            endpoint,
            bounds,
        })
    }

    /// The same engine with other bounds (the config's `engine_timeout`).
    pub fn with_bounds(mut self, bounds: Bounds) -> Engine {
        self.docker = self.long.clone().with_timeout(bounds.request);
        self.bounds = bounds;
        self
    }

    /// Proves the engine answers: one `_ping` within [`CONNECT_TIMEOUT`], else "unreachable"
    /// (exit 4) naming where the engine was looked for. Requests themselves wait far longer.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn verify(&self) -> anyhow::Result<()> {
        let bound = if self.endpoint.url.starts_with("ssh://") {
            SSH_CONNECT_TIMEOUT
        } else {
            CONNECT_TIMEOUT
        };
        match tokio::time::timeout(bound, self.docker.ping()).await {
            Ok(Ok(_)) => Ok(()),
            // Something answers HTTP there, but not as Docker does (a web server, a proxy).
            Ok(Err(bollard::errors::Error::DockerResponseServerError { status_code, .. })) => {
                Err(self.unreachable(&format!(
                    "it answered {status_code} to `GET /_ping`, which no Docker engine does: \
                     is this the Docker API's address?"
                )))
            }
            Ok(Err(e)) => Err(self
                .socket_denied(&e)
                .unwrap_or_else(|| self.unreachable(&transport_reason(&e)))),
            Err(_) => Err(self.unreachable(&format!("no answer within {} s", bound.as_secs()))),
        }
    }

    /// `GET /containers/json`. Podman lists a container that has just exited as `stopped` until
    /// its clean-up runs (a fraction of a second), a state Docker's API has no word for and
    /// bollard refuses to read; the list is asked again until that passes.
    pub async fn list_containers(
        &self,
        options: bollard::query_parameters::ListContainersOptions,
    ) -> Result<Vec<bollard::models::ContainerSummary>, bollard::errors::Error> {
        let give_up = Instant::now() + Duration::from_secs(5);
        loop {
            match self.docker.list_containers(Some(options.clone())).await {
                Err(bollard::errors::Error::JsonDataError { message, .. })
                    if message.contains("unknown variant `stopped`")
                        && Instant::now() < give_up =>
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => return other,
            }
        }
    }

    /// Every container, running or not, that Docker's list `filters` match (`label`,
    /// `ancestor`, `name`); `what` says what was being listed if the engine fails.
    pub async fn list_all_containers(
        &self,
        filters: &HashMap<String, Vec<String>>,
        what: &str,
    ) -> anyhow::Result<Vec<bollard::models::ContainerSummary>> {
        let options = bollard::query_parameters::ListContainersOptionsBuilder::new()
            .all(true)
            .filters(filters)
            .build();
        self.list_containers(options)
            .await
            .map_err(|e| self.fail(e, what))
    }

    /// Creates a container named `name`; `what` says which if the engine refuses.
    pub async fn create_named_container(
        &self,
        name: &str,
        body: bollard::models::ContainerCreateBody,
        what: &str,
    ) -> anyhow::Result<()> {
        let options = bollard::query_parameters::CreateContainerOptionsBuilder::new()
            .name(name)
            .build();
        self.docker()
            .create_container(Some(options), body)
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e, what))
    }

    /// The client for requests that should answer at once: bounded by [`Bounds::request`].
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// The client for a transfer, pull or build; pair it with a [`StallWatch`] from
    /// [`stall_watch`](Self::stall_watch) so a stall still ends it.
    pub fn docker_long(&self) -> &Docker {
        &self.long
    }

    /// A watch on a transfer (`stall`: how long it may go with no byte moving).
    pub fn stall_watch(&self, stall: Duration, what: impl Into<String>) -> StallWatch {
        StallWatch {
            inner: Arc::new(ProgressInner {
                start: Instant::now(),
                last_ms: AtomicU64::new(0),
            }),
            stall,
            what: what.into(),
        }
    }

    /// The socket refused dsbx for lack of permission (a user outside the `docker` group): say
    /// that, not "is dockerd running?".
    fn socket_denied(&self, err: &bollard::errors::Error) -> Option<anyhow::Error> {
        let path = self.endpoint.url.strip_prefix("unix://")?;
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(c) = cause {
            if c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::PermissionDenied)
            {
                let denied = SocketDenied {
                    path: path.to_string(),
                };
                let message = format!("{denied} (the engine from {})", self.endpoint.source);
                return Some(anyhow::Error::new(denied).context(crate::error::Tagged {
                    kind: crate::error::Kind::Engine,
                    message,
                }));
            }
            cause = c.source();
        }
        None
    }

    fn unreachable(&self, why: &str) -> anyhow::Error {
        let question = if self.endpoint.url.starts_with("ssh://") {
            "can `ssh HOST docker version` run there without a prompt?"
        } else if self.endpoint.tls.is_some() {
            "is the engine's certificate signed by the CA in ca.pem, and does the engine trust \
             cert.pem?"
        } else if why.contains(" 400 ") && self.endpoint.url.starts_with("tcp://") {
            "does it want TLS (DOCKER_TLS_VERIFY=1 or --tlsverify)?"
        } else {
            "is dockerd running and may you use it?"
        };
        engine_error(format!(
            "cannot reach the Docker engine at {} (from {}): {why}; {question} (`dsbx doctor` \
             checks the setup)",
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
            E::RequestTimeoutError => engine_error(format!(
                "the Docker engine at {} (from {}) did not answer within {}: {what} (the \
                 config's `engine_timeout` sets this bound)",
                self.endpoint.url,
                self.endpoint.source,
                crate::units::human_duration(self.bounds.request)
            )),
            E::IOError { ref err } if err.kind() == std::io::ErrorKind::TimedOut => {
                engine_error(format!(
                    "the Docker engine at {} (from {}) stalled: {what}: {err}",
                    self.endpoint.url, self.endpoint.source
                ))
            }
            E::IOError { .. }
            | E::HyperResponseError { .. }
            | E::HyperLegacyError { .. }
            | E::SocketNotFoundError(_) => self.socket_denied(&err).unwrap_or_else(|| {
                self.unreachable(&format!("{what}: {}", transport_reason(&err)))
            }),
            other => anyhow::anyhow!("{what}: {other}"),
        }
    }

    /// Why a command's output broke off (`sandbox`: the one it ran in, when a vanished
    /// container should read as such), in dsbx's words as [`fail`](Self::fail) gives them.
    pub fn fail_output(
        &self,
        err: exec::OutputError,
        sandbox: Option<&str>,
        what: &str,
    ) -> anyhow::Error {
        match (err, sandbox) {
            (exec::OutputError::Engine(e), Some(id)) => self.fail_sandbox(e, id, what),
            (exec::OutputError::Engine(e), None) => self.fail(e, what),
            (exec::OutputError::Channel(e), _) => {
                anyhow::Error::new(e).context(format!("{what} (channel)"))
            }
        }
    }

    /// Like [`fail`](Self::fail) for a call on `container` (a name or id) that the engine
    /// refused: when the container has gone or is being removed meanwhile (a `kill` racing a
    /// `timeout`), that is the answer (exit 3, naming the sandbox as `id`), not the engine's
    /// text about a path in it.
    #[tracing::instrument(level = "info", skip_all, fields(container = %container))]
    pub async fn fail_on_container(
        &self,
        err: bollard::errors::Error,
        container: &str,
        id: &str,
        what: &str,
    ) -> anyhow::Error {
        if matches!(status(&err), Some(404 | 409 | 500)) {
            let inspected = self
                .docker
                .inspect_container(
                    container,
                    None::<bollard::query_parameters::InspectContainerOptions>,
                )
                .await;
            match inspected {
                Err(e) if status(&e) == Some(404) => {
                    return not_found(format!("no sandbox `{id}`: its container is gone"));
                }
                Ok(info)
                    if info.state.as_ref().and_then(|s| s.status).is_some_and(|s| {
                        matches!(
                            s,
                            bollard::models::ContainerStateStatusEnum::REMOVING
                                | bollard::models::ContainerStateStatusEnum::DEAD
                        )
                    }) =>
                {
                    return not_found(format!("no sandbox `{id}`: it is being removed"));
                }
                _ => {}
            }
        }
        self.fail(err, what)
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

/// The engine's unix socket refused dsbx: the user may not use the engine.
#[derive(Debug)]
pub struct SocketDenied {
    pub path: String,
}

impl std::fmt::Display for SocketDenied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "permission denied on {}: add yourself to the docker group (`sudo usermod -aG docker \
             $USER`, then log in again), or run dsbx as a user who may use the engine",
            self.path
        )
    }
}

impl std::error::Error for SocketDenied {}

/// Whether `err` is the engine's socket refusing this user ([`SocketDenied`]).
pub fn is_socket_denied(err: &anyhow::Error) -> bool {
    err.chain().any(|c| c.is::<SocketDenied>())
}

/// A watch on one transfer, pull or build: every byte that moves (either way) is progress, and
/// [`stalled`](StallWatch::stalled) resolves once none has moved for the stall bound.
#[derive(Debug, Clone)]
pub struct StallWatch {
    inner: Arc<ProgressInner>,
    stall: Duration,
    what: String,
}

#[derive(Debug)]
struct ProgressInner {
    start: Instant,
    /// Milliseconds from `start` to the latest progress.
    last_ms: AtomicU64,
}

impl StallWatch {
    pub fn touch(&self) {
        let ms = self.inner.start.elapsed().as_millis() as u64;
        self.inner.last_ms.fetch_max(ms, Ordering::Relaxed);
    }

    /// Resolves when nothing has moved for the stall bound; pending forever otherwise.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn stalled(&self) {
        loop {
            let last = Duration::from_millis(self.inner.last_ms.load(Ordering::Relaxed));
            let due = self.inner.start + last + self.stall;
            if Instant::now() >= due {
                return;
            }
            tokio::time::sleep_until(due.into()).await;
        }
    }

    /// The error a stall ends the transfer with; [`Engine::fail`] makes it exit 4.
    pub fn error(&self) -> bollard::errors::Error {
        bollard::errors::Error::IOError {
            err: std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!(
                    "{}: nothing moved for {} (the config's `engine_timeout` sets this bound)",
                    self.what,
                    crate::units::human_duration(self.stall)
                ),
            ),
        }
    }

    /// `stream` (a body going to the engine) with each item counted as progress.
    pub fn track<S: Stream + Send>(
        &self,
        stream: S,
    ) -> impl Stream<Item = S::Item> + Send + use<S> {
        let progress = self.clone();
        stream.inspect(move |_| progress.touch())
    }

    /// `stream` (an answer coming from the engine) with each item counted as progress, ended
    /// by a stall error once nothing has moved for the bound.
    pub fn bound<T, E, S>(
        &self,
        stream: S,
    ) -> impl Stream<Item = Result<T, E>> + Send + use<T, E, S>
    where
        T: Send,
        E: From<bollard::errors::Error> + Send,
        S: Stream<Item = Result<T, E>> + Send,
    {
        let state = (Box::pin(stream), self.clone(), false);
        futures_util::stream::unfold(state, |(mut stream, progress, done)| async move {
            if done {
                return None;
            }
            tokio::select! {
                item = stream.next() => {
                    progress.touch();
                    item.map(|item| (item, (stream, progress, false)))
                }
                () = progress.stalled() => {
                    let err = progress.error().into();
                    Some((Err(err), (stream, progress, true)))
                }
            }
        })
    }

    /// Runs `request` (whose body is [`track`](Self::track)ed) until it answers or stalls.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn run<T>(
        &self,
        request: impl std::future::Future<Output = Result<T, bollard::errors::Error>>,
    ) -> Result<T, bollard::errors::Error> {
        self.touch();
        tokio::select! {
            result = request => result,
            () = self.stalled() => Err(self.error()),
        }
    }
}

/// The HTTP status of an engine answer, if the error is one.
pub fn status(err: &bollard::errors::Error) -> Option<u16> {
    match err {
        bollard::errors::Error::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    }
}

/// One line for a failed connection: bollard's own text ("error in the hyper legacy client:
/// client error (Connect)") hides the cause (a certificate the engine refused, ssh's complaint)
/// in its sources, so each distinct message of the chain is kept.
pub fn transport_reason(err: &bollard::errors::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        let text = text
            .strip_prefix("Error in the hyper legacy client: ")
            .unwrap_or(&text)
            .to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.retain(|p| !text.contains(p.as_str()));
            parts.push(text);
        }
        next = e.source();
    }
    let mut line = parts.join(": ").replace(['\n', '\r'], " ");
    // hyper's wrappers say nothing the cause does not.
    for noise in ["operation was canceled: ", "connection error: "] {
        line = line.replace(noise, "");
    }
    while let Some(start) = line.find("client error (")
        && let Some(len) = line[start..].find("): ")
    {
        line.replace_range(start..start + len + 3, "");
    }
    line
}

fn open(endpoint: &Endpoint) -> anyhow::Result<Docker> {
    let url = endpoint.url.as_str();
    let version = bollard::API_DEFAULT_VERSION;
    let secs = LONG_CLIENT_TIMEOUT.as_secs();
    if let Some((scheme, rest)) = url.split_once("://")
        && rest.trim_matches('/').is_empty()
    {
        let example = match scheme {
            "unix" => "unix:///var/run/docker.sock",
            "ssh" => "ssh://user@host",
            _ => "tcp://10.0.0.5:2375",
        };
        return Err(crate::error::usage(format!(
            "Docker host `{}` (from {}) names no {}: e.g. `{example}`",
            crate::output::shown(url),
            endpoint.source,
            if scheme == "unix" { "socket" } else { "host" }
        )));
    }
    let result = match url.split_once("://").map(|(scheme, _)| scheme) {
        Some("unix") => Docker::connect_with_unix(url, secs, version),
        Some("tcp") => match &endpoint.tls {
            Some(tls) => open_tls(endpoint, tls)?,
            None => Docker::connect_with_http(url, secs, version),
        },
        Some("http") => Docker::connect_with_http(url, secs, version),
        Some("ssh") => ssh::connect(endpoint)?,
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

/// A `tcp://` engine over TLS: the engine's certificate must chain to the CA file, and dsbx shows
/// its own certificate. A missing file is named before any connection.
fn open_tls(
    endpoint: &Endpoint,
    tls: &endpoint::TlsFiles,
) -> anyhow::Result<Result<Docker, bollard::errors::Error>> {
    for (file, what) in [
        (&tls.ca, "CA certificate"),
        (&tls.cert, "certificate"),
        (&tls.key, "key"),
    ] {
        if !file.is_file() {
            return Err(engine_error(format!(
                "cannot reach the Docker engine at {} (from {}) over TLS: its {what} {} does \
                 not exist (DOCKER_CERT_PATH or --tlscacert/--tlscert/--tlskey name the files)",
                endpoint.url,
                endpoint.source,
                file.display()
            )));
        }
    }
    Ok(Docker::connect_with_ssl(
        &endpoint.url,
        &tls.key,
        &tls.cert,
        &tls.ca,
        LONG_CLIENT_TIMEOUT.as_secs(),
        bollard::API_DEFAULT_VERSION,
    ))
}
