//! A faithful simulator of the provider's TikTok data API (`shared/api/tiktok-data-api.md`),
//! served over real HTTP: the demo runs the daily pipeline against it and integration tests
//! start it on `127.0.0.1:0`.
//!
//! It serves a deterministic world: every hashtag (except names starting with `unknown`) is a
//! campaign whose videos, views and comments follow from the seed, the hashtag name and the
//! simulated date, never from the clock. On top of that it meters like the provider (bearer
//! key, fixed-window rate limit, credits charged only on success) and lets callers inject
//! faults. It does not persist anything and has no replies endpoint.
//!
//! Campaigns have shapes, drawn per hashtag from the seed and the name, because whatever the
//! simulator does not vary the product silently assumes: small hashtags (10 to 60 videos),
//! medium and large ones (thousands); campaigns launching on day 1 (an S-curve of new videos)
//! and campaigns running for months already (many old, saturated videos on day 1, arrivals
//! decaying, growth mostly from a few young videos); each video's plays a concave, saturating
//! curve of its age with burst and long tail varied per campaign; the top-level share of
//! `comment_count` (about half to nine tenths), comments per play (tenfold), the daily cap
//! on a video's new comments (30 to 400), how fast comments gather likes, and the provider's
//! lag (0 to 8 hours, or [`SimConfig::provider_lag`] for all). On top of that: a few viral
//! days, a backlash (a day of mostly negative comments, fading over two more), and for about
//! one hashtag in five a stall (from a date on: no new videos, a trickle of a few hundred
//! views a day, hardly any comments). [`HashtagQuirks`] can force the backlash and stall
//! dates. Comments are served most-liked first, so today's comments mostly sit behind the old
//! favourites (contract quirk 7).
//!
//! With a lag, the API on date D serves the world as of the last second of D less the lag:
//! videos, counters, comments and the hashtag's totals all stand as at that moment, and
//! whatever is created after it does not exist yet (it is served the next day).
//!
//! In process, [`SimServer::paid_calls`] lists every paid call with its arrival time and status
//! (how tests check a collector's pacing).
//!
//! Outside `/api`, two endpoints drive and measure the simulator; they need no key and are
//! never charged, rate-limited or counted in [`SimStats`]:
//! - `GET /_sim/date` shows the simulated date; `POST /_sim/date {"date": "YYYY-MM-DD"}` sets
//!   it.
//! - `GET /_sim/truth?hashtag=NAME&date=YYYY-MM-DD` answers the ground truth of that hashtag
//!   by the end of that date, as JSON ([`Truth`]): `hashtag`, `date`, `day` (campaign day),
//!   `views` and `videos` (exact true totals, before the provider's rounding and jitter),
//!   `new_views` and `new_videos` (the gains over that date), `phase` (`launch`, `steady`,
//!   `viral`, `backlash`, `stalled`), `backlash_on`, `stall_on` (or null), `viral_on` (dates),
//!   and `new_comments` (`total`, `positive`, `neutral`, `negative`: the top-level comments
//!   written that date over all the hashtag's videos, by the tone they were written in). 400
//!   with the contract's error body for a missing or bad parameter, 404 for a hashtag that
//!   does not exist. In process: [`truth`] or [`SimServer::truth`]. `served_as_of` (Unix
//!   seconds) is the moment the data the API serves for that hashtag on that date is as of
//!   (the date's last second less the provider's lag). `views` and `new_views` stand as of
//!   that moment (the gain between two dates' data is what a collector can measure); the
//!   other figures are by calendar day ends whatever the lag.
//! - `GET /_sim/thread?video_id=ID&date=YYYY-MM-DD` answers a video's top-level comment
//!   thread exactly as the comments endpoint serves it on that date, as JSON
//!   ([`ThreadTruth`]): `served_as_of`, and `comments` (`id`, `created_at`, `language`: `en`,
//!   `pt`, `es`, `id` or `und` for emoji only, `tone`: `positive`, `neutral` or `negative`,
//!   and `mixed`: a non-English text with English around its core) most-liked first,
//!   the same items in the same order the endpoint pages through (its duplicates quirk
//!   aside). 400 for a missing or bad parameter, 404 for a video the comments endpoint would
//!   not find (its hashtag must have been resolved by an info or feed call first). In
//!   process: [`SimServer::thread_truth`].
//!
//! With [`SimConfig::hostile`], the answers stay valid but carry what an attacker can post:
//! overlong handles, spreadsheet formulas, terminal escapes, bidi overrides, Slack markup, and
//! now and then an item with a bad counter or no id ([`HOSTILE_TEXTS`]).
//!
//! Modules: `routes` (HTTP) → `service` (checks, metering, faults) → `wire` (JSON shapes) and
//! `model` (answers) → `campaign`, `videos`, `threads` (the campaigns over time, their
//! numbers drawn in `shape`), with `truth` measuring the model, `comments`, `people`,
//! `captions` writing text (`languages` picking each comment's language), `ids` making
//! identifiers and `dice` the deterministic randomness.
//!
//! Comments are English unless [`SimConfig::languages`] gives a hashtag a mix of Portuguese,
//! Spanish, Indonesian and English; then each comment's language is drawn from it (a share
//! of non-English ones mix in English, emoji-only ones are `und`), and nothing else about the
//! campaign changes: its tones, backlash included, are drawn as before.

