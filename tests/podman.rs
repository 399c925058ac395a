//! dsbx on Podman's Docker-compatible API (`podman system service`, started by
//! docker/test/podman-up.sh on a socket of its own): the commands users rely on most, run the same
//! way as on Docker with `DOCKER_HOST` pointing at Podman.

mod common;

use common::*;
use std::sync::OnceLock;
use std::time::Duration;

const SOCKET: &str = "unix:///run/dsbx-podman/podman.sock";

/// Starts the service (or finds it running) once per binary; a service that cannot start fails
/// every test, saying why.
fn podman_up() {
    static UP: OnceLock<Result<(), String>> = OnceLock::new();
    let up = UP.get_or_init(|| {
        let out = std::process::Command::new("bash")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/docker/test/podman-up.sh"
            ))
            .output()
            .map_err(|e| format!("cannot run podman-up.sh: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(stderr(&out))
        }
    });
    if let Err(why) = up {
        panic!("Podman's API service is not available: {why}");
    }
}

/// A test scope on Podman; its containers there go with it.
struct PodmanEnv {
    env: TestEnv,
}

impl PodmanEnv {
    /// `None` only when the developer opted out of Docker tests (never in CI).
    fn new() -> Option<PodmanEnv> {
        let env = TestEnv::new()?;
        podman_up();
        Some(PodmanEnv { env })
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        self.run_with(&[], args)
    }

    fn run_with(&self, vars: &[(&str, &str)], args: &[&str]) -> std::process::Output {
        let mut cmd = self.env.dsbx();
        cmd.env("DOCKER_HOST", SOCKET).env_remove("DOCKER_CONTEXT");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.args(args).output().expect("run dsbx")
    }

    fn init(&self, args: &[&str]) -> String {
        let mut all = vec!["init"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert_code(&out, 0);
        stdout(&out).trim().to_string()
    }

    fn state_of(&self, id: &str) -> String {
        stdout(&podman_docker(&[
            "inspect",
            "--format",
            "{{.State.Status}}",
            &format!("dsbx-{id}"),
        ]))
        .trim()
        .to_string()
    }
}

impl Drop for PodmanEnv {
    fn drop(&mut self) {
        let out = podman_docker(&[
            "ps",
            "-aq",
            "--filter",
            &format!("label=dsbx.scope={}", self.env.scope),
        ]);
        for id in stdout(&out).split_whitespace() {
            let _ = podman_docker(&["rm", "-f", id]);
        }
    }
}

/// The docker CLI, on Podman's socket.
fn podman_docker(args: &[&str]) -> std::process::Output {
    std::process::Command::new("docker")
        .args(["-H", SOCKET])
        .args(args)
        .output()
        .expect("run docker")
}

#[test]
fn doctor_names_podman_and_init_hardens_the_sandbox() {
    let Some(p) = PodmanEnv::new() else { return };
    let out = p.run(&["doctor"]);
    assert!(
        stdout(&out).contains("Podman 4") && stdout(&out).contains(SOCKET),
        "{}",
        stdout(&out)
    );
    let id = p.init(&[]);
    let name = format!("dsbx-{id}");
    assert!(p.env.containers().is_empty(), "on the shared engine too");
    // Read from inside: Podman reports dropped capabilities by name, not as ALL.
    let out = p.run(&["exec", &id, "--", "cat", "/proc/1/status"]);
    assert_code(&out, 0);
    let status = stdout(&out);
    // CHOWN DAC_OVERRIDE FOWNER KILL SETGID SETUID NET_BIND_SERVICE, nothing else.
    assert!(
        status.lines().any(|l| l == "CapBnd:\t00000000000004eb"),
        "{status}"
    );
    assert!(status.lines().any(|l| l == "NoNewPrivs:\t1"), "{status}");
    let pids = stdout(&podman_docker(&[
        "inspect",
        "--format",
        "{{.HostConfig.PidsLimit}} {{.Config.User}}",
        &name,
    ]));
    assert_eq!(pids.trim(), "1024 0:0");
    let out = p.run(&["exec", &id, "--", "ps", "-o", "pid,args"]);
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.trim_start().starts_with("1 ") && l.contains("__helper init")),
        "{}",
        stdout(&out)
    );
}

