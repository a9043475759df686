//! Parses the campaign's `settings` into thresholds. Every setting is optional; an unknown key
//! or a value that is not a number of the right kind is an error naming the key, because a
//! misspelt threshold silently falling back to its default would hide the mistake. A value is
//! never quoted: it may be the text of a `KEY-file` that is not what it should be.
//! `check-settings` and `evaluate` share this one parser: the first gets every problem, the
//! second refuses with the first.

use crate::hashtrack::plugins::types::Setting;

/// The thresholds the rules compare against.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// `viral-day`: raised when new views exceed this.
    pub viral_day_views: u64,
    /// `high-participation`: raised when new videos exceed this.
    pub high_participation_videos: u64,
    /// `low-activity`: raised when new views (zero or more) are below this.
    pub min_daily_views: u64,
    /// `negative-sentiment`: raised when the share of positive comments is below this.
    pub min_positive_ratio: f64,
    /// `sentiment-drop`: raised when the mean comment score is this far below its recent mean.
    pub sentiment_drop: f64,
    /// `negative-sentiment`, `sentiment-drop`: the fewest new comments a day needs for its
    /// sentiment to count as evidence (today's, and each baseline day's).
    pub min_new_comments: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            viral_day_views: 500_000,
            high_participation_videos: 50,
            min_daily_views: 1_000,
            min_positive_ratio: 0.3,
            sentiment_drop: 0.25,
            min_new_comments: 30,
        }
    }
}

const KNOWN_KEYS: &[&str] = &[
    "viral-day-views",
    "high-participation-videos",
    "min-daily-views",
    "min-positive-ratio",
    "sentiment-drop",
    "min-new-comments",
];

impl Thresholds {
    /// Starts from the defaults and applies each setting in turn; refuses the settings with
    /// their first problem.
    pub fn parse(settings: &[Setting]) -> Result<Self, String> {
        Self::parse_all(settings).map_err(|mut problems| problems.remove(0))
    }

    /// [`Thresholds::parse`], with every problem (never an empty list).
    pub fn parse_all(settings: &[Setting]) -> Result<Self, Vec<String>> {
        let mut thresholds = Self::default();
        let mut problems = Vec::new();
        for (i, setting) in settings.iter().enumerate() {
            if let Err(problem) = thresholds.apply(settings, i, setting) {
                problems.push(problem);
            }
        }
        if problems.is_empty() {
            Ok(thresholds)
        } else {
            Err(problems)
        }
    }

    /// Applies `setting`, the `i`th of `settings`.
    fn apply(&mut self, settings: &[Setting], i: usize, setting: &Setting) -> Result<(), String> {
        let key = setting.key.as_str();
        if settings[..i].iter().any(|earlier| earlier.key == key) {
            return Err(format!("setting `{key}` is given more than once"));
        }
        let value = setting.value.trim();
        match key {
            "viral-day-views" => self.viral_day_views = whole_number(key, value)?,
            "high-participation-videos" => {
                self.high_participation_videos = whole_number(key, value)?
            }
            "min-daily-views" => self.min_daily_views = whole_number(key, value)?,
            "min-positive-ratio" => self.min_positive_ratio = number_in(key, value, 0.0, 1.0)?,
            "sentiment-drop" => self.sentiment_drop = number_in(key, value, 0.0, 2.0)?,
            "min-new-comments" => {
                self.min_new_comments = u32::try_from(whole_number(key, value)?)
                    .map_err(|_| format!("setting `{key}` is too large"))?
            }
            _ => {
                return Err(format!(
                    "unknown setting `{key}`: the default alert rules understand {}",
                    KNOWN_KEYS.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// A whole number of zero or more, in TOML spelling (digit separators `_` allowed).
fn whole_number(key: &str, value: &str) -> Result<u64, String> {
    let digits = toml_digits(value);
    digits
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

    fn setting(key: &str, value: &str) -> Setting {
        Setting {
            key: key.to_string(),
            value: value.to_string(),
        }
    }

    #[test]
    fn no_settings_gives_the_defaults() {
        assert_eq!(Thresholds::parse(&[]), Ok(Thresholds::default()));
    }

    #[test]
    fn every_setting_is_applied() {
        let parsed = Thresholds::parse(&[
            setting("viral-day-views", "1_000_000"),
            setting("high-participation-videos", "10"),
            setting("min-daily-views", " 250 "),
            setting("min-positive-ratio", "0.5"),
            setting("sentiment-drop", "0.1"),
            setting("min-new-comments", "50"),
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
        let err = Thresholds::parse(&[setting("viral-views", "5")]).unwrap_err();
        assert!(err.contains("`viral-views`"), "{err}");
    }

    #[test]
    fn a_non_numeric_value_is_named_with_its_key() {
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
            let err = Thresholds::parse(&[setting(key, value)]).unwrap_err();
            assert!(err.contains(&format!("`{key}`")), "{key}={value}: {err}");
            assert!(
                value.is_empty() || !err.contains(value),
                "{key}={value}: {err}"
            );
        }
    }

    #[test]
    fn a_repeated_key_is_refused() {
        let err = Thresholds::parse(&[
            setting("min-daily-views", "1"),
            setting("min-daily-views", "2"),
        ])
        .unwrap_err();
        assert!(err.contains("more than once"), "{err}");
    }

    #[test]
    fn parse_all_reports_every_problem_and_parse_the_first() {
        let settings = [
            setting("viral-views", "5"),
            setting("min-daily-views", "1"),
            setting("min-positive-ratio", "2"),
            setting("min-daily-views", "2"),
        ];
        let problems = Thresholds::parse_all(&settings).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`viral-views`"));
        assert!(problems[1].contains("`min-positive-ratio`"));
        assert!(problems[2].contains("more than once"));
        assert_eq!(Thresholds::parse(&settings).unwrap_err(), problems[0]);
    }
}
