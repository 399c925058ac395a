//! Egress policies: what a sandbox may reach through dsbx's egress proxy.
//!
//! A sandbox whose policy is not `all` sits alone on an internal Docker network (no route out, no
//! address of the host's on it); its only way out is the egress proxy, a container on that
//! network and an outside one, which allows HTTP and CONNECT only to what the policy names. The
//! policy is a small text file inside the proxy container, rewritten by `dsbx egress` while the
//! sandbox runs. This module holds the rules, shared by the CLI and the proxy itself.

use crate::error::usage;
use std::net::IpAddr;

/// Where the proxy listens on the sandbox's internal network, and the DNS alias it answers to.
pub const PROXY_ALIAS: &str = "dsbx-egress";
pub const PROXY_PORT: u16 = 3128;
/// The policy file inside the proxy container.
pub use crate::layout::{POLICY_DIR, POLICY_FILE};
/// The last line of a complete policy file: the archive API writes in place, so a reader that
/// catches a half-written file keeps the policy it had.
const END: &str = "end";
const MAGIC: &str = "dsbx-egress 1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// No proxy: the sandbox's network as chosen (the default).
    All,
    /// Only what `allow` names (an empty list reaches nothing).
    Allowlist,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub mode: Mode,
    pub allow: Vec<Rule>,
}

/// One allowlist entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// An exact host name (lower case, no trailing dot).
    Name(String),
    /// `*.example.org`: any name below `example.org` (not `example.org` itself).
    Suffix(String),
    /// An address or a network: `10.1.0.0/16`, `192.0.2.7`.
    Net(IpAddr, u8),
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Name(n) => write!(f, "{n}"),
            Rule::Suffix(s) => write!(f, "*.{s}"),
            Rule::Net(ip, bits) if *bits == max_bits(ip) => write!(f, "{ip}"),
            Rule::Net(ip, bits) => write!(f, "{ip}/{bits}"),
        }
    }
}

fn max_bits(ip: &IpAddr) -> u8 {
    if ip.is_ipv4() { 32 } else { 128 }
}

impl Rule {
    pub fn parse(text: &str) -> anyhow::Result<Rule> {
        let t = text.trim().trim_end_matches('.').to_ascii_lowercase();
        let bad = |why: &str| {
            usage(format!(
                "invalid egress entry `{text}`: {why} (use a host name, *.domain, an address or a network such as 10.1.0.0/16)"
            ))
        };
        if t.is_empty() {
            return Err(bad("it is empty"));
        }
        if let Some((addr, bits)) = t.split_once('/') {
            let ip: IpAddr = addr.parse().map_err(|_| bad("not an address"))?;
            let bits: u8 = bits
                .parse()
                .ok()
                .filter(|b| *b <= max_bits(&ip))
                .ok_or_else(|| bad("the prefix length is out of range"))?;
            return Ok(Rule::Net(mask(ip, bits), bits));
        }
        if let Ok(ip) = t.parse::<IpAddr>() {
            return Ok(Rule::Net(ip, max_bits(&ip)));
        }
        let (wild, name) = match t.strip_prefix("*.") {
            Some(rest) => (true, rest.to_string()),
            None => (false, t.clone()),
        };
        if !valid_name(&name) {
            return Err(bad("not a valid host name"));
        }
        if wild && !name.contains('.') && name.len() < 2 {
            return Err(bad("a wildcard needs a domain"));
        }
        Ok(if wild {
            Rule::Suffix(name)
        } else {
            Rule::Name(name)
        })
    }

    fn matches_name(&self, host: &str) -> bool {
        match self {
            Rule::Name(n) => n == host,
            Rule::Suffix(s) => host.len() > s.len() + 1 && host.ends_with(&format!(".{s}")),
            Rule::Net(..) => false,
        }
    }

    fn matches_addr(&self, addr: IpAddr) -> bool {
        match self {
            Rule::Net(net, bits) => net.is_ipv4() == addr.is_ipv4() && mask(addr, *bits) == *net,
            _ => false,
        }
    }
}

fn valid_name(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn mask(ip: IpAddr, bits: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let n = u32::from(v4);
            let m = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            IpAddr::V4((n & m).into())
        }
        IpAddr::V6(v6) => {
            let n = u128::from(v6);
            let m = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            IpAddr::V6((n & m).into())
        }
    }
}

