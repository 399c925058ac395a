//! Issue 18's fallback, case by case, for the file and transfer commands: wherever the channel
//! cannot serve, dsbx takes the engine's paths with the same results (stdout, exit code, the
//! files it leaves in the sandbox and on the host) and says nothing unless `--verbose`.
//!
//! The old helpers here are real: the sandbox gets a helper volume of its own (a copy of this
//! dsbx as `helper_path`), whose binary is then replaced by a wrapper that answers the roles an
//! earlier helper lacked exactly as that helper did (`unknown role`, exit 125) and runs the rest.
//! The decision under test is dsbx's own, made from that answer. Exec's side of the same cases
//! is in tests/channel.rs.

mod common;

use common::channel::{stand_in_helper, tcp_engine};
use common::own_helper::OwnHelper;
use common::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What `--verbose` says when a helper's missing `pack` sends a read to the archive API.
const NO_PACK: &str = "has no `pack` (made by an earlier dsbx)";

impl OwnHelper {
    /// Replaces sandbox `id`'s helper binary by one that knows no `ROLE` of `missing` (the rest
    /// run by the real one, moved beside it). PID 1 keeps running the binary it started from;
    /// every role started from now on, over the channel or the engine, meets the wrapper.
    fn make_helper_old(&self, id: &str, missing: &[&str]) {
        self.wrap_helper(
            id,
            &format!(
                "case \"$2\" in {}) echo \"$2\" >> /tmp/refused-roles; \
                 echo \"dsbx helper: unknown role \\`$2\\`\" >&2; exit 125;; esac\n",
                missing.join("|")
            ),
        );
    }

    /// Replaces sandbox `id`'s helper binary by one whose `pack` knows no filter, as before
    /// `download-dir` filtered in the sandbox: it refuses `--exclude` and `--max-depth` as that
    /// helper refused any argument it did not know.
    fn make_pack_unfiltered(&self, id: &str) {
        self.wrap_helper(
            id,
            "if [ \"$2\" = pack ]; then for a in \"$@\"; do case \"$a\" in --exclude|--max-depth) \
             echo filtered-pack >> /tmp/refused-roles; \
             echo \"dsbx helper: bad pack call: $*\" >&2; exit 125;; esac; done; fi\n",
        );
    }

    /// Replaces sandbox `id`'s helper binary by a shell script that runs `refuse` (which exits
    /// for what the old helper refused) and then the real helper, moved beside it.
    fn wrap_helper(&self, id: &str, refuse: &str) {
        let volume = self.helper_volume_of(id);
        let wrapper = format!(
            "#!/bin/sh\n\
             # An earlier helper: it answers what it lacked as that helper did.\n\
             {refuse}\
             exec /.dsbx/bin/dsbx-real \"$@\"\n"
        );
        let out = docker(&[
            "run",
            "--rm",
            "-v",
            &format!("{volume}:/x"),
            "-e",
            &format!("WRAPPER={wrapper}"),
            BUSYBOX,
            "sh",
            "-c",
            "test ! -e /x/dsbx-real && mv /x/dsbx /x/dsbx-real && printf '%s' \"$WRAPPER\" > /x/dsbx.new && \
             chmod 755 /x/dsbx.new && mv /x/dsbx.new /x/dsbx",
        ]);
        assert!(
            out.status.success(),
            "cannot wrap the helper in {volume} (wrapped already?): {}",
            stderr(&out)
        );
    }

    /// The roles the old helper was asked for and refused.
    fn refused(&self, id: &str) -> String {
        docker_exec(
            &format!("dsbx-{id}"),
            &["sh", "-c", "cat /tmp/refused-roles 2>/dev/null; true"],
        )
    }
}

/// One command's user-visible result: its name, exit code and stdout.
type Seen = (String, i32, String);

