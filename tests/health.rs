//! Health: `ls`/`info` show a HEALTHCHECK's state, `init --health-cmd` adds one, `init
//! --wait-healthy` and `get-host --wait` wait for it.

mod common;

use common::*;
use std::time::Duration;

fn ls_json(env: &TestEnv) -> serde_json::Value {
    serde_json::from_slice(&env.run(&["--json", "ls"]).stdout).expect("ls json")
}

fn health_in_ls(env: &TestEnv, id: &str) -> String {
    ls_json(env)["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .map(|s| s["health"].as_str().unwrap_or("null").to_string())
        .unwrap_or_default()
}

#[test]
fn an_images_healthcheck_shows_in_ls_and_info() {
    let Some(env) = TestEnv::new() else { return };
    let tag = format!("dsbx-test-health-{}:latest", random_suffix());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM {BUSYBOX}\nHEALTHCHECK --interval=1s --timeout=5s --retries=2 CMD test -f /tmp/ok\n"),
    )
    .unwrap();
    let out = docker(&["build", "-q", "-t", &tag, path_str(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    struct RemoveImage(String);
    impl Drop for RemoveImage {
        fn drop(&mut self) {
            let _ = docker(&["rmi", "-f", &self.0]);
        }
    }
    let _image = RemoveImage(tag.clone());

    let id = env.init(&["--image", &tag]);
    assert!(
        wait_until(Duration::from_secs(60), || health_in_ls(&env, &id)
            == "unhealthy"),
        "{}",
        health_in_ls(&env, &id)
    );
    assert_code(&env.run(&["exec", &id, "touch /tmp/ok"]), 0);
    assert!(
        wait_until(Duration::from_secs(60), || health_in_ls(&env, &id)
            == "healthy"),
        "{}",
        health_in_ls(&env, &id)
    );
    let table = stdout(&env.run(&["ls"]));
    assert!(table.contains("running (healthy)"), "{table}");
    let info = stdout(&env.run(&["info", &id]));
    assert!(info.contains("health: healthy"), "{info}");
    let json: serde_json::Value =
        serde_json::from_slice(&env.run(&["--json", "info", &id]).stdout).unwrap();
    assert_eq!(json["health"], "healthy");
    // --wait-healthy uses the image's check too.
    let out = env.run(&["init", "--image", &tag, "--wait-healthy", "30s"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("unhealthy"), "{}", stderr(&out));
}

#[test]
fn health_cmd_and_wait_healthy() {
    let Some(env) = TestEnv::new() else { return };
    let out = env.run(&[
        "init",
        "--health-cmd",
        "test -f /etc/passwd",
        "--health-interval",
        "1s",
        "--wait-healthy",
        "2m",
    ]);
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    // init returned only once healthy.
    assert_eq!(health_in_ls(&env, &id), "healthy");
    let info = stdout(&env.run(&["info", &id]));
    assert!(info.contains("health: healthy"), "{info}");

    // A check that fails: init fails, naming why, and leaves nothing behind.
    let before = env.containers().len();
    let out = env.run(&[
        "init",
        "--health-cmd",
        "false",
        "--health-interval",
        "1s",
        "--wait-healthy",
        "2m",
    ]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("unhealthy"), "{}", stderr(&out));
    assert_eq!(env.containers().len(), before);
    assert!(
        !env.state_text().contains("creating = true"),
        "{}",
        env.state_text()
    );

    // No check at all.
    let out = env.run(&["init", "--wait-healthy", "10s"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("no HEALTHCHECK"), "{}", stderr(&out));
    assert_eq!(env.containers().len(), before);
    // A sandbox without a check shows none.
    let plain = env.init(&[]);
    assert_eq!(health_in_ls(&env, &plain), "null");
    assert!(stdout(&env.run(&["info", &plain])).contains("health: -"));
}

#[test]
fn get_host_wait_waits_for_healthy() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--health-cmd", "test -f /tmp/ok", "--health-interval", "1s"]);
    assert_code(
        &env.run(&[
            "exec",
            "-b",
            &id,
            "mkdir -p /tmp/w && echo hi > /tmp/w/index.html && httpd -f -p 8080 -h /tmp/w",
        ]),
        0,
    );
    assert!(wait_until(Duration::from_secs(30), || env
        .run(&["get-host", &id, "8080", "--check"])
        .status
        .success()));
    let out = env.run(&["get-host", &id, "8080", "--wait", "3s"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("health check says"),
        "{}",
        stderr(&out)
    );
    assert_code(&env.run(&["exec", &id, "touch /tmp/ok"]), 0);
    let out = env.run(&["get-host", &id, "8080", "--wait", "2m"]);
    assert_code(&out, 0);
}

#[test]
fn health_usage_errors() {
    let env = TestEnv::offline("image = \"dsbx-test-busybox:latest\"\n");
    for (args, needle) in [
        (&["init", "--health-interval", "1s"][..], "--health-cmd"),
        (&["init", "--health-cmd", " "][..], "--health-cmd is empty"),
        (
            &["init", "--health-cmd", "true", "--health-interval", "0"][..],
            "--health-interval",
        ),
        (&["init", "--wait-healthy", "0"][..], "--wait-healthy"),
        (&["init", "--wait-healthy", "soon"][..], "soon"),
    ] {
        let out = env.run(args);
        assert_code(&out, 2);
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
}
