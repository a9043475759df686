//! How a day's tagged outcomes are written in binary formats (the store's postcard), and only
//! there.
//!
//! In JSON an outcome names its variant in a `status` field beside its own fields. A format
//! that does not describe itself cannot read that back (the tag must be found before the
//! fields are known), so in a binary format the outcome is written as serde's plain enum: the
//! variant's index, then its fields. Which form is used follows the format's
//! `is_human_readable`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Field attribute modules (`#[serde(with = "stored_form::sentiment")]`) for an enum that
/// derives its tagged JSON form, given a `remote` mirror of it that derives the plain form.
macro_rules! tagged_in_text_indexed_in_binary {
    ($module:ident, $outcome:ty, $indexed:ty) => {
        pub mod $module {
            use super::*;

            pub fn serialize<S: Serializer>(value: &$outcome, to: S) -> Result<S::Ok, S::Error> {
                if to.is_human_readable() {
                    value.serialize(to)
                } else {
                    <$indexed>::serialize(value, to)
                }
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<$outcome, D::Error> {
                if from.is_human_readable() {
                    <$outcome>::deserialize(from)
                } else {
                    <$indexed>::deserialize(from)
                }
            }
        }
    };
}

tagged_in_text_indexed_in_binary!(sentiment, crate::SentimentOutcome, IndexedSentiment);
tagged_in_text_indexed_in_binary!(alerts, crate::AlertsOutcome, IndexedAlerts);

// The mirrors list every variant and field of the real enums: serde's remote derive matches
// on them, so a variant added there and not here does not compile.

#[derive(Serialize, Deserialize)]
#[serde(remote = "crate::SentimentOutcome")]
enum IndexedSentiment {
    Scored(crate::SentimentSummary),
    Unavailable {
        reason: String,
    },
    NotCollected {
        reason: String,
        unscored: std::collections::BTreeMap<String, u32>,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "crate::AlertsOutcome")]
enum IndexedAlerts {
    Evaluated { alerts: Vec<crate::Alert> },
    Unavailable { reason: String },
}
