//! `dsbx init`: every flag observed through Docker or from inside the sandbox, the hardened
//! defaults, the network model, self-enforcing lifetimes, and bad input leaving nothing behind.

mod common;

use common::*;
use std::io::{Read, Write};
use std::time::Duration;

#[test]
fn env_flags_reach_the_sandbox_but_never_the_state_file() {
    let Some(env) = TestEnv::new() else { return };
    let env_file = env.dir.path().join("vars.env");
    std::fs::write(
        &env_file,
        "# comment\nFROM_FILE=file-value\n\nexport EXPORTED=yes\n",
    )
    .unwrap();
    let out = env
        .dsbx()
        .env("FROM_DSBX", "inherited-secret")
        .args([
            "init",
            "-e",
            "PLAIN=plain-secret",
            "-e",
            "FROM_DSBX",
            "--env-file",
        ])
        .arg(&env_file)
        .output()
        .unwrap();
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    let vars = docker_exec(&format!("dsbx-{id}"), &["env"]);
    for expected in [
        "PLAIN=plain-secret",
        "FROM_DSBX=inherited-secret",
        "FROM_FILE=file-value",
        "EXPORTED=yes",
    ] {
        assert!(
            vars.lines().any(|l| l == expected),
            "{expected} missing from:\n{vars}"
        );
    }
    let state = env.state_text();
    assert!(
        !state.contains("secret") && !state.contains("file-value"),
        "{state}"
    );
}

#[test]
fn published_port_answers_on_loopback() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["-p", "8000"]);
    let name = format!("dsbx-{id}");
    assert_eq!(
        inspect(
            &name,
            "{{(index (index .HostConfig.PortBindings \"8000/tcp\") 0).HostIp}}"
        ),
        "127.0.0.1"
    );
    let host_port: u16 = inspect(
        &name,
        "{{(index (index .NetworkSettings.Ports \"8000/tcp\") 0).HostPort}}",
    )
    .parse()
    .unwrap();
    assert!(
        docker(&[
            "exec",
            &name,
            "sh",
            "-c",
            "mkdir -p /www && echo hello-port > /www/index.html"
        ])
        .status
        .success()
    );
    assert!(
        docker(&[
            "exec", "-d", &name, "httpd", "-f", "-p", "8000", "-h", "/www"
        ])
        .status
        .success()
    );
    let body = (0..40)
        .find_map(|_| {
            std::thread::sleep(Duration::from_millis(250));
            let mut s = std::net::TcpStream::connect(("127.0.0.1", host_port)).ok()?;
            s.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
            s.write_all(b"GET /index.html HTTP/1.0\r\n\r\n").ok()?;
            let mut body = String::new();
            s.read_to_string(&mut body).ok()?;
            body.contains("hello-port").then_some(body)
        })
        .expect("the published port answers");
    assert!(body.starts_with("HTTP/1."));
    assert_eq!(
        inspect(&name, "{{index .Config.Labels \"dsbx.ports\"}}"),
        "8000"
    );
}

#[test]
fn bind_mounts_read_only_and_read_write() {
    let Some(env) = TestEnv::new() else { return };
    let ro = env.dir.path().join("ro");
    let rw = env.dir.path().join("rw");
    std::fs::create_dir_all(&ro).unwrap();
    std::fs::create_dir_all(&rw).unwrap();
    std::fs::write(ro.join("in.txt"), "from-host").unwrap();
    let id = env.init(&[
        "-v",
        &format!("{}:/data:ro", ro.display()),
        "-v",
        &format!("{}:/work", rw.display()),
    ]);
    let name = format!("dsbx-{id}");
    assert_eq!(docker_exec(&name, &["cat", "/data/in.txt"]), "from-host");
    let out = docker(&["exec", &name, "sh", "-c", "echo x > /data/new.txt"]);
    assert!(!out.status.success(), "a read-only mount refused the write");
    assert!(
        docker(&["exec", &name, "sh", "-c", "echo written > /work/out.txt"])
            .status
            .success()
    );
    assert_eq!(
        std::fs::read_to_string(rw.join("out.txt")).unwrap().trim(),
        "written"
    );
}

