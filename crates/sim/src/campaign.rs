//! The shape of one simulated hashtag campaign over time: how many videos appear each day
//! (an S-curve from day 1 with a few viral days, or for a campaign already running on day 1,
//! arrivals decaying since its start long before), which day brings a backlash, whether and
//! when the campaign stalls, the mood of the comments written on each day, and the moment the
//! provider's data is as of on each day (its lag). The numbers that vary its size, age, growth
//! and comments are its [`Shape`]. Everything is drawn once
//! from the seed and the hashtag name (the backlash and stall dates can be forced by
//! [`HashtagQuirks`]), so the campaign is the same whatever date it is looked at from.
//!
//! A stall is a campaign that truly dies: from the stall date on no video is posted, and the
//! existing videos share a trickle of a few hundred new plays a day between them (see
//! [`Stall`]), so their counters keep creeping up but almost stop.

use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};

use super::comments::Tone;
use super::dice::{Dice, Key};
use super::ids;
use super::languages::Language;
use super::quirks::HashtagQuirks;
use super::shape::{Age, Shape, Size};
use super::truth::Phase;
use super::videos;

/// The last campaign day with arrivals; the S-curve is flat long before.
const HORIZON_DAYS: i64 = 120;
pub(super) const SECONDS_PER_DAY: i64 = 86_400;
/// New plays per day a stalled campaign still gets, all its videos together.
const STALL_TRICKLE: (f64, f64) = (150.0, 550.0);
/// Day-to-day spread of the trickle around its campaign's level.
const STALL_TRICKLE_WOBBLE: (f64, f64) = (0.6, 1.4);

pub(super) struct Campaign {
    pub name: String,
    pub key: Key,
    pub quirks: HashtagQuirks,
    /// Packed into the ids of the campaign's videos.
    pub tag: u32,
    /// Unix seconds at the start of campaign day 1 (UTC).
    day_one: i64,
    /// Median peak plays of one ordinary video.
    pub typical_plays: f64,
    /// Creators who post again and again (index 0 is the brand's own account).
    pub regular_creators: usize,
    /// Days with a burst of videos, in ascending order (none on or after a stall).
    viral_days: Vec<i64>,
    pub backlash_day: i64,
    /// Share of negative comments on an ordinary day.
    calm_negative: f64,
    pub shape: Shape,
    /// The day the first video can be posted (1, or long before for a running campaign).
    first_day: i64,
    /// `posted_by[k]`: videos posted on days `first_day..first_day + k`.
    posted_by: Vec<usize>,
    stall: Option<Stall>,
    /// The languages its comments are written in, weighted (empty: English only).
    pub languages: Vec<(Language, f64)>,
}

/// The first draws of a campaign's shape, in the order they are drawn.
struct Basics {
    midpoint: f64,
    width: f64,
    typical_plays: f64,
    regular_creators: usize,
    backlash_day: i64,
    calm_negative: f64,
}

impl Basics {
    fn draw(dice: &mut Dice) -> Basics {
        Basics {
            midpoint: dice.range(8.0, 14.0),
            width: dice.range(2.2, 4.0),
            typical_plays: 10f64.powf(dice.range(3.3, 4.5)),
            regular_creators: 4 + dice.below(8) as usize,
            backlash_day: 18 + dice.below(5) as i64,
            calm_negative: dice.range(0.08, 0.16),
        }
    }
}

fn campaign_key(seed: u64, name: &str) -> Key {
    Key::root(seed).text("campaign").text(name)
}

/// The backlash day a campaign draws for itself when `HashtagQuirks::backlash_on` does not
/// force one (for `default_quirks`, which keeps stalls off it).
pub(super) fn natural_backlash_day(seed: u64, name: &str) -> i64 {
    Basics::draw(&mut campaign_key(seed, name).dice()).backlash_day
}

/// The campaign day `date` falls on when day 1 is `start`.
pub(super) fn day_number(start: NaiveDate, date: NaiveDate) -> i64 {
    (date - start).num_days() + 1
}

/// A stalled campaign: from the end of the day before `day`, no new videos, and the plays
/// its videos would have gained are replaced by a trickle shared in proportion to the plays
/// each had (so counters stay monotone and the hashtag's true daily gain is a few hundred).
pub(super) struct Stall {
    /// The first stalled campaign day.
    pub day: i64,
    /// Unix second the stall begins: the last second of the day before `day`.
    pub at: i64,
    /// The campaign's total plays at `at`, which the trickle is shared out by.
    views_at: f64,
    /// `trickle_by[k]`: trickle plays gained in the first `k` stalled days.
    trickle_by: Vec<f64>,
}

