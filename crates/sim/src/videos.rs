//! The videos of a simulated campaign: when each was posted, by whom, how popular it gets and
//! how its counters grow with its age, plus the hashtag feed (popularity order, partly
//! shuffled, capped) and the hashtag's total views, as of any second. A video's plays are a
//! concave, saturating curve of its age: a burst, then a long tail that fades too (both drawn
//! from the campaign's shape), so the old videos of a long-running campaign hardly move. Once a
//! campaign has stalled, its videos' plays only creep up by their share of the campaign's
//! trickle, and late comments almost stop.
//!
//! A video is described by numbers only ([`VideoModel`]); captions and authors are written
//! when a video is actually served, which keeps whole-campaign sums cheap.

use super::campaign::{Campaign, SECONDS_PER_DAY};
use super::captions;
use super::dice::{Dice, Key};
use super::ids;
use super::people::{self, Person};

/// The feed is a sample: TikTok shows a few hundred videos of a hashtag at most.
pub(super) const FEED_CAP: usize = 300;
/// Late comments keep trickling in on older videos, relative to the first burst, while the
/// video's long tail lasts.
const COMMENT_TRICKLE_PER_DAY: f64 = 0.03;
/// How fast a video keeps "ageing" for late comments once its campaign has stalled, relative
/// to an ordinary day: the comment trickle nearly stops.
const STALLED_COMMENT_PACE: f64 = 0.03;
/// Extra top-level comments on every live video on the backlash day and the day after,
/// relative to the comments its plays would bring.
const BACKLASH_SURGE: [(i64, f64); 2] = [(0, 0.6), (1, 0.25)];

/// Engagement counters of a video as of some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct VideoStats {
    pub plays: u64,
    pub likes: u64,
    /// Includes replies, so it exceeds the number of top-level comments.
    pub comments: u64,
    pub shares: u64,
    pub saves: u64,
}

/// A user who posts videos.
pub(super) struct Creator {
    pub person: Person,
    pub sec_uid: String,
}

pub(super) struct VideoModel {
    pub index: usize,
    /// Campaign day it was posted on.
    pub day: i64,
    pub id: u64,
    pub create_time: i64,
    pub creator: usize,
    key: Key,
    peak_plays: f64,
    /// How fast the first burst of plays runs out, in days.
    burst_days: f64,
    /// Share of the peak gained a day after the burst while young, and how long that lasts.
    long_tail_per_day: f64,
    tail_lifetime_days: f64,
    like_rate: f64,
    comment_rate: f64,
    share_rate: f64,
    save_rate: f64,
    /// Top-level comments as a share of `comment_count`.
    top_level_share: f64,
}

impl VideoModel {
    /// The `index`-th video of the campaign, posted on `day`.
    pub(super) fn new(c: &Campaign, index: usize, day: i64) -> Self {
        let key = c.key.text("video").num(index as u64);
        let mut dice = key.dice();
        let create_time = c.day_start(day) + dice.below(SECONDS_PER_DAY as u64) as i64;
        let creator = if dice.chance(0.3) {
            pick_regular(&mut dice, c.regular_creators)
        } else {
            c.regular_creators + index
        };
        let mut peak_plays = c.typical_plays * (1.4 * dice.normal()).exp();
        if c.is_viral(day) {
            peak_plays *= 2.5;
        }
        if creator < c.regular_creators {
            // The brand account and its regular creators have an audience already.
            peak_plays *= if creator == 0 { 1.5 } else { 3.0 };
        }
        VideoModel {
            index,
            day,
            id: ids::video_id(create_time, c.tag, index),
            create_time,
            creator,
            key,
            peak_plays: peak_plays.min(5e7),
            burst_days: c.shape.video_burst_days(&mut dice),
            long_tail_per_day: c.shape.long_tail_per_day,
            tail_lifetime_days: c.shape.tail_lifetime_days,
            like_rate: dice.range(0.04, 0.14),
            comment_rate: c.shape.video_comment_rate(&mut dice),
            share_rate: dice.range(0.002, 0.02),
            save_rate: dice.range(0.003, 0.03),
            top_level_share: c.shape.video_top_level_share(&mut dice),
        }
    }

