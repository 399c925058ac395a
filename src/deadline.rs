//! A sandbox's lifetime: the deadline file inside it (`/.dsbx/deadline`, epoch seconds, `0` =
//! never), which its helper obeys, and the copy cached in the state.
//!
//! The file is the truth: labels hold only the initial deadline, and the state may be gone or
//! belong to another state directory. So whoever decides that a sandbox's time is up without a
//! record reads the file, and never guesses shorter.

use crate::engine::Engine;
use crate::engine::archive::tar_of_files;
use crate::helper::RELOAD_SIGNAL;
use crate::helper::init::parse_deadline;
use crate::layout::{DEADLINE_FILE, archive_entry};
use crate::sandbox::{ContainerState, Sandbox};
use crate::state::{Record, StateStore};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The text the helper reads: epoch seconds, `0` for never.
pub fn deadline_text(deadline: Option<DateTime<Utc>>) -> String {
    deadline.map_or(0, |d| d.timestamp()).to_string()
}

/// Parses the file's text; `None` means never (absent, empty, `0`, or unreadable, which is also
/// what the helper makes of it).
pub fn parse_deadline_text(text: &str) -> Option<DateTime<Utc>> {
    parse_deadline(text).and_then(|secs| DateTime::from_timestamp(secs, 0))
}

/// Writes the deadline into the sandbox through the archive API (running, stopped or paused),
/// addressed by its Docker id.
pub async fn write_deadline(
    engine: &Engine,
    sandbox: &Sandbox,
    deadline: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    write_deadline_into(engine, &sandbox.container_id, &sandbox.id, deadline).await
}

/// [`write_deadline`] into `container` (a Docker id, or the name `init` just gave it) of the
/// sandbox `id`: the one place the host writes `/.dsbx/deadline` (the helper's own writes:
/// `helper::init`).
pub async fn write_deadline_into(
    engine: &Engine,
    container: &str,
    id: &str,
    deadline: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    let text = deadline_text(deadline);
    let tar = tar_of_files(&[(archive_entry(DEADLINE_FILE), 0o644, text.as_bytes())])?;
    engine.upload_tar(container, id, "/", tar).await
}

/// Reads the deadline the sandbox's helper obeys. `Ok(None)`: never (no file, or `0`).
pub async fn read_deadline(
    engine: &Engine,
    sandbox: &Sandbox,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let bytes = engine
        .read_small_file(&sandbox.container_id, DEADLINE_FILE)
        .await?;
    Ok(bytes.and_then(|b| parse_deadline_text(&String::from_utf8_lossy(&b))))
}

/// Whether the deadline file inside a sandbox must be read before judging its lifetime (`gc`,
/// `ls`): nothing dsbx does may shorten a lifetime, so a sandbox is over only when every
/// deadline dsbx can know of (record, label, file) has passed, or when its helper has ended it.
/// - Stopped or paused: the file decides (a stopped sandbox's helper obeyed it, and a paused
///   one's would end it the moment it is resumed), but a settled record holds what the file
///   holds: `dsbx timeout` records its intent before it writes the file and settles it after
///   (see [`set_deadline`]). So the file is read only without a record (a sandbox of another
///   state or host) or while the record's change is pending (a `timeout` killed midway).
/// - Running: the file is read only once the record and the label have both passed (a `dsbx
///   timeout` may have extended it, its record write lost); before that nothing has passed, and
///   a shorter file is the helper's to act on: it stops the sandbox, which is then stopped.
pub fn deadline_needs_reading(
    sandbox: &Sandbox,
    record: Option<&Record>,
    now: DateTime<Utc>,
) -> bool {
    match sandbox.state {
        ContainerState::Dead | ContainerState::Removing => false,
        ContainerState::Created | ContainerState::Exited | ContainerState::Paused => {
            record.is_none_or(|r| r.deadline_pending)
        }
        ContainerState::Running | ContainerState::Restarting => {
            latest_known(sandbox, record).is_some_and(|d| d <= now)
        }
    }
}

/// The latest of the record's deadline and the label's (`None`: one of them is never).
pub fn latest_known(sandbox: &Sandbox, record: Option<&Record>) -> Option<DateTime<Utc>> {
    let label = sandbox.initial_deadline();
    match record {
        // Claimed from a pool: its label says nothing of its deadline (see `initial_deadline`).
        Some(r) if sandbox.label(crate::labels::POOL).is_some() => r.deadline,
        Some(r) => r.deadline.zip(label).map(|(r, l)| r.max(l)),
        None => label,
    }
}

