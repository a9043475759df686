//! The export tables' columns: name, type and meaning of each, in order. Both writers (Parquet
//! and CSV) and the row builders follow these lists, and the README's schema tables are
//! generated from them (a test keeps the two equal). Owns no I/O.

/// A column's type, as Parquet stores it (the names are Arrow's, which BI tools read it as)
/// and as CSV spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 text.
    Text,
    /// A calendar date (Parquet DATE, Arrow Date32): `YYYY-MM-DD` in CSV.
    Date,
    /// An instant in UTC, to the second: Parquet TIMESTAMP(MILLIS, UTC), Arrow Timestamp(ms,
    /// "UTC") (Parquet has no unit of seconds: a column of seconds would reach BI tools as
    /// plain integers); RFC 3339 in CSV.
    Timestamp,
    UInt64,
    Int64,
    Float64,
    Float32,
    /// `true` / `false`.
    Boolean,
}

impl ColumnType {
    /// The column's Parquet type, as a message type's field spells it.
    fn parquet(self) -> &'static str {
        match self {
            ColumnType::Text => "binary {} (STRING)",
            ColumnType::Date => "int32 {} (DATE)",
            ColumnType::Timestamp => "int64 {} (TIMESTAMP(MILLIS,true))",
            ColumnType::UInt64 => "int64 {} (INTEGER(64,false))",
            ColumnType::Int64 => "int64 {}",
            ColumnType::Float64 => "double {}",
            ColumnType::Float32 => "float {}",
            ColumnType::Boolean => "boolean {}",
        }
    }

    /// The name the README's schema tables use.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "Utf8",
            ColumnType::Date => "Date32",
            ColumnType::Timestamp => "Timestamp(ms, UTC)",
            ColumnType::UInt64 => "UInt64",
            ColumnType::Int64 => "Int64",
            ColumnType::Float64 => "Float64",
            ColumnType::Float32 => "Float32",
            ColumnType::Boolean => "Boolean",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnType,
    /// Whether it can be NULL (unknown).
    pub nullable: bool,
    /// Whether its values recur across rows (ids, names, dates, counts): Parquet then keeps
    /// a dictionary and min/max statistics of it. Free text and one-off ids get neither, which
    /// would cost time and save nothing.
    pub recurs: bool,
    pub meaning: &'static str,
}

/// One exported table: `DIR/{name}.parquet` or `DIR/{name}.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSchema {
    pub name: &'static str,
    pub columns: &'static [Column],
}

impl TableSchema {
    /// The table's Parquet schema, in the message-type syntax Parquet's tools print.
    pub fn parquet_message_type(&self) -> String {
        let fields: String = self
            .columns
            .iter()
            .map(|c| {
                let repetition = if c.nullable { "optional" } else { "required" };
                format!("{repetition} {};\n", c.kind.parquet().replace("{}", c.name))
            })
            .collect();
        format!("message {} {{\n{fields}}}", self.name)
    }

    /// The table's columns as a Markdown table (what the README shows).
    pub fn markdown(&self) -> String {
        let mut out = String::from("| column | type | meaning |\n|---|---|---|\n");
        for c in self.columns {
            let null = if c.nullable && !c.meaning.contains("NULL") {
                "; NULL when unknown"
            } else {
                ""
            };
            out.push_str(&format!(
                "| `{}` | {} | {}{null} |\n",
                c.name,
                c.kind.name(),
                c.meaning
            ));
        }
        out
    }
}

const fn col(name: &'static str, kind: ColumnType, meaning: &'static str) -> Column {
    Column {
        name,
        kind,
        nullable: false,
        recurs: true,
        meaning,
    }
}

const fn opt(name: &'static str, kind: ColumnType, meaning: &'static str) -> Column {
    Column {
        nullable: true,
        ..col(name, kind, meaning)
    }
}

/// Text that seldom repeats: free text, or an id each row has its own of.
const fn unique_text(name: &'static str, meaning: &'static str) -> Column {
    Column {
        recurs: false,
        ..col(name, Text, meaning)
    }
}

use ColumnType::{Boolean, Date, Float32, Float64, Int64, Text, Timestamp, UInt64};

