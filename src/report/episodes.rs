//! Alerts as episodes: a rule that fires on consecutive days is one event ("Low activity,
//! Nov 15–30 (ongoing)"), not a row a day. Pure.

use chrono::NaiveDate;
use serde::Serialize;

use super::DatedAlert;
use crate::domain::Severity;

/// One rule of one plugin firing day after day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Episode {
    pub rule: String,
    pub plugin: String,
    /// The highest severity of its days.
    pub severity: Severity,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days it fired on.
    pub days: u32,
    /// It fired on the period's last day: it may go on.
    pub ongoing: bool,
    /// The latest day's message.
    pub message: String,
}

impl Episode {
    /// The rule in words: `low-activity` → `Low activity`.
    pub fn title(&self) -> String {
        let words = self.rule.replace(['-', '_'], " ");
        let mut chars = words.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(chars).collect()
        })
    }

    /// When it ran: `Nov 27`, `Nov 15–30`, `Oct 30–Nov 2`.
    pub fn dates(&self) -> String {
        let day = |d: NaiveDate| d.format("%b %-d").to_string();
        if self.from == self.to {
            day(self.from)
        } else if self.from.format("%m").to_string() == self.to.format("%m").to_string() {
            format!("{}–{}", day(self.from), self.to.format("%-d"))
        } else {
            format!("{}–{}", day(self.from), day(self.to))
        }
    }

    /// `Low activity, Nov 15–30 (ongoing)`; `Viral day on Nov 27`.
    pub fn short(&self) -> String {
        let ongoing = if self.ongoing { " (ongoing)" } else { "" };
        if self.from == self.to {
            format!("{} on {}{ongoing}", self.title(), self.dates())
        } else {
            format!("{}, {}{ongoing}", self.title(), self.dates())
        }
    }
}

/// `alerts` (oldest first) merged into episodes, oldest first; `period_end` decides which are
/// ongoing.
pub fn episodes(alerts: &[DatedAlert], period_end: NaiveDate) -> Vec<Episode> {
    let mut sorted: Vec<&DatedAlert> = alerts.iter().collect();
    sorted.sort_by(|a, b| (&a.plugin, &a.rule, a.date).cmp(&(&b.plugin, &b.rule, b.date)));
    let mut out: Vec<Episode> = Vec::new();
    for alert in sorted {
        match out.last_mut() {
            Some(last)
                if last.rule == alert.rule
                    && last.plugin == alert.plugin
                    && last.to.succ_opt() == Some(alert.date) =>
            {
                last.to = alert.date;
                last.days += 1;
                last.severity = last.severity.max(alert.severity);
                last.message = alert.message.clone();
            }
            _ => out.push(Episode {
                rule: alert.rule.clone(),
                plugin: alert.plugin.clone(),
                severity: alert.severity,
                from: alert.date,
                to: alert.date,
                days: 1,
                ongoing: false,
                message: alert.message.clone(),
            }),
        }
    }
    for episode in &mut out {
        episode.ongoing = episode.to == period_end;
    }
    out.sort_by_key(|e| (e.from, e.rule.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(day: u32, rule: &str) -> DatedAlert {
        DatedAlert {
            date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            rule: rule.into(),
            plugin: "builtin".into(),
            severity: Severity::Warning,
            message: format!("day {day}"),
        }
    }

    #[test]
    fn consecutive_days_of_one_rule_are_one_episode() {
        let mut alerts: Vec<DatedAlert> = (15..=30).map(|d| alert(d, "low-activity")).collect();
        alerts.push(alert(27, "viral-day"));
        alerts.push(alert(3, "low-activity"));
        let end = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let merged = episodes(&alerts, end);
        let shown: Vec<String> = merged.iter().map(Episode::short).collect();
        assert_eq!(
            shown,
            [
                "Low activity on Nov 3",
                "Low activity, Nov 15–30 (ongoing)",
                "Viral day on Nov 27"
            ]
        );
        assert_eq!(merged[1].days, 16);
        assert_eq!(merged[1].message, "day 30");
    }

    #[test]
    fn an_episode_across_months_names_both() {
        let alerts = [alert(30, "viral-day"), alert(31 - 1, "viral-day")];
        let end = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(
            episodes(&alerts, end).len(),
            2,
            "the same day twice is not a run"
        );
        let mut e = episodes(&alerts[..1], end).remove(0);
        e.to = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(e.dates(), "Nov 30–Dec 2");
    }
}
