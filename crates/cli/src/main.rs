//! The `hashtrack` command line: argument parsing and dispatch only. Each command lives in a
//! module of its own beside this file; the work itself is in the `hashtrack` library, and the
//! simulated API (for `demo`, `simulate` and `evaluate`) in `hashtrack-sim`.
//!
//! This file holds the command definitions (clap) and the pieces the commands share: loading
//! the config, opening the store, building the API client and the plugin host.

mod alerts;
mod demo;
mod embedded;
mod evaluate;
mod export;
mod init;
mod pdf;
mod plugin;
mod plugin_build;
mod plugin_info;
mod plugin_new;
mod report;
mod run;
mod serve;
mod simulate;
mod simulated;
mod store;
mod tokens;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use hashtrack::api::ApiClient;
use hashtrack::config::Config;
use hashtrack::pipeline::{CampaignStatus, Pipeline, RunSummary};
use hashtrack::plugin::PluginHost;
use hashtrack::store::{Store, StoreOptions};

/// Overrides where compiled plugins are cached (default: `plugin-cache` in the data directory),
/// so several data directories can share one cache.
const PLUGIN_CACHE_ENV: &str = "HASHTRACK_PLUGIN_CACHE";
/// The compiled-plugin cache's folder in a data directory.
pub const PLUGIN_CACHE_DIR: &str = "plugin-cache";

/// A clap value parser for one of a library enum's values: the library owns the names and
/// their help lines, clap lists them in `--help` and refuses anything else.
fn choice<T: Copy + Send + Sync + 'static>(
    all: &'static [T],
    name: fn(T) -> &'static str,
    describe: fn(T) -> &'static str,
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser as _;
    let values = all
        .iter()
        .map(|&value| clap::builder::PossibleValue::new(name(value)).help(describe(value)));
    clap::builder::PossibleValuesParser::new(values).map(move |chosen: String| {
        *all.iter()
            .find(|&&value| name(value).eq_ignore_ascii_case(&chosen))
            .expect("clap accepts only the listed values")
    })
}

/// Exit code of a run that finished but left some campaign-day incomplete.
pub const EXIT_INCOMPLETE: u8 = 2;
/// Exit code of a run, rescore or `alerts send` whose days are complete but whose alerts are
/// not all delivered (a sink down or unconfigured): `hashtrack alerts --pending` lists them.
pub const EXIT_UNDELIVERED: u8 = 3;

#[derive(Parser)]
#[command(
    name = "hashtrack",
    version,
    about = "Tracks TikTok hashtag campaigns: daily views, videos, creators, comment sentiment and alerts.",
    long_about = "Tracks TikTok hashtag campaigns for agencies. Once a day `hashtrack run` calls the \
TikTok data API for every campaign in campaigns.toml (1 credit per request, paced to the plan's \
rate limit), stores every raw response in sled before the next request, scores comment \
sentiment and evaluates alert rules in WebAssembly plugins, delivers the alerts to the \
configured sinks (Slack, signed webhooks, email, files), and `hashtrack report` writes 7- and \
30-day reports.\n\nStart anywhere: `hashtrack init` writes a commented campaigns.toml, and \
`hashtrack demo` runs 30 simulated days of its campaigns (or, without one, of the built-in \
example) against the built-in simulated API: no API key, no network.\n\nExit codes: 0 all campaign-days complete; 1 error \
(bad config or arguments, a store that cannot be opened, plugins that refuse their settings, \
an API that cannot be reached at all); 2 the run finished but some campaign-day is incomplete \
(see its `missing` notes; re-run the same date to fill the gaps: stored calls cost nothing); \
3 the days are complete but some alerts were not delivered (`hashtrack alerts --pending` \
lists them, `hashtrack alerts send` retries, and exits 3 too while some still wait)."
)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// How log lines are written on stderr: `text` for people, `json` (one object a line,
    /// from info up unless -v or RUST_LOG say otherwise) for log collectors.
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Write a commented campaigns.toml to start from (one client, one campaign, a file sink,
    /// every key) and the lexicon it names. Never overwrites without --force.
    Init(init::InitArgs),
    /// Run 30 simulated days for every campaign (of ./campaigns.toml, or the built-in example)
    /// against the built-in simulated API and print the 7- and 30-day reports. Needs no API key
    /// and no network; writes into ./hashtrack-demo (or --data-dir) only.
    Demo(demo::DemoArgs),
    /// Collect one day for the configured campaigns from the API (the real provider unless
    /// --api-base says otherwise). The key is read from the environment variable named in
    /// campaigns.toml (SCAVIO_API_KEY by default).
    Run(run::RunArgs),
    /// Run as a service: collect every day at `[settings] collect_at` (today at once if that
    /// time has passed), deliver alerts after each collection, email clients their scheduled
    /// reports (`[clients.X.reports]`), and serve the agency's view, each client's portal and
    /// data (behind `hashtrack tokens`), /healthz and /metrics (Prometheus) on 127.0.0.1:8080
    /// or --listen. SIGTERM stops it; a restart resumes the day without paying twice. While it
    /// runs, `report`, `export`, `alerts` and `store backup|check` ask it for their answers.
    Serve(serve::ServeArgs),
    /// Manage the access tokens of `serve`'s pages and data: `new --agency`, `new --client ID`,
    /// `list`, `revoke ID`. A token is printed once; only its hash is kept.
    Tokens(tokens::TokensArgs),
    /// Serve the simulated API on 127.0.0.1 so `run --api-base` can be pointed at it. Prints
    /// the base URL as its first line.
    Simulate(simulate::SimulateArgs),
    /// Print the report of stored days for any period, named for the client (no API calls;
    /// `--internal` adds the monitoring cost).
    Report(report::ReportArgs),
    /// Recompute sentiment and alerts of stored days with the current plugins and config,
    /// from the stored raw responses. Spends no credits.
    Rescore(run::RescoreArgs),
    /// Run the daily job against the simulator for several seeds and judge what it reported
    /// against the simulator's truth: comments per credit, growth error, stall and backlash
    /// detection latency, false and missed alerts. Spends nothing real; takes seconds per seed.
    Evaluate(evaluate::EvaluateArgs),
    /// Write the stored days, videos, comments and alerts as Parquet or CSV tables into a
    /// directory, for spreadsheets and BI tools (DuckDB, BigQuery, Looker Studio, Power BI).
    #[command(long_about = export::LONG_ABOUT)]
    Export(export::ExportArgs),
    /// Back up, restore or check the store (`hashtrack store backup DIR`).
    Store(store::StoreArgs),
    /// The plugin author's kit: start a project (Rust, Python, JavaScript), build it, check a
    /// component or a config's plugins, run it on fixtures, evaluate a scorer.
    Plugin(plugin::PluginArgs),
    /// List stored alerts and where each stands with its sinks (sent, waiting to retry,
    /// failed and why); `alerts send` delivers what is pending now.
    Alerts(alerts::AlertsArgs),
    /// Check alert sinks: `sinks test NAME` sends a test message.
    Sinks(alerts::SinksArgs),
}

