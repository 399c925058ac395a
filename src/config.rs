//! The config file (`--config`, `$DSBX_CONFIG`, else `<config dir>/dsbx/config.toml`).
//!
//! Every key is optional; a missing file means defaults. Unknown keys and bad values are errors
//! naming the file, the key and the line, so a typo never silently falls back to a default.

use crate::error::usage;
use crate::units;
use anyhow::Context;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_IMAGE: &str = "dsbx-base:latest";
pub const DEFAULT_CAP_ADD: &[&str] = &[
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "SETUID",
    "SETGID",
    "KILL",
    "NET_BIND_SERVICE",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    #[serde(deserialize_with = "scope_value")]
    pub scope: Option<String>,
    pub image: String,
    pub timeout: Lifetime,
    pub exec_timeout: Lifetime,
    pub engine_timeout: EngineTimeout,
    pub url_template: UrlTemplate,
    pub publish_address: IpAddr,
    pub ports: Vec<Port>,
    #[serde(deserialize_with = "network_value")]
    pub network: String,
    pub json_output_limit: Size,
    pub helper_path: String,
    pub limits: Limits,
    pub security: Security,
    pub templates: BTreeMap<String, String>,
    pub build: Build,
    pub proxy: Proxy,
    pub snapshots: Snapshots,
    pub egress: Egress,
    pub pool: Pool,
}

/// `[pool]`: warm sandboxes `init` claims instead of creating one (see `crate::pool`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Pool {
    /// Warm sandboxes of the default image; 0 (the default) = no pool.
    pub size: u32,
    /// Warm sandboxes per template of `[templates]`.
    pub templates: BTreeMap<String, u32>,
    /// How long a warm sandbox waits to be claimed before it ends (an abandoned pool ends).
    pub lifetime: Lifetime,
}

