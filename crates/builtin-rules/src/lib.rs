//! The built-in alert rules as data: their ids, what each means, the settings they read, the
//! settings' defaults, and the one parser of a setting's text.
//!
//! The rules themselves run in `plugins/alerts-default` (a wasm component); the host needs the
//! same names to check `disable = [...]`, to print `hashtrack plugin info builtin`, and to judge
//! the rules' alerts against a simulation's truth. Keeping them here, in a crate with no
//! dependencies that both sides compile, means a rule or setting is added in one place and every
//! `match` over [`Rule`] or [`Setting`] that forgets it fails to compile.

use std::fmt;

/// One built-in rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    ViralDay,
    HighParticipation,
    LowActivity,
    NegativeSentiment,
    SentimentDrop,
}

impl Rule {
    /// Every rule, in the order they are evaluated and documented.
    pub const ALL: [Rule; 5] = [
        Rule::ViralDay,
        Rule::HighParticipation,
        Rule::LowActivity,
        Rule::NegativeSentiment,
        Rule::SentimentDrop,
    ];

    /// The stable id alerts carry and `disable` names.
    pub const fn id(self) -> &'static str {
        match self {
            Rule::ViralDay => "viral-day",
            Rule::HighParticipation => "high-participation",
            Rule::LowActivity => "low-activity",
            Rule::NegativeSentiment => "negative-sentiment",
            Rule::SentimentDrop => "sentiment-drop",
        }
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.id() == id)
    }

    /// How severe the rule's alerts are.
    pub fn severity(self) -> Severity {
        match self {
            Rule::ViralDay | Rule::HighParticipation => Severity::Info,
            Rule::LowActivity | Rule::NegativeSentiment | Rule::SentimentDrop => Severity::Warning,
        }
    }

    /// When the rule raises an alert, in a sentence.
    pub fn meaning(self) -> &'static str {
        match self {
            Rule::ViralDay => {
                "new views per day exceed `viral-day-views`, and so does the least the evidence allows (the tracked videos' exact plays, or the rounded totals' change less one rounding step)"
            }
            Rule::HighParticipation => {
                "the API's video count grows by more than `high-participation-videos` a day (skipped when the API does not count the hashtag's videos)"
            }
            Rule::LowActivity => {
                "new views per day are below `min-daily-views`, and so is the most the evidence allows: a stall"
            }
            Rule::NegativeSentiment => {
                "there are at least `min-new-comments` new comments (today's, or pooled with yesterday's), and even the upper end of the 90% interval of their positive share is below `min-positive-ratio`"
            }
            Rule::SentimentDrop => {
                "there are at least `min-new-comments` new comments, and their mean score is `sentiment-drop` below the mean of the 7 stored days before (same scorer, at least 3 x `min-new-comments` comments), or below every comment read before on a quieter campaign"
            }
        }
    }

    /// The settings the rule reads.
    pub fn settings(self) -> &'static [Setting] {
        match self {
            Rule::ViralDay => &[Setting::ViralDayViews],
            Rule::HighParticipation => &[Setting::HighParticipationVideos],
            Rule::LowActivity => &[Setting::MinDailyViews],
            Rule::NegativeSentiment => &[Setting::MinPositiveRatio, Setting::MinNewComments],
            Rule::SentimentDrop => &[Setting::SentimentDrop, Setting::MinNewComments],
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The severities the built-in rules raise (the contract also has `critical`, which none uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
        }
    }
}

/// One setting of the built-in rules, as `[campaigns.alerts.settings]` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    ViralDayViews,
    HighParticipationVideos,
    MinDailyViews,
    MinPositiveRatio,
    SentimentDrop,
    MinNewComments,
}

