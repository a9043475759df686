//! The comment text pool: short TikTok-style comments composed from openers, cores and
//! closers per language and tone, with the usual noise (ALL CAPS, emoji-only replies,
//! @-mentions, slang and negation), so a campaign shows thousands of distinct texts. English
//! pools are here, Portuguese, Spanish and Indonesian ones in the submodules; a share of
//! non-English comments borrow an English opener or closer, as real ones do. The tone and
//! language of each comment are chosen elsewhere (`campaign`, `languages`); this module only
//! writes text.

mod es;
mod id;
mod pt;

use serde::Serialize;

use super::dice::Dice;
use super::languages::Language;
use super::people;

/// What a comment means to say; the text is written to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    Positive,
    Neutral,
    Negative,
}

/// Share of non-English comments that borrow an English opener or closer.
const MIXED_SHARE: f64 = 0.15;

struct Pool {
    openers: &'static [&'static str],
    cores: &'static [&'static str],
    closers: &'static [&'static str],
}

/// Emoji-only comments: the same in every language, so of none (`und`).
fn emoji_only(tone: Tone) -> &'static [&'static str] {
    match tone {
        Tone::Positive => &["😍😍😍", "🔥🔥🔥", "😭😭😭", "🙌🙌", "💯"],
        Tone::Neutral => &["👀", "🤔", "😶"],
        Tone::Negative => &["🤮🤮", "💀💀💀", "👎👎", "😒"],
    }
}

fn pool(language: Language, tone: Tone) -> &'static Pool {
    match (language, tone) {
        (Language::Pt, Tone::Positive) => &pt::POSITIVE,
        (Language::Pt, Tone::Neutral) => &pt::NEUTRAL,
        (Language::Pt, Tone::Negative) => &pt::NEGATIVE,
        (Language::Es, Tone::Positive) => &es::POSITIVE,
        (Language::Es, Tone::Neutral) => &es::NEUTRAL,
        (Language::Es, Tone::Negative) => &es::NEGATIVE,
        (Language::Id, Tone::Positive) => &id::POSITIVE,
        (Language::Id, Tone::Neutral) => &id::NEUTRAL,
        (Language::Id, Tone::Negative) => &id::NEGATIVE,
        // `und` is not written, only what emoji-only comments turn out to be.
        (Language::En | Language::Und, Tone::Positive) => &POSITIVE,
        (Language::En | Language::Und, Tone::Neutral) => &NEUTRAL,
        (Language::En | Language::Und, Tone::Negative) => &NEGATIVE,
    }
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
};

/// A composed comment and the language it reads as.
pub(super) struct Written {
    pub text: String,
    /// The drawn language, or `und` for an emoji-only comment.
    pub language: Language,
    /// A non-English comment with an English opener or closer around its native core.
    pub mixed: bool,
}

/// A comment of the given tone in `language` on a video of `#tag`. English draws exactly what
/// it drew before languages existed (the pinned English texts depend on it).
pub(super) fn compose(language: Language, tone: Tone, dice: &mut Dice, tag: &str) -> Written {
    if dice.chance(0.05) {
        return Written {
            text: dice.pick(emoji_only(tone)).to_string(),
            language: Language::Und,
            mixed: false,
        };
    }
    let native = pool(language, tone);
    let english = pool(Language::En, tone);
    // `&&` keeps English from drawing here: its dice stay as they were.
    let mixed = !matches!(language, Language::En | Language::Und) && dice.chance(MIXED_SHARE);
    let english_opener = mixed && dice.chance(0.5);
    let english_closer = mixed && !english_opener;
    let opener = if english_opener {
        pick_worded(dice, english.openers)
    } else {
        dice.pick(native.openers)
    };
    let core = dice.pick(native.cores);
    let closer = if english_closer {
        pick_worded(dice, english.closers)
    } else {
        dice.pick(native.closers)
    };
    let mut text = format!("{opener}{core}{closer}");
    if tone != Tone::Neutral && dice.chance(0.1) {
        text = text.to_uppercase();
    }
    if dice.chance(0.07) {
        text = format!("@{} {text}", people::person(dice).handle);
    }
    if dice.chance(0.04) {
        text.push_str(&format!(" #{tag}"));
    }
    Written {
        text,
        language,
        mixed,
    }
}

/// One of `items` with a word in it: an emoji closer would mix no English in.
fn pick_worded(dice: &mut Dice, items: &'static [&'static str]) -> &'static str {
    let worded: Vec<&'static str> = items
        .iter()
        .copied()
        .filter(|s| s.chars().any(|c| c.is_ascii_alphabetic()))
        .collect();
    let &word = dice.pick(&worded);
    word
}

