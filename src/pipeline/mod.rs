//! One day of every configured campaign: collect, store, score, evaluate, record.
//!
//! Campaigns run concurrently. Those paid with one API key (their client's account) share one
//! [`Fetcher`]: one rate limiter at the key's plan, one set of budgets, one stop switch. Keys
//! run side by side, so a day of N keys takes as long as its slowest key, and a 402, 401 or
//! 403 on one key stops only the campaigns on it (see `fetch` for why a campaign reads only
//! responses its own key paid for). A campaign's failure, its plugin's included, never stops
//! the others; it is recorded on its day as what is missing. Re-scoring is the same run with
//! no API client: every response comes from the store and nothing is spent.
//!
//! Modules: `collect` (requests and the comment-page plan), `fetch` (store first, budgets, stop
//! switch), `metrics` (pure: the day assembled from what was collected, growth with its
//! bounds, which comments are new, sentiment summaries), `clock` (what "now" is for the host),
//! `plugins` (every campaign's plugins, checked before spending), `progress` (for people
//! watching a run), `plan` (the cost model: what a day will take, per key, before it runs).

mod clock;
pub mod collect;
mod fetch;
pub mod metrics;
mod plan;
mod plugins;
mod progress;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;

use crate::api::ApiClient;
use crate::api::ApiRequest;
use crate::config::{ApiAccount, CampaignConfig, Config, PluginConfig};
use crate::domain::{
    Alert, AlertsOutcome, Comment, DayFacts, DayMetrics, SentimentOutcome, SentimentSummary,
};
use crate::language::{LanguageId, scored_as};
use crate::plugin::{MAX_HISTORY_DAYS, PluginHost, PluginSource, SentimentScorer};
use crate::store::{ReadComment, Store, StoreError};

pub use clock::Clock;
pub use fetch::{Budgets, FetchError, Fetcher, KeyContext, RunContext, StopSwitch};
pub use plan::{COMMENT_NEED_DAYS, CampaignPlan, CommentNeed, KeyPlan, comment_need, plan_day};
use plugins::{CampaignPlugins, Loaded, source};
pub use plugins::{LoadedPlugins, PluginProblem};
pub use progress::{KeyProgress, ProgressSnapshot, RunProgress};

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A store error that stopped a run's spending (shared by the requests it stopped).
    #[error(transparent)]
    StoreStopped(Arc<StoreError>),
    #[error("unknown campaign '{0}' (not in the configuration)")]
    UnknownCampaign(String),
    #[error("plugins not ready, nothing was spent:{}", one_per_line(.0))]
    PluginsNotReady(Vec<PluginProblem>),
    #[error("no API client for the key in ${0} (campaigns {1:?} are paid with it)")]
    NoClientForKey(String, Vec<String>),
}

/// Each problem on a line of its own, indented under the error's first line.
fn one_per_line(problems: &[PluginProblem]) -> String {
    problems.iter().map(|p| format!("\n  {p}")).collect()
}

/// How one campaign's day ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Everything was collected, scored and evaluated.
    Complete,
    /// Something is missing; the day's `missing` list says what.
    Partial,
    /// Nothing was collected.
    Failed,
}

/// One campaign's line in a run summary.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignRun {
    pub id: String,
    pub client: String,
    pub status: CampaignStatus,
    /// Credits this run paid for this campaign (earlier runs of the day not included).
    pub credits_spent: u32,
    pub alerts: usize,
    pub missing: Vec<String>,
}

/// What one run of one date did.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub date: NaiveDate,
    pub credits_spent: u32,
    /// HTTP requests sent, retries included (0 when re-scoring).
    pub requests: u64,
    pub campaigns: Vec<CampaignRun>,
    /// Set when an error (402, 401, 403, an unreachable API) stopped the spending of some key:
    /// its reason (prefixed with the key's variable when the run used several keys).
    pub spending_stopped: Option<String>,
    /// The API could not be reached at all: an error of the run, not a partial day.
    pub api_unreachable: bool,
    /// Per API key, by its variable's name.
    pub keys: Vec<KeyRun>,
}

