//! Noise control: a rule that keeps firing day after day is one message, then "still ongoing"
//! (in digests) until its cooldown has passed since that message, when it is sent again as a
//! reminder. A rule that stops and fires again later is news again. Pure.

use chrono::NaiveDate;

/// Whether the alert of one rule on `date` is news (a message) rather than still ongoing.
/// `earlier` lists the campaign's stored days before `date`, oldest first, each with whether
/// the same rule fired on it; days that were never stored are simply absent, so a missed run
/// does not break a streak.
pub fn is_news(earlier: &[(NaiveDate, bool)], date: NaiveDate, cooldown_days: u32) -> bool {
    let streak_len = earlier.iter().rev().take_while(|(_, fired)| *fired).count();
    if streak_len == 0 {
        return true;
    }
    let streak = &earlier[earlier.len() - streak_len..];
    let cooldown = i64::from(cooldown_days);
    // Replay the streak: its first day was a message, and so was every day a cooldown after
    // the message before it.
    let mut last_message = streak[0].0;
    for (day, _) in &streak[1..] {
        if (*day - last_message).num_days() >= cooldown {
            last_message = *day;
        }
    }
    (date - last_message).num_days() >= cooldown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn history(fired: &[(u32, bool)]) -> Vec<(NaiveDate, bool)> {
        fired.iter().map(|(day, f)| (d(*day), *f)).collect()
    }

    #[test]
    fn the_first_day_of_a_streak_is_news_and_the_next_days_are_ongoing() {
        assert!(is_news(&[], d(5), 7));
        assert!(is_news(&history(&[(4, false)]), d(5), 7));
        assert!(!is_news(&history(&[(4, true)]), d(5), 7));
        assert!(!is_news(&history(&[(3, true), (4, true)]), d(5), 7));
    }

    #[test]
    fn a_long_streak_is_reminded_once_a_cooldown() {
        // Fired every day from the 1st: messages on the 1st and the 4th with a 3-day cooldown.
        let streak: Vec<(u32, bool)> = (1..=6).map(|day| (day, true)).collect();
        let news: Vec<u32> = (2..=7)
            .filter(|day| is_news(&history(&streak[..(*day - 1) as usize]), d(*day), 3))
            .collect();
        assert_eq!(news, vec![4, 7]);
    }

    #[test]
    fn a_gap_day_does_not_break_a_streak_but_a_quiet_day_does() {
        // The 3rd was never stored (a missed run): still the same streak.
        assert!(!is_news(
            &history(&[(1, true), (2, true), (4, true)]),
            d(5),
            7
        ));
        // The 3rd was stored and quiet: the 4th started a new streak, so the 5th is ongoing
        // and the 4th itself was news.
        assert!(is_news(
            &history(&[(1, true), (2, true), (3, false)]),
            d(4),
            7
        ));
        assert!(!is_news(
            &history(&[(1, true), (2, true), (3, false), (4, true)]),
            d(5),
            7
        ));
    }
}
