//! Computed days as zstd-compressed JSON files beside the sled store,
//! `days/{campaign}/{date}.json.zst`, written (atomically, by rename) each time a day is stored.
//! sled lets one process open a store, and a run holds it for hours at 10 requests a minute:
//! reports read these files meanwhile, so an agency is never locked out of what is already
//! computed. The store stays the source of truth; these are a copy of the `days` tree,
//! rewritten whenever a day is (under `serve` too, so that a later `run --date` or a report
//! during a cron run still finds every day). Copies written before they were compressed
//! (`{date}.json`) are still read, and replaced when their day is stored again.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::StoreError;
use crate::domain::{DayHeadline, DayMetrics, StoredPeriod};

/// What reports read: stored days of a campaign (from several threads at once).
pub trait DayReader: Sync {
    /// The oldest and newest stored dates of a campaign, if it has any.
    fn date_range(&self, campaign: &str) -> Result<Option<(NaiveDate, NaiveDate)>, StoreError>;
    /// Stored days of a campaign from `from` to `to` inclusive, oldest first.
    fn days(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayMetrics>, StoreError>;

    /// The same days as a report reads them: their headlines, and each distinct video once.
    fn period(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<StoredPeriod, StoreError> {
        Ok(StoredPeriod::of_days(self.days(campaign, from, to)?))
    }

    /// The same days without their video samples, for what does not list videos.
    fn headlines(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayHeadline>, StoreError> {
        Ok(self
            .days(campaign, from, to)?
            .into_iter()
            .map(|day| DayHeadline::split(day).0)
            .collect())
    }

    /// Of the comments a campaign read for the first time on `date`, the ones a report may
    /// quote, with their scores; none where they are not kept (the day copies a run writes
    /// hold no comments).
    fn quotable_comments(
        &self,
        _campaign: &str,
        _date: NaiveDate,
    ) -> Result<Vec<crate::store::ReadComment>, StoreError> {
        Ok(Vec::new())
    }
}

/// A copy's file name after its date, and before copies were compressed.
const COMPRESSED: &str = ".json.zst";
const PLAIN: &str = ".json";
/// A day's JSON shrinks some fivefold at zstd's default level (3); level 19 takes another 15 %
/// off for a few milliseconds a day, which a run (paced by the API, minutes a campaign) never
/// feels.
const COPY_LEVEL: i32 = 19;

pub struct DayMirror {
    dir: PathBuf,
}

impl DayMirror {
    /// The mirror of the store in `store_dir`: `days/` beside it.
    pub fn beside(store_dir: &Path) -> DayMirror {
        DayMirror {
            dir: store_dir.with_file_name("days"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    pub(super) fn put(&self, day: &DayMetrics) -> Result<(), StoreError> {
        let dir = self.dir.join(&day.campaign_id);
        let io = |error| StoreError::io(&dir, error);
        std::fs::create_dir_all(&dir).map_err(io)?;
        let file = dir.join(format!("{}{COMPRESSED}", day.date));
        let partial = dir.join(format!(".{}{COMPRESSED}.partial", day.date));
        let json = serde_json::to_vec(day).expect("stored types always serialize");
        // In one call, so that zstd sizes its tables to the day (a stream at level 19 would
        // set up for megabytes: some 100 MB of tables for every copy).
        let bytes = zstd::bulk::compress(&json, COPY_LEVEL).map_err(io)?;
        std::fs::write(&partial, bytes).map_err(io)?;
        std::fs::rename(&partial, &file).map_err(io)?;
        // A copy from before they were compressed would shadow nothing, but it is stale.
        let legacy = dir.join(format!("{}{PLAIN}", day.date));
        match std::fs::remove_file(&legacy) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(()),
        }
    }

    /// Removes the copy of a campaign-day, if there is one.
    pub(super) fn forget(&self, campaign: &str, date: NaiveDate) -> Result<(), StoreError> {
        for suffix in [COMPRESSED, PLAIN] {
            let file = self.dir.join(campaign).join(format!("{date}{suffix}"));
            match std::fs::remove_file(&file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(StoreError::io(&file, e));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The dates with a file, in order.
    fn dates(&self, campaign: &str) -> Result<Vec<NaiveDate>, StoreError> {
        let dir = self.dir.join(campaign);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(StoreError::io(&dir, error)),
        };
        let mut dates: Vec<NaiveDate> = entries
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().into_string().ok()?;
                let date = name.strip_suffix(COMPRESSED).or(name.strip_suffix(PLAIN))?;
                date.parse().ok()
            })
            .collect();
        dates.sort();
        dates.dedup();
        Ok(dates)
    }
}

impl DayReader for DayMirror {
    fn date_range(&self, campaign: &str) -> Result<Option<(NaiveDate, NaiveDate)>, StoreError> {
        let dates = self.dates(campaign)?;
        Ok(dates.first().copied().zip(dates.last().copied()))
    }

    fn days(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayMetrics>, StoreError> {
        self.dates(campaign)?
            .into_iter()
            .filter(|date| (from..=to).contains(date))
            .map(|date| {
                let compressed = self.dir.join(campaign).join(format!("{date}{COMPRESSED}"));
                let (path, bytes) = match std::fs::read(&compressed) {
                    Ok(bytes) => {
                        let json = zstd::decode_all(bytes.as_slice())
                            .map_err(|error| StoreError::io(&compressed, error))?;
                        (compressed, json)
                    }
                    Err(_) => {
                        let plain = self.dir.join(campaign).join(format!("{date}{PLAIN}"));
                        let bytes =
                            std::fs::read(&plain).map_err(|error| StoreError::io(&plain, error))?;
                        (plain, bytes)
                    }
                };
                serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                    path: path.clone(),
                    key: format!("{campaign}/{date}"),
                    reason: e.to_string(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_compressed_and_old_plain_ones_still_read_until_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let mirror = DayMirror::beside(&dir.path().join("store"));
        let day = crate::fixtures::day("2026-11-02", 1_000, 10);
        let older = crate::fixtures::day("2026-11-01", 900, 9);
        // A copy from before compression, as an earlier version wrote it.
        let plain = mirror.path().join(&older.campaign_id);
        std::fs::create_dir_all(&plain).unwrap();
        std::fs::write(
            plain.join("2026-11-01.json"),
            serde_json::to_vec(&older).unwrap(),
        )
        .unwrap();
        mirror.put(&day).unwrap();
        let file = plain.join("2026-11-02.json.zst");
        let json = serde_json::to_vec(&day).unwrap();
        assert!(std::fs::metadata(&file).unwrap().len() < json.len() as u64);
        let (first, last) = mirror.date_range(&day.campaign_id).unwrap().unwrap();
        let read = mirror.days(&day.campaign_id, first, last).unwrap();
        assert_eq!(read, vec![older.clone(), day.clone()]);

        mirror.put(&older).unwrap();
        assert!(!plain.join("2026-11-01.json").exists());
        assert_eq!(mirror.days(&day.campaign_id, first, last).unwrap().len(), 2);
        mirror.forget(&day.campaign_id, day.date).unwrap();
        assert_eq!(
            mirror.days(&day.campaign_id, first, last).unwrap(),
            vec![older]
        );
    }
}
