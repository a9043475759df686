//! The collector's HTTP client for the provider's TikTok data API.
//!
//! Owns transport concerns: authentication, pacing (through the client's [`RateLimiter`]: one
//! client per API key, so each key is paced by its own plan),
//! retries with backoff, and turning HTTP failures into [`ApiError`]s. Hands back the raw body
//! of each paid response so the caller can persist it before making the next request; turning
//! bodies into domain types is [`wire`]'s job. Knows nothing of campaigns or budgets.

mod limiter;
pub mod wire;

use std::fmt;
use std::time::Duration;

use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use tokio::time::Instant;

pub use limiter::{RateLimitHeaders, RateLimiter};

/// The provider's secret key. Never printed: `Debug` and `Display` show a placeholder.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    /// `Bearer <key>`, marked sensitive so HTTP-level debug logging never prints it.
    fn header_value(&self) -> HeaderValue {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.0))
            // A key with control characters cannot be sent; an empty value fails auth cleanly.
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// One paid request. Its [`ApiRequest::store_key`] identifies the response in the store, so
/// the same request on the same day is never paid for twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRequest {
    HashtagInfo {
        name: String,
    },
    HashtagVideos {
        hashtag_id: String,
        cursor: String,
        count: u32,
    },
    VideoComments {
        video_id: String,
        cursor: String,
        count: u32,
    },
}

impl ApiRequest {
    /// A stable, readable identity of this request (no secrets, no JSON).
    pub fn store_key(&self) -> String {
        match self {
            ApiRequest::HashtagInfo { name } => format!("hashtag/{name}"),
            ApiRequest::HashtagVideos {
                hashtag_id,
                cursor,
                count,
            } => {
                format!("videos/{hashtag_id}/{cursor}/{count}")
            }
            ApiRequest::VideoComments {
                video_id,
                cursor,
                count,
            } => {
                format!("comments/{video_id}/{cursor}/{count}")
            }
        }
    }
}

/// Why a request produced no usable response.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("the API key was refused (401 unauthorized): check the key in ${0}")]
    Unauthorized(String),
    #[error("the API key is not allowed to use this endpoint (403 forbidden): {0}")]
    Forbidden(String),
    #[error(
        "out of API credits (402 insufficient_credits): {message}; spending with this key stopped"
    )]
    InsufficientCredits { message: String },
    #[error("not found (404): {0}")]
    NotFound(String),
    #[error("request rejected ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("still rate limited (429) after {attempts} attempts")]
    RateLimited { attempts: u32 },
    #[error("server error ({status}) after {attempts} attempts: {message}")]
    Server {
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("no answer after {attempts} attempts: {message}")]
    Transport { attempts: u32, message: String },
    /// Not even a connection, attempt after attempt: nothing more can be had this run.
    #[error("the API at {url} could not be reached ({attempts} attempts): {message}")]
    Unreachable {
        url: String,
        attempts: u32,
        message: String,
    },
    #[error(transparent)]
    Malformed(#[from] wire::WireError),
    /// Spending stopped while this request waited for its rate-limit slot: never sent.
    #[error("not sent: {0}")]
    NotSent(String),
    /// The provider asked for a wait longer than a run waits ([`MAX_WAIT`]).
    #[error(
        "the API asked to wait {} s before the next request, longer than the {} s a run waits: spending with this key stopped; run again later (stored calls cost nothing)",
        .0.as_secs(), MAX_WAIT.as_secs()
    )]
    WaitTooLong(Duration),
}

impl ApiError {
    /// Errors after which no further request with this key can succeed or should be paid for
    /// in this run (other keys are other accounts and go on).
    pub fn stops_all_spending(&self) -> bool {
        matches!(
            self,
            ApiError::Unauthorized(_)
                | ApiError::Forbidden(_)
                | ApiError::InsufficientCredits { .. }
                | ApiError::Unreachable { .. }
                | ApiError::WaitTooLong(_)
        )
    }
}

/// The longest wait a run accepts from the provider (`Retry-After`, a rate-limit window's
/// reset): an unattended daily job must end, so a longer one stops the key's spending.
pub const MAX_WAIT: Duration = Duration::from_secs(120);

/// A wait worth telling whoever watches the run about.
const NOTABLE_WAIT: Duration = Duration::from_secs(10);

/// How often a wait checks whether spending was stopped (SIGTERM ends it that fast).
const STOP_POLL: Duration = Duration::from_millis(200);