/// What one run did with one API key.
#[derive(Debug, Clone, Serialize)]
pub struct KeyRun {
    /// The variable holding the key (never the key).
    pub key_env: String,
    pub requests_per_minute: u32,
    /// The campaigns paid with it.
    pub campaigns: Vec<String>,
    pub credits_spent: u32,
    /// HTTP requests sent with it, retries included.
    pub requests: u64,
    /// Why its spending stopped (402, 401, 403, unreachable, a signal), if it did.
    pub spending_stopped: Option<String>,
    pub api_unreachable: bool,
}

pub struct Pipeline {
    config: Arc<Config>,
    store: Arc<Store>,
    /// One client per key, by its variable's name; none when re-scoring.
    apis: BTreeMap<String, Arc<ApiClient>>,
    plugins: LoadedPlugins,
    clock: Clock,
    shutdown: StopSwitch,
    progress: Arc<RunProgress>,
}

impl Pipeline {
    /// Loads every campaign's plugins. `apis`: one client per key the campaigns are paid with
    /// (each knows its key's variable); none (`None`) makes a re-scoring pipeline.
    pub fn new(
        config: Arc<Config>,
        store: Arc<Store>,
        host: &PluginHost,
        apis: impl IntoIterator<Item = ApiClient>,
    ) -> Pipeline {
        let plugins = LoadedPlugins::load(&config, host);
        Pipeline {
            config,
            store,
            apis: apis
                .into_iter()
                .map(|api| (api.key_env().to_string(), Arc::new(api)))
                .collect(),
            plugins,
            clock: Clock::System,
            shutdown: StopSwitch::default(),
            progress: Arc::default(),
        }
    }

    /// How far the current run has got (for a progress bar).
    pub fn progress(&self) -> Arc<RunProgress> {
        self.progress.clone()
    }

    /// How long each key has been told to wait still by the provider, by variable name.
    pub fn told_to_wait(&self) -> impl Fn() -> BTreeMap<String, std::time::Duration> + use<> {
        let apis = self.apis.clone();
        move || {
            apis.iter()
                .filter_map(|(key_env, api)| Some((key_env.clone(), api.told_to_wait()?)))
                .collect()
        }
    }

    /// Per key variable, the 429 answers and the retries of its API client so far.
    pub fn api_troubles(&self) -> impl Fn() -> BTreeMap<String, (u64, u64)> + use<> {
        let apis = self.apis.clone();
        move || {
            apis.iter()
                .map(|(key_env, api)| {
                    (key_env.clone(), (api.rate_limited.get(), api.retries.get()))
                })
                .collect()
        }
    }

    /// The switch that stops this pipeline's spending from outside (a signal handler).
    pub fn stop_switch(&self) -> StopSwitch {
        self.shutdown.clone()
    }

    /// Uses `clock` for "now" (when responses are fetched) instead of the system clock.
    pub fn with_clock(mut self, clock: Clock) -> Pipeline {
        self.clock = clock;
        self
    }

