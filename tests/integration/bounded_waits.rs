//! An unattended daily job must end: a full disk, a provider asking for an hour's wait and a
//! SIGTERM during a wait all end `hashtrack run` within seconds, with a clear message, and a
//! re-run pays nothing twice.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hashtrack_sim::{Fault, FaultKind};

use crate::util::*;

/// Runs `cmd` to its end: exit code, stderr and how long it took.
async fn timed(mut cmd: Command) -> (Option<i32>, String, Duration) {
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), stderr, started.elapsed())
}

/// A tmpfs of a given size mounted on a directory (as root, or through `sudo -n`), unmounted
/// when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// `None` where this machine lets no one here mount (neither root nor passwordless sudo).
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let args = ["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"];
        Tmpfs::mount_cmd(&args, dir).then(|| Tmpfs(dir.to_path_buf()))
    }

    fn resize(&self, size: &str) {
        let resized = Tmpfs::mount_cmd(&["-o", &format!("remount,size={size}")], &self.0);
        assert!(resized, "cannot resize the tmpfs on {}", self.0.display());
    }

    fn mount_cmd(args: &[&str], dir: &Path) -> bool {
        let as_root = unsafe { libc::geteuid() } == 0;
        let mut cmd = if as_root {
            Command::new("mount")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.args(["-n", "mount"]);
            sudo
        };
        cmd.args(args)
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = Command::new("sudo")
            .args(["-n", "umount"])
            .arg(&self.0)
            .stderr(Stdio::null())
            .status();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_ends_the_run_at_once_and_a_rerun_pays_nothing_twice() {
    let campaigns = [campaign("fulldisk", &["diskfull"]).videos(60)];
    let clean_sim = start_sim(roomy_sim()).await;
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_config = write_config(clean_dir.path(), &clean_sim.base_url(), 60_000, &campaigns);
    let (code, stderr, _) = timed(run_command(&clean_config)).await;
    assert_eq!(code, Some(0), "{stderr}");
    let baseline = clean_sim.stats().credits_charged;

    let sim = start_sim(roomy_sim()).await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &sim.base_url(), 60_000, &campaigns);
    let data = dir.path().join("data");
    let Some(volume) = Tmpfs::mount(&data, "2m") else {
        // Only where mounting is impossible (CI runs as root): said loudly, never silently.
        eprintln!("SKIPPED: mounting a tmpfs needs root or passwordless sudo on this machine");
        return;
    };
    let (code, stderr, took) = timed(run_command(&config)).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let message = stderr.lines().last().unwrap_or_default();
    assert!(
        message.contains("is full") && message.contains(data.to_str().unwrap()),
        "{stderr}"
    );
    assert!(message.contains("re-run the same date"), "{stderr}");
    let paid_before = sim.stats().credits_charged;

    volume.resize("64m");
    let (code, stderr, _) = timed(run_command(&config)).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        sim.stats().credits_charged,
        baseline,
        "the failed run paid {paid_before}; together they paid more than one clean run"
    );
}

/// A simulator whose first answer is a 429 with `Retry-After: SECS`, and a campaign on it.
async fn told_to_wait(secs: u64) -> (hashtrack_sim::SimServer, tempfile::TempDir, PathBuf) {
    let sim = start_sim(roomy_sim()).await;
    sim.inject(Fault::any(
        FaultKind::RateLimited {
            retry_after_secs: secs,
        },
        1,
    ));
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &sim.base_url(),
        60_000,
        &[campaign("patience", &["longwait"])],
    );
    (sim, dir, config)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_hours_retry_after_stops_the_key_at_once_with_exit_2() {
    let (_sim, _dir, config) = told_to_wait(3600).await;
    let (code, stderr, took) = timed(run_command(&config)).await;
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        took < hashtrack::api::MAX_WAIT,
        "took {took:?}, more than the cap"
    );
    assert!(stderr.contains("asked to wait 3600 s"), "{stderr}");
    assert!(stderr.contains("missing"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_ends_a_rate_limit_wait_within_two_seconds() {
    let (sim, _dir, config) = told_to_wait(100).await;
    let child = run_command(&config).spawn().unwrap();
    let waiting_since = Instant::now();
    while sim.stats().faults_served == 0 {
        assert!(
            waiting_since.elapsed() < Duration::from_secs(30),
            "no 429 served"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Well into the wait.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let signalled = Instant::now();
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let took = signalled.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(took < Duration::from_secs(2), "took {took:?}: {stderr}");
    assert_eq!(out.status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("stopped by SIGTERM"), "{stderr}");
}
