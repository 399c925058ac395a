//! The channel: a unix socket from dsbx straight to the helper of a sandbox on a local engine,
//! around the engine's exec path (create, start through runc, attach, inspect: ~50 ms per call).
//!
//! Each sandbox made on a local unix-socket engine has a host directory (`channels/ID` in dsbx's
//! state directory, mode 0700, owned by the host user who made it) bind-mounted at
//! [`MOUNT_DIR`]. The helper (`helper::serve`) listens there on [`SOCKET`], owned by that user,
//! mode 0600, and accepts only peers outside the sandbox's pid namespace (`SO_PEERCRED` pid 0).
//!
//! What goes over it is the same thing the engine's exec path carries: one helper role
//! (`exec`, `fs`, `extract`, `kill`, …) run as root with the engine's own environment, its stdin
//! in, its stdout and stderr out, and its exit status. So every guarantee of the helper holds
//! on both paths, and dsbx falls back to the engine whenever the channel cannot serve.
//!
//! Frames: a 4-byte length (tokio-util's `LengthDelimitedCodec`) around one postcard-encoded
//! message. The first exchange is [`ToHelper::Hello`] / [`FromHelper::Hello`]: a dsbx and a
//! helper of different protocol versions detect it and dsbx uses the engine instead.

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::codec::{FramedRead, FramedWrite, LengthDelimitedCodec};

/// Bumped whenever a message changes shape or meaning, or a role is added (a helper of version 1
/// has no `jobs`, `job-log` or `fs stat`, one of version 2 no `pack` or `put`, one of version 3
/// does not report the role's pid: dsbx takes the engine's path to it).
pub const VERSION: u32 = 4;
/// Where the host directory appears inside a sandbox. `/.dsbx/run` is made root-only (0700) by
/// the helper, so no non-root process in the sandbox can even reach the socket's directory.
pub use crate::layout::{CHANNEL_DIR as MOUNT_DIR, RUN_DIR};
/// The socket's name in that directory.
pub const SOCKET: &str = "sock";
/// The largest frame either side accepts: output and input travel in chunks of at most 256 KiB.
pub const MAX_FRAME: usize = 1 << 20;
/// Bytes per data frame, and frames queued each way before the sender waits (backpressure: at
/// most QUEUE × CHUNK = 2 MiB held each way). 256 KiB, not 64: a 200 MiB upload measured 25,600
/// reads and 43,820 writes in the helper at 64 KiB frames and 8 KiB copies; each frame costs a
/// wake-up of every process on the way.
pub const CHUNK: usize = 256 << 10;
pub const QUEUE: usize = 8;
/// The helper roles the channel runs: those the engine path also runs for dsbx, nothing else.
pub const ROLES: &[&str] = &[
    "exec",
    "kill",
    "fs",
    "extract",
    "put",
    "listening",
    "jobs",
    "job-log",
    "pack",
];

/// dsbx to the helper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToHelper {
    Hello {
        version: u32,
    },
    /// Runs `__helper ARGS…` (ARGS[0] is the role), as the engine would: as root, with the
    /// sandbox's environment plus `env`.
    Start {
        args: Vec<String>,
        env: Vec<String>,
        tty: bool,
        stdin: bool,
    },
    Stdin(#[serde(with = "payload")] Bytes),
    /// The end of stdin: the role sees EOF.
    StdinEnd,
    Resize {
        cols: u16,
        rows: u16,
    },
    /// Makes a warm pool member the sandbox an `init` asked for (see `crate::pool`): its
    /// deadline (epoch seconds, `0` = never), the environment every exec in it gets (held by
    /// the helper, root-only), and its metadata (name, labels, owner, as JSON). Answered by
    /// [`FromHelper::Claimed`], or `Refused` with why.
    Claim {
        deadline: i64,
        env: Vec<String>,
        meta: String,
    },
}

