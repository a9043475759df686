//! The wasm plugin host (in progress).
