//! Warm pools (`[pool]`, `dsbx pool …`, the claim in `init`), with the real binary against the
//! real engine, each test in its own scope.

mod common;

use common::{TestEnv, docker, docker_lines, stderr, stdout, wait_until};
use std::collections::HashSet;
use std::time::Duration;

const BOUND: Duration = Duration::from_secs(120);

/// A test scope with a pool; at the end the pool is switched off and drained (under the filler's
/// lock, so a background filler cannot add members after it), then the harness removes the rest.
struct Pooled {
    env: TestEnv,
}

impl Pooled {
    fn new(pool: &str) -> Option<Pooled> {
        let env = TestEnv::with_config(&config_with(pool))?;
        Some(Pooled { env })
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.env.run(args);
        assert!(
            out.status.success(),
            "dsbx {args:?} failed: {}{}",
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).expect("json")
    }

    /// The running warm members.
    fn warm(&self) -> Vec<String> {
        self.json(&["ls", "--pool"])["sandboxes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["state"] == "running")
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    }

    /// Every warm member, whatever its state.
    fn members(&self) -> Vec<String> {
        self.json(&["ls", "--pool"])["sandboxes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    }

    fn listed(&self) -> Vec<serde_json::Value> {
        self.json(&["ls"])["sandboxes"].as_array().unwrap().clone()
    }

    fn fill(&self) {
        self.ok(&["pool", "fill", "--wait"]);
    }

    /// Waits until no filler holds the scope's lock and the pool is full again.
    fn wait_full(&self, size: usize) {
        assert!(
            wait_until(BOUND, || {
                let s = self.json(&["pool", "status"]);
                s["filling"] == false && self.warm().len() >= size
            }),
            "the pool was not refilled to {size}: {}",
            self.ok(&["pool", "status"])
        );
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        self.env.write_config(&config_with(""));
        let _ = self.env.run(&["pool", "drain"]);
    }
}

fn config_with(pool: &str) -> String {
    format!("image = \"{}\"\n[pool]\n{pool}\n", common::BUSYBOX)
}

fn container_name(id: &str) -> String {
    common::inspect(&format!("dsbx-{id}"), "{{.Name}}")
}

#[test]
fn a_pool_is_filled_claimed_and_refilled() {
    let Some(p) = Pooled::new("size = 2") else {
        return;
    };
    p.fill();
    let warm = p.warm();
    assert_eq!(warm.len(), 2, "{warm:?}");
    assert!(
        p.listed().is_empty(),
        "warm sandboxes are nobody's: ls shows none"
    );
    let status = p.json(&["pool", "status"]);
    assert_eq!(status["pools"][0]["warm"], 2, "{status}");

    let id = p.env.init(&[]);
    assert!(
        warm.contains(&id),
        "init claimed a warm sandbox: {id} not in {warm:?}"
    );
    assert_eq!(container_name(&id), "/dsbx-".to_string() + &id);
    let listed = p.listed();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(p.ok(&["exec", &id, "echo", "hi"]), "hi\n");
    // The claim started a filler in the background.
    p.wait_full(2);
    assert!(!p.warm().contains(&id));
    assert_eq!(p.json(&["pool", "status"])["pools"][0]["claimed"], 1);
}

#[test]
fn a_claim_carries_every_per_sandbox_setting() {
    let Some(p) = Pooled::new("size = 2") else {
        return;
    };
    p.fill();
    let name = format!("web-{}", common::random_suffix());
    let id = p.env.init(&[
        "-n",
        &name,
        "-e",
        "GREETING=hello pool",
        "-l",
        "team=red",
        "--timeout",
        // Room for the dozen commands below on a loaded machine, then the helper ends it.
        "40s",
    ]);
    assert!(!p.members().contains(&id), "the sandbox left the pool");
    let row = p
        .listed()
        .into_iter()
        .find(|r| r["id"] == id.as_str())
        .expect("listed");
    assert_eq!(row["name"], name.as_str());
    assert_eq!(row["labels"]["team"], "red", "{row}");
    let info = p.json(&["info", &name]);
    assert_eq!(info["name"], name.as_str());
    assert_eq!(info["labels"]["team"], "red", "{info}");
    // The name resolves, for dsbx and by DNS on the dsbx network.
    assert_eq!(p.ok(&["exec", &name, "hostname"]).trim().len(), 12);
    let other = p.env.init(&[]);
    let out = p.ok(&["exec", &other, "nslookup", &name]);
    assert!(out.contains("Address"), "{out}");
    // The environment reaches every exec, over the channel and over the engine's path, under
    // the exec's own -e.
    assert_eq!(p.ok(&["exec", &id, "echo $GREETING"]), "hello pool\n");
    let out = p
        .env
        .dsbx()
        .env("DSBX_CHANNEL", "off")
        .args(["exec", &id, "echo $GREETING"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "hello pool\n", "{}", stderr(&out));
    assert_eq!(
        p.ok(&["exec", "-e", "GREETING=mine", &id, "echo $GREETING"]),
        "mine\n"
    );
    // Held root-only by the helper, never in the state or Docker's config.
    let out = p
        .env
        .run(&["exec", &id, "--user", "65534", "cat /.dsbx/env"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(!p.env.state_text().contains("hello pool"));
    let env = common::inspect(&format!("dsbx-{id}"), "{{json .Config.Env}}");
    assert!(!env.contains("hello pool"), "{env}");
    // The deadline is the claim's, and its helper enforces it.
    assert!(
        wait_until(Duration::from_secs(90), || {
            common::inspect(&format!("dsbx-{id}"), "{{.State.Running}}") == "false"
        }),
        "the helper did not stop the claimed sandbox at its 40 s deadline"
    );
}

#[test]
fn an_init_that_does_not_match_the_pool_goes_cold() {
    let Some(p) = Pooled::new("size = 1") else {
        return;
    };
    p.fill();
    let warm = p.warm();
    let id = p.env.init(&["--memory", "64m"]);
    assert!(!warm.contains(&id));
    assert_eq!(p.warm(), warm, "the pool is untouched");
    let memory = common::inspect(&format!("dsbx-{id}"), "{{.HostConfig.Memory}}");
    assert_eq!(memory, (64 << 20).to_string());
    let id = p
        .env
        .init(&["-v", &format!("{}:/data", p.env.dir.path().display())]);
    assert!(!warm.contains(&id));
}

#[test]
fn sixteen_parallel_inits_against_a_pool_of_four() {
    let Some(p) = Pooled::new("size = 4") else {
        return;
    };
    p.fill();
    let warm: HashSet<String> = p.warm().into_iter().collect();
    assert_eq!(warm.len(), 4);
    let children: Vec<_> = (0..16)
        .map(|_| {
            p.env
                .spawnable()
                .arg("init")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ids = HashSet::new();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "an init failed: {}", stderr(&out));
        ids.insert(stdout(&out).trim().to_string());
    }
    assert_eq!(ids.len(), 16, "16 distinct sandboxes");
    let claimed = ids.intersection(&warm).count();
    assert_eq!(claimed, 4, "every warm sandbox claimed exactly once");
    assert_eq!(p.listed().len(), 16);
}

#[test]
fn drain_removes_the_warm_sandboxes_only() {
    let Some(p) = Pooled::new("size = 2") else {
        return;
    };
    p.fill();
    let id = p.env.init(&[]);
    p.wait_full(2);
    let drained = p.json(&["pool", "drain"]);
    assert_eq!(drained["removed"].as_array().unwrap().len(), 2, "{drained}");
    assert!(p.members().is_empty());
    assert_eq!(
        p.listed().len(),
        1,
        "the claimed sandbox is the user's and stays"
    );
    assert_eq!(p.listed()[0]["id"], id.as_str());
}

#[test]
fn a_pool_past_its_lifetime_is_removed_by_gc() {
    let Some(p) = Pooled::new("size = 1\nlifetime = \"3s\"") else {
        return;
    };
    p.fill();
    let member = p.warm().pop().unwrap();
    assert!(
        wait_until(Duration::from_secs(60), || !p.warm().contains(&member)),
        "the warm sandbox did not end at its lifetime"
    );
    // Config off so that nothing refills behind gc's back.
    p.env.write_config(&config_with(""));
    let out = p.ok(&["gc"]);
    assert!(out.contains(&member), "{out}");
    assert!(p.members().is_empty());
}

#[test]
fn a_config_change_retires_a_pool() {
    let Some(p) = Pooled::new("size = 1") else {
        return;
    };
    p.fill();
    let old = p.warm();
    p.env.write_config(&format!(
        "{}[limits]\nmemory = \"128m\"\n",
        config_with("size = 1")
    ));
    let status = p.json(&["pool", "status"]);
    assert_eq!(status["stale"], 1, "{status}");
    assert_eq!(status["pools"][0]["warm"], 0);
    // An init under the new config does not take the old member.
    let id = p.env.init(&[]);
    assert!(!old.contains(&id));
    p.wait_full(1);
    let out = p.ok(&["gc"]);
    assert!(out.contains(&old[0]) && out.contains("pool"), "{out}");
    assert!(!p.members().contains(&old[0]));
    assert_eq!(p.warm().len(), 1, "the new pool's member stays");
}

#[test]
fn a_claim_killed_at_any_step_leaves_the_sandbox_claimed_or_in_the_pool() {
    let Some(p) = Pooled::new("size = 1") else {
        return;
    };
    for step in ["reserved", "renamed", "applied"] {
        p.fill();
        let member = p.warm().pop().unwrap();
        let marker = p.env.state_dir.join(format!("claim-paused-{step}"));
        let _ = std::fs::remove_file(&marker);
        let mut child = p
            .env
            .spawnable()
            .args(["init", "-n", &format!("k-{step}")])
            .env("DSBX_TEST_CLAIM_PAUSE", step)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        assert!(
            wait_until(BOUND, || marker.exists()),
            "init never reached {step}"
        );
        child.kill().unwrap();
        child.wait().unwrap();
        // Either still warm, or listed as the scope's sandbox (gc cleans an unfinished claim).
        let warm = p.members().contains(&member);
        // A row with a container: a record alone (a reservation) is not a sandbox.
        let listed = p
            .listed()
            .iter()
            .any(|r| r["id"] == member.as_str() && !r["state"].is_null());
        assert!(
            warm ^ listed,
            "after a kill at {step}: warm {warm}, listed {listed}"
        );
        if step == "reserved" {
            assert!(warm, "nothing was claimed yet");
        } else {
            assert!(listed, "the rename is the claim");
        }
        p.ok(&["gc"]);
        let names = docker_lines(&[
            "ps",
            "-a",
            "--filter",
            &format!("label=dsbx.scope={}", p.env.scope),
            "--format",
            "{{.Names}}",
        ]);
        assert!(
            names.iter().all(|n| n != &format!("dsbx-{member}")),
            "gc removed the unfinished claim: {names:?}"
        );
        p.ok(&["pool", "drain"]);
    }
}

#[test]
fn fifty_concurrent_cold_inits_all_succeed() {
    let Some(env) = TestEnv::new() else {
        return;
    };
    let children: Vec<_> = (0..50)
        .map(|i| {
            env.spawnable()
                .args(["init", "-n", &format!("b{i}")])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ids = HashSet::new();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "an init failed: {}", stderr(&out));
        ids.insert(stdout(&out).trim().to_string());
    }
    assert_eq!(ids.len(), 50);
    assert_eq!(env.containers().len(), 50);
    let _ = docker(&["ps"]);
}

#[test]
fn a_failing_background_filler_is_logged_where_status_shows_it() {
    let Some(p) = Pooled::new("templates = { nowhere = 1 }") else {
        return;
    };
    p.env.write_config(&format!(
        "{}[templates]\nnowhere = \"127.0.0.1:1/dsbx-no-such-image:latest\"\n",
        config_with("templates = { nowhere = 1 }")
    ));
    let out = p.env.run(&["pool", "fill"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "the background filler is silent");
    assert!(
        wait_until(BOUND, || {
            let s = p.json(&["pool", "status"]);
            s["filling"] == false && !s["failures"].as_array().unwrap().is_empty()
        }),
        "no failure logged: {}",
        p.ok(&["pool", "status"])
    );
    let text = p.ok(&["pool", "status"]);
    assert!(
        text.contains("failure:") && text.contains("dsbx-no-such-image"),
        "{text}"
    );
}

#[test]
fn a_cold_init_never_runs_on_a_deadline_its_image_carries() {
    let Some(env) = TestEnv::new() else {
        return;
    };
    // An image that brings its own `/.dsbx/deadline` saying "never".
    let ctx = env.dir.path().join("image");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("deadline"), "0").unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        format!("FROM {}\nCOPY deadline /.dsbx/deadline\n", common::BUSYBOX),
    )
    .unwrap();
    let tag = format!("dsbx-test-stale-deadline:{}", env.scope);
    let built = docker(&["build", "-q", "-t", &tag, ctx.to_str().unwrap()]);
    assert!(built.status.success(), "{}", stderr(&built));
    struct Image(String);
    impl Drop for Image {
        fn drop(&mut self) {
            let _ = docker(&["rmi", "-f", &self.0]);
        }
    }
    let _image = Image(tag.clone());
    let id = env.init(&["--image", &tag, "--timeout", "3"]);
    let deadline = common::docker_exec(&format!("dsbx-{id}"), &["cat", "/.dsbx/deadline"]);
    assert_ne!(
        deadline.trim(),
        "0",
        "the image's deadline file was overruled"
    );
    assert!(
        wait_until(Duration::from_secs(60), || {
            common::inspect(&format!("dsbx-{id}"), "{{.State.Running}}") == "false"
        }),
        "the sandbox ran past its 3 s deadline"
    );
    env.remove_containers();
}
