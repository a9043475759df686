//! `hashtrack store backup|restore|check`: a consistent copy of the store while nothing runs,
//! putting one back (the store it replaces is kept aside, never deleted), and a check that
//! reads every entry without changing the store.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use hashtrack::store::{Store, StoreError};

use super::ConfigArgs;

#[derive(clap::Args)]
pub struct StoreArgs {
    #[command(subcommand)]
    pub command: StoreCommand,
}

#[derive(clap::Subcommand)]
pub enum StoreCommand {
    /// Copy the store (and its day copies) into DIR, which must not exist or be empty. Takes
    /// the store's lock, so it refuses while a run is going: the copy is consistent.
    Backup {
        #[command(flatten)]
        config: ConfigArgs,
        /// Where the copy goes.
        dir: PathBuf,
    },
    /// Put a backup made by `store backup` in place of the store. The store it replaces is
    /// moved aside to `store.replaced-TIMESTAMP` in the data directory, never deleted.
    Restore {
        #[command(flatten)]
        config: ConfigArgs,
        /// A directory made by `store backup`.
        dir: PathBuf,
    },
    /// Read every entry of the store and decode it, without changing the store (the check runs
    /// on a copy). Exits 1 if anything is damaged.
    Check {
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Remove one stored campaign-day (a day collected by mistake) so that reports no longer
    /// show it. Its alerts are withdrawn: deliveries not yet made are cancelled. The paid
    /// responses are kept, so re-running that date computes the day again for 0 credits.
    Forget {
        #[command(flatten)]
        config: ConfigArgs,
        /// The campaign, by its id in the config.
        #[arg(long, value_name = "ID")]
        campaign: String,
        /// The stored day to remove.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: chrono::NaiveDate,
    },
}

pub fn store(args: StoreArgs) -> Result<ExitCode> {
    match args.command {
        StoreCommand::Backup { config, dir } => backup(&data_dir(&config)?, &dir),
        StoreCommand::Restore { config, dir } => restore(&data_dir(&config)?, &dir),
        StoreCommand::Check { config } => check(&data_dir(&config)?),
        StoreCommand::Forget {
            config,
            campaign,
            date,
        } => forget(&config, &campaign, date),
    }
}

fn forget(args: &ConfigArgs, campaign: &str, date: chrono::NaiveDate) -> Result<ExitCode> {
    let config = args.load()?;
    if config.campaign(campaign).is_none() {
        bail!("unknown campaign '{campaign}' (not in the configuration)");
    }
    let store = Store::open_existing(&args.data_dir(&config).join("store"))?;
    if !store.forget_day(campaign, date)? {
        bail!("no stored day {date} of {campaign}: nothing to forget");
    }
    println!("forgot {campaign} {date}; its alerts are withdrawn (unsent ones will not be sent)");
    Ok(ExitCode::SUCCESS)
}

fn data_dir(args: &ConfigArgs) -> Result<PathBuf> {
    let config = args.load()?;
    Ok(args.data_dir(&config))
}

/// The directories a backup holds: the sled store and the copies of its days.
const PARTS: [&str; 2] = ["store", "days"];

fn backup(data_dir: &Path, dir: &Path) -> Result<ExitCode> {
    refuse_filled(dir)?;
    // Holding the store open keeps every other hashtrack out while the files are copied.
    let store = match Store::open_existing(&data_dir.join("store")) {
        Ok(store) => store,
        // `serve` holds the store: it copies it.
        Err(StoreError::Locked { .. }) if super::serve::socket::running(data_dir) => {
            eprintln!("{}", super::serve::socket::ask(data_dir)?);
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(e.into()),
    };
    store.flush()?;
    for part in PARTS {
        let from = data_dir.join(part);
        if from.exists() {
            copy_dir(&from, &dir.join(part))?;
        }
    }
    drop(store);
    eprintln!("backed up {} to {}", data_dir.display(), dir.display());
    Ok(ExitCode::SUCCESS)
}

/// The backup `serve` makes of the store it holds: each tree copied into a new store, and
/// the day copies beside it.
pub fn backup_held(store: &Store, data_dir: &Path, dir: &Path) -> Result<String> {
    refuse_filled(dir)?;
    store.copy_into(&dir.join("store"))?;
    let days = data_dir.join("days");
    if days.exists() {
        copy_dir(&days, &dir.join("days"))?;
    }
    Ok(format!(
        "backed up {} to {} (copied by the running service)",
        data_dir.display(),
        dir.display()
    ))
}

fn refuse_filled(dir: &Path) -> Result<()> {
    if dir.exists() && dir.read_dir()?.next().is_some() {
        bail!(
            "{} is not empty: back up into a new directory",
            dir.display()
        );
    }
    Ok(())
}

fn restore(data_dir: &Path, dir: &Path) -> Result<ExitCode> {
    // The backup must open before anything is moved.
    verify(&dir.join("store"))
        .with_context(|| format!("{} is not a usable backup", dir.display()))?;
    let current = data_dir.join("store");
    if current.exists() {
        // Refuses while a run holds it.
        drop(Store::open(&current)?);
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f");
        for part in PARTS {
            let from = data_dir.join(part);
            if from.exists() {
                let aside = data_dir.join(format!("{part}.replaced-{stamp}"));
                std::fs::rename(&from, &aside)
                    .with_context(|| format!("cannot move {} aside", from.display()))?;
                eprintln!("kept the replaced {part} as {}", aside.display());
            }
        }
    }
    for part in PARTS {
        let from = dir.join(part);
        if from.exists() {
            copy_dir(&from, &data_dir.join(part))?;
        }
    }
    eprintln!("restored {} from {}", data_dir.display(), dir.display());
    Ok(ExitCode::SUCCESS)
}

fn check(data_dir: &Path) -> Result<ExitCode> {
    // `serve` holds the store: it reads it (a copy of a store in use may be caught mid-write).
    if super::serve::socket::running(data_dir) {
        let (text, code) = super::serve::socket::ask_with_code(data_dir)?;
        print!("{text}");
        return Ok(ExitCode::from(code));
    }
    let store_dir = data_dir.join("store");
    let (text, code) = check_text(&verify(&store_dir)?, &store_dir);
    print!("{text}");
    Ok(ExitCode::from(code))
}

/// `store check` of the store `serve` holds: what it prints, and its exit code.
pub fn check_held(store: &Store, store_dir: &Path) -> Result<(String, u8)> {
    Ok(check_text(&store.verify()?, store_dir))
}

/// What `store check` prints of a check, and its exit code (1 when damaged).
fn check_text(report: &hashtrack::store::StoreCheck, store_dir: &Path) -> (String, u8) {
    let mut out: String = report
        .entries
        .iter()
        .map(|size| {
            format!(
                "{:<14} {:>9} entries {:>12} bytes\n",
                size.tree, size.entries, size.bytes
            )
        })
        .collect();
    if report.problems.is_empty() {
        out.push_str(&format!("store at {} is sound\n", store_dir.display()));
        return (out, 0);
    }
    for problem in &report.problems {
        out.push_str(&format!("damaged: {problem}\n"));
    }
    out.push_str(&format!("{}\n", damaged_advice(store_dir)));
    (out, 1)
}

/// What to do about a damaged store.
pub fn damaged_advice(store_dir: &Path) -> String {
    format!(
        "the store at {} is damaged: restore a backup (`hashtrack store restore DIR`), or move it aside and collect again",
        store_dir.display()
    )
}

/// Opens a copy of the store in `store_dir` (opening may recover and so write) and reads it all.
fn verify(store_dir: &Path) -> Result<hashtrack::store::StoreCheck> {
    if !store_dir.join("db").is_file() {
        bail!("no store at {}", store_dir.display());
    }
    let scratch = tempfile::tempdir().context("cannot make a scratch directory")?;
    let copy = scratch.path().join("store");
    copy_dir(store_dir, &copy)?;
    // Errors name the store checked, never the scratch copy.
    let named = |e: StoreError| {
        anyhow::anyhow!(
            "{}\n{}",
            e.to_string().replace(
                &copy.display().to_string(),
                &store_dir.display().to_string()
            ),
            damaged_advice(store_dir)
        )
    };
    let store = Store::open(&copy).map_err(named)?;
    let mut check = store.verify().map_err(named)?;
    for problem in &mut check.problems {
        *problem = problem.replace(
            &copy.display().to_string(),
            &store_dir.display().to_string(),
        );
    }
    Ok(check)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
    {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}
