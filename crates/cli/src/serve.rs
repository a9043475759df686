//! `hashtrack serve`: one long-running process that owns the store, collects every day at
//! `[settings] collect_at` with the same pipeline as `run` (today at once if that time has
//! passed when it starts: a resumed day pays nothing twice), delivers alerts after each
//! collection, emails clients their scheduled reports (`mailing`), and answers `/healthz`, `/metrics` (Prometheus text) and the pages behind tokens
//! (`web`) on 127.0.0.1 unless `--listen` says otherwise. SIGINT or SIGTERM stops it as it
//! stops `run`; the next start resumes the day.
//!
//! `HASHTRACK_CLOCK_START=2026-11-01T05:59:50Z` starts the service's clock (and the pipeline's)
//! at that instant, running at real speed from there: for tests and simulated worlds.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};

use hashtrack::alerts::outbox::DeliveryState;
use hashtrack::client_reports::MailState;
use hashtrack::config::Config;
use hashtrack::pipeline::{Clock, RunSummary};
use hashtrack::schedule::{self, Next};
use hashtrack::store::Store;

mod mailing;
pub mod socket;
mod web;

use super::alerts::deliver_after_run;
use super::run::{api_clients, collect, refuse_undeliverable, stop_on_signals};
use super::{ConfigArgs, LogFormat, describe_run, open_pipeline};

/// The variable that starts the service's clock at another instant (tests, simulations).
const CLOCK_START_ENV: &str = "HASHTRACK_CLOCK_START";
/// How often a waiting service looks at its clock and for a stop signal.
const TICK: Duration = Duration::from_millis(500);

#[derive(clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Where the pages, `/healthz` and `/metrics` listen. Loopback by default: to reach it from elsewhere,
    /// put a TLS reverse proxy (Caddy, nginx) in front rather than listening on 0.0.0.0.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

/// What the service has done since it started: what `/metrics` and `/healthz` report.
#[derive(Default)]
struct Record {
    started_at: Option<DateTime<Utc>>,
    /// The run in progress: its date.
    collecting: Option<NaiveDate>,
    last_collected: Option<NaiveDate>,
    next_collection: Option<DateTime<Utc>>,
    runs: u64,
    last_run_seconds: Option<f64>,
    /// By the key's variable: (credits, requests) since the service started.
    by_key: BTreeMap<String, (u64, u64)>,
}

#[derive(Clone)]
struct Shared {
    record: Arc<Mutex<Record>>,
    store: Arc<Store>,
    config: Arc<Config>,
    /// Per key variable: 429 answers and retries since the service started.
    troubles: Arc<dyn Fn() -> BTreeMap<String, (u64, u64)> + Send + Sync>,
}

