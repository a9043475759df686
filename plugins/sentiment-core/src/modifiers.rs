//! Words that change the sentiment of other words instead of carrying their own: negations,
//! intensifiers and dampeners, contrastive conjunctions, and laughter.
//!
//! The lists and the weights start from VADER's (Hutto & Gilbert 2014, MIT licence) and add
//! the spellings and slang of social comments. Sentiment-bearing words live in the lexicon,
//! not here.

/// How a modifier acts on the sentiment words after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Modifier {
    /// Flips and weakens the sentiment that follows ("not", "never", "isn't").
    Negation,
    /// Adds to (positive) or takes from (negative) the intensity of what follows, by this many
    /// points of the -4..4 scale.
    Degree(f64),
    /// Like `Degree`, for the sentiment word just before it ("good af").
    TrailingDegree(f64),
    /// The clause after it outweighs the clause before it ("but").
    Contrast,
    /// Laughter ("💀", "😭", "lol", "i'm dead"): on TikTok it says "I can't", not what the
    /// comment is about, so it emphasises the rest of the comment in whichever direction
    /// that goes ("flop era 💀" mocks, "so funny 💀" praises), like `!`.
    Laughter,
}

/// VADER's empirically derived intensity change for a degree adverb.
pub const BOOST: f64 = 0.293;
/// The same change, dampening.
pub const DAMPEN: f64 = -0.293;

/// The modifier role of a lower-cased token or phrase, if it has one.
pub fn modifier(term: &str) -> Option<Modifier> {
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

/// The most words a modifier phrase has ("could have been").
pub const MAX_PHRASE_WORDS: usize = 3;

/// The first words of the multi-word terms `modifier` knows; a test keeps the two in step.
const PHRASE_STARTS: &[&str] = &[
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
];

/// Whether a modifier phrase may start with `word` (see `Lexicon::may_start_phrase`).
pub fn may_start_phrase(word: &str) -> bool {
    PHRASE_STARTS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Reads the phrases out of `modifier`'s source (every quoted term with a space that
    /// `modifier` knows), so that a phrase added there without its first word in
    /// `PHRASE_STARTS` fails here instead of silently never matching.
    #[test]
    fn phrase_starts_are_the_first_words_of_the_phrases() {
        let source = include_str!("modifiers.rs");
        let body = &source[source.find("pub fn modifier").unwrap()
            ..source.find("pub const MAX_PHRASE_WORDS").unwrap()];
        let phrases: Vec<&str> = body
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|literal| literal.contains(' ') && modifier(literal).is_some())
            .collect();
        assert!(phrases.len() >= 20, "{phrases:?}");
        assert!(
            phrases
                .iter()
                .all(|p| p.split(' ').count() <= MAX_PHRASE_WORDS)
        );
        let derived: BTreeSet<&str> = phrases
            .iter()
            .map(|p| p.split(' ').next().unwrap())
            .collect();
        let listed: BTreeSet<&str> = PHRASE_STARTS.iter().copied().collect();
        assert_eq!(derived, listed);
    }
}
