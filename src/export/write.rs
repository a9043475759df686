//! Writing export tables to files: Parquet (Arrow columns, Snappy) or CSV (RFC 4180, a header
//! row), each first to a hidden partial file beside its final name and renamed into place only
//! when every table is complete, so a crash never leaves a half file under a table's name.
//! Also decides which directories an export may write into.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
use super::schema::{ColumnType, TABLES, TableSchema};
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
    /// Rows not yet handed to the sink: Parquet gets them in batches of [`BATCH_ROWS`].
    pending: Vec<Row>,
    rows: u64,
}

/// Rows per Parquet row group (and per CSV write): fewer, larger groups write faster; the
/// rows waiting for one are held as cells, a few tens of MB for the widest table.
const BATCH_ROWS: usize = 32_768;

enum Sink {
    Parquet(Box<SerializedFileWriter<File>>),
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
                Sink::Parquet(Box::new(writer))
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
            pending: Vec::new(),
            rows: 0,
        })
    }

    /// Appends rows (each with a cell per column of the table, of the column's type).
    pub fn write(&mut self, rows: Vec<Row>) -> Result<(), ExportError> {
        self.rows += rows.len() as u64;
        self.pending.extend(rows);
        if self.pending.len() >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        match self.sink.as_mut().expect("written before finish") {
            Sink::Parquet(writer) => {
                write_row_group(writer, self.table, rows).map_err(|e| ExportError::Parquet {
                    path: self.partial.clone(),
                    reason: e.to_string(),
                })?;
            }
            Sink::Csv(writer, cells) => {
                for row in &rows {
                    writer
                        .write_record(row.iter().map(|cell| csv_field(cell, *cells)))
                        .map_err(|e| csv_error(&self.partial, e))?;
                }
            }
        }
        Ok(())
    }

    /// Completes the partial file and makes it durable; [`Finished::commit`] puts it in place.
    pub fn finish(mut self) -> Result<Finished, ExportError> {
        self.flush()?;
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |error| ExportError::Io { path, error }
        };
        let file = match self.sink.take().expect("finished once") {
            Sink::Parquet(writer) => writer.into_inner().map_err(|e| ExportError::Parquet {
                path: self.partial.clone(),
                reason: e.to_string(),
            })?,
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
fn csv_field(cell: &Cell, cells: CsvCells) -> String {
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
    let value = |cell: &Cell| match cell {
        Cell::Null => Value::Null,
        Cell::Text(text) => Value::from(text.as_str()),
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

/// The rows as one Parquet row group, column by column: each column's present values and,
/// for a nullable column, a definition level per row (0 where it is NULL). Text is moved into
/// its column, not copied.
fn write_row_group(
    writer: &mut SerializedFileWriter<File>,
    table: &TableSchema,
    mut rows: Vec<Row>,
) -> parquet::errors::Result<()> {
    let mut group = writer.next_row_group()?;
    for (i, column) in table.columns.iter().enumerate() {
        let mut out = group
            .next_column()?
            .expect("the message type has a column per schema column");
        let cells: Vec<Cell> = rows
            .iter_mut()
            .map(|row| std::mem::replace(&mut row[i], Cell::Null))
            .collect();
        let levels: Option<Vec<i16>> = column.nullable.then(|| {
            cells
                .iter()
                .map(|c| i16::from(!matches!(c, Cell::Null)))
                .collect()
        });
        let levels = levels.as_deref();
        let wrong = |cell: &Cell| -> ! {
            panic!(
                "export bug: {}.{} is {:?}, got {cell:?}",
                table.name, column.name, column.kind
            )
        };
        let present = cells.into_iter().filter(|c| !matches!(c, Cell::Null));
        match column.kind {
            ColumnType::Text => {
                let values = present.map(|c| match c {
                    Cell::Text(t) => ByteArray::from(t.into_bytes()),
                    other => wrong(&other),
                });
                write::<ByteArrayType>(&mut out, values.collect(), levels)?
            }
            ColumnType::Date => {
                let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
                let values = present.map(|c| match c {
                    Cell::Date(d) => i32::try_from((d - epoch).num_days()).unwrap_or(i32::MAX),
                    other => wrong(&other),
                });
                write::<Int32Type>(&mut out, values.collect(), levels)?
            }
            ColumnType::Timestamp | ColumnType::UInt64 | ColumnType::Int64 => {
                let values = present.map(|c| match c {
                    Cell::Timestamp(secs) => secs.saturating_mul(1000),
                    // Parquet keeps unsigned 64-bit integers in INT64's bits.
                    Cell::UInt64(n) => n as i64,
                    Cell::Int64(n) => n,
                    other => wrong(&other),
                });
                write::<Int64Type>(&mut out, values.collect(), levels)?
            }
            ColumnType::Float64 => {
                let values = present.map(|c| match c {
                    Cell::Float64(x) => x,
                    other => wrong(&other),
                });
                write::<DoubleType>(&mut out, values.collect(), levels)?
            }
            ColumnType::Float32 => {
                let values = present.map(|c| match c {
                    Cell::Float32(x) => x,
                    other => wrong(&other),
                });
                write::<FloatType>(&mut out, values.collect(), levels)?
            }
            ColumnType::Boolean => {
                let values = present.map(|c| match c {
                    Cell::Boolean(b) => b,
                    other => wrong(&other),
                });
                write::<BoolType>(&mut out, values.collect(), levels)?
            }
        }
        out.close()?;
    }
    group.close()?;
    Ok(())
}

fn write<T: DataType>(
    column: &mut SerializedColumnWriter<'_>,
    values: Vec<T::T>,
    levels: Option<&[i16]>,
) -> parquet::errors::Result<()> {
    column.typed::<T>().write_batch(&values, levels, None)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::fixtures::hostile_text;
    use crate::text_safety::{Lines, is_unsafe_control, strip_controls};

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
            let cell = csv_field(&Cell::Text(text.clone()), CsvCells::Neutralised);
            prop_assert!(!cell.chars().any(|c| c != '\n' && is_unsafe_control(c)), "{cell:?}");
            prop_assert!(!cell.trim_start().starts_with(['=', '+', '-', '@']), "{cell:?}");
            let raw = csv_field(&Cell::Text(text.clone()), CsvCells::Raw);
            prop_assert_eq!(raw, strip_controls(&text, Lines::Many).into_owned());
            prop_assert_eq!(csv_field(&Cell::Int64(n), CsvCells::Neutralised), n.to_string());
            prop_assert_eq!(csv_field(&Cell::Float64(x), CsvCells::Neutralised), x.to_string());
        }
    }
}
