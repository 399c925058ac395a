//! `snapshot`, `snapshot ls`/`rm`, `init --snapshot`, `fork` and the snapshots `gc` removes,
//! against the real engine. Each test's snapshot images (and the images it builds) carry its
//! scope and are removed when it ends, even when it fails.

mod common;

use common::*;
use std::ops::Deref;

/// A [`TestEnv`] that also removes its scope's images when dropped (after its containers,
/// which would otherwise hold them).
struct SnapEnv(TestEnv);

impl SnapEnv {
    fn new(config: &str) -> Option<SnapEnv> {
        TestEnv::with_config(config).map(SnapEnv)
    }

    fn images(&self) -> Vec<String> {
        docker_lines(&[
            "image",
            "ls",
            "-q",
            "--no-trunc",
            "--filter",
            &format!("label=dsbx.scope={}", self.scope),
        ])
    }

    /// `dsbx exec ID sh -c CMD` as root, asserting success; its stdout.
    fn sh(&self, id: &str, cmd: &str) -> String {
        let out = self.run(&["exec", "--root", id, cmd]);
        assert_code(&out, 0);
        stdout(&out)
    }

    /// `dsbx snapshot ID ARGS…`, asserting success; the printed name.
    fn snapshot(&self, id: &str, args: &[&str]) -> String {
        let mut all = vec!["snapshot", id];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert_code(&out, 0);
        let name = stdout(&out).trim().to_string();
        assert!(!name.is_empty() && !name.contains('\n'), "printed `{name}`");
        name
    }

    /// `dsbx fork ID ARGS…`, asserting success; the printed ids.
    fn fork(&self, id: &str, args: &[&str]) -> Vec<String> {
        let mut all = vec!["fork", id];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert_code(&out, 0);
        let ids: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
        for id in &ids {
            assert_eq!(id.len(), 12, "fork printed `{id}`");
        }
        ids
    }

    fn status(&self, id: &str) -> String {
        inspect(&format!("dsbx-{id}"), "{{.State.Status}}")
    }

    fn snapshot_names(&self) -> Vec<String> {
        let out = self.run(&["snapshot", "ls", "--json"]);
        assert_code(&out, 0);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    }
}

impl Deref for SnapEnv {
    type Target = TestEnv;
    fn deref(&self) -> &TestEnv {
        &self.0
    }
}

impl Drop for SnapEnv {
    fn drop(&mut self) {
        // Containers first: an image a container uses cannot be removed.
        self.remove_containers();
        for image in self.images() {
            let _ = docker(&["rmi", "-f", &image]);
        }
    }
}

/// What is in `/.dsbx` besides the fork's own activity file, the helper's own (empty) `logs`,
/// `status` and `jobs` directories, which its PID 1 creates at start (their contents are
/// listed), and `run`, where the fork's own channel directory is bind-mounted from the host.
const OWN_STATE: &str = "ls -A /.dsbx | grep -v -e '^activity$' -e '^logs$' -e '^status$' -e '^jobs$' -e '^run$'; \
     ls -A /.dsbx/logs /.dsbx/status /.dsbx/jobs 2>/dev/null | grep -v -e ':$' -e '^$'; true";

fn one_line_error(out: &std::process::Output, code: i32, needle: &str) {
    assert_code(out, code);
    let err = stderr(out);
    assert_eq!(err.trim().lines().count(), 1, "not one line: {err}");
    assert!(err.contains(needle), "`{needle}` not in: {err}");
}

