//! `dsbx info ID [--stats]`: everything known about one sandbox, as `key: value` lines (or one
//! JSON object). The deadline is the one the helper obeys, read from inside the sandbox.

use super::Context;
use crate::cli::InfoArgs;
use crate::labels;
use crate::sandbox::format_time;
use crate::url::{UrlValues, render};
use chrono::Utc;
use serde::Serialize;
use std::collections::BTreeMap;

/// The URL `info` shows for a published port.
const DEFAULT_URL: &str = "http://{host}:{host_port}";

#[derive(Debug, Serialize)]
struct Info {
    id: String,
    name: String,
    scope: String,
    owner: Option<String>,
    image: String,
    template: Option<String>,
    user: String,
    /// running, stopped, paused, expired, untracked (as `ls` shows it)
    status: String,
    /// The container's own state.
    state: String,
    /// The HEALTHCHECK state (starting, healthy, unhealthy), when it has one.
    health: Option<String>,
    tracked: bool,
    created_at: Option<String>,
    /// `None`: never.
    expires_at: Option<String>,
    /// Seconds left; 0 once passed; `None`: never.
    time_left_secs: Option<i64>,
    last_activity: Option<String>,
    network: String,
    ips: BTreeMap<String, String>,
    ports: Vec<PortInfo>,
    /// `all`, `none`, or the allowlist joined by commas (see `dsbx egress`).
    egress: String,
    /// What the sandbox was created with: memory, CPUs, processes, disk, pinned CPUs.
    limits: crate::engine::disk::Limits,
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<crate::engine::probes::Stats>,
}

#[derive(Debug, Serialize)]
struct PortInfo {
    port: u16,
    host_ip: Option<String>,
    host_port: Option<u16>,
    url: Option<String>,
}

pub async fn run(ctx: &Context, args: InfoArgs) -> anyhow::Result<i32> {
    let (engine, state, sandbox) = ctx.live_sandbox(&args.id).await?;
    let record = state.sandboxes.get(&sandbox.id);
    let running = matches!(
        sandbox.state,
        crate::sandbox::ContainerState::Running | crate::sandbox::ContainerState::Restarting
    );
    let (deadline, stats, activity) = tokio::join!(
        crate::deadline::read_deadline(engine, &sandbox),
        async {
            if args.stats && running {
                Some(engine.stats(&sandbox).await)
            } else {
                None
            }
        },
        crate::activity::read_activity(engine, &sandbox)
    );
    // The latest of a dsbx command, a command in the sandbox and its network traffic.
    let last_activity = crate::activity::seen_activity(record, activity.ok().flatten());
    // The file is the truth; if it cannot be read, the record's (else the label's) copy.
    let in_force = match deadline {
        Ok(at) => crate::view::Deadline { at, known: true },
        Err(e) => {
            ctx.printer.warn(format!(
                "could not read the deadline inside the sandbox ({}); showing the recorded one",
                crate::error::one_line(&e)
            ));
            crate::view::deadline(&sandbox, record, Some(None))
        }
    };
    let deadline = in_force.at;
    let stats = match stats {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return Err(e),
        None => {
            if args.stats {
                ctx.printer
                    .note("no live stats: the sandbox is not running");
            }
            None
        }
    };
    let egress = match sandbox.label(labels::EGRESS) {
        None => "all".to_string(),
        Some(_) => super::egress::policy_for_info(engine, &sandbox.id)
            .await
            .map_or_else(
                || "unknown (its egress proxy is gone)".into(),
                |p| p.summary(),
            ),
    };
    let limits = engine.sandbox_limits(&sandbox.id).await.unwrap_or_default();
    let now = Utc::now();
    let host = engine.endpoint.host();
    let ports = sandbox
        .ports
        .iter()
        .map(|p| {
            let url = p.host_port.and_then(|hp| {
                render(
                    DEFAULT_URL,
                    &UrlValues {
                        port: p.port,
                        id: &sandbox.id,
                        name: &sandbox.name,
                        host_port: Some(hp),
                        host: &host,
                        ip: sandbox.ip(),
                    },
                )
                .ok()
            });
            PortInfo {
                port: p.port,
                host_ip: p.host_ip.clone(),
                host_port: p.host_port,
                url,
            }
        })
        .collect();
    let info = Info {
        id: sandbox.id.clone(),
        name: crate::view::shown_name(&sandbox, record),
        scope: sandbox.scope.clone(),
        // Claimed from a pool: the claimer, from the record (the label names the pool's filler).
        owner: record
            .map(|r| r.owner.as_str())
            .filter(|o| !o.is_empty())
            .or(sandbox.label(labels::OWNER))
            .map(str::to_string),
        image: sandbox.image.clone(),
        template: sandbox.template().map(str::to_string),
        user: sandbox.user().to_string(),
        status: crate::view::status(&sandbox, record, in_force, now).to_string(),
        state: sandbox.state.as_str().to_string(),
        health: sandbox.health.clone(),
        tracked: record.is_some(),
        created_at: sandbox.created_for_user(record).map(format_time),
        expires_at: deadline.map(format_time),
        time_left_secs: deadline.map(|d| (d - now).num_seconds().max(0)),
        last_activity: last_activity.map(format_time),
        network: sandbox.network_mode.clone(),
        ips: sandbox.ips.iter().cloned().collect(),
        ports,
        egress,
        limits,
        labels: sandbox
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .chain(record.into_iter().flat_map(|r| r.labels.clone()))
            .collect(),
        stats,
    };
    if ctx.printer.json {
        ctx.printer.json_value(&info)?;
    } else {
        for (key, value) in lines(&info) {
            ctx.printer.data(format!("{key}: {value}"))?;
        }
    }
    Ok(0)
}

