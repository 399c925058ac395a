//! `dsbx exec` against the real engine: exit codes, streams, argv, flag rules, timeouts, signals,
//! lingering background children, stdin, background starts, JSON, the terminal mode.

mod common;
use common::*;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn sha(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// `ps` inside the sandbox, as root through the docker CLI.
/// The sandbox's process list; fails the test when it cannot be read (an empty list would make
/// every "nothing left behind" check pass).
fn processes(id: &str) -> String {
    let out = docker(&["exec", &format!("dsbx-{id}"), "ps", "-o", "pid,user,args"]);
    assert!(out.status.success(), "ps failed: {}", stderr(&out));
    let ps = stdout(&out);
    assert!(ps.contains("PID"), "no process list: {ps}");
    ps
}

/// How many processes run exactly `command` (PID and USER are the first two columns).
fn count(ps: &str, command: &str) -> usize {
    ps.lines()
        .filter(|l| l.split_whitespace().skip(2).collect::<Vec<_>>().join(" ") == command)
        .count()
}

#[test]
fn exit_codes_are_the_commands() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    for (cmd, code) in [
        ("true", 0),
        ("exit 1", 1),
        ("exit 7", 7),
        ("exit 255", 255),
        ("kill -9 $$", 137),
    ] {
        let out = env.run(&["exec", &id, cmd]);
        assert_code(&out, code);
        assert_eq!(stdout(&out), "", "{cmd}");
    }
    // Not found, argv form: 127, the message on stderr, nothing on stdout.
    let out = env.run(&["exec", &id, "no-such-command", "arg"]);
    assert_code(&out, 127);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("no-such-command: command not found"),
        "{}",
        stderr(&out)
    );
    // Not found through the shell: the shell's own 127.
    let out = env.run(&["exec", &id, "no-such-command"]);
    assert_code(&out, 127);
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
    // Not executable: 126.
    let out = env.run(&["exec", &id, "/etc/passwd", "x"]);
    assert_code(&out, 126);
    assert_eq!(stdout(&out), "");
}

#[test]
fn streams_are_apart_ordered_and_binary_safe() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let out = env.run(&[
        "exec",
        &id,
        "for i in 1 2 3; do echo out$i; echo err$i >&2; done",
    ]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "out1\nout2\nout3\n");
    assert_eq!(stderr(&out), "err1\nerr2\nerr3\n");

    // 1 MiB of random bytes through stdout, compared by sha256 with the sandbox's own.
    let out = env.run(&["exec", &id, "head -c 1048576 /dev/urandom > /tmp/r.bin"]);
    assert_code(&out, 0);
    let remote = env.run(&["exec", &id, "sha256sum", "/tmp/r.bin"]);
    assert_code(&remote, 0);
    let out = env.run(&["exec", &id, "cat", "/tmp/r.bin"]);
    assert_code(&out, 0);
    assert_eq!(out.stdout.len(), 1 << 20);
    assert_eq!(
        stdout(&remote).split_whitespace().next().unwrap(),
        sha(&out.stdout)
    );
}

