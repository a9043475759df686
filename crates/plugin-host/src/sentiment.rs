//! A loaded sentiment scorer: converts comments to the WIT types of the version the component
//! implements (0.1 comments have no `created-at`), runs `score` in the sandbox and holds the
//! plugin to the contract (one finite score in [-1, 1] per comment). `check_settings` calls a
//! 0.2 component's `check-settings`, and makes a 0.1 component score no comments instead.

use wasmtime::component::InstancePre;

use super::LoadReport;
use super::bindings::{v0_1, v0_2};
use super::error::{PluginError, PluginErrorKind};
use super::exports::WitVersion;
use super::sandbox::{CallReport, CallState, Sandbox};
use hashtrack_domain::Comment;

/// The pre-instantiated component, with the bindings of the version it implements.
enum ScorerPre {
    V0_1(v0_1::sentiment::SentimentScorerPre<CallState>),
    V0_2(v0_2::sentiment::SentimentScorerPre<CallState>),
}

/// A sentiment plugin ready to be called. Cheap to share: calls do not affect each other.
pub struct SentimentScorer {
    pre: ScorerPre,
    sandbox: Sandbox,
    report: LoadReport,
    identity: String,
}

impl SentimentScorer {
    /// `content_hash` is a short hex digest of the component's bytes.
    pub(crate) fn new(
        pre: InstancePre<CallState>,
        version: WitVersion,
        sandbox: Sandbox,
        report: LoadReport,
        content_hash: &str,
    ) -> Result<Self, PluginError> {
        let wrong_type = |e: wasmtime::Error| {
            PluginError::load(
                sandbox.plugin(),
                PluginErrorKind::Load(format!(
                    "its scorer@{} functions have the wrong type: {e:#}",
                    version.as_str()
                )),
            )
        };
        let pre = match version {
            WitVersion::V0_1 => {
                ScorerPre::V0_1(v0_1::sentiment::SentimentScorerPre::new(pre).map_err(wrong_type)?)
            }
            WitVersion::V0_2 => {
                ScorerPre::V0_2(v0_2::sentiment::SentimentScorerPre::new(pre).map_err(wrong_type)?)
            }
        };
        let identity = format!("{}#{content_hash}", sandbox.plugin());
        Ok(Self {
            pre,
            sandbox,
            report,
            identity,
        })
    }

    /// How the plugin was loaded.
    pub fn load_report(&self) -> &LoadReport {
        &self.report
    }

    /// The plugin's name and a short hash of its component's bytes, e.g.
    /// `builtin:sentiment#3fa81c2d9e01`: equal identities, the same scorer.
    pub fn identity(&self) -> String {
        self.identity.clone()
    }

    /// The version of the WIT contract the component implements: `0.2.0` or `0.1.0`.
    pub fn wit_version(&self) -> &'static str {
        self.version().as_str()
    }

    fn version(&self) -> WitVersion {
        match self.pre {
            ScorerPre::V0_1(_) => WitVersion::V0_1,
            ScorerPre::V0_2(_) => WitVersion::V0_2,
        }
    }

    /// Checks `campaign`'s `settings` before anything is spent. A refusal is
    /// `PluginErrorKind::InvalidSettings` with every problem the plugin named. A 0.2 component
    /// answers `check-settings`; a 0.1 component is asked to score no comments, and its `err`
    /// is the one problem.
    pub fn check_settings(
        &self,
        campaign: &str,
        settings: &[(String, String)],
    ) -> Result<(), PluginError> {
        let wit = wit_settings(settings);
        match &self.pre {
            ScorerPre::V0_2(pre) => {
                self.sandbox
                    .call(campaign, |store| {
                        let scorer = pre.instantiate(&mut *store)?;
                        let returned = scorer
                            .hashtrack_plugins_scorer()
                            .call_check_settings(&mut *store, &wit)?;
                        Ok(returned.map_err(PluginErrorKind::InvalidSettings))
                    })
                    .0
            }
            ScorerPre::V0_1(_) => match self.score(campaign, settings, &[]) {
                Ok(_) => Ok(()),
                Err(PluginError {
                    kind: PluginErrorKind::PluginReturnedError(message),
                    plugin,
                    campaign,
                    last_log_lines,
                }) => Err(PluginError {
                    kind: PluginErrorKind::InvalidSettings(vec![message]),
                    plugin,
                    campaign,
                    last_log_lines,
                }),
                Err(other) => Err(other),
            },
        }
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
        let verdict = |returned: Result<Vec<f64>, String>| match returned {
            Ok(scores) => validate(&scores, comments).map(|()| scores),
            Err(message) => Err(PluginErrorKind::PluginReturnedError(message)),
        };
        match &self.pre {
            ScorerPre::V0_2(pre) => {
                let settings = wit_settings(settings);
                let wit_comments: Vec<v0_2::types::Comment> = comments
                    .iter()
                    .map(|comment| v0_2::types::Comment {
                        id: comment.id.clone(),
                        text: comment.text.clone(),
                        likes: comment.likes,
                        created_at: comment.created_at,
                    })
                    .collect();
                self.sandbox.call(campaign, |store| {
                    let scorer = pre.instantiate(&mut *store)?;
                    let returned = scorer.hashtrack_plugins_scorer().call_score(
                        &mut *store,
                        &settings,
                        &wit_comments,
                    )?;
                    Ok(verdict(returned))
                })
            }
            ScorerPre::V0_1(pre) => {
                let settings = wit_settings_v0_1(settings);
                let wit_comments: Vec<v0_1::types::Comment> = comments
                    .iter()
                    .map(|comment| v0_1::types::Comment {
                        id: comment.id.clone(),
                        text: comment.text.clone(),
                        likes: comment.likes,
                    })
                    .collect();
                self.sandbox.call(campaign, |store| {
                    let scorer = pre.instantiate(&mut *store)?;
                    let returned = scorer.hashtrack_plugins_scorer().call_score(
                        &mut *store,
                        &settings,
                        &wit_comments,
                    )?;
                    Ok(verdict(returned))
                })
            }
        }
    }
}

/// Settings in their WIT 0.2 form; shared with the alert rules.
pub(crate) fn wit_settings(settings: &[(String, String)]) -> Vec<v0_2::types::Setting> {
    settings
        .iter()
        .map(|(key, value)| v0_2::types::Setting {
            key: key.clone(),
            value: value.clone(),
        })
        .collect()
}

/// Settings in their WIT 0.1 form; shared with the alert rules.
pub(crate) fn wit_settings_v0_1(settings: &[(String, String)]) -> Vec<v0_1::types::Setting> {
    settings
        .iter()
        .map(|(key, value)| v0_1::types::Setting {
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
