//! The shape of one simulated hashtag campaign over time: how many videos appear each day
//! (an S-curve with a few viral days), which day brings a backlash, and the mood of the
//! comments written on each day. Everything is drawn once from the seed and the hashtag name,
//! so the campaign is the same whatever date it is looked at from.

use chrono::{NaiveDate, NaiveTime};

use super::comments::Tone;
use super::dice::{Dice, Key};
use super::ids;
use super::quirks::HashtagQuirks;

/// Days of arrivals that are simulated; the S-curve is flat long before.
const HORIZON_DAYS: usize = 120;
pub(super) const SECONDS_PER_DAY: i64 = 86_400;

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
    viral_days: Vec<i64>,
    pub backlash_day: i64,
    /// Share of negative comments on an ordinary day.
    calm_negative: f64,
    /// `posted_by[d]`: videos posted on days `1..=d`.
    posted_by: Vec<usize>,
}

impl Campaign {
    pub(super) fn new(seed: u64, name: &str, quirks: HashtagQuirks, start: NaiveDate) -> Self {
        let key = Key::root(seed).text("campaign").text(name);
        let mut dice = key.dice();
        let planned_videos = 10f64.powf(dice.range(2.2, 3.05));
        let midpoint = dice.range(8.0, 14.0);
        let width = dice.range(2.2, 4.0);
        let typical_plays = 10f64.powf(dice.range(3.3, 4.5));
        let regular_creators = 4 + dice.below(8) as usize;
        let backlash_day = 18 + dice.below(5) as i64;
        let calm_negative = dice.range(0.08, 0.16);
        let mut viral_days = Vec::new();
        while viral_days.len() < 2 + dice.below(2) as usize {
            let day = 3 + dice.below(26) as i64;
            let near_backlash = (backlash_day - 1..=backlash_day + 2).contains(&day);
            if !near_backlash && !viral_days.contains(&day) {
                viral_days.push(day);
            }
        }
        let mut campaign = Campaign {
            name: name.to_string(),
            key,
            quirks,
            tag: ids::tag_key(name),
            day_one: start.and_time(NaiveTime::MIN).and_utc().timestamp(),
            typical_plays,
            regular_creators,
            viral_days,
            backlash_day,
            calm_negative,
            posted_by: Vec::new(),
        };
        campaign.posted_by = campaign.arrivals(planned_videos, midpoint, width);
        campaign
    }

    /// Cumulative video counts per day: the daily share of an S-curve, boosted on viral days,
    /// with a little day-to-day noise.
    fn arrivals(&self, planned: f64, midpoint: f64, width: f64) -> Vec<usize> {
        let logistic = |x: f64| 1.0 / (1.0 + (-(x - midpoint) / width).exp());
        let curve = |x: f64| (logistic(x) - logistic(0.0)) / (1.0 - logistic(0.0));
        let mut posted_by = vec![0; HORIZON_DAYS + 1];
        for day in 1..=HORIZON_DAYS {
            let mut dice = self.key.text("arrivals").num(day as u64).dice();
            let boost = if self.is_viral(day as i64) {
                dice.range(3.0, 4.5)
            } else {
                1.0
            };
            let expected = planned * (curve(day as f64) - curve(day as f64 - 1.0)) * boost;
            // Dithered rounding keeps fractional days from all rounding the same way.
            let mut today = (expected * dice.range(0.8, 1.2) + dice.unit()) as usize;
            if day == 1 {
                today = today.max(1);
            }
            posted_by[day] = (posted_by[day - 1] + today).min(ids::MAX_VIDEOS);
        }
        posted_by
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

    /// The moment the world is served as of on a campaign day: its last second.
    pub(super) fn day_end(&self, day: i64) -> i64 {
        self.day_start(day + 1) - 1
    }

    /// Videos posted on or before `day`.
    pub(super) fn posted_by(&self, day: i64) -> usize {
        self.posted_by[day.clamp(0, HORIZON_DAYS as i64) as usize]
    }

    /// The day the `index`-th video was posted, if it ever is.
    pub(super) fn posting_day(&self, index: usize) -> Option<i64> {
        let day = self.posted_by.partition_point(|&n| n <= index);
        (day <= HORIZON_DAYS).then_some(day as i64)
    }

    pub(super) fn is_viral(&self, day: i64) -> bool {
        self.viral_days.contains(&day)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(name: &str) -> Campaign {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        Campaign::new(42, name, HashtagQuirks::default(), start)
    }

    #[test]
    fn arrivals_follow_an_s_curve_with_viral_jumps() {
        let c = campaign("trybrandx");
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
        let c = campaign("glowup");
        for index in [0, 1, c.posted_by(5), c.posted_by(12) - 1] {
            let day = c.posting_day(index).unwrap();
            assert!(c.posted_by(day - 1) <= index && index < c.posted_by(day));
        }
        assert_eq!(c.posting_day(ids::MAX_VIDEOS + 1), None);
    }

    #[test]
    fn days_and_dates_line_up() {
        let c = campaign("x");
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(c.day_of(start), 1);
        assert_eq!(c.day_of(start.pred_opt().unwrap()), 0);
        assert_eq!(c.day_end(1) - c.day_start(1), SECONDS_PER_DAY - 1);
    }
}
