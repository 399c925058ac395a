//! A sandbox's lifetime: the deadline file inside it (`/.dsbx/deadline`, epoch seconds, `0` =
//! never), which its helper obeys, and the copy cached in the state.
//!
//! The file is the truth: labels hold only the initial deadline, and the state may be gone or
//! belong to another state directory. So whoever decides that a sandbox's time is up without a
//! record reads the file, and never guesses shorter.

use crate::engine::Engine;
use crate::engine::archive::tar_of_files;
use crate::helper::RELOAD_SIGNAL;
use crate::helper::keepalive::parse_deadline;
use crate::ids::container_name;
use crate::sandbox::{ContainerState, Sandbox};
use crate::state::{Record, StateStore};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The deadline file's path inside the sandbox, relative to `/` (for the archive API).
const DEADLINE_ENTRY: &str = ".dsbx/deadline";

/// The text the helper reads: epoch seconds, `0` for never.
pub fn deadline_text(deadline: Option<DateTime<Utc>>) -> String {
    deadline.map_or(0, |d| d.timestamp()).to_string()
}

/// Parses the file's text; `None` means never (absent, empty, `0`, or unreadable, which is also
/// what the helper makes of it).
pub fn parse_deadline_text(text: &str) -> Option<DateTime<Utc>> {
    parse_deadline(text).and_then(|secs| DateTime::from_timestamp(secs, 0))
}

/// Writes the deadline into the sandbox through the archive API (running, stopped or paused).
pub async fn write_deadline(
    engine: &Engine,
    id: &str,
    deadline: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    let text = deadline_text(deadline);
    let tar = tar_of_files(&[(DEADLINE_ENTRY, 0o644, text.as_bytes())])?;
    engine.upload_tar(&container_name(id), "/", tar).await
}

/// Reads the deadline the sandbox's helper obeys. `Ok(None)`: never (no file, or `0`).
pub async fn read_deadline(engine: &Engine, id: &str) -> anyhow::Result<Option<DateTime<Utc>>> {
    let bytes = engine
        .read_small_file(&container_name(id), crate::helper::DEADLINE_FILE)
        .await?;
    Ok(bytes.and_then(|b| parse_deadline_text(&String::from_utf8_lossy(&b))))
}

/// Whether the deadline of a sandbox this state has no record of must be read from inside it
/// (`gc`, `ls`) rather than taken from its label: always once it is not running (a `dsbx timeout`
/// run from elsewhere may have set, shortened or extended it, and no helper is left to act on
/// it), and for a running one once the label's deadline has passed (it may have been extended).
/// A running sandbox whose label has not passed needs no read: its helper stops it on time, and
/// from then on this rule reads its file.
pub fn deadline_needs_reading(sandbox: &Sandbox, now: DateTime<Utc>) -> bool {
    match sandbox.state {
        ContainerState::Dead | ContainerState::Removing => false,
        ContainerState::Running | ContainerState::Restarting => {
            sandbox.initial_deadline().is_some_and(|d| d <= now)
        }
        ContainerState::Created | ContainerState::Exited | ContainerState::Paused => true,
    }
}

/// Refuses a stopped or paused sandbox whose deadline has passed: started or resumed, its helper
/// would exit at once.
/// The deadline is the record's, else the one inside the sandbox (never the label's guess).
pub async fn check_not_expired(
    engine: &Engine,
    record: Option<&Record>,
    sandbox: &Sandbox,
) -> anyhow::Result<()> {
    // A paused sandbox's clock runs on too: resumed past its deadline, its helper would end it
    // at once, under the command that resumed it.
    if !matches!(
        sandbox.state,
        ContainerState::Created | ContainerState::Exited | ContainerState::Paused
    ) {
        return Ok(());
    }
    let deadline = match record {
        Some(r) => r.deadline,
        None => read_deadline(engine, &sandbox.id).await?,
    };
    match deadline.filter(|d| *d <= Utc::now()) {
        Some(d) => Err(crate::error::tagged(
            crate::error::Kind::Failed,
            format!(
                "sandbox `{}` expired at {}; `dsbx timeout {} DUR` gives it more time first",
                sandbox.id,
                crate::sandbox::format_time(d),
                sandbox.id
            ),
        )),
        None => Ok(()),
    }
}

