//! `hashtrack init [DIR]`: writes the starter `campaigns.toml` (and the lexicon it names) so a
//! new user has a config to edit. Never overwrites a config without `--force`; a lexicon already
//! there is kept unless `--force`, since it may hold the brand's own terms.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::embedded::{CONFIG_FILE, STARTER, write_file};

#[derive(clap::Args)]
pub struct InitArgs {
    /// The folder to write campaigns.toml into (created if missing).
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// Overwrite an existing campaigns.toml and the lexicon it names.
    #[arg(long)]
    pub force: bool,
}

pub fn init(args: InitArgs) -> Result<ExitCode> {
    let config = args.dir.join(CONFIG_FILE);
    anyhow::ensure!(
        args.force || !config.exists(),
        "{} exists; pass --force to overwrite it",
        config.display()
    );
    write_file(&config, STARTER.config)?;
    println!(
        "wrote {}: one client, one campaign, a file sink, every key",
        config.display()
    );
    for (path, text) in STARTER.companions {
        let path = args.dir.join(path);
        if path.exists() && !args.force {
            println!("kept {} (--force overwrites it)", path.display());
        } else {
            write_file(&path, text)?;
            println!("wrote {}", path.display());
        }
    }
    println!("\nNext:");
    if args.dir != Path::new(".") {
        println!("  cd {}", args.dir.display());
    }
    println!(
        "  hashtrack demo         # 30 simulated days of this campaign: no API key, no network"
    );
    println!("  hashtrack run --plan   # what a real day costs, per API key; spends nothing");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use hashtrack::config::{Config, SinkKind};
    use hashtrack::plugin::{DEFAULT_FUEL, DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT};

    use super::*;

    fn init_in(dir: &Path, force: bool) -> Result<ExitCode> {
        init(InitArgs {
            dir: dir.to_path_buf(),
            force,
        })
    }

    #[test]
    fn the_written_config_loads_with_its_lexicon_and_file_sink() {
        let dir = tempfile::tempdir().unwrap();
        let into = dir.path().join("new");
        init_in(&into, false).unwrap();
        let config = Config::load(&into.join(CONFIG_FILE)).unwrap();
        assert_eq!((config.clients.len(), config.campaigns.len()), (1, 1));
        let campaign = &config.campaigns[0];
        assert!(
            matches!(config.sinks_for(campaign)[..], [sink] if matches!(sink.kind, SinkKind::File { .. }))
        );
        let (key, lexicon) = &campaign.sentiment.all.settings[0];
        assert_eq!(key, "lexicon");
        assert!(lexicon.contains("refreshing"), "{lexicon}");
    }

    #[test]
    fn an_existing_config_is_overwritten_only_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join(CONFIG_FILE);
        let lexicon = dir.path().join(STARTER.companions[0].0);
        std::fs::write(&config, "# mine\n").unwrap();
        let refused = init_in(dir.path(), false).unwrap_err().to_string();
        assert!(refused.contains("exists; pass --force"), "{refused}");
        assert_eq!(std::fs::read_to_string(&config).unwrap(), "# mine\n");
        assert!(!lexicon.exists(), "nothing is written when refused");

        init_in(dir.path(), true).unwrap();
        assert_eq!(std::fs::read_to_string(&config).unwrap(), STARTER.config);
    }

    /// A config with nothing but what has no default: what the starter's values must equal.
    const ONLY_REQUIRED: &str = r#"
[sinks.inbox]
kind = "file"
path = "hashtrack-data/inbox"
[clients.acme]
[[campaigns]]
id = "acme-launch"
client = "acme"
hashtags = ["x"]
"#;

    #[test]
    fn the_values_it_shows_are_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = STARTER.write_all(dir.path()).unwrap();
        let starter = Config::load(&path).unwrap();
        let defaults = Config::parse(&path, ONLY_REQUIRED).unwrap();
        assert_eq!(starter.settings, defaults.settings);
        assert_eq!(starter.sinks, defaults.sinks);
        let (shown, default) = (&starter.campaigns[0], &defaults.campaigns[0]);
        assert_eq!(
            (
                shown.videos,
                shown.sentiment_videos,
                shown.comments_per_video
            ),
            (
                default.videos,
                default.sentiment_videos,
                default.comments_per_video
            )
        );
        assert_eq!(shown.alerts, default.alerts);
        // The plugin limits are the host's, shown commented out.
        for line in [
            format!("# memory_mib = {}", DEFAULT_MEMORY_BYTES >> 20),
            format!("# fuel = {DEFAULT_FUEL}"),
            format!("# timeout_ms = {}", DEFAULT_TIMEOUT.as_millis()),
        ] {
            assert!(STARTER.config.contains(&line), "{line}");
        }
        // So are the built-in rules' thresholds.
        for setting in builtin_rules::Setting::ALL {
            let line = format!("# {} = {}", setting.key(), setting.default_text());
            assert!(STARTER.config.contains(&line), "{line}");
        }
    }
}
