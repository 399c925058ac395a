//! Safe extraction of a tar that came out of a sandbox.
//!
//! The archive is untrusted: whatever runs in the sandbox controls it. Extraction writes only
//! inside a staging directory, and inside it only at paths made of plain components under the
//! archive's one top entry. It never follows a symlink: every directory on the way to an entry
//! must be a real directory this extraction created, and an existing entry at the final path is
//! removed (never written through) before the new one is created with `O_NOFOLLOW`. Absolute
//! paths, `..`, entries outside the top entry, hard links that leave the tree or point at anything
//! but a regular file, device nodes and fifos are skipped, each with a warning.

use anyhow::{Context, bail};
use std::ffi::OsStr;
use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Mode bits kept on extracted entries: permissions and sticky, never setuid/setgid.
pub const KEPT_MODE_BITS: u32 = 0o1777;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
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
}

/// Extracts `reader` into `stage`, naming the archive's top entry `name` (Docker's archives hold
/// one top entry: the base name of the path asked for). `progress` is called with each chunk of
/// bytes written. Fails when nothing could be extracted.
pub fn extract(
    reader: impl Read,
    stage: &Path,
    name: &OsStr,
    progress: &dyn Fn(u64),
) -> anyhow::Result<Extracted> {
    extract_filtered(
        reader,
        stage,
        name,
        progress,
        &super::pack::Filter::default(),
    )
}

/// [`extract`], leaving out the entries `filter` excludes (their bytes are read past, not
/// written).
pub fn extract_filtered(
    reader: impl Read,
    stage: &Path,
    name: &OsStr,
    progress: &dyn Fn(u64),
    filter: &super::pack::Filter,
) -> anyhow::Result<Extracted> {
    let mut archive = tar::Archive::new(reader);
    let mut out = Extracted::default();
    let mut top: Option<Vec<u8>> = None;
    // Directory modes and times are applied last: a read-only directory would refuse children.
    let mut dir_meta: Vec<(PathBuf, u32, Option<u64>)> = Vec::new();
    let mut wrote_top = false;
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
        let rel: Vec<&[u8]> = parts[1..].to_vec();
        let rel_names: Vec<&OsStr> = rel.iter().map(|p| OsStr::from_bytes(p)).collect();
        if !filter.keeps(&rel_names) {
            continue;
        }
        let dest = match prepare_parents(stage, name, &rel, &mut out.dirs) {
            Ok(dest) => dest,
            Err(why) => {
                out.skipped.push(format!("`{shown}`: {why}, skipped"));
                continue;
            }
        };
        let header = entry.header();
        let mode = header.mode().unwrap_or(0o644) & KEPT_MODE_BITS;
        let mtime = header.mtime().ok();
        let kind = header.entry_type();
        let is_top = rel.is_empty();
        use tar::EntryType as T;
        match kind {
            T::Directory => {
                match fs::symlink_metadata(&dest) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => {
                        remove_non_dir(&dest)?;
                        create_dir(&dest)?;
                        out.dirs += 1;
                    }
                    Err(_) => {
                        create_dir(&dest)?;
                        out.dirs += 1;
                    }
                }
                if is_top {
                    out.top_is_dir = true;
                }
                dir_meta.push((dest, mode, mtime));
            }
            T::Regular | T::Continuous | T::GNUSparse => {
                if let Err(why) = clear_for_non_dir(&dest) {
                    out.skipped.push(format!("`{shown}`: {why}, skipped"));
                    continue;
                }
                let mut file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .custom_flags(libc::O_NOFOLLOW)
                    .open(&dest)
                    .with_context(|| format!("creating {}", dest.display()))?;
                let written = copy_counting(&mut entry, &mut file, progress)
                    .with_context(|| format!("writing {}", dest.display()))?;
                file.set_permissions(fs::Permissions::from_mode(mode))?;
                if let Some(t) = mtime {
                    let _ = file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(t));
                }
                out.files += 1;
                out.bytes += written;
            }
            T::Symlink => {
                let Some(target) = entry.link_name_bytes().map(|t| t.into_owned()) else {
                    out.skipped
                        .push(format!("`{shown}`: symlink without a target, skipped"));
                    continue;
                };
                if let Err(why) = clear_for_non_dir(&dest) {
                    out.skipped.push(format!("`{shown}`: {why}, skipped"));
                    continue;
                }
                std::os::unix::fs::symlink(OsStr::from_bytes(&target), &dest)
                    .with_context(|| format!("creating the symlink {}", dest.display()))?;
                out.files += 1;
            }
            T::Link => {
                let Some(target) = entry.link_name_bytes().map(|t| t.into_owned()) else {
                    out.skipped
                        .push(format!("`{shown}`: hard link without a target, skipped"));
                    continue;
                };
                let source = match hard_link_source(stage, name, top.as_deref(), &target) {
                    Ok(source) => source,
                    Err(why) => {
                        out.skipped.push(format!(
                            "`{shown}`: hard link to `{}` {why}, skipped",
                            String::from_utf8_lossy(&target)
                        ));
                        continue;
                    }
                };
                if let Err(why) = clear_for_non_dir(&dest) {
                    out.skipped.push(format!("`{shown}`: {why}, skipped"));
                    continue;
                }
                fs::hard_link(&source, &dest)
                    .with_context(|| format!("creating the hard link {}", dest.display()))?;
                out.files += 1;
            }
            T::Char | T::Block => {
                out.skipped.push(format!("`{shown}`: device node, skipped"));
                continue;
            }
            T::Fifo => {
                out.skipped.push(format!("`{shown}`: fifo, skipped"));
                continue;
            }
            other => {
                out.skipped.push(format!(
                    "`{shown}`: unsupported entry type {other:?}, skipped"
                ));
                continue;
            }
        }
        if is_top {
            wrote_top = true;
        }
    }
    if !wrote_top && out.files == 0 && out.dirs == 0 {
        bail!("the archive held nothing that could be copied");
    }
    // Deepest first, so a read-only parent is set after its children.
    dir_meta.sort_by_key(|(p, _, _)| std::cmp::Reverse(p.components().count()));
    for (dir, mode, mtime) in dir_meta {
        if let Some(t) = mtime
            && let Ok(f) = fs::File::open(&dir)
        {
            let _ = f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(t));
        }
        fs::set_permissions(&dir, fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting the mode of {}", dir.display()))?;
    }
    Ok(out)
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

