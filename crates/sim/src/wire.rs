//! The simulator's side of the wire format (`shared/api/tiktok-data-api.md`): parsing request
//! bodies, and writing the success envelope, the endpoint payloads and error bodies. The only
//! place in `sim` that knows the JSON field names.

use serde_json::{Map, Value, json};

use super::model::{Comment, Hashtag, HashtagRef, Page, Video};

/// Where a 402 sends the user.
const BILLING_URL: &str = "https://api.scavio.dev/billing";

/// An error response: status, machine-readable code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub(super) fn new(status: u16, message: impl Into<String>) -> Self {
        let code = match status {
            400 => "bad_request",
            401 => "unauthorized",
            402 => "insufficient_credits",
            403 => "forbidden",
            404 => "not_found",
            422 => "missing_parameter",
            429 => "rate_limit_exceeded",
            502..=504 => "upstream_unavailable",
            _ => "internal_error",
        };
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub(super) fn body(&self) -> Vec<u8> {
        let mut error = json!({"code": self.code, "message": self.message});
        if self.status == 402 {
            error["billing_url"] = json!(BILLING_URL);
        }
        json!({ "error": error }).to_string().into_bytes()
    }
}

/// A paging request: the identifier, offset cursor and page size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PageRequest {
    pub id: String,
    pub cursor: usize,
    pub count: usize,
}

pub(super) fn parse_hashtag_request(body: &[u8]) -> Result<HashtagRef, ApiError> {
    let fields = object(body)?;
    // The id wins if both are given.
    if let Some(id) = identifier(&fields, "hashtag_id")? {
        return Ok(HashtagRef::Id(id));
    }
    match identifier(&fields, "hashtag_name")? {
        Some(name) => Ok(HashtagRef::Name(name)),
        None => Err(ApiError::new(422, "hashtag_name or hashtag_id is required")),
    }
}

/// Parses `{"<id_field>": "...", "cursor": "0", "count": 20}` with `count` in `1..=max_count`.
pub(super) fn parse_page_request(
    body: &[u8],
    id_field: &str,
    max_count: usize,
) -> Result<PageRequest, ApiError> {
    let fields = object(body)?;
    let id = identifier(&fields, id_field)?
        .ok_or_else(|| ApiError::new(422, format!("{id_field} is required")))?;
    let cursor = match fields.get("cursor") {
        None | Some(Value::Null) => Some(0),
        Some(Value::String(s)) => s.parse().ok(),
        Some(Value::Number(n)) => n.as_u64().map(|n| n as usize),
        Some(_) => None,
    }
    .ok_or_else(|| ApiError::new(400, "cursor must be a non-negative integer"))?;
    let count = match fields.get("count") {
        None | Some(Value::Null) => Some(DEFAULT_COUNT),
        Some(Value::Number(n)) => n.as_u64().map(|n| n as usize),
        Some(_) => None,
    }
    .filter(|c| (1..=max_count).contains(c))
    .ok_or_else(|| {
        ApiError::new(
            400,
            format!("count must be an integer from 1 to {max_count}"),
        )
    })?;
    Ok(PageRequest { id, cursor, count })
}

const DEFAULT_COUNT: usize = 20;

fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(ApiError::new(400, "the request body must be a JSON object")),
        Err(e) => Err(ApiError::new(400, format!("malformed JSON: {e}"))),
    }
}

/// A string identifier; absent, null and empty all count as missing.
fn identifier(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::new(400, format!("{name} must be a string"))),
    }
}

/// `{"data": ..., "response_time": ms, "credits_used": n, "credits_remaining": n}`.
pub(super) fn envelope(
    data: Value,
    response_time_ms: u64,
    credits_used: u64,
    credits_remaining: u64,
) -> Vec<u8> {
    json!({
        "data": data,
        "response_time": response_time_ms,
        "credits_used": credits_used,
        "credits_remaining": credits_remaining,
    })
    .to_string()
    .into_bytes()
}