mod campaign;
mod captions;
mod comments;
mod dice;
mod faults;
mod hostile;
mod ids;
mod languages;
mod limits;
mod model;
mod people;
mod quirks;
mod routes;
mod service;
mod shape;
mod threads;
mod truth;
mod videos;
mod wire;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use comments::Tone;
pub use faults::{Fault, FaultKind};
pub use hostile::{HOSTILE_TEXTS, LONG_HANDLE_CHARS};
pub use languages::Language;
pub use quirks::{HashtagQuirks, default_quirks};
pub use truth::{CommentTruth, Phase, ThreadTruth, ToneCounts, Truth, truth};

/// `n` English comments written the way the simulator writes them (a third each positive,
/// neutral and negative in intent), for benchmarks and for measuring scorers on the target
/// domain.
pub fn sample_comments(seed: u64, n: usize) -> Vec<String> {
    sample_comments_in(Language::En, seed, n)
        .into_iter()
        .map(|c| c.text)
        .collect()
}

/// `n` comments in `language` (`en`, `pt`, `es` or `id`) written the way the simulator writes
/// them, a third each positive, neutral and negative, with what each was written as: for
/// measuring language detection and scorers per language. English gives [`sample_comments`].
pub fn sample_comments_in(language: Language, seed: u64, n: usize) -> Vec<SampleComment> {
    let tones = [Tone::Positive, Tone::Neutral, Tone::Negative];
    let mut dice = dice::Key::root(seed).text("sample-comments").dice();
    (0..n)
        .map(|i| {
            let tone = tones[i % 3];
            let written = comments::compose(language, tone, &mut dice, "sample");
            SampleComment {
                text: written.text,
                language: written.language,
                tone,
                mixed: written.mixed,
            }
        })
        .collect()
}

/// One comment of [`sample_comments_in`]: its text and the truth about it, as the thread
/// truth gives it ([`CommentTruth`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleComment {
    pub text: String,
    /// `und` for an emoji-only comment.
    pub language: Language,
    pub tone: Tone,
    /// Non-English with an English opener or closer.
    pub mixed: bool,
}

use service::Service;

/// A hashtag name as the simulator keys it (trimmed, no `#`, lowercase), or `None` when it is
/// not one (letters, digits and underscores only): how [`SimConfig::quirks`] and
/// [`SimConfig::languages`] keys are read.
pub fn normalize_hashtag(raw: &str) -> Option<String> {
    ids::normalize_name(raw)
}

/// How long `shutdown` lets in-flight requests (a long injected delay, say) finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// How the simulated provider behaves.
#[derive(Clone)]
pub struct SimConfig {
    /// Picks the world: the same seed, hashtag and date always give the same data.
    pub seed: u64,
    pub requests_per_window: u32,
    /// Length of the fixed rate-limit window.
    pub window: Duration,
    /// Starting balance.
    pub credits: u64,
    /// The accepted bearer key; `None` accepts any non-empty one.
    pub api_key: Option<String>,
    /// Day 1 of every simulated campaign, and the simulated date at start.
    pub start_date: NaiveDate,
    /// Per hashtag name (lowercase, no `#`), replacing [`default_quirks`] (also the way to
    /// force a hashtag's backlash or stall date).
    pub quirks: HashMap<String, HashtagQuirks>,
    /// How old the data the provider serves is, for every hashtag: on date D the API serves
    /// the world as of the last second of D less this lag. `None` leaves each campaign its
    /// own drawn lag (0 to 8 hours).
    pub provider_lag: Option<Duration>,
    /// Serve hostile payloads in otherwise valid answers (see `hostile`): overlong handles,
    /// formula cells, control characters, Slack markup, bad counters, error messages with
    /// terminal escapes, and a first answer asking for an hour's wait (`Retry-After: 3600`).
    pub hostile: bool,
    /// Per hashtag name (lowercase, no `#`), the languages its comments are written in and
    /// their weights (need not add up to 1), e.g. `[(Language::Pt, 0.7), (Language::En,
    /// 0.3)]`. A hashtag without an entry writes English only, exactly as before languages
    /// existed (`und` in a mix counts for nothing). Emoji-only comments are `und` whatever
    /// the mix; a share of non-English ones
    /// mix in an English opener or closer (their language stays the core's).
    pub languages: HashMap<String, Vec<(Language, f64)>>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            requests_per_window: 10,
            window: Duration::from_secs(60),
            credits: 10_000,
            api_key: None,
            start_date: NaiveDate::from_ymd_opt(2026, 11, 1).expect("a valid date"),
            quirks: HashMap::new(),
            provider_lag: None,
            hostile: false,
            languages: HashMap::new(),
        }
    }
}

