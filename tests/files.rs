//! `dsbx upload` / `dsbx download` against the real engine: exactness, target rules, stdin and
//! stdout, ownership, and every failure with its message and exit code.

mod common;

use common::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::Command as Std;

fn sha256_file(path: &Path) -> String {
    let mut file = fs::File::open(path).unwrap();
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    format!("{:x}", hasher.finalize())
}

fn random_file(path: &Path, size: usize) {
    let mut urandom = fs::File::open("/dev/urandom").unwrap();
    let mut out = fs::File::create(path).unwrap();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(buf.len());
        urandom.read_exact(&mut buf[..n]).unwrap();
        out.write_all(&buf[..n]).unwrap();
        left -= n;
    }
}

/// `docker exec` as the given user, returning (exit code, stdout, stderr).
fn exec_as(container: &str, user: &str, script: &str) -> (i32, String, String) {
    let out = docker(&["exec", "-u", user, container, "sh", "-c", script]);
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

/// Every entry under `root`: relative path → (kind, mode, content or link target).
fn snapshot(root: &Path) -> BTreeMap<String, (char, u32, Vec<u8>)> {
    let mut map = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .to_string();
            let meta = fs::symlink_metadata(&path).unwrap();
            let mode = meta.permissions().mode() & 0o7777;
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).unwrap();
                map.insert(rel, ('l', 0, target.to_string_lossy().as_bytes().to_vec()));
            } else if meta.is_dir() {
                map.insert(rel, ('d', mode, Vec::new()));
                stack.push(path);
            } else {
                map.insert(rel, ('f', mode, fs::read(&path).unwrap()));
            }
        }
    }
    map
}

/// Runs `script` in a private mount namespace (so test mounts vanish with it) with this test's
/// dsbx environment; `$DSBX` is the binary.
fn in_mount_ns(env: &TestEnv, script: &str) -> std::process::Output {
    Std::new("unshare")
        .args(["-m", "sh", "-c", script])
        .env("DSBX", dsbx_bin())
        .env("DSBX_STATE_DIR", &env.state_dir)
        .env("DSBX_CONFIG", &env.config)
        .env("DSBX_SCOPE", &env.scope)
        .env("NO_COLOR", "1")
        .output()
        .expect("run unshare")
}

#[test]
fn big_random_file_round_trips_exactly() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let c = format!("dsbx-{id}");
    let src = env.dir.path().join("big.bin");
    random_file(&src, 64 << 20);
    let want = sha256_file(&src);

    let out = env.run(&["upload", "--json", &id, path_str(&src), "/tmp/big.bin"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["bytes"], 64 << 20);
    assert_eq!(v["files"], 1);
    assert!(v["duration_ms"].is_u64(), "{v}");
    let inside = docker_exec(&c, &["sha256sum", "/tmp/big.bin"]);
    assert!(inside.starts_with(&want), "{inside} vs {want}");

    let back = env.dir.path().join("back.bin");
    let out = env.run(&["download", &id, "/tmp/big.bin", path_str(&back)]);
    assert_code(&out, 0);
    assert!(stdout(&out).is_empty(), "stdout must stay empty");
    assert_eq!(sha256_file(&back), want);
    // Nothing but the result is left beside it (the staging directory is gone).
    let names: Vec<String> = fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".dsbx"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn tree_with_links_empty_dirs_and_odd_names_round_trips_with_modes() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let c = format!("dsbx-{id}");
    let root = env.dir.path().join("proj");
    for i in 0..2000 {
        let dir = root.join(format!("d{:02}", i % 40)).join(match i % 3 {
            0 => "sub dir",
            1 => "ünïcødé ☃",
            _ => "plain",
        });
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("file {i} é.txt"));
        fs::write(&file, format!("content {i}\n").repeat(i % 7)).unwrap();
        let mode = [0o644, 0o755, 0o600, 0o640][i % 4];
        fs::set_permissions(&file, fs::Permissions::from_mode(mode)).unwrap();
    }
    fs::create_dir_all(root.join("empty dir")).unwrap();
    fs::set_permissions(root.join("d01"), fs::Permissions::from_mode(0o750)).unwrap();
    symlink("d00/plain", root.join("link to dir")).unwrap();
    symlink("d02/sub dir/file 2 é.txt", root.join("link to file")).unwrap();
    symlink("/nonexistent/target", root.join("dangling")).unwrap();

    let out = env.run(&["upload", "--json", &id, path_str(&root), "/home/user/"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], 2003, "{v}");
    let count = docker_exec(&c, &["sh", "-c", "find /home/user/proj -type f | wc -l"]);
    assert_eq!(count, "2000");
    // Owned by the sandbox's user, links kept as links.
    let owners = docker_exec(
        &c,
        &[
            "sh",
            "-c",
            "find /home/user/proj ! -user 1000 | wc -l; readlink '/home/user/proj/link to file'",
        ],
    );
    assert_eq!(owners, "0\nd02/sub dir/file 2 é.txt");

    let back = env.dir.path().join("back");
    let out = env.run(&["download", &id, "/home/user/proj", path_str(&back)]);
    assert_code(&out, 0);
    assert_eq!(snapshot(&back), snapshot(&root));
}

