//! hashtrack's default comment sentiment scorer, built as a WebAssembly component for the
//! `sentiment-scorer` world of `wit/v0.2/hashtrack.wit`.
//!
//! Implements `hashtrack:plugins/scorer@0.2.0`. This file only adapts the WIT interface: the
//! scoring itself is `sentiment-core` (VADER's method with a social-media lexicon). One setting
//! is understood, `lexicon`: a per-brand overlay of `term score` lines (in `campaigns.toml`
//! usually `lexicon-file = "brand.txt"`, which the host delivers as `lexicon`). The component
//! keeps no state between calls. `check-settings` reads the settings exactly as `score` does
//! (`settings_problems`), but reports every problem instead of the first.

wit_bindgen::generate!({
    path: "../../wit/v0.2",
    world: "sentiment-scorer",
});

use exports::hashtrack::plugins::scorer::Guest;
use hashtrack::plugins::log::{self, Level};
use hashtrack::plugins::types::{Comment, Setting};
use sentiment_core::Scorer;

/// The key of the lexicon overlay setting.
const LEXICON_KEY: &str = "lexicon";

struct DefaultScorer;

impl Guest for DefaultScorer {
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

/// One score per comment, in order, with the brand's overlay if the settings carry one.
fn score_comments(settings: &[Setting], comments: &[Comment]) -> Result<Vec<f64>, String> {
    let scorer = scorer_for(settings)?;
    Ok(comments
        .iter()
        .map(|comment| scorer.score(&comment.text))
        .collect())
}

/// Builds the scorer the settings ask for, refusing them with their first problem (see
/// `settings_problems`).
fn scorer_for(settings: &[Setting]) -> Result<Scorer, String> {
    let overlay = read_settings(settings).map_err(|mut problems| problems.remove(0))?;
    match overlay {
        Some(text) => {
            Scorer::with_overlay(text).map_err(|error| format!("setting `{LEXICON_KEY}`: {error}"))
        }
        None => Ok(Scorer::new()),
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
        texts
            .iter()
            .enumerate()
            .map(|(index, text)| Comment {
                id: index.to_string(),
                text: text.to_string(),
                likes: 0,
                created_at: 0,
            })
            .collect()
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
