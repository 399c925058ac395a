//! `dsbx files …` (the sbx skill's file commands) against the real engine: exact bytes, edits
//! that change nothing when they cannot be exact, exists both ways, info, the directory
//! commands' excludes and depth, ownership, and every bad input with its exit code.

mod common;

use common::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;

/// A sandbox whose user is `user` (1000:1000) working in /home/user.
fn user_sandbox(env: &TestEnv) -> (String, String) {
    let id = env.init(&["--user", "user", "--workdir", "/home/user"]);
    let container = format!("dsbx-{id}");
    (id, container)
}

#[track_caller]
fn ok(env: &TestEnv, args: &[&str]) -> String {
    let out = env.run(args);
    assert_code(&out, 0);
    stdout(&out)
}

/// `stat -c FORMAT PATH` inside the container.
fn stat(container: &str, format: &str, path: &str) -> String {
    docker_exec(container, &["stat", "-c", format, path])
}

#[test]
fn edit_fails_without_change_when_text_is_absent_or_repeated() {
    let Some(env) = TestEnv::new() else { return };
    let (id, c) = user_sandbox(&env);
    let path = "/home/user/app.py";
    let original = "x = 1\nprint(x)\nprint(x)\n";
    ok(&env, &["files", "write", &id, path, original]);
    // A mode the edit must keep.
    docker(&["exec", &c, "chmod", "750", path]);
    let mtime_before = stat(&c, "%Y", path);

    // Absent: exit 1, one line naming the file, nothing changed.
    let out = env.run(&["files", "edit", &id, path, "--old", "y = 2", "--new", "z"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("does not occur") && err.contains(path),
        "{err}"
    );
    assert_eq!(ok(&env, &["files", "read", &id, path]), original);

    // Twice without --all: exit 1, says how many times, nothing changed.
    let out = env.run(&[
        "files", "edit", &id, path, "--old", "print(x)", "--new", "log(x)",
    ]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("occurs 2 times"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--all"), "{}", stderr(&out));
    assert_eq!(ok(&env, &["files", "read", &id, path]), original);
    assert_eq!(
        stat(&c, "%Y", path),
        mtime_before,
        "the file was not rewritten"
    );

    // With --all: both replaced; mode kept; owned by the sandbox's user.
    ok(
        &env,
        &[
            "files", "edit", &id, path, "--old", "print(x)", "--new", "log(x)", "--all",
        ],
    );
    assert_eq!(
        ok(&env, &["files", "read", &id, path]),
        "x = 1\nlog(x)\nlog(x)\n"
    );
    assert_eq!(stat(&c, "%a %u:%g", path), "750 1000:1000");

    // Once: replaced; text with dashes and newlines is taken as is (relative path too).
    ok(
        &env,
        &[
            "files",
            "edit",
            &id,
            "app.py",
            "--old",
            "x = 1\n",
            "--new",
            "--x = -2\n",
        ],
    );
    assert_eq!(docker_exec(&c, &["cat", path]), "--x = -2\nlog(x)\nlog(x)");

    // Bad inputs.
    let out = env.run(&["files", "edit", &id, path, "--old", "", "--new", "z"]);
    assert_code(&out, 2);
    let out = env.run(&[
        "files",
        "edit",
        &id,
        "/home/user/none.py",
        "--old",
        "a",
        "--new",
        "b",
    ]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("no such file"), "{}", stderr(&out));
    let out = env.run(&[
        "files",
        "edit",
        &id,
        "/home/user",
        "--old",
        "a",
        "--new",
        "b",
    ]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["files", "edit", &id, path, "--new", "b"]);
    assert_code(&out, 2);
}

#[test]
fn exists_both_ways() {
    let Some(env) = TestEnv::new() else { return };
    let (id, c) = user_sandbox(&env);
    ok(&env, &["files", "write", &id, "/home/user/here.txt", "x"]);
    docker(&[
        "exec",
        &c,
        "ln",
        "-s",
        "/home/user/here.txt",
        "/home/user/link",
    ]);
    docker(&[
        "exec",
        &c,
        "ln",
        "-s",
        "/home/user/gone",
        "/home/user/dangling",
    ]);
    for (path, found) in [
        ("/home/user/here.txt", true),
        ("here.txt", true),
        ("/home/user", true),
        ("/home/user/link", true),
        ("/home/user/missing.txt", false),
        ("/home/user/here.txt/below", false),
        ("/home/user/dangling", false),
        ("/nope/deeper/still", false),
    ] {
        let out = env.run(&["files", "exists", &id, path]);
        assert_code(&out, if found { 0 } else { 1 });
        assert_eq!(stdout(&out), format!("{found}\n"), "{path}");
        assert_eq!(stderr(&out), "", "{path}");
    }
    let out = env.run(&["--json", "files", "exists", &id, "missing.txt"]);
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["exists"], false);
    assert_eq!(v["path"], "/home/user/missing.txt");
    // No such sandbox is not "false": exit 3.
    let out = env.run(&["files", "exists", "nosuchsandbx", "/"]);
    assert_code(&out, 3);
    assert_eq!(stdout(&out), "");
}

#[test]
fn read_of_a_binary_file_is_byte_exact() {
    let Some(env) = TestEnv::new() else { return };
    let (id, c) = user_sandbox(&env);
    // Every byte value, NULs and a lone CR included, plus a stretch that is not UTF-8.
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(256 * 1200).collect();
    bytes.extend_from_slice(b"\r\n\x00\xff\xfe\r");
    let local = env.dir.path().join("bin.dat");
    fs::write(&local, &bytes).unwrap();
    ok(
        &env,
        &["upload", &id, path_str(&local), "/home/user/bin.dat"],
    );
    let out = env.run(&["files", "read", &id, "/home/user/bin.dat"]);
    assert_code(&out, 0);
    assert_eq!(out.stdout.len(), bytes.len());
    assert!(out.stdout == bytes, "files read changed the bytes");
    assert_eq!(stderr(&out), "");
    // The sandbox's own checksum agrees with ours.
    let theirs = docker_exec(&c, &["sha256sum", "/home/user/bin.dat"]);
    use sha2::Digest;
    let ours = format!("{:x}", sha2::Sha256::digest(&bytes));
    assert!(theirs.starts_with(&ours), "{theirs} vs {ours}");

    // Reading a directory, a missing file, or with --json fails with its code.
    let out = env.run(&["files", "read", &id, "/home/user"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let out = env.run(&["files", "read", &id, "/home/user/none"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("no such file"), "{}", stderr(&out));
    let out = env.run(&["--json", "files", "read", &id, "/home/user/bin.dat"]);
    assert_code(&out, 2);
}

#[test]
fn write_info_ls_mkdir_mv_rm() {
    let Some(env) = TestEnv::new() else { return };
    let (id, c) = user_sandbox(&env);

    // write creates parents, as the sandbox's user; relative paths from the working directory.
    ok(&env, &["files", "write", &id, "proj/src/a.txt", "alpha"]);
    assert_eq!(
        docker_exec(&c, &["cat", "/home/user/proj/src/a.txt"]),
        "alpha"
    );
    assert_eq!(
        stat(&c, "%a %u:%g", "/home/user/proj/src/a.txt"),
        "644 1000:1000"
    );
    assert_eq!(stat(&c, "%u:%g", "/home/user/proj"), "1000:1000");
    // --stdin, and an existing file keeps its mode.
    docker(&["exec", &c, "chmod", "755", "/home/user/proj/src/a.txt"]);
    let out = env
        .dsbx()
        .args([
            "files",
            "write",
            &id,
            "/home/user/proj/src/a.txt",
            "--stdin",
        ])
        .write_stdin("#!/bin/sh\necho from stdin\n")
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(
        docker_exec(&c, &["/home/user/proj/src/a.txt"]),
        "from stdin"
    );
    assert_eq!(stat(&c, "%a", "/home/user/proj/src/a.txt"), "755");
    // Empty content is an empty file.
    ok(&env, &["files", "write", &id, "/home/user/empty", ""]);
    assert_eq!(stat(&c, "%s", "/home/user/empty"), "0");
    let out = env.run(&["files", "write", &id, "/home/user/proj", "x"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
    let out = env.run(&["files", "write", &id, "/home/user/x.txt"]);
    assert_code(&out, 2);

    // info: key: value lines; --json; a symlink as itself.
    let info = ok(&env, &["files", "info", &id, "/home/user/proj/src/a.txt"]);
    let lines: Vec<&str> = info.lines().collect();
    assert!(lines.contains(&"name: a.txt"), "{info}");
    assert!(lines.contains(&"type: file"), "{info}");
    assert!(lines.contains(&"size: 26"), "{info}");
    assert!(lines.contains(&"mode: 0755"), "{info}");
    assert!(lines.contains(&"permissions: -rwxr-xr-x"), "{info}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("modified: 20") && l.ends_with('Z')),
        "{info}"
    );
    let out = env.run(&["--json", "files", "info", &id, "proj"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "directory");
    assert_eq!(v["path"], "/home/user/proj");
    docker(&["exec", &c, "ln", "-s", "proj/src/a.txt", "/home/user/ln"]);
    let info = ok(&env, &["files", "info", &id, "/home/user/ln"]);
    assert!(info.contains("type: symlink"), "{info}");
    let out = env.run(&["files", "info", &id, "/home/user/none"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("no such file or directory"),
        "{}",
        stderr(&out)
    );

    // ls: names, directories with /, --depth with relative paths; default path is /.
    assert_eq!(ok(&env, &["files", "ls", &id, "proj"]), "src/\n");
    assert_eq!(
        ok(
            &env,
            &["files", "ls", &id, "/home/user/proj", "--depth", "2"]
        ),
        "src/\nsrc/a.txt\n"
    );
    let root = ok(&env, &["files", "ls", &id]);
    assert!(root.lines().any(|l| l == "home/"), "{root}");
    let out = env.run(&["files", "ls", &id, "/home/user/none"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("/home/user/none"), "{}", stderr(&out));
    let out = env.run(&["files", "ls", &id, "/home/user/empty"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("not a directory"), "{}", stderr(&out));
    let out = env.run(&["files", "ls", &id, "/", "--depth", "0"]);
    assert_code(&out, 2);

    // mkdir -p as the user; mv into a directory and to a new name; rm of a tree.
    ok(&env, &["files", "mkdir", &id, "/home/user/out/a/b"]);
    assert_eq!(stat(&c, "%u", "/home/user/out/a/b"), "1000");
    ok(&env, &["files", "mv", &id, "proj/src/a.txt", "out/a"]);
    ok(
        &env,
        &["files", "mv", &id, "out/a/a.txt", "out/a/renamed.sh"],
    );
    assert_eq!(
        ok(&env, &["files", "ls", &id, "out", "-d", "3"]),
        "a/\na/b/\na/renamed.sh\n"
    );
    ok(&env, &["files", "rm", &id, "out"]);
    assert_code(&env.run(&["files", "exists", &id, "out"]), 1);
    // As the sandbox's user, not root: a root-owned file in a root-owned directory stays.
    let out = env.run(&["files", "rm", &id, "/etc/passwd"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("ermission denied"),
        "{}",
        stderr(&out)
    );
    assert!(
        docker(&["exec", &c, "test", "-e", "/etc/passwd"])
            .status
            .success()
    );
    let out = env.run(&["files", "rm", &id, "/home/user/none"]);
    assert_code(&out, 1);
    let out = env.run(&["files", "mv", &id, "/home/user/none", "/home/user/x"]);
    assert_code(&out, 1);
    // A name with spaces and shell characters is one argument, never a shell string.
    ok(
        &env,
        &["files", "mkdir", &id, "/home/user/a b;$(touch /tmp/pwned)"],
    );
    assert!(
        docker(&[
            "exec",
            &c,
            "test",
            "-d",
            "/home/user/a b;$(touch /tmp/pwned)"
        ])
        .status
        .success()
    );
    assert!(
        !docker(&["exec", &c, "test", "-e", "/tmp/pwned"])
            .status
            .success()
    );
}

fn make_project(root: &std::path::Path) {
    for d in [
        "src/pkg/deep",
        ".git/objects",
        "node_modules/dep",
        ".venv/bin",
        "venv",
        "__pycache__",
        "dist",
        "build",
        ".cache",
        "target",
    ] {
        fs::create_dir_all(root.join(d)).unwrap();
    }
    fs::write(root.join("README.md"), "readme").unwrap();
    fs::write(root.join("src/main.py"), "main").unwrap();
    fs::write(root.join("src/pkg/mod.py"), "mod").unwrap();
    fs::write(root.join("src/pkg/deep/x.py"), "x").unwrap();
    fs::write(root.join(".git/HEAD"), "head").unwrap();
    fs::write(root.join("node_modules/dep/i.js"), "js").unwrap();
    fs::write(root.join("dist/out.whl"), "whl").unwrap();
    fs::write(root.join("target/bin"), "bin").unwrap();
    fs::write(root.join("run.sh"), "#!/bin/sh\n").unwrap();
    fs::set_permissions(root.join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
}

/// Every path below `root`, relative, directories with a trailing `/`, sorted.
fn local_tree(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            if p.is_dir() {
                out.push(format!("{rel}/"));
                stack.push(p);
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn upload_dir_and_download_dir_with_excludes_and_depth() {
    let Some(env) = TestEnv::new() else { return };
    let (id, c) = user_sandbox(&env);
    let project = env.dir.path().join("project");
    make_project(&project);

    // Defaults: the skill's excludes; contents land in REMOTE, created as the user.
    let out = env.run(&[
        "files",
        "upload-dir",
        &id,
        path_str(&project),
        "/home/user/app",
    ]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
    assert_eq!(
        ok(&env, &["files", "ls", &id, "/home/user/app", "-d", "5"]),
        "README.md\nrun.sh\nsrc/\nsrc/main.py\nsrc/pkg/\nsrc/pkg/deep/\nsrc/pkg/deep/x.py\nsrc/pkg/mod.py\ntarget/\ntarget/bin\n"
    );
    assert_eq!(stat(&c, "%a %u", "/home/user/app/run.sh"), "755 1000");
    // Into an existing directory: its contents are filled, not nested; --exclude adds names.
    let out = env.run(&[
        "files",
        "upload-dir",
        &id,
        path_str(&project),
        "/home/user/app",
        "--all",
        "-e",
        "target",
        "--exclude",
        "deep",
    ]);
    assert_code(&out, 0);
    let listing = ok(&env, &["files", "ls", &id, "/home/user/app"]);
    assert_eq!(
        listing,
        ".cache/\n.git/\n.venv/\nREADME.md\n__pycache__/\nbuild/\ndist/\nnode_modules/\nrun.sh\nsrc/\ntarget/\nvenv/\n"
    );
    assert_code(
        &env.run(&["files", "exists", &id, "/home/user/app/.git/HEAD"]),
        0,
    );
    assert_code(
        &env.run(&["files", "exists", &id, "/home/user/app/project"]),
        1,
    );
    // --max-depth 1: top-level entries only (directories empty).
    ok(
        &env,
        &[
            "files",
            "upload-dir",
            &id,
            path_str(&project),
            "/home/user/shallow",
            "--max-depth",
            "1",
        ],
    );
    assert_eq!(
        ok(&env, &["files", "ls", &id, "/home/user/shallow", "-d", "3"]),
        "README.md\nrun.sh\nsrc/\ntarget/\n"
    );

    // download-dir: defaults skip .git, node_modules, ...; contents land in LOCAL.
    let down = env.dir.path().join("down");
    ok(
        &env,
        &[
            "files",
            "download-dir",
            &id,
            "/home/user/app",
            path_str(&down),
        ],
    );
    assert_eq!(
        local_tree(&down),
        vec![
            "README.md",
            "run.sh",
            "src/",
            "src/main.py",
            "src/pkg/",
            "src/pkg/deep/",
            "src/pkg/deep/x.py",
            "src/pkg/mod.py",
            "target/",
            "target/bin"
        ]
    );
    assert_eq!(
        fs::read_to_string(down.join("src/pkg/deep/x.py")).unwrap(),
        "x"
    );
    // Into an existing directory, with --all, --exclude and --max-depth 2.
    let out = env.run(&[
        "files",
        "download-dir",
        &id,
        "/home/user/app",
        path_str(&down),
        "--all",
        "-e",
        "target",
        "-d",
        "2",
    ]);
    assert_code(&out, 0);
    let tree = local_tree(&down);
    assert!(tree.contains(&".git/objects/".to_string()), "{tree:?}");
    assert!(tree.contains(&".git/HEAD".to_string()), "{tree:?}");
    assert!(tree.contains(&"node_modules/dep/".to_string()), "{tree:?}");
    assert!(
        !tree.contains(&"node_modules/dep/i.js".to_string()),
        "depth 2: {tree:?}"
    );
    assert!(
        !tree.iter().any(|p| p.starts_with("app")),
        "not nested: {tree:?}"
    );

    // Bad inputs: a file to upload-dir / a directory to upload, and the other way round.
    let file = project.join("README.md");
    let out = env.run(&["files", "upload-dir", &id, path_str(&file), "/home/user/x"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("files upload"), "{}", stderr(&out));
    let out = env.run(&["files", "upload", &id, path_str(&project), "/home/user/x"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("upload-dir"), "{}", stderr(&out));
    let out = env.run(&[
        "files",
        "download",
        &id,
        "/home/user/app",
        path_str(&env.dir.path().join("d2")),
    ]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("download-dir"), "{}", stderr(&out));
    let out = env.run(&[
        "files",
        "download-dir",
        &id,
        "/home/user/app/README.md",
        path_str(&env.dir.path().join("d3")),
    ]);
    assert_code(&out, 2);
    let out = env.run(&[
        "files",
        "download-dir",
        &id,
        "/home/user/none",
        path_str(&env.dir.path().join("d4")),
    ]);
    assert_code(&out, 1);
    assert!(!env.dir.path().join("d4").exists(), "nothing left behind");
    let out = env.run(&[
        "files",
        "upload-dir",
        &id,
        "/nonexistent/dsbx-dir",
        "/home/user/x",
    ]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("/nonexistent/dsbx-dir"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&[
        "files",
        "upload",
        &id,
        "/nonexistent/dsbx-file",
        "/home/user/x",
    ]);
    assert_code(&out, 1);
    assert_code(&env.run(&["files", "exists", &id, "/home/user/x"]), 1);
    let out = env.run(&["files", "download-dir", &id, "/home/user/app", "-"]);
    assert_code(&out, 2);
}

#[test]
fn stopped_sandboxes_are_started_and_unknown_ones_exit_3() {
    let Some(env) = TestEnv::new() else { return };
    let (id, c) = user_sandbox(&env);
    ok(&env, &["files", "write", &id, "kept.txt", "kept"]);
    assert!(docker(&["stop", "-t", "1", &c]).status.success());
    assert_eq!(ok(&env, &["files", "ls", &id, "."]), "kept.txt\n");
    assert_eq!(inspect(&c, "{{.State.Status}}"), "running");
    assert!(docker(&["pause", &c]).status.success());
    assert_eq!(ok(&env, &["files", "read", &id, "kept.txt"]), "kept");
    assert_eq!(inspect(&c, "{{.State.Status}}"), "running");

    for args in [
        vec!["files", "ls", "nosuchsandbx"],
        vec!["files", "read", "nosuchsandbx", "/x"],
        vec!["files", "write", "nosuchsandbx", "/x", "y"],
        vec![
            "files",
            "edit",
            "nosuchsandbx",
            "/x",
            "--old",
            "a",
            "--new",
            "b",
        ],
        vec!["files", "info", "nosuchsandbx", "/x"],
        vec!["files", "rm", "nosuchsandbx", "/x"],
        vec!["files", "mkdir", "nosuchsandbx", "/x"],
        vec!["files", "mv", "nosuchsandbx", "/x", "/y"],
        vec!["files", "upload-dir", "nosuchsandbx", ".", "/x"],
        vec!["files", "download", "nosuchsandbx", "/x", "y"],
    ] {
        let out = env.run(&args);
        assert_code(&out, 3);
        assert_eq!(stdout(&out), "", "{args:?}");
    }
}
