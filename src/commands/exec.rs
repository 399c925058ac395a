//! `dsbx exec`: not built yet.

use super::Context;

pub async fn run(
    _ctx: &Context,
    _args: crate::cli::ExecArgs,
    _matches: Option<&clap::ArgMatches>,
    _argv: &[std::ffi::OsString],
) -> anyhow::Result<i32> {
    Err(anyhow::anyhow!("`dsbx exec` is not built yet"))
}
