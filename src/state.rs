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
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

const STATE_FILE: &str = "state.toml";
const LOCK_FILE: &str = "state.lock";
/// The directory of the per-sandbox activity marks (see [`StateStore::touch`]).
const ACTIVITY_DIR: &str = "activity";
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
    /// The `init` process creating it (while `creating`): once that process is gone, the record
    /// is abandoned at once, whatever its age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<Creator>,
    /// Set by `dsbx timeout` before it writes the deadline file, cleared once the file holds
    /// `deadline`: while set (a `timeout` killed midway, or whose file write failed), the file
    /// inside the sandbox decides, so the record is trusted without reading it otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deadline_pending: bool,
    /// The user's `--label`s of a sandbox claimed from a pool (its Docker labels are the
    /// pool's, fixed when the pool made it); empty otherwise.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub labels: std::collections::BTreeMap<String, String>,
    /// Who claimed it from a pool (user@host); empty for a sandbox made by its own `init`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
}

/// A process, told apart from a later one reusing its pid by its start time (clock ticks since
/// boot, `/proc/PID/stat` field 22) and the boot it started in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creator {
    pub pid: u32,
    pub start: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub boot: String,
    /// The pid namespace the pid belongs to: a dsbx in another one (a container sharing the
    /// state directory) cannot look the process up, and must not take it for gone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pid_ns: String,
}

impl Creator {
    /// This process.
    pub fn current() -> Option<Creator> {
        let pid = std::process::id();
        Some(Creator {
            pid,
            start: process_start(pid)?,
            boot: boot_id(),
            pid_ns: pid_namespace(),
        })
    }

    /// Whether the process is still there (same pid, same start, same boot). `None`: this
    /// process cannot tell (it lives in another pid namespace).
    pub fn alive(&self) -> Option<bool> {
        if !self.boot.is_empty() && self.boot != boot_id() {
            return Some(false);
        }
        if self.pid_ns != pid_namespace() {
            return None;
        }
        Some(process_start(self.pid) == Some(self.start))
    }
}

