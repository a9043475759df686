//! Client reports over a period (any range of days) of one or more campaigns.
//!
//! Owns what a report says and how it is written: [`build_report`] turns stored
//! [`DayMetrics`](crate::domain::DayMetrics) into a [`CampaignReport`] (growth, participation, creators, sentiment, alerts, cost), and
//! [`render`] writes reports as terminal text, JSON or CSV. Does not read the store or call the
//! API: the caller passes the days in. Unknown values stay `None` all the way to the output, so
//! a failed collection never reads as a zero.

mod build;
pub(crate) mod cells;
mod compare;
pub mod csv;
pub mod episodes;
pub mod examples;
#[cfg(test)]
mod fuzz;
pub mod html;
mod rollup;
mod sparkline;
pub mod summary;
pub mod text;
mod voice;

pub use compare::{Change, Comparison, Headline, compare};
pub use examples::{ExampleComments, QUOTED_PER_TONE};
pub use html::Branding;
pub use rollup::{ClientRollup, RollupRow, rollup};
use std::fmt;
use std::str::FromStr;
pub use voice::{DailyShare, ShareOfVoice, VoiceRow, daily_shares, share_of_voice};

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::domain::{
    Alert, AlertsOutcome, CreatorStats, SentimentOutcome, SentimentSummary, Severity,
    VideoCountSource, ViewGrowth,
};
use crate::text_safety::CsvCells;

pub use build::{build_report, period_headline, report_of_period};

/// How many creators and videos a report lists.
pub const TOP_LISTED: usize = 5;

/// Fewer new comments than this say little about a day's mood: the report marks the share as
/// "too few to judge", and the built-in rules (`min-new-comments`) raise nothing on them.
pub const MIN_COMMENTS_TO_JUDGE: u32 = 30;

/// How reports are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
    Csv,
    Html,
    Pdf,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 5] = [
        ReportFormat::Text,
        ReportFormat::Json,
        ReportFormat::Csv,
        ReportFormat::Html,
        ReportFormat::Pdf,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Text => "text",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Html => "html",
            ReportFormat::Pdf => "pdf",
        }
    }

    /// One line on what the format is for (the command line's help).
    pub fn describe(self) -> &'static str {
        match self {
            ReportFormat::Text => "Aligned columns for a terminal; no colours",
            ReportFormat::Json => "One object per campaign (an array when there are several)",
            ReportFormat::Csv => "One row per campaign per day, RFC 4180",
            ReportFormat::Html => {
                "One self-contained HTML file with charts (inline CSS and SVG; prints to PDF)"
            }
            ReportFormat::Pdf => {
                "The HTML report printed to PDF by headless Chromium (needs --out)"
            }
        }
    }
}

/// A format name that is not `text`, `json` or `csv`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report format '{0}' (expected text, json, csv, html or pdf)")]
pub struct UnknownFormat(pub String);

impl FromStr for ReportFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything a client report tells about one campaign over one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignReport {
    pub campaign_id: String,
    /// What people call the campaign (`name`; the id when it has none).
    pub name: String,
    pub client: String,
    /// The client's display name (`[clients.ID] name`), the id when it has none.
    pub client_name: String,
    /// As configured, capitals kept, without `#`.
    pub hashtags: Vec<String>,
    pub period: Period,
    /// Every date of the period, oldest first, with or without data.
    pub days: Vec<ReportDay>,
    pub participation: Participation,
    /// Collaboration leads: creators by the latest plays of their distinct videos.
    pub top_creators: Vec<CreatorStats>,
    pub top_videos: Vec<TopVideo>,
    pub sentiment: SentimentPeriod,
    pub views_per_video: ViewsPerVideo,
    /// Alerts raised in the period, oldest first.
    pub alerts: Vec<DatedAlert>,
    #[serde(skip_serializing_if = "agency_only")]
    pub cost: Cost,
    /// Against the previous period of the same length, when the report was asked for one.
    pub comparison: Option<Comparison>,
    /// Beside the competitors' hashtags, when the campaign compares with any.
    pub share_of_voice: Option<ShareOfVoice>,
    /// The campaign's share of voice on each day that knows every hashtag's views.
    pub daily_shares: Vec<DailyShare>,
    /// The period's most-liked new comments of each tone (empty when the comments are not at
    /// hand: the caller reads them from the store).
    pub example_comments: ExampleComments,
}

/// The dates a report covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: u32,
}

