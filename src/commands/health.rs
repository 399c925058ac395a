//! Health checks: `init --health-cmd CMD [--health-interval D]` adds one, `init --wait-healthy
//! DUR` waits for it (or the image's `HEALTHCHECK`), `ls`/`info` show its state.

use super::Context;
use super::init::Cancel;
use crate::cli::InitArgs;
use crate::engine::Engine;
use crate::error::usage;
use std::time::Duration;

const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(250);

type HealthPlan = (Option<(String, Duration)>, Option<Duration>);

/// `--health-cmd`, `--health-interval` and `--wait-healthy`, checked.
pub fn plan_health(args: &InitArgs) -> anyhow::Result<HealthPlan> {
    let health = match &args.health_cmd {
        None => None,
        Some(cmd) if cmd.trim().is_empty() => {
            return Err(usage(
                "--health-cmd is empty: give a shell command, e.g. 'curl -fs localhost:8000'",
            ));
        }
        Some(cmd) => Some((
            cmd.clone(),
            args.health_interval.unwrap_or(DEFAULT_INTERVAL),
        )),
    };
    Ok((health, args.wait_healthy))
}

/// Waits until the sandbox's health check says healthy; an error (and so a removed sandbox) when
/// it says unhealthy, when there is none, or when `limit` passes.
pub async fn wait_healthy(
    ctx: &Context,
    engine: &Engine,
    id: &str,
    limit: Duration,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    let _ = ctx;
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        cancel.check()?;
        let sandbox = engine.inspect_sandbox(id).await?;
        match sandbox.and_then(|s| s.health).as_deref() {
            Some("healthy") => return Ok(()),
            Some("unhealthy") => {
                anyhow::bail!("sandbox {id} is unhealthy (its health check failed); it was removed")
            }
            None => anyhow::bail!(
                "--wait-healthy: the image has no HEALTHCHECK and no --health-cmd was given; nothing was left behind"
            ),
            Some(_) if tokio::time::Instant::now() + POLL > deadline => anyhow::bail!(
                "sandbox {id} was not healthy within {}; it was removed",
                crate::units::human_duration(limit)
            ),
            Some(_) => tokio::time::sleep(POLL).await,
        }
    }
}
