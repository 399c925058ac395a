//! The host side of the boundary, tried as a hostile sandbox would (issue 14, findings 1, 4, 5):
//! a download never writes outside LOCAL whatever the sandbox does to the tree being read, a
//! download by a user who is not root stays atomic, and `kill`, `gc`, `ls`, `info` and `timeout`
//! never act on a container whose labels lie. Every test compares canary files or containers
//! before and after, and checks that the legitimate operation still does what the README says.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

/// Everything under `root`: relative path -> kind, mode, size and content (or link target).
fn snapshot(root: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let m = fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let what = if m.file_type().is_symlink() {
                format!("link {}", fs::read_link(&path).unwrap().display())
            } else if m.is_dir() {
                stack.push(path.clone());
                format!("dir {:o}", m.mode() & 0o7777)
            } else {
                format!(
                    "file {:o} {:?}",
                    m.mode() & 0o7777,
                    String::from_utf8_lossy(&fs::read(&path).unwrap())
                )
            };
            found.insert(rel, what);
        }
    }
    found.insert(
        ".".into(),
        format!("dir {:o}", fs::metadata(root).unwrap().mode() & 0o7777),
    );
    found
}

/// A host directory the sandbox must never reach, with a file, a subdirectory and a link.
fn canary(parent: &Path) -> PathBuf {
    let dir = parent.join("canary");
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::write(dir.join("victim.txt"), "safe").unwrap();
    fs::write(dir.join("sub/deep.txt"), "safe too").unwrap();
    std::os::unix::fs::symlink("victim.txt", dir.join("link")).unwrap();
    dir
}

/// `sh -c SCRIPT` in the sandbox, as root, asserting success.
fn in_sandbox(id: &str, script: &str) {
    let out = docker(&["exec", &format!("dsbx-{id}"), "sh", "-c", script]);
    assert!(out.status.success(), "{script}: {}", stderr(&out));
}

/// `dsbx ARGS` run from `cwd`.
fn run_in(env: &TestEnv, cwd: &Path, args: &[&str]) -> Output {
    env.dsbx()
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("run dsbx")
}

fn stage_dirs(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".dsbx-download-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Finding 1 as it was found: the sandbox makes `~/w/proj` a symlink to a host directory; the
/// first download places that link (symlinks are kept as links), the second, into `./out` and
/// `./out/`, used to merge through it into the host directory.
#[test]
fn a_symlink_planted_in_the_sandbox_is_placed_but_never_written_through() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let work = env.dir.path().join("work");
    fs::create_dir(&work).unwrap();
    let canary = canary(env.dir.path());
    let before = snapshot(&canary);
    in_sandbox(
        &id,
        &format!(
            "mkdir -p /home/user/w /home/user/proj/sub && ln -s {c} /home/user/w/proj && \
             echo pwned > /home/user/proj/victim.txt && echo new > /home/user/proj/new.txt && \
             echo deep > /home/user/proj/sub/deep.txt",
            c = canary.display()
        ),
    );

    let out = run_in(&env, &work, &["download", &id, "/home/user/w", "./out"]);
    assert_code(&out, 0);
    let placed = work.join("out/proj");
    assert_eq!(fs::read_link(&placed).unwrap(), canary, "kept as a link");

    for local in ["./out", "./out/"] {
        let out = run_in(&env, &work, &["download", &id, "/home/user/proj", local]);
        assert_code(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains("cannot replace the symlink") && err.contains("out/proj"),
            "{local}: {err}"
        );
        assert_eq!(snapshot(&canary), before, "{local}: the canary changed");
        assert_eq!(fs::read_link(&placed).unwrap(), canary);
        assert!(stage_dirs(&work.join("out")).is_empty());
    }

    // The legitimate operation: the same tree into a place with no link in the way.
    let out = run_in(
        &env,
        &work,
        &["download", &id, "/home/user/proj", "./fresh/"],
    );
    assert_code(&out, 0);
    assert_eq!(
        fs::read_to_string(work.join("fresh/proj/victim.txt")).unwrap(),
        "pwned\n"
    );
    assert_eq!(
        fs::read_to_string(work.join("fresh/proj/sub/deep.txt")).unwrap(),
        "deep\n"
    );
    // A symlink the user names as LOCAL is followed, as documented.
    let mine = env.dir.path().join("mine");
    fs::create_dir(&mine).unwrap();
    std::os::unix::fs::symlink(&mine, work.join("named")).unwrap();
    let out = run_in(
        &env,
        &work,
        &["download", &id, "/home/user/proj", "./named"],
    );
    assert_code(&out, 0);
    assert_eq!(
        fs::read_to_string(mine.join("proj/new.txt")).unwrap(),
        "new\n"
    );
    assert_eq!(snapshot(&canary), before);
}

