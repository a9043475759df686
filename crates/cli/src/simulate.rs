//! `hashtrack simulate`: the simulated API as a standalone server.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use hashtrack_sim::{Language, SimConfig, SimServer, normalize_hashtag};

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
    /// The languages one hashtag's comments are written in, weighted, e.g.
    /// `promo=pt:0.7,en:0.3` (languages en, pt, es, id; a weight left out counts 1; weights
    /// need not add up to 1). Repeat for more hashtags; the others stay English-only.
    #[arg(long = "language", value_name = "TAG=LANG:WEIGHT,...", value_parser = parse_language_mix)]
    pub languages: Vec<LanguageMix>,
}

/// One `--language` value: a hashtag (normalized) and its weighted languages.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageMix {
    pub hashtag: String,
    pub mix: Vec<(Language, f64)>,
}

/// Reads `TAG=LANG:WEIGHT,...`; clap names the argument in front of the error.
fn parse_language_mix(spec: &str) -> Result<LanguageMix, String> {
    const EXAMPLE: &str = "expected TAG=LANG:WEIGHT,... such as promo=pt:0.7,en:0.3";
    let (tag, languages) = spec
        .split_once('=')
        .ok_or_else(|| format!("no '=' after the hashtag: {EXAMPLE}"))?;
    let hashtag = normalize_hashtag(tag)
        .ok_or_else(|| format!("{tag:?} is not a hashtag (letters, digits, underscores)"))?;
    let mut mix: Vec<(Language, f64)> = Vec::new();
    for entry in languages.split(',').map(str::trim) {
        if entry.is_empty() {
            return Err(format!("an empty language entry for #{hashtag}: {EXAMPLE}"));
        }
        let (code, weight) = entry.split_once(':').unwrap_or((entry, "1"));
        let language: Language = code.parse()?;
        let weight: f64 = weight
            .trim()
            .parse()
            .ok()
            .filter(|w: &f64| w.is_finite() && *w > 0.0)
            .ok_or_else(|| format!("weight {weight:?} of {language} is not a positive number"))?;
        if mix.iter().any(|(l, _)| *l == language) {
            return Err(format!("{language} given twice for #{hashtag}"));
        }
        mix.push((language, weight));
    }
    Ok(LanguageMix { hashtag, mix })
}

/// The `--language` values as `SimConfig::languages`; a hashtag named twice is an error.
fn by_hashtag(mixes: &[LanguageMix]) -> Result<HashMap<String, Vec<(Language, f64)>>> {
    let mut languages = HashMap::new();
    for m in mixes {
        if languages.insert(m.hashtag.clone(), m.mix.clone()).is_some() {
            bail!("--language names #{} twice", m.hashtag);
        }
    }
    Ok(languages)
}

/// The startup line about comment languages.
fn languages_hint(mixes: &[LanguageMix]) -> String {
    let set: Vec<String> = mixes
        .iter()
        .map(|m| {
            let parts: Vec<String> = m.mix.iter().map(|(l, w)| format!("{l}:{w}")).collect();
            format!("#{} {}", m.hashtag, parts.join(","))
        })
        .collect();
    if set.is_empty() {
        "Comments are English; --language TAG=pt:0.7,en:0.3 gives a hashtag a language mix \
         (en, pt, es, id)."
            .to_string()
    } else {
        format!(
            "Comment languages: {}; every other hashtag English (--language TAG=LANG:WEIGHT,...).",
            set.join("; ")
        )
    }
}

pub async fn simulate(args: SimulateArgs) -> Result<ExitCode> {
    let defaults = SimConfig::default();
    let languages = by_hashtag(&args.languages)?;
    let config = SimConfig {
        seed: args.seed,
        requests_per_window: args.rate_limit,
        window: Duration::from_secs(args.rate_window.max(1)),
        credits: args.credits,
        api_key: args.key,
        start_date: args.start_date.unwrap_or(defaults.start_date),
        hostile: args.hostile,
        languages,
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
         (any non-empty key in the key variable). The truth to compare with: GET {base}/_sim/truth?hashtag=NAME&date=YYYY-MM-DD\n\
         (each comment's language and tone: GET {base}/_sim/thread?video_id=ID&date=YYYY-MM-DD).\n\
         {}",
        server.date(),
        languages_hint(&args.languages)
    );
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    server.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_specs_parse() {
        let m = parse_language_mix("#Promo=pt:0.7, en:0.3").unwrap();
        assert_eq!(m.hashtag, "promo");
        assert_eq!(m.mix, vec![(Language::Pt, 0.7), (Language::En, 0.3)]);
        let m = parse_language_mix("glow=id").unwrap();
        assert_eq!(m.mix, vec![(Language::Id, 1.0)]);
        assert!(languages_hint(&[m]).contains("#glow id:1"));
        assert!(languages_hint(&[]).contains("--language"));
    }

    #[test]
    fn bad_language_specs_say_what_is_wrong() {
        for (spec, says) in [
            ("pt:0.7", "no '='"),
            ("two words=pt", "not a hashtag"),
            ("promo=fr:1", "unknown language \"fr\""),
            ("promo=und:1", "unknown language"),
            ("promo=pt:lots", "weight \"lots\" of pt"),
            ("promo=pt:-1", "not a positive number"),
            ("promo=pt:0", "not a positive number"),
            ("promo=pt:1,,en:1", "empty language entry"),
            ("promo=pt:1,pt:2", "pt given twice"),
        ] {
            let error = parse_language_mix(spec).unwrap_err();
            assert!(error.contains(says), "{spec}: {error}");
        }
    }

    #[test]
    fn clap_names_the_argument_in_errors() {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            args: SimulateArgs,
        }
        let error = Cli::try_parse_from(["simulate", "--language", "promo=xx"])
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("--language") && error.contains("xx"),
            "{error}"
        );
        let cli = Cli::try_parse_from([
            "simulate",
            "--language",
            "a=pt:0.7,en:0.3",
            "--language",
            "b=es",
        ])
        .unwrap();
        assert_eq!(by_hashtag(&cli.args.languages).unwrap().len(), 2);
        let twice =
            Cli::try_parse_from(["simulate", "--language", "a=pt", "--language", "#A=es"]).unwrap();
        let error = by_hashtag(&twice.args.languages).unwrap_err().to_string();
        assert!(error.contains("--language names #a twice"), "{error}");
    }
}
