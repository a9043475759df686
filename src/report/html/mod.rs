//! `report --format html`: one self-contained file (inline CSS and SVG, no script, nothing
//! fetched) that opens offline, travels as an attachment and prints to PDF. The figures are
//! formatted here, as the text report formats them; the template only lays them out.

pub mod charts;

use minijinja::{Environment, Value, context};
use plotters::style::RGBColor;
use serde::Serialize;

pub use crate::config::Branding;

use super::cells::{approx, one_line, or_unknown, percent, thousands, usd, whole};
use super::episodes::episodes;
use super::examples::Quote;
use super::summary::Summary;
use super::{Audience, CampaignReport, ClientRollup, DayStatus, Paper};

const TEMPLATE: &str = include_str!("report.html.j2");

impl Branding {
    fn accent(&self) -> RGBColor {
        let hex = self.accent_color.trim_start_matches('#');
        let channel =
            |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128);
        RGBColor(channel(0), channel(2), channel(4))
    }
}

#[derive(Serialize)]
struct Row {
    name: &'static str,
    now: String,
    before: String,
    change: String,
    /// `up` (shown green) or `down` (red): good or bad news, not the sign of the change.
    direction: &'static str,
}

/// The whole HTML file: a roll-up first when there is one, then a section per campaign.
pub fn render(
    reports: &[CampaignReport],
    rollup: Option<&ClientRollup>,
    branding: &Branding,
    audience: Audience,
    paper: Paper,
    client_logo: Option<&str>,
) -> String {
    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)
        .expect("the report template parses");
    let accent = branding.accent();
    let client_name = reports.first().map_or("", |r| r.client_name.as_str());
    let title = match (rollup, reports) {
        (Some(_), _) | (None, [_, _, ..]) => format!("{client_name}: campaign report"),
        (None, [one]) => format!("{client_name}: {}", one.name),
        (None, []) => "Campaign report".to_string(),
    };
    let period = reports.first().map_or_else(String::new, |r| {
        format!(
            "{} to {} ({} days)",
            r.period.from, r.period.to, r.period.days
        )
    });
    let campaigns: Vec<Value> = reports
        .iter()
        .map(|r| campaign(r, accent, audience))
        .collect();
    let rollup_rows: Option<Vec<Value>> = rollup.map(|rollup| {
        rollup
            .rows
            .iter()
            .map(|row| {
                let h = &row.headline;
                context! {
                    campaign => row.name,
                    views => or_unknown(h.new_views_per_day, approx),
                    videos => or_unknown(h.new_videos_per_day, |v| format!("{v:.1}")),
                    comments => or_unknown(h.new_comments, whole),
                    positive => or_unknown(h.positive_ratio, percent),
                    engagement => or_unknown(h.engagement_rate, percent),
                    alerts => or_unknown(h.alerts, whole),
                }
            })
            .collect()
    });
    env.get_template("report.html")
        .expect("added above")
        .render(context! {
            paper => paper.css_size(),
            min_comments => super::MIN_COMMENTS_TO_JUDGE,
            title => title,
            subtitle => format!("{period} · prepared by {}", branding.agency_name),
            agency => branding.agency_name,
            // Our own base64: safe as it is (escaping would turn its `/` into entities).
            logo => branding.logo_data_uri.clone().map(Value::from_safe_string),
            client_logo => client_logo.map(|uri| Value::from_safe_string(uri.to_string())),
            client_name => client_name,
            accent => format!("#{:02x}{:02x}{:02x}", accent.0, accent.1, accent.2),
            rollup => rollup_rows,
            campaigns => campaigns,
        })
        .expect("the report template renders")
}

