//! The sled store: raw API responses, computed days, per-video history.
//!
//! Owns the key layout and the schema version. Every paid response is written and flushed
//! before the caller may make another request, so a crash never costs a credit twice and any
//! day can be recomputed (re-scored) without the API. Does not call the API or compute metrics.
//!
//! Layout (one sled tree each; dates are `YYYY-MM-DD`, so keys sort by date):
//! - `meta`:        `schema_version` → decimal text
//! - `raw`:         `{date}/{request key}` → [`RawSnapshot`] (JSON)
//! - `days`:        `{campaign}/{date}` → [`DayMetrics`] (JSON)
//! - `first_seen`:  `{campaign}/{video id}` → [`FirstSeen`] (JSON)
//! - `video_stats`: `{campaign}/{video id}/{date}` → [`VideoStats`] (JSON)
//! - `hashtag_ids`: `{hashtag name}` → the provider's id (it never changes)
//! - `comments`:    `{campaign}/{comment id}` → [`FirstSeen`] of the comment (its video as
//!   `hashtag`): each comment is read, stored and scored once
//! - `comment_reads`: `{campaign}/{video id}/{date}` → [`CommentRead`]: how far a video's
//!   comments had been read by the end of that day, so the next day continues past it
//!
//! Beside the store, `days/{campaign}/{date}.json` copies each computed day ([`DayMirror`]) so
//! that reports can read while a run holds sled's lock.

mod mirror;

use std::collections::HashMap;

use sled::Transactional;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::alerts::outbox::{self, OutboxEntry};
use crate::domain::{DayMetrics, VideoStats};

pub use mirror::{DayMirror, DayReader};

/// Bumped whenever the layout or a stored type changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store at {path}: {error}")]
    Sled { path: PathBuf, error: sled::Error },
    #[error(
        "the store at {path} is in use by another hashtrack (a run still going?): wait for it to finish, then try again"
    )]
    Locked { path: PathBuf },
    #[error(
        "the store at {path} is damaged and cannot be opened ({reason}): move it aside (or restore a copy) and run again; what it held would have to be collected again"
    )]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "no store at {path}: nothing has been collected there yet (run `hashtrack run` or `hashtrack demo`, or check --data-dir)"
    )]
    Missing { path: PathBuf },
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("store at {path}: schema version {found}, this build reads version {expected}")]
    SchemaMismatch {
        path: PathBuf,
        found: String,
        expected: u32,
    },
    #[error("store at {path}: corrupt entry {key}: {reason}")]
    Corrupt {
        path: PathBuf,
        key: String,
        reason: String,
    },
}

/// One paid response exactly as received, with who paid for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawSnapshot {
    /// The campaign whose budget paid; others reading the same response paid nothing.
    pub paid_by: String,
    pub credits: u32,
    /// Unix seconds when it was received.
    pub fetched_at: i64,
    /// The response body (the provider's JSON, as text).
    pub body: String,
}

/// When and where a video first appeared in a campaign's sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstSeen {
    pub date: NaiveDate,
    pub hashtag: String,
}

/// How far a video's comments had been read by the end of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentRead {
    /// The video's comment count (replies included) in that day's feed.
    pub comment_count: u64,
    /// The cursor after the last page read: where the next read continues.
    pub next_cursor: String,
    /// The last page read said there were no more.
    pub reached_end: bool,
}

pub struct Store {
    path: PathBuf,
    db: sled::Db,
    raw: sled::Tree,
    days: sled::Tree,
    first_seen: sled::Tree,
    video_stats: sled::Tree,
    hashtag_ids: sled::Tree,
    comments: sled::Tree,
    comment_reads: sled::Tree,
    /// Alerts and their deliveries (`crate::alerts::outbox`), by campaign/date/rule.
    outbox: sled::Tree,
}

impl Store {
    /// Opens the existing store in `dir` (for commands that only read), refusing to create one.
    pub fn open_existing(dir: &Path) -> Result<Store, StoreError> {
        if !dir.join("db").is_file() {
            return Err(StoreError::Missing {
                path: dir.to_path_buf(),
            });
        }
        Store::open(dir)
    }

