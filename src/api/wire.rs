//! The provider's wire format, and the only place that knows its JSON field names.
//!
//! Builds request bodies and turns raw response bodies (as fetched, or as stored in sled) into
//! domain types. Parsing is strict where a wrong guess would record nonsense (a missing
//! `stats` is an error, never zeros) and lenient where the provider's docs disagree (where
//! `stats` sits, cursors as strings or numbers, `has_more` as 0/1 or a boolean). An item of a
//! page that breaks the contract is left out and named in the page's `skipped`; the page's
//! other items stand. Free text (captions, handles, comments, error messages) leaves here
//! without control characters, so no later use can print them.

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer};
use serde_json::{Value, json};

use super::ApiRequest;
use crate::domain::{Comment, Creator, HashtagInfo, Page, SkippedItem, Video, VideoStats};
use crate::text_safety::{Lines, is_unsafe_control, message, strip_controls};

/// An API error message, or a parser's complaint, is cut to this many characters (it goes to
/// logs and notes).
const ERROR_MESSAGE_CHARS: usize = 300;
/// Why an item was skipped, cut to this many characters (serde quotes the bad value).
const SKIP_REASON_CHARS: usize = 120;
/// An id longer than this is not an id (TikTok's are about 19 digits).
const MAX_ID_CHARS: usize = 64;

/// A response body that does not follow the contract.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("malformed {what} response: {reason}")]
pub struct WireError {
    pub what: &'static str,
    pub reason: String,
}

/// The path of an endpoint below the base URL.
pub fn endpoint_path(request: &ApiRequest) -> &'static str {
    match request {
        ApiRequest::HashtagInfo { .. } => "/api/v1/tiktok/hashtag",
        ApiRequest::HashtagVideos { .. } => "/api/v1/tiktok/hashtag/videos",
        ApiRequest::VideoComments { .. } => "/api/v1/tiktok/video/comments",
    }
}

/// The JSON body of a request.
pub fn request_body(request: &ApiRequest) -> Value {
    match request {
        ApiRequest::HashtagInfo { name } => json!({ "hashtag_name": name }),
        ApiRequest::HashtagVideos {
            hashtag_id,
            cursor,
            count,
        } => {
            json!({ "hashtag_id": hashtag_id, "cursor": cursor, "count": count })
        }
        ApiRequest::VideoComments {
            video_id,
            cursor,
            count,
        } => {
            json!({ "video_id": video_id, "cursor": cursor, "count": count })
        }
    }
}

/// The billing figures of a successful response's envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Billing {
    pub credits_used: u32,
    pub credits_remaining: Option<u64>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
    #[serde(default)]
    credits_used: Option<u32>,
    #[serde(default)]
    credits_remaining: Option<u64>,
}

/// Reads the billing figures of a success envelope (the `data` is checked by the parsers).
pub fn parse_billing(body: &[u8]) -> Result<Billing, WireError> {
    let envelope: Envelope<de::IgnoredAny> = parse("envelope", body)?;
    Ok(Billing {
        // Every successful call costs one credit; trust the body when it says otherwise.
        credits_used: envelope.credits_used.unwrap_or(1),
        credits_remaining: envelope.credits_remaining,
    })
}

/// The error body `{"error": {"code", "message"}}`, when there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

pub fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    #[derive(Deserialize)]
    struct Outer {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        message: Option<String>,
    }
    let outer: Outer = serde_json::from_slice(body).ok()?;
    let clean = |text: Option<String>| message(&text.unwrap_or_default(), ERROR_MESSAGE_CHARS);
    Some(ErrorBody {
        code: clean(outer.error.code),
        message: clean(outer.error.message),
    })
}

fn parse<'a, T: Deserialize<'a>>(what: &'static str, body: &'a [u8]) -> Result<T, WireError> {
    serde_json::from_slice(body).map_err(|e| WireError {
        what,
        // serde quotes the offending value, which is the API's text.
        reason: message(&e.to_string(), ERROR_MESSAGE_CHARS),
    })
}

#[derive(Deserialize)]
struct InfoData {
    #[serde(rename = "challengeInfo")]
    challenge_info: ChallengeInfo,
}

#[derive(Deserialize)]
struct ChallengeInfo {
    challenge: Challenge,
    stats: Option<Stats>,
}

#[derive(Deserialize)]
struct Challenge {
    #[serde(deserialize_with = "string_or_number")]
    id: String,
    #[serde(default)]
    title: String,
    /// Some reference examples nest `stats` here instead of beside `challenge`.
    stats: Option<Stats>,
}

#[derive(Deserialize)]
struct Stats {
    #[serde(rename = "videoCount")]
    video_count: u64,
    #[serde(rename = "viewCount")]
    view_count: u64,
}