/// Symlinks at every depth of LOCAL's tree, left by an earlier download or by anyone: in place
/// of the target, of a directory inside it, of a file inside it. None is followed; a file over a
/// link replaces the link.
#[test]
fn symlinks_at_every_depth_of_local_are_never_followed() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let work = env.dir.path().join("work");
    let canary = canary(env.dir.path());
    let before = snapshot(&canary);
    in_sandbox(
        &id,
        "mkdir -p /tmp/t/a/b/c && echo 1 > /tmp/t/top.txt && echo 2 > /tmp/t/a/mid.txt && \
         echo 3 > /tmp/t/a/b/c/leaf.txt && echo victim > /tmp/t/a/b/victim.txt",
    );
    let link = |at: &Path, to: &Path| {
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(to, at).unwrap();
    };

    // Depth 1: LOCAL/t itself is a link to the canary.
    let d1 = work.join("d1");
    link(&d1.join("t"), &canary);
    // Depth 2 and 3: a directory inside the earlier copy is a link.
    let d2 = work.join("d2");
    fs::create_dir_all(d2.join("t")).unwrap();
    link(&d2.join("t/a"), &canary);
    let d3 = work.join("d3");
    fs::create_dir_all(d3.join("t/a/b")).unwrap();
    link(&d3.join("t/a/b/c"), &canary.join("sub"));
    for (dir, shown) in [(&d1, "d1/t"), (&d2, "d2/t/a"), (&d3, "d3/t/a/b/c")] {
        let out = run_in(&env, &work, &["download", &id, "/tmp/t", path_str(dir)]);
        assert_code(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains("cannot replace the symlink") && err.contains(shown),
            "{shown}: {err}"
        );
        assert!(
            err.contains("nothing was changed") || shown == "d1/t",
            "{err}"
        );
        assert_eq!(snapshot(&canary), before, "{shown}: the canary changed");
        assert!(!d2.join("t/top.txt").exists() && !d3.join("t/top.txt").exists());
    }

    // A file's name inside the earlier copy is a link to a host file: the link is replaced,
    // the host file untouched.
    let d4 = work.join("d4");
    fs::create_dir_all(d4.join("t/a/b")).unwrap();
    link(&d4.join("t/a/b/victim.txt"), &canary.join("victim.txt"));
    link(&d4.join("t/top.txt"), &canary.join("sub/deep.txt"));
    let out = run_in(&env, &work, &["download", &id, "/tmp/t", path_str(&d4)]);
    assert_code(&out, 0);
    assert_eq!(snapshot(&canary), before);
    let m = fs::symlink_metadata(d4.join("t/a/b/victim.txt")).unwrap();
    assert!(m.is_file(), "the link was replaced by the file");
    assert_eq!(
        fs::read_to_string(d4.join("t/a/b/victim.txt")).unwrap(),
        "victim\n"
    );
    assert_eq!(fs::read_to_string(d4.join("t/top.txt")).unwrap(), "1\n");
    assert_eq!(
        fs::read_to_string(d4.join("t/a/b/c/leaf.txt")).unwrap(),
        "3\n"
    );
    for d in [&d1, &d2, &d3, &d4] {
        assert!(stage_dirs(d).is_empty(), "{}", d.display());
    }
}