    /// Opens (or creates) the store in `dir`, refusing a store of another schema version.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let path = dir.to_path_buf();
        let sled_err = |error| StoreError::Sled {
            path: path.clone(),
            error,
        };
        // A store that had been written has its schema version: one that lost it was cut short.
        let written_before = std::fs::metadata(dir.join("db")).is_ok_and(|m| m.len() > 0);
        let db = open_sled(dir)?;
        let meta = db.open_tree("meta").map_err(sled_err)?;
        let expected = SCHEMA_VERSION.to_string();
        match meta.get("schema_version").map_err(sled_err)? {
            None if written_before => {
                return Err(StoreError::Damaged {
                    path,
                    reason: "its records no longer read back; was its file cut short?".into(),
                });
            }
            None => {
                meta.insert("schema_version", expected.as_bytes())
                    .map_err(sled_err)?;
            }
            Some(found) if found.as_ref() == expected.as_bytes() => {}
            Some(found) => {
                return Err(StoreError::SchemaMismatch {
                    path,
                    found: String::from_utf8_lossy(&found).into_owned(),
                    expected: SCHEMA_VERSION,
                });
            }
        }
        let tree = |name: &str| db.open_tree(name).map_err(sled_err);
        Ok(Store {
            raw: tree("raw")?,
            days: tree("days")?,
            first_seen: tree("first_seen")?,
            video_stats: tree("video_stats")?,
            hashtag_ids: tree("hashtag_ids")?,
            comments: tree("comments")?,
            comment_reads: tree("comment_reads")?,
            outbox: tree("outbox")?,
            db,
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sled_err(&self, error: sled::Error) -> StoreError {
        StoreError::Sled {
            path: self.path.clone(),
            error,
        }
    }

    fn get_json<T: for<'de> Deserialize<'de>>(
        &self,
        tree: &sled::Tree,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        match tree.get(key).map_err(|e| self.sled_err(e))? {
            None => Ok(None),
            Some(bytes) => self.decode(key, &bytes).map(Some),
        }
    }

    fn decode<T: for<'de> Deserialize<'de>>(
        &self,
        key: &str,
        bytes: &[u8],
    ) -> Result<T, StoreError> {
        serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            key: key.to_string(),
            reason: e.to_string(),
        })
    }

