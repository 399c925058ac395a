//! The channel from dsbx to its helper (see `src/channel`): used when it can serve, refused to
//! everyone but the host user who made the sandbox, and replaced by the engine's paths, with the
//! same results, whenever it cannot serve. The whole exec/files/transfer suite also runs forced
//! onto the engine path (`DSBX_CHANNEL=off`, see `scripts/test`).

mod common;

use common::channel::{stand_in_helper, tcp_engine};
use common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;
use std::time::Duration;

const ON_CHANNEL: &str = "exec: over the sandbox's channel";
const ON_ENGINE: &str = "exec: the engine's exec path";

fn channel_dir(env: &TestEnv, id: &str) -> PathBuf {
    env.state_dir.join("channels").join(id)
}

/// `dsbx --verbose exec ID ARGS…` with the channel allowed, whatever the caller's environment.
fn exec_verbose(env: &TestEnv, id: &str, args: &[&str]) -> std::process::Output {
    exec_verbose_with(env, &[], id, args)
}

fn exec_verbose_with(
    env: &TestEnv,
    flags: &[&str],
    id: &str,
    args: &[&str],
) -> std::process::Output {
    env.dsbx()
        .env_remove("DSBX_CHANNEL")
        .args(["exec", "--verbose"])
        .args(flags)
        .arg(id)
        .args(args)
        .output()
        .unwrap()
}

fn uses_channel(env: &TestEnv, id: &str) -> bool {
    let out = exec_verbose(env, id, &["true"]);
    out.status.success() && stderr(&out).contains(ON_CHANNEL)
}

fn container_log(id: &str) -> String {
    let out = docker(&["logs", &format!("dsbx-{id}")]);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn exec_goes_over_the_channel_unless_switched_off() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&[]);
    // The host side: a directory and a socket of this user's alone.
    let dir = channel_dir(&env, &id);
    let meta = std::fs::metadata(&dir).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o700);
    // The helper binds it a moment after the container starts.
    assert!(wait_until(Duration::from_secs(30), || dir
        .join("sock")
        .exists()));
    let sock = std::fs::symlink_metadata(dir.join("sock")).unwrap();
    assert_eq!(sock.permissions().mode() & 0o7777, 0o600);
    // SAFETY: geteuid cannot fail.
    assert_eq!(sock.uid(), unsafe { libc::geteuid() });
    // Inside: the mount's parent is root-only.
    assert_eq!(
        docker_exec(
            &format!("dsbx-{id}"),
            &["stat", "-c", "%a %u", "/.dsbx/run"]
        ),
        "700 0"
    );

    let out = exec_verbose(&env, &id, &["echo out; echo err >&2; exit 7"]);
    assert_code(&out, 7);
    assert_eq!(stdout(&out), "out\n");
    assert!(stderr(&out).contains(ON_CHANNEL), "{}", stderr(&out));
    assert!(stderr(&out).contains("err\n"));

    let out = env
        .dsbx()
        .env("DSBX_CHANNEL", "off")
        .args(["exec", "--verbose", &id, "echo out; exit 7"])
        .output()
        .unwrap();
    assert_code(&out, 7);
    assert_eq!(stdout(&out), "out\n");
    assert!(
        stderr(&out).contains(&format!("{ON_ENGINE} (DSBX_CHANNEL=off)")),
        "{}",
        stderr(&out)
    );
    // Without --verbose the fallback says nothing.
    let out = env
        .dsbx()
        .env("DSBX_CHANNEL", "off")
        .args(["exec", &id, "true"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "");
    // A command gets the sandbox's umask on both paths (the helper binds its socket under a
    // umask of its own, which must not reach the commands it starts): the same modes either way.
    let probe = "umask; mkdir /tmp/umask-probe-$$ && stat -c %a /tmp/umask-probe-$$";
    let over_channel = exec_verbose(&env, &id, &[probe]);
    assert_code(&over_channel, 0);
    assert!(
        stderr(&over_channel).contains(ON_CHANNEL),
        "{}",
        stderr(&over_channel)
    );
    let over_engine = env
        .dsbx()
        .env("DSBX_CHANNEL", "off")
        .args(["exec", &id, probe])
        .output()
        .unwrap();
    assert_code(&over_engine, 0);
    assert_eq!(stdout(&over_channel), "0022\n755\n");
    assert_eq!(stdout(&over_channel), stdout(&over_engine));
    // Killed, it leaves no host directory behind.
    assert_code(&env.run(&["kill", &id]), 0);
    assert!(!channel_dir(&env, &id).exists());
}

