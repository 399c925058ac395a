//! `dsbx files …`: the file commands of the E2B `sbx` skill, built on dsbx's own paths: the
//! archive API (stat, read, download through `transfer`), uploads (`write`, `edit`, `upload`)
//! through the helper as the sandbox's user (see `transfers::upload_with`), and the helper's `fs`
//! role (ls, rm, mkdir, mv), which drops to the sandbox's user before it touches a path, with
//! paths as argv, never a shell string. A stopped
//! sandbox is started and a paused one resumed first. Relative paths are taken from the
//! sandbox's working directory.

use super::Context;
use super::transfers::{self, ready_sandbox};
use crate::cli::{
    FilesCommand, FilesCopyArgs, FilesDirArgs, FilesEditArgs, FilesLsArgs, FilesMvArgs,
    FilesPathArgs, FilesWriteArgs,
};
use crate::engine::archive::RemoteStat;
use crate::engine::helper_volume::HELPER_PATH;
use crate::error::usage;
use crate::remote_stat::PackHeader;
use crate::sandbox::Sandbox;
use crate::transfer::fetch::Want;
use crate::transfer::{
    self, Dest, DownloadOptions, Source, UploadOptions, pack::Filter, remote, stat_follow,
};
use anyhow::bail;
use serde::Serialize;

/// `files edit` holds the file in memory; larger ones are refused.
const EDIT_LIMIT: i64 = 64 * 1024 * 1024;

pub async fn run(ctx: &Context, args: FilesCommand) -> anyhow::Result<i32> {
    match args {
        FilesCommand::Ls(a) => ls(ctx, a).await,
        FilesCommand::Read(a) => read(ctx, a).await,
        FilesCommand::Write(a) => write(ctx, a).await,
        FilesCommand::Edit(a) => edit(ctx, a).await,
        FilesCommand::Exists(a) => exists(ctx, a).await,
        FilesCommand::Info(a) => info(ctx, a).await,
        FilesCommand::Rm(a) => {
            let path = a.path.clone();
            fs_op(ctx, &a.id, &["rm", &a.path]).await?;
            done(ctx, serde_json::json!({ "removed": path }))
        }
        FilesCommand::Mkdir(a) => {
            let path = a.path.clone();
            fs_op(ctx, &a.id, &["mkdir", &a.path]).await?;
            done(ctx, serde_json::json!({ "created": path }))
        }
        FilesCommand::Mv(a) => mv(ctx, a).await,
        FilesCommand::Upload(a) => upload(ctx, a).await,
        FilesCommand::Download(a) => download(ctx, a).await,
        FilesCommand::UploadDir(a) => upload_dir(ctx, a).await,
        FilesCommand::DownloadDir(a) => download_dir(ctx, a).await,
    }
}

/// Success with nothing to print on stdout, except the `--json` object.
fn done(ctx: &Context, json: serde_json::Value) -> anyhow::Result<i32> {
    if ctx.printer.json {
        ctx.printer.json_value(&json)?;
    }
    Ok(0)
}

fn not_empty(what: &str, path: &str) -> anyhow::Result<()> {
    if path.is_empty() {
        return Err(usage(format!(
            "{what} is empty: name a path in the sandbox"
        )));
    }
    Ok(())
}

/// Runs `__helper fs --user USER ARGS…` in the sandbox; returns its stdout. The engine starts it
/// as root (so no `/etc/passwd` entry is needed for root or numeric users) and it drops to the
/// sandbox's user itself. A failure is the helper's one line (exit 1).
pub(super) async fn fs_op(
    ctx: &Context,
    query: &str,
    args: &[&str],
) -> anyhow::Result<(Sandbox, Vec<u8>)> {
    for a in &args[1..] {
        not_empty("PATH", a)?;
    }
    let (engine, sandbox) = ready_sandbox(ctx, query).await?;
    let mut cmd: Vec<String> = vec![
        HELPER_PATH.into(),
        "__helper".into(),
        "fs".into(),
        "--user".into(),
        sandbox.user().into(),
    ];
    cmd.extend(args.iter().map(|a| a.to_string()));
    let mut out =
        crate::channel::client::run_helper(ctx.store.dir(), engine, &sandbox.id, cmd.clone())
            .await?;
    if out.code == 1 && out.stderr.starts_with(b"bad fs call") {
        // A sandbox made by an earlier dsbx, whose helper takes no `--user`: the engine starts
        // it as the user instead, as that dsbx did (this needs the user in its /etc/passwd).
        cmd.drain(3..5);
        out = engine
            .run_captured(&sandbox.id, cmd, sandbox.user())
            .await?;
    }
    transfers::touch(ctx, &sandbox.id);
    match out.code {
        0 => Ok((sandbox, out.stdout)),
        126 if out.stderr.starts_with(b"unknown user") => {
            let text = String::from_utf8_lossy(&out.stderr);
            bail!(
                "{}: {}",
                sandbox.id,
                text.lines().next().unwrap_or("").trim()
            )
        }
        126 | 127 => bail!(
            "sandbox {} has no dsbx helper at {HELPER_PATH}, which `files {}` needs (it was made \
             without one; `dsbx exec` still works)",
            sandbox.id,
            args[0]
        ),
        _ => {
            let text = String::from_utf8_lossy(&out.stderr);
            let line = text.lines().next().unwrap_or("failed").trim().to_string();
            bail!("{}: {line}", sandbox.id)
        }
    }
}

