//! Errors that know which exit code they mean.
//!
//! Every failure travels as an `anyhow::Error`; the few that mean something other than "the
//! operation failed" carry a [`Kind`] somewhere in their chain. `kind_of` finds it, so context
//! added on the way up never changes the exit code.

use std::fmt;

/// What went wrong, as far as a caller's script is concerned: one exit code each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The operation failed (exit 1).
    Failed,
    /// Bad flag or value (exit 2).
    Usage,
    /// No such sandbox (exit 3).
    NotFound,
    /// Docker engine unreachable or refusing (exit 4).
    Engine,
}

impl Kind {
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Failed => 1,
            Kind::Usage => 2,
            Kind::NotFound => 3,
            Kind::Engine => 4,
        }
    }

    /// The `kind` field of a `--json` error.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Failed => "failed",
            Kind::Usage => "usage",
            Kind::NotFound => "not_found",
            Kind::Engine => "engine",
        }
    }
}

/// An error message tagged with its [`Kind`].
#[derive(Debug)]
pub struct Tagged {
    pub kind: Kind,
    pub message: String,
}

impl fmt::Display for Tagged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Tagged {}

pub fn tagged(kind: Kind, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Tagged {
        kind,
        message: message.into(),
    })
}

pub fn usage(message: impl Into<String>) -> anyhow::Error {
    tagged(Kind::Usage, message)
}

pub fn not_found(message: impl Into<String>) -> anyhow::Error {
    tagged(Kind::NotFound, message)
}

pub fn engine(message: impl Into<String>) -> anyhow::Error {
    tagged(Kind::Engine, message)
}

/// The kind carried anywhere in the chain; `Failed` when none is.
pub fn kind_of(err: &anyhow::Error) -> Kind {
    // anyhow's own downcast also finds a `Tagged` given as context (`SocketDenied`'s).
    err.downcast_ref::<Tagged>()
        .map(|t| t.kind)
        .or_else(|| {
            err.chain()
                .find_map(|cause| cause.downcast_ref::<Tagged>().map(|t| t.kind))
        })
        .unwrap_or(Kind::Failed)
}

/// The whole chain on one line, outermost first, as ripgrep prints it.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        // Some libraries repeat their source inside their own message; print each fact once.
        if parts.last().is_some_and(|prev| prev.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    // One line whatever a cause holds: a newline becomes a space, any other control character
    // (an escape sequence an engine or a file slipped in) is shown escaped.
    let mut line = String::new();
    for c in parts.join(": ").trim_end().chars() {
        if c == '\n' {
            line.push(' ');
        } else {
            crate::output::push_escaped(&mut line, c);
        }
    }
    line
}

/// True when the error is stdout closing under us (`dsbx ls | head -1`): not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn kind_survives_context() {
        let err = Err::<(), _>(not_found("no sandbox `abcd`"))
            .context("killing abcd")
            .unwrap_err();
        assert_eq!(kind_of(&err), Kind::NotFound);
        assert_eq!(one_line(&err), "killing abcd: no sandbox `abcd`");
    }

    #[test]
    fn one_line_escapes_control_characters() {
        let err = anyhow::anyhow!("bad\x1b[2Jvalue\rhere\nand there");
        assert_eq!(one_line(&err), "bad\\x1b[2Jvalue\\rhere and there");
    }

    #[test]
    fn kind_given_as_context_is_found() {
        let err = anyhow::anyhow!("the cause")
            .context(Tagged {
                kind: Kind::Engine,
                message: "the engine refused: the cause".into(),
            })
            .context("listing");
        assert_eq!(kind_of(&err), Kind::Engine);
    }

    #[test]
    fn untagged_is_failed() {
        let err = anyhow::anyhow!("disk full");
        assert_eq!(kind_of(&err), Kind::Failed);
        assert_eq!(Kind::Failed.exit_code(), 1);
    }

    #[test]
    fn broken_pipe_found_in_chain() {
        let io = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let err = anyhow::Error::new(io).context("writing stdout");
        assert!(is_broken_pipe(&err));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
