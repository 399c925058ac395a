//! Typed flag values: every duration, size, port, name, count and `K=V` pair is parsed by clap
//! (the parsers in `units`, `env_vars`, `labels`, `ids`, `snapshot`) before any command runs. A
//! bad one is one line on stderr in clap's words, naming the flag, the value and what is expected;
//! exit 2 (125 for `exec`); the `--json` error object under `--json`; and nothing touched.

mod common;

use common::*;

/// A bad value: the words after `dsbx`, the flag as clap shows it, and what the line says is
/// expected.
struct Case {
    args: Vec<String>,
    flag: &'static str,
    expected: &'static str,
}

fn case(args: &[&str], flag: &'static str, expected: &'static str) -> Case {
    Case {
        args: args.iter().map(|s| s.to_string()).collect(),
        flag,
        expected,
    }
}

/// The bad values of the commands that need no sandbox to refuse them (`ID` never resolves:
/// the value is refused first).
fn cases_without_sandbox() -> Vec<Case> {
    vec![
        case(
            &["init", "--timeout", "5x"],
            "--timeout <DUR>",
            "invalid duration `5x`",
        ),
        case(
            &["init", "--timeout", "500ms"],
            "--timeout <DUR>",
            "under one second",
        ),
        case(
            &["init", "--name", "Web"],
            "--name <NAME>",
            "invalid name `Web`",
        ),
        case(&["init", "-e", "=x"], "--env <K=V|K>", "name is empty"),
        case(
            &["init", "-e", "DSBX_TYPED_SURELY_UNSET"],
            "--env <K=V|K>",
            "`DSBX_TYPED_SURELY_UNSET` is not set in dsbx's environment",
        ),
        case(
            &["init", "-p", "70000"],
            "--port <[HOST:]PORT>",
            "invalid port `70000`",
        ),
        case(
            &["init", "-p", "x:80"],
            "--port <[HOST:]PORT>",
            "invalid host port in `x:80`",
        ),
        case(&["init", "-l", "novalue"], "--label <K=V>", "use KEY=VALUE"),
        case(
            &["init", "-m", "dsbx.id=x"],
            "--metadata <K=V>",
            "dsbx.` are dsbx's own",
        ),
        case(
            &["init", "--memory", "lots"],
            "--memory <SIZE>",
            "invalid size `lots`",
        ),
        case(
            &["init", "--disk", "1e3"],
            "--disk <SIZE>",
            "invalid size `1e3`",
        ),
        case(
            &["init", "--cpus", "0.001"],
            "--cpus <N>",
            "smallest CPU limit of 0.01",
        ),
        case(
            &["init", "--cpus", "many"],
            "--cpus <N>",
            "invalid cpus `many`",
        ),
        case(&["init", "--pids", "0"], "--pids <N>", "invalid pids `0`"),
        case(
            &["init", "--cpuset-cpus", "1-0"],
            "--cpuset-cpus <CPUS>",
            "e.g. 0-1 or 0,2",
        ),
        case(
            &["init", "--health-cmd", "true", "--health-interval", "0"],
            "--health-interval <DUR>",
            "must be more than 0",
        ),
        case(
            &["init", "--wait-healthy", "0s"],
            "--wait-healthy <DUR>",
            "must be more than 0",
        ),
        case(
            &["init", "--snapshot", "Bad_Name"],
            "--snapshot <NAME>",
            "invalid snapshot name",
        ),
        case(
            &["init", "--egress", "bad host"],
            "--egress <all|none|LIST>",
            "invalid egress entry `bad host`",
        ),
        case(
            &["gc", "--older-than", "0"],
            "--older-than <DUR>",
            "must be more than 0",
        ),
        case(
            &["gc", "--idle", "soon"],
            "--idle <DUR>",
            "invalid duration `soon`",
        ),
        case(
            &["snapshot", "rm", "Bad"],
            "<NAME>...",
            "invalid snapshot name `Bad`",
        ),
        case(
            &["fork", "abcd", "-n", "65"],
            "--count <COUNT>",
            "from 1 to 64",
        ),
        case(
            &["template", "build", "--build-arg", "=v"],
            "--build-arg <K=V>",
            "KEY=VALUE",
        ),
        case(
            &["mcp", "--read-limit", "lots"],
            "--read-limit <SIZE>",
            "invalid size `lots`",
        ),
        case(
            &["mcp", "--output-limit", "2x"],
            "--output-limit <SIZE>",
            "invalid size `2x`",
        ),
        case(
            &["sandbox", "list", "--limit", "x"],
            "--limit <N>",
            "invalid digit",
        ),
    ]
}

/// The bad values of the commands that act on a sandbox.
fn cases_on(id: &str) -> Vec<Case> {
    vec![
        case(&["timeout", id, "soon"], "<DUR>", "invalid duration `soon`"),
        case(&["get-host", id, "0"], "[PORT]", "invalid port `0`"),
        case(
            &["get-host", id, "-p", "http"],
            "--port <PORT>",
            "invalid port `http`",
        ),
        case(
            &["get-host", id, "8000", "--wait", "5x"],
            "--wait <DUR>",
            "invalid duration",
        ),
        case(
            &["get-host", id, "8000", "--url-template", "http://{prot}.x"],
            "--url-template <T>",
            "unknown placeholder `{prot}`",
        ),
        case(
            &["snapshot", id, "--name", "Bad"],
            "--name <NAME>",
            "invalid snapshot name",
        ),
        case(
            &["fork", id, "-n", "0"],
            "--count <COUNT>",
            "invalid count `0`",
        ),
        case(
            &["fork", id, "--timeout", "5x"],
            "--timeout <DUR>",
            "invalid duration `5x`",
        ),
        case(
            &["sandbox", "extend-lifetime", id, "0"],
            "<SECONDS>",
            "more than 0",
        ),
        case(
            &["sandbox", "connect", id, "--timeout", "later"],
            "--timeout <DUR>",
            "`later`",
        ),
        case(
            &["sandbox", "get-host", id, "-p", "0"],
            "--port <PORT>",
            "invalid port `0`",
        ),
    ]
}

