//! `hashtrack alerts [send]` and `hashtrack sinks test NAME`: the outbox as people see it,
//! and delivery by hand. Also the delivery pass `run`, `rescore` and `demo` make after
//! collecting.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Result, bail};
use clap::Subcommand;

use hashtrack::alerts::deliver::{deliver_pending, pending_messages};
use hashtrack::alerts::message::{Item, Message};
use hashtrack::alerts::outbox::{DeliveryState, KeyFigures, OutboxEntry};
use hashtrack::alerts::sinks::Transports;
use hashtrack::config::Config;
use hashtrack::domain::Severity;
use hashtrack::store::Store;

use super::{ConfigArgs, EXIT_UNDELIVERED, open_store};

#[derive(clap::Args)]
pub struct AlertsArgs {
    #[command(subcommand)]
    command: Option<AlertsCommand>,
    /// Only alerts some sink has not settled yet (not sent, or waiting to retry).
    #[arg(long)]
    pending: bool,
    /// Only this client's campaigns.
    #[arg(long, value_name = "ID")]
    client: Option<String>,
    /// Only these campaigns (repeatable).
    #[arg(long = "campaign", value_name = "ID")]
    campaigns: Vec<String>,
    /// Only alerts of days from this date on.
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<chrono::NaiveDate>,
    /// Only alerts of days up to this date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: Option<chrono::NaiveDate>,
    /// One JSON array of the outbox records.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(Subcommand)]
enum AlertsCommand {
    /// Deliver what is pending now (what `run` does after collecting): retries what failed
    /// for a reason that may pass. Exit 1 if something is still undelivered.
    Send {
        /// Show what would be sent where, and send (and store) nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

#[derive(clap::Args)]
pub struct SinksArgs {
    #[command(subcommand)]
    command: SinksCommand,
}

#[derive(Subcommand)]
enum SinksCommand {
    /// List the configured sinks: kind, what they receive, which campaigns send to them and
    /// whether their variables are set (never their values).
    List {
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Send a test message to one sink, to check its URL, secret or SMTP settings.
    Test {
        /// The sink, by its name in `[sinks.NAME]`.
        name: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

pub async fn alerts(args: AlertsArgs) -> Result<ExitCode> {
    let paths = match &args.command {
        Some(AlertsCommand::Send { config, .. }) => config,
        None => &args.config,
    };
    let config = paths.load()?;
    let data_dir = paths.data_dir(&config);
    let store = match open_store(&data_dir, &config) {
        Ok(store) => store,
        // `serve` holds the store: it answers.
        Err(e) if is_locked(&e) && super::serve::socket::running(&data_dir) => {
            let (text, code) = super::serve::socket::ask_with_code(&data_dir)?;
            print!("{text}");
            return Ok(ExitCode::from(code));
        }
        Err(e) => return Err(e),
    };
    let (text, code) = alerts_answer(&args, &config, &store).await?;
    print!("{text}");
    Ok(ExitCode::from(code))
}

fn is_locked(error: &anyhow::Error) -> bool {
    matches!(
        error.downcast_ref::<hashtrack::store::StoreError>(),
        Some(hashtrack::store::StoreError::Locked { .. })
    )
}

/// What `alerts` prints, and its exit code, from `store` (the command's own, or the one
/// `serve` holds when it answers for the command).
pub async fn alerts_answer(
    args: &AlertsArgs,
    config: &Config,
    store: &Store,
) -> Result<(String, u8)> {
    let mut out = String::new();
    let mut say = |line: String| {
        out.push_str(&line);
        out.push('\n');
    };
    if let Some(AlertsCommand::Send { dry_run, .. }) = &args.command {
        if *dry_run {
            let report = pending_messages(store, config)?;
            let sent = report.lines.len();
            report.lines.into_iter().for_each(&mut say);
            say(format!(
                "dry run: {sent} message(s) would be sent; nothing was sent"
            ));
            return Ok((out, 0));
        }
        let report = deliver_pending(store, config).await?;
        let settled = report.retrying + report.failed == 0;
        let summary = report.summary();
        report.lines.into_iter().for_each(&mut say);
        say(summary);
        return Ok((out, if settled { 0 } else { EXIT_UNDELIVERED }));
    }
    let mut entries: Vec<OutboxEntry> = store
        .outbox_entries()?
        .into_iter()
        .filter(|e| args.client.as_ref().is_none_or(|c| &e.client_id == c))
        .filter(|e| args.campaigns.is_empty() || args.campaigns.contains(&e.campaign_id))
        .filter(|e| args.from.is_none_or(|from| e.date >= from))
        .filter(|e| args.to.is_none_or(|to| e.date <= to))
        .filter(|e| !args.pending || is_pending(e, config))
        .collect();
    entries
        .sort_by(|a, b| (a.date, &a.campaign_id, &a.rule).cmp(&(b.date, &b.campaign_id, &b.rule)));
    if args.json {
        say(serde_json::to_string_pretty(&entries)?);
        return Ok((out, 0));
    }
    if entries.is_empty() {
        say(format!(
            "no alerts{}",
            if args.pending { " pending" } else { "" }
        ));
    }
    for entry in &entries {
        say(format!(
            "{} {} {} {:?}: {}{}",
            entry.date,
            entry.campaign_id,
            entry.alert().label(),
            entry.severity,
            entry.message,
            if entry.withdrawn_at.is_some() {
                " [withdrawn: a rescore no longer raised it, or its day was forgotten]"
            } else {
                ""
            }
        ));
        for line in delivery_lines(entry, config) {
            say(format!("    {line}"));
        }
    }
    Ok((out, 0))
}

/// Where the alert stands with each sink its campaign sends to.
fn delivery_lines(entry: &OutboxEntry, config: &Config) -> Vec<String> {
    let targets: Vec<String> = config
        .campaign(&entry.campaign_id)
        .map(|c| config.sinks_for(c).iter().map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    let mut lines = Vec::new();
    for name in targets.iter().chain(
        entry
            .deliveries
            .keys()
            .filter(|name| !targets.contains(name)),
    ) {
        let line = match entry.deliveries.get(name) {
            None => "pending".to_string(),
            Some(d) => {
                let when = chrono::DateTime::from_timestamp(d.at, 0)
                    .map_or_else(String::new, |t| t.format(" %Y-%m-%d %H:%M UTC").to_string());
                let state = match d.state {
                    DeliveryState::Sent => "sent".to_string(),
                    DeliveryState::Ongoing => "not sent: still ongoing (cooldown)".to_string(),
                    DeliveryState::BelowSeverity => {
                        "not sent: below the sink's min_severity".to_string()
                    }
                    DeliveryState::Retrying => {
                        format!("waiting to retry after {} attempt(s)", d.attempts)
                    }
                    DeliveryState::Failed => {
                        format!("FAILED for good after {} attempt(s)", d.attempts)
                    }
                    DeliveryState::Cancelled => {
                        "cancelled: withdrawn before it was sent".to_string()
                    }
                    DeliveryState::Expired => {
                        "not sent: older than a week when it could be delivered".to_string()
                    }
                };
                let error = d
                    .last_error
                    .as_ref()
                    .map_or_else(String::new, |e| format!(": {e}"));
                format!("{state}{when}{error}")
            }
        };
        lines.push(format!("{name}: {line}"));
    }
    if lines.is_empty() {
        lines.push("(no sinks: give its client `sinks = [...]` in campaigns.toml)".to_string());
    }
    lines
}

fn is_pending(entry: &OutboxEntry, config: &Config) -> bool {
    let Some(campaign) = config.campaign(&entry.campaign_id) else {
        return false;
    };
    config.sinks_for(campaign).iter().any(|sink| {
        entry
            .deliveries
            .get(&sink.name)
            .is_none_or(|d| !d.state.is_final())
    })
}

pub async fn sinks(args: SinksArgs) -> Result<ExitCode> {
    let (name, config) = match args.command {
        SinksCommand::List { config } => return list_sinks(&config.load()?),
        SinksCommand::Test { name, config } => (name, config),
    };
    let config = config.load()?;
    let Some(sink) = config.sinks.get(&name) else {
        let known = config.sinks.keys().cloned().collect::<Vec<_>>().join(", ");
        bail!(
            "no sink '{name}' in {} (known: {known})",
            config.path.display()
        );
    };
    let today = super::today(&config);
    let entry = OutboxEntry {
        campaign_id: "test".into(),
        client_id: "test".into(),
        date: today,
        rule: "test-message".into(),
        plugin: String::new(),
        severity: Severity::Info,
        message: format!("A test message from hashtrack to the sink '{name}'."),
        figures: KeyFigures::default(),
        drivers: Vec::new(),
        quotes: Vec::new(),
        raised_at: chrono::Utc::now().timestamp(),
        withdrawn_at: None,
        deliveries: Default::default(),
    };
    let message = Message {
        id: format!("test_{}", chrono::Utc::now().timestamp()),
        client_name: "hashtrack".into(),
        date: today,
        digest: false,
        items: vec![Item {
            entry: &entry,
            ongoing: false,
        }],
        report_url: None,
    };
    match Transports::new()
        .send(sink, &message, chrono::Utc::now().timestamp())
        .await
    {
        Ok(()) => {
            println!("sent a test message to '{name}' ({})", sink.kind.label());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!(
                "could not send to '{name}' ({}): {}",
                sink.kind.label(),
                e.reason()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The delivery pass after a run or rescore: never changes its exit code (delivery must not
/// fail collection); what is left undelivered waits in the outbox for the next pass.
/// After a rescore without `--deliver`: says what waits, sends nothing.
pub fn say_what_waits(store: &Store, config: &Config) {
    if config.sinks.is_empty() {
        return;
    }
    match pending_messages(store, config) {
        Ok(report) if !report.lines.is_empty() => eprintln!(
            "alerts: {} message(s) wait to be delivered, not sent by a rescore: \
             `hashtrack alerts send --dry-run` shows them, `hashtrack alerts send` (or \
             `rescore --deliver`) sends them",
            report.lines.len()
        ),
        Ok(_) => {}
        Err(e) => eprintln!("cannot tell which alerts wait to be delivered: {e}"),
    }
}

/// Delivers what is pending after a run; whether nothing was left undelivered.
pub async fn deliver_after_run(store: &Arc<Store>, config: &Config) -> bool {
    if config.sinks.is_empty() {
        return true;
    }
    match deliver_pending(store, config).await {
        Ok(report) => {
            for line in &report.lines {
                super::say(line);
            }
            if !report.is_empty() {
                super::say(&report.summary());
            }
            report.retrying + report.failed == 0
        }
        Err(e) => {
            super::say(&format!(
                "alerts were stored but not delivered ({e}); `hashtrack alerts send` retries"
            ));
            false
        }
    }
}

/// `sinks list`: one block per sink.
fn list_sinks(config: &Config) -> Result<ExitCode> {
    if config.sinks.is_empty() {
        println!("no sinks in {}", config.path.display());
        return Ok(ExitCode::SUCCESS);
    }
    for sink in config.sinks.values() {
        let campaigns: Vec<&str> = config
            .campaigns
            .iter()
            .filter(|c| config.sinks_for(c).iter().any(|s| s.name == sink.name))
            .map(|c| c.id.as_str())
            .collect();
        println!(
            "{} ({}): {} and above, {}, reminders after {} days",
            sink.name,
            sink.kind.label(),
            format!("{:?}", sink.min_severity).to_lowercase(),
            format!("{:?}", sink.mode).to_lowercase(),
            sink.cooldown_days
        );
        println!(
            "  campaigns: {}",
            if campaigns.is_empty() {
                "(none)".to_string()
            } else {
                campaigns.join(", ")
            }
        );
        for var in sink.kind.env_vars() {
            let set = std::env::var_os(var).is_some_and(|v| !v.is_empty());
            println!("  ${var}: {}", if set { "set" } else { "NOT SET" });
        }
    }
    Ok(ExitCode::SUCCESS)
}
