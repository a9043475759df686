//! The store's size on the demo (issue "Scale": at most 25 KiB per campaign-day), measured on
//! the files sled wrote, and what `store check` says of it.

use std::path::Path;

use crate::util::{demo_store, hashtrack};

/// Bytes of the files under `dir`.
fn bytes_under(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                bytes_under(&entry.path())
            } else {
                meta.len()
            }
        })
        .sum()
}

#[test]
fn the_demo_store_takes_at_most_25_kib_per_campaign_day_and_checks_sound() {
    const DAYS: u64 = 30;
    let (dir, config) = demo_store(DAYS as u32);
    let campaigns = std::fs::read_to_string(&config)
        .unwrap()
        .matches("[[campaigns]]")
        .count() as u64;
    let store = dir.path().join("data/store");
    let per_campaign_day = bytes_under(&store) as f64 / 1024.0 / (campaigns * DAYS) as f64;
    eprintln!("demo store: {per_campaign_day:.1} KiB per campaign-day");
    assert!(
        per_campaign_day <= 25.0,
        "{per_campaign_day:.1} KiB per campaign-day"
    );
    // All in: the store, the day copies beside it and the alert inbox (not the compiled
    // plugins, a cache of a few MB whatever the data, which the tests keep elsewhere).
    let data = dir.path().join("data");
    let cache = data.join("plugin-cache");
    let cached = if cache.exists() {
        bytes_under(&cache)
    } else {
        0
    };
    let all_in = (bytes_under(&data) - cached) as f64 / 1024.0 / (campaigns * DAYS) as f64;
    eprintln!("demo data all in: {all_in:.1} KiB per campaign-day");
    // The goal is 25 (issue "`hashtrack serve`"): 22.9 to 24.3 run alone on 256 KiB segments
    // (37 with the day copies as plain JSON). sled's file grows by whole segments, and by more
    // of them when its flusher lags on a loaded machine (27.4 seen in a full suite on 64 KiB
    // segments), hence the margin.
    assert!(all_in <= 28.5, "{all_in:.1} KiB per campaign-day all in");

    let out = hashtrack()
        .args(["store", "check", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    // Every campaign-day has its day and its first-read comments, compressed.
    for tree in ["days", "day_comments"] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(tree))
            .unwrap_or_else(|| panic!("no {tree} line in {stdout}"));
        let entries: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert_eq!(entries, campaigns * DAYS, "{line}");
    }
}
