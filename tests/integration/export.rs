//! `hashtrack export` as an analyst runs it: a store made by real runs against the simulator,
//! exported as Parquet and CSV by the real binary, read back with the `parquet` and `csv`
//! readers and compared with what the store holds; filters, NULLs and argument mistakes.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use hashtrack::domain::DayMetrics;
use hashtrack::export::schema::ColumnType;
use hashtrack::store::Store;
use hashtrack_sim::SimConfig;
use parquet::basic::{LogicalType, Repetition, TimeUnit, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use crate::util::*;

const TABLES: [&str; 4] = ["days", "videos", "comments", "alerts"];

/// Rows per (campaign, date).
type Tally = BTreeMap<(String, NaiveDate), usize>;

fn tally(keys: impl IntoIterator<Item = (String, NaiveDate)>) -> Tally {
    let mut counts = Tally::new();
    for key in keys {
        *counts.entry(key).or_default() += 1;
    }
    counts
}

/// What the store holds: per table, its rows per (campaign, date).
#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    rows: BTreeMap<&'static str, Tally>,
}

impl Expected {
    /// The rows of `campaigns` whose date is within `from..=to`, read from the store.
    fn of(store: &Store, campaigns: &[&str], from: NaiveDate, to: NaiveDate) -> Expected {
        let mut rows: BTreeMap<&'static str, Tally> =
            TABLES.iter().map(|t| (*t, Tally::new())).collect();
        let mut add = |table: &'static str, key: &(String, NaiveDate), n: usize| {
            if n > 0 {
                *rows.get_mut(table).unwrap().entry(key.clone()).or_default() += n;
            }
        };
        for campaign in campaigns {
            for day in store.days(campaign, from, to).unwrap() {
                let key = (campaign.to_string(), day.date);
                add("days", &key, 1);
                add("videos", &key, day.videos.len());
                let comments = store.comments_first_read_on(campaign, day.date).unwrap();
                add("comments", &key, comments.len());
            }
        }
        for entry in store.outbox_entries().unwrap() {
            if campaigns.contains(&entry.campaign_id.as_str()) && (from..=to).contains(&entry.date)
            {
                add("alerts", &(entry.campaign_id.clone(), entry.date), 1);
            }
        }
        Expected { rows }
    }

    fn count(&self, table: &str) -> usize {
        self.rows[table].values().sum()
    }
}

fn open_parquet(path: &Path) -> SerializedFileReader<File> {
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    SerializedFileReader::new(file).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A Parquet table's rows, each a value per column name, as Parquet's own reader reads them.
fn read_parquet(path: &Path) -> Vec<BTreeMap<String, Field>> {
    open_parquet(path)
        .get_row_iter(None)
        .unwrap()
        .map(|row| row.unwrap().into_columns().into_iter().collect())
        .collect()
}

/// A Parquet table's rows per (campaign, date).
fn parquet_keys(path: &Path) -> Tally {
    tally(read_parquet(path).into_iter().map(|row| {
        let (Field::Str(campaign), Field::Date(days)) = (&row["campaign"], &row["date"]) else {
            panic!("campaign and date are text and a date: {row:?}");
        };
        let date =
            NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days((*days).into());
        (campaign.clone(), date)
    }))
}

/// A CSV table's header, and its rows per (campaign, date).
fn csv_keys(path: &Path) -> (Vec<String>, Tally) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let (c, d) = (
        header.iter().position(|h| h == "campaign").unwrap(),
        header.iter().position(|h| h == "date").unwrap(),
    );
    let keys = reader.records().map(|r| {
        let r = r.unwrap();
        (r[c].to_string(), r[d].parse().unwrap())
    });
    (header, tally(keys))
}

struct Exported {
    dir: tempfile::TempDir,
    config: PathBuf,
    first: NaiveDate,
    last: NaiveDate,
}

