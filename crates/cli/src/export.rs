//! `hashtrack export`: the selected campaigns' stored days, videos, comments and alerts as
//! Parquet or CSV tables in a directory (the work is `hashtrack::export`'s). Never calls the
//! API.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};

use hashtrack::config::Config;
use hashtrack::export::{CampaignPeriod, ExportError, Format, export as write_export};
use hashtrack::store::{Store, StoreError};

use super::ConfigArgs;
use super::report::{CsvArgs, PeriodChoice, select_campaigns};
use super::run::progress_bar;

/// `hashtrack export --help`: what is written, and why the store must be free.
pub const LONG_ABOUT: &str = "Writes four tables into DIR for spreadsheets and BI tools (DuckDB, BigQuery, \
Looker Studio, Power BI): days.EXT (one row per stored campaign-day), videos.EXT (each day's \
tracked videos and their counters), comments.EXT (each comment, on the day it was first read, \
with its score) and alerts.EXT (the stored alerts and where each stands with its sinks). EXT is \
parquet or csv. Unknown values are NULL (an empty CSV cell), never 0.\n\nWithout --days or \
--from every stored day is exported. DIR is created if needed; it may hold a previous export's \
files (replaced only once all four new ones are complete) but nothing else.\n\nReads \
the store itself (comments and alerts are kept only there): while `hashtrack serve` holds the \
store, the service writes the export; while a `hashtrack run` holds it, wait for the run to \
finish.";

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// File format of the tables.
    #[arg(long, default_value = "parquet", ignore_case = true, value_parser = super::choice(&Format::ALL, Format::extension, Format::describe))]
    pub format: Format,
    /// Directory to write the tables into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Only these campaigns (repeatable; default: all, or all of --client's).
    #[arg(long = "campaign", value_name = "ID")]
    pub campaigns: Vec<String>,
    /// Only this client's campaigns.
    #[arg(long, value_name = "ID")]
    pub client: Option<String>,
    /// The last N days up to --to (or each campaign's latest stored day).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3660), conflicts_with = "from")]
    pub days: Option<u32>,
    /// First day to export.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<chrono::NaiveDate>,
    /// Last day to export (default: each campaign's latest stored day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<chrono::NaiveDate>,
    #[command(flatten)]
    pub csv: CsvArgs,
}

pub fn export(args: ExportArgs) -> Result<ExitCode> {
    let config = args.config.load()?;
    let data_dir = args.config.data_dir(&config);
    let store_dir = data_dir.join("store");
    let store = match Store::open_existing(&store_dir) {
        Ok(store) => store,
        // `serve` holds the store: it writes the export from it.
        Err(StoreError::Locked { .. }) if super::serve::socket::running(&data_dir) => {
            eprintln!("{}", super::serve::socket::ask(&data_dir)?);
            return Ok(ExitCode::SUCCESS);
        }
        Err(e @ StoreError::Locked { .. }) => {
            return Err(anyhow::Error::new(e).context(
                "export reads comments and alerts from the store, which a running hashtrack holds",
            ));
        }
        Err(
            e @ (StoreError::Missing { .. }
            | StoreError::SchemaMismatch { .. }
            | StoreError::Migration { .. }),
        ) => return Err(e.into()),
        Err(e) => bail!(
            "nothing exported: {e}\n{}",
            crate::store::damaged_advice(&store_dir)
        ),
    };
    eprintln!("{}", export_from(&args, &config, &store)?);
    store.release_at_exit()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the export `args` ask for from `store`; what was written, in a sentence.
pub fn export_from(args: &ExportArgs, config: &Config, store: &Store) -> Result<String> {
    let selected = select_campaigns(config, &args.campaigns, args.client.as_deref())?;
    let period = PeriodChoice::from_args(args.days, args.from, args.to)?;
    let mut periods = Vec::new();
    for campaign in config
        .campaigns
        .iter()
        .filter(|c| selected.is_empty() || selected.contains(&c.id))
    {
        let Some((first, latest)) = store.date_range(&campaign.id)? else {
            continue;
        };
        let (from, to) = match period {
            Some(period) => period.dates(first, latest),
            // Everything stored (up to --to).
            None => (first, args.to.unwrap_or(latest)),
        };
        if from <= to {
            periods.push(CampaignPeriod {
                campaign: campaign.id.clone(),
                from,
                to,
            });
        }
    }
    if periods.is_empty() {
        bail!(
            "no stored days of the selected campaigns to export: run `hashtrack run` (or `hashtrack demo`) first"
        );
    }
    let total: u64 = periods.iter().map(CampaignPeriod::len).sum();
    let bar = progress_bar(std::io::stderr().is_terminal(), total, "days exported");
    let tables = write_export(
        store,
        &periods,
        &args.out,
        args.format,
        args.csv.cells(),
        &|n| bar.inc(n),
    );
    let tables = match tables {
        Ok(tables) => tables,
        // A store that cannot give back what the export reads gives no export at all, rather
        // than tables silently missing what it lost.
        Err(ExportError::Store(
            e @ (StoreError::Sled { .. } | StoreError::Corrupt { .. } | StoreError::Io { .. }),
        )) => bail!(
            "nothing exported: {e}\n{}",
            crate::store::damaged_advice(&args.config.data_dir(config).join("store"))
        ),
        Err(e) => {
            return Err(
                anyhow::Error::new(e).context(format!("cannot export to {}", args.out.display()))
            );
        }
    };
    bar.finish_and_clear();
    let counts: Vec<String> = tables
        .iter()
        .map(|t| format!("{} {}", t.rows, t.table))
        .collect();
    let files: Vec<String> = tables
        .iter()
        .map(|t| t.path.display().to_string())
        .collect();
    Ok(format!(
        "exported {} rows: {} ({})",
        tables.iter().map(|t| t.rows).sum::<u64>(),
        counts.join(", "),
        files.join(", ")
    ))
}
