//! `dsbx pause` / `dsbx resume`. Pausing freezes every process but does not stop the clock: a
//! sandbox paused past its deadline is removed by `gc`. Resuming a stopped sandbox starts it,
//! unless its deadline has passed.

use super::Context;
use crate::cli::IdArg;
use crate::error::Kind;
use crate::sandbox::{ContainerState, Sandbox};
use chrono::Utc;

pub async fn pause(ctx: &Context, args: IdArg) -> anyhow::Result<i32> {
    let (engine, _, sandbox) = ctx.live_sandbox(&args.id).await?;
    match sandbox.state {
        ContainerState::Paused => {}
        ContainerState::Running | ContainerState::Restarting => {
            engine.pause_sandbox(&sandbox).await?
        }
        _ => {
            return Err(crate::error::tagged(
                Kind::Failed,
                format!(
                    "sandbox `{}` is not running, so it cannot be paused (`dsbx resume {}` starts it)",
                    sandbox.id, sandbox.id
                ),
            ));
        }
    }
    done(ctx, &sandbox, "paused")
}

pub async fn resume(ctx: &Context, args: IdArg) -> anyhow::Result<i32> {
    let (engine, state, sandbox) = ctx.live_sandbox(&args.id).await?;
    // Started or resumed past its deadline, its helper would end it at once: refuse instead.
    crate::deadline::check_not_expired(engine, state.sandboxes.get(&sandbox.id), &sandbox).await?;
    match sandbox.state {
        ContainerState::Running | ContainerState::Restarting => {}
        ContainerState::Paused => {
            engine.resume_sandbox(&sandbox).await?;
            // Its deadline may have changed while it was frozen: have the helper look now.
            crate::deadline::notify_helper(engine, &sandbox).await?;
        }
        ContainerState::Created | ContainerState::Exited => {
            engine
                .start_sandbox(&sandbox.container_id, &sandbox.id)
                .await?;
        }
        ContainerState::Removing | ContainerState::Dead => {
            engine.ensure_running(&sandbox).await?;
        }
    }
    done(ctx, &sandbox, "running")
}

/// Records the activity and prints the id (or `{id, status}`). The state has changed in the
/// engine: a record that cannot be written is a warning, not a failure.
fn done(ctx: &Context, sandbox: &Sandbox, status: &str) -> anyhow::Result<i32> {
    crate::state::update_or_warn(&ctx.store, &ctx.printer, |s| {
        if let Some(r) = s.sandboxes.get_mut(&sandbox.id) {
            r.last_activity = Some(Utc::now());
        }
        Ok(())
    });
    if ctx.printer.json {
        ctx.printer
            .json_value(&serde_json::json!({ "id": sandbox.id, "status": status }))?;
    } else {
        ctx.printer.data(&sandbox.id)?;
    }
    Ok(0)
}
