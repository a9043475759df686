//! The comment thread of one simulated video: which top-level comments exist by a given day,
//! when each was written, its tone, likes and reply count, and the order they are served in.
//!
//! Each day adds the comments the video's growth brings (capped, so a viral video stays cheap
//! to page through), and their tone follows the campaign's mood of that day. Threads are served
//! newest day first, then by likes, so the first pages carry the day's mood.

use super::campaign::{Campaign, SECONDS_PER_DAY};
use super::comments::{self, Tone};
use super::dice::Key;
use super::ids;
use super::people::{self, Person};
use super::videos::VideoModel;

/// Most top-level comments one video gains in one simulated day.
const DAILY_COMMENT_CAP: usize = 30;
/// Serial numbers reserved per day in comment ids (above the daily cap).
const SERIALS_PER_DAY: u32 = 64;

pub(super) struct CommentModel {
    pub id: u64,
    pub day: i64,
    pub create_time: i64,
    pub tone: Tone,
    pub likes: u64,
    pub replies: u64,
    key: Key,
}

impl CommentModel {
    pub(super) fn text(&self, c: &Campaign) -> String {
        comments::compose(self.tone, &mut self.key.text("text").dice(), &c.name)
    }

    pub(super) fn author(&self) -> Person {
        people::person(&mut self.key.text("author").dice())
    }
}

/// The top-level comments of `video` as of the end of `day`, in serving order.
pub(super) fn thread(c: &Campaign, video: &VideoModel, day: i64) -> Vec<CommentModel> {
    let as_of = c.day_end(day);
    // Comments on big videos collect more likes.
    let audience = (video.plays_at(as_of) / 20_000.0).sqrt().clamp(0.3, 50.0);
    let mut thread = Vec::new();
    let mut written_before = 0.0;
    for d in video.day..=day {
        let written_by = video.top_level_comments_by(c, d).floor();
        let today = ((written_by - written_before) as usize).min(DAILY_COMMENT_CAP);
        written_before = written_by;
        thread.extend((0..today).map(|n| comment(c, video, d, n, as_of, audience)));
    }
    thread.sort_by(|a, b| {
        (b.day.cmp(&a.day))
            .then(b.likes.cmp(&a.likes))
            .then(a.id.cmp(&b.id))
    });
    thread
}

/// The `n`-th comment written on `video` on day `d`, as it stands at `as_of`.
fn comment(
    c: &Campaign,
    video: &VideoModel,
    d: i64,
    n: usize,
    as_of: i64,
    audience: f64,
) -> CommentModel {
    let key = c
        .key
        .text("comment")
        .num(video.index as u64)
        .num(d as u64)
        .num(n as u64);
    let mut dice = key.dice();
    let tone = c.tone_on(d, &mut dice);
    let earliest = c.day_start(d).max(video.create_time + 30).min(c.day_end(d));
    let create_time = earliest + dice.below((c.day_end(d) - earliest + 1) as u64) as i64;
    // Likes and replies: mostly few, some many; they accrue over the first day or two.
    let age_days = (as_of - create_time) as f64 / SECONDS_PER_DAY as f64;
    let grown = 1.0 - (-age_days / 0.8).exp();
    let final_likes = (audience * (1.2 + 1.7 * dice.normal()).exp()).min(200_000.0);
    let final_replies = if dice.chance(0.2) {
        1.0 + dice.below(1 + (final_likes / 40.0).min(30.0) as u64) as f64
    } else {
        0.0
    };
    let serial = (d - video.day) as u32 * SERIALS_PER_DAY + n as u32;
    CommentModel {
        id: ids::comment_id(create_time, video.id, serial),
        day: d,
        create_time,
        tone,
        likes: (final_likes * grown) as u64,
        replies: (final_replies * grown).round() as u64,
        key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::quirks::HashtagQuirks;
    use crate::sim::videos;
    use chrono::NaiveDate;
    use std::collections::HashSet;

    fn campaign() -> Campaign {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        Campaign::new(42, "trybrandx", HashtagQuirks::default(), start)
    }

    #[test]
    fn threads_accumulate_and_keep_their_past() {
        let c = campaign();
        let video = &videos::feed(&c, 10)[0];
        let earlier = thread(&c, video, 10);
        let later = thread(&c, video, 20);
        assert!(!earlier.is_empty() && later.len() > earlier.len());
        let later_ids: HashSet<u64> = later.iter().map(|m| m.id).collect();
        assert!(earlier.iter().all(|m| later_ids.contains(&m.id)));
        assert!(later.iter().all(|m| m.create_time <= c.day_end(20)));
        assert!(later.iter().all(|m| m.create_time >= video.create_time));
        assert_eq!(later_ids.len(), later.len(), "comment ids are unique");
        let top_level = later.len() as u64;
        assert!(video.stats_by(&c, 20).comments > top_level);
    }

    #[test]
    fn backlash_day_comments_are_mostly_negative() {
        let c = campaign();
        let negative_share = |day: i64| {
            let models: Vec<CommentModel> = videos::feed(&c, day)
                .iter()
                .take(40)
                .flat_map(|v| thread(&c, v, day))
                .filter(|m| m.day == day)
                .collect();
            let negative = models.iter().filter(|m| m.tone == Tone::Negative).count();
            assert!(
                models.len() > 30,
                "only {} comments on day {day}",
                models.len()
            );
            negative as f64 / models.len() as f64
        };
        let calm = negative_share(8);
        let backlash = negative_share(c.backlash_day);
        let recovered = negative_share(c.backlash_day + 5);
        assert!(
            backlash > 0.5 && backlash > 3.0 * calm,
            "calm {calm}, backlash {backlash}"
        );
        assert!(recovered < 0.4, "recovered {recovered}");
    }
}
