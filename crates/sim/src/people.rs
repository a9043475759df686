//! Made-up TikTok users: handles, display names and `sec_uid`s for creators and commenters.
//! Names are composed from small fragment lists, so a hashtag gets hundreds of distinct users
//! with the usual mix of styles (`maya.glow`, `cookingwithnico`, `user4829103377`, ...).

use super::dice::Dice;

/// A user as the API shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Person {
    pub handle: String,
    pub nickname: String,
}

const FIRST: &[&str] = &[
    "maya", "jay", "kay", "nico", "lena", "omar", "zoe", "liam", "ava", "mateo", "priya", "sam",
    "noah", "ella", "leo", "isla", "kai", "amara", "finn", "jade", "ravi", "sofia", "eli", "nia",
    "theo", "luna", "aria", "max", "yara", "jonah", "mila", "dev", "ines", "cole", "tara", "remy",
    "hana", "owen", "lucia", "zain",
];
const LAST: &[&str] = &[
    "reyes", "kim", "patel", "nguyen", "smith", "okafor", "rossi", "haddad", "silva", "chen",
    "brooks", "moreau", "tanaka", "diaz", "novak", "ali", "costa", "berg", "lee", "walsh",
];
const WORDS: &[&str] = &[
    "glow", "beauty", "eats", "vibes", "daily", "studio", "fits", "skin", "cooks", "travels",
    "lifts", "reads", "makeup", "style", "diaries", "moves", "plays", "films", "finds", "hauls",
];
const NICK_EMOJI: &[&str] = &["✨", "🌸", "💫", "🦋", "🍓", "☁️", "🖤", "🌙"];

/// A random user in one of TikTok's common handle styles.
pub(super) fn person(dice: &mut Dice) -> Person {
    let first = *dice.pick(FIRST);
    let last = *dice.pick(LAST);
    let word = *dice.pick(WORDS);
    let handle = match dice.below(8) {
        0 => format!("{first}{}", 10 + dice.below(9_990)),
        1 => format!("{first}.{word}"),
        2 => format!("{word}with{first}"),
        3 => format!("its{first}{}", &last[..1]),
        // Users who never picked a handle keep the generated one, nickname included.
        4 => {
            let handle = format!("user{}", 1_000_000_000 + dice.below(9_000_000_000));
            return Person {
                nickname: handle.clone(),
                handle,
            };
        }
        5 => format!("{first}_{last}"),
        6 => format!("the{first}{word}"),
        _ => format!("{first}{last}{:02}", dice.below(100)),
    };
    let nickname = match dice.below(5) {
        0 => format!("{} {}", capitalize(first), capitalize(last)),
        1 => format!("{} {}", capitalize(first), dice.pick(NICK_EMOJI)),
        2 => first.to_string(),
        3 => format!("{} | {}", capitalize(first), word),
        _ => capitalize(first),
    };
    Person { handle, nickname }
}

/// A `sec_uid` in TikTok's shape: a fixed prefix and 64 base64url characters.
pub(super) fn sec_uid(dice: &mut Dice) -> String {
    const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut uid = String::from("MS4wLjABAAAA");
    uid.extend((0..64).map(|_| *dice.pick(B64URL) as char));
    uid
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::dice::Key;
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn many_distinct_handles_in_tiktok_style() {
        let people: Vec<Person> = (0..500)
            .map(|i| person(&mut Key::root(7).num(i).dice()))
            .collect();
        let handles: HashSet<&str> = people.iter().map(|p| p.handle.as_str()).collect();
        assert!(handles.len() > 400, "{} distinct", handles.len());
        assert!(
            people
                .iter()
                .all(|p| !p.handle.contains(' ') && !p.nickname.is_empty())
        );
        assert!(sec_uid(&mut Key::root(1).dice()).starts_with("MS4wLjABAAAA"));
    }
}
