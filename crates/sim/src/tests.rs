//! End-to-end tests of the simulator over real HTTP on 127.0.0.1, as its users see it.

use std::collections::HashSet;

use chrono::Days;
use reqwest::Client;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::campaign::Campaign;
use super::comments::{self, Tone, tone_of};
use super::*;

const KEY: &str = "test-key";

fn day(n: u64) -> NaiveDate {
    SimConfig::default().start_date + Days::new(n - 1)
}

/// A config whose rate limit never gets in the way.
fn roomy() -> SimConfig {
    SimConfig {
        requests_per_window: 100_000,
        ..SimConfig::default()
    }
}

fn with_quirks(config: SimConfig, quirks: &[(&str, HashtagQuirks)]) -> SimConfig {
    SimConfig {
        quirks: quirks
            .iter()
            .map(|(n, q)| (n.to_string(), q.clone()))
            .collect(),
        ..config
    }
}

async fn start(config: SimConfig) -> SimServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    SimServer::start(listener, config).await.unwrap()
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    bytes: Vec<u8>,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        Some(self.headers.get(name)?.to_str().ok()?.to_string())
    }

    fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

async fn send(server: &SimServer, path: &str, key: Option<&str>, body: &str) -> Answer {
    let mut request = Client::new()
        .post(format!("{}{path}", server.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap().to_vec();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        bytes,
        body,
    }
}

async fn api(server: &SimServer, endpoint: Endpoint, body: Value) -> Answer {
    send(server, endpoint.path(), Some(KEY), &body.to_string()).await
}

async fn hashtag_id(server: &SimServer, name: &str) -> String {
    let info = api(server, Endpoint::HashtagInfo, json!({"hashtag_name": name})).await;
    assert_eq!(info.status, 200, "{:?}", info.body);
    info.body["data"]["challengeInfo"]["challenge"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `(viewCount, videoCount)` wherever this hashtag puts its stats.
fn hashtag_stats(answer: &Answer) -> (u64, u64) {
    let info = &answer.body["data"]["challengeInfo"];
    let stats = if info["stats"].is_object() {
        &info["stats"]
    } else {
        &info["challenge"]["stats"]
    };
    (
        stats["viewCount"].as_u64().unwrap(),
        stats["videoCount"].as_u64().unwrap(),
    )
}

/// Every page of a hashtag's feed, following the returned cursors.
async fn feed_pages(server: &SimServer, id: &str, count: u64) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut cursor = "0".to_string();
    loop {
        let body = json!({"hashtag_id": id, "cursor": cursor, "count": count});
        let page = api(server, Endpoint::HashtagVideos, body).await;
        assert_eq!(page.status, 200, "{:?}", page.body);
        let data = &page.body["data"];
        pages.push(data["aweme_list"].as_array().unwrap().clone());
        match data["has_more"].as_u64() {
            Some(1) => cursor = data["cursor"].as_str().unwrap().to_string(),
            Some(0) => return pages,
            other => panic!("has_more must be 0 or 1, got {other:?}"),
        }
    }
}

/// Every comment of a video as served now, page after page (50 a page).
async fn all_comments(server: &SimServer, video_id: &str) -> Vec<Value> {
    let mut comments = Vec::new();
    let mut cursor = "0".to_string();
    loop {
        let body = json!({"video_id": video_id, "cursor": cursor, "count": 50});
        let page = api(server, Endpoint::VideoComments, body).await;
        assert_eq!(page.status, 200, "{:?}", page.body);
        comments.extend(page.body["data"]["comments"].as_array().unwrap().clone());
        if page.body["data"]["has_more"] == 0 {
            return comments;
        }
        cursor = page.body["data"]["cursor"].as_str().unwrap().to_string();
    }
}

/// Unix seconds at the start of campaign day `n`.
fn day_start(n: u64) -> i64 {
    day(n).and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
}

fn ids_of(items: &[Value], field: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| i[field].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn info_has_the_envelope_and_both_stats_placements() {
    let nested = HashtagQuirks {
        stats_nested: true,
        ..HashtagQuirks::default()
    };
    let config = with_quirks(
        roomy(),
        &[
            ("nestedtag", nested),
            ("besidetag", HashtagQuirks::default()),
        ],
    );
    let server = start(config).await;
    server.set_date(day(10));

    let beside = api(
        &server,
        Endpoint::HashtagInfo,
        json!({"hashtag_name": "besidetag"}),
    )
    .await;
    assert_eq!(beside.status, 200);
    assert_eq!(beside.body["credits_used"], 1);
    assert_eq!(beside.body["credits_remaining"], 9_999);
    assert!(beside.body["response_time"].is_u64());
    let info = &beside.body["data"]["challengeInfo"];
    assert!(info["stats"]["viewCount"].as_u64().unwrap() > 0);
    assert!(info["challenge"].get("stats").is_none());
    assert_eq!(info["challenge"]["title"], "besidetag");
    for header in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(beside.header(header).is_some(), "{header} missing");
    }

    let nested = api(
        &server,
        Endpoint::HashtagInfo,
        json!({"hashtag_name": "#NestedTag"}),
    )
    .await;
    let info = &nested.body["data"]["challengeInfo"];
    assert!(info["challenge"]["stats"]["viewCount"].as_u64().unwrap() > 0);
    assert!(info.get("stats").is_none());
    assert_eq!(nested.body["credits_remaining"], 9_998);

    // By id, and the id wins over a name.
    let id = info["challenge"]["id"].as_str().unwrap();
    let by_id = api(
        &server,
        Endpoint::HashtagInfo,
        json!({"hashtag_id": id, "hashtag_name": "besidetag"}),
    )
    .await;
    assert_eq!(by_id.body["data"], nested.body["data"]);
}

#[tokio::test]
async fn bad_requests_get_their_codes_and_cost_nothing() {
    let server = start(roomy()).await;
    let malformed = send(
        &server,
        Endpoint::HashtagInfo.path(),
        Some(KEY),
        "{\"hashtag_name\":",
    )
    .await;
    assert_eq!(
        (malformed.status, malformed.error_code()),
        (400, "bad_request")
    );
    let missing = api(&server, Endpoint::HashtagInfo, json!({})).await;
    assert_eq!(missing.status, 422);
    let unknown = api(
        &server,
        Endpoint::HashtagInfo,
        json!({"hashtag_name": "unknownbrand"}),
    )
    .await;
    assert_eq!((unknown.status, unknown.error_code()), (404, "not_found"));
    let id = hashtag_id(&server, "trybrandx").await;
    let too_many = api(
        &server,
        Endpoint::HashtagVideos,
        json!({"hashtag_id": id, "count": 31}),
    )
    .await;
    assert_eq!(
        (too_many.status, too_many.error_code()),
        (400, "bad_request")
    );
    let comments = json!({"video_id": "7350810998023949599", "count": 51});
    assert_eq!(
        api(&server, Endpoint::VideoComments, comments).await.status,
        400
    );
    let no_video = json!({"video_id": "7350810998023949599"});
    assert_eq!(
        api(&server, Endpoint::VideoComments, no_video).await.status,
        404
    );
    let stats = server.stats();
    assert_eq!(stats.credits_charged, 1, "only the info call succeeded");
    assert_eq!(stats.per_endpoint[&Endpoint::VideoComments].requests, 2);
    assert_eq!(stats.per_endpoint[&Endpoint::VideoComments].charged, 0);
}

#[tokio::test]
async fn feed_pages_repeat_items_only_with_the_quirk() {
    let duplicating = HashtagQuirks {
        duplicate_items: true,
        ..HashtagQuirks::default()
    };
    let config = with_quirks(
        roomy(),
        &[
            ("duptag", duplicating),
            ("cleantag", HashtagQuirks::default()),
        ],
    );
    let server = start(config).await;
    server.set_date(day(25));

    let id = hashtag_id(&server, "duptag").await;
    let pages = feed_pages(&server, &id, 30).await;
    assert!(pages.len() > 2, "{} pages", pages.len());
    for pair in pages.windows(2) {
        let previous = ids_of(&pair[0], "aweme_id");
        let next = ids_of(&pair[1], "aweme_id");
        assert!(
            previous[previous.len() - 2..].contains(&next[0]),
            "page does not start with a repeat"
        );
    }
    let all: Vec<String> = pages.iter().flat_map(|p| ids_of(p, "aweme_id")).collect();
    let distinct: HashSet<&String> = all.iter().collect();
    assert!(distinct.len() < all.len());
    let info = api(&server, Endpoint::HashtagInfo, json!({"hashtag_id": id})).await;
    let (_, video_count) = hashtag_stats(&info);
    assert_eq!(distinct.len() as u64, video_count.min(300));

    let clean = feed_pages(&server, &hashtag_id(&server, "cleantag").await, 20).await;
    let all: Vec<String> = clean.iter().flat_map(|p| ids_of(p, "aweme_id")).collect();
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), all.len());
    assert!(clean[..clean.len() - 1].iter().all(|p| p.len() == 20));
}

