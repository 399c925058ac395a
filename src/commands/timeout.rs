//! `dsbx timeout ID DUR`: the sandbox's remaining lifetime from now (`0` = never). Works on a
//! running, stopped or paused sandbox: the deadline file is rewritten through the archive API, a
//! running helper is told to re-read it, and the record follows (its intent is recorded pending
//! first and settled after the file: see `deadline::set_deadline`; a record that cannot be
//! written is a warning).

use super::Context;
use crate::cli::TimeoutArgs;
use crate::sandbox::format_time;

pub async fn run(ctx: &Context, args: TimeoutArgs) -> anyhow::Result<i32> {
    let lifetime = args.duration.0;
    let (engine, _, sandbox) = ctx.live_sandbox(&args.id).await?;
    let deadline =
        crate::deadline::set_lifetime(engine, &ctx.store, &ctx.printer, &sandbox, lifetime).await?;
    print_deadline(ctx, &sandbox.id, deadline)
}

/// The new deadline is the data: a timestamp, or `never` (`--json`: `{id, expires_at}`).
pub fn print_deadline(
    ctx: &Context,
    id: &str,
    deadline: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<i32> {
    let expires = deadline.map(format_time);
    if ctx.printer.json {
        ctx.printer
            .json_value(&serde_json::json!({ "id": id, "expires_at": expires }))?;
    } else {
        ctx.printer.data(expires.as_deref().unwrap_or("never"))?;
    }
    Ok(0)
}
