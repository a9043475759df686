//! `hashtrack demo`: the whole daily job for N simulated days against the built-in simulated
//! API, then the 7- and 30-day reports. Needs no API key and no network, and no config: without
//! one it runs the built-in example. It writes only into its own data directory, which it
//! marks as its own, and replaces an earlier demo's data only when asked.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::Days;

use hashtrack::alerts::deliver::{DeliveryReport, deliver_pending};
use hashtrack::config::{Config, SinkKind};
use hashtrack::report::{Audience, ReportFormat, render};
use hashtrack_sim::SimConfig;

use super::embedded::{CONFIG_FILE, EXAMPLE};
use super::report::{PeriodChoice, campaign_reports};
use super::run::progress_bar;
use super::simulated::SimulatedCampaigns;
use super::{PLUGIN_CACHE_DIR, describe_run};

/// Marks a data directory the demo created: the only kind `--force` may empty.
const DEMO_MARKER: &str = ".hashtrack-demo";
/// Where the built-in example is written inside the data directory, when it is used.
const EXAMPLE_DIR: &str = "example";

#[derive(clap::Args)]
pub struct DemoArgs {
    /// How many simulated days to run.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub days: u32,
    /// The campaigns to simulate (default: ./campaigns.toml, or without one the built-in
    /// example, written into the data directory's `example/`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the demo writes its store, alert inbox and plugin cache; never the config's
    /// data_dir, so simulated days do not mix with real ones. It must be new, empty, or an
    /// earlier demo's (see --force).
    #[arg(long, value_name = "DIR", default_value = "hashtrack-demo")]
    pub data_dir: PathBuf,
    /// Replace an earlier demo's data in the data directory (only a directory the demo made).
    #[arg(long)]
    pub force: bool,
}

pub async fn demo(args: DemoArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let data_dir = args.data_dir;
    let given = args
        .config
        .or_else(|| Path::new(CONFIG_FILE).exists().then(|| CONFIG_FILE.into()));
    // A config of the user's is checked before the data directory is touched, so that a mistake
    // in it does not leave a directory the next try needs --force for.
    let config = match given {
        Some(path) => {
            let config = Config::load(&path)?;
            prepare_data_dir(&data_dir, args.force)?;
            config
        }
        None => {
            prepare_data_dir(&data_dir, args.force)?;
            let path = EXAMPLE.write_all(&data_dir.join(EXAMPLE_DIR))?;
            eprintln!(
                "demo: no {CONFIG_FILE} here, so the built-in example, written to {} \
                 (`hashtrack init` writes a config of your own)",
                path.display()
            );
            Config::load(&path)?
        }
    };
    let first_day = SimConfig::default().start_date;
    let run = SimulatedCampaigns::start(config, SimConfig::default(), &data_dir).await?;
    let config = run.config.clone();
    // What `report` and `alerts` need to read this demo's data again.
    let data_args = if config.path == Path::new(CONFIG_FILE) {
        format!("--data-dir {}", data_dir.display())
    } else {
        format!(
            "--data-dir {} --config {}",
            data_dir.display(),
            config.path.display()
        )
    };
    eprintln!(
        "demo: {} campaigns, {} days from {first_day}, simulated API at {}, data in {}",
        config.campaigns.len(),
        args.days,
        run.sim.base_url(),
        data_dir.display()
    );
    let delivery_config = demo_delivery_config(&config, &data_dir);
    let mut delivered = DeliveryReport::default();
    let bar = progress_bar(true, u64::from(args.days), "days");
    let mut credits = 0;
    let mut incomplete = Vec::new();
    for offset in 0..args.days {
        let date = first_day + Days::new(u64::from(offset));
        let summary = run.run_day(date).await?;
        credits += summary.credits_spent;
        if summary.spending_stopped.is_some()
            || !summary.campaigns.iter().all(|c| c.missing.is_empty())
        {
            incomplete.push(describe_run(&summary));
        }
        // As a daily cron run would: the day's alerts go out after its collection.
        let report = deliver_pending(&run.store, &delivery_config).await?;
        delivered.messages_sent += report.messages_sent;
        delivered.alerts_sent += report.alerts_sent;
        bar.set_message(format!("{date}: {} credits", summary.credits_spent));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let stats = run.sim.stats();
    let store = run.store.clone();
    run.sim.shutdown().await;

    for days in [7, 30] {
        let period = PeriodChoice::Last { days, to: None };
        // Text reports quote no comments: none are read for them.
        let reports = campaign_reports(&config, store.as_ref(), &[], period, false)?;
        // The demo's user is the agency: its copy, with what monitoring cost.
        println!(
            "{}",
            render(&reports, ReportFormat::Text, Audience::Internal)
        );
    }
    for text in &incomplete {
        eprint!("{text}");
    }
    for sink in delivery_config.sinks.values() {
        if let SinkKind::File { dir } = &sink.kind {
            eprintln!(
                "alerts: {} message(s) ({} alert(s)) delivered to the sink '{}', one JSON file each in {} \
                 (`hashtrack alerts {data_args}` lists them)",
                delivered.messages_sent,
                delivered.alerts_sent,
                sink.name,
                dir.display(),
            );
        }
    }
    let campaign_days = config.campaigns.len() as f64 * f64::from(args.days);
    eprintln!(
        "demo done in {:.1}s: {credits} credits over {} campaign-days ({:.1} per campaign-day), {} HTTP requests to the simulator. \
         Reports again: hashtrack report {data_args} [--days 30] [--format json|csv]",
        started.elapsed().as_secs_f64(),
        campaign_days,
        f64::from(credits) / campaign_days,
        stats.requests,
    );
    if let Some(client) = config.clients.keys().next() {
        eprintln!(
            "A report to send a client: hashtrack report {data_args} --client {client} --format html --out {client}.html"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The config the demo delivers with: its simulated alerts must never reach a real Slack
/// channel or mailbox, so only `file` sinks are kept, writing into the demo's data directory.
fn demo_delivery_config(config: &Config, data_dir: &Path) -> Config {
    let mut demo = config.clone();
    demo.sinks
        .retain(|_, sink| matches!(sink.kind, SinkKind::File { .. }));
    for (name, sink) in demo.sinks.iter_mut() {
        sink.kind = SinkKind::File {
            dir: data_dir.join("inbox").join(name),
        };
    }
    demo
}

/// Makes `dir` ready for a demo: created, found empty, or an earlier demo's emptied (`force`).
/// A directory holding anything else is never touched, with or without `force`.
fn prepare_data_dir(dir: &Path, force: bool) -> Result<()> {
    if dir.join(DEMO_MARKER).is_file() {
        anyhow::ensure!(
            force,
            "{} holds an earlier demo's data: pass --force to replace it, or --data-dir DIR to \
             write elsewhere",
            dir.display()
        );
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        for entry in entries {
            let entry = entry?;
            // The plugin cache is kept: it holds no data, and only makes the start faster.
            if entry.file_name() == PLUGIN_CACHE_DIR {
                continue;
            }
            let path = entry.path();
            let removed = if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.with_context(|| format!("cannot remove {}", path.display()))?;
        }
    } else if dir.exists() {
        let empty = dir.is_dir() && dir.read_dir()?.next().is_none();
        anyhow::ensure!(
            empty,
            "{} exists and was not made by the demo, which leaves it alone (even with --force): \
             pass --data-dir DIR to choose another directory",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(
        dir.join(DEMO_MARKER),
        "made by `hashtrack demo`; safe to delete\n",
    )?;
    Ok(())
}
