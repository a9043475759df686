//! The sled store: raw API responses, computed days, per-video history.
//!
//! Owns the key layout, the value encoding and the schema version. Every paid response is
//! written and flushed before the caller may make another request, so a crash never costs a
//! credit twice and any day can be recomputed (re-scored) without the API. Does not call the
//! API or compute metrics.
//!
//! Layout (one sled tree each; dates are `YYYY-MM-DD`, so keys sort by date):
//! - `meta`:        `schema_version` → decimal text; the compression dictionaries
//!   (`codec::dictionary_key`)
//! - `raw`:         `{date}/{request key}` → a [`RawSnapshot`]: its header (who paid, credits,
//!   when) as a JSON array, a newline, then the body compressed (`codec`)
//! - `days`:        `{campaign}/{date}` → the day's [`DayHeadline`] (binary, compressed):
//!   every figure of the day but its video sample, which is all most reports read
//! - `day_videos`:  `{campaign}/{date}` → the day's [`DaySample`] (binary, compressed): the
//!   tracked videos' daily counters and the day's top creators; written with the headline in
//!   one transaction
//! - `first_seen`:  `{campaign}/{video id}` → [`FirstSeen`] (JSON)
//! - `hashtag_ids`: `{hashtag name}` → the provider's id (it never changes)
//! - `day_comments`: `{campaign}/{date}` → the [`ReadComment`]s the campaign read for the first
//!   time that day, with their scores (binary, compressed): each comment is read, stored and
//!   scored once
//! - `day_quotes`: `{campaign}/{date}` → of those, the ones a report may quote: the day's
//!   most-liked of each tone (`ExampleComments::candidates`; binary, compressed), written with
//!   them, so that a report reads a handful of comments a day rather than all of them
//! - `comment_reads`: `{campaign}/{video id}/{date}` → [`CommentRead`]: how far a video's
//!   comments had been read by the end of that day, so the next day continues past it
//! - `outbox`: alerts and their deliveries (`crate::alerts::outbox`)
//! - `client_reports`: `{client}/{due date}` → [`MailedReport`]: each scheduled client report
//!   and where it stands (`crate::client_reports`)
//!
//! Schema history: version 1 kept every value as plain JSON, each video's counters again in a
//! `video_stats` tree and each comment in a `comments` tree; [`migrate`] turns such a store
//! into version 2 when it is opened. Version 2 kept each day whole as JSON and comments as
//! JSON; version 3 splits the day into headline and sample and writes the bulky records
//! (samples, comments) in a compact binary encoding (`postcard`), which decodes several times
//! faster. Version 4 writes the headlines in it too (a report reads two of them per day it
//! shows, and parsing their JSON was a quarter of its time). Version 5 adds `day_quotes`
//! (reading every comment of the period for its quotes was a third of a JSON report's time). A binary record names no fields,
//! so a field added to a stored type needs a schema version and a migration; reading an
//! older store goes through [`migrate`], which reads the JSON of earlier versions.
//!
//! Beside the store, `days/{campaign}/{date}.json` copies each computed day ([`DayMirror`]) so
//! that reports can read while a run holds sled's lock.
//!
//! Days are read whole ([`Store::days`]), as headlines ([`Store::headlines`]), or in place
//! ([`views`]: their videos and comments borrowed from the stored bytes, for exports).

mod codec;
mod migrate;
mod mirror;
mod views;

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sled::Transactional;

use crate::alerts::outbox::{self, OutboxEntry};
use crate::client_reports::{self, MailedReport};
use crate::domain::{DayHeadline, DayMetrics, DaySample, StoredPeriod};

use codec::Codec;
pub use mirror::{DayMirror, DayReader};
pub use views::CommentView;

/// Bumped whenever the layout or a stored type changes incompatibly; [`migrate`] knows how to
/// bring each earlier version up to it.
pub const SCHEMA_VERSION: u32 = 5;

/// sled's page cache when the configuration does not say: sled's own default (1 GiB) is most
/// of a run's memory and buys nothing for a once-a-day job.
pub const DEFAULT_CACHE_MIB: u64 = 64;

/// sled's page cache for commands that only read ([`Store::open_existing`]).
const READING_CACHE_MIB: u64 = 8;

/// sled's log segment size for stores this version creates (sled's default is 512 KiB).
/// Opening a store reads every segment's header, so a large store opens faster on larger
/// segments (1,000 campaigns × 365 days: 0.19 s at 64 KiB, 0.12 s at 256 KiB). But the file
/// grows a segment at a time, and sled cleans a segment only once half of it is stale, so a
/// small store stays closer to what it holds on smaller ones (the demo's 210 campaign-days
/// went over 25 KiB each at 512 KiB).
const SEGMENT_BYTES: usize = 256 * 1024;
/// How long a flush may take before the store is declared stuck.
const FLUSH_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);
/// The free space a run needs before it pays for a request: room for the response, the day's
/// records and a few of sled's segments.
const MIN_FREE_BYTES: u64 = 4 * 1024 * 1024;

/// The trees whose values go through [`Codec`] (and so get a dictionary).
const COMPRESSED_TREES: [&str; 5] = ["raw", "days", "day_videos", "day_comments", "day_quotes"];

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// The most memory sled's page cache may take.
    pub cache_mib: u64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            cache_mib: DEFAULT_CACHE_MIB,
        }
    }
}

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
    #[error("store at {path}: migrating it from schema version {from}: {reason}")]
    Migration {
        path: PathBuf,
        from: u32,
        reason: String,
    },
    #[error("store at {path}: corrupt entry {key}: {reason}")]
    Corrupt {
        path: PathBuf,
        key: String,
        reason: String,
    },
    #[error(
        "the disk holding {path} is full{}: free space (or move data_dir), then re-run the same date; everything stored so far is kept and is not paid for again",
        available.map(|bytes| format!(" ({} KiB left; a run needs {} KiB)", bytes / 1024, MIN_FREE_BYTES / 1024)).unwrap_or_default()
    )]
    Full {
        path: PathBuf,
        available: Option<u64>,
    },
    #[error(
        "the store at {path} did not finish writing within {} s: its disk is probably full or failing. Free space, then re-run the same date; everything stored so far is kept and is not paid for again",
        FLUSH_DEADLINE.as_secs()
    )]
    Stuck { path: PathBuf },
}

impl StoreError {
    /// An I/O error on `path`, told apart when it is a full disk (the fix is not the file's).
    pub fn io(path: &Path, error: std::io::Error) -> StoreError {
        if error.kind() == std::io::ErrorKind::StorageFull {
            StoreError::Full {
                path: path.to_path_buf(),
                available: None,
            }
        } else {
            StoreError::Io {
                path: path.to_path_buf(),
                error,
            }
        }
    }
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

/// A comment a campaign read for the first time on a day, as scored that day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadComment {
    pub id: String,
    pub video_id: String,
    pub text: String,
    /// Unix seconds.
    pub created_at: i64,
    pub likes: u64,
    /// The day's scorer's score in [-1, 1]; none when the day's comments could not be scored,
    /// when no scorer reads its language (or it was stored before scores were kept).
    pub score: Option<f32>,
    /// Its language (ISO 639-1, or `und`); none on comments stored before languages were told.
    #[serde(default)]
    pub language: Option<String>,
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
    /// The newest `create_time` among the video's comments seen by the end of that day (or the
    /// cutoff its first read used): the data's own clock. A comment never read and written
    /// after it is new at the next read, whatever the host's clock says.
    #[serde(default)]
    pub newest_seen_at: Option<i64>,
}

/// A computed day's records under its key, encoded for their trees, and its outbox records
/// brought up to date (key, bytes).
struct DayRecords {
    key: String,
    headline: Vec<u8>,
    sample: Vec<u8>,
    comments: Vec<u8>,
    quotes: Vec<u8>,
    outbox: Vec<(String, Vec<u8>)>,
}