/// Parses a hashtag-info body, accepting `stats` beside or inside `challenge`.
pub fn parse_hashtag_info(body: &[u8]) -> Result<HashtagInfo, WireError> {
    let envelope: Envelope<InfoData> = parse("hashtag info", body)?;
    let info = envelope.data.challenge_info;
    let stats = info
        .stats
        .or(info.challenge.stats)
        .ok_or_else(|| WireError {
            what: "hashtag info",
            reason: "no `stats` beside or inside `challenge`".to_string(),
        })?;
    Ok(HashtagInfo {
        id: info.challenge.id,
        title: one_line(info.challenge.title),
        view_count: stats.view_count,
        video_count: stats.video_count,
    })
}

#[derive(Deserialize)]
struct VideoData {
    /// Items are read one by one (`items`), so a bad one costs only itself.
    #[serde(default)]
    aweme_list: Vec<Value>,
    #[serde(default, deserialize_with = "optional_string_or_number")]
    cursor: Option<String>,
    #[serde(deserialize_with = "flag")]
    has_more: bool,
}

#[derive(Deserialize)]
struct WireVideo {
    #[serde(deserialize_with = "string_or_number")]
    aweme_id: String,
    #[serde(default)]
    desc: String,
    create_time: i64,
    statistics: WireVideoStats,
    author: WireAuthor,
}

#[derive(Deserialize)]
struct WireVideoStats {
    play_count: u64,
    digg_count: u64,
    comment_count: u64,
    share_count: u64,
    #[serde(default)]
    collect_count: u64,
}

#[derive(Deserialize)]
struct WireAuthor {
    unique_id: String,
    #[serde(default)]
    nickname: String,
}

/// Parses one page of a hashtag's video feed.
pub fn parse_video_page(body: &[u8]) -> Result<Page<Video>, WireError> {
    let envelope: Envelope<VideoData> = parse("hashtag videos", body)?;
    let data = envelope.data;
    let (next_cursor, end_cursor) = cursors(data.has_more, data.cursor);
    let (items, skipped) = items(data.aweme_list, "aweme_id", |v: WireVideo| {
        checked_id(v.aweme_id).map(|id| Video {
            id,
            caption: strip_controls(&v.desc, Lines::Many).into_owned(),
            created_at: v.create_time,
            stats: VideoStats {
                plays: v.statistics.play_count,
                likes: v.statistics.digg_count,
                comments: v.statistics.comment_count,
                shares: v.statistics.share_count,
                saves: v.statistics.collect_count,
            },
            creator: Creator {
                handle: one_line(v.author.unique_id),
                nickname: one_line(v.author.nickname),
            },
        })
    });
    Ok(Page {
        next_cursor,
        end_cursor,
        items,
        skipped,
    })
}

#[derive(Deserialize)]
struct CommentData {
    /// Items are read one by one (`items`), so a bad one costs only itself.
    #[serde(default)]
    comments: Vec<Value>,
    #[serde(default, deserialize_with = "optional_string_or_number")]
    cursor: Option<String>,
    #[serde(deserialize_with = "flag")]
    has_more: bool,
}

#[derive(Deserialize)]
struct WireComment {
    #[serde(deserialize_with = "string_or_number")]
    cid: String,
    #[serde(default)]
    text: String,
    create_time: i64,
    #[serde(default)]
    digg_count: u64,
    #[serde(default)]
    reply_comment_total: u64,
    user: WireCommentUser,
}

#[derive(Deserialize)]
struct WireCommentUser {
    unique_id: String,
}

/// Parses one page of a video's comments.
pub fn parse_comment_page(body: &[u8]) -> Result<Page<Comment>, WireError> {
    let envelope: Envelope<CommentData> = parse("video comments", body)?;
    let data = envelope.data;
    let (next_cursor, end_cursor) = cursors(data.has_more, data.cursor);
    let (items, skipped) = items(data.comments, "cid", |c: WireComment| {
        checked_id(c.cid).map(|id| Comment {
            id,
            text: strip_controls(&c.text, Lines::Many).into_owned(),
            created_at: c.create_time,
            likes: c.digg_count,
            replies: c.reply_comment_total,
            author_handle: one_line(c.user.unique_id),
        })
    });
    Ok(Page {
        next_cursor,
        end_cursor,
        items,
        skipped,
    })
}

