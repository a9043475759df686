//! The example plugins in `plugins/examples/`, built with their real toolchains (componentize-py
//! and componentize-js, installed under `target/plugin-tools/` by `build-examples.sh`) and run
//! through the plugin host as a campaign would run them. Also prints what a Python plugin costs
//! to load: a cold compile, then a load from the compiled-component cache.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use hashtrack::domain::{Comment, DayFacts, ViewGrowth};
use hashtrack::plugin::{
    AlertRules, PluginErrorKind, PluginHost, PluginLimits, PluginSource, SentimentScorer,
};
use serde::Deserialize;

use crate::util::{comments, day_facts, rules_raised, settings, tracked_growth};

const CAMPAIGN: &str = "glowco-glassskin";

/// Builds both examples once per test run; the script reuses its tools and components when
/// nothing changed, so only the first run on a machine pays for installs and builds.
fn examples_dir() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("example-plugins");
        let script = crate::util::repo().join("plugins/examples/build-examples.sh");
        let started = Instant::now();
        let output = Command::new("bash")
            .arg(&script)
            .arg(&out)
            .output()
            .expect("bash should run");
        assert!(
            output.status.success(),
            "{} failed:\n{}{}",
            script.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!("build-examples.sh took {:.1?}", started.elapsed());
        out
    })
}

fn python_source() -> PluginSource {
    PluginSource::File(examples_dir().join("python-sentiment.wasm"))
}

/// The Python scorer, loaded once by the timing test's route: compiled cold into a fresh cache,
/// then loaded again by a second host from that cache (as the next `hashtrack run` would).
fn python_scorer() -> &'static SentimentScorer {
    static SCORER: OnceLock<SentimentScorer> = OnceLock::new();
    SCORER.get_or_init(|| {
        let cache = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("example-plugins-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&cache);
        let (cold, cold_total) = timed_load(&cache);
        let (cached, cached_total) = timed_load(&cache);
        let _ = std::fs::remove_dir_all(&cache);
        let (cold_report, cached_report) = (cold.load_report(), cached.load_report());
        eprintln!(
            "python-sentiment.wasm ({:.1} MB): cold compile {:.2?} (load {:.2?}), \
             cached load {:.2?} (load {:.2?})",
            cold_report.component_bytes as f64 / 1e6,
            cold_report.compile_time,
            cold_total,
            cached_report.compile_time,
            cached_total,
        );
        assert!(!cold_report.cache_hit, "a fresh cache cannot hit");
        assert!(
            cached_report.cache_hit,
            "the second load should come from the cache"
        );
        cached
    })
}

fn timed_load(cache: &Path) -> (SentimentScorer, Duration) {
    let host = PluginHost::new(Some(cache.to_path_buf())).unwrap();
    let started = Instant::now();
    // The defaults are enough: measured, this scorer needs about 14 MiB of memory and 0.3
    // million fuel per comment (2 billion per call by default).
    let scorer = host
        .load_sentiment(&python_source(), PluginLimits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    (scorer, started.elapsed())
}

/// The JavaScript rules, from a cache kept between test runs (only Python's cold compile is
/// measured).
fn js_rules() -> &'static AlertRules {
    static RULES: OnceLock<AlertRules> = OnceLock::new();
    RULES.get_or_init(|| {
        let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("example-plugins-cache");
        let host = PluginHost::new(Some(cache)).unwrap();
        let source = PluginSource::File(examples_dir().join("js-alerts.wasm"));
        let rules = host
            .load_alerts(&source, PluginLimits::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let report = rules.load_report();
        eprintln!(
            "js-alerts.wasm ({:.1} MB): {} in {:.2?}",
            report.component_bytes as f64 / 1e6,
            if report.cache_hit {
                "loaded from the cache"
            } else {
                "compiled"
            },
            report.compile_time
        );
        rules
    })
}

fn comment(id: &str, text: &str, likes: u64) -> Comment {
    Comment {
        likes,
        ..Comment::from_text(id, text)
    }
}

#[test]
fn python_scorer_compiles_once_then_loads_from_the_cache() {
    // The timings are printed by `python_scorer`, whichever test gets there first.
    let report = python_scorer().load_report();
    assert!(report.cache_hit);
    assert!(report.component_bytes > 1_000_000, "{report:?}");
}

#[test]
fn python_scorer_reads_praise_negation_and_emoji() {
    let texts = [
        "I love this serum, my skin is amazing 😍",
        "not good at all",
        "ordinary words only",
        "Don’t buy, total SCAM 👎",
    ];
    let started = Instant::now();
    let scores = python_scorer()
        .score(CAMPAIGN, &[], &comments(&texts))
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "python-sentiment scored {} comments in one call in {:.2?}",
        texts.len(),
        started.elapsed()
    );
    assert_eq!(scores.len(), texts.len());
    assert!(scores[0] > 0.5, "praise: {scores:?}");
    assert!(scores[1] < 0.0, "negated praise: {scores:?}");
    assert_eq!(scores[2], 0.0, "no sentiment terms: {scores:?}");
    assert!(scores[3] < -0.5, "complaint: {scores:?}");
}