#[test]
fn code_in_the_sandbox_cannot_use_the_socket_as_its_user_or_as_root() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&["--user", "user"]);
    let canary = "/tmp/canary";
    let attempt = format!(
        "/.dsbx/bin/dsbx --docker-host unix:///.dsbx/run/channel/sock exec {id} touch {canary}"
    );
    // The sandbox's user cannot even reach the directory.
    let out = exec_verbose(&env, &id, &["ls /.dsbx/run/channel"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("Permission denied"),
        "{}",
        stderr(&out)
    );
    let out = exec_verbose(&env, &id, &[&attempt]);
    assert_ne!(out.status.code(), Some(0));
    // Root in the sandbox reaches it, and the helper refuses it by its pid.
    let out = exec_verbose_with(&env, &["--root"], &id, &[&attempt]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    // The engine copies the helper's line into the log on its own time: wait for it.
    let refused = "refused: the peer runs inside the sandbox";
    assert!(
        wait_until(std::time::Duration::from_secs(10), || container_log(&id)
            .contains(refused)),
        "{}",
        container_log(&id)
    );
    let out = exec_verbose_with(&env, &["--root"], &id, &[&format!("test ! -e {canary}")]);
    assert_code(&out, 0);
    // The channel still serves its owner.
    assert!(uses_channel(&env, &id));
}

#[test]
fn another_host_user_cannot_use_the_socket() {
    let Some(env) = TestEnv::new() else { return };
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        // Only root can act as another user here; CI runs as root.
        assert!(std::env::var_os("CI").is_none(), "CI must run as root");
        return;
    }
    let id = env.init_with_channel(&[]);
    let sock = channel_dir(&env, &id).join("sock");
    let public_config = std::env::temp_dir().join(format!("dsbx-nobody-{}.toml", env.scope));
    std::fs::write(&public_config, "").unwrap();
    std::fs::set_permissions(&public_config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let nobody = |path: &std::path::Path| {
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(dsbx_bin())
            .arg("--docker-host")
            .arg(format!("unix://{}", path.display()))
            .args(["ls"])
            .env("DSBX_STATE_DIR", "/nonexistent")
            .env("DSBX_CONFIG", &public_config)
            .env("HOME", "/nonexistent")
            .output()
            .unwrap()
    };
    // The path is this user's alone.
    let out = nobody(&sock);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        !container_log(&id).contains("refused: host user"),
        "nobody should not have reached the socket"
    );
    // Even with every permission on the way wrong, the helper refuses the peer by its uid.
    let mut path = sock.clone();
    while let Some(parent) = path.parent() {
        if parent == std::path::Path::new("/") || parent == std::env::temp_dir() {
            break;
        }
        std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o755)).unwrap();
        path = parent.to_path_buf();
    }
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = nobody(&sock);
    assert_ne!(out.status.code(), Some(0));
    let _ = std::fs::remove_file(&public_config);
    // The helper writes its refusal before it answers, but the engine copies a container's
    // output into its log on its own time: wait for the line, don't race it.
    let refused = "refused: host user 65534 did not make this sandbox";
    assert!(
        wait_until(std::time::Duration::from_secs(10), || container_log(&id)
            .contains(refused)),
        "{}\n{}",
        container_log(&id),
        stderr(&out)
    );
    // Once, for the second try: the first never reached the helper (checked again here, when
    // a refusal of the first try would have had as long to reach the log).
    assert_eq!(container_log(&id).matches("refused: host user").count(), 1);
}

