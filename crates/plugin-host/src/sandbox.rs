//! Where a plugin call runs: the linker every plugin is instantiated against, and one fresh
//! `Store` per call with its fuel, epoch deadline, memory limiter, an empty WASI context and
//! the plugin's log. A trap therefore never leaves state behind for the next call, and every
//! way a call can fail becomes a `PluginError` that carries the plugin's last log lines.
//!
//! WASI is linked because guests built by Rust, Python or JavaScript toolchains import it, but
//! it grants nothing: no preopened directories, no environment, no arguments, closed stdin,
//! no sockets or name lookup, and stdout/stderr only into capped buffers. Sleeping is a no-op
//! (see `link_instant_sleep`): a blocked host call is out of reach of the epoch deadline.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::component::{HasSelf, Linker, Resource, ResourceTable};
use wasmtime::{Engine, Store, StoreContextMut, Trap, WasmBacktrace};
use wasmtime_wasi::p2::{DynPollable, Pollable, subscribe};
use wasmtime_wasi::{I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::bindings::{log, v0_1, v0_2, v0_3};
use super::capture::CapturedOutput;
use super::error::{PluginError, PluginErrorKind};
use super::limits::{CallLimiter, MemoryLimitExceeded, PluginLimits};
use super::log::PluginLog;

/// What a plugin importing `import` (as `plugin check` lists them) actually gets here.
pub fn granted(import: &str) -> &'static str {
    let interface = import.split('@').next().unwrap_or(import);
    match interface {
        "hashtrack:plugins/log" => "provided: lines into the host's log",
        "hashtrack:plugins/types" => "provided: the contract's types",
        i if i.starts_with("wasi:sockets/") => "denied: no network, no name lookup",
        i if i.starts_with("wasi:filesystem/") => "denied: no directory is opened, no file",
        "wasi:cli/environment" => "empty: no variables, no arguments",
        "wasi:cli/stdin" => "closed",
        "wasi:cli/stdout" | "wasi:cli/stderr" => "captured into a capped buffer",
        i if i.starts_with("wasi:cli/terminal") => "no terminal",
        "wasi:cli/exit" => "ends the call",
        "wasi:clocks/monotonic-clock" => "provided; sleeping returns at once",
        i if i.starts_with("wasi:clocks/") => "provided",
        i if i.starts_with("wasi:random/") => "provided",
        i if i.starts_with("wasi:io/") => "provided, for the streams above",
        _ => "not provided: the host cannot load a component that needs it",
    }
}

/// How often the engine's epoch advances; the granularity of wall-clock timeouts.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// The interface whose sleeps are made instant: the name (and version) under which
/// wasmtime-wasi 48 links it. Guests importing any 0.2.x version resolve to it.
const MONOTONIC_CLOCK: &str = "wasi:clocks/monotonic-clock@0.2.12";

/// What a store holds during one call.
pub(crate) struct CallState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: CallLimiter,
    log: PluginLog,
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// `types` declares no functions; bindgen still asks for its (empty) host trait.
impl v0_3::types::Host for CallState {}
impl v0_2::types::Host for CallState {}
impl v0_1::types::Host for CallState {}

impl v0_2::log::Host for CallState {
    fn write(&mut self, level: log::Level, message: String) {
        self.log.write(level, &message);
    }
}

/// Another version's log is the same interface under its own name; its level becomes the
/// host's.
macro_rules! log_host {
    ($version:ident) => {
        impl $version::log::Host for CallState {
            fn write(&mut self, level: $version::log::Level, message: String) {
                let level = match level {
                    $version::log::Level::Debug => log::Level::Debug,
                    $version::log::Level::Info => log::Level::Info,
                    $version::log::Level::Warn => log::Level::Warn,
                    $version::log::Level::Error => log::Level::Error,
                };
                self.log.write(level, &message);
            }
        }
    };
}
log_host!(v0_1);
log_host!(v0_3);

