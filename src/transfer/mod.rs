//! Moving files and trees in and out of sandboxes through Docker's archive API (or the sandbox's
//! helper, as its user).
//!
//! Both directions stream: the tar is written (or read) on a blocking thread through the bounded
//! byte channel of [`stream`] that feeds (or drains) the HTTP body, so memory stays flat
//! whatever the size; stdin is spooled to an unnamed temp file because a tar header needs the
//! size first. Where an upload lands is [`target`]'s rule. Downloads are extracted by [`unpack`]
//! through directory handles into a staging directory beside the target, which [`place`] moves
//! into place only when everything arrived, so a failed download leaves nothing that looks
//! finished and nothing is ever written through a symlink inside LOCAL.
//!
//! A transfer takes what it needs ([`Session`]): it neither resolves, starts nor resumes the
//! sandbox, nor records activity; the command layer does (`commands/transfers.rs`).

pub mod direct;
pub mod download;
pub mod fetch;
pub mod pack;
pub mod place;
pub use crate::remote_path as remote;
pub mod stream;
pub mod target;
pub mod unpack;
pub mod upload;
pub mod whole;

pub use download::download;
pub use target::stat_follow;
pub use upload::{Local, upload};

use crate::engine::Engine;
use crate::output::Printer;
use crate::sandbox::Sandbox;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Transfers above this size get a progress bar on a terminal.
const PROGRESS_THRESHOLD: u64 = 4 * 1024 * 1024;

/// What a transfer needs: the engine, the sandbox (running, its working directory known), the
/// state directory (where its helper channel's socket lives), and where progress bars and
/// warnings go.
pub struct Session<'a> {
    pub engine: &'a Engine,
    pub sandbox: &'a Sandbox,
    pub state_dir: &'a Path,
    pub sink: &'a Printer,
    /// The sandbox's helper over its channel, when it serves this transfer with no engine call
    /// (see [`direct`]); `engine` is then unverified and used for nothing.
    pub direct: Option<&'a direct::Direct>,
}

/// What a transfer did, as `--json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Bytes of file content copied.
    pub bytes: u64,
    /// Regular files and symlinks copied.
    pub files: u64,
    pub duration_ms: u64,
    /// Where an upload's root entry landed, when the helper placed it (over the channel).
    #[serde(skip)]
    pub landed: Option<String>,
}

/// Where upload reads from.
#[derive(Debug, Clone)]
pub enum Source {
    Path(PathBuf),
    Stdin,
    /// Content held in memory (`files write`, `files edit`), written as one file.
    Bytes(Vec<u8>),
}

/// How an upload treats its source and target beyond the contract's defaults.
#[derive(Debug, Clone, Default)]
pub struct UploadOptions {
    /// Entries belong to root instead of the sandbox's user.
    pub root: bool,
    /// Entries of a local tree left out.
    pub filter: pack::Filter,
    /// A directory onto an existing directory fills it (its contents land in REMOTE) instead of
    /// landing inside it under its own name: `files upload-dir`.
    pub contents: bool,
    /// The mode a file from stdin or memory gets [default: 0644].
    pub file_mode: Option<u32>,
    /// `files write`'s rules over the channel: REMOTE is a regular file or nothing, a final link
    /// is written through and an existing file keeps its mode (the engine path has its caller
    /// look first).
    pub write: bool,
}

/// How a download treats its target beyond the contract's defaults.
#[derive(Debug, Clone, Default)]
pub struct DownloadOptions {
    /// Read as root instead of the sandbox's user (`download --root`).
    pub root: bool,
    /// Entries of a remote tree left out.
    pub filter: pack::Filter,
    /// A directory onto an existing local directory fills it instead of landing inside it:
    /// `files download-dir`.
    pub contents: bool,
}

/// Where download writes to.
#[derive(Debug, Clone)]
pub enum Dest {
    Path(PathBuf),
    Stdout,
}

impl Source {
    pub fn parse(local: &str) -> Source {
        if local == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(local))
        }
    }
}

impl Dest {
    pub fn parse(local: &str) -> Dest {
        if local == "-" {
            Dest::Stdout
        } else {
            Dest::Path(PathBuf::from(local))
        }
    }
}
