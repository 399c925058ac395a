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
        assert_eq!(err.trim().lines().count(), 1, "{err}");
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