impl Period {
    /// The `days` dates ending with `to` (at least one).
    pub fn ending(to: NaiveDate, days: u32) -> Period {
        let days = days.max(1);
        Period {
            from: to - Duration::days(i64::from(days) - 1),
            to,
            days,
        }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        (self.from..=self.to).contains(&date)
    }

    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let (from, to) = (self.from, self.to);
        from.iter_days().take_while(move |d| *d <= to)
    }
}

/// Whether a date of the period has a stored day, and whether that day is whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    Complete,
    /// Stored, but its `missing` notes say what could not be collected or computed.
    Partial,
    /// Nothing stored for this date (no run, or a run that never finished).
    NoData,
}

/// One date of the period. Every value is `None` on a [`DayStatus::NoData`] date, and where the
/// day itself did not know it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportDay {
    pub date: NaiveDate,
    pub status: DayStatus,
    /// The date the data was fetched on, when that is not `date` (a late run).
    pub collected_on: Option<NaiveDate>,
    /// Days the changes cover: since the previous stored day.
    pub span_days: Option<u32>,
    pub total_views: Option<u64>,
    /// The rounded totals' change over the span; negative values are kept (upstream rounding).
    pub new_views: Option<i64>,
    /// New views per day, estimated with bounds: what the report shows as growth.
    pub view_growth: Option<ViewGrowth>,
    /// `None` when unknown (a failed call, or the API reported 0 videos): see `videos_seen`.
    pub total_videos: Option<u64>,
    /// Distinct videos seen in the samples so far: a lower bound of the hashtag's videos.
    pub videos_seen: Option<u64>,
    /// The API's video counts' change over the span.
    pub new_videos: Option<i64>,
    pub video_count_source: Option<VideoCountSource>,
    /// Size of the day's feed sample.
    pub tracked_videos: Option<u32>,
    /// Videos of the sample seen for the first time that day.
    pub new_tracked_videos: Option<u32>,
    pub views_per_video: Option<f64>,
    /// (likes + comments + shares) ÷ plays over the day's sample.
    pub engagement_rate: Option<f64>,
    /// Sentiment of the comments written since the previous collection.
    pub sentiment: Option<SentimentOutcome>,
    /// Comments read for the first time that day, whenever written.
    pub comments_read: Option<u32>,
    /// Sentiment of every comment read up to that day.
    pub sentiment_to_date: Option<SentimentSummary>,
    pub alerts: Option<AlertsOutcome>,
    #[serde(skip_serializing_if = "agency_only")]
    pub credits: Option<u32>,
    /// The day's own notes on what could not be collected; empty on complete and no-data days.
    pub missing: Vec<String>,
}

impl ReportDay {
    /// Scored sentiment counts, if the day has them.
    pub(crate) fn scored(&self) -> Option<&SentimentSummary> {
        match &self.sentiment {
            Some(SentimentOutcome::Scored(s)) => Some(s),
            _ => None,
        }
    }

    /// Alerts raised that day; `None` when unknown (no data, or rules unavailable).
    fn raised(&self) -> Option<&[Alert]> {
        match &self.alerts {
            Some(AlertsOutcome::Evaluated { alerts }) => Some(alerts),
            _ => None,
        }
    }
}

/// Who takes part: the hashtag's video count and the tracked sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Participation {
    /// Mean of the known video deltas per day; `None` when no day knows its delta.
    pub average_new_videos: Option<f64>,
    /// How many days the average is over.
    pub days_with_new_videos: u32,
    /// Distinct videos in the samples of the period.
    pub distinct_tracked_videos: u32,
    /// Of those, how many were first seen within the period.
    pub tracked_first_seen_in_period: u32,
    /// The configured sample size per hashtag (the feed is in popularity order).
    pub sample_per_hashtag: u32,
    /// Dates whose total video count is distinct videos seen, because the API reported 0.
    pub video_count_fallback_dates: Vec<NaiveDate>,
    /// (likes + comments + shares) ÷ plays over the period's tracked videos, each at its
    /// latest observation.
    pub engagement_rate: Option<f64>,
}

/// One tracked video at its latest observation in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopVideo {
    pub id: String,
    pub creator: String,
    /// `https://www.tiktok.com/@CREATOR/video/ID`, percent-encoded; none for a handle or id
    /// that is not TikTok's (`domain::links`).
    pub url: Option<String>,
    pub plays: u64,
    pub likes: u64,
    pub comments: u64,
    pub shares: u64,
    pub engagement_rate: Option<f64>,
    pub first_seen: NaiveDate,
    /// The date `plays` was observed.
    pub observed: NaiveDate,
    pub caption: String,
}

