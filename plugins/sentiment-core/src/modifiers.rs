//! Words that change the sentiment of other words instead of carrying their own: negations,
//! intensifiers and dampeners, contrastive conjunctions, and laughter, per language.
//!
//! The engine in `lib.rs` is one for every language; what differs is the data here: which
//! words negate, intensify (before the word, or after it as Indonesian "bagus banget" and
//! English "good af"), dampen, contrast or laugh, and which interjections a negation leaves
//! alone. The English lists and the weights start from VADER's (Hutto & Gilbert 2014, MIT
//! licence) and add the spellings and slang of social comments. Sentiment-bearing words live
//! in the lexicon, not here. The other languages' words are written folded (without
//! accents), as their tokens are: "não" is "nao", "tão" is "tao", "jamás" is "jamas".

/// How a modifier acts on the sentiment words after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Modifier {
    /// Flips and weakens the sentiment that follows ("not", "never", "isn't").
    Negation,
    /// Adds to (positive) or takes from (negative) the intensity of what follows, by this many
    /// points of the -4..4 scale.
    Degree(f64),
    /// Like `Degree`, for the sentiment word just before it ("good af", "bagus banget").
    TrailingDegree(f64),
    /// The clause after it outweighs the clause before it ("but").
    Contrast,
    /// Laughter ("💀", "😭", "lol", "i'm dead", "kkkk", "jajaja", "wkwk"): on TikTok it says
    /// "I can't", not what the comment is about, so it emphasises the rest of the comment in
    /// whichever direction that goes ("flop era 💀" mocks, "so funny 💀" praises), like `!`.
    Laughter,
}

/// One language's modifier words.
#[derive(Debug)]
pub struct Modifiers {
    /// The role of a token or phrase the language's lists name.
    words: fn(&str) -> Option<Modifier>,
    /// The first words of the multi-word terms `words` knows; a test keeps the two in step.
    phrase_starts: &'static [&'static str],
    /// Syllables whose repetition is laughter ("k" for "kkkk", "ja" for "jajaja", "wk" for
    /// "wkwkwk"): any run of two or more of them, with a partial one at the end ("hahah").
    laugh_syllables: &'static [&'static str],
    /// Interjections that carry sentiment in the lexicon and voice the writer's reaction, so
    /// that a negation never reaches them (see `reactions.rs`).
    pub interjections: &'static [&'static str],
}

impl Modifiers {
    /// The modifier role of a lower-cased (and, outside English, folded) token or phrase.
    pub fn modifier(&self, term: &str) -> Option<Modifier> {
        (self.words)(term)
            .or_else(|| is_laugh(term, self.laugh_syllables).then_some(Modifier::Laughter))
    }

    /// Whether a modifier phrase may start with `word` (see `Lexicon::may_start_phrase`).
    pub fn may_start_phrase(&self, word: &str) -> bool {
        self.phrase_starts.contains(&word)
    }
}

/// VADER's empirically derived intensity change for a degree adverb.
pub const BOOST: f64 = 0.293;
/// The same change, dampening.
pub const DAMPEN: f64 = -0.293;

pub static ENGLISH: Modifiers = Modifiers {
    words: english,
    phrase_starts: &[
        "a",
        "could",
        "could've",
        "for",
        "i",
        "i'm",
        "im",
        "just",
        "kind",
        "low",
        "no",
        "pretty",
        "should",
        "should've",
        "sort",
        "straight",
        "would",
        "would've",
    ],
    laugh_syllables: &[],
    interjections: &[
        "smh", "ugh", "meh", "blah", "bleh", "oof", "yikes", "ew", "eww", "yuck", "wtf", "ffs",
        "fml", "wow", "yay", "woohoo", "yum", "yummy", "nah", "yas", "yass",
    ],
};

pub static SPANISH: Modifiers = Modifiers {
    words: spanish,
    phrase_starts: &["sin", "un"],
    laugh_syllables: &["ja", "je", "js", "ha"],
    interjections: &[
        "wow", "puaj", "guacala", "fuchi", "uff", "uf", "ugh", "meh", "ay", "uy", "omg", "wtf",
        "alv", "nah", "yay",
    ],
};

