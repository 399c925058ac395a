//! `dsbx upload`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context, _args: crate::cli::UploadArgs) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx upload` is not built yet"))
}
