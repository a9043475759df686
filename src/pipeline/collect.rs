//! Collection of one campaign-day: hashtag info, the video feed sample, and comments where the
//! new ones are, through the [`Fetcher`] (store first, then the API).
//!
//! Requests are issued in a fixed, data-determined order with fixed page sizes, so re-running
//! a day asks for exactly the same store keys and finds them all stored. Items are de-duplicated
//! by id (the API repeats items across pages). Failures are listed, never replaced by zeros.
//!
//! Comments are served most-liked first, so page 1 of a video is the same old favourites every
//! day, and a new comment, with few likes yet, sits near the end of the list. The day's comment
//! pages (as many as `sentiment_videos` × `comments_per_video` cost) go to the videos whose
//! comment counts grew most since their comments were last read. A new video is read from the
//! top (all of it is new); a video read before is read at its tail: from where its list ended
//! last time, or from where it should end now (its comment count times the share of top-level
//! comments seen on videos read to the end), never before where the last read stopped. The
//! plan depends only on the stored feed and on reads of earlier days, so a re-run makes the
//! same requests.

use std::collections::HashSet;

use crate::api::ApiRequest;
use crate::api::wire;
use crate::config::{CampaignConfig, MAX_COMMENTS_PER_PAGE, MAX_VIDEOS_PER_PAGE};
use crate::domain::{Comment, HashtagInfo, Identified, Page, Video};
use crate::store::{CommentRead, Store};

use super::fetch::{FetchError, Fetcher};

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
    /// How many videos had their comments requested, and how many of those failed.
    pub comment_videos: usize,
    pub comment_videos_failed: usize,
    /// What could not be collected, in words.
    pub missing: Vec<String>,
}

/// `since`: when the previous day's data was fetched (`None` on a campaign's first day): the
/// comments written after it are the new ones.
pub async fn collect_day(
    fetcher: &Fetcher,
    store: &Store,
    campaign: &CampaignConfig,
    since: Option<i64>,
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
    collect_comments(fetcher, store, campaign, since, &mut out).await;
    out
}

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

/// A video whose comments may be read today.
#[derive(Debug, Clone)]
pub struct CommentCandidate {
    pub video_id: String,
    /// Its comment count (replies included) in today's feed.
    pub comment_count: u64,
    /// Young at the previous collection (or the campaign has none): most of its comments are
    /// new, so it is read from the top.
    pub posted_recently: bool,
    /// How far its comments had been read before today.
    pub last_read: Option<CommentRead>,
}

/// A video posted less than this before the previous collection was still in its first burst
/// then: most of its comments came after.
const YOUNG_VIDEO_SECONDS: i64 = 12 * 3_600;

/// Top-level comments as a share of `comment_count` (which counts replies too) when no video
/// has been read to the end yet: a low guess, so a tail read starts a little early rather than
/// past the end.
const DEFAULT_TOP_LEVEL_SHARE: f64 = 0.5;

/// The share of a video's `comment_count` that is top-level comments, from the videos whose
/// lists were read to the end (their median; a read that starts past the end looks again
/// halfway back).
pub fn top_level_share(candidates: &[CommentCandidate]) -> f64 {
    let mut shares: Vec<f64> = candidates
        .iter()
        .filter_map(|c| {
            let read = c.last_read.as_ref().filter(|r| r.reached_end)?;
            let end: f64 = read.next_cursor.parse().ok()?;
            (read.comment_count > 0).then(|| end / read.comment_count as f64)
        })
        .collect();
    if shares.is_empty() {
        return DEFAULT_TOP_LEVEL_SHARE;
    }
    shares.sort_by(f64::total_cmp);
    shares[shares.len() / 2].clamp(0.1, 1.0)
}

/// How many comments written since the video was last read a read of it should find: its
/// comment count's growth, all of it for a video posted since the day before, and little for
/// an old video never read (most of what it has is old; its tail is a guess).
fn expected_new_comments(candidate: &CommentCandidate) -> i64 {
    let grown = match &candidate.last_read {
        Some(read) if read.reached_end => {
            candidate.comment_count.saturating_sub(read.comment_count)
        }
        Some(read) => candidate.comment_count.saturating_sub(read.comment_count) / 2,
        None if candidate.posted_recently => candidate.comment_count,
        None => candidate.comment_count / OLD_UNREAD_VIDEO_DISCOUNT,
    };
    grown as i64
}

