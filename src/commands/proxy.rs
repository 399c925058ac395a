//! `dsbx proxy`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context, _args: crate::cli::ProxyCommand) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx proxy` is not built yet"))
}
