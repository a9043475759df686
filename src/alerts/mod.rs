//! Alerts reaching people: the outbox written with each stored day (`outbox`), the videos and
//! comments an alert points at (`evidence`), noise control (`noise`), what a message says in
//! each format (`message`), the transports (`sinks`) and the delivery pass that ties them
//! together (`deliver`).
//!
//! Delivery never blocks or fails collection: alerts are stored with their day, and delivered
//! after the run's collection (or by `hashtrack alerts send`), each sink at most once per alert.

pub mod deliver;
pub mod evidence;
pub mod message;
pub mod noise;
pub mod outbox;
pub mod sinks;
