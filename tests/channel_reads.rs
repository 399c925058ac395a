//! The read side over the channel (issue 18): downloads, `cp ID:… LOCAL`, `files read`, `info`,
//! `exists`, `download` and `download-dir` make no engine call at all when the sandbox's helper
//! answers, for a user sandbox and a root one, relative paths included; forced onto the engine
//! path they run the same helper role through the engine's exec API (never the archive API) and
//! print the same thing.

mod common;

use common::*;
use std::path::Path;
use std::time::Duration;

/// Every read a user makes, each as (name, args, where the result lands or `None`: stdout).
fn reads(id: &str, out: &Path, home: &str) -> Vec<(String, Vec<String>)> {
    let o = |name: &str| out.join(name).display().to_string();
    let rel = home.trim_start_matches('/');
    let list: Vec<(&str, Vec<String>)> = vec![
        (
            "file",
            vec![
                "download".into(),
                id.into(),
                format!("{home}/t/a.txt"),
                o("a.txt"),
            ],
        ),
        (
            "tree",
            vec!["download".into(), id.into(), format!("{home}/t"), o("tree")],
        ),
        (
            "stdout",
            vec![
                "download".into(),
                id.into(),
                format!("{home}/t/a.txt"),
                "-".into(),
            ],
        ),
        (
            "tar",
            vec![
                "download".into(),
                id.into(),
                format!("{home}/t/sub"),
                "-".into(),
            ],
        ),
        (
            "root",
            vec![
                "download".into(),
                "--root".into(),
                id.into(),
                format!("{home}/t/a.txt"),
                "-".into(),
            ],
        ),
        (
            "cp",
            vec!["cp".into(), format!("{id}:{home}/t/a.txt"), o("cp.txt")],
        ),
        (
            "read",
            vec![
                "files".into(),
                "read".into(),
                id.into(),
                format!("{home}/t/a.txt"),
            ],
        ),
        (
            "relative",
            vec![
                "files".into(),
                "read".into(),
                id.into(),
                format!("../../{rel}/t/a.txt"),
            ],
        ),
        (
            "exists",
            vec![
                "files".into(),
                "exists".into(),
                id.into(),
                format!("{home}/t/link"),
            ],
        ),
        (
            "info",
            vec![
                "files".into(),
                "info".into(),
                "--json".into(),
                id.into(),
                format!("{home}/t/link"),
            ],
        ),
        (
            "fdownload",
            vec![
                "files".into(),
                "download".into(),
                id.into(),
                format!("{home}/t/a.txt"),
                o("f.txt"),
            ],
        ),
        (
            "fdir",
            vec![
                "files".into(),
                "download-dir".into(),
                id.into(),
                format!("{home}/t"),
                o("fdir"),
            ],
        ),
    ];
    list.into_iter().map(|(n, a)| (n.to_string(), a)).collect()
}

fn check_sandbox(env: &TestEnv, init: &[&str], home: &str) {
    let api = common::api_log::ApiLog::start();
    let host = api.docker_host();
    let dsbx = |args: &[String], channel: bool| {
        let mut cmd = env.dsbx();
        if channel {
            cmd.env_remove("DSBX_CHANNEL");
        } else {
            cmd.env("DSBX_CHANNEL", "off");
        }
        cmd.arg("--docker-host")
            .arg(&host)
            .args(args)
            .output()
            .unwrap()
    };
    let mut args: Vec<String> = vec!["init".into()];
    args.extend(init.iter().map(|s| s.to_string()));
    args.extend(["--workdir".to_string(), home.to_string()]);
    let out = dsbx(&args, true);
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    let sock = env.state_dir.join("channels").join(&id).join("sock");
    assert!(
        wait_until(Duration::from_secs(30), || sock.exists()),
        "no socket"
    );
    let made = docker(&[
        "exec",
        "-u",
        if init.contains(&"root") { "0" } else { "1000" },
        &format!("dsbx-{id}"),
        "sh",
        "-c",
        &format!(
            "mkdir -p {home}/t/sub && printf A > {home}/t/a.txt && printf B > {home}/t/sub/b && \
             ln -s a.txt {home}/t/link"
        ),
    ]);
    assert!(made.status.success(), "{}", stderr(&made));
    let mut results = Vec::new();
    for channel in [true, false] {
        let out_dir = env.dir.path().join(format!("out-{channel}"));
        std::fs::create_dir_all(&out_dir).unwrap();
        let mut seen = Vec::new();
        for (name, args) in reads(&id, &out_dir, home) {
            api.take();
            let out = dsbx(&args, channel);
            assert_code(&out, 0);
            let calls = api.take();
            if channel {
                assert!(calls.is_empty(), "{name} over the channel: {calls:?}");
            } else {
                assert!(
                    calls.iter().any(|c| c.line.contains("/exec")),
                    "{name}: {calls:?}"
                );
                assert!(
                    !calls
                        .iter()
                        .any(|c| c.line.starts_with("GET") && c.line.contains("/archive")),
                    "{name} read through the archive API: {calls:?}"
                );
            }
            let mut shown = String::from_utf8_lossy(&out.stdout).into_owned();
            if name == "info" {
                // The time is the file's; the JSON is compared whole otherwise.
                let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
                assert_eq!(v["type"], "symlink", "{shown}");
                assert_eq!(v["link_target"], format!("{home}/t/a.txt"), "{shown}");
            }
            if name == "tar" {
                let mut names = Vec::new();
                for e in tar::Archive::new(out.stdout.as_slice()).entries().unwrap() {
                    names.push(e.unwrap().path().unwrap().display().to_string());
                }
                shown = names.join(",");
            }
            seen.push((name, shown));
        }
        assert_eq!(
            std::fs::read_to_string(out_dir.join("tree/sub/b")).unwrap(),
            "B"
        );
        assert_eq!(
            std::fs::read_to_string(out_dir.join("fdir/a.txt")).unwrap(),
            "A"
        );
        assert_eq!(
            std::fs::read_to_string(out_dir.join("cp.txt")).unwrap(),
            "A"
        );
        results.push(seen);
    }
    assert_eq!(
        results[0], results[1],
        "the channel and the engine path differ"
    );
    let stdout_of = |n: &str| results[0].iter().find(|(k, _)| k == n).unwrap().1.clone();
    assert_eq!(stdout_of("read"), "A");
    assert_eq!(stdout_of("relative"), "A");
    assert_eq!(stdout_of("tar"), "sub/,sub/b");
    assert_eq!(stdout_of("exists"), "true\n");
}

#[test]
fn reads_as_the_user_make_no_engine_call_over_the_channel_and_match_the_engine_path() {
    let Some(env) = TestEnv::new() else { return };
    check_sandbox(&env, &["--user", "user"], "/home/user");
}

#[test]
fn reads_in_a_root_sandbox_make_no_engine_call_over_the_channel_either() {
    let Some(env) = TestEnv::new() else { return };
    check_sandbox(&env, &["--user", "root"], "/root");
}