pub static PORTUGUESE: Modifiers = Modifiers {
    words: portuguese,
    phrase_starts: &["pra", "so", "um"],
    laugh_syllables: &["k", "rs", "ha", "he", "hue", "hua"],
    interjections: &[
        "aff", "affs", "afe", "eca", "argh", "putz", "credo", "vixe", "eita", "oxe", "uau", "wow",
        "ugh", "meh", "omg", "wtf", "nah", "yay",
    ],
};

pub static INDONESIAN: Modifiers = Modifiers {
    words: indonesian,
    phrase_starts: &["benar", "bener", "sama"],
    laugh_syllables: &["wk", "kw", "awok", "wok", "ha", "he", "xi"],
    interjections: &[
        "anjir", "anjay", "njir", "duh", "yah", "wah", "waduh", "haduh", "hadeh", "astaga", "idih",
        "ih", "cih", "huft", "wow", "ugh", "meh", "omg", "wtf", "yay",
    ],
};

/// The English modifier role of a lower-cased token or phrase, if it has one.
fn english(term: &str) -> Option<Modifier> {
    use Modifier::*;
    let modifier = match term {
        "not" | "never" | "no" | "none" | "nope" | "nor" | "nothing" | "nowhere" | "neither"
        | "without" | "cannot" | "rarely" | "seldom" | "despite" | "uhuh" | "aint" | "arent"
        | "cant" | "couldnt" | "darent" | "didnt" | "doesnt" | "dont" | "hadnt" | "hasnt"
        | "havent" | "isnt" | "mightnt" | "mustnt" | "neednt" | "oughtnt" | "shant"
        | "shouldnt" | "wasnt" | "werent" | "wont" | "wouldnt" => Negation,
        _ if !term.contains(' ') && term.ends_with("n't") => Negation,
        // Counterfactuals deny what follows: "could have been great" is a complaint.
        "could have been" | "should have been" | "would have been" | "could've been"
        | "should've been" | "would've been" => Negation,

        "absolutely" | "amazingly" | "awfully" | "completely" | "considerable" | "considerably"
        | "decidedly" | "deeply" | "effing" | "enormous" | "enormously" | "entirely"
        | "especially" | "exceptional" | "exceptionally" | "extreme" | "extremely"
        | "fabulously" | "flipping" | "flippin" | "frackin" | "fracking" | "fricking"
        | "frickin" | "frigging" | "friggin" | "fully" | "fuckin" | "fucking" | "fuggin"
        | "fugging" | "greatly" | "hella" | "highly" | "hugely" | "incredible" | "incredibly"
        | "intensely" | "major" | "majorly" | "more" | "most" | "particularly" | "purely"
        | "quite" | "really" | "remarkably" | "so" | "substantially" | "thoroughly" | "total"
        | "totally" | "tremendous" | "tremendously" | "uber" | "unbelievably" | "unusually"
        | "utter" | "utterly" | "very" => Degree(BOOST),
        // Spoken and social-media intensifiers; "huge" and "crazy" also stand alone as
        // sentiment words, which the scorer lets them be when nothing follows.
        "super" | "mega" | "huge" | "crazy" | "literally" | "highkey" | "no cap" | "deadass"
        | "straight up" | "wildly" | "insanely" | "ridiculously" | "seriously" | "honestly" => {
            Degree(BOOST)
        }
        "af" | "asf" | "fr" | "for real" => TrailingDegree(BOOST),

        "almost" | "barely" | "hardly" | "just enough" | "kind of" | "kinda" | "kindof"
        | "less" | "little" | "marginal" | "marginally" | "occasional" | "occasionally"
        | "partly" | "scarce" | "scarcely" | "slight" | "slightly" | "somewhat" | "sort of"
        | "sorta" | "sortof" => Degree(DAMPEN),
        "lowkey" | "low key" | "a bit" | "a little" | "a tad" | "mildly" | "fairly" | "pretty"
        | "pretty much" => Degree(DAMPEN),

        "but" => Contrast,

        "💀" | "☠" | "😭" | "😂" | "🤣" | "😹" | "lol" | "lmao" | "lmfao" | "rofl" | "haha"
        | "hahaha" | "hahahaha" | "i'm dead" | "im dead" | "i'm crying" | "im crying"
        | "i'm dying" | "im dying" | "i'm screaming" | "im screaming" | "i screamed" => Laughter,
        _ => return None,
    };
    Some(modifier)
}