#[test]
fn limits_capabilities_and_hardening() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--memory", "256m", "--cpus", "0.5", "--pids", "100"]);
    let name = format!("dsbx-{id}");
    assert_eq!(
        inspect(&name, "{{.HostConfig.Memory}}"),
        (256u64 << 20).to_string()
    );
    assert_eq!(inspect(&name, "{{.HostConfig.NanoCpus}}"), "500000000");
    assert_eq!(inspect(&name, "{{.HostConfig.PidsLimit}}"), "100");
    assert_eq!(inspect(&name, "{{.HostConfig.CapDrop}}"), "[ALL]");
    let caps = inspect(&name, "{{.HostConfig.CapAdd}}");
    for cap in [
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "SETUID",
        "SETGID",
        "KILL",
        "NET_BIND_SERVICE",
    ] {
        assert!(caps.contains(cap), "{cap} not in {caps}");
    }
    assert!(!caps.contains("NET_RAW") && !caps.contains("SYS_ADMIN"));
    assert!(inspect(&name, "{{.HostConfig.SecurityOpt}}").contains("no-new-privileges"));
    // Inside: no-new-privileges is set and the bounding set is small.
    let status = docker_exec(&name, &["cat", "/proc/1/status"]);
    assert!(
        status
            .lines()
            .any(|l| l.starts_with("NoNewPrivs:") && l.ends_with('1')),
        "{status}"
    );
    // PID 1 is dsbx's helper, running as root.
    let ps = docker_exec(&name, &["ps", "-o", "pid,user,args"]);
    assert!(
        ps.lines().any(|l| l.trim_start().starts_with("1 ")
            && l.contains("/.dsbx/bin/dsbx __helper init")
            && l.contains("root")),
        "{ps}"
    );
    assert_eq!(inspect(&name, "{{.Config.User}}"), "0:0");
}

#[test]
fn defaults_come_from_the_config() {
    let Some(env) = TestEnv::with_config(
        "image = \"dsbx-test-busybox:latest\"\ntimeout = \"0\"\nports = [9000]\n[limits]\nmemory = \"128m\"\ncpus = 1.5\npids = 77\n[security]\ncap_add = [\"CHOWN\"]\n",
    ) else {
        return;
    };
    let id = env.init(&[]);
    let name = format!("dsbx-{id}");
    assert_eq!(
        inspect(&name, "{{.HostConfig.Memory}}"),
        (128u64 << 20).to_string()
    );
    assert_eq!(inspect(&name, "{{.HostConfig.NanoCpus}}"), "1500000000");
    assert_eq!(inspect(&name, "{{.HostConfig.PidsLimit}}"), "77");
    assert_eq!(inspect(&name, "{{.HostConfig.CapAdd}}"), "[CHOWN]");
    assert_eq!(
        inspect(&name, "{{index .Config.Labels \"dsbx.expires-at\"}}"),
        "",
        "timeout 0 = never"
    );
    assert_eq!(docker_exec(&name, &["cat", "/.dsbx/deadline"]), "0");
    assert!(inspect(&name, "{{json .NetworkSettings.Ports}}").contains("9000/tcp"));
}

#[test]
fn user_and_workdir() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user", "--workdir", "/tmp"]);
    let name = format!("dsbx-{id}");
    assert_eq!(
        inspect(&name, "{{index .Config.Labels \"dsbx.user\"}}"),
        "user"
    );
    assert_eq!(inspect(&name, "{{.Config.WorkingDir}}"), "/tmp");
    // The sandbox's user cannot end it: kill -9 -1 only reaches the user's own processes.
    let pid_before = inspect(&name, "{{.State.Pid}}");
    let _ = docker(&["exec", "-u", "1000", &name, "kill", "-9", "-1"]);
    // The kill is done when its exec returns; the same PID 1 still runs and still starts
    // commands (a dying sandbox would refuse the exec).
    assert!(docker(&["exec", &name, "true"]).status.success());
    assert_eq!(inspect(&name, "{{.State.Running}}"), "true");
    assert_eq!(inspect(&name, "{{.State.Pid}}"), pid_before);
    // Without --user, the image's USER (unset here) means root.
    let id = env.init(&[]);
    assert_eq!(
        inspect(
            &format!("dsbx-{id}"),
            "{{index .Config.Labels \"dsbx.user\"}}"
        ),
        "root"
    );
}

