//! Plugin benchmarks: prints figures, asserts nothing about speed (a busy machine would make
//! that flaky). Run with `cargo bench --bench plugins`.
//!
//! - load: cold (compile) vs cached (deserialize) load of the built-in sentiment component;
//! - throughput: comments per second through the wasm scorer with both CPU limits (as
//!   campaigns run), without fuel, and without fuel or the epoch deadline (what each limit
//!   costs), against the same scorer compiled natively, in the same run, on the same comments;
//! - per-call overhead: one comment per call (a fresh instance each call, as in production).

use std::time::{Duration, Instant};

use hashtrack::domain::Comment;
use hashtrack::plugin::{CpuLimits, PluginHost, PluginLimits, PluginSource};

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
    // The same component with fewer CPU limits: what each costs.
    let limited = |fuel, epoch| {
        PluginHost::with_cpu_limits(None, CpuLimits { fuel, epoch })
            .unwrap()
            .load_sentiment(&PluginSource::BuiltinSentiment, PluginLimits::default())
            .unwrap()
    };
    let hosts = [
        ("fuel and epoch (as campaigns run)", scorer),
        ("fuel only, no epoch deadline", limited(true, false)),
        ("epoch deadline only, no fuel", limited(false, true)),
        ("neither", limited(false, false)),
    ];

    // Native and both wasm hosts take turns over several rounds and each keeps its fastest
    // round: a single pass of a fraction of a second is at the mercy of whatever else the
    // machine does. Each round's ratios are taken within the round.
    let native_scorer = sentiment_core::Scorer::with_overlay(&lexicon).unwrap();
    let mut native_best = Duration::MAX;
    let mut best = [Duration::MAX; 4];
    let mut ratios: [Vec<f64>; 4] = Default::default();
    let mut differ = 0;
    for _ in 0..ROUNDS {
        let (native_scores, native_round) = timed(|| {
            texts
                .iter()
                .map(|t| native_scorer.score(t))
                .collect::<Vec<_>>()
        });
        native_best = native_best.min(native_round);
        for (i, (_, wasm_scorer)) in hosts.iter().enumerate() {
            let (wasm_scores, wasm_round) = timed(|| {
                comments
                    .chunks(BATCH)
                    .flat_map(|batch| wasm_scorer.score("bench", &settings, batch).unwrap())
                    .collect::<Vec<_>>()
            });
            differ += native_scores
                .iter()
                .zip(&wasm_scores)
                .filter(|(a, b)| (*a - *b).abs() > 1e-9)
                .count();
            best[i] = best[i].min(wasm_round);
            ratios[i].push(wasm_round.as_secs_f64() / native_round.as_secs_f64());
        }
    }
    let rate = |d: Duration| COMMENTS as f64 / d.as_secs_f64();
    println!(
        "throughput on {COMMENTS} comments in calls of {BATCH}, best of {ROUNDS} rounds: native {:.0}/s; {differ} scores differ",
        rate(native_best)
    );
    for (i, (name, _)) in hosts.iter().enumerate() {
        let round = &mut ratios[i];
        round.sort_by(f64::total_cmp);
        println!(
            "  wasm, {name}: {:.0}/s, {:.2}x native's time (best against best; median round {:.2}x, range {:.2}-{:.2}x)",
            rate(best[i]),
            best[i].as_secs_f64() / native_best.as_secs_f64(),
            round[ROUNDS / 2],
            round[0],
            round[ROUNDS - 1],
        );
    }
    let cost = |with: Duration, without: Duration| {
        (with.as_secs_f64() / without.as_secs_f64() - 1.0) * 100.0
    };
    println!(
        "  beside neither (best against best): fuel alone costs {:.0} %, the epoch deadline alone {:.0} %, both {:.0} %",
        cost(best[1], best[3]),
        cost(best[2], best[3]),
        cost(best[0], best[3])
    );
    let scorer = &hosts[0].1;

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
