//! Exports stored data as four tables for spreadsheets and BI tools (DuckDB, BigQuery,
//! Looker Studio, Power BI): `days`, `videos`, `comments` and `alerts`, as Parquet or CSV
//! files in one directory.
//!
//! Owns what is exported and in which order: the selected campaigns' stored days in their
//! periods, the comments each of those days read first, and the outbox records of those
//! campaign-days. The columns are `schema`'s, the rows `rows`' and the files `write`'s. Reads
//! the sled store (comments and alerts are only there), never the API.

pub mod rows;
pub mod schema;
mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;

use crate::domain::views::DayKey;
use crate::store::{Store, StoreError};
use crate::text_safety::CsvCells;

pub use write::{Format, csv_document, json_records, table_path};

use schema::{ALERTS, COMMENTS, DAYS, TableSchema, VIDEOS};
use write::{Finished, TableWriter};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}: cannot write Parquet: {reason}")]
    Parquet { path: PathBuf, reason: String },
    #[error("{path}: cannot write CSV: {reason}")]
    Csv { path: PathBuf, reason: String },
    #[error(
        "{dir} holds files an export did not write ({}): export into a new or empty directory, or one holding only a previous export",
        files.join(", ")
    )]
    ForeignFiles { dir: PathBuf, files: Vec<String> },
}