fn campaign(r: &CampaignReport, accent: RGBColor, audience: Audience) -> Value {
    let no_data: Vec<String> = r
        .days
        .iter()
        .filter(|d| d.status == DayStatus::NoData)
        .map(|d| d.date.to_string())
        .collect();
    let comparison = r.comparison.as_ref().map(|c| {
        let row = |name, change: &super::Change, show: fn(f64) -> String, points: bool| Row {
            name,
            now: or_unknown(change.now, show),
            before: or_unknown(change.before, show),
            change: match (change.delta, points) {
                (None, _) => "unknown".into(),
                (Some(d), true) => format!("{:+.1} points", d * 100.0),
                (Some(d), false) => change.percent.map_or_else(
                    || {
                        format!(
                            "{}{}",
                            if d < 0.0 { "-" } else { "+" },
                            show(d.abs()).trim_start_matches('~')
                        )
                    },
                    |p| format!("{p:+.0}%"),
                ),
            },
            direction: match change.delta {
                Some(d) if d > 0.0 => "up",
                Some(d) if d < 0.0 => "down",
                _ => "",
            },
        };
        // More alerts is not good news: its colour is the other way round.
        let mut alerts = row("Alerts raised", &c.alerts, whole, false);
        alerts.direction = match alerts.direction {
            "up" => "down",
            "down" => "up",
            same => same,
        };
        vec![
            row("New views per day", &c.new_views_per_day, approx, false),
            row(
                "New videos per day",
                &c.new_videos_per_day,
                |v| format!("{v:.1}"),
                false,
            ),
            row("New comments", &c.new_comments, whole, false),
            row("Positive share", &c.positive_ratio, percent, true),
            alerts,
        ]
    });
    let voice = r.share_of_voice.as_ref().map(|v| {
        context! {
            date => v.date.to_string(),
            views_share => percent(v.views_share),
            videos_share => or_unknown(v.videos_share, percent),
            rows => v.rows.iter().map(|row| context! {
                label => row.label,
                own => row.own,
                views => thousands(row.views),
                gained => or_unknown(row.views_gained, |g| if g < 0 { format!("-{}", approx(g.unsigned_abs() as f64).trim_start_matches('~')) } else { approx(g as f64) }),
                videos => or_unknown(row.videos, thousands),
            }).collect::<Vec<_>>(),
        }
    });
    let s = &r.sentiment;
    let c = &r.cost;
    let summary = Summary::of(r);
    context! {
        id => r.campaign_id,
        name => r.name,
        hashtags => r.hashtags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" "),
        tiles => summary.tiles.iter().map(|t| context! {
            label => t.label,
            value => t.value,
            change => t.change.as_ref().map(|c| context! {
                text => c.text,
                direction => c.direction,
                arrow => c.direction.arrow(),
            }),
        }).collect::<Vec<_>>(),
        sentences => summary.sentences,
        first_period => summary.first_period,
        quotes_positive => quotes(&r.example_comments.positive),
        quotes_negative => quotes(&r.example_comments.negative),
        days => r.period.days,
        period => format!("{} to {} ({} days)", r.period.from, r.period.to, r.period.days),
        no_data => (!no_data.is_empty()).then(|| no_data.join(", ")),
        comparison => comparison,
        views_chart => charts::total_views(r, accent).map(Value::from_safe_string),
        growth_chart => charts::new_views(r, accent).map(Value::from_safe_string),
        sentiment_chart => charts::sentiment(r).map(Value::from_safe_string),
        creators_chart => charts::creators(r, accent).map(Value::from_safe_string),
        alerts_chart => Value::from_safe_string(charts::alerts(r)),
        new_videos => or_unknown(r.participation.average_new_videos, |v| format!("{v:.1} on average")),
        first_seen_in_period => r.participation.tracked_first_seen_in_period,
        unscored_note => s.unscored_note(),
        language_mix => s.language_mix(),
        sentiment_summary => match (s.positive_ratio, s.mean_score) {
            (Some(p), Some(m)) => format!("Over the period: {} positive, mean score {m:+.2}, over {} new comments.", percent(p), thousands(s.comments.into())),
            _ => String::new(),
        },
        voice => voice,
        voice_chart => charts::share_of_voice(r, &r.daily_shares, accent).map(Value::from_safe_string),
        videos => r.top_videos.iter().map(|v| context! {
            url => v.url.as_deref().map(link),
            creator => v.creator,
            caption => one_line(&v.caption, 120),
            first_seen => v.first_seen.to_string(),
            plays => thousands(v.plays),
            likes => thousands(v.likes),
            comments => thousands(v.comments),
            shares => thousands(v.shares),
            engagement => or_unknown(v.engagement_rate, percent),
        }).collect::<Vec<_>>(),
        engagement => or_unknown(r.participation.engagement_rate, percent),
        episodes => episodes(&r.alerts, r.period.to).iter().map(|e| context! {
            title => e.title(),
            dates => e.dates(),
            days => e.days,
            ongoing => e.ongoing,
            severity => format!("{:?}", e.severity),
            message => one_line(&e.message, 300),
        }).collect::<Vec<_>>(),
        cost => (audience == Audience::Internal).then(|| format!(
            "monitoring cost {} credits × {} = {} over the period.",
            thousands(c.credits), usd(c.price_per_credit_usd), usd(c.usd)
        )),
    }
}

fn quotes(quotes: &[Quote]) -> Vec<Value> {
    quotes
        .iter()
        .map(|q| {
            context! {
                text => q.text,
                likes => thousands(q.likes),
                url => q.video_url.as_deref().map(link),
            }
        })
        .collect()
}

/// A link as it is when it holds only URL characters that need no escaping in an attribute
/// (TikTok handles and ids do); escaped otherwise.
fn link(url: &str) -> Value {
    let plain = url
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-~:/@?=&%".contains(c) && c != '&');
    if plain {
        Value::from_safe_string(url.to_string())
    } else {
        Value::from(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{campaign, date, week};
    use crate::report::build_report;

    #[test]
    fn one_file_with_charts_no_script_and_nothing_fetched() {
        let mut report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        report.client_name = "Acme <Snacks>".into();
        let html = render(
            &[report],
            None,
            &Branding::default(),
            Audience::Client,
            Paper::A4,
            Some("data:image/png;base64,AAAA"),
        );
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(
            html.contains("<img src=\"data:image/png;base64,AAAA\" alt=\"Acme &lt;Snacks&gt;\">"),
            "the client's logo beside the agency's"
        );
        assert!(
            html.contains("Acme &lt;Snacks&gt;: Spring launch"),
            "client names are escaped"
        );
        assert!(html.matches("<svg").count() >= 3, "charts inline");
        assert!(!html.contains("<script"), "no script");
        for outside in ["src=\"http", "href=\"//", "@import", "url(http"] {
            assert!(!html.contains(outside), "{outside}");
        }
        assert!(
            !html.contains("Internal:"),
            "the cost is for the agency's copy only"
        );
    }
}
