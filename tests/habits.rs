//! What people bring from the tools they already use (docker, kubectl, gh): `-q` everywhere,
//! `ls` filters and tables that fit the terminal, docker's aliases, `cp`, `-p HOST:PORT`,
//! `shell`, and "did you mean" pointing at the right command.

mod common;

use common::*;

fn lines(out: &std::process::Output) -> Vec<String> {
    stdout(out).lines().map(str::to_string).collect()
}

#[test]
fn ls_quiet_prints_ids_only_and_filters_by_status_and_label() {
    let Some(env) = TestEnv::new() else { return };
    let core = env.init(&["-l", "team=core", "-l", "tier=web"]);
    let other = env.init(&["-l", "team=infra"]);
    assert_code(&env.run(&["pause", &other]), 0);

    // -q, --quiet and --ids all mean ids only, never a table.
    for flag in ["-q", "--quiet", "--ids"] {
        let out = env.run(&["ls", flag]);
        assert_code(&out, 0);
        assert_eq!(lines(&out), vec![core.clone(), other.clone()], "{flag}");
    }
    let out = env.run(&["-q", "ls", "--status", "paused"]);
    assert_eq!(lines(&out), vec![other.clone()]);
    let out = env.run(&["ls", "-q", "--status", "running,paused"]);
    assert_eq!(lines(&out).len(), 2);
    let out = env.run(&["ls", "-q", "--label", "team=core"]);
    assert_eq!(lines(&out), vec![core.clone()]);
    let out = env.run(&["ls", "-q", "--label", "team", "--label", "tier=web"]);
    assert_eq!(lines(&out), vec![core.clone()]);
    let out = env.run(&["ls", "-q", "--label", "team=nobody"]);
    assert_code(&out, 0);
    assert!(out.stdout.is_empty());

    // The labels are in --json, in full.
    let out = env.run(&["ls", "--json", "--label", "team=core"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sandboxes"][0]["labels"]["tier"], "web");
    assert_eq!(v["sandboxes"].as_array().unwrap().len(), 1);

    // A status no sandbox can have: one clear line, exit 2.
    let out = env.run(&["ls", "--status", "sleeping"]);
    assert_code(&out, 2);
    assert!(out.stdout.is_empty());
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown status `sleeping`"));
    assert!(stderr(&out).contains("running, paused"));
}

#[test]
fn ls_table_fits_columns_shows_scope_and_keeps_full_values_in_json() {
    let Some(env) = TestEnv::new() else { return };
    let name = format!("a-rather-long-sandbox-name-{}", random_suffix());
    let id = env.init(&["-n", &name, "-p", "9000", "-p", "80", "-p", "8080"]);

    // Ports in a stable order (by sandbox port), in the table and in --json.
    let out = env.run(&["ls"]);
    let row = stdout(&out)
        .lines()
        .find(|l| l.starts_with(&id))
        .unwrap()
        .to_string();
    let at = |p: &str| {
        row.find(&format!("->{p}"))
            .unwrap_or_else(|| panic!("{row}"))
    };
    assert!(at("80,") < at("8080") && at("8080") < at("9000"), "{row}");
    assert!(row.contains(&name), "a pipe gets whole values: {row}");
    let out = env.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ports: Vec<u64> = v["sandboxes"][0]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["port"].as_u64().unwrap())
        .collect();
    assert_eq!(ports, vec![80, 8080, 9000]);
    assert_eq!(v["sandboxes"][0]["name"], name.as_str());

    // COLUMNS=70: every line fits, the id stays whole, long values end with `…`.
    let out = env.dsbx().env("COLUMNS", "70").arg("ls").output().unwrap();
    assert_code(&out, 0);
    for line in stdout(&out).lines() {
        assert!(line.chars().count() <= 70, "{} chars: {line}", line.len());
    }
    let row = stdout(&out)
        .lines()
        .find(|l| l.starts_with(&id))
        .unwrap()
        .to_string();
    assert!(row.contains('…') && !row.contains(&name), "{row}");

    // --all-scopes adds a SCOPE column naming this test's scope.
    let out = env.run(&["ls", "--all-scopes"]);
    let header = stdout(&out).lines().next().unwrap().to_string();
    assert!(header.contains("SCOPE"), "{header}");
    let row = stdout(&out)
        .lines()
        .find(|l| l.starts_with(&id))
        .unwrap()
        .to_string();
    assert!(row.contains(&env.scope), "{row}");
    let out = env.run(&["ls"]);
    assert!(!stdout(&out).lines().next().unwrap().contains("SCOPE"));
}

#[test]
fn ls_colours_statuses_on_a_terminal_only_when_colour_is_on() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let out = env.run_on_tty("ls --color always");
    let text = stdout(&out);
    let row = text.lines().find(|l| l.starts_with(&id)).unwrap();
    assert!(row.contains("\u{1b}[32mrunning"), "{row:?}");
    // NO_COLOR (run_on_tty sets it) with the default `auto`: plain.
    let out = env.run_on_tty("ls");
    assert!(!stdout(&out).contains('\u{1b}'), "{:?}", stdout(&out));
    // Off a terminal, even `always` leaves stdout's data plain.
    let out = env.run(&["ls", "--color", "always"]);
    assert!(!stdout(&out).contains('\u{1b}'), "{:?}", stdout(&out));
}

