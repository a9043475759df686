//! Day metrics from what was collected: totals, deltas, the growth estimate and its bounds, the
//! sample's top videos and creators, which comments are new, the sentiment summary, and the
//! whole day assembled from them ([`assemble_day`]). Pure functions: no I/O, no plugins, so
//! every rule about missing or odd data (a 0 video count, a negative delta, a failed call, a
//! provider serving old data) is tested here directly.
//!
//! What is new is decided by the data's own clock: each hashtag's data watermark (the newest
//! `create_time` collected for it) and each video's comment watermark, never the host's clock.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use sentiment_polarity::Polarity;

use crate::domain::{
    AlertsOutcome, Comment, CreatorStats, DayMetrics, GrowthBasis, HashtagDay, HashtagInfo,
    SentimentOutcome, SentimentSummary, TrackedVideo, Video, VideoCountSource, ViewGrowth,
    add_counts,
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
/// replicas disagree by about half a percent, beyond the rounding. The report's total-views
/// band draws the same allowance.
pub(crate) const UPSTREAM_JITTER: f64 = 0.006;
/// The tracked videos stand for the hashtag only when they carry at least this share of its
/// views and are at least this many: below, growth rests on the totals alone.
const MIN_TRACKED_SHARE: f64 = 0.02;
const MIN_TRACKED_COMPARED: u32 = 3;
/// The most the untracked videos' views may grow, relative to their size, against the fastest
/// the tracked ones grew (over all of them, or over their youngest third: outside the sample
/// are the less played videos, old flops and young ones alike). A model, not evidence: its
/// coverage is measured by `hashtrack evaluate` across simulated campaign shapes.
const UNTRACKED_GROWTH_BOUND: f64 = 2.0;

/// The faster of two relative gains over the span of the videos compared with the previous
/// sample: all of them, and their youngest third (young videos grow fastest). Gains over
/// plays before, summed per group so that a video of a handful of plays does not decide.
fn compared_rate_high(videos: &[TrackedVideo]) -> f64 {
    let mut compared: Vec<(i64, u64, u64)> = videos
        .iter()
        .filter_map(|v| Some((v.created_at, v.plays_change?, v.stats.plays)))
        .collect();
    let rate = |group: &[(i64, u64, u64)]| {
        let gained: u64 = group.iter().map(|(_, gain, _)| gain).sum();
        let before: u64 = group
            .iter()
            .map(|(_, gain, plays)| plays.saturating_sub(*gain))
            .sum();
        if before == 0 {
            0.0
        } else {
            gained as f64 / before as f64
        }
    };
    compared.sort_by_key(|v| std::cmp::Reverse(v.0));
    let youngest = &compared[..compared.len().div_ceil(3)];
    rate(&compared).max(rate(youngest))
}

/// What today's growth is estimated from.
pub struct GrowthEvidence<'a> {
    pub span_days: u32,
    /// Summed rounded totals today and on the previous day, and the step they move in.
    pub totals: Option<(u64, u64)>,
    pub totals_step: Option<u64>,
    /// Today's sample; `plays_change` already set for videos the previous sample had.
    pub videos: &'a [TrackedVideo],
    /// The hashtag's data watermark at the previous collection: videos posted after it gained
    /// all their plays within the span.
    pub previous_data_as_of: Option<i64>,
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
            .previous_data_as_of
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
        .filter(|v| e.previous_data_as_of.is_some_and(|at| v.created_at > at))
        .count() as u64;
    let smallest_tracked = e.videos.iter().map(|v| v.stats.plays).min().unwrap_or(0) as f64;
    // Without the API's count of new videos, those outside the sample are unbounded: the
    // sample then says nothing of an upper end.
    let untracked_new_high = e
        .new_videos
        .map(|n| n.saturating_sub(posted_in_sample) as f64 * smallest_tracked);
    let untracked_rate_high = UNTRACKED_GROWTH_BOUND * compared_rate_high(e.videos);
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
    let untracked_views = e
        .totals
        .map_or(0.0, |(now, _)| (now as f64 - covered_plays as f64).max(0.0));
    let sample = share.map(|share| {
        let new_outside = untracked_new_high.unwrap_or(0.0);
        let estimate = exact / share + new_outside / 2.0;
        let high = exact + untracked_rate_high * untracked_views + new_outside;
        (estimate, high)
    });
    let sample_bound = sample
        .filter(|_| untracked_new_high.is_some())
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
        unscored: BTreeMap::new(),
        languages: BTreeMap::new(),
    })
}

