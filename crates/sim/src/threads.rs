//! The comment thread of one simulated video: which top-level comments exist by a given day,
//! when each was written, its tone, likes and reply count, and the order they are served in.
//!
//! Each day adds the comments the video's growth brings (capped, so a viral video stays cheap
//! to page through), and their tone follows the campaign's mood of that day. Threads are served
//! most-liked first (ties by id), as the app's "top comments" are (contract quirk 7).
//!
//! A comment's likes come from the plays its video gains after it was written: it starts with
//! none, and one written during the video's first burst collects far more than one written
//! days later, in the long tail. So page 1 of a video stays the same old favourites day after
//! day, and the day's new comments sit deeper in the thread, reached by continuing the cursor.

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
    let plays_now = video.plays_at(c, as_of);
    let mut thread = Vec::new();
    let mut written_before = 0.0;
    for d in video.day..=day {
        let written_by = video.top_level_comments_by(c, d).floor();
        let today = ((written_by - written_before) as usize).min(DAILY_COMMENT_CAP);
        written_before = written_by;
        thread.extend((0..today).map(|n| comment(c, video, d, n, as_of, plays_now)));
    }
    thread.sort_by(|a, b| b.likes.cmp(&a.likes).then(a.id.cmp(&b.id)));
    thread
}

/// How many top-level comments `video` gains on day `d`: exactly the ones [`thread`] adds
/// for that day.
pub(super) fn written_on(c: &Campaign, video: &VideoModel, d: i64) -> usize {
    if d < video.day {
        return 0;
    }
    let written_by = video.top_level_comments_by(c, d).floor();
    let written_before = video.top_level_comments_by(c, d - 1).floor();
    ((written_by - written_before) as usize).min(DAILY_COMMENT_CAP)
}

/// The tone of the `n`-th comment written on `video` on day `d`, without writing the rest of
/// it (the same draw [`thread`] makes).
pub(super) fn tone_of_comment(c: &Campaign, video: &VideoModel, d: i64, n: usize) -> Tone {
    c.tone_on(d, &mut comment_key(c, video, d, n).dice())
}

fn comment_key(c: &Campaign, video: &VideoModel, d: i64, n: usize) -> Key {
    c.key
        .text("comment")
        .num(video.index as u64)
        .num(d as u64)
        .num(n as u64)
}

/// The `n`-th comment written on `video` on day `d`, as it stands at `as_of`, when the video
/// has `plays_now` plays.
fn comment(
    c: &Campaign,
    video: &VideoModel,
    d: i64,
    n: usize,
    as_of: i64,
    plays_now: f64,
) -> CommentModel {
    let key = comment_key(c, video, d, n);
    let mut dice = key.dice();
    let tone = c.tone_on(d, &mut dice);
    let earliest = c.day_start(d).max(video.create_time + 30).min(c.day_end(d));
    let create_time = earliest + dice.below((c.day_end(d) - earliest + 1) as u64) as i64;
    // Likes come from the plays since the comment was written (mostly few, some many), so
    // they start at zero, and late comments on an old video stay behind the favourites.
    let seen_by = (plays_now - video.plays_at(c, create_time)).max(0.0);
    let audience = (seen_by / 20_000.0).sqrt().min(50.0);
    let appeal = (1.2 + 1.7 * dice.normal()).exp();
    let likes = (audience * appeal).min(200_000.0);
    // Replies also take a day or two to come in; both only grow with `as_of`.
    let has_replies = dice.chance(0.2);
    let reply_share = dice.unit();
    let age_days = (as_of - create_time) as f64 / SECONDS_PER_DAY as f64;
    let grown = 1.0 - (-age_days / 0.8).exp();
    let replies = if has_replies {
        ((1.0 + reply_share * (likes / 40.0).min(30.0)) * grown).round()
    } else {
        0.0
    };
    let serial = (d - video.day) as u32 * SERIALS_PER_DAY + n as u32;
    CommentModel {
        id: ids::comment_id(create_time, video.id, serial),
        create_time,
        tone,
        likes: likes as u64,
        replies: replies as u64,
        key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::videos;

    use std::collections::HashSet;

    fn campaign() -> Campaign {
        crate::campaign::test_campaign("trybrandx")
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
    fn served_most_liked_first_with_old_favourites_on_top() {
        let c = campaign();
        let (day, later) = (14, 17);
        let old_videos: Vec<VideoModel> = videos::feed(&c, day)
            .into_iter()
            .filter(|v| v.day <= day - 3 && thread(&c, v, day).len() >= 60)
            .take(5)
            .collect();
        assert_eq!(old_videos.len(), 5);
        for video in &old_videos {
            let before = thread(&c, video, day);
            let after = thread(&c, video, later);
            assert!(
                after
                    .windows(2)
                    .all(|w| (w[0].likes, w[1].id) >= (w[1].likes, w[0].id))
            );
            // Likes and replies only grow.
            for m in &before {
                let now = after.iter().find(|n| n.id == m.id).unwrap();
                assert!(now.likes >= m.likes && now.replies >= m.replies);
            }
            let page_one: HashSet<u64> = before[..20].iter().map(|m| m.id).collect();
            let repeated = after[..20]
                .iter()
                .filter(|m| page_one.contains(&m.id))
                .count();
            assert!(repeated >= 16, "only {repeated} of page 1 repeated");
            let newest: Vec<usize> = (0..after.len())
                .filter(|&i| after[i].create_time >= c.day_start(later))
                .collect();
            assert!(!newest.is_empty());
            let deep = newest.iter().filter(|&&i| i >= 20).count();
            assert!(deep * 10 >= newest.len() * 8, "{deep} of {}", newest.len());
        }
    }

    #[test]
    fn written_on_and_tones_match_the_thread() {
        let c = campaign();
        let video = &videos::feed(&c, 12)[3];
        let day = 12;
        let thread = thread(&c, video, day);
        let written: usize = (video.day..=day).map(|d| written_on(&c, video, d)).sum();
        assert_eq!(written, thread.len());
        let on_day = |d: i64| {
            let mut tones: Vec<Tone> = thread
                .iter()
                .filter(|m| c.day_start(d) <= m.create_time && m.create_time <= c.day_end(d))
                .map(|m| m.tone)
                .collect();
            tones.sort_by_key(|t| *t as u8);
            tones
        };
        let mut expected: Vec<Tone> = (0..written_on(&c, video, day))
            .map(|n| tone_of_comment(&c, video, day, n))
            .collect();
        expected.sort_by_key(|t| *t as u8);
        assert_eq!(on_day(day), expected);
    }

    #[test]
    fn backlash_day_comments_are_mostly_negative() {
        let c = campaign();
        let negative_share = |day: i64| {
            let models: Vec<CommentModel> = videos::feed(&c, day)
                .iter()
                .take(40)
                .flat_map(|v| thread(&c, v, day))
                .filter(|m| m.create_time >= c.day_start(day))
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
