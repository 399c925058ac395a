//! dsbx: E2B-style sandboxes on your own Docker engine.
//!
//! The binary is a thin shell over this library so that benchmarks and tests can drive the engine
//! layer in-process. Layout: `cli` (clap definitions), `commands/` (one file per subcommand),
//! `engine/` (every Docker call), `helper/` (the code that runs inside sandboxes), and the small
//! modules for config, state, output, ids, units and URLs.

pub mod activity;
pub mod channel;
pub mod cli;
pub mod commands;
pub mod config;
pub mod egress;
pub mod engine;
pub mod error;
pub mod generate;
pub mod helper;
pub mod host_lock;
pub mod ids;
pub mod labels;
pub mod lifetime;
pub mod limits;
pub mod lock_wait;
pub mod mcp;
pub mod output;
pub mod passwd;
pub mod pool;
pub mod registry_auth;
pub mod resolve;
pub mod sandbox;
pub mod scope;
pub mod snapshot;
pub mod state;
pub mod transfer;
pub mod units;
pub mod url;

pub use commands::main_entry;
