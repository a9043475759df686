//! The plugin host against real components: hostile ones written in WAT (`fixtures/*.wat`,
//! each says what it does) that must end at a limit or be refused, and the built-in sentiment
//! and alert plugins end to end, including the compiled-component cache.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hashtrack::domain::{DayFacts, GrowthBasis, SentimentSummary, Severity, ViewGrowth};
use hashtrack::plugin::{
    CpuLimits, PluginError, PluginErrorKind, PluginHost, PluginLimits, PluginSource,
};

use crate::util::{comments, day_facts, rules_raised, settings, tracked_growth};

const CAMPAIGN: &str = "brandx-spring";

fn fixture(name: &str) -> PluginSource {
    PluginSource::File(crate::util::fixture(name))
}

fn host() -> PluginHost {
    PluginHost::new(None).expect("plugin host")
}

/// Scores `n` comments with a fixture under `limits`.
fn score_fixture(name: &str, limits: PluginLimits, n: usize) -> Result<Vec<f64>, PluginError> {
    let scorer = host()
        .load_sentiment(&fixture(name), limits)
        .unwrap_or_else(|e| panic!("{name} should load: {e}"));
    scorer.score(CAMPAIGN, &[], &comments(&vec!["hello"; n]))
}

fn load_error(result: Result<impl Sized, PluginError>) -> PluginError {
    match result {
        Ok(_) => panic!("loading should have failed"),
        Err(e) => e,
    }
}

