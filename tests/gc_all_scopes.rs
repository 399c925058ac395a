//! `dsbx gc --all-scopes` for real (not a dry run): the machine-wide cron of the contract, run by
//! one scope, removes another scope's expired sandbox and keeps everything else.
//!
//! Why a test binary of its own: a real `--all-scopes` removes every scope's expired sandboxes on
//! the engine, including those other tests are about to look at. `cargo test` runs test binaries
//! one after another, so nothing else of the suite runs while this one does.

mod common;

use common::*;

/// `ls --json` of this environment: (id, status) of each row.
fn rows(env: &TestEnv) -> Vec<(String, String)> {
    let out = env.run(&["ls", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn all_scopes_removes_another_scopes_expired_sandbox_and_keeps_the_rest() {
    let Some(cron) = TestEnv::new() else { return };
    let Some(user) = TestEnv::new() else { return };
    assert_ne!(cron.scope, user.scope);
    let ours = expired(&cron, &[]);
    let theirs = expired(&user, &[]);
    let theirs_alive = user.init(&["--timeout", "1h"]);
    // A container with another tool's labels and an old "deadline": never dsbx's to remove.
    let foreign = format!("dsbx-test-foreign-{}", random_suffix());
    assert!(
        docker(&[
            "create",
            "--name",
            &foreign,
            "--label",
            "other.tool=yes",
            "--label",
            "expires-at=2020-01-01T00:00:00Z",
            "dsbx-test-busybox",
            "true",
        ])
        .status
        .success()
    );

    // Without --all-scopes, the other scope's sandbox is not this one's to judge.
    let out = cron.run(&["gc", "--json"]);
    assert_code(&out, 0);
    assert_eq!(gc_removed_ids(&out), [ours]);
    assert_eq!(status(&theirs), "exited");

    let out = cron.run(&["gc", "--all-scopes"]);
    let foreign_kept = docker(&["inspect", &foreign]).status.success();
    docker(&["rm", "-f", &foreign]);
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("sandbox {theirs}"))),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains(&theirs_alive)),
        "{lines:?}"
    );
    assert_eq!(status(&theirs), "gone");
    assert_eq!(status(&theirs_alive), "running");
    assert!(
        foreign_kept,
        "a container without dsbx's labels was removed"
    );

    // The other scope's state still names the removed sandbox: its own ls says so truthfully,
    // and its own gc settles the record.
    let seen = rows(&user);
    assert!(
        seen.contains(&(theirs.clone(), "missing".to_string())),
        "{seen:?}"
    );
    assert!(
        seen.contains(&(theirs_alive.clone(), "running".to_string())),
        "{seen:?}"
    );
    let out = user.run(&["gc"]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains(&format!("record {theirs}")),
        "{}",
        stdout(&out)
    );
    assert!(!user.state_text().contains(&theirs));
    assert_eq!(rows(&user), [(theirs_alive.clone(), "running".to_string())]);
}
