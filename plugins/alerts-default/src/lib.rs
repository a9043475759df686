//! hashtrack's default alert rules, built as a WebAssembly component for the `alert-rules`
//! world of `wit/v0.2/hashtrack.wit`.
//!
//! This file only adapts the WIT interface: `settings` parses the campaign's thresholds,
//! `rules` decides which alerts to raise and `format` writes numbers for people. The rules are
//! plain functions so that `cargo test -p alerts-default` checks them natively.
//!
//! Implements `hashtrack:plugins/rules@0.2.0`. Rules decide on evidence: growth on the host's
//! estimate (`views.per-day`) backed by the tracked videos' exact plays or by bounds of the
//! rounded totals, so that a step of the rounding alone never raises anything; sentiment on
//! the *new* comments, only when there are at least `min-new-comments` of them. Each rule is
//! skipped (and the skip logged at debug level) when the data it needs is missing or too thin;
//! missing is never zero.
//!
//! | rule | severity | raised when | settings (default) |
//! | --- | --- | --- | --- |
//! | `viral-day` | info | `views.per-day` exceeds the threshold, and the basis is `tracked-videos` or the totals' change less one step, per day, also exceeds it | `viral-day-views` (500000) |
//! | `high-participation` | info | `new-videos-per-day` (the API's counts; missing when it does not know) exceeds the threshold | `high-participation-videos` (50) |
//! | `low-activity` | warning | `views.per-day` is below the minimum, and so is `per-day-high` (the most the sample and the totals allow) | `min-daily-views` (1000) |
//! | `negative-sentiment` | warning | at least `min-new-comments` new comments (today's, or today's and the previous day's together when today has fewer), and the upper end of the 90% Wilson interval of their positive share is below the minimum | `min-positive-ratio` (0.3), `min-new-comments` (30) |
//! | `sentiment-drop` | warning | at least `min-new-comments` new comments (pooled as above), whose mean score is this far below the comment-weighted mean of the new comments of the 7 stored days before, scored by the same `scorer` (at least 3 × `min-new-comments` of them; days of another scorer are never compared); on a campaign too quiet for that, below the mean of every comment read before today | `sentiment-drop` (0.25), `min-new-comments` (30) |
//!
//! `check-settings` and `evaluate` read the settings with the same parser (`settings`).

mod format;
mod rules;
mod settings;

wit_bindgen::generate!({
    path: "../../wit/v0.2",
    world: "alert-rules",
});

use exports::hashtrack::plugins::rules::Guest;
use hashtrack::plugins::log::{self, Level};
use hashtrack::plugins::types::{Alert, DayFacts, Setting};

struct DefaultRules;

impl Guest for DefaultRules {
    fn check_settings(settings: Vec<Setting>) -> Result<(), Vec<String>> {
        settings::Thresholds::parse_all(&settings).map(|_| ())
    }

    fn evaluate(
        settings: Vec<Setting>,
        today: DayFacts,
        history: Vec<DayFacts>,
    ) -> Result<Vec<Alert>, String> {
        let thresholds = settings::Thresholds::parse(&settings)?;
        let evaluation = rules::evaluate(&thresholds, &today, &history);
        if !evaluation.skipped.is_empty() {
            log::write(
                Level::Debug,
                &format!(
                    "{}: not evaluated for missing data: {}",
                    today.date,
                    evaluation.skipped.join(", ")
                ),
            );
        }
        for note in &evaluation.notes {
            log::write(Level::Debug, &format!("{}: {note}", today.date));
        }
        Ok(evaluation.alerts)
    }
}

export!(DefaultRules);
