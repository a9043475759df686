//! hashtrack's default alert rules, built as a WebAssembly component for the `alert-rules`
//! world of `wit/v0.2/hashtrack.wit`.
//!
//! This file only adapts the WIT interface: `rules` decides which alerts to raise and words
//! them, writing numbers with `crates/figures` (the host's messages and reports write theirs
//! the same way). The rules are plain functions so that `cargo test -p alerts-default` checks
//! them natively.
//!
//! Implements `hashtrack:plugins/rules@0.2.0`. Rules decide on evidence: growth on the host's
//! estimate (`views.per-day`) backed by the tracked videos' exact plays or by bounds of the
//! rounded totals, so that a step of the rounding alone never raises anything; sentiment on
//! the *new* comments, only when there are at least `min-new-comments` of them. Each rule is
//! skipped (and the skip logged at debug level) when the data it needs is missing or too thin;
//! missing is never zero. What each rule means, its severity, settings and defaults are in
//! `crates/builtin-rules` (`hashtrack plugin info builtin` prints them).
//!
//! `check-settings` and `evaluate` read the settings with the same parser, the one the host
//! also uses (`crates/builtin-rules`, which names the rules and settings and holds the defaults).

mod rules;

wit_bindgen::generate!({
    path: "../../wit/v0.2",
    world: "alert-rules",
});

use builtin_rules::Thresholds;
use exports::hashtrack::plugins::rules::Guest;
use hashtrack::plugins::log::{self, Level};
use hashtrack::plugins::types::{Alert, DayFacts, Setting};

struct DefaultRules;

impl Guest for DefaultRules {
    fn check_settings(settings: Vec<Setting>) -> Result<(), Vec<String>> {
        Thresholds::parse_all(pairs(&settings)).map(|_| ())
    }

    fn evaluate(
        settings: Vec<Setting>,
        today: DayFacts,
        history: Vec<DayFacts>,
    ) -> Result<Vec<Alert>, String> {
        let thresholds = Thresholds::parse(pairs(&settings))?;
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

/// The WIT settings as the shared parser reads them.
fn pairs(settings: &[Setting]) -> impl Iterator<Item = (&str, &str)> {
    settings.iter().map(|s| (s.key.as_str(), s.value.as_str()))
}
