//! Command lines written for the E2B `sbx` skill, replayed with `dsbx` in place of `sbx`: each
//! result and exit code as an agent would read them (stdout = data only).

mod common;

use chrono::{DateTime, Utc};
use common::*;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

const CONFIG: &str = "image = \"dsbx-test-busybox:latest\"\n\
    [templates]\n\
    base = \"dsbx-test-busybox:latest\"\n";

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(out), stderr(out)))
}

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text.trim())
        .unwrap_or_else(|e| panic!("not a time `{text}`: {e}"))
        .with_timezone(&Utc)
}

/// Runs and asserts the exit code; returns stdout.
#[track_caller]
fn ok(env: &TestEnv, args: &[&str]) -> String {
    let out = env.run(args);
    assert_code(&out, 0);
    stdout(&out)
}

fn expires_at(env: &TestEnv, id: &str) -> DateTime<Utc> {
    let info = json(&env.run(&["--json", "sandbox", "info", id]));
    time(info["expires_at"].as_str().expect("a deadline"))
}

/// GET / over plain HTTP/1.0; the response body.
fn http_get(url: &str) -> std::io::Result<String> {
    let authority = url
        .strip_prefix("http://")
        .expect("http URL")
        .trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(b"GET /index.html HTTP/1.0\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

#[test]
fn an_agents_sbx_session_replayed() {
    let Some(env) = TestEnv::with_config(CONFIG) else {
        return;
    };
    let name = format!("agent-{}", &env.scope[2..]);

    // sbx init -t T --timeout S -e K=V -n N
    let out = env.run(&[
        "init",
        "-t",
        "base",
        "--timeout",
        "600",
        "-e",
        "GREETING=hi",
        "-n",
        &name,
    ]);
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    assert_eq!(stdout(&out), format!("{id}\n"), "stdout is the id alone");
    assert_eq!(id.len(), 12);
    let container = format!("dsbx-{id}");
    assert_eq!(inspect(&container, "{{.State.Status}}"), "running");
    assert!(inspect(&container, "{{.Config.Env}}").contains("GREETING=hi"));

    // sbx exec ID "CMD" --cwd D --timeout S (flags after the command string)
    let out = env.run(&[
        "exec",
        &id,
        "echo $GREETING; pwd",
        "--cwd",
        "/tmp",
        "--timeout",
        "30",
    ]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "hi\n/tmp\n");
    // -e after the command string is dsbx's; a failing command's status comes through.
    let out = env.run(&[
        "exec",
        &id,
        "echo $CI; exit 3",
        "-e",
        "CI=1",
        "--timeout",
        "30",
    ]);
    assert_code(&out, 3);
    assert_eq!(stdout(&out), "1\n");

    // files write / read / edit
    let out = env.run(&[
        "files",
        "write",
        &id,
        "/home/user/www/index.html",
        "hello agent",
    ]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "", "write prints no data");
    assert_eq!(
        ok(&env, &["files", "read", &id, "/home/user/www/index.html"]),
        "hello agent"
    );
    ok(
        &env,
        &[
            "files",
            "edit",
            &id,
            "/home/user/www/index.html",
            "--old",
            "agent",
            "--new",
            "world",
        ],
    );
    assert_eq!(
        docker_exec(&container, &["cat", "/home/user/www/index.html"]),
        "hello world"
    );

    // exec --background: prints PID and returns at once; the server then answers at the URL
    // that `sandbox get-host` prints with the default configuration.
    let started = Instant::now();
    let out = env.run(&[
        "exec",
        &id,
        "httpd -f -p 8000 -h /home/user/www",
        "--background",
    ]);
    assert_code(&out, 0);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with("PID: ") && l[5..].trim().parse::<u32>().is_ok()),
        "{}",
        stdout(&out)
    );
    let out = env.run(&["sandbox", "get-host", &id, "-p", "8000"]);
    assert_code(&out, 0);
    let url = stdout(&out);
    assert_eq!(url.lines().count(), 1, "the URL is the only line: {url}");
    let url = url.trim();
    assert!(
        url.starts_with("http://") && url.ends_with(":8000"),
        "{url}"
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let body = loop {
        match http_get(url) {
            Ok(r) if r.contains("hello world") => break r,
            other if Instant::now() > deadline => panic!("{url} did not serve the file: {other:?}"),
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    };
    assert!(body.starts_with("HTTP/1."), "{body}");

    // files ls / exists / mkdir / mv / rm
    assert_eq!(
        ok(&env, &["files", "ls", &id, "/home/user/www"]),
        "index.html\n"
    );
    assert_eq!(
        ok(&env, &["files", "exists", &id, "/home/user/www/index.html"]),
        "true\n"
    );
    let out = env.run(&["files", "exists", &id, "/home/user/www/nope.html"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "false\n");
    ok(&env, &["files", "mkdir", &id, "/home/user/www/old/deeper"]);
    ok(
        &env,
        &[
            "files",
            "mv",
            &id,
            "/home/user/www/index.html",
            "/home/user/www/old",
        ],
    );
    assert_eq!(
        ok(
            &env,
            &["files", "ls", &id, "/home/user/www", "--depth", "3"]
        ),
        "old/\nold/deeper/\nold/index.html\n"
    );
    ok(&env, &["files", "rm", &id, "/home/user/www/old"]);
    let out = env.run(&["files", "exists", &id, "/home/user/www/old"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "false\n");

    // files upload / download of one binary file
    let local = env.dir.path().join("blob.bin");
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(&local, &bytes).unwrap();
    ok(
        &env,
        &[
            "files",
            "upload",
            &id,
            path_str(&local),
            "/home/user/blob.bin",
        ],
    );
    let back = env.dir.path().join("back.bin");
    ok(
        &env,
        &[
            "files",
            "download",
            &id,
            "/home/user/blob.bin",
            path_str(&back),
        ],
    );
    assert_eq!(std::fs::read(&back).unwrap(), bytes);

    // files upload-dir with the skill's default excludes
    let project = env.dir.path().join("project");
    for d in [
        "src",
        ".git/objects",
        "node_modules/left-pad",
        "__pycache__",
        ".venv/bin",
    ] {
        std::fs::create_dir_all(project.join(d)).unwrap();
    }
    std::fs::write(project.join("src/main.py"), "print(1)\n").unwrap();
    std::fs::write(project.join("README.md"), "# p\n").unwrap();
    std::fs::write(project.join(".git/HEAD"), "ref: main\n").unwrap();
    std::fs::write(project.join("node_modules/left-pad/index.js"), "x").unwrap();
    std::fs::write(project.join("__pycache__/m.pyc"), "x").unwrap();
    ok(
        &env,
        &[
            "files",
            "upload-dir",
            &id,
            path_str(&project),
            "/home/user/project",
        ],
    );
    assert_eq!(
        ok(&env, &["files", "ls", &id, "/home/user/project", "-d", "3"]),
        "README.md\nsrc/\nsrc/main.py\n"
    );

    // sandbox info / status
    let info = ok(&env, &["sandbox", "info", &id]);
    assert!(info.lines().any(|l| l == format!("id: {id}")), "{info}");
    assert!(info.lines().any(|l| l == format!("name: {name}")), "{info}");
    assert!(info.lines().any(|l| l == "status: running"), "{info}");
    assert_eq!(ok(&env, &["sandbox", "status", &id]), "running\n");

    // sandbox extend-lifetime ID SECONDS: remaining + SECONDS
    let before = expires_at(&env, &id);
    let out = env.run(&["sandbox", "extend-lifetime", &id, "600"]);
    assert_code(&out, 0);
    let printed = time(&stdout(&out));
    let gained = (printed - before).num_seconds();
    assert!((598..=601).contains(&gained), "gained {gained} s");
    assert_eq!(
        expires_at(&env, &id),
        printed,
        "the sandbox's own deadline moved"
    );
    assert_eq!(
        docker_exec(&container, &["cat", "/.dsbx/deadline"]),
        printed.timestamp().to_string()
    );

    // sandbox pause / connect --timeout
    assert_eq!(ok(&env, &["sandbox", "pause", &id]), format!("{id}\n"));
    assert_eq!(inspect(&container, "{{.State.Status}}"), "paused");
    assert_eq!(ok(&env, &["sandbox", "status", &id]), "paused\n");
    let asked = Utc::now();
    assert_eq!(
        ok(&env, &["sandbox", "connect", &id, "--timeout", "300"]),
        format!("{id}\n")
    );
    assert_eq!(inspect(&container, "{{.State.Status}}"), "running");
    let left = (expires_at(&env, &id) - asked).num_seconds();
    assert!(
        (295..=305).contains(&left),
        "connect --timeout set {left} s"
    );
    assert_eq!(
        ok(&env, &["exec", &id, "echo back"]),
        "back\n",
        "the sandbox works after connect"
    );

    // sandbox kill; a second kill is "no such sandbox"
    assert_eq!(ok(&env, &["sandbox", "kill", &id]), format!("{id}\n"));
    assert!(env.containers().is_empty(), "{:?}", env.containers());
    let out = env.run(&["sandbox", "kill", &id]);
    assert_code(&out, 3);
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains(&id), "{}", stderr(&out));
}

#[test]
fn sandbox_create_list_and_connect_a_stopped_sandbox() {
    let Some(env) = TestEnv::with_config(CONFIG) else {
        return;
    };
    // sbx sandbox create -t T --timeout S -e K=V -m K=V --auto-pause
    let out = env.run(&[
        "sandbox",
        "create",
        "-t",
        "base",
        "--timeout",
        "300",
        "-e",
        "A=1",
        "-m",
        "team=core",
        "--auto-pause",
    ]);
    assert_code(&out, 0);
    let first = stdout(&out).trim().to_string();
    assert_eq!(stdout(&out), format!("{first}\n"));
    assert!(stderr(&out).contains("--auto-pause"), "{}", stderr(&out));
    assert_eq!(
        inspect(
            &format!("dsbx-{first}"),
            "{{index .Config.Labels \"team\"}}"
        ),
        "core"
    );
    let second = env.init(&[]);

    // list --limit N shows the first N (the header is for people, the rows are data)
    let all = ok(&env, &["sandbox", "list"]);
    assert_eq!(all.lines().count(), 3, "{all}");
    let one = ok(&env, &["sandbox", "list", "--limit", "1"]);
    assert_eq!(one.lines().count(), 2, "{one}");
    assert!(one.lines().nth(1).unwrap().starts_with(&first), "{one}");
    let listed = json(&env.run(&["--json", "sandbox", "list", "-l", "1"]));
    assert_eq!(listed["sandboxes"].as_array().unwrap().len(), 1);
    assert_eq!(listed["total"], 2);

    // connect starts a stopped sandbox and prints its id
    let out = docker(&["stop", "-t", "1", &format!("dsbx-{second}")]);
    assert!(out.status.success());
    assert_eq!(ok(&env, &["sandbox", "status", &second]), "stopped\n");
    assert_eq!(
        ok(&env, &["sandbox", "connect", &second]),
        format!("{second}\n")
    );
    assert_eq!(
        inspect(&format!("dsbx-{second}"), "{{.State.Status}}"),
        "running"
    );
    assert_eq!(ok(&env, &["sandbox", "status", &second]), "running\n");
}

#[test]
fn a_sandbox_that_never_expires_is_not_given_a_deadline_by_extend() {
    let Some(env) = TestEnv::with_config(CONFIG) else {
        return;
    };
    let id = env.init(&["--timeout", "0"]);
    assert_eq!(
        ok(&env, &["sandbox", "extend-lifetime", &id, "60"]),
        "never\n"
    );
    let info = json(&env.run(&["--json", "sandbox", "info", &id]));
    assert!(info["expires_at"].is_null(), "{info}");
}

#[test]
fn bad_sbx_lines_fail_with_their_exit_codes_and_leave_nothing() {
    let Some(env) = TestEnv::with_config(CONFIG) else {
        return;
    };
    // An E2B template name: usage, listing the known ones and suggesting --image.
    let out = env.run(&[
        "sandbox",
        "create",
        "-t",
        "code-interpreter-v1",
        "--timeout",
        "300",
    ]);
    assert_code(&out, 2);
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.contains("code-interpreter-v1") && err.contains("base"),
        "{err}"
    );
    assert!(err.contains("--image"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(env.containers().is_empty());

    // Unknown sandboxes: exit 3 for every lifecycle command.
    for args in [
        vec!["sandbox", "kill", "nosuchsandbx"],
        vec!["sandbox", "status", "nosuchsandbx"],
        vec!["sandbox", "info", "nosuchsandbx"],
        vec!["sandbox", "pause", "nosuchsandbx"],
        vec!["sandbox", "connect", "nosuchsandbx"],
        vec!["sandbox", "extend-lifetime", "nosuchsandbx", "60"],
        vec!["sandbox", "get-host", "nosuchsandbx", "-p", "8000"],
    ] {
        let out = env.run(&args);
        assert_code(&out, 3);
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(
            stderr(&out).contains("nosuchsandbx"),
            "{args:?}: {}",
            stderr(&out)
        );
    }

    let id = env.init(&[]);
    let before = expires_at(&env, &id);
    for (args, what) in [
        (
            vec!["sandbox", "extend-lifetime", &id, "0"],
            "duration `0` must be more than 0",
        ),
        (vec!["sandbox", "extend-lifetime", &id, "-5"], ""),
        (
            vec!["sandbox", "extend-lifetime", &id, "soon"],
            "invalid value 'soon' for '<SECONDS>'",
        ),
        (vec!["sandbox", "list", "--limit", "0"], "--limit"),
        (vec!["sandbox", "get-host", &id, "-p", "0"], ""),
        (vec!["sandbox", "get-host", &id], "--port"),
        (
            vec!["sandbox", "connect", &id, "--timeout", "later"],
            "invalid duration",
        ),
    ] {
        let out = env.run(&args);
        assert_code(&out, 2);
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(stderr(&out).contains(what), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(
        expires_at(&env, &id),
        before,
        "no bad line changed the deadline"
    );
    assert_eq!(env.containers().len(), 1);

    // Pausing a stopped sandbox fails (exit 1) and says how to start it.
    assert!(
        docker(&["stop", "-t", "1", &format!("dsbx-{id}")])
            .status
            .success()
    );
    let out = env.run(&["sandbox", "pause", &id]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("not running"), "{}", stderr(&out));
}

#[test]
fn the_skills_exec_flags_after_the_command_string() {
    let Some(env) = TestEnv::with_config(CONFIG) else {
        return;
    };
    let id = env.init(&["--user", "user"]);
    // sbx exec ID "CMD" --root / --user U / --shell / --stdin, as the skill's prompts write them.
    assert_eq!(ok(&env, &["exec", &id, "id -u; id -g", "--root"]), "0\n0\n");
    assert_eq!(
        ok(
            &env,
            &[
                "exec",
                &id,
                "id -un && pwd",
                "--user",
                "user",
                "--cwd",
                "/tmp"
            ]
        ),
        "user\n/tmp\n"
    );
    assert_eq!(
        ok(&env, &["exec", &id, "id -un"]),
        "user\n",
        "the sandbox's user by default"
    );
    assert_eq!(
        ok(&env, &["exec", &id, "echo $((6 * 7))", "--shell"]),
        "42\n"
    );
    let mut child = env
        .spawnable()
        .args(["exec", &id, "tr a-z A-Z; echo done", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
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
    assert_eq!(stdout(&out), "FROM STDIN\ndone\n");
    // A single word followed by a long flag: that word alone is the command (rule 4).
    assert_eq!(ok(&env, &["exec", &id, "whoami", "--root"]), "root\n");
    // A failed command keeps its status, never 0.
    let out = env.run(&["exec", &id, "exit 3", "--root"]);
    assert_code(&out, 3);
}

#[test]
fn sandbox_list_shows_twenty_unless_told_otherwise() {
    let Some(env) = TestEnv::with_config(CONFIG) else {
        return;
    };
    let ids: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..21).map(|_| s.spawn(|| env.init(&[]))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(ids.len(), 21);
    let listed = ok(&env, &["sandbox", "list"]);
    assert_eq!(
        listed.lines().count(),
        1 + 20,
        "header and 20 rows: {listed}"
    );
    let v = json(&env.run(&["--json", "sandbox", "list"]));
    assert_eq!(v["sandboxes"].as_array().unwrap().len(), 20);
    assert_eq!(v["total"], 21);
    let all = ok(&env, &["sandbox", "list", "--limit", "50"]);
    assert_eq!(all.lines().count(), 1 + 21, "{all}");
}
