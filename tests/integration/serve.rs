//! `hashtrack serve` against the simulator, on a test clock (`HASHTRACK_CLOCK_START`): it
//! waits for `collect_at`, collects the day once, reports its health and Prometheus metrics,
//! and a SIGTERM in the middle of a collection then a restart resume the day without paying
//! a credit twice.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use hashtrack_sim::SimServer;
use serde_json::Value;

use crate::util::*;

/// The simulator's first day; the service's clock starts just before its collection time.
const DAY: &str = "2026-11-01";

/// A running `hashtrack serve` and the base URL it printed.
struct Service {
    child: Child,
    url: String,
}

impl Service {
    fn start(config: &Path, clock_start: &str) -> Service {
        Service::start_with(config, clock_start, &[])
    }

    /// Started with more arguments (`--log-format json`).
    fn start_with(config: &Path, clock_start: &str, more: &[&str]) -> Service {
        Service::launch(config, clock_start, more, &[])
    }

    /// Started with more arguments and environment variables.
    fn launch(config: &Path, clock_start: &str, more: &[&str], env: &[(&str, &str)]) -> Service {
        let mut child = hashtrack()
            .args(["serve", "--listen", "127.0.0.1:0", "--config"])
            .arg(config)
            .args(more)
            .envs(env.iter().copied())
            .env("SCAVIO_API_KEY", TEST_KEY)
            .env("HASHTRACK_CLOCK_START", clock_start)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("serve printed no URL: {first:?}"))
            .to_string();
        Service { child, url }
    }

    async fn get(&self, path: &str) -> String {
        reqwest::get(format!("{}{path}", self.url))
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// A page read with `token` as its cookie.
    async fn page(&self, path: &str, token: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}{path}", self.url))
            .header("cookie", format!("hashtrack_token={token}"))
            .send()
            .await
            .unwrap()
    }

    async fn health(&self) -> Value {
        serde_json::from_str(&self.get("/healthz").await).unwrap()
    }

    /// Waits until `/healthz` says `DAY` is collected.
    async fn collected(&self, within: Duration) {
        let started = Instant::now();
        while self.health().await["last_collected"] != DAY {
            assert!(
                started.elapsed() < within,
                "{DAY} not collected in {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// SIGTERM, and the exit code and stderr.
    fn stop(self) -> (Option<i32>, String) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let out = self.child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

async fn world(requests_per_minute: u32) -> (SimServer, tempfile::TempDir, std::path::PathBuf) {
    let sim = start_sim(roomy_sim()).await;
    sim.set_date(date(DAY));
    let dir = tempfile::tempdir().unwrap();
    let spec = campaign("c", &["serveco"]).sentiment_videos(2);
    let config = write_config(dir.path(), &sim.base_url(), requests_per_minute, &[spec]);
    (sim, dir, config)
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_waits_for_its_time_collects_once_and_exposes_health_and_metrics() {
    let (sim, _dir, config) = world(60_000).await;
    // Its first two requests are told to wait: counted as 429s, then retried.
    sim.inject(hashtrack_sim::Fault::any(
        hashtrack_sim::FaultKind::RateLimited {
            retry_after_secs: 1,
        },
        2,
    ));
    // 05:59:57 UTC, the default zone: three seconds before the default collect_at, 06:00.
    let service = Service::start_with(
        &config,
        &format!("{DAY}T05:59:57Z"),
        &["--log-format", "json"],
    );
    let health = service.health().await;
    assert_eq!(health["last_collected"], Value::Null, "{health}");
    assert_eq!(
        health["next_collection"],
        format!("{DAY}T06:00:00Z"),
        "{health}"
    );
    assert_eq!(
        sim.stats().credits_charged,
        0,
        "it collected before its time"
    );

    service.collected(Duration::from_secs(60)).await;
    let charged = sim.stats().credits_charged;
    assert!(charged > 0);
    // Collected once: the next is tomorrow, and nothing more is spent.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let health = service.health().await;
    assert_eq!(
        health["next_collection"], "2026-11-02T06:00:00Z",
        "{health}"
    );
    assert_eq!(sim.stats().credits_charged, charged);

    let text = service.get("/metrics").await;
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("Prometheus text format");
    let value = |name: &str, label: Option<(&str, &str)>| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == name && label.is_none_or(|(k, v)| s.labels.get(k) == Some(v)))
            .map(|s| match s.value {
                prometheus_parse::Value::Counter(x) | prometheus_parse::Value::Gauge(x) => x,
                ref other => panic!("{name}: {other:?}"),
            })
            .unwrap_or_else(|| panic!("no {name} {label:?} in:\n{text}"))
    };
    assert_eq!(value("hashtrack_runs_total", None), 1.0);
    assert_eq!(
        value("hashtrack_credits_total", Some(("key", "SCAVIO_API_KEY"))),
        charged as f64
    );
    assert!(value("hashtrack_requests_total", Some(("key", "SCAVIO_API_KEY"))) >= charged as f64);
    let midnight = date(DAY)
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp() as f64;
    assert_eq!(
        value(
            "hashtrack_last_stored_day_timestamp_seconds",
            Some(("campaign", "c"))
        ),
        midnight
    );
    assert_eq!(
        value("hashtrack_alert_deliveries", Some(("state", "failed"))),
        0.0
    );
    let key = Some(("key", "SCAVIO_API_KEY"));
    assert_eq!(value("hashtrack_rate_limited_total", key), 2.0);
    assert!(value("hashtrack_retries_total", key) >= 2.0);
    assert!(!text.contains(TEST_KEY), "the key leaked into /metrics");

    let (code, stderr) = service.stop();
    assert_eq!(code, Some(143), "{stderr}");
    // With --log-format json, stderr is log objects only, the collection's figures among them.
    let logs: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let collected = logs
        .iter()
        .find(|l| l["fields"]["message"] == "serve: collected")
        .unwrap_or_else(|| panic!("no collection logged: {stderr}"));
    assert_eq!(collected["fields"]["credits"], charged);
    assert_eq!(collected["fields"]["date"], DAY);
    assert!(logs.iter().any(|l| {
        l["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("SIGTERM: no new requests"))
    }));
    // The store is free again once it stopped, with the day in it.
    let (_, store) = {
        let setup = setup(&config, TEST_KEY);
        (setup.pipeline, setup.store)
    };
    assert!(store.day("c", date(DAY)).unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sigterm_mid_collection_then_a_restart_resumes_the_day_paying_nothing_twice() {
    // The same world collected without a stop, for what the day costs.
    let (whole, _whole_dir, whole_config) = world(60_000).await;
    let service = Service::start(&whole_config, &format!("{DAY}T07:00:00Z"));
    service.collected(Duration::from_secs(60)).await;
    service.stop();
    let cost = whole.stats().credits_charged;
    assert!(cost >= 4, "{cost}");

    // At 2 requests a second, stopped after its first paid calls.
    let (sim, _dir, config) = world(120).await;
    let service = Service::start(&config, &format!("{DAY}T07:00:00Z"));
    let started = Instant::now();
    while sim.stats().credits_charged < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no request came"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (code, stderr) = service.stop();
    assert_eq!(code, Some(143), "{stderr}");
    let paid_before = sim.stats().credits_charged;
    assert!(
        paid_before < cost,
        "it finished before the stop: {paid_before} of {cost}"
    );

    // Restarted later the same day: it catches the day up, and the day costs what it costs.
    let service = Service::start(&config, &format!("{DAY}T09:30:00Z"));
    service.collected(Duration::from_secs(90)).await;
    service.stop();
    assert_eq!(sim.stats().credits_charged, cost);
}

/// `hashtrack tokens new ...` for `config`: the token it printed.
fn new_token(config: &Path, scope: &[&str]) -> String {
    let out = run_ok(
        hashtrack()
            .args(["tokens", "new", "--config"])
            .arg(config)
            .args(scope),
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_token_reads_its_own_client_only_on_every_route() {
    let sim = start_sim(roomy_sim()).await;
    sim.set_date(date(DAY));
    let dir = tempfile::tempdir().unwrap();
    let config = ConfigFile {
        base_url: sim.base_url(),
        requests_per_minute: 60_000,
        client_budget: None,
        campaigns: vec![
            campaign("a1", &["serveco"]).sentiment_videos(1),
            campaign("b1", &["betaco"])
                .client("beta")
                .sentiment_videos(1),
        ],
        sinks: toml::Table::new(),
        client_sinks: Vec::new(),
    }
    .write_with_clients(
        dir.path(),
        &[Client {
            id: "beta",
            api_key_env: None,
            requests_per_minute: None,
        }],
    );
    let service = Service::start(&config, &format!("{DAY}T08:00:00Z"));
    service.collected(Duration::from_secs(60)).await;
    // Made while the service runs: it reads the tokens file again.
    let acme = new_token(&config, &["--client", "acme", "--label", "Acme team"]);
    let beta = new_token(&config, &["--client", "beta"]);
    let agency = new_token(&config, &["--agency"]);
    let kept = std::fs::read_to_string(dir.path().join("data/tokens.json")).unwrap();
    assert!(
        !kept.contains(&acme[4..]),
        "a token is kept only as its hash"
    );

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let status = |path: String, token: Option<String>| {
        let http = http.clone();
        let url = format!("{}{path}", service.url);
        async move {
            let mut request = http.get(url);
            if let Some(token) = token {
                request = request.header("cookie", format!("hashtrack_token={token}"));
            }
            request.send().await.unwrap().status().as_u16()
        }
    };
    let routes = |client: &str| {
        [
            format!("/c/{client}"),
            format!("/c/{client}?days=30"),
            format!("/c/{client}/report.pdf"),
            format!("/c/{client}/report.csv"),
            format!("/c/{client}/report.json"),
            format!("/c/{client}/report.html"),
            format!("/api/v1/{client}/days.json"),
            format!("/api/v1/{client}/days.csv"),
            // A period beyond any calendar is taken as the longest `export` allows.
            format!("/api/v1/{client}/days.csv?days=4000000000"),
            format!("/api/v1/{client}/videos.json"),
            format!("/api/v1/{client}/videos.csv"),
            format!("/api/v1/{client}/comments.json"),
            format!("/api/v1/{client}/comments.csv?days=30"),
            format!("/api/v1/{client}/alerts.json"),
            format!("/api/v1/{client}/alerts.csv"),
        ]
    };
    let expect = |path: &String, token: &Option<String>, code: u16| {
        let (path, token) = (path.clone(), token.clone());
        let asked = status(path.clone(), token.clone());
        async move {
            let got = asked.await;
            let whose = token.as_deref().map_or("no token", |t| &t[..12]);
            assert_eq!(got, code, "{path} with {whose}");
        }
    };
    let (acme_t, beta_t, agency_t) = (Some(acme.clone()), Some(beta.clone()), Some(agency.clone()));
    for path in routes("acme") {
        expect(&path, &acme_t, 200).await;
        expect(&path, &agency_t, 200).await;
        expect(&path, &beta_t, 404).await;
        expect(&path, &None, 401).await;
    }
    for path in routes("beta") {
        expect(&path, &acme_t, 404).await;
        expect(&path, &beta_t, 200).await;
    }
    for path in routes("nobody") {
        assert_eq!(
            status(path.clone(), Some(agency.clone())).await,
            404,
            "{path}"
        );
    }
    assert_eq!(status("/".into(), Some(agency.clone())).await, 200);
    assert_eq!(status("/".into(), Some(acme.clone())).await, 404);
    let view = service.page("/", &agency).await.text().await.unwrap();
    for part in [
        "<h2>Run</h2>",
        "Idle. Last day collected: 2026-11-01",
        "a1",
        "b1",
        "<h2>Credits",
        "<h2>Alerts</h2>",
    ] {
        assert!(
            view.contains(part),
            "no {part} in the agency's view:\n{view}"
        );
    }

    // The API's tables: the export's columns, this client's rows only.
    for table in ["days", "videos", "comments"] {
        let path = format!("/api/v1/acme/{table}.json");
        let rows: Vec<serde_json::Value> = service.page(&path, &acme).await.json().await.unwrap();
        assert!(!rows.is_empty(), "{path} is empty");
        assert!(
            rows.iter().all(|row| row["client"] == "acme"),
            "{path} has another client's rows"
        );
    }
    let videos = service
        .page("/api/v1/acme/videos.csv", &acme)
        .await
        .text()
        .await
        .unwrap();
    let header = videos.lines().next().unwrap();
    assert!(
        header.starts_with("campaign,client,date,video_id"),
        "{header}"
    );
    assert_eq!(
        service
            .page("/api/v1/acme/secrets.json", &acme)
            .await
            .status()
            .as_u16(),
        404
    );

    // A link with its token: the cookie is set and the address loaded without it.
    let first = http
        .get(format!("{}/c/acme?days=30&t={acme}", service.url))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 303);
    assert_eq!(first.headers()["location"], "/c/acme?days=30");
    let cookie = first.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    // The portal: headers, nothing loaded from outside, no script.
    let page = service.page("/c/acme", &acme).await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("a1") && !html.contains("b1"),
        "acme's campaign only"
    );
    assert!(
        html.contains("days=30") && html.contains("report.pdf"),
        "picker and downloads"
    );
    for outside in ["src=\"http", "src='http", "url(http", "<script", "<link"] {
        assert!(!html.contains(outside), "the portal loads {outside}");
    }

    // The PDF download: the same report, printed by headless Chromium.
    let pdf = service.page("/c/acme/report.pdf?days=30", &acme).await;
    assert_eq!(pdf.status().as_u16(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let disposition = pdf.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("acme-30-days.pdf"), "{disposition}");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    // A revoked token opens nothing, and guessing is cut off.
    let id = {
        let out = run_ok(
            hashtrack()
                .args(["tokens", "list", "--config"])
                .arg(&config),
        );
        let list = String::from_utf8(out.stdout).unwrap();
        let line = list
            .lines()
            .find(|l| l.contains("client beta"))
            .unwrap()
            .to_string();
        line.split_whitespace().next().unwrap().to_string()
    };
    run_ok(
        hashtrack()
            .args(["tokens", "revoke", &id, "--config"])
            .arg(&config),
    );
    assert_eq!(status("/c/beta".into(), Some(beta.clone())).await, 403);
    // Behind a reverse proxy on this machine, each forwarded-for address has its own limit.
    let via_proxy = |visitor: &'static str, token: String| {
        let request = http
            .get(format!("{}/c/acme", service.url))
            .header("x-forwarded-for", format!("10.9.9.9, {visitor}"))
            .header("cookie", format!("hashtrack_token={token}"));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let mut last = 0;
    for n in 0..12 {
        last = via_proxy("203.0.113.7", format!("htk_wrong{n}")).await;
    }
    assert_eq!(last, 429, "one visitor guessing goes on");
    assert_eq!(
        via_proxy("198.51.100.2", acme.clone()).await,
        200,
        "another is let in"
    );
    for n in 0..12 {
        last = status("/c/acme".into(), Some(format!("htk_wrong{n}"))).await;
    }
    assert_eq!(last, 429, "guessing goes on");
    service.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn report_export_alerts_and_backup_work_during_a_collection_and_the_report_equals_the_one_after_it()
 {
    // Day one collected quickly; day two at a request every three seconds, so that it takes
    // a while (the report, the export and the backup are asked meanwhile).
    let (sim, dir, config) = world(60_000).await;
    let service = Service::start(&config, &format!("{DAY}T07:00:00Z"));
    service.collected(Duration::from_secs(60)).await;
    service.stop();
    let config = write_config(
        dir.path(),
        &sim.base_url(),
        20,
        &[campaign("c", &["serveco"]).sentiment_videos(2)],
    );
    sim.set_date(date("2026-11-02"));
    let agency = new_token(&config, &["--agency"]);
    let service = Service::start(&config, "2026-11-02T07:00:00Z");
    let report = || {
        let out = run_ok(
            hashtrack()
                .args([
                    "report", "--to", DAY, "--days", "7", "--format", "json", "--config",
                ])
                .arg(&config),
        );
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !stderr.contains("reporting the days computed so far"),
            "read copies: {stderr}"
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let started = Instant::now();
    while service.health().await["collecting"] != "2026-11-02" {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "day two never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The agency's view shows the run at work.
    let view = service.page("/", &agency).await.text().await.unwrap();
    assert!(view.contains("Collecting 2026-11-02: "), "{view}");
    assert!(view.contains("$SCAVIO_API_KEY (20/min)"), "{view}");
    let during = report();
    assert!(during.contains("\"campaign_id\""), "{during}");
    // And a backup, made by the service from the store it holds.
    let out = run_ok(
        hashtrack()
            .current_dir(dir.path())
            .args(["store", "backup", "backup", "--config"])
            .arg(&config),
    );
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(said.contains("copied by the running service"), "{said}");
    // `alerts` and `store check` are answered by the service too.
    let alerts = || {
        let out = run_ok(
            hashtrack()
                .args(["alerts", "--json", "--to", DAY, "--config"])
                .arg(&config),
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let alerts_during = alerts();
    let out = run_ok(
        hashtrack()
            .args(["store", "check", "--config"])
            .arg(&config),
    );
    let checked = String::from_utf8(out.stdout).unwrap();
    assert!(
        checked.contains("client_reports") && checked.contains("is sound"),
        "{checked}"
    );
    let health = service.health().await;
    assert_eq!(
        health["collecting"], "2026-11-02",
        "asked too late: {health}"
    );
    let started = Instant::now();
    while service.health().await["last_collected"] != "2026-11-02" {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "day two never finished"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(report(), during);
    service.stop();
    assert_eq!(alerts(), alerts_during, "read from the store itself");
    // The backup opens and reads whole, with the first day in it.
    run_ok(
        hashtrack()
            .args(["store", "check", "--config"])
            .arg(&config)
            .arg("--data-dir")
            .arg(dir.path().join("backup")),
    );
    let backup = hashtrack::store::Store::open_existing(&dir.path().join("backup/store")).unwrap();
    assert!(backup.day("c", date(DAY)).unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn in_a_browser_the_agency_view_a_portal_a_period_and_a_pdf_load_nothing_from_outside() {
    let Some(browser) = crate::html_report::chromium() else {
        return;
    };
    let (_sim, dir, config) = world(60_000).await;
    let service = Service::start(&config, &format!("{DAY}T07:00:00Z"));
    service.collected(Duration::from_secs(60)).await;
    let agency = new_token(&config, &["--agency"]);
    let (url, downloads) = (service.url.clone(), dir.path().join("downloads"));
    let requested = tokio::task::spawn_blocking(move || {
        let mut page =
            crate::devtools::Page::open_url(&browser, &format!("{url}/?t={agency}"), (1200, 900));
        // The link's token became a cookie, and the address lost it.
        assert_eq!(page.eval("location.pathname + location.search"), "/");
        let text = |page: &mut crate::devtools::Page| {
            page.eval("document.body.innerText").as_str().unwrap().to_string()
        };
        assert!(text(&mut page).contains("Campaigns"), "{}", text(&mut page));
        // The agency's view links to the client's portal.
        page.eval("document.querySelector('a[href=\"/c/acme\"]').click()");
        page.wait_until_loaded();
        assert_eq!(page.eval("location.pathname"), "/c/acme");
        assert!(text(&mut page).contains("Period: 7 days"), "{}", text(&mut page));
        // A period change.
        page.eval("document.querySelector('a[href=\"/c/acme?days=30\"]').click()");
        page.wait_until_loaded();
        assert_eq!(page.eval("location.search"), "?days=30");
        assert!(text(&mut page).contains("Period: 7 days · 30 days"), "{}", text(&mut page));
        // The PDF download.
        std::fs::create_dir_all(&downloads).unwrap();
        page.call(
            "Page.setDownloadBehavior",
            serde_json::json!({"behavior": "allow", "downloadPath": downloads.display().to_string()}),
        );
        page.eval("document.querySelector('a[href*=\"report.pdf\"]').click()");
        let started = Instant::now();
        let pdf = loop {
            let done = std::fs::read_dir(&downloads)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.extension().is_some_and(|x| x == "pdf"));
            if let Some(pdf) = done {
                break pdf;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "no PDF downloaded");
            std::thread::sleep(Duration::from_millis(200));
        };
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"), "{}", pdf.display());
        page.requested()
    })
    .await
    .unwrap();
    assert!(requested.len() >= 4, "{requested:?}");
    for asked in &requested {
        assert!(
            asked.starts_with(&service.url) || asked.starts_with("data:") || asked == "about:blank",
            "the pages loaded {asked} from outside"
        );
    }
    service.stop();
}

/// A Prometheus sample's value in `/metrics`, if there is one.
async fn metric(service: &Service, name: &str, label: (&str, &str)) -> Option<f64> {
    let text = service.get("/metrics").await;
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap();
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name && s.labels.get(label.0) == Some(label.1))
        .map(|s| match s.value {
            prometheus_parse::Value::Gauge(x) | prometheus_parse::Value::Counter(x) => x,
            ref other => panic!("{name}: {other:?}"),
        })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_weekly_report_reaches_the_client_once_after_approval_and_never_twice() {
    let receiver = SmtpReceiver::start("agency", "smtp-pa55").await;
    let smtp_url = format!("smtp://agency:smtp-pa55@127.0.0.1:{}", receiver.port);
    let (_sim, dir, config) = world(60_000).await;
    // DAY is a Sunday: the weekly report is due at 06:30, after the 06:00 collection.
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "\n[clients.acme.reports]\nevery = \"sunday 06:30\"\ndays = 7\nformat = \"pdf\"\n\
         to = [\"brand@acme.example\"]\napprove = true\n\n[sinks.mail]\nkind = \"email\"\n\
         smtp_url_env = \"SERVE_SMTP_URL\"\nfrom = \"reports@agency.example\"\n\
         to = [\"ops@agency.example\"]\n",
    );
    std::fs::write(&config, text).unwrap();
    let clock = format!("{DAY}T06:30:05Z");
    let env = [("SERVE_SMTP_URL", smtp_url.as_str())];
    let service = Service::launch(&config, &clock, &[], &env);
    service.collected(Duration::from_secs(60)).await;
    let agency = new_token(&config, &["--agency"]);
    let client = new_token(&config, &["--client", "acme"]);

    // Due, shown to the agency, and held for approval.
    let started = Instant::now();
    while metric(
        &service,
        "hashtrack_client_reports",
        ("state", "awaiting_approval"),
    )
    .await
        != Some(1.0)
    {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "never came due"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let view = service.page("/", &agency).await.text().await.unwrap();
    assert!(
        view.contains("Scheduled client reports") && view.contains("awaiting your approval"),
        "{view}"
    );
    let preview_path = format!("/reports/acme/{DAY}");
    assert!(view.contains(&preview_path), "{view}");
    let preview = service
        .page(&preview_path, &agency)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        preview.contains("Approve and send to brand@acme.example")
            && preview.contains("2026-10-26 to 2026-11-01"),
        "{preview}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(receiver.mails().is_empty(), "sent before approval");

    // Only the agency's token, from the service's own page, approves.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let approve_url = format!("{}{preview_path}/approve", service.url);
    let post = |token: &str, origin: Option<&str>| {
        let mut request = http
            .post(&approve_url)
            .header("cookie", format!("hashtrack_token={token}"));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(post(&agency, Some("https://evil.example")).await, 403);
    let cross_site = http
        .post(&approve_url)
        .header("cookie", format!("hashtrack_token={agency}"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status().as_u16(), 403);
    assert_eq!(post(&client, Some(&service.url)).await, 404);
    assert_eq!(
        metric(
            &service,
            "hashtrack_client_reports",
            ("state", "awaiting_approval")
        )
        .await,
        Some(1.0),
        "a refused approval changed nothing"
    );
    match crate::html_report::chromium() {
        // As the agency does it: the link with the token, the preview, the button.
        Some(browser) => {
            let url = format!("{}{preview_path}?t={agency}", service.url);
            tokio::task::spawn_blocking(move || {
                let mut page = crate::devtools::Page::open_url(&browser, &url, (1200, 900));
                page.eval("document.querySelector('form button').click()");
                let clicked = Instant::now();
                loop {
                    page.wait_until_loaded();
                    let text = page.eval("document.body.innerText");
                    let text = text.as_str().unwrap_or_default();
                    if text.contains("State: ") && !text.contains("Approve and send") {
                        break;
                    }
                    assert!(clicked.elapsed() < Duration::from_secs(30), "{text}");
                }
            })
            .await
            .unwrap();
        }
        None => assert_eq!(post(&agency, Some(&service.url)).await, 303),
    }
    assert_eq!(
        post(&agency, Some(&service.url)).await,
        409,
        "approved once"
    );

    let started = Instant::now();
    while metric(&service, "hashtrack_client_reports", ("state", "sent")).await != Some(1.0) {
        assert!(started.elapsed() < Duration::from_secs(90), "never sent");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let mails = receiver.mails();
    assert_eq!(mails.len(), 1);
    let mail = std::fs::read_to_string(&mails[0]).unwrap();
    for part in [
        "To: brand@acme.example",
        "Subject: Acme: campaign report, 2026-10-26 to 2026-11-01",
        "application/pdf",
        "acme-2026-11-01.pdf",
    ] {
        assert!(
            mail.contains(part),
            "no {part} in:\n{}",
            &mail[..mail.len().min(3000)]
        );
    }

    // A restart within the same period sends nothing again.
    let (code, stderr) = service.stop();
    assert_eq!(code, Some(143), "{stderr}");
    let service = Service::launch(&config, &clock, &[], &env);
    service.collected(Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        metric(&service, "hashtrack_client_reports", ("state", "sent")).await,
        Some(1.0)
    );
    assert_eq!(receiver.mails().len(), 1, "sent twice across a restart");
    let (_, stderr) = service.stop();
    let stored = walk(dir.path())
        .into_iter()
        .flat_map(|f| std::fs::read(f).unwrap())
        .collect::<Vec<u8>>();
    for secret in ["smtp-pa55", smtp_url.as_str()] {
        assert!(!stderr.contains(secret), "the SMTP password in the logs");
        assert!(
            !String::from_utf8_lossy(&stored).contains(secret),
            "the SMTP password in the data dir"
        );
    }
}
