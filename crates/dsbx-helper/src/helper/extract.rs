//! `__helper extract --user SPEC DIR`: unpacks the tar on stdin into DIR as the sandbox's user,
//! for uploads, `files write` and `files edit` without `--root`. The engine's archive API would
//! extract as root, so a user could point a name it is about to write (a symlink planted at the
//! last moment) at `/etc/passwd`; here the process has dropped to the user before it resolves any
//! path, so the kernel refuses whatever the user could not do themselves.
//!
//! It keeps what Docker's extraction keeps (the tar is dsbx's own, from `transfer::pack`): modes
//! (setuid bits included where the kernel lets the user set them), modification times, empty
//! directories, symlinks as links. An existing entry is replaced as Docker replaces it (removed,
//! then created anew; a directory stays and takes the new mode), except that a regular file the
//! user may write in a directory the user may not change is rewritten in place, as `echo >`
//! would. A final component is never followed: a symlink there is replaced, not written through.
//! Files are owned by the user (the kernel's choice); the ids in the headers are ignored.
//!
//! Exit 0 when everything landed; 1 with one line on stderr naming the entry otherwise (what
//! came before it stays, as with the archive API); 126 for an unknown user.

use super::user_switch;
use crate::target_rules::Placement;
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, SystemTimeSpec};
use cap_std::fs::{Dir, DirBuilder, DirBuilderExt, MetadataExt as _, OpenOptions, OpenOptionsExt};
use std::ffi::{CString, OsString};
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

pub fn run(args: &[OsString]) -> i32 {
    let words: Vec<&std::ffi::OsStr> = args.iter().map(OsString::as_os_str).collect();
    let (spec, dir) = match words.as_slice() {
        [flag, spec, dir] if *flag == "--user" => (spec.to_string_lossy(), Path::new(dir)),
        _ => {
            eprintln!("dsbx helper: bad extract call: {args:?}");
            return 125;
        }
    };
    if let Err(e) = user_switch::become_spec(&spec) {
        eprintln!("{e}");
        return 126;
    }
    // Modes come from the headers, exactly.
    // SAFETY: umask(2) on our own process.
    unsafe { libc::umask(0) };
    match extract(
        io::BufReader::with_capacity(COPY_CHUNK, io::stdin().lock()),
        dir,
    ) {
        Ok(()) => 0,
        Err(message) => {
            // Exit at once: the client sees the stream end and stops sending.
            eprintln!("{message}");
            1
        }
    }
}

/// Where an extraction lands and how: the target directory's handle (every path below it is
/// reached from it, never leaving it, a link never followed on the way), and for `put` the
/// placement of the upload's root entry and the mode an existing file keeps.
pub struct Landing<'a> {
    pub dir: &'a Dir,
    /// The target as messages name it.
    pub shown: &'a Path,
    /// The root entry's new place (`put`): missing parents first, then its name. `None`: the
    /// entries keep their names.
    pub place: Option<&'a Placement>,
    /// The mode the root entry gets whatever its header says (`files write` keeps a file's).
    pub root_mode: Option<u32>,
}

/// A directory whose mode and time are set once everything below it has landed (a 0555
/// directory must still take its children first).
struct DirFixup {
    rel: PathBuf,
    mode: u32,
    mtime: u64,
    /// Created by us: failing to set its mode is an error. A directory that was there already
    /// keeps going if the user may not change it (Docker, as root, always could).
    created: bool,
}

/// [`extract_to`] into the directory at `dir`, entries named as in the tar.
pub fn extract(input: impl Read, dir: &Path) -> Result<(), String> {
    let handle = open_target(dir)?;
    extract_to(
        input,
        &Landing {
            dir: &handle,
            shown: dir,
            place: None,
            root_mode: None,
        },
    )
}

/// Opens the target directory (links on its way followed, as the user or as Docker would).
pub fn open_target(dir: &Path) -> Result<Dir, String> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(format!("{}: not a directory", dir.display())),
        Err(e) => return Err(format!("{}: {}", dir.display(), plain(&e))),
    }
    Dir::open_ambient_dir(dir, cap_std::ambient_authority())
        .map_err(|e| format!("{}: {}", dir.display(), plain(&e)))
}

