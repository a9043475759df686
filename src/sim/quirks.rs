//! The data quirks a simulated hashtag shows (see "Data quirks" in the API contract), and
//! which hashtags show them when the configuration does not say.

use chrono::NaiveDate;

use super::dice::Key;

/// The contract's documented oddities, switched on per hashtag.
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
}

/// The quirks of `hashtag_name` (lowercase, no `#`) when the configuration has no override:
/// deterministic per name and seed, so a handful of hashtags shows each quirk. It never forces
/// a step-back date, since dates depend on the campaign start; natural step-backs remain.
pub fn default_quirks(hashtag_name: &str, seed: u64) -> HashtagQuirks {
    let mut dice = Key::root(seed).text("quirks").text(hashtag_name).dice();
    HashtagQuirks {
        stats_nested: dice.chance(0.5),
        zero_video_count: dice.chance(0.25),
        views_step_back_on: None,
        duplicate_items: dice.chance(0.35),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_stable_and_each_quirk_shows_up() {
        let names: Vec<String> = (0..40).map(|i| format!("campaign{i}")).collect();
        let quirks: Vec<HashtagQuirks> = names.iter().map(|n| default_quirks(n, 42)).collect();
        assert_eq!(quirks[7], default_quirks("campaign7", 42));
        assert!(quirks.iter().any(|q| q.stats_nested));
        assert!(quirks.iter().any(|q| !q.stats_nested));
        assert!(quirks.iter().any(|q| q.zero_video_count));
        assert!(quirks.iter().any(|q| q.duplicate_items));
    }
}
