//! Builds a [`CampaignReport`] from a campaign's stored days. Pure: no I/O, no formatting.
//!
//! Period figures use only what the days know: an average is over the days that have the value,
//! and a video's plays are its latest observation in the period (plays are cumulative, so a sum
//! over days would count the same plays again every day).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::compare::Headline;
use super::voice::{daily_shares, share_of_voice};
use super::{
    CampaignReport, Cost, DatedAlert, DayStatus, ExampleComments, Participation, Period, ReportDay,
    SentimentPeriod, TOP_LISTED, TopVideo, ViewsPerVideo,
};
use crate::config::CampaignConfig;
use crate::domain::{
    CreatorStats, DayHeadline, DayMetrics, SampleTotals, SentimentOutcome, SentimentSummary,
    StoredPeriod, TrackedVideo, VideoCountSource, add_counts, engagement_rate,
};

/// A video as last seen in the period: the date of the observation and the video then.
type Observation<'a> = (NaiveDate, &'a TrackedVideo);

/// The report of `campaign` over the `period_days` dates ending with `period_end`.
///
/// `days` are the campaign's stored days (any order; days outside the period are ignored);
/// dates of the period without a stored day are reported as having no data.
pub fn build_report(
    campaign: &CampaignConfig,
    days: &[DayMetrics],
    period_end: NaiveDate,
    period_days: u32,
    price_per_credit_usd: f64,
) -> CampaignReport {
    let period = Period::ending(period_end, period_days);
    let stored = StoredPeriod::of_days(days.iter().filter(|d| period.contains(d.date)).cloned());
    report_of_period(campaign, &stored, period, price_per_credit_usd)
}

/// The report of `campaign` over `period`, from what is stored of it.
pub fn report_of_period(
    campaign: &CampaignConfig,
    stored: &StoredPeriod,
    period: Period,
    price_per_credit_usd: f64,
) -> CampaignReport {
    let rows = period_rows(&period, stored.days.iter().map(|h| (&h.day, h.sample)));
    let latest: Vec<Observation> = stored.latest_videos().collect();
    let days: Vec<&DayMetrics> = stored.days.iter().map(|h| &h.day).collect();
    CampaignReport {
        campaign_id: campaign.id.clone(),
        name: campaign.name.clone(),
        client: campaign.client.clone(),
        client_name: campaign.client.clone(),
        hashtags: campaign.hashtag_labels.clone(),
        participation: participation(&rows, &latest, &period, campaign.videos),
        top_creators: CreatorStats::rank(latest.iter().map(|(_, video)| *video), TOP_LISTED),
        top_videos: top_videos(&latest),
        sentiment: sentiment(&rows),
        views_per_video: views_per_video(&rows),
        alerts: alerts(&rows),
        cost: cost(&rows, price_per_credit_usd),
        comparison: None,
        share_of_voice: share_of_voice(&days),
        daily_shares: daily_shares(&days),
        example_comments: ExampleComments::default(),
        period,
        days: rows,
    }
}

/// The headline figures of the period of `period_days` ending with `period_end`, from the
/// headlines of the campaign's stored days (any order; days outside the period are ignored):
/// what the comparison needs of the previous period, without reading its videos. Its
/// engagement rate, which counts each video of the period once, is not known from headlines.
pub fn period_headline(
    days: &[DayHeadline],
    period_end: NaiveDate,
    period_days: u32,
) -> (Period, Headline) {
    let period = Period::ending(period_end, period_days);
    let rows = period_rows(
        &period,
        days.iter()
            .filter(|h| period.contains(h.day.date))
            .map(|h| (&h.day, h.sample)),
    );
    (period, Headline::of_rows(&rows, None))
}

/// A row for every date of `period`: the stored day's (with its sample's totals), or one
/// saying there is no data.
fn period_rows<'a>(
    period: &Period,
    stored: impl Iterator<Item = (&'a DayMetrics, SampleTotals)>,
) -> Vec<ReportDay> {
    let by_date: HashMap<NaiveDate, (&DayMetrics, SampleTotals)> = stored
        .map(|(day, sample)| (day.date, (day, sample)))
        .collect();
    period
        .dates()
        .map(|date| {
            by_date
                .get(&date)
                .map_or_else(|| no_data(date), |(day, sample)| report_day(day, *sample))
        })
        .collect()
}

