//! `dsbx template`: not built yet.

use super::Context;

pub async fn run(_ctx: &Context, _args: crate::cli::TemplateCommand) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx template` is not built yet"))
}
