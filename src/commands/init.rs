//! `dsbx init`: create a sandbox and print its id.
//!
//! Everything is validated before the first Docker call. The name is reserved in the state
//! (after a list call found no container carrying it), then the container is created, its
//! deadline written into it, and it is started. Any failure, or Ctrl-C, removes whatever was
//! already made: no container, no network, no record is left behind.

use super::Context;
use crate::cli::InitArgs;
use crate::engine::Engine;
use crate::engine::containers::CreateSpec;
use crate::engine::helper_volume;
use crate::engine::images::ImageInfo;
use crate::env_vars::{EnvVar, read_env_file};
use crate::error::usage;
use crate::output::shown;
use crate::sandbox::{format_time, isolated_network_name};
use crate::state::Record;
use crate::units::{self, Publish};
use crate::{ids, labels};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// What `init` and the MCP server's `create_sandbox` begin with: the plan the flags make (from
/// a snapshot: what it carries, under the flags given), the engine, and the image, built (the
/// default image) or pulled with its own progress when missing.
pub(super) async fn plan_with_image<'a>(
    ctx: &'a Context,
    args: &InitArgs,
) -> anyhow::Result<(&'a Engine, Plan, ImageInfo)> {
    let plan = Plan::from_args(ctx, args)?;
    let engine = ctx.engine().await?;
    let plan = match &args.snapshot {
        Some(name) => {
            let snapshot = super::snapshot::find(ctx, engine, name).await?;
            super::snapshot::plan_for(ctx, args, &snapshot)?
        }
        None => plan,
    };
    let image =
        super::template::ensure_image(ctx, engine, &plan.image, plan.platform.as_deref()).await?;
    Ok((engine, plan, image))
}

/// The sandbox `init` and the MCP server's `create_sandbox` make, once the plan and image are
/// settled: a warm member of a matching pool when there is one (see `crate::pool`; never for a
/// snapshot), else a new one. Returns its id and plan.
pub(super) async fn claim_or_create(
    ctx: &Context,
    engine: &Engine,
    plan: Plan,
    image: &ImageInfo,
    args: &InitArgs,
) -> anyhow::Result<(String, Plan)> {
    let claimed = match &args.snapshot {
        None => super::pool::try_claim(ctx, engine, &plan, image).await?,
        Some(_) => None,
    };
    match claimed {
        Some(done) => Ok(done),
        None => create(ctx, engine, plan, image).await,
    }
}

pub async fn run(ctx: &Context, args: InitArgs) -> anyhow::Result<i32> {
    let (engine, plan, image) = plan_with_image(ctx, &args).await?;
    let spinner = ctx.printer.spinner("Creating sandbox…");
    let made = claim_or_create(ctx, engine, plan, &image, &args).await;
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let (id, plan) = made?;
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "id": id,
            "name": plan.name,
            "scope": ctx.scope,
            "image": plan.image,
            "user": plan.user_label,
            "expires_at": plan.deadline.map(format_time),
        }))?;
    } else {
        ctx.printer.data(&id)?;
        ctx.printer.note_tty(format!("Sandbox ID: {id}"));
    }
    Ok(0)
}

/// Creates the sandbox `plan` describes and returns its id, printing nothing (for `fork`).
pub async fn launch(ctx: &Context, engine: &Engine, plan: Plan) -> anyhow::Result<String> {
    let image =
        super::template::ensure_image(ctx, engine, &plan.image, plan.platform.as_deref()).await?;
    Ok(create(ctx, engine, plan, &image).await?.0)
}

