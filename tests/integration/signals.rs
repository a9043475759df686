//! What hashtrack tells an agency, on real HTTP against the simulator and checked against its
//! truth (`/_sim/truth`): a stall caught, a backlash caught the next day, a gap of days as a
//! span, a future date refused for 0 credits, and an unknown video count never shown as the
//! sample's size.

use chrono::{Days, NaiveDate};

use hashtrack::domain::{AlertsOutcome, DayMetrics, SentimentOutcome};
use hashtrack::pipeline::RunSummary;
use hashtrack::report::{Audience, ReportFormat, build_report, render};
use hashtrack::scorecard::TruthDay;
use hashtrack_sim::{HashtagQuirks, SimConfig, default_quirks};

use crate::util::*;

/// A roomy simulator where `hashtag` has its seed's quirks changed by `change`.
fn sim_where(hashtag: &str, change: impl FnOnce(&mut HashtagQuirks)) -> SimConfig {
    let mut config = roomy_sim();
    let mut quirks = default_quirks(hashtag, config.seed, config.start_date);
    change(&mut quirks);
    config.quirks.insert(hashtag.into(), quirks);
    config
}

/// Runs `date` with the simulator serving it (the pipeline collects it at its noon).
async fn collect(rig: &Rig, date: NaiveDate) -> RunSummary {
    rig.sim.set_date(date);
    rig.setup
        .pipeline
        .run_day(date, &[], &|_| {})
        .await
        .unwrap()
}

