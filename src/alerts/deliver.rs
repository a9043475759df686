//! The delivery pass: every outbox record not yet settled with each of its sinks is settled
//! (below the sink's severity, still ongoing, cancelled) or sent, immediately or in its
//! client's digest of the day, with retries for what may pass. Runs after a run's collection,
//! after a rescore, and as `hashtrack alerts send`; never during collection.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::message::{Item, Message};
use super::noise;
use super::outbox::{Delivery, DeliveryState, OutboxEntry};
use super::sinks::{SendError, Transports};
use crate::config::{Config, DeliveryMode, ReportUrl, SinkConfig, SinkKind};
use crate::domain::{Alert, AlertsOutcome};
use crate::plugin::MAX_HISTORY_DAYS;
use crate::store::{Store, StoreError};

/// Attempts per message in one pass; what still fails stays for the next pass.
const ATTEMPTS_PER_PASS: u32 = 3;
/// The wait before the second attempt, doubled for the third, unless the server says.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// A `Retry-After` longer than this is left to the next pass rather than waited for here.
const LONGEST_WAIT: Duration = Duration::from_secs(30);
/// An alert not delivered within this many days of being stored is not sent at all: a sink
/// added to a client after months of runs must not receive months of old alerts.
pub const STALE_AFTER_DAYS: i64 = 7;
/// Slack accepts about one message a second per incoming webhook.
const SLACK_SPACING: Duration = Duration::from_secs(1);

/// What a pass did, for people.
#[derive(Debug, Default)]
pub struct DeliveryReport {
    pub messages_sent: usize,
    pub alerts_sent: usize,
    pub retrying: usize,
    pub failed: usize,
    /// One line per message sent or failed.
    pub lines: Vec<String>,
}

impl DeliveryReport {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn summary(&self) -> String {
        format!(
            "alerts: {} message(s) sent ({} alert(s)), {} waiting to retry, {} failed for good",
            self.messages_sent, self.alerts_sent, self.retrying, self.failed
        )
    }
}

/// One message to send: which sink, and which outbox records (by key) it carries.
struct Outgoing {
    sink: String,
    client: String,
    date: NaiveDate,
    digest: bool,
    /// Keys of the records, each with whether it is still ongoing.
    items: Vec<(String, bool)>,
}

/// Settles and sends everything pending.
pub async fn deliver_pending(store: &Store, config: &Config) -> Result<DeliveryReport, StoreError> {
    let (entries, outgoing) = settle_pending(store, config, true)?;
    send_all(store, config, entries, outgoing).await
}

/// What a delivery pass would send now, and where, without sending or storing anything.
pub fn pending_messages(store: &Store, config: &Config) -> Result<DeliveryReport, StoreError> {
    let (entries, outgoing) = settle_pending(store, config, false)?;
    let mut report = DeliveryReport::default();
    for message in &outgoing {
        report.lines.push(format!(
            "would send to {}: {}",
            message.sink,
            describe(message, &entries)
        ));
    }
    Ok(report)
}

/// The outbox records with the messages they are due in. Records that need no message (below
/// a sink's severity, still ongoing, withdrawn, too old) are settled, and stored so when
/// `store_settled`.
fn settle_pending(
    store: &Store,
    config: &Config,
    store_settled: bool,
) -> Result<(BTreeMap<String, OutboxEntry>, Vec<Outgoing>), StoreError> {
    let mut entries: BTreeMap<String, OutboxEntry> = store
        .outbox_entries()?
        .into_iter()
        .map(|e| (e.key(), e))
        .collect();
    let now = chrono::Utc::now().timestamp();
    let mut history = History::new(store);
    let mut outgoing: Vec<Outgoing> = Vec::new();
    let mut digests: BTreeMap<(String, String, NaiveDate), usize> = BTreeMap::new();

    for (key, entry) in entries.iter_mut() {
        let Some(campaign) = config.campaign(&entry.campaign_id) else {
            continue; // no longer configured: nowhere to send it
        };
        let mut changed = false;
        for sink in config.sinks_for(campaign) {
            if entry
                .deliveries
                .get(&sink.name)
                .is_some_and(|d| d.state.is_final())
            {
                continue;
            }
            let settle = |state| Delivery {
                state,
                attempts: 0,
                at: now,
                last_error: None,
            };
            if entry.withdrawn_at.is_some() {
                entry
                    .deliveries
                    .insert(sink.name.clone(), settle(DeliveryState::Cancelled));
                changed = true;
                continue;
            }
            if now - entry.raised_at > STALE_AFTER_DAYS * 86_400 {
                entry
                    .deliveries
                    .insert(sink.name.clone(), settle(DeliveryState::Expired));
                changed = true;
                continue;
            }
            if entry.severity < sink.min_severity {
                entry
                    .deliveries
                    .insert(sink.name.clone(), settle(DeliveryState::BelowSeverity));
                changed = true;
                continue;
            }
            let ongoing = !history.is_news(entry, sink.cooldown_days)?;
            match sink.mode {
                DeliveryMode::Immediate if ongoing => {
                    entry
                        .deliveries
                        .insert(sink.name.clone(), settle(DeliveryState::Ongoing));
                    changed = true;
                }
                DeliveryMode::Immediate => outgoing.push(Outgoing {
                    sink: sink.name.clone(),
                    client: entry.client_id.clone(),
                    date: entry.date,
                    digest: false,
                    items: vec![(key.clone(), false)],
                }),
                DeliveryMode::Digest => {
                    let group = (sink.name.clone(), entry.client_id.clone(), entry.date);
                    let index = *digests.entry(group).or_insert_with(|| {
                        outgoing.push(Outgoing {
                            sink: sink.name.clone(),
                            client: entry.client_id.clone(),
                            date: entry.date,
                            digest: true,
                            items: Vec::new(),
                        });
                        outgoing.len() - 1
                    });
                    outgoing[index].items.push((key.clone(), ongoing));
                }
            }
        }
        if changed && store_settled {
            store.put_outbox_entry(entry)?;
        }
    }
    Ok((entries, outgoing))
}