pub fn extract_to(input: impl Read, to: &Landing<'_>) -> Result<(), String> {
    let shown = |p: &Path| to.shown.join(p).display().to_string();
    let mut archive = tar::Archive::new(input);
    let mut dirs: Vec<DirFixup> = Vec::new();
    let mut walk = Walk {
        top: to.dir,
        open: Vec::new(),
    };
    let mut written = Written::default();
    let mut base = PathBuf::new();
    if let Some(place) = to.place {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        for parent in &place.parents {
            base.push(parent);
            if !is_plain_relative(&base) {
                return Err(format!("{}: not a plain name", shown(&base)));
            }
            make_dir(&mut walk, &base, 0o755, now, &mut dirs)
                .map_err(|e| format!("{}: {}", shown(&base), plain(&e)))?;
        }
        base.push(&place.name);
    }
    let entries = archive
        .entries()
        .map_err(|e| format!("reading the upload: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("reading the upload: {e}"))?;
        let named = entry
            .path()
            .map_err(|e| format!("reading the upload: {e}"))?
            .into_owned();
        let rel = placed(&named, to.place.map(|_| base.as_path()));
        if !is_plain_relative(&rel) || !is_plain_relative(&named) {
            return Err(format!(
                "{}: refusing an entry outside the target",
                named.display()
            ));
        }
        let is_root = to.place.is_some() && named.components().count() == 1;
        let header = entry.header();
        let mode = match to.root_mode {
            Some(m) if is_root => m,
            _ => header.mode().unwrap_or(0o644) & 0o7777,
        };
        let mtime = header.mtime().unwrap_or(0);
        let kind = header.entry_type();
        let failed = |e: io::Error| format!("{}: {}", shown(&rel), plain(&e));
        if kind.is_dir() {
            make_dir(&mut walk, &rel, mode, mtime, &mut dirs).map_err(failed)?;
        } else if kind.is_file() {
            let (parent, name) = walk.parent_of(&rel).map_err(failed)?;
            let size = entry.size();
            let inode = write_file(&mut entry, size, parent, name, mode, mtime).map_err(failed)?;
            written.0.insert(rel.clone(), inode);
        } else if kind.is_hard_link() {
            let target = entry
                .link_name()
                .map_err(|e| format!("reading the upload: {e}"))?
                .ok_or_else(|| format!("{}: a hard link without a target", shown(&rel)))?
                .into_owned();
            let target_rel = placed(&target, to.place.map(|_| base.as_path()));
            let inode = written
                .link(&mut walk, &target, &target_rel, &rel)
                .map_err(|why| format!("{}: {why}", shown(&rel)))?;
            written.0.insert(rel.clone(), inode);
        } else if kind.is_symlink() {
            let target = entry
                .link_name()
                .map_err(|e| format!("reading the upload: {e}"))?
                .ok_or_else(|| format!("{}: a symlink without a target", shown(&rel)))?
                .into_owned();
            let (parent, name) = walk.parent_of(&rel).map_err(failed)?;
            if let Ok(m) = parent.symlink_metadata(name) {
                remove(parent, name, m.is_dir()).map_err(failed)?;
            }
            parent.symlink_contents(&target, name).map_err(failed)?;
            let _ = parent.set_symlink_times(name, Some(spec(mtime)), Some(spec(mtime)));
        } else {
            return Err(format!(
                "{}: only files, directories, symlinks and hard links can be uploaded",
                shown(&rel)
            ));
        }
    }
    // Deepest first, so a parent's time is set after its children changed it.
    for fix in dirs.iter().rev() {
        let set = walk.parent_of(&fix.rel).and_then(|(parent, name)| {
            let dir = open_dir_fd(parent, name)?;
            dir.set_permissions(fs::Permissions::from_mode(fix.mode))?;
            dir.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(fix.mtime))
        });
        if fix.created
            && let Err(e) = set
        {
            return Err(format!("{}: {}", shown(&fix.rel), plain(&e)));
        }
    }
    Ok(())
}

