//! The default plugins, embedded in the binary. `build.rs` compiles them from `plugins/` to
//! wasm32-wasip2 components and leaves them in `OUT_DIR`.

/// `plugins/sentiment-default`, built.
pub(crate) const SENTIMENT: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/sentiment-default.wasm"));

/// `plugins/alerts-default`, built.
pub(crate) const ALERTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/alerts-default.wasm"));