#[test]
fn stopped_paused_and_deleted_channel_directories_fall_back_and_come_back() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&[]);
    let name = format!("dsbx-{id}");
    assert!(uses_channel(&env, &id));

    // Stopped: nobody listens; the engine path starts it, then the channel serves again.
    assert!(docker(&["stop", "-t", "1", &name]).status.success());
    let out = exec_verbose(&env, &id, &["echo back"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "back\n");
    assert!(stderr(&out).contains(ON_ENGINE), "{}", stderr(&out));
    assert!(wait_until(Duration::from_secs(30), || uses_channel(
        &env, &id
    )));

    // Paused: the socket accepts but the helper cannot answer; the engine path resumes it.
    assert!(docker(&["pause", &name]).status.success());
    let out = exec_verbose(&env, &id, &["echo resumed"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "resumed\n");
    assert!(stderr(&out).contains(ON_ENGINE), "{}", stderr(&out));
    assert!(uses_channel(&env, &id));

    // The host directory deleted under a running sandbox: the engine path serves; at the next
    // start dockerd re-creates the directory and the helper serves on it again.
    std::fs::remove_dir_all(channel_dir(&env, &id)).unwrap();
    let out = exec_verbose(&env, &id, &["echo still"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "still\n");
    assert!(stderr(&out).contains(ON_ENGINE), "{}", stderr(&out));
    assert!(docker(&["restart", "-t", "1", &name]).status.success());
    assert!(wait_until(Duration::from_secs(30), || uses_channel(
        &env, &id
    )));
    let meta = std::fs::metadata(channel_dir(&env, &id)).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o700);
}

#[test]
fn a_sandbox_made_without_the_channel_uses_the_engine() {
    let Some(env) = TestEnv::new() else { return };
    // As the previous release made them: no host directory, no mount, no server.
    let out = env
        .dsbx()
        .env("DSBX_CHANNEL", "off")
        .args(["init"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    assert!(!channel_dir(&env, &id).exists());
    let binds = inspect(&format!("dsbx-{id}"), "{{json .HostConfig.Binds}}");
    assert!(!binds.contains("/.dsbx/run"), "{binds}");
    let out = exec_verbose(&env, &id, &["echo hi; exit 3"]);
    assert_code(&out, 3);
    assert_eq!(stdout(&out), "hi\n");
    assert!(stderr(&out).contains(ON_ENGINE), "{}", stderr(&out));
}

#[test]
fn another_engine_named_on_the_command_line_is_not_bypassed() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&[]);
    let out = env
        .dsbx()
        .env_remove("DSBX_CHANNEL")
        .args([
            "--docker-host",
            "unix:///nonexistent.sock",
            "exec",
            "--verbose",
            &id,
            "true",
        ])
        .output()
        .unwrap();
    assert_code(&out, 125);
    assert!(!stderr(&out).contains(ON_CHANNEL), "{}", stderr(&out));
    assert!(stderr(&out).contains(ON_ENGINE), "{}", stderr(&out));
}

#[test]
fn exec_files_and_uploads_as_the_user_make_no_engine_exec_over_the_channel() {
    let Some(env) = TestEnv::new() else { return };
    let api = common::api_log::ApiLog::start();
    let host = api.docker_host();
    let dsbx = |args: &[&str], channel: bool| {
        let mut cmd = env.dsbx();
        if channel {
            cmd.env_remove("DSBX_CHANNEL");
        } else {
            cmd.env("DSBX_CHANNEL", "off");
        }
        let out = cmd
            .arg("--docker-host")
            .arg(&host)
            .args(args)
            .output()
            .unwrap();
        assert_code(&out, 0);
        out
    };
    let id = stdout(&dsbx(
        &["init", "--user", "user", "--workdir", "/home/user"],
        true,
    ))
    .trim()
    .to_string();
    env.wait_for_socket(&id);
    let local = env.dir.path().join("up.txt");
    std::fs::write(&local, "uploaded").unwrap();
    let local = path_str(&local).to_string();
    let work = |channel: bool| {
        api.take();
        let out = dsbx(&["exec", &id, "echo hi"], channel);
        assert_eq!(stdout(&out), "hi\n");
        let exec_calls = api.take();
        dsbx(&["files", "mkdir", &id, "/home/user/d"], channel);
        dsbx(&["upload", &id, &local, "/home/user/d/"], channel);
        let out = dsbx(&["files", "ls", &id, "/home/user/d"], channel);
        assert!(stdout(&out).contains("up.txt"), "{}", stdout(&out));
        dsbx(&["files", "rm", &id, "/home/user/d"], channel);
        let calls = api.take();
        (exec_calls, calls)
    };
    // Over the channel: exec makes no engine call at all; the file commands none to /exec.
    let (exec_calls, calls) = work(true);
    assert!(exec_calls.is_empty(), "{exec_calls:?}");
    // `files write` and an upload as the user to an absolute path: none at all, and `ps`.
    api.take();
    dsbx(
        &["files", "write", &id, "/home/user/new/w.txt", "written"],
        true,
    );
    dsbx(&["upload", &id, &local, "/home/user/new/"], true);
    dsbx(&["ps", &id], true);
    // Relative paths (from the working directory) and `--root`: none either.
    dsbx(&["files", "write", &id, "rel/w.txt", "relative"], true);
    dsbx(&["upload", &id, &local, "rel/"], true);
    dsbx(&["upload", "--root", &id, &local, "/etc/dsbx-up.txt"], true);
    let direct_calls = api.take();
    assert!(direct_calls.is_empty(), "{direct_calls:?}");
    let out = dsbx(&["files", "read", &id, "/home/user/new/w.txt"], true);
    assert_eq!(stdout(&out), "written");
    let out = dsbx(&["files", "read", &id, "/home/user/new/up.txt"], true);
    assert_eq!(stdout(&out), "uploaded");
    assert!(!calls.iter().any(|c| c.line.contains("/exec")), "{calls:?}");
    // Forced onto the engine path: the same work, through the engine's exec API.
    let (exec_calls, calls) = work(false);
    assert!(exec_calls.iter().any(|c| c.line.contains("/exec")));
    assert!(calls.iter().any(|c| c.line.contains("/exec")));
}

#[test]
fn a_command_outlives_a_killed_dsbx_over_the_channel_as_on_the_engine_path() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&[]);
    let name = format!("dsbx-{id}");
    let mut child = env
        .spawnable()
        .env_remove("DSBX_CHANNEL")
        .args([
            "exec",
            &id,
            "touch /tmp/started; sleep 2; echo lost; touch /tmp/finished",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_until(Duration::from_secs(30), || {
        docker(&["exec", &name, "test", "-e", "/tmp/started"])
            .status
            .success()
    }));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(wait_until(Duration::from_secs(30), || {
        docker(&["exec", &name, "test", "-e", "/tmp/finished"])
            .status
            .success()
    }));
    // The channel serves on.
    assert!(uses_channel(&env, &id));
}

