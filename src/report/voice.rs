//! Share of voice: the campaign's hashtags beside its competitors' (`compare` in
//! campaigns.toml), from the totals the API reports for each. Pure.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::DayMetrics;

/// The campaign beside its competitors on the latest day all their views are known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareOfVoice {
    pub date: NaiveDate,
    /// The campaign first (its hashtags together), then each competitor.
    pub rows: Vec<VoiceRow>,
    /// The campaign's total views ÷ the total views of it and its competitors, that day.
    pub views_share: f64,
    /// Likewise for video counts; none when any count is unknown (the API reports 0).
    pub videos_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VoiceRow {
    /// `#tag` for a competitor; the campaign's hashtags joined with `+`.
    pub label: String,
    pub own: bool,
    pub views: u64,
    pub videos: Option<u64>,
    /// Views gained from the first day of the period its views are known to `date`.
    pub views_gained: Option<i64>,
}

/// The campaign's share on one day: what [`share_of_voice`] reports for its latest day, for
/// every day that knows all the views, so a chart can show the share over the period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DailyShare {
    pub date: NaiveDate,
    /// The campaign's total views ÷ the total views of it and its competitors.
    pub views_share: f64,
    /// Likewise for video counts; none when any count is unknown (the API reports 0).
    pub videos_share: Option<f64>,
}

impl DailyShare {
    /// The day's shares, if the campaign compares with anyone and every hashtag's views are
    /// known that day: a share over a partial sum would overstate the campaign.
    fn of(day: &DayMetrics) -> Option<DailyShare> {
        if day.competitors.is_empty() {
            return None;
        }
        let own_views = day.total_views?;
        let rival_views: u64 = day
            .competitors
            .iter()
            .map(|c| c.views)
            .sum::<Option<u64>>()?;
        let all_views = own_views + rival_views;
        let all_videos: Option<u64> = day
            .competitors
            .iter()
            .map(|c| c.videos)
            .sum::<Option<u64>>();
        Some(DailyShare {
            date: day.date,
            views_share: if all_views == 0 {
                0.0
            } else {
                own_views as f64 / all_views as f64
            },
            videos_share: day.total_videos.zip(all_videos).and_then(|(own, rivals)| {
                let all = own + rivals;
                (all > 0).then(|| own as f64 / all as f64)
            }),
        })
    }
}

/// The campaign's share on every day of `days` (oldest first) that knows all the views; days
/// that do not are left out rather than drawn as a drop.
pub fn daily_shares(days: &[&DayMetrics]) -> Vec<DailyShare> {
    days.iter().filter_map(|d| DailyShare::of(d)).collect()
}

/// The share of voice over `days` (oldest first), if the campaign compares with anyone and
/// some day knows every hashtag's views.
pub fn share_of_voice(days: &[&DayMetrics]) -> Option<ShareOfVoice> {
    let (latest, shares) = days
        .iter()
        .rev()
        .find_map(|d| Some((*d, DailyShare::of(d)?)))?;
    let own_views = latest.total_views?;
    let own_label = latest
        .hashtags
        .iter()
        .map(|h| format!("#{}", h.name))
        .collect::<Vec<_>>()
        .join("+");
    let first_views = |name: Option<&str>| -> Option<u64> {
        days.iter().find_map(|d| match name {
            None => d.total_views,
            Some(name) => d.competitors.iter().find(|c| c.name == name)?.views,
        })
    };
    let gained = |first: Option<u64>, now: u64| first.map(|f| now as i64 - f as i64);
    let mut rows = vec![VoiceRow {
        label: own_label,
        own: true,
        views: own_views,
        videos: latest.total_videos,
        views_gained: gained(first_views(None), own_views),
    }];
    for competitor in &latest.competitors {
        let views = competitor.views?;
        rows.push(VoiceRow {
            label: format!("#{}", competitor.name),
            own: false,
            views,
            videos: competitor.videos,
            views_gained: gained(first_views(Some(&competitor.name)), views),
        });
    }
    Some(ShareOfVoice {
        date: latest.date,
        views_share: shares.views_share,
        videos_share: shares.videos_share,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::HashtagDay;
    use crate::fixtures::day;

    fn rival(views: Option<u64>, videos: Option<u64>) -> HashtagDay {
        HashtagDay {
            name: "rival".into(),
            views,
            videos,
        }
    }

    #[test]
    fn shares_are_the_campaigns_part_of_all_on_the_latest_complete_day() {
        let mut first = day("2026-11-01", 1_000_000, 100);
        first.competitors = vec![rival(Some(2_000_000), Some(300))];
        let mut second = day("2026-11-02", 1_500_000, 100);
        second.competitors = vec![rival(Some(3_500_000), Some(300))];
        let mut third = day("2026-11-03", 1_600_000, 110);
        third.competitors = vec![rival(None, None)]; // the competitor's call failed
        let voice = share_of_voice(&[&first, &second, &third]).unwrap();
        assert_eq!(
            voice.date, second.date,
            "the latest day every view count is known"
        );
        assert!((voice.views_share - 0.3).abs() < 1e-9, "{voice:?}");
        assert_eq!(voice.videos_share, Some(0.25));
        assert_eq!(voice.rows[0].views_gained, Some(500_000));
        assert_eq!(voice.rows[1].label, "#rival");
        assert_eq!(voice.rows[1].views_gained, Some(1_500_000));

        second.competitors = vec![rival(Some(3_500_000), None)];
        let unknown_videos = share_of_voice(&[&first, &second]).unwrap();
        assert_eq!(unknown_videos.videos_share, None, "unknown, not 0");
        assert!(
            share_of_voice(&[&day("2026-11-01", 1, 1)]).is_none(),
            "no competitors"
        );
    }

    #[test]
    fn daily_shares_cover_the_days_that_know_every_view_and_agree_with_the_latest() {
        let mut first = day("2026-11-01", 1_000_000, 100);
        first.competitors = vec![rival(Some(3_000_000), Some(300))];
        let mut second = day("2026-11-02", 1_500_000, 100);
        second.competitors = vec![rival(None, None)]; // the competitor's call failed
        let mut third = day("2026-11-03", 2_000_000, 100);
        third.competitors = vec![rival(Some(2_000_000), None)];
        let lone = day("2026-11-04", 2_100_000, 100); // compares with no one that day

        let shares = daily_shares(&[&first, &second, &third, &lone]);
        assert_eq!(
            shares.iter().map(|s| s.date).collect::<Vec<_>>(),
            [first.date, third.date],
            "unknown days are left out, not drawn as 0"
        );
        assert!((shares[0].views_share - 0.25).abs() < 1e-9);
        assert_eq!(shares[0].videos_share, Some(0.25));
        assert_eq!(shares[1].views_share, 0.5);
        assert_eq!(shares[1].videos_share, None, "unknown, not 0");

        let voice = share_of_voice(&[&first, &second, &third, &lone]).unwrap();
        assert_eq!(
            (voice.date, voice.views_share, voice.videos_share),
            (
                shares[1].date,
                shares[1].views_share,
                shares[1].videos_share
            ),
            "one computation of a day's share"
        );
        assert!(daily_shares(&[&lone]).is_empty());
    }
}
