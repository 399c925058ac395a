//! The read side of the boundary, tried as a hostile sandbox user would (issue 18): a download
//! reads as the sandbox's user unless `--root`, so root's files stay root's; links planted in a
//! tree come out as links, never followed; a directory swapped for a link mid-walk never leads
//! the reader (even root) outside the tree; a fifo never hangs it. Each test runs on the channel
//! and, in CI's second round, on the engine's path (`DSBX_CHANNEL=off`): the same results.

mod common;

use common::*;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// `sh -c SCRIPT` in the sandbox as `user`, asserting success.
fn in_sandbox(id: &str, user: &str, script: &str) {
    let out = docker(&[
        "exec",
        "-u",
        user,
        &format!("dsbx-{id}"),
        "sh",
        "-c",
        script,
    ]);
    assert!(out.status.success(), "{script}: {}", stderr(&out));
}

/// Root's files the tests guard: `/etc/shadow` (made 0600 root's where the image has none) and
/// `/root/secret`, both root-only.
fn plant_root_secrets(id: &str) {
    in_sandbox(
        id,
        "0",
        "[ -e /etc/shadow ] || echo 'root:$6$canary:19000:0:99999:7:::' > /etc/shadow; \
         chown 0:0 /etc/shadow && chmod 600 /etc/shadow && mkdir -p /root && \
         echo 'root-only secret' > /root/secret && chmod 600 /root/secret && chmod 700 /root",
    );
}

/// What root's secrets look like, to search a downloaded tree for.
fn secret_lines(id: &str) -> Vec<String> {
    let shadow = docker_exec(&format!("dsbx-{id}"), &["cat", "/etc/shadow"]);
    let mut lines: Vec<String> = shadow
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    lines.push("root-only secret".into());
    lines
}

