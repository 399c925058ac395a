//! `__helper pack --user SPEC [--exclude NAME]… [--max-depth N] [--stat | --lstat] PATH`: the
//! read side of downloads and of `files read`/`info`/`exists`, as the sandbox's user (or as root
//! with `--user 0`, for `download --root`). The tree of a download leaves out what the filter
//! excludes (`files download-dir`'s excludes and depth, see `tree_filter`).
//!
//! The process drops to the user before it looks at any path, so the kernel's permission checks
//! are the user's: a root-only file cannot be read, and a symlink the user planted leads nowhere
//! the user could not go. PATH (relative: from the working directory, which is the sandbox's) is
//! opened once with its final symlink followed, as the archive API does; everything below it is
//! reached from directory handles one name at a time without following links (`cap-std`,
//! `O_NOFOLLOW`), so a directory swapped for a symlink mid-walk cannot lead the walk out of the
//! tree, even for root. Symlinks are kept as links; fifos and devices become their tar entries
//! (the host skips them) and are never opened; sockets are left out, as Docker leaves them.
//!
//! Stdout: one JSON line ([`PackHeader`]), then, for a readable file or directory when neither
//! `--stat` nor `--lstat` was given, a tar of it named as Docker names it (the base name as the
//! top entry, `dir/` for directories), with modes, times and ids. A failure once the tar has
//! begun (a file the user may not read deep in the tree) ends it unfinished, with one line on
//! stderr and exit 1; 126 for an unknown user.

use super::user_switch;
use crate::remote_stat::{PackHeader, RemoteStat, go_mode};
use crate::tree_filter::Filter;
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt};
use cap_std::fs::{Dir, OpenOptions, OpenOptionsExt};
use std::ffi::{CString, OsStr, OsString};
use std::fs::{File, Metadata};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Bytes buffered before a write to stdout (the channel's data frames are 64 KiB).
const BUFFER: usize = 256 << 10;

/// What the caller asked for besides the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// The header and the tar.
    Tar,
    /// The header only, the final symlink followed (`files exists`).
    Stat,
    /// The header only, of a final symlink itself (`files info`).
    Lstat,
}

pub fn run(args: &[OsString]) -> i32 {
    let words: Vec<&OsStr> = args.iter().map(OsString::as_os_str).collect();
    let bad = || {
        eprintln!("dsbx helper: bad pack call: {args:?}");
        125
    };
    let [flag, spec, rest @ ..] = words.as_slice() else {
        return bad();
    };
    let Some((filter, rest)) = Filter::take_args(rest).filter(|_| *flag == "--user") else {
        return bad();
    };
    let (want, path) = match rest {
        [path] => (Want::Tar, path),
        [mode, path] if *mode == "--stat" => (Want::Stat, path),
        [mode, path] if *mode == "--lstat" => (Want::Lstat, path),
        _ => return bad(),
    };
    let spec = spec.to_string_lossy();
    if let Err(e) = user_switch::become_spec(&spec) {
        eprintln!("{e}");
        return 126;
    }
    let asked = absolute(Path::new(path));
    let mut out = io::BufWriter::with_capacity(BUFFER, io::stdout().lock());
    let result =
        pack(&asked, want, &filter, &mut out).and_then(|()| out.flush().map_err(|e| e.to_string()));
    match result {
        Ok(()) => 0,
        // Stdout closed: the reader left, nothing to say.
        Err(message) if message.contains("Broken pipe") => 1,
        Err(message) => {
            let _ = out.flush();
            eprintln!("{message}");
            1
        }
    }
}

/// PATH from the working directory, `.` and `..` resolved lexically (as `transfer::remote`
/// resolves the REMOTE of the engine's path).
fn absolute(path: &Path) -> String {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut parts: Vec<&OsStr> = Vec::new();
    for part in joined.as_os_str().as_bytes().split(|b| *b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                parts.pop();
            }
            p => parts.push(OsStr::from_bytes(p)),
        }
    }
    let mut abs = Vec::new();
    for p in parts {
        abs.push(b'/');
        abs.extend_from_slice(p.as_bytes());
    }
    if abs.is_empty() {
        abs.push(b'/');
    }
    String::from_utf8_lossy(&abs).into_owned()
}

