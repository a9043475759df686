//! Every campaign's plugins, loaded once per process, and the check that they accept their
//! settings before anything is spent (`run`, `rescore` and `plugin check --config`).

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::{CampaignConfig, Config, PluginConfig};
use crate::plugin::{
    AlertRules, PluginError, PluginHost, PluginLimits, PluginSource, SentimentScorer,
};

/// A campaign's loaded plugins, or why they could not be loaded.
pub(crate) struct CampaignPlugins {
    pub(crate) sentiment: Result<Arc<SentimentScorer>, PluginError>,
    /// In the order of `[alerts] plugins`, by name.
    pub(crate) alerts: Vec<(String, Result<Arc<AlertRules>, PluginError>)>,
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
                let loaded = CampaignPlugins {
                    sentiment: host
                        .load_sentiment(
                            &source(&campaign.sentiment, PluginSource::BuiltinSentiment),
                            limits(&campaign.sentiment),
                        )
                        .map(Arc::new),
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
    /// not loaded, or settings refused by the plugin's own `check-settings`.
    pub fn check(&self, campaigns: &[CampaignConfig]) -> Result<(), Vec<PluginProblem>> {
        let mut problems = Vec::new();
        for campaign in campaigns {
            let plugins = &self.by_campaign[&campaign.id];
            let sentiment = plugins
                .sentiment
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|p| p.check_settings(&campaign.id, &campaign.sentiment.settings));
            let mut results = vec![("sentiment".to_string(), sentiment)];
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