/// Runs `case` plain and under `--json`, asserting the one line, the exit code and the object.
fn assert_refused(env: &TestEnv, c: &Case, code: i32) {
    let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
    let out = env
        .dsbx()
        .env_remove("DSBX_TYPED_SURELY_UNSET")
        .args(&args)
        .output()
        .unwrap();
    assert_code(&out, code);
    assert_eq!(stdout(&out), "", "{args:?}: nothing on stdout");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
    // gc off a terminal starts its lines with a timestamp, as its log's other lines.
    let line = err[err.find("error: ").unwrap_or(0)..].trim_end();
    let named = c
        .args
        .iter()
        .any(|a| line.starts_with(&format!("error: invalid value '{a}' for '{}': ", c.flag)));
    assert!(
        named,
        "{args:?}: the line names a value given and the flag: {line}"
    );
    assert!(
        line.contains(c.expected),
        "{args:?}: `{}` not in {line}",
        c.expected
    );

    let mut json_args = vec!["--json"];
    json_args.extend(&args);
    let out = env
        .dsbx()
        .env_remove("DSBX_TYPED_SURELY_UNSET")
        .args(&json_args)
        .output()
        .unwrap();
    assert_code(&out, code);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{json_args:?}: not one JSON object ({e}): {}", stdout(&out)));
    assert_eq!(v["error"]["kind"], "usage", "{v}");
    assert_eq!(v["error"]["exit_code"], code, "{v}");
    assert_eq!(
        v["error"]["message"].as_str().unwrap(),
        line.trim_start_matches("error: "),
        "{json_args:?}"
    );
    assert_eq!(
        stderr(&out).trim_end(),
        line,
        "{json_args:?}: the same line"
    );
}

#[test]
fn bad_values_are_one_line_and_make_nothing() {
    let Some(env) = TestEnv::new() else { return };
    for c in cases_without_sandbox() {
        assert_refused(&env, &c, 2);
    }
    assert!(!env.state_file().exists(), "no state written");
    assert_eq!(env.containers(), Vec::<String>::new(), "no container made");
}

#[test]
fn bad_values_leave_the_sandbox_as_it_was() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["-p", "8000"]);
    let info = |env: &TestEnv| {
        let out = env.run(&["info", &id, "--json"]);
        assert_code(&out, 0);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (v["expires_at"].clone(), v["status"].clone())
    };
    let before = (env.state_text(), env.containers(), info(&env));
    for c in cases_on(&id) {
        assert_refused(&env, &c, 2);
    }
    assert_eq!((env.state_text(), env.containers(), info(&env)), before);
    let out = env.run(&["snapshot", "ls", "--json"]);
    assert_code(&out, 0);
    assert!(
        !stdout(&out).contains(&id),
        "no snapshot taken: {}",
        stdout(&out)
    );
}

/// A typed exec flag keeps exec's word rules: a bad value after the command is still dsbx's
/// flag (rules 3 and 4 go by the words' shape), refused with exec's 125, and nothing runs.
#[test]
fn exec_flags_with_bad_values_are_dsbx_flags() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    for c in [
        case(
            &["exec", &id, "--timeout", "5x", "pwd"],
            "--timeout <DUR>",
            "`5x`",
        ),
        case(
            &["exec", &id, "pwd", "--timeout", "5x"],
            "--timeout <DUR>",
            "`5x`",
        ),
        case(
            &["exec", &id, "touch /tmp/ran", "--timeout", "5x"],
            "--timeout <DUR>",
            "`5x`",
        ),
        case(
            &["exec", &id, "touch /tmp/ran", "-e", "=x"],
            "--env <K=V|K>",
            "name is empty",
        ),
        case(
            &["exec", &id, "pwd", "--env", "A B=1"],
            "--env <K=V|K>",
            "has blanks",
        ),
    ] {
        assert_refused(&env, &c, 125);
    }
    let out = env.run(&["exec", &id, "test ! -e /tmp/ran && echo clean"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "clean\n", "a refused exec ran nothing");
    // A good value in the same places still works.
    let out = env.run(&["exec", &id, "pwd", "--timeout", "30s", "--cwd", "/tmp"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "/tmp\n");
}

/// A value clap itself types (not dsbx's parsers) is one escaped line too.
#[test]
fn control_characters_in_a_bad_value_stay_escaped() {
    let env = TestEnv::offline("");
    let out = env.run(&["init", "--timeout", "5\x1b[31m\nx"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(err.contains("5\\x1b[31m\\nx"), "{err}");
    let out = env.run(&["sandbox", "list", "--limit", "\x1b[2J"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("'\\x1b[2J'"), "{}", stderr(&out));
}
