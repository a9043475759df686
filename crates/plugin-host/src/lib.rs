//! The WebAssembly plugin host: loads sentiment-scorer and alert-rules components (the worlds
//! of `wit/v0.3/hashtrack.wit`) and calls them in a sandbox, each call bounded in fuel, wall-clock
//! time and memory, with no filesystem, network or environment.
//!
//! The host speaks three versions of the contract, as an extension host keeps the bindings of
//! earlier releases: `hashtrack:plugins@0.3.0` (`wit/v0.3/hashtrack.wit`, [`WIT_VERSION`]: the
//! built-in scorer) and the frozen `0.2.0` (the built-in rules) and `0.1.0`, so that
//! components built before keep working unchanged. Loading reads the version of the exported
//! interface (`exports`), and a loaded `SentimentScorer` or `AlertRules` holds the
//! pre-instantiated component with the bindings of its version; the conversions from the
//! host's types happen per version (`alerts` documents how 0.1's `day-metrics` is computed
//! from `DayFacts`). What older versions lack is emulated: `check_settings` on a 0.1
//! component is a dry call whose `err` is the problem, and a scorer before 0.3 scores English.
//!
//! The API is synchronous: the pipeline calls it from `spawn_blocking`. `PluginHost` owns the
//! engine, the linker (both versions' imports) and the compiled-component cache; a loaded
//! plugin instantiates its component in a fresh store for every call, so nothing a call does
//! (a trap included) reaches the next one.
//!
//! Module map: `engine` (engine and epoch ticker), `cache` (compiled components on disk),
//! `bindings` (`v0_1`, `v0_2`, `v0_3`), `exports` (WIT version check), `sandbox` (linker, store, WASI,
//! limits in force, error classification), `limits`, `log` and `capture` (what a plugin says),
//! `sentiment` and `alerts` (the two worlds), `builtin` (the default plugins), `error`.
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
pub use engine::CpuLimits;
pub use error::{PluginError, PluginErrorKind};
pub use exports::{SUPPORTED_WIT_VERSIONS, WIT_VERSION};
pub use limits::{
    DEFAULT_FUEL, DEFAULT_MAX_COMPONENT_BYTES, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_MEMORY_BYTES,
    DEFAULT_TIMEOUT, PluginLimits,
};
pub use log::{LOG_LINES_KEPT, MAX_LOG_LINE_BYTES, MAX_LOG_LINES_FORWARDED};
pub use sandbox::{CallReport, EPOCH_TICK, granted};
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
        Self::with_cpu_limits(cache_dir, CpuLimits::BOTH)
    }

    /// A host whose plugins' calls keep only the CPU limits `limits` names: without fuel a
    /// call has no deterministic limit and reports no fuel used; without the epoch, no
    /// wall-clock limit. For measuring what each limit costs (`cargo bench --bench
    /// plugins`), never for running campaigns.
    pub fn with_cpu_limits(
        cache_dir: Option<PathBuf>,
        limits: CpuLimits,
    ) -> Result<Self, PluginError> {
        let setup = |reason: String| PluginError::load("plugin host", Load(reason));
        let engine = engine::new_engine(limits)
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
        let loaded = self.load(source, limits, &exports::SCORER)?;
        SentimentScorer::new(
            loaded.pre,
            loaded.version,
            loaded.sandbox,
            loaded.report,
            &loaded.content_hash,
        )
    }

    /// Loads alert rules (world `alert-rules`).
    pub fn load_alerts(
        &self,
        source: &PluginSource,
        limits: PluginLimits,
    ) -> Result<AlertRules, PluginError> {
        let loaded = self.load(source, limits, &exports::RULES)?;
        AlertRules::new(loaded.pre, loaded.version, loaded.sandbox, loaded.report)
    }

    /// What a component imports and exports and which world it implements, without
    /// judging it (loading it as that world does).
    pub fn inspect(
        &self,
        source: &PluginSource,
        limits: &PluginLimits,
    ) -> Result<ComponentInfo, PluginError> {
        let (component, report, _) = self.compile(source, limits)?;
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
        let (world, interface) = if exports::SCORER.find_in(&exports).is_some() {
            (Some(World::SentimentScorer), Some(&exports::SCORER))
        } else if exports::RULES.find_in(&exports).is_some() {
            (Some(World::AlertRules), Some(&exports::RULES))
        } else {
            (None, None)
        };
        let wit_version = interface
            .and_then(|interface| exports::version_of(&exports, interface).ok())
            .map(|version| version.as_str());
        Ok(ComponentInfo {
            component_bytes: report.component_bytes,
            imports,
            exports,
            world,
            wit_version,
        })
    }

    /// Reads and compiles a component (or fetches it from the cache); also returns a short
    /// hash of its bytes.
    fn compile(
        &self,
        source: &PluginSource,
        limits: &PluginLimits,
    ) -> Result<(wasmtime::component::Component, LoadReport, String), PluginError> {
        let name = source.to_string();
        let fail = |kind| PluginError::load(&name, kind);
        let bytes = read_component(source, limits.max_component_bytes).map_err(fail)?;
        let content_hash = short_hash(&bytes);
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
        Ok((component, report, content_hash))
    }

    /// Compiles, checks the exported interface (and learns its version) and links.
    fn load(
        &self,
        source: &PluginSource,
        limits: PluginLimits,
        interface: &exports::Interface,
    ) -> Result<Loaded, PluginError> {
        let name = source.to_string();
        let fail = |kind| PluginError::load(&name, kind);
        let (component, report, content_hash) = self.compile(source, &limits)?;
        let version = exports::check(&self.engine, &component, interface).map_err(fail)?;
        let pre = self.linker.instantiate_pre(&component).map_err(|e| {
            fail(Load(format!(
                "it needs an import this host does not provide: {e:#}"
            )))
        })?;
        tracing::debug!(plugin = %name, ?report, wit = version.as_str(), "loaded plugin");
        Ok(Loaded {
            pre,
            version,
            sandbox: Sandbox::new(self.engine.clone(), &name, limits),
            report,
            content_hash,
        })
    }
}

/// A component ready to be wrapped as the plugin of its world.
struct Loaded {
    pre: InstancePre<CallState>,
    version: exports::WitVersion,
    sandbox: Sandbox,
    report: LoadReport,
    /// `short_hash` of the component's bytes.
    content_hash: String,
}

/// The first 12 hex digits of the SHA-256 of `bytes`: enough to tell components apart.
fn short_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .take(6)
        .map(|byte| format!("{byte:02x}"))
        .collect()
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
    /// The version of the contract its interface implements, when this host speaks it:
    /// one of [`SUPPORTED_WIT_VERSIONS`].
    pub wit_version: Option<&'static str>,
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
    fn short_hashes_are_twelve_hex_digits_of_the_content() {
        let hash = short_hash(b"component");
        assert_eq!(hash.len(), 12);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
        assert_eq!(hash, short_hash(b"component"));
        assert_ne!(hash, short_hash(b"component2"));
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
