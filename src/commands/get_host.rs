//! `dsbx get-host ID PORT`: the URL of a sandbox port, and whether anything answers there.
//!
//! The URL logic ([`url_for`], [`check`]) is a library function: `dsbx sandbox get-host` and
//! `dsbx info` reuse it.

use super::Context;
use crate::config::Config;
use crate::engine::{Endpoint, Engine};
use crate::error::usage;
use crate::sandbox::{ContainerState, Sandbox};
use crate::url::{UrlValues, placeholders, render};
use serde::Serialize;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long one exchange with the URL may take before it counts as "no answer".
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(3);
/// Pause between two attempts of `--wait`.
const WAIT_STEP: Duration = Duration::from_millis(250);

/// A rendered URL, as `--json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HostUrl {
    pub url: String,
    pub port: u16,
    /// The host port Docker published this port on, if it is published (and the sandbox runs).
    pub host_port: Option<u16>,
    pub sandbox: String,
    /// Where the template came from: `flag`, `config` (incl. `DSBX_URL_TEMPLATE`), `proxy`,
    /// `default`.
    #[serde(skip)]
    pub source: &'static str,
}

/// The answer of `--check`.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Yes,
    No(String),
}

pub async fn run(ctx: &Context, args: crate::cli::GetHostArgs) -> anyhow::Result<i32> {
    let port = args
        .port_flag
        .or(args.port)
        .ok_or_else(|| usage("give the port: `dsbx get-host ID PORT` or `-p PORT`"))?;
    // `--wait 0`: one look, no waiting.
    let wait = args.wait.map(|w| w.0.unwrap_or(Duration::ZERO));
    let (engine, _, sandbox) = ctx.live_sandbox(&args.id).await?;
    let host = url_for(
        &ctx.config,
        &engine.endpoint,
        &sandbox,
        port,
        args.url_template.as_deref(),
    )?;
    if host.source == "proxy" && !on_network(&sandbox, &ctx.config.network) {
        ctx.printer.warn(format!(
            "sandbox {} is not on the `{}` network, so the dsbx proxy cannot reach it",
            sandbox.id, ctx.config.network
        ));
    }
    let via = through_proxy(&ctx.config, &engine.endpoint, &host.url)?;
    let check_once = || {
        check(
            ctx.store.dir(),
            engine,
            &sandbox,
            port,
            &host.url,
            via.as_ref(),
        )
    };
    let answer = match wait {
        None if !args.check => None,
        None => Some(check_once().await?),
        Some(limit) => {
            let deadline = Instant::now() + limit;
            loop {
                let answer = check_once().await?;
                // With a health check, answering is not enough: --wait also waits for healthy.
                let health = engine
                    .inspect_sandbox(&sandbox.id)
                    .await?
                    .and_then(|s| s.health);
                let answer = match (answer, health) {
                    (Answer::Yes, Some(h)) if h != "healthy" => {
                        Answer::No(format!("its health check says {h}"))
                    }
                    (answer, _) => answer,
                };
                let stopped = matches!(&answer, Answer::No(why) if why.contains("is stopped") || why.contains("is paused"));
                if answer == Answer::Yes || stopped || Instant::now() + WAIT_STEP > deadline {
                    break Some(match answer {
                        Answer::No(why) if !stopped => Answer::No(format!(
                            "{why} (waited {})",
                            crate::units::human_duration(limit)
                        )),
                        other => other,
                    });
                }
                tokio::time::sleep(WAIT_STEP).await;
            }
        }
    };
    if ctx.printer.json {
        let mut value = serde_json::to_value(&host)?;
        if let Some(answer) = &answer {
            value["answers"] = serde_json::Value::Bool(*answer == Answer::Yes);
            if let Answer::No(why) = answer {
                value["reason"] = serde_json::Value::String(why.clone());
            }
        }
        ctx.printer.json_value(&value)?;
    } else {
        ctx.printer.data(&host.url)?;
    }
    match answer {
        Some(Answer::No(why)) => {
            ctx.printer
                .reason(format!("{} does not answer: {why}", host.url));
            Ok(1)
        }
        _ => Ok(0),
    }
}

