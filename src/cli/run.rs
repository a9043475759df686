//! `hashtrack run` (one day from the API) and `hashtrack rescore` (stored days, no API).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};

use hashtrack::api::{ApiClient, ApiKey, RetryPolicy};
use hashtrack::config::Config;
use hashtrack::pipeline::{CampaignRun, CampaignStatus, Pipeline, RunSummary, StopSwitch};

use super::alerts::deliver_after_run;
use super::{ConfigArgs, EXIT_INCOMPLETE, describe_run, open_pipeline, run_exit_code, today};

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// The campaign day (default: today in the configured time zone). The API has no date
    /// parameter: it always answers with today's data. So a future date is refused, and
    /// another past date only recomputes what is stored (0 credits) unless
    /// --allow-other-date is given. Re-running today reuses every stored response and spends
    /// only what is still missing.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<NaiveDate>,
    /// With --date of a past day: collect today's data from the API and file it under that
    /// date, marked "collected on TODAY for DATE" in the store and reports. For simulators
    /// and tests; a real past day cannot be fetched.
    #[arg(long, requires = "date")]
    pub allow_other_date: bool,
    /// Only these campaigns (repeatable; default: all).
    #[arg(long = "campaign", value_name = "ID")]
    pub campaigns: Vec<String>,
    /// Override the API base URL from the config (e.g. a `hashtrack simulate` address).
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
    /// Print one JSON object (date, credits_spent, requests, campaigns) on stdout.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: RunArgs) -> Result<ExitCode> {
    let mut config = args.config.load()?;
    if let Some(base) = &args.api_base {
        config.settings.api_base_url = base.trim_end_matches('/').to_string();
    }
    let today = today(&config);
    let date = args.date.unwrap_or(today);
    if date > today {
        bail!(
            "--date {date} is in the future (today is {today} in {}): the API only has today's \
             data, so nothing was collected and no credit was spent",
            config.settings.time_zone
        );
    }
    let data_dir = args.config.data_dir(&config);
    let rate = config.settings.requests_per_minute;
    if date != today && !args.allow_other_date {
        eprintln!(
            "note: {date} is not today ({today}): recomputing it from the store only, 0 credits. \
             The API answers with today's data whatever the date; pass --allow-other-date to \
             collect it for {date} anyway (marked \"collected on {today} for {date}\")."
        );
        let config = Arc::new(config);
        let (pipeline, store) = open_pipeline(config.clone(), &data_dir, None)?;
        pipeline.check_plugins(&args.campaigns)?;
        let summary = collect(&pipeline, date, &args.campaigns, rate, !args.json).await?;
        let code = print_summary(&summary, args.json)?;
        deliver_after_run(&store, &config).await;
        return Ok(code);
    }
    let key_env = config.settings.api_key_env.clone();
    let key = match std::env::var(&key_env) {
        Ok(key) if !key.trim().is_empty() => ApiKey::new(key.trim()),
        _ => bail!(
            "no API key: set the environment variable {key_env} (named by api_key_env in {}); \
             to try hashtrack without one, run `hashtrack demo`",
            config.path.display()
        ),
    };
    let api = api_client(&config, key, RetryPolicy::default())?;
    let config = Arc::new(config);
    let (pipeline, store) = open_pipeline(config.clone(), &data_dir, Some(api))?;
    pipeline.check_plugins(&args.campaigns)?;
    let signalled = stop_on_signals(pipeline.stop_switch())?;
    let summary = collect(&pipeline, date, &args.campaigns, rate, !args.json).await?;
    let code = print_summary(&summary, args.json)?;
    // After collection, and only if not stopped: a stopped run ends quickly.
    if signalled.load(Ordering::SeqCst) == 0 {
        deliver_after_run(&store, &config).await;
    }
    Ok(match signalled.load(Ordering::SeqCst) {
        0 => code,
        signal_code => ExitCode::from(signal_code),
    })
}

/// How long a stopped run may take to let the requests on the wire finish and store its days.
const STOP_GRACE: Duration = Duration::from_secs(30);

/// On SIGINT or SIGTERM: no new request starts, those on the wire finish and are stored, and
/// the run ends with its summary and exit code 130 or 143 (within [`STOP_GRACE`]). A second
/// signal ends the process at once. Returns the exit code chosen (0 while none came).
fn stop_on_signals(switch: StopSwitch) -> Result<Arc<AtomicU8>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    let signalled = Arc::new(AtomicU8::new(0));
    let seen = signalled.clone();
    tokio::spawn(async move {
        loop {
            let (name, code) = tokio::select! {
                _ = interrupt.recv() => ("SIGINT", 130),
                _ = terminate.recv() => ("SIGTERM", 143),
            };
            if seen.swap(code, Ordering::SeqCst) != 0 {
                eprintln!("{name} again: stopping now");
                std::process::exit(i32::from(code));
            }
            eprintln!(
                "{name}: no new requests; the ones on the wire finish and are stored (at most {} s; \
                 a second signal stops at once). Re-run the same date to resume.",
                STOP_GRACE.as_secs()
            );
            switch.stop(format!("stopped by {name}"));
            tokio::spawn(async move {
                tokio::time::sleep(STOP_GRACE).await;
                eprintln!(
                    "still busy {} s after {name}: stopping now",
                    STOP_GRACE.as_secs()
                );
                std::process::exit(i32::from(code));
            });
        }
    });
    Ok(signalled)
}

