//! What is new follows the data's own clock: the same simulated days give the same new
//! comments, sentiment and growth whether the host's clock agrees with the data or is 300 days
//! ahead (`run --allow-other-date`, a real process on the system clock), and a provider that
//! serves data 6 hours old loses no new comment.

use std::time::Duration;

use chrono::{Days, NaiveDate, Utc};

use hashtrack::domain::{DayMetrics, SentimentOutcome};
use hashtrack::store::Store;
use hashtrack_sim::SimConfig;

use crate::util::*;

const DAYS: u64 = 5;

fn on(start: NaiveDate, n: u64) -> NaiveDate {
    start + Days::new(n - 1)
}

/// What a day says about its new comments and growth, for comparing two runs of it.
fn signals(day: &DayMetrics) -> serde_json::Value {
    serde_json::json!({
        "sentiment": day.sentiment,
        "comments_read": day.comments_read,
        "view_growth": day.view_growth,
        "data_as_of": day.data_as_of,
    })
}

/// New comments read that day, scored or not (in a language no scorer reads).
fn new_comments(day: &DayMetrics) -> u32 {
    match &day.sentiment {
        SentimentOutcome::Scored(summary) => summary.comments_read(),
        _ => 0,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hosts_clock_300_days_ahead_changes_no_new_comment_or_figure() {
    // The simulated campaigns started 300 days before the host's today.
    let start = Utc::now().date_naive() - Days::new(300);
    let sim = SimConfig {
        start_date: start,
        ..roomy_sim()
    };
    let spec = campaign("c", &["clockwise", "clockwork"]).sentiment_videos(4);

    // On the data's time: collected in process at each simulated date's noon.
    let on_time = rig(sim.clone(), 60_000, std::slice::from_ref(&spec), TEST_KEY).await;
    // 300 days off: the real binary on the system clock, filing today's answers under the
    // simulated date.
    let (late_sim, _dir, late_config) = configured_sim(sim, 60_000, &[spec]).await;
    for n in 1..=DAYS {
        let date = on(start, n);
        on_time.sim.set_date(date);
        on_time.setup.run(&date.to_string()).await;
        late_sim.set_date(date);
        let day = date.to_string();
        let config = late_config.to_str().unwrap();
        let (code, _, stderr) = run_cli(
            &[
                "run",
                "--config",
                config,
                "--date",
                &day,
                "--allow-other-date",
            ],
            TEST_KEY,
        );
        assert_eq!(code, 0, "{stderr}");
    }

    let late_store =
        Store::open_existing(&late_config.parent().unwrap().join("data/store")).unwrap();
    let mut compared_new = 0;
    for n in 1..=DAYS {
        let date = on(start, n);
        let ours = on_time.setup.store.day("c", date).unwrap().unwrap();
        let late = late_store.day("c", date).unwrap().unwrap();
        assert!(
            late.collected_on.is_some(),
            "the late run is marked as such"
        );
        assert_eq!(signals(&ours), signals(&late), "{date}");
        compared_new += new_comments(&ours);
    }
    assert!(
        compared_new > 100,
        "too few new comments to compare: {compared_new}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_serving_data_6_hours_old_loses_no_new_comment() {
    let sim = SimConfig {
        provider_lag: Some(Duration::from_secs(6 * 3_600)),
        ..roomy_sim()
    };
    let hashtag = "glowdelay";
    let spec = campaign("c", &[hashtag])
        .sentiment_videos(5)
        .comments_per_video(100);
    let rig = rig(sim, 60_000, &[spec], TEST_KEY).await;
    let mut counted = 0;
    for n in 1..=DAYS {
        let date = sim_day(n);
        rig.sim.set_date(date);
        rig.setup.run(&date.to_string()).await;
        if n == 1 {
            continue;
        }
        let day = rig.setup.store.day("c", date).unwrap().unwrap();
        let served_before = rig.sim.truth(hashtag, sim_day(n - 1)).unwrap().served_as_of;
        let served_now = rig.sim.truth(hashtag, date).unwrap().served_as_of;
        let read = rig.setup.store.comments_first_read_on("c", date).unwrap();
        let new = new_comments(&day) as usize;
        // The new ones are stored first: every comment first read today and written after
        // the previous day's data stood is among them.
        for (i, comment) in read.iter().enumerate() {
            assert!(
                comment.created_at <= served_now,
                "{date}: served from the future"
            );
            if comment.created_at > served_before {
                assert!(
                    i < new,
                    "{date}: comment {} (written {}, previous data as of {served_before}) was not counted new",
                    comment.id,
                    comment.created_at
                );
            }
        }
        counted += read.iter().filter(|c| c.created_at > served_before).count();
    }
    assert!(counted > 100, "too few new comments to judge: {counted}");
}
