//! A loaded sentiment scorer: converts comments to the WIT types of the version the component
//! implements (0.1 comments have no `created-at`, 0.1 and 0.2 ones no `language`), runs
//! `score` in the sandbox and holds the plugin to the contract (one finite score in [-1, 1]
//! per comment). `check_settings` calls a 0.2 or 0.3 component's `check-settings`, and makes a
//! 0.1 component score no comments instead. A 0.3 component names its languages when it is
//! loaded; older ones score English.

use wasmtime::component::InstancePre;

use super::LoadReport;
use super::bindings::{v0_1, v0_2, v0_3};
use super::error::{PluginError, PluginErrorKind};
use super::exports::WitVersion;
use super::sandbox::{CallReport, CallState, Sandbox};
use hashtrack_domain::Comment;

/// The pre-instantiated component, with the bindings of the version it implements.
enum ScorerPre {
    V0_1(v0_1::sentiment::SentimentScorerPre<CallState>),
    V0_2(v0_2::sentiment::SentimentScorerPre<CallState>),
    V0_3(v0_3::sentiment::SentimentScorerPre<CallState>),
}

/// What a component built before 0.3 scores: the contract said nothing of languages, and
/// every scorer written for it read English.
const BEFORE_LANGUAGES: &str = "en";

/// A sentiment plugin ready to be called. Cheap to share: calls do not affect each other.
pub struct SentimentScorer {
    pre: ScorerPre,
    sandbox: Sandbox,
    report: LoadReport,
    identity: String,
    /// ISO 639-1 codes, as the component named them (0.3), or English.
    languages: Vec<String>,
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
            WitVersion::V0_3 => {
                ScorerPre::V0_3(v0_3::sentiment::SentimentScorerPre::new(pre).map_err(wrong_type)?)
            }
        };
        let languages = match &pre {
            ScorerPre::V0_3(pre) => named_languages(pre, &sandbox)?,
            ScorerPre::V0_1(_) | ScorerPre::V0_2(_) => vec![BEFORE_LANGUAGES.to_string()],
        };
        let identity = format!("{}#{content_hash}", sandbox.plugin());
        Ok(Self {
            pre,
            sandbox,
            report,
            identity,
            languages,
        })
    }

    /// The languages it scores (ISO 639-1): what a 0.3 component named, or `["en"]`.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// Whether it scores comments in `language`.
    pub fn scores(&self, language: &str) -> bool {
        self.languages.iter().any(|l| l == language)
    }

    /// Refuses it as `campaign`'s scorer of `language` when it does not score that language.
    pub fn check_language(&self, campaign: &str, language: &str) -> Result<(), PluginError> {
        if self.scores(language) {
            return Ok(());
        }
        Err(PluginError {
            campaign: Some(campaign.to_string()),
            ..PluginError::load(
                self.sandbox.plugin(),
                PluginErrorKind::LanguageNotScored {
                    language: language.to_string(),
                    scores: self.languages.clone(),
                },
            )
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

    /// The version of the WIT contract the component implements: `0.3.0`, `0.2.0` or `0.1.0`.
    pub fn wit_version(&self) -> &'static str {
        self.version().as_str()
    }

    fn version(&self) -> WitVersion {
        match self.pre {
            ScorerPre::V0_1(_) => WitVersion::V0_1,
            ScorerPre::V0_2(_) => WitVersion::V0_2,
            ScorerPre::V0_3(_) => WitVersion::V0_3,
        }
    }

    /// Checks `campaign`'s `settings` before anything is spent. A refusal is
    /// `PluginErrorKind::InvalidSettings` with every problem the plugin named. A 0.2 or 0.3
    /// component answers `check-settings`; a 0.1 component is asked to score no comments, and
    /// its `err` is the one problem.
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
            ScorerPre::V0_3(pre) => {
                self.sandbox
                    .call(campaign, |store| {
                        let scorer = pre.instantiate(&mut *store)?;
                        let returned = scorer
                            .hashtrack_plugins_scorer()
                            .call_check_settings(&mut *store, &wit_settings_v0_3(settings))?;
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

    /// Scores English `comments` for `campaign` with the campaign's `settings`: one score per
    /// comment, in order, each from -1.0 to 1.0.
    pub fn score(
        &self,
        campaign: &str,
        settings: &[(String, String)],
        comments: &[Comment],
    ) -> Result<Vec<f64>, PluginError> {
        self.score_measured(campaign, settings, BEFORE_LANGUAGES, comments)
            .0
    }

    /// Scores `comments` written in `language` (one of [`SentimentScorer::languages`], or
    /// `und` for the scorer of English), also reporting what the call used. Only a 0.3
    /// component is told the language.
    pub fn score_measured(
        &self,
        campaign: &str,
        settings: &[(String, String)],
        language: &str,
        comments: &[Comment],
    ) -> (Result<Vec<f64>, PluginError>, CallReport) {
        let verdict = |returned: Result<Vec<f64>, String>| match returned {
            Ok(scores) => validate(&scores, comments).map(|()| scores),
            Err(message) => Err(PluginErrorKind::PluginReturnedError(message)),
        };
        // The same steps in every version's bindings, over that version's types.
        macro_rules! call_score {
            ($pre:expr, $settings:expr, $comments:expr) => {
                self.sandbox.call(campaign, |store| {
                    let scorer = $pre.instantiate(&mut *store)?;
                    let returned = scorer.hashtrack_plugins_scorer().call_score(
                        &mut *store,
                        &$settings,
                        &$comments,
                    )?;
                    Ok(verdict(returned))
                })
            };
        }
        let comment_of = |comment: &Comment| (comment.id.clone(), comment.text.clone());
        match &self.pre {
            ScorerPre::V0_3(pre) => {
                let comments: Vec<v0_3::types::Comment> = comments
                    .iter()
                    .map(|comment| {
                        let (id, text) = comment_of(comment);
                        v0_3::types::Comment {
                            id,
                            text,
                            likes: comment.likes,
                            created_at: comment.created_at,
                            language: language.to_string(),
                        }
                    })
                    .collect();
                call_score!(pre, wit_settings_v0_3(settings), comments)
            }
            ScorerPre::V0_2(pre) => {
                let comments: Vec<v0_2::types::Comment> = comments
                    .iter()
                    .map(|comment| {
                        let (id, text) = comment_of(comment);
                        v0_2::types::Comment {
                            id,
                            text,
                            likes: comment.likes,
                            created_at: comment.created_at,
                        }
                    })
                    .collect();
                call_score!(pre, wit_settings(settings), comments)
            }
            ScorerPre::V0_1(pre) => {
                let comments: Vec<v0_1::types::Comment> = comments
                    .iter()
                    .map(|comment| {
                        let (id, text) = comment_of(comment);
                        v0_1::types::Comment {
                            id,
                            text,
                            likes: comment.likes,
                        }
                    })
                    .collect();
                call_score!(pre, wit_settings_v0_1(settings), comments)
            }
        }
    }
}

/// Asks a 0.3 component which languages it scores, once, when it is loaded; an empty list or
/// a code that is not ISO 639-1 refuses it.
fn named_languages(
    pre: &v0_3::sentiment::SentimentScorerPre<CallState>,
    sandbox: &Sandbox,
) -> Result<Vec<String>, PluginError> {
    let (named, _) = sandbox.call("", |store| {
        let scorer = pre.instantiate(&mut *store)?;
        let named = scorer
            .hashtrack_plugins_scorer()
            .call_languages(&mut *store)?;
        Ok(Ok(named))
    });
    let refuse = |kind| PluginError::load(sandbox.plugin(), kind);
    let named = named.map_err(|error| refuse(error.kind))?;
    let malformed =
        |code: &String| code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase());
    match named.iter().find(|code| malformed(code)) {
        _ if named.is_empty() => Err(refuse(PluginErrorKind::InvalidOutput(
            "`languages` named no language".to_string(),
        ))),
        Some(code) => Err(refuse(PluginErrorKind::InvalidOutput(format!(
            "`languages` named {code:?}, which is not an ISO 639-1 code (two lower-case letters)"
        )))),
        None => Ok(named),
    }
}

/// Settings as `make` builds one of its version's records.
fn settings_as<S>(settings: &[(String, String)], make: impl Fn(String, String) -> S) -> Vec<S> {
    settings
        .iter()
        .map(|(key, value)| make(key.clone(), value.clone()))
        .collect()
}

/// Settings in their WIT 0.3 form.
fn wit_settings_v0_3(settings: &[(String, String)]) -> Vec<v0_3::types::Setting> {
    settings_as(settings, |key, value| v0_3::types::Setting { key, value })
}

/// Settings in their WIT 0.2 form; shared with the alert rules (of 0.2 and 0.3).
pub(crate) fn wit_settings(settings: &[(String, String)]) -> Vec<v0_2::types::Setting> {
    settings_as(settings, |key, value| v0_2::types::Setting { key, value })
}

/// Settings in their WIT 0.1 form; shared with the alert rules.
pub(crate) fn wit_settings_v0_1(settings: &[(String, String)]) -> Vec<v0_1::types::Setting> {
    settings_as(settings, |key, value| v0_1::types::Setting { key, value })
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
