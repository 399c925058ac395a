//! Stand-ins for what the channel's fallback tests need: a helper of another protocol version on
//! a sandbox's socket, and an engine dsbx cannot share files with.

use super::TestEnv;
use std::os::unix::fs::PermissionsExt;

/// Replaces the sandbox's socket with a stand-in that answers every hello with `answer` (as a
/// helper of another protocol version would); returns when it listens.
pub fn stand_in_helper(env: &TestEnv, id: &str, answer: dsbx::channel::FromHelper) {
    use std::io::{Read, Write};
    let sock = env.state_dir.join("channels").join(id).join("sock");
    std::fs::remove_file(&sock).unwrap();
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o600)).unwrap();
    let reply = postcard::to_stdvec(&answer).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut len = [0u8; 4];
            if stream.read_exact(&mut len).is_err() {
                continue;
            }
            let mut hello = vec![0u8; u32::from_be_bytes(len) as usize];
            let _ = stream.read_exact(&mut hello);
            let _ = stream.write_all(&(reply.len() as u32).to_be_bytes());
            let _ = stream.write_all(&reply);
        }
    });
}

/// A TCP endpoint relaying to the local engine's socket: an engine dsbx cannot share files with,
/// as far as it can tell (a `tcp://` endpoint is never local).
pub fn tcp_engine() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(engine) = std::os::unix::net::UnixStream::connect("/var/run/docker.sock") else {
                continue;
            };
            let (mut c2, mut e2) = (client.try_clone().unwrap(), engine.try_clone().unwrap());
            let (mut c1, mut e1) = (client, engine);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c1, &mut e1);
                let _ = e1.shutdown(std::net::Shutdown::Write);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut e2, &mut c2);
                let _ = c2.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    format!("tcp://127.0.0.1:{port}")
}
