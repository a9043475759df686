//! `hashtrack report`: reports of any period from the store. Never calls the API.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::{Duration, NaiveDate};

use hashtrack::config::{CampaignConfig, Config};
use hashtrack::domain::StoredPeriod;
use hashtrack::report::{
    Audience, CampaignReport, ExampleComments, JsonReports, Paper, Period, ReportFormat, compare,
    csv, html, json_element, period_headline, render, render_client, report_of_period, rollup,
    text,
};
use hashtrack::store::{DayMirror, DayReader, Store, StoreError};
use hashtrack::text_safety::CsvCells;

use super::ConfigArgs;

#[derive(clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Only these campaigns (repeatable; default: all).
    #[arg(long = "campaign", value_name = "ID")]
    pub campaigns: Vec<String>,
    /// One report for all of a client's campaigns: a summary table (views, videos, comments,
    /// sentiment, engagement, alerts per campaign), then a section per campaign.
    #[arg(long, value_name = "ID", conflicts_with = "campaigns")]
    pub client: Option<String>,
    /// Length of the period in days, ending with --to (default 7; at most 366).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=366), conflicts_with = "from")]
    pub days: Option<u32>,
    /// First day of the period; with --to (or each campaign's latest stored day) it gives any
    /// range. Days without data inside it are shown as missing, never as 0.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// Last day of the period (default: each campaign's latest stored day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
    /// Output format.
    #[arg(long, default_value = "text", ignore_case = true, value_parser = super::choice(&ReportFormat::ALL, ReportFormat::name, ReportFormat::describe))]
    pub format: ReportFormat,
    /// The agency's copy: adds what monitoring cost (credits and dollars) to the report.
    #[arg(long)]
    pub internal: bool,
    /// The paper a PDF is laid out for (default: Letter where the config's time_zone is in the
    /// United States or Canada, A4 elsewhere).
    #[arg(long, ignore_case = true, value_parser = super::choice(&Paper::ALL, Paper::name, Paper::describe))]
    pub paper: Option<Paper>,
    /// Write the report to this file instead of standard output (needed for pdf).
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub csv: CsvArgs,
}

/// How CSV text cells are written (`report` and `export`).
#[derive(clap::Args)]
pub struct CsvArgs {
    /// CSV text cells exactly as the data has them. By default a text cell that starts with
    /// = + - @ (a formula to a spreadsheet) gets a leading ' so that opening the file cannot
    /// run it; numbers are never changed.
    #[arg(long)]
    pub raw_csv: bool,
}

impl CsvArgs {
    pub fn cells(&self) -> CsvCells {
        if self.raw_csv {
            CsvCells::Raw
        } else {
            CsvCells::Neutralised
        }
    }
}

/// Which dates a report covers.
#[derive(Debug, Clone, Copy)]
pub enum PeriodChoice {
    /// The last N days up to a date (or each campaign's latest stored day); a campaign
    /// younger than that is reported from its first day.
    Last { days: u32, to: Option<NaiveDate> },
    /// Exactly these dates (`to`: each campaign's latest stored day when not given).
    Range {
        from: NaiveDate,
        to: Option<NaiveDate>,
    },
}

impl PeriodChoice {
    /// The period `--days`, `--from` and `--to` ask for (clap keeps `--days` and `--from`
    /// apart); `None` when neither `--days` nor `--from` is given, for the command's default.
    /// A reversed range is an error.
    pub fn from_args(
        days: Option<u32>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Option<PeriodChoice>> {
        match (days, from) {
            (_, Some(from)) => {
                if let Some(to) = to.filter(|to| *to < from) {
                    bail!("--from {from} is after --to {to}");
                }
                Ok(Some(PeriodChoice::Range { from, to }))
            }
            (Some(days), None) => Ok(Some(PeriodChoice::Last { days, to })),
            (None, None) => Ok(None),
        }
    }

    /// The first and last date it covers for a campaign with stored days from `first` to
    /// `latest`.
    pub fn dates(self, first: NaiveDate, latest: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            PeriodChoice::Last { days, to } => {
                let end = to.unwrap_or(latest);
                // A campaign younger than the period is reported from its first day, not
                // as empty days.
                ((end - Duration::days(i64::from(days) - 1)).max(first), end)
            }
            PeriodChoice::Range { from, to } => (from, to.unwrap_or(latest)),
        }
    }
}

