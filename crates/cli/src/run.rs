//! `hashtrack run` (one day from the API, each client's campaigns with its key), `run --plan`
//! (what the day will take per key, nothing spent) and `hashtrack rescore` (stored days, no
//! API).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};

use hashtrack::api::{ApiClient, ApiKey, RetryPolicy};
use hashtrack::config::{ApiAccount, CampaignConfig, Config};
use hashtrack::pipeline::{
    COMMENT_NEED_DAYS, CampaignRun, CampaignStatus, KeyPlan, LoadedPlugins, Pipeline, RunSummary,
    StopSwitch, plan_day,
};

use hashtrack::store::{DayMirror, DayReader};

use super::alerts::{deliver_after_run, say_what_waits};
use super::{
    ConfigArgs, EXIT_INCOMPLETE, EXIT_UNDELIVERED, PLUGIN_CACHE_DIR, describe_run, open_pipeline,
    plugin_host, run_exit_code, today,
};

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
    /// Print one JSON object (date, credits_spent, requests, campaigns, keys) on stdout.
    #[arg(long)]
    pub json: bool,
    /// Print what the day will take per API key (campaigns, requests, credits, budgets,
    /// minutes at the key's rate) from the config alone, and spend nothing. Needs no key.
    #[arg(long, conflicts_with_all = ["date", "allow_other_date", "api_base"])]
    pub plan: bool,
    /// Run even when a sink's variables are unset: its alerts are stored and wait for
    /// `hashtrack alerts send` (exit 3 if any are left undelivered).
    #[arg(long)]
    pub allow_undelivered: bool,
}

pub async fn run(args: RunArgs) -> Result<ExitCode> {
    let mut config = args.config.load()?;
    if args.plan {
        return print_plan(
            &config,
            &args.config.data_dir(&config),
            &args.campaigns,
            args.json,
        );
    }
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
    if date != today && !args.allow_other_date {
        // Only days stored before can be recomputed; the store is not even opened otherwise,
        // so a mistyped date changes nothing.
        let mirror = DayMirror::beside(&data_dir.join("store"));
        let stored: Vec<String> = selected(&config, &args.campaigns)?
            .into_iter()
            .filter(|c| mirror.days(&c.id, date, date).is_ok_and(|d| !d.is_empty()))
            .map(|c| c.id)
            .collect();
        if stored.is_empty() {
            bail!(
                "nothing is stored for {date}, and a past day cannot be fetched: the API only \
                 has today's ({today}) data. Nothing was changed and no credit was spent. (For \
                 simulators and tests, --allow-other-date files today's data under {date}.)"
            );
        }
        eprintln!(
            "note: {date} is not today ({today}): recomputing its stored days from the store \
             only, 0 credits ({}). The API answers with today's data whatever the date; pass \
             --allow-other-date to collect it for {date} anyway (marked \"collected on {today} \
             for {date}\").",
            stored.join(", ")
        );
        let config = Arc::new(config);
        let (pipeline, store) = open_pipeline(config.clone(), &data_dir, Vec::new())?;
        pipeline.check_plugins(&stored)?;
        let summary = collect(&pipeline, date, &stored, !args.json).await?;
        let code = print_summary(&summary, args.json)?;
        let delivered = deliver_after_run(&store, &config).await;
        return Ok(if code == ExitCode::SUCCESS && !delivered {
            ExitCode::from(EXIT_UNDELIVERED)
        } else {
            code
        });
    }
    let apis = api_clients(&config, &selected(&config, &args.campaigns)?)?;
    let config = Arc::new(config);
    let (pipeline, store) = open_pipeline(config.clone(), &data_dir, apis)?;
    pipeline.check_plugins(&args.campaigns)?;
    refuse_undeliverable(&config, &args.campaigns, args.allow_undelivered)?;
    let signalled = stop_on_signals(pipeline.stop_switch())?;
    let summary = collect(&pipeline, date, &args.campaigns, !args.json).await?;
    let code = print_summary(&summary, args.json)?;
    // After collection, and only if not stopped: a stopped run ends quickly.
    if signalled.load(Ordering::SeqCst) != 0 {
        return Ok(ExitCode::from(signalled.load(Ordering::SeqCst)));
    }
    let delivered = deliver_after_run(&store, &config).await;
    Ok(if code == ExitCode::SUCCESS && !delivered {
        ExitCode::from(EXIT_UNDELIVERED)
    } else {
        code
    })
}

