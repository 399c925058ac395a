//! `dsbx completions`: not built yet.

use super::Context;

pub fn run(_ctx: &Context, _args: crate::cli::CompletionsArgs) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx completions` is not built yet"))
}
