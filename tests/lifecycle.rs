//! `timeout`, `pause`, `resume` and `info`: a sandbox's lifetime and state, as Docker and the
//! user see them.

mod common;

use chrono::{DateTime, Utc};
use common::*;
use std::time::Duration;

/// The initial deadline in the `dsbx.expires-at` label.
fn label_deadline(id: &str) -> DateTime<Utc> {
    let text = inspect(
        &format!("dsbx-{id}"),
        "{{index .Config.Labels \"dsbx.expires-at\"}}",
    );
    time(&serde_json::Value::String(text))
}

/// Sleeps until `margin` after `t`.
fn sleep_past(t: DateTime<Utc>, margin: Duration) {
    let left = (t - Utc::now()).to_std().unwrap_or_default();
    std::thread::sleep(left + margin);
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(out), stderr(out)))
}

fn time(v: &serde_json::Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a time: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

/// The `key: value` lines of `dsbx info`.
fn info_lines(env: &TestEnv, id: &str) -> Vec<(String, String)> {
    let out = env.run(&["info", id]);
    assert_code(&out, 0);
    stdout(&out)
        .lines()
        .map(|l| {
            let (k, v) = l
                .split_once(": ")
                .unwrap_or_else(|| panic!("not key: value: {l}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn get<'a>(lines: &'a [(String, String)], key: &str) -> &'a str {
    lines
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no `{key}` in {lines:?}"))
}

#[test]
fn timeout_extends_past_the_first_deadline_and_survives_losing_the_state() {
    let Some(env) = TestEnv::new() else { return };
    // 20 s: init and timeout must both finish before it even on a loaded machine.
    let id = env.init(&["--timeout", "20s"]);
    let first = label_deadline(&id);
    let before = Utc::now();
    let out = env.run(&["timeout", &id, "60s"]);
    assert_code(&out, 0);
    assert!(
        Utc::now() < first,
        "timeout returned after the first deadline: machine too slow"
    );
    let deadline = time(&serde_json::Value::String(stdout(&out).trim().to_string()));
    let ahead = (deadline - before).num_seconds();
    assert!((58..=75).contains(&ahead), "deadline {ahead} s ahead");
    assert!(env.state_text().contains(&stdout(&out).trim().to_string()));
    // The helper took the signal, re-read the file, and outlived the first deadline.
    sleep_past(first, Duration::from_secs(3));
    assert_eq!(status(&id), "running");

    // Losing the state file shortens nothing.
    std::fs::remove_file(env.state_file()).unwrap();
    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
    assert_eq!(status(&id), "running");
    let v = json(&env.run(&["ls", "--json"]));
    assert_eq!(v["sandboxes"][0]["status"], "untracked");
    assert_eq!(time(&v["sandboxes"][0]["expires_at"]), deadline);
    let v = json(&env.run(&["info", &id, "--json"]));
    assert_eq!(time(&v["expires_at"]), deadline);
    assert_eq!(v["tracked"], false);
}

/// A shortened deadline is the one `ls` and `info` show for a running sandbox, not the later
/// one its label still carries from `init`.
#[test]
fn a_shortened_deadline_is_what_ls_and_info_show() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h"]);
    let out = env.run(&["timeout", &id, "10m"]);
    assert_code(&out, 0);
    let deadline = time(&serde_json::Value::String(stdout(&out).trim().to_string()));
    assert!(deadline < label_deadline(&id));
    let v = json(&env.run(&["ls", "--json"]));
    assert_eq!(v["sandboxes"][0]["status"], "running");
    assert_eq!(time(&v["sandboxes"][0]["expires_at"]), deadline);
    let v = json(&env.run(&["info", &id, "--json"]));
    assert_eq!(time(&v["expires_at"]), deadline);
}

#[test]
fn timeout_zero_means_never() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "20s"]);
    let first = label_deadline(&id);
    let out = env.run(&["timeout", &id, "0"]);
    assert_code(&out, 0);
    assert!(
        Utc::now() < first,
        "timeout returned after the first deadline: machine too slow"
    );
    assert_eq!(stdout(&out), "never\n");
    let out = env.run(&["timeout", &id, "0", "--json"]);
    assert_eq!(json(&out)["expires_at"], serde_json::Value::Null);
    sleep_past(first, Duration::from_secs(3));
    assert_eq!(status(&id), "running");
    assert_eq!(
        docker_exec(&format!("dsbx-{id}"), &["cat", "/.dsbx/deadline"]),
        "0"
    );
    let lines = info_lines(&env, &id);
    assert_eq!(get(&lines, "expires"), "never");
    assert_eq!(get(&lines, "time left"), "unlimited");
    let out = env.run(&["gc"]);
    assert_eq!(stdout(&out), "");
    assert_eq!(status(&id), "running");
}

#[test]
fn shortening_a_running_sandbox_takes_effect_at_once() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h"]);
    let out = env.run(&["timeout", &id, "2s"]);
    assert_code(&out, 0);
    // Without the signal the helper would sleep on for up to a minute.
    assert!(
        wait_until(Duration::from_secs(20), || status(&id) == "exited"),
        "still {}",
        status(&id)
    );
    let v = json(&env.run(&["ls", "--json"]));
    assert_eq!(v["sandboxes"][0]["status"], "expired");
}

