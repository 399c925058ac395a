//! `ssh://[user@]host[:port]` engines through the system `ssh`, as the docker CLI does: each
//! connection runs `ssh … -- HOST docker system dial-stdio` and speaks the engine's HTTP over
//! that process's stdin and stdout. The user's ssh configuration (keys, agent, known hosts, jump
//! hosts) applies unchanged; `BatchMode` makes ssh fail instead of prompting for a password,
//! a passphrase or an unknown host key, and its complaint becomes dsbx's error.

use super::Endpoint;
use bollard::Docker;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::process::{Child, ChildStdin, ChildStdout};
use tokio::task::JoinHandle;

/// Where to log in, parsed from the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    user: Option<String>,
    host: String,
    port: Option<u16>,
}

/// The client for an `ssh://` endpoint. Nothing runs until the first request.
pub(super) fn connect(
    endpoint: &Endpoint,
) -> anyhow::Result<Result<Docker, bollard::errors::Error>> {
    let target = parse(&endpoint.url).map_err(|why| {
        crate::error::usage(format!(
            "Docker host `{}` (from {}): {why}: use ssh://[user@]host[:port]",
            crate::output::shown(&endpoint.url),
            endpoint.source
        ))
    })?;
    let connector = Connector {
        target: Arc::new(target),
    };
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector);
    let transport = move |request: bollard::BollardRequest| {
        let client = client.clone();
        async move {
            client
                .request(request)
                .await
                .map_err(bollard::errors::Error::from)
        }
    };
    Ok(Docker::connect_with_custom_transport(
        transport,
        Some("http://docker.ssh"),
        super::LONG_CLIENT_TIMEOUT.as_secs(),
        bollard::API_DEFAULT_VERSION,
    ))
}

fn parse(url: &str) -> Result<Target, String> {
    let rest = url.strip_prefix("ssh://").ok_or("not an ssh:// URL")?;
    let authority = rest.trim_end_matches('/');
    if authority.contains('/') {
        return Err("an ssh engine has no path".into());
    }
    let (user, host_port) = match authority.rsplit_once('@') {
        Some((user, rest)) => (Some(user.to_string()), rest),
        None => (None, authority),
    };
    // `[v6]:port`, `[v6]`, `host:port`, `host`.
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']').ok_or("an unclosed `[`")?;
            (host, after.strip_prefix(':'))
        }
        None => match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    let port = match port {
        Some(port) => Some(
            port.parse::<u16>()
                .map_err(|_| format!("`{port}` is not a port"))?,
        ),
        None => None,
    };
    if host.is_empty()
        || host.starts_with('-')
        || user.as_deref().is_some_and(|u| u.starts_with('-'))
    {
        return Err("no host to log in to".into());
    }
    Ok(Target {
        user,
        host: host.to_string(),
        port,
    })
}

impl Target {
    /// ssh's arguments: never prompt, give up on a silent host, and run the docker CLI's bridge.
    fn args(&self) -> Vec<String> {
        let mut args = vec![
            "-o".to_string(),
            "BatchMode=yes".to_string(),
            "-o".to_string(),
            // Shorter than dsbx's own bound, so ssh's "timed out" is what the user reads.
            format!(
                "ConnectTimeout={}",
                super::SSH_CONNECT_TIMEOUT.as_secs().saturating_sub(2)
            ),
            "-T".to_string(),
        ];
        if let Some(user) = &self.user {
            args.extend(["-l".to_string(), user.clone()]);
        }
        if let Some(port) = self.port {
            args.extend(["-p".to_string(), port.to_string()]);
        }
        args.extend(["--", &self.host, "docker", "system", "dial-stdio"].map(String::from));
        args
    }
}

#[derive(Clone)]
struct Connector {
    target: Arc<Target>,
}

impl tower_service::Service<hyper::Uri> for Connector {
    type Response = TokioIo<SshStream>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: hyper::Uri) -> Self::Future {
        let target = self.target.clone();
        Box::pin(async move { SshStream::spawn(&target).map(TokioIo::new) })
    }
}

/// One `ssh … docker system dial-stdio` process as a byte stream. When it ends before saying
/// anything, the error is ssh's last line on stderr ("Host key verification failed.").
struct SshStream {
    stdin: ChildStdin,
    stdout: ChildStdout,
    /// ssh's stderr, read to its end (the last few KiB of it).
    stderr: Option<JoinHandle<String>>,
    said_something: bool,
    _child: Child,
}

impl SshStream {
    fn spawn(target: &Target) -> io::Result<SshStream> {
        let mut child = tokio::process::Command::new("ssh")
            .args(target.args())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("cannot run ssh: {e}")))?;
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(io::Error::other("ssh's pipes are missing"));
        };
        let stderr = tokio::spawn(async move {
            let mut text = Vec::new();
            let mut chunk = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                text.extend_from_slice(&chunk[..n]);
                let excess = text.len().saturating_sub(8192);
                text.drain(..excess);
            }
            String::from_utf8_lossy(&text).into_owned()
        });
        Ok(SshStream {
            stdin,
            stdout,
            stderr: Some(stderr),
            said_something: false,
            _child: child,
        })
    }

    /// Waits for ssh's stderr to end and turns its last line into the error.
    fn failure(&mut self, cx: &mut Context<'_>, fallback: io::Error) -> Poll<io::Error> {
        let Some(handle) = self.stderr.as_mut() else {
            return Poll::Ready(fallback);
        };
        let text = match Pin::new(handle).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(text) => text.unwrap_or_default(),
        };
        self.stderr = None;
        let last = text.lines().map(str::trim).rfind(|l| !l.is_empty());
        Poll::Ready(match last {
            Some(line) => io::Error::new(io::ErrorKind::ConnectionRefused, format!("ssh: {line}")),
            None => fallback,
        })
    }
}

impl AsyncRead for SshStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.stdout).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() == before && !this.said_something => {
                let fallback = io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "ssh ended before the engine answered",
                );
                this.failure(cx, fallback).map(Err)
            }
            Poll::Ready(Ok(())) => {
                this.said_something = true;
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl AsyncWrite for SshStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stdin).poll_write(cx, data) {
            Poll::Ready(Err(e))
                if e.kind() == io::ErrorKind::BrokenPipe && !this.said_something =>
            {
                this.failure(cx, e).map(Err)
            }
            other => other,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stdin).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stdin).poll_shutdown(cx)
    }
}

impl hyper_util::client::legacy::connect::Connection for SshStream {
    fn connected(&self) -> hyper_util::client::legacy::connect::Connected {
        hyper_util::client::legacy::connect::Connected::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_ssh_arguments() {
        let t = parse("ssh://me@build.example.com:2222").unwrap();
        assert_eq!(
            t,
            Target {
                user: Some("me".into()),
                host: "build.example.com".into(),
                port: Some(2222)
            }
        );
        let args = t.args();
        assert!(args.contains(&"BatchMode=yes".to_string()), "{args:?}");
        assert_eq!(
            args[args.len() - 4..],
            ["build.example.com", "docker", "system", "dial-stdio"]
        );
        assert_eq!(parse("ssh://box").unwrap().user, None);
        assert_eq!(parse("ssh://[::1]:22").unwrap().host, "::1");
        assert_eq!(parse("ssh://[::1]").unwrap().port, None);
        assert!(parse("ssh://me@-oProxyCommand=x").is_err());
        assert!(parse("ssh://box/path").is_err());
        assert!(parse("ssh://box:port").is_err());
    }
}