/// Stops before anything is spent when a sink the campaigns send to lacks its variables,
/// unless `allowed` (`--allow-undelivered`).
pub(crate) fn refuse_undeliverable(config: &Config, ids: &[String], allowed: bool) -> Result<()> {
    let unset = config.unset_sink_variables(&selected(config, ids)?);
    if unset.is_empty() {
        return Ok(());
    }
    if allowed {
        for problem in &unset {
            eprintln!("warning: {problem}");
        }
        return Ok(());
    }
    bail!(
        "alerts could not be delivered, nothing was spent:{}\nset the variables, or pass \
         --allow-undelivered to store the alerts for a later `hashtrack alerts send`",
        unset.iter().map(|p| format!("\n  {p}")).collect::<String>()
    )
}

/// How long a stopped run may take to let the requests on the wire finish and store its days.
const STOP_GRACE: Duration = Duration::from_secs(30);

/// On SIGINT or SIGTERM: no new request starts, those on the wire finish and are stored, and
/// the run ends with its summary and exit code 130 or 143 (within [`STOP_GRACE`]). A second
/// signal ends the process at once. Returns the exit code chosen (0 while none came).
pub(crate) fn stop_on_signals(switch: StopSwitch) -> Result<Arc<AtomicU8>> {
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
                super::say(&format!("{name} again: stopping now"));
                std::process::exit(i32::from(code));
            }
            super::say(&format!(
                "{name}: no new requests; the ones on the wire finish and are stored (at most {} s; \
                 a second signal stops at once). Re-run the same date to resume.",
                STOP_GRACE.as_secs()
            ));
            switch.stop(format!("stopped by {name}"));
            tokio::spawn(async move {
                tokio::time::sleep(STOP_GRACE).await;
                super::say(&format!(
                    "still busy {} s after {name}: stopping now",
                    STOP_GRACE.as_secs()
                ));
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

/// The campaigns `ids` names (all when empty).
fn selected(config: &Config, ids: &[String]) -> Result<Vec<CampaignConfig>> {
    if ids.is_empty() {
        return Ok(config.campaigns.clone());
    }
    ids.iter()
        .map(|id| {
            config
                .campaign(id)
                .cloned()
                .with_context(|| format!("unknown campaign '{id}' (not in the configuration)"))
        })
        .collect()
}

/// A client for each key `campaigns` are paid with, its key read from the variable its
/// clients name. Every missing variable is named at once, with the clients that need it.
pub(crate) fn api_clients(config: &Config, campaigns: &[CampaignConfig]) -> Result<Vec<ApiClient>> {
    let mut apis = Vec::new();
    let mut missing = Vec::new();
    for account in config.accounts_of(campaigns) {
        match std::env::var(&account.key_env) {
            Ok(key) if !key.trim().is_empty() => apis.push(api_client(
                config,
                &account,
                ApiKey::new(key.trim()),
                RetryPolicy::default(),
            )?),
            _ => {
                let clients: Vec<&str> = config
                    .clients
                    .values()
                    .filter(|c| c.account.key_env == account.key_env)
                    .map(|c| c.id.as_str())
                    .collect();
                missing.push(format!(
                    "{} (clients: {})",
                    account.key_env,
                    clients.join(", ")
                ));
            }
        }
    }
    if !missing.is_empty() {
        bail!(
            "no API key: set the environment variable(s) {} (named by api_key_env in {}); \
             nothing was spent. `hashtrack run --plan` shows what each key would pay for; to \
             try hashtrack without a key, run `hashtrack demo`",
            missing.join("; "),
            config.path.display()
        );
    }
    Ok(apis)
}

/// Builds the API client of one key for the configured provider, paced at the key's plan.
pub fn api_client(
    config: &Config,
    account: &ApiAccount,
    key: ApiKey,
    retry: RetryPolicy,
) -> Result<ApiClient> {
    let s = &config.settings;
    ApiClient::new(
        &s.api_base_url,
        key,
        &account.key_env,
        account.requests_per_minute,
        s.request_timeout,
        retry,
    )
    .context("cannot build the HTTP client")
}

/// `run --plan`: per key, what the day will take, and what each campaign's new comments asked of
/// comment pages on its recent stored days (from the day copies beside the store, so a run in
/// progress does not block it); spends nothing and reads no key.
fn print_plan(config: &Config, data_dir: &Path, ids: &[String], json: bool) -> Result<ExitCode> {
    let selected = selected(config, ids)?;
    let mirror = DayMirror::beside(&data_dir.join("store"));
    let mut recent = BTreeMap::new();
    for campaign in if selected.is_empty() {
        &config.campaigns
    } else {
        &selected
    } {
        if let Some((_, last)) = mirror.date_range(&campaign.id)? {
            let from = last - chrono::Days::new(COMMENT_NEED_DAYS as u64);
            recent.insert(campaign.id.clone(), mirror.days(&campaign.id, from, last)?);
        }
    }
    let plan = plan_day(config, &selected, &recent);
    if json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
    } else {
        let key_is_set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        print!("{}", describe_plan(config, &plan, &key_is_set));
    }
    // What `run` would stop on, found now: plugins refusing their settings, a data directory
    // it cannot write; and, as a warning, sinks whose alerts could not be delivered.
    let campaigns = if selected.is_empty() {
        config.campaigns.clone()
    } else {
        selected
    };
    let mut problems: Vec<String> =
        match LoadedPlugins::load(config, &plugin_host(data_dir.join(PLUGIN_CACHE_DIR))?)
            .check(&campaigns)
        {
            Ok(()) => Vec::new(),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        };
    if let Err(e) = writable(data_dir) {
        problems.push(e);
    }
    for warning in config.unset_sink_variables(&campaigns) {
        eprintln!("warning: {warning}");
    }
    for problem in &problems {
        eprintln!("PROBLEM: {problem}");
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} problem(s): `run` would stop before spending",
            problems.len()
        );
        ExitCode::FAILURE
    })
}

