//! A client's campaigns side by side: one row of headline figures per campaign, before each
//! campaign's own report. Pure.

use serde::Serialize;

use super::{CampaignReport, Headline};

/// The roll-up of one client's campaign reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientRollup {
    pub client: String,
    pub client_name: String,
    pub rows: Vec<RollupRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollupRow {
    pub campaign_id: String,
    pub name: String,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    #[serde(flatten)]
    pub headline: Headline,
}

/// The roll-up of `reports`, all of one client (the first report's).
pub fn rollup(reports: &[CampaignReport]) -> ClientRollup {
    let first = reports.first();
    ClientRollup {
        client: first.map_or_else(String::new, |r| r.client.clone()),
        client_name: first.map_or_else(String::new, |r| r.client_name.clone()),
        rows: reports
            .iter()
            .map(|r| RollupRow {
                campaign_id: r.campaign_id.clone(),
                name: r.name.clone(),
                from: r.period.from,
                to: r.period.to,
                headline: Headline::of(r),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Audience, ReportFormat, build_report, render_client};
    use super::*;
    use crate::fixtures::{campaign, date, week};

    #[test]
    fn a_client_rollup_has_a_row_per_campaign_before_their_reports() {
        let mut spring = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        spring.client_name = "Acme Snacks".into();
        let mut autumn = spring.clone();
        autumn.campaign_id = "autumn".into();
        autumn.name = "Autumn".into();
        autumn.sentiment.comments = 0;
        autumn.sentiment.scored_days = 0;
        let reports = [spring, autumn];
        let summary = rollup(&reports);
        assert_eq!(summary.client_name, "Acme Snacks");
        assert_eq!(summary.rows.len(), 2);
        assert_eq!(
            summary.rows[1].headline.new_comments, None,
            "unscored: unknown, not 0"
        );

        let text = render_client(&summary, &reports, ReportFormat::Text, Audience::Client);
        assert!(text.starts_with("Acme Snacks: 2 campaign(s)"), "{text}");
        let table_end = text.find("\n\n").unwrap();
        assert!(
            text[..table_end].contains("Spring launch") && text[..table_end].contains("Autumn")
        );
        assert!(
            text[table_end..].contains("Spring launch (spring) for Acme Snacks"),
            "{text}"
        );
        let json: serde_json::Value = serde_json::from_str(&render_client(
            &summary,
            &reports,
            ReportFormat::Json,
            Audience::Client,
        ))
        .unwrap();
        assert_eq!(json["client"]["rows"].as_array().unwrap().len(), 2);
        assert_eq!(json["campaigns"].as_array().unwrap().len(), 2);
    }
}
