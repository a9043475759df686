//! The scorecard behind `hashtrack evaluate`: what the product told an agency about simulated
//! campaigns, judged against the simulator's truth (`GET /_sim/truth`, and the threads it
//! serves, `GET /_sim/thread`).
//!
//! Pure: the caller runs the days, reads the store and fetches the truth; this module only
//! compares. It owns the definitions of every figure `evaluate` shows, and the floors
//! `evaluate --check` holds them to, so that every figure in a closing note means the same
//! thing.
//!
//! Definitions. All are per campaign-day (a stored day of a campaign) and summed over
//! campaigns and seeds; a campaign's truth is the sum over its hashtags. A campaign-day's
//! *span* runs from the previous stored day (exclusive) to its date: after skipped days it
//! covers several dates, and the truth of a per-day figure is the span's average.
//! - **bounds coverage**: of the campaign-days with a growth estimate, the share whose true new
//!   views per day lie within `[per_day_low, per_day_high]` (a `None` high is unbounded above).
//! - **growth error**: |estimate − truth| / truth of the new views per day, over the days the
//!   product gave an estimate and the truth gained views; its median and 90th percentile
//!   (nearest rank: the smallest error at least that share of the days reach).
//! - **new comments**: a hashtag's data on a date is served *as of* a moment (the truth's
//!   `served_as_of`; the provider may lag). A comment on a video of hashtag `h` is *new* on a
//!   campaign-day when its `create_time` lies in `(as_of_h(previous stored day),
//!   as_of_h(day)]`, or `(as_of_h(day) − 1 day, as_of_h(day)]` on the campaign's first stored
//!   day (a video whose hashtag is unknown takes the earliest of the campaign's hashtags').
//!   *New comments found* are the distinct new comments on the comment pages stored for the day
//!   and paid by the campaign; per comment credit, over the credits of those pages.
//! - **share of the limit**: the limit of a campaign-day is the most new comments that its
//!   comment credits could have read from the day's tracked videos, each credit a page of
//!   [`COMMENTS_PER_PAGE`] consecutive comments (any offset) of one video's served thread:
//!   [`best_cover`] per video, [`best_allocation`] across them. The share is new comments
//!   found ÷ the limit, each summed over campaign-days.
//! - **judgeable days judged**: a campaign-day is *judgeable* when the tracked videos' served
//!   threads hold at least [`JUDGEABLE_NEW_COMMENTS`] new comments, and *judged* when its
//!   sentiment was scored on at least [`MIN_COMMENTS_TO_JUDGE`] comments (what a report
//!   judges). The figure is judgeable days judged ÷ judgeable days.
//! - a stall starts on the latest `stall_on` of the campaign's hashtags (every hashtag must
//!   stall); a backlash starts on each hashtag's `backlash_on`, unless that hashtag has
//!   stalled by then (hardly any new comments: nothing to detect). A backlash is *on a
//!   judgeable day* when the first stored day on or after its start is judgeable. Detection
//!   latency is the days from the start to the first alert of the matching rules; none within
//!   [`DETECTION_WINDOW_DAYS`] is a miss. *Caught* is within [`CAUGHT_WITHIN_DAYS`].
//! - a false alert is one the truth contradicts: `low-activity` on a day whose true new views
//!   per day reach the minimum, `viral-day` on one below the viral threshold,
//!   `high-participation` below the videos threshold, a backlash rule outside every backlash
//!   (its start to [`DETECTION_WINDOW_DAYS`] later) on a day whose new comments are mostly not
//!   negative.
//! - a missed alert, by rule: `viral-day` on a day whose true new views per day exceed the
//!   threshold with no `viral-day`; `low-activity` on a stored day from the stall's start on
//!   with no `low-activity` on that date or the date before; a backlash rule
//!   ([`BACKLASH_RULES`], counted together) for a backlash on a judgeable day not caught.
//! - comments' languages: see [`languages`].

mod languages;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use builtin_rules::Rule;
/// The thresholds a campaign's built-in rules use, for judging their alerts.
pub use builtin_rules::Thresholds;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::BUILTIN;
use crate::domain::{AlertsOutcome, DayMetrics, SentimentOutcome};
use crate::report::MIN_COMMENTS_TO_JUDGE;
pub use languages::{CommentJudged, LanguageScore, LanguageSummary};

/// Days after an event's start within which an alert counts as detecting it.
pub const DETECTION_WINDOW_DAYS: i64 = 2;
/// Days after an event's start within which detecting it counts as catching it.
pub const CAUGHT_WITHIN_DAYS: i64 = 1;
/// Rules that report a backlash in comments.
pub const BACKLASH_RULES: &[&str] = &[Rule::NegativeSentiment.id(), Rule::SentimentDrop.id()];
/// The rule that reports a stall.
pub const STALL_RULE: &str = Rule::LowActivity.id();
/// The rule that reports a day of viral growth.
pub const VIRAL_RULE: &str = Rule::ViralDay.id();
/// How a backlash missed by every one of [`BACKLASH_RULES`] is counted among missed alerts.
pub const MISSED_BACKLASH: &str = "negative-sentiment or sentiment-drop";
/// What one comment credit reads at most: a page of the API's largest `count`.
pub const COMMENTS_PER_PAGE: usize = 50;
/// New comments on the tracked videos from which a day's mood can be judged: five times what
/// a report needs ([`MIN_COMMENTS_TO_JUDGE`]), so a collector that reads well finds enough.
pub const JUDGEABLE_NEW_COMMENTS: u64 = 150;
/// The truth's phase of a stalled hashtag.
const STALLED: &str = "stalled";
/// A day's new comments at least this negative are a backlash in truth, whatever the phase.
const NEGATIVE_SHARE_OF_A_BACKLASH: f64 = 0.4;
/// On a campaign's first stored day, comments are new when written this long before its data.
const FIRST_DAY_SECS: i64 = 24 * 60 * 60;
/// Leeway of a bound's comparison with the truth: float rounding of a per-day division.
const BOUND_LEEWAY: f64 = 1e-9;

// The floors `evaluate --check` (CI) holds the summary to. They state what the signals must
// achieve on the simulator, not what they achieve today: lower one only with a reason.
/// True new views per day lie within the reported bounds on at least this share of days: a
/// bound is a bound (DESIGN, "Signals"), the few misses allowed are for the sample's shapes.
pub const MIN_BOUNDS_COVERAGE: f64 = 0.95;
/// The median growth estimate is within this of the truth.
pub const MAX_GROWTH_MEDIAN_ERROR: f64 = 0.10;
/// Comment credits find at least this share of the new comments an oracle could read with them.
pub const MIN_SHARE_OF_COMMENT_LIMIT: f64 = 0.80;
/// Days with enough new comments to judge a mood are judged at least this often.
pub const MIN_JUDGEABLE_DAYS_JUDGED: f64 = 0.90;
/// Rules that must raise no false alert: they page people about growth.
pub const RULES_WITHOUT_FALSE_ALERTS: &[&str] = &[STALL_RULE, VIRAL_RULE];

