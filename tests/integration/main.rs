//! Integration tests: real HTTP against the simulated API on 127.0.0.1, real sled stores in
//! temporary directories, real wasm components. One test binary (one link of wasmtime).

mod util;

mod alert_delivery;
mod cli;
mod collector;
mod credits;
mod example_plugins;
mod export;
mod faults;
mod guide;
mod hostile_plugins;
mod html_report;
mod keys;
mod plugin_cli;
mod plugin_kit;
mod plugin_sandbox;
mod rescore;
mod sentiment_quality;
mod signals;
mod store_size;