/// The helper to dsbx.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromHelper {
    Hello {
        version: u32,
        /// The sandbox's user (its `dsbx.user` label), so an exec needs no inspect.
        user: String,
        /// The endpoint of the engine that made the sandbox: dsbx told to use another engine
        /// does not run its command here.
        engine: String,
    },
    /// The connection was refused (a peer inside the sandbox, another host user, a bad request).
    Refused(String),
    Stdout(#[serde(with = "payload")] Bytes),
    Stderr(#[serde(with = "payload")] Bytes),
    /// The role runs, as process `pid` in the sandbox's pid namespace (what `exec --stream`'s
    /// `start` event reports). The first frame after a `Start`, unless `CannotStart` is.
    Started {
        pid: u32,
    },
    /// The helper could not start the role (no process could be created, say); `Exit` follows.
    CannotStart(String),
    /// The role ended. `ending` is an exec's status file (see `helper::exec::Ending`), sent when
    /// its exit code is ambiguous, so `--json` needs no archive read.
    Exit {
        code: i32,
        ending: Option<String>,
    },
    /// A [`ToHelper::Claim`] is in force: files written, PID 1 told of the new deadline.
    Claimed,
}

pub type Reader<R> = FramedRead<R, LengthDelimitedCodec>;
pub type Writer<W> = FramedWrite<W, LengthDelimitedCodec>;

fn codec() -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder()
        .max_frame_length(MAX_FRAME)
        .new_codec()
}

pub fn reader<R: AsyncRead>(r: R) -> Reader<R> {
    FramedRead::new(r, codec())
}

pub fn writer<W: AsyncWrite>(w: W) -> Writer<W> {
    FramedWrite::new(w, codec())
}

/// Data frames' payloads as `Bytes`, encoded as postcard's byte strings (what `serde_bytes`
/// made of the `Vec<u8>` they were: the same frames). A sender hands over a slice of what it
/// read without copying it into a new buffer first.
/// A receiver gets a slice of the frame itself (see [`recv`]), not a copy.
mod payload {
    use bytes::Bytes;
    use serde::Serializer;
    use serde::de::{Deserializer, Error, Visitor};
    use std::cell::RefCell;

    thread_local! {
        /// The frame [`super::recv`] is decoding on this thread: a payload borrowed from it
        /// becomes a slice of it.
        pub static FRAME: RefCell<Bytes> = const { RefCell::new(Bytes::new()) };
    }

    pub fn serialize<S: Serializer>(bytes: &Bytes, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        d.deserialize_bytes(Payload)
    }

    struct Payload;

    impl<'de> Visitor<'de> for Payload {
        type Value = Bytes;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("bytes")
        }

        fn visit_borrowed_bytes<E: Error>(self, v: &'de [u8]) -> Result<Bytes, E> {
            Ok(FRAME.with(|frame| {
                let frame = frame.borrow();
                let (outer, inner) = (frame.as_ptr_range(), v.as_ptr_range());
                if !v.is_empty() && outer.start <= inner.start && inner.end <= outer.end {
                    frame.slice_ref(v)
                } else {
                    Bytes::copy_from_slice(v)
                }
            }))
        }

        fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Bytes, E> {
            Ok(Bytes::copy_from_slice(v))
        }

        fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
            Ok(Bytes::from(v))
        }
    }
}

/// Sends one message (and flushes it). The message is encoded straight into the writer's own
/// buffer, behind the 4-byte big-endian length `LengthDelimitedCodec` reads: no buffer per
/// frame (a 200 MiB upload allocated, faulted in and freed 800 of 256 KiB each way otherwise).
pub async fn send<W: AsyncWrite + Unpin, M: Serialize>(
    w: &mut Writer<W>,
    message: &M,
) -> std::io::Result<()> {
    use bytes::BufMut;
    let buf = w.write_buffer_mut();
    let start = buf.len();
    buf.put_u32(0);
    let encoded = postcard::to_io(message, (&mut *buf).writer()).map(|_| ());
    let len = buf.len() - start - 4;
    if let Err(e) = encoded {
        buf.truncate(start);
        return Err(std::io::Error::other(e));
    }
    if len > MAX_FRAME {
        buf.truncate(start);
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "frame too large",
        ));
    }
    buf[start..start + 4].copy_from_slice(&(len as u32).to_be_bytes());
    SinkExt::<Bytes>::flush(w).await
}

