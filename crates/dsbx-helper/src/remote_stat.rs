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
