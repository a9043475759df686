//! {{name}}: a comment sentiment scorer for hashtrack (world `sentiment-scorer`, Rust).
//!
//! It starts from hashtrack's own scorer: `sentiment-core/` is a copy of the library the
//! built-in plugin uses (VADER's method with a lexicon per language: English, Spanish,
//! Portuguese, Indonesian). The `lexicon` setting overlays brand terms, one `term score` per
//! line (in campaigns.toml: `lexicon-file = "brand.txt"`; per language in
//! `[campaigns.sentiment.pt.settings]`). Put brand rules the lexicon cannot express in
//! `score_comment`. Build with `hashtrack plugin build .`, then
//! `hashtrack plugin test target/{{name}}.wasm --input fixture.json`.

wit_bindgen::generate!({ path: "wit", world: "sentiment-scorer" });

use exports::hashtrack::plugins::scorer::Guest;
use hashtrack::plugins::log::{Level, write};
use hashtrack::plugins::types::{Comment, Setting};
use sentiment_core::{LANGUAGES, Scorer};

struct Plugin;

impl Guest for Plugin {
    /// The host sends only comments in these languages (and those it could not tell, `und`).
    fn languages() -> Vec<String> {
        LANGUAGES.iter().map(|code| code.to_string()).collect()
    }

    fn check_settings(settings: Vec<Setting>) -> Result<(), Vec<String>> {
        overlay_of(&settings).map(|_| ())
    }

    fn score(settings: Vec<Setting>, comments: Vec<Comment>) -> Result<Vec<f64>, String> {
        let overlay = overlay_of(&settings).map_err(|mut problems| problems.remove(0))?;
        write(Level::Debug, &format!("scoring {} comments", comments.len()));
        let mut scorers: Vec<(String, Scorer)> = Vec::new();
        let mut scores = Vec::with_capacity(comments.len());
        for comment in &comments {
            // `und`: emoji or a word or two, read as English.
            let language = if comment.language == "und" { "en" } else { &comment.language };
            let at = match scorers.iter().position(|(l, _)| l == language) {
                Some(at) => at,
                None => {
                    let scorer = Scorer::for_language_with_overlay(language, &overlay)
                        .map_err(|e| e.to_string())?;
                    scorers.push((language.to_string(), scorer));
                    scorers.len() - 1
                }
            };
            scores.push(score_comment(&scorers[at].1, comment));
        }
        Ok(scores)
    }
}

/// The brand's overlay (empty without one), or every problem of the settings.
fn overlay_of(settings: &[Setting]) -> Result<String, Vec<String>> {
    let mut overlay = String::new();
    let mut problems = Vec::new();
    for setting in settings {
        match setting.key.as_str() {
            "lexicon" => overlay.push_str(&setting.value),
            key => problems.push(format!("unknown setting `{key}`: this plugin reads only `lexicon`")),
        }
    }
    problems.extend(
        Scorer::overlay_problems(&overlay)
            .iter()
            .map(|problem| format!("setting `lexicon`: {problem}")),
    );
    if problems.is_empty() { Ok(overlay) } else { Err(problems) }
}

/// One comment's score from -1.0 to 1.0. The place for brand rules, e.g. a question about
/// where to buy the product is interest, not neutral chatter.
fn score_comment(scorer: &Scorer, comment: &Comment) -> f64 {
    scorer.score(&comment.text)
}

export!(Plugin);
