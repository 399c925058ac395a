//! `dsbx sandbox …`: the lifecycle commands of the E2B `sbx` skill, mapped onto dsbx's own
//! (`init`, `kill`, `ls`, `info`, `get-host`, `pause`, `resume`, the lifetime module), under
//! dsbx's output and exit-code rules. See `sbx-compat.md`.

use super::Context;
use crate::cli::{
    ConnectArgs, ExtendArgs, GetHostArgs, IdArg, InfoArgs, KillArgs, SandboxCommand,
    SandboxGetHostArgs, SandboxListArgs,
};
use crate::error::usage;
use chrono::Utc;

pub async fn run(ctx: &Context, args: SandboxCommand) -> anyhow::Result<i32> {
    match args {
        SandboxCommand::Create(a) => super::init::run(ctx, a).await,
        SandboxCommand::Kill(a) => {
            let args = KillArgs {
                ids: vec![a.id],
                all: false,
                all_scopes: false,
                yes: false,
            };
            super::kill::run(ctx, args).await
        }
        SandboxCommand::List(a) => list(ctx, a).await,
        SandboxCommand::Info(a) => {
            let args = InfoArgs {
                id: a.id,
                stats: false,
            };
            super::info::run(ctx, args).await
        }
        SandboxCommand::Status(a) => status(ctx, a).await,
        SandboxCommand::GetHost(a) => get_host(ctx, a).await,
        SandboxCommand::ExtendLifetime(a) => extend(ctx, a).await,
        SandboxCommand::Pause(a) => super::pause_resume::pause(ctx, a).await,
        SandboxCommand::Connect(a) => connect(ctx, a).await,
    }
}

/// `sandbox list [--limit N]`: `dsbx ls`'s rows (same table, same `--json` keys), the first N.
async fn list(ctx: &Context, args: SandboxListArgs) -> anyhow::Result<i32> {
    if args.limit == 0 {
        return Err(usage("--limit must be at least 1"));
    }
    let engine = ctx.engine().await?;
    let live = engine.list_sandboxes(Some(&ctx.scope)).await?;
    let state = ctx.store.load()?;
    let now = Utc::now();
    let files = crate::deadline::read_needed_deadlines(engine, &live, &state, now).await;
    let mut rows = super::ls::rows(&live, &state, Some(&ctx.scope), now, &files);
    let total = rows.len();
    rows.truncate(args.limit);
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "sandboxes": rows,
            "total": total,
        }))?;
    } else if ctx.printer.quiet {
        for row in &rows {
            ctx.printer.data(&row.id)?;
        }
    } else {
        super::ls::print_table(ctx, &rows)?;
        if total > rows.len() {
            ctx.printer.note_tty(format!(
                "showing {} of {total} sandboxes (--limit)",
                rows.len()
            ));
        }
    }
    Ok(0)
}

/// `sandbox status ID`: the status word `dsbx ls` shows (running, stopped, paused, expired,
/// untracked). A sandbox recorded but gone from Docker is "no such sandbox" (exit 3).
async fn status(ctx: &Context, args: IdArg) -> anyhow::Result<i32> {
    let (engine, state, sandbox) = ctx.live_sandbox(&args.id).await?;
    let record = state.sandboxes.get(&sandbox.id);
    let now = Utc::now();
    // Judged by the same rule as ls and gc: the deadline inside it where the record or label
    // may be overruled.
    let deadline = crate::view::deadline_in_force(engine, &sandbox, record, now).await;
    let word = crate::view::status(&sandbox, record, deadline, now).as_str();
    if ctx.printer.json {
        ctx.printer
            .json_value(&serde_json::json!({ "id": sandbox.id, "status": word }))?;
    } else {
        ctx.printer.data(word)?;
    }
    Ok(0)
}

/// `sandbox get-host ID -p PORT`: `dsbx get-host` with the configured (or default) template; the
/// URL is the only line on stdout.
async fn get_host(ctx: &Context, args: SandboxGetHostArgs) -> anyhow::Result<i32> {
    let args = GetHostArgs {
        id: args.id,
        port: None,
        port_flag: Some(args.port),
        url_template: None,
        check: false,
        wait: None,
    };
    super::get_host::run(ctx, args).await
}

/// `sandbox extend-lifetime ID SECONDS`: the remaining lifetime plus SECONDS (a passed deadline
/// counts as nothing remaining). A sandbox that never expires keeps never expiring. Prints the
/// new deadline, as `dsbx timeout` does.
async fn extend(ctx: &Context, args: ExtendArgs) -> anyhow::Result<i32> {
    let extra = args.seconds;
    let (engine, _, sandbox) = ctx.live_sandbox(&args.id).await?;
    // The deadline the helper obeys is the file inside the sandbox; the record's copy only if
    // the file cannot be read.
    let current = match crate::deadline::read_deadline(engine, &sandbox).await {
        Ok(d) => d,
        Err(e) => {
            ctx.printer.warn(format!(
                "could not read the deadline inside the sandbox ({}); extending the recorded one",
                crate::error::one_line(&e)
            ));
            let state = ctx.store.load()?;
            crate::deadline::known_deadline(&sandbox, state.sandboxes.get(&sandbox.id))
        }
    };
    let deadline = match current {
        None => {
            ctx.printer.note_tty(format!(
                "sandbox {} never expires; nothing to extend",
                sandbox.id
            ));
            None
        }
        // Exactly SECONDS more than the deadline in force (from now, when it has passed).
        Some(d) if d > Utc::now() => {
            let extended = chrono::Duration::from_std(extra)
                .ok()
                .and_then(|extra| d.checked_add_signed(extra))
                .unwrap_or(d);
            crate::deadline::set_deadline(
                engine,
                &ctx.store,
                &ctx.printer,
                &sandbox,
                Some(extended),
            )
            .await?
        }
        Some(_) => {
            crate::deadline::set_lifetime(engine, &ctx.store, &ctx.printer, &sandbox, Some(extra))
                .await?
        }
    };
    super::timeout::print_deadline(ctx, &sandbox.id, deadline)
}

/// `sandbox connect ID [--timeout S]`: sets the lifetime first when asked (so an expired sandbox
/// can be given time and brought back), then makes sure it runs (`dsbx resume`: starting a
/// stopped one, resuming a paused one) and prints its id.
async fn connect(ctx: &Context, args: ConnectArgs) -> anyhow::Result<i32> {
    let (engine, _, sandbox) = ctx.live_sandbox(&args.id).await?;
    if let Some(crate::units::Lifetime(lifetime)) = args.timeout {
        crate::deadline::set_lifetime(engine, &ctx.store, &ctx.printer, &sandbox, lifetime).await?;
    }
    super::pause_resume::resume(ctx, IdArg { id: sandbox.id }).await
}