fn header_line(out: &mut impl Write, header: &PackHeader) -> Result<(), String> {
    let line = serde_json::to_string(header).map_err(|e| e.to_string())?;
    writeln!(out, "{line}").map_err(|e| e.to_string())
}

fn pack(asked: &str, want: Want, filter: &Filter, out: &mut impl Write) -> Result<(), String> {
    let refused = |e: &io::Error| match e.raw_os_error() {
        Some(libc::EACCES) | Some(libc::EPERM) => Some(PackHeader::Denied {
            asked: asked.to_string(),
        }),
        Some(libc::ENOENT) | Some(libc::ENOTDIR) | Some(libc::ELOOP) => Some(PackHeader::Missing {
            asked: asked.to_string(),
        }),
        _ => None,
    };
    if want == Want::Lstat {
        let header = match std::fs::symlink_metadata(asked) {
            Ok(meta) => PackHeader::Found {
                asked: asked.to_string(),
                path: asked.to_string(),
                stat: describe(Path::new(asked), &meta),
            },
            Err(e) => refused(&e).ok_or_else(|| format!("{asked}: {e}"))?,
        };
        return header_line(out, &header);
    }
    let top = match open_path(asked) {
        Ok(fd) => fd,
        Err(e) => return header_line(out, &refused(&e).ok_or_else(|| format!("{asked}: {e}"))?),
    };
    let proc_path = format!("/proc/self/fd/{}", top.as_raw_fd());
    let resolved = std::fs::read_link(&proc_path)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| asked.to_string());
    let meta = File::from(top.try_clone().map_err(|e| e.to_string())?)
        .metadata()
        .map_err(|e| format!("{asked}: {e}"))?;
    let stat = describe(Path::new(&resolved), &meta);
    let found = PackHeader::Found {
        asked: asked.to_string(),
        path: resolved.clone(),
        stat,
    };
    if want == Want::Stat || !(meta.is_dir() || meta.is_file()) {
        return header_line(out, &found);
    }
    // Reopened to read: the kernel checks read permission now (an `O_PATH` handle needs none).
    // Nonblocking, so a file swapped for a fifo in between cannot stall the read.
    let mut reopen = std::fs::OpenOptions::new();
    reopen.read(true);
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut reopen, libc::O_NONBLOCK | libc::O_NOCTTY);
    let readable = reopen.open(&proc_path);
    let file = match readable {
        Ok(f) => f,
        Err(e) => return header_line(out, &refused(&e).ok_or_else(|| format!("{asked}: {e}"))?),
    };
    header_line(out, &found)?;
    let name = Path::new(&resolved)
        .file_name()
        .map(OsStr::to_os_string)
        .unwrap_or_else(|| OsString::from("root"));
    // A tar::Builder ends its archive when dropped: a failed one must not look complete.
    let mut builder = std::mem::ManuallyDrop::new(tar::Builder::new(out));
    builder.follow_symlinks(false);
    if meta.is_dir() {
        let dir = Dir::from_std_file(file);
        let mut top_name = name.as_bytes().to_vec();
        top_name.push(b'/');
        let facts = Facts::of_fd(&dir).map_err(|e| e.to_string())?;
        let mut tree = Tree {
            shown: Shown(resolved),
            linked: Linked::default(),
            filter,
            below: Vec::new(),
        };
        append_entry(&mut builder, &top_name, &facts, Body::Empty, &tree.shown)?;
        walk(&mut builder, &dir, &top_name, &mut tree)?;
    } else {
        let facts = Facts::of_fd(&file).map_err(|e| e.to_string())?;
        let size = meta.len();
        append_entry(
            &mut builder,
            name.as_bytes(),
            &facts,
            Body::File(file, size),
            &Shown(resolved),
        )?;
    }
    builder.finish().map_err(|e| e.to_string())
}

