//! Shared set-up: a simulator on a free port, a campaigns.toml pointing at it, a pipeline with
//! the built-in plugins (compiled once into a cache shared by the tests).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hashtrack::api::{ApiClient, ApiKey, RetryPolicy};
use hashtrack::config::Config;
use hashtrack::pipeline::{Clock, Pipeline};
use hashtrack::plugin::PluginHost;
use hashtrack::store::Store;
use hashtrack_sim::{SimConfig, SimServer};

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

/// One campaign of a test's campaigns.toml, built in code (never TOML edited as text).
#[derive(Debug, Clone)]
pub struct Campaign {
    id: String,
    client: String,
    hashtags: Vec<String>,
    videos: u32,
    sentiment_videos: u32,
    comments_per_video: u32,
    budget: Option<u32>,
    sentiment: Plugin,
    alerts: Plugin,
    side_by_side: Vec<Plugin>,
    compare: Vec<String>,
    languages: Vec<String>,
    /// `[sentiment.<language>]` tables.
    language_sentiment: Vec<(String, Plugin)>,
}

/// A campaign tracking `hashtags`, with small test defaults (30 videos, 2 sentiment videos, 50
/// comments each) and the built-in plugins.
pub fn campaign(id: &str, hashtags: &[&str]) -> Campaign {
    Campaign {
        id: id.to_string(),
        client: "acme".to_string(),
        hashtags: hashtags.iter().map(|t| t.to_string()).collect(),
        videos: 30,
        sentiment_videos: 2,
        comments_per_video: 50,
        budget: None,
        compare: Vec::new(),
        sentiment: Plugin::default(),
        alerts: Plugin::default(),
        side_by_side: Vec::new(),
        languages: Vec::new(),
        language_sentiment: Vec::new(),
    }
}

impl Campaign {
    /// Its client (default `acme`); others are written with [`ConfigFile::write_with_clients`].
    pub fn client(self, client: &str) -> Self {
        Campaign {
            client: client.to_string(),
            ..self
        }
    }

    pub fn videos(self, videos: u32) -> Self {
        Campaign { videos, ..self }
    }

    pub fn sentiment_videos(self, sentiment_videos: u32) -> Self {
        Campaign {
            sentiment_videos,
            ..self
        }
    }

    pub fn comments_per_video(self, comments_per_video: u32) -> Self {
        Campaign {
            comments_per_video,
            ..self
        }
    }

    /// Competitors' hashtags (`compare`).
    pub fn compare(self, hashtags: &[&str]) -> Self {
        Campaign {
            compare: hashtags.iter().map(|t| t.to_string()).collect(),
            ..self
        }
    }

    /// The campaign's `daily_credit_budget`.
    pub fn budget(self, credits: u32) -> Self {
        Campaign {
            budget: Some(credits),
            ..self
        }
    }

    pub fn sentiment(self, sentiment: Plugin) -> Self {
        Campaign { sentiment, ..self }
    }

    pub fn alerts(self, alerts: Plugin) -> Self {
        Campaign { alerts, ..self }
    }

    /// Several alert plugins (`[alerts] plugins = [...]`), each with its own settings table;
    /// `alerts` then only gives the list's limits and `disable`.
    pub fn alert_plugins(self, side_by_side: Vec<Plugin>) -> Self {
        Campaign {
            side_by_side,
            ..self
        }
    }

    pub fn alert_setting(self, key: &str, value: impl Into<toml::Value>) -> Self {
        let alerts = self.alerts.clone().setting(key, value);
        Campaign { alerts, ..self }
    }

    pub fn sentiment_setting(self, key: &str, value: impl Into<toml::Value>) -> Self {
        let sentiment = self.sentiment.clone().setting(key, value);
        Campaign { sentiment, ..self }
    }

    /// The languages it declares (default: English).
    pub fn languages(self, languages: &[&str]) -> Self {
        let languages = languages.iter().map(|l| l.to_string()).collect();
        Campaign { languages, ..self }
    }

    /// `language`'s own scorer (`[sentiment.<language>]`).
    pub fn language_sentiment(mut self, language: &str, sentiment: Plugin) -> Self {
        self.language_sentiment
            .push((language.to_string(), sentiment));
        self
    }