/// A tar name as it lands: below `base` (the placement of `put`'s root entry, which takes the
/// tar's first component's place), or as it is.
fn placed(named: &Path, base: Option<&Path>) -> PathBuf {
    match base {
        Some(base) => named
            .components()
            .skip(1)
            .fold(base.to_path_buf(), |acc, c| acc.join(c)),
        None => named.to_path_buf(),
    }
}

/// The regular files this extraction wrote, by where they landed, with their (device, inode):
/// the only files a hard link entry may name.
#[derive(Default)]
struct Written(std::collections::HashMap<PathBuf, (u64, u64)>);

impl Written {
    /// Makes `rel` a second name of the file the tar named `target` (landed at `target_rel`).
    /// The target is reached from the top through real directories (never a symlink), and must
    /// still be the very file this extraction wrote there: a name the sandbox swapped meanwhile,
    /// or anything the tar did not bring, is refused.
    fn link(
        &self,
        walk: &mut Walk<'_>,
        target: &Path,
        target_rel: &Path,
        rel: &Path,
    ) -> Result<(u64, u64), String> {
        let shown_target = target.display();
        if !is_plain_relative(target) || !is_plain_relative(target_rel) {
            return Err(format!(
                "a hard link to `{shown_target}` outside the target, refused"
            ));
        }
        let Some(&inode) = self.0.get(target_rel) else {
            return Err(format!(
                "a hard link to `{shown_target}`, not a file this upload wrote, refused"
            ));
        };
        let swapped =
            || format!("a hard link to `{shown_target}`, which changed meanwhile, refused");
        let (src_dir, src_name) = walk.open_parent(target_rel).map_err(|_| swapped())?;
        match src_dir.symlink_metadata(src_name) {
            Ok(m) if m.is_file() && (m.dev(), m.ino()) == inode => {}
            _ => return Err(swapped()),
        }
        let (parent, name) = walk.parent_of(rel).map_err(|e| plain(&e))?;
        if let Ok(m) = parent.symlink_metadata(name) {
            remove(parent, name, m.is_dir()).map_err(|e| plain(&e))?;
        }
        src_dir
            .hard_link(src_name, parent, name)
            .map_err(|e| plain(&e))?;
        Ok(inode)
    }
}

/// The directories an extraction is inside, as open handles: tar entries come in tree order,
/// so most entries reuse the handles of the one before. Each is opened from its parent without
/// following a link: a name swapped for a link meanwhile fails the upload, never redirects it.
struct Walk<'a> {
    top: &'a Dir,
    open: Vec<(std::ffi::OsString, Dir)>,
}

impl Walk<'_> {
    /// A fresh handle of `rel`'s parent (leaving the open ones as they are) and `rel`'s last name.
    fn open_parent<'p>(&self, rel: &'p Path) -> io::Result<(Dir, &'p std::ffi::OsStr)> {
        let names: Vec<&std::ffi::OsStr> = rel.iter().collect();
        let (last, dirs) = names
            .split_last()
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))?;
        let mut here = self.top.try_clone()?;
        for part in dirs {
            here = here.open_dir_nofollow(part)?;
        }
        Ok((here, last))
    }

    /// The handle of `rel`'s parent and `rel`'s last name.
    fn parent_of<'p>(&mut self, rel: &'p Path) -> io::Result<(&Dir, &'p std::ffi::OsStr)> {
        let names: Vec<&std::ffi::OsStr> = rel.iter().collect();
        let (last, dirs) = names
            .split_last()
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))?;
        let common = self
            .open
            .iter()
            .zip(dirs)
            .take_while(|((open, _), want)| open.as_os_str() == **want)
            .count();
        self.open.truncate(common);
        for part in &dirs[common..] {
            let here = self.open.last().map_or(self.top, |(_, d)| d);
            let next = here.open_dir_nofollow(part)?;
            self.open.push((part.to_os_string(), next));
        }
        Ok((self.open.last().map_or(self.top, |(_, d)| d), last))
    }
}

