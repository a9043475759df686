//! Scheduled client reports (`[clients.X.reports]`): one durable record per client and due
//! date, kept in the store like an alert's outbox record, so that each period's report is sent
//! once, even across restarts, and waits for the agency's approval when the client's table
//! says `approve = true`. Which reports come due at a moment is decided here; rendering and
//! sending are `serve`'s. Pure but for the records' shape.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;

/// How late a report that came due while the service was down is still sent: a restart the
/// same day sends it; a week-old one is old news and is not sent at all.
pub const LATE_BY_AT_MOST_HOURS: i64 = 24;

/// One client's report for one period, and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailedReport {
    pub client_id: String,
    /// The local date it came due on; with the client, its identity.
    pub due_on: NaiveDate,
    /// The days it covers, both ends included (`to` is `due_on`).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub state: MailState,
    /// Unix seconds: when it came due (the record was made), was approved, last changed.
    pub created_at: i64,
    #[serde(default)]
    pub approved_at: Option<i64>,
    pub changed_at: i64,
    #[serde(default)]
    pub attempts: u32,
    /// Why the last attempt failed, in words without secrets.
    #[serde(default)]
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailState {
    /// Waiting for the agency to approve it in `serve`'s view.
    AwaitingApproval,
    /// To be sent (approved, or needing no approval).
    Ready,
    /// Tried and failed for a reason that may pass: tried again later.
    Retrying,
    Sent,
    /// Refused for good (a bad address, an SMTP server that refuses), or still unsent a day
    /// after it came due.
    Failed,
}

impl MailState {
    pub const ALL: [MailState; 5] = [
        MailState::AwaitingApproval,
        MailState::Ready,
        MailState::Retrying,
        MailState::Sent,
        MailState::Failed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MailState::AwaitingApproval => "awaiting_approval",
            MailState::Ready => "ready",
            MailState::Retrying => "retrying",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }

    /// Whether the next pass sends it.
    pub fn to_send(self) -> bool {
        matches!(self, MailState::Ready | MailState::Retrying)
    }
}

impl MailedReport {
    /// The record's key in the store.
    pub fn key(&self) -> String {
        key(&self.client_id, self.due_on)
    }
}

pub fn key(client: &str, due_on: NaiveDate) -> String {
    format!("{client}/{due_on}")
}

/// The reports that have come due by `now` and have no record among `existing`: for each
/// client with a schedule, its latest due date, unless that passed more than
/// [`LATE_BY_AT_MOST_HOURS`] ago.
pub fn come_due(
    config: &Config,
    now: DateTime<Utc>,
    existing: &[MailedReport],
) -> Vec<MailedReport> {
    let time_zone = config.settings.time_zone;
    config
        .clients
        .values()
        .filter_map(|client| {
            let schedule = client.reports.as_ref()?;
            let (due_on, at) = schedule.every.latest(now, time_zone);
            let fresh = now - at <= chrono::Duration::hours(LATE_BY_AT_MOST_HOURS);
            let recorded = existing
                .iter()
                .any(|r| r.client_id == client.id && r.due_on == due_on);
            (fresh && !recorded).then(|| MailedReport {
                client_id: client.id.clone(),
                due_on,
                from: due_on - Days::new(u64::from(schedule.days) - 1),
                to: due_on,
                state: if schedule.approve {
                    MailState::AwaitingApproval
                } else {
                    MailState::Ready
                },
                created_at: now.timestamp(),
                approved_at: None,
                changed_at: now.timestamp(),
                attempts: 0,
                last_error: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn scheduled(approve: bool) -> Config {
        let text = format!(
            "[settings]\ntime_zone = \"Europe/Paris\"\n\n[clients.acme]\n[clients.acme.reports]\n\
             every = \"monday 08:00\"\ndays = 7\nto = [\"brand@acme.test\"]\napprove = {approve}\n\n\
             [clients.beta]\n\n[[campaigns]]\nid = \"spring\"\nclient = \"acme\"\nhashtags = [\"#a\"]\n\n\
             [sinks.mail]\nkind = \"email\"\nsmtp_url_env = \"SMTP_URL\"\nfrom = \"a@agency.test\"\n\
             to = [\"a@agency.test\"]\n"
        );
        Config::parse(Path::new("campaigns.toml"), &text).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_report_comes_due_once_for_its_week_and_waits_for_approval_when_asked() {
        let config = scheduled(true);
        // Monday 2026-11-02, 08:00 in Paris is 07:00 UTC.
        assert!(
            come_due(&config, utc("2026-11-02T06:59:00Z"), &[]).is_empty(),
            "a minute early, the latest is the previous Monday's, a week old"
        );
        let due = come_due(&config, utc("2026-11-02T07:00:00Z"), &[]);
        assert_eq!(due.len(), 1, "acme only: beta has no schedule");
        let report = &due[0];
        assert_eq!(report.client_id, "acme");
        assert_eq!(report.due_on, "2026-11-02".parse::<NaiveDate>().unwrap());
        assert_eq!(report.from, "2026-10-27".parse::<NaiveDate>().unwrap());
        assert_eq!(report.state, MailState::AwaitingApproval);
        assert!(
            come_due(&config, utc("2026-11-02T15:00:00Z"), &due).is_empty(),
            "recorded: not again"
        );
        assert_eq!(
            come_due(&scheduled(false), utc("2026-11-02T07:00:00Z"), &[])[0].state,
            MailState::Ready
        );
    }

    #[test]
    fn a_report_missed_for_more_than_a_day_is_not_sent_late() {
        let config = scheduled(false);
        assert_eq!(
            come_due(&config, utc("2026-11-03T06:59:00Z"), &[]).len(),
            1,
            "23 h 59 late: still sent"
        );
        assert!(come_due(&config, utc("2026-11-03T07:01:00Z"), &[]).is_empty());
        assert!(come_due(&config, utc("2026-11-06T12:00:00Z"), &[]).is_empty());
    }
}
