//! Rows of the export tables from what the store holds: a stored day's headline, its videos
//! and the comments first read on it (both read in place: `store::CommentView`,
//! `domain::views`), an outbox record. Each row's cells follow its table's columns (`schema`);
//! unknown values are NULL cells, never zeros. A row's text borrows from what it was built
//! from: the Parquet writer copies it straight into its columns. Pure.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::schema::{COMMENTS, ColumnType, VIDEOS};
use crate::alerts::outbox::{DeliveryState, OutboxEntry};
use crate::domain::views::{DayKey, VideoView};
use crate::domain::{AlertsOutcome, DayHeadline, SentimentOutcome, Severity, counts_cell};
use crate::store::CommentView;

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Text(Cow<'a, str>),
    Date(NaiveDate),
    /// Unix seconds.
    Timestamp(i64),
    UInt64(u64),
    Int64(i64),
    Float64(f64),
    Float32(f32),
    Boolean(bool),
}

/// A row that owns its text (one kept after what it was built from is gone).
pub type Row = Vec<Cell<'static>>;

impl Cell<'_> {
    /// The same value, owning its text.
    pub fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Null => Cell::Null,
            Cell::Text(text) => Cell::Text(Cow::Owned(text.into_owned())),
            Cell::Date(d) => Cell::Date(d),
            Cell::Timestamp(t) => Cell::Timestamp(t),
            Cell::UInt64(n) => Cell::UInt64(n),
            Cell::Int64(n) => Cell::Int64(n),
            Cell::Float64(x) => Cell::Float64(x),
            Cell::Float32(x) => Cell::Float32(x),
            Cell::Boolean(b) => Cell::Boolean(b),
        }
    }

    /// Whether this value may stand in a column of `kind` (NULL may stand in any).
    pub fn fits(&self, kind: ColumnType) -> bool {
        matches!(
            (kind, self),
            (_, Cell::Null)
                | (ColumnType::Text, Cell::Text(_))
                | (ColumnType::Date, Cell::Date(_))
                | (ColumnType::Timestamp, Cell::Timestamp(_))
                | (ColumnType::UInt64, Cell::UInt64(_))
                | (ColumnType::Int64, Cell::Int64(_))
                | (ColumnType::Float64, Cell::Float64(_))
                | (ColumnType::Float32, Cell::Float32(_))
                | (ColumnType::Boolean, Cell::Boolean(_))
        )
    }
}

/// The cells as a row of their own.
pub fn owned<'a>(cells: impl IntoIterator<Item = Cell<'a>>) -> Row {
    cells.into_iter().map(Cell::into_owned).collect()
}

impl From<String> for Cell<'_> {
    fn from(text: String) -> Self {
        Cell::Text(Cow::Owned(text))
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(text: &'a str) -> Self {
        Cell::Text(Cow::Borrowed(text))
    }
}

impl From<NaiveDate> for Cell<'_> {
    fn from(date: NaiveDate) -> Self {
        Cell::Date(date)
    }
}

impl From<u64> for Cell<'_> {
    fn from(n: u64) -> Self {
        Cell::UInt64(n)
    }
}

impl From<u32> for Cell<'_> {
    fn from(n: u32) -> Self {
        Cell::UInt64(u64::from(n))
    }
}

impl From<usize> for Cell<'_> {
    fn from(n: usize) -> Self {
        Cell::UInt64(n as u64)
    }
}

impl From<i64> for Cell<'_> {
    fn from(n: i64) -> Self {
        Cell::Int64(n)
    }
}

impl From<f64> for Cell<'_> {
    fn from(x: f64) -> Self {
        Cell::Float64(x)
    }
}

impl From<f32> for Cell<'_> {
    fn from(x: f32) -> Self {
        Cell::Float32(x)
    }
}

impl From<bool> for Cell<'_> {
    fn from(b: bool) -> Self {
        Cell::Boolean(b)
    }
}

impl<'a, T: Into<Cell<'a>>> From<Option<T>> for Cell<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Null, Into::into)
    }
}

fn timestamp(secs: Option<i64>) -> Cell<'static> {
    secs.map_or(Cell::Null, Cell::Timestamp)
}

