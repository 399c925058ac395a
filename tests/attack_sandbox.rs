//! Code inside a sandbox plays the attacker against dsbx's in-sandbox paths: the helper (root in
//! the sandbox) and the operations dsbx performs "as the sandbox's user". Each test plants what
//! an attacker would (a symlink a moment before, a FIFO where a file should be, a fork bomb, a
//! memory hog), compares canary files inside the sandbox and on the host before and after, and
//! checks that the legitimate operation still does what the README says.

mod common;

use common::*;
use std::time::{Duration, Instant};

/// What must never change: root's files inside the sandbox (owner, mode, type, size, content)
/// and, where the engine keeps them on the host, the sandbox's hosts/resolv.conf/hostname files.
fn canaries(id: &str) -> String {
    let name = format!("dsbx-{id}");
    let inside = docker_exec(
        &name,
        &[
            "sh",
            "-c",
            "for f in /.dsbx /.dsbx/deadline /.dsbx/logs /.dsbx/status /etc /etc/passwd \
             /etc/group /etc/hosts /tmp; do stat -c '%n %u:%g %a %F %s' $f; \
             [ -f $f ] && md5sum $f; done; \
             for f in /.dsbx/* /etc/*; do stat -c '%n %u:%g %a %F' $f; done",
        ],
    );
    let mut host = String::new();
    for key in ["HostsPath", "ResolvConfPath", "HostnamePath"] {
        let path = inspect(&name, &format!("{{{{.{key}}}}}"));
        if path.is_empty() {
            continue;
        }
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(&path).expect("host file");
        let content = std::fs::read(&path).unwrap_or_default();
        host.push_str(&format!(
            "{path} {}:{} {:o} {}\n",
            meta.uid(),
            meta.gid(),
            meta.mode(),
            String::from_utf8_lossy(&content)
        ));
    }
    assert!(inside.contains("/.dsbx/deadline 0:0 644"), "{inside}");
    format!("{inside}\n{host}")
}

/// Root's view of a file inside the sandbox (empty when absent).
fn root_cat(id: &str, path: &str) -> String {
    docker_exec(&format!("dsbx-{id}"), &["cat", path])
}

/// Finding 2 as found, and its variants: the command itself knows its tag (`DSBX_EXEC_ID`) and
/// plants the name the root helper used for a lingering child's log, as a symlink to a root file,
/// then leaves a background child holding the output. The helper must not follow it: the
/// canaries stay, and the late output lands in the helper's own log.
#[test]
fn planted_log_symlinks_are_never_followed_by_the_root_helper() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let before = canaries(&id);
    for (n, target) in [
        "/.dsbx/deadline",
        "/etc/passwd",
        "/etc/hosts",
        "/etc",
        "/.dsbx/logs",
    ]
    .iter()
    .enumerate()
    {
        let script = format!(
            "ln -s {target} /tmp/dsbx-exec-$DSBX_EXEC_ID.log; \
             ln -s {target} /tmp/dsbx-exec-$DSBX_EXEC_ID.log.tmp; \
             echo $DSBX_EXEC_ID; (sleep 1; echo late-{n}) &"
        );
        let out = env.run(&["exec", &id, &script]);
        assert_code(&out, 0);
        let tag = stdout(&out).trim().to_string();
        // The legitimate part: the lingering child's output is kept, in the helper's log.
        let log = format!("/.dsbx/logs/exec-{tag}.log");
        assert!(
            wait_until(Duration::from_secs(20), || root_cat(&id, &log)
                .contains(&format!("late-{n}"))),
            "late output of variant {n} not in {log}: {:?}",
            root_cat(&id, &log)
        );
        assert_eq!(
            canaries(&id),
            before,
            "variant {n} ({target}) changed a canary"
        );
    }
    // The same with a timeout (the warden keeps the log itself) and as a numeric user.
    let out = env.run(&[
        "exec",
        "--timeout",
        "30",
        "-u",
        "1000:1000",
        &id,
        "ln -s /etc/passwd /tmp/dsbx-exec-$DSBX_EXEC_ID.log; echo $DSBX_EXEC_ID; \
         (sleep 1; echo late-warden) &",
    ]);
    assert_code(&out, 0);
    let log = format!("/.dsbx/logs/exec-{}.log", stdout(&out).trim());
    assert!(
        wait_until(Duration::from_secs(20), || root_cat(&id, &log)
            .contains("late-warden")),
        "{:?}",
        root_cat(&id, &log)
    );
    assert_eq!(canaries(&id), before);
}

