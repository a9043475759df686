//! The report's charts as inline SVG, drawn with plotters: nothing fetched, no script. Each
//! takes a campaign report and returns an `<svg>` element; a period without the data a chart
//! needs gets a sentence instead of an empty or zero-filled chart.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::domain::Severity;
use crate::report::CampaignReport;
use crate::report::cells::thousands;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn<'a> = Result<(), Box<dyn std::error::Error + 'a>>;

const WIDTH: u32 = 720;
const HEIGHT: u32 = 240;
const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(40, 40, 40);
const GRID: RGBColor = RGBColor(225, 225, 225);
const POSITIVE: RGBColor = RGBColor(56, 161, 105);
const NEUTRAL: RGBColor = RGBColor(160, 174, 192);
const NEGATIVE: RGBColor = RGBColor(229, 62, 62);

/// Draws into an SVG string; a chart that cannot be drawn says so in a comment.
fn svg(size: (u32, u32), draw: impl for<'a> FnOnce(Area<'a>) -> Drawn<'a>) -> String {
    let mut out = String::new();
    let failed = {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        draw(root).err().map(|e| e.to_string())
    };
    match failed {
        Some(e) => format!("<p class=\"missing\">This chart could not be drawn: {e}</p>"),
        None => out,
    }
}

/// Day index → date label for the x axis.
fn date_label(report: &CampaignReport, index: usize) -> String {
    report
        .days
        .get(index)
        .map_or_else(String::new, |d| d.date.format("%b %d").to_string())
}

fn short(value: f64) -> String {
    let abs = value.abs();
    let (scaled, unit) = if abs >= 1e9 {
        (value / 1e9, "B")
    } else if abs >= 1e6 {
        (value / 1e6, "M")
    } else if abs >= 1e3 {
        (value / 1e3, "k")
    } else {
        (value, "")
    };
    let text = format!("{scaled:.1}");
    format!("{}{unit}", text.trim_end_matches(".0"))
}

/// Total views as the API reports them (rounded), with the band the rounding allows.
pub fn total_views(report: &CampaignReport, accent: RGBColor) -> Option<String> {
    let points: Vec<(usize, f64, f64)> = report
        .days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let total = d.total_views? as f64;
            let step = d
                .view_growth
                .as_ref()
                .and_then(|g| g.totals_step)
                .unwrap_or(0) as f64;
            Some((i, total, step / 2.0 + total * 0.006))
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    let low = points
        .iter()
        .map(|(_, t, b)| t - b)
        .fold(f64::MAX, f64::min)
        .max(0.0);
    let high = points.iter().map(|(_, t, b)| t + b).fold(0.0, f64::max);
    let pad = ((high - low) * 0.1).max(1.0);
    let days = report.days.len();
    Some(svg((WIDTH, HEIGHT), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..days.max(1) as f64, (low - pad).max(0.0)..(high + pad))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(GRID)
            .x_labels(days.min(8))
            .x_label_formatter(&|x| date_label(report, x.floor() as usize))
            .y_label_formatter(&|v| short(*v))
            .label_style((FONT, 11).into_font().color(&INK))
            .draw()?;
        // Each day's point sits mid-day; the band is what rounding and jitter allow around it.
        let mid = |i: usize| i as f64 + 0.5;
        chart.draw_series(points.iter().map(|(i, t, b)| {
            Rectangle::new(
                [(mid(*i) - 0.3, t - b), (mid(*i) + 0.3, t + b)],
                accent.mix(0.18).filled(),
            )
        }))?;
        chart.draw_series(LineSeries::new(
            points.iter().map(|(i, t, _)| (mid(*i), *t)),
            accent.stroke_width(2),
        ))?;
        chart.draw_series(
            points
                .iter()
                .map(|(i, t, _)| Circle::new((mid(*i), *t), 3, accent.filled())),
        )?;
        root.present()?;
        Ok(())
    }))
}

/// New views per day: the estimate as bars, the bounds the evidence allows as whiskers.
pub fn new_views(report: &CampaignReport, accent: RGBColor) -> Option<String> {
    let bars: Vec<(usize, f64, f64, f64)> = report
        .days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let g = d.view_growth.as_ref()?;
            Some((
                i,
                g.per_day,
                g.per_day_low,
                g.per_day_high.unwrap_or(g.per_day),
            ))
        })
        .collect();
    if bars.is_empty() {
        return None;
    }
    let high = bars.iter().map(|b| b.3.max(b.1)).fold(0.0, f64::max) * 1.1 + 1.0;
    let days = report.days.len();
    Some(svg((WIDTH, HEIGHT), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(56)
            .build_cartesian_2d(0..days.max(1), 0f64..high)?;
        chart
            .configure_mesh()
            .light_line_style(GRID)
            .x_labels(days.min(8))
            .x_label_formatter(&|i| date_label(report, *i))
            .y_label_formatter(&|v| short(*v))
            .label_style((FONT, 11).into_font().color(&INK))
            .draw()?;
        chart.draw_series(bars.iter().map(|(i, estimate, _, _)| {
            Rectangle::new([(*i, 0.0), (*i + 1, *estimate)], accent.mix(0.75).filled())
        }))?;
        for (i, _, low, high) in &bars {
            chart.draw_series(LineSeries::new(
                [(*i, *low), (*i, *high)],
                INK.stroke_width(1),
            ))?;
        }
        root.present()?;
        Ok(())
    }))
}

