//! Safe extraction of a tar that came out of a sandbox.
//!
//! The archive is untrusted: whatever runs in the sandbox controls it. Extraction writes only
//! inside a staging directory, through directory handles (`cap-std`), one plain name at a time:
//! every directory on the way to an entry is opened with `O_NOFOLLOW` from its parent's handle,
//! so no symlink (one the archive made a moment before, or one already there) is ever followed,
//! and no path string is ever resolved by the kernel from `/`. An existing entry at the final
//! name is removed (never written through) before the new one is created exclusively. Absolute
//! paths, `..`, entries outside the top entry, hard links that leave the tree or point at
//! anything but a regular file, device nodes and fifos are skipped, each with a warning; so is an
//! entry the local file system cannot hold (a name too long or invalid there).
//!
//! Directories are created 0700 and their modes and times are only recorded ([`DirMeta`]): the
//! caller applies them once the tree is in its final place ([`apply_dir_meta`]), so a read-only
//! directory never stops its own extraction, its move into place, or the removal of a failed
//! copy, for root and non-root users alike.

use anyhow::{Context, bail};
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt};
use cap_std::fs::{Dir, DirBuilder, DirBuilderExt, OpenOptions, OpenOptionsExt};
use std::ffi::{OsStr, OsString};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Mode bits kept on extracted entries: permissions and sticky, never setuid/setgid.
pub const KEPT_MODE_BITS: u32 = 0o1777;

#[derive(Debug, Default)]
pub struct Extracted {
    /// Regular files, symlinks and hard links written.
    pub files: u64,
    /// Bytes of regular files written.
    pub bytes: u64,
    /// Directories created (the top one included).
    pub dirs: u64,
    /// Whether the top entry is a directory.
    pub top_is_dir: bool,
    /// One line per entry skipped, saying why.
    pub skipped: Vec<String>,
    /// The modes and times of the extracted directories, still to be applied.
    pub dir_meta: Vec<DirMeta>,
}

/// A directory's mode and time from the archive, applied after placement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirMeta {
    /// Names below the top entry (empty: the top entry itself).
    pub rel: Vec<OsString>,
    pub mode: u32,
    pub mtime: Option<u64>,
}

/// Extracts `reader` into the directory `stage` (a path, opened once), naming the archive's top
/// entry `name`, and applies directory modes at the end. For callers that keep the tree where it
/// was extracted; a download uses [`extract_into`] and applies the modes after placement.
pub fn extract(
    reader: impl Read,
    stage: &Path,
    name: &OsStr,
    progress: &dyn Fn(u64),
) -> anyhow::Result<Extracted> {
    let dir = Dir::open_ambient_dir(stage, cap_std::ambient_authority())
        .with_context(|| format!("opening {}", stage.display()))?;
    let mut out = extract_into(
        reader,
        &dir,
        name,
        progress,
        &super::pack::Filter::default(),
    )?;
    let metas = std::mem::take(&mut out.dir_meta);
    apply_dir_meta(&dir, Some(name), &metas)?;
    Ok(out)
}