/// Where to reach a URL on the proxy's domain for `--check`/`--wait`: the proxy's own listen
/// address (0.0.0.0 means the engine's host), so readiness needs no wildcard DNS (a laptop has
/// none). The exchange still carries the URL's name as Host header and TLS server name.
fn through_proxy(
    config: &Config,
    endpoint: &Endpoint,
    url: &str,
) -> anyhow::Result<Option<(String, u16)>> {
    let domain = &config.proxy.domain;
    let Ok(target) = parse_target(url) else {
        return Ok(None);
    };
    if domain.is_empty() || !target.host.ends_with(&format!(".{domain}")) {
        return Ok(None);
    }
    let tls = !config.proxy.cert.is_empty();
    let (ip, port) = crate::url::parse_listen(&config.proxy.listen, tls)?;
    let unspecified = ip
        .parse::<std::net::IpAddr>()
        .is_ok_and(|a| a.is_unspecified());
    Ok(Some((if unspecified { endpoint.host() } else { ip }, port)))
}

fn on_network(sandbox: &Sandbox, network: &str) -> bool {
    sandbox.network_mode == network || sandbox.ips.iter().any(|(n, _)| n == network)
}

/// The template to use: the flag, else the config's `url_template` (which `DSBX_URL_TEMPLATE`
/// overrides), else the proxy's wildcard domain, else the built-in default.
pub fn choose_template(
    flag: Option<&str>,
    config: &Config,
    published: bool,
) -> anyhow::Result<(String, &'static str)> {
    if let Some(t) = flag {
        return Ok((t.to_string(), "flag"));
    }
    if !config.url_template.0.is_empty() {
        return Ok((config.url_template.0.clone(), "config"));
    }
    if !config.proxy.domain.is_empty() {
        let tls = !config.proxy.cert.is_empty();
        let (_, listen_port) = crate::url::parse_listen(&config.proxy.listen, tls)?;
        let (scheme, default_port) = if tls { ("https", 443) } else { ("http", 80) };
        // A proxy on another port than the scheme's own needs it in the URL to answer.
        let port_part = if listen_port == default_port {
            String::new()
        } else {
            format!(":{listen_port}")
        };
        return Ok((
            format!(
                "{scheme}://{{port}}-{{id}}.{}{port_part}",
                config.proxy.domain
            ),
            "proxy",
        ));
    }
    let default = if published {
        "http://{host}:{host_port}"
    } else {
        "http://{ip}:{port}"
    };
    Ok((default.to_string(), "default"))
}

/// Renders the URL of `port` of `sandbox`. Host ports and addresses come from `sandbox` (read
/// from Docker, never remembered).
pub fn url_for(
    config: &Config,
    endpoint: &Endpoint,
    sandbox: &Sandbox,
    port: u16,
    flag: Option<&str>,
) -> anyhow::Result<HostUrl> {
    let mapping = sandbox.ports.iter().find(|m| m.port == port);
    let host_port = mapping.and_then(|m| m.host_port);
    let (template, source) = choose_template(flag, config, host_port.is_some())?;
    let used = placeholders(&template)?;
    let running = matches!(
        sandbox.state,
        ContainerState::Running | ContainerState::Paused | ContainerState::Restarting
    );
    if !running && used.iter().any(|p| *p == "host_port" || *p == "ip") {
        return Err(anyhow::anyhow!(
            "sandbox {} is stopped: its host ports and address exist only while it runs \
             (`dsbx exec {} true` starts it)",
            sandbox.id,
            sandbox.id
        ));
    }
    // A port published on one specific address of this machine is reached there, not on
    // 127.0.0.1.
    let mut host = endpoint.host();
    if endpoint.is_local()
        && let Some(ip) = mapping
            .and_then(|m| m.host_ip.as_deref())
            .and_then(|ip| ip.parse::<std::net::Ipv4Addr>().ok())
        && !ip.is_unspecified()
        && !ip.is_loopback()
    {
        host = ip.to_string();
    }
    let values = UrlValues {
        port,
        id: &sandbox.id,
        name: &sandbox.name,
        host_port,
        host: &host,
        ip: sandbox.ip(),
    };
    let url = render(&template, &values)?;
    Ok(HostUrl {
        url,
        port,
        host_port,
        sandbox: sandbox.id.clone(),
        source,
    })
}