/// Everything a user does with files in the user sandbox `id` (home /home/user), the same way
/// each time: its results, then the tree it downloaded and what the sandbox holds, with owners
/// and modes. `run` runs dsbx with these arguments; stderr must be empty (no `--verbose`).
fn file_work(
    env: &TestEnv,
    id: &str,
    run: &dyn Fn(&[&str]) -> std::process::Output,
    out_dir: &Path,
) -> Vec<Seen> {
    let tree = env.dir.path().join("tree");
    if !tree.exists() {
        std::fs::create_dir_all(tree.join("sub")).unwrap();
        std::fs::write(tree.join("a.txt"), "A").unwrap();
        std::fs::write(tree.join("sub/b"), "B").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tree.join("sub/b"), std::fs::Permissions::from_mode(0o640))
            .unwrap();
        std::fs::write(env.dir.path().join("up.txt"), "uploaded\n").unwrap();
    }
    let up = env.dir.path().join("up.txt");
    let down = out_dir.join("w");
    let steps: Vec<(&str, Vec<String>)> = vec![
        ("clear", vec!["exec".into(), id.into(), "rm -rf w".into()]),
        (
            "write",
            vec![
                "files".into(),
                "write".into(),
                id.into(),
                "w/f.txt".into(),
                "hello old".into(),
            ],
        ),
        (
            "read",
            vec!["files".into(), "read".into(), id.into(), "w/f.txt".into()],
        ),
        (
            "edit",
            vec![
                "files".into(),
                "edit".into(),
                "--json".into(),
                id.into(),
                "/home/user/w/f.txt".into(),
                "--old".into(),
                "hello".into(),
                "--new".into(),
                "bye".into(),
            ],
        ),
        (
            "read-edited",
            vec![
                "files".into(),
                "read".into(),
                id.into(),
                "/home/user/w/f.txt".into(),
            ],
        ),
        (
            "exists",
            vec![
                "files".into(),
                "exists".into(),
                id.into(),
                "/home/user/w/f.txt".into(),
            ],
        ),
        (
            "missing",
            vec![
                "files".into(),
                "exists".into(),
                id.into(),
                "/home/user/w/none".into(),
            ],
        ),
        (
            "info",
            vec![
                "files".into(),
                "info".into(),
                "--json".into(),
                id.into(),
                "/home/user/w/f.txt".into(),
            ],
        ),
        (
            "upload-tree",
            vec![
                "upload".into(),
                id.into(),
                path_str(&tree).into(),
                "/home/user/w/".into(),
            ],
        ),
        (
            "upload-file",
            vec![
                "upload".into(),
                id.into(),
                path_str(&up).into(),
                "w/up.txt".into(),
            ],
        ),
        (
            "download-tree",
            vec![
                "download".into(),
                id.into(),
                "/home/user/w".into(),
                path_str(&down).into(),
            ],
        ),
        (
            "download-stdout",
            vec![
                "download".into(),
                id.into(),
                "/home/user/w/up.txt".into(),
                "-".into(),
            ],
        ),
        (
            "ls",
            vec![
                "files".into(),
                "ls".into(),
                "--depth".into(),
                "3".into(),
                id.into(),
                "/home/user/w".into(),
            ],
        ),
        (
            "in-sandbox",
            vec![
                "exec".into(),
                id.into(),
                "cd w && find . | sort | while read -r p; do stat -c '%n %U:%G %a %s' \"$p\"; done"
                    .into(),
            ],
        ),
    ];
    let mut seen = Vec::new();
    for (name, args) in steps {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args);
        assert_eq!(stderr(&out), "", "{name}: stderr without --verbose");
        let mut shown = stdout(&out);
        if name == "info" {
            // The time is the write's; the rest is compared whole.
            let mut v: serde_json::Value = serde_json::from_str(&shown).unwrap();
            v.as_object_mut().unwrap().remove("modified");
            shown = v.to_string();
        }
        seen.push((name.to_string(), out.status.code().unwrap_or(-1), shown));
    }
    seen.push(("downloaded".into(), 0, local_tree(&down)));
    seen
}

/// A local tree as lines of path, mode and content.
fn local_tree(root: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let mut lines = Vec::new();
    let mut todo = vec![PathBuf::from(root)];
    while let Some(p) = todo.pop() {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let rel = p.strip_prefix(root).unwrap().display().to_string();
        let content = if meta.is_file() {
            std::fs::read_to_string(&p).unwrap()
        } else {
            for e in std::fs::read_dir(&p).unwrap() {
                todo.push(e.unwrap().path());
            }
            String::new()
        };
        lines.push(format!(
            "{rel} {:o} {content:?}",
            meta.permissions().mode() & 0o7777
        ));
    }
    lines.sort();
    lines.join("\n")
}

