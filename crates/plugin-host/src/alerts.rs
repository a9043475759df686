//! A loaded alert-rules plugin: converts `DayFacts` to the WIT record of the version the
//! component implements, runs `evaluate` in the sandbox and bounds what it may send on to
//! reports and alert sinks.
//!
//! A 0.2 component gets `day-facts`, which mirrors `DayFacts` field for field: dates as
//! `YYYY-MM-DD` (an unknown date as an empty string), each `VideoFacts` as a `tracked-video`
//! with its stats flattened, each `SentimentSummary` as a `sentiment` (counts and mean; the
//! ratios follow from the counts).
//!
//! A 0.1 component gets the old `day-metrics`, computed from `DayFacts`:
//!
//! | `day-metrics` field | from `DayFacts` |
//! | --- | --- |
//! | `campaign-id`, `date` | as is (`YYYY-MM-DD`; empty when unknown) |
//! | `total-views`, `total-videos` | as is |
//! | `new-views` | `views.per_day` rounded: the per-day growth estimate, not the rounded totals' change; none without `views` |
//! | `new-videos` | `new_videos_per_day` rounded; none when unknown |
//! | `tracked-videos`, `new-tracked-videos` | as is |
//! | `top-video-views` | the first (most played) video's plays; none without videos |
//! | `comments-scored` | `new_comments.comments`; 0 without `new_comments` |
//! | `positive-ratio`, `negative-ratio`, `mean-sentiment` | from `new_comments`; none without it or when it counts no comments |
//!
//! `check_settings` calls a 0.2 component's `check-settings`; a 0.1 component is asked to
//! evaluate an empty day (only its campaign id and date set, no history) instead, and its
//! `err` is the one problem.

use hashtrack_domain::text_safety::{Lines, strip_controls};
use wasmtime::component::InstancePre;

use super::LoadReport;
use super::bindings::{v0_1, v0_2, v0_3};
use super::error::{PluginError, PluginErrorKind};
use super::exports::WitVersion;
use super::sandbox::{CallReport, CallState, Sandbox};
use super::sentiment::{wit_settings, wit_settings_v0_1};
use hashtrack_domain::{
    Alert, DayFacts, GrowthBasis, SentimentSummary, Severity, VideoFacts, ViewGrowth,
};

/// Earlier days alert rules see, as the WIT contract promises ("up to 30"): the pipeline and
/// `alerts` read this many days back, and the host passes on no more.
pub const MAX_HISTORY_DAYS: u32 = 30;

/// Alerts one evaluation may raise; more is a broken rule set, not news for a person.
pub const MAX_ALERTS: usize = 50;

/// Longest alert message, in characters: a sentence, not a report.
pub const MAX_ALERT_MESSAGE_CHARS: usize = 500;

/// Longest rule identifier, in characters.
pub const MAX_RULE_ID_CHARS: usize = 64;

/// The pre-instantiated component, with the bindings of the version it implements.
enum RulesPre {
    V0_1(v0_1::alerts::AlertRulesPre<CallState>),
    V0_2(v0_2::alerts::AlertRulesPre<CallState>),
    /// 0.3's rules are 0.2's, under another version: the same types and calls.
    V0_3(v0_3::alerts::AlertRulesPre<CallState>),
}

/// `check-settings` of a 0.2 or 0.3 component (`$pre`), whose bindings differ only in name.
macro_rules! check_settings_0_2 {
    ($sandbox:expr, $pre:expr, $campaign:expr, $settings:expr) => {{
        let wit = wit_settings($settings);
        $sandbox
            .call($campaign, |store| {
                let rules = $pre.instantiate(&mut *store)?;
                let returned = rules
                    .hashtrack_plugins_rules()
                    .call_check_settings(&mut *store, &wit)?;
                Ok(returned.map_err(PluginErrorKind::InvalidSettings))
            })
            .0
    }};
}

