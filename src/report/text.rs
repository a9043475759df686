//! The text report: sections with aligned columns for a terminal, thousands separators, no
//! colours. A 7-day report of one campaign fits in about 60 lines. Unknown values print as
//! `n/a` and dates without data as `no data`, never as 0.

use chrono::NaiveDate;

use super::cells::{UNKNOWN, one_line, or_unknown, percent, score, signed, thousands, usd, whole};
use super::sparkline::sparkline;
use super::{CampaignReport, DayStatus, ReportDay};
use crate::domain::{AlertsOutcome, SentimentOutcome, Severity, VideoCountSource};

/// Notes, reasons and alert messages are cut to about one terminal line.
const NOTE_CHARS: usize = 72;
/// Alert messages are what a client acts on: kept whole (up to this), wrapped to fit.
const ALERT_CHARS: usize = 300;
const ALERT_LINE_CHARS: usize = 72;
/// A day with many failures lists this many notes and a count of the rest.
const NOTES_PER_DAY: usize = 3;
const CAPTION_CHARS: usize = 40;
const HANDLE_CHARS: usize = 20;

/// Reports one after another, a blank line between them.
pub fn render(reports: &[CampaignReport]) -> String {
    reports
        .iter()
        .map(render_one)
        .collect::<Vec<_>>()
        .join("\n")
}

fn render_one(report: &CampaignReport) -> String {
    let mut lines = Vec::new();
    coverage(&mut lines, report);
    growth(&mut lines, report);
    participation(&mut lines, report);
    sentiment(&mut lines, report);
    creators(&mut lines, report);
    videos(&mut lines, report);
    quality_alerts_and_cost(&mut lines, report);
    lines.join("\n") + "\n"
}

/// Who and when, then which dates have no data and what partial days lack.
fn coverage(lines: &mut Vec<String>, r: &CampaignReport) {
    let tags: Vec<String> = r.hashtags.iter().map(|t| format!("#{t}")).collect();
    lines.push(format!(
        "Campaign {} (client {}): {}",
        r.campaign_id,
        r.client,
        tags.join(" ")
    ));
    let count = |status| r.days.iter().filter(|d| d.status == status).count();
    let (partial, none) = (count(DayStatus::Partial), count(DayStatus::NoData));
    lines.push(format!(
        "Period {} to {} ({} days): data on {}, {} of them partial; no data on {}",
        r.period.from,
        r.period.to,
        r.period.days,
        r.days.len() - none,
        partial,
        none,
    ));
    let without: Vec<NaiveDate> = dates_where(&r.days, |d| d.status == DayStatus::NoData);
    if !without.is_empty() {
        lines.push(format!("  No data:  {}", date_ranges(&without)));
    }
    let mut label = "  Partial:";
    for day in r.days.iter().filter(|d| d.status == DayStatus::Partial) {
        let mut date = day.date.to_string();
        for note in day.missing.iter().take(NOTES_PER_DAY) {
            lines.push(format!(
                "{label:<12}{date:<12}{}",
                one_line(note, NOTE_CHARS)
            ));
            (label, date) = ("", String::new());
        }
        if day.missing.len() > NOTES_PER_DAY {
            lines.push(format!(
                "{:24}(and {} more)",
                "",
                day.missing.len() - NOTES_PER_DAY
            ));
        }
    }
}

