//! `dsbx download`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context, _args: crate::cli::DownloadArgs) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx download` is not built yet"))
}
