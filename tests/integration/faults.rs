//! The fault suite: a run killed with SIGKILL at random moments, again and again, until it
//! completes. No restart may fail to open the store, the final data must equal an
//! uninterrupted run's, and no credit may be paid twice except by a kill that caught an answer
//! on the wire (at most one per kill).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::*;

/// How many times the run is killed before it may finish.
const KILLS: u32 = 20;

/// The stored days as JSON, without what differs between runs by design (when they ran).
fn days_of(dir: &Path, campaigns: &[&str]) -> Vec<serde_json::Value> {
    let store = hashtrack::store::Store::open(&dir.join("data/store")).unwrap();
    campaigns
        .iter()
        .map(|id| {
            let day = store.day(id, date("2026-11-01")).unwrap().unwrap();
            let mut json = serde_json::to_value(&day).unwrap();
            for volatile in ["collected_at", "credits_spent"] {
                json.as_object_mut().unwrap().remove(volatile);
            }
            json
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_twenty_times_ends_as_if_never_killed() {
    let ids = ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"];
    let campaigns: Vec<Campaign> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            campaign(id, &[&format!("killloop{}", i + 1)])
                .videos(60)
                .sentiment_videos(4)
        })
        .collect();
    let campaigns = campaigns.as_slice();
    // Two weeks in, the simulated hashtags have feeds and comments worth paging through.
    let busy_day = date("2026-11-15");
    let clean_sim = start_sim(roomy_sim()).await;
    clean_sim.set_date(busy_day);
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_config = write_config(clean_dir.path(), &clean_sim.base_url(), 60_000, campaigns);
    let clean = tokio::task::spawn_blocking(move || run_command(&clean_config).output().unwrap())
        .await
        .unwrap();
    assert_eq!(clean.status.code(), Some(0));
    let baseline = clean_sim.stats().credits_charged;

    // Paced at 4 a second: each start pays an answer or two before its kill.
    let sim = start_sim(roomy_sim()).await;
    sim.set_date(busy_day);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &sim.base_url(), 240, campaigns);
    let mut seed: u64 = 0x5eed;
    let (mut kills, mut failed_opens) = (0, 0);
    let started = Instant::now();
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the kill loop never ended"
        );
        let mut child = run_command(&config).spawn().unwrap();
        if kills < KILLS {
            // A pseudo-random moment within the first 600 ms.
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let wait = Duration::from_millis(50 + (seed >> 33) % 550);
            tokio::time::sleep(wait).await;
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap();
                kills += 1;
            }
        }
        let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.contains("store at") {
            failed_opens += 1;
        }
        if out.status.code() == Some(0) {
            break;
        }
    }
    let charged = sim.stats().credits_charged;
    println!(
        "kill loop: {kills} kills, {failed_opens} failed opens, {charged} credits against {baseline} uninterrupted ({} paid twice)",
        charged - baseline
    );
    assert!(kills >= KILLS, "only {kills} kills landed");
    assert_eq!(failed_opens, 0);
    assert!(
        charged - baseline <= u64::from(kills),
        "more double charges than kills"
    );
    assert_eq!(
        days_of(dir.path(), &ids),
        days_of(clean_dir.path(), &ids),
        "the final data differs from an uninterrupted run's"
    );
}
