//! A sandbox's last activity: the latest of a dsbx command on it (the record's
//! `last_activity`), a command running in it or ending (seen by its helper), and traffic on its
//! network interfaces (the helper reads its interface counters and notes when they changed).
//!
//! The helper, PID 1 and root inside the sandbox, writes what it saw to [`ACTIVITY_FILE`]
//! (epoch seconds); `ls`, `info` and `gc --idle` read it through the archive API.
//!
//! The file's format (its path, its text, the helper's period) is the helper crate's
//! (`dsbx_helper::activity`, re-exported here); this module reads it from the host.

pub use dsbx_helper::activity::*;

use crate::engine::Engine;
use crate::sandbox::Sandbox;
use crate::state::Record;
use chrono::{DateTime, Utc};

/// The host environment variable `init` passes on as [`PERIOD_ARG`] (for tests: idleness in
/// seconds rather than minutes).
pub const PERIOD_ENV: &str = "DSBX_HELPER_ACTIVITY_SECS";

/// The activity the sandbox's helper recorded; `Ok(None)`: none yet (or no helper). Read by
/// the Docker id a checked list or inspect returned.
pub async fn read_activity(
    engine: &Engine,
    sandbox: &Sandbox,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let bytes = engine
        .read_small_file(&sandbox.container_id, ACTIVITY_FILE)
        .await?;
    Ok(bytes.and_then(|b| parse_activity(&String::from_utf8_lossy(&b))))
}

/// The latest of what is known: the record's last dsbx command, the helper's file, and the
/// creation (a sandbox nobody touched is idle since it was made).
pub fn last_activity(
    sandbox: Option<&Sandbox>,
    record: Option<&Record>,
    file: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    [
        record.and_then(|r| r.last_activity),
        file,
        sandbox.and_then(Sandbox::created_at),
        record.map(|r| r.created_at),
    ]
    .into_iter()
    .flatten()
    .max()
}

/// The latest activity seen (a dsbx command, or what the helper recorded); `None`: nothing used
/// it yet. What `ls` and `info` show.
pub fn seen_activity(
    record: Option<&Record>,
    file: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    record.and_then(|r| r.last_activity).max(file)
}

/// The activity files of `sandboxes`, read in parallel; an unreadable one counts as none.
pub async fn read_activities(
    engine: &Engine,
    sandboxes: &[&Sandbox],
) -> std::collections::HashMap<String, Option<DateTime<Utc>>> {
    let read =
        futures_util::future::join_all(sandboxes.iter().map(|s| read_activity(engine, s))).await;
    sandboxes
        .iter()
        .zip(read)
        .map(|(s, r)| (s.id.clone(), r.ok().flatten()))
        .collect()
}
