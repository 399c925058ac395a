//! `init --disk` and `--cpuset-cpus`: resources beyond memory, CPUs and processes.

use super::Context;
use crate::cli::InitArgs;
use crate::engine::Engine;
use crate::error::usage;

/// Docker refuses a writable layer smaller than this (and a sandbox needs some room).
const MIN_DISK: u64 = 16 << 20;

pub fn plan_resources(
    ctx: &Context,
    args: &InitArgs,
) -> anyhow::Result<(Option<u64>, Option<String>)> {
    let disk = match &args.disk {
        Some(text) => Some(crate::units::parse_size(text)?),
        None => ctx.config.limits.disk.0,
    };
    if let Some(d) = disk
        && d < MIN_DISK
    {
        return Err(usage(format!(
            "disk limit {} is too small: use at least 16m",
            crate::units::human_size(d)
        )));
    }
    let cpuset = match &args.cpuset_cpus {
        None => None,
        Some(text) => {
            let valid = !text.is_empty()
                && text.split(',').all(|part| {
                    let mut ends = part.splitn(2, '-');
                    let a = ends.next().and_then(|a| a.parse::<u32>().ok());
                    match (a, ends.next()) {
                        (Some(_), None) => true,
                        (Some(a), Some(b)) => b.parse::<u32>().is_ok_and(|b| b >= a),
                        _ => false,
                    }
                });
            if !valid {
                return Err(usage(format!(
                    "invalid --cpuset-cpus `{text}`: use CPU numbers and ranges, e.g. 0-1 or 0,2"
                )));
            }
            Some(text.clone())
        }
    };
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
