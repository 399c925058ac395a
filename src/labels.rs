//! The Docker labels every sandbox carries. Labels cannot change after creation, so they hold
//! what is fixed at `init`; what changes (the deadline) lives in the sandbox and the state.

use crate::error::usage;
use std::collections::HashMap;

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
/// On a sandbox made for a pool: the pool's key (see `crate::pool`). It stays after a claim:
/// labels cannot change, so the container's name tells warm (`dsbx-pool-ID`) from claimed.
pub const POOL: &str = "dsbx.pool";
/// On networks and volumes: what dsbx made them for (`shared`, `isolated`, `helper`).
pub const ROLE: &str = "dsbx.role";
/// `dsbx.role` of a snapshot image (see `crate::snapshot`).
pub const SNAPSHOT_ROLE: &str = "snapshot";
/// `dsbx.role` of the commit a snapshot is composed from (see `crate::snapshot`).
pub const SNAPSHOT_COMMIT_ROLE: &str = "snapshot-commit";

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

/// A user label `K=V` (`init --label`, `-m`): a key, not one of dsbx's own.
pub fn parse_label(text: &str) -> anyhow::Result<(String, String)> {
    let (k, v) = crate::env_vars::parse_pair(text).map_err(|_| {
        usage(format!(
            "invalid label `{}`: use KEY=VALUE",
            crate::output::shown(text)
        ))
    })?;
    if is_reserved(&k) {
        return Err(usage(format!(
            "invalid label `{}`: keys starting with `dsbx.` are dsbx's own",
            crate::output::shown(text)
        )));
    }
    Ok((k, v))
}

/// A label filter (`ls --label`): `K=V` for that value, `K` alone for any value.
pub fn parse_label_filter(text: &str) -> anyhow::Result<(String, Option<String>)> {
    Ok(match text.split_once('=') {
        Some((k, v)) => (k.to_string(), Some(v.to_string())),
        None => (text.to_string(), None),
    })
}

/// Why a container that carries `dsbx.managed=true` is not a sandbox dsbx made, or `None` when
/// its labels validate: a known schema, an id of the pattern dsbx makes (`[a-z][a-z0-9]{11}`),
/// a container named `dsbx-<id>` (so the id cannot name another container, or a path in an API
/// URL), a valid scope (the one asked for, when one is), a valid name and RFC 3339 dates. Anyone
/// who can reach the engine can put any label on any container; only what validates is acted
/// on, and only by the Docker id the engine gave.
pub fn invalid_reason(
    labels: &HashMap<String, String>,
    container_name: &str,
    scope: Option<&str>,
) -> Option<String> {
    let get = |k: &str| labels.get(k).map(String::as_str);
    if get(MANAGED) != Some("true") {
        return Some(format!("{MANAGED} is not `true`"));
    }
    if get(SCHEMA) != Some(SCHEMA_VERSION) {
        return Some(format!(
            "{SCHEMA} is {} (this dsbx knows {SCHEMA_VERSION})",
            shown(get(SCHEMA))
        ));
    }
    let Some(id) = get(ID).filter(|id| crate::ids::is_id(id)) else {
        return Some(format!("{ID} {} is not a sandbox id", shown(get(ID))));
    };
    let expected = crate::ids::container_name(id);
    if container_name.trim_start_matches('/') != expected {
        return Some(format!(
            "its name {} is not `{expected}`",
            shown(Some(container_name.trim_start_matches('/')))
        ));
    }
    let label_scope = get(SCOPE).unwrap_or_default();
    // The rule `scope::resolve` applies to a scope given to dsbx.
    if label_scope.is_empty()
        || label_scope.len() > 128
        || label_scope.chars().any(|c| c.is_control() || c == ',')
    {
        return Some(format!(
            "{SCOPE} {} is not a valid scope",
            shown(get(SCOPE))
        ));
    }
    if let Some(scope) = scope
        && label_scope != scope
    {
        return Some(format!("{SCOPE} {} is not `{scope}`", shown(get(SCOPE))));
    }
    if let Some(name) = get(NAME).filter(|n| !n.is_empty())
        && crate::ids::validate_name(name).is_err()
    {
        return Some(format!("{NAME} {} is not a valid name", shown(Some(name))));
    }
    if get(CREATED_AT)
        .and_then(crate::timestamps::parse_time)
        .is_none()
    {
        return Some(format!(
            "{CREATED_AT} {} is not an RFC 3339 time",
            shown(get(CREATED_AT))
        ));
    }
    if let Some(expires) = get(EXPIRES_AT).filter(|e| !e.is_empty())
        && crate::timestamps::parse_time(expires).is_none()
    {
        return Some(format!(
            "{EXPIRES_AT} {} is not an RFC 3339 time",
            shown(Some(expires))
        ));
    }
    None
}

