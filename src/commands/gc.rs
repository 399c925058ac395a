//! `dsbx gc`: removes what the contract lists and nothing else, in parallel:
//! - sandboxes whose lifetime is over: every deadline dsbx can know of (record, label, the file
//!   inside the sandbox read through the archive API) has passed, or the sandbox has stopped
//!   itself at the deadline its file holds (see `deadline::deadline_needs_reading`),
//! - sandboxes and records an `init` left `creating` when it died (its process is gone),
//! - containers in Docker's `dead` state,
//! - with `--older-than`/`--idle`, sandboxes created / untouched longer ago,
//! - records whose container is gone,
//! - `--isolated` networks whose sandbox is gone.
//!
//! Only what carries `dsbx.managed=true` is ever looked at, only in the current scope unless
//! `--all-scopes`. Made for cron: off a terminal one timestamped line per action on stdout,
//! errors on stderr, nothing at all when nothing was done. Two runs at once take turns on a
//! host lock, and a container already gone counts as removed.

use super::Context;
use crate::cli::GcArgs;
use crate::engine::networks::ManagedNetwork;
use crate::error::one_line;
use crate::output::shown;
use crate::resolve::Target;
use crate::sandbox::{ContainerState, Sandbox, format_time, parse_time};
use crate::state::{Record, State};
use chrono::{DateTime, TimeDelta, Utc};
use futures_util::future::join_all;
use serde::Serialize;
use std::time::Duration;

/// An isolated network younger than this may belong to an `init` about to create its container.
const NETWORK_GRACE: TimeDelta = TimeDelta::seconds(30);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    /// A container (with its anonymous volumes, its isolated network and its record).
    Sandbox,
    /// A record whose container is gone (and its isolated network).
    Record,
    /// An isolated network whose sandbox is gone.
    Network,
    /// A snapshot past `[snapshots] keep`, or a fork's that no sandbox uses (by its name).
    Snapshot,
}

/// Why gc removes something (`reason` in its `--json`, snake_case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Its deadline passed.
    Expired,
    /// The container is in Docker's `dead` state.
    Dead,
    /// Its `dsbx init` died while creating it.
    Abandoned,
    /// Created longer ago than `--older-than`.
    OlderThan,
    /// Untouched for longer than `--idle`.
    Idle,
    /// A record whose container is gone.
    ContainerGone,
    /// An isolated network whose sandbox is gone.
    SandboxGone,
    /// A snapshot older than `[snapshots] keep`.
    OlderThanKeep,
    /// A fork's snapshot that no sandbox uses.
    ForkUnused,
    /// A snapshot's intermediate commit, left behind.
    CommitLeftBehind,
    /// A warm pool member that stopped (a warm sandbox is never restarted).
    PoolMemberStopped,
    /// A warm pool member past the pool's own lifetime.
    PoolMemberExpired,
    /// A warm pool member whose key no longer matches the config, the image or the helper.
    PoolRetired,
    /// A warm pool member its filler created but never started.
    PoolMemberAbandoned,
}

impl Reason {
    /// The word `--json` uses, for the text lines too.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Expired => "expired",
            Reason::Dead => "dead",
            Reason::Abandoned => "abandoned",
            Reason::OlderThan => "older_than",
            Reason::Idle => "idle",
            Reason::ContainerGone => "container_gone",
            Reason::SandboxGone => "sandbox_gone",
            Reason::OlderThanKeep => "older_than_keep",
            Reason::ForkUnused => "fork_unused",
            Reason::CommitLeftBehind => "commit_left_behind",
            Reason::PoolMemberStopped => "pool_member_stopped",
            Reason::PoolMemberExpired => "pool_member_expired",
            Reason::PoolRetired => "pool_retired",
            Reason::PoolMemberAbandoned => "pool_member_abandoned",
        }
    }
}

/// One thing gc decided to remove, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub kind: What,
    /// The sandbox id, or the network's name.
    pub id: String,
    pub scope: Option<String>,
    pub reason: Reason,
    /// The deadline that passed, the creation or the last activity the reason refers to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

