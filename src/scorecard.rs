//! The scorecard behind `hashtrack evaluate`: what the product told an agency about simulated
//! campaigns, judged against the simulator's truth (`GET /_sim/truth`).
//!
//! Pure: the caller runs the days, reads the store and fetches the truth; this module only
//! compares. It owns the definitions of a false alert, a missed event, a detection latency and
//! the growth error, so that every figure in a closing note means the same thing.
//!
//! Definitions (all per campaign; a campaign's truth is the sum over its hashtags):
//! - growth error: |estimate − truth| / truth of the new views per day, over the days the
//!   product gave an estimate and the truth gained views; the truth of a day that covers a gap
//!   is the gap's average.
//! - a stall starts on the latest `stall_on` of the campaign's hashtags (every hashtag must
//!   stall); a backlash starts on each hashtag's `backlash_on`, unless that hashtag has
//!   stalled by then (hardly any new comments: nothing to detect). Detection latency is the days
//!   from the start to the first alert of the matching rules; none within
//!   [`DETECTION_WINDOW_DAYS`] is a miss.
//! - a false alert is one the truth contradicts: `low-activity` on a day whose true new views
//!   per day reach the minimum, `viral-day` on one below the viral threshold,
//!   `high-participation` below the videos threshold, a backlash rule outside every backlash
//!   (its start to [`DETECTION_WINDOW_DAYS`] later) on a day whose new comments are mostly not
//!   negative.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{AlertsOutcome, DayMetrics};

/// Days after an event's start within which an alert counts as detecting it.
pub const DETECTION_WINDOW_DAYS: i64 = 2;
/// Rules that report a backlash in comments.
pub const BACKLASH_RULES: &[&str] = &["negative-sentiment", "sentiment-drop"];
/// The rule that reports a stall.
pub const STALL_RULE: &str = "low-activity";
/// The truth's phase of a stalled hashtag.
const STALLED: &str = "stalled";
/// A day's new comments at least this negative are a backlash in truth, whatever the phase.
const NEGATIVE_SHARE_OF_A_BACKLASH: f64 = 0.4;

/// The simulator's truth of one hashtag on one date, as `/_sim/truth` serves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthDay {
    pub hashtag: String,
    pub date: NaiveDate,
    pub views: u64,
    pub new_views: i64,
    pub videos: u64,
    pub new_videos: i64,
    pub phase: String,
    pub backlash_on: Option<NaiveDate>,
    pub stall_on: Option<NaiveDate>,
    pub new_comments: CommentMix,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CommentMix {
    pub total: u64,
    pub positive: u64,
    pub neutral: u64,
    pub negative: u64,
}

/// The alert thresholds a campaign's rules use, for judging their alerts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub viral_day_views: f64,
    pub min_daily_views: f64,
    pub high_participation_videos: f64,
}

/// What one campaign's simulated days are judged on.
pub struct CampaignEvidence<'a> {
    pub campaign: &'a str,
    pub thresholds: Thresholds,
    /// The stored days, oldest first.
    pub days: &'a [DayMetrics],
    /// The truth of each of the campaign's hashtags on every simulated date.
    pub truth: &'a [TruthDay],
}

/// One campaign's judged figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CampaignScore {
    pub campaign: String,
    pub days: u32,
    /// Relative errors of the growth estimate (new views per day), one per judged day.
    pub growth_errors: Vec<f64>,
    pub stalls: Vec<Detection>,
    pub backlashes: Vec<Detection>,
    /// Alerts the truth contradicts, by rule.
    pub false_alerts: BTreeMap<String, u32>,
    /// Each of those alerts with the figures that contradict it, to look into.
    pub false_alert_days: Vec<FalseAlert>,
    /// Days the truth was above the viral threshold and no `viral-day` was raised.
    pub missed_viral_days: u32,
}

/// An alert the truth contradicts, with what the product estimated and what was true.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FalseAlert {
    pub date: NaiveDate,
    pub rule: String,
    pub estimated_views_per_day: Option<f64>,
    pub true_views_per_day: Option<f64>,
    pub true_negative_share: f64,
}

/// One event and when (if ever) the product reported it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    pub starts: NaiveDate,
    /// Days from the start to the first matching alert; `None` when missed.
    pub latency_days: Option<i64>,
}