/// `O_PATH` on the asked path, its final symlink followed: no permission but search on the way.
fn open_path(path: &str) -> io::Result<OwnedFd> {
    let c = CString::new(path).map_err(io::Error::other)?;
    // SAFETY: open(2) with a valid C string; the fd is owned at once.
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_PATH | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh fd.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The archive API's stat of `path` from its metadata. A symlink's target is where it resolves
/// to (as the user sees it), or its text when it leads nowhere.
fn describe(path: &Path, meta: &Metadata) -> RemoteStat {
    let link_target = if meta.file_type().is_symlink() {
        std::fs::canonicalize(path)
            .or_else(|_| std::fs::read_link(path))
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        String::new()
    };
    RemoteStat {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "/".into()),
        size: meta.len() as i64,
        mode: go_mode(meta),
        link_target,
        mtime: chrono::DateTime::from_timestamp(meta.mtime(), meta.mtime_nsec() as u32)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)),
    }
}

/// The tree's top path, for messages.
struct Shown(String);

impl Shown {
    fn below(&self, tar_name: &[u8]) -> String {
        let rel = tar_name.splitn(2, |b| *b == b'/').nth(1).unwrap_or(b"");
        let rel = String::from_utf8_lossy(rel);
        format!("{}/{}", self.0, rel.trim_end_matches('/'))
    }
}

/// The tar name each multiply-linked file of the tree was first packed under, by (device,
/// inode): its later names become tar `Link` entries naming it, as `docker cp` packs them, so
/// the copy keeps the files shared instead of holding each name's full copy.
#[derive(Default)]
struct Linked(std::collections::HashMap<(u64, u64), Vec<u8>>);

impl Linked {
    /// The earlier name of this file, or `None` after recording `name` as its first.
    fn earlier(&mut self, facts: &Facts, name: &[u8]) -> Option<PathBuf> {
        if facts.0.st_nlink < 2 {
            return None;
        }
        let key = (facts.0.st_dev, facts.0.st_ino);
        match self.0.get(&key) {
            Some(first) => Some(PathBuf::from(OsStr::from_bytes(first))),
            None => {
                self.0.insert(key, name.to_vec());
                None
            }
        }
    }
}

/// A directory tree being packed: how to name it, the files seen under more than one name, what
/// is left out, and the names from the top down to the directory being walked.
struct Tree<'a> {
    shown: Shown,
    linked: Linked,
    filter: &'a Filter,
    below: Vec<OsString>,
}