async fn ls(ctx: &Context, args: FilesLsArgs) -> anyhow::Result<i32> {
    if args.depth == 0 {
        return Err(usage("--depth must be at least 1"));
    }
    let depth = args.depth.to_string();
    let (_, listing) = fs_op(ctx, &args.id, &["ls", &args.path, &depth]).await?;
    if ctx.printer.json {
        let text = String::from_utf8_lossy(&listing);
        let entries: Vec<&str> = text.lines().collect();
        ctx.printer
            .json_value(&serde_json::json!({ "path": args.path, "entries": entries }))?;
    } else {
        ctx.printer.data_bytes(&listing)?;
    }
    Ok(0)
}

async fn mv(ctx: &Context, args: FilesMvArgs) -> anyhow::Result<i32> {
    fs_op(ctx, &args.id, &["mv", &args.old, &args.new]).await?;
    done(ctx, serde_json::json!({ "from": args.old, "to": args.new }))
}

/// The sandbox, the absolute path, and what the archive API says is there (a final symlink
/// followed): `None` when nothing is.
pub(super) async fn locate(
    ctx: &Context,
    query: &str,
    path: &str,
) -> anyhow::Result<(Sandbox, String, Option<(RemoteStat, String)>)> {
    not_empty("PATH", path)?;
    let (engine, sandbox) = ready_sandbox(ctx, query).await?;
    let abs = remote::absolute(sandbox.workdir.as_deref(), path);
    let stat = stat_follow(engine, &sandbox, &abs).await?;
    Ok((sandbox, abs, stat))
}

async fn read(ctx: &Context, args: FilesPathArgs) -> anyhow::Result<i32> {
    if ctx.printer.json {
        return Err(usage(
            "`files read` writes the file's bytes on stdout; --json cannot be used with it",
        ));
    }
    not_empty("PATH", &args.path)?;
    transfers::with_session(ctx, &args.id, async |s| {
        let id = &s.sandbox.id;
        let abs = match look(s, Want::Stat, &args.path).await? {
            PackHeader::Missing { asked } => bail!("no such file: {id}:{asked}"),
            PackHeader::Found { stat, asked, .. } if stat.is_dir() => {
                bail!("{id}:{asked} is a directory (`dsbx files ls {id} {asked}` lists it)")
            }
            PackHeader::Found { asked, .. } | PackHeader::Denied { asked } => asked,
        };
        transfer::download(s, &abs, &Dest::Stdout, &DownloadOptions::default()).await
    })
    .await?;
    Ok(0)
}

/// What `path` is, as the sandbox's user sees it (see `transfer::fetch::look`).
async fn look(s: &transfer::Session<'_>, want: Want<'_>, path: &str) -> anyhow::Result<PackHeader> {
    transfer::fetch::look(s, s.sandbox.user(), want, path).await
}

/// [`write`] through the engine's paths: the target looked at first, then uploaded.
async fn write_on_engine(
    ctx: &Context,
    id: &str,
    path: &str,
    source: &Source,
) -> anyhow::Result<(crate::transfer::Summary, String)> {
    let (sandbox, abs, stat) = locate(ctx, id, path).await?;
    let file_mode = kept_mode(stat.as_ref().map(|(st, _)| st), &sandbox.id, &abs)?;
    // Write through a final symlink to the file it names, as `echo > link` does.
    let target = stat.map(|(_, p)| p).unwrap_or_else(|| abs.clone());
    let options = UploadOptions {
        file_mode,
        ..Default::default()
    };
    let local = crate::transfer::Local::prepare(source, &target, &options)?;
    let summary = transfers::upload_on_engine(ctx, &sandbox.id, local, &target, &options).await?;
    Ok((summary, target))
}