impl Stall {
    /// Trickle plays the whole campaign gained between the stall and `at`.
    pub(super) fn trickle_since(&self, at: i64) -> f64 {
        let elapsed = (at - self.at).max(0);
        let days = (elapsed / SECONDS_PER_DAY) as usize;
        let frac = (elapsed % SECONDS_PER_DAY) as f64 / SECONDS_PER_DAY as f64;
        let last = self.trickle_by.len() - 1;
        // Past the simulated horizon the trickle carries on at its last day's pace.
        let (whole, today) = if days < last {
            (
                self.trickle_by[days],
                self.trickle_by[days + 1] - self.trickle_by[days],
            )
        } else {
            let pace = self.trickle_by[last] - self.trickle_by[last - 1];
            (self.trickle_by[last] + (days - last) as f64 * pace, pace)
        };
        whole + frac * today
    }

    /// The part of the trickle a video with `plays` at the stall gets.
    pub(super) fn share_of(&self, plays: f64) -> f64 {
        if self.views_at > 0.0 {
            plays / self.views_at
        } else {
            0.0
        }
    }
}

impl Campaign {
    /// The campaign of `name`; `forced_lag` replaces the provider lag its shape draws.
    pub(super) fn new(
        seed: u64,
        name: &str,
        quirks: HashtagQuirks,
        start: NaiveDate,
        forced_lag: Option<Duration>,
    ) -> Self {
        let key = campaign_key(seed, name);
        let mut dice = key.dice();
        let basics = Basics::draw(&mut dice);
        let shape = Shape::draw(key, forced_lag);
        let backlash_day = quirks
            .backlash_on
            .map_or(basics.backlash_day, |date| day_number(start, date));
        let stall_day = quirks.stall_on.map(|date| day_number(start, date));
        let mut viral_days = Vec::new();
        while viral_days.len() < 2 + dice.below(2) as usize {
            let day = 3 + dice.below(26) as i64;
            let near_backlash = (backlash_day - 1..=backlash_day + 2).contains(&day);
            if !near_backlash && !viral_days.contains(&day) {
                viral_days.push(day);
            }
        }
        // A stalled campaign has no more booms.
        viral_days.retain(|day| stall_day.is_none_or(|stall| *day < stall));
        viral_days.sort_unstable();
        let mut campaign = Campaign {
            name: name.to_string(),
            key,
            quirks,
            tag: ids::tag_key(name),
            day_one: start.and_time(NaiveTime::MIN).and_utc().timestamp(),
            typical_plays: basics.typical_plays,
            regular_creators: basics.regular_creators,
            viral_days,
            backlash_day,
            calm_negative: basics.calm_negative,
            first_day: 1 - shape.history_days(),
            shape,
            posted_by: Vec::new(),
            stall: None,
            languages: Vec::new(),
        };
        campaign.posted_by = campaign.arrivals(basics.midpoint, basics.width, stall_day);
        campaign.stall = stall_day.map(|day| campaign.stall_from(day));
        campaign
    }

    /// The campaign writing its comments in `languages` (weighted; empty: English only).
    /// Nothing else about it changes: languages are drawn on streams of their own.
    pub(super) fn with_languages(mut self, languages: Vec<(Language, f64)>) -> Self {
        self.languages = languages;
        self
    }

    /// Cumulative video counts per day from `first_day`: the daily share of the campaign's
    /// arrival curve (an S-curve from day 1, or a decay since its start), boosted on viral
    /// days, with a little day-to-day noise; nothing from the stall day on, and never more
    /// than video ids can number (nor than a small campaign's size).
    fn arrivals(&self, midpoint: f64, width: f64, stall_day: Option<i64>) -> Vec<usize> {
        let planned = self.shape.planned_videos;
        let logistic = |x: f64| 1.0 / (1.0 + (-(x - midpoint) / width).exp());
        let s_curve = |x: f64| (logistic(x) - logistic(0.0)) / (1.0 - logistic(0.0));
        // Share of all the campaign's videos posted by the end of day `x`.
        let curve = |x: f64| match self.shape.age {
            Age::Launching => s_curve(x.max(0.0)),
            Age::Running { decay_days, .. } => {
                1.0 - (-(x - self.first_day as f64 + 1.0).max(0.0) / decay_days).exp()
            }
        };
        let most = match self.shape.size {
            Size::Small => planned.round() as usize,
            _ => ids::MAX_VIDEOS,
        };
        let mut posted_by = vec![0; (HORIZON_DAYS - self.first_day + 2) as usize];
        for k in 1..posted_by.len() {
            let day = self.first_day + k as i64 - 1;
            let mut dice = self.key.text("arrivals").num(day as u64).dice();
            let boost = if self.is_viral(day) {
                dice.range(3.0, 4.5)
            } else {
                1.0
            };
            let expected = planned * (curve(day as f64) - curve(day as f64 - 1.0)) * boost;
            // Dithered rounding keeps fractional days from all rounding the same way.
            let mut today = (expected * dice.range(0.8, 1.2) + dice.unit()) as usize;
            if day == 1 && self.shape.age == Age::Launching {
                today = today.max(1);
            }
            if stall_day.is_some_and(|stall| day >= stall) {
                today = 0;
            }
            posted_by[k] = (posted_by[k - 1] + today).min(most);
        }
        posted_by
    }

