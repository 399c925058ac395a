//! `dsbx pool status|fill|drain`, and the claim `init` makes from a pool (see `crate::pool`).

use super::Context;
use super::init::{NetworkChoice, Plan};
use crate::cli::{InitArgs, PoolCommand, PoolFillArgs};
use crate::engine::Engine;
use crate::engine::images::ImageInfo;
use crate::engine::pool::Claim;
use crate::pool::{Meta, Wanted};
use crate::sandbox::{ContainerState, Sandbox};
use serde_json::json;

/// Set to a claim's step (`reserved`, `renamed`, `applied`), `init` stops there, leaves
/// `claim-paused-STEP` in the state directory and waits to be killed: tests kill it at each step
/// and check that the sandbox ends up claimed or back in the pool, never lost.
const PAUSE_ENV: &str = "DSBX_TEST_CLAIM_PAUSE";

pub async fn run(ctx: &Context, command: PoolCommand) -> anyhow::Result<i32> {
    let engine = ctx.engine().await?;
    match command {
        PoolCommand::Status => status(ctx, engine).await,
        PoolCommand::Fill(args) => fill(ctx, engine, args).await,
        PoolCommand::Drain => drain(ctx, engine).await,
    }
}

/// The plan of a warm member of `wanted`: a plain `init` (of its template), with the pool's
/// lifetime as its deadline.
fn member_plan(ctx: &Context, wanted: &Wanted) -> anyhow::Result<Plan> {
    let args = InitArgs {
        template: wanted.template.clone(),
        ..Default::default()
    };
    let mut plan = Plan::from_args(ctx, &args)?;
    plan.deadline = ctx
        .config
        .pool
        .lifetime
        .0
        .map(crate::deadline::deadline_after);
    Ok(plan)
}

/// The pool key `plan` gives, or `None` when no pool can serve it: a request with something a
/// pool member cannot have (mounts, an egress proxy, an isolated network, a health check, a
/// platform), or no helper channel to apply the claim through.
pub(super) fn key_of(
    ctx: &Context,
    engine: &Engine,
    plan: &Plan,
    image: &ImageInfo,
) -> anyhow::Result<Option<String>> {
    if !plan.binds.is_empty()
        || plan.egress.is_some()
        || plan.health.is_some()
        || plan.wait_healthy.is_some()
        || plan.platform.is_some()
        || matches!(plan.network, NetworkChoice::Isolated)
    {
        return Ok(None);
    }
    let Some((_, helper)) = super::init::helper_binary(ctx)? else {
        return Ok(None);
    };
    if !crate::channel::serves_on(&engine.endpoint) {
        return Ok(None);
    }
    // SAFETY: geteuid cannot fail.
    let uid = unsafe { libc::geteuid() };
    let config = &ctx.config;
    let parts = [
        ("schema", crate::labels::SCHEMA_VERSION.to_string()),
        ("image", plan.image.clone()),
        ("image_id", image.id.clone()),
        ("template", plan.template.clone().unwrap_or_default()),
        ("user", super::init::user_label_of(plan, image)),
        ("workdir", plan.workdir.clone().unwrap_or_default()),
        ("ports", format!("{:?}", plan.ports)),
        ("memory", plan.memory.to_string()),
        ("cpus", plan.nano_cpus.to_string()),
        ("pids", plan.pids.to_string()),
        ("disk", format!("{:?}", plan.disk)),
        ("cpuset", plan.cpuset_cpus.clone().unwrap_or_default()),
        ("network", format!("{:?}", plan.network)),
        ("publish", config.publish_address.to_string()),
        ("cap_add", config.security.cap_add.join(",")),
        ("nnp", config.security.no_new_privileges.to_string()),
        ("runtime", config.security.runtime.clone()),
        ("helper", helper),
        ("helper_args", super::init::helper_init_args().join(" ")),
        ("channel_dir", ctx.store.dir().display().to_string()),
        ("uid", uid.to_string()),
        ("engine", engine.endpoint.url.clone()),
        ("scope", ctx.scope.clone()),
    ];
    Ok(Some(crate::pool::key(&parts)))
}

