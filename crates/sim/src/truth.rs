//! The ground truth of a simulated hashtag on one date, for measuring the product against:
//! exact views and videos (before the provider's rounding and jitter), the campaign's phase and
//! dates, and the tone of every top-level comment written that day over all its videos (the
//! same comments the threads serve). Served by `GET /_sim/truth` and by [`truth`].

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::SimConfig;
use super::campaign::Campaign;
use super::comments::Tone;
use super::languages::Language;
use super::model::Model;
use super::threads;
use super::videos;

/// What a campaign is going through on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Campaign days 1 to 3 (and any date before day 1).
    Launch,
    /// An ordinary day.
    Steady,
    /// A day with a burst of videos.
    Viral,
    /// The backlash day and the two days after it, when new comments turn negative.
    Backlash,
    /// On or after the stall date: no new videos, a trickle of views. Outranks the others.
    Stalled,
}

/// Top-level comments by the tone they were written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ToneCounts {
    pub total: u64,
    pub positive: u64,
    pub neutral: u64,
    pub negative: u64,
}

impl ToneCounts {
    fn add(&mut self, tone: Tone) {
        self.total += 1;
        match tone {
            Tone::Positive => self.positive += 1,
            Tone::Neutral => self.neutral += 1,
            Tone::Negative => self.negative += 1,
        }
    }

    /// `negative / total`, or 0 without comments.
    pub fn negative_share(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.negative as f64 / self.total as f64
        }
    }
}

/// What really happened to a hashtag on a date (by the end of that date, UTC).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truth {
    /// Normalized: lowercase, no `#`.
    pub hashtag: String,
    pub date: NaiveDate,
    /// Campaign day (day 1 is `SimConfig::start_date`; earlier dates give 0 or less).
    pub day: i64,
    /// Exact total plays of all the hashtag's videos as of `served_as_of` (what the API's
    /// rounded figure stands for that date), unrounded and without jitter.
    pub views: u64,
    /// Videos posted so far (the true count, whatever `videoCount` reports).
    pub videos: u64,
    /// `views` minus the day before's `views`: the plays gained between the moments the two
    /// dates' data are as of, which is what a collector of that data can measure.
    pub new_views: u64,
    /// Videos posted on this date.
    pub new_videos: u64,
    pub phase: Phase,
    pub backlash_on: NaiveDate,
    pub stall_on: Option<NaiveDate>,
    /// The days with a burst of videos, ascending (none on or after a stall).
    pub viral_on: Vec<NaiveDate>,
    /// Top-level comments written on this date over all the hashtag's videos.
    pub new_comments: ToneCounts,
    /// Unix seconds: the moment the data the API serves for this hashtag on this date is as
    /// of (everything it serves that date, videos, counters, comments and totals, stands as
    /// at this second; nothing created after it is served).
    pub served_as_of: i64,
}

/// One top-level comment as the API serves it on a date: the truth the comment-reading limit is measured against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentTruth {
    /// The `cid` the comments endpoint serves.
    pub id: String,
    /// Its `create_time` (Unix seconds).
    pub created_at: i64,
    /// The language its text is written in (`en`, `pt`, `es`, `id`), or `und` for an
    /// emoji-only comment.
    pub language: Language,
    /// The tone it was written in (`positive`, `neutral`, `negative`).
    pub tone: Tone,
    /// A non-English comment with an English opener or closer (its `language` is its
    /// core's).
    pub mixed: bool,
}

/// A video's top-level comment thread exactly as the API serves it on `date` (most-liked first, the same order and items the comments endpoint pages through, duplicates quirk aside), and the moment the served data is as of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreadTruth {
    /// Unix seconds: the moment the served thread stands as at.
    pub served_as_of: i64,
    pub comments: Vec<CommentTruth>,
}

/// The truth about `hashtag` (any case, `#` allowed) on `date` in the world `config`
/// describes; `None` when the name is not a hashtag or the hashtag does not exist (names
/// starting with `unknown`). Free of any server: no credits, no rate limit.
pub fn truth(config: &SimConfig, hashtag: &str, date: NaiveDate) -> Option<Truth> {
    Model::new(config).truth(hashtag, date).ok()
}

/// The truth about campaign `c` on `date`.
pub(super) fn measure(c: &Campaign, date: NaiveDate) -> Truth {
    let day = c.day_of(date);
    let on_day = |d: i64| date_of(date, day, d);
    let (end, day_before_end) = (c.served_as_of(day), c.served_as_of(day - 1));
    let mut views = 0.0;
    let mut views_before = 0.0;
    let mut new_comments = ToneCounts::default();
    for video in videos::posted_by(c, day) {
        // Whole plays, as each video's counter shows them.
        views += video.plays_at(c, end).floor();
        views_before += video.plays_at(c, day_before_end).floor();
        for n in 0..threads::written_on(c, &video, day) {
            new_comments.add(threads::tone_of_comment(c, &video, day, n));
        }
    }
    let (views, views_before) = (views as u64, views_before as u64);
    Truth {
        hashtag: c.name.clone(),
        date,
        day,
        views,
        videos: c.posted_by(day) as u64,
        new_views: views.saturating_sub(views_before),
        new_videos: (c.posted_by(day) - c.posted_by(day - 1)) as u64,
        phase: c.phase(day),
        backlash_on: on_day(c.backlash_day),
        stall_on: c.stall().map(|s| on_day(s.day)),
        viral_on: c.viral_days().iter().map(|d| on_day(*d)).collect(),
        new_comments,
        served_as_of: c.served_as_of(day),
    }
}

