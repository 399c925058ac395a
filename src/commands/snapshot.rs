//! `dsbx snapshot ID`, `dsbx snapshot ls`, `dsbx snapshot rm NAME…`, and what `init --snapshot`,
//! `fork` and `gc` need of snapshots.
//!
//! Taking a snapshot: the engine commits the sandbox (pausing it for the commit unless
//! `--no-pause`, and resuming it itself in every case), dsbx loads the snapshot's image from a
//! config it writes on the commit's layers plus a layer hiding `/.dsbx`, and removes the commit.
//! See `engine/snapshots.rs` for why the commit alone will not do.

use super::Context;
use super::init::Plan;
use crate::cli::{InitArgs, SnapshotArgs, SnapshotCommand, SnapshotHow, SnapshotRmArgs};
use crate::engine::Engine;
use crate::error::{not_found, one_line, usage};
use crate::sandbox::{Sandbox, format_time};
use crate::snapshot::{self as rules, Provenance, Snapshot};
use chrono::Utc;
use futures_util::future::join_all;
use std::time::Instant;

pub async fn run(ctx: &Context, args: SnapshotArgs) -> anyhow::Result<i32> {
    match args.command {
        Some(SnapshotCommand::Ls) => ls(ctx).await,
        Some(SnapshotCommand::Rm(a)) => rm(ctx, a).await,
        None => {
            let query = args.id.unwrap_or_default();
            let (engine, _, sandbox) = ctx.live_sandbox(&query).await?;
            let taken = take(ctx, engine, &sandbox, args.name, &args.how, false).await?;
            if ctx.printer.json {
                ctx.printer.json_value(&taken.json(&sandbox.id))?;
            } else {
                ctx.printer.data(&taken.name)?;
            }
            Ok(0)
        }
    }
}

/// How long `snapshot` waits for the engine to remove its intermediate commit (normally a few
/// milliseconds).
const COMMIT_REMOVAL_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A snapshot just taken.
#[derive(Debug, Clone)]
pub struct Taken {
    pub name: String,
    pub image_id: String,
    pub tag: String,
    /// How long the engine's commit took with the sandbox paused (`None` with `--no-pause`).
    pub paused_ms: Option<u64>,
    pub duration_ms: u64,
    /// Mounts whose content the snapshot does not hold (`bind /data`).
    pub not_captured: Vec<String>,
}

impl Taken {
    /// `snapshot create --json`'s object (and the MCP tool's answer); `source` is the sandbox.
    pub fn json(&self, source: &str) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "image_id": self.image_id,
            "tag": self.tag,
            "source": source,
            "paused_ms": self.paused_ms,
            "duration_ms": self.duration_ms,
            "not_captured": self.not_captured,
        })
    }
}

/// Snapshots `sandbox`; `fork` marks the snapshot as a fork's (gc removes it once unused).
pub async fn take(
    ctx: &Context,
    engine: &Engine,
    sandbox: &Sandbox,
    name: Option<String>,
    how: &SnapshotHow,
    fork: bool,
) -> anyhow::Result<Taken> {
    let started = Instant::now();
    let name = match name {
        Some(n) => {
            rules::validate_name(&n)?;
            n
        }
        None => rules::default_name(&sandbox.id),
    };
    let (source, existing) = tokio::try_join!(
        engine.snapshot_source(&sandbox.id),
        engine.list_snapshot_images(Some(&ctx.scope)),
    )?;
    let name_taken = || {
        usage(format!(
            "the snapshot name `{name}` is already used in scope `{}` (`dsbx snapshot rm {name}` frees it)",
            ctx.scope
        ))
    };
    if named(&existing, &name).is_some() {
        return Err(name_taken());
    }
    if !source.uncaptured.is_empty() {
        ctx.printer.warn(format!(
            "not part of the snapshot (mounts keep their content outside the sandbox): {}",
            source.uncaptured.join(", ")
        ));
    }
    let pause = !how.no_pause && sandbox.state == crate::sandbox::ContainerState::Running;
    let commit_started = Instant::now();
    let commit = engine.commit_sandbox(&sandbox.id, pause).await?;
    let commit_ms = commit_started.elapsed().as_millis() as u64;
    ctx.printer
        .verbose(format!("commit took {commit_ms} ms (paused: {pause})"));
    // The commit is only a carrier for the sandbox's layer: removed whatever happens next. An
    // image removal waits for every container's lock on Docker 20.10, so one container stuck in
    // the engine would hold the snapshot hostage: past a bound, the request is left to the
    // engine and the commit, labelled, to `gc`.
    let loaded = compose(ctx, engine, sandbox, &source, &commit, &name, how, fork).await;
    match tokio::time::timeout(COMMIT_REMOVAL_WAIT, engine.remove_image_by_id(&commit)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => ctx.printer.warn(format!(
            "could not remove the intermediate image {commit} (`dsbx gc` will): {}",
            one_line(&e)
        )),
        Err(_) => ctx.printer.warn(format!(
            "the engine has not removed the intermediate image {commit} within {} s; `dsbx gc` removes it if it stays",
            COMMIT_REMOVAL_WAIT.as_secs()
        )),
    }
    let (image_id, tag) = loaded?;
    Ok(Taken {
        name,
        image_id,
        tag,
        paused_ms: pause.then_some(commit_ms),
        duration_ms: started.elapsed().as_millis() as u64,
        not_captured: source.uncaptured,
    })
}

