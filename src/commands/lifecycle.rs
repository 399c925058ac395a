//! `dsbx pause` / `dsbx resume`: not built yet.

use super::Context;
use crate::cli::IdArg;

pub async fn pause(_ctx: &Context, _args: IdArg) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx pause` is not built yet"))
}

pub async fn resume(_ctx: &Context, _args: IdArg) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx resume` is not built yet"))
}
