//! `dsbx gc`: what it removes (expired, dead, gone records, orphan isolated networks, and with
//! `--older-than`/`--idle` more), what it never touches, and its cron-safe output.

mod common;

use common::*;
use std::time::Duration;

/// Each stdout line of a gc off a terminal: `<RFC 3339> <verb…> <kind> <id> (<why>)`.
fn actions(out: &std::process::Output) -> Vec<String> {
    stdout(out)
        .lines()
        .map(|line| {
            let stamp = line.split(' ').next().unwrap();
            assert!(
                chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
                "no RFC 3339 timestamp first: {line}"
            );
            line.to_string()
        })
        .collect()
}

/// Removes the decoys a test made outside dsbx, even when it fails.
struct Decoys(Vec<(&'static str, String)>);

impl Drop for Decoys {
    fn drop(&mut self) {
        for (kind, name) in &self.0 {
            let _ = match *kind {
                "network" => docker(&["network", "rm", name]),
                _ => docker(&["rm", "-f", "-v", name]),
            };
        }
    }
}

#[test]
fn dry_run_changes_nothing_then_gc_removes_the_expired() {
    let Some(env) = TestEnv::new() else { return };
    let old = expired(&env, &[]);
    let isolated = expired(&env, &["--isolated"]);
    let keep = env.init(&["--timeout", "10m"]);
    let net = format!("dsbx-net-{isolated}");

    let out = env.run(&["gc", "--dry-run"]);
    assert_code(&out, 0);
    let lines = actions(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    for id in [&old, &isolated] {
        assert!(
            lines
                .iter()
                .any(|l| l.contains(id.as_str()) && l.contains("would remove")),
            "{lines:?}"
        );
    }
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(status(&old), "exited");
    assert_eq!(status(&isolated), "exited");
    assert_eq!(
        docker_lines(&["network", "ls", "-q", "--filter", &format!("name=^{net}$")]).len(),
        1
    );
    assert!(env.state_text().contains(&old));

    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    let lines = actions(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains(" removed sandbox ") && l.contains("deadline passed")),
        "{lines:?}"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(status(&old), "gone");
    assert_eq!(status(&isolated), "gone");
    assert!(
        docker_lines(&["network", "ls", "-q", "--filter", &format!("name=^{net}$")]).is_empty()
    );
    let state = env.state_text();
    assert!(
        !state.contains(&old) && !state.contains(&isolated),
        "{state}"
    );
    assert_eq!(status(&keep), "running");
    assert!(state.contains(&keep));

    // Nothing left to do: nothing at all on either stream.
    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
}

#[test]
fn json_is_one_object() {
    let Some(env) = TestEnv::new() else { return };
    let id = expired(&env, &[]);
    let out = env.run(&["gc", "--json", "--dry-run"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["removed"][0]["id"], id.as_str());
    assert_eq!(v["removed"][0]["kind"], "sandbox");
    assert_eq!(v["removed"][0]["reason"], "expired");
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
    let out = env.run(&["gc", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["dry_run"], false);
    assert_eq!(v["removed"][0]["id"], id.as_str());
    assert_eq!(status(&id), "gone");
    let out = env.run(&["gc", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["removed"].as_array().unwrap().len(), 0);
}

#[test]
fn without_a_state_file_the_deadline_is_read_from_the_sandbox() {
    let Some(env) = TestEnv::new() else { return };
    let gone = expired(&env, &[]);
    let stopped = env.init(&["--timeout", "1h"]);
    let running = env.init(&["--timeout", "1h"]);
    assert!(
        docker(&["stop", "-t", "1", &format!("dsbx-{stopped}")])
            .status
            .success()
    );
    std::fs::remove_file(env.state_file()).unwrap();

    let out = env.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let status_of = |id: &str| {
        v["sandboxes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status_of(&gone).as_deref(), Some("expired"));
    assert_eq!(status_of(&stopped).as_deref(), Some("untracked"));
    assert_eq!(status_of(&running).as_deref(), Some("untracked"));

    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    let lines = actions(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(&gone), "{lines:?}");
    assert_eq!(status(&gone), "gone");
    assert_eq!(
        status(&stopped),
        "exited",
        "a stopped unexpired sandbox is kept"
    );
    assert_eq!(status(&running), "running");
}

#[test]
fn a_stopped_unexpired_sandbox_is_kept_and_exec_or_upload_starts_it_again() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h"]);
    // A reboot, or someone behind dsbx's back.
    assert!(
        docker(&["stop", "-t", "1", &format!("dsbx-{id}")])
            .status
            .success()
    );
    let out = env.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sandboxes"][0]["status"], "stopped");
    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
    assert_eq!(status(&id), "exited");
    assert!(env.state_text().contains(&id));
    let out = env.run(&["exec", &id, "echo", "back"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "back\n");
    assert_eq!(status(&id), "running");
    // upload too.
    assert!(
        docker(&["stop", "-t", "1", &format!("dsbx-{id}")])
            .status
            .success()
    );
    assert_code(&env.run(&["gc"]), 0);
    let local = env.dir.path().join("note.txt");
    std::fs::write(&local, "kept\n").unwrap();
    let out = env.run(&["upload", &id, path_str(&local), "/tmp/note.txt"]);
    assert_code(&out, 0);
    assert_eq!(status(&id), "running");
    assert_eq!(
        docker_exec(&format!("dsbx-{id}"), &["cat", "/tmp/note.txt"]),
        "kept"
    );
}

#[test]
fn older_than_and_idle() {
    let Some(env) = TestEnv::new() else { return };
    let old = env.init(&["--timeout", "1h"]);
    let busy = env.init(&["--timeout", "1h"]);
    // Thresholds of 30 s: `old` and `busy` are older than that, `young` (made after the pause)
    // stays younger through the few commands below, even on a loaded machine.
    std::thread::sleep(Duration::from_secs(32));
    let young = env.init(&["--timeout", "1h"]);
    // Nothing is that old yet.
    let out = env.run(&["gc", "--older-than", "1h", "--idle", "1h"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
    // `busy` was used just now; `old` not since it was created.
    let out = env.run(&["exec", &busy, "true"]);
    assert_code(&out, 0);
    let out = env.run(&["gc", "--idle", "30s"]);
    assert_code(&out, 0);
    let lines = actions(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains(&old) && lines[0].contains("idle"),
        "{lines:?}"
    );
    assert_eq!(status(&old), "gone");
    assert_eq!(status(&busy), "running");
    assert_eq!(status(&young), "running");

    let out = env.run(&["gc", "--older-than", "30s"]);
    assert_code(&out, 0);
    let lines = actions(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains(&busy) && lines[0].contains("older"),
        "{lines:?}"
    );
    assert_eq!(status(&busy), "gone");
    assert_eq!(status(&young), "running");
}

#[test]
fn bad_durations_are_usage_errors() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h"]);
    for args in [
        ["gc", "--older-than", "0"],
        ["gc", "--idle", "5x"],
        ["gc", "--older-than=-3s", "--dry-run"],
    ] {
        let out = env.run(&args);
        assert_code(&out, 2);
        assert_eq!(stdout(&out), "");
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
        // Off a terminal gc's fatal error is a log line like its others: a timestamp, then the error.
        let err = stderr(&out);
        let (stamp, rest) = err.split_once(' ').expect("a timestamped line");
        assert!(
            chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
            "not a timestamp: {err}"
        );
        assert!(rest.starts_with("error:"), "{err}");
    }
    assert_eq!(status(&id), "running");
}

#[test]
fn decoys_are_never_touched() {
    let Some(env) = TestEnv::new() else { return };
    let Some(other) = TestEnv::new() else { return };
    let suffix = random_suffix();
    let plain = format!("decoy-plain-{suffix}");
    let foreign = format!("decoy-foreign-{suffix}");
    let net = format!("dsbx-net-decoy{suffix}");
    let decoys = Decoys(vec![
        ("container", plain.clone()),
        ("container", foreign.clone()),
        ("network", net.clone()),
    ]);
    // Stopped, unlabelled; stopped with another tool's labels (and dsbx-looking ones, but not
    // `dsbx.managed=true`); an unlabelled network named like an isolated one.
    assert!(
        docker(&["create", "--name", &plain, BUSYBOX, "true"])
            .status
            .success()
    );
    assert!(
        docker(&[
            "create",
            "--name",
            &foreign,
            "--label",
            "com.docker.compose.project=x",
            "--label",
            &format!("dsbx.scope={}", env.scope),
            "--label",
            "dsbx.id=decoydecoy12",
            "--label",
            "dsbx.expires-at=2020-01-01T00:00:00Z",
            BUSYBOX,
            "true"
        ])
        .status
        .success()
    );
    assert!(docker(&["network", "create", &net]).status.success());
    // Another scope's expired sandbox.
    let theirs = expired(&other, &[]);
    let ours = expired(&env, &[]);
    // A record (of a gone container) naming the unlabelled network: forgotten, network kept.
    let mut state = env.state_text();
    state.push_str(&format!(
        "\n[sandboxes.decoy0000000]\nscope = \"{}\"\nimage = \"x\"\ncreated_at = \"2026-01-01T00:00:00Z\"\nisolated_network = \"{net}\"\n",
        env.scope
    ));
    std::fs::write(env.state_file(), state).unwrap();

    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    let lines = actions(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines.iter().any(|l| l.contains(&format!("sandbox {ours}"))),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("record decoy0000000")),
        "{lines:?}"
    );
    assert!(!env.state_text().contains("decoy0000000"));
    assert_eq!(status(&ours), "gone");
    assert_eq!(
        status(&theirs),
        "exited",
        "another scope's sandbox is not ours"
    );
    for name in [&plain, &foreign] {
        assert!(
            docker(&["inspect", name]).status.success(),
            "{name} was removed"
        );
    }
    assert!(docker(&["network", "inspect", &net]).status.success());
    // Only --all-scopes reaches the other scope (a dry run here: other tests share the engine).
    let out = env.run(&["gc", "--all-scopes", "--dry-run", "--json"]);
    assert_code(&out, 0);
    let ids = gc_removed_ids(&out);
    assert!(ids.contains(&theirs), "{ids:?}");
    assert!(!ids.iter().any(|i| i.contains("decoy")), "{ids:?}");
    drop(decoys);
}

#[test]
fn drift_behind_dsbx_back_is_settled() {
    let Some(env) = TestEnv::new() else { return };
    let removed = env.init(&["--timeout", "1h", "--isolated"]);
    let stopped = env.init(&["--timeout", "1h"]);
    assert!(
        docker(&["rm", "-f", &format!("dsbx-{removed}")])
            .status
            .success()
    );
    assert!(
        docker(&["stop", "-t", "1", &format!("dsbx-{stopped}")])
            .status
            .success()
    );
    let out = env.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["sandboxes"].as_array().unwrap();
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap()["status"].clone();
    assert_eq!(row(&removed), "missing");
    assert_eq!(row(&stopped), "stopped");

    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    let lines = actions(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains(&format!("record {removed}")) && lines[0].contains("gone"),
        "{lines:?}"
    );
    let net = format!("dsbx-net-{removed}");
    assert!(
        !docker(&["network", "inspect", &net]).status.success(),
        "the gone sandbox's isolated network is removed with its record"
    );
    assert!(!env.state_text().contains(&removed));
    assert_eq!(status(&stopped), "exited");
    assert!(env.state_text().contains(&stopped));
}

#[test]
fn an_orphan_isolated_network_is_removed_once_it_is_not_young() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h", "--isolated"]);
    let net = format!("dsbx-net-{id}");
    // Both the container and the record are gone: only the network's labels remain.
    assert!(
        docker(&["rm", "-f", &format!("dsbx-{id}")])
            .status
            .success()
    );
    std::fs::remove_file(env.state_file()).unwrap();
    // A young one may belong to an init about to create its container.
    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
    assert!(docker(&["network", "inspect", &net]).status.success());
    std::thread::sleep(Duration::from_secs(31));
    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    let lines = actions(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(&format!("network {net}")), "{lines:?}");
    assert!(!docker(&["network", "inspect", &net]).status.success());
}

#[test]
fn two_gc_at_once_neither_fail_nor_double_remove() {
    let Some(env) = TestEnv::new() else { return };
    let ids: Vec<String> = (0..4).map(|_| env.init(&["--timeout", "2s"])).collect();
    for id in &ids {
        assert!(wait_until(Duration::from_secs(20), || status(id) == "exited"));
    }
    let spawn = || {
        let mut cmd = env.dsbx();
        cmd.arg("gc");
        std::thread::spawn(move || cmd.output().unwrap())
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    assert_code(&a, 0);
    assert_code(&b, 0);
    assert_eq!(stderr(&a), "");
    assert_eq!(stderr(&b), "");
    let all = format!("{}{}", stdout(&a), stdout(&b));
    for id in &ids {
        assert_eq!(all.matches(id.as_str()).count(), 1, "{all}");
        assert_eq!(status(id), "gone");
    }
    assert!(env.containers().is_empty());
}

#[test]
fn on_a_terminal_a_readable_summary() {
    let Some(env) = TestEnv::new() else { return };
    let id = expired(&env, &[]);
    let on_tty = |args: &str| {
        let out = env.run_on_tty(args);
        assert_code(&out, 0);
        stdout(&out)
    };
    let text = on_tty("gc");
    assert!(
        text.contains(&format!("removed sandbox {id} (deadline passed")),
        "{text}"
    );
    assert!(
        text.contains("removed 1 sandbox(es), 0 record(s), 0 network(s)"),
        "{text}"
    );
    assert!(!text.starts_with("20"), "no timestamps for people: {text}");
    assert_eq!(status(&id), "gone");
    let text = on_tty("gc");
    assert!(text.contains("nothing to clean up"), "{text}");
}

#[test]
fn a_paused_sandbox_past_its_deadline_is_removed() {
    let Some(env) = TestEnv::new() else { return };
    // Paused with time to spare (a loaded machine cannot make the pause come too late), then
    // given a short deadline while paused.
    let id = env.init(&["--timeout", "1h"]);
    assert_code(&env.run(&["pause", &id]), 0);
    let out = env.run(&["timeout", &id, "3s", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let deadline = chrono::DateTime::parse_from_rfc3339(v["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(status(&id), "paused");
    let out = env.run(&["gc"]);
    if chrono::Utc::now() < deadline {
        assert_eq!(stdout(&out), "", "removed before its deadline");
        assert_eq!(status(&id), "paused");
    }
    // Pausing does not stop the clock; the frozen helper cannot stop it, gc does.
    assert!(wait_until(Duration::from_secs(20), || {
        let out = env.run(&["gc", "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        !v["removed"].as_array().unwrap().is_empty()
    }));
    assert_eq!(status(&id), "gone");
}

#[test]
fn one_failed_removal_does_not_stop_the_rest_and_exits_1() {
    let Some(env) = TestEnv::new() else { return };
    let suffix = random_suffix();
    // A valid sandbox id of this test's own, and its network named as `init` names it: dsbx
    // removes only networks whose labels and name agree.
    let fake = format!("f{:0>11}", &suffix[..suffix.len().min(11)]);
    let fake = fake.as_str();
    let net = format!("dsbx-net-{fake}");
    let holder = format!("decoy-holder-{suffix}");
    let _decoys = Decoys(vec![
        ("container", holder.clone()),
        ("network", net.clone()),
    ]);
    // A record whose container is gone and whose isolated network cannot be removed: a
    // running container still uses it.
    assert!(
        docker(&[
            "network",
            "create",
            "--label",
            "dsbx.managed=true",
            "--label",
            "dsbx.role=isolated",
            "--label",
            &format!("dsbx.scope={}", env.scope),
            "--label",
            &format!("dsbx.id={fake}"),
            &net
        ])
        .status
        .success()
    );
    assert!(
        docker(&[
            "run",
            "-d",
            "--name",
            &holder,
            "--network",
            &net,
            BUSYBOX,
            "sleep",
            "300"
        ])
        .status
        .success()
    );
    let id = expired(&env, &[]);
    let mut state = env.state_text();
    state.push_str(&format!(
        "\n[sandboxes.{fake}]\nscope = \"{}\"\nimage = \"x\"\ncreated_at = \"2026-01-01T00:00:00Z\"\nisolated_network = \"{net}\"\n",
        env.scope
    ));
    std::fs::write(env.state_file(), state).unwrap();

    let out = env.run(&["gc"]);
    assert_code(&out, 1);
    let lines = actions(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(&id), "{lines:?}");
    assert_eq!(status(&id), "gone");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(fake) && err.contains("error") && err.contains(&net),
        "{err}"
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(err.split(' ').next().unwrap()).is_ok(),
        "{err}"
    );
    // The failed one stays recorded, to be tried again.
    let state = env.state_text();
    assert!(state.contains(fake) && !state.contains(&id), "{state}");
    assert!(docker(&["network", "inspect", &net]).status.success());
}

#[test]
fn gc_running_alongside_init_never_takes_a_new_sandbox() {
    let Some(env) = TestEnv::new() else { return };
    let stop = std::sync::atomic::AtomicBool::new(false);
    let ids = std::thread::scope(|s| {
        let gc = s.spawn(|| {
            let mut runs = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = env.run(&["gc"]);
                assert_code(&out, 0);
                assert_eq!(stdout(&out), "", "gc removed something");
                runs += 1;
            }
            runs
        });
        let ids: Vec<String> = (0..6)
            .map(|i| {
                let mut args = vec!["--timeout", "10m"];
                if i % 2 == 0 {
                    args.push("--isolated");
                }
                env.init(&args)
            })
            .collect();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(gc.join().unwrap() > 1);
        ids
    });
    for id in &ids {
        assert_eq!(status(id), "running");
    }
}

#[test]
fn the_shared_network_and_the_helper_volume_outlive_the_sandboxes_gc_removes() {
    let Some(env) = TestEnv::new() else { return };
    let id = expired(&env, &[]);
    let volume = inspect(
        &format!("dsbx-{id}"),
        "{{range .Mounts}}{{if eq .Destination \"/.dsbx/bin\"}}{{.Name}}{{end}}{{end}}",
    );
    assert!(!volume.is_empty(), "no helper volume mounted");
    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    assert_eq!(actions(&out).len(), 1, "{}", stdout(&out));
    assert_eq!(status(&id), "gone");
    // Shared by every scope: gc leaves both, even once this scope has no sandbox left.
    assert!(docker(&["network", "inspect", "dsbx"]).status.success());
    assert!(docker(&["volume", "inspect", &volume]).status.success());
    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
    assert!(docker(&["network", "inspect", "dsbx"]).status.success());
    assert!(docker(&["volume", "inspect", &volume]).status.success());
}

#[test]
fn without_a_record_a_stopped_sandbox_is_judged_by_the_file_not_its_label() {
    let Some(env) = TestEnv::new() else { return };
    // One labelled "never" and one labelled an hour ahead, both given 2 s by `timeout`; then the
    // state file is lost. Each helper stops its sandbox at the file's deadline; from then on the
    // label must not keep them.
    let never = env.init(&["--timeout", "0"]);
    let hour = env.init(&["--timeout", "1h"]);
    for id in [&never, &hour] {
        assert_code(&env.run(&["timeout", id, "2s"]), 0);
    }
    std::fs::remove_file(env.state_file()).unwrap();
    for id in [&never, &hour] {
        assert!(
            wait_until(Duration::from_secs(30), || status(id) == "exited"),
            "{id} did not stop at the deadline in its file: {}",
            status(id)
        );
    }
    let out = env.run(&["ls", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for row in v["sandboxes"].as_array().unwrap() {
        assert_eq!(row["status"], "expired", "{row}");
    }
    for id in [&never, &hour] {
        let out = env.run(&["sandbox", "status", id]);
        assert_code(&out, 0);
        assert_eq!(
            stdout(&out),
            "expired\n",
            "the sbx skill's status agrees with ls"
        );
    }
    let out = env.run(&["gc", "--json"]);
    assert_code(&out, 0);
    let mut removed = gc_removed_ids(&out);
    removed.sort();
    let mut both = vec![never.clone(), hour.clone()];
    both.sort();
    assert_eq!(removed, both);
    assert_eq!(status(&never), "gone");
    assert_eq!(status(&hour), "gone");
}

/// `dsbx timeout` records its intent before it writes the deadline file, so `gc` judges a
/// recorded stopped sandbox by its record without reading the file (the benchmark's 50 archive
/// reads), and still honours every deadline `timeout` moved: shortened (removed once stopped),
/// lengthened past the label's (kept), a change left pending by a `timeout` killed midway (the
/// file decides, not the record's passed deadline), and a sandbox this state has no record of.
#[test]
fn gc_honours_deadlines_moved_by_timeout_with_or_without_a_record() {
    let Some(env) = TestEnv::new() else { return };
    let shortened = env.init(&["--timeout", "1h"]);
    let kept: Vec<String> = (0..3).map(|_| env.init(&["--timeout", "8s"])).collect();
    let [_lengthened, pending, unrecorded] = [&kept[0], &kept[1], &kept[2]];
    for id in &kept {
        assert_code(&env.run(&["timeout", id, "1h"]), 0);
    }
    assert_code(&env.run(&["timeout", &shortened, "2s"]), 0);
    assert!(
        !env.state_text().contains("deadline_pending"),
        "a finished timeout leaves no pending mark: {}",
        env.state_text()
    );
    // Stopped from outside (as a reboot stops them), then past the labels' 8 s.
    for id in &kept {
        assert!(
            docker(&["stop", "-t", "1", &format!("dsbx-{id}")])
                .status
                .success()
        );
    }
    assert!(
        wait_until(Duration::from_secs(30), || status(&shortened) == "exited"),
        "{shortened} did not stop at the deadline timeout gave it: {}",
        status(&shortened)
    );
    let created = inspect(&format!("dsbx-{unrecorded}"), "{{.Created}}");
    let created = chrono::DateTime::parse_from_rfc3339(&created).unwrap();
    assert!(wait_until(Duration::from_secs(30), || {
        chrono::Utc::now() > created + chrono::TimeDelta::seconds(10)
    }));
    // A `timeout` killed after recording its intent: the record's deadline is the old one, and
    // marked pending. And one sandbox this state never knew.
    let mut state: toml::Table = toml::from_str(&env.state_text()).unwrap();
    let sandboxes = state["sandboxes"].as_table_mut().unwrap();
    let record = sandboxes[pending.as_str()].as_table_mut().unwrap();
    record.insert("deadline".into(), "2020-01-01T00:00:00Z".into());
    record.insert("deadline_pending".into(), true.into());
    sandboxes.remove(unrecorded.as_str());
    std::fs::write(env.state_file(), toml::to_string(&state).unwrap()).unwrap();

    let out = env.run(&["gc", "--json"]);
    assert_code(&out, 0);
    assert_eq!(gc_removed_ids(&out), vec![shortened.clone()]);
    assert_eq!(status(&shortened), "gone");
    for id in &kept {
        assert_eq!(status(id), "exited", "gc removed {id}: {}", stdout(&out));
    }
}

/// On a terminal, `kill --all` and a gc whose rules widen what goes (`--idle`, `--older-than`,
/// `--all-scopes`) show what they would remove and ask; `--yes` skips the question; off a
/// terminal nothing asks (cron and agents).
#[test]
fn mass_removal_asks_on_a_terminal_and_never_off_one() {
    let Some(env) = TestEnv::new() else { return };
    let a = env.init(&[]);
    let b = env.init(&[]);
    // Answered no: both listed, nothing removed, exit 1.
    let out = env.run_on_tty_typing("kill --all", "n\n");
    assert_code(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("About to remove:"), "{text}");
    assert!(text.contains(&a) && text.contains(&b), "{text}");
    assert!(text.contains("nothing removed: not confirmed"), "{text}");
    assert_eq!(status(&a), "running");
    assert_eq!(status(&b), "running");
    // gc --idle asks about what it found idle (found first with --dry-run, which never asks).
    assert!(
        wait_until(Duration::from_secs(30), || {
            let out = env.run(&["gc", "--idle", "1s", "--dry-run"]);
            stdout(&out).contains(&a) && stdout(&out).contains(&b)
        }),
        "the sandboxes never looked idle"
    );
    let out = env.run_on_tty_typing("gc --idle 1s", "n\n");
    assert_code(&out, 1);
    assert!(
        stdout(&out).contains(&format!("sandbox {a}")),
        "{}",
        stdout(&out)
    );
    assert_eq!(status(&a), "running");
    // A question not answered (end of input) is a no.
    let out = env.run_on_tty("gc --older-than 1s");
    assert_code(&out, 1);
    assert_eq!(status(&a), "running");
    // Answered yes: removed.
    let out = env.run_on_tty_typing("gc --idle 1s", "y\n");
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("Remove these 2? [y/N]"),
        "{}",
        stdout(&out)
    );
    assert_eq!(status(&a), "gone");
    assert_eq!(status(&b), "gone");
    // --yes: no question.
    let c = env.init(&[]);
    let out = env.run_on_tty("kill --all --yes");
    assert_code(&out, 0);
    assert!(
        !stdout(&out).contains("About to remove"),
        "{}",
        stdout(&out)
    );
    assert_eq!(status(&c), "gone");
    // Off a terminal: no question, whatever stdin holds.
    let d = env.init(&[]);
    let out = env
        .dsbx()
        .args(["kill", "--all"])
        .write_stdin("n\n")
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(stdout(&out), format!("{d}\n"));
    assert!(
        !stderr(&out).contains("About to remove"),
        "{}",
        stderr(&out)
    );
    assert_eq!(status(&d), "gone");
}
