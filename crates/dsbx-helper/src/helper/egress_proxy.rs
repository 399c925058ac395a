//! `__helper egress-proxy`: dsbx's egress proxy, PID 1 of a sandbox's proxy container (on the
//! sandbox's internal network and an outside one). It serves HTTP proxy requests and CONNECT,
//! allows only what the policy file names, checks a TLS ClientHello's SNI against the CONNECT
//! host, and prints one JSON line per decision on stdout (read by `dsbx egress log`).
//!
//! It connects only to the addresses it judged, so a name cannot resolve one way for the check
//! and another way for the connection.

use crate::egress::{POLICY_FILE, PROXY_PORT, Policy, Verdict};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request head larger than this is refused (no proxy client sends one).
const MAX_HEAD: usize = 64 * 1024;
/// How long a client may take to send its request head, or its TLS ClientHello.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a tunnel waits for the client's first bytes before it stops looking for a TLS hello.
const FIRST_BYTES_WAIT: Duration = Duration::from_secs(3);

pub fn run(_args: &[std::ffi::OsString]) -> i32 {
    let listener = match TcpListener::bind(("0.0.0.0", PROXY_PORT)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("dsbx egress proxy: cannot listen on port {PROXY_PORT}: {e}");
            return 1;
        }
    };
    let shared = Arc::new(Shared {
        policy: Mutex::new(Policy::none()),
        gateways: gateways(),
        log: Mutex::new(()),
    });
    shared.reload();
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        let shared = shared.clone();
        std::thread::spawn(move || {
            let _ = serve(&shared, conn);
        });
    }
    0
}

struct Shared {
    /// The last complete policy read (a half-written file keeps the previous one).
    policy: Mutex<Policy>,
    /// The proxy's own default gateways: the host, on the outside network.
    gateways: Vec<IpAddr>,
    log: Mutex<()>,
}

impl Shared {
    fn reload(&self) -> Policy {
        let mut current = self.policy.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = std::fs::read_to_string(POLICY_FILE)
            .ok()
            .and_then(|t| Policy::from_file(&t))
        {
            *current = p;
        }
        current.clone()
    }

    fn log(&self, client: &str, method: &str, host: &str, port: u16, verdict: &Verdict) {
        let (decision, reason) = match verdict {
            Verdict::Allow => ("allow", None),
            Verdict::Deny(why) => ("deny", Some(why.as_str())),
        };
        let line = serde_json::json!({
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "client": client,
            "method": method,
            "host": host,
            "port": port,
            "decision": decision,
            "reason": reason,
        });
        let _guard = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// Default gateways from `/proc/net/route` (little-endian hex IPv4).
fn gateways() -> Vec<IpAddr> {
    let text = std::fs::read_to_string("/proc/net/route").unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let gw = u32::from_str_radix(cols.get(2)?, 16).ok()?;
            (gw != 0).then(|| IpAddr::V4(std::net::Ipv4Addr::from(gw.swap_bytes())))
        })
        .collect()
}

struct Head {
    method: String,
    target: String,
    version: String,
    /// Header lines as sent, without the request line.
    headers: Vec<String>,
}

fn read_head(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Head>> {
    let mut lines = Vec::new();
    let mut total = 0;
    loop {
        let mut line = String::new();
        let n = reader.by_ref().take(8192).read_line(&mut line)?;
        if n == 0 {
            return Ok(None);
        }
        total += n;
        if total > MAX_HEAD {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            if lines.is_empty() {
                continue;
            }
            break;
        }
        lines.push(line);
    }
    let request = lines.remove(0);
    let mut parts = request.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(None);
    };
    Ok(Some(Head {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers: lines,
    }))
}

fn refuse(conn: &mut TcpStream, status: &str, message: &str) {
    let body = format!("dsbx egress: {message}\n");
    let _ = write!(
        conn,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nX-Dsbx-Egress: denied\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.flush();
}

/// `host:port` with the port defaulting to `default`; IPv6 literals in brackets.
fn split_host_port(authority: &str, default: u16) -> Option<(String, u16)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default,
            None => return None,
        };
        return Some((host.to_string(), port));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => Some((h.to_string(), p.parse().ok()?)),
        None => Some((authority.to_string(), default)),
    }
    .filter(|(h, _)| !h.is_empty())
}

fn resolve(host: &str, port: u16) -> Vec<SocketAddr> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return vec![SocketAddr::new(ip, port)];
    }
    (host, port)
        .to_socket_addrs()
        .map(|a| a.collect())
        .unwrap_or_default()
}

