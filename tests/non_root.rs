//! A sandbox whose image runs as a non-root user: commands run as that user, `--root` has the
//! capabilities package managers need, and the user cannot end the sandbox.

mod common;

use common::*;
use std::time::Duration;

/// An image FROM the debootstrapped Debian whose USER is `user`, built once per machine.
fn non_root_image() -> &'static str {
    const TAG: &str = "dsbx-test-debian-user:latest";
    let _guard = engine_lock("debian-user-image");
    if !docker(&["image", "inspect", TAG]).status.success() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Dockerfile"),
            "FROM dsbx-test-debian:latest\nRUN useradd -m -u 1000 -s /bin/bash user\nUSER user\nWORKDIR /home/user\n",
        )
        .unwrap();
        let out = docker(&["build", "-q", "-t", TAG, path_str(dir.path())]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    TAG
}

#[test]
fn commands_run_as_the_images_user_and_root_can_install_packages() {
    let Some(env) = TestEnv::new() else { return };
    let image = non_root_image();
    let id = env.init(&["--image", image]);
    let name = format!("dsbx-{id}");
    assert_eq!(
        inspect(&name, "{{index .Config.Labels \"dsbx.user\"}}"),
        "user"
    );

    let out = env.run(&["exec", &id, "id -un; pwd"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "user\n/home/user\n");

    // Root inside a root container keeps the cap_add capabilities that apt needs.
    let out = env.run(&[
        "exec",
        "--root",
        &id,
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hello >/dev/null && hello",
    ]);
    assert_code(&out, 0);
    assert!(stdout(&out).contains("Hello, world!"), "{}", stderr(&out));

    // The user cannot end the sandbox: kill -9 -1 reaches only the user's own processes.
    let _ = env.run(&["exec", &id, "kill -9 -1"]);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(inspect(&name, "{{.State.Running}}"), "true");
    let out = env.run(&["exec", &id, "echo still here"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "still here\n");
}

/// A `FROM scratch` image holding only a static busybox as `/bin/busybox` and `/bin/sh`: no
/// `/etc/passwd`, no `/etc/group`, no `/tmp`. Built once per machine from the busybox test image.
fn no_passwd_image() -> &'static str {
    const TAG: &str = "dsbx-test-nopasswd:latest";
    let _guard = engine_lock("nopasswd-image");
    if !docker(&["image", "inspect", TAG]).status.success() {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("dsbx-test-nopasswd-src-{}", random_suffix());
        assert!(
            docker(&["create", "--name", &name, BUSYBOX, "true"])
                .status
                .success()
        );
        let copied = docker(&[
            "cp",
            &format!("{name}:/bin/busybox"),
            path_str(&dir.path().join("busybox")),
        ]);
        docker(&["rm", "-f", &name]);
        assert!(copied.status.success(), "{}", stderr(&copied));
        std::fs::write(
            dir.path().join("Dockerfile"),
            "FROM scratch\nCOPY busybox /bin/busybox\nCOPY busybox /bin/sh\n",
        )
        .unwrap();
        let out = docker(&["build", "-q", "-t", TAG, path_str(dir.path())]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    TAG
}

/// With no `/etc/passwd`, root (the default) and numeric users need no entry: exec, uploads and
/// every `files` command work, and files belong to the numeric ids.
#[test]
fn an_image_without_passwd_works_for_root_and_numeric_users() {
    let Some(env) = TestEnv::new() else { return };
    let image = no_passwd_image();
    let local = tempfile::tempdir().unwrap();
    let file = local.path().join("up.txt");
    std::fs::write(&file, "uploaded\n").unwrap();
    let tree = local.path().join("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("sub/a"), "a").unwrap();
    for (user, uid) in [
        (None, "0"),
        (Some("1000:1000"), "1000"),
        (Some("4242"), "4242"),
    ] {
        let mut init = vec!["--image", image];
        if let Some(u) = user {
            init.extend_from_slice(&["--user", u]);
        }
        let id = env.init(&init);
        let out = env.run(&["exec", &id, "/bin/busybox", "id", "-u"]);
        assert_code(&out, 0);
        assert_eq!(stdout(&out), format!("{uid}\n"));
        let out = env.run(&["exec", &id, "echo shell works"]);
        assert_code(&out, 0);
        // A directory the user can write: root makes it theirs.
        let dir = "/work";
        let out = env.run(&[
            "exec",
            "--root",
            &id,
            &format!("/bin/busybox mkdir -p {dir} && /bin/busybox chown {uid} {dir}"),
        ]);
        assert_code(&out, 0);
        assert_code(&env.run(&["upload", &id, path_str(&file), dir]), 0);
        assert_code(&env.run(&["upload", &id, path_str(&tree), dir]), 0);
        for args in [
            vec!["files", "write", &id, "/work/w.txt", "written"],
            vec![
                "files",
                "edit",
                &id,
                "/work/w.txt",
                "--old",
                "written",
                "--new",
                "edited",
            ],
            vec!["files", "mkdir", &id, "/work/d/e"],
            vec!["files", "mv", &id, "/work/up.txt", "/work/d/"],
            vec!["files", "rm", &id, "/work/tree/sub/a"],
            vec!["files", "exists", &id, "/work/w.txt"],
            vec!["files", "info", &id, "/work/w.txt"],
        ] {
            let out = env.run(&args);
            assert_code(&out, 0);
        }
        let out = env.run(&["files", "ls", &id, "/work", "--depth", "2"]);
        assert_code(&out, 0);
        assert_eq!(
            stdout(&out),
            "d/\nd/e/\nd/up.txt\ntree/\ntree/sub/\nw.txt\n",
            "as {user:?}"
        );
        let out = env.run(&["files", "read", &id, "/work/w.txt"]);
        assert_code(&out, 0);
        assert_eq!(stdout(&out), "edited");
        let out = env.run(&[
            "exec",
            &id,
            "/bin/busybox stat -c %u /work/w.txt /work/d/up.txt /work/tree/sub",
        ]);
        assert_code(&out, 0);
        assert_eq!(
            stdout(&out),
            format!("{uid}\n{uid}\n{uid}\n"),
            "as {user:?}"
        );
    }
}

/// A named user the image does not have is refused at init, as a usage error with nothing left
/// behind, instead of a 126 at every exec later.
#[test]
fn a_named_user_missing_from_the_image_is_an_init_usage_error() {
    let Some(env) = TestEnv::new() else { return };
    let image = no_passwd_image();
    for (image, user) in [
        (image, "user"),
        (BUSYBOX, "nosuchuser"),
        (BUSYBOX, "user:nosuchgroup"),
    ] {
        let out = env.run(&["init", "--image", image, "--user", user]);
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains(&format!("`{user}`")),
            "{}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("/etc/passwd"), "{}", stderr(&out));
        assert!(env.containers().is_empty(), "left {:?}", env.containers());
    }
    // Names the image has still work, the group too.
    let id = env.init(&["--image", BUSYBOX, "--user", "user:root"]);
    let out = env.run(&["exec", &id, "id -u; id -g"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "1000\n0\n");
}

/// `init --workdir /app` on an image without /app: the engine makes it, and dsbx gives it to the
/// sandbox's user, so the seeds' first step (`echo … | base64 | dsbx exec -i ID sh -c 'mkdir -p
/// /app/src && base64 -d > /app/src/App.tsx'`) just works. A directory the image has with
/// content keeps its owner.
#[test]
fn a_workdir_dsbx_creates_belongs_to_the_sandboxs_user() {
    let Some(env) = TestEnv::new() else { return };
    let image = non_root_image();
    let id = env.init(&["--image", image, "--workdir", "/app"]);
    let source = "export default function App() { return null }\n";
    let out = env
        .dsbx()
        .args(["exec", "-i", &id, "sh", "-c"])
        .arg("mkdir -p /app/src && base64 -d > /app/src/App.tsx")
        .write_stdin(base64_of(source.as_bytes()))
        .output()
        .unwrap();
    assert_code(&out, 0);
    let out = env.run(&["exec", &id, "pwd; stat -c %U /app; cat src/App.tsx"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), format!("/app\nuser\n{source}"));
    // The image's own directory with content stays root's.
    let id = env.init(&["--image", image, "--workdir", "/etc"]);
    let out = env.run(&["exec", &id, "pwd; stat -c %U /etc"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "/etc\nroot\n");
}

fn base64_of(bytes: &[u8]) -> String {
    let out = std::process::Command::new("base64")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(bytes)?;
            child.wait_with_output()
        })
        .expect("base64");
    String::from_utf8(out.stdout).unwrap()
}
