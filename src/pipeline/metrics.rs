//! Day metrics from what was collected: totals, deltas, the sample's top videos and creators,
//! and the sentiment summary. Pure functions: no I/O, no plugins, so every rule about missing
//! or odd data (a 0 video count, a negative delta, a failed call) is tested here directly.

use sentiment_polarity::Polarity;

use crate::domain::{
    DayMetrics, GrowthBasis, HashtagDay, SentimentSummary, TrackedVideo, VideoCountSource,
    ViewGrowth,
};

/// How many creators a day keeps (the report's collaboration leads come from these).
pub const TOP_CREATORS_KEPT: usize = 10;

/// One hashtag's info result, with the distinct videos seen so far for the 0-count fallback.
#[derive(Debug, Clone)]
pub struct HashtagTotals {
    pub name: String,
    /// `None` when the info call failed.
    pub views_and_videos: Option<(u64, u64)>,
    pub distinct_videos_seen: u64,
}

/// Totals across hashtags. Any failed hashtag makes the totals unknown rather than smaller. A
/// hashtag whose API count is 0 next to a non-zero view count has an unknown video count (the
/// API does not know it): the total is unknown too, and `videos_seen` says what is known.
pub fn totals(
    hashtags: &[HashtagTotals],
) -> (Vec<HashtagDay>, Option<u64>, Option<u64>, VideoCountSource) {
    let mut source = VideoCountSource::Api;
    let mut days = Vec::with_capacity(hashtags.len());
    let mut views = Some(0u64);
    let mut videos = Some(0u64);
    for tag in hashtags {
        let (day_views, day_videos) = match tag.views_and_videos {
            None => (None, None),
            Some((v, 0)) if v > 0 => {
                source = VideoCountSource::DistinctVideosSeen;
                (Some(v), None)
            }
            Some((v, n)) => (Some(v), Some(n)),
        };
        views = views.zip(day_views).map(|(a, b)| a.saturating_add(b));
        videos = videos.zip(day_videos).map(|(a, b)| a.saturating_add(b));
        days.push(HashtagDay {
            name: tag.name.clone(),
            views: day_views,
            videos: day_videos,
        });
    }
    (days, views, videos, source)
}

/// The latest earlier day with known totals or a sample: the base for today's changes.
pub fn previous_with_data(history: &[DayMetrics]) -> Option<&DayMetrics> {
    history
        .iter()
        .rev()
        .find(|d| d.total_views.is_some() || !d.videos.is_empty())
}

/// The rounded totals' change against `previous` (over the whole span). Negative values are
/// kept: the API rounds view counts. Video counts are compared only when the API gave both.
pub fn deltas(
    total_views: Option<u64>,
    total_videos: Option<u64>,
    previous: Option<&DayMetrics>,
) -> (Option<i64>, Option<i64>) {
    let Some(prev) = previous else {
        return (None, None);
    };
    let diff = |a: u64, b: u64| a as i64 - b as i64;
    (
        total_views.zip(prev.total_views).map(|(a, b)| diff(a, b)),
        total_videos.zip(prev.total_videos).map(|(a, b)| diff(a, b)),
    )
}

/// The step the summed totals' change moves in: per hashtag, the largest power of ten that
/// divides both readings (the upstream rounding), added up. `None` unless every hashtag was
/// read on both days.
pub fn totals_step(today: &[HashtagDay], previous: &[HashtagDay]) -> Option<u64> {
    let unit = |value: u64| {
        let mut unit = 1u64;
        while value > 0 && value.is_multiple_of(unit * 10) && unit < MAX_ROUNDING_UNIT {
            unit *= 10;
        }
        unit
    };
    today
        .iter()
        .map(|tag| {
            let before = previous.iter().find(|p| p.name == tag.name)?.views?;
            Some(unit(tag.views?).min(unit(before)))
        })
        .sum()
}

