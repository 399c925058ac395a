//! Soak: 32 writers share one scope and one state file for 40 seconds, mixing `init`,
//! `exec`, `timeout`, `pause`, `resume`, `kill` and `gc` (busybox sandboxes, paced to suit a
//! 2-core CI machine running other tests beside it). Afterwards the state parses, every
//! container of the scope is recorded, every record is backed by a container or shown by `ls`
//! for what it is, nothing is left `creating`, and no command ran past its bound.

mod common;

use common::*;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WRITERS: usize = 32;
/// New commands start for this long.
const RUN_FOR: Duration = Duration::from_secs(40);
/// A command still running after this long is stuck (a loaded machine takes seconds, not this).
const BOUND: Duration = Duration::from_secs(45);

/// A small deterministic generator per writer (xorshift): reproducible mixes, no dependency.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[derive(Default)]
struct Tally {
    runs: usize,
    /// (command, exit code) of every run that did not exit 0 (many are expected: a sandbox gc
    /// took, a pause of a stopped one), and every run that crashed or was stuck.
    codes: Vec<(String, Option<i32>)>,
    stuck: Vec<String>,
}

/// Runs one dsbx command with the bound; returns its exit code and stdout.
fn bounded(env: &TestEnv, args: &[String], tally: &Mutex<Tally>) -> (Option<i32>, String) {
    let mut child = env
        .spawnable()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn dsbx");
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll dsbx") {
            break Some(status);
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = reader.join().unwrap_or_default();
    let mut t = tally.lock().unwrap();
    t.runs += 1;
    let code = status.and_then(|s| s.code());
    match status {
        None => t.stuck.push(args.join(" ")),
        Some(s) if s.code() != Some(0) => t.codes.push((args.join(" "), s.code())),
        Some(_) => {}
    }
    (code, stdout)
}

fn writer(env: Arc<TestEnv>, n: usize, tally: Arc<Mutex<Tally>>, until: Instant) {
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15 ^ ((n as u64 + 1) * 0x1000_0001));
    let mut mine: Option<String> = None;
    let mut made = 0;
    // Staggered start: 32 inits at the same instant would only measure the engine's queue.
    std::thread::sleep(Duration::from_millis(150 * n as u64));
    while Instant::now() < until {
        let s = |v: &[&str]| v.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        match mine.clone() {
            None => {
                made += 1;
                let name = format!("w{n}-{made}");
                let lifetime = ["8s", "1m", "5m"][dice.roll(3) as usize];
                let mut args = s(&["init", "--timeout", lifetime]);
                if dice.roll(2) == 0 {
                    args.extend(s(&["--name", &name]));
                }
                let (code, out) = bounded(&env, &args, &tally);
                if code == Some(0) {
                    mine = Some(out.trim().to_string());
                }
            }
            Some(id) => {
                let args = match dice.roll(12) {
                    0..=3 => s(&["exec", &id, "--", "echo", "hi"]),
                    4 | 5 => s(&["timeout", &id, ["5s", "1m", "10m"][dice.roll(3) as usize]]),
                    6 => s(&["pause", &id]),
                    7 | 8 => s(&["resume", &id]),
                    9 => s(&["gc"]),
                    10 => s(&["ls", "--json"]),
                    _ => s(&["kill", &id]),
                };
                let (code, _) = bounded(&env, &args, &tally);
                // Gone (killed here, or expired and taken by someone's gc): make another.
                if args[0] == "kill" || code == Some(3) {
                    mine = None;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(700 + dice.roll(1500)));
    }
}

#[test]
fn thirty_two_writers_leave_a_consistent_state() {
    let Some(env) = TestEnv::new() else { return };
    let env = Arc::new(env);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let until = started + RUN_FOR;
    let threads: Vec<_> = (0..WRITERS)
        .map(|n| {
            let (env, tally) = (env.clone(), tally.clone());
            std::thread::spawn(move || writer(env, n, tally, until))
        })
        .collect();
    for t in threads {
        t.join().expect("writer");
    }
    let elapsed = started.elapsed();
    let tally = std::mem::take(&mut *tally.lock().unwrap());
    eprintln!(
        "{} commands in {elapsed:?}; {} exited non-zero",
        tally.runs,
        tally.codes.len()
    );
    let mut seen: std::collections::BTreeMap<(String, Option<i32>), usize> = Default::default();
    for (args, code) in &tally.codes {
        let verb = args.split(' ').next().unwrap_or("").to_string();
        *seen.entry((verb, *code)).or_default() += 1;
    }
    eprintln!("non-zero exits by command and code: {seen:?}");
    assert!(
        tally.stuck.is_empty(),
        "stuck past {BOUND:?}: {:?}",
        tally.stuck
    );
    // A panic (101), a signal (None) or a usage error (2) is a bug whatever the race.
    let broken: Vec<_> = tally
        .codes
        .iter()
        .filter(|(_, c)| matches!(c, None | Some(2) | Some(101)))
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
    assert!(
        tally.runs >= WRITERS * 4,
        "only {} commands ran",
        tally.runs
    );

    // The state parses and holds no `creating` record: every init finished or cleaned up.
    let text = env.state_text();
    let state: toml::Table = toml::from_str(&text).expect("the state parses");
    let records = state
        .get("sandboxes")
        .and_then(|s| s.as_table())
        .cloned()
        .unwrap_or_default();
    for (id, r) in &records {
        assert!(
            r.get("creating").is_none(),
            "record {id} left creating: {r}"
        );
    }
    // Every container of the scope is recorded.
    let containers: Vec<String> = env
        .containers()
        .iter()
        .map(|name| name.trim_start_matches("dsbx-").to_string())
        .collect();
    for id in &containers {
        assert!(records.contains_key(id), "container {id} has no record");
    }
    // Every record is backed by a container, or `ls` shows it as missing.
    let out = env.run(&["ls", "--json"]);
    assert_code(&out, 0);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows["sandboxes"].as_array().unwrap();
    let missing: Vec<&String> = records
        .keys()
        .filter(|id| !containers.contains(id))
        .collect();
    for id in &missing {
        let row = rows.iter().find(|r| r["id"] == id.as_str());
        assert!(
            row.is_some_and(|r| r["status"] == "missing"),
            "record {id} neither backed nor shown missing: {row:?}"
        );
    }
    eprintln!(
        "{} containers, {} records, {} missing (a timeout racing a gc)",
        containers.len(),
        records.len(),
        missing.len()
    );
    // And the scope cleans up completely.
    let out = env.run(&["kill", "--all"]);
    assert_code(&out, 0);
    assert!(env.containers().is_empty(), "{:?}", env.containers());
    let out = env.run(&["gc"]);
    assert_code(&out, 0);
    assert!(
        !env.state_text().contains("[sandboxes."),
        "{}",
        env.state_text()
    );
}
