//! Day metrics from what was collected: totals, deltas, the sample's top videos and creators,
//! and the sentiment summary. Pure functions: no I/O, no plugins, so every rule about missing
//! or odd data (a 0 video count, a negative delta, a failed call) is tested here directly.

use crate::sentiment_eval::{Polarity, predicted_polarity};

use crate::domain::{DayMetrics, HashtagDay, SentimentSummary, VideoCountSource};

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

/// Totals across hashtags. Any failed hashtag makes the totals unknown rather than smaller.
pub fn totals(
    hashtags: &[HashtagTotals],
) -> (Vec<HashtagDay>, Option<u64>, Option<u64>, VideoCountSource) {
    let mut source = VideoCountSource::Api;
    let mut days = Vec::with_capacity(hashtags.len());
    let mut views = Some(0u64);
    let mut videos = Some(0u64);
    for tag in hashtags {
        let day = match tag.views_and_videos {
            None => HashtagDay {
                name: tag.name.clone(),
                views: None,
                videos: None,
            },
            Some((v, 0)) if v > 0 => {
                source = VideoCountSource::DistinctVideosSeen;
                HashtagDay {
                    name: tag.name.clone(),
                    views: Some(v),
                    videos: Some(tag.distinct_videos_seen),
                }
            }
            Some((v, n)) => HashtagDay {
                name: tag.name.clone(),
                views: Some(v),
                videos: Some(n),
            },
        };
        views = views.zip(day.views).map(|(a, b)| a.saturating_add(b));
        videos = videos.zip(day.videos).map(|(a, b)| a.saturating_add(b));
        days.push(day);
    }
    (days, views, videos, source)
}

/// The latest earlier day with known totals: the base for today's deltas.
pub fn previous_with_totals(history: &[DayMetrics]) -> Option<&DayMetrics> {
    history.iter().rev().find(|d| d.total_views.is_some())
}

/// Today's growth against `previous`. Negative values are kept: the API rounds view counts.
/// Video deltas across a change of count source would compare different things, so are unknown.
pub fn deltas(
    total_views: Option<u64>,
    total_videos: Option<u64>,
    source: VideoCountSource,
    previous: Option<&DayMetrics>,
) -> (Option<i64>, Option<i64>) {
    let Some(prev) = previous else {
        return (None, None);
    };
    let diff = |a: u64, b: u64| a as i64 - b as i64;
    let new_views = total_views.zip(prev.total_views).map(|(a, b)| diff(a, b));
    let new_videos = if prev.video_count_source == source {
        total_videos.zip(prev.total_videos).map(|(a, b)| diff(a, b))
    } else {
        None
    };
    (new_views, new_videos)
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
            .filter(|&&s| predicted_polarity(s) == class)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AlertsOutcome, CreatorStats, SentimentOutcome, TrackedVideo, VideoStats};

    fn tag(name: &str, info: Option<(u64, u64)>, seen: u64) -> HashtagTotals {
        HashtagTotals {
            name: name.into(),
            views_and_videos: info,
            distinct_videos_seen: seen,
        }
    }

    fn day(views: Option<u64>, videos: Option<u64>, source: VideoCountSource) -> DayMetrics {
        DayMetrics {
            campaign_id: "c".into(),
            client_id: "k".into(),
            date: "2026-11-01".parse().unwrap(),
            hashtags: vec![],
            total_views: views,
            total_videos: videos,
            video_count_source: source,
            new_views: None,
            new_videos: None,
            previous_date: None,
            videos: vec![],
            new_tracked_videos: 0,
            top_creators: vec![],
            views_per_video: None,
            sentiment: SentimentOutcome::NotCollected {
                reason: String::new(),
            },
            alerts: AlertsOutcome::Evaluated { alerts: vec![] },
            credits_spent: 0,
            missing: vec![],
        }
    }

    #[test]
    fn zero_video_count_falls_back_to_distinct_videos_seen() {
        let (_, views, videos, source) = totals(&[
            tag("a", Some((1_000_000, 0)), 42),
            tag("b", Some((10, 3)), 9),
        ]);
        assert_eq!(views, Some(1_000_010));
        assert_eq!(videos, Some(45));
        assert_eq!(source, VideoCountSource::DistinctVideosSeen);
    }

    #[test]
    fn a_failed_hashtag_makes_totals_unknown_not_smaller() {
        let (days, views, videos, _) = totals(&[tag("a", Some((500, 5)), 0), tag("b", None, 0)]);
        assert_eq!((views, videos), (None, None));
        assert_eq!(days[1].views, None);
    }

    #[test]
    fn negative_view_delta_is_kept_as_data() {
        let prev = day(Some(1_230_000), Some(100), VideoCountSource::Api);
        let (new_views, new_videos) = deltas(
            Some(1_220_000),
            Some(104),
            VideoCountSource::Api,
            Some(&prev),
        );
        assert_eq!((new_views, new_videos), (Some(-10_000), Some(4)));
    }

    #[test]
    fn deltas_skip_failed_days_and_source_changes() {
        let history = vec![
            day(Some(100), Some(10), VideoCountSource::Api),
            day(None, None, VideoCountSource::Api),
        ];
        let prev = previous_with_totals(&history).unwrap();
        assert_eq!(prev.total_views, Some(100));
        let (v, n) = deltas(
            Some(150),
            Some(3),
            VideoCountSource::DistinctVideosSeen,
            Some(prev),
        );
        assert_eq!((v, n), (Some(50), None));
        assert_eq!(
            deltas(Some(150), Some(3), VideoCountSource::Api, None),
            (None, None)
        );
    }

    #[test]
    fn creators_rank_by_plays_and_sentiment_counts_add_up() {
        let video = |creator: &str, plays| TrackedVideo {
            id: format!("{creator}{plays}"),
            creator: creator.into(),
            caption: String::new(),
            created_at: 0,
            stats: VideoStats {
                plays,
                ..Default::default()
            },
            first_seen: "2026-11-01".parse().unwrap(),
        };
        let creators = CreatorStats::rank(
            &[video("ann", 10), video("bob", 25), video("ann", 20)],
            TOP_CREATORS_KEPT,
        );
        assert_eq!(
            (
                creators[0].handle.as_str(),
                creators[0].videos,
                creators[0].plays
            ),
            ("ann", 2, 30)
        );
        let s = summarize_sentiment(&[0.9, 0.05, 0.0, -0.05, -0.7]).unwrap();
        assert_eq!((s.positive, s.neutral, s.negative), (2, 1, 2));
        assert!((s.positive_ratio - 0.4).abs() < 1e-9);
        assert!(summarize_sentiment(&[]).is_none());
        assert_eq!(views_per_video(Some(100), Some(0)), None);
    }
}