    /// Runs `date` for the named campaigns (all when `only` is empty), calling `on_done` as each
    /// campaign finishes.
    pub async fn run_day(
        &self,
        date: NaiveDate,
        only: &[String],
        on_done: &(dyn Fn(&CampaignRun) + Sync),
    ) -> Result<RunSummary, PipelineError> {
        let by_key = self.by_key(&self.select(only)?)?;
        self.progress.start(&by_key);
        let mut fetchers = Vec::with_capacity(by_key.len());
        let mut tasks = tokio::task::JoinSet::new();
        for (account, campaigns) in by_key {
            let api = self.apis.get(&account.key_env).cloned();
            let requests_before = api.as_ref().map_or(0, |api| api.requests.get());
            let fetcher = Arc::new(Fetcher::new(
                self.store.clone(),
                KeyContext {
                    default_key: account.key_env == self.config.settings.api_key_env,
                    account,
                    api,
                },
                Budgets::for_day(&self.config, &self.store, date)?,
                RunContext {
                    date,
                    clock: self.clock,
                    time_zone: self.config.settings.time_zone,
                    shutdown: self.shutdown.clone(),
                    progress: self.progress.clone(),
                },
            ));
            let ids: Vec<String> = campaigns.iter().map(|c| c.id.clone()).collect();
            for campaign in campaigns {
                let job = CampaignDay {
                    plugins: self.plugins.of(&campaign.id),
                    campaign,
                    date,
                    time_zone: self.config.settings.time_zone,
                    store: self.store.clone(),
                    fetcher: fetcher.clone(),
                };
                tasks.spawn(job.run());
            }
            fetchers.push((fetcher, ids, requests_before));
        }
        let mut runs = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let run = joined.expect("a campaign task panicked")?;
            on_done(&run);
            runs.push(run);
        }
        if let Some(error) = fetchers.iter().find_map(|(f, ..)| f.storage_failure()) {
            return Err(PipelineError::StoreStopped(error));
        }
        runs.sort_by(|a, b| a.id.cmp(&b.id));
        // Once the store holds enough, later values compress against what it has seen.
        self.store.learn_dictionaries()?;
        let keys: Vec<KeyRun> = fetchers
            .into_iter()
            .map(|(fetcher, campaigns, requests_before)| {
                let account = fetcher.account();
                let requests = self
                    .apis
                    .get(&account.key_env)
                    .map_or(0, |api| api.requests.get() - requests_before);
                KeyRun {
                    key_env: account.key_env.clone(),
                    requests_per_minute: account.requests_per_minute,
                    campaigns,
                    credits_spent: fetcher.credits_spent(),
                    requests,
                    spending_stopped: fetcher.stopped(),
                    api_unreachable: fetcher.api_unreachable(),
                }
            })
            .collect();
        let stops: Vec<String> = keys
            .iter()
            .filter_map(|k| {
                let reason = k.spending_stopped.as_ref()?;
                Some(match keys.len() {
                    1 => reason.clone(),
                    _ => format!("${}: {reason}", k.key_env),
                })
            })
            .collect();
        Ok(RunSummary {
            date,
            credits_spent: keys.iter().map(|k| k.credits_spent).sum(),
            requests: keys.iter().map(|k| k.requests).sum(),
            campaigns: runs,
            spending_stopped: (!stops.is_empty()).then(|| stops.join("; ")),
            api_unreachable: keys.iter().any(|k| k.api_unreachable),
            keys,
        })
    }

    /// `campaigns` grouped by the key they are paid with. A paying pipeline must have a client
    /// for each of those keys.
    fn by_key(
        &self,
        campaigns: &[CampaignConfig],
    ) -> Result<Vec<(ApiAccount, Vec<CampaignConfig>)>, PipelineError> {
        let mut by_key: BTreeMap<ApiAccount, Vec<CampaignConfig>> = BTreeMap::new();
        for campaign in campaigns {
            by_key
                .entry(self.config.account_of(campaign))
                .or_default()
                .push(campaign.clone());
        }
        if !self.apis.is_empty()
            && let Some((account, campaigns)) = by_key
                .iter()
                .find(|(account, _)| !self.apis.contains_key(&account.key_env))
        {
            return Err(PipelineError::NoClientForKey(
                account.key_env.clone(),
                campaigns.iter().map(|c| c.id.clone()).collect(),
            ));
        }
        Ok(by_key.into_iter().collect())
    }

    /// Checks, before anything is spent, that every selected campaign's plugins loaded and
    /// accept their settings (each plugin's own `check-settings`): a misspelt setting is a
    /// configuration error, not a day of "rules unavailable".
    pub fn check_plugins(&self, only: &[String]) -> Result<(), PipelineError> {
        self.plugins
            .check(&self.select(only)?)
            .map_err(PipelineError::PluginsNotReady)
    }

    fn select(&self, only: &[String]) -> Result<Vec<CampaignConfig>, PipelineError> {
        if only.is_empty() {
            return Ok(self.config.campaigns.clone());
        }
        only.iter()
            .map(|id| {
                self.config
                    .campaign(id)
                    .cloned()
                    .ok_or_else(|| PipelineError::UnknownCampaign(id.clone()))
            })
            .collect()
    }
}

