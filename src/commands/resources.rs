//! `init --disk` and `--cpuset-cpus`: resources beyond memory, CPUs and processes.

use super::Context;
use crate::cli::InitArgs;
use crate::engine::Engine;
use crate::error::usage;

/// Docker refuses a writable layer smaller than this (and a sandbox needs some room).
const MIN_DISK: u64 = 16 << 20;

/// `--disk` (or the config's) checked against the engine's floor, and `--cpuset-cpus`.
pub fn plan_resources(
    ctx: &Context,
    args: &InitArgs,
) -> anyhow::Result<(Option<u64>, Option<String>)> {
    let disk = args.disk.or(ctx.config.limits.disk.0);
    if let Some(d) = disk
        && d < MIN_DISK
    {
        return Err(usage(format!(
            "disk limit {} is too small: use at least 16m",
            crate::units::human_size(d)
        )));
    }
    let cpuset = args.cpuset_cpus.clone();
    Ok((disk, cpuset))
}

/// A clear usage error on an engine whose storage cannot limit a container's disk, instead of a
/// silently unlimited sandbox.
pub async fn check_disk_support(engine: &Engine) -> anyhow::Result<()> {
    let support = engine.disk_support().await?;
    match support.refusal() {
        None => Ok(()),
        Some(why) => Err(usage(format!(
            "--disk (or [limits] disk) cannot be enforced here: {why}"
        ))),
    }
}
