//! How a sentiment score reads as a polarity: the one rule shared by the host (a day's
//! positive and negative comment counts) and by the tools that measure scorers against human
//! labels (`sentiment-eval`, `hashtrack plugin eval`, the `sentiment-core` eval example).
//!
//! It is its own crate, with no dependencies, so that each of those can depend on it without
//! depending on one another. The scale is the plugin contract's (`wit/v0.2/hashtrack.wit`):
//! a score runs from -1 (most negative) to +1 (most positive).

/// A comment's tone, in three classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Polarity {
    Negative,
    Neutral,
    Positive,
}

impl Polarity {
    /// Every class, in the order reports and confusion matrices list them.
    pub const ALL: [Polarity; 3] = [Polarity::Negative, Polarity::Neutral, Polarity::Positive];

    /// The class of a score: positive at `>= SCORE_THRESHOLD`, negative at
    /// `<= -SCORE_THRESHOLD`, neutral between. VADER's convention, which the reference
    /// figures in `shared/data/sentiment` were computed with.
    pub fn of_score(score: f64) -> Polarity {
        if score >= SCORE_THRESHOLD {
            Polarity::Positive
        } else if score <= -SCORE_THRESHOLD {
            Polarity::Negative
        } else {
            Polarity::Neutral
        }
    }

    /// The class's name as reports print it.
    pub fn name(self) -> &'static str {
        match self {
            Polarity::Negative => "negative",
            Polarity::Neutral => "neutral",
            Polarity::Positive => "positive",
        }
    }
}

/// A score at or beyond this distance from zero counts as positive or negative.
pub const SCORE_THRESHOLD: f64 = 0.05;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_itself_counts_as_polar_and_just_inside_it_as_neutral() {
        assert_eq!(Polarity::of_score(0.05), Polarity::Positive);
        assert_eq!(Polarity::of_score(0.0499), Polarity::Neutral);
        assert_eq!(Polarity::of_score(0.0), Polarity::Neutral);
        assert_eq!(Polarity::of_score(-0.0499), Polarity::Neutral);
        assert_eq!(Polarity::of_score(-0.05), Polarity::Negative);
        assert_eq!(Polarity::of_score(1.0), Polarity::Positive);
        assert_eq!(Polarity::of_score(-1.0), Polarity::Negative);
    }

    #[test]
    fn names_are_the_reports_words() {
        let names: Vec<_> = Polarity::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(names, ["negative", "neutral", "positive"]);
    }
}
