//! `dsbx timeout`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context, _args: crate::cli::TimeoutArgs) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx timeout` is not built yet"))
}
