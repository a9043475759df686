//! Comments in several languages through the whole pipeline: each language's scorer, a scorer
//! of an older contract beside a 0.3.0 one, and a backlash written in Portuguese.

use chrono::NaiveDate;
use hashtrack::domain::{AlertsOutcome, DayMetrics, SentimentOutcome};
use hashtrack_sim::{Language, SimConfig, default_quirks};

use crate::util::*;

/// A simulator whose `hashtag` is written in `languages`, with its backlash on `backlash`.
fn sim_in(hashtag: &str, languages: Vec<(Language, f64)>, backlash: NaiveDate) -> SimConfig {
    let mut sim = roomy_sim();
    let mut quirks = default_quirks(hashtag, sim.seed, sim.start_date);
    quirks.backlash_on = Some(backlash);
    quirks.stall_on = None;
    sim.quirks.insert(hashtag.into(), quirks);
    sim.languages.insert(hashtag.into(), languages);
    sim
}

async fn collect(rig: &Rig, date: NaiveDate) {
    rig.sim.set_date(date);
    rig.setup
        .pipeline
        .run_day(date, &[], &|_| {})
        .await
        .unwrap();
}

fn stored(rig: &Rig, date: NaiveDate) -> DayMetrics {
    rig.setup.store.day("c", date).unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_0_2_scorer_and_a_0_3_scorer_score_one_run_each_its_language() {
    // English goes to a 0.2.0 component that scores everything -0.5; Portuguese to the
    // built-in scorer, a 0.3.0 component.
    let sim = sim_in(
        "misturaco",
        vec![(Language::Pt, 0.5), (Language::En, 0.5)],
        sim_day(30),
    );
    let old = fixture("constant_v0_2.wat").display().to_string();
    let spec = campaign("c", &["misturaco"])
        .sentiment_videos(3)
        .languages(&["en", "pt"])
        .sentiment(Plugin::file(old))
        .language_sentiment("pt", Plugin::default());
    let rig = rig(sim, 60_000, &[spec], TEST_KEY).await;
    let checked = run_ok(
        hashtrack()
            .args(["plugin", "check", "--config"])
            .arg(&rig.config_path),
    );
    assert!(String::from_utf8_lossy(&checked.stdout).starts_with("OK"));
    let mut comments = Vec::new();
    for n in 1..=3 {
        collect(&rig, sim_day(n)).await;
        comments.extend(
            rig.setup
                .store
                .comments_first_read_on("c", sim_day(n))
                .unwrap(),
        );
    }
    let scores_in = |language: &str| -> Vec<f32> {
        comments
            .iter()
            .filter(|c| c.language.as_deref() == Some(language))
            .map(|c| c.score.expect("every declared language is scored"))
            .collect()
    };
    let (english, portuguese) = (scores_in("en"), scores_in("pt"));
    assert!(
        english.len() >= 20 && portuguese.len() >= 20,
        "{} en, {} pt",
        english.len(),
        portuguese.len()
    );
    assert!(
        english.iter().all(|s| *s == -0.5),
        "the 0.2 scorer read English: {english:?}"
    );
    assert!(
        portuguese.iter().filter(|s| **s >= 0.05).count() * 4 >= portuguese.len(),
        "the built-in scorer read Portuguese: {portuguese:?}"
    );
    let day = stored(&rig, sim_day(2));
    assert!(
        day.scorer.contains(";pt=builtin:sentiment#"),
        "{}",
        day.scorer
    );
    match &day.sentiment {
        SentimentOutcome::Scored(s) => assert_eq!(s.unscored.values().sum::<u32>(), 0, "{s:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portuguese_backlash_is_alerted_on_a_portuguese_campaign() {
    let backlash = sim_day(8);
    let sim = sim_in(
        "marcabr",
        vec![(Language::Pt, 0.85), (Language::En, 0.15)],
        backlash,
    );
    let spec = campaign("c", &["marcabr"])
        .sentiment_videos(3)
        .languages(&["pt", "en"]);
    let rig = rig(sim, 60_000, &[spec], TEST_KEY).await;
    for n in 1..=9 {
        collect(&rig, sim_day(n)).await;
    }
    // Before it: a real positive share, scored on Portuguese comments.
    let calm = stored(&rig, sim_day(6));
    match &calm.sentiment {
        SentimentOutcome::Scored(s) => {
            let positive = f64::from(s.positive) / f64::from(s.comments);
            assert!(s.comments >= 30 && positive > 0.4, "{s:?}");
            assert!(
                s.languages.get("pt").copied().unwrap_or(0) * 2 > s.comments,
                "{s:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    let raised: Vec<String> = [backlash, sim_day(9)]
        .iter()
        .flat_map(|date| match stored(&rig, *date).alerts {
            AlertsOutcome::Evaluated { alerts } => {
                alerts.into_iter().map(|a| a.rule).collect::<Vec<_>>()
            }
            AlertsOutcome::Unavailable { reason } => panic!("{reason}"),
        })
        .collect();
    assert!(
        raised
            .iter()
            .any(|r| r == "negative-sentiment" || r == "sentiment-drop"),
        "no sentiment alert on the backlash: {raised:?}"
    );
}
