//! Placing a download beneath LOCAL: the host side of the boundary.
//!
//! The archive comes from the sandbox, so its code decides every name, type and link in it, and
//! may change the remote tree while it is read. The rules, each enforced by the kernel through
//! directory handles rather than by checks on path strings:
//! - LOCAL as the user typed it is resolved once, the ordinary way (a symlink the user named is
//!   followed); everything beneath it is reached from that directory's handle one name at a time
//!   with `O_NOFOLLOW`, so no symlink inside LOCAL's tree is ever followed, whether an earlier
//!   download left it or this archive made it a moment before.
//! - The copy is built in a staging directory (`.dsbx-download-*`) beside the target and moved
//!   into place with `renameat` only when complete and only when its top entry is what the remote
//!   was when it was inspected: a directory that became a symlink mid-read (a sandbox flipping
//!   `~/sw` between a directory and a link to `/`) is refused, so LOCAL is never left a symlink
//!   the archive made.
//! - Directories are extracted 0700 and get their modes after placement, so a read-only remote
//!   directory neither strands an undeletable staging directory nor stops a merge half done for a
//!   user who is not root; a merge checks every conflict and every directory it writes into before
//!   it moves anything.
//! - The staging directory holds a lock for as long as its download lives; the next download into
//!   the same directory removes the staging directories whose lock nobody holds (their download
//!   was killed), and only those.

use super::DownloadOptions;
use super::unpack::{self, DirMeta, Extracted};
use anyhow::{anyhow, bail};
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt};
use cap_std::fs::{Dir, DirBuilder, DirBuilderExt, OpenOptions, OpenOptionsExt};
use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// Names of staging directories; nothing else is ever removed as abandoned.
pub const STAGE_PREFIX: &str = ".dsbx-download-";
/// Inside a staging directory: the file its download holds locked while it runs.
const LOCK_NAME: &str = ".lock";
const LOCK_TMP: &str = ".lock.tmp";
/// The staged copy's name inside the staging directory.
const STAGED: &str = "entry";

/// Where the download lands: a directory handle and, unless the download fills that directory
/// itself (`files download-dir`), the name to create in it.
struct Target {
    base: Dir,
    /// How the base is shown in messages.
    base_shown: PathBuf,
    /// `None`: the staged directory's contents merge into `base` itself.
    name: Option<OsString>,
}

impl Target {
    fn shown(&self) -> PathBuf {
        match &self.name {
            Some(n) => self.base_shown.join(n),
            None => self.base_shown.clone(),
        }
    }
}

/// The contract's download rules for a local path, applied through a staging directory.
pub fn to_path(
    reader: impl Read,
    local: &Path,
    name: &OsStr,
    remote_is_dir: bool,
    shown: &str,
    progress: &dyn Fn(u64),
    options: &DownloadOptions,
) -> anyhow::Result<Extracted> {
    let wants_dir = super::remote::wants_dir(&local.to_string_lossy());
    let fill = options.contents && remote_is_dir;
    let mut created: Vec<PathBuf> = Vec::new();
    let open = |dir: &Path| -> anyhow::Result<Dir> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        Dir::open_ambient_dir(dir, cap_std::ambient_authority()).map_err(|e| write_error(dir, e))
    };
    let split = |local: &Path| -> anyhow::Result<(PathBuf, OsString)> {
        let file = local
            .file_name()
            .ok_or_else(|| anyhow!("cannot use {} as a file name", local.display()))?;
        Ok((
            local.parent().map(Path::to_path_buf).unwrap_or_default(),
            file.to_os_string(),
        ))
    };
    // LOCAL as typed is resolved here, following the user's own symlinks; below it, handles.
    let target = match fs::metadata(local) {
        Ok(m) if m.is_dir() && fill => Target {
            base: open(local)?,
            base_shown: local.to_path_buf(),
            name: None,
        },
        Ok(m) if m.is_dir() => Target {
            base: open(local)?,
            base_shown: local.to_path_buf(),
            name: Some(name.to_os_string()),
        },
        Ok(_) if wants_dir => bail!("{} is not a directory", local.display()),
        Ok(_) if remote_is_dir => bail!(
            "cannot copy the directory {shown} onto the file {}",
            local.display()
        ),
        Ok(_) => {
            let (parent, file) = split(local)?;
            Target {
                base: open(&parent)?,
                base_shown: parent,
                name: Some(file),
            }
        }
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            if wants_dir {
                create_parents(local, &mut created)?;
                Target {
                    base: open(local)?,
                    base_shown: local.to_path_buf(),
                    name: (!fill).then(|| name.to_os_string()),
                }
            } else {
                let (parent, file) = split(local)?;
                create_parents(&parent, &mut created)?;
                Target {
                    base: open(&parent)?,
                    base_shown: parent,
                    name: Some(file),
                }
            }
        }
        Err(e) => return Err(anyhow!("cannot use {}: {e}", local.display())),
    };
    let result = stage_and_commit(reader, &target, remote_is_dir, shown, progress, options);
    if result.is_err() {
        for dir in created.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
    result
}

