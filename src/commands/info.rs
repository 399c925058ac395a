//! `dsbx info`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context, _args: crate::cli::InfoArgs) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx info` is not built yet"))
}
