//! `campaigns.toml`: parsing, validation and the resolved, typed configuration.
//!
//! Owns the file format and its error messages (every error names the file, and the line and
//! column where the file says something wrong). Does not read lexicon or plugin files' meaning:
//! it only resolves their paths and reads `*-file` settings into text for the plugins, through
//! `files`, which keeps them inside the config's directory and caps their size.
//!
//! API accounts: `[settings]` names the default key's variable (`api_key_env`) and its plan's
//! `requests_per_minute`; a client may name its own of either. Clients naming the same variable
//! share one account, so they must agree on its rate (a key has one plan); the default key's
//! rate is `[settings]`'s. Only variable names are in the file, never keys: a value that does
//! not look like a variable name (or has lower-case letters, as keys do) is refused without
//! being echoed.

mod alerts;
mod branding;
mod files;
mod report_url;
mod reports;
mod sentiment;
mod sinks;

use alerts::resolve_alerts;
pub use alerts::{AlertPlugin, AlertsConfig, BUILTIN};
pub use branding::Branding;
use branding::{RawBranding, logo_data_uri, resolve_branding};
pub use files::{Confinement, FileRefusal};
pub use report_url::ReportUrl;
pub use reports::{MailedFormat, ScheduledReport};
use reports::{RawReports, resolve_reports};
pub use sentiment::SentimentConfig;
use sentiment::{RawSentiment, resolve_sentiment};
pub use sinks::{
    DEFAULT_COOLDOWN_DAYS, DeliveryMode, SinkConfig, SinkKind, SmtpUrlProblem, smtp_transport_url,
};
use sinks::{RawSink, is_env_name, resolve_sink_names, resolve_sinks};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

/// Where the real provider lives.
pub const DEFAULT_API_BASE: &str = "https://api.scavio.dev";
/// The environment variable holding the API key, by the provider's convention.
pub const DEFAULT_API_KEY_ENV: &str = "SCAVIO_API_KEY";
/// The provider's paid-plan limit; the free plan allows 5.
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 10;
/// Published price of one credit (sources disagree; $0.01 for the smallest top-up).
pub const DEFAULT_PRICE_PER_CREDIT_USD: f64 = 0.005;
/// The video feed's page size limit.
pub const MAX_VIDEOS_PER_PAGE: u32 = 30;
/// The comment endpoint's page size limit.
pub const MAX_COMMENTS_PER_PAGE: u32 = 50;
/// The feed is capped upstream at a few hundred videos.
pub const MAX_TRACKED_VIDEOS: u32 = 300;
/// Videos whose comments are read each day (`sentiment_videos`): the most-viewed few carry
/// most of the conversation, and each costs a credit per page.
pub const DEFAULT_SENTIMENT_VIDEOS: u32 = 3;
/// Campaign days are calendar days in this zone unless `[settings] time_zone` says otherwise.
pub const DEFAULT_TIME_ZONE: Tz = Tz::UTC;
/// How long one API request may take (`request_timeout_secs`).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one alert delivery pass may take over all its sinks (`delivery_deadline_secs`).
pub const DEFAULT_DELIVERY_DEADLINE: Duration = Duration::from_secs(120);
/// Where stores and reports go (`data_dir`), relative to the config file.
pub const DEFAULT_DATA_DIR: &str = "hashtrack-data";
/// A `KEY-file` setting's file larger than this is a mistake (a lexicon is kilobytes), and
/// its text is held by every plugin call.
pub const MAX_SETTING_FILE_BYTES: u64 = 10_000_000;

/// A bad configuration file, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {error} (pass --config FILE to use another file)")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

/// The whole resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from (errors and relative paths refer to it).
    pub path: PathBuf,
    pub settings: GlobalSettings,
    pub clients: BTreeMap<String, ClientConfig>,
    pub campaigns: Vec<CampaignConfig>,
    /// Where alerts go, by name.
    pub sinks: BTreeMap<String, SinkConfig>,
}

/// Settings that apply to the whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalSettings {
    pub api_base_url: String,
    pub api_key_env: String,
    pub requests_per_minute: u32,
    pub price_per_credit_usd: f64,
    pub data_dir: PathBuf,
    pub time_zone: Tz,
    pub request_timeout: Duration,
    /// How long one alert delivery pass may take; what is not sent by then waits for the next.
    pub delivery_deadline: Duration,
    /// How much memory the store's page cache may take (`store_cache_mib`).
    pub store_cache_mib: u64,
    /// The agency's name, logo and colour on client reports.
    pub branding: Branding,
    /// Whether files the config names may lie outside its directory, and `file` sinks write
    /// outside `data_dir` (`allow_outside`; off by default).
    pub allow_outside: bool,
    /// Where a campaign-day's report is published (`report_url`): alert messages link to it.
    pub report_url: Option<ReportUrl>,
    /// When `serve` collects each day, in `time_zone` (`collect_at`, default 06:00).
    pub collect_at: crate::schedule::CollectAt,
}

/// One agency client: a name, the API account its campaigns are paid with, and an optional
/// daily credit budget shared by its campaigns.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub id: String,
    pub name: String,
    /// Its own `api_key_env` and `requests_per_minute`, else `[settings]`'s.
    pub account: ApiAccount,
    pub daily_credit_budget: Option<u32>,
    /// The sinks its campaigns' alerts go to (unless a campaign names its own).
    pub sinks: Vec<String>,
    /// Its logo (`logo_file`) as a `data:` URI, shown on its reports beside the agency's.
    pub logo_data_uri: Option<String>,
    /// The report `serve` emails it on a schedule (`[clients.X.reports]`).
    pub reports: Option<ScheduledReport>,
}

