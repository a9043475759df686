//! Collection of one campaign-day: hashtag info, the video feed sample, and the comments of
//! the top videos, through the [`Fetcher`] (store first, then the API).
//!
//! Requests are issued in a fixed, data-determined order with fixed page sizes, so re-running
//! a day asks for exactly the same store keys and finds them all stored. Items are de-duplicated
//! by id (the API repeats items across pages). Failures are listed, never replaced by zeros.

use std::collections::HashSet;

use crate::api::ApiRequest;
use crate::api::wire;
use crate::config::{CampaignConfig, MAX_COMMENTS_PER_PAGE, MAX_VIDEOS_PER_PAGE};
use crate::domain::{Comment, HashtagInfo, Identified, Page, Video};

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
    /// Comments of the top videos, each once.
    pub comments: Vec<Comment>,
    /// How many videos had their comments requested, and how many of those failed.
    pub comment_videos: usize,
    pub comment_videos_failed: usize,
    /// What could not be collected, in words.
    pub missing: Vec<String>,
}

pub async fn collect_day(
    fetcher: &Fetcher,
    store: &crate::store::Store,
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

    let top: Vec<String> = out
        .videos
        .iter()
        .take(campaign.sentiment_videos as usize)
        .map(|(_, v)| v.id.clone())
        .collect();
    let mut seen_comments = HashSet::new();
    for video_id in top {
        out.comment_videos += 1;
        if let Err(e) = collect_comments(
            fetcher,
            campaign,
            &video_id,
            &mut seen_comments,
            &mut out.comments,
        )
        .await
        {
            out.comment_videos_failed += 1;
            out.missing
                .push(format!("comments of video {video_id}: {e}"));
        }
    }
    out
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
    let (videos, failure) = paginate(
        fetcher,
        &campaign.id,
        campaign.videos,
        MAX_VIDEOS_PER_PAGE,
        request,
        wire::parse_video_page,
        seen,
    )
    .await;
    out.videos
        .extend(videos.into_iter().map(|video| (name.to_string(), video)));
    if let Some((cursor, e)) = failure {
        out.missing
            .push(format!("#{name} videos from cursor {cursor}: {e}"));
    }
}

async fn collect_comments(
    fetcher: &Fetcher,
    campaign: &CampaignConfig,
    video_id: &str,
    seen: &mut HashSet<String>,
    comments: &mut Vec<Comment>,
) -> Result<(), FetchError> {
    let request = |cursor, count| ApiRequest::VideoComments {
        video_id: video_id.to_string(),
        cursor,
        count,
    };
    let (page_items, failure) = paginate(
        fetcher,
        &campaign.id,
        campaign.comments_per_video,
        MAX_COMMENTS_PER_PAGE,
        request,
        wire::parse_comment_page,
        seen,
    )
    .await;
    comments.extend(page_items);
    failure.map_or(Ok(()), |(_, e)| Err(e))
}

/// Collects up to `wanted` distinct items of a cursor-paginated list, skipping items whose id
/// is already in `seen` (pages repeat items). Page sizes depend only on what was collected, so
/// a re-run asks for the same pages. Returns the items and, if a page failed, its cursor and
/// the error (the items before it are kept).
async fn paginate<T: Identified>(
    fetcher: &Fetcher,
    campaign: &str,
    wanted: u32,
    page_size: u32,
    request: impl Fn(String, u32) -> ApiRequest,
    parse: fn(&[u8]) -> Result<Page<T>, wire::WireError>,
    seen: &mut HashSet<String>,
) -> (Vec<T>, Option<(String, FetchError)>) {
    let wanted = wanted as usize;
    let mut items = Vec::new();
    let mut cursor = "0".to_string();
    let max_pages = wanted.div_ceil(page_size as usize) + EXTRA_PAGES_FOR_DUPLICATES;
    for _ in 0..max_pages {
        let count = (wanted - items.len()).min(page_size as usize) as u32;
        let page = match fetcher
            .fetch(campaign, &request(cursor.clone(), count), parse)
            .await
        {
            Ok(page) => page,
            Err(e) => return (items, Some((cursor, e))),
        };
        for item in page.items {
            if items.len() < wanted && seen.insert(item.id().to_string()) {
                items.push(item);
            }
        }
        match page.next_cursor {
            Some(next) if items.len() < wanted => cursor = next,
            _ => break,
        }
    }
    (items, None)
}
