//! `dsbx proxy up|down|status`: the reverse proxy that makes `{port}-{id}.<domain>` URLs answer.
//!
//! One nginx container per engine (`dsbx-proxy`) on the shared sandbox network routes every
//! `{port}-{id}.<domain>` to port `{port}` of the sandbox whose DNS alias is `{id}`, resolved per
//! request through Docker's DNS: no per-sandbox configuration, nothing for `init` to do.

use super::Context;
use crate::cli::ProxyCommand;
use crate::config::Config;
use crate::engine::proxy::{PROXY_CONTAINER, PROXY_ROLE, ProxySpec, ProxyStart, ProxyState};
use crate::error::usage;
use crate::labels;
use crate::url::parse_listen;
use anyhow::Context as _;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;

/// How long `proxy up` waits for nginx to serve (it takes milliseconds on an idle machine).
const PROXY_START_LIMIT: Duration = Duration::from_secs(15);

/// The nginx configuration, compiled in.
const NGINX_CONF: &str = include_str!("../../docker/proxy/nginx.conf");
const CONF_DIR: &str = "/etc/dsbx-proxy";
const LABEL_CONFIG: &str = "dsbx.proxy.config";
const LABEL_DOMAIN: &str = "dsbx.proxy.domain";
const LABEL_LISTEN: &str = "dsbx.proxy.listen";
const LABEL_TLS: &str = "dsbx.proxy.tls";

pub async fn run(ctx: &Context, command: ProxyCommand) -> anyhow::Result<i32> {
    match command {
        ProxyCommand::Up => up(ctx).await,
        ProxyCommand::Down => down(ctx).await,
        ProxyCommand::Status => status(ctx).await,
    }
}

/// The domain must be a DNS name that `{port}-{id}.` can be put in front of.
fn check_domain(domain: &str) -> anyhow::Result<()> {
    if domain.is_empty() {
        return Err(usage(
            "set `[proxy] domain` in the config first (e.g. `domain = \"sbx.example.com\"`, with a \
             wildcard DNS record `*.sbx.example.com` pointing at this host)",
        ));
    }
    let ok = domain.len() <= 253 - 19
        && domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if !ok {
        return Err(usage(format!(
            "invalid `[proxy] domain` `{domain}`: use a lowercase DNS name such as sbx.example.com"
        )));
    }
    Ok(())
}

/// What `proxy up` would run, from the config alone (no engine call).
#[derive(Debug)]
struct Plan {
    spec: ProxySpec,
    domain: String,
    tls: bool,
    listen: String,
}

