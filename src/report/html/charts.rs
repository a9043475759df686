//! The report's charts as inline SVG, drawn with plotters: nothing fetched, no script. Each
//! takes a campaign report (and what else it draws) and returns an `<svg>` element; a period
//! without the data a chart needs gets `None`, so the page can say so instead of drawing an
//! empty or zero-filled chart.
//!
//! Each chart carries its own legend inside the SVG, so it still reads when copied out of the
//! report. The charts over the period share one frame ([`period_chart`]): same margins, same
//! axis width, same date labels, so their days line up down the page. An SVG has no layout
//! engine to keep a label inside its edges, so text is placed by an estimate of its width
//! ([`text_width`]) with room to spare.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use unicode_width::UnicodeWidthStr;

use crate::domain::Severity;
use crate::report::cells::{one_line, thousands};
use crate::report::voice::DailyShare;
use crate::report::{CampaignReport, MIN_COMMENTS_TO_JUDGE};

type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;
type Drawn<'b> = Result<(), Box<dyn std::error::Error + 'b>>;
type AreaError = DrawingAreaErrorKind<std::io::Error>;
/// A chart over the period: one slot per date (`i..i + 1`), values on y.
type PeriodChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

const WIDTH: u32 = 720;
const FONT: &str = "sans-serif";
/// Axis labels, legends and bar labels, in SVG pixels (before the page scales the SVG).
const LABEL_PX: f64 = 11.0;
const SMALL_PX: f64 = 10.0;
/// Left of a chart over the period: the margin, then the y axis's labels.
const MARGIN_LEFT: u32 = 12;
const Y_AXIS: u32 = 52;
/// Right of the plot: room for half of the last date label, which is centred on its day.
const MARGIN_RIGHT: u32 = 28;
const MARGIN_TOP: u32 = 10;
const MARGIN_BOTTOM: u32 = 4;
const X_AXIS: u32 = 24;
const PLOT_LEFT: i32 = (MARGIN_LEFT + Y_AXIS) as i32;
const PLOT_WIDTH: u32 = WIDTH - MARGIN_LEFT - Y_AXIS - MARGIN_RIGHT;
/// A chart over the period below its legend: the plot, its margins and the date labels.
const FRAME_HEIGHT: u32 = 210;
const PLOT_HEIGHT: u32 = FRAME_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM - X_AXIS;
/// Horizontal lines at about this many values: enough to read a bar against, not graph paper.
const Y_LABELS: usize = 5;
/// Clear space between two date labels.
const DATE_GAP: f64 = 12.0;

const INK: RGBColor = RGBColor(40, 40, 40);
const MUTED: RGBColor = RGBColor(96, 96, 96);
const AXIS: RGBColor = RGBColor(150, 150, 150);
const GRID: RGBColor = RGBColor(236, 236, 236);
const POSITIVE: RGBColor = RGBColor(56, 161, 105);
const NEUTRAL: RGBColor = RGBColor(160, 174, 192);
const NEGATIVE: RGBColor = RGBColor(229, 62, 62);
/// The fill of a sentiment bar over fewer than [`MIN_COMMENTS_TO_JUDGE`] new comments: its
/// volume is shown, its mood is not.
pub const TOO_FEW: RGBColor = RGBColor(214, 214, 214);
/// The words over such a bar (when its slot is wide enough to hold them).
pub const TOO_FEW_TEXT: &str = "too few";

use crate::pipeline::metrics::UPSTREAM_JITTER;

/// Draws into an SVG string; a chart that cannot be drawn says so.
fn svg(size: (u32, u32), draw: impl for<'b> FnOnce(Area<'b>) -> Drawn<'b>) -> String {
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

/// A generous estimate of the width of `text` in pixels at `px`: sans-serif glyphs average
/// about half an em, 0.6 covers digits and capitals; a wide character counts twice.
fn text_width(text: &str, px: f64) -> f64 {
    text.width() as f64 * 0.6 * px
}

/// A text style of `px` SVG pixels. plotters writes a font's size divided by 1.24.
fn font(px: f64, colour: RGBColor) -> TextStyle<'static> {
    (FONT, px * 1.24).into_font().color(&colour)
}

fn anchored(px: f64, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px, colour).pos(Pos::new(h, v))
}

/// Day index → date label for the x axis.
fn date_label(report: &CampaignReport, index: usize) -> String {
    report
        .days
        .get(index)
        .map_or_else(String::new, |d| d.date.format("%b %d").to_string())
}

/// Every how many days a date is written so that the labels never touch, however long the
/// period.
fn date_stride(days: usize) -> usize {
    let label = text_width("Mmm 00", LABEL_PX) + DATE_GAP;
    ((label / slot_width(days)).ceil() as usize).max(1)
}

