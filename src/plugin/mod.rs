//! The WebAssembly plugin host: loads sentiment-scorer and alert-rules components (the worlds
//! of `wit/hashtrack.wit`) and calls them in a sandbox, each call bounded in fuel, wall-clock
//! time and memory, with no filesystem, network or environment.
//!
//! The API is synchronous: the pipeline calls it from `spawn_blocking`. `PluginHost` owns the
//! engine, the linker and the compiled-component cache; a loaded `SentimentScorer` or
//! `AlertRules` holds a pre-instantiated component and instantiates it in a fresh store for
//! every call, so nothing a call does (a trap included) reaches the next one.
//!
//! Module map: `engine` (engine and epoch ticker), `cache` (compiled components on disk),
//! `exports` (WIT version check), `sandbox` (linker, store, WASI, limits in force, error
//! classification), `limits`, `log` and `capture` (what a plugin says), `sentiment` and
//! `alerts` (the two worlds), `builtin` (the default plugins), `error`.
//! Not here: which plugin a campaign uses and its settings (`config`), what the scores and
//! alerts mean for a day (`pipeline`).

mod alerts;
mod bindings;
mod builtin;
mod cache;
mod capture;
mod engine;
mod error;
mod exports;
mod limits;
mod log;
mod sandbox;
mod sentiment;

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use wasmtime::Engine;
use wasmtime::component::{InstancePre, Linker};

pub use alerts::{
    AlertRules, MAX_ALERT_MESSAGE_CHARS, MAX_ALERTS, MAX_HISTORY_DAYS, MAX_RULE_ID_CHARS,
};
pub use error::{PluginError, PluginErrorKind};
pub use exports::WIT_VERSION;
pub use limits::{
    DEFAULT_FUEL, DEFAULT_MAX_COMPONENT_BYTES, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_MEMORY_BYTES,
    DEFAULT_TIMEOUT, PluginLimits,
};
pub use log::{LOG_LINES_KEPT, MAX_LOG_LINE_BYTES, MAX_LOG_LINES_FORWARDED};
pub use sandbox::{CallReport, EPOCH_TICK};
pub use sentiment::SentimentScorer;

use cache::{Compiled, ComponentCache};
use error::PluginErrorKind::{Load, TooLarge};
use sandbox::{CallState, Sandbox};

/// Where a plugin's component comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginSource {
    /// The default sentiment scorer built from `plugins/sentiment-default`.
    BuiltinSentiment,
    /// The default alert rules built from `plugins/alerts-default`.
    BuiltinAlerts,
    /// A component file (binary, or WAT text).
    File(PathBuf),
}

/// The name used in logs and errors: `builtin:sentiment`, `builtin:alerts` or the path.
impl fmt::Display for PluginSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BuiltinSentiment => f.write_str("builtin:sentiment"),
            Self::BuiltinAlerts => f.write_str("builtin:alerts"),
            Self::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// How a plugin was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadReport {
    /// The compiled component came from the on-disk cache.
    pub cache_hit: bool,
    /// Time to get the compiled component: compiling on a miss, reading the cache on a hit.
    pub compile_time: Duration,
    /// Size of the component, in bytes.
    pub component_bytes: u64,
}

/// Loads plugins. One per process: it owns the engine (and its epoch thread), the linker and
/// the compiled-component cache. Loaded plugins stay valid after it is dropped.
pub struct PluginHost {
    engine: Engine,
    linker: Linker<CallState>,
    cache: Option<ComponentCache>,
}

impl PluginHost {
    /// A host caching compiled components in `cache_dir` (created if missing); `None`
    /// compiles on every load.
    pub fn new(cache_dir: Option<PathBuf>) -> Result<Self, PluginError> {
        let setup = |reason: String| PluginError::load("plugin host", Load(reason));
        let engine = engine::new_engine()
            .map_err(|e| setup(format!("could not configure wasmtime: {e}")))?;
        engine::start_epoch_ticker(&engine)
            .map_err(|e| setup(format!("could not start the epoch thread: {e}")))?;
        let linker = sandbox::new_linker(&engine)
            .map_err(|e| setup(format!("could not link the host functions: {e}")))?;
        let cache = cache_dir
            .map(|dir| {
                ComponentCache::new(&engine, dir.clone()).map_err(|e| {
                    setup(format!(
                        "could not create the cache directory {}: {e}",
                        dir.display()
                    ))
                })
            })
            .transpose()?;
        Ok(Self {
            engine,
            linker,
            cache,
        })
    }

    /// Loads a sentiment scorer (world `sentiment-scorer`).
    pub fn load_sentiment(
        &self,
        source: &PluginSource,
        limits: PluginLimits,
    ) -> Result<SentimentScorer, PluginError> {
        let (pre, sandbox, report) = self.load(source, limits, &exports::SCORER)?;
        SentimentScorer::new(pre, sandbox, report)
    }

    /// Loads alert rules (world `alert-rules`).
    pub fn load_alerts(
        &self,
        source: &PluginSource,
        limits: PluginLimits,
    ) -> Result<AlertRules, PluginError> {
        let (pre, sandbox, report) = self.load(source, limits, &exports::RULES)?;
        AlertRules::new(pre, sandbox, report)
    }

