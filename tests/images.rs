//! Images: `dsbx template build`, the default image built by `init` when missing (once, under a
//! host lock), and pulls from a real local registry (Debian's `docker-registry`), with and
//! without credentials from a test-owned `DOCKER_CONFIG`.

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Removes image tags when the test ends (declare it before the `TestEnv`, so the sandboxes go
/// first and the tags are no longer in use).
struct Tags(Vec<String>);

impl Drop for Tags {
    fn drop(&mut self) {
        for t in &self.0 {
            let _ = docker(&["rmi", t]);
        }
    }
}

fn image_exists(name: &str) -> bool {
    docker(&["image", "inspect", name]).status.success()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn template_build_streams_the_context_and_tags_the_image() {
    let Some(env) = TestEnv::new() else { return };
    let tag = format!("dsbx-test-tpl-{}:v1", env.scope);
    let _tags = Tags(vec![tag.clone()]);
    let ctx = env.dir.path().join("ctx");
    std::fs::create_dir_all(ctx.join("sub")).unwrap();
    write(&ctx, "data.txt", "from the context\n");
    write(&ctx.join("sub"), "more.txt", "nested\n");
    let file = write(
        &ctx,
        "app.Dockerfile",
        "FROM dsbx-test-busybox\nCOPY data.txt /data.txt\nCOPY sub/more.txt /more.txt\nARG MSG=none\nRUN echo \"$MSG\" > /msg\n",
    );
    let out = env.run(&[
        "template",
        "build",
        "--file",
        path_str(&file),
        "--tag",
        &tag,
        "--build-arg",
        "MSG=hello arg",
    ]);
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    assert!(id.starts_with("sha256:"), "stdout is the image id: {id}");
    assert_eq!(inspect(&tag, "{{.Id}}"), id);
    assert!(stderr(&out).contains(&format!("Building image {tag}")));
    let run = docker(&["run", "--rm", &tag, "cat", "/data.txt", "/more.txt", "/msg"]);
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "from the context\nnested\nhello arg\n"
    );

    // --json: one object with the image and its id.
    let out = env.run(&[
        "--json",
        "template",
        "build",
        "--file",
        path_str(&file),
        "--tag",
        &tag,
        "--build-arg",
        "MSG=hello arg",
    ]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["image"], tag.as_str());
    assert_eq!(v["id"], id.as_str());
    assert!(v["duration_ms"].is_u64());
}

#[test]
fn failed_build_shows_the_step_and_leaves_no_tag() {
    let Some(env) = TestEnv::new() else { return };
    let tag = format!("dsbx-test-fail-{}:v1", env.scope);
    let _tags = Tags(vec![tag.clone()]);
    let file = write(
        env.dir.path(),
        "Dockerfile",
        "FROM dsbx-test-busybox\nRUN echo fine\nRUN echo the-step-said-this >&2; exit 7\nRUN echo never\n",
    );
    let out = env.run(&[
        "template",
        "build",
        "--file",
        path_str(&file),
        "--tag",
        &tag,
    ]);
    assert_code(&out, 1);
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.contains("the-step-said-this"), "{err}");
    assert!(
        err.contains(&format!(
            "error: building image {tag} failed at Step 3/4 : RUN echo"
        )),
        "{err}"
    );
    assert!(err.contains("returned a non-zero code: 7"), "{err}");
    assert!(!err.contains("echo never"), "{err}");
    assert!(!image_exists(&tag), "a failed build left the tag {tag}");

    // The same under --json: the error object, and still no tag.
    let out = env.run(&[
        "--json",
        "template",
        "build",
        "--file",
        path_str(&file),
        "--tag",
        &tag,
    ]);
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "failed");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("failed at Step 3/4")
    );
    assert!(!image_exists(&tag));
}

