//! What a path in a sandbox is, in the words of the engine's archive API (`HEAD …/archive`):
//! shared by `engine/` (which asks the engine) and the helper (which answers the same question
//! over the channel), so neither side imports the other.

/// What the archive API's `HEAD` says about one path in a container.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RemoteStat {
    pub name: String,
    pub size: i64,
    /// Go's `os.FileMode` bits: permissions plus type bits (directory, symlink, ...).
    pub mode: u32,
    /// For a symlink, the absolute path it resolves to inside the container.
    pub link_target: String,
    /// Modification time as the engine gives it (RFC 3339), when it does.
    pub mtime: Option<String>,
}

impl RemoteStat {
    const DIR: u32 = 1 << 31;
    const SYMLINK: u32 = 1 << 27;
    const DEVICE: u32 = 1 << 26;
    const PIPE: u32 = 1 << 25;
    const SOCKET: u32 = 1 << 24;
    const CHARDEV: u32 = 1 << 21;
    const IRREGULAR: u32 = 1 << 19;
    const SETUID: u32 = 1 << 23;
    const SETGID: u32 = 1 << 22;
    const STICKY: u32 = 1 << 20;

    /// The permission bits as Unix mode bits (setuid, setgid, sticky included): Go keeps
    /// those three outside the low twelve bits.
    pub fn unix_mode(&self) -> u32 {
        [
            (Self::SETUID, 0o4000),
            (Self::SETGID, 0o2000),
            (Self::STICKY, 0o1000),
        ]
        .iter()
        .filter(|(go, _)| self.mode & go != 0)
        .fold(self.mode & 0o777, |mode, (_, unix)| mode | unix)
    }

    pub fn is_dir(&self) -> bool {
        self.mode & Self::DIR != 0
    }

    pub fn is_symlink(&self) -> bool {
        self.mode & Self::SYMLINK != 0
    }

    /// Neither a directory nor a symlink: a plain file (devices, fifos and sockets are not).
    pub fn is_file(&self) -> bool {
        self.mode
            & (Self::DIR
                | Self::SYMLINK
                | Self::DEVICE
                | Self::PIPE
                | Self::SOCKET
                | Self::CHARDEV
                | Self::IRREGULAR)
            == 0
    }
}

/// Go's `os.FileMode` bits of a file's metadata, as the archive API reports them.
pub fn go_mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let t = meta.file_type();
    let mut mode = meta.mode() & 0o777;
    for (yes, bit) in [
        (t.is_dir(), RemoteStat::DIR),
        (t.is_symlink(), RemoteStat::SYMLINK),
        (
            t.is_block_device() || t.is_char_device(),
            RemoteStat::DEVICE,
        ),
        (t.is_fifo(), RemoteStat::PIPE),
        (t.is_socket(), RemoteStat::SOCKET),
        (t.is_char_device(), RemoteStat::CHARDEV),
        (meta.mode() & 0o4000 != 0, 1 << 23),
        (meta.mode() & 0o2000 != 0, 1 << 22),
        (meta.mode() & 0o1000 != 0, 1 << 20),
    ] {
        if yes {
            mode |= bit;
        }
    }
    mode
}

/// How the `pack` role's stderr line begins for a permission the reader lacks below the top
/// (followed by the path), so dsbx can say it in its own words.
pub const PACK_DENIED: &str = "permission denied: ";

/// The first line the helper's `pack` role writes (JSON), before any tar: what the asked path
/// is, looked at as the reader (the sandbox's user unless `--root`). Only `Found` is followed
/// by a tar (and only when one was asked for).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackHeader {
    /// `stat` describes `path`: the asked path `asked`, its final symlink followed unless the
    /// stat was asked of the link itself.
    Found {
        asked: String,
        path: String,
        stat: RemoteStat,
    },
    /// Nothing is there (or a directory above it is missing or not a directory).
    Missing { asked: String },
    /// The reader may not read it (or search a directory above it).
    Denied { asked: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_modes_become_unix_modes() {
        let unix = |mode| {
            RemoteStat {
                name: String::new(),
                size: 0,
                mode,
                link_target: String::new(),
                mtime: None,
            }
            .unix_mode()
        };
        assert_eq!(unix(0o644), 0o644);
        assert_eq!(unix((1 << 31) | 0o755), 0o755);
        assert_eq!(unix((1 << 20) | (1 << 31) | 0o777), 0o1777);
        assert_eq!(unix((1 << 23) | 0o755), 0o4755);
        assert_eq!(unix((1 << 22) | 0o755), 0o2755);
    }
}
