//! The CSV report: one row per campaign per date of the period, for spreadsheets and charts.
//!
//! RFC 4180: CRLF line ends, a header row, fields with a comma, a quote or a line break quoted,
//! quotes doubled. Unknown values are empty cells, never 0; a date without data says so in the
//! `missing` column. The `credits` column is the agency's: only in its `--internal` copy. Text cells (the campaign id, the notes, which quote the API's errors) are
//! neutralised against formulas unless asked for raw; numbers are ours and stay numbers.

use std::borrow::Cow;
use std::fmt::Display;

use super::{Audience, CampaignReport, DayStatus, ReportDay};
use crate::domain::{SentimentOutcome, counts_cell};
use crate::text_safety::{CsvCells, csv_text};

const COLUMNS: usize = 27;
const HEADER: [&str; COLUMNS] = [
    "campaign",
    "date",
    "collected_on",
    "span_days",
    "total_views",
    "new_views",
    "new_views_per_day",
    "new_views_per_day_low",
    "new_views_per_day_high",
    "totals_step",
    "tracked_views_gained",
    "total_videos",
    "videos_seen",
    "new_videos",
    "tracked_videos",
    "new_tracked_videos",
    "new_comments",
    "positive",
    "neutral",
    "negative",
    "positive_ratio",
    "mean_score",
    "comments_to_date",
    "new_comment_languages",
    "alerts",
    "credits",
    "missing",
];

/// What the `missing` column says of a date with no stored day.
const NO_DATA: &str = "no data stored for this date";

/// The agency's columns: what monitoring cost is not the client's business.
const INTERNAL_COLUMNS: &[&str] = &["credits"];

pub fn render(reports: &[CampaignReport], cells: CsvCells, audience: Audience) -> String {
    let shown =
        |i: &usize| audience == Audience::Internal || !INTERNAL_COLUMNS.contains(&HEADER[*i]);
    let keep = |fields: [String; COLUMNS]| -> Vec<String> {
        fields
            .into_iter()
            .enumerate()
            .filter(|(i, _)| shown(i))
            .map(|(_, f)| f)
            .collect()
    };
    let mut out = String::new();
    push_record(&mut out, keep(HEADER.map(String::from)));
    for report in reports {
        for day in &report.days {
            push_record(&mut out, keep(record(&report.campaign_id, day, cells)));
        }
    }
    out
}

fn record(campaign: &str, day: &ReportDay, cells: CsvCells) -> [String; COLUMNS] {
    let scored = day.scored();
    let growth = day.view_growth.as_ref();
    let missing = match day.status {
        DayStatus::NoData => NO_DATA.to_string(),
        DayStatus::Complete | DayStatus::Partial => day.missing.join("; "),
    };
    [
        csv_text(campaign, cells).into_owned(),
        day.date.to_string(),
        cell(day.collected_on),
        cell(day.span_days),
        cell(day.total_views),
        cell(day.new_views),
        cell(growth.map(|g| g.per_day.round())),
        cell(growth.map(|g| g.per_day_low.round())),
        cell(growth.and_then(|g| g.per_day_high).map(f64::round)),
        cell(growth.and_then(|g| g.totals_step)),
        cell(growth.map(|g| g.tracked_change)),
        cell(day.total_videos),
        cell(day.videos_seen),
        cell(day.new_videos),
        cell(day.tracked_videos),
        cell(day.new_tracked_videos),
        cell(scored.map(|s| s.comments)),
        cell(scored.map(|s| s.positive)),
        cell(scored.map(|s| s.neutral)),
        cell(scored.map(|s| s.negative)),
        cell(scored.map(|s| format!("{:.4}", s.positive_ratio))),
        cell(scored.map(|s| format!("{:.4}", s.mean_score))),
        cell(day.sentiment_to_date.as_ref().map(|s| s.comments)),
        // `en 40; id 12`: every new comment by language, scored or not.
        day.sentiment
            .as_ref()
            .and_then(SentimentOutcome::new_comment_languages)
            .map(counts_cell)
            .unwrap_or_default(),
        // A count, so that 0 (rules ran, nothing raised) differs from empty (not evaluated).
        cell(day.raised().map(<[_]>::len)),
        cell(day.credits),
        csv_text(&missing, cells).into_owned(),
    ]
}

fn cell<T: Display>(value: Option<T>) -> String {
    value.map_or_else(String::new, |v| v.to_string())
}

fn push_record(out: &mut String, fields: Vec<String>) {
    let quoted: Vec<Cow<str>> = fields.iter().map(|f| quote(f)).collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}

fn quote(field: &str) -> Cow<'_, str> {
    if field.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Audience, ReportFormat, build_report, render};
    use crate::domain::SentimentOutcome;
    use crate::fixtures::{campaign, date, day, video};

    fn rows(csv: &str) -> Vec<&str> {
        csv.split("\r\n").filter(|r| !r.is_empty()).collect()
    }

    #[test]
    fn header_then_one_row_per_date_with_empty_cells_for_unknowns() {
        let mut unscored = day("2026-11-02", 1_000, 10);
        unscored.videos = vec![video("v1", "ann", 900, "2026-11-01")];
        unscored.sentiment = SentimentOutcome::Unavailable {
            reason: "out of fuel".into(),
        };
        unscored.missing = vec!["sentiment unavailable: out of fuel".into()];
        let report = build_report(&campaign(), &[unscored], date("2026-11-03"), 2, 0.005);
        let csv = render(&[report], ReportFormat::Csv, Audience::Internal);
        let rows = rows(&csv);
        assert_eq!(rows[0], super::HEADER.join(","));
        assert_eq!(
            rows[1],
            "spring,2026-11-02,,,1000,,,,,,,10,0,,1,0,,,,,,,,,0,5,sentiment unavailable: out of fuel"
        );
        assert_eq!(
            rows[2],
            "spring,2026-11-03,,,,,,,,,,,,,,,,,,,,,,,,,no data stored for this date"
        );
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn fields_with_commas_and_quotes_are_quoted_per_rfc_4180() {
        let mut partial = day("2026-11-02", 1_000, 10);
        partial.missing = vec![
            "comments of video 7, page 2: \"rate limited\"".into(),
            "line\nbreak".into(),
        ];
        let report = build_report(&campaign(), &[partial], date("2026-11-02"), 1, 0.005);
        let csv = render(&[report], ReportFormat::Csv, Audience::Internal);
        assert!(
            csv.ends_with(
                ",\"comments of video 7, page 2: \"\"rate limited\"\"; line\nbreak\"\r\n"
            ),
            "{csv}"
        );
    }

    #[test]
    fn scored_days_write_counts_and_ratios() {
        let report = build_report(
            &campaign(),
            &[day("2026-11-02", 1_000, 10)],
            date("2026-11-02"),
            1,
            0.005,
        );
        let csv = render(&[report], ReportFormat::Csv, Audience::Internal);
        assert!(
            rows(&csv)[1].contains(",10,6,3,1,0.6000,0.2500,,,0,5,"),
            "{csv}"
        );
    }
}