/// Sends `outgoing`, recording each outcome in its records as it comes.
async fn send_all(
    store: &Store,
    config: &Config,
    entries: BTreeMap<String, OutboxEntry>,
    outgoing: Vec<Outgoing>,
) -> Result<DeliveryReport, StoreError> {
    // Each sink works through its own queue, all at once, so one dead endpoint holds up
    // only its own alerts; the pass ends by its deadline whatever the sinks do.
    let deadline = tokio::time::Instant::now() + config.settings.delivery_deadline;
    let mut queues: BTreeMap<String, Vec<Outgoing>> = BTreeMap::new();
    for message in outgoing {
        queues
            .entry(message.sink.clone())
            .or_default()
            .push(message);
    }
    let transports = Transports::new();
    let pass = Pass {
        store,
        config,
        transports: &transports,
        deadline,
        entries: RefCell::new(entries),
        report: RefCell::new(DeliveryReport::default()),
    };
    let sent: Vec<Result<(), StoreError>> = futures::future::join_all(
        queues
            .into_iter()
            .map(|(sink, messages)| pass.deliver_to(&config.sinks[&sink], messages)),
    )
    .await;
    sent.into_iter().collect::<Result<(), _>>()?;
    Ok(pass.report.into_inner())
}

/// A message with copies of its records, so that it can wait on its sink while the pass
/// records other sinks' outcomes.
struct OwnedMessage {
    id: String,
    client_name: String,
    date: NaiveDate,
    digest: bool,
    items: Vec<(OutboxEntry, bool)>,
    report_url: Option<ReportUrl>,
}

impl OwnedMessage {
    fn message(&self) -> Message<'_> {
        Message {
            id: self.id.clone(),
            client_name: self.client_name.clone(),
            date: self.date,
            digest: self.digest,
            items: self
                .items
                .iter()
                .map(|(entry, ongoing)| Item {
                    entry,
                    ongoing: *ongoing,
                })
                .collect(),
            report_url: self.report_url.clone(),
        }
    }
}

/// One delivery pass's shared state: its sinks' queues run at once on one task, so the
/// records and the report are shared through `RefCell`s, never borrowed across an await.
struct Pass<'a> {
    store: &'a Store,
    config: &'a Config,
    transports: &'a Transports,
    deadline: tokio::time::Instant,
    entries: RefCell<BTreeMap<String, OutboxEntry>>,
    report: RefCell<DeliveryReport>,
}