    /// Plays by the Unix second `at`: a burst that saturates, then a slow long tail; after a
    /// stall, the plays at the stall plus this video's share of the campaign's trickle.
    pub(super) fn plays_at(&self, c: &Campaign, at: i64) -> f64 {
        match c.stall() {
            Some(stall) if at > stall.at => {
                let at_stall = self.unstalled_plays_at(stall.at);
                at_stall + stall.share_of(at_stall) * stall.trickle_since(at)
            }
            _ => self.unstalled_plays_at(at),
        }
    }

    /// Plays by `at` if the campaign never stalled: concave and saturating in the age.
    pub(super) fn unstalled_plays_at(&self, at: i64) -> f64 {
        let age_days = (at - self.create_time).max(0) as f64 / SECONDS_PER_DAY as f64;
        let burst = 1.0 - (-age_days / self.burst_days).exp();
        self.peak_plays * (burst + self.long_tail_per_day * self.tail(age_days))
    }

    /// Days of long tail a video of `age_days` has had, its fading counted in: about the age
    /// while young, at most the tail's lifetime.
    fn tail(&self, age_days: f64) -> f64 {
        self.tail_lifetime_days * (1.0 - (-age_days / self.tail_lifetime_days).exp())
    }

    /// Age in days at `at` as late comments see it: it nearly stops growing after a stall.
    fn comment_age_days(&self, c: &Campaign, at: i64) -> f64 {
        let days = |seconds: i64| seconds.max(0) as f64 / SECONDS_PER_DAY as f64;
        match c.stall() {
            Some(stall) if at > stall.at => {
                days(stall.at - self.create_time) + STALLED_COMMENT_PACE * days(at - stall.at)
            }
            _ => days(at - self.create_time),
        }
    }

    /// Top-level comments written by the end of `day` (fractional; see `threads`).
    pub(super) fn top_level_comments_by(&self, c: &Campaign, day: i64) -> f64 {
        if day < self.day {
            return 0.0;
        }
        let end = c.day_end(day);
        let age_days = self.comment_age_days(c, end);
        let own = self.plays_at(c, end)
            * self.comment_rate
            * (1.0 + COMMENT_TRICKLE_PER_DAY * self.tail(age_days));
        // A campaign that has stalled has nobody left to complain.
        let surge: f64 = BACKLASH_SURGE
            .iter()
            .map(|&(offset, strength)| (c.backlash_day + offset, strength))
            .filter(|&(surge_day, _)| self.day <= surge_day && surge_day <= day)
            .filter(|&(surge_day, _)| !c.is_stalled(surge_day))
            .map(|(surge_day, strength)| {
                self.plays_at(c, c.day_end(surge_day)) * self.comment_rate * strength
            })
            .sum();
        own + surge
    }

    /// The counters as served at `at`, when `top_level` top-level comments are served then
    /// (`threads` knows how many).
    pub(super) fn stats_at(&self, c: &Campaign, at: i64, top_level: usize) -> VideoStats {
        let plays = self.plays_at(c, at);
        let top_level = top_level as f64;
        // At least one reply once there are comments: `comment_count` must exceed them.
        let reply_ratio = 1.0 / self.top_level_share - 1.0;
        let replies = (top_level * reply_ratio).floor() + top_level.min(1.0);
        VideoStats {
            plays: plays as u64,
            likes: (plays * self.like_rate) as u64,
            comments: (top_level + replies) as u64,
            shares: (plays * self.share_rate) as u64,
            saves: (plays * self.save_rate) as u64,
        }
    }

    pub(super) fn caption(&self, c: &Campaign) -> String {
        captions::caption(&mut self.key.text("caption").dice(), &c.name, self.day)
    }

