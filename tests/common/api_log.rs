//! A relay on a unix socket between dsbx and the engine that records each HTTP request dsbx
//! makes, so tests can hold dsbx to its API budget ("one list call") and see calls overlap
//! ("in parallel"). Bytes pass through untouched, upgraded exec streams included.
//!
//! It can also hold one request back (the first whose path ends with a given suffix) until the
//! test releases it: a window between two of dsbx's calls, opened on purpose instead of raced.
//! And it can answer a request itself, as the engine would refuse it (`refusing`): an engine
//! failure that cannot be caused on demand, injected at the wire.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

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
    hold: Arc<Hold>,
    refusal: Arc<Mutex<Option<Refusal>>>,
    _dir: tempfile::TempDir,
}

/// Requests the relay answers itself: `METHOD …suffix` (path without its query), the next
/// `times` of them, with `status` and the JSON `message` the engine gives.
struct Refusal {
    method: String,
    suffix: String,
    times: usize,
    status: u16,
    message: String,
}

impl Refusal {
    /// The canned answer when `lines` (one request) is one to refuse now.
    fn answer_for(&mut self, lines: &[String]) -> Option<Vec<u8>> {
        let [line] = lines else { return None };
        let path = line.split('?').next().unwrap_or("");
        let wanted = self.times > 0
            && path.starts_with(&format!("{} ", self.method))
            && path.ends_with(&self.suffix);
        if !wanted {
            return None;
        }
        self.times -= 1;
        let body = serde_json::json!({ "message": self.message }).to_string();
        Some(
            format!(
                "HTTP/1.1 {} Refused\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                self.status,
                body.len()
            )
            .into_bytes(),
        )
    }
}

/// The request held back, if any: which one, whether it has arrived, whether it may go on.
#[derive(Default)]
struct Hold {
    state: Mutex<HoldState>,
    changed: Condvar,
}

#[derive(Default)]
struct HoldState {
    suffix: Option<String>,
    /// Only a request with this method (`PUT`, `GET`) is held, when set.
    method: Option<String>,
    arrived: bool,
    released: bool,
}

impl ApiLog {
    /// Relays to the local engine socket.
    pub fn start() -> ApiLog {
        Self::relaying(None)
    }

    /// Relays, holding back the first request whose path ends with `suffix` until [`release`].
    ///
    /// [`release`]: ApiLog::release
    pub fn holding(suffix: &str) -> ApiLog {
        Self::relaying(Some(suffix.to_string()))
    }

    /// Like [`holding`](ApiLog::holding), for the first `METHOD …suffix` request only.
    pub fn holding_method(method: &str, suffix: &str) -> ApiLog {
        let log = Self::relaying(Some(suffix.to_string()));
        log.hold.state.lock().unwrap().method = Some(method.to_string());
        log
    }

    fn relaying(suffix: Option<String>) -> ApiLog {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("docker.sock");
        let listener = UnixListener::bind(&socket).expect("bind the relay socket");
        let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
        let hold = Arc::new(Hold::default());
        hold.state.lock().unwrap().suffix = suffix;
        let refusal: Arc<Mutex<Option<Refusal>>> = Arc::default();
        let (log, gate, refuse) = (calls.clone(), hold.clone(), refusal.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(engine) = UnixStream::connect("/var/run/docker.sock") else {
                    continue;
                };
                relay(client, engine, log.clone(), gate.clone(), refuse.clone());
            }
        });
        ApiLog {
            socket,
            calls,
            hold,
            refusal,
            _dir: dir,
        }
    }

    /// Relays, answering the next `times` requests `METHOD …suffix` itself with `status` and
    /// `message`, as the engine would refuse them (the engine never sees them).
    pub fn refusing(
        method: &str,
        suffix: &str,
        times: usize,
        status: u16,
        message: &str,
    ) -> ApiLog {
        let log = Self::relaying(None);
        *log.refusal.lock().unwrap() = Some(Refusal {
            method: method.to_string(),
            suffix: suffix.to_string(),
            times,
            status,
            message: message.to_string(),
        });
        log
    }

    /// Waits (at most `limit`) for the held request to arrive; true once it has.
    pub fn wait_held(&self, limit: Duration) -> bool {
        let state = self.hold.state.lock().unwrap();
        let (state, _) = self
            .hold
            .changed
            .wait_timeout_while(state, limit, |s| !s.arrived)
            .unwrap();
        state.arrived
    }

    /// Lets the held request (and any later one) through.
    pub fn release(&self) {
        self.hold.state.lock().unwrap().released = true;
        self.hold.changed.notify_all();
    }

    /// `unix://…` for DOCKER_HOST.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// The request lines so far, in the order they were sent (a held one once let through).
    pub fn lines(&self) -> Vec<String> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|c| c.line.clone())
            .collect()
    }

    /// The calls so far, in the order they were sent, and forgets them.
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

impl Drop for ApiLog {
    fn drop(&mut self) {
        // A failing test must not leave a relay thread (and its dsbx) waiting forever.
        self.release();
    }
}

impl Hold {
    /// Blocks the caller while `lines` include the held request and the test has not let it go.
    fn wait_if_held(&self, lines: &[String]) {
        let mut state = self.state.lock().unwrap();
        let Some(suffix) = state.suffix.clone() else {
            return;
        };
        let path = |l: &String| l.split('?').next().unwrap_or("").to_string();
        let method = state.method.clone().unwrap_or_default();
        if state.arrived
            || !lines
                .iter()
                .any(|l| l.starts_with(&method) && path(l).ends_with(&suffix))
        {
            return;
        }
        state.arrived = true;
        self.changed.notify_all();
        let _released = self.changed.wait_while(state, |s| !s.released).unwrap();
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

fn relay(
    client: UnixStream,
    engine: UnixStream,
    calls: Arc<Mutex<Vec<Call>>>,
    hold: Arc<Hold>,
    refusal: Arc<Mutex<Option<Refusal>>>,
) {
    // Indexes (into `calls`) of this connection's requests still waiting for an answer.
    let waiting: Arc<Mutex<Vec<usize>>> = Arc::default();
    let (mut from_client, mut to_engine) =
        (client.try_clone().unwrap(), engine.try_clone().unwrap());
    let mut answer_client = client.try_clone().unwrap();
    let (log, pending) = (calls.clone(), waiting.clone());
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 << 10];
        while let Ok(n) = from_client.read(&mut buf) {
            if n == 0 {
                let _ = to_engine.shutdown(std::net::Shutdown::Write);
                break;
            }
            let lines = request_lines(&buf[..n]);
            hold.wait_if_held(&lines);
            // A request answered here is logged and never reaches the engine (a bodiless one:
            // the engine's connection stays in step, as nothing of it was sent).
            let refused = refusal
                .lock()
                .unwrap()
                .as_mut()
                .and_then(|r| r.answer_for(&lines));
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
            if let Some(answer) = refused {
                pending.lock().unwrap().pop();
                if answer_client.write_all(&answer).is_err() {
                    break;
                }
                continue;
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
