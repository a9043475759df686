//! The one error type of the plugin host. It names the plugin, the campaign (when the failure
//! happened during a call), what went wrong or which limit was hit, and the plugin's last log
//! lines, so that a failed campaign-day can be diagnosed from the report alone.

use std::fmt;
use std::time::Duration;

use hashtrack_domain::text_safety::{Lines, strip_controls};

/// A plugin failed to load, or failed one call.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginError {
    /// The plugin's display name: `builtin:sentiment`, `builtin:alerts` or its file path.
    pub plugin: String,
    /// The campaign whose call failed; `None` when loading failed.
    pub campaign: Option<String>,
    pub kind: PluginErrorKind,
    /// The plugin's last log lines (its `log` calls, then what it printed), oldest first.
    pub last_log_lines: Vec<String>,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum PluginErrorKind {
    /// The guest trapped (`unreachable`, a Rust panic, an out-of-bounds access, `exit`).
    Trap(String),
    /// The call used up its fuel (the deterministic CPU limit).
    OutOfFuel { fuel: u64 },
    /// The call ran past its wall-clock limit.
    Timeout { limit: Duration },
    /// The guest asked for more linear memory than the limit allows.
    OutOfMemory { limit_bytes: usize },
    /// The guest returned something the WIT contract forbids.
    InvalidOutput(String),
    /// The guest returned `err` with this message (for example unusable settings).
    PluginReturnedError(String),
    /// The campaign's settings are unusable: every problem the plugin named, one sentence each
    /// (`check-settings` in 0.2; a 0.1 plugin's `err` from a dry call).
    InvalidSettings(Vec<String>),
    /// The file could not be read, is not a component, or needs imports the host lacks.
    Load(String),
    /// The component implements the interface, but a version this host does not speak;
    /// `supported` names the versions it does.
    UnsupportedVersion {
        found: String,
        supported: &'static str,
    },
    /// The component does not export the interface the host expected at all.
    MissingExport {
        expected: &'static str,
        found: Vec<String>,
    },
    /// The component file is larger than the limit and was not compiled.
    TooLarge { size: u64, limit: u64 },
    /// A campaign named the scorer for a language it does not score (`scores`: the ones it
    /// does, as ISO 639-1 codes).
    LanguageNotScored {
        language: String,
        scores: Vec<String>,
    },
}

impl PluginError {
    /// A failure while loading: there is no campaign and no log yet.
    pub(crate) fn load(plugin: impl Into<String>, kind: PluginErrorKind) -> Self {
        Self {
            plugin: plugin.into(),
            campaign: None,
            kind,
            last_log_lines: Vec::new(),
        }
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.campaign {
            Some(campaign) => write!(
                f,
                "plugin `{}` failed for campaign `{campaign}`: {}",
                self.plugin, self.kind
            )?,
            None => write!(
                f,
                "plugin `{}` could not be loaded: {}",
                self.plugin, self.kind
            )?,
        }
        if !self.last_log_lines.is_empty() {
            write!(f, "\n  last log lines:")?;
            for line in &self.last_log_lines {
                write!(f, "\n    {}", strip_controls(line, Lines::One))?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for PluginError {}

/// Traps, errors, settings problems and log lines carry the guest's text: none of it reaches a
/// terminal or a report with control characters.
impl fmt::Display for PluginErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&strip_controls(&GuestWords(self).to_string(), Lines::Many))
    }
}

/// A [`PluginErrorKind`] in words, the guest's text as it gave it.
struct GuestWords<'a>(&'a PluginErrorKind);

