//! Writing export tables to files: Parquet (Arrow columns, Snappy) or CSV (RFC 4180, a header
//! row), each first to a hidden partial file beside its final name and renamed into place only
//! when every table is complete, so a crash never leaves a half file under a table's name.
//! Also decides which directories an export may write into.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use chrono::Datelike;
use parquet::basic::Compression;
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, DataType, DoubleType, FloatType, Int32Type, Int64Type,
};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;

use super::ExportError;
use super::rows::{Cell, Row};
use super::schema::{Column, ColumnType, TABLES, TableSchema};
use crate::text_safety::{CsvCells, csv_text};

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    Csv,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Parquet, Format::Csv];

    /// The format's name, which is also its files' extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }

    /// One line on what the format is for (the command line's help).
    pub fn describe(self) -> &'static str {
        match self {
            Format::Parquet => {
                "Apache Parquet, Snappy-compressed: typed columns for DuckDB, BigQuery, Power BI..."
            }
            Format::Csv => "CSV with a header row (RFC 4180): for spreadsheets",
        }
    }
}

/// The file a table is exported to in `dir`.
pub fn table_path(dir: &Path, table: &TableSchema, format: Format) -> PathBuf {
    dir.join(format!("{}.{}", table.name, format.extension()))
}

fn partial_path(dir: &Path, table: &TableSchema, format: Format) -> PathBuf {
    dir.join(format!(".{}.{}.partial", table.name, format.extension()))
}

/// Makes `dir` ready for an export: creates it if needed, and refuses one that holds anything
/// but a previous export's table files (of either format) and their partial files, so an
/// export never mixes its files into someone's folder or overwrites what it did not write.
pub fn prepare_dir(dir: &Path) -> Result<(), ExportError> {
    let io = |error| ExportError::Io {
        path: dir.to_path_buf(),
        error,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let ours: Vec<String> = TABLES
        .iter()
        .flat_map(|t| {
            [Format::Parquet, Format::Csv].map(|f| {
                [
                    format!("{}.{}", t.name, f.extension()),
                    format!(".{}.{}.partial", t.name, f.extension()),
                ]
            })
        })
        .flatten()
        .collect();
    let mut others: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let name = entry
            .map_err(io)?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !ours.contains(&name) {
            others.push(name);
        }
    }
    if others.is_empty() {
        return Ok(());
    }
    others.sort();
    Err(ExportError::ForeignFiles {
        dir: dir.to_path_buf(),
        files: others,
    })
}

/// One table being written to its partial file.
pub struct TableWriter {
    table: &'static TableSchema,
    partial: PathBuf,
    path: PathBuf,
    /// `None` once finished.
    sink: Option<Sink>,
    rows: u64,
}

/// Rows per Parquet row group. Each table holds two groups (one gathered, one encoded): at
/// 32,768 rows a year's export peaked at 310-330 MiB, at this size 280 MiB in the same time,
/// for files 4-11 % larger (a dictionary per group).
const BATCH_ROWS: usize = 16_384;

enum Sink {
    /// Rows are gathered column by column, and every [`BATCH_ROWS`] handed to the table's
    /// encoder as a row group.
    Parquet(RowGroups, Vec<ColumnBuffer>),
    Csv(Box<csv::Writer<BufWriter<File>>>, CsvCells),
}

/// A table written to its partial file, waiting for [`Finished::commit`].
pub struct Finished {
    pub table: &'static TableSchema,
    pub path: PathBuf,
    pub rows: u64,
    partial: PathBuf,
}

