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

fn main() {
    let lexicon = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/plugins/lexicons/glowco.txt"
    ))
    .unwrap();
    let settings = vec![("lexicon".to_string(), lexicon.clone())];
    let texts = hashtrack::sim::sample_comments(7, COMMENTS);
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

    let (native_scores, native) = timed(|| {
        let scorer = sentiment_core::Scorer::with_overlay(&lexicon).unwrap();
        texts.iter().map(|t| scorer.score(t)).collect::<Vec<_>>()
    });
    let (wasm_scores, wasm) = timed(|| {
        comments
            .chunks(BATCH)
            .flat_map(|batch| scorer.score("bench", &settings, batch).unwrap())
            .collect::<Vec<_>>()
    });
    let differ = native_scores
        .iter()
        .zip(&wasm_scores)
        .filter(|(a, b)| (*a - *b).abs() > 1e-9)
        .count();
    let rate = |d: Duration| COMMENTS as f64 / d.as_secs_f64();
    println!(
        "throughput on {COMMENTS} comments: native {:.0}/s, wasm {:.0}/s in calls of {BATCH}; wasm takes {:.2}x native's time; {differ} scores differ",
        rate(native),
        rate(wasm),
        wasm.as_secs_f64() / native.as_secs_f64()
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