#[test]
fn docker_aliases_reach_their_commands() {
    let Some(env) = TestEnv::new() else { return };
    // run and create make a sandbox as init does.
    let mut ids = Vec::new();
    for alias in ["run", "create"] {
        let out = env.run(&[alias, "-n", &format!("{alias}-{}", random_suffix())]);
        assert_code(&out, 0);
        let id = stdout(&out).trim().to_string();
        assert_eq!(id.len(), 12, "{alias}: {id}");
        ids.push(id);
    }
    // pause, then `start` (and `unpause`) resume it.
    for alias in ["start", "unpause"] {
        assert_code(&env.run(&["pause", &ids[0]]), 0);
        assert_eq!(status(&ids[0]), "paused");
        let out = env.run(&[alias, &ids[0]]);
        assert_code(&out, 0);
        assert_eq!(stdout(&out).trim(), ids[0]);
        assert_eq!(status(&ids[0]), "running");
    }
    // rm removes as kill does.
    let out = env.run(&["rm", &ids[0], &ids[1]]);
    assert_code(&out, 0);
    assert_eq!(lines(&out), ids);
    assert!(env.run(&["ls", "-q"]).stdout.is_empty());
}

#[test]
fn did_you_mean_points_to_the_command_that_does_the_job() {
    let env = TestEnv::offline("");
    for (typed, expected) in [
        ("stop", "dsbx pause ID"),
        ("sh", "dsbx shell ID"),
        ("inspect", "dsbx info ID"),
        ("copy", "dsbx cp"),
        ("images", "dsbx snapshot ls"),
        ("extend", "dsbx timeout ID DUR"),
    ] {
        let out = env.run(&[typed, "x"]);
        assert_code(&out, 2);
        assert!(out.stdout.is_empty(), "{typed}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{typed}: {err}");
        assert!(err.contains(&format!("no `{typed}` command")), "{err}");
        assert!(err.contains(expected), "{typed}: {err}");
    }
    let out = env.run(&["--json", "stop", "x"]);
    assert_code(&out, 2);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("dsbx kill ID")
    );
    // A word dsbx has no habit for keeps clap's spelling guess.
    let out = env.run(&["forkk"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("'fork'"), "{}", stderr(&out));
}

