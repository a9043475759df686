//! A lexicon-and-rules sentiment scorer for short social comments, in pure Rust with no I/O,
//! so that it runs unchanged inside a wasm32-wasip2 component.
//!
//! The method is VADER's (Hutto & Gilbert, ICWSM 2014; MIT licence): every word, emoticon or
//! emoji the lexicon knows carries a score on a -4..4 scale; negations, degree adverbs,
//! ALL-CAPS and `!` adjust it; after "but" the clause that follows dominates; the sum is
//! squashed into [-1, 1]. On top of VADER: TikTok slang, emoji meanings and fillers ("mid" is
//! an insult, "honestly" says nothing) and some 700 terms and phrases VADER lacks
//! (`lexicon/hashtrack.tsv`); laughter (💀, 😭, "lol") as emphasis of whatever the rest of the
//! comment says; negations that never reach emoji or interjections ("not buying it 😒"); clause
//! punctuation that stops a negation from reaching the next clause; trailing intensifiers
//! ("good af"); "too" before a plain word as a complaint ("too long"); counterfactuals
//! ("could have been great"); sarcastic praise of a chore ("love paying for something that
//! doesn't work"); degree words that are also sentiment words ("incredible") keeping their own
//! score when nothing follows; and look-ups through inflections, negating affixes and
//! stretched spellings ("tediously", "unhelpful", "loooove").
//!
//! Languages: English, Spanish, Portuguese and Indonesian ([`LANGUAGES`]). The engine is one;
//! each language brings data: its lexicon (`lexicon/<lang>/`, sharing the English emoji),
//! its negations, degree words (before the word, or after it: "bagus banget", "amei
//! demais"), contrast words and laughter ("kkkk", "jajaja", "wkwk"), its inflections, and
//! whether look-ups ignore accents ("pessimo" finds "péssimo"; all but English). The
//! heuristics written for English phrasing ("too", "at least", counterfactuals, sarcastic
//! praise of a chore) stay English-only.
//!
//! Owns: tokenising, the built-in lexicons and overlays, the rules. Does not own: what the
//! host counts as positive (the `sentiment-polarity` crate) or how it is measured
//! (the `sentiment-eval` crate, used by the `eval` example).

mod entry;
mod lexicon;
mod modifiers;
mod reactions;
mod tokens;

pub use entry::EntryProblem;
pub use lexicon::LexiconError;

use lexicon::{Inflection, Lexicon};
use modifiers::{Modifier, Modifiers};
use tokens::Token;

/// The languages a scorer exists for, as ISO 639-1 codes.
pub const LANGUAGES: &[&str] = &["en", "es", "pt", "id"];

/// What the engine needs to know of one language besides its lexicon table.
#[derive(Debug)]
struct Language {
    code: &'static str,
    modifiers: &'static Modifiers,
    inflection: &'static Inflection,
    /// Whether the heuristics written for English phrasing apply: "too" before a plain word
    /// as a complaint, "least", sarcastic praise of a chore.
    english_heuristics: bool,
}

static LANGUAGE_DATA: [Language; 4] = [
    Language {
        code: "en",
        modifiers: &modifiers::ENGLISH,
        inflection: &lexicon::ENGLISH,
        english_heuristics: true,
    },
    Language {
        code: "es",
        modifiers: &modifiers::SPANISH,
        inflection: &lexicon::SPANISH,
        english_heuristics: false,
    },
    Language {
        code: "pt",
        modifiers: &modifiers::PORTUGUESE,
        inflection: &lexicon::PORTUGUESE,
        english_heuristics: false,
    },
    Language {
        code: "id",
        modifiers: &modifiers::INDONESIAN,
        inflection: &lexicon::INDONESIAN,
        english_heuristics: false,
    },
];

/// The data of a language code: an ISO 639-1 code, any case, perhaps with a region
/// (`pt-BR`, `es_MX`).
fn language_data(code: &str) -> Option<&'static Language> {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    LANGUAGE_DATA
        .iter()
        .find(|language| language.code.eq_ignore_ascii_case(primary))
}

/// Why [`Scorer::for_language_with_overlay`] made no scorer.
#[derive(Debug, Clone, PartialEq)]
pub enum ScorerError {
    /// No scorer exists for this language code (see [`LANGUAGES`]).
    UnknownLanguage(String),
    /// The overlay has a bad line.
    Overlay(LexiconError),
}

