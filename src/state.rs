//! The local state: `state.toml` in `$DSBX_STATE_DIR` (else the platform's state directory).
//!
//! It records what Docker cannot: names reserved before their container exists, the current
//! deadline, last activity. Docker stays the truth for what exists; `ls`, `kill` and `gc` work
//! without this file. Every read-modify-write holds an exclusive lock on a separate lock file and
//! replaces the file by an atomic rename, so a crash or a parallel dsbx never leaves half a file.
//! The lock is never held across a Docker call: callers do their slow work between updates.

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

const STATE_FILE: &str = "state.toml";
const LOCK_FILE: &str = "state.lock";
/// Each holder keeps the state lock for milliseconds (never across a Docker call): a wait this
/// long means a stuck holder.
const STATE_LOCK_BOUND: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    #[serde(default)]
    pub sandboxes: BTreeMap<String, Record>,
}

/// What dsbx knows of one sandbox beyond its labels. Never environment values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub scope: String,
    pub image: String,
    pub created_at: DateTime<Utc>,
    /// The current deadline as last set by dsbx; `None` = never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity: Option<DateTime<Utc>>,
    /// The network of an `--isolated` sandbox, removed with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolated_network: Option<String>,
    /// Set while `init` is still creating the container: the name is reserved, nothing exists yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub creating: bool,
}

#[derive(Debug, Clone)]
pub struct StateStore {
    dir: PathBuf,
}

impl StateStore {
    /// `$DSBX_STATE_DIR`, else the platform state dir, else (macOS) the local data dir.
    pub fn locate() -> anyhow::Result<StateStore> {
        if let Some(dir) = std::env::var_os("DSBX_STATE_DIR").filter(|v| !v.is_empty()) {
            return Ok(StateStore { dir: dir.into() });
        }
        let dirs = directories::ProjectDirs::from("", "", "dsbx")
            .context("cannot find a home directory for dsbx's state; set DSBX_STATE_DIR")?;
        let dir = dirs
            .state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf();
        Ok(StateStore { dir })
    }

    pub fn at(dir: impl Into<PathBuf>) -> StateStore {
        StateStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn file(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// Reads the state without locking: the file is only ever replaced whole, so a reader sees
    /// either the old or the new version.
    pub fn load(&self) -> anyhow::Result<State> {
        let path = self.file();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read state file {}", path.display()));
            }
        };
        toml::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "state file {} does not parse ({}); dsbx will not overwrite it. Move it aside \
                 (`mv {} {}.broken`): sandboxes are still found through their Docker labels",
                path.display(),
                e.message().trim(),
                path.display(),
                path.display()
            )
        })
    }

    /// Locked read-modify-write. `change` returns whether it changed anything worth writing.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut State) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        self.ensure_dir()?;
        let lock_path = self.dir.join(LOCK_FILE);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("cannot open lock file {}", lock_path.display()))?;
        crate::lock_wait::lock(&lock, &lock_path, "the state lock", STATE_LOCK_BOUND)?;
        let before = self.load()?;
        let mut state = before.clone();
        let out = change(&mut state)?;
        if state != before {
            self.write(&state)?;
        }
        drop(lock);
        Ok(out)
    }

    fn ensure_dir(&self) -> anyhow::Result<()> {
        if self.dir.is_dir() {
            return Ok(());
        }
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .with_context(|| format!("cannot create state directory {}", self.dir.display()))
    }

    fn write(&self, state: &State) -> anyhow::Result<()> {
        let path = self.file();
        let text = toml::to_string(state).context("cannot serialize the state")?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".state.")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .with_context(|| format!("cannot write in state directory {}", self.dir.display()))?;
        tmp.write_all(text.as_bytes())
            .and_then(|_| tmp.as_file().sync_all())
            .with_context(|| format!("cannot write state file {}", path.display()))?;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))
            .context("cannot set the state file's mode")?;
        tmp.persist(&path)
            .with_context(|| format!("cannot replace state file {}", path.display()))?;
        Ok(())
    }

    /// Whether the state directory can be written (for `doctor`).
    pub fn check_writable(&self) -> anyhow::Result<()> {
        self.ensure_dir()?;
        let probe = tempfile::tempfile_in(&self.dir)
            .with_context(|| format!("state directory {} is not writable", self.dir.display()))?;
        drop::<File>(probe);
        if !self.dir.is_dir() {
            bail!("{} is not a directory", self.dir.display());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str) -> Record {
        Record {
            name: name.into(),
            scope: "t".into(),
            image: "img".into(),
            created_at: Utc::now(),
            deadline: None,
            last_activity: None,
            isolated_network: None,
            creating: false,
        }
    }

    #[test]
    fn round_trip_and_modes() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::at(dir.path().join("nested"));
        store
            .update(|s| {
                s.sandboxes.insert("abcdabcdabcd".into(), record("web"));
                Ok(())
            })
            .unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.sandboxes["abcdabcdabcd"].name, "web");
        let mode = fs::metadata(store.file()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let mode = fs::metadata(store.dir()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }

    #[test]
    fn garbage_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::at(dir.path());
        fs::write(store.file(), "this is [not toml").unwrap();
        let err = store.update(|_| Ok(())).unwrap_err().to_string();
        assert!(err.contains("does not parse"), "{err}");
        assert_eq!(
            fs::read_to_string(store.file()).unwrap(),
            "this is [not toml"
        );
    }

    #[test]
    fn parallel_updates_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::at(dir.path());
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    store
                        .update(|s| {
                            s.sandboxes
                                .insert(format!("id{i:010}"), record(&format!("n{i}")));
                            Ok(())
                        })
                        .unwrap()
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(store.load().unwrap().sandboxes.len(), 16);
    }
}
