//! Every paid credit accounted for (issue: reliability): charged answers counted even when
//! their bodies are unreadable, a shared request paid once, nothing sent after a stop.

use hashtrack_sim::{Endpoint, Fault, FaultKind, SimConfig};

use crate::util::*;

const DAY: &str = "2026-11-06";

#[tokio::test(flavor = "multi_thread")]
async fn truncated_paid_answers_are_counted_and_budgets_hold_against_the_providers_bill() {
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(
        roomy_sim(),
        60_000,
        &[campaign("a", &["trunc1", "trunc2", "trunc3", "trunc4"])
            .budget(20)
            .videos(60)
            .sentiment_videos(5)],
        TEST_KEY,
    )
    .await;
    sim.set_date(date(DAY));
    // The provider charges these answers, then sends only half of each body: every run asks
    // again, and only the budget stops the bill from growing.
    sim.inject(Fault::on(
        Endpoint::HashtagVideos,
        FaultKind::Truncated,
        1_000,
    ));
    for _ in 0..5 {
        setup.run(DAY).await;
    }
    let charged = sim.stats().credits_charged;
    let counted = setup.store.credits_spent_on(date(DAY)).unwrap()["a"];
    println!(
        "truncated answers, budget 20, 5 runs: provider charged {charged}, hashtrack counted {counted}"
    );
    assert_eq!(
        u64::from(counted),
        charged,
        "the store counts what the provider billed"
    );
    assert_eq!(charged, 20, "the runs spent up to the budget, no further");
    assert!(
        charged <= 20,
        "the budget of 20 held against the bill: {charged}"
    );
    let day = setup.store.day("a", date(DAY)).unwrap().unwrap();
    assert_eq!(u64::from(day.credits_spent), charged);
}

/// Runs `DAY` for `campaigns` and checks that every request was a distinct one, paid once.
async fn one_day_each_request_paid_once(campaigns: &[Campaign]) -> Rig {
    let rig = rig(roomy_sim(), 60_000, campaigns, TEST_KEY).await;
    rig.sim.set_date(date(DAY));
    rig.setup.run(DAY).await;
    let stats = rig.sim.stats();
    let stored = rig.setup.store.raw_entries().count() as u64;
    assert_eq!(
        stats.credits_charged, stored,
        "every paid request is a distinct one"
    );
    assert_eq!(stats.requests, stored);
    rig
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hashtag_two_campaigns_share_is_paid_once() {
    let rig = one_day_each_request_paid_once(&[
        campaign("a", &["sharedtag"]),
        campaign("b", &["sharedtag"]),
    ])
    .await;
    for id in ["a", "b"] {
        let day = rig.setup.store.day(id, date(DAY)).unwrap().unwrap();
        assert!(day.missing.is_empty(), "{id}: {:?}", day.missing);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_competitor_two_campaigns_compare_with_is_paid_once_and_gives_share_of_voice() {
    // The rival's totals once for both, and campaign a's own hashtag once though b compares.
    let rig = one_day_each_request_paid_once(&[
        campaign("a", &["brandatag"]).compare(&["rivaltag"]),
        campaign("b", &["brandbtag"]).compare(&["rivaltag", "brandatag"]),
    ])
    .await;
    let day = rig.setup.store.day("b", date(DAY)).unwrap().unwrap();
    let names: Vec<&str> = day.competitors.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["rivaltag", "brandatag"]);
    assert!(
        day.competitors.iter().all(|c| c.views.is_some()),
        "{:?}",
        day.competitors
    );
    let campaign_b = hashtrack::config::Config::load(&rig.config_path)
        .unwrap()
        .campaign("b")
        .unwrap()
        .clone();
    let report = hashtrack::report::build_report(
        &campaign_b,
        std::slice::from_ref(&day),
        date(DAY),
        1,
        0.005,
    );
    let voice = report.share_of_voice.expect("b compares with two hashtags");
    let all: u64 = voice.rows.iter().map(|r| r.views).sum();
    assert!((voice.views_share - day.total_views.unwrap() as f64 / all as f64).abs() < 1e-12);
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_is_sent_after_a_402_however_many_requests_wait_for_a_slot() {
    let sim_config = SimConfig {
        credits: 5,
        ..roomy_sim()
    };
    // Paced at 10 a second: four campaigns' requests queue for slots when the 402 comes.
    let campaigns: &[Campaign] = &[
        campaign("a", &["broke1"]),
        campaign("b", &["broke2"]),
        campaign("c", &["broke3"]),
        campaign("d", &["broke4"]),
    ];
    let Rig {
        sim,
        setup,
        dir: _dir,
        ..
    } = rig(sim_config, 600, campaigns, TEST_KEY).await;
    sim.set_date(date(DAY));
    let summary = setup.run(DAY).await;
    assert!(summary.spending_stopped.is_some(), "{summary:?}");
    let stats = sim.stats();
    assert_eq!(stats.credits_charged, 5);
    assert_eq!(
        stats.requests, 6,
        "only the request answered 402 went out after the balance ran out"
    );
}