/// The middle of day `slot`'s place on the x axis.
fn mid(slot: usize) -> f64 {
    slot as f64 + 0.5
}

/// Pixels a day takes on the x axis.
fn slot_width(days: usize) -> f64 {
    f64::from(PLOT_WIDTH) / days.max(1) as f64
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

/// Points (slot, value) cut where a day is missing: a line drawn across a gap would pass for
/// data.
fn runs<T>(points: &[(usize, T)]) -> impl Iterator<Item = &[(usize, T)]> {
    points.chunk_by(|a, b| b.0 == a.0 + 1)
}

/// What a legend entry's swatch shows.
enum Key {
    Fill(RGBAColor),
    Line(RGBColor),
    Whisker,
    Dot(RGBColor),
    /// Words only, to say what the bars measure.
    Caption,
}

const KEY_WIDTH: i32 = 16;
const KEY_GAP: i32 = 5;
const ENTRY_GAP: i32 = 18;
const LEGEND_ROW: i32 = 18;

/// A legend above a chart, its entries flowed into rows that fit the chart's width.
struct Legend {
    /// Each entry with its left edge and row.
    placed: Vec<(Key, String, i32, i32)>,
    rows: i32,
}

impl Legend {
    fn new(entries: Vec<(Key, &str)>) -> Legend {
        let right = (WIDTH - MARGIN_RIGHT) as i32;
        let (mut x, mut row) = (PLOT_LEFT, 0);
        let mut placed = Vec::new();
        for (key, text) in entries {
            let swatch = match key {
                Key::Caption => 0,
                _ => KEY_WIDTH + KEY_GAP,
            };
            let width = swatch + text_width(text, LABEL_PX).ceil() as i32;
            if x > PLOT_LEFT && x + width > right {
                (x, row) = (PLOT_LEFT, row + 1);
            }
            placed.push((key, text.to_string(), x, row));
            x += width + ENTRY_GAP;
        }
        Legend {
            placed,
            rows: row + 1,
        }
    }

    fn height(&self) -> u32 {
        (self.rows * LEGEND_ROW + 8) as u32
    }

    /// Draws the legend at the top of `root` and returns the area below it.
    fn draw<'b>(&self, root: &Area<'b>) -> Result<Area<'b>, AreaError> {
        let (strip, rest) = root.split_vertically(self.height());
        for (key, text, x, row) in &self.placed {
            let y = 6 + row * LEGEND_ROW + LEGEND_ROW / 2;
            let (left, right) = (*x, x + KEY_WIDTH);
            let text_x = match key {
                Key::Fill(colour) => {
                    strip.draw(&Rectangle::new(
                        [(left, y - 5), (right, y + 5)],
                        colour.filled(),
                    ))?;
                    right + KEY_GAP
                }
                Key::Line(colour) => {
                    strip.draw(&PathElement::new(
                        [(left, y), (right, y)],
                        colour.stroke_width(2),
                    ))?;
                    right + KEY_GAP
                }
                Key::Whisker => {
                    let centre = left + KEY_WIDTH / 2;
                    for path in whisker_paths(centre, y - 6, y + 6, 4) {
                        strip.draw(&PathElement::new(path, INK.stroke_width(1)))?;
                    }
                    right + KEY_GAP
                }
                Key::Dot(colour) => {
                    strip.draw(&Circle::new((left + KEY_WIDTH / 2, y), 5, colour.filled()))?;
                    right + KEY_GAP
                }
                Key::Caption => left,
            };
            strip.draw(&Text::new(
                text.clone(),
                (text_x, y),
                anchored(LABEL_PX, INK, HPos::Left, VPos::Center),
            ))?;
        }
        Ok(rest)
    }
}

/// A whisker from `top` to `bottom` pixels at `x`, with caps `cap` pixels to each side.
fn whisker_paths(x: i32, top: i32, bottom: i32, cap: i32) -> [[(i32, i32); 2]; 3] {
    [
        [(x, top), (x, bottom)],
        [(x - cap, top), (x + cap, top)],
        [(x - cap, bottom), (x + cap, bottom)],
    ]
}

/// Caps narrow enough that the whiskers of neighbouring days never join.
fn cap_width(days: usize) -> i32 {
    (slot_width(days) * 0.25).clamp(1.0, 4.0) as i32
}

/// Whether a line's points get dots: while days are wide enough to tell them apart, and
/// always for a day alone (with no neighbour to join, it would not show).
fn dotted<T>(run: &[(usize, T)], days: usize) -> bool {
    run.len() == 1 || slot_width(days) >= 12.0
}

