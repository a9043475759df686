//! `hashtrack plugin check|test|fixtures|eval`: the plugin author's kit (`new` and `build` are
//! `plugin_new` and `plugin_build`). Everything runs under the
//! same host, sandbox and limits as production.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use serde::Deserialize;

use hashtrack::config::{
    AlertPlugin, AlertsConfig, BUILTIN, Confinement, PluginConfig, SentimentConfig, plugin_setting,
};
use hashtrack::domain::{Comment, DayFacts};
use hashtrack::language::scored_as;
use hashtrack::plugin::{
    CallReport, PluginError, PluginErrorKind, PluginHost, PluginLimits, PluginSource,
    SUPPORTED_WIT_VERSIONS, WIT_VERSION, World,
};
use sentiment_eval::{Polarity, evaluate, parse_labelled, worst};

use hashtrack::pipeline::LoadedPlugins;

use super::plugin_build::build_project;
use super::plugin_host;
use super::plugin_new::{Language, WorldChoice, new_project, read_manifest};

/// Comments per call when evaluating a labelled file: well inside the default fuel and time.
const EVAL_BATCH: usize = 500;
/// How many of the worst-scored items `plugin eval` lists.
const WORST_SHOWN: usize = 8;

#[derive(clap::Args)]
pub struct PluginArgs {
    #[command(subcommand)]
    command: PluginCommand,
}

#[derive(Subcommand)]
enum PluginCommand {
    /// Show which world and WIT version a component implements, its imports and size, and
    /// whether this host would load it (exit 1 with the reason if not).
    ///
    /// Without FILE: load every campaign's plugins from the config and run each plugin's
    /// check-settings on the campaign's settings, as `run` does before spending (exit 1 with
    /// every problem). Nothing is fetched or stored.
    Check {
        /// The component (.wasm, or .wat text).
        file: Option<PathBuf>,
        /// The campaign configuration to check instead of a component.
        #[arg(long, value_name = "FILE", conflicts_with = "file")]
        config: Option<PathBuf>,
    },
    /// Start a plugin project in DIR (created; must be new or empty): the source, the WIT,
    /// a README and a fixture.json that passes `plugin test` as generated. Rust scorers get a
    /// copy of the default scorer's library to build on.
    New {
        /// The project directory to create (its name becomes the plugin's name).
        dir: PathBuf,
        /// What the plugin does: score comments or raise alerts.
        #[arg(long, value_enum)]
        world: WorldChoice,
        /// The language of the project's source.
        #[arg(long = "lang", value_enum)]
        language: Language,
    },
    /// Build a `plugin new` project into DIR/target/NAME.wasm, whatever its language, and
    /// print that path on the last line. Build tools are installed on first use into
    /// $HASHTRACK_PLUGIN_TOOLS (default ~/.cache/hashtrack/plugin-tools): the wasm32-wasip2
    /// target (rustup), componentize-py 0.25.1 (needs python3), componentize-js 0.23.0
    /// (needs node and npm).
    Build {
        /// The project directory made by `plugin new`.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run a component once on fixture input under production limits: its output on stdout
    /// (one line per score or alert), then its time, fuel, peak memory and log lines on
    /// stderr; the settings are checked first. Input: a JSON array of comments
    /// ({"id","text","likes","created_at"}) for a sentiment scorer, or
    /// {"today": {...}, "history": [...]} of day facts for alert rules. Exit 1 when the call
    /// fails or the output differs from --expect (a file saved from stdout).
    Test {
        /// The component (.wasm, or .wat text), or `builtin` for the built-in plugin of the
        /// input's kind (comments: the scorer; days: the alert rules).
        plugin: String,
        /// The fixture: a JSON array of comments, or {"today", "history"} day facts (as
        /// `plugin fixtures` writes them).
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// A file with the output lines expected (as this command prints them, one per line):
        /// any difference is shown and fails the test.
        #[arg(long, value_name = "FILE")]
        expect: Option<PathBuf>,
        /// Run with this campaign's settings from the configuration, as its real run does
        /// (`--config KEY=VALUE` still overrides single settings).
        #[arg(long, value_name = "ID")]
        campaign: Option<String>,
        /// The configuration file `--campaign` is read from.
        #[arg(
            long,
            value_name = "FILE",
            default_value = "campaigns.toml",
            requires = "campaign"
        )]
        campaigns_file: PathBuf,
        #[command(flatten)]
        options: PluginOptions,
    },
    /// Write what a campaign's plugins saw on a stored day as fixtures for `plugin test`:
    /// `comments.json` (the comments read for the first time that day) and `days.json` (the
    /// day's facts and up to 30 earlier days). Never calls the API.
    Fixtures {
        #[command(flatten)]
        config: super::ConfigArgs,
        /// The campaign, by its id in the config.
        #[arg(long, value_name = "ID")]
        campaign: String,
        /// The stored day whose plugin input is written.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: chrono::NaiveDate,
        /// Where the two files go (created if missing).
        #[arg(long, value_name = "DIR", default_value = ".")]
        out: PathBuf,
    },
    /// Score a labelled file (ID<TAB>RATING<TAB>TEXT, ratings -4..4) and print 3-class
    /// accuracy, macro-F1 and Pearson r (positive >= 0.05, negative <= -0.05).
    Eval {
        /// A sentiment component, or `builtin` for the default scorer.
        plugin: String,
        /// The labelled sentences: ID<TAB>RATING<TAB>TEXT per line, ratings -4..4.
        #[arg(long, value_name = "FILE")]
        labels: PathBuf,
        /// One JSON object: items, accuracy, macro_f1, pearson_r.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        plugin_options: PluginOptions,
    },
    /// Describe a built-in plugin: `builtin` lists every built-in alert rule, when it fires,
    /// its severity, and its settings with their defaults.
    Info {
        /// `builtin` (for a component file, `plugin check FILE` says what it is).
        #[arg(value_parser = ["builtin"])]
        plugin: String,
    },
}