/// Makes sure every directory between `stage/name` and the entry exists and is a real directory
/// (never a symlink), creating missing ones; returns the entry's path.
fn prepare_parents(
    stage: &Path,
    name: &OsStr,
    rel: &[&[u8]],
    dirs: &mut u64,
) -> Result<PathBuf, String> {
    let mut path = stage.join(name);
    for part in rel {
        // `path` is a directory the entry goes through: the top entry, then each parent.
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() => {
                return Err("its path goes through a symlink".into());
            }
            Ok(_) => return Err("its path goes through a file".into()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                create_dir(&path).map_err(|e| e.to_string())?;
                *dirs += 1;
            }
            Err(e) => return Err(e.to_string()),
        }
        path.push(OsStr::from_bytes(part));
    }
    Ok(path)
}

/// Where a hard link's target lives in the stage, if it is a regular file inside the tree that
/// is reached through real directories only.
fn hard_link_source(
    stage: &Path,
    name: &OsStr,
    top: Option<&[u8]>,
    target: &[u8],
) -> Result<PathBuf, &'static str> {
    let parts = plain_components(target).ok_or("leaves the copied tree")?;
    if parts.is_empty() || Some(parts[0]) != top {
        return Err("leaves the copied tree");
    }
    let mut path = stage.join(name);
    for part in &parts[1..] {
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            _ => return Err("is not a file in the copied tree"),
        }
        path.push(OsStr::from_bytes(part));
    }
    match fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_file() => Ok(path),
        _ => Err("is not a file in the copied tree"),
    }
}

fn create_dir(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new().mode(0o700).create(path)
}

/// Clears the way for a file or link: removes an earlier file or link at `path`; refuses to
/// replace a directory.
fn clear_for_non_dir(path: &Path) -> Result<(), String> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Err("a directory of that name is already there".into()),
        Ok(_) => fs::remove_file(path).map_err(|e| e.to_string()),
        Err(_) => Ok(()),
    }
}

fn remove_non_dir(path: &Path) -> anyhow::Result<()> {
    fs::remove_file(path).with_context(|| format!("replacing {}", path.display()))
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

#[cfg(test)]
mod tests {
    use super::*;
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