/// Creates the missing directories of `dir` (a path the user typed), recording each one created;
/// names the first ancestor that is a file.
fn create_parents(dir: &Path, created: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut missing = Vec::new();
    let mut current = dir.to_path_buf();
    loop {
        match fs::metadata(&current) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => bail!(
                "{} is a file, not a directory, so {} cannot be created",
                current.display(),
                dir.display()
            ),
            Err(_) => {
                missing.push(current.clone());
                match current.parent() {
                    Some(p) if !p.as_os_str().is_empty() => current = p.to_path_buf(),
                    _ => break,
                }
            }
        }
    }
    for path in missing.into_iter().rev() {
        fs::create_dir(&path).map_err(|e| write_error(&path, e))?;
        created.push(path);
    }
    Ok(())
}

/// Says which local place refused and why (full disk, read-only) in one line.
pub fn write_error(path: &Path, e: io::Error) -> anyhow::Error {
    use io::ErrorKind as K;
    let why = match e.kind() {
        K::StorageFull => "the disk is full".to_string(),
        K::ReadOnlyFilesystem => "the file system is read-only".to_string(),
        K::PermissionDenied => "permission denied".to_string(),
        K::QuotaExceeded => "the disk quota is exceeded".to_string(),
        _ => e.to_string(),
    };
    anyhow!("cannot write {}: {why}", path.display())
}

/// The first OS error in a chain, to say "disk full" rather than a library's wording.
fn os_error(err: &anyhow::Error) -> Option<i32> {
    err.chain().find_map(|c| {
        c.downcast_ref::<io::Error>()
            .and_then(io::Error::raw_os_error)
    })
}

/// A staging directory, locked for as long as this value lives, removed when it is dropped.
struct Stage<'a> {
    base: &'a Dir,
    name: OsString,
    dir: Dir,
    _lock: fs::File,
}

impl<'a> Stage<'a> {
    fn create(base: &'a Dir, base_shown: &Path) -> anyhow::Result<Stage<'a>> {
        let mut builder = DirBuilder::new();
        builder.mode(0o700);
        let mut tries = 0;
        let name = loop {
            let name = OsString::from(format!("{STAGE_PREFIX}{}", crate::ids::new_id()));
            match base.create_dir_with(&name, &builder) {
                Ok(()) => break name,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
                Err(e) => return Err(write_error(base_shown, e)),
            }
        };
        let dir = base
            .open_dir_nofollow(&name)
            .map_err(|e| write_error(base_shown, e))?;
        // Locked under a temporary name and only then named `.lock`: a cleaner that finds the
        // lock file unlocked knows its download is gone, never that it has not locked it yet.
        let lock = dir
            .open_with(LOCK_TMP, &unpack::new_private_file())
            .map_err(|e| write_error(base_shown, e))?
            .into_std();
        lock.lock().map_err(|e| write_error(base_shown, e))?;
        dir.rename(LOCK_TMP, &dir, LOCK_NAME)
            .map_err(|e| write_error(base_shown, e))?;
        Ok(Stage {
            base,
            name,
            dir,
            _lock: lock,
        })
    }
}

impl Drop for Stage<'_> {
    fn drop(&mut self) {
        // Every directory in it is 0700 (modes come after placement): removable by its owner.
        let _ = self.base.remove_dir_all(&self.name);
    }
}