/// Replaces the file at `path` (keeping an existing file's mode, writing through a final link),
/// creating missing parent directories: `files write` and the MCP server's `write_file`. Returns
/// what was written and where.
pub(super) async fn write_content(
    ctx: &Context,
    query: &str,
    path: &str,
    source: &Source,
) -> anyhow::Result<(crate::transfer::Summary, String)> {
    // Over the channel: one helper call applies the rules above and writes (`helper::put`).
    let Some(direct) = super::transfers::direct(ctx, query).await else {
        return write_on_engine(ctx, query, path, source).await;
    };
    let options = UploadOptions {
        write: true,
        ..Default::default()
    };
    let local = crate::transfer::Local::prepare(source, path, &options)?;
    let summary = transfers::upload_direct(ctx, &direct, local, path, &options).await?;
    let target = summary.landed.clone().unwrap_or_else(|| path.to_string());
    Ok((summary, target))
}

/// `files write ID PATH CONTENT | --stdin`: replaces the file (keeping an existing file's mode),
/// creating missing parent directories.
async fn write(ctx: &Context, args: FilesWriteArgs) -> anyhow::Result<i32> {
    let source = match args.content {
        Some(text) => Source::Bytes(text.into_bytes()),
        None => Source::Stdin,
    };
    let (summary, target) = write_content(ctx, &args.id, &args.path, &source).await?;
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "path": target,
            "bytes": summary.bytes,
        }))?;
    } else {
        ctx.printer.note_tty(format!(
            "Wrote {} to {target}",
            crate::units::human_size(summary.bytes)
        ));
    }
    Ok(0)
}

/// How many times `needle` occurs in `haystack`, without overlaps (as `str::matches` counts).
pub fn count_occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() {
        return 0;
    }
    let mut count = 0;
    let mut i = 0;
    while i + needle.len() <= haystack.len() {
        if &haystack[i..i + needle.len()] == needle {
            count += 1;
            i += needle.len();
        } else {
            i += 1;
        }
    }
    count
}

/// Replaces every non-overlapping occurrence of `old` with `new`, left to right.
pub fn replace_all(haystack: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    if old.is_empty() {
        return haystack.to_vec();
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if i + old.len() <= haystack.len() && &haystack[i..i + old.len()] == old {
            out.extend_from_slice(new);
            i += old.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// `files edit ID PATH --old S --new S [--all]`: exact text replacement. Absent text, or text
/// that occurs more than once without `--all`, fails (exit 1) and changes nothing. The file is
/// written back with its mode, owned by the sandbox's user (as uploads are).
async fn edit(ctx: &Context, args: FilesEditArgs) -> anyhow::Result<i32> {
    let request = TextEdit {
        old: &args.old,
        new: &args.new,
        all: args.all,
        max_size: EDIT_LIMIT as u64,
        words: EditWords {
            old: "--old",
            all: "pass --all",
            too_big: format!(
                "`files edit` edits files up to {EDIT_LIMIT} bytes (download, edit and upload it instead)"
            ),
        },
    };
    let (target, count) = replace_text(ctx, &args.id, &args.path, &request).await?;
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "path": target,
            "replacements": count,
        }))?;
    } else {
        ctx.printer
            .note_tty(format!("Replaced {count} occurrence(s) in {target}"));
    }
    Ok(0)
}

/// One exact text replacement in a sandbox's file, as `files edit` and the MCP server's
/// `edit_file` make it.
pub(super) struct TextEdit<'a> {
    pub old: &'a str,
    pub new: &'a str,
    pub all: bool,
    /// Larger files are refused (the file is read whole).
    pub max_size: u64,
    pub words: EditWords,
}

/// How the caller's interface names things, for the messages.
pub(super) struct EditWords {
    /// The old text's flag or field (`--old`, `` `old` ``).
    pub old: &'static str,
    /// How to ask for every occurrence (`pass --all`).
    pub all: &'static str,
    /// What to do about a file over the size limit.
    pub too_big: String,
}

