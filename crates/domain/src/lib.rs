//! The program's own vocabulary: what the API tells us, in domain terms, and what we compute
//! from it per campaign-day. Owns no I/O and knows no JSON field names of the provider (that is
//! `api::wire`); the serde derives here are for the store and for `--json` output only.

mod iso_date;
pub mod links;
mod stored_form;
mod stored_period;
pub mod text_safety;
pub mod views;

pub use stored_period::StoredPeriod;

use std::collections::BTreeMap;

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

impl VideoStats {
    /// Likes, comments and shares: the interactions the engagement rate counts.
    pub fn engagements(&self) -> u64 {
        self.likes
            .saturating_add(self.comments)
            .saturating_add(self.shares)
    }
}

/// Engagement rate = (likes + comments + shares) ÷ plays; unknown without plays.
pub fn engagement_rate(engagements: u64, plays: u64) -> Option<f64> {
    (plays > 0).then(|| engagements as f64 / plays as f64)
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
    /// The cursor the API returned with a last page (no more): with offset cursors, where
    /// the list ends, which a read that started past the end needs to find its way back.
    pub end_cursor: Option<String>,
    /// Items of the page that broke the contract (a negative or fractional counter, a missing
    /// id) and were left out, so one bad item does not cost the page.
    pub skipped: Vec<SkippedItem>,
}

/// An item of a page left out because it broke the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedItem {
    /// Its id, when it had a usable one.
    pub id: Option<String>,
    /// What was wrong, in words (free of control characters).
    pub reason: String,
}

impl SkippedItem {
    /// `skipped`, as one note: how many, and the first one's id and reason.
    pub fn note(skipped: &[SkippedItem]) -> Option<String> {
        let first = skipped.first()?;
        let which = first.id.as_deref().map_or_else(
            || "one without an id".to_string(),
            |id| format!("item {id}"),
        );
        Some(format!(
            "{} malformed item(s) left out ({which}: {})",
            skipped.len(),
            first.reason
        ))
    }
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

/// How serious an alert is; ordered from `Info` up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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
    /// The plugin that raised it: `builtin` or a component's name (its file's stem), set by
    /// the host. Empty on alerts stored before a campaign could run several plugins.
    #[serde(default)]
    pub plugin: String,
    pub severity: Severity,
    pub message: String,
}

impl Alert {
    /// Whether this is an alert of `rule` raised by `plugin`. One stored before plugins were
    /// named (no plugin) is taken as any plugin's, so that re-evaluating an old day neither
    /// repeats nor withdraws it.
    pub fn is_of(&self, plugin: &str, rule: &str) -> bool {
        self.rule == rule && (self.plugin == plugin || self.plugin.is_empty() || plugin.is_empty())
    }

    /// The rule and, when known, the plugin that raised it: `viral-day [builtin]`.
    pub fn label(&self) -> String {
        if self.plugin.is_empty() {
            self.rule.clone()
        } else {
            format!("{} [{}]", self.rule, self.plugin)
        }
    }
}

/// What alert rules see of one campaign-day (mirrors the WIT 0.2 `day-facts` record).
/// `None` means missing data, never zero. Every field has a default so that fixtures written by
/// hand (`hashtrack plugin test --input days.json`) need only what they test.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DayFacts {
    pub campaign_id: String,
    pub date: Option<NaiveDate>,
    /// Days the changes cover: since the previous stored day (1 for consecutive days).
    pub span_days: Option<u32>,
    /// The date the data was fetched on, when that is not `date` (late or re-collected).
    pub collected_on: Option<NaiveDate>,
    pub total_views: Option<u64>,
    /// `None` when the API does not know (it reports 0 videos): see `videos_seen`.
    pub total_videos: Option<u64>,
    /// Distinct videos seen in the samples so far: a lower bound of the hashtag's videos.
    pub videos_seen: u64,
    pub views: Option<ViewGrowth>,
    /// The API's video counts' change per day over the span (`None` when a count is unknown).
    pub new_videos_per_day: Option<f64>,
    pub tracked_videos: u32,
    /// Videos in today's sample that no earlier sample had: new *in the sample*.
    pub new_tracked_videos: u32,
    pub hashtags: Vec<HashtagDay>,
    pub videos: Vec<VideoFacts>,
    /// Sentiment of the comments written since the previous collection (first read today).
    pub new_comments: Option<SentimentSummary>,
    /// Sentiment of every comment read up to and including this day.
    pub comments_to_date: Option<SentimentSummary>,
    /// Which scorer and settings produced the sentiment: equal strings, comparable scores.
    pub scorer: String,
    /// Alerts raised on this day (empty for the day being evaluated).
    pub alerts: Vec<Alert>,
}