impl std::fmt::Display for ScorerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScorerError::UnknownLanguage(code) => write!(
                f,
                "no sentiment scorer for language {code:?} (known: {})",
                LANGUAGES.join(", ")
            ),
            ScorerError::Overlay(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ScorerError {}

/// Scores comments in one language with its built-in lexicon, optionally overlaid with a
/// brand's terms.
///
/// Construction is cheap (the built-in lexicon is a static sorted table; only an overlay is
/// parsed), so a fresh scorer per call is fine.
#[derive(Debug, Clone)]
pub struct Scorer {
    language: &'static Language,
    lexicon: Lexicon,
}

impl Default for Scorer {
    /// The English scorer.
    fn default() -> Scorer {
        Scorer::new()
    }
}

/// Intensity added to a sentiment word written in capitals among lower-case words (VADER's).
const SHOUTING_BOOST: f64 = 0.733;
/// What a negation multiplies the sentiment after it by (VADER's).
const NEGATION_SCALAR: f64 = -0.74;
/// How much of a modifier's effect reaches a word one, two and three tokens after it (VADER's).
const MODIFIER_DECAY: [f64; 3] = [1.0, 0.95, 0.9];
/// Weights of the clauses before and after "but" (VADER's).
const BEFORE_CONTRAST: f64 = 0.5;
const AFTER_CONTRAST: f64 = 1.5;
/// The score of "too" before a word without sentiment of its own: mildly negative, since
/// an excess of anything is a complaint.
const EXCESS: f64 = -1.0;
/// Intensity added per `!`, counting at most `MAX_EXCLAMATIONS` (VADER's).
const EXCLAMATION_BOOST: f64 = 0.292;
const MAX_EXCLAMATIONS: usize = 4;
/// Intensity added per laughing token ("💀", "lol"), counting at most `MAX_LAUGHS`: more
/// than a `!`, since laughter is the point of the comment rather than punctuation.
const LAUGHTER_BOOST: f64 = 0.5;
const MAX_LAUGHS: usize = 3;
/// The sentiment of laughter in a comment that says nothing else ("💀💀"): amused, mildly.
const LAUGHTER_ALONE: f64 = 0.5;
/// Intensity added per `?` when there are two or three, and in all when there are more
/// (VADER's: repeated question marks signal incredulity).
const QUESTION_BOOST: f64 = 0.18;
const MAX_QUESTION_BOOST: f64 = 0.96;
/// The squashing constant: a raw sum of ±`sqrt(15)` maps to about ±0.71 (VADER's).
const NORMALISATION_ALPHA: f64 = 15.0;

/// What one token does in its comment.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// Carries its own sentiment on the -4..4 scale.
    Sentiment(f64),
    /// Changes the sentiment of its neighbours.
    Modifier(Modifier),
    Neutral,
}

impl Scorer {
    /// An English scorer with the built-in lexicon only.
    pub fn new() -> Scorer {
        Scorer::for_language("en").expect("English is built in")
    }

    /// A scorer for `language`, an ISO 639-1 code of [`LANGUAGES`] (any case, a region
    /// suffix such as `pt-BR` allowed), with the built-in lexicon only; `None` for a
    /// language without one.
    pub fn for_language(language: &str) -> Option<Scorer> {
        let language = language_data(language)?;
        let table = lexicon::built_in_table(language.code)?;
        Some(Scorer {
            language,
            lexicon: Lexicon::new(table, language.inflection),
        })
    }

    /// A scorer for `language` whose built-in lexicon is overlaid with `text`, as
    /// [`Scorer::with_overlay`] describes; the overlay's terms are folded like the
    /// language's own (a Portuguese "péssimo" also overrides "pessimo").
    pub fn for_language_with_overlay(language: &str, text: &str) -> Result<Scorer, ScorerError> {
        let unknown = || ScorerError::UnknownLanguage(language.to_string());
        let data = language_data(language).ok_or_else(unknown)?;
        let table = lexicon::built_in_table(data.code).ok_or_else(unknown)?;
        Ok(Scorer {
            language: data,
            lexicon: Lexicon::with_overlay(table, data.inflection, text)
                .map_err(ScorerError::Overlay)?,
        })
    }

