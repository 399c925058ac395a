//! The byte channel between a blocking thread that writes (or reads) a tar and the async HTTP
//! body that the engine reads (or writes): bounded, so memory stays flat whatever the size.
//! Uploads, downloads and `template build`'s context all go through it.

use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use std::io::{self, Read, Write};
use tokio::sync::mpsc;

/// Size of each chunk sent through the channel, and how many may wait: together the most a
/// transfer holds in dsbx's memory besides the HTTP client's own buffers.
const CHUNK: usize = 256 * 1024;
const CHANNEL_DEPTH: usize = 8;

/// What the writer's error says when the engine stopped reading the body.
const CLOSED: &str = "the engine stopped reading the upload";

/// One item of a request or response body.
pub type Chunk = Result<Bytes, io::Error>;

/// A writer for a blocking thread and the request body it feeds.
pub fn body_channel() -> (
    ChannelWriter,
    impl Stream<Item = Chunk> + Send + Unpin + 'static,
) {
    let (tx, rx) = mpsc::channel::<Chunk>(CHANNEL_DEPTH);
    let body = Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
    (ChannelWriter::new(tx), body)
}

/// A sender for the async side and the reader a blocking thread drains.
pub fn read_channel() -> (mpsc::Sender<Chunk>, ChannelReader) {
    let (tx, rx) = mpsc::channel::<Chunk>(CHANNEL_DEPTH);
    let reader = ChannelReader {
        rx,
        current: Bytes::new(),
    };
    (tx, reader)
}

/// Whether an error is the writer's report that the engine stopped reading (the engine's own
/// error then says why).
pub fn is_closed_channel(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe && e.to_string() == CLOSED)
    })
}

/// A `Write` that sends `CHUNK`-sized pieces into a bounded channel, blocking while it is full.
pub struct ChannelWriter {
    tx: mpsc::Sender<Chunk>,
    buf: BytesMut,
}

impl ChannelWriter {
    fn new(tx: mpsc::Sender<Chunk>) -> Self {
        ChannelWriter {
            tx,
            buf: BytesMut::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = self.buf.split().freeze();
        self.buf.reserve(CHUNK);
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, CLOSED))
    }

    /// Breaks the request body so the engine never sees a tar that looks complete.
    pub fn abort(&mut self, why: String) {
        self.buf.clear();
        let _ = self.tx.blocking_send(Err(io::Error::other(why)));
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// A `Read` over a bounded channel, blocking while it is empty.
pub struct ChannelReader {
    rx: mpsc::Receiver<Chunk>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                None => return Ok(0),
                Some(Err(e)) => return Err(e),
                Some(Ok(b)) => self.current = b,
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        let _ = self.current.split_to(n);
        Ok(n)
    }
}
