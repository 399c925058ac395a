//! The README's first lines and its quick start, run word for word (all but `cargo install`,
//! which the freshly built binary stands in for) against the real engine.

mod common;

use common::*;

/// The first ```sh block after the `## Quick start` heading.
fn quick_start() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("\n## Quick start\n")
        .nth(1)
        .expect("a Quick start section");
    let block = section.split("```sh\n").nth(1).expect("a sh block");
    block.split("\n```").next().unwrap().to_string()
}

/// Runs `script` with bash in `work`, the freshly built dsbx first on PATH, in `env`'s scope.
fn run_script(env: &TestEnv, script: &str, work: &std::path::Path) -> std::process::Output {
    let bin_dir = dsbx_bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::fs::create_dir_all(work).unwrap();
    env.command("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(work)
        .env("PATH", path)
        .output()
        .unwrap()
}

#[test]
fn the_first_line_installs_nothing_else_and_runs_the_main_job() {
    // The default image is the engine's, shared with the other tests that build it.
    let _turn = engine_lock("dsbx-base-build");
    // No config at all: the defaults, as on a fresh machine.
    let Some(env) = TestEnv::with_config("") else {
        return;
    };
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let first = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.lines().next())
        .expect("a first sh block");
    let job = first
        .strip_prefix("cargo install --path . && ")
        .unwrap_or_else(|| panic!("the first line installs dsbx first: {first}"));
    let out = run_script(&env, job, &env.dir.path().join("first"));
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("Python 3."), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with('v') && l.contains('.')),
        "node's version: {text}"
    );
    assert_eq!(env.containers().len(), 1);
}

#[test]
fn quick_start_runs_as_written() {
    let Some(env) = TestEnv::new() else { return };
    let script = quick_start();
    let lines: Vec<&str> = script
        .lines()
        .filter(|l| !l.starts_with("cargo install"))
        .collect();
    assert!(lines.iter().any(|l| l.contains("dsbx init")), "{script}");
    let work = env.dir.path().join("work");
    let out = run_script(&env, &lines.join("\n"), &work);
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("hello from "), "{text}");
    assert!(text.contains("print(\"hi\")"), "{text}");
    assert!(
        text.contains("http://127.0.0.1:"),
        "the get-host URL: {text}"
    );
    let os_release = std::fs::read_to_string(work.join("os-release")).unwrap();
    assert!(os_release.contains("Debian"), "{os_release}");
    assert!(
        env.containers().is_empty(),
        "the quick start ends with kill"
    );
}