    /// The ISO 639-1 code of the language this scorer scores.
    pub fn language(&self) -> &'static str {
        self.language.code
    }

    /// An English scorer whose built-in lexicon is overlaid with `text`: one `term score` per line,
    /// score on the -4..4 scale (0 makes a term neutral, e.g. a product name that contains a
    /// sentiment word), `#` comments and blank lines allowed, multi-word terms allowed.
    ///
    /// A term overrides exactly its own spelling, case aside. Inflected forms the built-in
    /// lexicon lacks reach it too ("dupes", "duped" for "dupe"), but a form the built-in
    /// lexicon has keeps its built-in score unless the overlay lists it ("dangerously" is not
    /// changed by "dangerous").
    pub fn with_overlay(text: &str) -> Result<Scorer, LexiconError> {
        Scorer::for_language_with_overlay("en", text).map_err(|error| match error {
            ScorerError::Overlay(error) => error,
            ScorerError::UnknownLanguage(_) => unreachable!("English is built in"),
        })
    }

    /// Every line of an overlay that [`Scorer::with_overlay`] would refuse, in order: for
    /// checking settings, where all problems are reported at once rather than the first.
    pub fn overlay_problems(text: &str) -> Vec<LexiconError> {
        text.lines()
            .enumerate()
            .filter_map(|(index, line)| {
                entry::parse_entry(line).err().map(|problem| LexiconError {
                    line: index + 1,
                    problem,
                })
            })
            .collect()
    }

    /// The comment's sentiment from -1.0 (very negative) to 1.0 (very positive); 0.0 when it
    /// holds nothing the lexicon knows. Always finite.
    pub fn score(&self, text: &str) -> f64 {
        let tokenized = tokens::tokenize(text, self.lexicon.folds_accents(), |term| {
            self.lexicon.exact(term).is_some()
        });
        let tokens = self.merge_phrases(tokenized.tokens);
        let roles: Vec<Role> = (0..tokens.len()).map(|i| self.role(&tokens, i)).collect();
        let mut valences = adjusted_valences(&tokens, &roles, self.language.modifiers);
        if self.language.english_heuristics {
            read_sarcasm(&tokens, &mut valences);
        }
        weigh_contrast(&roles, &mut valences);
        let laughs = roles
            .iter()
            .filter(|role| **role == Role::Modifier(Modifier::Laughter))
            .count()
            .min(MAX_LAUGHS);
        let sum: f64 = match valences.iter().sum() {
            0.0 if laughs > 0 => LAUGHTER_ALONE,
            sum => sum,
        };
        let emphasis = punctuation_emphasis(tokenized.exclamation_marks, tokenized.question_marks)
            + laughs as f64 * LAUGHTER_BOOST;
        let emphasised = if sum == 0.0 {
            0.0
        } else {
            sum + emphasis.copysign(sum)
        };
        (emphasised / (emphasised * emphasised + NORMALISATION_ALPHA).sqrt()).clamp(-1.0, 1.0)
    }

    /// Joins runs of words that form a lexicon or modifier phrase ("can't stand", "no cap")
    /// into one token, longest phrase first; a phrase never spans clause punctuation.
    fn merge_phrases(&self, tokens: Vec<Token>) -> Vec<Token> {
        let max_words = self
            .lexicon
            .max_phrase_words()
            .max(modifiers::MAX_PHRASE_WORDS);
        let modifiers = self.language.modifiers;
        let mut merged = Vec::with_capacity(tokens.len());
        let mut start = 0;
        while start < tokens.len() {
            let first = tokens[start].text.as_str();
            let may_start =
                self.lexicon.may_start_phrase(first) || modifiers.may_start_phrase(first);
            let longest = (2..=max_words.min(tokens.len() - start))
                .rev()
                .filter(|_| may_start)
                .find_map(|words| Some((words, self.phrase_at(&tokens[start..start + words])?)));
            match longest {
                Some((words, phrase)) => {
                    merged.push(phrase);
                    start += words;
                }
                None => {
                    merged.push(tokens[start].clone());
                    start += 1;
                }
            }
        }
        merged
    }

    /// The span as one phrase token, if its words form a known phrase.
    fn phrase_at(&self, span: &[Token]) -> Option<Token> {
        if !span.iter().all(|t| t.is_word) || span[1..].iter().any(|t| t.starts_clause) {
            return None;
        }
        let text = span
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let known = self.lexicon.exact(&text).is_some() || self.modifier(&text).is_some();
        known.then(|| Token {
            text,
            shouting: span.iter().all(|t| t.shouting),
            is_word: true,
            starts_clause: span[0].starts_clause,
        })
    }

    /// Decides what token `i` does, looking at its neighbours where a word has two uses.
    fn role(&self, tokens: &[Token], i: usize) -> Role {
        let text = tokens[i].text.as_str();
        if let Some(score) = self.lexicon.overlay_score(text) {
            return Role::Sentiment(score);
        }
        let own_score = self.lexicon.exact(text);
        match (self.modifier(text), own_score) {
            // "no" negates a sentiment word right after it; alone it is mildly negative.
            (Some(Modifier::Negation), Some(score)) if text == "no" => {
                if self.next_has_sentiment(tokens, i) {
                    Role::Modifier(Modifier::Negation)
                } else {
                    Role::Sentiment(score)
                }
            }
            // A degree word that is also a sentiment word ("incredible", "pretty") modifies
            // the word after it when that word has sentiment, and otherwise speaks for itself.
            (Some(Modifier::Degree(_)), Some(score)) if !self.next_has_sentiment(tokens, i) => {
                Role::Sentiment(score)
            }
            // Likewise a trailing degree word that is also a sentiment word ("parah": severe,
            // "demais": awesome) intensifies a sentiment word before it ("jelek parah",
            // "amei demais") and otherwise speaks for itself.
            (Some(Modifier::TrailingDegree(_)), Some(score))
                if score != 0.0 && !self.previous_has_sentiment(tokens, i) =>
            {
                Role::Sentiment(score)
            }
            (Some(modifier), _) => Role::Modifier(modifier),
            (None, Some(score)) => Role::Sentiment(score),
            // "too" intensifies a sentiment word ("too good") and otherwise complains of
            // excess ("too long", "too small"); at the end of a clause it means "also".
            (None, None) if text == "too" && self.language.english_heuristics => {
                if self.next_has_sentiment(tokens, i) {
                    Role::Modifier(Modifier::Degree(modifiers::BOOST))
                } else if tokens
                    .get(i + 1)
                    .is_some_and(|next| next.is_word && !next.starts_clause)
                {
                    Role::Sentiment(EXCESS)
                } else {
                    Role::Neutral
                }
            }
            (None, None) if text == "least" && self.language.english_heuristics => {
                // "at least" and "very least" concede; "least" alone negates ("least funny").
                let previous = i.checked_sub(1).map(|p| tokens[p].text.as_str());
                if matches!(previous, Some("at" | "very")) {
                    Role::Neutral
                } else {
                    Role::Modifier(Modifier::Negation)
                }
            }
            (None, None) => {
                if let Some(modifier) = lexicon::unstretched(text).find_map(|w| self.modifier(&w)) {
                    Role::Modifier(modifier)
                } else if let Some(score) = self.lexicon.inflected(text) {
                    Role::Sentiment(score)
                } else {
                    Role::Neutral
                }
            }
        }
    }

    /// Whether the token after `i` is a sentiment word (in the lexicon, directly or through
    /// an inflection) rather than a modifier or a plain word.
    fn next_has_sentiment(&self, tokens: &[Token], i: usize) -> bool {
        tokens
            .get(i + 1)
            .is_some_and(|next| self.has_sentiment(next))
    }

    /// Whether the token before `i`, in the same clause, is a sentiment word.
    fn previous_has_sentiment(&self, tokens: &[Token], i: usize) -> bool {
        i.checked_sub(1)
            .is_some_and(|p| !tokens[i].starts_clause && self.has_sentiment(&tokens[p]))
    }

    /// Whether `token` is a sentiment word (in the lexicon, directly or through an
    /// inflection) rather than a modifier or a plain word.
    fn has_sentiment(&self, token: &Token) -> bool {
        self.modifier(&token.text).is_none()
            && (self.lexicon.exact(&token.text).is_some()
                || self.lexicon.inflected(&token.text).is_some())
    }

    /// The modifier role the scorer's language gives a token or phrase.
    fn modifier(&self, term: &str) -> Option<Modifier> {
        self.language.modifiers.modifier(term)
    }
}