/// `init`'s fast path: a warm member of the pool `plan` matches, claimed and made into the
/// sandbox `plan` asks for. `None`: no pool, no match or no member left (the caller creates
/// one, with the same output).
pub(super) async fn try_claim(
    ctx: &Context,
    engine: &Engine,
    plan: &Plan,
    image: &ImageInfo,
) -> anyhow::Result<Option<(String, Plan)>> {
    if crate::pool::size_for(&ctx.config, plan.template.as_deref()) == 0 {
        return Ok(None);
    }
    let Some(key) = key_of(ctx, engine, plan, image)? else {
        ctx.printer
            .verbose("pool: this init's settings do not match its pool: creating a sandbox");
        return Ok(None);
    };
    let mut plan = plan.clone();
    plan.user_label = super::init::user_label_of(&plan, image);
    let mut warm: Vec<Sandbox> = engine
        .list_warm(Some(&ctx.scope), Some(&key))
        .await?
        .into_iter()
        .filter(|s| s.state == ContainerState::Running)
        .collect();
    // Racing inits start at different members, so most win their first rename.
    use rand::seq::SliceRandom;
    warm.shuffle(&mut rand::rng());
    // The sandbox caps count claimed sandboxes as any other (warm ones count for no one): the
    // count and the claims happen under the same host lock as a cold create's.
    let count_lock = if warm.is_empty() {
        None
    } else {
        super::init::room_for_one_more(ctx, engine).await?
    };
    let mut won = None;
    for member in warm {
        super::init::reserve_for_claim(ctx, engine, &plan, &member.id).await?;
        pause_at(ctx, "reserved");
        match engine.claim_warm(&member).await {
            Ok(Claim::Won) => {
                won = Some(member);
                break;
            }
            Ok(Claim::Lost) => super::init::unreserve(ctx, &member.id),
            Err(e) => {
                super::init::unreserve(ctx, &member.id);
                return Err(e);
            }
        }
    }
    drop(count_lock);
    spawn_filler(ctx);
    let Some(member) = won else {
        ctx.printer
            .verbose("pool: no warm sandbox left: creating a sandbox");
        return Ok(None);
    };
    pause_at(ctx, "renamed");
    match make_it_the_sandbox(ctx, engine, &plan, &member).await {
        Ok(()) => Ok(Some((member.id.clone(), plan))),
        Err(e) => {
            // Claimed but not made what was asked: it is nobody's, so it goes, and the init
            // creates a sandbox instead.
            ctx.printer.verbose(format!(
                "pool: claimed sandbox {} could not be set up ({e:#}): creating a sandbox",
                member.id
            ));
            let _ = engine
                .remove_sandbox(&member.container_id, &member.id)
                .await;
            crate::channel::forget(ctx.store.dir(), &member.id);
            super::init::unreserve(ctx, &member.id);
            Ok(None)
        }
    }
}

/// What `init` sets per sandbox, applied to a claimed member: deadline, environment and metadata
/// through the helper, the name's DNS alias, then the record.
async fn make_it_the_sandbox(
    ctx: &Context,
    engine: &Engine,
    plan: &Plan,
    member: &Sandbox,
) -> anyhow::Result<()> {
    let channel =
        crate::channel::client::connect(ctx.store.dir(), &member.id, &engine.endpoint.url)
            .await
            .map_err(|why| anyhow::anyhow!("its channel: {why}"))?;
    let meta = Meta {
        name: plan.name.clone(),
        labels: plan
            .user_labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        owner: crate::scope::owner(),
        claimed_at: crate::sandbox::format_time(chrono::Utc::now()),
    };
    channel
        .claim(
            plan.deadline.map_or(0, |d| d.timestamp()),
            plan.env.clone(),
            serde_json::to_string(&meta)?,
        )
        .await?;
    pause_at(ctx, "applied");
    if let NetworkChoice::Shared(network) = &plan.network
        && !plan.name.is_empty()
    {
        let aliases = [member.id.clone(), plan.name.clone()];
        engine
            .set_aliases(&member.container_id, network, &aliases)
            .await?;
    }
    super::init::record_claimed(ctx, plan, &member.id)
}