/// The growth estimate a stored day gives, in new views per day.
pub fn estimated_views_per_day(day: &DayMetrics) -> Option<f64> {
    day.view_growth.as_ref().map(|g| g.per_day)
}

/// Judges one campaign's days against the truth.
pub fn judge(evidence: &CampaignEvidence) -> CampaignScore {
    let truth = CampaignTruth::new(evidence.truth);
    let t = evidence.thresholds;
    let mut score = CampaignScore {
        campaign: evidence.campaign.to_string(),
        days: evidence.days.len() as u32,
        ..CampaignScore::default()
    };
    let mut previous: Option<NaiveDate> = None;
    let mut alerts: Vec<(NaiveDate, String)> = Vec::new();
    for day in evidence.days {
        // A day's figures cover the dates since the previous stored day.
        let span_from = previous.map_or(day.date, |p| p.succ_opt().unwrap_or(day.date));
        previous = Some(day.date);
        let true_views = truth.views_per_day(span_from, day.date);
        let true_videos = truth.videos_per_day(span_from, day.date);
        if let (Some(estimate), Some(actual)) = (estimated_views_per_day(day), true_views)
            && actual > 0.0
        {
            score.growth_errors.push((estimate - actual).abs() / actual);
        }
        let raised: Vec<&str> = match &day.alerts {
            AlertsOutcome::Evaluated { alerts } => alerts.iter().map(|a| a.rule.as_str()).collect(),
            AlertsOutcome::Unavailable { .. } => Vec::new(),
        };
        let contradicted = |rule: &str| -> bool {
            match rule {
                STALL_RULE => true_views.is_some_and(|v| v >= t.min_daily_views),
                "viral-day" => true_views.is_some_and(|v| v < t.viral_day_views),
                "high-participation" => {
                    true_videos.is_some_and(|v| v < t.high_participation_videos)
                }
                r if BACKLASH_RULES.contains(&r) => {
                    !truth.in_backlash(day.date)
                        && truth.negative_share(day.date) < NEGATIVE_SHARE_OF_A_BACKLASH
                }
                _ => false,
            }
        };
        for rule in &raised {
            if contradicted(rule) {
                *score.false_alerts.entry(rule.to_string()).or_default() += 1;
                score.false_alert_days.push(FalseAlert {
                    date: day.date,
                    rule: rule.to_string(),
                    estimated_views_per_day: estimated_views_per_day(day),
                    true_views_per_day: true_views,
                    true_negative_share: truth.negative_share(day.date),
                });
            }
            alerts.push((day.date, rule.to_string()));
        }
        if true_views.is_some_and(|v| v > t.viral_day_views) && !raised.contains(&"viral-day") {
            score.missed_viral_days += 1;
        }
    }
    let last = evidence.days.last().map(|d| d.date);
    let detect = |starts: NaiveDate, rules: &[&str]| Detection {
        starts,
        latency_days: alerts
            .iter()
            .filter(|(date, rule)| rules.contains(&rule.as_str()) && *date >= starts)
            .map(|(date, _)| (*date - starts).num_days())
            .find(|&latency| latency <= DETECTION_WINDOW_DAYS),
    };
    let within = |date: NaiveDate| last.is_some_and(|last| date <= last);
    if let Some(starts) = truth.stall_start().filter(|d| within(*d)) {
        score.stalls.push(detect(starts, &[STALL_RULE]));
    }
    for starts in truth.backlash_starts().into_iter().filter(|d| within(*d)) {
        score.backlashes.push(detect(starts, BACKLASH_RULES));
    }
    score
}

/// The truth of a campaign's hashtags, summed per date.
struct CampaignTruth<'a> {
    days: &'a [TruthDay],
    hashtags: usize,
}

impl<'a> CampaignTruth<'a> {
    fn new(days: &'a [TruthDay]) -> Self {
        let hashtags = days
            .iter()
            .map(|d| d.hashtag.as_str())
            .collect::<HashSet<_>>()
            .len();
        CampaignTruth { days, hashtags }
    }

