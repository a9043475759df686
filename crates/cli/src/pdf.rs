//! PDF through headless Chromium: the HTML report is written to a temporary file and printed
//! with `--print-to-pdf`, which honours the report's print CSS (page breaks, A4 or Letter by
//! the system's locale). Chromium is the renderer the HTML is tested with, so the PDF is what
//! the browser shows. Debian's `chromium-headless-shell` package is enough; `.ci/run`
//! installs it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Overrides which Chromium to run.
pub const CHROMIUM_ENV: &str = "HASHTRACK_CHROMIUM";

/// Browsers tried in order when `$HASHTRACK_CHROMIUM` is not set.
const CANDIDATES: [&str; 4] = [
    "chromium-headless-shell",
    "chromium",
    "google-chrome",
    "chrome-headless-shell",
];

/// The Chromium to run, or a sentence saying how to get one.
pub fn chromium() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(CHROMIUM_ENV) {
        return Ok(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in CANDIDATES {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    bail!(
        "PDF needs headless Chromium and none was found (tried {}). On Debian or Ubuntu: \
         `apt-get install chromium-headless-shell`; or set {CHROMIUM_ENV} to a Chrome or \
         Chromium binary. `--format html` needs nothing.",
        CANDIDATES.join(", ")
    )
}

pub fn print_to_pdf(html: &str, out: &Path) -> Result<()> {
    let browser = chromium()?;
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).context("cannot write the HTML for printing")?;
    let out = std::path::absolute(out).with_context(|| format!("{}", out.display()))?;
    let output = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
        ])
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .with_context(|| format!("could not run {}", browser.display()))?;
    let made = std::fs::metadata(&out)
        .map(|m| m.len() > 0)
        .unwrap_or(false);
    if !output.status.success() || !made {
        bail!(
            "{} could not print the report ({}): {}",
            browser.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    Ok(())
}

/// The PDF of `html`, in memory: what `serve` sends as a download.
pub fn html_to_pdf(html: &str) -> Result<Vec<u8>> {
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let out = dir.path().join("report.pdf");
    print_to_pdf(html, &out)?;
    std::fs::read(&out).context("cannot read the printed PDF")
}