/// The run summary on stdout as JSON, or for people on stderr; the exit code for cron.
fn print_summary(summary: &RunSummary, json: bool) -> Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(summary)?);
    } else {
        eprint!("{}", describe_run(summary));
    }
    Ok(run_exit_code(summary))
}

/// Builds the API client for the configured provider.
pub fn api_client(config: &Config, key: ApiKey, retry: RetryPolicy) -> Result<ApiClient> {
    let s = &config.settings;
    ApiClient::new(
        &s.api_base_url,
        key,
        &s.api_key_env,
        s.requests_per_minute,
        s.request_timeout,
        retry,
    )
    .context("cannot build the HTTP client")
}

/// How often a run not watched on a terminal logs its progress.
const PROGRESS_LOG_EVERY: Duration = Duration::from_secs(60);
/// How often the bar on a terminal is redrawn.
const PROGRESS_REDRAW_EVERY: Duration = Duration::from_millis(250);

/// One date of the given campaigns. With `progress`, stderr shows requests done and planned,
/// credits, the ETA at the plan's rate and the campaign being worked on: a bar on a terminal,
/// a line a minute otherwise (a cron log).
pub async fn collect(
    pipeline: &Pipeline,
    date: NaiveDate,
    campaigns: &[String],
    requests_per_minute: u32,
    progress: bool,
) -> Result<RunSummary> {
    let on_terminal = std::io::stderr().is_terminal();
    let bar = progress_bar(progress && on_terminal, 0, &format!("{date}"));
    let shown = pipeline.progress();
    let started = std::time::Instant::now();
    let ticker_bar = bar.clone();
    let ticker = tokio::spawn(async move {
        let mut last_log = std::time::Instant::now();
        loop {
            tokio::time::sleep(PROGRESS_REDRAW_EVERY).await;
            let now = shown.snapshot();
            let left = now.planned.saturating_sub(now.done);
            let eta_secs = u64::from(left) * 60 / u64::from(requests_per_minute.max(1));
            let line = format!(
                "{date} {}: {} credits, ETA {}m{:02}s at {requests_per_minute}/min",
                now.campaign,
                now.credits,
                eta_secs / 60,
                eta_secs % 60
            );
            ticker_bar.set_length(u64::from(now.planned.max(now.done)));
            ticker_bar.set_position(u64::from(now.done));
            ticker_bar.set_message(line.clone());
            if progress && !on_terminal && last_log.elapsed() >= PROGRESS_LOG_EVERY {
                last_log = std::time::Instant::now();
                eprintln!(
                    "progress after {:.0} min: {} of about {} requests; {line}",
                    started.elapsed().as_secs_f64() / 60.0,
                    now.done,
                    now.planned
                );
            }
        }
    });
    let summary = pipeline
        .run_day(date, campaigns, &|_: &CampaignRun| {})
        .await;
    ticker.abort();
    bar.finish_and_clear();
    Ok(summary?)
}

pub fn progress_bar(visible: bool, len: u64, message: &str) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg} ({elapsed})")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    bar
}

#[derive(clap::Args)]
pub struct RescoreArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Only these campaigns (repeatable; default: all).
    #[arg(long = "campaign", value_name = "ID")]
    pub campaigns: Vec<String>,
    /// First date to re-score (default: the `--to` date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// Last date to re-score (default: today in the configured time zone).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
    /// Print the per-day summaries as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub async fn rescore(args: RescoreArgs) -> Result<ExitCode> {
    let config = Arc::new(args.config.load()?);
    let data_dir = args.config.data_dir(&config);
    let to = args.to.unwrap_or_else(|| today(&config));
    let from = args.from.unwrap_or(to);
    if from > to {
        bail!("--from {from} is after --to {to}");
    }
    let (pipeline, store) = open_pipeline(config.clone(), &data_dir, None)?;
    pipeline.check_plugins(&args.campaigns)?;
    let mut summaries = Vec::new();
    let mut date = from;
    while date <= to {
        // Only days that were collected before; re-scoring never creates a day.
        let stored: Vec<String> = config
            .campaigns
            .iter()
            .filter(|c| args.campaigns.is_empty() || args.campaigns.contains(&c.id))
            .filter(|c| matches!(store.day(&c.id, date), Ok(Some(_))))
            .map(|c| c.id.clone())
            .collect();
        if !stored.is_empty() {
            let summary = pipeline.run_day(date, &stored, &|_| {}).await?;
            if !args.json {
                eprint!("{}", describe_run(&summary));
            }
            summaries.push(summary);
        }
        date = date.succ_opt().context("date out of range")?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summaries)?);
    } else if summaries.is_empty() {
        eprintln!("no stored days between {from} and {to}");
    }
    deliver_after_run(&store, &config).await;
    // A day that could not be scored or evaluated is not re-scored: say so to cron.
    let rescored = summaries.iter().all(|s| {
        s.campaigns
            .iter()
            .all(|c| c.status == CampaignStatus::Complete)
    });
    Ok(if rescored {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INCOMPLETE)
    })
}
