//! {{name}}: a comment sentiment scorer for hashtrack (world `sentiment-scorer`, Rust).
//!
//! It starts from hashtrack's own scorer: `sentiment-core/` is a copy of the library the
//! built-in plugin uses (VADER's method with a social-media lexicon). The `lexicon` setting
//! overlays brand terms, one `term score` per line (in campaigns.toml:
//! `lexicon-file = "brand.txt"`). Put brand rules the lexicon cannot express in
//! `score_comment`. Build with `hashtrack plugin build .`, then
//! `hashtrack plugin test target/{{name}}.wasm --input fixture.json`.

wit_bindgen::generate!({ path: "wit", world: "sentiment-scorer" });

use exports::hashtrack::plugins::scorer::Guest;
use hashtrack::plugins::log::{Level, write};
use hashtrack::plugins::types::{Comment, Setting};
use sentiment_core::Scorer;

struct Plugin;

impl Guest for Plugin {
    fn check_settings(settings: Vec<Setting>) -> Result<(), Vec<String>> {
        scorer_for(&settings).map(|_| ())
    }

    fn score(settings: Vec<Setting>, comments: Vec<Comment>) -> Result<Vec<f64>, String> {
        let scorer = scorer_for(&settings).map_err(|mut problems| problems.remove(0))?;
        write(Level::Debug, &format!("scoring {} comments", comments.len()));
        Ok(comments.iter().map(|c| score_comment(&scorer, c)).collect())
    }
}

/// The default scorer under the brand's overlay, or every problem of the settings.
fn scorer_for(settings: &[Setting]) -> Result<Scorer, Vec<String>> {
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
    if problems.is_empty() {
        Scorer::with_overlay(&overlay).map_err(|e| vec![e.to_string()])
    } else {
        Err(problems)
    }
}

/// One comment's score from -1.0 to 1.0. The place for brand rules, e.g. a question about
/// where to buy the product is interest, not neutral chatter.
fn score_comment(scorer: &Scorer, comment: &Comment) -> f64 {
    scorer.score(&comment.text)
}

export!(Plugin);