/// The simulator's truth of one hashtag on one date, as `/_sim/truth` serves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthDay {
    pub hashtag: String,
    pub date: NaiveDate,
    pub views: u64,
    pub new_views: i64,
    pub videos: u64,
    pub new_videos: i64,
    pub phase: String,
    pub backlash_on: Option<NaiveDate>,
    pub stall_on: Option<NaiveDate>,
    pub new_comments: CommentMix,
    /// Unix seconds: the moment the data served for this hashtag on this date is as of.
    pub served_as_of: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CommentMix {
    pub total: u64,
    pub positive: u64,
    pub neutral: u64,
    pub negative: u64,
}

/// What one campaign's simulated days are judged on.
pub struct CampaignEvidence<'a> {
    pub campaign: &'a str,
    /// The simulated world (seed) the days come from.
    pub seed: u64,
    pub thresholds: Thresholds,
    /// The stored days, oldest first.
    pub days: &'a [DayMetrics],
    /// The truth of each of the campaign's hashtags on every simulated date.
    pub truth: &'a [TruthDay],
    /// What each stored day read of comments, and the threads it is judged against.
    pub comments: &'a [CommentDay],
    /// The hashtag (as the truth names it) of each video known to be in one.
    pub video_hashtags: &'a HashMap<String, String>,
}

/// One stored day's comment reading, and the served threads of its tracked videos.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommentDay {
    pub date: NaiveDate,
    /// Credits the campaign paid for comment pages stored for this date.
    pub credits: u32,
    /// The comments on those pages, repeats included.
    pub read: Vec<CommentSeen>,
    /// The served top-level comments of each of the day's tracked videos.
    pub threads: Vec<ThreadDay>,
}

/// A comment as a page served it: its id, its video and `create_time` (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentSeen {
    pub id: String,
    pub video_id: String,
    pub created_at: i64,
}

/// One video's top-level comments as served on a date, in the order served (most-liked
/// first): their `create_time`s.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadDay {
    pub video_id: String,
    pub created_at: Vec<i64>,
}

/// One campaign's judged figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CampaignScore {
    pub campaign: String,
    pub seed: u64,
    pub days: u32,
    /// Relative errors of the growth estimate (new views per day), one per judged day.
    pub growth_errors: Vec<f64>,
    /// Days with a growth estimate and a truth to hold its bounds against.
    pub bounds_checked: u32,
    /// Those of them whose truth lay outside the bounds (in the JSON once, in the summary).
    #[serde(skip)]
    pub bounds_misses: Vec<BoundsMiss>,
    /// Each stored day's comment figures (days whose data's moment is known).
    pub comment_days: Vec<CommentDayScore>,
    pub stalls: Vec<Detection>,
    pub backlashes: Vec<Detection>,
    /// Alerts the truth contradicts, by rule.
    pub false_alerts: BTreeMap<String, u32>,
    /// Each of those alerts with the figures that contradict it, to look into.
    pub false_alert_days: Vec<FalseAlert>,
    /// Alerts the truth called for and that were not raised, by rule (see the definitions).
    pub missed_alerts: BTreeMap<String, u32>,
}

/// A day whose true new views per day lay outside the reported bounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundsMiss {
    pub seed: u64,
    pub date: NaiveDate,
    pub campaign: String,
    pub low: f64,
    pub high: Option<f64>,
    pub truth: f64,
}

/// One campaign-day's comment figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommentDayScore {
    pub date: NaiveDate,
    /// Comment credits paid for the day.
    pub credits: u32,
    /// Distinct new comments on the pages they paid for.
    pub new_found: u64,
    /// The most new comments those credits could have read from the tracked videos.
    pub limit: u64,
    /// New comments the tracked videos' served threads hold.
    pub new_on_tracked_videos: u64,
    pub judgeable: bool,
    pub judged: bool,
}

/// An alert the truth contradicts, with what the product estimated and what was true.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FalseAlert {
    pub date: NaiveDate,
    pub rule: String,
    pub estimated_views_per_day: Option<f64>,
    pub true_views_per_day: Option<f64>,
    pub true_negative_share: f64,
}

/// One event and when (if ever) the product reported it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    pub starts: NaiveDate,
    /// Days from the start to the first matching alert; `None` when missed.
    pub latency_days: Option<i64>,
    /// For a backlash: whether the first stored day on or after its start is judgeable (the
    /// comments were there to catch it). `None` for a stall, which needs no comments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_judgeable_day: Option<bool>,
}

impl Detection {
    fn caught(&self) -> bool {
        self.latency_days.is_some_and(|d| d <= CAUGHT_WITHIN_DAYS)
    }
}

/// The growth estimate a stored day gives, in new views per day.
pub fn estimated_views_per_day(day: &DayMetrics) -> Option<f64> {
    day.view_growth.as_ref().map(|g| g.per_day)
}

/// The most of a thread's new comments that `0..=max_pages` pages can cover: entry `j` for
/// `j` pages, each `page` consecutive comments at any offset. `new_at` holds the positions of
/// the new comments in the served thread, ascending.
///
/// Exact: overlapping pages can be shifted apart, later ones to the right, without covering
/// less, and a page can be shifted right until it starts at a new comment; so the best is over
/// disjoint pages starting at new comments, a DP over the new comments from the last.
pub fn best_cover(new_at: &[usize], page: usize, max_pages: usize) -> Vec<u64> {
    let m = new_at.len();
    // next[k]: the first new comment a page starting at new comment k does not reach.
    let mut next = vec![m; m];
    let mut r = 0;
    for (k, &start) in new_at.iter().enumerate() {
        r = r.max(k);
        while r < m && new_at[r] < start.saturating_add(page) {
            r += 1;
        }
        next[k] = r;
    }
    let mut best = vec![0u64; max_pages + 1];
    // covered[k]: the most covered among new comments k.. with the pages so far.
    let mut covered = vec![0u64; m + 1];
    for best_with_these in best.iter_mut().skip(1) {
        let mut with_one_more = vec![0u64; m + 1];
        for k in (0..m).rev() {
            let here = (next[k] - k) as u64 + covered[next[k]];
            with_one_more[k] = with_one_more[k + 1].max(here);
        }
        covered = with_one_more;
        *best_with_these = covered[0];
    }
    best
}

/// The most new comments `credits` pages can read across videos, given each video's
/// [`best_cover`] (entry `j` for `j` pages; a shorter list stays at its last entry): a
/// knapsack over the videos.
pub fn best_allocation(per_video: &[Vec<u64>], credits: usize) -> u64 {
    let mut best = vec![0u64; credits + 1];
    for cover in per_video {
        let at = |j: usize| cover.get(j).or(cover.last()).copied().unwrap_or(0);
        best = (0..=credits)
            .map(|c| (0..=c).map(|j| best[c - j] + at(j)).max().unwrap_or(0))
            .collect();
    }
    best[credits]
}

