//! Errors that know which exit code they mean.
//!
//! Every failure travels as an `anyhow::Error`; the few that mean something other than "the
//! operation failed" carry a [`Kind`] somewhere in their chain. `kind_of` finds it, so context
//! added on the way up never changes the exit code. Shared with the host (`dsbx::error`, which
//! adds the printing), so a rule of the formats here (an egress entry) fails as a usage error.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