/// The frame shared by the charts over the period, drawn on `area` of `root`: a slot per date
/// of the report, a date under every few slots, a y axis over `y` with a few faint lines.
fn period_chart<'a, 'b>(
    root: &Area<'b>,
    area: &'a Area<'b>,
    report: &CampaignReport,
    y: Range<f64>,
    y_labels: usize,
    y_label: &dyn Fn(&f64) -> String,
) -> Result<PeriodChart<'a, 'b>, AreaError> {
    let days = report.days.len().max(1);
    let bottom = y.start;
    let mut chart = ChartBuilder::on(area)
        .margin_left(MARGIN_LEFT)
        .margin_right(MARGIN_RIGHT)
        .margin_top(MARGIN_TOP)
        .margin_bottom(MARGIN_BOTTOM)
        .x_label_area_size(X_AXIS)
        .y_label_area_size(Y_AXIS)
        .build_cartesian_2d(0f64..days as f64, y)?;
    let mut mesh = chart.configure_mesh();
    if y_labels == 0 {
        mesh.disable_y_axis();
    }
    mesh.disable_x_mesh()
        .x_labels(0)
        .bold_line_style(GRID)
        .max_light_lines(0)
        .axis_style(AXIS)
        .y_labels(y_labels)
        .y_label_formatter(y_label)
        .label_style(font(LABEL_PX, INK))
        .draw()?;
    // The dates by hand: plotters picks round numbers of days, not every n-th date.
    for slot in (0..days).step_by(date_stride(days)) {
        let (x, y) = chart.backend_coord(&(mid(slot), bottom));
        root.draw(&PathElement::new([(x, y), (x, y + 4)], AXIS))?;
        root.draw(&Text::new(
            date_label(report, slot),
            (x, y + 6),
            anchored(LABEL_PX, INK, HPos::Center, VPos::Top),
        ))?;
    }
    Ok(chart)
}

/// Total views as the API reports them (rounded), with the band the rounding allows.
pub fn total_views(report: &CampaignReport, accent: RGBColor) -> Option<String> {
    // (slot, reported total, half the band): rounding moves a reading by half its step, and
    // replicas disagree by up to the jitter.
    let points: Vec<(usize, (f64, f64))> = report
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
            Some((i, (total, step / 2.0 + total * UPSTREAM_JITTER)))
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    let low = points
        .iter()
        .map(|(_, (t, b))| t - b)
        .fold(f64::MAX, f64::min)
        .max(0.0);
    let high = points.iter().map(|(_, (t, b))| t + b).fold(0.0, f64::max);
    let widest = points.iter().map(|(_, (_, b))| *b).fold(0.0, f64::max);
    let pad = ((high - low) * 0.1).max(1.0);
    let band = accent.mix(0.28);
    let allows = format!("what the API's rounding allows (up to ±{})", short(widest));
    let legend = Legend::new(vec![
        (Key::Line(accent), "reported total"),
        (Key::Fill(band), &allows),
    ]);
    Some(svg((WIDTH, legend.height() + FRAME_HEIGHT), |root| {
        root.fill(&WHITE)?;
        let area = legend.draw(&root)?;
        let y = (low - pad).max(0.0)..(high + pad);
        let mut chart = period_chart(&root, &area, report, y, Y_LABELS, &|v| short(*v))?;
        for run in runs(&points).filter(|run| run.len() > 1) {
            let edge = |sign: f64| run.iter().map(move |(i, (t, b))| (mid(*i), t + sign * b));
            chart.draw_series([Polygon::new(
                edge(-1.0).chain(edge(1.0).rev()).collect::<Vec<_>>(),
                band.filled(),
            )])?;
            chart.draw_series(LineSeries::new(
                run.iter().map(|(i, (t, _))| (mid(*i), *t)),
                accent.stroke_width(2),
            ))?;
        }
        // A box per day, wider than the line and outlined: the band stays to scale, and a band
        // thinner than the line still shows where it is.
        for (i, (t, b)) in &points {
            let corners = [(mid(*i) - 0.22, t - b), (mid(*i) + 0.22, t + b)];
            chart.draw_series([
                Rectangle::new(corners, band.filled()),
                Rectangle::new(corners, accent.mix(0.6)),
            ])?;
        }
        for run in runs(&points).filter(|run| dotted(run, report.days.len())) {
            chart.draw_series(
                run.iter()
                    .map(|(i, (t, _))| Circle::new((mid(*i), *t), 3, accent.filled())),
            )?;
        }
        root.present()?;
        Ok(())
    }))
}

