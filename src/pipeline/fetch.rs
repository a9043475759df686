//! Store-first paid fetching: the one door through which the pipeline gets API responses.
//!
//! One fetcher per API key (its account, named by the key's variable) and run: its campaigns'
//! budgets, its stop switch, its client (and so its rate limiter).
//!
//! A request already answered on the same day *with the same key* is read from the store and
//! costs nothing. Otherwise a credit is reserved from the campaign's and client's daily
//! budgets, the request is sent, and the raw body is stored (and flushed) before the caller
//! sees it. An error that makes further spending pointless (402, 401, 403) stops the spending
//! of this key for the rest of the run; the other keys' campaigns go on.
//!
//! A campaign reads only responses paid with its own key. Each key is a client's own account:
//! reading what another client's key paid for would have one client pay for another's
//! tracking (a competitor's, even), and would let a client whose key ran out or was refused
//! carry on with someone else's credits. So a hashtag two campaigns on different keys share
//! is paid once per key; on one key, once. Responses paid with `[settings]`' key are stored
//! under the request's key (`{date}/{request key}`, as before keys were per client); those
//! paid with another key under `{request key}~{KEY_ENV}`: the variable's name, never the key.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::api::wire::WireError;
use crate::api::{ApiClient, ApiError, ApiRequest};
use crate::config::{ApiAccount, Config};

use super::clock::Clock;
use super::progress::RunProgress;
use crate::store::{RawSnapshot, Store, StoreError};

/// Why a response could not be had.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("daily credit budget of {owner} ({limit} credits) is spent")]
    BudgetSpent { owner: String, limit: u32 },
    #[error("spending stopped earlier in this run: {0}")]
    SpendingStopped(String),
    #[error("not in the store (re-scoring never calls the API)")]
    NotStored,
    /// A response stored by an earlier run no longer parses (stored by an older build, or the
    /// store was edited): not the API's fault, and re-running the day will not fix it.
    #[error("the stored response {key} cannot be read: {error}")]
    StoredBodyUnreadable { key: String, error: WireError },
    #[error(transparent)]
    Store(#[from] Arc<StoreError>),
}

impl From<StoreError> for FetchError {
    fn from(e: StoreError) -> Self {
        FetchError::Store(Arc::new(e))
    }
}

/// Daily credit budgets per campaign and per client, counting earlier runs of the same day.
/// A credit is reserved before a request is sent, so concurrent campaigns can never overspend.
#[derive(Debug)]
pub struct Budgets {
    limits: HashMap<String, u32>,
    client_of: HashMap<String, String>,
    spent: Mutex<HashMap<String, u32>>,
}

impl Budgets {
    /// Budgets for `date`, with what earlier runs of that day already paid.
    pub fn for_day(config: &Config, store: &Store, date: NaiveDate) -> Result<Budgets, StoreError> {
        let mut limits = HashMap::new();
        let mut client_of = HashMap::new();
        let mut spent: HashMap<String, u32> = HashMap::new();
        for client in config.clients.values() {
            if let Some(limit) = client.daily_credit_budget {
                limits.insert(client_key(&client.id), limit);
            }
        }
        for campaign in &config.campaigns {
            if let Some(limit) = campaign.daily_credit_budget {
                limits.insert(campaign.id.clone(), limit);
            }
            client_of.insert(campaign.id.clone(), campaign.client.clone());
        }
        for (campaign, credits) in store.credits_spent_on(date)? {
            if let Some(client) = client_of.get(&campaign) {
                *spent.entry(client_key(client)).or_default() += credits;
            }
            *spent.entry(campaign).or_default() += credits;
        }
        Ok(Budgets {
            limits,
            client_of,
            spent: Mutex::new(spent),
        })
    }

    fn owners(&self, campaign: &str) -> Vec<String> {
        let mut owners = vec![campaign.to_string()];
        if let Some(client) = self.client_of.get(campaign) {
            owners.push(client_key(client));
        }
        owners
    }

    /// Takes `credits` from the campaign and its client, or nothing if either would overspend.
    fn reserve(&self, campaign: &str, credits: u32) -> Result<(), FetchError> {
        let mut spent = self.spent.lock().expect("budget lock");
        let owners = self.owners(campaign);
        for owner in &owners {
            if let Some(&limit) = self.limits.get(owner)
                && spent.get(owner).copied().unwrap_or(0) + credits > limit
            {
                return Err(FetchError::BudgetSpent {
                    owner: describe_owner(owner),
                    limit,
                });
            }
        }
        for owner in owners {
            *spent.entry(owner).or_default() += credits;
        }
        Ok(())
    }