fn report_day(day: &DayMetrics, sample: SampleTotals) -> ReportDay {
    // An empty sample on a partial day means the feed calls failed, not that the hashtag has no
    // videos: report the sample size as unknown rather than 0.
    let sample_known = sample.videos > 0 || day.missing.is_empty();
    ReportDay {
        date: day.date,
        status: if day.missing.is_empty() {
            DayStatus::Complete
        } else {
            DayStatus::Partial
        },
        collected_on: day.collected_on,
        span_days: day.span_days(),
        total_views: day.total_views,
        new_views: day.new_views,
        view_growth: day.view_growth.clone(),
        total_videos: day.total_videos,
        videos_seen: Some(day.videos_seen),
        new_videos: day.new_videos,
        video_count_source: Some(day.video_count_source),
        tracked_videos: sample_known.then_some(sample.videos),
        new_tracked_videos: sample_known.then_some(day.new_tracked_videos),
        views_per_video: day.views_per_video,
        engagement_rate: engagement_rate(sample.engagements, sample.plays),
        sentiment: Some(day.sentiment.clone()),
        comments_read: Some(day.comments_read),
        sentiment_to_date: day.sentiment_to_date.clone(),
        alerts: Some(day.alerts.clone()),
        credits: Some(day.credits_spent),
        missing: day.missing.clone(),
    }
}

fn no_data(date: NaiveDate) -> ReportDay {
    ReportDay {
        date,
        status: DayStatus::NoData,
        collected_on: None,
        span_days: None,
        total_views: None,
        new_views: None,
        view_growth: None,
        total_videos: None,
        videos_seen: None,
        new_videos: None,
        video_count_source: None,
        tracked_videos: None,
        new_tracked_videos: None,
        views_per_video: None,
        engagement_rate: None,
        sentiment: None,
        comments_read: None,
        sentiment_to_date: None,
        alerts: None,
        credits: None,
        missing: Vec::new(),
    }
}

fn participation(
    rows: &[ReportDay],
    latest: &[Observation],
    period: &Period,
    sample_per_hashtag: u32,
) -> Participation {
    let deltas = new_videos_per_day(rows);
    Participation {
        average_new_videos: mean(deltas.iter().copied()),
        days_with_new_videos: deltas.len() as u32,
        distinct_tracked_videos: latest.len() as u32,
        tracked_first_seen_in_period: latest
            .iter()
            .filter(|(_, v)| period.contains(v.first_seen))
            .count() as u32,
        sample_per_hashtag,
        engagement_rate: engagement_rate(
            latest.iter().map(|(_, v)| v.stats.engagements()).sum(),
            latest.iter().map(|(_, v)| v.stats.plays).sum(),
        ),
        video_count_fallback_dates: rows
            .iter()
            .filter(|r| r.video_count_source == Some(VideoCountSource::DistinctVideosSeen))
            .map(|r| r.date)
            .collect(),
    }
}

/// Each day's new videos per day of its span, where known.
fn new_videos_per_day(rows: &[ReportDay]) -> Vec<f64> {
    rows.iter()
        .filter_map(|r| Some(r.new_videos? as f64 / f64::from(r.span_days?.max(1))))
        .collect()
}

/// The average of the days' new videos per day: what [`Participation`] and [`Headline`] show.
pub(super) fn average_new_videos(rows: &[ReportDay]) -> Option<f64> {
    mean(new_videos_per_day(rows).into_iter())
}

fn top_videos(latest: &[Observation]) -> Vec<TopVideo> {
    let mut videos = latest.to_vec();
    videos.sort_by(|(_, a), (_, b)| {
        b.stats
            .plays
            .cmp(&a.stats.plays)
            .then_with(|| a.id.cmp(&b.id))
    });
    videos
        .into_iter()
        .take(TOP_LISTED)
        .map(|(observed, v)| TopVideo {
            id: v.id.clone(),
            creator: v.creator.clone(),
            url: crate::domain::links::video_url(&v.creator, &v.id),
            plays: v.stats.plays,
            likes: v.stats.likes,
            comments: v.stats.comments,
            shares: v.stats.shares,
            engagement_rate: engagement_rate(v.stats.engagements(), v.stats.plays),
            first_seen: v.first_seen,
            observed,
            caption: v.caption.clone(),
        })
        .collect()
}

/// Weighted by comments, so a day with 5 comments does not count as much as one with 150.
pub(super) fn sentiment(rows: &[ReportDay]) -> SentimentPeriod {
    let scored: Vec<_> = rows.iter().filter_map(ReportDay::scored).collect();
    let comments: u32 = scored.iter().map(|s| s.comments).sum();
    let weighted = |value: fn(&SentimentSummary) -> f64| {
        (comments > 0).then(|| {
            scored
                .iter()
                .map(|s| value(s) * f64::from(s.comments))
                .sum::<f64>()
                / f64::from(comments)
        })
    };
    let (mut unscored, mut languages) = Default::default();
    for day in &scored {
        add_counts(&mut unscored, &day.unscored);
        add_counts(&mut languages, &day.languages);
    }
    // Days whose new comments were all in languages the campaign does not score.
    for row in rows {
        if let Some(SentimentOutcome::NotCollected { unscored: left, .. }) = &row.sentiment {
            add_counts(&mut unscored, left);
            add_counts(&mut languages, left);
        }
    }
    SentimentPeriod {
        unscored,
        languages,
        scored_days: scored.len() as u32,
        comments,
        positive_ratio: weighted(|s| s.positive_ratio),
        mean_score: weighted(|s| s.mean_score),
    }
}