#[test]
fn sandbox_user_owns_and_can_edit_uploads_and_root_flag_writes_as_root() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let c = format!("dsbx-{id}");
    let src = env.dir.path().join("notes.txt");
    fs::write(&src, "first\n").unwrap();

    let out = env.run(&[
        "upload",
        &id,
        path_str(&src),
        "/home/user/deep/er/notes.txt",
    ]);
    assert_code(&out, 0);
    let (code, owners, err) = exec_as(
        &c,
        "1000",
        "echo second >> /home/user/deep/er/notes.txt && touch /home/user/deep/er/new && \
         stat -c '%u:%g %a' /home/user/deep /home/user/deep/er/notes.txt && \
         cat /home/user/deep/er/notes.txt",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(owners.trim(), "1000:1000 755\n1000:1000 644\nfirst\nsecond");

    let out = env.run(&[
        "upload",
        "--root",
        &id,
        path_str(&src),
        "/home/user/root.txt",
    ]);
    assert_code(&out, 0);
    let (code, _, err) = exec_as(&c, "1000", "echo x >> /home/user/root.txt");
    assert_ne!(code, 0, "the user must not write a root-owned 0644 file");
    assert!(err.contains("Permission denied"), "{err}");
    assert_eq!(
        docker_exec(&c, &["stat", "-c", "%u:%g", "/home/user/root.txt"]),
        "0:0"
    );
}