/// Loads the snapshot's image on the commit's layers; returns its id and tag.
#[allow(clippy::too_many_arguments)]
async fn compose(
    ctx: &Context,
    engine: &Engine,
    sandbox: &Sandbox,
    source: &crate::engine::snapshots::SourceContainer,
    commit: &str,
    name: &str,
    how: &SnapshotHow,
    fork: bool,
) -> anyhow::Result<(String, String)> {
    let (committed, base) = tokio::try_join!(
        engine.image_parts(commit),
        engine.image_parts(&source.image_id),
    )?;
    let now = Utc::now();
    let provenance = Provenance {
        name: name.to_string(),
        scope: ctx.scope.clone(),
        source: sandbox.id.clone(),
        user: sandbox.user().to_string(),
        workdir: source.working_dir.clone(),
        ports: sandbox
            .label(crate::labels::PORTS)
            .unwrap_or("")
            .split(',')
            .filter_map(|p| p.parse().ok())
            .collect(),
        memory: source.memory,
        nano_cpus: source.nano_cpus,
        pids: source.pids,
        base: sandbox
            .label(rules::BASE)
            .unwrap_or(&sandbox.image)
            .to_string(),
        fork,
    };
    let config = rules::image_config(
        &base.config,
        &source.env,
        how.keep_env,
        provenance.labels(now),
    );
    let tag = rules::tag(&ctx.scope, name);
    ctx.printer.verbose("composing the snapshot image");
    let archive = rules::load_archive(&committed, &config, &rules::hiding_layer()?, &tag, now)?;
    // Names are unique per scope: the check and the load happen under one host lock, so two
    // snapshots given the same name at once cannot both be made.
    let _lock = crate::host_lock::acquire_async(&engine.endpoint.url, "snapshot-names").await?;
    if named(&engine.list_snapshot_images(Some(&ctx.scope)).await?, name).is_some() {
        return Err(usage(format!(
            "the snapshot name `{name}` is already used in scope `{}`",
            ctx.scope
        )));
    }
    ctx.printer.verbose("loading the snapshot image");
    let image_id = engine.load_image(archive).await?;
    ctx.printer.verbose(format!("loaded {image_id}"));
    Ok((image_id, tag))
}

fn named<'a>(
    images: &'a [crate::engine::snapshots::ListedImage],
    name: &str,
) -> Option<&'a crate::engine::snapshots::ListedImage> {
    images.iter().find(|i| {
        i.labels.get(crate::labels::NAME).map(String::as_str) == Some(name)
            && Snapshot::from_image(i).is_some()
    })
}

/// The scope's snapshots whose labels validate, newest first.
pub async fn list(engine: &Engine, scope: Option<&str>) -> anyhow::Result<Vec<Snapshot>> {
    let mut out: Vec<Snapshot> = engine
        .list_snapshot_images(scope)
        .await?
        .iter()
        .filter_map(Snapshot::from_image)
        .filter(|s| scope.is_none_or(|sc| s.scope == sc))
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.created_at));
    Ok(out)
}

/// The scope's snapshot called `name` (exit 3 when there is none).
pub async fn find(ctx: &Context, engine: &Engine, name: &str) -> anyhow::Result<Snapshot> {
    rules::validate_name(name)?;
    list(engine, Some(&ctx.scope))
        .await?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| {
            not_found(format!(
                "no snapshot `{name}` in scope `{}` (`dsbx snapshot ls` lists them)",
                ctx.scope
            ))
        })
}

