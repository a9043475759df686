//! The pipeline's "now": when a response was fetched and so which date a day's data is really
//! from. The system clock in production; a clock set by hand where the world is simulated
//! (`demo`, `evaluate`, tests), so that a simulated day is collected "on" its own date.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Unix seconds set by hand; `None` reads the system clock.
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that stands at `at` until [`Clock::set`] moves it.
    pub fn manual(at: DateTime<Utc>) -> Clock {
        Clock {
            manual: Some(Arc::new(AtomicI64::new(at.timestamp()))),
        }
    }

    /// Moves a manual clock (and every clone of it); a system clock ignores it.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(manual) = &self.manual {
            manual.store(at.timestamp(), Ordering::Relaxed);
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.manual {
            Some(manual) => DateTime::from_timestamp(manual.load(Ordering::Relaxed), 0)
                .unwrap_or_else(Utc::now),
            None => Utc::now(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_for_every_clone() {
        let start = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let clock = Clock::manual(start);
        let copy = clock.clone();
        clock.set(start + chrono::Duration::days(2));
        assert_eq!(copy.now(), start + chrono::Duration::days(2));
        assert!(Clock::system().now() > start);
    }
}