/// No API rounds a count to more than this.
const MAX_ROUNDING_UNIT: u64 = 1_000_000_000_000;
/// How far upstream jitter may move one reading of a hashtag's views, as a share of it:
/// replicas disagree by about half a percent, beyond the rounding.
const UPSTREAM_JITTER: f64 = 0.006;
/// The tracked videos stand for the hashtag only when they carry at least this share of its
/// views and are at least this many: below, growth rests on the totals alone.
const MIN_TRACKED_SHARE: f64 = 0.02;
const MIN_TRACKED_COMPARED: u32 = 3;
/// The most the untracked videos' views may grow, relative to their size, against the tracked
/// ones': the sample's own upper bound (they are the less popular, mostly older videos).
const UNTRACKED_GROWTH_BOUND: f64 = 2.0;

/// What today's growth is estimated from.
pub struct GrowthEvidence<'a> {
    pub span_days: u32,
    /// Summed rounded totals today and on the previous day, and the step they move in.
    pub totals: Option<(u64, u64)>,
    pub totals_step: Option<u64>,
    /// Today's sample; `plays_change` already set for videos the previous sample had.
    pub videos: &'a [TrackedVideo],
    /// When the previous day's data was fetched: videos posted since then gained all their
    /// plays within the span.
    pub previous_collected_at: Option<i64>,
    /// Videos the API counted as new over the span (`None` when it does not know).
    pub new_videos: Option<u64>,
}

/// New views per day over the span, from two sources weighed by their precision: the tracked
/// videos' exact plays scaled by their share of the hashtag's views, and the rounded totals'
/// change; kept within what both allow. `None` on a first day, or when neither is usable.
pub fn view_growth(e: &GrowthEvidence) -> Option<ViewGrowth> {
    let span = f64::from(e.span_days.max(1));
    let mut tracked_change = 0u64;
    let mut tracked_compared = 0u32;
    let mut covered_plays = 0u64;
    for video in e.videos {
        let posted_since = e
            .previous_collected_at
            .is_some_and(|at| video.created_at > at);
        let gain = match video.plays_change {
            Some(gain) => gain,
            None if posted_since => video.stats.plays,
            None => continue,
        };
        tracked_change = tracked_change.saturating_add(gain);
        tracked_compared += 1;
        covered_plays = covered_plays.saturating_add(video.stats.plays);
    }
    // New videos outside the sample gained all their plays within the span too; each has
    // fewer plays than the least played video of the sample (the feed is ranked by plays),
    // half as many on a guess.
    let posted_in_sample = e
        .videos
        .iter()
        .filter(|v| e.previous_collected_at.is_some_and(|at| v.created_at > at))
        .count() as u64;
    let smallest_tracked = e.videos.iter().map(|v| v.stats.plays).min().unwrap_or(0) as f64;
    let untracked_new_high = e.new_videos.map_or(0.0, |n| {
        n.saturating_sub(posted_in_sample) as f64 * smallest_tracked
    });
    let totals_change = e.totals.map(|(now, before)| now as i64 - before as i64);
    // What the totals allow: their change, give or take one rounding step and the jitter of
    // both readings.
    let totals_range = e.totals.zip(totals_change).map(|((now, before), change)| {
        let slack = e.totals_step.unwrap_or(0) as f64 + UPSTREAM_JITTER * (now + before) as f64;
        (change as f64 - slack, change as f64 + slack)
    });
    let share = e
        .totals
        .filter(|(now, _)| *now > 0)
        .map(|(now, _)| (covered_plays as f64 / now as f64).min(1.0))
        .filter(|&share| share >= MIN_TRACKED_SHARE && tracked_compared >= MIN_TRACKED_COMPARED);
    let exact = tracked_change as f64;
    // The sample's estimate: the tracked gain scaled by the sample's share of the views, plus
    // half of what the new untracked videos may have; and the most the sample allows.
    // Without the API's count of new videos, those outside the sample are unbounded: the
    // sample then says nothing of an upper end.
    let sample = share.map(|share| {
        let estimate = exact / share + untracked_new_high / 2.0;
        let high =
            exact * (1.0 + UNTRACKED_GROWTH_BOUND * (1.0 - share) / share) + untracked_new_high;
        (estimate, high)
    });
    let sample_bound = sample
        .filter(|_| e.new_videos.is_some())
        .map(|(_, high)| high);
    let (estimate, basis) = match (sample, totals_range) {
        // Both sources: each weighed by how precise it is (inverse square of its half-range),
        // so the rounded totals decide on a small hashtag and the exact plays on a big one.
        (Some((estimate, high)), Some((low, total_high))) => {
            let sample_weight = ((high - exact) / 2.0).max(1.0).powi(-2);
            let totals_weight = (((total_high - low) / 2.0).max(1.0)).powi(-2);
            let totals = (low + total_high) / 2.0;
            (
                (estimate * sample_weight + totals * totals_weight)
                    / (sample_weight + totals_weight),
                GrowthBasis::TrackedVideos,
            )
        }
        (Some((estimate, _)), None) => (estimate, GrowthBasis::TrackedVideos),
        (None, Some(_)) => (
            (totals_change.unwrap_or(0) as f64).max(exact),
            GrowthBasis::Totals,
        ),
        (None, None) => return None,
    };
    let low = totals_range
        .map_or(exact, |(low, _)| low.max(exact))
        .max(0.0);
    let high = match (totals_range.map(|(_, high)| high), sample_bound) {
        (Some(totals), Some(sample)) => Some(totals.min(sample)),
        (totals, sample) => totals.or(sample),
    }
    .map(|high| high.max(low));
    let estimate = match high {
        Some(high) => estimate.clamp(low, high),
        None => estimate.max(low),
    };
    Some(ViewGrowth {
        span_days: e.span_days.max(1),
        per_day: estimate / span,
        per_day_low: low / span,
        per_day_high: high.map(|h| h / span),
        totals_change,
        totals_step: e.totals_step,
        tracked_change,
        tracked_compared,
        basis,
    })
}