/// Whether the sandbox's process answers on `port` through `url`: first, inside the sandbox, does
/// anything listen on the port (a probe through dsbx's helper); then an exchange of data with the
/// URL itself (a bare connect proves nothing: the engine's port proxy accepts every connection).
pub async fn check(
    state_dir: &std::path::Path,
    engine: &Engine,
    sandbox: &Sandbox,
    port: u16,
    url: &str,
    via: Option<&(String, u16)>,
) -> anyhow::Result<Answer> {
    match sandbox.state {
        ContainerState::Running | ContainerState::Restarting => {}
        ContainerState::Paused => {
            return Ok(Answer::No(format!(
                "sandbox {} is paused (`dsbx resume {}`)",
                sandbox.id, sandbox.id
            )));
        }
        _ => {
            return Ok(Answer::No(format!(
                "sandbox {} is stopped, so nothing in it answers",
                sandbox.id
            )));
        }
    }
    let port_text = port.to_string();
    let probe = [
        crate::engine::helper_volume::HELPER_PATH,
        "__helper",
        "listening",
        port_text.as_str(),
    ];
    let probe = probe.iter().map(|a| a.to_string()).collect();
    // Over the sandbox's channel when it can serve (no engine exec), else the engine's path.
    let probed = crate::channel::client::run_helper(state_dir, engine, &sandbox.id, probe).await?;
    match probed.code {
        0 => {}
        1 => {
            return Ok(Answer::No(format!(
                "nothing listens on port {port} inside sandbox {}",
                sandbox.id
            )));
        }
        // No helper in this sandbox (or an older one): only the URL can tell.
        _ => {}
    }
    Ok(match exchange(url, via).await {
        Ok(()) => Answer::Yes,
        Err(why) => Answer::No(format!(
            "port {port} listens inside sandbox {}, but the URL does not answer: {why}",
            sandbox.id
        )),
    })
}

/// The parts of a URL an exchange needs.
#[derive(Debug, PartialEq)]
struct Target {
    tls: bool,
    host: String,
    port: u16,
    authority: String,
    path: String,
}

fn parse_target(url: &str) -> Result<Target, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("`{url}` has no scheme (http:// or https://)"))?;
    let tls = match scheme.to_ascii_lowercase().as_str() {
        "http" | "ws" => false,
        "https" | "wss" => true,
        other => return Err(format!("cannot check a `{other}://` URL")),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..end].rsplit('@').next().unwrap_or("").to_string();
    let path = match &rest[end..] {
        "" => "/".to_string(),
        p if p.starts_with('/') => p.split('#').next().unwrap_or("/").to_string(),
        p => format!("/{}", p.split('#').next().unwrap_or("")),
    };
    let default_port = if tls { 443 } else { 80 };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or("bad IPv6 address")?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| format!("bad port in `{url}`"))?,
            None => default_port,
        };
        (h.to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse().map_err(|_| format!("bad port in `{url}`"))?,
            ),
            None => (authority.clone(), default_port),
        }
    };
    Ok(Target {
        tls,
        host,
        port,
        authority,
        path,
    })
}

/// One exchange of data with the URL: an HTTP request over plain TCP, or a TLS hello for
/// `https://` (dsbx carries no TLS library; the inside probe covers the sandbox's side).
async fn exchange(url: &str, via: Option<&(String, u16)>) -> Result<(), String> {
    let target = parse_target(url)?;
    let (connect_host, connect_port) = match via {
        Some((host, port)) => (host.as_str(), *port),
        None => (target.host.as_str(), target.port),
    };
    let addrs: Vec<_> = tokio::time::timeout(
        EXCHANGE_TIMEOUT,
        tokio::net::lookup_host((connect_host, connect_port)),
    )
    .await
    .map_err(|_| format!("resolving {connect_host} took too long"))?
    .map_err(|e| format!("cannot resolve {connect_host}: {e}"))?
    .collect();
    let addr = addrs
        .first()
        .ok_or_else(|| format!("{} has no address", target.host))?;
    let mut stream = tokio::time::timeout(EXCHANGE_TIMEOUT, tokio::net::TcpStream::connect(addr))
        .await
        .map_err(|_| format!("connecting to {addr} took too long"))?
        .map_err(|e| match via {
            Some(_) => format!(
                "cannot connect to the dsbx proxy at {addr} ({e}): is it up? `dsbx proxy status`"
            ),
            None => format!("cannot connect to {addr}: {e}"),
        })?;
    let request = if target.tls {
        client_hello(&target.host)
    } else {
        format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: dsbx-check\r\nConnection: close\r\n\r\n",
            target.path, target.authority
        )
        .into_bytes()
    };
    let mut reply = [0u8; 64];
    let read = tokio::time::timeout(EXCHANGE_TIMEOUT, async {
        stream.write_all(&request).await?;
        let mut got = 0;
        while got < 12 {
            let n = stream.read(&mut reply[got..]).await?;
            if n == 0 {
                break;
            }
            got += n;
        }
        Ok::<usize, std::io::Error>(got)
    })
    .await
    .map_err(|_| {
        format!(
            "{addr} accepted the connection but sent nothing within {} s",
            EXCHANGE_TIMEOUT.as_secs()
        )
    })?;
    let got = match read {
        Ok(n) => n,
        Err(e) => return Err(format!("{addr} dropped the connection ({e})")),
    };
    if got == 0 {
        return Err(format!(
            "{addr} closed the connection without a reply (nothing behind the published port)"
        ));
    }
    if target.tls {
        // A TLS record: a handshake (0x16) or an alert (0x15) both mean a TLS server answers.
        return match reply[0] {
            0x15 | 0x16 => Ok(()),
            _ => Err(format!("{addr} did not answer TLS")),
        };
    }
    match http_status(&reply[..got]) {
        Some(status @ (502 | 504)) => Err(format!(
            "it answers HTTP {status}: a proxy in front of the sandbox cannot reach it"
        )),
        _ => Ok(()),
    }
}

