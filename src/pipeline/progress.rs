//! How far a run has got, for people watching it: requests done against those planned,
//! credits, and the campaign being worked on. The fetcher counts; the command line shows it
//! (a bar on a terminal, a line a minute in a log).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::config::{CampaignConfig, MAX_VIDEOS_PER_PAGE};

use super::collect::comment_page_budget;

#[derive(Debug, Default)]
pub struct RunProgress {
    planned: AtomicU32,
    done: AtomicU32,
    credits: AtomicU32,
    current: Mutex<String>,
}

/// What a run has done so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressSnapshot {
    /// Requests answered (from the store or the API, paid or failed).
    pub done: u32,
    /// Requests the day should take: one per hashtag, its feed pages, its comment pages. An
    /// estimate (a feed may need an extra page, a video fewer comment pages); `done` may pass it.
    pub planned: u32,
    pub credits: u32,
    /// The campaign of the latest request.
    pub campaign: String,
}

impl RunProgress {
    /// Starts a run of `campaigns`.
    pub fn start(&self, campaigns: &[CampaignConfig]) {
        let planned = campaigns.iter().map(planned_requests).sum();
        self.planned.store(planned, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.credits.store(0, Ordering::Relaxed);
    }

    pub(super) fn answered(&self, campaign: &str, credits: u32) {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.credits.fetch_add(credits, Ordering::Relaxed);
        let mut current = self.current.lock().expect("progress lock");
        if *current != campaign {
            *current = campaign.to_string();
        }
    }

    pub fn snapshot(&self) -> ProgressSnapshot {
        ProgressSnapshot {
            done: self.done.load(Ordering::Relaxed),
            planned: self.planned.load(Ordering::Relaxed),
            credits: self.credits.load(Ordering::Relaxed),
            campaign: self.current.lock().expect("progress lock").clone(),
        }
    }
}

/// The requests a campaign-day takes when nothing is stored yet.
fn planned_requests(campaign: &CampaignConfig) -> u32 {
    let per_hashtag = 1 + campaign.videos.div_ceil(MAX_VIDEOS_PER_PAGE);
    campaign.hashtags.len() as u32 * per_hashtag + comment_page_budget(campaign)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planned_requests_follow_the_configured_cost() {
        let mut campaign = crate::report::fixtures::campaign();
        campaign.videos = 60;
        campaign.sentiment_videos = 3;
        campaign.comments_per_video = 50;
        // Two hashtags x (1 info + 2 feed pages) + 3 comment pages.
        assert_eq!(planned_requests(&campaign), 9);
        let progress = RunProgress::default();
        progress.start(&[campaign]);
        progress.answered("spring", 1);
        progress.answered("spring", 0);
        let now = progress.snapshot();
        assert_eq!((now.done, now.planned, now.credits), (2, 9, 1));
        assert_eq!(now.campaign, "spring");
    }
}