/// One comment of the fixture files that `hashtrack plugin test --input` reads.
#[derive(Deserialize)]
struct FixtureComment {
    id: String,
    text: String,
    likes: u64,
}

#[test]
fn python_scorer_scores_its_fixture_comments() {
    let path = crate::util::repo().join("plugins/examples/python-sentiment/comments.json");
    let fixture: Vec<FixtureComment> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let comments: Vec<Comment> = fixture
        .iter()
        .map(|c| comment(&c.id, &c.text, c.likes))
        .collect();
    let scores = python_scorer().score(CAMPAIGN, &[], &comments).unwrap();
    assert_eq!(scores.len(), comments.len());
    assert!(
        scores[0] > 0.0 && scores[1] < 0.0 && scores[2] == 0.0,
        "{scores:?}"
    );
}

#[test]
fn python_lexicon_setting_overrides_the_built_in_terms() {
    let texts = comments(&["this is a dupe of the glow serum", "great texture"]);
    let scorer = python_scorer();
    let plain = scorer.score(CAMPAIGN, &[], &texts).unwrap();
    let lexicon = settings(&[("lexicon", "# beauty brand\ndupe -2\ngreat 0\n")]);
    let tuned = scorer.score(CAMPAIGN, &lexicon, &texts).unwrap();
    assert_eq!(plain[0], 0.0);
    assert!(
        tuned[0] < 0.0,
        "`dupe -2` should make it negative: {tuned:?}"
    );
    assert!(
        plain[1] > 0.0 && tuned[1] == 0.0,
        "{plain:?} then {tuned:?}"
    );
}

#[test]
fn python_bad_settings_are_errors_that_name_the_plugin() {
    let scorer = python_scorer();
    let texts = comments(&["nice"]);
    let plugin = python_source().to_string();
    for (key, value, expected) in [
        ("lexicn", "dupe -2", "unknown setting `lexicn`"),
        ("lexicon", "dupe -2\nscam\n", "lexicon line 2"),
    ] {
        let error = scorer
            .score(CAMPAIGN, &settings(&[(key, value)]), &texts)
            .expect_err("a bad setting must fail the call");
        assert_eq!(error.plugin, plugin);
        assert!(
            matches!(&error.kind, PluginErrorKind::PluginReturnedError(m) if m.contains(expected)),
            "{error}"
        );
        assert!(error.to_string().contains(&plugin), "{error}");
    }
}

/// A day with the API's new videos and the estimated new views (both per day). The JS rules
/// are a 0.1.0 component: they read these as `new-videos` and `new-views`.
fn day(date: &str, new_videos: Option<i64>, new_views: Option<i64>) -> DayFacts {
    DayFacts {
        span_days: Some(1),
        new_videos_per_day: new_videos.map(|n| n as f64),
        views: new_views.map(growth),
        ..day_facts(CAMPAIGN, date)
    }
}

/// New views per day, as estimated from the tracked videos.
fn growth(per_day: i64) -> ViewGrowth {
    tracked_growth(per_day as f64, None, 30)
}

/// Five ordinary days with 10 to 14 new videos and 50,000 new views each.
fn ordinary_history() -> Vec<DayFacts> {
    (0..5)
        .map(|i| day(&format!("2026-03-{:02}", 9 + i), Some(10 + i), Some(50_000)))
        .collect()
}

