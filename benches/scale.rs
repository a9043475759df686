//! The scale benchmark: a store of 1,000 campaigns × 365 days, then a 30-day report over all
//! of them, a client's roll-up and exports, each timed as the `hashtrack` binary a person
//! would run (wall time and peak RSS of the process; twice, the second with the store in the
//! page cache), beside the same binary doing nothing (`--version`) as the baseline of the same
//! run. The child that writes the store times its bulk writer alone.
//!
//! The days are real: a 30-day demo against the simulator is run first, and its days and
//! comments are copied to every campaign and date of the big store through the store's own
//! writer. `cargo bench --bench scale` (`SCALE_CAMPAIGNS`, `SCALE_DAYS` change the size;
//! `SCALE_DIR` keeps the store there for a closer look, and with `SCALE_REUSE=1` times the
//! commands again on it without writing it anew).
//!
//! The store is written by a child process (this benchmark again, with [`WRITER_ENV`] set):
//! a process's peak RSS counts what its parent held when it forked, so the measuring process
//! stays small.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};

use hashtrack::domain::DayMetrics;
use hashtrack::store::{ReadComment, Store};

/// The bulk writer runs in this process, so it gets the `hashtrack` binary's allocator: on
/// glibc's it took 108 s for 365,000 days, on mimalloc 60 s (sled allocates per page).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLIENT_CAMPAIGNS: usize = 10;
/// How many times each command runs again with the store in the page cache.
const AGAIN_RUNS: usize = 5;
/// Set (to the data directory) in the child process that writes the store.
const WRITER_ENV: &str = "SCALE_WRITE_STORE";
const LAST_DAY: &str = "2026-11-30";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let campaigns = env_usize("SCALE_CAMPAIGNS", 1_000);
    let days = env_usize("SCALE_DAYS", 365);
    if let Some(dir) = std::env::var_os(WRITER_ENV) {
        return write_child(Path::new(&dir), campaigns, days);
    }
    let temporary = tempfile::tempdir().expect("a temporary directory");
    let dir = std::env::var_os("SCALE_DIR").map_or(temporary.path().to_path_buf(), PathBuf::from);
    std::fs::create_dir_all(&dir).expect("SCALE_DIR can be made");
    let started = Instant::now();
    // SCALE_REUSE=1 with SCALE_DIR times the commands again on the store written before.
    let reuse = std::env::var_os("SCALE_REUSE").is_some() && dir.join("data/store").exists();
    if !reuse {
        let status = Command::new(std::env::current_exe().expect("this benchmark's path"))
            .env(WRITER_ENV, &dir)
            .status()
            .expect("the writer starts");
        assert!(status.success(), "writing the store failed");
    }
    let write_time = started.elapsed();
    let config = dir.join("campaigns.toml");
    let data = dir.join("data");
    let store_dir = data.join("store");
    let written = (campaigns * days) as f64;
    let bytes = dir_bytes(&store_dir);
    let how = if reuse {
        "reused".to_string()
    } else {
        format!(
            "written in {:.1} s with the demo first ({:.0} days/s)",
            write_time.as_secs_f64(),
            written / write_time.as_secs_f64()
        )
    };
    println!(
        "store: {campaigns} campaigns × {days} days {how}; {:.0} MiB on disk, {:.1} KiB per campaign-day (copied days share more than real ones: the size is not a measure)",
        bytes as f64 / 1048576.0,
        bytes as f64 / 1024.0 / written
    );

    // Each command runs first as on a store not read for a while, then again with the
    // store's files in the page cache, as a second report of the day finds them. "Again" is
    // the median of AGAIN_RUNS runs (one for the year's export): a shared machine's wall
    // times vary by a fifth from run to run.
    let hashtrack = |repeats: usize, args: &[&str]| -> [Measured; 2] {
        let run = || {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_hashtrack"));
            cmd.args(args)
                .arg("--config")
                .arg(&config)
                .arg("--data-dir")
                .arg(&data);
            measure(cmd)
        };
        let first = run();
        let mut again: Vec<Measured> = (0..repeats).map(|_| run()).collect();
        again.sort_by_key(|m| m.wall);
        let peak = again
            .iter()
            .map(|m| m.rss_mib)
            .fold(first.rss_mib, f64::max);
        let mut median = again.swap_remove(again.len() / 2);
        median.rss_mib = peak;
        median.ok &= again.iter().all(|m| m.ok);
        [first, median]
    };
    let baseline = measure({
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hashtrack"));
        cmd.arg("--version");
        cmd
    });
    let export_30 = dir.join("export-30");
    let export_year = dir.join("export-year");
    let runs = [
        (
            "30-day report, all campaigns",
            hashtrack(AGAIN_RUNS, &["report", "--days", "30", "--to", LAST_DAY]),
        ),
        (
            "30-day report, all campaigns, JSON",
            hashtrack(
                AGAIN_RUNS,
                &[
                    "report", "--days", "30", "--to", LAST_DAY, "--format", "json",
                ],
            ),
        ),
        (
            "client roll-up, 30 days",
            hashtrack(
                AGAIN_RUNS,
                &[
                    "report",
                    "--client",
                    "client-007",
                    "--days",
                    "30",
                    "--to",
                    LAST_DAY,
                ],
            ),
        ),
        (
            "export parquet, 30 days",
            hashtrack(
                AGAIN_RUNS,
                &[
                    "export",
                    "--format",
                    "parquet",
                    "--days",
                    "30",
                    "--to",
                    LAST_DAY,
                    "--out",
                    export_30.to_str().unwrap(),
                ],
            ),
        ),
        (
            "export parquet, whole year",
            hashtrack(
                1,
                &[
                    "export",
                    "--format",
                    "parquet",
                    "--out",
                    export_year.to_str().unwrap(),
                ],
            ),
        ),
    ];
    println!(
        "{:<36} {:>9} {:>9} {:>10} {:>14}",
        "command", "first", "again", "peak RSS", "÷ baseline"
    );
    println!(
        "{:<36} {:>7.3} s {:>9} {:>6.0} MiB {:>14}",
        "baseline: hashtrack --version",
        baseline.wall.as_secs_f64(),
        "",
        baseline.rss_mib,
        "1.0×"
    );
    for (name, [first, again]) in &runs {
        println!(
            "{name:<36} {:>7.3} s {:>7.3} s {:>6.0} MiB {:>13.1}×{}",
            first.wall.as_secs_f64(),
            again.wall.as_secs_f64(),
            first.rss_mib.max(again.rss_mib),
            again.wall.as_secs_f64() / baseline.wall.as_secs_f64(),
            if first.ok && again.ok { "" } else { "  FAILED" }
        );
    }
}