/// Removes the staging directories in `base` whose download is provably gone: their lock file
/// can be locked, so no process holds it (a killed process's locks are released by the kernel).
/// One without a lock file (being created, or made by an older dsbx) is left alone.
pub fn remove_abandoned_stages(base: &Dir) {
    let Ok(entries) = base.entries() else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(STAGE_PREFIX)
            || !entry.file_type().is_ok_and(|t| t.is_dir())
        {
            continue;
        }
        let Ok(stage) = base.open_dir_nofollow(&name) else {
            continue;
        };
        if !stage.symlink_metadata(LOCK_NAME).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let mut options = OpenOptions::new();
        options
            .read(true)
            .follow(FollowSymlinks::No)
            .custom_flags(libc::O_NONBLOCK);
        let Ok(lock) = stage.open_with(LOCK_NAME, &options) else {
            continue;
        };
        let lock = lock.into_std();
        if lock.try_lock().is_ok() {
            let _ = base.remove_dir_all(&name);
        }
    }
}

fn stage_and_commit(
    reader: impl Read,
    target: &Target,
    remote_is_dir: bool,
    shown: &str,
    progress: &dyn Fn(u64),
    options: &DownloadOptions,
) -> anyhow::Result<Extracted> {
    let shown_target = target.shown();
    remove_abandoned_stages(&target.base);
    let stage = Stage::create(&target.base, &target.base_shown)?;
    let staged = OsStr::new(STAGED);
    let mut extracted = unpack::extract_into(reader, &stage.dir, staged, progress, &options.filter)
        .map_err(|e| match os_error(&e) {
            Some(code @ (libc::ENOSPC | libc::EROFS | libc::EDQUOT | libc::EACCES)) => {
                write_error(&shown_target, io::Error::from_raw_os_error(code))
            }
            _ => e.context(format!("downloading into {}", shown_target.display())),
        })?;
    // What arrived must be what was inspected: a tree swapped for a symlink (or a file for a
    // directory) while the engine read it would otherwise be placed as LOCAL itself.
    let top = stage.dir.symlink_metadata(staged).ok();
    let top_is_dir = top.as_ref().is_some_and(|m| m.is_dir());
    let top_is_file = top.as_ref().is_some_and(|m| m.is_file());
    if (remote_is_dir && !top_is_dir) || (!remote_is_dir && !top_is_file) {
        let now = match top {
            Some(m) if m.file_type().is_symlink() => "a symlink",
            Some(m) if m.is_dir() => "a directory",
            Some(_) => "a file",
            None => "nothing",
        };
        bail!(
            "{shown} changed while it was downloaded (it is now {now}); nothing was written to {}",
            shown_target.display()
        );
    }
    let metas = std::mem::take(&mut extracted.dir_meta);
    let kept = commit(&stage.dir, staged, target, top_is_dir, &shown_target)?;
    if top_is_dir {
        // Directories that were already there keep their own modes.
        let fresh: Vec<DirMeta> = metas
            .into_iter()
            .filter(|m| !kept.contains(&m.rel))
            .collect();
        unpack::apply_dir_meta(&target.base, target.name.as_deref(), &fresh)?;
    }
    drop(stage);
    Ok(extracted)
}

/// Moves the staged copy into place: a rename when nothing is there or a file (or a link, never
/// what it points at) is replaced, a merge when a directory lands on a real directory (checked
/// for conflicts before anything moves). Returns the directories merged into, which were there
/// before (relative to the top).
fn commit(
    stage: &Dir,
    staged: &OsStr,
    target: &Target,
    staged_dir: bool,
    shown: &Path,
) -> anyhow::Result<HashSet<Vec<OsString>>> {
    let mut kept = HashSet::new();
    let Some(name) = &target.name else {
        let from = stage.open_dir_nofollow(staged)?;
        conflicts(&from, &target.base, shown, &mut Vec::new())?;
        merge(&from, &target.base, shown, &mut Vec::new(), &mut kept)?;
        return Ok(kept);
    };
    let rename = || {
        stage
            .rename(staged, &target.base, name)
            .map_err(|e| write_error(shown, e))
    };
    match target.base.symlink_metadata(name) {
        Err(_) => rename()?,
        Ok(m) => match (staged_dir, m.is_dir(), m.file_type().is_symlink()) {
            (true, true, _) => {
                let from = stage.open_dir_nofollow(staged)?;
                let into = target
                    .base
                    .open_dir_nofollow(name)
                    .map_err(|e| write_error(shown, e))?;
                conflicts(&from, &into, shown, &mut Vec::new())?;
                merge(&from, &into, shown, &mut Vec::new(), &mut kept)?;
            }
            (false, false, _) => rename()?,
            (true, false, true) => bail!(
                "cannot replace the symlink {} with a directory (dsbx never writes through a \
                 symlink inside LOCAL; remove it, or name its target as LOCAL)",
                shown.display()
            ),
            (true, false, false) => bail!(
                "cannot replace the file {} with a directory",
                shown.display()
            ),
            (false, true, _) => bail!(
                "cannot replace the directory {} with a file",
                shown.display()
            ),
        },
    }
    Ok(kept)
}