fn js_raised(settings: &[(String, String)], today: &DayFacts, history: &[DayFacts]) -> Vec<String> {
    rules_raised(js_rules(), CAMPAIGN, settings, today, history)
}

#[test]
fn js_rules_raise_a_surge_against_the_mean_of_history() {
    let history = ordinary_history(); // mean 12 new videos a day
    let surge = day("2026-03-14", Some(40), Some(60_000));
    let ordinary = day("2026-03-14", Some(30), Some(60_000));
    assert_eq!(js_raised(&[], &surge, &history), ["participation-surge"]);
    assert!(js_raised(&[], &ordinary, &history).is_empty());
    let factor_2 = settings(&[("surge-factor", "2")]);
    assert_eq!(
        js_raised(&factor_2, &ordinary, &history),
        ["participation-surge"]
    );

    let alerts = js_rules()
        .evaluate(CAMPAIGN, &[], &surge, &history)
        .unwrap();
    assert!(
        alerts[0].message.contains("40 new videos"),
        "{:?}",
        alerts[0]
    );
}

/// The alert-rules fixture that `hashtrack plugin test --input` reads.
#[derive(Deserialize)]
struct DaysFixture {
    today: DayFacts,
    history: Vec<DayFacts>,
}

#[test]
fn js_rules_raise_a_surge_on_their_fixture_days() {
    let path = crate::util::repo().join("plugins/examples/js-alerts/days.json");
    let fixture: DaysFixture =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        js_raised(&[], &fixture.today, &fixture.history),
        ["participation-surge"]
    );
}

#[test]
fn js_rules_raise_nothing_on_missing_data() {
    let history: Vec<DayFacts> = (0..5)
        .map(|i| day(&format!("2026-03-{:02}", 9 + i), None, None))
        .collect();
    let today = day("2026-03-14", None, None);
    assert!(js_raised(&[], &today, &history).is_empty());
    // A surge needs a baseline: today's count alone, against missing history, raises nothing.
    let busy_today = day("2026-03-14", Some(500), None);
    assert!(js_raised(&[], &busy_today, &history).is_empty());
    // Missing view counts are not "zero views": no stall either.
    assert!(js_raised(&settings(&[("stall-views", "1000000")]), &today, &history).is_empty());
}

#[test]
fn js_rules_raise_a_stall_after_three_slow_days_in_a_row() {
    let mut history = ordinary_history();
    history[3].views = Some(growth(200));
    history[4].views = Some(growth(0));
    let slow_today = day("2026-03-14", Some(12), Some(150));
    assert_eq!(js_raised(&[], &slow_today, &history), ["stall"]);
    // A gap in the stored days breaks the run.
    let after_a_gap = day("2026-03-16", Some(12), Some(150));
    assert!(js_raised(&[], &after_a_gap, &history).is_empty());
}

#[test]
fn js_rules_reject_unknown_and_malformed_settings() {
    let today = day("2026-03-14", Some(1), Some(1));
    for (key, value) in [("surge-factr", "2"), ("stall-views", "many")] {
        let error = js_rules()
            .evaluate(CAMPAIGN, &settings(&[(key, value)]), &today, &[])
            .expect_err("a bad setting must fail the call");
        assert!(
            matches!(&error.kind, PluginErrorKind::PluginReturnedError(m) if m.contains(key)),
            "{error}"
        );
    }
}

#[test]
fn the_examples_run_through_the_0_1_path() {
    assert_eq!(python_scorer().wit_version(), "0.1.0");
    assert_eq!(js_rules().wit_version(), "0.1.0");
    // 0.1 has no `check-settings`: a dry call stands in, and its `err` is the one problem.
    assert_eq!(js_rules().check_settings(CAMPAIGN, &[]), Ok(()));
    let error = js_rules()
        .check_settings(CAMPAIGN, &settings(&[("surge-factr", "2")]))
        .unwrap_err();
    assert!(
        matches!(&error.kind, PluginErrorKind::InvalidSettings(problems)
            if problems.len() == 1 && problems[0].contains("surge-factr")),
        "{error}"
    );
    assert_eq!(python_scorer().check_settings(CAMPAIGN, &[]), Ok(()));
}
