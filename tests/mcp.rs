//! `dsbx mcp`, driven by a client nobody here wrote: the official MCP Python SDK (`mcp` on PyPI,
//! installed by docker/test/engine-up.sh) runs tests/mcp_client.py against the real binary and
//! the real engine (a whole agent flow, then snapshots and forks). A missing Python package is a
//! failure with the fix in its message, never a skip. A second test speaks raw JSON-RPC to check that stdout carries nothing else.

mod common;

use common::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn require_python_sdk() {
    let probe = Command::new("python3")
        .args(["-c", "import mcp, jsonschema"])
        .output()
        .expect("python3 must be installed (docker/test/engine-up.sh installs it)");
    assert!(
        probe.status.success(),
        "the official MCP Python SDK is missing: run docker/test/engine-up.sh, or \
         `python3 -m pip install mcp` ({})",
        String::from_utf8_lossy(&probe.stderr).trim()
    );
}

/// Runs tests/mcp_client.py's `flow` against `dsbx mcp --root-dir ROOT` in `env`'s scope.
fn run_client(
    env: &TestEnv,
    flow: &str,
    root: &std::path::Path,
    outside: &std::path::Path,
) -> std::process::Output {
    Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp_client.py"))
        .env("FLOW", flow)
        .env("DSBX_BIN", dsbx_bin())
        .env("ROOT_DIR", root)
        .env("OUTSIDE", outside)
        .env("IMAGE", BUSYBOX)
        .env("DSBX_STATE_DIR", &env.state_dir)
        .env("DSBX_CONFIG", &env.config)
        .env("DSBX_SCOPE", &env.scope)
        .env_remove("DSBX_IMAGE")
        .env_remove("DSBX_URL_TEMPLATE")
        .env("NO_COLOR", "1")
        .output()
        .expect("run python3")
}

/// The images labelled with a test's scope (its snapshots).
fn scope_images(scope: &str) -> Vec<String> {
    docker_lines(&[
        "image",
        "ls",
        "-q",
        "--no-trunc",
        "--filter",
        &format!("label=dsbx.scope={scope}"),
    ])
}

/// Removes a scope's containers, then its images (which the containers would hold), when
/// dropped: even when the test fails.
struct RemoveScopeImages(String);

impl Drop for RemoveScopeImages {
    fn drop(&mut self) {
        let ids = docker_lines(&[
            "ps",
            "-aq",
            "--filter",
            &format!("label=dsbx.scope={}", self.0),
        ]);
        if !ids.is_empty() {
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(ids.iter().map(String::as_str));
            let _ = docker(&args);
        }
        for image in scope_images(&self.0) {
            let _ = docker(&["rmi", "-f", &image]);
        }
    }
}