/// Symlinks at every depth of the helper's own paths: the user can plant nothing in `/.dsbx`,
/// `/.dsbx/logs` or `/.dsbx/status`, nor move them, nor list the logs.
#[test]
fn the_helpers_own_directories_are_out_of_the_users_reach() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    // A first exec, so the directories certainly exist.
    assert_code(&env.run(&["exec", &id, "true"]), 0);
    let before = canaries(&id);
    for attempt in [
        "ln -s /etc/passwd /.dsbx/logs/exec-$DSBX_EXEC_ID.log",
        "mkfifo /.dsbx/logs/exec-$DSBX_EXEC_ID.log",
        "ln -s /etc/passwd /.dsbx/status/exec-$DSBX_EXEC_ID.status",
        "ln -s / /.dsbx/x",
        "mv /.dsbx/logs /.dsbx/old",
        "rm -rf /.dsbx/logs",
        "mv /.dsbx /tmp/dsbx",
        "ls /.dsbx/logs",
        "ls /.dsbx/status",
        "echo 1 > /.dsbx/deadline",
    ] {
        let out = env.run(&["exec", &id, attempt]);
        assert!(
            out.status.code() != Some(0),
            "`{attempt}` succeeded as the user: {}",
            stdout(&out)
        );
        assert_eq!(canaries(&id), before, "`{attempt}` changed a canary");
    }
    let name = format!("dsbx-{id}");
    let modes = docker_exec(
        &name,
        &["stat", "-c", "%n %u %a", "/.dsbx/logs", "/.dsbx/status"],
    );
    assert_eq!(modes, "/.dsbx/logs 0 711\n/.dsbx/status 0 700");
}

/// Finding 3 as found (a FIFO under the log's old name, `exec --timeout 5`) and variants: no
/// open may block the helper, with or without a timeout, and later execs are not held.
#[test]
fn a_planted_fifo_cannot_hang_exec() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let before = canaries(&id);
    for extra in [&["--timeout", "5"][..], &[][..], &["--json"][..]] {
        let started = Instant::now();
        let mut args = vec!["exec"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[
            &id,
            "mkfifo /tmp/dsbx-exec-$DSBX_EXEC_ID.log && echo planted; (sleep 2; echo late) &",
        ]);
        let out = env.run(&args);
        let took = started.elapsed();
        assert_code(&out, 0);
        assert!(stdout(&out).contains("planted"), "{}", stdout(&out));
        // Hanging means forever; a prompt return takes well under a second. 25 s tells them
        // apart on a loaded machine.
        assert!(took < Duration::from_secs(25), "{extra:?} took {took:?}");
        let started = Instant::now();
        assert_code(&env.run(&["exec", &id, "true"]), 0);
        assert!(started.elapsed() < Duration::from_secs(25));
    }
    // The planted FIFOs are still FIFOs: nothing opened them, nothing replaced them.
    let fifos = docker_exec(
        &format!("dsbx-{id}"),
        &[
            "sh",
            "-c",
            "for f in /tmp/dsbx-exec-*.log; do [ -p $f ] && echo fifo; done",
        ],
    );
    assert_eq!(fifos.lines().count(), 3, "{fifos}");
    assert_eq!(canaries(&id), before);
}