#[test]
fn stdin_upload_and_stdout_download() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let c = format!("dsbx-{id}");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect();

    let out = env
        .dsbx()
        .args(["upload", &id, "-", "/tmp/in/stdin.bin"])
        .write_stdin(data.clone())
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert_eq!(
        docker_exec(&c, &["stat", "-c", "%s %u %a", "/tmp/in/stdin.bin"]),
        "300000 1000 644"
    );

    let out = env.run(&["download", &id, "/tmp/in/stdin.bin", "-"]);
    assert_code(&out, 0);
    assert!(out.stdout == data, "stdout must carry the exact bytes");

    // A directory on stdout is a tar stream of it.
    let out = env.run(&["download", &id, "/tmp/in", "-"]);
    assert_code(&out, 0);
    let mut archive = tar::Archive::new(out.stdout.as_slice());
    let mut names = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().to_string();
        if name == "in/stdin.bin" {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            assert!(bytes == data);
        }
        names.push(name);
    }
    assert_eq!(names, vec!["in/", "in/stdin.bin"]);

    // stdin onto an existing directory has no name to take.
    let out = env
        .dsbx()
        .args(["upload", &id, "-", "/tmp/in"])
        .write_stdin("x")
        .output()
        .unwrap();
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("is a directory: name the file to write stdin to"),
        "{}",
        stderr(&out)
    );
    // `--json` with data on stdout is a usage error.
    let out = env.run(&["download", "--json", &id, "/tmp/in/stdin.bin", "-"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("--json cannot be used"),
        "{}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
}

#[test]
fn target_rules_for_files_and_directories() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--workdir", "/work"]);
    let c = format!("dsbx-{id}");
    let file = env.dir.path().join("a.txt");
    fs::write(&file, "A").unwrap();
    let tree = env.dir.path().join("tree");
    fs::create_dir_all(tree.join("inner")).unwrap();
    fs::write(tree.join("inner/x"), "X").unwrap();
    let ls = |path: &str| docker_exec(&c, &["sh", "-c", &format!("find {path} | sort")]);

    // A file onto an existing directory lands inside it under its own name.
    assert_code(&env.run(&["upload", &id, path_str(&file), "/tmp"]), 0);
    assert_eq!(docker_exec(&c, &["cat", "/tmp/a.txt"]), "A");
    // Onto a missing path: written at that path, parents created.
    assert_code(&env.run(&["upload", &id, path_str(&file), "/x/y/b.txt"]), 0);
    assert_eq!(docker_exec(&c, &["cat", "/x/y/b.txt"]), "A");
    // Onto an existing file: replaced.
    fs::write(&file, "A2").unwrap();
    assert_code(&env.run(&["upload", &id, path_str(&file), "/x/y/b.txt"]), 0);
    assert_eq!(docker_exec(&c, &["cat", "/x/y/b.txt"]), "A2");
    // A trailing slash means "into this directory", created when missing.
    assert_code(&env.run(&["upload", &id, path_str(&file), "/new/"]), 0);
    assert_eq!(docker_exec(&c, &["cat", "/new/a.txt"]), "A2");
    // A relative REMOTE starts at the sandbox's working directory.
    assert_code(&env.run(&["upload", &id, path_str(&file), "rel/c.txt"]), 0);
    assert_eq!(docker_exec(&c, &["cat", "/work/rel/c.txt"]), "A2");
    // A directory onto an existing directory lands inside it; onto a missing path, a copy.
    assert_code(&env.run(&["upload", &id, path_str(&tree), "/tmp"]), 0);
    assert_eq!(
        ls("/tmp/tree"),
        "/tmp/tree\n/tmp/tree/inner\n/tmp/tree/inner/x"
    );
    assert_code(&env.run(&["upload", &id, path_str(&tree), "/copy"]), 0);
    assert_eq!(ls("/copy"), "/copy\n/copy/inner\n/copy/inner/x");
    // A directory onto a file is refused, and the file is untouched.
    let out = env.run(&["upload", &id, path_str(&tree), "/x/y/b.txt"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains(&format!(
            "cannot copy a directory onto the file {id}:/x/y/b.txt"
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(docker_exec(&c, &["cat", "/x/y/b.txt"]), "A2");

    // The same rules on the way down.
    let local = env.dir.path().join("down");
    fs::create_dir(&local).unwrap();
    assert_code(
        &env.run(&["download", &id, "rel/c.txt", path_str(&local)]),
        0,
    );
    assert_eq!(fs::read_to_string(local.join("c.txt")).unwrap(), "A2");
    let missing = local.join("m/n/d.txt");
    assert_code(
        &env.run(&["download", &id, "/tmp/a.txt", path_str(&missing)]),
        0,
    );
    assert_eq!(fs::read_to_string(&missing).unwrap(), "A");
    assert_code(
        &env.run(&["download", &id, "/x/y/b.txt", path_str(&missing)]),
        0,
    );
    assert_eq!(fs::read_to_string(&missing).unwrap(), "A2");
    assert_code(&env.run(&["download", &id, "/copy", path_str(&local)]), 0);
    assert_eq!(fs::read_to_string(local.join("copy/inner/x")).unwrap(), "X");
    let fresh = local.join("fresh");
    assert_code(&env.run(&["download", &id, "/copy", path_str(&fresh)]), 0);
    assert_eq!(fs::read_to_string(fresh.join("inner/x")).unwrap(), "X");
    // Downloading a directory again merges into the copy, replacing files.
    docker_exec(
        &c,
        &["sh", "-c", "echo Y > /copy/inner/x; echo Z > /copy/z"],
    );
    assert_code(&env.run(&["download", &id, "/copy", path_str(&fresh)]), 0);
    assert_eq!(
        fs::read_to_string(fresh.join("copy/inner/x")).unwrap(),
        "Y\n"
    );
    let out = env.run(&["download", &id, "/copy", path_str(&missing)]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("cannot copy the directory"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&missing).unwrap(), "A2");
}

#[test]
fn missing_paths_and_files_in_the_way_fail_with_nothing_left() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let c = format!("dsbx-{id}");
    let before = docker_exec(&c, &["sh", "-c", "find / -xdev | wc -l"]);

    let out = env.run(&["upload", &id, "/nonexistent/local.txt", "/tmp/x"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("cannot read /nonexistent/local.txt: No such file or directory"),
        "{}",
        stderr(&out)
    );
    let file = env.dir.path().join("f.txt");
    fs::write(&file, "F").unwrap();
    let out = env.run(&["upload", &id, path_str(&file), "/etc/passwd/sub/f.txt"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains(&format!("{id}:/etc/passwd is a file, not a directory")),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        docker_exec(&c, &["sh", "-c", "find / -xdev | wc -l"]),
        before
    );

    let local = env.dir.path().join("out");
    let out = env.run(&["download", &id, "/no/such/file", path_str(&local)]);
    assert_code(&out, 1);
    assert_eq!(
        stderr(&out).trim(),
        format!("error: no such file or directory: {id}:/no/such/file")
    );
    assert!(!local.exists());
    // A local parent that is a file.
    let out = env.run(&[
        "download",
        &id,
        "/etc/passwd",
        &format!("{}/sub/p", path_str(&file)),
    ]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("is a file, not a directory"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "F");

    // Empty REMOTE: a usage error before anything happens.
    let out = env.run(&["upload", &id, path_str(&file), ""]);
    assert_code(&out, 2);
}

#[test]
fn unknown_and_gone_sandboxes_exit_3() {
    let Some(env) = TestEnv::new() else { return };
    let file = env.dir.path().join("f.txt");
    fs::write(&file, "F").unwrap();
    let out = env.run(&["upload", "zzzzzzzzzzzz", path_str(&file), "/tmp"]);
    assert_code(&out, 3);
    assert!(
        stderr(&out).contains("no sandbox `zzzzzzzzzzzz`"),
        "{}",
        stderr(&out)
    );
    let id = env.init(&[]);
    docker(&["rm", "-f", &format!("dsbx-{id}")]);
    let out = env.run(&[
        "download",
        &id,
        "/etc/passwd",
        path_str(&env.dir.path().join("p")),
    ]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("gone"), "{}", stderr(&out));
    assert!(!env.dir.path().join("p").exists());
    let out = env.run(&["upload", "--json", &id, path_str(&file), "/tmp"]);
    assert_code(&out, 3);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "not_found");
}

#[test]
fn stopped_and_paused_sandboxes_are_started_first() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let c = format!("dsbx-{id}");
    let file = env.dir.path().join("f.txt");
    fs::write(&file, "F").unwrap();
    assert!(docker(&["stop", "-t", "1", &c]).status.success());
    assert_code(&env.run(&["upload", &id, path_str(&file), "/tmp/f.txt"]), 0);
    assert_eq!(inspect(&c, "{{.State.Status}}"), "running");
    assert!(docker(&["pause", &c]).status.success());
    let out = env.run(&["download", &id, "/tmp/f.txt", "-"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "F");
    assert_eq!(inspect(&c, "{{.State.Status}}"), "running");
}

#[test]
fn read_only_remote_target_fails_saying_so() {
    let Some(env) = TestEnv::new() else { return };
    let host = env.dir.path().join("ro-src");
    fs::create_dir(&host).unwrap();
    let id = env.init(&["-v", &format!("{}:/data:ro", path_str(&host))]);
    let file = env.dir.path().join("f.txt");
    fs::write(&file, "F").unwrap();
    let out = env.run(&["upload", &id, path_str(&file), "/data/f.txt"]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("upload to {id}:/data/f.txt failed")),
        "{err}"
    );
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(fs::read_dir(&host).unwrap().count(), 0);
}

#[test]
fn full_or_read_only_local_disk_fails_saying_so_and_leaves_nothing() {
    let Some(env) = TestEnv::new() else { return };
    // Needs root's mount namespaces (the suite runs as root, like the engine script); failing
    // here beats a test that passes by skipping.
    assert!(
        Std::new("unshare")
            .args(["-m", "true"])
            .status()
            .is_ok_and(|s| s.success()),
        "cannot create a mount namespace (unshare -m): run the tests as root"
    );
    let id = env.init(&[]);
    let src = env.dir.path().join("two-mib.bin");
    random_file(&src, 2 << 20);
    assert_code(
        &env.run(&["upload", &id, path_str(&src), "/tmp/big.bin"]),
        0,
    );
    let mnt = env.dir.path().join("mnt");
    fs::create_dir(&mnt).unwrap();
    let m = path_str(&mnt);

    let out = in_mount_ns(
        &env,
        &format!(
            "mount -t tmpfs -o size=1m tmpfs {m} && \
             \"$DSBX\" download {id} /tmp/big.bin {m}/out/big.bin; echo \"rc=$?\"; ls -A {m}"
        ),
    );
    assert_eq!(stdout(&out).trim(), "rc=1", "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("cannot write {m}/out/big.bin: the disk is full")),
        "{err}"
    );

    let out = in_mount_ns(
        &env,
        &format!(
            "mount --bind {m} {m} && mount -o remount,ro,bind {m} && \
             \"$DSBX\" download {id} /tmp/big.bin {m}/big.bin; echo \"rc=$?\"; ls -A {m}"
        ),
    );
    assert_eq!(stdout(&out).trim(), "rc=1", "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("the file system is read-only"), "{err}");
    assert!(err.contains(m), "{err}");
}

#[test]
fn upload_under_a_tmpfs_mount_is_not_reported_as_done() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let file = env.dir.path().join("f.txt");
    fs::write(&file, "F").unwrap();
    let out = env.run(&["upload", &id, path_str(&file), "/dev/shm/f.txt"]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "cannot upload to {id}:/dev/shm/f.txt: /dev/shm is a mount"
        )) && err.contains("invisible"),
        "{err}"
    );
}

#[test]
fn download_json_and_a_fifo_skipped_with_a_warning() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let c = format!("dsbx-{id}");
    let made = docker(&[
        "exec",
        &c,
        "sh",
        "-c",
        "mkdir -p /tmp/d && printf hello > /tmp/d/a.txt && printf 12345 > /tmp/d/b.txt && mkfifo /tmp/d/pipe",
    ]);
    assert!(made.status.success(), "{}", stderr(&made));
    let dest = env.dir.path().join("out");
    let out = env.run(&["download", "--json", &id, "/tmp/d", path_str(&dest)]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["bytes"], 10, "{v}");
    assert_eq!(v["files"], 2, "{v}");
    assert!(v["duration_ms"].is_u64(), "{v}");
    assert_eq!(fs::read_to_string(dest.join("a.txt")).unwrap(), "hello");
    assert_eq!(fs::read_to_string(dest.join("b.txt")).unwrap(), "12345");
    assert!(
        fs::symlink_metadata(dest.join("pipe")).is_err(),
        "the fifo was not recreated"
    );
    let err = stderr(&out);
    assert!(
        err.contains("warning:") && err.contains("pipe") && err.contains("fifo, skipped"),
        "{err}"
    );
}

/// A small tmpfs of the host's bind-mounted into the sandbox, unmounted on drop.
struct SmallDisk(std::path::PathBuf);

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Std::new("umount").arg(&self.0).status();
    }
}