/// One campaign on one date: the unit of work, stored (and flushed) when it ends.
struct CampaignDay {
    campaign: CampaignConfig,
    date: NaiveDate,
    time_zone: Tz,
    store: Arc<Store>,
    fetcher: Arc<Fetcher>,
    plugins: Arc<CampaignPlugins>,
}

impl CampaignDay {
    /// Collects (store first, then the API), looks up what the store knew, scores, assembles
    /// the day ([`metrics::assemble_day`]), evaluates its alerts and stores it.
    async fn run(self) -> Result<CampaignRun, PipelineError> {
        let c = &self.campaign;
        let history = self.store.days(
            &c.id,
            self.date - Duration::days(MAX_HISTORY_DAYS.into()),
            self.date - Duration::days(1),
        )?;
        let previous = metrics::previous_with_data(&history);
        let collected = collect::collect_day(&self.fetcher, &self.store, c, previous).await;
        let mut missing = collected.missing.clone();

        let mut first_seen = Vec::with_capacity(collected.videos.len());
        for (hashtag, video) in &collected.videos {
            first_seen.push(
                self.store
                    .note_seen(&c.id, &video.id, self.date, hashtag)?
                    .date,
            );
        }
        let mut videos_seen = Vec::with_capacity(collected.hashtags.len());
        for (name, _) in &collected.hashtags {
            videos_seen.push(self.store.distinct_videos_seen(&c.id, name, self.date)?);
        }
        let read = metrics::first_read(
            &collected.comments,
            self.store.comment_ids_read_before(&c.id, self.date)?,
            &collected.comment_cutoffs,
        );
        let (sentiment, first_read_sentiment, scores) = self
            .score(
                &read,
                collected.comment_videos,
                collected.comment_videos_failed,
            )
            .await;
        let mut day = metrics::assemble_day(metrics::DayInputs {
            campaign_id: &c.id,
            client_id: &c.client,
            date: self.date,
            time_zone: self.time_zone,
            previous,
            collected_at: self.collected_at()?,
            hashtags: &collected.hashtags,
            competitors: &collected.competitors,
            videos: &collected.videos,
            first_seen: &first_seen,
            videos_seen: &videos_seen,
            comments: &collected.comments,
            comments_first_read: read.first_read.len() as u32,
            sentiment,
            first_read_sentiment,
            scorer: self.scorer_identity(),
        });
        day.alerts = self.evaluate(&day, &history).await;
        if let SentimentOutcome::Unavailable { reason } = &day.sentiment {
            missing.push(format!("sentiment unavailable: {reason}"));
        }
        if let AlertsOutcome::Unavailable { reason } = &day.alerts {
            missing.push(format!("alerts unavailable: {reason}"));
        }
        day.credits_spent = self
            .store
            .credits_spent_on(self.date)?
            .get(&c.id)
            .copied()
            .unwrap_or(0);
        day.missing = missing;
        let read_comments = read_comments(read.first_read, scores);
        self.store.put_day(&day, &read_comments)?;

        let nothing_collected = day.total_views.is_none() && day.videos.is_empty();
        Ok(CampaignRun {
            id: c.id.clone(),
            client: c.client.clone(),
            status: match (nothing_collected, day.missing.is_empty()) {
                (true, _) => CampaignStatus::Failed,
                (false, true) => CampaignStatus::Complete,
                (false, false) => CampaignStatus::Partial,
            },
            credits_spent: self.fetcher.credits_spent_by(&c.id),
            alerts: match &day.alerts {
                AlertsOutcome::Evaluated { alerts } => alerts.len(),
                AlertsOutcome::Unavailable { .. } => 0,
            },
            missing: day.missing,
        })
    }

    /// Which scorers and settings score the campaign's comments: equal identities, comparable
    /// scores. Each scorer's content hash and a hash of its settings; a language's own scorer
    /// is added as `;pt=...`.
    fn scorer_identity(&self) -> String {
        let sentiment = &self.campaign.sentiment;
        let mut identity = scorer_identity(&self.plugins.sentiment, &sentiment.all);
        for (language, scorer) in &self.plugins.sentiment_by_language {
            let (config, _) = sentiment.entry_for(language);
            identity.push_str(&format!(";{language}={}", scorer_identity(scorer, config)));
        }
        identity
    }