impl Default for Pool {
    fn default() -> Self {
        Pool {
            size: 0,
            templates: BTreeMap::new(),
            lifetime: Lifetime(Some(Duration::from_secs(24 * 3600))),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Snapshots {
    /// `gc` removes snapshots older than this; `0` (the default) = never.
    pub keep: Lifetime,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub memory: Size,
    pub cpus: Cpus,
    pub pids: Pids,
    /// Writable-layer size per sandbox (where the storage driver can); empty = no limit.
    pub disk: DiskSize,
    /// Sandboxes per scope; 0 = no cap.
    pub max_sandboxes: u32,
    /// dsbx's sandboxes on the engine, all scopes; 0 = no cap.
    pub max_sandboxes_host: u32,
}

/// `[egress]`: the policy `init` gives a sandbox without `--egress`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Egress {
    pub default: EgressDefault,
    pub allow: EgressAllow,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Default)]
#[serde(try_from = "String")]
pub enum EgressDefault {
    #[default]
    All,
    None,
    Allowlist,
}

/// Allowlist entries, checked when the config is read.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(try_from = "Vec<String>")]
pub struct EgressAllow(pub Vec<String>);

impl TryFrom<String> for EgressDefault {
    type Error = String;
    fn try_from(v: String) -> Result<Self, String> {
        match v.as_str() {
            "all" => Ok(EgressDefault::All),
            "none" => Ok(EgressDefault::None),
            "allowlist" => Ok(EgressDefault::Allowlist),
            _ => Err(format!(
                "invalid egress default `{v}`: use all, none or allowlist"
            )),
        }
    }
}

impl TryFrom<Vec<String>> for EgressAllow {
    type Error = String;
    fn try_from(v: Vec<String>) -> Result<Self, String> {
        for entry in &v {
            crate::egress::Rule::parse(entry).map_err(|e| e.to_string())?;
        }
        Ok(EgressAllow(v))
    }
}

impl Default for Egress {
    fn default() -> Self {
        Egress {
            default: EgressDefault::All,
            allow: EgressAllow::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    pub cap_add: Vec<String>,
    pub no_new_privileges: bool,
    pub runtime: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Build {
    pub base: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Proxy {
    pub domain: String,
    pub listen: String,
    pub cert: String,
    pub key: String,
    pub image: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            scope: None,
            image: DEFAULT_IMAGE.into(),
            timeout: Lifetime(Some(Duration::from_secs(3600))),
            exec_timeout: Lifetime(None),
            engine_timeout: EngineTimeout(crate::engine::Bounds::default().request),
            url_template: UrlTemplate(String::new()),
            publish_address: IpAddr::from([127, 0, 0, 1]),
            ports: Vec::new(),
            network: "dsbx".into(),
            json_output_limit: Size(16 << 20),
            helper_path: String::new(),
            limits: Limits::default(),
            security: Security::default(),
            templates: BTreeMap::new(),
            build: Build::default(),
            proxy: Proxy::default(),
            snapshots: Snapshots::default(),
            egress: Egress::default(),
            pool: Pool::default(),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: Size(2 << 30),
            cpus: Cpus(2.0),
            pids: Pids(1024),
            disk: DiskSize(None),
            max_sandboxes: 0,
            max_sandboxes_host: 0,
        }
    }
}

impl Default for Security {
    fn default() -> Self {
        Security {
            cap_add: DEFAULT_CAP_ADD.iter().map(|c| c.to_string()).collect(),
            no_new_privileges: true,
            runtime: String::new(),
        }
    }
}

impl Default for Build {
    fn default() -> Self {
        Build {
            base: "debian:bookworm-slim".into(),
        }
    }
}

impl Default for Proxy {
    fn default() -> Self {
        Proxy {
            domain: String::new(),
            listen: String::new(),
            cert: String::new(),
            key: String::new(),
            image: "nginx:stable".into(),
        }
    }
}

/// A duration written as seconds or `30s`/`10m`/`2h`/`1d`; `0` means never (the flags' type).
pub use crate::units::Lifetime;

/// A byte size such as `2g` or `16MiB`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size(pub u64);

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cpus(pub f64);

/// `[limits] disk`: a size such as `10g`; empty = no limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiskSize(pub Option<u64>);

impl<'de> Deserialize<'de> for DiskSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = read_value(
            d,
            "a size such as \"10g\", or \"\" for no limit",
            true,
            false,
        )?;
        let text = text_of(v);
        if text.trim().is_empty() {
            return Ok(DiskSize(None));
        }
        units::parse_size(&text)
            .map(|s| DiskSize(Some(s)))
            .map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pids(pub i64);

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Port(pub u16);

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub struct UrlTemplate(pub String);

/// What a key holds, read from any TOML value: a wrong type is told with what the key takes
/// (`expected a duration …`), never as serde's "did not match any variant of untagged enum".
enum Value {
    Text(String),
    Integer(i64),
    Float(f64),
}

struct ValueVisitor {
    expected: &'static str,
    texts: bool,
    floats: bool,
}

impl<'de> serde::de::Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.expected)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        if self.texts {
            Ok(Value::Text(v.to_string()))
        } else {
            Err(E::invalid_type(serde::de::Unexpected::Str(v), &self))
        }
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Integer(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::Integer)
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        if self.floats {
            Ok(Value::Float(v))
        } else {
            Err(E::invalid_type(serde::de::Unexpected::Float(v), &self))
        }
    }
}

fn read_value<'de, D: serde::Deserializer<'de>>(
    d: D,
    expected: &'static str,
    texts: bool,
    floats: bool,
) -> Result<Value, D::Error> {
    d.deserialize_any(ValueVisitor {
        expected,
        texts,
        floats,
    })
}

fn text_of(v: Value) -> String {
    match v {
        Value::Text(s) => s,
        Value::Integer(n) => n.to_string(),
        Value::Float(f) => f.to_string(),
    }
}

const DURATION: &str =
    "a duration: whole seconds, or a string such as \"30s\", \"10m\", \"2h\", \"1d\" (0 = never)";

impl<'de> Deserialize<'de> for Lifetime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = read_value(d, DURATION, true, false)?;
        units::parse_lifetime(&text_of(v)).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = read_value(
            d,
            "a size: bytes, or a string such as \"512m\", \"2g\", \"16MiB\"",
            true,
            false,
        )?;
        units::parse_size(&text_of(v))
            .map(Size)
            .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Cpus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = match read_value(d, "a number of CPUs such as 0.5 or 2", false, true)? {
            Value::Float(f) => f,
            Value::Integer(n) => n as f64,
            Value::Text(_) => unreachable!("texts refused"),
        };
        units::nano_cpus(v)
            .map(|_| Cpus(v))
            .map_err(|why| serde::de::Error::custom(format!("cpus `{v}` {why}")))
    }
}

