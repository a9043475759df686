//! The program's own vocabulary: what the API tells us, in domain terms, and what we compute
//! from it per campaign-day. Owns no I/O and knows no JSON field names of the provider (that is
//! `api::wire`); the serde derives here are for the store and for `--json` output only.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Aggregate figures of one hashtag, as the hashtag-info endpoint reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashtagInfo {
    /// The provider's stable id; needed for the video feed.
    pub id: String,
    pub title: String,
    /// Rounded upstream; can step backwards between days.
    pub view_count: u64,
    /// Can be 0 while `view_count` is large (a TikTok quirk): see `VideoCountSource`.
    pub video_count: u64,
}

/// Engagement counters of one video at the moment it was fetched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoStats {
    pub plays: u64,
    pub likes: u64,
    pub comments: u64,
    pub shares: u64,
    pub saves: u64,
}

/// The person who posted a video.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creator {
    /// The `@handle`, without the `@`.
    pub handle: String,
    pub nickname: String,
}

/// One video of a hashtag's feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Video {
    pub id: String,
    pub caption: String,
    /// Unix seconds.
    pub created_at: i64,
    pub stats: VideoStats,
    pub creator: Creator,
}

/// Something the API identifies by a string id, unique within its list.
pub trait Identified {
    fn id(&self) -> &str;
}

impl Identified for Video {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for Comment {
    fn id(&self) -> &str {
        &self.id
    }
}

/// One page of a cursor-paginated list: a hashtag's videos, a video's comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor of the next page; `None` when the list has no more.
    pub next_cursor: Option<String>,
}

/// One top-level comment on a video.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub text: String,
    /// Unix seconds.
    pub created_at: i64,
    pub likes: u64,
    pub replies: u64,
    pub author_handle: String,
}

impl Comment {
    /// A comment known only by id and text, as fixtures, evaluations and benchmarks have them.
    pub fn from_text(id: impl Into<String>, text: impl Into<String>) -> Comment {
        Comment {
            id: id.into(),
            text: text.into(),
            created_at: 0,
            likes: 0,
            replies: 0,
            author_handle: String::new(),
        }
    }
}

/// How serious an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// One alert raised by a campaign's alert rules for one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// Stable rule identifier, e.g. `viral-day`.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
}

/// What alert rules see of one campaign-day (mirrors the WIT `day-metrics` record).
/// `None` means missing data, never zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DayFacts {
    pub campaign_id: String,
    pub date: Option<NaiveDate>,
    pub total_views: Option<u64>,
    pub total_videos: Option<u64>,
    pub new_views: Option<i64>,
    pub new_videos: Option<i64>,
    pub tracked_videos: u32,
    pub new_tracked_videos: u32,
    pub top_video_views: Option<u64>,
    pub comments_scored: u32,
    pub positive_ratio: Option<f64>,
    pub negative_ratio: Option<f64>,
    pub mean_sentiment: Option<f64>,
}

/// Where a day's total video count came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoCountSource {
    /// The API's `videoCount` for every hashtag.
    Api,
    /// At least one hashtag reported 0 videos next to a non-zero view count (a TikTok quirk),
    /// so its distinct videos seen in the feed so far stand in for it.
    DistinctVideosSeen,
}

/// One hashtag's figures on one day; `None` where its info call failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashtagDay {
    pub name: String,
    pub views: Option<u64>,
    pub videos: Option<u64>,
}

/// One video of the day's feed sample, with its counters that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedVideo {
    pub id: String,
    pub creator: String,
    pub caption: String,
    pub created_at: i64,
    pub stats: VideoStats,
    /// The first day this video appeared in the campaign's sample.
    pub first_seen: NaiveDate,
}

/// A creator's share of the day's sample: collaboration leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatorStats {
    pub handle: String,
    pub videos: u32,
    pub plays: u64,
}

impl CreatorStats {
    /// The creators of `videos` (each video counted once) ranked by their plays, most first,
    /// the first `keep` of them.
    pub fn rank<'a>(
        videos: impl IntoIterator<Item = &'a TrackedVideo>,
        keep: usize,
    ) -> Vec<CreatorStats> {
        let mut by_handle: std::collections::HashMap<&str, CreatorStats> =
            std::collections::HashMap::new();
        for video in videos {
            let entry = by_handle
                .entry(&video.creator)
                .or_insert_with(|| CreatorStats {
                    handle: video.creator.clone(),
                    videos: 0,
                    plays: 0,
                });
            entry.videos += 1;
            entry.plays = entry.plays.saturating_add(video.stats.plays);
        }
        let mut creators: Vec<_> = by_handle.into_values().collect();
        creators.sort_by(|a, b| b.plays.cmp(&a.plays).then_with(|| a.handle.cmp(&b.handle)));
        creators.truncate(keep);
        creators
    }
}

/// Counts over the comments scored on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentSummary {
    pub comments: u32,
    pub positive: u32,
    pub neutral: u32,
    pub negative: u32,
    pub positive_ratio: f64,
    pub negative_ratio: f64,
    pub mean_score: f64,
}

/// The day's sentiment, or why there is none. Never zeros in place of a failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SentimentOutcome {
    Scored(SentimentSummary),
    /// Comments were collected but the scorer failed; re-score later.
    Unavailable {
        reason: String,
    },
    /// No comments were collected (none configured, or their calls failed).
    NotCollected {
        reason: String,
    },
}

/// The day's alerts, or why they could not be evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AlertsOutcome {
    Evaluated { alerts: Vec<Alert> },
    Unavailable { reason: String },
}

/// Everything computed for one campaign on one day; what reports are made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayMetrics {
    pub campaign_id: String,
    pub client_id: String,
    pub date: NaiveDate,
    pub hashtags: Vec<HashtagDay>,
    /// `None` when any hashtag's info call failed: a partial sum would read as a collapse.
    pub total_views: Option<u64>,
    pub total_videos: Option<u64>,
    pub video_count_source: VideoCountSource,
    /// Against `previous_date`; negative deltas are data (upstream rounding).
    pub new_views: Option<i64>,
    pub new_videos: Option<i64>,
    pub previous_date: Option<NaiveDate>,
    /// The day's feed sample, most-played first.
    pub videos: Vec<TrackedVideo>,
    pub new_tracked_videos: u32,
    /// Creators of the sample by plays, most first.
    pub top_creators: Vec<CreatorStats>,
    pub views_per_video: Option<f64>,
    pub sentiment: SentimentOutcome,
    pub alerts: AlertsOutcome,
    /// Credits this campaign paid for this day, across every run of the day.
    pub credits_spent: u32,
    /// What could not be collected, in words; empty on a complete day.
    pub missing: Vec<String>,
}

impl DayMetrics {
    /// What alert rules and reports see of this day.
    pub fn facts(&self) -> DayFacts {
        let scored = match &self.sentiment {
            SentimentOutcome::Scored(s) => Some(s),
            _ => None,
        };
        DayFacts {
            campaign_id: self.campaign_id.clone(),
            date: Some(self.date),
            total_views: self.total_views,
            total_videos: self.total_videos,
            new_views: self.new_views,
            new_videos: self.new_videos,
            tracked_videos: self.videos.len() as u32,
            new_tracked_videos: self.new_tracked_videos,
            top_video_views: self.videos.first().map(|v| v.stats.plays),
            comments_scored: scored.map_or(0, |s| s.comments),
            positive_ratio: scored.map(|s| s.positive_ratio),
            negative_ratio: scored.map(|s| s.negative_ratio),
            mean_sentiment: scored.map(|s| s.mean_score),
        }
    }
}