    /// When the day's data was fetched: its earliest stored hashtag response.
    fn collected_at(&self) -> Result<Option<i64>, PipelineError> {
        let mut earliest: Option<i64> = None;
        for name in &self.campaign.hashtags {
            let key = self
                .fetcher
                .store_key(&ApiRequest::HashtagInfo { name: name.clone() });
            if let Some(snapshot) = self.store.raw(self.date, &key)? {
                earliest =
                    Some(earliest.map_or(snapshot.fetched_at, |e| e.min(snapshot.fetched_at)));
            }
        }
        Ok(earliest)
    }

    /// Scores each comment read for the first time today, once, with the campaign's scorer of
    /// its language (`CampaignPlugins::scorer_for`), one call per language; the others are
    /// counted as unscored by language, never as neutral. The day's
    /// sentiment is over those written since the previous collection; the summary of all of
    /// them feeds the running total. The scores (none: not scored) and languages, in
    /// `read.first_read`'s order, are returned to be stored.
    async fn score(
        &self,
        read: &metrics::CommentsRead,
        asked: usize,
        failed: usize,
    ) -> (SentimentOutcome, Option<SentimentSummary>, Option<Scored>) {
        if read.first_read.is_empty() {
            let reason = match (asked, failed) {
                (0, _) => "no video had new comments to read".to_string(),
                (_, f) if f == asked => "every comment request failed".to_string(),
                _ => "no comment read today was new".to_string(),
            };
            let unscored = Default::default();
            return (
                SentimentOutcome::NotCollected { reason, unscored },
                None,
                None,
            );
        }
        let detector = LanguageId::for_languages(&self.campaign.languages);
        let languages: Vec<&'static str> = read
            .first_read
            .iter()
            .map(|(_, c)| detector.detect(&c.text))
            .collect();
        let mut by_language: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
        for (index, language) in languages.iter().enumerate() {
            by_language.entry(language).or_default().push(index);
        }
        let mut scores: Vec<Option<f64>> = vec![None; languages.len()];
        for (language, indices) in by_language {
            let scorer = match self.plugins.scorer_for(language, &self.campaign.languages) {
                None => continue,
                Some(Ok(scorer)) => scorer.clone(),
                Some(Err(e)) => {
                    let reason = e.to_string();
                    return (SentimentOutcome::Unavailable { reason }, None, None);
                }
            };
            let (config, _) = self.campaign.sentiment.entry_for(scored_as(language));
            let (campaign, settings) = (self.campaign.id.clone(), config.settings.clone());
            let comments: Vec<Comment> = indices
                .iter()
                .map(|&i| read.first_read[i].1.clone())
                .collect();
            let scored = tokio::task::spawn_blocking(move || {
                scorer
                    .score_measured(&campaign, &settings, language, &comments)
                    .0
            })
            .await;
            let reason = match scored {
                Ok(Ok(returned)) => {
                    for (index, score) in indices.into_iter().zip(returned) {
                        scores[index] = Some(score);
                    }
                    continue;
                }
                Ok(Err(e)) => e.to_string(),
                Err(e) => format!("scorer task failed: {e}"),
            };
            return (SentimentOutcome::Unavailable { reason }, None, None);
        }
        let all = metrics::summarize_scored(&scores, &languages);
        let span = read.written_in_span;
        let outcome = match metrics::summarize_scored(&scores[..span], &languages[..span]) {
            Some(summary) => SentimentOutcome::Scored(summary),
            None if span > 0 => {
                let unscored = language_counts(&languages[..span]);
                let named: Vec<String> = unscored
                    .iter()
                    .map(|(language, n)| format!("{} {n}", crate::language::name_of(language)))
                    .collect();
                SentimentOutcome::NotCollected {
                    reason: format!(
                        "none of the {span} new comments is in a language the campaign scores ({})",
                        named.join(", ")
                    ),
                    unscored,
                }
            }
            None => SentimentOutcome::NotCollected {
                reason: format!(
                    "none of the {} comments read for the first time was written since the previous collection",
                    scores.len()
                ),
                unscored: Default::default(),
            },
        };
        let stored = Scored {
            scores,
            languages: languages.iter().map(|l| l.to_string()).collect(),
        };
        (outcome, all, Some(stored))
    }