impl<'de> Deserialize<'de> for Pids {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match read_value(d, "a whole number of processes above 0", false, false)? {
            Value::Integer(n) => units::pids(n).map(Pids),
            v => Err(format!(
                "invalid pids `{}`: it must be a whole number above 0",
                text_of(v)
            )),
        }
        .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = read_value(d, "a port number from 1 to 65535", false, false)?;
        let n = match v {
            Value::Integer(n) => n,
            other => return Err(serde::de::Error::custom(text_of(other))),
        };
        units::parse_port(&n.to_string())
            .map(Port)
            .map_err(serde::de::Error::custom)
    }
}

impl TryFrom<String> for UrlTemplate {
    type Error = String;
    fn try_from(v: String) -> Result<Self, String> {
        crate::url::validate_template(&v).map_err(|e| e.to_string())?;
        Ok(UrlTemplate(v))
    }
}

/// How long one engine request may take before dsbx gives up (exit 4): seconds or `30s`, at
/// least one second. Transfers and pulls may go 4 times as long with no byte moving, builds 20
/// times with no output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineTimeout(pub Duration);

impl EngineTimeout {
    pub fn bounds(self) -> crate::engine::Bounds {
        crate::engine::Bounds::from_request(self.0)
    }
}

impl<'de> Deserialize<'de> for EngineTimeout {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = read_value(d, DURATION, true, false)?;
        match units::parse_duration(&text_of(v)) {
            Ok(Some(d)) => Ok(EngineTimeout(d)),
            Ok(None) => Err(serde::de::Error::custom(
                "engine_timeout cannot be 0: dsbx never waits on the engine forever",
            )),
            Err(e) => Err(serde::de::Error::custom(e)),
        }
    }
}

/// `scope`: checked where it is written, so a bad one names the file and the line.
fn scope_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let scope = String::deserialize(d)?;
    crate::scope::check(&scope).map_err(serde::de::Error::custom)?;
    Ok(Some(scope))
}

/// `network`: a name Docker can use; empty is a mistake, not "no network" (that is `none`).
fn network_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let network = String::deserialize(d)?;
    if network.trim().is_empty() {
        return Err(serde::de::Error::custom(
            "network is empty: give `dsbx` (the default), `bridge`, `none` or a network's name",
        ));
    }
    Ok(network)
}