/// The second form of finding 1: the sandbox flips `~/sw` between a directory and a symlink
/// while the host downloads it. LOCAL is never left a symlink, and an ordinary download into it
/// afterwards writes where it should. Looped 100 times.
#[test]
fn a_directory_swapped_for_a_symlink_mid_download_never_becomes_local() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let work = env.dir.path().join("work");
    fs::create_dir(&work).unwrap();
    let canary = canary(env.dir.path());
    let before = snapshot(&canary);
    // The link points at the host's canary: a LOCAL left as this link would write into it. The
    // same path exists in the sandbox, so a download that sees the link follows it there.
    in_sandbox(
        &id,
        &format!(
            "mkdir -p {c} && echo inside > {c}/inside.txt",
            c = canary.display()
        ),
    );
    let flip = format!(
        "while :; do rm -rf /tmp/sw; mkdir /tmp/sw; echo x > /tmp/sw/f; rm -rf /tmp/sw; \
         ln -s {c} /tmp/sw; done",
        c = canary.display()
    );
    let started = docker(&["exec", "-d", &format!("dsbx-{id}"), "sh", "-c", &flip]);
    assert!(started.status.success(), "{}", stderr(&started));
    let (mut copied, mut refused) = (0, 0);
    let mut reasons = BTreeMap::<String, u32>::new();
    for i in 0..100 {
        let local = format!("./out{i}");
        let out = run_in(&env, &work, &["download", &id, "/tmp/sw", &local]);
        let path = work.join(&local);
        match fs::symlink_metadata(&path) {
            Ok(m) => {
                assert!(
                    m.is_dir(),
                    "try {i}: {local} was left a {:?}: {}",
                    m.file_type(),
                    stderr(&out)
                );
                assert_code(&out, 0);
                copied += 1;
            }
            Err(_) => {
                assert_code(&out, 1);
                refused += 1;
                let err = stderr(&out);
                let why = if err.contains("changed while it was downloaded") {
                    "changed type while read"
                } else if err.contains("no such file") {
                    "gone when inspected"
                } else {
                    err.lines().next().unwrap_or("?")
                };
                *reasons.entry(why.to_string()).or_default() += 1;
            }
        }
        assert!(stage_dirs(&work).is_empty(), "try {i}");
    }
    // An ordinary download into each copy lands inside it, never in the canary.
    in_sandbox(&id, "echo ordinary > /tmp/ordinary.txt");
    for i in 0..100 {
        let path = work.join(format!("out{i}"));
        if path.exists() {
            let out = run_in(
                &env,
                &work,
                &["download", &id, "/tmp/ordinary.txt", &format!("./out{i}")],
            );
            assert_code(&out, 0);
            assert_eq!(
                fs::read_to_string(path.join("ordinary.txt")).unwrap(),
                "ordinary\n"
            );
        }
    }
    assert_eq!(snapshot(&canary), before);
    eprintln!("swap race: {copied} copied, {refused} refused: {reasons:?}");
    assert!(copied + refused == 100);
}

/// The swap one level down: `sw/sub` flips between a directory and a symlink while the host
/// downloads `sw` onto an earlier copy (a merge). The merge places the link or the directory,
/// or refuses with nothing changed; it never follows a link. Looped 100 times.
#[test]
fn a_subdirectory_swapped_mid_merge_is_never_followed() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let work = env.dir.path().join("work");
    fs::create_dir(&work).unwrap();
    let canary = canary(env.dir.path());
    let before = snapshot(&canary);
    in_sandbox(&id, "mkdir -p /tmp/sw2 && echo top > /tmp/sw2/top.txt");
    let flip = format!(
        "while :; do rm -rf /tmp/sw2/sub; mkdir /tmp/sw2/sub; echo pwned > /tmp/sw2/sub/victim.txt; \
         rm -rf /tmp/sw2/sub; ln -s {c} /tmp/sw2/sub; done",
        c = canary.display()
    );
    let started = docker(&["exec", "-d", &format!("dsbx-{id}"), "sh", "-c", &flip]);
    assert!(started.status.success(), "{}", stderr(&started));
    let mut outcomes = BTreeMap::<String, u32>::new();
    for i in 0..100 {
        let out = run_in(&env, &work, &["download", &id, "/tmp/sw2", "./merge"]);
        let sub = work.join("merge/sw2/sub");
        let kind = match fs::symlink_metadata(&sub) {
            Ok(m) if m.file_type().is_symlink() => "link",
            Ok(m) if m.is_dir() => "dir",
            Ok(_) => "file",
            Err(_) => "none",
        };
        let code = out.status.code().unwrap_or(-1);
        assert!(code == 0 || code == 1, "try {i}: {}", stderr(&out));
        *outcomes
            .entry(format!("exit {code}, sub is a {kind}"))
            .or_default() += 1;
        assert_eq!(snapshot(&canary), before, "try {i}: the canary changed");
        assert!(stage_dirs(&work.join("merge")).is_empty(), "try {i}");
        // The next merge starts from a fresh copy half the time, from the earlier one otherwise.
        if i % 2 == 1 {
            let _ = fs::remove_dir_all(work.join("merge"));
        }
    }
    eprintln!("subdirectory swap: {outcomes:?}");
}

