//! The outbox: one durable record per alert (campaign, date, plugin, rule), written in the same
//! store transaction as the day it belongs to, with the delivery state of every sink it goes to.
//!
//! An alert's identity is its campaign, date, plugin and rule, so storing a day again (a re-run, a
//! rescore) finds the record already there and sends nothing twice. An alert a rescore no
//! longer raises is marked withdrawn: what was not yet sent is cancelled; what was sent is
//! not retracted (a retraction would be one more message about nothing) but `hashtrack
//! alerts` shows it as withdrawn.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{Alert, AlertsOutcome, DayMetrics, SentimentOutcome, Severity};

/// One alert and its deliveries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub campaign_id: String,
    pub client_id: String,
    pub date: NaiveDate,
    pub rule: String,
    /// The plugin that raised it (`Alert::plugin`); empty on records stored before plugins
    /// were named.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub plugin: String,
    pub severity: Severity,
    pub message: String,
    pub figures: KeyFigures,
    /// Unix seconds when the alert was first stored.
    pub raised_at: i64,
    /// Unix seconds when a rescore stopped raising it.
    #[serde(default)]
    pub withdrawn_at: Option<i64>,
    /// By sink name; a sink without an entry has not been tried yet.
    #[serde(default)]
    pub deliveries: BTreeMap<String, Delivery>,
}

/// The day's key figures, as the alert's receivers see them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KeyFigures {
    /// The hashtags' total views as the API reports them (rounded upstream).
    pub total_views: Option<u64>,
    /// New views per day: the estimate and what the evidence allows around it.
    pub new_views_per_day: Option<f64>,
    pub new_views_per_day_low: Option<f64>,
    pub new_views_per_day_high: Option<f64>,
    pub new_videos_per_day: Option<f64>,
    /// The new comments scored, and their positive and negative shares.
    pub new_comments: Option<u32>,
    pub positive_share: Option<f64>,
    pub negative_share: Option<f64>,
}

/// Where one alert stands with one sink.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub state: DeliveryState,
    pub attempts: u32,
    /// Unix seconds of the last change.
    pub at: i64,
    /// Why the last attempt failed, in words without secrets.
    #[serde(default)]
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Delivered (as its own message or in a digest).
    Sent,
    /// Not sent: the same rule fired on the previous day and its last message is within the
    /// sink's cooldown. Digests list it as still ongoing.
    Ongoing,
    /// Not sent: below the sink's minimum severity.
    BelowSeverity,
    /// Tried and failed for a reason that may pass (429, 5xx, a timeout, an unset variable):
    /// `alerts send` and the next run try again.
    Retrying,
    /// Refused for good (400, 403, 404, 410): not tried again.
    Failed,
    /// Withdrawn by a rescore before it was sent.
    Cancelled,
    /// Not sent: the alert was stored more than `deliver::STALE_AFTER_DAYS` days before it
    /// could be delivered (a sink added later, an endpoint down for a week): old news.
    Expired,
}

impl DeliveryState {
    /// Whether nothing more will happen to this delivery.
    pub fn is_final(self) -> bool {
        !matches!(self, DeliveryState::Retrying)
    }
}

impl OutboxEntry {
    /// The record's key in the store: campaign, date, then plugin and rule (the rule alone on
    /// records stored before plugins were named).
    pub fn key(&self) -> String {
        let prefix = day_prefix(&self.campaign_id, self.date);
        if self.plugin.is_empty() {
            format!("{prefix}{}", self.rule)
        } else {
            format!("{prefix}{}/{}", self.plugin, self.rule)
        }
    }

    /// A stable identifier, for receivers to deduplicate (`webhook-id`).
    pub fn id(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.key().as_bytes());
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        format!("msg_{hex}")
    }

    pub fn alert(&self) -> Alert {
        Alert {
            rule: self.rule.clone(),
            plugin: self.plugin.clone(),
            severity: self.severity,
            message: self.message.clone(),
        }
    }
}

/// The prefix of every entry of one campaign-day.
pub fn day_prefix(campaign: &str, date: NaiveDate) -> String {
    format!("{campaign}/{date}/")
}