/// Replaces `edit.old` in the file at `path` of sandbox `query`, all or nothing; returns the
/// file's absolute path and the number of replacements.
pub(super) async fn replace_text(
    ctx: &Context,
    query: &str,
    path: &str,
    edit: &TextEdit<'_>,
) -> anyhow::Result<(String, usize)> {
    let words = &edit.words;
    if edit.old.is_empty() {
        return Err(usage(format!(
            "{} is empty: give the exact text to replace",
            words.old
        )));
    }
    not_empty("PATH", path)?;
    let (id, whole) = transfers::with_session(ctx, query, async |s| {
        let id = s.sandbox.id.clone();
        let whole = transfer::whole::read(s, path, |asked, st| {
            if !st.is_file() {
                bail!("{id}:{asked} is not a regular file");
            }
            if st.size.max(0) as u64 > edit.max_size {
                bail!("{id}:{asked} is {} bytes; {}", st.size, words.too_big);
            }
            Ok(())
        })
        .await?;
        Ok((id, whole))
    })
    .await?;
    let shown = format!("{id}:{}", whole.asked);
    let (content, target) = (whole.content, whole.path);
    let count = count_occurrences(&content, edit.old.as_bytes());
    if count == 0 {
        bail!(
            "the {} text does not occur in {shown}; nothing changed",
            words.old
        );
    }
    if count > 1 && !edit.all {
        bail!(
            "the {} text occurs {count} times in {shown}; nothing changed (make it unique, or {})",
            words.old,
            words.all
        );
    }
    let edited = replace_all(&content, edit.old.as_bytes(), edit.new.as_bytes());
    let options = UploadOptions {
        file_mode: Some(whole.stat.unix_mode()),
        ..Default::default()
    };
    transfers::upload_with(ctx, &id, &Source::Bytes(edited), &target, &options).await?;
    Ok((target, count))
}

/// `files exists`: `true` (exit 0) or `false` (exit 1), as `test -e` (a dangling symlink does
/// not exist).
async fn exists(ctx: &Context, args: FilesPathArgs) -> anyhow::Result<i32> {
    not_empty("PATH", &args.path)?;
    let header = transfers::with_session(ctx, &args.id, async |s| {
        look(s, Want::Stat, &args.path).await
    })
    .await?;
    // As `test -e` run by the user: a path the user may not reach does not exist for them.
    let (abs, found) = match header {
        PackHeader::Found { asked, .. } => (asked, true),
        PackHeader::Missing { asked } | PackHeader::Denied { asked } => (asked, false),
    };
    if ctx.printer.json {
        ctx.printer
            .json_value(&serde_json::json!({ "path": abs, "exists": found }))?;
    } else {
        ctx.printer.data(found)?;
    }
    Ok(if found { 0 } else { 1 })
}

#[derive(Debug, Serialize)]
struct FileInfo {
    name: String,
    path: String,
    /// file, directory, symlink or other
    #[serde(rename = "type")]
    kind: &'static str,
    size: i64,
    /// Octal permission bits, e.g. `0644`.
    mode: String,
    /// As `ls -l` shows them, e.g. `-rw-r--r--`.
    permissions: String,
    /// RFC 3339, when the engine gives it.
    modified: Option<String>,
    /// For a symlink: what it resolves to.
    #[serde(skip_serializing_if = "Option::is_none")]
    link_target: Option<String>,
}

fn kind_of(st: &RemoteStat) -> &'static str {
    if st.is_dir() {
        "directory"
    } else if st.is_symlink() {
        "symlink"
    } else if st.is_file() {
        "file"
    } else {
        "other"
    }
}

fn permissions(kind: &str, mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(match kind {
        "directory" => 'd',
        "symlink" => 'l',
        "file" => '-',
        _ => '?',
    });
    let bits = [
        (0o400, 'r'),
        (0o200, 'w'),
        (0o100, 'x'),
        (0o040, 'r'),
        (0o020, 'w'),
        (0o010, 'x'),
        (0o004, 'r'),
        (0o002, 'w'),
        (0o001, 'x'),
    ];
    for (i, (bit, c)) in bits.iter().enumerate() {
        let set = mode & bit != 0;
        let special = match i {
            2 => mode & 0o4000 != 0,
            5 => mode & 0o2000 != 0,
            8 => mode & 0o1000 != 0,
            _ => false,
        };
        s.push(match (set, special, i) {
            (true, true, 8) => 't',
            (false, true, 8) => 'T',
            (true, true, _) => 's',
            (false, true, _) => 'S',
            (true, false, _) => *c,
            (false, false, _) => '-',
        });
    }
    s
}

