//! The reference in `docs/` keeps its promises: its `sh run` examples run against the real engine,
//! its `toml config` blocks load as configs, every link leads somewhere, and the index lists every
//! page. The convention is documented in `docs/development.md`.

mod common;

use common::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The pages of `docs/`, sorted.
fn pages() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("a docs/ directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    out.sort();
    out
}

/// A fenced block: its info string, its text, and the line it starts on.
struct Block {
    info: String,
    text: String,
    line: usize,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in markdown.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    info: info.trim().to_string(),
                    text: String::new(),
                    line: n + 1,
                })
            }
            (Some(_), Some("")) => out.push(open.take().unwrap()),
            (Some(block), _) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a fenced block is never closed");
    out
}

fn page_blocks(info: &str) -> Vec<(String, Block)> {
    let mut out = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.file_name().unwrap().to_string_lossy().to_string();
        out.extend(
            blocks(&text)
                .into_iter()
                .filter(|b| b.info == info)
                .map(|b| (name.clone(), b)),
        );
    }
    out
}

/// Runs one `sh run` block as the convention says; panics with its output when it fails.
fn run_block(page: &str, block: &Block) {
    let env = TestEnv::with_config("").expect("a Docker engine");
    let id = env.init(&["--timeout", "10m"]);
    let bin_dir = dsbx_bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let work = env.dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let home = env.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &block.text])
        .current_dir(&work)
        .env("PATH", path)
        .env("ID", &id)
        .env("HOME", &home)
        .env_remove("XDG_DATA_HOME")
        .env("DSBX_STATE_DIR", &env.state_dir)
        .env("DSBX_CONFIG", &env.config)
        .env("DSBX_SCOPE", &env.scope)
        .env("NO_COLOR", "1")
        .env_remove("DSBX_IMAGE")
        .env_remove("DSBX_URL_TEMPLATE")
        .output()
        .unwrap();
    env.remove_containers();
    remove_snapshots(&env.scope);
    assert!(
        out.status.success(),
        "docs/{page}:{}: the block exited {:?}\n{}\nstdout:\n{}\nstderr:\n{}",
        block.line,
        out.status.code(),
        block.text,
        stdout(&out),
        stderr(&out)
    );
}

/// Snapshot images a block made in `scope` (a fork's snapshot outlives its sandboxes).
fn remove_snapshots(scope: &str) {
    let images = docker_lines(&[
        "images",
        "-q",
        "--filter",
        &format!("label=dsbx.scope={scope}"),
    ]);
    if !images.is_empty() {
        let mut args = vec!["rmi", "-f"];
        args.extend(images.iter().map(String::as_str));
        let _ = docker(&args);
    }
}

#[test]
fn docs_examples_marked_run_run() {
    // The default image is shared with the other tests that build it.
    let _turn = engine_lock("dsbx-base-build");
    let runnable = page_blocks("sh run");
    assert!(
        runnable.len() >= 2,
        "docs/ has {} `sh run` blocks; the convention needs them marked",
        runnable.len()
    );
    for (page, block) in &runnable {
        run_block(page, block);
    }
}

#[test]
fn docs_config_blocks_load() {
    let configs = page_blocks("toml config");
    assert!(!configs.is_empty(), "no `toml config` block in docs/");
    for (page, block) in configs {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, &block.text).unwrap();
        if let Err(e) = dsbx::config::Config::load(Some(&file)) {
            panic!("docs/{page}:{}: {e:#}\n{}", block.line, block.text);
        }
    }
}

/// Markdown headings (outside fences) as GitHub's anchors, plus explicit `<a id>` anchors.
fn anchors(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if let Some(rest) = line.trim_start_matches('#').strip_prefix(' ')
            && line.starts_with('#')
        {
            let slug: String = rest
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == ' ' || *c == '_')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect();
            out.push(slug);
        }
        for part in line.split("<a id=\"").skip(1) {
            out.push(part.split('"').next().unwrap().to_string());
        }
    }
    out
}

/// Relative link targets of a page (no scheme, no mailto), outside fenced blocks.
fn links(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for part in line.split("](").skip(1) {
            let target = part.split(')').next().unwrap();
            if !target.contains("://") && !target.starts_with("mailto:") {
                out.push(target.to_string());
            }
        }
    }
    out
}

fn check_links(page: &Path, problems: &mut Vec<String>) {
    let text = std::fs::read_to_string(page).unwrap();
    let dir = page.parent().unwrap();
    for target in links(&text) {
        let (file, anchor) = match target.split_once('#') {
            Some((f, a)) => (f, Some(a)),
            None => (target.as_str(), None),
        };
        let file = if file.is_empty() {
            page.to_path_buf()
        } else {
            dir.join(file)
        };
        if !file.exists() {
            problems.push(format!("{}: {target}: no such file", page.display()));
            continue;
        }
        if let Some(anchor) = anchor {
            let there = std::fs::read_to_string(&file).unwrap_or_default();
            if !anchors(&there).iter().any(|a| a == anchor) {
                problems.push(format!("{}: {target}: no such heading", page.display()));
            }
        }
    }
}

#[test]
fn every_link_and_anchor_resolves() {
    let mut problems = Vec::new();
    check_links(&root().join("README.md"), &mut problems);
    for page in pages() {
        check_links(&page, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "broken links:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_index_lists_every_page_and_the_readme_links_the_index() {
    let index = std::fs::read_to_string(root().join("docs/README.md")).unwrap();
    for page in pages() {
        let name = page.file_name().unwrap().to_string_lossy().to_string();
        if name != "README.md" {
            assert!(
                index.contains(&format!("]({name})")),
                "docs/README.md does not link {name}"
            );
        }
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("](docs/README.md)"),
        "the README links docs/"
    );
}

#[test]
fn anchors_follow_github() {
    assert_eq!(
        anchors("## The reverse proxy: `dsbx proxy`\n### Live events: `exec --stream`\n"),
        vec!["the-reverse-proxy-dsbx-proxy", "live-events-exec---stream"]
    );
    assert_eq!(
        links("see [a](b.md#c) and [d](https://x.y) `x`\n```\n[e](f)\n```\n"),
        vec!["b.md#c"]
    );
}