/// The campaigns `--campaign` (repeatable) and `--client` select, in config order: every
/// campaign when neither is given. Unknown ids, and a campaign not of the given client, are
/// errors naming what is known.
pub fn select_campaigns(
    config: &Config,
    campaigns: &[String],
    client: Option<&str>,
) -> Result<Vec<String>> {
    for id in campaigns {
        if config.campaign(id).is_none() {
            bail!("unknown campaign '{id}' (not in {})", config.path.display());
        }
    }
    let Some(client) = client else {
        return Ok(campaigns.to_vec());
    };
    if !config.clients.contains_key(client) {
        let known = config
            .clients
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        bail!("unknown client '{client}' (known: {known})");
    }
    let ids: Vec<String> = config
        .campaigns
        .iter()
        .filter(|c| c.client == client)
        .map(|c| c.id.clone())
        .collect();
    if ids.is_empty() {
        bail!(
            "client '{client}' has no campaigns in {}",
            config.path.display()
        );
    }
    if let Some(other) = campaigns.iter().find(|id| !ids.contains(id)) {
        bail!("campaign '{other}' is not one of client '{client}''s campaigns");
    }
    Ok(if campaigns.is_empty() {
        ids
    } else {
        campaigns.to_vec()
    })
}

pub fn report(args: ReportArgs) -> Result<ExitCode> {
    if args.format == ReportFormat::Pdf && args.out.is_none() {
        bail!("--format pdf needs --out FILE.pdf");
    }
    let config = args.config.load()?;
    let data_dir = args.config.data_dir(&config);
    let store_dir = data_dir.join("store");
    // A report for the terminal is printed as it is written (a JSON report of 1,000
    // campaigns is some 70 MB: never held whole); one for a file is written once complete.
    let mut kept = Vec::new();
    let stdout = std::io::stdout();
    let mut printed = std::io::BufWriter::new(stdout.lock());
    let out: &mut dyn Write = match args.out {
        Some(_) => &mut kept,
        None => &mut printed,
    };
    match Store::open_existing(&store_dir) {
        Ok(store) => {
            write_report(&args, &config, &store, out)?;
            store.release_at_exit()?;
        }
        // `serve` holds the store: it writes the report from it.
        Err(StoreError::Locked { .. }) if super::serve::socket::running(&data_dir) => {
            out.write_all(super::serve::socket::ask(&data_dir)?.as_bytes())?;
        }
        // A run holds the store: report the days it has finished, from their copies.
        Err(StoreError::Locked { .. }) => {
            let mirror = DayMirror::beside(&store_dir);
            eprintln!(
                "note: a run is using the store; reporting the days computed so far ({})",
                mirror.path().display()
            );
            write_report(&args, &config, &mirror, out)?;
        }
        Err(e) => return Err(e.into()),
    }
    out.flush()?;
    if let Some(out) = &args.out {
        let text = String::from_utf8(kept).expect("reports are UTF-8");
        if args.format == ReportFormat::Pdf {
            super::pdf::print_to_pdf(&text, out)?;
        } else {
            std::fs::write(out, &text)
                .with_context(|| format!("cannot write {}", out.display()))?;
        }
        eprintln!("wrote {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The report `args` ask for, from `store`, as text (HTML for a PDF).
pub fn report_text(args: &ReportArgs, config: &Config, store: &dyn DayReader) -> Result<String> {
    written_as_text(|out| write_report(args, config, store, out))
}

/// Writes the report `args` ask for, from `store`, to `out`.
fn write_report(
    args: &ReportArgs,
    config: &Config,
    store: &dyn DayReader,
    out: &mut dyn Write,
) -> Result<()> {
    let selected = select_campaigns(config, &args.campaigns, args.client.as_deref())?;
    let period =
        PeriodChoice::from_args(args.days, args.from, args.to)?.unwrap_or(PeriodChoice::Last {
            days: 7,
            to: args.to,
        });
    let audience = if args.internal {
        Audience::Internal
    } else {
        Audience::Client
    };
    let rendering = Rendering {
        format: args.format,
        audience,
        paper: args.paper,
        cells: args.csv.cells(),
    };
    write_reports(
        config,
        store,
        &selected,
        args.client.as_deref(),
        period,
        rendering,
        out,
    )
}

/// What `write` writes, as one text.
pub fn written_as_text(write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<String> {
    let mut text = Vec::new();
    write(&mut text)?;
    Ok(String::from_utf8(text).expect("reports are UTF-8"))
}

/// How a report is written: its format, for whom, on what paper, with which CSV cells.
#[derive(Debug, Clone, Copy)]
pub struct Rendering {
    pub format: ReportFormat,
    pub audience: Audience,
    /// `None`: the config's time zone's paper.
    pub paper: Option<Paper>,
    pub cells: CsvCells,
}

impl Rendering {
    /// A report as its client is sent it: their copy, on their zone's paper, with CSV text
    /// cells that no spreadsheet reads as formulas.
    pub fn for_client(format: ReportFormat) -> Rendering {
        Rendering {
            format,
            audience: Audience::Client,
            paper: None,
            cells: CsvCells::Neutralised,
        }
    }
}

/// Writes the report of the `selected` campaigns over `period` to `out`, as `report` prints
/// it (HTML for a PDF too): one report of the client's campaigns when `client` is given. JSON
/// is written as it is serialised, the other formats once rendered.
pub fn write_reports(
    config: &Config,
    store: &dyn DayReader,
    selected: &[String],
    client: Option<&str>,
    period: PeriodChoice,
    rendering: Rendering,
    out: &mut dyn Write,
) -> Result<()> {
    let quoted = matches!(
        rendering.format,
        ReportFormat::Html | ReportFormat::Pdf | ReportFormat::Json
    );
    let audience = rendering.audience;
    if let (format @ (ReportFormat::Text | ReportFormat::Json), None) = (rendering.format, client) {
        // Each campaign is rendered on the thread that built its report, which is then
        // dropped, and written a batch at a time: a report of 1,000 campaigns never holds
        // them all, as reports or as text.
        let render = |report: CampaignReport| match format {
            ReportFormat::Json => json_element(&report, audience),
            _ => text::render_campaign(&report, audience),
        };
        let reports = |take: &mut dyn FnMut(String) -> Result<()>| {
            for_each_campaign_report(config, store, selected, period, quoted, render, take)
        };
        if format == ReportFormat::Json {
            let mut json = JsonReports::new(out);
            found_some(reports(&mut |element| Ok(json.push(element)?))?)?;
            json.finish()?;
        } else {
            let mut separator: &[u8] = b"";
            found_some(reports(&mut |text| {
                out.write_all(separator)?;
                separator = b"\n";
                Ok(out.write_all(text.as_bytes())?)
            })?)?;
        }
        return Ok(());
    }
    let reports = campaign_reports(config, store, selected, period, quoted)?;
    found_some(reports.len())?;
    let summary = client.map(|_| rollup(&reports));
    let branding = &config.settings.branding;
    let text = match (rendering.format, &summary) {
        (ReportFormat::Html | ReportFormat::Pdf, _) => {
            let paper = rendering
                .paper
                .unwrap_or_else(|| Paper::for_time_zone(config.settings.time_zone));
            // A client's report carries its logo beside the agency's.
            let client_logo = client
                .and_then(|id| config.clients.get(id))
                .and_then(|c| c.logo_data_uri.as_deref());
            html::render(
                &reports,
                summary.as_ref(),
                branding,
                audience,
                paper,
                client_logo,
            )
        }
        (ReportFormat::Csv, _) => csv::render(&reports, rendering.cells, audience),
        (format, Some(summary)) => render_client(summary, &reports, format, audience),
        (format, None) => render(&reports, format, audience),
    };
    Ok(out.write_all(text.as_bytes())?)
}

/// Reports of the selected campaigns (all when `only` is empty) that have stored days.
///
/// Campaigns are independent, so they are read and built on every core: most of the time
/// goes to decompressing and decoding stored days. `quoted` also reads the period's comments
/// for [`ExampleComments`], which only the formats that show them need.
pub fn campaign_reports(
    config: &Config,
    store: &dyn DayReader,
    only: &[String],
    period: PeriodChoice,
    quoted: bool,
) -> Result<Vec<CampaignReport>> {
    let mut reports = Vec::new();
    for_each_campaign_report(
        config,
        store,
        only,
        period,
        quoted,
        |r| r,
        |report| {
            reports.push(report);
            Ok(())
        },
    )?;
    Ok(reports)
}

/// The selected campaigns' reports (as [`campaign_reports`]), each turned into what `each`
/// makes of it on the thread that built it, then handed to `take` in the config's order.
/// Returns how many there were. Built on every core a batch at a time, so that what `each`
/// makes is never held for all campaigns at once.
fn for_each_campaign_report<T: Send>(
    config: &Config,
    store: &dyn DayReader,
    only: &[String],
    period: PeriodChoice,
    quoted: bool,
    each: impl Fn(CampaignReport) -> T + Sync,
    mut take: impl FnMut(T) -> Result<()>,
) -> Result<usize> {
    use rayon::prelude::*;
    let selected: Vec<&CampaignConfig> = config
        .campaigns
        .iter()
        .filter(|c| only.is_empty() || only.contains(&c.id))
        .collect();
    let mut count = 0;
    // A batch is built on the pool while the one before is handed over (written, often).
    std::thread::scope(|scope| -> Result<()> {
        let (sender, built) = std::sync::mpsc::sync_channel::<Vec<Option<T>>>(1);
        let each = &each;
        let builder = scope.spawn(move || -> Result<()> {
            for batch in selected.chunks(REPORT_BATCH) {
                let made = batch
                    .par_iter()
                    .map(|c| Ok(campaign_report(config, store, c, period, quoted)?.map(each)))
                    .collect::<Result<_>>()?;
                if sender.send(made).is_err() {
                    break; // `take` failed: nothing more is wanted.
                }
            }
            Ok(())
        });
        for made in &built {
            for one in made.into_iter().flatten() {
                take(one)?;
                count += 1;
            }
        }
        builder.join().expect("building reports does not panic")
    })?;
    Ok(count)
}

/// Campaigns reported side by side: enough to keep every core busy, few enough that their
/// rendered text is a few MB.
const REPORT_BATCH: usize = 64;

/// Fails when no selected campaign has a stored day to report.
fn found_some(count: usize) -> Result<()> {
    if count == 0 {
        bail!("no stored days to report: run `hashtrack run` (or `hashtrack demo`) first");
    }
    Ok(())
}

/// The report of one campaign over `period`, with the previous period's for comparison;
/// `None` when it has no stored days.
fn campaign_report(
    config: &Config,
    store: &dyn DayReader,
    campaign: &CampaignConfig,
    period: PeriodChoice,
    quoted: bool,
) -> Result<Option<CampaignReport>> {
    let Some((first, latest)) = store.date_range(&campaign.id)? else {
        return Ok(None);
    };
    let (start, end) = period.dates(first, latest);
    let Ok(days) = u32::try_from((end - start).num_days() + 1) else {
        return Ok(None);
    };
    let stored = store.period(&campaign.id, start, end)?;
    let mut report = report_of_period(
        campaign,
        &stored,
        Period::ending(end, days),
        config.settings.price_per_credit_usd,
    );
    if let Some(client) = config.clients.get(&campaign.client) {
        report.client_name = client.name.clone();
    }
    // The previous period of the same length, for the deltas.
    let previous_end = start - Duration::days(1);
    let previous_start = previous_end - Duration::days(i64::from(days) - 1);
    // Only its headline figures are compared: its videos are not read.
    let before = store.headlines(&campaign.id, previous_start, previous_end)?;
    let (previous, headline) = period_headline(&before, previous_end, days);
    report.comparison = Some(compare(&report, previous, &headline));
    if quoted {
        report.example_comments = example_comments(store, &report, &stored)?;
    }
    Ok(Some(report))
}

/// The period's most-liked new comments of each tone, from each of its days' quotable ones,
/// linked to their videos.
fn example_comments(
    store: &dyn DayReader,
    report: &CampaignReport,
    stored: &StoredPeriod,
) -> Result<ExampleComments> {
    let mut quotable = Vec::new();
    for date in report.period.dates() {
        quotable.extend(store.quotable_comments(&report.campaign_id, date)?);
    }
    let creators: std::collections::HashMap<&str, &str> = stored
        .latest_videos()
        .map(|(_, v)| (v.id.as_str(), v.creator.as_str()))
        .collect();
    Ok(ExampleComments::of(&quotable, |id| {
        creators
            .get(id)
            .and_then(|creator| hashtrack::domain::links::video_url(creator, id))
    }))
}
