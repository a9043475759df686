//! One API key per client (issue 11, "Scale"): two clients on two keys, each key its own
//! account at its own simulator with its own plan. Pacing and concurrency are judged from the
//! arrival times the simulators recorded, not from the test's clock.

use std::time::Duration;

use hashtrack::pipeline::{CampaignStatus, KeyRun, RunSummary};
use hashtrack_sim::{Endpoint, Fault, FaultKind, PaidCall, SimConfig, SimServer};

use crate::util::*;

const DAY: &str = "2026-11-06";
/// acme pays with `[settings]`' key, at `[settings]`' rate.
const ACME_ENV: &str = "SCAVIO_API_KEY";
const ACME_KEY: &str = "sk-test-acme-6f1c0e55";
const ACME_PER_MINUTE: u32 = 300;
/// beta names its own key and a plan half as fast.
const BETA_ENV: &str = "BETA_SCAVIO_KEY";
const BETA_KEY: &str = "sk-test-beta-93b2a7d1";
const BETA_PER_MINUTE: u32 = 150;

/// A provider account with the plan's limit (per minute, as the provider counts it) and key.
fn account_sim(key: &str, per_minute: u32) -> SimConfig {
    SimConfig {
        requests_per_window: per_minute,
        window: Duration::from_secs(60),
        credits: 100_000,
        api_key: Some(key.to_string()),
        ..SimConfig::default()
    }
}

/// acme's two campaigns and beta's two; `sharedtag` is tracked on both keys.
fn campaigns() -> Vec<Campaign> {
    vec![
        campaign("a1", &["sharedtag", "acmeone"]),
        campaign("a2", &["acmetwo"]),
        campaign("b1", &["sharedtag"]).client("beta"),
        campaign("b2", &["betatwo"]).client("beta"),
    ]
}

struct TwoKeys {
    acme: SimServer,
    beta: SimServer,
    setup: Setup,
    config_path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// Two simulators (acme's account, beta's) and a pipeline paying each client with its key.
async fn two_keys(beta_sim: SimConfig) -> TwoKeys {
    let acme = start_sim(account_sim(ACME_KEY, ACME_PER_MINUTE)).await;
    let beta = start_sim(beta_sim).await;
    acme.set_date(date(DAY));
    beta.set_date(date(DAY));
    let dir = tempfile::tempdir().unwrap();
    let config_path = ConfigFile {
        base_url: acme.base_url(),
        requests_per_minute: ACME_PER_MINUTE,
        client_budget: None,
        campaigns: campaigns(),
        sinks: toml::Table::new(),
        client_sinks: Vec::new(),
    }
    .write_with_clients(
        dir.path(),
        &[Client {
            id: "beta",
            api_key_env: Some(BETA_ENV),
            requests_per_minute: Some(BETA_PER_MINUTE),
        }],
    );
    let (acme_url, beta_url) = (acme.base_url(), beta.base_url());
    let setup = setup_with_keys(&config_path, &|key_env| match key_env {
        ACME_ENV => (acme_url.clone(), ACME_KEY.to_string()),
        BETA_ENV => (beta_url.clone(), BETA_KEY.to_string()),
        other => panic!("no account for {other}"),
    });
    TwoKeys {
        acme,
        beta,
        setup,
        config_path,
        _dir: dir,
    }
}

fn key<'a>(summary: &'a RunSummary, key_env: &str) -> &'a KeyRun {
    summary
        .keys
        .iter()
        .find(|k| k.key_env == key_env)
        .unwrap_or_else(|| panic!("no {key_env} in {:?}", summary.keys))
}

