//! Brings a store of an earlier schema version up to [`SCHEMA_VERSION`] when it is opened.
//!
//! The new store is written beside the old one (`store.migrating`), flushed, and only then
//! swapped in: the old store is moved aside to `store.schema-N` (never deleted: the person who
//! runs hashtrack removes it once satisfied), then the new one takes its name. A crash before
//! the swap leaves the old store as it was (the half-written copy is started afresh next
//! time); a crash between the two renames is finished by [`finish_interrupted`].
//!
//! Version 1 → 5: values become compressed (with dictionaries learned from the old store's
//! own values), the `video_stats` tree is dropped (each day's `videos` hold the same
//! counters), and the per-comment `comments` tree becomes one `day_comments` record per
//! campaign-day. Version 1 kept no comment texts or scores beside the raw pages, so the texts
//! are read back from the stored pages (the one place the store reads the wire format), and
//! the scores stay unknown until the day is re-scored.
//!
//! Version 2 → 5: each stored day (JSON, whole) becomes its headline and its video sample,
//! and each day's comments are written in the binary encoding. New dictionaries are learned
//! from the converted values first; raw responses and the other trees are copied as they are,
//! with the raw responses' dictionaries.
//!
//! Version 3 → 5: each headline (JSON) is written in the binary encoding, under a dictionary
//! learned from the converted headlines; every other tree is copied as it is, with its
//! dictionary.
//!
//! Version 4 → 5: every tree is copied as it is, with its dictionary.
//!
//! From every version, each day's quotable comments (`day_quotes`) are then picked out of its
//! comments in the new store.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::{
    COMPRESSED_TREES, FirstSeen, RawSnapshot, ReadComment, SCHEMA_VERSION, Store, StoreError,
    StoreOptions, codec,
};
use crate::domain::{DayHeadline, DayMetrics};

/// Tells the person waiting how far a migration has got: a large store takes a minute or more,
/// and a command that says nothing for that long looks hung.
struct Progress<'a> {
    dir: &'a Path,
    started: Instant,
    last_told: Cell<Instant>,
    records: Cell<u64>,
}

impl<'a> Progress<'a> {
    /// How often progress is told.
    const EVERY: Duration = Duration::from_secs(5);

    fn new(dir: &'a Path) -> Progress<'a> {
        let now = Instant::now();
        Progress {
            dir,
            started: now,
            last_told: Cell::new(now),
            records: Cell::new(0),
        }
    }

    /// `records`, each counted as it is written to the new store.
    fn over<I: Iterator>(&self, records: I) -> impl Iterator<Item = I::Item> {
        records.inspect(|_| {
            self.records.set(self.records.get() + 1);
            if self.last_told.get().elapsed() >= Self::EVERY {
                self.last_told.set(Instant::now());
                tracing::warn!(
                    "migrating the store at {}: {} records written in {:.0} s",
                    self.dir.display(),
                    self.records.get(),
                    self.started.elapsed().as_secs_f64()
                );
            }
        })
    }
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "store".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!("{name}.{suffix}"))
}

/// Where the old store of schema version `version` is kept after its migration.
pub fn kept_aside(dir: &Path, version: u32) -> PathBuf {
    sibling(dir, &format!("schema-{version}"))
}

/// Completes a migration cut short between its two renames: the old store is already aside
/// and the new, complete one has not taken its name yet.
pub(super) fn finish_interrupted(dir: &Path) -> Result<(), StoreError> {
    let migrating = sibling(dir, "migrating");
    let old_aside = (1..SCHEMA_VERSION).any(|v| kept_aside(dir, v).exists());
    if !dir.join("db").exists() && migrating.join("db").exists() && old_aside {
        std::fs::rename(&migrating, dir).map_err(|error| StoreError::io(&migrating, error))?;
    }
    Ok(())
}