#[derive(clap::Args)]
struct PluginOptions {
    /// A setting passed to the plugin (repeatable). `KEY-file=PATH` passes the file's text
    /// as KEY, as in campaigns.toml.
    #[arg(long = "config", value_name = "KEY=VALUE")]
    settings: Vec<String>,
    /// Memory limit per call in MiB (default 64).
    #[arg(long, value_name = "MIB")]
    memory_mib: Option<u32>,
    /// Fuel per call (default 2,000,000,000).
    #[arg(long)]
    fuel: Option<u64>,
    /// Wall-clock limit per call in milliseconds (default 2,000).
    #[arg(long, value_name = "MS")]
    timeout_ms: Option<u64>,
    /// Scorers only: the language the comments are in, as an ISO 639-1 code (`pt`); the
    /// scorer must name it. With --campaign, that language's scorer settings are used.
    #[arg(long, value_name = "CODE", default_value = "en")]
    language: String,
}

impl PluginOptions {
    fn settings(&self) -> Result<Vec<(String, String)>> {
        self.settings
            .iter()
            .map(|pair| {
                let (key, value) = pair
                    .split_once('=')
                    .with_context(|| format!("--config {pair}: expected KEY=VALUE"))?;
                // The operator's own command line: any file it names may be read.
                let anywhere = Confinement {
                    dir: Path::new("."),
                    allow_outside: true,
                };
                plugin_setting(key, value, anywhere).map_err(anyhow::Error::from)
            })
            .collect()
    }

    fn limits(&self) -> PluginLimits {
        PluginLimits::with_overrides(self.memory_mib, self.fuel, self.timeout_ms)
    }
}

