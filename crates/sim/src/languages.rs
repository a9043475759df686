//! The languages simulated comments are written in, and which one a comment gets from its
//! hashtag's mix. A hashtag without a mix writes English only, drawing nothing, so its
//! comments stay exactly as they were before languages existed.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::dice::Dice;

/// A comment's language, as its ISO 639-1 code (`und`: emoji only, no language).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Pt,
    Es,
    Id,
    /// Undetermined: emoji-only comments, in any campaign.
    Und,
}

impl Language {
    /// The languages a hashtag's mix can name (`und` is what emoji-only comments are, not a
    /// choice).
    pub const WRITTEN: [Language; 4] = [Language::En, Language::Pt, Language::Es, Language::Id];

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Pt => "pt",
            Language::Es => "es",
            Language::Id => "id",
            Language::Und => "und",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = String;

    /// A code a mix can name: `en`, `pt`, `es` or `id` (any case).
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        let code = code.trim().to_ascii_lowercase();
        Language::WRITTEN
            .into_iter()
            .find(|l| l.code() == code)
            .ok_or_else(|| format!("unknown language {code:?} (one of en, pt, es, id)"))
    }
}

/// The language of one comment in a hashtag with `mix` (weights need not add up to 1;
/// entries without a positive finite weight, and `und`, count for nothing). An empty mix, or
/// one with no weight at all, is English and draws nothing from `dice`.
pub(super) fn draw(mix: &[(Language, f64)], dice: &mut Dice) -> Language {
    let weight = |(language, w): (Language, f64)| {
        if language != Language::Und && w.is_finite() && w > 0.0 {
            w
        } else {
            0.0
        }
    };
    let total: f64 = mix.iter().map(|entry| weight(*entry)).sum();
    if total <= 0.0 {
        return Language::En;
    }
    let mut point = dice.unit() * total;
    for entry in mix {
        if point < weight(*entry) {
            return entry.0;
        }
        point -= weight(*entry);
    }
    // Rounding left the point past the end: the last weighted language.
    mix.iter()
        .rev()
        .find(|entry| weight(**entry) > 0.0)
        .map_or(Language::En, |entry| entry.0)
}

#[cfg(test)]
mod tests {
    use super::super::dice::Key;
    use super::*;

    #[test]
    fn codes_parse_and_print() {
        for language in Language::WRITTEN {
            assert_eq!(language.code().parse::<Language>(), Ok(language));
        }
        assert_eq!(" PT ".parse::<Language>(), Ok(Language::Pt));
        assert!("und".parse::<Language>().is_err());
        assert!("fr".parse::<Language>().unwrap_err().contains("fr"));
        assert_eq!(Language::Und.to_string(), "und");
    }

    #[test]
    fn draws_follow_the_weights() {
        let mix = [
            (Language::Pt, 0.7),
            (Language::En, 0.3),
            (Language::Es, 0.0),
        ];
        let mut dice = Key::root(3).dice();
        let n = 10_000;
        let pt = (0..n)
            .filter(|_| draw(&mix, &mut dice) == Language::Pt)
            .count();
        assert!((pt as f64 / n as f64 - 0.7).abs() < 0.02, "{pt}");
        assert_eq!(draw(&[], &mut dice), Language::En);
        assert_eq!(draw(&[(Language::Id, f64::NAN)], &mut dice), Language::En);
        assert_eq!(draw(&[(Language::Und, 1.0)], &mut dice), Language::En);
        assert!((0..100).all(|_| draw(&mix, &mut dice) != Language::Es));
    }
}
