//! The one wasmtime `Engine` of the process and the thread that advances its epoch.

use std::thread;

use wasmtime::{Config, Engine};

use super::sandbox::EPOCH_TICK;

/// The sandbox's two limits on a guest's CPU, compiled into its code: fuel (a deterministic
/// count of work, the same on any machine) and the epoch deadline (wall-clock time). Both
/// are always on for campaigns; turning one off is for measuring what it costs
/// (`cargo bench --bench plugins`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuLimits {
    pub fuel: bool,
    pub epoch: bool,
}

impl CpuLimits {
    pub const BOTH: CpuLimits = CpuLimits {
        fuel: true,
        epoch: true,
    };
}

/// An engine compiling guests with `limits`. Every store on it is given fuel and a deadline
/// (the sandbox does; an engine without one ignores it).
pub(crate) fn new_engine(limits: CpuLimits) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config
        .consume_fuel(limits.fuel)
        .epoch_interruption(limits.epoch);
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