/// `evaluate` of a component (`$pre`) of any version: the host's facts converted by `$facts`
/// and `$settings`, its alerts back by `$alert`.
macro_rules! evaluate {
    ($sandbox:expr, $pre:expr, $campaign:expr, $settings:expr, $today:expr, $recent:expr,
     converted by ($to_settings:expr, $facts:expr, $alert:expr)) => {{
        let settings = $to_settings($settings);
        let today = $facts($today);
        let history: Vec<_> = $recent.iter().map($facts).collect();
        $sandbox.call($campaign, |store| {
            let rules = $pre.instantiate(&mut *store)?;
            let returned = rules.hashtrack_plugins_rules().call_evaluate(
                &mut *store,
                &settings,
                &today,
                &history,
            )?;
            Ok(match returned {
                Ok(alerts) => validate(alerts.into_iter().map($alert).collect()),
                Err(message) => Err(PluginErrorKind::PluginReturnedError(message)),
            })
        })
    }};
}

/// An alert-rules plugin ready to be called. Cheap to share: calls do not affect each other.
pub struct AlertRules {
    pre: RulesPre,
    sandbox: Sandbox,
    report: LoadReport,
}

impl AlertRules {
    pub(crate) fn new(
        pre: InstancePre<CallState>,
        version: WitVersion,
        sandbox: Sandbox,
        report: LoadReport,
    ) -> Result<Self, PluginError> {
        let wrong_type = |e: wasmtime::Error| {
            PluginError::load(
                sandbox.plugin(),
                PluginErrorKind::Load(format!(
                    "its rules@{} functions have the wrong type: {e:#}",
                    version.as_str()
                )),
            )
        };
        let pre = match version {
            WitVersion::V0_1 => {
                RulesPre::V0_1(v0_1::alerts::AlertRulesPre::new(pre).map_err(wrong_type)?)
            }
            WitVersion::V0_2 => {
                RulesPre::V0_2(v0_2::alerts::AlertRulesPre::new(pre).map_err(wrong_type)?)
            }
            WitVersion::V0_3 => {
                RulesPre::V0_3(v0_3::alerts::AlertRulesPre::new(pre).map_err(wrong_type)?)
            }
        };
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

    /// The version of the WIT contract the component implements: `0.3.0`, `0.2.0` or `0.1.0`.
    pub fn wit_version(&self) -> &'static str {
        match self.pre {
            RulesPre::V0_1(_) => WitVersion::V0_1.as_str(),
            RulesPre::V0_2(_) => WitVersion::V0_2.as_str(),
            RulesPre::V0_3(_) => WitVersion::V0_3.as_str(),
        }
    }

    /// Checks `campaign`'s `settings` before anything is spent. A refusal is
    /// `PluginErrorKind::InvalidSettings` with every problem the plugin named.
    pub fn check_settings(
        &self,
        campaign: &str,
        settings: &[(String, String)],
    ) -> Result<(), PluginError> {
        match &self.pre {
            RulesPre::V0_2(pre) => check_settings_0_2!(self.sandbox, pre, campaign, settings),
            RulesPre::V0_3(pre) => check_settings_0_2!(self.sandbox, pre, campaign, settings),
            RulesPre::V0_1(pre) => {
                let wit = wit_settings_v0_1(settings);
                let today = day_metrics(&DayFacts {
                    campaign_id: campaign.to_string(),
                    date: Some(chrono::Utc::now().date_naive()),
                    ..DayFacts::default()
                });
                self.sandbox
                    .call(campaign, |store| {
                        let rules = pre.instantiate(&mut *store)?;
                        let returned = rules.hashtrack_plugins_rules().call_evaluate(
                            &mut *store,
                            &wit,
                            &today,
                            &[],
                        )?;
                        // What a dry run raises is of no interest; only a refusal is.
                        Ok(returned
                            .map(|_| ())
                            .map_err(|message| PluginErrorKind::InvalidSettings(vec![message])))
                    })
                    .0
            }
        }
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
        let recent = &history[history.len().saturating_sub(MAX_HISTORY_DAYS as usize)..];
        let sandbox = &self.sandbox;
        match &self.pre {
            RulesPre::V0_2(pre) => evaluate!(sandbox, pre, campaign, settings, today, recent,
                converted by (wit_settings, day_facts, from_v0_2)),
            RulesPre::V0_3(pre) => evaluate!(sandbox, pre, campaign, settings, today, recent,
                converted by (wit_settings, day_facts, from_v0_2)),
            RulesPre::V0_1(pre) => evaluate!(sandbox, pre, campaign, settings, today, recent,
                converted by (wit_settings_v0_1, day_metrics, from_v0_1)),
        }
    }
}