impl Setting {
    pub const ALL: [Setting; 6] = [
        Setting::ViralDayViews,
        Setting::HighParticipationVideos,
        Setting::MinDailyViews,
        Setting::MinPositiveRatio,
        Setting::SentimentDrop,
        Setting::MinNewComments,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Setting::ViralDayViews => "viral-day-views",
            Setting::HighParticipationVideos => "high-participation-videos",
            Setting::MinDailyViews => "min-daily-views",
            Setting::MinPositiveRatio => "min-positive-ratio",
            Setting::SentimentDrop => "sentiment-drop",
            Setting::MinNewComments => "min-new-comments",
        }
    }

    pub fn from_key(key: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.key() == key)
    }

    /// What the setting is, with its unit.
    pub fn meaning(self) -> &'static str {
        match self {
            Setting::ViralDayViews => "new views per day above which a day is viral",
            Setting::HighParticipationVideos => {
                "new videos per day above which participation is high"
            }
            Setting::MinDailyViews => "new views per day below which the campaign has stalled",
            Setting::MinPositiveRatio => {
                "the share of positive new comments (0..1) below which sentiment is negative"
            }
            Setting::SentimentDrop => {
                "the fall of the mean comment score (on -1..1, so 0..2) that is a drop"
            }
            Setting::MinNewComments => {
                "the fewest new comments a day whose sentiment counts as evidence"
            }
        }
    }

    /// The default, as a setting's text.
    pub fn default_text(self) -> String {
        Thresholds::DEFAULT.text_of(self)
    }
}

/// The thresholds the rules compare against: the campaign's settings over the defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub viral_day_views: u64,
    pub high_participation_videos: u64,
    pub min_daily_views: u64,
    pub min_positive_ratio: f64,
    pub sentiment_drop: f64,
    pub min_new_comments: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Thresholds {
    pub const DEFAULT: Thresholds = Thresholds {
        viral_day_views: 500_000,
        high_participation_videos: 50,
        min_daily_views: 1_000,
        min_positive_ratio: 0.3,
        sentiment_drop: 0.25,
        min_new_comments: 30,
    };

    /// Starts from the defaults and applies each `(key, value)` in turn; refuses the settings
    /// with their first problem.
    pub fn parse<'a>(
        settings: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, String> {
        Self::parse_all(settings).map_err(|mut problems| problems.remove(0))
    }

    /// [`Thresholds::parse`], with every problem (never an empty list). A problem names the
    /// key but never quotes the value: it may be the text of a file that is not what it should
    /// be. An unknown key is a problem, because a misspelt threshold silently falling back to
    /// its default would hide the mistake.
    pub fn parse_all<'a>(
        settings: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, Vec<String>> {
        let mut thresholds = Self::DEFAULT;
        let mut problems = Vec::new();
        let mut seen = Vec::new();
        for (key, value) in settings {
            if seen.contains(&key) {
                problems.push(format!("setting `{key}` is given more than once"));
                continue;
            }
            seen.push(key);
            let applied = match Setting::from_key(key) {
                Some(setting) => thresholds.set(setting, value.trim()),
                None => Err(format!(
                    "unknown setting `{key}`: the built-in alert rules understand {}",
                    Setting::ALL.map(Setting::key).join(", ")
                )),
            };
            if let Err(problem) = applied {
                problems.push(problem);
            }
        }
        if problems.is_empty() {
            Ok(thresholds)
        } else {
            Err(problems)
        }
    }

    fn set(&mut self, setting: Setting, value: &str) -> Result<(), String> {
        let key = setting.key();
        match setting {
            Setting::ViralDayViews => self.viral_day_views = whole_number(key, value)?,
            Setting::HighParticipationVideos => {
                self.high_participation_videos = whole_number(key, value)?
            }
            Setting::MinDailyViews => self.min_daily_views = whole_number(key, value)?,
            Setting::MinPositiveRatio => self.min_positive_ratio = number_in(key, value, 0.0, 1.0)?,
            Setting::SentimentDrop => self.sentiment_drop = number_in(key, value, 0.0, 2.0)?,
            Setting::MinNewComments => {
                self.min_new_comments = u32::try_from(whole_number(key, value)?)
                    .map_err(|_| format!("setting `{key}` is too large"))?
            }
        }
        Ok(())
    }

    /// A threshold as a setting's text (what [`Thresholds::parse`] reads back).
    pub fn text_of(&self, setting: Setting) -> String {
        match setting {
            Setting::ViralDayViews => self.viral_day_views.to_string(),
            Setting::HighParticipationVideos => self.high_participation_videos.to_string(),
            Setting::MinDailyViews => self.min_daily_views.to_string(),
            Setting::MinPositiveRatio => self.min_positive_ratio.to_string(),
            Setting::SentimentDrop => self.sentiment_drop.to_string(),
            Setting::MinNewComments => self.min_new_comments.to_string(),
        }
    }
}

