//! What commands ask about one sandbox, answered once: the deadline in force (and what an
//! unreadable deadline file means), the status word `ls`, `info` and `sandbox status` show, its
//! name and labels as shown, and how a sandbox is removed (`kill`, `gc`, a failed `init`).
//! Given the list entry, the record and what was read from inside the sandbox; the rules of the
//! deadline itself live in [`crate::deadline`].

use crate::engine::Engine;
use crate::resolve::Target;
use crate::sandbox::{ContainerState, Sandbox};
use crate::state::Record;
use chrono::{DateTime, Utc};

/// The deadline in force, as far as dsbx can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// `None` = never.
    pub at: Option<DateTime<Utc>>,
    /// `false`: the deadline file had to be read and could not be; `at` is then what dsbx knows
    /// without it (record, else label), shown but never acted on: `gc` keeps the sandbox, and
    /// no status calls it expired.
    pub known: bool,
}

/// The one policy for the deadline in force, given what was read from the sandbox's file
/// (`file`: `None` = not read, see [`crate::deadline::deadline_needs_reading`]; `Some(None)` =
/// the read failed).
pub fn deadline(
    sandbox: &Sandbox,
    record: Option<&Record>,
    file: Option<Option<Option<DateTime<Utc>>>>,
) -> Deadline {
    match crate::deadline::effective_deadline(sandbox, record, file) {
        Ok(at) => Deadline { at, known: true },
        Err(()) => Deadline {
            at: crate::deadline::known_deadline(sandbox, record),
            known: false,
        },
    }
}

/// [`deadline`] for one sandbox, reading its file if needed (`sandbox status`).
pub async fn deadline_in_force(
    engine: &Engine,
    sandbox: &Sandbox,
    record: Option<&Record>,
    now: DateTime<Utc>,
) -> Deadline {
    let file = if crate::deadline::deadline_needs_reading(sandbox, record, now) {
        Some(crate::deadline::read_deadline(engine, sandbox).await.ok())
    } else {
        None
    };
    deadline(sandbox, record, file)
}

/// The status word of a sandbox Docker lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Running,
    Stopped,
    Paused,
    /// Stopped at (or past) its deadline.
    Expired,
    /// Recorded here, gone from Docker.
    Missing,
    /// Labelled, not recorded in this state.
    Untracked,
    /// Its `init` died while creating it: `gc` removes it.
    Abandoned,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Stopped => "stopped",
            Status::Paused => "paused",
            Status::Expired => "expired",
            Status::Missing => "missing",
            Status::Untracked => "untracked",
            Status::Abandoned => "abandoned",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status of a live sandbox given its record and the deadline in force.
pub fn status(
    sandbox: &Sandbox,
    record: Option<&Record>,
    deadline: Deadline,
    now: DateTime<Utc>,
) -> Status {
    if record.is_some_and(|r| r.abandoned(now)) {
        return Status::Abandoned;
    }
    let base = match sandbox.state {
        ContainerState::Running | ContainerState::Restarting => Status::Running,
        ContainerState::Paused => Status::Paused,
        ContainerState::Created
        | ContainerState::Exited
        | ContainerState::Dead
        | ContainerState::Removing => {
            // A running sandbox is never shown expired: its helper knows the real deadline.
            if deadline.known && deadline.at.is_some_and(|d| d <= now) {
                Status::Expired
            } else {
                Status::Stopped
            }
        }
    };
    if record.is_none() && base != Status::Expired {
        Status::Untracked
    } else {
        base
    }
}

/// The status of a record whose container is gone.
pub fn status_of_record(record: &Record) -> Status {
    if record.creating {
        Status::Abandoned
    } else {
        Status::Missing
    }
}

/// The sandbox's name: its label, else (claimed from a pool, whose label is empty) its record's.
pub fn shown_name(s: &Sandbox, record: Option<&crate::state::Record>) -> String {
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
    record: Option<&crate::state::Record>,
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

/// Removes a sandbox: its container (with its anonymous volumes) by the Docker id a checked list
/// returned (never by a name built from a label), then its isolated network. A recorded sandbox
/// missing from the list has no container dsbx may touch (a container of that name whose labels
/// do not validate is not dsbx's): only its network goes. The record is the caller's to forget.
pub async fn remove(engine: &Engine, target: &Target) -> anyhow::Result<()> {
    let (id, network) = match target {
        Target::Live(s) => {
            engine.remove_sandbox(&s.container_id, &s.id).await?;
            (&s.id, s.isolated_network().map(str::to_string))
        }
        Target::Missing { id, record } => (id, record.isolated_network.clone()),
    };
    if let Some(name) = network {
        remove_isolated_network(engine, id, &name).await?;
    }
    Ok(())
}

/// After sandboxes were removed: their records go, with what dsbx keeps for each beside the
/// state (its channel's host directory, its activity mark). Inside a state update; the one place
/// a removed sandbox is forgotten (`kill`, `gc`, `fork`'s undo, a failed `init`, MCP's kill).
pub fn forget_removed<'a>(
    state: &mut crate::state::State,
    state_dir: &std::path::Path,
    ids: impl IntoIterator<Item = &'a str>,
) {
    for id in ids {
        state.sandboxes.remove(id);
        crate::channel::forget(state_dir, id);
    }
}

/// After sandboxes were removed: the reverse proxy, when one runs, forgets their addresses so
/// their URLs answer 502 at once. Never a failure of the removal itself: a problem is said
/// under --verbose only.
pub async fn forget_in_proxy(engine: &Engine, printer: &crate::output::Printer) {
    if let Err(e) = engine.refresh_proxy().await {
        printer.verbose(format!(
            "the proxy could not be told to forget removed sandboxes: {}",
            crate::error::one_line(&e)
        ));
    }
}

/// Removes the isolated network made for sandbox `id`, by the Docker id of the one the
/// label-filtered network list shows for it (role, sandbox id and name all agreeing).
async fn remove_isolated_network(engine: &Engine, id: &str, name: &str) -> anyhow::Result<()> {
    let networks = engine.list_managed_networks().await?;
    let ours = networks.iter().filter(|n| {
        n.role == "isolated"
            && n.sandbox_id.as_deref() == Some(id)
            && n.name == name
            && n.name == crate::sandbox::isolated_network_name(id)
    });
    for n in ours {
        engine.remove_network(&n.id, &n.name).await?;
    }
    Ok(())
}
