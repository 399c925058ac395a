//! Snapshots: a sandbox's filesystem saved as an image that dsbx labels, and the rules about
//! them (names, labels, what the image holds and what it must not, which `gc` may remove).
//!
//! A snapshot is dsbx's only by its labels, and only when they validate. Its image holds the
//! sandbox's files and the configuration of the image the sandbox was made from (environment,
//! entrypoint, user), never dsbx's own state under `/.dsbx` (a layer of dsbx's hides it) and
//! never the environment given with `-e` unless the snapshot is asked to keep it.

use crate::engine::snapshots::ImageConfig;
use crate::engine::snapshots::{ImageParts, ListedImage};
use crate::error::usage;
use crate::labels;
use crate::sandbox::{format_time, parse_time};
use chrono::{DateTime, TimeDelta, Utc};
use sha2::Digest;
use std::collections::HashMap;

/// `dsbx.role` of a snapshot image.
pub const ROLE: &str = labels::SNAPSHOT_ROLE;
/// `dsbx.role` of the commit a snapshot is composed from, removed as soon as the snapshot is
/// loaded; `gc` removes one a dsbx that died left behind, once it is [`FORK_GRACE`] old.
pub const COMMIT_ROLE: &str = labels::SNAPSHOT_COMMIT_ROLE;
/// The snapshot's name (also in `dsbx.name`); kept on sandboxes made from it, as provenance.
pub const NAME: &str = "dsbx.snapshot.name";
/// The id of the sandbox the snapshot was taken of.
pub const SOURCE: &str = "dsbx.snapshot.source";
/// The source's working directory.
pub const WORKDIR: &str = "dsbx.snapshot.workdir";
/// The source's limits: bytes, nano-CPUs, processes.
pub const MEMORY: &str = "dsbx.snapshot.memory";
pub const NANO_CPUS: &str = "dsbx.snapshot.nano-cpus";
pub const PIDS: &str = "dsbx.snapshot.pids";
/// The image the source was made from, for people (`snapshot ls`).
pub const BASE: &str = "dsbx.snapshot.base";
/// `true` on the snapshot a `fork` made: `gc` removes it once no sandbox uses it.
pub const FORK: &str = "dsbx.snapshot.fork";

/// A fork's snapshot is kept this long even when unused: its inits may still be starting.
pub const FORK_GRACE: TimeDelta = TimeDelta::minutes(10);

/// One of dsbx's snapshots, from labels that validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub image_id: String,
    pub name: String,
    pub scope: String,
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub user: String,
    pub workdir: Option<String>,
    pub ports: Vec<u16>,
    pub memory: Option<i64>,
    pub nano_cpus: Option<i64>,
    pub pids: Option<i64>,
    pub base: String,
    pub fork: bool,
    pub tags: Vec<String>,
    pub size: i64,
}

impl Snapshot {
    /// The snapshot an image's labels describe, or `None` when they are not dsbx's or do not
    /// validate (such an image is never acted on).
    pub fn from_image(image: &ListedImage) -> Option<Snapshot> {
        let l = &image.labels;
        let get = |k: &str| l.get(k).map(String::as_str).filter(|v| !v.is_empty());
        if get(labels::MANAGED) != Some("true") || get(labels::ROLE) != Some(ROLE) {
            return None;
        }
        let name = get(labels::NAME)?;
        crate::ids::validate_name(name).ok()?;
        let source = get(SOURCE)?;
        if !crate::ids::is_id(source) {
            return None;
        }
        let number = |k: &str| match get(k) {
            None => Some(None),
            Some(v) => v.parse::<i64>().ok().filter(|n| *n > 0).map(Some),
        };
        let ports = match get(labels::PORTS) {
            None => vec![],
            Some(p) => p
                .split(',')
                .map(|p| p.parse::<u16>().ok().filter(|p| *p > 0))
                .collect::<Option<Vec<_>>>()?,
        };
        let workdir = get(WORKDIR).map(str::to_string);
        if workdir.as_deref().is_some_and(|w| !w.starts_with('/')) {
            return None;
        }
        Some(Snapshot {
            image_id: image.id.clone(),
            name: name.to_string(),
            scope: get(labels::SCOPE)?.to_string(),
            source: source.to_string(),
            created_at: parse_time(get(labels::CREATED_AT)?)?,
            user: get(labels::USER).unwrap_or("root").to_string(),
            workdir,
            ports,
            memory: number(MEMORY)?,
            nano_cpus: number(NANO_CPUS)?,
            pids: number(PIDS)?,
            base: get(BASE).unwrap_or("").to_string(),
            fork: get(FORK) == Some("true"),
            tags: image.tags.clone(),
            size: image.size,
        })
    }
}