/// A label value in a message: quoted with control characters escaped, long ones cut.
fn shown(value: Option<&str>) -> String {
    match value {
        None => "(absent)".into(),
        Some(v) if v.chars().count() > 80 => {
            let cut: String = v.chars().take(80).collect();
            format!("{cut:?}… ({} characters)", v.chars().count())
        }
        Some(v) => format!("{v:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(id: &str) -> HashMap<String, String> {
        HashMap::from([
            (MANAGED.into(), "true".into()),
            (SCHEMA.into(), SCHEMA_VERSION.into()),
            (ID.into(), id.into()),
            (SCOPE.into(), "alice".into()),
            (NAME.into(), "web".into()),
            (CREATED_AT.into(), "2026-01-02T03:04:05.678Z".into()),
            (EXPIRES_AT.into(), "2026-01-02T04:04:05Z".into()),
        ])
    }

    #[test]
    fn a_sandbox_dsbx_made_validates() {
        let l = valid("k3x9q2m7ab1c");
        assert_eq!(
            invalid_reason(&l, "/dsbx-k3x9q2m7ab1c", Some("alice")),
            None
        );
        assert_eq!(invalid_reason(&l, "dsbx-k3x9q2m7ab1c", None), None);
        let mut never = l.clone();
        never.remove(EXPIRES_AT);
        never.insert(NAME.into(), String::new());
        assert_eq!(invalid_reason(&never, "/dsbx-k3x9q2m7ab1c", None), None);
    }

    #[test]
    fn lying_labels_are_refused_with_a_reason() {
        let id = "k3x9q2m7ab1c";
        let name = "/dsbx-k3x9q2m7ab1c";
        let check = |edit: &dyn Fn(&mut HashMap<String, String>), cname: &str, want: &str| {
            let mut l = valid(id);
            edit(&mut l);
            let why = invalid_reason(&l, cname, Some("alice")).expect("refused");
            assert!(why.contains(want), "{why}");
        };
        check(&|_| {}, "/decoy", "is not `dsbx-k3x9q2m7ab1c`");
        check(
            &|l| {
                l.insert(ID.into(), "x/../../containers/canary".into());
            },
            "/dsbx-x/../../containers/canary",
            "is not a sandbox id",
        );
        check(
            &|l| {
                l.insert(ID.into(), "K3X9Q2M7AB1C".into());
            },
            name,
            "not a sandbox id",
        );
        check(
            &|l| {
                l.remove(ID);
            },
            name,
            "(absent)",
        );
        check(
            &|l| {
                l.insert(SCHEMA.into(), "2".into());
            },
            name,
            "this dsbx knows 1",
        );
        check(
            &|l| {
                l.insert(SCOPE.into(), "bob".into());
            },
            name,
            "is not `alice`",
        );
        check(
            &|l| {
                l.insert(SCOPE.into(), "a,b".into());
            },
            name,
            "not a valid scope",
        );
        check(
            &|l| {
                l.insert(CREATED_AT.into(), "yesterday".into());
            },
            name,
            "RFC 3339",
        );
        check(
            &|l| {
                l.insert(EXPIRES_AT.into(), "soon\u{1b}[2J".into());
            },
            name,
            "\\u{1b}",
        );
        check(
            &|l| {
                l.insert(NAME.into(), "Bad Name".into());
            },
            name,
            "not a valid name",
        );
        check(
            &|l| {
                l.insert(MANAGED.into(), "yes".into());
            },
            name,
            "is not `true`",
        );
        let long = "x".repeat(500);
        check(
            &|l| {
                l.insert(ID.into(), long.clone());
            },
            name,
            "(500 characters)",
        );
    }
}