/// What `exec`, `upload`, `download` and `files …` do first: resume a paused sandbox, start a
/// stopped one unless its deadline has passed. A running one costs nothing.
pub async fn make_ready(
    engine: &Engine,
    state: &crate::state::State,
    sandbox: &Sandbox,
) -> anyhow::Result<()> {
    check_not_expired(engine, state.sandboxes.get(&sandbox.id), sandbox).await?;
    engine.ensure_running(sandbox).await
}

/// The deadline in force as far as dsbx can tell without Docker: the record's, else the label's.
pub fn known_deadline(sandbox: &Sandbox, record: Option<&Record>) -> Option<DateTime<Utc>> {
    match record {
        Some(r) => r.deadline,
        None => sandbox.initial_deadline(),
    }
}

/// Sets the remaining lifetime from now (`None` = never): rewrites the file, makes a running
/// helper re-read it at once, and records the new deadline (creating the record of a sandbox
/// this state did not know). Returns the new deadline.
pub async fn set_lifetime(
    engine: &Engine,
    store: &StateStore,
    sandbox: &Sandbox,
    lifetime: Option<Duration>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let deadline = lifetime.map(crate::commands::deadline_after);
    set_deadline(engine, store, sandbox, deadline).await
}

/// [`set_lifetime`] for a deadline already known (`extend-lifetime` adds to one exactly).
pub async fn set_deadline(
    engine: &Engine,
    store: &StateStore,
    sandbox: &Sandbox,
    deadline: Option<DateTime<Utc>>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    write_deadline(engine, &sandbox.id, deadline).await?;
    if matches!(
        sandbox.state,
        ContainerState::Running | ContainerState::Restarting
    ) {
        notify_helper(engine, &sandbox.id).await?;
    }
    record_deadline(store, sandbox, deadline)?;
    Ok(deadline)
}

/// Makes a running sandbox's helper re-read its deadline now. Only a sandbox whose PID 1 is
/// dsbx's helper is signalled (any other init would pass the signal to a child that dies of it);
/// one that stopped meanwhile needs no signal.
pub async fn notify_helper(engine: &Engine, id: &str) -> anyhow::Result<()> {
    if !engine.runs_helper(id).await? {
        return Ok(());
    }
    match engine.signal_sandbox(id, RELOAD_SIGNAL).await {
        Ok(()) => Ok(()),
        // 409: not running (stopped or paused meanwhile); it reads the file when it runs again.
        Err(e) if e.to_string().contains("409") => Ok(()),
        Err(e) => Err(e),
    }
}

/// Stores the deadline in the record, creating one from the labels if this state has none.
pub fn record_deadline(
    store: &StateStore,
    sandbox: &Sandbox,
    deadline: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    store.update(|state| {
        let record = state
            .sandboxes
            .entry(sandbox.id.clone())
            .or_insert_with(|| record_from_labels(sandbox, now));
        record.deadline = deadline;
        record.last_activity = Some(now);
        Ok(())
    })
}

/// A record rebuilt from a sandbox's labels (for a sandbox this state did not know).
pub fn record_from_labels(sandbox: &Sandbox, now: DateTime<Utc>) -> Record {
    Record {
        name: sandbox.name.clone(),
        scope: sandbox.scope.clone(),
        image: sandbox.image.clone(),
        created_at: sandbox.created_at().unwrap_or(now),
        deadline: sandbox.initial_deadline(),
        last_activity: None,
        isolated_network: sandbox.isolated_network().map(str::to_string),
        creating: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_text_round_trip() {
        assert_eq!(deadline_text(None), "0");
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(deadline_text(Some(t)), "1800000000");
        assert_eq!(parse_deadline_text("1800000000\n"), Some(t));
        assert_eq!(parse_deadline_text("0"), None);
        assert_eq!(parse_deadline_text(""), None);
        assert_eq!(parse_deadline_text("soon"), None);
    }
}
