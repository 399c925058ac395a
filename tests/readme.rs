//! The README's quick start, run word for word (all but `cargo install`, which the freshly built
//! binary stands in for) against the real engine.

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

#[test]
fn quick_start_runs_as_written() {
    let Some(env) = TestEnv::new() else { return };
    let script = quick_start();
    let lines: Vec<&str> = script
        .lines()
        .filter(|l| !l.starts_with("cargo install"))
        .collect();
    assert!(lines.iter().any(|l| l.contains("dsbx init")), "{script}");
    let bin_dir = dsbx_bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let work = env.dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let out = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &lines.join("\n")])
        .current_dir(&work)
        .env("PATH", path)
        .env("DSBX_STATE_DIR", &env.state_dir)
        .env("DSBX_CONFIG", &env.config)
        .env("DSBX_SCOPE", &env.scope)
        .output()
        .unwrap();
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
