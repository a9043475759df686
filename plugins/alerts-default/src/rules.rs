//! The rules themselves: pure functions from one day's metrics (and its history) to alerts.
//!
//! A rule whose input is missing is skipped and named in `Evaluation::skipped`, never read as
//! zero: a failed API call must not look like a day without views.

use crate::format::{percent, thousands};
use crate::hashtrack::plugins::types::{Alert, DayMetrics, Severity};
use crate::settings::Thresholds;

/// How many of the most recent stored days form the baseline of `sentiment-drop`.
const SENTIMENT_BASELINE_DAYS: usize = 7;
/// How many of those days must have sentiment for the baseline to mean anything.
const SENTIMENT_BASELINE_MIN_DAYS: usize = 3;

/// What the rules concluded for one day.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub alerts: Vec<Alert>,
    /// Rules not evaluated because their data is missing.
    pub skipped: Vec<&'static str>,
}

/// Runs every rule against `today`; `history` is oldest first.
pub fn evaluate(thresholds: &Thresholds, today: &DayMetrics, history: &[DayMetrics]) -> Evaluation {
    let mut evaluation = Evaluation::default();
    let outcomes = [
        ("viral-day", viral_day(thresholds, today)),
        ("high-participation", high_participation(thresholds, today)),
        ("low-activity", low_activity(thresholds, today)),
        ("negative-sentiment", negative_sentiment(thresholds, today)),
        ("sentiment-drop", sentiment_drop(thresholds, today, history)),
    ];
    for (rule, outcome) in outcomes {
        match outcome {
            Outcome::Raise(severity, message) => evaluation.alerts.push(Alert {
                rule: rule.to_string(),
                severity,
                message,
            }),
            Outcome::Quiet => {}
            Outcome::MissingData => evaluation.skipped.push(rule),
        }
    }
    evaluation
}

/// The result of one rule.
enum Outcome {
    Raise(Severity, String),
    Quiet,
    MissingData,
}

fn viral_day(thresholds: &Thresholds, today: &DayMetrics) -> Outcome {
    let Some(new_views) = today.new_views else {
        return Outcome::MissingData;
    };
    match u64::try_from(new_views) {
        Ok(views) if views > thresholds.viral_day_views => Outcome::Raise(
            Severity::Info,
            format!(
                "Viral day: {} new views, above the {} threshold.",
                thousands(views),
                thousands(thresholds.viral_day_views)
            ),
        ),
        _ => Outcome::Quiet,
    }
}

fn high_participation(thresholds: &Thresholds, today: &DayMetrics) -> Outcome {
    let Some(new_videos) = today.new_videos else {
        return Outcome::MissingData;
    };
    match u64::try_from(new_videos) {
        Ok(videos) if videos > thresholds.high_participation_videos => Outcome::Raise(
            Severity::Info,
            format!(
                "High participation: {} new videos today, above the {} threshold.",
                thousands(videos),
                thousands(thresholds.high_participation_videos)
            ),
        ),
        _ => Outcome::Quiet,
    }
}

/// A negative delta means the API's rounded view count stepped backwards: it says nothing
/// about whether the campaign stalled, so only a delta of zero or more can raise this.
fn low_activity(thresholds: &Thresholds, today: &DayMetrics) -> Outcome {
    let Some(new_views) = today.new_views else {
        return Outcome::MissingData;
    };
    match u64::try_from(new_views) {
        Ok(views) if views < thresholds.min_daily_views => Outcome::Raise(
            Severity::Warning,
            format!(
                "Low activity: only {} new views today, below the {} minimum.",
                thousands(views),
                thousands(thresholds.min_daily_views)
            ),
        ),
        _ => Outcome::Quiet,
    }
}

/// A ratio over zero scored comments is no measurement, so it counts as missing.
fn negative_sentiment(thresholds: &Thresholds, today: &DayMetrics) -> Outcome {
    let ratio = match today.positive_ratio {
        Some(ratio) if ratio.is_finite() && today.comments_scored > 0 => ratio,
        _ => return Outcome::MissingData,
    };
    if ratio < thresholds.min_positive_ratio {
        Outcome::Raise(
            Severity::Warning,
            format!(
                "Negative sentiment: only {} of {} scored comments were positive, below the {} minimum.",
                percent(ratio),
                thousands(u64::from(today.comments_scored)),
                percent(thresholds.min_positive_ratio)
            ),
        )
    } else {
        Outcome::Quiet
    }
}