    fn to_toml(&self) -> toml::Table {
        let mut table = toml::Table::new();
        table.insert("id".into(), self.id.clone().into());
        if !self.languages.is_empty() {
            table.insert("languages".into(), self.languages.clone().into());
        }
        table.insert("client".into(), self.client.clone().into());
        table.insert("hashtags".into(), self.hashtags.clone().into());
        if !self.compare.is_empty() {
            table.insert("compare".into(), self.compare.clone().into());
        }
        table.insert("videos".into(), i64::from(self.videos).into());
        table.insert(
            "sentiment_videos".into(),
            i64::from(self.sentiment_videos).into(),
        );
        table.insert(
            "comments_per_video".into(),
            i64::from(self.comments_per_video).into(),
        );
        if let Some(budget) = self.budget {
            table.insert("daily_credit_budget".into(), i64::from(budget).into());
        }
        let mut sentiment = self.sentiment.to_toml();
        for (language, plugin) in &self.language_sentiment {
            sentiment.insert(language.clone(), plugin.to_toml().into());
        }
        table.insert("sentiment".into(), sentiment.into());
        let mut alerts = self.alerts.to_toml();
        if !self.side_by_side.is_empty() {
            let mut settings = toml::Table::new();
            let mut files = Vec::new();
            for plugin in &self.side_by_side {
                let file = plugin.file.clone().unwrap_or_else(|| "builtin".into());
                let name = Path::new(&file).file_stem().unwrap().to_string_lossy();
                settings.insert(name.into_owned(), plugin.settings.clone().into());
                files.push(toml::Value::from(file));
            }
            alerts.insert("plugins".into(), files.into());
            alerts.insert("settings".into(), settings.into());
        }
        table.insert("alerts".into(), alerts.into());
        table
    }
}

/// A campaign's plugin table: the built-in plugin unless `file` is set.
#[derive(Debug, Clone, Default)]
pub struct Plugin {
    file: Option<String>,
    limits: Vec<(&'static str, i64)>,
    settings: toml::Table,
    /// Any other key of the table (`disable`).
    other: toml::Table,
}

impl Plugin {
    /// A component file (any path; relative ones are relative to campaigns.toml).
    pub fn file(path: impl Into<String>) -> Plugin {
        Plugin {
            file: Some(path.into()),
            ..Plugin::default()
        }
    }

    pub fn memory_mib(self, mib: i64) -> Self {
        self.limit("memory_mib", mib)
    }

    pub fn fuel(self, fuel: i64) -> Self {
        self.limit("fuel", fuel)
    }

    pub fn timeout_ms(self, ms: i64) -> Self {
        self.limit("timeout_ms", ms)
    }

    /// Another key of the plugin's table, e.g. `disable`.
    pub fn with(mut self, key: &str, value: impl Into<toml::Value>) -> Self {
        self.other.insert(key.into(), value.into());
        self
    }

    pub fn setting(mut self, key: &str, value: impl Into<toml::Value>) -> Self {
        self.settings.insert(key.into(), value.into());
        self
    }

    fn limit(mut self, key: &'static str, value: i64) -> Self {
        self.limits.push((key, value));
        self
    }

    fn to_toml(&self) -> toml::Table {
        let mut table = toml::Table::new();
        if let Some(file) = &self.file {
            table.insert("plugin".into(), file.clone().into());
        }
        for (key, value) in &self.limits {
            table.insert((*key).into(), (*value).into());
        }
        table.insert("settings".into(), self.settings.clone().into());
        table.extend(self.other.clone());
        table
    }
}

/// A whole test campaigns.toml: one client (`acme`), its campaigns.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub base_url: String,
    pub requests_per_minute: u32,
    /// The client's `daily_credit_budget`.
    pub client_budget: Option<u32>,
    pub campaigns: Vec<Campaign>,
    /// `[sinks.NAME]` tables, and the ones the client (`acme`) uses.
    pub sinks: toml::Table,
    pub client_sinks: Vec<String>,
}

/// A client beside `acme`, with its own API account where it names one.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub id: &'static str,
    pub api_key_env: Option<&'static str>,
    pub requests_per_minute: Option<u32>,
}

impl ConfigFile {
    /// Writes campaigns.toml in `dir` (its store goes to `dir/data`).
    pub fn write(&self, dir: &Path) -> PathBuf {
        self.write_with_clients(dir, &[])
    }

