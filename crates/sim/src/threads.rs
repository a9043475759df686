//! The comment thread of one simulated video: which top-level comments exist at a given
//! second, when each was written, its tone, likes and reply count, and the order they are
//! served in.
//!
//! Each day adds the comments the video's growth brings (up to the campaign's daily cap, so a
//! viral video stays cheap to page through), written at seconds spread over that day, and
//! their tone follows the campaign's mood of that day and their language the campaign's mix. A thread as of a second holds the
//! comments written by then (the provider's lag hides the day's latest). Threads are served
//! most-liked first (ties by id, which follows the creation time), as the app's "top
//! comments" are (contract quirk 7).
//!
//! A comment's likes come from the plays its video gains after it was written, scaled by the
//! campaign's like accrual: it starts with none, and one written during the video's first
//! burst collects far more than one written days later, in the long tail. So page 1 of a video
//! mostly stays the same old favourites day after day, and the day's new comments sit deeper
//! in the thread, reached by continuing the cursor; in campaigns whose comments gather likes
//! fast, a new one can climb quickly.
//!
//! Building a thread costs one step per day of the video's age and one per comment: no work is
//! repeated across days or pages.

use super::campaign::{Campaign, SECONDS_PER_DAY};
use super::comments::{self, Tone, Written};
use super::dice::Key;
use super::ids;
use super::languages;
use super::people::{self, Person};
use super::shape::MAX_DAILY_COMMENTS;
use super::videos::VideoModel;

/// Serial numbers reserved per day in comment ids (above any daily cap).
const SERIALS_PER_DAY: u32 = MAX_DAILY_COMMENTS.next_power_of_two() as u32;

/// What a comment's like audience saturates at (likes are it times the comment's appeal).
const MOST_AUDIENCE: f64 = 12.0;

pub(super) struct CommentModel {
    pub id: u64,
    pub create_time: i64,
    pub tone: Tone,
    pub likes: u64,
    pub replies: u64,
    key: Key,
}

impl CommentModel {
    /// Its text, in a language drawn from the campaign's mix on a stream of its own (so the
    /// tone, likes and an English-only campaign's texts draw what they always did).
    pub(super) fn written(&self, c: &Campaign) -> Written {
        let language = languages::draw(&c.languages, &mut self.key.text("language").dice());
        comments::compose(
            language,
            self.tone,
            &mut self.key.text("text").dice(),
            &c.name,
        )
    }

    pub(super) fn author(&self) -> Person {
        people::person(&mut self.key.text("author").dice())
    }
}

/// The top-level comments of `video` that exist at the Unix second `at`, as they stand then,
/// in serving order.
pub(super) fn thread(c: &Campaign, video: &VideoModel, at: i64) -> Vec<CommentModel> {
    let plays_now = video.plays_at(c, at);
    let mut thread = Vec::new();
    for_each_written(c, video, at, |d, n, create_time| {
        thread.push(comment(c, video, d, n, create_time, at, plays_now));
    });
    thread.sort_by(|a, b| b.likes.cmp(&a.likes).then(a.id.cmp(&b.id)));
    thread
}

/// How many top-level comments of `video` exist at `at`: the length of its [`thread`] then.
pub(super) fn count_at(c: &Campaign, video: &VideoModel, at: i64) -> usize {
    let mut count = 0;
    for_each_written(c, video, at, |_, _, _| count += 1);
    count
}

/// Calls `f(day, n, create_time)` for every top-level comment of `video` written by `at`.
fn for_each_written(c: &Campaign, video: &VideoModel, at: i64, mut f: impl FnMut(i64, usize, i64)) {
    let last_day = c.day_at(at);
    let mut written_before = 0.0;
    for d in video.day..=last_day {
        let written_by = video.top_level_comments_by(c, d).floor();
        let today = ((written_by - written_before) as usize).min(c.shape.daily_comment_cap);
        written_before = written_by;
        for n in 0..today {
            let create_time = comment_time(c, video, d, n);
            if d < last_day || create_time <= at {
                f(d, n, create_time);
            }
        }
    }
}

