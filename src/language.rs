//! Which language a comment is in, so that it is scored only by a scorer that reads that
//! language, and counted as unscored otherwise (never as neutral).
//!
//! Detection is `lingua`'s (the best measured on short text), restricted to the campaign's
//! declared languages and the markets most TikTok campaigns run in ([`COMMON`]): a short
//! comment is told apart among a handful of candidates far more reliably than among seventy,
//! and a comment in a common language the campaign did not declare is still recognised as such
//! (and left unscored) rather than forced into a declared one. A comment without letters
//! (emoji, a mention, a number) is [`UNDETERMINED`].

use lingua::{Language as Lingua, LanguageDetector, LanguageDetectorBuilder};

/// ISO 639-1 codes, as `campaigns.toml` writes them, with the detector's language and the
/// language's English name. Each needs its model built in (`lingua`'s features in Cargo.toml).
pub const KNOWN: &[(&str, Lingua, &str)] = &[
    ("en", Lingua::English, "English"),
    ("es", Lingua::Spanish, "Spanish"),
    ("pt", Lingua::Portuguese, "Portuguese"),
    ("id", Lingua::Indonesian, "Indonesian"),
    ("fr", Lingua::French, "French"),
    ("de", Lingua::German, "German"),
    ("it", Lingua::Italian, "Italian"),
];

/// The code of a comment whose language is not known: no letters, or the detector unsure.
pub const UNDETERMINED: &str = "und";

/// The built-in scorer's language, and the one a component of contract 0.1 or 0.2 is taken to
/// read (those contracts do not say).
pub const ENGLISH: &str = "en";

/// Always among the candidates, declared or not: English, Spanish, Portuguese, Indonesian.
pub const COMMON: &[&str] = &["en", "es", "pt", "id"];

/// A guess outside the campaign's languages must be at least this likely (lingua's
/// probability among the candidates), or the comment is taken to be in its likeliest declared
/// language: a wrong undeclared guess leaves a comment the campaign's scorer could read
/// unscored. At 0.5, on the simulator's comments, an English campaign keeps 99.9 % of its
/// English comments and tells 87 % of Portuguese, 85 % of Spanish and 91 % of Indonesian ones
/// apart (`signals::comment_languages_are_told_on_the_simulators_comments`).
const UNDECLARED_MIN_PROBABILITY: f64 = 0.5;

/// The language whose scorer reads comments in `code`: their own, except that a comment whose
/// language could not be told (emoji, a word or two) goes to the scorer of English, whose
/// emoji and laughter read the same in every language.
pub fn scored_as(code: &str) -> &str {
    if code == UNDETERMINED { ENGLISH } else { code }
}

/// Whether `code` is a language this host can tell.
pub fn is_known(code: &str) -> bool {
    KNOWN.iter().any(|(known, _, _)| *known == code)
}

/// The language's English name, or the code itself.
pub fn name_of(code: &str) -> &str {
    KNOWN
        .iter()
        .find(|(known, _, _)| *known == code)
        .map_or(code, |(_, _, name)| name)
}

fn code_of(lang: Lingua) -> &'static str {
    KNOWN
        .iter()
        .find(|(_, known, _)| *known == lang)
        .map_or(UNDETERMINED, |(code, _, _)| code)
}

/// Tells a campaign's languages, and the common ones, apart.
pub struct LanguageId {
    detector: LanguageDetector,
    declared: Vec<Lingua>,
}

impl LanguageId {
    /// A detector for a campaign that declares `languages` (known codes).
    pub fn for_languages(languages: &[String]) -> LanguageId {
        let pick = |keep: &dyn Fn(&str) -> bool| -> Vec<Lingua> {
            KNOWN
                .iter()
                .filter(|(code, _, _)| keep(code))
                .map(|(_, lang, _)| *lang)
                .collect()
        };
        let declared = pick(&|code| languages.iter().any(|l| l == code));
        let candidates =
            pick(&|code| COMMON.contains(&code) || languages.iter().any(|l| l == code));
        LanguageId {
            detector: LanguageDetectorBuilder::from_languages(&candidates).build(),
            declared,
        }
    }

    /// The ISO 639-1 code of `text`'s language, or [`UNDETERMINED`].
    pub fn detect(&self, text: &str) -> &'static str {
        // Mentions and hashtags are names, not words of any language.
        let words: String = text
            .split_whitespace()
            .filter(|w| !w.starts_with('@') && !w.starts_with('#'))
            .collect::<Vec<_>>()
            .join(" ");
        if !words.chars().any(char::is_alphabetic) {
            return UNDETERMINED;
        }
        let ranked = self.detector.compute_language_confidence_values(&words);
        let Some(&(best, probability)) = ranked.first() else {
            return UNDETERMINED;
        };
        if self.declared.contains(&best) || probability >= UNDECLARED_MIN_PROBABILITY {
            return code_of(best);
        }
        ranked
            .iter()
            .find(|(lang, _)| self.declared.contains(lang))
            .map_or(UNDETERMINED, |(lang, _)| code_of(*lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declaring(codes: &[&str]) -> LanguageId {
        LanguageId::for_languages(&codes.iter().map(|c| c.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn declared_languages_are_told_apart_and_emoji_are_undetermined() {
        let id = declaring(&["en", "es", "pt", "id"]);
        for (text, code) in [
            ("Amei demais, melhor sérum que já usei!!", "pt"),
            ("Horrível, me deu alergia, não recomendo", "pt"),
            ("Produk ini bagus banget, suka sekali", "id"),
            ("Jelek, nyesel beli, penipuan", "id"),
            ("no lo recomiendo para nada, pésimo", "es"),
            ("honestly this is the best serum i have ever used", "en"),
            ("😍😍🔥", "und"),
            ("@someone 123", "und"),
        ] {
            assert_eq!(id.detect(text), code, "{text}");
        }
    }

    #[test]
    fn an_undeclared_language_needs_a_sure_guess() {
        let english = declaring(&["en"]);
        // Clear sentences in a common language are told, and will be left unscored.
        assert_eq!(
            english.detect("Horrível, me deu alergia, não recomendo"),
            "pt"
        );
        assert_eq!(english.detect("Produk ini bagus banget, suka sekali"), "id");
        // Short English slang the detector half-reads as Portuguese stays English.
        for slang in [
            "bro slay ✨",
            "omg 10/10 no notes 🔥",
            "this made my day 😍",
        ] {
            assert_eq!(english.detect(slang), "en", "{slang}");
        }
    }

    #[test]
    fn codes_are_known_and_named() {
        assert!(is_known("pt") && !is_known("xx") && !is_known(UNDETERMINED));
        assert_eq!(name_of("id"), "Indonesian");
        assert_eq!(name_of("und"), "und");
    }
}