#[test]
fn cp_copies_both_ways_with_the_id_on_either_side() {
    let Some(env) = TestEnv::new() else { return };
    let name = format!("cp-{}", random_suffix());
    let id = env.init(&["-n", &name, "--user", "user"]);
    let local = env.dir.path().join("in.txt");
    std::fs::write(&local, "copied in\n").unwrap();

    let out = env.run(&["cp", path_str(&local), &format!("{id}:/tmp/in.txt")]);
    assert_code(&out, 0);
    let out = env.run(&["exec", &id, "cat /tmp/in.txt; stat -c %U /tmp/in.txt"]);
    assert_eq!(
        stdout(&out),
        "copied in\nuser\n",
        "written as the sandbox's user"
    );

    // Out again, by name, to a host path.
    let back = env.dir.path().join("back.txt");
    let out = env.run(&["cp", &format!("{name}:/tmp/in.txt"), path_str(&back)]);
    assert_code(&out, 0);
    assert_eq!(std::fs::read_to_string(&back).unwrap(), "copied in\n");

    // A directory both ways, and `-` as stdout.
    let tree = env.dir.path().join("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("sub/a.txt"), "a\n").unwrap();
    assert_code(
        &env.run(&["cp", path_str(&tree), &format!("{id}:/tmp/tree")]),
        0,
    );
    let out = env.run(&["cp", &format!("{id}:/tmp/tree/sub/a.txt"), "-"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "a\n");
    let out_dir = env.dir.path().join("out");
    assert_code(
        &env.run(&["cp", &format!("{id}:/tmp/tree"), path_str(&out_dir)]),
        0,
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("sub/a.txt")).unwrap(),
        "a\n"
    );

    // A host path with a colon, written with ./ first, stays a host path.
    let colon = env.dir.path().join("a:b.txt");
    std::fs::write(&colon, "colon\n").unwrap();
    let out = env
        .dsbx()
        .current_dir(env.dir.path())
        .args(["cp", "./a:b.txt", &format!("{id}:/tmp/colon.txt")])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(
        stdout(&env.run(&["exec", &id, "cat /tmp/colon.txt"])),
        "colon\n"
    );
}

#[test]
fn cp_refuses_what_is_not_one_host_and_one_sandbox_side() {
    let env = TestEnv::offline("");
    for (args, expected) in [
        (["cp", "a.txt", "b.txt"], "needs ID:PATH on one side"),
        (["cp", "x:/a", "y:/b"], "between the host and one sandbox"),
        (["cp", "a.txt", "abc:"], "names no path in the sandbox"),
    ] {
        let out = env.run(&args);
        assert_code(&out, 2);
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    }
    let Some(env) = TestEnv::new() else { return };
    let out = env.run(&["cp", "/etc/hostname", "nosuchsandbox:/tmp/x"]);
    assert_code(&out, 3);
}

/// A free host port: bound and released (the engine binds it next).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn init_publishes_a_sandbox_port_on_the_host_port_given() {
    let Some(env) = TestEnv::new() else { return };
    let host = free_port();
    let id = env.init(&["-p", &format!("{host}:8000"), "-p", "8001"]);
    let out = env.run(&[
        "exec",
        "-b",
        &id,
        "mkdir -p /tmp/www && echo published > /tmp/www/index.html && exec httpd -f -p 8000 -h /tmp/www",
    ]);
    assert_code(&out, 0);
    let answered = wait_until(std::time::Duration::from_secs(20), || {
        let out = std::process::Command::new("curl")
            .args(["-s", "-m", "2", &format!("http://127.0.0.1:{host}/")])
            .output()
            .expect("curl");
        String::from_utf8_lossy(&out.stdout) == "published\n"
    });
    assert!(answered, "nothing answered on host port {host}");
    let out = env.run(&["get-host", &id, "8000"]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains(&format!(":{host}")),
        "{}",
        stdout(&out)
    );
    let out = env.run(&["info", &id, "--json"]);
    let text = stdout(&out);
    assert!(text.contains(&format!("{host}")), "{text}");

    // The same host port again: the engine refuses, exit 1, and nothing is left behind.
    let before = env.containers().len();
    let out = env.run(&["init", "-p", &format!("{host}:8000")]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains(&format!("host port {host} is taken: choose another")),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.containers().len(), before);
}

