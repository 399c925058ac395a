//! The default image: `dsbx init` with the default image missing builds `docker/Dockerfile`
//! (compiled into dsbx) on the local Debian base, and the sandbox is useful as `user` in
//! /home/user: python3, node, git, `pip install`, `npm install -g`, and `apt-get install` as root.
//!
//! The commands run through `dsbx exec` (as the sandbox's user) and `dsbx exec --root`.
//!
//! HTTPS from containers on this machine needs the host's CA bundle (its TLS is signed by an
//! authority only the host trusts): the TEST mounts it and points pip and npm at it; the image does
//! not depend on it. The image is built once per run under a tag of this run's own; afterwards it
//! stays tagged `dsbx-base:dsbx-test-cache` so the engine's build cache stays warm for the next
//! run and for `images.rs`'s parallel-init test.

mod common;

use common::*;
use std::time::Instant;

const CA: &str = "/etc/ssl/certs/ca-certificates.crt";
const CACHE_TAG: &str = "dsbx-base:dsbx-test-cache";

/// `dsbx exec ID SCRIPT` (one string: through /bin/sh -c), as the sandbox's user or as root.
fn sh_as(env: &TestEnv, id: &str, root: bool, script: &str) -> std::process::Output {
    if root {
        env.run(&["exec", "--root", id, script])
    } else {
        env.run(&["exec", id, script])
    }
}

#[track_caller]
fn ok(out: &std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({:?})\nstdout: {}\nstderr: {}",
        out.status.code(),
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

#[test]
fn default_image_builds_and_works_as_user() {
    let _turn = engine_lock("dsbx-base-build");
    let tag = format!("dsbx-base:t-{}", random_suffix());
    let Some(env) = TestEnv::with_config(&format!(
        "image = \"{tag}\"\ntimeout = \"30m\"\n[build]\nbase = \"debian:bookworm-slim\"\n"
    )) else {
        return;
    };
    assert!(!docker(&["image", "inspect", &tag]).status.success());
    let started = Instant::now();
    let ca_mount = format!("{CA}:{CA}:ro");
    let mut args = vec!["init", "-v", &ca_mount];
    let envs = [
        format!("PIP_CERT={CA}"),
        format!("REQUESTS_CA_BUNDLE={CA}"),
        format!("NODE_EXTRA_CA_CERTS={CA}"),
    ];
    for e in &envs {
        args.extend(["-e", e.as_str()]);
    }
    let out = env.run(&args);
    let build_secs = started.elapsed().as_secs_f64();
    assert_code(&out, 0);
    eprintln!("default image build + init: {build_secs:.1} s");
    assert!(
        stderr(&out).contains(&format!(
            "Building image {tag} from dsbx's built-in Dockerfile"
        )),
        "{}",
        stderr(&out)
    );
    let id = stdout(&out).trim().to_string();
    let c = format!("dsbx-{id}");
    // Keep the layers cached for the next run, whatever happens below.
    let _ = docker(&["tag", &tag, CACHE_TAG]);
    assert_eq!(inspect(&c, "{{.Config.Image}}"), tag);
    assert_eq!(
        inspect(&c, "{{index .Config.Labels \"dsbx.user\"}}"),
        "user"
    );

    let who = ok(
        &sh_as(&env, &id, false, "id -un; id -u; pwd; echo $HOME"),
        "id",
    );
    assert_eq!(who, "user\n1000\n/home/user\n/home/user\n");
    let versions = ok(
        &sh_as(
            &env,
            &id,
            false,
            "bash --version | head -1; python3 --version; node --version; npm --version; git --version; curl --version | head -1; ps --version",
        ),
        "versions",
    );
    for needle in [
        "GNU bash",
        "Python 3",
        "v18",
        "git version",
        "curl ",
        "procps",
    ] {
        assert!(versions.contains(needle), "{needle} missing: {versions}");
    }
    assert!(
        !sh_as(&env, &id, false, "command -v sudo").status.success(),
        "no sudo"
    );

    let py = ok(
        &sh_as(
            &env,
            &id,
            false,
            "cd /home/user && pip install --quiet six && python3 -c 'import six; print(\"six\", six.__version__)' && pip show six | grep '^Location'",
        ),
        "pip install as user",
    );
    assert!(py.starts_with("six "), "{py}");
    assert!(py.contains("/home/user/.venv/"), "{py}");

    let npm = ok(
        &sh_as(
            &env,
            &id,
            false,
            "cd /home/user && npm install -g --no-audit --no-fund semver >/dev/null && command -v semver && semver 1.2.3",
        ),
        "npm install -g as user",
    );
    assert_eq!(npm, "/home/user/.npm-global/bin/semver\n1.2.3\n");

    let git = ok(
        &sh_as(
            &env,
            &id,
            false,
            "cd /home/user && git init -q repo && cd repo && git -c user.email=a@b -c user.name=a commit -q --allow-empty -m m && git log --oneline | wc -l",
        ),
        "git as user",
    );
    assert_eq!(git.trim(), "1");

    let apt = ok(
        &sh_as(
            &env,
            &id,
            true,
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq >/dev/null && jq --version",
        ),
        "apt-get install as root",
    );
    assert!(apt.starts_with("jq-"), "{apt}");
    eprintln!(
        "whole base-image test: {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let out = env.run(&["kill", &id]);
    assert_code(&out, 0);
    drop(env);
    let _ = docker(&["rmi", &tag]);
}