pub async fn dispatch(cli: Cli) -> Result<ExitCode> {
    let log_format = cli.log_format;
    match cli.command {
        Command::Init(args) => init::init(args),
        Command::Demo(args) => demo::demo(args).await,
        Command::Run(args) => run::run(args).await,
        Command::Serve(args) => serve::serve(args, log_format).await,
        Command::Tokens(args) => tokens::tokens(args),
        Command::Simulate(args) => simulate::simulate(args).await,
        Command::Report(args) => report::report(args),
        Command::Rescore(args) => run::rescore(args).await,
        Command::Evaluate(args) => evaluate::evaluate(args).await,
        Command::Store(args) => store::store(args),
        Command::Export(args) => export::export(args),
        Command::Alerts(args) => alerts::alerts(args).await,
        Command::Sinks(args) => alerts::sinks(args).await,
        Command::Plugin(args) => tokio::task::spawn_blocking(move || plugin::plugin(args)).await?,
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The format `init_logging` set, for [`say`].
static LOG_FORMAT: std::sync::OnceLock<LogFormat> = std::sync::OnceLock::new();

/// A line for the operator on stderr: as it is for people, or as a log object under
/// `--log-format json`, so that a log collector reads one format.
pub fn say(line: &str) {
    match LOG_FORMAT.get() {
        Some(LogFormat::Json) => tracing::info!("{line}"),
        _ => eprintln!("{line}"),
    }
}

pub fn init_logging(verbose: u8, format: LogFormat) {
    let _ = LOG_FORMAT.set(format);
    let default = match (verbose, format) {
        (0, LogFormat::Text) => "warn",
        (0 | 1, _) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => logs.json().init(),
        LogFormat::Text => {
            // Colours only for a person at a terminal, never when NO_COLOR is set (no-color.org).
            let colours = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            logs.with_ansi(colours).init();
        }
    }
}

/// Arguments shared by the commands that read campaigns.toml and the store.
#[derive(clap::Args, Clone)]
pub struct ConfigArgs {
    /// The campaign configuration file.
    #[arg(long, default_value = "campaigns.toml", value_name = "FILE")]
    pub config: PathBuf,
    /// Where the sled store lives (default: `data_dir` from the config, relative to it).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl ConfigArgs {
    pub fn load(&self) -> Result<Config> {
        let config = Config::load(&self.config)?;
        if let Some(warning) = config.settings.time_zone_warning() {
            eprintln!("warning: {}: {warning}", self.config.display());
        }
        Ok(config)
    }

    pub fn data_dir(&self, config: &Config) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| config.settings.data_dir.clone())
    }
}