/// A directory entry: an existing directory stays (and takes the new mode at the end), anything
/// else of that name is replaced.
fn make_dir(
    walk: &mut Walk<'_>,
    rel: &Path,
    mode: u32,
    mtime: u64,
    dirs: &mut Vec<DirFixup>,
) -> io::Result<()> {
    let (parent, name) = walk.parent_of(rel)?;
    let created = match parent.symlink_metadata(name) {
        Ok(m) if m.is_dir() => false,
        Ok(_) => {
            remove(parent, name, false)?;
            mkdir(parent, name)?;
            true
        }
        Err(_) => {
            mkdir(parent, name)?;
            true
        }
    };
    dirs.push(DirFixup {
        rel: rel.to_path_buf(),
        mode,
        mtime,
        created,
    });
    Ok(())
}

/// Only names below the target: no root, no `..`, nothing empty.
fn is_plain_relative(p: &Path) -> bool {
    !p.as_os_str().is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

fn mkdir(parent: &Dir, name: &std::ffi::OsStr) -> io::Result<()> {
    // Owner-writable until the fixup sets the header's mode, so children can land in it.
    let mut builder = DirBuilder::new();
    builder.mode(0o700);
    parent.create_dir_with(name, &builder)
}

fn remove(parent: &Dir, name: &std::ffi::OsStr, is_dir: bool) -> io::Result<()> {
    if is_dir {
        parent.remove_dir_all(name)
    } else {
        parent.remove_file(name)
    }
}

fn write_file(
    entry: &mut impl Read,
    size: u64,
    parent: &Dir,
    name: &std::ffi::OsStr,
    mode: u32,
    mtime: u64,
) -> io::Result<(u64, u64)> {
    // Most names are new: created at once (no stat first), with the header's mode unless it has
    // setuid, setgid or sticky bits (a write clears the first two): those are set after the
    // content.
    let at_once = mode & 0o7000 == 0;
    let (mut file, fresh) = match create_new(parent, name, if at_once { mode } else { 0o600 }) {
        Ok(file) => (file, true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => (replace(parent, name)?, false),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    copy(entry, size, &mut file)?;
    if !(fresh && at_once) {
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime);
    file.set_times(fs::FileTimes::new().set_modified(time).set_accessed(time))?;
    Ok((meta.dev(), meta.ino()))
}

/// The file for an entry whose name is taken: what is there is removed (never followed) and the
/// file created anew, or, in a directory the user may not change, a file of theirs rewritten.
fn replace(parent: &Dir, name: &std::ffi::OsStr) -> io::Result<fs::File> {
    let existing = parent.symlink_metadata(name)?;
    if existing.is_dir() {
        parent.remove_dir_all(name)?;
        return create_new(parent, name, 0o600);
    }
    match parent.remove_file(name) {
        Ok(()) => create_new(parent, name, 0o600),
        // The directory is not the user's to change, the file may be theirs to write.
        Err(e) if existing.is_file() && e.kind() == io::ErrorKind::PermissionDenied => {
            let mut options = OpenOptions::new();
            options
                .write(true)
                .truncate(true)
                .follow(FollowSymlinks::No)
                .custom_flags(libc::O_NONBLOCK);
            Ok(parent.open_with(name, &options)?.into_std())
        }
        Err(e) => Err(e),
    }
}

/// Bytes moved per read and write of a file's content: `io::copy` moves 8 KiB at a time (25,600
/// writes for a 200 MiB file).
pub const COPY_CHUNK: usize = 1 << 20;

fn copy(from: &mut impl Read, size: u64, to: &mut fs::File) -> io::Result<()> {
    use std::io::Write;
    // No bigger than the file: a tree's small files each get a small buffer.
    let mut buf = vec![0u8; (size as usize).clamp(1, COPY_CHUNK)];
    loop {
        match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => to.write_all(&buf[..n])?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// A new file, never through a link or onto a FIFO someone made meanwhile.
fn create_new(parent: &Dir, name: &std::ffi::OsStr, mode: u32) -> io::Result<fs::File> {
    let mut options = OpenOptions::new();
    options
        .write(true)
        .create_new(true)
        .mode(mode)
        .follow(FollowSymlinks::No)
        .custom_flags(libc::O_NONBLOCK);
    Ok(parent.open_with(name, &options)?.into_std())
}

/// A directory opened for `fchmod`/`futimens` (cap-std's own handles may be `O_PATH`, which
/// refuses both), never through a link.
fn open_dir_fd(parent: &Dir, name: &std::ffi::OsStr) -> io::Result<fs::File> {
    use std::os::fd::{AsRawFd, FromRawFd};
    let name =
        CString::new(name.as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: a valid directory descriptor and a NUL-terminated name; the descriptor returned
    // is owned by the File at once.
    let fd = unsafe {
        libc::openat(
            parent.as_raw_fd(),
            name.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor.
    Ok(unsafe { fs::File::from_raw_fd(fd) })
}

fn spec(mtime: u64) -> SystemTimeSpec {
    SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime),
    ))
}

/// An OS error without Rust's "(os error N)" suffix.
pub fn plain(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_lowercase(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, symlink};

    fn tar_of(build: impl FnOnce(&mut tar::Builder<&mut Vec<u8>>)) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut b = tar::Builder::new(&mut out);
            build(&mut b);
            b.finish().unwrap();
        }
        out
    }

    fn header(kind: tar::EntryType, mode: u32, size: u64) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_mode(mode);
        h.set_mtime(1_600_000_000);
        h.set_size(size);
        h
    }

    #[test]
    fn modes_times_links_and_read_only_dirs_land() {
        let dst = tempfile::tempdir().unwrap();
        let tar = tar_of(|b| {
            b.append_data(
                &mut header(tar::EntryType::Directory, 0o555, 0),
                "ro",
                io::empty(),
            )
            .unwrap();
            b.append_data(
                &mut header(tar::EntryType::Regular, 0o751, 2),
                "ro/f",
                &b"hi"[..],
            )
            .unwrap();
            let mut h = header(tar::EntryType::Symlink, 0o777, 0);
            b.append_link(&mut h, "ro/link", "f").unwrap();
        });
        extract(tar.as_slice(), dst.path()).unwrap();
        let ro = dst.path().join("ro");
        assert_eq!(fs::metadata(&ro).unwrap().mode() & 0o7777, 0o555);
        assert_eq!(fs::metadata(ro.join("f")).unwrap().mode() & 0o7777, 0o751);
        assert_eq!(fs::metadata(ro.join("f")).unwrap().mtime(), 1_600_000_000);
        assert_eq!(fs::metadata(&ro).unwrap().mtime(), 1_600_000_000);
        assert_eq!(fs::read_link(ro.join("link")).unwrap(), Path::new("f"));
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn a_symlink_at_the_final_component_is_replaced_not_followed() {
        let dst = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let canary = outside.path().join("canary");
        fs::write(&canary, b"keep").unwrap();
        symlink(&canary, dst.path().join("f")).unwrap();
        let tar = tar_of(|b| {
            b.append_data(
                &mut header(tar::EntryType::Regular, 0o644, 3),
                "f",
                &b"new"[..],
            )
            .unwrap();
        });
        extract(tar.as_slice(), dst.path()).unwrap();
        assert_eq!(fs::read(&canary).unwrap(), b"keep");
        assert_eq!(fs::read(dst.path().join("f")).unwrap(), b"new");
        assert!(
            fs::symlink_metadata(dst.path().join("f"))
                .unwrap()
                .is_file()
        );
    }

    #[test]
    fn entries_outside_the_target_are_refused() {
        let dst = tempfile::tempdir().unwrap();
        let mut raw = header(tar::EntryType::Regular, 0o644, 1);
        raw.as_old_mut().name[..5].copy_from_slice(b"../x\0");
        raw.set_cksum();
        let mut tar = raw.as_bytes().to_vec();
        tar.extend_from_slice(&[b'x'; 512]);
        tar.extend_from_slice(&[0; 1024]);
        let err = extract(tar.as_slice(), dst.path()).unwrap_err();
        assert!(err.contains("outside the target"), "{err}");
        assert!(!dst.path().parent().unwrap().join("x").exists());
    }

    fn with_link(b: &mut tar::Builder<&mut Vec<u8>>, name: &str, target: &str) {
        let mut h = header(tar::EntryType::Link, 0o644, 0);
        b.append_link(&mut h, name, target).unwrap();
    }

    #[test]
    fn hard_links_land_as_one_inode() {
        let dst = tempfile::tempdir().unwrap();
        let tar = tar_of(|b| {
            b.append_data(
                &mut header(tar::EntryType::Directory, 0o755, 0),
                "t",
                io::empty(),
            )
            .unwrap();
            b.append_data(
                &mut header(tar::EntryType::Regular, 0o640, 3),
                "t/a",
                &b"one"[..],
            )
            .unwrap();
            b.append_data(
                &mut header(tar::EntryType::Directory, 0o755, 0),
                "t/sub",
                io::empty(),
            )
            .unwrap();
            with_link(b, "t/sub/b", "t/a");
            with_link(b, "t/c", "t/sub/b");
        });
        extract(tar.as_slice(), dst.path()).unwrap();
        let a = fs::metadata(dst.path().join("t/a")).unwrap();
        let b = fs::metadata(dst.path().join("t/sub/b")).unwrap();
        let c = fs::metadata(dst.path().join("t/c")).unwrap();
        assert_eq!((a.ino(), a.nlink()), (b.ino(), 3));
        assert_eq!(a.ino(), c.ino());
        assert_eq!(a.mode() & 0o7777, 0o640);
    }

    #[test]
    fn hard_links_outside_through_symlinks_or_to_unwritten_files_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        let canary = outside.path().join("canary");
        fs::write(&canary, b"keep").unwrap();
        let targets = [
            "../canary".to_string(),
            canary.to_string_lossy().into_owned(),
            "via/canary".to_string(),
            "old".to_string(),
            "t/../old".to_string(),
        ];
        for target in targets {
            let dst = tempfile::tempdir().unwrap();
            fs::write(dst.path().join("old"), b"there before").unwrap();
            symlink(outside.path(), dst.path().join("via")).unwrap();
            let tar = tar_of(|b| with_link(b, "evil", &target));
            let err = extract(tar.as_slice(), dst.path()).unwrap_err();
            assert!(
                err.contains("hard link") && err.contains("refused"),
                "{err}"
            );
            assert!(!dst.path().join("evil").exists(), "{target}");
            assert_eq!(fs::metadata(&canary).unwrap().nlink(), 1, "{target}");
            assert_eq!(fs::metadata(dst.path().join("old")).unwrap().nlink(), 1);
        }
        assert_eq!(fs::read(&canary).unwrap(), b"keep");
    }

    #[test]
    fn a_hard_link_to_a_file_swapped_after_it_landed_is_refused() {
        let dst = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let canary = outside.path().join("canary");
        fs::write(&canary, b"keep").unwrap();
        // The file lands, then (as a racing sandbox would) its name becomes a symlink out.
        let mut tar = tar_of(|b| {
            b.append_data(
                &mut header(tar::EntryType::Regular, 0o644, 1),
                "a",
                &b"x"[..],
            )
            .unwrap();
        });
        tar.truncate(tar.len() - 1024);
        let rest = tar_of(|b| with_link(b, "b", "a"));
        let swap = Swap {
            first: tar.as_slice(),
            rest: rest.as_slice(),
            at: dst.path().join("a"),
            to: canary.clone(),
        };
        let err = extract(swap, dst.path()).unwrap_err();
        assert!(err.contains("changed meanwhile"), "{err}");
        assert_eq!(fs::metadata(&canary).unwrap().nlink(), 1);
    }

    /// Reads `first`, then swaps `at` for a symlink to `to`, then reads `rest`.
    struct Swap<'a> {
        first: &'a [u8],
        rest: &'a [u8],
        at: PathBuf,
        to: PathBuf,
    }

    impl Read for Swap<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if !self.first.is_empty() {
                return self.first.read(buf);
            }
            if self.at.exists() && !fs::symlink_metadata(&self.at)?.is_symlink() {
                fs::remove_file(&self.at)?;
                symlink(&self.to, &self.at)?;
            }
            self.rest.read(buf)
        }
    }
}