/// The uid and gid a test runs dsbx as when it must not be root: a user with no name, in the
/// group that owns the engine's socket (as a member of the `docker` group would be).
const USER_UID: u32 = 4242;

fn docker_gid() -> u32 {
    fs::metadata("/var/run/docker.sock")
        .expect("the engine's socket")
        .gid()
}

/// A home for the unprivileged user: state, config and a work directory it owns.
struct UserHome {
    root: PathBuf,
    work: PathBuf,
}

fn user_home(env: &TestEnv) -> UserHome {
    let root = env.dir.path().join("user");
    let work = root.join("work");
    fs::create_dir_all(&work).unwrap();
    fs::copy(&env.config, root.join("config.toml")).unwrap();
    // The test's temp dir is root's (0700): let the user through to its own home.
    fs::set_permissions(env.dir.path(), fs::Permissions::from_mode(0o711)).unwrap();
    for p in [&root, &work, &root.join("config.toml")] {
        std::os::unix::fs::chown(p, Some(USER_UID), Some(docker_gid())).unwrap();
    }
    UserHome { root, work }
}

/// `dsbx ARGS` as the unprivileged user, from its work directory.
fn as_user(env: &TestEnv, home: &UserHome) -> std::process::Command {
    let mut cmd = std::process::Command::new(dsbx_bin());
    cmd.current_dir(&home.work)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", &home.root)
        .env("DSBX_STATE_DIR", home.root.join("state"))
        .env("DSBX_CONFIG", home.root.join("config.toml"))
        .env("DSBX_SCOPE", &env.scope)
        .env("NO_COLOR", "1")
        .uid(USER_UID)
        .gid(docker_gid());
    cmd
}

fn run_as_user(env: &TestEnv, home: &UserHome, args: &[&str]) -> Output {
    as_user(env, home)
        .args(args)
        .output()
        .expect("run dsbx as the user")
}

