//! Capped in-memory stdout and stderr for one call. Guests may print (Python's `print`, a Rust
//! panic message); the text is kept up to a cap and the rest dropped without failing the
//! guest, because printing too much is noise, not a reason to lose a campaign-day.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};

/// One captured stream. Clones share the buffer: the WASI context gets one, the host reads
/// the other after the call.
#[derive(Clone)]
pub(crate) struct CapturedOutput {
    buffer: Arc<Mutex<Buffer>>,
}

struct Buffer {
    bytes: Vec<u8>,
    cap: usize,
    dropped: usize,
}

impl CapturedOutput {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            buffer: Arc::new(Mutex::new(Buffer {
                bytes: Vec::new(),
                cap,
                dropped: 0,
            })),
        }
    }

    /// The text kept so far and how many bytes were dropped past the cap.
    pub(crate) fn contents(&self) -> (String, usize) {
        let buffer = self.buffer.lock().unwrap_or_else(PoisonError::into_inner);
        (
            String::from_utf8_lossy(&buffer.bytes).into_owned(),
            buffer.dropped,
        )
    }

    fn append(&self, bytes: &[u8]) {
        let mut buffer = self.buffer.lock().unwrap_or_else(PoisonError::into_inner);
        let room = buffer.cap.saturating_sub(buffer.bytes.len());
        let kept = bytes.len().min(room);
        buffer.bytes.extend_from_slice(&bytes[..kept]);
        buffer.dropped += bytes.len() - kept;
    }
}

impl IsTerminal for CapturedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

/// Only the async form is provided: wasmtime-wasi adapts it for WASI preview 2 guests.
impl StdoutStream for CapturedOutput {
    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl AsyncWrite for CapturedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.append(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_past_the_cap_is_dropped_and_counted() {
        let output = CapturedOutput::new(5);
        output.append(b"hel");
        output.append(b"lo world");
        assert_eq!(output.contents(), ("hello".to_string(), 6));
    }
}
