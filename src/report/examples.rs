//! What people said: the period's most-liked new comments of each tone, with their likes and a
//! link to the video, so a reader sees the voices behind the percentages. Pure: from the
//! comments the campaign read for the first time in the period, with their scores.

use sentiment_polarity::Polarity;
use serde::Serialize;

use super::cells::one_line;
use crate::store::ReadComment;

/// How many comments of each tone a report quotes.
pub const QUOTED_PER_TONE: usize = 3;
/// Longest quote, in characters: a comment, not an essay.
const MAX_QUOTE_CHARS: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExampleComments {
    pub positive: Vec<Quote>,
    pub negative: Vec<Quote>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// One line, control characters removed, cut to a readable length.
    pub text: String,
    pub likes: u64,
    pub video_id: String,
    /// The video's page; none when the video's creator is not known to the report.
    pub video_url: Option<String>,
}

impl ExampleComments {
    /// The most-liked scored comments of each tone among `read`; `url_of` gives a video's
    /// page by its id.
    pub fn of<'a>(
        read: impl IntoIterator<Item = &'a ReadComment>,
        url_of: impl Fn(&str) -> Option<String>,
    ) -> ExampleComments {
        let [positive, negative] = most_liked_of_each_tone(read);
        let quote = |comments: Vec<&ReadComment>| -> Vec<Quote> {
            comments
                .into_iter()
                .map(|c| Quote {
                    text: one_line(&c.text, MAX_QUOTE_CHARS),
                    likes: c.likes,
                    video_id: c.video_id.clone(),
                    video_url: url_of(&c.video_id),
                })
                .collect()
        };
        ExampleComments {
            positive: quote(positive),
            negative: quote(negative),
        }
    }

    /// The comments of `read` that can be among the quotes of a period holding them: the
    /// period's quotes are the most-liked of its days' candidates, so a report keeps only
    /// these of each day it reads.
    pub fn candidates(read: &[ReadComment]) -> impl Iterator<Item = &ReadComment> {
        most_liked_of_each_tone(read).into_iter().flatten()
    }
}

/// The positive and the negative comments of `read` with text, most-liked first (ties by
/// id, so the choice does not depend on the order read), at most [`QUOTED_PER_TONE`] each.
fn most_liked_of_each_tone<'a>(
    read: impl IntoIterator<Item = &'a ReadComment>,
) -> [Vec<&'a ReadComment>; 2] {
    let (mut positive, mut negative) = (Vec::new(), Vec::new());
    for comment in read {
        let Some(score) = comment.score else { continue };
        if comment.text.trim().is_empty() {
            continue;
        }
        match Polarity::of_score(f64::from(score)) {
            Polarity::Positive => positive.push(comment),
            Polarity::Negative => negative.push(comment),
            Polarity::Neutral => {}
        }
    }
    [positive, negative].map(|mut tone| {
        tone.sort_by(|a, b| b.likes.cmp(&a.likes).then_with(|| a.id.cmp(&b.id)));
        tone.truncate(QUOTED_PER_TONE);
        tone
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(id: &str, score: Option<f32>, likes: u64, text: &str) -> ReadComment {
        ReadComment {
            language: None,
            id: id.into(),
            video_id: "v1".into(),
            text: text.into(),
            created_at: 0,
            likes,
            score,
        }
    }

    #[test]
    fn the_most_liked_of_each_tone_are_quoted_on_one_line() {
        let read = [
            comment("a", Some(0.8), 5, "love it"),
            comment("b", Some(0.6), 90, "best serum\never"),
            comment("c", Some(-0.7), 40, "broke me out"),
            comment("d", Some(0.0), 500, "first"),
            comment("e", None, 900, "not scored"),
            comment("f", Some(0.9), 10, "so good"),
            comment("g", Some(0.7), 1, "nice"),
        ];
        let examples = ExampleComments::of(&read, |id| Some(format!("https://x/{id}")));
        let texts = |q: &[Quote]| q.iter().map(|q| q.text.clone()).collect::<Vec<_>>();
        assert_eq!(
            texts(&examples.positive),
            ["best serum ever", "so good", "love it"]
        );
        assert_eq!(texts(&examples.negative), ["broke me out"]);
        assert_eq!(examples.negative[0].likes, 40);
        assert_eq!(
            examples.negative[0].video_url.as_deref(),
            Some("https://x/v1")
        );
    }

    #[test]
    fn a_periods_quotes_are_its_days_candidates_best() {
        let days: Vec<Vec<ReadComment>> = (0..4)
            .map(|day| {
                (0..12)
                    .map(|i| {
                        let tone = if i % 3 == 0 { -0.6 } else { 0.6 };
                        let likes = (i * 7 + day * 5) % 11;
                        comment(&format!("d{day}c{i}"), Some(tone), likes, "words")
                    })
                    .collect()
            })
            .collect();
        let url = |id: &str| Some(format!("https://x/{id}"));
        let whole = ExampleComments::of(days.iter().flatten(), url);
        let candidates: Vec<ReadComment> = days
            .iter()
            .flat_map(|day| ExampleComments::candidates(day).cloned())
            .collect();
        assert!(candidates.len() <= 4 * 2 * QUOTED_PER_TONE);
        assert_eq!(ExampleComments::of(&candidates, url), whole);
        assert_eq!(whole.positive.len(), QUOTED_PER_TONE);
    }
}
