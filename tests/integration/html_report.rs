//! The client report as a client receives it: one HTML file from a demo store, checked for
//! structure and outside resources, compared with the JSON report of the same period, and
//! rendered by headless Chromium (Debian's `chromium-headless-shell`, which `.ci/run`
//! installs): the screenshot is not blank and the page says the client's name and figures.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{demo_store, hashtrack, run_ok};

fn report(dir: &Path, config: &Path, args: &[&str]) -> String {
    let out = run_ok(
        hashtrack()
            .args(["report", "--data-dir"])
            .arg(dir.join("data"))
            .arg("--config")
            .arg(config)
            .args(args),
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Headless Chromium, or `None` off CI (where `.ci/run` installs it, its absence fails).
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    let found = ["chromium-headless-shell", "chromium", "google-chrome"]
        .iter()
        .flat_map(|name| dirs.iter().map(move |d| d.join(name)))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium-headless-shell (.ci/run installs it)"
        );
        eprintln!("SKIPPED the Chromium checks: install chromium-headless-shell to run them");
    }
    found
}

#[test]
fn a_client_report_is_one_file_that_chromium_renders_with_the_clients_figures() {
    let (dir, config) = demo_store(12);
    let html = report(
        dir.path(),
        &config,
        &["--client", "glowco", "--days", "10", "--format", "html"],
    );
    let json: serde_json::Value = serde_json::from_str(&report(
        dir.path(),
        &config,
        &["--client", "glowco", "--days", "10", "--format", "json"],
    ))
    .unwrap();

    // Structure: one document, charts inline, nothing fetched, no script.
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert!(
        html.matches("<svg").count() >= 8,
        "charts for both campaigns"
    );
    assert!(!html.contains("<script"));
    for outside in ["src=\"http", "src=\"//", "@import", "url(http", "<link"] {
        assert!(!html.contains(outside), "an outside resource: {outside}");
    }
    assert!(
        html.contains("src=\"data:image/svg+xml;base64,"),
        "the logo is embedded"
    );
    assert!(html.contains("Brightside Social") && html.contains("GlowCo Skincare"));
    assert!(!html.contains("Internal:"), "no cost in the client's copy");

    // The charts' data is the JSON report's: every day's new-comment count labels its bar,
    // and every top video links to TikTok.
    for campaign in json["campaigns"].as_array().unwrap() {
        for day in campaign["days"].as_array().unwrap() {
            if day["sentiment"]["status"] == "scored"
                && day["sentiment"]["comments"].as_u64() > Some(0)
            {
                let label = format!(">\n{}\n</text>", day["sentiment"]["comments"]);
                assert!(html.contains(&label), "{label}");
            }
        }
        for video in campaign["top_videos"].as_array().unwrap() {
            assert!(html.contains(video["url"].as_str().unwrap()));
        }
    }

    let Some(browser) = chromium() else { return };
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("client-report.png");
    run_ok(
        Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=900,2400",
            ])
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", page.display())),
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    let inked = pixels[..info.buffer_size()]
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|c| *c < 200))
        .count();
    let share = inked as f64 / (info.width * info.height) as f64;
    assert!(
        share > 0.05,
        "the screenshot is nearly blank: {share:.3} inked"
    );
    eprintln!(
        "screenshot: {} ({:.0}% inked)",
        shot.display(),
        share * 100.0
    );

    let dom = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("GlowCo Skincare: campaign report"), "{dom}");
    let comments = json["client"]["rows"][0]["new_comments"].as_f64().unwrap();
    assert!(
        dom.contains(&format!(">{}<", comments as u64)),
        "the roll-up's new comments"
    );

    // PDF: the same page printed by Chromium.
    // The report command finds the same browser on PATH as this test did.
    let pdf = dir.path().join("report.pdf");
    let pdf_arg = pdf.to_str().unwrap();
    report(
        dir.path(),
        &config,
        &["--client", "glowco", "--format", "pdf", "--out", pdf_arg],
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
}
