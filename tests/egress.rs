//! Egress policies (`init --egress`, `dsbx egress`): enforced by topology and dsbx's egress
//! proxy. Every target is a container of the test's own on a network of its own (aliases
//! `allowed.test`, `denied.test`, `a.wild.test`), or a listener on this machine: nothing leaves it.

mod common;

use common::*;
use std::time::Duration;

/// A network and a server container of the test's own, both carrying the test's scope label
/// (so `TestEnv` removes them) and not `dsbx.managed` (so dsbx never touches them). The server
/// answers HTTP on 8080 and echoes whatever it gets on 4433 (a stand-in TLS server: the proxy
/// decides on the ClientHello alone).
struct Servers {
    network: String,
    ip: String,
}

fn servers(env: &TestEnv) -> Servers {
    let network = format!("dsbx-t-egress-{}", random_suffix());
    let scope_label = format!("dsbx.scope={}", env.scope);
    let out = docker(&["network", "create", "--label", &scope_label, &network]);
    assert!(out.status.success(), "{}", stderr(&out));
    let name = format!("{network}-srv");
    let out = docker(&[
        "run",
        "-d",
        "--name",
        &name,
        "--label",
        &scope_label,
        "--network",
        &network,
        "--network-alias",
        "allowed.test",
        "--network-alias",
        "denied.test",
        "--network-alias",
        "a.wild.test",
        BUSYBOX,
        "sh",
        "-c",
        "mkdir -p /w && echo hello-from-server > /w/index.html && httpd -p 8080 -h /w && exec nc -ll -p 4433 -e /bin/cat",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        wait_until(Duration::from_secs(30), || docker_exec(
            &name,
            &["wget", "-q", "-O-", "http://127.0.0.1:8080/"]
        ) == "hello-from-server"),
        "the test server did not come up"
    );
    let ip = inspect(
        &name,
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
    );
    Servers { network, ip }
}

fn env_with_servers(image: &str, extra: &str) -> Option<(TestEnv, Servers)> {
    let env = TestEnv::new()?;
    let s = servers(&env);
    env.write_config(&format!(
        "image = \"{image}\"\nnetwork = \"{}\"\n{extra}",
        s.network
    ));
    Some((env, s))
}

/// `wget` through the sandbox's proxy settings: (exit code, stdout, stderr).
fn fetch(env: &TestEnv, id: &str, url: &str) -> (i32, String, String) {
    let out = env.run(&["exec", id, "--", "wget", "-q", "-O-", url]);
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

fn log_entries(env: &TestEnv, id: &str) -> Vec<serde_json::Value> {
    let out = env.run(&["--json", "egress", "log", id]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["entries"].as_array().expect("entries").clone()
}

/// The log once `expected` holds of it (or as it is after 20 s). The proxy writes a line
/// before it closes the client's connection, but the engine copies it into `docker logs` a
/// moment later, so a line for the request that just ended may not be readable yet.
fn log_entries_once(
    env: &TestEnv,
    id: &str,
    expected: impl Fn(&[serde_json::Value]) -> bool,
) -> Vec<serde_json::Value> {
    let mut entries = Vec::new();
    wait_until(Duration::from_secs(20), || {
        entries = log_entries(env, id);
        expected(&entries)
    });
    entries
}

fn has_entry(entries: &[serde_json::Value], decision: &str, host: &str) -> bool {
    entries
        .iter()
        .any(|e| e["decision"] == decision && e["host"] == host)
}

#[test]
fn allowlist_by_name_address_and_wildcard_with_a_log() {
    let Some((env, srv)) = env_with_servers(BUSYBOX, "") else {
        return;
    };
    let id = env.init(&["--egress", "allowed.test,*.wild.test"]);
    // The sandbox sits alone on an internal network; the proxy settings are in its environment.
    let network = inspect(&format!("dsbx-{id}"), "{{.HostConfig.NetworkMode}}");
    assert_eq!(network, format!("dsbx-net-{id}"));
    assert_eq!(inspect(&network, "{{.Internal}}"), "true");
    let env_out = stdout(&env.run(&["exec", &id, "env"]));
    assert!(
        env_out.contains("HTTP_PROXY=http://dsbx-egress:3128")
            && env_out.contains("https_proxy=http://dsbx-egress:3128")
            && env_out.contains("NO_PROXY=localhost"),
        "{env_out}"
    );

    let (code, out, _) = fetch(&env, &id, "http://allowed.test:8080/");
    assert_eq!((code, out.trim()), (0, "hello-from-server"));
    let (code, out, _) = fetch(&env, &id, "http://a.wild.test:8080/");
    assert_eq!((code, out.trim()), (0, "hello-from-server"));
    let (code, out, err) = fetch(&env, &id, "http://denied.test:8080/");
    assert_ne!(code, 0);
    assert!(out.is_empty() && err.contains("403"), "{out} / {err}");
    // Denied by address: the same server by its IP is not on the list.
    let (code, _, err) = fetch(&env, &id, &format!("http://{}:8080/", srv.ip));
    assert!(code != 0 && err.contains("403"), "{err}");
    // Without the proxy there is no way out at all.
    let out = env.run(&[
        "exec",
        &id,
        &format!("http_proxy= timeout 10 wget -q -O- http://{}:8080/", srv.ip),
    ]);
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));

    // The proxy's answer to a refusal says why and is marked as dsbx's.
    let out = env.run(&[
        "exec",
        &id,
        "printf 'GET http://denied.test:8080/ HTTP/1.0\\r\\n\\r\\n' | timeout 10 nc dsbx-egress 3128",
    ]);
    let text = stdout(&out);
    assert!(
        text.starts_with("HTTP/1.1 403")
            && text.contains("X-Dsbx-Egress: denied")
            && text.contains("dsbx egress: denied.test is not in this sandbox's egress allowlist"),
        "{text}"
    );

    let info = stdout(&env.run(&["info", &id]));
    assert!(info.contains("egress: allowed.test,*.wild.test"), "{info}");
    let json: serde_json::Value =
        serde_json::from_slice(&env.run(&["--json", "info", &id]).stdout).unwrap();
    assert_eq!(json["egress"], "allowed.test,*.wild.test");

    let expected = [
        ("allow", "allowed.test"),
        ("allow", "a.wild.test"),
        ("deny", "denied.test"),
        ("deny", srv.ip.as_str()),
    ];
    let entries = log_entries_once(&env, &id, |e| {
        expected.iter().all(|(d, h)| has_entry(e, d, h))
    });
    for (decision, host) in expected {
        assert!(has_entry(&entries, decision, host), "{entries:?}");
    }
    let text = stdout(&env.run(&["egress", "log", &id]));
    assert!(
        text.lines()
            .any(|l| l.contains(" deny GET denied.test:8080 from ") && l.contains("allowlist")),
        "{text}"
    );

    // kill takes the proxy and the internal network with the sandbox.
    assert_code(&env.run(&["kill", &id]), 0);
    assert!(
        docker(&["inspect", &format!("dsbx-egress-{id}")])
            .status
            .code()
            != Some(0)
    );
    assert!(docker(&["network", "inspect", &network]).status.code() != Some(0));
}

#[test]
fn policy_changes_live_without_a_restart() {
    let Some((env, srv)) = env_with_servers(BUSYBOX, "") else {
        return;
    };
    let id = env.init(&["--egress", "none"]);
    let started = inspect(&format!("dsbx-{id}"), "{{.State.StartedAt}}");
    assert_eq!(stdout(&env.run(&["egress", &id])).trim(), "none");
    assert!(
        fetch(&env, &id, "http://allowed.test:8080/")
            .2
            .contains("403")
    );

    let out = env.run(&[
        "egress",
        &id,
        "allow",
        "allowed.test",
        &format!("{}/32", srv.ip),
    ]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out).trim(), format!("allowed.test,{}", srv.ip));
    assert_eq!(fetch(&env, &id, "http://allowed.test:8080/").0, 0);
    assert_eq!(fetch(&env, &id, &format!("http://{}:8080/", srv.ip)).0, 0);

    // A name is also allowed when every address it resolves to is: removing the name alone
    // keeps allowed.test reachable through the server's address.
    let out = env.run(&["egress", &id, "deny", "allowed.test"]);
    assert_eq!(stdout(&out).trim(), srv.ip);
    assert_eq!(fetch(&env, &id, "http://allowed.test:8080/").0, 0);
    let out = env.run(&["egress", &id, "deny", &srv.ip, "never.test"]);
    assert_eq!(stdout(&out).trim(), "none");
    assert!(
        stderr(&out).contains("not in the allowlist: never.test"),
        "{}",
        stderr(&out)
    );
    assert!(
        fetch(&env, &id, "http://allowed.test:8080/")
            .2
            .contains("403")
    );

    let out = env.run(&["--json", "egress", &id, "set", "denied.test,*.wild.test"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["mode"], "allowlist");
    assert_eq!(
        v["allow"],
        serde_json::json!(["denied.test", "*.wild.test"])
    );
    assert_eq!(fetch(&env, &id, "http://denied.test:8080/").0, 0);
    assert!(
        fetch(&env, &id, &format!("http://{}:8080/", srv.ip))
            .2
            .contains("403")
    );

    assert_code(&env.run(&["egress", &id, "set", "none"]), 0);
    assert!(
        fetch(&env, &id, "http://denied.test:8080/")
            .2
            .contains("403")
    );
    // Never restarted.
    assert_eq!(
        inspect(&format!("dsbx-{id}"), "{{.State.StartedAt}}"),
        started
    );
}

#[test]
fn metadata_gateway_and_dns_are_closed_under_a_policy() {
    let Some((env, srv)) = env_with_servers(BUSYBOX, "[egress]\ndefault = \"none\"\n") else {
        return;
    };
    // A service on the host, bound to every address (as many are).
    let listener = std::net::TcpListener::bind("0.0.0.0:0").expect("listen");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            use std::io::Write;
            let mut c = conn;
            let _ = c.write_all(b"HTTP/1.0 200 OK\r\n\r\nhost-service\n");
        }
    });
    let gateway = inspect(&srv.network, "{{range .IPAM.Config}}{{.Gateway}}{{end}}");
    // The config's default gives a sandbox without --egress the `none` policy.
    let id = env.init(&[]);
    assert_eq!(stdout(&env.run(&["egress", &id])).trim(), "none");
    let internal_gateway = inspect(
        &format!("dsbx-net-{id}"),
        "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
    );
    // Directly: no route to the host's gateway addresses, the metadata address or the outside.
    for target in [&gateway, &internal_gateway, "169.254.169.254", &srv.ip] {
        let out = env.run(&[
            "exec",
            &id,
            &format!("http_proxy= timeout 10 wget -q -O- http://{target}:{port}/"),
        ]);
        assert_ne!(out.status.code(), Some(0), "{target}: {}", stdout(&out));
        assert!(!stdout(&out).contains("host-service"));
    }
    // Through the proxy: refused even when the list names them, even under `set all`.
    assert_code(
        &env.run(&[
            "egress",
            &id,
            "set",
            &format!("{gateway},169.254.0.0/16,allowed.test"),
        ]),
        0,
    );
    for target in [gateway.as_str(), "169.254.169.254"] {
        let (code, _, err) = fetch(&env, &id, &format!("http://{target}:{port}/"));
        assert!(code != 0 && err.contains("403"), "{target}: {err}");
    }
    assert_code(&env.run(&["egress", &id, "set", "all"]), 0);
    assert_eq!(fetch(&env, &id, "http://denied.test:8080/").0, 0);
    for target in [gateway.as_str(), "169.254.169.254"] {
        let (code, _, err) = fetch(&env, &id, &format!("http://{target}:{port}/"));
        assert!(code != 0 && err.contains("403"), "{target}: {err}");
    }
    let link_local_denied = |e: &serde_json::Value| {
        e["host"] == "169.254.169.254"
            && e["decision"] == "deny"
            && e["reason"].as_str().unwrap().contains("link-local")
    };
    let entries = log_entries_once(&env, &id, |e| e.iter().any(link_local_denied));
    assert!(entries.iter().any(link_local_denied), "{entries:?}");
    // DNS: the sandbox resolves only names on its internal network (the proxy), not the
    // outside network's names; the engine's resolver has no route to forward queries on.
    let out = env.run(&["exec", &id, "nslookup dsbx-egress"]);
    assert_code(&out, 0);
    let out = env.run(&["exec", &id, "timeout 20 nslookup allowed.test"]);
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains(&srv.ip), "{}", stdout(&out));
}

