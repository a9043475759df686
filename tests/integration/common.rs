//! Shared set-up: a simulator on a free port, a campaigns.toml pointing at it, a pipeline with
//! the built-in plugins (compiled once into a cache shared by the tests).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hashtrack::api::{ApiClient, ApiKey, RetryPolicy};
use hashtrack::config::Config;
use hashtrack::pipeline::{Clock, Pipeline};
use hashtrack::plugin::PluginHost;
use hashtrack::sim::{SimConfig, SimServer};
use hashtrack::store::Store;

pub const TEST_KEY: &str = "test-key-d41d8cd98f00b204";

/// Retries fast enough for tests, the same policy otherwise.
pub const FAST_RETRY: RetryPolicy = RetryPolicy {
    max_attempts: 4,
    base_backoff: Duration::from_millis(20),
    max_backoff: Duration::from_millis(200),
};

pub async fn start_sim(config: SimConfig) -> SimServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    SimServer::start(listener, config).await.unwrap()
}

/// A simulator that never rate-limits and has plenty of credits, keyed with [`TEST_KEY`].
pub fn roomy_sim() -> SimConfig {
    SimConfig {
        requests_per_window: 10_000,
        window: Duration::from_secs(1),
        credits: 100_000,
        api_key: Some(TEST_KEY.to_string()),
        ..SimConfig::default()
    }
}

/// One client, one campaign per `(id, hashtags, extra lines)`; writes campaigns.toml in `dir`.
pub fn write_config(
    dir: &Path,
    base_url: &str,
    requests_per_minute: u32,
    campaigns: &[(&str, &[&str], &str)],
) -> PathBuf {
    let mut text = format!(
        "[settings]\napi_base_url = \"{base_url}\"\nrequests_per_minute = {requests_per_minute}\ndata_dir = \"data\"\n\n[clients.acme]\nname = \"Acme\"\n"
    );
    for (id, tags, extra) in campaigns {
        let tags = tags
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", ");
        text.push_str(&format!(
            "\n[[campaigns]]\nid = \"{id}\"\nclient = \"acme\"\nhashtags = [{tags}]\n"
        ));
        // Defaults first: `extra` may open a sub-table, after which no campaign key may follow.
        for default in [
            "videos = 30",
            "sentiment_videos = 2",
            "comments_per_video = 50",
        ] {
            let key = default.split(' ').next().unwrap();
            if !extra.lines().any(|l| l.starts_with(&format!("{key} "))) {
                text.push_str(&format!("{default}\n"));
            }
        }
        text.push_str(&format!("{extra}\n"));
    }
    let path = dir.join("campaigns.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The plugin cache every test shares, so each built-in component is compiled once.
pub fn plugin_cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plugin-cache")
}

pub struct Setup {
    pub pipeline: Pipeline,
    pub store: Arc<Store>,
}

/// A pipeline over `config_path` with the store in `dir/data`, talking to the configured API,
/// collecting each date at its noon (the simulator serves the date being run, as cron would).
pub fn setup(config_path: &Path, key: &str) -> Setup {
    setup_with_clock(config_path, key, Clock::NoonOfRunDate)
}

/// [`setup`] with another clock (`Clock::System`: a run now, whatever the date).
pub fn setup_with_clock(config_path: &Path, key: &str, clock: Clock) -> Setup {
    let config = Arc::new(Config::load(config_path).unwrap());
    let store = Arc::new(Store::open(&config.settings.data_dir.join("store")).unwrap());
    let s = &config.settings;
    let api = ApiClient::new(
        &s.api_base_url,
        ApiKey::new(key),
        &s.api_key_env,
        s.requests_per_minute,
        Duration::from_secs(5),
        FAST_RETRY,
    )
    .unwrap();
    let host = PluginHost::new(Some(plugin_cache())).unwrap();
    let pipeline = Pipeline::new(config, store.clone(), &host, Some(api)).with_clock(clock);
    Setup { pipeline, store }
}

/// A simulator, a campaigns.toml pointing at it in a temporary directory, and a pipeline.
pub struct World {
    pub sim: SimServer,
    pub config_path: PathBuf,
    pub setup: Setup,
    /// Kept alive for the test's duration; removed on drop.
    pub dir: tempfile::TempDir,
}

pub async fn world(
    sim: SimConfig,
    requests_per_minute: u32,
    campaigns: &[(&str, &[&str], &str)],
    key: &str,
) -> World {
    let sim = start_sim(sim).await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_config(dir.path(), &sim.base_url(), requests_per_minute, campaigns);
    let setup = setup(&config_path, key);
    World {
        sim,
        config_path,
        setup,
        dir,
    }
}

/// A re-scoring pipeline (no API client) over `store`, with the configuration now in
/// `config_path`.
pub fn rescorer(config_path: &Path, store: Arc<Store>) -> Pipeline {
    let config = Arc::new(Config::load(config_path).unwrap());
    let host = PluginHost::new(Some(plugin_cache())).unwrap();
    Pipeline::new(config, store, &host, None).with_clock(Clock::NoonOfRunDate)
}

pub fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// Comments with these texts, ids `c0`, `c1`...
pub fn comments<S: AsRef<str>>(texts: &[S]) -> Vec<hashtrack::domain::Comment> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| hashtrack::domain::Comment::from_text(format!("c{i}"), text.as_ref()))
        .collect()
}
