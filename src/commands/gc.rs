//! `dsbx gc`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context, _args: crate::cli::GcArgs) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx gc` is not built yet"))
}