impl Action {
    /// One line for the question before removing: what, which, why.
    fn described(&self) -> String {
        let what = match self.kind {
            What::Sandbox => "sandbox",
            What::Record => "record",
            What::Network => "network",
            What::Snapshot => "snapshot",
        };
        let scope = self.scope.as_deref().unwrap_or("-");
        format!(
            "{what} {}  (scope {}, {})",
            shown(&self.id),
            shown(scope),
            self.reason.as_str()
        )
    }
}

/// The options that widen what counts as garbage.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub older_than: Option<Duration>,
    pub idle: Option<Duration>,
}

pub async fn run(ctx: &Context, args: GcArgs) -> anyhow::Result<i32> {
    let rules = Rules {
        older_than: args.older_than,
        idle: args.idle,
    };
    let engine = ctx.engine().await?;
    // Two gc at once: the second waits, then finds the first's work done.
    let _lock = if args.dry_run {
        None
    } else {
        Some(crate::host_lock::acquire_async(&engine.endpoint.url, "gc").await?)
    };
    let scope = (!args.all_scopes).then_some(ctx.scope.as_str());
    // The state is read before the list: a record finished before the list call has its
    // container in the list, so an `init` completing meanwhile is never taken for a gone one.
    let state = ctx.store.load()?;
    let (live, networks) = tokio::try_join!(
        engine.list_sandboxes_checked(scope),
        engine.list_managed_networks()
    )?;
    for skipped in &live.skipped {
        ctx.printer.verbose(skipped);
    }
    let live = live.sandboxes;
    let now = Utc::now();

    // The deadline inside a sandbox is read wherever the record's or the label's word may be
    // overruled (see `deadline_needs_reading`); with --idle, the helper's record of commands and
    // traffic is read for the sandboxes that look idle from the state alone. In parallel.
    let maybe_idle: Vec<&Sandbox> = match rules.idle {
        Some(limit) => live
            .iter()
            .filter(|s| {
                crate::activity::last_activity(Some(s), state.sandboxes.get(&s.id), None)
                    .is_some_and(|t| older(t, limit, now))
            })
            .collect(),
        None => Vec::new(),
    };
    let (file_deadlines, activities) = tokio::join!(
        crate::deadline::read_needed_deadlines(engine, &live, &state, now),
        crate::activity::read_activities(engine, &maybe_idle)
    );

    let mut targets: Vec<(Action, Target)> = Vec::new();
    for s in &live {
        let record = state.sandboxes.get(&s.id);
        let deadline = match crate::view::deadline(s, record, file_deadlines.get(&s.id).copied()) {
            d if d.known => Known::At(d.at),
            _ => Known::Unknown,
        };
        let activity = activities.get(&s.id).copied().flatten();
        if let Some(action) = judge(s, record, deadline, activity, &rules, now) {
            targets.push((action, Target::Live(s.clone())));
        }
    }
    for (id, r) in &state.sandboxes {
        let in_scope = scope.is_none_or(|sc| r.scope == sc);
        if in_scope && !r.being_created(now) && !live.iter().any(|s| &s.id == id) {
            targets.push((
                Action {
                    kind: What::Record,
                    id: id.clone(),
                    scope: Some(r.scope.clone()),
                    reason: if r.creating {
                        Reason::Abandoned
                    } else {
                        Reason::ContainerGone
                    },
                    since: None,
                },
                Target::Missing {
                    id: id.clone(),
                    record: Record {
                        // Only a network that carries dsbx's labels is ever removed.
                        isolated_network: r.isolated_network.clone().filter(|name| {
                            networks
                                .iter()
                                .any(|n| &n.name == name && n.role == "isolated")
                        }),
                        ..r.clone()
                    },
                },
            ));
        }
    }
    // An `init` may have finished since the state was read: only what is still marked
    // `creating` now, its process gone before this read, is abandoned.
    let abandoned: Vec<String> = targets
        .iter()
        .filter(|(a, _)| a.reason == Reason::Abandoned)
        .map(|(a, _)| a.id.clone())
        .collect();
    if !abandoned.is_empty() {
        let confirmed = ctx.store.still_abandoned(&abandoned)?;
        targets.retain(|(a, _)| a.reason != Reason::Abandoned || confirmed.contains(&a.id));
    }
    // Warm pool members that can no longer be claimed (see `pool::gc_candidates`).
    for (s, reason) in super::pool::gc_candidates(ctx, engine, args.all_scopes).await? {
        let action = Action {
            kind: What::Sandbox,
            id: s.id.clone(),
            scope: Some(s.scope.clone()),
            reason,
            since: None,
        };
        targets.push((action, Target::Live(s)));
    }
    let orphans: Vec<(Action, String)> =
        orphan_networks(&networks, &live, &state, &targets, scope, now)
            .into_iter()
            .map(|n| {
                let action = Action {
                    kind: What::Network,
                    id: n.name.clone(),
                    scope: n.scope.clone(),
                    reason: Reason::SandboxGone,
                    since: None,
                };
                (action, n.id.clone())
            })
            .collect();
    // A network is removed by the Docker id the label-filtered list gave it.
    let targets: Vec<(Action, Removal)> = targets
        .into_iter()
        .map(|(a, t)| (a, Removal::Sandbox(Box::new(t))))
        .chain(orphans.into_iter().map(|(a, id)| (a, Removal::Network(id))))
        .collect();

    // The rules that widen what goes, or where, are asked about on a terminal.
    let widened = rules.older_than.is_some() || rules.idle.is_some() || args.all_scopes;
    if widened && !args.dry_run && !args.yes {
        let shown: Vec<String> = targets.iter().map(|(a, _)| a.described()).collect();
        if !ctx.printer.confirm_removal(&shown) {
            return Err(anyhow::anyhow!("nothing removed: not confirmed"));
        }
    }
    let mut removed: Vec<Action> = Vec::new();
    let mut errors: Vec<(Action, String)> = Vec::new();
    if args.dry_run {
        removed = targets.into_iter().map(|(a, _)| a).collect();
    } else {
        let results = join_all(targets.iter().map(|(action, target)| async move {
            match target {
                Removal::Sandbox(t) => crate::view::remove(engine, t).await,
                Removal::Network(docker_id) => engine.remove_network(docker_id, &action.id).await,
            }
        }))
        .await;
        for ((action, _), result) in targets.into_iter().zip(results) {
            match result {
                Ok(()) => removed.push(action),
                Err(e) => errors.push((action, one_line(&e))),
            }
        }
        let forget: Vec<&str> = removed
            .iter()
            .filter(|a| a.kind != What::Network)
            .map(|a| a.id.as_str())
            .collect();
        if removed.iter().any(|a| a.kind == What::Sandbox) {
            crate::view::forget_in_proxy(engine, &ctx.printer).await;
        }
        if !forget.is_empty() {
            crate::state::update_or_warn(&ctx.store, &ctx.printer, |s| {
                crate::view::forget_removed(s, ctx.store.dir(), forget.iter().copied());
                Ok(())
            });
        }
    }
    // Snapshots last: a sandbox removed above no longer holds its snapshot. A failure here
    // must not hide the report of what was already removed.
    let snapshots_failed =
        match super::snapshot::collect_garbage(ctx, engine, scope, args.dry_run).await {
            Ok((collected, failed)) => {
                let snapshot_action = |c: super::snapshot::Collected| Action {
                    kind: What::Snapshot,
                    id: c.name,
                    scope: Some(c.scope),
                    reason: c.reason,
                    since: Some(c.created_at),
                };
                removed.extend(collected.into_iter().map(snapshot_action));
                errors.extend(failed.into_iter().map(|(c, m)| (snapshot_action(c), m)));
                None
            }
            Err(e) => Some(one_line(&e)),
        };
    report(ctx, &removed, &errors, args.dry_run)?;
    if let Some(m) = &snapshots_failed {
        ctx.printer
            .problem(format!("could not look at snapshots: {m}"));
    }
    Ok(if errors.is_empty() && snapshots_failed.is_none() {
        0
    } else {
        1
    })
}

