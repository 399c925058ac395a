//! The `own-workdir USER DIR` role: `dsbx init --workdir DIR` names a directory the image may not
//! have, and the engine then creates it owned by root, where the sandbox's user cannot write. Run
//! by `init` right after the start, before any command of the user's has run, this gives such a
//! directory (root's, 0755 and empty: what the engine makes) to the sandbox's user. A directory the
//! image ships with content, or someone else's, is left as it is.

use super::user_switch;
use std::ffi::OsString;
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::MetadataExt;

pub fn run(args: &[OsString]) -> i32 {
    let words: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    let [spec, dir] = words[..] else {
        eprintln!("dsbx helper: usage: __helper own-workdir USER DIR");
        return 125;
    };
    match give(spec, dir) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("dsbx helper: working directory {dir}: {e}");
            1
        }
    }
}

fn give(spec: &str, dir: &str) -> Result<(), String> {
    let who = user_switch::resolve(spec)?;
    if who.user.uid == 0 {
        return Ok(());
    }
    let handle = open_beneath_root(dir)?;
    let meta = handle.metadata().map_err(|e| e.to_string())?;
    // What the engine makes: root's, 0755, empty (a shared 1777 `/tmp` is never taken).
    if meta.uid() != 0 || meta.mode() & 0o7777 != 0o755 || !is_empty(&handle)? {
        return Ok(());
    }
    // SAFETY: fchown on a descriptor we own.
    let r = unsafe { libc::fchown(handle.as_raw_fd(), who.user.uid, who.user.gid) };
    if r != 0 {
        return Err(std::io::Error::last_os_error().to_string());
    }
    Ok(())
}

/// Opens `path` (absolute) one component at a time, never following a link: a link anywhere on
/// the way is refused, so the directory changed is the one the path names inside the sandbox.
fn open_beneath_root(path: &str) -> Result<File, String> {
    let open = |at: libc::c_int, name: &str| -> Result<File, String> {
        let c = std::ffi::CString::new(name).map_err(|_| "a NUL in the path".to_string())?;
        let flags = libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_RDONLY | libc::O_CLOEXEC;
        // SAFETY: openat with a valid descriptor (or AT_FDCWD) and a C string we own.
        let fd = unsafe { libc::openat(at, c.as_ptr(), flags) };
        if fd < 0 {
            return Err(format!("{name}: {}", std::io::Error::last_os_error()));
        }
        // SAFETY: a descriptor openat just returned, owned from here on.
        Ok(unsafe { File::from_raw_fd(fd) })
    };
    if !path.starts_with('/') {
        return Err("not an absolute path".into());
    }
    let mut dir = open(libc::AT_FDCWD, "/")?;
    for part in path.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." {
            return Err("`..` in the path".into());
        }
        dir = open(dir.as_raw_fd(), part)?;
    }
    Ok(dir)
}

/// Whether the directory open as `dir` has no entries (read through its descriptor).
fn is_empty(dir: &File) -> Result<bool, String> {
    let entries = std::fs::read_dir(format!("/proc/self/fd/{}", dir.as_raw_fd()))
        .map_err(|e| e.to_string())?;
    Ok(entries.count() == 0)
}