/// One tracked video as alert rules see it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VideoFacts {
    pub id: String,
    pub creator: String,
    pub stats: VideoStats,
    pub first_seen: Option<NaiveDate>,
    /// Plays gained since the video was last seen in a sample, and over how many days.
    pub plays_change: Option<u64>,
    pub change_span_days: Option<u32>,
}

/// New views over the days since the previous stored day, from two sources: the hashtag's
/// rounded totals and the exact plays of the tracked videos.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewGrowth {
    /// Days the change covers.
    pub span_days: u32,
    /// The best estimate of new views per day.
    pub per_day: f64,
    /// Per day, what the evidence rules out below: the tracked videos' exact gain (or the
    /// totals' change less their rounding, when that is higher).
    pub per_day_low: f64,
    /// Per day, what the rounded totals allow at most; `None` when the totals are unknown.
    pub per_day_high: Option<f64>,
    /// The rounded totals' change over the whole span, and the step they move in.
    pub totals_change: Option<i64>,
    pub totals_step: Option<u64>,
    /// Exact plays gained over the span by the tracked videos seen on both days, plus every
    /// play of the videos posted since the previous collection.
    pub tracked_change: u64,
    /// How many videos that comparison covers.
    pub tracked_compared: u32,
    pub basis: GrowthBasis,
}

/// What a growth estimate rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrowthBasis {
    /// The tracked videos' exact gain, scaled by their share of the hashtag's views.
    TrackedVideos,
    /// The change of the rounded totals (no usable sample).
    Totals,
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
    #[serde(with = "iso_date")]
    pub first_seen: NaiveDate,
    /// Plays gained since the video was last in a sample (the previous stored day's), and
    /// over how many days; `None` when it was not in that sample.
    #[serde(default)]
    pub plays_change: Option<u64>,
    #[serde(default)]
    pub change_span_days: Option<u32>,
}

/// A creator's share of the day's sample: collaboration leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatorStats {
    pub handle: String,
    pub videos: u32,
    pub plays: u64,
    /// Likes, comments and shares of those videos.
    #[serde(default)]
    pub engagements: u64,
}

impl CreatorStats {
    /// The creators of `videos` (each video counted once) ranked by their plays, most first,
    /// the first `keep` of them.
    pub fn rank<'a>(
        videos: impl IntoIterator<Item = &'a TrackedVideo>,
        keep: usize,
    ) -> Vec<CreatorStats> {
        let mut by_handle: foldhash::HashMap<&str, CreatorStats> = Default::default();
        for video in videos {
            let entry = by_handle
                .entry(&video.creator)
                .or_insert_with(|| CreatorStats {
                    handle: video.creator.clone(),
                    videos: 0,
                    plays: 0,
                    engagements: 0,
                });
            entry.videos += 1;
            entry.plays = entry.plays.saturating_add(video.stats.plays);
            entry.engagements = entry.engagements.saturating_add(video.stats.engagements());
        }
        let mut creators: Vec<_> = by_handle.into_values().collect();
        creators.sort_by(|a, b| b.plays.cmp(&a.plays).then_with(|| a.handle.cmp(&b.handle)));
        creators.truncate(keep);
        creators
    }

    pub fn engagement_rate(&self) -> Option<f64> {
        engagement_rate(self.engagements, self.plays)
    }
}

/// Counts over the comments scored on one day; the shares and the mean are over the scored
/// comments only, and `unscored` says how many were left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentSummary {
    /// Comments scored.
    pub comments: u32,
    pub positive: u32,
    pub neutral: u32,
    pub negative: u32,
    pub positive_ratio: f64,
    pub negative_ratio: f64,
    pub mean_score: f64,
    /// Comments not scored, by language (ISO 639-1): no scorer of the campaign reads it.
    #[serde(default)]
    pub unscored: std::collections::BTreeMap<String, u32>,
    /// Every comment, scored or not, by language (`und`: no language, such as emoji only);
    /// empty on days stored before languages were told.
    #[serde(default)]
    pub languages: std::collections::BTreeMap<String, u32>,
}