    fn put_json<T: Serialize>(
        &self,
        tree: &sled::Tree,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).expect("stored types always serialize");
        tree.insert(key, bytes).map_err(|e| self.sled_err(e))?;
        Ok(())
    }

    /// Makes everything written so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| self.sled_err(e))?;
        Ok(())
    }

    pub fn raw(
        &self,
        date: NaiveDate,
        request_key: &str,
    ) -> Result<Option<RawSnapshot>, StoreError> {
        self.get_json(&self.raw, &format!("{date}/{request_key}"))
    }

    /// Stores a paid response and flushes it to disk before returning.
    pub fn put_raw(
        &self,
        date: NaiveDate,
        request_key: &str,
        snapshot: &RawSnapshot,
    ) -> Result<(), StoreError> {
        self.put_json(&self.raw, &format!("{date}/{request_key}"), snapshot)?;
        self.flush()
    }

    /// Every stored paid response with its `{date}/{request key}` key, in key order.
    pub fn raw_entries(
        &self,
    ) -> impl Iterator<Item = Result<(String, RawSnapshot), StoreError>> + '_ {
        self.raw.iter().map(|entry| {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let key = String::from_utf8_lossy(&key).into_owned();
            let snapshot = self.decode(&key, &value)?;
            Ok((key, snapshot))
        })
    }

    /// Credits paid on `date`, per paying campaign, across every run of that day.
    pub fn credits_spent_on(&self, date: NaiveDate) -> Result<HashMap<String, u32>, StoreError> {
        let mut spent = HashMap::new();
        for entry in self.raw.scan_prefix(format!("{date}/")) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let snapshot: RawSnapshot = self.decode(&String::from_utf8_lossy(&key), &value)?;
            *spent.entry(snapshot.paid_by).or_insert(0) += snapshot.credits;
        }
        Ok(spent)
    }

    pub fn hashtag_id(&self, name: &str) -> Result<Option<String>, StoreError> {
        let value = self.hashtag_ids.get(name).map_err(|e| self.sled_err(e))?;
        Ok(value.map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    pub fn put_hashtag_id(&self, name: &str, id: &str) -> Result<(), StoreError> {
        self.hashtag_ids
            .insert(name, id.as_bytes())
            .map_err(|e| self.sled_err(e))?;
        Ok(())
    }

    /// Records that `video_id` was in the sample on `date`; returns its first-seen record
    /// (the earliest date of any run, so re-running an old day moves it back, never forward).
    pub fn note_seen(
        &self,
        campaign: &str,
        video_id: &str,
        date: NaiveDate,
        hashtag: &str,
    ) -> Result<FirstSeen, StoreError> {
        self.note_first_seen(&self.first_seen, campaign, video_id, date, hashtag)
    }

    /// Records that comment `comment_id` (of `video_id`) was read on `date`; returns the
    /// earliest date it was read, as [`Store::note_seen`] does for videos.
    pub fn note_comment_read(
        &self,
        campaign: &str,
        comment_id: &str,
        date: NaiveDate,
        video_id: &str,
    ) -> Result<FirstSeen, StoreError> {
        self.note_first_seen(&self.comments, campaign, comment_id, date, video_id)
    }

    /// The ids of the comments a campaign read for the first time on `date`.
    pub fn comments_first_read_on(
        &self,
        campaign: &str,
        date: NaiveDate,
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let prefix = format!("{campaign}/");
        let mut ids = std::collections::HashSet::new();
        for entry in self.comments.scan_prefix(&prefix) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let key = String::from_utf8_lossy(&key).into_owned();
            let seen: FirstSeen = self.decode(&key, &value)?;
            if seen.date == date {
                ids.insert(key[prefix.len()..].to_string());
            }
        }
        Ok(ids)
    }

    fn note_first_seen(
        &self,
        tree: &sled::Tree,
        campaign: &str,
        id: &str,
        date: NaiveDate,
        hashtag: &str,
    ) -> Result<FirstSeen, StoreError> {
        let key = format!("{campaign}/{id}");
        let existing: Option<FirstSeen> = self.get_json(tree, &key)?;
        match existing {
            Some(seen) if seen.date <= date => Ok(seen),
            _ => {
                let seen = FirstSeen {
                    date,
                    hashtag: hashtag.to_string(),
                };
                self.put_json(tree, &key, &seen)?;
                Ok(seen)
            }
        }
    }

    /// Distinct videos of `hashtag` seen in the campaign's samples on or before `date`.
    pub fn distinct_videos_seen(
        &self,
        campaign: &str,
        hashtag: &str,
        date: NaiveDate,
    ) -> Result<u64, StoreError> {
        let mut count = 0;
        for entry in self.first_seen.scan_prefix(format!("{campaign}/")) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let seen: FirstSeen = self.decode(&String::from_utf8_lossy(&key), &value)?;
            if seen.hashtag == hashtag && seen.date <= date {
                count += 1;
            }
        }
        Ok(count)
    }

    pub fn put_video_stats(
        &self,
        campaign: &str,
        video_id: &str,
        date: NaiveDate,
        stats: &VideoStats,
    ) -> Result<(), StoreError> {
        self.put_json(
            &self.video_stats,
            &format!("{campaign}/{video_id}/{date}"),
            stats,
        )
    }

    /// One video's daily counters, oldest first.
    pub fn video_history(
        &self,
        campaign: &str,
        video_id: &str,
    ) -> Result<Vec<(NaiveDate, VideoStats)>, StoreError> {
        let prefix = format!("{campaign}/{video_id}/");
        let mut history = Vec::new();
        for entry in self.video_stats.scan_prefix(&prefix) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let key = String::from_utf8_lossy(&key).into_owned();
            let date =
                key[prefix.len()..]
                    .parse::<NaiveDate>()
                    .map_err(|e| StoreError::Corrupt {
                        path: self.path.clone(),
                        key: key.clone(),
                        reason: e.to_string(),
                    })?;
            history.push((date, self.decode(&key, &value)?));
        }
        Ok(history)
    }

    pub fn put_comment_read(
        &self,
        campaign: &str,
        video_id: &str,
        date: NaiveDate,
        read: &CommentRead,
    ) -> Result<(), StoreError> {
        self.put_json(
            &self.comment_reads,
            &format!("{campaign}/{video_id}/{date}"),
            read,
        )
    }

    /// How far the video's comments had been read by the end of the latest day before `date`.
    pub fn comment_read_before(
        &self,
        campaign: &str,
        video_id: &str,
        date: NaiveDate,
    ) -> Result<Option<CommentRead>, StoreError> {
        self.latest_before(
            &self.comment_reads,
            &format!("{campaign}/{video_id}/"),
            date,
        )
    }

    /// The entry of `tree` with the greatest `{prefix}{date}` key before `{prefix}{date}`.
    fn latest_before<T: for<'de> Deserialize<'de>>(
        &self,
        tree: &sled::Tree,
        prefix: &str,
        date: NaiveDate,
    ) -> Result<Option<T>, StoreError> {
        let end = format!("{prefix}{date}");
        match tree.range(prefix.as_bytes()..end.as_bytes()).next_back() {
            None => Ok(None),
            Some(entry) => {
                let (key, value) = entry.map_err(|e| self.sled_err(e))?;
                self.decode(&String::from_utf8_lossy(&key), &value)
                    .map(Some)
            }
        }
    }

    /// Stores a computed day and flushes: the end of one unit of work. Its copy for readers
    /// during a run ([`DayMirror`]) follows.
    ///
    /// The day's alerts go into the outbox in the same transaction: a new alert gets its
    /// record, one the day no longer raises is withdrawn, one already recorded is left as it
    /// is (so a re-run never sends it twice).
    pub fn put_day(&self, day: &DayMetrics) -> Result<(), StoreError> {
        let key = format!("{}/{}", day.campaign_id, day.date);
        let existing = self.outbox_of_day(&day.campaign_id, day.date)?;
        let changes = outbox::reconcile(day, &existing, chrono::Utc::now().timestamp());
        let day_bytes = serde_json::to_vec(day).expect("stored types always serialize");
        let entries: Vec<(String, Vec<u8>)> = changes
            .iter()
            .map(|e| {
                (
                    e.key(),
                    serde_json::to_vec(e).expect("stored types always serialize"),
                )
            })
            .collect();
        (&self.days, &self.outbox)
            .transaction(|(days, outbox)| {
                days.insert(key.as_bytes(), day_bytes.as_slice())?;
                for (entry_key, bytes) in &entries {
                    outbox.insert(entry_key.as_bytes(), bytes.as_slice())?;
                }
                Ok::<(), sled::transaction::ConflictableTransactionError<()>>(())
            })
            .map_err(|e| match e {
                sled::transaction::TransactionError::Storage(e) => self.sled_err(e),
                sled::transaction::TransactionError::Abort(()) => unreachable!("never aborted"),
            })?;
        self.flush()?;
        DayMirror::beside(&self.path).put(day)
    }

    /// The outbox records of one campaign-day.
    fn outbox_of_day(
        &self,
        campaign: &str,
        date: NaiveDate,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        self.scan_outbox(&outbox::day_prefix(campaign, date))
    }

    /// Every outbox record, by campaign, date and rule.
    pub fn outbox_entries(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        self.scan_outbox("")
    }

    fn scan_outbox(&self, prefix: &str) -> Result<Vec<OutboxEntry>, StoreError> {
        self.outbox
            .scan_prefix(prefix)
            .map(|item| {
                let (key, bytes) = item.map_err(|e| self.sled_err(e))?;
                self.decode(&String::from_utf8_lossy(&key), &bytes)
            })
            .collect()
    }

    /// Records a delivery's progress, durably: a crash after a send and before this repeats
    /// that one send at most (receivers can deduplicate on its id).
    pub fn put_outbox_entry(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.put_json(&self.outbox, &entry.key(), entry)?;
        self.flush()
    }

    pub fn day(&self, campaign: &str, date: NaiveDate) -> Result<Option<DayMetrics>, StoreError> {
        self.get_json(&self.days, &format!("{campaign}/{date}"))
    }

    /// Stored days of a campaign from `from` to `to` inclusive, oldest first.
    pub fn days(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayMetrics>, StoreError> {
        let start = format!("{campaign}/{from}");
        let end = format!("{campaign}/{to}");
        self.days
            .range(start.as_bytes()..=end.as_bytes())
            .map(|entry| {
                let (key, value) = entry.map_err(|e| self.sled_err(e))?;
                self.decode(&String::from_utf8_lossy(&key), &value)
            })
            .collect()
    }

    /// The latest stored day of a campaign strictly before `date`.
    pub fn day_before(
        &self,
        campaign: &str,
        date: NaiveDate,
    ) -> Result<Option<DayMetrics>, StoreError> {
        self.latest_before(&self.days, &format!("{campaign}/"), date)
    }

    /// The oldest and newest stored dates of a campaign, if it has any.
    pub fn date_range(&self, campaign: &str) -> Result<Option<(NaiveDate, NaiveDate)>, StoreError> {
        let prefix = format!("{campaign}/");
        let mut keys = self.days.scan_prefix(&prefix).keys();
        let date = |key: Option<Result<sled::IVec, sled::Error>>| -> Result<Option<NaiveDate>, StoreError> {
            match key {
                None => Ok(None),
                Some(key) => {
                    let key = key.map_err(|e| self.sled_err(e))?;
                    Ok(String::from_utf8_lossy(&key)[prefix.len()..].parse().ok())
                }
            }
        };
        let first = date(keys.next())?;
        let last = date(keys.next_back())?.or(first);
        Ok(first.zip(last))
    }
}