/// The growth curve and the sample's daily intake, one row per date.
fn growth(lines: &mut Vec<String>, r: &CampaignReport) {
    lines.push(String::new());
    lines.push("Growth and participation".into());
    lines.push(format!(
        "  {:<10} {:>13} {:>11} {:>13}  {:>11} {:>8} {:>11}",
        "Date", "Total views", "New views", "Total videos", "New videos", "Tracked", "First seen"
    ));
    for day in &r.days {
        if day.status == DayStatus::NoData {
            lines.push(format!("  {}     no data", day.date));
            continue;
        }
        // The star marks a count from the fallback; the blank keeps the other rows aligned.
        let fallback = day.video_count_source == Some(VideoCountSource::DistinctVideosSeen);
        let videos = or_unknown(day.total_videos, thousands) + if fallback { "*" } else { " " };
        lines.push(format!(
            "  {} {:>13} {:>11} {:>14} {:>11} {:>8} {:>11}",
            day.date,
            or_unknown(day.total_views, thousands),
            or_unknown(day.new_views, signed),
            videos,
            or_unknown(day.new_videos, signed),
            or_unknown(day.tracked_videos, |n| thousands(n.into())),
            or_unknown(day.new_tracked_videos, |n| thousands(n.into())),
        ));
    }
    let views: Vec<Option<u64>> = r.days.iter().map(|d| d.total_views).collect();
    let known = views.iter().flatten();
    if let (Some(low), Some(high)) = (known.clone().min(), known.max()) {
        lines.push(format!(
            "  Total views [{}] {} to {} (a mark per day, blank: unknown)",
            sparkline(&views),
            thousands(*low),
            thousands(*high),
        ));
    }
    let negative =
        |d: &ReportDay| d.new_views.is_some_and(|n| n < 0) || d.new_videos.is_some_and(|n| n < 0);
    if r.days.iter().any(negative) {
        lines.push(
            "  Negative steps are shown as reported: the API rounds its counts, so small".into(),
        );
        lines.push("  steps back are normal and not a loss.".into());
    }
}

fn participation(lines: &mut Vec<String>, r: &CampaignReport) {
    let p = &r.participation;
    lines.push(match p.average_new_videos {
        Some(avg) => format!(
            "  New videos per day: {} on average, over {} days with a known change.",
            one_decimal(avg),
            p.days_with_new_videos
        ),
        None => "  New videos per day: unknown (no two comparable days of video counts).".into(),
    });
    lines.push(format!(
        "  Tracked: {} distinct videos, {} first seen in the period. They are a sample of the",
        thousands(p.distinct_tracked_videos.into()),
        thousands(p.tracked_first_seen_in_period.into()),
    ));
    lines.push(format!(
        "  feed (top {} per hashtag by popularity; the feed stops at a few hundred), not every video.",
        p.sample_per_hashtag
    ));
    if !p.video_count_fallback_dates.is_empty() {
        lines.push(format!(
            "  * {}: the API reported 0 videos, so total videos counts distinct videos seen.",
            date_ranges(&p.video_count_fallback_dates)
        ));
    }
}

fn sentiment(lines: &mut Vec<String>, r: &CampaignReport) {
    lines.push(String::new());
    lines.push("Sentiment of comments on the top videos".into());
    lines.push(format!(
        "  {:<10} {:>9} {:>9} {:>8} {:>9} {:>9} {:>6}",
        "Date", "Comments", "Positive", "Neutral", "Negative", "Positive", "Mean"
    ));
    for day in &r.days {
        let why = match &day.sentiment {
            Some(SentimentOutcome::Scored(s)) => {
                lines.push(format!(
                    "  {} {:>9} {:>9} {:>8} {:>9} {:>9} {:>6}",
                    day.date,
                    thousands(s.comments.into()),
                    thousands(s.positive.into()),
                    thousands(s.neutral.into()),
                    thousands(s.negative.into()),
                    percent(s.positive_ratio),
                    score(s.mean_score),
                ));
                continue;
            }
            Some(SentimentOutcome::Unavailable { reason }) => format!("unavailable: {reason}"),
            Some(SentimentOutcome::NotCollected { reason }) => format!("not collected: {reason}"),
            None => "no data".into(),
        };
        lines.push(format!(
            "  {}     {}",
            day.date,
            one_line(&why, NOTE_CHARS - 8)
        ));
    }
    let s = &r.sentiment;
    lines.push(match (s.positive_ratio, s.mean_score) {
        (Some(ratio), Some(mean)) => format!(
            "  Period: {} positive, mean score {}, over {} comments on {} of {} days.",
            percent(ratio),
            score(mean),
            thousands(s.comments.into()),
            s.scored_days,
            r.period.days
        ),
        _ => "  Period: no day was scored, so there is no trend.".into(),
    });
}