#[test]
fn an_infinite_loop_ends_at_the_fuel_limit() {
    let limits = PluginLimits {
        fuel: 50_000_000,
        timeout: Duration::from_secs(30),
        ..PluginLimits::default()
    };
    let started = Instant::now();
    let error = score_fixture("infinite_loop.wat", limits, 1).unwrap_err();
    assert_eq!(error.kind, PluginErrorKind::OutOfFuel { fuel: 50_000_000 });
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_infinite_loop_ends_at_the_time_limit() {
    let limits = PluginLimits {
        fuel: u64::MAX,
        timeout: Duration::from_millis(200),
        ..PluginLimits::default()
    };
    let started = Instant::now();
    let error = score_fixture("infinite_loop.wat", limits.clone(), 1).unwrap_err();
    assert_eq!(
        error.kind,
        PluginErrorKind::Timeout {
            limit: Duration::from_millis(200)
        }
    );
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    // What the interrupted call used is unknown, not the stale counter.
    let scorer = host()
        .load_sentiment(&fixture("infinite_loop.wat"), limits)
        .unwrap();
    let (result, report) = scorer.score_measured(CAMPAIGN, &[], "en", &comments(&["hello"]));
    assert!(result.is_err());
    assert_eq!(report.fuel_used, None);
}

/// The benchmark's hosts with one CPU limit off keep the other: without fuel the epoch
/// deadline ends a loop, without the epoch fuel does, and an unmetered call reports no fuel.
#[test]
fn each_cpu_limit_alone_still_ends_an_infinite_loop() {
    let limits = PluginLimits {
        fuel: 50_000_000,
        timeout: Duration::from_millis(300),
        ..PluginLimits::default()
    };
    let run = |fuel, epoch| {
        let host = PluginHost::with_cpu_limits(None, CpuLimits { fuel, epoch }).unwrap();
        let scorer = host
            .load_sentiment(&fixture("infinite_loop.wat"), limits.clone())
            .unwrap();
        scorer.score_measured(CAMPAIGN, &[], "en", &comments(&["hello"]))
    };
    let (result, _) = run(false, true);
    assert_eq!(
        result.unwrap_err().kind,
        PluginErrorKind::Timeout {
            limit: Duration::from_millis(300)
        }
    );
    let (result, _) = run(true, false);
    assert_eq!(
        result.unwrap_err().kind,
        PluginErrorKind::OutOfFuel { fuel: 50_000_000 }
    );
    let scorer = PluginHost::with_cpu_limits(
        None,
        CpuLimits {
            fuel: false,
            epoch: true,
        },
    )
    .unwrap()
    .load_sentiment(&PluginSource::BuiltinSentiment, PluginLimits::default())
    .unwrap();
    let (scores, report) = scorer.score_measured(CAMPAIGN, &[], "en", &comments(&["love it"]));
    assert!(scores.unwrap()[0] > 0.0);
    assert_eq!(report.fuel_used, None, "an unmetered call counts no fuel");
}

#[test]
fn a_memory_bomb_ends_at_the_memory_limit() {
    let limits = PluginLimits {
        memory_bytes: 16 * 1024 * 1024,
        ..PluginLimits::default()
    };
    let error = score_fixture("memory_bomb.wat", limits, 1).unwrap_err();
    assert_eq!(
        error.kind,
        PluginErrorKind::OutOfMemory {
            limit_bytes: 16 * 1024 * 1024
        }
    );
    assert!(
        error.to_string().contains("out of memory (limit of 16 MiB"),
        "{error}"
    );
}

#[test]
fn a_trap_is_reported_with_plugin_campaign_and_last_log_line() {
    let error = score_fixture("trap_after_logging.wat", PluginLimits::default(), 1).unwrap_err();
    assert!(
        matches!(&error.kind, PluginErrorKind::Trap(reason) if reason.contains("unreachable")),
        "{:?}",
        error.kind
    );
    assert_eq!(error.campaign.as_deref(), Some(CAMPAIGN));
    assert_eq!(error.last_log_lines, ["warn: about to hit unreachable"]);
    let text = error.to_string();
    for expected in [
        "trap_after_logging.wat",
        CAMPAIGN,
        "warn: about to hit unreachable",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
}

#[test]
fn printed_output_is_captured_up_to_the_cap_and_quoted() {
    // 100 lines of 32 bytes against a cap of 96 bytes: three lines kept, the rest counted.
    let limits = PluginLimits {
        max_output_bytes: 96,
        ..PluginLimits::default()
    };
    let error = score_fixture("print_then_trap.wat", limits, 100).unwrap_err();
    assert!(
        matches!(error.kind, PluginErrorKind::Trap(_)),
        "{:?}",
        error.kind
    );
    assert_eq!(
        error.last_log_lines,
        [
            "stdout: line printed to stdout by guest",
            "stdout: line printed to stdout by guest",
            "stdout: line printed to stdout by guest",
            "stdout: (3104 more bytes were dropped)",
        ]
    );
}

#[test]
fn a_trap_leaves_nothing_behind_for_the_next_call() {
    let scorer = host()
        .load_sentiment(
            &fixture("fresh_state_per_call.wat"),
            PluginLimits::default(),
        )
        .unwrap();
    let two = comments(&["a", "b"]);
    let trap_please = [("any".to_string(), "setting".to_string())];
    assert_eq!(scorer.score(CAMPAIGN, &[], &two).unwrap(), [1.0, 1.0]);
    let error = scorer.score(CAMPAIGN, &trap_please, &two).unwrap_err();
    assert!(
        matches!(error.kind, PluginErrorKind::Trap(_)),
        "{:?}",
        error.kind
    );
    assert_eq!(scorer.score(CAMPAIGN, &[], &two).unwrap(), [1.0, 1.0]);
}

#[test]
fn wrong_output_is_refused_with_the_reason() {
    for (name, reason) in [
        ("wrong_length.wat", "4 scores for 3 comments"),
        ("nan_scores.wat", "score NaN for comment `c0`"),
        ("out_of_range_scores.wat", "score 1.5 for comment `c0`"),
    ] {
        let error = score_fixture(name, PluginLimits::default(), 3).unwrap_err();
        match &error.kind {
            PluginErrorKind::InvalidOutput(text) => {
                assert!(text.starts_with(reason), "{name}: {text}")
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn a_future_wit_version_is_refused_naming_the_versions_spoken() {
    let error =
        load_error(host().load_sentiment(&fixture("future_version.wat"), PluginLimits::default()));
    assert_eq!(
        error.kind,
        PluginErrorKind::UnsupportedVersion {
            found: "hashtrack:plugins/scorer@0.4.0".to_string(),
            supported: "hashtrack:plugins/scorer@0.3.0, hashtrack:plugins/scorer@0.2.0 or hashtrack:plugins/scorer@0.1.0",
        }
    );
    assert_eq!(error.campaign, None);
}

#[test]
fn a_component_without_the_interface_is_refused_naming_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.wat");
    std::fs::write(&empty, "(component)").unwrap();
    let error = load_error(host().load_alerts(&PluginSource::File(empty), PluginLimits::default()));
    assert_eq!(
        error.kind,
        PluginErrorKind::MissingExport {
            expected: "hashtrack:plugins/rules@0.3.0, hashtrack:plugins/rules@0.2.0 or hashtrack:plugins/rules@0.1.0",
            found: vec![],
        }
    );

    // An alert-rules component offered as a sentiment scorer.
    let error =
        load_error(host().load_sentiment(&PluginSource::BuiltinAlerts, PluginLimits::default()));
    match &error.kind {
        PluginErrorKind::MissingExport { expected, found } => {
            assert_eq!(
                *expected,
                "hashtrack:plugins/scorer@0.3.0, hashtrack:plugins/scorer@0.2.0 or hashtrack:plugins/scorer@0.1.0"
            );
            assert_eq!(found, &["hashtrack:plugins/rules@0.2.0"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn files_that_are_too_large_or_not_components_are_refused() {
    let limits = PluginLimits {
        max_component_bytes: 100,
        ..PluginLimits::default()
    };
    let error = load_error(host().load_sentiment(&fixture("infinite_loop.wat"), limits));
    assert!(
        matches!(error.kind, PluginErrorKind::TooLarge { limit: 100, size } if size > 100),
        "{:?}",
        error.kind
    );

    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.wasm");
    std::fs::write(&garbage, b"\0asm but not really").unwrap();
    let error =
        load_error(host().load_sentiment(&PluginSource::File(garbage), PluginLimits::default()));
    assert!(
        matches!(error.kind, PluginErrorKind::Load(_)),
        "{:?}",
        error.kind
    );

    let missing = PluginSource::File(dir.path().join("missing.wasm"));
    let error = load_error(host().load_sentiment(&missing, PluginLimits::default()));
    assert!(
        matches!(&error.kind, PluginErrorKind::Load(reason) if reason.contains("cannot read")),
        "{:?}",
        error.kind
    );
}

/// WASI is linked (guests import it) but grants nothing. This checks what a WAT guest can ask
/// for directly; a Rust or Python guest's `std::fs` or `socket` goes through these same calls.
#[test]
fn a_plugin_gets_no_files_environment_arguments_or_sockets() {
    let scores = score_fixture("wasi_probe.wat", PluginLimits::default(), 4).unwrap();
    assert_eq!(
        scores,
        [0.0, 0.0, 0.0, 0.0],
        "[preopens, env vars, args, tcp allowed]"
    );
}

#[test]
fn sleeping_returns_at_once_instead_of_blocking_past_the_deadline() {
    let started = Instant::now();
    let scores = score_fixture("sleeper.wat", PluginLimits::default(), 2).unwrap();
    assert_eq!(scores, [0.0, 0.0]);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_builtin_sentiment_scorer_scores_comments_in_range() {
    let scorer = host()
        .load_sentiment(&PluginSource::BuiltinSentiment, PluginLimits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let texts = [
        "I love this, absolutely amazing!",
        "This is terrible, I hate it",
        "posted at 3pm",
        "OMG 😍😍 best collab ever",
        "meh… not worth the hype tbh",
    ];
    let scores = scorer.score(CAMPAIGN, &[], &comments(&texts)).unwrap();
    assert_eq!(scores.len(), texts.len());
    assert!(
        scores.iter().all(|s| (-1.0..=1.0).contains(s)),
        "{scores:?}"
    );
    assert!(scores[0] > 0.0 && scores[1] < 0.0, "{scores:?}");
    assert!(scores[0] > scores[2] && scores[2] > scores[1], "{scores:?}");
}

fn day(date: &str) -> DayFacts {
    day_facts(CAMPAIGN, date)
}

/// The built-in rules' alerts on `today` with no history.
fn builtin_raised(today: &DayFacts, pairs: &[(&str, &str)]) -> Vec<String> {
    let rules = host()
        .load_alerts(&PluginSource::BuiltinAlerts, PluginLimits::default())
        .unwrap();
    rules_raised(&rules, CAMPAIGN, &settings(pairs), today, &[])
}

/// Growth estimated from the tracked videos' exact plays (at most twice as much).
fn tracked(per_day: f64) -> Option<ViewGrowth> {
    Some(tracked_growth(per_day, Some(per_day * 2.0), 20))
}

/// `n` new comments, `positive` of them positive and the rest negative.
fn new_comments(n: u32, positive: u32) -> Option<SentimentSummary> {
    Some(SentimentSummary {
        unscored: Default::default(),
        languages: Default::default(),
        comments: n,
        positive,
        neutral: 0,
        negative: n - positive,
        positive_ratio: f64::from(positive) / f64::from(n),
        negative_ratio: f64::from(n - positive) / f64::from(n),
        mean_score: -0.3,
    })
}

#[test]
fn the_builtin_alerts_raise_each_threshold_rule() {
    let viral = DayFacts {
        views: tracked(812_400.0),
        new_videos_per_day: Some(74.0),
        ..day("2026-03-14")
    };
    assert_eq!(
        builtin_raised(&viral, &[]),
        ["viral-day", "high-participation"]
    );

    let quiet = DayFacts {
        views: tracked(212.0),
        new_comments: new_comments(140, 14),
        ..day("2026-03-15")
    };
    assert_eq!(
        builtin_raised(&quiet, &[]),
        ["low-activity", "negative-sentiment"]
    );

    // Thresholds come from the campaign's settings.
    let modest = DayFacts {
        views: tracked(20_000.0),
        ..day("2026-03-16")
    };
    assert!(builtin_raised(&modest, &[]).is_empty());
    assert_eq!(
        builtin_raised(&modest, &[("viral-day-views", "10_000")]),
        ["viral-day"]
    );
}

#[test]
fn the_builtin_alerts_write_sentences_with_their_bounds_in_words() {
    let rules = host()
        .load_alerts(&PluginSource::BuiltinAlerts, PluginLimits::default())
        .unwrap();
    let today = DayFacts {
        views: tracked(812_400.0),
        ..day("2026-03-14")
    };
    let alerts = rules.evaluate(CAMPAIGN, &[], &today, &[]).unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].severity, Severity::Info);
    assert_eq!(
        alerts[0].message,
        "Viral day: at least 810,000 new views a day (at most 1.7 M), above the 500,000 \
         threshold."
    );
}

#[test]
fn the_builtin_alerts_raise_nothing_on_missing_data_or_a_rounding_step() {
    let history: Vec<DayFacts> = (1..=7).map(|d| day(&format!("2026-03-0{d}"))).collect();
    let rules = host()
        .load_alerts(&PluginSource::BuiltinAlerts, PluginLimits::default())
        .unwrap();
    let alerts = rules
        .evaluate(CAMPAIGN, &[], &day("2026-03-08"), &history)
        .unwrap();
    assert!(alerts.is_empty(), "{alerts:?}");

    // Rounded totals that did not move (no usable sample) are not a stalled campaign, and a
    // step of 100,000 is not a viral day.
    for change in [0, 100_000] {
        let stepped = DayFacts {
            views: Some(ViewGrowth {
                span_days: 1,
                per_day: change as f64,
                per_day_low: 0.0,
                per_day_high: Some(change as f64 + 100_000.0),
                totals_change: Some(change),
                totals_step: Some(100_000),
                tracked_change: 0,
                tracked_compared: 0,
                basis: GrowthBasis::Totals,
            }),
            ..day("2026-03-09")
        };
        let settings = [("viral-day-views".to_string(), "50000".to_string())];
        assert!(
            rules
                .evaluate(CAMPAIGN, &settings, &stepped, &history)
                .unwrap()
                .is_empty(),
            "{change}"
        );
    }
}

#[test]
fn the_builtin_alerts_refuse_unusable_settings_naming_the_key() {
    let rules = host()
        .load_alerts(&PluginSource::BuiltinAlerts, PluginLimits::default())
        .unwrap();
    for (key, value) in [("viral-views", "5"), ("min-daily-views", "lots")] {
        let settings = [(key.to_string(), value.to_string())];
        let error = rules
            .evaluate(CAMPAIGN, &settings, &day("2026-03-14"), &[])
            .unwrap_err();
        match &error.kind {
            PluginErrorKind::PluginReturnedError(message) => {
                assert!(message.contains(&format!("`{key}`")), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn the_builtin_alerts_check_settings_naming_every_problem() {
    let rules = host()
        .load_alerts(&PluginSource::BuiltinAlerts, PluginLimits::default())
        .unwrap();
    assert_eq!(rules.wit_version(), "0.2.0");
    let ok = [("min-new-comments".to_string(), "50".to_string())];
    assert_eq!(rules.check_settings(CAMPAIGN, &ok), Ok(()));
    let bad = [
        ("viral-views".to_string(), "5".to_string()),
        ("min-daily-views".to_string(), "lots".to_string()),
    ];
    let error = rules.check_settings(CAMPAIGN, &bad).unwrap_err();
    match &error.kind {
        PluginErrorKind::InvalidSettings(problems) => {
            assert_eq!(problems.len(), 2, "{problems:?}");
            assert!(problems[0].contains("`viral-views`"), "{problems:?}");
            assert!(problems[1].contains("`min-daily-views`"), "{problems:?}");
        }
        other => panic!("{other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.contains("builtin:alerts")
            && text.contains(CAMPAIGN)
            && text.contains("`viral-views`"),
        "{text}"
    );
}

#[test]
fn the_builtin_scorer_checks_settings_and_has_an_identity() {
    let scorer = host()
        .load_sentiment(&PluginSource::BuiltinSentiment, PluginLimits::default())
        .unwrap();
    assert_eq!(scorer.wit_version(), "0.3.0");
    assert_eq!(scorer.languages(), ["en", "es", "pt", "id"]);
    let identity = scorer.identity();
    let (name, hash) = identity.split_once('#').unwrap();
    assert_eq!(name, "builtin:sentiment");
    assert_eq!(hash.len(), 12, "{identity}");
    assert_eq!(scorer.check_settings(CAMPAIGN, &[]), Ok(()));
    let bad = [("lexicon".to_string(), "dupe\nglow 9\n".to_string())];
    match scorer.check_settings(CAMPAIGN, &bad).unwrap_err().kind {
        PluginErrorKind::InvalidSettings(problems) => assert_eq!(problems.len(), 2, "{problems:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_host_runs_a_0_1_component_and_a_0_3_component() {
    let host = host();
    // A 0.1.0 scorer (hand-written WAT) and the 0.3.0 built-in, side by side.
    let old = host
        .load_sentiment(
            &fixture("fresh_state_per_call.wat"),
            PluginLimits::default(),
        )
        .unwrap();
    let new = host
        .load_sentiment(&PluginSource::BuiltinSentiment, PluginLimits::default())
        .unwrap();
    assert_eq!(old.wit_version(), "0.1.0");
    assert_eq!(new.wit_version(), "0.3.0");
    assert_eq!(old.languages(), ["en"]);
    let two = comments(&["love it", "hate it"]);
    assert_eq!(old.score(CAMPAIGN, &[], &two).unwrap().len(), 2);
    let scores = new.score(CAMPAIGN, &[], &two).unwrap();
    assert!(scores[0] > 0.0 && scores[1] < 0.0, "{scores:?}");
    // A 0.1 scorer's settings are checked by a dry call.
    assert_eq!(old.check_settings(CAMPAIGN, &[]), Ok(()));
    assert_ne!(old.identity(), new.identity());
}

fn cache_entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "cwasm"))
        .collect()
}

#[test]
fn the_second_load_is_a_cache_hit_across_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let load = |host: &PluginHost| {
        *host
            .load_alerts(&PluginSource::BuiltinAlerts, PluginLimits::default())
            .unwrap()
            .load_report()
    };
    let first_host = PluginHost::new(Some(dir.path().to_path_buf())).unwrap();
    assert!(!load(&first_host).cache_hit);
    assert!(load(&first_host).cache_hit);
    let second_host = PluginHost::new(Some(dir.path().to_path_buf())).unwrap();
    assert!(load(&second_host).cache_hit);
    assert_eq!(cache_entries(dir.path()).len(), 1);
}

#[test]
fn a_corrupted_cache_entry_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let host = PluginHost::new(Some(dir.path().to_path_buf())).unwrap();
    let load = || {
        host.load_alerts(&PluginSource::BuiltinAlerts, PluginLimits::default())
            .unwrap()
    };
    assert!(!load().load_report().cache_hit);
    let [entry] = cache_entries(dir.path()).try_into().unwrap();

    let mut bytes = std::fs::read(&entry).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&entry, &bytes).unwrap();
    let rebuilt = load();
    assert!(!rebuilt.load_report().cache_hit);
    assert!(
        rebuilt
            .evaluate(CAMPAIGN, &[], &day("2026-03-14"), &[])
            .is_ok()
    );

    std::fs::write(&entry, b"truncated").unwrap();
    assert!(!load().load_report().cache_hit);
    assert!(
        load().load_report().cache_hit,
        "the rebuilt entry is used again"
    );
}
