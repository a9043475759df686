//! What a day will take, per API key, before anything is spent (`hashtrack run --plan`).
//!
//! The cost model: what a campaign-day's configuration buys ([`planned_requests`]), and what
//! its new comments asked of comment pages on its recent stored days ([`comment_need`]).
//! An estimate from the configuration and stored days alone: no key, no request. Each campaign's
//! requests are [`planned_requests`] (1 credit each); on one key a request several campaigns
//! share (a hashtag's totals and feed pages) is paid once, as the run does, so a key's total can
//! be less than the sum of its campaigns'. Budgets cap what is paid: a campaign's at its
//! `daily_credit_budget`, a client's campaigns together at the client's. Keys run at once,
//! each at its own rate, so the day takes as long as its slowest key.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::Serialize;

use crate::config::{
    ApiAccount, CampaignConfig, Config, MAX_COMMENTS_PER_PAGE, MAX_VIDEOS_PER_PAGE,
};
use crate::domain::DayMetrics;

/// Comment pages one campaign-day may buy: what reading `comments_per_video` comments of
/// `sentiment_videos` videos costs.
pub fn comment_page_budget(campaign: &CampaignConfig) -> u32 {
    campaign.sentiment_videos * campaign.comments_per_video.div_ceil(MAX_COMMENTS_PER_PAGE)
}

/// Feed pages one hashtag of a campaign takes: its tracked videos, a full page at a time.
pub fn feed_pages(campaign: &CampaignConfig) -> u32 {
    campaign.videos.div_ceil(MAX_VIDEOS_PER_PAGE)
}

/// The requests (and so credits) a campaign-day takes when nothing is stored and it shares
/// nothing: per hashtag its totals and feed pages, its comment pages, and per competitor's
/// hashtag its totals. An estimate: a feed may need an extra page for repeated items, a video
/// fewer comment pages than planned.
pub fn planned_requests(campaign: &CampaignConfig) -> u32 {
    campaign.hashtags.len() as u32 * (1 + feed_pages(campaign))
        + comment_page_budget(campaign)
        + campaign.compare.len() as u32
}

/// Top-level comments as a share of a video's `comment_count` (which counts replies), where
/// nothing better is known: the middle of what videos show (a half to nine tenths).
pub const TYPICAL_TOP_LEVEL_SHARE: f64 = 0.7;
/// Recent days the comment need is averaged over.
pub const COMMENT_NEED_DAYS: usize = 7;

/// What a campaign's new comments asked of its comment pages over its recent stored days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CommentNeed {
    /// New top-level comments a day on its tracked videos (their comment counts' growth, less
    /// the usual share of replies): an estimate.
    pub new_comments_per_day: u64,
    /// Comment pages a day that reading all of them takes (each video's at its own pages).
    pub pages_per_day: u32,
    /// The days it is averaged over.
    pub days: u32,
}

/// The comment need of the recent `days` (oldest first; the last [`COMMENT_NEED_DAYS`] with
/// a previous day count): per day, each tracked video's comment-count growth since the previous
/// day (all of it for a video posted since), its top-level part, in pages of
/// [`MAX_COMMENTS_PER_PAGE`]. `None` without two days to compare.
pub fn comment_need(days: &[DayMetrics]) -> Option<CommentNeed> {
    let mut comments = 0.0;
    let mut pages = 0.0;
    let mut measured = 0u32;
    for pair in days.windows(2).rev().take(COMMENT_NEED_DAYS) {
        let (before, day) = (&pair[0], &pair[1]);
        let span = (day.date - before.date).num_days().max(1) as f64;
        for video in &day.videos {
            let grown = match before.videos.iter().find(|v| v.id == video.id) {
                Some(then) => video.stats.comments.saturating_sub(then.stats.comments),
                None if before
                    .data_as_of
                    .values()
                    .all(|&mark| video.created_at > mark) =>
                {
                    video.stats.comments
                }
                None => 0,
            };
            let new = grown as f64 * TYPICAL_TOP_LEVEL_SHARE / span;
            comments += new;
            pages += (new / f64::from(MAX_COMMENTS_PER_PAGE)).ceil();
        }
        measured += 1;
    }
    (measured > 0).then(|| CommentNeed {
        new_comments_per_day: (comments / f64::from(measured)).round() as u64,
        pages_per_day: (pages / f64::from(measured)).ceil() as u32,
        days: measured,
    })
}

