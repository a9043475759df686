//! When `hashtrack serve` collects (once a day at `[settings] collect_at`) and sends a client's
//! scheduled report (`[clients.X.reports] every`): wall-clock times in the configured time
//! zone. Pure: the caller says what "now" is.
//!
//! The API only has today's data, so a missed day cannot be fetched later: on start the
//! service collects today at once if `collect_at` has passed (a resumed run pays nothing for
//! what is stored), and otherwise waits. A `collect_at` that does not exist on a day (skipped
//! by a daylight-saving change) is taken as the first moment after the gap; one that occurs
//! twice, as the first.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// The daily collection time: `"06:00"` unless `collect_at` says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectAt(pub NaiveTime);

/// Early enough that a day's data is collected before anyone reads the morning report, late
/// enough that the provider has settled yesterday's counts.
pub const DEFAULT_COLLECT_AT: CollectAt = CollectAt(match NaiveTime::from_hms_opt(6, 0, 0) {
    Some(time) => time,
    None => panic!("06:00 is a time"),
});

impl CollectAt {
    /// `HH:MM`, 24-hour.
    pub fn parse(text: &str) -> Result<CollectAt, String> {
        NaiveTime::parse_from_str(text.trim(), "%H:%M")
            .map(CollectAt)
            .map_err(|_| format!("collect_at must be a time as HH:MM (24-hour), not {text:?}"))
    }

    /// The moment of `date`'s collection in `time_zone`.
    pub fn on(self, date: NaiveDate, time_zone: Tz) -> DateTime<Utc> {
        let local = date.and_time(self.0);
        match time_zone.from_local_datetime(&local).earliest() {
            Some(at) => at.to_utc(),
            // In a spring-forward gap: the first existing minute after it.
            None => (1..=180)
                .find_map(|minutes| {
                    let later = local + chrono::Duration::minutes(minutes);
                    time_zone.from_local_datetime(&later).earliest()
                })
                .map_or_else(|| local.and_utc(), |at| at.to_utc()),
        }
    }
}

/// When a client's scheduled report goes out: every week on one weekday, or every day, at a
/// time of day (`"monday 08:00"`, `"daily 08:00"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportEvery {
    /// `None`: every day.
    pub weekday: Option<Weekday>,
    pub at: CollectAt,
}

impl ReportEvery {
    pub fn parse(text: &str) -> Result<ReportEvery, String> {
        let refuse = || {
            format!(
                "every must be a weekday or \"daily\", then a time as HH:MM (24-hour), \
                 like \"monday 08:00\", not {text:?}"
            )
        };
        let (day, time) = text.trim().split_once(' ').ok_or_else(refuse)?;
        let weekday = match day.to_lowercase().as_str() {
            "daily" => None,
            day => Some(day.parse::<Weekday>().map_err(|_| refuse())?),
        };
        let at = NaiveTime::parse_from_str(time.trim(), "%H:%M").map_err(|_| refuse())?;
        Ok(ReportEvery {
            weekday,
            at: CollectAt(at),
        })
    }

    /// The latest time it was due at or before `now`: the local date it names (the report's
    /// period ends on that day) and the moment.
    pub fn latest(self, now: DateTime<Utc>, time_zone: Tz) -> (NaiveDate, DateTime<Utc>) {
        let today = now.with_timezone(&time_zone).date_naive();
        (0..=7)
            .map(|back| today - Days::new(back))
            .filter(|date| self.weekday.is_none_or(|w| date.weekday() == w))
            .map(|date| (date, self.at.on(date, time_zone)))
            .find(|(_, at)| *at <= now)
            .expect("a weekday comes round within eight days")
    }

    /// The first time it is due after `now`.
    pub fn next_after(self, now: DateTime<Utc>, time_zone: Tz) -> DateTime<Utc> {
        let today = now.with_timezone(&time_zone).date_naive();
        (0..=8)
            .map(|ahead| today + Days::new(ahead))
            .filter(|date| self.weekday.is_none_or(|w| date.weekday() == w))
            .map(|date| self.at.on(date, time_zone))
            .find(|at| *at > now)
            .expect("a weekday comes round within nine days")
    }
}

/// What the service should do at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Collect `date` now: its time has come and it has not been collected.
    Collect(NaiveDate),
    /// Nothing until `at`, when `date` is collected.
    WaitUntil { at: DateTime<Utc>, date: NaiveDate },
}