/// Field 22 of `/proc/PID/stat`; `None` when there is no such process.
fn process_start(pid: u32) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count from the last `)`.
    let rest = &text[text.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// This process's pid namespace (`pid:[INODE]`), empty where it cannot be read.
fn pid_namespace() -> String {
    fs::read_link("/proc/self/ns/pid")
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn boot_id() -> String {
    fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// A `creating` record younger than this with no creator recorded (written by an older dsbx)
/// may belong to an `init` at work.
const CREATING_GRACE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

impl Record {
    /// A record with only these known: no name, activity, network, creator, labels or owner
    /// (give those with `..Record::new(…)`).
    pub fn new(
        scope: &str,
        image: &str,
        created_at: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
    ) -> Record {
        Record {
            name: String::new(),
            scope: scope.to_string(),
            image: image.to_string(),
            created_at,
            deadline,
            last_activity: None,
            isolated_network: None,
            creating: false,
            creator: None,
            deadline_pending: false,
            labels: Default::default(),
            owner: String::new(),
        }
    }

    /// A `creating` record whose `init` is gone: its process died (SIGKILL, crash, reboot) or, for
    /// a record naming no process, it is older than any `init` takes.
    pub fn abandoned(&self, now: DateTime<Utc>) -> bool {
        self.creating
            && match self.creator.as_ref().and_then(Creator::alive) {
                Some(alive) => !alive,
                // No process named (an older dsbx), or one this process cannot see.
                None => now - self.created_at >= CREATING_GRACE,
            }
    }

    /// A `creating` record whose `init` is still at work.
    pub fn being_created(&self, now: DateTime<Utc>) -> bool {
        self.creating && !self.abandoned(now)
    }
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
        let text = match read_regular(&path) {
            Ok(text) => {
                tracing::info!("state: read {}", path.display());
                text
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::info!("state: no file at {}: nothing recorded", path.display());
                return Ok(State::default());
            }
            Err(e)
                if e.raw_os_error() == Some(libc::ELOOP)
                    || e.kind() == std::io::ErrorKind::InvalidData =>
            {
                bail!(
                    "state file {} is not a regular file (a symlink or another kind of file): dsbx \
                     did not write it and will not read or replace it. Move it aside (`mv {} {}.broken`): \
                     sandboxes are still found through their Docker labels",
                    path.display(),
                    path.display(),
                    path.display()
                );
            }
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read state file {}", path.display()));
            }
        };
        let state: State = toml::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "state file {} does not parse ({}); dsbx will not overwrite it. Move it aside \
                 (`mv {} {}.broken`): sandboxes are still found through their Docker labels",
                path.display(),
                e.message().trim(),
                path.display(),
                path.display()
            )
        })?;
        Ok(self.with_marks(state))
    }

    /// Records that a dsbx command uses sandbox `id` now, as the modification time of
    /// `activity/ID` in the state directory (made on first use): one `utimensat`, where a
    /// locked, fsynced rewrite of the whole state file cost every `exec` and file command
    /// milliseconds (tens on a busy disk) on its way out. [`StateStore::load`] folds the mark
    /// into the record's `last_activity`, so every reader sees it. A mark lost in a crash only
    /// makes the sandbox look idle a little earlier; a failure costs only the mark.
    pub fn touch(&self, id: &str) {
        use std::os::unix::ffi::OsStrExt;
        if !crate::ids::is_id(id) {
            return;
        }
        let path = self.dir.join(ACTIVITY_DIR).join(id);
        let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return;
        };
        // SAFETY: utimensat with a valid C string; null times mean "now".
        let set = unsafe {
            libc::utimensat(
                libc::AT_FDCWD,
                c.as_ptr(),
                std::ptr::null(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if set == 0 {
            return;
        }
        // The first mark: a new file's modification time is its creation's.
        let _ = fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(self.dir.join(ACTIVITY_DIR));
        let _ = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&path);
    }

    /// `state` with each record's `last_activity` raised to its activity mark, if later.
    fn with_marks(&self, mut state: State) -> State {
        let dir = self.dir.join(ACTIVITY_DIR);
        for (id, record) in state.sandboxes.iter_mut() {
            if !crate::ids::is_id(id) {
                continue;
            }
            // Never followed: a link or anything but a regular file is no mark.
            let Ok(meta) = fs::symlink_metadata(dir.join(id)) else {
                continue;
            };
            let Some(at) = meta
                .is_file()
                .then(|| meta.modified().ok())
                .flatten()
                .map(DateTime::<Utc>::from)
            else {
                continue;
            };
            if record.last_activity.is_none_or(|t| t < at) {
                record.last_activity = Some(at);
            }
        }
        state
    }

    /// Removes the activity mark of a sandbox that is gone.
    pub fn forget_mark(state_dir: &Path, id: &str) {
        if crate::ids::is_id(id) {
            let _ = fs::remove_file(state_dir.join(ACTIVITY_DIR).join(id));
        }
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
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&lock_path)
            .with_context(|| format!("cannot open lock file {}", lock_path.display()))?;
        crate::lock_wait::lock(
            &lock,
            &lock_path,
            "the state lock",
            crate::lock_wait::Wait {
                bound: STATE_LOCK_BOUND,
                notice: true,
            },
        )?;
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

    /// Of `ids`, judged abandoned on an earlier read of the state, those still `creating` now.
    ///
    /// An `init` that finished between that read and the check of its process would otherwise
    /// look abandoned: its process is gone, but so is its `creating` mark. The process was seen
    /// gone before this read, and a gone process writes nothing more, so a record still marked
    /// here is truly abandoned.
    pub fn still_abandoned(&self, ids: &[String]) -> anyhow::Result<Vec<String>> {
        let now = Utc::now();
        let state = self.load()?;
        Ok(ids
            .iter()
            .filter(|id| state.sandboxes.get(*id).is_some_and(|r| r.abandoned(now)))
            .cloned()
            .collect())
    }

    /// Whether the state directory can be written (for `doctor`).
    /// A probe as large as a state file of many sandboxes is written and synced: creating an
    /// empty file succeeds on a full disk, writing the state does not.
    pub fn check_writable(&self) -> anyhow::Result<()> {
        self.ensure_dir()?;
        let not_writable = || format!("state directory {} is not writable", self.dir.display());
        let mut probe: File = tempfile::tempfile_in(&self.dir).with_context(not_writable)?;
        probe
            .write_all(&[b'#'; 64 * 1024])
            .and_then(|_| probe.sync_all())
            .with_context(|| format!("{}: no room to write the state file", not_writable()))?;
        drop(probe);
        if !self.dir.is_dir() {
            bail!("{} is not a directory", self.dir.display());
        }
        Ok(())
    }
}