/// One campaign's dates to export, both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignPeriod {
    pub campaign: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl CampaignPeriod {
    /// Calendar days in the period (stored or not): the export's unit of progress.
    pub fn len(&self) -> u64 {
        u64::try_from((self.to - self.from).num_days() + 1).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One table as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableFile {
    pub table: &'static str,
    pub path: PathBuf,
    pub rows: u64,
}

/// Writes the four tables of `periods` from `store` into `dir` (created if needed; refused
/// when it holds other files than a previous export's). `progress` is told of each calendar
/// day done. Each table goes to a partial file first; all four are renamed into place only
/// once all are complete, so a failure while reading or writing leaves the previous export
/// (if any) as it was, and no table file is ever half written. `cells` says how CSV text cells
/// are written (Parquet columns are typed: nothing there is read as a formula).
pub fn export(
    store: &Store,
    periods: &[CampaignPeriod],
    dir: &Path,
    format: Format,
    cells: CsvCells,
    progress: &dyn Fn(u64),
) -> Result<Vec<TableFile>, ExportError> {
    write::prepare_dir(dir)?;
    let create = |table| TableWriter::create(dir, table, format, cells);
    let (days, videos) = (create(&DAYS)?, create(&VIDEOS)?);
    let (comments, alerts) = (create(&COMMENTS)?, create(&ALERTS)?);
    // Two halves of about equal work, each on its own thread reading the store for its own
    // tables and finishing them (complete and synced, not yet in place): the comments (the
    // largest table) on one; the days, their videos and the alerts on this one.
    let failed = AtomicBool::new(false);
    let finished = std::thread::scope(|scope| {
        let other_half = scope.spawn(|| write_comments(store, periods, comments, &failed));
        let this_half =
            write_days_videos_and_alerts(store, periods, [days, videos, alerts], progress);
        failed.store(this_half.is_err(), Ordering::Relaxed);
        let other_half = other_half
            .join()
            .expect("writing the comments does not panic");
        match (this_half, other_half) {
            (Ok(mut finished), Ok(comments)) => {
                // In the tables' order: days, videos, comments, alerts.
                finished.splice(2..2, comments);
                Ok(finished)
            }
            (Ok(done), Err(e)) | (Err(e), Ok(done)) => {
                done.iter().for_each(Finished::discard);
                Err(e)
            }
            (Err(e), Err(_)) => Err(e),
        }
    })?;
    for (i, table) in finished.iter().enumerate() {
        if let Err(e) = table.commit() {
            finished[i..].iter().for_each(Finished::discard);
            return Err(e);
        }
    }
    write::sync_dir(dir);
    Ok(finished
        .iter()
        .map(|f| TableFile {
            table: f.table.name,
            path: f.path.clone(),
            rows: f.rows,
        })
        .collect())
}

/// Every exported table's schema, in the order they are written.
pub fn tables() -> [&'static TableSchema; 4] {
    schema::TABLES
}

/// The table called `name` (`days`, `videos`, `comments`, `alerts`).
pub fn table(name: &str) -> Option<&'static TableSchema> {
    schema::TABLES.into_iter().find(|t| t.name == name)
}

/// One table's rows over `periods`, as `export` writes them to its file (for serving one
/// table at a time, as `serve`'s API does).
pub fn table_rows(
    store: &Store,
    periods: &[CampaignPeriod],
    table: &TableSchema,
) -> Result<Vec<rows::Row>, StoreError> {
    if table.name == ALERTS.name {
        return alert_rows(store, periods);
    }
    let mut found = Vec::new();
    for period in periods {
        let (campaign, from, to) = (&period.campaign, period.from, period.to);
        if table.name == DAYS.name {
            let headlines = store.headlines(campaign, from, to)?;
            found.extend(headlines.iter().map(|h| rows::owned(rows::day_row(h))));
        } else if table.name == VIDEOS.name {
            store.for_each_day_videos::<StoreError>(campaign, from, to, |headline, sample| {
                let day = DayKey::from(&headline.day);
                found.extend(sample.iter().map(|v| rows::owned(rows::video_row(day, v))));
                Ok(())
            })?;
        } else {
            store.for_each_day_comments::<StoreError>(campaign, from, to, |day, comments| {
                found.extend(
                    comments
                        .iter()
                        .map(|c| rows::owned(rows::comment_row(day, c))),
                );
                Ok(())
            })?;
        }
    }
    Ok(found)
}

/// The `days`, `videos` and `alerts` tables of `periods`, finished; `progress` told of each
/// period.
fn write_days_videos_and_alerts(
    store: &Store,
    periods: &[CampaignPeriod],
    [mut days, mut videos, mut alerts]: [TableWriter; 3],
    progress: &dyn Fn(u64),
) -> Result<Vec<Finished>, ExportError> {
    for period in periods {
        let (campaign, from, to) = (&period.campaign, period.from, period.to);
        store.for_each_day_videos(campaign, from, to, |headline, sample| {
            days.write_row(rows::day_row(&headline))?;
            let day = DayKey::from(&headline.day);
            sample
                .iter()
                .try_for_each(|video| videos.write_row(rows::video_row(day, video)))
        })?;
        progress(period.len());
    }
    // A period's alerts at a time: a year of all campaigns' is not held at once.
    for period in periods {
        let (campaign, from, to) = (&period.campaign, period.from, period.to);
        for entry in store.outbox_entries_between(campaign, from, to)? {
            alerts.write_row(rows::alert_row(&entry))?;
        }
    }
    finish_all([days, videos, alerts])
}

/// The `comments` table of `periods`, finished; none once the other tables' writing has
/// `failed` (nothing is kept of a failed export: no need to read on).
fn write_comments(
    store: &Store,
    periods: &[CampaignPeriod],
    mut comments: TableWriter,
    failed: &AtomicBool,
) -> Result<Vec<Finished>, ExportError> {
    for period in periods {
        if failed.load(Ordering::Relaxed) {
            return Ok(Vec::new());
        }
        let (campaign, from, to) = (&period.campaign, period.from, period.to);
        store.for_each_day_comments(campaign, from, to, |day, read| {
            read.iter()
                .try_for_each(|comment| comments.write_row(rows::comment_row(day, comment)))
        })?;
    }
    finish_all([comments])
}

/// Finishes each table: complete and synced, to be put in place. On a failure none is kept.
fn finish_all<const N: usize>(writers: [TableWriter; N]) -> Result<Vec<Finished>, ExportError> {
    let mut finished = Vec::new();
    for writer in writers {
        match writer.finish() {
            Ok(table) => finished.push(table),
            Err(e) => {
                finished.iter().for_each(Finished::discard);
                return Err(e);
            }
        }
    }
    Ok(finished)
}

/// The `alerts` rows of the outbox records of the periods' campaign-days.
fn alert_rows(store: &Store, periods: &[CampaignPeriod]) -> Result<Vec<rows::Row>, StoreError> {
    let mut found = Vec::new();
    for period in periods {
        let entries = store.outbox_entries_between(&period.campaign, period.from, period.to)?;
        found.extend(
            entries
                .iter()
                .map(|entry| rows::owned(rows::alert_row(entry))),
        );
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    use super::*;
    use crate::domain::DayHeadline;
    use crate::fixtures::{date, week};
    use crate::store::ReadComment;

    fn stored_week() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        for (n, day) in week().iter().enumerate() {
            store.put_day(day, &read_comments(n)).unwrap();
        }
        (dir, store)
    }

    fn whole_week() -> Vec<CampaignPeriod> {
        vec![CampaignPeriod {
            campaign: "spring".into(),
            from: date("2026-11-01"),
            to: date("2026-11-07"),
        }]
    }

    /// A Parquet file's rows, each a value per column name, as Parquet's own reader reads them.
    fn read_parquet(path: &Path) -> Vec<std::collections::HashMap<String, Field>> {
        SerializedFileReader::try_from(File::open(path).unwrap())
            .unwrap()
            .get_row_iter(None)
            .unwrap()
            .map(|row| row.unwrap().into_columns().into_iter().collect())
            .collect()
    }

    #[test]
    fn parquet_tables_hold_the_stored_rows_with_nulls_where_unknown() {
        let (dir, store) = stored_week();
        let out = dir.path().join("export");
        let done = std::cell::Cell::new(0);
        let tables = export(
            &store,
            &whole_week(),
            &out,
            Format::Parquet,
            CsvCells::default(),
            &|n| done.set(done.get() + n),
        )
        .unwrap();
        assert_eq!(done.get(), 7, "every calendar day of the period");
        let rows: Vec<(&str, u64)> = tables.iter().map(|t| (t.table, t.rows)).collect();
        let videos: usize = week().iter().map(|d| d.videos.len()).sum();
        assert_eq!(
            rows,
            [
                ("days", 6),
                ("videos", videos as u64),
                ("comments", (0..6).sum::<u64>()),
                ("alerts", 1)
            ]
        );

        let days = read_parquet(&out.join("days.parquet"));
        assert_eq!(days.len(), 6);
        let null = |name: &str, row: usize| days[row][name] == Field::Null;
        // The first day has nothing to compare with; the fourth's scorer failed; the last
        // day's video count is unknown (the API said 0).
        assert!(null("previous_date", 0) && null("new_views", 0));
        assert!(!null("previous_date", 1));
        assert!(null("sentiment_comments", 3));
        assert!(null("sentiment_mean_score", 3));
        assert!(!null("sentiment_comments", 2));
        assert!(null("total_videos", 5) && !null("total_videos", 4));
        assert!(null("collected_at", 0), "the fixtures do not know it");
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let first = i32::try_from((week()[0].date - epoch).num_days()).unwrap();
        assert_eq!(days[0]["date"], Field::Date(first), "days since 1970-01-01");

        // BI tools see instants as timestamps, not integers: Parquet's TIMESTAMP (UTC).
        let file =
            SerializedFileReader::try_from(File::open(out.join("days.parquet")).unwrap()).unwrap();
        let parquet = file.metadata().file_metadata().schema_descr();
        let at = (0..parquet.num_columns())
            .find(|&i| parquet.column(i).name() == "collected_at")
            .unwrap();
        assert!(
            matches!(
                parquet.column(at).logical_type_ref(),
                Some(parquet::basic::LogicalType::Timestamp(t)) if t.is_adjusted_to_u_t_c
            ),
            "{:?}",
            parquet.column(at)
        );

        // The comments as stored, an unscored one's score NULL.
        let comments = read_parquet(&out.join("comments.parquet"));
        let stored: Vec<ReadComment> = (0..6).flat_map(read_comments).collect();
        assert_eq!(comments.len(), stored.len());
        for (row, comment) in comments.iter().zip(&stored) {
            assert_eq!(
                row["score"] == Field::Null,
                comment.score.is_none(),
                "{comment:?}"
            );
        }

        assert_eq!(read_parquet(&out.join("alerts.parquet")).len(), 1);
        assert_eq!(read_parquet(&out.join("videos.parquet")).len(), videos);
        assert!(!out.read_dir().unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".partial")
        }));
    }

    #[test]
    fn a_day_that_cannot_be_read_fails_the_export_and_leaves_no_file() {
        // The videos are read on the calling thread, the comments on the other.
        for damaged in ["day_videos", "day_comments"] {
            let (dir, store) = stored_week();
            store.damage(damaged, "spring/2026-11-03");
            let out = dir.path().join("export");
            let failed = export(
                &store,
                &whole_week(),
                &out,
                Format::Parquet,
                CsvCells::default(),
                &|_| {},
            );
            assert!(
                matches!(
                    &failed,
                    Err(ExportError::Store(StoreError::Corrupt { key, .. })) if key == "spring/2026-11-03"
                ),
                "{damaged}: {failed:?}"
            );
            assert_eq!(
                out.read_dir().unwrap().count(),
                0,
                "{damaged}: no table, whole or partial"
            );
        }
    }

    #[test]
    fn csv_tables_quote_text_and_leave_unknowns_empty() {
        let (dir, store) = stored_week();
        let out = dir.path().join("export");
        export(
            &store,
            &whole_week(),
            &out,
            Format::Csv,
            CsvCells::default(),
            &|_| {},
        )
        .unwrap();
        let mut reader = csv::Reader::from_path(out.join("videos.csv")).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let names: Vec<&str> = VIDEOS.columns.iter().map(|c| c.name).collect();
        assert_eq!(header, names);
        let first = reader.records().next().unwrap().unwrap();
        assert_eq!(
            &first[5],
            week()[0].videos[0].caption,
            "quotes and a line break"
        );
        assert_eq!(&first[6], "2026-10-26T07:33:20Z");
        let mut reader = csv::Reader::from_path(out.join("days.csv")).unwrap();
        let days: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(days.len(), 6);
        let total_videos = names_index(&DAYS, "total_videos");
        assert_eq!(&days[5][total_videos], "", "unknown, not 0");
        assert_eq!(&days[4][total_videos], "402");
        let mut reader = csv::Reader::from_path(out.join("comments.csv")).unwrap();
        let first: csv::StringRecord = reader.records().next().unwrap().unwrap();
        let comment = &read_comments(1)[0];
        assert_eq!(&first[names_index(&COMMENTS, "text")], comment.text);
        assert_eq!(&first[names_index(&COMMENTS, "score")], "", "not scored");
        assert_eq!(&first[names_index(&COMMENTS, "date")], "2026-11-02");
        let missing = names_index(&DAYS, "missing");
        assert_eq!(&days[3][missing], week()[3].missing.join("; "));
    }

    fn names_index(table: &TableSchema, name: &str) -> usize {
        table.columns.iter().position(|c| c.name == name).unwrap()
    }

    #[test]
    fn a_period_and_campaign_restrict_the_rows() {
        let (dir, store) = stored_week();
        let out = dir.path().join("export");
        let period = [CampaignPeriod {
            campaign: "spring".into(),
            from: date("2026-11-03"),
            to: date("2026-11-05"),
        }];
        let tables = export(
            &store,
            &period,
            &out,
            Format::Parquet,
            CsvCells::default(),
            &|_| {},
        )
        .unwrap();
        assert_eq!(
            tables[0].rows, 2,
            "11-03 and 11-05 (11-04 was never stored)"
        );
        assert_eq!(tables[3].rows, 0, "the alert was on 11-02");
        let other = [CampaignPeriod {
            campaign: "autumn".into(),
            ..whole_week()[0].clone()
        }];
        let tables = export(
            &store,
            &other,
            &out,
            Format::Parquet,
            CsvCells::default(),
            &|_| {},
        )
        .unwrap();
        assert!(tables.iter().all(|t| t.rows == 0), "{tables:?}");
    }

    #[test]
    fn a_directory_with_other_files_is_refused_and_our_own_files_are_replaced() {
        let (dir, store) = stored_week();
        let out = dir.path().join("export");
        let export_as = |format| {
            export(
                &store,
                &whole_week(),
                &out,
                format,
                CsvCells::default(),
                &|_| {},
            )
        };
        export_as(Format::Csv).unwrap();
        export_as(Format::Parquet).unwrap();
        export_as(Format::Parquet).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = export_as(Format::Csv).unwrap_err().to_string();
        assert!(
            err.contains("notes.txt") && err.contains("did not write"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn every_row_has_a_cell_of_its_columns_type() {
        use rows::Cell;
        let check = |table: &TableSchema, row: &[Cell<'_>]| {
            assert_eq!(row.len(), table.columns.len(), "{}", table.name);
            for (column, cell) in table.columns.iter().zip(row) {
                assert!(
                    cell.fits(column.kind),
                    "{}.{}: {cell:?}",
                    table.name,
                    column.name
                );
                assert!(
                    column.nullable || *cell != Cell::Null,
                    "{}.{} is never NULL",
                    table.name,
                    column.name
                );
            }
        };
        let (_dir, store) = stored_week();
        for day in week() {
            let headline = DayHeadline::split(day.clone()).0;
            check(&DAYS, &rows::day_row(&headline));
            for video in &day.videos {
                check(&VIDEOS, &rows::video_row((&day).into(), &video.into()));
            }
        }
        for comment in &read_comments(2) {
            check(
                &COMMENTS,
                &rows::comment_row((&week()[2]).into(), &comment.into()),
            );
        }
        for entry in store.outbox_entries().unwrap() {
            check(&ALERTS, &rows::alert_row(&entry));
        }
    }

    /// The comments the `n`th day of the week read first: `n` of them, the first unscored.
    fn read_comments(n: usize) -> Vec<ReadComment> {
        (0..n)
            .map(|i| ReadComment {
                language: None,
                id: format!("c{n}-{i}"),
                video_id: "v0".into(),
                text: format!("love it, \"really\",\nday {n}"),
                created_at: 1_793_000_000 + i as i64,
                likes: i as u64,
                score: (i > 0).then_some(0.5),
            })
            .collect()
    }

    #[test]
    fn the_readme_documents_every_table_as_exported() {
        let readme = include_str!("../../README.md");
        for table in tables() {
            assert!(
                readme.contains(&table.markdown()),
                "README.md's Export section should have the `{}` table as:\n{}",
                table.name,
                table.markdown()
            );
        }
    }
}