/// The next thing to do at `now`, given the last date collected to its end.
pub fn next(
    now: DateTime<Utc>,
    collect_at: CollectAt,
    time_zone: Tz,
    last_collected: Option<NaiveDate>,
) -> Next {
    let today = now.with_timezone(&time_zone).date_naive();
    let todays = collect_at.on(today, time_zone);
    let done_today = last_collected.is_some_and(|d| d >= today);
    if now >= todays && !done_today {
        return Next::Collect(today);
    }
    if now < todays {
        return Next::WaitUntil {
            at: todays,
            date: today,
        };
    }
    let tomorrow = today + Days::new(1);
    Next::WaitUntil {
        at: collect_at.on(tomorrow, time_zone),
        date: tomorrow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    const PARIS: Tz = chrono_tz::Europe::Paris;

    #[test]
    fn a_weekly_report_is_due_on_its_weekday_at_its_local_time() {
        let monday = ReportEvery::parse("Monday 08:00").unwrap();
        assert_eq!(monday.weekday, Some(Weekday::Mon));
        // Monday 2026-11-02 08:00 in Paris is 07:00 UTC.
        let due = utc("2026-11-02T07:00:00Z");
        assert_eq!(
            monday.latest(due, PARIS),
            (date("2026-11-02"), due),
            "due at its own minute"
        );
        assert_eq!(
            monday.latest(utc("2026-11-02T06:59:00Z"), PARIS).0,
            date("2026-10-26"),
            "a minute before, the previous week's is the latest"
        );
        assert_eq!(
            monday.latest(utc("2026-11-08T23:00:00Z"), PARIS).0,
            date("2026-11-02")
        );
        assert_eq!(
            monday.next_after(due, PARIS),
            utc("2026-11-09T07:00:00Z"),
            "next, a week later"
        );
        assert_eq!(monday.next_after(utc("2026-11-02T06:00:00Z"), PARIS), due);
        let daily = ReportEvery::parse("daily 18:30").unwrap();
        assert_eq!(
            daily.latest(utc("2026-11-03T10:00:00Z"), PARIS).0,
            date("2026-11-02")
        );
        for wrong in ["monday", "mondays 08:00", "monday 8am", "08:00", ""] {
            let err = ReportEvery::parse(wrong).unwrap_err();
            assert!(err.contains("like \"monday 08:00\""), "{wrong}: {err}");
        }
    }

    #[test]
    fn before_the_time_it_waits_after_it_collects_once() {
        let six = DEFAULT_COLLECT_AT;
        // 05:59 in Paris (UTC+1 in November).
        assert_eq!(
            next(
                utc("2026-11-02T04:59:00Z"),
                six,
                PARIS,
                Some(date("2026-11-01"))
            ),
            Next::WaitUntil {
                at: utc("2026-11-02T05:00:00Z"),
                date: date("2026-11-02")
            }
        );
        assert_eq!(
            next(
                utc("2026-11-02T05:00:00Z"),
                six,
                PARIS,
                Some(date("2026-11-01"))
            ),
            Next::Collect(date("2026-11-02"))
        );
        // Collected: tomorrow.
        assert_eq!(
            next(
                utc("2026-11-02T09:00:00Z"),
                six,
                PARIS,
                Some(date("2026-11-02"))
            ),
            Next::WaitUntil {
                at: utc("2026-11-03T05:00:00Z"),
                date: date("2026-11-03")
            }
        );
    }

    #[test]
    fn a_start_after_the_time_catches_today_up_and_never_yesterday() {
        // Down since Saturday, started on Monday afternoon: Monday only.
        assert_eq!(
            next(
                utc("2026-11-02T15:00:00Z"),
                DEFAULT_COLLECT_AT,
                PARIS,
                Some(date("2026-10-31"))
            ),
            Next::Collect(date("2026-11-02"))
        );
        assert_eq!(
            next(utc("2026-11-02T15:00:00Z"), DEFAULT_COLLECT_AT, PARIS, None),
            Next::Collect(date("2026-11-02"))
        );
    }

    #[test]
    fn daylight_saving_gaps_and_repeats_take_the_first_real_moment() {
        let half_past_two = CollectAt::parse("02:30").unwrap();
        // 29 March 2026: Paris jumps from 02:00 to 03:00 (UTC+1 to UTC+2).
        assert_eq!(
            half_past_two.on(date("2026-03-29"), PARIS),
            utc("2026-03-29T01:00:00Z")
        );
        // 25 October 2026: 02:30 happens twice; the first is at UTC+2.
        assert_eq!(
            half_past_two.on(date("2026-10-25"), PARIS),
            utc("2026-10-25T00:30:00Z")
        );
    }

    #[test]
    fn collect_at_is_hours_and_minutes() {
        assert_eq!(
            CollectAt::parse(" 07:30 ").unwrap().0,
            NaiveTime::from_hms_opt(7, 30, 0).unwrap()
        );
        for bad in ["7", "25:00", "06:00:00", "six", ""] {
            let err = CollectAt::parse(bad).unwrap_err();
            assert!(err.contains("HH:MM"), "{bad}: {err}");
        }
    }
}