/// Extracts `reader` beneath the directory handle `stage`, naming the archive's top entry
/// `name` (Docker's archives hold one top entry: the base name of the path asked for), leaving
/// out the entries `filter` excludes (their bytes are read past, not written). `progress` is
/// called with each chunk of bytes written. Directory modes are returned, not applied. Fails
/// when nothing could be extracted.
pub fn extract_into(
    reader: impl Read,
    stage: &Dir,
    name: &OsStr,
    progress: &dyn Fn(u64),
    filter: &super::pack::Filter,
) -> anyhow::Result<Extracted> {
    let mut archive = tar::Archive::new(reader);
    let mut out = Extracted::default();
    let mut top: Option<Vec<u8>> = None;
    let mut walk = Walk::new(stage);
    let mut wrote_top = false;
    // The archive names of the regular files written so far: all a hard link may name.
    let mut written: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
    for entry in archive.entries().context("reading the archive")? {
        let mut entry = entry.context("reading the archive")?;
        let raw = entry.path_bytes().into_owned();
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let Some(parts) = plain_components(&raw) else {
            out.skipped
                .push(format!("`{shown}`: absolute or `..` path, skipped"));
            continue;
        };
        if parts.is_empty() {
            continue;
        }
        let first = parts[0].to_vec();
        match &top {
            None => top = Some(first),
            Some(t) if *t != first => {
                out.skipped
                    .push(format!("`{shown}`: outside the copied path, skipped"));
                continue;
            }
            Some(_) => {}
        }
        let rel: Vec<&OsStr> = parts[1..].iter().map(|p| OsStr::from_bytes(p)).collect();
        if !filter.keeps(&rel) {
            continue;
        }
        // The entry's names from the stage: the top entry's new name, then the archive's.
        let mut names: Vec<&OsStr> = Vec::with_capacity(rel.len() + 1);
        names.push(name);
        names.extend(rel.iter().copied());
        let (final_name, parent_names) = names.split_last().expect("at least the top");
        let parent = match walk.parent(parent_names, &mut out.dirs) {
            Ok(dir) => dir,
            Err(Refused::Skip(why)) => {
                out.skipped.push(format!("`{shown}`: {why}, skipped"));
                continue;
            }
            Err(Refused::Fail(e)) => return Err(e),
        };
        let header = entry.header();
        let mode = header.mode().unwrap_or(0o644) & KEPT_MODE_BITS;
        let mtime = header.mtime().ok();
        let kind = header.entry_type();
        let is_top = rel.is_empty();
        use tar::EntryType as T;
        let done: Result<(), Refused> = match kind {
            T::Directory => make_dir(parent, final_name, &mut out.dirs).map(|()| {
                if is_top {
                    out.top_is_dir = true;
                }
                out.dir_meta.push(DirMeta {
                    rel: rel.iter().map(|p| p.to_os_string()).collect(),
                    mode,
                    mtime,
                });
            }),
            T::Regular | T::Continuous | T::GNUSparse => {
                write_file(parent, final_name, &mut entry, mode, mtime, progress).map(|n| {
                    written.insert(parts.join(&b'/'));
                    out.files += 1;
                    out.bytes += n;
                })
            }
            T::Symlink => match entry.link_name_bytes().map(|t| t.into_owned()) {
                None => Err(Refused::Skip("symlink without a target".into())),
                Some(target) => clear_for_non_dir(parent, final_name).and_then(|()| {
                    parent
                        .symlink_contents(OsStr::from_bytes(&target), final_name)
                        .map_err(|e| refusal(e, "creating the symlink", &shown))
                        .map(|()| out.files += 1)
                }),
            },
            T::Link => match entry.link_name_bytes().map(|t| t.into_owned()) {
                None => Err(Refused::Skip("hard link without a target".into())),
                Some(target) => link_in_tree(stage, name, top.as_deref(), &target, &written)
                    .map_err(|why| {
                        Refused::Skip(format!(
                            "hard link to `{}` {why}",
                            String::from_utf8_lossy(&target)
                        ))
                    })
                    .and_then(|(src_dir, src_name)| {
                        clear_for_non_dir(parent, final_name)?;
                        src_dir
                            .hard_link(&src_name, parent, final_name)
                            .map_err(|e| refusal(e, "creating the hard link", &shown))
                    })
                    .map(|()| {
                        written.insert(parts.join(&b'/'));
                        out.files += 1
                    }),
            },
            T::Char | T::Block => Err(Refused::Skip("device node".into())),
            T::Fifo => Err(Refused::Skip("fifo".into())),
            other => Err(Refused::Skip(format!("unsupported entry type {other:?}"))),
        };
        match done {
            Ok(()) => wrote_top |= is_top,
            Err(Refused::Skip(why)) => out.skipped.push(format!("`{shown}`: {why}, skipped")),
            Err(Refused::Fail(e)) => return Err(e),
        }
    }
    if !wrote_top && out.files == 0 && out.dirs == 0 {
        bail!("the archive held nothing that could be copied");
    }
    Ok(out)
}