/// What the snapshot's labels record of its source.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub name: String,
    pub scope: String,
    pub source: String,
    pub user: String,
    pub workdir: Option<String>,
    pub ports: Vec<u16>,
    pub memory: Option<i64>,
    pub nano_cpus: Option<i64>,
    pub pids: Option<i64>,
    pub base: String,
    pub fork: bool,
}

impl Provenance {
    pub fn labels(&self, now: DateTime<Utc>) -> HashMap<String, String> {
        let mut l = HashMap::new();
        let mut set = |k: &str, v: String| {
            l.insert(k.to_string(), v);
        };
        set(labels::MANAGED, "true".into());
        set(labels::SCHEMA, labels::SCHEMA_VERSION.into());
        set(labels::ROLE, ROLE.into());
        set(labels::SCOPE, self.scope.clone());
        set(labels::OWNER, crate::scope::owner());
        set(labels::NAME, self.name.clone());
        set(NAME, self.name.clone());
        set(
            labels::CREATED_AT,
            now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        );
        set(SOURCE, self.source.clone());
        set(labels::USER, self.user.clone());
        if let Some(w) = &self.workdir {
            set(WORKDIR, w.clone());
        }
        set(
            labels::PORTS,
            self.ports
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(","),
        );
        for (key, value) in [
            (MEMORY, self.memory),
            (NANO_CPUS, self.nano_cpus),
            (PIDS, self.pids),
        ] {
            if let Some(v) = value {
                set(key, v.to_string());
            }
        }
        set(BASE, self.base.clone());
        if self.fork {
            set(FORK, "true".into());
        }
        l
    }
}

/// A snapshot name: the same rule as a sandbox name.
pub fn validate_name(name: &str) -> anyhow::Result<()> {
    crate::ids::validate_name(name).map_err(|e| {
        usage(
            e.to_string()
                .replace("invalid name", "invalid snapshot name"),
        )
    })
}

/// [`validate_name`] as a value (`snapshot --name`, `snapshot rm NAME`, `init --snapshot`).
pub fn parse_name(name: &str) -> anyhow::Result<String> {
    validate_name(name).map(|()| name.to_string())
}

/// The most sandboxes one `dsbx fork` starts: more at once would only queue on the engine (and
/// on the machine's cores).
pub const MAX_FORK_COUNT: usize = 64;

/// `fork -n COUNT`: a whole number from 1 to [`MAX_FORK_COUNT`].
pub fn parse_fork_count(text: &str) -> anyhow::Result<usize> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_FORK_COUNT).contains(n))
        .ok_or_else(|| {
            usage(format!(
                "invalid count `{}`: use a whole number from 1 to {MAX_FORK_COUNT}",
                crate::output::shown(text)
            ))
        })
}

/// The name a snapshot gets without `--name`: its source's id and a random suffix.
pub fn default_name(source: &str) -> String {
    let suffix: String = crate::ids::new_id().chars().take(6).collect();
    format!("{source}-{suffix}")
}

/// The tag that keeps a snapshot from being a dangling image (`docker image prune` removes
/// those): `dsbx-snapshot/<scope>:<name>`, the scope made a valid repository path component.
pub fn tag(scope: &str, name: &str) -> String {
    let mut component = String::new();
    for c in scope.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            component.push(c);
        } else if !component.is_empty() && !component.ends_with('-') {
            component.push('-');
        }
    }
    let component = component.trim_end_matches('-');
    let component = if component.is_empty() {
        "scope"
    } else {
        component
    };
    format!("dsbx-snapshot/{component}:{name}")
}