/// A Debian source with a file owned by another user, a mode, a symlink, a package installed
/// with dpkg (built in the sandbox: no network here), a secret given with -e and a background
/// process. The fork has the files, owners, modes and the package; not the process, not the
/// secret, not the source's /.dsbx; the source runs on with its process.
#[test]
fn fork_keeps_files_owners_modes_and_packages_and_the_source_runs_on() {
    let Some(env) = SnapEnv::new(&format!("image = \"{DEBIAN}\"\n")) else {
        return;
    };
    let src = env.init(&["-n", "src", "-e", "SECRET=hunter2", "--timeout", "10m"]);
    env.sh(
        &src,
        "set -e; mkdir -p /data/sub; echo payload > /data/f; chown 1234:2345 /data/f; \
         chmod 640 /data/f; chmod 2750 /data/sub; ln -s /data/f /data/link; \
         mkdir -p /pkg/DEBIAN /pkg/usr/local/bin; \
         printf 'Package: hello-dsbx\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: t <t@t>\\nDescription: test\\n' > /pkg/DEBIAN/control; \
         printf '#!/bin/sh\\necho hello from a package\\n' > /pkg/usr/local/bin/hello-dsbx; \
         chmod 755 /pkg/usr/local/bin/hello-dsbx; \
         dpkg-deb --build /pkg /tmp/hello.deb >/dev/null; dpkg -i /tmp/hello.deb >/dev/null",
    );
    let bg = env.run(&["exec", "-b", &src, "sleep 1000"]);
    assert_code(&bg, 0);
    assert!(stdout(&bg).contains("PID: "), "{}", stdout(&bg));
    // A command whose exit code leaves a status file in the source's /.dsbx.
    let _ = env.run(&["exec", &src, "exit 137"]);
    let source_deadline = env.sh(&src, "cat /.dsbx/deadline");

    let forks = env.fork(&src, &["--timeout", "2h"]);
    assert_eq!(forks.len(), 1);
    let f = &forks[0];

    // Files, owners, modes, links, the package.
    assert_eq!(env.sh(f, "cat /data/f"), "payload\n");
    assert_eq!(
        env.sh(
            f,
            "stat -c '%u:%g %a' /data/f; stat -c '%a' /data/sub; readlink /data/link"
        ),
        "1234:2345 640\n2750\n/data/f\n"
    );
    assert!(
        env.sh(f, "dpkg -s hello-dsbx")
            .contains("Status: install ok installed"),
        "the package is not installed in the fork"
    );
    assert_eq!(env.sh(f, "hello-dsbx"), "hello from a package\n");

    // The source runs on, its process too; processes do not survive into the fork.
    assert_eq!(env.status(&src), "running");
    assert_eq!(env.status(f), "running");
    // Lines equal to `sleep 1000 ` exactly: this shell's own command line is not one.
    let sleepers = "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done | grep -cx 'sleep 1000 ' || true";
    assert_ne!(
        env.sh(&src, sleepers).trim(),
        "0",
        "the source lost its process"
    );
    assert_eq!(
        env.sh(f, sleepers).trim(),
        "0",
        "a process survived into the fork"
    );

    // Not the secret, in the fork or in the image; the image's env is the base image's.
    let out = env.run(&["exec", f, "printenv SECRET"]);
    assert_code(&out, 1);
    let image = inspect(&format!("dsbx-{f}"), "{{.Image}}");
    let image_env = inspect(&image, "{{json .Config.Env}}");
    let base_env = inspect(DEBIAN, "{{json .Config.Env}}");
    assert_eq!(image_env, base_env);

    // Nothing of the source's /.dsbx: only the fork's own deadline, the helper's mount and
    // (once its helper has seen a command) the fork's own activity file.
    let statuses = "ls -A /.dsbx/status 2>/dev/null | grep -c '^exec-.*[.]status$' || true";
    assert_ne!(
        env.sh(&src, statuses).trim(),
        "0",
        "the source has no status file"
    );
    assert_eq!(env.sh(f, statuses).trim(), "0");
    assert_eq!(env.sh(f, OWN_STATE), "bin\ndeadline\n");
    let fork_deadline: i64 = env.sh(f, "cat /.dsbx/deadline").trim().parse().unwrap();
    let source_deadline: i64 = source_deadline.trim().parse().unwrap();
    assert!(
        fork_deadline > source_deadline + 3000,
        "fork deadline {fork_deadline}, source {source_deadline}"
    );
    assert_eq!(
        inspect(
            &format!("dsbx-{f}"),
            "{{index .Config.Labels \"dsbx.name\"}}"
        ),
        ""
    );

    // Asked for, the environment is kept.
    let kept = env.snapshot(&src, &["--name", "with-env", "--keep-env"]);
    assert_eq!(kept, "with-env");
    let id = env.init(&["--snapshot", "with-env", "-n", "second"]);
    assert_eq!(env.sh(&id, "printenv SECRET"), "hunter2\n");
    assert_eq!(
        inspect(
            &format!("dsbx-{id}"),
            "{{index .Config.Labels \"dsbx.name\"}}"
        ),
        "second"
    );
    assert_eq!(env.sh(&id, "cat /data/f"), "payload\n");
}

