//! Property tests: no text in a report's data (handles, captions, notes, alert messages, with
//! the simulator's hostile corpus among them) panics any format, reaches the text report or a
//! CSV cell with a control character, or makes a CSV cell a formula unless asked for raw.

use proptest::prelude::*;

use super::{Audience, ReportFormat, build_report, csv, render};
use crate::domain::{Alert, AlertsOutcome, Severity};
use crate::fixtures::{campaign, date, day, hostile_text, video};
use crate::text_safety::{CsvCells, Lines, is_unsafe_control, strip_controls};

fn has_control(text: &str) -> bool {
    text.chars().any(|c| c != '\n' && is_unsafe_control(c))
}

proptest! {
    // Few cases: each renders every format; the whole file runs in a few seconds.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_text_panics_a_report_or_reaches_it_raw(
        handles in prop::collection::vec(hostile_text(), 1..4),
        caption in hostile_text(),
        note in hostile_text(),
        message in hostile_text(),
    ) {
        let mut hostile = day("2026-11-02", 1_000, 10);
        hostile.videos = handles
            .iter()
            .enumerate()
            .map(|(i, handle)| {
                let mut v = video(&format!("v{i}"), handle, 100 * (i as u64 + 1), "2026-11-01");
                v.caption = caption.clone();
                v
            })
            .collect();
        hostile.missing = vec![note.clone()];
        hostile.alerts = AlertsOutcome::Evaluated {
            alerts: vec![Alert { rule: "rule".into(), plugin: "plugin".into(), severity: Severity::Warning, message }],
        };
        let report = build_report(&campaign(), &[hostile], date("2026-11-02"), 1, 0.005);
        let reports = [report];
        for format in [ReportFormat::Json, ReportFormat::Html] {
            render(&reports, format, Audience::Internal);
        }
        let text = render(&reports, ReportFormat::Text, Audience::Internal);
        prop_assert!(!has_control(&text), "{text:?}");
        prop_assert!(text.lines().all(|l| l.chars().count() < 1_000), "an overlong line");

        let neutral = csv::render(&reports, CsvCells::Neutralised, Audience::Internal);
        let mut reader = ::csv::ReaderBuilder::new().from_reader(neutral.as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                prop_assert!(!has_control(cell), "{cell:?}");
                let formula = cell.trim_start().starts_with(['=', '+', '-', '@']);
                prop_assert!(!formula || cell.parse::<f64>().is_ok(), "{cell:?}");
            }
        }
        let raw = csv::render(&reports, CsvCells::Raw, Audience::Internal);
        let mut reader = ::csv::ReaderBuilder::new().from_reader(raw.as_bytes());
        let missing = reader.records().next().unwrap().unwrap()[26].to_string();
        prop_assert_eq!(missing, strip_controls(&note, Lines::Many).into_owned());
    }
}