/// `dsbx ARGS…` with the channel allowed (whatever the suite's environment), through `host` when
/// given.
fn runner<'a>(
    env: &'a TestEnv,
    host: Option<&'a str>,
) -> impl Fn(&[&str]) -> std::process::Output + 'a {
    move |args: &[&str]| {
        let mut cmd = env.dsbx();
        cmd.env_remove("DSBX_CHANNEL");
        if let Some(h) = host {
            cmd.arg("--docker-host").arg(h);
        }
        cmd.args(args).output().unwrap()
    }
}

fn verbose(env: &TestEnv, args: &[&str]) -> String {
    let out = env
        .dsbx()
        .env_remove("DSBX_CHANNEL")
        .arg("--verbose")
        .args(args)
        .output()
        .unwrap();
    stderr(&out)
}

/// The baseline: the same work over a sandbox's channel, checked to have used it.
fn on_channel(env: &TestEnv, id: &str) -> Vec<Seen> {
    let said = verbose(env, &["files", "exists", id, "/"]);
    assert!(said.contains("files: over the sandbox's channel"), "{said}");
    let out = env.dir.path().join(format!("channel-{id}"));
    let seen = file_work(env, id, &runner(env, None), &out);
    let read = seen.iter().find(|s| s.0 == "read-edited").unwrap();
    assert_eq!(read.2, "bye old");
    let owners = seen.iter().find(|s| s.0 == "in-sandbox").unwrap();
    assert!(
        owners.2.contains("./tree/sub/b user:user 640 1"),
        "{}",
        owners.2
    );
    seen
}

#[test]
fn a_helper_without_pack_or_put_reads_and_writes_through_the_archive_api_alike() {
    let Some(own) = OwnHelper::new() else { return };
    let env = &own.env;
    let id = env.init_with_channel(&["--user", "user", "--workdir", "/home/user"]);
    let baseline = on_channel(env, &id);

    // A helper of channel version 2: it speaks an older protocol and has no `pack` or `put`.
    own.make_helper_old(&id, &["pack", "put"]);
    stand_in_helper(
        env,
        &id,
        dsbx::channel::FromHelper::Hello {
            version: 2,
            user: "user".into(),
            engine: String::new(),
        },
    );
    let out = env.dir.path().join("old");
    let seen = file_work(env, &id, &runner(env, None), &out);
    assert_eq!(
        seen, baseline,
        "an old helper's results differ from the channel's"
    );
    // Every read asked the helper for `pack` first and took the archive API on its answer;
    // no upload asked for `put` (the engine's paths place uploads themselves).
    let refused = own.refused(&id);
    assert!(refused.lines().all(|r| r == "pack"), "{refused}");
    assert!(refused.lines().count() >= 6, "{refused}");
    let said = verbose(env, &["files", "read", &id, "w/f.txt"]);
    assert!(
        said.contains("the engine's paths (the helper speaks channel version 2"),
        "{said}"
    );
    assert!(said.contains(NO_PACK), "{said}");
}