/// `DayFacts` as 0.2's `day-facts`. A missing date becomes an empty string: the WIT field is
/// not optional, and the host always knows the date of a day it evaluates.
fn day_facts(facts: &DayFacts) -> v0_2::types::DayFacts {
    use v0_2::types as wit;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    wit::DayFacts {
        campaign_id: facts.campaign_id.clone(),
        date: date(facts.date),
        span_days: facts.span_days,
        collected_on: facts.collected_on.map(|d| d.to_string()),
        total_views: facts.total_views,
        total_videos: facts.total_videos,
        videos_seen: facts.videos_seen,
        views: facts.views.as_ref().map(view_growth),
        new_videos_per_day: facts.new_videos_per_day,
        tracked_videos: facts.tracked_videos,
        new_tracked_videos: facts.new_tracked_videos,
        hashtags: facts
            .hashtags
            .iter()
            .map(|h| wit::HashtagDay {
                name: h.name.clone(),
                views: h.views,
                videos: h.videos,
            })
            .collect(),
        videos: facts
            .videos
            .iter()
            .map(|v: &VideoFacts| wit::TrackedVideo {
                id: v.id.clone(),
                creator: v.creator.clone(),
                plays: v.stats.plays,
                likes: v.stats.likes,
                comments: v.stats.comments,
                shares: v.stats.shares,
                first_seen: date(v.first_seen),
                plays_change: v.plays_change,
                change_span_days: v.change_span_days,
            })
            .collect(),
        new_comments: facts.new_comments.as_ref().map(sentiment),
        comments_to_date: facts.comments_to_date.as_ref().map(sentiment),
        scorer: facts.scorer.clone(),
        alerts: facts
            .alerts
            .iter()
            .map(|a| wit::Alert {
                rule: a.rule.clone(),
                severity: match a.severity {
                    Severity::Info => wit::Severity::Info,
                    Severity::Warning => wit::Severity::Warning,
                    Severity::Critical => wit::Severity::Critical,
                },
                message: a.message.clone(),
            })
            .collect(),
    }
}

fn view_growth(views: &ViewGrowth) -> v0_2::types::ViewGrowth {
    v0_2::types::ViewGrowth {
        span_days: views.span_days,
        per_day: views.per_day,
        per_day_low: views.per_day_low,
        per_day_high: views.per_day_high,
        totals_change: views.totals_change,
        totals_step: views.totals_step,
        tracked_change: views.tracked_change,
        tracked_compared: views.tracked_compared,
        basis: match views.basis {
            GrowthBasis::TrackedVideos => v0_2::types::GrowthBasis::TrackedVideos,
            GrowthBasis::Totals => v0_2::types::GrowthBasis::Totals,
        },
    }
}

fn sentiment(summary: &SentimentSummary) -> v0_2::types::Sentiment {
    v0_2::types::Sentiment {
        comments: summary.comments,
        positive: summary.positive,
        neutral: summary.neutral,
        negative: summary.negative,
        mean_score: summary.mean_score,
    }
}

/// `DayFacts` as 0.1's `day-metrics` (the table in the module doc).
fn day_metrics(facts: &DayFacts) -> v0_1::types::DayMetrics {
    let scored = facts.new_comments.as_ref().filter(|s| s.comments > 0);
    v0_1::types::DayMetrics {
        campaign_id: facts.campaign_id.clone(),
        date: facts.date.map(|d| d.to_string()).unwrap_or_default(),
        total_views: facts.total_views,
        total_videos: facts.total_videos,
        new_views: facts.views.as_ref().and_then(|v| rounded(v.per_day)),
        new_videos: facts.new_videos_per_day.and_then(rounded),
        tracked_videos: facts.tracked_videos,
        new_tracked_videos: facts.new_tracked_videos,
        top_video_views: facts.videos.first().map(|v| v.stats.plays),
        comments_scored: facts.new_comments.as_ref().map_or(0, |s| s.comments),
        positive_ratio: scored.map(|s| s.positive_ratio),
        negative_ratio: scored.map(|s| s.negative_ratio),
        mean_sentiment: scored.map(|s| s.mean_score),
    }
}

