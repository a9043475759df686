//! The comment text pool: short TikTok-style comments composed from openers, cores and
//! closers per tone, with the usual noise (ALL CAPS, emoji-only replies, @-mentions, slang and
//! negation), so a campaign shows thousands of distinct texts. The tone of each comment is
//! chosen by the campaign's mood of the day (see `campaign`); this module only writes text.

use super::dice::Dice;
use super::people;

/// What a comment means to say; the text is written to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tone {
    Positive,
    Neutral,
    Negative,
}

struct Pool {
    openers: &'static [&'static str],
    cores: &'static [&'static str],
    closers: &'static [&'static str],
    emoji_only: &'static [&'static str],
}

const POSITIVE: Pool = Pool {
    openers: &[
        "",
        "",
        "",
        "ok ",
        "omg ",
        "wait ",
        "bro ",
        "girl ",
        "no bc ",
        "literally ",
        "ngl ",
        "lowkey ",
        "highkey ",
        "honestly ",
        "not gonna lie ",
        "y'all ",
    ],
    cores: &[
        "this slaps",
        "she ate",
        "ate and left no crumbs",
        "obsessed with this",
        "need this asap",
        "the way i screamed",
        "this is so good",
        "best thing on my fyp today",
        "added to cart",
        "just ordered mine",
        "core memory unlocked",
        "the transition tho",
        "slay",
        "10/10 no notes",
        "i'm so seated",
        "this is the one",
        "main character energy",
        "living for this",
        "adding this to my routine",
        "it actually works",
        "manifesting this",
        "need a part 2",
        "W brand",
        "you understood the assignment",
        "this trend is everything",
        "been using it for a week and i'm hooked",
        "my sister got me into this and wow",
        "the glow is unreal",
        "finally a trend worth doing",
        "instant follow",
        "you did that",
        "chef's kiss",
        "my new personality",
        "never skipping this one",
        "so clean",
        "love love love",
        "the results tho",
        "this made my day",
        "can't stop watching",
        "better than i expected",
    ],
    closers: &[
        "",
        "",
        " fr",
        " no cap",
        " 😍",
        " 🔥🔥",
        " 😭😭",
        " 💅",
        " ✨",
        "!!!",
        " 🙌",
        " 😍😍😍",
        " 🔥",
    ],
    emoji_only: &["😍😍😍", "🔥🔥🔥", "😭😭😭", "🙌🙌", "💯"],
};

const NEUTRAL: Pool = Pool {
    openers: &["", "", "", "wait ", "um ", "ok ", "quick question ", "hey "],
    cores: &[
        "where is this from",
        "link?",
        "what's the song",
        "first",
        "how much is it",
        "does it ship to canada",
        "watching this at 3am",
        "who else is here from the live",
        "part 2?",
        "commenting for the algorithm",
        "what shade is that",
        "is this sponsored",
        "here before this blows up",
        "i need the tutorial",
        "anyone tried it yet",
        "what app is that",
        "on repeat",
        "the background music tho",
        "which one did you get",
        "what size",
        "saving this for later",
        "is it available in stores",
        "how long does shipping take",
        "day 4 of asking for the link",
        "wait how did you do that",
    ],
    closers: &["", "", "?", " 👀", " 🤔", "??", " lol"],
    emoji_only: &["👀", "🤔", "😶"],
};