    /// Writes campaigns.toml in `dir` with `clients` beside `acme`.
    pub fn write_with_clients(&self, dir: &Path, others: &[Client]) -> PathBuf {
        let mut settings = toml::Table::new();
        settings.insert("api_base_url".into(), self.base_url.clone().into());
        settings.insert(
            "requests_per_minute".into(),
            i64::from(self.requests_per_minute).into(),
        );
        settings.insert("data_dir".into(), "data".into());
        let mut client = toml::Table::new();
        client.insert("name".into(), "Acme".into());
        if let Some(budget) = self.client_budget {
            client.insert("daily_credit_budget".into(), i64::from(budget).into());
        }
        if !self.client_sinks.is_empty() {
            client.insert("sinks".into(), self.client_sinks.clone().into());
        }
        let mut clients = toml::Table::new();
        clients.insert("acme".into(), client.into());
        for other in others {
            let mut client = toml::Table::new();
            if let Some(key_env) = other.api_key_env {
                client.insert("api_key_env".into(), key_env.into());
            }
            if let Some(rpm) = other.requests_per_minute {
                client.insert("requests_per_minute".into(), i64::from(rpm).into());
            }
            clients.insert(other.id.into(), client.into());
        }
        let mut config = toml::Table::new();
        config.insert("settings".into(), settings.into());
        config.insert("clients".into(), clients.into());
        if !self.sinks.is_empty() {
            config.insert("sinks".into(), self.sinks.clone().into());
        }
        let campaigns: Vec<toml::Value> =
            self.campaigns.iter().map(|c| c.to_toml().into()).collect();
        config.insert("campaigns".into(), campaigns.into());
        let path = dir.join("campaigns.toml");
        std::fs::write(&path, toml::to_string(&config).unwrap()).unwrap();
        path
    }
}

/// campaigns.toml in `dir` for `campaigns` of one client, against the API at `base_url`.
pub fn write_config(
    dir: &Path,
    base_url: &str,
    requests_per_minute: u32,
    campaigns: &[Campaign],
) -> PathBuf {
    ConfigFile {
        base_url: base_url.to_string(),
        requests_per_minute,
        client_budget: None,
        campaigns: campaigns.to_vec(),
        sinks: toml::Table::new(),
        client_sinks: Vec::new(),
    }
    .write(dir)
}

/// The `hashtrack` binary, with the shared plugin cache, the shared plugin build tools and
/// no inherited log filter.
pub fn hashtrack() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_hashtrack"));
    cmd.env_remove("RUST_LOG").envs(kit_env());
    cmd
}

