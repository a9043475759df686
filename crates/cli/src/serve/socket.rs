//! The local socket `serve` answers in its data directory (`serve.sock`, mode 0600): a command
//! that reads the store while the service holds it asks the service there: `report`,
//! `export`, `alerts` (and `alerts send`), `store backup` and `store check` do. The question is the command line itself and the directory it was typed in,
//! parsed by the service as the command would parse it; the answer is text: the report (the
//! command writes it, to stdout or `--out`, and prints a PDF itself), or what the export
//! wrote (the service writes its files, a relative `--out` taken from that directory).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Parser;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use hashtrack::config::Config;
use hashtrack::store::Store;

use crate::alerts::alerts_answer;
use crate::export::export_from;
use crate::report::report_text;
use crate::store::{StoreArgs, StoreCommand, backup_held, check_held};
use crate::{Cli, Command};

/// The socket's file in the data directory.
pub const SOCKET: &str = "serve.sock";

#[derive(Serialize, Deserialize)]
struct Question {
    argv: Vec<String>,
    cwd: PathBuf,
}

#[derive(Serialize, Deserialize)]
enum Answer {
    Text(String),
    /// What the command prints, and the exit code it ends with (`store check` finding damage,
    /// `alerts send` leaving something undelivered).
    Exit(String, u8),
    Error(String),
}

/// Whether a service answers in `data_dir` (a socket left by one that died does not).
pub fn running(data_dir: &Path) -> bool {
    UnixStream::connect(data_dir.join(SOCKET)).is_ok()
}

/// The service's answer to this command line (an error if it ended the command with a
/// failure).
pub fn ask(data_dir: &Path) -> Result<String> {
    match ask_with_code(data_dir)? {
        (text, 0) => Ok(text),
        (text, _) => bail!("{}", text.trim_end()),
    }
}

/// The service's answer to this command line, and the exit code the command ends with.
pub fn ask_with_code(data_dir: &Path) -> Result<(String, u8)> {
    let path = data_dir.join(SOCKET);
    let mut stream = UnixStream::connect(&path)
        .with_context(|| format!("cannot reach the service at {}", path.display()))?;
    let question = Question {
        argv: std::env::args().collect(),
        cwd: std::env::current_dir().context("cannot tell the current directory")?,
    };
    stream.write_all(&serde_json::to_vec(&question)?)?;
    stream.shutdown(std::net::Shutdown::Write)?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    match serde_json::from_slice(&reply)
        .with_context(|| format!("the service at {} answered nothing usable", path.display()))?
    {
        Answer::Text(text) => Ok((text, 0)),
        Answer::Exit(text, code) => Ok((text, code)),
        Answer::Error(error) => bail!("{error}"),
    }
}

/// Binds the socket in `data_dir`, replacing one a dead service left.
pub fn bind(data_dir: &Path) -> Result<tokio::net::UnixListener> {
    use std::os::unix::fs::PermissionsExt;
    let path = data_dir.join(SOCKET);
    if path.exists() && !running(data_dir) {
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    let listener = tokio::net::UnixListener::bind(&path)
        .with_context(|| format!("cannot listen on {}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot restrict {}", path.display()))?;
    Ok(listener)
}

/// Answers questions until the process ends.
pub async fn answer(
    listener: tokio::net::UnixListener,
    config: Arc<Config>,
    store: Arc<Store>,
    data_dir: PathBuf,
) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let (config, store, data_dir) = (config.clone(), store.clone(), data_dir.clone());
        tokio::spawn(async move {
            let mut question = Vec::new();
            if stream.read_to_end(&mut question).await.is_err() {
                return;
            }
            let answer =
                tokio::task::spawn_blocking(move || respond(&question, &config, &store, &data_dir))
                    .await
                    .unwrap_or_else(|e| {
                        Answer::Error(format!("the service failed to answer: {e}"))
                    });
            let reply = serde_json::to_vec(&answer).expect("answers serialise");
            let _ = stream.write_all(&reply).await;
        });
    }
}

fn respond(question: &[u8], config: &Config, store: &Store, data_dir: &Path) -> Answer {
    let question: Question = match serde_json::from_slice(question) {
        Ok(question) => question,
        Err(e) => return Answer::Error(format!("not a question: {e}")),
    };
    match Cli::try_parse_from(&question.argv) {
        Ok(Cli {
            command: Command::Report(args),
            ..
        }) => reply(report_text(&args, config, store)),
        Ok(Cli {
            command: Command::Export(mut args),
            ..
        }) => {
            args.out = question.cwd.join(&args.out);
            reply(export_from(&args, config, store))
        }
        Ok(Cli {
            command:
                Command::Store(StoreArgs {
                    command: StoreCommand::Backup { dir, .. },
                }),
            ..
        }) => reply(backup_held(store, data_dir, &question.cwd.join(dir))),
        Ok(Cli {
            command:
                Command::Store(StoreArgs {
                    command: StoreCommand::Check { .. },
                }),
            ..
        }) => match check_held(store, &data_dir.join("store")) {
            Ok((text, code)) => Answer::Exit(text, code),
            Err(e) => Answer::Error(format!("{e:#}")),
        },
        Ok(Cli {
            command: Command::Alerts(args),
            ..
        }) => match tokio::runtime::Handle::current().block_on(alerts_answer(&args, config, store))
        {
            Ok((text, code)) => Answer::Exit(text, code),
            Err(e) => Answer::Error(format!("{e:#}")),
        },
        Ok(_) => Answer::Error(
            "the service answers `report`, `export`, `alerts`, `store backup` and `store check` only"
                .to_string(),
        ),
        Err(e) => Answer::Error(e.to_string()),
    }
}

fn reply(result: Result<String>) -> Answer {
    match result {
        Ok(text) => Answer::Text(text),
        Err(e) => Answer::Error(format!("{e:#}")),
    }
}
