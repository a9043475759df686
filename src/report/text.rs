//! The text report: sections with aligned columns for a terminal, thousands separators, no
//! colours. A 7-day report of one campaign fits in about 60 lines. Unknown values print as
//! `n/a` and dates without data as `no data`, never as 0.

use chrono::NaiveDate;

use super::cells::{
    UNKNOWN, approx, column, column_width, one_line, or_unknown, percent, score, thousands,
    two_figures, usd, whole,
};
use super::episodes::episodes;
use super::sparkline::sparkline;
use super::summary::Summary;
use super::{
    Audience, CampaignReport, Change, ClientRollup, Comparison, DayStatus, MIN_COMMENTS_TO_JUDGE,
    ReportDay, ShareOfVoice,
};
use crate::domain::{AlertsOutcome, SentimentOutcome, Severity, VideoCountSource};

/// Notes, reasons and alert messages are cut to about one terminal line.
const NOTE_CHARS: usize = 72;
/// Alert messages are what a client acts on: kept whole (up to this), wrapped to fit.
const ALERT_CHARS: usize = 300;
const ALERT_LINE_CHARS: usize = 72;
/// The summary's lines: the report's full width, indented.
const SUMMARY_LINE_CHARS: usize = 96;
/// A day with many failures lists this many notes and a count of the rest.
const NOTES_PER_DAY: usize = 3;
/// A caption is cut to this many characters to fit the video table's column.
const CAPTION_COLUMN_CHARS: usize = 40;
/// A handle column is as wide as its longest handle up to this: TikTok allows 24 characters,
/// so a real handle is always whole; a longer one (hostile data) is cut.
const HANDLE_COLUMN_MAX: usize = 32;
/// Campaign ids and hashtags come from the config; a column of them is at most this wide.
const NAME_COLUMN_MAX: usize = 40;