/// The configuration of the snapshot's image: the original image's (`base`: the image the
/// source sandbox was made from, whose config a snapshot keeps unchanged, so chains keep it
/// too), with the source's environment only when `keep_env`, and dsbx's labels.
pub fn image_config(
    base: &ImageConfig,
    source_env: &[String],
    keep_env: bool,
    snapshot_labels: HashMap<String, String>,
) -> ImageConfig {
    let mut config = base.clone();
    if keep_env {
        config.env = Some(source_env.to_vec());
    }
    // The base image's own labels stay; any of dsbx's (a snapshot of a sandbox made from a
    // snapshot) are replaced by this snapshot's.
    let mut l: HashMap<String, String> = config
        .labels
        .take()
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| !labels::is_reserved(k))
        .collect();
    l.extend(snapshot_labels);
    config.labels = Some(l);
    config
}

/// The layer dsbx adds on top of the commit: `/.dsbx` made opaque (nothing below it shows: no
/// deadline, no status file, no log of the source), with the helper's mount point.
pub fn hiding_layer() -> anyhow::Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    let entry = |builder: &mut tar::Builder<Vec<u8>>,
                 path: &str,
                 kind: tar::EntryType,
                 mode: u32|
     -> anyhow::Result<()> {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_uid(0);
        header.set_gid(0);
        header.set_size(0);
        header.set_mtime(0);
        builder.append_data(&mut header, path, std::io::empty())?;
        Ok(())
    };
    entry(&mut builder, ".dsbx/", tar::EntryType::Directory, 0o755)?;
    entry(
        &mut builder,
        ".dsbx/.wh..wh..opq",
        tar::EntryType::Regular,
        0o600,
    )?;
    entry(&mut builder, ".dsbx/bin/", tar::EntryType::Directory, 0o755)?;
    Ok(builder.into_inner()?)
}

/// A `docker save`-format archive of one image: `config` on the layers of `parts` (which the
/// engine already holds, so they are named, not sent) plus `extra_layer`, tagged `tag`.
pub fn load_archive(
    parts: &ImageParts,
    config: &ImageConfig,
    extra_layer: &[u8],
    tag: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<u8>> {
    let extra_id = format!("sha256:{:x}", sha2::Sha256::digest(extra_layer));
    let mut diff_ids = parts.layers.clone();
    diff_ids.push(extra_id);
    let mut image = serde_json::json!({
        "architecture": parts.architecture,
        "os": parts.os,
        "created": format_time(now),
        "config": config,
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
    });
    if let Some(v) = &parts.variant {
        image["variant"] = v.clone().into();
    }
    let image_json = serde_json::to_vec(&image)?;
    let config_name = format!("{:x}.json", sha2::Sha256::digest(&image_json));
    // Every layer but the last exists on the engine: `docker load` looks a layer up by its
    // chain id first and reads the file only when it lacks the layer.
    let layer_files: Vec<String> = (0..diff_ids.len())
        .map(|i| format!("layer{i}/layer.tar"))
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!([{
        "Config": config_name,
        "RepoTags": [tag],
        "Layers": layer_files,
    }]))?;
    let mut builder = tar::Builder::new(Vec::new());
    let mut file = |name: &str, bytes: &[u8]| -> anyhow::Result<()> {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        header.set_size(bytes.len() as u64);
        header.set_mtime(0);
        builder.append_data(&mut header, name, bytes)?;
        Ok(())
    };
    file(&config_name, &image_json)?;
    file(layer_files.last().expect("one layer at least"), extra_layer)?;
    file("manifest.json", &manifest)?;
    Ok(builder.into_inner()?)
}

/// Why a snapshot no sandbox uses is garbage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unused {
    /// Older than `[snapshots] keep`.
    OlderThanKeep,
    /// A fork's, past its grace.
    ForkUnused,
}