/// New views per day: the estimate as bars, the bounds the evidence allows as whiskers.
pub fn new_views(report: &CampaignReport, accent: RGBColor) -> Option<String> {
    // (slot, (estimate, low, high)).
    let bars: Vec<(usize, (f64, f64, f64))> = report
        .days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let g = d.view_growth.as_ref()?;
            let high = g.per_day_high.unwrap_or(g.per_day);
            Some((
                i,
                (g.per_day, g.per_day_low.min(high), g.per_day_low.max(high)),
            ))
        })
        .collect();
    if bars.is_empty() {
        return None;
    }
    let values = || bars.iter().flat_map(|(_, (e, l, h))| [*e, *l, *h]);
    let high = values().fold(0.0, f64::max) * 1.1 + 1.0;
    let low = values().fold(0.0, f64::min) * 1.1;
    let fill = accent.mix(0.75);
    let legend = Legend::new(vec![
        (Key::Fill(fill), "estimate"),
        (
            Key::Whisker,
            "from what the tracked videos prove to what the rounded totals allow",
        ),
    ]);
    Some(svg((WIDTH, legend.height() + FRAME_HEIGHT), |root| {
        root.fill(&WHITE)?;
        let area = legend.draw(&root)?;
        let mut chart = period_chart(&root, &area, report, low..high, Y_LABELS, &|v| short(*v))?;
        chart.draw_series(bars.iter().map(|(i, (estimate, _, _))| {
            let i = *i as f64;
            Rectangle::new([(i + 0.15, 0.0), (i + 0.85, *estimate)], fill.filled())
        }))?;
        for (i, (_, low, high)) in &bars {
            let (x, top) = chart.backend_coord(&(mid(*i), *high));
            let (_, bottom) = chart.backend_coord(&(mid(*i), *low));
            for path in whisker_paths(x, top, bottom, cap_width(report.days.len())) {
                root.draw(&PathElement::new(path, INK.stroke_width(1)))?;
            }
        }
        root.present()?;
        Ok(())
    }))
}

/// One day's new comments by mood.
struct CommentBar {
    slot: usize,
    positive: f64,
    neutral: f64,
    negative: f64,
    comments: u32,
}

/// New comments per day, stacked by mood, so a day of 2 comments looks as slight as it is.
/// Days with fewer than [`MIN_COMMENTS_TO_JUDGE`] are one grey bar ([`TOO_FEW`]) marked
/// [`TOO_FEW_TEXT`]: their mood is not shown at all, only their volume.
pub fn sentiment(report: &CampaignReport) -> Option<String> {
    let bars: Vec<CommentBar> = report
        .days
        .iter()
        .enumerate()
        .filter_map(|(slot, d)| {
            let s = d.scored()?;
            Some(CommentBar {
                slot,
                positive: f64::from(s.positive),
                neutral: f64::from(s.neutral),
                negative: f64::from(s.negative),
                comments: s.comments,
            })
        })
        .collect();
    let most = bars.iter().map(|b| b.comments).max().unwrap_or(0);
    if most == 0 {
        return None;
    }
    let judged = |b: &CommentBar| b.comments >= MIN_COMMENTS_TO_JUDGE;
    // Words over the bars only when a day's slot holds them; the grey says it otherwise.
    let line = SMALL_PX + 3.0;
    let labelled = slot_width(report.days.len()) >= text_width(TOO_FEW_TEXT, SMALL_PX) + 4.0;
    let headroom = if labelled { 2.0 * line + 6.0 } else { 6.0 };
    let top = f64::from(most) * f64::from(PLOT_HEIGHT) / (f64::from(PLOT_HEIGHT) - headroom);
    let too_few = format!("too few to judge (under {MIN_COMMENTS_TO_JUDGE})");
    let legend = Legend::new(vec![
        (Key::Caption, "New comments per day:"),
        (Key::Fill(POSITIVE.into()), "positive"),
        (Key::Fill(NEUTRAL.into()), "neutral"),
        (Key::Fill(NEGATIVE.into()), "negative"),
        (Key::Fill(TOO_FEW.into()), &too_few),
    ]);
    Some(svg((WIDTH, legend.height() + FRAME_HEIGHT), |root| {
        root.fill(&WHITE)?;
        let area = legend.draw(&root)?;
        let mut chart = period_chart(&root, &area, report, 0.0..top, Y_LABELS, &|v| {
            // Counts are whole: a fractional tick would read as a fractional comment.
            if v.fract() == 0.0 {
                thousands(*v as u64)
            } else {
                String::new()
            }
        })?;
        for bar in &bars {
            let (left, right) = (bar.slot as f64 + 0.15, bar.slot as f64 + 0.85);
            let stack: Vec<(f64, RGBColor)> = if judged(bar) {
                vec![
                    (bar.positive, POSITIVE),
                    (bar.neutral, NEUTRAL),
                    (bar.negative, NEGATIVE),
                ]
            } else {
                vec![(f64::from(bar.comments), TOO_FEW)]
            };
            let mut base = 0.0;
            for (count, colour) in stack {
                chart.draw_series([Rectangle::new(
                    [(left, base), (right, base + count)],
                    colour.filled(),
                )])?;
                base += count;
            }
            if !labelled {
                continue;
            }
            let above = |text: String, lines: f64, colour| {
                EmptyElement::at((mid(bar.slot), base))
                    + Text::new(
                        text,
                        (0, -(3.0 + lines * line) as i32),
                        anchored(SMALL_PX, colour, HPos::Center, VPos::Bottom),
                    )
            };
            chart.draw_series([above(thousands(u64::from(bar.comments)), 0.0, INK)])?;
            if !judged(bar) {
                chart.draw_series([above(TOO_FEW_TEXT.to_string(), 1.0, MUTED)])?;
            }
        }
        root.present()?;
        Ok(())
    }))
}

