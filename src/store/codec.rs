//! How the store's bulky values are laid out on disk: zstd frames, with a dictionary trained
//! from the store's own data once it holds enough of it.
//!
//! Paid responses and computed days are most of a store. Each is compressed on its own (so
//! every response is still written and flushed before the next request), and a response alone
//! is too small for zstd to find much to share. A dictionary learned from a few hundred of the
//! store's own earlier values holds what they share (field names, creators, captions, comments
//! read again), which makes each value about a third smaller again.
//!
//! A value is one tag byte and a zstd frame:
//! - [`TAG_ZSTD`]: the frame needs no dictionary;
//! - [`TAG_ZSTD_DICT`] + a 4-byte little-endian dictionary number: the frame was written with
//!   that dictionary, kept in the `meta` tree under [`dictionary_key`] and never changed.
//!
//! A tree's first dictionary is learned early, from few values; as the tree grows tenfold a
//! better one is learned from more ([`wants_dictionary`]), until one was learned from
//! [`DICTIONARY_MAX_SAMPLES`]. Older values keep theirs.
//!
//! Values of schema version 1 (plain JSON) start with `{` or `[`, neither of them a tag, so a
//! reader can tell them apart; the migration rewrites them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::sync::{OnceLock, RwLock};

use zstd::dict::{DecoderDictionary, EncoderDictionary};
use zstd::zstd_safe::{CCtx, DCtx};

/// zstd's level for each tree. A raw response is written once and read rarely: a slow level
/// costs well under a millisecond. A computed day's records are rewritten whenever the day is
/// and written by the hundred thousand in a bulk import: level 3 compresses them about five
/// times faster than 12, for some 10 % more bytes. Reading is as fast at any level.
fn level(tree: &str) -> i32 {
    if tree == "raw" { 12 } else { 3 }
}
const TAG_ZSTD: u8 = 1;
const TAG_ZSTD_DICT: u8 = 2;

/// How many of a tree's values a dictionary is learned from, at least and at most.
pub const DICTIONARY_MIN_SAMPLES: usize = 40;
pub const DICTIONARY_MAX_SAMPLES: usize = 2_000;
/// A dictionary's size: zstd's guidance is about 100× smaller than the samples it learns from.
const DICTIONARY_BYTES: usize = 48 * 1024;

/// Where a tree's dictionary number `n` is kept in `meta`.
pub fn dictionary_key(tree: &str, n: u32) -> String {
    format!("{}{n}", dictionary_prefix(tree))
}

/// The `meta` prefix of all of a tree's dictionaries.
pub fn dictionary_prefix(tree: &str) -> String {
    format!("dictionary/{tree}/")
}

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("an empty value")]
    Empty,
    #[error("unknown value tag {0}")]
    UnknownTag(u8),
    #[error("written with dictionary {0}, which the store does not have")]
    MissingDictionary(u32),
    #[error("zstd: {0}")]
    Zstd(std::io::Error),
}

struct Dictionary {
    /// How many values it was learned from.
    samples: usize,
    bytes: Vec<u8>,
    /// Prepared on first use: only a tree's newest dictionary compresses, and commands that
    /// only read never do (zstd's tables for compressing take megabytes per dictionary).
    encoder: OnceLock<EncoderDictionary<'static>>,
    decoder: DecoderDictionary<'static>,
}

/// The dictionaries of one store, by tree: the newest one of a tree compresses, any one
/// decompresses what it wrote.
#[derive(Default)]
pub struct Codec {
    dictionaries: RwLock<HashMap<String, Vec<(u32, Dictionary)>>>,
}

impl Codec {
    /// Adds dictionary `n` of `tree`, learned from `samples` values (its bytes as trained).
    pub fn add_dictionary(&self, tree: &str, n: u32, samples: usize, bytes: &[u8]) {
        let dictionary = Dictionary {
            samples,
            bytes: bytes.to_vec(),
            encoder: OnceLock::new(),
            decoder: DecoderDictionary::copy(bytes),
        };
        let mut all = self.dictionaries.write().expect("codec lock");
        let of_tree = all.entry(tree.to_string()).or_default();
        of_tree.push((n, dictionary));
        of_tree.sort_by_key(|(n, _)| *n);
    }

    /// The number and sample count of `tree`'s newest dictionary.
    pub fn newest(&self, tree: &str) -> Option<(u32, usize)> {
        let all = self.dictionaries.read().expect("codec lock");
        all.get(tree)?.last().map(|(n, d)| (*n, d.samples))
    }

