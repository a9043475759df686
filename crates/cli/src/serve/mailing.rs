//! `serve`'s scheduled client reports (`[clients.X.reports]`, records in
//! `hashtrack::client_reports`): a pass each minute, and whenever the agency approves one,
//! records the reports that have come due and sends those ready, as a PDF attached or as the
//! HTML report itself, through the client's email sink. Nothing is sent while a collection
//! runs, so a report due the morning of a collection carries that day. Each record is stored
//! before its email is sent and marked sent after, so a restart never sends a period twice.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use hashtrack::alerts::sinks::{Mail, SendError, Transports};
use hashtrack::client_reports::{LATE_BY_AT_MOST_HOURS, MailState, MailedReport, come_due};
use hashtrack::config::{Config, MailedFormat};
use hashtrack::report::ReportFormat;
use hashtrack::store::Store;

use crate::report::{PeriodChoice, Rendering, select_campaigns, write_reports, written_as_text};

/// How often the mailer looks for reports that have come due.
const PASS_EVERY: Duration = Duration::from_secs(60);
/// How long a report whose send failed for a reason that may pass waits before the next try.
const RETRY_AFTER_SECS: i64 = 5 * 60;

/// What the mailer needs from the service.
pub struct Mailer {
    pub store: Arc<Store>,
    pub config: Arc<Config>,
    /// The service's clock.
    pub now: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    /// Whether a collection runs.
    pub collecting: Arc<dyn Fn() -> bool + Send + Sync>,
    /// Rung when the agency approves a report: it is sent at once.
    pub wake: Arc<Notify>,
}

impl Mailer {
    /// Passes until the process ends.
    pub async fn run(self) {
        let transports = Transports::new();
        loop {
            if !(self.collecting)()
                && let Err(e) = self.pass(&transports).await
            {
                tracing::error!(error = format!("{e:#}"), "serve: scheduled reports");
            }
            tokio::select! {
                _ = tokio::time::sleep(PASS_EVERY) => {}
                _ = self.wake.notified() => {}
            }
        }
    }

    async fn pass(&self, transports: &Transports) -> Result<()> {
        let now = (self.now)();
        for report in come_due(&self.config, now, &self.store.client_reports()?) {
            tracing::info!(
                client = report.client_id,
                due_on = %report.due_on,
                state = report.state.name(),
                "serve: a scheduled report came due"
            );
            self.store.put_client_report(&report)?;
        }
        for mut report in self.store.client_reports()? {
            let waiting = now.timestamp() - report.changed_at < RETRY_AFTER_SECS;
            if !report.state.to_send() || (report.state == MailState::Retrying && waiting) {
                continue;
            }
            report.attempts += 1;
            report.changed_at = now.timestamp();
            let late = now.timestamp() - report.created_at > LATE_BY_AT_MOST_HOURS * 3600;
            match self.send(&report, transports).await {
                Ok(()) => {
                    report.state = MailState::Sent;
                    report.last_error = None;
                }
                Err(e) => {
                    let permanent = matches!(e, SendError::Permanent { .. });
                    report.state = if permanent || late {
                        MailState::Failed
                    } else {
                        MailState::Retrying
                    };
                    report.last_error = Some(e.reason().to_string());
                }
            }
            tracing::info!(
                client = report.client_id,
                due_on = %report.due_on,
                state = report.state.name(),
                error = report.last_error.as_deref().unwrap_or(""),
                "serve: scheduled report"
            );
            self.store.put_client_report(&report)?;
        }
        Ok(())
    }

    async fn send(&self, report: &MailedReport, transports: &Transports) -> Result<(), SendError> {
        let Some(schedule) = self
            .config
            .clients
            .get(&report.client_id)
            .and_then(|c| c.reports.as_ref())
        else {
            return Err(SendError::Permanent {
                reason: "the client no longer has [clients.X.reports] in the config".into(),
            });
        };
        let sink = &self.config.sinks[&schedule.sink];
        let (config, store, record, format) = (
            self.config.clone(),
            self.store.clone(),
            report.clone(),
            schedule.format,
        );
        let mail = tokio::task::spawn_blocking(move || mail(&config, &store, &record, format))
            .await
            .map_err(|e| anyhow!("{e}"))
            .and_then(|mail| mail)
            .map_err(|e| SendError::Transient {
                reason: format!("could not make the report: {e:#}"),
                retry_after: None,
            })?;
        transports.send_mail(sink, &schedule.to, &mail).await
    }
}

/// The report a record stands for, as the client will read it (HTML): what the agency
/// previews before approving.
pub fn preview(config: &Config, store: &Store, report: &MailedReport) -> Result<String> {
    render(config, store, report, ReportFormat::Html)
}

fn render(
    config: &Config,
    store: &Store,
    report: &MailedReport,
    format: ReportFormat,
) -> Result<String> {
    let selected = select_campaigns(config, &[], Some(&report.client_id))?;
    let period = PeriodChoice::Range {
        from: report.from,
        to: Some(report.to),
    };
    written_as_text(|out| {
        write_reports(
            config,
            store,
            &selected,
            Some(&report.client_id),
            period,
            Rendering::for_client(format),
            out,
        )
    })
}

/// The email of a record: a short note with the PDF attached, or the HTML report itself.
fn mail(
    config: &Config,
    store: &Store,
    report: &MailedReport,
    format: MailedFormat,
) -> Result<Mail> {
    let client = &config.clients[&report.client_id];
    let agency = &config.settings.branding.agency_name;
    let period = format!("{} to {}", report.from, report.to);
    let subject = format!("{}: campaign report, {period}", client.name);
    let note = format!(
        "Hello,\n\nHere is your campaign report for {period}, from {agency}.\n\n\
         Figures are as the TikTok data API reported them; the report says how precisely each \
         is known.\n"
    );
    Ok(match format {
        MailedFormat::Pdf => {
            let html = render(config, store, report, ReportFormat::Pdf)?;
            let pdf = crate::pdf::html_to_pdf(&html).context("cannot print the report as PDF")?;
            Mail {
                subject,
                html: format!(
                    "<p>{}</p>",
                    hashtrack::alerts::message::html_escape(&note).replace("\n\n", "</p><p>")
                ),
                text: note,
                attachment: Some((
                    format!("{}-{}.pdf", report.client_id, report.due_on),
                    "application/pdf".to_string(),
                    pdf,
                )),
            }
        }
        MailedFormat::Html => Mail {
            subject,
            text: format!(
                "{note}\nThe report is the HTML part of this email; a mail reader that shows \
                 only text cannot display it."
            ),
            html: preview(config, store, report)?,
            attachment: None,
        },
    })
}
