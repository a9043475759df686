//! Parts of a stored day read in place from its binary (postcard) form: their text borrowed
//! from the stored bytes, not copied into a `String` each. For what copies every value straight
//! on, as an export fills its columns: a year's export reads some 30 million texts, and their
//! allocations (made on one thread, freed on another) were a sixth of its time.
//!
//! The stored form is positional: each view has the fields of the type it reads, in the same
//! order, and stops where it has what it needs (what follows is left unread).

use chrono::NaiveDate;
use serde::Deserialize;

use crate::{DayMetrics, TrackedVideo, VideoStats, iso_date};

/// Which campaign-day a stored day is: the first fields of its [`DayMetrics`] (and so of its
/// [`DayHeadline`](crate::DayHeadline)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct DayKey<'a> {
    pub campaign_id: &'a str,
    pub client_id: &'a str,
    #[serde(with = "iso_date")]
    pub date: NaiveDate,
}

impl<'a> From<&'a DayMetrics> for DayKey<'a> {
    fn from(day: &'a DayMetrics) -> Self {
        DayKey {
            campaign_id: &day.campaign_id,
            client_id: &day.client_id,
            date: day.date,
        }
    }
}

/// A [`TrackedVideo`] read in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct VideoView<'a> {
    pub id: &'a str,
    pub creator: &'a str,
    pub caption: &'a str,
    pub created_at: i64,
    pub stats: VideoStats,
    #[serde(with = "iso_date")]
    pub first_seen: NaiveDate,
    pub plays_change: Option<u64>,
    pub change_span_days: Option<u32>,
}

impl<'a> From<&'a TrackedVideo> for VideoView<'a> {
    fn from(video: &'a TrackedVideo) -> Self {
        VideoView {
            id: &video.id,
            creator: &video.creator,
            caption: &video.caption,
            created_at: video.created_at,
            stats: video.stats,
            first_seen: video.first_seen,
            plays_change: video.plays_change,
            change_span_days: video.change_span_days,
        }
    }
}

/// A stored [`DaySample`](crate::DaySample)'s videos read in place (its creators left unread).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SampleVideos<'a> {
    #[serde(borrow)]
    pub videos: Vec<VideoView<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DaySample;

    fn video(n: u32) -> TrackedVideo {
        TrackedVideo {
            id: format!("v{n}"),
            creator: format!("@maker{n}"),
            caption: format!("day {n}: \"quoted\", ünïcode 🎉"),
            created_at: 1_793_000_000 + i64::from(n),
            stats: VideoStats {
                plays: 1_000 * u64::from(n),
                likes: 7,
                comments: 3,
                shares: 2,
                saves: u64::from(n),
            },
            first_seen: NaiveDate::from_ymd_opt(2026, 11, 1 + n).unwrap(),
            plays_change: n.is_multiple_of(2).then_some(500),
            change_span_days: n.is_multiple_of(3).then_some(n),
        }
    }

    #[test]
    fn a_stored_sample_reads_in_place_as_the_videos_it_stored() {
        let sample = DaySample {
            videos: (0..5).map(video).collect(),
            top_creators: crate::CreatorStats::rank(&(0..5).map(video).collect::<Vec<_>>(), 3),
        };
        let stored = postcard::to_stdvec(&sample).unwrap();
        let read: SampleVideos = postcard::from_bytes(&stored).unwrap();
        let expected: Vec<VideoView> = sample.videos.iter().map(VideoView::from).collect();
        assert_eq!(read.videos, expected);
    }
}
