//! hashtrack's default alert rules, built as a WebAssembly component for the `alert-rules`
//! world of `wit/hashtrack.wit`.
//!
//! This file only adapts the WIT interface: `settings` parses the campaign's thresholds,
//! `rules` decides which alerts to raise and `format` writes numbers for people. The rules are
//! plain functions so that `cargo test -p alerts-default` checks them natively.
//!
//! Rules (each is skipped when the data it needs is missing; missing is never zero):
//!
//! | rule | severity | raised when | setting (default) |
//! | --- | --- | --- | --- |
//! | `viral-day` | info | new views exceed the threshold | `viral-day-views` (500000) |
//! | `high-participation` | info | new videos exceed the threshold | `high-participation-videos` (50) |
//! | `low-activity` | warning | new views are below the minimum (a negative delta is upstream rounding, not a stall, and never raises it) | `min-daily-views` (1000) |
//! | `negative-sentiment` | warning | the share of positive comments is below the minimum | `min-positive-ratio` (0.3) |
//! | `sentiment-drop` | warning | the mean comment score fell this far below its mean over the last 7 stored days (needs 3 of them with sentiment) | `sentiment-drop` (0.25) |

mod format;
mod rules;
mod settings;

wit_bindgen::generate!({
    path: "../../wit/v0.1",
    world: "alert-rules",
});

use exports::hashtrack::plugins::rules::Guest;
use hashtrack::plugins::log::{self, Level};
use hashtrack::plugins::types::{Alert, DayMetrics, Setting};

struct DefaultRules;

impl Guest for DefaultRules {
    fn evaluate(
        settings: Vec<Setting>,
        today: DayMetrics,
        history: Vec<DayMetrics>,
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
        Ok(evaluation.alerts)
    }
}

export!(DefaultRules);
