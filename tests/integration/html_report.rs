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
pub(crate) fn chromium() -> Option<PathBuf> {
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

/// `pdftotext` (Debian's `poppler-utils`, which `.ci/run` installs), or `None` off CI.
fn poppler() -> bool {
    let found = Command::new("pdftotext").arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have pdftotext (.ci/run installs poppler-utils)"
        );
        eprintln!("SKIPPED the PDF text checks: install poppler-utils to run them");
    }
    found
}

/// Elements whose own text does not fit their box, runs off the page, or (in a chart) lies
/// outside its SVG: each as a line naming it.
const CUT_OFF: &str = r#"(() => {
  const out = [];
  const page = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + ' "' + el.textContent.trim().slice(0, 40) + '"';
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg')) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) out.push('overflows: ' + name(el));
    if (box.left < -1 || box.right > page + 1) out.push('off the page: ' + name(el));
  }
  for (const text of document.querySelectorAll('svg text')) {
    const svg = text.ownerSVGElement.getBoundingClientRect();
    const box = text.getBoundingClientRect();
    if (box.width === 0) continue;
    if (box.left < svg.left - 1 || box.right > svg.right + 1 || box.top < svg.top - 1 || box.bottom > svg.bottom + 1)
      out.push('clipped by its chart: ' + name(text));
  }
  return out;
})()"#;

/// Each campaign section: its tiles, their arrows, whether the tiles come before the first
/// chart, its alert rows with the days each covers, and the days its sentiment chart marks
/// as too few to judge.
const SECTIONS: &str = r#"[...document.querySelectorAll('section.campaign')].map(s => ({
  name: s.querySelector('h2').childNodes[0].textContent.trim(),
  tiles: s.querySelectorAll('.tile').length,
  arrows: s.querySelectorAll('.tile .arrow').length,
  tiles_first: !!(s.querySelector('.tiles').compareDocumentPosition(s.querySelector('figure')) & Node.DOCUMENT_POSITION_FOLLOWING),
  episodes: [...s.querySelectorAll('tr.episode')].map(r => Number(r.dataset.days)),
  too_few: [...([...s.querySelectorAll('h3')].find(h => h.textContent.startsWith('Sentiment'))
      ?.parentElement.querySelectorAll('figure svg text') ?? [])]
    .filter(t => t.textContent.trim() === 'too few').length,
}))"#;

/// How many runs of consecutive days `dates` (one rule's, sorted) make.
fn runs(dates: &[chrono::NaiveDate]) -> usize {
    dates
        .windows(2)
        .filter(|w| w[0].succ_opt() != Some(w[1]))
        .count()
        + usize::from(!dates.is_empty())
}

#[test]
fn the_report_page_opens_with_its_summary_merges_alerts_and_cuts_nothing_off() {
    // 20 days, reported 10 at a time: the period before has data, so the tiles have arrows.
    let (dir, config) = demo_store(20);
    let args = ["--client", "glowco", "--days", "10"];
    let html = report(
        dir.path(),
        &config,
        &[&args[..], &["--format", "html"]].concat(),
    );
    let json: serde_json::Value = serde_json::from_str(&report(
        dir.path(),
        &config,
        &[&args[..], &["--format", "json"]].concat(),
    ))
    .unwrap();
    let Some(browser) = chromium() else { return };
    let file = dir.path().join("report.html");
    std::fs::write(&file, &html).unwrap();
    let mut page = crate::devtools::Page::open(&browser, &file, (900, 1400));

    assert_eq!(
        page.eval(CUT_OFF),
        serde_json::json!([]),
        "cut off in the page"
    );

    let sections = page.eval(SECTIONS);
    let campaigns = json["campaigns"].as_array().unwrap();
    assert_eq!(sections.as_array().unwrap().len(), campaigns.len());
    for (section, campaign) in sections.as_array().unwrap().iter().zip(campaigns) {
        assert_eq!(section["name"], campaign["name"], "titled by its name");
        assert!(section["tiles"].as_u64() >= Some(4), "{section}");
        assert!(section["arrows"].as_u64() >= Some(1), "{section}");
        assert_eq!(section["tiles_first"], true, "{section}");
        // One row per run of consecutive days of one rule, covering every alert.
        let alerts = campaign["alerts"].as_array().unwrap();
        let mut by_rule: std::collections::BTreeMap<(String, String), Vec<chrono::NaiveDate>> =
            Default::default();
        for alert in alerts {
            let key = (alert["plugin"].to_string(), alert["rule"].to_string());
            by_rule
                .entry(key)
                .or_default()
                .push(alert["date"].as_str().unwrap().parse().unwrap());
        }
        let expected: usize = by_rule.values().map(|dates| runs(dates)).sum();
        let thin_days = campaign["days"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| {
                d["sentiment"]["status"] == "scored"
                    && d["sentiment"]["comments"].as_u64() < Some(30)
            })
            .count();
        assert_eq!(section["too_few"], thin_days, "{section}");
        let rows: Vec<u64> = serde_json::from_value(section["episodes"].clone()).unwrap();
        assert_eq!(rows.len(), expected, "{section}");
        assert_eq!(rows.iter().sum::<u64>(), alerts.len() as u64, "{section}");
    }
    assert!(
        sections
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["too_few"].as_u64() > Some(0)),
        "the demo has days with few new comments: {sections}"
    );
    assert!(
        sections.as_array().unwrap().iter().any(|s| s["episodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|days| days.as_u64() > Some(1))),
        "the demo has a rule firing day after day: {sections}"
    );
    let headings: Vec<String> = serde_json::from_value(
        page.eval("[...document.querySelectorAll('h1, h2, h3')].map(h => h.innerText.trim())"),
    )
    .unwrap();
    drop(page);

    // Printed on both papers: every page numbered, no heading left at a page's foot.
    if !poppler() {
        return;
    }
    for (paper, size) in [("a4", "(A4)"), ("letter", "(letter)")] {
        let pdf = dir.path().join(format!("report-{paper}.pdf"));
        report(
            dir.path(),
            &config,
            &[
                &args[..],
                &[
                    "--format",
                    "pdf",
                    "--paper",
                    paper,
                    "--out",
                    pdf.to_str().unwrap(),
                ],
            ]
            .concat(),
        );
        let info = run_ok(Command::new("pdfinfo").arg(&pdf));
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains(size), "{paper}: {info}");
        let text = run_ok(Command::new("pdftotext").arg(&pdf).arg("-"));
        let text = String::from_utf8_lossy(&text.stdout);
        let pages: Vec<&str> = text
            .split('\x0c')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(pages.len() >= 2, "{paper}: {} pages", pages.len());
        for (i, page) in pages.iter().enumerate() {
            let number = format!("Page {} of {}", i + 1, pages.len());
            assert!(
                page.contains(&number),
                "{paper}: page {} lacks {number:?}",
                i + 1
            );
            let last = page
                .lines()
                .map(str::trim)
                .rfind(|l| !l.is_empty() && !l.starts_with("Page "))
                .unwrap_or("");
            assert!(
                !headings.iter().any(|h| h == last),
                "{paper}: page {} ends with the heading {last:?}",
                i + 1
            );
        }
    }
}
