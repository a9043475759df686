//! What one plugin call may use, and the `ResourceLimiter` that enforces the memory part.
//!
//! Fuel is the primary CPU limit because it is deterministic: the same plugin on the same day
//! fails the same way on any machine. The wall-clock timeout is the backstop for what fuel does
//! not count (time spent in host functions, a slow or overloaded machine).

use std::time::Duration;

/// Linear memory one call may hold in total, across all of the component's memories. A
/// componentize-py guest needs tens of MiB just to start.
pub const DEFAULT_MEMORY_BYTES: usize = 64 * 1024 * 1024;

/// Fuel (roughly one unit per wasm instruction) one call may burn, instantiation included.
/// About a second of compiled wasm on a current x86-64 core: ample for a Rust scorer on tens of
/// thousands of comments, tight enough that a runaway loop ends quickly.
pub const DEFAULT_FUEL: u64 = 2_000_000_000;

/// Wall-clock time one call may take, instantiation included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// Component files above this size are refused before they are read into memory or compiled.
/// A componentize-py guest is about 18 MiB.
pub const DEFAULT_MAX_COMPONENT_BYTES: u64 = 64 * 1024 * 1024;

/// What a call may print to stdout and to stderr (each); the rest is dropped.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 16 * 1024;

/// Elements one call's tables may hold in total; function tables of real guests are a few
/// thousand entries.
const MAX_TABLE_ELEMENTS: usize = 100_000;

/// Limits applied to every call of one loaded plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginLimits {
    /// Total linear memory per call, in bytes.
    pub memory_bytes: usize,
    /// Fuel per call.
    pub fuel: u64,
    /// Wall-clock time per call.
    pub timeout: Duration,
    /// Largest component file accepted, in bytes.
    pub max_component_bytes: u64,
    /// Captured stdout and stderr per call, in bytes each.
    pub max_output_bytes: usize,
}

impl Default for PluginLimits {
    fn default() -> Self {
        Self {
            memory_bytes: DEFAULT_MEMORY_BYTES,
            fuel: DEFAULT_FUEL,
            timeout: DEFAULT_TIMEOUT,
            max_component_bytes: DEFAULT_MAX_COMPONENT_BYTES,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
        }
    }
}

impl PluginLimits {
    /// The defaults with a campaign's (or a command line's) overrides: memory in MiB, fuel,
    /// time in milliseconds.
    pub fn with_overrides(
        memory_mib: Option<u32>,
        fuel: Option<u64>,
        timeout_ms: Option<u64>,
    ) -> PluginLimits {
        let defaults = PluginLimits::default();
        PluginLimits {
            memory_bytes: memory_mib
                .map_or(defaults.memory_bytes, |mib| mib as usize * 1024 * 1024),
            fuel: fuel.unwrap_or(defaults.fuel),
            timeout: timeout_ms.map_or(defaults.timeout, Duration::from_millis),
            ..defaults
        }
    }
}

/// Raised (as a trap) when a call asks for memory past its limit. A denied `memory.grow`
/// would be more lenient, but guests rarely recover from it and the trap names the cause.
#[derive(Debug)]
pub(crate) struct MemoryLimitExceeded;

impl std::fmt::Display for MemoryLimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("linear memory limit exceeded")
    }
}

impl std::error::Error for MemoryLimitExceeded {}

/// Counts the linear memory and table elements of one store.
pub(crate) struct CallLimiter {
    memory_limit: usize,
    memory_used: usize,
    peak_memory: usize,
    table_elements: usize,
}

impl CallLimiter {
    pub(crate) fn new(memory_limit: usize) -> Self {
        Self {
            memory_limit,
            memory_used: 0,
            peak_memory: 0,
            table_elements: 0,
        }
    }

    /// The most linear memory the call held at once, in bytes.
    pub(crate) fn peak_memory(&self) -> usize {
        self.peak_memory
    }
}

impl wasmtime::ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let used = self.memory_used.saturating_sub(current) + desired;
        if used > self.memory_limit {
            return Err(wasmtime::Error::new(MemoryLimitExceeded));
        }
        self.memory_used = used;
        self.peak_memory = self.peak_memory.max(used);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let elements = self.table_elements.saturating_sub(current) + desired;
        if elements > MAX_TABLE_ELEMENTS {
            return Ok(false);
        }
        self.table_elements = elements;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::ResourceLimiter;

    #[test]
    fn memory_is_counted_across_memories() {
        let mut limiter = CallLimiter::new(10);
        assert!(limiter.memory_growing(0, 6, None).unwrap());
        assert!(limiter.memory_growing(0, 4, None).unwrap());
        let err = limiter.memory_growing(4, 5, None).unwrap_err();
        assert!(err.is::<MemoryLimitExceeded>());
    }

    #[test]
    fn tables_are_capped() {
        let mut limiter = CallLimiter::new(0);
        assert!(limiter.table_growing(0, MAX_TABLE_ELEMENTS, None).unwrap());
        assert!(!limiter.table_growing(0, 1, None).unwrap());
    }
}
