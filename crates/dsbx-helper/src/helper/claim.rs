//! A warm pool member made into a sandbox (`ToHelper::Claim` over the channel): the helper
//! writes what `init` sets per sandbox into its own root-only files and tells PID 1.
//!
//! - `/.dsbx/env` (root, 0600): `K=V` entries, NUL-separated, that every exec gets (under the
//!   exec's own `-e`, see [`held_env`]). Never in Docker's config, never in dsbx's state.
//! - `/.dsbx/meta` (root, 0600): name, labels and owner as JSON, the sandbox's own record of
//!   what its labels cannot say (they were fixed when the pool made it).
//! - `/.dsbx/deadline`: the deadline, written last; then SIGUSR1 to PID 1, which re-reads it.

use super::own_files;
pub use crate::layout::{ENV_FILE, META_FILE};
use std::io;

/// Set by dsbx on an exec (both paths): the names its `-e` gave, which the held environment
/// does not override. Removed before the command runs.
pub const GIVEN_KEYS: &str = "DSBX_EXEC_ENV_KEYS";

/// Applies a claim. The deadline goes last: until it is written the pool's own deadline holds,
/// so the sandbox is never without one its helper enforces.
pub fn apply(deadline: i64, env: &[String], meta: &str) -> io::Result<()> {
    if env.iter().any(|e| e.contains('\0') || !e.contains('=')) {
        return Err(io::Error::other("an environment entry is not K=V"));
    }
    let joined = env.join("\0");
    own_files::replace_own_file(ENV_FILE, 0o600, joined.as_bytes())?;
    own_files::replace_own_file(META_FILE, 0o600, meta.as_bytes())?;
    super::init::write_deadline(&deadline.max(0).to_string())?;
    // SAFETY: kill(2) to PID 1 of our own pid namespace, which is the helper.
    if unsafe { libc::kill(1, libc::SIGUSR1) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The held environment, as `(K, V)` pairs, minus the names in `given` (a comma-separated
/// list: the exec's own `-e`). Empty when the sandbox was not claimed from a pool.
pub fn held_env(given: Option<&str>) -> Vec<(String, String)> {
    let Some(text) = own_files::read_regular(ENV_FILE, false) else {
        return Vec::new();
    };
    let given: Vec<&str> = given.unwrap_or("").split(',').collect();
    text.split('\0')
        .filter_map(|e| e.split_once('='))
        .filter(|(k, _)| !k.is_empty() && !given.contains(k))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
