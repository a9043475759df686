//! {{name}}: alert rules for hashtrack (world `alert-rules`, Rust).
//!
//! One rule, `view-surge`: new views per day at least `surge-factor` times the median of the
//! earlier days, counting only what the evidence proves (`views.per_day_low`). A surge that
//! was already raised the day before is not raised again (a cooldown through the last
//! history day's `alerts`). Build with `hashtrack plugin build .`, then
//! `hashtrack plugin test target/{{name}}.wasm --input fixture.json`.

wit_bindgen::generate!({ path: "wit", world: "alert-rules" });

use exports::hashtrack::plugins::rules::Guest;
use hashtrack::plugins::log::{Level, write};
use hashtrack::plugins::types::{Alert, DayFacts, Setting, Severity};

const RULE: &str = "view-surge";

struct Plugin;

/// The thresholds, from the settings or their defaults.
struct Thresholds {
    surge_factor: f64,
    min_views: f64,
}

impl Guest for Plugin {
    fn check_settings(settings: Vec<Setting>) -> Result<(), Vec<String>> {
        read_settings(&settings).map(|_| ())
    }

    fn evaluate(
        settings: Vec<Setting>,
        today: DayFacts,
        history: Vec<DayFacts>,
    ) -> Result<Vec<Alert>, String> {
        let limits = read_settings(&settings).map_err(|mut problems| problems.remove(0))?;
        // Missing data is `None`, never zero: stay quiet without it.
        let mut earlier: Vec<f64> = history.iter().filter_map(|d| Some(d.views.as_ref()?.per_day)).collect();
        let Some(views) = today.views.as_ref() else { return Ok(Vec::new()) };
        if earlier.len() < 2 {
            return Ok(Vec::new());
        }
        earlier.sort_by(f64::total_cmp);
        let middle = earlier.len() / 2;
        let usual = if earlier.len() % 2 == 1 { earlier[middle] } else { (earlier[middle - 1] + earlier[middle]) / 2.0 };
        let proven = views.per_day_low;
        write(Level::Debug, &format!("{}: {proven:.0} new views a day, usual {usual:.0}", today.date));
        if proven < limits.min_views || proven < limits.surge_factor * usual {
            return Ok(Vec::new());
        }
        if history.last().is_some_and(|day| day.alerts.iter().any(|a| a.rule == RULE)) {
            return Ok(Vec::new()); // raised yesterday: still ongoing, no new alert
        }
        Ok(vec![Alert {
            rule: RULE.to_string(),
            severity: Severity::Warning,
            message: format!(
                "New views surged to at least {proven:.0} a day, {:.1}x the usual {usual:.0}.",
                proven / usual.max(1.0)
            ),
        }])
    }
}

/// The thresholds the settings give, or every problem (one sentence each, naming the key).
fn read_settings(settings: &[Setting]) -> Result<Thresholds, Vec<String>> {
    let mut thresholds = Thresholds { surge_factor: 3.0, min_views: 10_000.0 };
    let mut problems = Vec::new();
    for Setting { key, value } in settings {
        let slot = match key.as_str() {
            "surge-factor" => &mut thresholds.surge_factor,
            "min-views" => &mut thresholds.min_views,
            _ => {
                problems.push(format!("unknown setting `{key}`; known: surge-factor, min-views"));
                continue;
            }
        };
        match value.parse::<f64>() {
            Ok(number) if number.is_finite() => *slot = number,
            _ => problems.push(format!("setting `{key}` must be a number, not `{value}`")),
        }
    }
    if problems.is_empty() { Ok(thresholds) } else { Err(problems) }
}

export!(Plugin);
