//! `dsbx download ID REMOTE LOCAL`: a file or a tree out of a sandbox (`-`: onto stdout).

use super::Context;
use super::transfers::download;
use crate::cli::DownloadArgs;
use crate::error::usage;
use crate::transfer::Dest;

pub async fn run(ctx: &Context, args: DownloadArgs) -> anyhow::Result<i32> {
    let dest = Dest::parse(&args.local);
    if matches!(dest, Dest::Stdout) && ctx.printer.json {
        return Err(usage(
            "`download … -` writes the data itself on stdout; --json cannot be used with it",
        ));
    }
    // The archive API reads as root whoever the sandbox's user is; `--root` changes nothing.
    let _ = args.root;
    let summary = download(ctx, &args.id, &args.remote, &dest).await?;
    if ctx.printer.json {
        ctx.printer.json_value(&summary)?;
    } else if matches!(dest, Dest::Path(_)) {
        ctx.printer.note_tty(format!(
            "Downloaded {} file(s), {} to {} in {} ms",
            summary.files,
            crate::units::human_size(summary.bytes),
            args.local,
            summary.duration_ms
        ));
    }
    Ok(0)
}