/// A day's comment figures: what it found and what it could have. `window` gives the span of
/// `create_time`s that are new on a video: `(after, until]`.
fn judge_comments(
    day: &DayMetrics,
    evidence: Option<&CommentDay>,
    window: impl Fn(&str) -> (i64, i64),
) -> CommentDayScore {
    let is_new = |video: &str| {
        let (after, until) = window(video);
        move |t: i64| after < t && t <= until
    };
    let empty = CommentDay::default();
    let evidence = evidence.unwrap_or(&empty);
    let new_found = evidence
        .read
        .iter()
        .filter(|c| is_new(&c.video_id)(c.created_at))
        .map(|c| c.id.as_str())
        .collect::<HashSet<_>>()
        .len() as u64;
    let credits = evidence.credits as usize;
    let mut new_on_tracked_videos = 0;
    let covers: Vec<Vec<u64>> = evidence
        .threads
        .iter()
        .map(|thread| {
            let is_new = is_new(&thread.video_id);
            let new_at: Vec<usize> = (thread.created_at.iter().enumerate())
                .filter(|(_, t)| is_new(**t))
                .map(|(i, _)| i)
                .collect();
            new_on_tracked_videos += new_at.len() as u64;
            best_cover(&new_at, COMMENTS_PER_PAGE, credits.min(new_at.len()))
        })
        .collect();
    let judgeable = new_on_tracked_videos >= JUDGEABLE_NEW_COMMENTS;
    CommentDayScore {
        date: day.date,
        credits: evidence.credits,
        new_found,
        limit: best_allocation(&covers, credits),
        new_on_tracked_videos,
        judgeable,
        judged: judged(day),
    }
}

/// Whether a day's sentiment is one a report judges: scored on enough comments.
pub fn judged(day: &DayMetrics) -> bool {
    matches!(&day.sentiment, SentimentOutcome::Scored(s) if s.comments >= MIN_COMMENTS_TO_JUDGE)
}

/// Whether `truth` lies within a growth estimate's bounds.
fn within_bounds(truth: f64, low: f64, high: Option<f64>) -> bool {
    let leeway = |x: f64| BOUND_LEEWAY * x.abs().max(1.0);
    truth >= low - leeway(low) && high.is_none_or(|high| truth <= high + leeway(high))
}

/// Judges one campaign's days against the truth.
pub fn judge(evidence: &CampaignEvidence) -> CampaignScore {
    let truth = CampaignTruth::new(evidence.truth);
    let t = evidence.thresholds;
    let mut score = CampaignScore {
        campaign: evidence.campaign.to_string(),
        seed: evidence.seed,
        days: evidence.days.len() as u32,
        ..CampaignScore::default()
    };
    let mut missed_alerts: BTreeMap<String, u32> = BTreeMap::new();
    let mut missed = |rule: &str| *missed_alerts.entry(rule.to_string()).or_default() += 1;
    let mut previous: Option<NaiveDate> = None;
    let mut alerts: Vec<(NaiveDate, String)> = Vec::new();
    let mut comment_days = Vec::new();
    for day in evidence.days {
        // A day's figures cover the dates since the previous stored day.
        let span_from = previous.map_or(day.date, |p| p.succ_opt().unwrap_or(day.date));
        // New comments are judged on the days whose data's moment is known for every hashtag.
        let window = |hashtag: Option<&str>| -> Option<(i64, i64)> {
            let until = truth.as_of(hashtag, day.date)?;
            match previous {
                Some(p) => Some((truth.as_of(hashtag, p)?, until)),
                None => Some((until - FIRST_DAY_SECS, until)),
            }
        };
        if let Some(earliest) = window(None) {
            let read = evidence.comments.iter().find(|c| c.date == day.date);
            let of_video = |video: &str| {
                let hashtag = evidence.video_hashtags.get(video).map(String::as_str);
                hashtag.and_then(|h| window(Some(h))).unwrap_or(earliest)
            };
            comment_days.push(judge_comments(day, read, of_video));
        }
        previous = Some(day.date);
        let true_views = truth.views_per_day(span_from, day.date);
        let true_videos = truth.videos_per_day(span_from, day.date);
        if let (Some(growth), Some(actual)) = (&day.view_growth, true_views) {
            if actual > 0.0 {
                score
                    .growth_errors
                    .push((growth.per_day - actual).abs() / actual);
            }
            score.bounds_checked += 1;
            if !within_bounds(actual, growth.per_day_low, growth.per_day_high) {
                score.bounds_misses.push(BoundsMiss {
                    seed: evidence.seed,
                    date: day.date,
                    campaign: evidence.campaign.to_string(),
                    low: growth.per_day_low,
                    high: growth.per_day_high,
                    truth: actual,
                });
            }
        }
        // Only the built-in rules are judged: another plugin's rule means what its author says.
        let raised: Vec<&str> = match &day.alerts {
            AlertsOutcome::Evaluated { alerts } => alerts
                .iter()
                .filter(|a| a.plugin.is_empty() || a.plugin == BUILTIN)
                .map(|a| a.rule.as_str())
                .collect(),
            AlertsOutcome::Unavailable { .. } => Vec::new(),
        };
        let contradicted = |rule: &str| -> bool {
            let Some(rule) = Rule::from_id(rule) else {
                return false;
            };
            match rule {
                Rule::LowActivity => true_views.is_some_and(|v| v >= t.min_daily_views as f64),
                Rule::ViralDay => true_views.is_some_and(|v| v < t.viral_day_views as f64),
                Rule::HighParticipation => {
                    true_videos.is_some_and(|v| v < t.high_participation_videos as f64)
                }
                Rule::NegativeSentiment | Rule::SentimentDrop => {
                    !truth.in_backlash(day.date)
                        && truth.negative_share(day.date) < NEGATIVE_SHARE_OF_A_BACKLASH
                }
            }
        };
        for rule in &raised {
            if contradicted(rule) {
                *score.false_alerts.entry(rule.to_string()).or_default() += 1;
                score.false_alert_days.push(FalseAlert {
                    date: day.date,
                    rule: rule.to_string(),
                    estimated_views_per_day: estimated_views_per_day(day),
                    true_views_per_day: true_views,
                    true_negative_share: truth.negative_share(day.date),
                });
            }
            alerts.push((day.date, rule.to_string()));
        }
        if true_views.is_some_and(|v| v > t.viral_day_views as f64) && !raised.contains(&VIRAL_RULE)
        {
            missed(VIRAL_RULE);
        }
    }
    let last = evidence.days.last().map(|d| d.date);
    let raised_on = |date: NaiveDate, rules: &[&str]| {
        alerts
            .iter()
            .any(|(d, rule)| *d == date && rules.contains(&rule.as_str()))
    };
    let detect = |starts: NaiveDate, rules: &[&str]| Detection {
        starts,
        latency_days: alerts
            .iter()
            .filter(|(date, rule)| rules.contains(&rule.as_str()) && *date >= starts)
            .map(|(date, _)| (*date - starts).num_days())
            .find(|&latency| latency <= DETECTION_WINDOW_DAYS),
        on_judgeable_day: None,
    };
    let within = |date: NaiveDate| last.is_some_and(|last| date <= last);
    if let Some(starts) = truth.stall_start().filter(|d| within(*d)) {
        score.stalls.push(detect(starts, &[STALL_RULE]));
        for day in evidence.days.iter().filter(|d| d.date >= starts) {
            let day_before = day.date.pred_opt().unwrap_or(day.date);
            if !raised_on(day.date, &[STALL_RULE]) && !raised_on(day_before, &[STALL_RULE]) {
                missed(STALL_RULE);
            }
        }
    }
    for starts in truth.backlash_starts().into_iter().filter(|d| within(*d)) {
        let judgeable = comment_days
            .iter()
            .find(|c| c.date >= starts)
            .is_some_and(|c| c.judgeable);
        let detection = Detection {
            on_judgeable_day: Some(judgeable),
            ..detect(starts, BACKLASH_RULES)
        };
        if judgeable && !detection.caught() {
            missed(MISSED_BACKLASH);
        }
        score.backlashes.push(detection);
    }
    score.comment_days = comment_days;
    score.missed_alerts = missed_alerts;
    score
}