/// Addresses no policy but `all` reaches: loopback, link-local (cloud metadata at
/// 169.254.169.254), unspecified, multicast and broadcast. The proxy adds its own gateways.
pub fn always_refused(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return always_refused(IpAddr::V4(v4));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

/// The proxy's verdict on one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Deny(String),
}

impl Policy {
    pub fn none() -> Policy {
        Policy {
            mode: Mode::Allowlist,
            allow: Vec::new(),
        }
    }

    /// `all`, `none`, or a comma-separated allowlist (`a.org,*.b.org,10.0.0.0/8`).
    pub fn parse_spec(spec: &str) -> anyhow::Result<Policy> {
        match spec.trim() {
            "all" => Ok(Policy {
                mode: Mode::All,
                allow: Vec::new(),
            }),
            "none" | "" => Ok(Policy::none()),
            list => Policy::from_entries(list.split(',').filter(|s| !s.trim().is_empty())),
        }
    }

    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a str>) -> anyhow::Result<Policy> {
        let mut policy = Policy::none();
        policy.add(entries)?;
        Ok(policy)
    }

    /// Adds entries (no duplicates); an `all` policy stays `all`.
    pub fn add<'a>(&mut self, entries: impl IntoIterator<Item = &'a str>) -> anyhow::Result<()> {
        for e in entries {
            let rule = Rule::parse(e)?;
            if !self.allow.contains(&rule) {
                self.allow.push(rule);
            }
        }
        Ok(())
    }

    /// Removes entries; returns the ones that were not in the list.
    pub fn remove<'a>(
        &mut self,
        entries: impl IntoIterator<Item = &'a str>,
    ) -> anyhow::Result<Vec<String>> {
        let mut missing = Vec::new();
        for e in entries {
            let rule = Rule::parse(e)?;
            let before = self.allow.len();
            self.allow.retain(|r| r != &rule);
            if self.allow.len() == before {
                missing.push(rule.to_string());
            }
        }
        Ok(missing)
    }

    /// `all`, `none`, or the allowlist joined by commas (what `--egress` takes back).
    pub fn summary(&self) -> String {
        match self.mode {
            Mode::All => "all".into(),
            Mode::Allowlist if self.allow.is_empty() => "none".into(),
            Mode::Allowlist => self.entries().join(","),
        }
    }

    pub fn entries(&self) -> Vec<String> {
        self.allow.iter().map(Rule::to_string).collect()
    }

    /// The file the proxy reads.
    pub fn to_file(&self) -> String {
        let mode = match self.mode {
            Mode::All => "all",
            Mode::Allowlist => "allowlist",
        };
        let mut out = format!("{MAGIC}\nmode {mode}\n");
        for r in &self.allow {
            out.push_str(&format!("allow {r}\n"));
        }
        out.push_str(END);
        out.push('\n');
        out
    }

    /// `None` for a file that is incomplete or not a policy.
    pub fn from_file(text: &str) -> Option<Policy> {
        let mut lines = text.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let mode = match lines.next()?.strip_prefix("mode ")? {
            "all" => Mode::All,
            "allowlist" => Mode::Allowlist,
            _ => return None,
        };
        let mut allow = Vec::new();
        for line in lines {
            if line == END {
                return Some(Policy { mode, allow });
            }
            allow.push(Rule::parse(line.strip_prefix("allow ")?).ok()?);
        }
        None
    }

    /// Whether `host` (a name, or an address literal) may be reached at `addrs`, the addresses
    /// it resolved to (the proxy connects only to these, so a second lookup cannot differ).
    /// `refused` adds addresses never reachable (the proxy's gateways).
    pub fn judge(&self, host: &str, addrs: &[IpAddr], refused: &dyn Fn(IpAddr) -> bool) -> Verdict {
        if let Some(bad) = addrs.iter().find(|a| always_refused(**a) || refused(**a)) {
            return Verdict::Deny(format!(
                "{bad} is a link-local, loopback or host gateway address, never reachable from a sandbox with an egress policy"
            ));
        }
        if self.mode == Mode::All {
            return Verdict::Allow;
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let literal = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok();
        if !literal && self.allow.iter().any(|r| r.matches_name(&host)) {
            return Verdict::Allow;
        }
        if !addrs.is_empty()
            && addrs
                .iter()
                .all(|a| self.allow.iter().any(|r| r.matches_addr(*a)))
        {
            return Verdict::Allow;
        }
        Verdict::Deny(format!("{host} is not in this sandbox's egress allowlist"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn no(_: IpAddr) -> bool {
        false
    }

    #[test]
    fn rules_parse_and_print() {
        assert_eq!(
            Rule::parse("Deb.Debian.org.").unwrap(),
            Rule::Name("deb.debian.org".into())
        );
        assert_eq!(
            Rule::parse("*.pypi.org").unwrap(),
            Rule::Suffix("pypi.org".into())
        );
        assert_eq!(
            Rule::parse("10.1.2.3/16").unwrap().to_string(),
            "10.1.0.0/16"
        );
        assert_eq!(Rule::parse("192.0.2.7").unwrap().to_string(), "192.0.2.7");
        for bad in ["", "a b", "10.0.0.0/33", "-x.org", "x..org", "a/b", "*."] {
            assert!(Rule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn judging() {
        let p = Policy::parse_spec("allowed.test,*.wild.test,10.1.0.0/16").unwrap();
        assert_eq!(
            p.judge("allowed.test", &[ip("192.168.1.2")], &no),
            Verdict::Allow
        );
        assert_eq!(
            p.judge("ALLOWED.test.", &[ip("192.168.1.2")], &no),
            Verdict::Allow
        );
        assert_eq!(
            p.judge("a.wild.test", &[ip("192.168.1.2")], &no),
            Verdict::Allow
        );
        assert!(matches!(
            p.judge("wild.test", &[ip("192.168.1.2")], &no),
            Verdict::Deny(_)
        ));
        assert!(matches!(
            p.judge("denied.test", &[ip("192.168.1.2")], &no),
            Verdict::Deny(_)
        ));
        assert_eq!(p.judge("10.1.4.4", &[ip("10.1.4.4")], &no), Verdict::Allow);
        assert!(matches!(
            p.judge("10.2.4.4", &[ip("10.2.4.4")], &no),
            Verdict::Deny(_)
        ));
        // A name that resolves inside an allowed network is allowed; an allowed name that resolves
        // to the metadata address is not.
        assert_eq!(
            p.judge("db.internal", &[ip("10.1.0.9")], &no),
            Verdict::Allow
        );
        assert!(matches!(
            p.judge("allowed.test", &[ip("169.254.169.254")], &no),
            Verdict::Deny(_)
        ));
        let gw = |a: IpAddr| a == ip("172.30.0.1");
        assert!(matches!(
            p.judge("allowed.test", &[ip("172.30.0.1")], &gw),
            Verdict::Deny(_)
        ));
        let all = Policy::parse_spec("all").unwrap();
        assert_eq!(all.judge("x.org", &[ip("192.0.2.1")], &no), Verdict::Allow);
        assert!(matches!(
            all.judge("m", &[ip("169.254.169.254")], &no),
            Verdict::Deny(_)
        ));
        let none = Policy::parse_spec("none").unwrap();
        assert!(matches!(
            none.judge("allowed.test", &[ip("192.0.2.1")], &no),
            Verdict::Deny(_)
        ));
    }

    #[test]
    fn file_round_trip_and_torn_files() {
        let p = Policy::parse_spec("a.test,*.b.test,10.0.0.0/8").unwrap();
        let text = p.to_file();
        assert_eq!(Policy::from_file(&text), Some(p.clone()));
        assert_eq!(Policy::from_file(&text[..text.len() - 4]), None);
        assert_eq!(Policy::from_file("junk"), None);
        assert_eq!(p.summary(), "a.test,*.b.test,10.0.0.0/8");
        assert_eq!(Policy::none().summary(), "none");
    }

    #[test]
    fn add_and_remove() {
        let mut p = Policy::none();
        p.add(["a.test", "a.test", "b.test"]).unwrap();
        assert_eq!(p.entries(), ["a.test", "b.test"]);
        assert_eq!(p.remove(["a.test", "c.test"]).unwrap(), ["c.test"]);
        assert_eq!(p.entries(), ["b.test"]);
    }
}