/// A TLS ClientHello carrying `name` as its server name (enough for the proxy's SNI check).
fn client_hello(name: &str) -> Vec<u8> {
    let name = name.as_bytes();
    let list: Vec<u8> = [
        &((name.len() + 3) as u16).to_be_bytes()[..],
        &[0],
        &(name.len() as u16).to_be_bytes(),
        name,
    ]
    .concat();
    let mut ext = vec![0, 0];
    ext.extend_from_slice(&(list.len() as u16).to_be_bytes());
    ext.extend_from_slice(&list);
    let mut hello = vec![3, 3];
    hello.extend_from_slice(&[7; 32]);
    hello.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0]);
    hello.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    hello.extend_from_slice(&ext);
    let mut hs = vec![1, 0];
    hs.extend_from_slice(&(hello.len() as u16).to_be_bytes());
    hs.extend_from_slice(&hello);
    let mut rec = vec![0x16, 3, 1];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

#[test]
fn connect_refuses_a_mismatched_sni() {
    let Some((env, _srv)) = env_with_servers(BUSYBOX, "") else {
        return;
    };
    let id = env.init(&["--egress", "allowed.test"]);
    let dir = tempfile::tempdir().unwrap();
    for (file, sni) in [("ok", "allowed.test"), ("bad", "denied.test")] {
        let mut bytes =
            b"CONNECT allowed.test:4433 HTTP/1.1\r\nHost: allowed.test:4433\r\n\r\n".to_vec();
        bytes.extend_from_slice(&client_hello(sni));
        std::fs::write(dir.path().join(file), bytes).unwrap();
        assert_code(
            &env.run(&[
                "upload",
                &id,
                path_str(&dir.path().join(file)),
                &format!("/tmp/{file}"),
            ]),
            0,
        );
    }
    // The matching hello reaches the server (which echoes it back); the mismatched one does not.
    let ok = env.run(&["exec", &id, "timeout 5 nc dsbx-egress 3128 < /tmp/ok"]);
    let ok = String::from_utf8_lossy(&ok.stdout).to_string();
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(
        ok.contains("allowed.test\u{7}") || ok.matches("allowed.test").count() >= 1,
        "{ok}"
    );
    assert!(ok.len() > 100, "the server did not echo the hello: {ok:?}");
    let bad = env.run(&["exec", &id, "timeout 5 nc dsbx-egress 3128 < /tmp/bad"]);
    let bad = String::from_utf8_lossy(&bad.stdout).to_string();
    assert!(bad.starts_with("HTTP/1.1 200"), "{bad}");
    assert!(
        !bad.contains("denied.test"),
        "the mismatched hello went through: {bad:?}"
    );
    let sni_denied = |e: &serde_json::Value| {
        e["method"] == "CONNECT"
            && e["decision"] == "deny"
            && e["reason"].as_str().unwrap().contains(
                "TLS server name denied.test does not match the CONNECT host allowed.test",
            )
    };
    let tunnel_allowed =
        |e: &serde_json::Value| e["method"] == "CONNECT" && e["decision"] == "allow";
    let entries = log_entries_once(&env, &id, |e| {
        e.iter().any(sni_denied) && e.iter().any(tunnel_allowed)
    });
    assert!(entries.iter().any(sni_denied), "{entries:?}");
    assert!(entries.iter().any(tunnel_allowed), "{entries:?}");
    // CONNECT to a host off the list is refused before any tunnel.
    let out = env.run(&[
        "exec",
        &id,
        "printf 'CONNECT denied.test:4433 HTTP/1.1\\r\\n\\r\\n' | timeout 5 nc dsbx-egress 3128",
    ]);
    assert!(stdout(&out).starts_with("HTTP/1.1 403"), "{}", stdout(&out));
}

