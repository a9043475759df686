//! What a report reads of a campaign's stored days over its period: each day's headline, and
//! each distinct video once, at its latest observation. A video sampled on all 30 days of a
//! period is one video to the report, so its text is copied once, not once a day.

use chrono::NaiveDate;

use crate::views::VideoView;
use crate::{DayHeadline, DayMetrics, TrackedVideo};

/// A campaign's stored days over a period, as a report reads them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredPeriod {
    /// Oldest first.
    pub days: Vec<DayHeadline>,
    /// By video id: the date of its latest observation and the video then.
    latest: foldhash::HashMap<String, (NaiveDate, TrackedVideo)>,
}

impl StoredPeriod {
    /// From whole stored days (any order).
    pub fn of_days(days: impl IntoIterator<Item = DayMetrics>) -> StoredPeriod {
        let mut days: Vec<DayMetrics> = days.into_iter().collect();
        days.sort_by_key(|d| d.date);
        let mut period = StoredPeriod::default();
        for day in days {
            let (headline, sample) = DayHeadline::split(day);
            period.push_day(headline, sample.videos.iter().map(VideoView::from));
        }
        period
    }

    /// Adds the next stored day (days come oldest first) and its sample's videos.
    pub fn push_day<'a>(
        &mut self,
        headline: DayHeadline,
        videos: impl IntoIterator<Item = VideoView<'a>>,
    ) {
        let date = headline.day.date;
        for video in videos {
            self.observe(date, &video);
        }
        self.days.push(headline);
    }

    /// A later observation replaces an earlier one, and a video listed twice on one day
    /// (under two hashtags) counts once.
    fn observe(&mut self, date: NaiveDate, video: &VideoView) {
        match self.latest.get_mut(video.id) {
            Some((observed, kept)) => {
                *observed = date;
                kept.update_from(video);
            }
            None => {
                self.latest
                    .insert(video.id.to_owned(), (date, TrackedVideo::from(video)));
            }
        }
    }

    /// Each distinct video of the period at its latest observation, in no particular order.
    pub fn latest_videos(&self) -> impl Iterator<Item = (NaiveDate, &TrackedVideo)> {
        self.latest.values().map(|(date, video)| (*date, video))
    }
}

impl From<&VideoView<'_>> for TrackedVideo {
    fn from(video: &VideoView<'_>) -> Self {
        TrackedVideo {
            id: video.id.to_owned(),
            creator: video.creator.to_owned(),
            caption: video.caption.to_owned(),
            created_at: video.created_at,
            stats: video.stats,
            first_seen: video.first_seen,
            plays_change: video.plays_change,
            change_span_days: video.change_span_days,
        }
    }
}

impl TrackedVideo {
    /// Becomes `video`, a later observation of itself, keeping its text where it is unchanged.
    fn update_from(&mut self, video: &VideoView<'_>) {
        if self.creator != video.creator {
            video.creator.clone_into(&mut self.creator);
        }
        if self.caption != video.caption {
            video.caption.clone_into(&mut self.caption);
        }
        self.created_at = video.created_at;
        self.stats = video.stats;
        self.first_seen = video.first_seen;
        self.plays_change = video.plays_change;
        self.change_span_days = video.change_span_days;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::VideoStats;

    fn video(id: &str, caption: &str, plays: u64, first_seen: u32) -> TrackedVideo {
        TrackedVideo {
            id: id.into(),
            creator: format!("@{id}-maker"),
            caption: caption.into(),
            created_at: 1_793_000_000,
            stats: VideoStats {
                plays,
                ..VideoStats::default()
            },
            first_seen: NaiveDate::from_ymd_opt(2026, 11, first_seen).unwrap(),
            plays_change: None,
            change_span_days: None,
        }
    }

    #[test]
    fn a_video_read_in_place_becomes_the_video_it_views() {
        let mut seen = video("a", "caption, ünïcode 🎉", 9, 2);
        seen.plays_change = Some(4);
        seen.change_span_days = Some(2);
        assert_eq!(TrackedVideo::from(&VideoView::from(&seen)), seen);
        let mut earlier = video("a", "before", 1, 1);
        earlier.creator = "@someone-else".into();
        earlier.update_from(&VideoView::from(&seen));
        assert_eq!(earlier, seen);
    }
}
