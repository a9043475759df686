//! What an alert points at, chosen when its record is written (`outbox::reconcile`): the
//! videos that drove a growth alert, and the day's new negative comments a sentiment alert
//! quotes. Pure, from the stored day and the comments it read for the first time.
//!
//! Everything here comes from the API and is hostile: handles and comment texts are kept on
//! one line without control characters and cut to a bounded length, and links are built only
//! by `domain::links`. Escaping for a format (HTML, Slack) is `message`'s job.

use builtin_rules::Rule;
use sentiment_polarity::Polarity;
use serde::{Deserialize, Serialize};

use crate::domain::links::video_url;
use crate::domain::{DayMetrics, TrackedVideo};
use crate::store::ReadComment;
use crate::text_safety::message as one_line;

/// How many videos a growth alert names.
pub const DRIVERS: usize = 3;
/// How many comments a sentiment alert quotes.
pub const QUOTES: usize = 3;
/// A quote's length at most, in characters: a line a person reads, not a wall of text.
pub const QUOTE_CHARS: usize = 200;
/// A handle's length at most, in characters, as stored and shown (TikTok's have at most 24;
/// hostile ones run to 100,000).
const HANDLE_CHARS: usize = 40;

/// A video that drove a growth alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Driver {
    pub video_id: String,
    /// The creator's handle, on one line and cut to a bounded length.
    pub creator: String,
    /// The video's page; none when the handle or id cannot make one.
    pub url: Option<String>,
    /// Exact plays gained a day since the video's previous sample (the mean over the days
    /// between); none for a video not in it.
    pub plays_gained_per_day: Option<u64>,
    /// Its plays that day.
    pub plays: u64,
}

/// A new negative comment a sentiment alert quotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// One line, control characters removed, cut after [`QUOTE_CHARS`] characters (`...`).
    pub text: String,
    pub likes: u64,
    pub video_id: String,
    /// The page of the video it was written under, when the day tracked that video.
    pub url: Option<String>,
}

/// The videos that drove `rule`'s alert: for `viral-day` the tracked videos that gained the
/// most plays a day, for `high-participation` the day's new videos (first seen that day) with
/// the most plays. None for other rules.
pub fn drivers(rule: &str, day: &DayMetrics) -> Vec<Driver> {
    let mut chosen: Vec<(u64, &TrackedVideo)> = match Rule::from_id(rule) {
        Some(Rule::ViralDay) => day
            .videos
            .iter()
            .filter_map(|v| gained_per_day(v).map(|gained| (gained, v)))
            .filter(|(gained, _)| *gained > 0)
            .collect(),
        Some(Rule::HighParticipation) => day
            .videos
            .iter()
            .filter(|v| v.first_seen == day.date)
            .map(|v| (v.stats.plays, v))
            .collect(),
        _ => return Vec::new(),
    };
    chosen.sort_by(|(a, va), (b, vb)| b.cmp(a).then_with(|| va.id.cmp(&vb.id)));
    chosen
        .into_iter()
        .take(DRIVERS)
        .map(|(_, v)| Driver {
            video_id: v.id.clone(),
            creator: one_line(&v.creator, HANDLE_CHARS),
            url: video_url(&v.creator, &v.id),
            plays_gained_per_day: gained_per_day(v),
            plays: v.stats.plays,
        })
        .collect()
}

/// The day's new negative comments that `rule`'s alert quotes, most liked first (newest first
/// among equals), one of each text: for `negative-sentiment` and `sentiment-drop` only.
/// Negative is the shared polarity rule's; an unscored comment is never quoted.
pub fn quotes(rule: &str, day: &DayMetrics, comments: &[ReadComment]) -> Vec<Quote> {
    if !matches!(
        Rule::from_id(rule),
        Some(Rule::NegativeSentiment | Rule::SentimentDrop)
    ) {
        return Vec::new();
    }
    let mut negative: Vec<&ReadComment> = comments
        .iter()
        .filter(|c| {
            c.score
                .is_some_and(|s| Polarity::of_score(f64::from(s)) == Polarity::Negative)
        })
        .collect();
    negative.sort_by(|a, b| (b.likes, b.created_at, &a.id).cmp(&(a.likes, a.created_at, &b.id)));
    let mut quotes: Vec<Quote> = Vec::new();
    for comment in negative {
        let text = one_line(&comment.text, QUOTE_CHARS);
        if text.is_empty() || quotes.iter().any(|q| q.text == text) {
            continue;
        }
        let creator = day.videos.iter().find(|v| v.id == comment.video_id);
        quotes.push(Quote {
            text,
            likes: comment.likes,
            video_id: comment.video_id.clone(),
            url: creator.and_then(|v| video_url(&v.creator, &v.id)),
        });
        if quotes.len() == QUOTES {
            break;
        }
    }
    quotes
}