pub(super) fn hashtag_data(h: &Hashtag) -> Value {
    let stats = json!({"videoCount": h.video_count, "viewCount": h.views});
    let mut challenge = json!({"id": h.id, "title": h.title, "desc": h.desc});
    let mut info = json!({});
    // The reference docs show both placements; each hashtag sticks to one.
    if h.stats_nested {
        challenge["stats"] = stats;
    } else {
        info["stats"] = stats;
    }
    info["challenge"] = challenge;
    json!({ "challengeInfo": info })
}

pub(super) fn videos_data(page: &Page<Video>) -> Value {
    let awemes: Vec<Value> = page
        .items
        .iter()
        .map(|v| {
            json!({
                "aweme_id": v.id.to_string(),
                "desc": v.caption,
                "create_time": v.create_time,
                "statistics": {
                    "play_count": v.stats.plays,
                    "digg_count": v.stats.likes,
                    "comment_count": v.stats.comments,
                    "share_count": v.stats.shares,
                    "collect_count": v.stats.saves,
                },
                "author": {
                    "unique_id": v.author.person.handle,
                    "nickname": v.author.person.nickname,
                    "sec_uid": v.author.sec_uid,
                },
            })
        })
        .collect();
    json!({
        "aweme_list": awemes,
        "cursor": page.cursor.to_string(),
        "has_more": u8::from(page.has_more),
    })
}

pub(super) fn comments_data(page: &Page<Comment>) -> Value {
    let comments: Vec<Value> = page
        .items
        .iter()
        .map(|c| {
            json!({
                "cid": c.id.to_string(),
                "text": c.text,
                "create_time": c.create_time,
                "digg_count": c.likes,
                "reply_comment_total": c.replies,
                "user": {"unique_id": c.author.handle, "nickname": c.author.nickname},
            })
        })
        .collect();
    json!({
        "comments": comments,
        "cursor": page.cursor.to_string(),
        "has_more": u8::from(page.has_more),
    })
}

pub(super) fn usage_data(plan: &str, credits_remaining: u64, credits_used: u64) -> Value {
    json!({
        "plan": plan,
        "credits_remaining": credits_remaining,
        "credits_used_this_month": credits_used,
    })
}

/// What an injected `MalformedBody` fault answers: valid JSON, status 200, but none of the
/// contract's payload (the trap of reading missing fields as zeros).
pub(super) fn malformed_body() -> Vec<u8> {
    br#"{"status":"ok","data":{}}"#.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_requests_are_validated() {
        let ok = parse_page_request(
            br#"{"hashtag_id":"123","cursor":"40","count":30}"#,
            "hashtag_id",
            30,
        );
        assert_eq!(
            ok.unwrap(),
            PageRequest {
                id: "123".into(),
                cursor: 40,
                count: 30
            }
        );
        let defaults = parse_page_request(br#"{"video_id":"9"}"#, "video_id", 50).unwrap();
        assert_eq!((defaults.cursor, defaults.count), (0, 20));
        let status = |body: &[u8]| {
            parse_page_request(body, "hashtag_id", 30)
                .unwrap_err()
                .status
        };
        assert_eq!(status(br#"{"hashtag_id":"1","count":31}"#), 400);
        assert_eq!(status(br#"{"hashtag_id":"1","count":0}"#), 400);
        assert_eq!(status(br#"{"hashtag_id":"1","cursor":"x"}"#), 400);
        assert_eq!(status(br#"{"hashtag_id":"1""#), 400);
        assert_eq!(status(br#"{"cursor":"0"}"#), 422);
        assert_eq!(status(br#"{"hashtag_id":""}"#), 422);
    }

    #[test]
    fn the_id_wins_over_the_name() {
        let by = parse_hashtag_request(br#"{"hashtag_name":"a","hashtag_id":"17"}"#).unwrap();
        assert_eq!(by, HashtagRef::Id("17".into()));
        assert_eq!(parse_hashtag_request(b"{}").unwrap_err().status, 422);
    }

    #[test]
    fn insufficient_credits_carries_a_billing_url() {
        let body: Value = serde_json::from_slice(&ApiError::new(402, "empty").body()).unwrap();
        assert_eq!(body["error"]["code"], "insufficient_credits");
        assert!(body["error"]["billing_url"].is_string());
    }
}
