//! Public URLs of sandbox ports, rendered from a template such as
//! `https://{port}-{id}.sbx.example.com`.

use crate::error::usage;

pub const PLACEHOLDERS: &[&str] = &["port", "id", "name", "host_port", "host", "ip"];

/// What a template may name. `None` values are placeholders that have no value for this port.
#[derive(Debug, Default, Clone)]
pub struct UrlValues<'a> {
    pub port: u16,
    pub id: &'a str,
    pub name: &'a str,
    pub host_port: Option<u16>,
    pub host: &'a str,
    pub ip: Option<&'a str>,
}

/// The placeholders a template uses, or a usage error for an unknown or unclosed one.
pub fn placeholders(template: &str) -> anyhow::Result<Vec<&str>> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            usage(format!(
                "URL template `{template}` has a `{{` that is never closed"
            ))
        })?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(usage(format!(
                "URL template `{template}` names an unknown placeholder `{{{name}}}` (known: {})",
                PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        found.push(name);
        rest = &after[close + 1..];
    }
    Ok(found)
}

pub fn validate_template(template: &str) -> anyhow::Result<()> {
    placeholders(template).map(|_| ())
}

/// [`validate_template`] as a value (`get-host --url-template`).
pub fn parse_template(template: &str) -> anyhow::Result<String> {
    validate_template(template).map(|()| template.to_string())
}

/// Renders the template, then checks the hostname it produced against DNS limits.
pub fn render(template: &str, values: &UrlValues<'_>) -> anyhow::Result<String> {
    placeholders(template)?;
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').expect("checked by placeholders()");
        let value = match &after[..close] {
            "port" => values.port.to_string(),
            "id" => values.id.to_string(),
            "name" => values.name.to_string(),
            "host" => values.host.to_string(),
            "host_port" => values.host_port.map(|p| p.to_string()).ok_or_else(|| {
                usage(format!(
                    "port {} is not published, so `{{host_port}}` has no value: create the sandbox with `dsbx init -p {}`, or use `{{ip}}`",
                    values.port, values.port
                ))
            })?,
            "ip" => values.ip.map(str::to_string).ok_or_else(|| {
                usage("the sandbox has no address on a network (`--network none`?), so `{ip}` has no value")
            })?,
            _ => unreachable!("checked by placeholders()"),
        };
        out.push_str(&value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    check_hostname(&out)?;
    Ok(out)
}

/// The host part of a URL: between `scheme://` (if any) and the first `:`, `/`, `?` or `#`.
fn hostname(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let after_userinfo = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit_once('@')
        .map_or(after_scheme, |(_, host)| host);
    if after_userinfo.starts_with('[') {
        // An IPv6 literal: DNS rules do not apply.
        return "";
    }
    after_userinfo
        .split([':', '/', '?', '#'])
        .next()
        .unwrap_or("")
}

fn check_hostname(url: &str) -> anyhow::Result<()> {
    let host = hostname(url);
    if host.is_empty() {
        return Ok(());
    }
    if host.len() > 253 {
        return Err(usage(format!(
            "hostname `{host}` is {} characters long; DNS allows 253",
            host.len()
        )));
    }
    for label in host.trim_end_matches('.').split('.') {
        if label.is_empty() {
            return Err(usage(format!("hostname `{host}` has an empty label")));
        }
        if label.len() > 63 {
            return Err(usage(format!(
                "hostname `{host}`: the label `{label}` is {} characters long; DNS allows 63",
                label.len()
            )));
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(usage(format!(
                "hostname `{host}`: `{bad}` is not allowed in a DNS label (use a-z, 0-9 and -)"
            )));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(usage(format!(
                "hostname `{host}`: the label `{label}` may not start or end with `-`"
            )));
        }
    }
    Ok(())
}

/// `[proxy] listen`: `ADDRESS:PORT`, `[V6]:PORT`, `:PORT` or `PORT`; empty means 0.0.0.0:443
/// with a certificate and 0.0.0.0:80 without.
pub fn parse_listen(listen: &str, tls: bool) -> anyhow::Result<(String, u16)> {
    let bad = || {
        usage(format!(
            "invalid `[proxy] listen` value `{listen}`: use ADDRESS:PORT (e.g. 0.0.0.0:443 or 127.0.0.1:8080)"
        ))
    };
    let text = listen.trim();
    if text.is_empty() {
        return Ok(("0.0.0.0".into(), if tls { 443 } else { 80 }));
    }
    let (addr, port) = match text.rsplit_once(':') {
        Some((a, p)) => (a, p),
        None => ("", text),
    };
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p: &u16| *p != 0)
        .ok_or_else(bad)?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    let addr = if addr.is_empty() { "0.0.0.0" } else { addr };
    addr.parse::<std::net::IpAddr>().map_err(|_| bad())?;
    Ok((addr.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> UrlValues<'static> {
        UrlValues {
            port: 8000,
            id: "k3x9q2m7ab1c",
            name: "web",
            host_port: Some(49153),
            host: "127.0.0.1",
            ip: Some("172.18.0.5"),
        }
    }

    #[test]
    fn renders_every_placeholder() {
        let url = render("https://{port}-{id}.sbx.example.com", &values()).unwrap();
        assert_eq!(url, "https://8000-k3x9q2m7ab1c.sbx.example.com");
        let url = render("http://{host}:{host_port}/{name}", &values()).unwrap();
        assert_eq!(url, "http://127.0.0.1:49153/web");
        assert_eq!(
            render("http://{ip}:{port}", &values()).unwrap(),
            "http://172.18.0.5:8000"
        );
    }

    #[test]
    fn unknown_placeholder_is_usage() {
        let err = render("https://{prot}-{id}.x.com", &values()).unwrap_err();
        assert!(err.to_string().contains("{prot}"));
        assert_eq!(crate::error::kind_of(&err), crate::error::Kind::Usage);
        assert!(validate_template("https://{port").is_err());
    }

    #[test]
    fn dns_limits() {
        let long = format!("https://{{port}}-{{id}}{}.x.com", "a".repeat(60));
        assert!(
            render(&long, &values())
                .unwrap_err()
                .to_string()
                .contains("63")
        );
        let total = format!("https://{}.com", vec!["a".repeat(60); 5].join("."));
        assert!(
            render(&total, &values())
                .unwrap_err()
                .to_string()
                .contains("253")
        );
        assert!(render("https://{port}_{id}.x.com", &values()).is_err());
        assert!(render("https://{port}-{id}.X.com", &values()).is_err());
    }

    #[test]
    fn host_port_needs_a_published_port() {
        let v = UrlValues {
            host_port: None,
            ..values()
        };
        let err = render("http://{host}:{host_port}", &v).unwrap_err();
        assert!(err.to_string().contains("dsbx init -p 8000"));
    }

    #[test]
    fn hostname_extraction() {
        assert_eq!(hostname("https://a.b:8080/x"), "a.b");
        assert_eq!(hostname("http://u@h.c/x"), "h.c");
        assert_eq!(hostname("h.c"), "h.c");
        assert_eq!(hostname("http://[::1]:80"), "");
    }
}