    /// Runs each of the campaign's alert plugins in turn, tagging each alert with its plugin
    /// and dropping the built-in rules the campaign switched off. A plugin that cannot run
    /// leaves the day's alerts unknown rather than partial: stored alerts stay as they were.
    async fn evaluate(&self, day: &DayMetrics, history: &[DayMetrics]) -> AlertsOutcome {
        let today = DayFacts {
            alerts: Vec::new(),
            ..day.facts()
        };
        let history: Vec<_> = history.iter().map(DayMetrics::facts).collect();
        let config = &self.campaign.alerts;
        let mut raised = Vec::new();
        for (plugin, (name, rules)) in config.plugins.iter().zip(&self.plugins.alerts) {
            let unavailable = |reason: String| AlertsOutcome::Unavailable {
                reason: if config.plugins.len() > 1 {
                    format!("alert plugin '{name}': {reason}")
                } else {
                    reason
                },
            };
            let rules = match rules {
                Ok(rules) => rules.clone(),
                Err(e) => return unavailable(e.to_string()),
            };
            let (campaign, settings) = (self.campaign.id.clone(), plugin.config.settings.clone());
            let (today, history) = (today.clone(), history.clone());
            let evaluated = tokio::task::spawn_blocking(move || {
                rules.evaluate(&campaign, &settings, &today, &history)
            })
            .await;
            match evaluated {
                Ok(Ok(alerts)) => raised.extend(
                    alerts
                        .into_iter()
                        .filter(|a| config.keeps(name, &a.rule))
                        .map(|a| Alert {
                            plugin: name.clone(),
                            ..a
                        }),
                ),
                Ok(Err(e)) => return unavailable(e.to_string()),
                Err(e) => return unavailable(format!("alert task failed: {e}")),
            }
        }
        AlertsOutcome::Evaluated { alerts: raised }
    }
}

/// The scores of a day's first-read comments (none: not scored) and their languages, in the
/// order they were read.
struct Scored {
    scores: Vec<Option<f64>>,
    languages: Vec<String>,
}

/// A scorer's identity (`builtin:sentiment#3fa81c2d9e01`, or the configured source when it
/// could not be loaded) and a hash of the settings it is given.
fn scorer_identity(scorer: &Loaded<SentimentScorer>, config: &PluginConfig) -> String {
    use sha2::{Digest, Sha256};
    let mut settings = Sha256::new();
    for (key, value) in &config.settings {
        for part in [key, value] {
            settings.update(part.as_bytes());
            settings.update([0]);
        }
    }
    let hex: String = settings.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let scorer = match scorer {
        Ok(scorer) => scorer.identity(),
        Err(_) => source(config, PluginSource::BuiltinSentiment).to_string(),
    };
    format!("{scorer}+settings#{hex}")
}

/// How many of `languages` are each language.
fn language_counts(languages: &[&str]) -> BTreeMap<String, u32> {
    let mut counts = BTreeMap::new();
    for language in languages {
        *counts.entry(language.to_string()).or_default() += 1;
    }
    counts
}

/// The day's first-read comments as the store keeps them, each with its score when scored
/// and its language when told.
fn read_comments(first_read: Vec<(String, Comment)>, scored: Option<Scored>) -> Vec<ReadComment> {
    let (scores, languages) = scored.map_or_else(Default::default, |s| (s.scores, s.languages));
    first_read
        .into_iter()
        .enumerate()
        .map(|(i, (video_id, c))| ReadComment {
            id: c.id,
            video_id,
            text: c.text,
            created_at: c.created_at,
            likes: c.likes,
            score: scores.get(i).copied().flatten().map(|s| s as f32),
            language: languages.get(i).cloned(),
        })
        .collect()
}
