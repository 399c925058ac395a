//! A sandbox as dsbx sees it: its container's labels and state, merged with the local record.

use crate::labels;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerState {
    Created,
    Running,
    Paused,
    Restarting,
    Exited,
    Removing,
    Dead,
}

impl ContainerState {
    pub fn parse(s: &str) -> ContainerState {
        match s {
            "created" => ContainerState::Created,
            "running" => ContainerState::Running,
            "paused" => ContainerState::Paused,
            "restarting" => ContainerState::Restarting,
            "removing" => ContainerState::Removing,
            "dead" => ContainerState::Dead,
            _ => ContainerState::Exited,
        }
    }

    /// Docker's own word for the state (`ls --json`'s and `info`'s `state`).
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerState::Created => "created",
            ContainerState::Running => "running",
            ContainerState::Paused => "paused",
            ContainerState::Restarting => "restarting",
            ContainerState::Exited => "exited",
            ContainerState::Removing => "removing",
            ContainerState::Dead => "dead",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMapping {
    pub port: u16,
    pub host_ip: Option<String>,
    pub host_port: Option<u16>,
}

/// What Docker says about one sandbox.
#[derive(Debug, Clone)]
pub struct Sandbox {
    pub id: String,
    pub container_id: String,
    pub name: String,
    pub scope: String,
    pub image: String,
    pub state: ContainerState,
    pub labels: HashMap<String, String>,
    pub ports: Vec<PortMapping>,
    pub network_mode: String,
    /// Addresses by network name.
    pub ips: Vec<(String, String)>,
    /// The working directory (`/` when the image sets none); `None` when unknown, because the
    /// list call does not carry it.
    pub workdir: Option<String>,
    /// The image's or init's HEALTHCHECK state: `starting`, `healthy`, `unhealthy`; `None`
    /// without a health check (or while not running).
    pub health: Option<String>,
}

#[cfg(test)]
impl Sandbox {
    /// A sandbox for unit tests: id `abcdefabcdef`, scope `s`, image `i`, these labels, no
    /// ports, addresses, working directory or health.
    pub fn for_tests(state: ContainerState, labels: HashMap<String, String>) -> Sandbox {
        Sandbox {
            id: "abcdefabcdef".into(),
            container_id: "c".into(),
            name: String::new(),
            scope: "s".into(),
            image: "i".into(),
            state,
            labels,
            ports: vec![],
            network_mode: String::new(),
            ips: vec![],
            workdir: None,
            health: None,
        }
    }
}

impl Sandbox {
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        parse_time(self.label(labels::CREATED_AT)?)
    }

    /// The deadline fixed at creation; the current one may differ (see `dsbx timeout`).
    pub fn initial_deadline(&self) -> Option<DateTime<Utc>> {
        // A sandbox claimed from a pool carries the pool's labels: its `expires-at` was the
        // warm member's lifetime, not the deadline its claim set (the record and the file hold
        // that one), so it says nothing.
        if self.label(labels::POOL).is_some() {
            return None;
        }
        parse_time(self.label(labels::EXPIRES_AT)?)
    }

    /// When it became the user's sandbox: for one claimed from a pool, the claim (its record's
    /// creation), not the warm member's creation its label holds.
    pub fn created_for_user(&self, record: Option<&crate::state::Record>) -> Option<DateTime<Utc>> {
        match record {
            Some(r) if self.label(labels::POOL).is_some() => Some(r.created_at),
            _ => self.created_at().or(record.map(|r| r.created_at)),
        }
    }

    /// A warm pool member's lifetime (its `expires-at` label).
    pub fn pool_expires(&self) -> Option<DateTime<Utc>> {
        parse_time(self.label(labels::EXPIRES_AT)?)
    }

    /// The user commands run as, unless `--root` or `--user`.
    pub fn user(&self) -> &str {
        self.label(labels::USER).unwrap_or("root")
    }

    pub fn template(&self) -> Option<&str> {
        self.label(labels::TEMPLATE)
    }

    /// The network created for an `--isolated` sandbox (removed with it).
    pub fn isolated_network(&self) -> Option<&str> {
        let expected = isolated_network_name(&self.id);
        (self.network_mode == expected).then_some(self.network_mode.as_str())
    }

    pub fn ip(&self) -> Option<&str> {
        self.ips.first().map(|(_, ip)| ip.as_str())
    }
}

pub fn isolated_network_name(id: &str) -> String {
    format!("dsbx-net-{id}")
}

pub use crate::timestamps::{format_time, parse_time};