/// Exact plays gained a day since the video's previous sample.
fn gained_per_day(video: &TrackedVideo) -> Option<u64> {
    let days = u64::from(video.change_span_days.unwrap_or(1).max(1));
    video.plays_change.map(|change| change / days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use chrono::NaiveDate;

    fn video(id: &str, creator: &str, plays: u64, change: Option<(u64, u32)>) -> TrackedVideo {
        TrackedVideo {
            id: id.into(),
            creator: creator.into(),
            caption: String::new(),
            created_at: 0,
            stats: crate::domain::VideoStats {
                plays,
                ..Default::default()
            },
            first_seen: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            plays_change: change.map(|(c, _)| c),
            change_span_days: change.map(|(_, d)| d),
        }
    }

    fn day_with(videos: Vec<TrackedVideo>) -> DayMetrics {
        let mut day = fixtures::day("2026-03-02", 1_000_000, 100);
        day.videos = videos;
        day
    }

    #[test]
    fn a_viral_day_names_the_videos_that_gained_most_a_day() {
        let day = day_with(vec![
            video("1", "ann", 900_000, Some((300_000, 1))),
            // More in all, but over three days: 150,000 a day.
            video("2", "bob", 800_000, Some((450_000, 3))),
            video("3", "cy", 5_000_000, None),
            video("4", "dee", 200_000, Some((160_000, 1))),
            video("5", "eve", 100_000, Some((10_000, 1))),
            video("6", "fay", 100_000, Some((0, 1))),
        ]);
        let drivers = drivers("viral-day", &day);
        let ids: Vec<&str> = drivers.iter().map(|d| d.video_id.as_str()).collect();
        assert_eq!(ids, ["1", "4", "2"]);
        assert_eq!(drivers[0].plays_gained_per_day, Some(300_000));
        assert_eq!(drivers[2].plays_gained_per_day, Some(150_000));
        assert_eq!(
            drivers[0].url.as_deref(),
            Some("https://www.tiktok.com/@ann/video/1")
        );
        assert!(super::drivers("low-activity", &day).is_empty());
    }

    #[test]
    fn high_participation_names_the_days_new_videos_by_plays() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let mut videos = vec![
            video("old", "ann", 9_000_000, Some((1_000, 1))),
            video("n1", "bob", 40_000, None),
            video("n2", "cy", 70_000, None),
        ];
        for v in &mut videos[1..] {
            v.first_seen = date;
        }
        let drivers = drivers("high-participation", &day_with(videos));
        let ids: Vec<&str> = drivers.iter().map(|d| d.video_id.as_str()).collect();
        assert_eq!(ids, ["n2", "n1"]);
        assert_eq!(drivers[0].plays, 70_000);
        assert_eq!(drivers[0].plays_gained_per_day, None);
    }

    #[test]
    fn a_hostile_handle_is_cut_and_gets_no_link() {
        let long = "h".repeat(100_000);
        let day = day_with(vec![
            video("1", &long, 1, Some((500, 1))),
            video("2", "<!channel>\u{1b}[2J", 1, Some((400, 1))),
        ]);
        let drivers = drivers("viral-day", &day);
        assert_eq!(
            drivers[0].creator.chars().count(),
            HANDLE_CHARS + "...".len()
        );
        assert_eq!(drivers[0].url, None);
        assert_eq!(drivers[1].creator, "<!channel>[2J");
        assert_eq!(
            drivers[1].url.as_deref(),
            Some("https://www.tiktok.com/@%3C%21channel%3E%1B%5B2J/video/2")
        );
    }

    fn comment(id: &str, text: &str, likes: u64, score: Option<f32>) -> ReadComment {
        ReadComment {
            language: None,
            id: id.into(),
            video_id: "1".into(),
            text: text.into(),
            created_at: 100,
            likes,
            score,
        }
    }

    #[test]
    fn a_sentiment_alert_quotes_the_most_liked_new_negative_comments() {
        let day = day_with(vec![video("1", "ann", 1, None)]);
        let comments = [
            comment("a", "love it", 900, Some(0.8)),
            comment("b", "broke me out", 40, Some(-0.7)),
            comment("c", "meh", 500, Some(0.0)),
            comment("d", "never\nagain\u{202E}", 120, Some(-0.05)),
            comment("e", "unscored", 1_000, None),
            comment("f", "refund please", 3, Some(-0.9)),
            comment("g", "broke me out", 7, Some(-0.6)),
            comment("h", "worst", 1, Some(-0.9)),
        ];
        let quoted = quotes("negative-sentiment", &day, &comments);
        let texts: Vec<&str> = quoted.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(texts, ["never again", "broke me out", "refund please"]);
        assert_eq!(quoted[0].likes, 120);
        assert_eq!(
            quoted[0].url.as_deref(),
            Some("https://www.tiktok.com/@ann/video/1")
        );
        assert_eq!(quotes("sentiment-drop", &day, &comments).len(), 3);
        assert!(quotes("viral-day", &day, &comments).is_empty());
    }

    #[test]
    fn a_long_quote_is_cut_at_a_character_boundary() {
        let day = day_with(Vec::new());
        let long = "é".repeat(150) + " " + &"日本".repeat(100);
        let quoted = quotes(
            "sentiment-drop",
            &day,
            &[comment("a", &long, 1, Some(-0.5))],
        );
        assert_eq!(quoted[0].text.chars().count(), QUOTE_CHARS + "...".len());
        assert!(quoted[0].text.ends_with("本日..."), "{}", quoted[0].text);
        assert_eq!(quoted[0].url, None, "its video is not tracked");
    }
}