#[test]
fn template_build_bad_input() {
    let Some(env) = TestEnv::new() else { return };
    let missing = env.dir.path().join("no-such-Dockerfile");
    let out = env.run(&["template", "build", "--file", path_str(&missing)]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("cannot read Dockerfile") && stderr(&out).contains("no-such"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["template", "build", "--file", path_str(env.dir.path())]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("is not a file"), "{}", stderr(&out));
    let out = env.run(&["template", "build", "--tag", "Bad Tag"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("invalid image name `Bad Tag`"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["template", "build", "--tag", "x:", "--json"]);
    assert_code(&out, 2);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
    let out = env.run(&["template", "build", "--build-arg", "NOEQUALS"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains(
            "invalid value 'NOEQUALS' for '--build-arg <K=V>': `NOEQUALS` is not KEY=VALUE"
        ),
        "{}",
        stderr(&out)
    );
    // Bad image names for init are usage errors too, before anything is made.
    let out = env.run(&["init", "--image", "UPPER:x"]);
    assert_code(&out, 2);
    assert!(env.containers().is_empty());
}

/// Two inits at once with the default image missing: one builds it, the other waits for the
/// build and builds nothing, and both get a sandbox. The image is the real compiled-in
/// Dockerfile on the local Debian base, under a tag of this test's own; the engine's build cache
/// (kept warm by `base_image.rs` and by earlier runs) makes the build take seconds, and the first
/// run on a fresh machine pays one real build (about a minute here).
#[test]
fn parallel_inits_build_the_default_image_once() {
    let _turn = engine_lock("dsbx-base-build");
    let tag = format!("dsbx-base:t-{}", random_suffix());
    let _tags = Tags(vec![tag.clone()]);
    let config = format!("image = \"{tag}\"\n[build]\nbase = \"debian:bookworm-slim\"\n");
    // Two callers that share nothing but the host and the engine: their own state directories,
    // scopes and runtime directories (as root's cron and a user's shell would have).
    let Some(env) = TestEnv::with_config(&config) else {
        return;
    };
    let Some(other) = TestEnv::with_config(&config) else {
        return;
    };
    assert_ne!(env.state_dir, other.state_dir);
    assert_ne!(env.scope, other.scope);
    assert!(!image_exists(&tag));
    let started = Instant::now();
    let spawn = |e: &TestEnv| {
        Command::new(dsbx_bin())
            .arg("init")
            .env("DSBX_STATE_DIR", &e.state_dir)
            .env("DSBX_CONFIG", &e.config)
            .env("DSBX_SCOPE", &e.scope)
            .env("XDG_RUNTIME_DIR", &e.state_dir)
            .env("NO_COLOR", "1")
            .env_remove("DSBX_IMAGE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(&env), spawn(&other));
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    eprintln!(
        "two inits with a build: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut builds = 0;
    for out in &outs {
        assert_code(out, 0);
        let id = stdout(out).trim().to_string();
        assert_eq!(id.len(), 12, "{id}");
        assert_eq!(inspect(&format!("dsbx-{id}"), "{{.Config.Image}}"), tag);
        assert_eq!(inspect(&format!("dsbx-{id}"), "{{.State.Running}}"), "true");
        assert_eq!(
            inspect(
                &format!("dsbx-{id}"),
                "{{index .Config.Labels \"dsbx.user\"}}"
            ),
            "user"
        );
        if stderr(out).contains(&format!("Building image {tag}")) {
            builds += 1;
        }
        // On a pipe, a build says that it builds, not each step.
        assert!(!stderr(out).contains("Step 1/"), "{}", stderr(out));
    }
    assert_eq!(
        builds,
        1,
        "exactly one init builds:\n{}\n---\n{}",
        stderr(&outs[0]),
        stderr(&outs[1])
    );
    assert_eq!(env.containers().len(), 1);
    assert_eq!(other.containers().len(), 1);
    drop(env);
    drop(other);
}

#[test]
fn init_shows_the_default_image_build_on_a_terminal() {
    let _turn = engine_lock("dsbx-base-build");
    let tag = format!("dsbx-base:t-{}", random_suffix());
    let _tags = Tags(vec![tag.clone()]);
    let Some(env) = TestEnv::with_config(&format!(
        "image = \"{tag}\"\n[build]\nbase = \"debian:bookworm-slim\"\n"
    )) else {
        return;
    };
    assert!(!image_exists(&tag));
    let out = env.run_on_tty("init");
    assert_code(&out, 0);
    let shown = stdout(&out);
    assert!(shown.contains(&format!("Building image {tag}")), "{shown}");
    // The engine's steps as they run, from the first to the built-in Dockerfile's last.
    let steps: Vec<&str> = shown.lines().filter(|l| l.starts_with("Step ")).collect();
    let total = steps
        .first()
        .and_then(|s| s.strip_prefix("Step 1/"))
        .and_then(|s| s.split(' ').next())
        .unwrap_or_else(|| panic!("no first step shown:\n{shown}"));
    assert!(
        steps
            .iter()
            .any(|s| s.starts_with(&format!("Step {total}/{total} "))),
        "{steps:?}"
    );
    assert!(shown.contains("Successfully built"), "{shown}");
    // The terminal's `Sandbox ID:` line names the sandbox, which runs the image just built.
    let id = shown
        .lines()
        .find_map(|l| l.strip_prefix("Sandbox ID: "))
        .unwrap_or_else(|| panic!("no Sandbox ID line:\n{shown}"))
        .trim();
    assert_eq!(id.len(), 12, "{shown}");
    assert_eq!(inspect(&format!("dsbx-{id}"), "{{.Config.Image}}"), tag);
    assert_eq!(inspect(&format!("dsbx-{id}"), "{{.State.Running}}"), "true");
    drop(env);
}

/// A `docker-registry serve` of the test's own on a free loopback port, stopped on drop.
struct Registry {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Registry {
    fn start(htpasswd: Option<&str>) -> Registry {
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: dsbx-test\n",
            dir.path().join("data").display()
        );
        if let Some(entry) = htpasswd {
            let path = write(dir.path(), "htpasswd", entry);
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: dsbx-test\n    path: {}\n",
                path.display()
            ));
        }
        let config_path = write(dir.path(), "config.yml", &config);
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry (Debian's package; docker/test/engine-up.sh installs it)");
        let registry = Registry {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = s.write_all(b"GET /v2/ HTTP/1.0\r\n\r\n");
                let mut answer = String::new();
                let _ = s.read_to_string(&mut answer);
                if answer.starts_with("HTTP/") {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "the registry did not answer");
            std::thread::sleep(Duration::from_millis(100));
        }
        registry
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Docker config directory of the test's own, with `auths` for `host`.
fn docker_config(dir: &Path, host: &str, user: &str, password: &str) -> PathBuf {
    use base64::Engine as _;
    let cfg = dir.join("docker-config");
    std::fs::create_dir_all(&cfg).unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    write(
        &cfg,
        "config.json",
        &format!(r#"{{"auths":{{"{host}":{{"auth":"{auth}"}}}}}}"#),
    );
    cfg
}

fn push(config: Option<&Path>, image: &str) {
    let mut args: Vec<String> = Vec::new();
    if let Some(c) = config {
        args.extend(["--config".into(), path_str(c).to_string()]);
    }
    args.extend(["push".into(), image.into()]);
    let out = docker(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "push {image}: {}", stderr(&out));
    let out = docker(&["rmi", image]);
    assert!(out.status.success(), "rmi {image}: {}", stderr(&out));
    assert!(!image_exists(image));
}

#[test]
fn init_pulls_a_missing_image_from_a_registry() {
    let registry = Registry::start(None);
    let image = format!("{}/dsbx-test/busybox:{}", registry.host(), random_suffix());
    let missing = format!("{}/dsbx-test/absent:v1", registry.host());
    let mut tags = Tags(vec![image.clone()]);
    let Some(env) = TestEnv::new() else { return };
    // A layer of its own, so that each pull below really downloads something.
    let ctx = env.dir.path().join("unique");
    std::fs::create_dir_all(&ctx).unwrap();
    write(
        &ctx,
        "Dockerfile",
        &format!("FROM {BUSYBOX}\nRUN echo {} > /unique\n", random_suffix()),
    );
    let built = docker(&["build", "-q", "-t", &image, path_str(&ctx)]);
    assert!(built.status.success(), "{}", stderr(&built));
    push(None, &image);

    let out = env.run(&["init", "--image", &image]);
    assert_code(&out, 0);
    let id = stdout(&out).trim().to_string();
    assert_eq!(id.len(), 12, "stdout is the id alone: {id}");
    // Off a terminal: one notice, no progress bars or layer lines.
    let err = stderr(&out);
    assert!(err.contains(&format!("Pulling image {image}")), "{err}");
    assert!(
        !err.contains("Pull complete") && !err.contains("Downloading"),
        "{err}"
    );
    assert!(image_exists(&image));
    assert_eq!(inspect(&format!("dsbx-{id}"), "{{.Config.Image}}"), image);
    assert_eq!(inspect(&format!("dsbx-{id}"), "{{.State.Running}}"), "true");

    // Each pull below starts from nothing: the sandboxes using the image go, then the image.
    let untag = || {
        assert_code(&env.run(&["kill", "--all"]), 0);
        let out = docker(&["rmi", &image]);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    // On a terminal: per-layer progress.
    untag();
    let out = env.run_on_tty(&format!("init --image {image}"));
    assert_code(&out, 0);
    let shown = stdout(&out);
    assert!(
        shown.contains("Pull complete") && shown.contains(&format!("Pulling image {image}")),
        "{shown}"
    );

    // --quiet: a real pull again, with nothing on stderr at all when it works.
    untag();
    let out = env.run(&["--quiet", "init", "--image", &image]);
    assert_code(&out, 0);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert!(image_exists(&image));

    // --json: a real pull, stdout one JSON object, no progress anywhere.
    untag();
    let out = env.run(&["--json", "init", "--image", &image]);
    assert_code(&out, 0);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    assert_eq!(v["image"], image.as_str());
    assert!(!stderr(&out).contains("Pull complete"), "{}", stderr(&out));
    assert!(image_exists(&image));

    // An image the registry lacks: exit 1, the registry's answer, nothing left behind.
    let before = env.containers().len();
    let out = env.run(&["init", "--image", &missing]);
    assert_code(&out, 1);
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains(&format!("error: cannot pull image {missing}: "))
            && err.contains("manifest unknown"),
        "{err}"
    );
    assert_eq!(env.containers().len(), before);
    assert!(!image_exists(&missing));
    assert!(!env.state_text().contains("absent"), "{}", env.state_text());

    // --platform: a platform the image lacks fails clearly (on the pull with newer engines, on
    // the create with 20.10, which pulls the single-platform image anyway); the right one works.
    let other = format!("{}/dsbx-test/platform:{}", registry.host(), random_suffix());
    tags.0.push(other.clone());
    assert!(docker(&["tag", BUSYBOX, &other]).status.success());
    push(None, &other);
    let out = env.run(&["init", "--image", &other, "--platform", "linux/arm64"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("linux/arm64"), "{}", stderr(&out));
    assert_eq!(env.containers().len(), before);
    let out = env.run(&["init", "--image", &other, "--platform", "linux/amd64"]);
    assert_code(&out, 0);
    let before = env.containers().len();

    // --json: the error object names the image.
    let out = env.run(&["init", "--json", "--image", &missing]);
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "failed");
    assert_eq!(v["error"]["exit_code"], 1);
    assert!(v["error"]["message"].as_str().unwrap().contains(&missing));
    assert_eq!(env.containers().len(), before);
    drop(env);
}

#[test]
fn registry_credentials_come_from_the_docker_config() {
    // bcrypt, as the registry's htpasswd auth requires (`htpasswd -B` from apache2-utils).
    let entry = Command::new("htpasswd")
        .args(["-nbB", "alice", "s3cret-pw"])
        .output()
        .expect("htpasswd (apache2-utils; docker/test/engine-up.sh installs it)");
    let entry = String::from_utf8(entry.stdout).unwrap();
    assert!(entry.starts_with("alice:$2"), "{entry}");
    let registry = Registry::start(Some(&entry));
    let image = format!("{}/dsbx-test/private:{}", registry.host(), random_suffix());
    let _tags = Tags(vec![image.clone()]);
    let Some(env) = TestEnv::new() else { return };
    let good = docker_config(env.dir.path(), &registry.host(), "alice", "s3cret-pw");
    assert!(docker(&["tag", BUSYBOX, &image]).status.success());
    push(Some(&good), &image);

    // No credentials (an empty Docker config of the test's own): exit 1, the registry's answer.
    let empty = env.dir.path().join("empty-config");
    std::fs::create_dir_all(&empty).unwrap();
    let out = env
        .dsbx()
        .env("DOCKER_CONFIG", &empty)
        .args(["init", "--image", &image])
        .output()
        .unwrap();
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("error: cannot pull image {image}: "))
            && err.contains("no basic auth credentials")
            && err.contains(&format!("docker login {}", registry.host())),
        "{err}"
    );
    assert!(env.containers().is_empty());
    assert!(!image_exists(&image));

    // Wrong password: refused, nothing left.
    let wrong_dir = env.dir.path().join("wrong");
    std::fs::create_dir_all(&wrong_dir).unwrap();
    let wrong = docker_config(&wrong_dir, &registry.host(), "alice", "nope");
    let out = env
        .dsbx()
        .env("DOCKER_CONFIG", &wrong)
        .args(["init", "--image", &image])
        .output()
        .unwrap();
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("unauthorized") || stderr(&out).contains("authentication"),
        "{}",
        stderr(&out)
    );
    assert!(env.containers().is_empty());

    // A config.json that does not parse is named.
    let broken = env.dir.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    write(&broken, "config.json", "{nope");
    let out = env
        .dsbx()
        .env("DOCKER_CONFIG", &broken)
        .args(["init", "--image", &image])
        .output()
        .unwrap();
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("config.json does not parse"),
        "{}",
        stderr(&out)
    );
    assert!(env.containers().is_empty());

    // The right credentials: pulled, and the sandbox runs.
    let out = env
        .dsbx()
        .env("DOCKER_CONFIG", &good)
        .args(["init", "--image", &image])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains(&format!(
            "credentials for {} from the Docker config",
            registry.host()
        )),
        "{}",
        stderr(&out)
    );
    let id = stdout(&out).trim().to_string();
    assert_eq!(inspect(&format!("dsbx-{id}"), "{{.State.Running}}"), "true");
    drop(env);
}

#[test]
fn the_default_image_is_built_from_build_base_and_a_failed_build_leaves_nothing() {
    // A default-image tag of this test's own (init builds any `dsbx-base:…` that is missing),
    // and a base that exists nowhere: the build must fail at the compiled-in Dockerfile's FROM,
    // which shows that `[build] base` reached it as `ARG BASE`.
    let tag = format!("dsbx-base:fail-{}", random_suffix());
    let _tags = Tags(vec![tag.clone()]);
    let Some(env) = TestEnv::with_config(&format!(
        "image = \"{tag}\"\n[build]\nbase = \"dsbx-no-such-base:never\"\n"
    )) else {
        return;
    };
    let out = env.run(&["init"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains(&format!("Building image {tag}")), "{err}");
    assert!(
        err.lines().any(
            |l| l.starts_with(&format!("error: building image {tag} failed at Step "))
                && l.contains("FROM ${BASE} (BASE=dsbx-no-such-base:never)")
        ),
        "{err}"
    );
    assert!(!image_exists(&tag), "a failed build left the tag {tag}");
    assert!(env.containers().is_empty(), "{:?}", env.containers());
    assert!(
        !env.state_text().contains("[sandboxes."),
        "{}",
        env.state_text()
    );

    // `template build` with no --file builds the compiled-in Dockerfile, and with no --tag tags
    // the config's image: the same base, the same failure, the same tag left absent.
    let out = env.run(&["template", "build"]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("building image {tag} failed"))
            && err.contains("(BASE=dsbx-no-such-base:never)"),
        "{err}"
    );
    assert!(!image_exists(&tag));
    // --build-arg BASE=… overrides the config's base for one build.
    let out = env.run(&[
        "template",
        "build",
        "--build-arg",
        "BASE=dsbx-other-missing:x",
    ]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("dsbx-other-missing"),
        "{}",
        stderr(&out)
    );
}