/// Sentiment over the scored days of the period, weighted by comments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentimentPeriod {
    pub scored_days: u32,
    /// New comments scored: what the shares rest on.
    pub comments: u32,
    /// New comments not scored, by language: no scorer of the campaign reads it.
    pub unscored: std::collections::BTreeMap<String, u32>,
    /// New comments by language, scored or not (`und`: no language, such as emoji only).
    pub languages: std::collections::BTreeMap<String, u32>,
    /// `None` when no day was scored: unknown, not 0 %.
    pub positive_ratio: Option<f64>,
    pub mean_score: Option<f64>,
}

impl SentimentPeriod {
    /// `New comments by language: English 94 %, no language (emoji) 6 %.`; none when the
    /// days knew no languages (stored before they were told).
    pub fn language_mix(&self) -> Option<String> {
        let total: u32 = self.languages.values().sum();
        if total == 0 {
            return None;
        }
        let mut mix: Vec<(&String, &u32)> = self.languages.iter().collect();
        mix.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let parts: Vec<String> = mix
            .iter()
            .map(|(code, n)| {
                let name = if code.as_str() == crate::language::UNDETERMINED {
                    "no language (emoji, mentions)"
                } else {
                    crate::language::name_of(code)
                };
                let share = f64::from(**n) / f64::from(total) * 100.0;
                let share = if share < 1.0 {
                    "<1 %".to_string()
                } else {
                    format!("{share:.0} %")
                };
                format!("{name} {share}")
            })
            .collect();
        Some(format!("New comments by language: {}.", parts.join(", ")))
    }

    /// `41 % of new comments were not scored: Indonesian 120, Portuguese 3 (...)`; none when
    /// every comment was scored.
    pub fn unscored_note(&self) -> Option<String> {
        let left_out: u32 = self.unscored.values().sum();
        if left_out == 0 {
            return None;
        }
        let share = f64::from(left_out) / f64::from(left_out + self.comments);
        let languages: Vec<String> = self
            .unscored
            .iter()
            .map(|(code, n)| format!("{} {n}", crate::language::name_of(code)))
            .collect();
        let share = if share < 0.005 {
            "<1".to_string()
        } else {
            format!("{:.0}", share * 100.0)
        };
        Some(format!(
            "{share} % of new comments were not scored: {} (languages the campaign does not declare, or none of its scorers reads). The shares are over the {} scored.",
            languages.join(", "),
            figures::thousands(u64::from(self.comments))
        ))
    }
}

/// Views per video: a content-quality signal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewsPerVideo {
    pub latest: Option<f64>,
    pub latest_date: Option<NaiveDate>,
    /// The latest value divides by distinct videos seen (the API reported 0), so it runs high.
    pub latest_from_fallback: bool,
    /// Mean of the daily values of days counted by the API: the fallback's small counts would
    /// inflate it.
    pub period_average: Option<f64>,
}

/// An alert with the day it was raised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatedAlert {
    pub date: NaiveDate,
    pub rule: String,
    /// The plugin that raised it (empty on alerts stored before plugins were named).
    pub plugin: String,
    pub severity: Severity,
    pub message: String,
}

/// What monitoring cost over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    pub credits: u64,
    pub price_per_credit_usd: f64,
    pub usd: f64,
    /// Per stored day: dates without data were not collected, so they cost nothing.
    pub credits_per_day: Option<f64>,
    pub usd_per_day: Option<f64>,
}

/// The paper a printed (PDF) report is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    pub const ALL: [Paper; 2] = [Paper::A4, Paper::Letter];

    /// The name `--paper` takes.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Paper::A4 => "210 × 297 mm: everywhere but North America",
            Paper::Letter => "8.5 × 11 in: the United States and Canada",
        }
    }

    /// CSS `@page { size }`.
    pub fn css_size(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }

    /// The paper people use where campaign days are counted: Letter in the United States'
    /// and Canada's zones, A4 elsewhere.
    pub fn for_time_zone(zone: chrono_tz::Tz) -> Paper {
        let name = zone.name();
        let north_american = name.starts_with("US/")
            || name.starts_with("Canada/")
            || name == "Pacific/Honolulu"
            || [
                "America/Indiana/",
                "America/Kentucky/",
                "America/North_Dakota/",
            ]
            .iter()
            .any(|state| name.starts_with(state))
            || (name.starts_with("America/")
                && NORTH_AMERICAN_CITIES.iter().any(|c| name.ends_with(c)));
        if north_american {
            Paper::Letter
        } else {
            Paper::A4
        }
    }
}

