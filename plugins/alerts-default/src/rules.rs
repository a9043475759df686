//! The rules themselves: pure functions from one day's facts (and its history) to alerts.
//!
//! A rule whose input is missing, or too thin to be evidence (fewer new comments than
//! `min-new-comments`), is skipped and named in `Evaluation::skipped`, never read as zero: a
//! failed API call must not look like a day without views. Growth is judged on the host's
//! estimate (`views.per-day`) and its bounds, never on the raw change of the rounded totals:
//! a step of the rounding alone raises nothing. Growth messages say how sure they are: the
//! estimate with the bounds the evidence gives it, in words.

use crate::hashtrack::plugins::types::{
    Alert, DayFacts, GrowthBasis, Sentiment, Severity, ViewGrowth,
};
use builtin_rules::{Rule, Thresholds};
use figures::{about, bounded, percent, thousands};

/// How many of the most recent stored days may form the baseline of `sentiment-drop`.
const SENTIMENT_BASELINE_DAYS: usize = 7;
/// How many times `min-new-comments` the baseline must hold to mean anything.
const SENTIMENT_BASELINE_MIN_SAMPLES: u32 = 3;
/// The normal quantile of a two-sided 90% interval: `negative-sentiment`'s confidence.
const Z_90: f64 = 1.644_853_626_951_472_2;

/// What the rules concluded for one day.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub alerts: Vec<Alert>,
    /// Rules not evaluated because their data is missing or too thin.
    pub skipped: Vec<&'static str>,
    /// Debug lines worth logging (what a rule left out, and why).
    pub notes: Vec<String>,
}

/// Runs every rule against `today`; `history` is oldest first.
pub fn evaluate(thresholds: &Thresholds, today: &DayFacts, history: &[DayFacts]) -> Evaluation {
    let mut evaluation = Evaluation::default();
    for rule in Rule::ALL {
        let outcome = match rule {
            Rule::ViralDay => viral_day(thresholds, today),
            Rule::HighParticipation => high_participation(thresholds, today),
            Rule::LowActivity => low_activity(thresholds, today),
            Rule::NegativeSentiment => negative_sentiment(thresholds, today, history),
            Rule::SentimentDrop => {
                sentiment_drop(thresholds, today, history, &mut evaluation.notes)
            }
        };
        match outcome {
            Outcome::Raise(message) => evaluation.alerts.push(Alert {
                rule: rule.id().to_string(),
                severity: severity(rule),
                message,
            }),
            Outcome::Quiet => {}
            Outcome::MissingData => evaluation.skipped.push(rule.id()),
        }
    }
    evaluation
}

/// The result of one rule.
enum Outcome {
    Raise(String),
    Quiet,
    MissingData,
}

/// The WIT severity of `rule`'s alerts.
fn severity(rule: Rule) -> Severity {
    match rule.severity() {
        builtin_rules::Severity::Info => Severity::Info,
        builtin_rules::Severity::Warning => Severity::Warning,
    }
}

/// ` (over the 3 days since the last run)` when the change covers more than a day.
fn over_span(days: Option<u32>) -> String {
    match days {
        Some(days) if days > 1 => format!(" (over the {days} days since the last run)"),
        _ => String::new(),
    }
}

/// Raised only when the evidence is above the threshold: the lower bound (the tracked videos'
/// exact gain, or the totals' change less their rounding and jitter), never an estimate alone.
fn viral_day(thresholds: &Thresholds, today: &DayFacts) -> Outcome {
    let Some(views) = &today.views else {
        return Outcome::MissingData;
    };
    let threshold = thresholds.viral_day_views as f64;
    if views.per_day_low.is_finite() && views.per_day_low > threshold {
        Outcome::Raise(format!(
            "Viral day: {}, above the {} threshold{}.",
            views_per_day(views),
            thousands(thresholds.viral_day_views),
            over_span(Some(views.span_days)),
        ))
    } else {
        Outcome::Quiet
    }
}