    /// Compresses `plain` for `tree`, with its newest dictionary if it has one.
    pub fn encode(&self, tree: &str, plain: &[u8]) -> Vec<u8> {
        let all = self.dictionaries.read().expect("codec lock");
        let newest = all.get(tree).and_then(|d| d.last());
        let mut out = Vec::new();
        let written = match newest {
            Some((n, dictionary)) => {
                out.push(TAG_ZSTD_DICT);
                out.extend_from_slice(&n.to_le_bytes());
                let encoder = dictionary
                    .encoder
                    .get_or_init(|| EncoderDictionary::copy(&dictionary.bytes, level(tree)));
                compress(&mut out, plain, Some(encoder), level(tree))
            }
            None => {
                out.push(TAG_ZSTD);
                compress(&mut out, plain, None, level(tree))
            }
        };
        written.expect("a buffer of zstd's bound always holds the frame");
        out
    }

    /// The plain bytes of a value `encode` wrote.
    pub fn decode(&self, tree: &str, stored: &[u8]) -> Result<Vec<u8>, CodecError> {
        let (&tag, rest) = stored.split_first().ok_or(CodecError::Empty)?;
        match tag {
            TAG_ZSTD => decompress(rest, None),
            TAG_ZSTD_DICT if rest.len() >= 4 => {
                let (n, frame) = rest.split_at(4);
                let n = u32::from_le_bytes(n.try_into().expect("4 bytes"));
                let all = self.dictionaries.read().expect("codec lock");
                let dictionary = all
                    .get(tree)
                    .and_then(|d| d.iter().find(|(m, _)| *m == n))
                    .ok_or(CodecError::MissingDictionary(n))?;
                decompress(frame, Some(&dictionary.1.decoder))
            }
            other => Err(CodecError::UnknownTag(other)),
        }
    }
}

thread_local! {
    /// One decompression context per thread: making one per value was a tenth of a report's
    /// time over a large store.
    static DECOMPRESSOR: RefCell<DCtx<'static>> = RefCell::new(DCtx::create());
    static COMPRESSOR: RefCell<CCtx<'static>> = RefCell::new(CCtx::create());
}

fn decompress(
    frame: &[u8],
    dictionary: Option<&DecoderDictionary<'static>>,
) -> Result<Vec<u8>, CodecError> {
    let size = match zstd::zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) => usize::try_from(size).map_err(|_| too_big())?,
        // Every frame written here records its size; read any other one as a stream.
        Ok(None) => return decompress_streaming(frame, dictionary),
        Err(_) => return Err(CodecError::Zstd(corrupt_frame())),
    };
    let mut plain = Vec::with_capacity(size);
    DECOMPRESSOR
        .with_borrow_mut(|dctx| match dictionary {
            Some(d) => dctx.decompress_using_ddict(&mut plain, frame, d.as_ddict()),
            None => dctx.decompress(&mut plain, frame),
        })
        .map_err(|code| {
            CodecError::Zstd(std::io::Error::other(zstd::zstd_safe::get_error_name(code)))
        })?;
    Ok(plain)
}

fn decompress_streaming(
    frame: &[u8],
    dictionary: Option<&DecoderDictionary<'static>>,
) -> Result<Vec<u8>, CodecError> {
    let mut plain = Vec::new();
    match dictionary {
        Some(d) => zstd::stream::Decoder::with_prepared_dictionary(frame, d)
            .and_then(|mut decoder| decoder.read_to_end(&mut plain)),
        None => zstd::stream::Decoder::new(frame).and_then(|mut d| d.read_to_end(&mut plain)),
    }
    .map_err(CodecError::Zstd)?;
    Ok(plain)
}

fn corrupt_frame() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, "not a zstd frame")
}

fn too_big() -> CodecError {
    CodecError::Zstd(std::io::Error::other("a value too big for this machine"))
}

/// Appends `plain` to `out` as one zstd frame that records its size, in one call on this
/// thread's compression context (a streaming encoder per value allocated a context and
/// cleared its tables every time).
fn compress(
    out: &mut Vec<u8>,
    plain: &[u8],
    dictionary: Option<&EncoderDictionary<'static>>,
    level: i32,
) -> Result<(), usize> {
    let header = out.len();
    out.resize(header + zstd::zstd_safe::compress_bound(plain.len()), 0);
    let written = COMPRESSOR.with_borrow_mut(|cctx| match dictionary {
        Some(d) => cctx.compress_using_cdict(&mut out[header..], plain, d.as_cdict()),
        None => cctx.compress(&mut out[header..], plain, level),
    })?;
    out.truncate(header + written);
    Ok(())
}

/// How many values `tree` must hold before its next dictionary is learned (given its newest
/// one's number and sample count), or `None` when it has its best one already.
pub fn wants_dictionary(newest: Option<(u32, usize)>) -> Option<usize> {
    match newest {
        None => Some(DICTIONARY_MIN_SAMPLES),
        Some((_, samples)) if samples >= DICTIONARY_MAX_SAMPLES => None,
        Some((_, samples)) => Some((samples * 10).min(DICTIONARY_MAX_SAMPLES)),
    }
}