/// One API account: the variable holding its key, and its plan's rate. Named by the variable
/// everywhere (logs, reports, the store): the key itself is read only to make requests.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiAccount {
    pub key_env: String,
    pub requests_per_minute: u32,
}

/// One tracked campaign.
#[derive(Debug, Clone)]
pub struct CampaignConfig {
    pub id: String,
    /// What reports and messages call it (`name`; the id when not given).
    pub name: String,
    pub client: String,
    /// Without the `#`, lower-case: what the API is asked for.
    pub hashtags: Vec<String>,
    /// The same hashtags as configured (capitals kept, no `#`): what people read.
    pub hashtag_labels: Vec<String>,
    /// The languages its comments are expected in (ISO 639-1, `languages`; default English):
    /// language detection chooses among them (and the common ones, to tell what is not).
    pub languages: Vec<String>,
    /// Competitors' hashtags, collected at the info level (1 credit each a day) for share of
    /// voice; same spelling rules.
    pub compare: Vec<String>,
    /// How many videos of each hashtag's feed to track.
    pub videos: u32,
    /// How many of the most-played tracked videos get their comments collected.
    pub sentiment_videos: u32,
    pub comments_per_video: u32,
    pub daily_credit_budget: Option<u32>,
    pub sentiment: SentimentConfig,
    pub alerts: AlertsConfig,
    /// Sinks for this campaign's alerts instead of its client's (list the client's too to add).
    pub sinks: Option<Vec<String>>,
}

/// Which plugin a campaign uses for one job, its limits and its per-brand settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginConfig {
    /// `None` means the built-in default plugin.
    pub wasm_file: Option<PathBuf>,
    pub memory_mib: Option<u32>,
    pub fuel: Option<u64>,
    pub timeout_ms: Option<u64>,
    /// Passed to the plugin as they are, in key order; `*-file` keys already read.
    pub settings: Vec<(String, String)>,
}

impl GlobalSettings {
    /// A word about a `time_zone` that names a fixed offset (`EST`, `Etc/GMT+5`): it never
    /// changes for daylight saving, so half the year its days start an hour off the local
    /// clock its name suggests. `None` for a place's zone, and for UTC, which is meant as is.
    pub fn time_zone_warning(&self) -> Option<String> {
        use chrono::{NaiveDate, Offset, TimeZone};
        let tz = self.time_zone;
        let name = tz.name();
        let offset_on = |month| {
            let day = NaiveDate::from_ymd_opt(2026, month, 1).expect("a valid date");
            tz.offset_from_utc_date(&day).fix()
        };
        let (winter, summer) = (offset_on(1), offset_on(7));
        let named_by_offset = !name.contains('/') || name.starts_with("Etc/");
        (named_by_offset && winter == summer && winter.local_minus_utc() != 0).then(|| {
            format!(
                "time_zone \"{name}\" is a fixed offset (UTC{winter} all year, no daylight saving); for a place's local days name the place, e.g. \"America/New_York\""
            )
        })
    }
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        Config::parse(path, &text)
    }

    /// Parses configuration text; `path` is used for messages and relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let located = Locator { path, text };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            located.error(e.span().unwrap_or(0..0), e.message().trim_end().to_string())
        })?;
        resolve(raw, &located)
    }

    pub fn campaign(&self, id: &str) -> Option<&CampaignConfig> {
        self.campaigns.iter().find(|c| c.id == id)
    }

    /// The account a campaign's requests are paid with: its client's.
    pub fn account_of(&self, campaign: &CampaignConfig) -> ApiAccount {
        self.clients.get(&campaign.client).map_or_else(
            || ApiAccount {
                key_env: self.settings.api_key_env.clone(),
                requests_per_minute: self.settings.requests_per_minute,
            },
            |c| c.account.clone(),
        )
    }

    /// The distinct accounts `campaigns` are paid with, by variable name.
    pub fn accounts_of<'a>(
        &self,
        campaigns: impl IntoIterator<Item = &'a CampaignConfig>,
    ) -> Vec<ApiAccount> {
        let mut accounts: Vec<ApiAccount> =
            campaigns.into_iter().map(|c| self.account_of(c)).collect();
        accounts.sort();
        accounts.dedup();
        accounts
    }

    /// The sinks a campaign's alerts go to: its own list, else its client's.
    /// Per sink `campaigns` send to, the variables it needs that are not set (or empty):
    /// their alerts could not be delivered. Never the values.
    pub fn unset_sink_variables(&self, campaigns: &[CampaignConfig]) -> Vec<String> {
        let mut sinks: Vec<&SinkConfig> =
            campaigns.iter().flat_map(|c| self.sinks_for(c)).collect();
        sinks.sort_by(|a, b| a.name.cmp(&b.name));
        sinks.dedup_by(|a, b| a.name == b.name);
        sinks
            .iter()
            .flat_map(|sink| {
                sink.kind
                    .env_vars()
                    .into_iter()
                    .filter(|var| std::env::var_os(var).is_none_or(|v| v.is_empty()))
                    .map(move |var| {
                        format!(
                            "sink '{}' ({}): ${var} is not set, so its alerts cannot be delivered",
                            sink.name,
                            sink.kind.label()
                        )
                    })
            })
            .collect()
    }

    pub fn sinks_for(&self, campaign: &CampaignConfig) -> Vec<&SinkConfig> {
        let names = match &campaign.sinks {
            Some(own) => own.as_slice(),
            None => self
                .clients
                .get(&campaign.client)
                .map_or(&[][..], |c| c.sinks.as_slice()),
        };
        names.iter().filter_map(|n| self.sinks.get(n)).collect()
    }
}