    fn on(&self, date: NaiveDate) -> impl Iterator<Item = &'a TruthDay> {
        self.days.iter().filter(move |d| d.date == date)
    }

    /// The mean per day over `from..=to` of a per-hashtag figure; `None` if a date is missing.
    fn per_day(&self, from: NaiveDate, to: NaiveDate, figure: fn(&TruthDay) -> f64) -> Option<f64> {
        let mut total = 0.0;
        let mut dates = 0;
        for date in from.iter_days().take_while(|d| *d <= to) {
            let known: Vec<f64> = self.on(date).map(figure).collect();
            if known.len() != self.hashtags {
                return None;
            }
            total += known.iter().sum::<f64>();
            dates += 1;
        }
        (dates > 0).then(|| total / f64::from(dates))
    }

    fn views_per_day(&self, from: NaiveDate, to: NaiveDate) -> Option<f64> {
        self.per_day(from, to, |d| d.new_views as f64)
    }

    fn videos_per_day(&self, from: NaiveDate, to: NaiveDate) -> Option<f64> {
        self.per_day(from, to, |d| d.new_videos as f64)
    }

    fn negative_share(&self, date: NaiveDate) -> f64 {
        let (negative, total) = self.on(date).fold((0, 0), |(n, t), d| {
            (n + d.new_comments.negative, t + d.new_comments.total)
        });
        if total == 0 {
            0.0
        } else {
            negative as f64 / total as f64
        }
    }

    fn stall_start(&self) -> Option<NaiveDate> {
        let mut starts = Vec::new();
        for hashtag in self.hashtag_names() {
            starts.push(
                self.days
                    .iter()
                    .find(|d| d.hashtag == hashtag)
                    .and_then(|d| d.stall_on)?,
            );
        }
        starts.into_iter().max()
    }

    /// Backlash days of hashtags that are not stalled then (a stalled hashtag has hardly any
    /// new comments: there is no backlash to see).
    fn backlash_starts(&self) -> Vec<NaiveDate> {
        let mut starts: Vec<NaiveDate> = self
            .days
            .iter()
            .filter(|d| d.backlash_on == Some(d.date) && d.phase != STALLED)
            .map(|d| d.date)
            .collect();
        starts.sort();
        starts.dedup();
        starts
    }

    fn in_backlash(&self, date: NaiveDate) -> bool {
        self.backlash_starts()
            .iter()
            .any(|&start| start <= date && (date - start).num_days() <= DETECTION_WINDOW_DAYS)
    }

    fn hashtag_names(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self.days.iter().map(|d| d.hashtag.as_str()).collect();
        names.sort();
        names.dedup();
        names
    }
}

/// Figures over many campaigns and seeds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scorecard {
    pub seeds: u32,
    pub days: u32,
    pub campaign_days: u32,
    pub credits: u64,
    pub comment_credits: u64,
    pub distinct_comments: u64,
    pub campaigns: Vec<CampaignScore>,
}

/// The headline figures of a scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub credits_per_campaign_day: Option<f64>,
    pub distinct_comments_per_credit: Option<f64>,
    pub growth_median_error: Option<f64>,
    pub growth_days_within_25_percent: Option<f64>,
    pub stalls: u32,
    pub stalls_detected_within_1_day: u32,
    pub stall_latencies: Vec<Option<i64>>,
    pub backlashes: u32,
    pub backlashes_detected_within_1_day: u32,
    pub backlash_latencies: Vec<Option<i64>>,
    pub false_alerts: BTreeMap<String, u32>,
    pub missed_viral_days: u32,
}

