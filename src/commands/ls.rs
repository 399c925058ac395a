//! `dsbx ls`: the scope's sandboxes, from one Docker list call merged with the state.

use super::Context;
use crate::cli::LsArgs;
use crate::sandbox::{ContainerState, Sandbox, format_time};
use crate::state::State;
use crate::view;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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
    /// In a stable order: by sandbox port.
    pub ports: Vec<PortRow>,
    /// The labels given with `init -l`/`-m` (dsbx's own `dsbx.*` left out; for a sandbox
    /// claimed from a pool, from its record: its Docker labels are the pool's).
    pub labels: BTreeMap<String, String>,
    /// The HEALTHCHECK state (starting, healthy, unhealthy), when the sandbox has one.
    pub health: Option<String>,
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
    let filter = Filter::parse(&args)?;
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
        crate::deadline::read_needed_deadlines(engine, &live, &state, Utc::now()),
        crate::activity::read_activities(engine, &with_files)
    );
    let mut rows = rows(&live, &state, scope, Utc::now(), &files);
    rows.retain(|r| filter.keeps(r));
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
    } else if args.ids_only || ctx.printer.quiet {
        // docker's `-q`: ids only, and never a table.
        for row in &rows {
            ctx.printer.data(&row.id)?;
        }
    } else {
        print_table_with(ctx, &rows, args.all_scopes)?;
    }
    Ok(0)
}

/// Docker lists a container's ports in no fixed order: by sandbox port, then host port.
fn sorted_ports(ports: &[crate::sandbox::PortMapping]) -> Vec<PortRow> {
    let mut out: Vec<PortRow> = ports
        .iter()
        .map(|p| PortRow {
            port: p.port,
            host_ip: p.host_ip.clone(),
            host_port: p.host_port,
        })
        .collect();
    out.sort_by(|a, b| (a.port, a.host_port, &a.host_ip).cmp(&(b.port, b.host_port, &b.host_ip)));
    out
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

/// One row per sandbox; `files` holds the deadlines read from inside sandboxes whose record or
/// label's word is not enough (see [`crate::deadline::read_needed_deadlines`]).
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
            let deadline = view::deadline(s, record, files.get(&s.id).copied());
            let status = view::status(s, record, deadline, now);
            let deadline = deadline.at;
            Row {
                id: s.id.clone(),
                name: view::shown_name(s, record),
                labels: view::user_labels(s, record),
                scope: s.scope.clone(),
                image: s.image.clone(),
                status: status.to_string(),
                state: Some(s.state.as_str().to_string()),
                created_at: created.map(format_time),
                created,
                health: s.health.clone(),
                expires_at: deadline.map(format_time),
                last_activity: crate::activity::seen_activity(record, None).map(format_time),
                ports: sorted_ports(&s.ports),
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
                status: view::status_of_record(r).to_string(),
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

/// The statuses a row can have, for `ls --status`.
pub const STATUSES: &[&str] = &[
    "running",
    "paused",
    "stopped",
    "expired",
    "missing",
    "untracked",
    "abandoned",
];

/// What `ls --status` and `--label` keep; a status no row can have is a usage error.
struct Filter {
    statuses: Vec<String>,
    labels: Vec<(String, Option<String>)>,
}

impl Filter {
    fn parse(args: &LsArgs) -> anyhow::Result<Filter> {
        for s in &args.status {
            if !STATUSES.contains(&s.as_str()) {
                return Err(crate::error::usage(format!(
                    "unknown status `{s}` for --status: use one of {}",
                    STATUSES.join(", ")
                )));
            }
        }
        Ok(Filter {
            statuses: args.status.clone(),
            labels: args.label.clone(),
        })
    }

    fn keeps(&self, row: &Row) -> bool {
        let status_ok = self.statuses.is_empty() || self.statuses.contains(&row.status);
        status_ok
            && self.labels.iter().all(|(k, v)| match row.labels.get(k) {
                Some(have) => v.as_ref().is_none_or(|want| want == have),
                None => false,
            })
    }
}

pub(super) fn print_table(ctx: &Context, rows: &[Row]) -> anyhow::Result<()> {
    print_table_with(ctx, rows, false)
}

const HEADERS: [&str; 8] = [
    "ID", "NAME", "SCOPE", "IMAGE", "STATUS", "AGE", "EXPIRES", "PORTS",
];
/// Columns that give up width when the terminal is narrow, most willing first.
const SHRINKABLE: [usize; 3] = [7, 3, 1];
const STATUS: usize = 4;

fn cells(r: &Row, now: DateTime<Utc>) -> [String; 8] {
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
    [
        r.id.clone(),
        if r.name.is_empty() {
            "-".into()
        } else {
            r.name.clone()
        },
        r.scope.clone(),
        r.image.clone(),
        match &r.health {
            Some(h) => format!("{} ({h})", r.status),
            None => r.status.clone(),
        },
        age,
        expires,
        if ports.is_empty() { "-".into() } else { ports },
    ]
}

/// The width the table must fit: `COLUMNS` when set, else the terminal's; none off a terminal
/// (a pipe gets whole values).
fn table_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return Some(n);
    }
    console::Term::stdout()
        .size_checked()
        .map(|(_, cols)| cols as usize)
}

