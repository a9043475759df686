//! Brings a store of an earlier schema version up to [`SCHEMA_VERSION`] when it is opened.
//!
//! The new store is written beside the old one (`store.migrating`), flushed, and only then
//! swapped in: the old store is moved aside to `store.schema-N` (never deleted: the person who
//! runs hashtrack removes it once satisfied), then the new one takes its name. A crash before
//! the swap leaves the old store as it was (the half-written copy is started afresh next
//! time); a crash between the two renames is finished by [`finish_interrupted`].
//!
//! Version 1 → 2: values become compressed (with dictionaries learned from the old store's
//! own values), the `video_stats` tree is dropped (each day's `videos` hold the same
//! counters), and the per-comment `comments` tree becomes one `day_comments` record per
//! campaign-day. Version 1 kept no comment texts or scores beside the raw pages, so the texts
//! are read back from the stored pages (the one place the store reads the wire format), and
//! the scores stay unknown until the day is re-scored.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{
    COMPRESSED_TREES, FirstSeen, RawSnapshot, ReadComment, SCHEMA_VERSION, Store, StoreError,
    StoreOptions, codec,
};

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
    if from != 1 {
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
    {
        let new = Store::open_with(&target, options)?;
        let sled_err = |error| failed(format!("reading the old store: {error}"));
        let old_tree = |name: &str| old.open_tree(name).map_err(sled_err);
        let (raw, days) = (old_tree("raw")?, old_tree("days")?);

        learn_from_old(&new, "raw", &raw, sled_err, |bytes| {
            serde_json::from_slice::<RawSnapshot>(bytes)
                .ok()
                .map(|s| s.body.into_bytes())
        })?;
        learn_from_old(&new, "days", &days, sled_err, |bytes| Some(bytes.to_vec()))?;

        for entry in raw.iter() {
            let (key, value) = entry.map_err(sled_err)?;
            let snapshot: RawSnapshot = serde_json::from_slice(&value)
                .map_err(|e| failed(format!("raw {}: {e}", String::from_utf8_lossy(&key))))?;
            new.raw
                .insert(key, new.encode_raw(&snapshot))
                .map_err(|e| new.sled_err(e))?;
        }
        for entry in days.iter() {
            let (key, value) = entry.map_err(sled_err)?;
            new.days
                .insert(key, new.codec.encode("days", &value))
                .map_err(|e| new.sled_err(e))?;
        }
        let unchanged = [
            ("first_seen", &new.first_seen),
            ("hashtag_ids", &new.hashtag_ids),
            ("comment_reads", &new.comment_reads),
            ("outbox", &new.outbox),
        ];
        for (name, to) in unchanged {
            for entry in old_tree(name)?.iter() {
                let (key, value) = entry.map_err(sled_err)?;
                to.insert(key, value).map_err(|e| new.sled_err(e))?;
            }
        }
        day_comments_from_v1(&new, &old_tree("comments")?).map_err(|e| match e {
            StoreError::Corrupt { key, reason, .. } => failed(format!("comments {key}: {reason}")),
            other => other,
        })?;
        new.flush()?;
    }
    drop(old);
    std::fs::rename(dir, &aside).map_err(|error| StoreError::io(dir, error))?;
    std::fs::rename(&target, dir).map_err(|error| StoreError::io(&target, error))?;
    tracing::warn!(
        "migrated the store at {}; the old one is at {}: delete it once you are satisfied",
        dir.display(),
        aside.display()
    );
    Ok(())
}

/// Gives the new store a dictionary for `tree`, learned from the old store's newest values.
fn learn_from_old(
    new: &Store,
    tree: &str,
    old: &sled::Tree,
    sled_err: impl Fn(sled::Error) -> StoreError,
    plain: impl Fn(&[u8]) -> Option<Vec<u8>>,
) -> Result<(), StoreError> {
    debug_assert!(COMPRESSED_TREES.contains(&tree));
    let mut samples = Vec::new();
    // A value that is not a version-1 record is no sample; a store that cannot be read fails.
    for entry in old.iter().rev().take(codec::DICTIONARY_MAX_SAMPLES) {
        let (_, value) = entry.map_err(&sled_err)?;
        samples.extend(plain(&value));
    }
    new.add_learned_dictionary(tree, 1, &samples)
}

/// Version 1's `comments` tree (`{campaign}/{comment id}` → the date it was first read and its
/// video) as version 2's `day_comments` records, the texts read back from the stored pages.
fn day_comments_from_v1(new: &Store, comments: &sled::Tree) -> Result<(), StoreError> {
    // Keys sort by campaign: one campaign's comments are gathered, written, then dropped.
    let mut campaign = String::new();
    let mut by_date: BTreeMap<NaiveDate, Vec<(String, String)>> = BTreeMap::new();
    for entry in comments.iter() {
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
            .insert(key, new.packed("day_comments", &read))
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
