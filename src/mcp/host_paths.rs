//! Host paths of `dsbx mcp`'s upload and download tools, confined to the `--root-dir` the server
//! was started with.
//!
//! A path from the client is taken relative to the root (an absolute path must name a place
//! inside it) and may not contain `..`. It is then walked one component at a time from a handle
//! on the root, each directory opened with `O_NOFOLLOW`, so the kernel refuses a symlink at any
//! level: a link planted in the root (a download keeps symlinks as links) can never lead a later
//! transfer outside. The transfer then runs on `/proc/self/fd/N/NAME`, where N is the handle on
//! the parent directory that was reached: renaming or swapping a directory on the way after the
//! walk does not change where it lands.

use anyhow::{Context as _, anyhow, bail};
use std::ffi::{CString, OsStr, OsString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

/// The directory the server's host paths are confined to.
#[derive(Debug)]
pub struct RootDir {
    fd: OwnedFd,
    path: PathBuf,
}

/// A place below the root: a handle on its parent directory and its name there (`None` for the
/// root itself). Keep it alive while the transfer runs: the path names the handle.
#[derive(Debug)]
pub struct Located {
    parent: OwnedFd,
    name: Option<OsString>,
    /// The path as the client sees it, for messages.
    pub shown: String,
}

/// What is at a located place, not following a final symlink.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    Nothing,
    Directory,
    File,
    Symlink,
    Other,
}

