//! Stored days read in place, a day at a time: their videos and comments handed over as views
//! of the stored bytes ([`crate::domain::views`]), for what copies each value straight on (an
//! export's columns) instead of keeping it.

use chrono::NaiveDate;
use serde::Deserialize;

use super::{ReadComment, Store, StoreError};
use crate::domain::views::{DayKey, SampleVideos, VideoView};
use crate::domain::{DayHeadline, StoredPeriod};

/// A [`ReadComment`] read in place: its fields, in the same order (the stored form is
/// positional).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct CommentView<'a> {
    pub id: &'a str,
    pub video_id: &'a str,
    pub text: &'a str,
    pub created_at: i64,
    pub likes: u64,
    pub score: Option<f32>,
    #[serde(borrow)]
    pub language: Option<&'a str>,
}

impl<'a> From<&'a ReadComment> for CommentView<'a> {
    fn from(comment: &'a ReadComment) -> Self {
        CommentView {
            id: &comment.id,
            video_id: &comment.video_id,
            text: &comment.text,
            created_at: comment.created_at,
            likes: comment.likes,
            score: comment.score,
            language: comment.language.as_deref(),
        }
    }
}

impl Store {
    /// Each of a campaign's stored days from `from` to `to` inclusive, oldest first: its
    /// headline and its videos, in stored order (most-played first).
    pub fn for_each_day_videos<E: From<StoreError>>(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
        mut each: impl FnMut(DayHeadline, &[VideoView<'_>]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.for_each_day_sample(campaign, from, to, |key, headline, sample| {
            let sample: SampleVideos = self.decode_binary(key, sample)?;
            each(headline, &sample.videos)
        })
    }

    /// A campaign's stored days from `from` to `to` inclusive as a report reads them: each
    /// video's text copied once for the period, not once for every day that sampled it.
    pub fn period(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<StoredPeriod, StoreError> {
        let mut period = StoredPeriod::default();
        self.for_each_day_videos::<StoreError>(campaign, from, to, |headline, videos| {
            period.push_day(headline, videos.iter().copied());
            Ok(())
        })?;
        Ok(period)
    }

    /// Each of a campaign's stored days from `from` to `to` inclusive, oldest first: which day
    /// it is, and the comments it read for the first time (none where it stored none).
    pub fn for_each_day_comments<E: From<StoreError>>(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
        mut each: impl FnMut(DayKey<'_>, &[CommentView<'_>]) -> Result<(), E>,
    ) -> Result<(), E> {
        for entry in self.day_entries(campaign, from, to) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let key = String::from_utf8_lossy(&key);
            let headline = self.plain_value("days", &key, &value)?;
            let day: DayKey = self.decode_binary(&key, &headline)?;
            let stored = self
                .day_comments
                .get(key.as_bytes())
                .map_err(|e| self.sled_err(e))?;
            let plain = stored
                .map(|stored| self.plain_value("day_comments", &key, &stored))
                .transpose()?;
            let comments: Vec<CommentView> = match &plain {
                Some(plain) => self.decode_binary(&key, plain)?,
                None => Vec::new(),
            };
            each(day, &comments)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{date, day, video};

    fn comment(n: u32) -> ReadComment {
        ReadComment {
            id: format!("c{n}"),
            video_id: "v1".into(),
            text: format!("«{n}» \"quoted\",\nline two 🎉"),
            created_at: 1_793_000_000 + i64::from(n),
            likes: u64::from(n),
            score: (n > 0).then_some(0.25 * n as f32),
            language: n.is_multiple_of(2).then(|| "es".to_string()),
        }
    }

    #[test]
    fn stored_days_read_in_place_as_their_videos_and_comments() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let mut stored = Vec::new();
        for (n, on) in ["2026-11-01", "2026-11-02", "2026-11-04"]
            .iter()
            .enumerate()
        {
            let mut d = day(on, 1_000, 10);
            d.videos = (0..n + 1)
                .map(|i| video(&format!("v{i}"), &format!("@m{i}"), 100 * i as u64, on))
                .collect();
            let comments: Vec<ReadComment> = (0..2 * n as u32).map(comment).collect();
            store.put_day(&d, &comments).unwrap();
            stored.push((d, comments));
        }
        let (from, to) = (date("2026-11-02"), date("2026-11-30"));

        let mut videos_read = Vec::new();
        store
            .for_each_day_videos::<StoreError>("spring", from, to, |headline, videos| {
                let (stored_day, _) = stored
                    .iter()
                    .find(|(d, _)| d.date == headline.day.date)
                    .unwrap();
                let expected: Vec<VideoView> =
                    stored_day.videos.iter().map(VideoView::from).collect();
                assert_eq!(videos, expected, "{}", headline.day.date);
                videos_read.push((headline.day.date, headline.sample.videos));
                Ok(())
            })
            .unwrap();
        let mut comments_read = Vec::new();
        store
            .for_each_day_comments::<StoreError>("spring", from, to, |key, comments| {
                comments_read.push((key.date, key.client_id.to_string(), comments.len()));
                for (read, (n, expected)) in comments.iter().zip(stored_comments(&stored, key)) {
                    assert_eq!(*read, CommentView::from(expected), "comment {n}");
                }
                Ok(())
            })
            .unwrap();

        assert_eq!(
            videos_read,
            [(date("2026-11-02"), 2), (date("2026-11-04"), 3)]
        );
        assert_eq!(
            comments_read,
            [
                (date("2026-11-02"), "acme".to_string(), 2),
                (date("2026-11-04"), "acme".to_string(), 4)
            ]
        );
    }