/// The truth of a campaign's hashtags, summed per date.
struct CampaignTruth<'a> {
    days: &'a [TruthDay],
    hashtags: usize,
}

impl<'a> CampaignTruth<'a> {
    fn new(days: &'a [TruthDay]) -> Self {
        let hashtags = days
            .iter()
            .map(|d| d.hashtag.as_str())
            .collect::<HashSet<_>>()
            .len();
        CampaignTruth { days, hashtags }
    }

    fn on(&self, date: NaiveDate) -> impl Iterator<Item = &'a TruthDay> {
        self.days.iter().filter(move |d| d.date == date)
    }

    /// The moment `hashtag`'s data on `date` is as of; without a hashtag of the campaign, the
    /// earliest of its hashtags' (`None` if one's truth is missing).
    fn as_of(&self, hashtag: Option<&str>, date: NaiveDate) -> Option<i64> {
        let mut on = self.on(date);
        if let Some(hashtag) = hashtag.filter(|h| self.days.iter().any(|d| d.hashtag == *h)) {
            return on.find(|d| d.hashtag == hashtag).map(|d| d.served_as_of);
        }
        let known: Vec<i64> = on.map(|d| d.served_as_of).collect();
        (known.len() == self.hashtags)
            .then(|| known.into_iter().min())
            .flatten()
    }

    /// The mean per day over `from..=to` of a per-hashtag figure; `None` if a date is missing.
    fn per_day(&self, from: NaiveDate, to: NaiveDate, figure: fn(&TruthDay) -> f64) -> Option<f64> {
        let mut total = 0.0;
        let mut dates = 0;
        for date in from.iter_days().take_while(|d| *d <= to) {
            let known: Vec<f64> = self.on(date).map(figure).collect();
            if known.len() != self.hashtags {
                return None;
            }
            total += known.iter().sum::<f64>();
            dates += 1;
        }
        (dates > 0).then(|| total / f64::from(dates))
    }

    fn views_per_day(&self, from: NaiveDate, to: NaiveDate) -> Option<f64> {
        self.per_day(from, to, |d| d.new_views as f64)
    }

    fn videos_per_day(&self, from: NaiveDate, to: NaiveDate) -> Option<f64> {
        self.per_day(from, to, |d| d.new_videos as f64)
    }

    fn negative_share(&self, date: NaiveDate) -> f64 {
        let (negative, total) = self.on(date).fold((0, 0), |(n, t), d| {
            (n + d.new_comments.negative, t + d.new_comments.total)
        });
        if total == 0 {
            0.0
        } else {
            negative as f64 / total as f64
        }
    }

    fn stall_start(&self) -> Option<NaiveDate> {
        let mut starts = Vec::new();
        for hashtag in self.hashtag_names() {
            starts.push(
                self.days
                    .iter()
                    .find(|d| d.hashtag == hashtag)
                    .and_then(|d| d.stall_on)?,
            );
        }
        starts.into_iter().max()
    }

    /// Backlash days of hashtags that are not stalled then (a stalled hashtag has hardly any
    /// new comments: there is no backlash to see).
    fn backlash_starts(&self) -> Vec<NaiveDate> {
        let mut starts: Vec<NaiveDate> = self
            .days
            .iter()
            .filter(|d| d.backlash_on == Some(d.date) && d.phase != STALLED)
            .map(|d| d.date)
            .collect();
        starts.sort();
        starts.dedup();
        starts
    }

    fn in_backlash(&self, date: NaiveDate) -> bool {
        self.backlash_starts()
            .iter()
            .any(|&start| start <= date && (date - start).num_days() <= DETECTION_WINDOW_DAYS)
    }

    fn hashtag_names(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self.days.iter().map(|d| d.hashtag.as_str()).collect();
        names.sort();
        names.dedup();
        names
    }
}

/// Figures over many campaigns and seeds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scorecard {
    pub seeds: u32,
    pub days: u32,
    pub campaign_days: u32,
    pub credits: u64,
    pub comment_credits: u64,
    pub distinct_comments: u64,
    pub campaigns: Vec<CampaignScore>,
    /// Comments' languages and sentiment, per true language.
    pub languages: LanguageScore,
}

/// The headline figures of a scorecard (see the module's definitions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub credits_per_campaign_day: Option<f64>,
    pub distinct_comments_per_credit: Option<f64>,
    /// Days with a growth estimate whose truth lay within its bounds, of `bounds_checked`.
    pub bounds_coverage: Option<f64>,
    pub bounds_checked: u32,
    pub bounds_misses: Vec<BoundsMiss>,
    pub growth_median_error: Option<f64>,
    pub growth_p90_error: Option<f64>,
    pub growth_days_within_25_percent: Option<f64>,
    pub new_comments_found: u64,
    /// Comment credits of the campaign-days whose new comments are counted.
    pub new_comments_credits: u64,
    pub new_comments_per_comment_credit: Option<f64>,
    pub new_comments_limit: u64,
    /// New comments found ÷ the most the same credits could have found.
    pub share_of_comment_limit: Option<f64>,
    pub judgeable_days: u32,
    pub judgeable_days_judged: u32,
    /// Judgeable days judged ÷ judgeable days.
    pub judged_share_of_judgeable_days: Option<f64>,
    pub stalls: u32,
    pub stalls_detected_within_1_day: u32,
    pub stall_latencies: Vec<Option<i64>>,
    pub backlashes: u32,
    pub backlashes_detected_within_1_day: u32,
    pub backlash_latencies: Vec<Option<i64>>,
    pub backlashes_on_judgeable_days: u32,
    pub backlashes_on_judgeable_days_detected_within_1_day: u32,
    pub false_alerts: BTreeMap<String, u32>,
    pub missed_alerts: BTreeMap<String, u32>,
    pub languages: Vec<LanguageSummary>,
}

/// The nearest-rank quantile `q` of ascending `sorted`: the smallest value that at least a
/// share `q` of the values do not exceed.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    // Less a hair, so that a product like 0.9 × 20 rounded up past 18 still ranks 18.
    let rank = (q * sorted.len() as f64 - 1e-9).ceil() as usize;
    sorted.get(rank.max(1) - 1).copied()
}