fn views_per_video(rows: &[ReportDay]) -> ViewsPerVideo {
    let latest = rows
        .iter()
        .rev()
        .find_map(|r| r.views_per_video.map(|v| (r, v)));
    let counted_by_api = |r: &&ReportDay| r.video_count_source == Some(VideoCountSource::Api);
    ViewsPerVideo {
        latest: latest.map(|(_, v)| v),
        latest_date: latest.map(|(r, _)| r.date),
        latest_from_fallback: latest.is_some_and(|(r, _)| !counted_by_api(&r)),
        period_average: mean(
            rows.iter()
                .filter(counted_by_api)
                .filter_map(|r| r.views_per_video),
        ),
    }
}

pub(super) fn alerts(rows: &[ReportDay]) -> Vec<DatedAlert> {
    rows.iter()
        .flat_map(|r| {
            r.raised()
                .unwrap_or_default()
                .iter()
                .map(move |a| (r.date, a))
        })
        .map(|(date, a)| DatedAlert {
            date,
            rule: a.rule.clone(),
            plugin: a.plugin.clone(),
            severity: a.severity,
            message: a.message.clone(),
        })
        .collect()
}

fn cost(rows: &[ReportDay], price_per_credit_usd: f64) -> Cost {
    let spent: Vec<u32> = rows.iter().filter_map(|r| r.credits).collect();
    let credits: u64 = spent.iter().map(|&c| u64::from(c)).sum();
    let credits_per_day = mean(spent.iter().map(|&c| f64::from(c)));
    Cost {
        credits,
        price_per_credit_usd,
        usd: credits as f64 * price_per_credit_usd,
        credits_per_day,
        usd_per_day: credits_per_day.map(|c| c * price_per_credit_usd),
    }
}