impl KeyFigures {
    pub fn of(day: &DayMetrics) -> KeyFigures {
        let growth = day.view_growth.as_ref();
        let sentiment = match &day.sentiment {
            SentimentOutcome::Scored(s) if s.comments > 0 => Some(s),
            _ => None,
        };
        // Whole views and videos, shares to 0.1 %: no more precise than they are known.
        let whole = |x: f64| x.round();
        let share = |x: f64| (x * 1000.0).round() / 1000.0;
        KeyFigures {
            total_views: day.total_views,
            new_views_per_day: growth.map(|g| whole(g.per_day)),
            new_views_per_day_low: growth.map(|g| whole(g.per_day_low)),
            new_views_per_day_high: growth.and_then(|g| g.per_day_high).map(whole),
            new_videos_per_day: day
                .facts()
                .new_videos_per_day
                .map(|v| (v * 10.0).round() / 10.0),
            new_comments: sentiment.map(|s| s.comments),
            positive_share: sentiment.map(|s| share(s.positive_ratio)),
            negative_share: sentiment.map(|s| share(s.negative_ratio)),
        }
    }
}

/// What storing `day` changes in its outbox records, given those already stored for it:
/// new alerts get a record; records of alerts it no longer raises are withdrawn (their
/// unsent deliveries cancelled). An alert already recorded keeps its record as it is.
pub fn reconcile(day: &DayMetrics, existing: &[OutboxEntry], now: i64) -> Vec<OutboxEntry> {
    let alerts: &[Alert] = match &day.alerts {
        AlertsOutcome::Evaluated { alerts } => alerts,
        // Rules that could not run say nothing about which alerts stand: keep the records.
        AlertsOutcome::Unavailable { .. } => return Vec::new(),
    };
    let mut changes = Vec::new();
    for alert in alerts {
        match existing
            .iter()
            .find(|e| e.alert().is_of(&alert.plugin, &alert.rule))
        {
            Some(entry) if entry.withdrawn_at.is_some() => {
                // Raised again after a withdrawal: it stands again; sinks not yet reached
                // get it as usual.
                let mut revived = entry.clone();
                revived.withdrawn_at = None;
                revived
                    .deliveries
                    .retain(|_, d| d.state != DeliveryState::Cancelled);
                changes.push(revived);
            }
            Some(_) => {}
            None => changes.push(OutboxEntry {
                campaign_id: day.campaign_id.clone(),
                client_id: day.client_id.clone(),
                date: day.date,
                rule: alert.rule.clone(),
                plugin: alert.plugin.clone(),
                severity: alert.severity,
                message: alert.message.clone(),
                figures: KeyFigures::of(day),
                raised_at: now,
                withdrawn_at: None,
                deliveries: BTreeMap::new(),
            }),
        }
    }
    for entry in existing {
        let still_raised = alerts.iter().any(|a| a.is_of(&entry.plugin, &entry.rule));
        if !still_raised && entry.withdrawn_at.is_none() {
            changes.push(withdraw(entry.clone(), now));
        }
    }
    changes
}

/// `entry` withdrawn at `now`: deliveries still being retried are cancelled.
pub fn withdraw(mut entry: OutboxEntry, now: i64) -> OutboxEntry {
    entry.withdrawn_at = Some(now);
    for delivery in entry.deliveries.values_mut() {
        if delivery.state == DeliveryState::Retrying {
            delivery.state = DeliveryState::Cancelled;
            delivery.at = now;
        }
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    fn raising(alerts: &[(&str, &str)]) -> DayMetrics {
        let mut day = fixtures::day("2026-03-02", 1_000_000, 100);
        day.alerts = AlertsOutcome::Evaluated {
            alerts: alerts
                .iter()
                .map(|(plugin, rule)| Alert {
                    rule: rule.to_string(),
                    plugin: plugin.to_string(),
                    severity: Severity::Warning,
                    message: "m".into(),
                })
                .collect(),
        };
        day
    }

    #[test]
    fn two_plugins_raising_one_rule_id_are_two_alerts() {
        let day = raising(&[("builtin", "low-activity"), ("brandx", "low-activity")]);
        let entries = reconcile(&day, &[], 0);
        assert_eq!(entries.len(), 2);
        assert_ne!(entries[0].key(), entries[1].key());
        // Stored again: nothing changes.
        assert_eq!(reconcile(&day, &entries, 1), []);
        // One plugin stops raising it: only its record is withdrawn.
        let changes = reconcile(&raising(&[("builtin", "low-activity")]), &entries, 2);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].plugin, "brandx");
        assert_eq!(changes[0].withdrawn_at, Some(2));
    }

    #[test]
    fn a_record_from_before_plugins_were_named_is_the_same_alert() {
        let mut legacy = reconcile(&raising(&[("builtin", "viral-day")]), &[], 0).remove(0);
        legacy.plugin.clear();
        let day = raising(&[("builtin", "viral-day")]);
        assert_eq!(reconcile(&day, std::slice::from_ref(&legacy), 1), []);
    }
}
