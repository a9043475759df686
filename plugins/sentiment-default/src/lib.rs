//! hashtrack's default comment sentiment scorer, built as a WebAssembly component for the
//! `sentiment-scorer` world of `wit/v0.3/hashtrack.wit`.
//!
//! Implements `hashtrack:plugins/scorer@0.3.0`. This file only adapts the WIT interface: the
//! scoring itself is `sentiment-core` (VADER's method with a social-media lexicon per
//! language). `languages` names `sentiment_core::LANGUAGES` (English, Spanish, Portuguese,
//! Indonesian); `score` scores each comment with the scorer of its `language` (`und`, not
//! determined, as English), building each language's scorer once per call, and refuses a
//! language it does not know by name (the host sends only the languages named). One setting
//! is understood, `lexicon`: a per-brand overlay of `term score` lines (in `campaigns.toml`
//! usually `lexicon-file = "brand.txt"`, which the host delivers as `lexicon`), applied to
//! whatever language is being scored: the host passes per-language settings, so a brand's
//! Portuguese overlay arrives with its Portuguese comments. The component keeps no state
//! between calls. `check-settings` reads the settings exactly as `score` does
//! (`settings_problems`), but reports every problem instead of the first.

wit_bindgen::generate!({
    path: "../../wit/v0.3",
    world: "sentiment-scorer",
});

use exports::hashtrack::plugins::scorer::Guest;
use hashtrack::plugins::log::{self, Level};
use hashtrack::plugins::types::{Comment, Setting};
use sentiment_core::{Scorer, ScorerError};

/// The key of the lexicon overlay setting.
const LEXICON_KEY: &str = "lexicon";

struct DefaultScorer;

impl Guest for DefaultScorer {
    fn languages() -> Vec<String> {
        sentiment_core::LANGUAGES
            .iter()
            .map(|code| code.to_string())
            .collect()
    }

    fn check_settings(settings: Vec<Setting>) -> Result<(), Vec<String>> {
        let problems = settings_problems(&settings);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn score(settings: Vec<Setting>, comments: Vec<Comment>) -> Result<Vec<f64>, String> {
        let scores = score_comments(&settings, &comments)?;
        log::write(Level::Debug, &format!("scored {} comments", scores.len()));
        Ok(scores)
    }
}

export!(DefaultScorer);

/// The language code the host gives comments whose language it could not determine.
const UNDETERMINED: &str = "und";

/// One score per comment, in order, each by the scorer of the comment's language, with the
/// brand's overlay if the settings carry one. Each language's scorer is built once, when its
/// first comment comes; the settings are refused (first problem) even without comments.
fn score_comments(settings: &[Setting], comments: &[Comment]) -> Result<Vec<f64>, String> {
    let overlay = read_settings(settings).map_err(|mut problems| problems.remove(0))?;
    let mut scorers: Vec<Scorer> = Vec::new();
    if comments.is_empty() {
        scorers.push(scorer_for("en", overlay)?);
    }
    let mut scores = Vec::with_capacity(comments.len());
    for comment in comments {
        let language = scoring_language(&comment.language);
        let index = match scorers.iter().position(|s| s.language() == language) {
            Some(index) => index,
            None => {
                scorers.push(scorer_for(language, overlay)?);
                scorers.len() - 1
            }
        };
        scores.push(scorers[index].score(&comment.text));
    }
    Ok(scores)
}

/// The code of the scorer for a comment's language: English for `und`, the primary subtag
/// lower-cased otherwise (`pt-BR` is `pt`); unknown codes pass through, for `scorer_for` to
/// refuse by name.
fn scoring_language(code: &str) -> &str {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    if primary.eq_ignore_ascii_case(UNDETERMINED) || primary.is_empty() {
        return "en";
    }
    sentiment_core::LANGUAGES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(primary))
        .copied()
        .unwrap_or(code)
}

/// The scorer for a language with the overlay, if any; `Err` names an unknown language or
/// the overlay's first bad line.
fn scorer_for(language: &str, overlay: Option<&str>) -> Result<Scorer, String> {
    match overlay {
        Some(text) => {
            Scorer::for_language_with_overlay(language, text).map_err(|error| match error {
                ScorerError::Overlay(error) => format!("setting `{LEXICON_KEY}`: {error}"),
                unknown @ ScorerError::UnknownLanguage(_) => unknown.to_string(),
            })
        }
        None => Scorer::for_language(language)
            .ok_or_else(|| ScorerError::UnknownLanguage(language.to_string()).to_string()),
    }
}

/// Every problem of the settings, in order: what `check-settings` returns and what `score`
/// refuses (it names the first).
fn settings_problems(settings: &[Setting]) -> Vec<String> {
    match read_settings(settings) {
        Err(problems) => problems,
        Ok(None) => Vec::new(),
        Ok(Some(text)) => Scorer::overlay_problems(text)
            .iter()
            .map(|error| format!("setting `{LEXICON_KEY}`: {error}"))
            .collect(),
    }
}