/// The plan of an `init` from `snapshot`: what the snapshot carries (user, working directory,
/// ports, limits) unless a flag says otherwise; its own name, deadline and environment.
pub fn plan_for(ctx: &Context, args: &InitArgs, snapshot: &Snapshot) -> anyhow::Result<Plan> {
    let mut a = args.clone();
    a.snapshot = None;
    a.template = None;
    // By its tag when it still names this image (so `ls` shows it), else by its id.
    let tag = rules::tag(&snapshot.scope, &snapshot.name);
    a.image = Some(if snapshot.tags.contains(&tag) {
        tag
    } else {
        snapshot.image_id.clone()
    });
    a.user = a.user.or_else(|| Some(snapshot.user.clone()));
    a.workdir = a.workdir.or_else(|| snapshot.workdir.clone());
    // The image's labels are anyone's who can reach the engine: checked as the flags are.
    let carried =
        |what: &str, why: String| usage(format!("snapshot `{}`: {what} {why}", snapshot.name));
    if a.memory.is_none()
        && let Some(m) = snapshot.memory
    {
        a.memory =
            Some(u64::try_from(m).map_err(|_| carried("memory", format!("`{m}` is negative")))?);
    }
    if a.nano_cpus.is_none()
        && let Some(n) = snapshot.nano_cpus
    {
        a.nano_cpus =
            Some(crate::units::nano_cpus(n as f64 / 1e9).map_err(|why| carried("cpus", why))?);
    }
    if a.pids.is_none()
        && let Some(p) = snapshot.pids
    {
        a.pids = Some(crate::units::pids(p).map_err(|why| carried("pids", why))?);
    }
    let mut ports: Vec<crate::units::Publish> = snapshot
        .ports
        .iter()
        .map(|&port| crate::units::Publish { host: None, port })
        .collect();
    ports.extend(a.port);
    a.port = ports;
    let mut plan = Plan::from_args(ctx, &a)?;
    // The image's labels reach the container unless overridden: the sandbox is not a snapshot,
    // but it may say which one it came from.
    plan.user_labels
        .insert(crate::labels::ROLE.to_string(), String::new());
    plan.user_labels
        .insert(rules::NAME.to_string(), snapshot.name.clone());
    Ok(plan)
}

/// One snapshot as `snapshot ls --json` and `dsbx mcp`'s `list_snapshots` show it.
pub fn to_json(s: &Snapshot) -> serde_json::Value {
    serde_json::json!({
        "name": s.name,
        "image_id": s.image_id,
        "tags": s.tags,
        "scope": s.scope,
        "source": s.source,
        "created_at": format_time(s.created_at),
        "user": s.user,
        "workdir": s.workdir,
        "ports": s.ports,
        "base": s.base,
        "fork": s.fork,
        "size": s.size,
    })
}

async fn ls(ctx: &Context) -> anyhow::Result<i32> {
    let engine = ctx.engine().await?;
    let snapshots = list(engine, Some(&ctx.scope)).await?;
    if ctx.printer.json {
        let items: Vec<_> = snapshots.iter().map(to_json).collect();
        ctx.printer
            .json_value(&serde_json::json!({ "snapshots": items }))?;
        return Ok(0);
    }
    if ctx.printer.quiet {
        // As `ls -q`: names only, never a table.
        for s in &snapshots {
            ctx.printer.data(&s.name)?;
        }
        return Ok(0);
    }
    if snapshots.is_empty() {
        ctx.printer
            .note(format!("no snapshots in scope `{}`", ctx.scope));
        return Ok(0);
    }
    let rows: Vec<[String; 5]> = snapshots
        .iter()
        .map(|s| {
            [
                s.name.clone(),
                s.source.clone(),
                format_time(s.created_at),
                crate::units::human_size(s.size.max(0) as u64),
                if s.fork {
                    format!("{} (fork)", s.base)
                } else {
                    s.base.clone()
                },
            ]
        })
        .collect();
    let header = ["NAME", "SOURCE", "CREATED", "SIZE", "BASE"];
    let widths: Vec<usize> = (0..5)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].len())
                .max()
                .unwrap_or(0)
                .max(header[c].len())
        })
        .collect();
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .enumerate()
            .map(|(c, cell)| format!("{cell:<w$}", w = widths[c]))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    ctx.printer.data(line(header.to_vec()))?;
    for r in &rows {
        ctx.printer
            .data(line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(0)
}

async fn rm(ctx: &Context, args: SnapshotRmArgs) -> anyhow::Result<i32> {
    let engine = ctx.engine().await?;
    let snapshots = list(engine, Some(&ctx.scope)).await?;
    let mut unknown = Vec::new();
    let mut targets: Vec<&Snapshot> = Vec::new();
    for n in &args.names {
        match snapshots.iter().find(|s| &s.name == n) {
            Some(s) if !targets.iter().any(|t| t.name == s.name) => targets.push(s),
            Some(_) => {}
            None => unknown.push(n.clone()),
        }
    }
    let results = join_all(targets.iter().map(|s| remove(engine, s))).await;
    let mut removed = Vec::new();
    let mut failed = Vec::new();
    for (s, r) in targets.iter().zip(results) {
        match r {
            Ok(()) => removed.push(s.name.clone()),
            Err(e) => failed.push((s.name.clone(), one_line(&e))),
        }
    }
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "removed": removed,
            "not_found": unknown,
            "failed": failed.iter().map(|(n, m)| serde_json::json!({"name": n, "message": m})).collect::<Vec<_>>(),
        }))?;
    } else {
        for n in &removed {
            ctx.printer.data(n)?;
        }
    }
    for n in &unknown {
        ctx.printer.problem(format!(
            "no snapshot `{n}` in scope `{}` (`dsbx snapshot ls` lists them)",
            ctx.scope
        ));
    }
    for (n, m) in &failed {
        ctx.printer
            .problem(format!("could not remove snapshot {n}: {m}"));
    }
    Ok(if !failed.is_empty() {
        1
    } else if !unknown.is_empty() {
        3
    } else {
        0
    })
}