#[test]
fn a_sandbox_from_before_the_channel_with_its_old_helper_works_alike() {
    let Some(own) = OwnHelper::new() else { return };
    let env = &own.env;
    let id = env.init_with_channel(&["--user", "user", "--workdir", "/home/user"]);
    let baseline = on_channel(env, &id);
    // As the release before the channel made them: no mount, no server, and a helper without
    // the roles that came with the channel.
    let out = env
        .dsbx()
        .env("DSBX_CHANNEL", "off")
        .args(["init", "--user", "user", "--workdir", "/home/user"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let old = stdout(&out).trim().to_string();
    let binds = inspect(&format!("dsbx-{old}"), "{{json .HostConfig.Binds}}");
    assert!(!binds.contains("/.dsbx/run"), "{binds}");
    own.make_helper_old(&old, &["pack", "put", "jobs", "job-log"]);
    let out = env.dir.path().join("old");
    let seen = file_work(env, &old, &runner(env, None), &out);
    let seen: Vec<Seen> = seen
        .into_iter()
        .map(|(n, c, s)| (n, c, s.replace(&old, &id)))
        .collect();
    assert_eq!(seen, baseline, "the old sandbox's results differ");
    assert!(own.refused(&old).contains("pack"));
    // exec runs alike; `ps` asks for `jobs`, which that helper did not have, and says so.
    let run = runner(env, None);
    for sandbox in [&id, &old] {
        let out = run(&["exec", sandbox, "echo out; echo err >&2; id -un; exit 6"]);
        assert_code(&out, 6);
        assert_eq!(stdout(&out), "out\nuser\n");
        assert_eq!(stderr(&out), "err\n");
    }
    let out = run(&["ps", &old]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("helper predates job records (`dsbx ps`, `dsbx logs`)"),
        "{}",
        stderr(&out)
    );
    let said = verbose(env, &["files", "info", &old, "w/f.txt"]);
    assert!(said.contains("files: the engine's paths"), "{said}");
    assert!(said.contains(NO_PACK), "{said}");
}

#[test]
fn a_socket_that_fails_to_connect_sends_files_to_the_engine_alike() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&["--user", "user", "--workdir", "/home/user"]);
    let baseline = on_channel(&env, &id);
    let dir = env.state_dir.join("channels").join(&id);
    // A socket nobody listens on (connect refused), then no socket file, then no directory.
    let sock = dir.join("sock");
    std::fs::remove_file(&sock).unwrap();
    drop(std::os::unix::net::UnixListener::bind(&sock).unwrap());
    let seen = file_work(
        &env,
        &id,
        &runner(&env, None),
        &env.dir.path().join("refused"),
    );
    assert_eq!(seen, baseline, "on a socket that refuses connections");
    let said = verbose(&env, &["files", "read", &id, "w/f.txt"]);
    assert!(
        said.contains("files: the engine's paths (connecting to"),
        "{said}"
    );
    assert!(said.contains("Connection refused"), "{said}");
    std::fs::remove_file(&sock).unwrap();
    let seen = file_work(
        &env,
        &id,
        &runner(&env, None),
        &env.dir.path().join("nosock"),
    );
    assert_eq!(seen, baseline, "without the socket");
    let said = verbose(&env, &["files", "read", &id, "w/f.txt"]);
    assert!(said.contains("files: the engine's paths ("), "{said}");
    std::fs::remove_dir_all(&dir).unwrap();
    let seen = file_work(
        &env,
        &id,
        &runner(&env, None),
        &env.dir.path().join("nodir"),
    );
    assert_eq!(seen, baseline, "without the channel's directory");
    let said = verbose(&env, &["files", "read", &id, "w/f.txt"]);
    assert!(said.contains("files: the engine's paths ("), "{said}");
    assert!(!said.contains(NO_PACK), "{said}");
    // At the next start the directory is back and the channel serves again.
    assert!(
        docker(&["restart", "-t", "1", &format!("dsbx-{id}")])
            .status
            .success()
    );
    assert!(wait_until(Duration::from_secs(30), || {
        verbose(&env, &["files", "exists", &id, "/"]).contains("files: over the sandbox's channel")
    }));
}

