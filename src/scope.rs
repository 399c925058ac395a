//! Scope: which sandboxes a command sees. `--scope`, else `DSBX_SCOPE` (applied to the config),
//! else the config's `scope`, else the login name.

use crate::error::usage;

/// `flag` (`--scope`), else `configured` (the config's `scope`, `DSBX_SCOPE` applied), else the
/// login name.
pub fn resolve(flag: Option<&str>, configured: Option<&str>) -> anyhow::Result<String> {
    let scope = match flag.or(configured) {
        Some(scope) => scope.to_string(),
        None => login_name(),
    };
    check(&scope).map_err(usage)?;
    Ok(scope)
}

/// Whether `scope` can be a scope (a label value and a filter term), or why not.
pub fn check(scope: &str) -> Result<(), String> {
    if scope.is_empty() || scope.len() > 128 || scope.chars().any(|c| c.is_control() || c == ',') {
        return Err(format!(
            "invalid scope `{}`: use 1 to 128 printable characters without commas",
            crate::output::shown(scope)
        ));
    }
    Ok(())
}

/// The login name. Cron sets `LOGNAME` but not `USER`; with neither, the password database.
pub fn login_name() -> String {
    for var in ["LOGNAME", "USER"] {
        if let Some(name) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
            return name;
        }
    }
    passwd_name(unsafe { libc::getuid() } as u32)
        .unwrap_or_else(|| format!("uid{}", unsafe { libc::getuid() }))
}

fn passwd_name(uid: u32) -> Option<String> {
    // Read the file rather than call getpwuid: dsbx is linked statically, where glibc's NSS is
    // unreliable, and a login name for a scope needs nothing NSS adds.
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    crate::passwd::by_uid(&text, uid).map(|u| u.name)
}

/// `user@host`, for the `dsbx.owner` label.
pub fn owner() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into buf.
    let host = if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0 {
        let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        "unknown".into()
    };
    format!("{}@{host}", login_name())
}
