//! HTTP for the simulator (axum): maps the contract's paths and the `/_sim` endpoints (date
//! control, truth, threads) onto `Service`, and turns its replies into responses with the
//! `X-RateLimit-*` headers every API response carries.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::Endpoint;
use super::service::{Reply, Service};
use super::wire::ApiError;

/// Shows and sets the simulated date, so a standalone simulator can be driven by hand.
pub(super) const DATE_CONTROL_PATH: &str = "/_sim/date";
/// `GET ?hashtag=NAME&date=YYYY-MM-DD`: the truth about a hashtag on a date (free).
pub(super) const TRUTH_PATH: &str = "/_sim/truth";
/// `GET ?video_id=ID&date=YYYY-MM-DD`: a video's thread as served on a date (free).
pub(super) const THREAD_PATH: &str = "/_sim/thread";
const USAGE_PATH: &str = "/api/v1/usage";

pub(super) fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route(Endpoint::HashtagInfo.path(), post(hashtag_info))
        .route(Endpoint::HashtagVideos.path(), post(hashtag_videos))
        .route(Endpoint::VideoComments.path(), post(video_comments))
        .route(USAGE_PATH, get(usage))
        .route(DATE_CONTROL_PATH, get(current_date).post(set_date))
        .route(TRUTH_PATH, get(truth))
        .route(THREAD_PATH, get(thread))
        .fallback(no_such_endpoint)
        .with_state(service)
}

async fn hashtag_info(State(s): State<Arc<Service>>, headers: HeaderMap, body: Bytes) -> Response {
    paid(&s, Endpoint::HashtagInfo, &headers, &body).await
}

async fn hashtag_videos(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    paid(&s, Endpoint::HashtagVideos, &headers, &body).await
}

async fn video_comments(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    paid(&s, Endpoint::VideoComments, &headers, &body).await
}

async fn paid(service: &Service, endpoint: Endpoint, headers: &HeaderMap, body: &[u8]) -> Response {
    respond(service.paid(endpoint, authorization(headers), body).await)
}

async fn usage(State(s): State<Arc<Service>>, headers: HeaderMap) -> Response {
    respond(s.usage(authorization(&headers)))
}

async fn no_such_endpoint(State(s): State<Arc<Service>>) -> Response {
    respond(s.no_such_endpoint())
}

async fn current_date(State(s): State<Arc<Service>>) -> Response {
    axum::Json(json!({ "date": s.date().to_string() })).into_response()
}

/// `POST /_sim/date {"date": "YYYY-MM-DD"}`.
async fn set_date(State(s): State<Arc<Service>>, body: Bytes) -> Response {
    let date = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("date")?.as_str()?.parse::<NaiveDate>().ok());
    match date {
        Some(date) => {
            s.set_date(date);
            axum::Json(json!({ "date": date.to_string() })).into_response()
        }
        None => {
            let error = json!({"error": {"code": "bad_request", "message": "expected {\"date\": \"YYYY-MM-DD\"}"}});
            (StatusCode::BAD_REQUEST, axum::Json(error)).into_response()
        }
    }
}

/// `GET /_sim/truth?hashtag=NAME&date=YYYY-MM-DD`: never charged, throttled or counted, no
/// key needed; 400 for a missing or bad parameter, 404 for a hashtag that does not exist.
async fn truth(
    State(s): State<Arc<Service>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let (params, date) = match params_and_date(query) {
        Ok(found) => found,
        Err(error) => return error_response(&error),
    };
    let Some(hashtag) = params.get("hashtag") else {
        return error_response(&ApiError::new(400, "hashtag is required"));
    };
    match s.truth(hashtag, date) {
        Ok(truth) => axum::Json(truth).into_response(),
        Err(error) => error_response(&error),
    }
}

/// `GET /_sim/thread?video_id=ID&date=YYYY-MM-DD`: free like `/_sim/truth`; 400 for a
/// missing or bad parameter, 404 for a video the comments endpoint would not find.
async fn thread(
    State(s): State<Arc<Service>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let (params, date) = match params_and_date(query) {
        Ok(found) => found,
        Err(error) => return error_response(&error),
    };
    let Some(video_id) = params
        .get("video_id")
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    else {
        return error_response(&ApiError::new(400, "video_id is required, as digits"));
    };
    match s.thread_truth(video_id, date) {
        Ok(thread) => axum::Json(thread).into_response(),
        Err(error) => error_response(&error),
    }
}

/// A `/_sim` query's parameters and its required `date`, or the 400 that says what is wrong.
fn params_and_date(
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<(HashMap<String, String>, NaiveDate), ApiError> {
    let Query(params) = query.map_err(|rejection| ApiError::new(400, rejection.body_text()))?;
    match params.get("date").and_then(|d| d.parse::<NaiveDate>().ok()) {
        Some(date) => Ok((params, date)),
        None => Err(ApiError::new(400, "date is required, as YYYY-MM-DD")),
    }
}

/// An error in the contract's body, without the rate-limit headers (for `/_sim`).
fn error_response(error: &ApiError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, error.body()).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers.get(AUTHORIZATION)?.to_str().ok()
}

fn respond(reply: Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, reply.body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("x-ratelimit-limit", HeaderValue::from(reply.rate.limit));
    headers.insert(
        "x-ratelimit-remaining",
        HeaderValue::from(reply.rate.remaining),
    );
    headers.insert("x-ratelimit-reset", HeaderValue::from(reply.rate.reset));
    if let Some(secs) = reply.retry_after_secs {
        headers.insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}
