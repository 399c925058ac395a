//! A sandbox's last activity: the latest of a dsbx command on it (the record's
//! `last_activity`), a command running in it or ending (seen by its helper), and traffic on its
//! network interfaces (the helper reads its interface counters and notes when they changed).
//!
//! The helper, PID 1 and root inside the sandbox, writes what it saw to [`ACTIVITY_FILE`]
//! (epoch seconds); `ls`, `info` and `gc --idle` read it through the archive API.
//!
//! This is the file's format, shared by both sides; the host reads it in `dsbx::activity`.

use chrono::{DateTime, Utc};

/// Written by the helper only, in its root-owned directory.
pub use crate::layout::ACTIVITY_FILE;

/// The helper argument setting how often it looks (seconds; default [`DEFAULT_PERIOD_SECS`]).
pub const PERIOD_ARG: &str = "--activity-secs";
/// Reading a few counters once a minute costs nothing measurable.
pub const DEFAULT_PERIOD_SECS: i64 = 60;

/// The file's text for an activity at `secs` (epoch seconds).
pub fn activity_text(secs: i64) -> String {
    format!("{secs}\n")
}

pub fn parse_activity(text: &str) -> Option<DateTime<Utc>> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|s| *s > 0)
        .and_then(|s| DateTime::from_timestamp(s, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trip() {
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(parse_activity(&activity_text(1_800_000_000)), Some(t));
        assert_eq!(parse_activity(""), None);
        assert_eq!(parse_activity("0"), None);
        assert_eq!(parse_activity("x"), None);
    }
}