/// The language and tone a text was written in, recognised by the longest core phrase it
/// holds (so "não recomendo" is not read as "recomendo") or its emoji-only form: lets tests
/// read served comments without a language or sentiment model.
#[cfg(test)]
pub(super) fn written_in(text: &str) -> Option<(Language, Tone)> {
    let text = text.to_lowercase();
    let tones = [Tone::Negative, Tone::Positive, Tone::Neutral];
    if let Some(tone) = tones
        .into_iter()
        .find(|t| emoji_only(*t).contains(&text.as_str()))
    {
        return Some((Language::Und, tone));
    }
    let mut best: Option<(usize, Language, Tone)> = None;
    for language in Language::WRITTEN {
        for tone in tones {
            for core in pool(language, tone).cores {
                let len = core.chars().count();
                if best.is_none_or(|(l, ..)| len > l) && text.contains(&core.to_lowercase()) {
                    best = Some((len, language, tone));
                }
            }
        }
    }
    best.map(|(_, language, tone)| (language, tone))
}

/// The tone a text was written in (see [`written_in`]).
#[cfg(test)]
pub(super) fn tone_of(text: &str) -> Option<Tone> {
    written_in(text).map(|(_, tone)| tone)
}

#[cfg(test)]
mod tests {
    use super::super::dice::Key;
    use super::*;
    use std::collections::HashSet;

    const TONES: [Tone; 3] = [Tone::Positive, Tone::Neutral, Tone::Negative];

    fn text(language: Language, tone: Tone, seed: u64, i: u64) -> Written {
        compose(
            language,
            tone,
            &mut Key::root(seed).num(i).dice(),
            "trybrandx",
        )
    }

    #[test]
    fn hundreds_of_distinct_texts_per_tone_and_language() {
        for language in Language::WRITTEN {
            for tone in TONES {
                let texts: HashSet<String> = (0..2_000)
                    .map(|i| text(language, tone, 5, i).text)
                    .collect();
                assert!(texts.len() > 300, "{language} {tone:?}: {}", texts.len());
            }
        }
    }

    #[test]
    fn tones_read_differently() {
        let texts = |language, tone| -> Vec<String> {
            (0..300).map(|i| text(language, tone, 9, i).text).collect()
        };
        let has = |texts: &[String], marker: &str| texts.iter().any(|t| t.contains(marker));
        assert!(has(&texts(Language::En, Tone::Negative), "not worth it"));
        assert!(!has(&texts(Language::En, Tone::Positive), "not worth it"));
        assert!(has(&texts(Language::En, Tone::Positive), "slay"));
        assert!(has(&texts(Language::Pt, Tone::Negative), "não"));
        assert!(has(&texts(Language::Es, Tone::Positive), "me encanta"));
        assert!(has(&texts(Language::Id, Tone::Negative), "penipuan"));
    }

    #[test]
    fn every_composed_text_is_recognised_in_its_language_and_tone() {
        for language in Language::WRITTEN {
            for tone in TONES {
                for i in 0..1_500 {
                    let w = text(language, tone, 11, i);
                    assert_eq!(written_in(&w.text), Some((w.language, tone)), "{}", w.text);
                    assert!(w.language == language || w.language == Language::Und);
                }
            }
        }
    }

    #[test]
    fn no_core_is_written_twice() {
        let mut seen = HashSet::new();
        for language in Language::WRITTEN {
            for tone in TONES {
                for core in pool(language, tone).cores {
                    assert!(seen.insert(*core), "{core:?} twice");
                }
            }
        }
    }

    #[test]
    fn some_non_english_comments_mix_in_english_and_keep_their_core_language() {
        let english_words = |t: &str| {
            let t = t.to_lowercase();
            [&POSITIVE, &NEUTRAL, &NEGATIVE]
                .iter()
                .flat_map(|p| p.openers.iter().chain(p.closers))
                .filter(|s| s.chars().any(|c| c.is_ascii_alphabetic()))
                .any(|s| t.contains(s))
        };
        for language in [Language::Pt, Language::Es, Language::Id] {
            let written: Vec<Written> = (0..3_000)
                .map(|i| text(language, TONES[i as usize % 3], 13, i))
                .collect();
            let mixed: Vec<&Written> = written.iter().filter(|w| w.mixed).collect();
            let share = mixed.len() as f64 / written.len() as f64;
            assert!((0.1..0.2).contains(&share), "{language}: {share}");
            for w in mixed {
                assert_eq!(w.language, language);
                assert_eq!(written_in(&w.text).map(|(l, _)| l), Some(language));
                assert!(english_words(&w.text), "{}", w.text);
            }
            let und = written
                .iter()
                .filter(|w| w.language == Language::Und)
                .count();
            assert!(und > 50, "{language}: {und} emoji-only");
        }
        assert!((0..3_000).all(|i| !text(Language::En, Tone::Positive, 13, i).mixed));
    }
}
