//! Faults injected for real: a fake engine of the test's own on a unix socket (one that answers
//! `_ping` and nothing else, one that answers 404 to everything), locks held by the test, values
//! and messages that must not mean something else than they say.

mod common;

use common::{TestEnv, assert_code, stderr, stdout};
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

/// How a fake engine answers.
#[derive(Clone, Copy, PartialEq)]
enum Fake {
    /// `_ping` answers as Docker's does; every other request is read and never answered.
    PingOnly,
    /// Everything, `_ping` included, answers 404 (a web server, not Docker).
    NotDocker,
}

/// A fake engine serving on a unix socket in a temp dir until the test process ends.
struct FakeEngine {
    _dir: tempfile::TempDir,
    socket: PathBuf,
}

impl FakeEngine {
    fn start(kind: Fake) -> FakeEngine {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("engine.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { return };
                std::thread::spawn(move || serve(conn, kind));
            }
        });
        FakeEngine { _dir: dir, socket }
    }

    fn url(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

/// Reads requests off one connection; answers as `kind` says. A request left unanswered keeps
/// the connection open (reading on, discarding) until the client goes.
fn serve(mut conn: UnixStream, kind: Fake) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let Some(end) = find(&buf, b"\r\n\r\n") else {
            match conn.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_string();
        buf.drain(..end + 4);
        let request_line = head.lines().next().unwrap_or("");
        let path = request_line.split(' ').nth(1).unwrap_or("");
        let answer = match kind {
            Fake::NotDocker => Some(
                "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found"
                    .to_string(),
            ),
            Fake::PingOnly if path.starts_with("/_ping") => Some(
                "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK"
                    .to_string(),
            ),
            Fake::PingOnly => None,
        };
        match answer {
            Some(text) => {
                if conn.write_all(text.as_bytes()).is_err() {
                    return;
                }
            }
            None => {
                // Never answered: hold the connection until dsbx gives up and closes it.
                while matches!(conn.read(&mut chunk), Ok(n) if n > 0) {}
                return;
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A test environment whose engine bound is short, so a hang shows within seconds.
fn short_bound_env() -> TestEnv {
    TestEnv::offline("image = \"dsbx-test-busybox:latest\"\nengine_timeout = \"2s\"\n")
}

/// Runs dsbx against the engine at `url`; a dsbx still running after two minutes (a hang, as on
/// a dsbx without bounds) is killed, so the test fails instead of hanging with it.
fn run_against(env: &TestEnv, url: &str, args: &[&str], dir: Option<&Path>) -> (Output, Duration) {
    let mut cmd = env.spawnable();
    cmd.env("DOCKER_HOST", url).args(args);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out_pipe.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err_pipe.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let took = started.elapsed();
    let out = Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    };
    (out, took)
}

/// Every command against an engine that answers `_ping` and nothing else: each returns well
/// within a bound that tells a hang from a prompt return (the request bound is 2 s; today's main
/// waits an hour), with exit 4 (125 for exec, 1 for doctor's failed check) and one line naming
/// the engine and the call.
#[test]
fn every_command_gives_up_on_an_engine_that_answers_only_ping() {
    let engine = FakeEngine::start(Fake::PingOnly);
    let url = engine.url();
    let env = short_bound_env();
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("f.txt"), "hello").unwrap();
    let id = "abcdefgh1234";
    let commands: Vec<(Vec<&str>, i32)> = vec![
        (vec!["init"], 4),
        (
            vec!["init", "--image", "dsbx-test-busybox:latest", "--isolated"],
            4,
        ),
        (vec!["exec", id, "true"], 125),
        (vec!["exec", id, "sh", "-c", "echo hi"], 125),
        (vec!["ls"], 4),
        (vec!["ls", "--all-scopes"], 4),
        (vec!["kill", id], 4),
        (vec!["kill", "--all"], 4),
        (vec!["gc"], 4),
        (vec!["info", id], 4),
        (vec!["timeout", id, "60"], 4),
        (vec!["pause", id], 4),
        (vec!["resume", id], 4),
        (vec!["upload", id, "f.txt", "/tmp/f.txt"], 4),
        (vec!["download", id, "/etc/hostname", "out.txt"], 4),
        (vec!["get-host", id, "8000"], 4),
        (vec!["files", "read", id, "/etc/hostname"], 4),
        (vec!["files", "ls", id, "/"], 4),
        (vec!["files", "write", id, "/tmp/x", "data"], 4),
        (vec!["sandbox", "list"], 4),
        (vec!["sandbox", "status", id], 4),
        (vec!["sandbox", "extend-lifetime", id, "10"], 4),
        (vec!["proxy", "status"], 4),
        (vec!["template", "build"], 4),
        (vec!["doctor"], 1),
    ];
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = commands
            .iter()
            .map(|(args, _)| {
                let (env, url, dir) = (&env, &url, work.path());
                s.spawn(move || run_against(env, url, args, Some(dir)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let socket = engine.socket.display().to_string();
    let mut failures = Vec::new();
    for ((args, code), (out, took)) in commands.iter().zip(&results) {
        // Doctor reports on stdout, as a checklist.
        let err = if args[0] == "doctor" {
            stdout(out)
        } else {
            stderr(out)
        };
        let error_lines: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
        let ok = out.status.code() == Some(*code)
            // Far below the hour bollard would wait, with room for a loaded machine (a build may
            // go 20 request bounds without output: a silent RUN step is legitimate).
            && *took < Duration::from_secs(90)
            && err.contains(&socket)
            && (err.contains("did not answer within 2s") || err.contains("nothing moved for 40s"));
        let one_line = args[0] == "doctor" || error_lines.len() == 1;
        if !ok || !one_line {
            failures.push(format!(
                "dsbx {}: exit {:?} (want {code}) after {took:?}; stderr: {err}",
                args.join(" "),
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The message names the call that went unanswered.
    let (out, _) = &results[4];
    assert!(stderr(out).contains("listing sandboxes"), "{}", stderr(out));
    // A build that never starts is a stall of the build bound.
    let (out, _) = &results[commands.len() - 2];
    assert!(stderr(out).contains("building an image"), "{}", stderr(out));
}

/// With the default bound (30 s), a hang is still given up: one command, waited for in full.
#[test]
fn the_default_bound_ends_a_hang_too() {
    let engine = FakeEngine::start(Fake::PingOnly);
    let env = TestEnv::offline("");
    let (out, took) = run_against(&env, &engine.url(), &["ls"], None);
    assert_code(&out, 4);
    assert!(took >= Duration::from_secs(29), "{took:?}");
    assert!(took < Duration::from_secs(90), "{took:?}");
    assert!(
        stderr(&out).contains("did not answer within 30s"),
        "{}",
        stderr(&out)
    );
}

/// An address where something answers HTTP but not as Docker: exit 4 naming the host, never
/// "Docker answered 404" with exit 1.
#[test]
fn an_endpoint_that_is_not_docker_is_exit_4_naming_it() {
    let engine = FakeEngine::start(Fake::NotDocker);
    let url = engine.url();
    let env = short_bound_env();
    for args in [
        &["ls"][..],
        &["info", "abcdefgh1234"],
        &["kill", "abcdefgh1234"],
        &["timeout", "abcdefgh1234", "60"],
        &["gc"],
        &["init"],
    ] {
        let (out, took) = run_against(&env, &url, args, None);
        assert_code(&out, 4);
        let err = stderr(&out);
        assert!(took < Duration::from_secs(30), "{args:?}: {took:?}");
        assert!(err.contains(&url), "{args:?}: {err}");
        assert!(
            err.contains("answered 404 to `GET /_ping`"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("Docker answered"), "{args:?}: {err}");
    }
    let (out, _) = run_against(&env, &url, &["exec", "abcdefgh1234", "true"], None);
    assert_code(&out, 125);
    assert!(stderr(&out).contains("answered 404"), "{}", stderr(&out));
}

/// `tcp://`, `ssh://`, `unix://` with nothing after them are usage errors, not "cannot reach".
#[test]
fn a_docker_host_with_nothing_after_the_scheme_is_a_usage_error() {
    let env = TestEnv::offline("");
    for url in ["tcp://", "ssh://", "unix://", "http://", "unix:///"] {
        let (out, _) = run_against(&env, url, &["ls"], None);
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(err.contains("names no"), "{url}: {err}");
        assert!(!err.contains("cannot reach"), "{url}: {err}");
        let (out, _) = run_against(&env, url, &["exec", "abcd", "true"], None);
        assert_code(&out, 125);
        let mut cmd = env.spawnable();
        let out = cmd.args(["--docker-host", url, "ls"]).output().unwrap();
        assert_code(&out, 2);
        assert!(stderr(&out).contains("--docker-host"), "{}", stderr(&out));
    }
}

/// A dsbx waiting for the state lock says so after a second, naming the holder's pid, and gives
/// up after its bound with a clear error; nothing is left behind.
#[test]
fn a_held_state_lock_is_waited_for_visibly_and_given_up() {
    let Some(env) = TestEnv::new() else { return };
    std::fs::create_dir_all(&env.state_dir).unwrap();
    let lock_path = env.state_dir.join("state.lock");
    let holder = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path)
        .unwrap();
    holder.lock().unwrap();
    std::fs::write(&lock_path, format!("{}\n", std::process::id())).unwrap();
    let started = Instant::now();
    let (out, took) = run_against(&env, "unix:///var/run/docker.sock", &["init"], None);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "waiting for the state lock ({}), held by pid {}",
            lock_path.display(),
            std::process::id()
        )),
        "{err}"
    );
    assert!(
        err.contains("gave up after waiting 30s for the state lock"),
        "{err}"
    );
    assert!(
        took >= Duration::from_secs(29) && took < Duration::from_secs(100),
        "{took:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(110));
    assert!(
        env.containers().is_empty(),
        "init left {:?}",
        env.containers()
    );
    drop(holder);
    // Free again: the same command works.
    let id = env.init(&[]);
    assert_code(&env.run(&["kill", &id]), 0);
}

/// `--timeout 20s` gives a deadline no earlier than 20 s after it was asked for (whole seconds,
/// rounded up), and `sandbox extend-lifetime ID 10` adds exactly 10 s, not 9.
#[test]
fn deadlines_are_never_earlier_than_asked() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h"]);
    let parse = |out: &Output| {
        chrono::DateTime::parse_from_rfc3339(stdout(out).trim())
            .unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
            .with_timezone(&chrono::Utc)
    };
    for _ in 0..3 {
        let asked = chrono::Utc::now();
        let out = env.run(&["timeout", &id, "20s"]);
        assert_code(&out, 0);
        let deadline = parse(&out);
        assert!(
            deadline >= asked + chrono::Duration::seconds(20),
            "asked at {asked}, deadline {deadline}"
        );
        assert!(deadline <= chrono::Utc::now() + chrono::Duration::seconds(21));
        let out = env.run(&["sandbox", "extend-lifetime", &id, "10"]);
        assert_code(&out, 0);
        assert_eq!(parse(&out), deadline + chrono::Duration::seconds(10));
    }
    assert_code(&env.run(&["kill", &id]), 0);
}

/// Values that would not mean what they say are usage errors, before any engine call.
#[test]
fn values_out_of_range_are_usage_errors() {
    let Some(env) = TestEnv::new() else { return };
    for (args, says) in [
        (&["init", "--timeout", "500ms"][..], "under one second"),
        (&["init", "--timeout", "1ns"], "under one second"),
        (&["init", "--cpus", "1e-10"], "0.01"),
        (&["init", "--cpus", "0.001"], "0.01"),
        (&["init", "--memory", "10000000000g"], "too large"),
        (
            &["init", "--memory", "99999999999999999999999"],
            "too large",
        ),
        (&["timeout", "abcd", "500ms"], "under one second"),
        (&["sandbox", "extend-lifetime", "abcd", "1ns"], "1ns"),
    ] {
        let out = env.run(args);
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
    }
    let out = env.run(&["exec", "abcd", "--timeout", "1ns", "true"]);
    assert_code(&out, 125);
    assert!(env.containers().is_empty());
}

/// An error that echoes a bad value shows its control characters escaped and a long value cut
/// with its length: every message stays one line.
#[test]
fn echoed_values_are_escaped_and_cut() {
    let env = TestEnv::offline("");
    let out = env.run(&["init", "--timeout", "5\x1b[31mred\rback"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("5\\x1b[31mred\\rback"), "{err}");
    assert!(!err.contains('\x1b') && !err.contains('\r'), "{err:?}");
    let long = "9".repeat(5000) + "x";
    let out = env.run(&["init", "--memory", &long]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("(5001 bytes in all)"), "{err}");
    assert!(err.len() < 400, "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    for args in [
        vec!["init", "-p", "80\x1b]0;owned\x07"],
        vec!["init", "--name", "x\ry"],
        vec!["init", "--label", "\x1b[2J"],
    ] {
        let out = env.run(&args);
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(
            !err.contains('\x1b') && !err.contains('\r') && !err.contains('\x07'),
            "{err:?}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    let out = env.run(&["info", &"z".repeat(3000)]);
    assert!(
        stderr(&out).contains("(3000 bytes in all)"),
        "{}",
        stderr(&out)
    );
}

/// `kill` racing `kill` (and so `gc`): the engine's "removal already in progress" means the
/// sandbox is going, as asked: every racer exits 0.
#[test]
fn kills_racing_each_other_all_succeed() {
    let Some(env) = TestEnv::new() else { return };
    let ids: Vec<String> = (0..3).map(|_| env.init(&["--timeout", "10m"])).collect();
    let outs: Vec<Output> = std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .iter()
            .flat_map(|id| (0..3).map(move |_| id))
            .map(|id| {
                let env = &env;
                s.spawn(move || env.run(&["kill", id]))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for out in &outs {
        assert_code(out, 0);
    }
    assert!(env.containers().is_empty());
}

/// `timeout` racing `kill` ends as "no such sandbox" (3) or success, never exit 1 with the
/// engine's "Could not find the file / in container".
#[test]
fn timeout_racing_kill_is_not_found_not_a_failure() {
    let Some(env) = TestEnv::new() else { return };
    for _ in 0..4 {
        let id = env.init(&["--timeout", "10m"]);
        let (timeout, kill) = std::thread::scope(|s| {
            let t = s.spawn(|| env.run(&["timeout", &id, "60"]));
            let k = s.spawn(|| env.run(&["kill", &id]));
            (t.join().unwrap(), k.join().unwrap())
        });
        assert_code(&kill, 0);
        let code = timeout.status.code();
        assert!(
            code == Some(0) || code == Some(3),
            "timeout exited {code:?}: {}",
            stderr(&timeout)
        );
        if code == Some(3) {
            assert!(stderr(&timeout).contains(&id), "{}", stderr(&timeout));
        }
    }
    assert!(env.containers().is_empty());
}

/// `exec` whose sandbox is killed under it: 125 with a message saying so, not 126 (or a
/// signal's code) with an empty stderr.
#[test]
fn exec_racing_kill_is_125_with_a_message() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "10m"]);
    let mut exec = env.spawnable();
    exec.args(["exec", &id, "echo started; sleep 60"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = exec.spawn().unwrap();
    let mut out_pipe = child.stdout.take().unwrap();
    assert_eq!(common::read_line(&mut out_pipe).trim(), "started");
    assert_code(&env.run(&["kill", &id]), 0);
    let started = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("sandbox `{id}`")),
        "{}",
        stderr(&out)
    );
    // And an exec started as the kill lands: never 126 with nothing said.
    for _ in 0..3 {
        let id = env.init(&["--timeout", "10m"]);
        let (exec, _) = std::thread::scope(|s| {
            let e = s.spawn(|| env.run(&["exec", &id, "true"]));
            let k = s.spawn(|| env.run(&["kill", &id]));
            (e.join().unwrap(), k.join().unwrap())
        });
        let code = exec.status.code();
        assert!(
            code == Some(0) || (code == Some(125) && !stderr(&exec).trim().is_empty()),
            "exec exited {code:?} with stderr {:?}",
            stderr(&exec)
        );
    }
}

/// Off a terminal (cron), gc's fatal error is a timestamped line like every other line it
/// prints; a bad config value names the file and line, and says what the key takes.
#[test]
fn gc_fatal_errors_are_timestamped_log_lines() {
    let env = TestEnv::offline("");
    let (out, _) = run_against(&env, "unix:///nonexistent/docker.sock", &["gc"], None);
    assert_code(&out, 4);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    let (stamp, rest) = err.split_once(' ').unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
        "no timestamp first: {err}"
    );
    assert!(rest.starts_with("error: cannot reach"), "{err}");
    env.write_config("scope = \"a,b\"\n");
    let out = env
        .dsbx()
        .env_remove("DSBX_SCOPE")
        .arg("gc")
        .output()
        .unwrap();
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("line 1, key `scope`"), "{err}");
    assert!(chrono::DateTime::parse_from_rfc3339(err.split(' ').next().unwrap()).is_ok());
    env.write_config("network = \"\"\n");
    let out = env.run(&["ls"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("line 1, key `network`"),
        "{}",
        stderr(&out)
    );
    env.write_config("timeout = true\n");
    let out = env.run(&["ls"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("expected a duration") && !err.contains("untagged"),
        "{err}"
    );
}

/// Thaws a container's freezer cgroup when dropped, so a test that wedged it never leaves the
/// shared engine with a container it cannot inspect or remove.
struct Thaw(Vec<(PathBuf, &'static str)>);

impl Drop for Thaw {
    fn drop(&mut self) {
        for (path, value) in &self.0 {
            let _ = std::fs::write(path, value);
        }
    }
}

/// The freezer file of a container and the value that thaws it (cgroup v1 or v2).
fn freezer_of(container_id: &str) -> Vec<(PathBuf, &'static str)> {
    [
        (
            format!("/sys/fs/cgroup/freezer/docker/{container_id}/freezer.state"),
            "THAWED",
        ),
        (
            format!("/sys/fs/cgroup/system.slice/docker-{container_id}.scope/cgroup.freeze"),
            "0",
        ),
        (
            format!("/sys/fs/cgroup/docker/{container_id}/cgroup.freeze"),
            "0",
        ),
    ]
    .into_iter()
    .map(|(p, v)| (PathBuf::from(p), v))
    .filter(|(p, _)| p.exists())
    .collect()
}

/// Docker 20.10: a `pause` racing an `exec` can freeze the exec's set-up inside the container,
/// and the engine then holds the container's lock forever: `docker inspect`, `exec`, `rm -f` and
/// `unpause` of it all hang. dsbx's exec, kill, info and timeout must still return within their
/// bound, with exit 4 (125 for exec) naming the call; gc and ls must not wait behind it.
#[test]
fn a_sandbox_wedged_by_pause_racing_exec_does_not_hang_dsbx() {
    let Some(env) =
        TestEnv::with_config("image = \"dsbx-test-busybox:latest\"\nengine_timeout = \"10s\"\n")
    else {
        return;
    };
    let id = env.init(&["--timeout", "30m"]);
    let name = format!("dsbx-{id}");
    let container = common::inspect(&name, "{{.Id}}");
    let thaw = Thaw(freezer_of(&container));
    assert!(
        !thaw.0.is_empty(),
        "no freezer cgroup found for {container}"
    );
    let docker_bounded = |args: &[&str], secs: u32| {
        std::process::Command::new("timeout")
            .arg(secs.to_string())
            .arg("docker")
            .args(args)
            .output()
            .unwrap()
    };
    let mut wedged = false;
    for _ in 0..150 {
        let racer = std::process::Command::new("timeout")
            .args(["8", "docker", "exec", &name, "true"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        docker_bounded(&["pause", &name], 8);
        docker_bounded(&["unpause", &name], 8);
        if !docker_bounded(&["inspect", &name], 3).status.success() {
            wedged = true;
            std::mem::forget(racer);
            break;
        }
        let _ = { racer }.wait();
    }
    // Newer engines do not wedge: then the same commands must simply work.
    eprintln!("wedged: {wedged}");
    let commands: Vec<(Vec<&str>, i32)> = vec![
        (vec!["exec", &id, "true"], 125),
        (vec!["info", &id], 4),
        (vec!["timeout", &id, "60"], 4),
        (vec!["kill", &id], 4),
    ];
    for (args, code) in &commands {
        let (out, took) = run_against(&env, "unix:///var/run/docker.sock", args, None);
        assert!(took < Duration::from_secs(60), "{args:?} took {took:?}");
        if wedged {
            assert_eq!(out.status.code(), Some(*code), "{args:?}: {}", stderr(&out));
            let err = stderr(&out);
            assert!(err.contains("did not answer within 10s"), "{args:?}: {err}");
            assert!(err.contains("/var/run/docker.sock"), "{args:?}: {err}");
        }
    }
    for args in [&["ls"][..], &["gc"]] {
        let (out, took) = run_against(&env, "unix:///var/run/docker.sock", args, None);
        assert!(took < Duration::from_secs(30), "{args:?} took {took:?}");
        assert_code(&out, 0);
    }
    drop(thaw);
    // Thawed, the engine lets go: the removal the bounded kill asked for completes (or a new
    // one does).
    let mut last = String::new();
    let removed = common::wait_until(Duration::from_secs(60), || {
        let out = env.run(&["kill", &id]);
        last = format!(
            "{:?} {} {:?}",
            out.status.code(),
            stderr(&out),
            env.containers()
        );
        matches!(out.status.code(), Some(0 | 3)) && env.containers().is_empty()
    });
    assert!(removed, "{last}");
}

/// A transfer the engine stops serving in the middle (its archive request, or for a read the
/// start of the helper's `pack`, held back by a relay, so not a byte moves) ends with exit 4
/// naming the engine and the transfer, after the stall bound (4 request bounds with nothing
/// moving) or the request bound, not after bollard's hour.
#[test]
fn a_stalled_transfer_is_given_up() {
    let Some(env) =
        TestEnv::with_config("image = \"dsbx-test-busybox:latest\"\nengine_timeout = \"5s\"\n")
    else {
        return;
    };
    let id = env.init(&["--timeout", "10m"]);
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("f.txt"), vec![b'x'; 1 << 20]).unwrap();
    for (method, args) in [
        ("HEAD", vec!["upload", &id, "f.txt", "/tmp/f.txt"]),
        ("PUT", vec!["upload", &id, "f.txt", "/tmp/f.txt"]),
        // Reads go through the helper's `pack` on the engine's exec path (this relay is not the
        // engine the sandbox was made on, so its channel is not used): its start is held.
        ("POST", vec!["download", &id, "/etc/passwd", "out.txt"]),
        ("POST", vec!["files", "read", &id, "/etc/passwd"]),
    ] {
        let suffix = if method == "POST" {
            "/start"
        } else {
            "/archive"
        };
        let relay = common::api_log::ApiLog::holding_method(method, suffix);
        let (out, took) = run_against(&env, &relay.docker_host(), &args, Some(work.path()));
        assert!(
            relay.wait_held(Duration::from_secs(1)),
            "{args:?} never reached the engine's {suffix}"
        );
        assert_code(&out, 4);
        let err = stderr(&out);
        assert!(took < Duration::from_secs(60), "{args:?} took {took:?}");
        assert!(err.contains(&relay.docker_host()), "{args:?}: {err}");
        // A stat must answer at once; a transfer may take long but must keep moving.
        let says = if method == "HEAD" || method == "POST" {
            "did not answer within 5s"
        } else {
            "nothing moved for 20s"
        };
        assert!(err.contains(says), "{method} {args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        eprintln!("{args:?} after {took:?}: {err}");
        relay.release();
    }
    assert_code(&env.run(&["kill", &id]), 0);
}
