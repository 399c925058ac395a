//! The host's side of the channel to a sandbox's helper: whether to use it, its host directory,
//! what `init` adds for it, and the client (`client`). The protocol, frames and constants are
//! the helper crate's (`dsbx_helper::channel`, re-exported here), shared with its server.

pub mod client;

pub use dsbx_helper::channel::*;
use std::path::{Path, PathBuf};

/// The environment variable that forces the engine's paths (`off`, `0`, `false` or `no`).
pub const SWITCH: &str = "DSBX_CHANNEL";

/// Whether the channel may be used at all (the switch is not off).
pub fn enabled() -> bool {
    !std::env::var(SWITCH).is_ok_and(|v| switched_off(&v))
}

fn switched_off(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "off" | "0" | "false" | "no"
    )
}

/// Where the engines that run in a VM of their own listen, though on a unix socket of this host:
/// Docker Desktop, Rancher Desktop, Colima, Lima. A socket the helper makes in a sandbox there
/// cannot be connected to from here, and a state directory outside the VM's file sharing would
/// make `init`'s bind mount fail.
const VM_SOCKETS: &[&str] = &["/.docker/desktop/", "/.rd/", "/.colima/", "/.lima/"];

/// Whether sandboxes made on `endpoint` get a channel: the switch is on, dsbx runs on Linux, and
/// the engine is a unix socket whose containers share this host's filesystem (not a VM's).
pub fn serves_on(endpoint: &crate::engine::endpoint::Endpoint) -> bool {
    enabled()
        && cfg!(target_os = "linux")
        && endpoint.is_local()
        && !VM_SOCKETS.iter().any(|p| endpoint.url.contains(p))
}

/// The host directory of sandbox `id` under dsbx's state directory.
pub fn host_dir(state_dir: &Path, id: &str) -> PathBuf {
    state_dir.join("channels").join(id)
}

/// What `init` adds to a sandbox's container for its channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ForInit {
    /// `HOSTDIR:/.dsbx/run/channel` (a `Binds` entry: dockerd re-creates a deleted directory at
    /// start instead of refusing to start).
    pub bind: String,
    /// After `__helper init`: who owns the socket, the sandbox's user, the engine's endpoint.
    pub args: Vec<String>,
}

/// The channel of a new sandbox, when it can have one ([`serves_on`]: a remote engine or one in
/// a VM cannot reach dsbx's directories). Creates the host directory, mode 0700, owned by this
/// user.
pub fn for_init(
    state_dir: &Path,
    id: &str,
    endpoint: &crate::engine::endpoint::Endpoint,
    user: &str,
) -> std::io::Result<Option<ForInit>> {
    use std::os::unix::fs::DirBuilderExt;
    if !serves_on(endpoint) {
        return Ok(None);
    }
    let dir = host_dir(state_dir, id);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)?;
    // SAFETY: geteuid/getegid cannot fail.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    Ok(Some(ForInit {
        bind: format!("{}:{MOUNT_DIR}", dir.display()),
        args: vec![
            "--channel".into(),
            format!("{uid}:{gid}"),
            "--user".into(),
            user.into(),
            "--engine".into(),
            endpoint.url.clone(),
        ],
    }))
}

/// Removes the host directory of a sandbox that is gone (its socket and nothing else: code in the
/// sandbox as root could have left files there, never links that are followed), and its
/// activity mark (`StateStore::touch`), which every sandbox may have, channel or not.
pub fn forget(state_dir: &Path, id: &str) {
    let _ = std::fs::remove_dir_all(host_dir(state_dir, id));
    crate::state::StateStore::forget_mark(state_dir, id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch() {
        for off in ["off", "OFF", "0", "false", " no "] {
            assert!(switched_off(off), "{off}");
        }
        for on in ["on", "1", "", "yes"] {
            assert!(!switched_off(on), "{on}");
        }
    }

    #[test]
    fn only_an_engine_sharing_this_hosts_files_gets_channels() {
        let at = |url: &str| crate::engine::endpoint::Endpoint {
            url: url.into(),
            source: "test".into(),
            tls: None,
        };
        assert!(serves_on(&at("unix:///var/run/docker.sock")) || !enabled());
        for elsewhere in [
            "unix:///home/me/.docker/desktop/docker.sock",
            "unix:///home/me/.rd/docker.sock",
            "unix:///home/me/.colima/default/docker.sock",
            "unix:///home/me/.lima/docker/sock/docker.sock",
            "tcp://127.0.0.1:2375",
            "ssh://me@host",
        ] {
            assert!(!serves_on(&at(elsewhere)), "{elsewhere}");
        }
    }
}
