//! Collection of one campaign-day: hashtag info, the video feed sample, and comments where the
//! new ones are, through the [`Fetcher`] (store first, then the API).
//!
//! Requests are issued in a fixed, data-determined order with fixed page sizes, so re-running
//! a day asks for exactly the same store keys and finds them all stored. Items are de-duplicated
//! by id (the API repeats items across pages). Failures are listed, never replaced by zeros.
//!
//! Comments are served most-liked first, so page 1 of a video is the same old favourites every
//! day, and a new comment, with few likes yet, sits at the end of the list, newest last. The
//! day's comment pages (as many as `sentiment_videos` × `comments_per_video` cost) go to the
//! videos expected to hold the most new comments: their comment counts' growth since they were
//! last read (or since the previous sample) times their share of top-level comments, learnt
//! where a read reached a list's end. Videos whose counts did not move get none. A video posted
//! since the previous collection is read from the top (all of it is new); any other is read at
//! its tail, so that the last page ends where its list should end now. Pages a list did not
//! need go to lists whose last page was still mostly new. What is new is decided by the data's
//! own clock (see `metrics::data_watermark`), never the host's. Every choice depends only on
//! the stored feed, earlier days' reads and today's stored pages, so a re-run makes the same
//! requests.

use std::collections::{HashMap, HashSet};

use crate::api::ApiRequest;
use crate::api::wire;
use crate::config::{CampaignConfig, MAX_COMMENTS_PER_PAGE, MAX_VIDEOS_PER_PAGE};
use crate::domain::{Comment, DayMetrics, HashtagInfo, Identified, Page, SkippedItem, Video};
use crate::store::{CommentRead, Store};

use super::fetch::{FetchError, Fetcher};
use super::metrics;
use super::plan::{TYPICAL_TOP_LEVEL_SHARE, comment_page_budget, feed_pages};

/// Pages beyond the strict need that a feed may take to make up for repeated items.
const EXTRA_PAGES_FOR_DUPLICATES: usize = 3;

/// What one campaign-day's collection produced.
#[derive(Debug, Default)]
pub struct Collected {
    /// Per configured hashtag, its info or `None` if the call failed.
    pub hashtags: Vec<(String, Option<HashtagInfo>)>,
    /// Per competitor's hashtag, its info or `None` if the call failed.
    pub competitors: Vec<(String, Option<HashtagInfo>)>,
    /// The sample, each video once, with the hashtag whose feed it came from.
    pub videos: Vec<(String, Video)>,
    /// Comments read today, each once, with the video they are on.
    pub comments: Vec<(String, Comment)>,
    /// Per video whose comments were considered, the `create_time` after which its comments
    /// are new (`None`: all are, on a campaign's first day).
    pub comment_cutoffs: HashMap<String, Option<i64>>,
    /// How many videos had their comments requested, and how many of those failed.
    pub comment_videos: usize,
    pub comment_videos_failed: usize,
    /// What could not be collected, in words.
    pub missing: Vec<String>,
}

/// `previous`: the campaign's latest earlier day with data (`None` on its first day), whose
/// data watermarks say what is new today.
pub async fn collect_day(
    fetcher: &Fetcher,
    store: &Store,
    campaign: &CampaignConfig,
    previous: Option<&DayMetrics>,
) -> Collected {
    let mut out = Collected::default();
    let mut seen_videos = HashSet::new();
    for name in &campaign.hashtags {
        let info = match fetcher
            .fetch(
                &campaign.id,
                &ApiRequest::HashtagInfo { name: name.clone() },
                wire::parse_hashtag_info,
            )
            .await
        {
            Ok(info) => {
                if let Err(e) = store.put_hashtag_id(name, &info.id) {
                    out.missing
                        .push(format!("#{name}: could not cache its id: {e}"));
                }
                Some(info)
            }
            Err(e) => {
                out.missing.push(format!("#{name} totals: {e}"));
                None
            }
        };
        // The feed needs the id; a cached one still works on a day the info call failed.
        let id = match &info {
            Some(info) => Some(info.id.clone()),
            None => store.hashtag_id(name).unwrap_or_else(|e| {
                out.missing
                    .push(format!("#{name}: could not read its cached id: {e}"));
                None
            }),
        };
        out.hashtags.push((name.clone(), info));
        match id {
            Some(id) => {
                collect_feed(fetcher, campaign, name, &id, &mut seen_videos, &mut out).await
            }
            None => out.missing.push(format!(
                "#{name} videos: hashtag id unknown (its info call failed)"
            )),
        }
    }
    // Competitors at the info level only: 1 credit each, paid once however many campaigns
    // compare with the same hashtag (the fetcher reuses a stored answer).
    for name in &campaign.compare {
        let info = fetcher
            .fetch(
                &campaign.id,
                &ApiRequest::HashtagInfo { name: name.clone() },
                wire::parse_hashtag_info,
            )
            .await;
        if let Err(e) = &info {
            out.missing
                .push(format!("#{name} (competitor) totals: {e}"));
        }
        out.competitors.push((name.clone(), info.ok()));
    }
    out.videos.sort_by(|a, b| {
        b.1.stats
            .plays
            .cmp(&a.1.stats.plays)
            .then_with(|| a.1.id.cmp(&b.1.id))
    });
    collect_comments(fetcher, store, campaign, previous, &mut out).await;
    out
}