/// An old video never read has its whole comment count unread but few new comments in it.
const OLD_UNREAD_VIDEO_DISCOUNT: u64 = 10;

/// Where `pages` pages of a video's comments start: where its newest comments should be.
fn start_cursor(candidate: &CommentCandidate, pages: u32, share: f64) -> String {
    let tail = ((candidate.comment_count as f64 * share) as u64)
        .saturating_sub(u64::from(pages * MAX_COMMENTS_PER_PAGE));
    match &candidate.last_read {
        Some(read) if read.reached_end => read.next_cursor.clone(),
        Some(read) => read
            .next_cursor
            .parse::<u64>()
            .map_or(read.next_cursor.clone(), |stopped| {
                stopped.max(tail).to_string()
            }),
        None if candidate.posted_recently => "0".to_string(),
        None => tail.to_string(),
    }
}

/// Pages to read of one video's comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentPages {
    pub video_id: String,
    pub start_cursor: String,
    pub pages: u32,
}

/// Gives each of `budget` pages to the video with the most comments not yet read (its count's
/// growth since it was last read, or its whole count if never read), a page at a time, so
/// pages go where the new comments are, and starts each video's pages where its newest
/// comments should be. Ties go to the lower id, for a stable plan.
pub fn plan_comment_pages(candidates: &[CommentCandidate], budget: u32) -> Vec<CommentPages> {
    let mut unread: Vec<(i64, &CommentCandidate)> = candidates
        .iter()
        .map(|c| (expected_new_comments(c), c))
        .collect();
    let mut pages: Vec<CommentPages> = Vec::new();
    for _ in 0..budget {
        let Some((left, candidate)) = unread
            .iter_mut()
            .filter(|(left, _)| *left > 0)
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.video_id.cmp(&a.1.video_id)))
        else {
            break;
        };
        *left -= i64::from(MAX_COMMENTS_PER_PAGE);
        match pages.iter_mut().find(|p| p.video_id == candidate.video_id) {
            Some(plan) => plan.pages += 1,
            None => pages.push(CommentPages {
                video_id: candidate.video_id.clone(),
                start_cursor: String::new(),
                pages: 1,
            }),
        }
    }
    let share = top_level_share(candidates);
    for plan in &mut pages {
        let candidate = candidates
            .iter()
            .find(|c| c.video_id == plan.video_id)
            .expect("planned from the candidates");
        plan.start_cursor = start_cursor(candidate, plan.pages, share);
    }
    pages
}

async fn collect_comments(
    fetcher: &Fetcher,
    store: &Store,
    campaign: &CampaignConfig,
    since: Option<i64>,
    out: &mut Collected,
) {
    let mut candidates = Vec::with_capacity(out.videos.len());
    for (_, video) in &out.videos {
        match store.comment_read_before(&campaign.id, &video.id, fetcher.date()) {
            Ok(last_read) => candidates.push(CommentCandidate {
                video_id: video.id.clone(),
                comment_count: video.stats.comments,
                posted_recently: since
                    .is_none_or(|since| video.created_at > since - YOUNG_VIDEO_SECONDS),
                last_read,
            }),
            Err(e) => out
                .missing
                .push(format!("comments of video {}: {e}", video.id)),
        }
    }
    let mut seen = HashSet::new();
    for plan in plan_comment_pages(&candidates, comment_page_budget(campaign)) {
        out.comment_videos += 1;
        let request = |cursor, count| ApiRequest::VideoComments {
            video_id: plan.video_id.clone(),
            cursor,
            count,
        };
        let read = paginate(
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
            &mut seen,
        )
        .await;
        out.comments.extend(
            read.items
                .into_iter()
                .map(|comment| (plan.video_id.clone(), comment)),
        );
        if let Some((cursor, e)) = read.failure {
            out.comment_videos_failed += 1;
            out.missing.push(format!(
                "comments of video {} from cursor {cursor}: {e}",
                plan.video_id
            ));
        }
        let count = candidates
            .iter()
            .find(|c| c.video_id == plan.video_id)
            .map_or(0, |c| c.comment_count);
        let state = CommentRead {
            comment_count: count,
            next_cursor: read.next_cursor,
            reached_end: read.reached_end,
        };
        if let Err(e) = store.put_comment_read(&campaign.id, &plan.video_id, fetcher.date(), &state)
        {
            out.missing
                .push(format!("comments of video {}: {e}", plan.video_id));
        }
    }
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
    /// The cursor and error of the page that failed, if one did (the items before it are kept).
    failure: Option<(String, FetchError)>,
    /// Where a later read continues.
    next_cursor: String,
    /// The list said it had no more.
    reached_end: bool,
}

