//! `dsbx files`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context, _args: crate::cli::FilesCommand) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx files` is not built yet"))
}