/// Removes one snapshot's image by its id, refusing while any container uses it (the engine
/// would refuse too; this says which).
pub async fn remove(engine: &Engine, snapshot: &Snapshot) -> anyhow::Result<()> {
    let users = engine.containers_of_image(&snapshot.image_id).await?;
    if !users.is_empty() {
        let sandboxes: Vec<String> = engine
            .list_sandboxes(None)
            .await?
            .into_iter()
            .filter(|s| users.contains(&s.container_id))
            .map(|s| s.id)
            .collect();
        anyhow::bail!(
            "it is in use by {} container(s){}; `dsbx kill` them first",
            users.len(),
            if sandboxes.is_empty() {
                String::new()
            } else {
                format!(" (sandboxes {})", sandboxes.join(", "))
            }
        );
    }
    engine.remove_image_by_id(&snapshot.image_id).await
}

/// What `gc` removes of snapshots: those older than `[snapshots] keep`, and a fork's once no
/// container uses it. Returns `(name, scope, reason, created_at)` removed (or, with `dry_run`,
/// that would be) and the failures.
pub async fn collect_garbage(
    ctx: &Context,
    engine: &Engine,
    scope: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<(Vec<Collected>, Vec<(Collected, String)>)> {
    let mut removed = Vec::new();
    let mut failed = Vec::new();
    // Commits a dsbx that died left behind (a live `snapshot` removes its own within a second).
    let now = Utc::now();
    for commit in engine
        .list_images_of_role(rules::COMMIT_ROLE, scope)
        .await?
    {
        let made = chrono::DateTime::from_timestamp(commit.created, 0).unwrap_or(now);
        // A commit carries its sandbox's labels: only one that names a valid sandbox id is ours.
        let ours = commit
            .labels
            .get(crate::labels::ID)
            .is_some_and(|id| crate::ids::is_id(id));
        if !ours || now - made < rules::FORK_GRACE {
            continue;
        }
        let c = Collected {
            name: commit.id.clone(),
            scope: commit
                .labels
                .get(crate::labels::SCOPE)
                .cloned()
                .unwrap_or_default(),
            reason: super::gc::Reason::CommitLeftBehind,
            created_at: format_time(made),
        };
        if dry_run {
            removed.push(c);
            continue;
        }
        match engine.remove_image_by_id(&commit.id).await {
            Ok(()) => removed.push(c),
            Err(e) => failed.push((c, one_line(&e))),
        }
    }
    let snapshots = list(engine, scope).await?;
    if snapshots.is_empty() {
        return Ok((removed, failed));
    }
    let users = join_all(
        snapshots
            .iter()
            .map(|s| engine.containers_of_image(&s.image_id)),
    )
    .await;
    let mut used = std::collections::HashSet::new();
    for (s, u) in snapshots.iter().zip(users) {
        // Unknown counts as used: never remove what may be in use.
        if u.map_or(true, |u| !u.is_empty()) {
            used.insert(s.image_id.clone());
        }
    }
    let garbage = rules::garbage(
        &snapshots,
        ctx.config.snapshots.keep.0,
        &|id| used.contains(id),
        Utc::now(),
    );
    for (s, unused) in garbage {
        let c = Collected {
            name: s.name.clone(),
            scope: s.scope.clone(),
            reason: match unused {
                rules::Unused::OlderThanKeep => super::gc::Reason::OlderThanKeep,
                rules::Unused::ForkUnused => super::gc::Reason::ForkUnused,
            },
            created_at: format_time(s.created_at),
        };
        if dry_run {
            removed.push(c);
            continue;
        }
        // One at a time, newest first (see `snapshot::garbage`).
        match engine.remove_image_by_id(&s.image_id).await {
            Ok(()) => removed.push(c),
            Err(e) => failed.push((c, one_line(&e))),
        }
    }
    Ok((removed, failed))
}

/// A snapshot `gc` removed or would remove.
#[derive(Debug, Clone)]
pub struct Collected {
    pub name: String,
    pub scope: String,
    pub reason: super::gc::Reason,
    pub created_at: String,
}