/// A per-day estimate as a whole number; none when it is not a number.
fn rounded(estimate: f64) -> Option<i64> {
    // `as` saturates at the ends of i64, which no view count reaches.
    estimate.is_finite().then(|| estimate.round() as i64)
}

fn from_v0_2(alert: v0_2::types::Alert) -> Alert {
    use v0_2::types::Severity as Wit;
    Alert {
        rule: one_line(&alert.rule),
        // The host knows which plugin this is; the caller names it.
        plugin: String::new(),
        severity: match alert.severity {
            Wit::Info => Severity::Info,
            Wit::Warning => Severity::Warning,
            Wit::Critical => Severity::Critical,
        },
        message: one_line(&alert.message),
    }
}

fn from_v0_1(alert: v0_1::types::Alert) -> Alert {
    use v0_1::types::Severity as Wit;
    Alert {
        rule: one_line(&alert.rule),
        // The host knows which plugin this is; the caller names it.
        plugin: String::new(),
        severity: match alert.severity {
            Wit::Info => Severity::Info,
            Wit::Warning => Severity::Warning,
            Wit::Critical => Severity::Critical,
        },
        message: one_line(&alert.message),
    }
}

/// A plugin's text as one line without control characters: it reaches terminals, CSV cells
/// and chat messages.
fn one_line(text: &str) -> String {
    strip_controls(text, Lines::One).into_owned()
}