/// The date of campaign day `d`, knowing `date` is campaign day `day`.
fn date_of(date: NaiveDate, day: i64, d: i64) -> NaiveDate {
    let shift = d - day;
    if shift >= 0 {
        date + Days::new(shift as u64)
    } else {
        date - Days::new(shift.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{ordinary, test_campaign_where};
    use crate::quirks::HashtagQuirks;

    fn start() -> NaiveDate {
        SimConfig::default().start_date
    }

    fn on(day: u64) -> NaiveDate {
        start() + Days::new(day - 1)
    }

    fn config_with(name: &str, quirks: HashtagQuirks) -> SimConfig {
        let mut config = SimConfig::default();
        config.quirks.insert(name.to_string(), quirks);
        config
    }

    #[test]
    fn a_forced_stall_leaves_a_trickle_of_views_and_no_new_videos() {
        let quirks = HashtagQuirks {
            stall_on: Some(on(14)),
            ..HashtagQuirks::default()
        };
        // Served as of each day's end: with a lag, day 14's views would still hold the last
        // hours of day 13.
        let mut config = config_with("fizzle", quirks);
        config.provider_lag = Some(std::time::Duration::ZERO);
        for day in [6, 9, 11, 13] {
            let t = truth(&config, "fizzle", on(day)).unwrap();
            assert!(t.new_views > 5_000, "day {day}: {t:?}");
            assert_ne!(t.phase, Phase::Stalled);
        }
        let before = truth(&config, "fizzle", on(13)).unwrap();
        for day in 14..=21 {
            let t = truth(&config, "#Fizzle", on(day)).unwrap();
            assert!(
                (1..1_000).contains(&t.new_views),
                "day {day}: {} new views",
                t.new_views
            );
            assert_eq!((t.new_videos, t.videos), (0, before.videos), "day {day}");
            assert_eq!(t.phase, Phase::Stalled);
            assert_eq!(t.stall_on, Some(on(14)));
            assert!(t.viral_on.iter().all(|d| *d < on(14)));
            assert!(
                t.new_comments.total * 10 < before.new_comments.total,
                "day {day}: {:?} vs {:?}",
                t.new_comments,
                before.new_comments
            );
        }
    }

    #[test]
    fn a_forced_backlash_turns_that_day_negative() {
        let quirks = HashtagQuirks {
            backlash_on: Some(on(15)),
            ..HashtagQuirks::default()
        };
        // Enough videos to have comments every day.
        let name = &test_campaign_where(ordinary).name;
        let config = config_with(name, quirks);
        let calm = truth(&config, name, on(8)).unwrap();
        let backlash = truth(&config, name, on(15)).unwrap();
        assert!(calm.new_comments.total > 100, "{calm:?}");
        assert!(calm.new_comments.negative_share() < 0.3, "{calm:?}");
        assert!(backlash.new_comments.negative_share() > 0.5, "{backlash:?}");
        assert_eq!(backlash.backlash_on, on(15));
        assert_eq!(backlash.phase, Phase::Backlash);
        let phases: Vec<Phase> = (15..=18)
            .map(|d| truth(&config, name, on(d)).unwrap().phase)
            .collect();
        assert_eq!(&phases[..3], &[Phase::Backlash; 3]);
        assert_ne!(phases[3], Phase::Backlash);
    }

    #[test]
    fn truth_adds_up_day_to_day() {
        let config = SimConfig::default();
        for name in ["trybrandx", &test_campaign_where(ordinary).name] {
            adds_up(&config, name);
        }
        let running = test_campaign_where(|c| c.first_day() < -30);
        let before = truth(&config, &running.name, on(1) - Days::new(1)).unwrap();
        assert!(before.videos > 0 && before.views > 0, "{before:?}");
        adds_up(&config, &running.name);
        assert!(truth(&config, "unknownbrand", on(3)).is_none());
        assert!(truth(&config, "two words", on(3)).is_none());
    }

    fn adds_up(config: &SimConfig, name: &str) {
        let mut last = truth(config, name, on(1) - Days::new(1)).unwrap();
        for day in 1..=30 {
            let t = truth(config, name, on(day)).unwrap();
            assert_eq!(t.day, day as i64);
            assert_eq!(t.views, last.views + t.new_views, "day {day}");
            assert_eq!(t.videos, last.videos + t.new_videos, "day {day}");
            let c = t.new_comments;
            assert_eq!(c.total, c.positive + c.neutral + c.negative);
            if t.viral_on.contains(&t.date) {
                assert_eq!(t.phase, Phase::Viral);
            }
            if day == 1 {
                assert_eq!(t.phase, Phase::Launch);
            }
            last = t;
        }
    }

    #[test]
    fn default_quirks_stall_some_hashtags_for_real() {
        let config = SimConfig::default();
        let stalled: Vec<Truth> = (0..40)
            .filter_map(|i| truth(&config, &format!("campaign{i}"), on(30)))
            .filter(|t| t.stall_on.is_some())
            .collect();
        assert!(stalled.len() >= 3, "{} stalled", stalled.len());
        for t in &stalled {
            assert_eq!(t.phase, Phase::Stalled, "{}", t.hashtag);
            assert!(t.new_views < 1_000 && t.new_videos == 0, "{t:?}");
        }
    }
}
