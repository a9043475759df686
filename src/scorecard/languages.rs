//! The languages part of the scorecard: how well each comment's language was told, how many
//! comments were left unscored, and how far the positive share the product reports lies from
//! the truth, per language.
//!
//! Definitions, over the comments a campaign read for the first time on a stored day, each
//! matched with the simulator's truth of it (its language, `und` for emoji only, and tone):
//! - **told right**: the stored language equals the true one.
//! - **unscored**: stored without a score (no scorer of the campaign reads its language).
//! - **positive-share error**: per campaign-day and true language with at least
//!   [`MIN_COMMENTS_TO_JUDGE`] scored comments (what a report judges), |share scored
//!   positive − share written positive| over those comments, in percentage points; its mean
//!   and largest per language.

use std::collections::BTreeMap;

use sentiment_polarity::Polarity;
use serde::Serialize;

use crate::report::MIN_COMMENTS_TO_JUDGE;

/// One comment as the product stored it, with the truth about it.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentJudged {
    /// The language the simulator wrote it in (`en`, `pt`, `es`, `id`, `und`).
    pub true_language: String,
    pub written_positive: bool,
    /// The language the product told; `None` when it stored none.
    pub told: Option<String>,
    /// The product's score; `None`: unscored.
    pub score: Option<f64>,
}

/// The figures of one true language, summed over campaign-days and seeds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LanguageTally {
    pub comments: u64,
    pub told_right: u64,
    pub unscored: u64,
    /// The positive-share error of each campaign-day judged, in percentage points.
    pub positive_share_errors: Vec<f64>,
}

/// Per true language.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LanguageScore {
    pub by_language: BTreeMap<String, LanguageTally>,
}

impl LanguageScore {
    /// Adds one campaign-day's first-read comments.
    pub fn add_day(&mut self, comments: &[CommentJudged]) {
        let mut judged: BTreeMap<&str, (u32, u32, u32)> = BTreeMap::new();
        for comment in comments {
            let tally = self
                .by_language
                .entry(comment.true_language.clone())
                .or_default();
            tally.comments += 1;
            tally.told_right += u64::from(comment.told.as_deref() == Some(&comment.true_language));
            let Some(score) = comment.score else {
                tally.unscored += 1;
                continue;
            };
            let (scored, positive, written_positive) =
                judged.entry(&comment.true_language).or_default();
            *scored += 1;
            *positive += u32::from(Polarity::of_score(score) == Polarity::Positive);
            *written_positive += u32::from(comment.written_positive);
        }
        for (language, (scored, positive, written_positive)) in judged {
            if scored < MIN_COMMENTS_TO_JUDGE {
                continue;
            }
            let share = |n: u32| f64::from(n) / f64::from(scored) * 100.0;
            let error = (share(positive) - share(written_positive)).abs();
            if let Some(tally) = self.by_language.get_mut(language) {
                tally.positive_share_errors.push(error);
            }
        }
    }

    /// One summary line per language.
    pub fn summary(&self) -> Vec<LanguageSummary> {
        self.by_language
            .iter()
            .map(|(language, t)| {
                let share = |n: u64| (t.comments > 0).then(|| n as f64 / t.comments as f64);
                let errors = &t.positive_share_errors;
                LanguageSummary {
                    language: language.clone(),
                    comments: t.comments,
                    told_right: share(t.told_right),
                    unscored: share(t.unscored),
                    days_judged: errors.len() as u32,
                    mean_positive_share_error: (!errors.is_empty())
                        .then(|| errors.iter().sum::<f64>() / errors.len() as f64),
                    max_positive_share_error: errors.iter().copied().reduce(f64::max),
                }
            })
            .collect()
    }
}

/// The headline figures of one true language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageSummary {
    pub language: String,
    pub comments: u64,
    /// Shares of `comments`.
    pub told_right: Option<f64>,
    pub unscored: Option<f64>,
    /// Campaign-days with enough scored comments of the language to judge its positive share.
    pub days_judged: u32,
    /// Percentage points.
    pub mean_positive_share_error: Option<f64>,
    pub max_positive_share_error: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(language: &str, positive: bool, told: &str, score: Option<f64>) -> CommentJudged {
        CommentJudged {
            true_language: language.into(),
            written_positive: positive,
            told: Some(told.into()),
            score,
        }
    }

    #[test]
    fn told_unscored_and_positive_share_error_per_language() {
        let judged = MIN_COMMENTS_TO_JUDGE as usize;
        let mut day = Vec::new();
        // Portuguese: enough to judge; half written positive, three quarters scored positive.
        for i in 0..judged * 2 {
            let written = i % 2 == 0;
            let scored = if i % 4 == 3 { -0.5 } else { 0.5 };
            day.push(comment("pt", written, "pt", Some(scored)));
        }
        // Indonesian: told as Malay-ish English once, never scored.
        day.push(comment("id", true, "en", None));
        day.push(comment("id", false, "id", None));
        let mut score = LanguageScore::default();
        score.add_day(&day);
        let summary = score.summary();
        let id = &summary[0];
        assert_eq!((id.language.as_str(), id.comments), ("id", 2));
        assert_eq!((id.told_right, id.unscored), (Some(0.5), Some(1.0)));
        assert_eq!(id.days_judged, 0);
        let pt = &summary[1];
        assert_eq!(pt.told_right, Some(1.0));
        assert_eq!(pt.unscored, Some(0.0));
        assert_eq!(pt.days_judged, 1);
        assert!((pt.mean_positive_share_error.unwrap() - 25.0).abs() < 1e-9);
    }

    #[test]
    fn too_few_scored_comments_a_day_are_not_judged_however_many_days() {
        let day = vec![comment("es", true, "es", Some(0.9)); 3];
        let mut all = LanguageScore::default();
        all.add_day(&day);
        all.add_day(&day);
        let es = &all.summary()[0];
        assert_eq!((es.comments, es.days_judged), (6, 0));
        assert_eq!(es.mean_positive_share_error, None);
    }
}
