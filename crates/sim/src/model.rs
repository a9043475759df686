//! The simulated world as the API serves it: resolves hashtags and videos named in requests,
//! and answers with hashtag figures, feed pages and comment pages as of a date, quirks
//! applied. Knows nothing of HTTP or JSON (that is `service` and `wire`).
//!
//! On a date, everything is served as of one second: the day's last, less the campaign's
//! provider lag (`Campaign::served_as_of`). Videos and comments created after it do not exist
//! yet, and every counter and total stands as at it.
//!
//! Everything is a pure function of the seed, the hashtag name and the date, except one piece
//! of memory: video ids carry only a short key of their hashtag, so a comments request finds
//! its video only if this server has already resolved that hashtag (an info or feed call, as
//! any collector makes first). The truth about a hashtag (`truth`) is answered here too, from
//! the same campaigns, without that memory. Campaigns, being pure, are kept once built.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use super::SimConfig;
use super::campaign::Campaign;
use super::captions;
use super::ids;
use super::languages::Language;
use super::people::Person;
use super::quirks::{HashtagQuirks, default_quirks};
use super::threads;
use super::truth::{self, CommentTruth, ThreadTruth, Truth};
use super::videos::{self, Creator, VideoStats};

/// How a request names a hashtag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum HashtagRef {
    Name(String),
    Id(String),
}

/// Why the world cannot answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ModelError {
    /// The request names something that cannot exist (400).
    Invalid(String),
    /// Well-formed, but there is no such thing (404).
    NotFound(String),
}

pub(super) struct Hashtag {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub views: u64,
    pub video_count: u64,
    pub stats_nested: bool,
}

pub(super) struct Video {
    pub id: u64,
    pub caption: String,
    pub create_time: i64,
    pub stats: VideoStats,
    pub author: Creator,
}

pub(super) struct Comment {
    pub id: u64,
    pub text: String,
    pub create_time: i64,
    pub likes: u64,
    pub replies: u64,
    pub author: Person,
}

/// One page of a feed or thread.
pub(super) struct Page<T> {
    pub items: Vec<T>,
    /// Offset of the next page.
    pub cursor: usize,
    pub has_more: bool,
}

pub(super) struct Model {
    seed: u64,
    start: NaiveDate,
    overrides: HashMap<String, HashtagQuirks>,
    /// Comment language mixes by normalized name (English-only when absent).
    languages: HashMap<String, Vec<(Language, f64)>>,
    /// Replaces every campaign's drawn provider lag.
    lag: Option<Duration>,
    /// Hashtags resolved so far, by the key their video ids carry.
    resolved: HashMap<u32, String>,
    /// Campaigns built so far, by name (each a pure function of the configuration).
    campaigns: HashMap<String, Arc<Campaign>>,
}

impl Model {
    pub(super) fn new(config: &SimConfig) -> Self {
        let overrides = by_normalized_name(&config.quirks);
        let resolved = overrides
            .keys()
            .map(|name| (ids::tag_key(name), name.clone()))
            .collect();
        Model {
            seed: config.seed,
            start: config.start_date,
            overrides,
            languages: by_normalized_name(&config.languages),
            lag: config.provider_lag,
            resolved,
            campaigns: HashMap::new(),
        }
    }

    pub(super) fn hashtag(
        &mut self,
        by: &HashtagRef,
        date: NaiveDate,
    ) -> Result<Hashtag, ModelError> {
        let c = self.resolve(by)?;
        let day = c.day_of(date);
        let at = c.served_as_of(day);
        let mut dice = c.key.text("description").dice();
        Ok(Hashtag {
            id: ids::hashtag_id(&c.name),
            title: c.name.clone(),
            desc: captions::description(&mut dice, &c.name),
            views: reported_views(&c, day, date),
            video_count: if c.quirks.zero_video_count {
                0
            } else {
                videos::count_at(&c, at) as u64
            },
            stats_nested: c.quirks.stats_nested,
        })
    }

