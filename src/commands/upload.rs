//! `dsbx upload ID LOCAL REMOTE [--root]`: a file, a tree or stdin into a sandbox.

use super::Context;
use super::transfers::upload;
use crate::cli::UploadArgs;
use crate::transfer::Source;

pub async fn run(ctx: &Context, args: UploadArgs) -> anyhow::Result<i32> {
    let source = Source::parse(&args.local);
    let summary = upload(ctx, &args.id, &source, &args.remote, args.root).await?;
    if ctx.printer.json {
        ctx.printer.json_value(&summary)?;
    } else {
        ctx.printer.note_tty(format!(
            "Uploaded {} file(s), {} to {} in {} ms",
            summary.files,
            crate::units::human_size(summary.bytes),
            args.remote,
            summary.duration_ms
        ));
    }
    Ok(0)
}