/// What [`Store::verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreCheck {
    /// Entries read, per tree.
    pub entries: Vec<(String, u64)>,
    /// Entries that did not decode, as `tree: key: reason`.
    pub problems: Vec<String>,
}

impl Store {
    /// Reads every entry of every tree and decodes the JSON ones: what `store check` reports.
    pub fn verify(&self) -> Result<StoreCheck, StoreError> {
        let mut check = StoreCheck::default();
        let trees: [(&str, &sled::Tree, bool); 8] = [
            ("raw", &self.raw, true),
            ("days", &self.days, true),
            ("first_seen", &self.first_seen, true),
            ("video_stats", &self.video_stats, true),
            ("hashtag_ids", &self.hashtag_ids, false),
            ("comments", &self.comments, true),
            ("comment_reads", &self.comment_reads, true),
            ("outbox", &self.outbox, true),
        ];
        for (name, tree, json) in trees {
            let mut count = 0;
            for entry in tree.iter() {
                let (key, value) = entry.map_err(|e| self.sled_err(e))?;
                count += 1;
                if json && let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&value) {
                    check
                        .problems
                        .push(format!("{name}: {}: {e}", String::from_utf8_lossy(&key)));
                }
            }
            check.entries.push((name.to_string(), count));
        }
        Ok(check)
    }
}