const NEGATIVE: Pool = Pool {
    openers: &[
        "",
        "",
        "",
        "ngl ",
        "honestly ",
        "be so fr ",
        "nah ",
        "lowkey ",
        "yeah no ",
        "bro ",
        "ok but ",
        "sorry but ",
    ],
    cores: &[
        "not worth it",
        "doesn't even work",
        "mid",
        "this is so mid",
        "tried it and hated it",
        "why is this on my fyp",
        "i want a refund",
        "mine broke after two days",
        "the ick",
        "overrated",
        "cringe",
        "please stop posting this",
        "total scam",
        "worst purchase this year",
        "fell off hard",
        "this ain't it",
        "nobody asked",
        "they paid everyone for this trend",
        "returned mine",
        "my skin broke out",
        "quality went downhill",
        "sellout",
        "don't fall for it",
        "literally a waste of money",
        "it's giving scam",
        "unfollowing",
        "flop era",
        "customer service ghosted me",
        "so fake",
        "doesn't look like that irl",
        "stop lying to us",
        "the old version was better",
        "every video is an ad now",
        "can't believe i fell for this",
        "not buying it",
        "this did nothing for me",
        "love paying for something that doesn't work",
    ],
    closers: &[
        "",
        "",
        " 💀",
        " 🤮",
        " 😒",
        " 🙄",
        " fr",
        " 👎",
        " smh",
        "...",
        " 💀💀",
        " no cap",
    ],
    emoji_only: &["🤮🤮", "💀💀💀", "👎👎", "😒"],
};

/// A comment of the given tone on a video of `#tag`.
pub(super) fn compose(tone: Tone, dice: &mut Dice, tag: &str) -> String {
    let pool = match tone {
        Tone::Positive => &POSITIVE,
        Tone::Neutral => &NEUTRAL,
        Tone::Negative => &NEGATIVE,
    };
    if dice.chance(0.05) {
        return dice.pick(pool.emoji_only).to_string();
    }
    let mut text = format!(
        "{}{}{}",
        dice.pick(pool.openers),
        dice.pick(pool.cores),
        dice.pick(pool.closers)
    );
    if tone != Tone::Neutral && dice.chance(0.1) {
        text = text.to_uppercase();
    }
    if dice.chance(0.07) {
        text = format!("@{} {text}", people::person(dice).handle);
    }
    if dice.chance(0.04) {
        text.push_str(&format!(" #{tag}"));
    }
    text
}

/// The tone a text was written in, recognised by its core phrase or emoji-only form: lets
/// tests read the mood of served comments without a sentiment model.
#[cfg(test)]
pub(super) fn tone_of(text: &str) -> Option<Tone> {
    let text = text.to_lowercase();
    [
        (Tone::Negative, &NEGATIVE),
        (Tone::Positive, &POSITIVE),
        (Tone::Neutral, &NEUTRAL),
    ]
    .into_iter()
    .find(|(_, pool)| {
        pool.cores
            .iter()
            .any(|core| text.contains(&core.to_lowercase()))
            || pool.emoji_only.contains(&text.as_str())
    })
    .map(|(tone, _)| tone)
}

#[cfg(test)]
mod tests {
    use super::super::dice::Key;
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn hundreds_of_distinct_texts_per_tone() {
        for tone in [Tone::Positive, Tone::Neutral, Tone::Negative] {
            let texts: HashSet<String> = (0..2_000)
                .map(|i| compose(tone, &mut Key::root(5).num(i).dice(), "trybrandx"))
                .collect();
            assert!(texts.len() > 300, "{tone:?}: {} distinct", texts.len());
        }
    }

    #[test]
    fn tones_read_differently() {
        let texts = |tone| -> Vec<String> {
            (0..300)
                .map(|i| compose(tone, &mut Key::root(9).num(i).dice(), "x"))
                .collect()
        };
        let has = |texts: &[String], marker: &str| texts.iter().any(|t| t.contains(marker));
        assert!(has(&texts(Tone::Negative), "not worth it"));
        assert!(!has(&texts(Tone::Positive), "not worth it"));
        assert!(has(&texts(Tone::Positive), "slay"));
    }

    #[test]
    fn every_composed_text_is_recognised_in_its_tone() {
        for tone in [Tone::Positive, Tone::Neutral, Tone::Negative] {
            for i in 0..1_000 {
                let text = compose(tone, &mut Key::root(11).num(i).dice(), "trybrandx");
                assert_eq!(tone_of(&text), Some(tone), "{text}");
            }
        }
    }
}