/// One row per stored campaign-day.
pub const DAYS: TableSchema = TableSchema {
    name: "days",
    columns: &[
        col("campaign", Text, "campaign id"),
        col("client", Text, "client id"),
        col("date", Date, "the campaign day"),
        opt(
            "previous_date",
            Date,
            "the previous stored day, which the changes are measured from",
        ),
        opt(
            "span_days",
            UInt64,
            "days since `previous_date`: what the changes cover",
        ),
        opt("collected_at", Timestamp, "when the day's data was fetched"),
        opt(
            "total_views",
            UInt64,
            "the hashtags' total views (rounded upstream)",
        ),
        opt(
            "total_videos",
            UInt64,
            "the hashtags' total videos (the API sometimes reports 0: unknown)",
        ),
        col(
            "videos_seen",
            UInt64,
            "distinct videos seen in the samples so far (a lower bound of `total_videos`)",
        ),
        opt(
            "new_views",
            Int64,
            "change of `total_views` over the span (can be negative: rounding)",
        ),
        opt(
            "new_videos",
            Int64,
            "change of `total_videos` over the span",
        ),
        opt(
            "views_per_day",
            Float64,
            "best estimate of new views per day",
        ),
        opt(
            "views_per_day_low",
            Float64,
            "what the evidence rules out below, per day",
        ),
        opt(
            "views_per_day_high",
            Float64,
            "the most the rounded totals allow, per day, narrowed by the sample where the API counts videos (a measured model, see \"What the figures mean\")",
        ),
        col(
            "tracked_videos",
            UInt64,
            "videos in the day's sample (rows of `videos` for this day)",
        ),
        col("new_tracked_videos", UInt64, "videos no earlier sample had"),
        col(
            "comments_read",
            UInt64,
            "comments read for the first time this day",
        ),
        opt(
            "sentiment_comments",
            UInt64,
            "new comments scored (NULL: not scored, see `sentiment_status`)",
        ),
        opt("sentiment_positive", UInt64, "of them positive"),
        opt("sentiment_neutral", UInt64, "of them neutral"),
        opt("sentiment_negative", UInt64, "of them negative"),
        opt(
            "sentiment_mean_score",
            Float64,
            "their mean score, -1 (negative) to 1 (positive)",
        ),
        col(
            "sentiment_status",
            Text,
            "`scored`, `unavailable` (scorer failed) or `not_collected`",
        ),
        opt(
            "new_comments_unscored",
            UInt64,
            "new comments in a language the campaign does not score (NULL: languages not told)",
        ),
        opt(
            "new_comment_languages",
            Text,
            "every new comment by language, scored or not: `pt 90; en 40; und 5` (NULL: not told)",
        ),
        col(
            "credits_spent",
            UInt64,
            "API credits the campaign paid for the day",
        ),
        opt(
            "alerts_raised",
            UInt64,
            "alerts the day raised (NULL: the rules could not run)",
        ),
        col(
            "missing",
            Text,
            "what could not be collected, notes joined by `; ` (empty: complete)",
        ),
    ],
};

/// One row per tracked video per stored day.
pub const VIDEOS: TableSchema = TableSchema {
    name: "videos",
    columns: &[
        col("campaign", Text, "campaign id"),
        col("client", Text, "client id"),
        col("date", Date, "the campaign day whose sample had the video"),
        col("video_id", Text, "TikTok video id"),
        col("creator", Text, "the creator's handle, without `@`"),
        unique_text("caption", "the video's caption"),
        col("created_at", Timestamp, "when the video was posted"),
        col("plays", UInt64, "plays that day"),
        col("likes", UInt64, "likes that day"),
        col("comments", UInt64, "comments that day"),
        col("shares", UInt64, "shares that day"),
        col("saves", UInt64, "saves that day"),
        col(
            "first_seen",
            Date,
            "the first day the video was in the campaign's sample",
        ),
        opt(
            "plays_change",
            UInt64,
            "plays gained since the video was last in a sample",
        ),
        opt(
            "plays_change_span_days",
            UInt64,
            "over how many days `plays_change` was gained",
        ),
    ],
};

/// One row per comment, on the day it was first read.
pub const COMMENTS: TableSchema = TableSchema {
    name: "comments",
    columns: &[
        col("campaign", Text, "campaign id"),
        col("client", Text, "client id"),
        col("date", Date, "the campaign day the comment was first read"),
        col("video_id", Text, "the video commented on"),
        unique_text("comment_id", "TikTok comment id"),
        unique_text("text", "the comment"),
        col("created_at", Timestamp, "when it was written"),
        col("likes", UInt64, "its likes when read"),
        opt(
            "score",
            Float32,
            "sentiment score, -1 to 1 (NULL: not scored)",
        ),
        opt(
            "language",
            Text,
            "its language, ISO 639-1 or `und` (NULL: read before languages were told)",
        ),
    ],
};

/// One row per alert in the outbox.
pub const ALERTS: TableSchema = TableSchema {
    name: "alerts",
    columns: &[
        col("campaign", Text, "campaign id"),
        col("client", Text, "client id"),
        col("date", Date, "the campaign day that raised it"),
        col("rule", Text, "the alert rule, e.g. `viral-day`"),
        col(
            "plugin",
            Text,
            "the plugin that raised it: `builtin` or a component's name (empty on alerts stored before plugins were named)",
        ),
        col("severity", Text, "`info`, `warning` or `critical`"),
        unique_text("message", "the alert's text"),
        col("raised_at", Timestamp, "when it was first stored"),
        col("withdrawn", Boolean, "a re-score no longer raises it"),
        opt("withdrawn_at", Timestamp, "when it was withdrawn"),
        col(
            "deliveries",
            Text,
            "per sink `sink=state` joined by `; ` (`sent`, `ongoing`, `below_severity`, `retrying`, `failed`, `cancelled`, `expired`; empty: no sink tried yet)",
        ),
    ],
};

/// Every table, in the order they are written.
pub const TABLES: [&TableSchema; 4] = [&DAYS, &VIDEOS, &COMMENTS, &ALERTS];
