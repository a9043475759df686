//! Re-scoring stored days with a new lexicon: different sentiment, no API call, no credit.

use hashtrack::domain::SentimentOutcome;

use crate::util::*;

/// Turns the sample's usual praise into insults, so a re-score must move the positive ratio.
const GRUMPY_LEXICON: &str = "love -3\nobsessed -3\nslay -3\nate -3\nfire -3\nbest -3\namazing -3\nneed -3\n😍 -3\n🔥 -3\n❤️ -3\n";

fn positive_ratio(outcome: &SentimentOutcome) -> f64 {
    match outcome {
        SentimentOutcome::Scored(s) => s.positive_ratio,
        other => panic!("not scored: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rescoring_with_a_new_lexicon_changes_sentiment_and_spends_nothing() {
    let campaigns: &[Campaign] = &[campaign("a", &["rescoreme"]).sentiment_videos(3)];
    let Rig {
        sim, setup, dir, ..
    } = rig(roomy_sim(), 60_000, campaigns, TEST_KEY).await;
    let days = ["2026-11-03", "2026-11-04"];
    for day in days {
        sim.set_date(date(day));
        setup
            .pipeline
            .run_day(date(day), &[], &|_| {})
            .await
            .unwrap();
    }
    let before: Vec<_> = days
        .iter()
        .map(|d| setup.store.day("a", date(d)).unwrap().unwrap())
        .collect();
    let charged = sim.stats().credits_charged;
    let store = setup.store.clone();
    drop(setup);

    std::fs::write(dir.path().join("grumpy.txt"), GRUMPY_LEXICON).unwrap();
    let grumpy = campaigns[0]
        .clone()
        .sentiment_setting("lexicon-file", "grumpy.txt");
    let path = write_config(dir.path(), &sim.base_url(), 60_000, &[grumpy]);
    let rescorer = rescorer(&path, store.clone());
    for (day, old) in days.iter().zip(&before) {
        let summary = rescorer.run_day(date(day), &[], &|_| {}).await.unwrap();
        assert_eq!((summary.credits_spent, summary.requests), (0, 0));
        let new = store.day("a", date(day)).unwrap().unwrap();
        assert!(
            positive_ratio(&new.sentiment) < positive_ratio(&old.sentiment) - 0.05,
            "{:?} vs {:?}",
            new.sentiment,
            old.sentiment
        );
        // Everything but the scoring is as collected.
        assert_eq!(
            (new.total_views, &new.videos, new.credits_spent),
            (old.total_views, &old.videos, old.credits_spent)
        );
        assert!(new.missing.is_empty(), "{:?}", new.missing);
    }
    assert_eq!(sim.stats().credits_charged, charged);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_response_that_no_longer_parses_is_named_as_such_not_blamed_on_the_api() {
    let campaigns: &[Campaign] = &[campaign("a", &["spoiltstore"])];
    let Rig {
        sim, setup, dir, ..
    } = rig(roomy_sim(), 60_000, campaigns, TEST_KEY).await;
    let day = date("2026-11-03");
    sim.set_date(day);
    setup.pipeline.run_day(day, &[], &|_| {}).await.unwrap();
    let store = setup.store.clone();
    drop(setup);

    // Spoil the stored hashtag answer, as an edited store or an older build's would be.
    let key = "hashtag/spoiltstore";
    let mut snapshot = store
        .raw(day, key)
        .unwrap()
        .expect("the info answer is stored");
    snapshot.body = "{\"data\": ".to_string();
    store.put_raw(day, key, &snapshot).unwrap();

    let path = write_config(dir.path(), &sim.base_url(), 60_000, campaigns);
    let summary = rescorer(&path, store.clone())
        .run_day(day, &[], &|_| {})
        .await
        .unwrap();
    assert_eq!((summary.credits_spent, summary.requests), (0, 0));
    let missing = store.day("a", day).unwrap().unwrap().missing;
    let note = missing
        .iter()
        .find(|note| note.contains("#spoiltstore totals"))
        .unwrap_or_else(|| panic!("{missing:?}"));
    assert!(
        note.contains("the stored response hashtag/spoiltstore cannot be read"),
        "{note}"
    );
}
