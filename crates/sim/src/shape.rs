//! The shape of one campaign: the numbers that make one hashtag's data unlike another's, drawn
//! once per hashtag from the seed and the name (its own dice, so the campaign's other draws stay
//! put). Whatever the simulator does not vary the product silently assumes, so every figure the
//! contract leaves open varies here: how many videos (a handful to thousands), how old the
//! campaign is on day 1 (launching, or running for months and decaying), how each video's plays
//! grow with its age, how much of `comment_count` is top-level, how many comments plays bring
//! and how many a video can gain in a day, how fast comments gather likes, and how many hours
//! old the provider's data is.
//!
//! This module only draws and describes; `campaign`, `videos` and `threads` use the numbers.

use std::fmt;
use std::time::Duration;

use super::dice::{Dice, Key};
use super::ids;

/// How many videos a campaign has in all (before day 1 included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Size {
    /// 10 to 60 videos.
    Small,
    /// About 150 to 1,100 videos.
    Medium,
    /// About 1,500 to a few thousand, up to what a video id can number.
    Large,
}

/// Where a campaign is in its life on day 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Age {
    /// Its first video is posted on day 1; arrivals follow an S-curve.
    Launching,
    /// Running since `history_days` before day 1 with arrivals decaying from the start (time
    /// constant `decay_days`): on day 1 most of its videos are old and saturated, and only a
    /// few young ones still grow.
    Running { history_days: i64, decay_days: f64 },
}

/// Chances of a small and of a large campaign (the rest are medium).
const SMALL_CHANCE: f64 = 0.2;
const LARGE_CHANCE: f64 = 0.15;
const SMALL_VIDEOS: (f64, f64) = (10.0, 60.0);
/// Log10 of the planned videos of a medium and of a large campaign.
const MEDIUM_LOG_VIDEOS: (f64, f64) = (2.2, 3.05);
const LARGE_LOG_VIDEOS: (f64, f64) = (3.18, 3.55);
/// Share of campaigns already running on day 1.
const RUNNING_CHANCE: f64 = 0.35;
const HISTORY_DAYS: (i64, i64) = (20, 360);
/// The arrival decay's time constant, relative to the history.
const DECAY_OF_HISTORY: (f64, f64) = (0.25, 0.9);
/// Median burst of a video's plays, in days (log-uniform), and its spread per video.
const BURST_DAYS: (f64, f64) = (0.4, 4.5);
const BURST_SPREAD: (f64, f64) = (0.7, 1.4);
/// Bounds on any one video's burst.
pub(super) const BURST_LIMITS: (f64, f64) = (0.3, 6.0);
/// Share of its peak a video gains a day after its burst, while young (log-uniform).
const LONG_TAIL_PER_DAY: (f64, f64) = (0.0005, 0.01);
/// How long the long tail lasts (its time constant, log-uniform): old videos saturate.
const TAIL_LIFETIME_DAYS: (f64, f64) = (20.0, 240.0);
/// Most plays a video's whole long tail brings, relative to its peak: a steep tail fades
/// sooner.
const MOST_TAIL_OF_PEAK: f64 = 0.6;
/// Campaign mean of top-level comments as a share of `comment_count`, and the per-video
/// spread and bounds around it.
const TOP_LEVEL_SHARE: (f64, f64) = (0.55, 0.85);
pub(super) const TOP_LEVEL_SPREAD: f64 = 0.08;
pub(super) const TOP_LEVEL_LIMITS: (f64, f64) = (0.5, 0.9);
/// How fast comments gather likes from the plays after them (log-uniform; 1 is the old pace).
const LIKE_ACCRUAL: (f64, f64) = (0.3, 30.0);
/// Top-level comments per play, campaign median (log-uniform: a tenfold range).
const COMMENTS_PER_PLAY: (f64, f64) = (0.0006, 0.006);
/// Most top-level comments one video gains in one day (log-uniform).
const DAILY_COMMENT_CAP: (f64, f64) = (30.0, 400.0);
/// Share of campaigns whose provider serves fresh data, and the lag of the others, in hours.
const FRESH_CHANCE: f64 = 0.3;
const LAG_HOURS: (f64, f64) = (0.5, 8.0);

