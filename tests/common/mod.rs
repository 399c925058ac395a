//! Shared test harness: every test gets its own scope, state directory and config file, runs the
//! real `dsbx` binary against the real engine, and removes what its scope left on the engine when
//! it ends, even when it fails.
//!
//! No engine: in CI (`CI` set) the test fails with a clear message; elsewhere a developer may opt
//! out explicitly with `DSBX_SKIP_DOCKER_TESTS=1`.

#![allow(dead_code)]

pub mod api_log;
pub mod channel;
pub mod own_helper;

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Mutex;

/// The FROM-scratch busybox image built by `docker/test/engine-up.sh`.
pub const BUSYBOX: &str = "dsbx-test-busybox:latest";
/// The debootstrapped Debian image built by `docker/test/engine-up.sh`.
pub const DEBIAN: &str = "dsbx-test-debian:latest";

/// Serialises tests that touch what the engine shares (the proxy, the default image, the helper
/// volume) within one test binary. Across binaries use [`engine_lock`].
pub static SHARED: Mutex<()> = Mutex::new(());

pub struct TestEnv {
    pub scope: String,
    pub dir: tempfile::TempDir,
    pub state_dir: PathBuf,
    pub config: PathBuf,
}

impl TestEnv {
    /// A fresh scope whose default image is the busybox test image.
    pub fn new() -> Option<TestEnv> {
        Self::with_config("image = \"dsbx-test-busybox:latest\"\n")
    }

    /// `None` only when the developer opted out of Docker tests (never in CI).
    pub fn with_config(config: &str) -> Option<TestEnv> {
        if !docker_available() {
            return None;
        }
        Some(Self::offline(config))
    }

