//! `hashtrack simulate`: the simulated API as a standalone server.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::NaiveDate;

use hashtrack_sim::{SimConfig, SimServer};

#[derive(clap::Args)]
pub struct SimulateArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Seed of the simulated world: the same seed and date give the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Requests allowed per rate-limit window (the provider allows 5 or 10 a minute).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub rate_limit: u32,
    /// Length of the rate-limit window in seconds.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub rate_window: u64,
    /// Credit balance; requests get 402 once it is spent.
    #[arg(long, default_value_t = 10_000)]
    pub credits: u64,
    /// The only bearer key accepted (default: any non-empty key).
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Day 1 of every simulated campaign; also the served date until changed with
    /// `POST /_sim/date {"date":"YYYY-MM-DD"}`.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub start_date: Option<NaiveDate>,
    /// Serve hostile text in valid answers (overlong handles, formulas, control characters,
    /// Slack markup), now and then an item with a bad counter, and a first answer asking for
    /// an hour's wait: for testing what reads it.
    #[arg(long)]
    pub hostile: bool,
}

pub async fn simulate(args: SimulateArgs) -> Result<ExitCode> {
    let defaults = SimConfig::default();
    let config = SimConfig {
        seed: args.seed,
        requests_per_window: args.rate_limit,
        window: Duration::from_secs(args.rate_window.max(1)),
        credits: args.credits,
        api_key: args.key,
        start_date: args.start_date.unwrap_or(defaults.start_date),
        hostile: args.hostile,
        ..defaults
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let server = SimServer::start(listener, config).await?;
    let base = server.base_url();
    println!("{base}");
    eprintln!(
        "simulated API serving {}; Ctrl-C stops it.\n\
         Next day: curl -X POST {base}/_sim/date -d '{{\"date\":\"YYYY-MM-DD\"}}', then\n\
         hashtrack run --api-base {base} --date YYYY-MM-DD --allow-other-date\n\
         (any non-empty key in the key variable). The truth to compare with: GET {base}/_sim/truth?hashtag=NAME&date=YYYY-MM-DD",
        server.date()
    );
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    server.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