/// The ones `gc` removes, with why: snapshots older than `keep` (`None` = keep forever), and a
/// fork's snapshot past its grace; never one in `in_use` (image ids some container uses).
pub fn garbage<'a>(
    snapshots: &'a [Snapshot],
    keep: Option<std::time::Duration>,
    in_use: &dyn Fn(&str) -> bool,
    now: DateTime<Utc>,
) -> Vec<(&'a Snapshot, Unused)> {
    let keep = keep.and_then(|k| TimeDelta::from_std(k).ok());
    let mut out: Vec<(&Snapshot, Unused)> = snapshots
        .iter()
        .filter(|s| !in_use(&s.image_id))
        .filter_map(|s| {
            let age = now - s.created_at;
            if keep.is_some_and(|k| age > k) {
                Some((s, Unused::OlderThanKeep))
            } else if s.fork && age > FORK_GRACE {
                Some((s, Unused::ForkUnused))
            } else {
                None
            }
        })
        .collect();
    // Newest first: a snapshot's image never depends on another's (each is loaded whole), but
    // removing in this order also suits an engine that did link them.
    out.sort_by_key(|(s, _)| std::cmp::Reverse(s.created_at));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(labels: &[(&str, &str)]) -> ListedImage {
        ListedImage {
            id: "sha256:abc".into(),
            tags: vec![],
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            size: 1,
            created: 0,
        }
    }

    fn good() -> Vec<(&'static str, &'static str)> {
        vec![
            ("dsbx.managed", "true"),
            ("dsbx.role", "snapshot"),
            ("dsbx.name", "before-fix"),
            ("dsbx.scope", "me"),
            ("dsbx.created-at", "2026-12-06T10:00:00.000Z"),
            ("dsbx.snapshot.source", "abcdefabcdef"),
            ("dsbx.user", "app"),
            ("dsbx.ports", "8000,3000"),
            ("dsbx.snapshot.memory", "536870912"),
            ("dsbx.snapshot.workdir", "/app"),
        ]
    }

    #[test]
    fn labels_round_trip() {
        let p = Provenance {
            name: "n1".into(),
            scope: "me".into(),
            source: "abcdefabcdef".into(),
            user: "app".into(),
            workdir: Some("/w".into()),
            ports: vec![8000],
            memory: Some(1 << 30),
            nano_cpus: Some(500_000_000),
            pids: Some(64),
            base: "busybox".into(),
            fork: true,
        };
        let image = ListedImage {
            id: "sha256:x".into(),
            tags: vec![],
            labels: p.labels(Utc::now()),
            size: 0,
            created: 0,
        };
        let s = Snapshot::from_image(&image).unwrap();
        assert_eq!(s.name, "n1");
        assert_eq!(s.source, "abcdefabcdef");
        assert_eq!(s.workdir.as_deref(), Some("/w"));
        assert_eq!(s.ports, vec![8000]);
        assert_eq!(
            (s.memory, s.nano_cpus, s.pids),
            (Some(1 << 30), Some(500_000_000), Some(64))
        );
        assert!(s.fork);
    }

    #[test]
    fn labels_that_do_not_validate_are_not_dsbx_snapshots() {
        assert!(Snapshot::from_image(&listed(&good())).is_some());
        for (key, bad) in [
            ("dsbx.managed", "yes"),
            ("dsbx.role", "helper"),
            ("dsbx.name", "Bad Name"),
            ("dsbx.snapshot.source", "../etc"),
            ("dsbx.created-at", "yesterday"),
            ("dsbx.ports", "80,x"),
            ("dsbx.snapshot.memory", "-1"),
            ("dsbx.snapshot.workdir", "relative"),
        ] {
            let mut l = good();
            l.retain(|(k, _)| *k != key);
            l.push((key, bad));
            assert!(Snapshot::from_image(&listed(&l)).is_none(), "{key}={bad}");
        }
        let mut missing = good();
        missing.retain(|(k, _)| *k != "dsbx.scope");
        assert!(Snapshot::from_image(&listed(&missing)).is_none());
    }

    #[test]
    fn env_is_the_base_image_s_unless_kept() {
        let base = ImageConfig {
            env: Some(vec!["PATH=/bin".into()]),
            labels: Some(HashMap::from([
                ("maintainer".to_string(), "x".to_string()),
                ("dsbx.name".to_string(), "older".to_string()),
            ])),
            ..Default::default()
        };
        let source_env = vec!["PATH=/bin".to_string(), "TOKEN=secret".to_string()];
        let ours = HashMap::from([("dsbx.name".to_string(), "new".to_string())]);
        let c = image_config(&base, &source_env, false, ours.clone());
        assert_eq!(c.env, Some(vec!["PATH=/bin".to_string()]));
        let l = c.labels.unwrap();
        assert_eq!(l["maintainer"], "x");
        assert_eq!(l["dsbx.name"], "new");
        let c = image_config(&base, &source_env, true, ours);
        assert_eq!(c.env, Some(source_env));
    }

    #[test]
    fn tags_are_valid_references() {
        assert_eq!(tag("alice", "n"), "dsbx-snapshot/alice:n");
        assert_eq!(tag("Team A/b", "n"), "dsbx-snapshot/team-a-b:n");
        assert_eq!(tag("--", "n"), "dsbx-snapshot/scope:n");
        assert_eq!(tag("t-1x", "n"), "dsbx-snapshot/t-1x:n");
    }

    #[test]
    fn names() {
        assert!(validate_name("before-fix").is_ok());
        let err = validate_name("Bad").unwrap_err().to_string();
        assert!(err.contains("invalid snapshot name"), "{err}");
        let d = default_name("abcdefabcdef");
        assert!(validate_name(&d).is_ok(), "{d}");
    }

    #[test]
    fn gc_rules() {
        let now = Utc::now();
        let mk = |name: &str, age_min: i64, fork: bool| Snapshot {
            image_id: format!("sha256:{name}"),
            name: name.into(),
            scope: "s".into(),
            source: "abcdefabcdef".into(),
            created_at: now - TimeDelta::minutes(age_min),
            user: "root".into(),
            workdir: None,
            ports: vec![],
            memory: None,
            nano_cpus: None,
            pids: None,
            base: String::new(),
            fork,
            tags: vec![],
            size: 0,
        };
        let all = vec![
            mk("old", 120, false),
            mk("new", 1, false),
            mk("used", 120, false),
            mk("fork-old", 30, true),
            mk("fork-young", 1, true),
        ];
        let used = |id: &str| id == "sha256:used";
        let names = |v: Vec<(&Snapshot, Unused)>| {
            v.into_iter()
                .map(|(s, _)| s.name.clone())
                .collect::<Vec<_>>()
        };
        // keep = never: only the unused old fork snapshot goes.
        assert_eq!(names(garbage(&all, None, &used, now)), vec!["fork-old"]);
        let hour = Some(std::time::Duration::from_secs(3600));
        assert_eq!(
            names(garbage(&all, hour, &used, now)),
            vec!["fork-old", "old"]
        );
    }

    #[test]
    fn load_archive_names_every_layer_and_carries_only_the_new_one() {
        let parts = ImageParts {
            layers: vec!["sha256:aaa".into(), "sha256:bbb".into()],
            architecture: "amd64".into(),
            os: "linux".into(),
            ..Default::default()
        };
        let layer = hiding_layer().unwrap();
        let archive = load_archive(
            &parts,
            &ImageConfig::default(),
            &layer,
            "dsbx-snapshot/s:n",
            Utc::now(),
        )
        .unwrap();
        let mut names = vec![];
        let mut manifest = String::new();
        let mut reader = tar::Archive::new(&archive[..]);
        for e in reader.entries().unwrap() {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().to_string();
            if name == "manifest.json" {
                use std::io::Read;
                e.read_to_string(&mut manifest).unwrap();
            }
            names.push(name);
        }
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.contains(&"layer2/layer.tar".to_string()));
        assert!(manifest.contains("layer0/layer.tar") && manifest.contains("dsbx-snapshot/s:n"));
    }
}
