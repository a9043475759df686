//! The pacer of every request made with one API key (one per key: each key is its own account
//! with its own plan and its own window at the provider).
//!
//! Requests are spaced evenly at the key's rate, and the provider's own `X-RateLimit-*`
//! headers (and any 429's `Retry-After`) can only make us wait longer, so a run at the
//! provider's limit sees no 429 in steady state. Campaigns run concurrently; those on one key
//! all queue here.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Slack added after a provider-announced reset, so our clock and theirs need not agree exactly.
const RESET_MARGIN: Duration = Duration::from_millis(50);

/// What a response's `X-RateLimit-*` headers said.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitHeaders {
    pub remaining: Option<u32>,
    /// Unix seconds at which the window resets.
    pub reset_unix: Option<u64>,
}

#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    /// The earliest moment the next request may start.
    next_start: Mutex<Instant>,
    /// No request may start before this, whenever its slot was handed out.
    paused_until: std::sync::Mutex<Instant>,
}

impl RateLimiter {
    pub fn per_minute(requests_per_minute: u32) -> RateLimiter {
        RateLimiter {
            interval: Duration::from_secs(60) / requests_per_minute.max(1),
            next_start: Mutex::new(Instant::now()),
            paused_until: std::sync::Mutex::new(Instant::now()),
        }
    }

    /// Waits for this caller's slot. Slots are handed out in call order.
    pub async fn acquire(&self) {
        let slot = {
            let mut next = self.next_start.lock().await;
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
        // A pause announced while this caller waited (an exhausted window, a 429) holds it too.
        loop {
            let until = *self.paused_until.lock().expect("pause lock");
            if until <= Instant::now() {
                return;
            }
            tokio::time::sleep_until(until).await;
        }
    }

    /// Holds every request not yet started until `at`.
    pub async fn pause_until(&self, at: Instant) {
        {
            let mut paused = self.paused_until.lock().expect("pause lock");
            *paused = (*paused).max(at);
        }
        let mut next = self.next_start.lock().await;
        *next = (*next).max(at);
    }

    /// How long requests are still held by a pause the provider asked for, if they are.
    pub fn pause_left(&self) -> Option<Duration> {
        let until = *self.paused_until.lock().expect("pause lock");
        Some(until.checked_duration_since(Instant::now())?).filter(|left| !left.is_zero())
    }

    /// Learns from a response's headers: an exhausted window pauses everyone until its reset.
    /// Returns that pause, if there is one.
    pub async fn observe(&self, headers: RateLimitHeaders) -> Option<Duration> {
        if headers.remaining != Some(0) {
            return None;
        }
        let wait = headers
            .reset_unix
            .map(|reset| {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                Duration::from_secs(reset).saturating_sub(now)
            })
            // Without a reset time, one request interval is the best guess.
            .unwrap_or(self.interval);
        self.pause_until(Instant::now() + wait + RESET_MARGIN).await;
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_by_the_interval() {
        let limiter = RateLimiter::per_minute(6);
        let start = Instant::now();
        for _ in 0..3 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(20));
    }

    #[tokio::test(start_paused = true)]
    async fn an_exhausted_window_pauses_until_reset() {
        let limiter = RateLimiter::per_minute(6000);
        let start = Instant::now();
        limiter.pause_until(start + Duration::from_secs(3)).await;
        limiter.acquire().await;
        assert!(start.elapsed() >= Duration::from_secs(3));
    }
}
