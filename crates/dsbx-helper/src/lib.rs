//! dsbx's helper as a crate of its own: the code that runs inside every sandbox (`helper`, started
//! as `/.dsbx/bin/dsbx __helper ROLE …`) and the formats it shares with the host, which the `dsbx`
//! crate re-exports at the same paths (`dsbx::channel`, `dsbx::passwd`, …).
//!
//! It depends on no Docker client and cannot name dsbx's engine (`scripts/import-map` checks its
//! dependency tree), so "the helper never talks to Docker" is the compiler's to keep. Modules:
//! - `helper`: the roles (`helper::run` is `__helper`'s entry);
//! - `layout`: every path under `/.dsbx` inside a sandbox, for both sides;
//! - shared formats: `channel` (the socket's protocol and frames), `activity` (the activity
//!   file's text), `egress` (the egress policy the proxy obeys and `dsbx egress` writes),
//!   `remote_stat` (what a path is), `remote_path` (how a REMOTE path reads), `target_rules`
//!   (where an upload lands, for the helper's `put` and the engine path alike), `tree_filter`
//!   (which entries a tree copy keeps), `passwd` (the sandbox's users), `error` (errors that
//!   carry their exit code).

pub mod activity;
pub mod channel;
pub mod egress;
pub mod error;
pub mod helper;
pub mod layout;
pub mod passwd;
pub mod remote_path;
pub mod remote_stat;
pub mod target_rules;
pub mod tree_filter;
