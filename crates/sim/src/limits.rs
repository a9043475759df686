//! What the simulated provider meters: a fixed-window rate limit (its state is reported in
//! `X-RateLimit-*` headers on every response) and the credit balance. Wall-clock time is used
//! here and nowhere else in `sim`.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// What the `X-RateLimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RateHeaders {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds when the window resets, rounded up so waiting until then is always enough.
    pub reset: u64,
}

/// A request turned away by the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Throttled {
    pub headers: RateHeaders,
    /// Whole seconds until the window resets (at least 1).
    pub retry_after_secs: u64,
}

/// Fixed window: opened by the first request after the previous one ran out, then admits
/// `limit` requests until it ends.
pub(super) struct RateWindow {
    limit: u32,
    length: Duration,
    opened_at: Option<Instant>,
    used: u32,
}

impl RateWindow {
    pub(super) fn new(limit: u32, length: Duration) -> Self {
        RateWindow {
            limit,
            length,
            opened_at: None,
            used: 0,
        }
    }

    /// Counts one request against the window, or says how long to wait.
    pub(super) fn admit(&mut self, now: Instant) -> Result<RateHeaders, Throttled> {
        if self.open_until(now).is_none() {
            self.opened_at = Some(now);
            self.used = 0;
        }
        if self.used >= self.limit {
            let wait = self.open_until(now).unwrap_or_default();
            return Err(Throttled {
                headers: self.peek(now),
                retry_after_secs: ceil_secs(wait).max(1),
            });
        }
        self.used += 1;
        Ok(self.peek(now))
    }

    /// The headers for a response that does not count against the window.
    pub(super) fn peek(&self, now: Instant) -> RateHeaders {
        let (remaining, wait) = match self.open_until(now) {
            Some(wait) => (self.limit.saturating_sub(self.used), wait),
            None => (self.limit, self.length),
        };
        RateHeaders {
            limit: self.limit,
            remaining,
            reset: unix_after(wait),
        }
    }

    /// Time left in the current window, if one is open.
    fn open_until(&self, now: Instant) -> Option<Duration> {
        let end = self.opened_at? + self.length;
        (now < end).then(|| end - now)
    }
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

fn unix_after(wait: Duration) -> u64 {
    let at = SystemTime::now() + wait;
    ceil_secs(at.duration_since(UNIX_EPOCH).unwrap_or_default())
}

/// The account's credit balance. Only successful paid calls are charged.
pub(super) struct Ledger {
    remaining: u64,
    charged: u64,
}

impl Ledger {
    pub(super) fn new(credits: u64) -> Self {
        Ledger {
            remaining: credits,
            charged: 0,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.remaining == 0
    }

    /// Takes one credit; the caller has checked [`Ledger::is_empty`] under the same lock.
    pub(super) fn charge(&mut self) {
        self.remaining -= 1;
        self.charged += 1;
    }

    pub(super) fn remaining(&self) -> u64 {
        self.remaining
    }

    pub(super) fn charged(&self) -> u64 {
        self.charged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_admits_its_limit_then_throttles_until_it_ends() {
        let mut window = RateWindow::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert_eq!(window.admit(t0).unwrap().remaining, 1);
        assert_eq!(
            window.admit(t0 + Duration::from_secs(1)).unwrap().remaining,
            0
        );
        let throttled = window
            .admit(t0 + Duration::from_millis(30_500))
            .unwrap_err();
        assert_eq!(throttled.retry_after_secs, 30);
        assert_eq!(throttled.headers.remaining, 0);
        let reopened = window.admit(t0 + Duration::from_secs(60)).unwrap();
        assert_eq!(reopened.remaining, 1);
    }

    #[test]
    fn peeking_does_not_count() {
        let mut window = RateWindow::new(1, Duration::from_secs(5));
        let now = Instant::now();
        assert_eq!(window.peek(now).remaining, 1);
        assert_eq!(window.peek(now).remaining, 1);
        window.admit(now).unwrap();
        assert_eq!(window.peek(now).remaining, 0);
    }

    #[test]
    fn ledger_charges_until_empty() {
        let mut ledger = Ledger::new(1);
        assert!(!ledger.is_empty());
        ledger.charge();
        assert!(ledger.is_empty());
        assert_eq!((ledger.remaining(), ledger.charged()), (0, 1));
    }
}
