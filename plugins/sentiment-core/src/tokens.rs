//! Splits a comment into the units the scorer weighs: words (with contractions and known
//! hyphenated terms kept whole), emoji (one token per emoji, modifiers and joiners folded into
//! it) and emoticons the lexicon knows (":)", "<3"). Punctuation does not become a token:
//! it marks where a clause starts, and `!` and `?` are counted for emphasis.

/// One unit of a comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Lower-cased, typographic apostrophes made plain; for an emoji, its base character.
    pub text: String,
    /// An all-capitals word of two or more letters ("WORST").
    pub shouting: bool,
    /// Letters or digits, as opposed to an emoji or emoticon.
    pub is_word: bool,
    /// Clause punctuation (`.`, `,`, `!`, a dash…) stands between this token and the previous.
    pub starts_clause: bool,
}

/// A tokenised comment.
#[derive(Debug, Default, PartialEq)]
pub struct Tokens {
    pub tokens: Vec<Token>,
    pub exclamation_marks: usize,
    pub question_marks: usize,
}

/// Tokenises `text`; `is_term` tells whether a lower-cased chunk is a lexicon term as it
/// stands, so that emoticons and hyphenated terms are not torn apart. With `fold_accents`,
/// tokens lose their diacritics ("péssimo" → "pessimo"), as the lexicon of a language that
/// folds them stores its terms.
pub fn tokenize(text: &str, fold_accents: bool, is_term: impl Fn(&str) -> bool) -> Tokens {
    let mut tokenizer = Tokenizer {
        out: Tokens::default(),
        pending_clause_break: false,
        fold_accents,
        is_term,
    };
    for chunk in text.split_whitespace() {
        tokenizer.chunk(chunk);
    }
    tokenizer.out
}

struct Tokenizer<F> {
    out: Tokens,
    pending_clause_break: bool,
    fold_accents: bool,
    is_term: F,
}

impl<F: Fn(&str) -> bool> Tokenizer<F> {
    fn chunk(&mut self, chunk: &str) {
        self.count_marks(chunk);
        let lower = self.normalise(chunk);
        if !chunk.chars().all(char::is_alphanumeric) && (self.is_term)(&lower) {
            self.push(lower, false, false);
            return;
        }
        let chars: Vec<char> = chunk.chars().collect();
        let mut word = String::new();
        let mut index = 0;
        while index < chars.len() {
            let c = chars[index];
            let previous = index.checked_sub(1).map(|i| chars[i]);
            let next = chars.get(index + 1).copied();
            if c.is_alphanumeric() || joins_word(c, previous, next, !word.is_empty()) {
                word.push(c);
                index += 1;
                continue;
            }
            self.word(&mut word);
            if is_emoji(c) {
                index = self.emoji(&chars, index);
                continue;
            }
            if is_clause_break(c) {
                self.pending_clause_break = true;
            }
            index += 1;
        }
        self.word(&mut word);
    }

    fn count_marks(&mut self, chunk: &str) {
        self.out.exclamation_marks += chunk.matches('!').count();
        self.out.question_marks += chunk.matches('?').count();
    }

    /// Emits the word collected so far (if any), splitting an unknown hyphenated compound.
    fn word(&mut self, word: &mut String) {
        if word.is_empty() {
            return;
        }
        let lower = self.normalise(word);
        if lower.contains('-') && !(self.is_term)(&lower) {
            for part in word.split('-').filter(|part| !part.is_empty()) {
                let part_lower = self.normalise(part);
                self.push(part_lower, is_shouting(part), true);
            }
        } else {
            self.push(lower, is_shouting(word), true);
        }
        word.clear();
    }

    /// Emits the emoji starting at `start` with its modifiers; returns the index after it.
    fn emoji(&mut self, chars: &[char], start: usize) -> usize {
        let mut end = start + 1;
        while end < chars.len() {
            if chars[end] == ZERO_WIDTH_JOINER && end + 1 < chars.len() {
                end += 2;
            } else if is_emoji_modifier(chars[end]) {
                end += 1;
            } else {
                break;
            }
        }
        self.push(chars[start].to_string(), false, false);
        end
    }

    /// Lower-cased, apostrophes made plain and, if asked, accents folded.
    fn normalise(&self, text: &str) -> String {
        let lower = normalise(text);
        if self.fold_accents && !lower.is_ascii() {
            crate::entry::fold_accents(&lower)
        } else {
            lower
        }
    }

    fn push(&mut self, text: String, shouting: bool, is_word: bool) {
        self.out.tokens.push(Token {
            text,
            shouting,
            is_word,
            starts_clause: std::mem::take(&mut self.pending_clause_break),
        });
    }
}

