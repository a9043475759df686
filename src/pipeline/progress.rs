//! How far a run has got, for people watching it: per API key, requests done against those
//! planned, credits and whether its spending stopped; and the campaign being worked on. The
//! fetchers count; the command line shows it (a bar on a terminal, a line a minute in a log).
//! Keys run at once, each at its own rate, so the run's ETA is its slowest key's.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::config::{ApiAccount, CampaignConfig};

use super::plan::planned_requests;

#[derive(Debug, Default)]
pub struct RunProgress {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    keys: BTreeMap<String, KeyProgress>,
    current: String,
}

/// What a run has done so far with one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProgress {
    /// The variable holding the key (never the key).
    pub key_env: String,
    pub requests_per_minute: u32,
    /// Requests answered (from the store or the API, paid or failed).
    pub done: u32,
    /// Requests the day should take (see [`planned_requests`]); `done` may pass it.
    pub planned: u32,
    pub credits: u32,
    /// Why this key's spending stopped, if it did.
    pub stopped: Option<String>,
}

impl KeyProgress {
    /// Seconds until this key's planned requests are done at its rate (0 once stopped).
    pub fn eta_secs(&self) -> u64 {
        if self.stopped.is_some() {
            return 0;
        }
        let left = self.planned.saturating_sub(self.done);
        u64::from(left) * 60 / u64::from(self.requests_per_minute.max(1))
    }
}

/// What a run has done so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressSnapshot {
    pub done: u32,
    pub planned: u32,
    pub credits: u32,
    /// Per key, by variable name.
    pub keys: Vec<KeyProgress>,
    /// The campaign of the latest request.
    pub campaign: String,
}

impl ProgressSnapshot {
    /// Seconds until the slowest key is done: keys run at once.
    pub fn eta_secs(&self) -> u64 {
        self.keys
            .iter()
            .map(KeyProgress::eta_secs)
            .max()
            .unwrap_or(0)
    }
}

impl RunProgress {
    /// Starts a run of `campaigns`, each on its key.
    pub fn start(&self, campaigns: &[(ApiAccount, Vec<CampaignConfig>)]) {
        let mut state = self.state.lock().expect("progress lock");
        state.keys = campaigns
            .iter()
            .map(|(account, campaigns)| {
                let progress = KeyProgress {
                    key_env: account.key_env.clone(),
                    requests_per_minute: account.requests_per_minute,
                    done: 0,
                    planned: campaigns.iter().map(planned_requests).sum(),
                    credits: 0,
                    stopped: None,
                };
                (account.key_env.clone(), progress)
            })
            .collect();
    }

    pub(super) fn answered(&self, key_env: &str, campaign: &str, credits: u32) {
        let mut state = self.state.lock().expect("progress lock");
        if let Some(key) = state.keys.get_mut(key_env) {
            key.done += 1;
            key.credits += credits;
        }
        if state.current != campaign {
            state.current = campaign.to_string();
        }
    }

    pub(super) fn stopped(&self, key_env: &str, reason: &str) {
        let mut state = self.state.lock().expect("progress lock");
        if let Some(key) = state.keys.get_mut(key_env) {
            key.stopped.get_or_insert_with(|| reason.to_string());
        }
    }

    pub fn snapshot(&self) -> ProgressSnapshot {
        let state = self.state.lock().expect("progress lock");
        let keys: Vec<KeyProgress> = state.keys.values().cloned().collect();
        ProgressSnapshot {
            done: keys.iter().map(|k| k.done).sum(),
            planned: keys.iter().map(|k| k.planned).sum(),
            credits: keys.iter().map(|k| k.credits).sum(),
            keys,
            campaign: state.current.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::account;

    #[test]
    fn planned_requests_follow_the_configured_cost() {
        let mut campaign = crate::fixtures::campaign();
        campaign.videos = 60;
        campaign.sentiment_videos = 3;
        campaign.comments_per_video = 50;
        campaign.compare = vec!["rival".into()];
        // Two hashtags x (1 info + 2 feed pages) + 3 comment pages + 1 competitor.
        assert_eq!(planned_requests(&campaign), 10);
        let progress = RunProgress::default();
        progress.start(&[(account("KEY_A", 10), vec![campaign])]);
        progress.answered("KEY_A", "spring", 1);
        progress.answered("KEY_A", "spring", 0);
        let now = progress.snapshot();
        assert_eq!((now.done, now.planned, now.credits), (2, 10, 1));
        assert_eq!(now.campaign, "spring");
        // 8 left at 10 a minute.
        assert_eq!(now.eta_secs(), 48);
    }

    #[test]
    fn the_eta_is_the_slowest_keys_and_a_stopped_key_has_none() {
        let campaign = crate::fixtures::campaign();
        let planned = planned_requests(&campaign);
        let progress = RunProgress::default();
        progress.start(&[
            (account("FAST_KEY", 60), vec![campaign.clone()]),
            (account("SLOW_KEY", 5), vec![campaign]),
        ]);
        let now = progress.snapshot();
        assert_eq!(now.eta_secs(), u64::from(planned) * 60 / 5);
        progress.stopped("SLOW_KEY", "402");
        let now = progress.snapshot();
        assert_eq!(now.eta_secs(), u64::from(planned));
        assert_eq!(now.keys[1].stopped.as_deref(), Some("402"));
    }
}