#[test]
fn apt_honours_the_proxy() {
    let Some((env, _srv)) = env_with_servers(DEBIAN, "") else {
        return;
    };
    let id = env.init(&["--egress", "allowed.test"]);
    let script = "printf 'deb http://allowed.test:8080/debian bookworm main\\ndeb http://denied.test:8080/debian bookworm main\\n' > /tmp/s.list && \
        apt-get -o Dir::Etc::sourcelist=/tmp/s.list -o Dir::Etc::sourceparts=- -o Acquire::Retries=0 update 2>&1; true";
    let out = env.run(&["exec", "--root", &id, script]);
    let text = stdout(&out);
    // apt reached the allowed server (which has no such repository: 404) and was refused the
    // other by the proxy (403), never a resolution or connection failure.
    assert!(
        text.contains("allowed.test:8080") && text.contains("404"),
        "{text}"
    );
    assert!(
        text.contains("denied.test:8080") && text.contains("403"),
        "{text}"
    );
    let entries = log_entries_once(&env, &id, |e| {
        has_entry(e, "allow", "allowed.test") && has_entry(e, "deny", "denied.test")
    });
    assert!(has_entry(&entries, "allow", "allowed.test"), "{entries:?}");
    assert!(has_entry(&entries, "deny", "denied.test"), "{entries:?}");
}

