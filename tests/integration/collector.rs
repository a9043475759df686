//! The daily job against the simulator: the API contract's quirks and failures, credits,
//! budgets and the store's guarantees.

use std::time::Duration;

use hashtrack::domain::{SentimentOutcome, VideoCountSource};
use hashtrack::pipeline::CampaignStatus;
use hashtrack_sim::{Endpoint, Fault, FaultKind, HashtagQuirks, SimConfig};

use crate::util::*;

const DAY1: &str = "2026-11-01";

fn quirks(stats_nested: bool) -> HashtagQuirks {
    HashtagQuirks {
        stats_nested,
        zero_video_count: false,
        views_step_back_on: None,
        duplicate_items: false,
        ..HashtagQuirks::default()
    }
}

/// A roomy simulator in which `hashtag` shows exactly `quirks`.
fn sim_with(hashtag: &str, quirks: HashtagQuirks) -> SimConfig {
    let mut config = roomy_sim();
    config.quirks.insert(hashtag.into(), quirks);
    config
}

#[tokio::test(flavor = "multi_thread")]
async fn both_stats_placements_give_totals() {
    let mut sim_config = roomy_sim();
    sim_config.quirks.insert("nested".into(), quirks(true));
    sim_config.quirks.insert("beside".into(), quirks(false));
    let Rig {
        sim: _sim,
        setup,
        dir: _dir,
        ..
    } = rig(
        sim_config,
        60_000,
        &[campaign("a", &["nested"]), campaign("b", &["beside"])],
        TEST_KEY,
    )
    .await;
    let summary = setup.run(DAY1).await;
    for id in ["a", "b"] {
        let day = setup.store.day(id, date(DAY1)).unwrap().unwrap();
        assert!(day.total_views.unwrap() > 0, "{id}: {day:?}");
        assert!(day.missing.is_empty(), "{id}: {:?}", day.missing);
    }
    assert!(
        summary
            .campaigns
            .iter()
            .all(|c| c.status == CampaignStatus::Complete),
        "{summary:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_items_across_pages_are_counted_once() {
    let sim_config = sim_with(
        "dupes",
        HashtagQuirks {
            duplicate_items: true,
            ..quirks(false)
        },
    );
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(
        sim_config,
        60_000,
        &[campaign("a", &["dupes"]).videos(75).comments_per_video(120)],
        TEST_KEY,
    )
    .await;
    // Later days have more videos and comments than one page holds.
    sim.set_date(date("2026-11-20"));
    setup.run("2026-11-20").await;
    let day = setup.store.day("a", date("2026-11-20")).unwrap().unwrap();
    let mut ids: Vec<_> = day.videos.iter().map(|v| v.id.clone()).collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "a video was tracked twice");
    assert_eq!(total, 75, "the feed should fill the sample despite repeats");
    // Three pages of two videos' comments, each comment once however often pages repeat it.
    assert!(
        day.comments_read > 50 && day.comments_read <= 300,
        "{}",
        day.comments_read
    );
    match day.sentiment {
        SentimentOutcome::Scored(s) => assert!(s.comments <= day.comments_read, "{s:?}"),
        other => panic!("sentiment not scored: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limited_and_server_errors_are_retried() {
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(
        roomy_sim(),
        60_000,
        &[campaign("a", &["retryme"])],
        TEST_KEY,
    )
    .await;
    sim.inject(Fault {
        endpoint: Some(Endpoint::HashtagInfo),
        kind: FaultKind::RateLimited {
            retry_after_secs: 1,
        },
        times: 1,
    });
    sim.inject(Fault {
        endpoint: Some(Endpoint::HashtagVideos),
        kind: FaultKind::Status(503),
        times: 2,
    });
    let started = std::time::Instant::now();
    let summary = setup.run(DAY1).await;
    assert_eq!(
        summary.campaigns[0].status,
        CampaignStatus::Complete,
        "{summary:?}"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After was not honoured"
    );
    let stats = sim.stats();
    assert_eq!(stats.rate_limited, 1);
    // Failed attempts are requests but not credits.
    assert_eq!(summary.requests, u64::from(summary.credits_spent) + 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn pacing_at_the_providers_limit_sees_no_429() {
    let sim_config = SimConfig {
        requests_per_window: 5,
        window: Duration::from_secs(1),
        ..roomy_sim()
    };
    // Three tracked-video pages each: at least 8 requests a campaign, over several windows.
    let campaigns: &[Campaign] = &[
        campaign("a", &["paced"]).videos(90).sentiment_videos(4),
        campaign("b", &["paced2"]).videos(90).sentiment_videos(4),
    ];
    // 300 a minute is the simulator's 5 a second.
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(sim_config, 300, campaigns, TEST_KEY).await;
    let summary = setup.run(DAY1).await;
    assert!(summary.requests >= 10, "{summary:?}");
    assert_eq!(sim.stats().rate_limited, 0);
    assert!(
        summary
            .campaigns
            .iter()
            .all(|c| c.status == CampaignStatus::Complete)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_key_stops_all_spending_at_once() {
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(
        roomy_sim(),
        60_000,
        &[campaign("a", &["one"]), campaign("b", &["two"])],
        "wrong-key",
    )
    .await;
    let summary = setup.run(DAY1).await;
    let reason = summary
        .spending_stopped
        .clone()
        .expect("spending should stop");
    assert!(
        reason.contains("401") && reason.contains("SCAVIO_API_KEY"),
        "{reason}"
    );
    // Each campaign's first request may already be on the wire when the first 401 arrives;
    // nothing is sent after it (a complete day would take five or more per campaign).
    assert!(
        sim.stats().requests <= 2,
        "requests after a 401: {:?}",
        sim.stats()
    );
    assert_eq!(summary.credits_spent, 0);
    for id in ["a", "b"] {
        let day = setup.store.day(id, date(DAY1)).unwrap().unwrap();
        assert_eq!(
            day.total_views, None,
            "a failed call must not be recorded as zeros"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn running_out_of_credits_stops_spending_with_a_clear_message() {
    let sim_config = SimConfig {
        credits: 3,
        ..roomy_sim()
    };
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(sim_config, 60_000, &[campaign("a", &["broke"])], TEST_KEY).await;
    let summary = setup.run(DAY1).await;
    let reason = summary
        .spending_stopped
        .clone()
        .expect("spending should stop");
    assert!(
        reason.contains("402") && reason.contains("out of API credits"),
        "{reason}"
    );
    assert_eq!(summary.credits_spent, 3);
    assert_eq!(
        sim.stats().requests,
        4,
        "exactly one request after the balance ran out"
    );
    assert_eq!(summary.campaigns[0].status, CampaignStatus::Partial);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_call_is_recorded_as_missing_never_as_zeros() {
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(roomy_sim(), 60_000, &[campaign("a", &["flaky"])], TEST_KEY).await;
    sim.inject(Fault {
        endpoint: Some(Endpoint::HashtagInfo),
        kind: FaultKind::Status(500),
        times: 100,
    });
    let summary = setup.run(DAY1).await;
    let day = setup.store.day("a", date(DAY1)).unwrap().unwrap();
    assert_eq!(day.total_views, None);
    assert_eq!(day.hashtags[0].views, None);
    assert!(
        day.missing
            .iter()
            .any(|m| m.contains("#flaky totals") && m.contains("500")),
        "{:?}",
        day.missing
    );
    assert_eq!(summary.campaigns[0].status, CampaignStatus::Failed);
    assert_eq!(summary.credits_spent, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn re_running_a_date_spends_nothing_and_gives_the_same_day() {
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(roomy_sim(), 60_000, &[campaign("a", &["again"])], TEST_KEY).await;
    let first = setup.run(DAY1).await;
    let stored = setup.store.day("a", date(DAY1)).unwrap().unwrap();
    let charged = sim.stats().credits_charged;
    assert!(first.credits_spent >= 3);
    let second = setup.run(DAY1).await;
    assert_eq!(second.credits_spent, 0);
    assert_eq!(second.requests, 0);
    assert_eq!(sim.stats().credits_charged, charged);
    assert_eq!(setup.store.day("a", date(DAY1)).unwrap().unwrap(), stored);
}

#[tokio::test(flavor = "multi_thread")]
async fn zero_video_count_falls_back_to_videos_seen() {
    let sim_config = sim_with(
        "zerocount",
        HashtagQuirks {
            zero_video_count: true,
            ..quirks(false)
        },
    );
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(
        sim_config,
        60_000,
        &[campaign("a", &["zerocount"])],
        TEST_KEY,
    )
    .await;
    sim.set_date(date("2026-11-10"));
    setup.run("2026-11-10").await;
    let day = setup.store.day("a", date("2026-11-10")).unwrap().unwrap();
    assert_eq!(day.video_count_source, VideoCountSource::DistinctVideosSeen);
    // The API does not know: unknown, with the distinct videos seen as a lower bound.
    assert_eq!(day.total_videos, None);
    assert_eq!(day.videos_seen, day.videos.len() as u64);
    assert!(day.videos_seen > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backward_step_in_views_is_a_negative_delta_not_an_alert() {
    let sim_config = sim_with(
        "wobbly",
        HashtagQuirks {
            views_step_back_on: Some(date("2026-11-06")),
            ..quirks(false)
        },
    );
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(sim_config, 60_000, &[campaign("a", &["wobbly"])], TEST_KEY).await;
    for day in ["2026-11-05", "2026-11-06"] {
        sim.set_date(date(day));
        setup.run(day).await;
    }
    let day = setup.store.day("a", date("2026-11-06")).unwrap().unwrap();
    assert!(day.new_views.unwrap() < 0, "{:?}", day.new_views);
    assert_eq!(day.previous_date, Some(date("2026-11-05")));
    // The totals stepped back, the tracked videos' plays did not: growth is what they gained,
    // never a loss, and the step raises no low-activity alert.
    let growth = day.view_growth.as_ref().unwrap();
    assert!(
        growth.per_day >= growth.per_day_low && growth.per_day_low > 0.0,
        "{growth:?}"
    );
    let hashtrack::domain::AlertsOutcome::Evaluated { alerts } = &day.alerts else {
        panic!("alerts unavailable: {:?}", day.alerts)
    };
    assert!(
        alerts.iter().all(|a| a.rule != "low-activity"),
        "{alerts:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn budgets_are_never_exceeded() {
    let sim = start_sim(roomy_sim()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = ConfigFile {
        base_url: sim.base_url(),
        requests_per_minute: 60_000,
        client_budget: Some(7),
        campaigns: vec![
            campaign("a", &["budget1", "budget2"])
                .budget(4)
                .sentiment_videos(5),
            campaign("b", &["budget3"]).sentiment_videos(5),
        ],
        sinks: toml::Table::new(),
        client_sinks: Vec::new(),
    }
    .write(dir.path());
    let setup = setup(&path, TEST_KEY);
    let summary = setup.run(DAY1).await;
    let a = summary.campaigns.iter().find(|c| c.id == "a").unwrap();
    assert!(a.credits_spent <= 4, "{a:?}");
    assert!(
        a.missing.iter().any(|m| m.contains("daily credit budget")),
        "{:?}",
        a.missing
    );
    assert_eq!(
        summary.credits_spent, 7,
        "the client's budget caps both campaigns"
    );
    assert_eq!(sim.stats().credits_charged, 7);
    // A second run the same day must not find fresh budget.
    let again = setup.run(DAY1).await;
    assert_eq!(again.credits_spent, 0);
}
