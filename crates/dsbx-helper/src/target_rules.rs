//! The upload target rules (`docker cp`'s, as the contract states them), as pure decisions on
//! what is at REMOTE and above it: where an upload is extracted and how its entries are named
//! there. Both sides drive them: the host through the engine's archive API
//! (`transfer::target`), the helper's `put` role through the sandbox's own filesystem. One set
//! of rules and messages, so the engine path and the channel cannot drift.

use crate::remote_path as remote;
use crate::remote_stat::RemoteStat;
use serde::{Deserialize, Serialize};

/// What an upload puts at `dest` (absolute and normalised once it is looked at): a directory or
/// not, under which name (`None`: stdin or memory), and whether a directory fills an existing
/// one (`files upload-dir`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    pub dest: String,
    pub wants_dir: bool,
    pub local_is_dir: bool,
    pub name: Option<String>,
    pub contents: bool,
}

/// Where the entries go inside the directory the upload is extracted into: `parents` are
/// missing directories created first (in order, each inside the previous one), then the root
/// entry is named `name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    pub parents: Vec<String>,
    pub name: String,
}

/// What dsbx asks the helper's `put` role (one JSON argument; the tar on its stdin, its root
/// entry named anything): apply these rules inside the sandbox and extract there, in one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Put {
    /// The sandbox's id, for messages (`ID:PATH`, as the engine path words them).
    pub id: String,
    /// Who writes: the sandbox's user, or `None` for root (`--root`, a root sandbox).
    pub user: Option<String>,
    /// REMOTE as given: absolute, or relative to the sandbox's working directory (the helper's
    /// own, which the engine set from the container's `WorkingDir`).
    pub upload: Upload,
    /// `files write`: REMOTE is a regular file or nothing; a final link is written through and
    /// an existing file keeps its mode.
    pub write: bool,
}

/// `put` exits with this when a rule refused the upload (its line on stderr is the whole
/// message); 1 is a failure while extracting, as for `extract`.
pub const PUT_REFUSED: i32 = 3;

/// What `put` prints on stdout when the upload landed: where its root entry is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Landed {
    pub path: String,
}

/// What REMOTE itself decides.
pub enum AtDest {
    /// Extract in this directory, so.
    Placed(String, Placement),
    /// Nothing is there: the deepest existing ancestor decides (see [`Ancestors`]).
    Missing,
}

/// The rules for an existing REMOTE (its stat and the path that stat describes, a final link
/// followed) or a missing one. `shown` names REMOTE in messages (`ID:PATH`).
pub fn at_dest(
    up: &Upload,
    shown: &str,
    found: Option<(&RemoteStat, &str)>,
) -> Result<AtDest, String> {
    let placed = |dir: String, name: String| {
        Ok(AtDest::Placed(
            dir,
            Placement {
                parents: vec![],
                name,
            },
        ))
    };
    match found {
        Some((st, resolved)) if st.is_dir() && up.contents && up.local_is_dir => {
            // The tree's root entry is the directory itself: its contents merge into it.
            let base = remote::base_name(resolved);
            if base.is_empty() {
                return Err(format!(
                    "cannot fill {shown} itself: name a directory below /"
                ));
            }
            placed(remote::parent(resolved), base.to_string())
        }
        // Into the directory the path resolves to: so the checks below see where it lands.
        Some((st, resolved)) if st.is_dir() => match &up.name {
            Some(name) => placed(resolved.to_string(), name.clone()),
            None => Err(format!(
                "{shown} is a directory: name the file to write stdin to"
            )),
        },
        Some(_) if up.wants_dir => Err(format!("{shown} is not a directory")),
        Some(_) if up.local_is_dir => Err(format!("cannot copy a directory onto the file {shown}")),
        Some(_) => placed(
            remote::parent(&up.dest),
            remote::base_name(&up.dest).to_string(),
        ),
        None => Ok(AtDest::Missing),
    }
}

/// The walk up from a missing REMOTE to its deepest existing directory: ask
/// [`Ancestors::next_path`], answer with [`Ancestors::found`] until it is placed.
pub struct Ancestors<'a> {
    up: &'a Upload,
    id: &'a str,
    shown: &'a str,
    missing: Vec<String>,
    current: String,
}

impl<'a> Ancestors<'a> {
    pub fn new(up: &'a Upload, id: &'a str, shown: &'a str) -> Self {
        Ancestors {
            up,
            id,
            shown,
            missing: vec![remote::base_name(&up.dest).to_string()],
            current: remote::parent(&up.dest),
        }
    }