/// How one thing gc decided on is removed.
enum Removal {
    Sandbox(Box<Target>),
    /// An orphan network, by its Docker id.
    Network(String),
}

/// What gc knows of a sandbox's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// `None` = never.
    At(Option<DateTime<Utc>>),
    /// The file could not be read: keep the sandbox (unless another rule applies).
    Unknown,
}

/// Whether one live sandbox goes, and why. Pure, so the rules are unit-tested. `activity` is
/// what the sandbox's helper recorded (commands, traffic).
pub fn judge(
    s: &Sandbox,
    record: Option<&Record>,
    deadline: Known,
    activity: Option<DateTime<Utc>>,
    rules: &Rules,
    now: DateTime<Utc>,
) -> Option<Action> {
    let action = |reason: Reason, since: Option<DateTime<Utc>>| Action {
        kind: What::Sandbox,
        id: s.id.clone(),
        scope: Some(s.scope.clone()),
        reason,
        since: since.map(format_time),
    };
    match s.state {
        ContainerState::Dead => return Some(action(Reason::Dead, None)),
        ContainerState::Removing => return None,
        _ => {}
    }
    // A record still being created belongs to an `init` at work; one whose `init` died is
    // garbage at once, whatever its deadline.
    if let Some(r) = record.filter(|r| r.creating) {
        return r
            .abandoned(now)
            .then(|| action(Reason::Abandoned, Some(r.created_at)));
    }
    if let Known::At(Some(d)) = deadline
        && d <= now
    {
        return Some(action(Reason::Expired, Some(d)));
    }
    let created = s.created_for_user(record);
    if let (Some(limit), Some(created)) = (rules.older_than, created)
        && older(created, limit, now)
    {
        return Some(action(Reason::OlderThan, Some(created)));
    }
    let last = crate::activity::last_activity(Some(s), record, activity);
    if let (Some(limit), Some(last)) = (rules.idle, last)
        && older(last, limit, now)
    {
        return Some(action(Reason::Idle, Some(last)));
    }
    None
}

