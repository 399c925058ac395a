//! `dsbx timeout ID DUR`: the sandbox's remaining lifetime from now (`0` = never). Works on a
//! running, stopped or paused sandbox: the deadline file is rewritten through the archive API, a
//! running helper is told to re-read it, and the record follows.

use super::Context;
use crate::cli::TimeoutArgs;
use crate::sandbox::format_time;

pub async fn run(ctx: &Context, args: TimeoutArgs) -> anyhow::Result<i32> {
    let lifetime = crate::units::parse_duration(&args.duration)?;
    let engine = ctx.engine().await?;
    let state = ctx.store.load()?;
    let sandbox = crate::resolve::resolve(engine, &state, &ctx.scope, &args.id)
        .await?
        .live()?;
    let deadline = crate::lifetime::set_lifetime(engine, &ctx.store, &sandbox, lifetime).await?;
    let expires = deadline.map(format_time);
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "id": sandbox.id,
            "expires_at": expires,
        }))?;
    } else {
        // The new deadline is the data: a timestamp, or `never`.
        ctx.printer.data(expires.as_deref().unwrap_or("never"))?;
    }
    Ok(0)
}