/// Every regular file under `root` whose content holds one of `secrets`.
fn leaked(root: &Path, secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let m = fs::symlink_metadata(&path).unwrap();
            if m.is_dir() {
                stack.push(path);
            } else if m.is_file() {
                let text = String::from_utf8_lossy(&fs::read(&path).unwrap()).into_owned();
                if secrets.iter().any(|s| text.contains(s.as_str())) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    found
}

/// The sandbox's root-only files, as `sha256sum` sees them: compared before and after.
fn canaries(id: &str) -> String {
    docker_exec(
        &format!("dsbx-{id}"),
        &[
            "sh",
            "-c",
            "sha256sum /etc/shadow /etc/passwd /.dsbx/deadline /root/secret 2>&1; ls -la /.dsbx",
        ],
    )
}

fn one_line(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn a_users_download_of_a_root_only_file_fails_in_one_line_and_root_reads_it() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    plant_root_secrets(&id);
    in_sandbox(
        &id,
        "0",
        "mkdir -p /root && echo 'root-only secret' > /root/secret && chmod 600 /root/secret && \
         cp /root/secret /tmp/secret && chmod 600 /tmp/secret && mkdir -p /tmp/tree/sub && \
         echo ok > /tmp/tree/ok && cp /root/secret /tmp/tree/sub/secret && \
         chmod 777 /tmp/tree /tmp/tree/sub",
    );
    let before = canaries(&id);
    let local = env.dir.path().join("got");
    for (remote, what) in [
        ("/tmp/secret", "may not read"),
        ("/etc/shadow", "may not read"),
        ("/root/secret", "may not read"),
    ] {
        let out = env.run(&["download", &id, remote, path_str(&local)]);
        assert_code(&out, 1);
        let err = one_line(&out);
        assert!(
            err.contains("permission denied") && err.contains(what) && err.contains(remote),
            "{remote}: {err}"
        );
        assert!(err.contains("--root"), "the way out is named: {err}");
        assert!(!local.exists(), "{remote}: nothing is left behind");
        let out = env.run(&["download", &id, remote, "-"]);
        assert_code(&out, 1);
        assert!(out.stdout.is_empty(), "{remote}: no byte on stdout");
    }
    // A tree with a root-only file inside fails whole: nothing placed, one line naming it.
    let out = env.run(&["download", &id, "/tmp/tree", path_str(&local)]);
    assert_code(&out, 1);
    let err = one_line(&out);
    assert!(
        err.contains("/tmp/tree/sub/secret") && err.contains("ermission denied"),
        "{err}"
    );
    assert!(!local.exists());
    // `files read` and `cp` read as the user too; `files exists` and `info` only look.
    let out = env.run(&["files", "read", &id, "/tmp/secret"]);
    assert_code(&out, 1);
    assert!(one_line(&out).contains("permission denied"));
    let out = env.run(&["cp", &format!("{id}:/tmp/secret"), path_str(&local)]);
    assert_code(&out, 1);
    assert!(!local.exists());
    assert_code(&env.run(&["files", "exists", &id, "/tmp/secret"]), 0);
    let out = env.run(&["files", "info", "--json", &id, "/tmp/secret"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["mode"].as_str(), v["size"].as_i64()),
        (Some("0600"), Some(17))
    );

    // `--root` reads as root.
    let out = env.run(&["download", "--root", &id, "/root/secret", path_str(&local)]);
    assert_code(&out, 0);
    assert_eq!(fs::read_to_string(&local).unwrap(), "root-only secret\n");
    let tree = env.dir.path().join("tree");
    let out = env.run(&["download", "--root", &id, "/tmp/tree", path_str(&tree)]);
    assert_code(&out, 0);
    assert_eq!(
        fs::read_to_string(tree.join("sub/secret")).unwrap(),
        "root-only secret\n"
    );
    assert_eq!(canaries(&id), before);
}

#[test]
fn links_planted_in_a_tree_to_shadow_and_the_helpers_files_stay_links() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    plant_root_secrets(&id);
    in_sandbox(
        &id,
        "1000",
        "mkdir -p /home/user/t/deep && echo mine > /home/user/t/mine && \
         ln -s /etc/shadow /home/user/t/shadow && ln -s /.dsbx /home/user/t/dsbx && \
         ln -s /.dsbx/deadline /home/user/t/deep/deadline && ln -s ../../../../etc /home/user/t/deep/up",
    );
    let before = canaries(&id);
    let secrets = secret_lines(&id);
    for (i, root) in [false, true].into_iter().enumerate() {
        let local = env.dir.path().join(format!("t{i}"));
        let mut args = vec!["download", &id, "/home/user/t", path_str(&local)];
        if root {
            args.insert(1, "--root");
        }
        let out = env.run(&args);
        assert_code(&out, 0);
        for (name, target) in [
            ("shadow", "/etc/shadow"),
            ("dsbx", "/.dsbx"),
            ("deep/deadline", "/.dsbx/deadline"),
            ("deep/up", "../../../../etc"),
        ] {
            let path = local.join(name);
            assert!(
                fs::symlink_metadata(&path)
                    .unwrap()
                    .file_type()
                    .is_symlink(),
                "{name} (root {root}) must stay a link"
            );
            assert_eq!(fs::read_link(&path).unwrap(), Path::new(target));
        }
        assert_eq!(fs::read_to_string(local.join("mine")).unwrap(), "mine\n");
        assert!(leaked(&local, &secrets).is_empty(), "root {root}");
    }
    // A link as the top entry is followed as the user: the kernel refuses root's file.
    let local = env.dir.path().join("top");
    let out = env.run(&["download", &id, "/home/user/t/shadow", path_str(&local)]);
    assert_code(&out, 1);
    assert!(one_line(&out).contains("permission denied"));
    assert!(!local.exists());
    let out = env.run(&["download", &id, "/home/user/t/dsbx", path_str(&local)]);
    assert_code(&out, 1);
    assert!(!local.exists(), "{}", stderr(&out));
    assert_eq!(canaries(&id), before);
}

/// `sub` flips between a directory and a link to `/etc` (then to `/root`) as fast as a shell
/// can while root downloads the tree, 30 times: the walk never goes through the link, so no
/// file of `/etc` or `/root` ever arrives, whatever the timing.
#[test]
fn a_directory_swapped_for_a_link_mid_walk_never_leads_even_root_outside() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    plant_root_secrets(&id);
    in_sandbox(
        &id,
        "0",
        "mkdir -p /root && echo 'root-only secret' > /root/secret && chmod 600 /root/secret && \
         mkdir -p /tmp/sw && echo top > /tmp/sw/top.txt && chmod 777 /tmp/sw",
    );
    let flip = "while :; do rm -rf /tmp/sw/sub; mkdir /tmp/sw/sub; echo x > /tmp/sw/sub/f; \
                rm -rf /tmp/sw/sub; ln -s /etc /tmp/sw/sub; rm -f /tmp/sw/sub; \
                ln -s /root /tmp/sw/sub; rm -f /tmp/sw/sub; done";
    let out = env.run(&["exec", "-b", &id, flip]);
    assert_code(&out, 0);
    let before = canaries(&id);
    let secrets = secret_lines(&id);
    let mut outcomes = std::collections::BTreeMap::<String, u32>::new();
    for i in 0..30 {
        let local = env.dir.path().join(format!("sw{i}"));
        let mut args = vec!["download", &id, "/tmp/sw", path_str(&local)];
        if i % 2 == 0 {
            args.insert(1, "--root");
        }
        let out = env.run(&args);
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "try {i}: {}",
            stderr(&out)
        );
        if out.status.code() == Some(0) {
            assert!(leaked(&local, &secrets).is_empty(), "try {i}");
            let sub = local.join("sub");
            let kind = match fs::symlink_metadata(&sub) {
                Err(_) => "absent",
                Ok(m) if m.file_type().is_symlink() => "link",
                Ok(m) if m.is_dir() => {
                    for entry in fs::read_dir(&sub).unwrap() {
                        let name = entry.unwrap().file_name();
                        assert_eq!(name, "f", "try {i}: only the sandbox's own file");
                    }
                    "dir"
                }
                Ok(_) => panic!("try {i}: sub is neither a link nor a directory"),
            };
            *outcomes.entry(kind.into()).or_default() += 1;
        } else {
            *outcomes.entry("refused".into()).or_default() += 1;
        }
    }
    eprintln!("swap race outcomes: {outcomes:?}");
    assert_eq!(canaries(&id), before);
}