/// What `init` will do, fully validated.
#[derive(Debug, Clone)]
pub struct Plan {
    pub image: String,
    pub template: Option<String>,
    pub name: String,
    pub deadline: Option<DateTime<Utc>>,
    pub env: Vec<String>,
    pub ports: Vec<u16>,
    /// `-p HOST:PORT`: the host port chosen for a sandbox port (the others get a free one).
    pub host_ports: BTreeMap<u16, u16>,
    pub binds: Vec<String>,
    pub user_labels: HashMap<String, String>,
    pub memory: i64,
    pub nano_cpus: i64,
    pub pids: i64,
    pub network: NetworkChoice,
    pub workdir: Option<String>,
    pub user: Option<String>,
    pub user_label: String,
    pub platform: Option<String>,
    /// The egress policy; `None`: `all` (no proxy).
    pub egress: Option<crate::egress::Policy>,
    /// `--health-cmd` and its interval.
    pub health: Option<(String, std::time::Duration)>,
    /// `--wait-healthy`.
    pub wait_healthy: Option<std::time::Duration>,
    /// `--disk` (or `[limits] disk`), in bytes.
    pub disk: Option<u64>,
    /// `--cpuset-cpus`.
    pub cpuset_cpus: Option<String>,
    /// Set when the sandbox is made as a warm member of the pool with this key (see
    /// `crate::pool`): named `dsbx-pool-<id>`, labelled with the key, recorded nowhere.
    pub pool_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NetworkChoice {
    Shared(String),
    Isolated,
    None,
    Other(String),
}

impl Plan {
    pub fn from_args(ctx: &Context, args: &InitArgs) -> anyhow::Result<Plan> {
        let config = &ctx.config;
        let (image, template) = match (&args.template, &args.image) {
            (Some(t), _) => match config.templates.get(t) {
                Some(image) => (image.clone(), Some(t.clone())),
                None => {
                    let known: Vec<&str> = config.templates.keys().map(String::as_str).collect();
                    return Err(usage(format!(
                        "unknown template `{t}` (known: {}); templates come from the config's [templates] table, or use --image IMAGE",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    )));
                }
            },
            (None, Some(image)) => (image.clone(), None),
            (None, None) => (config.image.clone(), None),
        };
        if image.trim().is_empty() {
            return Err(usage("the image name is empty"));
        }
        let name = args.name.clone().unwrap_or_default();
        let lifetime = args.timeout.unwrap_or(config.timeout).0;
        let deadline = lifetime.map(crate::deadline::deadline_after);
        let mut env: Vec<String> = args.env.iter().map(EnvVar::entry).collect();
        for file in &args.env_file {
            env.extend(read_env_file(file)?.iter().map(EnvVar::entry));
        }
        let mut ports: Vec<u16> = config.ports.iter().map(|p| p.0).collect();
        let host_ports = host_ports(&args.port)?;
        for p in &args.port {
            if !ports.contains(&p.port) {
                ports.push(p.port);
            }
        }
        let binds = args
            .volume
            .iter()
            .map(|v| parse_bind(v))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let user_labels: HashMap<String, String> =
            args.label.iter().chain(&args.metadata).cloned().collect();
        let memory = args.memory.unwrap_or(config.limits.memory.0);
        if memory < 6 << 20 {
            return Err(usage(format!(
                "memory limit {} is below Docker's minimum of 6 MiB",
                units::human_size(memory)
            )));
        }
        let nano_cpus = match args.nano_cpus {
            Some(n) => n,
            None => units::nano_cpus(config.limits.cpus.0).map_err(usage)?,
        };
        let pids = args.pids.unwrap_or(config.limits.pids.0);
        let network = if args.isolated {
            NetworkChoice::Isolated
        } else {
            match args.network.as_deref() {
                None => NetworkChoice::Shared(config.network.clone()),
                Some("none") => NetworkChoice::None,
                Some(n) if n == config.network => NetworkChoice::Shared(n.to_string()),
                Some("") => {
                    return Err(usage(
                        "--network needs a value: bridge, none or a network name",
                    ));
                }
                Some(n) => NetworkChoice::Other(n.to_string()),
            }
        };
        let egress = super::egress::plan_policy(ctx, args.egress.as_ref())?;
        if egress.is_some() && network == NetworkChoice::None && args.egress.is_some() {
            return Err(usage(
                "--egress conflicts with --network none: a sandbox without a network reaches nothing already",
            ));
        }
        let egress = egress.filter(|_| network != NetworkChoice::None);
        let (health, wait_healthy) = super::health::plan_health(args)?;
        let (disk, cpuset_cpus) = super::resources::plan_resources(ctx, args)?;
        if let Some(w) = &args.workdir
            && !w.starts_with('/')
        {
            return Err(usage(format!(
                "invalid --workdir `{w}`: it must be an absolute path"
            )));
        }
        if let Some(u) = &args.user
            && (u.is_empty() || u.contains(char::is_whitespace))
        {
            return Err(usage(format!("invalid --user `{u}`")));
        }
        if args.auto_pause {
            ctx.printer
                .note("note: --auto-pause is accepted for sbx compatibility and ignored");
        }
        Ok(Plan {
            image,
            template,
            name,
            deadline,
            env,
            ports,
            host_ports,
            binds,
            user_labels,
            memory: memory as i64,
            nano_cpus,
            pids,
            network,
            workdir: args.workdir.clone(),
            user: args.user.clone(),
            user_label: String::new(),
            platform: args.platform.clone(),
            egress,
            health,
            wait_healthy,
            disk,
            cpuset_cpus,
            pool_key: None,
        })
    }
}

/// A host port `-p HOST:PORT` asked for that something else holds: the engine's words, then
/// what to do about it.
fn taken_port_hint(err: anyhow::Error, plan: &Plan) -> anyhow::Error {
    if plan.host_ports.is_empty() || !crate::engine::containers::is_port_taken(&err) {
        return err;
    }
    let ports: Vec<String> = plan.host_ports.values().map(u16::to_string).collect();
    err.context(format!(
        "host port {} is taken: choose another with -p HOST:PORT, or -p PORT for a free one",
        ports.join(" or ")
    ))
}

/// The host ports `-p HOST:PORT` chose, by sandbox port: one host port per sandbox port and
/// no host port twice (the engine would refuse the second only after creating the container).
fn host_ports(specs: &[Publish]) -> anyhow::Result<BTreeMap<u16, u16>> {
    let mut out = BTreeMap::new();
    for spec in specs {
        let Publish {
            host: Some(host),
            port,
        } = *spec
        else {
            continue;
        };
        if out.values().any(|h| *h == host) {
            return Err(usage(format!("host port {host} is given twice with -p")));
        }
        if let Some(old) = out.insert(port, host)
            && old != host
        {
            return Err(usage(format!(
                "sandbox port {port} is given two host ports with -p ({old} and {host})"
            )));
        }
    }
    Ok(out)
}

fn parse_bind(spec: &str) -> anyhow::Result<String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (host, path, mode) = match parts.as_slice() {
        [h, p] => (*h, *p, "rw"),
        [h, p, m @ ("ro" | "rw")] => (*h, *p, *m),
        _ => {
            return Err(usage(format!(
                "invalid --volume `{}`: use HOST:PATH or HOST:PATH:ro",
                shown(spec)
            )));
        }
    };
    if !host.starts_with('/') {
        return Err(usage(format!(
            "invalid --volume `{spec}`: the host path `{host}` must be absolute"
        )));
    }
    if !Path::new(host).exists() {
        return Err(usage(format!(
            "invalid --volume `{spec}`: the host path `{host}` does not exist"
        )));
    }
    if !path.starts_with('/') || path == "/" || path.starts_with(crate::layout::OWN_DIR) {
        return Err(usage(format!(
            "invalid --volume `{spec}`: the sandbox path `{path}` must be absolute (and not / or /.dsbx)"
        )));
    }
    Ok(format!("{host}:{path}:{mode}"))
}