#[test]
fn a_helper_of_another_protocol_version_falls_back_silently_with_the_same_results() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&["--user", "user"]);
    let job = stdout(&env.run(&["exec", "-b", &id, "echo from-job"]));
    let job = job
        .lines()
        .find_map(|l| l.strip_prefix("Job: "))
        .unwrap()
        .to_string();
    let work = |verbose: bool| {
        let run = |args: &[&str]| {
            let mut cmd = env.dsbx();
            cmd.env_remove("DSBX_CHANNEL");
            if verbose {
                cmd.arg("--verbose");
            }
            cmd.args(args).output().unwrap()
        };
        let exec = run(&["exec", &id, "echo hi; id -un; exit 4"]);
        assert_code(&exec, 4);
        let write = run(&["files", "write", &id, "/tmp/f.txt", "content"]);
        assert_code(&write, 0);
        let read = run(&["files", "read", &id, "/tmp/f.txt"]);
        assert_code(&read, 0);
        let ls = run(&["files", "ls", &id, "/tmp"]);
        assert_code(&ls, 0);
        let logs = run(&["logs", &id, &job]);
        assert_code(&logs, 0);
        let outs = [stdout(&exec), stdout(&read), stdout(&ls), stdout(&logs)];
        (exec, outs)
    };
    let (_, on_channel) = work(false);
    assert_eq!(on_channel[0], "hi\nuser\n");
    assert_eq!(on_channel[3], "from-job\n");
    stand_in_helper(
        &env,
        &id,
        dsbx::channel::FromHelper::Hello {
            version: dsbx::channel::VERSION + 1,
            user: "user".into(),
            engine: String::new(),
        },
    );
    // Silent without --verbose, and the same results as over the channel.
    let (exec, on_engine) = work(false);
    assert_eq!(stderr(&exec), "");
    assert_eq!(on_engine, on_channel);
    let (exec, _) = work(true);
    assert!(
        stderr(&exec).contains(&format!(
            "{ON_ENGINE} (the helper speaks channel version {}",
            dsbx::channel::VERSION + 1
        )),
        "{}",
        stderr(&exec)
    );
}