#[test]
fn an_engine_that_is_not_local_serves_files_alike_through_the_engine() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&["--user", "user", "--workdir", "/home/user"]);
    let baseline = on_channel(&env, &id);
    // The same sandbox reached through a tcp endpoint: it was made on another endpoint, so its
    // channel is not used (the remote engines of tests/remote.rs never get one).
    let tcp = tcp_engine();
    let seen = file_work(
        &env,
        &id,
        &runner(&env, Some(&tcp)),
        &env.dir.path().join("tcp"),
    );
    assert_eq!(seen, baseline, "through a tcp endpoint");
    let out = env
        .dsbx()
        .env_remove("DSBX_CHANNEL")
        .args([
            "--verbose",
            "--docker-host",
            &tcp,
            "files",
            "read",
            &id,
            "w/f.txt",
        ])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains("files: the engine's paths (the sandbox was made on unix://"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_engine_in_a_vm_gets_no_channel_and_the_engine_paths_alike() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&["--user", "user", "--workdir", "/home/user"]);
    let baseline = on_channel(&env, &id);
    // Docker Desktop's socket on Linux (its engine runs in a VM, whose sandboxes cannot serve a
    // socket this host can connect to), here a link to the local engine's.
    let desktop = env.dir.path().join("home/.docker/desktop");
    std::fs::create_dir_all(&desktop).unwrap();
    std::os::unix::fs::symlink("/var/run/docker.sock", desktop.join("docker.sock")).unwrap();
    let host = format!("unix://{}/docker.sock", desktop.display());
    let out = runner(&env, Some(&host))(&["init", "--user", "user", "--workdir", "/home/user"]);
    assert_code(&out, 0);
    let in_vm = stdout(&out).trim().to_string();
    assert!(!env.state_dir.join("channels").join(&in_vm).exists());
    let binds = inspect(&format!("dsbx-{in_vm}"), "{{json .HostConfig.Binds}}");
    assert!(!binds.contains("/.dsbx/run"), "{binds}");
    let seen = file_work(
        &env,
        &in_vm,
        &runner(&env, Some(&host)),
        &env.dir.path().join("vm"),
    );
    let seen: Vec<Seen> = seen
        .into_iter()
        .map(|(n, c, s)| (n, c, s.replace(&in_vm, &id)))
        .collect();
    assert_eq!(seen, baseline, "the VM's sandbox answers differently");
    let out = runner(&env, Some(&host))(&["--verbose", "exec", &in_vm, "true"]);
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains("exec: the engine's exec path"),
        "{}",
        stderr(&out)
    );
}

/// A helper from before `pack` took filters refuses `--exclude` and `--max-depth` as arguments
/// it does not know: `download-dir` asks it again for the whole tree and leaves the same entries
/// out as it unpacks, so the files are the same on both paths; `--verbose` says why.
#[test]
fn a_helper_whose_pack_takes_no_filter_gives_the_same_download_dir() {
    let Some(own) = OwnHelper::new() else { return };
    let env = &own.env;
    let id = env.init_with_channel(&["--user", "user", "--workdir", "/home/user"]);
    let made = env.run(&[
        "exec",
        &id,
        "mkdir -p t/src t/node_modules/dep t/deep/1/2 t/.git && echo a > t/src/a && \
         echo x > t/node_modules/dep/x && echo f > t/deep/1/2/f && echo h > t/.git/HEAD && \
         echo top > t/top",
    ]);
    assert_code(&made, 0);
    let run = runner(env, None);
    let downloads = |tag: &str| -> Vec<String> {
        let mut trees = Vec::new();
        for (n, extra) in [&[][..], &["-d", "2"], &["--all", "-e", "deep"]]
            .iter()
            .enumerate()
        {
            let local = env.dir.path().join(format!("{tag}-{n}"));
            let mut args = vec!["files", "download-dir", &id, "t", path_str(&local)];
            args.extend_from_slice(extra);
            let out = run(&args);
            assert_code(&out, 0);
            assert_eq!(stderr(&out), "", "{tag} {extra:?}");
            trees.push(local_tree(&local));
        }
        trees
    };
    let baseline = downloads("new");
    assert!(!baseline[0].contains("node_modules"), "{}", baseline[0]);
    assert!(baseline[0].contains("deep/1/2/f"), "{}", baseline[0]);
    assert!(!baseline[1].contains("deep/1/2"), "{}", baseline[1]);
    assert!(baseline[2].contains(".git/HEAD"), "{}", baseline[2]);
    assert!(!baseline[2].contains("deep"), "{}", baseline[2]);

    own.make_pack_unfiltered(&id);
    assert_eq!(downloads("old"), baseline);
    let refused = own.refused(&id);
    assert_eq!(refused.lines().count(), 3, "{refused}");
    assert!(refused.lines().all(|r| r == "filtered-pack"), "{refused}");
    let said = verbose(
        env,
        &[
            "files",
            "download-dir",
            &id,
            "t",
            path_str(&env.dir.path().join("said")),
        ],
    );
    assert!(said.contains("helper has no filters"), "{said}");
}