impl Scorecard {
    pub fn summary(&self) -> Summary {
        let ratio = |a: f64, b: f64| (b > 0.0).then(|| a / b);
        let mut errors: Vec<f64> = self
            .campaigns
            .iter()
            .flat_map(|c| c.growth_errors.iter().copied())
            .collect();
        errors.sort_by(f64::total_cmp);
        let detections = |pick: fn(&CampaignScore) -> &Vec<Detection>| -> Vec<&Detection> {
            self.campaigns.iter().flat_map(|c| pick(c).iter()).collect()
        };
        let latencies =
            |d: &[&Detection]| -> Vec<Option<i64>> { d.iter().map(|d| d.latency_days).collect() };
        let caught = |d: &[&Detection]| d.iter().filter(|d| d.caught()).count() as u32;
        let stalls = detections(|c| &c.stalls);
        let backlashes = detections(|c| &c.backlashes);
        let judgeable_backlashes: Vec<&Detection> = backlashes
            .iter()
            .copied()
            .filter(|d| d.on_judgeable_day == Some(true))
            .collect();
        // Every rule judged is listed, with 0 when it never erred.
        let add_up = |pick: fn(&CampaignScore) -> &BTreeMap<String, u32>, rules: &[&str]| {
            let mut total: BTreeMap<String, u32> =
                rules.iter().map(|r| (r.to_string(), 0)).collect();
            for (rule, n) in self.campaigns.iter().flat_map(pick) {
                *total.entry(rule.clone()).or_default() += n;
            }
            total
        };
        let comment_days: Vec<&CommentDayScore> = self
            .campaigns
            .iter()
            .flat_map(|c| &c.comment_days)
            .collect();
        let sum = |figure: fn(&CommentDayScore) -> u64| -> u64 {
            comment_days.iter().map(|d| figure(d)).sum()
        };
        let new_comments_found = sum(|d| d.new_found);
        let new_comments_credits = sum(|d| u64::from(d.credits));
        let new_comments_limit = sum(|d| d.limit);
        let judgeable_days = comment_days.iter().filter(|d| d.judgeable).count() as u32;
        let judgeable_days_judged = (comment_days.iter())
            .filter(|d| d.judgeable && d.judged)
            .count() as u32;
        let bounds_checked: u32 = self.campaigns.iter().map(|c| c.bounds_checked).sum();
        let bounds_misses: Vec<BoundsMiss> = (self.campaigns.iter())
            .flat_map(|c| c.bounds_misses.iter().cloned())
            .collect();
        Summary {
            credits_per_campaign_day: ratio(self.credits as f64, f64::from(self.campaign_days)),
            distinct_comments_per_credit: ratio(
                self.distinct_comments as f64,
                self.comment_credits as f64,
            ),
            bounds_coverage: ratio(
                f64::from(bounds_checked) - bounds_misses.len() as f64,
                f64::from(bounds_checked),
            ),
            bounds_checked,
            bounds_misses,
            growth_median_error: quantile(&errors, 0.5),
            growth_p90_error: quantile(&errors, 0.9),
            growth_days_within_25_percent: ratio(
                errors.iter().filter(|&&e| e <= 0.25).count() as f64,
                errors.len() as f64,
            ),
            new_comments_found,
            new_comments_credits,
            new_comments_per_comment_credit: ratio(
                new_comments_found as f64,
                new_comments_credits as f64,
            ),
            new_comments_limit,
            share_of_comment_limit: ratio(new_comments_found as f64, new_comments_limit as f64),
            judgeable_days,
            judgeable_days_judged,
            judged_share_of_judgeable_days: ratio(
                f64::from(judgeable_days_judged),
                f64::from(judgeable_days),
            ),
            stalls: stalls.len() as u32,
            stalls_detected_within_1_day: caught(&stalls),
            stall_latencies: latencies(&stalls),
            backlashes: backlashes.len() as u32,
            backlashes_detected_within_1_day: caught(&backlashes),
            backlash_latencies: latencies(&backlashes),
            backlashes_on_judgeable_days: judgeable_backlashes.len() as u32,
            backlashes_on_judgeable_days_detected_within_1_day: caught(&judgeable_backlashes),
            false_alerts: add_up(
                |c| &c.false_alerts,
                &[
                    &[VIRAL_RULE, Rule::HighParticipation.id(), STALL_RULE][..],
                    BACKLASH_RULES,
                ]
                .concat(),
            ),
            missed_alerts: add_up(
                |c| &c.missed_alerts,
                &[VIRAL_RULE, STALL_RULE, MISSED_BACKLASH],
            ),
            languages: self.languages.summary(),
        }
    }
}

/// A figure of a summary on the wrong side of its floor (`evaluate --check`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BelowFloor {
    pub figure: String,
    /// What was measured; `None` when there was nothing to measure it on (which fails too: a
    /// floor held by no evidence holds nothing).
    pub measured: Option<f64>,
    pub floor: f64,
    /// Whether the floor is a minimum; otherwise a maximum.
    pub at_least: bool,
}

impl fmt::Display for BelowFloor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = if self.at_least { ">=" } else { "<=" };
        let measured = match self.measured {
            None => "not measured".to_string(),
            Some(m) if m.fract() == 0.0 => format!("{m:.0}"),
            Some(m) => format!("{m:.3}"),
        };
        write!(
            f,
            "{}: {measured}, floor {side} {}",
            self.figure, self.floor
        )
    }
}