fn pause_at(ctx: &Context, step: &str) {
    if std::env::var(PAUSE_ENV).ok().as_deref() != Some(step) {
        return;
    }
    let _ = std::fs::write(ctx.store.dir().join(format!("claim-paused-{step}")), "");
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}

/// Starts `dsbx pool fill --detached` for this scope, detached from the terminal and silent:
/// it refills what the claim took, or does nothing when another filler is at work.
pub(super) fn spawn_filler(ctx: &Context) {
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut cmd = std::process::Command::new(exe);
    cmd.args([
        "pool",
        "fill",
        "--detached",
        "--quiet",
        "--scope",
        &ctx.scope,
    ]);
    if let Some(config) = &ctx.global.config {
        cmd.arg("--config").arg(config);
    }
    if let Some(host) = &ctx.global.docker_host {
        cmd.args(["--docker-host", host]);
    }
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid is async-signal-safe; the filler leaves the terminal's session, so a
    // Ctrl-C or a closed terminal does not end it half-way.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    if let Err(e) = cmd.spawn() {
        crate::pool::log_failure(ctx.store.dir(), &format!("cannot start the filler: {e}"));
    }
}

async fn fill(ctx: &Context, engine: &Engine, args: PoolFillArgs) -> anyhow::Result<i32> {
    let lock_name = crate::pool::fill_lock(&ctx.scope);
    if args.detached {
        // One filler per scope: if one is at work it will see this claim's gap too.
        let Some(_lock) = crate::host_lock::try_acquire(&engine.endpoint.url, &lock_name)? else {
            return Ok(0);
        };
        if let Err(e) = fill_all(ctx, engine).await {
            crate::pool::log_failure(ctx.store.dir(), &format!("{e:#}"));
        }
        return Ok(0);
    }
    if !args.wait {
        if crate::pool::wanted(&ctx.config).is_empty() {
            ctx.printer
                .note("no pool is configured: set [pool] size (or templates) in the config");
        } else {
            spawn_filler(ctx);
            ctx.printer
                .note("filling in the background; `dsbx pool status` shows progress");
        }
        if ctx.printer.json {
            ctx.printer
                .json_value(&json!({ "started": true, "created": [] }))?;
        }
        return Ok(0);
    }
    let _lock = crate::host_lock::acquire_async(&engine.endpoint.url, &lock_name).await?;
    let created = match fill_all(ctx, engine).await {
        Ok(c) => c,
        Err(e) => {
            crate::pool::log_failure(ctx.store.dir(), &format!("{e:#}"));
            return Err(e);
        }
    };
    if ctx.printer.json {
        ctx.printer
            .json_value(&json!({ "started": false, "created": created }))?;
    } else {
        for id in &created {
            ctx.printer.data(id)?;
        }
        ctx.printer
            .note_tty(format!("{} warm sandbox(es) created", created.len()));
    }
    Ok(0)
}

/// Brings every pool of the config up to its size; returns the ids made. Warm members that
/// stopped (their lifetime passed) are removed on the way.
async fn fill_all(ctx: &Context, engine: &Engine) -> anyhow::Result<Vec<String>> {
    let warm = engine.list_warm(Some(&ctx.scope), None).await?;
    for s in warm.iter().filter(|s| is_dead_member(s)) {
        remove_member(ctx, engine, s).await?;
    }
    let mut created = Vec::new();
    let mut failures = Vec::new();
    for wanted in crate::pool::wanted(&ctx.config) {
        let plan = member_plan(ctx, &wanted)?;
        let image = super::template::ensure_image(ctx, engine, &plan.image, None).await?;
        let Some(key) = key_of(ctx, engine, &plan, &image)? else {
            anyhow::bail!(
                "the {} pool cannot be filled: its sandboxes need dsbx's helper and a local engine's channel",
                wanted.label()
            );
        };
        let have = warm
            .iter()
            .filter(|s| s.label(crate::labels::POOL) == Some(key.as_str()) && !is_dead_member(s))
            .count();
        let need = (wanted.size as usize).saturating_sub(have);
        let mut member = plan.clone();
        member.pool_key = Some(key);
        let made = futures_util::future::join_all(
            (0..need).map(|_| super::init::create(ctx, engine, member.clone(), &image)),
        )
        .await;
        for m in made {
            match m {
                Ok((id, _)) => created.push(id),
                Err(e) => failures.push(format!("{}: {e:#}", wanted.label())),
            }
        }
    }
    if !failures.is_empty() {
        anyhow::bail!("filling the pool failed: {}", failures.join("; "));
    }
    Ok(created)
}

