//! The one-line format shared by the built-in lexicon files and per-brand overlays:
//! `term<whitespace>score`, where the term may hold several words and the score is on the
//! -4..4 scale; blank lines and lines starting with `#` say nothing.
//!
//! `build.rs` compiles this file too (by path), so the built-in lexicon and the overlays can
//! never disagree about the format. Std only, no crate-internal imports.

/// The lowest and highest score a term may have (the VADER raters' scale).
pub const SCORE_RANGE: std::ops::RangeInclusive<f64> = -4.0..=4.0;

/// What is wrong with one line. Never holds the line's text: a lexicon setting may be some
/// other file named by mistake (or on purpose), and errors are shown to whoever wrote the
/// config.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryProblem {
    /// One field only: a term without a score, or a score without a term.
    MissingScore,
    /// The last field does not read as a number.
    ScoreNotANumber,
    /// A number outside `SCORE_RANGE`.
    ScoreOutOfRange,
}

impl std::fmt::Display for EntryProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EntryProblem::MissingScore => {
                write!(f, "expected `term score`, found one field")
            }
            EntryProblem::ScoreNotANumber => {
                write!(f, "the last field (the score) is not a number")
            }
            EntryProblem::ScoreOutOfRange => {
                write!(f, "the score is outside -4..4")
            }
        }
    }
}

/// Parses one line: `Ok(None)` for a blank or comment line, else the normalised term (see
/// `normalise_term`) and its score.
pub fn parse_entry(line: &str) -> Result<Option<(String, f64)>, EntryProblem> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let Some((term, score_text)) = line.rsplit_once(char::is_whitespace) else {
        return Err(EntryProblem::MissingScore);
    };
    let score: f64 = score_text
        .parse()
        .map_err(|_| EntryProblem::ScoreNotANumber)?;
    if !SCORE_RANGE.contains(&score) {
        // NaN lands here too: `contains` is false for it.
        return Err(EntryProblem::ScoreOutOfRange);
    }
    Ok(Some((normalise_term(term), score)))
}

/// Lower-cases a term, unifies typographic apostrophes and joins its words with single
/// spaces: the form in which the scorer looks terms up.
pub fn normalise_term(term: &str) -> String {
    let words: Vec<String> = term
        .split_whitespace()
        .map(|word| word.to_lowercase().replace('\u{2019}', "'"))
        .collect();
    words.join(" ")
}

/// Folds the Latin diacritics of Spanish, Portuguese and other Latin-script languages
/// ("péssimo" → "pessimo", "ação" → "acao", "ñ" → "n") and drops combining marks, so that a
/// comment typed without accents finds the accented term. Expects lower-case text; leaves
/// everything else (emoji, other scripts, punctuation) as it is.
pub fn fold_accents(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{300}'..='\u{36F}'))
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}