/// Each sentiment token's score after capitals and the modifiers up to three tokens before
/// it (within its clause) and an intensifier right after it; a negation leaves reactions
/// (emoji, interjections) alone.
fn adjusted_valences(tokens: &[Token], roles: &[Role], modifiers: &Modifiers) -> Vec<f64> {
    let words: Vec<&Token> = tokens.iter().filter(|t| t.is_word).collect();
    let shouting_stands_out = words.iter().any(|t| t.shouting) && !words.iter().all(|t| t.shouting);
    let shouting_boost = |token: &Token| {
        if token.shouting && shouting_stands_out {
            SHOUTING_BOOST
        } else {
            0.0
        }
    };

    let mut valences = vec![0.0; tokens.len()];
    for (i, role) in roles.iter().enumerate() {
        let Role::Sentiment(score) = *role else {
            continue;
        };
        if score == 0.0 {
            continue;
        }
        let mut valence = score + shouting_boost(&tokens[i]).copysign(score);
        for (distance, decay) in (1..=MODIFIER_DECAY.len()).zip(MODIFIER_DECAY) {
            let Some(j) = i.checked_sub(distance) else {
                break;
            };
            if tokens[j + 1].starts_clause {
                break;
            }
            match roles[j] {
                Role::Modifier(Modifier::Degree(change)) => {
                    valence += (change + shouting_boost(&tokens[j])) * decay * valence.signum();
                }
                // Emoji and interjections are the writer's reaction, outside the negated
                // clause: "not buying it 😒" rolls its eyes, it does not un-roll them.
                Role::Modifier(Modifier::Negation)
                    if !reactions::is_reaction(&tokens[i], modifiers.interjections) =>
                {
                    valence *= NEGATION_SCALAR;
                }
                _ => {}
            }
        }
        if let Some(Role::Modifier(Modifier::TrailingDegree(change))) = roles.get(i + 1)
            && !tokens[i + 1].starts_clause
        {
            valence += change * valence.signum();
        }
        valences[i] = valence;
    }
    valences
}

/// Praise verbs that, followed by "how" or an activity, can be sarcastic: "love paying for
/// something that doesn't work", "love how it broke".
const SARCASTIC_PRAISE: [&str; 4] = ["love", "loving", "enjoy", "adore"];

