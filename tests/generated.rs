//! The committed completions and man pages are what the clap definition generates now, every
//! flag has help and every command an example, and the generated files load in their shells.
//!
//! Regenerate after changing `src/cli.rs`:
//!     DSBX_UPDATE_GENERATED=1 cargo test --test generated

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the generated files live in the repository.
const DIRS: &[&str] = &["completions", "man"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn updating() -> bool {
    std::env::var("DSBX_UPDATE_GENERATED").is_ok_and(|v| v == "1")
}

/// Files in the generated directories that the definition no longer produces.
fn leftovers(expected: &[(String, Vec<u8>)]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in DIRS {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
            if !expected.iter().any(|(path, _)| *path == rel) {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn generated_files_are_fresh() {
    let expected = dsbx::man_and_completions::files();
    if updating() {
        for dir in DIRS {
            std::fs::create_dir_all(root().join(dir)).unwrap();
        }
        for (path, bytes) in &expected {
            let full = root().join(path);
            if std::fs::read(&full).ok().as_deref() != Some(bytes.as_slice()) {
                std::fs::write(&full, bytes).unwrap();
                eprintln!("wrote {path}");
            }
        }
        for stale in leftovers(&expected) {
            std::fs::remove_file(&stale).unwrap();
            eprintln!("removed {}", stale.display());
        }
        return;
    }
    let mut stale: Vec<String> = expected
        .iter()
        .filter(|(path, bytes)| std::fs::read(root().join(path)).ok().as_deref() != Some(bytes))
        .map(|(path, _)| format!("{path} differs from what the clap definition generates"))
        .collect();
    stale.extend(
        leftovers(&expected)
            .iter()
            .map(|p| format!("{} is no longer generated", p.display())),
    );
    assert!(
        stale.is_empty(),
        "generated files are stale:\n  {}\nregenerate them with \
         `DSBX_UPDATE_GENERATED=1 cargo test --test generated` and commit the result",
        stale.join("\n  ")
    );
}

#[test]
fn every_argument_has_help_and_every_command_an_example() {
    let problems = dsbx::man_and_completions::dsbx_help_problems();
    assert!(
        problems.is_empty(),
        "help text missing in src/cli.rs:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn completions_command_prints_the_committed_script() {
    let env = TestEnv::offline("");
    for (shell, file) in [
        ("bash", "dsbx.bash"),
        ("zsh", "_dsbx"),
        ("fish", "dsbx.fish"),
        ("elvish", "dsbx.elv"),
        ("powershell", "_dsbx.ps1"),
    ] {
        let out = env.run(&["completions", shell]);
        assert_code(&out, 0);
        assert!(out.stderr.is_empty(), "{shell}: {}", stderr(&out));
        let expected = dsbx::man_and_completions::files()
            .into_iter()
            .find(|(path, _)| *path == format!("completions/{file}"))
            .unwrap()
            .1;
        assert_eq!(out.stdout, expected, "{shell}");
    }
}

#[test]
fn completions_refuse_json_and_unknown_shells() {
    let env = TestEnv::offline("");
    let out = env.run(&["completions", "bash", "--json"]);
    assert_code(&out, 2);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
    assert_eq!(v["error"]["exit_code"], 2);
    assert!(stderr(&out).contains("no --json"), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));

    let out = env.run(&["completions", "tcsh"]);
    assert_code(&out, 2);
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("tcsh"), "{}", stderr(&out));

    let out = env.run(&["completions"]);
    assert_code(&out, 2);
    assert!(out.stdout.is_empty());
}

#[test]
fn completions_need_no_valid_config() {
    // A script for the shell is no business of the config: a broken one does not stop it.
    let env = TestEnv::offline("timeout = \"5x\"\n");
    let out = env.run(&["completions", "fish"]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("complete --keep-order --exclusive --command dsbx"),
        "{}",
        stdout(&out)
    );
}

/// Runs a shell command line with the built `dsbx` first on PATH (the completion scripts call
/// `dsbx` by name) and `env`'s scope, state and config, failing the test with its output when the
/// shell is missing or the command fails.
fn shell_in(env: &TestEnv, program: &str, args: &[&str]) -> String {
    let bin_dir = dsbx_bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(program)
        .args(args)
        .current_dir(root())
        .env("HOME", env.dir.path())
        .env("PATH", path)
        .env("DSBX_STATE_DIR", &env.state_dir)
        .env("DSBX_CONFIG", &env.config)
        .env("DSBX_SCOPE", &env.scope)
        .env_remove("DOCKER_HOST")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {program} ({e}): `bash docker/test/engine-up.sh` installs it \
                 (apt-get install zsh fish elvish man-db)"
            )
        });
    assert!(
        out.status.success(),
        "{program} {args:?} exited {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Bash: loads the committed script, finds the function `complete -p dsbx` registered, and
/// calls it as bash's programmable completion would for the line `WORDS` (cursor on the last
/// word); prints one `word:` line per candidate.
fn bash_completes(env: &TestEnv, words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let line = words.join(" ");
    let script = format!(
        "source completions/dsbx.bash && spec=$(complete -p dsbx) && echo \"$spec\" && \
         fn=${{spec#*-F }} && fn=${{fn%% *}} && \
         COMP_WORDS=({words}) && COMP_CWORD={cword} && COMP_LINE='{line}' && \
         COMP_POINT={point} && COMP_TYPE=9 && \
         \"$fn\" dsbx '{cur}' '{prev}' && printf 'word:%s\\n' \"${{COMPREPLY[@]}}\"",
        words = quoted.join(" "),
        cword = words.len() - 1,
        point = line.len(),
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    shell_in(env, "bash", &["-c", &script])
}

/// Zsh: loads the committed script under compinit and calls the function compdef registered for
/// dsbx with `words` and `CURRENT` set as zsh's completion system sets them; `_describe`, which
/// only works inside a live completion widget, prints the candidates it was handed instead.
fn zsh_completes(env: &TestEnv, words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "autoload -U compinit && compinit -u -D && source completions/_dsbx && \
         print -r -- \"comp:$_comps[dsbx]\" && \
         _describe() {{ print -rl -- \"${{(@P)${{@[-1]}}}}\" }} && \
         words=({words}) && CURRENT={current} && $_comps[dsbx]",
        words = quoted.join(" "),
        current = words.len(),
    );
    shell_in(env, "zsh", &["-fc", &script])
}

/// Fish: its own `complete -C` runs the committed script's completion for the line.
fn fish_completes(env: &TestEnv, line: &str) -> String {
    shell_in(
        env,
        "fish",
        &[
            "--no-config",
            "-c",
            &format!("source completions/dsbx.fish; complete -C '{line}'"),
        ],
    )
}

#[test]
fn bash_completion_loads_and_completes() {
    // Registered for dsbx, and the function completes a subcommand and a flag.
    let env = TestEnv::offline("");
    let out = bash_completes(&env, &["dsbx", "in"]);
    assert!(out.contains("-F _clap_complete_dsbx dsbx\n"), "{out}");
    assert!(out.contains("word:init\n"), "{out}");
    let out = bash_completes(&env, &["dsbx", "init", "--ti"]);
    assert!(out.contains("word:--timeout\n"), "{out}");
    assert!(!out.contains("__helper"), "{out}");
}

#[test]
fn zsh_completion_loads_and_completes() {
    let env = TestEnv::offline("");
    let out = zsh_completes(&env, &["dsbx", "in"]);
    assert!(out.contains("comp:_clap_dynamic_completer_dsbx"), "{out}");
    assert!(out.contains("init:Create a sandbox"), "{out}");
}

#[test]
fn fish_completion_loads_and_completes() {
    let env = TestEnv::offline("");
    let out = fish_completes(&env, "dsbx in");
    assert!(out.contains("init\tCreate a sandbox"), "{out}");
    let out = fish_completes(&env, "dsbx template ");
    assert!(out.contains("build\t"), "{out}");
}

#[test]
fn elvish_completion_loads_and_completes() {
    // `edit:` exists only in an interactive elvish, so the script runs with a stand-in for the
    // completer table; everything else is the committed script, run by elvish.
    let env = TestEnv::offline("");
    let script = std::fs::read_to_string(root().join("completions/dsbx.elv")).unwrap();
    assert!(
        script.contains("set edit:completion:arg-completer[dsbx] ="),
        "{script}"
    );
    let file = env.dir.path().join("check.elv");
    std::fs::write(
        &file,
        format!(
            "var arg-completer = [&]\n\
             {}\n\
             $arg-completer[dsbx] dsbx in\n\
             $arg-completer[dsbx] dsbx template ''\n",
            script.replace("edit:completion:arg-completer", "arg-completer")
        ),
    )
    .unwrap();
    let out = shell_in(&env, "elvish", &["-norc", path_str(&file)]);
    let words: Vec<&str> = out.lines().map(|l| l.trim_start_matches("▶ ")).collect();
    assert!(words.contains(&"init"), "{out}");
    assert!(words.contains(&"build"), "{out}");
    assert!(!words.contains(&"__helper"), "{out}");
}

/// Every shell completes a live sandbox's id and name for `exec`, `kill` and `files read`, and
/// the config's templates for `init -t`: the candidates come from the engine while the shell
/// waits.
#[test]
fn each_shell_completes_live_ids_names_and_templates() {
    let Some(env) = TestEnv::with_config(
        "image = \"dsbx-test-busybox:latest\"\n[templates]\npy-tpl = \"python:3.12\"\n",
    ) else {
        return;
    };
    let name = format!("c-{}", random_suffix());
    let id = env.init(&["-n", &name]);
    let (short_id, short_name) = (&id[..3], &name[..3]);

    let out = bash_completes(&env, &["dsbx", "exec", ""]);
    assert!(out.contains(&format!("word:{id}\n")), "{out}");
    assert!(out.contains(&format!("word:{name}\n")), "{out}");
    let out = bash_completes(&env, &["dsbx", "kill", short_id]);
    assert!(out.contains(&format!("word:{id}\n")), "{out}");
    let out = bash_completes(&env, &["dsbx", "init", "-t", "py"]);
    assert!(out.contains("word:py-tpl\n"), "{out}");

    let out = zsh_completes(&env, &["dsbx", "exec", ""]);
    assert!(out.contains(&format!("{id}:{name} running")), "{out}");
    let out = zsh_completes(&env, &["dsbx", "files", "read", short_name]);
    assert!(out.contains(&format!("{name}:{id} running")), "{out}");

    let out = fish_completes(&env, "dsbx exec ");
    assert!(out.contains(&format!("{id}\t{name} running")), "{out}");
    let out = fish_completes(&env, &format!("dsbx info {short_name}"));
    assert!(out.contains(&format!("{name}\t{id} running")), "{out}");
    let out = fish_completes(&env, "dsbx init --image dsbx-test-bu");
    assert!(out.contains("dsbx-test-busybox:latest"), "{out}");
    // `dsbx cp`: `ID:` (and `NAME:`) on either side; after the colon, nothing.
    let out = fish_completes(&env, &format!("dsbx cp {short_id}"));
    assert!(out.contains(&format!("{id}:\t")), "{out}");
    let out = bash_completes(&env, &["dsbx", "cp", "./x", short_name]);
    assert!(out.contains(&format!("word:{name}:\n")), "{out}");
}

/// An engine that accepts and never answers costs the shell about a second, then nothing: the
/// prompt comes back with no candidates instead of hanging.
#[test]
fn completion_gives_up_on_a_silent_engine() {
    let env = TestEnv::offline("");
    let socket = env.dir.path().join("silent.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let started = std::time::Instant::now();
    let out = Command::new(dsbx_bin())
        .args(["--", "dsbx", "exec", ""])
        .env("DSBX_COMPLETE", "fish")
        .env("DOCKER_HOST", format!("unix://{}", socket.display()))
        .env("DSBX_STATE_DIR", &env.state_dir)
        .env("DSBX_CONFIG", &env.config)
        .env("DSBX_SCOPE", &env.scope)
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_code(&out, 0);
    // Generous hang-vs-prompt bound: the cap is one second.
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
    let text = stdout(&out);
    assert!(text.contains("--cwd"), "flags still complete: {text}");
    assert!(
        text.lines().all(|l| l.starts_with('-')),
        "nothing but flags: {text}"
    );
}

fn render_man(page: &Path) -> String {
    let out = Command::new("man")
        .args(["-l", "-P", "cat"])
        .arg(page)
        .env("MANWIDTH", "80")
        .env("MAN_KEEP_FORMATTING", "0")
        .output()
        .expect("man is installed (apt-get install man-db)");
    assert!(
        out.status.success(),
        "man -l {}: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    strip_overstrike(&String::from_utf8_lossy(&out.stdout))
}

/// nroff's bold and underline (`X\bX`, `_\bX`) as plain text.
fn strip_overstrike(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\u{8}' {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn man_pages_render() {
    let text = render_man(&root().join("man/dsbx.1"));
    assert!(text.contains("NAME"), "{text}");
    assert!(
        text.contains("dsbx - E2B-style sandboxes on your own Docker engine"),
        "{text}"
    );
    assert!(text.contains("--docker-host"), "{text}");
    assert!(text.contains("dsbx-init(1)"), "{text}");

    let text = render_man(&root().join("man/dsbx-template-build.1"));
    assert!(text.contains("dsbx-template-build"), "{text}");
    assert!(text.contains("--build-arg"), "{text}");
    assert!(text.contains("Example"), "{text}");
}

#[test]
fn every_man_page_a_page_names_exists_and_every_footer_is_dsbxs() {
    let version = env!("CARGO_PKG_VERSION");
    for (name, roff) in dsbx::man_and_completions::man_pages() {
        let text = String::from_utf8(roff).unwrap();
        let title = text.lines().find(|l| l.starts_with(".TH ")).unwrap();
        assert!(
            title.contains(&format!("\"dsbx {version}\"")),
            "{name}: {title}"
        );
        // References look like `dsbx\-init(1)` in roff.
        for part in text.split("(1)").collect::<Vec<_>>().iter().rev().skip(1) {
            let word = part
                .rsplit(|c: char| c.is_whitespace() || c == '"')
                .next()
                .unwrap()
                .replace("\\-", "-");
            if word.starts_with("dsbx") {
                assert!(
                    root().join("man").join(format!("{word}.1")).exists(),
                    "{name} refers to {word}(1), which does not exist"
                );
            }
        }
    }
}

#[test]
fn help_lists_the_topics_and_the_topics_print() {
    let env = TestEnv::offline("");
    let out = env.run(&["help"]);
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("Help topics"), "{text}");
    assert!(text.contains("  environment "), "{text}");
    assert!(text.contains("  exit-codes "), "{text}");
    assert!(text.contains("  man "), "the man command is listed: {text}");

    let out = env.run(&["help", "environment"]);
    assert_code(&out, 0);
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    for name in [
        "DSBX_CONFIG",
        "DSBX_STATE_DIR",
        "DSBX_SCOPE",
        "DOCKER_HOST",
        "NO_COLOR",
    ] {
        assert!(stdout(&out).contains(name), "{name}: {}", stdout(&out));
    }
    assert!(stdout(&out).contains("Examples:"), "{}", stdout(&out));

    // Global flags around the topic are fine; a broken config does not matter to help.
    env.write_config("timeout = \"5x\"\n");
    let out = env.run(&["--scope", "x", "help", "exit-codes"]);
    assert_code(&out, 0);
    let text = stdout(&out);
    for code in ["  0 ", "  3 ", "  4 ", "  124 ", "  125 ", "  127 "] {
        assert!(text.contains(code), "{code}: {text}");
    }

    // An unknown topic is clap's usage error, naming it.
    let out = env.run(&["help", "enviroment"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("enviroment"), "{}", stderr(&out));
}

#[test]
fn each_commands_own_flags_come_before_the_global_options() {
    let env = TestEnv::offline("");
    for command in [
        &["init"][..],
        &["exec"],
        &["get-host"],
        &["files", "write"],
        &["man"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let out = env.run(&args);
        assert_code(&out, 0);
        let text = stdout(&out);
        let own = text.find("\nOptions:").unwrap_or_else(|| panic!("{text}"));
        let global = text
            .find("\nGlobal options:")
            .unwrap_or_else(|| panic!("{text}"));
        assert!(own < global, "{command:?}: {text}");
        assert!(text[global..].contains("--json"), "{command:?}: {text}");
        assert!(
            !text[..global].contains("--docker-host"),
            "{command:?}: {text}"
        );
        assert!(text.contains("Examples:"), "{command:?}: {text}");
    }
}

#[test]
fn man_writes_the_committed_pages_where_man_finds_them() {
    let env = TestEnv::offline("");
    let dir = env.dir.path().join("pages");
    let out = env.run(&["man", "--dir", path_str(&dir)]);
    assert_code(&out, 0);
    let expected = dsbx::man_and_completions::man_pages();
    assert_eq!(
        stdout(&out).lines().count(),
        expected.len(),
        "{}",
        stdout(&out)
    );
    for (name, roff) in &expected {
        assert_eq!(&std::fs::read(dir.join(name)).unwrap(), roff, "{name}");
        assert!(
            stdout(&out).contains(&format!("/{name}\n")),
            "{}",
            stdout(&out)
        );
    }
    assert!(stderr(&out).contains("man pages into"), "{}", stderr(&out));

    // Without --dir: the user's own man directory, which man searches through MANPATH.
    let home = env.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = env
        .dsbx()
        .arg("man")
        .env("HOME", &home)
        .env_remove("XDG_DATA_HOME")
        .output()
        .unwrap();
    assert_code(&out, 0);
    let man_dir = home.join(".local/share/man");
    assert!(man_dir.join("man1/dsbx-init.1").exists());
    let shown = Command::new("man")
        .args(["-P", "cat", "dsbx-init"])
        .env("MANPATH", &man_dir)
        .env("MANWIDTH", "80")
        .output()
        .expect("man is installed (apt-get install man-db)");
    assert!(shown.status.success(), "{}", stderr(&shown));
    assert!(strip_overstrike(&stdout(&shown)).contains("--timeout"));

    // --json: where, and which pages.
    let out = env.run(&["man", "--dir", path_str(&dir), "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pages"].as_array().unwrap().len(), expected.len());

    // A directory that cannot be made: one line, exit 1, nothing on stdout.
    let file = env.dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = env.run(&["man", "--dir", path_str(&file.join("sub"))]);
    assert_code(&out, 1);
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("cannot create the man page directory"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).trim().lines().count(), 1, "{}", stderr(&out));
}