/// Spanish (folded) modifier role of a token or phrase.
fn spanish(term: &str) -> Option<Modifier> {
    use Modifier::*;
    let modifier = match term {
        "no" | "nunca" | "ni" | "jamas" | "sin" | "nada" | "tampoco" | "nadie" | "ningun"
        | "ninguno" | "ninguna" | "nop" => Negation,
        "muy" | "super" | "re" | "demasiado" | "demasiada" | "bastante" | "tan" | "mas"
        | "extremadamente" | "sumamente" | "totalmente" | "completamente" | "realmente"
        | "increiblemente" | "mega" | "ultra" | "bien" | "todo" | "full" => Degree(BOOST),
        "poco" | "poca" | "un poco" | "algo" | "medio" | "casi" | "apenas" | "un tanto" => {
            Degree(DAMPEN)
        }
        "pero" | "sino" | "sin embargo" => Contrast,
        _ => return shared(term),
    };
    Some(modifier)
}

/// Portuguese (folded) modifier role of a token or phrase; "n" and "ñ" (folded to "n") are
/// "não" only as a token of their own, which is the only way a token can be "n".
fn portuguese(term: &str) -> Option<Modifier> {
    use Modifier::*;
    let modifier = match term {
        "nao" | "n" | "nunca" | "nem" | "jamais" | "sem" | "nada" | "nenhum" | "nenhuma"
        | "ninguem" | "tampouco" => Negation,
        "muito" | "muita" | "muitos" | "muitas" | "mto" | "mt" | "mta" | "muuito" | "super"
        | "mega" | "bem" | "tao" | "mais" | "extremamente" | "totalmente" | "completamente"
        | "realmente" | "bastante" | "absurdamente" | "ultra" | "hiper" | "mo" => Degree(BOOST),
        "demais" | "dms" | "pra caramba" | "pra caralho" => TrailingDegree(BOOST),
        "pouco" | "pouca" | "um pouco" | "meio" | "quase" | "um tanto" | "razoavelmente" => {
            Degree(DAMPEN)
        }
        "mas" | "porem" | "entretanto" | "contudo" | "todavia" | "so que" => Contrast,
        _ => return shared(term),
    };
    Some(modifier)
}

/// Indonesian modifier role of a token or phrase, with the informal spellings of comments.
/// Intensifiers often follow the word ("bagus banget", "suka sekali", "keren abis").
/// "kurang" ("kurang bagus": not good enough) negates rather than dampens.
fn indonesian(term: &str) -> Option<Modifier> {
    use Modifier::*;
    let modifier = match term {
        "tidak" | "tak" | "gak" | "ga" | "g" | "nggak" | "ngga" | "nggk" | "enggak" | "engga"
        | "gk" | "tdk" | "kagak" | "ndak" | "nda" | "bukan" | "bkn" | "jangan" | "jgn"
        | "belum" | "blm" | "kurang" | "tanpa" => Negation,
        "sangat" | "paling" | "terlalu" | "super" | "amat" | "sungguh" | "makin" | "semakin"
        | "lebih" | "mega" | "benar benar" | "bener bener" => Degree(BOOST),
        "banget" | "bgt" | "bngt" | "bangett" | "sekali" | "abis" | "pol" | "parah" | "gila"
        | "sama sekali" => TrailingDegree(BOOST),
        "agak" | "sedikit" | "dikit" | "lumayan" | "cukup" | "rada" => Degree(DAMPEN),
        "tapi" | "tp" | "tetapi" | "namun" | "cuma" | "cuman" => Contrast,
        _ => return shared(term),
    };
    Some(modifier)
}