impl RootDir {
    /// Opens the root. Its own path is resolved once here (it is the operator's choice).
    pub fn open(path: &Path) -> anyhow::Result<RootDir> {
        let path = std::fs::canonicalize(path)
            .with_context(|| format!("cannot use --root-dir {}", path.display()))?;
        if !path.is_dir() {
            bail!("--root-dir {} is not a directory", path.display());
        }
        let fd = open_dir(libc::AT_FDCWD, path.as_os_str(), false)
            .with_context(|| format!("cannot open --root-dir {}", path.display()))?;
        Ok(RootDir { fd, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reaches `request`'s parent directory without following any symlink, creating missing
    /// directories on the way when `create_parents` (a download to a new place).
    pub fn locate(&self, request: &str, create_parents: bool) -> anyhow::Result<Located> {
        let parts = components(&self.path, request)?;
        let shown = request.to_string();
        let Some((last, dirs)) = parts.split_last() else {
            return Ok(Located {
                parent: self.fd.try_clone()?,
                name: None,
                shown,
            });
        };
        let mut current = self.fd.try_clone()?;
        let mut walked = PathBuf::new();
        for dir in dirs {
            walked.push(dir);
            current = match open_dir(current.as_raw_fd(), dir, true) {
                Ok(fd) => fd,
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) && create_parents => {
                    let name = c_name(dir)?;
                    // SAFETY: mkdirat on a directory handle we own, with a NUL-terminated name.
                    if unsafe { libc::mkdirat(current.as_raw_fd(), name.as_ptr(), 0o777) } != 0 {
                        let e = std::io::Error::last_os_error();
                        if e.raw_os_error() != Some(libc::EEXIST) {
                            return Err(anyhow!("cannot create {}: {e}", walked.display()));
                        }
                    }
                    open_dir(current.as_raw_fd(), dir, true)
                        .map_err(|e| refused(&walked, &current, dir, e))?
                }
                Err(e) => return Err(refused(&walked, &current, dir, e)),
            };
        }
        Ok(Located {
            parent: current,
            name: Some(last.clone()),
            shown,
        })
    }
}

impl Located {
    /// The path a transfer uses: the parent's handle in `/proc/self/fd`, then the name.
    pub fn path(&self) -> PathBuf {
        let mut path = PathBuf::from(format!("{FD_DIR}/{}", self.parent.as_raw_fd()));
        if let Some(name) = &self.name {
            path.push(name);
        }
        path
    }

    /// Whether this is the root directory itself.
    pub fn is_root(&self) -> bool {
        self.name.is_none()
    }

    /// What is there now, a final symlink not followed.
    pub fn found(&self) -> anyhow::Result<Found> {
        let Some(name) = &self.name else {
            return Ok(Found::Directory);
        };
        let c = c_name(name)?;
        // SAFETY: fstatat into a stat we own, on a handle we own.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        let rc = unsafe {
            libc::fstatat(
                self.parent.as_raw_fd(),
                c.as_ptr(),
                &mut st,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if rc != 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::ENOENT) {
                return Ok(Found::Nothing);
            }
            return Err(anyhow!("cannot read {}: {e}", self.shown));
        }
        Ok(match st.st_mode & libc::S_IFMT {
            libc::S_IFDIR => Found::Directory,
            libc::S_IFREG => Found::File,
            libc::S_IFLNK => Found::Symlink,
            _ => Found::Other,
        })
    }
}

/// The components of `request` below `root`: relative as given, absolute only inside `root`;
/// `..` is refused anywhere, `.` and empty components are dropped.
pub fn components(root: &Path, request: &str) -> anyhow::Result<Vec<OsString>> {
    if request.contains('\0') {
        bail!("the path contains a NUL byte");
    }
    let path = Path::new(request);
    let relative = if path.is_absolute() {
        path.strip_prefix(root).map_err(|_| {
            anyhow!(
                "{request} is outside the root directory {} (host paths must be inside it)",
                root.display()
            )
        })?
    } else {
        path
    };
    let mut parts = Vec::new();
    for component in relative.components() {
        match component {
            Component::Normal(name) => parts.push(name.to_os_string()),
            Component::CurDir => {}
            Component::ParentDir => bail!(
                "{request}: `..` is not allowed in host paths (they stay inside the root directory {})",
                root.display()
            ),
            Component::RootDir | Component::Prefix(_) => {
                bail!("{request} is outside the root directory {}", root.display())
            }
        }
    }
    Ok(parts)
}

fn c_name(name: &OsStr) -> anyhow::Result<CString> {
    CString::new(name.as_bytes()).map_err(|_| anyhow!("the path contains a NUL byte"))
}

/// A handle that only names a directory (no read permission needed), where the kernel has them.
#[cfg(target_os = "linux")]
const PATH_ONLY: libc::c_int = libc::O_PATH;
#[cfg(not(target_os = "linux"))]
const PATH_ONLY: libc::c_int = libc::O_RDONLY;

/// Where the process's open descriptors appear as paths that lead to what they hold. Elsewhere
/// than Linux `/dev/fd/N` does not lead into a directory, so a transfer there fails (it never
/// lands outside the root).
#[cfg(target_os = "linux")]
const FD_DIR: &str = "/proc/self/fd";
#[cfg(not(target_os = "linux"))]
const FD_DIR: &str = "/dev/fd";

/// Opens directory `name` under `dir` as a path handle; `no_follow` makes a symlink fail.
fn open_dir(dir: libc::c_int, name: &OsStr, no_follow: bool) -> std::io::Result<OwnedFd> {
    let c = CString::new(name.as_bytes()).map_err(std::io::Error::other)?;
    let mut flags = PATH_ONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
    if no_follow {
        flags |= libc::O_NOFOLLOW;
    }
    // SAFETY: openat with a NUL-terminated name; the fd it returns is ours.
    let fd = unsafe { libc::openat(dir, c.as_ptr(), flags) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a fresh fd from openat.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Why a directory on the way could not be entered: a symlink is refused by name.
fn refused(walked: &Path, parent: &OwnedFd, name: &OsStr, e: std::io::Error) -> anyhow::Error {
    let is_link = CString::new(name.as_bytes()).is_ok_and(|c| {
        // SAFETY: fstatat into a stat we own.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        let rc = unsafe {
            libc::fstatat(
                parent.as_raw_fd(),
                c.as_ptr(),
                &mut st,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        rc == 0 && st.st_mode & libc::S_IFMT == libc::S_IFLNK
    });
    if is_link {
        anyhow!(
            "{} is a symlink; host paths never follow symlinks (they could lead outside the root directory)",
            walked.display()
        )
    } else {
        anyhow!("cannot enter {}: {e}", walked.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(root: &str, request: &str) -> anyhow::Result<Vec<String>> {
        components(Path::new(root), request)
            .map(|v| v.iter().map(|n| n.to_string_lossy().into_owned()).collect())
    }

    #[test]
    fn paths_stay_below_the_root() {
        assert_eq!(names("/r", "a/b.txt").unwrap(), ["a", "b.txt"]);
        assert_eq!(names("/r", "./a//b/").unwrap(), ["a", "b"]);
        assert_eq!(names("/r", "/r/a").unwrap(), ["a"]);
        assert!(names("/r", "/r").unwrap().is_empty());
        assert!(names("/r", ".").unwrap().is_empty());
        for bad in ["../x", "a/../../x", "a/..", "/etc/passwd", "/rr/x", "a\0b"] {
            assert!(names("/r", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn symlinks_on_the_way_are_refused_and_missing_dirs_made() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        let root = RootDir::open(dir.path()).unwrap();
        let err = root.locate("link/x", true).unwrap_err().to_string();
        assert!(err.contains("symlink"), "{err}");
        assert!(std::fs::read_dir(outside.path()).unwrap().next().is_none());
        let at = root.locate("link", false).unwrap();
        assert_eq!(at.found().unwrap(), Found::Symlink);
        let at = root.locate("real/new/deeper/f.txt", true).unwrap();
        assert_eq!(at.found().unwrap(), Found::Nothing);
        assert!(dir.path().join("real/new/deeper").is_dir());
        std::fs::write(at.path(), b"x").unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("real/new/deeper/f.txt")).unwrap(),
            b"x"
        );
        assert!(root.locate("missing/f.txt", false).is_err());
    }
}
