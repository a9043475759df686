//! `hashtrack serve` under readers: 50 clients read a client's portal (a month of history)
//! while the service collects a day at 10 requests a minute, the provider's paid rate. Prints
//! the page times (median, 95th percentile, slowest) and the collection's pacing, measured by
//! the simulator's own record of arrival times, beside a collection without readers in the
//! same run. Asserts nothing about speed. Run with `cargo bench --bench serve` (about 2
//! minutes: two days collected at 10 requests a minute).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use hashtrack_sim::{SimConfig, SimServer};

const READERS: usize = 50;
const REQUESTS_PER_MINUTE: u32 = 10;
const KEY: &str = "bench-key";
const BIN: &str = env!("CARGO_BIN_EXE_hashtrack");

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("campaigns.toml");
    write_config(&config, "http://127.0.0.1:9");
    // A month of history for the portal to show: the demo's days, into the service's store.
    let demo = Command::new(BIN)
        .args(["demo", "--days", "30", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let token = {
        let out = Command::new(BIN)
            .args(["tokens", "new", "--client", "acme", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };

    let quiet = collect_day(&config, date("2026-12-01"), None).await;
    let busy = collect_day(&config, date("2026-12-02"), Some(&token)).await;

    let mut times = busy.page_times.clone();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    println!(
        "portal /c/acme?days=30, {READERS} readers during a collection at {REQUESTS_PER_MINUTE} requests/min:"
    );
    println!(
        "  {} pages: median {:.0} ms, 95th percentile {:.0} ms (goal <= 300), slowest {:.0} ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(*times.last().unwrap())
    );
    println!("collection pacing, by the simulator's arrival times:");
    for (name, day) in [("without readers", &quiet), ("with readers", &busy)] {
        println!(
            "  {name:<16} {} paid calls, mean gap {:.2} s, shortest {:.2} s, the day in {:.0} s",
            day.calls,
            day.mean_gap.as_secs_f64(),
            day.shortest_gap.as_secs_f64(),
            day.took.as_secs_f64()
        );
    }
    println!(
        "  mean gap with readers / without: {:.3}",
        busy.mean_gap.as_secs_f64() / quiet.mean_gap.as_secs_f64()
    );
}

struct Day {
    calls: usize,
    mean_gap: Duration,
    shortest_gap: Duration,
    took: Duration,
    page_times: Vec<Duration>,
}

/// Collects `date` with a fresh service against a simulator at the paid rate, with
/// [`READERS`] portal readers when a token is given.
async fn collect_day(config: &Path, date: NaiveDate, readers: Option<&str>) -> Day {
    let sim = SimServer::start(
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        SimConfig {
            requests_per_window: REQUESTS_PER_MINUTE,
            window: Duration::from_secs(60),
            credits: 1_000_000,
            api_key: Some(KEY.to_string()),
            ..SimConfig::default()
        },
    )
    .await
    .unwrap();
    sim.set_date(date);
    write_config(config, &sim.base_url());
    let (mut child, url) = start_service(config, &format!("{date}T07:00:00Z"));
    let started = Instant::now();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let page_times = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for _ in 0..readers.map_or(0, |_| READERS) {
        let (url, token) = (url.clone(), readers.unwrap().to_string());
        let (done, page_times) = (done.clone(), page_times.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let asked = Instant::now();
                let page = http
                    .get(format!("{url}/c/acme?days=30"))
                    .header("cookie", format!("hashtrack_token={token}"))
                    .send()
                    .await
                    .unwrap();
                assert!(page.status().is_success(), "{}", page.status());
                page.bytes().await.unwrap();
                page_times.lock().unwrap().push(asked.elapsed());
            }
        }));
    }
    let http = reqwest::Client::new();
    loop {
        let health: serde_json::Value = http
            .get(format!("{url}/healthz"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if health["last_collected"] == date.to_string() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "{date} not collected"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let took = started.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    for task in tasks {
        task.await.unwrap();
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    child.wait().unwrap();
    let arrivals: Vec<Instant> = sim.paid_calls().iter().map(|c| c.at).collect();
    let gaps: Vec<Duration> = arrivals.windows(2).map(|w| w[1] - w[0]).collect();
    let page_times = page_times.lock().unwrap().clone();
    Day {
        calls: arrivals.len(),
        mean_gap: gaps.iter().sum::<Duration>() / gaps.len().max(1) as u32,
        shortest_gap: gaps.iter().min().copied().unwrap_or_default(),
        took,
        page_times,
    }
}

fn start_service(config: &Path, clock_start: &str) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(config)
        .env("SCAVIO_API_KEY", KEY)
        .env("HASHTRACK_CLOCK_START", clock_start)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    (child, url)
}

/// One client, one campaign of the shipped example's hashtag, at the paid rate.
fn write_config(path: &Path, api_base_url: &str) {
    std::fs::write(
        path,
        format!(
            "[settings]\napi_base_url = \"{api_base_url}\"\nrequests_per_minute = {REQUESTS_PER_MINUTE}\n\
             data_dir = \"data\"\n\n[clients.acme]\nname = \"Acme\"\n\n[[campaigns]]\nid = \"launch\"\n\
             client = \"acme\"\nhashtags = [\"GlassSkinGlowCo\"]\nvideos = 30\nsentiment_videos = 3\n\
             comments_per_video = 50\n"
        ),
    )
    .unwrap();
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
