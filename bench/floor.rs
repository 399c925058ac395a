//! `dsbx-floor`: the benchmark's third column. The same Docker API calls a dsbx command makes,
//! made in-process on one warm connection through dsbx's own engine layer (`dsbx::engine`), so
//! the figure is what the engine itself allows, with no process start-up, no config or state file,
//! no output formatting.
//!
//! It serves `bench/bench.py`: one JSON request per stdin line, one JSON answer per stdout line
//! (`{"secs": …}` or `{"error": "…"}`), so floor runs interleave with the dsbx and docker runs while
//! the connection stays warm. Built only with `--features bench` (`cargo install` skips it).

use bytes::Bytes;
use dsbx::engine::Engine;
use dsbx::engine::containers::CreateSpec;
use dsbx::engine::exec::ExecSpec;
use dsbx::engine::helper_volume::HELPER_PATH;
use dsbx::{ids, labels, sandbox};
use futures_util::StreamExt;
use futures_util::future::join_all;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let code = runtime.block_on(serve());
    std::process::exit(code);
}

async fn serve() -> i32 {
    let engine = match Engine::connect(&dsbx::engine::endpoint::Flags::default()).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("dsbx-floor: {e:#}");
            return 4;
        }
    };
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(request) => {
                let started = Instant::now();
                match handle(&engine, &request).await {
                    Ok(extra) => {
                        let mut a = json!({ "secs": started.elapsed().as_secs_f64() });
                        if let (Some(a), Value::Object(extra)) = (a.as_object_mut(), extra) {
                            a.extend(extra);
                        }
                        a
                    }
                    Err(e) => json!({ "error": format!("{e:#}") }),
                }
            }
            Err(e) => json!({ "error": format!("bad request: {e}") }),
        };
        if writeln!(stdout, "{answer}")
            .and_then(|_| stdout.flush())
            .is_err()
        {
            break;
        }
    }
    0
}

fn field<'a>(request: &'a Value, key: &str) -> anyhow::Result<&'a str> {
    request[key]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("request lacks `{key}`"))
}

async fn handle(engine: &Engine, request: &Value) -> anyhow::Result<Value> {
    match field(request, "op")? {
        "ping" => {
            engine.docker().ping().await?;
            Ok(json!({}))
        }
        "exec" => {
            let container = field(request, "container")?;
            let cmd: Vec<String> = serde_json::from_value(request["cmd"].clone())?;
            let n = request["n"].as_u64().unwrap_or(1).max(1) as usize;
            let runs = join_all((0..n).map(|_| helper_exec(engine, container, &cmd))).await;
            let mut bytes = 0;
            for r in runs {
                bytes += r?;
            }
            Ok(json!({ "bytes": bytes }))
        }
        "init_kill" => {
            init_kill(engine, request).await?;
            Ok(json!({}))
        }
        "ls" => {
            let n = engine
                .list_sandboxes(Some(field(request, "scope")?))
                .await?
                .len();
            Ok(json!({ "sandboxes": n }))
        }
        "gc" => {
            let scope = field(request, "scope")?;
            let live = engine.list_sandboxes(Some(scope)).await?;
            let stopped: Vec<_> = live
                .iter()
                .filter(|s| {
                    !matches!(
                        s.state,
                        sandbox::ContainerState::Running | sandbox::ContainerState::Paused
                    )
                })
                .collect();
            let results = join_all(
                stopped
                    .iter()
                    .map(|s| engine.remove_sandbox(&s.container_id, &s.id)),
            )
            .await;
            for r in results {
                r?;
            }
            // As gc: after removing sandboxes, the look for a proxy to refresh.
            if !stopped.is_empty() {
                engine.refresh_proxy().await?;
            }
            Ok(json!({ "removed": stopped.len() }))
        }
        "upload" => {
            let id = field(request, "id")?;
            let local = PathBuf::from(field(request, "local")?);
            let remote_dir = field(request, "remote_dir")?;
            upload(engine, id, &local, remote_dir).await?;
            Ok(json!({}))
        }
        "download" => {
            let id = field(request, "id")?;
            let remote = field(request, "remote")?;
            let local_dir = PathBuf::from(field(request, "local_dir")?);
            download(engine, id, remote, &local_dir).await?;
            Ok(json!({}))
        }
        other => anyhow::bail!("unknown op `{other}`"),
    }
}