/// The items of a page that follow the contract, and what was wrong with the others.
/// `convert` turns a well-formed wire item into a domain one, or says why it cannot.
fn items<W: DeserializeOwned, T>(
    raw: Vec<Value>,
    id_field: &str,
    convert: impl Fn(W) -> Result<T, String>,
) -> (Vec<T>, Vec<SkippedItem>) {
    let mut items = Vec::with_capacity(raw.len());
    let mut skipped = Vec::new();
    for value in raw {
        // The id as far as it can be told, to name the item in the note.
        let id = match value.get(id_field) {
            Some(Value::String(s)) => checked_id(s.clone()).ok(),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let converted = serde_json::from_value::<W>(value)
            .map_err(|e| e.to_string())
            .and_then(&convert);
        match converted {
            Ok(item) => items.push(item),
            Err(reason) => skipped.push(SkippedItem {
                id,
                reason: message(&reason, SKIP_REASON_CHARS),
            }),
        }
    }
    (items, skipped)
}

/// An id as the API gave it, if it can be one: ids name store keys and the next requests, so
/// one is refused rather than cleaned.
fn checked_id(id: String) -> Result<String, String> {
    if id.is_empty() || id.chars().count() > MAX_ID_CHARS || id.chars().any(is_unsafe_control) {
        return Err(format!(
            "an id must be 1 to {MAX_ID_CHARS} characters without control characters"
        ));
    }
    Ok(id)
}

/// A name or handle as one line without control characters.
fn one_line(text: String) -> String {
    strip_controls(&text, Lines::One).into_owned()
}

/// The next page's cursor while there are more; the returned one, as where the list ends,
/// on the last page.
fn cursors(has_more: bool, cursor: Option<String>) -> (Option<String>, Option<String>) {
    if has_more {
        (cursor, None)
    } else {
        (None, cursor)
    }
}

/// `has_more` is documented as 0/1; accept a boolean too.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Value::deserialize(d)? {
        Value::Bool(b) => Ok(b),
        Value::Number(n) if n.as_u64() == Some(0) => Ok(false),
        Value::Number(n) if n.as_u64() == Some(1) => Ok(true),
        other => Err(de::Error::custom(format!("expected 0 or 1, found {other}"))),
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(de::Error::custom(format!(
            "expected a string or number, found {other}"
        ))),
    }
}

