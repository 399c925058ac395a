//! What people bring from the tools they already use (docker, kubectl, gh): `-q` everywhere,
//! `ls` filters and tables that fit the terminal, docker's aliases, `cp`, `-p HOST:PORT`,
//! `shell`, and "did you mean" pointing at the right command.

mod common;

use common::*;

fn lines(out: &std::process::Output) -> Vec<String> {
    stdout(out).lines().map(str::to_string).collect()
}

#[test]
fn ls_quiet_prints_ids_only_and_filters_by_status_and_label() {
    let Some(env) = TestEnv::new() else { return };
    let core = env.init(&["-l", "team=core", "-l", "tier=web"]);
    let other = env.init(&["-l", "team=infra"]);
    assert_code(&env.run(&["pause", &other]), 0);

    // -q, --quiet and --ids all mean ids only, never a table.
    for flag in ["-q", "--quiet", "--ids"] {
        let out = env.run(&["ls", flag]);
        assert_code(&out, 0);
        assert_eq!(lines(&out), vec![core.clone(), other.clone()], "{flag}");
    }
    let out = env.run(&["-q", "ls", "--status", "paused"]);
    assert_eq!(lines(&out), vec![other.clone()]);
    let out = env.run(&["ls", "-q", "--status", "running,paused"]);
    assert_eq!(lines(&out).len(), 2);
    let out = env.run(&["ls", "-q", "--label", "team=core"]);
    assert_eq!(lines(&out), vec![core.clone()]);
    let out = env.run(&["ls", "-q", "--label", "team", "--label", "tier=web"]);
    assert_eq!(lines(&out), vec![core.clone()]);
    let out = env.run(&["ls", "-q", "--label", "team=nobody"]);
    assert_code(&out, 0);
    assert!(out.stdout.is_empty());

    // The labels are in --json, in full.
    let out = env.run(&["ls", "--json", "--label", "team=core"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sandboxes"][0]["labels"]["tier"], "web");
    assert_eq!(v["sandboxes"].as_array().unwrap().len(), 1);

    // A status no sandbox can have: one clear line, exit 2.
    let out = env.run(&["ls", "--status", "sleeping"]);
    assert_code(&out, 2);
    assert!(out.stdout.is_empty());
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown status `sleeping`"));
    assert!(stderr(&out).contains("running, paused"));
}

#[test]
fn ls_table_fits_columns_shows_scope_and_keeps_full_values_in_json() {
    let Some(env) = TestEnv::new() else { return };
    let name = format!("a-rather-long-sandbox-name-{}", random_suffix());
    let id = env.init(&["-n", &name, "-p", "9000", "-p", "80", "-p", "8080"]);

    // Ports in a stable order (by sandbox port), in the table and in --json.
    let out = env.run(&["ls"]);
    let row = stdout(&out)
        .lines()
        .find(|l| l.starts_with(&id))
        .unwrap()
        .to_string();
    let at = |p: &str| {
        row.find(&format!("->{p}"))
            .unwrap_or_else(|| panic!("{row}"))
    };
    assert!(at("80,") < at("8080") && at("8080") < at("9000"), "{row}");
    assert!(row.contains(&name), "a pipe gets whole values: {row}");
    let out = env.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ports: Vec<u64> = v["sandboxes"][0]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["port"].as_u64().unwrap())
        .collect();
    assert_eq!(ports, vec![80, 8080, 9000]);
    assert_eq!(v["sandboxes"][0]["name"], name.as_str());

    // COLUMNS=70: every line fits, the id stays whole, long values end with `…`.
    let out = env.dsbx().env("COLUMNS", "70").arg("ls").output().unwrap();
    assert_code(&out, 0);
    for line in stdout(&out).lines() {
        assert!(line.chars().count() <= 70, "{} chars: {line}", line.len());
    }
    let row = stdout(&out)
        .lines()
        .find(|l| l.starts_with(&id))
        .unwrap()
        .to_string();
    assert!(row.contains('…') && !row.contains(&name), "{row}");

    // --all-scopes adds a SCOPE column naming this test's scope.
    let out = env.run(&["ls", "--all-scopes"]);
    let header = stdout(&out).lines().next().unwrap().to_string();
    assert!(header.contains("SCOPE"), "{header}");
    let row = stdout(&out)
        .lines()
        .find(|l| l.starts_with(&id))
        .unwrap()
        .to_string();
    assert!(row.contains(&env.scope), "{row}");
    let out = env.run(&["ls"]);
    assert!(!stdout(&out).lines().next().unwrap().contains("SCOPE"));
}

#[test]
fn ls_colours_statuses_on_a_terminal_only_when_colour_is_on() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let out = env.run_on_tty("ls --color always");
    let text = stdout(&out);
    let row = text.lines().find(|l| l.starts_with(&id)).unwrap();
    assert!(row.contains("\u{1b}[32mrunning"), "{row:?}");
    // NO_COLOR (run_on_tty sets it) with the default `auto`: plain.
    let out = env.run_on_tty("ls");
    assert!(!stdout(&out).contains('\u{1b}'), "{:?}", stdout(&out));
    // Off a terminal, even `always` leaves stdout's data plain.
    let out = env.run(&["ls", "--color", "always"]);
    assert!(!stdout(&out).contains('\u{1b}'), "{:?}", stdout(&out));
}