/// `exec -b` still prints `PID:` and `Log:`; the log is the user's to read (the directory
/// lets them reach a name they know) and no one else's: not another user's, not root's job's.
#[test]
fn a_background_log_is_readable_by_its_user_only() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let out = env.run(&["exec", "-b", &id, "echo secret-out; echo secret-err >&2"]);
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.starts_with("PID: "), "{text}");
    let log = text
        .lines()
        .find_map(|l| l.strip_prefix("Log: "))
        .unwrap()
        .to_string();
    assert!(log.starts_with("/.dsbx/logs/exec-"), "{log}");
    let read = || env.run(&["exec", &id, "cat", &log]);
    assert!(
        wait_until(Duration::from_secs(20), || stdout(&read())
            .contains("secret-err")),
        "{}",
        stderr(&read())
    );
    assert!(stdout(&read()).contains("secret-out"));
    let stat = docker_exec(&format!("dsbx-{id}"), &["stat", "-c", "%u %a", &log]);
    assert_eq!(stat, "1000 600");
    // Another user in the sandbox cannot read it.
    let out = env.run(&["exec", "-u", "1234:1234", &id, "cat", &log]);
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
    // A root job's log is root's.
    let out = env.run(&["exec", "-b", "--root", "--json", &id, "echo root-only"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let root_log = v["log"].as_str().unwrap().to_string();
    assert!(wait_until(Duration::from_secs(20), || root_cat(
        &id, &root_log
    )
    .contains("root-only")));
    let out = env.run(&["exec", &id, "cat", &root_log]);
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// Finding 2, the archive part: a symlink planted at the final component (or any earlier one) of
/// a path that `files write`, `files edit`, `upload`, `files rm/mv/mkdir` act on. They act as the
/// user, so they reach only what the user could; the canaries stay.
#[test]
fn planted_symlinks_in_file_operations_reach_nothing_the_user_cannot() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let setup = "cd /home/user && ln -s /.dsbx/deadline deadline && ln -s /etc/passwd passwd \
                 && ln -s /etc/hosts hosts && ln -s /etc etc && mkdir -p a && ln -s /.dsbx a/b \
                 && ln -s /etc/passwd a/p2";
    assert_code(&env.run(&["exec", &id, setup]), 0);
    let before = canaries(&id);
    let local = tempfile::tempdir().unwrap();
    let f = local.path().join("deadline");
    std::fs::write(&f, "1").unwrap();
    let fp = path_str(&f);
    let attacks: Vec<Vec<&str>> = vec![
        vec!["files", "write", &id, "/home/user/deadline", "1"],
        vec![
            "files",
            "write",
            &id,
            "/home/user/passwd",
            "x::0:0::/:/bin/sh",
        ],
        vec!["files", "write", &id, "/home/user/hosts", "6.6.6.6 evil"],
        vec!["files", "write", &id, "/home/user/etc/passwd", "x"],
        vec!["files", "write", &id, "/home/user/a/b/deadline", "1"],
        vec!["files", "write", &id, "/home/user/a/p2", "x"],
        vec![
            "files",
            "edit",
            &id,
            "/home/user/passwd",
            "--old",
            "root",
            "--new",
            "toor",
        ],
        vec![
            "files",
            "edit",
            &id,
            "/home/user/a/b/deadline",
            "--old",
            "0",
            "--new",
            "1",
        ],
        vec![
            "files",
            "edit",
            &id,
            "/home/user/hosts",
            "--old",
            "localhost",
            "--new",
            "x",
        ],
        vec!["upload", &id, fp, "/home/user/a/b/"],
        vec!["upload", &id, fp, "/home/user/etc/"],
        vec!["files", "upload", &id, fp, "/home/user/a/b/deadline"],
        vec!["files", "rm", &id, "/home/user/etc/hosts"],
        vec!["files", "rm", &id, "/home/user/a/b/deadline"],
        vec![
            "files",
            "mv",
            &id,
            "/home/user/etc/passwd",
            "/home/user/stolen",
        ],
        vec!["files", "mkdir", &id, "/home/user/a/b/new"],
        vec!["files", "mkdir", &id, "/home/user/etc/new"],
    ];
    for attack in &attacks {
        let out = env.run(attack);
        assert_eq!(out.status.code(), Some(1), "{attack:?}: {}", stderr(&out));
        assert_eq!(canaries(&id), before, "{attack:?} changed a canary");
    }
    // An upload onto a REMOTE that is a symlink to a file replaces the link itself (as the
    // archive API does): the user's own name, never the file it pointed at.
    let out = env.run(&["upload", &id, fp, "/home/user/deadline"]);
    assert_code(&out, 0);
    assert_eq!(canaries(&id), before);
    assert_eq!(root_cat(&id, "/home/user/deadline"), "1");
    let kind = docker_exec(
        &format!("dsbx-{id}"),
        &["stat", "-c", "%F %u", "/home/user/deadline"],
    );
    assert_eq!(kind, "regular file 1000");
    // The legitimate operations still work on the user's own files.
    assert_code(
        &env.run(&["files", "write", &id, "/home/user/notes.txt", "one two"]),
        0,
    );
    assert_code(
        &env.run(&[
            "files",
            "edit",
            &id,
            "/home/user/notes.txt",
            "--old",
            "two",
            "--new",
            "2",
        ]),
        0,
    );
    assert_eq!(root_cat(&id, "/home/user/notes.txt"), "one 2");
    // Writing through a link to the user's own file still writes that file, as `echo >` does.
    assert_code(
        &env.run(&["exec", &id, "ln -s notes.txt /home/user/link"]),
        0,
    );
    assert_code(
        &env.run(&["files", "write", &id, "/home/user/link", "via link"]),
        0,
    );
    assert_eq!(root_cat(&id, "/home/user/notes.txt"), "via link");
    // --root keeps root's reach, as documented.
    assert_code(
        &env.run(&["upload", "--root", &id, fp, "/etc/dsbx-root-upload"]),
        0,
    );
    assert_eq!(root_cat(&id, "/etc/dsbx-root-upload"), "1");
}

/// The race form: while `files write` and `upload` run, the user flips their target between a
/// regular file and a symlink to root's files as fast as it can. Looped 100 times: the canaries
/// never change, and every write that reports success left a regular file of the user's.
#[test]
fn a_file_symlink_swap_race_never_reaches_roots_files() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let flipper = "cd /home/user; while :; do \
        echo mine > t.new; mv -f t.new target; \
        ln -sf /etc/passwd target; ln -sf /.dsbx/deadline target; \
        rm -f target; mkdir target 2>/dev/null; rmdir target 2>/dev/null; \
        ln -sfn /etc target; rm -f target; done";
    let out = env.run(&["exec", "-b", &id, flipper]);
    assert_code(&out, 0);
    let before_passwd = root_cat(&id, "/etc/passwd");
    let before_deadline = root_cat(&id, "/.dsbx/deadline");
    let before = canaries_without_tmp(&id);
    let local = tempfile::tempdir().unwrap();
    let f = local.path().join("payload");
    std::fs::write(&f, "payload").unwrap();
    let mut ok = 0;
    for i in 0..100 {
        let out = if i % 2 == 0 {
            env.run(&["files", "write", &id, "/home/user/target", "payload"])
        } else {
            env.run(&["upload", &id, path_str(&f), "/home/user/target"])
        };
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "round {i}: {}",
            stderr(&out)
        );
        if out.status.code() == Some(0) {
            ok += 1;
        }
        assert_eq!(root_cat(&id, "/etc/passwd"), before_passwd, "round {i}");
        assert_eq!(
            root_cat(&id, "/.dsbx/deadline"),
            before_deadline,
            "round {i}"
        );
    }
    assert_eq!(canaries_without_tmp(&id), before);
    // Some rounds won the race against the flipper; with it stopped, every write lands.
    eprintln!("{ok} of 100 racing writes landed");
}