/// A fifo in a tree, and a fifo asked for by name, with no writer: the download returns
/// promptly (the fifo skipped with a warning, or refused in one line), never waiting on it.
#[test]
fn a_fifo_never_hangs_a_download() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    plant_root_secrets(&id);
    in_sandbox(
        &id,
        "1000",
        "mkdir -p /home/user/f && mkfifo /home/user/f/pipe && echo ok > /home/user/f/ok",
    );
    let bounded = |args: &[&str]| -> Output {
        let child = env
            .spawnable()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let started = Instant::now();
        let waiter = std::thread::spawn(move || child.wait_with_output().unwrap());
        let finished = wait_until(Duration::from_secs(60), || waiter.is_finished());
        if !finished {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            panic!("`dsbx {}` hung on a fifo", args.join(" "));
        }
        eprintln!("{args:?} returned in {:?}", started.elapsed());
        waiter.join().unwrap()
    };
    let local = env.dir.path().join("f");
    let out = bounded(&["download", &id, "/home/user/f", path_str(&local)]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("fifo, skipped"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(local.join("ok")).unwrap(), "ok\n");
    assert!(!local.join("pipe").exists());
    let out = bounded(&["download", &id, "/home/user/f/pipe", "-"]);
    assert_code(&out, 1);
    assert!(
        one_line(&out).contains("not a regular file or a directory"),
        "{}",
        stderr(&out)
    );
    let out = bounded(&["files", "read", &id, "/home/user/f/pipe"]);
    assert_code(&out, 1);
    // The files the download made are the local user's.
    let me = unsafe { libc::geteuid() };
    assert_eq!(fs::metadata(local.join("ok")).unwrap().uid(), me);
}

/// Hard links the sandbox's user plants: a name in the tree linked to a file outside it, and a tree whose second name sits
/// behind a symlink. The download keeps links only between names it packed itself: the outside
/// file's name arrives as a plain file (its content, which the reader could read anyway), the
/// symlink stays a link, and nothing outside the local target changes.
#[test]
fn hard_links_planted_in_a_tree_never_reach_outside_it() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    plant_root_secrets(&id);
    in_sandbox(
        &id,
        "1000",
        "mkdir -p /home/user/h/sub /home/user/elsewhere && echo in > /home/user/h/a && \
         ln /home/user/h/a /home/user/h/sub/b && echo out > /home/user/elsewhere/o && \
         ln /home/user/elsewhere/o /home/user/h/o && ln -s /home/user/elsewhere /home/user/h/via && \
         ln -s ../a /home/user/h/sub/up",
    );
    let before = canaries(&id);
    let secrets = secret_lines(&id);
    let canary = env.dir.path().join("canary");
    fs::write(&canary, "keep\n").unwrap();
    for (i, root) in [false, true].into_iter().enumerate() {
        let local = env.dir.path().join(format!("h{i}"));
        let mut args = vec!["download", &id, "/home/user/h", path_str(&local)];
        if root {
            args.insert(1, "--root");
        }
        let out = env.run(&args);
        assert_code(&out, 0);
        let meta = |n: &str| fs::symlink_metadata(local.join(n)).unwrap();
        assert_eq!(meta("a").ino(), meta("sub/b").ino(), "root {root}");
        assert_eq!(meta("a").nlink(), 2);
        assert!(meta("o").is_file() && meta("o").nlink() == 1);
        assert_eq!(fs::read_to_string(local.join("o")).unwrap(), "out\n");
        assert!(meta("via").file_type().is_symlink());
        assert!(meta("sub/up").file_type().is_symlink());
        if !root {
            assert!(leaked(&local, &secrets).is_empty());
        }
    }
    assert_eq!(fs::read_to_string(&canary).unwrap(), "keep\n");
    assert_eq!(fs::metadata(&canary).unwrap().nlink(), 1);
    assert_eq!(canaries(&id), before);
}
