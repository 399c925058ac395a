//! `dsbx exec --stream`: JSON Lines events on stdout, read as an agent reads them, against the
//! real engine.

mod common;

use base64::Engine as _;
use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

/// Every stdout line as a JSON object; fails on anything else (stdout carries only events).
fn parse_events(out: &std::process::Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect()
}

/// The bytes of one stream, gathered from its events (`data` or `data_base64`).
fn gathered(events: &[Value], stream: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for e in events.iter().filter(|e| e["type"] == stream) {
        if let Some(text) = e["data"].as_str() {
            bytes.extend_from_slice(text.as_bytes());
        } else {
            let b64 = e["data_base64"].as_str().expect("data or data_base64");
            bytes.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap(),
            );
        }
    }
    bytes
}

fn exit_event(events: &[Value]) -> &Value {
    let last = events.last().expect("at least one event");
    assert_eq!(last["type"], "exit", "the last event is exit: {events:?}");
    assert_eq!(
        events.iter().filter(|e| e["type"] == "exit").count(),
        1,
        "{events:?}"
    );
    last
}

#[test]
fn events_arrive_in_order_and_as_they_happen_over_the_channel() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&[]);
    events_arrive_in_order_and_as_they_happen(&env, &id, None);
}

#[test]
fn events_arrive_in_order_and_as_they_happen_through_the_engine() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    events_arrive_in_order_and_as_they_happen(&env, &id, Some("off"));
}

/// `channel` is `DSBX_CHANNEL` for the exec: `None` lets it take the sandbox's channel.
fn events_arrive_in_order_and_as_they_happen(env: &TestEnv, id: &str, channel: Option<&str>) {
    // The command prints a line, then waits until the test has seen that line's event: the
    // event must arrive while the command is still running, whatever the machine's load.
    let mut exec = env.spawnable();
    match channel {
        Some(value) => exec.env("DSBX_CHANNEL", value),
        None => exec.env_remove("DSBX_CHANNEL"),
    };
    let mut child = exec
        .args([
            "exec",
            "--stream",
            id,
            "echo one; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo two >&2; echo three",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dsbx");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || -> Value {
        let line = lines.next().expect("another event").expect("read");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"))
    };
    let start = next();
    assert_eq!(start["type"], "start", "{start}");
    let pid = start["pid"].as_i64().expect("a pid on a local engine");
    assert!(pid > 1, "{start}");
    // The process that runs the command: dsbx's helper, in the sandbox's pid namespace.
    let cmdline = docker_exec(
        &format!("dsbx-{id}"),
        &["cat", &format!("/proc/{pid}/cmdline")],
    );
    assert!(
        cmdline.contains("__helper\0exec\0"),
        "pid {pid} is not the helper's exec: {cmdline:?}"
    );
    let first = next();
    assert_eq!(
        first,
        serde_json::json!({"type": "stdout", "data": "one\n"})
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "dsbx ended before the command was let go"
    );
    assert_eq!(
        docker_exec(&format!("dsbx-{id}"), &["touch", "/tmp/go"]),
        "",
        "let the command go on"
    );
    let mut rest = Vec::new();
    let mut last_line = String::new();
    for line in lines {
        last_line = line.unwrap();
        rest.push(serde_json::from_str::<Value>(&last_line).unwrap());
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    // Two pipes relayed side by side: order holds within a stream, not across streams written
    // a moment apart.
    assert_eq!(gathered(&rest, "stderr"), b"two\n", "{rest:?}");
    assert_eq!(gathered(&rest, "stdout"), b"three\n", "{rest:?}");
    let exit = exit_event(&rest);
    assert_eq!(exit["exit_code"], 0);
    assert_eq!(exit["signal"], Value::Null);
    assert_eq!(exit["timed_out"], false);
    assert_eq!(exit["oom_killed"], false);
    assert!(exit["duration_ms"].as_u64().is_some(), "{exit}");
    // As printed, `type` comes first, so a reader can dispatch on the line's start.
    assert!(last_line.starts_with("{\"type\":\"exit\""), "{last_line}");
}

#[test]
fn streams_stay_apart_and_the_exit_code_is_the_commands() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let out = env.run(&[
        "exec",
        "--stream",
        &id,
        "for i in 1 2 3; do echo out$i; echo err$i >&2; done; exit 7",
    ]);
    assert_code(&out, 7);
    let events = parse_events(&out);
    assert_eq!(events[0]["type"], "start");
    assert_eq!(gathered(&events, "stdout"), b"out1\nout2\nout3\n");
    assert_eq!(gathered(&events, "stderr"), b"err1\nerr2\nerr3\n");
    assert_eq!(exit_event(&events)["exit_code"], 7);
    // Nothing of the command's reaches dsbx's own stderr.
    assert!(!stderr(&out).contains("err1"), "{}", stderr(&out));
}

#[test]
fn binary_output_comes_as_base64_exactly() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let out = env.run(&["exec", "--stream", &id, r"printf '\377\376\000\001text'"]);
    assert_code(&out, 0);
    let events = parse_events(&out);
    assert_eq!(gathered(&events, "stdout"), b"\xff\xfe\x00\x01text");
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "stdout" && e["data_base64"].is_string()),
        "{events:?}"
    );
}