pub struct Store {
    path: PathBuf,
    db: sled::Db,
    raw: sled::Tree,
    days: sled::Tree,
    day_videos: sled::Tree,
    first_seen: sled::Tree,
    hashtag_ids: sled::Tree,
    day_comments: sled::Tree,
    day_quotes: sled::Tree,
    comment_reads: sled::Tree,
    /// Alerts and their deliveries (`crate::alerts::outbox`), by campaign/date/rule.
    outbox: sled::Tree,
    /// Scheduled client reports and where each stands (`crate::client_reports`), by
    /// client/due date.
    client_reports: sled::Tree,
    meta: sled::Tree,
    codec: Codec,
}

impl Store {
    /// Opens the existing store in `dir` (for commands that only read), refusing to create one.
    /// Its page cache is small: such a command reads each record once, so a larger cache
    /// would only keep what has been used.
    pub fn open_existing(dir: &Path) -> Result<Store, StoreError> {
        migrate::finish_interrupted(dir)?;
        if !dir.join("db").is_file() {
            return Err(StoreError::Missing {
                path: dir.to_path_buf(),
            });
        }
        Store::open_with(
            dir,
            StoreOptions {
                cache_mib: READING_CACHE_MIB,
            },
        )
    }

    /// Opens (or creates) the store in `dir` with the default options.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(dir, StoreOptions::default())
    }

    /// Opens (or creates) the store in `dir`, migrating a store of an earlier schema version
    /// first and refusing one of a later version.
    pub fn open_with(dir: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        migrate::finish_interrupted(dir)?;
        let path = dir.to_path_buf();
        let sled_err = |error| StoreError::Sled {
            path: path.clone(),
            error,
        };
        // A store that had been written has its schema version: one that lost it was cut short.
        let written_before = std::fs::metadata(dir.join("db")).is_ok_and(|m| m.len() > 0);
        let mut db = open_sled(dir, options)?;
        let mut meta = db.open_tree("meta").map_err(sled_err)?;
        match meta.get("schema_version").map_err(sled_err)? {
            // A store whose records are gone, unless it never held any: a first run killed
            // while sled was creating it leaves a file with no records, which starts afresh.
            None if written_before && !holds_nothing(&db).map_err(sled_err)? => {
                return Err(StoreError::Damaged {
                    path,
                    reason: "its records no longer read back; was its file cut short?".into(),
                });
            }
            None => {
                meta.insert("schema_version", SCHEMA_VERSION.to_string().as_bytes())
                    .map_err(sled_err)?;
            }
            Some(found) => {
                let text = String::from_utf8_lossy(&found).into_owned();
                match text.parse::<u32>() {
                    Ok(version) if version == SCHEMA_VERSION => {}
                    Ok(version) if (1..SCHEMA_VERSION).contains(&version) => {
                        drop(meta);
                        migrate::migrate(db, dir, version, options)?;
                        db = open_sled(dir, options)?;
                        meta = db.open_tree("meta").map_err(sled_err)?;
                    }
                    _ => {
                        return Err(StoreError::SchemaMismatch {
                            path,
                            found: text,
                            expected: SCHEMA_VERSION,
                        });
                    }
                }
            }
        }
        Store::from_db(db, meta, path)
    }

    /// The store over an opened sled database of this schema version (or of version 2, to
    /// migrate from: its trees are a subset of this one's).
    fn from_db(db: sled::Db, meta: sled::Tree, path: PathBuf) -> Result<Store, StoreError> {
        let tree = |name: &str| {
            db.open_tree(name).map_err(|error| StoreError::Sled {
                path: path.clone(),
                error,
            })
        };
        let store = Store {
            raw: tree("raw")?,
            days: tree("days")?,
            day_videos: tree("day_videos")?,
            first_seen: tree("first_seen")?,
            hashtag_ids: tree("hashtag_ids")?,
            day_comments: tree("day_comments")?,
            day_quotes: tree("day_quotes")?,
            comment_reads: tree("comment_reads")?,
            outbox: tree("outbox")?,
            client_reports: tree("client_reports")?,
            codec: Codec::default(),
            meta,
            db,
            path,
        };
        store.load_dictionaries()?;
        Ok(store)
    }

    fn load_dictionaries(&self) -> Result<(), StoreError> {
        for tree in COMPRESSED_TREES {
            for entry in self.meta.scan_prefix(codec::dictionary_prefix(tree)) {
                let (key, bytes) = entry.map_err(|e| self.sled_err(e))?;
                let key = String::from_utf8_lossy(&key).into_owned();
                let n = key
                    .rsplit('/')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| StoreError::Corrupt {
                        path: self.path.clone(),
                        key: key.clone(),
                        reason: "not a dictionary number".into(),
                    })?;
                let (samples, dictionary) = codec::parse_dictionary_record(&bytes)
                    .ok_or_else(|| self.corrupt(&key, "a dictionary record too short"))?;
                self.codec.add_dictionary(tree, n, samples, dictionary);
            }
        }
        Ok(())
    }

    /// Learns a compression dictionary for each compressed tree that has grown enough since
    /// its last one ([`codec::wants_dictionary`]), from its newest values. Cheap when none
    /// has. Values already written keep their dictionary; later ones use the new one.
    pub fn learn_dictionaries(&self) -> Result<(), StoreError> {
        for name in COMPRESSED_TREES {
            let newest = self.codec.newest(name);
            let Some(wanted) = codec::wants_dictionary(newest) else {
                continue;
            };
            let tree = self.tree(name);
            if tree.iter().keys().take(wanted).count() < wanted {
                continue;
            }
            let mut samples = Vec::new();
            for entry in tree.iter().rev().take(codec::DICTIONARY_MAX_SAMPLES) {
                let (key, value) = entry.map_err(|e| self.sled_err(e))?;
                samples.push(self.plain_value(name, &String::from_utf8_lossy(&key), &value)?);
            }
            self.add_learned_dictionary(name, newest.map_or(1, |(n, _)| n + 1), &samples)?;
        }
        Ok(())
    }

    /// Learns dictionary `n` of `tree` from `samples` and keeps it (unless zstd finds too
    /// little to learn).
    fn add_learned_dictionary(
        &self,
        tree: &str,
        n: u32,
        samples: &[Vec<u8>],
    ) -> Result<(), StoreError> {
        if let Some(dictionary) = codec::train_dictionary(samples) {
            let record = codec::dictionary_record(samples.len(), &dictionary);
            self.meta
                .insert(codec::dictionary_key(tree, n), record)
                .map_err(|e| self.sled_err(e))?;
            self.flush()?;
            self.codec
                .add_dictionary(tree, n, samples.len(), &dictionary);
        }
        Ok(())
    }

    fn tree(&self, name: &str) -> &sled::Tree {
        match name {
            "raw" => &self.raw,
            "days" => &self.days,
            "day_videos" => &self.day_videos,
            "day_comments" => &self.day_comments,
            "day_quotes" => &self.day_quotes,
            "first_seen" => &self.first_seen,
            "hashtag_ids" => &self.hashtag_ids,
            "comment_reads" => &self.comment_reads,
            "outbox" => &self.outbox,
            "client_reports" => &self.client_reports,
            other => unreachable!("the store has no {other} tree"),
        }
    }

    /// The uncompressed bytes of a compressed tree's value (for a raw snapshot, its body).
    fn plain_value(&self, tree: &str, key: &str, stored: &[u8]) -> Result<Vec<u8>, StoreError> {
        let compressed = if tree == "raw" {
            split_raw(stored)
                .map(|(_, body)| body)
                .ok_or_else(|| self.corrupt(key, "no header"))?
        } else {
            stored
        };
        self.codec
            .decode(tree, compressed)
            .map_err(|e| self.corrupt(key, &e.to_string()))
    }

    fn corrupt(&self, key: &str, reason: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            key: key.to_string(),
            reason: reason.to_string(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sled_err(&self, error: sled::Error) -> StoreError {
        match error {
            sled::Error::Io(error) => StoreError::io(&self.path, error),
            error => StoreError::Sled {
                path: self.path.clone(),
                error,
            },
        }
    }

    /// Refuses to go on when the store's disk has less than [`MIN_FREE_BYTES`] left: a
    /// request paid now could not be stored.
    pub fn ensure_room(&self) -> Result<(), StoreError> {
        match fs2::available_space(&self.path) {
            Ok(available) if available < MIN_FREE_BYTES => Err(StoreError::Full {
                path: self.path.clone(),
                available: Some(available),
            }),
            // A file system that cannot say is let through: the writes still report errors.
            _ => Ok(()),
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

    /// Makes everything written so far durable, or says why not within [`FLUSH_DEADLINE`].
    /// sled never returns from a flush once its background writer hit an error (a full disk),
    /// so the flush runs on its own thread and the wait is bounded.
    pub fn flush(&self) -> Result<(), StoreError> {
        let db = self.db.clone();
        let (done, flushed) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("store-flush".to_string())
            .spawn(move || {
                let _ = done.send(db.flush());
            })
            .map_err(|error| StoreError::io(&self.path, error))?;
        match flushed.recv_timeout(FLUSH_DEADLINE) {
            Ok(result) => result.map(drop).map_err(|e| self.sled_err(e)),
            Err(_) => Err(StoreError::Stuck {
                path: self.path.clone(),
            }),
        }
    }

    /// Lets go of a store this process only read, as the process ends: what sled holds is
    /// flushed, and its teardown (freeing the page table, 20-40 ms on 1,000 campaign-years)
    /// is left to the exit. Only for a command's last use of the store: sled's threads and
    /// its lock live until the process ends.
    pub fn release_at_exit(self) -> Result<(), StoreError> {
        self.flush()?;
        std::mem::forget(self);
        Ok(())
    }

    /// Writes a copy of every tree into a new store at `dir` while this one stays open and in
    /// use (`serve`'s `store backup`): each tree as it stands when read, so that a day stored
    /// during the copy may be in one tree and not yet in another, as after a crash, and a run
    /// of that day completes it. `store check` on the copy reads it whole.
    pub fn copy_into(&self, dir: &Path) -> Result<(), StoreError> {
        self.flush()?;
        let segment = existing_segment_size(&self.path).unwrap_or(SEGMENT_BYTES);
        let copy = sled::Config::new()
            .path(dir)
            .segment_size(segment)
            .open()
            .map_err(|error| StoreError::Sled {
                path: dir.to_path_buf(),
                error,
            })?;
        copy.import(self.db.export());
        copy.flush().map_err(|error| StoreError::Sled {
            path: dir.to_path_buf(),
            error,
        })?;
        Ok(())
    }

    /// A value of a compressed tree as earlier versions wrote it (JSON): for migrations.
    fn unpack<T: for<'de> Deserialize<'de>>(
        &self,
        tree: &str,
        key: &str,
        stored: &[u8],
    ) -> Result<T, StoreError> {
        self.decode(key, &self.plain_value(tree, key, stored)?)
    }

    /// The bytes a compressed tree stores for `value` (binary, compressed).
    fn packed_binary<T: Serialize>(&self, tree: &str, value: &T) -> Vec<u8> {
        let plain = postcard::to_stdvec(value).expect("stored types always serialize");
        self.codec.encode(tree, &plain)
    }

    fn unpack_binary<T: for<'de> Deserialize<'de>>(
        &self,
        tree: &str,
        key: &str,
        stored: &[u8],
    ) -> Result<T, StoreError> {
        self.decode_binary(key, &self.plain_value(tree, key, stored)?)
    }

    /// A value from its plain binary bytes; what it borrows (views) borrows from `plain`.
    fn decode_binary<'a, T: Deserialize<'a>>(
        &self,
        key: &str,
        plain: &'a [u8],
    ) -> Result<T, StoreError> {
        postcard::from_bytes(plain).map_err(|e| self.corrupt(key, &e.to_string()))
    }

    fn encode_raw(&self, snapshot: &RawSnapshot) -> Vec<u8> {
        let header = (&snapshot.paid_by, snapshot.credits, snapshot.fetched_at);
        let mut stored = serde_json::to_vec(&header).expect("stored types always serialize");
        stored.push(b'\n');
        stored.extend(self.codec.encode("raw", snapshot.body.as_bytes()));
        stored
    }

    fn raw_header(&self, key: &str, stored: &[u8]) -> Result<(String, u32, i64), StoreError> {
        let (header, _) = split_raw(stored).ok_or_else(|| self.corrupt(key, "no header"))?;
        self.decode(key, header)
    }

    fn decode_raw(&self, key: &str, stored: &[u8]) -> Result<RawSnapshot, StoreError> {
        let (paid_by, credits, fetched_at) = self.raw_header(key, stored)?;
        let body = String::from_utf8(self.plain_value("raw", key, stored)?)
            .map_err(|e| self.corrupt(key, &e.to_string()))?;
        Ok(RawSnapshot {
            paid_by,
            credits,
            fetched_at,
            body,
        })
    }

    pub fn raw(
        &self,
        date: NaiveDate,
        request_key: &str,
    ) -> Result<Option<RawSnapshot>, StoreError> {
        let key = format!("{date}/{request_key}");
        match self.raw.get(&key).map_err(|e| self.sled_err(e))? {
            None => Ok(None),
            Some(stored) => self.decode_raw(&key, &stored).map(Some),
        }
    }

    /// Stores a paid response and flushes it to disk before returning.
    pub fn put_raw(
        &self,
        date: NaiveDate,
        request_key: &str,
        snapshot: &RawSnapshot,
    ) -> Result<(), StoreError> {
        self.raw
            .insert(format!("{date}/{request_key}"), self.encode_raw(snapshot))
            .map_err(|e| self.sled_err(e))?;
        self.flush()
    }

    /// Every stored paid response with its `{date}/{request key}` key, in key order.
    pub fn raw_entries(
        &self,
    ) -> impl Iterator<Item = Result<(String, RawSnapshot), StoreError>> + '_ {
        self.raw_entries_from("")
    }

    /// The stored paid responses whose keys start with `prefix` (`{date}/` for one day's).
    pub fn raw_entries_from(
        &self,
        prefix: &str,
    ) -> impl Iterator<Item = Result<(String, RawSnapshot), StoreError>> + '_ {
        self.raw.scan_prefix(prefix).map(|entry| {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let key = String::from_utf8_lossy(&key).into_owned();
            let snapshot = self.decode_raw(&key, &value)?;
            Ok((key, snapshot))
        })
    }

    /// Credits paid on `date`, per paying campaign, across every run of that day.
    pub fn credits_spent_on(&self, date: NaiveDate) -> Result<HashMap<String, u32>, StoreError> {
        let mut spent = HashMap::new();
        for entry in self.raw.scan_prefix(format!("{date}/")) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            // Only the header: the bodies stay compressed.
            let (paid_by, credits, _) = self.raw_header(&String::from_utf8_lossy(&key), &value)?;
            *spent.entry(paid_by).or_insert(0) += credits;
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

    /// The ids of every comment the campaign read for the first time before `date`.
    pub fn comment_ids_read_before(
        &self,
        campaign: &str,
        date: NaiveDate,
    ) -> Result<HashSet<String>, StoreError> {
        let start = format!("{campaign}/");
        let end = format!("{campaign}/{date}");
        let mut ids = HashSet::new();
        for entry in self.day_comments.range(start.as_bytes()..end.as_bytes()) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let read: Vec<ReadComment> =
                self.unpack_binary("day_comments", &String::from_utf8_lossy(&key), &value)?;
            ids.extend(read.into_iter().map(|c| c.id));
        }
        Ok(ids)
    }

    /// The comments a campaign read for the first time on `date`, with their scores.
    pub fn comments_first_read_on(
        &self,
        campaign: &str,
        date: NaiveDate,
    ) -> Result<Vec<ReadComment>, StoreError> {
        self.day_comment_record("day_comments", campaign, date)
    }

    /// Of those, the ones a report may quote ([`ExampleComments::candidates`]).
    ///
    /// [`ExampleComments::candidates`]: crate::report::ExampleComments::candidates
    pub fn quotable_comments(
        &self,
        campaign: &str,
        date: NaiveDate,
    ) -> Result<Vec<ReadComment>, StoreError> {
        self.day_comment_record("day_quotes", campaign, date)
    }

    /// A campaign-day's comments in `tree` (`day_comments` or `day_quotes`); none if absent.
    fn day_comment_record(
        &self,
        tree: &str,
        campaign: &str,
        date: NaiveDate,
    ) -> Result<Vec<ReadComment>, StoreError> {
        let key = format!("{campaign}/{date}");
        match self.tree(tree).get(&key).map_err(|e| self.sled_err(e))? {
            None => Ok(Vec::new()),
            Some(stored) => self.unpack_binary(tree, &key, &stored),
        }
    }

    /// The `day_quotes` record of a day that first read `comments`.
    fn packed_quotes(&self, comments: &[ReadComment]) -> Vec<u8> {
        let quotable: Vec<&ReadComment> =
            crate::report::ExampleComments::candidates(comments).collect();
        self.packed_binary("day_quotes", &quotable)
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
        )?
        .map(|(key, value)| self.decode(&key, &value))
        .transpose()
    }

    /// The entry of `tree` with the greatest `{prefix}{date}` key before `{prefix}{date}`.
    fn latest_before(
        &self,
        tree: &sled::Tree,
        prefix: &str,
        date: NaiveDate,
    ) -> Result<Option<(String, sled::IVec)>, StoreError> {
        let end = format!("{prefix}{date}");
        match tree.range(prefix.as_bytes()..end.as_bytes()).next_back() {
            None => Ok(None),
            Some(entry) => {
                let (key, value) = entry.map_err(|e| self.sled_err(e))?;
                Ok(Some((String::from_utf8_lossy(&key).into_owned(), value)))
            }
        }
    }

    /// Stores a computed day and flushes: the end of one unit of work. Its copy for readers
    /// during a run ([`DayMirror`]) follows.
    ///
    /// The day's alerts go into the outbox in the same transaction: a new alert gets its
    /// record, one the day no longer raises is withdrawn, one already recorded keeps its
    /// deliveries (so a re-run never sends it twice) and only its wording is brought up to date.
    ///
    /// `comments` are the ones the campaign read for the first time that day (with their
    /// scores); they replace what an earlier run of the day recorded, and sentiment alerts
    /// quote the negative ones.
    pub fn put_day(&self, day: &DayMetrics, comments: &[ReadComment]) -> Result<(), StoreError> {
        self.write_day(day, comments)?;
        self.flush()?;
        DayMirror::beside(&self.path).put(day)
    }

    /// Writes many computed days at once (each day once), as [`Store::put_day`] does each
    /// but tree by tree in batches, with one flush at the end and without the copies for
    /// readers during a run: for imports and the scale benchmark, never for a run (which must
    /// not lose a finished day to a crash). The headlines go in last, so that a day cut short
    /// by a crash is not found at all rather than found without its videos.
    pub fn put_days_in_bulk<'a>(
        &self,
        days: impl IntoIterator<Item = (&'a DayMetrics, &'a [ReadComment])>,
    ) -> Result<u64, StoreError> {
        let mut batches: [sled::Batch; 5] = Default::default();
        let mut written = 0;
        for (day, comments) in days {
            let records = self.day_records(day, comments)?;
            let key = records.key.as_bytes();
            let [headlines, samples, day_comments, day_quotes, outbox] = &mut batches;
            headlines.insert(key, records.headline);
            samples.insert(key, records.sample);
            day_comments.insert(key, records.comments);
            day_quotes.insert(key, records.quotes);
            for (entry_key, bytes) in records.outbox {
                outbox.insert(entry_key.as_bytes(), bytes);
            }
            written += 1;
        }
        let [headlines, samples, day_comments, day_quotes, outbox] = batches;
        for (tree, batch) in [
            (&self.day_videos, samples),
            (&self.day_comments, day_comments),
            (&self.day_quotes, day_quotes),
            (&self.outbox, outbox),
            (&self.days, headlines),
        ] {
            tree.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        }
        self.flush()?;
        Ok(written)
    }

    fn write_day(&self, day: &DayMetrics, comments: &[ReadComment]) -> Result<(), StoreError> {
        let records = self.day_records(day, comments)?;
        self.replace_day_records(&records.key, Some(&records), &records.outbox)
    }

    fn day_records(
        &self,
        day: &DayMetrics,
        comments: &[ReadComment],
    ) -> Result<DayRecords, StoreError> {
        let key = format!("{}/{}", day.campaign_id, day.date);
        let existing = self.outbox_of_day(&day.campaign_id, day.date)?;
        let changes = outbox::reconcile(day, comments, &existing, chrono::Utc::now().timestamp());
        let (headline, sample) = DayHeadline::split(day.clone());
        let outbox = changes
            .iter()
            .map(|e| {
                (
                    e.key(),
                    serde_json::to_vec(e).expect("stored types always serialize"),
                )
            })
            .collect();
        Ok(DayRecords {
            key,
            headline: self.packed_binary("days", &headline),
            sample: self.packed_binary("day_videos", &sample),
            comments: self.packed_binary("day_comments", &comments),
            quotes: self.packed_quotes(comments),
            outbox,
        })
    }

    /// A day of an older store, split into its trees (migrations: no outbox, no copy).
    fn put_migrated_day(&self, key: &str, day: DayMetrics) -> Result<(), StoreError> {
        let (headline, sample) = DayHeadline::split(day);
        self.days
            .insert(key, self.packed_binary("days", &headline))
            .map_err(|e| self.sled_err(e))?;
        self.day_videos
            .insert(key, self.packed_binary("day_videos", &sample))
            .map_err(|e| self.sled_err(e))?;
        Ok(())
    }

    /// In one transaction: the day's records under `key` set (or, with `None`, removed), and
    /// the outbox `entries` written.
    fn replace_day_records(
        &self,
        key: &str,
        day: Option<&DayRecords>,
        entries: &[(String, Vec<u8>)],
    ) -> Result<(), StoreError> {
        (
            &self.days,
            &self.day_videos,
            &self.day_comments,
            &self.day_quotes,
            &self.outbox,
        )
            .transaction(|(days, day_videos, day_comments, day_quotes, outbox)| {
                match day {
                    Some(records) => {
                        days.insert(key.as_bytes(), records.headline.as_slice())?;
                        day_videos.insert(key.as_bytes(), records.sample.as_slice())?;
                        day_comments.insert(key.as_bytes(), records.comments.as_slice())?;
                        day_quotes.insert(key.as_bytes(), records.quotes.as_slice())?;
                    }
                    None => {
                        days.remove(key.as_bytes())?;
                        day_videos.remove(key.as_bytes())?;
                        day_comments.remove(key.as_bytes())?;
                        day_quotes.remove(key.as_bytes())?;
                    }
                }
                for (entry_key, bytes) in entries {
                    outbox.insert(entry_key.as_bytes(), bytes.as_slice())?;
                }
                Ok::<(), sled::transaction::ConflictableTransactionError<()>>(())
            })
            .map_err(|e| match e {
                sled::transaction::TransactionError::Storage(e) => self.sled_err(e),
                sled::transaction::TransactionError::Abort(()) => unreachable!("never aborted"),
            })?;
        Ok(())
    }

    /// Removes a stored campaign-day (a day collected by mistake): the day, its comments
    /// and its copy for readers. Its alerts are withdrawn (deliveries not made are
    /// cancelled; what was sent stays recorded as sent). The paid responses stay: re-running
    /// that date computes the day again for nothing. Returns whether there was such a day.
    pub fn forget_day(&self, campaign: &str, date: NaiveDate) -> Result<bool, StoreError> {
        let key = format!("{campaign}/{date}");
        if self.days.get(&key).map_err(|e| self.sled_err(e))?.is_none() {
            return Ok(false);
        }
        let now = chrono::Utc::now().timestamp();
        let withdrawn: Vec<(String, Vec<u8>)> = self
            .outbox_of_day(campaign, date)?
            .into_iter()
            .filter(|e| e.withdrawn_at.is_none())
            .map(|e| {
                let e = outbox::withdraw(e, now);
                (
                    e.key(),
                    serde_json::to_vec(&e).expect("stored types always serialize"),
                )
            })
            .collect();
        self.replace_day_records(&key, None, &withdrawn)?;
        self.flush()?;
        DayMirror::beside(&self.path).forget(campaign, date)?;
        Ok(true)
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

    /// The outbox records of a campaign's days from `from` to `to` inclusive.
    pub fn outbox_entries_between(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let start = outbox::day_prefix(campaign, from);
        // Past every key of `to` (`{campaign}/{to}/…`): '0' sorts right after '/'.
        let end = format!("{campaign}/{to}0");
        self.decode_outbox(self.outbox.range(start.as_bytes()..end.as_bytes()))
    }

    /// Overwrites a value with bytes that do not decode, as a damaged disk might.
    #[cfg(test)]
    pub(crate) fn damage(&self, tree: &str, key: &str) {
        self.tree(tree).insert(key, &b"\x09garbage"[..]).unwrap();
    }

    fn scan_outbox(&self, prefix: &str) -> Result<Vec<OutboxEntry>, StoreError> {
        self.decode_outbox(self.outbox.scan_prefix(prefix))
    }

    fn decode_outbox(&self, entries: sled::Iter) -> Result<Vec<OutboxEntry>, StoreError> {
        entries
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

    /// Every scheduled client report's record, by client and due date.
    pub fn client_reports(&self) -> Result<Vec<MailedReport>, StoreError> {
        self.client_reports
            .iter()
            .map(|item| {
                let (key, bytes) = item.map_err(|e| self.sled_err(e))?;
                self.decode(&String::from_utf8_lossy(&key), &bytes)
            })
            .collect()
    }

    pub fn client_report(
        &self,
        client: &str,
        due_on: NaiveDate,
    ) -> Result<Option<MailedReport>, StoreError> {
        self.get_json(&self.client_reports, &client_reports::key(client, due_on))
    }

    /// Records a scheduled report's progress, durably (as an alert's delivery is).
    pub fn put_client_report(&self, report: &MailedReport) -> Result<(), StoreError> {
        self.put_json(&self.client_reports, &report.key(), report)?;
        self.flush()
    }

    pub fn day(&self, campaign: &str, date: NaiveDate) -> Result<Option<DayMetrics>, StoreError> {
        let key = format!("{campaign}/{date}");
        match self.days.get(&key).map_err(|e| self.sled_err(e))? {
            None => Ok(None),
            Some(stored) => self.whole_day(&key, &stored).map(Some),
        }
    }

    /// The day stored under `key` whose headline is `headline`, with its sample.
    fn whole_day(&self, key: &str, headline: &[u8]) -> Result<DayMetrics, StoreError> {
        let headline: DayHeadline = self.unpack_binary("days", key, headline)?;
        let sample = self
            .day_videos
            .get(key)
            .map_err(|e| self.sled_err(e))?
            .ok_or_else(|| self.corrupt(key, "the day's videos are not stored"))?;
        Ok(headline.join(self.unpack_binary("day_videos", key, &sample)?))
    }

    /// Stored days of a campaign from `from` to `to` inclusive, oldest first.
    pub fn days(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayMetrics>, StoreError> {
        let mut days = Vec::new();
        self.for_each_day_sample(campaign, from, to, |key, headline, sample| {
            days.push(headline.join(self.decode_binary(key, sample)?));
            Ok::<_, StoreError>(())
        })?;
        Ok(days)
    }

    /// Each of a campaign's stored days from `from` to `to` inclusive, oldest first: its key,
    /// its headline, and its sample's plain binary bytes.
    fn for_each_day_sample<E: From<StoreError>>(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
        mut each: impl FnMut(&str, DayHeadline, &[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut samples = self.day_videos.range(Store::day_range(campaign, from, to));
        for entry in self.day_entries(campaign, from, to) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let key = String::from_utf8_lossy(&key);
            let headline: DayHeadline = self.unpack_binary("days", &key, &value)?;
            // Both trees hold the same keys (written in one transaction). A sample without its
            // day (a backup copies one tree after the other) is passed over, as a day is.
            let sample = loop {
                match samples.next().transpose().map_err(|e| self.sled_err(e))? {
                    Some((sample_key, _)) if *sample_key < *key.as_bytes() => continue,
                    Some((sample_key, sample)) if sample_key == key.as_bytes() => break sample,
                    _ => return Err(self.corrupt(&key, "the day's videos are not stored").into()),
                }
            };
            each(
                &key,
                headline,
                &self.plain_value("day_videos", &key, &sample)?,
            )?;
        }
        Ok(())
    }

    /// The headlines of a campaign's stored days from `from` to `to` inclusive, oldest first:
    /// the days without their video samples, for what does not list videos.
    pub fn headlines(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayHeadline>, StoreError> {
        self.day_entries(campaign, from, to)
            .map(|entry| {
                let (key, value) = entry.map_err(|e| self.sled_err(e))?;
                self.unpack_binary("days", &String::from_utf8_lossy(&key), &value)
            })
            .collect()
    }

    /// The `days` tree's entries of a campaign from `from` to `to` inclusive, oldest first.
    fn day_entries(&self, campaign: &str, from: NaiveDate, to: NaiveDate) -> sled::Iter {
        self.days.range(Store::day_range(campaign, from, to))
    }

    /// The keys of a campaign's days from `from` to `to` inclusive, in any day-keyed tree.
    fn day_range(campaign: &str, from: NaiveDate, to: NaiveDate) -> RangeInclusive<String> {
        format!("{campaign}/{from}")..=format!("{campaign}/{to}")
    }

    /// The latest stored day of a campaign.
    pub fn latest_day(&self, campaign: &str) -> Result<Option<DayMetrics>, StoreError> {
        match self.days.scan_prefix(format!("{campaign}/")).next_back() {
            None => Ok(None),
            Some(entry) => {
                let (key, value) = entry.map_err(|e| self.sled_err(e))?;
                self.whole_day(&String::from_utf8_lossy(&key), &value)
                    .map(Some)
            }
        }
    }

    /// The latest stored day of a campaign strictly before `date`.
    pub fn day_before(
        &self,
        campaign: &str,
        date: NaiveDate,
    ) -> Result<Option<DayMetrics>, StoreError> {
        self.latest_before(&self.days, &format!("{campaign}/"), date)?
            .map(|(key, value)| self.whole_day(&key, &value))
            .transpose()
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

/// One tree's entries and their stored bytes (keys and values, before sled's own overhead).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeSize {
    pub tree: String,
    pub entries: u64,
    pub bytes: u64,
}

/// What [`Store::verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreCheck {
    /// Entries read and the bytes of their keys and values (as stored), per tree.
    pub entries: Vec<TreeSize>,
    /// Entries that could not be read or did not decode, as `tree: key: reason`.
    pub problems: Vec<String>,
}

impl Store {
    /// Reads every entry of every tree and decodes the JSON ones: what `store check` reports.
    pub fn verify(&self) -> Result<StoreCheck, StoreError> {
        let mut check = StoreCheck::default();
        let trees: [(&str, &sled::Tree); 10] = [
            ("raw", &self.raw),
            ("days", &self.days),
            ("day_videos", &self.day_videos),
            ("first_seen", &self.first_seen),
            ("hashtag_ids", &self.hashtag_ids),
            ("day_comments", &self.day_comments),
            ("day_quotes", &self.day_quotes),
            ("comment_reads", &self.comment_reads),
            ("outbox", &self.outbox),
            ("client_reports", &self.client_reports),
        ];
        for (name, tree) in trees {
            let mut size = TreeSize {
                tree: name.to_string(),
                ..TreeSize::default()
            };
            let mut last_key: Option<String> = None;
            for entry in tree.iter() {
                // A value sled cannot read (a blob file gone) ends the tree's iteration; the
                // key read last says where.
                let (key, value) = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        let at = last_key.as_ref().map_or_else(
                            || "its first entry".to_string(),
                            |key| format!("the entry after {key}"),
                        );
                        check
                            .problems
                            .push(format!("{name}: {at} cannot be read: {}", self.sled_err(e)));
                        break;
                    }
                };
                size.entries += 1;
                size.bytes += (key.len() + value.len()) as u64;
                let key = String::from_utf8_lossy(&key).into_owned();
                last_key = Some(key.clone());
                let read = match name {
                    "raw" => self.decode_raw(&key, &value).map(drop),
                    "days" => self
                        .unpack_binary::<DayHeadline>(name, &key, &value)
                        .map(drop),
                    "day_videos" => self
                        .unpack_binary::<DaySample>(name, &key, &value)
                        .map(drop),
                    "day_comments" | "day_quotes" => self
                        .unpack_binary::<Vec<ReadComment>>(name, &key, &value)
                        .map(drop),
                    "hashtag_ids" => Ok(()),
                    _ => self.decode::<serde::de::IgnoredAny>(&key, &value).map(drop),
                };
                if let Err(e) = read {
                    check.problems.push(format!("{name}: {key}: {e}"));
                }
            }
            check.entries.push(size);
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

    fn period(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<StoredPeriod, StoreError> {
        Store::period(self, campaign, from, to)
    }

    fn headlines(
        &self,
        campaign: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayHeadline>, StoreError> {
        Store::headlines(self, campaign, from, to)
    }

    fn quotable_comments(
        &self,
        campaign: &str,
        date: NaiveDate,
    ) -> Result<Vec<ReadComment>, StoreError> {
        Store::quotable_comments(self, campaign, date)
    }
}

/// Whether every tree of `db` is empty.
fn holds_nothing(db: &sled::Db) -> Result<bool, sled::Error> {
    for name in db.tree_names() {
        if !db.open_tree(name)?.is_empty() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `sled::open`, with its failures named: another process holding the lock, and a damaged
/// file (sled panics on some truncated files rather than returning an error).
fn open_sled(dir: &Path, options: StoreOptions) -> Result<sled::Db, StoreError> {
    let started = std::time::Instant::now();
    loop {
        match open_sled_once(dir, options) {
            // A store just closed (by this process or one that just ended) can keep its lock
            // for a moment while sled's background threads finish: wait briefly before
            // calling it in use.
            Err(StoreError::Locked { .. }) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            opened => return opened,
        }
    }
}

/// How long opening waits for a store's lock before saying it is in use.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

fn open_sled_once(dir: &Path, options: StoreOptions) -> Result<sled::Db, StoreError> {
    let path = dir.to_path_buf();
    // Quiet while opening: a panic here is reported as the error below, not as a crash.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let config = sled::Config::new()
        .path(dir)
        .cache_capacity(options.cache_mib.saturating_mul(1024 * 1024));
    // An existing store keeps the segment size it was made with (sled refuses to change it).
    let config = config.segment_size(existing_segment_size(dir).unwrap_or(SEGMENT_BYTES));
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| config.open()));
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

/// The segment size recorded in an existing store's `conf` file (`segment_size: N`).
fn existing_segment_size(dir: &Path) -> Option<usize> {
    // The file ends in a binary checksum: read it as bytes.
    let conf = std::fs::read(dir.join("conf")).ok()?;
    String::from_utf8_lossy(&conf)
        .lines()
        .find_map(|line| line.strip_prefix("segment_size:"))
        .and_then(|n| n.trim().parse().ok())
}

/// A stored raw snapshot's header (JSON) and its compressed body.
fn split_raw(stored: &[u8]) -> Option<(&[u8], &[u8])> {
    let newline = stored.iter().position(|&b| b == b'\n')?;
    Some((&stored[..newline], &stored[newline + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::date;

    /// An older store's `meta` as that version wrote it: its schema version and dictionary 1
    /// of `tree` (learned from `samples` values); the codec that writes its values with it.
    fn old_store_meta(
        db: &sled::Db,
        version: &str,
        tree: &str,
        samples: usize,
        dictionary: &[u8],
    ) -> Codec {
        let meta = db.open_tree("meta").unwrap();
        meta.insert("schema_version", version).unwrap();
        meta.insert(
            codec::dictionary_key(tree, 1),
            codec::dictionary_record(samples, dictionary),
        )
        .unwrap();
        let codec = Codec::default();
        codec.add_dictionary(tree, 1, samples, dictionary);
        codec
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

    /// A comment page body as the provider sends it.
    fn comment_page(comments: &[(&str, &str)]) -> String {
        let items: Vec<serde_json::Value> = comments
            .iter()
            .map(|(cid, text)| {
                serde_json::json!({"cid": cid, "create_time": 1_793_500_000, "digg_count": 4,
                    "reply_comment_total": 0, "text": text,
                    "user": {"nickname": "n", "unique_id": "u"}})
            })
            .collect();
        serde_json::json!({"credits_used": 1, "data": {"comments": items, "has_more": 0, "cursor": 2}})
            .to_string()
    }

    #[test]
    fn a_store_of_schema_version_1_is_migrated_on_open_and_the_old_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("store");
        let day = crate::fixtures::day("2026-11-02", 5_000, 40);
        let snapshot = RawSnapshot {
            paid_by: "spring".into(),
            credits: 1,
            fetched_at: 1_793_552_400,
            body: comment_page(&[("c1", "love it"), ("c2", "meh")]),
        };
        {
            // Version 1, as that version wrote it: plain JSON, sled's default segments.
            let db = sled::open(&store_dir).unwrap();
            let tree = |name: &str| db.open_tree(name).unwrap();
            tree("meta").insert("schema_version", "1").unwrap();
            tree("raw")
                .insert(
                    "2026-11-02/comments/v1/0/50",
                    serde_json::to_vec(&snapshot).unwrap(),
                )
                .unwrap();
            tree("days")
                .insert("spring/2026-11-02", serde_json::to_vec(&day).unwrap())
                .unwrap();
            tree("video_stats")
                .insert("spring/v1/2026-11-02", &br#"{"plays":1}"#[..])
                .unwrap();
            for cid in ["c1", "c2"] {
                let seen = FirstSeen {
                    date: date("2026-11-02"),
                    hashtag: "v1".into(),
                };
                tree("comments")
                    .insert(format!("spring/{cid}"), serde_json::to_vec(&seen).unwrap())
                    .unwrap();
            }
            tree("hashtag_ids").insert("tryacme", "123").unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(&store_dir).unwrap();
        assert_eq!(
            store.raw(date("2026-11-02"), "comments/v1/0/50").unwrap(),
            Some(snapshot)
        );
        assert_eq!(store.day("spring", date("2026-11-02")).unwrap(), Some(day));
        assert_eq!(store.hashtag_id("tryacme").unwrap().as_deref(), Some("123"));
        let read = store
            .comments_first_read_on("spring", date("2026-11-02"))
            .unwrap();
        let texts: Vec<(&str, &str, Option<f32>)> = read
            .iter()
            .map(|c| (c.id.as_str(), c.text.as_str(), c.score))
            .collect();
        assert_eq!(texts, [("c1", "love it", None), ("c2", "meh", None)]);
        assert_eq!(
            store
                .comment_ids_read_before("spring", date("2026-11-03"))
                .unwrap(),
            HashSet::from(["c1".to_string(), "c2".to_string()])
        );
        assert!(store.verify().unwrap().problems.is_empty());
        drop(store);
        assert!(migrate::kept_aside(&store_dir, 1).join("db").is_file());
        // Opened again, it is version 2 and is not migrated twice.
        let store = Store::open(&store_dir).unwrap();
        assert_eq!(
            store.meta.get("schema_version").unwrap().as_deref(),
            Some(SCHEMA_VERSION.to_string().as_bytes())
        );
    }

    #[test]
    fn a_store_of_schema_version_2_is_split_into_headlines_and_samples_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("store");
        // Seven campaigns' weeks: enough days for the new trees to learn dictionaries from.
        let campaigns: Vec<String> = (0..7).map(|c| format!("spring{c}")).collect();
        let week_of = |campaign: &str| -> Vec<DayMetrics> {
            let mut week = crate::fixtures::week();
            for day in &mut week {
                day.campaign_id = campaign.to_string();
            }
            week
        };
        let comments = |n: usize| -> Vec<ReadComment> {
            (0..n)
                .map(|i| ReadComment {
                    id: format!("c{n}-{i}"),
                    video_id: "v1".into(),
                    text: format!("comment {i} of day {n}"),
                    created_at: 1_793_552_400 + i as i64,
                    likes: i as u64,
                    score: (i % 2 == 0).then_some(0.5),
                    language: (i % 3 == 0).then(|| "en".to_string()),
                })
                .collect()
        };
        // Raw responses under a learned dictionary, which must come along with them.
        let bodies: Vec<String> = (0..60)
            .map(|i| comment_page(&[(&format!("r{i}"), &format!("page {i} says hello"))]))
            .collect();
        let samples: Vec<Vec<u8>> = bodies.iter().map(|b| b.clone().into_bytes()).collect();
        let dictionary = codec::train_dictionary(&samples).expect("enough to learn from");
        {
            // Version 2, as that version wrote it: whole days and comments as compressed JSON.
            let db = sled::open(&store_dir).unwrap();
            let tree = |name: &str| db.open_tree(name).unwrap();
            let old = old_store_meta(&db, "2", "raw", samples.len(), &dictionary);
            for (i, body) in bodies.iter().enumerate() {
                let mut value = serde_json::to_vec(&("spring", 1, 1_793_552_400)).unwrap();
                value.push(b'\n');
                value.extend(old.encode("raw", body.as_bytes()));
                tree("raw")
                    .insert(format!("2026-11-02/comments/v1/{i}"), value)
                    .unwrap();
            }
            for (n, day) in campaigns.iter().flat_map(|c| week_of(c)).enumerate() {
                let key = format!("{}/{}", day.campaign_id, day.date);
                let json = serde_json::to_vec(&day).unwrap();
                tree("days")
                    .insert(&key, old.encode("days", &json))
                    .unwrap();
                let json = serde_json::to_vec(&comments(n)).unwrap();
                tree("day_comments")
                    .insert(&key, old.encode("day_comments", &json))
                    .unwrap();
            }
            tree("hashtag_ids").insert("tryacme", "123").unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(&store_dir).unwrap();
        let days = week_of("spring3");
        let (first, last) = (days[0].date, days[days.len() - 1].date);
        assert_eq!(store.days("spring3", first, last).unwrap(), days);
        let headlines = store.headlines("spring3", first, last).unwrap();
        for (headline, day) in headlines.iter().zip(&days) {
            assert_eq!(headline, &DayHeadline::split(day.clone()).0);
            assert!(headline.day.videos.is_empty());
            assert_eq!(headline.sample.videos as usize, day.videos.len());
        }
        for (n, day) in days.iter().enumerate() {
            assert_eq!(
                store.comments_first_read_on("spring3", day.date).unwrap(),
                comments(3 * days.len() + n)
            );
        }
        for (i, body) in bodies.iter().enumerate() {
            let raw = store
                .raw(date("2026-11-02"), &format!("comments/v1/{i}"))
                .unwrap()
                .unwrap();
            assert_eq!(&raw.body, body);
        }
        assert_eq!(store.hashtag_id("tryacme").unwrap().as_deref(), Some("123"));
        assert!(store.verify().unwrap().problems.is_empty());
        assert!(
            store.codec.newest("day_videos").is_some(),
            "the samples get a dictionary of their own"
        );
        drop(store);
        assert!(migrate::kept_aside(&store_dir, 2).join("db").is_file());
        let store = Store::open(&store_dir).unwrap();
        assert_eq!(store.days("spring3", first, last).unwrap(), days);
    }

    #[test]
    fn a_store_of_schema_version_3_gets_binary_headlines_and_keeps_the_rest_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("store");
        // Seven campaigns' weeks: enough headlines to learn a dictionary from.
        let days: Vec<DayMetrics> = (0..7)
            .flat_map(|c| {
                crate::fixtures::week().into_iter().map(move |mut day| {
                    day.campaign_id = format!("spring{c}");
                    day
                })
            })
            .collect();
        let samples: Vec<Vec<u8>> = days
            .iter()
            .map(|day| postcard::to_stdvec(&DayHeadline::split(day.clone()).1).unwrap())
            .collect();
        let dictionary = codec::train_dictionary(&samples).expect("enough to learn from");
        let comments = vec![ReadComment {
            id: "c1".into(),
            video_id: "v1".into(),
            text: "love it".into(),
            created_at: 1_793_552_400,
            likes: 3,
            score: Some(0.5),
            language: Some("en".into()),
        }];
        {
            // Version 3, as that version wrote it: headlines as compressed JSON, the samples
            // (binary) under a learned dictionary.
            let db = sled::open(&store_dir).unwrap();
            let tree = |name: &str| db.open_tree(name).unwrap();
            let old = old_store_meta(&db, "3", "day_videos", samples.len(), &dictionary);
            for (day, sample) in days.iter().zip(&samples) {
                let key = format!("{}/{}", day.campaign_id, day.date);
                let headline = serde_json::to_vec(&DayHeadline::split(day.clone()).0).unwrap();
                tree("days")
                    .insert(&key, old.encode("days", &headline))
                    .unwrap();
                tree("day_videos")
                    .insert(&key, old.encode("day_videos", sample))
                    .unwrap();
                let comments = postcard::to_stdvec(&comments).unwrap();
                tree("day_comments")
                    .insert(&key, old.encode("day_comments", &comments))
                    .unwrap();
            }
            tree("hashtag_ids").insert("tryacme", "123").unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(&store_dir).unwrap();
        let week: Vec<DayMetrics> = days
            .iter()
            .filter(|day| day.campaign_id == "spring2")
            .cloned()
            .collect();
        let (first, last) = (week[0].date, week[week.len() - 1].date);
        assert_eq!(store.days("spring2", first, last).unwrap(), week);
        let headlines = store.headlines("spring2", first, last).unwrap();
        let expected: Vec<DayHeadline> = week
            .iter()
            .map(|day| DayHeadline::split(day.clone()).0)
            .collect();
        assert_eq!(headlines, expected);
        assert_eq!(
            store.comments_first_read_on("spring2", first).unwrap(),
            comments
        );
        assert_eq!(store.quotable_comments("spring2", first).unwrap(), comments);
        assert_eq!(store.hashtag_id("tryacme").unwrap().as_deref(), Some("123"));
        assert!(store.verify().unwrap().problems.is_empty());
        assert!(
            store.codec.newest("days").is_some(),
            "the binary headlines get a dictionary of their own"
        );
        drop(store);
        assert!(migrate::kept_aside(&store_dir, 3).join("db").is_file());
        let store = Store::open(&store_dir).unwrap();
        assert_eq!(
            store.meta.get("schema_version").unwrap().as_deref(),
            Some(SCHEMA_VERSION.to_string().as_bytes())
        );
        assert_eq!(store.days("spring2", first, last).unwrap(), week);
    }

    #[test]
    fn a_store_of_schema_version_4_gets_its_days_quotes_on_open_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("store");
        let comments: Vec<ReadComment> = (0..20)
            .map(|i| ReadComment {
                id: format!("c{i}"),
                video_id: "v1".into(),
                text: format!("comment {i}"),
                created_at: 1_793_552_400,
                likes: i * 7 % 11,
                score: Some(if i % 3 == 0 { -0.6 } else { 0.6 }),
                language: Some("en".into()),
            })
            .collect();
        let week = crate::fixtures::week();
        {
            // Version 4 is this version without `day_quotes`.
            let store = Store::open(&store_dir).unwrap();
            for day in &week {
                store.put_day(day, &comments).unwrap();
            }
            store.db.drop_tree("day_quotes").unwrap();
            store.meta.insert("schema_version", "4").unwrap();
            store.flush().unwrap();
        }
        let store = Store::open(&store_dir).unwrap();
        assert!(migrate::kept_aside(&store_dir, 4).join("db").is_file());
        let (first, last) = (week[0].date, week[week.len() - 1].date);
        assert_eq!(store.days("spring", first, last).unwrap(), week);
        let expected: Vec<ReadComment> = crate::report::ExampleComments::candidates(&comments)
            .cloned()
            .collect();
        assert_eq!(expected.len(), 2 * crate::report::QUOTED_PER_TONE);
        for day in &week {
            assert_eq!(
                store.quotable_comments("spring", day.date).unwrap(),
                expected
            );
            assert_eq!(
                store.comments_first_read_on("spring", day.date).unwrap(),
                comments
            );
        }
        assert!(store.verify().unwrap().problems.is_empty());
    }

    #[test]
    fn a_campaigns_outbox_records_between_two_dates_leave_out_look_alike_campaigns() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let entry = |campaign: &str, day: &str, rule: &str| OutboxEntry {
            campaign_id: campaign.into(),
            client_id: "acme".into(),
            date: date(day),
            rule: rule.into(),
            plugin: "builtin".into(),
            severity: crate::domain::Severity::Warning,
            message: format!("{rule} on {day}"),
            figures: Default::default(),
            drivers: Vec::new(),
            quotes: Vec::new(),
            raised_at: 0,
            withdrawn_at: None,
            deliveries: Default::default(),
        };
        for campaign in ["abc", "abc-x", "abc0", "ab"] {
            for day in ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"] {
                for rule in ["stall", "viral-day"] {
                    store.put_outbox_entry(&entry(campaign, day, rule)).unwrap();
                }
            }
        }
        let found: Vec<(String, NaiveDate, String)> = store
            .outbox_entries_between("abc", date("2026-11-02"), date("2026-11-03"))
            .unwrap()
            .into_iter()
            .map(|e| (e.campaign_id, e.date, e.rule))
            .collect();
        let expected: Vec<(String, NaiveDate, String)> = ["2026-11-02", "2026-11-03"]
            .into_iter()
            .flat_map(|day| {
                ["stall", "viral-day"].map(|rule| ("abc".to_string(), date(day), rule.to_string()))
            })
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn days_written_in_bulk_read_back_as_days_written_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let week = crate::fixtures::week();
        let comments = |day: &DayMetrics| -> Vec<ReadComment> {
            vec![ReadComment {
                id: format!("c-{}", day.date),
                video_id: "v1".into(),
                text: "too salty, not buying again".into(),
                created_at: 1_793_552_400,
                likes: 3,
                score: Some(-0.8),
                language: Some("en".into()),
            }]
        };
        let one_by_one = Store::open(&dir.path().join("one")).unwrap();
        for day in &week {
            one_by_one.put_day(day, &comments(day)).unwrap();
        }
        let bulk = Store::open(&dir.path().join("bulk")).unwrap();
        let all: Vec<(DayMetrics, Vec<ReadComment>)> =
            week.iter().map(|d| (d.clone(), comments(d))).collect();
        let written = bulk
            .put_days_in_bulk(all.iter().map(|(d, c)| (d, c.as_slice())))
            .unwrap();
        assert_eq!(written, week.len() as u64);
        let (first, last) = (week[0].date, week[week.len() - 1].date);
        for store in [&one_by_one, &bulk] {
            assert_eq!(store.days("spring", first, last).unwrap(), week);
            for day in &week {
                assert_eq!(
                    store.comments_first_read_on("spring", day.date).unwrap(),
                    comments(day)
                );
            }
        }
        let rules = |store: &Store| -> Vec<(NaiveDate, String)> {
            let mut found: Vec<_> = store
                .outbox_entries()
                .unwrap()
                .into_iter()
                .map(|e| (e.date, e.rule))
                .collect();
            found.sort();
            found
        };
        assert!(!rules(&bulk).is_empty(), "the week raises alerts");
        assert_eq!(rules(&bulk), rules(&one_by_one));
        drop(bulk);
        let reopened = Store::open(&dir.path().join("bulk")).unwrap();
        assert_eq!(reopened.days("spring", first, last).unwrap(), week);
    }

    #[test]
    fn a_migration_cut_short_between_its_renames_is_finished_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("store");
        {
            let store = Store::open(&dir.path().join("store.migrating")).unwrap();
            store.put_hashtag_id("tryacme", "123").unwrap();
            store.flush().unwrap();
        }
        std::fs::create_dir_all(migrate::kept_aside(&store_dir, 1)).unwrap();
        let store = Store::open_existing(&store_dir).unwrap();
        assert_eq!(store.hashtag_id("tryacme").unwrap().as_deref(), Some("123"));
    }

    #[test]
    fn first_read_comments_are_kept_per_day_with_scores_and_a_rerun_replaces_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let comment = |id: &str, score| ReadComment {
            language: None,
            id: id.into(),
            video_id: "v1".into(),
            text: format!("text of {id}"),
            created_at: 1_793_500_000,
            likes: 3,
            score,
        };
        let mut day = crate::fixtures::day("2026-11-02", 5_000, 40);
        store
            .put_day(&day, &[comment("a", Some(0.5)), comment("b", None)])
            .unwrap();
        day.date = date("2026-11-03");
        store.put_day(&day, &[comment("c", Some(-0.25))]).unwrap();
        // A re-run of the second day replaces what it recorded.
        store
            .put_day(&day, &[comment("c", Some(-0.25)), comment("d", Some(0.0))])
            .unwrap();
        assert_eq!(
            store
                .comments_first_read_on("spring", date("2026-11-03"))
                .unwrap(),
            vec![comment("c", Some(-0.25)), comment("d", Some(0.0))]
        );
        // The quotable ones: scored, and of a tone (not neutral).
        let quotable = |on| store.quotable_comments("spring", date(on)).unwrap();
        assert_eq!(quotable("2026-11-02"), vec![comment("a", Some(0.5))]);
        assert_eq!(quotable("2026-11-03"), vec![comment("c", Some(-0.25))]);
        let before = |on| store.comment_ids_read_before("spring", date(on)).unwrap();
        assert_eq!(before("2026-11-02"), HashSet::new());
        assert_eq!(
            before("2026-11-03"),
            HashSet::from(["a".to_string(), "b".to_string()])
        );
        assert_eq!(before("2026-11-04").len(), 4);
    }

    #[test]
    fn days_of_every_sentiment_and_alerts_outcome_read_back_and_keep_their_json_tags() {
        use crate::domain::{Alert, AlertsOutcome, SentimentOutcome, Severity};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let outcomes = [
            (
                SentimentOutcome::NotCollected {
                    reason: "no comments configured".into(),
                    unscored: [("id".to_string(), 4)].into(),
                },
                AlertsOutcome::Unavailable {
                    reason: "plugin trapped".into(),
                },
            ),
            (
                SentimentOutcome::Unavailable {
                    reason: "scorer failed".into(),
                },
                AlertsOutcome::Evaluated {
                    alerts: vec![Alert {
                        rule: "viral-day".into(),
                        plugin: String::new(),
                        severity: Severity::Critical,
                        message: "Viral".into(),
                    }],
                },
            ),
        ];
        for (n, (sentiment, alerts)) in outcomes.into_iter().enumerate() {
            let mut day = crate::fixtures::day(&format!("2026-11-0{}", n + 1), 5_000, 40);
            day.sentiment = sentiment;
            day.alerts = alerts;
            store.put_day(&day, &[]).unwrap();
            assert_eq!(store.day("spring", day.date).unwrap().as_ref(), Some(&day));
            // JSON (reports, exports, the day copies) still names the variant in `status`.
            let json = serde_json::to_value(&day).unwrap();
            assert!(json["sentiment"]["status"].is_string(), "{json}");
            assert!(json["alerts"]["status"].is_string(), "{json}");
            assert_eq!(serde_json::from_value::<DayMetrics>(json).unwrap(), day);
        }
    }

    #[test]
    fn a_store_learns_its_dictionaries_and_reads_what_it_wrote_before_and_after() {
        let dir = tempfile::tempdir().unwrap();
        let snapshot = |i: usize| RawSnapshot {
            paid_by: "spring".into(),
            credits: 1,
            fetched_at: i as i64,
            body: comment_page(&[(&format!("c{i}"), &format!("comment number {i} is great"))]),
        };
        {
            let store = Store::open(dir.path()).unwrap();
            for i in 0..codec::DICTIONARY_MIN_SAMPLES {
                store
                    .put_raw(date("2026-11-02"), &format!("k{i:04}"), &snapshot(i))
                    .unwrap();
            }
            assert!(store.codec.newest("raw").is_none());
            store.learn_dictionaries().unwrap();
            assert!(store.codec.newest("raw").is_some());
            store
                .put_raw(date("2026-11-03"), "after", &snapshot(9_999))
                .unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(
            store.raw(date("2026-11-02"), "k0000").unwrap(),
            Some(snapshot(0))
        );
        assert_eq!(
            store.raw(date("2026-11-03"), "after").unwrap(),
            Some(snapshot(9_999))
        );
        assert_eq!(
            store.credits_spent_on(date("2026-11-02")).unwrap()["spring"],
            40
        );
    }
}
