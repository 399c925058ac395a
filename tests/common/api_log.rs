//! A relay on a unix socket between dsbx and the engine that records each HTTP request dsbx
//! makes, so tests can hold dsbx to its API budget ("one list call") and see calls overlap
//! ("in parallel"). Bytes pass through untouched, upgraded exec streams included.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One request: its request line, when it was sent, and when its answer began (first byte back
/// on its connection after it was sent).
#[derive(Debug, Clone)]
pub struct Call {
    pub line: String,
    pub sent: Instant,
    pub answered: Option<Instant>,
}

pub struct ApiLog {
    pub socket: PathBuf,
    calls: Arc<Mutex<Vec<Call>>>,
    _dir: tempfile::TempDir,
}

impl ApiLog {
    /// Relays to the local engine socket.
    pub fn start() -> ApiLog {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("docker.sock");
        let listener = UnixListener::bind(&socket).expect("bind the relay socket");
        let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
        let log = calls.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(engine) = UnixStream::connect("/var/run/docker.sock") else {
                    continue;
                };
                relay(client, engine, log.clone());
            }
        });
        ApiLog {
            socket,
            calls,
            _dir: dir,
        }
    }

    /// `unix://…` for DOCKER_HOST.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// The calls so far, in the order they were sent, and forgets them.
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

/// Request lines are the lines that start with an HTTP method and a path.
fn request_lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .split("\r\n")
        .filter(|l| {
            ["GET /", "POST /", "PUT /", "DELETE /", "HEAD /"]
                .iter()
                .any(|m| l.starts_with(m))
                && l.ends_with("HTTP/1.1")
        })
        .map(|l| l.trim_end_matches(" HTTP/1.1").to_string())
        .collect()
}

fn relay(client: UnixStream, engine: UnixStream, calls: Arc<Mutex<Vec<Call>>>) {
    // Indexes (into `calls`) of this connection's requests still waiting for an answer.
    let waiting: Arc<Mutex<Vec<usize>>> = Arc::default();
    let (mut from_client, mut to_engine) =
        (client.try_clone().unwrap(), engine.try_clone().unwrap());
    let (log, pending) = (calls.clone(), waiting.clone());
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 << 10];
        while let Ok(n) = from_client.read(&mut buf) {
            if n == 0 {
                let _ = to_engine.shutdown(std::net::Shutdown::Write);
                break;
            }
            let lines = request_lines(&buf[..n]);
            if !lines.is_empty() {
                let mut log = log.lock().unwrap();
                for line in lines {
                    pending.lock().unwrap().push(log.len());
                    log.push(Call {
                        line,
                        sent: Instant::now(),
                        answered: None,
                    });
                }
            }
            if to_engine.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    let (mut from_engine, mut to_client) = (engine, client);
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 << 10];
        while let Ok(n) = from_engine.read(&mut buf) {
            if n == 0 {
                let _ = to_client.shutdown(std::net::Shutdown::Write);
                break;
            }
            let mut pending = waiting.lock().unwrap();
            if !pending.is_empty() {
                let i = pending.remove(0);
                calls.lock().unwrap()[i].answered = Some(Instant::now());
            }
            drop(pending);
            if to_client.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
}
