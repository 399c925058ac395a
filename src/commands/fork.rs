//! `dsbx fork ID [-n COUNT]`: snapshot a sandbox (it keeps running) and start COUNT sandboxes
//! from that snapshot in parallel; prints their ids, one per line, in no particular order.
//!
//! All or nothing: when one of the new sandboxes cannot be made, the others are removed too, so
//! a script never has to find out which ids it got. The fork's snapshot stays while its
//! sandboxes use it; `gc` removes it once none does.

use super::Context;
use crate::cli::{ForkArgs, InitArgs, SnapshotHow};
use crate::engine::Engine;
use crate::error::one_line;
use crate::sandbox::Sandbox;
use futures_util::future::join_all;

pub async fn run(ctx: &Context, args: ForkArgs) -> anyhow::Result<i32> {
    let count = args.count;
    let init_args = InitArgs {
        timeout: args.timeout,
        ..Default::default()
    };
    let (engine, _, sandbox) = ctx.live_sandbox(&args.id).await?;
    let spinner = ctx.printer.spinner(format!("Forking {}…", sandbox.id));
    let made = fork(ctx, engine, &sandbox, count, &init_args, &args.how).await;
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let Forked { ids, snapshot } = made?;
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "ids": ids,
            "snapshot": snapshot,
            "source": sandbox.id,
        }))?;
    } else {
        for id in &ids {
            ctx.printer.data(id)?;
        }
    }
    Ok(0)
}

/// What a fork made: the new sandboxes' ids and the name of the snapshot they start from.
#[derive(Debug)]
pub struct Forked {
    pub ids: Vec<String>,
    pub snapshot: String,
}

/// Snapshots `sandbox` (it keeps running) and starts `count` sandboxes from the snapshot with
/// `init_args` (their lifetime), all or none: on any failure the ones made and the snapshot are
/// removed. Used by `dsbx fork` and `dsbx mcp`'s `fork_sandbox`.
pub async fn fork(
    ctx: &Context,
    engine: &Engine,
    sandbox: &Sandbox,
    count: usize,
    init_args: &InitArgs,
    how: &SnapshotHow,
) -> anyhow::Result<Forked> {
    let taken = super::snapshot::take(ctx, engine, sandbox, None, how, true).await?;
    let snapshot = super::snapshot::find(ctx, engine, &taken.name).await?;
    let plan = super::snapshot::plan_for(ctx, init_args, &snapshot)?;
    let results =
        join_all((0..count).map(|_| super::init::launch(ctx, engine, plan.clone()))).await;
    let (ids, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(|r| r.is_ok());
    let ids: Vec<String> = ids.into_iter().filter_map(Result::ok).collect();
    if let Some(Err(first)) = errors.into_iter().next() {
        for id in &ids {
            // Sandboxes this fork just made, by the names it gave them (no label involved).
            if let Err(e) = engine
                .remove_sandbox(&crate::ids::container_name(id), id)
                .await
            {
                ctx.printer.warn(format!(
                    "could not remove forked sandbox {id}: {}",
                    one_line(&e)
                ));
            }
        }
        let _ = ctx.store.update(|s| {
            crate::view::forget_removed(s, ctx.store.dir(), ids.iter().map(String::as_str));
            Ok(())
        });
        let _ = super::snapshot::remove(engine, &snapshot).await;
        return Err(first.context(format!(
            "could not start {count} sandbox(es) from {}; none was kept",
            sandbox.id
        )));
    }
    Ok(Forked {
        ids,
        snapshot: snapshot.name,
    })
}
