//! `dsbx ps ID` and `dsbx logs ID JOB [-f]`: background jobs (`exec -b`) you can come back to,
//! over the channel and forced onto the engine's path (`DSBX_CHANNEL=off`), with the same results.

mod common;

use common::*;
use serde_json::Value;
use std::io::Read;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// `dsbx ARGS…` over the channel (`true`) or the engine's path (`false`).
fn on(env: &TestEnv, channel: bool, args: &[&str]) -> Output {
    cmd_for(env, channel).args(args).output().unwrap()
}

/// The job id `exec -b` printed.
fn start_job(env: &TestEnv, id: &str, script: &str) -> String {
    let out = env.run(&["exec", "-b", id, script]);
    assert_code(&out, 0);
    stdout(&out)
        .lines()
        .find_map(|l| l.strip_prefix("Job: "))
        .unwrap_or_else(|| panic!("no Job line: {}", stdout(&out)))
        .to_string()
}

fn jobs(env: &TestEnv, channel: bool, id: &str) -> Vec<Value> {
    let out = on(env, channel, &["ps", id, "--json"]);
    assert_code(&out, 0);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    v["jobs"].as_array().unwrap().clone()
}

fn job(env: &TestEnv, channel: bool, id: &str, job: &str) -> Value {
    jobs(env, channel, id)
        .into_iter()
        .find(|j| j["job"] == job)
        .unwrap_or_else(|| panic!("job {job} not listed"))
}

fn go(id: &str, file: &str) {
    docker_exec(&format!("dsbx-{id}"), &["touch", file]);
}

/// A job that prints `start`, waits for FILE, prints `done` and exits 3.
fn waiting(file: &str) -> String {
    format!("echo start; while [ ! -e {file} ]; do sleep 0.1; done; echo done; exit 3")
}

#[test]
fn a_job_outlives_its_dsbx_and_reads_the_same_on_both_paths() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let tag = start_job(&env, &id, &waiting("/tmp/go"));
    // The dsbx that started it is gone; the job runs on, listed on both paths alike.
    for channel in [true, false] {
        let j = job(&env, channel, &id, &tag);
        assert_eq!(j["state"], "running", "{j}");
        assert_eq!(j["exit_code"], Value::Null);
        assert_eq!(j["user"], "user");
        assert!(j["pid"].as_u64().unwrap() > 1);
        assert_eq!(j["command"][2], waiting("/tmp/go"));
        assert_eq!(j["log"], format!("/.dsbx/logs/exec-{tag}.log"));
    }
    let table = on(&env, true, &["ps", &id]);
    assert_code(&table, 0);
    assert!(stdout(&table).starts_with("JOB "), "{}", stdout(&table));
    assert!(stdout(&table).contains(&tag));

    go(&id, "/tmp/go");
    assert!(wait_until(Duration::from_secs(30), || job(
        &env, true, &id, &tag
    )["state"]
        == "exited"));
    let on_channel = job(&env, true, &id, &tag);
    assert_eq!(on_channel["exit_code"], 3);
    assert!(on_channel["ended_at"].is_string());
    assert_eq!(on_channel, job(&env, false, &id, &tag));
    for channel in [true, false] {
        let out = on(&env, channel, &["logs", &id, &tag]);
        assert_code(&out, 0);
        assert_eq!(stdout(&out), "start\ndone\n");
        // A unique prefix and the pid name it too.
        let out = on(&env, channel, &["logs", &id, &tag[..6]]);
        assert_eq!(stdout(&out), "start\ndone\n");
    }
    let pid = on_channel["pid"].to_string();
    assert_eq!(stdout(&env.run(&["logs", &id, &pid])), "start\ndone\n");
}

#[test]
fn logs_follow_ends_when_the_job_ends_and_ctrl_c_exits_130() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    for channel in [true, false] {
        let file = format!("/tmp/go-{channel}");
        let tag = start_job(&env, &id, &waiting(&file));
        let mut child = cmd_for(&env, channel)
            .args(["logs", "-f", &id, &tag])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stdout.take().unwrap();
        assert_eq!(read_line(&mut pipe), "start\n");
        // Still following: the job has not ended.
        assert!(child.try_wait().unwrap().is_none());
        go(&id, &file);
        let mut rest = String::new();
        pipe.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "done\n");
        assert_eq!(child.wait().unwrap().code(), Some(0));

        // Interrupted while it follows: 130, and nothing is left following in the sandbox.
        let tag = start_job(&env, &id, "echo tick; sleep 600");
        let mut child = cmd_for(&env, channel)
            .args(["logs", "-f", &id, &tag])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stdout.take().unwrap();
        assert_eq!(read_line(&mut pipe), "tick\n");
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        assert_eq!(child.wait().unwrap().code(), Some(130));
        assert!(
            wait_until(Duration::from_secs(30), || !docker_exec(
                &format!("dsbx-{id}"),
                &["ps", "-o", "args"]
            )
            .contains("job-log")),
            "a follower outlived its dsbx"
        );
    }
}