#[test]
fn init_refuses_bad_host_ports() {
    let env = TestEnv::offline("");
    for (args, expected) in [
        (vec!["init", "-p", "x:80"], "invalid host port in `x:80`"),
        (vec!["init", "-p", "70000:80"], "invalid host port"),
        (vec!["init", "-p", "8080:0"], "invalid port `0`"),
        (
            vec!["init", "-p", "9000:80", "-p", "9000:81"],
            "host port 9000 is given twice",
        ),
        (
            vec!["init", "-p", "9000:80", "-p", "9001:80"],
            "sandbox port 80 is given two host ports",
        ),
    ] {
        let out = env.run(&args);
        assert_code(&out, 2);
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

/// `dsbx ARGS` on a pseudo-terminal fed `input`; everything the terminal showed, and the status.
fn on_tty_with_input(env: &TestEnv, args: &str, input: &str) -> (String, Option<i32>) {
    use std::io::Write;
    let mut child = std::process::Command::new("timeout")
        .args(["60", "script", "-qec"])
        .arg(format!("{} {args}", dsbx_bin().display()))
        .arg("/dev/null")
        .env("DSBX_STATE_DIR", &env.state_dir)
        .env("DSBX_CONFIG", &env.config)
        .env("DSBX_SCOPE", &env.scope)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run script (util-linux)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).replace('\r', ""),
        out.status.code(),
    )
}

#[test]
fn shell_is_a_login_shell_as_the_sandbox_user_on_a_terminal() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let (text, code) = on_tty_with_input(
        &env,
        &format!("shell {id}"),
        "echo \"who=$(id -un) tty=$(tty | cut -c1-8)\"; exit 7\n",
    );
    assert!(text.contains("who=user tty=/dev/pts"), "{text}");
    assert_eq!(code, Some(7), "the shell's status is dsbx's: {text}");

    let (text, code) = on_tty_with_input(
        &env,
        &format!("shell --root {id}"),
        "echo \"who=$(id -un)\"; exit\n",
    );
    assert!(text.contains("who=root"), "{text}");
    assert_eq!(code, Some(0), "{text}");

    // Off a terminal: refused at once with the way to pipe a script instead.
    let out = env
        .dsbx()
        .args(["shell", &id])
        .write_stdin("id\n")
        .output()
        .unwrap();
    assert_code(&out, 2);
    assert!(out.stdout.is_empty());
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("needs a terminal"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("dsbx exec -i"), "{}", stderr(&out));
}

#[test]
fn an_image_typo_suggests_the_local_image_it_resembles() {
    let Some(env) = TestEnv::new() else { return };
    let out = env.run(&["init", "--image", "dsbx-test-busybx:latest"]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("did you mean the local image `dsbx-test-busybox:latest`?"),
        "{err}"
    );
    assert!(
        env.containers().is_empty(),
        "nothing made: {:?}",
        env.containers()
    );
}

#[test]
fn sizes_are_in_binary_units_for_people_and_exact_in_json() {
    let env = TestEnv::offline("");
    let out = env.run(&["init", "--memory", "1m"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("memory limit 1.0 MiB is below Docker's minimum of 6 MiB"),
        "{}",
        stderr(&out)
    );
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let file = env.dir.path().join("two-k.bin");
    std::fs::write(&file, vec![b'x'; 2048]).unwrap();
    let out = env.run_on_tty(&format!("upload {id} {} /tmp/two-k.bin", path_str(&file)));
    assert!(
        stdout(&out).contains("Uploaded 1 file(s), 2.0 KiB to /tmp/two-k.bin"),
        "{}",
        stdout(&out)
    );
    let out = env.run(&["upload", &id, path_str(&file), "/tmp/again.bin", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["bytes"], 2048);
}
