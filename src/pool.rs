//! Warm pools: sandboxes started ahead of time, which `init` claims in milliseconds instead of
//! waiting for the engine to create and start a container.
//!
//! A pool is the config's `[pool] size` (the default image) or one entry of `[pool] templates`.
//! Its members are ordinary sandboxes made by `init`'s own steps, except that they are named
//! `dsbx-pool-<id>`, carry the pool's key in `dsbx.pool`, have the pool's lifetime as their
//! deadline, and have no record in the state: they are nobody's yet, so `ls`, `kill --all` and
//! the sandbox caps never see them.
//!
//! **The key** is a hash of everything that cannot change once a container exists: the image by
//! id, limits, ports, mounts, network, runtime and security settings, the helper build, the
//! channel (its host directory and owner), and the scope. `init` claims only a member whose key
//! equals the one its own request gives; anything else goes the cold way, with the same output.
//!
//! **A claim** renames `dsbx-pool-<id>` to `dsbx-<id>` (the engine lets exactly one renamer win,
//! see `Engine::claim_warm`), then applies over the channel what `init` sets per sandbox: the
//! deadline, the environment (held by the helper, root-only), name and labels (the sandbox's own
//! `/.dsbx/meta` and the state; the Docker labels stay the pool's), and the name's DNS alias.

use chrono::Utc;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The filler's log in the state directory: one timestamped line per failure, read back by
/// `dsbx pool status`.
const LOG_FILE: &str = "pool.log";
/// What `pool status` shows of it.
const LOG_TAIL: usize = 5;
/// The log is cut back to this many lines when it grows past twice as many.
const LOG_KEEP: usize = 200;

/// One pool the config asks for: the default image (`template: None`) or a template.
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    pub template: Option<String>,
    pub size: u32,
}

impl Wanted {
    /// How `pool status` names it.
    pub fn label(&self) -> String {
        match &self.template {
            None => "default".into(),
            Some(t) => format!("template {t}"),
        }
    }
}

/// The pools of `config`, sized above 0.
pub fn wanted(config: &crate::config::Config) -> Vec<Wanted> {
    let mut out = Vec::new();
    if config.pool.size > 0 {
        out.push(Wanted {
            template: None,
            size: config.pool.size,
        });
    }
    for (t, n) in &config.pool.templates {
        if *n > 0 {
            out.push(Wanted {
                template: Some(t.clone()),
                size: *n,
            });
        }
    }
    out
}

/// The size of the pool `init` would claim from for `template`; 0 = no pool.
pub fn size_for(config: &crate::config::Config, template: Option<&str>) -> u32 {
    match template {
        None => config.pool.size,
        Some(t) => config.pool.templates.get(t).copied().unwrap_or(0),
    }
}

/// The key of a pool: a hash of `parts` (name, value pairs, in a fixed order), short enough for
/// a label and a lock name.
pub fn key(parts: &[(&str, String)]) -> String {
    let mut h = Sha256::new();
    for (name, value) in parts {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(value.as_bytes());
        h.update([0]);
    }
    h.finalize()
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The host lock one filler of the pools of `scope` holds (never two at once).
pub fn fill_lock(scope: &str) -> String {
    format!("pool-fill-{}", key(&[("scope", scope.to_string())]))
}

fn log_path(state_dir: &Path) -> PathBuf {
    state_dir.join(LOG_FILE)
}

/// Appends a failure of the background filler to its log (best effort: it has no terminal).
pub fn log_failure(state_dir: &Path, what: &str) {
    let path = log_path(state_dir);
    let line = format!(
        "{} {}\n",
        Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        crate::output::shown(what)
    );
    let _ = std::fs::create_dir_all(state_dir);
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        let _ = f.write_all(line.as_bytes());
    }
    trim_log(&path);
}

fn trim_log(path: &Path) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > 2 * LOG_KEEP {
        let kept = lines[lines.len() - LOG_KEEP..].join("\n") + "\n";
        let _ = std::fs::write(path, kept);
    }
}

/// The filler's latest failures, oldest first.
pub fn recent_failures(state_dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log_path(state_dir)).unwrap_or_default();
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[lines.len().saturating_sub(LOG_TAIL)..].to_vec()
}

/// What a claimed sandbox keeps about itself in `/.dsbx/meta` (and dsbx in its record).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    pub name: String,
    pub labels: std::collections::BTreeMap<String, String>,
    pub owner: String,
    pub claimed_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_every_part_apart() {
        let a = key(&[("image", "x".into()), ("memory", "1".into())]);
        assert_eq!(a, key(&[("image", "x".into()), ("memory", "1".into())]));
        assert_ne!(a, key(&[("image", "x".into()), ("memory", "2".into())]));
        // A value cannot slide into the next part.
        assert_ne!(
            key(&[("a", "b".into()), ("c", "".into())]),
            key(&[("a", "".into()), ("bc", "".into())])
        );
        assert_eq!(a.len(), 20);
    }

    #[test]
    fn pools_of_the_config() {
        let mut config = crate::config::Config::default();
        assert!(wanted(&config).is_empty());
        config.pool.size = 2;
        config.pool.templates.insert("py".into(), 3);
        config.pool.templates.insert("off".into(), 0);
        let w = wanted(&config);
        assert_eq!(w.len(), 2);
        assert_eq!(size_for(&config, Some("py")), 3);
        assert_eq!(size_for(&config, Some("off")), 0);
        assert_eq!(size_for(&config, None), 2);
    }
}