/// Whether a run could write in `data_dir` (made if missing), in words if not.
fn writable(data_dir: &Path) -> std::result::Result<(), String> {
    std::fs::create_dir_all(data_dir)
        .and_then(|()| tempfile::tempfile_in(data_dir).map(drop))
        .map_err(|e| {
            format!(
                "the data directory {} is not writable: {e}",
                data_dir.display()
            )
        })
}

/// The plan as tables, one per key, for people.
fn describe_plan(config: &Config, plan: &[KeyPlan], key_is_set: &dyn Fn(&str) -> bool) -> String {
    let price = config.settings.price_per_credit_usd;
    let mut out = format!(
        "Plan for one day of {}: an estimate from the configuration and the days stored so far; \
         nothing spent.\n1 credit per request (${price} each); a request campaigns on one key \
         share is paid once; keys run at once, each at its own rate.\n",
        config.path.display()
    );
    for key in plan {
        out.push_str(&format!(
            "\n${} ({}), {} requests/min\n",
            key.key_env,
            if key_is_set(&key.key_env) {
                "set"
            } else {
                "not set"
            },
            key.requests_per_minute
        ));
        out.push_str(&format!(
            "  {:<24} {:<12} {:>7} {:>5} {:>8} {:>7} {:>8}  {}\n",
            "campaign", "client", "totals", "feed", "comments", "compare", "requests", "budget"
        ));
        let mut needs = String::new();
        for c in &key.campaigns {
            let budget = match (c.budget, c.client_budget) {
                (None, None) => "-".to_string(),
                (Some(own), None) => format!("{own} campaign"),
                (None, Some(client)) => format!("{client} client"),
                (Some(own), Some(client)) => format!("{own} campaign, {client} client"),
            };
            out.push_str(&format!(
                "  {:<24} {:<12} {:>7} {:>5} {:>8} {:>7} {:>8}  {budget}\n",
                c.id,
                c.client,
                c.hashtags,
                c.feed_pages,
                c.comment_pages,
                c.competitors,
                c.requests
            ));
            if let Some(need) = c.comment_need {
                let verdict = if need.pages_per_day > c.comment_pages {
                    format!(
                        "raise sentiment_videos or comments_per_video to buy {} more a day \
                         (${:.2})",
                        need.pages_per_day - c.comment_pages,
                        f64::from(need.pages_per_day - c.comment_pages) * price
                    )
                } else {
                    "the configured pages cover them".to_string()
                };
                needs.push_str(&format!(
                    "  {}: about {} new comments a day on its tracked videos ({}-day average) \
                     need {} comment pages a day = {} credits (${:.2}); it buys {}: {verdict}\n",
                    c.id,
                    need.new_comments_per_day,
                    need.days,
                    need.pages_per_day,
                    need.pages_per_day,
                    f64::from(need.pages_per_day) * price,
                    c.comment_pages
                ));
            }
        }
        out.push_str(&needs);
        let capped = if key.credits_at_most < key.requests {
            format!(", at most {} under budgets", key.credits_at_most)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  day: {} requests = {} credits (${:.2}){capped}; about {} at {}/min\n",
            key.requests,
            key.requests,
            f64::from(key.requests) * price,
            minutes(key.duration),
            key.requests_per_minute
        ));
    }
    if plan.len() < 2 {
        return out;
    }
    let slowest = plan.iter().map(|k| k.duration).max().unwrap_or_default();
    let credits: u32 = plan.iter().map(|k| k.credits_at_most).sum();
    out.push_str(&format!(
        "\nAll {} keys: at most {credits} credits (${:.2}); about {} (the slowest key).\n",
        plan.len(),
        f64::from(credits) * price,
        minutes(slowest)
    ));
    out
}

