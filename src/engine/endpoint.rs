//! Which Docker engine to talk to: `--docker-host`, else `DOCKER_HOST`, else the current Docker
//! context (`DOCKER_CONTEXT`, else `currentContext` in the Docker config directory), else the
//! local socket. The same order the `docker` CLI uses, so dsbx and docker see the same engine.
//! TLS follows the docker CLI too: `--tlsverify`/`DOCKER_TLS_VERIFY` with the certificates of
//! `--tlscacert`/`--tlscert`/`--tlskey`, else `DOCKER_CERT_PATH`, else the config directory; a
//! context carries its own in `contexts/tls/<digest>/docker/`.

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
    /// For a `tcp://` engine spoken to over TLS: the certificates that prove both sides.
    pub tls: Option<TlsFiles>,
}

/// The docker CLI's three PEM files: the authority the engine's certificate must chain to, and
/// dsbx's own certificate and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// What the command line says about the engine (the docker CLI's global flags).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flags {
    pub host: Option<String>,
    pub tls_verify: bool,
    pub tls_ca: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

impl Flags {
    /// Only a host (tests, the benchmark floor).
    pub fn host(host: Option<&str>) -> Flags {
        Flags {
            host: host.map(str::to_string),
            ..Flags::default()
        }
    }
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

    /// The warning a plain `tcp://` or `http://` engine on another machine deserves: everything
    /// dsbx sends (files, commands, their output) crosses the network unencrypted, and whoever
    /// reaches that port owns the engine.
    pub fn plaintext_warning(&self) -> Option<String> {
        let scheme = self.url.split_once("://")?.0;
        if !matches!(scheme, "tcp" | "http") || self.tls.is_some() {
            return None;
        }
        let host = self.host();
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        (!loopback).then(|| {
            format!(
                "the Docker engine at {} (from {}) is reached over plain TCP: nothing is \
                 encrypted and anyone who reaches that port controls the engine; use TLS \
                 (`DOCKER_TLS_VERIFY=1`, `--tlsverify`) or `ssh://`",
                self.url, self.source
            )
        })
    }
}

pub fn resolve(flags: &Flags) -> anyhow::Result<Endpoint> {
    let mut endpoint = resolve_host(flags.host.as_deref())?;
    if endpoint.tls.is_none() && endpoint.url.starts_with("tcp://") {
        endpoint.tls = tls_from_flags(flags)?;
    }
    Ok(endpoint)
}

/// The engine's address, and a context's TLS files when a context names it.
fn resolve_host(flag: Option<&str>) -> anyhow::Result<Endpoint> {
    if let Some(url) = flag.filter(|f| !f.is_empty()) {
        return Ok(Endpoint {
            url: url.into(),
            source: "--docker-host".into(),
            tls: None,
        });
    }
    if let Some(url) = std::env::var("DOCKER_HOST").ok().filter(|v| !v.is_empty()) {
        return Ok(Endpoint {
            url,
            source: "DOCKER_HOST".into(),
            tls: None,
        });
    }
    let config_dir = crate::registry_auth::docker_config_dir();
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
                tls: context_tls(&dir, &name),
                url,
                source: format!("{how} `{name}`"),
            })
        }
        _ => Ok(Endpoint {
            url: LOCAL_SOCKET.into(),
            source: "the default local socket".into(),
            tls: None,
        }),
    }
}

/// TLS as the docker CLI turns it on: `--tlsverify` or a non-empty `DOCKER_TLS_VERIFY`; each file
/// from its flag, else `DOCKER_CERT_PATH`, else the Docker config directory.
fn tls_from_flags(flags: &Flags) -> anyhow::Result<Option<TlsFiles>> {
    let env_verify = std::env::var_os("DOCKER_TLS_VERIFY").is_some_and(|v| !v.is_empty());
    if !flags.tls_verify && !env_verify {
        return Ok(None);
    }
    let dir = match std::env::var_os("DOCKER_CERT_PATH").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => crate::registry_auth::docker_config_dir().context(
            "TLS is on but no certificate directory is known: set DOCKER_CERT_PATH or HOME",
        )?,
    };
    let pick = |flag: &Option<PathBuf>, name: &str| flag.clone().unwrap_or_else(|| dir.join(name));
    Ok(Some(TlsFiles {
        ca: pick(&flags.tls_ca, "ca.pem"),
        cert: pick(&flags.tls_cert, "cert.pem"),
        key: pick(&flags.tls_key, "key.pem"),
    }))
}

fn digest_hex(name: &str) -> String {
    Sha256::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A context made with `docker context create --docker host=tcp://…,ca=…,cert=…,key=…` keeps
/// copies of those files in `contexts/tls/<digest>/docker/`.
fn context_tls(config_dir: &Path, name: &str) -> Option<TlsFiles> {
    let dir = config_dir
        .join("contexts/tls")
        .join(digest_hex(name))
        .join("docker");
    dir.join("ca.pem").is_file().then(|| TlsFiles {
        ca: dir.join("ca.pem"),
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    })
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
    let meta = config_dir
        .join("contexts/meta")
        .join(digest_hex(name))
        .join("meta.json");
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
            tls: None,
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
        assert_eq!(context_tls(dir.path(), "remote"), None);
        let tls = dir
            .path()
            .join("contexts/tls")
            .join(digest_hex("remote"))
            .join("docker");
        std::fs::create_dir_all(&tls).unwrap();
        std::fs::write(tls.join("ca.pem"), "x").unwrap();
        assert_eq!(
            context_tls(dir.path(), "remote").unwrap().key,
            tls.join("key.pem")
        );
    }

    #[test]
    fn plain_tcp_off_this_machine_is_warned_about() {
        let e = |url: &str, tls: bool| Endpoint {
            url: url.into(),
            source: "DOCKER_HOST".into(),
            tls: tls.then(|| TlsFiles {
                ca: "ca".into(),
                cert: "c".into(),
                key: "k".into(),
            }),
        };
        assert!(
            e("tcp://10.0.0.5:2375", false)
                .plaintext_warning()
                .is_some()
        );
        assert!(e("http://build:2375", false).plaintext_warning().is_some());
        assert!(e("tcp://10.0.0.5:2376", true).plaintext_warning().is_none());
        assert!(
            e("tcp://127.0.0.1:2375", false)
                .plaintext_warning()
                .is_none()
        );
        assert!(
            e("tcp://localhost:2375", false)
                .plaintext_warning()
                .is_none()
        );
        assert!(e("tcp://[::1]:2375", false).plaintext_warning().is_none());
        assert!(
            e("unix:///var/run/docker.sock", false)
                .plaintext_warning()
                .is_none()
        );
        assert!(e("ssh://me@build", false).plaintext_warning().is_none());
    }
}