#[test]
fn a_character_split_across_reads_is_never_broken() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    // The two bytes of `é` and the three of `€` are written a second apart, so the helper relays
    // them in separate reads; each event must still be valid text.
    let out = env.run(&[
        "exec",
        "--stream",
        &id,
        r"printf 'a\303'; sleep 1; printf '\251 \342\202'; sleep 1; printf '\254\n'",
    ]);
    assert_code(&out, 0);
    let events = parse_events(&out);
    let stdout_events: Vec<&Value> = events.iter().filter(|e| e["type"] == "stdout").collect();
    assert!(
        stdout_events.iter().all(|e| e["data"].is_string()),
        "every chunk is text: {stdout_events:?}"
    );
    assert!(stdout_events.len() >= 2, "{stdout_events:?}");
    assert_eq!(gathered(&events, "stdout"), "aé €\n".as_bytes());
}

#[test]
fn timeout_and_signal_endings_are_events() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let out = env.run(&["exec", "--stream", "--timeout", "1", &id, "sleep 30"]);
    assert_code(&out, 124);
    let events = parse_events(&out);
    let exit = exit_event(&events);
    assert_eq!(exit["exit_code"], 124);
    assert_eq!(exit["timed_out"], true);

    let out = env.run(&["exec", "--stream", &id, "kill -9 $$"]);
    assert_code(&out, 137);
    let events = parse_events(&out);
    let exit = exit_event(&events);
    assert_eq!(exit["exit_code"], 137);
    assert_eq!(exit["signal"], 9);
    assert_eq!(exit["timed_out"], false);

    // A command's own `exit 124` is not a timeout.
    let out = env.run(&["exec", "--stream", &id, "exit 124"]);
    assert_code(&out, 124);
    assert_eq!(exit_event(&parse_events(&out))["timed_out"], false);
}

#[test]
fn dsbx_side_failures_are_error_events() {
    let Some(env) = TestEnv::new() else { return };
    let out = env.run(&["exec", "--stream", "zzzznothere", "true"]);
    assert_code(&out, 125);
    let events = parse_events(&out);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "error");
    assert_eq!(events[0]["error"]["kind"], "not_found");
    assert_eq!(events[0]["error"]["exit_code"], 125);
    assert!(
        events[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("zzzznothere")
    );
    assert!(stderr(&out).contains("error:"), "{}", stderr(&out));

    let id = env.init(&[]);
    for flags in [&["-t"][..], &["-b"], &["--json"]] {
        let mut args = vec!["exec", "--stream"];
        args.extend_from_slice(flags);
        args.extend([id.as_str(), "true"]);
        let out = env.run(&args);
        assert_code(&out, 125);
        let events = parse_events(&out);
        assert_eq!(events.len(), 1, "{flags:?}: {events:?}");
        assert_eq!(events[0]["type"], "error", "{flags:?}");
        assert_eq!(events[0]["error"]["kind"], "usage", "{flags:?}");
        assert!(
            stderr(&out).contains("--stream"),
            "{flags:?}: {}",
            stderr(&out)
        );
    }
    // A flag after a one-string command (rule 3) is taken the same way.
    let out = env.run(&["exec", &id, "echo hi", "--stream"]);
    assert_code(&out, 0);
    assert_eq!(gathered(&parse_events(&out), "stdout"), b"hi\n");
    // Nothing was started by the refused calls.
    let ps = env.run(&["exec", &id, "ps -o args | grep -c '^true' || true"]);
    assert_eq!(stdout(&ps).trim(), "0");
}

#[test]
fn stdin_user_cwd_and_env_work_with_stream() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let mut child = env
        .spawnable()
        .args(["exec", "--stream", "-i", &id, "cat; echo end"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"from stdin\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_code(&out, 0);
    assert_eq!(
        gathered(&parse_events(&out), "stdout"),
        b"from stdin\nend\n"
    );

    let out = env.run(&[
        "exec",
        "--stream",
        "--root",
        "--cwd",
        "/tmp",
        "-e",
        "GREETING=hi there",
        &id,
        "id -u; pwd; echo $GREETING",
    ]);
    assert_code(&out, 0);
    assert_eq!(
        gathered(&parse_events(&out), "stdout"),
        b"0\n/tmp\nhi there\n"
    );

    let out = env.run(&["exec", "--stream", "-u", "user", &id, "id -un"]);
    assert_code(&out, 0);
    assert_eq!(gathered(&parse_events(&out), "stdout"), b"user\n");
}