    /// An environment for tests that do not need the engine (usage errors, config errors).
    pub fn offline(config: &str) -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let state_dir = dir.path().join("state");
        let config_path = dir.path().join("config.toml");
        std::fs::write(&config_path, config).expect("write config");
        let scope = format!("t-{}", random_suffix());
        TestEnv {
            scope,
            state_dir,
            config: config_path,
            dir,
        }
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(&self.config, text).expect("write config");
    }

    /// `dsbx` with this test's scope, state dir and config, and no terminal.
    pub fn dsbx(&self) -> Command {
        Command::from_std(self.spawnable())
    }

    /// The same as [`TestEnv::dsbx`] as a plain process, for tests that spawn it and talk to it.
    pub fn spawnable(&self) -> std::process::Command {
        self.command(dsbx_bin())
    }

    /// Any program (dsbx, or a shell, `script` or `unshare` that runs it) in this test's
    /// environment: its state dir, config and scope, none of the caller's dsbx settings, no
    /// colour. The one place that environment is built.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.env("DSBX_STATE_DIR", &self.state_dir)
            .env("DSBX_CONFIG", &self.config)
            .env("DSBX_SCOPE", &self.scope)
            .env_remove("DSBX_IMAGE")
            .env_remove("DSBX_URL_TEMPLATE")
            .env("NO_COLOR", "1");
        cmd
    }

    /// Runs `dsbx ARGS` on a pseudo-terminal (util-linux `script`), as a person at a shell would;
    /// stdout holds everything the terminal showed (stdout and stderr together), without `\r`.
    pub fn run_on_tty(&self, args: &str) -> Output {
        self.run_on_tty_typing(args, "")
    }

    /// [`run_on_tty`](Self::run_on_tty) with `typed` arriving on the terminal as if typed (an
    /// answer to a question); the terminal then sees end-of-file.
    pub fn run_on_tty_typing(&self, args: &str, typed: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .command("script")
            .args([
                "-qec",
                &format!("{} {args}", dsbx_bin().display()),
                "/dev/null",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run script (util-linux)");
        let mut stdin = child.stdin.take().expect("script's stdin");
        stdin
            .write_all(typed.as_bytes())
            .expect("type on the terminal");
        drop(stdin);
        let mut out = child.wait_with_output().expect("script's output");
        out.stdout.retain(|b| *b != b'\r');
        out
    }

    /// Runs dsbx with these arguments and returns its output, whatever the exit code.
    pub fn run(&self, args: &[&str]) -> Output {
        self.dsbx().args(args).output().expect("run dsbx")
    }

    /// [`TestEnv::run`] over the sandbox's channel (`channel`) or forced onto the engine's
    /// paths, whatever the caller's environment (the suite also runs with `DSBX_CHANNEL=off`).
    pub fn run_on(&self, channel: bool, args: &[&str]) -> Output {
        let mut cmd = self.dsbx();
        if channel {
            cmd.env_remove("DSBX_CHANNEL");
        } else {
            cmd.env("DSBX_CHANNEL", "off");
        }
        cmd.args(args).output().expect("run dsbx")
    }

    /// `dsbx init ARGS…` with the channel allowed whatever the caller's environment (the suite
    /// also runs with `DSBX_CHANNEL=off`, and a sandbox made so has no channel at all), once its
    /// helper has bound the socket; returns the id. Tests that compare both paths choose per call.
    pub fn init_with_channel(&self, args: &[&str]) -> String {
        let out = self
            .dsbx()
            .env_remove("DSBX_CHANNEL")
            .arg("init")
            .args(args)
            .output()
            .expect("run dsbx");
        assert_code(&out, 0);
        let id = stdout(&out).trim().to_string();
        self.wait_for_socket(&id);
        id
    }

    /// The helper binds its channel's socket a moment after the container starts.
    pub fn wait_for_socket(&self, id: &str) {
        let sock = self.state_dir.join("channels").join(id).join("sock");
        assert!(wait_until(std::time::Duration::from_secs(30), || sock.exists()));
    }

    /// `dsbx init ARGS…`, asserting success; returns the id.
    pub fn init(&self, args: &[&str]) -> String {
        let mut all = vec!["init"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "dsbx init {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let id = String::from_utf8(out.stdout)
            .expect("utf-8 id")
            .trim()
            .to_string();
        assert_eq!(id.len(), 12, "init printed `{id}`");
        id
    }

    /// Runs dsbx with the state directory mounted read-only (root ignores file modes, so a
    /// private read-only bind mount is the only way to make it unwritable for root).
    pub fn run_with_read_only_state(&self, args: &[&str]) -> Output {
        std::fs::create_dir_all(&self.state_dir).expect("state dir");
        let script = format!(
            "mount --bind {d} {d} && mount -o remount,bind,ro {d} && exec \"$@\"",
            d = self.state_dir.display()
        );
        self.command("unshare")
            .args(["-m", "sh", "-c", &script, "sh"])
            .arg(dsbx_bin())
            .args(args)
            .output()
            .expect("run dsbx under unshare")
    }

    pub fn state_file(&self) -> PathBuf {
        self.state_dir.join("state.toml")
    }

    pub fn state_text(&self) -> String {
        std::fs::read_to_string(self.state_file()).unwrap_or_default()
    }

    /// Container names of this scope, as Docker lists them.
    pub fn containers(&self) -> Vec<String> {
        docker_lines(&[
            "ps",
            "-a",
            "--filter",
            &format!("label=dsbx.scope={}", self.scope),
            "--format",
            "{{.Names}}",
        ])
    }
}

impl TestEnv {
    /// Removes every container of this test's scope (with its anonymous volumes), as the drop
    /// does; for guards that must clear containers before what they use (images, networks).
    pub fn remove_containers(&self) {
        let ids = docker_lines(&[
            "ps",
            "-aq",
            "--filter",
            &format!("label=dsbx.scope={}", self.scope),
        ]);
        if !ids.is_empty() {
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(ids.iter().map(String::as_str));
            let _ = docker(&args);
        }
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        self.remove_containers();
        let nets = docker_lines(&[
            "network",
            "ls",
            "-q",
            "--filter",
            &format!("label=dsbx.scope={}", self.scope),
        ]);
        for net in nets {
            let _ = docker(&["network", "rm", &net]);
        }
    }
}

pub fn dsbx_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_dsbx"))
}

pub fn random_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let n = nanos as u64
        ^ (std::process::id() as u64) << 32
        ^ COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed) << 20;
    format!("{:x}", n % 0xffff_ffff_ffff)
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Runs the docker CLI.
pub fn docker(args: &[&str]) -> Output {
    std::process::Command::new("docker")
        .args(args)
        .output()
        .expect("run docker")
}

