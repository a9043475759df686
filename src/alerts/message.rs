//! What a delivery says, in each sink's format: the JSON body of a webhook (and of a `file`
//! sink), Slack Block Kit with a plain-text fallback, and email as plain text plus HTML.
//! A message is one alert, or a client's digest of one day. Pure.
//!
//! Each alert carries its rule's sentence, the day's key figures, the videos that drove a
//! growth alert and the comments a sentiment alert quotes (each with its link), and a link to
//! the campaign-day's report when `report_url` is set. Numbers are written by `figures`, as
//! the rules write theirs, so one figure never reads two ways in one message.

use chrono::NaiveDate;
use figures::{about, bounded, percent, thousands};
use serde_json::{Value, json};

use super::evidence::{Driver, Quote};
use super::outbox::OutboxEntry;
use crate::config::ReportUrl;
use crate::domain::Severity;
use crate::text_safety::{Lines, strip_controls};

/// One alert as a message carries it.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    pub entry: &'a OutboxEntry,
    /// Fired on the previous day too and within the cooldown: listed, not news.
    pub ongoing: bool,
}

/// What one delivery carries.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    /// A stable id: the alert's for one alert, the client-day's (and its alerts') for a digest.
    pub id: String,
    pub client_name: String,
    pub date: NaiveDate,
    pub digest: bool,
    pub items: Vec<Item<'a>>,
    /// `[settings] report_url`: each campaign-day links to its report.
    pub report_url: Option<ReportUrl>,
}

/// Slack's limits (api.slack.com/reference/block-kit): 3,000 characters of section text, 150
/// of header text, 50 blocks a message; the fallback `text` is kept well inside 40,000.
const SLACK_SECTION_CHARS: usize = 3_000;
const SLACK_HEADER_CHARS: usize = 150;
const SLACK_MAX_BLOCKS: usize = 50;
const SLACK_TEXT_CHARS: usize = 4_000;

/// The headings of an alert's drivers and quotes, the same in every format.
const DRIVERS_HEADING: &str = "Videos behind it";
const QUOTES_HEADING: &str = "New negative comments";