/// How many top-level comments `video` gains on day `d`: exactly the ones [`thread`] adds
/// for that day once the day is over.
pub(super) fn written_on(c: &Campaign, video: &VideoModel, d: i64) -> usize {
    if d < video.day {
        return 0;
    }
    let written_by = video.top_level_comments_by(c, d).floor();
    let written_before = video.top_level_comments_by(c, d - 1).floor();
    ((written_by - written_before) as usize).min(c.shape.daily_comment_cap)
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

/// When the `n`-th comment written on `video` on day `d` was written: a second of that day,
/// after the video was posted. Its own draw, so a thread as of a second can leave out what
/// comes later without writing it.
fn comment_time(c: &Campaign, video: &VideoModel, d: i64, n: usize) -> i64 {
    let mut dice = comment_key(c, video, d, n).text("time").dice();
    let earliest = c.day_start(d).max(video.create_time + 30).min(c.day_end(d));
    earliest + dice.below((c.day_end(d) - earliest + 1) as u64) as i64
}

/// The `n`-th comment written on `video` on day `d` (at `create_time`), as it stands at
/// `as_of`, when the video has `plays_now` plays.
fn comment(
    c: &Campaign,
    video: &VideoModel,
    d: i64,
    n: usize,
    create_time: i64,
    as_of: i64,
    plays_now: f64,
) -> CommentModel {
    let key = comment_key(c, video, d, n);
    let mut dice = key.dice();
    let tone = c.tone_on(d, &mut dice);
    // Likes come from the plays since the comment was written (mostly few, some many), so
    // they start at zero, and late comments on an old video stay behind the favourites. The
    // audience saturates: where comments gather likes fast, a new one nears it within a day
    // and competes with the old favourites on its appeal alone.
    let seen_by = (plays_now - video.plays_at(c, create_time)).max(0.0) * c.shape.like_accrual;
    let reach = (seen_by / 20_000.0).sqrt();
    let audience = MOST_AUDIENCE * (1.0 - (-reach / MOST_AUDIENCE).exp());
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

    use crate::campaign::{ordinary, test_campaign_where};

    /// A launching campaign of some size whose comments gather likes at the old pace or
    /// slower, so old favourites stay on top.
    fn campaign() -> Campaign {
        test_campaign_where(|c| ordinary(c) && c.shape.like_accrual <= 2.0)
    }

    fn feed_on(c: &Campaign, day: i64) -> Vec<VideoModel> {
        videos::feed(c, day, c.day_end(day))
    }

    fn thread_on(c: &Campaign, video: &VideoModel, day: i64) -> Vec<CommentModel> {
        thread(c, video, c.day_end(day))
    }

    #[test]
    fn threads_accumulate_and_keep_their_past() {
        let c = campaign();
        let video = &feed_on(&c, 10)[0];
        let earlier = thread_on(&c, video, 10);
        let later = thread_on(&c, video, 20);
        assert!(!earlier.is_empty() && later.len() > earlier.len());
        let later_ids: HashSet<u64> = later.iter().map(|m| m.id).collect();
        assert!(earlier.iter().all(|m| later_ids.contains(&m.id)));
        assert!(later.iter().all(|m| m.create_time <= c.day_end(20)));
        assert!(later.iter().all(|m| m.create_time >= video.create_time));
        assert_eq!(later_ids.len(), later.len(), "comment ids are unique");
        let at = c.day_end(20);
        assert_eq!(count_at(&c, video, at), later.len());
        let stats = video.stats_at(&c, at, later.len());
        assert!(stats.comments > later.len() as u64);
    }

    #[test]
    fn served_most_liked_first_with_old_favourites_on_top() {
        let c = campaign();
        let (day, later) = (14, 17);
        let old_videos: Vec<VideoModel> = feed_on(&c, day)
            .into_iter()
            .filter(|v| v.day <= day - 3 && thread_on(&c, v, day).len() >= 60)
            .take(5)
            .collect();
        assert_eq!(old_videos.len(), 5);
        for video in &old_videos {
            let before = thread_on(&c, video, day);
            let after = thread_on(&c, video, later);
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
    fn where_comments_gather_likes_fast_new_ones_move_up_the_list() {
        // Of the comments written the day before, on videos days old: the share already
        // liked, and how deep they sit (0 the top, 1 the end of the list).
        let newest = |c: &Campaign| {
            let (day, later) = (14, 17);
            let (mut liked, mut depth, mut n) = (0, 0.0, 0);
            for v in feed_on(c, day)
                .iter()
                .filter(|v| v.day <= day - 3 && thread_on(c, v, day).len() >= 60)
                .take(5)
            {
                let thread = thread_on(c, v, later);
                for (i, m) in thread.iter().enumerate() {
                    if c.day_start(later - 1) <= m.create_time && m.create_time < c.day_start(later)
                    {
                        liked += usize::from(m.likes > 0);
                        depth += i as f64 / thread.len() as f64;
                        n += 1;
                    }
                }
            }
            assert!(n >= 20, "{n} comments of the day before");
            (liked as f64 / n as f64, depth / n as f64)
        };
        let (fast_liked, fast_depth) = newest(&test_campaign_where(|c| {
            ordinary(c) && c.shape.like_accrual >= 15.0
        }));
        let (slow_liked, slow_depth) = newest(&test_campaign_where(|c| {
            ordinary(c) && c.shape.like_accrual <= 0.5
        }));
        assert!(
            fast_liked > slow_liked + 0.2 && fast_depth + 0.1 < slow_depth,
            "fast: {fast_liked:.2} liked at depth {fast_depth:.2}; \
             slow: {slow_liked:.2} liked at depth {slow_depth:.2}"
        );
    }

    #[test]
    fn written_on_and_tones_match_the_thread() {
        let c = campaign();
        let video = &feed_on(&c, 12)[3];
        let day = 12;
        let thread = thread_on(&c, video, day);
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
            let models: Vec<CommentModel> = feed_on(&c, day)
                .iter()
                .take(40)
                .flat_map(|v| thread_on(&c, v, day))
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