/// Turns byte spans into `file:line:column` errors.
struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Locator<'_> {
    fn error(&self, span: Range<usize>, message: impl fmt::Display) -> ConfigError {
        let before = &self.text[..span.start.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            message: message.to_string(),
        }
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    settings: RawSettings,
    #[serde(default)]
    clients: BTreeMap<String, RawClient>,
    #[serde(default)]
    campaigns: Vec<RawCampaign>,
    #[serde(default)]
    sinks: BTreeMap<String, RawSink>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    api_base_url: Option<String>,
    api_key_env: Option<Spanned<String>>,
    requests_per_minute: Option<Spanned<u32>>,
    price_per_credit_usd: Option<Spanned<f64>>,
    data_dir: Option<PathBuf>,
    time_zone: Option<Spanned<String>>,
    request_timeout_secs: Option<Spanned<u64>>,
    delivery_deadline_secs: Option<Spanned<u64>>,
    store_cache_mib: Option<Spanned<u64>>,
    allow_outside: Option<bool>,
    branding: Option<RawBranding>,
    report_url: Option<Spanned<String>>,
    collect_at: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClient {
    name: Option<String>,
    logo_file: Option<Spanned<String>>,
    api_key_env: Option<Spanned<String>>,
    requests_per_minute: Option<Spanned<u32>>,
    daily_credit_budget: Option<u32>,
    sinks: Option<Spanned<Vec<String>>>,
    reports: Option<Spanned<RawReports>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCampaign {
    id: Spanned<String>,
    name: Option<Spanned<String>>,
    client: Spanned<String>,
    hashtags: Spanned<Vec<String>>,
    languages: Option<Spanned<Vec<String>>>,
    compare: Option<Spanned<Vec<String>>>,
    #[serde(default = "default_videos")]
    videos: Spanned<u32>,
    #[serde(default = "default_sentiment_videos")]
    sentiment_videos: Spanned<u32>,
    #[serde(default = "default_comments_per_video")]
    comments_per_video: Spanned<u32>,
    daily_credit_budget: Option<u32>,
    #[serde(default)]
    sentiment: RawSentiment,
    #[serde(default)]
    alerts: RawPlugin,
    sinks: Option<Spanned<Vec<String>>>,
}

fn default_videos() -> Spanned<u32> {
    Spanned::new(0..0, MAX_VIDEOS_PER_PAGE)
}
fn default_sentiment_videos() -> Spanned<u32> {
    Spanned::new(0..0, DEFAULT_SENTIMENT_VIDEOS)
}
fn default_comments_per_video() -> Spanned<u32> {
    Spanned::new(0..0, MAX_COMMENTS_PER_PAGE)
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawPlugin {
    /// `"builtin"` or a path to a `.wasm` component, relative to the config file.
    plugin: Option<Spanned<String>>,
    /// `[alerts]` only: several plugins side by side (`config::alerts`).
    plugins: Option<Spanned<Vec<Spanned<String>>>>,
    /// `[alerts]` only: built-in rules switched off.
    disable: Option<Spanned<Vec<Spanned<String>>>>,
    memory_mib: Option<Spanned<u32>>,
    fuel: Option<Spanned<u64>>,
    timeout_ms: Option<Spanned<u64>>,
    #[serde(default)]
    settings: BTreeMap<String, Spanned<toml::Value>>,
}

/// Plugin limits a campaign may set: a limit of 0 could never let a call finish, and one past
/// these is a typo rather than a plan.
const PLUGIN_MEMORY_MIB: (u32, u32) = (1, 4_096);
const PLUGIN_FUEL: (u64, u64) = (1_000, 1_000_000_000_000);
const PLUGIN_TIMEOUT_MS: (u64, u64) = (10, 600_000);
/// The first bytes of every WebAssembly binary (a component included).
const WASM_MAGIC: &[u8] = b"\0asm";

fn resolve(raw: RawConfig, at: &Locator) -> Result<Config, ConfigError> {
    let settings = resolve_settings(raw.settings, at)?;
    let sinks = resolve_sinks(raw.sinks, &settings, at)?;
    let accounts = resolve_accounts(&raw.clients, &settings, at)?;
    let within = Confinement {
        dir: at.dir(),
        allow_outside: settings.allow_outside,
    };
    let mut clients = BTreeMap::new();
    for (id, c) in raw.clients {
        let owner = format!("client '{id}'");
        let client = ClientConfig {
            logo_data_uri: c
                .logo_file
                .as_ref()
                .map(|file| logo_data_uri(file, &format!("[clients.{id}]"), within, at))
                .transpose()?,
            sinks: resolve_sink_names(c.sinks, &sinks, &owner, at)?.unwrap_or_default(),
            reports: c
                .reports
                .map(|raw| resolve_reports(raw, &id, &sinks, at))
                .transpose()?,
            name: c.name.unwrap_or_else(|| id.clone()),
            account: accounts[&id].clone(),
            id: id.clone(),
            daily_credit_budget: c.daily_credit_budget,
        };
        clients.insert(id, client);
    }

    let mut seen = HashSet::new();
    let mut campaigns = Vec::with_capacity(raw.campaigns.len());
    for c in raw.campaigns {
        let id = c.id.get_ref().trim().to_string();
        if id.is_empty()
            || !id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "-_".contains(ch))
        {
            return Err(at.error(
                c.id.span(),
                "campaign id must be non-empty and use only letters, digits, '-' and '_'",
            ));
        }
        if !seen.insert(id.clone()) {
            return Err(at.error(c.id.span(), format!("campaign id '{id}' is used twice")));
        }
        if !clients.contains_key(c.client.get_ref()) {
            let known = clients.keys().cloned().collect::<Vec<_>>().join(", ");
            return Err(at.error(
                c.client.span(),
                format!(
                    "campaign '{id}' names client '{}', which has no [clients.{}] table (known: {known})",
                    c.client.get_ref(),
                    c.client.get_ref()
                ),
            ));
        }
        let hashtags = resolve_hashtags(&c.hashtags, at)?;
        let languages = resolve_languages(c.languages.as_ref(), at)?;
        campaigns.push(CampaignConfig {
            compare: match &c.compare {
                Some(tags) => {
                    let tags = resolve_hashtags(tags, at)?;
                    let own = resolve_hashtags(&c.hashtags, at)?;
                    tags.into_iter().filter(|t| !own.contains(t)).collect()
                }
                None => Vec::new(),
            },
            hashtags: hashtags.iter().map(|t| t.to_lowercase()).collect(),
            hashtag_labels: hashtags,
            sentiment: resolve_sentiment(
                c.sentiment,
                &format!("campaign '{id}'"),
                &languages,
                within,
                at,
            )?,
            languages,
            name: match &c.name {
                None => id.clone(),
                Some(name) => display_name(name, at)?,
            },
            videos: in_range(&c.videos, 1, MAX_TRACKED_VIDEOS, "videos", at)?,
            sentiment_videos: in_range(
                &c.sentiment_videos,
                0,
                MAX_TRACKED_VIDEOS,
                "sentiment_videos",
                at,
            )?,
            comments_per_video: in_range(
                &c.comments_per_video,
                1,
                10_000,
                "comments_per_video",
                at,
            )?,
            daily_credit_budget: c.daily_credit_budget,
            alerts: resolve_alerts(c.alerts, &format!("campaign '{id}'"), within, at)?,
            sinks: resolve_sink_names(c.sinks, &sinks, &format!("campaign '{id}'"), at)?,
            client: c.client.into_inner(),
            id,
        });
    }
    if campaigns.is_empty() {
        return Err(at.error(
            0..0,
            "no [[campaigns]]: nothing to track (see the shipped campaigns.toml for an example)",
        ));
    }
    Ok(Config {
        path: at.path.to_path_buf(),
        settings,
        clients,
        campaigns,
        sinks,
    })
}

/// Each client's account: its own key variable or `[settings]`'s, at the rate stated for that
/// key (by `[settings]` for its own key, else by the clients naming it, who must agree), else
/// at `[settings]`'s rate.
fn resolve_accounts(
    raw: &BTreeMap<String, RawClient>,
    settings: &GlobalSettings,
    at: &Locator,
) -> Result<BTreeMap<String, ApiAccount>, ConfigError> {
    let mut stated: BTreeMap<String, (u32, String)> = BTreeMap::new();
    stated.insert(
        settings.api_key_env.clone(),
        (settings.requests_per_minute, "[settings]".to_string()),
    );
    let mut key_envs = BTreeMap::new();
    for (id, c) in raw {
        let owner = format!("client '{id}'");
        let key_env = match &c.api_key_env {
            Some(name) => key_env_name(name, &owner, at)?,
            None => settings.api_key_env.clone(),
        };
        if let Some(rpm) = &c.requests_per_minute {
            let rate = in_range(
                rpm,
                1,
                100_000,
                &format!("{owner}: requests_per_minute"),
                at,
            )?;
            match stated.get(&key_env) {
                Some((other, by)) if *other != rate => {
                    let fix = if *by == "[settings]" {
                        "set it in [settings] for every client on that key, or give this client \
                         its own api_key_env"
                    } else {
                        "clients sharing a key share its plan: state the same rate"
                    };
                    return Err(at.error(
                        rpm.span(),
                        format!(
                            "{owner}: requests_per_minute = {rate} for the key in ${key_env}, \
                             but {by} says {other}: {fix}"
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    stated.insert(key_env.clone(), (rate, owner));
                }
            }
        }
        key_envs.insert(id.clone(), key_env);
    }
    Ok(key_envs
        .into_iter()
        .map(|(id, key_env)| {
            let requests_per_minute = stated
                .get(&key_env)
                .map_or(settings.requests_per_minute, |(rate, _)| *rate);
            (
                id,
                ApiAccount {
                    key_env,
                    requests_per_minute,
                },
            )
        })
        .collect())
}

/// The name of the variable holding an API key. A value that is not a variable name, or has
/// lower-case letters (keys do; variable names by convention do not), is most likely the key
/// itself pasted in: refused, and never echoed.
fn key_env_name(name: &Spanned<String>, owner: &str, at: &Locator) -> Result<String, ConfigError> {
    let value = name.get_ref().trim();
    if !is_env_name(value) || value.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(at.error(
            name.span(),
            format!(
                "{owner}: api_key_env must name the environment variable that holds the key \
                 (upper-case letters, digits and '_', e.g. GLOWCO_SCAVIO_KEY), not the key \
                 itself: keep keys out of the file"
            ),
        ));
    }
    Ok(value.to_string())
}

fn resolve_settings(raw: RawSettings, at: &Locator) -> Result<GlobalSettings, ConfigError> {
    let time_zone = match raw.time_zone {
        None => DEFAULT_TIME_ZONE,
        Some(tz) => tz.get_ref().parse::<Tz>().map_err(|_| {
            at.error(
                tz.span(),
                format!(
                    "unknown time zone '{}' (expected an IANA name such as \"Europe/Paris\")",
                    tz.get_ref()
                ),
            )
        })?,
    };
    let requests_per_minute = match raw.requests_per_minute {
        None => DEFAULT_REQUESTS_PER_MINUTE,
        Some(rpm) => in_range(&rpm, 1, 100_000, "requests_per_minute", at)?,
    };
    let price_per_credit_usd = match raw.price_per_credit_usd {
        None => DEFAULT_PRICE_PER_CREDIT_USD,
        Some(p) if p.get_ref().is_finite() && *p.get_ref() >= 0.0 => *p.get_ref(),
        Some(p) => return Err(at.error(p.span(), "price_per_credit_usd must be a number >= 0")),
    };
    let request_timeout = match raw.request_timeout_secs {
        None => DEFAULT_REQUEST_TIMEOUT,
        Some(t) => Duration::from_secs(in_range(&t, 1, 600, "request_timeout_secs", at)?),
    };
    let delivery_deadline = match raw.delivery_deadline_secs {
        None => DEFAULT_DELIVERY_DEADLINE,
        Some(t) => Duration::from_secs(in_range(&t, 1, 3600, "delivery_deadline_secs", at)?),
    };
    let store_cache_mib = match raw.store_cache_mib {
        None => crate::store::DEFAULT_CACHE_MIB,
        Some(mib) => in_range(&mib, 8, 64 * 1024, "store_cache_mib", at)?,
    };
    let data_dir = raw
        .data_dir
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
    let allow_outside = raw.allow_outside.unwrap_or(false);
    let within = Confinement {
        dir: at.dir(),
        allow_outside,
    };
    Ok(GlobalSettings {
        api_base_url: raw
            .api_base_url
            .unwrap_or_else(|| DEFAULT_API_BASE.to_string())
            .trim_end_matches('/')
            .to_string(),
        api_key_env: match &raw.api_key_env {
            Some(name) => key_env_name(name, "[settings]", at)?,
            None => DEFAULT_API_KEY_ENV.to_string(),
        },
        requests_per_minute,
        price_per_credit_usd,
        data_dir: at.dir().join(data_dir),
        time_zone,
        request_timeout,
        delivery_deadline,
        store_cache_mib,
        branding: resolve_branding(raw.branding, within, at)?,
        allow_outside,
        report_url: raw
            .report_url
            .map(|url| ReportUrl::parse(url.get_ref()).map_err(|e| at.error(url.span(), e)))
            .transpose()?,
        collect_at: match raw.collect_at {
            None => crate::schedule::DEFAULT_COLLECT_AT,
            Some(at_time) => crate::schedule::CollectAt::parse(at_time.get_ref())
                .map_err(|e| at.error(at_time.span(), e))?,
        },
    })
}

fn in_range<T: PartialOrd + Copy + fmt::Display>(
    value: &Spanned<T>,
    min: T,
    max: T,
    name: &str,
    at: &Locator,
) -> Result<T, ConfigError> {
    let v = *value.get_ref();
    if v < min || v > max {
        return Err(at.error(
            value.span(),
            format!("{name} must be from {min} to {max}, not {v}"),
        ));
    }
    Ok(v)
}

/// The hashtags as configured, without `#`, each once whatever its capitals (the API does not
/// tell capitals apart); the first spelling is kept for people to read.
fn resolve_hashtags(tags: &Spanned<Vec<String>>, at: &Locator) -> Result<Vec<String>, ConfigError> {
    if tags.get_ref().is_empty() {
        return Err(at.error(tags.span(), "hashtags must list at least one hashtag"));
    }
    let mut out: Vec<String> = Vec::new();
    for tag in tags.get_ref() {
        let clean = tag.trim().trim_start_matches('#');
        if clean.is_empty() || clean.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(at.error(
                tags.span(),
                format!("'{tag}' is not a hashtag (expected e.g. \"TryBrandX\")"),
            ));
        }
        if !out.iter().any(|t| t.to_lowercase() == clean.to_lowercase()) {
            out.push(clean.to_string());
        }
    }
    Ok(out)
}

/// `languages = [...]`: known ISO 639-1 codes, each once; English when not given.
fn resolve_languages(
    languages: Option<&Spanned<Vec<String>>>,
    at: &Locator,
) -> Result<Vec<String>, ConfigError> {
    let Some(languages) = languages else {
        return Ok(vec![crate::language::ENGLISH.to_string()]);
    };
    let mut out: Vec<String> = Vec::new();
    for code in languages.get_ref() {
        let code = code.trim().to_lowercase();
        if !crate::language::is_known(&code) {
            let known: Vec<&str> = crate::language::KNOWN.iter().map(|(c, _, _)| *c).collect();
            return Err(at.error(
                languages.span(),
                format!("languages: '{code}' is not a language this host tells apart; use ISO 639-1 codes: {}", known.join(", ")),
            ));
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    if out.is_empty() {
        return Err(at.error(
            languages.span(),
            "languages must name at least one language, e.g. [\"en\"]",
        ));
    }
    Ok(out)
}

/// Longest campaign `name`, in characters: a title, not a description.
const MAX_NAME_CHARS: usize = 80;

/// A campaign's display name: one line of readable text.
fn display_name(name: &Spanned<String>, at: &Locator) -> Result<String, ConfigError> {
    let text = name.get_ref().trim();
    if text.is_empty()
        || text.chars().any(char::is_control)
        || text.chars().count() > MAX_NAME_CHARS
    {
        return Err(at.error(
            name.span(),
            format!("name must be one line of 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(text.to_string())
}

/// A `KEY-file` plugin setting whose file was refused.
#[derive(Debug, thiserror::Error)]
pub enum SettingFileError {
    #[error("setting '{key}': {}: {refusal}", path.display())]
    Refused {
        key: String,
        path: PathBuf,
        refusal: FileRefusal,
    },
    #[error("setting '{key}': {}: not UTF-8 text", path.display())]
    NotText { key: String, path: PathBuf },
}

/// One plugin setting as the plugin receives it: a `KEY-file` setting becomes `KEY` with the
/// text of the file (relative to `within.dir`), because plugins cannot read files.
pub fn plugin_setting(
    key: &str,
    value: &str,
    within: Confinement,
) -> Result<(String, String), SettingFileError> {
    let Some(stem) = key.strip_suffix("-file") else {
        return Ok((key.to_string(), value.to_string()));
    };
    let path = within.dir.join(value);
    let bytes = within
        .read(Path::new(value), MAX_SETTING_FILE_BYTES)
        .map_err(|refusal| SettingFileError::Refused {
            key: key.to_string(),
            path: path.clone(),
            refusal,
        })?;
    let text = String::from_utf8(bytes).map_err(|_| SettingFileError::NotText {
        key: key.to_string(),
        path,
    })?;
    Ok((stem.to_string(), text))
}

/// `owner` names the campaign and the plugin's job in errors.
fn resolve_plugin(
    raw: RawPlugin,
    owner: &str,
    within: Confinement,
    at: &Locator,
) -> Result<PluginConfig, ConfigError> {
    if let Some(list) = raw
        .plugins
        .as_ref()
        .map(Spanned::span)
        .or(raw.disable.as_ref().map(Spanned::span))
    {
        return Err(at.error(
            list,
            format!("{owner}: `plugins` and `disable` belong to [alerts]; a scorer is one `plugin` (one per language in [sentiment.<language>])"),
        ));
    }
    let wasm_file = match raw.plugin {
        None => None,
        Some(p) if p.get_ref() == "builtin" => None,
        Some(p) => {
            let file = at.dir().join(p.get_ref());
            if !file.is_file() {
                return Err(at.error(
                    p.span(),
                    format!("plugin file {} does not exist (expected \"builtin\" or a path to a .wasm component)", file.display()),
                ));
            }
            if !looks_like_a_component(&file) {
                return Err(at.error(
                    p.span(),
                    format!(
                        "plugin file {} is not WebAssembly (a component starts with \\0asm, or is WAT text starting with `(`)",
                        file.display()
                    ),
                ));
            }
            Some(file)
        }
    };
    let mut settings = Vec::with_capacity(raw.settings.len());
    for (key, value) in raw.settings {
        let text = match value.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => {
                return Err(at.error(
                    value.span(),
                    format!("setting '{key}' must be a string, number or boolean"),
                ));
            }
        };
        let setting = plugin_setting(&key, &text, within)
            .map_err(|e| at.error(value.span(), format!("{owner}: {e}")))?;
        settings.push(setting);
    }
    let limit = |value: &Option<Spanned<u64>>, (min, max): (u64, u64), name: &str| {
        value
            .as_ref()
            .map(|v| in_range(v, min, max, name, at))
            .transpose()
    };
    Ok(PluginConfig {
        wasm_file,
        memory_mib: raw
            .memory_mib
            .as_ref()
            .map(|v| {
                in_range(
                    v,
                    PLUGIN_MEMORY_MIB.0,
                    PLUGIN_MEMORY_MIB.1,
                    "memory_mib",
                    at,
                )
            })
            .transpose()?,
        fuel: limit(&raw.fuel, PLUGIN_FUEL, "fuel")?,
        timeout_ms: limit(&raw.timeout_ms, PLUGIN_TIMEOUT_MS, "timeout_ms")?,
        settings,
    })
}

/// A binary component or module (the wasm magic number), or WAT text, which the host also
/// accepts.
fn looks_like_a_component(file: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; 64];
    let Ok(read) = std::fs::File::open(file).and_then(|mut f| f.read(&mut start)) else {
        return false;
    };
    let start = &start[..read];
    start.starts_with(WASM_MAGIC)
        || String::from_utf8_lossy(start)
            .trim_start()
            .starts_with(['(', ';'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::account;

    const MINIMAL: &str = r##"
[clients.acme]
name = "Acme"

[[campaigns]]
id = "spring"
client = "acme"
hashtags = ["#TryAcme"]
"##;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("test/campaigns.toml"), text)
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let config = parse(MINIMAL).unwrap();
        let c = &config.campaigns[0];
        assert_eq!(c.hashtags, vec!["tryacme"]);
        assert_eq!(c.videos, MAX_VIDEOS_PER_PAGE);
        assert_eq!(
            config.settings.requests_per_minute,
            DEFAULT_REQUESTS_PER_MINUTE
        );
        assert_eq!(config.settings.api_key_env, "SCAVIO_API_KEY");
        assert_eq!(c.sentiment.all.wasm_file, None);
    }

    #[test]
    fn unknown_key_names_file_line_and_column() {
        let text = format!("{MINIMAL}colour = \"red\"\n");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.starts_with("test/campaigns.toml:9:1: "), "{err}");
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn unknown_client_points_at_the_value() {
        let text = MINIMAL.replace("client = \"acme\"", "client = \"acne\"");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.starts_with("test/campaigns.toml:7:10: "), "{err}");
        assert!(err.contains("'acne'"), "{err}");
    }

    #[test]
    fn out_of_range_and_bad_time_zone_are_rejected() {
        let err = parse(&format!("{MINIMAL}videos = 0\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("videos must be from 1 to 300"), "{err}");
        let err = parse(&format!(
            "[settings]\ntime_zone = \"Mars/Olympus\"\n{MINIMAL}"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("test/campaigns.toml:2:13: unknown time zone"),
            "{err}"
        );
    }

    #[test]
    fn a_fixed_offset_zone_gets_a_word_about_daylight_saving() {
        let warning = |zone: &str| {
            parse(&format!("[settings]\ntime_zone = \"{zone}\"\n{MINIMAL}"))
                .unwrap()
                .settings
                .time_zone_warning()
        };
        for fixed in ["EST", "MST", "Etc/GMT+5"] {
            let said = warning(fixed).unwrap_or_else(|| panic!("{fixed}: no warning"));
            assert!(said.contains("no daylight saving"), "{said}");
        }
        for place in [
            "America/New_York",
            "Asia/Tokyo",
            "UTC",
            "Etc/UTC",
            "EST5EDT",
        ] {
            assert_eq!(warning(place), None, "{place}");
        }
        assert!(warning("EST").unwrap().contains("UTC-05:00"));
    }

    #[test]
    fn duplicate_campaign_ids_are_rejected() {
        let text = format!(
            "{MINIMAL}\n[[campaigns]]\nid = \"spring\"\nclient = \"acme\"\nhashtags = [\"x\"]\n"
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("used twice"), "{err}");
    }

    #[test]
    fn plugin_settings_become_strings_and_file_settings_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lex.txt"), "dupe -2\n").unwrap();
        let text = format!(
            "{MINIMAL}[campaigns.alerts.settings]\nviral-day-views = 1000\n[campaigns.sentiment.settings]\nlexicon-file = \"lex.txt\"\n"
        );
        let config = Config::parse(&dir.path().join("campaigns.toml"), &text).unwrap();
        let c = &config.campaigns[0];
        assert_eq!(
            c.alerts.plugins[0].config.settings,
            vec![("viral-day-views".to_string(), "1000".to_string())]
        );
        assert_eq!(
            c.sentiment.all.settings,
            vec![("lexicon".to_string(), "dupe -2\n".to_string())]
        );
    }

    #[test]
    fn collect_at_is_a_time_of_day_with_a_clear_error() {
        let config = parse(&format!("[settings]\ncollect_at = \"07:30\"\n{MINIMAL}")).unwrap();
        assert_eq!(
            config.settings.collect_at,
            crate::schedule::CollectAt::parse("07:30").unwrap()
        );
        assert_eq!(
            parse(MINIMAL).unwrap().settings.collect_at,
            crate::schedule::DEFAULT_COLLECT_AT
        );
        let err = parse(&format!("[settings]\ncollect_at = \"7am\"\n{MINIMAL}"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("campaigns.toml:2:14: collect_at must be a time as HH:MM"),
            "{err}"
        );
    }

    #[test]
    fn a_language_may_have_its_own_scorer_with_its_own_settings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("brand-pt.txt"), "arrasou 3\n").unwrap();
        let text = format!(
            "{}languages = [\"en\", \"pt\"]\n[campaigns.sentiment.pt]\nplugin = \"builtin\"\nfuel = 5000\n[campaigns.sentiment.pt.settings]\nlexicon-file = \"brand-pt.txt\"\n",
            MINIMAL
        );
        let config = Config::parse(&dir.path().join("campaigns.toml"), &text).unwrap();
        let sentiment = &config.campaigns[0].sentiment;
        assert!(sentiment.all.settings.is_empty());
        let (pt, entry) = sentiment.entry_for("pt");
        assert_eq!(entry, "sentiment.pt");
        assert_eq!(pt.fuel, Some(5000));
        assert_eq!(pt.settings, [("lexicon".into(), "arrasou 3\n".into())]);
        assert_eq!(sentiment.entry_for("en").1, "sentiment");
    }

    #[test]
    fn a_language_scorer_needs_its_language_declared_and_a_known_code() {
        let undeclared = format!("{MINIMAL}[campaigns.sentiment.pt]\nplugin = \"builtin\"\n");
        let err = parse(&undeclared).unwrap_err().to_string();
        assert!(
            err.contains("campaign 'spring' [sentiment.pt]: the campaign does not declare Portuguese ('pt'); add it to `languages` (now en)"),
            "{err}"
        );
        let misspelt = format!("{MINIMAL}[campaigns.sentiment.br]\nplugin = \"builtin\"\n");
        let err = parse(&misspelt).unwrap_err().to_string();
        assert!(
            err.contains("unknown field `br`") && err.contains("`pt`"),
            "{err}"
        );
        let alerts_keys = format!(
            "{MINIMAL}languages = [\"pt\"]\n[campaigns.sentiment.pt]\nplugins = [\"builtin\"]\n"
        );
        let err = parse(&alerts_keys).unwrap_err().to_string();
        assert!(
            err.contains("[sentiment.pt]: `plugins` and `disable` belong to [alerts]"),
            "{err}"
        );
    }

    #[test]
    fn a_setting_file_must_be_inside_the_config_directory_unless_allowed() {
        let config_dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let secret = elsewhere.path().join("secrets.env");
        std::fs::write(&secret, "export SCAVIO_API_KEY=sk-live-9f\n").unwrap();
        std::os::unix::fs::symlink(&secret, config_dir.path().join("lex.txt")).unwrap();
        let text = format!("{MINIMAL}[campaigns.sentiment.settings]\nlexicon-file = \"lex.txt\"\n");
        let path = config_dir.path().join("campaigns.toml");
        let err = Config::parse(&path, &text).unwrap_err().to_string();
        assert!(
            err.contains(":10:16: campaign 'spring' [sentiment]: setting 'lexicon-file': ")
                && err.contains("lex.txt: it resolves to ")
                && err.contains("allow_outside = true"),
            "{err}"
        );
        assert!(!err.contains("sk-live"), "{err}");

        let allowed = format!("[settings]\nallow_outside = true\n{text}");
        let config = Config::parse(&path, &allowed).unwrap();
        assert_eq!(
            config.campaigns[0].sentiment.all.settings,
            vec![(
                "lexicon".to_string(),
                "export SCAVIO_API_KEY=sk-live-9f\n".to_string()
            )]
        );
        // Allowed outside or not, only text from a regular file of a sane size.
        std::fs::write(config_dir.path().join("lex.bin"), b"\xff\xfe sk-live-9f").unwrap();
        for (file, cause) in [
            ("lex.bin", "lex.bin: not UTF-8 text"),
            ("/dev/zero", "/dev/zero: not a regular file"),
        ] {
            let text = allowed.replace("lex.txt", file);
            let err = Config::parse(&path, &text).unwrap_err().to_string();
            assert!(err.contains(cause), "{err}");
            assert!(!err.contains("sk-live"), "{err}");
        }
    }

    const TWO_KEYS: &str = r##"
[settings]
requests_per_minute = 10

[clients.acme]
name = "Acme"

[clients.beta]
api_key_env = "BETA_SCAVIO_KEY"
requests_per_minute = 5

[clients.gamma]
api_key_env = "BETA_SCAVIO_KEY"

[clients.delta]
api_key_env = "DELTA_SCAVIO_KEY"

[[campaigns]]
id = "spring"
client = "acme"
hashtags = ["#TryAcme"]

[[campaigns]]
id = "beta-launch"
client = "beta"
hashtags = ["betalaunch"]

[[campaigns]]
id = "gamma-launch"
client = "gamma"
hashtags = ["gammalaunch"]
"##;

    #[test]
    fn clients_name_their_own_key_and_plan_or_use_the_settings() {
        let config = parse(TWO_KEYS).unwrap();
        let of = |client: &str| config.clients[client].account.clone();
        assert_eq!(of("acme"), account("SCAVIO_API_KEY", 10));
        assert_eq!(of("beta"), account("BETA_SCAVIO_KEY", 5));
        // Same key, same plan: gamma states no rate and gets the one beta gave the key.
        assert_eq!(of("gamma"), account("BETA_SCAVIO_KEY", 5));
        // A key nobody gives a rate runs at [settings]' rate.
        assert_eq!(of("delta"), account("DELTA_SCAVIO_KEY", 10));
        // Only keys that campaigns use, each once.
        assert_eq!(
            config.accounts_of(&config.campaigns),
            vec![account("BETA_SCAVIO_KEY", 5), account("SCAVIO_API_KEY", 10)]
        );
    }

    #[test]
    fn a_pasted_key_is_refused_without_being_echoed() {
        for pasted in [
            "sk_live_4f9a2c7e1b",
            "sk-live-4f9a2c7e1b",
            "Bearer ABC123",
            "",
        ] {
            let text = TWO_KEYS.replace(
                "api_key_env = \"DELTA_SCAVIO_KEY\"",
                &format!("api_key_env = \"{pasted}\""),
            );
            let err = parse(&text).unwrap_err().to_string();
            assert!(
                err.starts_with("test/campaigns.toml:16:15: client 'delta': api_key_env must name the environment variable"),
                "{err}"
            );
            assert!(pasted.is_empty() || !err.contains(pasted), "{err}");
        }
        let err = parse(&format!(
            "[settings]\napi_key_env = \"sk_live_4f9a\"\n{MINIMAL}"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("test/campaigns.toml:2:15: [settings]: api_key_env must name"),
            "{err}"
        );
        assert!(!err.contains("sk_live_4f9a"), "{err}");
    }

    #[test]
    fn a_key_has_one_rate() {
        // gamma shares beta's key but states another plan.
        let text = TWO_KEYS.replace(
            "[clients.gamma]\napi_key_env = \"BETA_SCAVIO_KEY\"\n",
            "[clients.gamma]\napi_key_env = \"BETA_SCAVIO_KEY\"\nrequests_per_minute = 10\n",
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("test/campaigns.toml:14:23: client 'gamma': requests_per_minute = 10 for the key in $BETA_SCAVIO_KEY, but client 'beta' says 5"),
            "{err}"
        );
        // A client on the default key cannot change [settings]' rate for everyone on it.
        let text = TWO_KEYS.replace("name = \"Acme\"", "requests_per_minute = 5");
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("test/campaigns.toml:6:23: client 'acme': requests_per_minute = 5 for the key in $SCAVIO_API_KEY, but [settings] says 10"),
            "{err}"
        );
    }

    #[test]
    fn client_key_settings_are_checked_like_the_others() {
        let text = TWO_KEYS.replace("requests_per_minute = 5", "requests_per_minute = 0");
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("test/campaigns.toml:10:23: client 'beta': requests_per_minute must be from 1 to 100000, not 0"),
            "{err}"
        );
        let text = TWO_KEYS.replace(
            "api_key_env = \"DELTA_SCAVIO_KEY\"",
            "api_key = \"sk_live_4f9a\"",
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.starts_with("test/campaigns.toml:16:1: "), "{err}");
        assert!(err.contains("unknown field `api_key`"), "{err}");
        assert!(!err.contains("sk_live_4f9a"), "{err}");
    }
}