impl fmt::Debug for SimConfig {
    // By hand, so the key is never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("seed", &self.seed)
            .field("requests_per_window", &self.requests_per_window)
            .field("window", &self.window)
            .field("credits", &self.credits)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("start_date", &self.start_date)
            .field("quirks", &self.quirks)
            .field("provider_lag", &self.provider_lag)
            .field("hostile", &self.hostile)
            .field("languages", &self.languages)
            .finish()
    }
}

/// The paid endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    HashtagInfo,
    HashtagVideos,
    VideoComments,
}

impl Endpoint {
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::HashtagInfo => "/api/v1/tiktok/hashtag",
            Endpoint::HashtagVideos => "/api/v1/tiktok/hashtag/videos",
            Endpoint::VideoComments => "/api/v1/tiktok/video/comments",
        }
    }
}

/// What the simulator has seen and done so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimStats {
    /// API requests of any outcome, usage calls included (not the `/_sim` endpoints).
    pub requests: u64,
    pub credits_charged: u64,
    pub credits_remaining: u64,
    /// 429 responses sent, injected ones included.
    pub rate_limited: u64,
    /// Requests answered by (or delayed by) an injected fault.
    pub faults_served: u64,
    pub per_endpoint: BTreeMap<Endpoint, EndpointStats>,
}

/// One call to a paid endpoint, as the simulator saw it (in arrival order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaidCall {
    /// When it arrived (before any injected delay).
    pub at: std::time::Instant,
    pub endpoint: Endpoint,
    /// The status it was answered with.
    pub status: u16,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointStats {
    /// Requests of any outcome.
    pub requests: u64,
    /// Successful, charged requests.
    pub charged: u64,
}

/// A running simulator. Dropping it stops the server; [`SimServer::shutdown`] stops it
/// gracefully.
pub struct SimServer {
    addr: SocketAddr,
    service: Arc<Service>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl SimServer {
    /// Serves the simulated API on `listener` (bind `127.0.0.1:0` in tests).
    pub async fn start(listener: TcpListener, config: SimConfig) -> std::io::Result<SimServer> {
        let addr = listener.local_addr()?;
        let service = Arc::new(Service::new(config));
        let app = routes::router(Arc::clone(&service));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    // A dropped sender means the same as a sent stop.
                    let _ = stopped.await;
                })
                .await
        });
        Ok(SimServer {
            addr,
            service,
            stop: Some(stop),
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (the loopback address when bound to all interfaces).
    pub fn base_url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            self.addr.ip()
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// The simulated "today" the world is served as of.
    pub fn date(&self) -> NaiveDate {
        self.service.date()
    }

    pub fn set_date(&self, date: NaiveDate) {
        self.service.set_date(date);
    }

    /// Queues a fault for the next matching request(s).
    pub fn inject(&self, fault: Fault) {
        self.service.inject(fault);
    }

    pub fn stats(&self) -> SimStats {
        self.service.stats()
    }

    /// Every call to a paid endpoint so far, in arrival order: for tests of pacing.
    pub fn paid_calls(&self) -> Vec<PaidCall> {
        self.service.calls()
    }

    /// The truth about `hashtag` on `date` (see [`truth`]); free, like `GET /_sim/truth`.
    pub fn truth(&self, hashtag: &str, date: NaiveDate) -> Option<Truth> {
        self.service.truth(hashtag, date).ok()
    }

    /// The top-level comment thread of `video_id` as the comments endpoint serves it on
    /// `date`; free, like `GET /_sim/thread`. `None` when the video is unknown (same
    /// resolution rules as the comments endpoint: its hashtag must have been resolved by an
    /// info or feed call first, and the video posted by `date`).
    pub fn thread_truth(&self, video_id: &str, date: NaiveDate) -> Option<ThreadTruth> {
        self.service.thread_truth(video_id, date).ok()
    }

    /// Stops accepting requests and waits briefly for in-flight ones.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