impl fmt::Display for GuestWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            PluginErrorKind::Trap(reason) => write!(f, "it trapped: {reason}"),
            PluginErrorKind::OutOfFuel { fuel } => {
                write!(f, "it ran out of fuel (CPU limit of {fuel} units per call)")
            }
            PluginErrorKind::Timeout { limit } => {
                write!(
                    f,
                    "it ran past the time limit of {} ms per call",
                    limit.as_millis()
                )
            }
            PluginErrorKind::OutOfMemory { limit_bytes } => write!(
                f,
                "it ran out of memory (limit of {} MiB per call)",
                limit_bytes / (1024 * 1024)
            ),
            PluginErrorKind::InvalidOutput(reason) => {
                write!(f, "it returned invalid output: {reason}")
            }
            PluginErrorKind::PluginReturnedError(message) => {
                write!(f, "it returned an error: {message}")
            }
            PluginErrorKind::InvalidSettings(problems) => match problems.as_slice() {
                [] => write!(f, "it refused the settings without saying why"),
                [problem] => write!(f, "it refused the settings: {problem}"),
                problems => {
                    write!(f, "it refused the settings ({} problems):", problems.len())?;
                    for problem in problems {
                        write!(f, "\n  - {problem}")?;
                    }
                    Ok(())
                }
            },
            PluginErrorKind::Load(reason) => write!(f, "{reason}"),
            PluginErrorKind::UnsupportedVersion { found, supported } => write!(
                f,
                "it implements {found}, but this host supports {supported}; rebuild the plugin \
                 against the WIT package in `wit/v0.3/`"
            ),
            PluginErrorKind::MissingExport { expected, found } => {
                write!(f, "it does not export {expected}")?;
                if found.is_empty() {
                    write!(f, " (it exports nothing)")
                } else {
                    write!(f, " (it exports {})", found.join(", "))
                }
            }
            PluginErrorKind::TooLarge { size, limit } => write!(
                f,
                "the component is {size} bytes, over the limit of {limit} bytes"
            ),
            PluginErrorKind::LanguageNotScored { language, scores } => write!(
                f,
                "it is named to score '{language}' comments, but it scores only {}",
                scores.join(", ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_plugin_campaign_limit_and_log() {
        let error = PluginError {
            plugin: "plugins/brandx.wasm".to_string(),
            campaign: Some("brandx-spring".to_string()),
            kind: PluginErrorKind::OutOfFuel { fuel: 1_000 },
            last_log_lines: vec!["info: scoring 3 comments".to_string()],
        };
        assert_eq!(
            error.to_string(),
            "plugin `plugins/brandx.wasm` failed for campaign `brandx-spring`: it ran out of fuel \
             (CPU limit of 1000 units per call)\n  last log lines:\n    info: scoring 3 comments"
        );
    }

    #[test]
    fn the_guests_words_reach_no_terminal_with_control_characters() {
        let error = PluginError {
            plugin: "p.wasm".to_string(),
            campaign: Some("c".to_string()),
            kind: PluginErrorKind::InvalidSettings(vec![
                "bad\u{1b}[2J key".to_string(),
                "rlo\u{202E}x".to_string(),
            ]),
            last_log_lines: vec!["log\u{0}\u{9b}line".to_string()],
        };
        assert_eq!(
            error.to_string(),
            "plugin `p.wasm` failed for campaign `c`: it refused the settings (2 problems):\n  - \
             bad[2J key\n  - rlox\n  last log lines:\n    logline"
        );
    }

    #[test]
    fn display_of_a_load_failure_has_no_campaign() {
        let error = PluginError::load(
            "builtin:alerts",
            PluginErrorKind::UnsupportedVersion {
                found: "hashtrack:plugins/rules@0.3.0".to_string(),
                supported: "hashtrack:plugins/rules@0.2.0 or hashtrack:plugins/rules@0.1.0",
            },
        );
        let text = error.to_string();
        assert!(
            text.starts_with("plugin `builtin:alerts` could not be loaded: "),
            "{text}"
        );
        assert!(
            text.contains("@0.3.0") && text.contains("@0.2.0") && text.contains("@0.1.0"),
            "{text}"
        );
    }

    #[test]
    fn invalid_settings_name_plugin_campaign_and_every_problem() {
        let error = |problems: &[&str]| PluginError {
            plugin: "builtin:alerts".to_string(),
            campaign: Some("brandx-spring".to_string()),
            kind: PluginErrorKind::InvalidSettings(
                problems.iter().map(|p| p.to_string()).collect(),
            ),
            last_log_lines: Vec::new(),
        };
        assert_eq!(
            error(&["setting `x` is unknown"]).to_string(),
            "plugin `builtin:alerts` failed for campaign `brandx-spring`: it refused the \
             settings: setting `x` is unknown"
        );
        assert_eq!(
            error(&["setting `x` is unknown", "setting `y` must be a number"]).to_string(),
            "plugin `builtin:alerts` failed for campaign `brandx-spring`: it refused the \
             settings (2 problems):\n  - setting `x` is unknown\n  - setting `y` must be a number"
        );
    }
}
