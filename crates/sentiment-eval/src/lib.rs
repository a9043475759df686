//! Measures a sentiment scorer against human-labelled sentences.
//!
//! Owns the evaluation conventions of `shared/data/sentiment/README.md` (the VADER paper's):
//! the labelled-file format, how a mean rating and a score become a polarity, and the report
//! figures (3-class accuracy, macro-F1, Pearson r). It does not score anything or read files:
//! callers pass the file's text and one score per item. `hashtrack plugin eval`, the
//! integration tests and the `sentiment-core` eval example all use this crate, so the figures
//! they print are computed here and nowhere else. How a score becomes a polarity is
//! `sentiment-polarity`'s rule, the same the host counts a day's comments with.

use serde::Serialize;
use thiserror::Error;

pub use sentiment_polarity::Polarity;

/// One human-labelled sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledItem {
    pub id: String,
    /// Mean of the raters' judgements, -4 (extremely negative) to +4 (extremely positive).
    pub rating: f64,
    pub text: String,
}

/// Why a labelled file could not be read; `line` counts from 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LabelParseError {
    #[error(
        "line {line}: expected `ID<TAB>RATING<TAB>TEXT`, found {fields} tab-separated field(s)"
    )]
    MissingFields { line: usize, fields: usize },
    #[error("line {line}: the rating {value:?} is not a finite number")]
    BadRating { line: usize, value: String },
}

/// Parses `ID<TAB>MEAN_RATING<TAB>TEXT` lines; LF or CRLF, blank lines skipped, the text may
/// itself hold tabs.
pub fn parse_labelled(text: &str) -> Result<Vec<LabelledItem>, LabelParseError> {
    let mut items = Vec::new();
    for (index, raw_line) in text.split('\n').enumerate() {
        let line_number = index + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let (Some(id), Some(rating), Some(text)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(LabelParseError::MissingFields {
                line: line_number,
                fields: line.split('\t').count(),
            });
        };
        let rating = rating
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|r| r.is_finite())
            .ok_or_else(|| LabelParseError::BadRating {
                line: line_number,
                value: rating.to_string(),
            })?;
        items.push(LabelledItem {
            id: id.trim().to_string(),
            rating,
            text: text.to_string(),
        });
    }
    Ok(items)
}

/// The human verdict: any mean above zero is positive, below zero negative, exactly zero
/// neutral.
pub fn truth_polarity(rating: f64) -> Polarity {
    if rating > 0.0 {
        Polarity::Positive
    } else if rating < 0.0 {
        Polarity::Negative
    } else {
        Polarity::Neutral
    }
}

/// How well a scorer agrees with the human ratings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EvalReport {
    pub items: usize,
    /// Share of items whose predicted polarity equals the human one.
    pub accuracy: f64,
    /// Unweighted mean of the per-class F1 over the classes that occur in the truth or the
    /// predictions; a class that occurs but is never predicted correctly scores 0.
    pub macro_f1: f64,
    /// Pearson correlation between score and mean rating; 0 when either is constant, where the
    /// correlation is undefined.
    pub pearson_r: f64,
    /// `confusion[truth][predicted]`, classes in the order negative, neutral, positive.
    pub confusion: [[usize; 3]; 3],
}

/// The items the scorer got most wrong: the largest gap between its score and the human
/// rating scaled to -1..1, worst first, at most `n`.
pub fn worst<'a>(
    items: &'a [LabelledItem],
    scores: &[f64],
    n: usize,
) -> Vec<(&'a LabelledItem, f64)> {
    let mut pairs: Vec<(&LabelledItem, f64)> = items.iter().zip(scores.iter().copied()).collect();
    let gap = |(item, score): &(&LabelledItem, f64)| (score - item.rating / 4.0).abs();
    pairs.sort_by(|a, b| gap(b).total_cmp(&gap(a)));
    pairs.truncate(n);
    pairs
}