impl Pass<'_> {
    /// Sends `messages` to `sink` in order. After a failure that may pass (a timeout, no
    /// connection, a long `Retry-After`, the pass's deadline), the rest of this sink's
    /// messages wait for the next pass: a sink that is down is not tried once per alert.
    async fn deliver_to(
        &self,
        sink: &SinkConfig,
        messages: Vec<Outgoing>,
    ) -> Result<(), StoreError> {
        let mut last_send: Option<Instant> = None;
        let mut down: Option<String> = None;
        for message in messages {
            if let Some(reason) = &down {
                self.record(
                    sink,
                    &message,
                    0,
                    &Err(SendError::Unreachable {
                        reason: format!(
                            "deferred: {} failed earlier in this pass ({reason})",
                            sink.name
                        ),
                    }),
                )?;
                continue;
            }
            if matches!(sink.kind, SinkKind::Slack { .. })
                && let Some(since) = last_send.map(|at| at.elapsed())
                && since < SLACK_SPACING
            {
                tokio::time::sleep(SLACK_SPACING - since).await;
            }
            let owned = self.render(&message);
            let rendered = owned.message();
            let (attempts, result) = match tokio::time::timeout_at(
                self.deadline,
                send_with_retries(self.transports, sink, &rendered),
            )
            .await
            {
                Ok(outcome) => outcome,
                Err(_) => (
                    1,
                    Err(SendError::Unreachable {
                        reason: format!(
                            "no answer by the delivery pass's deadline ({} s)",
                            self.config.settings.delivery_deadline.as_secs()
                        ),
                    }),
                ),
            };
            last_send = Some(Instant::now());
            if let Err(SendError::Transient { reason, .. } | SendError::Unreachable { reason }) =
                &result
            {
                down = Some(reason.clone());
            }
            self.record(sink, &message, attempts, &result)?;
        }
        Ok(())
    }

    fn render(&self, message: &Outgoing) -> OwnedMessage {
        let entries = self.entries.borrow();
        let client_name = self
            .config
            .clients
            .get(&message.client)
            .map_or_else(|| message.client.clone(), |c| c.name.clone());
        OwnedMessage {
            id: message_id(message, &entries),
            client_name,
            date: message.date,
            digest: message.digest,
            items: message
                .items
                .iter()
                .map(|(key, ongoing)| (entries[key].clone(), *ongoing))
                .collect(),
            report_url: self.config.settings.report_url.clone(),
        }
    }

    /// Reports and stores what became of `message` with `sink`, at once: a crash later in
    /// the pass repeats no send that is recorded.
    fn record(
        &self,
        sink: &SinkConfig,
        message: &Outgoing,
        attempts: u32,
        result: &Result<(), SendError>,
    ) -> Result<(), StoreError> {
        let mut entries = self.entries.borrow_mut();
        let described = describe(message, &entries);
        let mut report = self.report.borrow_mut();
        let (state, error) = match result {
            Ok(()) => {
                report.messages_sent += 1;
                report.alerts_sent += message.items.len();
                report
                    .lines
                    .push(format!("sent to {}: {described}", sink.name));
                (DeliveryState::Sent, None)
            }
            Err(SendError::Transient { reason, .. } | SendError::Unreachable { reason }) => {
                report.retrying += 1;
                report.lines.push(format!(
                    "NOT YET sent to {} ({reason}; will retry): {described}",
                    sink.name
                ));
                (DeliveryState::Retrying, Some(reason.clone()))
            }
            Err(SendError::Permanent { reason }) => {
                report.failed += 1;
                report.lines.push(format!(
                    "FAILED for good to {} ({reason}): {described}",
                    sink.name
                ));
                (DeliveryState::Failed, Some(reason.clone()))
            }
        };
        let at = chrono::Utc::now().timestamp();
        for (key, _) in &message.items {
            let entry = entries.get_mut(key).expect("a record this pass read");
            let earlier = entry.deliveries.get(&sink.name).map_or(0, |d| d.attempts);
            entry.deliveries.insert(
                sink.name.clone(),
                Delivery {
                    state,
                    attempts: earlier + attempts,
                    at,
                    last_error: error.clone(),
                },
            );
            self.store.put_outbox_entry(entry)?;
        }
        Ok(())
    }
}

/// Sends once, then again after a backoff (or the server's `Retry-After`) while the failure
/// may pass; returns the attempts made and the last outcome.
async fn send_with_retries(
    transports: &Transports,
    sink: &SinkConfig,
    message: &Message<'_>,
) -> (u32, Result<(), SendError>) {
    let mut backoff = FIRST_BACKOFF;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let result = transports
            .send(sink, message, chrono::Utc::now().timestamp())
            .await;
        let wait = match &result {
            Err(SendError::Transient { retry_after, .. }) if attempts < ATTEMPTS_PER_PASS => {
                retry_after.unwrap_or(backoff)
            }
            _ => return (attempts, result),
        };
        if wait > LONGEST_WAIT {
            return (attempts, result);
        }
        tracing::info!(sink = %sink.name, "delivery failed ({}); retrying in {:.1?}", result.as_ref().err().map_or("", SendError::reason), wait);
        tokio::time::sleep(wait).await;
        backoff *= 2;
    }
}

