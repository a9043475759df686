//! Which language a comment is in, so that it is scored only by a scorer that reads that
//! language, and counted as unscored otherwise (never as neutral).
//!
//! Detection is `whatlang`'s, restricted to the campaign's declared languages and the markets
//! most TikTok campaigns run in ([`COMMON`]): a short comment is told apart among a handful of
//! candidates far more reliably than among seventy, and a comment in a common language the
//! campaign did not declare is still recognised as such (and left unscored) rather than forced
//! into a declared one. A comment without letters (emoji, a mention, a number) or one the
//! detector is unsure of is [`UNDETERMINED`].

use whatlang::{Detector, Lang};

/// ISO 639-1 codes, as `campaigns.toml` writes them, with the detector's language.
pub const KNOWN: &[(&str, Lang, &str)] = &[
    ("en", Lang::Eng, "English"),
    ("es", Lang::Spa, "Spanish"),
    ("pt", Lang::Por, "Portuguese"),
    ("id", Lang::Ind, "Indonesian"),
    ("fr", Lang::Fra, "French"),
    ("de", Lang::Deu, "German"),
    ("it", Lang::Ita, "Italian"),
    ("nl", Lang::Nld, "Dutch"),
    ("tr", Lang::Tur, "Turkish"),
    ("tl", Lang::Tgl, "Tagalog"),
    ("vi", Lang::Vie, "Vietnamese"),
    ("th", Lang::Tha, "Thai"),
    ("ja", Lang::Jpn, "Japanese"),
    ("ko", Lang::Kor, "Korean"),
    ("zh", Lang::Cmn, "Chinese"),
    ("ar", Lang::Ara, "Arabic"),
    ("hi", Lang::Hin, "Hindi"),
    ("ru", Lang::Rus, "Russian"),
];

/// The code of a comment whose language is not known: no letters, or the detector unsure.
pub const UNDETERMINED: &str = "und";

/// The built-in scorer's language, and the one a component of contract 0.1 or 0.2 is taken to
/// read (those contracts do not say).
pub const ENGLISH: &str = "en";

/// Always among the candidates, declared or not: English, Spanish, Portuguese, Indonesian.
pub const COMMON: &[&str] = &["en", "es", "pt", "id"];

/// Below this confidence a guess is `und`. whatlang's confidence is the margin over the
/// runner-up, small on short text even when the guess is right; this only drops near ties.
const MIN_CONFIDENCE: f64 = 0.02;

/// A guess outside the campaign's languages must be this sure, or the comment is taken to be
/// in its likeliest declared language: short English slang reads as Portuguese or Spanish to
/// the detector (on the demo's English comments, 12 % of them at any confidence, 0.7 % at
/// 0.4 or more), while a real Portuguese or Indonesian sentence scores about 0.45 to 0.55.
const UNDECLARED_MIN_CONFIDENCE: f64 = 0.4;

fn code_of(lang: Lang) -> &'static str {
    KNOWN
        .iter()
        .find(|(_, known, _)| *known == lang)
        .map_or(UNDETERMINED, |(code, _, _)| code)
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

/// Tells languages apart among [`KNOWN`].
pub struct LanguageId {
    detector: Detector,
    /// Among the declared languages only: the fallback for an unsure undeclared guess.
    declared: Detector,
    languages: Vec<Lang>,
}

impl LanguageId {
    /// A detector for a campaign that declares `languages` (known codes).
    pub fn for_languages(languages: &[String]) -> LanguageId {
        let candidates = KNOWN
            .iter()
            .filter(|(code, _, _)| COMMON.contains(code) || languages.iter().any(|l| l == code))
            .map(|(_, lang, _)| *lang)
            .collect();
        let declared: Vec<Lang> = KNOWN
            .iter()
            .filter(|(code, _, _)| languages.iter().any(|l| l == code))
            .map(|(_, lang, _)| *lang)
            .collect();
        LanguageId {
            detector: Detector::with_allowlist(candidates),
            declared: Detector::with_allowlist(declared.clone()),
            languages: declared,
        }
    }

    /// The ISO 639-1 code of `text`'s language, or [`UNDETERMINED`].
    pub fn detect(&self, text: &str) -> &'static str {
        if !text.chars().any(char::is_alphabetic) {
            return UNDETERMINED;
        }
        // Mentions and hashtags are names, not words of any language.
        let words: String = text
            .split_whitespace()
            .filter(|w| !w.starts_with('@') && !w.starts_with('#'))
            .collect::<Vec<_>>()
            .join(" ");
        let guess = match self.detector.detect(&words) {
            Some(info) if info.confidence() >= MIN_CONFIDENCE => info,
            _ => return UNDETERMINED,
        };
        let lang = if self.languages.contains(&guess.lang())
            || guess.confidence() >= UNDECLARED_MIN_CONFIDENCE
        {
            guess.lang()
        } else if let [only] = self.languages[..] {
            only
        } else {
            match self.declared.detect(&words) {
                Some(info) => info.lang(),
                None => return UNDETERMINED,
            }
        };
        code_of(lang)
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