    pub(super) fn videos(
        &mut self,
        hashtag_id: &str,
        cursor: usize,
        count: usize,
        date: NaiveDate,
    ) -> Result<Page<Video>, ModelError> {
        let c = self.resolve(&HashtagRef::Id(hashtag_id.to_string()))?;
        let day = c.day_of(date);
        let at = c.served_as_of(day);
        let feed = videos::feed(&c, day, at);
        let (range, next) = page_range(&c, feed.len(), cursor, count, day, "feed");
        Ok(Page {
            items: feed[range]
                .iter()
                .map(|v| Video {
                    id: v.id,
                    caption: v.caption(&c),
                    create_time: v.create_time,
                    stats: v.stats_at(&c, at, threads::count_at(&c, v, at)),
                    author: v.creator(&c),
                })
                .collect(),
            cursor: next,
            has_more: next < feed.len(),
        })
    }

    pub(super) fn comments(
        &mut self,
        video_id: &str,
        cursor: usize,
        count: usize,
        date: NaiveDate,
    ) -> Result<Page<Comment>, ModelError> {
        let (c, video, day) = self.find_video(video_id, date)?;
        let thread = threads::thread(&c, &video, c.served_as_of(day));
        let key = format!("thread{}", video.index);
        let (range, next) = page_range(&c, thread.len(), cursor, count, day, &key);
        Ok(Page {
            items: thread[range]
                .iter()
                .map(|m| Comment {
                    id: m.id,
                    text: m.written(&c).text,
                    create_time: m.create_time,
                    likes: m.likes,
                    replies: m.replies,
                    author: m.author(),
                })
                .collect(),
            cursor: next,
            has_more: next < thread.len(),
        })
    }

    /// The top-level thread of `video_id` exactly as the comments endpoint pages through it on
    /// `date` (duplicates quirk aside). Finds the video by the same rules as
    /// [`Model::comments`], and does not resolve anything.
    pub(super) fn thread_truth(
        &mut self,
        video_id: &str,
        date: NaiveDate,
    ) -> Result<ThreadTruth, ModelError> {
        let (c, video, day) = self.find_video(video_id, date)?;
        let at = c.served_as_of(day);
        Ok(ThreadTruth {
            served_as_of: at,
            comments: threads::thread(&c, &video, at)
                .iter()
                .map(|m| {
                    let written = m.written(&c);
                    CommentTruth {
                        id: m.id.to_string(),
                        created_at: m.create_time,
                        language: written.language,
                        tone: m.tone,
                        mixed: written.mixed,
                    }
                })
                .collect(),
        })
    }

    /// The video a comments request names, with its campaign and the campaign day of `date`:
    /// only in a hashtag this server has resolved, and only once it exists in the data served
    /// that day.
    fn find_video(
        &mut self,
        video_id: &str,
        date: NaiveDate,
    ) -> Result<(Arc<Campaign>, videos::VideoModel, i64), ModelError> {
        let unknown = || ModelError::NotFound(format!("video {video_id} not found"));
        let id: u64 = video_id.parse().map_err(|_| unknown())?;
        let (create_time, tag, index) = ids::split_video_id(id);
        let name = self.resolved.get(&tag).ok_or_else(unknown)?.clone();
        let c = self.campaign(&name);
        let day = c.day_of(date);
        let posted_on = c
            .posting_day(index)
            .filter(|d| *d <= day)
            .ok_or_else(unknown)?;
        let video = videos::VideoModel::new(&c, index, posted_on);
        let exists = video.create_time <= c.served_as_of(day);
        if video.id != id || video.create_time != create_time || !exists {
            return Err(unknown());
        }
        Ok((c, video, day))
    }

    /// What really happened to hashtag `raw_name` (any case, `#` allowed) on `date`. Does not
    /// count as resolving it for comments requests.
    pub(super) fn truth(&mut self, raw_name: &str, date: NaiveDate) -> Result<Truth, ModelError> {
        let name = existing_name(&HashtagRef::Name(raw_name.to_string()))?;
        Ok(truth::measure(&self.campaign(&name), date))
    }

    fn resolve(&mut self, by: &HashtagRef) -> Result<Arc<Campaign>, ModelError> {
        let name = existing_name(by)?;
        self.resolved.insert(ids::tag_key(&name), name.clone());
        Ok(self.campaign(&name))
    }

    fn campaign(&mut self, name: &str) -> Arc<Campaign> {
        if let Some(c) = self.campaigns.get(name) {
            return Arc::clone(c);
        }
        let quirks = self
            .overrides
            .get(name)
            .cloned()
            .unwrap_or_else(|| default_quirks(name, self.seed, self.start));
        let languages = self.languages.get(name).cloned().unwrap_or_default();
        let c = Arc::new(
            Campaign::new(self.seed, name, quirks, self.start, self.lag).with_languages(languages),
        );
        self.campaigns.insert(name.to_string(), Arc::clone(&c));
        c
    }
}