/// One campaign's share of a key's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignPlan {
    pub id: String,
    pub client: String,
    /// Its hashtags' totals (1 request each).
    pub hashtags: u32,
    /// Feed pages over all its hashtags.
    pub feed_pages: u32,
    pub comment_pages: u32,
    /// What its new comments asked of comment pages on its recent stored days, when it has
    /// any: compare with `comment_pages` (what its configuration buys).
    pub comment_need: Option<CommentNeed>,
    /// Its competitors' totals (1 request each).
    pub competitors: u32,
    /// All of the above: what it takes alone.
    pub requests: u32,
    pub budget: Option<u32>,
    pub client_budget: Option<u32>,
}

/// One key's day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyPlan {
    /// The variable holding the key (never the key).
    pub key_env: String,
    pub requests_per_minute: u32,
    pub campaigns: Vec<CampaignPlan>,
    /// Requests (and credits) of the day, shared ones once.
    pub requests: u32,
    /// The most the budgets let it pay: `requests` unless a budget caps it.
    pub credits_at_most: u32,
    /// `credits_at_most` at the key's rate (in JSON: `duration_secs`).
    #[serde(rename = "duration_secs", serialize_with = "as_secs")]
    pub duration: Duration,
}

fn as_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

/// The day of `campaigns` (all of `config`'s when empty), per key, by variable name, with each
/// campaign's comment need from its `recent` stored days (by campaign id; none for a campaign
/// without stored days).
pub fn plan_day(
    config: &Config,
    campaigns: &[CampaignConfig],
    recent: &BTreeMap<String, Vec<DayMetrics>>,
) -> Vec<KeyPlan> {
    let campaigns = if campaigns.is_empty() {
        &config.campaigns[..]
    } else {
        campaigns
    };
    let mut by_key: BTreeMap<ApiAccount, Vec<&CampaignConfig>> = BTreeMap::new();
    for campaign in campaigns {
        by_key
            .entry(config.account_of(campaign))
            .or_default()
            .push(campaign);
    }
    by_key
        .into_iter()
        .map(|(account, campaigns)| key_plan(config, account, &campaigns, recent))
        .collect()
}