fn cmd_for(env: &TestEnv, channel: bool) -> std::process::Command {
    let mut cmd = env.spawnable();
    if channel {
        cmd.env_remove("DSBX_CHANNEL");
    } else {
        cmd.env("DSBX_CHANNEL", "off");
    }
    cmd
}

#[test]
fn an_unknown_job_is_one_clear_line_and_ps_without_id_is_ls() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&[]);
    for channel in [true, false] {
        let out = on(&env, channel, &["logs", &id, "nosuchjob"]);
        assert_code(&out, 1);
        assert_eq!(stdout(&out), "");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("no job `nosuchjob`"), "{err}");
        assert!(err.contains(&format!("dsbx ps {id}")), "{err}");
        let out = on(&env, channel, &["ps", &id, "--json"]);
        assert_code(&out, 0);
        assert_eq!(stdout(&out).trim(), r#"{"jobs":[]}"#);
    }
    // Its stdout is the log itself: no --json.
    let out = env.run(&["logs", "--json", &id, "nosuchjob"]);
    assert_code(&out, 2);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
    // An unknown sandbox is exit 3, as everywhere.
    assert_code(&env.run(&["ps", "nosuchsandbox"]), 3);
    // `ps` alone lists the sandboxes, as `ls` does.
    let ps = env.run(&["ps", "-q"]);
    assert_code(&ps, 0);
    assert_eq!(stdout(&ps), stdout(&env.run(&["ls", "-q"])));
    assert!(stdout(&ps).contains(&id));
}

/// Runs `dsbx ARGS…`, failing the test if it has not ended within a generous bound (a hang).
fn bounded(env: &TestEnv, channel: bool, args: &[&str]) -> Output {
    let child = cmd_for(env, channel)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let started = Instant::now();
    let waiter = std::thread::spawn(move || child.wait_with_output().unwrap());
    while !waiter.is_finished() {
        if started.elapsed() > Duration::from_secs(60) {
            // SAFETY: killing our own child.
            unsafe { libc::kill(id as i32, libc::SIGKILL) };
            panic!("dsbx {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    waiter.join().unwrap()
}

#[test]
fn links_and_fifos_planted_as_records_neither_redirect_nor_hang() {
    let Some(env) = TestEnv::new() else { return };
    let id = env.init(&["--user", "user"]);
    let name = format!("dsbx-{id}");
    let real = start_job(&env, &id, "echo real");
    // The sandbox's user cannot even look.
    let out = env.run(&["exec", &id, "ls /.dsbx/jobs"]);
    assert_code(&out, 1);
    // Root in the sandbox plants a FIFO and a link (to a record of its making) as records and
    // logs, and a canary the link points at.
    let fake = r#"{"event":"start","pid":1,"command":["fake"],"user":"root","started_at":"x","proc_start":0}"#;
    let plant = format!(
        "mkfifo /.dsbx/jobs/exec-fifo1.job /.dsbx/logs/exec-fifo1.log && \
         echo '{fake}' > /tmp/canary && chmod 666 /tmp/canary && \
         ln -s /tmp/canary /.dsbx/jobs/exec-link1.job && \
         ln -s /tmp/canary /.dsbx/logs/exec-link1.log"
    );
    assert_code(&env.run(&["exec", "--root", &id, &plant]), 0);
    let canary_before = docker_exec(&name, &["cat", "/tmp/canary"]);
    for channel in [true, false] {
        let out = bounded(&env, channel, &["ps", &id, "--json"]);
        assert_code(&out, 0);
        let listed: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let ids: Vec<&str> = listed["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["job"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [real.as_str()]);
        for planted in ["fifo1", "link1"] {
            let out = bounded(&env, channel, &["logs", &id, planted]);
            assert_code(&out, 1);
            assert!(stderr(&out).contains("no job"), "{}", stderr(&out));
        }
    }
    // The jobs directory itself replaced by a link to a directory the user owns: a background
    // start refuses (125) instead of writing a record through it, and `ps` says why.
    let swap = "mkdir -p /tmp/jobs-decoy && chown user /tmp/jobs-decoy && \
                mv /.dsbx/jobs /.dsbx/jobs.old && ln -s /tmp/jobs-decoy /.dsbx/jobs";
    assert_code(&env.run(&["exec", "--root", &id, swap]), 0);
    let out = env.run(&["exec", "-b", &id, "touch /tmp/ran"]);
    assert_code(&out, 125);
    assert!(stderr(&out).contains("/.dsbx/jobs"), "{}", stderr(&out));
    let out = bounded(&env, true, &["ps", &id]);
    assert_code(&out, 1);
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert_eq!(docker_exec(&name, &["ls", "-A", "/tmp/jobs-decoy"]), "");
    assert_eq!(docker_exec(&name, &["cat", "/tmp/canary"]), canary_before);
    assert!(
        !docker(&["exec", &name, "test", "-e", "/tmp/ran"])
            .status
            .success()
    );
}