/// Whether this process may create and remove entries in `dir` (the kernel's own answer).
fn writable(dir: &Dir) -> bool {
    // SAFETY: a valid directory descriptor and a NUL-terminated path.
    unsafe { libc::faccessat(dir.as_raw_fd(), c".".as_ptr(), libc::W_OK, 0) == 0 }
}

/// Everything that would stop a merge of `src` into `dst` half done: a file and a directory
/// replacing each other (a symlink counts as a file: it is replaced, never entered), and a
/// directory that would receive entries but cannot be written to.
fn conflicts(src: &Dir, dst: &Dir, shown: &Path, rel: &mut Vec<OsString>) -> anyhow::Result<()> {
    let at = |rel: &[OsString], name: &OsStr| {
        let mut p = shown.to_path_buf();
        p.extend(rel);
        p.join(name)
    };
    let mut receives = false;
    for entry in src.entries()? {
        let entry = entry?;
        let name = entry.file_name();
        let from_dir = entry.file_type()?.is_dir();
        match dst.symlink_metadata(&name) {
            Ok(m) => match (from_dir, m.is_dir()) {
                (true, true) => {
                    let inner_src = src.open_dir_nofollow(&name)?;
                    let inner_dst = dst
                        .open_dir_nofollow(&name)
                        .map_err(|e| write_error(&at(rel, &name), e))?;
                    rel.push(name);
                    conflicts(&inner_src, &inner_dst, shown, rel)?;
                    rel.pop();
                }
                (false, false) => receives = true,
                (true, false) if m.file_type().is_symlink() => bail!(
                    "cannot replace the symlink {} with a directory (dsbx never writes through a \
                     symlink inside LOCAL); nothing was changed",
                    at(rel, &name).display()
                ),
                (true, false) => bail!(
                    "cannot replace the file {} with a directory; nothing was changed",
                    at(rel, &name).display()
                ),
                (false, true) => bail!(
                    "cannot replace the directory {} with a file; nothing was changed",
                    at(rel, &name).display()
                ),
            },
            Err(_) => receives = true,
        }
    }
    if receives && !writable(dst) {
        let mut p = shown.to_path_buf();
        p.extend(rel.iter());
        bail!(
            "cannot write into {}: permission denied; nothing was changed",
            p.display()
        );
    }
    Ok(())
}

