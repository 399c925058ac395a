//! Caps on how many sandboxes may exist: `[limits] max_sandboxes` (per scope) and
//! `max_sandboxes_host` (all of dsbx's on the engine). `init` decides under a host lock held
//! from the count until its container exists, so racing inits never overshoot.

/// Whether one more sandbox fits: `scope_count` sandboxes exist in the scope, `host_count` on the
/// engine. The error names the limit, the count and how to free room (exit 1).
pub fn check_room(
    scope: &str,
    scope_count: usize,
    host_count: usize,
    max_scope: u32,
    max_host: u32,
) -> anyhow::Result<()> {
    let free =
        "free room with `dsbx kill ID` (or `dsbx gc` for expired ones), or raise it in the config";
    if max_scope > 0 && scope_count >= max_scope as usize {
        anyhow::bail!(
            "sandbox limit reached: scope `{scope}` has {scope_count} sandboxes and `[limits] max_sandboxes` is {max_scope}; {free}"
        );
    }
    if max_host > 0 && host_count >= max_host as usize {
        anyhow::bail!(
            "sandbox limit reached: the engine has {host_count} dsbx sandboxes (all scopes) and `[limits] max_sandboxes_host` is {max_host}; {free} (`dsbx ls --all-scopes` lists them)"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps() {
        assert!(check_room("s", 100, 100, 0, 0).is_ok());
        assert!(check_room("s", 4, 9, 5, 10).is_ok());
        let e = check_room("s", 5, 9, 5, 10).unwrap_err().to_string();
        assert!(
            e.contains("scope `s` has 5") && e.contains("max_sandboxes` is 5"),
            "{e}"
        );
        assert!(e.contains("dsbx kill"), "{e}");
        let e = check_room("s", 1, 10, 5, 10).unwrap_err().to_string();
        assert!(
            e.contains("max_sandboxes_host` is 10") && e.contains("has 10"),
            "{e}"
        );
    }
}