/// Reports one after another, a blank line between them.
pub fn render(reports: &[CampaignReport], audience: Audience) -> String {
    use rayon::prelude::*;
    reports
        .par_iter()
        .map(|report| render_campaign(report, audience))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A client's campaigns side by side: the headline figures of each, one row per campaign.
pub fn render_rollup(rollup: &ClientRollup) -> String {
    let width = column_width(
        "Campaign",
        rollup.rows.iter().map(|r| r.name.as_str()),
        NAME_COLUMN_MAX,
    );
    let mut lines = vec![format!(
        "{}: {} campaign(s)",
        rollup.client_name,
        rollup.rows.len()
    )];
    lines.push(format!(
        "  {} {:<24} {:>13} {:>8} {:>8} {:>8} {:>10} {:>6}",
        column("Campaign", width),
        "Period",
        "New views/day",
        "Videos/d",
        "Comments",
        "Positive",
        "Engagement",
        "Alerts"
    ));
    for row in &rollup.rows {
        let h = &row.headline;
        lines.push(format!(
            "  {} {:<24} {:>13} {:>8} {:>8} {:>8} {:>10} {:>6}",
            column(&row.name, width),
            format!("{} to {}", row.from, row.to),
            or_unknown(h.new_views_per_day, approx),
            or_unknown(h.new_videos_per_day, one_decimal),
            or_unknown(h.new_comments, whole),
            or_unknown(h.positive_ratio, percent),
            or_unknown(h.engagement_rate, percent),
            or_unknown(h.alerts, whole),
        ));
    }
    lines.push(
        "  New views/day: estimates; Videos/d: the API's counts; Comments: new comments scored."
            .into(),
    );
    lines.join("\n") + "\n"
}

/// One campaign's report: what [`render`] puts between blank lines.
pub fn render_campaign(report: &CampaignReport, audience: Audience) -> String {
    let mut lines = Vec::new();
    coverage(&mut lines, report);
    let summary = Summary::of(report);
    opening(&mut lines, &summary);
    if let Some(comparison) = report.comparison.as_ref().filter(|_| !summary.first_period) {
        compared(&mut lines, report, comparison);
    }
    growth(&mut lines, report);
    participation(&mut lines, report);
    if let Some(voice) = &report.share_of_voice {
        share_of_voice(&mut lines, voice);
    }
    sentiment(&mut lines, report);
    creators(&mut lines, report);
    videos(&mut lines, report);
    quality_and_alerts(&mut lines, report);
    if audience == Audience::Internal {
        cost(&mut lines, report);
    }
    lines.join("\n") + "\n"
}

/// The summary first: the headline figures with their changes, then what happened in words.
fn opening(lines: &mut Vec<String>, summary: &Summary) {
    let tiles: Vec<String> = summary
        .tiles
        .iter()
        .map(|tile| match &tile.change {
            Some(c) => format!(
                "{}: {} ({}, {})",
                tile.label,
                tile.value,
                c.direction.word(),
                c.text
            ),
            None => format!("{}: {}", tile.label, tile.value),
        })
        .collect();
    let mut said = vec![tiles.join(" | ") + "."];
    said.extend(summary.sentences.iter().cloned());
    if summary.first_period {
        said.push("First period: nothing before it to compare with yet.".into());
    }
    for text in said {
        let text = one_line(&text, 2 * ALERT_CHARS);
        lines.extend(
            wrap(&text, SUMMARY_LINE_CHARS)
                .into_iter()
                .map(|l| format!("  {l}")),
        );
    }
}

/// Who and when, then which dates have no data and what partial days lack.
fn coverage(lines: &mut Vec<String>, r: &CampaignReport) {
    let tags: Vec<String> = r.hashtags.iter().map(|t| format!("#{t}")).collect();
    lines.push(format!(
        "{} ({}) for {}: {}",
        r.name,
        r.campaign_id,
        r.client_name,
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

/// The growth curve and the sample's daily intake, one row per date. New views are an
/// estimate per day with the evidence it rests on, never a bare rounding step.
fn growth(lines: &mut Vec<String>, r: &CampaignReport) {
    lines.push(String::new());
    lines.push("Growth and participation".into());
    lines.push(format!(
        "  {:<10} {:>12} {:>13}  {:<32} {:>11} {:>7} {:>6}",
        "Date", "Total views", "New views/day", "Evidence", "Videos", "New/day", "New in"
    ));
    for day in &r.days {
        if day.status == DayStatus::NoData {
            lines.push(format!("  {}     no data", day.date));
            continue;
        }
        let videos = match (day.total_videos, day.videos_seen) {
            (Some(total), _) => thousands(total),
            (None, Some(seen))
                if day.video_count_source == Some(VideoCountSource::DistinctVideosSeen) =>
            {
                format!(">={} seen", thousands(seen))
            }
            _ => UNKNOWN.to_string(),
        };
        let new_videos = day
            .new_videos
            .zip(day.span_days)
            .map(|(n, span)| n as f64 / f64::from(span.max(1)));
        let (estimate, evidence) = new_views(day);
        lines.push(format!(
            "  {} {:>12} {:>13}  {:<32} {:>11} {:>7} {:>6}",
            day.date,
            or_unknown(day.total_views, thousands),
            estimate,
            evidence,
            videos,
            or_unknown(new_videos, approx_signed),
            or_unknown(day.new_tracked_videos, |n| thousands(n.into())),
        ));
        if let Some(on) = day.collected_on {
            lines.push(format!("  {:<10} (collected on {on} for {})", "", day.date));
        }
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
    for note in [
        "  New views/day are estimates: the API rounds totals to 3 significant figures, so they",
        "  move in steps (\"step\"); the tracked videos' plays are exact (\"+N tracked\": gained",
        "  for sure) and, scaled by their share of the views, carry the estimate. \"(3d)\": a",
        "  change since a run 3 days earlier, shown per day. \"New in\": new in the sample.",
    ] {
        lines.push(note.to_string());
    }
}

/// `~450` or `~4,000 (3d)` per day, and its evidence: `+312 tracked, step 100,000`.
fn new_views(day: &ReportDay) -> (String, String) {
    let Some(g) = &day.view_growth else {
        let why = if day.span_days.is_none() {
            "first day"
        } else {
            "no usable totals or sample"
        };
        return (UNKNOWN.to_string(), why.to_string());
    };
    let span = if g.span_days > 1 {
        format!(" ({}d)", g.span_days)
    } else {
        String::new()
    };
    let mut evidence = format!("+{} tracked", thousands(g.tracked_change));
    if let Some(step) = g.totals_step.filter(|s| *s > 1) {
        evidence.push_str(&format!(", step {}", thousands(step)));
    }
    (format!("{}{span}", approx(g.per_day)), evidence)
}

fn approx_signed(x: f64) -> String {
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}{}", thousands(two_figures(x.abs())))
}

fn participation(lines: &mut Vec<String>, r: &CampaignReport) {
    let p = &r.participation;
    lines.push(match p.average_new_videos {
        Some(avg) => format!(
            "  New videos per day: {} on average (the API's counts), over {} days with a known change.",
            one_decimal(avg),
            p.days_with_new_videos
        ),
        None => "  New videos per day: unknown (the API gave no two comparable video counts).".into(),
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
            "  {}: the API reported 0 videos, so the total is unknown; \">=N seen\" is a lower bound.",
            date_ranges(&p.video_count_fallback_dates)
        ));
    }
    let by_day: Vec<f64> = r.days.iter().filter_map(|d| d.engagement_rate).collect();
    let range = match (
        by_day.iter().copied().reduce(f64::min),
        by_day.iter().copied().reduce(f64::max),
    ) {
        (Some(low), Some(high)) => format!("; by day {} to {}", percent(low), percent(high)),
        _ => String::new(),
    };
    lines.push(format!(
        "  Engagement rate of tracked videos, (likes+comments+shares)/plays: {}{range}.",
        or_unknown(p.engagement_rate, percent),
    ));
}

/// The campaign's hashtags beside its competitors', and its share of all their views.
fn share_of_voice(lines: &mut Vec<String>, v: &ShareOfVoice) {
    lines.push(String::new());
    lines.push(format!(
        "Competitors and share of voice (totals on {}, as the API reports them)",
        v.date
    ));
    let width = column_width(
        "Hashtag",
        v.rows.iter().map(|r| r.label.as_str()),
        NAME_COLUMN_MAX,
    );
    lines.push(format!(
        "  {} {:>14} {:>16} {:>10}",
        column("Hashtag", width),
        "Total views",
        "Gained (period)",
        "Videos"
    ));
    for row in &v.rows {
        lines.push(format!(
            "  {} {:>14} {:>16} {:>10}",
            column(&row.label, width),
            thousands(row.views),
            or_unknown(row.views_gained, |g| if g < 0 {
                format!(
                    "-{}",
                    approx(g.unsigned_abs() as f64).trim_start_matches('~')
                )
            } else {
                approx(g as f64)
            }),
            or_unknown(row.videos, thousands),
        ));
    }
    lines.push(format!(
        "  Share of voice: {} of views, {} of videos (the campaign's total over its own and its",
        percent(v.views_share),
        or_unknown(v.videos_share, percent)
    ));
    lines.push("  competitors' totals that day; totals are rounded by the API).".into());
}

/// New comments per day (what commenters say now) beside the running total.
fn sentiment(lines: &mut Vec<String>, r: &CampaignReport) {
    lines.push(String::new());
    lines.push("Sentiment of new comments (written since the previous run), and to date".into());
    lines.push(format!(
        "  {:<10} {:>6} {:>9} {:>8} {:>9} {:>9} {:>6}   {:>8} {:>9}",
        "Date", "New", "Positive", "Neutral", "Negative", "Share +", "Mean", "To date", "Share +"
    ));
    for day in &r.days {
        let to_date = day
            .sentiment_to_date
            .as_ref()
            .map_or_else(String::new, |t| {
                format!(
                    "   {:>8} {:>9}",
                    thousands(t.comments.into()),
                    percent(t.positive_ratio)
                )
            });
        let why = match &day.sentiment {
            Some(SentimentOutcome::Scored(s)) => {
                let few = s.comments < MIN_COMMENTS_TO_JUDGE;
                lines.push(format!(
                    "  {} {:>6} {:>9} {:>8} {:>9} {:>9} {:>6}{to_date}{}",
                    day.date,
                    thousands(s.comments.into()),
                    thousands(s.positive.into()),
                    thousands(s.neutral.into()),
                    thousands(s.negative.into()),
                    if few {
                        "-".to_string()
                    } else {
                        percent(s.positive_ratio)
                    },
                    if few {
                        "-".to_string()
                    } else {
                        score(s.mean_score)
                    },
                    if few { "  (too few to judge)" } else { "" },
                ));
                continue;
            }
            Some(SentimentOutcome::Unavailable { reason }) => format!("unavailable: {reason}"),
            Some(SentimentOutcome::NotCollected { reason, .. }) => format!("none: {reason}"),
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
            "  Period: {} positive, mean score {}, over {} new comments on {} of {} days.",
            percent(ratio),
            score(mean),
            thousands(s.comments.into()),
            s.scored_days,
            r.period.days
        ),
        _ => "  Period: no day was scored, so there is no trend.".into(),
    });
    if let Some(mix) = s.language_mix() {
        lines.extend(
            wrap(&mix, SUMMARY_LINE_CHARS)
                .into_iter()
                .map(|l| format!("  {l}")),
        );
    }
    if let Some(note) = s.unscored_note() {
        lines.extend(
            wrap(&note, SUMMARY_LINE_CHARS)
                .into_iter()
                .map(|l| format!("  {l}")),
        );
    }
    lines.push(format!(
        "  A day with fewer than {MIN_COMMENTS_TO_JUDGE} new comments is shown but not judged: too few to tell a mood."
    ));
}

fn creators(lines: &mut Vec<String>, r: &CampaignReport) {
    lines.push(String::new());
    lines.push("Top creators: collaboration leads (latest plays of each distinct video)".into());
    if r.top_creators.is_empty() {
        lines.push("  none tracked in the period".into());
        return;
    }
    let width = handle_width(r.top_creators.iter().map(|c| c.handle.as_str()));
    lines.push(format!(
        "  {:>2}  {} {:>6} {:>13} {:>10}",
        "#",
        column("Creator", width),
        "Videos",
        "Plays",
        "Engagement"
    ));
    for (rank, c) in r.top_creators.iter().enumerate() {
        lines.push(format!(
            "  {:>2}  {} {:>6} {:>13} {:>10}",
            rank + 1,
            column(&handle(&c.handle), width),
            thousands(c.videos.into()),
            thousands(c.plays),
            or_unknown(c.engagement_rate(), percent)
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
    let width = handle_width(r.top_videos.iter().map(|v| v.creator.as_str()));
    lines.push(format!(
        "  {:>2}  {:>13} {:>10}  {} {:<10}  Caption",
        "#",
        "Plays",
        "Engagement",
        column("Creator", width),
        "First seen"
    ));
    for (rank, v) in r.top_videos.iter().enumerate() {
        lines.push(format!(
            "  {:>2}  {:>13} {:>10}  {} {}  {}",
            rank + 1,
            thousands(v.plays),
            or_unknown(v.engagement_rate, percent),
            column(&handle(&v.creator), width),
            v.first_seen,
            one_line(&v.caption, CAPTION_COLUMN_CHARS)
        ));
    }
}

/// The short closing sections: views per video and alerts.
fn quality_and_alerts(lines: &mut Vec<String>, r: &CampaignReport) {
    let vpv = &r.views_per_video;
    lines.push(String::new());
    lines.push(match (vpv.latest, vpv.latest_date) {
        (Some(latest), Some(date)) => format!(
            "Views per video: {}{} on {date}; {} on average over days counted by the API.",
            whole(latest),
            if vpv.latest_from_fallback { "*" } else { "" },
            or_unknown(vpv.period_average, whole)
        ),
        _ => "Views per video: not known (no day has both the API's view and video counts).".into(),
    });

    lines.push(String::new());
    lines.push("Alerts (a rule firing day after day is one row)".into());
    if r.alerts.is_empty() {
        lines.push("  none raised".into());
    }
    for e in episodes(&r.alerts, r.period.to) {
        let severity = match e.severity {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "CRITICAL",
        };
        let when = if e.ongoing {
            format!("{} (ongoing)", e.dates())
        } else {
            e.dates()
        };
        lines.push(format!("  {:<22} {severity:<8} {when}", e.title()));
        let text = one_line(&e.message, ALERT_CHARS);
        for part in wrap(&text, ALERT_LINE_CHARS) {
            lines.push(format!("      {part}"));
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
}

/// A compared figure: its name, its change, how a value is written, and whether the change
/// is in percentage points (of a share) rather than in percent.
type ComparedRow<'a> = (&'a str, &'a Change, fn(f64) -> String, bool);

/// The headline figures against the previous period of the same length.
fn compared(lines: &mut Vec<String>, r: &CampaignReport, c: &Comparison) {
    lines.push(String::new());
    lines.push(format!(
        "Compared with the previous {} days ({} to {})",
        r.period.days, c.previous.from, c.previous.to
    ));
    let rows: [ComparedRow; 5] = [
        ("New views/day", &c.new_views_per_day, approx, false),
        (
            "New videos/day",
            &c.new_videos_per_day,
            |x| format!("{x:.1}"),
            false,
        ),
        ("New comments", &c.new_comments, whole, false),
        ("Positive share", &c.positive_ratio, percent, true),
        ("Alerts", &c.alerts, whole, false),
    ];
    for (name, change, show, in_points) in rows {
        let now = or_unknown(change.now, show);
        let before = or_unknown(change.before, show);
        let difference = match (change.delta, in_points) {
            (None, _) => "change unknown".to_string(),
            (Some(delta), true) => format!("{:+.1} points", delta * 100.0),
            (Some(delta), false) => {
                let sign = if delta < 0.0 { "-" } else { "+" };
                let percent = change
                    .percent
                    .map_or_else(String::new, |p| format!(" ({p:+.0}%)"));
                format!(
                    "{sign}{}{percent}",
                    show(delta.abs()).trim_start_matches('~')
                )
            }
        };
        lines.push(format!(
            "  {name:<15} {now:>12}  (was {before}): {difference}"
        ));
    }
}

/// What monitoring cost: for the agency, not its client.
fn cost(lines: &mut Vec<String>, r: &CampaignReport) {
    let c = &r.cost;
    lines.push(String::new());
    lines.push(format!(
        "Internal: cost {} credits x {} = {}; per day with data {} credits ({}).",
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

/// A creator's handle in full (up to [`HANDLE_COLUMN_MAX`]): it is how a client finds the
/// creator.
fn handle(h: &str) -> String {
    format!("@{h}")
}

/// The width of a handle column: the longest handle, at least the header's.
fn handle_width<'a>(handles: impl Iterator<Item = &'a str>) -> usize {
    let handles: Vec<String> = handles.map(handle).collect();
    column_width(
        "Creator",
        handles.iter().map(String::as_str),
        HANDLE_COLUMN_MAX,
    )
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
    use super::super::{Audience, ReportFormat, build_report, render};
    use super::wrap;
    use crate::domain::SentimentOutcome;
    use crate::fixtures::{campaign, date, day, video, week};

    fn week_report() -> String {
        let report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        render(&[report], ReportFormat::Text, Audience::Internal)
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
        // 60 lines of figures and a few of summary before them.
        assert!(text.lines().count() <= 66, "{} lines", text.lines().count());
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
    fn growth_is_a_per_day_estimate_with_its_evidence_and_span() {
        let text = week_report();
        let row = text
            .lines()
            .find(|l| l.starts_with("  2026-11-05"))
            .unwrap();
        // 2026-11-04 has no data: the change covers two days, shown per day.
        assert!(row.contains("~380,000 (2d)"), "{row}");
        assert!(row.contains("+41,200 tracked, step 100"), "{row}");
        let first = text
            .lines()
            .find(|l| l.starts_with("  2026-11-01"))
            .unwrap();
        assert!(first.contains("first day"), "{first}");
        assert!(
            text.contains("rounds totals to 3 significant figures"),
            "{text}"
        );
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
            unscored: Default::default(),
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
            Audience::Client,
        );
        let rows = section(&text, "Sentiment");
        assert!(
            rows[2].ends_with("none: no videos to read comments from"),
            "{rows:#?}"
        );
        assert_eq!(
            rows[3],
            "  Period: no day was scored, so there is no trend."
        );
        let week = week_report();
        let few = section(&week, "Sentiment")
            .into_iter()
            .find(|l| l.starts_with("  2026-11-01"))
            .unwrap();
        assert!(few.ends_with("(too few to judge)"), "{few}");
        assert!(!rows.iter().any(|l| l.contains("0.0%")), "{rows:#?}");
    }

    #[test]
    fn an_unknown_video_count_is_a_lower_bound_never_the_sample() {
        let text = week_report();
        let row = text
            .lines()
            .find(|l| l.starts_with("  2026-11-07"))
            .unwrap();
        assert!(row.contains(">=57 seen"), "{row}");
        assert!(
            text.contains("2026-11-07: the API reported 0 videos, so the total is unknown"),
            "{text}"
        );
    }

    #[test]
    fn the_internal_cost_line_multiplies_credits_by_price_and_is_not_for_the_client() {
        let text = week_report();
        assert!(
            text.contains(
                "Internal: cost 30 credits x $0.005 = $0.15; per day with data 5.0 credits ($0.025)."
            ),
            "{text}"
        );
        let report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        let for_client = render(&[report], ReportFormat::Text, Audience::Client);
        assert!(
            !for_client.contains("credits") && !for_client.contains('$'),
            "{for_client}"
        );
    }

    #[test]
    fn the_previous_period_is_compared_in_deltas_and_percent() {
        let mut report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        let mut before = super::super::Headline::of(&report);
        before.new_comments = Some(f64::from(report.sentiment.comments / 2));
        let previous = super::super::Period::ending(date("2026-10-31"), 7);
        report.comparison = Some(super::super::compare(&report, previous, &before));
        let text = render(&[report], ReportFormat::Text, Audience::Client);
        let section = section(
            &text,
            "Compared with the previous 7 days (2026-10-25 to 2026-10-31)",
        );
        let comments = section.iter().find(|l| l.contains("New comments")).unwrap();
        assert!(comments.contains("(+100%)"), "{comments}");
    }

    #[test]
    fn the_client_is_named_and_handles_are_whole() {
        let mut days = week();
        let long = "glowcoserum.official.account";
        for day in &mut days {
            day.videos = vec![video("v1", long, 900, "2026-11-01")];
        }
        let mut report = build_report(&campaign(), &days, date("2026-11-07"), 7, 0.005);
        report.client_name = "Acme Snacks Inc.".into();
        let text = render(&[report], ReportFormat::Text, Audience::Client);
        assert!(
            text.starts_with("Spring launch (spring) for Acme Snacks Inc.:"),
            "{text}"
        );
        assert!(text.contains(&format!("@{long}")), "{text}");
    }

    #[test]
    fn long_alerts_wrap_at_spaces_without_losing_words() {
        let text = "Low activity: only 300,000 new views today, below the 500,000 minimum set for this campaign.";
        let lines = wrap(text, 30);
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }
}