/// The `days` row of a stored day (its headline has every figure the row holds).
pub fn day_row(headline: &DayHeadline) -> Vec<Cell<'_>> {
    let day = &headline.day;
    let growth = day.view_growth.as_ref();
    let (scored, status) = match &day.sentiment {
        SentimentOutcome::Scored(s) => (Some(s), "scored"),
        SentimentOutcome::Unavailable { .. } => (None, "unavailable"),
        SentimentOutcome::NotCollected { .. } => (None, "not_collected"),
    };
    let alerts = match &day.alerts {
        AlertsOutcome::Evaluated { alerts } => Some(alerts.len()),
        AlertsOutcome::Unavailable { .. } => None,
    };
    vec![
        day.campaign_id.as_str().into(),
        day.client_id.as_str().into(),
        day.date.into(),
        day.previous_date.into(),
        day.span_days().into(),
        timestamp(day.collected_at),
        day.total_views.into(),
        day.total_videos.into(),
        day.videos_seen.into(),
        day.new_views.into(),
        day.new_videos.into(),
        growth.map(|g| g.per_day).into(),
        growth.map(|g| g.per_day_low).into(),
        growth.and_then(|g| g.per_day_high).into(),
        headline.sample.videos.into(),
        day.new_tracked_videos.into(),
        day.comments_read.into(),
        scored.map(|s| s.comments).into(),
        scored.map(|s| s.positive).into(),
        scored.map(|s| s.neutral).into(),
        scored.map(|s| s.negative).into(),
        // The mean of no comments is unknown, not 0.
        scored
            .filter(|s| s.comments > 0)
            .map(|s| s.mean_score)
            .into(),
        status.into(),
        day.sentiment.new_comments_unscored().into(),
        day.sentiment
            .new_comment_languages()
            .map(counts_cell)
            .into(),
        day.credits_spent.into(),
        alerts.into(),
        day.missing.join("; ").into(),
    ]
}

/// A `videos` row: one video of a stored day's sample. A row is an array, not a `Vec`: a
/// year's export builds tens of millions of them.
pub fn video_row<'a>(day: DayKey<'a>, v: &VideoView<'a>) -> [Cell<'a>; VIDEOS.columns.len()] {
    [
        day.campaign_id.into(),
        day.client_id.into(),
        day.date.into(),
        v.id.into(),
        v.creator.into(),
        v.caption.into(),
        Cell::Timestamp(v.created_at),
        v.stats.plays.into(),
        v.stats.likes.into(),
        v.stats.comments.into(),
        v.stats.shares.into(),
        v.stats.saves.into(),
        v.first_seen.into(),
        v.plays_change.into(),
        v.change_span_days.into(),
    ]
}

/// A `comments` row: one comment a stored day read for the first time.
pub fn comment_row<'a>(day: DayKey<'a>, c: &CommentView<'a>) -> [Cell<'a>; COMMENTS.columns.len()] {
    [
        day.campaign_id.into(),
        day.client_id.into(),
        day.date.into(),
        c.video_id.into(),
        c.id.into(),
        c.text.into(),
        Cell::Timestamp(c.created_at),
        c.likes.into(),
        c.score.into(),
        c.language.into(),
    ]
}

/// The `alerts` row of an outbox record.
pub fn alert_row(entry: &OutboxEntry) -> Vec<Cell<'_>> {
    let severity = match entry.severity {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    };
    let deliveries: Vec<String> = entry
        .deliveries
        .iter()
        .map(|(sink, d)| format!("{sink}={}", state_name(d.state)))
        .collect();
    vec![
        entry.campaign_id.as_str().into(),
        entry.client_id.as_str().into(),
        entry.date.into(),
        entry.rule.as_str().into(),
        entry.plugin.as_str().into(),
        severity.into(),
        entry.message.as_str().into(),
        Cell::Timestamp(entry.raised_at),
        entry.withdrawn_at.is_some().into(),
        timestamp(entry.withdrawn_at),
        deliveries.join("; ").into(),
    ]
}

fn state_name(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Sent => "sent",
        DeliveryState::Ongoing => "ongoing",
        DeliveryState::BelowSeverity => "below_severity",
        DeliveryState::Retrying => "retrying",
        DeliveryState::Failed => "failed",
        DeliveryState::Cancelled => "cancelled",
        DeliveryState::Expired => "expired",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::schema::DAYS;

    fn cell_of<'a>(row: &[Cell<'a>], column: &str) -> Cell<'a> {
        let at = DAYS.columns.iter().position(|c| c.name == column).unwrap();
        row[at].clone()
    }

    #[test]
    fn a_day_no_scorer_read_exports_its_comments_by_language() {
        let mut day = crate::fixtures::day("2026-11-03", 2_000, 10);
        day.sentiment = SentimentOutcome::NotCollected {
            reason: "none of the 25 new comments is in a language the campaign scores".into(),
            unscored: [("id".to_string(), 20), ("es".to_string(), 5)].into(),
        };
        let headline = DayHeadline::split(day.clone()).0;
        let row = day_row(&headline);
        assert_eq!(cell_of(&row, "new_comments_unscored"), Cell::UInt64(25));
        assert_eq!(
            cell_of(&row, "new_comment_languages"),
            Cell::Text("es 5; id 20".into())
        );
        assert_eq!(cell_of(&row, "sentiment_comments"), Cell::Null);
        day.sentiment = SentimentOutcome::Unavailable {
            reason: "scorer ran out of fuel".into(),
        };
        let headline = DayHeadline::split(day.clone()).0;
        let row = day_row(&headline);
        assert_eq!(cell_of(&row, "new_comments_unscored"), Cell::Null);
        assert_eq!(cell_of(&row, "new_comment_languages"), Cell::Null);
    }
}