/// How negative the rest of a comment must be for praise of the sarcastic shape to count as
/// sarcasm: a clear complaint ("broke", "doesn't work"), not a stray "no".
const SARCASM_EVIDENCE: f64 = -1.5;

/// Negates sarcastic praise: a praise verb aimed at an activity or a "how" clause while the
/// rest of the comment clearly complains. Genuine praise of that shape ("love how soft it
/// is") has no complaint around it and keeps its score.
fn read_sarcasm(tokens: &[Token], valences: &mut [f64]) {
    let total: f64 = valences.iter().sum();
    for i in 0..tokens.len().saturating_sub(1) {
        let next = &tokens[i + 1];
        // The activity itself may be a mild chore ("paying"), never praise.
        let aimed_at_activity = next.is_word
            && !next.starts_clause
            && valences[i + 1] <= 0.0
            && (next.text == "how" || next.text.ends_with("ing"));
        if valences[i] > 0.0
            && SARCASTIC_PRAISE.contains(&tokens[i].text.as_str())
            && aimed_at_activity
            && total - valences[i] <= SARCASM_EVIDENCE
        {
            valences[i] *= NEGATION_SCALAR;
        }
    }
}

/// Halves the sentiment before the first "but" and boosts the sentiment after it.
fn weigh_contrast(roles: &[Role], valences: &mut [f64]) {
    let Some(pivot) = roles
        .iter()
        .position(|role| *role == Role::Modifier(Modifier::Contrast))
    else {
        return;
    };
    for (i, valence) in valences.iter_mut().enumerate() {
        if i < pivot {
            *valence *= BEFORE_CONTRAST;
        } else if i > pivot {
            *valence *= AFTER_CONTRAST;
        }
    }
}