impl Summary {
    /// The figures on the wrong side of their floors (the `MIN_`/`MAX_` constants above).
    pub fn below_floors(&self) -> Vec<BelowFloor> {
        let at_least = |figure: &str, measured: Option<f64>, floor: f64| BelowFloor {
            figure: figure.to_string(),
            measured,
            floor,
            at_least: true,
        };
        let at_most = |figure: &str, measured: Option<f64>, floor: f64| BelowFloor {
            at_least: false,
            ..at_least(figure, measured, floor)
        };
        let count = |n: u32| Some(f64::from(n));
        let mut checks = vec![
            at_least("bounds coverage", self.bounds_coverage, MIN_BOUNDS_COVERAGE),
            at_most(
                "median growth error",
                self.growth_median_error,
                MAX_GROWTH_MEDIAN_ERROR,
            ),
            at_least(
                "new comments found / limit",
                self.share_of_comment_limit,
                MIN_SHARE_OF_COMMENT_LIMIT,
            ),
            at_least(
                "judgeable days judged",
                self.judged_share_of_judgeable_days,
                MIN_JUDGEABLE_DAYS_JUDGED,
            ),
        ];
        for rule in RULES_WITHOUT_FALSE_ALERTS {
            let n = self.false_alerts.get(*rule).copied().unwrap_or(0);
            checks.push(at_most(&format!("false {rule} alerts"), count(n), 0.0));
        }
        checks.push(at_most(
            "stalls not caught within 1 day",
            count(self.stalls - self.stalls_detected_within_1_day),
            0.0,
        ));
        checks.push(at_most(
            "backlashes on judgeable days not caught within 1 day",
            count(
                self.backlashes_on_judgeable_days
                    - self.backlashes_on_judgeable_days_detected_within_1_day,
            ),
            0.0,
        ));
        checks
            .into_iter()
            .filter(|c| {
                !c.measured.is_some_and(|m| {
                    if c.at_least {
                        m >= c.floor
                    } else {
                        m <= c.floor
                    }
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Alert, GrowthBasis, Severity, ViewGrowth};

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    /// The moment day `d`'s data is as of: noon of it, in seconds from an arbitrary start.
    fn as_of(d: u32) -> i64 {
        i64::from(d) * FIRST_DAY_SECS + FIRST_DAY_SECS / 2
    }

    fn truth(d: u32, new_views: i64, negative: u64) -> TruthDay {
        TruthDay {
            hashtag: "tag".into(),
            date: date(d),
            views: 1_000_000,
            new_views,
            videos: 100,
            new_videos: 5,
            phase: "steady".into(),
            backlash_on: Some(date(5)),
            stall_on: Some(date(7)),
            new_comments: CommentMix {
                total: 100,
                positive: 100 - negative,
                neutral: 0,
                negative,
            },
            served_as_of: as_of(d),
        }
    }

    fn growth(per_day: i64, low: f64, high: Option<f64>) -> ViewGrowth {
        ViewGrowth {
            span_days: 1,
            per_day: per_day as f64,
            per_day_low: low,
            per_day_high: high,
            totals_change: None,
            totals_step: None,
            tracked_change: 0,
            tracked_compared: 0,
            basis: GrowthBasis::TrackedVideos,
        }
    }

    fn day(d: u32, new_views: Option<i64>, rules: &[&str]) -> DayMetrics {
        let mut day = crate::fixtures::day(&date(d).to_string(), 1_000_000, 100);
        day.view_growth = new_views.map(|v| growth(v, 0.0, None));
        day.alerts = AlertsOutcome::Evaluated {
            alerts: rules
                .iter()
                .map(|r| Alert {
                    rule: r.to_string(),
                    plugin: crate::config::BUILTIN.into(),
                    severity: Severity::Warning,
                    message: "m".into(),
                })
                .collect(),
        };
        day
    }

    const T: Thresholds = Thresholds {
        viral_day_views: 50_000,
        min_daily_views: 1_000,
        ..Thresholds::DEFAULT
    };

    fn judge_days(
        days: &[DayMetrics],
        truth: &[TruthDay],
        comments: &[CommentDay],
    ) -> CampaignScore {
        judge(&CampaignEvidence {
            campaign: "c",
            seed: 1,
            thresholds: T,
            days,
            truth,
            comments,
            video_hashtags: &HashMap::new(),
        })
    }

    fn summary_of(campaigns: Vec<CampaignScore>) -> Summary {
        Scorecard {
            campaigns,
            ..Scorecard::default()
        }
        .summary()
    }

    #[test]
    fn latencies_false_and_missed_alerts_and_gap_averages() {
        let truth: Vec<TruthDay> = (1..=9)
            .map(|d| {
                let views = if d >= 7 { 300 } else { 20_000 };
                truth(d, views, if d == 5 { 70 } else { 10 })
            })
            .collect();
        let days = vec![
            day(1, None, &[]),
            day(2, Some(20_000), &["low-activity"]),
            // 3 and 4 missed: day 5 covers three days, so its truth is their average.
            day(5, Some(60_000), &["viral-day"]),
            day(6, Some(20_000), &["negative-sentiment"]),
            // The stall starts on 7: caught on 8, so 7 (no alert that day or the day before)
            // is a missed day and 8 and 9 are not.
            day(7, Some(300), &[]),
            day(8, Some(300), &["low-activity"]),
            day(9, Some(300), &["negative-sentiment"]),
        ];
        let score = judge_days(&days, &truth, &[]);
        assert_eq!(score.false_alerts.get("low-activity"), Some(&1));
        assert_eq!(score.false_alerts.get("viral-day"), Some(&1));
        assert_eq!(score.false_alerts.get("negative-sentiment"), Some(&1));
        assert_eq!(score.missed_alerts.get("low-activity"), Some(&1));
        assert_eq!(score.stalls[0].latency_days, Some(1));
        assert_eq!(score.backlashes[0].latency_days, Some(1));
        // Day 5's estimate (60,000 a day) against the 20,000 a day of days 3 to 5: error 2.
        assert!(score.growth_errors.iter().any(|e| (e - 2.0).abs() < 1e-9));
        let summary = summary_of(vec![score]);
        assert_eq!(summary.stalls_detected_within_1_day, 1);
        assert_eq!(summary.backlashes_detected_within_1_day, 1);
    }

    #[test]
    fn viral_days_without_the_alert_are_missed() {
        let truth: Vec<TruthDay> = (1..=3).map(|d| truth(d, 80_000, 10)).collect();
        let days = vec![
            day(1, None, &[]),
            day(2, Some(80_000), &["viral-day"]),
            day(3, Some(80_000), &[]),
        ];
        let score = judge_days(&days, &truth, &[]);
        assert_eq!(score.missed_alerts.get("viral-day"), Some(&2));
        assert_eq!(score.false_alerts.get("viral-day"), None);
    }

    #[test]
    fn bounds_coverage_counts_days_whose_truth_lies_within() {
        let truth: Vec<TruthDay> = (1..=6).map(|d| truth(d, 1_000, 10)).collect();
        let mut days: Vec<DayMetrics> = (1..=6).map(|d| day(d, None, &[])).collect();
        let bounds = [
            (900.0, Some(1_100.0)),   // within
            (1_000.0, Some(1_000.0)), // exactly on both bounds: within
            (500.0, None),            // unbounded above: within
            (1_001.0, None),          // the truth is below the low
            (0.0, Some(999.0)),       // above the high
        ];
        for (day, (low, high)) in days[1..].iter_mut().zip(bounds) {
            day.view_growth = Some(growth(1_000, low, high));
        }
        let score = judge_days(&days, &truth, &[]);
        assert_eq!(score.bounds_checked, 5);
        let missed: Vec<NaiveDate> = score.bounds_misses.iter().map(|m| m.date).collect();
        assert_eq!(missed, [date(5), date(6)]);
        assert_eq!(score.bounds_misses[0].low, 1_001.0);
        assert_eq!(score.bounds_misses[1].high, Some(999.0));
        assert_eq!(score.bounds_misses[0].truth, 1_000.0);
        let summary = summary_of(vec![score]);
        assert_eq!(summary.bounds_coverage, Some(0.6));
        assert_eq!(summary.bounds_misses.len(), 2);
    }

    #[test]
    fn quantiles_are_nearest_rank() {
        let tenths: Vec<f64> = (1..=10).map(|i| f64::from(i) / 10.0).collect();
        assert_eq!(quantile(&tenths, 0.5), Some(0.5));
        assert_eq!(quantile(&tenths, 0.9), Some(0.9));
        assert_eq!(quantile(&tenths[..9], 0.9), Some(0.9));
        assert_eq!(quantile(&tenths[..3], 0.9), Some(0.3));
        assert_eq!(quantile(&tenths[..1], 0.9), Some(0.1));
        assert_eq!(quantile(&[], 0.9), None);
        let mut errors: Vec<f64> = (1..=20).map(|i| f64::from(i) / 100.0).collect();
        errors.reverse();
        let summary = summary_of(vec![CampaignScore {
            growth_errors: errors,
            ..CampaignScore::default()
        }]);
        assert_eq!(summary.growth_median_error, Some(0.10));
        assert_eq!(summary.growth_p90_error, Some(0.18));
    }

    /// A deterministic pseudo-random source for the brute-force comparisons.
    struct Dice(u64);

    impl Dice {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    /// A thread of `len` comments, each new with a chance of one in two.
    fn random_thread(dice: &mut Dice, len: u64) -> Vec<bool> {
        (0..len).map(|_| dice.below(2) == 1).collect()
    }

    fn positions(thread: &[bool]) -> Vec<usize> {
        (0..thread.len()).filter(|&i| thread[i]).collect()
    }

    /// Every way to read `pages` pages of `page` from `threads` (a video and an offset each),
    /// and the most new comments any of them covers.
    fn brute_force(threads: &[Vec<bool>], page: usize, pages: usize) -> u64 {
        fn go(threads: &[Vec<bool>], page: usize, left: usize, read: &mut Vec<Vec<bool>>) -> u64 {
            let here: u64 = (threads.iter().zip(read.iter()))
                .map(|(t, r)| (0..t.len()).filter(|&i| t[i] && r[i]).count() as u64)
                .sum();
            if left == 0 {
                return here;
            }
            let mut best = here;
            for v in 0..threads.len() {
                for offset in 0..threads[v].len() {
                    let before = read[v].clone();
                    let end = (offset + page).min(threads[v].len());
                    read[v][offset..end].iter_mut().for_each(|r| *r = true);
                    best = best.max(go(threads, page, left - 1, read));
                    read[v] = before;
                }
            }
            best
        }
        let mut read: Vec<Vec<bool>> = threads.iter().map(|t| vec![false; t.len()]).collect();
        go(threads, page, pages, &mut read)
    }

    #[test]
    fn best_cover_matches_a_brute_force() {
        let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
        for _ in 0..300 {
            let len = dice.below(13);
            let page = 1 + dice.below(4) as usize;
            let thread = random_thread(&mut dice, len);
            let cover = best_cover(&positions(&thread), page, 3);
            assert_eq!(cover.len(), 4);
            for (pages, &covered) in cover.iter().enumerate() {
                let expected = brute_force(std::slice::from_ref(&thread), page, pages);
                assert_eq!(covered, expected, "{thread:?}, {pages} pages of {page}");
            }
        }
        // Sparse new comments far apart: one page each, whatever the page size.
        let far = best_cover(&[0, 100, 200, 300], COMMENTS_PER_PAGE, 5);
        assert_eq!(far, [0, 1, 2, 3, 4, 4]);
        // A page that starts between new comments, not at the thread's start.
        assert_eq!(best_cover(&[3, 4, 5, 9], 3, 1), [0, 3]);
    }

    #[test]
    fn best_allocation_matches_a_brute_force() {
        let mut dice = Dice(0x2545_f491_4f6c_dd1d);
        for _ in 0..150 {
            let videos = 1 + dice.below(3);
            let page = 1 + dice.below(3) as usize;
            let threads: Vec<Vec<bool>> = (0..videos)
                .map(|_| {
                    let len = dice.below(8);
                    random_thread(&mut dice, len)
                })
                .collect();
            let credits = dice.below(4) as usize;
            // Each video's list as long as its new comments allow: shorter lists stay flat.
            let covers: Vec<Vec<u64>> = threads
                .iter()
                .map(|t| {
                    let new_at = positions(t);
                    best_cover(&new_at, page, credits.min(new_at.len()))
                })
                .collect();
            assert_eq!(
                best_allocation(&covers, credits),
                brute_force(&threads, page, credits),
                "{threads:?}, {credits} pages of {page}"
            );
        }
        assert_eq!(best_allocation(&[], 3), 0);
        // Two pages are worth more on the first video (7 + 3) than one on each (7 + 2).
        assert_eq!(best_allocation(&[vec![0, 7, 10], vec![0, 2]], 2), 10);
    }

    /// A thread of `new` comments written on day `d` after as-of `d - 1`, behind `old` ones.
    fn thread(video: &str, old: usize, new: usize, d: u32) -> ThreadDay {
        let mut created_at = vec![as_of(d - 1) - 100; old];
        created_at.extend((0..new).map(|i| as_of(d) - 1 - i as i64));
        ThreadDay {
            video_id: video.into(),
            created_at,
        }
    }

    fn seen(id: &str, created_at: i64) -> CommentSeen {
        CommentSeen {
            id: id.into(),
            video_id: "v".into(),
            created_at,
        }
    }

    #[test]
    fn new_comments_found_and_the_limit_of_their_credits() {
        let truth: Vec<TruthDay> = (1..=4).map(|d| truth(d, 20_000, 10)).collect();
        let days: Vec<DayMetrics> = [1, 2, 4].map(|d| day(d, None, &[])).into();
        let comments = vec![
            CommentDay {
                date: date(1),
                credits: 1,
                // First stored day: new when written within a day before its data.
                read: vec![
                    seen("a", as_of(1) - FIRST_DAY_SECS + 1),
                    seen("b", as_of(1) - FIRST_DAY_SECS),
                ],
                threads: vec![thread("v", 0, 10, 1)],
            },
            CommentDay {
                date: date(2),
                credits: 2,
                read: vec![
                    seen("c", as_of(1)),     // as of the previous day: not new
                    seen("d", as_of(2)),     // new, at the edge
                    seen("d", as_of(2)),     // a repeat counts once
                    seen("e", as_of(2) + 1), // after the day's data: not new
                    seen("f", as_of(2) - 5),
                ],
                // 60 new at the end of v (two pages cover them all), 30 on w.
                threads: vec![thread("v", 120, 60, 2), thread("w", 0, 30, 2)],
            },
            CommentDay {
                date: date(4),
                credits: 1,
                // After a skipped day the span reaches back to day 2's data.
                read: vec![seen("g", as_of(2) + 1), seen("h", as_of(3))],
                threads: vec![thread("v", 0, 10, 4)],
            },
        ];
        let score = judge_days(&days, &truth, &comments);
        let found: Vec<(u64, u64)> = (score.comment_days.iter())
            .map(|d| (d.new_found, d.limit))
            .collect();
        assert_eq!(found, [(1, 10), (2, 80), (2, 10)]);
        let summary = summary_of(vec![score]);
        assert_eq!(summary.new_comments_found, 5);
        assert_eq!(summary.new_comments_credits, 4);
        assert_eq!(summary.new_comments_per_comment_credit, Some(1.25));
        assert_eq!(summary.share_of_comment_limit, Some(5.0 / 100.0));
    }

    #[test]
    fn each_video_takes_its_hashtags_moment() {
        const LAG: i64 = 6 * 60 * 60;
        const HOURS_3: i64 = 3 * 60 * 60;
        // Hashtag b's provider lags six hours behind a's.
        let truth: Vec<TruthDay> = (1..=2)
            .flat_map(|d| {
                let a = TruthDay {
                    hashtag: "a".into(),
                    ..truth(d, 20_000, 10)
                };
                let b = TruthDay {
                    hashtag: "b".into(),
                    served_as_of: as_of(d) - LAG,
                    ..truth(d, 20_000, 10)
                };
                [a, b]
            })
            .collect();
        let on = |video: &str, id: &str, created_at: i64| CommentSeen {
            video_id: video.into(),
            ..seen(id, created_at)
        };
        let comments = vec![CommentDay {
            date: date(2),
            credits: 2,
            read: vec![
                on("va", "w", as_of(2) - HOURS_3), // new on a
                on("vb", "x", as_of(2) - HOURS_3), // after b's moment: not new
                on("vb", "y", as_of(1) - HOURS_3), // after b's moment the day before: new
                on("vx", "z", as_of(2) - HOURS_3), // no hashtag known: the earliest, b's
            ],
            threads: vec![
                ThreadDay {
                    video_id: "va".into(),
                    created_at: vec![as_of(2) - HOURS_3],
                },
                ThreadDay {
                    video_id: "vb".into(),
                    created_at: vec![as_of(2) - HOURS_3 - LAG, as_of(1) - HOURS_3],
                },
            ],
        }];
        let days = [day(1, None, &[]), day(2, None, &[])];
        let video_hashtags: HashMap<String, String> = [("va", "a"), ("vb", "b")]
            .map(|(v, h)| (v.to_string(), h.to_string()))
            .into();
        let score = judge(&CampaignEvidence {
            campaign: "c",
            seed: 1,
            thresholds: T,
            days: &days,
            truth: &truth,
            comments: &comments,
            video_hashtags: &video_hashtags,
        });
        let day_2 = &score.comment_days[1];
        assert_eq!((day_2.new_found, day_2.limit), (2, 3));
        assert_eq!(day_2.new_on_tracked_videos, 3);
    }

    #[test]
    fn judgeable_days_are_judged_on_enough_scored_comments() {
        use crate::fixtures::scored;
        let truth: Vec<TruthDay> = (1..=5).map(|d| truth(d, 20_000, 10)).collect();
        let mut days: Vec<DayMetrics> = (1..=5).map(|d| day(d, None, &[])).collect();
        let sentiments = [
            scored(20, 10, 0, 0.5), // 30 comments: judged
            scored(20, 9, 0, 0.5),  // 29: not judged
            SentimentOutcome::Unavailable { reason: "x".into() },
            scored(40, 0, 0, 0.5), // judged, but the day is not judgeable
            scored(40, 0, 0, 0.5), // judged
        ];
        for (day, sentiment) in days.iter_mut().zip(sentiments) {
            day.sentiment = sentiment;
        }
        // 150 new comments over two tracked videos make a day judgeable; day 4 has 149, and
        // the old comments on day 5's threads do not count.
        let new_on = [150, 200, 151, 149, 150];
        let comments: Vec<CommentDay> = (1..=5)
            .map(|d| {
                let new = new_on[d as usize - 1];
                CommentDay {
                    date: date(d),
                    threads: vec![thread("v", 500, new - 100, d), thread("w", 0, 100, d)],
                    ..CommentDay::default()
                }
            })
            .collect();
        let score = judge_days(&days, &truth, &comments);
        let judgeable: Vec<bool> = score.comment_days.iter().map(|d| d.judgeable).collect();
        assert_eq!(judgeable, [true, true, true, false, true]);
        let summary = summary_of(vec![score]);
        assert_eq!(summary.judgeable_days, 4);
        assert_eq!(summary.judgeable_days_judged, 2);
        assert_eq!(summary.judged_share_of_judgeable_days, Some(0.5));
    }

    #[test]
    fn a_backlash_counts_against_the_floor_only_on_a_judgeable_day() {
        let truth: Vec<TruthDay> = (1..=8).map(|d| truth(d, 20_000, 10)).collect();
        // The backlash starts on 5, a skipped date: day 6's span holds it.
        let days: Vec<DayMetrics> = [1, 2, 3, 4, 6, 7, 8].map(|d| day(d, None, &[])).into();
        let comments_on = |new: usize| -> Vec<CommentDay> {
            [1, 2, 3, 4, 6, 7, 8]
                .map(|d| CommentDay {
                    date: date(d),
                    threads: vec![thread("v", 0, new, d)],
                    ..CommentDay::default()
                })
                .into()
        };
        let judgeable = judge_days(&days, &truth, &comments_on(150));
        assert_eq!(judgeable.backlashes[0].on_judgeable_day, Some(true));
        assert_eq!(MISSED_BACKLASH, BACKLASH_RULES.join(" or "));
        assert_eq!(judgeable.missed_alerts.get(MISSED_BACKLASH), Some(&1));
        let thin = judge_days(&days, &truth, &comments_on(20));
        assert_eq!(thin.backlashes[0].on_judgeable_day, Some(false));
        assert_eq!(thin.missed_alerts.get(MISSED_BACKLASH), None);
        let summary = summary_of(vec![judgeable, thin]);
        assert_eq!(summary.backlashes, 2);
        assert_eq!(summary.backlashes_on_judgeable_days, 1);
        assert_eq!(
            summary.backlashes_on_judgeable_days_detected_within_1_day,
            0
        );
        assert_eq!(summary.missed_alerts.get(MISSED_BACKLASH), Some(&1));
        assert_eq!(summary.missed_alerts.get(VIRAL_RULE), Some(&0));
        assert_eq!(summary.false_alerts.get(STALL_RULE), Some(&0));
    }

    fn passing() -> Summary {
        let mut summary = summary_of(vec![]);
        summary.bounds_coverage = Some(MIN_BOUNDS_COVERAGE);
        summary.growth_median_error = Some(MAX_GROWTH_MEDIAN_ERROR);
        summary.share_of_comment_limit = Some(MIN_SHARE_OF_COMMENT_LIMIT);
        summary.judged_share_of_judgeable_days = Some(1.0);
        summary.false_alerts.insert("high-participation".into(), 3);
        (summary.stalls, summary.stalls_detected_within_1_day) = (2, 2);
        summary.backlashes = 3;
        (
            summary.backlashes_on_judgeable_days,
            summary.backlashes_on_judgeable_days_detected_within_1_day,
        ) = (1, 1);
        summary
    }

    #[test]
    fn floors_name_each_figure_on_the_wrong_side() {
        assert_eq!(passing().below_floors(), []);
        let mut failing = passing();
        failing.bounds_coverage = Some(0.9);
        failing.growth_median_error = Some(0.2);
        failing.share_of_comment_limit = None;
        failing.judged_share_of_judgeable_days = Some(0.89);
        failing.false_alerts.insert("viral-day".into(), 1);
        failing.stalls = 3;
        failing.backlashes_on_judgeable_days = 2;
        let figures: Vec<String> = (failing.below_floors().iter())
            .map(|b| b.figure.clone())
            .collect();
        assert_eq!(
            figures,
            [
                "bounds coverage",
                "median growth error",
                "new comments found / limit",
                "judgeable days judged",
                "false viral-day alerts",
                "stalls not caught within 1 day",
                "backlashes on judgeable days not caught within 1 day",
            ]
        );
        let mut low_activity = passing();
        low_activity.false_alerts.insert("low-activity".into(), 2);
        let below = low_activity.below_floors();
        assert_eq!(below.len(), 1);
        assert_eq!(
            below[0].to_string(),
            "false low-activity alerts: 2, floor <= 0"
        );
    }
}
