//! dsbx's helper: the same binary, run inside a sandbox as `/.dsbx/bin/dsbx __helper ROLE …`.
//! It needs nothing from the image (no shell, no libc) and never talks to Docker.
//!
//! Roles:
//! - `init`: PID 1 of every sandbox. Reaps zombies and keeps the sandbox alive until the deadline
//!   in `/.dsbx/deadline`, re-read on SIGUSR1 and at least every minute; notes activity in
//!   `/.dsbx/activity` (commands, network traffic).
//! - `exec`: runs one `dsbx exec` command (user, cwd, timeout, tree kill, output relay).
//! - `drain`: appends a lingering background child's output to its log (an inherited fd).
//! - `kill TAG`: ends the `exec` tagged TAG and its whole tree (the client was interrupted).
//! - `egress-proxy`: dsbx's egress proxy, in a sandbox's proxy container (see `egress_proxy.rs`).
//! - `fs --user U OP …`: file operations for `dsbx files …`, as user U (see `fs.rs`).
//! - `extract --user U DIR`: unpacks an upload's tar from stdin into DIR as user U.
//! - `put REQUEST`: an upload in one call: the target rules applied in the sandbox, then the
//!   tar on stdin unpacked where they say, as the user or root (see `put.rs`).
//! - `serve UID:GID USER ENGINE`: the channel's server (see `serve.rs` and `crate::channel`).
//! - `jobs` / `job-log [--follow] JOB`: the background jobs' records and logs (see `jobs.rs`).
//! - `pack --user U [--stat|--lstat] PATH`: a download's tar (or a path's stat) as user U.
//! - `listening PORT`: exit 0 if a TCP socket listens on PORT in the sandbox, 1 if none does.
//!
//! The engine starts every role as root. Roles that act for the sandbox's user resolve it from
//! the sandbox's own `/etc/passwd` (root and numeric ids need none) and drop to it before they
//! touch a path; the root roles create their own files only under `/.dsbx` (`own_files`).

pub mod claim;
pub mod egress_proxy;
pub mod exec;
pub mod extract;
pub mod fs;
pub mod init;
pub mod jobs;
pub mod listening;
pub mod own_files;
pub mod pack;
pub mod put;
pub mod serve;
pub mod user_switch;
pub mod workdir;

use std::ffi::OsString;

/// Named in `crate::layout` (with every `/.dsbx` path); roles have always found these here.
pub use crate::layout::{DEADLINE_FILE, HELPER_PATH};
/// The signal `dsbx timeout` sends to make the helper re-read its deadline at once.
pub const RELOAD_SIGNAL: &str = "SIGUSR1";

/// Runs a helper role and returns its exit code.
pub fn run(args: Vec<OsString>) -> i32 {
    let role = args.first().and_then(|a| a.to_str()).unwrap_or("");
    match role {
        "init" => {
            // A sandbox made with a channel: its server runs beside PID 1 (see `serve`).
            serve::start_beside_init(&args[1..]);
            init::run(&args[1..])
        }
        "serve" => serve::run(&args[1..]),
        "exec" => exec::run_exec(&args[1..]),
        "drain" => exec::run_drain(&args[1..]),
        "kill" => exec::run_kill(&args[1..]),
        "fs" => fs::run(&args[1..]),
        "egress-proxy" => egress_proxy::run(&args[1..]),
        "extract" => extract::run(&args[1..]),
        "put" => put::run(&args[1..]),
        "listening" => listening::run(&args[1..]),
        "own-workdir" => workdir::run(&args[1..]),
        "jobs" => jobs::run_jobs(&args[1..]),
        "job-log" => jobs::run_job_log(&args[1..]),
        "pack" => pack::run(&args[1..]),
        other => {
            eprintln!("dsbx helper: unknown role `{other}`");
            125
        }
    }
}