/// Opens (or creates) the store in the data directory `dir`, its cache as configured.
pub fn open_store(dir: &Path, config: &Config) -> Result<Arc<Store>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create data directory {}", dir.display()))?;
    let options = StoreOptions {
        cache_mib: config.settings.store_cache_mib,
    };
    Ok(Arc::new(Store::open_with(&dir.join("store"), options)?))
}

/// The store and a pipeline over it, with every campaign's plugins loaded (compiled
/// components are cached under the data directory). `apis`: one client per key; none
/// re-scores from the store.
pub fn open_pipeline(
    config: Arc<Config>,
    data_dir: &Path,
    apis: Vec<ApiClient>,
) -> Result<(Pipeline, Arc<Store>)> {
    let store = open_store(data_dir, &config)?;
    let host = plugin_host(data_dir.join(PLUGIN_CACHE_DIR))?;
    Ok((Pipeline::new(config, store.clone(), &host, apis), store))
}

/// A plugin host caching compiled components in `$HASHTRACK_PLUGIN_CACHE`, else `default_cache`.
pub fn plugin_host(default_cache: PathBuf) -> Result<PluginHost> {
    let cache = std::env::var_os(PLUGIN_CACHE_ENV).map_or(default_cache, PathBuf::from);
    Ok(PluginHost::new(Some(cache))?)
}

/// Today's date in the configured time zone.
pub fn today(config: &Config) -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&config.settings.time_zone)
        .date_naive()
}

/// A human summary of a run, one line per campaign, for stderr; with several keys, first a
/// line per key (by its variable's name) saying what it spent and where it stopped.
pub fn describe_run(summary: &RunSummary) -> String {
    let mut out = format!(
        "{}: {} credits, {} requests\n",
        summary.date, summary.credits_spent, summary.requests
    );
    if summary.keys.len() > 1 {
        for key in &summary.keys {
            let how = match &key.spending_stopped {
                Some(reason) => format!("STOPPED: {reason}"),
                None => "ran to the end".to_string(),
            };
            out.push_str(&format!(
                "  ${:<22} {:>4}/min {:>4} credits {:>4} requests  {} campaign(s)  {how}\n",
                key.key_env,
                key.requests_per_minute,
                key.credits_spent,
                key.requests,
                key.campaigns.len()
            ));
        }
    }
    for c in &summary.campaigns {
        let status = match c.status {
            CampaignStatus::Complete => "complete",
            CampaignStatus::Partial => "PARTIAL",
            CampaignStatus::Failed => "FAILED",
        };
        out.push_str(&format!(
            "  {:<24} {:<9} {:>3} credits  {} alerts\n",
            c.id, status, c.credits_spent, c.alerts
        ));
        for m in &c.missing {
            out.push_str(&format!("      missing: {m}\n"));
        }
    }
    if let Some(reason) = &summary.spending_stopped {
        out.push_str(&format!("SPENDING STOPPED: {reason}\n"));
    }
    out
}

/// The exit code that tells cron whether every campaign-day is complete: 1 when the API could
/// not be reached at all (an error), 2 when something is missing.
pub fn run_exit_code(summary: &RunSummary) -> ExitCode {
    if summary.api_unreachable {
        return ExitCode::FAILURE;
    }
    let complete = summary.spending_stopped.is_none()
        && summary
            .campaigns
            .iter()
            .all(|c| c.status == CampaignStatus::Complete);
    if complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INCOMPLETE)
    }
}

/// Reading a large store is mostly parsing stored days and building rows: many small
/// allocations, which mimalloc serves in about half glibc's time (measured with the scale
/// benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    restore_default_sigpipe();
    let args = match Cli::try_parse() {
        Ok(args) => args,
        // Help and --version print and exit 0; a usage error exits 1, never 2, which means
        // "the run finished with something missing".
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    init_logging(args.verbose, args.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `hashtrack report | head` should end quietly, as other command-line tools do, not panic
/// on a closed pipe: Rust ignores SIGPIPE by default, so restore the default action. The
/// store is written crash-safe, so a run ended this way loses nothing.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command, argument and option below `command`, by its path, that has no help.
    fn without_help(command: &clap::Command, path: &str, found: &mut Vec<String>) {
        let path = format!("{path} {}", command.get_name());
        if command.get_about().is_none() && command.get_long_about().is_none() {
            found.push(path.clone());
        }
        for arg in command.get_arguments() {
            let builtin = matches!(arg.get_id().as_str(), "help" | "version");
            if !builtin && arg.get_help().is_none() && arg.get_long_help().is_none() {
                found.push(format!("{path} <{}>", arg.get_id()));
            }
        }
        for sub in command.get_subcommands() {
            if sub.get_name() != "help" {
                without_help(sub, &path, found);
            }
        }
    }

    #[test]
    fn every_command_and_argument_has_help() {
        let mut found = Vec::new();
        without_help(&super::Cli::command(), "", &mut found);
        assert!(found.is_empty(), "no help text: {found:#?}");
    }
}