fn creators(lines: &mut Vec<String>, r: &CampaignReport) {
    lines.push(String::new());
    lines.push("Top creators: collaboration leads (latest plays of each distinct video)".into());
    if r.top_creators.is_empty() {
        lines.push("  none tracked in the period".into());
        return;
    }
    lines.push(format!(
        "  {:>2}  {:<21} {:>6} {:>13}",
        "#", "Creator", "Videos", "Plays"
    ));
    for (rank, c) in r.top_creators.iter().enumerate() {
        lines.push(format!(
            "  {:>2}  {:<21} {:>6} {:>13}",
            rank + 1,
            handle(&c.handle),
            thousands(c.videos.into()),
            thousands(c.plays)
        ));
    }
}

fn videos(lines: &mut Vec<String>, r: &CampaignReport) {
    lines.push(String::new());
    lines.push("Top videos (latest plays)".into());
    if r.top_videos.is_empty() {
        lines.push("  none tracked in the period".into());
        return;
    }
    lines.push(format!(
        "  {:>2}  {:>13}  {:<21} {:<10}  Caption",
        "#", "Plays", "Creator", "First seen"
    ));
    for (rank, v) in r.top_videos.iter().enumerate() {
        lines.push(format!(
            "  {:>2}  {:>13}  {:<21} {}  {}",
            rank + 1,
            thousands(v.plays),
            handle(&v.creator),
            v.first_seen,
            one_line(&v.caption, CAPTION_CHARS)
        ));
    }
}

/// The short closing sections: views per video, alerts, and what monitoring cost.
fn quality_alerts_and_cost(lines: &mut Vec<String>, r: &CampaignReport) {
    let vpv = &r.views_per_video;
    lines.push(String::new());
    lines.push(match (vpv.latest, vpv.latest_date) {
        (Some(latest), Some(date)) => format!(
            "Views per video: {}{} on {date}; {} on average over days counted by the API.",
            whole(latest),
            if vpv.latest_from_fallback { "*" } else { "" },
            or_unknown(vpv.period_average, whole)
        ),
        _ => format!("Views per video: {UNKNOWN} (no day with both totals)."),
    });

    lines.push(String::new());
    lines.push("Alerts".into());
    if r.alerts.is_empty() {
        lines.push("  none raised".into());
    }
    for a in &r.alerts {
        let severity = match a.severity {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "CRITICAL",
        };
        let text = one_line(&a.message, ALERT_CHARS);
        for (i, part) in wrap(&text, ALERT_LINE_CHARS).into_iter().enumerate() {
            let lead = if i == 0 {
                format!("{}  {severity:<8}", a.date)
            } else {
                String::new()
            };
            lines.push(format!("  {lead:<20}  {part}"));
        }
    }
    let unevaluated = dates_where(&r.days, |d| {
        matches!(d.alerts, Some(AlertsOutcome::Unavailable { .. }))
    });
    if !unevaluated.is_empty() {
        lines.push(format!(
            "  Not evaluated (rules unavailable) on {}.",
            date_ranges(&unevaluated)
        ));
    }

    let c = &r.cost;
    lines.push(String::new());
    lines.push(format!(
        "Cost: {} credits x {} = {}; per day with data {} credits ({}).",
        thousands(c.credits),
        usd(c.price_per_credit_usd),
        usd(c.usd),
        or_unknown(c.credits_per_day, one_decimal),
        or_unknown(c.usd_per_day, usd),
    ));
}

fn one_decimal(x: f64) -> String {
    format!("{x:.1}")
}

fn handle(h: &str) -> String {
    one_line(&format!("@{h}"), HANDLE_CHARS)
}

fn dates_where(days: &[ReportDay], keep: impl Fn(&ReportDay) -> bool) -> Vec<NaiveDate> {
    days.iter().filter(|d| keep(d)).map(|d| d.date).collect()
}

/// Ascending dates with consecutive runs joined: `2026-11-02 to 2026-11-04, 2026-11-07`.
fn date_ranges(dates: &[NaiveDate]) -> String {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &date in dates {
        match runs.last_mut() {
            Some((_, end)) if end.succ_opt() == Some(date) => *end = date,
            _ => runs.push((date, date)),
        }
    }
    let runs: Vec<String> = runs
        .iter()
        .map(|(from, to)| {
            if from == to {
                from.to_string()
            } else {
                format!("{from} to {to}")
            }
        })
        .collect();
    runs.join(", ")
}