    /// The stall that begins on campaign day `day` (the arrivals are already frozen).
    fn stall_from(&self, day: i64) -> Stall {
        let at = self.day_start(day) - 1;
        let views_at = videos::posted_by(self, day - 1)
            .iter()
            .map(|v| v.unstalled_plays_at(at))
            .sum();
        let mut dice = self.key.text("stall trickle").dice();
        let level = dice.range(STALL_TRICKLE.0, STALL_TRICKLE.1);
        let mut trickle_by = vec![0.0; HORIZON_DAYS as usize + 2];
        for k in 1..trickle_by.len() {
            let today = level * dice.range(STALL_TRICKLE_WOBBLE.0, STALL_TRICKLE_WOBBLE.1);
            trickle_by[k] = trickle_by[k - 1] + today;
        }
        Stall {
            day,
            at,
            views_at,
            trickle_by,
        }
    }

    /// The stall, if this campaign has one (whether or not it has begun by a given day).
    pub(super) fn stall(&self) -> Option<&Stall> {
        self.stall.as_ref()
    }

    /// Whether `day` is on or after the stall.
    pub(super) fn is_stalled(&self, day: i64) -> bool {
        self.stall.as_ref().is_some_and(|s| day >= s.day)
    }

    pub(super) fn viral_days(&self) -> &[i64] {
        &self.viral_days
    }

    /// The campaign day a date falls on (day 1 is the start date; earlier dates give <= 0).
    pub(super) fn day_of(&self, date: NaiveDate) -> i64 {
        let midnight = date.and_time(NaiveTime::MIN).and_utc().timestamp();
        (midnight - self.day_one).div_euclid(SECONDS_PER_DAY) + 1
    }

    /// Unix seconds at the start of a campaign day.
    pub(super) fn day_start(&self, day: i64) -> i64 {
        self.day_one + (day - 1) * SECONDS_PER_DAY
    }

    /// The last second of a campaign day: calendar figures (the truth) are as of it.
    pub(super) fn day_end(&self, day: i64) -> i64 {
        self.day_start(day + 1) - 1
    }

    /// The moment the provider's data is as of on a campaign day: the day's last second,
    /// less the provider's lag. Everything served that day stands as at this second.
    pub(super) fn served_as_of(&self, day: i64) -> i64 {
        self.day_end(day) - self.shape.lag_secs
    }

    /// The campaign day the Unix second `at` falls in.
    pub(super) fn day_at(&self, at: i64) -> i64 {
        (at - self.day_one).div_euclid(SECONDS_PER_DAY) + 1
    }

    /// The day the campaign's first video can be posted (1 unless it was running before).
    pub(super) fn first_day(&self) -> i64 {
        self.first_day
    }

    /// Videos posted on or before `day`.
    pub(super) fn posted_by(&self, day: i64) -> usize {
        let slot = (day - self.first_day + 1).clamp(0, self.posted_by.len() as i64 - 1);
        self.posted_by[slot as usize]
    }

    /// The day the `index`-th video was posted, if it ever is.
    pub(super) fn posting_day(&self, index: usize) -> Option<i64> {
        let slot = self.posted_by.partition_point(|&n| n <= index);
        (slot < self.posted_by.len()).then_some(self.first_day + slot as i64 - 1)
    }

    pub(super) fn is_viral(&self, day: i64) -> bool {
        self.viral_days.contains(&day)
    }

    /// What the campaign is going through on `day`; a stall outranks everything, and the
    /// backlash lasts three days (those when new comments are mostly negative).
    pub(super) fn phase(&self, day: i64) -> Phase {
        if self.is_stalled(day) {
            Phase::Stalled
        } else if (self.backlash_day..=self.backlash_day + 2).contains(&day) {
            Phase::Backlash
        } else if self.is_viral(day) {
            Phase::Viral
        } else if day <= 3 {
            Phase::Launch
        } else {
            Phase::Steady
        }
    }