/// Migrates the store in `dir` (open as `old`, of schema version `from`) to the current
/// version, leaving the old one at [`kept_aside`].
pub(super) fn migrate(
    old: sled::Db,
    dir: &Path,
    from: u32,
    options: StoreOptions,
) -> Result<(), StoreError> {
    let failed = |reason: String| StoreError::Migration {
        path: dir.to_path_buf(),
        from,
        reason,
    };
    if !(1..SCHEMA_VERSION).contains(&from) {
        return Err(failed(format!("no migration from version {from}")));
    }
    let aside = kept_aside(dir, from);
    if aside.exists() {
        return Err(failed(format!(
            "{} already exists: move it away first",
            aside.display()
        )));
    }
    tracing::warn!(
        "migrating the store at {} from schema version {from} to {SCHEMA_VERSION} (once; the old store is kept)",
        dir.display()
    );
    let target = sibling(dir, "migrating");
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(|error| StoreError::io(&target, error))?;
    }
    let progress = Progress::new(dir);
    {
        let new = Store::open_with(&target, options)?;
        if from == 1 {
            from_v1(&new, &old, &failed, &progress)?;
        } else {
            let meta = old
                .open_tree("meta")
                .map_err(|e| failed(format!("reading the old store: {e}")))?;
            let old = Store::from_db(old.clone(), meta, dir.to_path_buf())?;
            let migrated = match from {
                2 => from_v2(&new, &old, &progress),
                3 => from_v3(&new, &old, &progress),
                _ => copy_unchanged(
                    &new,
                    &old,
                    &[kept_since_v3(), vec!["days"]].concat(),
                    &progress,
                ),
            };
            migrated.map_err(|e| match e {
                StoreError::Corrupt { key, reason, .. } => failed(format!("{key}: {reason}")),
                other => other,
            })?;
        }
        quotes_from_comments(&new, &progress)?;
        new.flush()?;
    }
    drop(old);
    std::fs::rename(dir, &aside).map_err(|error| StoreError::io(dir, error))?;
    std::fs::rename(&target, dir).map_err(|error| StoreError::io(&target, error))?;
    tracing::warn!(
        "migrated the store at {} ({} records in {:.0} s); the old one is at {}: delete it once you are satisfied",
        dir.display(),
        progress.records.get(),
        progress.started.elapsed().as_secs_f64(),
        aside.display()
    );
    Ok(())
}

/// Writes the trees of version 1 store `old` into `new`.
fn from_v1(
    new: &Store,
    old: &sled::Db,
    failed: &dyn Fn(String) -> StoreError,
    progress: &Progress,
) -> Result<(), StoreError> {
    {
        let sled_err = |error| failed(format!("reading the old store: {error}"));
        let old_tree = |name: &str| old.open_tree(name).map_err(sled_err);
        let (raw, days) = (old_tree("raw")?, old_tree("days")?);

        learn_from_old(new, "raw", &raw, sled_err, |bytes| {
            serde_json::from_slice::<RawSnapshot>(bytes)
                .ok()
                .map(|s| s.body.into_bytes())
        })?;
        learn_from_old(new, "days", &days, sled_err, |bytes| {
            let day: DayMetrics = serde_json::from_slice(bytes).ok()?;
            Some(headline_bytes(&DayHeadline::split(day).0))
        })?;

        for entry in progress.over(raw.iter()) {
            let (key, value) = entry.map_err(sled_err)?;
            let snapshot: RawSnapshot = serde_json::from_slice(&value)
                .map_err(|e| failed(format!("raw {}: {e}", String::from_utf8_lossy(&key))))?;
            new.raw
                .insert(key, new.encode_raw(&snapshot))
                .map_err(|e| new.sled_err(e))?;
        }
        for entry in progress.over(days.iter()) {
            let (key, value) = entry.map_err(sled_err)?;
            let key = String::from_utf8_lossy(&key);
            new.put_migrated_day(&key, new.decode(&key, &value)?)?;
        }
        let unchanged = [
            ("first_seen", &new.first_seen),
            ("hashtag_ids", &new.hashtag_ids),
            ("comment_reads", &new.comment_reads),
            ("outbox", &new.outbox),
        ];
        for (name, to) in unchanged {
            for entry in progress.over(old_tree(name)?.iter()) {
                let (key, value) = entry.map_err(sled_err)?;
                to.insert(key, value).map_err(|e| new.sled_err(e))?;
            }
        }
        day_comments_from_v1(new, &old_tree("comments")?, progress).map_err(|e| match e {
            StoreError::Corrupt { key, reason, .. } => failed(format!("comments {key}: {reason}")),
            other => other,
        })?;
    }
    Ok(())
}

/// The plain (uncompressed) bytes the current version stores for a headline.
fn headline_bytes(headline: &DayHeadline) -> Vec<u8> {
    postcard::to_stdvec(headline).expect("stored types always serialize")
}

/// Copies `trees` of `old` into `new` byte for byte, with their dictionaries.
fn copy_unchanged(
    new: &Store,
    old: &Store,
    trees: &[&str],
    progress: &Progress,
) -> Result<(), StoreError> {
    let sled_err = |error| old.sled_err(error);
    for name in trees.iter().filter(|name| COMPRESSED_TREES.contains(name)) {
        for entry in old.meta.scan_prefix(codec::dictionary_prefix(name)) {
            let (key, value) = entry.map_err(sled_err)?;
            new.meta.insert(key, value).map_err(|e| new.sled_err(e))?;
        }
    }
    new.load_dictionaries()?;
    for name in trees {
        for entry in progress.over(old.tree(name).iter()) {
            let (key, value) = entry.map_err(sled_err)?;
            new.tree(name)
                .insert(key, value)
                .map_err(|e| new.sled_err(e))?;
        }
    }
    Ok(())
}