/// Narrows the shrinkable columns (ports, image, name), widest first, until the row fits
/// `limit`; none goes below 5 characters, so a very narrow terminal still wraps.
fn fit(widths: &mut [usize], limit: usize) {
    const FLOOR: usize = 5;
    loop {
        let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
        if total <= limit {
            return;
        }
        let Some(&widest) = SHRINKABLE
            .iter()
            .filter(|&&c| widths[c] > FLOOR)
            .max_by_key(|&&c| widths[c])
        else {
            return;
        };
        // One character at a time from the widest: long values share the cut.
        widths[widest] -= 1;
    }
}

/// `cell` cut to `width` characters, its last one `…` when cut.
fn shorten(cell: &str, width: usize) -> String {
    if cell.chars().count() <= width {
        return cell.to_string();
    }
    let mut out: String = cell.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn status_style(status: &str) -> console::Style {
    let word = status.split(' ').next().unwrap_or_default();
    match word {
        "running" => console::Style::new().green(),
        "paused" => console::Style::new().yellow(),
        "stopped" => console::Style::new().dim(),
        "untracked" => console::Style::new().magenta(),
        _ => console::Style::new().red(),
    }
}

pub(super) fn print_table_with(
    ctx: &Context,
    rows: &[Row],
    show_scope: bool,
) -> anyhow::Result<()> {
    if rows.is_empty() {
        ctx.printer
            .note_tty(format!("no sandboxes in scope `{}`", ctx.scope));
        return Ok(());
    }
    let now = Utc::now();
    let columns: Vec<usize> = (0..HEADERS.len())
        .filter(|&c| show_scope || c != 2)
        .collect();
    let mut table: Vec<[String; 8]> = vec![HEADERS.map(String::from)];
    table.extend(rows.iter().map(|r| cells(r, now)));
    let mut widths: Vec<usize> = (0..HEADERS.len())
        .map(|c| {
            if columns.contains(&c) {
                table
                    .iter()
                    .map(|row| row[c].chars().count())
                    .max()
                    .unwrap_or(0)
            } else {
                0
            }
        })
        .collect();
    if let Some(limit) = table_width() {
        // The hidden SCOPE column takes no room: count its separator out.
        let hidden_gap = if show_scope { 0 } else { 2 };
        fit(&mut widths, limit + hidden_gap);
    }
    for (i, row) in table.iter().enumerate() {
        let line: Vec<String> = columns
            .iter()
            .map(|&c| {
                let cell = format!("{:<w$}", shorten(&row[c], widths[c]), w = widths[c]);
                if c == STATUS && i > 0 {
                    status_style(&row[c]).apply_to(cell).to_string()
                } else {
                    cell
                }
            })
            .collect();
        ctx.printer.data(line.join("  ").trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_shrinks_the_widest_shrinkable_column_first() {
        // ID NAME SCOPE IMAGE STATUS AGE EXPIRES PORTS
        let mut widths = vec![12, 30, 0, 20, 7, 3, 6, 40];
        fit(&mut widths, 100);
        let total: usize = widths.iter().sum::<usize>() + 14;
        assert_eq!(total, 100);
        assert_eq!(widths[0], 12, "ids are never cut");
        assert_eq!((widths[1], widths[3], widths[7]), (19, 19, 20));
        let mut narrow = vec![12, 30, 0, 20, 7, 3, 6, 40];
        fit(&mut narrow, 10);
        assert_eq!((narrow[1], narrow[3], narrow[7]), (5, 5, 5));
    }

    #[test]
    fn shorten_marks_the_cut() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