    #[test]
    fn a_period_read_in_place_is_the_period_of_its_whole_days() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        for (n, on) in ["2026-11-01", "2026-11-02", "2026-11-03"]
            .iter()
            .enumerate()
        {
            let mut d = day(on, 1_000, 10);
            let mut growing = video("v0", "@m0", 100 * (n as u64 + 1), "2026-11-01");
            growing.caption = format!("caption as of {on}");
            if n == 2 {
                growing.creator = "@renamed".into();
            }
            // Listed twice on the second day (under two hashtags), the later listing fresher.
            let mut twice = video("v1", "@m1", 50, on);
            let mut fresher = twice.clone();
            fresher.stats.plays = 60;
            twice.caption = "stale".into();
            d.videos = match n {
                1 => vec![growing, twice, fresher],
                _ => vec![growing],
            };
            store.put_day(&d, &[]).unwrap();
        }
        let (from, to) = (date("2026-11-01"), date("2026-11-03"));

        let period = store.period("spring", from, to).unwrap();

        assert_eq!(
            period,
            StoredPeriod::of_days(store.days("spring", from, to).unwrap())
        );
        let mut latest: Vec<_> = period
            .latest_videos()
            .map(|(on, v)| {
                (
                    on,
                    v.id.as_str(),
                    v.creator.as_str(),
                    v.caption.as_str(),
                    v.stats.plays,
                )
            })
            .collect();
        latest.sort();
        assert_eq!(
            latest,
            [
                (date("2026-11-02"), "v1", "@m1", "video v1 #tryacme", 60),
                (
                    date("2026-11-03"),
                    "v0",
                    "@renamed",
                    "caption as of 2026-11-03",
                    300
                ),
            ]
        );
        assert_eq!(period.days.len(), 3);
        assert!(period.days.iter().all(|h| h.day.videos.is_empty()));
    }

    #[test]
    fn a_sample_stored_without_its_day_is_passed_over() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        for on in ["2026-11-01", "2026-11-02", "2026-11-03"] {
            let mut d = day(on, 1_000, 10);
            d.videos = vec![video(&format!("v-{on}"), "@m", 100, on)];
            store.put_day(&d, &[]).unwrap();
        }
        // As in a backup copied while the second day was being stored.
        store.days.remove("spring/2026-11-02").unwrap();
        let (from, to) = (date("2026-11-01"), date("2026-11-03"));

        let dates: Vec<_> = store
            .days("spring", from, to)
            .unwrap()
            .iter()
            .map(|d| d.date)
            .collect();
        assert_eq!(dates, [from, to]);
        assert_eq!(store.period("spring", from, to).unwrap().days.len(), 2);
    }

    fn stored_comments<'a>(
        stored: &'a [(crate::domain::DayMetrics, Vec<ReadComment>)],
        key: DayKey<'_>,
    ) -> impl Iterator<Item = (usize, &'a ReadComment)> {
        let (_, comments) = stored.iter().find(|(d, _)| d.date == key.date).unwrap();
        comments.iter().enumerate()
    }

    #[test]
    fn a_damaged_comment_record_is_an_error_naming_its_day() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        store
            .put_day(&day("2026-11-01", 1_000, 10), &[comment(1)])
            .unwrap();
        store.damage("day_comments", "spring/2026-11-01");
        let read = store.for_each_day_comments::<StoreError>(
            "spring",
            date("2026-11-01"),
            date("2026-11-01"),
            |_, _| Ok(()),
        );
        assert!(
            matches!(&read, Err(StoreError::Corrupt { key, .. }) if key == "spring/2026-11-01"),
            "{read:?}"
        );
    }
}