/// `files info`: the path's stat as the sandbox's user sees it (a symlink as itself).
async fn info(ctx: &Context, args: FilesPathArgs) -> anyhow::Result<i32> {
    not_empty("PATH", &args.path)?;
    let (id, user, header) = transfers::with_session(ctx, &args.id, async |s| {
        let header = look(s, Want::Lstat, &args.path).await?;
        Ok((s.sandbox.id.clone(), s.sandbox.user().to_string(), header))
    })
    .await?;
    let (st, abs) = match header {
        PackHeader::Found { stat, asked, .. } => (stat, asked),
        PackHeader::Missing { asked } => bail!("no such file or directory: {id}:{asked}"),
        PackHeader::Denied { asked } => {
            return Err(transfer::fetch::denied(&id, &user, &asked, false));
        }
    };
    let kind = kind_of(&st);
    let mode = st.unix_mode();
    let info = FileInfo {
        name: if st.name.is_empty() {
            remote::base_name(&abs).to_string()
        } else {
            st.name.clone()
        },
        path: abs.clone(),
        kind,
        size: st.size,
        mode: format!("{mode:04o}"),
        permissions: permissions(kind, mode),
        modified: st.mtime.as_deref().map(|t| {
            crate::sandbox::parse_time(t)
                .map(crate::sandbox::format_time)
                .unwrap_or_else(|| t.to_string())
        }),
        link_target: st
            .is_symlink()
            .then(|| st.link_target.clone())
            .filter(|t| !t.is_empty()),
    };
    if ctx.printer.json {
        ctx.printer.json_value(&info)?;
    } else {
        let mut lines = vec![
            ("name", info.name.clone()),
            ("path", info.path.clone()),
            ("type", info.kind.to_string()),
            ("size", info.size.to_string()),
            ("mode", info.mode.clone()),
            ("permissions", info.permissions.clone()),
            (
                "modified",
                info.modified.clone().unwrap_or_else(|| "-".into()),
            ),
        ];
        if let Some(t) = &info.link_target {
            lines.push(("link_target", t.clone()));
        }
        for (k, v) in lines {
            ctx.printer.data(format!("{k}: {v}"))?;
        }
    }
    Ok(0)
}

fn summary_out(ctx: &Context, summary: &transfer::Summary, what: &str) -> anyhow::Result<i32> {
    if ctx.printer.json {
        ctx.printer.json_value(summary)?;
    } else {
        ctx.printer.note_tty(format!(
            "{what}: {} file(s), {} in {} ms",
            summary.files,
            crate::units::human_size(summary.bytes),
            summary.duration_ms
        ));
    }
    Ok(0)
}

/// `files upload ID LOCAL REMOTE`: one file (binary-safe), `dsbx upload`'s rules.
async fn upload(ctx: &Context, args: FilesCopyArgs) -> anyhow::Result<i32> {
    if std::fs::metadata(&args.from).is_ok_and(|m| m.is_dir()) {
        return Err(usage(format!(
            "{} is a directory: `dsbx files upload-dir` copies directories",
            args.from
        )));
    }
    let source = Source::parse(&args.from);
    let summary = transfers::upload(ctx, &args.id, &source, &args.to, false).await?;
    summary_out(ctx, &summary, "Uploaded")
}

/// `files download ID REMOTE LOCAL`: one file (binary-safe), `dsbx download`'s rules.
async fn download(ctx: &Context, args: FilesCopyArgs) -> anyhow::Result<i32> {
    let dest = Dest::parse(&args.to);
    if matches!(dest, Dest::Stdout) && ctx.printer.json {
        return Err(usage(
            "`files download … -` writes the data itself on stdout; --json cannot be used with it",
        ));
    }
    not_empty("PATH", &args.from)?;
    let summary = transfers::with_session(ctx, &args.id, async |s| {
        let id = &s.sandbox.id;
        let abs = match look(s, Want::Stat, &args.from).await? {
            PackHeader::Found { stat, asked, .. } if stat.is_dir() => {
                return Err(usage(format!(
                    "{id}:{asked} is a directory: `dsbx files download-dir` copies directories"
                )));
            }
            PackHeader::Found { asked, .. }
            | PackHeader::Missing { asked }
            | PackHeader::Denied { asked } => asked,
        };
        transfer::download(s, &abs, &dest, &DownloadOptions::default()).await
    })
    .await?;
    if matches!(dest, Dest::Stdout) {
        return Ok(0);
    }
    summary_out(ctx, &summary, "Downloaded")
}