pub fn views_per_video(total_views: Option<u64>, total_videos: Option<u64>) -> Option<f64> {
    match (total_views, total_videos) {
        (Some(views), Some(videos)) if videos > 0 => Some(views as f64 / videos as f64),
        _ => None,
    }
}

/// Counts and ratios over the scores of one day's comments (none when there are no scores).
pub fn summarize_sentiment(scores: &[f64]) -> Option<SentimentSummary> {
    if scores.is_empty() {
        return None;
    }
    let count = |class| {
        scores
            .iter()
            .filter(|&&s| Polarity::of_score(s) == class)
            .count() as u32
    };
    let (positive, negative) = (count(Polarity::Positive), count(Polarity::Negative));
    let comments = scores.len() as u32;
    Some(SentimentSummary {
        comments,
        positive,
        neutral: comments - positive - negative,
        negative,
        positive_ratio: positive as f64 / comments as f64,
        negative_ratio: negative as f64 / comments as f64,
        mean_score: scores.iter().sum::<f64>() / comments as f64,
    })
}

/// A campaign's growth from its hashtags' (each estimated from its own totals and sample, so
/// that a stalled hashtag does not drag a live one's estimate down): sums, unknown if any
/// hashtag's is.
pub fn campaign_growth(hashtags: Vec<Option<ViewGrowth>>) -> Option<ViewGrowth> {
    let hashtags: Vec<ViewGrowth> = hashtags.into_iter().collect::<Option<_>>()?;
    let first = hashtags.first()?.clone();
    Some(hashtags[1..].iter().fold(first, |sum, g| ViewGrowth {
        span_days: sum.span_days,
        per_day: sum.per_day + g.per_day,
        per_day_low: sum.per_day_low + g.per_day_low,
        per_day_high: sum.per_day_high.zip(g.per_day_high).map(|(a, b)| a + b),
        totals_change: sum.totals_change.zip(g.totals_change).map(|(a, b)| a + b),
        totals_step: sum.totals_step.zip(g.totals_step).map(|(a, b)| a + b),
        tracked_change: sum.tracked_change + g.tracked_change,
        tracked_compared: sum.tracked_compared + g.tracked_compared,
        basis: if g.basis == GrowthBasis::TrackedVideos {
            g.basis
        } else {
            sum.basis
        },
    }))
}