impl Scorecard {
    pub fn summary(&self) -> Summary {
        let ratio = |a: f64, b: f64| (b > 0.0).then(|| a / b);
        let mut errors: Vec<f64> = self
            .campaigns
            .iter()
            .flat_map(|c| c.growth_errors.iter().copied())
            .collect();
        errors.sort_by(f64::total_cmp);
        let latencies = |pick: fn(&CampaignScore) -> &Vec<Detection>| -> Vec<Option<i64>> {
            self.campaigns
                .iter()
                .flat_map(|c| pick(c).iter().map(|d| d.latency_days))
                .collect()
        };
        let within_a_day =
            |l: &[Option<i64>]| l.iter().filter(|l| l.is_some_and(|d| d <= 1)).count() as u32;
        let stall_latencies = latencies(|c| &c.stalls);
        let backlash_latencies = latencies(|c| &c.backlashes);
        let mut false_alerts = BTreeMap::new();
        for c in &self.campaigns {
            for (rule, n) in &c.false_alerts {
                *false_alerts.entry(rule.clone()).or_default() += n;
            }
        }
        Summary {
            credits_per_campaign_day: ratio(self.credits as f64, f64::from(self.campaign_days)),
            distinct_comments_per_credit: ratio(
                self.distinct_comments as f64,
                self.comment_credits as f64,
            ),
            growth_median_error: errors.get(errors.len() / 2).copied(),
            growth_days_within_25_percent: ratio(
                errors.iter().filter(|&&e| e <= 0.25).count() as f64,
                errors.len() as f64,
            ),
            stalls: stall_latencies.len() as u32,
            stalls_detected_within_1_day: within_a_day(&stall_latencies),
            stall_latencies,
            backlashes: backlash_latencies.len() as u32,
            backlashes_detected_within_1_day: within_a_day(&backlash_latencies),
            backlash_latencies,
            false_alerts,
            missed_viral_days: self.campaigns.iter().map(|c| c.missed_viral_days).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Alert, GrowthBasis, Severity, ViewGrowth};

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn truth(d: u32, new_views: i64, negative: u64) -> TruthDay {
        TruthDay {
            hashtag: "tag".into(),
            date: date(d),
            views: 1_000_000,
            new_views,
            videos: 100,
            new_videos: 5,
            phase: "steady".into(),
            backlash_on: Some(date(5)),
            stall_on: Some(date(7)),
            new_comments: CommentMix {
                total: 100,
                positive: 100 - negative,
                neutral: 0,
                negative,
            },
        }
    }

    fn day(d: u32, new_views: Option<i64>, rules: &[&str]) -> DayMetrics {
        let mut day = crate::fixtures::day(&date(d).to_string(), 1_000_000, 100);
        day.view_growth = new_views.map(|v| ViewGrowth {
            span_days: 1,
            per_day: v as f64,
            per_day_low: 0.0,
            per_day_high: None,
            totals_change: None,
            totals_step: None,
            tracked_change: 0,
            tracked_compared: 0,
            basis: GrowthBasis::TrackedVideos,
        });
        day.alerts = AlertsOutcome::Evaluated {
            alerts: rules
                .iter()
                .map(|r| Alert {
                    rule: r.to_string(),
                    severity: Severity::Warning,
                    message: "m".into(),
                })
                .collect(),
        };
        day
    }

    const T: Thresholds = Thresholds {
        viral_day_views: 50_000.0,
        min_daily_views: 1_000.0,
        high_participation_videos: 50.0,
    };

    #[test]
    fn latencies_false_alerts_and_gap_averages() {
        let truth: Vec<TruthDay> = (1..=9)
            .map(|d| {
                let views = if d >= 7 { 300 } else { 20_000 };
                truth(d, views, if d == 5 { 70 } else { 10 })
            })
            .collect();
        let days = vec![
            day(1, None, &[]),
            day(2, Some(20_000), &["low-activity"]),
            // 3 and 4 missed: day 5 covers three days, so its truth is their average.
            day(5, Some(60_000), &["viral-day"]),
            day(6, Some(20_000), &["negative-sentiment"]),
            day(8, Some(300), &["low-activity"]),
            day(9, Some(300), &["negative-sentiment"]),
        ];
        let score = judge(&CampaignEvidence {
            campaign: "c",
            thresholds: T,
            days: &days,
            truth: &truth,
        });
        assert_eq!(score.false_alerts.get("low-activity"), Some(&1));
        assert_eq!(score.false_alerts.get("viral-day"), Some(&1));
        assert_eq!(score.false_alerts.get("negative-sentiment"), Some(&1));
        assert_eq!(score.stalls[0].latency_days, Some(1));
        assert_eq!(score.backlashes[0].latency_days, Some(1));
        // Day 5's estimate (60,000 a day) against the 20,000 a day of days 3 to 5: error 2.
        assert!(score.growth_errors.iter().any(|e| (e - 2.0).abs() < 1e-9));
        let summary = Scorecard {
            campaigns: vec![score],
            ..Scorecard::default()
        }
        .summary();
        assert_eq!(summary.stalls_detected_within_1_day, 1);
        assert_eq!(summary.backlashes_detected_within_1_day, 1);
    }
}