/// Finding 5: for a user who is not root, a remote tree with read-only (0555) directories
/// downloads whole with its modes, leaves no staging directory, and a merge that cannot finish
/// changes nothing.
#[test]
fn read_only_remote_directories_download_atomically_for_a_user_who_is_not_root() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let home = user_home(&env);
    in_sandbox(
        &id,
        "mkdir -p /tmp/ro/sub/inner && echo a > /tmp/ro/a.txt && echo b > /tmp/ro/sub/b.txt && \
         echo c > /tmp/ro/sub/inner/c.txt && chmod 0444 /tmp/ro/a.txt && \
         chmod 0555 /tmp/ro/sub/inner /tmp/ro/sub /tmp/ro",
    );
    let out = run_as_user(&env, &home, &["download", &id, "/tmp/ro", "./copy"]);
    assert_code(&out, 0);
    let copy = home.work.join("copy");
    let mode = |p: &Path| fs::symlink_metadata(p).unwrap().mode() & 0o7777;
    assert_eq!(mode(&copy), 0o555);
    assert_eq!(mode(&copy.join("sub")), 0o555);
    assert_eq!(mode(&copy.join("sub/inner")), 0o555);
    assert_eq!(mode(&copy.join("a.txt")), 0o444);
    assert_eq!(
        fs::read_to_string(copy.join("sub/inner/c.txt")).unwrap(),
        "c\n"
    );
    assert_eq!(fs::symlink_metadata(&copy).unwrap().uid(), USER_UID);
    assert!(stage_dirs(&home.work).is_empty());

    // Into an existing directory: lands inside it, modes and all.
    fs::create_dir(home.work.join("into")).unwrap();
    std::os::unix::fs::chown(home.work.join("into"), Some(USER_UID), None).unwrap();
    let out = run_as_user(&env, &home, &["download", &id, "/tmp/ro", "./into"]);
    assert_code(&out, 0);
    assert_eq!(mode(&home.work.join("into/ro/sub")), 0o555);
    assert!(stage_dirs(&home.work.join("into")).is_empty());

    // A merge onto the read-only copy cannot write into it: refused before anything moves.
    in_sandbox(&id, "chmod 0755 /tmp/ro && echo new > /tmp/ro/new.txt");
    let before = snapshot(&home.work);
    let out = run_as_user(&env, &home, &["download", &id, "/tmp/ro", "./into"]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("permission denied") && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(snapshot(&home.work), before, "a merge stopped half done");

    // The user's own writable copy whose subdirectory is read-only: the new top-level file
    // must not arrive alone while the read-only subdirectory refuses its part.
    let mine = home.work.join("mine");
    fs::create_dir_all(mine.join("ro/sub")).unwrap();
    for p in [&mine, &mine.join("ro"), &mine.join("ro/sub")] {
        std::os::unix::fs::chown(p, Some(USER_UID), None).unwrap();
    }
    fs::set_permissions(mine.join("ro/sub"), fs::Permissions::from_mode(0o555)).unwrap();
    in_sandbox(
        &id,
        "chmod 0755 /tmp/ro/sub && echo later > /tmp/ro/sub/later.txt",
    );
    let before = snapshot(&mine);
    let out = run_as_user(&env, &home, &["download", &id, "/tmp/ro", "./mine"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("nothing was changed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&mine), before, "a merge stopped half done");
    assert!(stage_dirs(&mine).is_empty());
    // Everything placed belongs to the user (who may chmod it back and remove it).
    let rm = std::process::Command::new("sh")
        .args(["-c", "chmod -R u+w copy into && rm -rf copy into"])
        .current_dir(&home.work)
        .uid(USER_UID)
        .gid(docker_gid())
        .output()
        .unwrap();
    assert!(
        rm.status.success() && !home.work.join("copy").exists(),
        "{}",
        stderr(&rm)
    );
}

/// Finding 5, second half: a tree whose local paths are longer than the host's PATH_MAX (a deep
/// remote tree under a deep LOCAL) downloads whole, each name reached from its parent's handle,
/// where a path-string download aborted naming no entry.
#[test]
fn a_tree_whose_local_paths_pass_path_max_downloads_whole() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    let home = user_home(&env);
    // 30 levels of 120-character names in the sandbox (about 3,630 bytes, under its own
    // PATH_MAX), under 6 more such levels locally: past 4,096 bytes on the host.
    let name = "d".repeat(120);
    in_sandbox(
        &id,
        &format!(
            "mkdir -p /tmp/deep && cd /tmp/deep && i=0; while [ $i -lt 30 ]; do mkdir {name} && \
             cd {name}; i=$((i+1)); done; echo bottom > end.txt; echo top > /tmp/deep/top.txt"
        ),
    );
    let mut local = home.work.clone();
    for _ in 0..6 {
        local.push(&name);
        fs::create_dir(&local).unwrap();
        std::os::unix::fs::chown(&local, Some(USER_UID), None).unwrap();
    }
    let out = as_user(&env, &home)
        .current_dir(&local)
        .args(["download", &id, "/tmp/deep", "./deep"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let mut dir = fs::File::open(local.join("deep")).unwrap();
    let mut depth = local.join("deep").as_os_str().len();
    for _ in 0..30 {
        use std::os::fd::AsRawFd;
        let c = std::ffi::CString::new(name.as_str()).unwrap();
        // SAFETY: a valid directory descriptor and a NUL-terminated name.
        let fd = unsafe {
            libc::openat(
                dir.as_raw_fd(),
                c.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW,
            )
        };
        assert!(fd >= 0, "a level is missing");
        // SAFETY: a descriptor just opened and owned by nothing else.
        dir = unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) };
        depth += 121;
    }
    assert!(depth > 4096, "the test's path is only {depth} bytes");
    use std::io::Read;
    let c = std::ffi::CString::new("end.txt").unwrap();
    // SAFETY: as above.
    let fd = unsafe {
        libc::openat(
            std::os::fd::AsRawFd::as_raw_fd(&dir),
            c.as_ptr(),
            libc::O_RDONLY | libc::O_NOFOLLOW,
        )
    };
    assert!(fd >= 0, "the deepest file is missing");
    let mut end = String::new();
    // SAFETY: as above.
    let mut file: fs::File = unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) };
    file.read_to_string(&mut end).unwrap();
    assert_eq!(end, "bottom\n");
    assert_eq!(
        fs::read_to_string(local.join("deep/top.txt")).unwrap(),
        "top\n"
    );
    assert!(stage_dirs(&local).is_empty());
}

