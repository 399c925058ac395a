mod common;
use common::*;

use std::path::Path;
use std::time::{Duration, Instant};

/// The proxy image for tests: Debian's nginx installed from deb.debian.org over plain http (no
/// image can be pulled here). Built once per machine, under its own lock.
const NGINX_IMAGE: &str = "dsbx-test-nginx";

fn ensure_nginx_image() {
    let _lock = engine_lock("nginx-image");
    if docker(&["image", "inspect", NGINX_IMAGE]).status.success() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM dsbx-test-debian\n\
         RUN apt-get update && apt-get install -y --no-install-recommends nginx \
         && rm -rf /var/lib/apt/lists/*\n\
         CMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
    )
    .unwrap();
    let out = docker(&["build", "-t", NGINX_IMAGE, path_str(dir.path())]);
    assert!(
        out.status.success(),
        "building {NGINX_IMAGE}: {}",
        stderr(&out)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn proxy_config(listen: u16, tls: Option<(&Path, &Path)>) -> String {
    let mut text = format!(
        "image = \"dsbx-test-busybox:latest\"\n[proxy]\ndomain = \"sbx.test\"\n\
         listen = \"127.0.0.1:{listen}\"\nimage = \"{NGINX_IMAGE}\"\n"
    );
    if let Some((cert, key)) = tls {
        text.push_str(&format!(
            "cert = \"{}\"\nkey = \"{}\"\n",
            path_str(cert),
            path_str(key)
        ));
    }
    text
}

fn serve(id: &str, port: u16, text: &str) {
    let dir = format!("/www{port}");
    let cmd = format!(
        "mkdir -p {dir} && echo {text} > {dir}/index.html && exec httpd -f -p {port} -h {dir}"
    );
    let out = docker(&["exec", "-d", &format!("dsbx-{id}"), "sh", "-c", &cmd]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// curl through the proxy, resolving the URL's host name to 127.0.0.1: (status, body).
fn curl_resolved(url: &str, listen: u16, extra: &[&str]) -> (String, String) {
    let host = url
        .split_once("://")
        .unwrap()
        .1
        .split([':', '/'])
        .next()
        .unwrap();
    let resolve = format!("{host}:{listen}:127.0.0.1");
    let out = std::process::Command::new("curl")
        .args([
            "-s",
            "-m",
            "10",
            "-w",
            "\n%{http_code}",
            "--resolve",
            &resolve,
        ])
        .args(extra)
        .arg(url)
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    (code.to_string(), body.trim().to_string())
}

fn proxy_exists() -> bool {
    docker(&["inspect", "dsbx-proxy"]).status.success()
}

/// Removes the proxy when a test ends, even when it fails.
struct ProxyGuard;
impl Drop for ProxyGuard {
    fn drop(&mut self) {
        let _ = docker(&["rm", "-f", "dsbx-proxy"]);
    }
}

#[test]
fn proxy_routes_two_sandboxes_two_ports_over_http_and_tls() {
    let Some(env) = TestEnv::new() else { return };
    let _lock = engine_lock("proxy");
    ensure_nginx_image();
    let _guard = ProxyGuard;
    let _ = docker(&["rm", "-f", "dsbx-proxy"]);
    let listen = free_port();
    env.write_config(&proxy_config(listen, None));

    let a = env.init(&[]);
    let b = env.init(&[]);
    for id in [&a, &b] {
        for port in [8000, 8001] {
            serve(id, port, &format!("{port}-of-{id}"));
        }
    }
    let out = env.run(&["proxy", "status"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "absent\n");

    let out = env.run(&["proxy", "up"]);
    assert_code(&out, 0);
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("dsbx proxy is up"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        inspect("dsbx-proxy", "{{index .Config.Labels \"dsbx.managed\"}}"),
        "true"
    );
    assert_eq!(
        inspect("dsbx-proxy", "{{index .Config.Labels \"dsbx.role\"}}"),
        "proxy"
    );
    assert!(!inspect("dsbx-proxy", "{{json .Config.Labels}}").contains("dsbx.id"));
    assert!(inspect("dsbx-proxy", "{{json .NetworkSettings.Networks}}").contains("\"dsbx\""));
    // Never counted as a sandbox.
    let out = env.run(&["ls", "-q", "--all-scopes"]);
    assert_code(&out, 0);
    assert!(!stdout(&out).contains("proxy"));
    // `up` again with the same config keeps the container.
    let before = inspect("dsbx-proxy", "{{.Id}}");
    let out = env.run(&["proxy", "up"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("already up"));
    assert_eq!(inspect("dsbx-proxy", "{{.Id}}"), before);
    let out = env.run(&["proxy", "status", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["running"], true);
    assert_eq!(v["domain"], "sbx.test");
    assert_eq!(v["listen"], format!("127.0.0.1:{listen}"));
    assert_eq!(v["tls"], false);
    assert_eq!(v["up_to_date"], true);

    for id in [&a, &b] {
        for port in ["8000", "8001"] {
            let out = env.run(&["get-host", id, port]);
            assert_code(&out, 0);
            let url = stdout(&out).trim().to_string();
            assert_eq!(url, format!("http://{port}-{id}.sbx.test:{listen}"));
            // The servers start in the background: poll until they answer.
            let start = Instant::now();
            let (code, body) = loop {
                let got = curl_resolved(&url, listen, &[]);
                if got.0 == "200" || start.elapsed() > Duration::from_secs(20) {
                    break got;
                }
                std::thread::sleep(Duration::from_millis(200));
            };
            assert_eq!(
                (code.as_str(), body.as_str()),
                ("200", format!("{port}-of-{id}").as_str())
            );
            // The same with the name in the Host header only.
            let out = std::process::Command::new("curl")
                .args(["-s", "-m", "10", "-H"])
                .arg(format!("Host: {port}-{id}.sbx.test"))
                .arg(format!("http://127.0.0.1:{listen}/"))
                .output()
                .unwrap();
            assert_eq!(stdout(&out).trim(), format!("{port}-of-{id}"));
        }
    }
    // Not a sandbox URL, and a port where nothing listens.
    let (code, body) = curl_resolved(&format!("http://www.sbx.test:{listen}/"), listen, &[]);
    assert_eq!(code, "404", "{body}");
    let (code, body) = curl_resolved(&format!("http://9999-{a}.sbx.test:{listen}/"), listen, &[]);
    assert_eq!(code, "502");
    assert!(body.contains("nothing answers on port 9999"), "{body}");

    // A sandbox on the shared network reaches the proxy (and through it, every sandbox). nginx
    // drops a client that half-closes before the answer, so nc keeps its input open a moment.
    let got = docker_exec(
        &format!("dsbx-{b}"),
        &[
            "sh",
            "-c",
            &format!(
                "(printf 'GET / HTTP/1.0\\r\\nHost: 8000-{a}.sbx.test\\r\\n\\r\\n'; sleep 5) | nc -w 6 dsbx-proxy 80"
            ),
        ],
    );
    assert!(got.contains(&format!("8000-of-{a}")), "{got}");

    // A killed sandbox's URL no longer serves.
    let out = env.run(&["kill", &a]);
    assert_code(&out, 0);
    let start = Instant::now();
    let killed_url = format!("http://8000-{a}.sbx.test:{listen}/");
    let (code, body) = loop {
        let got = curl_resolved(&killed_url, listen, &[]);
        if got.0 != "200" || start.elapsed() > Duration::from_secs(15) {
            break got;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(code, "502", "{body}");
    assert!(!body.contains("of-"), "{body}");

    // TLS with a self-signed wildcard certificate: `up` replaces the proxy.
    let cert = env.dir.path().join("cert.pem");
    let key = env.dir.path().join("key.pem");
    let out = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args([
            "-subj",
            "/CN=*.sbx.test",
            "-addext",
            "subjectAltName=DNS:*.sbx.test",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let tls_listen = free_port();
    env.write_config(&proxy_config(tls_listen, Some((&cert, &key))));
    let out = env.run(&["proxy", "status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["up_to_date"], false);
    let out = env.run(&["proxy", "up"]);
    assert_code(&out, 0);
    assert_ne!(inspect("dsbx-proxy", "{{.Id}}"), before);
    for port in ["8000", "8001"] {
        let out = env.run(&["get-host", &b, port]);
        assert_code(&out, 0);
        let url = stdout(&out).trim().to_string();
        assert_eq!(url, format!("https://{port}-{b}.sbx.test:{tls_listen}"));
        let (code, body) = curl_resolved(&url, tls_listen, &["--cacert", path_str(&cert)]);
        assert_eq!(
            (code.as_str(), body.as_str()),
            ("200", format!("{port}-of-{b}").as_str())
        );
    }
    // --check over TLS against the proxy's address: the TLS exchange answers.
    let out = env.run(&[
        "get-host",
        &b,
        "8000",
        "--check",
        "--url-template",
        &format!("https://127.0.0.1:{tls_listen}"),
    ]);
    assert_code(&out, 0);

    let out = env.run(&["proxy", "down"]);
    assert_code(&out, 0);
    assert!(!proxy_exists());
    let out = env.run(&["proxy", "down"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("was not running"));
    let out = env.run(&["proxy", "status", "--json"]);
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["status"], "absent");
}

#[test]
fn proxy_bad_config_is_refused_and_starts_nothing() {
    let Some(env) = TestEnv::new() else { return };
    let _lock = engine_lock("proxy");
    let _ = docker(&["rm", "-f", "dsbx-proxy"]);
    let cert = env.dir.path().join("missing-cert.pem");
    let cases: Vec<(String, i32, &str)> = vec![
        (
            "image = \"dsbx-test-busybox:latest\"\n".into(),
            2,
            "set `[proxy] domain`",
        ),
        (
            "[proxy]\ndomain = \"Sbx_Test\"\n".into(),
            2,
            "invalid `[proxy] domain`",
        ),
        (
            "[proxy]\ndomain = \"sbx.test\"\nlisten = \"127.0.0.1:0\"\n".into(),
            2,
            "invalid `[proxy] listen`",
        ),
        (
            format!(
                "[proxy]\ndomain = \"sbx.test\"\ncert = \"{}\"\n",
                path_str(&cert)
            ),
            2,
            "go together",
        ),
        (
            format!(
                "[proxy]\ndomain = \"sbx.test\"\ncert = \"{}\"\nkey = \"{}\"\n",
                path_str(&cert),
                path_str(&cert)
            ),
            1,
            "cannot read the proxy certificate",
        ),
        (
            format!(
                "[proxy]\ndomain = \"sbx.test\"\nlisten = \"127.0.0.1:{}\"\nimage = \"dsbx-no-such-image-{}\"\n",
                free_port(),
                env.scope
            ),
            1,
            "is not on the engine",
        ),
    ];
    for (config, code, text) in cases {
        env.write_config(&config);
        let out = env.run(&["proxy", "up"]);
        assert_code(&out, code);
        assert!(stdout(&out).is_empty());
        let err = stderr(&out);
        assert!(err.contains(text), "{config}: expected `{text}` in {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!proxy_exists(), "{config} left a proxy behind");
    }
}

#[test]
fn proxy_leaves_a_foreign_container_alone() {
    let Some(env) = TestEnv::new() else { return };
    let _lock = engine_lock("proxy");
    let _ = docker(&["rm", "-f", "dsbx-proxy"]);
    let _guard = ProxyGuard;
    let out = docker(&[
        "create",
        "--name",
        "dsbx-proxy",
        "--label",
        &format!("dsbx.scope={}", env.scope),
        BUSYBOX,
        "sleep",
        "60",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env.run(&["proxy", "down"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("dsbx did not make it"),
        "{}",
        stderr(&out)
    );
    assert!(proxy_exists());
}

/// A self-signed wildcard certificate for `*.sbx.test` in `dir`: (cert, key).
fn wildcard_cert(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let out = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args([
            "-subj",
            "/CN=*.sbx.test",
            "-addext",
            "subjectAltName=DNS:*.sbx.test",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("run openssl");
    assert!(out.status.success(), "{}", stderr(&out));
    (cert, key)
}

#[test]
fn get_host_checks_proxy_urls_through_the_proxy_without_wildcard_dns() {
    let Some(env) = TestEnv::new() else { return };
    let _lock = engine_lock("proxy");
    ensure_nginx_image();
    let _guard = ProxyGuard;
    let _ = docker(&["rm", "-f", "dsbx-proxy"]);
    let listen = free_port();
    env.write_config(&proxy_config(listen, None));
    let id = env.init(&[]);
    // No DNS knows sbx.test here: only the proxy's listen address can answer.
    let url = format!("http://8000-{id}.sbx.test:{listen}");
    assert!(
        std::net::ToSocketAddrs::to_socket_addrs(&(format!("8000-{id}.sbx.test"), 80)).is_err()
    );

    // Without the proxy, --check says where it looked and what to do.
    let out = env.run(&["get-host", &id, "8000", "--check"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out).trim(), url);
    serve(&id, 8000, "ready");
    let out = env.run(&["get-host", &id, "8000", "--wait", "20s"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains(&format!(
            "cannot connect to the dsbx proxy at 127.0.0.1:{listen}"
        )),
        "{}",
        stderr(&out)
    );

    let out = env.run(&["proxy", "up"]);
    assert_code(&out, 0);
    let out = env.run(&["get-host", &id, "8000", "--wait", "20s"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out).trim(), url);
    let out = env.run(&["get-host", &id, "8000", "--check", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["answers"], true, "{v}");
    // A port where nothing listens is told apart from a proxy that cannot route.
    let out = env.run(&["get-host", &id, "9000", "--check"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("nothing listens on port 9000"),
        "{}",
        stderr(&out)
    );

    // Over TLS: the exchange goes to the listen address with the URL's name as server name.
    let (cert, key) = wildcard_cert(env.dir.path());
    let tls_listen = free_port();
    env.write_config(&proxy_config(tls_listen, Some((&cert, &key))));
    let out = env.run(&["proxy", "up"]);
    assert_code(&out, 0);
    let out = env.run(&["get-host", &id, "8000", "--wait", "20s"]);
    assert_code(&out, 0);
    assert_eq!(
        stdout(&out).trim(),
        format!("https://8000-{id}.sbx.test:{tls_listen}")
    );
}

#[test]
fn a_killed_sandboxs_url_answers_502_at_once() {
    let Some(env) = TestEnv::new() else { return };
    let _lock = engine_lock("proxy");
    ensure_nginx_image();
    let _guard = ProxyGuard;
    let _ = docker(&["rm", "-f", "dsbx-proxy"]);
    let listen = free_port();
    env.write_config(&proxy_config(listen, None));
    let out = env.run(&["proxy", "up"]);
    assert_code(&out, 0);
    let id = env.init(&[]);
    serve(&id, 8000, "alive");
    let out = env.run(&["get-host", &id, "8000", "--wait", "20s"]);
    assert_code(&out, 0);
    let url = stdout(&out).trim().to_string();
    // The proxy has just resolved the sandbox's address: the kill lands inside nginx's cache.
    let (code, body) = curl_resolved(&url, listen, &[]);
    assert_eq!((code.as_str(), body.as_str()), ("200", "alive"));
    let out = env.run(&["kill", &id]);
    assert_code(&out, 0);
    let start = Instant::now();
    let (code, body) = curl_resolved(&url, listen, &[]);
    let took = start.elapsed();
    assert_eq!(code, "502", "{body}");
    assert!(body.contains("nothing answers"), "{body}");
    // Prompt, not the 5 s connect to a dead address: that one cannot answer in under 5 s,
    // and the margin below it is for a loaded machine.
    assert!(took < Duration::from_millis(4500), "the 502 took {took:?}");
}

#[test]
fn a_second_proxy_up_with_another_config_says_what_it_replaces() {
    let Some(env) = TestEnv::new() else { return };
    let _lock = engine_lock("proxy");
    ensure_nginx_image();
    let _guard = ProxyGuard;
    let _ = docker(&["rm", "-f", "dsbx-proxy"]);
    let first = free_port();
    env.write_config(&proxy_config(first, None));
    let out = env.run(&["proxy", "up"]);
    assert_code(&out, 0);
    assert!(!stderr(&out).contains("replacing"), "{}", stderr(&out));

    // Another user's config (another listen address): replaced, and said so.
    let second = free_port();
    env.write_config(&proxy_config(second, None));
    let out = env.run(&["proxy", "up"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "warning: replacing the running dsbx proxy (http://{{port}}-{{id}}.sbx.test on 127.0.0.1:{first}) with this config's (http://{{port}}-{{id}}.sbx.test on 127.0.0.1:{second})"
        )),
        "{err}"
    );
    assert!(err.contains("dsbx proxy is up"), "{err}");
    let out = env.run(&["proxy", "status", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["listen"], format!("127.0.0.1:{second}"));

    // The same config again: no warning.
    let out = env.run(&["proxy", "up"]);
    assert_code(&out, 0);
    assert!(!stderr(&out).contains("replacing"), "{}", stderr(&out));
}
