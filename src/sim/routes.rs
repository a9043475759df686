//! HTTP for the simulator (axum): maps the contract's paths and the `/_sim` control endpoint
//! onto `Service`, and turns its replies into responses with the `X-RateLimit-*` headers every
//! response carries.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::Endpoint;
use super::service::{Reply, Service};

/// Shows and sets the simulated date, so a standalone simulator can be driven by hand.
pub(super) const DATE_CONTROL_PATH: &str = "/_sim/date";
const USAGE_PATH: &str = "/api/v1/usage";

pub(super) fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route(Endpoint::HashtagInfo.path(), post(hashtag_info))
        .route(Endpoint::HashtagVideos.path(), post(hashtag_videos))
        .route(Endpoint::VideoComments.path(), post(video_comments))
        .route(USAGE_PATH, get(usage))
        .route(DATE_CONTROL_PATH, get(current_date).post(set_date))
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