/// The top creators by plays, as horizontal bars: the handle before its bar, the plays after
/// it, both in ink on white, so no label depends on the bar's colour or length.
pub fn creators(report: &CampaignReport, accent: RGBColor) -> Option<String> {
    const ROW: i32 = 26;
    const BAR: i32 = 16;
    const HANDLE_COLUMNS: usize = 28;
    let creators = &report.top_creators;
    let most = creators.iter().map(|c| c.plays).max()?.max(1) as f64;
    let rows: Vec<(String, String, f64)> = creators
        .iter()
        .map(|c| {
            (
                format!("@{}", one_line(&c.handle, HANDLE_COLUMNS)),
                format!("{} plays", thousands(c.plays)),
                c.plays as f64 / most,
            )
        })
        .collect();
    let widest = |texts: Vec<&str>| {
        texts
            .into_iter()
            .map(|t| text_width(t, LABEL_PX))
            .fold(0.0, f64::max)
            .ceil() as i32
    };
    let handles_end = MARGIN_LEFT as i32 + widest(rows.iter().map(|r| r.0.as_str()).collect());
    let bar_start = handles_end + 8;
    let plays_width = widest(rows.iter().map(|r| r.1.as_str()).collect());
    let bar_room = WIDTH as i32 - MARGIN_RIGHT as i32 - plays_width - 6 - bar_start;
    let height = 2 * MARGIN_TOP + ROW as u32 * rows.len() as u32;
    Some(svg((WIDTH, height), |root| {
        root.fill(&WHITE)?;
        for (n, (handle, plays, share)) in rows.iter().enumerate() {
            let y = MARGIN_TOP as i32 + n as i32 * ROW + ROW / 2;
            let bar_end = bar_start + (share * f64::from(bar_room.max(0))).round().max(1.0) as i32;
            root.draw(&Text::new(
                handle.clone(),
                (handles_end, y),
                anchored(LABEL_PX, INK, HPos::Right, VPos::Center),
            ))?;
            root.draw(&Rectangle::new(
                [(bar_start, y - BAR / 2), (bar_end, y + BAR / 2)],
                accent.mix(0.8).filled(),
            ))?;
            root.draw(&Text::new(
                plays.clone(),
                (bar_end + 6, y),
                anchored(LABEL_PX, INK, HPos::Left, VPos::Center),
            ))?;
        }
        root.present()?;
        Ok(())
    }))
}

fn severity_colour(severity: Severity) -> RGBColor {
    match severity {
        Severity::Info => RGBColor(43, 108, 176),
        Severity::Warning => RGBColor(183, 121, 31),
        Severity::Critical => RGBColor(197, 48, 48),
    }
}

/// Alerts over the period: a dot on each date per severity raised that day.
pub fn alerts(report: &CampaignReport) -> String {
    const STRIP: u32 = 30;
    let legend = Legend::new(vec![
        (Key::Dot(severity_colour(Severity::Info)), "info"),
        (Key::Dot(severity_colour(Severity::Warning)), "warning"),
        (Key::Dot(severity_colour(Severity::Critical)), "critical"),
    ]);
    let frame = MARGIN_TOP + STRIP + X_AXIS + MARGIN_BOTTOM;
    svg((WIDTH, legend.height() + frame), |root| {
        root.fill(&WHITE)?;
        let area = legend.draw(&root)?;
        let mut chart = period_chart(&root, &area, report, 0.0..1.0, 0, &|_| String::new())?;
        for (slot, day) in report.days.iter().enumerate() {
            let mut severities: Vec<Severity> = report
                .alerts
                .iter()
                .filter(|a| a.date == day.date)
                .map(|a| a.severity)
                .collect();
            severities.sort();
            severities.dedup();
            // Side by side, centred on the day, so one severity never hides another.
            let first = -7.0 * (severities.len() as f64 - 1.0);
            for (k, severity) in severities.iter().enumerate() {
                let dx = (first + 14.0 * k as f64) as i32;
                chart.draw_series([EmptyElement::at((mid(slot), 0.5))
                    + Circle::new((dx, 0), 5, severity_colour(*severity).filled())])?;
            }
        }
        root.present()?;
        Ok(())
    })
}

