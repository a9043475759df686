//! `hashtrack evaluate`: the daily job against the simulator for several seeds, and what it
//! told an agency judged against the simulator's truth (`GET /_sim/truth`, and each tracked
//! video's served thread). The loop to improve the product's signals against, and with
//! `--check` the floors CI holds them to; the definitions of each figure and the floors are in
//! `scorecard`. This module runs the days, reads the store and gathers the truth.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{Days, NaiveDate};

use hashtrack::api::wire;
use hashtrack::config::{CampaignConfig, Config};
use hashtrack::domain::DayMetrics;
use hashtrack::language::ENGLISH;
use hashtrack::scorecard::{
    self, CampaignEvidence, CommentDay, CommentJudged, CommentSeen, JUDGEABLE_NEW_COMMENTS,
    LanguageSummary, RULES_WITHOUT_FALSE_ALERTS, Scorecard, Summary, ThreadDay, Thresholds,
    TruthDay, judge,
};
use hashtrack::store::Store;
use hashtrack_sim::{CommentTruth, Language, SimConfig, SimServer, Tone, default_quirks};

use super::ConfigArgs;
use super::simulated::SimulatedCampaigns;

/// Each seed skips the runs of two consecutive days (a missed cron), from this campaign day on
/// (shifted by the seed), so gap handling is judged too.
const FIRST_SKIPPED_DAY: u64 = 9;
/// Each seed forces a stall on one single-hashtag campaign (the next one for the next seed),
/// from this campaign day on (shifted by the seed), so every seed has a stall to detect.
const FIRST_STALL_DAY: u64 = 13;
/// Each seed has one English campaign (the next one for the next seed) receive this share of
/// its comments in Indonesian, which it does not declare: they must be counted unscored, and
/// raise no sentiment alert. Other campaigns are written in the languages they declare
/// (`SimulatedCampaigns::start`).
const UNDECLARED_SHARE: f64 = 0.25;

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
    /// Hold the figures to their floors (CI): exit 1, naming each figure on the wrong side.
    #[arg(long)]
    pub check: bool,
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
    let below = summary.below_floors();
    if args.json {
        let mut out = serde_json::json!({"summary": summary, "scorecard": card});
        if args.check {
            out["below_floors"] = serde_json::to_value(&below)?;
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print!("{}", describe(&card, &summary, &config));
    }
    if !args.check {
        return Ok(ExitCode::SUCCESS);
    }
    if below.is_empty() {
        eprintln!("evaluate --check: every figure meets its floor");
        return Ok(ExitCode::SUCCESS);
    }
    for figure in &below {
        eprintln!("evaluate --check: below its floor: {figure}");
    }
    Ok(ExitCode::FAILURE)
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
    let english: Vec<&CampaignConfig> = config
        .campaigns
        .iter()
        .filter(|c| c.languages == [ENGLISH])
        .collect();
    if let Some(foreign) = english.get(seed as usize % english.len().max(1)) {
        let mix = vec![
            (Language::En, 1.0 - UNDECLARED_SHARE),
            (Language::Id, UNDECLARED_SHARE),
        ];
        for hashtag in &foreign.hashtags {
            sim.languages.insert(hashtag.to_lowercase(), mix.clone());
        }
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
    let video_hashtags = video_hashtags(&run.store, config)?;
    for campaign in &config.campaigns {
        let mut truth = Vec::new();
        for hashtag in &campaign.hashtags {
            for day in 1..=u64::from(days) {
                truth.push(fetch_truth(&client, &run.sim.base_url(), hashtag, date_of(day)).await?);
            }
        }
        let stored = run.store.days(&campaign.id, start, last)?;
        let comments = stored
            .iter()
            .map(|day| comment_day(&run.store, &run.sim, &campaign.id, day))
            .collect::<Result<Vec<_>>>()?;
        for day in &stored {
            let judged = comments_judged(&run.store, &run.sim, &campaign.id, day.date)?;
            card.languages.add_day(&judged);
        }
        card.campaigns.push(judge(&CampaignEvidence {
            campaign: &campaign.id,
            seed,
            thresholds: thresholds(campaign),
            days: &stored,
            truth: &truth,
            comments: &comments,
            video_hashtags: &video_hashtags,
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

/// What `campaign` read of comments on `day` (the comment pages stored for its date that it
/// paid for), and the threads the simulator served that date for the day's tracked videos.
fn comment_day(
    store: &Store,
    sim: &SimServer,
    campaign: &str,
    day: &DayMetrics,
) -> Result<CommentDay> {
    let mut evidence = CommentDay {
        date: day.date,
        ..CommentDay::default()
    };
    let prefix = format!("{}/comments/", day.date);
    for entry in store.raw_entries_from(&prefix) {
        let (key, snapshot) = entry?;
        if snapshot.paid_by != campaign {
            continue;
        }
        evidence.credits += snapshot.credits;
        // `{date}/comments/{video_id}/{cursor}/{count}`
        let video = key[prefix.len()..].split('/').next().unwrap_or_default();
        // A page that no longer parses was paid for and read nothing.
        if let Ok(page) = wire::parse_comment_page(snapshot.body.as_bytes()) {
            evidence
                .read
                .extend(page.items.into_iter().map(|c| CommentSeen {
                    id: c.id,
                    video_id: video.to_string(),
                    created_at: c.created_at,
                }));
        }
    }
    // A video in two hashtags' samples is one thread.
    let videos: BTreeSet<&str> = day.videos.iter().map(|v| v.id.as_str()).collect();
    for video in videos {
        let thread = sim.thread_truth(video, day.date).with_context(|| {
            format!(
                "the simulator serves no thread of video {video} on {}",
                day.date
            )
        })?;
        evidence.threads.push(ThreadDay {
            video_id: video.to_string(),
            created_at: thread.comments.iter().map(|c| c.created_at).collect(),
        });
    }
    Ok(evidence)
}

/// The comments `campaign` read for the first time on `date`, each with the simulator's truth
/// of its language and tone.
fn comments_judged(
    store: &Store,
    sim: &SimServer,
    campaign: &str,
    date: NaiveDate,
) -> Result<Vec<CommentJudged>> {
    let mut threads: HashMap<String, HashMap<String, CommentTruth>> = HashMap::new();
    let mut judged = Vec::new();
    for comment in store.comments_first_read_on(campaign, date)? {
        if !threads.contains_key(&comment.video_id) {
            let thread = sim.thread_truth(&comment.video_id, date).with_context(|| {
                format!(
                    "the simulator serves no thread of video {} on {date}",
                    comment.video_id
                )
            })?;
            let by_id = thread.comments.into_iter().map(|c| (c.id.clone(), c));
            threads.insert(comment.video_id.clone(), by_id.collect());
        }
        let Some(truth) = threads[&comment.video_id].get(&comment.id) else {
            continue;
        };
        judged.push(CommentJudged {
            true_language: truth.language.code().to_string(),
            written_positive: truth.tone == Tone::Positive,
            told: comment.language,
            score: comment.score.map(f64::from),
        });
    }
    Ok(judged)
}

/// The hashtag of each video on the stored feed pages (`{date}/videos/{hashtag_id}/...`), by
/// the name the truth gives it (lowercase).
fn video_hashtags(store: &Store, config: &Config) -> Result<HashMap<String, String>> {
    let mut name_of_id = HashMap::new();
    for name in config.campaigns.iter().flat_map(|c| &c.hashtags) {
        if let Some(id) = store.hashtag_id(name)? {
            name_of_id.insert(id, name.to_lowercase());
        }
    }
    let mut hashtags = HashMap::new();
    for entry in store.raw_entries() {
        let (key, snapshot) = entry?;
        let mut parts = key.split('/').skip(1);
        if parts.next() != Some("videos") {
            continue;
        }
        let Some(name) = parts.next().and_then(|id| name_of_id.get(id)) else {
            continue;
        };
        if let Ok(page) = wire::parse_video_page(snapshot.body.as_bytes()) {
            for video in page.items {
                hashtags.entry(video.id).or_insert_with(|| name.clone());
            }
        }
    }
    Ok(hashtags)
}

/// Credits paid for comment pages, and the distinct comments they brought.
fn comment_yield(store: &Store) -> Result<(u64, u64)> {
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

/// The thresholds of the campaign's built-in rules, as the plugin reads them; the defaults for a
/// campaign that does not run them (its alerts are not judged). Settings the plugin would refuse
/// never get this far: the run checks them first.
fn thresholds(campaign: &CampaignConfig) -> Thresholds {
    campaign
        .alerts
        .builtin()
        .and_then(|builtin| {
            let settings = &builtin.config.settings;
            Thresholds::parse(settings.iter().map(|(k, v)| (k.as_str(), v.as_str()))).ok()
        })
        .unwrap_or_default()
}

/// The scorecard as one table: each figure, what it rests on, and its floor.
fn describe(card: &Scorecard, s: &Summary, config: &Config) -> String {
    let percent = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{:.0}%", x * 100.0));
    let number = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{x:.2}"));
    let latencies = |l: &[Option<i64>]| {
        let l: Vec<String> = l
            .iter()
            .map(|l| l.map_or("missed".to_string(), |d| format!("{d}d")))
            .collect();
        if l.is_empty() {
            String::new()
        } else {
            format!(" (latency: {})", l.join(", "))
        }
    };
    // The JSON lists every rule judged; the table the ones with any.
    let by_rule = |counts: &std::collections::BTreeMap<String, u32>| {
        let listed: Vec<String> = (counts.iter())
            .filter(|(_, n)| **n > 0)
            .map(|(rule, n)| format!("{rule} {n}"))
            .collect();
        if listed.is_empty() {
            "none".to_string()
        } else {
            listed.join(", ")
        }
    };
    let at_least = |floor: f64| format!(">= {}", percent(Some(floor)));
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
            String::new(),
        ),
        (
            "distinct comments per credit",
            format!(
                "{} ({} comments for {} comment credits)",
                number(s.distinct_comments_per_credit),
                card.distinct_comments,
                card.comment_credits
            ),
            String::new(),
        ),
        (
            "growth: truth within the bounds",
            format!(
                "{} of {} days ({} outside)",
                percent(s.bounds_coverage),
                s.bounds_checked,
                s.bounds_misses.len()
            ),
            at_least(scorecard::MIN_BOUNDS_COVERAGE),
        ),
        (
            "growth: error of new views/day",
            format!(
                "median {}, 90th percentile {}",
                percent(s.growth_median_error),
                percent(s.growth_p90_error)
            ),
            format!(
                "median <= {}",
                percent(Some(scorecard::MAX_GROWTH_MEDIAN_ERROR))
            ),
        ),
        (
            "growth: days within 25% of the truth",
            percent(s.growth_days_within_25_percent),
            String::new(),
        ),
        (
            "new comments found per comment credit",
            format!(
                "{} ({} new comments for {} credits)",
                number(s.new_comments_per_comment_credit),
                s.new_comments_found,
                s.new_comments_credits
            ),
            String::new(),
        ),
        (
            "new comments found, of the limit",
            format!(
                "{} (the same credits could have read {})",
                percent(s.share_of_comment_limit),
                s.new_comments_limit
            ),
            at_least(scorecard::MIN_SHARE_OF_COMMENT_LIMIT),
        ),
        (
            "judgeable days judged",
            format!(
                "{} ({} of {} days with >= {JUDGEABLE_NEW_COMMENTS} new comments)",
                percent(s.judged_share_of_judgeable_days),
                s.judgeable_days_judged,
                s.judgeable_days
            ),
            at_least(scorecard::MIN_JUDGEABLE_DAYS_JUDGED),
        ),
        (
            "stalls caught within 1 day",
            format!(
                "{} of {}{}",
                s.stalls_detected_within_1_day,
                s.stalls,
                latencies(&s.stall_latencies)
            ),
            "all".to_string(),
        ),
        (
            "backlashes caught within 1 day",
            format!(
                "{} of {}, on judgeable days {} of {}{}",
                s.backlashes_detected_within_1_day,
                s.backlashes,
                s.backlashes_on_judgeable_days_detected_within_1_day,
                s.backlashes_on_judgeable_days,
                latencies(&s.backlash_latencies)
            ),
            "all on judgeable days".to_string(),
        ),
        (
            "false alerts",
            by_rule(&s.false_alerts),
            format!("none of {}", RULES_WITHOUT_FALSE_ALERTS.join(", ")),
        ),
        ("missed alerts", by_rule(&s.missed_alerts), String::new()),
    ];
    out.push_str(&format!("  {:<38} {:<32} measured\n", "figure", "floor"));
    for (label, value, floor) in rows {
        out.push_str(&format!("  {label:<38} {floor:<32} {value}\n"));
    }
    out.push_str(&describe_languages(&s.languages));
    out
}

/// The comments' languages, a line per true language.
fn describe_languages(languages: &[LanguageSummary]) -> String {
    let percent = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{:.1}%", x * 100.0));
    let points = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{x:.1} pts"));
    let mut out = format!(
        "\n  comments by the language they were written in (und: emoji only)\n  {:<12} {:>9} {:>11} {:>9}   positive share vs the truth, per day judged\n",
        "language", "comments", "told right", "unscored"
    );
    for l in languages {
        out.push_str(&format!(
            "  {:<12} {:>9} {:>11} {:>9}   {}\n",
            l.language,
            l.comments,
            percent(l.told_right),
            percent(l.unscored),
            if l.days_judged == 0 {
                "no day with enough scored comments".to_string()
            } else {
                format!(
                    "mean error {}, largest {} ({} days)",
                    points(l.mean_positive_share_error),
                    points(l.max_positive_share_error),
                    l.days_judged
                )
            }
        ));
    }
    out
}
