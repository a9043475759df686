//! The simulated API (in progress).