const SECONDS_PER_DAY: i64 = 86_400;

/// A video whose comments may be read today.
#[derive(Debug, Clone)]
pub struct CommentCandidate {
    pub video_id: String,
    /// Its comment count (replies included) in today's feed.
    pub comment_count: u64,
    /// Its comment count in the previous day's sample, when it was in it.
    pub previous_count: Option<u64>,
    /// Posted after the previous collection's data watermark (or the campaign has none): all
    /// its comments are new.
    pub posted_since: bool,
    /// How far its comments had been read before today.
    pub last_read: Option<CommentRead>,
}

/// The share of a video's `comment_count` that is top-level comments, as its own list showed
/// when a read reached its end.
fn own_top_level_share(candidate: &CommentCandidate) -> Option<f64> {
    let read = candidate.last_read.as_ref().filter(|r| r.reached_end)?;
    let end: f64 = read.next_cursor.parse().ok()?;
    (read.comment_count > 0).then(|| (end / read.comment_count as f64).clamp(0.05, 1.0))
}

/// The share of `comment_count` that is top-level comments on videos of this campaign whose
/// lists were read to the end (their median), for videos not read to the end yet.
pub fn top_level_share(candidates: &[CommentCandidate]) -> f64 {
    let mut shares: Vec<f64> = candidates.iter().filter_map(own_top_level_share).collect();
    if shares.is_empty() {
        return TYPICAL_TOP_LEVEL_SHARE;
    }
    shares.sort_by(f64::total_cmp);
    shares[shares.len() / 2]
}

/// An old video neither read nor in the previous sample grows its comment count by this share
/// since the previous collection, when no video of the campaign shows how fast counts grow.
const DEFAULT_COMMENT_GROWTH: f64 = 0.1;

/// How fast the campaign's comment counts grow since the previous collection: the median, over
/// the videos in both samples, of their count's growth over its count then.
pub fn comment_growth(candidates: &[CommentCandidate]) -> f64 {
    let mut growths: Vec<f64> = candidates
        .iter()
        .filter_map(|c| {
            let before = c.previous_count.filter(|&n| n > 0)?;
            Some(c.comment_count.saturating_sub(before) as f64 / before as f64)
        })
        .collect();
    if growths.is_empty() {
        return DEFAULT_COMMENT_GROWTH;
    }
    growths.sort_by(f64::total_cmp);
    growths[growths.len() / 2]
}

/// How many top-level comments written since the previous collection a read of the video
/// should find: its comment count's growth since the previous sample (when it was not in that
/// sample, as fast as the campaign's counts grow, and no more than since it was last read), all
/// of it for a video posted since and never read, times its top-level share.
fn expected_new_comments(candidate: &CommentCandidate, share: f64, growth: f64) -> i64 {
    let count = candidate.comment_count;
    let at_campaign_pace = count as f64 * growth / (1.0 + growth);
    let grown = match (candidate.previous_count, &candidate.last_read) {
        (_, None) if candidate.posted_since => count as f64,
        (Some(before), _) => count.saturating_sub(before) as f64,
        // Read days ago: not all it gained since is today's.
        (None, Some(read)) => at_campaign_pace.min(count.saturating_sub(read.comment_count) as f64),
        (None, None) => at_campaign_pace,
    };
    let share = own_top_level_share(candidate).unwrap_or(share);
    (grown * share).round() as i64
}

