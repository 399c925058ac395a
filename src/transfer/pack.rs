//! Local files and trees into the tar Docker extracts, written as a stream.
//!
//! The tree is scanned first (names and sizes only, no contents) so that an unreadable directory
//! fails before anything reaches the sandbox and the progress bar knows the total. Then the tar
//! is written entry by entry into any `Write` (the upload's bounded channel): one file's bytes at
//! a time, never the whole thing. Entries carry the sandbox user's uid and gid, because Docker
//! keeps the ids in the headers (and its `copyUIDGID` looks users up on the host).

use anyhow::{Context, bail};
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub uid: u32,
    pub gid: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File {
        size: u64,
    },
    Symlink {
        target: PathBuf,
    },
    /// A later name of a file scanned before at `first` (relative to the root, like `rel`):
    /// sent as a tar `Link` entry, so the sandbox gets one file with both names, as `docker cp`
    /// keeps them.
    HardLink {
        first: PathBuf,
    },
}

#[derive(Debug, Clone)]
pub struct LocalEntry {
    /// Path relative to the copied root (empty for the root itself).
    pub rel: PathBuf,
    pub kind: Kind,
    pub mode: u32,
    pub mtime: u64,
}

/// What will be sent: every entry, in order, and the totals.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub entries: Vec<LocalEntry>,
    pub bytes: u64,
    pub files: u64,
    /// Entries that cannot be copied (sockets, fifos, devices), skipped with a warning.
    pub skipped: Vec<String>,
    /// The first name of each multiply-linked file, by (device, inode).
    linked: std::collections::HashMap<(u64, u64), PathBuf>,
}

impl Scan {
    pub fn root_is_dir(&self) -> bool {
        self.entries.first().is_some_and(|e| e.kind == Kind::Dir)
    }
}

pub use crate::tree_filter::{DEFAULT_EXCLUDES, Filter};

/// Scans `root`. A symlink given as `root` itself is followed (what it points at is copied, under
/// the link's name); symlinks inside a tree are copied as links.
pub fn scan(root: &Path) -> anyhow::Result<Scan> {
    scan_filtered(root, &Filter::default())
}

/// [`scan`], leaving out what `filter` excludes (never the root itself).
pub fn scan_filtered(root: &Path, filter: &Filter) -> anyhow::Result<Scan> {
    let meta = fs::metadata(root).with_context(|| format!("cannot read {}", root.display()))?;
    let mut scan = Scan::default();
    if meta.is_file() {
        push(&mut scan, PathBuf::new(), &meta, None);
        // Opening now catches an unreadable file before the sandbox is touched.
        fs::File::open(root).with_context(|| format!("cannot read {}", root.display()))?;
        return Ok(scan);
    }
    if !meta.is_dir() {
        bail!(
            "{} is not a regular file or a directory (fifos, sockets and devices cannot be uploaded)",
            root.display()
        );
    }
    push(&mut scan, PathBuf::new(), &meta, None);
    walk(root, PathBuf::new(), &mut scan, filter)?;
    Ok(scan)
}