/// Applies the recorded directory modes and times to the tree whose top directory is `top` in
/// `parent` (`None`: `parent` itself is the top, and keeps its own mode), deepest first (a
/// read-only parent is set after its children). Each directory is reached from its parent's
/// handle without following symlinks; one that is no longer there (or no longer a directory) is
/// passed over.
pub fn apply_dir_meta(parent: &Dir, top: Option<&OsStr>, metas: &[DirMeta]) -> anyhow::Result<()> {
    let mut order: Vec<&DirMeta> = metas.iter().collect();
    order.sort_by_key(|m| std::cmp::Reverse(m.rel.len()));
    for meta in order {
        let mut names: Vec<&OsStr> = top.into_iter().collect();
        names.extend(meta.rel.iter().map(OsString::as_os_str));
        let Some((last, dirs)) = names.split_last() else {
            continue;
        };
        let Ok(mut dir) = parent.try_clone() else {
            continue;
        };
        let mut reached = true;
        for part in dirs {
            match dir.open_dir_nofollow(part) {
                Ok(d) => dir = d,
                Err(_) => {
                    reached = false;
                    break;
                }
            }
        }
        let Some(file) = reached.then(|| open_dir_fd(&dir, last).ok()).flatten() else {
            continue;
        };
        if let Some(t) = meta.mtime {
            let _ = file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(t));
        }
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(meta.mode))
            .context("setting a downloaded directory's mode")?;
    }
    Ok(())
}

/// A directory opened for `fchmod`/`futimens` (cap-std's own directory handles may be `O_PATH`,
/// which refuses both), never through a symlink.
fn open_dir_fd(parent: &Dir, name: &OsStr) -> io::Result<std::fs::File> {
    use std::os::fd::{AsRawFd, FromRawFd};
    let name = std::ffi::CString::new(name.as_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: a valid directory descriptor and a NUL-terminated name; the returned descriptor
    // is owned by the File.
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
    Ok(unsafe { std::fs::File::from_raw_fd(fd) })
}

/// Why an entry was not written: skipped with a warning, or a failure of the whole extraction.
enum Refused {
    Skip(String),
    Fail(anyhow::Error),
}

/// An entry the local file system cannot hold is skipped; anything else (a full disk, a
/// read-only target, permission denied) fails the download.
fn refusal(e: io::Error, doing: &str, shown: &str) -> Refused {
    match e.raw_os_error() {
        Some(libc::ENAMETOOLONG) => {
            Refused::Skip("its name is too long for the local file system".into())
        }
        Some(libc::EILSEQ | libc::EINVAL) => {
            Refused::Skip("the local file system does not accept its name".into())
        }
        _ => Refused::Fail(anyhow::Error::new(e).context(format!("{doing} `{shown}`"))),
    }
}

/// The directories an extraction is inside, as open handles: tar entries come in tree order,
/// so most entries reuse the handles of the one before.
struct Walk<'a> {
    stage: &'a Dir,
    open: Vec<(OsString, Dir)>,
}

impl<'a> Walk<'a> {
    fn new(stage: &'a Dir) -> Self {
        Walk {
            stage,
            open: Vec::new(),
        }
    }