/// The campaign's share of views on each day that knows every hashtag's views (from
/// `voice::daily_shares`), as a line over the period.
pub fn share_of_voice(
    report: &CampaignReport,
    shares: &[DailyShare],
    accent: RGBColor,
) -> Option<String> {
    let points: Vec<(usize, f64)> = shares
        .iter()
        .filter_map(|s| {
            let slot = report.days.iter().position(|d| d.date == s.date)?;
            Some((slot, s.views_share))
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    let most = points.iter().map(|(_, s)| *s).fold(0.0, f64::max);
    let top = (most * 1.2).clamp(0.05, 1.0);
    let legend = Legend::new(vec![(
        Key::Line(accent),
        "share of views: the campaign's total ÷ its own and its competitors' totals",
    )]);
    Some(svg((WIDTH, legend.height() + FRAME_HEIGHT), |root| {
        root.fill(&WHITE)?;
        let area = legend.draw(&root)?;
        let decimals = usize::from(top < 0.1);
        let mut chart = period_chart(&root, &area, report, 0.0..top, Y_LABELS, &|v| {
            format!("{:.*}%", decimals, v * 100.0)
        })?;
        for run in runs(&points).filter(|run| run.len() > 1) {
            chart.draw_series(LineSeries::new(
                run.iter().map(|(i, s)| (mid(*i), *s)),
                accent.stroke_width(2),
            ))?;
        }
        for run in runs(&points).filter(|run| dotted(run, report.days.len())) {
            chart.draw_series(
                run.iter()
                    .map(|(i, s)| Circle::new((mid(*i), *s), 3, accent.filled())),
            )?;
        }
        root.present()?;
        Ok(())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Alert, AlertsOutcome, DayMetrics};
    use crate::fixtures::{campaign, date, day, scored, video, week};
    use crate::report::build_report;

    const ACCENT: RGBColor = RGBColor(90, 60, 200);

    /// A `<text>` element as plotters writes it.
    #[derive(Debug)]
    struct Label {
        text: String,
        x: f64,
        y: f64,
        px: f64,
        anchor: String,
        dy: String,
    }

    impl Label {
        /// The box the text may take: its anchor and estimated width, a line of its size.
        fn bounds(&self) -> (f64, f64, f64, f64) {
            let width = text_width(&self.text, self.px);
            let left = match self.anchor.as_str() {
                "start" => self.x,
                "end" => self.x - width,
                _ => self.x - width / 2.0,
            };
            let top = match self.dy.as_str() {
                "0.76em" => self.y,
                "-0.5ex" => self.y - self.px,
                _ => self.y - self.px / 2.0,
            };
            (left, top, left + width, top + self.px)
        }
    }

    fn attribute<'s>(tag: &'s str, name: &str) -> Option<&'s str> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&tag[start..start + tag[start..].find('"')?])
    }

    fn labels(svg: &str) -> Vec<Label> {
        svg.split("<text")
            .skip(1)
            .map(|rest| {
                let (tag, rest) = rest.split_once('>').unwrap();
                let number = |name| attribute(tag, name).unwrap().parse::<f64>().unwrap();
                assert!(attribute(tag, "transform").is_none(), "no rotated text");
                Label {
                    text: rest
                        .split("</text>")
                        .next()
                        .unwrap()
                        .trim()
                        .replace("&apos;", "'"),
                    x: number("x"),
                    y: number("y"),
                    px: number("font-size"),
                    anchor: attribute(tag, "text-anchor").unwrap().to_string(),
                    dy: attribute(tag, "dy").unwrap().to_string(),
                }
            })
            .collect()
    }

    fn texts(svg: &str) -> Vec<String> {
        labels(svg).into_iter().map(|l| l.text).collect()
    }

    /// Every text inside the SVG's bounds, and no two texts over each other.
    fn assert_text_fits(svg: &str) {
        let size = |name| attribute(svg, name).unwrap().parse::<f64>().unwrap();
        let (width, height) = (size("width"), size("height"));
        let labels = labels(svg);
        let boxes: Vec<_> = labels.iter().map(|l| (l, l.bounds())).collect();
        for (label, (left, top, right, bottom)) in &boxes {
            assert!(
                *left >= 0.0 && *top >= 0.0 && *right <= width && *bottom <= height,
                "{label:?} outside {width}×{height}"
            );
        }
        for (n, (a, (l1, t1, r1, b1))) in boxes.iter().enumerate() {
            for (b, (l2, t2, r2, b2)) in &boxes[n + 1..] {
                let apart = r1 <= l2 || r2 <= l1 || b1 <= t2 || b2 <= t1;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }

    fn hex(colour: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2)
    }

    fn fill(colour: RGBColor) -> String {
        format!("fill=\"{}\"", hex(colour))
    }

    fn lines_in(svg: &str, colour: RGBColor) -> usize {
        let stroke = format!("stroke=\"{}\"", hex(colour));
        svg.split("<polyline")
            .skip(1)
            .filter(|line| line.split("/>").next().unwrap().contains(&stroke))
            .count()
    }

    fn week_report() -> CampaignReport {
        build_report(&campaign(), &week(), date("2026-11-07"), 7, 0.005)
    }

    /// 90 consecutive days, each with totals, new views and a few comments.
    fn long_report() -> CampaignReport {
        let growth = week()[1].view_growth.clone();
        let days: Vec<DayMetrics> = date("2026-08-10")
            .iter_days()
            .take(90)
            .enumerate()
            .map(|(n, on)| {
                let mut d = day(&on.to_string(), 1_000_000 + 40_000 * n as u64, 300);
                d.view_growth = growth.clone();
                d.videos = vec![video("v1", "mia.makes", 1_000 * n as u64, "2026-08-10")];
                d
            })
            .collect();
        build_report(&campaign(), &days, date("2026-11-07"), 90, 0.005)
    }

    /// Every chart of a report, as it would be drawn.
    fn every_chart(report: &CampaignReport) -> Vec<String> {
        let shares: Vec<DailyShare> = report
            .days
            .iter()
            .map(|d| DailyShare {
                date: d.date,
                views_share: 0.31,
                videos_share: None,
            })
            .collect();
        [
            total_views(report, ACCENT),
            new_views(report, ACCENT),
            sentiment(report),
            creators(report, ACCENT),
            Some(alerts(report)),
            share_of_voice(report, &shares, ACCENT),
        ]
        .into_iter()
        .map(|chart| chart.expect("the fixture has data for every chart"))
        .collect()
    }

    #[test]
    fn charts_are_svg_and_say_so_when_there_is_nothing_to_draw() {
        for chart in every_chart(&week_report()) {
            assert!(
                chart.starts_with("<svg") && chart.contains("</svg>"),
                "{chart}"
            );
        }
        let empty = build_report(&campaign(), &[], date("2026-11-07"), 7, 0.005);
        assert!(total_views(&empty, ACCENT).is_none());
        assert!(new_views(&empty, ACCENT).is_none());
        assert!(sentiment(&empty).is_none());
        assert!(creators(&empty, ACCENT).is_none());
        assert!(share_of_voice(&empty, &[], ACCENT).is_none());
        assert!(alerts(&empty).contains("<svg"));
        assert_eq!(short(1_234_000.0), "1.2M");
        assert_eq!(short(2_000.0), "2k");
    }

    #[test]
    fn no_text_leaves_its_chart_or_covers_another_over_a_week_or_a_quarter() {
        for report in [week_report(), long_report()] {
            for chart in every_chart(&report) {
                assert_text_fits(&chart);
                assert!(lines_in(&chart, GRID) <= 6, "a light grid: {chart}");
            }
        }
        let quarter = total_views(&long_report(), ACCENT).unwrap();
        let dates = texts(&quarter)
            .iter()
            .filter(|t| t.starts_with("Aug") || t.starts_with("Sep"))
            .count();
        assert!(
            (2..=20).contains(&dates),
            "thinned, not dropped: {dates} dates"
        );
    }

    #[test]
    fn every_chart_explains_itself_in_its_own_legend() {
        let charts = every_chart(&week_report());
        let legend = |chart: &str, wanted: &[&str]| {
            let texts = texts(chart);
            for text in wanted {
                assert!(
                    texts.iter().any(|t| t.starts_with(text)),
                    "{text} in {texts:?}"
                );
            }
        };
        legend(
            &charts[0],
            &["reported total", "what the API's rounding allows"],
        );
        legend(
            &charts[1],
            &[
                "estimate",
                "from what the tracked videos prove to what the rounded totals allow",
            ],
        );
        legend(
            &charts[2],
            &["positive", "neutral", "negative", "too few to judge"],
        );
        legend(&charts[4], &["info", "warning", "critical"]);
        legend(&charts[5], &["share of views"]);
        assert!(
            charts[0].matches(&fill(ACCENT)).count() >= 7,
            "a band and a box per day in the accent colour"
        );
    }

    #[test]
    fn days_with_too_few_comments_show_their_volume_greyed_and_say_so() {
        let mut days = week();
        days[0].sentiment = scored(40, 20, 12, 0.2); // Nov 01: enough to judge
        let report = build_report(&campaign(), &days, date("2026-11-07"), 7, 0.005);
        let chart = sentiment(&report).unwrap();
        assert_text_fits(&chart);
        let labels = labels(&chart);
        let x_of = |text: &str| labels.iter().find(|l| l.text == text).unwrap().x;
        let too_few_at = |x: f64| {
            labels
                .iter()
                .any(|l| l.text == TOO_FEW_TEXT && (l.x - x).abs() < 1.0)
        };
        assert!(!too_few_at(x_of("Nov 01")), "72 comments are judged");
        for few in ["Nov 02", "Nov 03", "Nov 06", "Nov 07"] {
            assert!(too_few_at(x_of(few)), "10 comments on {few}");
        }
        assert_eq!(labels.iter().filter(|l| l.text == TOO_FEW_TEXT).count(), 4);
        assert_eq!(
            labels.iter().filter(|l| l.text == "10").count(),
            4,
            "their counts"
        );
        assert!(labels.iter().any(|l| l.text == "72"));
        // Four grey bars and the legend's swatch; the judged day in colour.
        assert_eq!(chart.matches(&fill(TOO_FEW)).count(), 5);
        assert_eq!(chart.matches(&fill(NEGATIVE)).count(), 2);

        // Bar heights in pixels, after the legend's swatch of the colour.
        let bars = |colour| -> Vec<f64> {
            chart
                .split("<rect")
                .filter(|r| r.contains(&fill(colour)))
                .skip(1)
                .map(|r| attribute(r, "height").unwrap().parse().unwrap())
                .collect()
        };
        let judged: f64 = [POSITIVE, NEUTRAL, NEGATIVE]
            .map(|c| bars(c)[0])
            .iter()
            .sum();
        let grey = bars(TOO_FEW);
        assert!(
            grey.iter().all(|h| (h / judged - 10.0 / 72.0).abs() < 0.02),
            "height by volume: {grey:?} against {judged}"
        );
    }

    #[test]
    fn alerts_are_dots_by_severity_on_their_day() {
        let mut days = week();
        days[1].alerts = AlertsOutcome::Evaluated {
            alerts: [Severity::Critical, Severity::Warning, Severity::Warning]
                .map(|severity| Alert {
                    rule: "r".into(),
                    plugin: "builtin".into(),
                    severity,
                    message: "m".into(),
                })
                .to_vec(),
        };
        let report = build_report(&campaign(), &days, date("2026-11-07"), 7, 0.005);
        let chart = alerts(&report);
        assert_text_fits(&chart);
        let dots = |severity| chart.matches(&fill(severity_colour(severity))).count();
        // Each severity's legend dot, and one dot per severity raised on a day.
        assert_eq!(
            (
                dots(Severity::Info),
                dots(Severity::Warning),
                dots(Severity::Critical)
            ),
            (1, 2, 2)
        );
    }

    #[test]
    fn creator_labels_stay_readable_and_inside_however_long_the_handle() {
        let mut days = week();
        days[5].videos.push(video(
            "long",
            &"h".repeat(100_000),
            10_000_000,
            "2026-11-06",
        ));
        days[5].videos.push(video(
            "wide",
            "日本語のとても長いハンドル名です",
            9_000_000,
            "2026-11-06",
        ));
        let report = build_report(&campaign(), &days, date("2026-11-07"), 7, 0.005);
        let chart = creators(&report, ACCENT).unwrap();
        assert_text_fits(&chart);
        let texts = texts(&chart);
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("@hhh") && t.ends_with("...")),
            "{texts:?}"
        );
        assert!(texts.contains(&"10,000,000 plays".to_string()), "{texts:?}");
        assert!(!chart.contains("<polyline"), "no grid");
    }

    #[test]
    fn share_of_voice_is_a_line_over_the_days_that_know_it() {
        let report = week_report();
        let share = |on: &str, views_share| DailyShare {
            date: date(on),
            views_share,
            videos_share: None,
        };
        let shares = [
            share("2026-11-01", 0.2),
            share("2026-11-02", 0.25),
            share("2026-11-06", 0.3),
        ];
        let chart = share_of_voice(&report, &shares, ACCENT).unwrap();
        assert_text_fits(&chart);
        assert_eq!(chart.matches("<circle").count(), 3, "a dot per known day");
        // Nov 01 to Nov 02 joined, Nov 06 a dot alone, and the legend's swatch.
        assert_eq!(lines_in(&chart, ACCENT), 2, "{chart}");
        assert!(texts(&chart).iter().any(|t| t.ends_with('%')));
    }
}