    pub(super) fn creator(&self, c: &Campaign) -> Creator {
        let key = c.key.text("creator").num(self.creator as u64);
        let person = if self.creator == 0 {
            Person {
                handle: format!("{}.official", c.name),
                nickname: format!("{} Official", c.name.to_uppercase()),
            }
        } else {
            people::person(&mut key.dice())
        };
        Creator {
            person,
            sec_uid: people::sec_uid(&mut key.text("sec_uid").dice()),
        }
    }
}

/// Regular creators post with Zipf-like frequency: the first few post the most.
fn pick_regular(dice: &mut Dice, regulars: usize) -> usize {
    let total: f64 = (1..=regulars).map(|r| 1.0 / r as f64).sum();
    let mut draw = dice.unit() * total;
    for r in 0..regulars {
        draw -= 1.0 / (r + 1) as f64;
        if draw < 0.0 {
            return r;
        }
    }
    regulars - 1
}

/// Every video posted by the end of `day`, in posting order.
pub(super) fn posted_by(c: &Campaign, day: i64) -> Vec<VideoModel> {
    let mut videos = Vec::with_capacity(c.posted_by(day));
    for d in c.first_day()..=day {
        for index in c.posted_by(d - 1)..c.posted_by(d) {
            videos.push(VideoModel::new(c, index, d));
        }
    }
    videos
}

/// Every video that exists at the Unix second `at` (posted at or before it).
pub(super) fn existing_at(c: &Campaign, at: i64) -> Vec<VideoModel> {
    let mut videos = posted_by(c, c.day_at(at));
    videos.retain(|v| v.create_time <= at);
    videos
}

/// How many videos exist at `at`, without building more than the day's.
pub(super) fn count_at(c: &Campaign, at: i64) -> usize {
    let day = c.day_at(at);
    let before = c.posted_by(day - 1);
    let today = (before..c.posted_by(day))
        .filter(|&index| VideoModel::new(c, index, day).create_time <= at)
        .count();
    before + today
}

/// The hashtag's view count at `at`, before upstream rounding.
pub(super) fn total_views_at(c: &Campaign, at: i64) -> f64 {
    existing_at(c, at).iter().map(|v| v.plays_at(c, at)).sum()
}

