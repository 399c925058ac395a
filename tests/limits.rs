//! `[limits] max_sandboxes` and `max_sandboxes_host`: an init past a cap fails (exit 1) naming
//! the limit, the count and how to free room, and racing inits never overshoot.

mod common;

use common::*;

#[test]
fn twenty_racing_inits_never_overshoot_the_scope_cap() {
    let Some(env) =
        TestEnv::with_config("image = \"dsbx-test-busybox:latest\"\n[limits]\nmax_sandboxes = 5\n")
    else {
        return;
    };
    let children: Vec<_> = (0..20)
        .map(|_| {
            env.spawnable()
                .args(["init", "--timeout", "10m"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn dsbx init")
        })
        .collect();
    let outs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect();
    let ok = outs.iter().filter(|o| o.status.success()).count();
    assert_eq!(ok, 5, "{} inits succeeded", ok);
    for o in outs.iter().filter(|o| !o.status.success()) {
        assert_code(o, 1);
        let err = stderr(o);
        assert!(
            err.contains(&format!("scope `{}` has 5 sandboxes", env.scope))
                && err.contains("`[limits] max_sandboxes` is 5")
                && err.contains("dsbx kill"),
            "{err}"
        );
        // One error line (a racing init may also note that it waits for the count's lock).
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{err}"
        );
        assert!(o.stdout.is_empty());
    }
    // Nothing of the refused inits is left: five containers, five records.
    assert_eq!(env.containers().len(), 5, "{:?}", env.containers());
    let ls = stdout(&env.run(&["ls", "-q"]));
    assert_eq!(ls.lines().count(), 5, "{ls}");
    // Killing one makes room for exactly one.
    let first = ls.lines().next().unwrap().to_string();
    assert_code(&env.run(&["kill", &first]), 0);
    env.init(&[]);
    assert_code(&env.run(&["init"]), 1);
}

#[test]
fn the_host_cap_counts_every_scope() {
    let Some(env) = TestEnv::new() else { return };
    // At least this one exists on the engine, so a host cap of 1 leaves no room.
    env.init(&[]);
    env.write_config("image = \"dsbx-test-busybox:latest\"\n[limits]\nmax_sandboxes_host = 1\n");
    let other = TestEnv::offline(
        "image = \"dsbx-test-busybox:latest\"\n[limits]\nmax_sandboxes_host = 1\n",
    );
    let out = other.run(&["init"]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("`[limits] max_sandboxes_host` is 1") && err.contains("dsbx ls --all-scopes"),
        "{err}"
    );
    assert!(other.containers().is_empty());
    assert!(
        !other.state_text().contains("creating"),
        "{}",
        other.state_text()
    );
    // A large cap leaves room.
    env.write_config("image = \"dsbx-test-busybox:latest\"\n[limits]\nmax_sandboxes_host = 100000\nmax_sandboxes = 2\n");
    env.init(&[]);
    assert_code(&env.run(&["init"]), 1);
}

#[test]
fn info_shows_limits_and_cpuset_pins_nproc() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[
        "--cpus",
        "0.5",
        "--memory",
        "256m",
        "--pids",
        "99",
        "--cpuset-cpus",
        "0",
    ]);
    // --cpus is CFS time, invisible to nproc; --cpuset-cpus is what nproc counts.
    assert_eq!(stdout(&env.run(&["exec", &id, "nproc"])).trim(), "1");
    let info = stdout(&env.run(&["info", &id, "--stats"]));
    for want in [
        "memory limit: 256.0 MiB (using ",
        "cpus: 0.5",
        "cpuset: 0",
        "pids limit: 99 (using ",
        "disk: unlimited",
    ] {
        assert!(info.contains(want), "{want}: {info}");
    }
    let v: serde_json::Value =
        serde_json::from_slice(&env.run(&["--json", "info", &id]).stdout).unwrap();
    assert_eq!(v["limits"]["memory_bytes"], 256 << 20);
    assert_eq!(v["limits"]["cpus"], 0.5);
    assert_eq!(v["limits"]["pids"], 99);
    assert_eq!(v["limits"]["cpuset_cpus"], "0");
    assert!(v["limits"]["disk_bytes"].is_null());
    let out = env.run(&["init", "--cpuset-cpus", "1-0"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("--cpuset-cpus"), "{}", stderr(&out));
    let out = env.run(&["init", "--disk", "1m"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("at least 16m"), "{}", stderr(&out));
}