/// Every entry below the directory handle `dir`, named `prefix` + name, by name, but those the
/// filter leaves out (and all below them: an excluded directory is never opened, so its files
/// are neither read nor the first name of a link).
fn walk<W: Write>(
    builder: &mut tar::Builder<W>,
    dir: &Dir,
    prefix: &[u8],
    tree: &mut Tree,
) -> Result<(), String> {
    if tree.filter.max_depth.is_some_and(|d| tree.below.len() >= d) {
        return Ok(());
    }
    let shown = &tree.shown;
    let mut names: Vec<OsString> = dir
        .entries()
        .map_err(|e| walk_error(shown.below(prefix), e))?
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    names.sort();
    for name in names {
        tree.below.push(name.clone());
        let kept = tree.filter.keeps(&tree.below);
        tree.below.pop();
        if !kept {
            continue;
        }
        let shown = &tree.shown;
        let mut tar_name = prefix.to_vec();
        tar_name.extend_from_slice(name.as_bytes());
        let facts = match Facts::of_entry(dir, &name) {
            Ok(f) => f,
            // Gone since the listing: it is simply not in the copy.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(walk_error(shown.below(&tar_name), e)),
        };
        let body = match facts.kind() {
            libc::S_IFDIR => {
                let sub = match dir.open_dir_nofollow(&name) {
                    Ok(d) => d,
                    Err(e) if vanished(&e) => continue,
                    Err(e) => return Err(walk_error(shown.below(&tar_name), e)),
                };
                // The directory as opened, not as listed: what the walk goes into.
                let facts = Facts::of_fd(&sub).map_err(|e| e.to_string())?;
                tar_name.push(b'/');
                append_entry(builder, &tar_name, &facts, Body::Empty, shown)?;
                tree.below.push(name);
                let walked = walk(builder, &sub, &tar_name, tree);
                tree.below.pop();
                walked?;
                continue;
            }
            libc::S_IFLNK => match dir.read_link_contents(&name) {
                Ok(target) => Body::Link(target),
                Err(e) if vanished(&e) => continue,
                Err(e) => return Err(walk_error(shown.below(&tar_name), e)),
            },
            libc::S_IFREG => {
                let mut options = OpenOptions::new();
                options
                    .read(true)
                    .follow(FollowSymlinks::No)
                    .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
                let file = match dir.open_with(&name, &options) {
                    Ok(f) => f.into_std(),
                    Err(e) if vanished(&e) => continue,
                    Err(e) => return Err(walk_error(shown.below(&tar_name), e)),
                };
                // What was opened decides: a file swapped for something else is left out.
                let facts = Facts::of_fd(&file).map_err(|e| e.to_string())?;
                if facts.kind() != libc::S_IFREG {
                    continue;
                }
                if let Some(first) = tree.linked.earlier(&facts, &tar_name) {
                    append_entry(builder, &tar_name, &facts, Body::HardLink(first), shown)?;
                    continue;
                }
                let size = facts.0.st_size.max(0) as u64;
                append_entry(builder, &tar_name, &facts, Body::File(file, size), shown)?;
                continue;
            }
            // Never opened: the host skips them with a warning, as it does Docker's.
            libc::S_IFIFO | libc::S_IFCHR | libc::S_IFBLK => Body::Empty,
            // Sockets: left out, as Docker leaves them.
            _ => continue,
        };
        append_entry(builder, &tar_name, &facts, body, &tree.shown)?;
    }
    Ok(())
}

/// A failure below the top: a permission the reader lacks is said the same way every time, so
/// dsbx can say it in its own words.
fn walk_error(path: String, e: io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => format!("{}{path}", crate::remote_stat::PACK_DENIED),
        _ => format!("{path}: {e}"),
    }
}

/// The entry changed under the walk (removed, or swapped for a link or a file).
fn vanished(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ENOENT) | Some(libc::ELOOP) | Some(libc::ENOTDIR) | Some(libc::ENXIO)
    )
}

/// What a tar header says of an entry, from `fstat`/`fstatat` (cap-std's metadata has no
/// device numbers).
struct Facts(libc::stat);

impl Facts {
    fn of_fd(fd: &impl AsRawFd) -> io::Result<Facts> {
        // SAFETY: fstat into a struct we own.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Facts(st))
    }

    /// The entry `name` in `dir` itself, a symlink not followed.
    fn of_entry(dir: &Dir, name: &OsStr) -> io::Result<Facts> {
        let c = CString::new(name.as_bytes()).map_err(io::Error::other)?;
        // SAFETY: fstatat on a directory fd we hold, into a struct we own.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe {
            libc::fstatat(
                dir.as_raw_fd(),
                c.as_ptr(),
                &mut st,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        } != 0
        {
            return Err(io::Error::last_os_error());
        }
        Ok(Facts(st))
    }

    fn kind(&self) -> libc::mode_t {
        self.0.st_mode & libc::S_IFMT
    }
}

enum Body {
    Empty,
    File(File, u64),
    Link(PathBuf),
    /// A later name of a file packed before under this name.
    HardLink(PathBuf),
}

