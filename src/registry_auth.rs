//! Image references and registry credentials, read the way the docker CLI reads them: the Docker
//! config (`DOCKER_CONFIG`, else `~/.docker/config.json`), its `auths` entries (base64
//! `user:password` in `auth`, or an `identitytoken`), and credential helpers (`credHelpers` per
//! registry, else `credsStore`) run as `docker-credential-NAME get`.

use crate::error::usage;
use base64::Engine as _;
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Docker Hub's key in `config.json`.
pub const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// An image reference split the way the engine's pull call wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Everything before the tag or digest, e.g. `127.0.0.1:5000/team/app` or `python`.
    pub repository: String,
    /// `latest` when neither a tag nor a digest was given (never "all tags").
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// The registry host (`docker.io` when the name has none).
    pub registry: String,
}

impl Reference {
    /// The name to pull: repository plus tag or digest.
    pub fn full(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => format!("{}@{d}", self.repository),
            (None, Some(t)) => format!("{}:{t}", self.repository),
            (None, None) => format!("{}:latest", self.repository),
        }
    }

    /// The repository's last path component (`dsbx-base` for `dsbx-base:latest`).
    pub fn last_component(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }
}

/// Parses and checks an image reference (`[HOST[:PORT]/]PATH[:TAG][@DIGEST]`).
pub fn parse_reference(text: &str) -> anyhow::Result<Reference> {
    let bad = |why: &str| usage(format!("invalid image name `{text}`: {why}"));
    if text.is_empty() {
        return Err(bad("it is empty"));
    }
    let (rest, digest) = match text.split_once('@') {
        Some((r, d)) => {
            let ok = d.split_once(':').is_some_and(|(alg, hex)| {
                !alg.is_empty()
                    && !hex.is_empty()
                    && hex.chars().all(|c| c.is_ascii_hexdigit())
                    && alg
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+._-".contains(c))
            });
            if !ok {
                return Err(bad("the digest must look like sha256:HEX"));
            }
            (r, Some(d.to_string()))
        }
        None => (text, None),
    };
    // A colon after the last slash starts the tag (one before it is a registry port).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (
            &rest[..last_slash + i],
            Some(rest[last_slash + i + 1..].to_string()),
        ),
        None => (rest, None),
    };
    if let Some(t) = &tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && !t.starts_with(['.', '-'])
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            return Err(bad(
                "a tag is at most 128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`",
            ));
        }
    }
    let mut parts: Vec<&str> = repository.split('/').collect();
    let registry = if parts.len() > 1
        && (parts[0].contains(['.', ':'])
            || parts[0] == "localhost"
            || parts[0].chars().any(|c| c.is_ascii_uppercase()))
    {
        let host = parts.remove(0);
        let (name, port) = host.split_once(':').unwrap_or((host, ""));
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
            || !port.chars().all(|c| c.is_ascii_digit())
            || (host.contains(':') && port.is_empty())
        {
            return Err(bad("the registry host is not HOST or HOST:PORT"));
        }
        host.to_string()
    } else {
        "docker.io".to_string()
    };
    for part in &parts {
        let ok = !part.is_empty()
            && part.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && part.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !ok {
            return Err(bad(
                "repository names use lowercase letters, digits and `.`, `_`, `-` between them",
            ));
        }
    }
    Ok(Reference {
        repository: repository.to_string(),
        tag: if digest.is_none() && tag.is_none() {
            Some("latest".into())
        } else {
            tag
        },
        digest,
        registry,
    })
}

/// Credentials for one registry, as the engine's pull call takes them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Credentials {
    pub username: Option<String>,
    pub password: Option<String>,
    pub identity_token: Option<String>,
    pub server: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default)]
    creds_store: Option<String>,
    #[serde(default)]
    cred_helpers: HashMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

#[derive(Debug, Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// The credentials the Docker config holds for `registry`, if any. A config that does not parse or
/// a helper that fails is an error naming the file or helper (the pull would fail obscurely).
pub fn credentials_for(registry: &str) -> anyhow::Result<Option<Credentials>> {
    let Some(dir) = docker_config_dir() else {
        return Ok(None);
    };
    credentials_in(&dir.join("config.json"), registry)
}