fn lines(i: &Info) -> Vec<(String, String)> {
    let or_dash = |v: Option<&str>| v.filter(|s| !s.is_empty()).unwrap_or("-").to_string();
    let mut out: Vec<(String, String)> = vec![
        ("id".into(), i.id.clone()),
        ("name".into(), or_dash(Some(&i.name))),
        ("scope".into(), i.scope.clone()),
        ("owner".into(), or_dash(i.owner.as_deref())),
        ("image".into(), i.image.clone()),
        ("template".into(), or_dash(i.template.as_deref())),
        ("user".into(), i.user.clone()),
        ("status".into(), i.status.clone()),
        ("state".into(), i.state.clone()),
        (
            "health".into(),
            i.health.clone().unwrap_or_else(|| "-".into()),
        ),
        ("created".into(), or_dash(i.created_at.as_deref())),
        (
            "expires".into(),
            i.expires_at.clone().unwrap_or_else(|| "never".into()),
        ),
        (
            "time left".into(),
            match i.time_left_secs {
                None => "unlimited".into(),
                Some(0) => "none (deadline passed)".into(),
                Some(s) => crate::units::human_duration(std::time::Duration::from_secs(s as u64)),
            },
        ),
        ("last activity".into(), or_dash(i.last_activity.as_deref())),
        ("network".into(), or_dash(Some(&i.network))),
        ("egress".into(), i.egress.clone()),
    ];
    let mib = |b: f64| format!("{:.1} MiB", b / 1048576.0);
    let l = &i.limits;
    let used = i.stats.as_ref();
    out.push((
        "memory limit".into(),
        match (l.memory_bytes, used.and_then(|s| s.memory_bytes)) {
            (Some(m), Some(u)) => format!("{} (using {})", mib(m as f64), mib(u as f64)),
            (Some(m), None) => mib(m as f64),
            (None, _) => "unlimited".into(),
        },
    ));
    out.push((
        "cpus".into(),
        match (l.cpus, used.and_then(|s| s.cpu_percent)) {
            (Some(c), Some(p)) => format!("{c} (using {p:.1}%)"),
            (Some(c), None) => c.to_string(),
            (None, _) => "unlimited".into(),
        },
    ));
    out.push((
        "cpuset".into(),
        l.cpuset_cpus.clone().unwrap_or_else(|| "-".into()),
    ));
    out.push((
        "pids limit".into(),
        match (l.pids, used.and_then(|s| s.pids)) {
            (Some(p), Some(u)) => format!("{p} (using {u})"),
            (Some(p), None) => p.to_string(),
            (None, _) => "unlimited".into(),
        },
    ));
    out.push((
        "disk".into(),
        l.disk_bytes
            .map_or_else(|| "unlimited".into(), |d| mib(d as f64)),
    ));
    for (net, ip) in &i.ips {
        out.push((format!("ip {net}"), ip.clone()));
    }
    for p in &i.ports {
        let value = match (&p.url, p.host_port) {
            (Some(url), _) => url.clone(),
            (None, Some(hp)) => format!("{}:{hp}", p.host_ip.as_deref().unwrap_or("0.0.0.0")),
            (None, None) => "not published".into(),
        };
        out.push((format!("port {}", p.port), value));
    }
    for (k, v) in &i.labels {
        if !labels::is_reserved(k) {
            out.push((format!("label {k}"), v.clone()));
        }
    }
    if let Some(s) = &i.stats {
        out.push((
            "cpu".into(),
            s.cpu_percent.map_or("-".into(), |c| format!("{c:.1}%")),
        ));
        let mib = |b: u64| format!("{:.1} MiB", b as f64 / 1048576.0);
        out.push((
            "memory".into(),
            match (s.memory_bytes, s.memory_limit_bytes) {
                (Some(u), Some(l)) => format!("{} / {}", mib(u), mib(l)),
                (Some(u), None) => mib(u),
                _ => "-".into(),
            },
        ));
        if let Some(p) = s.pids {
            out.push(("pids".into(), p.to_string()));
        }
    }
    out
}
