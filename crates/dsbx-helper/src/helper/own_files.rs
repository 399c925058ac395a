//! The helper's own files inside a sandbox: background and lingering-output logs, and the status
//! files `dsbx exec --json` reads. The helper runs as root, so it never creates them where a
//! sandbox process could plant something first (a symlink to `/etc/passwd` or `/.dsbx/deadline`,
//! a FIFO that blocks the open): they live in root-owned directories under `/.dsbx`, reached
//! through directory handles that are checked once opened, and are created exclusively, without
//! following links and without blocking. A log reaches the command as an open descriptor.
//!
//! - `/.dsbx/logs` (root, 0711): the user can open a log whose name they know (their job's, from
//!   `exec -b`'s `Log:` line) but can neither list nor write the directory. Each log is owned by
//!   the user the command ran as, mode 0600: a root command's log stays root's.
//! - `/.dsbx/status` (root, 0700): a few bytes per ambiguous exit, read through the archive API.
//! - `/.dsbx/jobs` (root, 0700): one record per background job (`exec -b`), JSON lines written by
//!   the root process that waits for the job: its start, then its end (see `jobs`).

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

pub use crate::layout::{JOBS_DIR, LOGS_DIR, OWN_DIR, STATUS_DIR};
/// The most of a job record anyone reads: a record is a few hundred bytes plus its argv.
const RECORD_LIMIT: u64 = 1 << 20;
const LOGS_MODE: u32 = 0o711;
const STATUS_MODE: u32 = 0o700;

/// The log of the exec tagged `tag` (a background command, or a lingering child's output).
pub fn log_path(tag: &str) -> String {
    format!("{LOGS_DIR}/exec-{tag}.log")
}

/// How the exec tagged `tag` ended, when its exit code alone is ambiguous.
pub fn status_path(tag: &str) -> String {
    format!("{STATUS_DIR}/exec-{tag}.status")
}

/// Tags name files: only letters, digits, `-` and `_`, so no tag can reach another directory.
pub fn valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 64
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Creates the helper's directories if they are missing (PID 1 does this at start; exec does it
/// again when it needs one, in case it runs first).
pub fn ensure_dirs() -> io::Result<()> {
    let own = open_own_dir()?;
    subdir(&own, "logs", LOGS_MODE)?;
    subdir(&own, "status", STATUS_MODE)?;
    subdir(&own, "jobs", STATUS_MODE)?;
    Ok(())
}

/// Creates the log of `tag`, owned by `uid:gid`, and returns it open for appending with its path.
pub fn create_log(tag: &str, uid: u32, gid: u32) -> io::Result<(File, String)> {
    let dir = subdir(&open_own_dir()?, "logs", LOGS_MODE)?;
    let name = format!("exec-{tag}.log");
    let file = create_exclusive(&dir, &name, 0o600, libc::O_APPEND)?;
    if (uid, gid) != (0, 0) {
        std::os::unix::fs::fchown(&file, Some(uid), Some(gid))?;
    }
    Ok((file, log_path(tag)))
}