/// Issue 15 item 8: a download killed with SIGKILL leaves its staging directory; the next
/// download into the same directory removes it, because nobody holds its lock. A download that
/// is alive (stopped with SIGSTOP) keeps its staging directory through another download, and
/// finishes whole.
#[test]
fn a_killed_downloads_staging_directory_is_removed_and_a_live_ones_is_kept() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    // The engine holds a container's lock for as long as an archive read of it streams, so the
    // second download reads another sandbox.
    let other = env.init(&[]);
    let home = user_home(&env);
    in_sandbox(
        &id,
        "dd if=/dev/zero of=/tmp/big bs=1048576 count=400 2>/dev/null && echo small > /tmp/small",
    );
    in_sandbox(&other, "echo small > /tmp/small");
    // Starts a download of the big file and returns it once its staging directory holds data.
    let start_big = |dest: &str| {
        let child = as_user(&env, &home)
            .args(["download", &id, "/tmp/big", dest])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let parent = home.work.join(Path::new(dest).parent().unwrap());
        let staged = || {
            stage_dirs(&parent)
                .into_iter()
                .any(|s| fs::metadata(parent.join(s).join("entry")).is_ok_and(|m| m.len() > 0))
        };
        let mut waited = 0;
        while !staged() && waited < 60_000 {
            std::thread::sleep(Duration::from_millis(5));
            waited += 5;
        }
        assert!(staged(), "the download never staged anything");
        child
    };

    fs::create_dir(home.work.join("k")).unwrap();
    std::os::unix::fs::chown(home.work.join("k"), Some(USER_UID), None).unwrap();
    let mut child = start_big("k/big");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let left = stage_dirs(&home.work.join("k"));
    assert_eq!(
        left.len(),
        1,
        "SIGKILL left its staging directory: {left:?}"
    );
    let out = run_as_user(&env, &home, &["download", &id, "/tmp/small", "./k/small"]);
    assert_code(&out, 0);
    assert!(
        stage_dirs(&home.work.join("k")).is_empty(),
        "the stale stage was not removed"
    );
    assert_eq!(
        fs::read_to_string(home.work.join("k/small")).unwrap(),
        "small\n"
    );
    assert!(!home.work.join("k/big").exists());

    // A live download's staging directory survives another download into the same place.
    fs::create_dir(home.work.join("l")).unwrap();
    std::os::unix::fs::chown(home.work.join("l"), Some(USER_UID), None).unwrap();
    let mut child = start_big("l/big");
    let pid = child.id().to_string();
    let stop = std::process::Command::new("kill")
        .args(["-STOP", &pid])
        .status()
        .unwrap();
    assert!(stop.success());
    let live = stage_dirs(&home.work.join("l"));
    let out = run_as_user(
        &env,
        &home,
        &["download", &other, "/tmp/small", "./l/small"],
    );
    assert_code(&out, 0);
    assert_eq!(
        stage_dirs(&home.work.join("l")),
        live,
        "a live stage was removed"
    );
    let cont = std::process::Command::new("kill")
        .args(["-CONT", &pid])
        .status()
        .unwrap();
    assert!(cont.success());
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "the stopped download failed after resuming"
    );
    assert_eq!(
        fs::metadata(home.work.join("l/big")).unwrap().len(),
        400 * 1024 * 1024
    );
    assert!(stage_dirs(&home.work.join("l")).is_empty());
}

