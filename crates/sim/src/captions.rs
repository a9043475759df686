//! Video captions and hashtag descriptions, composed from fragments so every video of a
//! campaign reads a little differently while always carrying the campaign's hashtag.

use super::dice::Dice;

const HOOKS: &[&str] = &[
    "trying the #{tag} trend",
    "day {n} of #{tag}",
    "POV: you finally tried it",
    "honest review, no gatekeeping",
    "GRWM but make it #{tag}",
    "they said it wouldn't work",
    "my take on #{tag}",
    "did i do it right?",
    "unboxing time",
    "duet this if you tried it",
    "rating it after one week",
    "the before and after 😳",
    "3 ways to style it",
    "storytime: how i found this",
    "replying to your comments about #{tag}",
    "my mom tried it 😂",
    "is it worth the hype?",
    "couldn't stop laughing at this",
    "this or that?",
    "running out of caption ideas",
];
const EXTRA_TAGS: &[&str] = &[
    "#fyp",
    "#foryou",
    "#viral",
    "#trend",
    "#review",
    "#tiktokmademebuyit",
    "#grwm",
    "#beauty",
    "#duet",
    "#foryoupage",
];
const CAPTION_EMOJI: &[&str] = &["", "", "✨", "🔥", "😂", "💅", "👀", "🫶"];
const DESCRIPTIONS: &[&str] = &[
    "",
    "Show us your #{tag} moment!",
    "Join the #{tag} challenge and tag a friend.",
    "The official campaign hashtag.",
];

/// The caption of a video posted on campaign day `day`.
pub(super) fn caption(dice: &mut Dice, tag: &str, day: i64) -> String {
    let hook = dice.pick(HOOKS).replace("{n}", &day.to_string());
    let mut caption = hook.replace("{tag}", tag);
    if !hook.contains("{tag}") {
        caption.push_str(&format!(" #{tag}"));
    }
    for _ in 0..1 + dice.below(3) {
        let extra = *dice.pick(EXTRA_TAGS);
        if !caption.contains(extra) {
            caption.push(' ');
            caption.push_str(extra);
        }
    }
    let emoji = *dice.pick(CAPTION_EMOJI);
    if !emoji.is_empty() {
        caption.push(' ');
        caption.push_str(emoji);
    }
    caption
}

/// The hashtag's own description (often empty, as on TikTok).
pub(super) fn description(dice: &mut Dice, tag: &str) -> String {
    dice.pick(DESCRIPTIONS).replace("{tag}", tag)
}

#[cfg(test)]
mod tests {
    use super::super::dice::Key;
    use super::*;

    #[test]
    fn captions_carry_the_hashtag() {
        for i in 0..200 {
            let text = caption(&mut Key::root(3).num(i).dice(), "trybrandx", 4);
            assert!(text.contains("#trybrandx"), "{text}");
            assert!(!text.contains('{'), "{text}");
        }
    }
}
