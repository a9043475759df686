//! `serve`'s pages and data, each behind a token (`hashtrack tokens`): the agency's view (`/`),
//! each client's portal (`/c/<client>`: the HTML report with a period picker and downloads),
//! and its data for BI tools (`/api/v1/<client>/<table>.json|csv`, the export's tables).
//!
//! A token comes as `?t=` once (it is then set as an HttpOnly cookie and the address without
//! it is loaded, so that it stays out of history and referrers) or as that cookie. A client's
//! token reads that client's pages and data only; anything else answers 404, as if it did not
//! exist. Every response carries a strict Content-Security-Policy (no script at all, nothing
//! from outside), and an address that fails too many times in a row is refused for a while.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::sync::Notify;

use hashtrack::alerts::message::html_escape as escape;
use hashtrack::client_reports::{MailState, MailedReport};
use hashtrack::config::Config;
use hashtrack::report::ReportFormat;
use hashtrack::store::Store;
use hashtrack::text_safety::CsvCells;
use hashtrack::tokens::{Scope, Tokens};

use crate::report::{PeriodChoice, Rendering, select_campaigns, write_reports, written_as_text};

/// The cookie a token is kept in after its first use.
const COOKIE: &str = "hashtrack_token";
/// Failed token attempts an address may make within [`FAILURE_WINDOW`] before it is refused.
const MAX_FAILURES: u32 = 10;
const FAILURE_WINDOW: Duration = Duration::from_secs(10 * 60);
/// The periods the portal offers, in days.
const PERIODS: [u32; 3] = [7, 30, 90];
/// Every response's policy: no script, no plugin, no frame, nothing from another origin. The
/// report's styles are inline and its charts are inline SVG or `data:` images; the one form
/// (approving a scheduled report) posts to this service.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// What the service is doing, for the agency's view.
pub struct RunStatus {
    pub collecting: Option<chrono::NaiveDate>,
    pub last_collected: Option<chrono::NaiveDate>,
    pub next_collection: Option<chrono::DateTime<chrono::Utc>>,
    /// The collection in progress (or the last one): requests, credits, each key.
    pub progress: hashtrack::pipeline::ProgressSnapshot,
}

/// What the pages read: the service's store and config, its state, and the tokens file.
#[derive(Clone)]
pub struct Web {
    pub store: Arc<Store>,
    pub config: Arc<Config>,
    pub data_dir: PathBuf,
    status: Arc<dyn Fn() -> RunStatus + Send + Sync>,
    /// Rung when the agency approves a scheduled report, so that it goes at once.
    mail_wake: Arc<Notify>,
    tokens: Arc<Mutex<KeptTokens>>,
    failures: Arc<Mutex<HashMap<IpAddr, (u32, Instant)>>>,
}

/// The tokens file as last read, and when it was changed then.
#[derive(Default)]
struct KeptTokens {
    tokens: Tokens,
    modified: Option<SystemTime>,
}

impl Web {
    pub fn new(
        store: Arc<Store>,
        config: Arc<Config>,
        data_dir: PathBuf,
        status: Arc<dyn Fn() -> RunStatus + Send + Sync>,
        mail_wake: Arc<Notify>,
    ) -> Web {
        Web {
            store,
            config,
            data_dir,
            status,
            mail_wake,
            tokens: Arc::default(),
            failures: Arc::default(),
        }
    }

    /// The routes, each answering with the security headers.
    pub fn routes(self) -> Router {
        Router::new()
            .route("/", get(agency_view))
            .route("/c/{client}", get(portal))
            .route("/c/{client}/{file}", get(download))
            .route("/api/v1/{client}/{file}", get(data))
            .route("/reports/{client}/{due_on}", get(scheduled_report))
            .route("/reports/{client}/{due_on}/approve", post(approve))
            .layer(middleware::from_fn(security_headers))
            .with_state(self)
    }

    /// What `presented` opens, the tokens file read again if `hashtrack tokens` changed it.
    fn scope_of(&self, presented: &str) -> Option<Scope> {
        let path = self.data_dir.join(hashtrack::tokens::TOKENS_FILE);
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let mut kept = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if kept.modified != modified || modified.is_none() {
            match Tokens::load(&self.data_dir) {
                Ok(tokens) => *kept = KeptTokens { tokens, modified },
                Err(e) => eprintln!("serve: {e}"),
            }
        }
        kept.tokens.scope_of(presented).cloned()
    }

