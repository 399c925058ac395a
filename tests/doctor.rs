//! `dsbx doctor`: every check named, exit 0 only when none fails, and a broken setup (dead
//! engine, broken config, unwritable state) reported without stopping the other checks.

mod common;

use common::*;

const CHECKS: &[&str] = &[
    "config",
    "url_template",
    "state",
    "engine",
    "image",
    "proxy",
    "disk",
    "helper",
];

fn report(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("doctor --json printed no JSON ({e}): {}", stdout(out)))
}

fn check<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check `{name}` in {v}"))
}

/// Every check is there, in order, with a status word and a message.
fn assert_all_checks(v: &serde_json::Value) {
    let names: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, CHECKS, "{v}");
    for c in v["checks"].as_array().unwrap() {
        assert!(
            ["ok", "warn", "fail"].contains(&c["status"].as_str().unwrap()),
            "{c}"
        );
        assert!(!c["message"].as_str().unwrap().is_empty(), "{c}");
        assert!(c["hint"].is_string(), "{c}");
        if c["status"] != "ok" {
            assert!(!c["hint"].as_str().unwrap().is_empty(), "{c}");
        }
    }
}

#[test]
fn healthy_setup_passes() {
    let Some(env) = TestEnv::new() else { return };
    let out = env.run(&["doctor", "--json"]);
    assert_code(&out, 0);
    let v = report(&out);
    assert_all_checks(&v);
    assert_eq!(v["ok"], true);
    let engine = check(&v, "engine");
    assert_eq!(engine["status"], "ok");
    let message = engine["message"].as_str().unwrap();
    // How the engine was found, and its version.
    assert!(message.contains("unix:///var/run/docker.sock"), "{message}");
    assert!(message.contains("from "), "{message}");
    let server = docker_lines(&["version", "--format", "{{.Server.Version}}"]);
    assert!(message.contains(&server[0]), "{message} vs {server:?}");
    // The test config's image is the busybox one, which is on the engine.
    assert_eq!(check(&v, "image")["status"], "ok");
    assert!(
        check(&v, "image")["message"]
            .as_str()
            .unwrap()
            .contains(BUSYBOX)
    );
    assert_eq!(check(&v, "state")["status"], "ok");
    assert_eq!(check(&v, "config")["status"], "ok");
    assert!(
        check(&v, "config")["message"]
            .as_str()
            .unwrap()
            .contains(path_str(&env.config))
    );
    // This test binary's dsbx is the static Linux build of the engine's architecture.
    assert_eq!(check(&v, "helper")["status"], "ok", "{v}");

    // People's output: one line per check, each with a mark and the check's name.
    let out = env.run(&["doctor"]);
    assert_code(&out, 0);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), CHECKS.len(), "{text}");
    for (line, name) in lines.iter().zip(CHECKS) {
        assert!(line.starts_with("✓ ") || line.starts_with("! "), "{line}");
        let (_, rest) = line.split_once(' ').unwrap();
        assert!(rest.starts_with(name), "{line}");
    }
    // Off a terminal nothing else is said.
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn dead_engine_fails_naming_the_socket() {
    let env = TestEnv::offline("image = \"dsbx-test-busybox:latest\"\n");
    let socket = env.dir.path().join("no-engine.sock");
    let host = format!("unix://{}", socket.display());
    let started = std::time::Instant::now();
    let out = env
        .dsbx()
        .env("DOCKER_HOST", &host)
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "doctor hung on a dead socket"
    );
    assert_code(&out, 1);
    let v = report(&out);
    assert_all_checks(&v);
    assert_eq!(v["ok"], false);
    let engine = check(&v, "engine");
    assert_eq!(engine["status"], "fail");
    let message = engine["message"].as_str().unwrap();
    assert!(message.contains(&host), "{message}");
    assert!(message.contains("DOCKER_HOST"), "{message}");
    // What needs the engine is not checked, and says so; the rest still ran.
    assert_eq!(check(&v, "image")["status"], "warn");
    assert_eq!(check(&v, "config")["status"], "ok");
    assert_eq!(check(&v, "state")["status"], "ok");

    // The flag wins over the environment and is named as the source.
    let out = env
        .dsbx()
        .args(["doctor", "--docker-host", &host])
        .output()
        .unwrap();
    assert_code(&out, 1);
    let text = stdout(&out);
    let line = text.lines().find(|l| l.contains("engine")).unwrap();
    assert!(line.starts_with("✗ "), "{line}");
    assert!(
        line.contains(&host) && line.contains("--docker-host"),
        "{line}"
    );
}