/// `America/…` zones of the United States and Canada (the rest of the Americas uses A4 too).
const NORTH_AMERICAN_CITIES: &[&str] = &[
    "New_York",
    "Chicago",
    "Denver",
    "Los_Angeles",
    "Phoenix",
    "Anchorage",
    "Adak",
    "Boise",
    "Detroit",
    "Juneau",
    "Menominee",
    "Metlakatla",
    "Nome",
    "Sitka",
    "Yakutat",
    "Toronto",
    "Vancouver",
    "Edmonton",
    "Winnipeg",
    "Halifax",
    "St_Johns",
    "Regina",
    "Moncton",
    "Puerto_Rico",
];

/// Who a report is for: the client sees no monitoring cost (credits, dollars) in any format;
/// the agency's own (`--internal`) copy does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Client,
    Internal,
}

/// A client's roll-up and then its campaigns' reports: text with the summary table first, or
/// one JSON object `{"client": {roll-up}, "campaigns": [reports]}`; CSV is the campaigns' rows.
pub fn render_client(
    rollup: &ClientRollup,
    reports: &[CampaignReport],
    format: ReportFormat,
    audience: Audience,
) -> String {
    match format {
        ReportFormat::Text => text::render_rollup(rollup) + "\n" + &text::render(reports, audience),
        ReportFormat::Json => {
            #[derive(Serialize)]
            struct ClientJson<'a> {
                client: AsReadBy<&'a ClientRollup>,
                campaigns: AsReadBy<&'a [CampaignReport]>,
            }
            pretty_json(&ClientJson {
                client: AsReadBy(rollup, audience),
                campaigns: AsReadBy(reports, audience),
            })
        }
        ReportFormat::Csv => csv::render(reports, CsvCells::default(), audience),
        ReportFormat::Html | ReportFormat::Pdf => html::render(
            reports,
            Some(rollup),
            &Branding::default(),
            audience,
            Paper::A4,
            None,
        ),
    }
}

/// Writes reports in `format`; several reports become one text, one JSON array, one CSV table.
pub fn render(reports: &[CampaignReport], format: ReportFormat, audience: Audience) -> String {
    match format {
        ReportFormat::Text => text::render(reports, audience),
        ReportFormat::Json => render_json(reports, audience),
        ReportFormat::Csv => csv::render(reports, CsvCells::default(), audience),
        ReportFormat::Html | ReportFormat::Pdf => html::render(
            reports,
            None,
            &Branding::default(),
            audience,
            Paper::A4,
            None,
        ),
    }
}

fn render_json(reports: &[CampaignReport], audience: Audience) -> String {
    let mut json = JsonReports::new(Vec::new());
    for report in reports {
        json.push(json_element(report, audience))
            .expect("writing to memory");
    }
    String::from_utf8(json.finish().expect("writing to memory")).expect("JSON is UTF-8")
}

/// One report as pretty JSON, as `audience` may read it, indented as an element of
/// [`JsonReports`]' array.
pub fn json_element(report: &CampaignReport, audience: Audience) -> String {
    // As the element of an array, serde_json indents it by one level: `[\n  {…}\n]`.
    let array = serde_json::to_string_pretty(&[AsReadBy(report, audience)])
        .expect("reports always serialize");
    array[2..array.len() - 2].to_string()
}

/// Writes reports' [`json_element`]s as they come, as `serde_json` would print them: one
/// object for one report, so a single campaign's JSON needs no unwrapping; an array for
/// several.
pub struct JsonReports<W> {
    out: W,
    /// The first element, held until a second one says there is an array.
    first: Option<String>,
    written: usize,
}

impl<W: std::io::Write> JsonReports<W> {
    pub fn new(out: W) -> JsonReports<W> {
        JsonReports {
            out,
            first: None,
            written: 0,
        }
    }

    pub fn push(&mut self, element: String) -> std::io::Result<()> {
        self.written += 1;
        if self.written == 1 {
            self.first = Some(element);
            return Ok(());
        }
        if let Some(first) = self.first.take() {
            self.out.write_all(b"[\n")?;
            self.out.write_all(first.as_bytes())?;
        }
        self.out.write_all(b",\n")?;
        self.out.write_all(element.as_bytes())
    }