/// A member that can never be claimed: stopped (its lifetime passed), dead, or gone.
fn is_dead_member(s: &Sandbox) -> bool {
    matches!(
        s.state,
        ContainerState::Exited | ContainerState::Dead | ContainerState::Removing
    )
}

async fn remove_member(ctx: &Context, engine: &Engine, s: &Sandbox) -> anyhow::Result<()> {
    engine.remove_sandbox(&s.container_id, &s.id).await?;
    crate::channel::forget(ctx.store.dir(), &s.id);
    Ok(())
}

/// The keys of the pools the config asks for now, by pool (`None`: cannot be known, e.g. the
/// image is not on the engine).
async fn current_keys(
    ctx: &Context,
    engine: &Engine,
) -> anyhow::Result<Vec<(Wanted, Option<String>, String)>> {
    let mut out = Vec::new();
    for wanted in crate::pool::wanted(&ctx.config) {
        let plan = member_plan(ctx, &wanted)?;
        let key = match engine.image_info(&plan.image).await? {
            Some(image) => key_of(ctx, engine, &plan, &image)?,
            None => None,
        };
        out.push((wanted, key, plan.image));
    }
    Ok(out)
}

async fn status(ctx: &Context, engine: &Engine) -> anyhow::Result<i32> {
    let (warm, sandboxes) = tokio::try_join!(
        engine.list_warm(Some(&ctx.scope), None),
        engine.list_sandboxes(Some(&ctx.scope))
    )?;
    let keys = current_keys(ctx, engine).await?;
    let filling =
        crate::host_lock::try_acquire(&engine.endpoint.url, &crate::pool::fill_lock(&ctx.scope))?
            .is_none();
    let count = |key: &Option<String>, f: &dyn Fn(&Sandbox) -> bool, list: &[Sandbox]| {
        list.iter()
            .filter(|s| key.is_some() && s.label(crate::labels::POOL) == key.as_deref() && f(s))
            .count()
    };
    let pools: Vec<serde_json::Value> = keys
        .iter()
        .map(|(wanted, key, image)| {
            json!({
                "pool": wanted.label(),
                "template": wanted.template,
                "image": image,
                "size": wanted.size,
                "key": key,
                "warm": count(key, &|s| s.state == ContainerState::Running, &warm),
                "starting": count(key, &|s| s.state == ContainerState::Created, &warm),
                "claimed": count(key, &|_| true, &sandboxes),
            })
        })
        .collect();
    let current: Vec<&str> = keys.iter().filter_map(|(_, k, _)| k.as_deref()).collect();
    let stale = warm
        .iter()
        .filter(|s| {
            !s.label(crate::labels::POOL)
                .is_some_and(|k| current.contains(&k))
        })
        .count();
    let failures = crate::pool::recent_failures(ctx.store.dir());
    if ctx.printer.json {
        ctx.printer.json_value(&json!({
            "pools": pools,
            "filling": filling,
            "stale": stale,
            "failures": failures,
        }))?;
        return Ok(0);
    }
    if pools.is_empty() {
        ctx.printer
            .note("no pool is configured: set [pool] size (or templates) in the config");
    }
    for p in &pools {
        ctx.printer.data(format!(
            "{}: {} warm of {} ({} starting, {} claimed), image {}, key {}",
            p["pool"].as_str().unwrap_or(""),
            p["warm"],
            p["size"],
            p["starting"],
            p["claimed"],
            p["image"].as_str().unwrap_or(""),
            p["key"]
                .as_str()
                .unwrap_or("unknown (image not on the engine)"),
        ))?;
    }
    if filling {
        ctx.printer.data("a filler is at work")?;
    }
    if stale > 0 {
        ctx.printer.data(format!(
            "{stale} warm sandbox(es) from an older config, image or dsbx (`dsbx gc` removes them)"
        ))?;
    }
    for f in &failures {
        ctx.printer.data(format!("failure: {f}"))?;
    }
    Ok(0)
}

