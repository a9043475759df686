//! Hostile mode ([`SimConfig::hostile`](super::SimConfig::hostile)): otherwise valid answers
//! whose free text is what an attacker can post (a 100,000-character handle, spreadsheet
//! formulas, terminal escapes, bidi overrides, Slack mentions and links) and whose items now
//! and then break the contract (a negative, huge or quoted counter, a missing id). Error
//! bodies carry hostile messages too, and the first paid answer asks for an hour's wait. Which item gets what is drawn from the seed and the
//! item's id, so the same world is served every time.
//!
//! Applied to the wire payloads after `wire` wrote them: the model and its truth stay as they
//! are.

use serde_json::{Value, json};

use super::dice::Key;

/// Formula cells (OWASP's examples), control characters, and Slack markup.
pub const HOSTILE_TEXTS: [&str; 8] = [
    "=HYPERLINK(\"http://evil\",\"x\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "nul\u{0}esc\u{1b}[2Jbell\u{7}",
    "\u{202E}gnp.exe\u{202C} c1\u{85}\u{9b}31m del\u{7f}",
    "<!channel> please check",
    "<https://evil|Click to verify>",
];

/// The `Retry-After` of the hostile mode's first answer: an hour, far past what a run waits.
pub const HOSTILE_RETRY_AFTER_SECS: u64 = 3600;

/// The faults a server starts with: in hostile mode its very first paid answer is a 429 that
/// asks for an hour's wait (a collector must stop that key, not hang).
pub(super) fn first_faults(hostile: bool) -> super::faults::FaultQueue {
    let mut faults = super::faults::FaultQueue::default();
    if hostile {
        faults.push(super::faults::Fault::any(
            super::faults::FaultKind::RateLimited {
                retry_after_secs: HOSTILE_RETRY_AFTER_SECS,
            },
            1,
        ));
    }
    faults
}

/// The length of the overlong handle, far past what a formatting width may be.
pub const LONG_HANDLE_CHARS: usize = 100_000;

/// Counters that are not counts.
fn bad_counter(dice_roll: u64) -> Value {
    match dice_roll % 3 {
        0 => json!(-5),
        1 => json!(1e30),
        _ => json!("12"),
    }
}

/// One hostile text, picked by `roll`.
fn text(roll: u64) -> String {
    HOSTILE_TEXTS[roll as usize % HOSTILE_TEXTS.len()].to_string()
}

/// Spoils a hashtag-info payload's title (its figures stay, so the day still counts).
pub(super) fn hashtag(data: &mut Value) {
    if let Some(challenge) = data.pointer_mut("/challengeInfo/challenge") {
        challenge["title"] = json!("<!channel>\u{1b}[31m=1+1\u{202E}");
    }
}

/// Spoils a video-feed payload: the first item's handle is overlong, the second has a bad
/// counter; of the others, some get hostile handles, captions or nicknames, and about one in
/// eight a bad counter or no id.
pub(super) fn videos(seed: u64, data: &mut Value) {
    let Some(items) = data.get_mut("aweme_list").and_then(Value::as_array_mut) else {
        return;
    };
    for (i, item) in items.iter_mut().enumerate() {
        let mut dice = item_dice(seed, "video", item, "aweme_id");
        let roll = match i {
            0 => {
                item["author"]["unique_id"] = json!("h".repeat(LONG_HANDLE_CHARS));
                continue;
            }
            1 => 7,
            _ => dice.below(16),
        };
        match roll {
            0..=2 => item["author"]["unique_id"] = json!(text(dice.next_u64())),
            3..=5 => item["desc"] = json!(text(dice.next_u64())),
            6 => item["author"]["nickname"] = json!(text(dice.next_u64())),
            7 => {
                let counter = *dice.pick(&["play_count", "digg_count", "comment_count"]);
                item["statistics"][counter] = bad_counter(dice.next_u64());
            }
            8 => {
                if let Some(fields) = item.as_object_mut() {
                    fields.remove("aweme_id");
                }
            }
            _ => {}
        }
    }
}

/// Spoils a comments payload: the first item has a bad like count; of the others, some texts
/// and handles are hostile, and about one in eight items has a bad like count or no id.
pub(super) fn comments(seed: u64, data: &mut Value) {
    let Some(items) = data.get_mut("comments").and_then(Value::as_array_mut) else {
        return;
    };
    for (i, item) in items.iter_mut().enumerate() {
        let mut dice = item_dice(seed, "comment", item, "cid");
        let roll = if i == 0 { 5 } else { dice.below(16) };
        match roll {
            0..=3 => item["text"] = json!(text(dice.next_u64())),
            4 => item["user"]["unique_id"] = json!(text(dice.next_u64())),
            5 => item["digg_count"] = bad_counter(dice.next_u64()),
            6 => {
                if let Some(fields) = item.as_object_mut() {
                    fields.remove("cid");
                }
            }
            _ => {}
        }
    }
}

/// An error body whose message carries terminal escapes, a bidi override and markup.
pub(super) fn error_body(body: &[u8]) -> Vec<u8> {
    let Ok(mut value) = serde_json::from_slice::<Value>(body) else {
        return body.to_vec();
    };
    if let Some(message) = value.pointer_mut("/error/message") {
        let original = message.as_str().unwrap_or_default();
        *message = json!(format!(
            "{original} \u{1b}]0;owned\u{7}\u{1b}[2J\u{202E}<!channel>"
        ));
    }
    value.to_string().into_bytes()
}

/// The draws for one item, from the seed and the item's id (before anything is spoilt).
fn item_dice(seed: u64, kind: &str, item: &Value, id_field: &str) -> super::dice::Dice {
    let id = item
        .get(id_field)
        .and_then(Value::as_str)
        .unwrap_or_default();
    Key::root(seed).text("hostile").text(kind).text(id).dice()
}