    /// The handle of the directory `names` (from the stage), each one a real directory opened
    /// without following links, created (0700) when missing.
    fn parent(&mut self, names: &[&OsStr], dirs: &mut u64) -> Result<&Dir, Refused> {
        let common = self
            .open
            .iter()
            .zip(names)
            .take_while(|((open, _), want)| open.as_os_str() == **want)
            .count();
        self.open.truncate(common);
        for part in &names[common..] {
            let here = self.open.last().map_or(self.stage, |(_, d)| d);
            let next = match here.open_dir_nofollow(part) {
                Ok(d) => d,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    create_dir(here, part)
                        .map_err(|e| refusal(e, "creating", &part.to_string_lossy()))?;
                    *dirs += 1;
                    here.open_dir_nofollow(part)
                        .map_err(|e| Refused::Fail(e.into()))?
                }
                Err(e) => {
                    return Err(match here.symlink_metadata(part) {
                        Ok(m) if m.file_type().is_symlink() => {
                            Refused::Skip("its path goes through a symlink".into())
                        }
                        Ok(m) if !m.is_dir() => {
                            Refused::Skip("its path goes through a file".into())
                        }
                        _ => refusal(e, "opening", &part.to_string_lossy()),
                    });
                }
            };
            self.open.push((part.to_os_string(), next));
        }
        Ok(self.open.last().map_or(self.stage, |(_, d)| d))
    }
}

fn create_dir(parent: &Dir, name: &OsStr) -> io::Result<()> {
    let mut builder = DirBuilder::new();
    builder.mode(0o700);
    parent.create_dir_with(name, &builder)
}

/// A directory entry: an existing directory is kept, anything else at that name replaced.
fn make_dir(parent: &Dir, name: &OsStr, dirs: &mut u64) -> Result<(), Refused> {
    let shown = name.to_string_lossy();
    match parent.symlink_metadata(name) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => parent
            .remove_file(name)
            .map_err(|e| refusal(e, "replacing", &shown))?,
        Err(_) => {}
    }
    create_dir(parent, name).map_err(|e| refusal(e, "creating the directory", &shown))?;
    *dirs += 1;
    Ok(())
}

/// A regular file, created exclusively (never through a link), its mode set on the open file.
fn write_file(
    parent: &Dir,
    name: &OsStr,
    entry: &mut impl Read,
    mode: u32,
    mtime: Option<u64>,
    progress: &dyn Fn(u64),
) -> Result<u64, Refused> {
    let shown = name.to_string_lossy();
    // Most names are new: created at once, no stat first; a taken one is cleared, then created.
    let created = match parent.open_with(name, &new_private_file()) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            clear_for_non_dir(parent, name)?;
            parent.open_with(name, &new_private_file())
        }
        other => other,
    };
    let mut file = created
        .map_err(|e| refusal(e, "creating", &shown))?
        .into_std();
    let written = copy_counting(entry, &mut file, progress)
        .map_err(|e| Refused::Fail(anyhow::Error::new(e).context(format!("writing `{shown}`"))))?;
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(|e| Refused::Fail(e.into()))?;
    if let Some(t) = mtime {
        let _ = file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(t));
    }
    Ok(written)
}

/// Clears the way for a file or link: removes an earlier file or link of that name (never what
/// a link points at); refuses to replace a directory.
fn clear_for_non_dir(parent: &Dir, name: &OsStr) -> Result<(), Refused> {
    match parent.symlink_metadata(name) {
        Ok(m) if m.is_dir() => Err(Refused::Skip(
            "a directory of that name is already there".into(),
        )),
        Ok(_) => parent
            .remove_file(name)
            .map_err(|e| refusal(e, "replacing", &name.to_string_lossy())),
        Err(_) => Ok(()),
    }
}

/// The components of an archive path, or `None` when it is absolute or climbs with `..`.
/// Empty and `.` components are dropped.
pub fn plain_components(raw: &[u8]) -> Option<Vec<&[u8]>> {
    if raw.first() == Some(&b'/') {
        return None;
    }
    let mut parts = Vec::new();
    for part in raw.split(|b| *b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => return None,
            p => parts.push(p),
        }
    }
    Some(parts)
}