#[tokio::test]
async fn videos_and_comments_look_like_the_contract_and_grow() {
    let server = start(roomy()).await;
    server.set_date(day(12));
    let id = hashtag_id(&server, "trybrandx").await;
    let page = api(&server, Endpoint::HashtagVideos, json!({"hashtag_id": id})).await;
    let videos = page.body["data"]["aweme_list"].as_array().unwrap().clone();
    assert_eq!(videos.len(), 20);
    let end_of_day = day(13).and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    for v in &videos {
        assert_eq!(v["aweme_id"].as_str().unwrap().len(), 19);
        assert!(v["create_time"].as_i64().unwrap() < end_of_day);
        assert!(v["desc"].as_str().unwrap().contains("#trybrandx"));
        assert!(v["author"]["sec_uid"].as_str().unwrap().starts_with("MS4w"));
        assert!(v["statistics"]["play_count"].as_u64().unwrap() > 0);
    }
    let video = &videos[0];
    let video_id = video["aweme_id"].as_str().unwrap();

    let comments = all_comments(&server, video_id).await;
    assert!(!comments.is_empty());
    let comment_count = video["statistics"]["comment_count"].as_u64().unwrap();
    assert!(
        comment_count > comments.len() as u64,
        "{comment_count} vs {}",
        comments.len()
    );
    for c in &comments {
        assert!(c["create_time"].as_i64().unwrap() < end_of_day);
        assert!(c["create_time"].as_i64() >= video["create_time"].as_i64());
        assert!(c["user"]["unique_id"].is_string() && c["reply_comment_total"].is_u64());
        assert!(!c["text"].as_str().unwrap().is_empty());
    }

    server.set_date(day(20));
    let later = api(
        &server,
        Endpoint::VideoComments,
        json!({"video_id": video_id, "count": 1}),
    )
    .await;
    assert_eq!(later.body["data"]["has_more"], 1);
    let later = all_comments(&server, video_id).await;
    let newest = later
        .iter()
        .map(|c| c["create_time"].as_i64().unwrap())
        .max()
        .unwrap();
    let first_seen = comments
        .iter()
        .map(|c| c["create_time"].as_i64().unwrap())
        .max()
        .unwrap();
    assert!(newest > first_seen, "threads keep growing");
    assert!(later.len() > comments.len());
}

#[tokio::test]
async fn missing_or_wrong_key_is_401_and_free() {
    let config = SimConfig {
        api_key: Some("s3cret".into()),
        ..roomy()
    };
    let server = start(config).await;
    let body = r#"{"hashtag_name":"trybrandx"}"#;
    let none = send(&server, Endpoint::HashtagInfo.path(), None, body).await;
    assert_eq!((none.status, none.error_code()), (401, "unauthorized"));
    assert!(none.header("x-ratelimit-remaining").is_some());
    let wrong = send(&server, Endpoint::HashtagInfo.path(), Some("guess"), body).await;
    assert_eq!(wrong.status, 401);
    assert!(!String::from_utf8_lossy(&wrong.bytes).contains("s3cret"));
    let right = send(&server, Endpoint::HashtagInfo.path(), Some("s3cret"), body).await;
    assert_eq!(right.status, 200);
    assert_eq!(server.stats().credits_charged, 1);
}