impl TableWriter {
    pub fn create(
        dir: &Path,
        table: &'static TableSchema,
        format: Format,
        cells: CsvCells,
    ) -> Result<TableWriter, ExportError> {
        let partial = partial_path(dir, table, format);
        let path = table_path(dir, table, format);
        let file = File::create(&partial).map_err(|error| ExportError::Io {
            path: partial.clone(),
            error,
        })?;
        let sink = match format {
            Format::Parquet => {
                let mut props = WriterProperties::builder().set_compression(Compression::SNAPPY);
                for column in table.columns.iter().filter(|c| !c.recurs) {
                    let path = ColumnPath::from(column.name);
                    props = props
                        .set_column_dictionary_enabled(path.clone(), false)
                        .set_column_statistics_enabled(path, EnabledStatistics::None);
                }
                let props = props.build();
                let schema = parse_message_type(&table.parquet_message_type())
                    .expect("every table's message type parses");
                let writer = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props))
                    .map_err(|e| ExportError::Parquet {
                        path: partial.clone(),
                        reason: e.to_string(),
                    })?;
                let columns = table.columns.iter().map(ColumnBuffer::new).collect();
                Sink::Parquet(RowGroups::start(writer), columns)
            }
            Format::Csv => {
                let mut writer = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(BufWriter::new(file));
                writer
                    .write_record(table.columns.iter().map(|c| c.name))
                    .map_err(|e| csv_error(&partial, e))?;
                Sink::Csv(Box::new(writer), cells)
            }
        };
        Ok(TableWriter {
            table,
            partial,
            path,
            sink: Some(sink),
            rows: 0,
        })
    }

    /// Appends a row: a cell per column of the table, of the column's type.
    pub fn write_row<'a>(
        &mut self,
        row: impl IntoIterator<Item = Cell<'a>>,
    ) -> Result<(), ExportError> {
        self.rows += 1;
        match self.sink.as_mut().expect("written before finish") {
            Sink::Parquet(_, columns) => {
                let mut row = row.into_iter();
                for column in columns.iter_mut() {
                    let cell = row.next().unwrap_or_else(|| {
                        panic!("export bug: a {} row is short", self.table.name)
                    });
                    column.push(self.table, cell);
                }
                assert!(
                    row.next().is_none(),
                    "export bug: a {} row is long",
                    self.table.name
                );
                if self.rows.is_multiple_of(BATCH_ROWS as u64) {
                    self.flush()?;
                }
            }
            Sink::Csv(writer, cells) => writer
                .write_record(row.into_iter().map(|cell| csv_field(&cell, *cells)))
                .map_err(|e| csv_error(&self.partial, e))?,
        }
        Ok(())
    }

    /// Hands the rows gathered for Parquet to the encoder as a row group.
    fn flush(&mut self) -> Result<(), ExportError> {
        let Some(Sink::Parquet(groups, columns)) = self.sink.as_mut() else {
            return Ok(());
        };
        let table = self.table;
        match groups.send(std::mem::take(columns)) {
            Ok(emptied) => {
                *columns = emptied
                    .unwrap_or_else(|| table.columns.iter().map(ColumnBuffer::new).collect());
                Ok(())
            }
            Err(e) => Err(self.parquet_error(e)),
        }
    }

    fn parquet_error(&self, e: parquet::errors::ParquetError) -> ExportError {
        ExportError::Parquet {
            path: self.partial.clone(),
            reason: e.to_string(),
        }
    }

    /// Completes the partial file and makes it durable; [`Finished::commit`] puts it in place.
    pub fn finish(mut self) -> Result<Finished, ExportError> {
        // Rows since the last full row group are still gathered (none at a multiple).
        if !self.rows.is_multiple_of(BATCH_ROWS as u64) {
            self.flush()?;
        }
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |error| ExportError::Io { path, error }
        };
        let file = match self.sink.take().expect("finished once") {
            Sink::Parquet(mut groups, _) => groups.finish().map_err(|e| self.parquet_error(e))?,
            Sink::Csv(writer, _) => {
                let mut buffered = (*writer)
                    .into_inner()
                    .map_err(|e| io(&self.partial)(e.into_error()))?;
                buffered.flush().map_err(io(&self.partial))?;
                buffered
                    .into_inner()
                    .map_err(|e| io(&self.partial)(e.into_error()))?
            }
        };
        file.sync_all().map_err(io(&self.partial))?;
        Ok(Finished {
            table: self.table,
            path: self.path.clone(),
            rows: self.rows,
            partial: self.partial.clone(),
        })
    }
}

