//! `hashtrack tokens new|list|revoke`: the access tokens of `serve`'s pages and data. A token
//! is printed once, when made; the data directory keeps only its hash (`hashtrack::tokens`).

use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};

use hashtrack::tokens::{Scope, TokenRecord, Tokens};

use super::ConfigArgs;

#[derive(clap::Args)]
pub struct TokensArgs {
    #[command(subcommand)]
    pub command: TokensCommand,
}

#[derive(clap::Subcommand)]
pub enum TokensCommand {
    /// Make a token and print it, once: for the agency's view (--agency) or one client's
    /// pages and data (--client ID). Only its hash is kept.
    New {
        #[command(flatten)]
        config: ConfigArgs,
        /// The agency's token: every client, the run, the alerts.
        #[arg(long, conflicts_with = "client", required_unless_present = "client")]
        agency: bool,
        /// A client's token (its id in campaigns.toml): that client's pages and data only.
        #[arg(long, value_name = "ID")]
        client: Option<String>,
        /// What it is for, shown by `tokens list` ("GlowCo marketing team").
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List the tokens: id, scope, label, when made and revoked (never the tokens).
    List {
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Revoke a token by its id (from `tokens list`): it opens nothing from then on.
    Revoke {
        #[command(flatten)]
        config: ConfigArgs,
        /// The token's id.
        id: String,
    },
}

pub fn tokens(args: TokensArgs) -> Result<ExitCode> {
    let (TokensCommand::New { config: at, .. }
    | TokensCommand::List { config: at }
    | TokensCommand::Revoke { config: at, .. }) = &args.command;
    let config = at.load()?;
    let data_dir = at.data_dir(&config);
    let mut tokens = Tokens::load(&data_dir)?;
    let now = Utc::now().timestamp();
    match &args.command {
        TokensCommand::New { client, label, .. } => {
            let scope = match client.clone() {
                None => Scope::Agency,
                Some(id) if config.clients.contains_key(&id) => Scope::Client(id),
                Some(id) => {
                    let known: Vec<&str> = config.clients.keys().map(String::as_str).collect();
                    bail!(
                        "no client '{id}' in {} (known: {})",
                        at.config.display(),
                        known.join(", ")
                    );
                }
            };
            let (token, record) = tokens.issue(scope, label, now);
            tokens.save(&data_dir)?;
            eprintln!(
                "token {} for {}: shown this once, only its hash is kept. Give it to whoever \
                 should read; `hashtrack tokens revoke {}` takes it back.",
                record.id,
                scope_name(&record),
                record.id
            );
            println!("{token}");
        }
        TokensCommand::List { .. } => {
            println!(
                "{:<12} {:<22} {:<20} {:<20} label",
                "id", "scope", "made", "revoked"
            );
            for record in tokens.records() {
                println!(
                    "{:<12} {:<22} {:<20} {:<20} {}",
                    record.id,
                    scope_name(record),
                    when(Some(record.created_at)),
                    when(record.revoked_at),
                    record.label
                );
            }
        }
        TokensCommand::Revoke { id, .. } => {
            let record = tokens.revoke(id, now)?.clone();
            tokens.save(&data_dir)?;
            eprintln!("revoked token {} ({})", record.id, scope_name(&record));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn scope_name(record: &TokenRecord) -> String {
    match &record.scope {
        Scope::Agency => "agency".to_string(),
        Scope::Client(id) => format!("client {id}"),
    }
}

fn when(seconds: Option<i64>) -> String {
    seconds
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .map_or_else(
            || "-".to_string(),
            |at| at.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
}