#[tokio::test]
async fn credits_run_out_with_402_and_failures_are_not_charged() {
    let server = start(SimConfig {
        credits: 2,
        ..roomy()
    })
    .await;
    let unknown = api(
        &server,
        Endpoint::HashtagInfo,
        json!({"hashtag_name": "unknown_x"}),
    )
    .await;
    assert_eq!(unknown.status, 404);
    for remaining in [1, 0] {
        let ok = api(
            &server,
            Endpoint::HashtagInfo,
            json!({"hashtag_name": "trybrandx"}),
        )
        .await;
        assert_eq!(ok.body["credits_remaining"], remaining);
    }
    let broke = api(
        &server,
        Endpoint::HashtagInfo,
        json!({"hashtag_name": "trybrandx"}),
    )
    .await;
    assert_eq!(
        (broke.status, broke.error_code()),
        (402, "insufficient_credits")
    );
    assert!(broke.body["error"]["billing_url"].is_string());

    let usage = Client::new()
        .get(format!("{}/api/v1/usage", server.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(usage.status().as_u16(), 200);
    let usage: Value = usage.json().await.unwrap();
    assert_eq!(usage["data"]["credits_remaining"], 0);
    assert_eq!(usage["data"]["credits_used_this_month"], 2);
    let stats = server.stats();
    assert_eq!(
        (
            stats.credits_charged,
            stats.credits_remaining,
            stats.requests
        ),
        (2, 0, 5)
    );
}

#[tokio::test]
async fn a_full_window_gets_429_until_it_resets() {
    let config = SimConfig {
        requests_per_window: 2,
        window: Duration::from_secs(1),
        ..SimConfig::default()
    };
    let server = start(config).await;
    let body = json!({"hashtag_name": "trybrandx"});
    let first = api(&server, Endpoint::HashtagInfo, body.clone()).await;
    assert_eq!(first.header("x-ratelimit-limit").as_deref(), Some("2"));
    assert_eq!(first.header("x-ratelimit-remaining").as_deref(), Some("1"));
    let second = api(&server, Endpoint::HashtagInfo, body.clone()).await;
    assert_eq!(second.header("x-ratelimit-remaining").as_deref(), Some("0"));
    let throttled = api(&server, Endpoint::HashtagInfo, body.clone()).await;
    assert_eq!(
        (throttled.status, throttled.error_code()),
        (429, "rate_limit_exceeded")
    );
    assert_eq!(throttled.header("retry-after").as_deref(), Some("1"));
    let reset: u64 = throttled
        .header("x-ratelimit-reset")
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(reset >= now && reset <= now + 2, "reset {reset}, now {now}");

    tokio::time::sleep(Duration::from_millis(1_050)).await;
    let after = api(&server, Endpoint::HashtagInfo, body).await;
    assert_eq!(after.status, 200);
    let stats = server.stats();
    assert_eq!((stats.rate_limited, stats.credits_charged), (1, 3));
}

#[tokio::test]
async fn injected_faults_answer_first_and_cost_nothing() {
    let server = start(roomy()).await;
    let id = hashtag_id(&server, "trybrandx").await;
    server.inject(Fault::on(Endpoint::HashtagInfo, FaultKind::Status(503), 2));
    server.inject(Fault::any(FaultKind::Status(500), 1));

    let feed = api(&server, Endpoint::HashtagVideos, json!({"hashtag_id": id})).await;
    assert_eq!((feed.status, feed.error_code()), (500, "internal_error"));
    for _ in 0..2 {
        let info = api(&server, Endpoint::HashtagInfo, json!({"hashtag_id": id})).await;
        assert_eq!(
            (info.status, info.error_code()),
            (503, "upstream_unavailable")
        );
        assert!(info.header("x-ratelimit-reset").is_some());
    }
    assert_eq!(
        api(&server, Endpoint::HashtagInfo, json!({"hashtag_id": id}))
            .await
            .status,
        200
    );

    server.inject(Fault::any(
        FaultKind::RateLimited {
            retry_after_secs: 7,
        },
        1,
    ));
    let throttled = api(&server, Endpoint::HashtagInfo, json!({"hashtag_id": id})).await;
    assert_eq!(
        (throttled.status, throttled.header("retry-after")),
        (429, Some("7".into()))
    );

    server.inject(Fault::any(FaultKind::MalformedBody, 1));
    let malformed = api(&server, Endpoint::HashtagInfo, json!({"hashtag_id": id})).await;
    assert_eq!(malformed.status, 200);
    assert!(malformed.body["data"].get("challengeInfo").is_none());

    server.inject(Fault::any(FaultKind::Delay(Duration::from_millis(400)), 1));
    let impatient = Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let timed_out = impatient
        .post(format!(
            "{}{}",
            server.base_url(),
            Endpoint::HashtagInfo.path()
        ))
        .bearer_auth(KEY)
        .body(json!({"hashtag_id": id}).to_string())
        .send()
        .await;
    assert!(timed_out.is_err_and(|e| e.is_timeout()));

    let stats = server.stats();
    assert_eq!(
        stats.credits_charged, 2,
        "the first info call and the one after the 503s"
    );
    assert_eq!(stats.faults_served, 6);
    assert_eq!(stats.rate_limited, 1);
}

#[tokio::test]
async fn same_seed_and_date_give_the_same_bytes() {
    async fn session(seed: u64, date: NaiveDate) -> Vec<Vec<u8>> {
        let server = start(SimConfig { seed, ..roomy() }).await;
        server.set_date(date);
        let info = api(
            &server,
            Endpoint::HashtagInfo,
            json!({"hashtag_name": "trybrandx"}),
        )
        .await;
        let id = info.body["data"]["challengeInfo"]["challenge"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let feed = api(
            &server,
            Endpoint::HashtagVideos,
            json!({"hashtag_id": id, "count": 30}),
        )
        .await;
        let video = feed.body["data"]["aweme_list"][3]["aweme_id"]
            .as_str()
            .unwrap()
            .to_string();
        let comments = api(
            &server,
            Endpoint::VideoComments,
            json!({"video_id": video, "count": 50}),
        )
        .await;
        vec![info.bytes, feed.bytes, comments.bytes]
    }
    let first = session(7, day(15)).await;
    assert_eq!(first, session(7, day(15)).await);
    assert_ne!(first[1], session(8, day(15)).await[1]);
    assert_ne!(first[0], session(7, day(16)).await[0]);
}

#[tokio::test]
async fn views_step_back_on_the_forced_date_and_video_count_can_be_zero() {
    let quirks = HashtagQuirks {
        views_step_back_on: Some(day(12)),
        zero_video_count: true,
        ..HashtagQuirks::default()
    };
    let server = start(with_quirks(roomy(), &[("stepback", quirks)])).await;
    let mut views = Vec::new();
    for n in [11, 12, 13, 25] {
        server.set_date(day(n));
        let info = api(
            &server,
            Endpoint::HashtagInfo,
            json!({"hashtag_name": "stepback"}),
        )
        .await;
        let (view_count, video_count) = hashtag_stats(&info);
        assert_eq!(video_count, 0);
        views.push(view_count);
    }
    assert!(views[1] < views[0], "{views:?}");
    assert!(views[2] > views[1] && views[3] > views[0], "{views:?}");
}

#[tokio::test]
async fn the_backlash_day_has_a_much_more_negative_mood() {
    let name = "glowdrop";
    let quirks = HashtagQuirks::default();
    let config = with_quirks(roomy(), &[(name, quirks.clone())]);
    let backlash = Campaign::new(config.seed, name, quirks, config.start_date, None).backlash_day;
    let server = start(config).await;
    let id = hashtag_id(&server, name).await;

    // The day's comments sit behind the old favourites: read whole threads, keep that day's.
    let mut negative_share = Vec::new();
    for n in [6, backlash as u64] {
        server.set_date(day(n));
        let feed = api(
            &server,
            Endpoint::HashtagVideos,
            json!({"hashtag_id": id, "count": 10}),
        )
        .await;
        let mut tones = Vec::new();
        for video in feed.body["data"]["aweme_list"].as_array().unwrap() {
            let comments = all_comments(&server, video["aweme_id"].as_str().unwrap()).await;
            for c in comments {
                if c["create_time"].as_i64().unwrap() >= day_start(n) {
                    tones.push(tone_of(c["text"].as_str().unwrap()).expect("a pool text"));
                }
            }
        }
        assert!(tones.len() >= 60, "{} comments on day {n}", tones.len());
        let negative = tones.iter().filter(|t| **t == Tone::Negative).count();
        negative_share.push(negative as f64 / tones.len() as f64);
    }
    let (calm, backlash) = (negative_share[0], negative_share[1]);
    assert!(
        backlash > 0.45 && backlash > 2.5 * calm,
        "calm {calm:.2}, backlash {backlash:.2}"
    );
}

#[tokio::test]
async fn the_control_endpoint_moves_the_date() {
    let server = start(roomy()).await;
    assert_eq!(server.date(), day(1));
    let moved = send(&server, "/_sim/date", None, r#"{"date":"2026-11-20"}"#).await;
    assert_eq!(
        (moved.status, &moved.body["date"]),
        (200, &json!("2026-11-20"))
    );
    assert_eq!(server.date(), day(20));
    let bad = send(&server, "/_sim/date", None, r#"{"date":"20 Nov"}"#).await;
    assert_eq!(bad.status, 400);
    let nowhere = send(&server, "/api/v1/tiktok/user", Some(KEY), "{}").await;
    assert_eq!((nowhere.status, nowhere.error_code()), (404, "not_found"));
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    server.shutdown().await;
}

#[tokio::test]
async fn comments_come_most_liked_first_and_todays_sit_deeper() {
    let name = "toplikes";
    let server = start(with_quirks(roomy(), &[(name, HashtagQuirks::default())])).await;
    let (first, later) = (14, 17);
    server.set_date(day(first));
    let id = hashtag_id(&server, name).await;
    let feed = api(
        &server,
        Endpoint::HashtagVideos,
        json!({"hashtag_id": id, "count": 30}),
    )
    .await;
    let mut checked = 0;
    for video in feed.body["data"]["aweme_list"].as_array().unwrap() {
        // Videos a daily collector would keep re-reading: days old, with a long thread.
        if video["create_time"].as_i64().unwrap() >= day_start(first - 2)
            || video["statistics"]["comment_count"].as_u64().unwrap() < 120
        {
            continue;
        }
        let video_id = video["aweme_id"].as_str().unwrap();
        server.set_date(day(first));
        let body = json!({"video_id": video_id, "cursor": "0", "count": 20});
        let page_one = api(&server, Endpoint::VideoComments, body.clone()).await;
        let page_one = ids_of(page_one.body["data"]["comments"].as_array().unwrap(), "cid");
        assert_eq!(page_one.len(), 20);

        server.set_date(day(later));
        let thread = all_comments(&server, video_id).await;
        let likes: Vec<(u64, u64)> = thread
            .iter()
            .map(|c| {
                let cid: u64 = c["cid"].as_str().unwrap().parse().unwrap();
                (c["digg_count"].as_u64().unwrap(), cid)
            })
            .collect();
        assert!(
            likes
                .windows(2)
                .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1)),
            "most liked first, ties by id"
        );
        let again = api(&server, Endpoint::VideoComments, body).await;
        let again = ids_of(again.body["data"]["comments"].as_array().unwrap(), "cid");
        let repeated = again.iter().filter(|cid| page_one.contains(cid)).count();
        assert!(repeated >= 16, "{repeated} of 20 repeated");
        let todays: Vec<usize> = (0..thread.len())
            .filter(|&i| thread[i]["create_time"].as_i64().unwrap() >= day_start(later))
            .collect();
        assert!(!todays.is_empty());
        let deep = todays.iter().filter(|&&i| i >= 20).count();
        assert!(deep * 10 >= todays.len() * 8, "{deep} of {}", todays.len());
        // Continuing the cursor past page 1 reaches comments not read before.
        let next = api(
            &server,
            Endpoint::VideoComments,
            json!({"video_id": video_id, "cursor": "20", "count": 50}),
        )
        .await;
        let next = ids_of(next.body["data"]["comments"].as_array().unwrap(), "cid");
        assert!(next.iter().any(|cid| !page_one.contains(cid)));
        checked += 1;
        if checked == 3 {
            break;
        }
    }
    assert_eq!(checked, 3, "not enough old videos with long threads");
}

#[tokio::test]
async fn a_forced_stall_stops_true_growth_while_reported_views_still_step() {
    let quirks = HashtagQuirks {
        stall_on: Some(day(15)),
        ..HashtagQuirks::default()
    };
    let server = start(with_quirks(roomy(), &[("stalls", quirks)])).await;
    for n in [5, 9, 12, 14] {
        let truth = server.truth("stalls", day(n)).unwrap();
        assert!(truth.new_views > 5_000, "day {n}: {truth:?}");
    }
    let mut reported = Vec::new();
    for n in 15..=22 {
        let truth = server.truth("stalls", day(n)).unwrap();
        assert!(truth.new_views < 1_000, "day {n}: {truth:?}");
        assert_eq!((truth.new_videos, truth.phase), (0, Phase::Stalled));
        server.set_date(day(n));
        let info = api(
            &server,
            Endpoint::HashtagInfo,
            json!({"hashtag_name": "stalls"}),
        )
        .await;
        let (views, videos) = hashtag_stats(&info);
        assert_eq!(videos, truth.videos);
        let unit = 10f64.powi((views as f64).log10().floor() as i32 - 2);
        assert!(
            (views as f64 - truth.views as f64).abs() <= truth.views as f64 * 0.0061 + unit,
            "reported {views}, true {}",
            truth.views
        );
        reported.push(views);
    }
    assert!(
        reported.windows(2).filter(|w| w[0] != w[1]).count() >= 2,
        "{reported:?}"
    );
}

#[tokio::test]
async fn the_truth_endpoint_answers_for_free_and_checks_its_parameters() {
    let quirks = HashtagQuirks {
        stall_on: Some(day(20)),
        backlash_on: Some(day(16)),
        ..HashtagQuirks::default()
    };
    let config = with_quirks(
        SimConfig {
            api_key: Some("s3cret".into()),
            requests_per_window: 1,
            ..SimConfig::default()
        },
        &[("trybrandx", quirks)],
    );
    let server = start(config.clone()).await;
    let get = |query: &'static str| {
        let url = format!("{}/_sim/truth{query}", server.base_url());
        async move {
            let response = Client::new().get(url).send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    for _ in 0..3 {
        let (status, body) = get("?hashtag=TryBrandX&date=2026-11-18").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["hashtag"], "trybrandx");
        assert_eq!(body["date"], "2026-11-18");
        assert_eq!(body["day"], 18);
        assert_eq!(body["backlash_on"], "2026-11-16");
        assert_eq!(body["stall_on"], "2026-11-20");
        assert_eq!(body["phase"], "backlash");
        for field in ["views", "videos", "new_views", "new_videos"] {
            assert!(body[field].is_u64(), "{field}: {body}");
        }
        assert!(body["viral_on"].is_array());
        assert_eq!(body["served_as_of"], day_start(19) - 1);
        for field in ["total", "positive", "neutral", "negative"] {
            assert!(body["new_comments"][field].is_u64(), "{field}: {body}");
        }
        let in_process = serde_json::to_value(server.truth("trybrandx", day(18)).unwrap()).unwrap();
        assert_eq!(body, in_process);
        assert_eq!(
            in_process,
            serde_json::to_value(truth(&config, "trybrandx", day(18)).unwrap()).unwrap()
        );
    }
    let (_, stalled) = get("?hashtag=trybrandx&date=2026-11-21").await;
    assert_eq!(
        (&stalled["phase"], &stalled["new_videos"]),
        (&json!("stalled"), &json!(0))
    );

    for bad in [
        "?hashtag=trybrandx&date=2026-13-01",
        "?hashtag=trybrandx&date=18%20Nov",
        "?hashtag=trybrandx",
        "?date=2026-11-18",
        "?hashtag=two%20words&date=2026-11-18",
        "",
    ] {
        let (status, body) = get(bad).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (400, &json!("bad_request")),
            "{bad}"
        );
    }
    let (status, body) = get("?hashtag=unknownbrand&date=2026-11-18").await;
    assert_eq!((status, &body["error"]["code"]), (404, &json!("not_found")));
    assert!(server.truth("unknownbrand", day(18)).is_none());

    let stats = server.stats();
    assert_eq!((stats.requests, stats.credits_charged), (0, 0));
    // Still a whole rate window for the API.
    let info = send(
        &server,
        Endpoint::HashtagInfo.path(),
        Some("s3cret"),
        r#"{"hashtag_name":"trybrandx"}"#,
    )
    .await;
    assert_eq!(info.status, 200);
}

/// `GET /_sim/<what>?<query>` as `(status, body)`.
async fn sim_get(server: &SimServer, what: &str, query: &str) -> (u16, Value) {
    let url = format!("{}/_sim/{what}{query}", server.base_url());
    let response = Client::new().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json::<Value>().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn thread_truth_is_what_the_comments_endpoint_pages_through() {
    let name = "threadtruth";
    let server = start(with_quirks(roomy(), &[(name, HashtagQuirks::default())])).await;
    let date = day(16);
    server.set_date(date);
    let id = hashtag_id(&server, name).await;
    let feed = api(
        &server,
        Endpoint::HashtagVideos,
        json!({"hashtag_id": id, "count": 10}),
    )
    .await;
    let videos = feed.body["data"]["aweme_list"].as_array().unwrap().clone();
    let mut long_threads = 0;
    for video in &videos {
        let video_id = video["aweme_id"].as_str().unwrap();
        let truth = server.thread_truth(video_id, date).unwrap();
        // Page by page, 20 at a time, following the cursor.
        let mut served = Vec::new();
        let mut cursor = "0".to_string();
        loop {
            let body = json!({"video_id": video_id, "cursor": cursor, "count": 20});
            let page = api(&server, Endpoint::VideoComments, body).await;
            let data = &page.body["data"];
            let items = data["comments"].as_array().unwrap();
            let from = cursor.parse::<usize>().unwrap();
            for (i, c) in items.iter().enumerate() {
                let expected = &truth.comments[from + i];
                assert_eq!(c["cid"].as_str().unwrap(), expected.id, "item {}", from + i);
                assert_eq!(c["create_time"].as_i64().unwrap(), expected.created_at);
            }
            served.extend(ids_of(items, "cid"));
            if data["has_more"] == 0 {
                break;
            }
            cursor = data["cursor"].as_str().unwrap().to_string();
        }
        let truth_ids: Vec<String> = truth.comments.iter().map(|c| c.id.clone()).collect();
        assert_eq!(served, truth_ids);
        assert!(
            truth
                .comments
                .iter()
                .all(|c| c.created_at <= truth.served_as_of)
        );
        long_threads += usize::from(truth.comments.len() > 40);

        let (status, body) = sim_get(
            &server,
            "thread",
            &format!("?video_id={video_id}&date={date}"),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, serde_json::to_value(&truth).unwrap());
    }
    assert!(long_threads >= 2, "{long_threads} threads over two pages");
    let truth = server.truth(name, date).unwrap();
    assert_eq!(
        server
            .thread_truth(videos[0]["aweme_id"].as_str().unwrap(), date)
            .unwrap()
            .served_as_of,
        truth.served_as_of
    );

    // Free, and the same rules as the comments endpoint: unknown before it is posted.
    let stats = server.stats();
    let video_id = videos[0]["aweme_id"].as_str().unwrap();
    let created = videos[0]["create_time"].as_i64().unwrap();
    let day_before = chrono::DateTime::from_timestamp(created - 86_400, 0)
        .unwrap()
        .date_naive();
    assert!(server.thread_truth(video_id, day_before).is_none());
    for (query, expected) in [
        (format!("?video_id={video_id}&date=2026-11-40"), 400),
        (format!("?video_id={video_id}"), 400),
        ("?date=2026-11-16".to_string(), 400),
        ("?video_id=abc&date=2026-11-16".to_string(), 400),
        (
            "?video_id=7350810998023949599&date=2026-11-16".to_string(),
            404,
        ),
        (format!("?video_id={video_id}&date={day_before}"), 404),
    ] {
        let (status, body) = sim_get(&server, "thread", &query).await;
        assert_eq!(status, expected, "{query}: {body}");
    }
    assert_eq!(
        server.stats(),
        stats,
        "the thread truth is free and uncounted"
    );
}

#[tokio::test]
async fn thread_truth_does_not_resolve_a_hashtag() {
    let server = start(roomy()).await;
    server.set_date(day(10));
    let id = hashtag_id(&server, "resolvedtag").await;
    let feed = api(&server, Endpoint::HashtagVideos, json!({"hashtag_id": id})).await;
    let video_id = feed.body["data"]["aweme_list"][0]["aweme_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(server.thread_truth(&video_id, day(10)).is_some());

    // A second server that never resolved the hashtag does not know the video.
    let other = start(roomy()).await;
    assert!(other.thread_truth(&video_id, day(10)).is_none());
    let (status, _) = sim_get(
        &other,
        "thread",
        &format!("?video_id={video_id}&date=2026-11-10"),
    )
    .await;
    assert_eq!(status, 404);
    let comments = api(
        &other,
        Endpoint::VideoComments,
        json!({"video_id": video_id}),
    )
    .await;
    assert_eq!(comments.status, 404);
}

#[tokio::test]
async fn with_a_six_hour_lag_nothing_newer_is_served_until_the_next_day() {
    const LAG: i64 = 6 * 3_600;
    // Launching, medium and under the feed's cap by day 13, so the whole feed can be read.
    let name = crate::campaign::test_campaign_where(|c| {
        crate::campaign::ordinary(c) && c.posted_by(13) < 250 && c.posted_by(12) > 60
    })
    .name;
    let config = with_quirks(
        SimConfig {
            provider_lag: Some(Duration::from_secs(LAG as u64)),
            ..roomy()
        },
        &[(&name, HashtagQuirks::default())],
    );
    let server = start(config).await;
    let (today, next) = (day(12), day(13));
    let as_of = day_start(13) - 1 - LAG;
    let truth = server.truth(&name, today).unwrap();
    assert_eq!(truth.served_as_of, as_of);

    server.set_date(today);
    let id = hashtag_id(&server, &name).await;
    let info = api(&server, Endpoint::HashtagInfo, json!({"hashtag_id": id})).await;
    let (_, video_count) = hashtag_stats(&info);
    let feed: Vec<Value> = feed_pages(&server, &id, 30).await.concat();
    assert_eq!(feed.len() as u64, video_count);
    assert!(
        video_count < truth.videos,
        "the day's last videos are hidden"
    );
    assert!(
        feed.iter()
            .all(|v| v["create_time"].as_i64().unwrap() <= as_of)
    );
    let mut served_today = HashMap::new();
    for video in feed.iter().take(6) {
        let video_id = video["aweme_id"].as_str().unwrap().to_string();
        let comments = all_comments(&server, &video_id).await;
        assert!(
            comments
                .iter()
                .all(|c| c["create_time"].as_i64().unwrap() <= as_of)
        );
        let thread = server.thread_truth(&video_id, today).unwrap();
        assert_eq!(thread.served_as_of, as_of);
        served_today.insert(video_id, ids_of(&comments, "cid"));
    }

    server.set_date(next);
    let later_feed: Vec<Value> = feed_pages(&server, &id, 30).await.concat();
    let hidden_video = later_feed
        .iter()
        .find(|v| (as_of + 1..day_start(13)).contains(&v["create_time"].as_i64().unwrap()))
        .expect("a video posted in the lag window");
    let hidden_id = hidden_video["aweme_id"].as_str().unwrap();
    server.set_date(today);
    let unknown_yet = api(
        &server,
        Endpoint::VideoComments,
        json!({"video_id": hidden_id}),
    )
    .await;
    assert_eq!(unknown_yet.status, 404, "not served before it exists");
    server.set_date(next);
    let mut caught_up = 0;
    for (video_id, before) in &served_today {
        let comments = all_comments(&server, video_id).await;
        let now: HashSet<String> = ids_of(&comments, "cid").into_iter().collect();
        assert!(before.iter().all(|cid| now.contains(cid)));
        caught_up += comments
            .iter()
            .filter(|c| {
                let t = c["create_time"].as_i64().unwrap();
                as_of < t && t < day_start(13)
            })
            .count();
    }
    assert!(
        caught_up > 0,
        "the lag window's comments are served the next day"
    );
}

/// The hashtags of the shipped `campaigns.toml` (lowercased), competitors included.
pub(crate) const DEMO_HASHTAGS: [&str; 6] = [
    "glassskinglowco",
    "glowcoserum",
    "dewydropserum",
    "glowconightroutine",
    "snackhauscrunchtest",
    "strideonfirstmile",
];

#[test]
fn shapes_vary_across_seeds_as_real_data_does() {
    use super::{threads, videos};
    let config = SimConfig::default();
    let (mut small, mut decaying, mut busy_days) = (0, 0, 0);
    let (mut lowest_share, mut highest_share) = (1.0f64, 0.0f64);
    for seed in 1..=20 {
        for name in DEMO_HASHTAGS {
            let quirks = default_quirks(name, seed, config.start_date);
            let c = Campaign::new(seed, name, quirks, config.start_date, None);
            let config = SimConfig {
                seed,
                ..config.clone()
            };
            let last = truth(&config, name, day(30)).unwrap();
            small += usize::from(last.videos < 60);
            let before = truth(&config, name, day(1) - Days::new(1)).unwrap();

            // Decaying: most videos old on day 1, and the day's growth mostly from young
            // videos outside the feed's most-played top.
            let d = 15;
            let (end, start) = (c.day_end(d), c.day_end(d - 1));
            let top: HashSet<u64> = videos::feed(&c, d, end)
                .iter()
                .take(30)
                .map(|v| v.id)
                .collect();
            let (mut gain, mut young_outside_top) = (0.0, 0.0);
            for v in videos::posted_by(&c, d) {
                let g = v.plays_at(&c, end) - v.plays_at(&c, start);
                gain += g;
                if v.day > d - 7 && !top.contains(&v.id) {
                    young_outside_top += g;
                }
            }
            if before.videos * 10 >= last.videos * 7 && young_outside_top > 0.5 * gain {
                decaying += 1;
            }

            let at = c.day_end(30);
            for v in videos::feed(&c, 30, at).iter().take(15) {
                let top_level = threads::count_at(&c, v, at);
                if top_level >= 40 {
                    let share = top_level as f64 / v.stats_at(&c, at, top_level).comments as f64;
                    lowest_share = lowest_share.min(share);
                    highest_share = highest_share.max(share);
                }
                busy_days += (1..=30)
                    .filter(|&d| threads::written_on(&c, v, d) > 150)
                    .count();
            }
        }
    }
    println!(
        "small {small}, decaying {decaying}, top-level share {lowest_share:.2}..{highest_share:.2}, \
         video-days over 150 new comments {busy_days}"
    );
    assert!(small >= 5, "{small} small hashtags");
    assert!(decaying >= 3, "{decaying} decaying hashtags");
    assert!(
        lowest_share <= 0.55 && highest_share >= 0.85,
        "{lowest_share:.2}..{highest_share:.2}"
    );
    assert!(busy_days >= 5, "{busy_days} video-days over 150");
}

#[tokio::test]
async fn hostile_mode_serves_the_same_hostile_world_for_a_seed() {
    let hostile = SimConfig {
        hostile: true,
        ..roomy()
    };
    let (a, b, plain) = (
        start(hostile.clone()).await,
        start(hostile).await,
        start(roomy()).await,
    );
    // The first answer of a hostile server asks for an hour's wait, once.
    for server in [&a, &b] {
        let first = api(server, Endpoint::HashtagInfo, json!({"hashtag_name": "x"})).await;
        assert_eq!(first.status, 429, "{:?}", first.body);
        assert_eq!(
            first.headers["retry-after"].to_str().unwrap(),
            super::hostile::HOSTILE_RETRY_AFTER_SECS.to_string()
        );
    }
    let feed = |server| async move {
        let id = hashtag_id(server, "hostiletag").await;
        feed_pages(server, &id, 30).await
    };
    let pages = feed(&a).await;
    assert_eq!(pages, feed(&b).await, "the same seed, the same feed");
    let page = &pages[0];
    assert_eq!(
        page[0]["author"]["unique_id"].as_str().map(str::len),
        Some(LONG_HANDLE_CHARS)
    );
    let texts: Vec<&str> = page
        .iter()
        .flat_map(|v| {
            [
                v["author"]["unique_id"].as_str(),
                v["author"]["nickname"].as_str(),
                v["desc"].as_str(),
            ]
        })
        .flatten()
        .collect();
    assert!(texts.iter().any(|t| HOSTILE_TEXTS.contains(t)), "{texts:?}");
    let bad = pages.iter().flatten().filter(|v| {
        v.get("aweme_id").is_none()
            || !v["statistics"]["play_count"].is_u64()
            || !v["statistics"]["digg_count"].is_u64()
            || !v["statistics"]["comment_count"].is_u64()
    });
    assert!(
        bad.count() > 0,
        "no item of {} breaks the contract",
        pages.iter().map(Vec::len).sum::<usize>()
    );
    let plain_page = serde_json::to_string(&feed(&plain).await).unwrap();
    assert!(!plain_page.contains("<!channel>") && !plain_page.contains(&"h".repeat(100)));

    // Error bodies carry the escapes too.
    let missing = api(&a, Endpoint::HashtagVideos, json!({"cursor": "0"})).await;
    let message = missing.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains('\u{1b}') && message.contains("<!channel>"),
        "{message}"
    );
}

/// FNV-1a over every text, in order: a fingerprint of what was written.
fn digest<'a>(texts: impl IntoIterator<Item = &'a str>) -> u64 {
    texts
        .into_iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, text| {
            text.bytes()
                .chain([0])
                .fold(h, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
        })
}

/// Every comment text of the first `videos` videos of `name` as the comments endpoint pages
/// through them on `date`.
async fn served_texts(
    server: &SimServer,
    name: &str,
    videos: usize,
    date: NaiveDate,
) -> Vec<String> {
    server.set_date(date);
    let id = hashtag_id(server, name).await;
    let feed = api(
        server,
        Endpoint::HashtagVideos,
        json!({"hashtag_id": id, "count": videos}),
    )
    .await;
    let mut texts = Vec::new();
    for video in feed.body["data"]["aweme_list"].as_array().unwrap() {
        let mut cursor = "0".to_string();
        loop {
            let body = json!({"video_id": video["aweme_id"], "cursor": cursor, "count": 50});
            let page = api(server, Endpoint::VideoComments, body).await;
            let data = &page.body["data"];
            for c in data["comments"].as_array().unwrap() {
                texts.push(c["text"].as_str().unwrap().to_string());
            }
            if data["has_more"] == 0 {
                break;
            }
            cursor = data["cursor"].as_str().unwrap().to_string();
        }
    }
    texts
}

/// What English-only hashtags served before comments had languages: pinned, because other
/// tests and the measured `evaluate` figures rest on these exact texts.
const ENGLISH_THREADS: (usize, u64) = (6238, 0x3fd4_a468_d2c1_a7cc);
const ENGLISH_SAMPLES: u64 = 0x252f_f0b7_c92c_2fcc;

#[tokio::test]
async fn english_only_hashtags_serve_the_same_texts_as_ever() {
    let server = start(roomy()).await;
    let texts = served_texts(&server, "trybrandx", 6, day(19)).await;
    let served = (texts.len(), digest(texts.iter().map(String::as_str)));
    assert_eq!(served, ENGLISH_THREADS);
    let samples = sample_comments(7, 3_000);
    assert_eq!(digest(samples.iter().map(String::as_str)), ENGLISH_SAMPLES);
}

/// A roomy config where `#glowup` writes 60 % Portuguese, 30 % Spanish, 10 % English, without
/// the duplicates quirk (so served pages line up with the thread truth).
fn multilingual() -> SimConfig {
    let mut config = with_quirks(roomy(), &[("glowup", HashtagQuirks::default())]);
    config.languages.insert(
        "#GlowUp".into(),
        vec![
            (Language::Pt, 0.6),
            (Language::Es, 0.3),
            (Language::En, 0.1),
        ],
    );
    config
}

#[tokio::test]
async fn a_language_mix_comes_out_near_its_weights_and_the_truth_names_each_text() {
    let server = start(multilingual()).await;
    let date = day(19);
    let texts = served_texts(&server, "glowup", 30, date).await;
    let id = hashtag_id(&server, "glowup").await;
    let feed = api(
        &server,
        Endpoint::HashtagVideos,
        json!({"hashtag_id": id, "count": 30}),
    )
    .await;
    let truths: Vec<CommentTruth> = feed.body["data"]["aweme_list"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| {
            server
                .thread_truth(v["aweme_id"].as_str().unwrap(), date)
                .unwrap()
                .comments
        })
        .collect();
    assert_eq!(texts.len(), truths.len());
    assert!(texts.len() > 2_000, "{} comments", texts.len());
    for (text, truth) in texts.iter().zip(&truths) {
        assert_eq!(
            comments::written_in(text),
            Some((truth.language, truth.tone)),
            "{text}"
        );
    }
    let written: Vec<&CommentTruth> = truths
        .iter()
        .filter(|t| t.language != Language::Und)
        .collect();
    for (language, weight) in [
        (Language::Pt, 0.6),
        (Language::Es, 0.3),
        (Language::En, 0.1),
    ] {
        let share =
            written.iter().filter(|t| t.language == language).count() as f64 / written.len() as f64;
        assert!((share - weight).abs() < 0.03, "{language}: {share}");
    }
    let und = truths.len() - written.len();
    assert!(und > 0 && und * 10 < truths.len(), "{und} emoji-only");
    let mixed: Vec<&&CommentTruth> = written.iter().filter(|t| t.mixed).collect();
    let native = written
        .iter()
        .filter(|t| t.language != Language::En)
        .count();
    assert!(
        mixed.len() * 20 > native && mixed.len() * 5 < native,
        "{} mixed of {native}",
        mixed.len()
    );
    assert!(mixed.iter().all(|t| t.language != Language::En));

    // Over HTTP too, with its codes.
    let video_id = feed.body["data"]["aweme_list"][0]["aweme_id"]
        .as_str()
        .unwrap();
    let (status, body) = sim_get(
        &server,
        "thread",
        &format!("?video_id={video_id}&date={date}"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let first = &body["comments"][0];
    assert!(["en", "pt", "es", "id", "und"].contains(&first["language"].as_str().unwrap()));
    assert!(["positive", "neutral", "negative"].contains(&first["tone"].as_str().unwrap()));
    assert!(first["mixed"].is_boolean());
}

#[tokio::test]
async fn a_mix_changes_only_its_own_hashtag_and_only_the_language() {
    // Another hashtag's mix leaves English-only ones exactly as they were.
    let server = start(multilingual()).await;
    let texts = served_texts(&server, "trybrandx", 6, day(19)).await;
    assert_eq!(
        (texts.len(), digest(texts.iter().map(String::as_str))),
        ENGLISH_THREADS
    );
    // The tone draw is unchanged: backlash days stay backlashes in every language.
    let english = with_quirks(roomy(), &[("glowup", HashtagQuirks::default())]);
    for d in 15..=24 {
        let mixed = truth(&multilingual(), "glowup", day(d)).unwrap();
        assert_eq!(mixed, truth(&english, "glowup", day(d)).unwrap(), "day {d}");
    }
    let t = truth(&multilingual(), "glowup", day(19)).unwrap();
    let backlash = truth(&multilingual(), "glowup", t.backlash_on).unwrap();
    assert!(backlash.new_comments.negative_share() > 0.5, "{backlash:?}");
}

#[test]
fn samples_in_every_language_carry_their_truth() {
    for language in Language::WRITTEN {
        let samples = sample_comments_in(language, 3, 900);
        for s in &samples {
            assert_eq!(
                comments::written_in(&s.text),
                Some((s.language, s.tone)),
                "{}",
                s.text
            );
            assert!(s.language == language || s.language == Language::Und);
        }
        let mixed = samples.iter().filter(|s| s.mixed).count();
        assert_eq!(
            mixed > 0,
            language != Language::En,
            "{language}: {mixed} mixed"
        );
    }
}