/// A whole number of zero or more, in TOML spelling (digit separators `_` allowed).
fn whole_number(key: &str, value: &str) -> Result<u64, String> {
    toml_digits(value)
        .parse()
        .map_err(|_| format!("setting `{key}` must be a whole number of zero or more"))
}

/// A finite number from `min` to `max`, in TOML spelling.
fn number_in(key: &str, value: &str, min: f64, max: f64) -> Result<f64, String> {
    match toml_digits(value).parse::<f64>() {
        Ok(number) if number.is_finite() && (min..=max).contains(&number) => Ok(number),
        _ => Err(format!(
            "setting `{key}` must be a number from {min} to {max}"
        )),
    }
}

/// TOML allows `_` between digits (`500_000`); Rust's parsers do not.
fn toml_digits(value: &str) -> String {
    value.replace('_', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_keys_read_back() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
            assert!(!rule.settings().is_empty());
        }
        for setting in Setting::ALL {
            assert_eq!(Setting::from_key(setting.key()), Some(setting));
            // Every setting is read by some rule, and its default parses back to itself.
            assert!(Rule::ALL.iter().any(|r| r.settings().contains(&setting)));
            let key = setting.key();
            let default = setting.default_text();
            assert_eq!(
                Thresholds::parse([(key, default.as_str())]),
                Ok(Thresholds::DEFAULT)
            );
        }
        assert_eq!(Rule::from_id("viral"), None);
    }

    #[test]
    fn no_settings_gives_the_defaults() {
        assert_eq!(Thresholds::parse([]), Ok(Thresholds::default()));
    }

    #[test]
    fn every_setting_is_applied() {
        let parsed = Thresholds::parse([
            ("viral-day-views", "1_000_000"),
            ("high-participation-videos", "10"),
            ("min-daily-views", " 250 "),
            ("min-positive-ratio", "0.5"),
            ("sentiment-drop", "0.1"),
            ("min-new-comments", "50"),
        ])
        .unwrap();
        assert_eq!(
            parsed,
            Thresholds {
                viral_day_views: 1_000_000,
                high_participation_videos: 10,
                min_daily_views: 250,
                min_positive_ratio: 0.5,
                sentiment_drop: 0.1,
                min_new_comments: 50,
            }
        );
    }

    #[test]
    fn an_unknown_key_is_named() {
        let err = Thresholds::parse([("viral-views", "5")]).unwrap_err();
        assert!(err.contains("`viral-views`"), "{err}");
        assert!(err.contains("viral-day-views"), "{err}");
    }

    #[test]
    fn a_bad_value_is_named_by_its_key_and_never_quoted() {
        for (key, value) in [
            ("viral-day-views", "lots"),
            ("min-daily-views", "-5"),
            ("high-participation-videos", "2.5"),
            ("min-positive-ratio", "1.5"),
            ("min-positive-ratio", "NaN"),
            ("sentiment-drop", ""),
            ("min-new-comments", "5000000000"),
            ("min-new-comments", "ten"),
        ] {
            let err = Thresholds::parse([(key, value)]).unwrap_err();
            assert!(err.contains(&format!("`{key}`")), "{key}={value}: {err}");
            assert!(
                value.is_empty() || !err.contains(value),
                "{key}={value}: {err}"
            );
        }
    }

    #[test]
    fn parse_all_reports_every_problem_and_parse_the_first() {
        let settings = [
            ("viral-views", "5"),
            ("min-daily-views", "1"),
            ("min-positive-ratio", "2"),
            ("min-daily-views", "2"),
        ];
        let problems = Thresholds::parse_all(settings).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`viral-views`"));
        assert!(problems[1].contains("`min-positive-ratio`"));
        assert!(problems[2].contains("more than once"));
        assert_eq!(Thresholds::parse(settings).unwrap_err(), problems[0]);
    }
}
