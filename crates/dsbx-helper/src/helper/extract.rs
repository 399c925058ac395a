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
use std::ffi::{CString, OsString};
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
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
    let who = match user_switch::resolve(&spec) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return 126;
        }
    };
    if let Err(e) = user_switch::become_user(&who) {
        eprintln!("cannot switch to user `{spec}`: {e}");
        return 126;
    }
    // Modes come from the headers, exactly.
    // SAFETY: umask(2) on our own process.
    unsafe { libc::umask(0) };
    match extract(io::stdin().lock(), dir) {
        Ok(()) => 0,
        Err(message) => {
            // Exit at once: the client sees the stream end and stops sending.
            eprintln!("{message}");
            1
        }
    }
}

/// A directory whose mode and time are set once everything below it has landed (a 0555
/// directory must still take its children first).
struct DirFixup {
    path: PathBuf,
    mode: u32,
    mtime: u64,
    /// Created by us: failing to set its mode is an error. A directory that was there already
    /// keeps going if the user may not change it (Docker, as root, always could).
    created: bool,
}

pub fn extract(input: impl Read, dir: &Path) -> Result<(), String> {
    let shown = |p: &Path| dir.join(p).display().to_string();
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(format!("{}: not a directory", dir.display())),
        Err(e) => return Err(format!("{}: {}", dir.display(), plain(&e))),
    }
    let mut archive = tar::Archive::new(input);
    let mut dirs: Vec<DirFixup> = Vec::new();
    let entries = archive
        .entries()
        .map_err(|e| format!("reading the upload: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("reading the upload: {e}"))?;
        let rel = entry
            .path()
            .map_err(|e| format!("reading the upload: {e}"))?
            .into_owned();
        if !is_plain_relative(&rel) {
            return Err(format!(
                "{}: refusing an entry outside the target",
                rel.display()
            ));
        }
        let path = dir.join(&rel);
        let header = entry.header();
        let mode = header.mode().unwrap_or(0o644) & 0o7777;
        let mtime = header.mtime().unwrap_or(0);
        let kind = header.entry_type();
        let existing = fs::symlink_metadata(&path).ok();
        if kind.is_dir() {
            let created = match &existing {
                Some(m) if m.is_dir() => false,
                Some(_) => {
                    remove(&path, false).map_err(|e| format!("{}: {}", shown(&rel), plain(&e)))?;
                    mkdir(&path)?;
                    true
                }
                None => {
                    mkdir(&path)?;
                    true
                }
            };
            dirs.push(DirFixup {
                path,
                mode,
                mtime,
                created,
            });
        } else if kind.is_file() {
            write_file(&mut entry, &path, existing.as_ref(), mode, mtime)
                .map_err(|e| format!("{}: {}", shown(&rel), plain(&e)))?;
        } else if kind.is_symlink() {
            let target = entry
                .link_name()
                .map_err(|e| format!("reading the upload: {e}"))?
                .ok_or_else(|| format!("{}: a symlink without a target", shown(&rel)))?
                .into_owned();
            if let Some(m) = &existing {
                remove(&path, m.is_dir()).map_err(|e| format!("{}: {}", shown(&rel), plain(&e)))?;
            }
            std::os::unix::fs::symlink(&target, &path)
                .map_err(|e| format!("{}: {}", shown(&rel), plain(&e)))?;
            let _ = set_times(&path, mtime, false);
        } else {
            return Err(format!(
                "{}: only files, directories and symlinks can be uploaded",
                shown(&rel)
            ));
        }
    }
    // Deepest first, so a parent's time is set after its children changed it.
    for fix in dirs.iter().rev() {
        let chmod = fs::set_permissions(&fix.path, fs::Permissions::from_mode(fix.mode));
        let times = set_times(&fix.path, fix.mtime, true);
        if fix.created
            && let Err(e) = chmod.and(times)
        {
            return Err(format!("{}: {}", fix.path.display(), plain(&e)));
        }
    }
    Ok(())
}

/// Only names below the target: no root, no `..`, nothing empty.
fn is_plain_relative(p: &Path) -> bool {
    !p.as_os_str().is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

fn mkdir(path: &Path) -> Result<(), String> {
    // Owner-writable until the fixup sets the header's mode, so children can land in it.
    fs::DirBuilder::new()
        .mode(0o700)
        .create(path)
        .map_err(|e| format!("{}: {}", path.display(), plain(&e)))
}

fn remove(path: &Path, is_dir: bool) -> io::Result<()> {
    if is_dir {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

fn write_file(
    entry: &mut impl Read,
    path: &Path,
    existing: Option<&fs::Metadata>,
    mode: u32,
    mtime: u64,
) -> io::Result<()> {
    let mut file = match existing {
        None => create_new(path)?,
        Some(m) if m.is_dir() => {
            fs::remove_dir_all(path)?;
            create_new(path)?
        }
        Some(m) => match fs::remove_file(path) {
            Ok(()) => create_new(path)?,
            // The directory is not the user's to change, the file may be theirs to write.
            Err(e) if m.is_file() && e.kind() == io::ErrorKind::PermissionDenied => {
                fs::OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                    .open(path)?
            }
            Err(e) => return Err(e),
        },
    };
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    io::copy(entry, &mut file)?;
    file.flush()?;
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime);
    file.set_times(fs::FileTimes::new().set_modified(time).set_accessed(time))?;
    Ok(())
}

/// A new file, never through a link or onto a FIFO someone made meanwhile.
fn create_new(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

fn set_times(path: &Path, mtime: u64, follow: bool) -> io::Result<()> {
    let c = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let t = libc::timespec {
        tv_sec: mtime as libc::time_t,
        tv_nsec: 0,
    };
    let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    // SAFETY: utimensat with a valid C string and two timespecs we own.
    if unsafe { libc::utimensat(libc::AT_FDCWD, c.as_ptr(), [t, t].as_ptr(), flags) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// An OS error without Rust's "(os error N)" suffix.
fn plain(e: &io::Error) -> String {
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
}