fn optional_string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(de::Error::custom(format!(
            "expected a cursor, found {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::fixtures::hostile_text;
    use crate::text_safety::is_unsafe_control;

    fn video_item(id: Value, handle: &str, caption: &str, plays: Value) -> Value {
        json!({
            "aweme_id": id, "desc": caption, "create_time": 1_700_000_000,
            "statistics": {"play_count": plays, "digg_count": 1, "comment_count": 1, "share_count": 0},
            "author": {"unique_id": handle, "nickname": handle},
        })
    }

    fn video_body(items: Vec<Value>) -> Vec<u8> {
        json!({"data": {"aweme_list": items, "cursor": "3", "has_more": 1}})
            .to_string()
            .into_bytes()
    }

    #[test]
    fn a_bad_item_is_skipped_and_named_the_rest_of_the_page_stands() {
        let mut items = vec![video_item(json!("1"), "ana", "fine", json!(10))];
        for (id, plays) in [("2", json!(-5)), ("3", json!(1e30)), ("4", json!("12"))] {
            items.push(video_item(json!(id), "bob", "bad counter", plays));
        }
        let mut no_id = video_item(json!("5"), "cy", "no id", json!(3));
        no_id.as_object_mut().unwrap().remove("aweme_id");
        items.push(no_id);
        items.push(video_item(json!(6), "dee", "fine", json!(7)));
        let page = parse_video_page(&video_body(items)).unwrap();
        let ids: Vec<&str> = page.items.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["1", "6"]);
        let skipped: Vec<Option<&str>> = page.skipped.iter().map(|s| s.id.as_deref()).collect();
        assert_eq!(skipped, [Some("2"), Some("3"), Some("4"), None]);
        assert!(
            page.skipped[0].reason.contains("-5"),
            "{:?}",
            page.skipped[0]
        );
        let note = SkippedItem::note(&page.skipped).unwrap();
        assert!(
            note.starts_with("4 malformed item(s) left out (item 2: "),
            "{note}"
        );

        let comments = json!({"data": {"comments": [
            {"cid": "c1", "text": "ok", "create_time": 1, "digg_count": 2, "user": {"unique_id": "a"}},
            {"cid": "c2", "text": "bad", "create_time": 1, "digg_count": -5, "user": {"unique_id": "b"}},
        ], "cursor": "2", "has_more": 0}});
        let page = parse_comment_page(comments.to_string().as_bytes()).unwrap();
        assert_eq!((page.items.len(), page.skipped.len()), (1, 1));
        // The page itself must still follow the contract: a bad `has_more` is an error.
        assert!(parse_video_page(br#"{"data":{"aweme_list":[],"has_more":"x"}}"#).is_err());
    }

    #[test]
    fn text_from_the_api_leaves_without_control_characters() {
        let body = video_body(vec![video_item(
            json!("1"),
            "an\u{1b}[2Ja\u{202E}",
            "line one\nline\u{0} two",
            json!(1),
        )]);
        let video = &parse_video_page(&body).unwrap().items[0];
        assert_eq!(video.creator.handle, "an[2Ja");
        assert_eq!(video.caption, "line one\nline two");
        let error = br#"{"error":{"code":"x","message":"boom \u001b]0;owned\u0007\u202e"}}"#;
        assert_eq!(parse_error_body(error).unwrap().message, "boom ]0;owned");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Any bytes: an answer or an error, never a panic.
        #[test]
        fn any_body_parses_or_fails_without_panic(body in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = parse_video_page(&body);
            let _ = parse_comment_page(&body);
            let _ = parse_hashtag_info(&body);
            let _ = parse_error_body(&body);
            let _ = parse_billing(&body);
        }

        /// Any text in any field, any value for a counter: the page parses, its text is
        /// clean, and only an item whose counter is not a count is skipped.
        #[test]
        fn any_field_text_is_cleaned_and_only_bad_items_are_skipped(
            handle in hostile_text(),
            caption in hostile_text(),
            id in "[0-9]{1,20}",
            plays in prop_oneof![
                any::<u64>().prop_map(|n| json!(n)),
                any::<i64>().prop_map(|n| json!(n)),
                any::<f64>().prop_map(|x| json!(x)),
                any::<String>().prop_map(|s| json!(s)),
                Just(Value::Null),
            ],
        ) {
            let good = video_item(json!("7"), &handle, &caption, json!(5));
            let maybe = video_item(json!(id), &handle, &caption, plays.clone());
            let page = parse_video_page(&video_body(vec![good, maybe])).unwrap();
            let counted = plays.as_u64().is_some();
            prop_assert_eq!(page.items.len(), 1 + usize::from(counted));
            prop_assert_eq!(page.skipped.len(), usize::from(!counted));
            for video in &page.items {
                prop_assert!(!video.creator.handle.chars().any(is_unsafe_control));
                prop_assert!(!video.caption.chars().any(|c| c != '\n' && is_unsafe_control(c)));
            }
            for skipped in &page.skipped {
                prop_assert!(!skipped.reason.chars().any(is_unsafe_control));
            }
        }
    }

    #[test]
    fn hashtag_info_accepts_both_stats_placements() {
        let beside = br#"{"data":{"challengeInfo":{"challenge":{"id":"229207","title":"fyp","desc":""},"stats":{"videoCount":0,"viewCount":119178100000000}}},"credits_used":1,"credits_remaining":9}"#;
        let inside = br#"{"data":{"challengeInfo":{"challenge":{"id":"229207","title":"fyp","stats":{"videoCount":5,"viewCount":7}}}},"credits_used":1}"#;
        let a = parse_hashtag_info(beside).unwrap();
        assert_eq!(
            (a.id.as_str(), a.view_count, a.video_count),
            ("229207", 119178100000000, 0)
        );
        let b = parse_hashtag_info(inside).unwrap();
        assert_eq!((b.view_count, b.video_count), (7, 5));
        assert_eq!(parse_billing(beside).unwrap().credits_remaining, Some(9));
    }

    #[test]
    fn missing_stats_or_error_body_is_an_error_not_zeros() {
        let no_stats = br#"{"data":{"challengeInfo":{"challenge":{"id":"1","title":"x"}}}}"#;
        assert!(parse_hashtag_info(no_stats).is_err());
        let error = br#"{"error":{"code":"internal_error","message":"boom"}}"#;
        assert!(parse_hashtag_info(error).is_err());
        assert_eq!(parse_error_body(error).unwrap().code, "internal_error");
    }

    #[test]
    fn pages_read_has_more_as_integer_and_stop_at_zero() {
        let more = br#"{"data":{"aweme_list":[{"aweme_id":"7","desc":"hi","create_time":1700000000,"statistics":{"play_count":10,"digg_count":2,"comment_count":1,"share_count":0,"collect_count":0},"author":{"unique_id":"ana","nickname":"Ana","sec_uid":"x"}}],"cursor":"20","has_more":1}}"#;
        let page = parse_video_page(more).unwrap();
        assert_eq!(page.next_cursor.as_deref(), Some("20"));
        assert_eq!(page.items[0].creator.handle, "ana");
        let last = br#"{"data":{"comments":[],"cursor":"40","has_more":0}}"#;
        let last = parse_comment_page(last).unwrap();
        assert_eq!(last.next_cursor, None);
        assert_eq!(last.end_cursor.as_deref(), Some("40"));
        let bad = br#"{"data":{"comments":[],"cursor":"40","has_more":2}}"#;
        assert!(parse_comment_page(bad).is_err());
    }
}