fn sentiment_drop(thresholds: &Thresholds, today: &DayMetrics, history: &[DayMetrics]) -> Outcome {
    let Some(mean_today) = today.mean_sentiment.filter(|m| m.is_finite()) else {
        return Outcome::MissingData;
    };
    let recent: Vec<f64> = history
        .iter()
        .rev()
        .take(SENTIMENT_BASELINE_DAYS)
        .filter_map(|day| day.mean_sentiment.filter(|m| m.is_finite()))
        .collect();
    if recent.len() < SENTIMENT_BASELINE_MIN_DAYS {
        return Outcome::MissingData;
    }
    let baseline = recent.iter().sum::<f64>() / recent.len() as f64;
    if baseline - mean_today >= thresholds.sentiment_drop {
        Outcome::Raise(
            Severity::Warning,
            format!(
                "Sentiment dropped: the mean comment score is {mean_today:.2} today against {baseline:.2} over the previous {} stored days with sentiment.",
                recent.len()
            ),
        )
    } else {
        Outcome::Quiet
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> DayMetrics {
        DayMetrics {
            campaign_id: "brandx".to_string(),
            date: "2026-03-14".to_string(),
            total_views: None,
            total_videos: None,
            new_views: None,
            new_videos: None,
            tracked_videos: 0,
            new_tracked_videos: 0,
            top_video_views: None,
            comments_scored: 0,
            positive_ratio: None,
            negative_ratio: None,
            mean_sentiment: None,
        }
    }

    fn rules_raised(today: &DayMetrics, history: &[DayMetrics]) -> Vec<String> {
        evaluate(&Thresholds::default(), today, history)
            .alerts
            .into_iter()
            .map(|alert| alert.rule)
            .collect()
    }

    #[test]
    fn missing_data_raises_nothing_and_is_reported() {
        let evaluation = evaluate(&Thresholds::default(), &day(), &[day(), day(), day()]);
        assert!(evaluation.alerts.is_empty());
        assert_eq!(
            evaluation.skipped,
            [
                "viral-day",
                "high-participation",
                "low-activity",
                "negative-sentiment",
                "sentiment-drop"
            ]
        );
    }

    #[test]
    fn a_viral_day_is_an_info_alert_with_separators() {
        let today = DayMetrics {
            new_views: Some(812_400),
            ..day()
        };
        let alerts = evaluate(&Thresholds::default(), &today, &[]).alerts;
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].rule, "viral-day");
        assert!(matches!(alerts[0].severity, Severity::Info));
        assert_eq!(
            alerts[0].message,
            "Viral day: 812,400 new views, above the 500,000 threshold."
        );
    }

    #[test]
    fn thresholds_are_exceeded_not_met() {
        let today = DayMetrics {
            new_views: Some(500_000),
            new_videos: Some(50),
            ..day()
        };
        assert!(rules_raised(&today, &[]).is_empty());
    }

    #[test]
    fn high_participation_counts_new_videos() {
        let today = DayMetrics {
            new_videos: Some(74),
            ..day()
        };
        assert_eq!(rules_raised(&today, &[]), ["high-participation"]);
    }

    #[test]
    fn low_activity_is_raised_below_the_minimum_including_zero() {
        for views in [0, 999] {
            let today = DayMetrics {
                new_views: Some(views),
                ..day()
            };
            assert_eq!(rules_raised(&today, &[]), ["low-activity"], "{views}");
        }
    }

    #[test]
    fn a_negative_view_delta_is_not_low_activity() {
        let today = DayMetrics {
            new_views: Some(-12_000),
            new_videos: Some(-3),
            ..day()
        };
        assert!(rules_raised(&today, &[]).is_empty());
    }

    #[test]
    fn negative_sentiment_needs_scored_comments() {
        let scored = DayMetrics {
            comments_scored: 1_240,
            positive_ratio: Some(0.22),
            ..day()
        };
        let alerts = evaluate(&Thresholds::default(), &scored, &[]).alerts;
        assert_eq!(
            alerts[0].message,
            "Negative sentiment: only 22% of 1,240 scored comments were positive, below the 30% minimum."
        );
        let unscored = DayMetrics {
            comments_scored: 0,
            ..scored
        };
        assert!(rules_raised(&unscored, &[]).is_empty());
    }

    #[test]
    fn sentiment_drop_compares_with_the_last_seven_days() {
        let with_mean = |mean: Option<f64>| DayMetrics {
            mean_sentiment: mean,
            ..day()
        };
        // An old bad day falls outside the 7-day window and does not lower the baseline.
        let mut history = vec![with_mean(Some(-0.9))];
        history
            .extend([Some(0.4), None, Some(0.5), Some(0.3), None, None, Some(0.4)].map(with_mean));
        assert_eq!(
            rules_raised(&with_mean(Some(0.1)), &history),
            ["sentiment-drop"]
        );
        assert!(rules_raised(&with_mean(Some(0.3)), &history).is_empty());
    }

    #[test]
    fn sentiment_drop_needs_three_days_of_baseline() {
        let with_mean = |mean: Option<f64>| DayMetrics {
            mean_sentiment: mean,
            ..day()
        };
        let history = [Some(0.8), None, Some(0.8)].map(with_mean);
        let evaluation = evaluate(&Thresholds::default(), &with_mean(Some(-0.5)), &history);
        assert!(evaluation.alerts.is_empty());
        assert!(evaluation.skipped.contains(&"sentiment-drop"));
    }
}