impl Drop for TableWriter {
    /// An export that failed or was abandoned leaves no partial file behind.
    fn drop(&mut self) {
        if self.sink.take().is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

impl Finished {
    /// Renames the complete file to the table's name (replacing a previous export's).
    pub fn commit(&self) -> Result<(), ExportError> {
        std::fs::rename(&self.partial, &self.path).map_err(|error| ExportError::Io {
            path: self.path.clone(),
            error,
        })
    }

    /// Removes the partial file of a table that will not be committed.
    pub fn discard(&self) {
        let _ = std::fs::remove_file(&self.partial);
    }
}

/// Makes the renames in `dir` durable (where the platform can).
pub fn sync_dir(dir: &Path) {
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

fn csv_error(path: &Path, e: csv::Error) -> ExportError {
    ExportError::Csv {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// A cell as CSV text: empty when NULL, text neutralised as `cells` says, dates `YYYY-MM-DD`,
/// timestamps RFC 3339 in UTC.
fn csv_field(cell: &Cell<'_>, cells: CsvCells) -> String {
    match cell {
        Cell::Null => String::new(),
        Cell::Text(text) => csv_text(text, cells).into_owned(),
        Cell::Date(date) => date.to_string(),
        Cell::Timestamp(secs) => chrono::DateTime::from_timestamp(*secs, 0).map_or_else(
            || secs.to_string(),
            |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        ),
        Cell::UInt64(n) => n.to_string(),
        Cell::Int64(n) => n.to_string(),
        Cell::Float64(x) => x.to_string(),
        Cell::Float32(x) => x.to_string(),
        Cell::Boolean(b) => b.to_string(),
    }
}

/// A whole table as CSV text, as an export's file holds it (a header row, CRLF lines).
pub fn csv_document(table: &TableSchema, rows: &[Row], cells: CsvCells) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = table.columns.iter().map(|c| c.name.to_string());
    let lines = rows
        .iter()
        .map(|row| row.iter().map(|cell| csv_field(cell, cells)).collect());
    for record in std::iter::once(header.collect::<Vec<_>>()).chain(lines) {
        writer.write_record(record).expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory")).expect("UTF-8 cells")
}

/// A whole table as JSON: an array of objects keyed by column name; NULL cells are `null`,
/// dates `YYYY-MM-DD`, timestamps RFC 3339 in UTC.
pub fn json_records(table: &TableSchema, rows: &[Row]) -> serde_json::Value {
    use serde_json::Value;
    let value = |cell: &Cell<'_>| match cell {
        Cell::Null => Value::Null,
        Cell::Text(text) => Value::from(text.as_ref()),
        Cell::Date(_) | Cell::Timestamp(_) => Value::from(csv_field(cell, CsvCells::Raw)),
        Cell::UInt64(n) => Value::from(*n),
        Cell::Int64(n) => Value::from(*n),
        Cell::Float64(x) => Value::from(*x),
        Cell::Float32(x) => Value::from(f64::from(*x)),
        Cell::Boolean(b) => Value::from(*b),
    };
    rows.iter()
        .map(|row| {
            table
                .columns
                .iter()
                .zip(row)
                .map(|(column, cell)| (column.name.to_string(), value(cell)))
                .collect::<serde_json::Map<_, _>>()
        })
        .collect()
}

/// A Parquet file written a row group at a time on a thread of its own: encoding and
/// compressing a group takes about as long as gathering it, so the two overlap. The encoder
/// hands each group's buffers back, emptied, for a later group.
struct RowGroups {
    /// `None` once finished: the encoder then ends.
    groups: Option<SyncSender<Vec<ColumnBuffer>>>,
    emptied: Receiver<Vec<ColumnBuffer>>,
    encoder: Option<std::thread::JoinHandle<parquet::errors::Result<File>>>,
}

impl RowGroups {
    fn start(mut writer: SerializedFileWriter<File>) -> RowGroups {
        // A group is handed over only once the encoder is done with the one before: at most
        // two are held, and two sets of buffers serve the whole file.
        let (groups, received) = sync_channel::<Vec<ColumnBuffer>>(0);
        let (give_back, emptied) = sync_channel(1);
        let encoder = std::thread::spawn(move || {
            for mut columns in received {
                write_row_group(&mut writer, &mut columns)?;
                let _ = give_back.try_send(columns);
            }
            writer.into_inner()
        });
        RowGroups {
            groups: Some(groups),
            emptied,
            encoder: Some(encoder),
        }
    }

    /// Hands `columns` over as the next row group; returns emptied buffers for the one
    /// after, when the encoder has some.
    fn send(
        &mut self,
        columns: Vec<ColumnBuffer>,
    ) -> parquet::errors::Result<Option<Vec<ColumnBuffer>>> {
        let sender = self.groups.as_ref().expect("sent before finish");
        if sender.send(columns).is_err() {
            // The encoder stopped at an error: that error is the answer.
            self.finish()?;
        }
        Ok(self.emptied.try_recv().ok())
    }

    /// Waits for every group handed over to be written; the file, complete.
    fn finish(&mut self) -> parquet::errors::Result<File> {
        self.groups = None;
        let encoder = self.encoder.take().ok_or_else(|| {
            parquet::errors::ParquetError::General("the file was already finished".into())
        })?;
        encoder.join().expect("encoding a row group does not panic")
    }
}

impl Drop for RowGroups {
    /// An abandoned file's encoder is waited for, so that nothing writes it afterwards.
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// 1970-01-01 as days from 0001-01-01: Parquet's dates count days from the former.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// One column's values gathered for the next row group, as Parquet takes them: the present
/// values and, for a nullable column, a definition level per row (0 where it is NULL).
struct ColumnBuffer {
    column: &'static Column,
    levels: Vec<i16>,
    values: Values,
}

enum Values {
    /// Every value's bytes end to end, and where each ends: no allocation per value.
    Text {
        bytes: Vec<u8>,
        ends: Vec<usize>,
    },
    Int32(Vec<i32>),
    Int64(Vec<i64>),
    Double(Vec<f64>),
    Float(Vec<f32>),
    Boolean(Vec<bool>),
}

impl Values {
    fn clear(&mut self) {
        match self {
            Values::Text { bytes, ends } => {
                bytes.clear();
                ends.clear();
            }
            Values::Int32(v) => v.clear(),
            Values::Int64(v) => v.clear(),
            Values::Double(v) => v.clear(),
            Values::Float(v) => v.clear(),
            Values::Boolean(v) => v.clear(),
        }
    }
}

impl ColumnBuffer {
    fn new(column: &'static Column) -> ColumnBuffer {
        let values = match column.kind {
            ColumnType::Text => Values::Text {
                bytes: Vec::new(),
                ends: Vec::new(),
            },
            ColumnType::Date => Values::Int32(Vec::new()),
            ColumnType::Timestamp | ColumnType::UInt64 | ColumnType::Int64 => {
                Values::Int64(Vec::new())
            }
            ColumnType::Float64 => Values::Double(Vec::new()),
            ColumnType::Float32 => Values::Float(Vec::new()),
            ColumnType::Boolean => Values::Boolean(Vec::new()),
        };
        ColumnBuffer {
            column,
            levels: Vec::new(),
            values,
        }
    }

    fn push(&mut self, table: &TableSchema, cell: Cell<'_>) {
        let column = self.column;
        let fits = cell.fits(column.kind) && (column.nullable || cell != Cell::Null);
        assert!(
            fits,
            "export bug: {}.{} is {:?}{}, got {cell:?}",
            table.name,
            column.name,
            column.kind,
            if column.nullable { "" } else { ", never NULL" }
        );
        if column.nullable {
            self.levels.push(i16::from(cell != Cell::Null));
        }
        match (&mut self.values, cell) {
            (_, Cell::Null) => {}
            (Values::Text { bytes, ends }, Cell::Text(text)) => {
                bytes.extend_from_slice(text.as_bytes());
                ends.push(bytes.len());
            }
            (Values::Int32(values), Cell::Date(date)) => {
                values.push(date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE)
            }
            (Values::Int64(values), Cell::Timestamp(secs)) => {
                values.push(secs.saturating_mul(1000))
            }
            // Parquet keeps unsigned 64-bit integers in INT64's bits.
            (Values::Int64(values), Cell::UInt64(n)) => values.push(n as i64),
            (Values::Int64(values), Cell::Int64(n)) => values.push(n),
            (Values::Double(values), Cell::Float64(x)) => values.push(x),
            (Values::Float(values), Cell::Float32(x)) => values.push(x),
            (Values::Boolean(values), Cell::Boolean(b)) => values.push(b),
            (_, cell) => unreachable!("{cell:?} fits {:?}", column.kind),
        }
    }
}

/// The gathered columns as one Parquet row group, leaving them empty (with their room) for a
/// later one.
fn write_row_group(
    writer: &mut SerializedFileWriter<File>,
    columns: &mut [ColumnBuffer],
) -> parquet::errors::Result<()> {
    let mut group = writer.next_row_group()?;
    for buffer in columns {
        let out = group
            .next_column()?
            .expect("the message type has a column per schema column");
        let levels = buffer.column.nullable.then_some(buffer.levels.as_slice());
        match &mut buffer.values {
            Values::Text { bytes, ends } => {
                // One shared buffer: each value is a slice of it, not a copy.
                let all = bytes::Bytes::from(std::mem::take(bytes));
                let mut start = 0;
                let values: Vec<ByteArray> = ends
                    .drain(..)
                    .map(|end| {
                        let value = ByteArray::from(all.slice(start..end));
                        start = end;
                        value
                    })
                    .collect();
                column::<ByteArrayType>(out, &values, levels)?;
                drop(values);
                // The buffer back, once the column no longer holds slices of it.
                if let Ok(all) = all.try_into_mut() {
                    *bytes = Vec::from(all);
                }
            }
            Values::Int32(values) => column::<Int32Type>(out, values, levels)?,
            Values::Int64(values) => column::<Int64Type>(out, values, levels)?,
            Values::Double(values) => column::<DoubleType>(out, values, levels)?,
            Values::Float(values) => column::<FloatType>(out, values, levels)?,
            Values::Boolean(values) => column::<BoolType>(out, values, levels)?,
        }
        buffer.levels.clear();
        buffer.values.clear();
    }
    group.close()?;
    Ok(())
}

/// Writes `values` as the column's chunk of the row group.
fn column<T: DataType>(
    mut out: SerializedColumnWriter<'_>,
    values: &[T::T],
    levels: Option<&[i16]>,
) -> parquet::errors::Result<()> {
    out.typed::<T>().write_batch(values, levels, None)?;
    out.close()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::fixtures::hostile_text;
    use crate::text_safety::{Lines, is_unsafe_control, strip_controls};

    #[test]
    fn rows_over_several_row_groups_read_back_in_order_each_group_on_its_buffers() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::Field;
        let dir = tempfile::tempdir().unwrap();
        let table = &super::super::schema::COMMENTS;
        let mut writer =
            TableWriter::create(dir.path(), table, Format::Parquet, CsvCells::default()).unwrap();
        let rows = 2 * BATCH_ROWS + 5;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        for i in 0..rows {
            let text = format!("comment {i} {}", "x".repeat(i % 50));
            let id = format!("c{i}");
            let score = (i % 4 != 0).then_some(i as f32 / rows as f32);
            let row: [Cell; 10] = [
                "spring".into(),
                "acme".into(),
                day.into(),
                "v1".into(),
                id.as_str().into(),
                text.as_str().into(),
                Cell::Timestamp(1_793_552_400 + i as i64),
                (i as u64).into(),
                score.into(),
                Some("en").into(),
            ];
            writer.write_row(row).unwrap();
        }
        let finished = writer.finish().unwrap();
        finished.commit().unwrap();
        let file = SerializedFileReader::try_from(File::open(&finished.path).unwrap()).unwrap();
        assert_eq!(file.metadata().num_row_groups(), 3);
        let read: Vec<_> = file
            .get_row_iter(None)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(read.len(), rows);
        for (i, row) in read.iter().enumerate() {
            let column = |name: &str| {
                row.get_column_iter()
                    .find(|(n, _)| n.as_str() == name)
                    .map(|(_, f)| f.clone())
                    .unwrap()
            };
            let text = format!("comment {i} {}", "x".repeat(i % 50));
            assert_eq!(column("text"), Field::Str(text), "row {i}");
            assert_eq!(column("likes"), Field::ULong(i as u64), "row {i}");
            assert_eq!(column("score") == Field::Null, i % 4 == 0, "row {i}");
        }
    }

    #[test]
    fn dates_count_days_from_the_unix_epoch() {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(epoch.num_days_from_ce(), UNIX_EPOCH_DAYS_FROM_CE);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// A text cell is never a formula nor carries a control character unless raw; a
        /// number we wrote stays the number, negative ones included.
        #[test]
        fn csv_text_cells_are_neutralised_and_numbers_stay_numbers(
            text in hostile_text(),
            n in any::<i64>(),
            x in any::<f64>(),
        ) {
            let cell = csv_field(&Cell::from(text.as_str()), CsvCells::Neutralised);
            prop_assert!(!cell.chars().any(|c| c != '\n' && is_unsafe_control(c)), "{cell:?}");
            prop_assert!(!cell.trim_start().starts_with(['=', '+', '-', '@']), "{cell:?}");
            let raw = csv_field(&Cell::from(text.as_str()), CsvCells::Raw);
            prop_assert_eq!(raw, strip_controls(&text, Lines::Many).into_owned());
            prop_assert_eq!(csv_field(&Cell::Int64(n), CsvCells::Neutralised), n.to_string());
            prop_assert_eq!(csv_field(&Cell::Float64(x), CsvCells::Neutralised), x.to_string());
        }
    }
}
