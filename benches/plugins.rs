//! Plugin benchmarks: prints figures, asserts nothing about speed (a busy machine would make
//! that flaky). Run with `cargo bench --bench plugins`.
//!
//! - load: cold (compile) vs cached (deserialize) load of the built-in sentiment component;
//! - throughput: comments per second through the wasm scorer against the same scorer compiled
//!   natively, in the same run, on the same comments;
//! - per-call overhead: one comment per call (a fresh instance each call, as in production).

use std::time::{Duration, Instant};

use hashtrack::domain::Comment;
use hashtrack::plugin::{PluginHost, PluginLimits, PluginSource};

const COMMENTS: usize = 20_000;
const BATCH: usize = 1_000;
const SINGLE_CALLS: usize = 200;
const ROUNDS: usize = 7;

fn main() {
    let lexicon = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../plugins/lexicons/glowco.txt"
    ))
    .unwrap();
    let settings = vec![("lexicon".to_string(), lexicon.clone())];
    let texts = hashtrack_sim::sample_comments(7, COMMENTS);
    let comments: Vec<Comment> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| Comment::from_text(i.to_string(), text))
        .collect();

    let cache = tempfile::tempdir().unwrap();
    let (scorer, cold) = timed(|| {
        PluginHost::new(Some(cache.path().to_path_buf()))
            .unwrap()
            .load_sentiment(&PluginSource::BuiltinSentiment, PluginLimits::default())
            .unwrap()
    });
    let (_, cached) = timed(|| {
        PluginHost::new(Some(cache.path().to_path_buf()))
            .unwrap()
            .load_sentiment(&PluginSource::BuiltinSentiment, PluginLimits::default())
            .unwrap()
    });
    println!(
        "load builtin sentiment ({} KiB): cold {:.1} ms, cached {:.1} ms ({:.1}x faster)",
        scorer.load_report().component_bytes / 1024,
        ms(cold),
        ms(cached),
        cold.as_secs_f64() / cached.as_secs_f64()
    );

    // Native and wasm alternate over several rounds and each keeps its fastest round: a
    // single pass of a fraction of a second is at the mercy of whatever else the machine does.
    let native_scorer = sentiment_core::Scorer::with_overlay(&lexicon).unwrap();
    let mut native = Duration::MAX;
    let mut wasm = Duration::MAX;
    let mut ratios = Vec::with_capacity(ROUNDS);
    let mut differ = 0;
    for _ in 0..ROUNDS {
        let (native_scores, native_round) = timed(|| {
            texts
                .iter()
                .map(|t| native_scorer.score(t))
                .collect::<Vec<_>>()
        });
        let (wasm_scores, wasm_round) = timed(|| {
            comments
                .chunks(BATCH)
                .flat_map(|batch| scorer.score("bench", &settings, batch).unwrap())
                .collect::<Vec<_>>()
        });
        differ = native_scores
            .iter()
            .zip(&wasm_scores)
            .filter(|(a, b)| (*a - *b).abs() > 1e-9)
            .count();
        native = native.min(native_round);
        wasm = wasm.min(wasm_round);
        ratios.push(wasm_round.as_secs_f64() / native_round.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let rate = |d: Duration| COMMENTS as f64 / d.as_secs_f64();
    println!(
        "throughput on {COMMENTS} comments, best of {ROUNDS} rounds: native {:.0}/s, wasm {:.0}/s in calls of {BATCH}; wasm takes {:.2}x native's time (median round {:.2}x, range {:.2}-{:.2}x); {differ} scores differ",
        rate(native),
        rate(wasm),
        wasm.as_secs_f64() / native.as_secs_f64(),
        ratios[ROUNDS / 2],
        ratios[0],
        ratios[ROUNDS - 1],
    );

    let one = &comments[..1];
    let (_, calls) = timed(|| {
        for _ in 0..SINGLE_CALLS {
            scorer.score("bench", &settings, one).unwrap();
        }
    });
    let (_, calls_no_lexicon) = timed(|| {
        for _ in 0..SINGLE_CALLS {
            scorer.score("bench", &[], one).unwrap();
        }
    });
    println!(
        "per-call overhead (1 comment, fresh instance): {:.0} µs with the brand lexicon, {:.0} µs without",
        calls.as_secs_f64() * 1e6 / SINGLE_CALLS as f64,
        calls_no_lexicon.as_secs_f64() * 1e6 / SINGLE_CALLS as f64
    );
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
