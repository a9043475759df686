//! `hashtrack report`: 7- or 30-day reports from the store. Never calls the API.

use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};

use hashtrack::config::Config;
use hashtrack::report::{CampaignReport, ReportFormat, build_report, render};
use hashtrack::store::{DayMirror, DayReader, Store, StoreError};

use super::ConfigArgs;

#[derive(clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Only these campaigns (repeatable; default: all).
    #[arg(long = "campaign", value_name = "ID")]
    pub campaigns: Vec<String>,
    /// Length of the period in days.
    #[arg(long, default_value_t = 7, value_parser = period_days)]
    pub days: u32,
    /// Last day of the period (default: each campaign's latest stored day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

fn period_days(value: &str) -> Result<u32, String> {
    match value {
        "7" => Ok(7),
        "30" => Ok(30),
        other => Err(format!("'{other}' is not a report period: use 7 or 30")),
    }
}

pub fn report(args: ReportArgs) -> Result<ExitCode> {
    let config = args.config.load()?;
    let store_dir = args.config.data_dir(&config).join("store");
    let store: Box<dyn DayReader> = match Store::open_existing(&store_dir) {
        Ok(store) => Box::new(store),
        // A run holds the store: report the days it has finished, from their copies.
        Err(StoreError::Locked { .. }) => {
            let mirror = DayMirror::beside(&store_dir);
            eprintln!(
                "note: a run is using the store; reporting the days computed so far ({})",
                mirror.path().display()
            );
            Box::new(mirror)
        }
        Err(e) => return Err(e.into()),
    };
    for id in &args.campaigns {
        if config.campaign(id).is_none() {
            bail!("unknown campaign '{id}' (not in {})", config.path.display());
        }
    }
    let reports = campaign_reports(&config, store.as_ref(), &args.campaigns, args.days, args.to)?;
    if reports.is_empty() {
        bail!("no stored days to report: run `hashtrack run` (or `hashtrack demo`) first");
    }
    print!("{}", render(&reports, args.format));
    Ok(ExitCode::SUCCESS)
}

/// Reports of the selected campaigns (all when `only` is empty) that have stored days.
pub fn campaign_reports(
    config: &Config,
    store: &dyn DayReader,
    only: &[String],
    days: u32,
    to: Option<NaiveDate>,
) -> Result<Vec<CampaignReport>> {
    let mut reports = Vec::new();
    for campaign in config
        .campaigns
        .iter()
        .filter(|c| only.is_empty() || only.contains(&c.id))
    {
        let Some((first, latest)) = store.date_range(&campaign.id)? else {
            continue;
        };
        let end = to.unwrap_or(latest);
        // A campaign younger than the period is reported from its first day, not as empty days.
        let start = (end - Duration::days(i64::from(days) - 1)).max(first);
        let Ok(period) = u32::try_from((end - start).num_days() + 1) else {
            continue;
        };
        let stored = store.days(&campaign.id, start, end)?;
        reports.push(build_report(
            campaign,
            &stored,
            end,
            period,
            config.settings.price_per_credit_usd,
        ));
    }
    Ok(reports)
}