/// The trees every migration from version 2 on copies as they are.
const KEPT_SINCE_V2: [&str; 6] = [
    "raw",
    "first_seen",
    "hashtag_ids",
    "comment_reads",
    "outbox",
    "client_reports",
];

/// The trees every migration from version 3 on copies as they are: all but the headlines,
/// which version 4 re-encoded.
fn kept_since_v3() -> Vec<&'static str> {
    [&KEPT_SINCE_V2[..], &["day_videos", "day_comments"]].concat()
}

/// Writes the trees of version 3 store `old` into `new`: headlines re-encoded, the rest as it
/// is.
fn from_v3(new: &Store, old: &Store, progress: &Progress) -> Result<(), StoreError> {
    copy_unchanged(new, old, &kept_since_v3(), progress)?;
    let old_headline = |key: &str, value: &[u8]| -> Result<DayHeadline, StoreError> {
        old.unpack("days", key, value)
    };
    learn_converted(
        new,
        "days",
        &old.days,
        |e| old.sled_err(e),
        |key, value| Some(headline_bytes(&old_headline(key, value).ok()?)),
    )?;
    for entry in progress.over(old.days.iter()) {
        let (key, value) = entry.map_err(|e| old.sled_err(e))?;
        let key = String::from_utf8_lossy(&key);
        new.days
            .insert(
                key.as_bytes(),
                new.packed_binary("days", &old_headline(&key, &value)?),
            )
            .map_err(|e| new.sled_err(e))?;
    }
    Ok(())
}

/// Writes the trees of version 2 store `old` into `new`: days split and comments re-encoded,
/// the rest as it is.
fn from_v2(new: &Store, old: &Store, progress: &Progress) -> Result<(), StoreError> {
    let sled_err = |error| old.sled_err(error);
    // The raw responses keep their bytes, so they keep their dictionaries.
    copy_unchanged(new, old, &KEPT_SINCE_V2, progress)?;
    let old_day =
        |key: &str, value: &[u8]| -> Option<DayMetrics> { old.unpack("days", key, value).ok() };
    let old_comments = |key: &str, value: &[u8]| -> Option<Vec<ReadComment>> {
        old.unpack("day_comments", key, value).ok()
    };
    learn_converted(new, "days", &old.days, sled_err, |key, value| {
        let day = old_day(key, value)?;
        Some(headline_bytes(&DayHeadline::split(day).0))
    })?;
    learn_converted(new, "day_videos", &old.days, sled_err, |key, value| {
        let day = old_day(key, value)?;
        Some(postcard::to_stdvec(&DayHeadline::split(day).1).expect("serializes"))
    })?;
    learn_converted(
        new,
        "day_comments",
        &old.day_comments,
        sled_err,
        |key, value| Some(postcard::to_stdvec(&old_comments(key, value)?).expect("serializes")),
    )?;
    for entry in progress.over(old.days.iter()) {
        let (key, value) = entry.map_err(sled_err)?;
        let key = String::from_utf8_lossy(&key);
        new.put_migrated_day(&key, old.unpack("days", &key, &value)?)?;
    }
    for entry in progress.over(old.day_comments.iter()) {
        let (key, value) = entry.map_err(sled_err)?;
        let key = String::from_utf8_lossy(&key);
        let comments: Vec<ReadComment> = old.unpack("day_comments", &key, &value)?;
        new.day_comments
            .insert(key.as_bytes(), new.packed_binary("day_comments", &comments))
            .map_err(|e| new.sled_err(e))?;
    }
    Ok(())
}

/// Writes each day's quotable comments into `new`, picked out of the day's comments there.
fn quotes_from_comments(new: &Store, progress: &Progress) -> Result<(), StoreError> {
    for entry in progress.over(new.day_comments.iter()) {
        let (key, value) = entry.map_err(|e| new.sled_err(e))?;
        let comments: Vec<ReadComment> =
            new.unpack_binary("day_comments", &String::from_utf8_lossy(&key), &value)?;
        new.day_quotes
            .insert(key, new.packed_quotes(&comments))
            .map_err(|e| new.sled_err(e))?;
    }
    Ok(())
}