    /// The tone of a comment written on `day`, from a uniform draw: upbeat launch, a backlash
    /// that fades over three days, then a recovery that stays a little more critical.
    pub(super) fn tone_on(&self, day: i64, dice: &mut Dice) -> Tone {
        let (positive, negative) = match day - self.backlash_day {
            0 => (0.14, 0.70),
            1 => (0.28, 0.48),
            2 => (0.40, 0.32),
            after if after > 2 => (0.55, self.calm_negative + 0.05),
            _ if day <= 3 => (0.74, 0.06),
            _ if self.is_viral(day) => (0.70, self.calm_negative - 0.03),
            _ => (0.62, self.calm_negative),
        };
        let draw = dice.unit();
        if draw < negative {
            Tone::Negative
        } else if draw < negative + positive {
            Tone::Positive
        } else {
            Tone::Neutral
        }
    }
}

/// The campaign of hashtag `name` under seed 42 from 2026-11-01, with its own quirks: one
/// helper for every module's tests.
#[cfg(test)]
pub(crate) fn test_campaign(name: &str) -> Campaign {
    let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    Campaign::new(42, name, HashtagQuirks::default(), start, None)
}

/// The first of the campaigns `campaign0`, `campaign1`, ... (seed 42, from 2026-11-01, own
/// quirks) that `fits`: for tests of what only some shapes show.
#[cfg(test)]
pub(crate) fn test_campaign_where(fits: impl Fn(&Campaign) -> bool) -> Campaign {
    (0..2_000)
        .map(|i| test_campaign(&format!("campaign{i}")))
        .find(|c| fits(c))
        .expect("some campaign fits")
}

/// A launching campaign of at least medium size: the old default shape's kind.
#[cfg(test)]
pub(crate) fn ordinary(c: &Campaign) -> bool {
    c.shape.age == Age::Launching && c.shape.size != Size::Small
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrivals_follow_an_s_curve_with_viral_jumps() {
        let c = test_campaign_where(ordinary);
        let daily: Vec<usize> = (1..=30)
            .map(|d| c.posted_by(d) - c.posted_by(d - 1))
            .collect();
        assert!(c.posted_by(30) > 100, "{daily:?}");
        let early: usize = daily[..3].iter().sum();
        let middle: usize = daily[9..12].iter().sum();
        assert!(middle > early, "{daily:?}");
        let viral = c.viral_days[0];
        let neighbours = (daily[viral as usize - 2] + daily[viral as usize]) / 2;
        assert!(
            daily[viral as usize - 1] > neighbours,
            "{daily:?} viral {viral}"
        );
    }

    #[test]
    fn posting_day_inverts_posted_by() {
        let c = test_campaign("glowup");
        for index in [0, 1, c.posted_by(5), c.posted_by(12) - 1] {
            let day = c.posting_day(index).unwrap();
            assert!(c.posted_by(day - 1) <= index && index < c.posted_by(day));
        }
        assert_eq!(c.posting_day(ids::MAX_VIDEOS + 1), None);
    }

    #[test]
    fn forced_dates_shape_the_campaign() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let quirks = HashtagQuirks {
            backlash_on: Some(start + chrono::Days::new(9)),
            stall_on: Some(start + chrono::Days::new(19)),
            ..HashtagQuirks::default()
        };
        let c = Campaign::new(42, "trybrandx", quirks, start, None);
        assert_eq!(c.backlash_day, 10);
        assert!(
            c.viral_days()
                .iter()
                .all(|d| !(9..=12).contains(d) && *d < 20)
        );
        assert_eq!(c.stall().map(|s| s.day), Some(20));
        assert_eq!(c.posted_by(40), c.posted_by(19));
        assert_eq!(c.phase(10), Phase::Backlash);
        assert_eq!(c.phase(12), Phase::Backlash);
        assert_eq!(c.phase(20), Phase::Stalled);
        assert_eq!(c.phase(2), Phase::Launch);
        assert_eq!(
            natural_backlash_day(42, "trybrandx"),
            test_campaign("trybrandx").backlash_day
        );
    }

    #[test]
    fn days_and_dates_line_up() {
        let c = test_campaign("x");
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(c.day_of(start), 1);
        assert_eq!(c.day_of(start.pred_opt().unwrap()), 0);
        assert_eq!(c.day_end(1) - c.day_start(1), SECONDS_PER_DAY - 1);
    }
}
