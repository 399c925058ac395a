//! `dsbx sandbox`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context, _args: crate::cli::SandboxCommand) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx sandbox` is not built yet"))
}