/// The imports every plugin may use: WASI (granting nothing) and `hashtrack:plugins/log`, in
/// each version the host speaks (`@0.3.0`, `@0.2.0` and `@0.1.0`). Both worlds import exactly
/// these, so one linker serves both worlds of every version.
pub(crate) fn new_linker(engine: &Engine) -> wasmtime::Result<Linker<CallState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    v0_3::sentiment::SentimentScorer::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)?;
    v0_2::sentiment::SentimentScorer::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)?;
    v0_1::sentiment::SentimentScorer::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)?;
    link_instant_sleep(&mut linker)?;
    Ok(linker)
}

/// Replaces the monotonic clock's `subscribe-*` functions with ones whose pollable is ready at
/// once. With sync WASI a guest's `sleep` blocks the calling thread inside the host, where
/// neither fuel nor the epoch deadline can stop it; the WIT contract promises plugins no
/// clock worth trusting, so an instant sleep is within it.
fn link_instant_sleep(linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
    struct ReadyNow;

    #[wasmtime_wasi::async_trait]
    impl Pollable for ReadyNow {
        async fn ready(&mut self) {}
    }

    fn ready_now(
        mut store: StoreContextMut<'_, CallState>,
    ) -> wasmtime::Result<(Resource<DynPollable>,)> {
        let table = &mut store.data_mut().table;
        let ready = table.push(ReadyNow)?;
        Ok((subscribe(table, ready)?,))
    }

    linker.allow_shadowing(true);
    let mut clock = linker.instance(MONOTONIC_CLOCK)?;
    clock.func_wrap("subscribe-duration", |store, (_,): (u64,)| ready_now(store))?;
    clock.func_wrap("subscribe-instant", |store, (_,): (u64,)| ready_now(store))?;
    linker.allow_shadowing(false);
    Ok(())
}

/// What one call used (instantiation included): for `hashtrack plugin test` and benchmarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallReport {
    pub duration: Duration,
    /// `None` when the call was stopped by its time limit (the fuel counter is not brought up
    /// to date by an interrupt, so what it shows then is not what the call used), or ran
    /// without metering.
    pub fuel_used: Option<u64>,
    /// The most linear memory held at once, in bytes.
    pub peak_memory_bytes: usize,
    /// The plugin's last log lines (and captured output), oldest first.
    pub log_lines: Vec<String>,
}

/// Runs calls of one loaded plugin, each in a fresh store under its limits.
#[derive(Clone)]
pub(crate) struct Sandbox {
    engine: Engine,
    plugin: Arc<str>,
    limits: PluginLimits,
}

impl Sandbox {
    pub(crate) fn new(engine: Engine, plugin: &str, limits: PluginLimits) -> Self {
        Self {
            engine,
            plugin: plugin.into(),
            limits,
        }
    }

    pub(crate) fn plugin(&self) -> &str {
        &self.plugin
    }