impl SentimentSummary {
    /// Comments scored and not.
    pub fn comments_read(&self) -> u32 {
        self.comments + self.unscored.values().sum::<u32>()
    }
}

/// Adds `more`'s counts to `counts`, key by key (languages' comment counts).
pub fn add_counts(
    counts: &mut std::collections::BTreeMap<String, u32>,
    more: &std::collections::BTreeMap<String, u32>,
) {
    for (key, n) in more {
        *counts.entry(key.clone()).or_default() += n;
    }
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
    /// No comments were collected (none configured, or their calls failed), or none that the
    /// campaign scores.
    NotCollected {
        reason: String,
        /// New comments read but not scored, by language (ISO 639-1): a day whose new
        /// comments were all in languages the campaign does not score.
        #[serde(default)]
        unscored: std::collections::BTreeMap<String, u32>,
    },
}

impl SentimentOutcome {
    /// Every new comment of the day by language, scored or not (`und`: no language), when the
    /// day's comments were read and their languages told.
    pub fn new_comment_languages(&self) -> Option<&std::collections::BTreeMap<String, u32>> {
        match self {
            SentimentOutcome::Scored(s) if !s.languages.is_empty() => Some(&s.languages),
            SentimentOutcome::NotCollected { unscored, .. } if !unscored.is_empty() => {
                Some(unscored)
            }
            _ => None,
        }
    }

    /// New comments of the day left unscored, when the day's languages were told.
    pub fn new_comments_unscored(&self) -> Option<u32> {
        match self {
            SentimentOutcome::Scored(s) if !s.languages.is_empty() => {
                Some(s.unscored.values().sum())
            }
            SentimentOutcome::NotCollected { unscored, .. } if !unscored.is_empty() => {
                Some(unscored.values().sum())
            }
            _ => None,
        }
    }
}

/// `en 40; id 12`: counts by key, as a table cell.
pub fn counts_cell(counts: &std::collections::BTreeMap<String, u32>) -> String {
    counts
        .iter()
        .map(|(key, n)| format!("{key} {n}"))
        .collect::<Vec<_>>()
        .join("; ")
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
    #[serde(with = "iso_date")]
    pub date: NaiveDate,
    /// Unix seconds of the day's first stored response: when its data was fetched.
    #[serde(default)]
    pub collected_at: Option<i64>,
    /// The date (in the configured time zone) the data was fetched on, when that is not
    /// `date`: a late run, or a day collected on purpose for another date.
    #[serde(default, with = "iso_date::option")]
    pub collected_on: Option<NaiveDate>,
    /// Per hashtag, the newest `create_time` of anything collected for it so far (its videos
    /// and their comments): the data's own clock. What is posted or written after it is new
    /// at the next collection, however late the provider serves and whatever the host's clock
    /// says.
    #[serde(default)]
    pub data_as_of: BTreeMap<String, i64>,
    pub hashtags: Vec<HashtagDay>,
    /// Competitors' hashtags on the same day (info only): for share of voice.
    #[serde(default)]
    pub competitors: Vec<HashtagDay>,
    /// `None` when any hashtag's info call failed: a partial sum would read as a collapse.
    pub total_views: Option<u64>,
    /// `None` when a call failed or the API reported 0 videos (unknown): see `videos_seen`.
    pub total_videos: Option<u64>,
    pub video_count_source: VideoCountSource,
    /// Distinct videos seen in the campaign's samples so far: a lower bound of its videos.
    #[serde(default)]
    pub videos_seen: u64,
    /// Change of the rounded totals since `previous_date` (the whole span, not per day);
    /// negative deltas are data (upstream rounding).
    pub new_views: Option<i64>,
    pub new_videos: Option<i64>,
    #[serde(default, with = "iso_date::option")]
    pub previous_date: Option<NaiveDate>,
    /// New views per day over the span, estimated from the totals and the tracked videos.
    #[serde(default)]
    pub view_growth: Option<ViewGrowth>,
    /// The day's feed sample, most-played first.
    pub videos: Vec<TrackedVideo>,
    pub new_tracked_videos: u32,
    /// Creators of the sample by plays, most first.
    pub top_creators: Vec<CreatorStats>,
    pub views_per_video: Option<f64>,
    /// Sentiment of the comments written since the previous collection and first read today.
    #[serde(with = "stored_form::sentiment")]
    pub sentiment: SentimentOutcome,
    /// Comments read for the first time today, whenever they were written.
    #[serde(default)]
    pub comments_read: u32,
    /// Sentiment of every comment read up to and including this day (the running total).
    #[serde(default)]
    pub sentiment_to_date: Option<SentimentSummary>,
    /// Which scorer and settings scored the comments (see `DayFacts::scorer`).
    #[serde(default)]
    pub scorer: String,
    #[serde(with = "stored_form::alerts")]
    pub alerts: AlertsOutcome,
    /// Credits this campaign paid for this day, across every run of the day.
    pub credits_spent: u32,
    /// What could not be collected, in words; empty on a complete day.
    pub missing: Vec<String>,
}