/// Removes the log of `tag` (a background command that could not start), by its directory handle.
pub fn remove_log(tag: &str) -> io::Result<()> {
    let dir = subdir(&open_own_dir()?, "logs", LOGS_MODE)?;
    let c = cstr(&format!("exec-{tag}.log"))?;
    // SAFETY: unlinkat on a directory fd we own with a valid C string.
    if unsafe { libc::unlinkat(dir.as_raw_fd(), c.as_ptr(), 0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Removes the record of `tag` (a background command that could not start).
pub fn remove_job_record(tag: &str) -> io::Result<()> {
    let dir = subdir(&open_own_dir()?, "jobs", STATUS_MODE)?;
    let c = cstr(&format!("exec-{tag}.job"))?;
    // SAFETY: unlinkat on a directory fd we own with a valid C string.
    if unsafe { libc::unlinkat(dir.as_raw_fd(), c.as_ptr(), 0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Leaves `text` as the status of `tag`.
pub fn write_status(tag: &str, text: &str) -> io::Result<()> {
    use std::io::Write;
    let dir = subdir(&open_own_dir()?, "status", STATUS_MODE)?;
    let mut file = create_exclusive(&dir, &format!("exec-{tag}.status"), 0o600, 0)?;
    file.write_all(text.as_bytes())
}

/// Creates the record of the background job `tag`, root's, 0600, open for appending.
pub fn create_job_record(tag: &str) -> io::Result<File> {
    let dir = subdir(&open_own_dir()?, "jobs", STATUS_MODE)?;
    create_exclusive(&dir, &format!("exec-{tag}.job"), 0o600, libc::O_APPEND)
}

/// The tags of every job record, in no particular order (names that are not records are skipped).
pub fn job_tags() -> io::Result<Vec<String>> {
    let dir = subdir(&open_own_dir()?, "jobs", STATUS_MODE)?;
    let entries = std::fs::read_dir(format!("/proc/self/fd/{}", dir.as_raw_fd()))?;
    Ok(entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let tag = name.strip_prefix("exec-")?.strip_suffix(".job")?;
            valid_tag(tag).then(|| tag.to_string())
        })
        .collect())
}

/// The text of the record of `tag`; `None` unless it is a regular file (never through a link,
/// never a blocking open, never more than [`RECORD_LIMIT`] bytes).
pub fn read_job_record(tag: &str) -> Option<String> {
    let dir = subdir(&open_own_dir().ok()?, "jobs", STATUS_MODE).ok()?;
    let file = open_regular_at(&dir, &format!("exec-{tag}.job")).ok()?;
    let mut text = String::new();
    io::Read::read_to_string(&mut io::Read::take(file, RECORD_LIMIT), &mut text).ok()?;
    Some(text)
}

/// The log of `tag`, open for reading; an error unless it is a regular file.
pub fn open_log(tag: &str) -> io::Result<File> {
    let dir = subdir(&open_own_dir()?, "logs", LOGS_MODE)?;
    open_regular_at(&dir, &format!("exec-{tag}.log"))
}

/// `name` in `dir` for reading: without following a link, without blocking on a FIFO, and only
/// if it is a regular file.
fn open_regular_at(dir: &OwnedFd, name: &str) -> io::Result<File> {
    let c = cstr(name)?;
    // SAFETY: openat on a directory fd we own; the new fd is owned at once.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            c.as_ptr(),
            libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh fd from openat.
    let file = unsafe { File::from_raw_fd(fd) };
    if !file.metadata()?.is_file() {
        return Err(io::Error::other(format!("{name} is not a regular file")));
    }
    Ok(file)
}

/// Replaces the file at `path`, directly in `/.dsbx` (a `crate::layout` path), with `bytes`: written to a new file made
/// exclusively beside it, then renamed over it, so a reader sees the old text or the new one.
/// `/.dsbx` is checked root's alone first, so nothing a sandbox user did can be at either name.
pub fn replace_own_file(path: &str, mode: u32, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let name = crate::layout::own_name(path)
        .ok_or_else(|| io::Error::other(format!("{path} is not directly in {OWN_DIR}")))?;
    let own = open_own_dir()?;
    let temp = format!(".{name}.new");
    let t = cstr(&temp)?;
    let n = cstr(name)?;
    // A temp file a killed claim left behind.
    // SAFETY: unlinkat on a directory fd we own with a valid C string.
    unsafe { libc::unlinkat(own.as_raw_fd(), t.as_ptr(), 0) };
    let mut file = create_exclusive(&own, &temp, mode, 0)?;
    file.write_all(bytes)?;
    drop(file);
    // SAFETY: renameat within the directory we hold, valid C strings.
    if unsafe { libc::renameat(own.as_raw_fd(), t.as_ptr(), own.as_raw_fd(), n.as_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Reads a small file without ever blocking on a FIFO or device (and, unless `follow`, without
/// following a final link); `None` if it is absent or not a regular file.
pub fn read_regular(path: &str, follow: bool) -> Option<String> {
    let c = CString::new(path).ok()?;
    let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
    // SAFETY: open(2) with a valid C string; the fd is owned at once.
    let fd = unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_RDONLY | nofollow | libc::O_NONBLOCK | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return None;
    }
    // SAFETY: a fresh fd from open.
    let file = unsafe { File::from_raw_fd(fd) };
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    io::read_to_string(file).ok()
}

fn cstr(s: &str) -> io::Result<CString> {
    CString::new(s).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

/// `/.dsbx` itself, which the engine creates (the helper volume's mount point, the deadline file)
/// and which must be root's and writable by no one else for anything below to be trusted.
fn open_own_dir() -> io::Result<OwnedFd> {
    let c = cstr(OWN_DIR)?;
    // SAFETY: open(2) with a valid C string.
    let fd = unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh fd from open.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    check_root_only(&fd, OWN_DIR)?;
    Ok(fd)
}

/// `name` below `parent`, created with `mode` if missing, opened without following a link, and
/// checked to be root's with no write bit for anyone else.
fn subdir(parent: &OwnedFd, name: &str, mode: u32) -> io::Result<OwnedFd> {
    let c = cstr(name)?;
    // SAFETY: mkdirat/openat on a directory fd we own with a valid C string.
    unsafe {
        if libc::mkdirat(parent.as_raw_fd(), c.as_ptr(), mode as libc::mode_t) != 0
            && io::Error::last_os_error().raw_os_error() != Some(libc::EEXIST)
        {
            return Err(io::Error::last_os_error());
        }
        let fd = libc::openat(
            parent.as_raw_fd(),
            c.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        );
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let fd = OwnedFd::from_raw_fd(fd);
        check_root_only(&fd, name)?;
        // mkdir applies the umask: set the exact mode on the handle we hold.
        libc::fchmod(fd.as_raw_fd(), mode as libc::mode_t);
        Ok(fd)
    }
}

fn check_root_only(fd: &OwnedFd, shown: &str) -> io::Result<()> {
    // SAFETY: fstat into a struct we own.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } != 0 {
        return Err(io::Error::last_os_error());
    }
    if st.st_uid != 0 || st.st_mode & 0o022 != 0 {
        return Err(io::Error::other(format!(
            "{shown} is not root's alone (owner {}, mode {:o}): refusing to use it",
            st.st_uid,
            st.st_mode & 0o7777
        )));
    }
    Ok(())
}

/// A new regular file `name` in `dir`: never an existing one, never through a link, never a
/// blocking open.
fn create_exclusive(dir: &OwnedFd, name: &str, mode: u32, extra: i32) -> io::Result<File> {
    let c = cstr(name)?;
    // SAFETY: openat on a directory fd we own; the new fd is owned at once.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            c.as_ptr(),
            libc::O_WRONLY
                | libc::O_CREAT
                | libc::O_EXCL
                | libc::O_NOFOLLOW
                | libc::O_NONBLOCK
                | libc::O_CLOEXEC
                | extra,
            mode as libc::c_uint,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh fd from openat.
    let file = unsafe { File::from_raw_fd(fd) };
    // The umask may have narrowed the mode: set it exactly. O_NONBLOCK was only for the open
    // (a regular file, as O_EXCL guarantees, never blocks): the command gets a plain descriptor.
    // SAFETY: fchmod and fcntl on the fd we own.
    unsafe {
        libc::fchmod(file.as_raw_fd(), mode as libc::mode_t);
        let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
        libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_cannot_leave_the_directory() {
        assert!(valid_tag("0123abcdef"));
        assert!(valid_tag("a-b_c"));
        for bad in ["", "../x", "a/b", "a b", ".", &"x".repeat(65)] {
            assert!(!valid_tag(bad), "{bad}");
        }
        assert_eq!(log_path("ab"), "/.dsbx/logs/exec-ab.log");
        assert_eq!(status_path("ab"), "/.dsbx/status/exec-ab.status");
    }
}