/// Gives the new store a dictionary for `tree`, learned from the old store's newest values of
/// `old` as `convert` turns them into the new tree's plain bytes.
fn learn_converted(
    new: &Store,
    tree: &str,
    old: &sled::Tree,
    sled_err: impl Fn(sled::Error) -> StoreError,
    convert: impl Fn(&str, &[u8]) -> Option<Vec<u8>>,
) -> Result<(), StoreError> {
    debug_assert!(COMPRESSED_TREES.contains(&tree));
    let mut samples = Vec::new();
    for entry in old.iter().rev().take(codec::DICTIONARY_MAX_SAMPLES) {
        let (key, value) = entry.map_err(&sled_err)?;
        samples.extend(convert(&String::from_utf8_lossy(&key), &value));
    }
    new.add_learned_dictionary(tree, 1, &samples)
}

/// Gives the new store a dictionary for `tree`, learned from the old store's newest values.
fn learn_from_old(
    new: &Store,
    tree: &str,
    old: &sled::Tree,
    sled_err: impl Fn(sled::Error) -> StoreError,
    plain: impl Fn(&[u8]) -> Option<Vec<u8>>,
) -> Result<(), StoreError> {
    // A value that is not a version-1 record is no sample; a store that cannot be read fails.
    learn_converted(new, tree, old, sled_err, |_, value| plain(value))
}

/// Version 1's `comments` tree (`{campaign}/{comment id}` → the date it was first read and its
/// video) as version 2's `day_comments` records, the texts read back from the stored pages.
fn day_comments_from_v1(
    new: &Store,
    comments: &sled::Tree,
    progress: &Progress,
) -> Result<(), StoreError> {
    // Keys sort by campaign: one campaign's comments are gathered, written, then dropped.
    let mut campaign = String::new();
    let mut by_date: BTreeMap<NaiveDate, Vec<(String, String)>> = BTreeMap::new();
    for entry in progress.over(comments.iter()) {
        let (key, value) = entry.map_err(|e| new.sled_err(e))?;
        let key = String::from_utf8_lossy(&key).into_owned();
        let Some((of, id)) = key.split_once('/') else {
            return Err(new.corrupt(&key, "not campaign/comment"));
        };
        if of != campaign {
            write_day_comments(new, &campaign, std::mem::take(&mut by_date))?;
            campaign = of.to_string();
        }
        let seen: FirstSeen = new.decode(&key, &value)?;
        by_date
            .entry(seen.date)
            .or_default()
            .push((id.to_string(), seen.hashtag));
    }
    write_day_comments(new, &campaign, by_date)
}

fn write_day_comments(
    new: &Store,
    campaign: &str,
    by_date: BTreeMap<NaiveDate, Vec<(String, String)>>,
) -> Result<(), StoreError> {
    for (date, ids) in by_date {
        let mut pages: HashMap<String, HashMap<String, crate::domain::Comment>> = HashMap::new();
        let mut read = Vec::with_capacity(ids.len());
        for (id, video) in ids {
            if !pages.contains_key(&video) {
                pages.insert(video.clone(), comments_in_pages(new, date, &video)?);
            }
            // A comment whose page is gone keeps its place, without its words.
            let comment = pages[&video].get(&id);
            read.push(ReadComment {
                language: None,
                id,
                video_id: video,
                text: comment.map(|c| c.text.clone()).unwrap_or_default(),
                created_at: comment.map_or(0, |c| c.created_at),
                likes: comment.map_or(0, |c| c.likes),
                score: None,
            });
        }
        let key = format!("{campaign}/{date}");
        new.day_comments
            .insert(key, new.packed_binary("day_comments", &read))
            .map_err(|e| new.sled_err(e))?;
    }
    Ok(())
}

/// Every comment on the stored pages of `video` read on `date`, by id.
fn comments_in_pages(
    new: &Store,
    date: NaiveDate,
    video: &str,
) -> Result<HashMap<String, crate::domain::Comment>, StoreError> {
    let mut found = HashMap::new();
    for entry in new.raw_entries_from(&format!("{date}/comments/{video}/")) {
        let (_, snapshot) = entry?;
        if let Ok(page) = crate::api::wire::parse_comment_page(snapshot.body.as_bytes()) {
            found.extend(page.items.into_iter().map(|c| (c.id.clone(), c)));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Log lines written into memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().write(bytes)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn progress_counts_every_record_and_tells_it_once_due() {
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let progress = Progress::new(Path::new("/data/store"));
            assert_eq!(progress.over(0..3).count(), 3);
            assert!(log.0.lock().unwrap().is_empty(), "told before it was due");
            progress
                .last_told
                .set(Instant::now() - Progress::EVERY - Duration::from_millis(1));
            assert_eq!(
                progress.over(["a", "b"].into_iter()).collect::<String>(),
                "ab"
            );
            assert_eq!(progress.records.get(), 5);
        });
        let told = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert_eq!(told.lines().count(), 1, "{told}");
        assert!(
            told.contains("migrating the store at /data/store: 4 records written in 0 s"),
            "{told}"
        );
    }
}