/// The API's video counts: missing when it does not know them.
fn high_participation(thresholds: &Thresholds, today: &DayFacts) -> Outcome {
    let Some(per_day) = today.new_videos_per_day.filter(|n| n.is_finite()) else {
        return Outcome::MissingData;
    };
    if per_day > thresholds.high_participation_videos as f64 {
        Outcome::Raise(format!(
            "High participation: about {} new videos a day, above the {} threshold{}.",
            about(per_day),
            thousands(thresholds.high_participation_videos),
            over_span(today.span_days),
        ))
    } else {
        Outcome::Quiet
    }
}

/// Raised on the estimate when the tracked videos' exact plays back it, or when even the most
/// the rounded totals allow is below the minimum: a flat step of the totals alone is not a
/// stall.
fn low_activity(thresholds: &Thresholds, today: &DayFacts) -> Outcome {
    let Some(views) = &today.views else {
        return Outcome::MissingData;
    };
    let minimum = thresholds.min_daily_views as f64;
    // Evidence, not a guess: even the most the sample and the totals allow is below it.
    let backed = views.per_day_high.is_some_and(|high| high < minimum);
    if views.per_day.is_finite() && views.per_day < minimum && backed {
        Outcome::Raise(format!(
            "Low activity: {}, below the {} minimum ({}{}).",
            views_per_day(views),
            thousands(thresholds.min_daily_views),
            match views.span_days {
                days if days > 1 => format!("over the {days} days since the last run; "),
                _ => String::new(),
            },
            growth_evidence(views),
        ))
    } else {
        Outcome::Quiet
    }
}

/// New views a day with their bounds: `about 1.1 M new views a day (at least 740,000)`.
fn views_per_day(views: &ViewGrowth) -> String {
    bounded(
        views.per_day.max(0.0),
        Some(views.per_day_low),
        views.per_day_high,
        "new views a day",
    )
}

/// What an estimate rests on, for a person: `tracked videos +312; totals move in steps of
/// 100,000`.
fn growth_evidence(views: &ViewGrowth) -> String {
    let mut parts = Vec::new();
    if views.tracked_compared > 0 {
        parts.push(format!(
            "tracked videos +{}",
            thousands(views.tracked_change)
        ));
    }
    match (views.totals_change, views.totals_step) {
        (_, Some(step)) if views.basis == GrowthBasis::TrackedVideos => {
            parts.push(format!("totals move in steps of {}", thousands(step)))
        }
        (Some(change), step) => {
            let sign = if change < 0 { "-" } else { "+" };
            let mut part = format!("totals {sign}{}", thousands(change.unsigned_abs()));
            if let Some(step) = step {
                part.push_str(&format!(" in steps of {}", thousands(step)));
            }
            parts.push(part);
        }
        _ => {}
    }
    if parts.is_empty() {
        "no other evidence".to_string()
    } else {
        parts.join("; ")
    }
}

/// Today's new comments when there are enough of them to be evidence.
/// The recent new comments to judge: today's when there are enough of them; else today's and
/// the previous day's together (same scorer, the day just before), when those are enough. A
/// backlash that starts late one day is judged the next morning on both days' comments,
/// never on a handful. The second value is how many days were pooled.
fn recent_comments(
    thresholds: &Thresholds,
    today: &DayFacts,
    history: &[DayFacts],
) -> Option<(Sentiment, usize)> {
    let now = today.new_comments.as_ref().filter(|s| s.comments > 0)?;
    if now.comments >= thresholds.min_new_comments {
        return Some((*now, 1));
    }
    let yesterday = history
        .last()
        .filter(|_| today.span_days == Some(1) && today.views.is_none_or(|v| v.span_days == 1))
        .filter(|day| day.scorer == today.scorer)?
        .new_comments
        .as_ref()?;
    let pooled = pool(now, yesterday);
    (pooled.comments >= thresholds.min_new_comments).then_some((pooled, 2))
}