/// Sentiment of the new comments per day as stacked shares, with each day's comment count.
pub fn sentiment(report: &CampaignReport) -> Option<String> {
    let days: Vec<(usize, f64, f64, u32)> = report
        .days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let s = d.scored()?;
            (s.comments > 0).then(|| {
                let n = f64::from(s.comments);
                (
                    i,
                    f64::from(s.positive) / n,
                    f64::from(s.neutral) / n,
                    s.comments,
                )
            })
        })
        .collect();
    if days.is_empty() {
        return None;
    }
    let count = report.days.len();
    Some(svg((WIDTH, HEIGHT), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(44)
            .build_cartesian_2d(0..count.max(1), 0f64..1.12)?;
        chart
            .configure_mesh()
            .light_line_style(GRID)
            .x_labels(count.min(8))
            .x_label_formatter(&|i| date_label(report, *i))
            .y_label_formatter(&|v| {
                if *v <= 1.0 {
                    format!("{:.0}%", v * 100.0)
                } else {
                    String::new()
                }
            })
            .label_style((FONT, 11).into_font().color(&INK))
            .draw()?;
        for (i, positive, neutral, comments) in &days {
            let (i, p, n) = (*i, *positive, *neutral);
            chart.draw_series([
                Rectangle::new([(i, 0.0), (i + 1, p)], POSITIVE.filled()),
                Rectangle::new([(i, p), (i + 1, p + n)], NEUTRAL.filled()),
                Rectangle::new([(i, p + n), (i + 1, 1.0)], NEGATIVE.filled()),
            ])?;
            chart.draw_series([Text::new(
                comments.to_string(),
                (i, 1.08),
                (FONT, 10).into_font().color(&INK),
            )])?;
        }
        root.present()?;
        Ok(())
    }))
}

/// The top creators by plays, as horizontal bars.
pub fn creators(report: &CampaignReport, accent: RGBColor) -> Option<String> {
    let creators = &report.top_creators;
    if creators.is_empty() {
        return None;
    }
    let max = creators.iter().map(|c| c.plays).max().unwrap_or(1) as f64 * 1.25;
    let rows = creators.len();
    Some(svg((WIDTH, 40 + 28 * rows as u32), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .y_label_area_size(0)
            .x_label_area_size(20)
            .build_cartesian_2d(0f64..max, 0..rows)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_label_formatter(&|v| short(*v))
            .label_style((FONT, 11).into_font().color(&INK))
            .draw()?;
        for (rank, c) in creators.iter().enumerate() {
            let row = rows - 1 - rank;
            chart.draw_series([Rectangle::new(
                [(0.0, row), (c.plays as f64, row + 1)],
                accent.mix(0.7).filled(),
            )])?;
            chart.draw_series([Text::new(
                format!("@{}  {} plays", c.handle, thousands(c.plays)),
                // Text hangs from its anchor: near the top of the bar, it sits inside it.
                (max * 0.01, row + 1),
                (FONT, 12).into_font().color(&INK),
            )])?;
        }
        root.present()?;
        Ok(())
    }))
}

/// Alerts over the period: a mark per alert on its date, coloured by severity.
pub fn alerts(report: &CampaignReport) -> String {
    let count = report.days.len();
    svg((WIDTH, 70), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(22)
            .y_label_area_size(0)
            .build_cartesian_2d(0..count.max(1), 0f64..1.0)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(GRID)
            .x_labels(count.min(8))
            .x_label_formatter(&|i| date_label(report, *i))
            .label_style((FONT, 11).into_font().color(&INK))
            .draw()?;
        for alert in &report.alerts {
            let Some(index) = report.days.iter().position(|d| d.date == alert.date) else {
                continue;
            };
            let colour = match alert.severity {
                Severity::Info => RGBColor(43, 108, 176),
                Severity::Warning => RGBColor(183, 121, 31),
                Severity::Critical => RGBColor(197, 48, 48),
            };
            chart.draw_series([Circle::new((index, 0.5), 6, colour.filled())])?;
        }
        root.present()?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{campaign, date, week};
    use crate::report::build_report;

    #[test]
    fn charts_are_svg_and_say_so_when_there_is_nothing_to_draw() {
        let report = build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005);
        let accent = RGBColor(90, 60, 200);
        let views = total_views(&report, accent).unwrap();
        assert!(
            views.starts_with("<svg") && views.contains("</svg>"),
            "{views}"
        );
        assert!(sentiment(&report).unwrap().contains("<rect"));
        assert!(alerts(&report).contains("<svg"));
        let empty = build_report(&campaign(), &[], date("2026-11-07"), 7, 0.005);
        assert!(total_views(&empty, accent).is_none());
        assert!(new_views(&empty, accent).is_none());
        assert!(sentiment(&empty).is_none());
        assert!(creators(&empty, accent).is_none());
        assert_eq!(short(1_234_000.0), "1.2M");
        assert_eq!(short(2_000.0), "2k");
    }
}
