//! Who a helper role acts as. The engine starts every role as root (so that images with no
//! `/etc/passwd` work: Docker resolves names itself and refuses them there); the role resolves
//! the user from the sandbox's own files and drops to it before it touches any path the user can
//! influence, so the kernel's permission checks apply to everything it does after.

use super::own_files::read_regular;
use crate::passwd;
use std::io;

#[derive(Debug, Clone)]
pub struct Identity {
    pub user: passwd::User,
    /// Primary group first, then the supplementary ones.
    pub groups: Vec<libc::gid_t>,
}

impl Identity {
    pub fn is_root(&self) -> bool {
        self.user.uid == 0 && self.user.gid == 0
    }
}

/// Resolves a user spec (`name`, `uid`, `name:group`, `uid:gid`) from the sandbox's
/// `/etc/passwd` and `/etc/group`, read without blocking (a FIFO there cannot stall the helper).
pub fn resolve(spec: &str) -> Result<Identity, String> {
    let passwd_text = read_regular("/etc/passwd", true).unwrap_or_default();
    let group_text = read_regular("/etc/group", true).unwrap_or_default();
    let user = passwd::resolve(&passwd_text, &group_text, spec).ok_or_else(|| {
        format!("unknown user `{spec}` in this sandbox (not in its /etc/passwd or /etc/group)")
    })?;
    let groups = passwd::groups_of(&group_text, &user);
    Ok(Identity { user, groups })
}

/// Drops this process to `who` for good (groups, then gid, then uid). A no-op for root.
pub fn become_user(who: &Identity) -> io::Result<()> {
    if who.is_root() {
        return Ok(());
    }
    // SAFETY: plain credential syscalls on our own process with a slice we own.
    unsafe {
        if libc::setgroups(who.groups.len(), who.groups.as_ptr()) != 0
            || libc::setgid(who.user.gid) != 0
            || libc::setuid(who.user.uid) != 0
        {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Resolves `spec` and drops to it for good; the error is the one line a role prints before it
/// exits 126.
pub fn become_spec(spec: &str) -> Result<(), String> {
    let who = resolve(spec)?;
    become_user(&who).map_err(|e| format!("cannot switch to user `{spec}`: {e}"))
}