pub fn plugin(args: PluginArgs) -> Result<ExitCode> {
    match args.command {
        PluginCommand::New {
            dir,
            world,
            language,
        } => {
            let written = new_project(&dir, world, language)?;
            println!("wrote {} files into {}:", written.len(), dir.display());
            for file in written.iter().filter(|f| !f.starts_with("sentiment-core")) {
                println!("  {}", file.display());
            }
            if written.iter().any(|f| f.starts_with("sentiment-core")) {
                println!("  sentiment-core/ (the default scorer's library, to build on)");
            }
            println!(
                "next: hashtrack plugin build {0} && hashtrack plugin test {0}/target/{1}.wasm --input {0}/fixture.json",
                dir.display(),
                read_manifest(&dir)?.name
            );
            return Ok(ExitCode::SUCCESS);
        }
        PluginCommand::Info { .. } => {
            print!("{}", super::plugin_info::builtin_rules());
            return Ok(ExitCode::SUCCESS);
        }
        PluginCommand::Build { dir } => {
            let component = build_project(&dir)?;
            println!("{}", component.display());
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    // No data directory here: compiled components are cached in the system's temp directory.
    let host = plugin_host(std::env::temp_dir().join("hashtrack-plugin-cache"))?;
    match args.command {
        PluginCommand::New { .. } | PluginCommand::Build { .. } | PluginCommand::Info { .. } => {
            unreachable!("handled above")
        }
        PluginCommand::Check {
            file: Some(file), ..
        } => check(&host, &file),
        PluginCommand::Check { file: None, config } => {
            check_config(&host, &config.unwrap_or_else(|| "campaigns.toml".into()))
        }
        PluginCommand::Test {
            plugin,
            input,
            expect,
            campaign,
            campaigns_file,
            options,
        } => {
            let campaign = campaign
                .map(|id| campaign_plugins(&campaigns_file, &id))
                .transpose()?;
            test(
                &host,
                &plugin,
                &input,
                expect.as_deref(),
                campaign.as_ref(),
                &options,
            )
        }
        PluginCommand::Fixtures {
            config,
            campaign,
            date,
            out,
        } => fixtures(&config, &campaign, date, &out),
        PluginCommand::Eval {
            plugin,
            labels,
            json,
            plugin_options,
        } => eval(&host, &plugin, &labels, json, &plugin_options),
    }
}

fn check(host: &PluginHost, file: &Path) -> Result<ExitCode> {
    let source = PluginSource::File(file.to_path_buf());
    let limits = PluginLimits::default();
    let info = match host.inspect(&source, &limits) {
        Ok(info) => info,
        Err(e) => {
            println!("REFUSED: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    println!(
        "file:    {} ({} KiB)",
        file.display(),
        info.component_bytes.div_ceil(1024)
    );
    println!("exports: {}", info.exports.join(", "));
    let imports: Vec<String> = info
        .imports
        .iter()
        .map(|import| format!("{import}  ({})", hashtrack::plugin::granted(import)))
        .collect();
    println!(
        "imports: {}",
        if imports.is_empty() {
            "(none)".to_string()
        } else {
            imports.join("\n         ")
        }
    );
    let verdict = match info.world {
        None => Err(format!(
            "it implements neither world of hashtrack:plugins@{WIT_VERSION} (it must export hashtrack:plugins/scorer or hashtrack:plugins/rules, version {})",
            SUPPORTED_WIT_VERSIONS.join(" or ")
        )),
        Some(World::SentimentScorer) => host
            .load_sentiment(&source, limits)
            .map(|scorer| Some(scorer.languages().join(", ")))
            .map_err(|e| e.to_string()),
        Some(World::AlertRules) => host
            .load_alerts(&source, limits)
            .map(|_| None)
            .map_err(|e| e.to_string()),
    };
    if let Some(world) = info.world {
        println!("world:   {world}");
    }
    if let Some(version) = info.wit_version {
        println!("wit:     hashtrack:plugins@{version}");
    }
    if let Ok(Some(languages)) = &verdict {
        println!("scores:  {languages}");
    }
    match verdict {
        Ok(_) => {
            println!(
                "OK: this host (WIT {}) loads it",
                SUPPORTED_WIT_VERSIONS.join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(reason) => {
            println!("REFUSED: {reason}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Loads every campaign's plugins and checks their settings, as `run` does first.
fn check_config(host: &PluginHost, path: &Path) -> Result<ExitCode> {
    let config = hashtrack::config::Config::load(path)?;
    let plugins = LoadedPlugins::load(&config, host);
    match plugins.check(&config.campaigns) {
        Ok(()) => {
            println!(
                "OK: {} campaign(s) in {}: every plugin loaded and accepted its settings",
                config.campaigns.len(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            for problem in &problems {
                println!("PROBLEM: {problem}");
            }
            println!(
                "{} problem(s) in {}: `run` would stop before spending",
                problems.len(),
                path.display()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Exports a stored day's plugin inputs as `plugin test` fixtures.
fn fixtures(
    config: &super::ConfigArgs,
    campaign: &str,
    date: chrono::NaiveDate,
    out: &Path,
) -> Result<ExitCode> {
    let loaded = config.load()?;
    if loaded.campaign(campaign).is_none() {
        bail!(
            "unknown campaign '{campaign}' (not in {})",
            loaded.path.display()
        );
    }
    let store = hashtrack::store::Store::open_existing(&config.data_dir(&loaded).join("store"))?;
    let Some(day) = store.day(campaign, date)? else {
        bail!("campaign '{campaign}' has no stored day {date}");
    };
    let history = store.days(
        campaign,
        date - chrono::Duration::days(hashtrack::plugin::MAX_HISTORY_DAYS.into()),
        date - chrono::Duration::days(1),
    )?;
    let today = DayFacts {
        alerts: Vec::new(),
        ..day.facts()
    };
    let days = serde_json::json!({
        "today": today,
        "history": history.iter().map(|d| d.facts()).collect::<Vec<_>>(),
    });
    let comments: Vec<serde_json::Value> = store
        .comments_first_read_on(campaign, date)?
        .into_iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id, "text": c.text, "likes": c.likes, "created_at": c.created_at,
            })
        })
        .collect();
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for (name, value) in [
        ("comments.json", serde_json::Value::from(comments.clone())),
        ("days.json", days),
    ] {
        let path = out.join(name);
        std::fs::write(&path, serde_json::to_string_pretty(&value)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!(
        "wrote {} ({} comments) and {} ({} days of history): try `hashtrack plugin test builtin --input {}`",
        out.join("comments.json").display(),
        comments.len(),
        out.join("days.json").display(),
        history.len(),
        out.join("days.json").display()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Deserialize)]
struct FixtureComment {
    #[serde(default)]
    id: Option<String>,
    text: String,
    #[serde(default)]
    likes: u64,
    /// Unix seconds; 0 (unknown) when absent.
    #[serde(default)]
    created_at: i64,
}

#[derive(Deserialize)]
struct FixtureDays {
    today: DayFacts,
    #[serde(default)]
    history: Vec<DayFacts>,
}

/// A campaign's plugin configurations, from `config_file`.
struct CampaignPlugins {
    id: String,
    sentiment: SentimentConfig,
    alerts: AlertsConfig,
}

fn campaign_plugins(config_file: &Path, id: &str) -> Result<CampaignPlugins> {
    let config = hashtrack::config::Config::load(config_file)?;
    let campaign = config
        .campaign(id)
        .with_context(|| format!("unknown campaign '{id}' in {}", config_file.display()))?;
    Ok(CampaignPlugins {
        id: id.to_string(),
        sentiment: campaign.sentiment.clone(),
        alerts: campaign.alerts.clone(),
    })
}

impl CampaignPlugins {
    /// The campaign's entry for `component` (`builtin` or a file) among its alert plugins.
    fn alert_plugin(&self, component: &str) -> Result<&AlertPlugin> {
        let same_file = |file: &Path| {
            let canonical = |p: &Path| std::fs::canonicalize(p).ok();
            canonical(file).is_some() && canonical(file) == canonical(Path::new(component))
        };
        let found = self
            .alerts
            .plugins
            .iter()
            .find(|p| match &p.config.wasm_file {
                None => component == BUILTIN,
                Some(file) => same_file(file),
            });
        found.with_context(|| {
            let names: Vec<&str> = self.alerts.plugins.iter().map(|p| p.name.as_str()).collect();
            format!(
                "campaign '{}' does not run {component} (its alert plugins: {}); without --campaign, give settings with --config KEY=VALUE",
                self.id,
                names.join(", ")
            )
        })
    }
}

/// The settings a test runs with: the campaign's for the plugin's world (when given), each
/// replaced by a `--config KEY=VALUE` of the same key.
fn test_settings(
    campaign: Option<&PluginConfig>,
    options: &PluginOptions,
) -> Result<Vec<(String, String)>> {
    let mut settings: Vec<(String, String)> =
        campaign.map(|c| c.settings.clone()).unwrap_or_default();
    for (key, value) in options.settings()? {
        settings.retain(|(k, _)| *k != key);
        settings.push((key, value));
    }
    settings.sort();
    Ok(settings)
}

fn test(
    host: &PluginHost,
    component: &str,
    input: &Path,
    expect: Option<&Path>,
    campaign: Option<&CampaignPlugins>,
    options: &PluginOptions,
) -> Result<ExitCode> {
    let text = std::fs::read_to_string(input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let source = match component {
        // Comments are an array; days are an object.
        "builtin" if text.trim_start().starts_with('[') => PluginSource::BuiltinSentiment,
        "builtin" => PluginSource::BuiltinAlerts,
        file => PluginSource::File(PathBuf::from(file)),
    };
    let info = host.inspect(&source, &options.limits())?;
    let (outcome, report) = match info.world {
        Some(World::SentimentScorer) => {
            let language = options.language.as_str();
            let entry = campaign.map(|c| c.sentiment.entry_for(scored_as(language)).0);
            let settings = test_settings(entry, options)?;
            let fixtures: Vec<FixtureComment> = serde_json::from_str(&text).with_context(|| {
                format!(
                    "{}: expected a JSON array of {{\"id\", \"text\", \"likes\"}}",
                    input.display()
                )
            })?;
            let comments = fixture_comments(fixtures);
            let scorer = host.load_sentiment(&source, options.limits())?;
            scorer.check_language("plugin-test", scored_as(language))?;
            if scorer.wit_version() != "0.1.0"
                && let Some(code) =
                    settings_refused(scorer.check_settings("plugin-test", &settings))
            {
                return Ok(code);
            }
            let (scores, report) =
                scorer.score_measured("plugin-test", &settings, language, &comments);
            let lines = scores.map(|scores| {
                comments
                    .iter()
                    .zip(scores)
                    .map(|(c, s)| format!("{s:+.3} {:<8} {}", polarity(s), c.text))
                    .collect::<Vec<_>>()
            });
            (lines, report)
        }
        Some(World::AlertRules) => {
            let chosen = campaign
                .map(|c| c.alert_plugin(component).map(|p| (c, p)))
                .transpose()?;
            let settings = test_settings(chosen.map(|(_, p)| &p.config), options)?;
            let days: FixtureDays = serde_json::from_str(&text).with_context(|| {
                format!(
                    "{}: expected {{\"today\": {{day facts}}, \"history\": [{{day facts}}...]}}",
                    input.display()
                )
            })?;
            let rules = host.load_alerts(&source, options.limits())?;
            if rules.wit_version() != "0.1.0"
                && let Some(code) = settings_refused(rules.check_settings("plugin-test", &settings))
            {
                return Ok(code);
            }
            let (alerts, report) =
                rules.evaluate_measured("plugin-test", &settings, &days.today, &days.history);
            // As the campaign's run would: without the built-in rules it switched off.
            let alerts = alerts.map(|alerts| match chosen {
                Some((c, plugin)) => alerts
                    .into_iter()
                    .filter(|a| c.alerts.keeps(&plugin.name, &a.rule))
                    .collect(),
                None => alerts,
            });
            let lines = alerts.map(|alerts: Vec<_>| {
                if alerts.is_empty() {
                    vec!["(no alerts)".to_string()]
                } else {
                    alerts
                        .iter()
                        .map(|a| format!("{:?} {}: {}", a.severity, a.rule, a.message))
                        .collect()
                }
            });
            (lines, report)
        }
        None => {
            bail!("{source}: implements neither world; run `hashtrack plugin check` for details")
        }
    };
    let code = match outcome {
        Ok(lines) => {
            for line in &lines {
                println!("{line}");
            }
            match expect {
                Some(expected) => compare(&lines, expected)?,
                None => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            println!("FAILED: {e}");
            ExitCode::FAILURE
        }
    };
    print_call_report(&report);
    Ok(code)
}

/// Compares output lines with the lines of `expected` (surrounding blanks ignored), printing
/// each difference.
fn compare(lines: &[String], expected: &Path) -> Result<ExitCode> {
    let wanted = std::fs::read_to_string(expected)
        .with_context(|| format!("cannot read {}", expected.display()))?;
    let wanted: Vec<&str> = wanted.lines().map(str::trim_end).collect();
    let wanted = &wanted[..wanted
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1)];
    let mut differences = 0;
    for i in 0..lines.len().max(wanted.len()) {
        let got = lines.get(i).map(|l| l.trim_end());
        let want = wanted.get(i).copied();
        if got != want {
            differences += 1;
            println!(
                "DIFFERS at line {}: expected {:?}, got {:?}",
                i + 1,
                want.unwrap_or("(nothing)"),
                got.unwrap_or("(nothing)")
            );
        }
    }
    if differences == 0 {
        println!("OK: the output matches {}", expected.display());
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "FAILED: {differences} lines differ from {}",
            expected.display()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// `plugin test` stops before the call when a 0.2 plugin's `check-settings` refuses the
/// settings, naming every problem. Any other failure of the check is left to the call itself,
/// which reports it with what it used. (For a 0.1 plugin the check would be a second call
/// doing what the real one does: it is skipped.)
fn settings_refused(checked: Result<(), PluginError>) -> Option<ExitCode> {
    match checked {
        Err(error) if matches!(error.kind, PluginErrorKind::InvalidSettings(_)) => {
            println!("FAILED: {error}");
            Some(ExitCode::FAILURE)
        }
        _ => None,
    }
}

fn fixture_comments(fixtures: Vec<FixtureComment>) -> Vec<Comment> {
    fixtures
        .into_iter()
        .enumerate()
        .map(|(i, c)| Comment {
            likes: c.likes,
            created_at: c.created_at,
            ..Comment::from_text(c.id.unwrap_or_else(|| i.to_string()), c.text)
        })
        .collect()
}

fn polarity(score: f64) -> &'static str {
    Polarity::of_score(score).name()
}

/// On stderr, so that stdout holds only the result: `plugin test ... > expected.txt` saves
/// what `--expect` compares.
fn print_call_report(report: &CallReport) {
    eprintln!(
        "time {:.1} ms, fuel {}, peak memory {:.1} MiB",
        report.duration.as_secs_f64() * 1e3,
        report.fuel_used.map_or_else(
            || "unknown (stopped by the time limit)".to_string(),
            |f| f.to_string()
        ),
        report.peak_memory_bytes as f64 / (1024.0 * 1024.0)
    );
    for line in &report.log_lines {
        eprintln!("log: {line}");
    }
}

fn eval(
    host: &PluginHost,
    plugin: &str,
    labels: &Path,
    json: bool,
    options: &PluginOptions,
) -> Result<ExitCode> {
    let source = match plugin {
        "builtin" => PluginSource::BuiltinSentiment,
        file => PluginSource::File(PathBuf::from(file)),
    };
    let text = std::fs::read_to_string(labels)
        .with_context(|| format!("cannot read {}", labels.display()))?;
    let items = parse_labelled(&text).with_context(|| format!("{}", labels.display()))?;
    let settings = options.settings()?;
    let scorer = host.load_sentiment(&source, options.limits())?;
    let language = options.language.as_str();
    scorer.check_language("plugin-eval", scored_as(language))?;
    scorer.check_settings("plugin-eval", &settings)?;
    let comments: Vec<Comment> = fixture_comments(
        items
            .iter()
            .map(|i| FixtureComment {
                id: Some(i.id.clone()),
                text: i.text.clone(),
                likes: 0,
                created_at: 0,
            })
            .collect(),
    );
    let mut scores = Vec::with_capacity(comments.len());
    for batch in comments.chunks(EVAL_BATCH) {
        scores.extend(
            scorer
                .score_measured("plugin-eval", &settings, language, batch)
                .0?,
        );
    }
    let report = evaluate(&items, &scores);
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "{}: {} items, accuracy {:.3}, macro-F1 {:.3}, Pearson r {:.3} ({source})",
            labels.display(),
            report.items,
            report.accuracy,
            report.macro_f1,
            report.pearson_r
        );
        println!("\nconfusion (rows: human verdict, columns: the scorer's)");
        println!(
            "{:>10} {:>9} {:>9} {:>9}",
            "", "negative", "neutral", "positive"
        );
        for (name, row) in ["negative", "neutral", "positive"]
            .iter()
            .zip(report.confusion)
        {
            println!("{name:>10} {:>9} {:>9} {:>9}", row[0], row[1], row[2]);
        }
        println!("\nworst scored (human rating -4..4, score -1..1)");
        for (item, score) in worst(&items, &scores, WORST_SHOWN) {
            let text: String = item.text.chars().take(70).collect();
            println!("  {:>5.1} {score:+.2}  {}  {text}", item.rating, item.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}
