//! The one wasmtime `Engine` of the process and the thread that advances its epoch.

use std::thread;

use wasmtime::{Config, Engine};

use super::sandbox::EPOCH_TICK;

/// An engine that can interrupt guests at an epoch deadline and, with `fuel`, meters fuel.
/// Every store on it must be given a deadline, and fuel when metered (the sandbox does).
pub(crate) fn new_engine(fuel: bool) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.consume_fuel(fuel).epoch_interruption(true);
    Engine::new(&config)
}

/// Starts a thread that advances `engine`'s epoch every `EPOCH_TICK`. It holds the engine
/// weakly and ends once the engine and every plugin loaded on it are dropped.
pub(crate) fn start_epoch_ticker(engine: &Engine) -> std::io::Result<()> {
    let engine = engine.weak();
    thread::Builder::new()
        .name("plugin-epoch".to_string())
        .spawn(move || {
            while let Some(engine) = engine.upgrade() {
                engine.increment_epoch();
                drop(engine);
                thread::sleep(EPOCH_TICK);
            }
        })?;
    Ok(())
}
