//! The real binary against the simulator in hostile mode: `run` for a few days (overlong
//! handles, formula cells, terminal escapes, bidi overrides, Slack markup, bad counters, an
//! error message full of escapes), then every report format and every export format. Nothing
//! panics, terminal output carries no control character but `\n`, CSV text cells are
//! neutralised (and raw with `--raw-csv`), and a bad item costs only itself.

use std::path::Path;

use hashtrack::text_safety::is_unsafe_control;
use hashtrack_sim::{Endpoint, Fault, FaultKind, HOSTILE_TEXTS, LONG_HANDLE_CHARS, SimConfig};

use crate::util::*;

const DAYS: u64 = 3;
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// No control character but a line break (CSV's are CRLF), and no panic.
fn assert_clean_terminal(what: &str, stdout: &str, stderr: &str) {
    for (stream, text) in [("stdout", stdout), ("stderr", stderr)] {
        assert!(!text.contains("panicked"), "{what} {stream}: {text}");
        let text = text.replace("\r\n", "\n");
        if let Some(c) = text.chars().find(|&c| c != '\n' && is_unsafe_control(c)) {
            panic!("{what} wrote {c:?} to {stream}");
        }
    }
}

fn cli(args: Vec<String>) -> (i32, String, String) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_cli(&args, TEST_KEY)
}

/// Every cell of every CSV file in `dir`, with its column name.
fn csv_cells(dir: &Path) -> Vec<(String, String)> {
    let mut cells = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            cells.extend(file_cells(&path));
        }
    }
    cells
}

fn file_cells(path: &Path) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .flat_map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A cell a spreadsheet would run: starts with a formula character and is not a number.
fn is_formula(cell: &str) -> bool {
    cell.trim_start().starts_with(FORMULA_STARTS) && cell.parse::<f64>().is_err()
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_data_reaches_no_output_raw_and_panics_nothing() {
    let (sim, dir, config) = configured_sim(
        SimConfig {
            hostile: true,
            ..roomy_sim()
        },
        60_000,
        &[campaign("hostile", &["hostiletag"]).comments_per_video(50)],
    )
    .await;
    let config = config.to_str().unwrap().to_string();
    let first = SimConfig::default().start_date;
    let mut run_output = String::new();
    for n in 0..DAYS {
        let day = first + chrono::Days::new(n);
        sim.set_date(day);
        if n == 1 {
            // A comment call that fails for good, with an error message full of escapes.
            sim.inject(Fault::on(
                Endpoint::VideoComments,
                FaultKind::Status(404),
                1,
            ));
        }
        let args = [
            "-vv",
            "run",
            "--config",
            &config,
            "--date",
            &day.to_string(),
        ]
        .into_iter()
        .chain(["--allow-other-date"])
        .map(String::from)
        .collect();
        let (code, stdout, stderr) = tokio::task::spawn_blocking(move || cli(args))
            .await
            .unwrap();
        // 2: a day with skipped items is partial, and says so.
        assert!(code == 0 || code == 2, "run exited {code}: {stderr}");
        assert_clean_terminal("run", &stdout, &stderr);
        run_output.push_str(&stderr);
    }
    // The first answer's hour-long Retry-After stopped that run's key rather than hang it.
    assert!(run_output.contains("asked to wait 3600 s"), "{run_output}");
    // Bad items were skipped and named, not the pages they came on.
    assert!(
        run_output.contains("malformed item(s) left out"),
        "{run_output}"
    );
    // The error message got through, without its escapes.
    assert!(run_output.contains("]0;owned"), "{run_output}");

    for format in ["text", "json", "csv", "html"] {
        let args = [
            "report", "--config", &config, "--days", "7", "--format", format,
        ];
        let (code, stdout, stderr) = cli(args.map(String::from).to_vec());
        assert_eq!(code, 0, "report --format {format}: {stderr}");
        assert_clean_terminal(&format!("report --format {format}"), &stdout, &stderr);
        assert!(
            stdout.len() < LONG_HANDLE_CHARS || format != "text",
            "the text report printed the overlong handle whole"
        );
        if format == "text" {
            assert!(stdout.contains("Top creators"), "{stdout}");
            assert!(stdout.contains("@hhhhhhhh"), "{stdout}");
        }
    }

    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    for format in ["parquet", "csv"] {
        let dir = out(format);
        let args = [
            "export", "--config", &config, "--format", format, "--out", &dir,
        ];
        let (code, stdout, stderr) = cli(args.map(String::from).to_vec());
        assert_eq!(code, 0, "export --format {format}: {stderr}");
        assert_clean_terminal(&format!("export --format {format}"), &stdout, &stderr);
    }

    // Neutralised: no text cell is a formula, and the hostile texts are there, quoted.
    let neutral = csv_cells(Path::new(&out("csv")));
    for (column, cell) in &neutral {
        assert!(!is_formula(cell), "{column}: {cell:?}");
        assert!(
            !cell.chars().any(|c| c != '\n' && is_unsafe_control(c)),
            "{column}: {cell:?}"
        );
    }
    let quoted: Vec<&str> = HOSTILE_TEXTS
        .iter()
        .filter(|t| t.starts_with(FORMULA_STARTS))
        .filter(|t| neutral.iter().any(|(_, c)| *c == format!("'{t}")))
        .copied()
        .collect();
    assert!(!quoted.is_empty(), "no hostile formula reached the export");
    // Our own negative numbers stay numbers.
    let numbers_quoted: Vec<&String> = neutral
        .iter()
        .filter_map(|(_, c)| {
            c.strip_prefix('\'')
                .filter(|n| n.parse::<f64>().is_ok())
                .map(|_| c)
        })
        .collect();
    assert!(
        numbers_quoted.is_empty(),
        "numbers neutralised: {numbers_quoted:?}"
    );

    // Raw: the same formulas as the data has them.
    let raw_dir = out("raw");
    let args = [
        "export", "--config", &config, "--format", "csv", "--out", &raw_dir,
    ];
    let mut args: Vec<String> = args.map(String::from).to_vec();
    args.push("--raw-csv".into());
    let (code, _, stderr) = cli(args);
    assert_eq!(code, 0, "{stderr}");
    let raw = csv_cells(Path::new(&raw_dir));
    for text in quoted {
        assert!(raw.iter().any(|(_, c)| c == text), "{text} not raw");
    }
}