    /// Corrects a reservation once the real charge is known (0 when the request failed).
    fn settle(&self, campaign: &str, reserved: u32, charged: u32) {
        let mut spent = self.spent.lock().expect("budget lock");
        for owner in self.owners(campaign) {
            let entry = spent.entry(owner).or_default();
            *entry = (*entry + charged).saturating_sub(reserved);
        }
    }
}

fn client_key(client: &str) -> String {
    format!("client:{client}")
}

fn describe_owner(owner: &str) -> String {
    match owner.strip_prefix("client:") {
        Some(client) => format!("client '{client}'"),
        None => format!("campaign '{owner}'"),
    }
}

/// A switch that stops all spending from outside a run (a signal): requests waiting for a
/// slot are not sent, and those on the wire finish and are stored.
#[derive(Debug, Clone, Default)]
pub struct StopSwitch(Arc<Mutex<Option<String>>>);

impl StopSwitch {
    /// Stops spending, with the reason runs will report (the first reason stays).
    pub fn stop(&self, reason: impl Into<String>) {
        self.0
            .lock()
            .expect("stop switch")
            .get_or_insert_with(|| reason.into());
    }

    pub fn reason(&self) -> Option<String> {
        self.0.lock().expect("stop switch").clone()
    }
}

/// Fetches responses for one run of one date, with one key.
pub struct Fetcher {
    account: ApiAccount,
    /// Whether its responses are stored apart (all keys but `[settings]`' one).
    own_store_keys: bool,
    store: Arc<Store>,
    /// `None` when re-scoring: only stored responses are used.
    api: Option<Arc<ApiClient>>,
    budgets: Budgets,
    date: NaiveDate,
    clock: Clock,
    time_zone: Tz,
    stopped: Mutex<Option<String>>,
    shutdown: StopSwitch,
    progress: Arc<RunProgress>,
    credits_this_run: Mutex<HashMap<String, u32>>,
    total_this_run: AtomicU32,
    in_flight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    unreachable: std::sync::atomic::AtomicBool,
    /// The store error that stopped the run: nothing more is paid once a response cannot be
    /// kept.
    storage_failure: Mutex<Option<Arc<StoreError>>>,
}

/// The key a fetcher pays with.
pub struct KeyContext {
    pub account: ApiAccount,
    /// `None` when re-scoring: only stored responses are used.
    pub api: Option<Arc<ApiClient>>,
    /// Whether this is `[settings]`' key, whose responses are stored under the plain request key.
    pub default_key: bool,
}

/// The run a fetcher serves: its date, what "now" is, and the switches it shares.
pub struct RunContext {
    pub date: NaiveDate,
    pub clock: Clock,
    pub time_zone: Tz,
    pub shutdown: StopSwitch,
    pub progress: Arc<RunProgress>,
}

impl Fetcher {
    pub fn new(store: Arc<Store>, key: KeyContext, budgets: Budgets, run: RunContext) -> Fetcher {
        Fetcher {
            account: key.account,
            own_store_keys: !key.default_key,
            store,
            api: key.api,
            budgets,
            date: run.date,
            clock: run.clock,
            time_zone: run.time_zone,
            stopped: Mutex::new(None),
            shutdown: run.shutdown,
            progress: run.progress,
            credits_this_run: Mutex::new(HashMap::new()),
            total_this_run: AtomicU32::new(0),
            in_flight: Mutex::new(HashMap::new()),
            unreachable: std::sync::atomic::AtomicBool::new(false),
            storage_failure: Mutex::new(None),
        }
    }

    /// The store error that stopped this run's spending, if one did.
    pub fn storage_failure(&self) -> Option<Arc<StoreError>> {
        self.storage_failure.lock().expect("storage lock").clone()
    }

    /// Stops all spending on a store error: a response paid now could not be kept.
    fn storage_failed(&self, error: StoreError) -> FetchError {
        let error = Arc::new(error);
        let reason = error.to_string();
        self.progress.stopped(&self.account.key_env, &reason);
        self.stopped
            .lock()
            .expect("stop lock")
            .get_or_insert(reason);
        self.storage_failure
            .lock()
            .expect("storage lock")
            .get_or_insert(error)
            .clone()
            .into()
    }