#[test]
fn shared_network_with_dns_alias() {
    let Some(env) = TestEnv::new() else { return };
    let a = env.init(&["-n", "alpha"]);
    let b = env.init(&[]);
    let net = inspect(&format!("dsbx-{a}"), "{{.HostConfig.NetworkMode}}");
    assert_eq!(net, "dsbx");
    assert_eq!(
        inspect("dsbx", "{{index .Labels \"dsbx.managed\"}}"),
        "true"
    );
    let aliases = inspect(
        &format!("dsbx-{a}"),
        "{{json .NetworkSettings.Networks.dsbx.Aliases}}",
    );
    assert!(
        aliases.contains(&a) && aliases.contains("alpha"),
        "{aliases}"
    );
    // b resolves a by id through the engine's DNS.
    let out = docker_exec(&format!("dsbx-{b}"), &["nslookup", &a, "127.0.0.11"]);
    let ip = inspect(
        &format!("dsbx-{a}"),
        "{{.NetworkSettings.Networks.dsbx.IPAddress}}",
    );
    assert!(out.contains(&ip), "nslookup {a}: {out}");
}

#[test]
fn network_none_and_isolated() {
    let Some(env) = TestEnv::new() else { return };
    let none = env.init(&["--network", "none"]);
    assert_eq!(
        inspect(&format!("dsbx-{none}"), "{{.HostConfig.NetworkMode}}"),
        "none"
    );
    let ifaces = docker_exec(&format!("dsbx-{none}"), &["ls", "/sys/class/net"]);
    assert_eq!(ifaces.split_whitespace().collect::<Vec<_>>(), vec!["lo"]);

    let iso = env.init(&["--isolated"]);
    let net = format!("dsbx-net-{iso}");
    assert_eq!(
        inspect(&format!("dsbx-{iso}"), "{{.HostConfig.NetworkMode}}"),
        net
    );
    assert_eq!(inspect(&net, "{{index .Labels \"dsbx.role\"}}"), "isolated");
    assert!(env.state_text().contains(&net));
    let out = env.run(&["kill", &iso]);
    assert_code(&out, 0);
    assert!(
        !docker(&["network", "inspect", &net]).status.success(),
        "kill removed the isolated network"
    );
}

#[test]
fn a_sandbox_stops_itself_at_its_deadline() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "3s"]);
    let name = format!("dsbx-{id}");
    assert!(
        wait_until(Duration::from_secs(30), || inspect(
            &name,
            "{{.State.Running}}"
        ) == "false"),
        "still running long after its 3 s deadline"
    );
    // 3 s is close enough to init's own time on a loaded machine not to check the start.
    assert_ran_until_its_deadline(&name, false);
    assert_eq!(inspect(&name, "{{.State.ExitCode}}"), "0");
    let out = env.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sandboxes"][0]["status"], "expired");
}

