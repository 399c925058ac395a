//! `dsbx doctor`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx doctor` is not built yet"))
}
