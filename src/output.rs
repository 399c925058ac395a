//! The printer: stdout carries data only (ids, URLs, JSON, a command's output); everything meant
//! for people (progress, notices, warnings, errors) goes to stderr, and progress only when stderr
//! is a terminal. Commands never print directly; they go through here.

use crate::error::{Kind, kind_of, one_line};
use console::style;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::{self, IsTerminal, Write};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone)]
pub struct Printer {
    pub json: bool,
    pub quiet: bool,
    stderr_tty: bool,
    stdout_tty: bool,
    /// A fatal error starts with a timestamp (gc off a terminal, where every line has one).
    stamp_errors: bool,
    /// A fatal error is also an `{"type": "error", ...}` event line on stdout (`exec --stream`).
    error_events: bool,
}

impl Printer {
    /// `--verbose` is not the printer's: it is `tracing`'s (see `crate::verbose`).
    pub fn new(json: bool, quiet: bool, color: ColorChoice) -> Printer {
        let stderr_tty = io::stderr().is_terminal();
        let stdout_tty = io::stdout().is_terminal();
        let colors = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && stderr_tty
            }
        };
        console::set_colors_enabled_stderr(colors);
        console::set_colors_enabled(colors && stdout_tty);
        Printer {
            json,
            quiet,
            stderr_tty,
            stdout_tty,
            stamp_errors: false,
            error_events: false,
        }
    }

    /// Makes a fatal error a timestamped line, like every other line of a log (`gc` in cron).
    pub fn stamping_errors(mut self, yes: bool) -> Printer {
        self.stamp_errors = yes;
        self
    }

    /// Makes a fatal error an event line too, as every other line of `exec --stream` is.
    pub fn error_events(mut self, yes: bool) -> Printer {
        self.error_events = yes;
        self
    }

    /// True when a person is watching stderr: progress, spinners and summaries make sense.
    pub fn interactive(&self) -> bool {
        self.stderr_tty && !self.quiet && !self.json
    }

    pub fn stdout_is_terminal(&self) -> bool {
        self.stdout_tty
    }

    /// One line of data on stdout.
    pub fn data(&self, line: impl std::fmt::Display) -> io::Result<()> {
        let mut out = io::stdout().lock();
        writeln!(out, "{line}")?;
        out.flush()
    }

    /// The one JSON object of a `--json` command.
    pub fn json_value<T: Serialize>(&self, value: &T) -> io::Result<()> {
        let text = serde_json::to_string(value).map_err(io::Error::other)?;
        self.data(text)
    }

    /// Bytes that are themselves the data (a listing, a script), on stdout as they are.
    pub fn data_bytes(&self, bytes: &[u8]) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    }

    /// A failure that does not end the command (one of several removals): `error: …` on stderr,
    /// even under `--quiet`, timestamped where the command's lines are (gc in cron).
    pub fn problem(&self, message: impl std::fmt::Display) {
        if self.stamp_errors {
            eprintln!(
                "{} error: {message}",
                crate::timestamps::format_time(chrono::Utc::now())
            );
        } else {
            eprintln!("{} {message}", style("error:").red().bold());
        }
    }

    /// Why a question was answered no (`get-host --check`): on stderr, even under `--quiet`.
    pub fn reason(&self, message: impl std::fmt::Display) {
        eprintln!("{message}");
    }

    /// Text a tool prints as it works (a build's output), as it comes: only when a person is
    /// watching.
    pub fn live_text(&self, text: &str) {
        if self.interactive() {
            let mut err = io::stderr().lock();
            let _ = err.write_all(text.as_bytes());
            let _ = err.flush();
        }
    }

    /// A notice for people; silent under `--quiet`.
    pub fn note(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// A notice shown only on a terminal (the `Sandbox ID: …` line, summaries).
    pub fn note_tty(&self, message: impl std::fmt::Display) {
        if self.interactive() {
            eprintln!("{message}");
        }
    }

    /// What dsbx does, for `--verbose` (a `tracing` event: silent without the flag).
    pub fn verbose(&self, message: impl std::fmt::Display) {
        tracing::info!("{message}");
    }

    pub fn warn(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{} {message}", style("warning:").yellow().bold());
        }
    }

    /// Prints a failure the way its caller needs it, and returns the exit code it means.
    pub fn error(&self, err: &anyhow::Error) -> i32 {
        self.error_exiting(err, kind_of(err).exit_code())
    }

    /// Prints a failure that makes dsbx exit with `code` (exec's 125 for every dsbx-side
    /// failure), so the `--json` object and the exit status agree. Returns `code`.
    pub fn error_exiting(&self, err: &anyhow::Error, code: i32) -> i32 {
        let kind = kind_of(err);
        let message = one_line(err);
        self.error_data(kind, &message, code);
        self.problem(message);
        code
    }

    /// The data side of a failure: the `--json` error object, or `--stream`'s error event.
    fn error_data(&self, kind: Kind, message: &str, code: i32) {
        let error = serde_json::json!({
            "kind": kind.as_str(), "message": message, "exit_code": code
        });
        if self.error_events {
            // `type` first, as in every `--stream` event.
            #[derive(Serialize)]
            struct Event<'a> {
                r#type: &'static str,
                error: &'a serde_json::Value,
            }
            let _ = self.json_value(&Event {
                r#type: "error",
                error: &error,
            });
        } else if self.json {
            let _ = self.data(serde_json::json!({ "error": error }));
        }
    }

    /// A command line clap refused: the `--json` error object, then clap's own message (with
    /// its usage lines and suggestions); a value a typed flag refused is one line. Returns
    /// `code`.
    pub fn clap_error(&self, err: &clap::Error, code: i32) -> i32 {
        if let Some(line) = bad_value_line(err) {
            self.error_data(Kind::Usage, &line, code);
            self.problem(line);
            return code;
        }
        let detail = err.to_string();
        let first = detail.lines().next().unwrap_or("");
        self.error_data(Kind::Usage, first.trim_start_matches("error: "), code);
        let _ = err.print();
        code
    }

    /// Before a mass removal: on a terminal (stdin and stderr both), shows what would go and asks;
    /// `true` to go ahead. Off a terminal it never asks (cron and agents keep working): `true`.
    pub fn confirm_removal(&self, what: &[String]) -> bool {
        if what.is_empty() || !self.stderr_tty || !io::stdin().is_terminal() {
            return true;
        }
        const SHOWN: usize = 20;
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "About to remove:");
        for line in what.iter().take(SHOWN) {
            let _ = writeln!(err, "  {line}");
        }
        if what.len() > SHOWN {
            let _ = writeln!(err, "  … and {} more", what.len() - SHOWN);
        }
        let _ = write!(err, "Remove these {}? [y/N] ", what.len());
        let _ = err.flush();
        drop(err);
        let mut answer = String::new();
        if io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }

    /// A spinner on stderr, only when a person is watching.
    pub fn spinner(&self, message: impl Into<String>) -> Option<ProgressBar> {
        if !self.interactive() {
            return None;
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("valid template"));
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(80));
        Some(bar)
    }

    /// A byte-counting progress bar for transfers, only when a person is watching.
    pub fn bytes_bar(&self, total: Option<u64>, message: impl Into<String>) -> Option<ProgressBar> {
        if !self.interactive() {
            return None;
        }
        let bar = match total {
            Some(total) => ProgressBar::new(total).with_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {msg} {bytes} {bytes_per_sec}")
                    .expect("valid template"),
            ),
        };
        bar.set_message(message.into());
        Some(bar)
    }
}