/// How long the video's top-level list should be now: where it ended at a read that reached
/// its end plus the top-level part of the comments added since, or else its comment count
/// times the top-level share.
fn expected_list_length(candidate: &CommentCandidate, share: f64) -> u64 {
    let count = candidate.comment_count;
    match &candidate.last_read {
        Some(read) if read.reached_end => {
            let end: u64 = read.next_cursor.parse().unwrap_or(0);
            let share = own_top_level_share(candidate).unwrap_or(share);
            end + (count.saturating_sub(read.comment_count) as f64 * share).round() as u64
        }
        // Aimed long: a read that starts past the end is told where the list ends and reads
        // its last page, while one that starts short of it misses the newest comments.
        _ => (count as f64 * (share * UNKNOWN_LENGTH_AIM).min(1.0)).round() as u64,
    }
}

/// How much longer than its comment count times the top-level share a list not yet read to
/// its end is taken to be.
const UNKNOWN_LENGTH_AIM: f64 = 1.15;

/// Where `pages` pages of a video's comments start: so that the last one ends where its list
/// should end now. New comments have few likes yet, and the list is most-liked first, so they
/// sit at its end, newest last. A video posted since the previous collection is new from the
/// top; one read before without reaching the end continues, at the earliest, where it stopped.
fn start_cursor(candidate: &CommentCandidate, pages: u32, share: f64) -> String {
    if candidate.last_read.is_none() && candidate.posted_since {
        return "0".to_string();
    }
    let tail = expected_list_length(candidate, share)
        .saturating_sub(u64::from(pages * MAX_COMMENTS_PER_PAGE));
    match &candidate.last_read {
        Some(read) if !read.reached_end => read
            .next_cursor
            .parse::<u64>()
            .map_or(read.next_cursor.clone(), |stopped| {
                stopped.max(tail).to_string()
            }),
        _ => tail.to_string(),
    }
}

/// Whether a read of the video's tail is aimed past where its list may end (and may pay a page
/// to learn where it does): it was never read to its end, nor is it read from the top.
fn probes_its_end(candidate: &CommentCandidate) -> bool {
    match &candidate.last_read {
        Some(read) => !read.reached_end,
        None => !candidate.posted_since,
    }
}

/// Pages to read of one video's comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentPages {
    pub video_id: String,
    pub start_cursor: String,
    pub pages: u32,
}

/// Gives each of `budget` pages to the video expected to hold the most new comments not yet
/// planned for, a page at a time, so pages go where the new comments are (videos whose counts
/// did not move get none), and starts each video's pages where its newest comments should be.
/// Ties go to the lower id, for a stable plan.
pub fn plan_comment_pages(candidates: &[CommentCandidate], budget: u32) -> Vec<CommentPages> {
    let share = top_level_share(candidates);
    let growth = comment_growth(candidates);
    let mut unread: Vec<(i64, &CommentCandidate)> = candidates
        .iter()
        .map(|c| (expected_new_comments(c, share, growth), c))
        .collect();
    let mut pages: Vec<CommentPages> = Vec::new();
    let mut credits_left = budget;
    while credits_left > 0 {
        // What the next page of each video is worth per credit: the new comments it should
        // find, halved for the first page of a list whose end is not known (a read aimed past
        // it pays a page to learn where it ends).
        let worth = |left: i64, candidate: &CommentCandidate, planned: bool| {
            let page = left.min(i64::from(MAX_COMMENTS_PER_PAGE));
            if planned || !probes_its_end(candidate) {
                page * 2
            } else {
                page
            }
        };
        let Some((left, candidate)) = unread
            .iter_mut()
            .filter(|(left, _)| *left > 0)
            .map(|entry| {
                let planned = pages.iter().any(|p| p.video_id == entry.1.video_id);
                (worth(entry.0, entry.1, planned), entry)
            })
            .max_by(|a, b| {
                (a.0, a.1.0)
                    .cmp(&(b.0, b.1.0))
                    .then_with(|| b.1.1.video_id.cmp(&a.1.1.video_id))
            })
            .map(|(_, entry)| (&mut entry.0, entry.1))
        else {
            break;
        };
        *left -= i64::from(MAX_COMMENTS_PER_PAGE);
        match pages.iter_mut().find(|p| p.video_id == candidate.video_id) {
            Some(plan) => plan.pages += 1,
            None => {
                if probes_its_end(candidate) {
                    credits_left -= 1;
                }
                pages.push(CommentPages {
                    video_id: candidate.video_id.clone(),
                    start_cursor: String::new(),
                    pages: 1,
                })
            }
        }
        credits_left = credits_left.saturating_sub(1);
    }
    for plan in &mut pages {
        let candidate = candidates
            .iter()
            .find(|c| c.video_id == plan.video_id)
            .expect("planned from the candidates");
        plan.start_cursor = start_cursor(candidate, plan.pages, share);
    }
    pages
}