/// The directory handle and name of a hard link's target, if it is a regular file this
/// extraction wrote (`written`, by archive name) inside the tree, reached through real
/// directories only.
fn link_in_tree(
    stage: &Dir,
    name: &OsStr,
    top: Option<&[u8]>,
    target: &[u8],
    written: &std::collections::HashSet<Vec<u8>>,
) -> Result<(Dir, OsString), &'static str> {
    const OUTSIDE: &str = "leaves the copied tree";
    const NOT_FILE: &str = "is not a file in the copied tree";
    const NOT_WRITTEN: &str = "is not a file this download wrote";
    let parts = plain_components(target).ok_or(OUTSIDE)?;
    if parts.is_empty() || Some(parts[0]) != top {
        return Err(OUTSIDE);
    }
    if !written.contains(&parts.join(&b'/')) {
        return Err(NOT_WRITTEN);
    }
    let mut names: Vec<&OsStr> = vec![name];
    names.extend(parts[1..].iter().map(|p| OsStr::from_bytes(p)));
    let (last, dirs) = names.split_last().expect("at least the top");
    let mut dir = stage.try_clone().map_err(|_| NOT_FILE)?;
    for part in dirs {
        dir = dir.open_dir_nofollow(part).map_err(|_| NOT_FILE)?;
    }
    match dir.symlink_metadata(last) {
        Ok(m) if m.is_file() => Ok((dir, last.to_os_string())),
        _ => Err(NOT_FILE),
    }
}

/// Copies with a large buffer, reporting progress; returns the bytes copied.
pub fn copy_counting(
    from: &mut impl Read,
    to: &mut impl io::Write,
    progress: &dyn Fn(u64),
) -> io::Result<u64> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        to.write_all(&buf[..n])?;
        total += n as u64;
        progress(n as u64);
    }
    Ok(total)
}

