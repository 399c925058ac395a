//! What `timeout`, `info` and `gc` need beyond the container basics: whether a sandbox's PID 1
//! is dsbx's helper, and one sample of live CPU and memory.

use super::Engine;
use super::helper_volume::HELPER_PATH;
use crate::sandbox::Sandbox;
use bollard::models::ContainerStatsResponse;
use bollard::query_parameters::{InspectContainerOptions, StatsOptionsBuilder};
use futures_util::StreamExt;
use serde::Serialize;

/// One sample of a running sandbox's resource use.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Percent of one CPU (200.0 = two CPUs busy), over the engine's ~1 s sample.
    pub cpu_percent: Option<f64>,
    pub memory_bytes: Option<u64>,
    pub memory_limit_bytes: Option<u64>,
    pub pids: Option<u64>,
}

impl Engine {
    /// Whether the sandbox's entrypoint is dsbx's helper (which handles the deadline signal).
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn runs_helper(&self, sandbox: &Sandbox) -> anyhow::Result<bool> {
        let id = &sandbox.id;
        let info = self
            .docker()
            .inspect_container(&sandbox.container_id, None::<InspectContainerOptions>)
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("inspecting sandbox {id}")))?;
        Ok(info
            .config
            .and_then(|c| c.entrypoint)
            .is_some_and(|e| e.first().map(String::as_str) == Some(HELPER_PATH)))
    }

    /// One stats sample (`stream=false`: the engine takes about a second to measure CPU).
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn stats(&self, sandbox: &Sandbox) -> anyhow::Result<Stats> {
        let id = &sandbox.id;
        let options = StatsOptionsBuilder::new().stream(false).build();
        let mut stream = Box::pin(self.docker().stats(&sandbox.container_id, Some(options)));
        match stream.next().await {
            Some(Ok(sample)) => Ok(stats_of(&sample)),
            Some(Err(e)) => Err(self.fail_sandbox(e, id, &format!("reading stats of {id}"))),
            None => Err(anyhow::anyhow!("the engine sent no stats for {id}")),
        }
    }
}

/// CPU as `docker stats` computes it: the container's share of the host's CPU time between two
/// samples, times the number of CPUs.
pub fn stats_of(s: &ContainerStatsResponse) -> Stats {
    let cpu = s.cpu_stats.as_ref();
    let pre = s.precpu_stats.as_ref();
    let total = |c: Option<&bollard::models::ContainerCpuStats>| {
        c.and_then(|c| c.cpu_usage.as_ref())
            .and_then(|u| u.total_usage)
    };
    let cpu_percent = (|| {
        let delta = total(cpu)?.checked_sub(total(pre)?)? as f64;
        let system = cpu?.system_cpu_usage?.checked_sub(pre?.system_cpu_usage?)? as f64;
        let cpus = cpu?.online_cpus.map(f64::from).or_else(|| {
            cpu?.cpu_usage
                .as_ref()?
                .percpu_usage
                .as_ref()
                .map(|p| p.len() as f64)
        })?;
        (system > 0.0).then(|| delta / system * cpus * 100.0)
    })();
    let memory = s.memory_stats.as_ref();
    // `docker stats` leaves the page cache out (cgroup v1 `cache`, v2 `inactive_file`).
    let cache = memory
        .and_then(|m| m.stats.as_ref())
        .and_then(|st| st.get("inactive_file").or_else(|| st.get("cache")).copied())
        .unwrap_or(0);
    Stats {
        cpu_percent: cpu_percent.map(|c| (c * 10.0).round() / 10.0),
        memory_bytes: memory
            .and_then(|m| m.usage)
            .map(|u| u.saturating_sub(cache)),
        memory_limit_bytes: memory.and_then(|m| m.limit),
        pids: s.pids_stats.as_ref().and_then(|p| p.current),
    }
}