#[test]
fn an_engine_that_is_not_local_gets_no_channel_and_the_engine_paths() {
    let Some(env) = TestEnv::new() else { return };
    let tcp = tcp_engine();
    let run = |host: &str, args: &[&str]| {
        env.dsbx()
            .env_remove("DSBX_CHANNEL")
            .arg("--docker-host")
            .arg(host)
            .args(args)
            .output()
            .unwrap()
    };
    // Made through a remote endpoint: no host directory, no mount.
    let out = run(&tcp, &["init"]);
    assert_code(&out, 0);
    let remote = stdout(&out).trim().to_string();
    assert!(!channel_dir(&env, &remote).exists());
    let binds = inspect(&format!("dsbx-{remote}"), "{{json .HostConfig.Binds}}");
    assert!(!binds.contains("/.dsbx/run"), "{binds}");
    // Made locally, then reached through the remote endpoint: the engine's paths, silently.
    let local = env.init_with_channel(&[]);
    for id in [&remote, &local] {
        let out = run(&tcp, &["exec", id, "echo hi; exit 5"]);
        assert_code(&out, 5);
        assert_eq!(stdout(&out), "hi\n");
        assert_eq!(stderr(&out), "");
        let out = run(&tcp, &["--verbose", "exec", id, "true"]);
        assert!(stderr(&out).contains(ON_ENGINE), "{}", stderr(&out));
        let out = run(&tcp, &["ps", id, "--json"]);
        assert_code(&out, 0);
        assert_eq!(stdout(&out).trim(), r#"{"jobs":[]}"#);
    }
    let out = run(&tcp, &["--verbose", "exec", &local, "true"]);
    assert!(
        stderr(&out).contains("the sandbox was made on unix://"),
        "{}",
        stderr(&out)
    );
}

/// Uploads and `files write` to relative paths (from the sandbox's working directory) and with
/// `--root` land alike over the channel and forced onto the engine path: the same files, modes,
/// times, owners and links, the same `--json`, the same refusals.
#[test]
fn relative_and_root_uploads_land_alike_over_the_channel_and_the_engine() {
    let Some(env) = TestEnv::new() else { return };
    let local = tempfile::tempdir().unwrap();
    let tree = local.path().join("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("sub/f.txt"), "in the tree").unwrap();
    std::fs::set_permissions(tree.join("sub/f.txt"), PermissionsExt::from_mode(0o751)).unwrap();
    std::os::unix::fs::symlink("sub/f.txt", tree.join("link")).unwrap();
    let file = local.path().join("one.txt");
    std::fs::write(&file, "one").unwrap();
    let (tree, file) = (path_str(&tree).to_string(), path_str(&file).to_string());
    let run = |channel: bool, args: &[&str]| {
        let mut cmd = env.dsbx();
        if channel {
            cmd.env_remove("DSBX_CHANNEL");
        } else {
            cmd.env("DSBX_CHANNEL", "off");
        }
        cmd.args(args).output().unwrap()
    };
    let mut seen = Vec::new();
    for channel in [true, false] {
        let id = env.init_with_channel(&["--user", "user", "--workdir", "/home/user/w"]);
        let ok = |args: &[&str]| {
            let out = run(channel, args);
            assert_code(&out, 0);
            stdout(&out)
        };
        ok(&["upload", &id, &tree, "."]);
        ok(&["upload", &id, &file, "deep/er/one.txt"]);
        ok(&["upload", "--root", &id, &file, "root-owned.txt"]);
        ok(&["files", "upload-dir", &id, &tree, "filled"]);
        let json = ok(&["files", "write", "--json", &id, "notes.txt", "hello"]);
        ok(&["exec", &id, "chmod 600 notes.txt && ln -s notes.txt via"]);
        let through = ok(&["files", "write", "--json", &id, "via", "again"]);
        let refused = [
            run(channel, &["files", "write", &id, "tree", "x"]),
            run(channel, &["upload", &id, &tree, "notes.txt"]),
            run(channel, &["upload", &id, &file, "notes.txt/"]),
        ]
        .map(|out| (out.status.code(), stderr(&out).replace(&id, "ID")));
        let listing = docker_exec(
            &format!("dsbx-{id}"),
            &[
                "sh",
                "-c",
                "cd /home/user/w && find . | sort | while read f; do \
                 stat -c '%n %u:%g %a %F' \"$f\"; [ -L \"$f\" ] && readlink \"$f\"; \
                 [ -f \"$f\" ] && [ ! -L \"$f\" ] && cat \"$f\" && echo && \
                 { [ \"$f\" = ./notes.txt ] || stat -c %Y \"$f\"; }; \
                 done",
            ],
        );
        seen.push((listing, json.replace(&id, "ID"), through, refused));
    }
    let listing = &seen[0].0;
    assert!(
        listing.contains("./tree/sub/f.txt 1000:1000 751 regular file"),
        "{listing}"
    );
    assert!(
        listing.contains("./root-owned.txt 0:0 644 regular file"),
        "{listing}"
    );
    assert!(listing.contains("./deep/er/one.txt 1000:1000"), "{listing}");
    assert!(listing.contains("./filled/sub/f.txt"), "{listing}");
    assert!(
        listing.contains("./notes.txt 1000:1000 600 regular file"),
        "{listing}"
    );
    assert!(
        seen[0].1.contains("/home/user/w/notes.txt"),
        "{}",
        seen[0].1
    );
    assert!(
        seen[0].2.contains("/home/user/w/notes.txt"),
        "{}",
        seen[0].2
    );
    for (code, err) in &seen[0].3 {
        assert_eq!(*code, Some(1), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert_eq!(
        seen[0], seen[1],
        "channel (left) and engine path (right) differ"
    );
}

/// The host pid of sandbox `id`'s channel server (`__helper serve`), found by its command line
/// and its container's cgroup.
fn serve_pid(id: &str) -> i32 {
    let full = docker(&["inspect", "-f", "{{.Id}}", &format!("dsbx-{id}")]);
    let full = String::from_utf8_lossy(&full.stdout).trim().to_string();
    let found = std::fs::read_dir("/proc").unwrap().flatten().find_map(|e| {
        let pid: i32 = e.file_name().to_str()?.parse().ok()?;
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let cgroup = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
        (cmdline.windows(15).any(|w| w == b"__helper\0serve\0") && cgroup.contains(&full))
            .then_some(pid)
    });
    found.expect("the sandbox's channel server")
}

/// A helper that is slow to answer but not paused (a sandbox whose own code spends its CPU
/// quota; here its server stopped with SIGSTOP) is waited for, not left for the engine's path:
/// the command still runs over the channel once the helper answers.
#[test]
fn a_slow_helper_that_is_not_paused_is_waited_for() {
    use std::io::{BufRead, BufReader};
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&[]);
    assert!(uses_channel(&env, &id));
    let pid = serve_pid(&id);
    // SAFETY: kill(2) on a process this test found; the test runs as root.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0);
    let mut child = env
        .spawnable()
        .env_remove("DSBX_CHANNEL")
        .args(["exec", "--verbose", &id, "echo", "waited"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut line = String::new();
    // Once dsbx says it waits, the helper is let go.
    while err.read_line(&mut line).unwrap() > 0 {
        seen.push_str(&line);
        let waiting = line.contains("not paused: waiting");
        line.clear();
        if waiting {
            break;
        }
    }
    // SAFETY: as above.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGCONT) }, 0);
    assert!(seen.contains("not paused: waiting"), "{seen}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    seen.push_str(&rest);
    let out = child.wait_with_output().unwrap();
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "waited\n");
    assert!(seen.contains(ON_CHANNEL), "{seen}");
    assert!(!seen.contains(ON_ENGINE), "{seen}");
}