/// The canaries, minus `/tmp` whose size changes as the racing loop runs, and the helper's own
/// activity record, which PID 1 creates the first time its minute-long watch sees the racing
/// loop run (a test lasting over a minute sees it appear).
fn canaries_without_tmp(id: &str) -> String {
    canaries(id)
        .lines()
        .filter(|l| !l.starts_with("/tmp ") && !l.contains(" tmp"))
        .filter(|l| !l.starts_with("/.dsbx/activity "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Finding 6 as found and a variant: a fork bomb whose top shell exits at once. The exec
/// returns; an exec into the full sandbox says it is at its process limit and what to do
/// (`--root` included), and the timeout's warden still kills the bomb at the deadline, so the
/// sandbox recovers by itself.
#[test]
fn a_fork_bomb_after_the_command_exits_is_named_and_killed_at_the_timeout() {
    let Some(env) = TestEnv::new() else { return };
    // bash, as found: it retries a fork that fails, so the bomb keeps the cgroup full (busybox's
    // shell gives up and frees its slot).
    let id = env.init(&["--image", DEBIAN, "--pids", "64"]);
    for (n, bomb) in [
        // The classic, as found, started by a shell that exits at once (not waiting for the
        // starter, which bash may keep retrying a fork in the full cgroup).
        "bash -c ':(){ :|:& };:' 2>/dev/null & echo top-exits",
        // Long-lived processes instead of short ones.
        "(while :; do sleep 1000 & done) 2>/dev/null & echo top-exits",
    ]
    .iter()
    .enumerate()
    {
        let started = Instant::now();
        // The deadline leaves room for the probes below on a loaded machine: a warden that
        // ends the bomb before they ran would leave nothing full to report.
        let out = env.run(&["exec", "--timeout", "30", &id, "bash", "-c", bomb]);
        assert_eq!(out.status.code(), Some(0), "variant {n}: {}", stderr(&out));
        assert_eq!(stdout(&out), "top-exits\n");
        assert!(started.elapsed() < Duration::from_secs(30), "variant {n}");
        {
            // Full: every exec is refused with words, root's too.
            let full = |args: &[&str]| {
                wait_until(Duration::from_secs(8), || {
                    let out = env.run(args);
                    out.status.code() == Some(126) && stderr(&out).contains("process limit")
                })
            };
            assert!(
                full(&["exec", &id, "true"]),
                "variant {n}: not reported full"
            );
            if n == 0 {
                assert!(full(&["exec", "--root", &id, "true"]));
            }
            // In JSON the helper's words are the command's stderr; when the engine could not
            // even start the helper, dsbx's own line on stderr says it.
            let out = env.run(&["exec", "--json", &id, "true"]);
            if out.status.code() == Some(126) {
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert!(
                    v["stderr"].as_str().unwrap().contains("dsbx kill")
                        || stderr(&out).contains("dsbx kill"),
                    "{v} {}",
                    stderr(&out)
                );
            }
        }
        // The warden ends the tree at the 30 s deadline: execs work again, nothing is left.
        assert!(
            wait_until(Duration::from_secs(90), || {
                let out = env.run(&["exec", &id, "echo alive"]);
                stdout(&out) == "alive\n"
            }),
            "variant {n}: the sandbox never recovered"
        );
        // Only PID 1 and the counting shell, ls and wc are left.
        let count = || {
            docker_exec(
                &format!("dsbx-{id}"),
                &["sh", "-c", "ls -d /proc/[0-9]* | wc -l"],
            )
            .trim()
            .parse::<u32>()
            .unwrap_or(99)
        };
        assert!(
            wait_until(Duration::from_secs(30), || count() <= 5),
            "variant {n}: bomb processes left ({})",
            count()
        );
    }
}

/// Finding 7: a command the OOM killer ends says so, on stderr and in `--json`; a command that
/// only looks like it (`exit 137`, `kill -9 $$`) does not.
#[test]
fn an_oom_kill_is_named_on_stderr_and_in_json() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--memory", "32m"]);
    // Commands are the OOM killer's first choice; dsbx's helpers keep the engine's score.
    let scores = "cat /proc/self/oom_score_adj /proc/1/oom_score_adj /proc/$PPID/oom_score_adj";
    let out = env.run(&["exec", "--root", &id, scores]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "1000\n0\n0\n");
    let hog = "head -c 200000000 /dev/zero | tr '\\0' a | sort > /dev/null";
    let out = env.run(&["exec", &id, hog]);
    assert_code(&out, 137);
    assert!(stderr(&out).contains("OOM killer"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    // As argv (the hog itself is the command, killed by signal 9), in JSON.
    let out = env.run(&[
        "exec",
        "--json",
        &id,
        "sh",
        "-c",
        "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo ${#x}",
    ]);
    assert_code(&out, 137);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["oom_killed"], true, "{v}");
    assert_eq!(v["exit_code"], 137);
    for lookalike in ["exit 137", "kill -9 $$"] {
        let out = env.run(&["exec", "--json", &id, lookalike]);
        assert_code(&out, 137);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["oom_killed"], false, "{lookalike}: {v}");
        assert!(
            !stderr(&out).contains("OOM"),
            "{lookalike}: {}",
            stderr(&out)
        );
    }
    let out = env.run(&["exec", "--json", &id, "echo fine"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["oom_killed"], false);
}

/// Relative targets, read from the sandbox's working directory by the helper: links the user
/// planted there (at the final component, or at a directory on the way) reach nothing the user
/// could not, on both paths. Then the working directory itself is swapped for a link to `/etc`:
/// a relative write as the user or as root lands in no file of root's.
#[test]
fn relative_targets_through_planted_links_reach_nothing_the_user_cannot() {
    let Some(env) = TestEnv::new() else { return };
    for channel in [true, false] {
        let id = env.init_with_channel(&["--user", "user", "--workdir", "/home/user/w"]);
        let setup = "cd /home/user/w && ln -s /.dsbx/deadline deadline && ln -s /etc/passwd passwd \
                     && ln -s /etc etc && mkdir -p a && ln -s /.dsbx a/b";
        assert_code(&env.run(&["exec", &id, setup]), 0);
        let before = canaries(&id);
        let local = tempfile::tempdir().unwrap();
        let f = local.path().join("deadline");
        std::fs::write(&f, "1").unwrap();
        let fp = path_str(&f);
        let attacks: Vec<Vec<&str>> = vec![
            vec!["files", "write", &id, "deadline", "1"],
            vec!["files", "write", &id, "passwd", "x::0:0::/:/bin/sh"],
            vec!["files", "write", &id, "etc/passwd", "x"],
            vec!["files", "write", &id, "a/b/deadline", "1"],
            vec!["upload", &id, fp, "a/b/"],
            vec!["upload", &id, fp, "etc/"],
            vec!["files", "upload", &id, fp, "a/b/deadline"],
        ];
        for attack in &attacks {
            let out = env.run_on(channel, attack);
            assert_eq!(out.status.code(), Some(1), "{attack:?}: {}", stderr(&out));
            assert_eq!(canaries(&id), before, "{attack:?} changed a canary");
        }
        // The working directory swapped for a link to /etc: the user's write lands in the
        // moved directory (the channel) or is refused (the engine path), never in /etc.
        let swap = "mv /home/user/w /home/user/w2 && ln -s /etc /home/user/w";
        assert_code(&env.run(&["exec", &id, swap]), 0);
        let out = env.run_on(channel, &["files", "write", &id, "hosts", "6.6.6.6 evil"]);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        assert_eq!(
            canaries(&id),
            before,
            "channel {channel}: the swapped workdir"
        );
        if channel {
            // As root over the channel: the helper's own working directory is the real one.
            let out = env.run_on(true, &["upload", "--root", &id, fp, "passwd"]);
            assert_code(&out, 0);
            assert_eq!(canaries(&id), before, "--root through the swapped workdir");
            assert_eq!(root_cat(&id, "/home/user/w2/passwd"), "1");
        }
    }
}

/// `--root` over the channel writes as root, so it must never follow a link the sandbox
/// planted: not at the final component (the link is replaced, as the archive API replaces it),
/// not on the way below the target (the upload fails), and never into `/.dsbx` (refused, on
/// both paths, with the same line). The canaries stay.
#[test]
fn a_root_upload_never_writes_through_links_the_sandbox_planted() {
    let Some(env) = TestEnv::new() else { return };
    let local = tempfile::tempdir().unwrap();
    let f = local.path().join("deadline");
    std::fs::write(&f, "1").unwrap();
    let tree = local.path().join("d");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("sub/passwd"), "x::0:0::/:/bin/sh").unwrap();
    let (fp, tp) = (path_str(&f), path_str(&tree));
    let mut refusals = Vec::new();
    for channel in [true, false] {
        let id = env.init_with_channel(&["--user", "user"]);
        let setup = "cd /home/user && ln -s /.dsbx x && ln -s /.dsbx/deadline dl \
                     && ln -s /etc/passwd pw && mkdir d && ln -s /etc d/sub";
        assert_code(&env.run(&["exec", &id, setup]), 0);
        let before = canaries(&id);
        let root = |args: &[&str]| {
            let mut all = vec!["upload", "--root", &id];
            all.extend_from_slice(args);
            env.run_on(channel, &all)
        };
        // Into /.dsbx through a link: refused.
        for target in ["/home/user/x/", "/home/user/x/deadline", "/.dsbx/", "/"] {
            let source = if target == "/" { tp } else { fp };
            let out = if target == "/" {
                // A tree named `.dsbx` merged into / would land in /.dsbx.
                let dsbx_named = local.path().join(".dsbx");
                let _ = std::fs::create_dir(&dsbx_named);
                std::fs::write(dsbx_named.join("deadline"), "1").unwrap();
                root(&[path_str(&dsbx_named), target])
            } else {
                root(&[source, target])
            };
            assert_code(&out, 1);
            let err = stderr(&out);
            assert!(
                err.contains("/.dsbx holds dsbx's own files"),
                "{target}: {err}"
            );
            refusals.push((channel, err.replace(&id, "ID")));
            assert_eq!(canaries(&id), before, "{target}");
        }
        // At the final component: the link itself is replaced by root's file.
        for name in ["dl", "pw"] {
            let out = root(&[fp, &format!("/home/user/{name}")]);
            assert_code(&out, 0);
            assert_eq!(canaries(&id), before, "{name}");
            let kind = docker_exec(
                &format!("dsbx-{id}"),
                &["stat", "-c", "%F %u", &format!("/home/user/{name}")],
            );
            assert_eq!(kind, "regular file 0", "{name}");
        }
        // A tree merged into d, whose sub is a link to /etc: the link is replaced by a
        // directory, never written through.
        let out = env.run_on(channel, &["files", "upload-dir", &id, tp, "/home/user/d"]);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        assert_eq!(canaries(&id), before, "the tree through d/sub");
    }
    // The same refusal, word for word, both ways.
    let (on, off): (Vec<_>, Vec<_>) = refusals.into_iter().partition(|(c, _)| *c);
    let strip = |v: Vec<(bool, String)>| v.into_iter().map(|(_, e)| e).collect::<Vec<_>>();
    assert_eq!(strip(on), strip(off));
}

/// The race form for the new paths: while the user flips `target` in the working directory
/// between a file, a directory and links to root's files and to `/.dsbx`, relative `files
/// write`s as the user and `--root` uploads to it run over the channel, 60 rounds. The canaries
/// never change. (A link to a directory at REMOTE means "into that directory" for `--root` as
/// for `docker cp`, so the flipper's directory link points at `/.dsbx`, which is refused.)
#[test]
fn relative_and_root_writes_racing_a_link_swap_never_reach_roots_files() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&["--user", "user", "--workdir", "/home/user"]);
    let flipper = "cd /home/user; while :; do \
        echo mine > t.new; mv -f t.new target; \
        ln -sf /etc/passwd target; ln -sf /.dsbx/deadline target; \
        rm -f target; mkdir target 2>/dev/null; ln -sfn /.dsbx target/in 2>/dev/null; \
        rm -rf target; ln -sfn /.dsbx target; rm -f target; done";
    assert_code(&env.run(&["exec", "-b", &id, flipper]), 0);
    let before_passwd = root_cat(&id, "/etc/passwd");
    let before_deadline = root_cat(&id, "/.dsbx/deadline");
    let before = canaries_without_tmp(&id);
    let local = tempfile::tempdir().unwrap();
    let f = local.path().join("payload");
    std::fs::write(&f, "payload").unwrap();
    for i in 0..60 {
        let out = match i % 3 {
            0 => env.run_on(true, &["files", "write", &id, "target", "payload"]),
            1 => env.run_on(true, &["upload", &id, path_str(&f), "target/"]),
            _ => env.run_on(
                true,
                &["upload", "--root", &id, path_str(&f), "/home/user/target"],
            ),
        };
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "round {i}: {}",
            stderr(&out)
        );
        assert_eq!(root_cat(&id, "/etc/passwd"), before_passwd, "round {i}");
        assert_eq!(
            root_cat(&id, "/.dsbx/deadline"),
            before_deadline,
            "round {i}"
        );
    }
    assert_eq!(canaries_without_tmp(&id), before);
}

