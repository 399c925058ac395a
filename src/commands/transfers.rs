//! What every command that moves files does around a transfer: resolve the sandbox, start or
//! resume it (unless its deadline has passed), run the transfer, record the activity. The
//! transfer itself (`crate::transfer`) knows nothing of the command line.

use super::Context;
use crate::engine::Engine;
use crate::error::usage;
use crate::sandbox::Sandbox;
use crate::transfer::{self, Dest, DownloadOptions, Session, Source, Summary, UploadOptions};

/// Resolves the sandbox, starts or resumes it, and knows its working directory.
pub async fn ready_sandbox<'a>(
    ctx: &'a Context,
    query: &str,
) -> anyhow::Result<(&'a Engine, Sandbox)> {
    let (engine, state, sandbox) = ctx.live_sandbox(query).await?;
    crate::deadline::make_ready(engine, &state, &sandbox).await?;
    // The list call behind names and prefixes does not carry the working directory.
    let sandbox = if sandbox.workdir.is_none() {
        engine
            .inspect_sandbox(&sandbox.id)
            .await?
            .unwrap_or(sandbox)
    } else {
        sandbox
    };
    Ok((engine, sandbox))
}

/// Records a dsbx command's use of the sandbox (for `gc --idle`, `ls`, `info`): its activity
/// mark (`StateStore::touch`); a mark that cannot be written costs only that.
pub fn touch(ctx: &Context, id: &str) {
    ctx.store.touch(id);
}

fn session<'a>(ctx: &'a Context, engine: &'a Engine, sandbox: &'a Sandbox) -> Session<'a> {
    Session {
        engine,
        sandbox,
        state_dir: ctx.store.dir(),
        sink: &ctx.printer,
        direct: None,
    }
}

/// Uploads a local file or tree (or stdin) to REMOTE in the sandbox `query`.
pub async fn upload(
    ctx: &Context,
    query: &str,
    source: &Source,
    remote_arg: &str,
    root: bool,
) -> anyhow::Result<Summary> {
    let options = UploadOptions {
        root,
        ..Default::default()
    };
    upload_with(ctx, query, source, remote_arg, &options).await
}

/// [`upload`] with a filter for trees and the fill-the-directory target rule. The local side
/// is looked at first: a missing LOCAL fails before the sandbox is started.
pub async fn upload_with(
    ctx: &Context,
    query: &str,
    source: &Source,
    remote_arg: &str,
    options: &UploadOptions,
) -> anyhow::Result<Summary> {
    let local = transfer::Local::prepare(source, remote_arg, options)?;
    // Over the channel, an upload needs no engine call and one helper call.
    if let Some(direct) = direct(ctx, query).await {
        return upload_direct(ctx, &direct, local, remote_arg, options).await;
    }
    upload_on_engine(ctx, query, local, remote_arg, options).await
}

/// [`upload_with`] through the engine's paths (the channel is not asked again).
pub async fn upload_on_engine(
    ctx: &Context,
    query: &str,
    local: transfer::Local<'_>,
    remote_arg: &str,
    options: &UploadOptions,
) -> anyhow::Result<Summary> {
    let (engine, sandbox) = ready_sandbox(ctx, query).await?;
    let summary =
        transfer::upload(&session(ctx, engine, &sandbox), local, remote_arg, options).await?;
    touch(ctx, &sandbox.id);
    Ok(summary)
}

/// [`upload_with`] over the sandbox's channel, on the connection `direct` holds.
pub async fn upload_direct(
    ctx: &Context,
    direct: &transfer::direct::Direct,
    local: transfer::Local<'_>,
    remote_arg: &str,
    options: &UploadOptions,
) -> anyhow::Result<Summary> {
    let engine = Engine::unverified(&ctx.global.engine_flags())?;
    let session = Session {
        direct: Some(direct),
        ..session(ctx, &engine, &direct.sandbox)
    };
    let summary = transfer::upload(&session, local, remote_arg, options).await?;
    touch(ctx, &direct.sandbox.id);
    Ok(summary)
}

/// Downloads REMOTE from the sandbox `query` to a local path or to stdout.
pub async fn download(
    ctx: &Context,
    query: &str,
    remote_arg: &str,
    dest: &Dest,
) -> anyhow::Result<Summary> {
    download_with(ctx, query, remote_arg, dest, &DownloadOptions::default()).await
}

/// [`download`] with a filter for trees and the fill-the-directory target rule.
pub async fn download_with(
    ctx: &Context,
    query: &str,
    remote_arg: &str,
    dest: &Dest,
    options: &DownloadOptions,
) -> anyhow::Result<Summary> {
    if remote_arg.is_empty() {
        return Err(usage("REMOTE is empty: name a path in the sandbox"));
    }
    // Over the channel the helper reads with no engine call at all (see `transfer::fetch`).
    with_session(ctx, query, async |s| {
        transfer::download(s, remote_arg, dest, options).await
    })
    .await
}

/// The sandbox `query` over its channel, when its helper answers: this command's files need
/// no engine call (see `transfer::direct::connect_any`).
pub async fn direct(ctx: &Context, query: &str) -> Option<transfer::direct::Direct> {
    let state = ctx.store.load().ok()?;
    let endpoint = crate::engine::endpoint::resolve(&ctx.global.engine_flags()).ok()?;
    transfer::direct::connect_any(
        &state,
        ctx.store.dir(),
        &ctx.scope,
        &endpoint.url,
        query,
        &|why| ctx.printer.verbose(why),
    )
    .await
}

/// Runs `f` with a session on the sandbox `query`: over its channel when its helper answers,
/// else through the engine (the sandbox started or resumed first). Records the activity.
pub async fn with_session<T>(
    ctx: &Context,
    query: &str,
    f: impl AsyncFnOnce(&Session<'_>) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    if let Some(direct) = direct(ctx, query).await {
        let engine = Engine::unverified(&ctx.global.engine_flags())?;
        let session = Session {
            direct: Some(&direct),
            ..session(ctx, &engine, &direct.sandbox)
        };
        let out = f(&session).await?;
        touch(ctx, &direct.sandbox.id);
        return Ok(out);
    }
    let (engine, sandbox) = ready_sandbox(ctx, query).await?;
    let out = f(&session(ctx, engine, &sandbox)).await?;
    touch(ctx, &sandbox.id);
    Ok(out)
}
