//! `hashtrack evaluate`: the daily job against the simulator for several seeds, and what it
//! told an agency judged against the simulator's truth (`GET /_sim/truth`). The loop to improve
//! the product's signals against; the definitions of each figure are in `scorecard`.

use std::collections::HashSet;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{Days, NaiveDate};

use hashtrack::api::wire;
use hashtrack::config::{CampaignConfig, Config};
use hashtrack::scorecard::{CampaignEvidence, Scorecard, Summary, Thresholds, TruthDay, judge};
use hashtrack_sim::{SimConfig, default_quirks};

use super::ConfigArgs;
use super::simulated::SimulatedCampaigns;

/// The built-in alert rules' defaults (`plugins/alerts-default/src/settings.rs`), for
/// campaigns that leave a threshold unset.
const DEFAULT_THRESHOLDS: Thresholds = Thresholds {
    viral_day_views: 500_000.0,
    min_daily_views: 1_000.0,
    high_participation_videos: 50.0,
};
/// Each seed skips the runs of two consecutive days (a missed cron), from this campaign day on
/// (shifted by the seed), so gap handling is judged too.
const FIRST_SKIPPED_DAY: u64 = 9;
/// Each seed forces a stall on one single-hashtag campaign (the next one for the next seed),
/// from this campaign day on (shifted by the seed), so every seed has a stall to detect.
const FIRST_STALL_DAY: u64 = 13;

#[derive(clap::Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Simulated days per seed.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(10..=120))]
    pub days: u32,
    /// How many simulated worlds to run (seeds 1 to K).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub seeds: u32,
    /// Print the scorecard as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub async fn evaluate(args: EvaluateArgs) -> Result<ExitCode> {
    let config = args.config.load()?;
    let mut card = Scorecard {
        seeds: args.seeds,
        days: args.days,
        ..Scorecard::default()
    };
    for seed in 1..=u64::from(args.seeds) {
        eprintln!("evaluate: seed {seed} of {}", args.seeds);
        run_seed(&config, seed, args.days, &mut card).await?;
    }
    let summary = card.summary();
    if args.json {
        let out = serde_json::json!({"summary": summary, "scorecard": card});
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print!("{}", describe(&card, &summary, &config));
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_seed(config: &Config, seed: u64, days: u32, card: &mut Scorecard) -> Result<()> {
    let start = SimConfig::default().start_date;
    let date_of = |day: u64| start + Days::new(day - 1);
    let mut sim = SimConfig {
        seed,
        ..SimConfig::default()
    };
    let singles: Vec<&CampaignConfig> = config
        .campaigns
        .iter()
        .filter(|c| c.hashtags.len() == 1)
        .collect();
    if !singles.is_empty() {
        let stalled = singles[(seed as usize - 1) % singles.len()];
        let name = stalled.hashtags[0].to_lowercase();
        let mut quirks = default_quirks(&name, seed, start);
        quirks.stall_on = Some(date_of(FIRST_STALL_DAY + seed % 7));
        sim.quirks.insert(name, quirks);
    }
    let data_dir = tempfile::tempdir().context("cannot create a temporary data directory")?;
    let run = SimulatedCampaigns::start(config.clone(), sim, data_dir.path()).await?;
    let skipped = FIRST_SKIPPED_DAY + seed % 5;
    for day in 1..=u64::from(days) {
        if day == skipped || day == skipped + 1 {
            continue;
        }
        let summary = run.run_day(date_of(day)).await?;
        card.credits += u64::from(summary.credits_spent);
    }
    card.campaign_days += (days - 2) * config.campaigns.len() as u32;
    let last = date_of(u64::from(days));

    let client = reqwest::Client::new();
    for campaign in &config.campaigns {
        let mut truth = Vec::new();
        for hashtag in &campaign.hashtags {
            for day in 1..=u64::from(days) {
                truth.push(fetch_truth(&client, &run.sim.base_url(), hashtag, date_of(day)).await?);
            }
        }
        let stored = run.store.days(&campaign.id, start, last)?;
        card.campaigns.push(judge(&CampaignEvidence {
            campaign: &campaign.id,
            thresholds: thresholds(campaign),
            days: &stored,
            truth: &truth,
        }));
    }
    let (credits, distinct) = comment_yield(&run.store)?;
    card.comment_credits += credits;
    card.distinct_comments += distinct;
    run.sim.shutdown().await;
    Ok(())
}

async fn fetch_truth(
    client: &reqwest::Client,
    base: &str,
    hashtag: &str,
    date: NaiveDate,
) -> Result<TruthDay> {
    let url = format!("{base}/_sim/truth");
    let response = client
        .get(&url)
        .query(&[
            ("hashtag", hashtag.to_lowercase()),
            ("date", date.to_string()),
        ])
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    let status = response.status();
    let body = response.bytes().await?;
    anyhow::ensure!(
        status.is_success(),
        "{url} for #{hashtag} on {date}: HTTP {status}: {}",
        String::from_utf8_lossy(&body)
    );
    serde_json::from_slice(&body).with_context(|| format!("{url}: unexpected truth for #{hashtag}"))
}

/// Credits paid for comment pages, and the distinct comments they brought.
fn comment_yield(store: &hashtrack::store::Store) -> Result<(u64, u64)> {
    let mut credits = 0;
    let mut seen = HashSet::new();
    for entry in store.raw_entries() {
        let (key, snapshot) = entry?;
        if key.split('/').nth(1) != Some("comments") {
            continue;
        }
        credits += u64::from(snapshot.credits);
        if let Ok(page) = wire::parse_comment_page(snapshot.body.as_bytes()) {
            seen.extend(page.items.into_iter().map(|c| c.id));
        }
    }
    Ok((credits, seen.len() as u64))
}

fn thresholds(campaign: &CampaignConfig) -> Thresholds {
    let setting = |key: &str, default: f64| {
        campaign
            .alerts
            .settings
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.replace('_', "").parse().ok())
            .unwrap_or(default)
    };
    let d = DEFAULT_THRESHOLDS;
    Thresholds {
        viral_day_views: setting("viral-day-views", d.viral_day_views),
        min_daily_views: setting("min-daily-views", d.min_daily_views),
        high_participation_videos: setting(
            "high-participation-videos",
            d.high_participation_videos,
        ),
    }
}