fn serve(shared: &Shared, conn: TcpStream) -> std::io::Result<()> {
    let client = conn
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    conn.set_read_timeout(Some(HEAD_TIMEOUT))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut conn = conn;
    let Some(head) = read_head(&mut reader)? else {
        refuse(&mut conn, "400 Bad Request", "malformed proxy request");
        return Ok(());
    };
    let connect = head.method.eq_ignore_ascii_case("CONNECT");
    let (host, port, path) = if connect {
        match split_host_port(&head.target, 443) {
            Some((h, p)) => (h, p, String::new()),
            None => {
                refuse(&mut conn, "400 Bad Request", "CONNECT needs host:port");
                return Ok(());
            }
        }
    } else {
        let Some(rest) = head.target.strip_prefix("http://") else {
            let why = "this is dsbx's egress proxy: send absolute http:// URLs or CONNECT";
            refuse(&mut conn, "400 Bad Request", why);
            return Ok(());
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].to_string()),
            None => (rest, "/".to_string()),
        };
        match split_host_port(authority, 80) {
            Some((h, p)) => (h, p, path),
            None => {
                refuse(&mut conn, "400 Bad Request", "bad URL in the request");
                return Ok(());
            }
        }
    };
    let policy = shared.reload();
    let addrs = resolve(&host, port);
    let gateways = shared.gateways.clone();
    let refused = move |a: IpAddr| gateways.contains(&a);
    let ips: Vec<IpAddr> = addrs.iter().map(|a| a.ip()).collect();
    let mut verdict = policy.judge(&host, &ips, &refused);
    if verdict == Verdict::Allow && addrs.is_empty() {
        verdict = Verdict::Deny(format!("{host} does not resolve"));
        shared.log(&client, &head.method, &host, port, &verdict);
        refuse(
            &mut conn,
            "502 Bad Gateway",
            &format!("cannot resolve {host}"),
        );
        return Ok(());
    }
    if let Verdict::Deny(why) = &verdict {
        shared.log(&client, &head.method, &host, port, &verdict);
        refuse(&mut conn, "403 Forbidden", why);
        return Ok(());
    }
    let upstream = match addrs
        .iter()
        .find_map(|a| TcpStream::connect_timeout(a, CONNECT_TIMEOUT).ok())
    {
        Some(u) => u,
        None => {
            let why = format!("cannot connect to {host}:{port}");
            shared.log(
                &client,
                &head.method,
                &host,
                port,
                &Verdict::Deny(why.clone()),
            );
            refuse(&mut conn, "502 Bad Gateway", &why);
            return Ok(());
        }
    };
    let mut upstream = upstream;
    let mut first = Vec::new();
    if connect {
        conn.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
        // The first bytes decide: a TLS ClientHello must name the CONNECT host (or none).
        first = read_first_flight(&mut reader)?;
        if let Some(sni) = sni_of(&first) {
            let want = host.trim_end_matches('.').to_ascii_lowercase();
            let got = sni.trim_end_matches('.').to_ascii_lowercase();
            if got != want {
                let why = format!("TLS server name {sni} does not match the CONNECT host {host}");
                shared.log(&client, "CONNECT", &host, port, &Verdict::Deny(why));
                let _ = conn.shutdown(Shutdown::Both);
                return Ok(());
            }
        }
    } else {
        let mut out = format!("{} {path} {}\r\n", head.method, head.version);
        for h in &head.headers {
            let name = h
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if name.starts_with("proxy-") {
                continue;
            }
            out.push_str(h);
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        first.extend_from_slice(out.as_bytes());
    }
    shared.log(&client, &head.method, &host, port, &Verdict::Allow);
    // Bytes the reader buffered past the head belong to the body or the tunnel.
    first.extend_from_slice(reader.buffer());
    upstream.write_all(&first)?;
    conn.set_read_timeout(None)?;
    relay(conn, upstream)
}