/// An apostrophe or hyphen inside a word ("isn't", "must-see"), or a decimal point or
/// thousands separator inside a number.
fn joins_word(c: char, previous: Option<char>, next: Option<char>, in_word: bool) -> bool {
    let next_alphanumeric = next.is_some_and(char::is_alphanumeric);
    match c {
        '\'' | '\u{2019}' | '-' => in_word && next_alphanumeric,
        '.' | ',' => {
            in_word
                && previous.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit())
        }
        _ => false,
    }
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '"'
            | '\u{201C}'
            | '\u{201D}'
            | '-'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2026}'
    )
}

fn normalise(text: &str) -> String {
    let lower = text.to_lowercase();
    // Most words have no curly apostrophe: spare them a second allocation.
    if lower.contains('\u{2019}') {
        lower.replace('\u{2019}', "'")
    } else {
        lower
    }
}

/// Two or more letters, all capitals: emphasis, not an acronym-sized "I" or "A".
fn is_shouting(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    letters.clone().nth(1).is_some() && letters.all(char::is_uppercase)
}

const ZERO_WIDTH_JOINER: char = '\u{200D}';

/// Pictographic characters as keyboards offer them: the emoji blocks, miscellaneous symbols
/// and dingbats (❤ ✨ ☹), and the few stars and arrows in other blocks.
fn is_emoji(c: char) -> bool {
    matches!(
        c,
        '\u{1F000}'..='\u{1FAFF}'
            | '\u{2600}'..='\u{27BF}'
            | '\u{2300}'..='\u{23FF}'
            | '\u{2B00}'..='\u{2BFF}'
            | '\u{3030}'
            | '\u{303D}'
    ) && !is_emoji_modifier(c)
}

/// Characters that refine the emoji before them: variation selectors, skin tones, and the tag
/// characters of subdivision flags.
fn is_emoji_modifier(c: char) -> bool {
    matches!(
        c,
        '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &Tokens) -> Vec<&str> {
        tokens.tokens.iter().map(|t| t.text.as_str()).collect()
    }

    fn tokenize_en(text: &str, is_term: impl Fn(&str) -> bool) -> Tokens {
        tokenize(text, false, is_term)
    }

    #[test]
    fn folding_drops_accents_but_keeps_emoji() {
        let tokens = tokenize("PÉSSIMO, não é bom 😍 ñ", true, known);
        assert_eq!(texts(&tokens), ["pessimo", "nao", "e", "bom", "😍", "n"]);
        assert!(tokens.tokens[0].shouting);
        assert_eq!(texts(&tokenize_en("péssimo", known)), ["péssimo"]);
    }

    fn known(term: &str) -> bool {
        matches!(term, ":)" | "<3" | "must-see")
    }

    #[test]
    fn words_keep_contractions_and_lose_edge_punctuation() {
        let tokens = tokenize_en("Isn't it OK?! \"Meh.\"", known);
        assert_eq!(texts(&tokens), ["isn't", "it", "ok", "meh"]);
        assert_eq!(tokens.exclamation_marks, 1);
        assert_eq!(tokens.question_marks, 1);
        assert!(tokens.tokens[2].shouting);
        assert!(!tokens.tokens[0].shouting);
        assert!(tokens.tokens[3].starts_clause);
        assert!(!tokens.tokens[1].starts_clause);
    }

    #[test]
    fn typographic_apostrophes_become_plain() {
        assert_eq!(texts(&tokenize_en("don\u{2019}t", known)), ["don't"]);
    }

    #[test]
    fn emoji_are_tokens_with_their_modifiers_folded_in() {
        let tokens = tokenize_en(
            "love it😍😍 \u{1F44D}\u{1F3FD} \u{2764}\u{FE0F}\u{200D}\u{1F525}!",
            known,
        );
        assert_eq!(texts(&tokens), ["love", "it", "😍", "😍", "👍", "❤"]);
        assert!(!tokens.tokens[2].is_word);
    }

    #[test]
    fn known_emoticons_and_compounds_stay_whole() {
        assert_eq!(
            texts(&tokenize_en("fun :) <3 must-see", known)),
            ["fun", ":)", "<3", "must-see"]
        );
        assert_eq!(texts(&tokenize_en("half-baked", known)), ["half", "baked"]);
    }

    #[test]
    fn numbers_keep_their_points_and_clauses_break_on_dashes() {
        let tokens = tokenize_en("4.5 stars - not bad", known);
        assert_eq!(texts(&tokens), ["4.5", "stars", "not", "bad"]);
        assert!(tokens.tokens[2].starts_clause);
    }

    #[test]
    fn a_single_capital_is_not_shouting() {
        let tokens = tokenize_en("I LOVE it", known);
        assert!(!tokens.tokens[0].shouting);
        assert!(tokens.tokens[1].shouting);
    }
}