/// Two days' comment counts as one, the mean weighted by comments.
fn pool(a: &Sentiment, b: &Sentiment) -> Sentiment {
    let comments = a.comments + b.comments;
    Sentiment {
        comments,
        positive: a.positive + b.positive,
        neutral: a.neutral + b.neutral,
        negative: a.negative + b.negative,
        mean_score: (a.mean_score * f64::from(a.comments) + b.mean_score * f64::from(b.comments))
            / f64::from(comments.max(1)),
    }
}

/// "of 140 new comments", or "of 140 new comments over two days".
fn counted(sentiment: &Sentiment, days: usize) -> String {
    let over = if days > 1 { " over two days" } else { "" };
    format!(
        "{} new comments{over}",
        thousands(u64::from(sentiment.comments))
    )
}

/// Raised when even the upper end of a 90% Wilson interval of the positive share of the new
/// comments is below the minimum: many comments say so, not a handful.
fn negative_sentiment(thresholds: &Thresholds, today: &DayFacts, history: &[DayFacts]) -> Outcome {
    let Some((sentiment, days)) = recent_comments(thresholds, today, history) else {
        return Outcome::MissingData;
    };
    let share = f64::from(sentiment.positive) / f64::from(sentiment.comments);
    if wilson_upper(sentiment.positive, sentiment.comments) < thresholds.min_positive_ratio {
        Outcome::Raise(format!(
            "Negative sentiment: only {} of {} were positive, below the {} minimum.",
            percent(share),
            counted(&sentiment, days),
            percent(thresholds.min_positive_ratio)
        ))
    } else {
        Outcome::Quiet
    }
}

/// The upper end of the 90% Wilson score interval of `successes` out of `n` (n > 0).
fn wilson_upper(successes: u32, n: u32) -> f64 {
    let n = f64::from(n);
    let p = f64::from(successes.min(n as u32)) / n;
    let z2 = Z_90 * Z_90;
    let centre = p + z2 / (2.0 * n);
    let spread = Z_90 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    (centre + spread) / (1.0 + z2 / n)
}

/// Compares today's mean score with a baseline of the same scorer's earlier scores (scores
/// of another scorer are not comparable and never used): the comment-weighted mean of the
/// recent days' new comments or, when those are too few (a quiet campaign), of every comment
/// read before today.
fn sentiment_drop(
    thresholds: &Thresholds,
    today: &DayFacts,
    history: &[DayFacts],
    notes: &mut Vec<String>,
) -> Outcome {
    let Some((sentiment, pooled)) = recent_comments(thresholds, today, history) else {
        return Outcome::MissingData;
    };
    let mean_today = sentiment.mean_score;
    if !mean_today.is_finite() {
        return Outcome::MissingData;
    }
    // The days pooled into "recent" are not their own baseline.
    let earlier = &history[..history.len() - (pooled - 1)];
    let enough = SENTIMENT_BASELINE_MIN_SAMPLES * thresholds.min_new_comments.max(1);
    let baseline = recent_baseline(today, earlier, notes)
        .filter(|b| b.comments >= enough)
        .or_else(|| read_before(today, earlier).filter(|b| b.comments >= enough));
    let Some(baseline) = baseline else {
        return Outcome::MissingData;
    };
    if baseline.mean - mean_today >= thresholds.sentiment_drop {
        Outcome::Raise(format!(
            "Sentiment dropped: the mean score of {} is {mean_today:.2}, against \
                 {:.2} over {} comments {}.",
            counted(&sentiment, pooled),
            baseline.mean,
            thousands(u64::from(baseline.comments)),
            baseline.of,
        ))
    } else {
        Outcome::Quiet
    }
}

/// What today's comments are compared with in `sentiment-drop`.
struct Baseline {
    mean: f64,
    comments: u32,
    /// Where the comments come from, for the message.
    of: String,
}