/// `-n 4` gives four distinct running sandboxes, each with the source's files; the snapshot
/// `ls` lists is marked as a fork's.
#[test]
fn fork_n_4_gives_four_distinct_sandboxes() {
    let Some(env) = SnapEnv::new(&format!("image = \"{BUSYBOX}\"\n")) else {
        return;
    };
    let src = env.init(&[]);
    env.sh(&src, "echo one > /tmp/marker");
    let ids = env.fork(&src, &["-n", "4", "--no-pause"]);
    assert_eq!(ids.len(), 4);
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), 4);
    assert!(!ids.contains(&src));
    for id in &ids {
        assert_eq!(env.status(id), "running");
        assert_eq!(env.sh(id, "cat /tmp/marker"), "one\n");
    }
    let out = env.run(&["ls", "-q"]);
    for id in &ids {
        assert!(stdout(&out).contains(id.as_str()));
    }
    let out = env.run(&["snapshot", "ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let snaps = v["snapshots"].as_array().unwrap();
    assert_eq!(snaps.len(), 1, "{v}");
    assert_eq!(snaps[0]["fork"], true);
    assert_eq!(snaps[0]["source"], src.as_str());
}

/// A snapshot of a sandbox made from a snapshot, and a fork of a fork: three generations.
#[test]
fn chains_of_three() {
    let Some(env) = SnapEnv::new(&format!("image = \"{BUSYBOX}\"\n")) else {
        return;
    };
    let a = env.init(&["-e", "ONLY_A=1"]);
    env.sh(&a, "echo a > /gen-a");
    env.snapshot(&a, &["--name", "gen-a"]);
    let b = env.init(&["--snapshot", "gen-a"]);
    env.sh(&b, "echo b > /gen-b");
    let c = env.fork(&b, &[]).remove(0);
    env.sh(&c, "echo c > /gen-c");
    let d = env.fork(&c, &[]).remove(0);
    assert_eq!(env.sh(&d, "cat /gen-a /gen-b /gen-c"), "a\nb\nc\n");
    env.snapshot(&d, &["--name", "gen-d"]);
    let e = env.init(&["--snapshot", "gen-d"]);
    assert_eq!(env.sh(&e, "cat /gen-a /gen-b /gen-c"), "a\nb\nc\n");
    assert_eq!(env.sh(&e, OWN_STATE), "bin\ndeadline\n");
    env.sh(&e, "test -z \"${ONLY_A+set}\"");
    // The chain still names the first image as its base.
    let out = env.run(&["snapshot", "ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for s in v["snapshots"].as_array().unwrap() {
        assert_eq!(s["base"], BUSYBOX, "{s}");
    }
}

/// `snapshot rm` of a snapshot a sandbox uses is refused and changes nothing; once the
/// sandbox is gone it works.
#[test]
fn rm_of_a_snapshot_in_use_is_refused() {
    let Some(env) = SnapEnv::new(&format!("image = \"{BUSYBOX}\"\n")) else {
        return;
    };
    let src = env.init(&[]);
    env.snapshot(&src, &["--name", "keep-me"]);
    let user = env.init(&["--snapshot", "keep-me"]);
    let images_before = env.images();
    let out = env.run(&["snapshot", "rm", "keep-me"]);
    one_line_error(&out, 1, "in use");
    assert!(stderr(&out).contains(&user), "{}", stderr(&out));
    assert_eq!(env.images(), images_before);
    assert_eq!(env.snapshot_names(), vec!["keep-me"]);
    assert_code(&env.run(&["kill", &user]), 0);
    let out = env.run(&["snapshot", "rm", "keep-me"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "keep-me\n");
    assert!(env.snapshot_names().is_empty());
    assert!(env.images().is_empty(), "{:?}", env.images());
}

/// Builds an image labelled as `labels` say, in the test's scope (so its clean-up finds it).
fn labelled_image(env: &SnapEnv, tag: &str, labels: &[(&str, &str)]) -> String {
    let mut dockerfile = format!("FROM {BUSYBOX}\nLABEL dsbx.scope=\"{}\"", env.scope);
    for (k, v) in labels {
        dockerfile.push_str(&format!(" {k}=\"{v}\""));
    }
    dockerfile.push('\n');
    let dir = env.dir.path().join(format!("build-{tag}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("Dockerfile"), dockerfile).unwrap();
    let full = format!("dsbx-snaptest-{}:{tag}", env.scope);
    let out = docker(&["build", "-q", "-t", &full, path_str(&dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    full
}

/// gc removes what is past `[snapshots] keep` and nothing else: not a newer snapshot, not one a
/// sandbox uses, not an image whose labels do not validate, not with the default keep.
#[test]
fn gc_removes_snapshots_past_keep_and_keeps_the_rest() {
    let Some(env) = SnapEnv::new(&format!("image = \"{BUSYBOX}\"\n")) else {
        return;
    };
    let old = "2020-01-01T00:00:00.000Z";
    let valid = |name: &'static str| {
        vec![
            ("dsbx.managed", "true"),
            ("dsbx.role", "snapshot"),
            ("dsbx.name", name),
            ("dsbx.created-at", old),
            ("dsbx.snapshot.source", "abcdefabcdef"),
        ]
    };
    let old_unused = labelled_image(&env, "old", &valid("old-unused"));
    let old_used = labelled_image(&env, "used", &valid("old-used"));
    let mut bad = valid("old-bad");
    bad.retain(|(k, _)| *k != "dsbx.name");
    bad.push(("dsbx.name", "Not_A_Name"));
    let foreign = labelled_image(&env, "bad", &bad);
    let user = env.init(&["--snapshot", "old-used"]);
    let src = env.init(&[]);
    env.snapshot(&src, &["--name", "fresh"]);

    // The default keep ("0" = never): nothing goes.
    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    assert!(!stdout(&out).contains("snapshot"), "{}", stdout(&out));

    env.write_config(&format!(
        "image = \"{BUSYBOX}\"\n[snapshots]\nkeep = \"1d\"\n"
    ));
    let out = env.run(&["gc", "--dry-run"]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("would remove snapshot old-unused"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        stdout(&out).matches("would remove snapshot").count(),
        1,
        "{}",
        stdout(&out)
    );
    assert!(docker(&["image", "inspect", &old_unused]).status.success());

    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("removed snapshot old-unused"),
        "{}",
        stdout(&out)
    );
    assert!(!docker(&["image", "inspect", &old_unused]).status.success());
    for kept in [&old_used, &foreign] {
        assert!(
            docker(&["image", "inspect", kept]).status.success(),
            "{kept}"
        );
    }
    let mut names = env.snapshot_names();
    names.sort();
    assert_eq!(names, vec!["fresh", "old-used"]);
    assert_eq!(env.status(&user), "running");
}

/// A bind mount is not part of a snapshot, and `snapshot` says so (and still succeeds).
#[test]
fn snapshot_of_a_sandbox_with_a_bind_mount_warns() {
    let Some(env) = SnapEnv::new(&format!("image = \"{BUSYBOX}\"\n")) else {
        return;
    };
    let host = env.dir.path().join("shared");
    std::fs::create_dir_all(&host).unwrap();
    std::fs::write(host.join("on-host"), "x").unwrap();
    let spec = format!("{}:/data", path_str(&host));
    let src = env.init(&["-v", &spec]);
    let out = env.run(&["snapshot", &src, "--name", "bound"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "bound\n");
    let err = stderr(&out);
    assert!(
        err.contains("not part of the snapshot") && err.contains("bind /data"),
        "{err}"
    );
    let id = env.init(&["--snapshot", "bound"]);
    let out = env.run(&["exec", &id, "cat /data/on-host"]);
    assert_ne!(out.status.code(), Some(0));
}

/// Every bad input: one line on stderr, the documented exit code, nothing made.
#[test]
fn bad_inputs_are_one_line_errors() {
    let Some(env) = SnapEnv::new(&format!("image = \"{BUSYBOX}\"\n")) else {
        return;
    };
    one_line_error(
        &env.run(&["init", "--snapshot", "nope"]),
        3,
        "no snapshot `nope`",
    );
    one_line_error(
        &env.run(&["snapshot", "rm", "nope"]),
        3,
        "no snapshot `nope`",
    );
    one_line_error(&env.run(&["snapshot", "zzzzzzzz"]), 3, "zzzzzzzz");
    one_line_error(&env.run(&["fork", "zzzzzzzz"]), 3, "zzzzzzzz");
    one_line_error(
        &env.run(&["init", "--snapshot", "Bad_Name"]),
        2,
        "invalid snapshot name",
    );
    one_line_error(
        &env.run(&["fork", "abcd", "-n", "0"]),
        2,
        "invalid count `0`",
    );
    one_line_error(
        &env.run(&["fork", "abcd", "-n", "many"]),
        2,
        "for '--count <COUNT>'",
    );
    one_line_error(&env.run(&["fork", "abcd", "--timeout", "5x"]), 2, "5x");
    let out = env.run(&["init", "--snapshot", "s", "--image", BUSYBOX]);
    assert_code(&out, 2);
    let src = env.init(&[]);
    one_line_error(
        &env.run(&["snapshot", &src, "--name", "Bad"]),
        2,
        "invalid snapshot name",
    );
    env.snapshot(&src, &["--name", "taken"]);
    one_line_error(
        &env.run(&["snapshot", &src, "--name", "taken"]),
        2,
        "already used",
    );
    // Nothing beyond the one snapshot and the one sandbox was made.
    assert_eq!(env.snapshot_names(), vec!["taken"]);
    assert_eq!(env.containers().len(), 1);
    let out = env.run(&["--json", "snapshot", "rm", "nope"]);
    assert_code(&out, 3);
}

/// The source is left as it was: running (resumed by the engine after the commit), paused by
/// its user (not resumed), or stopped.
#[test]
fn the_source_is_left_as_it_was() {
    let Some(env) = SnapEnv::new(&format!("image = \"{BUSYBOX}\"\n")) else {
        return;
    };
    let src = env.init(&[]);
    let out = env.run(&["--json", "snapshot", &src, "--name", "running"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["paused_ms"].as_u64().is_some(), "{v}");
    assert_eq!(env.status(&src), "running");
    let out = env.run(&[
        "--json",
        "snapshot",
        &src,
        "--name",
        "unpaused",
        "--no-pause",
    ]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["paused_ms"].is_null(), "{v}");
    assert_code(&env.run(&["pause", &src]), 0);
    env.snapshot(&src, &["--name", "paused"]);
    assert_eq!(env.status(&src), "paused");
    assert_code(&env.run(&["resume", &src]), 0);
    assert_code(&docker(&["stop", "-t", "1", &format!("dsbx-{src}")]), 0);
    env.snapshot(&src, &["--name", "stopped"]);
    assert_eq!(env.status(&src), "exited");
    let id = env.init(&["--snapshot", "stopped"]);
    assert_eq!(env.status(&id), "running");
}

/// A fork that cannot start all its sandboxes keeps none, and forgets them wholly: no record,
/// no channel directory, no activity mark, no snapshot (here the scope's cap of three stops two
/// of the four).
#[test]
fn a_fork_that_fails_part_way_leaves_nothing_of_its_own() {
    let Some(env) = SnapEnv::new(&format!(
        "image = \"{BUSYBOX}\"\n[limits]\nmax_sandboxes = 3\n"
    )) else {
        return;
    };
    let src = env.init(&[]);
    assert_code(&env.run(&["exec", &src, "true"]), 0);
    let out = env.run(&["fork", &src, "-n", "4", "--no-pause"]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("none was kept"), "{}", stderr(&out));
    let listed = stdout(&env.run(&["ls", "-q"]));
    assert_eq!(listed.trim(), src, "only the source is left");
    let state = std::fs::read_to_string(env.state_dir.join("state.toml")).unwrap_or_default();
    let left_in = |dir: &str| -> Vec<String> {
        std::fs::read_dir(env.state_dir.join(dir))
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|name| name != &src)
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(left_in("channels"), Vec::<String>::new(), "{state}");
    assert_eq!(left_in("activity"), Vec::<String>::new(), "{state}");
    assert_eq!(state.matches("[sandboxes.").count(), 1, "{state}");
    assert_eq!(env.snapshot_names(), Vec::<String>::new());
}
