mod common;
use common::*;

use std::time::{Duration, Instant};

/// Writes a page into the sandbox's /www (as root, through docker exec: `dsbx exec` is built in
/// parallel).
fn write_page(id: &str, dir: &str, text: &str) {
    let out = docker(&[
        "exec",
        &format!("dsbx-{id}"),
        "sh",
        "-c",
        &format!("mkdir -p {dir} && echo {text} > {dir}/index.html"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Starts busybox httpd in the background on `port`, serving `dir`, after `delay` seconds.
fn serve(id: &str, port: u16, dir: &str, delay: u32) {
    let cmd = format!("sleep {delay}; exec httpd -f -p {port} -h {dir}");
    let out = docker(&["exec", "-d", &format!("dsbx-{id}"), "sh", "-c", &cmd]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// `curl -s URL`: (HTTP status, body).
fn curl(args: &[&str]) -> (String, String) {
    let out = std::process::Command::new("curl")
        .args(["-s", "-m", "10", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    (code.to_string(), body.to_string())
}

/// Polls until the sandbox answers on `url` (server start-up is asynchronous).
fn fetch_when_up(url: &str) -> (String, String) {
    let start = Instant::now();
    loop {
        let got = curl(&[url]);
        if got.0 == "200" || start.elapsed() > Duration::from_secs(20) {
            return got;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn host_port(id: &str, port: u16) -> String {
    let line = docker_lines(&["port", &format!("dsbx-{id}"), &format!("{port}/tcp")]);
    let addr = line.first().expect("a published port").clone();
    addr.rsplit_once(':').unwrap().1.to_string()
}

#[test]
fn default_url_is_published_port_and_check_tells_the_truth() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["-p", "8000"]);
    let hp = host_port(&id, 8000);
    let expected = format!("http://127.0.0.1:{hp}");

    // Both forms, one URL alone on stdout.
    let out = env.run(&["get-host", &id, "8000"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), format!("{expected}\n"));
    let out = env.run(&["get-host", &id, "-p", "8000"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), format!("{expected}\n"));
    let out = env.run(&["get-host", &id, "--port", "8000", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["url"], expected.as_str());
    assert_eq!(v["port"], 8000);
    assert_eq!(v["host_port"], hp.parse::<u64>().unwrap());
    assert_eq!(v["sandbox"], id.as_str());

    // Nothing listens yet: --check says so (exit 1), the URL is still printed.
    let out = env.run(&["get-host", &id, "8000", "--check"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), format!("{expected}\n"));
    assert!(
        stderr(&out).contains("nothing listens on port 8000 inside sandbox"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["get-host", &id, "8000", "--check", "--json"]);
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["answers"], false);
    assert!(v["reason"].as_str().unwrap().contains("nothing listens"));

    write_page(&id, "/www", &format!("page-of-{id}"));
    serve(&id, 8000, "/www", 0);
    let (code, body) = fetch_when_up(&expected);
    assert_eq!(
        (code.as_str(), body.trim()),
        ("200", format!("page-of-{id}").as_str())
    );
    let out = env.run(&["get-host", &id, "8000", "--check"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), format!("{expected}\n"));
    let out = env.run(&["get-host", &id, "8000", "--check", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["answers"], true);

    // The process listens inside, but this URL reaches nothing: the other half of the answer.
    let out = env.run(&[
        "get-host",
        &id,
        "8000",
        "--check",
        "--url-template",
        "http://127.0.0.1:1/",
    ]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("listens inside") && stderr(&out).contains("URL does not answer"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn wait_returns_once_a_background_server_listens() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["-p", "8000"]);
    write_page(&id, "/www", "waited-for");
    serve(&id, 8000, "/www", 2);
    let start = Instant::now();
    let out = env.run(&["get-host", &id, "8000", "--wait", "60s"]);
    let took = start.elapsed();
    assert_code(&out, 0);
    // Returned when the server came up, not at the end of the minute.
    assert!(took < Duration::from_secs(30), "took {took:?}");
    let url = stdout(&out).trim().to_string();
    let (code, body) = curl(&[&url]);
    assert_eq!((code.as_str(), body.trim()), ("200", "waited-for"));
}

#[test]
fn wait_runs_out_with_exit_1() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["-p", "8000"]);
    let start = Instant::now();
    let out = env.run(&["get-host", &id, "8000", "--wait", "1s"]);
    assert_code(&out, 1);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert!(stdout(&out).starts_with("http://127.0.0.1:"));
    let err = stderr(&out);
    assert!(
        err.contains("nothing listens") && err.contains("waited 1s"),
        "{err}"
    );
}

#[test]
fn templates_render_exactly_with_precedence() {
    let Some(env) = TestEnv::new() else { return };
    let name = format!("web-{}", &env.scope[2..8]);
    let id = env.init(&["-p", "8000", "-n", &name]);
    let hp = host_port(&id, 8000);
    let ip = inspect(
        &format!("dsbx-{id}"),
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
    );
    let out = env.run(&[
        "get-host",
        &name,
        "8000",
        "--url-template",
        "https://{port}-{id}.sbx.example.com/{name}?h={host}:{host_port}&ip={ip}",
    ]);
    assert_code(&out, 0);
    assert_eq!(
        stdout(&out),
        format!("https://8000-{id}.sbx.example.com/{name}?h=127.0.0.1:{hp}&ip={ip}\n")
    );

    // The config's url_template, then DSBX_URL_TEMPLATE over it, then the flag over both.
    env.write_config(
        "image = \"dsbx-test-busybox:latest\"\nurl_template = \"https://{port}-{id}.from-config.test\"\n",
    );
    let out = env.run(&["get-host", &id, "8000"]);
    assert_code(&out, 0);
    assert_eq!(
        stdout(&out),
        format!("https://8000-{id}.from-config.test\n")
    );
    let out = env
        .dsbx()
        .env("DSBX_URL_TEMPLATE", "http://{name}.from-env.test:{port}")
        .args(["get-host", &id, "8000"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(stdout(&out), format!("http://{name}.from-env.test:8000\n"));
    let out = env
        .dsbx()
        .env("DSBX_URL_TEMPLATE", "http://{name}.from-env.test:{port}")
        .args([
            "get-host",
            &id,
            "8000",
            "--url-template",
            "http://{id}.flag.test",
        ])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(stdout(&out), format!("http://{id}.flag.test\n"));

    // A proxy domain without a template: {port}-{id}.<domain>, https with a certificate.
    env.write_config(
        "image = \"dsbx-test-busybox:latest\"\n[proxy]\ndomain = \"sbx.example.com\"\n",
    );
    let out = env.run(&["get-host", &id, "8000"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), format!("http://8000-{id}.sbx.example.com\n"));
}

#[test]
fn bad_inputs_are_usage_errors_and_leave_nothing() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["-p", "8000"]);
    let state_before = env.state_text();
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["get-host", &id, "0"], 2, "invalid port `0`"),
        (vec!["get-host", &id, "70000"], 2, "invalid port `70000`"),
        (
            vec!["get-host", &id, "-p", "http"],
            2,
            "invalid port `http`",
        ),
        (
            vec![
                "get-host",
                &id,
                "8000",
                "--url-template",
                "https://{prot}-{id}.x.test",
            ],
            2,
            "unknown placeholder `{prot}`",
        ),
        (
            vec![
                "get-host",
                &id,
                "8000",
                "--url-template",
                "https://{port}_{id}.x.test",
            ],
            2,
            "`_` is not allowed in a DNS label",
        ),
        (
            vec![
                "get-host",
                &id,
                "8000",
                "--url-template",
                "https://{port}-{id}-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x.test",
            ],
            2,
            "DNS allows 63",
        ),
        (
            vec![
                "get-host",
                &id,
                "9000",
                "--url-template",
                "http://{host}:{host_port}",
            ],
            2,
            "create the sandbox with `dsbx init -p 9000`",
        ),
        (
            vec!["get-host", &id, "8000", "--wait", "soon"],
            2,
            "invalid duration `soon`",
        ),
        (
            vec!["get-host", "zzzzzzzzzzzz", "8000"],
            3,
            "no sandbox `zzzzzzzzzzzz`",
        ),
        (vec!["get-host", &id], 2, "PORT"),
    ];
    for (args, code, text) in cases {
        let out = env.run(&args);
        assert_code(&out, code);
        assert!(stdout(&out).is_empty(), "{args:?} printed {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains(text), "{args:?}: expected `{text}` in {err}");
        if code != 2 || !text.contains("PORT") {
            // One line of error (clap's missing-argument help aside).
            assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        }
    }
    // A bad DSBX_URL_TEMPLATE is a usage error too.
    let out = env
        .dsbx()
        .env("DSBX_URL_TEMPLATE", "http://{nope}")
        .args(["get-host", &id, "8000"])
        .output()
        .unwrap();
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("DSBX_URL_TEMPLATE"),
        "{}",
        stderr(&out)
    );
    // With --json the failure is an error object on stdout.
    let out = env.run(&["get-host", &id, "0", "--json"]);
    assert_code(&out, 2);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
    assert_eq!(v["error"]["exit_code"], 2);
    // Nothing left behind: the one sandbox, the same state.
    assert_eq!(env.containers(), vec![format!("dsbx-{id}")]);
    assert_eq!(env.state_text(), state_before);
}

#[test]
fn unpublished_port_default_is_the_sandbox_address_and_answers() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    write_page(&id, "/srv", "by-address");
    serve(&id, 8000, "/srv", 0);
    let ip = inspect(
        &format!("dsbx-{id}"),
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
    );
    let out = env.run(&["get-host", &id, "8000", "--wait", "30s"]);
    assert_code(&out, 0);
    let url = format!("http://{ip}:8000");
    assert_eq!(stdout(&out), format!("{url}\n"));
    let (code, body) = curl(&[&url]);
    assert_eq!((code.as_str(), body.trim()), ("200", "by-address"));
    let out = env.run(&["get-host", &id, "8000", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["host_port"], serde_json::Value::Null);
}

#[test]
fn stopped_sandbox_has_no_default_url_and_does_not_answer() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["-p", "8000"]);
    let out = docker(&["stop", "-t", "1", &format!("dsbx-{id}")]);
    assert!(out.status.success());
    let out = env.run(&["get-host", &id, "8000"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("is stopped"), "{}", stderr(&out));
    // A template that needs nothing from the running container still renders...
    let out = env.run(&[
        "get-host",
        &id,
        "8000",
        "--url-template",
        "https://{port}-{id}.x.test",
        "--wait",
        "30s",
    ]);
    // ...and --wait gives up at once: a stopped sandbox does not start by itself.
    assert_code(&out, 1);
    assert_eq!(stdout(&out), format!("https://8000-{id}.x.test\n"));
    assert!(stderr(&out).contains("is stopped"), "{}", stderr(&out));
}

/// `printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 HOST PORT` from inside sandbox `from`.
fn nc_get(from: &str, host: &str, port: u16) -> String {
    docker_exec(
        &format!("dsbx-{from}"),
        &[
            "sh",
            "-c",
            &format!("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 {host} {port} 2>&1"),
        ],
    )
}

#[test]
fn sandboxes_on_dsbx_reach_each_other_by_id_but_not_from_none_or_isolated() {
    let Some(env) = TestEnv::new() else { return };
    let server = env.init(&[]);
    write_page(&server, "/www", &format!("served-by-{server}"));
    serve(&server, 8000, "/www", 0);
    let out = env.run(&["get-host", &server, "8000", "--wait", "30s"]);
    assert_code(&out, 0);

    let peer = env.init(&[]);
    let got = nc_get(&peer, &server, 8000);
    assert!(
        got.contains(&format!("served-by-{server}")),
        "peer got: {got}"
    );

    let cut_off = env.init(&["--network", "none"]);
    let got = nc_get(&cut_off, &server, 8000);
    assert!(!got.contains("served-by"), "--network none got: {got}");
    let ip = inspect(
        &format!("dsbx-{server}"),
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
    );
    let got = nc_get(&cut_off, &ip, 8000);
    assert!(
        !got.contains("served-by"),
        "--network none by address got: {got}"
    );

    let isolated = env.init(&["--isolated"]);
    let got = nc_get(&isolated, &server, 8000);
    assert!(!got.contains("served-by"), "--isolated got: {got}");
    let got = nc_get(&isolated, &ip, 8000);
    assert!(
        !got.contains("served-by"),
        "--isolated by address got: {got}"
    );
}

#[test]
fn host_ports_are_read_from_docker_after_a_restart() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["-p", "8000"]);
    let c = format!("dsbx-{id}");
    let docker_port = || {
        let out = docker(&["port", &c, "8000/tcp"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        let first = text.lines().next().unwrap_or_default().to_string();
        first.rsplit(':').next().unwrap().parse::<u16>().unwrap()
    };
    let host_port = || {
        let out = env.run(&["get-host", "--json", &id, "8000"]);
        assert_code(&out, 0);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["host_port"].as_u64().unwrap() as u16
    };
    let before = host_port();
    assert_eq!(before, docker_port());
    assert!(docker(&["restart", "-t", "1", &c]).status.success());
    let after = host_port();
    assert_eq!(
        after,
        docker_port(),
        "get-host follows Docker, not a record"
    );
    let out = env.run(&["get-host", &id, "8000"]);
    assert_eq!(stdout(&out), format!("http://127.0.0.1:{after}\n"));
}

#[test]
fn a_server_bound_to_loopback_inside_listens_but_its_url_does_not_answer() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["-p", "8000"]);
    let hp = host_port(&id, 8000);
    write_page(&id, "/www", "loopback-only");
    // The dev-server mistake: listening on the sandbox's 127.0.0.1, which the published port
    // (forwarded to the sandbox's network address) never reaches. The engine's proxy still
    // accepts the connection, so only an exchange of data tells.
    let cmd = "exec httpd -f -p 127.0.0.1:8000 -h /www";
    let out = docker(&["exec", "-d", &format!("dsbx-{id}"), "sh", "-c", cmd]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        wait_until(Duration::from_secs(20), || docker_exec(
            &format!("dsbx-{id}"),
            &["sh", "-c", "netstat -ltn | grep -c 127.0.0.1:8000"]
        ) == "1"),
        "httpd never listened"
    );
    let out = env.run(&["get-host", &id, "8000", "--check"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), format!("http://127.0.0.1:{hp}\n"));
    let err = stderr(&out);
    assert!(
        err.contains("port 8000 listens inside sandbox") && err.contains("the URL does not answer"),
        "{err}"
    );
    // Bounded --wait gives up with exit 1 and says why, still printing the URL.
    let started = Instant::now();
    let out = env.run(&["get-host", &id, "8000", "--wait", "2s"]);
    assert_code(&out, 1);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(stdout(&out), format!("http://127.0.0.1:{hp}\n"));
}
