//! Faults a test or demo injects into the simulated provider: error statuses, throttling,
//! slow answers and bodies that break the contract. Queued in order; each is consumed by the
//! next matching request(s). Only `Truncated` charges a credit, as a provider that bills a
//! successful answer it then fails to deliver whole.

use std::collections::VecDeque;
use std::time::Duration;

use super::Endpoint;

/// A fault to serve instead of (or, for `Delay`, before) the normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The endpoint it applies to; `None` for any paid endpoint.
    pub endpoint: Option<Endpoint>,
    pub kind: FaultKind,
    /// How many matching requests it affects.
    pub times: u32,
}

impl Fault {
    /// A fault for the next `times` requests to any paid endpoint.
    pub fn any(kind: FaultKind, times: u32) -> Fault {
        Fault {
            endpoint: None,
            kind,
            times,
        }
    }

    /// A fault for the next `times` requests to `endpoint`.
    pub fn on(endpoint: Endpoint, kind: FaultKind, times: u32) -> Fault {
        Fault {
            endpoint: Some(endpoint),
            kind,
            times,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// An error status with the contract's error body for it (500/502/503/504 are transient,
    /// 403/404/... are not; 429 comes with `Retry-After: 1`). Non-error statuses answer 500.
    Status(u16),
    /// 429 `rate_limit_exceeded` with this `Retry-After`, whatever the real window says.
    RateLimited { retry_after_secs: u64 },
    /// Answer normally (uncharged), but only after this long: for client timeouts.
    Delay(Duration),
    /// Status 200 with valid JSON that carries none of the contract's payload.
    MalformedBody,
    /// The normal answer, charged, with only the first half of its body sent.
    Truncated,
}

/// Injected faults waiting for their requests.
#[derive(Default)]
pub(super) struct FaultQueue {
    waiting: VecDeque<Fault>,
}

impl FaultQueue {
    pub(super) fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.waiting.push_back(fault);
        }
    }

    /// The first waiting fault that applies to a request to `endpoint`, used up once.
    pub(super) fn take(&mut self, endpoint: Endpoint) -> Option<FaultKind> {
        let at = self
            .waiting
            .iter()
            .position(|f| f.endpoint.is_none_or(|e| e == endpoint))?;
        let fault = &mut self.waiting[at];
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.waiting.remove(at);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_apply_in_order_to_matching_endpoints_only() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::on(
            Endpoint::VideoComments,
            FaultKind::Status(503),
            2,
        ));
        queue.push(Fault::any(FaultKind::MalformedBody, 1));
        queue.push(Fault::any(FaultKind::Status(500), 0));
        assert_eq!(
            queue.take(Endpoint::HashtagInfo),
            Some(FaultKind::MalformedBody)
        );
        assert_eq!(queue.take(Endpoint::HashtagInfo), None);
        assert_eq!(
            queue.take(Endpoint::VideoComments),
            Some(FaultKind::Status(503))
        );
        assert_eq!(
            queue.take(Endpoint::VideoComments),
            Some(FaultKind::Status(503))
        );
        assert_eq!(queue.take(Endpoint::VideoComments), None);
    }
}
