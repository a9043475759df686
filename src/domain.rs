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

/// One page of a hashtag's video feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoPage {
    pub videos: Vec<Video>,
    /// The cursor of the next page; `None` when the feed has no more.
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

/// One page of a video's comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentPage {
    pub comments: Vec<Comment>,
    pub next_cursor: Option<String>,
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