#[test]
fn argv_is_exact_and_one_string_runs_through_sh() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let script = r#"for a in "$@"; do printf '[%s]' "$a"; done"#;
    let out = env.run(&[
        "exec",
        &id,
        "sh",
        "-c",
        script,
        "x",
        "a b",
        "q\"uo'te",
        "$HOME",
        "",
        "héllo ✓",
    ]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "[a b][q\"uo'te][$HOME][][héllo ✓]");
    // One string: a shell command line, as the sandbox's user, HOME set for that user.
    let out = env.run(&["exec", &id, "echo $HOME; id -un"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "/home/user\nuser\n");
    // --shell joins several words for the shell.
    let out = env.run(&["exec", &id, "--shell", "echo", "$((1+2))"]);
    assert_eq!(stdout(&out), "3\n");
    // --root and --user.
    let out = env.run(&["exec", &id, "--root", "id", "-u"]);
    assert_eq!(stdout(&out), "0\n");
    let out = env.run(&["exec", &id, "-u", "0:1000", "id"]);
    assert!(
        stdout(&out).starts_with("uid=0(root) gid=1000"),
        "{}",
        stdout(&out)
    );
    // -e K=V and -e K (from dsbx's environment).
    let out = env
        .dsbx()
        .env("DSBX_TEST_PASS", "passed through")
        .args(["exec", &id, "-e", "A=1", "-e", "DSBX_TEST_PASS"])
        .args(["echo $A $DSBX_TEST_PASS"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "1 passed through\n");
}

#[test]
fn flag_rules() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    // Rule 5: `ls -la` is the command with its flag.
    let out = env.run(&["exec", &id, "ls", "-la", "/"]);
    assert_code(&out, 0);
    assert!(stdout(&out).contains(".dsbx"), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("total"), "{}", stdout(&out));
    // Rule 4: a word followed by a dsbx long flag.
    let out = env.run(&["exec", &id, "pwd", "--cwd", "/tmp"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "/tmp\n");
    // Rule 3: a shell string, then dsbx flags, long and short.
    let out = env.run(&["exec", &id, "pwd; echo $CI", "--cwd", "/tmp", "-e", "CI=1"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "/tmp\n1\n");
    // Rule 3 violated: a usage error (125), nothing run.
    let out = env.run(&["exec", &id, "echo a", "b"]);
    assert_code(&out, 125);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("only dsbx flags may follow"),
        "{}",
        stderr(&out)
    );
    // Rule 4 only when every later word is a dsbx long flag with its value: otherwise the
    // words are the command's own (rule 5). `echo` shows exactly which words reached it.
    for words in [
        &["echo", "--user", "a:b", "-s", "http://x"][..],
        &["echo", "--quiet", "--version"],
        &["echo", "--timeout", "60", "install", "x"],
        &["echo", "--user", "root", "-n"],
        &["echo", "--color=never"],
        &["echo", "--cwd"],
    ] {
        let mut args = vec!["exec", &id];
        args.extend_from_slice(words);
        let out = env.run(&args);
        assert_code(&out, 0);
        assert_eq!(
            stdout(&out),
            format!("{}\n", words[1..].join(" ")),
            "{words:?}"
        );
    }
    let out = env.run(&["exec", &id, "whoami", "--user", "root", "--cwd", "/tmp"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "root\n");
    // Rule 3 takes global flags too.
    let out = env.run(&[
        "exec", &id, "echo $CI", "--color", "never", "--scope", &env.scope, "-e", "CI=2",
    ]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "2\n");
    let out = env.run(&["exec", &id, "echo hi", "--scope", "elsewhere-scope"]);
    assert_code(&out, 125);
    assert!(
        stderr(&out).contains("in scope `elsewhere-scope`"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&[
        "exec",
        &id,
        "echo hi",
        "--docker-host",
        "unix:///nonexistent.sock",
    ]);
    assert_code(&out, 125);
    assert!(
        stderr(&out).contains("/nonexistent.sock"),
        "{}",
        stderr(&out)
    );
    // Rule 2: after `--` everything is the command.
    let out = env.run(&["exec", &id, "--", "echo", "--cwd", "/tmp"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "--cwd /tmp\n");
    // Rule 1: flags before the id and between id and command.
    let out = env.run(&["exec", "--cwd", "/etc", &id, "-e", "X=y", "echo $X; pwd"]);
    assert_eq!(stdout(&out), "y\n/etc\n");
    // A relative --cwd is taken from the sandbox's working directory (here /).
    let out = env.run(&["exec", &id, "--cwd", "tmp", "pwd"]);
    assert_eq!(stdout(&out), "/tmp\n");
}

#[test]
fn dsbx_side_failures_are_125_and_cannot_run_is_126() {
    let Some(env) = TestEnv::new() else { return };
    // A missing sandbox.
    let out = env.run(&["exec", "nosuchsandbx", "true"]);
    assert_code(&out, 125);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("no sandbox `nosuchsandbx`"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["exec", "--json", "nosuchsandbx", "true"]);
    assert_code(&out, 125);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["exit_code"], 125);
    assert_eq!(v["error"]["kind"], "not_found");
    // A bad flag, a bad env entry, a bad duration, exclusive flags.
    for args in [
        vec!["exec", "--bogus", "x", "true"],
        vec!["exec", "-e", "=x", "abcdabcdabcd", "true"],
        vec!["exec", "--timeout", "soon", "abcdabcdabcd", "true"],
        vec!["exec", "--root", "-u", "user", "abcdabcdabcd", "true"],
    ] {
        let out = env.run(&args);
        assert_code(&out, 125);
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(!stderr(&out).is_empty(), "{args:?}");
    }
    let out = env.run(&["exec", "-t", "--json", "abcdabcdabcd", "true"]);
    assert_code(&out, 125);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
    assert!(env.containers().is_empty());
    // -t off a terminal: refused as docker refuses it, before anything runs.
    let out = env.run(&["exec", "-t", "abcdabcdabcd", "true"]);
    assert_code(&out, 125);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("the input device is not a TTY"),
        "{}",
        stderr(&out)
    );

    let id = env.init(&[]);
    let out = env.run(&["exec", &id, "-u", "bob", "true"]);
    assert_code(&out, 126);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("unknown user `bob`"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["exec", &id, "--cwd", "/no/such/dir", "true"]);
    assert_code(&out, 126);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("cannot use working directory `/no/such/dir`"),
        "{}",
        stderr(&out)
    );
    // An unreachable engine.
    let out = env
        .dsbx()
        .args([
            "--docker-host",
            "unix:///nonexistent.sock",
            "exec",
            &id,
            "true",
        ])
        .output()
        .unwrap();
    assert_code(&out, 125);
}

fn timeout_kills_everything(init: &[&str], extra: &[&str]) {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(init);
    // Long enough for the three sleeps to start on a loaded machine; the test waits until they
    // all run, so it cannot pass by killing a tree that never grew.
    let mut args = vec!["exec", "--timeout", "8"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[&id, "sh", "-c", "sleep 100 & setsid sleep 100 & sleep 100"]);
    let started = Instant::now();
    let child = env
        .spawnable()
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let all_ran = wait_until(Duration::from_secs(8), || {
        count(&processes(&id), "sleep 100") == 3
    });
    let out = child.wait_with_output().unwrap();
    let took = started.elapsed();
    assert!(
        all_ran,
        "the three sleeps never all ran before the timeout:\n{}",
        processes(&id)
    );
    assert_code(&out, 124);
    // A hang would last the 100 s of the sleeps; 40 s is margin for a loaded machine.
    assert!(took < Duration::from_secs(40), "took {took:?}");
    assert!(took >= Duration::from_secs(7), "took {took:?}");
    let ps = processes(&id);
    assert!(!ps.contains("sleep 100"), "left behind:\n{ps}");
}

#[test]
fn timeout_kills_the_whole_tree_as_user() {
    timeout_kills_everything(&["--user", "user"], &[]);
}

#[test]
fn timeout_kills_the_whole_tree_as_root() {
    timeout_kills_everything(&["--user", "user"], &["--root"]);
}

/// A signal to dsbx kills the command with every process it started (a background job, one in a
/// session of its own, the foreground one) and dsbx exits 130.
fn signal_kills_the_whole_tree_and_exits_130(signal: i32, marker: &str) {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let script = format!("echo started; sleep {marker} & setsid sleep {marker} & sleep {marker}");
    let mut child = env
        .spawnable()
        .args(["exec", &id, "sh", "-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let line = read_line(child.stdout.as_mut().unwrap());
    assert_eq!(line, "started\n");
    // Signal only once all three sleeps run, so the test shows the tree being killed.
    let sleeping = format!("sleep {marker}");
    assert!(
        wait_until(Duration::from_secs(20), || count(
            &processes(&id),
            &sleeping
        ) == 3),
        "the three sleeps never all ran:\n{}",
        processes(&id)
    );
    let sent = Instant::now();
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, signal) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(
        sent.elapsed() < Duration::from_secs(10),
        "{:?}",
        sent.elapsed()
    );
    let ps = processes(&id);
    assert_eq!(count(&ps, &sleeping), 0, "left behind:\n{ps}");
}

#[test]
fn sigterm_kills_the_whole_tree_and_exits_130() {
    signal_kills_the_whole_tree_and_exits_130(libc::SIGTERM, "101");
}

#[test]
fn sigint_kills_the_whole_tree_and_exits_130() {
    signal_kills_the_whole_tree_and_exits_130(libc::SIGINT, "103");
}

#[test]
fn a_command_that_ignores_term_is_killed_after_the_grace() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let started = Instant::now();
    // An ignored signal stays ignored across exec, so neither the shell nor the sleeps die of TERM.
    let out = env.run(&[
        "exec",
        "--timeout",
        "1",
        &id,
        "trap '' TERM; sleep 102 & sleep 102",
    ]);
    let took = started.elapsed();
    assert_code(&out, 124);
    // TERM at 1 s, KILL after the grace: later than the timeout, but no hang.
    assert!(took >= Duration::from_millis(2000), "took {took:?}");
    assert!(took < Duration::from_secs(40), "took {took:?}");
    let ps = processes(&id);
    assert_eq!(count(&ps, "sleep 102"), 0, "left behind:\n{ps}");
}

#[test]
fn background_child_does_not_hold_the_call_or_the_next_exec() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    // Warm up (first exec in a fresh container).
    assert_code(&env.run(&["exec", &id, "true"]), 0);
    let started = Instant::now();
    let out = env.run(&["exec", &id, "echo now; sleep 30 &"]);
    let took = started.elapsed();
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "now\n");
    // Waiting for the child would take its 30 s; 10 s leaves a loaded machine room.
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let started = Instant::now();
    assert_code(&env.run(&["exec", &id, "true"]), 0);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "next exec took {took:?}");
    assert!(processes(&id).contains("sleep 30"));
    // What the lingering child writes later lands in the log file, not on our stdout.
    let out = env.run(&["exec", &id, "(sleep 1; echo late-output) &"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
    let logs = || {
        docker_exec(
            &format!("dsbx-{id}"),
            &["sh", "-c", "cat /.dsbx/logs/exec-*.log"],
        )
    };
    assert!(
        wait_until(Duration::from_secs(20), || logs().contains("late-output")),
        "{}",
        logs()
    );
}

#[test]
fn stdin_is_forwarded_with_eof_only_with_i() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let data: Vec<u8> = (0..10 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let out = env
        .dsbx()
        .args(["exec", "-i", &id, "sha256sum"])
        .write_stdin(data.clone())
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(stdout(&out).split_whitespace().next().unwrap(), sha(&data));
    // Without -i stdin is never read: `cat` sees EOF at once, and our stdin stays unread.
    let mut child = env
        .spawnable()
        .args(["exec", &id, "cat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"should not arrive").unwrap();
    // Our end stays open: were stdin forwarded, `cat` would wait for more and never exit. Fail
    // then, rather than hang.
    let exited = wait_until(Duration::from_secs(20), || {
        child.try_wait().unwrap().is_some()
    });
    if !exited {
        let _ = child.kill();
    }
    assert!(exited, "exec without -i waited on our stdin");
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"");
}

#[test]
fn stderr_arrives_live_while_the_command_runs() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let mut child = env
        .spawnable()
        .args(["exec", &id, "echo first-err >&2; echo first-out; sleep 100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err_line = read_line(child.stderr.as_mut().unwrap());
    let out_line = read_line(child.stdout.as_mut().unwrap());
    // Both lines arrived while `sleep 100` still runs.
    let running = child.try_wait().unwrap().is_none();
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(running, "the command had already ended");
    assert_eq!(err_line, "first-err\n");
    assert_eq!(out_line, "first-out\n");
    assert_eq!(status.code(), Some(130));
}

#[test]
fn background_start_returns_at_once_and_outlives_dsbx() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let started = Instant::now();
    let out = env.run(&["exec", "-b", &id, "sh", "-c", "echo bg-out; sleep 60"]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "waited for the 60 s command"
    );
    assert_code(&out, 0);
    let text = stdout(&out);
    let mut lines = text.lines();
    let pid = lines
        .next()
        .unwrap()
        .strip_prefix("PID: ")
        .unwrap()
        .to_string();
    let log = lines
        .next()
        .unwrap()
        .strip_prefix("Log: ")
        .unwrap()
        .to_string();
    assert!(pid.parse::<u32>().is_ok(), "{text}");
    // Outlives dsbx: dsbx has exited, the command has written its line since, and it is still
    // there.
    let read_log = || docker_exec(&format!("dsbx-{id}"), &["cat", &log]);
    assert!(
        wait_until(Duration::from_secs(20), || read_log() == "bg-out"),
        "log holds {:?}",
        read_log()
    );
    let ps = processes(&id);
    assert!(
        ps.lines()
            .any(|l| l.trim_start().starts_with(&format!("{pid} ")) && l.contains("user")),
        "{pid} not running:\n{ps}"
    );
    let out = env.run(&["exec", "-b", "--json", &id, "sleep", "60"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["pid"].as_u64().is_some(), "{v}");
    assert!(
        v["log"].as_str().unwrap().starts_with("/.dsbx/logs/"),
        "{v}"
    );
    // A command that cannot start is reported, not given a PID.
    let out = env.run(&["exec", "-b", &id, "no-such-command", "x"]);
    assert_code(&out, 127);
    assert_eq!(stdout(&out), "");
}

#[test]
fn json_shape_with_binary_output_and_limits() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let out = env.run(&[
        "exec",
        "--json",
        &id,
        r"printf '\377\376x'; echo oops >&2; exit 3",
    ]);
    assert_code(&out, 3);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["exit_code"], 3);
    assert_eq!(v["timed_out"], false);
    assert!(v["duration_ms"].as_u64().is_some());
    assert_eq!(v["stderr"], "oops\n");
    assert_eq!(v["stdout_base64"], "//54");
    assert!(v.get("stderr_base64").is_none());
    assert_eq!(v["stdout_truncated"], false);
    assert!(v.get("signal").is_none());
    // Trailing --json (rule 4), a signal and a timeout.
    let out = env.run(&["exec", &id, "pwd", "--json", "--cwd", "/tmp"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stdout"], "/tmp\n");
    let out = env.run(&["exec", "--json", &id, "kill -9 $$"]);
    assert_code(&out, 137);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["signal"], 9);
    assert_eq!(v["timed_out"], false);
    let out = env.run(&["exec", "--json", "--timeout", "1", &id, "sleep 30"]);
    assert_code(&out, 124);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["timed_out"], true);
    assert!(v.get("signal").is_none(), "the timeout's TERM is ours: {v}");
    // The same codes from the command itself: JSON tells them apart.
    let out = env.run(&["exec", "--json", &id, "exit 137"]);
    assert_code(&out, 137);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("signal").is_none(), "exit 137 is no signal: {v}");
    assert_eq!(v["timed_out"], false);
    let out = env.run(&["exec", "--json", &id, "exit 124"]);
    assert_code(&out, 124);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["timed_out"], false, "exit 124 is no timeout: {v}");
    // argv form, killed by a signal other than 9.
    let out = env.run(&["exec", "--json", &id, "sh", "-c", "kill -TERM $$"]);
    assert_code(&out, 143);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["signal"], 15);
    // The cap from the config.
    env.write_config("image = \"dsbx-test-busybox:latest\"\njson_output_limit = \"10b\"\n");
    let out = env.run(&["exec", "--json", &id, "echo 0123456789abcdef"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stdout"], "0123456789");
    assert_eq!(v["stdout_truncated"], true);
}

#[test]
fn stopped_sandbox_is_started_and_activity_recorded() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let name = format!("dsbx-{id}");
    assert!(docker(&["stop", "-t", "1", &name]).status.success());
    assert_eq!(inspect(&name, "{{.State.Running}}"), "false");
    let out = env.run(&["exec", &id, "echo", "ok"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "ok\n");
    assert_eq!(inspect(&name, "{{.State.Running}}"), "true");
    // The record's last activity: its mark beside the state file (`StateStore::touch`), which
    // `ls` shows.
    assert!(env.state_dir.join("activity").join(&id).is_file());
    let ls = env.run(&["ls", "--json"]);
    assert_code(&ls, 0);
    let rows: serde_json::Value = serde_json::from_slice(&ls.stdout).unwrap();
    assert!(rows["sandboxes"][0]["last_activity"].is_string(), "{rows}");
    assert!(docker(&["pause", &name]).status.success());
    let out = env.run(&["exec", &id, "echo", "resumed"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "resumed\n");
    assert_eq!(inspect(&name, "{{.State.Status}}"), "running");
}

#[test]
fn tty_mode_through_tmux_with_resize() {
    let Some(env) = TestEnv::new() else { return };
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        panic!("tmux is needed for the -t test");
    }
    let id = env.init(&["--user", "user"]);
    let session = format!("dsbx-{}", random_suffix());
    let socket = env.dir.path().join("tmux.sock");
    let socket = path_str(&socket);
    let done = env.dir.path().join("done");
    let modes = env.dir.path().join("modes");
    // After dsbx returns: its exit code, then the local terminal's modes (restored or not).
    let command = format!(
        "env DSBX_STATE_DIR={} DSBX_CONFIG={} DSBX_SCOPE={} {} exec -t {id} sh; echo $? > {}; stty -a > {}",
        env.state_dir.display(),
        env.config.display(),
        env.scope,
        dsbx_bin().display(),
        done.display(),
        modes.display()
    );
    let tmux = |args: &[&str]| {
        let mut all = vec!["-S", socket];
        all.extend_from_slice(args);
        std::process::Command::new("tmux")
            .args(&all)
            .output()
            .unwrap()
    };
    let out = tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "100",
        "-y",
        "30",
        &command,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let capture = || {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &session]).stdout).to_string()
    };
    let pane = |want: &str| -> String {
        let until = Instant::now() + Duration::from_secs(15);
        loop {
            let text = capture();
            if text.contains(want) || Instant::now() > until {
                return text;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let text = pane("/ $");
    assert!(text.contains("/ $"), "no prompt:\n{text}");
    tmux(&[
        "send-keys",
        "-t",
        &session,
        "stty size; tty; id -un",
        "Enter",
    ]);
    // `tty` prints after `stty size`: waiting for its output means both have arrived.
    let text = pane("/dev/pts/");
    assert!(text.contains("30 100"), "{text}");
    assert!(text.contains("/dev/pts/"), "{text}");
    tmux(&["resize-window", "-t", &session, "-x", "120", "-y", "40"]);
    // The new size reaches the remote terminal asynchronously: ask again until it shows.
    let until = Instant::now() + Duration::from_secs(15);
    let mut text = String::new();
    while Instant::now() < until && !text.contains("40 120") {
        tmux(&["send-keys", "-t", &session, "stty size", "Enter"]);
        std::thread::sleep(Duration::from_millis(500));
        text = capture();
    }
    assert!(text.contains("40 120"), "{text}");
    // Raw mode: Ctrl-C goes to the remote shell's foreground job, not to dsbx.
    tmux(&["send-keys", "-t", &session, "clear; sleep 30", "Enter"]);
    // Ctrl-C once the job runs: sent earlier, it could reach the shell before the line did.
    assert!(
        wait_until(Duration::from_secs(30), || {
            docker_lines(&["top", &format!("dsbx-{id}")])
                .iter()
                .any(|l| l.contains("sleep 30"))
        }),
        "the job never started"
    );
    tmux(&["send-keys", "-t", &session, "C-c"]);
    tmux(&[
        "send-keys",
        "-t",
        &session,
        "echo still-$((40 + 2))",
        "Enter",
    ]);
    let text = pane("still-42");
    assert!(
        text.contains("still-42"),
        "Ctrl-C ended the session:\n{text}"
    );
    tmux(&["send-keys", "-t", &session, "exit 5", "Enter"]);
    // `stty -a` has written its whole report (its first line names the speed) once the file
    // holds a line; the exit code was written before it.
    wait_until(Duration::from_secs(15), || {
        std::fs::read_to_string(&modes).is_ok_and(|m| m.contains("speed") && m.ends_with('\n'))
    });
    let code = std::fs::read_to_string(&done).unwrap_or_default();
    let local = std::fs::read_to_string(&modes).unwrap_or_default();
    tmux(&["kill-server"]);
    assert_eq!(code.trim(), "5");
    // The local terminal is back in cooked mode with echo.
    let words: Vec<&str> = local.split([' ', ';', '\n']).collect();
    for mode in ["icanon", "echo", "isig"] {
        assert!(words.contains(&mode), "{mode} not restored: {local}");
    }
}

#[test]
fn a_sandbox_without_the_helper_falls_back_to_plain_docker_exec() {
    let Some(env) = TestEnv::new() else { return };
    // What `init` makes where dsbx is not a static Linux binary and no helper_path is set.
    let id = format!("h{}", &format!("{:0>11}", random_suffix())[..11]);
    let labels = [
        "dsbx.managed=true".to_string(),
        "dsbx.schema=1".to_string(),
        format!("dsbx.id={id}"),
        format!("dsbx.scope={}", env.scope),
        format!("dsbx.created-at={}", chrono::Utc::now().to_rfc3339()),
        "dsbx.user=root".to_string(),
    ];
    let mut args = vec!["run", "-d", "--name"];
    let name = format!("dsbx-{id}");
    args.push(&name);
    for l in &labels {
        args.extend(["--label", l.as_str()]);
    }
    args.extend([BUSYBOX, "sleep", "300"]);
    assert!(docker(&args).status.success());

    let out = env.run(&["exec", &id, "echo hi; exit 3"]);
    assert_code(&out, 3);
    assert_eq!(stdout(&out), "hi\n");
    assert!(stderr(&out).contains("no dsbx helper"), "{}", stderr(&out));
    let out = env.run(&["exec", &id, "no-such-command", "arg"]);
    assert_code(&out, 127);
    assert_eq!(stdout(&out), "", "the engine's text never reaches stdout");
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
    let out = env.run(&["exec", "--timeout", "5", &id, "true"]);
    assert_code(&out, 125);
    assert!(stderr(&out).contains("helper_path"), "{}", stderr(&out));
}

#[test]
fn json_failures_report_the_exit_code_exec_exits_with() {
    // A broken config fails before exec starts: the JSON error still says 125.
    let env = TestEnv::offline("[limits]\nmemory = \"lots\"\n");
    let out = env.run(&["exec", "--json", "abcdabcdabcd", "true"]);
    assert_code(&out, 125);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["exit_code"], 125);
    assert_eq!(v["error"]["kind"], "usage");
}
