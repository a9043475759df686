//! Every campaign's plugins, loaded once per process, and the check that they accept their
//! settings before anything is spent (`run`, `rescore` and `plugin check --config`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::config::{CampaignConfig, Config, PluginConfig};
use crate::language::{UNDETERMINED, scored_as};
use crate::plugin::{
    AlertRules, PluginError, PluginHost, PluginLimits, PluginSource, SentimentScorer,
};

/// A loaded plugin, or why it could not be loaded.
pub(crate) type Loaded<T> = Result<Arc<T>, PluginError>;

/// A campaign's loaded plugins, or why they could not be loaded.
pub(crate) struct CampaignPlugins {
    /// `[sentiment]`'s scorer.
    pub(crate) sentiment: Loaded<SentimentScorer>,
    /// `[sentiment.<language>]`'s, by language.
    pub(crate) sentiment_by_language: BTreeMap<String, Loaded<SentimentScorer>>,
    /// In the order of `[alerts] plugins`, by name.
    pub(crate) alerts: Vec<(String, Loaded<AlertRules>)>,
}

impl CampaignPlugins {
    /// Who scores comments in `language` for a campaign that declares `declared`: the
    /// language's own scorer, else `[sentiment]`'s when that scores it (or could not be
    /// loaded, which is then the answer). A comment whose language could not be told is read
    /// as English whatever the campaign declares (`language::scored_as`). `None`: no scorer,
    /// or a language the campaign does not declare; its comments are counted unscored.
    pub(crate) fn scorer_for(
        &self,
        language: &str,
        declared: &[String],
    ) -> Option<&Loaded<SentimentScorer>> {
        if language != UNDETERMINED && !declared.iter().any(|l| l == language) {
            return None;
        }
        let language = scored_as(language);
        match self.sentiment_by_language.get(language) {
            Some(own) => Some(own),
            None => match &self.sentiment {
                Ok(scorer) if !scorer.scores(language) => None,
                all => Some(all),
            },
        }
    }
}

/// A campaign's plugin that cannot serve it: not loaded, or its settings refused.
#[derive(Debug, Clone, thiserror::Error)]
#[error("campaign '{campaign}', {role}: {error}")]
pub struct PluginProblem {
    pub campaign: String,
    /// `sentiment`, or `alerts` with the plugin's name.
    pub role: String,
    pub error: PluginError,
}

/// The plugins of every configured campaign.
pub struct LoadedPlugins {
    by_campaign: HashMap<String, Arc<CampaignPlugins>>,
}

impl LoadedPlugins {
    /// Loads each campaign's plugins; one that cannot be loaded is kept as its reason.
    pub fn load(config: &Config, host: &PluginHost) -> LoadedPlugins {
        let by_campaign = config
            .campaigns
            .iter()
            .map(|campaign| {
                let scorer = |config: &PluginConfig| {
                    host.load_sentiment(
                        &source(config, PluginSource::BuiltinSentiment),
                        limits(config),
                    )
                    .map(Arc::new)
                };
                let loaded = CampaignPlugins {
                    sentiment: scorer(&campaign.sentiment.all),
                    sentiment_by_language: campaign
                        .sentiment
                        .by_language
                        .iter()
                        .map(|(language, config)| (language.clone(), scorer(config)))
                        .collect(),
                    alerts: campaign
                        .alerts
                        .plugins
                        .iter()
                        .map(|plugin| {
                            let rules = host
                                .load_alerts(
                                    &source(&plugin.config, PluginSource::BuiltinAlerts),
                                    limits(&plugin.config),
                                )
                                .map(Arc::new);
                            (plugin.name.clone(), rules)
                        })
                        .collect(),
                };
                (campaign.id.clone(), Arc::new(loaded))
            })
            .collect();
        LoadedPlugins { by_campaign }
    }

    pub(crate) fn of(&self, campaign_id: &str) -> Arc<CampaignPlugins> {
        self.by_campaign[campaign_id].clone()
    }

    /// Every problem of these campaigns' plugins, each naming the campaign and the plugin:
    /// not loaded, settings refused by the plugin's own `check-settings`, or a scorer named
    /// for a language it does not score.
    pub fn check(&self, campaigns: &[CampaignConfig]) -> Result<(), Vec<PluginProblem>> {
        let mut problems = Vec::new();
        for campaign in campaigns {
            let plugins = &self.by_campaign[&campaign.id];
            let sentiment = plugins
                .sentiment
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|p| p.check_settings(&campaign.id, &campaign.sentiment.all.settings));
            let mut results = vec![("sentiment".to_string(), sentiment)];
            for (language, scorer) in &plugins.sentiment_by_language {
                let (config, entry) = campaign.sentiment.entry_for(language);
                let checked = scorer.as_ref().map_err(Clone::clone).and_then(|p| {
                    p.check_language(&campaign.id, language)?;
                    p.check_settings(&campaign.id, &config.settings)
                });
                results.push((entry, checked));
            }
            for (plugin, (name, rules)) in campaign.alerts.plugins.iter().zip(&plugins.alerts) {
                let checked = rules
                    .as_ref()
                    .map_err(Clone::clone)
                    .and_then(|p| p.check_settings(&campaign.id, &plugin.config.settings));
                results.push((format!("alerts ({name})"), checked));
            }
            for (role, result) in results {
                if let Err(error) = result {
                    problems.push(PluginProblem {
                        campaign: campaign.id.clone(),
                        role,
                        error,
                    });
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

pub(crate) fn source(config: &PluginConfig, builtin: PluginSource) -> PluginSource {
    config.wasm_file.clone().map_or(builtin, PluginSource::File)
}

fn limits(config: &PluginConfig) -> PluginLimits {
    PluginLimits::with_overrides(config.memory_mib, config.fuel, config.timeout_ms)
}