fn plan(config: &Config) -> anyhow::Result<Plan> {
    let p = &config.proxy;
    check_domain(&p.domain)?;
    if p.cert.is_empty() != p.key.is_empty() {
        return Err(usage(
            "`[proxy] cert` and `[proxy] key` go together: set both (PEM files) for HTTPS, or neither for HTTP",
        ));
    }
    let tls = !p.cert.is_empty();
    let (listen_ip, listen_port) = parse_listen(&p.listen, tls)?;
    let mut files: Vec<(String, u32, Vec<u8>)> = Vec::new();
    let tls_lines = if tls {
        let cert = std::fs::read(&p.cert)
            .with_context(|| format!("cannot read the proxy certificate `{}`", p.cert))?;
        let key = std::fs::read(&p.key)
            .with_context(|| format!("cannot read the proxy key `{}`", p.key))?;
        files.push((format!("{CONF_DIR}/cert.pem"), 0o644, cert));
        files.push((format!("{CONF_DIR}/key.pem"), 0o600, key));
        format!(
            "        ssl_certificate {CONF_DIR}/cert.pem;\n        ssl_certificate_key {CONF_DIR}/key.pem;\n"
        )
    } else {
        String::new()
    };
    let container_port: u16 = if tls { 443 } else { 80 };
    let listen_directive = if tls { "443 ssl" } else { "80" };
    let conf = NGINX_CONF
        .replace("@DOMAIN_REGEX@", &p.domain.replace('.', "\\."))
        .replace("@DOMAIN@", &p.domain)
        .replace("@NETWORK@", &config.network)
        .replace("@LISTEN@", listen_directive)
        .replace("@TLS@\n", &tls_lines);
    files.push((format!("{CONF_DIR}/nginx.conf"), 0o644, conf.into_bytes()));
    let listen = if listen_ip.contains(':') {
        format!("[{listen_ip}]:{listen_port}")
    } else {
        format!("{listen_ip}:{listen_port}")
    };
    let mut hasher = Sha256::new();
    for part in [
        p.image.as_bytes(),
        config.network.as_bytes(),
        listen.as_bytes(),
    ] {
        hasher.update(part);
        hasher.update([0]);
    }
    for (path, mode, bytes) in &files {
        hasher.update(path.as_bytes());
        hasher.update(mode.to_be_bytes());
        hasher.update(bytes);
    }
    let digest = hasher.finalize();
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let labels = HashMap::from([
        (labels::MANAGED.to_string(), "true".to_string()),
        (labels::ROLE.to_string(), PROXY_ROLE.to_string()),
        (LABEL_CONFIG.to_string(), hash),
        (LABEL_DOMAIN.to_string(), p.domain.clone()),
        (LABEL_LISTEN.to_string(), listen.clone()),
        (LABEL_TLS.to_string(), tls.to_string()),
    ]);
    Ok(Plan {
        spec: ProxySpec {
            image: p.image.clone(),
            network: config.network.clone(),
            listen_ip,
            listen_port,
            container_port,
            labels,
            entrypoint: vec!["nginx".into()],
            cmd: vec![
                "-c".into(),
                format!("{CONF_DIR}/nginx.conf"),
                "-g".into(),
                "daemon off;".into(),
            ],
            files,
        },
        domain: p.domain.clone(),
        tls,
        listen,
    })
}

#[derive(Serialize)]
struct StatusJson {
    running: bool,
    /// Docker's state word (`running`, `exited`, …), or `absent`.
    status: String,
    domain: Option<String>,
    listen: Option<String>,
    tls: Option<bool>,
    image: Option<String>,
    /// Whether the running proxy matches the current config (else `dsbx proxy up` updates it).
    up_to_date: Option<bool>,
}

fn status_json(state: Option<&ProxyState>, current_hash: Option<&str>) -> StatusJson {
    match state {
        None => StatusJson {
            running: false,
            status: "absent".into(),
            domain: None,
            listen: None,
            tls: None,
            image: None,
            up_to_date: None,
        },
        Some(s) => StatusJson {
            running: s.running,
            status: s.status.clone(),
            domain: s.labels.get(LABEL_DOMAIN).cloned(),
            listen: s
                .published
                .clone()
                .or_else(|| s.labels.get(LABEL_LISTEN).cloned()),
            tls: s.labels.get(LABEL_TLS).map(|t| t == "true"),
            image: Some(s.image.clone()),
            up_to_date: current_hash
                .map(|h| s.labels.get(LABEL_CONFIG).map(String::as_str) == Some(h)),
        },
    }
}