#[test]
fn the_official_python_client_snapshots_and_forks() {
    let Some(env) = TestEnv::new() else { return };
    let _images = RemoveScopeImages(env.scope.clone());
    require_python_sdk();
    let root = env.dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let out = run_client(&env, "snapshot", &root, &root);
    assert!(
        out.status.success(),
        "the MCP client failed\nstdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
    let marker = stdout(&out);
    let names: Vec<&str> = marker
        .trim()
        .strip_prefix("MCP-SNAPSHOT-OK ")
        .unwrap_or_else(|| panic!("no success line: {marker}"))
        .split(' ')
        .collect();
    assert_eq!(names.len(), 2, "{marker}");
    // The client killed its four sandboxes; the two snapshots stay (as after `dsbx snapshot`
    // and `dsbx fork`) as images of the scope, which `dsbx snapshot ls` shows too.
    // (Counted by their name label: an intermediate commit the engine is slow to remove under
    // load carries the scope too, and is the cleanup's.)
    assert!(env.containers().is_empty(), "{:?}", env.containers());
    let snapshot_images = docker_lines(&[
        "image",
        "ls",
        "-q",
        "--filter",
        &format!("label=dsbx.scope={}", env.scope),
        "--filter",
        "label=dsbx.snapshot.name",
    ]);
    assert_eq!(snapshot_images.len(), 2, "{snapshot_images:?}");
    let out = env.run(&["snapshot", "ls", "--json"]);
    assert_code(&out, 0);
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut listed: Vec<&str> = listed["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    listed.sort();
    let mut names = names;
    names.sort();
    assert_eq!(listed, names);
}

#[test]
fn the_official_python_client_runs_a_whole_agent_flow() {
    let Some(env) = TestEnv::new() else { return };
    require_python_sdk();
    let root = env.dir.path().join("root");
    let outside = env.dir.path().join("outside");
    std::fs::create_dir(&root).unwrap();
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("canary.txt"), "canary\n").unwrap();

    let out = run_client(&env, "agent", &root, &outside);
    assert!(
        out.status.success(),
        "the MCP client failed\nstdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
    let marker = stdout(&out);
    let id = marker
        .trim()
        .strip_prefix("MCP-FLOW-OK ")
        .unwrap_or_else(|| panic!("no success line: {marker}"));
    assert_eq!(id.len(), 12, "{marker}");
    // The server logged to stderr (the client relays it), never to the protocol's stdout.
    assert!(stderr(&out).contains("dsbx mcp: serving on stdio"));

    // What the client did is what a user finds: the sandbox is gone, and nothing outside the
    // root directory was read into the sandbox or written on the host.
    assert!(env.containers().is_empty(), "{:?}", env.containers());
    let mut names: Vec<String> = std::fs::read_dir(&outside)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["canary.txt"]);
    assert_eq!(
        std::fs::read_to_string(outside.join("canary.txt")).unwrap(),
        "canary\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("out/deep/page.html")).unwrap(),
        "<h1>served by an agent</h1>\n"
    );
}

/// Sends one JSON-RPC message as a line.
fn send(stdin: &mut impl Write, message: Value) {
    let mut line = serde_json::to_vec(&message).unwrap();
    line.push(b'\n');
    stdin.write_all(&line).unwrap();
    stdin.flush().unwrap();
}

/// `dsbx mcp` spoken to in raw JSON-RPC, initialized: for tests that call tools one by one.
struct RawSession {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl RawSession {
    fn start(env: &TestEnv) -> RawSession {
        let mut cmd = env.spawnable();
        cmd.arg("mcp").stderr(Stdio::inherit());
        Self::spawn(cmd)
    }

    /// `cmd` (dsbx with its arguments up to `mcp …`, stderr set) spoken to, initialized.
    fn spawn(mut cmd: std::process::Command) -> RawSession {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn dsbx mcp");
        let stdin = child.stdin.take().unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut session = RawSession {
            child,
            stdin,
            lines,
        };
        session.request(
            1,
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "raw-test", "version": "0"}
            }),
        );
        send(
            &mut session.stdin,
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        );
        session
    }

    /// Sends request `id` and returns its reply (notifications on the way are passed over).
    fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        send(
            &mut self.stdin,
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        );
        loop {
            let line = self.lines.next().expect("a reply").expect("read");
            let message: Value = serde_json::from_str(&line).expect("JSON-RPC");
            if message["id"] == id {
                return message;
            }
        }
    }

    fn call(&mut self, id: i64, tool: &str, arguments: Value) -> Value {
        self.request(
            id,
            "tools/call",
            json!({"name": tool, "arguments": arguments}),
        )
    }

    /// EOF on stdin: the server ends, with success.
    fn end(self) {
        let RawSession {
            mut child, stdin, ..
        } = self;
        drop(stdin);
        assert_eq!(child.wait().unwrap().code(), Some(0));
    }
}