fn walk(root: &Path, rel: PathBuf, scan: &mut Scan, filter: &Filter) -> anyhow::Result<()> {
    let dir = root.join(&rel);
    let mut children: Vec<_> = fs::read_dir(&dir)
        .with_context(|| format!("cannot read the directory {}", dir.display()))?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot read the directory {}", dir.display()))?;
    children.sort();
    for name in children {
        let child_rel = rel.join(&name);
        let parts: Vec<&std::ffi::OsStr> = child_rel.iter().collect();
        if !filter.keeps(&parts) {
            continue;
        }
        let path = root.join(&child_rel);
        let meta = fs::symlink_metadata(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let ft = meta.file_type();
        if ft.is_symlink() {
            let target =
                fs::read_link(&path).with_context(|| format!("cannot read {}", path.display()))?;
            push(scan, child_rel, &meta, Some(target));
        } else if ft.is_dir() {
            push(scan, child_rel.clone(), &meta, None);
            walk(root, child_rel, scan, filter)?;
        } else if ft.is_file() {
            if meta.nlink() > 1 {
                let key = (meta.dev(), meta.ino());
                if let Some(first) = scan.linked.get(&key) {
                    let first = first.clone();
                    push_kind(scan, child_rel, &meta, Kind::HardLink { first });
                    continue;
                }
                scan.linked.insert(key, child_rel.clone());
            }
            push(scan, child_rel, &meta, None);
        } else {
            scan.skipped.push(format!(
                "{}: not a regular file, directory or symlink, skipped",
                path.display()
            ));
        }
    }
    Ok(())
}

fn push(scan: &mut Scan, rel: PathBuf, meta: &fs::Metadata, link: Option<PathBuf>) {
    let kind = match link {
        Some(target) => Kind::Symlink { target },
        None if meta.is_dir() => Kind::Dir,
        None => Kind::File { size: meta.len() },
    };
    push_kind(scan, rel, meta, kind);
}

fn push_kind(scan: &mut Scan, rel: PathBuf, meta: &fs::Metadata, kind: Kind) {
    match &kind {
        Kind::File { size } => {
            scan.bytes += size;
            scan.files += 1;
        }
        Kind::Symlink { .. } | Kind::HardLink { .. } => scan.files += 1,
        Kind::Dir => {}
    }
    scan.entries.push(LocalEntry {
        rel,
        kind,
        mode: meta.permissions().mode() & 0o7777,
        mtime: meta.mtime().max(0) as u64,
    });
}

pub use crate::target_rules::Placement;

/// The root entry's path in the tar: below the missing parents.
fn root_path(place: &Placement) -> PathBuf {
    let mut p = PathBuf::new();
    for parent in &place.parents {
        p.push(parent);
    }
    p.push(&place.name);
    p
}

/// Writes the tar of `scan` (read from `root`) into `out`. `progress` gets each chunk of file
/// bytes as it is read.
pub fn write_tar(
    out: impl Write,
    root: &Path,
    scan: &Scan,
    place: &Placement,
    owner: Owner,
    progress: &dyn Fn(u64),
) -> anyhow::Result<()> {
    let mut builder = tar::Builder::new(out);
    builder.mode(tar::HeaderMode::Complete);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut prefix = PathBuf::new();
    for parent in &place.parents {
        prefix.push(parent);
        let mut header = header(owner, 0o755, now);
        header.set_entry_type(tar::EntryType::Directory);
        builder.append_data(&mut header, &prefix, io::empty())?;
    }
    let base = root_path(place);
    // The first names later `Link` entries name: marked, so the helper keeps those files (and
    // only those) open to link to (see `helper::extract::Written`).
    let linked: std::collections::HashSet<&Path> = scan
        .entries
        .iter()
        .filter_map(|e| match &e.kind {
            Kind::HardLink { first } => Some(first.as_path()),
            _ => None,
        })
        .collect();
    for entry in &scan.entries {
        let path = if entry.rel.as_os_str().is_empty() {
            base.clone()
        } else {
            base.join(&entry.rel)
        };
        let mut header = header(owner, entry.mode, entry.mtime);
        match &entry.kind {
            Kind::Dir => {
                header.set_entry_type(tar::EntryType::Directory);
                builder.append_data(&mut header, &path, io::empty())?;
            }
            Kind::Symlink { target } => {
                header.set_entry_type(tar::EntryType::Symlink);
                builder.append_link(&mut header, &path, target)?;
            }
            Kind::HardLink { first } => {
                header.set_entry_type(tar::EntryType::Link);
                builder.append_link(&mut header, &path, base.join(first))?;
            }
            Kind::File { size } => {
                let source = if entry.rel.as_os_str().is_empty() {
                    root.to_path_buf()
                } else {
                    root.join(&entry.rel)
                };
                let file = fs::File::open(&source)
                    .with_context(|| format!("cannot read {}", source.display()))?;
                header.set_entry_type(tar::EntryType::Regular);
                header.set_size(*size);
                if linked.contains(entry.rel.as_path()) {
                    crate::helper::extract::append_linked_mark(&mut builder)?;
                }
                let reader = Exact {
                    inner: file,
                    remaining: *size,
                    path: &source,
                    progress,
                };
                builder.append_data(&mut header, &path, reader)?;
            }
        }
    }
    builder.finish()?;
    Ok(())
}

fn header(owner: Owner, mode: u32, mtime: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_uid(owner.uid as u64);
    header.set_gid(owner.gid as u64);
    header.set_mode(mode);
    header.set_mtime(mtime);
    header.set_size(0);
    header
}

/// Reads exactly the size scanned: a file that shrank or grew meanwhile fails the upload instead
/// of corrupting the tar.
struct Exact<'a> {
    inner: fs::File,
    remaining: u64,
    path: &'a Path,
    progress: &'a dyn Fn(u64),
}