    /// Ends the JSON; returns the writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        match (self.written, self.first.take()) {
            (0, _) => self.out.write_all(b"[]\n")?,
            (_, Some(only)) => {
                // The lone report as the object it is: one indentation level less.
                let object = only.replace("\n  ", "\n");
                self.out.write_all(&object.as_bytes()[2..])?;
                self.out.write_all(b"\n")?;
            }
            _ => self.out.write_all(b"\n]\n")?,
        }
        Ok(self.out)
    }
}

fn pretty_json(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).expect("reports always serialize") + "\n"
}

thread_local! {
    /// Set while [`AsReadBy`] writes a client's copy, for [`agency_only`].
    static SERIALIZING_FOR_CLIENT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `skip_serializing_if` of the fields only the agency's copy carries (a report's `cost`, a
/// day's `credits`): true while the client's copy is written.
fn agency_only<T>(_: &T) -> bool {
    SERIALIZING_FOR_CLIENT.get()
}

/// A report (or roll-up, or list of them) as `audience` may read it: the client's copy
/// without the [`agency_only`] fields. Serialised straight to the writer: both copies have
/// their keys in the fields' order.
struct AsReadBy<T>(T, Audience);

impl<T: Serialize> Serialize for AsReadBy<&T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let outer = SERIALIZING_FOR_CLIENT.replace(self.1 == Audience::Client);
        let written = self.0.serialize(serializer);
        SERIALIZING_FOR_CLIENT.set(outer);
        written
    }
}

