//! `hashtrack demo`: the whole daily job for N simulated days against the built-in simulated
//! API, then the 7- and 30-day reports. Needs no API key and no network.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::Days;

use hashtrack::alerts::deliver::{DeliveryReport, deliver_pending};
use hashtrack::config::{Config, SinkKind};
use hashtrack::report::{Audience, ReportFormat, render};
use hashtrack_sim::SimConfig;

use super::report::{PeriodChoice, campaign_reports};
use super::run::progress_bar;
use super::simulated::SimulatedCampaigns;
use super::{ConfigArgs, describe_run};

/// Marks a data directory the demo created, so a re-run may start it afresh.
const DEMO_MARKER: &str = ".hashtrack-demo";

#[derive(clap::Args)]
pub struct DemoArgs {
    /// How many simulated days to run.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub days: u32,
    #[command(flatten)]
    pub config: ConfigArgs,
}

pub async fn demo(args: DemoArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let config = args.config.load()?;
    let data_dir = match &args.config.data_dir {
        Some(dir) => dir.clone(),
        None => fresh_demo_dir()?,
    };
    let first_day = SimConfig::default().start_date;
    let run = SimulatedCampaigns::start(config, SimConfig::default(), &data_dir).await?;
    let config = run.config.clone();
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
        let reports = campaign_reports(&config, store.as_ref(), &[], period)?;
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
                 (`hashtrack alerts --data-dir {}` lists them)",
                delivered.messages_sent,
                delivered.alerts_sent,
                sink.name,
                dir.display(),
                data_dir.display()
            );
        }
    }
    let campaign_days = config.campaigns.len() as f64 * f64::from(args.days);
    eprintln!(
        "demo done in {:.1}s: {credits} credits over {} campaign-days ({:.1} per campaign-day), {} HTTP requests to the simulator. \
         Reports again: hashtrack report --data-dir {} [--days 30] [--format json|csv]",
        started.elapsed().as_secs_f64(),
        campaign_days,
        f64::from(credits) / campaign_days,
        stats.requests,
        data_dir.display()
    );
    if let Some(client) = config.clients.keys().next() {
        eprintln!(
            "A report to send a client: hashtrack report --data-dir {} --client {client} --format html --out {client}.html",
            data_dir.display()
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

/// `./hashtrack-demo`, emptied if an earlier demo made it; refuses to touch anything else.
fn fresh_demo_dir() -> Result<PathBuf> {
    let dir = PathBuf::from("hashtrack-demo");
    if dir.exists() {
        anyhow::ensure!(
            dir.join(DEMO_MARKER).exists(),
            "{} exists but was not made by the demo; pass --data-dir to choose another directory",
            dir.display()
        );
        // The plugin cache is kept: it only makes the next start faster.
        for made in ["store", "inbox"] {
            let made = dir.join(made);
            if made.exists() {
                std::fs::remove_dir_all(&made)
                    .with_context(|| format!("cannot clear {}", made.display()))?;
            }
        }
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(
        dir.join(DEMO_MARKER),
        "made by `hashtrack demo`; safe to delete\n",
    )?;
    Ok(dir)
}
