//! hashtrack: tracks TikTok hashtag campaigns for marketing agencies.
//!
//! Data flows one way: `config` → `pipeline` (with `api` under one rate limiter) → `store`
//! (raw snapshots in sled) → `plugin` (wasm sentiment scorer and alert rules) → `report`.
//! `sim` is a faithful simulator of the provider's API, used by the demo and the tests, with
//! its truth; `scorecard` judges what the pipeline reported against that truth (`evaluate`);
//! `sentiment_eval` measures scorers against human-labelled sentences.

pub mod alerts;
pub mod api;
pub mod config;
pub mod domain;
pub mod export;
pub mod pipeline;
pub mod plugin;
pub mod report;
pub mod scorecard;
pub mod sentiment_eval;
pub mod sim;
pub mod store;