fn merge(
    src: &Dir,
    dst: &Dir,
    shown: &Path,
    rel: &mut Vec<OsString>,
    kept: &mut HashSet<Vec<OsString>>,
) -> anyhow::Result<()> {
    kept.insert(rel.clone());
    for entry in src.entries()? {
        let entry = entry?;
        let name = entry.file_name();
        let both_dirs =
            entry.file_type()?.is_dir() && dst.symlink_metadata(&name).is_ok_and(|m| m.is_dir());
        if both_dirs {
            let inner_src = src.open_dir_nofollow(&name)?;
            let inner_dst = dst.open_dir_nofollow(&name)?;
            rel.push(name);
            merge(&inner_src, &inner_dst, shown, rel, kept)?;
            rel.pop();
        } else {
            src.rename(&name, dst, &name).map_err(|e| {
                let mut p = shown.to_path_buf();
                p.extend(rel.iter());
                write_error(&p.join(&name), e)
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tar::{EntryType, Header};

    fn tar_of(entries: &[(&str, EntryType, &str)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, kind, link) in entries {
            let mut h = Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_mode(0o755);
            h.set_size(0);
            if !link.is_empty() {
                h.set_link_name(link).unwrap();
            }
            b.append_data(&mut h, path, std::io::empty()).unwrap();
        }
        b.into_inner().unwrap()
    }

    /// The archive's top entry is a symlink although the remote was a directory when it was
    /// inspected (the sandbox swapped it between the stat and the read): nothing is placed,
    /// LOCAL does not become the link, and no staging directory is left.
    #[test]
    fn a_top_entry_that_became_a_symlink_is_refused_and_nothing_is_placed() {
        let root = tempfile::tempdir().unwrap();
        let tar = tar_of(&[("sw", EntryType::Symlink, "/")]);
        let local = root.path().join("out");
        let err = to_path(
            tar.as_slice(),
            &local,
            OsStr::new("sw"),
            true,
            "sbx:/tmp/sw",
            &|_| {},
            &DownloadOptions::default(),
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("changed while it was downloaded (it is now a symlink)"),
            "{err:#}"
        );
        assert!(fs::symlink_metadata(&local).is_err(), "LOCAL was placed");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);

        // A file that became a directory is refused the same way.
        let tar = tar_of(&[("f", EntryType::Directory, "")]);
        let err = to_path(
            tar.as_slice(),
            &local,
            OsStr::new("f"),
            false,
            "sbx:/tmp/f",
            &|_| {},
            &DownloadOptions::default(),
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("it is now a directory"),
            "{err:#}"
        );
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
    }

    /// A staging directory whose lock nobody holds is removed; one whose lock is held, and one
    /// without a lock file (it cannot be proven abandoned), are kept, and nothing else is touched.
    #[test]
    fn only_provably_abandoned_stages_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let base = Dir::open_ambient_dir(root.path(), cap_std::ambient_authority()).unwrap();
        let live = Stage::create(&base, root.path()).unwrap();
        let live_name = live.name.clone();
        fs::create_dir_all(root.path().join(".dsbx-download-dead/entry/sub")).unwrap();
        fs::write(root.path().join(".dsbx-download-dead/.lock"), "").unwrap();
        fs::create_dir(root.path().join(".dsbx-download-nolock")).unwrap();
        fs::create_dir(root.path().join("mine")).unwrap();
        std::os::unix::fs::symlink("/", root.path().join(".dsbx-download-link")).unwrap();
        remove_abandoned_stages(&base);
        let mut left: Vec<String> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut want = vec![
            ".dsbx-download-link".to_string(),
            ".dsbx-download-nolock".into(),
            live_name.to_string_lossy().into_owned(),
            "mine".into(),
        ];
        want.sort();
        assert_eq!(left, want);
        drop(live);
        assert!(!root.path().join(&live_name).exists());
    }

    /// A name the local file system cannot hold is skipped with a warning naming it; the rest
    /// of the tree arrives.
    #[test]
    fn a_name_too_long_for_the_local_file_system_is_skipped_with_a_warning() {
        let root = tempfile::tempdir().unwrap();
        let long = format!("t/{}", "n".repeat(300));
        let mut b = tar::Builder::new(Vec::new());
        let mut h = Header::new_gnu();
        h.set_entry_type(EntryType::Directory);
        h.set_mode(0o755);
        h.set_size(0);
        b.append_data(&mut h, "t", std::io::empty()).unwrap();
        for path in [long.as_str(), "t/ok.txt"] {
            let mut h = Header::new_gnu();
            h.set_entry_type(EntryType::Regular);
            h.set_mode(0o644);
            h.set_size(2);
            b.append_data(&mut h, path, &b"hi"[..]).unwrap();
        }
        let tar = b.into_inner().unwrap();
        let local = root.path().join("out");
        let got = to_path(
            tar.as_slice(),
            &local,
            OsStr::new("t"),
            true,
            "sbx:/t",
            &|_| {},
            &DownloadOptions::default(),
        )
        .unwrap();
        assert_eq!(got.skipped.len(), 1, "{:?}", got.skipped);
        assert!(
            got.skipped[0].contains("nnnnnnnn") && got.skipped[0].contains("too long"),
            "{:?}",
            got.skipped
        );
        assert_eq!(fs::read(local.join("ok.txt")).unwrap(), b"hi");
    }
}
