//! The outbox: one durable record per alert (campaign, date, plugin, rule), written in the same
//! store transaction as the day it belongs to, with the delivery state of every sink it goes to.
//!
//! An alert's identity is its campaign, date, plugin and rule, so storing a day again (a re-run, a
//! rescore) finds the record already there and sends nothing twice. A rescore that words it
//! differently (new thresholds, a new scorer) updates the record's text, figures, drivers and
//! quotes, so `hashtrack alerts` says what the reports say; its deliveries stay as they are
//! (a new wording is not news). An alert a rescore no longer raises is marked withdrawn: what
//! was not yet sent is cancelled; what was sent is not retracted (a retraction would be one
//! more message about nothing) but `hashtrack alerts` shows it as withdrawn.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::evidence::{self, Driver, Quote};
use crate::domain::{Alert, AlertsOutcome, DayMetrics, SentimentOutcome, Severity};
use crate::store::ReadComment;

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
    /// The videos that drove a growth alert, most first (`evidence::drivers`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drivers: Vec<Driver>,
    /// The new negative comments a sentiment alert quotes, most liked first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<Quote>,
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
    /// New views per day: the estimate (to a whole view) and what the evidence allows around
    /// it (the lower bound rounded down, the upper up: a bound never claims more).
    pub new_views_per_day: Option<f64>,
    pub new_views_per_day_low: Option<f64>,
    pub new_views_per_day_high: Option<f64>,
    pub new_videos_per_day: Option<f64>,
    /// The new comments scored, and their positive and negative shares (to 0.1 %) and counts.
    pub new_comments: Option<u32>,
    pub positive_share: Option<f64>,
    pub negative_share: Option<f64>,
    #[serde(default)]
    pub positive_comments: Option<u32>,
    #[serde(default)]
    pub negative_comments: Option<u32>,
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
        // Whole views (bounds rounded outward: a bound never claims more than the evidence),
        // videos to 0.1 and shares to 0.1 %: no more precise than they are known.
        let whole = |x: f64| x.round();
        let share = |x: f64| (x * 1000.0).round() / 1000.0;
        KeyFigures {
            total_views: day.total_views,
            new_views_per_day: growth.map(|g| whole(g.per_day)),
            new_views_per_day_low: growth.map(|g| g.per_day_low.floor()),
            new_views_per_day_high: growth.and_then(|g| g.per_day_high).map(f64::ceil),
            new_videos_per_day: day
                .facts()
                .new_videos_per_day
                .map(|v| (v * 10.0).round() / 10.0),
            new_comments: sentiment.map(|s| s.comments),
            positive_share: sentiment.map(|s| share(s.positive_ratio)),
            negative_share: sentiment.map(|s| share(s.negative_ratio)),
            positive_comments: sentiment.map(|s| s.positive),
            negative_comments: sentiment.map(|s| s.negative),
        }
    }
}