/// A read list whose last page was at least this share new comments, and which goes on, is
/// worth a page the plan did not use.
const FRESH_SHARE_TO_CONTINUE: f64 = 0.5;

/// One video's comments as read today.
struct VideoRead {
    video_id: String,
    /// Comments written after this are new (`None`: all are).
    cutoff: Option<i64>,
    comment_count: u64,
    run: PageRun<Comment>,
}

impl VideoRead {
    /// Whether its last page ran into new comments and the list goes on past it.
    fn worth_continuing(&self) -> bool {
        if self.run.reached_end || self.run.failure.is_some() || self.run.last_page.is_empty() {
            return false;
        }
        let fresh = self
            .run
            .last_page
            .iter()
            .filter(|c| self.cutoff.is_none_or(|cutoff| c.created_at > cutoff))
            .count();
        fresh as f64 >= FRESH_SHARE_TO_CONTINUE * self.run.last_page.len() as f64
    }
}

/// What each video's comments are new after: its own watermark if it was read before, else
/// the data watermark of its hashtag's previous collection (`None` on a campaign's first day,
/// when every comment is new to it).
fn comment_cutoff(candidate: &CommentCandidate, hashtag_watermark: Option<i64>) -> Option<i64> {
    candidate
        .last_read
        .as_ref()
        .and_then(|r| r.newest_seen_at)
        .or(hashtag_watermark)
}

async fn collect_comments(
    fetcher: &Fetcher,
    store: &Store,
    campaign: &CampaignConfig,
    previous: Option<&DayMetrics>,
    out: &mut Collected,
) {
    let mut candidates = Vec::with_capacity(out.videos.len());
    let mut cutoffs = HashMap::new();
    // With no previous collection, "recent" is the last day before the newest video seen.
    let first_day_since = out
        .videos
        .iter()
        .map(|(_, v)| v.created_at)
        .max()
        .unwrap_or(0)
        .saturating_sub(SECONDS_PER_DAY);
    for (hashtag, video) in &out.videos {
        let watermark = metrics::data_watermark(previous, hashtag);
        let posted_since = match previous {
            Some(_) => watermark.is_none_or(|at| video.created_at > at),
            None => video.created_at > first_day_since,
        };
        match store.comment_read_before(&campaign.id, &video.id, fetcher.date()) {
            Ok(last_read) => {
                let candidate = CommentCandidate {
                    video_id: video.id.clone(),
                    comment_count: video.stats.comments,
                    previous_count: previous
                        .and_then(|p| p.videos.iter().find(|v| v.id == video.id))
                        .map(|v| v.stats.comments),
                    posted_since,
                    last_read,
                };
                cutoffs.insert(video.id.clone(), comment_cutoff(&candidate, watermark));
                candidates.push(candidate);
            }
            Err(e) => out
                .missing
                .push(format!("comments of video {}: {e}", video.id)),
        }
    }
    let budget = comment_page_budget(campaign);
    let mut pages_left = budget;
    let mut seen = HashSet::new();
    let mut reads: Vec<VideoRead> = Vec::new();
    for plan in plan_comment_pages(&candidates, budget) {
        let run = read_comment_pages(fetcher, campaign, &plan, &mut seen).await;
        pages_left = pages_left.saturating_sub(run.pages);
        let candidate = candidates.iter().find(|c| c.video_id == plan.video_id);
        reads.push(VideoRead {
            cutoff: cutoffs.get(&plan.video_id).copied().flatten(),
            comment_count: candidate.map_or(0, |c| c.comment_count),
            video_id: plan.video_id,
            run,
        });
    }
    // Pages the plan did not use (lists that ended sooner than expected) go, a page at a time,
    // to lists whose last page was still mostly new comments and that go on.
    while pages_left > 0 {
        let Some(read) = reads.iter_mut().find(|r| r.worth_continuing()) else {
            break;
        };
        let plan = CommentPages {
            video_id: read.video_id.clone(),
            start_cursor: read.run.next_cursor.clone(),
            pages: 1,
        };
        let more = read_comment_pages(fetcher, campaign, &plan, &mut seen).await;
        pages_left = pages_left.saturating_sub(more.pages.max(1));
        read.run.extend(more);
    }
    for read in reads {
        out.comment_videos += 1;
        let newest_seen_at = read
            .run
            .items
            .iter()
            .map(|c| c.created_at)
            .chain(read.cutoff)
            .max();
        let state = CommentRead {
            comment_count: read.comment_count,
            next_cursor: read.run.next_cursor.clone(),
            reached_end: read.run.reached_end,
            newest_seen_at,
        };
        if let Some(note) = SkippedItem::note(&read.run.skipped) {
            out.missing
                .push(format!("comments of video {}: {note}", read.video_id));
        }
        if let Some((cursor, e)) = read.run.failure {
            out.comment_videos_failed += 1;
            out.missing.push(format!(
                "comments of video {} from cursor {cursor}: {e}",
                read.video_id
            ));
        }
        if let Err(e) = store.put_comment_read(&campaign.id, &read.video_id, fetcher.date(), &state)
        {
            out.missing
                .push(format!("comments of video {}: {e}", read.video_id));
        }
        out.comments.extend(
            read.run
                .items
                .into_iter()
                .map(|comment| (read.video_id.clone(), comment)),
        );
    }
    out.comment_cutoffs = cutoffs;
}