/// Receives one message; `None` at a clean end of the stream.
pub async fn recv<R: AsyncRead + Unpin, M: for<'de> Deserialize<'de>>(
    r: &mut Reader<R>,
) -> std::io::Result<Option<M>> {
    match r.next().await {
        None => Ok(None),
        Some(frame) => {
            let frame = frame?.freeze();
            payload::FRAME.with(|f| *f.borrow_mut() = frame.clone());
            let decoded = postcard::from_bytes(&frame);
            payload::FRAME.with(|f| *f.borrow_mut() = Bytes::new());
            decoded
                .map(Some)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn messages_round_trip_through_frames() {
        let (a, b) = tokio::io::duplex(64);
        let mut w = writer(a);
        let mut r = reader(b);
        let sent = vec![
            ToHelper::Hello { version: VERSION },
            ToHelper::Start {
                args: vec!["exec".into(), "--".into(), "true".into()],
                env: vec!["A=1".into()],
                tty: false,
                stdin: true,
            },
            ToHelper::Stdin(Bytes::from_static(&[0, 1, 2, 255])),
            ToHelper::StdinEnd,
            ToHelper::Resize { cols: 80, rows: 24 },
        ];
        let writing = async {
            for m in &sent {
                send(&mut w, m).await.unwrap();
            }
            drop(w);
        };
        let reading = async {
            let mut got = Vec::new();
            while let Some(m) = recv::<_, ToHelper>(&mut r).await.unwrap() {
                got.push(m);
            }
            got
        };
        let ((), got) = tokio::join!(writing, reading);
        assert_eq!(got, sent);
    }

    /// The frames of a version-4 peer, whose payloads were `serde_bytes` `Vec<u8>`s.
    #[test]
    fn data_frames_keep_their_encoding() {
        #[derive(Serialize)]
        enum Old {
            _Hello,
            _Start,
            Stdin(#[serde(with = "serde_bytes")] Vec<u8>),
        }
        let data = vec![7u8; 300];
        assert_eq!(
            postcard::to_stdvec(&ToHelper::Stdin(Bytes::from(data.clone()))).unwrap(),
            postcard::to_stdvec(&Old::Stdin(data)).unwrap()
        );
    }

    #[tokio::test]
    async fn frames_are_what_the_codec_reads_and_the_buffer_is_kept() {
        let (a, b) = tokio::io::duplex(CHUNK * 4);
        let mut w = writer(a);
        let mut r = reader(b);
        let big = FromHelper::Stdout(Bytes::from(vec![1u8; CHUNK]));
        send(&mut w, &big).await.unwrap();
        let kept = w.write_buffer().capacity();
        send(&mut w, &big).await.unwrap();
        assert_eq!(w.write_buffer().capacity(), kept);
        for _ in 0..2 {
            let got: FromHelper = recv(&mut r).await.unwrap().unwrap();
            assert_eq!(got, big);
        }
        let huge = FromHelper::Stdout(Bytes::from(vec![0u8; MAX_FRAME + 1]));
        assert!(send(&mut w, &huge).await.is_err());
        send(&mut w, &FromHelper::Claimed).await.unwrap();
        assert_eq!(
            recv::<_, FromHelper>(&mut r).await.unwrap(),
            Some(FromHelper::Claimed)
        );
    }

    #[tokio::test]
    async fn oversized_and_garbled_frames_are_errors() {
        let (a, b) = tokio::io::duplex(1 << 16);
        let mut raw = writer(a);
        raw.send(Bytes::from_static(&[0xff, 0xff, 0xff]))
            .await
            .unwrap();
        let mut r = reader(b);
        assert!(recv::<_, FromHelper>(&mut r).await.is_err());

        let (mut a, b) = tokio::io::duplex(1 << 16);
        use tokio::io::AsyncWriteExt;
        a.write_all(&(MAX_FRAME as u32 + 1).to_be_bytes())
            .await
            .unwrap();
        let mut r = reader(b);
        assert!(recv::<_, FromHelper>(&mut r).await.is_err());
    }
}