/// `read_file`, `edit_file` and `write_file` read and write as `dsbx files` does: over the
/// sandbox's channel they make no engine request at all (the engine sees nothing between the
/// session's start and its end), as the sandbox's user; forced onto the engine path
/// (`DSBX_CHANNEL=off`) every answer is the same, errors included.
#[test]
fn file_tools_make_no_engine_request_over_the_channel_and_answer_alike_on_the_engine_path() {
    let Some(env) = TestEnv::new() else { return };
    let api = common::api_log::ApiLog::start();
    let host = api.docker_host();
    let out = env
        .dsbx()
        .env_remove("DSBX_CHANNEL")
        .args(["--docker-host", &host, "init", "--user", "user"])
        .args(["--workdir", "/home/user"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    env.wait_for_socket(&id);
    let name = format!("dsbx-{id}");
    let setup = "mkdir -p /home/user/d && printf '\\000\\377bin' > /home/user/bin.dat && \
                 ln -s w/t.txt /home/user/link && printf secret > /home/user/secret && \
                 chown 0:0 /home/user/secret && chmod 600 /home/user/secret";
    assert!(docker(&["exec", &name, "sh", "-c", setup]).status.success());
    let calls: Vec<(&str, Value)> = vec![
        (
            "write_file",
            json!({"path": "w/t.txt", "content": "one two"}),
        ),
        ("read_file", json!({"path": "w/t.txt"})),
        (
            "edit_file",
            json!({"path": "/home/user/w/t.txt", "old": "two", "new": "2"}),
        ),
        ("read_file", json!({"path": "/home/user/w/t.txt"})),
        ("read_file", json!({"path": "link"})),
        ("read_file", json!({"path": "/home/user/bin.dat"})),
        ("read_file", json!({"path": "/home/user/d"})),
        ("read_file", json!({"path": "/home/user/none"})),
        ("read_file", json!({"path": "/home/user/secret"})),
        (
            "edit_file",
            json!({"path": "link", "old": "absent", "new": "x"}),
        ),
        (
            "edit_file",
            json!({"path": "/home/user/d", "old": "a", "new": "b"}),
        ),
    ];
    let mut answers = Vec::new();
    for channel in [true, false] {
        let log = env.dir.path().join(format!("mcp-{channel}.log"));
        let mut cmd = env.spawnable();
        if channel {
            cmd.env_remove("DSBX_CHANNEL");
        } else {
            cmd.env("DSBX_CHANNEL", "off");
        }
        cmd.args(["--docker-host", &host, "mcp", "--verbose"])
            .stderr(std::fs::File::create(&log).unwrap());
        let mut session = RawSession::spawn(cmd);
        api.take();
        let mut seen = Vec::new();
        for (n, (tool, args)) in calls.iter().enumerate() {
            let mut args = args.clone();
            args["sandbox"] = json!(id);
            let reply = session.call(10 + n as i64, tool, args);
            seen.push((tool.to_string(), reply["result"].clone()));
        }
        let engine_calls = api.take();
        session.end();
        let said = std::fs::read_to_string(&log).unwrap();
        if channel {
            assert!(engine_calls.is_empty(), "{engine_calls:?}\n{said}");
            assert!(said.contains("files: over the sandbox's channel"), "{said}");
            assert!(!said.contains("dsbx: engine request"), "{said}");
        } else {
            assert!(!engine_calls.is_empty());
            assert!(said.contains("dsbx: engine request"), "{said}");
        }
        answers.push(seen);
    }
    assert_eq!(
        answers[0], answers[1],
        "the channel and the engine path answer differently"
    );
    let result = |n: usize| answers[0][n].1["structuredContent"].clone();
    assert_eq!(result(0), json!({"path": "/home/user/w/t.txt", "bytes": 7}));
    assert_eq!(result(1)["content"], "one two");
    assert_eq!(
        result(2),
        json!({"path": "/home/user/w/t.txt", "replacements": 1})
    );
    assert_eq!(result(3)["content"], "one 2");
    assert_eq!(result(4)["path"], "/home/user/w/t.txt");
    assert_eq!(result(4)["content"], "one 2");
    assert_eq!(result(5)["content_base64"], "AP9iaW4=");
    let error = |n: usize| result(n)["error"]["message"].as_str().unwrap().to_string();
    assert!(
        error(6).contains("is a directory (list_files lists it)"),
        "{}",
        error(6)
    );
    assert_eq!(error(7), format!("no such file: {id}:/home/user/none"));
    // Read as the sandbox's user, as `files read` reads: root's file is not theirs to read.
    assert!(error(8).starts_with("permission denied"), "{}", error(8));
    assert!(error(9).contains("does not occur"), "{}", error(9));
    assert!(error(10).contains("is not a regular file"), "{}", error(10));
}

#[test]
fn stdout_carries_only_protocol_messages_and_errors_are_tool_results() {
    let Some(env) = TestEnv::new() else { return };
    let mut child = env
        .spawnable()
        .args(["mcp", "--verbose"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dsbx mcp");
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut reply = |id: i64| -> Value {
        loop {
            let line = lines.next().expect("a reply").expect("read");
            let message: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout line is not JSON-RPC ({e}): {line:?}"));
            assert_eq!(message["jsonrpc"], "2.0", "{message}");
            if message["id"] == id {
                return message;
            }
        }
    };
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "raw-test", "version": "0"}
        }}),
    );
    let init = reply(1);
    assert_eq!(init["result"]["serverInfo"]["name"], "dsbx", "{init}");
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    );
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    );
    let tools = reply(2);
    let names: Vec<&str> = tools["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"run_command"), "{names:?}");

    // An unknown sandbox: a tool result with isError and the CLI's exit code, not a protocol
    // error. A host transfer without --root-dir: refused as a usage error.
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "kill_sandbox", "arguments": {"sandbox": "zzzznothere"}
        }}),
    );
    let killed = reply(3);
    assert!(killed.get("error").is_none(), "{killed}");
    assert_eq!(killed["result"]["isError"], true, "{killed}");
    let error = &killed["result"]["structuredContent"]["error"];
    assert_eq!(error["kind"], "not_found", "{killed}");
    assert_eq!(error["exit_code"], 3, "{killed}");
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {
            "name": "upload_file",
            "arguments": {"sandbox": "zzzznothere", "local": "x", "remote": "/tmp/x"}
        }}),
    );
    let refused = reply(4);
    let error = &refused["result"]["structuredContent"]["error"];
    assert_eq!(error["kind"], "usage", "{refused}");
    assert!(
        error["message"].as_str().unwrap().contains("--root-dir"),
        "{refused}"
    );

    // EOF on stdin ends the session and the server, with success.
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    for line in lines {
        let line = line.unwrap();
        assert!(
            serde_json::from_str::<Value>(&line).is_ok(),
            "stray stdout line: {line:?}"
        );
    }
}

