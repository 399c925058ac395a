//! The foundation: init, ls and kill against the real engine; engine selection; state safety.

mod common;

use common::*;
use std::time::{Duration, Instant};

#[test]
fn init_ls_kill_round_trip() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[
        "--image",
        BUSYBOX,
        "--name",
        "web-1",
        "--timeout",
        "10m",
        "--label",
        "team=core",
    ]);
    let name = format!("dsbx-{id}");
    assert_eq!(inspect(&name, "{{.State.Running}}"), "true");
    assert_eq!(
        inspect(&name, "{{index .Config.Labels \"dsbx.managed\"}}"),
        "true"
    );
    assert_eq!(
        inspect(&name, "{{index .Config.Labels \"dsbx.name\"}}"),
        "web-1"
    );
    assert_eq!(
        inspect(&name, "{{index .Config.Labels \"dsbx.scope\"}}"),
        env.scope
    );
    assert_eq!(inspect(&name, "{{index .Config.Labels \"team\"}}"), "core");
    assert_eq!(
        inspect(&name, "{{index .Config.Labels \"dsbx.schema\"}}"),
        "1"
    );
    assert!(!inspect(&name, "{{index .Config.Labels \"dsbx.expires-at\"}}").is_empty());
    let state = env.state_text();
    assert!(state.contains(&id) && state.contains("web-1"), "{state}");

    let out = env.run(&["ls"]);
    assert_code(&out, 0);
    let table = stdout(&out);
    assert!(table.starts_with("ID"), "{table}");
    assert!(
        table.contains(&id) && table.contains("running") && table.contains("web-1"),
        "{table}"
    );

    let out = env.run(&["ls", "-q"]);
    assert_eq!(stdout(&out).trim(), id);

    let out = env.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sandboxes"][0]["id"], id.as_str());
    assert_eq!(v["sandboxes"][0]["status"], "running");
    assert_eq!(v["sandboxes"][0]["name"], "web-1");

    // Killed by name: the container and the record go.
    let out = env.run(&["kill", "web-1"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out).trim(), id);
    assert!(env.containers().is_empty());
    assert!(!env.state_text().contains(&id));
}