/// Compares one score per item with the items' ratings.
///
/// # Panics
/// If `scores` and `items` differ in length: that is a bug in the caller, not bad data.
pub fn evaluate(items: &[LabelledItem], scores: &[f64]) -> EvalReport {
    assert_eq!(items.len(), scores.len(), "one score per labelled item");
    let ratings: Vec<f64> = items.iter().map(|item| item.rating).collect();
    let pairs: Vec<(Polarity, Polarity)> = ratings
        .iter()
        .zip(scores)
        .map(|(&rating, &score)| (truth_polarity(rating), Polarity::of_score(score)))
        .collect();
    let correct = pairs
        .iter()
        .filter(|(truth, predicted)| truth == predicted)
        .count();
    let index = |p: Polarity| Polarity::ALL.iter().position(|&c| c == p).expect("a class");
    let mut confusion = [[0; 3]; 3];
    for &(truth, predicted) in &pairs {
        confusion[index(truth)][index(predicted)] += 1;
    }
    EvalReport {
        items: items.len(),
        accuracy: ratio(correct, items.len()),
        macro_f1: macro_f1(&pairs),
        pearson_r: pearson(&ratings, scores),
        confusion,
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

fn macro_f1(pairs: &[(Polarity, Polarity)]) -> f64 {
    let per_class: Vec<f64> = Polarity::ALL
        .iter()
        .filter_map(|&class| {
            let truly = pairs.iter().filter(|(truth, _)| *truth == class).count();
            let predicted = pairs
                .iter()
                .filter(|(_, predicted)| *predicted == class)
                .count();
            if truly == 0 && predicted == 0 {
                return None;
            }
            let hits = pairs.iter().filter(|&&pair| pair == (class, class)).count();
            let precision = ratio(hits, predicted);
            let recall = ratio(hits, truly);
            let f1 = if hits == 0 {
                0.0
            } else {
                2.0 * precision * recall / (precision + recall)
            };
            Some(f1)
        })
        .collect();
    if per_class.is_empty() {
        0.0
    } else {
        per_class.iter().sum::<f64>() / per_class.len() as f64
    }
}

fn pearson(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    if xs.is_empty() {
        return 0.0;
    }
    let mean_x = xs.iter().sum::<f64>() / n;
    let mean_y = ys.iter().sum::<f64>() / n;
    let (mut covariance, mut variance_x, mut variance_y) = (0.0, 0.0, 0.0);
    for (&x, &y) in xs.iter().zip(ys) {
        covariance += (x - mean_x) * (y - mean_y);
        variance_x += (x - mean_x).powi(2);
        variance_y += (y - mean_y).powi(2);
    }
    if variance_x == 0.0 || variance_y == 0.0 {
        0.0
    } else {
        covariance / (variance_x * variance_y).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(rating: f64) -> LabelledItem {
        LabelledItem {
            id: String::new(),
            rating,
            text: String::new(),
        }
    }

    fn items(ratings: &[f64]) -> Vec<LabelledItem> {
        ratings.iter().copied().map(item).collect()
    }

    #[test]
    fn parses_crlf_lines_without_final_newline() {
        let parsed = parse_labelled("1_1\t1.5\tgood stuff\r\n1_2\t-0.25\tmeh\there").unwrap();
        assert_eq!(
            parsed,
            vec![
                LabelledItem {
                    id: "1_1".into(),
                    rating: 1.5,
                    text: "good stuff".into()
                },
                LabelledItem {
                    id: "1_2".into(),
                    rating: -0.25,
                    text: "meh\there".into()
                },
            ]
        );
    }

    #[test]
    fn skips_blank_lines_and_a_final_newline() {
        let parsed = parse_labelled("a\t1\tx\n\n b \t0\ty\n").unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[1].id, "b");
        assert_eq!(parsed[1].rating, 0.0);
    }

    #[test]
    fn parse_errors_name_the_line() {
        assert_eq!(
            parse_labelled("a\t1\tok\r\nb\t2").unwrap_err(),
            LabelParseError::MissingFields { line: 2, fields: 2 }
        );
        let error = parse_labelled("a\t1\tok\n\nc\tgreat\ttext").unwrap_err();
        assert_eq!(
            error,
            LabelParseError::BadRating {
                line: 3,
                value: "great".into()
            }
        );
        assert!(error.to_string().starts_with("line 3:"), "{error}");
        assert!(matches!(
            parse_labelled("a\tNaN\tx"),
            Err(LabelParseError::BadRating { line: 1, .. })
        ));
    }

    #[test]
    fn a_human_rating_is_polar_at_any_distance_from_zero() {
        assert_eq!(truth_polarity(0.01), Polarity::Positive);
        assert_eq!(truth_polarity(0.0), Polarity::Neutral);
        assert_eq!(truth_polarity(-0.01), Polarity::Negative);
    }

    #[test]
    fn perfect_agreement_scores_one_everywhere() {
        let report = evaluate(&items(&[-2.0, 0.0, 3.0]), &[-0.5, 0.0, 0.75]);
        assert_eq!(report.items, 3);
        assert_eq!(report.confusion, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
        assert_eq!(report.accuracy, 1.0);
        assert_eq!(report.macro_f1, 1.0);
        assert!(
            (report.pearson_r - 1.0).abs() < 1e-12,
            "{}",
            report.pearson_r
        );
    }

    #[test]
    fn the_worst_scored_come_first() {
        let labelled = items(&[4.0, -4.0, 2.0]);
        let worst = worst(&labelled, &[1.0, 0.9, 0.0], 2);
        // -4 read as +0.9 is the furthest off (1.9), then 2 read as 0 (0.5).
        assert_eq!(
            worst.iter().map(|(i, _)| i.rating).collect::<Vec<_>>(),
            [-4.0, 2.0]
        );
    }

    #[test]
    fn hand_computed_case_with_a_class_never_predicted() {
        // truth:     pos pos neg neu neg
        // predicted: pos neg neg pos neg   (neutral is never predicted)
        let report = evaluate(
            &items(&[1.0, 2.0, -1.0, 0.0, -3.0]),
            &[0.5, -0.2, -0.1, 0.3, -0.9],
        );
        assert_eq!(report.accuracy, 3.0 / 5.0);
        // positive: P 1/2, R 1/2, F1 1/2; negative: P 2/3, R 1, F1 4/5; neutral: F1 0.
        let expected_f1 = (0.5 + 0.8 + 0.0) / 3.0;
        assert!(
            (report.macro_f1 - expected_f1).abs() < 1e-12,
            "{}",
            report.macro_f1
        );
        // Means -0.2 and -0.08; co-deviation sum 2.82, squared deviations 14.8 and 1.168.
        let expected_r = 2.82 / (14.8f64 * 1.168).sqrt();
        assert!(
            (report.pearson_r - expected_r).abs() < 1e-12,
            "{}",
            report.pearson_r
        );
    }

    #[test]
    fn classes_absent_from_truth_and_predictions_are_left_out_of_macro_f1() {
        // Only positive and negative occur: both perfect, so neutral must not drag it to 2/3.
        let report = evaluate(&items(&[1.0, -1.0]), &[0.9, -0.9]);
        assert_eq!(report.macro_f1, 1.0);
    }

    #[test]
    fn constant_scores_give_zero_correlation_not_nan() {
        let report = evaluate(&items(&[1.0, -1.0, 2.0]), &[0.0, 0.0, 0.0]);
        assert_eq!(report.pearson_r, 0.0);
        assert_eq!(report.accuracy, 0.0);
        assert_eq!(report.macro_f1, 0.0);
        let empty = evaluate(&[], &[]);
        assert_eq!(
            (empty.items, empty.accuracy, empty.pearson_r),
            (0, 0.0, 0.0)
        );
    }

    #[test]
    #[should_panic(expected = "one score per labelled item")]
    fn mismatched_lengths_are_a_caller_bug() {
        evaluate(&items(&[1.0]), &[]);
    }
}