/// Runs `wait` unless `stop` says spending stopped first; checked every [`STOP_POLL`].
async fn unless_stopped<T>(
    wait: impl std::future::Future<Output = T>,
    stop: &(dyn Fn() -> Option<String> + Sync),
) -> Result<T, ApiError> {
    tokio::pin!(wait);
    loop {
        tokio::select! {
            done = &mut wait => return Ok(done),
            () = tokio::time::sleep(STOP_POLL) => {
                if let Some(reason) = stop() {
                    return Err(ApiError::NotSent(reason));
                }
            }
        }
    }
}

/// A successful, paid response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidResponse {
    /// The body exactly as received, to be stored before anything else happens.
    pub body: Vec<u8>,
    pub billing: wire::Billing,
}

/// How hard to try before giving up on one request.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Capped exponential backoff with full jitter, so concurrent retries do not align.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_backoff
            .saturating_mul(1 << attempt.min(16))
            .min(self.max_backoff);
        exp.mul_f64(rand::rng().random_range(0.5..=1.0))
    }
}

/// Counts every HTTP attempt, paid or not, for the run summary.
#[derive(Debug, Default)]
pub struct RequestCounter(std::sync::atomic::AtomicU64);

impl RequestCounter {
    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
    fn bump(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

pub struct ApiClient {
    http: reqwest::Client,
    base_url: String,
    key: ApiKey,
    key_env: String,
    limiter: RateLimiter,
    retry: RetryPolicy,
    pub requests: RequestCounter,
    /// Attempts after a request's first (after a 429, a 5xx or a broken connection).
    pub retries: RequestCounter,
    /// 429 answers.
    pub rate_limited: RequestCounter,
}

impl ApiClient {
    /// `key_env` names where the key came from, for error messages only.
    pub fn new(
        base_url: &str,
        key: ApiKey,
        key_env: &str,
        requests_per_minute: u32,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<ApiClient, reqwest::Error> {
        Ok(ApiClient {
            http: reqwest::Client::builder()
                .timeout(timeout)
                .user_agent(concat!("hashtrack/", env!("CARGO_PKG_VERSION")))
                .build()?,
            base_url: base_url.trim_end_matches('/').to_string(),
            key,
            key_env: key_env.to_string(),
            limiter: RateLimiter::per_minute(requests_per_minute),
            retry,
            requests: RequestCounter::default(),
            retries: RequestCounter::default(),
            rate_limited: RequestCounter::default(),
        })
    }

    /// How long the provider has told this key to wait still, if it has (for progress lines).
    pub fn told_to_wait(&self) -> Option<Duration> {
        self.limiter.pause_left()
    }

    /// The name of the variable the key came from (never the key).
    pub fn key_env(&self) -> &str {
        &self.key_env
    }

    /// Sends one request, retrying what is worth retrying. Returns the raw body of a paid
    /// (2xx) response, readable or not: the provider charged it either way, so its billing is
    /// the body's when the body says, else the one credit every success costs. `stop` is asked
    /// once the rate-limit slot is granted, just before each attempt goes out: a stop that
    /// came while the request waited (a 402 elsewhere) sends nothing more.
    pub async fn send(
        &self,
        request: &ApiRequest,
        stop: &(dyn Fn() -> Option<String> + Sync),
    ) -> Result<PaidResponse, ApiError> {
        let url = format!("{}{}", self.base_url, wire::endpoint_path(request));
        let body = wire::request_body(request);
        let mut attempt = 0;
        loop {
            attempt += 1;
            unless_stopped(self.limiter.acquire(), stop).await?;
            if let Some(reason) = stop() {
                return Err(ApiError::NotSent(reason));
            }
            self.requests.bump();
            if attempt > 1 {
                self.retries.bump();
            }
            let sent = self
                .http
                .post(&url)
                .header(AUTHORIZATION, self.key.header_value())
                .header(CONTENT_TYPE, "application/json")
                .json(&body)
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    let message = transport_message(&e);
                    if attempt >= self.retry.max_attempts && e.is_connect() {
                        return Err(ApiError::Unreachable {
                            url: self.base_url.clone(),
                            attempts: attempt,
                            message,
                        });
                    }
                    if attempt >= self.retry.max_attempts {
                        return Err(ApiError::Transport {
                            attempts: attempt,
                            message,
                        });
                    }
                    tracing::warn!(request = %request.store_key(), attempt, %message, "request failed; retrying");
                    unless_stopped(tokio::time::sleep(self.retry.backoff(attempt)), stop).await?;
                    continue;
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            if let Some(wait) = self.limiter.observe(rate_limit_headers(&headers)).await
                && wait > MAX_WAIT
            {
                return Err(ApiError::WaitTooLong(wait));
            }
            let bytes = match response.bytes().await {
                Ok(b) => b.to_vec(),
                // A success whose body broke off was charged all the same: hand back what
                // arrived (nothing), to be stored and counted as paid, never retried here.
                Err(e) if status.is_success() => {
                    tracing::warn!(request = %request.store_key(), error = %transport_message(&e), "paid answer lost in transfer");
                    Vec::new()
                }
                Err(e) if attempt < self.retry.max_attempts => {
                    tracing::warn!(request = %request.store_key(), attempt, error = %transport_message(&e), "body lost; retrying");
                    unless_stopped(tokio::time::sleep(self.retry.backoff(attempt)), stop).await?;
                    continue;
                }
                Err(e) => {
                    return Err(ApiError::Transport {
                        attempts: attempt,
                        message: transport_message(&e),
                    });
                }
            };
            if status.is_success() {
                let billing = wire::parse_billing(&bytes).unwrap_or(wire::Billing {
                    credits_used: 1,
                    credits_remaining: None,
                });
                return Ok(PaidResponse {
                    body: bytes,
                    billing,
                });
            }
            let message = wire::parse_error_body(&bytes)
                .map(|e| {
                    if e.message.is_empty() {
                        e.code
                    } else {
                        e.message
                    }
                })
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("").to_string());
            match status {
                StatusCode::TOO_MANY_REQUESTS => {
                    self.rate_limited.bump();
                    if attempt >= self.retry.max_attempts {
                        return Err(ApiError::RateLimited { attempts: attempt });
                    }
                    let wait = retry_after(&headers).unwrap_or_else(|| self.retry.backoff(attempt));
                    if wait > MAX_WAIT {
                        return Err(ApiError::WaitTooLong(wait));
                    }
                    if wait >= NOTABLE_WAIT {
                        tracing::warn!(key = %self.key_env, "rate limited: waiting {} s as the API asked", wait.as_secs());
                    } else {
                        tracing::info!(request = %request.store_key(), wait_ms = wait.as_millis() as u64, "rate limited; waiting as told");
                    }
                    self.limiter.pause_until(Instant::now() + wait).await;
                }
                s if s.is_server_error() => {
                    if attempt >= self.retry.max_attempts {
                        return Err(ApiError::Server {
                            status: s.as_u16(),
                            attempts: attempt,
                            message,
                        });
                    }
                    tracing::warn!(request = %request.store_key(), status = s.as_u16(), attempt, "server error; retrying");
                    unless_stopped(tokio::time::sleep(self.retry.backoff(attempt)), stop).await?;
                }
                StatusCode::UNAUTHORIZED => {
                    return Err(ApiError::Unauthorized(self.key_env.clone()));
                }
                StatusCode::FORBIDDEN => return Err(ApiError::Forbidden(message)),
                StatusCode::PAYMENT_REQUIRED => {
                    return Err(ApiError::InsufficientCredits { message });
                }
                StatusCode::NOT_FOUND => return Err(ApiError::NotFound(message)),
                s => {
                    return Err(ApiError::Rejected {
                        status: s.as_u16(),
                        message,
                    });
                }
            }
        }
    }
}

/// A transport error's text: its kind and cause (the URL holds no secret; the key is a header).
fn transport_message(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "transport error"
    };
    format!("{kind}: {e}")
}

fn rate_limit_headers(headers: &HeaderMap) -> RateLimitHeaders {
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
    RateLimitHeaders {
        remaining: number("x-ratelimit-remaining").map(|n| n as u32),
        reset_unix: number("x-ratelimit-reset"),
    }
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let key = ApiKey::new("sk-live-very-secret");
        assert!(!format!("{key:?}").contains("secret"));
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let soon = chrono::Utc::now() + chrono::Duration::seconds(30);
        headers.insert(RETRY_AFTER, soon.to_rfc2822().parse().unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let policy = RetryPolicy {
            max_attempts: 9,
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        assert!(policy.backoff(1) <= Duration::from_millis(200));
        assert!(policy.backoff(1) >= Duration::from_millis(100));
        assert!(policy.backoff(12) <= Duration::from_secs(1));
    }

    #[test]
    fn store_keys_are_distinct_per_page() {
        let a = ApiRequest::VideoComments {
            video_id: "1".into(),
            cursor: "0".into(),
            count: 50,
        };
        let b = ApiRequest::VideoComments {
            video_id: "1".into(),
            cursor: "50".into(),
            count: 50,
        };
        assert_ne!(a.store_key(), b.store_key());
    }
}