/// The comment-weighted mean score of the new comments of the last
/// [`SENTIMENT_BASELINE_DAYS`] stored days scored like today.
fn recent_baseline(
    today: &DayFacts,
    earlier: &[DayFacts],
    notes: &mut Vec<String>,
) -> Option<Baseline> {
    let mut other_scorer = 0;
    let mut days = 0usize;
    let (mut weighted, mut comments) = (0.0, 0u32);
    for day in earlier.iter().rev().take(SENTIMENT_BASELINE_DAYS) {
        let Some(past) = day
            .new_comments
            .as_ref()
            .filter(|s| s.comments > 0 && s.mean_score.is_finite())
        else {
            continue;
        };
        if day.scorer != today.scorer {
            other_scorer += 1;
            continue;
        }
        days += 1;
        weighted += past.mean_score * f64::from(past.comments);
        comments += past.comments;
    }
    if other_scorer > 0 {
        notes.push(format!(
            "sentiment-drop: {other_scorer} of the last {SENTIMENT_BASELINE_DAYS} days were \
             scored by another scorer than `{}` and were not compared",
            today.scorer
        ));
    }
    (comments > 0).then(|| Baseline {
        mean: weighted / f64::from(comments),
        comments,
        of: format!("of the previous {days} comparable days"),
    })
}

