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
        let mut child = hashtrack()
            .args(["serve", "--listen", "127.0.0.1:0", "--config"])
            .arg(config)
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
    // 05:59:57 UTC, the default zone: three seconds before the default collect_at, 06:00.
    let service = Service::start(&config, &format!("{DAY}T05:59:57Z"));
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
    assert!(!text.contains(TEST_KEY), "the key leaked into /metrics");

    let (code, stderr) = service.stop();
    assert_eq!(code, Some(143), "{stderr}");
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