/// `log_format`: with `json`, stderr holds only log objects (the run's summary is one).
pub async fn serve(args: ServeArgs, log_format: LogFormat) -> Result<ExitCode> {
    let config = args.config.load()?;
    let data_dir = args.config.data_dir(&config);
    let clock = service_clock()?;
    let apis = api_clients(&config, &config.campaigns)?;
    let config = Arc::new(config);
    let (pipeline, store) = open_pipeline(config.clone(), &data_dir, apis)?;
    let pipeline = pipeline.with_clock(clock);
    pipeline.check_plugins(&[])?;
    refuse_undeliverable(&config, &[], false)?;
    let signalled = stop_on_signals(pipeline.stop_switch())?;

    let shared = Shared {
        record: Arc::new(Mutex::new(Record {
            started_at: Some(now(clock, &config)),
            ..Record::default()
        })),
        store: store.clone(),
        config: config.clone(),
        troubles: Arc::new(pipeline.api_troubles()),
    };
    // What /healthz says from its first answer: when the first collection comes.
    if let Next::WaitUntil { at, .. } = schedule::next(
        now(clock, &config),
        config.settings.collect_at,
        config.settings.time_zone,
        None,
    ) {
        lock(&shared).next_collection = Some(at);
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    // The first line on stdout: where to reach it (with --listen 127.0.0.1:0, the port chosen).
    println!("hashtrack serve: http://{address} (/healthz, /metrics)");
    let questions = socket::bind(&data_dir)?;
    tokio::spawn(socket::answer(
        questions,
        config.clone(),
        store.clone(),
        data_dir.clone(),
    ));
    let status = {
        let (shared, progress) = (shared.clone(), pipeline.progress());
        Arc::new(move || {
            let record = lock(&shared);
            web::RunStatus {
                collecting: record.collecting,
                last_collected: record.last_collected,
                next_collection: record.next_collection,
                progress: progress.snapshot(),
            }
        })
    };
    let mail_wake = Arc::new(tokio::sync::Notify::new());
    let mailer = {
        let (shared, config) = (shared.clone(), config.clone());
        mailing::Mailer {
            store: store.clone(),
            config: config.clone(),
            now: Arc::new(move || now(clock, &config)),
            collecting: Arc::new(move || lock(&shared).collecting.is_some()),
            wake: mail_wake.clone(),
        }
    };
    let reports_wake = mail_wake.clone();
    let pages = web::Web::new(
        store.clone(),
        config.clone(),
        data_dir.clone(),
        status,
        mail_wake,
    );
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(shared.clone())
        .merge(pages.routes());
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "serve: the web endpoints stopped");
        }
    });

    tokio::spawn(mailer.run());

    let time_zone = config.settings.time_zone;
    let collect_at = config.settings.collect_at;
    loop {
        if signalled.load(Ordering::SeqCst) != 0 {
            break;
        }
        let last = lock(&shared).last_collected;
        match schedule::next(now(clock, &config), collect_at, time_zone, last) {
            Next::WaitUntil { at, .. } => {
                lock(&shared).next_collection = Some(at);
                tokio::time::sleep(TICK).await;
            }
            Next::Collect(date) => {
                lock(&shared).collecting = Some(date);
                tracing::info!(%date, "serve: collecting");
                let started = Instant::now();
                let summary = collect(&pipeline, date, &[], false).await;
                let seconds = started.elapsed().as_secs_f64();
                let summary = match summary {
                    Ok(summary) => summary,
                    Err(e) => {
                        // Not marked collected: the next tick tries again (what is stored is
                        // not paid twice).
                        tracing::error!(%date, error = format!("{e:#}"), "serve: collecting failed; trying again");
                        lock(&shared).collecting = None;
                        tokio::time::sleep(TICK * 20).await;
                        continue;
                    }
                };
                tracing::info!(
                    %date,
                    credits = summary.credits_spent,
                    requests = summary.requests,
                    seconds,
                    "serve: collected"
                );
                if log_format == LogFormat::Text {
                    eprint!("{}", describe_run(&summary));
                }
                record_run(&shared, &summary, seconds);
                if signalled.load(Ordering::SeqCst) != 0 {
                    break;
                }
                deliver_after_run(&store, &config).await;
                {
                    let mut record = lock(&shared);
                    record.collecting = None;
                    record.last_collected = Some(date);
                }
                // A report that came due during the collection goes now, with the new day.
                reports_wake.notify_one();
            }
        }
    }
    let code = signalled.load(Ordering::SeqCst);
    let _ = std::fs::remove_file(data_dir.join(socket::SOCKET));
    tracing::info!(code, "serve: stopped; the next start resumes the day");
    Ok(ExitCode::from(code))
}

/// The system clock, or the one `HASHTRACK_CLOCK_START` sets going.
fn service_clock() -> Result<Clock> {
    let Ok(start) = std::env::var(CLOCK_START_ENV) else {
        return Ok(Clock::System);
    };
    let start: DateTime<Utc> = start
        .parse()
        .with_context(|| format!("{CLOCK_START_ENV}={start:?} is not an RFC 3339 instant"))?;
    Ok(Clock::Shifted((start - Utc::now()).num_seconds()))
}