pub fn credentials_in(path: &Path, registry: &str) -> anyhow::Result<Option<Credentials>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => anyhow::bail!("cannot read Docker config {}: {e}", path.display()),
    };
    let config: DockerConfig = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("Docker config {} does not parse: {e}", path.display()))?;
    let key = config_key(registry);
    let helper = config
        .cred_helpers
        .get(registry)
        .or_else(|| config.cred_helpers.get(&key))
        .or(config.creds_store.as_ref())
        .filter(|h| !h.is_empty());
    if let Some(helper) = helper
        && let Some(found) = from_helper(helper, &key)?
    {
        return Ok(Some(found));
    }
    let entry = config
        .auths
        .iter()
        .find(|(k, _)| normalize_key(k) == normalize_key(&key))
        .map(|(_, e)| e);
    let Some(entry) = entry else { return Ok(None) };
    let (mut username, mut password) = (entry.username.clone(), entry.password.clone());
    if let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| {
                s.split_once(':')
                    .map(|(u, p)| (u.to_string(), p.to_string()))
            })
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "Docker config {}: the `auth` entry for {key} is not base64 of USER:PASSWORD",
                    path.display()
                )
            })?;
        username = Some(decoded.0);
        password = Some(decoded.1);
    }
    let identity_token = entry.identitytoken.clone().filter(|t| !t.is_empty());
    if username.is_none() && identity_token.is_none() {
        return Ok(None);
    }
    Ok(Some(Credentials {
        username,
        password,
        identity_token,
        server: key,
    }))
}

/// The key a registry has in `config.json` (Docker Hub's is historical).
pub fn config_key(registry: &str) -> String {
    match registry {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB_KEY.to_string(),
        other => other.to_string(),
    }
}

/// `https://host/v1/` and `host` name the same registry.
fn normalize_key(key: &str) -> String {
    let key = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    key.split('/').next().unwrap_or(key).to_string()
}

/// Runs `docker-credential-NAME get` with the server on stdin. "Not found" is `None`.
fn from_helper(name: &str, server: &str) -> anyhow::Result<Option<Credentials>> {
    let program = format!("docker-credential-{name}");
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            anyhow::anyhow!(
                "the Docker config names credential helper `{name}`, but `{program}` cannot run: {e}"
            )
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(server.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| anyhow::anyhow!("`{program} get` failed: {e}"))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        if said.to_lowercase().contains("not found") {
            return Ok(None);
        }
        anyhow::bail!("`{program} get` for {server} failed: {}", said.trim());
    }
    let answer: HelperAnswer = serde_json::from_slice(&out.stdout)
        .map_err(|e| anyhow::anyhow!("`{program} get` answered something that is not JSON: {e}"))?;
    if answer.secret.is_empty() {
        return Ok(None);
    }
    // A username of `<token>` means the secret is an identity token.
    Ok(Some(if answer.username == "<token>" {
        Credentials {
            identity_token: Some(answer.secret),
            server: server.to_string(),
            ..Default::default()
        }
    } else {
        Credentials {
            username: Some(answer.username),
            password: Some(answer.secret),
            server: server.to_string(),
            ..Default::default()
        }
    }))
}