/// A value a flag's parser refused (`--timeout 5x`), as one line in clap's own words, the value
/// and the parser's reason escaped: `invalid value '5x' for '--timeout <DUR>': invalid
/// duration …`. Clap would add a blank line and a `--help` hint; a bad value needs neither.
pub fn bad_value_line(err: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if err.kind() != ErrorKind::ValueValidation {
        return None;
    }
    let context = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let arg = context(ContextKind::InvalidArg)?;
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    let mut reason = String::new();
    std::error::Error::source(err)?
        .to_string()
        .chars()
        .for_each(|c| crate::escape::push_escaped(&mut reason, c));
    Some(format!(
        "invalid value '{}' for '{arg}': {reason}",
        shown(&value)
    ))
}

/// Longest value (in characters) a message echoes whole; a longer one is cut, with its length.
const SHOWN_MAX: usize = 80;

/// A value (from the user, a file or the engine) fit to echo inside a one-line message: control
/// characters escaped (`\x1b`, `\r`, `\n`) so they cannot move the cursor, recolour the
/// terminal or break a log line, and a long value cut with its length.
pub fn shown(value: &str) -> String {
    let count = value.chars().count();
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if count > SHOWN_MAX && i == SHOWN_MAX - 20 {
            out.push_str(&format!("… ({} bytes in all)", value.len()));
            break;
        }
        crate::escape::push_escaped(&mut out, c);
    }
    out
}

/// Whether an error should print as usage help rather than a failure (exit 2).
pub fn is_usage(err: &anyhow::Error) -> bool {
    kind_of(err) == Kind::Usage
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_escapes_control_characters() {
        assert_eq!(shown("a\x1b[31mb\rc\nd\te"), "a\\x1b[31mb\\rc\\nd\\te");
        assert_eq!(shown("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(shown("plain-ünïcode"), "plain-ünïcode");
    }

    #[test]
    fn shown_cuts_long_values_with_their_length() {
        let long = "x".repeat(5000);
        let s = shown(&long);
        assert!(s.chars().count() < 100, "{s}");
        assert!(s.ends_with("… (5000 bytes in all)"), "{s}");
        assert_eq!(shown(&"y".repeat(SHOWN_MAX)), "y".repeat(SHOWN_MAX));
    }
}