async fn read_comment_pages(
    fetcher: &Fetcher,
    campaign: &CampaignConfig,
    plan: &CommentPages,
    seen: &mut HashSet<String>,
) -> PageRun<Comment> {
    let request = |cursor, count| ApiRequest::VideoComments {
        video_id: plan.video_id.clone(),
        cursor,
        count,
    };
    paginate(
        fetcher,
        &campaign.id,
        PageLimits {
            start_cursor: plan.start_cursor.clone(),
            wanted: plan.pages * MAX_COMMENTS_PER_PAGE,
            page_size: MAX_COMMENTS_PER_PAGE,
            max_pages: plan.pages as usize,
        },
        request,
        wire::parse_comment_page,
        seen,
    )
    .await
}

async fn collect_feed(
    fetcher: &Fetcher,
    campaign: &CampaignConfig,
    name: &str,
    hashtag_id: &str,
    seen: &mut HashSet<String>,
    out: &mut Collected,
) {
    let request = |cursor, count| ApiRequest::HashtagVideos {
        hashtag_id: hashtag_id.to_string(),
        cursor,
        count,
    };
    let read = paginate(
        fetcher,
        &campaign.id,
        PageLimits {
            start_cursor: "0".to_string(),
            wanted: campaign.videos,
            page_size: MAX_VIDEOS_PER_PAGE,
            max_pages: feed_pages(campaign) as usize + EXTRA_PAGES_FOR_DUPLICATES,
        },
        request,
        wire::parse_video_page,
        seen,
    )
    .await;
    out.videos.extend(
        read.items
            .into_iter()
            .map(|video| (name.to_string(), video)),
    );
    if let Some(note) = SkippedItem::note(&read.skipped) {
        out.missing.push(format!("#{name} videos: {note}"));
    }
    if let Some((cursor, e)) = read.failure {
        out.missing
            .push(format!("#{name} videos from cursor {cursor}: {e}"));
    }
}

/// Where a paginated read starts and how much it may take.
struct PageLimits {
    start_cursor: String,
    wanted: u32,
    page_size: u32,
    max_pages: usize,
}

/// What a paginated read brought.
struct PageRun<T> {
    items: Vec<T>,
    /// The new items of the last page read.
    last_page: Vec<T>,
    /// Requests made (each a credit unless stored), the one that failed included.
    pages: u32,
    /// The cursor and error of the page that failed, if one did (the items before it are kept).
    failure: Option<(String, FetchError)>,
    /// Items the pages had but that broke the contract.
    skipped: Vec<SkippedItem>,
    /// Where a later read continues.
    next_cursor: String,
    /// The list said it had no more.
    reached_end: bool,
}

