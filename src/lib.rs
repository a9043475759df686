//! hashtrack: tracks TikTok hashtag campaigns for marketing agencies.
//!
//! Data flows one way: `config` → `pipeline` (with `api` under one rate limiter) → `store`
//! (raw snapshots in sled) → `plugin` (wasm sentiment scorer and alert rules) → `report`,
//! `export` and `alerts` (delivery). `scorecard` judges what the pipeline reported against a
//! simulator's truth (`hashtrack evaluate`).
//!
//! Beneath this library, crates of their own that it re-exports or uses: `domain` (the
//! `hashtrack-domain` crate: the types every part shares), `plugin` (`hashtrack-plugin-host`:
//! the wasmtime host, which needs nothing but the domain types) and `sentiment-polarity` (how a
//! score reads as a polarity). Around it, crates it does not depend on: the command line
//! (`hashtrack-cli`), the simulated API (`hashtrack-sim`) and the measuring of scorers against
//! human labels (`sentiment-eval`).

pub use hashtrack_domain as domain;
/// Shared with the plugin host, which cleans what plugins return.
pub use hashtrack_domain::text_safety;
pub use hashtrack_plugin_host as plugin;

pub mod alerts;
pub mod api;
pub mod client_reports;
pub mod config;
pub mod export;
pub mod language;
pub mod pipeline;
pub mod report;
pub mod schedule;
pub mod scorecard;
pub mod store;
pub mod tokens;

#[cfg(test)]
mod fixtures;