/// What every language other than English takes from comments' shared internet English:
/// laughing emoji and abbreviations, and the commonest English negations and intensifiers
/// of mixed comments (none of them a word of Spanish, Portuguese or Indonesian).
fn shared(term: &str) -> Option<Modifier> {
    use Modifier::*;
    let modifier = match term {
        "💀" | "☠" | "😭" | "😂" | "🤣" | "😹" | "lol" | "lmao" | "lmfao" | "rofl" | "xd" => {
            Laughter
        }
        "not" | "never" | "dont" | "don't" | "doesn't" | "isn't" => Negation,
        "very" | "really" => Degree(BOOST),
        "af" | "asf" => TrailingDegree(BOOST),
        _ => return None,
    };
    Some(modifier)
}

/// Whether `word` is a run of two or more laughing syllables, perhaps with part of one at
/// the end ("kkkk", "jajaja", "wkwkwk", "hahah").
fn is_laugh(word: &str, syllables: &[&str]) -> bool {
    let mut rest = word;
    let mut count = 0;
    while let Some(syllable) = syllables.iter().find(|s| rest.starts_with(**s)) {
        rest = &rest[syllable.len()..];
        count += 1;
    }
    count >= 2
        && (rest.is_empty()
            || syllables
                .iter()
                .any(|s| s.len() > rest.len() && s.starts_with(rest)))
}

/// The most words a modifier phrase has ("could have been").
pub const MAX_PHRASE_WORDS: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Reads the phrases out of each language's function (every quoted term with a space
    /// that the language knows), so that a phrase added there without its first word in
    /// `phrase_starts` fails here instead of silently never matching.
    #[test]
    fn phrase_starts_are_the_first_words_of_the_phrases() {
        let source = include_str!("modifiers.rs");
        let body = &source[source.find("fn english(term").unwrap()
            ..source.find("pub const MAX_PHRASE_WORDS").unwrap()];
        let literals: Vec<&str> = body.split('"').skip(1).step_by(2).collect();
        for (language, modifiers, at_least) in [
            ("en", &ENGLISH, 20),
            ("es", &SPANISH, 3),
            ("pt", &PORTUGUESE, 4),
            ("id", &INDONESIAN, 3),
        ] {
            let phrases: Vec<&str> = literals
                .iter()
                .copied()
                .filter(|literal| literal.contains(' ') && modifiers.modifier(literal).is_some())
                .collect();
            assert!(phrases.len() >= at_least, "{language}: {phrases:?}");
            assert!(
                phrases
                    .iter()
                    .all(|p| p.split(' ').count() <= MAX_PHRASE_WORDS)
            );
            let derived: BTreeSet<&str> = phrases
                .iter()
                .map(|p| p.split(' ').next().unwrap())
                .collect();
            let listed: BTreeSet<&str> = modifiers.phrase_starts.iter().copied().collect();
            assert_eq!(derived, listed, "{language}");
        }
    }

    #[test]
    fn laughter_is_recognised_by_its_syllables() {
        for laugh in ["kkkk", "kk", "rsrs", "hahaha", "hahah", "kkkkkkk"] {
            assert_eq!(
                PORTUGUESE.modifier(laugh),
                Some(Modifier::Laughter),
                "{laugh}"
            );
        }
        for laugh in ["jajaja", "jaja", "jsjsjs", "jejeje"] {
            assert_eq!(SPANISH.modifier(laugh), Some(Modifier::Laughter), "{laugh}");
        }
        for laugh in ["wkwk", "wkwkwk", "wkwkwkw", "awokawok", "xixixi"] {
            assert_eq!(
                INDONESIAN.modifier(laugh),
                Some(Modifier::Laughter),
                "{laugh}"
            );
        }
        for word in ["k", "ja", "hat", "kasa", "wkx"] {
            assert_eq!(PORTUGUESE.modifier(word), None, "{word}");
            assert_eq!(SPANISH.modifier(word), None, "{word}");
        }
        assert_eq!(
            ENGLISH.modifier("hahahahaha"),
            None,
            "English keeps its own list"
        );
        assert_eq!(ENGLISH.modifier("hahaha"), Some(Modifier::Laughter));
    }
}
