//! The pipeline's "now": when a response was fetched and so which date a day's data is really
//! from. The system clock in production; in a simulated world (`demo`, `evaluate`, tests) the
//! noon of the date being run, so that a simulated day is collected "on" its own date, as a
//! daily cron run collects real data.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// Noon, in the configured time zone, of the date being run.
    NoonOfRunDate,
    /// The system clock moved by this many seconds: a service run against a simulated world
    /// (`serve` with `HASHTRACK_CLOCK_START`), whose days pass in real time.
    Shifted(i64),
}

impl Clock {
    /// What "now" is during a run of `date` in `time_zone`.
    pub fn now(self, date: NaiveDate, time_zone: Tz) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Shifted(seconds) => Utc::now() + chrono::Duration::seconds(seconds),
            Clock::NoonOfRunDate => {
                let noon = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("a valid time"));
                time_zone
                    .from_local_datetime(&noon)
                    .earliest()
                    .map_or_else(|| noon.and_utc(), |at| at.to_utc())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simulated_run_happens_at_noon_of_its_date_in_the_time_zone() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        let at = Clock::NoonOfRunDate.now(date, chrono_tz::America::New_York);
        assert_eq!(at.to_rfc3339(), "2026-11-05T17:00:00+00:00");
        assert!(Clock::System.now(date, Tz::UTC) > at);
    }
}