fn older(t: DateTime<Utc>, limit: Duration, now: DateTime<Utc>) -> bool {
    TimeDelta::from_std(limit).is_ok_and(|limit| now - t > limit)
}

/// Isolated networks (`dsbx.role=isolated`) of the scope whose sandbox is gone and that no
/// removal in this run takes with it. Never the shared network, never a young one (an `init`
/// creates the network just before the container), never one whose `init` is recorded at work.
fn orphan_networks<'a>(
    networks: &'a [ManagedNetwork],
    live: &[Sandbox],
    state: &State,
    targets: &[(Action, Target)],
    scope: Option<&str>,
    now: DateTime<Utc>,
) -> Vec<&'a ManagedNetwork> {
    networks
        .iter()
        .filter(|n| n.role == "isolated")
        .filter(|n| scope.is_none_or(|sc| n.scope.as_deref() == Some(sc)))
        .filter(|n| {
            // Only a network whose labels and name agree with what `init` makes for an id.
            let Some(id) = n.sandbox_id.as_deref().filter(|id| {
                crate::ids::is_id(id) && n.name == crate::sandbox::isolated_network_name(id)
            }) else {
                return false;
            };
            let young = n
                .created
                .as_deref()
                .and_then(parse_time)
                .is_none_or(|t| now - t < NETWORK_GRACE);
            let creating = state
                .sandboxes
                .get(id)
                .is_some_and(|r| r.being_created(now));
            let handled = targets.iter().any(|(a, t)| {
                a.id == id
                    && matches!(t, Target::Missing { record, .. }
                        if record.isolated_network.as_deref() == Some(n.name.as_str()))
            });
            !young && !creating && !handled && !live.iter().any(|s| s.id == id)
        })
        .collect()
}