/// The child process: a demo for real days, then the big store in `dir/data/store` and its
/// configuration in `dir/campaigns.toml`.
fn write_child(dir: &Path, campaigns: usize, days: usize) {
    // The benchmark belongs to crates/cli, two levels below the repository's top.
    let repo = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    eprintln!("scale: a 30-day demo for real days to copy …");
    let seed = dir.join("seed");
    let demo = Command::new(env!("CARGO_BIN_EXE_hashtrack"))
        .args(["demo", "--days", "30", "--config"])
        .arg(repo.join("campaigns.toml"))
        .arg("--data-dir")
        .arg(&seed)
        .stdout(Stdio::null())
        .status()
        .expect("hashtrack demo runs");
    assert!(demo.success(), "the demo failed");
    let templates = templates(&seed.join("store"));
    std::fs::write(dir.join("campaigns.toml"), config_text(campaigns)).expect("config written");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let started = Instant::now();
    let written = write_store(&dir.join("data/store"), &templates, campaigns, days);
    let wrote = started.elapsed().as_secs_f64();
    // Opening once more folds what was written into sled's snapshot of where each page is,
    // as the next command after a daily run does for that run's few MB: without it, the
    // first command timed would read through the whole year's log to find its pages.
    drop(Store::open(&dir.join("data/store")).expect("the written store opens"));
    let took = started.elapsed().as_secs_f64();
    println!(
        "bulk writer: {written} campaign-days in {took:.1} s ({:.0} days/s; {:.1} s of it the first open after)",
        written as f64 / took,
        took - wrote
    );
}

