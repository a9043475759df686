//! Computed days as JSON files beside the sled store, `days/{campaign}/{date}.json`, written
//! (atomically, by rename) each time a day is stored. sled lets one process open a store, and a
//! run holds it for hours at 10 requests a minute: reports read these files meanwhile, so an
//! agency is never locked out of what is already computed. The store stays the source of truth;
//! these are a copy of the `days` tree, rewritten whenever a day is.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::StoreError;
use crate::domain::DayMetrics;

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

    /// The comments a campaign read for the first time on `date`, with their scores; none
    /// where they are not kept (the day copies a run writes hold no comments).
    fn comments_first_read_on(
        &self,
        _campaign: &str,
        _date: NaiveDate,
    ) -> Result<Vec<crate::store::ReadComment>, StoreError> {
        Ok(Vec::new())
    }
}

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
        let file = dir.join(format!("{}.json", day.date));
        let partial = dir.join(format!(".{}.json.partial", day.date));
        let bytes = serde_json::to_vec(day).expect("stored types always serialize");
        std::fs::write(&partial, bytes).map_err(io)?;
        std::fs::rename(&partial, &file).map_err(io)
    }

    /// Removes the copy of a campaign-day, if there is one.
    pub(super) fn forget(&self, campaign: &str, date: NaiveDate) -> Result<(), StoreError> {
        let file = self.dir.join(campaign).join(format!("{date}.json"));
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::io(&file, e)),
            _ => Ok(()),
        }
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
                name.strip_suffix(".json")?.parse().ok()
            })
            .collect();
        dates.sort();
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
                let path = self.dir.join(campaign).join(format!("{date}.json"));
                let bytes = std::fs::read(&path).map_err(|error| StoreError::io(&path, error))?;
                serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                    path: path.clone(),
                    key: format!("{campaign}/{date}"),
                    reason: e.to_string(),
                })
            })
            .collect()
    }
}