/// Two sandboxes with an hour to live, stopped and paused behind dsbx's back.
fn stopped_and_paused(env: &TestEnv) -> (String, String) {
    let stopped = env.init(&["--timeout", "1h"]);
    let paused = env.init(&["--timeout", "1h"]);
    let out = docker(&["stop", "-t", "1", &format!("dsbx-{stopped}")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = docker(&["pause", &format!("dsbx-{paused}")]);
    assert!(out.status.success(), "{}", stderr(&out));
    (stopped, paused)
}

#[test]
fn timeout_on_stopped_and_paused_sandboxes() {
    let Some(env) = TestEnv::new() else { return };
    let (stopped, paused) = stopped_and_paused(&env);

    // Paused: the file changes, the sandbox stays paused.
    let out = env.run(&["timeout", &paused, "30m", "--json"]);
    assert_code(&out, 0);
    let deadline = time(&json(&out)["expires_at"]);
    assert_eq!(status(&paused), "paused");
    let v = json(&env.run(&["info", &paused, "--json"]));
    assert_eq!(time(&v["expires_at"]), deadline);
    assert_eq!(v["status"], "paused");
    let left = v["time_left_secs"].as_i64().unwrap();
    assert!((1700..=1800).contains(&left), "{left}");

    // Stopped: the file changes, the sandbox stays stopped, and gc follows the new deadline.
    let out = env.run(&["timeout", &stopped, "20s", "--json"]);
    assert_code(&out, 0);
    let short = time(&json(&out)["expires_at"]);
    assert_eq!(status(&stopped), "exited");
    // The file inside the stopped container holds the new deadline (read with docker cp, which
    // works on a stopped container), not only the state.
    let copied = env.dir.path().join("deadline");
    assert!(
        docker(&[
            "cp",
            &format!("dsbx-{stopped}:/.dsbx/deadline"),
            copied.to_str().unwrap()
        ])
        .status
        .success()
    );
    let in_file: i64 = std::fs::read_to_string(&copied)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(in_file, short.timestamp());
    let out = env.run(&["gc"]);
    assert!(Utc::now() < short, "gc returned after a 20 s deadline");
    assert_eq!(stdout(&out), "", "not expired yet");
    sleep_past(short, Duration::from_secs(1));
    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    assert!(stdout(&out).contains(&stopped), "{}", stdout(&out));
    assert_eq!(status(&stopped), "gone");
    assert_eq!(status(&paused), "paused");
}

#[test]
fn timeout_bad_input() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h"]);
    let out = env.run(&["timeout", &id, "5x"]);
    assert_code(&out, 2);
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    let out = env.run(&["timeout", "nosuchsandbox", "10s"]);
    assert_code(&out, 3);
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    let out = env.run(&["timeout", "nosuchsandbox", "10s", "--json"]);
    assert_code(&out, 3);
    assert_eq!(json(&out)["error"]["kind"], "not_found");
    // Nothing changed.
    let deadline = docker_exec(&format!("dsbx-{id}"), &["cat", "/.dsbx/deadline"]);
    let secs: i64 = deadline.parse().unwrap();
    assert!(secs - Utc::now().timestamp() > 3000, "{deadline}");
}

#[test]
fn pause_and_resume() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h", "--name", "pr"]);
    let out = env.run(&["pause", "pr"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out).trim(), id);
    assert_eq!(status(&id), "paused");
    let v = json(&env.run(&["ls", "--json"]));
    assert_eq!(v["sandboxes"][0]["status"], "paused");
    // Again: nothing to do, still success.
    assert_code(&env.run(&["pause", &id]), 0);
    let out = env.run(&["resume", &id, "--json"]);
    assert_code(&out, 0);
    assert_eq!(json(&out)["status"], "running");
    assert_eq!(status(&id), "running");
    assert_code(&env.run(&["resume", &id]), 0);
    // Resumed, the helper still keeps it alive.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(status(&id), "running");
    assert!(env.state_text().contains("last_activity"));

    // Stopped: pause refuses, resume starts it.
    assert!(
        docker(&["stop", "-t", "1", &format!("dsbx-{id}")])
            .status
            .success()
    );
    let out = env.run(&["pause", &id]);
    assert_code(&out, 1);
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert_eq!(status(&id), "exited");
    let out = env.run(&["resume", &id]);
    assert_code(&out, 0);
    assert_eq!(status(&id), "running");

    let out = env.run(&["pause", "nosuchsandbox"]);
    assert_code(&out, 3);
    let out = env.run(&["resume", "nosuchsandbox"]);
    assert_code(&out, 3);
}