#[test]
fn upload_onto_a_full_disk_in_the_sandbox_fails_saying_so() {
    let Some(env) = TestEnv::new() else { return };
    let disk = env.dir.path().join("small");
    fs::create_dir(&disk).unwrap();
    assert!(
        Std::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs", path_str(&disk)])
            .status()
            .is_ok_and(|s| s.success()),
        "cannot mount a tmpfs (the suite runs as root)"
    );
    let _disk = SmallDisk(disk.clone());
    let id = env.init(&["-v", &format!("{}:/data", disk.display())]);
    let src = env.dir.path().join("two-mib.bin");
    random_file(&src, 2 << 20);
    let out = env.run(&["upload", &id, path_str(&src), "/data/big.bin"]);
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("disk is full"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_progress_bar_on_a_terminal_and_none_on_a_pipe() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let src = env.dir.path().join("sixteen.bin");
    random_file(&src, 16 << 20);
    let out = env.run_on_tty(&format!("upload {id} {} /tmp/sixteen.bin", path_str(&src)));
    assert_code(&out, 0);
    let shown = stdout(&out);
    assert!(
        shown.contains("16.00 MiB") && shown.contains('[') && shown.contains(']'),
        "no progress bar on the terminal: {shown:?}"
    );
    let dest = env.dir.path().join("back.bin");
    let out = env.run_on_tty(&format!(
        "download {id} /tmp/sixteen.bin {}",
        path_str(&dest)
    ));
    assert_code(&out, 0);
    assert!(stdout(&out).contains("16.00 MiB"), "{:?}", stdout(&out));
    assert_eq!(sha256_file(&dest), sha256_file(&src));
    // Off a terminal: nothing at all on either stream.
    let out = env.run(&["upload", &id, path_str(&src), "/tmp/again.bin"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
}

/// An image tag removed when the test ends (declared before the `TestEnv`, so it goes last).
struct OwnImage(String);

impl Drop for OwnImage {
    fn drop(&mut self) {
        let _ = docker(&["rmi", &self.0]);
    }
}

#[test]
fn uploads_belong_to_the_sandbox_user_as_its_own_passwd_says() {
    // A user that exists only inside the image, with ids no other test uses.
    let image = OwnImage(format!("dsbx-test-dev:{}", random_suffix()));
    let Some(env) = TestEnv::new() else { return };
    let ctx = env.dir.path().join("ctx");
    fs::create_dir_all(&ctx).unwrap();
    fs::write(
        ctx.join("Dockerfile"),
        "FROM dsbx-test-busybox\n\
         RUN echo 'dev:x:4321:4322::/home/dev:/bin/sh' >> /etc/passwd \
         && echo 'dev:x:4322:' >> /etc/group && mkdir -p /home/dev && chown 4321:4322 /home/dev\n\
         USER dev\n",
    )
    .unwrap();
    let built = docker(&["build", "-q", "-t", &image.0, path_str(&ctx)]);
    assert!(built.status.success(), "{}", stderr(&built));
    let id = env.init(&["--image", &image.0]);
    let c = format!("dsbx-{id}");
    let file = env.dir.path().join("f.txt");
    fs::write(&file, "mine\n").unwrap();
    let tree = env.dir.path().join("tree");
    fs::create_dir_all(tree.join("sub")).unwrap();
    fs::write(tree.join("sub/g.txt"), "deep\n").unwrap();
    assert_code(
        &env.run(&["upload", &id, path_str(&file), "/home/dev/f.txt"]),
        0,
    );
    assert_code(
        &env.run(&["upload", &id, path_str(&tree), "/home/dev/tree"]),
        0,
    );
    let owners = docker_exec(
        &c,
        &[
            "stat",
            "-c",
            "%u:%g %n",
            "/home/dev/f.txt",
            "/home/dev/tree",
            "/home/dev/tree/sub",
            "/home/dev/tree/sub/g.txt",
        ],
    );
    for line in owners.lines() {
        assert!(line.starts_with("4321:4322 "), "{owners}");
    }
    // The user can change what it was given.
    let out = env.run(&[
        "exec",
        &id,
        "echo more >> /home/dev/tree/sub/g.txt && id -u",
    ]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "4321\n");
}

/// `inode links` of each path in the sandbox.
fn inodes_in(id: &str, paths: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["stat", "-c", "%i %h"];
    args.extend_from_slice(paths);
    docker_exec(&format!("dsbx-{id}"), &args)
        .lines()
        .map(|l| {
            let (ino, links) = l.split_once(' ').unwrap();
            (ino.to_string(), links.to_string())
        })
        .collect()
}

/// Hard links within a tree round-trip both ways, as user and as root, on the channel and on
/// the engine path: the second name of a file arrives as a second name of the same inode (as
/// `docker cp` keeps them), not as a copy; a name linked to a file outside the tree arrives as
/// a plain file.
#[test]
fn hard_links_in_a_tree_round_trip_as_shared_inodes() {
    use std::os::unix::fs::MetadataExt;
    let Some(env) = TestEnv::new() else { return };
    let src = env.dir.path().join("linked");
    fs::create_dir_all(src.join("sub")).unwrap();
    fs::write(src.join("a"), "shared\n").unwrap();
    fs::hard_link(src.join("a"), src.join("sub/b")).unwrap();
    fs::hard_link(src.join("a"), src.join("c")).unwrap();
    fs::write(src.join("alone"), "alone\n").unwrap();
    fs::hard_link(src.join("alone"), env.dir.path().join("outside")).unwrap();
    let id = env.init_with_channel(&["--user", "user"]);
    for channel in [true, false] {
        for root in [false, true] {
            let remote = format!("/home/user/l-{channel}-{root}");
            let mut up = vec!["upload", &id, path_str(&src), &remote];
            if root {
                up.insert(1, "--root");
            }
            assert_code(&env.run_on(channel, &up), 0);
            let names = ["a", "sub/b", "c", "alone"].map(|n| format!("{remote}/{n}"));
            let got = inodes_in(&id, &names.each_ref().map(String::as_str));
            assert_eq!(got[0].1, "3", "channel {channel} root {root}: {got:?}");
            assert!(got[0] == got[1] && got[1] == got[2], "{got:?}");
            assert_eq!(got[3].1, "1", "{got:?}");

            let local = env.dir.path().join(format!("back-{channel}-{root}"));
            let mut down = vec!["download", &id, &remote, path_str(&local)];
            if root {
                down.insert(1, "--root");
            }
            assert_code(&env.run_on(channel, &down), 0);
            let meta = |n: &str| fs::metadata(local.join(n)).unwrap();
            assert_eq!(meta("a").nlink(), 3, "channel {channel} root {root}");
            assert_eq!(meta("a").ino(), meta("sub/b").ino());
            assert_eq!(meta("a").ino(), meta("c").ino());
            assert_eq!(fs::read_to_string(local.join("c")).unwrap(), "shared\n");
            assert_eq!(meta("alone").nlink(), 1);
        }
    }
}

/// `files download-dir`'s excludes are applied where the tree is read, inside the sandbox: an
/// excluded directory is never opened (one the user may not read does not fail the copy), and a
/// file whose first name is excluded arrives whole under its next name, its later names linked
/// to that one. The same on the channel and on the engine path, which run the same `pack`.
#[test]
fn download_dir_leaves_excluded_entries_out_in_the_sandbox() {
    use std::os::unix::fs::MetadataExt;
    let Some(env) = TestEnv::new() else { return };
    let id = env.init_with_channel(&["--user", "user", "--workdir", "/home/user"]);
    let made = env.run(&[
        "exec",
        &id,
        "mkdir -p t/build t/keep t/src && echo shared > t/build/first && \
         ln t/build/first t/keep/second && ln t/build/first t/src/third && echo own > t/src/own",
    ]);
    assert_code(&made, 0);
    // A directory the sandbox's user cannot read, under a default exclude.
    let made = env.run(&[
        "exec",
        "--root",
        &id,
        "mkdir -p /home/user/t/node_modules/secret && chmod 700 /home/user/t/node_modules",
    ]);
    assert_code(&made, 0);
    for channel in [true, false] {
        let download_dir = |local: &std::path::Path, extra: &[&str]| {
            let mut args = vec![
                "files",
                "download-dir",
                &id,
                "/home/user/t",
                path_str(local),
            ];
            args.extend_from_slice(extra);
            env.run_on(channel, &args)
        };
        let local = env.dir.path().join(format!("down-{channel}"));
        let out = download_dir(&local, &[]);
        assert_code(&out, 0);
        assert!(
            !stderr(&out).contains("skipped"),
            "channel {channel}: {}",
            stderr(&out)
        );
        assert!(!local.join("build").exists(), "channel {channel}");
        assert!(!local.join("node_modules").exists(), "channel {channel}");
        let meta = |n: &str| fs::metadata(local.join(n)).unwrap();
        assert_eq!(
            fs::read_to_string(local.join("keep/second")).unwrap(),
            "shared\n"
        );
        assert_eq!(meta("keep/second").ino(), meta("src/third").ino());
        assert_eq!(meta("keep/second").nlink(), 2, "channel {channel}");
        assert_eq!(fs::read_to_string(local.join("src/own")).unwrap(), "own\n");
        // Without the exclude, the unreadable directory is said, as before.
        let out = download_dir(&env.dir.path().join(format!("all-{channel}")), &["--all"]);
        assert_code(&out, 1);
        assert!(
            stderr(&out).contains("node_modules"),
            "channel {channel}: {}",
            stderr(&out)
        );
    }
}