/// The mean, or `None` of nothing (unknown, not 0).
fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0u32), |(sum, count), v| (sum + v, count + 1));
    (count > 0).then(|| sum / f64::from(count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{campaign, date, day, video};

    #[test]
    fn engagement_rate_is_interactions_over_plays_per_video_creator_day_and_period() {
        let mut a = video("v1", "ann", 1_000, "2026-11-01");
        a.stats.likes = 80;
        a.stats.comments = 15;
        a.stats.shares = 5;
        let mut b = video("v2", "ann", 3_000, "2026-11-01");
        b.stats.likes = 100;
        let mut silent = video("v3", "bob", 0, "2026-11-01");
        silent.stats.likes = 0;
        let mut first = day("2026-11-01", 1_000, 10);
        first.videos = vec![a, b, silent];
        let report = build_report(&campaign(), &[first], date("2026-11-01"), 1, 0.005);
        let rate = |id: &str| {
            report
                .top_videos
                .iter()
                .find(|v| v.id == id)
                .unwrap()
                .engagement_rate
        };
        assert_eq!(rate("v1"), Some(0.1));
        assert_eq!(rate("v3"), None, "no plays: unknown, not 0");
        assert_eq!(
            report.top_creators[0].engagement_rate(),
            Some(200.0 / 4_000.0)
        );
        assert_eq!(report.days[0].engagement_rate, Some(200.0 / 4_000.0));
        assert_eq!(report.participation.engagement_rate, Some(0.05));
        assert_eq!(
            report.top_videos[0].url.as_deref(),
            Some("https://www.tiktok.com/@ann/video/v2")
        );
    }

    #[test]
    fn every_date_of_the_period_is_a_row_and_gaps_have_no_data() {
        let mut partial = day("2026-11-03", 1_200, 12);
        partial.missing = vec!["#tryacme totals: HTTP 503".into()];
        let days = [
            day("2026-11-01", 1_000, 10),
            partial,
            day("2026-11-05", 1_500, 15),
        ];
        let report = build_report(&campaign(), &days, date("2026-11-05"), 7, 0.005);
        assert_eq!(report.period.from, date("2026-10-30"));
        let statuses: Vec<_> = report
            .days
            .iter()
            .map(|d| (d.date.to_string(), d.status))
            .collect();
        use DayStatus::*;
        let expected = [
            ("2026-10-30", NoData),
            ("2026-10-31", NoData),
            ("2026-11-01", Complete),
            ("2026-11-02", NoData),
            ("2026-11-03", Partial),
            ("2026-11-04", NoData),
            ("2026-11-05", Complete),
        ];
        assert_eq!(statuses, expected.map(|(d, s)| (d.to_string(), s)));
        let gap = &report.days[3];
        assert_eq!(
            (gap.total_views, gap.credits, gap.sentiment.is_none()),
            (None, None, true)
        );
    }

    #[test]
    fn creators_count_each_video_once_at_its_latest_plays() {
        let mut first = day("2026-11-01", 1_000, 10);
        first.videos = vec![
            video("v1", "ann", 100, "2026-11-01"),
            video("v2", "bob", 300, "2026-11-01"),
        ];
        let mut second = day("2026-11-02", 2_000, 12);
        second.videos = vec![
            video("v1", "ann", 250, "2026-11-01"),
            video("v3", "ann", 100, "2026-11-02"),
            video("v3", "ann", 100, "2026-11-02"),
        ];
        let report = build_report(&campaign(), &[first, second], date("2026-11-02"), 7, 0.005);
        let ann = CreatorStats {
            handle: "ann".into(),
            videos: 2,
            plays: 350,
            engagements: 0,
        };
        let bob = CreatorStats {
            handle: "bob".into(),
            videos: 1,
            plays: 300,
            engagements: 0,
        };
        assert_eq!(report.top_creators, vec![ann, bob]);
        assert_eq!(report.top_videos[0].id, "v2");
        assert_eq!(
            (report.top_videos[1].plays, report.top_videos[1].observed),
            (250, date("2026-11-02"))
        );
        assert_eq!(report.participation.distinct_tracked_videos, 3);
    }

    #[test]
    fn cost_is_credits_times_price_averaged_over_stored_days() {
        let mut a = day("2026-11-01", 1_000, 10);
        a.credits_spent = 5;
        let mut b = day("2026-11-03", 1_000, 10);
        b.credits_spent = 7;
        let report = build_report(&campaign(), &[a, b], date("2026-11-03"), 7, 0.01);
        assert_eq!(report.cost.credits, 12);
        assert!((report.cost.usd - 0.12).abs() < 1e-9, "{}", report.cost.usd);
        assert_eq!(report.cost.credits_per_day, Some(6.0));
        assert!((report.cost.usd_per_day.unwrap() - 0.06).abs() < 1e-9);
    }

    #[test]
    fn period_sentiment_is_weighted_by_comments_and_unknown_without_scores() {
        use crate::domain::SentimentOutcome;
        use crate::fixtures::scored;
        let mut a = day("2026-11-01", 1_000, 10);
        a.sentiment = scored(30, 0, 10, 0.5);
        let mut b = day("2026-11-02", 1_000, 10);
        b.sentiment = scored(0, 0, 10, -0.5);
        let report = build_report(&campaign(), &[a, b.clone()], date("2026-11-02"), 7, 0.005);
        assert_eq!(report.sentiment.positive_ratio, Some(0.6));
        assert_eq!(report.sentiment.mean_score, Some(0.3));
        b.sentiment = SentimentOutcome::Unavailable {
            reason: "trap".into(),
        };
        let report = build_report(&campaign(), &[b], date("2026-11-02"), 7, 0.005);
        assert_eq!(
            (report.sentiment.positive_ratio, report.sentiment.mean_score),
            (None, None)
        );
    }

    #[test]
    fn an_empty_sample_on_a_partial_day_is_unknown_not_zero() {
        let mut failed = day("2026-11-01", 1_000, 10);
        failed.missing = vec!["#tryacme videos from cursor 0: timeout".into()];
        let report = build_report(&campaign(), &[failed], date("2026-11-01"), 7, 0.005);
        let row = report.days.last().unwrap();
        assert_eq!((row.tracked_videos, row.new_tracked_videos), (None, None));
    }

    #[test]
    fn views_per_video_average_leaves_out_fallback_counts() {
        let mut api = day("2026-11-01", 1_000, 10);
        api.views_per_video = Some(100.0);
        let mut fallback = day("2026-11-02", 1_200, 2);
        fallback.video_count_source = VideoCountSource::DistinctVideosSeen;
        fallback.views_per_video = Some(600.0);
        let report = build_report(&campaign(), &[api, fallback], date("2026-11-02"), 7, 0.005);
        let vpv = report.views_per_video;
        assert_eq!(
            (vpv.latest, vpv.latest_from_fallback, vpv.period_average),
            (Some(600.0), true, Some(100.0))
        );
    }
}
