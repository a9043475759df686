//! A loaded sentiment scorer: converts comments to the WIT types, runs `score` in the sandbox
//! and holds the plugin to the contract (one finite score in [-1, 1] per comment).

use wasmtime::component::InstancePre;

use super::LoadReport;
use super::bindings::sentiment::SentimentScorerPre;
use super::bindings::types::{Comment as WitComment, Setting};
use super::error::{PluginError, PluginErrorKind};
use super::sandbox::{CallReport, CallState, Sandbox};
use crate::domain::Comment;

/// A sentiment plugin ready to be called. Cheap to share: calls do not affect each other.
pub struct SentimentScorer {
    pre: SentimentScorerPre<CallState>,
    sandbox: Sandbox,
    report: LoadReport,
}

impl SentimentScorer {
    pub(crate) fn new(
        pre: InstancePre<CallState>,
        sandbox: Sandbox,
        report: LoadReport,
    ) -> Result<Self, PluginError> {
        let pre = SentimentScorerPre::new(pre).map_err(|e| {
            PluginError::load(
                sandbox.plugin(),
                PluginErrorKind::Load(format!("its `score` function has the wrong type: {e:#}")),
            )
        })?;
        Ok(Self {
            pre,
            sandbox,
            report,
        })
    }

    /// How the plugin was loaded.
    pub fn load_report(&self) -> &LoadReport {
        &self.report
    }

    /// Scores `comments` for `campaign` with the campaign's `settings`: one score per comment,
    /// in order, each from -1.0 to 1.0.
    pub fn score(
        &self,
        campaign: &str,
        settings: &[(String, String)],
        comments: &[Comment],
    ) -> Result<Vec<f64>, PluginError> {
        self.score_measured(campaign, settings, comments).0
    }

    /// [`SentimentScorer::score`], also reporting what the call used.
    pub fn score_measured(
        &self,
        campaign: &str,
        settings: &[(String, String)],
        comments: &[Comment],
    ) -> (Result<Vec<f64>, PluginError>, CallReport) {
        let settings = wit_settings(settings);
        let wit_comments: Vec<WitComment> = comments
            .iter()
            .map(|comment| WitComment {
                id: comment.id.clone(),
                text: comment.text.clone(),
                likes: comment.likes,
            })
            .collect();
        self.sandbox.call(campaign, |store| {
            let scorer = self.pre.instantiate(&mut *store)?;
            let returned = scorer.hashtrack_plugins_scorer().call_score(
                &mut *store,
                &settings,
                &wit_comments,
            )?;
            Ok(match returned {
                Ok(scores) => validate(&scores, comments).map(|()| scores),
                Err(message) => Err(PluginErrorKind::PluginReturnedError(message)),
            })
        })
    }
}

/// Settings in their WIT form; shared with the alert rules.
pub(crate) fn wit_settings(settings: &[(String, String)]) -> Vec<Setting> {
    settings
        .iter()
        .map(|(key, value)| Setting {
            key: key.clone(),
            value: value.clone(),
        })
        .collect()
}

/// Exactly one finite score in [-1, 1] per comment.
fn validate(scores: &[f64], comments: &[Comment]) -> Result<(), PluginErrorKind> {
    if scores.len() != comments.len() {
        return Err(PluginErrorKind::InvalidOutput(format!(
            "{} scores for {} comments",
            scores.len(),
            comments.len()
        )));
    }
    match scores
        .iter()
        .zip(comments)
        .find(|(score, _)| !(-1.0..=1.0).contains(*score))
    {
        Some((score, comment)) => Err(PluginErrorKind::InvalidOutput(format!(
            "score {score} for comment `{}` is not a number from -1 to 1",
            comment.id
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(n: usize) -> Vec<Comment> {
        (0..n)
            .map(|i| Comment {
                id: format!("c{i}"),
                text: "nice".to_string(),
                created_at: 0,
                likes: 0,
                replies: 0,
                author_handle: "someone".to_string(),
            })
            .collect()
    }

    #[test]
    fn one_score_in_range_per_comment_is_valid() {
        assert_eq!(validate(&[-1.0, 0.0, 1.0], &comments(3)), Ok(()));
        assert_eq!(validate(&[], &comments(0)), Ok(()));
    }

    #[test]
    fn wrong_length_nan_and_out_of_range_are_invalid() {
        for (scores, reason) in [
            (vec![0.5], "1 scores for 2 comments"),
            (vec![0.5, f64::NAN], "score NaN for comment `c1`"),
            (vec![1.5, 0.0], "score 1.5 for comment `c0`"),
            (vec![0.0, f64::NEG_INFINITY], "score -inf for comment `c1`"),
        ] {
            match validate(&scores, &comments(2)) {
                Err(PluginErrorKind::InvalidOutput(text)) => {
                    assert!(text.starts_with(reason), "{text}")
                }
                other => panic!("{scores:?}: {other:?}"),
            }
        }
    }
}