/// Bounds the alerts (already converted to domain alerts).
fn validate(alerts: Vec<Alert>) -> Result<Vec<Alert>, PluginErrorKind> {
    if alerts.len() > MAX_ALERTS {
        return Err(PluginErrorKind::InvalidOutput(format!(
            "{} alerts, more than the {MAX_ALERTS} allowed",
            alerts.len()
        )));
    }
    for alert in &alerts {
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
    }
    Ok(alerts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use hashtrack_domain::{HashtagDay, VideoStats};

    fn alert(rule: &str, message: &str) -> Alert {
        Alert {
            rule: rule.to_string(),
            plugin: String::new(),
            severity: Severity::Critical,
            message: message.to_string(),
        }
    }

    fn summary(comments: u32, positive: u32, negative: u32, mean: f64) -> SentimentSummary {
        SentimentSummary {
            unscored: Default::default(),
            languages: Default::default(),
            comments,
            positive,
            neutral: comments - positive - negative,
            negative,
            positive_ratio: f64::from(positive) / f64::from(comments.max(1)),
            negative_ratio: f64::from(negative) / f64::from(comments.max(1)),
            mean_score: mean,
        }
    }

    fn growth() -> ViewGrowth {
        ViewGrowth {
            span_days: 2,
            per_day: 812_400.6,
            per_day_low: 800_000.0,
            per_day_high: Some(900_000.0),
            totals_change: Some(1_600_000),
            totals_step: Some(100_000),
            tracked_change: 40_000,
            tracked_compared: 18,
            basis: GrowthBasis::TrackedVideos,
        }
    }

    fn facts() -> DayFacts {
        DayFacts {
            campaign_id: "brandx".to_string(),
            date: NaiveDate::from_ymd_opt(2026, 3, 14),
            span_days: Some(2),
            collected_on: NaiveDate::from_ymd_opt(2026, 3, 15),
            total_views: Some(12_300_000),
            total_videos: None,
            videos_seen: 340,
            views: Some(growth()),
            new_videos_per_day: Some(73.5),
            tracked_videos: 20,
            new_tracked_videos: 4,
            hashtags: vec![HashtagDay {
                name: "glassskin".to_string(),
                views: Some(12_300_000),
                videos: None,
            }],
            videos: vec![VideoFacts {
                id: "v1".to_string(),
                creator: "glowgirl".to_string(),
                stats: VideoStats {
                    plays: 91_000,
                    likes: 5_000,
                    comments: 120,
                    shares: 30,
                    saves: 12,
                },
                first_seen: NaiveDate::from_ymd_opt(2026, 3, 12),
                plays_change: Some(20_000),
                change_span_days: Some(2),
            }],
            new_comments: Some(summary(140, 31, 80, -0.21)),
            comments_to_date: Some(summary(900, 400, 200, 0.2)),
            scorer: "builtin:sentiment#3fa81c2d9e01".to_string(),
            alerts: vec![alert("viral-day", "Viral.")],
        }
    }

    #[test]
    fn day_facts_convert_field_for_field_to_0_2() {
        let wit = day_facts(&facts());
        assert_eq!(wit.date, "2026-03-14");
        assert_eq!(wit.collected_on.as_deref(), Some("2026-03-15"));
        assert_eq!(wit.span_days, Some(2));
        assert_eq!(wit.total_videos, None);
        let views = wit.views.unwrap();
        assert_eq!(views.per_day, 812_400.6);
        assert_eq!(views.per_day_high, Some(900_000.0));
        assert_eq!(views.totals_step, Some(100_000));
        assert!(matches!(
            views.basis,
            v0_2::types::GrowthBasis::TrackedVideos
        ));
        assert_eq!(wit.videos[0].plays, 91_000);
        assert_eq!(wit.videos[0].shares, 30);
        assert_eq!(wit.videos[0].first_seen, "2026-03-12");
        assert_eq!(wit.videos[0].plays_change, Some(20_000));
        assert_eq!(wit.hashtags[0].name, "glassskin");
        let new = wit.new_comments.unwrap();
        assert_eq!((new.comments, new.positive, new.negative), (140, 31, 80));
        assert_eq!(wit.comments_to_date.unwrap().comments, 900);
        assert_eq!(wit.scorer, "builtin:sentiment#3fa81c2d9e01");
        assert_eq!(wit.alerts[0].rule, "viral-day");
        assert!(matches!(
            wit.alerts[0].severity,
            v0_2::types::Severity::Critical
        ));
    }

    #[test]
    fn day_facts_convert_to_0_1_day_metrics_by_the_documented_mapping() {
        let metrics = day_metrics(&facts());
        assert_eq!(metrics.campaign_id, "brandx");
        assert_eq!(metrics.date, "2026-03-14");
        assert_eq!(metrics.total_views, Some(12_300_000));
        assert_eq!(metrics.total_videos, None);
        // The per-day estimate, not the totals' change over the span.
        assert_eq!(metrics.new_views, Some(812_401));
        assert_eq!(metrics.new_videos, Some(74));
        assert_eq!(metrics.tracked_videos, 20);
        assert_eq!(metrics.new_tracked_videos, 4);
        assert_eq!(metrics.top_video_views, Some(91_000));
        assert_eq!(metrics.comments_scored, 140);
        assert_eq!(metrics.positive_ratio, Some(31.0 / 140.0));
        assert_eq!(metrics.negative_ratio, Some(80.0 / 140.0));
        assert_eq!(metrics.mean_sentiment, Some(-0.21));
    }

    #[test]
    fn missing_facts_stay_missing_in_0_1_day_metrics() {
        let metrics = day_metrics(&DayFacts {
            campaign_id: "brandx".to_string(),
            date: NaiveDate::from_ymd_opt(2026, 3, 14),
            new_comments: Some(summary(0, 0, 0, 0.0)),
            ..DayFacts::default()
        });
        assert_eq!(metrics.new_views, None);
        assert_eq!(metrics.new_videos, None);
        assert_eq!(metrics.top_video_views, None);
        assert_eq!(metrics.comments_scored, 0);
        assert_eq!(metrics.positive_ratio, None);
        assert_eq!(metrics.mean_sentiment, None);
        assert_eq!(day_metrics(&DayFacts::default()).date, "");
    }

    #[test]
    fn alerts_convert_to_domain_alerts() {
        let converted = from_v0_2(v0_2::types::Alert {
            rule: "brand-safety".to_string(),
            severity: v0_2::types::Severity::Critical,
            message: "Slur in a top comment.".to_string(),
        });
        assert_eq!(converted, alert("brand-safety", "Slur in a top comment."));
        let converted = from_v0_1(v0_1::types::Alert {
            rule: "brand-safety".to_string(),
            severity: v0_1::types::Severity::Critical,
            message: "Slur in a top comment.".to_string(),
        });
        assert_eq!(converted, alert("brand-safety", "Slur in a top comment."));
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
        assert_eq!(validate(vec![alert("r", "m")]), Ok(vec![alert("r", "m")]));
    }
}