async fn up(ctx: &Context) -> anyhow::Result<i32> {
    let plan = plan(&ctx.config)?;
    let engine = ctx.engine().await?;
    let _lock = crate::host_lock::acquire_async(&engine.endpoint.url, "proxy").await?;
    let hash = plan.spec.labels[LABEL_CONFIG].clone();
    let scheme = if plan.tls { "https" } else { "http" };
    let existing = engine.proxy_state().await?;
    let same = existing
        .as_ref()
        .is_some_and(|s| s.running && s.labels.get(LABEL_CONFIG) == Some(&hash));
    if same {
        ctx.printer.note(format!(
            "dsbx proxy is already up: {scheme}://{{port}}-{{id}}.{} on {}",
            plan.domain, plan.listen
        ));
    } else {
        if let Some(old) = &existing {
            // Another config's running proxy (a second user, another config file) is replaced,
            // never silently: its URLs stop answering. A stopped one served nobody.
            if old.running {
                ctx.printer.warn(replacing_message(old, &plan));
            } else {
                ctx.printer.note(replacing_message(old, &plan));
            }
            engine.remove_proxy().await?;
        }
        engine
            .ensure_network(&ctx.config.network, "shared", &[])
            .await?;
        let spinner = ctx.printer.spinner("starting the dsbx proxy");
        engine.create_proxy(&plan.spec).await?;
        // `up` returns once the proxy answers, so a request right after it is served; nginx
        // refuses a bad certificate at once, which is said here rather than by a dead URL.
        let started = engine.wait_for_proxy(PROXY_START_LIMIT).await?;
        if let Some(bar) = spinner {
            bar.finish_and_clear();
        }
        if started == ProxyStart::Slow {
            ctx.printer.warn(format!(
                "the dsbx proxy is running but did not start serving within {}s; \
                 `dsbx proxy status` shows when it does",
                PROXY_START_LIMIT.as_secs()
            ));
        }
        if started == ProxyStart::Exited {
            let logs = engine.proxy_logs().await;
            let _ = engine.remove_proxy().await;
            return Err(anyhow::anyhow!(
                "the dsbx proxy exited right after starting: {}",
                if logs.is_empty() { "no output" } else { &logs }
            ));
        }
        ctx.printer.note(format!(
            "dsbx proxy is up: {scheme}://{{port}}-{{id}}.{} on {}",
            plan.domain, plan.listen
        ));
    }
    if ctx.printer.json {
        let state = engine.proxy_state().await?;
        ctx.printer
            .json_value(&status_json(state.as_ref(), Some(&hash)))?;
    }
    Ok(0)
}

/// What `proxy up` says when it replaces a proxy made from another configuration (or a stopped
/// one), naming what was there and what comes instead.
fn replacing_message(old: &ProxyState, plan: &Plan) -> String {
    let label = |key: &str| old.labels.get(key).cloned().unwrap_or_else(|| "?".into());
    let scheme = |tls: bool| if tls { "https" } else { "http" };
    let old_tls = old.labels.get(LABEL_TLS).is_some_and(|t| t == "true");
    let was = format!(
        "{}://{{port}}-{{id}}.{} on {}",
        scheme(old_tls),
        label(LABEL_DOMAIN),
        label(LABEL_LISTEN)
    );
    let now = format!(
        "{}://{{port}}-{{id}}.{} on {}",
        scheme(plan.tls),
        plan.domain,
        plan.listen
    );
    if !old.running {
        format!("replacing the stopped dsbx proxy ({was}) with this config's ({now})")
    } else if was == now {
        format!(
            "replacing the running dsbx proxy ({was}): its configuration differs from this \
             config's (certificate, key, image or network)"
        )
    } else {
        format!(
            "replacing the running dsbx proxy ({was}) with this config's ({now}); URLs of the \
             old one stop answering"
        )
    }
}

async fn down(ctx: &Context) -> anyhow::Result<i32> {
    let engine = ctx.engine().await?;
    let _lock = crate::host_lock::acquire_async(&engine.endpoint.url, "proxy").await?;
    // Refuses a container of that name that dsbx did not make.
    let existing = engine.proxy_state().await?;
    let removed = existing.is_some() && engine.remove_proxy().await?;
    if removed {
        ctx.printer.note("dsbx proxy removed");
    } else {
        ctx.printer.note("dsbx proxy was not running");
    }
    if ctx.printer.json {
        ctx.printer
            .json_value(&serde_json::json!({ "removed": removed }))?;
    }
    Ok(0)
}

