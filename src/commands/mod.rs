//! One file per subcommand, each parse-call-render, and the [`Context`] they all get. The entry
//! that picks one is `crate::app`.

pub(crate) mod completions;
pub(crate) mod cp;
pub(crate) mod doctor;
pub(crate) mod download;
pub mod egress;
pub(crate) mod exec;
pub(crate) mod exec_words;
pub(crate) mod files;
pub(crate) mod fork;
pub(crate) mod gc;
pub(crate) mod get_host;
pub(crate) mod health;
pub(crate) mod info;
pub mod init;
pub(crate) mod jobs;
pub(crate) mod kill;
pub(crate) mod ls;
pub(crate) mod man;
pub(crate) mod mcp;
pub(crate) mod pause_resume;
pub(crate) mod pool;
pub(crate) mod proxy;
pub(crate) mod resources;
pub(crate) mod sandbox_compat;
pub(crate) mod shell;
pub(crate) mod snapshot;
pub(crate) mod suggest;
pub(crate) mod template;
pub(crate) mod timeout;
pub(crate) mod transfers;
pub(crate) mod upload;

mod context;
pub use context::Context;