/// The client's first TLS record (or whatever it sent first), up to one full record.
fn read_first_flight(reader: &mut BufReader<TcpStream>) -> std::io::Result<Vec<u8>> {
    // Server-first protocols (a banner) send nothing: after a short wait, relay as is.
    reader.get_ref().set_read_timeout(Some(FIRST_BYTES_WAIT))?;
    let buffered = match reader.fill_buf() {
        Ok(b) => b.to_vec(),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    reader.consume(buffered.len());
    reader.get_ref().set_read_timeout(Some(HEAD_TIMEOUT))?;
    let mut data = buffered;
    if data.first() != Some(&0x16) {
        return Ok(data);
    }
    // A handshake record: read until the whole record is here, so the SNI cannot hide in a
    // second segment.
    while data.len() < 5 || data.len() < 5 + u16::from_be_bytes([data[3], data[4]]) as usize {
        let mut chunk = [0u8; 4096];
        let n = reader.get_mut().read(&mut chunk)?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&chunk[..n]);
        if data.len() > 20_000 {
            break;
        }
    }
    Ok(data)
}

/// The server name in a TLS ClientHello, if `data` starts with one that carries it.
pub fn sni_of(data: &[u8]) -> Option<String> {
    let rec = data.get(5..)?;
    if data.first() != Some(&0x16) || rec.first() != Some(&0x01) {
        return None;
    }
    let hs = rec.get(4..)?;
    let mut i = 2 + 32; // version, random
    let sid = *hs.get(i)? as usize;
    i += 1 + sid;
    let suites = u16::from_be_bytes([*hs.get(i)?, *hs.get(i + 1)?]) as usize;
    i += 2 + suites;
    let comp = *hs.get(i)? as usize;
    i += 1 + comp;
    let ext_len = u16::from_be_bytes([*hs.get(i)?, *hs.get(i + 1)?]) as usize;
    i += 2;
    let end = (i + ext_len).min(hs.len());
    while i + 4 <= end {
        let kind = u16::from_be_bytes([hs[i], hs[i + 1]]);
        let len = u16::from_be_bytes([hs[i + 2], hs[i + 3]]) as usize;
        let body = hs.get(i + 4..i + 4 + len)?;
        if kind == 0 {
            // server_name_list: u16 length, then (type u8, u16 length, name)
            let name_len = u16::from_be_bytes([*body.get(3)?, *body.get(4)?]) as usize;
            let name = body.get(5..5 + name_len)?;
            return String::from_utf8(name.to_vec()).ok();
        }
        i += 4 + len;
    }
    None
}

fn relay(client: TcpStream, upstream: TcpStream) -> std::io::Result<()> {
    let (mut c_read, mut u_write) = (client.try_clone()?, upstream.try_clone()?);
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut u_write);
        let _ = u_write.shutdown(Shutdown::Write);
    });
    let (mut u_read, mut c_write) = (upstream, client);
    let _ = std::io::copy(&mut u_read, &mut c_write);
    let _ = c_write.shutdown(Shutdown::Write);
    let _ = up.join();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port() {
        assert_eq!(
            split_host_port("a.test:8080", 80),
            Some(("a.test".into(), 8080))
        );
        assert_eq!(split_host_port("a.test", 80), Some(("a.test".into(), 80)));
        assert_eq!(split_host_port("[::1]:443", 80), Some(("::1".into(), 443)));
        assert_eq!(split_host_port(":80", 80), None);
        assert_eq!(split_host_port("a:b", 80), None);
    }

    #[test]
    fn sni_from_a_client_hello() {
        // A minimal ClientHello carrying server_name "allowed.test".
        let name = b"allowed.test";
        let mut sni = vec![0, 0];
        let list_len = (name.len() + 3) as u16;
        let ext_body: Vec<u8> = [
            &list_len.to_be_bytes()[..],
            &[0],
            &(name.len() as u16).to_be_bytes(),
            name,
        ]
        .concat();
        sni.extend_from_slice(&(ext_body.len() as u16).to_be_bytes());
        sni.extend_from_slice(&ext_body);
        let mut hello = vec![3, 3];
        hello.extend_from_slice(&[0; 32]);
        hello.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0]);
        hello.extend_from_slice(&(sni.len() as u16).to_be_bytes());
        hello.extend_from_slice(&sni);
        let mut hs = vec![1, 0];
        hs.extend_from_slice(&(hello.len() as u16).to_be_bytes());
        hs.extend_from_slice(&hello);
        let mut rec = vec![0x16, 3, 1];
        rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
        rec.extend_from_slice(&hs);
        assert_eq!(sni_of(&rec).as_deref(), Some("allowed.test"));
        assert_eq!(sni_of(b"GET / HTTP/1.1\r\n"), None);
        assert_eq!(sni_of(&rec[..20]), None);
    }
}
