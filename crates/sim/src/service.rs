//! The simulated provider's behaviour for one request, independent of the HTTP framework:
//! authentication, rate limit, injected faults, credits, then the world's answer in the
//! contract's envelope. `routes` only moves bytes and headers in and out.
//!
//! Order of checks for a paid call: bearer key (401), rate window (429), injected fault,
//! credit balance (402), request body (400/422), the world (404). Only a success is charged.
//! The rate window is per server (one key), and counts every admitted paid call whatever its
//! outcome; 401s, 429s and the free usage call do not count.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use chrono::NaiveDate;

use super::dice::Key;
use super::faults::{Fault, FaultKind, FaultQueue};
use super::hostile;
use super::limits::{Ledger, RateHeaders, RateWindow};
use super::model::{Model, ModelError};
use super::truth::{ThreadTruth, Truth};
use super::wire::{self, ApiError};
use super::{Endpoint, PaidCall, SimConfig, SimStats};

const MAX_VIDEO_PAGE: usize = 30;
const MAX_COMMENT_PAGE: usize = 50;
const PLAN: &str = "simulated";

/// An answer ready to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub rate: RateHeaders,
    pub retry_after_secs: Option<u64>,
}

impl Reply {
    fn error(error: &ApiError, rate: RateHeaders) -> Reply {
        Reply {
            status: error.status,
            body: error.body(),
            rate,
            retry_after_secs: (error.status == 429).then_some(1),
        }
    }
}

pub(super) struct Service {
    seed: u64,
    hostile: bool,
    api_key: Option<String>,
    state: Mutex<State>,
}

/// Everything a request may change; one lock, so a credit check and its charge are atomic.
struct State {
    date: NaiveDate,
    model: Model,
    window: RateWindow,
    ledger: Ledger,
    faults: FaultQueue,
    stats: SimStats,
    calls: Vec<PaidCall>,
}

impl Service {
    pub(super) fn new(config: SimConfig) -> Self {
        Service {
            seed: config.seed,
            hostile: config.hostile,
            state: Mutex::new(State {
                date: config.start_date,
                model: Model::new(&config),
                window: RateWindow::new(config.requests_per_window, config.window),
                ledger: Ledger::new(config.credits),
                faults: hostile::first_faults(config.hostile),
                stats: SimStats::default(),
                calls: Vec::new(),
            }),
            api_key: config.api_key,
        }
    }

    /// One call to a paid endpoint, logged with when it arrived and how it was answered.
    pub(super) async fn paid(
        &self,
        endpoint: Endpoint,
        authorization: Option<&str>,
        body: &[u8],
    ) -> Reply {
        let at = Instant::now();
        let mut reply = self.reply(endpoint, authorization, body).await;
        if self.hostile && reply.status != 200 {
            reply.body = hostile::error_body(&reply.body);
        }
        self.lock().calls.push(PaidCall {
            at,
            endpoint,
            status: reply.status,
        });
        reply
    }

    async fn reply(&self, endpoint: Endpoint, authorization: Option<&str>, body: &[u8]) -> Reply {
        let (rate, fault) = match self.admit(endpoint, authorization) {
            Ok(admitted) => admitted,
            Err(reply) => return reply,
        };
        match fault {
            None => self.answer(endpoint, body, rate, true, 0),
            Some(FaultKind::Delay(delay)) => {
                tokio::time::sleep(delay).await;
                self.answer(endpoint, body, rate, false, delay.as_millis() as u64)
            }
            Some(FaultKind::Status(status)) => {
                let status = if (400..=599).contains(&status) {
                    status
                } else {
                    500
                };
                Reply::error(&ApiError::new(status, fault_message(status)), rate)
            }
            Some(FaultKind::RateLimited { retry_after_secs }) => Reply {
                retry_after_secs: Some(retry_after_secs),
                ..Reply::error(&ApiError::new(429, fault_message(429)), rate)
            },
            Some(FaultKind::Truncated) => {
                let mut reply = self.answer(endpoint, body, rate, true, 0);
                if reply.status == 200 {
                    reply.body.truncate(reply.body.len() / 2);
                }
                reply
            }
            Some(FaultKind::MalformedBody) => Reply {
                status: 200,
                body: wire::malformed_body(),
                rate,
                retry_after_secs: None,
            },
        }
    }

    /// Counts the request, then checks the key and the rate window and picks up a fault.
    fn admit(
        &self,
        endpoint: Endpoint,
        authorization: Option<&str>,
    ) -> Result<(RateHeaders, Option<FaultKind>), Reply> {
        let mut state = self.lock();
        let now = Instant::now();
        state.stats.requests += 1;
        state
            .stats
            .per_endpoint
            .entry(endpoint)
            .or_default()
            .requests += 1;
        if let Err(error) = self.authorize(authorization) {
            return Err(Reply::error(&error, state.window.peek(now)));
        }
        let rate = match state.window.admit(now) {
            Ok(rate) => rate,
            Err(throttled) => {
                state.stats.rate_limited += 1;
                let error =
                    ApiError::new(429, "rate limit exceeded; retry after the window resets");
                return Err(Reply {
                    retry_after_secs: Some(throttled.retry_after_secs),
                    ..Reply::error(&error, throttled.headers)
                });
            }
        };
        let fault = state.faults.take(endpoint);
        if let Some(kind) = &fault {
            state.stats.faults_served += 1;
            let throttles = matches!(kind, FaultKind::RateLimited { .. } | FaultKind::Status(429));
            state.stats.rate_limited += u64::from(throttles);
        }
        Ok((rate, fault))
    }