/// Splits `text` at spaces into lines of at most `width` characters (a longer word stands
/// alone on its line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{campaign, date, day, week};
    use super::super::{ReportFormat, build_report, render};
    use super::wrap;
    use crate::domain::SentimentOutcome;

    fn week_report() -> String {
        let report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        render(&[report], ReportFormat::Text)
    }

    /// The lines of a section, from its title to the next blank line.
    fn section<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
        text.lines()
            .skip_while(|l| !l.starts_with(title))
            .take_while(|l| !l.is_empty())
            .collect()
    }

    #[test]
    fn a_week_fits_on_one_screen() {
        let text = week_report();
        println!("{text}");
        assert!(text.lines().count() <= 60, "{} lines", text.lines().count());
        assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
        assert!(text.is_ascii(), "{text}");
    }

    #[test]
    fn missing_dates_and_partial_notes_are_listed() {
        let text = week_report();
        assert!(text.contains("no data on 1"), "{text}");
        assert!(text.contains("  No data:  2026-11-04\n"), "{text}");
        assert!(
            text.contains(
                "  Partial:  2026-11-05  sentiment unavailable: scorer ran out of fuel\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("\n                        comments of video v2: HTTP 503"),
            "{text}"
        );
        let growth = section(&text, "Growth");
        assert!(growth.contains(&"  2026-11-04     no data"), "{growth:#?}");
    }

    #[test]
    fn a_negative_step_is_shown_as_negative_with_a_note() {
        let text = week_report();
        let row = text
            .lines()
            .find(|l| l.starts_with("  2026-11-03"))
            .unwrap();
        assert!(row.contains(" -2,000 "), "{row}");
        assert!(text.contains("the API rounds its counts"), "{text}");
        let steady = build_report(
            &campaign(),
            &[day("2026-11-01", 5, 1)],
            date("2026-11-01"),
            7,
            0.005,
        );
        assert!(!render(&[steady], ReportFormat::Text).contains("rounds its counts"));
    }

    #[test]
    fn unavailable_sentiment_is_named_not_zero() {
        let text = week_report();
        let rows = section(&text, "Sentiment");
        let row = rows.iter().find(|l| l.starts_with("  2026-11-05")).unwrap();
        assert_eq!(*row, "  2026-11-05     unavailable: scorer ran out of fuel");
        let mut lone = day("2026-11-01", 5, 1);
        lone.sentiment = SentimentOutcome::NotCollected {
            reason: "no videos to read comments from".into(),
        };
        let text = render(
            &[build_report(
                &campaign(),
                &[lone],
                date("2026-11-01"),
                1,
                0.005,
            )],
            ReportFormat::Text,
        );
        let rows = section(&text, "Sentiment");
        assert!(
            rows[2].ends_with("not collected: no videos to read comments from"),
            "{rows:#?}"
        );
        assert_eq!(
            rows[3],
            "  Period: no day was scored, so there is no trend."
        );
        assert!(!rows.iter().any(|l| l.contains("0.0%")), "{rows:#?}");
    }

    #[test]
    fn fallback_counts_are_starred_and_explained() {
        let text = week_report();
        let row = text
            .lines()
            .find(|l| l.starts_with("  2026-11-07"))
            .unwrap();
        assert!(row.contains(" 57* "), "{row}");
        assert!(
            text.contains("* 2026-11-07: the API reported 0 videos"),
            "{text}"
        );
    }

    #[test]
    fn cost_line_multiplies_credits_by_price() {
        let text = week_report();
        assert!(
            text.contains(
                "Cost: 30 credits x $0.005 = $0.15; per day with data 5.0 credits ($0.025)."
            ),
            "{text}"
        );
    }

    #[test]
    fn long_alerts_wrap_at_spaces_without_losing_words() {
        let text = "Low activity: only 300,000 new views today, below the 500,000 minimum set for this campaign.";
        let lines = wrap(text, 30);
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }
}
