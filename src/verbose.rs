//! `--verbose`: what dsbx does, on stderr, through `tracing`. Without the flag nothing is
//! installed, so the spans and events cost a check each and print nothing.
//!
//! - `-v`/`--verbose`: each engine request with its duration (every `Engine` method is a span),
//!   the path chosen (the sandbox's channel or the engine), retries, the config and state files
//!   read;
//! - `-vv`: also finer steps (`debug` events) and the engine's HTTP request lines (bollard's log);
//! - `-vvv`: everything bollard logs.

use std::fmt::Write as _;
use std::time::Instant;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber, span};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// Installs the stderr printer for `verbosity` (0: nothing). `--quiet` wins.
pub fn init(verbosity: u8, quiet: bool) {
    if verbosity == 0 || quiet {
        return;
    }
    let level = match verbosity {
        1 => LevelFilter::INFO,
        2 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    let subscriber = tracing_subscriber::registry().with(Lines.with_filter(level));
    if tracing::subscriber::set_global_default(subscriber).is_ok() && verbosity >= 2 {
        let _ = log::set_boxed_logger(Box::new(EngineLog {
            all: verbosity >= 3,
        }));
        log::set_max_level(log::LevelFilter::Trace);
    }
}

/// Prints each event as a line, and each span (an engine request) when it closes, with how long
/// it took.
struct Lines;

/// When a span began, and its fields as text.
struct Started(Instant, String);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Lines {
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let mut fields = FieldText::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut()
                .insert(Started(Instant::now(), fields.0));
        }
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let extensions = span.extensions();
        let Some(Started(at, fields)) = extensions.get::<Started>() else {
            return;
        };
        let target = span.metadata().target();
        // Every method of `Engine` is a span: its module names the kind of request.
        let what = match target.strip_prefix("dsbx::engine") {
            Some("") => format!("engine request {}", span.name()),
            Some(module) => format!(
                "engine request {}::{}",
                module.trim_start_matches("::"),
                span.name()
            ),
            None => span.name().to_string(),
        };
        line(&format!(
            "{what}{fields} took {:.1} ms",
            at.elapsed().as_secs_f64() * 1000.0
        ));
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = FieldText::default();
        event.record(&mut fields);
        line(fields.0.trim_start());
    }
}

fn line(text: &str) {
    eprintln!("{} {text}", console::style("dsbx:").dim());
}

/// A span's or event's fields as ` key=value`, the message alone as it is.
#[derive(Default)]
struct FieldText(String);

impl Visit for FieldText {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value}");
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

/// bollard's own log (`log` crate) as `tracing` events: at `-vv` the request lines (a URI),
/// at `-vvv` everything it says (bodies included).
struct EngineLog {
    all: bool,
}

impl log::Log for EngineLog {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let text = record.args().to_string();
        if self.all {
            tracing::trace!("{}: {text}", record.target());
        } else if let Some(path) = request_path(record.target(), &text) {
            tracing::debug!("engine HTTP {path}");
        }
    }

    fn flush(&self) {}
}

/// The path and query of a request line bollard logs (`unix://<hex socket>/containers/json?…`).
fn request_path<'a>(target: &str, text: &'a str) -> Option<&'a str> {
    if !target.starts_with("bollard") {
        return None;
    }
    let (scheme, rest) = text.split_once("://")?;
    if !scheme.chars().all(|c| c.is_ascii_alphanumeric()) || rest.contains(char::is_whitespace) {
        return None;
    }
    rest.find('/').map(|at| &rest[at..])
}