/// Collects up to `wanted` distinct items of a cursor-paginated list from `start_cursor`,
/// skipping items whose id is already in `seen` (pages repeat items). Page sizes depend only
/// on what was collected, so a re-run asks for the same pages.
async fn paginate<T: Identified>(
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
        failure: None,
        next_cursor: limits.start_cursor,
        reached_end: false,
    };
    for _ in 0..limits.max_pages {
        let count = (wanted - run.items.len()).min(limits.page_size as usize) as u32;
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
        let served = page.items.len();
        for item in page.items {
            if run.items.len() < wanted && seen.insert(item.id().to_string()) {
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
            // A read that started past the end (a tail guessed too far) looks again at the
            // list's last page, or halfway back when the API does not say where it ends.
            (None, Some(offset), end) if served == 0 && offset > 0 => {
                let back = end.filter(|&end| end < offset).map_or(offset / 2, |end| {
                    end.saturating_sub(limits.page_size as usize)
                });
                run.next_cursor = back.to_string();
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
        if run.items.len() >= wanted {
            break;
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, count: u64, read_at: Option<(u64, &str)>) -> CommentCandidate {
        CommentCandidate {
            video_id: id.into(),
            comment_count: count,
            posted_recently: read_at.is_none(),
            last_read: read_at.map(|(comment_count, cursor)| CommentRead {
                comment_count,
                next_cursor: cursor.into(),
                reached_end: false,
            }),
        }
    }

    #[test]
    fn pages_go_where_comment_counts_grew_and_continue_past_what_was_read() {
        let candidates = [
            // A big video whose comments barely moved since it was read.
            candidate("big", 5_000, Some((4_990, "150"))),
            // A video that gained 180 comments since its first 50 were read.
            candidate("busy", 400, Some((220, "50"))),
            // A new video, never read.
            candidate("new", 70, None),
            candidate("quiet", 10, Some((10, "10"))),
        ];
        let plan = plan_comment_pages(&candidates, 5);
        let pages = |id: &str| plan.iter().find(|p| p.video_id == id).map(|p| p.pages);
        // Expected new comments: "busy" 180 grown, halved as its tail is a guess; "new" all
        // its 70; "big" 5; "quiet" none. A page takes 50 off each time.
        assert_eq!(pages("busy"), Some(2));
        assert_eq!(pages("new"), Some(2));
        assert_eq!((pages("big"), pages("quiet")), (Some(1), None));
        // "busy" should now have about 400 x 0.5 = 200 top-level comments: its 2 pages start
        // at its tail (100), past where the last read stopped (50).
        let busy = plan.iter().find(|p| p.video_id == "busy").unwrap();
        assert_eq!(busy.start_cursor, "100");
        assert_eq!(
            plan.iter()
                .find(|p| p.video_id == "new")
                .unwrap()
                .start_cursor,
            "0"
        );
    }

    #[test]
    fn a_video_read_before_is_read_at_its_tail() {
        let mut ended = candidate("ended", 300, Some((200, "120")));
        ended.last_read.as_mut().unwrap().reached_end = true;
        let old = candidate("old", 1_000, Some((600, "50")));
        let mut unread_old = candidate("unread", 400, None);
        unread_old.posted_recently = false;
        let candidates = [ended, old, unread_old];
        // Top-level share from the video read to the end: 120 of 200 counted comments.
        assert!((top_level_share(&candidates) - 0.6).abs() < 1e-9);
        // Read to its end before: continue from that end.
        assert_eq!(start_cursor(&candidates[0], 1, 0.6), "120");
        // 1,000 x 0.6 = 600 long now, 2 pages end there: start at 500, past the last read.
        assert_eq!(start_cursor(&candidates[1], 2, 0.6), "500");
        assert_eq!(start_cursor(&candidates[1], 20, 0.6), "50");
        // Never read, but not new: its tail only.
        assert_eq!(start_cursor(&candidates[2], 1, 0.6), "190");
    }

    #[test]
    fn no_pages_are_bought_when_nothing_is_new() {
        let candidates = [candidate("a", 10, Some((10, "10")))];
        assert!(plan_comment_pages(&candidates, 6).is_empty());
    }
}