/// Two summaries as one (a running total and a day's new comments).
pub fn merge_sentiment(a: &SentimentSummary, b: &SentimentSummary) -> SentimentSummary {
    let comments = a.comments + b.comments;
    let ratio = |n: u32| {
        if comments == 0 {
            0.0
        } else {
            f64::from(n) / f64::from(comments)
        }
    };
    let (positive, negative) = (a.positive + b.positive, a.negative + b.negative);
    SentimentSummary {
        comments,
        positive,
        neutral: a.neutral + b.neutral,
        negative,
        positive_ratio: ratio(positive),
        negative_ratio: ratio(negative),
        mean_score: if comments == 0 {
            0.0
        } else {
            (a.mean_score * f64::from(a.comments) + b.mean_score * f64::from(b.comments))
                / f64::from(comments)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(name: &str, info: Option<(u64, u64)>, seen: u64) -> HashtagTotals {
        HashtagTotals {
            name: name.into(),
            views_and_videos: info,
            distinct_videos_seen: seen,
        }
    }

    fn hashtag_day(name: &str, views: u64) -> HashtagDay {
        HashtagDay {
            name: name.into(),
            views: Some(views),
            videos: None,
        }
    }

    fn video(id: &str, plays: u64, change: Option<u64>, created_at: i64) -> TrackedVideo {
        TrackedVideo {
            id: id.into(),
            creator: "ann".into(),
            caption: String::new(),
            created_at,
            stats: crate::domain::VideoStats {
                plays,
                ..Default::default()
            },
            first_seen: "2026-11-01".parse().unwrap(),
            plays_change: change,
            change_span_days: change.map(|_| 1),
        }
    }

    #[test]
    fn a_zero_video_count_is_unknown_not_the_sample() {
        let (days, views, videos, source) = totals(&[
            tag("a", Some((1_000_000, 0)), 42),
            tag("b", Some((10, 3)), 9),
        ]);
        assert_eq!(views, Some(1_000_010));
        assert_eq!(videos, None);
        assert_eq!(days[0].videos, None);
        assert_eq!(days[1].videos, Some(3));
        assert_eq!(source, VideoCountSource::DistinctVideosSeen);
    }

    #[test]
    fn a_failed_hashtag_makes_totals_unknown_not_smaller() {
        let (days, views, videos, _) = totals(&[tag("a", Some((500, 5)), 0), tag("b", None, 0)]);
        assert_eq!((views, videos), (None, None));
        assert_eq!(days[1].views, None);
    }

    #[test]
    fn the_rounding_step_is_the_power_of_ten_both_readings_share() {
        let today = [hashtag_day("a", 12_300_000), hashtag_day("b", 4_560)];
        let before = [hashtag_day("a", 12_000_000), hashtag_day("b", 4_500)];
        assert_eq!(totals_step(&today, &before), Some(100_000 + 10));
        assert_eq!(totals_step(&today, &before[..1]), None);
    }

    #[test]
    fn a_rounding_step_on_a_stalled_hashtag_is_not_growth() {
        // Totals moved by one 100,000 step; the tracked videos gained 300 plays in all.
        let videos = [
            video("v1", 5_000_000, Some(120), 0),
            video("v2", 2_000_000, Some(100), 0),
            video("v3", 1_000_000, Some(80), 0),
        ];
        let growth = view_growth(&GrowthEvidence {
            span_days: 1,
            totals: Some((12_100_000, 12_000_000)),
            totals_step: Some(100_000),
            videos: &videos,
            previous_collected_at: Some(10),
            new_videos: Some(0),
        })
        .unwrap();
        assert_eq!(growth.basis, GrowthBasis::TrackedVideos);
        assert_eq!(growth.tracked_change, 300);
        // 8M of 12.1M views are tracked: 300 plays scale to about 450.
        assert!((400.0..500.0).contains(&growth.per_day), "{growth:?}");
        assert_eq!(growth.per_day_low, 300.0);
    }

    #[test]
    fn a_gap_is_a_span_and_new_videos_count_whole() {
        let videos = [
            video("old", 1_000, Some(3_000), 0),
            video("new", 6_000, None, 500),
            video("unknown", 9_000, None, 5),
            video("old2", 1_000, Some(0), 0),
        ];
        let growth = view_growth(&GrowthEvidence {
            span_days: 3,
            totals: Some((100_000, 90_000)),
            totals_step: Some(1_000),
            videos: &videos,
            previous_collected_at: Some(100),
            new_videos: None,
        })
        .unwrap();
        assert_eq!((growth.tracked_change, growth.tracked_compared), (9_000, 3));
        assert_eq!(growth.span_days, 3);
        // 8,000 tracked plays of 100,000 are a thin sample (9,000 scales to 112,500, give or
        // take a lot); the totals' 10,000 (+/- 2,140) are the precise source here.
        assert!((growth.per_day - 10_000.0 / 3.0).abs() < 50.0, "{growth:?}");
        assert_eq!(growth.per_day_low, 3_000.0);
        assert_eq!(growth.per_day_high, Some(12_140.0 / 3.0));
    }

    #[test]
    fn new_videos_outside_the_sample_count_up_to_the_smallest_tracked_plays() {
        let videos = [
            video("v1", 400_000, Some(100), 0),
            video("v2", 200_000, Some(100), 0),
            video("v3", 100_000, Some(100), 0),
            video("fresh", 4_000, None, 500),
        ];
        let evidence = |new_videos| GrowthEvidence {
            span_days: 1,
            totals: Some((1_000_000, 985_000)),
            totals_step: Some(1_000),
            videos: &videos,
            previous_collected_at: Some(100),
            new_videos,
        };
        let without = view_growth(&evidence(Some(1))).unwrap();
        // 11 new videos, one of them tracked: 10 more with fewer than 4,000 plays each, so up
        // to 40,000 more views than the sample shows, as far as the totals allow (27,910).
        let with = view_growth(&evidence(Some(11))).unwrap();
        assert!(
            with.per_day > without.per_day + 5_000.0,
            "{without:?} {with:?}"
        );
        assert_eq!(with.per_day_high, Some(27_910.0));
        assert!(without.per_day_high.unwrap() < 8_000.0, "{without:?}");
        assert_eq!(with.per_day_low, without.per_day_low);
    }

    #[test]
    fn without_a_sample_growth_rests_on_the_totals() {
        let growth = view_growth(&GrowthEvidence {
            span_days: 1,
            totals: Some((5_000, 4_000)),
            totals_step: Some(10),
            videos: &[],
            previous_collected_at: None,
            new_videos: None,
        })
        .unwrap();
        assert_eq!(growth.basis, GrowthBasis::Totals);
        assert_eq!(growth.per_day, 1_000.0);
        assert!(
            view_growth(&GrowthEvidence {
                span_days: 1,
                totals: None,
                totals_step: None,
                videos: &[],
                previous_collected_at: None,
                new_videos: None,
            })
            .is_none()
        );
    }

    #[test]
    fn sentiment_counts_add_up_and_merge() {
        let s = summarize_sentiment(&[0.9, 0.05, 0.0, -0.05, -0.7]).unwrap();
        assert_eq!((s.positive, s.neutral, s.negative), (2, 1, 2));
        assert!((s.positive_ratio - 0.4).abs() < 1e-9);
        assert!(summarize_sentiment(&[]).is_none());
        let t = summarize_sentiment(&[1.0]).unwrap();
        let both = merge_sentiment(&s, &t);
        assert_eq!((both.comments, both.positive), (6, 3));
        assert!((both.mean_score - (0.2 + 1.0) / 6.0).abs() < 1e-9);
        assert_eq!(views_per_video(Some(100), Some(0)), None);
    }
}