/// The deadline past which a sandbox is over, given what was read from its file (`file`:
/// `None` = not read, see [`deadline_needs_reading`]; `Some(None)` = the read failed).
/// `Err(())`: not known, so the sandbox is kept. `Ok(None)`: never.
#[allow(clippy::result_unit_err)]
pub fn effective_deadline(
    sandbox: &Sandbox,
    record: Option<&Record>,
    file: Option<Option<Option<DateTime<Utc>>>>,
) -> Result<Option<DateTime<Utc>>, ()> {
    let stopped = matches!(
        sandbox.state,
        ContainerState::Created | ContainerState::Exited | ContainerState::Paused
    );
    match file {
        None if stopped => Ok(known_deadline(sandbox, record)),
        // A running sandbox whose record `timeout` settled, with time left: that is the deadline
        // its helper obeys (a shortened one too, which the label's later one would hide). Only
        // a passed deadline decides anything, and those still go by the latest known.
        None => Ok(match record {
            Some(r) if !r.deadline_pending && r.deadline.is_some_and(|d| d > Utc::now()) => {
                r.deadline
            }
            _ => latest_known(sandbox, record),
        }),
        Some(None) => Err(()),
        // What its helper obeyed, or will obey the moment it starts or resumes.
        Some(Some(f)) if stopped => Ok(f),
        Some(Some(f)) => Ok(f.zip(latest_known(sandbox, record)).map(|(f, k)| f.max(k))),
    }
}

/// The deadline files of the sandboxes that need reading (see [`deadline_needs_reading`]), read
/// in parallel: one archive read each, only for those. A failed read is `None` (unknown).
pub async fn read_needed_deadlines(
    engine: &Engine,
    live: &[Sandbox],
    state: &crate::state::State,
    now: DateTime<Utc>,
) -> std::collections::HashMap<String, Option<Option<DateTime<Utc>>>> {
    let wanted: Vec<&Sandbox> = live
        .iter()
        .filter(|s| deadline_needs_reading(s, state.sandboxes.get(&s.id), now))
        .collect();
    let read =
        futures_util::future::join_all(wanted.iter().map(|s| read_deadline(engine, s))).await;
    wanted
        .iter()
        .zip(read)
        .map(|(s, r)| (s.id.clone(), r.ok()))
        .collect()
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
        // The record may be behind the file (a `dsbx timeout` whose state write failed): the
        // file is asked before the record's word shortens anything.
        Some(r) if r.deadline.is_some_and(|d| d <= Utc::now()) => {
            match read_deadline(engine, sandbox).await {
                Ok(file) => file,
                Err(_) => r.deadline,
            }
        }
        Some(r) => r.deadline,
        None => read_deadline(engine, sandbox).await?,
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
    printer: &crate::output::Printer,
    sandbox: &Sandbox,
    lifetime: Option<Duration>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let deadline = lifetime.map(deadline_after);
    set_deadline(engine, store, printer, sandbox, deadline).await
}