#[test]
fn resume_refuses_an_expired_sandbox() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "2s"]);
    assert!(wait_until(Duration::from_secs(20), || status(&id) == "exited"));
    let out = env.run(&["resume", &id]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("expired") && err.contains("dsbx timeout"),
        "{err}"
    );
    assert_eq!(status(&id), "exited");
    // Given more time, it resumes.
    assert_code(&env.run(&["timeout", &id, "10m"]), 0);
    assert_code(&env.run(&["resume", &id]), 0);
    assert_eq!(status(&id), "running");
}

#[test]
fn info_on_running_and_stopped_sandboxes() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[
        "--timeout",
        "10m",
        "--name",
        "web",
        "-p",
        "8080",
        "--label",
        "team=core",
    ]);
    let name = format!("dsbx-{id}");
    let host_port = inspect(
        &name,
        "{{(index (index .NetworkSettings.Ports \"8080/tcp\") 0).HostPort}}",
    );
    let lines = info_lines(&env, &id);
    assert_eq!(get(&lines, "id"), id);
    assert_eq!(get(&lines, "name"), "web");
    assert_eq!(get(&lines, "scope"), env.scope);
    assert_eq!(get(&lines, "status"), "running");
    assert_eq!(get(&lines, "image"), BUSYBOX);
    assert_eq!(
        get(&lines, "port 8080"),
        format!("http://127.0.0.1:{host_port}")
    );
    assert_eq!(get(&lines, "label team"), "core");
    assert_eq!(get(&lines, "last activity"), "-", "nothing used it yet");
    let before = Utc::now() - chrono::TimeDelta::seconds(1);
    assert_code(&env.run(&["exec", &id, "true"]), 0);
    let lines = info_lines(&env, &id);
    let used = time(&serde_json::Value::String(
        get(&lines, "last activity").into(),
    ));
    assert!(used >= before && used <= Utc::now(), "last activity {used}");
    let expires = time(&serde_json::Value::String(get(&lines, "expires").into()));
    let left = (expires - Utc::now()).num_seconds();
    assert!((500..=600).contains(&left), "{left}");
    assert!(get(&lines, "time left").ends_with('m'), "{lines:?}");

    let v = json(&env.run(&["info", "web", "--json", "--stats"]));
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["ports"][0]["port"], 8080);
    assert_eq!(
        v["ports"][0]["url"],
        format!("http://127.0.0.1:{host_port}")
    );
    assert_eq!(v["labels"]["team"], "core");
    assert_eq!(time(&v["last_activity"]), used);
    assert!(v["stats"]["memory_bytes"].as_u64().unwrap() > 0, "{v}");
    assert!(v["stats"]["cpu_percent"].is_number(), "{v}");
    let out = env.run(&["info", &id, "--stats"]);
    assert_code(&out, 0);
    assert!(stdout(&out).contains("\nmemory: "), "{}", stdout(&out));

    assert!(docker(&["stop", "-t", "1", &name]).status.success());
    let lines = info_lines(&env, &id);
    assert_eq!(get(&lines, "status"), "stopped");
    assert_eq!(get(&lines, "state"), "exited");
    assert_eq!(
        time(&serde_json::Value::String(get(&lines, "expires").into())),
        expires
    );
    let out = env.run(&["info", &id, "--stats", "--json"]);
    assert_code(&out, 0);
    assert!(json(&out).get("stats").is_none());
    assert!(stderr(&out).contains("not running"), "{}", stderr(&out));

    let out = env.run(&["info", "nosuchsandbox"]);
    assert_code(&out, 3);
    assert_eq!(stdout(&out), "");
}