/// Every comment read before today, as the latest earlier day scored like today counted them.
fn read_before(today: &DayFacts, earlier: &[DayFacts]) -> Option<Baseline> {
    let to_date = earlier
        .last()
        .filter(|day| day.scorer == today.scorer)?
        .comments_to_date
        .as_ref()
        .filter(|s| s.comments > 0 && s.mean_score.is_finite())?;
    Some(Baseline {
        mean: to_date.mean_score,
        comments: to_date.comments,
        of: "read before, old and new".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> DayFacts {
        DayFacts {
            campaign_id: "brandx".to_string(),
            date: "2026-03-14".to_string(),
            span_days: Some(1),
            collected_on: None,
            total_views: None,
            total_videos: None,
            videos_seen: 0,
            views: None,
            new_videos_per_day: None,
            tracked_videos: 0,
            new_tracked_videos: 0,
            hashtags: Vec::new(),
            videos: Vec::new(),
            new_comments: None,
            comments_to_date: None,
            scorer: "builtin:sentiment#3fa81c2d9e01".to_string(),
            alerts: Vec::new(),
        }
    }

    /// Growth estimated from the tracked videos, the totals unknown.
    fn tracked(per_day: f64) -> ViewGrowth {
        ViewGrowth {
            span_days: 1,
            per_day,
            per_day_low: per_day,
            per_day_high: Some(per_day * 2.0),
            totals_change: None,
            totals_step: None,
            tracked_change: per_day as u64,
            tracked_compared: 20,
            basis: GrowthBasis::TrackedVideos,
        }
    }

    /// Growth from the rounded totals alone (no usable sample).
    fn totals(change: i64, step: u64) -> ViewGrowth {
        ViewGrowth {
            span_days: 1,
            per_day: change.max(0) as f64,
            per_day_low: (change - step as i64).max(0) as f64,
            per_day_high: Some((change + step as i64) as f64),
            totals_change: Some(change),
            totals_step: Some(step),
            tracked_change: 0,
            tracked_compared: 0,
            basis: GrowthBasis::Totals,
        }
    }

    fn with_views(views: ViewGrowth) -> DayFacts {
        DayFacts {
            views: Some(views),
            ..day()
        }
    }

    /// `n` new comments, `positive` of them positive, the rest negative.
    fn sentiment(n: u32, positive: u32, mean: f64) -> Sentiment {
        Sentiment {
            comments: n,
            positive,
            neutral: 0,
            negative: n - positive,
            mean_score: mean,
        }
    }

    fn with_comments(n: u32, positive: u32, mean: f64) -> DayFacts {
        DayFacts {
            new_comments: Some(sentiment(n, positive, mean)),
            ..day()
        }
    }

    fn settings(pairs: &[(&str, &str)]) -> Thresholds {
        Thresholds::parse(pairs.iter().copied()).unwrap()
    }

    fn raised_with(thresholds: &Thresholds, today: &DayFacts, history: &[DayFacts]) -> Vec<String> {
        evaluate(thresholds, today, history)
            .alerts
            .into_iter()
            .map(|alert| alert.rule)
            .collect()
    }

    fn rules_raised(today: &DayFacts, history: &[DayFacts]) -> Vec<String> {
        raised_with(&Thresholds::default(), today, history)
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
    fn a_viral_day_on_the_tracked_videos_is_an_info_alert() {
        let alerts = evaluate(&Thresholds::default(), &with_views(tracked(812_400.0)), &[]).alerts;
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].rule, "viral-day");
        assert!(matches!(alerts[0].severity, Severity::Info));
        assert_eq!(
            alerts[0].message,
            "Viral day: at least 810,000 new views a day (at most 1.7 M), above the 500,000 \
             threshold."
        );
    }

    #[test]
    fn an_estimate_above_the_threshold_is_not_a_viral_day_unless_its_lower_bound_is() {
        let views = ViewGrowth {
            per_day_low: 400_000.0,
            ..tracked(812_400.0)
        };
        assert!(rules_raised(&with_views(views), &[]).is_empty());
    }

    #[test]
    fn a_viral_day_over_several_days_says_so() {
        let views = ViewGrowth {
            span_days: 3,
            ..tracked(812_400.0)
        };
        let alerts = evaluate(&Thresholds::default(), &with_views(views), &[]).alerts;
        assert_eq!(
            alerts[0].message,
            "Viral day: at least 810,000 new views a day (at most 1.7 M), above the 500,000 \
             threshold (over the 3 days since the last run)."
        );
    }

    #[test]
    fn a_viral_day_says_how_sure_it_is_in_words() {
        // Tracked videos rule out less than 745,000; the estimate is above it.
        let views = ViewGrowth {
            per_day_low: 745_000.0,
            per_day_high: None,
            ..tracked(1_090_000.0)
        };
        let alerts = evaluate(&Thresholds::default(), &with_views(views), &[]).alerts;
        assert_eq!(
            alerts[0].message,
            "Viral day: about 1.1 M new views a day (at least 740,000), above the 500,000 \
             threshold."
        );
        // On the totals: one step either way.
        let alerts = evaluate(
            &settings(&[("viral-day-views", "50000")]),
            &with_views(totals(300_000, 100_000)),
            &[],
        )
        .alerts;
        assert_eq!(
            alerts[0].message,
            "Viral day: about 300,000 new views a day (between 200,000 and 400,000), above the \
             50,000 threshold."
        );
    }

    #[test]
    fn a_viral_day_on_the_totals_needs_more_than_one_step() {
        // One step of 100,000: at most the rounding, not news.
        assert!(rules_raised(&with_views(totals(600_000, 100_000)), &[]).is_empty());
        assert_eq!(
            raised_with(
                &settings(&[("viral-day-views", "50000")]),
                &with_views(totals(100_000, 100_000)),
                &[]
            ),
            Vec::<String>::new()
        );
        // Three steps: even less one step, 200,000 a day is above 50,000.
        assert_eq!(
            raised_with(
                &settings(&[("viral-day-views", "50000")]),
                &with_views(totals(300_000, 100_000)),
                &[]
            ),
            ["viral-day"]
        );
    }

    #[test]
    fn a_rounding_step_with_quiet_tracked_videos_is_low_activity_not_viral() {
        let views = ViewGrowth {
            span_days: 1,
            per_day: 300.0,
            per_day_low: 300.0,
            per_day_high: Some(700.0),
            totals_change: Some(100_000),
            totals_step: Some(100_000),
            tracked_change: 312,
            tracked_compared: 18,
            basis: GrowthBasis::TrackedVideos,
        };
        let thresholds = settings(&[("viral-day-views", "50000"), ("min-daily-views", "1000")]);
        let evaluation = evaluate(&thresholds, &with_views(views), &[]);
        let rules: Vec<_> = evaluation.alerts.iter().map(|a| a.rule.as_str()).collect();
        assert_eq!(rules, ["low-activity"]);
        assert!(matches!(evaluation.alerts[0].severity, Severity::Warning));
        assert_eq!(
            evaluation.alerts[0].message,
            "Low activity: at least 300 new views a day (at most 700), below the 1,000 minimum \
             (tracked videos +312; totals move in steps of 100,000)."
        );
    }

    #[test]
    fn low_activity_over_several_days_says_so_with_its_evidence() {
        let views = ViewGrowth {
            span_days: 3,
            tracked_change: 360,
            ..tracked(120.0)
        };
        let alerts = evaluate(&Thresholds::default(), &with_views(views), &[]).alerts;
        assert_eq!(
            alerts[0].message,
            "Low activity: at least 120 new views a day (at most 240), below the 1,000 minimum \
             (over the 3 days since the last run; tracked videos +360)."
        );
    }

    #[test]
    fn an_estimate_below_the_minimum_that_could_be_above_it_is_not_evidence() {
        let views = ViewGrowth {
            per_day_high: Some(1_400.0),
            ..tracked(800.0)
        };
        assert!(rules_raised(&with_views(views), &[]).is_empty());
    }

    #[test]
    fn flat_rounded_totals_alone_are_not_low_activity() {
        // The totals did not move, but they allow up to a step a day.
        assert!(rules_raised(&with_views(totals(0, 100_000)), &[]).is_empty());
        // Totals that allow at most 600 a day are evidence enough.
        let views = ViewGrowth {
            per_day_high: Some(600.0),
            ..totals(100, 500)
        };
        assert_eq!(rules_raised(&with_views(views), &[]), ["low-activity"]);
    }

    #[test]
    fn thresholds_are_exceeded_not_met() {
        let today = DayFacts {
            views: Some(tracked(500_000.0)),
            new_videos_per_day: Some(50.0),
            ..day()
        };
        assert!(rules_raised(&today, &[]).is_empty());
    }

    #[test]
    fn high_participation_counts_the_apis_new_videos() {
        let today = DayFacts {
            new_videos_per_day: Some(74.0),
            span_days: Some(2),
            ..day()
        };
        let alerts = evaluate(&Thresholds::default(), &today, &[]).alerts;
        assert_eq!(alerts.len(), 1);
        assert_eq!(
            alerts[0].message,
            "High participation: about 74 new videos a day, above the 50 threshold (over the 2 \
             days since the last run)."
        );
    }

    #[test]
    fn a_handful_of_negative_comments_raises_nothing() {
        let evaluation = evaluate(&Thresholds::default(), &with_comments(12, 0, -0.6), &[]);
        assert!(evaluation.alerts.is_empty());
        assert!(evaluation.skipped.contains(&"negative-sentiment"));
    }

    #[test]
    fn many_mostly_negative_comments_raise_negative_sentiment() {
        // 31 of 140 is 22%: the 90% interval reaches only about 28%.
        let alerts = evaluate(&Thresholds::default(), &with_comments(140, 31, -0.3), &[]).alerts;
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].rule, "negative-sentiment");
        assert_eq!(
            alerts[0].message,
            "Negative sentiment: only 22% of 140 new comments were positive, below the 30% minimum."
        );
    }

    #[test]
    fn a_share_just_below_the_minimum_is_not_evidence() {
        // 28% of 40 could well be 30% or more.
        assert!(rules_raised(&with_comments(40, 11, 0.0), &[]).is_empty());
    }

    #[test]
    fn the_wilson_interval_is_right() {
        // Upper end of the 90% interval of 31/140 and of 0/12.
        assert!((wilson_upper(31, 140) - 0.2841).abs() < 1e-3);
        assert!((wilson_upper(0, 12) - 0.1840).abs() < 1e-3);
        assert!((wilson_upper(12, 12) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn sentiment_drop_compares_with_the_last_seven_days_weighted_by_comments() {
        let day_with = |mean: Option<f64>| match mean {
            Some(mean) => with_comments(100, 60, mean),
            None => day(),
        };
        // An old bad day falls outside the 7-day window and does not lower the baseline.
        let mut history = vec![day_with(Some(-0.9))];
        history
            .extend([Some(0.4), None, Some(0.5), Some(0.3), None, None, Some(0.4)].map(day_with));
        assert_eq!(
            rules_raised(&with_comments(100, 40, 0.1), &history),
            ["sentiment-drop"]
        );
        assert!(rules_raised(&with_comments(100, 60, 0.3), &history).is_empty());

        // A big day weighs more than a small one: baseline (0.6·1000 + 0.0·40·2) / 1080.
        let history = [
            with_comments(1_000, 700, 0.6),
            with_comments(40, 20, 0.0),
            with_comments(40, 20, 0.0),
        ];
        assert_eq!(
            rules_raised(&with_comments(100, 50, 0.3), &history),
            ["sentiment-drop"]
        );
    }

    #[test]
    fn sentiment_drop_needs_a_baseline_of_three_times_the_minimum() {
        // 40 + 40 comments: fewer than 3 x 30.
        let history = [
            with_comments(40, 32, 0.8),
            day(),
            with_comments(40, 32, 0.8),
        ];
        let evaluation = evaluate(
            &Thresholds::default(),
            &with_comments(100, 50, -0.5),
            &history,
        );
        assert!(evaluation.alerts.is_empty());
        assert!(evaluation.skipped.contains(&"sentiment-drop"));
    }

    #[test]
    fn a_quiet_campaign_is_compared_with_every_comment_read_before() {
        let quiet = DayFacts {
            comments_to_date: Some(sentiment(400, 280, 0.45)),
            ..with_comments(10, 7, 0.5)
        };
        let today = with_comments(46, 9, -0.33);
        let raised = evaluate(&Thresholds::default(), &today, std::slice::from_ref(&quiet)).alerts;
        let drop = raised.iter().find(|a| a.rule == "sentiment-drop");
        assert_eq!(
            drop.map(|a| a.message.as_str()),
            Some(
                "Sentiment dropped: the mean score of 46 new comments is -0.33, against 0.45 \
                 over 400 comments read before, old and new."
            )
        );
        // Read before by another scorer: not comparable.
        let other = DayFacts {
            scorer: "plugins/brandx.wasm#0123456789ab".to_string(),
            ..quiet
        };
        assert!(!rules_raised(&today, &[other]).contains(&"sentiment-drop".to_string()));
    }

    #[test]
    fn history_scored_by_another_scorer_is_not_compared() {
        let other = |mean| DayFacts {
            scorer: "plugins/brandx.wasm#0123456789ab".to_string(),
            ..with_comments(100, 80, mean)
        };
        let history = [
            other(0.8),
            other(0.8),
            other(0.8),
            with_comments(50, 25, 0.2),
        ];
        let evaluation = evaluate(
            &Thresholds::default(),
            &with_comments(100, 50, 0.1),
            &history,
        );
        assert!(evaluation.alerts.is_empty());
        assert!(evaluation.skipped.contains(&"sentiment-drop"));
        assert_eq!(evaluation.notes.len(), 1);
        assert!(
            evaluation.notes[0].contains("3 of the last 7"),
            "{:?}",
            evaluation.notes
        );
    }

    #[test]
    fn too_few_new_comments_today_are_judged_with_yesterdays() {
        let yesterday = with_comments(20, 3, -0.4);
        let today = with_comments(20, 2, -0.5);
        let alerts = evaluate(
            &Thresholds::default(),
            &today,
            std::slice::from_ref(&yesterday),
        )
        .alerts;
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(
            alerts[0].message,
            "Negative sentiment: only 13% of 40 new comments over two days were positive, below \
             the 30% minimum."
        );
        // Alone, or after a gap, 20 comments are too few.
        assert!(rules_raised(&today, &[]).is_empty());
        let after_a_gap = DayFacts {
            span_days: Some(2),
            ..today
        };
        assert!(rules_raised(&after_a_gap, &[yesterday]).is_empty());
    }
}
