//! The data quirks a simulated hashtag shows (see "Data quirks" in the API contract), the
//! campaign shapes forced on it (backlash and stall dates), and which hashtags show them when
//! the configuration does not say.

use chrono::{Days, NaiveDate};

use super::campaign;
use super::dice::Key;

/// Share of hashtags that stall when the configuration does not say.
const DEFAULT_STALL_CHANCE: f64 = 0.2;
/// Campaign days a default stall is drawn from.
const DEFAULT_STALL_DAYS: std::ops::RangeInclusive<u64> = 12..=24;

/// The contract's documented oddities, and the campaign's shape where forced, per hashtag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HashtagQuirks {
    /// `stats` inside `challenge` rather than beside it.
    pub stats_nested: bool,
    /// `videoCount` is always reported as 0.
    pub zero_video_count: bool,
    /// On this date the reported views are lower than the day before. Rounding and upstream
    /// jitter also make views step back now and then without it.
    pub views_step_back_on: Option<NaiveDate>,
    /// Pages (videos and comments) start by repeating one or two items of the previous page.
    pub duplicate_items: bool,
    /// From this date on (inclusive) the campaign has truly stalled: no new videos, a trickle
    /// of a few hundred new plays a day over all its videos, and hardly any new comments. The
    /// reported view count still moves by its rounding and jitter. `None`: it never stalls.
    pub stall_on: Option<NaiveDate>,
    /// The backlash day (comments mostly negative, fading over the next two days); `None`
    /// leaves it to the campaign (a day from 18 to 22).
    pub backlash_on: Option<NaiveDate>,
}

/// The quirks of `hashtag_name` (lowercase, no `#`) when the configuration has no override,
/// for campaigns whose day 1 is `start`: deterministic per name and seed, so a handful of
/// hashtags shows each quirk, and about one in five stalls (on a campaign day from 12 to 24,
/// away from its backlash). It never forces a step-back date or the backlash day; natural
/// step-backs remain.
pub fn default_quirks(hashtag_name: &str, seed: u64, start: NaiveDate) -> HashtagQuirks {
    let mut dice = Key::root(seed).text("quirks").text(hashtag_name).dice();
    let stats_nested = dice.chance(0.5);
    let zero_video_count = dice.chance(0.25);
    let duplicate_items = dice.chance(0.35);
    let stall_on = dice.chance(DEFAULT_STALL_CHANCE).then(|| {
        let backlash = campaign::natural_backlash_day(seed, hashtag_name) as u64;
        let days: Vec<u64> = DEFAULT_STALL_DAYS
            .filter(|day| !(backlash - 1..=backlash + 2).contains(day))
            .collect();
        let day = *dice.pick(&days);
        start + Days::new(day - 1)
    });
    HashtagQuirks {
        stats_nested,
        zero_video_count,
        views_step_back_on: None,
        duplicate_items,
        stall_on,
        backlash_on: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_stable_and_each_quirk_shows_up() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let names: Vec<String> = (0..40).map(|i| format!("campaign{i}")).collect();
        let quirks: Vec<HashtagQuirks> =
            names.iter().map(|n| default_quirks(n, 42, start)).collect();
        assert_eq!(quirks[7], default_quirks("campaign7", 42, start));
        assert!(quirks.iter().any(|q| q.stats_nested));
        assert!(quirks.iter().any(|q| !q.stats_nested));
        assert!(quirks.iter().any(|q| q.zero_video_count));
        assert!(quirks.iter().any(|q| q.duplicate_items));
        assert!(quirks.iter().all(|q| q.backlash_on.is_none()));
    }

    #[test]
    fn about_one_in_five_defaults_stalls_away_from_its_backlash() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let stalls: Vec<(String, NaiveDate)> = (0..40)
            .map(|i| format!("campaign{i}"))
            .filter_map(|n| Some((n.clone(), default_quirks(&n, 42, start).stall_on?)))
            .collect();
        assert!((3..=16).contains(&stalls.len()), "{} stalls", stalls.len());
        for (name, stall_on) in &stalls {
            let day = campaign::day_number(start, *stall_on);
            let backlash = campaign::natural_backlash_day(42, name);
            assert!((12..=24).contains(&day), "{name}: day {day}");
            assert!(!(backlash - 1..=backlash + 2).contains(&day), "{name}");
        }
    }
}