/// `files upload-dir ID LOCAL REMOTE`: LOCAL's contents into REMOTE (created when missing,
/// filled when it exists), skipping the sbx defaults unless `--all`.
async fn upload_dir(ctx: &Context, args: FilesDirArgs) -> anyhow::Result<i32> {
    match std::fs::metadata(&args.from) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(usage(format!(
                "{} is not a directory: `dsbx files upload` copies one file",
                args.from
            )));
        }
        Err(e) => bail!("cannot read {}: {e}", args.from),
    }
    let options = UploadOptions {
        filter: Filter::sbx(args.all, &args.exclude, args.max_depth),
        contents: true,
        ..Default::default()
    };
    let source = Source::Path(args.from.clone().into());
    let summary = transfers::upload_with(ctx, &args.id, &source, &args.to, &options).await?;
    summary_out(ctx, &summary, "Uploaded")
}

/// `files download-dir ID REMOTE LOCAL`: REMOTE's contents into LOCAL (created when missing,
/// filled when it exists), skipping the sbx defaults unless `--all`.
async fn download_dir(ctx: &Context, args: FilesDirArgs) -> anyhow::Result<i32> {
    if args.to == "-" {
        return Err(usage(
            "`files download-dir` writes into a local directory; `dsbx download ID DIR -` streams a tar",
        ));
    }
    not_empty("PATH", &args.from)?;
    let options = DownloadOptions {
        filter: Filter::sbx(args.all, &args.exclude, args.max_depth),
        contents: true,
        ..Default::default()
    };
    let dest = Dest::Path(args.to.clone().into());
    let summary = transfers::with_session(ctx, &args.id, async |s| {
        let id = &s.sandbox.id;
        let abs = match look(s, Want::Stat, &args.from).await? {
            PackHeader::Missing { asked } => bail!("no such directory: {id}:{asked}"),
            PackHeader::Found { stat, asked, .. } if !stat.is_dir() => {
                return Err(usage(format!(
                    "{id}:{asked} is not a directory: `dsbx files download` copies one file"
                )));
            }
            PackHeader::Found { asked, .. } | PackHeader::Denied { asked } => asked,
        };
        transfer::download(s, &abs, &dest, &options).await
    })
    .await?;
    summary_out(ctx, &summary, "Downloaded")
}

/// The mode a write into `id:abs` keeps: an existing regular file's (`stat`); a directory or
/// anything else that is not a regular file is refused.
pub(super) fn kept_mode(
    stat: Option<&RemoteStat>,
    id: &str,
    abs: &str,
) -> anyhow::Result<Option<u32>> {
    match stat {
        Some(st) if st.is_dir() => bail!("{id}:{abs} is a directory"),
        Some(st) if !st.is_file() => bail!("{id}:{abs} is not a regular file"),
        Some(st) => Ok(Some(st.unix_mode())),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_are_counted_without_overlap() {
        assert_eq!(count_occurrences(b"aaaa", b"aa"), 2);
        assert_eq!(count_occurrences(b"print(1)\nprint(1)\n", b"print(1)"), 2);
        assert_eq!(count_occurrences(b"abc", b"x"), 0);
        assert_eq!(count_occurrences(b"abc", b""), 0);
        assert_eq!(count_occurrences(b"ab", b"abc"), 0);
        assert_eq!(count_occurrences(b"\x00\xff\x00", b"\xff"), 1);
    }

    #[test]
    fn replacement_is_exact_and_left_to_right() {
        assert_eq!(replace_all(b"aaaa", b"aa", b"b"), b"bb");
        assert_eq!(replace_all(b"x=1; y=1", b"=1", b"=22"), b"x=22; y=22");
        assert_eq!(replace_all(b"keep", b"", b"z"), b"keep");
        assert_eq!(replace_all(b"tail ab", b"ab", b""), b"tail ");
        assert_eq!(
            replace_all("naïve ☃".as_bytes(), "☃".as_bytes(), b"*"),
            "naïve *".as_bytes()
        );
    }

    #[test]
    fn modes_and_permission_strings() {
        assert_eq!(permissions("file", 0o644), "-rw-r--r--");
        assert_eq!(permissions("directory", 0o1777), "drwxrwxrwt");
        assert_eq!(permissions("file", 0o4754), "-rwsr-xr--");
        assert_eq!(permissions("symlink", 0o777), "lrwxrwxrwx");
    }
}