impl Read for Exact<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(format!(
                    "{} grew while it was being uploaded",
                    self.path.display()
                ))),
            };
        }
        let want = buf.len().min(self.remaining as usize);
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::other(format!(
                "{} shrank while it was being uploaded",
                self.path.display()
            )));
        }
        self.remaining -= n as u64;
        (self.progress)(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn tree_round_trips_through_the_safe_extractor() {
        let src = tempfile::tempdir().unwrap();
        let root = src.path().join("proj");
        fs::create_dir_all(root.join("sub dir/empty")).unwrap();
        fs::write(root.join("sub dir/naïve ☃.txt"), b"snow").unwrap();
        fs::write(root.join("run.sh"), b"#!/bin/sh\n").unwrap();
        fs::set_permissions(root.join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        symlink("sub dir/naïve ☃.txt", root.join("link")).unwrap();
        let long = "x".repeat(150);
        fs::write(root.join(&long), b"long name").unwrap();

        let scan = scan(&root).unwrap();
        assert!(scan.root_is_dir());
        assert_eq!(scan.files, 4);
        assert_eq!(scan.bytes, 4 + 10 + 9);
        let place = Placement {
            parents: vec!["a".into(), "b".into()],
            name: "dest".into(),
        };
        let mut tar = Vec::new();
        let owner = Owner {
            uid: 1000,
            gid: 1000,
        };
        write_tar(&mut tar, &root, &scan, &place, owner, &|_| {}).unwrap();

        // Headers carry the owner and the placement.
        let mut archive = tar::Archive::new(tar.as_slice());
        let first: Vec<String> = archive
            .entries()
            .unwrap()
            .take(3)
            .map(|e| {
                let e = e.unwrap();
                assert_eq!(e.header().uid().unwrap(), 1000);
                e.path().unwrap().display().to_string()
            })
            .collect();
        assert_eq!(first, vec!["a", "a/b", "a/b/dest"]);

        let stage = tempfile::tempdir().unwrap();
        // Extract the `a` top entry: the whole tree lives under a/b/dest.
        crate::transfer::unpack::extract(
            tar.as_slice(),
            stage.path(),
            std::ffi::OsStr::new("a"),
            &|_| {},
        )
        .unwrap();
        let got = stage.path().join("a/b/dest");
        assert_eq!(fs::read(got.join("sub dir/naïve ☃.txt")).unwrap(), b"snow");
        assert_eq!(fs::read(got.join(&long)).unwrap(), b"long name");
        assert!(got.join("sub dir/empty").is_dir());
        assert_eq!(
            fs::read_link(got.join("link")).unwrap(),
            PathBuf::from("sub dir/naïve ☃.txt")
        );
        let mode = fs::metadata(got.join("run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
    }

    #[test]
    fn first_names_of_hard_links_are_marked_and_land_as_one_inode() {
        use std::os::unix::fs::MetadataExt;
        let src = tempfile::tempdir().unwrap();
        let root = src.path().join("proj");
        fs::create_dir_all(root.join("sub")).unwrap();
        // A long first name: its mark comes before the GNU long-name entry's header.
        let long = "a".repeat(150);
        fs::write(root.join(&long), b"shared").unwrap();
        fs::hard_link(root.join(&long), root.join("sub/y-link")).unwrap();
        fs::write(root.join("alone"), b"alone").unwrap();
        let scan = scan(&root).unwrap();
        let place = Placement {
            parents: vec![],
            name: "dest".into(),
        };
        let mut tar = Vec::new();
        let owner = Owner { uid: 0, gid: 0 };
        write_tar(&mut tar, &root, &scan, &place, owner, &|_| {}).unwrap();

        let mut marked = Vec::new();
        for entry in tar::Archive::new(tar.as_slice()).entries().unwrap() {
            let mut entry = entry.unwrap();
            let mark = entry.pax_extensions().unwrap().is_some_and(|mut records| {
                records.any(|r| r.unwrap().key() == Ok(crate::helper::extract::LINKED_KEY))
            });
            if mark {
                marked.push(entry.path().unwrap().display().to_string());
            }
        }
        assert_eq!(marked, vec![format!("dest/{long}")]);

        let stage = tempfile::tempdir().unwrap();
        crate::helper::extract::extract(tar.as_slice(), stage.path()).unwrap();
        let first = fs::metadata(stage.path().join("dest").join(&long)).unwrap();
        let second = fs::metadata(stage.path().join("dest/sub/y-link")).unwrap();
        assert_eq!((first.ino(), first.nlink()), (second.ino(), 2));
        assert_eq!(
            fs::read(stage.path().join("dest/sub/y-link")).unwrap(),
            b"shared"
        );
        assert_eq!(
            fs::metadata(stage.path().join("dest/alone"))
                .unwrap()
                .nlink(),
            1
        );
    }

    #[test]
    fn a_file_that_changes_size_fails_instead_of_corrupting() {
        let src = tempfile::tempdir().unwrap();
        let file = src.path().join("f");
        fs::write(&file, b"12345").unwrap();
        let scan = scan(&file).unwrap();
        fs::write(&file, b"12").unwrap();
        let place = Placement {
            parents: vec![],
            name: "f".into(),
        };
        let owner = Owner { uid: 0, gid: 0 };
        let err = write_tar(Vec::new(), &file, &scan, &place, owner, &|_| {}).unwrap_err();
        assert!(format!("{err:#}").contains("shrank"), "{err:#}");
        fs::write(&file, b"1234567").unwrap();
        let err = write_tar(Vec::new(), &file, &scan, &place, owner, &|_| {}).unwrap_err();
        assert!(format!("{err:#}").contains("grew"), "{err:#}");
    }

    #[test]
    fn filter_skips_default_and_extra_names_and_limits_depth() {
        let src = tempfile::tempdir().unwrap();
        let root = src.path().join("proj");
        for d in [
            ".git/objects",
            "node_modules/x",
            "src/deep/er",
            "venv",
            "target",
        ] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        fs::write(root.join(".git/HEAD"), b"ref").unwrap();
        fs::write(root.join("src/main.py"), b"print(1)").unwrap();
        fs::write(root.join("src/deep/er/x.txt"), b"x").unwrap();
        fs::write(root.join("target/out"), b"o").unwrap();
        let names = |scan: &Scan| -> Vec<String> {
            scan.entries
                .iter()
                .map(|e| e.rel.display().to_string())
                .collect()
        };
        let all = scan_filtered(&root, &Filter::sbx(true, &[], None)).unwrap();
        assert_eq!(names(&all), names(&scan(&root).unwrap()));
        assert!(names(&all).contains(&".git/HEAD".to_string()));

        let default = scan_filtered(&root, &Filter::sbx(false, &["target".into()], None)).unwrap();
        assert_eq!(
            names(&default),
            vec![
                "",
                "src",
                "src/deep",
                "src/deep/er",
                "src/deep/er/x.txt",
                "src/main.py"
            ]
        );
        assert_eq!(default.files, 2);
        assert_eq!(default.bytes, 9);

        let shallow = scan_filtered(&root, &Filter::sbx(false, &[], Some(1))).unwrap();
        assert_eq!(names(&shallow), vec!["", "src", "target"]);
        let two = scan_filtered(&root, &Filter::sbx(false, &[], Some(2))).unwrap();
        assert_eq!(
            names(&two),
            vec!["", "src", "src/deep", "src/main.py", "target", "target/out"]
        );
    }

    #[test]
    fn missing_and_special_roots_fail_clearly() {
        let err = scan(Path::new("/nonexistent/dsbx-x")).unwrap_err();
        assert!(format!("{err:#}").contains("cannot read /nonexistent/dsbx-x"));
        let err = scan(Path::new("/dev/null")).unwrap_err();
        assert!(format!("{err:#}").contains("not a regular file or a directory"));
    }
}