#[test]
fn broken_config_is_reported_and_the_rest_still_runs() {
    let Some(env) = TestEnv::with_config("image = \"x\"\n\ntimeout = \"5x\"\n") else {
        return;
    };
    let out = env.run(&["doctor", "--json"]);
    assert_code(&out, 1);
    let v = report(&out);
    assert_all_checks(&v);
    assert_eq!(v["ok"], false);
    let config = check(&v, "config");
    assert_eq!(config["status"], "fail");
    let message = config["message"].as_str().unwrap();
    assert!(message.contains(path_str(&env.config)), "{message}");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("timeout"), "{message}");
    // The engine and the state were still checked.
    assert_eq!(check(&v, "engine")["status"], "ok");
    assert_eq!(check(&v, "state")["status"], "ok");
    assert_ne!(
        check(&v, "image")["message"],
        "not checked: the engine is unreachable"
    );

    // An unknown key is named too, in people's output.
    env.write_config("imagee = \"x\"\n");
    let out = env.run(&["doctor"]);
    assert_code(&out, 1);
    let text = stdout(&out);
    let line = text.lines().find(|l| l.contains("config")).unwrap();
    assert!(line.starts_with("✗ "), "{line}");
    assert!(line.contains("imagee") && line.contains("line 1"), "{line}");
    assert!(text.lines().any(|l| l.starts_with("✓ engine")), "{text}");
}

#[test]
fn bad_url_template_fails_its_check() {
    let Some(env) = TestEnv::new() else { return };
    let out = env
        .dsbx()
        .env("DSBX_URL_TEMPLATE", "https://{prot}-{id}.example.com")
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert_code(&out, 1);
    let v = report(&out);
    assert_all_checks(&v);
    let url = check(&v, "url_template");
    assert_eq!(url["status"], "fail");
    let message = url["message"].as_str().unwrap();
    assert!(
        message.contains("{prot}") && message.contains("DSBX_URL_TEMPLATE"),
        "{message}"
    );

    // A good one is shown rendered.
    env.write_config(
        "image = \"dsbx-test-busybox:latest\"\nurl_template = \"https://{port}-{id}.sbx.example.com\"\n",
    );
    let out = env.run(&["doctor", "--json"]);
    assert_code(&out, 0);
    let v = report(&out);
    let message = check(&v, "url_template")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains(".sbx.example.com"), "{message}");
}

#[test]
fn missing_image_warns_that_init_will_build_it() {
    let image = format!("dsbx-doctor-absent-{}:latest", random_suffix());
    let Some(env) = TestEnv::with_config(&format!("image = \"{image}\"\n")) else {
        return;
    };
    let out = env.run(&["doctor", "--json"]);
    assert_code(&out, 0);
    let v = report(&out);
    let check = check(&v, "image");
    assert_eq!(check["status"], "warn");
    let message = check["message"].as_str().unwrap();
    assert!(
        message.contains(&image) && message.contains("build"),
        "{message}"
    );
    assert!(
        check["hint"]
            .as_str()
            .unwrap()
            .contains("dsbx template build")
    );
}

#[test]
fn unwritable_state_directory_fails() {
    let Some(env) = TestEnv::new() else { return };
    let out = env.run_with_read_only_state(&["doctor", "--json"]);
    assert_code(&out, 1);
    let v = report(&out);
    assert_all_checks(&v);
    let state = check(&v, "state");
    assert_eq!(state["status"], "fail");
    let message = state["message"].as_str().unwrap();
    assert!(
        message.contains(path_str(&env.state_dir)) && message.contains("not writable"),
        "{message}"
    );
    assert_eq!(check(&v, "engine")["status"], "ok");
}

#[test]
fn unparsable_state_file_fails_and_is_left_alone() {
    let Some(env) = TestEnv::new() else { return };
    std::fs::create_dir_all(&env.state_dir).unwrap();
    std::fs::write(env.state_file(), "sandboxes = [[[ garbage").unwrap();
    let out = env.run(&["doctor"]);
    assert_code(&out, 1);
    let text = stdout(&out);
    let line = text.lines().find(|l| l.contains(" state")).unwrap();
    assert!(line.starts_with("✗ "), "{line}");
    assert!(line.contains("does not parse"), "{line}");
    assert_eq!(
        std::fs::read_to_string(env.state_file()).unwrap(),
        "sandboxes = [[[ garbage"
    );
}

#[test]
fn proxy_container_is_seen() {
    let Some(env) = TestEnv::new() else { return };
    let _lock = engine_lock("proxy");
    // A stand-in labelled as dsbx's proxy, in this test's scope so the harness removes it.
    let name = format!("dsbx-doctor-proxy-{}", random_suffix());
    let scope_label = format!("dsbx.scope={}", env.scope);
    let out = docker(&[
        "run",
        "-d",
        "--name",
        &name,
        "--label",
        "dsbx.managed=true",
        "--label",
        "dsbx.role=proxy",
        "--label",
        &scope_label,
        BUSYBOX,
        "sleep",
        "300",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let result = env.run(&["doctor", "--json"]);
    let _ = docker(&["rm", "-f", &name]);
    assert_code(&result, 0);
    let v = report(&result);
    let proxy = check(&v, "proxy");
    assert_eq!(proxy["status"], "ok");
    assert!(
        proxy["message"].as_str().unwrap().contains("running"),
        "{proxy}"
    );
}
