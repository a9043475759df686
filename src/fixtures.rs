//! Hand-made configuration and campaign days for the library's unit tests: complete by
//! default, each test breaks what it is about. One copy of each helper, for every module.

use chrono::NaiveDate;
use proptest::prelude::*;

use crate::config::{ApiAccount, CampaignConfig, PluginConfig};
use crate::domain::{
    AlertsOutcome, DayMetrics, GrowthBasis, HashtagDay, SentimentOutcome, SentimentSummary,
    TrackedVideo, VideoCountSource, VideoStats, ViewGrowth,
};

pub fn date(text: &str) -> NaiveDate {
    text.parse().expect("test dates are YYYY-MM-DD")
}

/// An API key, named by its variable, allowing `requests_per_minute`.
pub fn account(key_env: &str, requests_per_minute: u32) -> ApiAccount {
    ApiAccount {
        key_env: key_env.to_string(),
        requests_per_minute,
    }
}

pub fn campaign() -> CampaignConfig {
    let plugin = PluginConfig {
        wasm_file: None,
        memory_mib: None,
        fuel: None,
        timeout_ms: None,
        settings: vec![],
    };
    CampaignConfig {
        id: "spring".into(),
        name: "Spring launch".into(),
        client: "acme".into(),
        hashtags: vec!["tryacme".into(), "acmechallenge".into()],
        hashtag_labels: vec!["TryAcme".into(), "AcmeChallenge".into()],
        languages: vec!["en".into()],
        compare: vec![],
        videos: 30,
        sentiment_videos: 3,
        comments_per_video: 50,
        daily_credit_budget: None,
        sentiment: crate::config::SentimentConfig {
            all: plugin.clone(),
            by_language: Default::default(),
        },
        alerts: crate::config::AlertsConfig {
            plugins: vec![crate::config::AlertPlugin {
                name: crate::config::BUILTIN.into(),
                config: plugin,
            }],
            disable: vec![],
        },
        sinks: None,
    }
}

/// A complete day with the given totals, no videos, scored sentiment and no alerts.
pub fn day(on: &str, total_views: u64, total_videos: u64) -> DayMetrics {
    DayMetrics {
        campaign_id: "spring".into(),
        client_id: "acme".into(),
        date: date(on),
        collected_at: None,
        collected_on: None,
        data_as_of: Default::default(),
        hashtags: vec![HashtagDay {
            name: "tryacme".into(),
            views: Some(total_views),
            videos: Some(total_videos),
        }],
        competitors: vec![],
        total_views: Some(total_views),
        total_videos: Some(total_videos),
        video_count_source: VideoCountSource::Api,
        videos_seen: 0,
        new_views: None,
        new_videos: None,
        previous_date: None,
        view_growth: None,
        videos: vec![],
        new_tracked_videos: 0,
        top_creators: vec![],
        views_per_video: Some(total_views as f64 / total_videos as f64),
        sentiment: scored(6, 3, 1, 0.25),
        comments_read: 10,
        sentiment_to_date: None,
        scorer: "builtin:sentiment".into(),
        alerts: AlertsOutcome::Evaluated { alerts: vec![] },
        credits_spent: 5,
        missing: vec![],
    }
}

pub fn video(id: &str, creator: &str, plays: u64, first_seen: &str) -> TrackedVideo {
    TrackedVideo {
        id: id.into(),
        creator: creator.into(),
        caption: format!("video {id} #tryacme"),
        created_at: 1_793_000_000,
        stats: VideoStats {
            plays,
            ..VideoStats::default()
        },
        first_seen: date(first_seen),
        plays_change: None,
        change_span_days: None,
    }
}

pub fn scored(positive: u32, neutral: u32, negative: u32, mean_score: f64) -> SentimentOutcome {
    let comments = positive + neutral + negative;
    SentimentOutcome::Scored(SentimentSummary {
        unscored: Default::default(),
        languages: Default::default(),
        comments,
        positive,
        neutral,
        negative,
        positive_ratio: f64::from(positive) / f64::from(comments),
        negative_ratio: f64::from(negative) / f64::from(comments),
        mean_score,
    })
}