    /// What a component imports and exports and which world it implements, without
    /// judging it (loading it as that world does).
    pub fn inspect(
        &self,
        source: &PluginSource,
        limits: &PluginLimits,
    ) -> Result<ComponentInfo, PluginError> {
        let (component, report) = self.compile(source, limits)?;
        let names = |items: Vec<String>| {
            let mut items = items;
            items.sort();
            items
        };
        let ty = component.component_type();
        let exports = names(
            ty.exports(&self.engine)
                .map(|(name, _)| name.to_string())
                .collect(),
        );
        let imports = names(
            ty.imports(&self.engine)
                .map(|(name, _)| name.to_string())
                .collect(),
        );
        let world = if exports::SCORER.find_in(&exports).is_some() {
            Some(World::SentimentScorer)
        } else if exports::RULES.find_in(&exports).is_some() {
            Some(World::AlertRules)
        } else {
            None
        };
        Ok(ComponentInfo {
            component_bytes: report.component_bytes,
            imports,
            exports,
            world,
        })
    }

    /// Reads and compiles a component (or fetches it from the cache).
    fn compile(
        &self,
        source: &PluginSource,
        limits: &PluginLimits,
    ) -> Result<(wasmtime::component::Component, LoadReport), PluginError> {
        let name = source.to_string();
        let fail = |kind| PluginError::load(&name, kind);
        let bytes = read_component(source, limits.max_component_bytes).map_err(fail)?;
        let compiled = match &self.cache {
            Some(cache) => cache.load(&self.engine, &bytes),
            None => cache::compile(&self.engine, &bytes),
        }
        .map_err(|e| fail(Load(format!("it is not a valid component: {e:#}"))))?;
        let Compiled {
            component,
            cache_hit,
            compile_time,
        } = compiled;
        let report = LoadReport {
            cache_hit,
            compile_time,
            component_bytes: bytes.len() as u64,
        };
        Ok((component, report))
    }

    /// Compiles, checks the exported interface and links.
    fn load(
        &self,
        source: &PluginSource,
        limits: PluginLimits,
        interface: &exports::Interface,
    ) -> Result<(InstancePre<CallState>, Sandbox, LoadReport), PluginError> {
        let name = source.to_string();
        let fail = |kind| PluginError::load(&name, kind);
        let (component, report) = self.compile(source, &limits)?;
        exports::check(&self.engine, &component, interface).map_err(fail)?;
        let pre = self.linker.instantiate_pre(&component).map_err(|e| {
            fail(Load(format!(
                "it needs an import this host does not provide: {e:#}"
            )))
        })?;
        tracing::debug!(plugin = %name, ?report, "loaded plugin");
        Ok((
            pre,
            Sandbox::new(self.engine.clone(), &name, limits),
            report,
        ))
    }
}

/// The two kinds of plugin, by the WIT world they implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum World {
    SentimentScorer,
    AlertRules,
}

impl fmt::Display for World {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            World::SentimentScorer => "sentiment-scorer",
            World::AlertRules => "alert-rules",
        })
    }
}

/// What a component declares, as `hashtrack plugin check` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentInfo {
    pub component_bytes: u64,
    pub imports: Vec<String>,
    pub exports: Vec<String>,
    /// `None` when it exports neither world's interface.
    pub world: Option<World>,
}

/// The component's bytes, refusing anything over `max_bytes` before reading it whole.
fn read_component(
    source: &PluginSource,
    max_bytes: u64,
) -> Result<Cow<'static, [u8]>, PluginErrorKind> {
    let too_large = |size| TooLarge {
        size,
        limit: max_bytes,
    };
    let bytes = match source {
        PluginSource::BuiltinSentiment => Cow::Borrowed(builtin::SENTIMENT),
        PluginSource::BuiltinAlerts => Cow::Borrowed(builtin::ALERTS),
        PluginSource::File(path) => {
            let unreadable = |e: std::io::Error| Load(format!("cannot read the file: {e}"));
            let file = File::open(path).map_err(unreadable)?;
            let size = file.metadata().map_err(unreadable)?.len();
            if size > max_bytes {
                return Err(too_large(size));
            }
            // Read one byte past the limit to notice a file that grew since `metadata`.
            let mut bytes = Vec::new();
            file.take(max_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(unreadable)?;
            Cow::Owned(bytes)
        }
    };
    let size = bytes.len() as u64;
    if size > max_bytes {
        return Err(too_large(size));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_named_for_people() {
        assert_eq!(
            PluginSource::BuiltinSentiment.to_string(),
            "builtin:sentiment"
        );
        assert_eq!(PluginSource::BuiltinAlerts.to_string(), "builtin:alerts");
        assert_eq!(
            PluginSource::File("plugins/brandx.wasm".into()).to_string(),
            "plugins/brandx.wasm"
        );
    }

    #[test]
    fn loaded_plugins_can_be_shared_with_blocking_tasks() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<PluginHost>();
        send_and_sync::<SentimentScorer>();
        send_and_sync::<AlertRules>();
        send_and_sync::<PluginError>();
    }

    #[test]
    fn oversized_files_are_refused_before_compiling() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.wasm");
        std::fs::write(&path, vec![0u8; 2048]).unwrap();
        let err = read_component(&PluginSource::File(path), 1024).unwrap_err();
        assert_eq!(
            err,
            TooLarge {
                size: 2048,
                limit: 1024
            }
        );
    }
}