#[test]
fn commands_refuse_a_stopped_sandbox_past_its_deadline_until_it_is_extended() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "2s"]);
    assert!(
        wait_until(Duration::from_secs(45), || status(&id) == "exited"),
        "the sandbox stops itself at its deadline"
    );
    // Starting it would only see its helper exit at once: say so instead.
    let out = env.run(&["exec", &id, "true"]);
    assert_code(&out, 125);
    assert!(
        stderr(&out).contains("expired") && stderr(&out).contains("dsbx timeout"),
        "{}",
        stderr(&out)
    );
    let local = env.dir.path().join("f.txt");
    std::fs::write(&local, "x").unwrap();
    let out = env.run(&["upload", &id, local.to_str().unwrap(), "/tmp/f.txt"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("expired"), "{}", stderr(&out));
    assert_eq!(status(&id), "exited", "nothing started it");
    extended_and_back(&env, &id);
}

#[test]
fn a_paused_sandbox_past_its_deadline_is_refused_not_resumed() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h"]);
    assert!(docker(&["pause", &format!("dsbx-{id}")]).status.success());
    // Pausing does not stop the clock: shorten it while paused, let it pass.
    let out = env.run(&["timeout", &id, "1s", "--json"]);
    assert_code(&out, 0);
    sleep_past(time(&json(&out)["expires_at"]), Duration::from_secs(1));
    let out = env.run(&["exec", &id, "true"]);
    assert_code(&out, 125);
    assert!(
        stderr(&out).contains("expired") && stderr(&out).contains("dsbx timeout"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["download", &id, "/etc/passwd", "-"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "");
    let out = env.run(&["resume", &id]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("expired"), "{}", stderr(&out));
    assert_eq!(status(&id), "paused", "nothing resumed it");
    extended_and_back(&env, &id);
}

#[test]
fn commands_start_or_resume_a_sandbox_without_a_word() {
    let Some(env) = TestEnv::new() else { return };
    let (stopped, paused) = stopped_and_paused(&env);
    // download starts the stopped one; upload resumes the paused one; the caller sees only the
    // result (nothing on stderr).
    let dest = env.dir.path().join("passwd");
    let out = env.run(&["download", &stopped, "/etc/passwd", path_str(&dest)]);
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "");
    assert!(std::fs::read_to_string(&dest).unwrap().contains("root:"));
    assert_eq!(status(&stopped), "running");
    let local = env.dir.path().join("up.txt");
    std::fs::write(&local, "resumed\n").unwrap();
    let out = env.run(&["upload", &paused, path_str(&local), "/tmp/up.txt"]);
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "");
    assert_eq!(status(&paused), "running");
    assert_eq!(
        docker_exec(&format!("dsbx-{paused}"), &["cat", "/tmp/up.txt"]),
        "resumed"
    );
}

/// Given more time, an expired sandbox is started or resumed by the next command, which runs.
fn extended_and_back(env: &TestEnv, id: &str) {
    assert_code(&env.run(&["timeout", id, "10m"]), 0);
    let out = env.run(&["exec", id, "echo back"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "back\n");
    assert_eq!(status(id), "running");
}
