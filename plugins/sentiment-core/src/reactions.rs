//! Tokens that voice the writer's own reaction rather than describe what the comment is
//! about: emoji and emoticons, and interjections ("smh", "ugh", "yikes", "wow").
//!
//! A negation never reaches them: in "not buying it 😒" the 😒 is the writer rolling their
//! eyes at the thing, outside the negated clause, so flipping it would turn a complaint into
//! praise. Laughter, a reaction too, is a modifier (`modifiers::Modifier::Laughter`) because
//! it takes its direction from the rest of the comment.

use crate::lexicon;
use crate::tokens::Token;

/// Whether `token` is a reaction that a preceding negation must leave alone.
pub fn is_reaction(token: &Token) -> bool {
    !token.is_word
        || is_interjection(&token.text)
        || lexicon::unstretched(&token.text).any(|word| is_interjection(&word))
}

/// Interjections that carry sentiment in the lexicon; stretched spellings ("ughhh") reach
/// them through `is_reaction`.
fn is_interjection(word: &str) -> bool {
    matches!(
        word,
        "smh"
            | "ugh"
            | "meh"
            | "blah"
            | "bleh"
            | "oof"
            | "yikes"
            | "ew"
            | "eww"
            | "yuck"
            | "wtf"
            | "ffs"
            | "fml"
            | "wow"
            | "yay"
            | "woohoo"
            | "yum"
            | "yummy"
            | "nah"
            | "yas"
            | "yass"
    )
}
