//! What a delivery says, in each sink's format: the JSON body of a webhook (and of a `file`
//! sink), Slack Block Kit with a plain-text fallback, and email as plain text plus HTML.
//! A message is one alert, or a client's digest of one day. Pure.

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::outbox::OutboxEntry;
use crate::domain::Severity;
use crate::report::cells::{approx, percent, thousands};
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
}

/// Slack's limits (api.slack.com/reference/block-kit): 3,000 characters of section text, 150
/// of header text, 50 blocks a message; the fallback `text` is kept well inside 40,000.
const SLACK_SECTION_CHARS: usize = 3_000;
const SLACK_HEADER_CHARS: usize = 150;
const SLACK_MAX_BLOCKS: usize = 50;
const SLACK_TEXT_CHARS: usize = 4_000;

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
            for item in items {
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
            }
        }
        out
    }

    /// HTML for email: the same content as `text`, escaped, with inline styles only.
    pub fn html(&self) -> String {
        let mut out = format!(
            "<div style=\"font-family:sans-serif\"><h2 style=\"margin:0 0 8px\">{}</h2>",
            escape(&self.subject())
        );
        for (campaign, items) in self.by_campaign() {
            out.push_str(&format!(
                "<h3 style=\"margin:12px 0 4px\">{} <span style=\"color:#666;font-weight:normal\">{}</span></h3><ul>",
                escape(campaign),
                self.date
            ));
            for item in items {
                let e = item.entry;
                out.push_str(&format!(
                    "<li><b style=\"color:{}\">{}</b> <code>{}</code>{}: {}",
                    severity_colour(e.severity),
                    severity_label(e.severity),
                    escape(&e.alert().label()),
                    if item.ongoing {
                        " <i>(still ongoing)</i>"
                    } else {
                        ""
                    },
                    escape(&e.message)
                ));
                if let Some(figures) = figures_line(e) {
                    out.push_str(&format!(
                        "<br><span style=\"color:#666\">{}</span>",
                        escape(&figures)
                    ));
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        out.push_str("</div>");
        out
    }

    /// A Slack incoming-webhook payload: Block Kit, with `text` as the notification and
    /// fallback, inside Slack's size limits. Every text in it is escaped, the fallback and
    /// header included: Slack reads `<!channel>` or `<https://x|label>` in any of them as a
    /// mention or a link, and alert messages carry plugins' and the API's text.
    pub fn slack(&self) -> Value {
        let mut blocks = vec![json!({
            "type": "header",
            "text": {"type": "plain_text", "text": cut(&slack_escape(&self.subject()), SLACK_HEADER_CHARS)},
        })];
        let groups = self.by_campaign();
        let mut left_out = 0;
        for (campaign, items) in &groups {
            let mut text = format!("*{}*\n", slack_escape(campaign));
            for item in items {
                let e = item.entry;
                text.push_str(&format!(
                    "{} *{}* `{}`{}: {}\n",
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
                    text.push_str(&format!("    _{}_\n", slack_escape(&figures)));
                }
            }
            // Leave room for the last block that says what did not fit.
            if blocks.len() >= SLACK_MAX_BLOCKS - 2 {
                left_out += items.len();
                continue;
            }
            blocks.push(json!({
                "type": "section",
                "text": {"type": "mrkdwn", "text": cut(&text, SLACK_SECTION_CHARS)},
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
}

/// The day's key figures in a line, each no more precise than it is known.
fn figures_line(entry: &OutboxEntry) -> Option<String> {
    let f = &entry.figures;
    let mut parts = Vec::new();
    if let Some(per_day) = f.new_views_per_day {
        parts.push(format!("new views {} a day", approx(per_day)));
    }
    if let Some(total) = f.total_views {
        parts.push(format!("total views ~{}", thousands(total)));
    }
    if let Some(videos) = f.new_videos_per_day {
        parts.push(format!("new videos {} a day", approx(videos)));
    }
    if let (Some(n), Some(pos), Some(neg)) = (f.new_comments, f.positive_share, f.negative_share) {
        parts.push(format!(
            "{n} new comments: {} positive, {} negative",
            percent(pos),
            percent(neg)
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
            raised_at: 0,
            withdrawn_at: None,
            deliveries: Default::default(),
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
        assert!(text.contains("new views ~870,000 a day"), "{text}");
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

    #[test]
    fn no_mention_link_or_control_character_reaches_slack() {
        let hostile = entry(
            "<!channel>",
            "<https://evil|Click to verify>",
            "<!channel> & <https://evil|Click to verify> \u{1b}[2J\u{202E}",
        );
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
            };
            let mut texts = Vec::new();
            strings(&message.slack(), &mut texts);
            assert!(
                texts.iter().any(|t| t.contains("&lt;!channel&gt;")),
                "{texts:?}"
            );
            for text in &texts {
                assert!(!text.contains('<') && !text.contains('>'), "{text:?}");
                assert!(!text.contains(['\u{1b}', '\u{202E}']), "{text:?}");
            }
        }
    }
}