/// A dictionary as kept in `meta`: the sample count (4 bytes, little-endian), then its bytes.
pub fn dictionary_record(samples: usize, dictionary: &[u8]) -> Vec<u8> {
    let mut record = (samples as u32).to_le_bytes().to_vec();
    record.extend_from_slice(dictionary);
    record
}

/// The sample count and bytes of a [`dictionary_record`].
pub fn parse_dictionary_record(record: &[u8]) -> Option<(usize, &[u8])> {
    let (samples, dictionary) = record.split_at_checked(4)?;
    Some((
        u32::from_le_bytes(samples.try_into().ok()?) as usize,
        dictionary,
    ))
}

/// Learns a dictionary from sample values (plain bytes); `None` when zstd finds too little in
/// them to learn from (too few, too small or too alike), which leaves values compressed alone.
pub fn train_dictionary(samples: &[Vec<u8>]) -> Option<Vec<u8>> {
    if samples.len() < DICTIONARY_MIN_SAMPLES {
        return None;
    }
    let total: usize = samples.iter().map(Vec::len).sum();
    // zstd refuses to learn a dictionary bigger than a tenth of what it learns from.
    let size = DICTIONARY_BYTES.min(total / 10);
    zstd::dict::from_samples(samples, size).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(i: usize) -> Vec<u8> {
        format!(
            r#"{{"data":{{"comments":[{{"cid":"77030{i:014}","create_time":{},"digg_count":{},"text":"adding this to my routine no cap {}","user":{{"unique_id":"user{}"}}}}]}}}}"#,
            1_793_500_000 + i * 37,
            i % 50,
            i % 7,
            i * 7919
        )
        .into_bytes()
    }

    #[test]
    fn values_come_back_with_and_without_a_dictionary_and_a_dictionary_makes_them_smaller() {
        let codec = Codec::default();
        let plain = sample(1);
        let alone = codec.encode("raw", &plain);
        assert_eq!(codec.decode("raw", &alone).unwrap(), plain);

        let samples: Vec<Vec<u8>> = (0..400).map(sample).collect();
        let dictionary = train_dictionary(&samples).expect("enough samples to learn from");
        codec.add_dictionary("raw", 1, 400, &dictionary);
        let with = codec.encode("raw", &plain);
        assert_eq!(codec.decode("raw", &with).unwrap(), plain);
        assert!(
            with.len() < alone.len(),
            "{} vs {}",
            with.len(),
            alone.len()
        );
        // Both frames record their size, which lets a reader decode them in one call.
        for frame in [&alone[1..], &with[5..]] {
            let size = zstd::zstd_safe::get_frame_content_size(frame).ok();
            assert_eq!(size, Some(Some(plain.len() as u64)));
        }
        // What was written before the dictionary still reads.
        assert_eq!(codec.decode("raw", &alone).unwrap(), plain);
        // Another tree has no dictionary: its values are compressed alone.
        assert_eq!(codec.encode("days", &plain)[0], TAG_ZSTD);
    }

    #[test]
    fn a_value_needing_a_dictionary_the_store_lacks_is_an_error_not_garbage() {
        let with_dictionary = Codec::default();
        let samples: Vec<Vec<u8>> = (0..400).map(sample).collect();
        with_dictionary.add_dictionary("raw", 7, 400, &train_dictionary(&samples).unwrap());
        let stored = with_dictionary.encode("raw", &sample(3));
        let err = Codec::default().decode("raw", &stored).unwrap_err();
        assert!(matches!(err, CodecError::MissingDictionary(7)), "{err}");
        assert!(matches!(
            Codec::default().decode("raw", b"{\"plain\":1}"),
            Err(CodecError::UnknownTag(b'{'))
        ));
    }

    #[test]
    fn dictionaries_are_relearned_as_a_tree_grows_tenfold_until_the_most_samples() {
        assert_eq!(wants_dictionary(None), Some(DICTIONARY_MIN_SAMPLES));
        assert_eq!(wants_dictionary(Some((1, 40))), Some(400));
        assert_eq!(
            wants_dictionary(Some((2, 400))),
            Some(DICTIONARY_MAX_SAMPLES)
        );
        assert_eq!(wants_dictionary(Some((3, DICTIONARY_MAX_SAMPLES))), None);
        let record = dictionary_record(400, b"dict");
        assert_eq!(parse_dictionary_record(&record), Some((400, &b"dict"[..])));
    }

    #[test]
    fn too_few_samples_learn_no_dictionary() {
        let samples: Vec<Vec<u8>> = (0..10).map(sample).collect();
        assert!(train_dictionary(&samples).is_none());
    }
}