/// Where the config file is looked for.
pub fn config_path(flag: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = flag {
        return Some(path.to_path_buf());
    }
    if let Some(path) = std::env::var_os("DSBX_CONFIG").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "dsbx").map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Reads the config (a missing file means defaults), then applies the environment overrides.
    pub fn load(flag: Option<&Path>) -> anyhow::Result<Config> {
        let mut config = match config_path(flag) {
            Some(path) => match std::fs::read_to_string(&path) {
                Ok(text) => {
                    tracing::info!("config: read {}", path.display());
                    Config::parse(&text, &path)?
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && flag.is_none() => {
                    tracing::info!("config: no file at {}: the defaults", path.display());
                    Config::default()
                }
                Err(e) => {
                    return Err(e)
                        .with_context(|| format!("cannot read config file {}", path.display()))
                        .map_err(|e| usage(crate::error::one_line(&e)));
                }
            },
            None => Config::default(),
        };
        config.apply_env()?;
        Ok(config)
    }

    pub fn parse(text: &str, path: &Path) -> anyhow::Result<Config> {
        toml::from_str::<Config>(text).map_err(|e| usage(describe_toml_error(&e, text, path)))
    }

    fn apply_env(&mut self) -> anyhow::Result<()> {
        if let Some(image) = env_value("DSBX_IMAGE") {
            self.image = image;
        }
        if let Some(scope) = env_value("DSBX_SCOPE") {
            self.scope = Some(scope);
        }
        if let Some(template) = env_value("DSBX_URL_TEMPLATE") {
            crate::url::validate_template(&template)
                .map_err(|e| usage(format!("DSBX_URL_TEMPLATE: {e}")))?;
            self.url_template = UrlTemplate(template);
        }
        Ok(())
    }
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `config file F, line N, key `k`: message` — one line, whatever toml's own rendering is.
fn describe_toml_error(err: &toml::de::Error, text: &str, path: &Path) -> String {
    let mut out = format!("config file {}", path.display());
    if let Some(span) = err.span() {
        let line_no = text[..span.start.min(text.len())].matches('\n').count() + 1;
        out.push_str(&format!(", line {line_no}"));
        let line = text.lines().nth(line_no - 1).unwrap_or("");
        if let Some((key, _)) = line.split_once('=') {
            out.push_str(&format!(", key `{}`", key.trim()));
        } else if !line.trim().is_empty() {
            out.push_str(&format!(", `{}`", line.trim()));
        }
    }
    out.push_str(": ");
    out.push_str(err.message().trim());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<Config> {
        Config::parse(text, Path::new("/etc/dsbx.toml"))
    }

    #[test]
    fn empty_means_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.image, DEFAULT_IMAGE);
        assert_eq!(c.timeout, Lifetime(Some(Duration::from_secs(3600))));
        assert_eq!(c.exec_timeout, Lifetime(None));
        assert_eq!(c.json_output_limit, Size(16 << 20));
        assert_eq!(c.limits.memory, Size(2 << 30));
        assert_eq!(c.limits.pids, Pids(1024));
        assert_eq!(c.security.cap_add.len(), 7);
        assert!(c.security.no_new_privileges);
        assert_eq!(c.network, "dsbx");
        assert_eq!(c.build.base, "debian:bookworm-slim");
        assert_eq!(c.proxy.image, "nginx:stable");
        assert_eq!(c.snapshots.keep, Lifetime(None));
    }

    #[test]
    fn snapshots_keep() {
        let c = parse("[snapshots]\nkeep = \"7d\"\n").unwrap();
        assert_eq!(
            c.snapshots.keep,
            Lifetime(Some(Duration::from_secs(7 * 86400)))
        );
        let msg = parse("[snapshots]\nkeep = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("line 2") && msg.contains("keep"), "{msg}");
    }

    #[test]
    fn every_key_parses() {
        let c = parse(
            r#"
scope = "team"
image = "python:3.12"
timeout = "2h"
exec_timeout = 30
url_template = "https://{port}-{id}.sbx.example.com"
publish_address = "0.0.0.0"
ports = [8000, 3000]
network = "mynet"
json_output_limit = "1MiB"
helper_path = "/opt/dsbx-linux"
[limits]
memory = "512m"
cpus = 0.5
pids = 64
disk = "1g"
max_sandboxes = 5
max_sandboxes_host = 20
[egress]
default = "allowlist"
allow = ["deb.debian.org", "*.pypi.org", "10.1.0.0/16"]
[security]
cap_add = ["CHOWN"]
no_new_privileges = false
runtime = "runsc"
[templates]
python = "python:3.12-bookworm"
[build]
base = "debian:trixie"
[proxy]
domain = "sbx.example.com"
listen = "0.0.0.0:8443"
cert = "/c.pem"
key = "/k.pem"
image = "nginx:1"
"#,
        )
        .unwrap();
        assert_eq!(c.scope.as_deref(), Some("team"));
        assert_eq!(c.image, "python:3.12");
        assert_eq!(c.timeout, Lifetime(Some(Duration::from_secs(7200))));
        assert_eq!(c.exec_timeout, Lifetime(Some(Duration::from_secs(30))));
        assert_eq!(
            c.url_template,
            UrlTemplate("https://{port}-{id}.sbx.example.com".into())
        );
        assert_eq!(c.publish_address, "0.0.0.0".parse::<IpAddr>().unwrap());
        assert_eq!(c.ports, vec![Port(8000), Port(3000)]);
        assert_eq!(c.network, "mynet");
        assert_eq!(c.json_output_limit, Size(1 << 20));
        assert_eq!(c.helper_path, "/opt/dsbx-linux");
        assert_eq!(c.limits.memory, Size(512 << 20));
        assert_eq!(c.limits.cpus, Cpus(0.5));
        assert_eq!(c.limits.pids, Pids(64));
        assert_eq!(
            (c.limits.max_sandboxes, c.limits.max_sandboxes_host),
            (5, 20)
        );
        assert_eq!(c.limits.disk, DiskSize(Some(1 << 30)));
        assert_eq!(c.egress.default, EgressDefault::Allowlist);
        assert_eq!(c.egress.allow.0.len(), 3);
        assert_eq!(c.security.cap_add, vec!["CHOWN".to_string()]);
        assert!(!c.security.no_new_privileges);
        assert_eq!(c.security.runtime, "runsc");
        assert_eq!(c.templates.len(), 1);
        assert_eq!(c.templates["python"], "python:3.12-bookworm");
        assert_eq!(c.build.base, "debian:trixie");
        assert_eq!(c.proxy.domain, "sbx.example.com");
        assert_eq!(c.proxy.listen, "0.0.0.0:8443");
        assert_eq!(c.proxy.cert, "/c.pem");
        assert_eq!(c.proxy.key, "/k.pem");
        assert_eq!(c.proxy.image, "nginx:1");
    }

    #[test]
    fn errors_name_file_key_and_line() {
        let err = parse("image = \"x\"\ntimeout = \"5x\"\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("/etc/dsbx.toml"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
        assert!(msg.contains("`timeout`"), "{msg}");
        assert_eq!(crate::error::kind_of(&err), crate::error::Kind::Usage);

        let msg = parse("\n\nimagee = \"x\"\n").unwrap_err().to_string();
        assert!(msg.contains("line 3") && msg.contains("imagee"), "{msg}");

        let msg = parse("[limits]\ncpus = -1.0\n").unwrap_err().to_string();
        assert!(msg.contains("line 2") && msg.contains("cpus"), "{msg}");

        let msg = parse("[egress]\nallow = [\"ok.org\", \"bad host\"]\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("line 2") && msg.contains("bad host"), "{msg}");
        let msg = parse("[egress]\ndefault = \"some\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("all, none or allowlist"), "{msg}");

        let msg = parse("ports = [0]\n").unwrap_err().to_string();
        assert!(msg.contains("port"), "{msg}");

        let msg = parse("url_template = \"https://{prot}.x\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("{prot}"), "{msg}");

        let msg = parse("publish_address = \"localhost:1\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("publish_address"), "{msg}");
    }

    #[test]
    fn wrong_types_say_what_the_key_takes() {
        for (text, says) in [
            ("timeout = true\n", "expected a duration"),
            ("exec_timeout = [1]\n", "expected a duration"),
            ("engine_timeout = 1.5\n", "expected a duration"),
            ("json_output_limit = true\n", "expected a size"),
            ("[limits]\nmemory = 1.5\n", "expected a size"),
            ("[limits]\ncpus = \"2\"\n", "expected a number of CPUs"),
            ("[limits]\npids = \"x\"\n", "expected a whole number"),
            ("ports = [\"80\"]\n", "expected a port number"),
        ] {
            let msg = parse(text).unwrap_err().to_string();
            assert!(msg.contains(says), "{text}: {msg}");
            assert!(!msg.contains("untagged"), "{text}: {msg}");
            assert!(msg.contains("/etc/dsbx.toml, line"), "{text}: {msg}");
        }
        assert_eq!(
            parse("[limits]\ncpus = 2\n").unwrap().limits.cpus,
            Cpus(2.0)
        );
        assert_eq!(
            parse("engine_timeout = 5\n").unwrap().engine_timeout,
            EngineTimeout(Duration::from_secs(5))
        );
    }

    #[test]
    fn bad_values_name_file_and_line() {
        for (text, line, says) in [
            ("image = \"x\"\nscope = \"a,b\"\n", 2, "invalid scope"),
            ("\nscope = \"\"\n", 2, "invalid scope"),
            ("network = \"\"\n", 1, "network is empty"),
            ("network = \"  \"\n", 1, "network is empty"),
            ("[limits]\ncpus = 1e-10\n", 2, "0.01"),
            ("[limits]\nmemory = \"10000000000g\"\n", 2, "too large"),
            ("timeout = \"500ms\"\n", 1, "under one second"),
            ("engine_timeout = 0\n", 1, "cannot be 0"),
        ] {
            let err = parse(text).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(&format!("line {line}")), "{text}: {msg}");
            assert!(msg.contains(says), "{text}: {msg}");
            assert_eq!(crate::error::kind_of(&err), crate::error::Kind::Usage);
        }
    }
}