fn key_plan(
    config: &Config,
    account: ApiAccount,
    campaigns: &[&CampaignConfig],
    recent: &BTreeMap<String, Vec<DayMetrics>>,
) -> KeyPlan {
    // Shared requests once: a hashtag's totals, and its feed as far as the deepest campaign.
    let mut totals = BTreeSet::new();
    let mut feeds: BTreeMap<&str, u32> = BTreeMap::new();
    let mut comment_pages = 0;
    // What budgets let each client's campaigns pay together.
    let mut capped: BTreeMap<&str, u32> = BTreeMap::new();
    let mut plans = Vec::with_capacity(campaigns.len());
    for campaign in campaigns {
        for tag in &campaign.hashtags {
            totals.insert(tag.as_str());
            let pages = feeds.entry(tag).or_default();
            *pages = (*pages).max(feed_pages(campaign));
        }
        totals.extend(campaign.compare.iter().map(String::as_str));
        comment_pages += comment_page_budget(campaign);
        let requests = planned_requests(campaign);
        *capped.entry(&campaign.client).or_default() += campaign
            .daily_credit_budget
            .map_or(requests, |b| b.min(requests));
        plans.push(CampaignPlan {
            id: campaign.id.clone(),
            client: campaign.client.clone(),
            hashtags: campaign.hashtags.len() as u32,
            feed_pages: campaign.hashtags.len() as u32 * feed_pages(campaign),
            comment_pages: comment_page_budget(campaign),
            comment_need: recent.get(&campaign.id).and_then(|days| comment_need(days)),
            competitors: campaign.compare.len() as u32,
            requests,
            budget: campaign.daily_credit_budget,
            client_budget: config
                .clients
                .get(&campaign.client)
                .and_then(|c| c.daily_credit_budget),
        });
    }
    let requests = totals.len() as u32 + feeds.values().sum::<u32>() + comment_pages;
    let budgeted: u32 = capped
        .iter()
        .map(|(client, credits)| {
            let budget = config
                .clients
                .get(*client)
                .and_then(|c| c.daily_credit_budget);
            budget.map_or(*credits, |b| b.min(*credits))
        })
        .sum();
    let credits_at_most = requests.min(budgeted);
    KeyPlan {
        duration: Duration::from_secs(
            u64::from(credits_at_most) * 60 / u64::from(account.requests_per_minute.max(1)),
        ),
        key_env: account.key_env,
        requests_per_minute: account.requests_per_minute,
        campaigns: plans,
        requests,
        credits_at_most,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const CONFIG: &str = r##"
[settings]
requests_per_minute = 10

[clients.acme]
daily_credit_budget = 12

[clients.beta]
api_key_env = "BETA_SCAVIO_KEY"
requests_per_minute = 5

[[campaigns]]
id = "spring"
client = "acme"
hashtags = ["tryacme", "acmechallenge"]
compare = ["rival"]
videos = 60
sentiment_videos = 3
comments_per_video = 50

[[campaigns]]
id = "summer"
client = "acme"
hashtags = ["tryacme"]
videos = 30
sentiment_videos = 2
comments_per_video = 100
daily_credit_budget = 4

[[campaigns]]
id = "launch"
client = "beta"
hashtags = ["betalaunch"]
compare = ["tryacme"]
videos = 90
sentiment_videos = 1
comments_per_video = 50
"##;

    /// A day whose tracked videos have these comment counts (`created_at` as given).
    fn day_with(on: &str, videos: &[(&str, u64, i64)]) -> DayMetrics {
        let mut day = crate::fixtures::day(on, 1_000_000, 100);
        day.data_as_of.insert("tryacme".into(), 5_000);
        day.videos = videos
            .iter()
            .map(|&(id, comments, created_at)| {
                let mut video = crate::fixtures::video(id, "ann", 1_000, on);
                video.stats.comments = comments;
                video.created_at = created_at;
                video
            })
            .collect();
        day
    }

    #[test]
    fn the_comment_need_is_each_videos_new_top_level_comments_in_pages() {
        let days = [
            day_with("2026-11-01", &[("a", 1_000, 10), ("b", 200, 10)]),
            // "a" gained 100 (70 top-level: 2 pages), "b" 10 (7: 1 page), "c" is new (posted
            // after the previous day's data) with 50 (35: 1 page); "d" is old and unseen.
            day_with(
                "2026-11-02",
                &[
                    ("a", 1_100, 10),
                    ("b", 210, 10),
                    ("c", 50, 6_000),
                    ("d", 900, 10),
                ],
            ),
            // Two days later: per day, "a" gained 50 (35: 1 page).
            day_with("2026-11-04", &[("a", 1_200, 10)]),
        ];
        assert_eq!(comment_need(&days[..1]), None);
        let need = comment_need(&days).unwrap();
        assert_eq!(need.days, 2);
        // (70 + 7 + 35 + 35) / 2 days, and (2 + 1 + 1 + 1) pages / 2 days, rounded up.
        assert_eq!(need.new_comments_per_day, 74);
        assert_eq!(need.pages_per_day, 3);
    }

    #[test]
    fn a_day_is_planned_per_key_with_shared_requests_once_and_budgets_capping_it() {
        let config = Config::parse(Path::new("campaigns.toml"), CONFIG).unwrap();
        let plan = plan_day(&config, &[], &BTreeMap::new());
        let keys: Vec<&str> = plan.iter().map(|k| k.key_env.as_str()).collect();
        assert_eq!(keys, ["BETA_SCAVIO_KEY", "SCAVIO_API_KEY"]);

        let beta = &plan[0];
        // 1 totals + 3 feed pages + 1 comment page + 1 competitor.
        assert_eq!(beta.campaigns[0].requests, 6);
        assert_eq!((beta.requests, beta.credits_at_most), (6, 6));
        assert_eq!(beta.duration, Duration::from_secs(6 * 60 / 5));

        let acme = &plan[1];
        let spring = &acme.campaigns[0];
        // 2 x (1 totals + 2 feed pages) + 3 comment pages + 1 competitor.
        assert_eq!(
            (spring.hashtags, spring.feed_pages, spring.comment_pages),
            (2, 4, 3)
        );
        assert_eq!((spring.competitors, spring.requests), (1, 10));
        assert_eq!(spring.client_budget, Some(12));
        // 1 totals + 1 feed page + 2 x 2 comment pages, capped at 4 by its own budget.
        assert_eq!(
            (acme.campaigns[1].requests, acme.campaigns[1].budget),
            (6, Some(4))
        );
        // #tryacme's totals and first feed page are shared (on this key; beta pays its own):
        // 3 totals + 4 feed pages + 7 comment pages. Budgets: spring 10 + summer 4, then the
        // client's 12.
        assert_eq!(acme.requests, 14);
        assert_eq!(acme.credits_at_most, 12);
        assert_eq!(acme.duration, Duration::from_secs(12 * 60 / 10));
    }
}