/// A crafted upload tar, fed to the helper's extraction (what an upload or `files write` runs,
/// on the channel and on the engine path) as the user and as root: hard link entries naming a
/// file outside the target (`..`, an absolute path), one through a symlink the sandbox planted,
/// and one naming a file that was there before the upload, are each refused with a message
/// naming the entry; no name is made, and no file outside gains a link. A link to a file the
/// same tar wrote lands as a second name of it.
#[test]
fn crafted_hard_link_entries_in_an_upload_are_refused() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let name = format!("dsbx-{id}");
    let planted = docker(&[
        "exec",
        "-u",
        "1000",
        &name,
        "sh",
        "-c",
        "mkdir -p /home/user/up && echo mine > /home/user/up/pre && ln -s /etc /home/user/up/via",
    ]);
    assert!(planted.status.success(), "{}", stderr(&planted));
    let before = canaries(&id);
    let links = |path: &str| docker_exec(&name, &["stat", "-c", "%h", path]);
    let passwd_links = links("/etc/passwd");
    let tar_marked = |target: &str, marked: bool| {
        let mut out = Vec::new();
        let mut b = tar::Builder::new(&mut out);
        if marked {
            dsbx::helper::extract::append_linked_mark(&mut b).unwrap();
        }
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0o644);
        h.set_size(3);
        b.append_data(&mut h, "new", &b"new"[..]).unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Link);
        h.set_mode(0o644);
        h.set_size(0);
        b.append_link(&mut h, "evil", target).unwrap();
        b.into_inner().unwrap();
        out
    };
    let tar_with = |target: &str| tar_marked(target, true);
    let extract = |user: &str, tar: &[u8]| {
        let mut child = env
            .command("docker")
            .args([
                "exec",
                "-i",
                &name,
                "/.dsbx/bin/dsbx",
                "__helper",
                "extract",
            ])
            .args(["--user", user, "/home/user/up"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(tar).unwrap();
        child.wait_with_output().unwrap()
    };
    for user in ["1000", "0"] {
        for target in [
            "../../../etc/passwd",
            "/etc/passwd",
            "via/passwd",
            "pre",
            "new/../pre",
        ] {
            let out = extract(user, &tar_with(target));
            assert_eq!(
                out.status.code(),
                Some(1),
                "{user} {target}: {}",
                stderr(&out)
            );
            let err = stderr(&out);
            assert!(
                err.contains("/home/user/up/evil: a hard link") && err.contains("refused"),
                "{user} {target}: {err}"
            );
            assert_eq!(err.trim().lines().count(), 1, "{err}");
            assert_eq!(root_cat(&id, "/home/user/up/evil"), "", "{user} {target}");
        }
        // A first name the host did not mark is not linkable.
        let out = extract(user, &tar_marked("new", false));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("not a file this upload created for linking, refused"),
            "{}",
            stderr(&out)
        );
        assert_eq!(root_cat(&id, "/home/user/up/evil"), "");
        let out = extract(user, &tar_with("new"));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(links("/home/user/up/evil"), "2");
        assert_eq!(root_cat(&id, "/home/user/up/evil"), "new");
        docker_exec(&name, &["rm", "/home/user/up/evil"]);
    }
    assert_eq!(links("/etc/passwd"), passwd_links);
    assert_eq!(links("/home/user/up/pre"), "1");
    assert_eq!(root_cat(&id, "/home/user/up/pre"), "mine");
    assert_eq!(canaries(&id), before);
}

