//! hashtrack: tracks TikTok hashtag campaigns for marketing agencies.
//!
//! Data flows one way: `config` → `pipeline` (with `api` under one rate limiter) → `store`
//! (raw snapshots in sled) → `plugin` (wasm sentiment scorer and alert rules) → `report`.
//! `sim` is a faithful simulator of the provider's API, used by the demo and the tests.

pub mod domain;
pub mod plugin;
pub mod sim;
