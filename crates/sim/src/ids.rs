//! Identifiers of the simulated world: hashtag names, hashtag ids, video ids (`aweme_id`) and
//! comment ids (`cid`).
//!
//! Hashtag ids are a reversible, scrambled encoding of the name, so `{"hashtag_id": ...}` works
//! even for a hashtag this server has never been asked about by name (a collector caches ids
//! across runs). Video and comment ids follow TikTok's layout (creation time in the high 32
//! bits, which makes them 19-digit numbers), with the video's hashtag and index packed in the
//! low bits so a comments request can find its video again.

use super::dice::Key;

/// Characters a hashtag name may hold once lowercased.
const NAME_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789_";
const MAX_NAME_LEN: usize = 100;
/// Fixed, seed-independent: a hashtag keeps its id whatever world is simulated.
const ID_SCRAMBLE: u64 = 229_207;

/// Videos per hashtag that fit in an `aweme_id`'s index bits.
pub(super) const MAX_VIDEOS: usize = (1 << INDEX_BITS) - 1;
const INDEX_BITS: u32 = 12;
const TAG_BITS: u32 = 20;

/// The canonical form of a requested name (no `#`, lowercase), or `None` when it cannot be a
/// hashtag.
pub(super) fn normalize_name(raw: &str) -> Option<String> {
    let name = raw.trim().trim_start_matches('#').to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name.bytes().all(|b| NAME_ALPHABET.contains(&b));
    valid.then_some(name)
}

/// The stable numeric id of a (normalized) hashtag name.
pub(super) fn hashtag_id(name: &str) -> String {
    let mut id = String::with_capacity(1 + 2 * name.len());
    id.push('1');
    for (i, b) in name.bytes().enumerate() {
        let code = 10 + NAME_ALPHABET.iter().position(|a| *a == b).unwrap_or(0) as u64;
        id.push_str(&format!("{:02}", (code + scramble(i)) % 100));
    }
    id
}

/// The name behind a hashtag id, or `None` when the id was not made by [`hashtag_id`].
pub(super) fn hashtag_name(id: &str) -> Option<String> {
    let digits = id.strip_prefix('1')?.as_bytes();
    if digits.is_empty() || digits.len() % 2 != 0 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let name = digits
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let scrambled = u64::from((pair[0] - b'0') * 10 + (pair[1] - b'0'));
            let code = (scrambled + 100 - scramble(i)) % 100;
            let pos = code.checked_sub(10)? as usize;
            NAME_ALPHABET.get(pos).map(|b| *b as char)
        })
        .collect::<Option<String>>()?;
    (name.len() <= MAX_NAME_LEN).then_some(name)
}

fn scramble(position: usize) -> u64 {
    Key::root(ID_SCRAMBLE).num(position as u64).value() % 100
}

/// A short key for a hashtag, small enough to pack into a video id.
pub(super) fn tag_key(name: &str) -> u32 {
    (Key::root(0).text(name).value() & ((1 << TAG_BITS) - 1)) as u32
}

/// The `aweme_id` of a hashtag's `index`-th video.
pub(super) fn video_id(create_time: i64, tag: u32, index: usize) -> u64 {
    ((create_time as u64) << 32) | (u64::from(tag) << INDEX_BITS) | index as u64
}

/// What a video id packs: (creation time, hashtag key, index). Says nothing about whether
/// such a video exists; the world checks that.
pub(super) fn split_video_id(id: u64) -> (i64, u32, usize) {
    let low = id & 0xffff_ffff;
    (
        (id >> 32) as i64,
        (low >> INDEX_BITS) as u32,
        (low & ((1 << INDEX_BITS) - 1)) as usize,
    )
}

/// A comment id, unique within its video: `serial` numbers the video's comments.
pub(super) fn comment_id(create_time: i64, video: u64, serial: u32) -> u64 {
    let video_bits = Key::root(0).num(video).value() & 0xffff;
    ((create_time as u64) << 32) | (video_bits << 16) | u64::from(serial & 0xffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtag_ids_round_trip_and_differ() {
        for name in ["trybrandx", "a", "glow_up_2026", "z9_"] {
            let id = hashtag_id(name);
            assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
            assert_eq!(hashtag_name(&id).as_deref(), Some(name));
        }
        assert_ne!(hashtag_id("trybrandx"), hashtag_id("trybrandy"));
        assert_eq!(hashtag_id("trybrandx").len(), 19);
    }

    #[test]
    fn foreign_ids_do_not_decode() {
        for id in ["", "1", "229207", "2123", "1a2", "123"] {
            assert_eq!(hashtag_name(id), None, "{id}");
        }
    }

    #[test]
    fn names_are_normalized_or_rejected() {
        assert_eq!(normalize_name(" #TryBrandX ").as_deref(), Some("trybrandx"));
        assert_eq!(normalize_name("#"), None);
        assert_eq!(normalize_name("two words"), None);
    }

    #[test]
    fn video_ids_look_like_tiktok_and_unpack() {
        let t = 1_793_000_000;
        let id = video_id(t, tag_key("trybrandx"), 417);
        assert_eq!(id.to_string().len(), 19);
        assert_eq!(split_video_id(id), (t, tag_key("trybrandx"), 417));
    }
}