/// The summary of `scores` (`None`: not scored), with the unscored ones counted by language;
/// `None` when no comment was scored.
pub fn summarize_scored(scores: &[Option<f64>], languages: &[&str]) -> Option<SentimentSummary> {
    let scored: Vec<f64> = scores.iter().flatten().copied().collect();
    let mut summary = summarize_sentiment(&scored)?;
    for (score, language) in scores.iter().zip(languages) {
        if score.is_none() {
            *summary.unscored.entry(language.to_string()).or_default() += 1;
        }
        *summary.languages.entry(language.to_string()).or_default() += 1;
    }
    Some(summary)
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
    let (mut unscored, mut languages) = (a.unscored.clone(), a.languages.clone());
    add_counts(&mut unscored, &b.unscored);
    add_counts(&mut languages, &b.languages);
    SentimentSummary {
        unscored,
        languages,
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

/// The data watermark of `hashtag` at the `previous` collection: what was posted or written
/// after it is new now. Stores from before watermarks fall back to when that day was fetched.
/// `None` without a previous collection.
pub fn data_watermark(previous: Option<&DayMetrics>, hashtag: &str) -> Option<i64> {
    let previous = previous?;
    previous
        .data_as_of
        .get(hashtag)
        .copied()
        .or(previous.collected_at)
}

/// Each hashtag's data watermark after today: the newest `create_time` of its sampled videos
/// and of the comments read on them, never behind the previous one.
fn data_as_of(
    previous: Option<&DayMetrics>,
    videos: &[(String, Video)],
    comments: &[(String, Comment)],
) -> BTreeMap<String, i64> {
    let mut watermarks = previous.map(|p| p.data_as_of.clone()).unwrap_or_default();
    let mut advance = |hashtag: &str, at: i64| {
        let mark = watermarks.entry(hashtag.to_string()).or_insert(at);
        *mark = (*mark).max(at);
    };
    let mut hashtag_of = HashMap::with_capacity(videos.len());
    for (hashtag, video) in videos {
        advance(hashtag, video.created_at);
        hashtag_of.insert(video.id.as_str(), hashtag.as_str());
    }
    for (video, comment) in comments {
        if let Some(hashtag) = hashtag_of.get(video.as_str()) {
            advance(hashtag, comment.created_at);
        }
    }
    watermarks
}

/// The comments read on a day, split by when they were written.
#[derive(Debug, Default)]
pub struct CommentsRead {
    /// Read for the first time today, whenever written, with their videos' ids; the new ones
    /// first.
    pub first_read: Vec<(String, Comment)>,
    /// How many of `first_read` (its first ones) are new: written after their video's cutoff.
    pub written_in_span: usize,
}

/// The comments read today that no earlier day read (`already_read`), the new ones first: a
/// comment is new when written after its video's cutoff (see `collect::Collected`); a video
/// without one has only new comments.
pub fn first_read(
    comments: &[(String, Comment)],
    mut already_read: HashSet<String>,
    cutoffs: &HashMap<String, Option<i64>>,
) -> CommentsRead {
    let mut new = Vec::new();
    let mut older = Vec::new();
    for (video, comment) in comments {
        // Pages can repeat a comment: it counts once, as on the first earlier day.
        if !already_read.insert(comment.id.clone()) {
            continue;
        }
        let cutoff = cutoffs.get(video).copied().flatten();
        let read = (video.clone(), comment.clone());
        if cutoff.is_none_or(|cutoff| comment.created_at > cutoff) {
            new.push(read);
        } else {
            older.push(read);
        }
    }
    let written_in_span = new.len();
    new.extend(older);
    CommentsRead {
        first_read: new,
        written_in_span,
    }
}

/// Captions are stored cut to this many characters: enough to recognise a video in a report
/// (which cuts further to fit its columns), not a copy of every video's text.
pub const STORED_CAPTION_CHARS: usize = 120;

/// Everything one campaign-day is assembled from: what was collected, what the store knew
/// before, and what the sentiment scorer said. Alerts, credits and what is missing are added
/// by the caller (alerts are evaluated on the assembled day).
pub struct DayInputs<'a> {
    pub campaign_id: &'a str,
    pub client_id: &'a str,
    pub date: NaiveDate,
    pub time_zone: Tz,
    /// The latest earlier day with data: the base of today's changes.
    pub previous: Option<&'a DayMetrics>,
    /// When the day's first response was fetched (the host's clock: shown, never compared).
    pub collected_at: Option<i64>,
    /// Per configured hashtag, its info (`None`: the call failed).
    pub hashtags: &'a [(String, Option<HashtagInfo>)],
    pub competitors: &'a [(String, Option<HashtagInfo>)],
    /// The sample, with the hashtag each video came from, and the day each first appeared.
    pub videos: &'a [(String, Video)],
    pub first_seen: &'a [NaiveDate],
    /// Per configured hashtag, the distinct videos its samples showed so far.
    pub videos_seen: &'a [u64],
    /// Every comment read today, with its video.
    pub comments: &'a [(String, Comment)],
    pub comments_first_read: u32,
    pub sentiment: SentimentOutcome,
    /// Over every comment read for the first time today, for the running total.
    pub first_read_sentiment: Option<SentimentSummary>,
    pub scorer: String,
}

/// The day's metrics from its inputs: totals, deltas, growth with its bounds, the sample with
/// each video's change, creators, sentiment and its running total, and the data watermarks.
pub fn assemble_day(inputs: DayInputs) -> DayMetrics {
    let previous = inputs.previous;
    let span_days = previous.map(|p| (inputs.date - p.date).num_days().max(1) as u32);
    let videos: Vec<TrackedVideo> = inputs
        .videos
        .iter()
        .zip(inputs.first_seen)
        .map(|((_, video), first_seen)| {
            let before = previous.and_then(|p| p.videos.iter().find(|v| v.id == video.id));
            TrackedVideo {
                id: video.id.clone(),
                creator: video.creator.handle.clone(),
                caption: video.caption.chars().take(STORED_CAPTION_CHARS).collect(),
                created_at: video.created_at,
                stats: video.stats,
                first_seen: *first_seen,
                plays_change: before.map(|b| video.stats.plays.saturating_sub(b.stats.plays)),
                change_span_days: before.and(span_days),
            }
        })
        .collect();
    let hashtag_totals: Vec<HashtagTotals> = inputs
        .hashtags
        .iter()
        .zip(inputs.videos_seen)
        .map(|((name, info), seen)| HashtagTotals {
            name: name.clone(),
            views_and_videos: info.as_ref().map(|i| (i.view_count, i.video_count)),
            distinct_videos_seen: *seen,
        })
        .collect();
    let (hashtags, total_views, total_videos, source) = totals(&hashtag_totals);
    let (new_views, new_videos) = deltas(total_views, total_videos, previous);
    let view_growth = span_days.zip(previous).and_then(|(span_days, previous)| {
        let per_hashtag = hashtags
            .iter()
            .map(|tag| {
                let before = previous.hashtags.iter().find(|p| p.name == tag.name);
                let sample: Vec<TrackedVideo> = inputs
                    .videos
                    .iter()
                    .zip(&videos)
                    .filter(|((name, _), _)| *name == tag.name)
                    .map(|(_, video)| video.clone())
                    .collect();
                view_growth(&GrowthEvidence {
                    span_days,
                    totals: tag.views.zip(before.and_then(|b| b.views)),
                    totals_step: before.and_then(|b| {
                        totals_step(std::slice::from_ref(tag), std::slice::from_ref(b))
                    }),
                    videos: &sample,
                    previous_data_as_of: data_watermark(Some(previous), &tag.name),
                    new_videos: tag
                        .videos
                        .zip(before.and_then(|b| b.videos))
                        .map(|(now, then)| now.saturating_sub(then)),
                })
            })
            .collect();
        campaign_growth(per_hashtag)
    });
    let sentiment_to_date = match (
        previous.and_then(|p| p.sentiment_to_date.as_ref()),
        &inputs.first_read_sentiment,
    ) {
        (Some(before), Some(today)) => Some(merge_sentiment(before, today)),
        (before, today) => today.clone().or_else(|| before.cloned()),
    };
    DayMetrics {
        campaign_id: inputs.campaign_id.to_string(),
        client_id: inputs.client_id.to_string(),
        date: inputs.date,
        collected_at: inputs.collected_at,
        collected_on: inputs
            .collected_at
            .and_then(|at| DateTime::from_timestamp(at, 0))
            .map(|at| at.with_timezone(&inputs.time_zone).date_naive())
            .filter(|on| *on != inputs.date),
        data_as_of: data_as_of(previous, inputs.videos, inputs.comments),
        hashtags,
        competitors: inputs
            .competitors
            .iter()
            .map(|(name, info)| HashtagDay {
                name: name.clone(),
                views: info.as_ref().map(|i| i.view_count),
                // 0 means the API does not know, not that there are none.
                videos: info.as_ref().map(|i| i.video_count).filter(|v| *v > 0),
            })
            .collect(),
        total_views,
        total_videos,
        video_count_source: source,
        videos_seen: inputs.videos_seen.iter().sum(),
        new_views,
        new_videos,
        previous_date: previous.map(|p| p.date),
        view_growth,
        new_tracked_videos: videos
            .iter()
            .filter(|v| v.first_seen == inputs.date)
            .count() as u32,
        top_creators: CreatorStats::rank(&videos, TOP_CREATORS_KEPT),
        views_per_video: views_per_video(total_views, total_videos),
        videos,
        sentiment: inputs.sentiment,
        comments_read: inputs.comments_first_read,
        sentiment_to_date,
        scorer: inputs.scorer,
        alerts: AlertsOutcome::Evaluated { alerts: vec![] },
        credits_spent: 0,
        missing: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unscored_comments_are_counted_by_language_and_left_out_of_the_shares() {
        let scores = [Some(0.8), None, Some(-0.6), None, None, Some(0.0)];
        let languages = ["en", "id", "en", "id", "pt", "und"];
        let summary = summarize_scored(&scores, &languages).unwrap();
        assert_eq!(
            (summary.comments, summary.positive, summary.negative),
            (3, 1, 1)
        );
        assert!((summary.positive_ratio - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(summary.unscored.get("id"), Some(&2));
        assert_eq!(summary.unscored.get("pt"), Some(&1));
        assert_eq!(summary.comments_read(), 6);
        assert_eq!(summarize_scored(&[None, None], &["id", "id"]), None);
        let merged = merge_sentiment(&summary, &summary);
        assert_eq!(merged.unscored.get("id"), Some(&4));
        assert_eq!(summary.languages.get("en"), Some(&2));
        assert_eq!(summary.languages.get("und"), Some(&1));
        assert_eq!(merged.languages.get("id"), Some(&4));
    }

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
            previous_data_as_of: Some(10),
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
            previous_data_as_of: Some(100),
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
            previous_data_as_of: Some(100),
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
            previous_data_as_of: None,
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
                previous_data_as_of: None,
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

    fn fed_video(id: &str, plays: u64, created_at: i64) -> (String, Video) {
        (
            "tryacme".to_string(),
            Video {
                id: id.into(),
                caption: "x".repeat(300),
                created_at,
                stats: crate::domain::VideoStats {
                    plays,
                    comments: 10,
                    ..Default::default()
                },
                creator: crate::domain::Creator {
                    handle: format!("{id}-maker"),
                    nickname: String::new(),
                },
            },
        )
    }

    fn comment_on(video: &str, id: &str, created_at: i64) -> (String, Comment) {
        let mut comment = Comment::from_text(id, "nice");
        comment.created_at = created_at;
        (video.to_string(), comment)
    }

    #[test]
    fn a_comment_is_new_after_its_videos_cutoff_and_only_once() {
        let cutoffs = HashMap::from([
            ("read".to_string(), Some(1_000)),
            ("fresh".to_string(), None),
        ]);
        let comments = vec![
            comment_on("read", "old", 900),
            comment_on("read", "new", 1_100),
            comment_on("read", "seen", 1_200),
            comment_on("fresh", "any", 10),
            comment_on("read", "new", 1_100),
        ];
        let read = first_read(&comments, HashSet::from(["seen".to_string()]), &cutoffs);
        let ids: Vec<&str> = read.first_read.iter().map(|(_, c)| c.id.as_str()).collect();
        assert_eq!(ids, ["new", "any", "old"]);
        assert_eq!(read.written_in_span, 2);
    }

    #[test]
    fn watermarks_follow_the_data_never_step_back_and_fall_back_to_the_fetch_time() {
        let videos = [fed_video("v1", 100, 5_000), fed_video("v2", 50, 7_000)];
        let comments = [
            comment_on("v1", "c", 9_000),
            comment_on("elsewhere", "d", 99_999),
        ];
        let mut previous = crate::fixtures::day("2026-11-01", 1_000, 10);
        previous.collected_at = Some(123);
        assert_eq!(data_watermark(Some(&previous), "tryacme"), Some(123));
        assert_eq!(data_watermark(None, "tryacme"), None);
        previous.data_as_of.insert("tryacme".into(), 20_000);
        assert_eq!(data_watermark(Some(&previous), "tryacme"), Some(20_000));
        assert_eq!(
            data_as_of(Some(&previous), &videos, &comments)["tryacme"],
            20_000
        );
        assert_eq!(data_as_of(None, &videos, &comments)["tryacme"], 9_000);
    }

    #[test]
    fn a_day_is_assembled_from_what_was_collected() {
        let mut previous = crate::fixtures::day("2026-11-01", 1_000_000, 10);
        previous.videos = vec![crate::fixtures::video("v1", "ann", 400_000, "2026-11-01")];
        previous.data_as_of.insert("tryacme".into(), 6_000);
        let videos = [
            fed_video("v1", 450_000, 5_000),
            fed_video("v2", 30_000, 7_000),
        ];
        let hashtags = [(
            "tryacme".to_string(),
            Some(HashtagInfo {
                id: "1".into(),
                title: "tryacme".into(),
                view_count: 1_100_000,
                video_count: 11,
            }),
        )];
        let comments = [comment_on("v2", "c1", 8_000)];
        let day = assemble_day(DayInputs {
            campaign_id: "spring",
            client_id: "acme",
            date: "2026-11-03".parse().unwrap(),
            time_zone: Tz::UTC,
            previous: Some(&previous),
            collected_at: Some(86_400 * 20_000),
            hashtags: &hashtags,
            competitors: &[],
            videos: &videos,
            first_seen: &["2026-11-01".parse().unwrap(), "2026-11-03".parse().unwrap()],
            videos_seen: &[12],
            comments: &comments,
            comments_first_read: 1,
            sentiment: SentimentOutcome::NotCollected {
                reason: "r".into(),
                unscored: Default::default(),
            },
            first_read_sentiment: None,
            scorer: "s".into(),
        });
        assert_eq!(
            (day.total_views, day.total_videos),
            (Some(1_100_000), Some(11))
        );
        assert_eq!((day.new_views, day.new_videos), (Some(100_000), Some(1)));
        assert_eq!(day.previous_date, Some("2026-11-01".parse().unwrap()));
        assert_eq!(day.videos[0].plays_change, Some(50_000));
        assert_eq!(day.videos[0].change_span_days, Some(2));
        assert_eq!(day.videos[1].plays_change, None);
        assert_eq!(day.videos[0].caption.chars().count(), STORED_CAPTION_CHARS);
        assert_eq!(day.new_tracked_videos, 1);
        assert_eq!(day.videos_seen, 12);
        assert_eq!(day.data_as_of["tryacme"], 8_000);
        // Posted after the previous watermark: all of v2's plays are new.
        let growth = day.view_growth.unwrap();
        assert_eq!(growth.tracked_change, 80_000);
        assert_eq!(growth.span_days, 2);
        // Fetched on another date than the day's: said so.
        assert!(day.collected_on.is_some());
        assert_eq!(day.top_creators[0].handle, "v1-maker");
    }
}