#[test]
fn init_json_and_prefix_resolution() {
    let Some(env) = TestEnv::new() else { return };
    let out = env.run(&["init", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["scope"], env.scope.as_str());
    assert_eq!(v["image"], BUSYBOX);
    // A unique prefix of four characters resolves.
    let out = env.run(&["kill", &id[..4], "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["killed"][0], id.as_str());
}

#[test]
fn unknown_id_exits_3_and_others_are_still_killed() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let out = env.run(&["kill", "nosuchsandbox", &id]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("nosuchsandbox"), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), id, "the known one is still killed");
    assert!(env.containers().is_empty());
    // A three-character query is never taken as a prefix.
    let out = env.run(&["kill", "abc"]);
    assert_code(&out, 3);
}

#[test]
fn ambiguous_prefix_is_a_usage_error_listing_candidates() {
    let Some(env) = TestEnv::new() else { return };
    // Ids are random; fake two records sharing a prefix, as if their containers were gone.
    std::fs::create_dir_all(&env.state_dir).unwrap();
    let record = |name: &str| {
        format!(
            "scope = \"{}\"\nimage = \"x\"\nname = \"{name}\"\ncreated_at = \"2026-01-01T00:00:00Z\"\n",
            env.scope
        )
    };
    std::fs::write(
        env.state_file(),
        format!(
            "[sandboxes.abcd11111111]\n{}\n[sandboxes.abcd22222222]\n{}",
            record("one"),
            record("two")
        ),
    )
    .unwrap();
    let out = env.run(&["kill", "abcd"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("ambiguous") && err.contains("abcd11111111") && err.contains("abcd22222222"),
        "{err}"
    );
    // Nothing was removed by the failed call.
    assert!(env.state_text().contains("abcd11111111"));
    // The exact name resolves, the record is cleaned, and that counts as success.
    let out = env.run(&["kill", "two"]);
    assert_code(&out, 0);
    assert!(!env.state_text().contains("abcd22222222"));
}

#[test]
fn missing_socket_exits_4_quickly_naming_it() {
    let env = TestEnv::offline("");
    let start = Instant::now();
    let out = env
        .dsbx()
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .args(["ls"])
        .output()
        .unwrap();
    assert_code(&out, 4);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "kept retrying a missing socket"
    );
    let err = stderr(&out);
    assert!(
        err.contains("/nonexistent/docker.sock") && err.contains("DOCKER_HOST"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    // The flag wins over the variable.
    let out = env
        .dsbx()
        .env("DOCKER_HOST", "unix:///var/run/docker.sock")
        .args(["--docker-host", "unix:///nowhere.sock", "ls"])
        .output()
        .unwrap();
    assert_code(&out, 4);
    assert!(stderr(&out).contains("/nowhere.sock"));
}

#[test]
fn silent_tcp_engine_exits_4_within_seconds() {
    let env = TestEnv::offline("");
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let _keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().take(16) {
            held.push(conn);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let start = Instant::now();
    let out = env
        .dsbx()
        .env("DOCKER_HOST", format!("tcp://{addr}"))
        .args(["ls"])
        .output()
        .unwrap();
    assert_code(&out, 4);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    let err = stderr(&out);
    assert!(err.contains(&addr.to_string()), "{err}");
    assert!(
        err.contains("no answer within") && err.contains("DOCKER_HOST"),
        "says what happened and where the address came from: {err}"
    );
    assert!(err.contains("dsbx doctor"), "says what to check: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // Commands that check the engine beside their first request give up as fast: exec with
    // its 125, upload with 4.
    for (args, code) in [
        (&["exec", "abcdefabcdef", "true"][..], 125),
        (
            &["upload", "abcdefabcdef", "/etc/hostname", "/tmp/x"][..],
            4,
        ),
    ] {
        let start = Instant::now();
        let out = env
            .dsbx()
            .env("DOCKER_HOST", format!("tcp://{addr}"))
            .args(args)
            .output()
            .unwrap();
        assert_code(&out, code);
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{args:?} took {:?}",
            start.elapsed()
        );
        assert!(
            stderr(&out).contains("no answer within"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn docker_context_is_followed_when_docker_host_is_unset() {
    let Some(env) = TestEnv::new() else { return };
    let docker_config = env.dir.path().join("docker-config");
    use sha2::Digest;
    let hex: String = sha2::Sha256::digest(b"dsbx-test")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let meta = docker_config.join("contexts/meta").join(hex);
    std::fs::create_dir_all(&meta).unwrap();
    std::fs::write(
        meta.join("meta.json"),
        r#"{"Name":"dsbx-test","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///var/run/docker.sock","SkipTLSVerify":false}}}"#,
    )
    .unwrap();
    std::fs::write(
        docker_config.join("config.json"),
        r#"{"currentContext":"dsbx-test"}"#,
    )
    .unwrap();
    let out = env
        .dsbx()
        .env_remove("DOCKER_HOST")
        .env("DOCKER_CONFIG", &docker_config)
        .args(["init"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(env.containers().len(), 1);
    // A context whose endpoint is dead proves the context, not a default, was used.
    std::fs::write(
        meta.join("meta.json"),
        r#"{"Name":"dsbx-test","Endpoints":{"docker":{"Host":"unix:///dead/context.sock"}}}"#,
    )
    .unwrap();
    let out = env
        .dsbx()
        .env_remove("DOCKER_HOST")
        .env("DOCKER_CONFIG", &docker_config)
        .args(["ls"])
        .output()
        .unwrap();
    assert_code(&out, 4);
    assert!(stderr(&out).contains("/dead/context.sock") && stderr(&out).contains("dsbx-test"));
    // DOCKER_CONTEXT names a context and wins over `currentContext`.
    let live = docker_config.join("contexts/meta").join(
        sha2::Sha256::digest(b"dsbx-live")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
    );
    std::fs::create_dir_all(&live).unwrap();
    std::fs::write(
        live.join("meta.json"),
        r#"{"Name":"dsbx-live","Endpoints":{"docker":{"Host":"unix:///var/run/docker.sock"}}}"#,
    )
    .unwrap();
    let out = env
        .dsbx()
        .env_remove("DOCKER_HOST")
        .env("DOCKER_CONFIG", &docker_config)
        .env("DOCKER_CONTEXT", "dsbx-live")
        .args(["ls", "-q"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    // And DOCKER_HOST wins over both.
    let out = env
        .dsbx()
        .env("DOCKER_HOST", "unix:///dead/host.sock")
        .env("DOCKER_CONFIG", &docker_config)
        .env("DOCKER_CONTEXT", "dsbx-live")
        .args(["ls"])
        .output()
        .unwrap();
    assert_code(&out, 4);
    assert!(stderr(&out).contains("/dead/host.sock"), "{}", stderr(&out));
}

#[test]
fn scope_and_image_come_from_flag_then_environment_then_config() {
    let Some(env) = TestEnv::with_config(&format!(
        "image = \"dsbx-no-such-image:never\"\nscope = \"{}\"\n",
        format_args!("cfg{}", random_suffix())
    )) else {
        return;
    };
    // DSBX_IMAGE overrides the config's image.
    let scope_of = |id: &str| {
        inspect(
            &format!("dsbx-{id}"),
            "{{index .Config.Labels \"dsbx.scope\"}}",
        )
    };
    let image_of = |id: &str| inspect(&format!("dsbx-{id}"), "{{.Config.Image}}");
    let out = env
        .dsbx()
        .env("DSBX_IMAGE", "dsbx-test-busybox:latest")
        .args(["init"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let by_env = stdout(&out).trim().to_string();
    assert_eq!(image_of(&by_env), "dsbx-test-busybox:latest");
    assert_eq!(scope_of(&by_env), env.scope, "DSBX_SCOPE over the config");
    // --scope over DSBX_SCOPE.
    let flag_scope = format!("{}-flag", env.scope);
    let out = env
        .dsbx()
        .args([
            "--scope",
            &flag_scope,
            "init",
            "--image",
            "dsbx-test-busybox:latest",
        ])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let by_flag = stdout(&out).trim().to_string();
    let flagged = scope_of(&by_flag);
    let _ = docker(&["rm", "-f", &format!("dsbx-{by_flag}")]);
    assert_eq!(flagged, flag_scope);
    // The config's scope when neither is given.
    let out = env
        .dsbx()
        .env_remove("DSBX_SCOPE")
        .args(["init", "--image", "dsbx-test-busybox:latest"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let by_config = stdout(&out).trim().to_string();
    let configured = scope_of(&by_config);
    let _ = docker(&["rm", "-f", &format!("dsbx-{by_config}")]);
    assert!(configured.starts_with("cfg"), "{configured}");
    // Without DSBX_IMAGE the config's (missing) image is the one tried.
    let out = env.run(&["init"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("dsbx-no-such-image"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn garbage_state_file_is_reported_and_never_overwritten() {
    let Some(env) = TestEnv::new() else { return };
    std::fs::create_dir_all(&env.state_dir).unwrap();
    std::fs::write(env.state_file(), "sandboxes = [[[ garbage").unwrap();
    for args in [&["init"][..], &["ls"][..]] {
        let out = env.run(args);
        assert_code(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains("does not parse") && err.contains("state.toml"),
            "{err}"
        );
        assert!(
            err.contains("Move it aside") && err.contains(".broken"),
            "says how to recover: {err}"
        );
        assert_eq!(
            std::fs::read_to_string(env.state_file()).unwrap(),
            "sandboxes = [[[ garbage"
        );
    }
    assert!(env.containers().is_empty(), "init left a container behind");
}

#[test]
fn read_only_state_directory_fails_cleanly() {
    let Some(env) = TestEnv::new() else { return };
    let out = env.run_with_read_only_state(&["init"]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains(&env.state_dir.display().to_string()), "{err}");
    assert!(
        env.containers().is_empty(),
        "nothing is created when the state cannot be written"
    );
}

#[test]
fn removed_behind_our_back_shows_missing_and_kill_cleans_it() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["-n", "gone"]);
    assert!(
        docker(&["rm", "-f", &format!("dsbx-{id}")])
            .status
            .success()
    );
    let out = env.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sandboxes"][0]["status"], "missing");
    let out = env.run(&["kill", "gone"]);
    assert_code(&out, 0);
    assert!(!env.state_text().contains(&id));
    let out = env.run(&["ls", "-q"]);
    assert_eq!(stdout(&out), "");
}

#[test]
fn other_scopes_and_unlabelled_containers_are_never_touched() {
    let Some(env) = TestEnv::new() else { return };
    let Some(other) = TestEnv::new() else { return };
    let theirs = other.init(&[]);
    let decoy = format!("dsbx-decoy-{}", random_suffix());
    let out = docker(&[
        "create",
        "--name",
        &decoy,
        "--label",
        &format!("dsbx.scope={}", env.scope),
        BUSYBOX,
        "sleep",
        "60",
    ]);
    assert!(out.status.success());
    let mine = env.init(&[]);

    let out = env.run(&["ls", "-q"]);
    assert_eq!(stdout(&out).trim(), mine);
    let out = env.run(&["kill", &theirs]);
    assert_code(&out, 3);
    let out = env.run(&["kill", "--all"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out).trim(), mine);
    assert_eq!(other.containers(), vec![format!("dsbx-{theirs}")]);
    assert_eq!(inspect(&decoy, "{{.Name}}"), format!("/{decoy}"));
    let _ = docker(&["rm", "-f", &decoy]);

    // --all-scopes sees the other scope's sandbox.
    let out = env.run(&["ls", "--all-scopes", "-q"]);
    assert!(stdout(&out).contains(&theirs));
}

#[test]
fn scope_defaults_to_logname_when_user_is_unset() {
    let Some(env) = TestEnv::new() else { return };
    let login = format!("cron{}", random_suffix());
    let out = env
        .dsbx()
        .env_remove("DSBX_SCOPE")
        .env_remove("USER")
        .env("LOGNAME", &login)
        .args(["init"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    let scope = inspect(
        &format!("dsbx-{id}"),
        "{{index .Config.Labels \"dsbx.scope\"}}",
    );
    let _ = docker(&["rm", "-f", &format!("dsbx-{id}")]);
    assert_eq!(scope, login);
}

#[test]
fn json_errors_are_objects_on_stdout() {
    let Some(env) = TestEnv::new() else { return };
    let out = env.run(&["kill", "nosuchsandbox", "--json"]);
    assert_code(&out, 3);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["not_found"][0], "nosuchsandbox");
    let out = env.run(&["init", "--name", "Bad_Name", "--json"]);
    assert_code(&out, 2);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
    assert_eq!(v["error"]["exit_code"], 2);
    let out = env
        .dsbx()
        .env("DOCKER_HOST", "unix:///nope.sock")
        .args(["ls", "--json"])
        .output()
        .unwrap();
    assert_code(&out, 4);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "engine");
}

#[test]
fn config_errors_name_file_key_and_line() {
    let env = TestEnv::offline("image = \"x\"\n\n[limits]\nmemory = \"lots\"\n");
    let out = env.run(&["ls"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("config.toml") && err.contains("line 4") && err.contains("memory"),
        "{err}"
    );
    env.write_config("colour = \"red\"\n");
    let out = env.run(&["ls"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("colour") && stderr(&out).contains("line 1"));
}

#[test]
fn parallel_inits_and_kills_keep_the_state_whole() {
    let Some(env) = TestEnv::new() else { return };
    let env = std::sync::Arc::new(env);
    // A reader beside the writers: the file must parse every time it is read, throughout.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (env, done) = (env.clone(), done.clone());
        std::thread::spawn(move || {
            let mut reads = 0u32;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(text) = std::fs::read_to_string(env.state_file()) {
                    toml::from_str::<toml::Value>(&text)
                        .unwrap_or_else(|e| panic!("state did not parse mid-run: {e}\n{text}"));
                    reads += 1;
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            reads
        })
    };
    let spawn_all = |make: &dyn Fn(usize) -> Vec<String>, n: usize| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let env = env.clone();
                let args = make(i);
                std::thread::spawn(move || {
                    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                    env.run(&refs)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    };
    let outs = spawn_all(&|i| vec!["init".into(), "-n".into(), format!("p{i}")], 16);
    let mut ids: Vec<String> = outs
        .iter()
        .map(|o| {
            assert_code(o, 0);
            stdout(o).trim().to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 16);
    let state: toml::Value = toml::from_str(&env.state_text()).expect("state parses");
    assert_eq!(state["sandboxes"].as_table().unwrap().len(), 16);
    let ids2 = ids.clone();
    let outs = spawn_all(&move |i| vec!["kill".into(), ids2[i].clone()], 16);
    for o in &outs {
        assert_code(o, 0);
    }
    let state: toml::Value = toml::from_str(&env.state_text()).expect("state parses");
    assert!(
        state
            .get("sandboxes")
            .is_none_or(|s| s.as_table().unwrap().is_empty())
    );
    assert!(env.containers().is_empty());
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let reads = reader.join().expect("the state parsed at every read");
    assert!(reads > 10, "the reader only managed {reads} reads");
}

#[test]
fn binary_is_statically_linked() {
    let bytes = std::fs::read(dsbx_bin()).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF");
    // ELF64 little-endian: program headers at e_phoff (0x20), e_phentsize (0x36), e_phnum (0x38).
    let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap()) as usize;
    let u16_at = |o: usize| u16::from_le_bytes(bytes[o..o + 2].try_into().unwrap()) as usize;
    let (phoff, phentsize, phnum) = (u64_at(0x20), u16_at(0x36), u16_at(0x38));
    let has_interp = (0..phnum).any(|i| {
        let p = phoff + i * phentsize;
        u32::from_le_bytes(bytes[p..p + 4].try_into().unwrap()) == 3 // PT_INTERP
    });
    assert!(
        !has_interp,
        "dsbx must be static: it is the helper inside images with no libc"
    );
}

#[test]
fn ls_makes_one_list_call_exec_none_extra_and_kill_removes_in_parallel() {
    let Some(env) = TestEnv::new() else { return };
    let ids: Vec<String> = (0..3).map(|_| env.init(&[])).collect();
    let api = common::api_log::ApiLog::start();
    let through = |args: &[&str]| {
        let out = env
            .dsbx()
            .env("DOCKER_HOST", api.docker_host())
            .args(args)
            .output()
            .unwrap();
        assert_code(&out, 0);
        let calls = api.take();
        (out, calls)
    };
    let paths = |calls: &[common::api_log::Call]| -> Vec<String> {
        calls
            .iter()
            .map(|c| c.line.split('?').next().unwrap().to_string())
            .collect()
    };

    // ls: a ping and one list call, merged with the state.
    let (out, calls) = through(&["ls", "-q"]);
    assert_eq!(stdout(&out).lines().count(), 3);
    assert_eq!(
        paths(&calls),
        vec!["GET /_ping", "GET /containers/json"],
        "{calls:?}"
    );

    // exec: the engine's exec calls only (recording activity costs no Docker call).
    let (_, calls) = through(&["exec", &ids[0], "true"]);
    let seen = paths(&calls);
    let container = format!("dsbx-{}", ids[0]);
    // The ping goes beside the first request: either may be sent first.
    let mut first_two = seen[..2].to_vec();
    first_two.sort();
    assert_eq!(
        first_two,
        vec![
            "GET /_ping".to_string(),
            format!("GET /containers/{container}/json")
        ],
        "{seen:?}"
    );
    assert_eq!(
        seen[2],
        format!("POST /containers/{container}/exec"),
        "{seen:?}"
    );
    assert!(
        seen[3].starts_with("POST /exec/") && seen[3].ends_with("/start"),
        "{seen:?}"
    );
    assert!(
        seen[4..]
            .iter()
            .all(|p| p.starts_with("GET /exec/") && p.ends_with("/json")),
        "only the exit status is read after the start: {seen:?}"
    );

    // kill of three: one list call, then the three removals at once. The first removal is
    // held back in the relay: the other two arrive while it waits only if none waits for it.
    drop(api);
    let api = common::api_log::ApiLog::holding_method("DELETE /containers/", "");
    let mut args = vec!["kill"];
    args.extend(ids.iter().map(String::as_str));
    let kill = env
        .spawnable()
        .env("DOCKER_HOST", api.docker_host())
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert!(api.wait_held(Duration::from_secs(60)), "no removal came");
    let removing = |api: &common::api_log::ApiLog| {
        api.lines()
            .iter()
            .filter(|l| l.starts_with("DELETE /containers/"))
            .count()
    };
    let parallel = wait_until(Duration::from_secs(30), || removing(&api) == 2);
    api.release();
    let out = kill.wait_with_output().unwrap();
    assert_code(&out, 0);
    assert!(
        parallel,
        "the other removals waited for the first: {:?}",
        api.lines()
    );
    let seen = paths(&api.take());
    assert_eq!(
        seen.iter().filter(|p| *p == "GET /containers/json").count(),
        1,
        "{seen:?}"
    );
    assert_eq!(
        seen.iter()
            .filter(|p| p.starts_with("DELETE /containers/"))
            .count(),
        3,
        "{seen:?}"
    );
    assert!(env.containers().is_empty());
}

/// A user outside the `docker` group (uid and gid 4242, no supplementary groups) is told that
/// the socket refused them and how to join the group, by every command and by `doctor`.
#[test]
fn a_user_outside_the_docker_group_is_told_to_join_it() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let env = TestEnv::offline("image = \"dsbx-test-busybox:latest\"\n");
    let home = env.dir.path().join("outsider");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    std::os::unix::fs::chown(&home, Some(4242), Some(4242)).unwrap();
    let socket = "/var/run/docker.sock";
    let mode = std::fs::metadata(socket)
        .expect("the engine's socket")
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o006,
        0,
        "the socket is open to everyone: nothing to test"
    );
    let run = |args: &[&str]| {
        std::process::Command::new(dsbx_bin())
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &home)
            .env("DSBX_STATE_DIR", home.join("state"))
            .env("DSBX_SCOPE", &env.scope)
            .env("DOCKER_HOST", format!("unix://{socket}"))
            .env("NO_COLOR", "1")
            .uid(4242)
            .gid(4242)
            .args(args)
            .output()
            .expect("run dsbx as uid 4242")
    };
    let out = run(&["ls"]);
    assert_code(&out, 4);
    let err = stderr(&out);
    assert!(
        err.contains("permission denied on /var/run/docker.sock: add yourself to the docker group"),
        "{err}"
    );
    assert!(!err.contains("is dockerd running"), "{err}");
    let out = run(&["exec", "abcdabcdabcd", "true"]);
    assert_code(&out, 125);
    assert!(
        stderr(&out).contains("permission denied on"),
        "{}",
        stderr(&out)
    );
    let out = run(&["doctor"]);
    assert_code(&out, 1);
    let text = stdout(&out);
    let line = text.lines().find(|l| l.contains("engine")).unwrap();
    assert!(line.starts_with("✗ "), "{line}");
    assert!(
        line.contains("permission denied on /var/run/docker.sock") && line.contains("docker group"),
        "{line}"
    );
    assert!(!line.contains("start the Docker engine"), "{line}");
}

/// `--verbose` says on stderr which engine requests dsbx made and how long each took, the path
/// an exec took and the files read; without it, stderr stays empty.
#[test]
fn verbose_names_engine_requests_and_is_silent_without_it() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let out = env.run(&["ls", "--ids"]);
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "");
    let out = env.run(&["--verbose", "ls", "--ids"]);
    assert_code(&out, 0);
    assert_eq!(
        stdout(&out),
        format!("{id}\n"),
        "stdout keeps only the data"
    );
    let err = stderr(&out);
    assert!(
        err.contains("engine request containers::list_sandboxes"),
        "{err}"
    );
    assert!(err.contains(" ms"), "{err}");
    assert!(
        err.contains(&format!("config: read {}", env.config.display())),
        "{err}"
    );
    assert!(err.contains("state: read"), "{err}");
    // The path an exec takes, with its reason when it is the engine's.
    let out = env.run(&["exec", &id, "true", "--verbose"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("path: "), "{}", stderr(&out));
    let out = env.run(&["exec", &id[..6], "true", "--verbose"]);
    assert!(
        stderr(&out).contains("engine request exec::"),
        "{}",
        stderr(&out)
    );
    // -vv adds the engine's HTTP request lines.
    let out = env.run(&["-vv", "ls"]);
    assert!(
        stderr(&out).contains("engine HTTP /containers/json"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["exec", &id, "true"]);
    assert_eq!(stderr(&out), "");
}
