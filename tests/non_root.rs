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