/// The security review's hard-link finding, played for real: root extracts a tree whose file
/// lands in the user's directory and whose hard link lands in a root-only one (`/etc`). Between
/// the two entries the user replaces the file with their own, writable one (unlinked and made
/// anew, as inode reuse needs, or renamed over). Root must refuse the link, never link the
/// user's file into `/etc`.
#[test]
fn a_first_name_the_sandbox_swaps_before_its_hard_link_is_not_linked_by_root() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let name = format!("dsbx-{id}");
    let made = docker(&["exec", "-u", "1000", &name, "mkdir", "-p", "/home/user/bin"]);
    assert!(made.status.success(), "{}", stderr(&made));
    let before = canaries(&id);
    let swaps = [
        // Unlinked, then files made until one gets the freed inode number back (ext4 and
        // overlay hand it out again at once, unless something still holds the inode).
        "cd /home/user/bin && ino=$(stat -c %i tool) && rm tool && i=0 && \
         while [ $i -lt 500 ]; do echo mine > t$i; chmod 666 t$i; \
         if [ $(stat -c %i t$i) = $ino ]; then mv t$i tool; echo reused; break; fi; \
         i=$((i+1)); done; [ -e tool ] || mv t0 tool",
        "echo mine > /home/user/bin/new && chmod 666 /home/user/bin/new && \
         mv /home/user/bin/new /home/user/bin/tool",
    ];
    for swap in swaps {
        let (head, rest) = swap_tar();
        let mut child = env
            .command("docker")
            .args(["exec", "-i", &name, "/.dsbx/bin/dsbx", "__helper"])
            .args(["extract", "--user", "0", "/"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(&head).unwrap();
        input.flush().unwrap();
        // The file has landed once its time is set (the last thing done to it).
        let landed = wait_until(Duration::from_secs(30), || {
            docker_exec(&name, &["stat", "-c", "%Y", "/home/user/bin/tool"]) == "1600000000"
        });
        assert!(landed, "the first entry never landed");
        let swapped = docker(&["exec", "-u", "1000", &name, "sh", "-c", swap]);
        assert!(swapped.status.success(), "{}", stderr(&swapped));
        let reused = String::from_utf8_lossy(&swapped.stdout).contains("reused");
        input.write_all(&rest).unwrap();
        drop(input);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{swap}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(
            err.trim(),
            "/etc/dsbx-tool: a hard link to `home/user/bin/tool`, which changed meanwhile, refused"
        );
        assert_eq!(root_cat(&id, "/etc/dsbx-tool"), "", "{swap}");
        assert_eq!(root_cat(&id, "/home/user/bin/tool"), "mine");
        assert_eq!(
            docker_exec(&name, &["stat", "-c", "%u %h", "/home/user/bin/tool"]),
            "1000 1"
        );
        assert_eq!(canaries(&id), before, "{swap}");
        // The helper's handle keeps the inode: its number is never free to hand out again.
        assert!(!reused, "{swap}");
    }
}

/// A tar whose marked file `home/user/bin/tool` comes first, and (apart) the rest: the hard link
/// `etc/dsbx-tool` to it and the end of the archive.
fn swap_tar() -> (Vec<u8>, Vec<u8>) {
    let mut head = Vec::new();
    let mut b = tar::Builder::new(&mut head);
    dsbx::helper::extract::append_linked_mark(&mut b).unwrap();
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Regular);
    h.set_mode(0o755);
    h.set_mtime(1_600_000_000);
    h.set_size(7);
    b.append_data(&mut h, "home/user/bin/tool", &b"root's\n"[..])
        .unwrap();
    b.into_inner().unwrap();
    // Without the end of the archive, so the helper waits for the rest.
    head.truncate(head.len() - 1024);
    let mut rest = Vec::new();
    let mut b = tar::Builder::new(&mut rest);
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Link);
    h.set_mode(0o755);
    h.set_size(0);
    b.append_link(&mut h, "etc/dsbx-tool", "home/user/bin/tool")
        .unwrap();
    b.finish().unwrap();
    drop(b);
    (head, rest)
}
