//! Integration tests: real HTTP against the simulated API on 127.0.0.1, real sled stores in
//! temporary directories, real wasm components. One test binary (one link of wasmtime).
//!
//! The plugins written in Python and JavaScript (the examples, the kit's Python and JS
//! templates, and the plugin guide, which builds a JS plugin) need componentize-py and
//! componentize-js, installed on first use: they run with `--features python-js`, which
//! `.ci/run` passes. Without it the suite needs only Rust.

mod util;

mod alert_delivery;
mod bounded_waits;
mod cli;
mod collector;
mod config_reads;
mod credits;
mod devtools;
mod evaluate;
mod event_time;
#[cfg(feature = "python-js")]
mod example_plugins;
mod export;
mod faults;
#[cfg(feature = "python-js")]
mod guide;
mod hostile_output;
mod hostile_plugins;
mod html_report;
mod keys;
mod languages;
mod layout;
mod plugin_cli;
mod plugin_kit;
mod plugin_sandbox;
mod rescore;
mod sentiment_quality;
mod serve;
mod signals;
mod start_anywhere;
mod store_size;