impl<T: Serialize> Serialize for AsReadBy<&[T]> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&AsReadBy(item, self.1))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{campaign, date, week};

    #[test]
    fn reports_written_as_json_elements_read_as_one_pretty_array_or_a_lone_object() {
        let report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        for count in [0, 1, 2, 5] {
            let reports: Vec<CampaignReport> = (0..count)
                .map(|i| {
                    let mut report = report.clone();
                    report.campaign_id = format!("campaign-{i}");
                    report
                })
                .collect();
            for audience in [Audience::Client, Audience::Internal] {
                let whole = match &reports[..] {
                    [one] => serde_json::to_string_pretty(&AsReadBy(one, audience)),
                    all => serde_json::to_string_pretty(&AsReadBy(all, audience)),
                };
                assert_eq!(
                    render_json(&reports, audience),
                    whole.unwrap() + "\n",
                    "{count} reports"
                );
            }
        }
    }

    #[test]
    fn the_clients_json_is_the_agencys_without_cost_and_credits_in_the_same_order() {
        let report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        let client = render_json(std::slice::from_ref(&report), Audience::Client);
        let internal = render_json(std::slice::from_ref(&report), Audience::Internal);
        // The fields' order, the report's identity first.
        assert!(client.starts_with("{\n  \"campaign_id\": "), "{client}");
        let mut agency: serde_json::Value = serde_json::from_str(&internal).unwrap();
        assert!(agency["cost"]["credits"].is_u64(), "{internal}");
        let days = agency["days"].as_array_mut().unwrap();
        assert!(days.iter().all(|day| day.get("credits").is_some()));
        days.iter_mut().for_each(|day| {
            day.as_object_mut().unwrap().remove("credits");
        });
        agency.as_object_mut().unwrap().remove("cost");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&client).unwrap(),
            agency
        );
        // The flag is the writer's only while it writes: a report serialised plainly is whole.
        assert!(serde_json::to_string(&report).unwrap().contains("\"cost\""));
    }

    #[test]
    fn only_the_internal_copy_says_what_monitoring_cost_in_every_format() {
        let report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        let reports = [report];
        let client = rollup(&reports);
        for format in [
            ReportFormat::Text,
            ReportFormat::Json,
            ReportFormat::Csv,
            ReportFormat::Html,
        ] {
            for (audience, shown) in [(Audience::Client, false), (Audience::Internal, true)] {
                for text in [
                    render(&reports, format, audience),
                    render_client(&client, &reports, format, audience),
                ] {
                    let lower = text.to_lowercase();
                    let says_cost = lower.contains("credit") || lower.contains("cost");
                    assert_eq!(says_cost, shown, "{format} for {audience:?}:\n{text}");
                }
            }
        }
    }

    #[test]
    fn the_language_mix_and_the_unscored_share_are_said_in_words() {
        let period = SentimentPeriod {
            scored_days: 2,
            comments: 60,
            positive_ratio: Some(0.5),
            mean_score: Some(0.1),
            unscored: [("id".to_string(), 40)].into(),
            languages: [
                ("en".to_string(), 55),
                ("id".to_string(), 40),
                ("und".to_string(), 5),
            ]
            .into(),
        };
        assert_eq!(
            period.language_mix().unwrap(),
            "New comments by language: English 55 %, Indonesian 40 %, no language (emoji, mentions) 5 %."
        );
        let note = period.unscored_note().unwrap();
        assert!(
            note.starts_with("40 % of new comments were not scored: Indonesian 40"),
            "{note}"
        );
        let unknown = SentimentPeriod {
            languages: Default::default(),
            unscored: Default::default(),
            ..period
        };
        assert_eq!(
            (unknown.language_mix(), unknown.unscored_note()),
            (None, None)
        );
    }

    #[test]
    fn a_day_whose_new_comments_no_scorer_read_still_counts_them_in_the_period() {
        use crate::fixtures::day;
        let scored = day("2026-11-02", 1_000, 10);
        let mut foreign = day("2026-11-03", 2_000, 10);
        foreign.sentiment = SentimentOutcome::NotCollected {
            reason: "none of the 25 new comments is in a language the campaign scores".into(),
            unscored: [("id".to_string(), 25)].into(),
        };
        let report = build_report(
            &campaign(),
            &[scored.clone(), foreign],
            date("2026-11-03"),
            2,
            0.005,
        );
        let period = &report.sentiment;
        let SentimentOutcome::Scored(first) = &scored.sentiment else {
            panic!("the fixture's day is scored");
        };
        assert_eq!(period.comments, first.comments);
        assert_eq!(period.unscored.get("id"), Some(&25));
        assert_eq!(
            period.languages.get("id").copied(),
            Some(25 + first.languages.get("id").copied().unwrap_or(0))
        );
    }

    #[test]
    fn the_paper_follows_the_campaigns_zone() {
        for (zone, paper) in [
            ("America/New_York", Paper::Letter),
            ("America/Indiana/Indianapolis", Paper::Letter),
            ("America/Toronto", Paper::Letter),
            ("America/Sao_Paulo", Paper::A4),
            ("Europe/Paris", Paper::A4),
            ("UTC", Paper::A4),
        ] {
            assert_eq!(Paper::for_time_zone(zone.parse().unwrap()), paper, "{zone}");
        }
    }

    #[test]
    fn formats_parse_by_name() {
        assert_eq!("JSON".parse::<ReportFormat>(), Ok(ReportFormat::Json));
        assert_eq!(
            "csv".parse::<ReportFormat>().map(|f| f.to_string()),
            Ok("csv".to_string())
        );
        assert!(
            "docx"
                .parse::<ReportFormat>()
                .unwrap_err()
                .to_string()
                .contains("'docx'")
        );
    }

    #[test]
    fn json_is_one_object_for_one_report_and_an_array_for_several() {
        let report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        let one: serde_json::Value = serde_json::from_str(&render(
            std::slice::from_ref(&report),
            ReportFormat::Json,
            Audience::Client,
        ))
        .unwrap();
        assert_eq!(one["campaign_id"], "spring");
        let two: serde_json::Value = serde_json::from_str(&render(
            &[report.clone(), report],
            ReportFormat::Json,
            Audience::Client,
        ))
        .unwrap();
        assert_eq!(two.as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn json_keeps_unknowns_null_and_unavailable_sentiment_named() {
        let report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        let json: serde_json::Value =
            serde_json::from_str(&render(&[report], ReportFormat::Json, Audience::Client)).unwrap();
        let days = json["days"].as_array().unwrap();
        let gap = &days[3];
        assert_eq!(
            (gap["date"].as_str(), gap["status"].as_str()),
            (Some("2026-11-04"), Some("no_data"))
        );
        assert!(
            gap["total_views"].is_null() && gap["sentiment"].is_null() && gap["credits"].is_null()
        );
        let unscored = &days[4]["sentiment"];
        assert_eq!(unscored["status"], "unavailable");
        assert!(unscored.get("positive").is_none() && unscored.get("positive_ratio").is_none());
        assert_eq!(days[2]["new_views"], -2000);
    }
}