impl Exported {
    fn export(&self, out: &str, args: &[&str]) -> (i32, String, String, PathBuf) {
        let out = self.dir.path().join(out);
        let mut all = vec![
            "export",
            "--config",
            self.config.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = run_cli(&all, "");
        (code, stdout, stderr, out)
    }

    fn store(&self) -> Store {
        Store::open_existing(&self.dir.path().join("data/store")).unwrap()
    }
}

/// Two clients (`acme`: campaign `a`, whose rules raise an alert every day after the first;
/// `beta`: campaign `b`), four days collected from the simulator.
async fn four_days() -> Exported {
    let (sim, dir, config) = configured_sim(
        roomy_sim(),
        60_000,
        &[
            campaign("a", &["exporta"]).alert_setting("min-daily-views", 1_000_000_000),
            campaign("b", &["exportb"]),
        ],
    )
    .await;
    // Campaign b belongs to a second client.
    let mut table: toml::Table = std::fs::read_to_string(&config).unwrap().parse().unwrap();
    let mut beta = toml::Table::new();
    beta.insert("name".into(), "Beta".into());
    table["clients"]
        .as_table_mut()
        .unwrap()
        .insert("beta".into(), beta.into());
    table["campaigns"].as_array_mut().unwrap()[1]
        .as_table_mut()
        .unwrap()
        .insert("client".into(), "beta".into());
    std::fs::write(&config, toml::to_string(&table).unwrap()).unwrap();

    let setup = setup(&config, TEST_KEY);
    let first = SimConfig::default().start_date;
    for n in 0..4 {
        let day = first + chrono::Days::new(n);
        sim.set_date(day);
        setup.pipeline.run_day(day, &[], &|_| {}).await.unwrap();
    }
    drop(setup);
    Exported {
        dir,
        config,
        first,
        last: first + chrono::Days::new(3),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_the_stored_rows_as_parquet_and_csv() {
    let rig = four_days().await;
    let store = rig.store();
    let all = Expected::of(&store, &["a", "b"], rig.first, rig.last);
    let days: Vec<DayMetrics> = ["a", "b"]
        .iter()
        .flat_map(|c| store.days(c, rig.first, rig.last).unwrap())
        .collect();
    drop(store);
    assert_eq!(all.count("days"), 8, "two campaigns, four days each");
    assert!(
        all.count("videos") > 0 && all.count("alerts") > 0,
        "{all:?}"
    );

    let (code, _, stderr, parquet_dir) = rig.export("parquet", &["--format", "parquet"]);
    assert_eq!(code, 0, "{stderr}");
    for table in TABLES {
        assert_eq!(
            parquet_keys(&parquet_dir.join(format!("{table}.parquet"))),
            all.rows[table],
            "{table}"
        );
        assert!(
            stderr.contains(&format!("{} {table}", all.count(table))),
            "the summary names each table's rows: {stderr}"
        );
    }

    // Typed columns: dates, UTC timestamps, counts, scores, as the schema says.
    for table in hashtrack::export::tables() {
        let file = open_parquet(&parquet_dir.join(format!("{}.parquet", table.name)));
        let schema = file.metadata().file_metadata().schema_descr_ptr();
        let read: Vec<(String, PhysicalType, Option<LogicalType>, bool)> = schema
            .columns()
            .iter()
            .map(|c| {
                let nullable = c.self_type().get_basic_info().repetition() == Repetition::OPTIONAL;
                (
                    c.name().to_string(),
                    c.physical_type(),
                    c.logical_type_ref().cloned(),
                    nullable,
                )
            })
            .collect();
        let declared: Vec<(String, PhysicalType, Option<LogicalType>, bool)> = table
            .columns
            .iter()
            .map(|c| {
                let (physical, logical) = parquet_type(c.kind);
                (c.name.to_string(), physical, logical, c.nullable)
            })
            .collect();
        assert_eq!(read, declared, "{}", table.name);
    }

    // Unknown values are NULL, exactly where the store has none.
    let mut row = 0;
    let mut nulls = 0;
    let mut order: Vec<&DayMetrics> = days.iter().collect();
    order.sort_by_key(|d| (d.campaign_id.clone(), d.date));
    for read in read_parquet(&parquet_dir.join("days.parquet")) {
        let day = order[row];
        let null = |name: &str| read[name] == Field::Null;
        assert_eq!(null("new_views"), day.new_views.is_none(), "{}", day.date);
        assert_eq!(null("previous_date"), day.previous_date.is_none());
        assert_eq!(null("total_videos"), day.total_videos.is_none());
        assert_eq!(null("views_per_day"), day.view_growth.is_none());
        assert_eq!(null("collected_at"), day.collected_at.is_none());
        assert_eq!(
            null("sentiment_comments"),
            !matches!(
                day.sentiment,
                hashtrack::domain::SentimentOutcome::Scored(_)
            )
        );
        nulls += usize::from(null("new_views"));
        row += 1;
    }
    assert_eq!(row, 8);
    assert_eq!(
        nulls, 2,
        "each campaign's first day has nothing to compare with"
    );

    // The same rows as CSV, under the Parquet columns' names.
    let (code, _, stderr, csv_dir) = rig.export("csv", &["--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    for table in TABLES {
        let (header, keys) = csv_keys(&csv_dir.join(format!("{table}.csv")));
        assert_eq!(keys, all.rows[table], "{table}");
        let file = open_parquet(&parquet_dir.join(format!("{table}.parquet")));
        let names: Vec<String> = file
            .metadata()
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        assert_eq!(header, names, "{table}");
    }
    let mut reader = csv::Reader::from_path(csv_dir.join("days.csv")).unwrap();
    let new_views = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "new_views")
        .unwrap();
    let first_day = reader.records().next().unwrap().unwrap();
    assert_eq!(&first_day[new_views], "", "NULL is an empty cell, never 0");
}

#[tokio::test(flavor = "multi_thread")]
async fn export_filters_by_client_and_period_and_refuses_bad_arguments() {
    let rig = four_days().await;
    let store = rig.store();
    let second = rig.first + chrono::Days::new(1);
    let third = rig.first + chrono::Days::new(2);
    let beta = Expected::of(&store, &["b"], rig.first, rig.last);
    let middle = Expected::of(&store, &["a", "b"], second, third);
    let a_middle = Expected::of(&store, &["a"], second, third);
    drop(store);
    assert!(middle.count("days") == 4 && a_middle.count("alerts") > 0);

    let (code, _, stderr, out) = rig.export("beta", &["--client", "beta"]);
    assert_eq!(code, 0, "{stderr}");
    for table in TABLES {
        assert_eq!(
            parquet_keys(&out.join(format!("{table}.parquet"))),
            beta.rows[table],
            "{table}"
        );
    }

    let (from, to) = (second.to_string(), third.to_string());
    let (code, _, stderr, out) =
        rig.export("middle", &["--format", "csv", "--from", &from, "--to", &to]);
    assert_eq!(code, 0, "{stderr}");
    for table in TABLES {
        assert_eq!(
            csv_keys(&out.join(format!("{table}.csv"))).1,
            middle.rows[table],
            "{table}"
        );
    }
    let (code, _, stderr, out) =
        rig.export("a-middle", &["--campaign", "a", "--days", "2", "--to", &to]);
    assert_eq!(code, 0, "{stderr}");
    for table in TABLES {
        assert_eq!(
            parquet_keys(&out.join(format!("{table}.parquet"))),
            a_middle.rows[table],
            "{table}"
        );
    }

    // Mistakes: exit 1 and a message that names them; nothing written.
    for (args, says) in [
        (&["--client", "nobody"][..], "unknown client 'nobody'"),
        (&["--from", &to, "--to", &from], "is after --to"),
        (&["--format", "xlsx"], "invalid value 'xlsx'"),
        (&["--campaign", "zzz"], "unknown campaign 'zzz'"),
        (
            &["--client", "beta", "--campaign", "a"],
            "not one of client 'beta'",
        ),
    ] {
        let (code, _, stderr, out) = rig.export("refused", args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?}");
    }
    // A directory of other files is not written into.
    let foreign = rig.dir.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("budget.xlsx"), "mine").unwrap();
    let (code, _, stderr, _) = rig.export("foreign", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("budget.xlsx"), "{stderr}");
    assert_eq!(std::fs::read_dir(&foreign).unwrap().count(), 1);

    // While a run holds the store, export says so.
    let held = rig.store();
    let (code, _, stderr, out) = rig.export("locked", &[]);
    drop(held);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("in use by another hashtrack"), "{stderr}");
    assert!(!out.exists());
}

/// How Parquet stores each column type: BI tools read these as the README's (Arrow's) types.
fn parquet_type(kind: ColumnType) -> (PhysicalType, Option<LogicalType>) {
    match kind {
        ColumnType::Text => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
        ColumnType::Date => (PhysicalType::INT32, Some(LogicalType::Date)),
        ColumnType::Timestamp => (
            PhysicalType::INT64,
            Some(LogicalType::timestamp(true, TimeUnit::MILLIS)),
        ),
        ColumnType::UInt64 => (PhysicalType::INT64, Some(LogicalType::integer(64, false))),
        ColumnType::Int64 => (PhysicalType::INT64, None),
        ColumnType::Float64 => (PhysicalType::DOUBLE, None),
        ColumnType::Float32 => (PhysicalType::FLOAT, None),
        ColumnType::Boolean => (PhysicalType::BOOLEAN, None),
    }
}