impl Message<'_> {
    pub fn subject(&self) -> String {
        if self.digest {
            let news = self.items.iter().filter(|i| !i.ongoing).count();
            format!(
                "{}: {} alert{} on {} ({} new)",
                self.client_name,
                self.items.len(),
                if self.items.len() == 1 { "" } else { "s" },
                self.date,
                news
            )
        } else {
            let entry = self.items[0].entry;
            format!(
                "[{}] {} / {}: {}",
                severity_label(entry.severity),
                self.client_name,
                entry.campaign_id,
                entry.alert().label()
            )
        }
    }

    /// The webhook body (also what a `file` sink writes).
    pub fn json(&self) -> Value {
        let alert = |item: &Item| {
            let e = item.entry;
            json!({
                "id": e.id(),
                "client": e.client_id,
                "client_name": self.client_name,
                "campaign": e.campaign_id,
                "date": e.date.to_string(),
                "rule": e.rule,
                "plugin": e.plugin,
                "severity": e.severity,
                "message": e.message,
                "ongoing": item.ongoing,
                "figures": e.figures,
                "drivers": e.drivers,
                "quotes": e.quotes,
                "report_url": self.report_link(e),
            })
        };
        if self.digest {
            json!({
                "type": "digest",
                "id": self.id,
                "client": self.items[0].entry.client_id,
                "client_name": self.client_name,
                "date": self.date.to_string(),
                "alerts": self.items.iter().map(alert).collect::<Vec<_>>(),
            })
        } else {
            let mut body = alert(&self.items[0]);
            body["type"] = json!("alert");
            body
        }
    }

    /// Plain text: the email body and the base of Slack's fallback.
    pub fn text(&self) -> String {
        let mut out = format!("{}\n", self.subject());
        for (campaign, items) in self.by_campaign() {
            out.push_str(&format!("\n{campaign} ({})\n", self.date));
            for item in &items {
                let e = item.entry;
                let ongoing = if item.ongoing { " (still ongoing)" } else { "" };
                out.push_str(&format!(
                    "- {} {}{ongoing}: {}\n",
                    severity_label(e.severity),
                    e.alert().label(),
                    e.message
                ));
                if let Some(figures) = figures_line(e) {
                    out.push_str(&format!("  {figures}\n"));
                }
                let drivers = e
                    .drivers
                    .iter()
                    .map(|d| format!("{}{}", driver_words(d), plain_link(d.url.as_deref())));
                let quotes = e
                    .quotes
                    .iter()
                    .map(|q| format!("{}{}", quote_words(q), plain_link(q.url.as_deref())));
                for (heading, lines) in [
                    (DRIVERS_HEADING, drivers.collect::<Vec<_>>()),
                    (QUOTES_HEADING, quotes.collect()),
                ] {
                    if !lines.is_empty() {
                        out.push_str(&format!("  {heading}:\n"));
                    }
                    for line in lines {
                        out.push_str(&format!("    {line}\n"));
                    }
                }
            }
            if let Some(url) = self.report_link(items[0].entry) {
                out.push_str(&format!("Report: {url}\n"));
            }
        }
        out
    }

    /// HTML for email: the same content as `text`, escaped, with inline styles only.
    pub fn html(&self) -> String {
        let mut out = format!(
            "<div style=\"font-family:sans-serif\"><h2 style=\"margin:0 0 8px\">{}</h2>",
            html_escape(&self.subject())
        );
        for (campaign, items) in self.by_campaign() {
            out.push_str(&format!(
                "<h3 style=\"margin:12px 0 4px\">{} <span style=\"color:#666;font-weight:normal\">{}</span></h3><ul>",
                html_escape(campaign),
                self.date
            ));
            for item in &items {
                let e = item.entry;
                out.push_str(&format!(
                    "<li><b style=\"color:{}\">{}</b> <code>{}</code>{}: {}",
                    severity_colour(e.severity),
                    severity_label(e.severity),
                    html_escape(&e.alert().label()),
                    if item.ongoing {
                        " <i>(still ongoing)</i>"
                    } else {
                        ""
                    },
                    html_escape(&e.message)
                ));
                if let Some(figures) = figures_line(e) {
                    out.push_str(&format!(
                        "<br><span style=\"color:#666\">{}</span>",
                        html_escape(&figures)
                    ));
                }
                if !e.drivers.is_empty() {
                    out.push_str(&format!("<br>{DRIVERS_HEADING}:<ul>"));
                    for driver in &e.drivers {
                        out.push_str(&format!(
                            "<li>{}: {}</li>",
                            html_link(driver.url.as_deref(), &handle(driver)),
                            html_escape(&gain_words(driver))
                        ));
                    }
                    out.push_str("</ul>");
                }
                if !e.quotes.is_empty() {
                    out.push_str(&format!("<br>{QUOTES_HEADING}:<ul>"));
                    for quote in &e.quotes {
                        out.push_str(&format!(
                            "<li><q>{}</q> ({}){}</li>",
                            html_escape(&quote.text),
                            likes(quote.likes),
                            quote.url.as_deref().map_or_else(String::new, |url| format!(
                                " {}",
                                html_link(Some(url), "video")
                            ))
                        ));
                    }
                    out.push_str("</ul>");
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
            if let Some(url) = self.report_link(items[0].entry) {
                out.push_str(&format!(
                    "<p>{}</p>",
                    html_link(Some(&url), &format!("Report: {campaign}, {}", self.date))
                ));
            }
        }
        out.push_str("</div>");
        out
    }

    /// A Slack incoming-webhook payload: Block Kit, with `text` as the notification and
    /// fallback, inside Slack's size limits. Every text in it is escaped, the fallback and
    /// header included: Slack reads `<!channel>` or `<https://x|label>` in any of them as a
    /// mention or a link, and alert messages carry plugins' and the API's text. The only links
    /// are ours, to percent-encoded URLs (`domain::links`, a checked `report_url`).
    pub fn slack(&self) -> Value {
        let mut blocks = vec![json!({
            "type": "header",
            "text": {"type": "plain_text", "text": cut(&slack_escape(&self.subject()), SLACK_HEADER_CHARS)},
        })];
        let groups = self.by_campaign();
        let mut left_out = 0;
        for (campaign, items) in &groups {
            let mut lines = vec![format!("*{}*", slack_escape(campaign))];
            for item in items {
                let e = item.entry;
                lines.push(format!(
                    "{} *{}* `{}`{}: {}",
                    severity_emoji(e.severity),
                    severity_label(e.severity),
                    slack_escape(&e.alert().label()),
                    if item.ongoing {
                        " _(still ongoing)_"
                    } else {
                        ""
                    },
                    slack_escape(&e.message)
                ));
                if let Some(figures) = figures_line(e) {
                    lines.push(format!("    _{}_", slack_escape(&figures)));
                }
                if !e.drivers.is_empty() {
                    let named: Vec<String> = e
                        .drivers
                        .iter()
                        .map(|d| {
                            format!(
                                "{} {}",
                                slack_link(d.url.as_deref(), &handle(d)),
                                slack_escape(&gain_words(d))
                            )
                        })
                        .collect();
                    lines.push(format!("    {DRIVERS_HEADING}: {}", named.join(" · ")));
                }
                for quote in &e.quotes {
                    lines.push(format!(
                        "    “{}” ({}){}",
                        slack_escape(&quote.text),
                        likes(quote.likes),
                        quote.url.as_deref().map_or_else(String::new, |url| format!(
                            " {}",
                            slack_link(Some(url), "video")
                        ))
                    ));
                }
            }
            if let Some(url) = self.report_link(items[0].entry) {
                lines.push(slack_link(
                    Some(&url),
                    &format!("Report: {campaign}, {}", self.date),
                ));
            }
            // Leave room for the last block that says what did not fit.
            if blocks.len() >= SLACK_MAX_BLOCKS - 2 {
                left_out += items.len();
                continue;
            }
            blocks.push(json!({
                "type": "section",
                "text": {"type": "mrkdwn", "text": fit_lines(&lines, SLACK_SECTION_CHARS)},
            }));
        }
        if left_out > 0 {
            blocks.push(json!({
                "type": "section",
                "text": {"type": "mrkdwn", "text": format!("…and {left_out} more alerts: `hashtrack alerts` lists them all.")},
            }));
        }
        blocks.push(json!({
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": format!("hashtrack · {} · {}", self.date, slack_escape(&self.id))}],
        }));
        json!({ "text": cut(&slack_escape(&self.text()), SLACK_TEXT_CHARS), "blocks": blocks })
    }

    /// The items grouped by campaign, campaigns in order.
    fn by_campaign(&self) -> Vec<(&str, Vec<&Item<'_>>)> {
        let mut groups: Vec<(&str, Vec<&Item>)> = Vec::new();
        for item in &self.items {
            let campaign = item.entry.campaign_id.as_str();
            match groups.iter_mut().find(|(c, _)| *c == campaign) {
                Some((_, items)) => items.push(item),
                None => groups.push((campaign, vec![item])),
            }
        }
        groups.sort_by(|a, b| a.0.cmp(b.0));
        groups
    }

    /// The report of `entry`'s campaign-day, when `report_url` is set.
    fn report_link(&self, entry: &OutboxEntry) -> Option<String> {
        self.report_url
            .as_ref()
            .map(|url| url.of(&entry.client_id, &entry.campaign_id, entry.date))
    }
}

/// The day's key figures in a line, each no more precise than it is known and rounded as the
/// rules round theirs.
fn figures_line(entry: &OutboxEntry) -> Option<String> {
    let f = &entry.figures;
    let mut parts = Vec::new();
    if let Some(per_day) = f.new_views_per_day {
        parts.push(bounded(
            per_day,
            f.new_views_per_day_low,
            f.new_views_per_day_high,
            "new views a day",
        ));
    }
    if let Some(total) = f.total_views {
        // Rounded upstream: an estimate, not a count.
        parts.push(format!("about {} views in all", about(total as f64)));
    }
    if let Some(videos) = f.new_videos_per_day {
        parts.push(format!("about {} new videos a day", about(videos)));
    }
    if let Some(n) = f.new_comments.filter(|n| *n > 0) {
        // The counts when kept (the rules' own shares), else the stored shares.
        let share = |count: Option<u32>, stored: Option<f64>| {
            count.map(|c| f64::from(c) / f64::from(n)).or(stored)
        };
        if let (Some(pos), Some(neg)) = (
            share(f.positive_comments, f.positive_share),
            share(f.negative_comments, f.negative_share),
        ) {
            parts.push(format!(
                "{} new comments: {} positive, {} negative",
                thousands(u64::from(n)),
                percent(pos),
                percent(neg)
            ));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// `@ann`: a driver's creator as shown.
fn handle(driver: &Driver) -> String {
    format!("@{}", driver.creator)
}

/// What a driver did: `+300,000 plays a day` (exact plays, gained since its previous sample)
/// or, for a video new that day, `70,000 plays`.
fn gain_words(driver: &Driver) -> String {
    match driver.plays_gained_per_day {
        Some(gained) => format!("+{} plays a day", thousands(gained)),
        None => format!("{} plays", thousands(driver.plays)),
    }
}

/// `@ann: +300,000 plays a day`.
fn driver_words(driver: &Driver) -> String {
    format!("{}: {}", handle(driver), gain_words(driver))
}

/// `“broke me out” (12 likes)`.
fn quote_words(quote: &Quote) -> String {
    format!("“{}” ({})", quote.text, likes(quote.likes))
}

fn likes(n: u64) -> String {
    format!("{} like{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// `: https://…` after a plain-text line, or nothing.
fn plain_link(url: Option<&str>) -> String {
    url.map_or_else(String::new, |url| format!(": {url}"))
}

/// A link when there is a URL, else the label alone; both escaped.
fn html_link(url: Option<&str>, label: &str) -> String {
    match url {
        Some(url) => format!(
            "<a href=\"{}\">{}</a>",
            html_escape(url),
            html_escape(label)
        ),
        None => html_escape(label),
    }
}

/// Slack's `<url|label>` when there is a URL, else the label alone. Our URLs carry no `<`, `>`
/// or `|` (percent-encoded, or refused in `report_url`); `&` is escaped as Slack asks.
fn slack_link(url: Option<&str>, label: &str) -> String {
    match url {
        Some(url) => format!("<{}|{}>", slack_escape(url), slack_escape(label)),
        None => slack_escape(label),
    }
}

/// Whole lines, in order, as many as fit in `max` characters; a first line too long for it is
/// cut. A line is never cut after the first, so a link is never left half-written.
fn fit_lines(lines: &[String], max: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for (i, line) in lines.iter().enumerate() {
        let needed = line.chars().count() + usize::from(i > 0);
        if used + needed > max {
            if i == 0 {
                return cut(line, max);
            }
            if used + 2 <= max {
                out.push_str("\n…");
            }
            break;
        }
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        used += needed;
    }
    out
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "INFO",
        Severity::Warning => "WARNING",
        Severity::Critical => "CRITICAL",
    }
}

fn severity_emoji(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => ":information_source:",
        Severity::Warning => ":warning:",
        Severity::Critical => ":rotating_light:",
    }
}

fn severity_colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "#2b6cb0",
        Severity::Warning => "#b7791f",
        Severity::Critical => "#c53030",
    }
}

/// At most `max` characters, marked when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max - 1).collect();
    format!("{kept}…")
}

/// Text as HTML text or an attribute value (quoted either way): never markup. For every
/// HTML hashtrack writes by hand (messages, `serve`'s pages and emails).
pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Slack's text needs only these three escaped; control characters go too (a message's text
/// comes from plugins and the API).
fn slack_escape(text: &str) -> String {
    strip_controls(text, Lines::Many)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::outbox::KeyFigures;
    use crate::domain::links::video_url;

    fn entry(campaign: &str, rule: &str, message: &str) -> OutboxEntry {
        OutboxEntry {
            campaign_id: campaign.into(),
            client_id: "glowco".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            rule: rule.into(),
            plugin: "builtin".into(),
            severity: Severity::Critical,
            message: message.into(),
            figures: KeyFigures {
                new_views_per_day: Some(866_123.0),
                ..KeyFigures::default()
            },
            drivers: Vec::new(),
            quotes: Vec::new(),
            raised_at: 0,
            withdrawn_at: None,
            deliveries: Default::default(),
        }
    }

    /// One alert as its own message.
    fn single<'a>(entry: &'a OutboxEntry, report_url: Option<&str>) -> Message<'a> {
        Message {
            id: entry.id(),
            client_name: "GlowCo Skincare".into(),
            date: entry.date,
            digest: false,
            items: vec![Item {
                entry,
                ongoing: false,
            }],
            report_url: report_url.map(|url| ReportUrl::parse(url).unwrap()),
        }
    }

    fn driver(id: &str, creator: &str, gained: u64) -> Driver {
        Driver {
            video_id: id.into(),
            creator: creator.into(),
            url: video_url(creator, id),
            plays_gained_per_day: Some(gained),
            plays: gained * 3,
        }
    }

    fn quote(text: &str, likes: u64) -> Quote {
        Quote {
            text: text.into(),
            likes,
            video_id: "7301".into(),
            url: video_url("ann", "7301"),
        }
    }

    #[test]
    fn a_digest_groups_campaigns_and_marks_what_is_ongoing() {
        let a = entry("glassskin", "negative-sentiment", "Backlash <b>");
        let b = entry("nightroutine", "viral-day", "Viral");
        let message = Message {
            id: "digest".into(),
            client_name: "GlowCo Skincare".into(),
            date: a.date,
            digest: true,
            items: vec![
                Item {
                    entry: &b,
                    ongoing: true,
                },
                Item {
                    entry: &a,
                    ongoing: false,
                },
            ],
            report_url: None,
        };
        let text = message.text();
        assert!(
            text.starts_with("GlowCo Skincare: 2 alerts on 2026-11-03 (1 new)"),
            "{text}"
        );
        assert!(text.find("glassskin").unwrap() < text.find("nightroutine").unwrap());
        assert!(
            text.contains("viral-day [builtin] (still ongoing)"),
            "{text}"
        );
        assert!(text.contains("about 870,000 new views a day"), "{text}");
        assert!(message.html().contains("Backlash &lt;b&gt;"));
        let slack = message.slack();
        assert!(slack["text"].as_str().unwrap().contains("GlowCo Skincare"));
        assert_eq!(slack["blocks"].as_array().unwrap().len(), 4);
        let json = message.json();
        assert_eq!(json["type"], "digest");
        assert_eq!(json["alerts"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn slack_blocks_stay_inside_slacks_limits() {
        let long = "x".repeat(5_000);
        let entries: Vec<OutboxEntry> = (0..80)
            .map(|i| entry(&format!("campaign-{i:02}"), "rule", &long))
            .collect();
        let message = Message {
            id: "digest".into(),
            client_name: "c".repeat(400),
            date: entries[0].date,
            digest: true,
            items: entries
                .iter()
                .map(|entry| Item {
                    entry,
                    ongoing: false,
                })
                .collect(),
            report_url: None,
        };
        let slack = message.slack();
        let blocks = slack["blocks"].as_array().unwrap();
        assert!(blocks.len() <= SLACK_MAX_BLOCKS, "{}", blocks.len());
        assert!(blocks[0]["text"]["text"].as_str().unwrap().chars().count() <= SLACK_HEADER_CHARS);
        for block in blocks.iter().filter(|b| b["type"] == "section") {
            assert!(block["text"]["text"].as_str().unwrap().chars().count() <= SLACK_SECTION_CHARS);
        }
        assert!(slack["text"].as_str().unwrap().chars().count() <= SLACK_TEXT_CHARS);
        assert!(blocks.iter().any(|b| b.to_string().contains("more alerts")));
    }

    /// Every string in a Slack body, wherever it sits.
    fn strings(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }

    /// `text` without our own links (`<https://…|label>` to a URL of URL characters only):
    /// panics on a `<` that does not start one.
    fn without_our_links(text: &str) -> String {
        let mut rest = text;
        let mut out = String::new();
        while let Some(start) = rest.find('<') {
            out.push_str(&rest[..start]);
            let link = &rest[start + 1..];
            let end = link
                .find('>')
                .unwrap_or_else(|| panic!("unclosed: {text:?}"));
            let (url, label) = link[..end]
                .split_once('|')
                .unwrap_or_else(|| panic!("not our link: {text:?}"));
            assert!(url.starts_with("https://"), "{text:?}");
            assert!(
                url.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "%-._~/:@?=&;".contains(c)),
                "{url:?}"
            );
            assert!(!label.contains('<'), "{label:?}");
            out.push_str(label);
            rest = &link[end + 1..];
        }
        out + rest
    }

    #[test]
    fn no_mention_link_or_control_character_reaches_slack() {
        let mut hostile = entry(
            "<!channel>",
            "<https://evil|Click to verify>",
            "<!channel> & <https://evil|Click to verify> \u{1b}[2J\u{202E}",
        );
        hostile.drivers = vec![
            driver("1", "<https://evil|x>", 5),
            driver("2|<!here>", "ann", 4),
        ];
        hostile.quotes = vec![quote("<!channel> <https://evil|Click> \u{202E}", 3)];
        for digest in [false, true] {
            let message = Message {
                id: "<!here>".into(),
                client_name: "<!everyone>".into(),
                date: hostile.date,
                digest,
                items: vec![Item {
                    entry: &hostile,
                    ongoing: false,
                }],
                report_url: Some(
                    ReportUrl::parse("https://r.example/{campaign}?d={date}").unwrap(),
                ),
            };
            let mut texts = Vec::new();
            strings(&message.slack(), &mut texts);
            assert!(
                texts.iter().any(|t| t.contains("&lt;!channel&gt;")),
                "{texts:?}"
            );
            assert!(
                texts
                    .iter()
                    .any(|t| t.contains("<https://r.example/%3C%21channel%3E?d=2026-11-03|")),
                "{texts:?}"
            );
            for text in &texts {
                let text = without_our_links(text);
                assert!(!text.contains('<') && !text.contains('>'), "{text:?}");
                assert!(!text.contains(['\u{1b}', '\u{202E}']), "{text:?}");
            }
        }
    }

    #[test]
    fn a_viral_alert_names_its_videos_with_links_in_every_format() {
        let mut viral = entry(
            "glassskin",
            "viral-day",
            "Viral day: about 1.1 M new views a day.",
        );
        viral.figures = KeyFigures {
            new_views_per_day: Some(1_090_000.0),
            new_views_per_day_low: Some(745_000.0),
            total_views: Some(48_360_600),
            ..KeyFigures::default()
        };
        viral.drivers = vec![
            driver("7301", "ann", 300_000),
            driver("7302", "bob&co", 150_000),
        ];
        let report = "https://reports.agency.example/{client}/{campaign}?date={date}";
        let message = single(&viral, Some(report));
        let link = "https://www.tiktok.com/@ann/video/7301";
        let report_link = "https://reports.agency.example/glowco/glassskin?date=2026-11-03";

        let text = message.text();
        assert!(
            text.contains("about 1.1 M new views a day (at least 740,000)"),
            "{text}"
        );
        assert!(text.contains("about 48 M views in all"), "{text}");
        assert!(
            text.contains(&format!("@ann: +300,000 plays a day: {link}")),
            "{text}"
        );
        assert!(text.contains(&format!("Report: {report_link}")), "{text}");
        // One rounding: the figure is never written another way.
        for other in ["1,090,000", "1,100,000", "745,000", "48,360,600", "~"] {
            assert!(!text.contains(other), "{other} in {text}");
        }

        let html = message.html();
        assert!(
            html.contains(&format!(
                "<a href=\"{link}\">@ann</a>: +300,000 plays a day"
            )),
            "{html}"
        );
        assert!(html.contains("@bob&amp;co"), "{html}");
        assert!(
            html.contains(&format!("<a href=\"{report_link}\">")),
            "{html}"
        );

        let slack = message.slack().to_string();
        assert!(
            slack.contains(&format!("<{link}|@ann> +300,000 plays a day")),
            "{slack}"
        );
        assert!(slack.contains("|@bob&amp;co>"), "{slack}");
        assert!(
            slack.contains(&format!("<{report_link}|Report: glassskin, 2026-11-03>")),
            "{slack}"
        );

        let json = message.json();
        assert_eq!(json["drivers"][0]["video_id"], "7301");
        assert_eq!(json["drivers"][0]["creator"], "ann");
        assert_eq!(json["drivers"][0]["url"], link);
        assert_eq!(json["drivers"][0]["plays_gained_per_day"], 300_000);
        assert_eq!(json["report_url"], report_link);
        assert_eq!(json["quotes"], json!([]));
    }

    #[test]
    fn a_sentiment_alert_quotes_its_comments_and_says_its_shares_as_the_rule_does() {
        let mut backlash = entry(
            "glassskin",
            "negative-sentiment",
            "Negative sentiment: only 59% of 46 new comments were positive.",
        );
        backlash.figures = KeyFigures {
            new_comments: Some(46),
            positive_share: Some(0.587),
            negative_share: Some(0.304),
            positive_comments: Some(27),
            negative_comments: Some(14),
            ..KeyFigures::default()
        };
        backlash.quotes = vec![quote("broke me out <b>", 1), quote("refund please", 1_200)];
        let message = single(&backlash, None);
        let text = message.text();
        assert!(
            text.contains("46 new comments: 59% positive, 30% negative"),
            "{text}"
        );
        assert!(text.contains("New negative comments:"), "{text}");
        assert!(
            text.contains("“broke me out <b>” (1 like): https://www.tiktok.com/@ann/video/7301"),
            "{text}"
        );
        assert!(text.contains("“refund please” (1,200 likes)"), "{text}");
        assert!(!text.contains("Report:"), "{text}");
        assert!(
            message
                .html()
                .contains("<q>broke me out &lt;b&gt;</q> (1 like)")
        );
        let slack = message.slack().to_string();
        assert!(
            slack.contains(
                "“broke me out &lt;b&gt;” (1 like) <https://www.tiktok.com/@ann/video/7301|video>"
            ),
            "{slack}"
        );
        let json = message.json();
        assert_eq!(json["quotes"][1]["text"], "refund please");
        assert_eq!(json["quotes"][1]["likes"], 1_200);
        assert_eq!(json["quotes"][1]["video_id"], "7301");
        assert_eq!(json["report_url"], Value::Null);
    }
}