#[test]
fn exec_exit_codes_and_a_timeout_that_kills_the_tree() {
    let Some(p) = PodmanEnv::new() else { return };
    let id = p.init(&[]);
    // Over the sandbox's channel (the default) and over Podman's exec API.
    for channel in ["on", "off"] {
        let vars = [("DSBX_CHANNEL", channel)];
        let out = p.run_with(
            &vars,
            &["exec", &id, "--", "sh", "-c", "echo o; echo e >&2; exit 3"],
        );
        assert_code(&out, 3);
        assert_eq!(
            (stdout(&out).as_str(), stderr(&out).as_str()),
            ("o\n", "e\n")
        );
        let out = p.run_with(&vars, &["exec", &id, "--", "no-such-command"]);
        assert_code(&out, 127);
        let out = p.run_with(
            &vars,
            &[
                "exec",
                "--timeout",
                "1",
                &id,
                "--",
                "sh",
                "-c",
                "sleep 300 & sleep 300",
            ],
        );
        assert_code(&out, 124);
        let out = p.run(&["exec", &id, "--", "ps", "-o", "args"]);
        assert!(
            !stdout(&out).contains("sleep 300"),
            "{channel}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn files_go_up_and_come_back() {
    let Some(p) = PodmanEnv::new() else { return };
    let id = p.init(&[]);
    let dir = p.env.dir.path().join("tree");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/a.txt"), "alpha\n").unwrap();
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.join("big.bin"), &big).unwrap();
    assert_code(&p.run(&["upload", &id, path_str(&dir), "/tmp/tree"]), 0);
    let back = p.env.dir.path().join("back");
    assert_code(&p.run(&["download", &id, "/tmp/tree", path_str(&back)]), 0);
    assert_eq!(
        std::fs::read_to_string(back.join("sub/a.txt")).unwrap(),
        "alpha\n"
    );
    assert_eq!(std::fs::read(back.join("big.bin")).unwrap(), big);
    let out = p.run(&["download", &id, "/tmp/nothing-here", "-"]);
    assert_code(&out, 1);
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

#[test]
fn get_host_checks_a_published_port() {
    let Some(p) = PodmanEnv::new() else { return };
    let id = p.init(&["-p", "8000"]);
    assert_code(
        &p.run(&["exec", &id, "--", "httpd", "-p", "8000", "-h", "/tmp"]),
        0,
    );
    let out = p.run(&["get-host", "--check", &id, "8000"]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).starts_with("http://127.0.0.1:"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn ls_kill_timeout_gc_pause_resume() {
    let Some(p) = PodmanEnv::new() else { return };
    let keep = p.init(&[]);
    let expiring = p.init(&[]);
    let out = p.run(&["ls", "-q"]);
    assert!(
        stdout(&out).contains(&keep) && stdout(&out).contains(&expiring),
        "{}",
        stdout(&out)
    );

    assert_code(&p.run(&["pause", &keep]), 0);
    assert_eq!(p.state_of(&keep), "paused");
    assert!(stdout(&p.run(&["ls"])).contains("paused"));
    assert_code(&p.run(&["resume", &keep]), 0);
    assert_code(&p.run(&["exec", &keep, "true"]), 0);

    // The deadline stops the sandbox; gc removes it (Podman says `stopped` for a moment first).
    assert_code(&p.run(&["timeout", &expiring, "1s"]), 0);
    assert!(
        wait_until(Duration::from_secs(30), || p.state_of(&expiring)
            != "running"),
        "still running past its deadline"
    );
    let out = p.run(&["--json", "gc"]);
    assert_code(&out, 0);
    assert!(
        gc_removed_ids(&out).contains(&expiring),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(p.state_of(&expiring).is_empty());

    assert_code(&p.run(&["kill", &keep]), 0);
    assert!(p.state_of(&keep).is_empty());
    let out = p.run(&["info", &keep]);
    assert_code(&out, 3);
}
