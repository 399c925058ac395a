//! `dsbx kill`: remove sandboxes in parallel: container, anonymous volumes, isolated network,
//! record. A sandbox already gone from Docker is cleaned and counts as success.

use super::Context;
use crate::cli::KillArgs;
use crate::error::{kind_of, one_line};
use crate::output::shown;
use crate::resolve::{Target, resolve_many};
use futures_util::future::join_all;

pub async fn run(ctx: &Context, args: KillArgs) -> anyhow::Result<i32> {
    let engine = ctx.engine().await?;
    let state = ctx.store.load()?;
    let mut targets: Vec<Target> = Vec::new();
    let mut unknown: Vec<(String, anyhow::Error)> = Vec::new();
    if args.all {
        let scope = (!args.all_scopes).then_some(ctx.scope.as_str());
        let listing = engine.list_sandboxes_checked(scope).await?;
        for skipped in &listing.skipped {
            ctx.printer.verbose(skipped);
        }
        let live = listing.sandboxes;
        for (id, r) in &state.sandboxes {
            if scope.is_none_or(|s| r.scope == s)
                && !r.being_created(chrono::Utc::now())
                && !live.iter().any(|s| &s.id == id)
            {
                targets.push(Target::Missing {
                    id: id.clone(),
                    record: r.clone(),
                });
            }
        }
        targets.extend(live.into_iter().map(Target::Live));
        let shown: Vec<String> = targets.iter().map(described).collect();
        if !args.yes && !ctx.printer.confirm_removal(&shown) {
            return Err(anyhow::anyhow!("nothing removed: not confirmed"));
        }
    } else {
        for (query, result) in args
            .ids
            .iter()
            .zip(resolve_many(engine, &state, &ctx.scope, &args.ids).await?)
        {
            match result {
                Ok(t) if !targets.iter().any(|x| x.id() == t.id()) => targets.push(t),
                Ok(_) => {}
                Err(e) if kind_of(&e) == crate::error::Kind::NotFound => {
                    unknown.push((query.clone(), e))
                }
                Err(e) => return Err(e),
            }
        }
    }
    let results = join_all(targets.iter().map(|t| crate::view::remove(engine, t))).await;
    let mut killed = Vec::new();
    let mut failed = Vec::new();
    for (target, result) in targets.iter().zip(results) {
        match result {
            Ok(()) => killed.push(target.id().to_string()),
            Err(e) => failed.push((target.id().to_string(), e)),
        }
    }
    let removed_live = targets
        .iter()
        .any(|t| matches!(t, Target::Live(_)) && killed.iter().any(|id| id == t.id()));
    if removed_live {
        crate::view::forget_in_proxy(engine, &ctx.printer).await;
    }
    // The engine's result decides the exit code and stdout: a record left behind by a state
    // that cannot be written shows as `missing` and goes with the next `gc`.
    crate::state::update_or_warn(&ctx.store, &ctx.printer, |s| {
        crate::view::forget_removed(s, ctx.store.dir(), killed.iter().map(String::as_str));
        Ok(())
    });
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "killed": killed,
            "not_found": unknown.iter().map(|(q, _)| q).collect::<Vec<_>>(),
            "failed": failed.iter().map(|(id, e)| serde_json::json!({"id": id, "message": one_line(e)})).collect::<Vec<_>>(),
        }))?;
    } else {
        for id in &killed {
            ctx.printer.data(id)?;
        }
    }
    // Errors print even under --quiet; the exit code says the worst that happened.
    for (_, e) in &unknown {
        ctx.printer.problem(one_line(e));
    }
    for (id, e) in &failed {
        ctx.printer
            .problem(format!("could not remove {id}: {}", one_line(e)));
    }
    Ok(if !failed.is_empty() {
        // An engine that did not answer (or refused) is exit 4, as for every other command.
        if failed
            .iter()
            .any(|(_, e)| kind_of(e) == crate::error::Kind::Engine)
        {
            crate::error::Kind::Engine.exit_code()
        } else {
            crate::error::Kind::Failed.exit_code()
        }
    } else if !unknown.is_empty() {
        crate::error::Kind::NotFound.exit_code()
    } else {
        0
    })
}

/// One line naming a sandbox about to be removed: id, name, scope.
pub fn described(target: &Target) -> String {
    let (id, name, scope) = match target {
        Target::Live(s) => (&s.id, &s.name, &s.scope),
        Target::Missing { id, record } => (id, &record.name, &record.scope),
    };
    let name = if name.is_empty() { "-" } else { name };
    format!("{id}  {}  (scope {})", shown(name), shown(scope))
}