/// What exists so far, so a failure can remove exactly that.
#[derive(Default)]
struct Made {
    reserved: bool,
    container: bool,
    /// The container is a warm pool member (named `dsbx-pool-<id>`).
    pooled: bool,
    /// The sandbox has a channel directory, through which its first deadline is handed over.
    handed_deadline: bool,
    network: Option<String>,
}

impl Made {
    fn container_name(&self, id: &str) -> String {
        if self.pooled {
            ids::pool_container_name(id)
        } else {
            ids::container_name(id)
        }
    }
}

pub(super) async fn create(
    ctx: &Context,
    engine: &Engine,
    mut plan: Plan,
    image: &ImageInfo,
) -> anyhow::Result<(String, Plan)> {
    let id = ids::new_id();
    let mut made = Made::default();
    // Ctrl-C is honoured between steps, never in the middle of a Docker call: a dropped request
    // may still be carried out by the engine after our clean-up ran, leaving something behind.
    let cancel = Cancel::on_signals();
    let outcome = create_steps(ctx, engine, &mut plan, image, &id, &mut made, &cancel).await;
    if let Err(e) = outcome {
        clean_up(ctx, engine, &id, &made).await;
        return Err(e);
    }
    Ok((id, plan))
}

/// Set by SIGINT or SIGTERM; checked between the steps of `init`.
pub struct Cancel {
    flag: std::sync::Arc<std::sync::atomic::AtomicBool>,
    _watcher: tokio::task::JoinHandle<()>,
}