/// The feed as served at `at` (on campaign day `day`): most played first, neighbours partly
/// shuffled, capped.
pub(super) fn feed(c: &Campaign, day: i64, at: i64) -> Vec<VideoModel> {
    let mut ranked: Vec<(f64, VideoModel)> = existing_at(c, at)
        .into_iter()
        .map(|v| (v.plays_at(c, at), v))
        .collect();
    ranked.sort_by(|(a, va), (b, vb)| b.total_cmp(a).then(va.index.cmp(&vb.index)));
    let mut feed: Vec<VideoModel> = ranked.into_iter().map(|(_, v)| v).collect();
    let mut dice = c.key.text("feed").num(day as u64).dice();
    for i in 0..feed.len().saturating_sub(1) {
        if dice.chance(0.3) {
            let reach = (feed.len() - 1 - i).min(3) as u64;
            feed.swap(i, i + 1 + dice.below(reach) as usize);
        }
    }
    feed.truncate(FEED_CAP);
    feed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quirks::HashtagQuirks;
    use chrono::NaiveDate;

    use crate::campaign::{ordinary, test_campaign, test_campaign_where};
    use crate::threads;

    fn campaign() -> Campaign {
        test_campaign_where(ordinary)
    }

    /// The counters by the end of `day`.
    fn stats_on(c: &Campaign, v: &VideoModel, day: i64) -> VideoStats {
        let at = c.day_end(day);
        v.stats_at(c, at, threads::count_at(c, v, at))
    }

    #[test]
    fn counters_only_grow_and_comments_include_replies() {
        for i in 0..12 {
            let c = test_campaign(&format!("campaign{i}"));
            let posted = posted_by(&c, 8);
            for v in posted.iter().rev().step_by(posted.len() / 12 + 1) {
                let mut last = stats_on(&c, v, v.day.max(0));
                for day in v.day.max(0) + 1..=30 {
                    let now = stats_on(&c, v, day);
                    assert!(now.plays >= last.plays && now.likes >= last.likes);
                    assert!(now.comments >= last.comments && now.saves >= last.saves);
                    let top_level = threads::count_at(&c, v, c.day_end(day)) as u64;
                    assert!(top_level == 0 || now.comments > top_level);
                    last = now;
                }
            }
        }
    }

    #[test]
    fn plays_are_concave_and_saturate_with_age() {
        for i in 0..12 {
            let c = test_campaign(&format!("campaign{i}"));
            for v in posted_by(&c, 5).iter().step_by(9) {
                let plays: Vec<f64> = (0..400)
                    .map(|d| v.unstalled_plays_at(v.create_time + d * SECONDS_PER_DAY))
                    .collect();
                let gains: Vec<f64> = plays.windows(2).map(|w| w[1] - w[0]).collect();
                assert!(gains.iter().all(|g| *g >= 0.0), "{}", c.shape);
                assert!(
                    gains.windows(2).all(|w| w[1] <= w[0] * (1.0 + 1e-9)),
                    "{}",
                    c.shape
                );
                let late = plays[399] - plays[299];
                assert!(late < plays[399] * 0.05 + 1.0, "{}", c.shape);
            }
        }
    }

    #[test]
    fn a_stall_freezes_posting_and_counters_keep_creeping_up() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let quirks = HashtagQuirks {
            stall_on: Some(start + chrono::Days::new(12)),
            ..HashtagQuirks::default()
        };
        let c = Campaign::new(42, "trybrandx", quirks, start, None);
        assert_eq!(c.posted_by(30), c.posted_by(12));
        assert!(c.posted_by(12) > 0);
        let total = |day| total_views_at(&c, c.day_end(day));
        assert!((1.0..1_000.0).contains(&(total(13) - total(12))));
        assert!((1.0..1_000.0).contains(&(total(30) - total(29))));
        for v in posted_by(&c, 12).iter().step_by(7) {
            let mut last = stats_on(&c, v, v.day.max(0));
            for day in v.day.max(0) + 1..=40 {
                let now = stats_on(&c, v, day);
                assert!(now.plays >= last.plays && now.likes >= last.likes);
                assert!(now.comments >= last.comments && now.shares >= last.shares);
                let top_level = threads::count_at(&c, v, c.day_end(day)) as u64;
                assert!(top_level == 0 || now.comments > top_level);
                last = now;
            }
        }
    }

    #[test]
    fn feed_is_capped_popular_first_and_only_posted_videos() {
        let c = campaign();
        let day = 25;
        let at = c.served_as_of(day);
        let feed = feed(&c, day, at);
        assert_eq!(feed.len(), count_at(&c, at).min(FEED_CAP));
        assert!(feed.iter().all(|v| v.create_time <= at));
        let plays: Vec<f64> = feed.iter().map(|v| v.plays_at(&c, at)).collect();
        let tail_max = plays[plays.len() / 2..].iter().cloned().fold(0.0, f64::max);
        assert!(plays[0] > tail_max, "head {} tail {tail_max}", plays[0]);
    }

    #[test]
    fn a_few_creators_post_several_videos() {
        let c = campaign();
        let videos = posted_by(&c, 30);
        let by_brand = videos.iter().filter(|v| v.creator == 0).count();
        let one_offs = videos
            .iter()
            .filter(|v| v.creator >= c.regular_creators)
            .count();
        assert!(by_brand >= 3, "brand posted {by_brand}");
        assert!(one_offs * 2 > videos.len());
        assert!(!videos[0].creator(&c).person.handle.is_empty());
    }
}