fn describe(card: &Scorecard, s: &Summary, config: &Config) -> String {
    let percent = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{:.0}%", x * 100.0));
    let number = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{x:.2}"));
    let latencies = |l: &[Option<i64>]| {
        l.iter()
            .map(|l| l.map_or("missed".to_string(), |d| format!("{d}d")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let false_alerts = if s.false_alerts.is_empty() {
        "none".to_string()
    } else {
        s.false_alerts
            .iter()
            .map(|(rule, n)| format!("{rule} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "hashtrack evaluate: {} seeds x {} days of the {} campaigns in {} (each seed skips two \
         days' runs and stalls one campaign)\n\n",
        card.seeds,
        card.days,
        config.campaigns.len(),
        config.path.display()
    );
    let rows = [
        (
            "credits per campaign-day",
            number(s.credits_per_campaign_day),
        ),
        (
            "distinct comments per credit",
            format!(
                "{} ({} comments for {} comment credits)",
                number(s.distinct_comments_per_credit),
                card.distinct_comments,
                card.comment_credits
            ),
        ),
        (
            "growth: median error of new views/day",
            percent(s.growth_median_error),
        ),
        (
            "growth: days within 25% of the truth",
            percent(s.growth_days_within_25_percent),
        ),
        (
            "stalls caught within 1 day",
            format!(
                "{} of {} (latency: {})",
                s.stalls_detected_within_1_day,
                s.stalls,
                latencies(&s.stall_latencies)
            ),
        ),
        (
            "backlashes caught within 1 day",
            format!(
                "{} of {} (latency: {})",
                s.backlashes_detected_within_1_day,
                s.backlashes,
                latencies(&s.backlash_latencies)
            ),
        ),
        ("false alerts", false_alerts),
        ("missed viral days", s.missed_viral_days.to_string()),
    ];
    for (label, value) in rows {
        out.push_str(&format!("  {label:<40} {value}\n"));
    }
    out
}