/// A per-hashtag setting keyed by normalized name (names that are not hashtags dropped).
fn by_normalized_name<T: Clone>(by_name: &HashMap<String, T>) -> HashMap<String, T> {
    by_name
        .iter()
        .filter_map(|(name, v)| Some((ids::normalize_name(name)?, v.clone())))
        .collect()
}

/// The normalized name of a hashtag that exists.
fn existing_name(by: &HashtagRef) -> Result<String, ModelError> {
    let name = match by {
        HashtagRef::Name(raw) => ids::normalize_name(raw).ok_or_else(|| {
            ModelError::Invalid(format!(
                "hashtag_name {raw:?} is not a hashtag (letters, digits, underscores)"
            ))
        })?,
        HashtagRef::Id(id) => ids::hashtag_name(id)
            .ok_or_else(|| ModelError::NotFound(format!("hashtag {id} not found")))?,
    };
    if name.starts_with("unknown") {
        return Err(ModelError::NotFound(format!("hashtag {name} not found")));
    }
    Ok(name)
}

/// Relative disagreement between the provider's replicas on a hashtag's views.
const VIEW_JITTER: f64 = 0.006;

/// The view count as the provider reports it on `day`: three significant figures of the
/// total as served then, with a little upstream jitter (so it can step back), or forced below
/// yesterday's on the quirk date.
fn reported_views(c: &Campaign, day: i64, date: NaiveDate) -> u64 {
    let natural = |day: i64| {
        let mut dice = c.key.text("view jitter").num(day as u64).dice();
        let jitter = dice.range(-VIEW_JITTER, VIEW_JITTER);
        let views = videos::total_views_at(c, c.served_as_of(day));
        round_significant(views * (1.0 + jitter), 3)
    };
    let today = natural(day);
    if c.quirks.views_step_back_on != Some(date) {
        return today;
    }
    let yesterday = natural(day - 1);
    today.min(yesterday.saturating_sub(2 * significant_unit(yesterday, 3)))
}

fn round_significant(value: f64, figures: u32) -> u64 {
    let value = value.max(0.0) as u64;
    let unit = significant_unit(value, figures);
    (value + unit / 2) / unit * unit
}

/// The place value of the last kept figure when `value` is rounded to `figures`.
fn significant_unit(value: u64, figures: u32) -> u64 {
    let digits = value.checked_ilog10().map_or(1, |d| d + 1);
    10u64.pow(digits.saturating_sub(figures))
}

/// The slice of a ranked list a page shows, and the next page's cursor. With the
/// `duplicate_items` quirk a page after the first starts one or two items early, repeating
/// the end of the previous page (but always moves forward).
fn page_range(
    c: &Campaign,
    len: usize,
    cursor: usize,
    count: usize,
    day: i64,
    list: &str,
) -> (std::ops::Range<usize>, usize) {
    let repeat = if c.quirks.duplicate_items && cursor > 0 {
        let mut dice = c.key.text(list).num(day as u64).num(cursor as u64).dice();
        (1 + dice.below(2) as usize).min(cursor).min(count - 1)
    } else {
        0
    };
    let start = (cursor - repeat).min(len);
    let end = (start + count).min(len);
    (start..end, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_keeps_three_figures() {
        assert_eq!(round_significant(123_456.0, 3), 123_000);
        assert_eq!(round_significant(987_654_321.0, 3), 988_000_000);
        assert_eq!(round_significant(42.0, 3), 42);
        assert_eq!(round_significant(0.0, 3), 0);
        assert_eq!(significant_unit(123_456, 3), 1_000);
    }

    #[test]
    fn views_step_back_without_being_forced_somewhere() {
        let config = SimConfig::default();
        let start = config.start_date;
        let mut model = Model::new(&config);
        let stepped_back = (0..20).any(|i| {
            let c = model.campaign(&format!("brand{i}"));
            let views: Vec<u64> = (1..=30)
                .map(|d| reported_views(&c, d, start + chrono::Days::new(d as u64 - 1)))
                .collect();
            views.windows(2).any(|w| w[1] < w[0])
        });
        assert!(stepped_back);
    }
}