/// A realistic week ending 2026-11-07: a date without data, a partial day whose scorer failed,
/// a negative view step, a fallback video count, an alert, and a sample of five creators.
pub fn week() -> Vec<DayMetrics> {
    let totals: [(&str, u64, u64); 6] = [
        ("2026-11-01", 1_204_000, 310),
        ("2026-11-02", 1_650_000, 342),
        ("2026-11-03", 1_648_000, 351),
        ("2026-11-05", 2_410_500, 389),
        ("2026-11-06", 2_995_000, 402),
        ("2026-11-07", 3_380_200, 0),
    ];
    let mut days: Vec<DayMetrics> = totals
        .iter()
        .map(|&(on, views, videos)| day(on, views, videos))
        .collect();
    for i in 1..days.len() {
        let (before, after) = days.split_at_mut(i);
        let (prev, today) = (&before[i - 1], &mut after[0]);
        today.previous_date = Some(prev.date);
        today.new_views =
            Some(today.total_views.unwrap() as i64 - prev.total_views.unwrap() as i64);
        today.new_videos =
            Some(today.total_videos.unwrap() as i64 - prev.total_videos.unwrap() as i64);
        let span = (today.date - prev.date).num_days() as u32;
        let change = today.new_views.unwrap();
        today.view_growth = Some(ViewGrowth {
            span_days: span,
            per_day: change as f64 / f64::from(span),
            per_day_low: 20_600.0 / f64::from(span),
            per_day_high: Some((change + 100) as f64 / f64::from(span)),
            totals_change: Some(change),
            totals_step: Some(100),
            tracked_change: 20_600 * u64::from(span),
            tracked_compared: 3,
            basis: GrowthBasis::TrackedVideos,
        });
    }
    let last = days.last_mut().unwrap();
    last.video_count_source = VideoCountSource::DistinctVideosSeen;
    last.total_videos = None;
    last.videos_seen = 57;
    last.new_videos = None;
    last.views_per_video = None;

    let creators = [
        "mia.makes",
        "dan_reviews",
        "acme_fan_22",
        "lou",
        "zoe.tries",
    ];
    for (n, day) in days.iter_mut().enumerate() {
        day.videos = (0..=n + 2)
            .map(|v| {
                let plays = 40_000 * (v as u64 + 1) + 9_000 * n as u64;
                let first = ["2026-10-28", "2026-11-01", "2026-11-02", "2026-11-03"][v.min(3)];
                video(&format!("v{v}"), creators[v % creators.len()], plays, first)
            })
            .collect();
        day.new_tracked_videos = 1;
    }
    days[0].videos[0].caption =
        "Tried #tryacme, \"honestly\" better than I expected\nwould buy again".into();
    days[1].alerts = AlertsOutcome::Evaluated {
        alerts: vec![crate::domain::Alert {
            rule: "viral-day".into(),
            plugin: crate::config::BUILTIN.into(),
            severity: crate::domain::Severity::Warning,
            message: "Viral day: 446,000 new views".into(),
        }],
    };
    days[3].sentiment = SentimentOutcome::Unavailable {
        reason: "scorer ran out of fuel".into(),
    };
    days[3].missing = vec![
        "sentiment unavailable: scorer ran out of fuel".into(),
        "comments of video v2: HTTP 503 after 3 attempts".into(),
    ];
    days
}

/// Text as an attacker might write it: the simulator's hostile corpus, any string, strings
/// made of controls and formula characters, and handles past a formatting width's limit.
pub fn hostile_text() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        '\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{202E}', '\u{2066}', '\u{200F}', '\n', '\r',
        '\t', '=', '+', '-', '@', '<', '>', '&', '"', ',', '日', 'a', ' ',
    ]);
    prop_oneof![
        3 => any::<String>(),
        2 => prop::sample::select(hashtrack_sim::HOSTILE_TEXTS.to_vec()).prop_map(String::from),
        3 => prop::collection::vec(tricky, 0..24).prop_map(|c| c.into_iter().collect()),
        1 => (65_000usize..100_001).prop_map(|n| "h".repeat(n)),
    ]
}