/// Extra intensity from `!` and repeated `?`, in the direction of the comment's sentiment.
fn punctuation_emphasis(exclamation_marks: usize, question_marks: usize) -> f64 {
    let exclamation = exclamation_marks.min(MAX_EXCLAMATIONS) as f64 * EXCLAMATION_BOOST;
    let question = match question_marks {
        0 | 1 => 0.0,
        2 | 3 => question_marks as f64 * QUESTION_BOOST,
        _ => MAX_QUESTION_BOOST,
    };
    exclamation + question
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(text: &str) -> f64 {
        Scorer::new().score(text)
    }

    fn assert_positive(text: &str) {
        let s = score(text);
        assert!(s >= 0.05, "{text:?} scored {s}, expected positive");
    }

    fn assert_negative(text: &str) {
        let s = score(text);
        assert!(s <= -0.05, "{text:?} scored {s}, expected negative");
    }

    #[test]
    fn social_comments_get_the_right_polarity() {
        assert!(score("this ATE no cap 🔥") > 0.5);
        assert!(score("not worth it, total scam") < -0.5);
        assert_negative("mid tbh");
        assert_positive("i'm dead 💀💀");
        assert_positive("I\u{2019}m crying 😭😭 this is so real");
        assert_positive("loooove this");
        assert_positive("can't wait to try it");
        assert_negative("never again");
        assert_negative("could have been great");
        assert_negative("way too expensive");
        assert_positive("not only cheap but also good");
        assert_eq!(score("me too"), 0.0);
        assert_eq!(score("do you have it in L?"), 0.0, "a size, not a loss");
        assert_eq!(score("comes w/ a case"), 0.0, "'with', not a win");
        assert_eq!(score("posted at 9pm"), 0.0);
    }

    #[test]
    fn a_negated_negative_is_mildly_positive() {
        let s = score("I don't hate it");
        assert!(s >= 0.05 && s < score("I love it"), "{s}");
    }

    #[test]
    fn negation_flips_polarity() {
        assert_positive("this is good");
        assert_negative("this is not good");
        assert_negative("this isn't worth it");
        assert_negative("this isn\u{2019}t worth it");
        assert_positive("not bad at all");
        assert_negative("no good");
        assert_negative("no.");
    }

    #[test]
    fn negation_stops_at_clause_punctuation() {
        assert_negative("not joking it's amazing");
        assert_positive("not joking, it's amazing");
    }

    #[test]
    fn degree_words_scale_intensity() {
        let plain = score("good");
        assert!(score("so good") > plain);
        assert!(score("really good") > plain);
        assert!(score("kinda good") < plain && score("kinda good") > 0.0);
        assert!(score("slightly good") < plain);
        assert!(score("lowkey obsessed") < score("obsessed"));
        assert!(score("good af") > plain);
        assert!(
            score("sooo good") > plain,
            "stretched spellings still intensify"
        );
        assert!(score("so bad") < score("bad"));
    }

    #[test]
    fn capitals_and_exclamation_marks_add_emphasis() {
        assert!(score("this is GOOD") > score("this is good"));
        assert!(score("this is BAD") < score("this is bad"));
        // Capitals throughout are a writing style, not emphasis of one word.
        assert_eq!(score("THIS IS GOOD"), score("this is good"));
        assert!(score("good!!!") > score("good!"));
        assert!(score("good!") > score("good"));
        assert!(score("awful!!!") < score("awful"));
        assert_eq!(score("good!!!!"), score("good!!!!!!!!"), "capped at four");
    }

    #[test]
    fn the_clause_after_but_dominates() {
        assert_negative("the packaging is cute but the product is trash");
        assert_positive("the product is trash but the packaging is cute");
    }

    #[test]
    fn emoji_carry_their_comment_sense() {
        for positive in ["😍", "🔥", "❤️", "❤", "👍🏽", "💀", "😭", "🫶", "🐐"]
        {
            assert_positive(positive);
        }
        for negative in ["🤮", "😡", "👎", "👎🏿", "💔", "🙄"] {
            assert_negative(negative);
        }
        assert_eq!(
            score("👍🏽"),
            score("👍"),
            "skin tones do not change the sense"
        );
        assert!(score("😍😍😍") > score("😍"));
    }

    #[test]
    fn slang_is_understood() {
        for positive in [
            "slay",
            "she ate",
            "it's fire",
            "bussin fr",
            "big W",
            "W",
            "iconic",
        ] {
            assert_positive(positive);
        }
        for negative in [
            "mid",
            "what a flop",
            "cringe",
            "huge L",
            "L",
            "the ick",
            "so cringey",
        ] {
            assert_negative(negative);
        }
    }

    #[test]
    fn negation_leaves_emoji_and_interjections_alone() {
        assert_negative("not buying it 😒");
        assert_negative("this ain't it 🙄");
        assert_negative("didn't expect that 😡");
        assert_negative("no thanks ugh");
        assert_negative("can't believe they changed the formula smh");
        assert_negative("not again ughhh");
        assert_positive("never thought i'd find one 😍");
        // The words themselves are still negated.
        assert_negative("not good 👀");
    }

    #[test]
    fn a_reply_of_refusal_does_not_negate_what_follows() {
        assert_negative("nah mid");
        assert_negative("nah not worth it");
        assert_negative("yeah no not worth it");
        assert_positive("can't believe how good this is");
        assert_negative("can't believe i fell for it");
    }

    #[test]
    fn laughter_intensifies_the_rest_of_the_comment() {
        assert_negative("flop era 💀💀");
        assert!(score("flop era 💀💀") < score("flop era"));
        assert!(score("this is so funny 💀") > score("this is so funny"));
        assert!(score("the packaging is awful 😭") < score("the packaging is awful"));
        assert!(score("not impressed lol") < score("not impressed"));
        assert_negative("i'm dead this is so bad");
        assert_positive("im crying this is adorable");
        assert_positive("the way i screamed");
        // Alone, laughter is mildly positive: amused, not delighted.
        let alone = score("💀💀💀");
        assert!(alone >= 0.05 && alone < score("love it"), "{alone}");
        assert!(score("lmaooo") >= 0.05);
    }

    #[test]
    fn fillers_carry_no_sentiment() {
        for filler in [
            "honestly",
            "literally",
            "ngl",
            "fr",
            "no cap",
            "lowkey",
            "highkey",
            "bro",
            "girl",
            "omg",
            "please",
        ] {
            assert_eq!(score(filler), 0.0, "{filler:?}");
        }
        assert_negative("honestly the worst purchase");
        assert_negative("honestly no");
        assert_negative("please stop posting these");
        assert_negative("ngl bro this is mid");
        // Before a sentiment word, "honestly" intensifies it.
        assert!(score("honestly amazing") > score("amazing"));
    }

    #[test]
    fn complaint_phrases_are_negative() {
        for complaint in [
            "mine doesn't even work",
            "the cream did nothing for me",
            "total waste of money",
            "I want a refund asap",
            "returned it the next day",
            "already returned mine",
            "the strap broke after two washes",
            "this account went downhill",
            "she really fell off this year",
            "such a sellout",
            "unfollowing after this",
            "nobody asked for a new logo",
            "literally ghosted me after I paid",
            "it's giving scam",
            "not worth it at that price",
            "why is this on my fyp",
            "the old version was better tbh",
            "every video is an ad now",
            "sorry but this shade is ugly",
        ] {
            assert_negative(complaint);
        }
    }

    #[test]
    fn praise_phrases_are_positive() {
        for praise in [
            "the lighting team understood the assignment",
            "i'm hooked on this series",
            "need a part 2 immediately",
            "my holy grail lip oil",
            "this blender is a game changer",
            "the results tho",
            "adding this to my routine",
            "10/10 would buy again",
            "W brand",
            "obsessed with the new scent",
            "sorry but this is the best serum ever",
            "living for this colour",
            "this made my day",
        ] {
            assert_positive(praise);
        }
    }

    #[test]
    fn praise_of_a_chore_amid_complaints_is_sarcasm() {
        assert_negative("love paying for something that doesn't work");
        assert_negative("love how it broke after two days");
        assert_positive("love how soft it is");
        assert_positive("loving using this every morning");
    }

    #[test]
    fn inflected_and_derived_words_reach_the_lexicon() {
        assert_negative("tediously made");
        assert_negative("so unhelpful");
        assert_positive("stylishly packaged");
    }

    #[test]
    fn scores_stay_finite_and_in_range() {
        let long_rave = "😍 AMAZING!!! ".repeat(2_000);
        let odd_inputs = [
            "",
            "   ",
            "!!!???",
            "\u{FE0F}\u{200D}",
            "😍\u{200D}",
            "not not not not good",
            long_rave.as_str(),
            "WORST WORST worst!!!!",
        ];
        for text in odd_inputs {
            let s = score(text);
            assert!(
                s.is_finite() && (-1.0..=1.0).contains(&s),
                "{text:?} scored {s}"
            );
        }
        assert_eq!(score(""), 0.0);
        assert!(score(&long_rave) > 0.99);
    }

    #[test]
    fn overlays_change_scores_per_brand() {
        // Brand A sells dupes and a product called "Killer Glow"; brand B fights dupes.
        let brand_a = Scorer::with_overlay("# brand A\n\ndupe\t2.5\nkiller glow 0\n").unwrap();
        let brand_b = Scorer::with_overlay("dupe -2.5\nthe glow is real 3\n").unwrap();
        let default = Scorer::new();

        let found_a_dupe = "found a dupe for half the price";
        assert!(brand_a.score(found_a_dupe) >= 0.05);
        assert!(brand_b.score(found_a_dupe) <= -0.05);
        assert!(
            brand_a.score("these dupes are everything") >= 0.05,
            "inflections reach overlays"
        );

        let restock = "Killer Glow is back in stock";
        assert!(
            default.score(restock) <= -0.05,
            "built in, 'killer' is a threat"
        );
        assert_eq!(brand_a.score(restock), 0.0);

        let long_phrase = "honestly the glow is real";
        assert!(brand_b.score(long_phrase) > default.score(long_phrase));
    }

    #[test]
    fn overlay_errors_name_the_line() {
        let error = Scorer::with_overlay("dupe -2\n\ncrumbs\n").unwrap_err();
        assert_eq!(error.line, 3);
        assert_eq!(error.problem, EntryProblem::MissingScore);
        let error = Scorer::with_overlay("dupe -9").unwrap_err();
        assert_eq!(
            error.to_string(),
            "lexicon line 1: the score is outside -4..4"
        );
        let error = Scorer::with_overlay("dupe -2 # trailing comment").unwrap_err();
        assert_eq!(error.problem, EntryProblem::ScoreNotANumber);
    }

    #[test]
    fn overlay_problems_lists_every_bad_line() {
        let problems = Scorer::overlay_problems("dupe 3\nglow\n# fine\nbad 9\n");
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 4]);
        assert!(Scorer::overlay_problems("dupe 3\n").is_empty());
    }

    fn scorer(language: &str) -> Scorer {
        Scorer::for_language(language).unwrap()
    }

    fn assert_sign(language: &str, positive: &[&str], negative: &[&str]) {
        let scorer = scorer(language);
        for text in positive {
            let s = scorer.score(text);
            assert!(
                s >= 0.05,
                "{language} {text:?} scored {s}, expected positive"
            );
        }
        for text in negative {
            let s = scorer.score(text);
            assert!(
                s <= -0.05,
                "{language} {text:?} scored {s}, expected negative"
            );
        }
    }

    #[test]
    fn every_language_has_a_scorer_and_a_table() {
        for language in LANGUAGES {
            assert_eq!(scorer(language).language(), *language);
        }
        let tables: Vec<&str> = lexicon::built_in_languages().collect();
        assert_eq!(tables, LANGUAGES);
        assert_eq!(scorer("pt-BR").language(), "pt");
        assert_eq!(scorer("ES").language(), "es");
        assert_eq!(Scorer::new().language(), "en");
        assert_eq!(Scorer::default().language(), "en");
        assert!(Scorer::for_language("fr").is_none());
        assert!(Scorer::for_language("").is_none());
        assert_eq!(
            Scorer::for_language_with_overlay("xx", "a 1").unwrap_err(),
            ScorerError::UnknownLanguage("xx".to_string())
        );
        let error = Scorer::for_language_with_overlay("pt", "golpe").unwrap_err();
        assert_eq!(
            error.to_string(),
            "lexicon line 1: expected `term score`, found one field"
        );
    }

    #[test]
    fn portuguese_comments_get_the_right_polarity() {
        assert_sign(
            "pt",
            &[
                "Amei demais, melhor sérum que já usei!!",
                "é demais",
                "muito bom",
                "top demais 🔥",
                "que produto lindo, recomendo",
                "brabo demais kkkk",
                "perfeita, amei",
                "não é ruim",
                "mds que lindo",
            ],
            &[
                "Horrível, me deu alergia, não recomendo",
                "não é bom",
                "nao gostei",
                "ñ recomendo",
                "n recomendo",
                "lixo, golpe",
                "odiei, que nojo",
                "é bom mas é caro demais e veio quebrado",
                "nunca chegou, quero reembolso",
            ],
        );
        let pt = scorer("pt");
        assert!(pt.score("muito bom") > pt.score("bom"));
        assert!(pt.score("bom demais") > pt.score("bom"));
        assert!(pt.score("pouco bom") < pt.score("bom"));
        assert!(
            pt.score("bom kkkk") > pt.score("bom"),
            "laughter emphasises"
        );
        assert!(pt.score("ruim kkkk") < pt.score("ruim"));
        assert_eq!(
            pt.score("no final do vídeo"),
            0.0,
            "'no' is 'in the', not 'not'"
        );
    }

    #[test]
    fn spanish_comments_get_the_right_polarity() {
        assert_sign(
            "es",
            &[
                "me encanta, súper recomendado",
                "qué chido",
                "bacán, genial",
                "muy bueno jajaja",
                "increíble 😍",
                "no es malo",
                "buenísimo",
            ],
            &[
                "no lo recomiendo para nada, pésimo",
                "no es bueno",
                "basura, es una estafa",
                "malísimo, qué asco",
                "es bonito pero la calidad es pésima",
                "me dio alergia, quiero un reembolso",
            ],
        );
        let es = scorer("es");
        assert!(es.score("muy bueno") > es.score("bueno"));
        assert!(es.score("poco bueno") < es.score("bueno"));
        assert!(
            es.score("bonito pero caro") < 0.0,
            "the clause after 'pero' dominates"
        );
    }

    #[test]
    fn indonesian_comments_get_the_right_polarity() {
        assert_sign(
            "id",
            &[
                "Produk ini bagus banget, suka sekali",
                "mantap, keren",
                "gila sih ini",
                "enak bgt wkwkwk",
                "tidak jelek",
                "bagusnya pol",
            ],
            &[
                "Jelek, nyesel beli, penipuan",
                "tidak bagus",
                "gak bagus",
                "kurang bagus",
                "zonk, kecewa parah",
                "bagus sih tapi mahal banget dan rusak",
                "barangnya gak sesuai, minta refund",
            ],
        );
        let id = scorer("id");
        assert!(
            id.score("bagus sekali") > id.score("bagus"),
            "intensifier after the word"
        );
        assert!(id.score("keren abis") > id.score("keren"));
        assert!(id.score("sangat bagus") > id.score("bagus"));
        assert!(id.score("agak bagus") < id.score("bagus"));
        assert!(id.score("jelek parah") < id.score("jelek"));
        assert!(id.score("parah") < 0.0, "alone, 'parah' is a complaint");
    }

    #[test]
    fn accents_dropped_score_like_accented() {
        for (language, accented, plain) in [
            ("pt", "Horrível, péssimo", "Horrivel, pessimo"),
            ("pt", "não é bom", "nao e bom"),
            (
                "pt",
                "ótima qualidade, perfeição",
                "otima qualidade, perfeicao",
            ),
            ("es", "pésimo", "pesimo"),
            ("es", "increíble", "increible"),
            ("es", "súper recomendado", "super recomendado"),
        ] {
            let scorer = scorer(language);
            assert_ne!(scorer.score(accented), 0.0, "{accented:?}");
            assert_eq!(scorer.score(accented), scorer.score(plain), "{plain:?}");
        }
    }

    #[test]
    fn emoji_score_in_every_language() {
        for language in LANGUAGES {
            let scorer = scorer(language);
            assert!(scorer.score("😍😍") >= 0.05, "{language}");
            assert!(scorer.score("🔥") >= 0.05, "{language}");
            assert!(scorer.score("🤮") <= -0.05, "{language}");
            assert!(scorer.score("😡") <= -0.05, "{language}");
            assert!(scorer.score("💀💀") >= 0.05, "{language}: laughter alone");
        }
    }

    #[test]
    fn overlays_apply_to_their_language() {
        let pt = Scorer::for_language_with_overlay("pt", "Glow Mágico 0\ngolpe 2\n").unwrap();
        assert_eq!(pt.score("glow magico"), 0.0);
        assert!(pt.score("esse golpe de luz é tudo") >= 0.05);
        assert!(scorer("pt").score("esse golpe de luz é tudo") <= -0.05);
        assert_eq!(pt.language(), "pt");
    }
}
