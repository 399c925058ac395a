//! `dsbx ls`: the scope's sandboxes, from one Docker list call merged with the state.

use super::Context;
use crate::cli::LsArgs;
use crate::sandbox::{ContainerState, Sandbox, format_time};
use crate::state::{Record, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub scope: String,
    pub image: String,
    /// running, stopped, paused, expired, missing, untracked, abandoned (its `init` died while
    /// creating it: `gc` removes it)
    pub status: String,
    /// The container's own state (created, running, paused, exited, dead), when it exists.
    pub state: Option<String>,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
    /// The latest of a dsbx command, a command running or ending in it, and traffic on its
    /// network (as its helper saw them): what `gc --idle` goes by (`null`: nothing used it yet,
    /// so `gc --idle` counts from its creation).
    pub last_activity: Option<String>,
    pub ports: Vec<PortRow>,
    /// The HEALTHCHECK state (starting, healthy, unhealthy), when the sandbox has one.
    pub health: Option<String>,
    /// The user's `--label`s (for a sandbox claimed from a pool, from its record: its Docker
    /// labels are the pool's).
    pub labels: std::collections::BTreeMap<String, String>,
    /// Creation time at full precision: two inits within one second still list in order.
    #[serde(skip)]
    created: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortRow {
    pub port: u16,
    pub host_ip: Option<String>,
    pub host_port: Option<u16>,
}

pub async fn run(ctx: &Context, args: LsArgs) -> anyhow::Result<i32> {
    let engine = ctx.engine().await?;
    if args.pool {
        return list_pool(ctx, engine, &args).await;
    }
    let scope = (!args.all_scopes).then_some(ctx.scope.as_str());
    let listing = engine.list_sandboxes_checked(scope).await?;
    for skipped in &listing.skipped {
        ctx.printer.verbose(skipped);
    }
    let live = listing.sandboxes;
    let state = ctx.store.load()?;
    // The helper's activity record costs one archive read per sandbox: only `--json` shows it.
    let with_files: Vec<&Sandbox> = live
        .iter()
        .filter(|s| {
            ctx.printer.json && !matches!(s.state, ContainerState::Dead | ContainerState::Removing)
        })
        .collect();
    let (files, activities) = tokio::join!(
        untracked_deadlines(engine, &live, &state, Utc::now()),
        crate::activity::read_activities(engine, &with_files)
    );
    let mut rows = rows(&live, &state, scope, Utc::now(), &files);
    for row in &mut rows {
        if let Some(Some(t)) = activities.get(&row.id) {
            let seen = Some(format_time(*t));
            if row.last_activity < seen {
                row.last_activity = seen;
            }
        }
    }
    if ctx.printer.json {
        ctx.printer
            .json_value(&serde_json::json!({ "sandboxes": rows }))?;
    } else if args.ids_only {
        for row in &rows {
            ctx.printer.data(&row.id)?;
        }
    } else {
        print_table(ctx, &rows)?;
    }
    Ok(0)
}

/// `ls --pool`: the warm members (see `crate::pool`), which plain `ls` never shows.
async fn list_pool(
    ctx: &Context,
    engine: &crate::engine::Engine,
    args: &LsArgs,
) -> anyhow::Result<i32> {
    let rows = super::pool::list_rows(ctx, engine, args.all_scopes).await?;
    if ctx.printer.json {
        ctx.printer
            .json_value(&serde_json::json!({ "sandboxes": rows }))?;
        return Ok(0);
    }
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_string();
    for r in &rows {
        if args.ids_only {
            ctx.printer.data(text(&r["id"]))?;
        } else {
            ctx.printer.data(format!(
                "{}  {}  {}  pool {}  expires {}",
                text(&r["id"]),
                text(&r["image"]),
                text(&r["state"]),
                text(&r["key"]),
                text(&r["expires_at"]),
            ))?;
        }
    }
    if rows.is_empty() {
        ctx.printer
            .note_tty(format!("no warm sandboxes in scope `{}`", ctx.scope));
    }
    Ok(0)
}

/// The deadline in force: the state's (set by `dsbx timeout`), else the label's.
pub fn deadline(sandbox: &Sandbox, record: Option<&Record>) -> Option<DateTime<Utc>> {
    crate::lifetime::known_deadline(sandbox, record)
}

/// The status `ls` and `info` show, given the deadline in force.
pub fn status_with(
    sandbox: &Sandbox,
    tracked: bool,
    deadline: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> &'static str {
    let base = match sandbox.state {
        ContainerState::Running | ContainerState::Restarting => "running",
        ContainerState::Paused => "paused",
        ContainerState::Created
        | ContainerState::Exited
        | ContainerState::Dead
        | ContainerState::Removing => {
            // A running sandbox is never shown expired: its helper knows the real deadline.
            if deadline.is_some_and(|d| d <= now) {
                "expired"
            } else {
                "stopped"
            }
        }
    };
    if !tracked && base != "expired" {
        "untracked"
    } else {
        base
    }
}

/// The deadline inside the sandboxes where the record's or label's word is not enough (see
/// [`crate::lifetime::deadline_needs_reading`]): `ls` must not call them expired, or not, on a
/// deadline a `dsbx timeout` has overruled. One archive read each, only for those; an unreadable
/// one is judged without it.
pub async fn untracked_deadlines(
    engine: &crate::engine::Engine,
    live: &[Sandbox],
    state: &State,
    now: DateTime<Utc>,
) -> HashMap<String, Option<Option<DateTime<Utc>>>> {
    crate::lifetime::read_needed_deadlines(engine, live, state, now).await
}

/// One row per sandbox; `files` holds deadlines read from inside untracked sandboxes (see
/// [`untracked_deadlines`]).
pub fn rows(
    live: &[Sandbox],
    state: &State,
    scope: Option<&str>,
    now: DateTime<Utc>,
    files: &HashMap<String, Option<Option<DateTime<Utc>>>>,
) -> Vec<Row> {
    let mut rows: Vec<Row> = live
        .iter()
        .map(|s| {
            let record = state.sandboxes.get(&s.id);
            let created = s.created_for_user(record);
            let deadline =
                crate::lifetime::effective_deadline(s, record, files.get(&s.id).copied())
                    .unwrap_or_else(|()| deadline(s, record));
            let status = if record.is_some_and(|r| r.abandoned(now)) {
                "abandoned"
            } else {
                status_with(s, record.is_some(), deadline, now)
            };
            Row {
                id: s.id.clone(),
                name: shown_name(s, record),
                labels: user_labels(s, record),
                scope: s.scope.clone(),
                image: s.image.clone(),
                status: status.to_string(),
                state: Some(format!("{:?}", s.state).to_lowercase()),
                created_at: created.map(format_time),
                created,
                health: s.health.clone(),
                expires_at: deadline.map(format_time),
                last_activity: crate::activity::seen_activity(record, None).map(format_time),
                ports: s
                    .ports
                    .iter()
                    .map(|p| PortRow {
                        port: p.port,
                        host_ip: p.host_ip.clone(),
                        host_port: p.host_port,
                    })
                    .collect(),
            }
        })
        .collect();
    for (id, r) in &state.sandboxes {
        let in_scope = scope.is_none_or(|s| r.scope == s);
        if in_scope && !r.being_created(now) && !live.iter().any(|s| &s.id == id) {
            rows.push(Row {
                id: id.clone(),
                name: r.name.clone(),
                scope: r.scope.clone(),
                image: r.image.clone(),
                status: if r.creating { "abandoned" } else { "missing" }.into(),
                state: None,
                created_at: Some(format_time(r.created_at)),
                expires_at: r.deadline.map(format_time),
                last_activity: crate::activity::last_activity(None, Some(r), None).map(format_time),
                ports: vec![],
                health: None,
                labels: r.labels.clone(),
                created: Some(r.created_at),
            });
        }
    }
    rows.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
    rows
}

/// The sandbox's name: its label, else (claimed from a pool, whose label is empty) its record's.
pub fn shown_name(s: &Sandbox, record: Option<&Record>) -> String {
    if s.name.is_empty() {
        record.map(|r| r.name.clone()).unwrap_or_default()
    } else {
        s.name.clone()
    }
}

/// The user's labels: those of its Docker labels that are not dsbx's own, and those its record
/// keeps (a claimed sandbox's).
pub fn user_labels(
    s: &Sandbox,
    record: Option<&Record>,
) -> std::collections::BTreeMap<String, String> {
    let mut out: std::collections::BTreeMap<String, String> = s
        .labels
        .iter()
        .filter(|(k, _)| !crate::labels::is_reserved(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(r) = record {
        out.extend(r.labels.clone());
    }
    out
}

pub(super) fn print_table(ctx: &Context, rows: &[Row]) -> anyhow::Result<()> {
    let now = Utc::now();
    let mut table: Vec<[String; 7]> = vec![[
        "ID".into(),
        "NAME".into(),
        "IMAGE".into(),
        "STATUS".into(),
        "AGE".into(),
        "EXPIRES".into(),
        "PORTS".into(),
    ]];
    for r in rows {
        let age = r
            .created_at
            .as_deref()
            .and_then(crate::sandbox::parse_time)
            .map(|t| crate::units::human_duration((now - t).to_std().unwrap_or_default()))
            .unwrap_or_else(|| "-".into());
        let expires = match r.expires_at.as_deref().and_then(crate::sandbox::parse_time) {
            None => "never".into(),
            Some(t) if t <= now => "passed".into(),
            Some(t) => format!(
                "in {}",
                crate::units::human_duration((t - now).to_std().unwrap_or_default())
            ),
        };
        let ports = r
            .ports
            .iter()
            .map(|p| match p.host_port {
                Some(h) => format!("{}->{}", h, p.port),
                None => p.port.to_string(),
            })
            .collect::<Vec<_>>()
            .join(",");
        table.push([
            r.id.clone(),
            if r.name.is_empty() {
                "-".into()
            } else {
                r.name.clone()
            },
            r.image.clone(),
            match &r.health {
                Some(h) => format!("{} ({h})", r.status),
                None => r.status.clone(),
            },
            age,
            expires,
            ports,
        ]);
    }
    if rows.is_empty() {
        ctx.printer
            .note_tty(format!("no sandboxes in scope `{}`", ctx.scope));
        return Ok(());
    }
    let widths: Vec<usize> = (0..7)
        .map(|c| {
            table
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &table {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| format!("{cell:<w$}", w = widths[c]))
            .collect();
        ctx.printer.data(line.join("  ").trim_end())?;
    }
    Ok(())
}