/// What `plugin build` needs in tests: the tools directory `build-examples.sh` also installs
/// into (`target/plugin-tools`), one cargo target directory for every Rust plugin project
/// (wit-bindgen is compiled once), and the shared plugin cache.
pub fn kit_env() -> [(&'static str, PathBuf); 3] {
    let target_tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = target_tmp
        .parent()
        .expect("CARGO_TARGET_TMPDIR is target/tmp");
    [
        ("HASHTRACK_PLUGIN_CACHE", plugin_cache()),
        ("HASHTRACK_PLUGIN_TOOLS", target.join("plugin-tools")),
        ("CARGO_TARGET_DIR", target_tmp.join("plugin-projects")),
    ]
}

/// `hashtrack run` of 2026-11-01 (today's data filed under it) with [`TEST_KEY`], its stderr
/// piped.
pub fn run_command(config: &Path) -> std::process::Command {
    let mut cmd = hashtrack();
    cmd.args(["run", "--config", config.to_str().unwrap()])
        .args(["--date", "2026-11-01", "--allow-other-date"])
        .env("SCAVIO_API_KEY", TEST_KEY)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    cmd
}

/// Runs `hashtrack ARGS` with `key` as the API key: exit code, stdout, stderr.
pub fn run_cli(args: &[&str], key: &str) -> (i32, String, String) {
    let out = hashtrack()
        .args(args)
        .env("SCAVIO_API_KEY", key)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The plugin cache every test shares, so each built-in component is compiled once.
pub fn plugin_cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plugin-cache")
}

pub struct Setup {
    pub pipeline: Pipeline,
    pub store: Arc<Store>,
}

impl Setup {
    /// Runs `day` (`YYYY-MM-DD`) for every campaign.
    pub async fn run(&self, day: &str) -> hashtrack::pipeline::RunSummary {
        self.pipeline
            .run_day(date(day), &[], &|_| {})
            .await
            .unwrap()
    }
}

/// A pipeline over `config_path` with the store in `dir/data`, talking to the configured API,
/// collecting each date at its noon (the simulator serves the date being run, as cron would).
pub fn setup(config_path: &Path, key: &str) -> Setup {
    setup_with_clock(config_path, key, Clock::NoonOfRunDate)
}

/// [`setup`] with another clock (`Clock::System`: a run now, whatever the date).
pub fn setup_with_clock(config_path: &Path, key: &str, clock: Clock) -> Setup {
    let base_url = Config::load(config_path).unwrap().settings.api_base_url;
    pipeline_setup(config_path, clock, &|_| (base_url.clone(), key.to_string()))
}

/// A pipeline over `config_path` paying with one client per key the campaigns use, each built
/// from `endpoint(key variable)`: the base URL and key of that account's API. Each client is
/// paced at its key's configured rate.
pub fn setup_with_keys(config_path: &Path, endpoint: &dyn Fn(&str) -> (String, String)) -> Setup {
    pipeline_setup(config_path, Clock::NoonOfRunDate, endpoint)
}

fn pipeline_setup(
    config_path: &Path,
    clock: Clock,
    endpoint: &dyn Fn(&str) -> (String, String),
) -> Setup {
    let config = Arc::new(Config::load(config_path).unwrap());
    let store = Arc::new(Store::open(&config.settings.data_dir.join("store")).unwrap());
    let apis: Vec<ApiClient> = config
        .accounts_of(&config.campaigns)
        .into_iter()
        .map(|account| {
            let (base_url, key) = endpoint(&account.key_env);
            ApiClient::new(
                &base_url,
                ApiKey::new(key),
                &account.key_env,
                account.requests_per_minute,
                Duration::from_secs(5),
                FAST_RETRY,
            )
            .unwrap()
        })
        .collect();
    let host = PluginHost::new(Some(plugin_cache())).unwrap();
    let pipeline = Pipeline::new(config, store.clone(), &host, apis).with_clock(clock);
    Setup { pipeline, store }
}

/// A simulator and a campaigns.toml pointing at it (`requests_per_minute`, these campaigns) in
/// a temporary directory, which is removed when the returned `TempDir` is dropped.
pub async fn configured_sim(
    sim: SimConfig,
    requests_per_minute: u32,
    campaigns: &[Campaign],
) -> (SimServer, tempfile::TempDir, PathBuf) {
    let sim = start_sim(sim).await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_config(dir.path(), &sim.base_url(), requests_per_minute, campaigns);
    (sim, dir, config_path)
}

/// A simulator, a campaigns.toml pointing at it in a temporary directory, and a pipeline.
pub struct Rig {
    pub sim: SimServer,
    pub config_path: PathBuf,
    pub setup: Setup,
    /// Kept alive for the test's duration; removed on drop.
    pub dir: tempfile::TempDir,
}

pub async fn rig(
    sim: SimConfig,
    requests_per_minute: u32,
    campaigns: &[Campaign],
    key: &str,
) -> Rig {
    let (sim, dir, config_path) = configured_sim(sim, requests_per_minute, campaigns).await;
    let setup = setup(&config_path, key);
    Rig {
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

/// Runs `command` to its end and fails the test, with its stderr, unless it succeeded.
pub fn run_ok(command: &mut std::process::Command) -> std::process::Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The repository's top directory. The integration tests belong to `crates/cli` (the package
/// that builds the binary they run), so that is two levels above its manifest.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository holds crates/cli")
}

/// A file of `tests/integration/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/integration/fixtures").join(name)
}

/// Day `n` (counting from 1) of the default simulator's calendar.
pub fn sim_day(n: u64) -> chrono::NaiveDate {
    SimConfig::default().start_date + chrono::Days::new(n - 1)
}

/// Plugin settings, as campaigns.toml hands them to a plugin.
pub fn settings(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

/// The facts of `campaign` on `date` (YYYY-MM-DD) with nothing known: tests set what they need.
pub fn day_facts(campaign: &str, date: &str) -> hashtrack::domain::DayFacts {
    hashtrack::domain::DayFacts {
        campaign_id: campaign.to_string(),
        date: Some(date.parse().unwrap()),
        ..Default::default()
    }
}

/// New views estimated from the tracked videos' exact plays: `per_day` at least, up to
/// `per_day_high`, from `compared` videos seen both days.
pub fn tracked_growth(
    per_day: f64,
    per_day_high: Option<f64>,
    compared: u32,
) -> hashtrack::domain::ViewGrowth {
    hashtrack::domain::ViewGrowth {
        span_days: 1,
        per_day,
        per_day_low: per_day,
        per_day_high,
        totals_change: None,
        totals_step: None,
        tracked_change: per_day as u64,
        tracked_compared: compared,
        basis: hashtrack::domain::GrowthBasis::TrackedVideos,
    }
}

/// The ids of the alerts `rules` raise for `campaign` on `today` after `history`.
pub fn rules_raised(
    rules: &hashtrack::plugin::AlertRules,
    campaign: &str,
    settings: &[(String, String)],
    today: &hashtrack::domain::DayFacts,
    history: &[hashtrack::domain::DayFacts],
) -> Vec<String> {
    rules
        .evaluate(campaign, settings, today, history)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|alert| alert.rule)
        .collect()
}

/// Comments with these texts, ids `c0`, `c1`...
pub fn comments<S: AsRef<str>>(texts: &[S]) -> Vec<hashtrack::domain::Comment> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| hashtrack::domain::Comment::from_text(format!("c{i}"), text.as_ref()))
        .collect()
}