/// The deadline `lifetime` from now, in whole seconds: the helper reads epoch seconds, and the
/// state must agree with it to the second (or `ls` could call a just-expired sandbox stopped).
/// Rounded up: `--timeout 20s` never stops a sandbox 19.1 s after it was asked for.
pub fn deadline_after(lifetime: Duration) -> DateTime<Utc> {
    let now = Utc::now();
    let secs = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX / 2);
    let nanos = u64::from(now.timestamp_subsec_nanos()) + u64::from(lifetime.subsec_nanos());
    let carry = (nanos / 1_000_000_000 + u64::from(nanos % 1_000_000_000 > 0)) as i64;
    let at = now
        .timestamp()
        .saturating_add(secs)
        .saturating_add(carry)
        .min(253_402_300_799);
    DateTime::from_timestamp(at, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// [`set_lifetime`] for a deadline already known (`extend-lifetime` adds to one exactly).
///
/// The record takes the new deadline first, marked pending; then the file is written; then the
/// mark is cleared. A dsbx killed between the steps (or a file write that failed) leaves the
/// mark, and whoever judges the sandbox reads the file, which is the truth; a settled record
/// holds what the file holds, so `gc` need not read the files of recorded sandboxes. A state
/// that cannot be written is a warning: the sandbox's lifetime changed, which is what the exit
/// code and stdout report (a running sandbox's file is still read once its record has passed).
pub async fn set_deadline(
    engine: &Engine,
    store: &StateStore,
    printer: &crate::output::Printer,
    sandbox: &Sandbox,
    deadline: Option<DateTime<Utc>>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let recorded = crate::state::update_or_warn(store, printer, |state| {
        record_intent(state, sandbox, deadline);
        Ok(())
    });
    write_deadline(engine, sandbox, deadline).await?;
    if matches!(
        sandbox.state,
        ContainerState::Running | ContainerState::Restarting
    ) {
        notify_helper(engine, sandbox).await?;
    }
    if recorded {
        crate::state::update_or_warn(store, printer, |state| {
            settle_intent(state, sandbox, deadline);
            Ok(())
        });
    }
    Ok(deadline)
}

/// Makes a running sandbox's helper re-read its deadline now. Only a sandbox whose PID 1 is
/// dsbx's helper is signalled (any other init would pass the signal to a child that dies of it);
/// one that stopped meanwhile needs no signal.
pub async fn notify_helper(engine: &Engine, sandbox: &Sandbox) -> anyhow::Result<()> {
    if !engine.runs_helper(sandbox).await? {
        return Ok(());
    }
    // Not running (stopped or paused meanwhile): it reads the file when it runs again.
    engine
        .signal_sandbox(&sandbox.container_id, &sandbox.id, RELOAD_SIGNAL)
        .await
        .map(|_signalled| ())
}

/// Stores the deadline in the record, marked pending until the file holds it, creating the
/// record from the labels if this state has none.
fn record_intent(
    state: &mut crate::state::State,
    sandbox: &Sandbox,
    deadline: Option<DateTime<Utc>>,
) {
    let now = Utc::now();
    let record = state
        .sandboxes
        .entry(sandbox.id.clone())
        .or_insert_with(|| record_from_labels(sandbox, now));
    record.deadline = deadline;
    record.deadline_pending = true;
    record.last_activity = Some(now);
}

/// Clears the pending mark once the file holds `deadline`, unless another `timeout` has
/// recorded a different intent meanwhile (its own settling clears it).
fn settle_intent(
    state: &mut crate::state::State,
    sandbox: &Sandbox,
    deadline: Option<DateTime<Utc>>,
) {
    if let Some(record) = state.sandboxes.get_mut(&sandbox.id)
        && record.deadline == deadline
    {
        record.deadline_pending = false;
    }
}

/// A record rebuilt from a sandbox's labels (for a sandbox this state did not know).
pub fn record_from_labels(sandbox: &Sandbox, now: DateTime<Utc>) -> Record {
    Record {
        name: sandbox.name.clone(),
        isolated_network: sandbox.isolated_network().map(str::to_string),
        ..Record::new(
            &sandbox.scope,
            &sandbox.image,
            sandbox.created_at().unwrap_or(now),
            sandbox.initial_deadline(),
        )
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

    fn sandbox(state: ContainerState, label: Option<DateTime<Utc>>) -> Sandbox {
        let mut labels = std::collections::HashMap::new();
        if let Some(l) = label {
            labels.insert(
                crate::labels::EXPIRES_AT.to_string(),
                crate::sandbox::format_time(l),
            );
        }
        Sandbox::for_tests(state, labels)
    }

    fn record(deadline: Option<DateTime<Utc>>) -> Record {
        Record::new("s", "i", Utc::now(), deadline)
    }

    /// The rule of issue 15: a record behind the file (a `timeout` killed between its steps, or
    /// one whose state write failed) never makes a sandbox over sooner.
    #[test]
    fn no_known_deadline_is_cut_short() {
        // Whole seconds, as labels hold them.
        let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
        let past = Some(now - chrono::TimeDelta::seconds(5));
        let hour = Some(now + chrono::TimeDelta::hours(1));
        let running = sandbox(ContainerState::Running, past);
        let stale = record(past);
        // Record and label passed: the file must be read, and its hour keeps the sandbox.
        assert!(deadline_needs_reading(&running, Some(&stale), now));
        assert_eq!(
            effective_deadline(&running, Some(&stale), Some(Some(hour))),
            Ok(hour)
        );
        // Unreadable: unknown, keep.
        assert_eq!(
            effective_deadline(&running, Some(&stale), Some(None)),
            Err(())
        );
        // The label still ahead: nothing to read yet, and not over.
        let young = sandbox(ContainerState::Running, hour);
        assert!(!deadline_needs_reading(&young, Some(&stale), now));
        assert_eq!(effective_deadline(&young, Some(&stale), None), Ok(hour));
        // `never` anywhere keeps a running sandbox (its helper decides).
        let never = sandbox(ContainerState::Running, None);
        assert_eq!(effective_deadline(&never, Some(&stale), None), Ok(None));
        // Stopped or paused: the file its helper obeyed decides, either way.
        for state in [ContainerState::Exited, ContainerState::Paused] {
            let s = sandbox(state, hour);
            // Without a record, or with a `timeout`'s change pending, the file is read; a
            // settled record holds what the file holds, passed or not.
            assert!(deadline_needs_reading(&s, None, now));
            let pending = Record {
                deadline_pending: true,
                ..record(past)
            };
            assert!(deadline_needs_reading(&s, Some(&pending), now));
            assert!(!deadline_needs_reading(&s, Some(&stale), now));
            assert!(!deadline_needs_reading(&s, Some(&record(hour)), now));
            assert_eq!(effective_deadline(&s, Some(&stale), None), Ok(past));
            assert_eq!(
                effective_deadline(&s, Some(&stale), Some(Some(hour))),
                Ok(hour)
            );
            assert_eq!(
                effective_deadline(&s, Some(&stale), Some(Some(past))),
                Ok(past)
            );
        }
    }
}