/// What `dsbx exec ID CMD…` does, minus process start-up: one inspect to resolve the exact id,
/// then the same helper exec (create, start attached, read every frame, exit code) through the
/// project's own engine functions.
async fn helper_exec(engine: &Engine, container: &str, cmd: &[String]) -> anyhow::Result<u64> {
    let id = container.strip_prefix("dsbx-").unwrap_or(container);
    let sandbox = engine
        .inspect_sandbox(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no sandbox {id}"))?;
    let request = dsbx::helper::exec::Request {
        tag: ids::new_id(),
        user: sandbox.user().to_string(),
        cwd: None,
        timeout_ms: None,
        background: false,
        tty: false,
        stdin: false,
        keep_home: false,
        argv: cmd.iter().map(std::ffi::OsString::from).collect(),
    };
    let mut full = vec![HELPER_PATH.to_string(), "__helper".into(), "exec".into()];
    full.extend(request.to_args());
    let spec = ExecSpec {
        cmd: full,
        user: "0".into(),
        ..Default::default()
    };
    let mut attached = engine.start_attached(id, &spec).await?;
    let mut bytes = 0u64;
    while let Some(frame) = attached.output.next().await {
        bytes += frame?.into_bytes().len() as u64;
    }
    match engine.exec_exit_code(&attached.exec_id).await? {
        0 => Ok(bytes),
        code => anyhow::bail!("{cmd:?} exited {code}"),
    }
}

/// The calls `dsbx init --image IMG` then `dsbx kill ID` make, in their order.
async fn init_kill(engine: &Engine, request: &Value) -> anyhow::Result<()> {
    let image = field(request, "image")?;
    let scope = field(request, "scope")?;
    let binary = PathBuf::from(field(request, "helper")?);
    let network = field(request, "network")?;
    let id = ids::new_id();
    // init
    let info = engine
        .image_info(image)
        .await?
        .ok_or_else(|| anyhow::anyhow!("image {image} is missing"))?;
    let key = dsbx::commands::init::helper_key(&binary)?;
    let volume = engine.helper_volume(&binary, &key, image).await?;
    engine.ensure_network(network, "shared", &[]).await?;
    let now = chrono::Utc::now();
    let deadline = dsbx::deadline::deadline_after(std::time::Duration::from_secs(3600));
    let mut l = HashMap::new();
    for (k, v) in [
        (labels::MANAGED, "true".to_string()),
        (labels::SCHEMA, labels::SCHEMA_VERSION.to_string()),
        (labels::ID, id.clone()),
        (labels::NAME, String::new()),
        (labels::SCOPE, scope.to_string()),
        (labels::OWNER, dsbx::scope::owner()),
        (labels::CREATED_AT, sandbox::format_time(now)),
        (labels::EXPIRES_AT, sandbox::format_time(deadline)),
        (labels::TEMPLATE, String::new()),
        (labels::PORTS, String::new()),
        (labels::USER, info.user.unwrap_or_else(|| "root".into())),
    ] {
        l.insert(k.to_string(), v);
    }
    let spec = CreateSpec {
        id: id.clone(),
        image: image.to_string(),
        labels: l,
        entrypoint: vec![dsbx::engine::helper_volume::HELPER_PATH.to_string()],
        cmd: vec!["__helper".into(), "init".into()],
        publish_address: "127.0.0.1".into(),
        binds: vec![format!(
            "{volume}:{}:ro",
            dsbx::engine::helper_volume::MOUNT_DIR
        )],
        memory: 2 << 30,
        nano_cpus: 2_000_000_000,
        pids: 1024,
        cap_add: dsbx::config::DEFAULT_CAP_ADD
            .iter()
            .map(|c| c.to_string())
            .collect(),
        no_new_privileges: true,
        network: network.to_string(),
        aliases: vec![id.clone()],
        ..Default::default()
    };
    let container = engine.create_sandbox(&spec).await?;
    let stamp = deadline.timestamp().to_string();
    let tar = dsbx::engine::archive::tar_of_files(&[(".dsbx/deadline", 0o644, stamp.as_bytes())])?;
    let made = async {
        engine
            .upload_tar(&ids::container_name(&id), &id, "/", tar)
            .await?;
        engine.start_sandbox(&container, &id).await
    }
    .await;
    // kill: one list call to resolve, the removal, then the look for a proxy to refresh (none
    // runs here: one inspect answering 404).
    let listed = engine.list_sandboxes(Some(scope)).await;
    let removed = engine.remove_sandbox(&container, &id).await;
    let refreshed = engine.refresh_proxy().await;
    made?;
    refreshed?;
    listed?;
    removed
}

/// Streams a local file or directory as a tar into `remote_dir` (the calls an upload needs:
/// one inspect, one archive PUT), never holding it whole in memory.
async fn upload(engine: &Engine, id: &str, local: &Path, remote_dir: &str) -> anyhow::Result<()> {
    engine
        .inspect_sandbox(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no sandbox {id}"))?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let local = local.to_path_buf();
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let sink = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        let mut builder = tar::Builder::new(sink);
        builder.follow_symlinks(false);
        let name = local
            .file_name()
            .ok_or_else(|| std::io::Error::other("no file name"))?;
        if local.is_dir() {
            builder.append_dir_all(name, &local)?;
        } else {
            builder.append_path_with_name(&local, name)?;
        }
        let mut sink = builder.into_inner()?;
        sink.flush()
    });
    let stream = tokio_stream(rx);
    let sent = engine
        .upload_tar_stream(&ids::container_name(id), remote_dir, stream)
        .await;
    writer.await??;
    sent.map_err(|e| engine.fail(e, "uploading"))
}

/// Streams `remote` out of the sandbox and unpacks it under `local_dir`.
async fn download(engine: &Engine, id: &str, remote: &str, local_dir: &Path) -> anyhow::Result<()> {
    engine
        .inspect_sandbox(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no sandbox {id}"))?;
    std::fs::create_dir_all(local_dir)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(8);
    let dir = local_dir.to_path_buf();
    let reader = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let source = ChannelReader {
            rx,
            current: Bytes::new(),
        };
        tar::Archive::new(source).unpack(dir)
    });
    let mut stream = Box::pin(engine.download_tar_stream(&ids::container_name(id), remote));
    let mut failure = None;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => {
                if tx.send(bytes).await.is_err() {
                    break;
                }
            }
            Err(e) => {
                failure = Some(engine.fail(e, "downloading"));
                break;
            }
        }
    }
    drop(tx);
    reader.await??;
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

const CHUNK: usize = 256 * 1024;

struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::other("the upload ended early"))
    }
}

struct ChannelReader {
    rx: tokio::sync::mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(b) => self.current = b,
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len());
        out[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

fn tokio_stream(
    mut rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