    /// The world's answer to an admitted request, charged if `charge` and successful.
    fn answer(
        &self,
        endpoint: Endpoint,
        body: &[u8],
        rate: RateHeaders,
        charge: bool,
        extra_ms: u64,
    ) -> Reply {
        let mut state = self.lock();
        if state.ledger.is_empty() {
            let error = ApiError::new(402, "credit balance exhausted; top up to continue");
            return Reply::error(&error, rate);
        }
        let date = state.date;
        let model = &mut state.model;
        let data = match endpoint {
            Endpoint::HashtagInfo => wire::parse_hashtag_request(body).and_then(|by| {
                let hashtag = model.hashtag(&by, date).map_err(model_error)?;
                Ok(wire::hashtag_data(&hashtag))
            }),
            Endpoint::HashtagVideos => wire::parse_page_request(body, "hashtag_id", MAX_VIDEO_PAGE)
                .and_then(|req| {
                    let page = model
                        .videos(&req.id, req.cursor, req.count, date)
                        .map_err(model_error)?;
                    Ok(wire::videos_data(&page))
                }),
            Endpoint::VideoComments => wire::parse_page_request(body, "video_id", MAX_COMMENT_PAGE)
                .and_then(|req| {
                    let page = model
                        .comments(&req.id, req.cursor, req.count, date)
                        .map_err(model_error)?;
                    Ok(wire::comments_data(&page))
                }),
        };
        let mut data = match data {
            Ok(data) => data,
            Err(error) => return Reply::error(&error, rate),
        };
        if self.hostile {
            match endpoint {
                Endpoint::HashtagInfo => hostile::hashtag(&mut data),
                Endpoint::HashtagVideos => hostile::videos(self.seed, &mut data),
                Endpoint::VideoComments => hostile::comments(self.seed, &mut data),
            }
        }
        if charge {
            state.ledger.charge();
            state
                .stats
                .per_endpoint
                .entry(endpoint)
                .or_default()
                .charged += 1;
        }
        let response_time = self.response_time_ms(endpoint.path(), body) + extra_ms;
        Reply {
            status: 200,
            body: wire::envelope(
                data,
                response_time,
                u64::from(charge),
                state.ledger.remaining(),
            ),
            rate,
            retry_after_secs: None,
        }
    }

    /// The free balance endpoint: authenticated, never throttled or charged.
    pub(super) fn usage(&self, authorization: Option<&str>) -> Reply {
        let mut state = self.lock();
        state.stats.requests += 1;
        let rate = state.window.peek(Instant::now());
        if let Err(error) = self.authorize(authorization) {
            return Reply::error(&error, rate);
        }
        let data = wire::usage_data(PLAN, state.ledger.remaining(), state.ledger.charged());
        Reply {
            status: 200,
            body: wire::envelope(
                data,
                self.response_time_ms("usage", b""),
                0,
                state.ledger.remaining(),
            ),
            rate,
            retry_after_secs: None,
        }
    }

    /// A path the provider does not have.
    pub(super) fn no_such_endpoint(&self) -> Reply {
        let rate = self.lock().window.peek(Instant::now());
        Reply::error(&ApiError::new(404, "no such endpoint"), rate)
    }

    pub(super) fn date(&self) -> NaiveDate {
        self.lock().date
    }

    pub(super) fn set_date(&self, date: NaiveDate) {
        self.lock().date = date;
    }

    /// The truth about a hashtag on a date: free, unmetered, and not an API request.
    pub(super) fn truth(&self, hashtag: &str, date: NaiveDate) -> Result<Truth, ApiError> {
        self.lock().model.truth(hashtag, date).map_err(model_error)
    }

    /// A video's served thread on a date: free, unmetered, and not an API request.
    pub(super) fn thread_truth(
        &self,
        video_id: &str,
        date: NaiveDate,
    ) -> Result<ThreadTruth, ApiError> {
        self.lock()
            .model
            .thread_truth(video_id, date)
            .map_err(model_error)
    }

    pub(super) fn inject(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    pub(super) fn stats(&self) -> SimStats {
        let state = self.lock();
        SimStats {
            credits_charged: state.ledger.charged(),
            credits_remaining: state.ledger.remaining(),
            ..state.stats.clone()
        }
    }

    /// In arrival order (they are logged as they are answered).
    pub(super) fn calls(&self) -> Vec<PaidCall> {
        let mut calls = self.lock().calls.clone();
        calls.sort_by_key(|c| c.at);
        calls
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // State stays consistent between statements, so a panicked holder leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn authorize(&self, authorization: Option<&str>) -> Result<(), ApiError> {
        let token = authorization
            .and_then(|value| value.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty());
        match (token, &self.api_key) {
            (None, _) => Err(ApiError::new(401, "missing bearer token")),
            (Some(token), Some(key)) if token != key => Err(ApiError::new(401, "invalid API key")),
            _ => Ok(()),
        }
    }

    /// A plausible, deterministic server time, so equal requests give equal bytes.
    fn response_time_ms(&self, what: &str, body: &[u8]) -> u64 {
        Key::root(self.seed)
            .text(what)
            .bytes(body)
            .dice()
            .range(120.0, 900.0) as u64
    }
}

fn model_error(error: ModelError) -> ApiError {
    match error {
        ModelError::Invalid(message) => ApiError::new(400, message),
        ModelError::NotFound(message) => ApiError::new(404, message),
    }
}

fn fault_message(status: u16) -> &'static str {
    match status {
        402 => "credit balance exhausted; top up to continue",
        403 => "this key is not allowed to use this endpoint",
        404 => "not found",
        429 => "rate limit exceeded; retry later",
        500 => "internal error; please retry",
        502..=504 => "upstream unavailable; please retry",
        _ => "request failed",
    }
}
