//! A loaded alert-rules plugin: converts `DayFacts` to the WIT `day-metrics`, runs `evaluate`
//! in the sandbox and bounds what it may send on to reports and alert sinks.

use wasmtime::component::InstancePre;

use super::LoadReport;
use super::bindings::alerts::AlertRulesPre;
use super::bindings::types::{Alert as WitAlert, DayMetrics, Severity as WitSeverity};
use super::error::{PluginError, PluginErrorKind};
use super::sandbox::{CallReport, CallState, Sandbox};
use super::sentiment::wit_settings;
use crate::domain::{Alert, DayFacts, Severity};

/// Earlier days passed to a plugin, as the WIT contract promises ("up to 30").
pub const MAX_HISTORY_DAYS: usize = 30;

/// Alerts one evaluation may raise; more is a broken rule set, not news for a person.
pub const MAX_ALERTS: usize = 50;

/// Longest alert message, in characters: a sentence, not a report.
pub const MAX_ALERT_MESSAGE_CHARS: usize = 500;

/// Longest rule identifier, in characters.
pub const MAX_RULE_ID_CHARS: usize = 64;

/// An alert-rules plugin ready to be called. Cheap to share: calls do not affect each other.
pub struct AlertRules {
    pre: AlertRulesPre<CallState>,
    sandbox: Sandbox,
    report: LoadReport,
}

impl AlertRules {
    pub(crate) fn new(
        pre: InstancePre<CallState>,
        sandbox: Sandbox,
        report: LoadReport,
    ) -> Result<Self, PluginError> {
        let pre = AlertRulesPre::new(pre).map_err(|e| {
            PluginError::load(
                sandbox.plugin(),
                PluginErrorKind::Load(format!("its `evaluate` function has the wrong type: {e:#}")),
            )
        })?;
        Ok(Self {
            pre,
            sandbox,
            report,
        })
    }

    /// How the plugin was loaded.
    pub fn load_report(&self) -> &LoadReport {
        &self.report
    }

    /// Evaluates the rules for `today`; `history` is oldest first, and only its last
    /// `MAX_HISTORY_DAYS` days are passed on.
    pub fn evaluate(
        &self,
        campaign: &str,
        settings: &[(String, String)],
        today: &DayFacts,
        history: &[DayFacts],
    ) -> Result<Vec<Alert>, PluginError> {
        self.evaluate_measured(campaign, settings, today, history).0
    }

    /// [`AlertRules::evaluate`], also reporting what the call used.
    pub fn evaluate_measured(
        &self,
        campaign: &str,
        settings: &[(String, String)],
        today: &DayFacts,
        history: &[DayFacts],
    ) -> (Result<Vec<Alert>, PluginError>, CallReport) {
        let settings = wit_settings(settings);
        let today = day_metrics(today);
        let recent = &history[history.len().saturating_sub(MAX_HISTORY_DAYS)..];
        let history: Vec<DayMetrics> = recent.iter().map(day_metrics).collect();
        self.sandbox.call(campaign, |store| {
            let rules = self.pre.instantiate(&mut *store)?;
            let returned = rules.hashtrack_plugins_rules().call_evaluate(
                &mut *store,
                &settings,
                &today,
                &history,
            )?;
            Ok(match returned {
                Ok(alerts) => validate(alerts),
                Err(message) => Err(PluginErrorKind::PluginReturnedError(message)),
            })
        })
    }
}

/// `DayFacts` in its WIT form. A missing date becomes an empty string: the WIT field is not
/// optional, and the host always knows the date of a day it evaluates.
fn day_metrics(facts: &DayFacts) -> DayMetrics {
    DayMetrics {
        campaign_id: facts.campaign_id.clone(),
        date: facts.date.map(|d| d.to_string()).unwrap_or_default(),
        total_views: facts.total_views,
        total_videos: facts.total_videos,
        new_views: facts.views.as_ref().map(|g| g.per_day.round() as i64),
        new_videos: facts.new_videos_per_day.map(|n| n.round() as i64),
        tracked_videos: facts.tracked_videos,
        new_tracked_videos: facts.new_tracked_videos,
        top_video_views: facts.videos.first().map(|v| v.stats.plays),
        comments_scored: facts.new_comments.as_ref().map_or(0, |s| s.comments),
        positive_ratio: facts.new_comments.as_ref().map(|s| s.positive_ratio),
        negative_ratio: facts.new_comments.as_ref().map(|s| s.negative_ratio),
        mean_sentiment: facts.new_comments.as_ref().map(|s| s.mean_score),
    }
}

/// Bounds the alerts and converts them to domain alerts.
fn validate(alerts: Vec<WitAlert>) -> Result<Vec<Alert>, PluginErrorKind> {
    if alerts.len() > MAX_ALERTS {
        return Err(PluginErrorKind::InvalidOutput(format!(
            "{} alerts, more than the {MAX_ALERTS} allowed",
            alerts.len()
        )));
    }
    alerts
        .into_iter()
        .map(|alert| {
            let rule_chars = alert.rule.chars().count();
            if rule_chars == 0 || rule_chars > MAX_RULE_ID_CHARS {
                return Err(PluginErrorKind::InvalidOutput(format!(
                    "rule id `{}` must have 1 to {MAX_RULE_ID_CHARS} characters",
                    alert
                        .rule
                        .chars()
                        .take(MAX_RULE_ID_CHARS)
                        .collect::<String>()
                )));
            }
            if alert.message.trim().is_empty()
                || alert.message.chars().count() > MAX_ALERT_MESSAGE_CHARS
            {
                return Err(PluginErrorKind::InvalidOutput(format!(
                    "the message of rule `{}` must have 1 to {MAX_ALERT_MESSAGE_CHARS} characters",
                    alert.rule
                )));
            }
            Ok(Alert {
                rule: alert.rule,
                severity: match alert.severity {
                    WitSeverity::Info => Severity::Info,
                    WitSeverity::Warning => Severity::Warning,
                    WitSeverity::Critical => Severity::Critical,
                },
                message: alert.message,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn alert(rule: &str, message: &str) -> WitAlert {
        WitAlert {
            rule: rule.to_string(),
            severity: WitSeverity::Critical,
            message: message.to_string(),
        }
    }

    #[test]
    fn alerts_convert_to_domain_alerts() {
        let converted = validate(vec![alert("brand-safety", "Slur in a top comment.")]).unwrap();
        assert_eq!(
            converted,
            [Alert {
                rule: "brand-safety".to_string(),
                severity: Severity::Critical,
                message: "Slur in a top comment.".to_string(),
            }]
        );
    }

    #[test]
    fn floods_and_malformed_alerts_are_invalid() {
        let flood = vec![alert("r", "m"); MAX_ALERTS + 1];
        let too_long = "x".repeat(MAX_ALERT_MESSAGE_CHARS + 1);
        for alerts in [
            flood,
            vec![alert("", "m")],
            vec![alert("r", " ")],
            vec![alert("r", &too_long)],
        ] {
            assert!(matches!(
                validate(alerts),
                Err(PluginErrorKind::InvalidOutput(_))
            ));
        }
    }
}
