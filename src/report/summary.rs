//! The report's opening: headline tiles (each with its change against the previous period and
//! an arrow, where both periods are known) and a sentence or two of what happened, so that a
//! reader learns whether the campaign went well before any table. Pure: from the report and
//! its comparison.

use serde::Serialize;

use super::cells::{one_line, thousands};
use super::episodes::{Episode, episodes};
use super::{CampaignReport, Change};

/// The opening of one campaign's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub tiles: Vec<Tile>,
    /// What happened, in words; each sentence states only what is known.
    pub sentences: Vec<String>,
    /// No day of the previous period has data: there is nothing to compare with.
    pub first_period: bool,
}

/// One headline figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tile {
    pub label: &'static str,
    /// The figure as people read it; `n/a`-free: an unknown figure is said in words.
    pub value: String,
    /// Against the previous period, when both are known.
    pub change: Option<TileChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TileChange {
    /// `+46 %`, `-3 points`.
    pub text: String,
    pub direction: Direction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
    Flat,
}

impl Direction {
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Up => "▲",
            Direction::Down => "▼",
            Direction::Flat => "►",
        }
    }

    /// The direction in a word, for plain-text reports.
    pub fn word(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Flat => "steady",
        }
    }

    /// Up or down beyond `flat` (in the change's own unit), else flat.
    fn of(delta: f64, flat: f64) -> Direction {
        if delta > flat {
            Direction::Up
        } else if delta < -flat {
            Direction::Down
        } else {
            Direction::Flat
        }
    }
}

/// Longest handle a tile shows, in columns: TikTok's allow 24; more is hostile data.
const HANDLE_CHARS: usize = 32;

/// A relative change under this many percent, or a share's under this many points, reads as
/// steady: the figures are estimates and rounded, so smaller moves are not news.
const STEADY_PERCENT: f64 = 5.0;
const STEADY_POINTS: f64 = 2.0;

impl Summary {
    pub fn of(report: &CampaignReport) -> Summary {
        let comparison = report.comparison.as_ref();
        let first_period = comparison.is_none_or(|c| {
            [
                c.new_views_per_day,
                c.new_videos_per_day,
                c.new_comments,
                c.positive_ratio,
                c.alerts,
            ]
            .iter()
            .all(|change| change.before.is_none())
        });
        let relative = |change: Option<Change>| {
            change.and_then(|c| c.percent).map(|p| TileChange {
                text: format!("{p:+.0} %"),
                direction: Direction::of(p, STEADY_PERCENT),
            })
        };
        let views_gained = views_gained(report);
        let new_videos: Option<f64> = {
            let known: Vec<i64> = report.days.iter().filter_map(|d| d.new_videos).collect();
            (!known.is_empty()).then(|| known.iter().sum::<i64>().max(0) as f64)
        };
        let positive = report.sentiment.positive_ratio;
        let mut tiles = vec![
            Tile {
                label: "Views gained",
                value: views_gained.map_or_else(|| "not known".into(), about),
                change: relative(comparison.map(|c| c.new_views_per_day)),
            },
            Tile {
                label: "New videos",
                value: new_videos
                    .map_or_else(|| "not counted by the API".into(), |v| thousands(v as u64)),
                change: relative(comparison.map(|c| c.new_videos_per_day)),
            },
            Tile {
                label: "Positive comments",
                value: positive.map_or_else(|| "too few to judge".into(), percent_whole),
                change: comparison
                    .and_then(|c| c.positive_ratio.delta)
                    .map(|d| TileChange {
                        text: format!("{:+.0} points", d * 100.0),
                        direction: Direction::of(d * 100.0, STEADY_POINTS),
                    }),
            },
        ];
        if let Some(voice) = &report.share_of_voice {
            tiles.push(Tile {
                label: "Share of voice",
                value: percent_whole(voice.views_share),
                change: None,
            });
        }
        if let Some(top) = report.top_creators.first() {
            tiles.push(Tile {
                label: "Top creator",
                value: format!("@{}", one_line(&top.handle, HANDLE_CHARS)),
                change: None,
            });
        }
        Summary {
            sentences: sentences(report, views_gained, first_period),
            tiles,
            first_period,
        }
    }
}

/// The period's new views: each day's estimate over the days it covers.
fn views_gained(report: &CampaignReport) -> Option<f64> {
    let growth: Vec<_> = report
        .days
        .iter()
        .filter_map(|d| d.view_growth.as_ref())
        .collect();
    (!growth.is_empty()).then(|| {
        growth
            .iter()
            .map(|g| g.per_day * f64::from(g.span_days))
            .sum()
    })
}

/// `about 810,000`: an estimate as words, rounded as every estimate is (`figures`).
fn about(estimate: f64) -> String {
    format!("about {}", figures::about(estimate.max(0.0)))
}

/// `0.562` → `56 %`: a share of comments is not known to a tenth of a point.
fn percent_whole(ratio: f64) -> String {
    format!("{:.0} %", ratio * 100.0)
}

fn sentences(
    report: &CampaignReport,
    views_gained: Option<f64>,
    first_period: bool,
) -> Vec<String> {
    let comparison = report.comparison.as_ref();
    let days = report.period.days;
    let mut out = Vec::new();
    let views = match (
        views_gained,
        comparison.and_then(|c| c.new_views_per_day.percent),
    ) {
        (None, _) => "New views are not known for this period".to_string(),
        (Some(v), Some(p)) if !first_period => {
            let pace = match Direction::of(p, STEADY_PERCENT) {
                Direction::Up => format!("{:.0} % faster than", p.abs()),
                Direction::Down => format!("{:.0} % slower than", p.abs()),
                Direction::Flat => "at the same pace as".to_string(),
            };
            format!(
                "Views grew {pace} in the previous {days} days: {} new views",
                about(v)
            )
        }
        (Some(v), _) => format!("The hashtags gained {} views", about(v)),
    };
    let mood = match (
        report.sentiment.positive_ratio,
        comparison.and_then(|c| c.positive_ratio.delta),
    ) {
        (None, _) => "too few new comments to judge their mood".to_string(),
        (Some(p), Some(d)) if !first_period => match Direction::of(d * 100.0, STEADY_POINTS) {
            Direction::Flat => format!("sentiment steady at {} positive", percent_whole(p)),
            Direction::Up => format!("sentiment up to {} positive", percent_whole(p)),
            Direction::Down => format!("sentiment down to {} positive", percent_whole(p)),
        },
        (Some(p), _) => format!("{} of new comments positive", percent_whole(p)),
    };
    out.push(format!("{views}; {mood}."));
    let notable: Vec<Episode> = episodes(&report.alerts, report.period.to);
    if notable.is_empty() {
        out.push("No alerts were raised.".to_string());
    } else {
        let listed: Vec<String> = notable.iter().take(3).map(Episode::short).collect();
        let more = notable.len().saturating_sub(3);
        let tail = if more > 0 {
            format!(", and {more} more")
        } else {
            String::new()
        };
        let lead = report
            .top_creators
            .first()
            .map(|c| {
                format!(
                    " The top creator was @{} ({} plays).",
                    one_line(&c.handle, HANDLE_CHARS),
                    thousands(c.plays)
                )
            })
            .unwrap_or_default();
        out.push(format!("Alerts: {}{tail}.{lead}", listed.join("; ")));
    }
    out
}
