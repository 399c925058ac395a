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

#[test]
fn the_contributors_command_is_what_ci_runs() {
    // The README's second sh block: the engine set-up, then the test command. CI (`.ci/run`) runs
    // both, word for word, so what the README promises contributors is what CI proves.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    let block = readme
        .split("```sh\n")
        .nth(2)
        .and_then(|b| b.split("\n```").next())
        .expect("a second sh block: the contributors' command");
    let before = readme.split(block).next().unwrap();
    assert!(
        before.contains("contributors"),
        "the block is marked as the contributors' one"
    );
    let commands: Vec<&str> = block.trim().split(" && ").collect();
    assert_eq!(commands.len(), 2, "{block}");
    for command in commands {
        assert!(
            ci.lines().any(|l| l.trim() == command),
            "`{command}` is not a line of .ci/run"
        );
    }
}

/// The README's session: `$ ` lines are commands, the lines after each are what it printed.
fn session() -> Vec<(String, Vec<String>)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("\n## A session\n")
        .nth(1)
        .expect("an `A session` section");
    let block = section
        .split("```console\n")
        .nth(1)
        .expect("a console block");
    let block = block.split("\n```").next().unwrap();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in block.lines() {
        match line.strip_prefix("$ ") {
            Some(command) => out.push((command.to_string(), Vec::new())),
            None => out
                .last_mut()
                .expect("a command first")
                .1
                .push(line.to_string()),
        }
    }
    out
}

/// Output with what differs between runs made alike: sandbox ids, hex tags, numbers, spacing.
fn normalized(text: &str, ids: &[&str]) -> String {
    let mut text = text.to_string();
    for id in ids {
        text = text.replace(id, "<ID>");
    }
    // A run of letters and digits with a digit in it (a number, a pid, a hex tag, `29m`) is `N`.
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.chars().any(|c| c.is_ascii_digit()) {
            out.push('N');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_readme_session_is_what_dsbx_prints() {
    let _turn = engine_lock("dsbx-base-build");
    let Some(env) = TestEnv::with_config("") else {
        return;
    };
    let steps = session();
    assert!(steps.len() >= 8, "{}", steps.len());
    // Each command prints a marker first, so the output can be cut into each command's part. As
    // at a prompt, a failing command (the session shows one) does not end the session.
    let script: String = std::iter::once("set +e +o pipefail\n".to_string())
        .chain(
            steps
                .iter()
                .map(|(command, _)| format!("echo '@@step'\n{{ {command}\n}} 2>&1\n")),
        )
        .collect();
    let out = run_script(&env, &script, &env.dir.path().join("session"));
    assert_code(&out, 0);
    let text = stdout(&out);
    let actual: Vec<&str> = text.split("@@step\n").skip(1).collect();
    assert_eq!(actual.len(), steps.len(), "{text}");
    // The recorded run's id is what its last command (kill) printed; this run's likewise.
    let recorded_id = steps.last().unwrap().1[0].clone();
    let actual_id = actual.last().unwrap().trim();
    for ((command, recorded), actual) in steps.iter().zip(&actual) {
        assert_eq!(
            normalized(actual, &[actual_id]),
            normalized(&recorded.join("\n"), &[&recorded_id]),
            "`{command}` printed:\n{actual}\nthe README shows:\n{}",
            recorded.join("\n")
        );
    }
}