/// `12m05s`.
fn minutes(d: Duration) -> String {
    format!("{}m{:02}s", d.as_secs() / 60, d.as_secs() % 60)
}

/// How often a run not watched on a terminal logs its progress.
const PROGRESS_LOG_EVERY: Duration = Duration::from_secs(60);
/// How often the bar on a terminal is redrawn.
const PROGRESS_REDRAW_EVERY: Duration = Duration::from_millis(250);

/// One date of the given campaigns. With `progress`, stderr shows requests done and planned,
/// credits, the ETA (its slowest key's, each at its own rate), per key what is left or where
/// it stopped, and the campaign being worked on: a bar on a terminal, a line a minute
/// otherwise (a cron log).
pub async fn collect(
    pipeline: &Pipeline,
    date: NaiveDate,
    campaigns: &[String],
    progress: bool,
) -> Result<RunSummary> {
    let on_terminal = std::io::stderr().is_terminal();
    let bar = progress_bar(progress && on_terminal, 0, &format!("{date}"));
    let shown = pipeline.progress();
    let started = std::time::Instant::now();
    let ticker_bar = bar.clone();
    let told_to_wait = pipeline.told_to_wait();
    let ticker = tokio::spawn(async move {
        let mut last_log = std::time::Instant::now();
        loop {
            tokio::time::sleep(PROGRESS_REDRAW_EVERY).await;
            let now = shown.snapshot();
            let waits = told_to_wait();
            let keys: Vec<String> = now
                .keys
                .iter()
                .map(|k| match (&k.stopped, waits.get(&k.key_env)) {
                    (Some(_), _) => format!("${} STOPPED after {} credits", k.key_env, k.credits),
                    (None, Some(wait)) => format!(
                        "${} waiting: rate limit, {} s ({} credits so far)",
                        k.key_env,
                        wait.as_secs().max(1),
                        k.credits
                    ),
                    (None, None) => format!(
                        "${} {}/min: {} credits, {} left",
                        k.key_env,
                        k.requests_per_minute,
                        k.credits,
                        k.planned.saturating_sub(k.done)
                    ),
                })
                .collect();
            let line = format!(
                "{date} {}: {} credits, ETA {} ({})",
                now.campaign,
                now.credits,
                minutes(
                    Duration::from_secs(now.eta_secs())
                        .max(waits.values().max().copied().unwrap_or_default())
                ),
                keys.join("; ")
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
    /// Deliver the alerts the re-scoring raises to the sinks. Without it they are stored and
    /// nothing is sent: trying a new plugin on past days messages no client.
    #[arg(long)]
    pub deliver: bool,
}

pub async fn rescore(args: RescoreArgs) -> Result<ExitCode> {
    let config = Arc::new(args.config.load()?);
    let data_dir = args.config.data_dir(&config);
    let to = args.to.unwrap_or_else(|| today(&config));
    let from = args.from.unwrap_or(to);
    if from > to {
        bail!("--from {from} is after --to {to}");
    }
    let (pipeline, store) = open_pipeline(config.clone(), &data_dir, Vec::new())?;
    pipeline.check_plugins(&args.campaigns)?;
    if args.deliver {
        refuse_undeliverable(&config, &args.campaigns, false)?;
    }
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
    let delivered = if args.deliver {
        deliver_after_run(&store, &config).await
    } else {
        say_what_waits(&store, &config);
        true
    };
    // A day that could not be scored or evaluated is not re-scored: say so to cron.
    let rescored = summaries.iter().all(|s| {
        s.campaigns
            .iter()
            .all(|c| c.status == CampaignStatus::Complete)
    });
    Ok(match (rescored, delivered) {
        (false, _) => ExitCode::from(EXIT_INCOMPLETE),
        (true, false) => ExitCode::from(EXIT_UNDELIVERED),
        (true, true) => ExitCode::SUCCESS,
    })
}