async fn drain(ctx: &Context, engine: &Engine) -> anyhow::Result<i32> {
    // Under the filler's lock: no filler adds members while they are removed.
    let _lock =
        crate::host_lock::acquire_async(&engine.endpoint.url, &crate::pool::fill_lock(&ctx.scope))
            .await?;
    let warm = engine.list_warm(Some(&ctx.scope), None).await?;
    let removed =
        futures_util::future::join_all(warm.iter().map(|s| remove_member(ctx, engine, s))).await;
    let mut ids = Vec::new();
    for (s, r) in warm.iter().zip(removed) {
        r?;
        ids.push(s.id.clone());
    }
    if ctx.printer.json {
        ctx.printer.json_value(&json!({ "removed": ids }))?;
    } else {
        for id in &ids {
            ctx.printer.data(id)?;
        }
        ctx.printer
            .note_tty(format!("{} warm sandbox(es) removed", ids.len()));
    }
    Ok(0)
}

/// The warm members `gc` removes: stopped or dead ones, ones past their lifetime, and, in the
/// current scope, those whose key no pool of the config has any more (a new config, image or
/// dsbx: an upgrade drains old pools by itself).
pub(super) async fn gc_candidates(
    ctx: &Context,
    engine: &Engine,
    all_scopes: bool,
) -> anyhow::Result<Vec<(Sandbox, super::gc::Reason)>> {
    use super::gc::Reason;
    let scope = (!all_scopes).then_some(ctx.scope.as_str());
    let warm = engine.list_warm(scope, None).await?;
    if warm.is_empty() {
        return Ok(Vec::new());
    }
    let keys = current_keys(ctx, engine).await?;
    let current: Vec<&str> = keys.iter().filter_map(|(_, k, _)| k.as_deref()).collect();
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    for s in warm {
        let why = if is_dead_member(&s) {
            Some(Reason::PoolMemberStopped)
        } else if s.pool_expires().is_some_and(|d| d <= now) {
            Some(Reason::PoolMemberExpired)
        } else if s.scope == ctx.scope
            && !s
                .label(crate::labels::POOL)
                .is_some_and(|k| current.contains(&k))
        {
            Some(Reason::PoolRetired)
        } else if s.state == ContainerState::Created
            && s.created_at()
                .is_some_and(|c| now - c > chrono::Duration::minutes(10))
        {
            // A filler that died between create and start.
            Some(Reason::PoolMemberAbandoned)
        } else {
            None
        };
        if let Some(why) = why {
            out.push((s, why));
        }
    }
    Ok(out)
}

/// `ls --pool`: the warm members, as rows of their own.
pub(super) async fn list_rows(
    ctx: &Context,
    engine: &Engine,
    all_scopes: bool,
) -> anyhow::Result<Vec<serde_json::Value>> {
    let scope = (!all_scopes).then_some(ctx.scope.as_str());
    let warm = engine.list_warm(scope, None).await?;
    Ok(warm
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "scope": s.scope,
                "image": s.image,
                "template": s.label(crate::labels::TEMPLATE),
                "key": s.label(crate::labels::POOL),
                "state": format!("{:?}", s.state).to_lowercase(),
                "created_at": s.created_at().map(crate::sandbox::format_time),
                "expires_at": s.pool_expires().map(crate::sandbox::format_time),
            })
        })
        .collect())
}