/// A stored day without its video sample: the figures that report tables, comparisons and
/// roll-ups read, so that they need not read (and decode) each day's videos. Its `day` has
/// empty `videos` and `top_creators`; `sample` keeps what the report rows need of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayHeadline {
    pub day: DayMetrics,
    pub sample: SampleTotals,
}

/// The size and counters of a day's feed sample, summed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleTotals {
    pub videos: u32,
    pub plays: u64,
    /// Likes, comments and shares.
    pub engagements: u64,
}

impl SampleTotals {
    pub fn of(videos: &[TrackedVideo]) -> SampleTotals {
        SampleTotals {
            videos: videos.len() as u32,
            plays: videos.iter().map(|v| v.stats.plays).sum(),
            engagements: videos.iter().map(|v| v.stats.engagements()).sum(),
        }
    }
}

/// A day's feed sample: the part of a stored day that only the sections listing videos and
/// creators read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySample {
    pub videos: Vec<TrackedVideo>,
    pub top_creators: Vec<CreatorStats>,
}

impl DayHeadline {
    /// A day as its headline and its sample.
    pub fn split(mut day: DayMetrics) -> (DayHeadline, DaySample) {
        let sample = DaySample {
            videos: std::mem::take(&mut day.videos),
            top_creators: std::mem::take(&mut day.top_creators),
        };
        let totals = SampleTotals::of(&sample.videos);
        (
            DayHeadline {
                day,
                sample: totals,
            },
            sample,
        )
    }

    /// The whole day again.
    pub fn join(self, sample: DaySample) -> DayMetrics {
        DayMetrics {
            videos: sample.videos,
            top_creators: sample.top_creators,
            ..self.day
        }
    }
}

impl DayMetrics {
    /// Days since the previous stored day: what the day's changes cover.
    pub fn span_days(&self) -> Option<u32> {
        self.previous_date
            .and_then(|p| u32::try_from((self.date - p).num_days()).ok())
    }

    /// What alert rules see of this day.
    pub fn facts(&self) -> DayFacts {
        let span = self.span_days();
        DayFacts {
            campaign_id: self.campaign_id.clone(),
            date: Some(self.date),
            span_days: span,
            collected_on: self.collected_on,
            total_views: self.total_views,
            total_videos: self.total_videos,
            videos_seen: self.videos_seen,
            views: self.view_growth.clone(),
            new_videos_per_day: self
                .new_videos
                .zip(span)
                .filter(|(_, span)| *span > 0)
                .map(|(n, span)| n as f64 / f64::from(span)),
            tracked_videos: self.videos.len() as u32,
            new_tracked_videos: self.new_tracked_videos,
            hashtags: self.hashtags.clone(),
            videos: self
                .videos
                .iter()
                .map(|v| VideoFacts {
                    id: v.id.clone(),
                    creator: v.creator.clone(),
                    stats: v.stats,
                    first_seen: Some(v.first_seen),
                    plays_change: v.plays_change,
                    change_span_days: v.change_span_days,
                })
                .collect(),
            new_comments: match &self.sentiment {
                SentimentOutcome::Scored(s) => Some(s.clone()),
                _ => None,
            },
            comments_to_date: self.sentiment_to_date.clone(),
            scorer: self.scorer.clone(),
            alerts: match &self.alerts {
                AlertsOutcome::Evaluated { alerts } => alerts.clone(),
                AlertsOutcome::Unavailable { .. } => Vec::new(),
            },
        }
    }
}
