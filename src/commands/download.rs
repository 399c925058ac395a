//! `dsbx download ID REMOTE LOCAL`: a file or a tree out of a sandbox (`-`: onto stdout).

use super::Context;
use super::transfers::download_with;
use crate::cli::DownloadArgs;
use crate::error::usage;
use crate::transfer::{Dest, DownloadOptions};

pub async fn run(ctx: &Context, args: DownloadArgs) -> anyhow::Result<i32> {
    let dest = Dest::parse(&args.local);
    if matches!(dest, Dest::Stdout) && ctx.printer.json {
        return Err(usage(
            "`download … -` writes the data itself on stdout; --json cannot be used with it",
        ));
    }
    // As the sandbox's user, so the kernel's checks are the user's; `--root` reads as root.
    let options = DownloadOptions {
        root: args.root,
        ..Default::default()
    };
    let summary = download_with(ctx, &args.id, &args.remote, &dest, &options).await?;
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