async fn status(ctx: &Context) -> anyhow::Result<i32> {
    let engine = ctx.engine().await?;
    let state = engine.proxy_state().await?;
    // The config may be incomplete (no domain): status still answers.
    let hash = plan(&ctx.config)
        .ok()
        .map(|p| p.spec.labels[LABEL_CONFIG].clone());
    let json = status_json(state.as_ref(), hash.as_deref());
    if ctx.printer.json {
        ctx.printer.json_value(&json)?;
    } else {
        match &state {
            None => ctx.printer.data("absent")?,
            Some(s) => {
                let scheme = if json.tls == Some(true) {
                    "https"
                } else {
                    "http"
                };
                let mut line = format!(
                    "{}\t{scheme}://{{port}}-{{id}}.{}\t{}\t{}",
                    s.status,
                    json.domain.as_deref().unwrap_or("?"),
                    json.listen.as_deref().unwrap_or("?"),
                    s.image
                );
                if json.up_to_date == Some(false) {
                    line.push_str("\t(config changed: `dsbx proxy up` applies it)");
                }
                ctx.printer.data(line)?;
            }
        }
    }
    if !json.running {
        ctx.printer.note(format!(
            "the dsbx proxy ({PROXY_CONTAINER}) is not running; `dsbx proxy up` starts it"
        ));
    }
    Ok(if json.running { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_forms() {
        assert_eq!(parse_listen("", false).unwrap(), ("0.0.0.0".into(), 80));
        assert_eq!(parse_listen("", true).unwrap(), ("0.0.0.0".into(), 443));
        assert_eq!(
            parse_listen("127.0.0.1:18080", false).unwrap(),
            ("127.0.0.1".into(), 18080)
        );
        assert_eq!(
            parse_listen(":8443", true).unwrap(),
            ("0.0.0.0".into(), 8443)
        );
        assert_eq!(
            parse_listen("8080", true).unwrap(),
            ("0.0.0.0".into(), 8080)
        );
        assert_eq!(
            parse_listen("[::1]:8080", true).unwrap(),
            ("::1".into(), 8080)
        );
        for bad in ["x:80", "1.2.3.4:0", "1.2.3.4:70000", "host"] {
            assert!(parse_listen(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn domains() {
        assert!(check_domain("sbx.example.com").is_ok());
        assert!(check_domain("").is_err());
        assert!(check_domain("Sbx.example.com").is_err());
        assert!(check_domain("a..b").is_err());
        assert!(check_domain("a_b.c").is_err());
    }

    #[test]
    fn plan_renders_the_config() {
        let mut c = Config::default();
        c.proxy.domain = "sbx.example.com".into();
        c.proxy.listen = "127.0.0.1:18080".into();
        let p = plan(&c).unwrap();
        let conf = String::from_utf8(p.spec.files.last().unwrap().2.clone()).unwrap();
        assert!(conf.contains(r"[a-z][a-z0-9]{11})\.sbx\.example\.com$"));
        assert!(conf.contains("listen 80;"));
        for placeholder in [
            "@DOMAIN@",
            "@DOMAIN_REGEX@",
            "@LISTEN@",
            "@TLS@",
            "@NETWORK@",
        ] {
            assert!(
                !conf.contains(placeholder),
                "{placeholder} left in:\n{conf}"
            );
        }
        assert!(!conf.contains("ssl_certificate"));
        assert_eq!((p.spec.listen_port, p.spec.container_port), (18080, 80));
        // The same config gives the same hash; another gives another.
        let again = plan(&c).unwrap();
        assert_eq!(p.spec.labels[LABEL_CONFIG], again.spec.labels[LABEL_CONFIG]);
        c.proxy.domain = "other.example.com".into();
        assert_ne!(
            p.spec.labels[LABEL_CONFIG],
            plan(&c).unwrap().spec.labels[LABEL_CONFIG]
        );
        assert!(!p.spec.labels.contains_key(labels::ID));
    }

    #[test]
    fn cert_without_key_is_usage() {
        let mut c = Config::default();
        c.proxy.domain = "sbx.example.com".into();
        c.proxy.cert = "/nonexistent.pem".into();
        let err = plan(&c).unwrap_err();
        assert_eq!(crate::error::kind_of(&err), crate::error::Kind::Usage);
    }
}