/// The lexicon overlay the settings give, if any. Any key but `lexicon` is refused, so that a
/// typo in `campaigns.toml` is reported instead of silently ignored; so is a second `lexicon`.
/// The overlay's own lines are checked by whoever reads it. Never `Err` of an empty list.
fn read_settings(settings: &[Setting]) -> Result<Option<&str>, Vec<String>> {
    let mut overlay: Option<&str> = None;
    let mut problems = Vec::new();
    for setting in settings {
        if setting.key != LEXICON_KEY {
            problems.push(format!(
                "unknown setting `{}`: the default sentiment scorer takes only `{LEXICON_KEY}` \
                 (a lexicon overlay, usually given as `{LEXICON_KEY}-file`)",
                setting.key
            ));
        } else if overlay.replace(&setting.value).is_some() {
            problems.push(format!(
                "setting `{LEXICON_KEY}` is given twice (as both `{LEXICON_KEY}` and \
                 `{LEXICON_KEY}-file`?)"
            ));
        }
    }
    if problems.is_empty() {
        Ok(overlay)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(key: &str, value: &str) -> Setting {
        Setting {
            key: key.to_string(),
            value: value.to_string(),
        }
    }

    fn comments(texts: &[&str]) -> Vec<Comment> {
        in_languages(&texts.iter().map(|text| ("en", *text)).collect::<Vec<_>>())
    }

    fn in_languages(items: &[(&str, &str)]) -> Vec<Comment> {
        items
            .iter()
            .enumerate()
            .map(|(index, (language, text))| Comment {
                id: index.to_string(),
                text: text.to_string(),
                likes: 0,
                created_at: 0,
                language: language.to_string(),
            })
            .collect()
    }

    #[test]
    fn names_the_core_languages() {
        assert_eq!(DefaultScorer::languages(), ["en", "es", "pt", "id"]);
    }

    #[test]
    fn each_comment_is_scored_in_its_language() {
        let items = in_languages(&[
            ("pt", "não é bom"),
            ("en", "so good"),
            ("id", "tidak bagus"),
            ("es", "me encanta, súper recomendado"),
            ("pt", "amei demais"),
            ("und", "love it"),
            ("id", "bagus banget"),
        ]);
        let scores = score_comments(&[], &items).unwrap();
        let signs: Vec<bool> = scores.iter().map(|s| *s > 0.0).collect();
        assert_eq!(
            signs,
            [false, true, false, true, true, true, true],
            "{scores:?}"
        );
        // The same text scores as its language's scorer scores it.
        let nao = Scorer::for_language("pt").unwrap().score("não é bom");
        assert_eq!(scores[0], nao);
    }

    #[test]
    fn an_unknown_language_is_refused_by_name() {
        let error =
            score_comments(&[], &in_languages(&[("en", "ok"), ("fr", "très bien")])).unwrap_err();
        assert!(error.contains("\"fr\""), "{error}");
    }

    #[test]
    fn the_overlay_applies_to_the_language_scored() {
        let overlay = [setting("lexicon", "golpe de luz 2.5\n")];
        let items = in_languages(&[("pt", "esse golpe de luz")]);
        assert!(score_comments(&[], &items).unwrap()[0] <= -0.05);
        assert!(score_comments(&overlay, &items).unwrap()[0] >= 0.05);
    }

    #[test]
    fn scores_every_comment_in_order() {
        let scores = score_comments(&[], &comments(&["love it 😍", "mid", "posted at 9"])).unwrap();
        assert_eq!(scores.len(), 3);
        assert!(
            scores[0] >= 0.05 && scores[1] <= -0.05 && scores[2] == 0.0,
            "{scores:?}"
        );
        assert_eq!(score_comments(&[], &[]).unwrap(), Vec::<f64>::new());
    }

    #[test]
    fn the_lexicon_setting_overlays_the_built_in_terms() {
        let texts = comments(&["found a dupe for half the price"]);
        let plain = score_comments(&[], &texts).unwrap()[0];
        let dupe_brand = score_comments(
            &[setting("lexicon", "# dupes are our thing\ndupe 3\n")],
            &texts,
        )
        .unwrap()[0];
        assert!(plain <= -0.05 && dupe_brand >= 0.05, "{plain} {dupe_brand}");
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        let error =
            score_comments(&[setting("lexicon-fle", "x 1")], &comments(&["hi"])).unwrap_err();
        assert!(
            error.starts_with("unknown setting `lexicon-fle`"),
            "{error}"
        );
    }

    #[test]
    fn a_malformed_overlay_is_refused_with_its_line() {
        let error = score_comments(&[setting("lexicon", "dupe -2\nglow\n")], &[]).unwrap_err();
        assert_eq!(
            error,
            "setting `lexicon`: lexicon line 2: expected `term score`, found one field"
        );
    }

    #[test]
    fn a_lexicon_given_twice_is_refused() {
        let twice = [setting("lexicon", "a 1"), setting("lexicon", "b 1")];
        assert!(
            score_comments(&twice, &[])
                .unwrap_err()
                .contains("given twice")
        );
    }

    #[test]
    fn check_settings_reports_every_problem() {
        let settings = [
            setting("lexicon", "dupe 3\nglow\nbad 9\n"),
            setting("lexicon-fle", "x 1"),
        ];
        // `score` names the first problem...
        assert!(
            score_comments(&settings, &[])
                .unwrap_err()
                .starts_with("unknown setting `lexicon-fle`")
        );
        // ...`check-settings` every one; a bad key hides the overlay's lines, which would
        // be read only once the keys are right.
        assert_eq!(settings_problems(&settings).len(), 1);
        let problems = settings_problems(&settings[..1]);
        assert_eq!(
            problems,
            [
                "setting `lexicon`: lexicon line 2: expected `term score`, found one field",
                "setting `lexicon`: lexicon line 3: the score is outside -4..4",
            ]
        );
        assert!(settings_problems(&[setting("lexicon", "dupe 3")]).is_empty());
        assert!(settings_problems(&[]).is_empty());
    }

    #[test]
    fn check_settings_and_score_agree() {
        for settings in [
            vec![],
            vec![setting("lexicon", "dupe 3")],
            vec![setting("lexicon", "dupe")],
            vec![setting("lexicon", "a 1"), setting("lexicon", "b 1")],
            vec![setting("min-ratio", "1")],
        ] {
            assert_eq!(
                settings_problems(&settings).is_empty(),
                score_comments(&settings, &[]).is_ok(),
                "{settings:?}"
            );
        }
    }
}
