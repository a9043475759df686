//! `[clients.X.reports]`: the report `hashtrack serve` emails a client on a schedule, through
//! an email sink, after the agency approves it when `approve` says so.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::sinks::address;
use super::{ConfigError, Locator, SinkConfig, SinkKind};
use crate::schedule::ReportEvery;

/// The period a scheduled report covers when `days` is not given: a week.
const DEFAULT_DAYS: u32 = 7;

/// One client's scheduled report.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledReport {
    pub every: ReportEvery,
    /// The days it covers, up to the day it is due.
    pub days: u32,
    pub format: MailedFormat,
    /// The email sink it is sent through (its SMTP server and sender).
    pub sink: String,
    /// Who receives it.
    pub to: Vec<String>,
    /// Whether the agency approves each one in `serve`'s view before it is sent.
    pub approve: bool,
}

/// How the report travels: a PDF attached, or the HTML report as the email itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailedFormat {
    Pdf,
    Html,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReports {
    every: Spanned<String>,
    days: Option<Spanned<u32>>,
    format: Option<Spanned<String>>,
    sink: Option<Spanned<String>>,
    to: Spanned<Vec<Spanned<String>>>,
    approve: Option<bool>,
}

pub(super) fn resolve_reports(
    raw: Spanned<RawReports>,
    client: &str,
    sinks: &BTreeMap<String, SinkConfig>,
    at: &Locator,
) -> Result<ScheduledReport, ConfigError> {
    let table = raw.span();
    let raw = raw.into_inner();
    let every =
        ReportEvery::parse(raw.every.get_ref()).map_err(|e| at.error(raw.every.span(), e))?;
    let days = match raw.days {
        None => DEFAULT_DAYS,
        Some(days) if (1..=366).contains(days.get_ref()) => *days.get_ref(),
        Some(days) => {
            return Err(at.error(days.span(), "days must be from 1 to 366"));
        }
    };
    let format = match raw.format {
        None => MailedFormat::Pdf,
        Some(format) => match format.get_ref().to_lowercase().as_str() {
            "pdf" => MailedFormat::Pdf,
            "html" => MailedFormat::Html,
            other => {
                return Err(at.error(
                    format.span(),
                    format!("format must be \"pdf\" or \"html\", not \"{other}\""),
                ));
            }
        },
    };
    let emails: Vec<&String> = sinks
        .iter()
        .filter(|(_, sink)| matches!(sink.kind, SinkKind::Email { .. }))
        .map(|(name, _)| name)
        .collect();
    let sink = match raw.sink {
        Some(sink) if emails.contains(&sink.get_ref()) => sink.get_ref().clone(),
        Some(sink) => {
            return Err(at.error(
                sink.span(),
                format!(
                    "client '{client}' sends its reports through sink '{}', which is not an email sink (email sinks: {})",
                    sink.get_ref(),
                    names(&emails)
                ),
            ));
        }
        None if emails.len() == 1 => emails[0].clone(),
        None => {
            return Err(at.error(
                table,
                format!(
                    "client '{client}''s reports need `sink`, the email sink to send them through (email sinks: {})",
                    names(&emails)
                ),
            ));
        }
    };
    if raw.to.get_ref().is_empty() {
        return Err(at.error(
            raw.to.span(),
            format!("client '{client}''s reports go to nobody: list addresses in `to`"),
        ));
    }
    let to = raw
        .to
        .get_ref()
        .iter()
        .map(|a| address(a, at))
        .collect::<Result<_, _>>()?;
    Ok(ScheduledReport {
        every,
        days,
        format,
        sink,
        to,
        approve: raw.approve.unwrap_or(false),
    })
}

fn names(emails: &[&String]) -> String {
    if emails.is_empty() {
        "none; add a [sinks.NAME] with kind = \"email\"".to_string()
    } else {
        emails
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    fn config(reports: &str, sinks: &str) -> Result<Config, ConfigError> {
        let text = format!(
            "[clients.acme]\n[clients.acme.reports]\n{reports}\n\n[[campaigns]]\nid = \"spring\"\n\
             client = \"acme\"\nhashtags = [\"#TryAcme\"]\n\n{sinks}"
        );
        Config::parse(Path::new("test/campaigns.toml"), &text)
    }

    const MAIL: &str = "[sinks.mail]\nkind = \"email\"\nsmtp_url_env = \"SMTP_URL\"\nfrom = \"a@agency.test\"\nto = [\"a@agency.test\"]\n";
    const SLACK: &str = "[sinks.team]\nkind = \"slack\"\nurl_env = \"SLACK_URL\"\n";

    #[test]
    fn a_weekly_report_takes_its_defaults_and_the_one_email_sink() {
        let config = config(
            "every = \"monday 08:00\"\nto = [\"brand@client.test\"]",
            &format!("{MAIL}{SLACK}"),
        )
        .unwrap();
        let report = config.clients["acme"].reports.clone().unwrap();
        assert_eq!(report.days, 7);
        assert_eq!(report.format, MailedFormat::Pdf);
        assert_eq!(report.sink, "mail");
        assert_eq!(report.to, ["brand@client.test"]);
        assert!(!report.approve);
    }

    /// The shipped `campaigns.toml` shows a report and the email sink it goes through,
    /// commented out: uncommented, they load.
    #[test]
    fn the_commented_example_in_the_shipped_config_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns.toml");
        let shipped = std::fs::read_to_string(&path).unwrap();
        let mut text = String::new();
        let mut in_example = false;
        for line in shipped.lines() {
            if line == "# [sinks.ops-mail]" || line == "# [clients.glowco.reports]" {
                in_example = true;
            }
            match line.strip_prefix("# ") {
                Some(example) if in_example => text.push_str(example),
                _ => {
                    in_example = false;
                    text.push_str(line);
                }
            }
            text.push('\n');
        }
        let config = Config::parse(&path, &text).unwrap();
        let report = config.clients["glowco"].reports.clone().unwrap();
        assert_eq!(report.sink, "ops-mail");
        assert!(report.approve);
    }

    #[test]
    fn a_report_that_cannot_be_sent_is_refused_at_load_with_where_and_why() {
        let cases = [
            (
                "every = \"mondays 08:00\"\nto = [\"b@c.test\"]",
                MAIL,
                "like \"monday 08:00\"",
            ),
            ("every = \"monday 08:00\"\nto = []", MAIL, "go to nobody"),
            (
                "every = \"monday 08:00\"\nto = [\"not an address\"]",
                MAIL,
                "is not an email address",
            ),
            (
                "every = \"monday 08:00\"\nto = [\"b@c.test\"]\nformat = \"docx\"",
                MAIL,
                "\"pdf\" or \"html\"",
            ),
            (
                "every = \"monday 08:00\"\nto = [\"b@c.test\"]\ndays = 0",
                MAIL,
                "from 1 to 366",
            ),
            (
                "every = \"monday 08:00\"\nto = [\"b@c.test\"]\nsink = \"team\"",
                SLACK,
                "not an email sink (email sinks: none",
            ),
            (
                "every = \"monday 08:00\"\nto = [\"b@c.test\"]",
                SLACK,
                "need `sink`",
            ),
            (
                "every = \"monday 08:00\"\nto = [\"b@c.test\"]\ncc = []",
                MAIL,
                "unknown field `cc`",
            ),
        ];
        for (reports, sinks, expected) in cases {
            let err = config(reports, sinks).unwrap_err().to_string();
            assert!(
                err.contains("test/campaigns.toml:") && err.contains(expected),
                "{reports}: {err}"
            );
        }
    }
}