impl Cancel {
    pub fn on_signals() -> Cancel {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let set = flag.clone();
        // Installed here, not in the task: a spawned task first runs at the next await, and a
        // SIGINT before that (during the state write that reserves the sandbox) would still kill
        // dsbx outright, leaving the reservation behind.
        let signals = Interrupts::install();
        let watcher = tokio::spawn(async move {
            signals.recv().await;
            set.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        Cancel {
            flag,
            _watcher: watcher,
        }
    }

    pub fn check(&self) -> anyhow::Result<()> {
        if self.flag.load(std::sync::atomic::Ordering::SeqCst) {
            anyhow::bail!("interrupted; nothing was left behind");
        }
        Ok(())
    }
}

impl Drop for Cancel {
    fn drop(&mut self) {
        self._watcher.abort();
    }
}

async fn create_steps(
    ctx: &Context,
    engine: &Engine,
    plan: &mut Plan,
    image: &ImageInfo,
    id: &str,
    made: &mut Made,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    plan.user_label = user_label_of(plan, image);
    cancel.check()?;
    if plan.pool_key.is_some() {
        // A warm member is no one's yet: no record until a claim makes it a sandbox.
    } else if !plan.name.is_empty() {
        reserve_name(ctx, engine, plan, id, made).await?;
    } else {
        record(ctx, plan, id, true)?;
        made.reserved = true;
    }
    cancel.check()?;
    let helper = helper_binary(ctx)?;
    let (entrypoint, cmd, docker_init, mut binds) = match &helper {
        Some((binary, key)) => {
            let volume = engine.helper_volume(binary, key, &plan.image).await?;
            plan.user_labels.insert(labels::HELPER.into(), key.clone());
            let mut cmd = helper_init_args();
            let mut binds = vec![format!("{volume}:{}:ro", helper_volume::MOUNT_DIR)];
            let channel =
                crate::channel::for_init(ctx.store.dir(), id, &engine.endpoint, &plan.user_label)
                    .context("preparing the sandbox's channel directory")?;
            if let Some(channel) = channel {
                cmd.extend(channel.args);
                binds.push(channel.bind);
                // The helper (root, without the host user's uid) reads the host directory
                // only with DAC_OVERRIDE, unless that user is root too.
                // SAFETY: geteuid cannot fail.
                made.handed_deadline = unsafe { libc::geteuid() } == 0
                    || ctx
                        .config
                        .security
                        .cap_add
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case("DAC_OVERRIDE"));
            }
            (
                vec![helper_volume::HELPER_PATH.to_string()],
                cmd,
                false,
                binds,
            )
        }
        None => {
            ctx.printer.warn(
                "dsbx is not a static Linux binary and `helper_path` is not set: this sandbox has no \
                 helper, so it will not stop at its deadline and exec falls back to plain docker exec",
            );
            (
                vec![
                    "/bin/sh".into(),
                    "-c".into(),
                    "trap 'exit 0' TERM; while :; do sleep 60 & wait $!; done".into(),
                ],
                vec![],
                true,
                vec![],
            )
        }
    };
    binds.extend(plan.binds.iter().cloned());
    if !plan.ports.is_empty()
        && !engine.endpoint.is_local()
        && ctx.config.publish_address.is_loopback()
    {
        // `{host}` names the engine's machine, where 127.0.0.1 is not reachable from here.
        ctx.printer.warn(format!(
            "the engine is on {}: ports published on its 127.0.0.1 are not reachable from this \
             machine; set `publish_address` in the config (e.g. \"0.0.0.0\" or an address of that \
             machine) to reach them",
            engine.endpoint.host()
        ));
    }
    cancel.check()?;
    if plan.egress.is_some() {
        let Some((binary, key)) = &helper else {
            return Err(usage(
                "an egress policy needs dsbx's helper to run the egress proxy: set `helper_path` to a static Linux build of dsbx",
            ));
        };
        let volume = engine.helper_volume(binary, key, &plan.image).await?;
        super::egress::prepare_for_init(ctx, engine, plan, id, &volume, &mut made.network).await?;
        cancel.check()?;
    }
    let network = match &plan.network {
        NetworkChoice::Shared(name) => {
            engine.ensure_network(name, "shared", &[]).await?;
            name.clone()
        }
        NetworkChoice::Isolated => {
            let name = isolated_network_name(id);
            made.network = Some(name.clone());
            engine
                .ensure_network(
                    &name,
                    "isolated",
                    &[(labels::ID, id), (labels::SCOPE, &ctx.scope)],
                )
                .await?;
            name
        }
        NetworkChoice::None => "none".into(),
        NetworkChoice::Other(name) => name.clone(),
    };
    let mut aliases = vec![id.to_string()];
    if !plan.name.is_empty() {
        aliases.push(plan.name.clone());
    }
    let spec = CreateSpec {
        id: id.to_string(),
        pooled: plan.pool_key.is_some(),
        image: plan.image.clone(),
        platform: plan.platform.clone(),
        labels: container_labels(ctx, plan, id),
        env: plan.env.clone(),
        entrypoint,
        cmd,
        workdir: plan.workdir.clone(),
        ports: plan.ports.clone(),
        host_ports: plan.host_ports.clone(),
        publish_address: ctx.config.publish_address.to_string(),
        binds,
        memory: plan.memory,
        nano_cpus: plan.nano_cpus,
        pids: plan.pids,
        cap_add: ctx.config.security.cap_add.clone(),
        no_new_privileges: ctx.config.security.no_new_privileges,
        runtime: Some(ctx.config.security.runtime.clone()).filter(|r| !r.is_empty()),
        network,
        aliases,
        docker_init,
        health: plan.health.clone(),
        disk: plan.disk,
        cpuset_cpus: plan.cpuset_cpus.clone(),
    };
    if plan.disk.is_some() {
        super::resources::check_disk_support(engine).await?;
    }
    cancel.check()?;
    let count_lock = room_for_one_more(ctx, engine).await?;
    made.container = true;
    made.pooled = spec.pooled;
    engine.create_sandbox(&spec).await?;
    // The container now counts in every later list: the next init may count.
    drop(count_lock);
    cancel.check()?;
    check_user(engine, &made.container_name(id), plan).await?;
    cancel.check()?;
    // `init` addresses the container it just made by the name it gave it (no label involved).
    let container = made.container_name(id);
    if made.handed_deadline {
        // Handed to the helper through the channel's host directory: it adopts it as
        // `/.dsbx/deadline` before it first looks at its deadline (see `helper::init`), so the
        // sandbox never runs without it, and init saves the archive upload (100-300 ms here).
        let path =
            crate::channel::host_dir(ctx.store.dir(), id).join(crate::layout::HANDED_DEADLINE_NAME);
        let deadline = crate::deadline::deadline_text(plan.deadline);
        std::fs::write(&path, deadline.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    } else {
        crate::deadline::write_deadline_into(engine, &container, id, plan.deadline).await?;
    }
    cancel.check()?;
    engine
        .start_sandbox(&container, id)
        .await
        .map_err(|e| taken_port_hint(e, plan))?;
    if made.handed_deadline {
        deadline_adopted(ctx, id).await?;
    }
    cancel.check()?;
    if let (Some(dir), Some(_)) = (&plan.workdir, &helper) {
        give_workdir(engine, id, &plan.user_label, dir).await?;
    }
    if plan.pool_key.is_some() {
        return Ok(());
    }
    record(ctx, plan, id, false)?;
    if let Some(limit) = plan.wait_healthy {
        super::health::wait_healthy(ctx, engine, id, limit, cancel).await?;
    }
    Ok(())
}

/// A `--workdir` the engine had to create is root's: the helper gives it to the sandbox's user
/// before anything of the user's runs (see `helper::workdir`).
async fn give_workdir(engine: &Engine, id: &str, user: &str, dir: &str) -> anyhow::Result<()> {
    let cmd = [
        helper_volume::HELPER_PATH,
        "__helper",
        "own-workdir",
        user,
        dir,
    ];
    let cmd = cmd.iter().map(|w| w.to_string()).collect();
    // The engine's exec path: the channel serves only the roles commands need later.
    let out = engine.run_captured(id, cmd, "0").await?;
    if out.code != 0 {
        anyhow::bail!(
            "giving the working directory {dir} to {user}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Waits until the helper has made the handed-over deadline its `/.dsbx/deadline` (it removes
/// the copy in the channel directory then, a few milliseconds after the start): once `init`
/// returns, nothing but `dsbx timeout` writes the file, so a `timeout` right after `init` is never
/// overwritten by the first deadline.
async fn deadline_adopted(ctx: &Context, id: &str) -> anyhow::Result<()> {
    let path =
        crate::channel::host_dir(ctx.store.dir(), id).join(crate::layout::HANDED_DEADLINE_NAME);
    let started = std::time::Instant::now();
    while path.exists() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            anyhow::bail!(
                "sandbox {id}'s helper did not take its deadline within 20 s (`docker logs dsbx-{id}` may say why)"
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    Ok(())
}

/// With a cap on the number of sandboxes, the host lock under which this init counts and creates
/// its container (held until it exists, so racing inits never overshoot); `None` without caps.
pub(super) async fn room_for_one_more(
    ctx: &Context,
    engine: &Engine,
) -> anyhow::Result<Option<crate::host_lock::HostLock>> {
    let limits = &ctx.config.limits;
    if limits.max_sandboxes == 0 && limits.max_sandboxes_host == 0 {
        return Ok(None);
    }
    let lock = crate::host_lock::acquire_async(&engine.endpoint.url, "sandbox-count").await?;
    let all = engine.list_sandboxes(None).await?;
    let in_scope = all.iter().filter(|s| s.scope == ctx.scope).count();
    crate::limits::check_room(
        &ctx.scope,
        in_scope,
        all.len(),
        limits.max_sandboxes,
        limits.max_sandboxes_host,
    )?;
    Ok(Some(lock))
}

/// A named sandbox user (not root, not numeric) must be in the image's own `/etc/passwd` (and a
/// named group in `/etc/group`): otherwise every exec, upload and `files` call would fail. Read
/// from the created container through the archive API, only when a name needs it.
async fn check_user(engine: &Engine, container: &str, plan: &Plan) -> anyhow::Result<()> {
    let spec = plan.user_label.as_str();
    if !crate::passwd::needs_lookup(spec) {
        return Ok(());
    }
    let container = container.to_string();
    let read = |path: &'static str| {
        let container = container.clone();
        async move {
            engine
                .read_small_file(&container, path)
                .await
                .map(|b| String::from_utf8_lossy(&b.unwrap_or_default()).into_owned())
        }
    };
    let passwd = read("/etc/passwd").await?;
    let group = if spec.contains(':') {
        read("/etc/group").await?
    } else {
        String::new()
    };
    if crate::passwd::resolve(&passwd, &group, spec).is_none() {
        let whose = if plan.user.is_some() {
            "--user"
        } else {
            "the image's USER"
        };
        return Err(usage(format!(
            "{whose} `{spec}` is not in the image {}'s /etc/passwd or /etc/group, so nothing could \
             run as it: name a user the image has, `root`, or a numeric UID[:GID]",
            plan.image
        )));
    }
    Ok(())
}

/// A list call proves no container of the scope carries the name; then, under the state lock,
/// no record does, and the name is ours.
async fn reserve_name(
    ctx: &Context,
    engine: &Engine,
    plan: &Plan,
    id: &str,
    made: &mut Made,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let state = ctx.store.load()?;
    let abandoned = |id: &str| state.sandboxes.get(id).is_some_and(|r| r.abandoned(now));
    let mut taken = false;
    // What an `init` that died left under this name is removed first, so the name is free again
    // (gc would remove it too).
    let mut leftovers: Vec<crate::resolve::Target> = Vec::new();
    for s in engine.list_sandboxes(Some(&ctx.scope)).await? {
        if s.name != plan.name {
            continue;
        }
        if abandoned(&s.id) {
            leftovers.push(crate::resolve::Target::Live(s));
        } else {
            taken = true;
        }
    }
    for (rid, r) in &state.sandboxes {
        if r.scope == ctx.scope
            && r.name == plan.name
            && r.abandoned(now)
            && !leftovers.iter().any(|t| t.id() == rid)
        {
            leftovers.push(crate::resolve::Target::Missing {
                id: rid.clone(),
                record: r.clone(),
            });
        }
    }
    if !taken && !leftovers.is_empty() {
        // Another `init` of this name may have finished since the state was read.
        let ids: Vec<String> = leftovers.iter().map(|t| t.id().to_string()).collect();
        let confirmed = ctx.store.still_abandoned(&ids)?;
        for t in &leftovers {
            if confirmed.iter().any(|id| id == t.id()) {
                crate::view::remove(engine, t).await?;
            } else {
                taken = true;
            }
        }
    }
    let removed: Vec<String> = leftovers.iter().map(|t| t.id().to_string()).collect();
    let name_taken = || {
        usage(format!(
            "the name `{}` is already used in scope `{}` (`dsbx ls` shows it; `dsbx kill {}` frees it)",
            plan.name, ctx.scope, plan.name
        ))
    };
    if taken {
        return Err(name_taken());
    }
    ctx.store.update(|state| {
        for rid in &removed {
            if state.sandboxes.get(rid).is_some_and(|r| r.abandoned(now)) {
                state.sandboxes.remove(rid);
            }
        }
        if state
            .sandboxes
            .values()
            .any(|r| r.scope == ctx.scope && r.name == plan.name)
        {
            return Err(name_taken());
        }
        state
            .sandboxes
            .insert(id.to_string(), new_record(ctx, plan, id, true));
        Ok(())
    })?;
    made.reserved = true;
    Ok(())
}

/// For a pool claim: the name (or, without one, the id alone) reserved for sandbox `id` as a
/// cold `init` reserves it, with a record naming this process until [`record_claimed`].
pub(super) async fn reserve_for_claim(
    ctx: &Context,
    engine: &Engine,
    plan: &Plan,
    id: &str,
) -> anyhow::Result<()> {
    if plan.name.is_empty() {
        record(ctx, plan, id, true)
    } else {
        reserve_name(ctx, engine, plan, id, &mut Made::default()).await
    }
}

/// Drops the reservation of a claim that lost its member.
pub(super) fn unreserve(ctx: &Context, id: &str) {
    let _ = ctx.store.update(|state| {
        state.sandboxes.remove(id);
        Ok(())
    });
}

/// The record of a claimed sandbox: as a cold `init`'s, plus the user's labels and owner
/// (its Docker labels are the pool's).
pub(super) fn record_claimed(ctx: &Context, plan: &Plan, id: &str) -> anyhow::Result<()> {
    ctx.store.update(|state| {
        let mut record = new_record(ctx, plan, id, false);
        record.labels = plan
            .user_labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        record.owner = crate::scope::owner();
        state.sandboxes.insert(id.to_string(), record);
        Ok(())
    })
}

/// The sandbox's user: `--user`, else the image's `USER`, else root.
pub(super) fn user_label_of(plan: &Plan, image: &ImageInfo) -> String {
    plan.user
        .clone()
        .or(image.user.clone())
        .unwrap_or_else(|| "root".into())
}

/// The record; while `creating`, it names this process, so that once the process is gone (even
/// SIGKILLed) the record is known abandoned at once and `gc` removes what it made.
fn new_record(ctx: &Context, plan: &Plan, id: &str, creating: bool) -> Record {
    Record {
        name: plan.name.clone(),
        isolated_network: (plan.network == NetworkChoice::Isolated)
            .then(|| isolated_network_name(id)),
        creating,
        creator: if creating {
            crate::state::Creator::current()
        } else {
            None
        },
        ..Record::new(&ctx.scope, &plan.image, Utc::now(), plan.deadline)
    }
}

fn record(ctx: &Context, plan: &Plan, id: &str, creating: bool) -> anyhow::Result<()> {
    ctx.store.update(|state| {
        let created_at = state.sandboxes.get(id).map(|r| r.created_at);
        let mut record = new_record(ctx, plan, id, creating);
        if let Some(t) = created_at {
            record.created_at = t;
        }
        state.sandboxes.insert(id.to_string(), record);
        Ok(())
    })
}

fn container_labels(ctx: &Context, plan: &Plan, id: &str) -> HashMap<String, String> {
    let mut l = plan.user_labels.clone();
    let mut set = |k: &str, v: String| {
        l.insert(k.to_string(), v);
    };
    set(labels::MANAGED, "true".into());
    set(labels::SCHEMA, labels::SCHEMA_VERSION.into());
    set(labels::ID, id.into());
    set(labels::NAME, plan.name.clone());
    set(labels::SCOPE, ctx.scope.clone());
    set(labels::OWNER, crate::scope::owner());
    // Milliseconds, so that `ls` (and `sandbox list --limit`) order sandboxes made within one
    // second as they were made.
    set(
        labels::CREATED_AT,
        Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    );
    if let Some(d) = plan.deadline {
        set(labels::EXPIRES_AT, format_time(d));
    }
    set(labels::TEMPLATE, plan.template.clone().unwrap_or_default());
    set(
        labels::PORTS,
        plan.ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(","),
    );
    set(labels::USER, plan.user_label.clone());
    if let Some(key) = &plan.pool_key {
        set(labels::POOL, key.clone());
    }
    l
}

async fn clean_up(ctx: &Context, engine: &Engine, id: &str, made: &Made) {
    // Remove by name even when the create call's answer never came: it may still have worked.
    if made.container
        && let Err(e) = engine.remove_sandbox(&made.container_name(id), id).await
    {
        ctx.printer
            .warn(format!("could not remove the half-made sandbox {id}: {e}"));
    }
    if let Some(network) = &made.network
        && let Err(e) = engine.remove_network(network, network).await
    {
        ctx.printer
            .warn(format!("could not remove network {network}: {e}"));
    }
    if made.reserved {
        let _ = ctx.store.update(|state| {
            state.sandboxes.remove(id);
            Ok(())
        });
    }
    crate::channel::forget(ctx.store.dir(), id);
}

/// The helper's command line as PID 1; the activity period is passed on from
/// `DSBX_HELPER_ACTIVITY_SECS` when set (tests look at idleness in seconds, not minutes).
pub(super) fn helper_init_args() -> Vec<String> {
    let mut args = vec!["__helper".to_string(), "init".to_string()];
    if let Some(secs) = std::env::var(crate::activity::PERIOD_ENV)
        .ok()
        .filter(|v| v.parse::<u32>().is_ok_and(|n| n > 0))
    {
        args.extend([crate::activity::PERIOD_ARG.to_string(), secs]);
    }
    args
}

/// SIGINT and SIGTERM, caught from the moment this is made.
struct Interrupts(Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>);

impl Interrupts {
    fn install() -> Interrupts {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(int), Ok(term)) => Interrupts(Some((int, term))),
            _ => Interrupts(None),
        }
    }

    /// Resolves on the first SIGINT or SIGTERM.
    async fn recv(self) {
        let Some((mut int, mut term)) = self.0 else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    }
}

/// The helper binary to mount in sandboxes and a key naming this build of it: `helper_path`, else
/// dsbx itself when it is a static Linux binary. `None`: no helper can be had.
pub fn helper_binary(ctx: &Context) -> anyhow::Result<Option<(std::path::PathBuf, String)>> {
    let path = if !ctx.config.helper_path.is_empty() {
        std::path::PathBuf::from(&ctx.config.helper_path)
    } else if cfg!(all(target_os = "linux", target_feature = "crt-static")) {
        std::env::current_exe().context("cannot find dsbx's own binary")?
    } else {
        return Ok(None);
    };
    let key = helper_key(&path)?;
    Ok(Some((path, key)))
}

/// The key naming this build of the helper binary at `path` (its helper volume is
/// `dsbx-helper-<key>`). Public so the benchmark's floor makes the same calls `init` makes.
pub fn helper_key(path: &Path) -> anyhow::Result<String> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read helper binary {}", path.display()))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    // Size and mtime tell builds apart without hashing megabytes on every init.
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!(
        "{}:{}:{mtime}",
        env!("CARGO_PKG_VERSION"),
        meta.len()
    ));
    let key: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    Ok(format!(
        "{}-{key}",
        env!("CARGO_PKG_VERSION").replace('.', "_")
    ))
}
