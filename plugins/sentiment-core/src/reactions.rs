//! Tokens that voice the writer's own reaction rather than describe what the comment is
//! about: emoji and emoticons, and interjections ("smh", "ugh", "yikes", "wow"; each
//! language lists its own in `modifiers.rs`).
//!
//! A negation never reaches them: in "not buying it 😒" the 😒 is the writer rolling their
//! eyes at the thing, outside the negated clause, so flipping it would turn a complaint into
//! praise. Laughter, a reaction too, is a modifier (`modifiers::Modifier::Laughter`) because
//! it takes its direction from the rest of the comment.

use crate::lexicon;
use crate::tokens::Token;

/// Whether `token` is a reaction that a preceding negation must leave alone: an emoji or
/// emoticon, or one of the language's `interjections` (stretched spellings, "ughhh", too).
pub fn is_reaction(token: &Token, interjections: &[&str]) -> bool {
    let is_interjection = |word: &str| interjections.contains(&word);
    !token.is_word
        || is_interjection(&token.text)
        || lexicon::unstretched(&token.text).any(|word| is_interjection(&word))
}
