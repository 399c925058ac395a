//! The Docker labels every sandbox carries. Labels cannot change after creation, so they hold
//! what is fixed at `init`; what changes (the deadline) lives in the sandbox and the state.

pub const MANAGED: &str = "dsbx.managed";
pub const SCHEMA: &str = "dsbx.schema";
pub const ID: &str = "dsbx.id";
pub const NAME: &str = "dsbx.name";
pub const SCOPE: &str = "dsbx.scope";
pub const OWNER: &str = "dsbx.owner";
pub const CREATED_AT: &str = "dsbx.created-at";
pub const EXPIRES_AT: &str = "dsbx.expires-at";
pub const TEMPLATE: &str = "dsbx.template";
pub const PORTS: &str = "dsbx.ports";
pub const USER: &str = "dsbx.user";
/// The helper build mounted in the sandbox; absent when it has none (plain `docker exec` then).
pub const HELPER: &str = "dsbx.helper";
/// On a sandbox behind an egress proxy: `proxy` (the policy itself lives in the proxy).
pub const EGRESS: &str = "dsbx.egress";
/// On networks and volumes: what dsbx made them for (`shared`, `isolated`, `helper`).
pub const ROLE: &str = "dsbx.role";

pub const SCHEMA_VERSION: &str = "1";

/// `dsbx.managed=true`: the filter every list call uses. Nothing without it is ever touched.
pub fn managed_filter() -> String {
    format!("{MANAGED}=true")
}

pub fn scope_filter(scope: &str) -> String {
    format!("{SCOPE}={scope}")
}

/// User labels may not overwrite dsbx's own.
pub fn is_reserved(key: &str) -> bool {
    key.starts_with("dsbx.")
}