/// What storing `day` changes in its outbox records, given those already stored for it:
/// new alerts get a record (with the drivers and quotes chosen from the day and `comments`, the
/// ones it read for the first time); records of alerts it no longer raises are withdrawn (their
/// unsent deliveries cancelled); an alert already recorded keeps its record and deliveries, its
/// wording brought up to date when that changed.
pub fn reconcile(
    day: &DayMetrics,
    comments: &[ReadComment],
    existing: &[OutboxEntry],
    now: i64,
) -> Vec<OutboxEntry> {
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
            Some(entry) => {
                let mut current = entry.clone();
                current.word_as(alert, day, comments);
                if entry.withdrawn_at.is_some() {
                    // Raised again after a withdrawal: it stands again; sinks not yet reached
                    // get it as usual.
                    current.withdrawn_at = None;
                    current
                        .deliveries
                        .retain(|_, d| d.state != DeliveryState::Cancelled);
                }
                if current != *entry {
                    changes.push(current);
                }
            }
            None => {
                let mut entry = OutboxEntry {
                    campaign_id: day.campaign_id.clone(),
                    client_id: day.client_id.clone(),
                    date: day.date,
                    rule: alert.rule.clone(),
                    plugin: alert.plugin.clone(),
                    severity: alert.severity,
                    message: String::new(),
                    figures: KeyFigures::default(),
                    drivers: Vec::new(),
                    quotes: Vec::new(),
                    raised_at: now,
                    withdrawn_at: None,
                    deliveries: BTreeMap::new(),
                };
                entry.word_as(alert, day, comments);
                changes.push(entry);
            }
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

impl OutboxEntry {
    /// What a person reads of the alert, as `alert` and its day say it now. Its identity,
    /// when it was raised and its deliveries are left as they are.
    fn word_as(&mut self, alert: &Alert, day: &DayMetrics, comments: &[ReadComment]) {
        self.severity = alert.severity;
        self.message = alert.message.clone();
        self.figures = KeyFigures::of(day);
        self.drivers = evidence::drivers(&alert.rule, day);
        self.quotes = evidence::quotes(&alert.rule, day, comments);
    }
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
        let entries = reconcile(&day, &[], &[], 0);
        assert_eq!(entries.len(), 2);
        assert_ne!(entries[0].key(), entries[1].key());
        // Stored again: nothing changes.
        assert_eq!(reconcile(&day, &[], &entries, 1), []);
        // One plugin stops raising it: only its record is withdrawn.
        let changes = reconcile(&raising(&[("builtin", "low-activity")]), &[], &entries, 2);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].plugin, "brandx");
        assert_eq!(changes[0].withdrawn_at, Some(2));
    }

    #[test]
    fn a_record_from_before_plugins_were_named_is_the_same_alert() {
        let mut legacy = reconcile(&raising(&[("builtin", "viral-day")]), &[], &[], 0).remove(0);
        legacy.plugin.clear();
        let day = raising(&[("builtin", "viral-day")]);
        assert_eq!(reconcile(&day, &[], std::slice::from_ref(&legacy), 1), []);
    }

    #[test]
    fn a_rescore_that_words_an_alert_differently_updates_its_text_and_sends_nothing_again() {
        let mut entries = reconcile(&raising(&[("builtin", "viral-day")]), &[], &[], 0);
        entries[0].deliveries.insert(
            "slack".into(),
            Delivery {
                state: DeliveryState::Sent,
                attempts: 1,
                at: 5,
                last_error: None,
            },
        );
        // New thresholds: the same alert, said another way, with other figures.
        let mut day = raising(&[("builtin", "viral-day")]);
        if let AlertsOutcome::Evaluated { alerts } = &mut day.alerts {
            alerts[0].message = "Viral day: about 1.1 M new views a day.".into();
            alerts[0].severity = Severity::Critical;
        }
        day.total_views = Some(2_000_000);
        let changes = reconcile(&day, &[], &entries, 9);
        assert_eq!(changes.len(), 1);
        let updated = &changes[0];
        assert_eq!(updated.message, "Viral day: about 1.1 M new views a day.");
        assert_eq!(updated.severity, Severity::Critical);
        assert_eq!(updated.figures.total_views, Some(2_000_000));
        assert_eq!(updated.key(), entries[0].key());
        assert_eq!(updated.raised_at, 0);
        assert_eq!(updated.deliveries, entries[0].deliveries, "sent stays sent");
        // Stored again as it now reads: nothing changes.
        assert_eq!(reconcile(&day, &[], &changes, 10), []);
    }

    #[test]
    fn a_sentiment_alert_keeps_the_days_quotes_and_a_growth_alert_its_drivers() {
        let mut day = raising(&[("builtin", "negative-sentiment"), ("builtin", "viral-day")]);
        day.videos = vec![crate::domain::TrackedVideo {
            id: "7301".into(),
            creator: "ann".into(),
            caption: String::new(),
            created_at: 0,
            stats: Default::default(),
            first_seen: day.date,
            plays_change: Some(40_000),
            change_span_days: Some(1),
        }];
        let comments = [ReadComment {
            language: None,
            id: "c1".into(),
            video_id: "7301".into(),
            text: "broke me out".into(),
            created_at: 0,
            likes: 12,
            score: Some(-0.6),
        }];
        let entries = reconcile(&day, &comments, &[], 0);
        let by_rule = |rule: &str| entries.iter().find(|e| e.rule == rule).unwrap();
        let sentiment = by_rule("negative-sentiment");
        assert_eq!(sentiment.quotes.len(), 1);
        assert!(sentiment.drivers.is_empty());
        let viral = by_rule("viral-day");
        assert_eq!(viral.drivers[0].video_id, "7301");
        assert!(viral.quotes.is_empty());
        // A record from before drivers and quotes were kept still reads.
        let mut old = serde_json::to_value(sentiment).unwrap();
        old.as_object_mut().unwrap().remove("quotes");
        old["figures"]
            .as_object_mut()
            .unwrap()
            .remove("positive_comments");
        let old: OutboxEntry = serde_json::from_value(old).unwrap();
        assert!(old.quotes.is_empty());
    }
}
