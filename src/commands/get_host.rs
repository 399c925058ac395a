//! `dsbx get-host`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context, _args: crate::cli::GetHostArgs) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx get-host` is not built yet"))
}