/// A demo store of the shipped campaigns.toml (`days` simulated days) in a temporary
/// directory, the data in `data/` beside the copied config.
pub fn demo_store(days: u32) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = crate::util::repo();
    for file in [
        "campaigns.toml",
        "docs/agency-logo.svg",
        "plugins/lexicons/glowco.txt",
        "plugins/lexicons/glowco-pt.txt",
        "plugins/lexicons/snackhaus.txt",
    ] {
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo.join(file), to).unwrap();
    }
    let config = dir.path().join("campaigns.toml");
    run_ok(
        hashtrack()
            .args(["demo", "--days", &days.to_string(), "--data-dir"])
            .arg(dir.path().join("data"))
            .arg("--config")
            .arg(&config),
    );
    (dir, config)
}

/// A real SMTP server (`fixtures/smtp_server.py`, aiosmtpd) on 127.0.0.1 requiring AUTH with
/// `user` and `password`; each message it accepts is saved as a `.eml` file. Stopped on drop.
pub struct SmtpReceiver {
    pub port: u16,
    server: std::process::Child,
    dir: tempfile::TempDir,
}

impl SmtpReceiver {
    pub async fn start(user: &str, password: &str) -> SmtpReceiver {
        use std::io::BufRead;
        let python = tokio::task::spawn_blocking(aiosmtpd_python).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut server = std::process::Command::new(python)
            .arg(fixture("smtp_server.py"))
            .arg(dir.path())
            .args([user, password])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse::<u16>()
            .expect("the SMTP server prints its port");
        SmtpReceiver { port, server, dir }
    }

    /// The messages received so far, oldest first.
    pub fn mails(&self) -> Vec<PathBuf> {
        let mut mails: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        mails.sort();
        mails
    }
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// A Python with aiosmtpd, in a virtual environment under target/ made on first use.
fn aiosmtpd_python() -> PathBuf {
    let tools = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-tools");
    std::fs::create_dir_all(&tools).unwrap();
    let lock = std::fs::File::create(tools.join(".lock")).unwrap();
    lock.lock().unwrap();
    let venv = tools.join("aiosmtpd");
    let python = venv.join("bin/python");
    let ready = std::process::Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        let _ = std::fs::remove_dir_all(&venv);
        let made = std::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .unwrap();
        assert!(made.success(), "python3 -m venv failed");
        let installed = std::process::Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "aiosmtpd==1.4.6",
            ])
            .status()
            .unwrap();
        assert!(installed.success(), "pip install aiosmtpd failed");
    }
    python
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