/// An alert's own id; a digest's is derived from its sink, client, day and alerts, so the
/// same digest keeps its id on every retry and a later addendum gets another.
fn message_id(message: &Outgoing, entries: &BTreeMap<String, OutboxEntry>) -> String {
    if !message.digest {
        return entries[&message.items[0].0].id();
    }
    let mut hasher = Sha256::new();
    hasher.update(format!(
        "{}/{}/{}",
        message.sink, message.client, message.date
    ));
    for (key, _) in &message.items {
        hasher.update(key.as_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("dig_{hex}")
}

fn describe(message: &Outgoing, entries: &BTreeMap<String, OutboxEntry>) -> String {
    if message.digest {
        format!(
            "digest of {} alert(s) for {} on {}",
            message.items.len(),
            message.client,
            message.date
        )
    } else {
        let e = &entries[&message.items[0].0];
        format!("{} {} {} ({:?})", e.campaign_id, e.date, e.rule, e.severity)
    }
}

/// The alerts raised on each stored day before a campaign-day, oldest first.
type RulesByDay = Vec<(NaiveDate, Vec<Alert>)>;

/// Which rules fired on a campaign's stored days, read once per campaign-day.
struct History<'a> {
    store: &'a Store,
    fired: HashMap<(String, NaiveDate), RulesByDay>,
}

impl<'a> History<'a> {
    fn new(store: &'a Store) -> History<'a> {
        History {
            store,
            fired: HashMap::new(),
        }
    }

    fn is_news(&mut self, entry: &OutboxEntry, cooldown_days: u32) -> Result<bool, StoreError> {
        let key = (entry.campaign_id.clone(), entry.date);
        if !self.fired.contains_key(&key) {
            let from = entry.date - chrono::Duration::days(MAX_HISTORY_DAYS.into());
            let days = self.store.days(
                &entry.campaign_id,
                from,
                entry.date - chrono::Duration::days(1),
            )?;
            let fired = days
                .iter()
                .map(|day| {
                    let alerts = match &day.alerts {
                        AlertsOutcome::Evaluated { alerts } => alerts.clone(),
                        AlertsOutcome::Unavailable { .. } => Vec::new(),
                    };
                    (day.date, alerts)
                })
                .collect();
            self.fired.insert(key.clone(), fired);
        }
        let earlier: Vec<(NaiveDate, bool)> = self.fired[&key]
            .iter()
            .map(|(date, alerts)| {
                let fired = alerts.iter().any(|a| a.is_of(&entry.plugin, &entry.rule));
                (*date, fired)
            })
            .collect();
        Ok(noise::is_news(&earlier, entry.date, cooldown_days))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::domain::{Alert, Severity};
    use crate::fixtures;

    fn config_with_file_sink(inbox: &Path) -> Config {
        let text = format!(
            "[settings]\ndata_dir = {:?}\n\n\
             [sinks.inbox]\nkind = \"file\"\npath = {:?}\n\n[clients.acme]\nsinks = [\"inbox\"]\n\n\
             [[campaigns]]\nid = \"spring\"\nclient = \"acme\"\nhashtags = [\"tryacme\"]\n",
            inbox.parent().unwrap().display().to_string(),
            inbox.display().to_string()
        );
        Config::parse(Path::new("campaigns.toml"), &text).unwrap()
    }

    #[tokio::test]
    async fn a_fresh_alert_is_delivered_once_and_an_old_one_expires_unsent() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let inbox = dir.path().join("inbox");
        let config = config_with_file_sink(&inbox);
        // Two rules, so that the second day's alert is news rather than still ongoing.
        for (on, rule) in [("2026-03-01", "viral-day"), ("2026-03-05", "low-activity")] {
            let mut day = fixtures::day(on, 1_000_000, 100);
            day.alerts = AlertsOutcome::Evaluated {
                alerts: vec![Alert {
                    rule: rule.into(),
                    plugin: "builtin".into(),
                    severity: Severity::Info,
                    message: format!("Viral on {on}"),
                }],
            };
            store.put_day(&day, &[]).unwrap();
        }
        // The first was stored eight days ago and never delivered (the sink is new).
        let mut old = store.outbox_entries().unwrap().remove(0);
        old.raised_at -= 8 * 86_400;
        store.put_outbox_entry(&old).unwrap();

        let report = deliver_pending(&store, &config).await.unwrap();
        assert_eq!(report.messages_sent, 1, "{:?}", report.lines);
        let files: Vec<_> = std::fs::read_dir(&inbox).unwrap().collect();
        assert_eq!(files.len(), 1);
        let states: Vec<DeliveryState> = store
            .outbox_entries()
            .unwrap()
            .iter()
            .map(|e| e.deliveries["inbox"].state)
            .collect();
        assert_eq!(states, [DeliveryState::Expired, DeliveryState::Sent]);

        // Settled: a second pass sends nothing.
        let again = deliver_pending(&store, &config).await.unwrap();
        assert_eq!(again.messages_sent, 0);
    }
}