#[test]
fn an_image_with_no_shell_and_no_libc_runs_until_its_deadline() {
    let Some(env) = TestEnv::new() else { return };
    let ctx = env.dir.path().join("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("data.txt"), "just data\n").unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM scratch\nCOPY data.txt /data.txt\n",
    )
    .unwrap();
    let tag = "dsbx-test-dataonly:latest";
    let out = docker(&["build", "-q", "-t", tag, path_str(&ctx)]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Long enough that even a start delayed by a loaded engine leaves seconds of running time
    // to tell "kept alive until the deadline" from "exited at once".
    let id = env.init(&["--image", tag, "--timeout", "20s"]);
    let name = format!("dsbx-{id}");
    assert!(
        wait_until(Duration::from_secs(60), || inspect(
            &name,
            "{{.State.Running}}"
        ) == "false"),
        "still running long after its 20 s deadline"
    );
    assert_ran_until_its_deadline(&name, true);
    assert_eq!(inspect(&name, "{{.State.ExitCode}}"), "0");
}

/// The engine's own record of the container's life (not when this test happened to look): it
/// stayed up until its deadline and stopped soon after; with `started_well_before`, it also
/// started at least a second before the deadline (so it really ran for a while).
fn assert_ran_until_its_deadline(name: &str, started_well_before: bool) {
    let time = |format: &str| {
        chrono::DateTime::parse_from_rfc3339(&inspect(name, format))
            .unwrap_or_else(|e| panic!("{format} of {name}: {e}"))
            .with_timezone(&chrono::Utc)
    };
    let deadline = time("{{index .Config.Labels \"dsbx.expires-at\"}}");
    let (started, finished) = (time("{{.State.StartedAt}}"), time("{{.State.FinishedAt}}"));
    if started_well_before {
        assert!(
            started < deadline - chrono::TimeDelta::seconds(1),
            "started {started}, deadline {deadline}"
        );
    }
    // The deadline is whole seconds; the helper wakes when it has passed.
    assert!(
        finished >= deadline - chrono::TimeDelta::seconds(1),
        "stopped at {finished}, before its deadline {deadline}"
    );
    assert!(
        finished <= deadline + chrono::TimeDelta::seconds(15),
        "stopped at {finished}, long after its deadline {deadline}"
    );
}

/// Nothing of this scope is left on the engine or in the state: no container, no isolated
/// network, no record.
fn assert_nothing_left(env: &TestEnv) {
    assert!(
        env.containers().is_empty(),
        "containers left: {:?}",
        env.containers()
    );
    let state = env.state_text();
    assert!(!state.contains("[sandboxes."), "records left: {state}");
    let nets = docker_lines(&[
        "network",
        "ls",
        "-q",
        "--filter",
        &format!("label=dsbx.scope={}", env.scope),
    ]);
    assert!(nets.is_empty(), "isolated networks left: {nets:?}");
}

#[test]
fn bad_input_is_a_usage_error_and_leaves_nothing() {
    let Some(env) = TestEnv::new() else { return };
    let ro = env.dir.path().display().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--env".into(), "=x".into()], "name is empty"),
        (
            vec!["-e".into(), "DSBX_TEST_SURELY_UNSET".into()],
            "not set",
        ),
        (vec!["--timeout".into(), "5x".into()], "invalid duration"),
        (vec!["--memory".into(), "lots".into()], "invalid size"),
        (vec!["--cpus".into(), "-1".into()], "--cpus"),
        (vec!["--pids".into(), "0".into()], "--pids"),
        (vec!["--port".into(), "0".into()], "invalid port"),
        (vec!["--port".into(), "70000".into()], "invalid port"),
        (
            vec!["-v".into(), "relative/path:/x".into()],
            "must be absolute",
        ),
        (
            vec!["-v".into(), "/no/such/host/path:/x".into()],
            "does not exist",
        ),
        (
            vec!["-v".into(), format!("{ro}:relative")],
            "must be absolute",
        ),
        (vec!["--name".into(), "Capital".into()], "invalid name"),
        (vec!["--name".into(), "a".repeat(41)], "40"),
        (vec!["-t".into(), "python".into()], "unknown template"),
        (vec!["--label".into(), "novalue".into()], "KEY=VALUE"),
        (vec!["--label".into(), "dsbx.id=x".into()], "dsbx."),
        (vec!["--workdir".into(), "rel".into()], "absolute"),
    ];
    for (args, needle) in cases {
        let mut all = vec!["init".to_string()];
        all.extend(args.iter().cloned());
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = env
            .dsbx()
            .env_remove("DSBX_TEST_SURELY_UNSET")
            .args(&refs)
            .output()
            .unwrap();
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(err.contains(needle), "{args:?}: `{needle}` not in: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: one line: {err}");
        assert_eq!(stdout(&out), "", "{args:?}: nothing on stdout");
    }
    assert_nothing_left(&env);
}

