//! `init --disk` / `[limits] disk`: enforced through the storage driver's size option where the
//! engine has one (a btrfs engine of the test's own), a clear usage error where it has not (the
//! shared engine: overlay2 on ext4), and `doctor` says which.

mod common;

use common::*;

/// A dockerd of the test's own on a loop-mounted btrfs (tests/disk/btrfs-engine-up.sh), stopped
/// and unmounted when dropped, even when the test fails.
struct BtrfsEngine {
    dir: tempfile::TempDir,
}

impl BtrfsEngine {
    fn start() -> BtrfsEngine {
        // Short paths: dockerd's sockets live below the exec root.
        let dir = tempfile::Builder::new()
            .prefix("dsbx-bt")
            .tempdir_in("/tmp")
            .unwrap();
        let engine = BtrfsEngine { dir };
        let out = std::process::Command::new("sh")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/disk/btrfs-engine-up.sh"
            ))
            .arg(engine.dir.path())
            .output()
            .expect("run btrfs-engine-up.sh");
        assert!(out.status.success(), "btrfs engine: {}", stderr(&out));
        engine
    }

    fn host(&self) -> String {
        format!("unix://{}/d.sock", self.dir.path().display())
    }
}

impl Drop for BtrfsEngine {
    fn drop(&mut self) {
        let _ = std::process::Command::new("sh")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/disk/btrfs-engine-down.sh"
            ))
            .arg(self.dir.path())
            .output();
    }
}

#[test]
fn disk_limit_on_btrfs_and_a_clear_error_on_overlay2() {
    let Some(env) = TestEnv::new() else { return };
    // The shared engine: overlay2 on ext4 has no size option.
    let out = env.run(&["init", "--disk", "1g"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("--disk") && err.contains("overlay2 on extfs") && err.contains("btrfs"),
        "{err}"
    );
    assert!(env.containers().is_empty(), "{:?}", env.containers());
    assert!(
        !env.state_text().contains("creating"),
        "{}",
        env.state_text()
    );
    let out = env.run(&["--json", "doctor"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let disk = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "disk")
        .expect("a disk check")
        .clone();
    assert!(
        disk["message"].as_str().unwrap().contains("not available"),
        "{disk}"
    );
    // The config's limit on this engine is the same usage error for every init.
    env.write_config("image = \"dsbx-test-busybox:latest\"\n[limits]\ndisk = \"1g\"\n");
    assert_code(&env.run(&["init"]), 2);
    let out = env.run(&["doctor"]);
    assert_code(&out, 1);
    env.write_config("image = \"dsbx-test-busybox:latest\"\n");

    let engine = BtrfsEngine::start();
    let host = engine.host();
    let load = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("docker save {BUSYBOX} | docker -H {host} load -q"))
        .output()
        .unwrap();
    assert!(load.status.success(), "{}", stderr(&load));
    let on_btrfs = |args: &[&str]| {
        env.dsbx()
            .env("DOCKER_HOST", &host)
            .args(args)
            .output()
            .unwrap()
    };
    let out = on_btrfs(&["--json", "doctor"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let disk = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "disk")
        .unwrap()
        .clone();
    assert_eq!(disk["status"], "ok", "{disk}");
    assert!(
        disk["message"].as_str().unwrap().contains("btrfs"),
        "{disk}"
    );
    // --network none: this engine has no bridge, and must not make one beside the shared engine's.
    let out = on_btrfs(&["init", "--network", "none", "--disk", "64m"]);
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    let out = on_btrfs(&[
        "exec",
        &id,
        "dd if=/dev/zero of=/tmp/big bs=1M count=200 2>&1; echo dd=$?; du -m /tmp/big",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("quota exceeded") || text.contains("No space left"),
        "{text}"
    );
    assert!(text.contains("dd=1"), "{text}");
    let mib: u64 = text
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("du output");
    assert!(
        (50..=64).contains(&mib),
        "wrote {mib} MiB under a 64 MiB limit: {text}"
    );
    // Full, and still working: commands run, and freeing space works.
    let out = on_btrfs(&[
        "exec",
        &id,
        "echo alive; rm /tmp/big && echo small > /tmp/small && cat /tmp/small",
    ]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "alive\nsmall\n");
    let info = stdout(&on_btrfs(&["info", &id]));
    assert!(info.contains("disk: 64.0 MiB"), "{info}");
    assert_code(&on_btrfs(&["kill", &id]), 0);
}
