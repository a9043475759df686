//! Scores labelled sentence files with the built-in lexicon and prints, per file, the figures
//! of `shared/data/sentiment/README.md`: items, 3-class accuracy, macro-F1 and Pearson r,
//! plus the scoring speed.
//!
//! ```text
//! cargo run --release -p sentiment-core --example eval -- FILE...
//! ```
//!
//! The metrics are `sentiment-eval`'s, the same `hashtrack plugin eval` prints: there is one
//! copy of them.

use std::process::ExitCode;
use std::time::Instant;

use sentiment_core::Scorer;

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: eval FILE...   (files of ID<TAB>MEAN_RATING<TAB>TEXT lines)");
        return ExitCode::from(2);
    }
    let scorer = Scorer::new();
    println!(
        "{:<40} {:>6} {:>8} {:>8} {:>9} {:>12}",
        "file", "items", "accuracy", "macro-F1", "pearson r", "comments/s"
    );
    for path in &paths {
        let items = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| sentiment_eval::parse_labelled(&text).map_err(|e| e.to_string()))
        {
            Ok(items) => items,
            Err(error) => {
                eprintln!("{path}: {error}");
                return ExitCode::FAILURE;
            }
        };
        let started = Instant::now();
        let scores: Vec<f64> = items.iter().map(|item| scorer.score(&item.text)).collect();
        let per_second = items.len() as f64 / started.elapsed().as_secs_f64();
        let report = sentiment_eval::evaluate(&items, &scores);
        let name = std::path::Path::new(path)
            .file_name()
            .map_or(path.clone(), |name| name.to_string_lossy().into_owned());
        println!(
            "{name:<40} {:>6} {:>8.3} {:>8.3} {:>9.3} {per_second:>12.0}",
            report.items, report.accuracy, report.macro_f1, report.pearson_r
        );
    }
    ExitCode::SUCCESS
}