/// Every campaign-day of the demo store (the days and their comments), oldest first.
fn templates(store_dir: &Path) -> Vec<(DayMetrics, Vec<ReadComment>)> {
    let store = Store::open_existing(store_dir).expect("the demo store");
    let mut all = Vec::new();
    for id in [
        "glowco-glassskin",
        "glowco-nightroutine",
        "snackhaus-crunchtest",
        "strideon-firstmile",
    ] {
        let (from, to) = store.date_range(id).unwrap().expect("demo days");
        for day in store.days(id, from, to).unwrap() {
            let comments = store.comments_first_read_on(id, day.date).unwrap();
            all.push((day, comments));
        }
    }
    all
}

fn config_text(campaigns: usize) -> String {
    let mut text = String::from("[settings]\ndata_dir = \"data\"\n\n");
    for client in 0..campaigns.div_ceil(CLIENT_CAMPAIGNS) {
        text.push_str(&format!(
            "[clients.client-{client:03}]\nname = \"Client {client}\"\n\n"
        ));
    }
    for i in 0..campaigns {
        text.push_str(&format!(
            "[[campaigns]]\nid = \"campaign-{i:04}\"\nclient = \"client-{:03}\"\nhashtags = [\"tag{i}\"]\n\n",
            i / CLIENT_CAMPAIGNS
        ));
    }
    text
}

/// Writes `days` days of `campaigns` campaigns, each day a copy of a demo day.
fn write_store(
    store_dir: &Path,
    templates: &[(DayMetrics, Vec<ReadComment>)],
    campaigns: usize,
    days: usize,
) -> u64 {
    let store = Store::open(store_dir).expect("a new store");
    let last: NaiveDate = LAST_DAY.parse().unwrap();
    let first = last - Days::new(days as u64 - 1);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let written = std::sync::atomic::AtomicU64::new(0);
    std::thread::scope(|scope| {
        for t in 0..threads {
            let (store, written) = (&store, &written);
            scope.spawn(move || {
                for i in (t..campaigns).step_by(threads) {
                    // Each day's comments are its template's, not a copy: the time is the
                    // writer's, not this benchmark's.
                    let batch: Vec<(DayMetrics, &[ReadComment])> = (0..days)
                        .map(|d| {
                            let (template, comments) = &templates[(i * 31 + d) % templates.len()];
                            let mut day = template.clone();
                            day.campaign_id = format!("campaign-{i:04}");
                            day.client_id = format!("client-{:03}", i / CLIENT_CAMPAIGNS);
                            day.date = first + Days::new(d as u64);
                            day.previous_date = (d > 0).then(|| day.date - Days::new(1));
                            (day, comments.as_slice())
                        })
                        .collect();
                    let n = store
                        .put_days_in_bulk(batch.iter().map(|(d, c)| (d, *c)))
                        .expect("days written");
                    let total = written.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
                    // As a run does after each day: dictionaries once there is enough to learn.
                    if t == 0 {
                        store.learn_dictionaries().expect("dictionaries");
                    }
                    if total % (100 * days as u64) < n {
                        eprintln!("scale: {} campaign-days written", total);
                    }
                }
            });
        }
    });
    written.into_inner()
}

struct Measured {
    wall: Duration,
    rss_mib: f64,
    ok: bool,
}

/// Runs `cmd` (output discarded) and reads its wall time and peak RSS from `wait4`.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also gives its rusage"
)]
fn measure(mut cmd: Command) -> Measured {
    let started = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("hashtrack starts");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the two locals above.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert!(pid > 0, "wait4 failed");
    Measured {
        wall: started.elapsed(),
        // Linux reports ru_maxrss in KiB.
        rss_mib: usage.ru_maxrss as f64 / 1024.0,
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    }
}

fn dir_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match entry.metadata() {
                Ok(m) if m.is_dir() => stack.push(entry.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}
