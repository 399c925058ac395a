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