/// The Docker config directory: `DOCKER_CONFIG`, else `~/.docker`. Its `config.json` holds the
/// credentials; the engine's endpoint reads the docker CLI's contexts under it too.
pub fn docker_config_dir() -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|v| !v.is_empty()) {
        return Some(std::path::PathBuf::from(dir));
    }
    directories::BaseDirs::new().map(|d| d.home_dir().join(".docker"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_like_docker() {
        let r = parse_reference("python").unwrap();
        assert_eq!(r.full(), "python:latest");
        assert_eq!(r.registry, "docker.io");
        let r = parse_reference("127.0.0.1:5000/team/app").unwrap();
        assert_eq!(r.repository, "127.0.0.1:5000/team/app");
        assert_eq!(r.tag.as_deref(), Some("latest"));
        assert_eq!(r.registry, "127.0.0.1:5000");
        let r = parse_reference("localhost/app:v1.2").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.tag.as_deref()),
            ("localhost", Some("v1.2"))
        );
        let r = parse_reference("dsbx-base:t-1").unwrap();
        assert_eq!(r.last_component(), "dsbx-base");
        let d = "sha256:".to_string() + &"a".repeat(64);
        let r = parse_reference(&format!("ghcr.io/o/app@{d}")).unwrap();
        assert_eq!(r.digest.as_deref(), Some(d.as_str()));
        assert_eq!(r.tag, None);
        assert_eq!(r.registry, "ghcr.io");
    }

    #[test]
    fn bad_references_are_usage_errors() {
        for bad in [
            "", "x/Upper", "a:", "a:-x", "x@sha256", "a//b", "host:/x", "-a",
        ] {
            let err = parse_reference(bad).unwrap_err();
            assert_eq!(
                crate::error::kind_of(&err),
                crate::error::Kind::Usage,
                "{bad}"
            );
        }
    }

    fn write(dir: &Path, text: &str) -> std::path::PathBuf {
        let p = dir.join("config.json");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn auths_entries_decode() {
        let dir = tempfile::tempdir().unwrap();
        let auth = base64::engine::general_purpose::STANDARD.encode("alice:s3:cret");
        let p = write(
            dir.path(),
            &format!(
                r#"{{"auths":{{"127.0.0.1:5000":{{"auth":"{auth}"}},"https://index.docker.io/v1/":{{"identitytoken":"tok"}}}}}}"#
            ),
        );
        let c = credentials_in(&p, "127.0.0.1:5000").unwrap().unwrap();
        assert_eq!(c.username.as_deref(), Some("alice"));
        assert_eq!(c.password.as_deref(), Some("s3:cret"));
        let hub = credentials_in(&p, "docker.io").unwrap().unwrap();
        assert_eq!(hub.identity_token.as_deref(), Some("tok"));
        assert_eq!(hub.server, DOCKER_HUB_KEY);
        assert_eq!(credentials_in(&p, "ghcr.io").unwrap(), None);
        assert_eq!(
            credentials_in(&dir.path().join("missing.json"), "x").unwrap(),
            None
        );
    }

    #[test]
    fn scheme_prefixed_keys_match() {
        let dir = tempfile::tempdir().unwrap();
        let auth = base64::engine::general_purpose::STANDARD.encode("bob:pw");
        let p = write(
            dir.path(),
            &format!(r#"{{"auths":{{"https://reg.example.com/v2/":{{"auth":"{auth}"}}}}}}"#),
        );
        let c = credentials_in(&p, "reg.example.com").unwrap().unwrap();
        assert_eq!(c.username.as_deref(), Some("bob"));
    }

    #[test]
    fn bad_config_and_bad_auth_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "{not json");
        let e = credentials_in(&p, "x").unwrap_err().to_string();
        assert!(e.contains("does not parse"), "{e}");
        let p = write(dir.path(), r#"{"auths":{"x":{"auth":"!!!"}}}"#);
        let e = credentials_in(&p, "x").unwrap_err().to_string();
        assert!(e.contains("not base64"), "{e}");
    }

    #[test]
    fn credential_helpers_are_run() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("docker-credential-dsbxtest");
        std::fs::write(
            &bin,
            "#!/bin/sh\nread server\nif [ \"$server\" = reg.test:5000 ]; then\n  echo '{\"ServerURL\":\"reg.test:5000\",\"Username\":\"carol\",\"Secret\":\"pw\"}'\nelse\n  echo 'credentials not found in native keychain'; exit 1\nfi\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        // The helper is found on PATH, as the docker CLI finds it.
        let found = with_path(dir.path(), || {
            let p = write(
                dir.path(),
                r#"{"credHelpers":{"reg.test:5000":"dsbxtest"},"auths":{"other.test":{"auth":"dTpwdw=="}}}"#,
            );
            (
                credentials_in(&p, "reg.test:5000").unwrap(),
                credentials_in(&p, "other.test").unwrap(),
            )
        });
        let c = found.0.unwrap();
        assert_eq!(c.username.as_deref(), Some("carol"));
        assert_eq!(c.password.as_deref(), Some("pw"));
        assert_eq!(found.1.unwrap().username.as_deref(), Some("u"));
        // credsStore answers "not found": the auths entry still counts; no entry: none.
        let found = with_path(dir.path(), || {
            let p = write(
                dir.path(),
                r#"{"credsStore":"dsbxtest","auths":{"other.test":{"auth":"dTpwdw=="}}}"#,
            );
            (
                credentials_in(&p, "other.test").unwrap(),
                credentials_in(&p, "none.test").unwrap(),
                credentials_in(&p, "reg.test:5000").unwrap(),
            )
        });
        assert_eq!(found.0.unwrap().password.as_deref(), Some("pw"));
        assert_eq!(found.1, None);
        assert_eq!(found.2.unwrap().username.as_deref(), Some("carol"));
        // A helper that is not installed is an error naming it.
        let p = write(dir.path(), r#"{"credsStore":"nosuchhelper-dsbx"}"#);
        let e = credentials_in(&p, "x.test").unwrap_err().to_string();
        assert!(e.contains("docker-credential-nosuchhelper-dsbx"), "{e}");
    }

    /// PATH is process-wide: tests that change it take turns.
    fn with_path<T>(dir: &Path, f: impl FnOnce() -> T) -> T {
        static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let old = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![dir.to_path_buf()];
        paths.extend(std::env::split_paths(&old));
        // SAFETY: the only test that touches PATH holds LOCK; nothing else reads it concurrently
        // in this test binary except spawned children, which get the value we set.
        unsafe { std::env::set_var("PATH", std::env::join_paths(paths).unwrap()) };
        let out = f();
        unsafe { std::env::set_var("PATH", old) };
        out
    }
}
