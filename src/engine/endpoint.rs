//! Which Docker engine to talk to: `--docker-host`, else `DOCKER_HOST`, else the current Docker
//! context (`DOCKER_CONTEXT`, else `currentContext` in the Docker config directory), else the
//! local socket. The same order the `docker` CLI uses, so dsbx and docker see the same engine.

use anyhow::Context;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const LOCAL_SOCKET: &str = "unix:///var/run/docker.sock";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `unix:///path`, `tcp://host:port`, `http://…` or `ssh://user@host`.
    pub url: String,
    /// How it was found, for error messages and `doctor`.
    pub source: String,
}

impl Endpoint {
    /// The host a published port is reached on: 127.0.0.1 for a local socket, the engine's host
    /// name for a remote one.
    pub fn host(&self) -> String {
        let rest = match self.url.split_once("://") {
            Some(("unix", _)) | None => return "127.0.0.1".into(),
            Some((_, rest)) => rest,
        };
        let authority = rest.split('/').next().unwrap_or(rest);
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = if host_port.starts_with('[') {
            host_port
                .split(']')
                .next()
                .map(|h| &h[1..])
                .unwrap_or(host_port)
        } else {
            host_port.split(':').next().unwrap_or(host_port)
        };
        if host.is_empty() {
            "127.0.0.1".into()
        } else {
            host.into()
        }
    }

    pub fn is_local(&self) -> bool {
        self.url.starts_with("unix://")
    }
}

/// The Docker config directory: `DOCKER_CONFIG`, else `~/.docker`.
pub fn docker_config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::BaseDirs::new().map(|d| d.home_dir().join(".docker"))
}

pub fn resolve(flag: Option<&str>) -> anyhow::Result<Endpoint> {
    if let Some(url) = flag.filter(|f| !f.is_empty()) {
        return Ok(Endpoint {
            url: url.into(),
            source: "--docker-host".into(),
        });
    }
    if let Some(url) = std::env::var("DOCKER_HOST").ok().filter(|v| !v.is_empty()) {
        return Ok(Endpoint {
            url,
            source: "DOCKER_HOST".into(),
        });
    }
    let config_dir = docker_config_dir();
    let context = match std::env::var("DOCKER_CONTEXT")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(name) => Some((name, "DOCKER_CONTEXT")),
        None => config_dir
            .as_deref()
            .and_then(current_context)
            .map(|name| (name, "the current Docker context")),
    };
    match (context, config_dir) {
        (Some((name, how)), Some(dir)) if name != "default" => {
            let url = context_host(&dir, &name)?;
            Ok(Endpoint {
                url,
                source: format!("{how} `{name}`"),
            })
        }
        _ => Ok(Endpoint {
            url: LOCAL_SOCKET.into(),
            source: "the default local socket".into(),
        }),
    }
}

fn current_context(config_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(config_dir.join("config.json")).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value
        .get("currentContext")?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A context's endpoint lives in `contexts/meta/<sha256 of its name>/meta.json`.
fn context_host(config_dir: &Path, name: &str) -> anyhow::Result<String> {
    let digest = Sha256::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let meta = config_dir.join("contexts/meta").join(hex).join("meta.json");
    let text = std::fs::read_to_string(&meta).with_context(|| {
        format!(
            "Docker context `{name}` has no endpoint file {} (see `docker context ls`)",
            meta.display()
        )
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("cannot parse {}", meta.display()))?;
    value
        .pointer("/Endpoints/docker/Host")
        .and_then(|h| h.as_str())
        .map(str::to_string)
        .with_context(|| format!("{} names no docker endpoint host", meta.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_each_scheme() {
        let e = |url: &str| Endpoint {
            url: url.into(),
            source: String::new(),
        };
        assert_eq!(e("unix:///var/run/docker.sock").host(), "127.0.0.1");
        assert_eq!(e("tcp://10.0.0.5:2375").host(), "10.0.0.5");
        assert_eq!(e("ssh://me@build.example.com").host(), "build.example.com");
        assert_eq!(e("tcp://[::1]:2375").host(), "::1");
    }

    #[test]
    fn context_meta_is_found_by_digest() {
        let dir = tempfile::tempdir().unwrap();
        let digest = Sha256::digest(b"remote");
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let meta = dir.path().join("contexts/meta").join(hex);
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"remote","Endpoints":{"docker":{"Host":"tcp://1.2.3.4:2375"}}}"#,
        )
        .unwrap();
        assert_eq!(
            context_host(dir.path(), "remote").unwrap(),
            "tcp://1.2.3.4:2375"
        );
        assert!(context_host(dir.path(), "absent").is_err());
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"currentContext":"remote"}"#,
        )
        .unwrap();
        assert_eq!(current_context(dir.path()).as_deref(), Some("remote"));
    }
}