#[test]
fn a_root_dir_that_is_not_there_is_refused_at_start() {
    let env = TestEnv::offline("");
    let out = env
        .dsbx()
        .args(["mcp", "--root-dir"])
        .arg(env.dir.path().join("missing"))
        .output()
        .unwrap();
    assert_code(&out, 1);
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(stderr(&out).contains("--root-dir"), "{}", stderr(&out));
    let out = env
        .dsbx()
        .args(["mcp", "--output-limit", "lots"])
        .output()
        .unwrap();
    assert_code(&out, 2);
    assert!(stdout(&out).is_empty());
    // Its stdout is the protocol: --json is refused, as for other commands whose stdout is data.
    let out = env.dsbx().args(["mcp", "--json"]).output().unwrap();
    assert_code(&out, 2);
    assert!(stderr(&out).contains("--json"), "{}", stderr(&out));
}

#[test]
fn a_cancelled_run_command_kills_the_whole_tree() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let container = format!("dsbx-{id}");
    let mut session = RawSession::start(&env);
    send(
        &mut session.stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "run_command",
            "arguments": {"sandbox": id, "command": "sleep 300 & sleep 301; wait"}
        }}),
    );
    let running = |pattern: &str| {
        docker_exec(&container, &["ps", "-o", "args"])
            .lines()
            .any(|l| l.starts_with(pattern))
    };
    assert!(
        wait_until(std::time::Duration::from_secs(60), || running("sleep 301")),
        "the command never started"
    );
    send(
        &mut session.stdin,
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
               "params": {"requestId": 2, "reason": "the test cancels"}}),
    );
    assert!(
        wait_until(std::time::Duration::from_secs(60), || !running("sleep 30")),
        "the command or its background child outlived the cancellation"
    );
    session.end();
}