/// The most top-level comments any video gains in a day (comment ids reserve room for it).
pub(super) const MAX_DAILY_COMMENTS: usize = DAILY_COMMENT_CAP.1 as usize;

/// One campaign's shape.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Shape {
    pub size: Size,
    /// Videos the campaign would post over its whole life (capped by what ids can number).
    pub planned_videos: f64,
    pub age: Age,
    /// Median burst length of its videos' plays, in days.
    pub burst_days: f64,
    pub long_tail_per_day: f64,
    pub tail_lifetime_days: f64,
    /// Mean share of `comment_count` that is top-level, over its videos.
    pub top_level_share: f64,
    /// Multiplies the plays a comment's likes are drawn from.
    pub like_accrual: f64,
    /// Median top-level comments per play of its videos.
    pub comments_per_play: f64,
    pub daily_comment_cap: usize,
    /// How old the data the provider serves is, in seconds.
    pub lag_secs: i64,
}

impl Shape {
    /// The shape of the campaign keyed `key`; `forced_lag` replaces the drawn lag.
    pub(super) fn draw(key: Key, forced_lag: Option<Duration>) -> Shape {
        let mut dice = key.text("shape").dice();
        let size = match dice.unit() {
            u if u < SMALL_CHANCE => Size::Small,
            u if u < SMALL_CHANCE + LARGE_CHANCE => Size::Large,
            _ => Size::Medium,
        };
        let planned_videos = match size {
            Size::Small => dice.range(SMALL_VIDEOS.0, SMALL_VIDEOS.1),
            Size::Medium => 10f64.powf(dice.range(MEDIUM_LOG_VIDEOS.0, MEDIUM_LOG_VIDEOS.1)),
            Size::Large => 10f64.powf(dice.range(LARGE_LOG_VIDEOS.0, LARGE_LOG_VIDEOS.1)),
        }
        .min(ids::MAX_VIDEOS as f64 * 0.9);
        let age = if dice.chance(RUNNING_CHANCE) {
            let history_days =
                HISTORY_DAYS.0 + dice.below((HISTORY_DAYS.1 - HISTORY_DAYS.0 + 1) as u64) as i64;
            let decay_days =
                history_days as f64 * dice.range(DECAY_OF_HISTORY.0, DECAY_OF_HISTORY.1);
            Age::Running {
                history_days,
                decay_days,
            }
        } else {
            Age::Launching
        };
        let burst_days = log_uniform(&mut dice, BURST_DAYS);
        let long_tail_per_day = log_uniform(&mut dice, LONG_TAIL_PER_DAY);
        let tail_lifetime_days =
            log_uniform(&mut dice, TAIL_LIFETIME_DAYS).min(MOST_TAIL_OF_PEAK / long_tail_per_day);
        let top_level_share = dice.range(TOP_LEVEL_SHARE.0, TOP_LEVEL_SHARE.1);
        let like_accrual = log_uniform(&mut dice, LIKE_ACCRUAL);
        let comments_per_play = log_uniform(&mut dice, COMMENTS_PER_PLAY);
        let daily_comment_cap = log_uniform(&mut dice, DAILY_COMMENT_CAP).round() as usize;
        let drawn_lag = if dice.chance(FRESH_CHANCE) {
            0
        } else {
            (dice.range(LAG_HOURS.0, LAG_HOURS.1) * 3_600.0) as i64
        };
        Shape {
            size,
            planned_videos,
            age,
            burst_days,
            long_tail_per_day,
            tail_lifetime_days,
            top_level_share,
            like_accrual,
            comments_per_play,
            daily_comment_cap: daily_comment_cap.min(MAX_DAILY_COMMENTS),
            lag_secs: forced_lag.map_or(drawn_lag, |lag| lag.as_secs() as i64),
        }
    }

    /// Days before day 1 the campaign's first video was posted (0 when launching on day 1).
    pub(super) fn history_days(&self) -> i64 {
        match self.age {
            Age::Launching => 0,
            Age::Running { history_days, .. } => history_days,
        }
    }

    /// A video's burst length, from a uniform draw.
    pub(super) fn video_burst_days(&self, dice: &mut Dice) -> f64 {
        (self.burst_days * dice.range(BURST_SPREAD.0, BURST_SPREAD.1))
            .clamp(BURST_LIMITS.0, BURST_LIMITS.1)
    }