/// Reads a state file that must be a regular file: a symlink fails with `ELOOP` (never
/// followed), anything else that is not a regular file (a FIFO would block) with `InvalidData`.
fn read_regular(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not a regular file",
        ));
    }
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    Ok(text)
}

/// What a command whose Docker work is done does when recording it fails: the engine's result
/// stands (exit code, stdout), the state is stale, and the next command reconciles it from the
/// labels and the sandbox's own files. Returns whether the state was written.
pub fn update_or_warn(
    store: &StateStore,
    printer: &crate::output::Printer,
    change: impl FnOnce(&mut State) -> anyhow::Result<()>,
) -> bool {
    match store.update(change) {
        Ok(()) => true,
        Err(e) => {
            printer.warn(format!(
                "the state file {} was not updated ({}); the engine's change stands, and the next \
                 dsbx command reconciles the record from Docker",
                store.file().display(),
                crate::error::one_line(&e)
            ));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str) -> Record {
        Record {
            name: name.into(),
            ..Record::new("t", "img", Utc::now(), None)
        }
    }

    #[test]
    fn symlinked_state_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere.toml");
        fs::write(&elsewhere, "").unwrap();
        let store = StateStore::at(dir.path().join("state"));
        fs::create_dir(store.dir()).unwrap();
        std::os::unix::fs::symlink(&elsewhere, store.file()).unwrap();
        let err = store.load().unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        let err = store
            .update(|s| {
                s.sandboxes.insert("abcdabcdabcd".into(), record("web"));
                Ok(())
            })
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a regular file"), "{err}");
        assert!(fs::symlink_metadata(store.file()).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "");
    }

    #[test]
    fn activity_marks_raise_last_activity_and_are_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::at(dir.path().join("state"));
        let earlier = Utc::now() - chrono::TimeDelta::hours(1);
        store
            .update(|s| {
                for id in ["abcdabcdabcd", "bcdebcdebcde", "cdefcdefcdef"] {
                    let mut r = record("");
                    r.last_activity = Some(earlier);
                    s.sandboxes.insert(id.into(), r);
                }
                Ok(())
            })
            .unwrap();
        let before = Utc::now();
        store.touch("abcdabcdabcd");
        store.touch("../escape");
        assert!(!dir.path().join("escape").exists());
        // A link where a mark would be is no mark, and touching does not follow it.
        let target = dir.path().join("target");
        fs::write(&target, "").unwrap();
        let old = fs::metadata(&target).unwrap().modified().unwrap();
        std::os::unix::fs::symlink(&target, store.dir().join(ACTIVITY_DIR).join("bcdebcdebcde"))
            .unwrap();
        store.touch("bcdebcdebcde");
        assert_eq!(fs::metadata(&target).unwrap().modified().unwrap(), old);
        let state = store.load().unwrap();
        let marked = state.sandboxes["abcdabcdabcd"].last_activity.unwrap();
        assert!(marked >= before - chrono::TimeDelta::seconds(1), "{marked}");
        assert_eq!(state.sandboxes["bcdebcdebcde"].last_activity, Some(earlier));
        assert_eq!(state.sandboxes["cdefcdefcdef"].last_activity, Some(earlier));
        // A later touch moves it on; a gone sandbox's mark goes with it.
        StateStore::forget_mark(store.dir(), "abcdabcdabcd");
        assert_eq!(
            store.load().unwrap().sandboxes["abcdabcdabcd"].last_activity,
            Some(earlier)
        );
    }

    #[test]
    fn creators() {
        let me = Creator::current().expect("this process");
        assert_eq!(me.alive(), Some(true));
        let reused = Creator {
            start: me.start + 1,
            ..me.clone()
        };
        assert_eq!(reused.alive(), Some(false));
        // Another pid namespace: cannot tell, so only the age counts.
        let elsewhere = Creator {
            pid_ns: "pid:[1]".into(),
            start: me.start + 1,
            ..me.clone()
        };
        assert_eq!(elsewhere.alive(), None);
        let mut r = record("x");
        r.creating = true;
        r.creator = Some(me);
        assert!(r.being_created(Utc::now()));
        r.creator = Some(reused);
        assert!(r.abandoned(Utc::now()));
        // No creator (an older dsbx wrote it): the age decides.
        r.creator = None;
        assert!(r.being_created(Utc::now()));
        r.created_at = Utc::now() - chrono::TimeDelta::hours(1);
        assert!(r.abandoned(Utc::now()));
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