    /// Whether `address` has failed too often lately.
    fn refused(&self, address: IpAddr) -> bool {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures
            .get(&address)
            .is_some_and(|(n, since)| *n >= MAX_FAILURES && since.elapsed() < FAILURE_WINDOW)
    }

    fn failed(&self, address: IpAddr) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let entry = failures.entry(address).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= FAILURE_WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }
}

#[derive(Deserialize)]
struct Params {
    /// A token, on first use.
    t: Option<String>,
    /// The period, in days.
    days: Option<u32>,
}

/// Whether a request may go on, with what it may read, or the answer it gets instead.
enum Gate {
    Open,
    Answer(Response),
}

/// A refusal: a status and a sentence (small enough to travel in a `Result`).
struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        plain(self.0, &self.1)
    }
}

/// The caller's scope, from `?t=` or the cookie, when it may read `client` (any client's page
/// when `None`, the agency's). 401 without a token, 403 with a wrong one, 429 after too many
/// wrong ones from one address, 404 for a client it may not read (or none by that id); a
/// token in the address is set as the cookie and the address loaded without it.
fn gate(
    web: &Web,
    address: SocketAddr,
    headers: &HeaderMap,
    params: &Params,
    path: &str,
    client: Option<&str>,
) -> Gate {
    let refuse = |status, text: &str| Gate::Answer(plain(status, text));
    let caller = caller(address, headers);
    if web.refused(caller) {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "too many wrong tokens from this address; try again in a few minutes",
        );
    }
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(&format!("{COOKIE}=")))
        .map(str::to_string);
    let Some(presented) = params.t.clone().or(from_cookie) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "this page needs the link with its token (`hashtrack tokens new`)",
        );
    };
    let Some(scope) = web.scope_of(&presented) else {
        web.failed(caller);
        return refuse(StatusCode::FORBIDDEN, "this token opens nothing here");
    };
    if params.t.is_some() {
        let days = params
            .days
            .map(|d| format!("?days={d}"))
            .unwrap_or_default();
        let mut response = Redirect::to(&format!("{path}{days}")).into_response();
        let cookie = format!("{COOKIE}={presented}; HttpOnly; SameSite=Strict; Path=/");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
        return Gate::Answer(response);
    }
    let readable = match client {
        None => scope == Scope::Agency,
        Some(client) => scope.reads(client) && web.config.clients.contains_key(client),
    };
    if !readable {
        return refuse(StatusCode::NOT_FOUND, "no such page");
    }
    Gate::Open
}

/// Who is asking, for the limit on wrong tokens: the peer, or, when the peer is a reverse
/// proxy on this machine, the address it says it forwards for (the last in
/// `X-Forwarded-For`: the one the proxy added), so that one visitor's wrong tokens do not
/// lock out everyone behind the proxy.
fn caller(address: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if !address.ip().is_loopback() {
        return address.ip();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|ip| ip.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(address.ip())
}

/// A request as the gate reads it.
struct Asked<'a> {
    address: SocketAddr,
    headers: &'a HeaderMap,
    params: &'a Params,
}