fn describe(a: &Action) -> String {
    let what = match a.kind {
        What::Sandbox => "sandbox",
        What::Record => "record",
        What::Network => "network",
        What::Snapshot => "snapshot",
    };
    let why = match (a.reason, &a.since) {
        (Reason::Expired, Some(t)) => format!("deadline passed at {t}"),
        (Reason::Dead, _) => "container in Docker's dead state".into(),
        (Reason::OlderThan, Some(t)) => format!("created at {t}, older than --older-than"),
        (Reason::Idle, Some(t)) => format!("last active at {t}, idle longer than --idle"),
        (Reason::ContainerGone, _) => "its container is gone".into(),
        (Reason::Abandoned, Some(t)) => format!("its `dsbx init` died while creating it at {t}"),
        (Reason::Abandoned, None) => "its `dsbx init` died while creating it".into(),
        (Reason::SandboxGone, _) => "its sandbox is gone".into(),
        (Reason::OlderThanKeep, Some(t)) => {
            format!("created at {t}, older than [snapshots] keep")
        }
        (Reason::ForkUnused, Some(t)) => format!("a fork's snapshot of {t} that no sandbox uses"),
        (Reason::CommitLeftBehind, Some(t)) => {
            format!("a snapshot's intermediate commit of {t}, left behind")
        }
        (other, _) => other.as_str().to_string(),
    };
    format!("{what} {} ({why})", a.id)
}