/// The docker CLI's non-empty stdout lines.
pub fn docker_lines(args: &[&str]) -> Vec<String> {
    let out = docker(args);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// `docker inspect -f FORMAT NAME`, trimmed.
pub fn inspect(name: &str, format: &str) -> String {
    let out = docker(&["inspect", "-f", format, name]);
    assert!(
        out.status.success(),
        "docker inspect {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `docker exec NAME ARGS…` stdout, trimmed.
pub fn docker_exec(name: &str, args: &[&str]) -> String {
    let mut all = vec!["exec", name];
    all.extend_from_slice(args);
    let out = docker(&all);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// One line from a child's pipe (blocking until it comes), with its newline.
pub fn read_line(pipe: &mut impl std::io::Read) -> String {
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(pipe), &mut line)
        .expect("read a line");
    line
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// Asserts the exit code, showing both streams when it differs.
#[track_caller]
pub fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "expected exit {code}\nstdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
}

fn docker_available() -> bool {
    static CHECK: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CHECK.get_or_init(|| {
        let ok = std::process::Command::new("docker")
            .args(["version", "--format", "{{.Server.Version}}"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if ok {
            return true;
        }
        let opted_out = std::env::var("DSBX_SKIP_DOCKER_TESTS").is_ok_and(|v| v == "1");
        let in_ci = std::env::var_os("CI").is_some();
        if opted_out && !in_ci {
            eprintln!("DSBX_SKIP_DOCKER_TESTS=1: skipping a test that needs the Docker engine");
            return false;
        }
        panic!(
            "no Docker engine answers (`docker version` failed). Start one with \
             `bash docker/test/engine-up.sh`, or outside CI opt out with DSBX_SKIP_DOCKER_TESTS=1"
        );
    })
}

/// A lock shared by every test binary on this machine, for what the engine holds once.
pub fn engine_lock(what: &str) -> std::fs::File {
    let path = std::env::temp_dir().join(format!("dsbx-test-{what}.lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .expect("lock file");
    file.lock().expect("lock");
    file
}

/// Polls until `f` holds, at most `limit` (then one last look).
pub fn wait_until(limit: std::time::Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    f()
}

/// A sandbox of `env` that has reached its (2 s) deadline and stopped itself; `extra` are more
/// `init` flags.
pub fn expired(env: &TestEnv, extra: &[&str]) -> String {
    let mut args = vec!["--timeout", "2s"];
    args.extend_from_slice(extra);
    let id = env.init(&args);
    assert!(
        wait_until(std::time::Duration::from_secs(30), || status(&id)
            == "exited"),
        "{id} did not stop at its deadline: {}",
        status(&id)
    );
    id
}

/// The ids a `gc --json` removed (or would remove, with `--dry-run`).
pub fn gc_removed_ids(out: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("gc --json printed no JSON ({e}): {}", stdout(out)));
    v["removed"]
        .as_array()
        .unwrap_or_else(|| panic!("no `removed` array: {v}"))
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

/// Docker's state word for sandbox `id` (`running`, `exited`, `paused`, …), or `gone`.
pub fn status(id: &str) -> String {
    let out = docker(&["inspect", "-f", "{{.State.Status}}", &format!("dsbx-{id}")]);
    if out.status.success() {
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    } else {
        "gone".into()
    }
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