async fn truth(rig: &Rig, hashtag: &str, date: NaiveDate) -> TruthDay {
    let url = format!("{}/_sim/truth", rig.sim.base_url());
    reqwest::Client::new()
        .get(url)
        .query(&[("hashtag", hashtag), ("date", &date.to_string())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn rules(day: &DayMetrics) -> Vec<String> {
    match &day.alerts {
        AlertsOutcome::Evaluated { alerts } => alerts.iter().map(|a| a.rule.clone()).collect(),
        AlertsOutcome::Unavailable { reason } => panic!("rules unavailable: {reason}"),
    }
}

/// A rig with one campaign on `hashtag` (config lines `extra`).
async fn world_of(sim: SimConfig, spec: Campaign) -> Rig {
    rig(sim, 60_000, &[spec], TEST_KEY).await
}

fn campaign_of(rig: &Rig) -> hashtrack::config::CampaignConfig {
    let config = hashtrack::config::Config::load(&rig.config_path).unwrap();
    config.campaign("c").unwrap().clone()
}

fn stored(rig: &Rig, date: NaiveDate) -> DayMetrics {
    rig.setup.store.day("c", date).unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_campaign_is_caught_the_day_it_stalls_and_not_before() {
    let stall = sim_day(6);
    // The API counts its videos (with a 0 count, only the totals could bound a stall).
    let mut sim = sim_where("stallco", |q| {
        q.stall_on = Some(stall);
        q.zero_video_count = false;
    });
    // Served as of each day's end: a provider's lag would carry the last live hours into the
    // stall day's data, and the stall into the next day's.
    sim.provider_lag = Some(std::time::Duration::ZERO);
    let stallco = campaign("c", &["stallco"]).alert_setting("min-daily-views", 1000);
    let rig = world_of(sim, stallco).await;
    for n in 1..=8 {
        collect(&rig, sim_day(n)).await;
    }
    for n in 2..=8 {
        let date = sim_day(n);
        let true_views = truth(&rig, "stallco", date).await.new_views;
        let raised = rules(&stored(&rig, date)).contains(&"low-activity".to_string());
        if date >= stall {
            assert!(
                true_views < 1_000,
                "day {n}: the simulator did not stall ({true_views})"
            );
        }
        if date == stall || date == stall + Days::new(1) {
            assert!(
                raised,
                "day {n}: stall not caught ({true_views} true new views)"
            );
        }
        if true_views >= 5_000 {
            assert!(
                !raised,
                "day {n}: low activity raised on {true_views} true new views"
            );
        }
    }
    // The report says what the estimate rests on, not a bare rounding step.
    let days = rig.setup.store.days("c", sim_day(1), sim_day(8)).unwrap();
    let campaign = campaign_of(&rig);
    let text = render(
        &[build_report(&campaign, &days, sim_day(8), 8, 0.005)],
        ReportFormat::Text,
        Audience::Client,
    );
    assert!(text.contains(" tracked"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backlash_is_caught_by_the_next_day_and_not_before() {
    let backlash = sim_day(8);
    let sim = sim_where("lashco", |q| {
        q.backlash_on = Some(backlash);
        q.stall_on = None;
    });
    let rig = world_of(sim, campaign("c", &["lashco"]).sentiment_videos(3)).await;
    for n in 1..=9 {
        collect(&rig, sim_day(n)).await;
    }
    let backlash_rules = ["negative-sentiment", "sentiment-drop"];
    let caught = |n: u64| {
        rules(&stored(&rig, sim_day(n)))
            .iter()
            .any(|r| backlash_rules.contains(&r.as_str()))
    };
    assert!(
        caught(8) || caught(9),
        "backlash of day 8 not caught by day 9"
    );
    for n in 2..8 {
        assert!(!caught(n), "day {n}: a backlash alert before the backlash");
    }
    // The day's sentiment is over new comments, beside the running total.
    let day = stored(&rig, backlash);
    let SentimentOutcome::Scored(new) = &day.sentiment else {
        panic!("{:?}", day.sentiment)
    };
    let to_date = day.sentiment_to_date.as_ref().unwrap();
    assert!(to_date.comments > new.comments);
    assert!(
        new.negative_ratio > to_date.negative_ratio,
        "{new:?} vs {to_date:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gap_of_days_is_a_span_not_one_day() {
    let sim = sim_where("gapco", |q| {
        q.stall_on = None;
        q.zero_video_count = false;
    });
    let rig = world_of(sim, campaign("c", &["gapco"])).await;
    for n in [1, 2, 5] {
        collect(&rig, sim_day(n)).await;
    }
    let day = stored(&rig, sim_day(5));
    assert_eq!(day.span_days(), Some(3));
    let growth = day.view_growth.clone().unwrap();
    assert_eq!(growth.span_days, 3);
    let mut true_total = 0;
    for n in 3..=5 {
        true_total += truth(&rig, "gapco", sim_day(n)).await.new_views;
    }
    let true_per_day = true_total as f64 / 3.0;
    // Per day, not the three days' sum: within a factor of two of the truth.
    assert!(
        growth.per_day > true_per_day / 2.0 && growth.per_day < true_per_day * 2.0,
        "estimate {} a day against a true {true_per_day} a day",
        growth.per_day
    );
    let facts = day.facts();
    assert_eq!(facts.span_days, Some(3));
    assert_eq!(facts.views.unwrap().span_days, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zero_video_count_is_unknown_never_the_sample_size() {
    let sim = sim_where("zeroco", |q| q.zero_video_count = true);
    let rig = world_of(sim, campaign("c", &["zeroco"])).await;
    for n in 1..=2 {
        collect(&rig, sim_day(n)).await;
    }
    let day = stored(&rig, sim_day(2));
    assert_eq!(day.total_videos, None);
    assert_eq!(day.new_videos, None);
    assert!(day.videos_seen >= day.videos.len() as u64 && day.videos_seen > 0);
    let days = rig.setup.store.days("c", sim_day(1), sim_day(2)).unwrap();
    let campaign = campaign_of(&rig);
    let report = build_report(&campaign, &days, sim_day(2), 2, 0.005);
    let text = render(
        std::slice::from_ref(&report),
        ReportFormat::Text,
        Audience::Client,
    );
    assert!(
        text.contains(&format!(">={} seen", day.videos_seen)),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&render(&[report], ReportFormat::Json, Audience::Client)).unwrap();
    assert!(json["days"][1]["total_videos"].is_null(), "{json}");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_comment_is_read_and_scored_once_and_pages_move_past_what_is_known() {
    let sim = sim_where("chatco", |q| q.stall_on = None);
    let rig = world_of(sim, campaign("c", &["chatco"]).sentiment_videos(2)).await;
    let mut read = 0;
    for n in 1..=5 {
        collect(&rig, sim_day(n)).await;
        read += stored(&rig, sim_day(n)).comments_read;
    }
    let mut distinct = std::collections::HashSet::new();
    let mut comment_credits = 0;
    for entry in rig.setup.store.raw_entries() {
        let (key, snapshot) = entry.unwrap();
        if key.contains("/comments/") {
            comment_credits += snapshot.credits;
            let page = hashtrack::api::wire::parse_comment_page(snapshot.body.as_bytes()).unwrap();
            distinct.extend(page.items.into_iter().map(|c| c.id));
        }
    }
    assert_eq!(read as usize, distinct.len(), "a comment was counted twice");
    // At most the configured budget: 2 videos x 1 page of 50 a day.
    assert!(comment_credits <= 2 * 5, "{comment_credits}");
    // Pages continue past what was read: most comments of a page are new to the store.
    assert!(
        distinct.len() as u32 > 20 * comment_credits,
        "{} distinct comments for {comment_credits} credits",
        distinct.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_future_date_is_refused_before_anything_is_spent() {
    let rig = world_of(roomy_sim(), campaign("c", &["futureco"])).await;
    let tomorrow = chrono::Utc::now().date_naive() + Days::new(1);
    let config = rig.config_path.to_str().unwrap();
    let tomorrow = tomorrow.to_string();
    let (code, _, stderr) = run_cli(&["run", "--config", config, "--date", &tomorrow], TEST_KEY);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("in the future"), "{stderr}");
    let stats = rig.sim.stats();
    assert_eq!((stats.requests, stats.credits_charged), (0, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_misspelt_plugin_setting_stops_the_run_before_anything_is_spent() {
    let sim = start_sim(roomy_sim()).await;
    let dir = tempfile::tempdir().unwrap();
    let misspelt = campaign("c", &["typoco"]).alert_setting("min-postive-ratio", 0.3);
    let config_path = write_config(dir.path(), &sim.base_url(), 60_000, &[misspelt]);
    let (code, _, stderr) = run_cli(
        &["run", "--config", config_path.to_str().unwrap()],
        TEST_KEY,
    );
    assert_eq!(code, 1, "{stderr}");
    for words in ["nothing was spent", "campaign 'c'", "min-postive-ratio"] {
        assert!(stderr.contains(words), "{words}: {stderr}");
    }
    let stats = sim.stats();
    assert_eq!((stats.requests, stats.credits_charged), (0, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_day_collected_on_another_date_says_so() {
    let (sim, _dir, config_path) =
        configured_sim(roomy_sim(), 60_000, &[campaign("c", &["lateco"])]).await;
    // Collected now (the system clock), for a date long past.
    let setup = setup_with_clock(&config_path, TEST_KEY, hashtrack::pipeline::Clock::System);
    let long_ago = sim_day(3);
    sim.set_date(long_ago);
    setup
        .pipeline
        .run_day(long_ago, &[], &|_| {})
        .await
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    let day = setup.store.day("c", long_ago).unwrap().unwrap();
    assert_eq!(day.collected_on, Some(today));
    let config = hashtrack::config::Config::load(&config_path).unwrap();
    let text = render(
        &[build_report(
            config.campaign("c").unwrap(),
            &[day],
            long_ago,
            1,
            0.005,
        )],
        ReportFormat::Text,
        Audience::Client,
    );
    assert!(
        text.contains(&format!("(collected on {today} for {long_ago})")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_0_1_component_and_a_0_2_component_run_in_one_run() {
    // `alerts_v0_1.wasm` is the built-in alert rules as released for WIT 0.1.0 (commit
    // 8e90ca1), kept as a fixture: components built for 0.1.0 must keep working.
    let old_rules = crate::util::fixture("alerts_v0_1.wasm")
        .to_string_lossy()
        .into_owned();
    let campaigns = [
        campaign("old", &["versionold"])
            .alerts(Plugin::file(old_rules).setting("min-daily-views", 1_000_000_000)),
        campaign("new", &["versionnew"]).alert_setting("min-daily-views", 1_000_000_000),
    ];
    let rig = rig(roomy_sim(), 60_000, &campaigns, TEST_KEY).await;
    for n in 1..=2 {
        collect(&rig, sim_day(n)).await;
    }
    for id in ["old", "new"] {
        let day = rig.setup.store.day(id, sim_day(2)).unwrap().unwrap();
        let raised = rules(&day);
        // Both rule sets read the day's growth: far below a billion a day, a stall.
        assert!(
            raised.contains(&"low-activity".to_string()),
            "{id}: {raised:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn indonesian_comments_on_an_english_campaign_are_counted_unscored_and_raise_nothing() {
    // A backlash on day 8, in comments nearly all Indonesian: the campaign declares English
    // (the default), and the built-in scorer reads English only.
    let backlash = sim_day(8);
    let mut sim = sim_where("indoco", |q| {
        q.backlash_on = Some(backlash);
        q.stall_on = None;
    });
    sim.languages.insert(
        "indoco".into(),
        vec![
            (hashtrack_sim::Language::Id, 0.9),
            (hashtrack_sim::Language::En, 0.1),
        ],
    );
    let rig = world_of(sim, campaign("c", &["indoco"]).sentiment_videos(3)).await;
    for n in 1..=9 {
        collect(&rig, sim_day(n)).await;
    }
    let (mut unscored, mut read) = (0, 0);
    let mut scored_before = 0;
    for n in 2..=9 {
        let day = stored(&rig, sim_day(n));
        let scored = match &day.sentiment {
            SentimentOutcome::Scored(s) => {
                unscored += s.unscored.get("id").copied().unwrap_or(0);
                read += s.comments_read();
                s.comments
            }
            // Every new comment was Indonesian: said so, never a neutral day.
            SentimentOutcome::NotCollected { reason, .. } if reason.contains("Indonesian") => 0,
            other => panic!("day {n}: {other:?}"),
        };
        // The rules judge the scored remainder, pooled with the day before when thin; below
        // the built-in minimum of 30 new comments they raise nothing.
        if scored + scored_before < 30 {
            let raised = rules(&day);
            assert!(
                !raised.iter().any(|r| r.contains("sentiment")),
                "day {n}: {raised:?} on {scored} scored comments"
            );
        }
        scored_before = scored;
    }
    let share = f64::from(unscored) / f64::from(read.max(1));
    assert!(
        share > 0.6,
        "{unscored} of {read} new comments left unscored"
    );
    // The report says what share was not scored, and in which language.
    let days = rig.setup.store.days("c", sim_day(1), sim_day(9)).unwrap();
    let text = render(
        &[build_report(
            &campaign_of(&rig),
            &days,
            sim_day(9),
            9,
            0.005,
        )],
        ReportFormat::Text,
        Audience::Client,
    );
    assert!(text.contains("were not scored: Indonesian"), "{text}");
}

/// Language identification measured on the simulator's comments (its truth gives each one's
/// language): per language, the share told right when the campaign declares the four
/// languages, and when it declares English only (the others must then be told apart from
/// English to be left unscored, and English must not be lost to them).
#[test]
fn comment_languages_are_told_on_the_simulators_comments() {
    use hashtrack::language::LanguageId;
    use hashtrack_sim::{Language, sample_comments_in};
    let all = LanguageId::for_languages(&["en", "pt", "es", "id"].map(String::from));
    let english_only = LanguageId::for_languages(&["en".to_string()]);
    for language in Language::WRITTEN {
        let samples: Vec<_> = sample_comments_in(language, 11, 1_500)
            .into_iter()
            .filter(|s| s.language != Language::Und)
            .collect();
        let right = |id: &LanguageId| {
            samples
                .iter()
                .filter(|s| id.detect(&s.text) == s.language.code())
                .count() as f64
                / samples.len() as f64
        };
        let (declared, undeclared) = (right(&all), right(&english_only));
        eprintln!(
            "{language}: {:.1} % told right among en/pt/es/id, {:.1} % on an English campaign ({} comments)",
            declared * 100.0,
            undeclared * 100.0,
            samples.len()
        );
        assert!(declared >= 0.9, "{language}: {declared}");
        if language == Language::En {
            assert!(
                undeclared >= 0.99,
                "English lost on an English campaign: {undeclared}"
            );
        } else {
            assert!(
                undeclared >= 0.75,
                "{language} taken for English: {undeclared}"
            );
        }
    }
}