    /// The lock of one store key, made on first use.
    fn key_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.in_flight
            .lock()
            .expect("in-flight lock")
            .entry(key.to_string())
            .or_default()
            .clone()
    }

    /// Where the response to `request`, paid with this fetcher's key, is stored.
    pub fn store_key(&self, request: &ApiRequest) -> String {
        let key = request.store_key();
        if self.own_store_keys {
            format!("{key}~{}", self.account.key_env)
        } else {
            key
        }
    }

    /// The key this fetcher pays with.
    pub fn account(&self) -> &ApiAccount {
        &self.account
    }

    /// The campaign day this fetcher collects.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Whether the API could not be reached at all (no connection).
    pub fn api_unreachable(&self) -> bool {
        self.unreachable.load(Ordering::Relaxed)
    }

    /// Why spending stopped, if it did.
    pub fn stopped(&self) -> Option<String> {
        let stopped = self.stopped.lock().expect("stop lock").clone();
        stopped.or_else(|| self.shutdown.reason())
    }

    /// Credits this run paid on behalf of `campaign`.
    pub fn credits_spent_by(&self, campaign: &str) -> u32 {
        self.credits_this_run
            .lock()
            .expect("credit lock")
            .get(campaign)
            .copied()
            .unwrap_or(0)
    }

    pub fn credits_spent(&self) -> u32 {
        self.total_this_run.load(Ordering::Relaxed)
    }

    /// The parsed response to `request`, from the store (paid with this key) or (paid for by
    /// `campaign`) the API.
    /// A paid body that does not parse is kept under a separate key (it was paid for, so it
    /// counts against budgets) but not as the answer, so a later run asks again.
    pub async fn fetch<T>(
        &self,
        campaign: &str,
        request: &ApiRequest,
        parse: fn(&[u8]) -> Result<T, WireError>,
    ) -> Result<T, FetchError> {
        let key = self.store_key(request);
        let key_env = self.account.key_env.as_str();
        // One request per key in flight: a campaign asking what another is already fetching
        // (a hashtag they share) waits for it and finds it stored.
        let in_flight = self.key_lock(&key);
        let _one_at_a_time = in_flight.lock().await;
        if let Some(snapshot) = self.store.raw(self.date, &key)? {
            self.progress.answered(key_env, campaign, 0);
            return parse(snapshot.body.as_bytes())
                .map_err(|error| FetchError::StoredBodyUnreadable { key, error });
        }
        let Some(api) = &self.api else {
            return Err(FetchError::NotStored);
        };
        if let Some(reason) = self.stopped() {
            return Err(FetchError::SpendingStopped(reason));
        }
        if let Err(error) = self.store.ensure_room() {
            return Err(self.storage_failed(error));
        }
        self.budgets.reserve(campaign, 1)?;
        let response = match api.send(request, &|| self.stopped()).await {
            Ok(response) => response,
            Err(ApiError::NotSent(reason)) => {
                self.budgets.settle(campaign, 1, 0);
                return Err(FetchError::SpendingStopped(reason));
            }
            Err(e) => {
                self.budgets.settle(campaign, 1, 0);
                self.progress.answered(key_env, campaign, 0);
                if matches!(e, ApiError::Unreachable { .. }) {
                    self.unreachable.store(true, Ordering::Relaxed);
                }
                if e.stops_all_spending() {
                    let reason = e.to_string();
                    self.progress.stopped(key_env, &reason);
                    self.stopped
                        .lock()
                        .expect("stop lock")
                        .get_or_insert(reason);
                }
                return Err(e.into());
            }
        };
        let credits = response.billing.credits_used;
        self.budgets.settle(campaign, 1, credits);
        self.progress.answered(key_env, campaign, credits);
        *self
            .credits_this_run
            .lock()
            .expect("credit lock")
            .entry(campaign.to_string())
            .or_default() += credits;
        self.total_this_run.fetch_add(credits, Ordering::Relaxed);
        let fetched_at = self.clock.now(self.date, self.time_zone);
        let parsed = parse(&response.body);
        let snapshot = RawSnapshot {
            paid_by: campaign.to_string(),
            credits,
            fetched_at: fetched_at.timestamp(),
            body: String::from_utf8_lossy(&response.body).into_owned(),
        };
        let stored_key = match &parsed {
            Ok(_) => key,
            // Unique per answer (not per simulated instant): every unreadable answer was billed.
            Err(_) => format!(
                "{key}!malformed@{}",
                chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
            ),
        };
        if let Err(error) = self.store.put_raw(self.date, &stored_key, &snapshot) {
            return Err(self.storage_failed(error));
        }
        parsed.map_err(|e| FetchError::Api(e.into()))
    }
}