/// One tar entry with the metadata's type, mode, time and ids.
fn append_entry<W: Write>(
    builder: &mut tar::Builder<W>,
    name: &[u8],
    facts: &Facts,
    body: Body,
    shown: &Shown,
) -> Result<(), String> {
    use tar::EntryType as T;
    let st = &facts.0;
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(match facts.kind() {
        libc::S_IFDIR => T::Directory,
        libc::S_IFLNK => T::Symlink,
        libc::S_IFIFO => T::Fifo,
        libc::S_IFCHR => T::Char,
        libc::S_IFBLK => T::Block,
        _ => T::Regular,
    });
    header.set_mode(st.st_mode & 0o7777);
    header.set_mtime(st.st_mtime.max(0) as u64);
    header.set_uid(st.st_uid as u64);
    header.set_gid(st.st_gid as u64);
    if matches!(facts.kind(), libc::S_IFCHR | libc::S_IFBLK) {
        let _ = header.set_device_major(libc::major(st.st_rdev));
        let _ = header.set_device_minor(libc::minor(st.st_rdev));
    }
    header.set_size(0);
    let path = Path::new(OsStr::from_bytes(name));
    let written = match body {
        Body::Empty => builder.append_data(&mut header, path, io::empty()),
        Body::Link(target) => builder.append_link(&mut header, path, target),
        Body::HardLink(first) => {
            header.set_entry_type(T::Link);
            builder.append_link(&mut header, path, first)
        }
        Body::File(file, size) => {
            header.set_size(size);
            // Exactly `size` bytes whatever the file does meanwhile: cut when it grew,
            // zero-filled when it shrank, so the archive stays whole.
            let exact = file.take(size).chain(io::repeat(0)).take(size);
            builder.append_data(&mut header, path, exact)
        }
    };
    written.map_err(|e| walk_error(shown.below(name), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(path: &Path) -> (PackHeader, Vec<u8>) {
        packed_with(path, &Filter::default())
    }

    fn packed_with(path: &Path, filter: &Filter) -> (PackHeader, Vec<u8>) {
        let mut out = Vec::new();
        pack(&path.to_string_lossy(), Want::Tar, filter, &mut out).unwrap();
        let nl = out.iter().position(|b| *b == b'\n').unwrap();
        let header = serde_json::from_slice(&out[..nl]).unwrap();
        (header, out[nl + 1..].to_vec())
    }

    #[test]
    fn a_tree_is_named_as_docker_names_it_with_links_kept() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("in");
        std::fs::create_dir_all(top.join("sub")).unwrap();
        std::fs::write(top.join("sub/f"), "four").unwrap();
        std::os::unix::fs::symlink("/etc/shadow", top.join("evil")).unwrap();
        let (header, tar) = packed(&top);
        let PackHeader::Found { stat, .. } = header else {
            panic!("{header:?}")
        };
        assert!(stat.is_dir());
        let mut names = Vec::new();
        for entry in tar::Archive::new(tar.as_slice()).entries().unwrap() {
            let mut entry = entry.unwrap();
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            if name == "in/evil" {
                assert_eq!(entry.header().entry_type(), tar::EntryType::Symlink);
                assert_eq!(
                    entry.link_name().unwrap().unwrap(),
                    Path::new("/etc/shadow")
                );
            }
            if name == "in/sub/f" {
                let mut s = String::new();
                entry.read_to_string(&mut s).unwrap();
                assert_eq!(s, "four");
            }
            names.push(name);
        }
        assert_eq!(names, ["in/", "in/evil", "in/sub/", "in/sub/f"]);
    }

    #[test]
    fn a_final_link_is_followed_and_fifos_are_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("f"), "x").unwrap();
        std::os::unix::fs::symlink("f", d.join("link")).unwrap();
        let (header, tar) = packed(&d.join("link"));
        let PackHeader::Found { path, stat, .. } = header else {
            panic!("{header:?}")
        };
        assert!(path.ends_with("/f") && stat.is_file(), "{path}");
        let names: Vec<String> = tar::Archive::new(tar.as_slice())
            .entries()
            .unwrap()
            .map(|e| String::from_utf8_lossy(&e.unwrap().path_bytes()).into_owned())
            .collect();
        assert_eq!(names, ["f"]);
        let fifo = CString::new(d.join("fifo").to_string_lossy().as_bytes()).unwrap();
        // SAFETY: mkfifo with a valid C string.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let (header, tar) = packed(&d.join("fifo"));
        assert!(matches!(header, PackHeader::Found { .. }) && tar.is_empty());
        let (header, _) = packed(&d.join("absent/x"));
        assert!(matches!(header, PackHeader::Missing { .. }));
    }

    #[test]
    fn later_names_of_a_file_are_packed_as_hard_links() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("t");
        std::fs::create_dir_all(top.join("sub")).unwrap();
        std::fs::write(top.join("a"), "data").unwrap();
        std::fs::hard_link(top.join("a"), top.join("sub/b")).unwrap();
        std::fs::hard_link(top.join("a"), dir.path().join("outside")).unwrap();
        let (_, tar) = packed(&top);
        let mut seen = Vec::new();
        for entry in tar::Archive::new(tar.as_slice()).entries().unwrap() {
            let entry = entry.unwrap();
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let link = entry.link_name().unwrap().map(|l| l.display().to_string());
            seen.push((name, entry.header().entry_type(), entry.size(), link));
        }
        assert_eq!(
            seen,
            [
                ("t/".into(), tar::EntryType::Directory, 0, None),
                ("t/a".into(), tar::EntryType::Regular, 4, None),
                ("t/sub/".into(), tar::EntryType::Directory, 0, None),
                (
                    "t/sub/b".into(),
                    tar::EntryType::Link,
                    0,
                    Some("t/a".into())
                ),
            ]
        );
    }

    /// Entries (name, type, link target) of a packed tar.
    fn entries(tar: &[u8]) -> Vec<(String, tar::EntryType, Option<String>)> {
        tar::Archive::new(tar)
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
                let link = e.link_name().unwrap().map(|l| l.display().to_string());
                (name, e.header().entry_type(), link)
            })
            .collect()
    }

    #[test]
    fn a_filter_leaves_entries_out_and_a_link_under_an_excluded_name_is_packed_whole() {
        use std::os::unix::fs::PermissionsExt;
        use tar::EntryType::{Directory, Link, Regular};
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("t");
        for d in ["build", "keep/deep/er", "locked"] {
            std::fs::create_dir_all(top.join(d)).unwrap();
        }
        std::fs::write(top.join("build/first"), "data").unwrap();
        std::fs::hard_link(top.join("build/first"), top.join("keep/second")).unwrap();
        std::fs::hard_link(top.join("build/first"), top.join("keep/third")).unwrap();
        std::fs::write(top.join("keep/deep/er/f"), "f").unwrap();
        // Excluded, so never opened: a user who may not list it would fail there otherwise
        // (tests/files.rs shows that as the sandbox's user; root here may list anything).
        std::fs::set_permissions(top.join("locked"), std::fs::Permissions::from_mode(0o000))
            .unwrap();
        let filter = Filter {
            exclude: vec!["build".into(), "locked".into()],
            max_depth: Some(3),
        };
        let (_, tar) = packed_with(&top, &filter);
        std::fs::set_permissions(top.join("locked"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        let d = |n: &str| (n.to_string(), Directory, None);
        assert_eq!(
            entries(&tar),
            [
                d("t/"),
                d("t/keep/"),
                d("t/keep/deep/"),
                d("t/keep/deep/er/"),
                ("t/keep/second".into(), Regular, None),
                ("t/keep/third".into(), Link, Some("t/keep/second".into())),
            ]
        );
    }

    #[test]
    fn relative_paths_are_resolved_lexically() {
        assert_eq!(absolute(Path::new("/a/./b/../c")), "/a/c");
        assert_eq!(absolute(Path::new("/..")), "/");
        assert!(absolute(Path::new("x")).ends_with("/x"));
    }
}
