//! The `hashtrack` binary as a user runs it: exit codes, messages, JSON output, secrets, and a
//! run killed mid-way and resumed.

use std::path::Path;
use std::process::{Command, Stdio};

use std::time::{Duration, Instant};

use hashtrack::config::Config;
use hashtrack_sim::SimConfig;

use crate::util::*;

#[test]
fn the_shipped_campaigns_toml_parses_and_shows_two_clients_with_different_rules() {
    let path = crate::util::repo().join("campaigns.toml");
    let config = Config::load(&path).unwrap();
    assert!(config.clients.len() >= 2);
    let mut rule_sets: Vec<_> = config
        .campaigns
        .iter()
        .map(|c| (c.client.clone(), c.alerts.clone()))
        .collect();
    rule_sets.dedup_by(|a, b| a.0 == b.0);
    assert!(
        rule_sets.windows(2).any(|w| w[0].1 != w[1].1),
        "clients should differ in their alert rules"
    );
    assert!(config.campaigns.iter().any(|c| {
        c.sentiment
            .all
            .settings
            .iter()
            .any(|(k, v)| k == "lexicon" && !v.is_empty())
    }));
}

#[test]
fn a_bad_config_is_reported_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("campaigns.toml");
    std::fs::write(
        &path,
        "[settings]\nrequests_per_minute = 10\nrequest_per_minute = 5\n",
    )
    .unwrap();
    let (code, _, stderr) = run_cli(&["run", "--config", path.to_str().unwrap()], "k");
    assert_eq!(code, 1);
    let expected = format!("{}:3:1:", path.display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("request_per_minute"), "{stderr}");
}