fn gaps(calls: &[PaidCall]) -> Vec<Duration> {
    calls.windows(2).map(|w| w[1].at - w[0].at).collect()
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn interval(per_minute: u32) -> Duration {
    Duration::from_secs(60) / per_minute
}

#[tokio::test(flavor = "multi_thread")]
async fn two_keys_run_side_by_side_each_paced_by_its_own_plan() {
    let TwoKeys {
        acme,
        beta,
        setup,
        _dir,
        ..
    } = two_keys(account_sim(BETA_KEY, BETA_PER_MINUTE)).await;
    let summary = setup.run(DAY).await;
    for c in &summary.campaigns {
        assert_eq!(c.status, CampaignStatus::Complete, "{c:?}");
    }
    assert_eq!(summary.spending_stopped, None);
    let keys: Vec<&str> = summary.keys.iter().map(|k| k.key_env.as_str()).collect();
    assert_eq!(keys, [BETA_ENV, ACME_ENV]);
    assert_eq!(key(&summary, ACME_ENV).campaigns, ["a1", "a2"]);
    assert_eq!(key(&summary, BETA_ENV).campaigns, ["b1", "b2"]);

    let (a, b) = (acme.paid_calls(), beta.paid_calls());
    for (name, sim, calls) in [("acme", &acme, &a), ("beta", &beta, &b)] {
        // Every call carried its account's key (a wrong one is a 401) and none was throttled.
        assert!(calls.iter().all(|c| c.status == 200), "{name}: {calls:?}");
        assert_eq!(sim.stats().rate_limited, 0, "{name}");
        assert!(calls.len() >= 6, "{name}: only {} calls", calls.len());
    }
    // Each account was billed for what its own campaigns asked, and the summary says so.
    assert_eq!(
        acme.stats().credits_charged,
        u64::from(key(&summary, ACME_ENV).credits_spent)
    );
    assert_eq!(
        beta.stats().credits_charged,
        u64::from(key(&summary, BETA_ENV).credits_spent)
    );
    assert_eq!(key(&summary, BETA_ENV).requests, b.len() as u64);

    // Paced by its own plan: at its interval (the median), never much faster (slack for the
    // loopback's and a busy machine's jitter), and acme not held to beta's slower pace.
    let (acme_gaps, beta_gaps) = (gaps(&a), gaps(&b));
    let (fast, slow) = (interval(ACME_PER_MINUTE), interval(BETA_PER_MINUTE));
    println!(
        "acme: {} calls, gaps {:?}..{:?} (median {:?}); beta: {} calls, gaps {:?}..{:?} (median {:?})",
        a.len(),
        acme_gaps.iter().min().unwrap(),
        acme_gaps.iter().max().unwrap(),
        median(acme_gaps.clone()),
        b.len(),
        beta_gaps.iter().min().unwrap(),
        beta_gaps.iter().max().unwrap(),
        median(beta_gaps.clone()),
    );
    assert!(
        acme_gaps.iter().all(|g| *g >= fast.mul_f64(0.75)),
        "acme faster than {fast:?}: {acme_gaps:?}"
    );
    assert!(
        beta_gaps.iter().all(|g| *g >= slow.mul_f64(0.75)),
        "beta faster than {slow:?}: {beta_gaps:?}"
    );
    assert!(
        median(acme_gaps.clone()) >= fast.mul_f64(0.95),
        "acme faster than {fast:?}: {acme_gaps:?}"
    );
    assert!(
        median(beta_gaps.clone()) >= slow.mul_f64(0.95),
        "beta faster than {slow:?}: {beta_gaps:?}"
    );
    assert!(
        median(acme_gaps.clone()) < (fast + slow) / 2,
        "acme held to beta's pace: {acme_gaps:?}"
    );
    assert!(
        median(beta_gaps.clone()) < slow.mul_f64(1.5),
        "beta slower than its plan: {beta_gaps:?}"
    );

    // Side by side: the shorter key's calls fall within the longer key's, so the day took
    // about as long as the slowest key, not the sum.
    let span = |calls: &[PaidCall]| (calls[0].at, calls[calls.len() - 1].at);
    let ((a0, a1), (b0, b1)) = (span(&a), span(&b));
    let overlap = a1.min(b1).saturating_duration_since(a0.max(b0));
    let shorter = (a1 - a0).min(b1 - b0);
    let whole = a1.max(b1) - a0.min(b0);
    println!(
        "acme {:?}, beta {:?}, both {whole:?}, overlapping {overlap:?}",
        a1 - a0,
        b1 - b0
    );
    assert!(
        overlap >= shorter.mul_f64(0.8),
        "keys ran one after the other: overlap {overlap:?} of {shorter:?}"
    );
    assert!(whole < (a1 - a0) + (b1 - b0), "{whole:?}");

    // The hashtag both clients track was paid once by each key, each stored apart; on one
    // key a request is paid once (acme's campaigns share nothing else, beta's neither).
    let stored: Vec<String> = setup
        .store
        .raw_entries()
        .map(|e| e.unwrap().0)
        .filter(|k| k.contains("/hashtag/"))
        .collect();
    assert_eq!(
        stored,
        [
            format!("{DAY}/hashtag/acmeone"),
            format!("{DAY}/hashtag/acmetwo"),
            format!("{DAY}/hashtag/betatwo~{BETA_ENV}"),
            format!("{DAY}/hashtag/sharedtag"),
            format!("{DAY}/hashtag/sharedtag~{BETA_ENV}"),
        ]
    );
    let info_charged = |sim: &SimServer| sim.stats().per_endpoint[&Endpoint::HashtagInfo].charged;
    assert_eq!((info_charged(&acme), info_charged(&beta)), (3, 2));

    // Keys are named by their variables only: never in the summary or the store.
    let json = serde_json::to_string(&summary).unwrap();
    assert!(json.contains(BETA_ENV), "{json}");
    for entry in setup.store.raw_entries() {
        let (k, snapshot) = entry.unwrap();
        for secret in [ACME_KEY, BETA_KEY] {
            assert!(!k.contains(secret) && !snapshot.body.contains(secret));
            assert!(!json.contains(secret));
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_402_on_one_key_stops_only_the_campaigns_paid_with_it() {
    let TwoKeys {
        acme,
        beta,
        setup,
        _dir,
        ..
    } = two_keys(account_sim(BETA_KEY, BETA_PER_MINUTE)).await;
    // beta's account runs dry at its first feed page.
    beta.inject(Fault::on(
        Endpoint::HashtagVideos,
        FaultKind::Status(402),
        1,
    ));
    let summary = setup.run(DAY).await;

    let beta_calls = beta.paid_calls();
    let refused = beta_calls
        .iter()
        .position(|c| c.status == 402)
        .expect("beta's 402 was served");
    assert_eq!(
        refused,
        beta_calls.len() - 1,
        "beta sent nothing after its 402: {beta_calls:?}"
    );
    let stopped_at = beta_calls[refused].at;
    let acme_after = acme
        .paid_calls()
        .iter()
        .filter(|c| c.at > stopped_at)
        .count();
    assert!(
        acme_after >= 3,
        "acme went on after beta's 402: {acme_after} calls"
    );

    let beta_run = key(&summary, BETA_ENV);
    let reason = beta_run.spending_stopped.as_deref().expect("beta stopped");
    assert!(
        reason.contains("402") && reason.contains("out of API credits"),
        "{reason}"
    );
    assert_eq!(key(&summary, ACME_ENV).spending_stopped, None);
    let overall = summary.spending_stopped.as_deref().unwrap();
    assert!(overall.starts_with(&format!("${BETA_ENV}: ")), "{overall}");

    for c in &summary.campaigns {
        match c.client.as_str() {
            "acme" => assert_eq!(c.status, CampaignStatus::Complete, "{c:?}"),
            _ => assert_ne!(c.status, CampaignStatus::Complete, "{c:?}"),
        }
    }
    // b1 tracks the hashtag acme paid for, feed included; it reads only what its own key
    // paid, so its videos are missing, not borrowed from acme's account.
    let acme_feed_stored = setup
        .store
        .raw_entries()
        .any(|e| e.unwrap().0.starts_with(&format!("{DAY}/videos/")));
    assert!(acme_feed_stored);
    let b1 = setup.store.day("b1", date(DAY)).unwrap().unwrap();
    assert!(b1.videos.is_empty(), "{:?}", b1.videos.len());
    assert!(
        b1.missing
            .iter()
            .any(|m| m.starts_with("#sharedtag videos")),
        "{:?}",
        b1.missing
    );
    let a1 = setup.store.day("a1", date(DAY)).unwrap().unwrap();
    assert!(
        !a1.videos.is_empty() && a1.missing.is_empty(),
        "{:?}",
        a1.missing
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn run_plan_prints_each_keys_day_without_keys_or_spending() {
    let TwoKeys {
        acme,
        config_path,
        _dir,
        ..
    } = two_keys(account_sim(BETA_KEY, BETA_PER_MINUTE)).await;
    let config = config_path.to_str().unwrap();
    let out = hashtrack()
        .args(["run", "--plan", "--config", config])
        .env_remove(ACME_ENV)
        .env_remove(BETA_ENV)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Each campaign is 1 totals + 1 feed page + 2 comment pages per hashtag's feed...: a1 has
    // two hashtags (2 + 2 + 2 = 6), a2 4; acme's day 10. beta: b1 4, b2 4, its day 8 (its
    // #sharedtag is its own account's request, not acme's).
    let lines: Vec<&str> = stdout.lines().collect();
    let key_heading = |env: &str, per_minute: u32| {
        let heading = format!("${env} (not set), {per_minute} requests/min");
        lines
            .iter()
            .position(|l| l.starts_with(&heading))
            .unwrap_or_else(|| panic!("no {heading:?} in\n{stdout}"))
    };
    let beta_at = key_heading(BETA_ENV, BETA_PER_MINUTE);
    let acme_at = key_heading(ACME_ENV, ACME_PER_MINUTE);
    let section = |from: usize| {
        lines[from..]
            .iter()
            .take_while(|l| !l.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (beta_table, acme_table) = (section(beta_at), section(acme_at));
    for (table, own, other) in [
        (&beta_table, ["b1", "b2"], "a1"),
        (&acme_table, ["a1", "a2"], "b1"),
    ] {
        for id in own {
            assert!(table.contains(&format!("\n  {id} ")), "{table}");
        }
        assert!(!table.contains(&format!("\n  {other} ")), "{table}");
    }
    // 8 requests at 150 a minute: 3.2 s; 10 at 300 a minute: 2 s.
    assert!(
        beta_table.contains("day: 8 requests = 8 credits ($0.04); about 0m03s at 150/min"),
        "{beta_table}"
    );
    assert!(
        acme_table.contains("day: 10 requests = 10 credits ($0.05); about 0m02s at 300/min"),
        "{acme_table}"
    );
    assert!(
        stdout.contains("All 2 keys: at most 18 credits ($0.09); about 0m03s (the slowest key)."),
        "{stdout}"
    );
    assert_eq!(acme.stats().requests, 0, "the plan asked the API nothing");

    // A real run needs every key its campaigns use, and names each missing variable.
    let out = hashtrack()
        .args(["run", "--config", config])
        .env(ACME_ENV, ACME_KEY)
        .env_remove(BETA_ENV)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{BETA_ENV} (clients: beta)")) && !stderr.contains(ACME_KEY),
        "{stderr}"
    );
    assert_eq!(acme.stats().requests, 0, "nothing was spent");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_reports_per_key_what_it_spent_and_where_it_stopped() {
    let TwoKeys {
        acme,
        config_path,
        _dir,
        ..
    } = two_keys(account_sim(BETA_KEY, BETA_PER_MINUTE)).await;
    // The command line sends every key to the configured API: acme's account, which refuses
    // beta's key (401). beta's campaigns stop; acme's run to the end.
    let out = hashtrack()
        .args(["run", "--config", config_path.to_str().unwrap()])
        .env(ACME_ENV, ACME_KEY)
        .env(BETA_ENV, BETA_KEY)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let line = |key_env: &str| {
        stderr
            .lines()
            .find(|l| l.starts_with(&format!("  ${key_env} ")))
            .unwrap_or_else(|| panic!("no line for {key_env}: {stderr}"))
            .to_string()
    };
    let beta_line = line(BETA_ENV);
    assert!(
        beta_line.contains(&format!("{BETA_PER_MINUTE}/min"))
            && beta_line.contains("0 credits")
            && beta_line.contains("STOPPED: the API key was refused (401 unauthorized)"),
        "{beta_line}"
    );
    let acme_line = line(ACME_ENV);
    let charged = acme.stats().credits_charged;
    assert!(
        acme_line.contains(&format!("{charged} credits")) && acme_line.ends_with("ran to the end"),
        "{acme_line}"
    );
    for secret in [ACME_KEY, BETA_KEY] {
        assert!(!stderr.contains(secret), "{stderr}");
    }
}