impl DayReader for Store {
    fn date_range(&self, campaign: &str) -> Result<Option<(NaiveDate, NaiveDate)>, StoreError> {
        Store::date_range(self, campaign)
    }

    fn days(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayMetrics>, StoreError> {
        Store::days(self, campaign, from, to)
    }
}

/// `sled::open`, with its failures named: another process holding the lock, and a damaged
/// file (sled panics on some truncated files rather than returning an error).
fn open_sled(dir: &Path) -> Result<sled::Db, StoreError> {
    let path = dir.to_path_buf();
    // Quiet while opening: a panic here is reported as the error below, not as a crash.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let opened = std::panic::catch_unwind(|| sled::open(dir));
    std::panic::set_hook(hook);
    match opened {
        Ok(Ok(db)) => Ok(db),
        // sled reports its file lock held elsewhere only in the message.
        Ok(Err(sled::Error::Io(e)))
            if e.kind() == std::io::ErrorKind::WouldBlock
                || e.to_string().contains("could not acquire lock") =>
        {
            Err(StoreError::Locked { path })
        }
        Ok(Err(sled::Error::Corruption { .. })) => Err(StoreError::Damaged {
            path,
            reason: "its files do not read back".into(),
        }),
        Ok(Err(error)) => Err(StoreError::Sled { path, error }),
        Err(panic) => Err(StoreError::Damaged {
            path,
            reason: panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or(panic.downcast_ref::<&str>().copied())
                .unwrap_or("sled gave up reading it")
                .to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn raw_snapshots_survive_reopen_and_count_credits_per_payer() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let snap = |who: &str| RawSnapshot {
                paid_by: who.into(),
                credits: 1,
                fetched_at: 0,
                body: "{}".into(),
            };
            store
                .put_raw(date("2026-11-02"), "hashtag/a", &snap("one"))
                .unwrap();
            store
                .put_raw(date("2026-11-02"), "hashtag/b", &snap("two"))
                .unwrap();
            store
                .put_raw(date("2026-11-02"), "videos/1/0/30", &snap("one"))
                .unwrap();
            store
                .put_raw(date("2026-11-03"), "hashtag/a", &snap("one"))
                .unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert!(
            store
                .raw(date("2026-11-02"), "hashtag/a")
                .unwrap()
                .is_some()
        );
        let spent = store.credits_spent_on(date("2026-11-02")).unwrap();
        assert_eq!(spent.get("one"), Some(&2));
        assert_eq!(spent.get("two"), Some(&1));
    }

    #[test]
    fn a_store_in_use_is_named_as_such_and_a_missing_one_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let _held = Store::open(dir.path()).unwrap();
        let err = Store::open(dir.path()).err().unwrap().to_string();
        assert!(err.contains("in use by another hashtrack"), "{err}");
        let missing = dir.path().join("typo");
        let err = Store::open_existing(&missing).err().unwrap().to_string();
        assert!(err.contains("no store at"), "{err}");
        assert!(!missing.exists());
    }

    #[test]
    fn a_damaged_store_is_an_error_naming_its_path_never_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let snap = RawSnapshot {
                paid_by: "a".into(),
                credits: 1,
                fetched_at: 0,
                body: "{}".repeat(10_000),
            };
            for i in 0..50 {
                store
                    .put_raw(date("2026-11-02"), &format!("k{i}"), &snap)
                    .unwrap();
            }
        }
        let db = dir.path().join("db");
        let len = std::fs::metadata(&db).unwrap().len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&db)
            .unwrap()
            .set_len(len / 3)
            .unwrap();
        match Store::open(dir.path()) {
            Ok(store) => {
                // sled may recover what it can; reading must still not panic.
                let _ = store.credits_spent_on(date("2026-11-02"));
            }
            Err(e) => assert!(
                e.to_string().contains(&dir.path().display().to_string()),
                "{e}"
            ),
        }
    }

    #[test]
    fn a_store_of_another_schema_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let db = sled::open(dir.path()).unwrap();
            db.open_tree("meta")
                .unwrap()
                .insert("schema_version", "999")
                .unwrap();
            db.flush().unwrap();
        }
        let err = Store::open(dir.path()).err().unwrap().to_string();
        assert!(err.contains("schema version 999"), "{err}");
    }

    #[test]
    fn first_seen_keeps_the_earliest_date() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .note_seen("c", "v1", date("2026-11-05"), "tag")
            .unwrap();
        assert_eq!(
            store
                .note_seen("c", "v1", date("2026-11-07"), "tag")
                .unwrap()
                .date,
            date("2026-11-05")
        );
        assert_eq!(
            store
                .note_seen("c", "v1", date("2026-11-03"), "tag")
                .unwrap()
                .date,
            date("2026-11-03")
        );
        store
            .note_seen("c", "v2", date("2026-11-06"), "tag")
            .unwrap();
        assert_eq!(
            store
                .distinct_videos_seen("c", "tag", date("2026-11-05"))
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .distinct_videos_seen("c", "tag", date("2026-11-06"))
                .unwrap(),
            2
        );
    }

    #[test]
    fn a_videos_daily_counters_come_back_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let stats = |plays| VideoStats {
            plays,
            ..Default::default()
        };
        store
            .put_video_stats("c", "v1", date("2026-11-03"), &stats(30))
            .unwrap();
        store
            .put_video_stats("c", "v1", date("2026-11-01"), &stats(10))
            .unwrap();
        store
            .put_video_stats("c", "v10", date("2026-11-02"), &stats(99))
            .unwrap();
        let history = store.video_history("c", "v1").unwrap();
        assert_eq!(
            history,
            vec![
                (date("2026-11-01"), stats(10)),
                (date("2026-11-03"), stats(30))
            ]
        );
    }
}