    /// A video's top-level share of `comment_count`, from a uniform draw.
    pub(super) fn video_top_level_share(&self, dice: &mut Dice) -> f64 {
        (self.top_level_share + dice.range(-TOP_LEVEL_SPREAD, TOP_LEVEL_SPREAD))
            .clamp(TOP_LEVEL_LIMITS.0, TOP_LEVEL_LIMITS.1)
    }

    /// A video's top-level comments per play, from a uniform draw.
    pub(super) fn video_comment_rate(&self, dice: &mut Dice) -> f64 {
        self.comments_per_play * dice.range(0.6, 1.6)
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let age = match self.age {
            Age::Launching => "launching".to_string(),
            Age::Running {
                history_days,
                decay_days,
            } => format!("running {history_days}d/decay {decay_days:.0}d"),
        };
        write!(
            f,
            "{:<6} {:>5.0} videos  {:<24} burst {:>4.1}d tail {:>5.2}%/d for {:>3.0}d  \
             top-level {:.2}  likes x{:<5.2} comments/play {:.4} cap {:>3}/d  lag {:>4.1}h",
            format!("{:?}", self.size),
            self.planned_videos,
            age,
            self.burst_days,
            self.long_tail_per_day * 100.0,
            self.tail_lifetime_days,
            self.top_level_share,
            self.like_accrual,
            self.comments_per_play,
            self.daily_comment_cap,
            self.lag_secs as f64 / 3_600.0,
        )
    }
}

fn log_uniform(dice: &mut Dice, (lo, hi): (f64, f64)) -> f64 {
    (dice.range(lo.ln(), hi.ln())).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    use crate::tests::DEMO_HASHTAGS;

    fn shape(seed: u64, name: &str) -> Shape {
        Shape::draw(Key::root(seed).text("campaign").text(name), None)
    }

    /// Prints the table with `cargo test -p hashtrack-sim shapes_vary -- --nocapture`.
    #[test]
    fn shapes_vary_across_seeds_and_the_demo_hashtags() {
        let mut distinct = HashSet::new();
        let mut shapes = Vec::new();
        for seed in 1..=20 {
            for name in DEMO_HASHTAGS {
                let s = shape(seed, name);
                println!("seed {seed:>2} {name:<20} {s}");
                distinct.insert(s.to_string());
                shapes.push(s);
            }
        }
        assert!(distinct.len() >= 50, "{} distinct shapes", distinct.len());
        for size in [Size::Small, Size::Medium, Size::Large] {
            assert!(shapes.iter().any(|s| s.size == size), "no {size:?}");
        }
        assert!(shapes.iter().any(|s| s.age == Age::Launching));
        assert!(shapes.iter().any(|s| matches!(s.age, Age::Running { .. })));
        let spans = |f: fn(&Shape) -> f64| {
            let values: Vec<f64> = shapes.iter().map(f).collect();
            let min = values.iter().cloned().fold(f64::INFINITY, f64::min);
            let max = values.iter().cloned().fold(0.0, f64::max);
            max / min
        };
        assert!(spans(|s| s.comments_per_play) > 5.0);
        assert!(spans(|s| s.daily_comment_cap as f64) > 5.0);
        assert!(spans(|s| s.burst_days) > 5.0);
        assert!(spans(|s| s.like_accrual) > 20.0);
        assert!(spans(|s| s.long_tail_per_day) > 8.0);
        assert!(shapes.iter().any(|s| s.lag_secs == 0));
        assert!(shapes.iter().any(|s| s.lag_secs > 6 * 3_600));
    }

    #[test]
    fn a_forced_lag_replaces_the_drawn_one_and_nothing_else() {
        let key = Key::root(3).text("campaign").text("trybrandx");
        let forced = Shape::draw(key, Some(Duration::from_secs(6 * 3_600)));
        let drawn = Shape::draw(key, None);
        assert_eq!(forced.lag_secs, 6 * 3_600);
        assert_eq!(
            Shape {
                lag_secs: drawn.lag_secs,
                ..forced
            },
            drawn
        );
    }
}