fn report(
    ctx: &Context,
    removed: &[Action],
    errors: &[(Action, String)],
    dry_run: bool,
) -> anyhow::Result<()> {
    let verb = if dry_run { "would remove" } else { "removed" };
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "removed": removed,
            "errors": errors.iter().map(|(a, m)| serde_json::json!({
                "kind": a.kind, "id": a.id, "reason": a.reason, "message": m,
            })).collect::<Vec<_>>(),
            "dry_run": dry_run,
        }))?;
        for (a, m) in errors {
            ctx.printer
                .problem(format!("could not remove {}: {m}", describe(a)));
        }
        return Ok(());
    }
    let tty = ctx.printer.stdout_is_terminal();
    let stamp = || format_time(Utc::now());
    for a in removed {
        if tty {
            ctx.printer.data(format!("{verb} {}", describe(a)))?;
        } else {
            ctx.printer
                .data(format!("{} {verb} {}", stamp(), describe(a)))?;
        }
    }
    for (a, m) in errors {
        ctx.printer
            .problem(format!("could not remove {}: {m}", describe(a)));
    }
    if tty && !ctx.printer.quiet {
        let count = |k: What| removed.iter().filter(|a| a.kind == k).count();
        let summary = format!(
            "{verb} {} sandbox(es), {} record(s), {} network(s){}",
            count(What::Sandbox),
            count(What::Record),
            count(What::Network),
            if errors.is_empty() {
                String::new()
            } else {
                format!("; {} failed", errors.len())
            }
        );
        if removed.is_empty() && errors.is_empty() {
            ctx.printer
                .note(format!("nothing to clean up in scope `{}`", ctx.scope));
        } else {
            ctx.printer.note(summary);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels;
    use std::collections::HashMap;

    fn sandbox(state: ContainerState, created: DateTime<Utc>) -> Sandbox {
        Sandbox::for_tests(
            state,
            HashMap::from([
                (labels::MANAGED.to_string(), "true".to_string()),
                (labels::CREATED_AT.to_string(), format_time(created)),
            ]),
        )
    }

    fn record(created: DateTime<Utc>, deadline: Option<DateTime<Utc>>) -> Record {
        Record::new("s", "i", created, deadline)
    }

    #[test]
    fn rules() {
        let now = Utc::now();
        let hour = TimeDelta::hours(1);
        let none = Rules::default();
        let stopped = sandbox(ContainerState::Exited, now - hour);
        let running = sandbox(ContainerState::Running, now - hour);
        let past = Known::At(Some(now - TimeDelta::seconds(1)));
        let future = Known::At(Some(now + hour));
        // Past the deadline: removed, running or not (the helper is about to stop it).
        assert_eq!(
            judge(&stopped, None, past, None, &none, now)
                .unwrap()
                .reason,
            Reason::Expired
        );
        assert!(judge(&running, None, past, None, &none, now).is_some());
        // Not yet, never, or unknown: kept.
        assert!(judge(&stopped, None, future, None, &none, now).is_none());
        assert!(judge(&stopped, None, Known::At(None), None, &none, now).is_none());
        assert!(judge(&stopped, None, Known::Unknown, None, &none, now).is_none());
        // Dead: removed whatever the deadline.
        let dead = sandbox(ContainerState::Dead, now);
        assert_eq!(
            judge(&dead, None, Known::Unknown, None, &none, now)
                .unwrap()
                .reason,
            Reason::Dead
        );
        // --older-than and --idle (idle from creation without a recorded activity).
        let older = Rules {
            older_than: Some(Duration::from_secs(1800)),
            idle: None,
        };
        assert_eq!(
            judge(&stopped, None, future, None, &older, now)
                .unwrap()
                .reason,
            Reason::OlderThan
        );
        let idle = Rules {
            older_than: None,
            idle: Some(Duration::from_secs(1800)),
        };
        assert_eq!(
            judge(&stopped, None, future, None, &idle, now)
                .unwrap()
                .reason,
            Reason::Idle
        );
        let mut active = record(now - hour, Some(now + hour));
        active.last_activity = Some(now - TimeDelta::minutes(5));
        assert!(judge(&stopped, Some(&active), future, None, &idle, now).is_none());
        // Activity the helper saw (a command, traffic) counts like a dsbx command.
        let recent = Some(now - TimeDelta::minutes(5));
        assert!(judge(&stopped, None, future, recent, &idle, now).is_none());
        // An init at work is never touched.
        let mut creating = record(now, Some(now - TimeDelta::seconds(1)));
        creating.creating = true;
        assert!(judge(&stopped, Some(&creating), past, None, &older, now).is_none());
    }

    #[test]
    fn networks() {
        let now = Utc::now();
        let old = format_time(now - TimeDelta::hours(1));
        let net =
            |name: &str, role: &str, id: Option<&str>, scope: &str, created: &str| ManagedNetwork {
                id: format!("id-of-{name}"),
                name: name.into(),
                role: role.into(),
                sandbox_id: id.map(str::to_string),
                scope: Some(scope.into()),
                created: Some(created.into()),
            };
        let nets = vec![
            net("dsbx", "shared", None, "s", &old),
            net(
                "dsbx-net-gone00000000",
                "isolated",
                Some("gone00000000"),
                "s",
                &old,
            ),
            net(
                "dsbx-net-abcdefabcdef",
                "isolated",
                Some("abcdefabcdef"),
                "s",
                &old,
            ),
            net(
                "dsbx-net-other0000000",
                "isolated",
                Some("other0000000"),
                "x",
                &old,
            ),
            // Labels that lie: a name that is not the id's network, an id that is a path.
            net("victim-net", "isolated", Some("gone11111111"), "s", &old),
            net("dsbx-net-x/../y", "isolated", Some("x/../y"), "s", &old),
            net(
                "dsbx-net-young0000000",
                "isolated",
                Some("young0000000"),
                "s",
                &format_time(now),
            ),
        ];
        let live = vec![sandbox(ContainerState::Exited, now)];
        let found: Vec<&str> =
            orphan_networks(&nets, &live, &State::default(), &[], Some("s"), now)
                .iter()
                .map(|n| n.name.as_str())
                .collect();
        assert_eq!(found, vec!["dsbx-net-gone00000000"]);
        let all: Vec<&str> = orphan_networks(&nets, &live, &State::default(), &[], None, now)
            .iter()
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(all, vec!["dsbx-net-gone00000000", "dsbx-net-other0000000"]);
    }
}