/// For `{area}/{client}/{file}`: the format after `prefix` in `file` when the caller may read
/// the client's files, else the answer to give (boxed: a response is large).
fn file_gate(
    web: &Web,
    asked: &Asked,
    area: &str,
    client: &str,
    file: &str,
    prefix: &str,
) -> Result<String, Box<Response>> {
    let path = format!("{area}/{}/{}", encode(client), encode(file));
    let Some(format) = file.strip_prefix(prefix) else {
        return Err(Box::new(plain(StatusCode::NOT_FOUND, "no such page")));
    };
    match gate(
        web,
        asked.address,
        asked.headers,
        asked.params,
        &path,
        Some(client),
    ) {
        Gate::Open => Ok(format.to_string()),
        Gate::Answer(response) => Err(Box::new(response)),
    }
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

fn period(params: &Params) -> PeriodChoice {
    PeriodChoice::Last {
        days: params.days.unwrap_or(PERIODS[0]).clamp(1, 366),
        to: None,
    }
}

/// The client's report in `format`, or the reason there is none.
fn client_report(
    web: &Web,
    client: &str,
    params: &Params,
    format: ReportFormat,
) -> Result<String, Refusal> {
    let selected = select_campaigns(&web.config, &[], Some(client))
        .map_err(|e| Refusal(StatusCode::NOT_FOUND, e.to_string()))?;
    written_as_text(|out| {
        write_reports(
            &web.config,
            web.store.as_ref(),
            &selected,
            Some(client),
            period(params),
            Rendering::for_client(format),
            out,
        )
    })
    .map_err(|e| Refusal(StatusCode::NOT_FOUND, e.to_string()))
}

async fn portal(
    State(web): State<Web>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Path(client): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/c/{}", encode(&client));
    if let Gate::Answer(response) = gate(&web, address, &headers, &params, &path, Some(&client)) {
        return response;
    }
    let html = match client_report(&web, &client, &params, ReportFormat::Html) {
        Ok(html) => html,
        Err(refusal) => return refusal.into_response(),
    };
    let days = params.days.unwrap_or(PERIODS[0]);
    let picker: Vec<String> = PERIODS
        .iter()
        .map(|&d| {
            if d == days {
                format!("<strong>{d} days</strong>")
            } else {
                format!("<a href=\"{path}?days={d}\">{d} days</a>")
            }
        })
        .collect();
    let downloads: Vec<String> = ["pdf", "csv", "json"]
        .iter()
        .map(|ext| {
            format!(
                "<a href=\"{path}/report.{ext}?days={days}\" download>{}</a>",
                ext.to_uppercase()
            )
        })
        .collect();
    let nav = format!(
        "<nav class=\"portal\" style=\"font:14px system-ui,sans-serif;padding:8px 16px;border-bottom:1px solid #ddd;display:flex;gap:16px\">\
         <span>Period: {}</span><span>Download: {}</span></nav>",
        picker.join(" · "),
        downloads.join(" · ")
    );
    report_page(&html, &nav)
}

/// A report's HTML as a page, with `top` (the portal's navigation, a scheduled report's
/// approval) at the start of its body.
fn report_page(html: &str, top: &str) -> Response {
    let page = match html
        .find("<body")
        .and_then(|at| html[at..].find('>').map(|end| at + end + 1))
    {
        Some(at) => format!("{}{top}{}", &html[..at], &html[at..]),
        None => format!("{top}{html}"),
    };
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

async fn download(
    State(web): State<Web>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Path((client, file)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let asked = Asked {
        address,
        headers: &headers,
        params: &params,
    };
    let format = match file_gate(&web, &asked, "/c", &client, &file, "report.") {
        Ok(format) => format,
        Err(answer) => return *answer,
    };
    let (report_format, content_type) = match format.as_str() {
        "pdf" => (ReportFormat::Pdf, "application/pdf"),
        "html" => (ReportFormat::Html, "text/html; charset=utf-8"),
        "csv" => (ReportFormat::Csv, "text/csv; charset=utf-8"),
        "json" => (ReportFormat::Json, "application/json"),
        _ => return plain(StatusCode::NOT_FOUND, "no such page"),
    };
    let text = match client_report(&web, &client, &params, report_format) {
        Ok(text) => text,
        Err(refusal) => return refusal.into_response(),
    };
    let body = if report_format == ReportFormat::Pdf {
        match crate::pdf::html_to_pdf(&text) {
            Ok(bytes) => bytes,
            Err(e) => return plain(StatusCode::SERVICE_UNAVAILABLE, &format!("{e:#}")),
        }
    } else {
        text.into_bytes()
    };
    let days = params.days.unwrap_or(PERIODS[0]);
    let disposition = format!("attachment; filename=\"{client}-{days}-days.{format}\"");
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The client's data for BI tools, a table at a time: `{days,videos,comments,alerts}.{json,csv}`,
/// with the columns of `hashtrack export`'s tables (JSON: an object per row). Every stored
/// day unless `?days=N` asks for the last N; CSV text cells that a spreadsheet would run as a
/// formula are neutralised, as in the export.
async fn data(
    State(web): State<Web>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Path((client, file)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let asked = Asked {
        address,
        headers: &headers,
        params: &params,
    };
    let file = match file_gate(&web, &asked, "/api/v1", &client, &file, "") {
        Ok(file) => file,
        Err(answer) => return *answer,
    };
    let Some((table, format)) = file
        .split_once('.')
        .and_then(|(name, format)| Some((hashtrack::export::table(name)?, format)))
        .filter(|(_, format)| ["json", "csv"].contains(format))
    else {
        return plain(
            StatusCode::NOT_FOUND,
            "no such table: days, videos, comments or alerts, each .json or .csv",
        );
    };
    // As `export --days` takes it (at most ten years: a date arithmetic overflow is no answer).
    let last = params.days.map(|days| PeriodChoice::Last {
        days: days.clamp(1, 3660),
        to: None,
    });
    let mut periods = Vec::new();
    for campaign in web.config.campaigns.iter().filter(|c| c.client == client) {
        let Ok(Some((first, latest))) = web.store.date_range(&campaign.id) else {
            continue;
        };
        let (from, to) = last.map_or((first, latest), |last| last.dates(first, latest));
        periods.push(hashtrack::export::CampaignPeriod {
            campaign: campaign.id.clone(),
            from,
            to,
        });
    }
    let rows = match hashtrack::export::table_rows(&web.store, &periods, table) {
        Ok(rows) => rows,
        Err(e) => return plain(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    if format == "csv" {
        let csv = hashtrack::export::csv_document(table, &rows, CsvCells::Neutralised);
        ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response()
    } else {
        axum::Json(hashtrack::export::json_records(table, &rows)).into_response()
    }
}

/// Alerts the agency's view lists, newest first.
const AGENCY_ALERTS: usize = 50;
/// Days of credits the agency's view adds up per client.
const AGENCY_CREDIT_DAYS: u64 = 7;

/// The run, every client and campaign with its latest day, credits per client and day, and
/// the latest alerts with where each stands with its sinks: for the agency token only.
async fn agency_view(
    State(web): State<Web>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    if let Gate::Answer(response) = gate(&web, address, &headers, &params, "/", None) {
        return response;
    }
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>hashtrack</title>\
         <style>body{{font:14px system-ui,sans-serif;margin:24px}}td,th{{padding:2px 10px;text-align:left}}</style>\
         </head><body><h1>hashtrack</h1>{}{}{}{}{}</body></html>",
        run_section(&(web.status)()),
        campaigns_section(&web),
        credits_section(&web),
        client_reports_section(&web),
        alerts_section(&web)
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

fn run_section(status: &RunStatus) -> String {
    let progress = &status.progress;
    let keys: Vec<String> = progress
        .keys
        .iter()
        .map(|k| {
            let state = match &k.stopped {
                Some(why) => format!("stopped: {}", escape(why)),
                None => format!("{} of about {} requests", k.done, k.planned.max(k.done)),
            };
            format!(
                "<li>${} ({}/min): {} credits, {state}</li>",
                escape(&k.key_env),
                k.requests_per_minute,
                k.credits
            )
        })
        .collect();
    let now = match status.collecting {
        Some(date) => format!(
            "Collecting {date}: {} of about {} requests, {} credits, about {} min left, at {}.",
            progress.done,
            progress.planned.max(progress.done),
            progress.credits,
            progress.eta_secs().div_ceil(60),
            escape(&progress.campaign)
        ),
        None => format!(
            "Idle. Last day collected: {}. Next collection: {}.",
            status
                .last_collected
                .map_or("none since the service started".to_string(), |d| d
                    .to_string()),
            status
                .next_collection
                .map_or("not scheduled".to_string(), |at| at
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string())
        ),
    };
    format!("<h2>Run</h2><p>{now}</p><ul>{}</ul>", keys.join(""))
}

/// The latest stored day of a campaign.
fn latest_day(web: &Web, campaign: &str) -> Option<hashtrack::domain::DayMetrics> {
    web.store.latest_day(campaign).ok().flatten()
}

fn campaigns_section(web: &Web) -> String {
    let mut rows = String::new();
    for campaign in &web.config.campaigns {
        let latest = latest_day(web, &campaign.id);
        let (date, views, per_day) = match &latest {
            Some(day) => (
                day.date.to_string(),
                day.total_views
                    .map_or("unknown".to_string(), |v| format!("{v}")),
                day.view_growth.as_ref().map_or("unknown".to_string(), |g| {
                    format!("~{:.0}", g.per_day.max(0.0))
                }),
            ),
            None => (
                "nothing stored yet".to_string(),
                String::new(),
                String::new(),
            ),
        };
        rows.push_str(&format!(
            "<tr><td><a href=\"/c/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            encode(&campaign.client),
            escape(&campaign.client),
            escape(&campaign.name),
            escape(&date),
            escape(&views),
            escape(&per_day)
        ));
    }
    format!(
        "<h2>Campaigns</h2><table><thead><tr><th>Client</th><th>Campaign</th><th>Latest day</th>\
         <th>Total views</th><th>New views/day</th></tr></thead><tbody>{rows}</tbody></table>"
    )
}

/// Credits paid per client on each of the last days stored.
fn credits_section(web: &Web) -> String {
    let mut by_client: std::collections::BTreeMap<
        &str,
        std::collections::BTreeMap<chrono::NaiveDate, u64>,
    > = Default::default();
    for campaign in &web.config.campaigns {
        let Some(latest) = latest_day(web, &campaign.id) else {
            continue;
        };
        let from = latest.date - chrono::Days::new(AGENCY_CREDIT_DAYS - 1);
        for day in web
            .store
            .days(&campaign.id, from, latest.date)
            .unwrap_or_default()
        {
            *by_client
                .entry(&campaign.client)
                .or_default()
                .entry(day.date)
                .or_default() += u64::from(day.credits_spent);
        }
    }
    let rows: String = by_client
        .iter()
        .map(|(client, days)| {
            let cells: Vec<String> = days
                .iter()
                .map(|(date, credits)| format!("{date}: {credits}"))
                .collect();
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(client),
                days.values().sum::<u64>(),
                escape(&cells.join(", "))
            )
        })
        .collect();
    format!(
        "<h2>Credits, last {AGENCY_CREDIT_DAYS} stored days</h2><table><thead><tr><th>Client</th>\
         <th>Credits</th><th>By day</th></tr></thead><tbody>{rows}</tbody></table>"
    )
}

fn alerts_section(web: &Web) -> String {
    let mut entries = web.store.outbox_entries().unwrap_or_default();
    entries.sort_by_key(|e| std::cmp::Reverse((e.date, e.raised_at)));
    let rows: String = entries
        .iter()
        .take(AGENCY_ALERTS)
        .map(|entry| {
            let deliveries: Vec<String> = entry
                .deliveries
                .iter()
                .map(|(sink, d)| format!("{sink}: {:?}", d.state).to_lowercase())
                .collect();
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:?}</td><td>{}</td><td>{}</td></tr>",
                entry.date,
                escape(&entry.campaign_id),
                escape(&entry.rule),
                entry.severity,
                escape(&entry.message),
                escape(&deliveries.join(", "))
            )
        })
        .collect();
    format!(
        "<h2>Alerts</h2><table><thead><tr><th>Date</th><th>Campaign</th><th>Rule</th>\
         <th>Severity</th><th>Message</th><th>Delivery</th></tr></thead><tbody>{rows}</tbody></table>"
    )
}

/// A path segment: ids are letters, digits, `-` and `_` (files add `.`); anything else is
/// percent-encoded.
fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Scheduled client reports shown at once on the agency's view, newest first.
const AGENCY_CLIENT_REPORTS: usize = 20;

fn client_reports_section(web: &Web) -> String {
    let mut reports = web.store.client_reports().unwrap_or_default();
    if reports.is_empty() && web.config.clients.values().all(|c| c.reports.is_none()) {
        return String::new();
    }
    reports.sort_by_key(|r| std::cmp::Reverse((r.due_on, r.created_at)));
    let rows: String = reports
        .iter()
        .take(AGENCY_CLIENT_REPORTS)
        .map(|r| {
            let state = match r.state {
                MailState::AwaitingApproval => "awaiting your approval".to_string(),
                MailState::Ready => "being sent".to_string(),
                MailState::Retrying | MailState::Failed => format!(
                    "{}: {}",
                    r.state.name(),
                    r.last_error.as_deref().unwrap_or("")
                ),
                MailState::Sent => "sent".to_string(),
            };
            format!(
                "<tr><td>{}</td><td>{} to {}</td><td>{}</td><td><a href=\"{}\">{}</a></td></tr>",
                escape(&r.client_id),
                r.from,
                r.to,
                escape(&state),
                report_path(&r.client_id, r.due_on),
                if r.state == MailState::AwaitingApproval {
                    "preview and approve"
                } else {
                    "view"
                }
            )
        })
        .collect();
    format!(
        "<h2>Scheduled client reports</h2><table><thead><tr><th>Client</th><th>Period</th>\
         <th>State</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
    )
}

fn report_path(client: &str, due_on: chrono::NaiveDate) -> String {
    format!("/reports/{}/{due_on}", encode(client))
}

/// The record and its period's report as the client will get it, for the agency, with the
/// button that approves it while it waits.
async fn scheduled_report(
    State(web): State<Web>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Path((client, due_on)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let report = match agency_record(&web, address, &headers, &params, &client, &due_on) {
        Ok(report) => report,
        Err(answer) => return *answer,
    };
    let html = match super::mailing::preview(&web.config, &web.store, &report) {
        Ok(html) => html,
        Err(e) => return plain(StatusCode::NOT_FOUND, &format!("{e:#}")),
    };
    let recipients = web.config.clients[&client]
        .reports
        .as_ref()
        .map_or_else(String::new, |s| s.to.join(", "));
    let action = if report.state == MailState::AwaitingApproval {
        format!(
            "<form method=\"post\" action=\"{}/approve\"><button type=\"submit\">\
             Approve and send to {}</button></form>",
            report_path(&client, report.due_on),
            escape(&recipients)
        )
    } else {
        format!("<p>State: {}.</p>", report.state.name())
    };
    let bar = format!(
        "<div style=\"padding:12px;margin:0 0 16px;background:#fff7d6;border:1px solid #d9c36a\">\
         <p><a href=\"/\">hashtrack</a>: scheduled report for {}, {} to {}, due {}.</p>{action}</div>",
        escape(&client),
        report.from,
        report.to,
        report.due_on
    );
    report_page(&html, &bar)
}

/// Approves a scheduled report (the agency's token, from this service's own page only), and
/// has it sent at once.
async fn approve(
    State(web): State<Web>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Path((client, due_on)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    if !same_origin(&headers) {
        return plain(
            StatusCode::FORBIDDEN,
            "approvals are taken only from this service's own pages",
        );
    }
    let mut report = match agency_record(&web, address, &headers, &params, &client, &due_on) {
        Ok(report) => report,
        Err(answer) => return *answer,
    };
    if report.state != MailState::AwaitingApproval {
        return plain(
            StatusCode::CONFLICT,
            &format!(
                "this report is {}, not awaiting approval",
                report.state.name()
            ),
        );
    }
    let now = chrono::Utc::now().timestamp();
    report.state = MailState::Ready;
    report.approved_at = Some(now);
    report.changed_at = now;
    if let Err(e) = web.store.put_client_report(&report) {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
    }
    tracing::info!(client, due_on, "serve: a scheduled report was approved");
    web.mail_wake.notify_one();
    Redirect::to(&report_path(&client, report.due_on)).into_response()
}

/// The scheduled report `client`/`due_on`, for the agency's token only.
fn agency_record(
    web: &Web,
    address: SocketAddr,
    headers: &HeaderMap,
    params: &Params,
    client: &str,
    due_on: &str,
) -> Result<MailedReport, Box<Response>> {
    let path = format!("/reports/{}/{}", encode(client), encode(due_on));
    if let Gate::Answer(response) = gate(web, address, headers, params, &path, None) {
        return Err(Box::new(response));
    }
    let not_found = || Box::new(plain(StatusCode::NOT_FOUND, "no such scheduled report"));
    let due_on = due_on.parse().map_err(|_| not_found())?;
    match web.store.client_report(client, due_on) {
        Ok(Some(report)) => Ok(report),
        Ok(None) => Err(not_found()),
        Err(e) => Err(Box::new(plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
        ))),
    }
}

/// Whether a form post comes from this service's own page. A browser says where a request
/// comes from in `Sec-Fetch-Site`, which no page can set; an older one sends `Origin`, which
/// must name this host (with `Referrer-Policy: no-referrer` a browser sends `Origin: null`,
/// hence `Sec-Fetch-Site` first). A client that is not a browser sends neither, and is not
/// at risk of forged requests. With the cookie's `SameSite=Strict`, what another site makes a
/// browser post is refused twice.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text(HeaderName::from_static("sec-fetch-site")) {
        return site == "same-origin";
    }
    match (text(header::ORIGIN), text(header::HOST)) {
        (None, _) => true,
        (Some(origin), Some(host)) => {
            origin == format!("http://{host}") || origin == format!("https://{host}")
        }
        (Some(_), None) => false,
    }
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