/// `run_command` says what `exec --json` says of how a command ended: an OOM kill in a sandbox
/// made with a small memory limit (`init --memory`: create_sandbox has no memory argument) is
/// `oom_killed`, a command that only looks like one (`exit 137`) is not.
#[test]
fn run_command_names_an_oom_kill() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--memory", "32m"]);
    let mut session = RawSession::start(&env);
    let hog = "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo ${#x}";
    for (n, (command, oom)) in [(hog, true), ("exit 137", false), ("echo fine", false)]
        .into_iter()
        .enumerate()
    {
        let ran = session.call(
            2 + n as i64,
            "run_command",
            json!({"sandbox": id, "command": command}),
        );
        assert_eq!(ran["result"]["isError"], false, "{ran}");
        let result = &ran["result"]["structuredContent"];
        assert_eq!(result["oom_killed"], oom, "{command}: {ran}");
        let code = if command == "echo fine" { 0 } else { 137 };
        assert_eq!(result["exit_code"], code, "{command}: {ran}");
    }
    session.end();
}

/// A tool's arguments go through the parsers the command line's flags use: the same rule, the
/// same words, a usage error as a tool result, and nothing made.
#[test]
fn tool_arguments_follow_the_command_lines_rules() {
    let Some(env) = TestEnv::new() else { return };
    let mut session = RawSession::start(&env);
    let cases = [
        (
            "create_sandbox",
            json!({"timeout": "5x"}),
            "invalid duration `5x`",
        ),
        (
            "create_sandbox",
            json!({"name": "Bad"}),
            "invalid name `Bad`",
        ),
        (
            "create_sandbox",
            json!({"env": {"A B": "1"}}),
            "invalid environment variable `A B`",
        ),
        ("create_sandbox", json!({"ports": [0]}), "invalid port `0`"),
        (
            "extend_lifetime",
            json!({"sandbox": "zzzznothere", "seconds": 0}),
            "duration `0` must be more than 0",
        ),
    ];
    for (n, (tool, arguments, expected)) in cases.iter().enumerate() {
        let answer = session.call(10 + n as i64, tool, arguments.clone());
        assert_eq!(answer["result"]["isError"], true, "{answer}");
        let error = &answer["result"]["structuredContent"]["error"];
        assert_eq!(error["kind"], "usage", "{tool} {arguments}: {answer}");
        assert!(
            error["message"].as_str().unwrap().contains(expected),
            "{tool} {arguments}: `{expected}` not in {answer}"
        );
    }
    session.end();
    assert_eq!(env.containers(), Vec::<String>::new(), "nothing made");
    assert!(
        !env.state_text().contains("[sandboxes."),
        "no record: {}",
        env.state_text()
    );
}

/// Switches a test's pool off and drains it when dropped, even when the test fails (under the
/// filler's lock, so a background filler cannot add members after it).
struct DrainPool<'a>(&'a TestEnv);

impl Drop for DrainPool<'_> {
    fn drop(&mut self) {
        self.0.write_config(&format!("image = \"{BUSYBOX}\"\n"));
        let _ = self.0.run(&["pool", "drain"]);
    }
}

#[test]
fn create_sandbox_claims_a_warm_sandbox_as_init_does() {
    let config = format!("image = \"{BUSYBOX}\"\n[pool]\nsize = 1\n");
    let Some(env) = TestEnv::with_config(&config) else {
        return;
    };
    let _drain = DrainPool(&env);
    assert_code(&env.run(&["pool", "fill", "--wait"]), 0);
    let listed: Value = serde_json::from_str(&stdout(&env.run(&["--json", "ls", "--pool"])))
        .expect("ls --pool --json");
    let warm: Vec<&str> = listed["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(warm.len(), 1, "{listed}");

    let mut session = RawSession::start(&env);
    let created = session.call(2, "create_sandbox", json!({}));
    let id = created["result"]["structuredContent"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an id: {created}"));
    assert_eq!(id, warm[0], "create_sandbox claimed the warm sandbox");
    assert_eq!(
        inspect(&format!("dsbx-{id}"), "{{.Name}}"),
        format!("/dsbx-{id}")
    );
    let ran = session.call(
        3,
        "run_command",
        json!({"sandbox": id, "command": "echo hi"}),
    );
    assert_eq!(
        ran["result"]["structuredContent"]["stdout"], "hi\n",
        "{ran}"
    );
    session.end();
}
