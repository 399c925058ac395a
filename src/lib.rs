//! dsbx: E2B-style sandboxes on your own Docker engine.
//!
//! The binary is a thin shell over this library so that benchmarks and tests can drive the engine
//! layer in-process. The layers and what each may import: docs/architecture.md (checked by
//! `scripts/import-map`). Every top module:
//! - entry and CLI: `app` (`main_entry`: parse, build the `Context`, run, exit code), `commands`
//!   (`Context`, one file per subcommand), `cli` (clap definitions only), `man_and_completions`
//!   (completions and man pages from `cli`), `completion` (the live candidates a shell asks
//!   for), `help_topics` (`dsbx help environment`, `exit-codes`);
//! - domain: `view` (deadline in force, status, removal), `deadline` (the deadline file and
//!   `timeout`'s intent), `activity` (last use), `resolve` (ids, names, prefixes), `snapshot`,
//!   `pool` (warm pools' keys and rules), `limits`, `scope`, `env_vars` (`K=V`
//!   entries), `mcp` (the MCP server's host paths);
//! - moving bytes: `transfer` (uploads, downloads), `channel` (the socket to a sandbox's helper);
//! - `engine` (every Docker call);
//! - from the helper crate (`crates/dsbx-helper`, re-exported here): `helper` (the code that runs
//!   inside sandboxes), `layout` (every `/.dsbx` path), and the leaves both sides share: `egress`
//!   (the policy), `passwd`, `remote_stat` (what a path in a sandbox is), `remote_path` (how
//!   REMOTE reads), `target_rules` (where an upload lands), `tree_filter` (which entries a
//!   tree copy keeps); `activity`, `channel` and `error` are the host's sides of the helper
//!   crate's modules of the same names;
//! - leaves: `sandbox` (a sandbox as Docker lists it), `state`, `config`, `output` (the
//!   printer), `verbose` (`--verbose` through tracing), `error`, `escape` (control characters
//!   shown escaped), `timestamps` (RFC 3339 as dsbx writes it), `ids`, `labels`, `units`, `url`,
//!   `host_lock`, `lock_wait`, `registry_auth` (the docker CLI's config directory and
//!   credentials).

pub mod activity;
pub mod app;
pub mod channel;
pub mod cli;
pub mod commands;
pub mod completion;
pub mod config;
pub mod deadline;
pub mod engine;
pub mod env_vars;
pub mod error;
pub mod escape;
pub mod help_topics;
pub mod host_lock;
pub mod ids;
pub mod labels;
pub mod limits;
pub mod lock_wait;
pub mod man_and_completions;
pub mod mcp;
pub mod output;
pub mod pool;
pub mod registry_auth;
pub mod resolve;
pub mod sandbox;
pub mod scope;
pub mod snapshot;
pub mod state;
pub mod timestamps;
pub mod transfer;
pub mod units;
pub mod url;
pub mod verbose;
pub mod view;

// The helper crate's modules, at the paths host code has always used (see its lib.rs).
pub use dsbx_helper::{
    egress, helper, layout, passwd, remote_path, remote_stat, target_rules, tree_filter,
};

pub use app::main_entry;