#[test]
fn run_without_a_key_says_which_variable_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "http://127.0.0.1:9",
        10,
        &[campaign("a", &["x"])],
    );
    let (code, _, stderr) = run_cli(&["run", "--config", path.to_str().unwrap()], "");
    assert_eq!(code, 1);
    assert!(stderr.contains("SCAVIO_API_KEY"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn run_json_reports_credits_and_the_key_appears_nowhere() {
    let secret = "sk-live-4f9a2c7e-never-print-me";
    let (_sim, dir, path) = configured_sim(
        SimConfig {
            api_key: Some(secret.into()),
            ..roomy_sim()
        },
        60_000,
        &[campaign("a", &["secretive"]), campaign("b", &["other"])],
    )
    .await;
    let config = path.to_str().unwrap().to_string();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        run_cli(
            &[
                "-vv",
                "run",
                "--config",
                &config,
                "--date",
                "2026-11-01",
                "--allow-other-date",
                "--json",
            ],
            secret,
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["date"], "2026-11-01");
    assert!(json["credits_spent"].as_u64().unwrap() >= 6);
    assert!(json["requests"].as_u64().unwrap() >= 6);
    for c in json["campaigns"].as_array().unwrap() {
        assert!(c["id"].is_string() && c["credits_spent"].as_u64().unwrap() >= 3);
        assert_eq!(c["status"], "complete");
    }
    assert!(!stdout.contains(secret) && !stderr.contains(secret));
    assert_no_file_contains(&dir.path().join("data"), secret.as_bytes());

    // A refused key is named by its variable, never shown.
    let config = path.to_str().unwrap().to_string();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        run_cli(
            &[
                "-vv",
                "run",
                "--config",
                &config,
                "--date",
                "2026-11-02",
                "--allow-other-date",
            ],
            "sk-wrong-key-also-secret",
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 2);
    assert!(stderr.contains("SCAVIO_API_KEY"), "{stderr}");
    assert!(
        !stdout.contains("sk-wrong") && !stderr.contains("sk-wrong"),
        "{stderr}"
    );
}

fn assert_no_file_contains(dir: &Path, needle: &[u8]) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert_no_file_contains(&path, needle);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} holds the key",
                path.display()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_mid_way_and_resumed_pays_each_credit_once() {
    let campaigns: &[Campaign] = &[
        campaign("a", &["resume1"]).sentiment_videos(4),
        campaign("b", &["resume2"]).sentiment_videos(4),
        campaign("c", &["resume3"]).sentiment_videos(4),
        campaign("d", &["resume4"]).sentiment_videos(4),
    ];

    // The baseline: the same day, collected in one go.
    let clean_sim = start_sim(roomy_sim()).await;
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_config = write_config(clean_dir.path(), &clean_sim.base_url(), 60_000, campaigns);
    let clean = run_to_end(&clean_config).await;
    assert_eq!(clean, 0);
    let baseline = clean_sim.stats().credits_charged;
    assert!(baseline >= 10);

    // Paced at 4 a second so the kill lands mid-way.
    let (sim, _dir, config) = configured_sim(roomy_sim(), 240, campaigns).await;
    let mut child = hashtrack()
        .args([
            "run",
            "--config",
            config.to_str().unwrap(),
            "--date",
            "2026-11-01",
            "--allow-other-date",
        ])
        .env("SCAVIO_API_KEY", TEST_KEY)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while sim.stats().credits_charged < 4 {
        assert!(Instant::now() < deadline, "the run never got going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Kill in the idle gap between two paced requests (the 4th was charged, its body is being
    // stored, the 5th is 250 ms away): a crash while a paid answer is on the wire is the one
    // loss no client can prevent, and not what this test is about.
    tokio::time::sleep(Duration::from_millis(150)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let before_resume = sim.stats().credits_charged;
    assert!(
        before_resume < baseline,
        "the kill came too late to test anything"
    );

    assert_eq!(run_to_end(&config).await, 0);
    assert_eq!(
        sim.stats().credits_charged,
        baseline,
        "a credit was paid twice (or one was lost)"
    );
}

async fn run_to_end(config: &Path) -> i32 {
    let config = config.to_str().unwrap().to_string();
    tokio::task::spawn_blocking(move || {
        run_cli(
            &[
                "run",
                "--config",
                &config,
                "--date",
                "2026-11-01",
                "--allow-other-date",
            ],
            TEST_KEY,
        )
        .0
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn rescore_recomputes_stored_days_without_calling_the_api() {
    let (sim, _dir, path) =
        configured_sim(roomy_sim(), 60_000, &[campaign("a", &["rescorecli"])]).await;
    let config = path.to_str().unwrap().to_string();
    let (code, _, stderr) = tokio::task::spawn_blocking(move || {
        run_cli(
            &[
                "run",
                "--config",
                &config,
                "--date",
                "2026-11-01",
                "--allow-other-date",
            ],
            TEST_KEY,
        );
        run_cli(
            &[
                "run",
                "--config",
                &config,
                "--date",
                "2026-11-02",
                "--allow-other-date",
            ],
            TEST_KEY,
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stderr}");
    let requests_before = sim.stats().requests;
    let config = path.to_str().unwrap().to_string();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        run_cli(
            &[
                "rescore",
                "--config",
                &config,
                "--from",
                "2026-10-30",
                "--to",
                "2026-11-02",
                "--json",
            ],
            "",
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stderr}");
    let days: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let dates: Vec<_> = days
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        ["2026-11-01", "2026-11-02"],
        "only stored days are re-scored"
    );
    for day in days.as_array().unwrap() {
        assert_eq!(
            (day["credits_spent"].as_u64(), day["requests"].as_u64()),
            (Some(0), Some(0))
        );
        assert_eq!(day["campaigns"][0]["status"], "complete");
    }
    assert_eq!(
        sim.stats().requests,
        requests_before,
        "re-scoring must not call the API"
    );
}

#[test]
fn usage_errors_exit_1_never_the_partial_day_code_2() {
    for args in [
        &["run", "--bogus"][..],
        &["run", "--date", "2026-13-45"],
        &["report", "--days", "0"],
    ] {
        let (code, _, stderr) = run_cli(args, "k");
        assert_eq!(code, 1, "{args:?}: {stderr}");
    }
    let (code, stdout, _) = run_cli(&["run", "--help"], "k");
    assert_eq!(code, 0);
    assert!(stdout.contains("--allow-other-date"), "{stdout}");
}

#[test]
fn an_unreachable_api_is_an_error_said_as_such() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on the discard port.
    let path = write_config(
        dir.path(),
        "http://127.0.0.1:9",
        6_000,
        &[campaign("a", &["x"])],
    );
    let (code, _, stderr) = run_cli(&["run", "--config", path.to_str().unwrap()], "k");
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("could not be reached"), "{stderr}");
}

#[test]
fn config_and_store_mistakes_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let (code, _, stderr) = run_cli(&["report", "--config", missing.to_str().unwrap()], "k");
    assert_eq!(code, 1);
    assert_eq!(
        stderr.matches("No such file").count(),
        1,
        "said once: {stderr}"
    );

    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "[settings]\nrequests_per_minute = 10\n").unwrap();
    let (code, _, stderr) = run_cli(&["run", "--config", empty.to_str().unwrap()], "k");
    assert_eq!(code, 1);
    assert!(stderr.contains("no [[campaigns]]"), "{stderr}");

    let config = write_config(
        dir.path(),
        "http://127.0.0.1:9",
        10,
        &[campaign("a", &["x"])],
    );
    let typo = dir.path().join("typo");
    let (code, _, stderr) = run_cli(
        &[
            "report",
            "--config",
            config.to_str().unwrap(),
            "--data-dir",
            typo.to_str().unwrap(),
        ],
        "k",
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("no store at"), "{stderr}");
    assert!(!typo.exists(), "a report never creates a store");
}

#[test]
fn plugin_limits_and_files_are_checked_before_anything_is_spent() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.wasm"), "just some text").unwrap();
    let base = || campaign("a", &["x"]);
    for (spec, expected) in [
        (
            base().sentiment(Plugin::default().memory_mib(0)),
            "memory_mib must be from 1",
        ),
        (
            base().alerts(Plugin::default().fuel(0)),
            "fuel must be from",
        ),
        (
            base().alerts(Plugin::default().timeout_ms(0)),
            "timeout_ms must be from",
        ),
        (
            base().sentiment(Plugin::file("notes.wasm")),
            "is not WebAssembly",
        ),
    ] {
        let path = write_config(dir.path(), "http://127.0.0.1:9", 10, &[spec]);
        let (code, _, stderr) = run_cli(&["run", "--config", path.to_str().unwrap()], "k");
        assert_eq!(code, 1, "{expected}: {stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
        assert!(
            stderr.contains("campaigns.toml:"),
            "names the file: {stderr}"
        );
    }
}

#[test]
fn logs_carry_no_colours_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "http://127.0.0.1:9",
        6_000,
        &[campaign("a", &["x"])],
    );
    let (_, _, stderr) = run_cli(&["-vv", "run", "--config", path.to_str().unwrap()], "k");
    assert!(!stderr.is_empty());
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_cleanly_keeps_every_paid_answer_and_the_run_resumes() {
    let campaigns: &[Campaign] = &[
        campaign("a", &["sigterm1"]).sentiment_videos(4),
        campaign("b", &["sigterm2"]).sentiment_videos(4),
    ];
    let clean_sim = start_sim(roomy_sim()).await;
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_config = write_config(clean_dir.path(), &clean_sim.base_url(), 60_000, campaigns);
    assert_eq!(run_to_end(&clean_config).await, 0);
    let baseline = clean_sim.stats().credits_charged;

    // Paced at 2 a second, so the signal comes with requests still to go.
    let (sim, dir, config) = configured_sim(roomy_sim(), 120, campaigns).await;
    let child = hashtrack()
        .args(["run", "--config", config.to_str().unwrap()])
        .args(["--date", "2026-11-01", "--allow-other-date"])
        .env("SCAVIO_API_KEY", TEST_KEY)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while sim.stats().credits_charged < 3 {
        assert!(Instant::now() < deadline, "the run never got going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let signalled = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{stderr}");
    assert!(
        signalled.elapsed() < Duration::from_secs(10),
        "it took too long to stop"
    );
    assert!(
        stderr.contains("SIGTERM") && stderr.contains("credits"),
        "{stderr}"
    );
    let charged = sim.stats().credits_charged;
    assert!(
        charged < baseline,
        "the signal came too late to test anything"
    );
    {
        let store = hashtrack::store::Store::open(&dir.path().join("data/store")).unwrap();
        let stored: u32 = store
            .credits_spent_on(date("2026-11-01"))
            .unwrap()
            .values()
            .sum();
        assert_eq!(u64::from(stored), charged, "every paid answer was stored");
    }
    assert_eq!(run_to_end(&config).await, 0);
    assert_eq!(
        sim.stats().credits_charged,
        baseline,
        "resumed, nothing paid twice"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn report_works_while_a_run_holds_the_store() {
    let campaigns: &[Campaign] = &[
        campaign("a", &["busy1"]).sentiment_videos(4),
        campaign("b", &["busy2"]).sentiment_videos(4),
    ];
    let (sim, dir, config) = configured_sim(roomy_sim(), 60_000, campaigns).await;
    assert_eq!(run_to_end(&config).await, 0);

    // A slow run of the next day (1 request a second) holds the store.
    sim.set_date(date("2026-11-02"));
    let slow = write_config(dir.path(), &sim.base_url(), 60, campaigns);
    let mut child = hashtrack()
        .args(["run", "--config", slow.to_str().unwrap()])
        .args(["--date", "2026-11-02", "--allow-other-date"])
        .env("SCAVIO_API_KEY", TEST_KEY)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let charged = sim.stats().credits_charged;
    let deadline = Instant::now() + Duration::from_secs(30);
    while sim.stats().credits_charged < charged + 2 {
        assert!(Instant::now() < deadline, "the slow run never got going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = Instant::now();
    let config_arg = slow.to_str().unwrap().to_string();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        run_cli(&["report", "--config", &config_arg, "--format", "json"], "")
    })
    .await
    .unwrap();
    let took = started.elapsed();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("a run is using the store"), "{stderr}");
    let reports: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(reports.as_array().map(Vec::len), Some(2), "{stdout}");
    println!(
        "report during a run took {:.0} ms",
        took.as_secs_f64() * 1e3
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_backs_up_restores_and_checks() {
    let campaigns: &[Campaign] = &[campaign("a", &["backedup"])];
    let (sim, dir, config) = configured_sim(roomy_sim(), 60_000, campaigns).await;
    assert_eq!(run_to_end(&config).await, 0);
    let config_arg = config.to_str().unwrap().to_string();
    let backup = dir.path().join("backup");
    let backup_arg = backup.to_str().unwrap().to_string();
    let cli = move |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_cli(&args, TEST_KEY)
        })
    };
    let args = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();

    let (code, stdout, stderr) = cli(args(&["store", "check", "--config", &config_arg]))
        .await
        .unwrap();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("is sound") && stdout.contains("raw"),
        "{stdout}"
    );
    let (code, _, stderr) = cli(args(&[
        "store",
        "backup",
        &backup_arg,
        "--config",
        &config_arg,
    ]))
    .await
    .unwrap();
    assert_eq!(code, 0, "{stderr}");

    // A later day changes the store; restoring the backup brings back the first day only.
    sim.set_date(date("2026-11-02"));
    let (code, _, stderr) = cli(args(&[
        "run",
        "--config",
        &config_arg,
        "--date",
        "2026-11-02",
        "--allow-other-date",
    ]))
    .await
    .unwrap();
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = cli(args(&[
        "store",
        "restore",
        &backup_arg,
        "--config",
        &config_arg,
    ]))
    .await
    .unwrap();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("kept the replaced store"), "{stderr}");
    let store = hashtrack::store::Store::open(&dir.path().join("data/store")).unwrap();
    assert!(store.day("a", date("2026-11-01")).unwrap().is_some());
    assert!(store.day("a", date("2026-11-02")).unwrap().is_none());
    drop(store);

    // A damaged backup (its file overwritten) is refused before anything is replaced.
    let db = backup.join("store/db");
    let len = std::fs::metadata(&db).unwrap().len() as usize;
    std::fs::write(&db, vec![0u8; len]).unwrap();
    let (code, _, stderr) = cli(args(&[
        "store",
        "restore",
        &backup_arg,
        "--config",
        &config_arg,
    ]))
    .await
    .unwrap();
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("not a usable backup"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_day_exports_as_fixtures_that_plugin_test_runs() {
    let (_sim, dir, config) = configured_sim(
        roomy_sim(),
        60_000,
        &[campaign("a", &["fixtureco"]).sentiment_videos(3)],
    )
    .await;
    assert_eq!(run_to_end(&config).await, 0);
    let config_arg = config.to_str().unwrap().to_string();
    let out = dir.path().join("fixtures");
    let out_arg = out.to_str().unwrap().to_string();
    let (code, _, stderr) = tokio::task::spawn_blocking(move || {
        run_cli(
            &[
                "plugin",
                "fixtures",
                "--config",
                &config_arg,
                "--campaign",
                "a",
                "--date",
                "2026-11-01",
                "--out",
                &out_arg,
            ],
            "",
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stderr}");
    let comments: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("comments.json")).unwrap()).unwrap();
    assert!(
        comments.as_array().is_some_and(|c| !c.is_empty()),
        "{comments}"
    );
    let days: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("days.json")).unwrap()).unwrap();
    assert_eq!(days["today"]["campaign_id"], "a");
    for input in ["comments.json", "days.json"] {
        let path = out.join(input).to_str().unwrap().to_string();
        let (code, stdout, stderr) = run_cli(&["plugin", "test", "builtin", "--input", &path], "");
        assert_eq!(code, 0, "{input}: {stdout}{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn report_periods_are_any_range_and_missing_days_stay_missing() {
    let (sim, _dir, config) = configured_sim(
        roomy_sim(),
        60_000,
        &[campaign("a", &["periods"]), campaign("b", &["periods2"])],
    )
    .await;
    let setup = setup(&config, TEST_KEY);
    let day = |n: u64| SimConfig::default().start_date + chrono::Days::new(n - 1);
    // Day 3 is never collected (a missed run).
    for n in [1, 2, 4] {
        sim.set_date(day(n));
        setup.pipeline.run_day(day(n), &[], &|_| {}).await.unwrap();
    }
    drop(setup);
    let config = config.to_str().unwrap().to_string();
    let report = move |args: &[&str]| {
        let mut all = vec!["report", "--config", config.as_str(), "--format", "json"];
        all.extend_from_slice(args);
        run_cli(&all, "")
    };
    let (from, to) = (day(1).to_string(), day(5).to_string());
    let report_range = report.clone();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        report_range(&[
            "--campaign",
            "a",
            "--from",
            from.as_str(),
            "--to",
            to.as_str(),
        ])
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let days = json["days"].as_array().unwrap();
    assert_eq!(days.len(), 5, "the whole range, past the last stored day");
    for (index, status) in [(2, "no_data"), (4, "no_data")] {
        assert_eq!(days[index]["status"], status, "{}", days[index]);
        assert!(
            days[index]["total_views"].is_null(),
            "missing, never 0: {}",
            days[index]
        );
    }
    assert!(days[3]["total_views"].as_u64().is_some());
    // The previous five days lie before any data: compared, but as unknown.
    let comparison = &json["comparison"];
    assert_eq!(
        comparison["previous"]["to"],
        (day(1) - chrono::Days::new(1)).to_string()
    );
    assert!(
        comparison["new_comments"]["before"].is_null()
            && comparison["new_comments"]["delta"].is_null()
    );

    // The client's roll-up: a row per campaign, then their reports.
    let report_client = report.clone();
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || report_client(&["--client", "acme"]))
            .await
            .unwrap();
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rows: Vec<&str> = json["client"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["campaign_id"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["a", "b"]);
    assert_eq!(json["client"]["client_name"], "Acme");
    assert_eq!(json["campaigns"].as_array().unwrap().len(), 2);

    // Any N: a fortnight, clipped to the campaign's first day; and a reversed range refused.
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        let fortnight = report(&["--campaign", "a", "--days", "14"]);
        let reversed = report(&["--from", "2026-11-09", "--to", "2026-11-08"]);
        (fortnight.0, fortnight.1, reversed)
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stderr:?}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["period"]["from"], day(1).to_string());
    assert_eq!(json["period"]["to"], day(4).to_string());
    assert_eq!(stderr.0, 1, "{}", stderr.2);
    assert!(stderr.2.contains("is after --to"), "{}", stderr.2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_missing_a_file_is_named_damaged_and_exports_nothing() {
    // Enough entries that sled keeps some of its tree nodes as files of their own ("blobs").
    let campaigns: Vec<Campaign> = (1..=4)
        .map(|n| {
            campaign(
                &format!("c{n}"),
                &[&format!("lostblob{n}"), &format!("lostblobs{n}")],
            )
            .videos(90)
            .sentiment_videos(4)
        })
        .collect();
    let campaigns = campaigns.as_slice();
    let (sim, dir, config) = configured_sim(roomy_sim(), 60_000, campaigns).await;
    // A store of 64 KiB segments, as earlier versions made them (a store keeps its segment
    // size): sled writes anything over a quarter of a segment as a blob file, and these
    // responses are over 16 KiB (at today's 256 KiB, few writes are that large).
    sled::Config::new()
        .path(dir.path().join("data/store"))
        .segment_size(64 * 1024)
        .open()
        .unwrap()
        .flush()
        .unwrap();
    for day in ["2026-11-01", "2026-11-02", "2026-11-03"] {
        sim.set_date(date(day));
        let config_arg = config.to_str().unwrap().to_string();
        let day = day.to_string();
        let (code, _, stderr) = tokio::task::spawn_blocking(move || {
            run_cli(
                &[
                    "run",
                    "--config",
                    &config_arg,
                    "--date",
                    &day,
                    "--allow-other-date",
                ],
                TEST_KEY,
            )
        })
        .await
        .unwrap();
        assert_eq!(code, 0, "{stderr}");
    }
    let data = dir.path().join("data");
    let blobs: Vec<_> = std::fs::read_dir(data.join("store/blobs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert!(!blobs.is_empty(), "large responses are kept as blob files");
    let pristine = dir.path().join("pristine");
    copy_tree(&data.join("store"), &pristine);

    // Not every blob file is still in use; those that are make the store damaged.
    let mut damaged = 0;
    for blob in &blobs {
        let store = data.join("store");
        std::fs::remove_dir_all(&store).unwrap();
        copy_tree(&pristine, &store);
        std::fs::remove_file(store.join("blobs").join(blob.file_name().unwrap())).unwrap();
        let config_arg = config.to_str().unwrap().to_string();
        let out = dir.path().join(format!(
            "export-{damaged}-{}",
            blob.display().to_string().len()
        ));
        let _ = std::fs::remove_dir_all(&out);
        let out_arg = out.to_str().unwrap().to_string();
        let (check, export) = tokio::task::spawn_blocking(move || {
            (
                run_cli(&["store", "check", "--config", &config_arg], ""),
                run_cli(
                    &[
                        "export",
                        "--config",
                        &config_arg,
                        "--format",
                        "csv",
                        "--out",
                        &out_arg,
                    ],
                    "",
                ),
            )
        })
        .await
        .unwrap();
        let (code, stdout, stderr) = check;
        if code == 0 {
            assert!(stdout.contains("is sound"), "{stdout}{stderr}");
            continue;
        }
        damaged += 1;
        let said = format!("{stdout}{stderr}");
        assert_eq!(code, 1, "{said}");
        assert!(said.contains("restore a backup"), "{said}");
        assert!(said.contains(store.to_str().unwrap()), "{said}");
        let elsewhere = said.replace(store.to_str().unwrap(), "STORE");
        assert!(!elsewhere.contains("/store"), "names another store: {said}");
        // The export reads every entry of these trees; the lost one elsewhere (a raw
        // response, a note of what was read) is nothing an export holds. A store that does not
        // open at all (a lost file of its own records) names no tree, and exports nothing.
        let exported = ["days", "day_videos", "day_comments", "outbox"];
        let mut problems = said
            .lines()
            .filter_map(|line| line.strip_prefix("damaged: "))
            .peekable();
        let opens = problems.peek().is_some();
        let export_needs_it = !opens
            || problems.any(|problem| {
                exported
                    .iter()
                    .any(|t| problem.starts_with(&format!("{t}:")))
            });
        let (code, _, stderr) = export;
        if export_needs_it {
            assert_eq!(code, 1, "{stderr}");
            assert!(stderr.contains("nothing exported"), "{stderr}");
            assert!(stderr.contains("restore a backup"), "{stderr}");
            assert!(
                !out.join("days.csv").exists(),
                "a partial export was written"
            );
        } else {
            assert_eq!(code, 0, "{said}\n{stderr}");
            assert!(out.join("days.csv").exists());
        }
    }
    assert!(
        damaged >= 1,
        "no deleted blob was noticed among {}",
        blobs.len()
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, for byte-for-byte comparisons.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(snapshot(&path));
        } else {
            files.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn a_past_date_with_nothing_stored_changes_nothing() {
    let campaigns: &[Campaign] = &[campaign("a", &["phantomday"])];
    let (sim, dir, config) = configured_sim(roomy_sim(), 60_000, campaigns).await;
    assert_eq!(run_to_end(&config).await, 0);
    let data = dir.path().join("data");
    let before = snapshot(&data);
    let charged = sim.stats().credits_charged;
    let config_arg = config.to_str().unwrap().to_string();
    let cli = |date: &'static str| {
        let config_arg = config_arg.clone();
        tokio::task::spawn_blocking(move || {
            run_cli(&["run", "--config", &config_arg, "--date", date], TEST_KEY)
        })
    };

    let (code, _, stderr) = cli("2026-10-15").await.unwrap();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("nothing is stored for 2026-10-15")
            && stderr.contains("a past day cannot be fetched"),
        "{stderr}"
    );
    assert!(snapshot(&data) == before, "the store changed");

    // A stored past day is recomputed from the store, for nothing.
    let (code, _, stderr) = cli("2026-11-01").await.unwrap();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("recomputing its stored days"), "{stderr}");
    assert_eq!(sim.stats().credits_charged, charged);
}