impl<T> PageRun<T> {
    /// This run followed by `more`, which continued it.
    fn extend(&mut self, more: PageRun<T>) {
        self.items.extend(more.items);
        self.last_page = more.last_page;
        self.pages += more.pages;
        self.failure = more.failure;
        self.skipped.extend(more.skipped);
        self.next_cursor = more.next_cursor;
        self.reached_end = more.reached_end;
    }
}

/// Collects up to `wanted` distinct items of a cursor-paginated list from `start_cursor`,
/// skipping items whose id is already in `seen` (pages repeat items). Page sizes depend only
/// on what was collected, so a re-run asks for the same pages.
async fn paginate<T: Identified + Clone>(
    fetcher: &Fetcher,
    campaign: &str,
    limits: PageLimits,
    request: impl Fn(String, u32) -> ApiRequest,
    parse: fn(&[u8]) -> Result<Page<T>, wire::WireError>,
    seen: &mut HashSet<String>,
) -> PageRun<T> {
    let wanted = limits.wanted as usize;
    let mut run = PageRun {
        items: Vec::new(),
        last_page: Vec::new(),
        pages: 0,
        failure: None,
        skipped: Vec::new(),
        next_cursor: limits.start_cursor,
        reached_end: false,
    };
    let mut pages_read = 0;
    let mut looked_back = false;
    while pages_read < limits.max_pages {
        let count = (wanted - run.items.len()).min(limits.page_size as usize) as u32;
        run.pages += 1;
        let page = match fetcher
            .fetch(campaign, &request(run.next_cursor.clone(), count), parse)
            .await
        {
            Ok(page) => page,
            Err(e) => {
                run.failure = Some((run.next_cursor.clone(), e));
                return run;
            }
        };
        // Skipped items were served too: the offset cursor moves past them.
        let served = page.items.len() + page.skipped.len();
        run.skipped.extend(page.skipped);
        run.last_page.clear();
        for item in page.items {
            if run.items.len() < wanted && seen.insert(item.id().to_string()) {
                run.last_page.push(item.clone());
                run.items.push(item);
            }
        }
        let offset = run.next_cursor.parse::<usize>().ok();
        // The cursor is an offset: on the last page the list ends at the cursor the API
        // returned, or else after what this page served.
        let end = page
            .end_cursor
            .as_deref()
            .and_then(|c| c.parse::<usize>().ok())
            .or(offset.map(|offset| offset + served));
        match (page.next_cursor, offset, end) {
            (Some(next), _, _) => run.next_cursor = next,
            // A read that started past the end (a tail guessed too far) looks again, once, at
            // the list's last pages, as many as it has left (or halfway back when the API does
            // not say where it ends); that look is the pages the plan paid for.
            (None, Some(offset), end) if served == 0 && offset > 0 && !looked_back => {
                looked_back = true;
                let pages_left = limits.max_pages - pages_read;
                let back = end.filter(|&end| end < offset).map_or(offset / 2, |end| {
                    end.saturating_sub(pages_left * limits.page_size as usize)
                });
                run.next_cursor = back.to_string();
                continue;
            }
            (None, _, end) => {
                // Where a later read of what was added since should start.
                if let Some(end) = end {
                    run.next_cursor = end.to_string();
                }
                run.reached_end = true;
                break;
            }
        }
        pages_read += 1;
        if run.items.len() >= wanted {
            break;
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, count: u64, read_at: Option<(u64, &str, bool)>) -> CommentCandidate {
        CommentCandidate {
            video_id: id.into(),
            comment_count: count,
            // Read on the previous day, from that day's sample.
            previous_count: read_at.map(|(comment_count, _, _)| comment_count),
            posted_since: read_at.is_none(),
            last_read: read_at.map(|(comment_count, cursor, reached_end)| CommentRead {
                comment_count,
                next_cursor: cursor.into(),
                reached_end,
                newest_seen_at: Some(1_000),
            }),
        }
    }

    fn pages_of(plan: &[CommentPages], id: &str) -> Option<(u32, String)> {
        plan.iter()
            .find(|p| p.video_id == id)
            .map(|p| (p.pages, p.start_cursor.clone()))
    }

    #[test]
    fn pages_go_where_the_new_comments_are_and_end_at_the_lists_end() {
        let candidates = [
            // A big video whose comments barely moved since it was read to its end (150
            // top-level of 300 counted: a share of a half).
            candidate("big", 310, Some((300, "150", true))),
            // Read to its end at 80 of 100 counted; 250 more counted since: 200 top-level.
            candidate("busy", 350, Some((100, "80", true))),
            // A new video, never read: all its comments are new.
            candidate("new", 70, None),
            candidate("quiet", 10, Some((10, "10", true))),
        ];
        let plan = plan_comment_pages(&candidates, 7);
        // Expected new: "busy" 200, "new" 70 x 0.8 (the median share), "big" 5, "quiet" 0.
        assert_eq!(pages_of(&plan, "busy").map(|p| p.0), Some(4));
        assert_eq!(pages_of(&plan, "new"), Some((2, "0".to_string())));
        assert_eq!(pages_of(&plan, "big").map(|p| p.0), Some(1));
        assert_eq!(pages_of(&plan, "quiet"), None);
        // "busy" should now be 80 + 200 = 280 long: its 4 pages end there.
        assert_eq!(pages_of(&plan, "busy").unwrap().1, "80");
        // "big": 150 + 5 = 155 long, one page ends there.
        assert_eq!(pages_of(&plan, "big").unwrap().1, "105");
    }

    #[test]
    fn an_unread_old_video_is_read_at_its_tail_and_only_if_its_count_moved() {
        let ended = candidate("ended", 300, Some((200, "120", true)));
        let mut grew = candidate("grew", 1_000, None);
        grew.posted_since = false;
        grew.previous_count = Some(900);
        let mut still = candidate("still", 800, None);
        still.posted_since = false;
        still.previous_count = Some(800);
        let candidates = [ended, grew, still];
        // The share from the video read to its end: 120 of 200 counted comments.
        assert!((top_level_share(&candidates) - 0.6).abs() < 1e-9);
        let plan = plan_comment_pages(&candidates, 10);
        // "grew": 100 more counted, 60 top-level, 2 pages ending at 1,000 x 0.6 x 1.15 = 690
        // (aimed long: its end is not known).
        assert_eq!(pages_of(&plan, "grew"), Some((2, "590".to_string())));
        assert_eq!(pages_of(&plan, "still"), None);
        // "ended": 100 more counted, 60 top-level, from 120 to 180.
        assert_eq!(pages_of(&plan, "ended"), Some((2, "80".to_string())));
    }

    #[test]
    fn a_read_that_stopped_early_continues_where_it_stopped() {
        let stopped = candidate("stopped", 1_000, Some((600, "50", false)));
        assert_eq!(start_cursor(&stopped, 20, 0.6), "50");
        assert_eq!(start_cursor(&stopped, 2, 0.6), "590");
    }

    #[test]
    fn a_video_read_days_ago_or_never_is_expected_to_grow_at_the_campaigns_pace() {
        // Two videos in both samples: their counts grew 10 % and 20 % (median: the higher).
        let steady = candidate("steady", 110, Some((100, "50", true)));
        let brisk = candidate("brisk", 120, Some((100, "50", true)));
        // Read to its end long ago at 1,000 counted; not in the previous sample.
        let mut stale = candidate("stale", 3_000, Some((1_000, "500", true)));
        stale.previous_count = None;
        let mut unread = candidate("unread", 600, None);
        unread.posted_since = false;
        let candidates = [steady, brisk, stale.clone(), unread.clone()];
        let growth = comment_growth(&candidates);
        assert!((growth - 0.2).abs() < 1e-9, "{growth}");
        // Not the 2,000 counted since its read: 3,000 x 0.2 / 1.2 = 500 of today's, half
        // top-level.
        assert_eq!(expected_new_comments(&stale, 0.5, growth), 250);
        assert_eq!(expected_new_comments(&unread, 0.5, growth), 50);
    }

    #[test]
    fn no_pages_are_bought_when_nothing_is_new() {
        let candidates = [candidate("a", 10, Some((10, "10", true)))];
        assert!(plan_comment_pages(&candidates, 6).is_empty());
    }

    #[test]
    fn a_video_read_before_is_cut_off_at_its_own_watermark() {
        let read = candidate("read", 10, Some((5, "5", true)));
        assert_eq!(comment_cutoff(&read, Some(5_000)), Some(1_000));
        let unread = candidate("unread", 10, None);
        assert_eq!(comment_cutoff(&unread, Some(5_000)), Some(5_000));
        assert_eq!(comment_cutoff(&unread, None), None);
    }
}
