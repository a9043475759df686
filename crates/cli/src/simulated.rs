//! The daily pipeline over simulated days against the built-in simulated API: what `demo` and
//! `evaluate` share. The simulator serves each date's world and the collector runs that date,
//! paced to a compressed rate limit so that a month takes seconds.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::NaiveDate;

use hashtrack::api::{ApiKey, RetryPolicy};
use hashtrack::config::{CampaignConfig, Config};
use hashtrack::pipeline::{Clock, Pipeline, RunSummary};
use hashtrack::store::Store;
use hashtrack_sim::{Language, SimConfig, SimServer};

use super::open_pipeline;
use super::run::{api_client, collect};

/// The simulated provider's per-minute limit, compressed: the simulator allows this many
/// requests a second and the collector paces itself to match.
const REQUESTS_PER_SECOND: u32 = 200;
/// The simulated provider's only key (it stands for no secret).
const SIM_KEY: &str = "demo-key";
/// A campaign declaring several languages has this share of its comments written in the
/// first, the rest evenly in the others.
const FIRST_LANGUAGE_SHARE: f64 = 0.7;

/// A simulator on 127.0.0.1 and a pipeline collecting from it into `data_dir`.
pub struct SimulatedCampaigns {
    pub sim: SimServer,
    pub pipeline: Pipeline,
    pub store: Arc<Store>,
    pub config: Arc<Config>,
}

impl SimulatedCampaigns {
    /// A simulator for `sim` (its rate limit, credits and key are set here; a hashtag `sim`
    /// gives no languages is written in its campaign's) and the pipeline.
    pub async fn start(mut config: Config, mut sim: SimConfig, data_dir: &Path) -> Result<Self> {
        for campaign in &config.campaigns {
            let Some(mix) = declared_languages(campaign) else {
                continue;
            };
            for hashtag in &campaign.hashtags {
                sim.languages
                    .entry(hashtag.to_lowercase())
                    .or_insert_with(|| mix.clone());
            }
        }
        let sim_config = SimConfig {
            requests_per_window: REQUESTS_PER_SECOND,
            window: Duration::from_secs(1),
            credits: 1_000_000,
            api_key: Some(SIM_KEY.to_string()),
            ..sim
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("cannot listen on 127.0.0.1")?;
        let sim = SimServer::start(listener, sim_config).await?;
        config.settings.api_base_url = sim.base_url();
        // One simulator stands for every client's account: its rate is shared among the keys.
        let accounts = config.accounts_of(&config.campaigns);
        let rate = REQUESTS_PER_SECOND * 60 / accounts.len().max(1) as u32;
        config.settings.requests_per_minute = rate;
        for client in config.clients.values_mut() {
            client.account.requests_per_minute = rate;
        }
        let config = Arc::new(config);
        let apis = config
            .accounts_of(&config.campaigns)
            .iter()
            .map(|account| {
                api_client(
                    &config,
                    account,
                    ApiKey::new(SIM_KEY),
                    RetryPolicy::default(),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let (pipeline, store) = open_pipeline(config.clone(), data_dir, apis)?;
        Ok(SimulatedCampaigns {
            sim,
            // A simulated day is collected on its own date, as a daily cron run would.
            pipeline: pipeline.with_clock(Clock::NoonOfRunDate),
            store,
            config,
        })
    }

    /// Collects `date` for every campaign, with the simulator serving that date's world.
    pub async fn run_day(&self, date: NaiveDate) -> Result<RunSummary> {
        self.sim.set_date(date);
        collect(&self.pipeline, date, &[], false).await
    }
}

/// The languages the simulator writes a campaign's comments in: those it declares, the first
/// most; `None` for English only, the simulator's default.
fn declared_languages(campaign: &CampaignConfig) -> Option<Vec<(Language, f64)>> {
    let written: Vec<Language> = campaign
        .languages
        .iter()
        .filter_map(|code| code.parse().ok())
        .collect();
    match written.as_slice() {
        [] | [Language::En] => None,
        [only] => Some(vec![(*only, 1.0)]),
        [first, rest @ ..] => {
            let each = (1.0 - FIRST_LANGUAGE_SHARE) / rest.len() as f64;
            let mut mix = vec![(*first, FIRST_LANGUAGE_SHARE)];
            mix.extend(rest.iter().map(|language| (*language, each)));
            Some(mix)
        }
    }
}
