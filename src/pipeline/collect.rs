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
use crate::domain::{Comment, HashtagInfo, Video};

use super::fetch::{FetchError, Fetcher};

/// Pages beyond the strict need that a feed may take to make up for repeated items.
const EXTRA_PAGES_FOR_DUPLICATES: u32 = 3;

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
    let wanted = campaign.videos as usize;
    let mut from_this_feed = 0;
    let mut cursor = "0".to_string();
    let max_pages = campaign.videos.div_ceil(MAX_VIDEOS_PER_PAGE) + EXTRA_PAGES_FOR_DUPLICATES;
    for _ in 0..max_pages {
        let count = (wanted - from_this_feed).min(MAX_VIDEOS_PER_PAGE as usize) as u32;
        let request = ApiRequest::HashtagVideos {
            hashtag_id: hashtag_id.to_string(),
            cursor: cursor.clone(),
            count,
        };
        let page = match fetcher
            .fetch(&campaign.id, &request, wire::parse_video_page)
            .await
        {
            Ok(page) => page,
            Err(e) => {
                out.missing
                    .push(format!("#{name} videos from cursor {cursor}: {e}"));
                return;
            }
        };
        for video in page.videos {
            if from_this_feed < wanted && seen.insert(video.id.clone()) {
                from_this_feed += 1;
                out.videos.push((name.to_string(), video));
            }
        }
        match page.next_cursor {
            Some(next) if from_this_feed < wanted => cursor = next,
            _ => return,
        }
    }
}

async fn collect_comments(
    fetcher: &Fetcher,
    campaign: &CampaignConfig,
    video_id: &str,
    seen: &mut HashSet<String>,
    comments: &mut Vec<Comment>,
) -> Result<(), FetchError> {
    let wanted = campaign.comments_per_video as usize;
    let mut collected = 0;
    let mut cursor = "0".to_string();
    let max_pages =
        campaign.comments_per_video.div_ceil(MAX_COMMENTS_PER_PAGE) + EXTRA_PAGES_FOR_DUPLICATES;
    for _ in 0..max_pages {
        let count = (wanted - collected).min(MAX_COMMENTS_PER_PAGE as usize) as u32;
        let request = ApiRequest::VideoComments {
            video_id: video_id.to_string(),
            cursor: cursor.clone(),
            count,
        };
        let page = fetcher
            .fetch(&campaign.id, &request, wire::parse_comment_page)
            .await?;
        for comment in page.comments {
            if collected < wanted && seen.insert(comment.id.clone()) {
                collected += 1;
                comments.push(comment);
            }
        }
        match page.next_cursor {
            Some(next) if collected < wanted => cursor = next,
            _ => break,
        }
    }
    Ok(())
}
