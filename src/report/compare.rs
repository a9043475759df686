//! The period against the one before it, of the same length: the headline figures of each,
//! their change and the change in percent. A figure unknown in either period has no change
//! (unknown, never 0). Pure.

use serde::Serialize;

use super::build::{alerts, average_new_videos, sentiment};
use super::{CampaignReport, Period, ReportDay, SentimentPeriod};

/// The period's headline figures beside the previous period's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub previous: Period,
    /// New views per day: the daily estimates averaged over the days they cover.
    pub new_views_per_day: Change,
    /// New videos per day, as the API counts them.
    pub new_videos_per_day: Change,
    /// New comments scored.
    pub new_comments: Change,
    /// The positive share of new comments; its change is in percentage points.
    pub positive_ratio: Change,
    pub alerts: Change,
}

/// One figure in both periods.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    pub now: Option<f64>,
    pub before: Option<f64>,
    pub delta: Option<f64>,
    /// The change relative to `before`; none when `before` is 0 or unknown.
    pub percent: Option<f64>,
}

impl Change {
    fn of(now: Option<f64>, before: Option<f64>) -> Change {
        let delta = now.zip(before).map(|(n, b)| n - b);
        let percent = delta
            .zip(before)
            .filter(|(_, b)| *b != 0.0)
            .map(|(d, b)| 100.0 * d / b.abs());
        Change {
            now,
            before,
            delta,
            percent,
        }
    }
}

/// A report's headline figures: what the comparison and a client's roll-up show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// New views per day: the daily estimates averaged over the days they cover.
    pub new_views_per_day: Option<f64>,
    pub new_videos_per_day: Option<f64>,
    /// New comments scored; none when no day was scored.
    pub new_comments: Option<f64>,
    pub positive_ratio: Option<f64>,
    /// Alerts raised; none when no day of the period has data.
    pub alerts: Option<f64>,
    pub engagement_rate: Option<f64>,
}

impl Headline {
    pub fn of(report: &CampaignReport) -> Headline {
        Headline::of_parts(
            &report.days,
            report.participation.average_new_videos,
            &report.sentiment,
            report.alerts.len(),
            report.participation.engagement_rate,
        )
    }

    /// The headline of a period's rows (every date of the period), with its engagement rate.
    pub fn of_rows(rows: &[ReportDay], engagement_rate: Option<f64>) -> Headline {
        Headline::of_parts(
            rows,
            average_new_videos(rows),
            &sentiment(rows),
            alerts(rows).len(),
            engagement_rate,
        )
    }

    fn of_parts(
        rows: &[ReportDay],
        new_videos_per_day: Option<f64>,
        sentiment: &SentimentPeriod,
        alerts: usize,
        engagement_rate: Option<f64>,
    ) -> Headline {
        let (views, days) = rows.iter().filter_map(|d| d.view_growth.as_ref()).fold(
            (0.0, 0u32),
            |(views, days), g| {
                (
                    views + g.per_day * f64::from(g.span_days),
                    days + g.span_days,
                )
            },
        );
        Headline {
            new_views_per_day: (days > 0).then(|| views / f64::from(days)),
            new_videos_per_day,
            new_comments: (sentiment.scored_days > 0).then_some(f64::from(sentiment.comments)),
            positive_ratio: sentiment.positive_ratio,
            // Unknown when no day of the period has data.
            alerts: rows
                .iter()
                .any(|d| d.alerts.is_some())
                .then_some(alerts as f64),
            engagement_rate,
        }
    }
}

/// Compares `current` with `before`, the headline of `previous`, the period just before it
/// ([`super::period_headline`]).
pub fn compare(current: &CampaignReport, previous: Period, before: &Headline) -> Comparison {
    let now = Headline::of(current);
    Comparison {
        previous,
        new_views_per_day: Change::of(now.new_views_per_day, before.new_views_per_day),
        new_videos_per_day: Change::of(now.new_videos_per_day, before.new_videos_per_day),
        new_comments: Change::of(now.new_comments, before.new_comments),
        positive_ratio: Change::of(now.positive_ratio, before.positive_ratio),
        alerts: Change::of(now.alerts, before.alerts),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{build_report, period_headline};
    use super::*;
    use crate::domain::DayHeadline;
    use crate::fixtures::{campaign, date, week};

    #[test]
    fn changes_are_deltas_and_percents_and_unknowns_stay_unknown() {
        let change = Change::of(Some(150.0), Some(100.0));
        assert_eq!((change.delta, change.percent), (Some(50.0), Some(50.0)));
        let from_zero = Change::of(Some(3.0), Some(0.0));
        assert_eq!((from_zero.delta, from_zero.percent), (Some(3.0), None));
        let unknown = Change::of(Some(3.0), None);
        assert_eq!((unknown.delta, unknown.percent), (None, None));
    }

    #[test]
    fn a_period_without_data_compares_as_unknown_not_as_zero() {
        let current = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        let empty = build_report(&campaign(), &[], date("2026-10-31"), 7, 0.005);
        let comparison = compare(&current, empty.period, &Headline::of(&empty));
        assert_eq!(comparison.previous.to, date("2026-10-31"));
        for change in [
            comparison.new_views_per_day,
            comparison.new_comments,
            comparison.positive_ratio,
            comparison.alerts,
        ] {
            assert_eq!(change.before, None, "{comparison:?}");
            assert_eq!(change.delta, None);
        }
        assert!(comparison.new_comments.now.is_some());
        let same = compare(&current, current.period, &Headline::of(&current));
        assert_eq!(same.new_comments.delta, Some(0.0));
        assert_eq!(same.new_comments.percent, Some(0.0));
    }

    #[test]
    fn a_periods_headline_from_day_headlines_is_the_full_reports_but_engagement() {
        let headlines: Vec<DayHeadline> = week()
            .into_iter()
            .map(|day| DayHeadline::split(day).0)
            .collect();
        for (end, days) in [("2026-11-07", 7), ("2026-11-04", 3), ("2026-11-09", 4)] {
            let report = build_report(&campaign(), &week(), date(end), days, 0.005);
            let (period, headline) = period_headline(&headlines, date(end), days);
            assert_eq!(period, report.period);
            let full = Headline::of(&report);
            assert_eq!(
                headline,
                Headline {
                    engagement_rate: None,
                    ..full.clone()
                }
            );
            assert!(full.new_views_per_day.is_some() && full.alerts.is_some());
        }
    }
}