    /// The ancestor to look at next.
    pub fn next_path(&self) -> &str {
        &self.current
    }

    /// What is at [`Self::next_path`] (its stat and the path it resolves to): `Ok(Some(..))`
    /// once placed, in the directory it resolves to; `Ok(None)` to go on up.
    pub fn found(
        &mut self,
        stat: Option<(&RemoteStat, &str)>,
    ) -> Result<Option<(String, Placement)>, String> {
        let resolved = match stat {
            Some((st, resolved)) if st.is_dir() => resolved.to_string(),
            Some(_) => {
                return Err(format!(
                    "{}:{} is a file, not a directory, so {} cannot be created",
                    self.id, self.current, self.up.dest
                ));
            }
            None => {
                self.missing
                    .push(remote::base_name(&self.current).to_string());
                self.current = remote::parent(&self.current);
                return Ok(None);
            }
        };
        let mut missing = std::mem::take(&mut self.missing);
        missing.reverse();
        let name = if self.up.wants_dir && !(self.up.contents && self.up.local_is_dir) {
            self.up.name.clone().ok_or_else(|| {
                format!(
                    "{} does not exist: name the file to write stdin to",
                    self.shown
                )
            })?
        } else {
            missing
                .pop()
                .expect("a missing path has a missing component")
        };
        Ok(Some((
            resolved,
            Placement {
                parents: missing,
                name,
            },
        )))
    }
}

/// Where the root entry of an upload extracted in `extract_dir` lands.
pub fn landed(extract_dir: &str, place: &Placement) -> String {
    place
        .parents
        .iter()
        .chain(std::iter::once(&place.name))
        .fold(extract_dir.to_string(), |acc, part| {
            remote::join(&acc, part)
        })
}

/// Docker answers 200 for an upload under a tmpfs mount and the sandbox never sees it
/// (moby#22020), and the archive API itself still shows it: refuse instead of exiting 0.
pub fn refuse_engine_mount(id: &str, extract_dir: &str, place: &Placement) -> Result<(), String> {
    let landed = landed(extract_dir, place);
    match remote::engine_mount(&landed) {
        Some(mount) => Err(format!(
            "cannot upload to {id}:{landed}: {mount} is a mount of the engine's own (tmpfs, \
             proc or sysfs) and files uploaded there are invisible to the sandbox (moby#22020); \
             choose a path such as /tmp"
        )),
        None => Ok(()),
    }
}

/// dsbx's own files in the sandbox (`/.dsbx`: the deadline, job records, the channel's host
/// directory) are never an upload's target, whatever link led there.
pub fn refuse_own_files(id: &str, extract_dir: &str, place: &Placement) -> Result<(), String> {
    let landed = landed(extract_dir, place);
    if landed == "/.dsbx" || landed.starts_with("/.dsbx/") {
        return Err(format!(
            "cannot upload to {id}:{landed}: /.dsbx holds dsbx's own files"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(dest: &str, wants_dir: bool, name: Option<&str>) -> Upload {
        Upload {
            dest: dest.into(),
            wants_dir,
            local_is_dir: false,
            name: name.map(str::to_string),
            contents: false,
        }
    }

    #[test]
    fn a_missing_path_lands_below_its_deepest_directory() {
        let u = up("/a/b/c", false, Some("f"));
        let mut walk = Ancestors::new(&u, "id", "id:/a/b/c");
        assert_eq!(walk.next_path(), "/a/b");
        assert_eq!(walk.found(None).unwrap(), None);
        assert_eq!(walk.next_path(), "/a");
        let dir = RemoteStat {
            name: "a".into(),
            size: 0,
            mode: 1 << 31,
            link_target: String::new(),
            mtime: None,
        };
        let (at, place) = walk.found(Some((&dir, "/a"))).unwrap().unwrap();
        assert_eq!(at, "/a");
        assert_eq!(place.parents, vec!["b".to_string()]);
        assert_eq!(place.name, "c");
    }

    #[test]
    fn engine_mounts_are_refused() {
        let p = Placement {
            parents: vec![],
            name: "x".into(),
        };
        assert!(refuse_engine_mount("id", "/dev/shm", &p).is_err());
        assert!(refuse_engine_mount("id", "/tmp", &p).is_ok());
    }
}
