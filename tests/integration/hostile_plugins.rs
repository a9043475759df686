//! Hostile or broken plugins inside a real run: each fails its own campaign-day with the limit
//! it hit, records "unavailable" (never zeros), leaves the other campaigns alone, and the day
//! can be re-scored later with a working plugin at no cost.

use hashtrack::domain::{AlertsOutcome, SentimentOutcome};
use hashtrack::pipeline::CampaignStatus;

use crate::util::*;

/// (campaign, sentiment fixture, words its failure must mention)
const HOSTILE: [(&str, &str, &[&str]); 4] = [
    ("looper", "infinite_loop.wat", &["ran out of fuel"]),
    ("bomber", "memory_bomb.wat", &["memory"]),
    (
        "trapper",
        "trap_after_logging.wat",
        &["trapped", "about to hit unreachable"],
    ),
    ("liar", "nan_scores.wat", &["NaN"]),
];

#[tokio::test(flavor = "multi_thread")]
async fn hostile_plugins_fail_only_their_own_campaign_day() {
    let mut campaigns: Vec<Campaign> = HOSTILE
        .iter()
        .map(|(id, wat, _)| {
            let plugin = Plugin::file(fixture(wat).display().to_string())
                .fuel(50_000_000)
                .memory_mib(16);
            campaign(id, &["hostile"]).sentiment(plugin)
        })
        .collect();
    campaigns.push(campaign("good", &["hostile"]));
    let Rig {
        sim, setup, dir, ..
    } = rig(roomy_sim(), 60_000, &campaigns, TEST_KEY).await;
    let summary = setup
        .pipeline
        .run_day(date("2026-11-05"), &[], &|_| {})
        .await
        .unwrap();

    let good = summary.campaigns.iter().find(|c| c.id == "good").unwrap();
    assert_eq!(good.status, CampaignStatus::Complete, "{good:?}");
    for (id, wat, words) in HOSTILE {
        let day = setup.store.day(id, date("2026-11-05")).unwrap().unwrap();
        let SentimentOutcome::Unavailable { reason } = &day.sentiment else {
            panic!(
                "{id}: sentiment should be unavailable, got {:?}",
                day.sentiment
            )
        };
        for word in words {
            assert!(reason.contains(word), "{id}: {reason}");
        }
        assert!(
            reason.contains(wat) && reason.contains(id),
            "{id}: the error names the plugin and campaign: {reason}"
        );
        assert!(day.total_views.is_some(), "{id}: collection is unaffected");
        assert!(
            matches!(day.alerts, AlertsOutcome::Evaluated { .. }),
            "{id}: {:?}",
            day.alerts
        );
        let run = summary.campaigns.iter().find(|c| c.id == id).unwrap();
        assert_eq!(run.status, CampaignStatus::Partial);
    }

    // The same days re-scored with the built-in scorer: scored, and not a credit spent.
    let charged = sim.stats().credits_charged;
    let builtin: Vec<Campaign> = campaigns
        .into_iter()
        .map(|c| c.sentiment(Plugin::default()))
        .collect();
    let path = write_config(dir.path(), &sim.base_url(), 60_000, &builtin);
    let store = setup.store.clone();
    drop(setup);
    let rescorer = rescorer(&path, store.clone());
    rescorer
        .run_day(date("2026-11-05"), &[], &|_| {})
        .await
        .unwrap();
    for (id, _, _) in HOSTILE {
        let day = store.day(id, date("2026-11-05")).unwrap().unwrap();
        assert!(
            matches!(day.sentiment, SentimentOutcome::Scored(_)),
            "{id}: {:?}",
            day.sentiment
        );
    }
    assert_eq!(sim.stats().credits_charged, charged);
}
