//! The provider's wire format, and the only place that knows its JSON field names.
//!
//! Builds request bodies and turns raw response bodies (as fetched, or as stored in sled) into
//! domain types. Parsing is strict where a wrong guess would record nonsense (a missing
//! `stats` is an error, never zeros) and lenient where the provider's docs disagree (where
//! `stats` sits, cursors as strings or numbers, `has_more` as 0/1 or a boolean).

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::{Value, json};

use super::ApiRequest;
use crate::domain::{Comment, Creator, HashtagInfo, Page, Video, VideoStats};

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
    Some(ErrorBody {
        code: outer.error.code.unwrap_or_default(),
        message: outer.error.message.unwrap_or_default(),
    })
}

fn parse<'a, T: Deserialize<'a>>(what: &'static str, body: &'a [u8]) -> Result<T, WireError> {
    serde_json::from_slice(body).map_err(|e| WireError {
        what,
        reason: e.to_string(),
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
        title: info.challenge.title,
        view_count: stats.view_count,
        video_count: stats.video_count,
    })
}

#[derive(Deserialize)]
struct VideoData {
    #[serde(default)]
    aweme_list: Vec<WireVideo>,
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
    Ok(Page {
        next_cursor,
        end_cursor,
        items: data
            .aweme_list
            .into_iter()
            .map(|v| Video {
                id: v.aweme_id,
                caption: v.desc,
                created_at: v.create_time,
                stats: VideoStats {
                    plays: v.statistics.play_count,
                    likes: v.statistics.digg_count,
                    comments: v.statistics.comment_count,
                    shares: v.statistics.share_count,
                    saves: v.statistics.collect_count,
                },
                creator: Creator {
                    handle: v.author.unique_id,
                    nickname: v.author.nickname,
                },
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct CommentData {
    #[serde(default)]
    comments: Vec<WireComment>,
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
    Ok(Page {
        next_cursor,
        end_cursor,
        items: data
            .comments
            .into_iter()
            .map(|c| Comment {
                id: c.cid,
                text: c.text,
                created_at: c.create_time,
                likes: c.digg_count,
                replies: c.reply_comment_total,
                author_handle: c.user.unique_id,
            })
            .collect(),
    })
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
    use super::*;

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