fn now(clock: Clock, config: &Config) -> DateTime<Utc> {
    // The date only matters to a simulated noon, which a service never uses.
    clock.now(NaiveDate::MIN, config.settings.time_zone)
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Record> {
    shared.record.lock().unwrap_or_else(|e| e.into_inner())
}

fn record_run(shared: &Shared, summary: &RunSummary, seconds: f64) {
    let mut record = lock(shared);
    record.runs += 1;
    record.last_run_seconds = Some(seconds);
    for key in &summary.keys {
        let (credits, requests) = record.by_key.entry(key.key_env.clone()).or_default();
        *credits += u64::from(key.credits_spent);
        *requests += key.requests;
    }
}

/// `200 ok` with what the service is doing, as JSON.
async fn healthz(State(shared): State<Shared>) -> impl IntoResponse {
    let record = lock(&shared);
    axum::Json(serde_json::json!({
        "status": "ok",
        "started_at": record.started_at,
        "collecting": record.collecting,
        "last_collected": record.last_collected,
        "next_collection": record.next_collection,
        "runs": record.runs,
    }))
}

/// The Prometheus text format (version 0.0.4).
async fn metrics(State(shared): State<Shared>) -> impl IntoResponse {
    let text = render_metrics(&shared);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
}

fn render_metrics(shared: &Shared) -> String {
    let mut out = String::new();
    let mut family = |name: &str, kind: &str, help: &str, samples: Vec<(String, f64)>| {
        out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
        for (labels, value) in samples {
            out.push_str(&format!("{name}{labels} {value}\n"));
        }
    };
    let label = |key: &str, value: &str| format!("{{{key}=\"{}\"}}", escape_label(value));
    {
        let record = lock(shared);
        family(
            "hashtrack_runs_total",
            "counter",
            "Collections finished since the service started.",
            vec![(String::new(), record.runs as f64)],
        );
        family(
            "hashtrack_collecting",
            "gauge",
            "1 while a collection runs.",
            vec![(
                String::new(),
                f64::from(u8::from(record.collecting.is_some())),
            )],
        );
        if let Some(seconds) = record.last_run_seconds {
            family(
                "hashtrack_last_run_duration_seconds",
                "gauge",
                "How long the last collection took.",
                vec![(String::new(), seconds)],
            );
        }
        let by_key = |pick: fn(&(u64, u64)) -> u64| {
            record
                .by_key
                .iter()
                .map(|(key, counts)| (label("key", key), pick(counts) as f64))
                .collect()
        };
        family(
            "hashtrack_credits_total",
            "counter",
            "API credits spent since the service started, by the variable holding the key.",
            by_key(|c| c.0),
        );
        family(
            "hashtrack_requests_total",
            "counter",
            "HTTP requests sent since the service started, retries included, by key variable.",
            by_key(|c| c.1),
        );
    }
    let troubles = (shared.troubles)();
    let by_key = |pick: fn(&(u64, u64)) -> u64| {
        troubles
            .iter()
            .map(|(key, counts)| (label("key", key), pick(counts) as f64))
            .collect()
    };
    family(
        "hashtrack_rate_limited_total",
        "counter",
        "429 answers since the service started, by key variable.",
        by_key(|c| c.0),
    );
    family(
        "hashtrack_retries_total",
        "counter",
        "Requests sent again (after a 429, a 5xx or a broken connection), by key variable.",
        by_key(|c| c.1),
    );
    let mut last_days = Vec::new();
    for campaign in &shared.config.campaigns {
        if let Ok(Some(day)) = shared.store.latest_day(&campaign.id) {
            let date = day.date;
            let seconds = date
                .and_hms_opt(0, 0, 0)
                .map_or(0, |at| at.and_utc().timestamp());
            last_days.push((label("campaign", &campaign.id), seconds as f64));
        }
    }
    family(
        "hashtrack_last_stored_day_timestamp_seconds",
        "gauge",
        "The latest stored day of each campaign (midnight UTC of its date).",
        last_days,
    );
    let (mut waiting, mut failed) = (0u64, 0u64);
    if let Ok(entries) = shared.store.outbox_entries() {
        for delivery in entries.iter().flat_map(|e| e.deliveries.values()) {
            match delivery.state {
                DeliveryState::Retrying => waiting += 1,
                DeliveryState::Failed => failed += 1,
                _ => {}
            }
        }
    }
    family(
        "hashtrack_alert_deliveries",
        "gauge",
        "Alert deliveries waiting to be retried, and failed for good.",
        vec![
            (label("state", "retrying"), waiting as f64),
            (label("state", "failed"), failed as f64),
        ],
    );
    let mut reports: BTreeMap<&str, u64> = MailState::ALL.iter().map(|s| (s.name(), 0)).collect();
    for report in shared.store.client_reports().unwrap_or_default() {
        *reports.entry(report.state.name()).or_default() += 1;
    }
    family(
        "hashtrack_client_reports",
        "gauge",
        "Scheduled client reports by state: awaiting approval, ready or retrying (due), sent, failed.",
        reports
            .into_iter()
            .map(|(state, n)| (label("state", state), n as f64))
            .collect(),
    );
    out
}

/// A label value as the text format wants it: backslash, quote and newline escaped.
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
