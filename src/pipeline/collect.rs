//! Collection of one campaign-day: hashtag info, the video feed sample, and comments where the
//! new ones are, through the [`Fetcher`] (store first, then the API).
//!
//! Requests are issued in a fixed, data-determined order with fixed page sizes, so re-running
//! a day asks for exactly the same store keys and finds them all stored. Items are de-duplicated
//! by id (the API repeats items across pages). Failures are listed, never replaced by zeros.
//!
//! Comments are served most-liked first, so page 1 of a video is the same old favourites every
//! day. The day's comment pages (as many as `sentiment_videos` × `comments_per_video` cost) go
//! to the videos whose comment counts grew most since their comments were last read, and each
//! read continues with the API's cursor where the previous day's stopped. The plan depends only
//! on the stored feed and on reads of earlier days, so a re-run makes the same requests.

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

pub async fn collect_day(
    fetcher: &Fetcher,
    store: &Store,
    campaign: &CampaignConfig,
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
            None => store.hashtag_id(name).ok().flatten(),
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
    out.videos.sort_by(|a, b| {
        b.1.stats
            .plays
            .cmp(&a.1.stats.plays)
            .then_with(|| a.1.id.cmp(&b.1.id))
    });
    collect_comments(fetcher, store, campaign, &mut out).await;
    out
}

/// Comment pages one campaign-day may buy: what reading `comments_per_video` comments of
/// `sentiment_videos` videos costs.
pub fn comment_page_budget(campaign: &CampaignConfig) -> u32 {
    campaign.sentiment_videos * campaign.comments_per_video.div_ceil(MAX_COMMENTS_PER_PAGE)
}

/// A video whose comments may be read today.
#[derive(Debug, Clone)]
pub struct CommentCandidate {
    pub video_id: String,
    /// Its comment count (replies included) in today's feed.
    pub comment_count: u64,
    /// How far its comments had been read before today.
    pub last_read: Option<CommentRead>,
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
/// pages go where the new comments are. Ties go to the lower id, for a stable plan.
pub fn plan_comment_pages(candidates: &[CommentCandidate], budget: u32) -> Vec<CommentPages> {
    let mut unread: Vec<(i64, &CommentCandidate)> = candidates
        .iter()
        .map(|c| {
            let before = c.last_read.as_ref().map_or(0, |r| r.comment_count);
            (c.comment_count.saturating_sub(before) as i64, c)
        })
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
                start_cursor: candidate
                    .last_read
                    .as_ref()
                    .map_or_else(|| "0".to_string(), |r| r.next_cursor.clone()),
                pages: 1,
            }),
        }
    }
    pages
}

async fn collect_comments(
    fetcher: &Fetcher,
    store: &Store,
    campaign: &CampaignConfig,
    out: &mut Collected,
) {
    let mut candidates = Vec::with_capacity(out.videos.len());
    for (_, video) in &out.videos {
        match store.comment_read_before(&campaign.id, &video.id, fetcher.date()) {
            Ok(last_read) => candidates.push(CommentCandidate {
                video_id: video.id.clone(),
                comment_count: video.stats.comments,
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
            max_pages: campaign.videos.div_ceil(MAX_VIDEOS_PER_PAGE) as usize
                + EXTRA_PAGES_FOR_DUPLICATES,
        },
        request,
        wire::parse_video_page,
        seen,
    )
    .await;
    out.videos
        .extend(read.items.into_iter().map(|video| (name.to_string(), video)));
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
        for item in page.items {
            if run.items.len() < wanted && seen.insert(item.id().to_string()) {
                run.items.push(item);
            }
        }
        match page.next_cursor {
            Some(next) => run.next_cursor = next,
            None => {
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
        // 180 unread on "busy", 70 on "new", 10 on "big": a page takes 50 off each time.
        assert_eq!(pages("busy"), Some(4));
        assert_eq!(pages("new"), Some(1));
        assert_eq!((pages("big"), pages("quiet")), (None, None));
        let busy = plan.iter().find(|p| p.video_id == "busy").unwrap();
        assert_eq!(busy.start_cursor, "50");
        assert_eq!(plan.iter().find(|p| p.video_id == "new").unwrap().start_cursor, "0");
    }

    #[test]
    fn no_pages_are_bought_when_nothing_is_new() {
        let candidates = [candidate("a", 10, Some((10, "10")))];
        assert!(plan_comment_pages(&candidates, 6).is_empty());
    }
}