#[test]
fn a_name_already_used_in_the_scope_is_refused() {
    let Some(env) = TestEnv::new() else { return };
    let first = env.init(&["-n", "taken"]);
    let out = env.run(&["init", "-n", "taken"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("already used"), "{}", stderr(&out));
    assert_eq!(env.containers(), vec![format!("dsbx-{first}")]);
    // Another scope may use the same name.
    let Some(other) = TestEnv::new() else { return };
    other.init(&["-n", "taken"]);
}

#[test]
fn an_unknown_template_lists_the_known_ones() {
    let Some(env) =
        TestEnv::with_config("[templates]\npython = \"python:3.12\"\nnode = \"node:20\"\n")
    else {
        return;
    };
    let out = env.run(&["init", "-t", "base"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("node") && err.contains("python") && err.contains("--image"),
        "{err}"
    );
}

#[test]
fn a_template_name_picks_its_image() {
    let Some(env) = TestEnv::with_config("[templates]\nbox = \"dsbx-test-busybox:latest\"\n")
    else {
        return;
    };
    let id = env.init(&["-t", "box"]);
    let name = format!("dsbx-{id}");
    assert_eq!(inspect(&name, "{{.Config.Image}}"), BUSYBOX);
    assert_eq!(
        inspect(&name, "{{index .Config.Labels \"dsbx.template\"}}"),
        "box"
    );
}

#[test]
fn failures_after_validation_leave_nothing() {
    let Some(env) = TestEnv::new() else { return };
    // A network that does not exist: the engine refuses the create.
    let out = env.run(&["init", "--network", "dsbx-no-such-network"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("dsbx-no-such-network"),
        "{}",
        stderr(&out)
    );
    assert_nothing_left(&env);
    // An image that does not exist anywhere.
    let out = env.run(&["init", "--image", "dsbx-no-such-image:never"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("dsbx-no-such-image"),
        "{}",
        stderr(&out)
    );
    assert_nothing_left(&env);
    // A mount target the runtime cannot create fails at start: removed again.
    let file = env.dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let out = env.run(&["init", "-v", &format!("{}:/etc/passwd/sub", file.display())]);
    assert_code(&out, 1);
    assert_nothing_left(&env);
}

#[test]
fn interrupted_init_is_either_complete_or_gone() {
    let Some(env) = TestEnv::new() else { return };
    // Whatever moment SIGINT lands, the result is a whole sandbox or nothing at all.
    for delay_ms in [5u64, 15, 30, 45, 60, 80, 120, 180, 250, 400] {
        let mut cmd = env.spawnable();
        cmd.args(["init", "--isolated"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let out = child.wait_with_output().unwrap();
        let id = stdout(&out).trim().to_string();
        if out.status.success() {
            assert_eq!(id.len(), 12);
            assert!(env.containers().contains(&format!("dsbx-{id}")));
            assert!(env.state_text().contains(&id));
            assert_code(&env.run(&["kill", &id]), 0);
        } else {
            assert_eq!(id, "", "an interrupted init prints no id");
            assert_nothing_left(&env);
        }
    }
}

#[test]
fn the_helper_comes_from_one_labelled_read_only_volume() {
    let Some(env) = TestEnv::new() else { return };
    let a = env.init(&[]);
    let b = env.init(&[]);
    let mount = |id: &str| {
        inspect(
            &format!("dsbx-{id}"),
            "{{range .Mounts}}{{if eq .Destination \"/.dsbx/bin\"}}{{.Name}} {{.RW}}{{end}}{{end}}",
        )
    };
    let (ma, mb) = (mount(&a), mount(&b));
    let (volume, rw) = ma
        .split_once(' ')
        .unwrap_or_else(|| panic!("no helper mount: {ma:?}"));
    assert_eq!(rw, "false", "the helper is mounted read-only");
    assert_eq!(ma, mb, "both sandboxes share one helper volume");
    let labels = docker_lines(&["volume", "inspect", "--format", "{{json .Labels}}", volume]);
    assert!(
        labels
            .iter()
            .any(|l| l.contains("\"dsbx.managed\":\"true\"")),
        "{labels:?}"
    );
    // Read-only even for root inside the sandbox.
    let out = docker(&[
        "exec",
        &format!("dsbx-{a}"),
        "sh",
        "-c",
        "echo x > /.dsbx/bin/dsbx",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("Read-only"), "{}", stderr(&out));
}

#[test]
fn the_configured_runtime_is_used_and_an_unknown_one_leaves_nothing() {
    let Some(env) = TestEnv::with_config(
        "image = \"dsbx-test-busybox:latest\"\n[security]\nruntime = \"runc\"\n",
    ) else {
        return;
    };
    let id = env.init(&[]);
    assert_eq!(
        inspect(&format!("dsbx-{id}"), "{{.HostConfig.Runtime}}"),
        "runc"
    );
    let out = env.run(&["kill", &id]);
    assert_code(&out, 0);
    env.write_config(
        "image = \"dsbx-test-busybox:latest\"\n[security]\nruntime = \"dsbx-no-such-runtime\"\n",
    );
    let out = env.run(&["init"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("dsbx-no-such-runtime"),
        "{}",
        stderr(&out)
    );
    assert_nothing_left(&env);
}

#[test]
fn two_inits_racing_for_one_name_give_it_to_one() {
    let Some(env) = TestEnv::new() else { return };
    let spawn = || {
        env.spawnable()
            .args(["init", "-n", "contested"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let codes: Vec<_> = outs.iter().map(|o| o.status.code()).collect();
    assert!(
        codes.contains(&Some(0)) && codes.contains(&Some(2)),
        "one wins, one is refused: {codes:?}\n{}\n{}",
        stderr(&outs[0]),
        stderr(&outs[1])
    );
    let loser = outs.iter().find(|o| o.status.code() == Some(2)).unwrap();
    assert!(stderr(loser).contains("already used"), "{}", stderr(loser));
    assert_eq!(stdout(loser), "");
    assert_eq!(env.containers().len(), 1, "{:?}", env.containers());
    assert_eq!(env.state_text().matches("[sandboxes.").count(), 1);
}

/// utime + stime of the sandbox's PID 1 (the helper), in clock ticks.
fn helper_cpu_ticks(name: &str) -> u64 {
    let stat = docker_exec(name, &["cat", "/proc/1/stat"]);
    // Fields after the command name (which ends at the last ')'): state is the 3rd field of
    // the whole line, utime and stime the 14th and 15th.
    let rest = stat.rsplit_once(')').expect("a /proc stat line").1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn the_waiting_helper_costs_no_cpu() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h"]);
    let name = format!("dsbx-{id}");
    let before = helper_cpu_ticks(&name);
    std::thread::sleep(Duration::from_secs(5));
    let after = helper_cpu_ticks(&name);
    // A clock tick is 10 ms: a helper that polled would show up; one that sleeps does not.
    assert!(
        after - before <= 1,
        "PID 1 used {} ticks in 5 s",
        after - before
    );
}

#[test]
fn the_helper_rereads_the_deadline_within_a_minute_without_a_signal() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--timeout", "1h"]);
    let name = format!("dsbx-{id}");
    // Rewrite the file behind dsbx's back (no signal): the helper must notice on its own.
    let soon = chrono::Utc::now().timestamp() + 3;
    let out = docker(&[
        "exec",
        &name,
        "sh",
        "-c",
        &format!("echo {soon} > /.dsbx/deadline"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        wait_until(Duration::from_secs(100), || inspect(
            &name,
            "{{.State.Running}}"
        ) == "false"),
        "still running long after the rewritten deadline"
    );
    let finished = chrono::DateTime::parse_from_rfc3339(&inspect(&name, "{{.State.FinishedAt}}"))
        .unwrap()
        .timestamp();
    assert!(finished >= soon - 1, "stopped before the new deadline");
    assert!(
        finished <= soon + 65,
        "stopped {} s after the new deadline: not re-read every minute",
        finished - soon
    );
}

#[test]
fn an_init_interrupted_once_its_container_exists_leaves_nothing() {
    let Some(env) = TestEnv::new() else { return };
    // The start request is held back on its way to the engine, so SIGINT lands mid-creation
    // (container and isolated network made, start still ahead), not at a guessed delay.
    let api = common::api_log::ApiLog::holding("/start");
    let child = env
        .spawnable()
        .env("DOCKER_HOST", api.docker_host())
        .args(["init", "--isolated"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let held = api.wait_held(Duration::from_secs(60));
    let created = env.containers();
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    api.release();
    let out = child.wait_with_output().unwrap();
    assert!(held, "init never sent its start: {}", stderr(&out));
    assert_eq!(created.len(), 1, "the container exists before the start");
    assert!(!out.status.success(), "init finished despite SIGINT");
    assert_eq!(stdout(&out), "", "an interrupted init prints no id");
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert_nothing_left(&env);
}

/// Removes a network the test made itself, even when the test fails.
struct OwnNetwork(String);

impl Drop for OwnNetwork {
    fn drop(&mut self) {
        let _ = docker(&["network", "rm", &self.0]);
    }
}

#[test]
fn a_network_removed_between_create_and_start_leaves_nothing() {
    let Some(env) = TestEnv::new() else { return };
    let net = OwnNetwork(format!("dsbx-test-net-{}", random_suffix()));
    assert!(docker(&["network", "create", &net.0]).status.success());
    // The start request is held back on its way to the engine: the network goes in between,
    // which the engine allows while a created, unstarted container names it.
    let api = common::api_log::ApiLog::holding("/start");
    let child = env
        .spawnable()
        .env("DOCKER_HOST", api.docker_host())
        .args(["init", "--network", &net.0])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let held = api.wait_held(Duration::from_secs(60));
    let removed = docker(&["network", "rm", &net.0]);
    api.release();
    let out = child.wait_with_output().unwrap();
    assert!(held, "init never sent its start: {}", stderr(&out));
    assert!(removed.status.success(), "{}", stderr(&removed));
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("not found") || err.contains(&net.0), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    assert_nothing_left(&env);
}

#[test]
fn init_writes_the_deadline_through_the_archive_api_before_the_start() {
    let Some(env) = TestEnv::new() else { return };
    let api = common::api_log::ApiLog::start();
    // Without a channel; with one, see the next test.
    let out = env
        .dsbx()
        .env("DOCKER_HOST", api.docker_host())
        .env("DSBX_CHANNEL", "off")
        .args(["init", "--timeout", "1h"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    let name = format!("dsbx-{id}");
    let calls: Vec<String> = api.take().into_iter().map(|c| c.line).collect();
    let at = |prefix: &str| {
        calls
            .iter()
            .position(|c| c.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}`: {calls:?}"))
    };
    let (create, upload, start) = (
        at("POST /containers/create"),
        at(&format!("PUT /containers/{name}/archive")),
        at(&format!("POST /containers/{name}/start")),
    );
    assert!(create < upload && upload < start, "{calls:?}");
    // The file holds the label's deadline, root's and read-only to others, from the first moment
    // the helper runs.
    let label = chrono::DateTime::parse_from_rfc3339(&inspect(
        &name,
        "{{index .Config.Labels \"dsbx.expires-at\"}}",
    ))
    .unwrap();
    assert_eq!(
        docker_exec(&name, &["cat", "/.dsbx/deadline"]),
        label.timestamp().to_string()
    );
    assert_eq!(
        docker_exec(&name, &["stat", "-c", "%u %a", "/.dsbx/deadline"]),
        "0 644"
    );
}

#[test]
fn with_a_channel_init_hands_the_deadline_over_without_an_upload() {
    let Some(env) = TestEnv::new() else { return };
    let api = common::api_log::ApiLog::start();
    let out = env
        .dsbx()
        .env("DOCKER_HOST", api.docker_host())
        .args(["init", "--timeout", "1h"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    let name = format!("dsbx-{id}");
    let calls: Vec<String> = api.take().into_iter().map(|c| c.line).collect();
    assert!(
        !calls.iter().any(|c| c.starts_with("PUT ")),
        "no archive upload: {calls:?}"
    );
    // In force when init returns, root's, and gone from the channel directory.
    let label = chrono::DateTime::parse_from_rfc3339(&inspect(
        &name,
        "{{index .Config.Labels \"dsbx.expires-at\"}}",
    ))
    .unwrap();
    assert_eq!(
        docker_exec(&name, &["cat", "/.dsbx/deadline"]),
        label.timestamp().to_string()
    );
    assert_eq!(
        docker_exec(&name, &["stat", "-c", "%u %a", "/.dsbx/deadline"]),
        "0 644"
    );
    assert!(
        !env.state_dir
            .join("channels")
            .join(&id)
            .join("deadline")
            .exists()
    );
}

#[test]
fn a_timeout_right_after_init_is_never_overwritten_by_the_first_deadline() {
    let Some(env) = TestEnv::new() else { return };
    // However soon `timeout` follows `init`, and across a restart, the newer deadline stays:
    // nothing but `timeout` writes the file once the sandbox runs.
    for _ in 0..3 {
        let id = env.init(&["--timeout", "1h"]);
        let out = env.run(&["timeout", &id, "2h", "--json"]);
        assert_code(&out, 0);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let newer = chrono::DateTime::parse_from_rfc3339(v["expires_at"].as_str().unwrap())
            .unwrap()
            .timestamp()
            .to_string();
        let name = format!("dsbx-{id}");
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(docker_exec(&name, &["cat", "/.dsbx/deadline"]), newer);
        assert!(docker(&["restart", "-t", "1", &name]).status.success());
        assert_eq!(docker_exec(&name, &["cat", "/.dsbx/deadline"]), newer);
        let v: serde_json::Value =
            serde_json::from_slice(&env.run(&["info", &id, "--json"]).stdout).unwrap();
        assert_eq!(
            chrono::DateTime::parse_from_rfc3339(v["expires_at"].as_str().unwrap())
                .unwrap()
                .timestamp()
                .to_string(),
            newer
        );
    }
}

#[test]
fn a_burst_of_inits_fills_a_new_helper_volume_once() {
    // After an upgrade the first inits find no helper volume for the new build. Six at once
    // must not each copy the binary into a volume of their own: one fills it, the others wait
    // for it and mount the same one. The relay counts the volume creations.
    let Some(own) = common::own_helper::OwnHelper::new() else {
        return;
    };
    let api = common::api_log::ApiLog::start();
    let inits: Vec<_> = (0..6)
        .map(|_| {
            own.env
                .spawnable()
                .env("DOCKER_HOST", api.docker_host())
                .arg("init")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let ids: Vec<String> = inits
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert_code(&out, 0);
            stdout(&out).trim().to_string()
        })
        .collect();
    let volumes: Vec<String> = ids.iter().map(|id| own.helper_volume_of(id)).collect();
    assert!(
        volumes.iter().all(|v| *v == volumes[0]),
        "every sandbox mounts the one helper volume: {volumes:?}"
    );
    let creations: Vec<String> = api
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("POST /volumes/create"))
        .collect();
    assert_eq!(
        creations.len(),
        2,
        "one data volume and its marker, not one per init: {creations:?}"
    );
}