#[test]
fn egress_usage_errors() {
    let env = TestEnv::offline("image = \"dsbx-test-busybox:latest\"\n");
    for (args, needle) in [
        (
            &["init", "--egress", "bad host"][..],
            "invalid egress entry `bad host`",
        ),
        (
            &["init", "--egress", "a.test,10.0.0.0/40"][..],
            "10.0.0.0/40",
        ),
        (
            &["init", "--egress", "none", "--network", "none"][..],
            "--network none",
        ),
        (
            &["egress", "abcd", "frob"][..],
            "unknown egress action `frob`",
        ),
        (&["egress", "abcd", "allow"][..], "needs at least one entry"),
        (&["egress", "abcd", "set", "a", "b"][..], "takes one policy"),
        (&["egress", "log"][..], "dsbx egress log ID"),
        (&["egress", "abcd", "-f"][..], "egress log ID"),
    ] {
        let out = env.run(args);
        assert_code(&out, 2);
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
    env.write_config("[egress]\ndefault = \"some\"\n");
    let out = env.run(&["init"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("all, none or allowlist"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn egress_on_a_sandbox_without_a_proxy() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    assert!(stdout(&env.run(&["info", &id])).contains("egress: all"));
    let out = env.run(&["egress", &id, "allow", "x.test"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("has no egress proxy"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["egress", "log", &id]);
    assert_code(&out, 1);
    assert_code(&env.run(&["egress", "zzzzzz", "allow", "x.test"]), 3);
}

#[test]
fn gc_removes_an_expired_sandboxes_proxy_and_network() {
    let Some((env, _srv)) = env_with_servers(BUSYBOX, "") else {
        return;
    };
    let id = expired(&env, &["--egress", "allowed.test"]);
    assert_eq!(
        inspect(&format!("dsbx-egress-{id}"), "{{.State.Status}}"),
        "running"
    );
    let out = env.run(&["gc", "--json"]);
    assert_code(&out, 0);
    assert!(gc_removed_ids(&out).contains(&id), "{}", stdout(&out));
    assert_ne!(
        docker(&["inspect", &format!("dsbx-egress-{id}")])
            .status
            .code(),
        Some(0)
    );
    assert_ne!(
        docker(&["network", "inspect", &format!("dsbx-net-{id}")])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn a_stopped_sandbox_starts_with_its_proxy() {
    let Some((env, _srv)) = env_with_servers(BUSYBOX, "") else {
        return;
    };
    let id = env.init(&["--egress", "allowed.test"]);
    // As after a reboot: both stopped.
    assert!(
        docker(&[
            "stop",
            "-t",
            "1",
            &format!("dsbx-{id}"),
            &format!("dsbx-egress-{id}")
        ])
        .status
        .success()
    );
    let (code, out, err) = fetch(&env, &id, "http://allowed.test:8080/");
    assert_eq!((code, out.trim()), (0, "hello-from-server"), "{err}");
}
