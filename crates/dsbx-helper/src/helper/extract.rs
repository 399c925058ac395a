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
//! A hard link entry is made only to a file this extraction created afresh whose entry the host
//! marked (`DSBX.linked`), from a handle held since it was created (see `Written`): never to a
//! name looked up again, which the sandbox may have swapped meanwhile.
//!
//! Exit 0 when everything landed; 1 with one line on stderr naming the entry otherwise (what
//! came before it stays, as with the archive API); 126 for an unknown user.

use super::user_switch;
use crate::target_rules::Placement;
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, SystemTimeSpec};
use cap_std::fs::{Dir, DirBuilder, DirBuilderExt, OpenOptions, OpenOptionsExt};
use std::ffi::{CString, OsString};
use std::fs;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
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
        let marked = is_marked(&mut entry)?;
        let header = entry.header();
        let mode = match to.root_mode {
            Some(m) if is_root => m,
            _ => header.mode().unwrap_or(0o644) & 0o7777,
        };
        let mtime = header.mtime().unwrap_or(0);
        let kind = header.entry_type();
        let failed = |e: io::Error| format!("{}: {}", shown(&rel), plain(&e));
        // Whatever lands at `rel` now, an earlier file of that name is no longer linkable.
        written.forget(&rel);
        if kind.is_dir() {
            make_dir(&mut walk, &rel, mode, mtime, &mut dirs).map_err(failed)?;
        } else if kind.is_file() {
            let (parent, name) = walk.parent_of(&rel).map_err(failed)?;
            let size = entry.size();
            let (file, fresh) =
                write_file(&mut entry, size, parent, name, mode, mtime).map_err(failed)?;
            if marked && fresh {
                written.keep(&rel, &file).map_err(failed)?;
            }
        } else if kind.is_hard_link() {
            let target = entry
                .link_name()
                .map_err(|e| format!("reading the upload: {e}"))?
                .ok_or_else(|| format!("{}: a hard link without a target", shown(&rel)))?
                .into_owned();
            let target_rel = placed(&target, to.place.map(|_| base.as_path()));
            written
                .link(&mut walk, &target, &target_rel, &rel)
                .map_err(|why| format!("{}: {why}", shown(&rel)))?;
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

/// The PAX record key the host puts on a file entry that a later hard link entry names
/// (`transfer::pack`): only such a file, created by this extraction, is kept open to link to.
pub const LINKED_KEY: &str = "DSBX.linked";

/// The most marked files one extraction keeps open: a link to any beyond is refused, loudly.
pub const MAX_LINKED: usize = 100_000;

/// Appends a PAX extended header marking the next entry as the first name of a file that later
/// `Link` entries name. Readers that do not know the key (older helpers, Docker's extraction)
/// ignore it.
pub fn append_linked_mark<W: io::Write>(builder: &mut tar::Builder<W>) -> io::Result<()> {
    let record = pax_record(LINKED_KEY, "1");
    let mut header = tar::Header::new_ustar();
    header.set_entry_type(tar::EntryType::XHeader);
    header.set_path("PaxHeader")?;
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_size(record.len() as u64);
    header.set_cksum();
    builder.append(&header, record.as_slice())
}

/// One PAX record, `LEN KEY=VALUE\n`, LEN counting itself.
fn pax_record(key: &str, value: &str) -> Vec<u8> {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while len.to_string().len() + body.len() != len {
        len += 1;
    }
    format!("{len}{body}").into_bytes()
}

/// Whether the entry carries the host's mark (see [`append_linked_mark`]).
fn is_marked(entry: &mut tar::Entry<'_, impl Read>) -> Result<bool, String> {
    let bad = |e: io::Error| format!("reading the upload: {e}");
    let Some(records) = entry.pax_extensions().map_err(bad)? else {
        return Ok(false);
    };
    for record in records {
        let record = record.map_err(bad)?;
        if record.key_bytes() == LINKED_KEY.as_bytes() {
            return Ok(record.value_bytes() == b"1");
        }
    }
    Ok(false)
}

/// What a hard link entry may name: files this extraction created afresh (`O_EXCL`) whose
/// entry the host marked, each held by an `O_PATH` handle. The handle pins the inode (its number
/// cannot be reused by a file the sandbox makes) and is what the link is made from, so the
/// first name is never looked up again: a sandbox that swaps, renames or recreates it meanwhile
/// cannot get its own file linked somewhere it could not write.
struct Written {
    /// At most this many handles ([`MAX_LINKED`]; smaller in tests).
    cap: usize,
    handles: Vec<OwnedFd>,
    by_name: std::collections::HashMap<PathBuf, Linkable>,
    /// Whether the soft limit on open files was raised to the hard one already.
    raised: bool,
}

#[derive(Clone, Copy)]
enum Linkable {
    Handle(usize),
    /// Marked, but beyond [`MAX_LINKED`]: a link to it is refused.
    OverCap,
}

impl Default for Written {
    fn default() -> Self {
        Written {
            cap: MAX_LINKED,
            handles: Vec::new(),
            by_name: Default::default(),
            raised: false,
        }
    }
}

impl Written {
    fn forget(&mut self, rel: &Path) {
        self.by_name.remove(rel);
    }

    /// Keeps a handle of `file`, just created at `rel`, for the links to come. Reopened through
    /// `/proc/self/fd` (the kernel's own reference, not the name) so it is the very same inode.
    fn keep(&mut self, rel: &Path, file: &fs::File) -> io::Result<()> {
        if self.handles.len() >= self.cap {
            self.by_name.insert(rel.to_path_buf(), Linkable::OverCap);
            return Ok(());
        }
        let handle = match reopen_path(file) {
            Err(e) if e.raw_os_error() == Some(libc::EMFILE) && !self.raised => {
                self.raised = true;
                raise_open_files_limit();
                reopen_path(file)?
            }
            other => other?,
        };
        self.handles.push(handle);
        self.by_name
            .insert(rel.to_path_buf(), Linkable::Handle(self.handles.len() - 1));
        Ok(())
    }

    /// Makes `rel` a second name of the file the tar named `target` (landed at `target_rel`),
    /// linking from the kept handle into `rel`'s parent, reached as every entry's is (inside the
    /// target, no link followed, an exclusive create).
    fn link(
        &mut self,
        walk: &mut Walk<'_>,
        target: &Path,
        target_rel: &Path,
        rel: &Path,
    ) -> Result<(), String> {
        let shown_target = target.display();
        if !is_plain_relative(target) || !is_plain_relative(target_rel) {
            return Err(format!(
                "a hard link to `{shown_target}` outside the target, refused"
            ));
        }
        let index = match self.by_name.get(target_rel) {
            Some(Linkable::Handle(index)) => *index,
            Some(Linkable::OverCap) => {
                return Err(format!(
                    "a hard link to `{shown_target}`, beyond the {} linked files one upload may \
                     hold open, refused",
                    self.cap
                ));
            }
            None => {
                return Err(format!(
                    "a hard link to `{shown_target}`, not a file this upload created for \
                     linking, refused"
                ));
            }
        };
        let handle = &self.handles[index];
        if !still_ours(handle) {
            return Err(format!(
                "a hard link to `{shown_target}`, which changed meanwhile, refused"
            ));
        }
        let (parent, name) = walk.parent_of(rel).map_err(|e| plain(&e))?;
        if let Ok(m) = parent.symlink_metadata(name) {
            remove(parent, name, m.is_dir()).map_err(|e| plain(&e))?;
        }
        link_from_handle(handle, parent, name).map_err(|e| plain(&e))?;
        self.by_name
            .insert(rel.to_path_buf(), Linkable::Handle(index));
        Ok(())
    }
}

/// An `O_PATH` handle of the inode `file` is open on.
fn reopen_path(file: &fs::File) -> io::Result<OwnedFd> {
    let from = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: a NUL-terminated path; the descriptor returned is owned at once. No O_NOFOLLOW:
    // it would open the /proc magic link itself instead of the file it stands for.
    let fd = unsafe { libc::open(from.as_ptr(), libc::O_PATH | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A file this extraction may still link to: a regular file, with a name somewhere (not
/// unlinked or renamed over), owned by the user the extraction writes as.
fn still_ours(handle: &OwnedFd) -> bool {
    // SAFETY: fstat(2) into a zeroed stat of our own.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(handle.as_raw_fd(), &mut st) } != 0 {
        return false;
    }
    // SAFETY: geteuid(2) cannot fail.
    let euid = unsafe { libc::geteuid() };
    st.st_mode & libc::S_IFMT == libc::S_IFREG && st.st_nlink >= 1 && st.st_uid == euid
}

/// `linkat` from the handle's inode to `name` in `parent`, never replacing what is there.
/// Through `/proc/self/fd` with `AT_SYMLINK_FOLLOW`: `AT_EMPTY_PATH` would need
/// `CAP_DAC_READ_SEARCH`, which a sandbox's root lacks.
fn link_from_handle(handle: &OwnedFd, parent: &Dir, name: &std::ffi::OsStr) -> io::Result<()> {
    let from = CString::new(format!("/proc/self/fd/{}", handle.as_raw_fd()))
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let name =
        CString::new(name.as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: NUL-terminated paths and a valid directory descriptor.
    let done = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            from.as_ptr(),
            parent.as_raw_fd(),
            name.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if done != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Up to the hard limit: an upload of many linked files keeps one handle each.
fn raise_open_files_limit() {
    // SAFETY: getrlimit/setrlimit on our own process with a struct of our own.
    unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
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
) -> io::Result<(fs::File, bool)> {
    // Most names are new: created at once (no stat first), with the header's mode unless it has
    // setuid, setgid or sticky bits (a write clears the first two): those are set after the
    // content.
    let at_once = mode & 0o7000 == 0;
    // `moded`: created with the header's mode already; a replaced file still needs it set.
    let (mut file, fresh, moded) =
        match create_new(parent, name, if at_once { mode } else { 0o600 }) {
            Ok(file) => (file, true, at_once),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let (file, fresh) = replace(parent, name)?;
                (file, fresh, false)
            }
            Err(e) => return Err(e),
        };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    copy(entry, size, &mut file)?;
    if !moded {
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime);
    file.set_times(fs::FileTimes::new().set_modified(time).set_accessed(time))?;
    Ok((file, fresh))
}

/// The file for an entry whose name is taken: what is there is removed (never followed) and the
/// file created anew (`true`: fresh), or, in a directory the user may not change, a file of
/// theirs rewritten (`false`: it was there before, so it never becomes linkable).
fn replace(parent: &Dir, name: &std::ffi::OsStr) -> io::Result<(fs::File, bool)> {
    let existing = parent.symlink_metadata(name)?;
    if existing.is_dir() {
        parent.remove_dir_all(name)?;
        return Ok((create_new(parent, name, 0o600)?, true));
    }
    match parent.remove_file(name) {
        Ok(()) => Ok((create_new(parent, name, 0o600)?, true)),
        // The directory is not the user's to change, the file may be theirs to write.
        Err(e) if existing.is_file() && e.kind() == io::ErrorKind::PermissionDenied => {
            let mut options = OpenOptions::new();
            options
                .write(true)
                .truncate(true)
                .follow(FollowSymlinks::No)
                .custom_flags(libc::O_NONBLOCK);
            Ok((parent.open_with(name, &options)?.into_std(), false))
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
            append_linked_mark(b).unwrap();
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
        let mut tar = tar_of(|b| marked_file(b, "a", b"x"));
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

    fn marked_file(b: &mut tar::Builder<&mut Vec<u8>>, name: &str, data: &[u8]) {
        append_linked_mark(b).unwrap();
        let mut h = header(tar::EntryType::Regular, 0o644, data.len() as u64);
        b.append_data(&mut h, name, data).unwrap();
    }

    fn plain_file(b: &mut tar::Builder<&mut Vec<u8>>, name: &str, data: &[u8]) {
        let mut h = header(tar::EntryType::Regular, 0o644, data.len() as u64);
        b.append_data(&mut h, name, data).unwrap();
    }

    /// A tar of `first`'s entries, and one of `then`'s (with the end of the archive), so that a
    /// reader can act as the sandbox between them.
    fn split_tar(
        first: impl FnOnce(&mut tar::Builder<&mut Vec<u8>>),
        then: impl FnOnce(&mut tar::Builder<&mut Vec<u8>>),
    ) -> (Vec<u8>, Vec<u8>) {
        let mut head = tar_of(first);
        head.truncate(head.len() - 1024);
        (head, tar_of(then))
    }

    /// Reads `first`, then runs `act` once (the sandbox's move once the entries of `first` have
    /// landed), then reads `rest`.
    struct Between<'a, F: FnMut()> {
        first: &'a [u8],
        rest: &'a [u8],
        act: Option<F>,
    }

    impl<F: FnMut()> Read for Between<'_, F> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if !self.first.is_empty() {
                return self.first.read(buf);
            }
            if let Some(mut act) = self.act.take() {
                act();
            }
            self.rest.read(buf)
        }
    }

    /// A file of uid 1000's (not the extraction's), mode 0666, at `path`.
    fn attacker_file(path: &Path) {
        fs::write(path, b"attacker").unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(0o666)).unwrap();
        std::os::unix::fs::chown(path, Some(1000), Some(1000)).unwrap();
    }

    fn canary(dir: &Path) -> PathBuf {
        let canary = dir.join("canary");
        fs::write(&canary, b"keep").unwrap();
        canary
    }

    #[test]
    fn a_first_name_whose_inode_the_sandbox_reuses_is_not_linkable() {
        let dst = tempfile::tempdir().unwrap();
        let (head, rest) = split_tar(
            |b| marked_file(b, "tool", b"root's"),
            |b| with_link(b, "bin-tool", "tool"),
        );
        let first = dst.path().join("tool");
        let mut reused = None;
        let attack = || {
            // Unlink the landed file, then make files until one gets its inode number back (as
            // ext4 and overlay hand a freed number out again), and put it at the first name.
            let ino = fs::metadata(&first).unwrap().ino();
            fs::remove_file(&first).unwrap();
            let mut mine = dst.path().join("mine-0");
            for i in 0..2000 {
                mine = dst.path().join(format!("mine-{i}"));
                attacker_file(&mine);
                if fs::metadata(&mine).unwrap().ino() == ino {
                    reused = Some(i);
                    break;
                }
            }
            fs::rename(&mine, &first).unwrap();
        };
        let err = extract(
            Between {
                first: &head,
                rest: &rest,
                act: Some(attack),
            },
            dst.path(),
        )
        .unwrap_err();
        assert!(err.contains("changed meanwhile, refused"), "{err}");
        // The helper's handle kept the inode: its number was never free to hand out.
        assert_eq!(reused, None);
        assert!(!dst.path().join("bin-tool").exists());
        let theirs = fs::metadata(&first).unwrap();
        assert_eq!((theirs.uid(), theirs.nlink()), (1000, 1));
        assert_eq!(fs::read(&first).unwrap(), b"attacker");
    }

    #[test]
    fn a_first_name_renamed_over_between_entries_is_not_linked() {
        let outside = tempfile::tempdir().unwrap();
        let canary = canary(outside.path());
        // Renamed over: the file landed has no name left, so the link is refused.
        let dst = tempfile::tempdir().unwrap();
        let (head, rest) = split_tar(
            |b| marked_file(b, "a", b"root's"),
            |b| with_link(b, "b", "a"),
        );
        let at = dst.path().join("a");
        let mine = dst.path().join("mine");
        let attack = || {
            attacker_file(&mine);
            fs::rename(&mine, &at).unwrap();
        };
        let err = extract(
            Between {
                first: &head,
                rest: &rest,
                act: Some(attack),
            },
            dst.path(),
        )
        .unwrap_err();
        assert!(err.contains("changed meanwhile, refused"), "{err}");
        assert!(!dst.path().join("b").exists());
        assert_eq!(fs::metadata(&at).unwrap().nlink(), 1);
        // Kept alive under another name first: the link names the file that landed, never
        // the sandbox's file now at the first name.
        let dst = tempfile::tempdir().unwrap();
        let at = dst.path().join("a");
        let kept = dst.path().join("kept");
        let mine = dst.path().join("mine");
        let mut landed = 0;
        let attack = || {
            landed = fs::metadata(&at).unwrap().ino();
            fs::hard_link(&at, &kept).unwrap();
            attacker_file(&mine);
            fs::rename(&mine, &at).unwrap();
        };
        extract(
            Between {
                first: &head,
                rest: &rest,
                act: Some(attack),
            },
            dst.path(),
        )
        .unwrap();
        let b = fs::metadata(dst.path().join("b")).unwrap();
        assert_eq!((b.ino(), b.uid(), b.nlink()), (landed, 0, 2));
        assert_eq!(fs::read(dst.path().join("b")).unwrap(), b"root's");
        assert_eq!(fs::metadata(&at).unwrap().nlink(), 1);
        assert_eq!(fs::read(&at).unwrap(), b"attacker");
        assert_eq!(fs::read(&canary).unwrap(), b"keep");
        assert_eq!(fs::metadata(&canary).unwrap().nlink(), 1);
    }

    #[test]
    fn a_file_rewritten_in_place_is_not_linkable() {
        let dst = tempfile::tempdir().unwrap();
        let pre = dst.path().join("pre");
        fs::write(&pre, b"there before").unwrap();
        // Append-only: its entries cannot be removed (not even by root), so `pre` is rewritten
        // in place, as in a directory the user may not change.
        let chattr = |flag: &str| {
            let out = std::process::Command::new("chattr")
                .arg(flag)
                .arg(dst.path())
                .output()
                .expect("this test needs chattr (e2fsprogs)");
            assert!(out.status.success(), "chattr {flag}: {out:?}");
        };
        chattr("+a");
        let tar = tar_of(|b| {
            marked_file(b, "pre", b"new");
            with_link(b, "evil", "pre");
        });
        let err = extract(tar.as_slice(), dst.path()).unwrap_err();
        chattr("-a");
        assert!(
            err.contains("evil: a hard link to `pre`, not a file this upload created"),
            "{err}"
        );
        assert_eq!(fs::read(&pre).unwrap(), b"new");
        assert_eq!(fs::metadata(&pre).unwrap().nlink(), 1);
        assert!(!dst.path().join("evil").exists());
    }

    #[test]
    fn a_replaced_file_takes_the_header_mode() {
        let dst = tempfile::tempdir().unwrap();
        fs::write(dst.path().join("f"), b"old").unwrap();
        let tar = tar_of(|b| {
            let mut h = header(tar::EntryType::Regular, 0o751, 3);
            b.append_data(&mut h, "f", &b"new"[..]).unwrap();
        });
        extract(tar.as_slice(), dst.path()).unwrap();
        let f = fs::metadata(dst.path().join("f")).unwrap();
        assert_eq!(f.mode() & 0o7777, 0o751);
        assert_eq!(fs::read(dst.path().join("f")).unwrap(), b"new");
    }

    #[test]
    fn an_unmarked_first_name_is_not_linkable() {
        let dst = tempfile::tempdir().unwrap();
        let tar = tar_of(|b| {
            plain_file(b, "a", b"x");
            with_link(b, "b", "a");
        });
        let err = extract(tar.as_slice(), dst.path()).unwrap_err();
        assert!(err.contains("not a file this upload created"), "{err}");
        assert!(!dst.path().join("b").exists());
        assert_eq!(fs::metadata(dst.path().join("a")).unwrap().nlink(), 1);
    }

    #[test]
    fn a_marked_first_name_is_linked_to_the_same_inode() {
        let dst = tempfile::tempdir().unwrap();
        let tar = tar_of(|b| {
            marked_file(b, "a", b"x");
            with_link(b, "b", "a");
        });
        extract(tar.as_slice(), dst.path()).unwrap();
        let a = fs::metadata(dst.path().join("a")).unwrap();
        let b = fs::metadata(dst.path().join("b")).unwrap();
        assert_eq!((a.ino(), a.nlink()), (b.ino(), 2));
    }

    #[test]
    fn a_name_written_again_unmarked_is_no_longer_linkable() {
        let dst = tempfile::tempdir().unwrap();
        let tar = tar_of(|b| {
            marked_file(b, "a", b"x");
            plain_file(b, "a", b"y");
            with_link(b, "b", "a");
        });
        let err = extract(tar.as_slice(), dst.path()).unwrap_err();
        assert!(err.contains("not a file this upload created"), "{err}");
        assert!(!dst.path().join("b").exists());
    }

    #[test]
    fn marks_beyond_the_cap_are_refused_at_the_link() {
        let dst = tempfile::tempdir().unwrap();
        let top = Dir::open_ambient_dir(dst.path(), cap_std::ambient_authority()).unwrap();
        let mut walk = Walk {
            top: &top,
            open: Vec::new(),
        };
        let mut written = Written {
            cap: 1,
            ..Written::default()
        };
        for name in ["a", "b"] {
            let file = create_new(&top, name.as_ref(), 0o644).unwrap();
            written.keep(Path::new(name), &file).unwrap();
        }
        let link = |w: &mut Written, walk: &mut Walk<'_>, to: &str, name: &str| {
            w.link(walk, Path::new(to), Path::new(to), Path::new(name))
        };
        link(&mut written, &mut walk, "a", "a2").unwrap();
        let err = link(&mut written, &mut walk, "b", "b2").unwrap_err();
        assert_eq!(
            err,
            "a hard link to `b`, beyond the 1 linked files one upload may hold open, refused"
        );
        assert!(!dst.path().join("b2").exists());
        assert_eq!(fs::metadata(dst.path().join("a2")).unwrap().nlink(), 2);
    }

    #[test]
    fn the_mark_is_one_well_formed_pax_record() {
        assert_eq!(pax_record(LINKED_KEY, "1"), b"17 DSBX.linked=1\n");
        // 98 bytes after the length: 100 with two digits, so three it is.
        let record = pax_record("k", &"v".repeat(94));
        assert!(record.starts_with(b"101 k=v"));
        assert_eq!(record.len(), 101);
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