/// Opening a file that must not exist yet (`O_EXCL`), never through a symlink, readable by its
/// owner alone until its mode is set: how a download creates its files and its staging lock.
pub(super) fn new_private_file() -> OpenOptions {
    let mut options = OpenOptions::new();
    options
        .write(true)
        .create_new(true)
        .mode(0o600)
        .follow(FollowSymlinks::No);
    options
}
#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::PathBuf;
    use tar::{EntryType, Header};

    /// A raw tar entry with any path, bypassing the tar crate's own path checks, as a hostile
    /// sandbox could produce.
    fn raw_entry(out: &mut Vec<u8>, path: &str, kind: EntryType, link: &str, data: &[u8]) {
        let mut header = Header::new_old();
        {
            let bytes = header.as_mut_bytes();
            bytes[..path.len()].copy_from_slice(path.as_bytes());
        }
        header.set_entry_type(kind);
        header.set_mode(if kind == EntryType::Directory {
            0o755
        } else {
            0o644
        });
        header.set_size(data.len() as u64);
        header.set_mtime(1_700_000_000);
        if !link.is_empty() {
            let bytes = header.as_mut_bytes();
            bytes[157..157 + link.len()].copy_from_slice(link.as_bytes());
        }
        header.set_cksum();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        out.extend(std::iter::repeat_n(0u8, pad));
    }

    fn finish(mut out: Vec<u8>) -> Vec<u8> {
        out.extend(std::iter::repeat_n(0u8, 1024));
        out
    }

    fn run(tar: &[u8]) -> (tempfile::TempDir, PathBuf, anyhow::Result<Extracted>) {
        let root = tempfile::tempdir().unwrap();
        let stage = root.path().join("stage");
        fs::create_dir(&stage).unwrap();
        let result = extract(tar, &stage, OsStr::new("out"), &|_| {});
        (root, stage, result)
    }

    /// Every path under `root` (relative), to prove nothing landed outside the stage.
    fn all_paths(root: &Path) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                found.push(p.strip_prefix(root).unwrap().display().to_string());
                if fs::symlink_metadata(&p).unwrap().is_dir() {
                    stack.push(p);
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn normal_tree_is_renamed_and_kept_exactly() {
        let mut t = Vec::new();
        raw_entry(&mut t, "src/", EntryType::Directory, "", b"");
        raw_entry(&mut t, "src/a b é.txt", EntryType::Regular, "", b"hello");
        raw_entry(&mut t, "src/empty/", EntryType::Directory, "", b"");
        raw_entry(&mut t, "src/link", EntryType::Symlink, "a b é.txt", b"");
        raw_entry(&mut t, "src/hard", EntryType::Link, "src/a b é.txt", b"");
        let (_root, stage, result) = run(&finish(t));
        let got = result.unwrap();
        assert!(got.top_is_dir);
        assert_eq!((got.files, got.bytes), (3, 5));
        assert!(got.skipped.is_empty(), "{:?}", got.skipped);
        let out = stage.join("out");
        assert_eq!(fs::read(out.join("a b é.txt")).unwrap(), b"hello");
        assert_eq!(fs::read(out.join("hard")).unwrap(), b"hello");
        assert_eq!(
            fs::read_link(out.join("link")).unwrap(),
            PathBuf::from("a b é.txt")
        );
        assert!(out.join("empty").is_dir());
        let mode = fs::metadata(out.join("a b é.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[test]
    fn dot_dot_and_absolute_paths_are_skipped() {
        let mut t = Vec::new();
        raw_entry(&mut t, "src/", EntryType::Directory, "", b"");
        raw_entry(&mut t, "src/../../evil", EntryType::Regular, "", b"x");
        raw_entry(&mut t, "/tmp/evil-abs", EntryType::Regular, "", b"x");
        raw_entry(&mut t, "../evil2", EntryType::Regular, "", b"x");
        raw_entry(&mut t, "other/evil3", EntryType::Regular, "", b"x");
        raw_entry(&mut t, "src/ok", EntryType::Regular, "", b"ok");
        let (root, stage, result) = run(&finish(t));
        let got = result.unwrap();
        assert_eq!(got.skipped.len(), 4, "{:?}", got.skipped);
        assert_eq!(
            all_paths(root.path()),
            vec!["stage", "stage/out", "stage/out/ok"]
        );
        assert!(!Path::new("/tmp/evil-abs").exists());
        assert_eq!(fs::read(stage.join("out/ok")).unwrap(), b"ok");
    }

    #[test]
    fn symlink_out_then_write_through_it_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        let mut t = Vec::new();
        raw_entry(&mut t, "src/", EntryType::Directory, "", b"");
        let target = outside.path().to_str().unwrap();
        raw_entry(&mut t, "src/escape", EntryType::Symlink, target, b"");
        raw_entry(&mut t, "src/escape/pwned", EntryType::Regular, "", b"x");
        raw_entry(&mut t, "src/escape/", EntryType::Directory, "", b"");
        raw_entry(&mut t, "src/up", EntryType::Symlink, "..", b"");
        raw_entry(&mut t, "src/up/pwned2", EntryType::Regular, "", b"x");
        let (_root, stage, result) = run(&finish(t));
        let got = result.unwrap();
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
        assert!(!stage.join("pwned2").exists());
        assert!(got.skipped.iter().any(|s| s.contains("through a symlink")));
        // The `escape/` directory entry replaced the link with a real directory.
        assert!(
            fs::symlink_metadata(stage.join("out/escape"))
                .unwrap()
                .is_dir()
        );
    }

    #[test]
    fn file_over_an_earlier_symlink_replaces_the_link_not_its_target() {
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        fs::write(&victim, b"safe").unwrap();
        let mut t = Vec::new();
        raw_entry(&mut t, "src/", EntryType::Directory, "", b"");
        raw_entry(
            &mut t,
            "src/f",
            EntryType::Symlink,
            victim.to_str().unwrap(),
            b"",
        );
        raw_entry(&mut t, "src/f", EntryType::Regular, "", b"overwritten?");
        let (_root, stage, result) = run(&finish(t));
        result.unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"safe");
        assert_eq!(fs::read(stage.join("out/f")).unwrap(), b"overwritten?");
    }

    #[test]
    fn hard_links_out_of_the_tree_are_skipped() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        fs::write(&secret, b"secret").unwrap();
        let mut t = Vec::new();
        raw_entry(&mut t, "src/", EntryType::Directory, "", b"");
        raw_entry(
            &mut t,
            "src/h1",
            EntryType::Link,
            secret.to_str().unwrap(),
            b"",
        );
        raw_entry(
            &mut t,
            "src/h2",
            EntryType::Link,
            "src/../../etc/passwd",
            b"",
        );
        raw_entry(
            &mut t,
            "src/l",
            EntryType::Symlink,
            secret.to_str().unwrap(),
            b"",
        );
        raw_entry(&mut t, "src/h3", EntryType::Link, "src/l", b"");
        let (_root, stage, result) = run(&finish(t));
        let got = result.unwrap();
        assert_eq!(got.skipped.len(), 3, "{:?}", got.skipped);
        assert!(!stage.join("out/h1").exists());
        assert!(!stage.join("out/h2").exists());
        assert!(!stage.join("out/h3").exists());
        // Only one link to the secret exists: the original.
        use std::os::unix::fs::MetadataExt;
        assert_eq!(fs::metadata(&secret).unwrap().nlink(), 1);
    }

    #[test]
    fn devices_and_fifos_are_skipped_with_a_reason() {
        let mut t = Vec::new();
        raw_entry(&mut t, "src/", EntryType::Directory, "", b"");
        raw_entry(&mut t, "src/null", EntryType::Char, "", b"");
        raw_entry(&mut t, "src/disk", EntryType::Block, "", b"");
        raw_entry(&mut t, "src/pipe", EntryType::Fifo, "", b"");
        let (_root, stage, result) = run(&finish(t));
        let got = result.unwrap();
        assert_eq!(got.skipped.len(), 3);
        assert!(got.skipped[0].contains("device node"));
        assert!(got.skipped[2].contains("fifo"));
        assert_eq!(fs::read_dir(stage.join("out")).unwrap().count(), 0);
    }

    #[test]
    fn setuid_bits_are_dropped_and_read_only_dirs_still_filled() {
        let mut t = Vec::new();
        let mut header = Header::new_gnu();
        header.set_entry_type(EntryType::Directory);
        header.set_mode(0o555);
        header.set_size(0);
        let mut b = tar::Builder::new(Vec::new());
        b.append_data(&mut header, "src/", io::empty()).unwrap();
        let mut header = Header::new_gnu();
        header.set_entry_type(EntryType::Regular);
        header.set_mode(0o4755);
        header.set_size(2);
        b.append_data(&mut header, "src/tool", &b"hi"[..]).unwrap();
        t.extend(b.into_inner().unwrap());
        let (_root, stage, result) = run(&finish(t));
        result.unwrap();
        let out = stage.join("out");
        let tool = fs::metadata(out.join("tool")).unwrap().permissions().mode();
        assert_eq!(tool & 0o7777, 0o755);
        assert_eq!(
            fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o555
        );
        fs::set_permissions(&out, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn empty_or_hostile_only_archives_fail() {
        let (_r, _s, result) = run(&finish(Vec::new()));
        assert!(result.is_err());
        let mut t = Vec::new();
        raw_entry(&mut t, "../x", EntryType::Regular, "", b"x");
        let (_r, _s, result) = run(&finish(t));
        assert!(result.is_err());
    }

    #[test]
    fn a_single_file_takes_the_new_name() {
        let mut t = Vec::new();
        raw_entry(&mut t, "data.bin", EntryType::Regular, "", b"\x00\x01\x02");
        let (_root, stage, result) = run(&finish(t));
        let got = result.unwrap();
        assert!(!got.top_is_dir);
        assert_eq!(fs::read(stage.join("out")).unwrap(), b"\x00\x01\x02");
    }

    #[test]
    fn components() {
        assert_eq!(
            plain_components(b"a/./b//c/").unwrap(),
            vec![&b"a"[..], b"b", b"c"]
        );
        assert!(plain_components(b"/a").is_none());
        assert!(plain_components(b"a/../b").is_none());
    }
}