    /// Runs `call` (instantiation, the export and output validation) in a fresh store, and
    /// reports what it used. The outer `Result` is wasmtime's (traps and limits); the inner one
    /// is the plugin's verdict or a validation failure.
    pub(crate) fn call<T>(
        &self,
        campaign: &str,
        call: impl FnOnce(&mut Store<CallState>) -> wasmtime::Result<Result<T, PluginErrorKind>>,
    ) -> (Result<T, PluginError>, CallReport) {
        let started = Instant::now();
        let stdout = CapturedOutput::new(self.limits.max_output_bytes);
        let stderr = CapturedOutput::new(self.limits.max_output_bytes);
        let wasi = WasiCtxBuilder::new()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let state = CallState {
            wasi,
            table: ResourceTable::new(),
            limiter: CallLimiter::new(self.limits.memory_bytes),
            log: PluginLog::new(self.plugin.clone(), campaign.into()),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        // Refused only by an engine built without metering (`without_fuel_metering`).
        let metered = store.set_fuel(self.limits.fuel).is_ok();
        store.set_epoch_deadline(deadline_ticks(self.limits.timeout));
        store.epoch_deadline_trap();

        let outcome = call(&mut store);
        let fuel_left = store.get_fuel().unwrap_or(0);
        let peak_memory_bytes = store.data().limiter.peak_memory();

        let mut log = store.into_data().log;
        // A Rust panic message goes to stderr: worth a warning, unlike chatter on stdout.
        for (name, level, output) in [
            ("stdout", log::Level::Debug, &stdout),
            ("stderr", log::Level::Warn, &stderr),
        ] {
            let (text, dropped) = output.contents();
            log.printed(name, level, &text, dropped);
        }
        let mut report = CallReport {
            duration: started.elapsed(),
            fuel_used: metered.then(|| self.limits.fuel.saturating_sub(fuel_left)),
            peak_memory_bytes,
            log_lines: log.into_tail(),
        };
        let kind = match outcome {
            Ok(Ok(value)) => return (Ok(value), report),
            Ok(Err(kind)) => kind,
            Err(error) => self.classify(&error),
        };
        if matches!(kind, PluginErrorKind::Timeout { .. }) {
            report.fuel_used = None;
        }
        let error = PluginError {
            plugin: self.plugin.to_string(),
            campaign: Some(campaign.to_string()),
            kind,
            last_log_lines: report.log_lines.clone(),
        };
        (Err(error), report)
    }

    /// Names the limit a failed call hit, or describes its trap.
    fn classify(&self, error: &wasmtime::Error) -> PluginErrorKind {
        if error.is::<MemoryLimitExceeded>() {
            return PluginErrorKind::OutOfMemory {
                limit_bytes: self.limits.memory_bytes,
            };
        }
        if let Some(exit) = error.downcast_ref::<I32Exit>() {
            return PluginErrorKind::Trap(format!("the plugin called exit({})", exit.0));
        }
        match error.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => PluginErrorKind::OutOfFuel {
                fuel: self.limits.fuel,
            },
            Some(Trap::Interrupt) => PluginErrorKind::Timeout {
                limit: self.limits.timeout,
            },
            _ => PluginErrorKind::Trap(describe_trap(error)),
        }
    }
}

/// A trap in one line: its cause and the innermost wasm function, e.g. ``wasm trap: wasm
/// `unreachable` instruction executed in scorer!score``. (wasmtime's own rendering spans lines.)
fn describe_trap(error: &wasmtime::Error) -> String {
    let cause = match error.downcast_ref::<Trap>() {
        Some(trap) => trap.to_string(),
        None => error.root_cause().to_string(),
    };
    let Some(frame) = error
        .downcast_ref::<WasmBacktrace>()
        .and_then(|trace| trace.frames().first())
    else {
        return cause;
    };
    let module = frame.module().name().unwrap_or("module");
    match frame.func_name() {
        Some(function) => format!("{cause} in {module}!{function}"),
        None => format!("{cause} in {module}!function {}", frame.func_index()),
    }
}

/// Epoch ticks for `timeout`, rounded up, plus one because the first tick may come at once.
/// Capped so that wasmtime's `current epoch + ticks` cannot overflow.
fn deadline_ticks(timeout: Duration) -> u64 {
    let ticks = timeout.as_nanos().div_ceil(EPOCH_TICK.as_nanos()) + 1;
    u64::try_from(ticks).map_or(u64::MAX / 2, |ticks| ticks.min(u64::MAX / 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_round_up_to_whole_ticks() {
        assert_eq!(deadline_ticks(Duration::ZERO), 1);
        assert_eq!(deadline_ticks(EPOCH_TICK), 2);
        assert_eq!(deadline_ticks(EPOCH_TICK * 3 / 2), 3);
        assert_eq!(deadline_ticks(Duration::MAX), u64::MAX / 2);
    }

    #[test]
    fn plugin_check_says_network_and_files_are_denied() {
        for denied in [
            "wasi:sockets/tcp@0.2.9",
            "wasi:sockets/ip-name-lookup@0.2.0",
            "wasi:filesystem/preopens@0.2.9",
        ] {
            assert!(granted(denied).starts_with("denied"), "{denied}");
        }
        for provided in ["hashtrack:plugins/log@0.2.0", "wasi:random/random@0.2.9"] {
            assert!(granted(provided).starts_with("provided"), "{provided}");
        }
        assert!(granted("wasi:http/outgoing-handler@0.2.0").starts_with("not provided"));
    }
}