/// A container made behind dsbx's back with the docker CLI, removed when the test ends.
struct Foreign(String);

impl Foreign {
    fn run(name: &str, labels: &[(&str, &str)]) -> Foreign {
        // No network: the decoys need none, and the engine's default bridge may be busy or gone.
        let mut args = vec![
            "run".to_string(),
            "-d".into(),
            "--network".into(),
            "none".into(),
            "--name".into(),
            name.into(),
        ];
        for (k, v) in labels {
            args.push("--label".into());
            args.push(format!("{k}={v}"));
        }
        args.extend([BUSYBOX.to_string(), "sleep".into(), "600".into()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = docker(&refs);
        if !out.status.success() {
            // `docker run` can create the container and then fail to start it: leave nothing.
            let _ = docker(&["rm", "-f", name]);
            panic!("{}", stderr(&out));
        }
        Foreign(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    fn exists(&self) -> bool {
        docker(&["inspect", &self.0]).status.success()
    }
}

impl Drop for Foreign {
    fn drop(&mut self) {
        let _ = docker(&["rm", "-f", &self.0]);
    }
}

/// Labels that claim a sandbox of `scope` with id `id`, valid in every way but the ones a test
/// breaks.
fn claiming<'a>(scope: &'a str, id: &'a str, created: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("dsbx.managed", "true"),
        ("dsbx.schema", "1"),
        ("dsbx.scope", scope),
        ("dsbx.id", id),
        ("dsbx.created-at", created),
        ("dsbx.expires-at", "2020-01-01T00:00:00Z"),
    ]
}

/// Finding 4 as it was found: in the attacker's scope, a container claims another scope's
/// sandbox id, and another claims the id `x/../../containers/NAME` of an unlabelled canary
/// container. `kill --all`, `gc`, `info` and `timeout` touch neither, nor what they point at,
/// nor report them; `ls --verbose` says each was skipped and why. The scope's own sandbox goes.
#[test]
fn kill_all_and_gc_never_act_on_containers_whose_labels_lie() {
    let Some(victim) = TestEnv::new() else { return };
    let Some(attacker) = TestEnv::new() else {
        return;
    };
    let victim_id = victim.init(&["--timeout", "1h"]);
    let own = attacker.init(&[]);
    let suffix = random_suffix();
    let canary = Foreign::run(&format!("canary-{suffix}"), &[]);
    let traversal = format!("x/../../containers/canary-{suffix}");
    let created = "2020-01-01T00:00:00Z";
    let decoy_other_scope = Foreign::run(
        &format!("decoy-a-{suffix}"),
        &claiming(&attacker.scope, &victim_id, created),
    );
    let decoy_path = Foreign::run(
        &format!("decoy-b-{suffix}"),
        &claiming(&attacker.scope, &traversal, created),
    );
    // Named as dsbx names its own, but with a date that does not parse.
    let fake_id = format!("z{}", &random_suffix().repeat(2)[..11]);
    let decoy_bad_date = Foreign::run(
        &format!("dsbx-{fake_id}"),
        &claiming(&attacker.scope, &fake_id, "yesterday"),
    );
    let victim_deadline = inspect(&format!("dsbx-{victim_id}"), "{{.Id}}");

    let out = attacker.run(&["--verbose", "ls", "--json"]);
    assert_code(&out, 0);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = listed["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![own.as_str()], "{listed}");
    let err = stderr(&out);
    for (decoy, why) in [
        (&decoy_other_scope, format!("is not `dsbx-{victim_id}`")),
        (&decoy_path, "is not a sandbox id".to_string()),
        (&decoy_bad_date, "is not an RFC 3339 time".to_string()),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(&decoy.0[..12]))
            .unwrap_or_else(|| panic!("no line for {}: {err}", decoy.0));
        assert!(
            line.contains("skipped container") && line.contains(&why),
            "{line}"
        );
    }
    // Without --verbose, nothing is said.
    let quiet = attacker.run(&["ls"]);
    assert!(!stderr(&quiet).contains("skipped"), "{}", stderr(&quiet));

    // gc: the decoys' labels say they expired in 2020.
    let out = attacker.run(&["gc", "--json"]);
    assert_code(&out, 0);
    assert!(gc_removed_ids(&out).is_empty(), "{}", stdout(&out));

    // info and timeout with the other scope's id find nothing in this scope.
    let out = attacker.run(&["info", &victim_id]);
    assert_code(&out, 3);
    let out = attacker.run(&["timeout", &victim_id, "1s"]);
    assert_code(&out, 3);

    let out = attacker.run(&["kill", "--all", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["killed"], serde_json::json!([own]), "{v}");
    assert_eq!(status(&own), "gone");

    for (what, c) in [
        ("the canary", &canary),
        ("the decoy claiming another scope's id", &decoy_other_scope),
        ("the decoy with a path for an id", &decoy_path),
        ("the decoy with a bad date", &decoy_bad_date),
    ] {
        assert!(c.exists(), "{what} was removed");
    }
    assert_eq!(status(&victim_id), "running", "the other scope's sandbox");
    assert_eq!(
        inspect(&format!("dsbx-{victim_id}"), "{{.Id}}"),
        victim_deadline
    );
    // The victim's own deadline is untouched by the attacker's `timeout`.
    let out = victim.run(&["info", "--json", &victim_id]);
    assert_code(&out, 0);
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(info["time_left_secs"].as_i64().unwrap() > 3000, "{info}");
    // And the victim's scope still lists and kills its sandbox normally.
    let out = victim.run(&["kill", &victim_id]);
    assert_code(&out, 0);
    assert_eq!(status(&victim_id), "gone");
}

/// Variants: decoys across `--all-scopes` (a foreign scope's label that does not validate, a
/// schema dsbx does not know) and a decoy claiming the id of a sandbox in the same scope. `kill
/// --all --all-scopes` in a test's own scopes removes only real sandboxes; a by-id `kill` of the
/// claimed sandbox removes the real one, not the decoy.
#[test]
fn decoys_claiming_ids_in_the_same_scope_or_with_unknown_schemas_are_left_alone() {
    let Some(env) = TestEnv::new() else { return };
    let real = env.init(&[]);
    let suffix = random_suffix();
    let created = "2026-01-01T00:00:00Z";
    let same_scope = Foreign::run(
        &format!("decoy-c-{suffix}"),
        &claiming(&env.scope, &real, created),
    );
    let mut schema2 = claiming(&env.scope, "q1w2e3r4t5y6", created);
    schema2[1] = ("dsbx.schema", "2");
    let unknown_schema = Foreign::run(&format!("dsbx-q1w2e3r4t5y6-{suffix}"), &schema2);

    let out = env.run(&["--verbose", "ls"]);
    assert_code(&out, 0);
    assert!(stdout(&out).contains(&real));
    let err = stderr(&out);
    assert!(err.contains("this dsbx knows 1"), "{err}");
    assert!(err.contains(&format!("is not `dsbx-{real}`")), "{err}");

    // By id: the real sandbox (the decoy's claim on its id changes nothing).
    let out = env.run(&["info", "--json", &real]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], real.as_str());
    let out = env.run(&["kill", "--json", &real]);
    assert_code(&out, 0);
    assert_eq!(status(&real), "gone");
    assert!(same_scope.exists(), "the decoy went with the real sandbox");

    let out = env.run(&["--verbose", "kill", "--all", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["killed"], serde_json::json!([]), "{v}");
    assert_eq!(
        stderr(&out).matches("skipped container").count(),
        2,
        "{}",
        stderr(&out)
    );
    let out = env.run(&["--verbose", "gc", "--older-than", "1s", "--json"]);
    assert_code(&out, 0);
    assert!(gc_removed_ids(&out).is_empty(), "{}", stdout(&out));
    assert_eq!(
        stderr(&out).matches("skipped container").count(),
        2,
        "{}",
        stderr(&out)
    );
    assert!(same_scope.exists() && unknown_schema.exists());
}