fn http_status(reply: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(reply.get(..12)?).ok()?;
    text.strip_prefix("HTTP/")?.split(' ').nth(1)?.parse().ok()
}

/// A minimal TLS 1.2 ClientHello with SNI: enough for any TLS server to answer with a
/// ServerHello or an alert.
fn client_hello(host: &str) -> Vec<u8> {
    let mut ext = Vec::new();
    if host.parse::<std::net::IpAddr>().is_err() && !host.is_empty() {
        let name = host.as_bytes();
        let list_len = name.len() + 3;
        ext.extend_from_slice(&[0x00, 0x00]);
        ext.extend_from_slice(&((list_len + 2) as u16).to_be_bytes());
        ext.extend_from_slice(&(list_len as u16).to_be_bytes());
        ext.push(0);
        ext.extend_from_slice(&(name.len() as u16).to_be_bytes());
        ext.extend_from_slice(name);
    }
    // supported_groups: x25519, secp256r1, secp384r1
    ext.extend_from_slice(&[
        0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
    ]);
    // ec_point_formats: uncompressed
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    // signature_algorithms
    ext.extend_from_slice(&[
        0x00, 0x0d, 0x00, 0x0e, 0x00, 0x0c, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03, 0x08,
        0x05, 0x05, 0x01,
    ]);
    let suites: [u16; 7] = [0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0xcca9, 0x009c];
    let mut body = vec![0x03, 0x03];
    let random: [u8; 32] = rand::random();
    body.extend_from_slice(&random);
    body.push(0); // no session id
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[0x01, 0x00]); // compression: null
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut handshake = vec![0x01];
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::PortMapping;
    use std::collections::HashMap;

    fn sandbox(ports: Vec<PortMapping>) -> Sandbox {
        Sandbox {
            id: "k3x9q2m7ab1c".into(),
            container_id: "c".into(),
            name: "web".into(),
            scope: "s".into(),
            image: "i".into(),
            state: ContainerState::Running,
            labels: HashMap::new(),
            ports,
            network_mode: "dsbx".into(),
            ips: vec![("dsbx".into(), "172.18.0.5".into())],
            workdir: None,
            health: None,
        }
    }

    fn local() -> Endpoint {
        Endpoint {
            url: crate::engine::endpoint::LOCAL_SOCKET.into(),
            source: "default".into(),
            tls: None,
        }
    }

    fn published() -> Vec<PortMapping> {
        vec![PortMapping {
            port: 8000,
            host_ip: Some("127.0.0.1".into()),
            host_port: Some(49153),
        }]
    }

    #[test]
    fn default_template_depends_on_publication() {
        let c = Config::default();
        let u = url_for(&c, &local(), &sandbox(published()), 8000, None).unwrap();
        assert_eq!(u.url, "http://127.0.0.1:49153");
        assert_eq!(u.host_port, Some(49153));
        let u = url_for(&c, &local(), &sandbox(published()), 3000, None).unwrap();
        assert_eq!(u.url, "http://172.18.0.5:3000");
        assert_eq!(u.host_port, None);
    }

    #[test]
    fn precedence_flag_config_proxy() {
        let mut c = Config::default();
        c.proxy.domain = "sbx.example.com".into();
        let s = sandbox(published());
        assert_eq!(
            url_for(&c, &local(), &s, 8000, None).unwrap().url,
            "http://8000-k3x9q2m7ab1c.sbx.example.com"
        );
        c.proxy.cert = "/c.pem".into();
        assert_eq!(
            url_for(&c, &local(), &s, 8000, None).unwrap().url,
            "https://8000-k3x9q2m7ab1c.sbx.example.com"
        );
        c.proxy.listen = "127.0.0.1:8443".into();
        assert_eq!(
            url_for(&c, &local(), &s, 8000, None).unwrap().url,
            "https://8000-k3x9q2m7ab1c.sbx.example.com:8443"
        );
        c.url_template = crate::config::UrlTemplate("http://{name}.x.test/{port}".into());
        assert_eq!(
            url_for(&c, &local(), &s, 8000, None).unwrap().url,
            "http://web.x.test/8000"
        );
        assert_eq!(
            url_for(&c, &local(), &s, 8000, Some("http://{host}:{host_port}/p"))
                .unwrap()
                .url,
            "http://127.0.0.1:49153/p"
        );
    }

    #[test]
    fn remote_engine_host_and_specific_publish_address() {
        let c = Config::default();
        let remote = Endpoint {
            url: "tcp://docker.example.com:2375".into(),
            source: "DOCKER_HOST".into(),
            tls: None,
        };
        let s = sandbox(published());
        assert_eq!(
            url_for(&c, &remote, &s, 8000, None).unwrap().url,
            "http://docker.example.com:49153"
        );
        let lan = sandbox(vec![PortMapping {
            port: 8000,
            host_ip: Some("192.168.1.7".into()),
            host_port: Some(40000),
        }]);
        assert_eq!(
            url_for(&c, &local(), &lan, 8000, None).unwrap().url,
            "http://192.168.1.7:40000"
        );
    }

    #[test]
    fn stopped_sandbox_has_no_host_port() {
        let mut s = sandbox(vec![PortMapping {
            port: 8000,
            host_ip: None,
            host_port: None,
        }]);
        s.state = ContainerState::Exited;
        s.ips.clear();
        let err = url_for(&Config::default(), &local(), &s, 8000, None).unwrap_err();
        assert!(err.to_string().contains("stopped"), "{err}");
        // A template that needs nothing from the running container still renders.
        let u = url_for(
            &Config::default(),
            &local(),
            &s,
            8000,
            Some("https://{port}-{id}.a.test"),
        )
        .unwrap();
        assert_eq!(u.url, "https://8000-k3x9q2m7ab1c.a.test");
    }

    #[test]
    fn proxy_urls_are_checked_at_the_proxys_listen_address() {
        let mut c = Config::default();
        let url = "http://8000-k3x9q2m7ab1c.sbx.example.com";
        assert_eq!(through_proxy(&c, &local(), url).unwrap(), None);
        c.proxy.domain = "sbx.example.com".into();
        assert_eq!(
            through_proxy(&c, &local(), url).unwrap(),
            Some(("127.0.0.1".into(), 80))
        );
        c.proxy.listen = "192.168.1.7:8443".into();
        c.proxy.cert = "/c.pem".into();
        assert_eq!(
            through_proxy(
                &c,
                &local(),
                "https://8000-k3x9q2m7ab1c.sbx.example.com:8443"
            )
            .unwrap(),
            Some(("192.168.1.7".into(), 8443))
        );
        let remote = Endpoint {
            url: "tcp://docker.example.com:2375".into(),
            source: "DOCKER_HOST".into(),
            tls: None,
        };
        c.proxy.listen = ":443".into();
        assert_eq!(
            through_proxy(&c, &remote, url).unwrap(),
            Some(("docker.example.com".into(), 443))
        );
        // Another name (a published port, another domain) is reached as it is.
        assert_eq!(
            through_proxy(&c, &local(), "http://127.0.0.1:49153").unwrap(),
            None
        );
        assert_eq!(
            through_proxy(&c, &local(), "http://x.notsbx.example.com").unwrap(),
            None
        );
    }

    #[test]
    fn targets_parse() {
        let t = parse_target("http://127.0.0.1:49153").unwrap();
        assert_eq!(
            (t.tls, t.host.as_str(), t.port),
            (false, "127.0.0.1", 49153)
        );
        assert_eq!(t.path, "/");
        let t = parse_target("https://8000-abc.x.test/a?b#c").unwrap();
        assert_eq!((t.tls, t.port, t.path.as_str()), (true, 443, "/a?b"));
        let t = parse_target("http://[::1]:8080/x").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 8080));
        assert!(parse_target("ftp://x").is_err());
        assert!(parse_target("x.test").is_err());
    }

    #[test]
    fn status_and_hello() {
        assert_eq!(http_status(b"HTTP/1.1 502 Bad Gateway"), Some(502));
        assert_eq!(http_status(b"HTTP/1.0 200 OK\r\n"), Some(200));
        assert_eq!(http_status(b"SSH-2.0-Open"), None);
        let hello = client_hello("a.test");
        assert_eq!(hello[0], 0x16);
        let len = u16::from_be_bytes([hello[3], hello[4]]) as usize;
        assert_eq!(len + 5, hello.len());
    }
}
