//! Turning what a user typed into a sandbox: an exact id, else an exact name, else a unique id
//! prefix of at least four characters, all within the current scope.

use crate::engine::Engine;
use crate::error::{not_found, usage};
use crate::ids;
use crate::sandbox::Sandbox;
use crate::state::{Record, State};

#[derive(Debug, Clone)]
pub enum Target {
    /// The container exists.
    Live(Sandbox),
    /// Recorded here, but its container is gone.
    Missing { id: String, record: Record },
}

impl Target {
    pub fn id(&self) -> &str {
        match self {
            Target::Live(s) => &s.id,
            Target::Missing { id, .. } => id,
        }
    }

    /// The live sandbox, or "no such sandbox" (exit 3) for one recorded but gone.
    pub fn live(self) -> anyhow::Result<Sandbox> {
        match self {
            Target::Live(s) => Ok(s),
            Target::Missing { id, .. } => Err(not_found(format!(
                "sandbox `{id}` is gone from Docker (removed behind dsbx's back); `dsbx kill {id}` forgets it"
            ))),
        }
    }
}

/// Resolves one query. An exact id costs one inspect call; names and prefixes one list call.
pub async fn resolve(
    engine: &Engine,
    state: &State,
    scope: &str,
    query: &str,
) -> anyhow::Result<Target> {
    if ids::is_id(query) {
        if let Some(sandbox) = engine.inspect_sandbox(query).await? {
            if sandbox.scope == scope {
                return Ok(Target::Live(sandbox));
            }
        } else if let Some(record) = state
            .sandboxes
            .get(query)
            .filter(|r| r.scope == scope && !r.being_created(chrono::Utc::now()))
        {
            return Ok(Target::Missing {
                id: query.to_string(),
                record: record.clone(),
            });
        }
    }
    let live = engine.list_sandboxes(Some(scope)).await?;
    resolve_among(&live, state, scope, query)
}

/// Resolves several queries with one list call; each result stands alone.
pub async fn resolve_many(
    engine: &Engine,
    state: &State,
    scope: &str,
    queries: &[String],
) -> anyhow::Result<Vec<anyhow::Result<Target>>> {
    let live = engine.list_sandboxes(Some(scope)).await?;
    Ok(queries
        .iter()
        .map(|q| resolve_among(&live, state, scope, q))
        .collect())
}

pub fn resolve_among(
    live: &[Sandbox],
    state: &State,
    scope: &str,
    query: &str,
) -> anyhow::Result<Target> {
    let records = || {
        state
            .sandboxes
            .iter()
            .filter(|(_, r)| r.scope == scope && !r.being_created(chrono::Utc::now()))
    };
    let missing = |id: &str, record: &Record| Target::Missing {
        id: id.to_string(),
        record: record.clone(),
    };
    if let Some(s) = live.iter().find(|s| s.id == query) {
        return Ok(Target::Live(s.clone()));
    }
    if let Some((id, r)) = records().find(|(id, _)| id.as_str() == query) {
        return Ok(missing(id, r));
    }
    if let Some(s) = live.iter().find(|s| !s.name.is_empty() && s.name == query) {
        return Ok(Target::Live(s.clone()));
    }
    // A sandbox claimed from a pool has its name in its record only (its labels are the pool's).
    if let Some(s) = live.iter().find(|s| {
        s.name.is_empty()
            && state
                .sandboxes
                .get(&s.id)
                .is_some_and(|r| !r.name.is_empty() && r.name == query)
    }) {
        return Ok(Target::Live(s.clone()));
    }
    if let Some((id, r)) = records()
        .find(|(id, r)| !r.name.is_empty() && r.name == query && !live.iter().any(|s| &s.id == *id))
    {
        return Ok(missing(id, r));
    }
    if query.len() < ids::MIN_PREFIX {
        return Err(not_found(format!(
            "no sandbox `{}` in scope `{}` (id prefixes need at least {} characters; `dsbx ls` lists them)",
            crate::output::shown(query),
            crate::output::shown(scope),
            ids::MIN_PREFIX
        )));
    }
    let mut candidates: Vec<Target> = live
        .iter()
        .filter(|s| s.id.starts_with(query))
        .map(|s| Target::Live(s.clone()))
        .collect();
    for (id, r) in records() {
        if id.starts_with(query) && !live.iter().any(|s| &s.id == id) {
            candidates.push(missing(id, r));
        }
    }
    match candidates.len() {
        0 => Err(not_found(format!(
            "no sandbox `{}` in scope `{}` (`dsbx ls` lists them)",
            crate::output::shown(query),
            crate::output::shown(scope)
        ))),
        1 => Ok(candidates.remove(0)),
        _ => {
            let mut names: Vec<&str> = candidates.iter().map(Target::id).collect();
            names.sort();
            Err(usage(format!(
                "`{query}` is ambiguous: it starts {} ids ({}); type more of the id",
                names.len(),
                names.join(", ")
            )))
        }
    }
}
