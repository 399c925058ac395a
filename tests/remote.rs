//! Remote engines: a "remote" machine made on this one (tests/remote/host-up.sh: a network
//! namespace with its own dockerd serving TLS, and an sshd), reached over TLS and over ssh the way
//! users reach theirs. One host serves the whole binary; it goes when the binary exits.

mod common;

use common::*;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

struct RemoteHost {
    dir: PathBuf,
    n: u32,
}

/// The host, and whether it came up (a host that half came up is still torn down at exit).
static HOST: OnceLock<(RemoteHost, Result<(), String>)> = OnceLock::new();

fn script(name: &str) -> String {
    format!("{}/tests/remote/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The shared host, started on first use; a host that cannot be made fails every test that
/// needs it, saying why.
fn host() -> &'static RemoteHost {
    let (host, up) = HOST.get_or_init(|| {
        // Short paths: dockerd's sockets live below the exec root.
        let dir = tempfile::Builder::new()
            .prefix("dsbx-rh")
            .tempdir_in("/tmp")
            .expect("a temp dir for the remote host")
            .keep();
        let n = 20 + std::process::id() % 200;
        // SAFETY: registering a plain function to run at exit.
        unsafe { libc::atexit(tear_down) };
        let up = std::process::Command::new("sh")
            .arg(script("host-up.sh"))
            .arg(&dir)
            .arg(n.to_string())
            .output()
            .map_err(|e| format!("cannot run host-up.sh: {e}"))
            .and_then(|out| {
                if out.status.success() {
                    Ok(())
                } else {
                    Err(stderr(&out))
                }
            });
        (RemoteHost { dir, n }, up)
    });
    match up {
        Ok(()) => host,
        Err(why) => panic!("the remote test host did not come up: {why}"),
    }
}

extern "C" fn tear_down() {
    if let Some((host, _)) = HOST.get() {
        let _ = std::process::Command::new("sh")
            .arg(script("host-down.sh"))
            .arg(&host.dir)
            .arg(host.n.to_string())
            .output();
        let _ = std::fs::remove_dir_all(&host.dir);
    }
}

impl RemoteHost {
    fn address(&self) -> String {
        format!("10.231.{}.2", self.n)
    }

    /// `docker` on the remote host's engine, through its unix socket.
    fn docker(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new("docker")
            .arg("-H")
            .arg(format!("unix://{}/d.sock", self.dir.display()))
            .args(args)
            .output()
            .expect("run docker")
    }
}

/// How a test reaches the remote engine.
enum Via {
    Tls(&'static str),
    Ssh(&'static str),
}

/// `None` only when the developer opted out of Docker tests (never in CI).
fn remote_env() -> Option<TestEnv> {
    // Ports published on the remote engine must be reachable from here.
    TestEnv::with_config("image = \"dsbx-test-busybox:latest\"\npublish_address = \"0.0.0.0\"\n")
}

fn run_via(env: &TestEnv, via: &Via, args: &[&str]) -> std::process::Output {
    let host = host();
    let mut cmd = env.dsbx();
    match via {
        Via::Tls(certs) => {
            cmd.env("DOCKER_HOST", format!("tcp://{}:2376", host.address()))
                .env("DOCKER_TLS_VERIFY", "1")
                .env("DOCKER_CERT_PATH", host.dir.join(certs));
        }
        Via::Ssh(wrapper) => {
            let path = format!(
                "{}:{}",
                host.dir.join(wrapper).display(),
                std::env::var("PATH").unwrap_or_default()
            );
            cmd.env("DOCKER_HOST", format!("ssh://root@{}", host.address()))
                .env("PATH", path)
                .env_remove("SSH_AUTH_SOCK");
        }
    }
    cmd.env_remove("DOCKER_CONTEXT")
        .args(args)
        .output()
        .expect("run dsbx")
}

/// A sandbox's life on the remote engine: init with a published port, exec with exit codes, a
/// timeout that kills the whole tree, upload and download, a URL on the engine's host that
/// answers from here, ls, and kill.
fn sandbox_life(via: Via) {
    let Some(env) = remote_env() else { return };
    let host = host();
    let run = |args: &[&str]| run_via(&env, &via, args);
    let out = run(&["init", "-p", "8000"]);
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    // It runs there, not on the shared engine.
    let remote = host.docker(&["ps", "-q", "--filter", &format!("name=dsbx-{id}")]);
    assert!(
        !stdout(&remote).trim().is_empty(),
        "not on the remote engine"
    );
    assert!(env.containers().is_empty(), "{:?}", env.containers());

    // No channel to a sandbox on another machine: the engine's exec path, said under --verbose.
    let out = run(&["--verbose", "exec", &id, "true"]);
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains("the engine's exec path"),
        "{}",
        stderr(&out)
    );

    let out = run(&[
        "exec",
        &id,
        "--",
        "sh",
        "-c",
        "echo out; echo err >&2; exit 3",
    ]);
    assert_code(&out, 3);
    assert_eq!(stdout(&out), "out\n");
    assert_eq!(stderr(&out), "err\n");

    let out = run(&[
        "exec",
        "--timeout",
        "1",
        &id,
        "--",
        "sh",
        "-c",
        "sleep 300 & sleep 300",
    ]);
    assert_code(&out, 124);
    let out = run(&["exec", &id, "--", "ps", "-o", "comm"]);
    assert!(!stdout(&out).contains("sleep"), "{}", stdout(&out));

    let file = env.dir.path().join("up.txt");
    std::fs::write(&file, "remote bytes\n").unwrap();
    assert_code(&run(&["upload", &id, path_str(&file), "/tmp/up.txt"]), 0);
    let back = env.dir.path().join("down.txt");
    assert_code(&run(&["download", &id, "/tmp/up.txt", path_str(&back)]), 0);
    assert_eq!(std::fs::read_to_string(&back).unwrap(), "remote bytes\n");

    // The file commands take the engine's paths there too, with the results they have here.
    assert_code(&run(&["files", "write", &id, "/tmp/w/f.txt", "one two"]), 0);
    let edit = [
        "files",
        "edit",
        &id,
        "/tmp/w/f.txt",
        "--old",
        "two",
        "--new",
        "2",
    ];
    assert_code(&run(&edit), 0);
    let out = run(&["files", "read", &id, "/tmp/w/f.txt"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "one 2");
    assert_eq!(stderr(&out), "");
    let out = run(&["files", "exists", &id, "/tmp/w/none"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "false\n");
    let out = run(&["--verbose", "files", "info", "--json", &id, "/tmp/w/f.txt"]);
    assert_code(&out, 0);
    let info: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!((&info["type"], &info["size"]), (&"file".into(), &5.into()));
    assert!(
        stderr(&out).contains("files: the engine's paths"),
        "{}",
        stderr(&out)
    );

    // {host} is the engine's host, and --check reaches the port from dsbx's side.
    let out = run(&["exec", &id, "--", "httpd", "-p", "8000", "-h", "/tmp"]);
    assert_code(&out, 0);
    let out = run(&["get-host", "--check", &id, "8000"]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).starts_with(&format!("http://{}:", host.address())),
        "{}",
        stdout(&out)
    );

    let out = run(&["ls"]);
    assert_code(&out, 0);
    assert!(stdout(&out).contains(&id), "{}", stdout(&out));
    assert_code(&run(&["kill", &id]), 0);
    let remote = host.docker(&["ps", "-aq", "--filter", &format!("name=dsbx-{id}")]);
    assert!(
        stdout(&remote).trim().is_empty(),
        "still on the remote engine"
    );
}

#[test]
fn a_sandbox_lives_on_an_engine_reached_over_tls() {
    sandbox_life(Via::Tls("tls-good"));
}

#[test]
fn a_sandbox_lives_on_an_engine_reached_over_ssh() {
    sandbox_life(Via::Ssh("ssh-good"));
}

/// One line on stderr, exit 4, naming the engine and `cause`, within seconds (the bound only
/// tells a prompt or a hang from an answer).
fn refused(via: Via, cause: &str) {
    let Some(env) = remote_env() else { return };
    let start = Instant::now();
    let out = run_via(&env, &via, &["ls"]);
    let took = start.elapsed();
    assert_code(&out, 4);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&host().address()), "{err}");
    assert!(err.contains(cause), "{err}");
    assert!(took < Duration::from_secs(15), "took {took:?}: {err}");
}

#[test]
fn a_wrong_ca_is_one_line_and_exit_4() {
    refused(Via::Tls("tls-wrong-ca"), "UnknownIssuer");
}

#[test]
fn a_certificate_the_engine_does_not_trust_is_one_line_and_exit_4() {
    refused(Via::Tls("tls-wrong-cert"), "BadCertificate");
}

#[test]
fn an_unknown_ssh_host_is_one_line_and_exit_4() {
    refused(Via::Ssh("ssh-unknown-host"), "Host key verification failed");
}

#[test]
fn a_missing_ssh_key_is_one_line_and_exit_4() {
    refused(Via::Ssh("ssh-no-key"), "Permission denied (publickey)");
}

#[test]
fn missing_tls_files_are_named() {
    let Some(env) = remote_env() else { return };
    let out = env
        .dsbx()
        .env("DOCKER_HOST", format!("tcp://{}:2376", host().address()))
        .env("DOCKER_TLS_VERIFY", "1")
        .env("DOCKER_CERT_PATH", env.dir.path().join("nowhere"))
        .args(["ls"])
        .output()
        .unwrap();
    assert_code(&out, 4);
    let err = stderr(&out);
    assert!(
        err.contains("nowhere/ca.pem") && err.contains("does not exist"),
        "{err}"
    );
}

#[test]
fn tls_flags_and_a_context_with_tls_files_reach_the_engine() {
    let Some(env) = remote_env() else { return };
    let host = host();
    let certs = host.dir.join("tls-good");
    let url = format!("tcp://{}:2376", host.address());
    // The docker CLI's flags.
    let out = env
        .dsbx()
        .env_remove("DOCKER_TLS_VERIFY")
        .env_remove("DOCKER_CERT_PATH")
        .args(["--docker-host", &url, "--tlsverify", "--tlscacert"])
        .arg(certs.join("ca.pem"))
        .arg("--tlscert")
        .arg(certs.join("cert.pem"))
        .arg("--tlskey")
        .arg(certs.join("key.pem"))
        .args(["ls", "--json"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    // A context as `docker context create --docker host=…,ca=…,cert=…,key=…` leaves it.
    let config = env.dir.path().join("docker-config");
    let digest = sha256_hex("remote");
    let meta = config.join("contexts/meta").join(&digest);
    let tls = config.join("contexts/tls").join(&digest).join("docker");
    std::fs::create_dir_all(&meta).unwrap();
    std::fs::create_dir_all(&tls).unwrap();
    std::fs::write(
        meta.join("meta.json"),
        format!(r#"{{"Name":"remote","Endpoints":{{"docker":{{"Host":"{url}","SkipTLSVerify":false}}}}}}"#),
    )
    .unwrap();
    for f in ["ca.pem", "cert.pem", "key.pem"] {
        std::fs::copy(certs.join(f), tls.join(f)).unwrap();
    }
    let out = env
        .dsbx()
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_TLS_VERIFY")
        .env("DOCKER_CONFIG", &config)
        .env("DOCKER_CONTEXT", "remote")
        .args(["doctor"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("Docker 20.10") && text.contains(&url) && text.contains("`remote`"),
        "{text}{}",
        stderr(&out)
    );
}

#[test]
fn plain_tcp_to_another_machine_is_warned_about() {
    let Some(env) = remote_env() else { return };
    // Nothing listens on port 9 there: the warning comes before the refusal.
    let out = env
        .dsbx()
        .env("DOCKER_HOST", format!("tcp://{}:9", host().address()))
        .env_remove("DOCKER_TLS_VERIFY")
        .args(["ls"])
        .output()
        .unwrap();
    assert_code(&out, 4);
    let err = stderr(&out);
    assert!(
        err.starts_with("warning:") && err.contains("nothing is encrypted"),
        "{err}"
    );
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn ports_published_on_a_remote_engines_loopback_are_warned_about() {
    let Some(env) = TestEnv::new() else { return };
    let host = host();
    let out = run_via(&env, &Via::Tls("tls-good"), &["init", "-p", "8000"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(
        err.contains(&host.address()) && err.contains("publish_address"),
        "{err}"
    );
    let id = stdout(&out).trim().to_string();
    assert_code(&run_via(&env, &Via::Tls("tls-good"), &["kill", &id]), 0);
}
