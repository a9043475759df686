//! `hashtrack plugin check|test|eval` as an author runs them, on WAT fixtures and the built-in.

use crate::util::{campaign, fixture, hashtrack, write_config};

/// A WAT fixture's path, as an argument.
fn fixture_arg(name: &str) -> String {
    fixture(name).display().to_string()
}

fn plugin_cmd(args: &[&str]) -> (i32, String) {
    let out = hashtrack().arg("plugin").args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn check_names_the_world_and_refuses_another_wit_version() {
    let (code, out) = plugin_cmd(&["check", &fixture_arg("nan_scores.wat")]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("world:   sentiment-scorer") && out.contains("OK:"),
        "{out}"
    );
    let (code, out) = plugin_cmd(&["check", &fixture_arg("future_version.wat")]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("scorer@0.3.0")
            && out.contains("scorer@0.2.0")
            && out.contains("scorer@0.1.0"),
        "{out}"
    );
}

#[test]
fn test_runs_fixtures_under_limits_and_reports_failures_with_logs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("comments.json");
    std::fs::write(
        &input,
        r#"[{"id":"a","text":"love it"},{"text":"meh","likes":3}]"#,
    )
    .unwrap();
    let (code, out) = plugin_cmd(&[
        "test",
        &fixture_arg("trap_after_logging.wat"),
        "--input",
        input.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("trapped") && out.contains("about to hit unreachable"),
        "{out}"
    );
    let (code, out) = plugin_cmd(&[
        "test",
        &fixture_arg("infinite_loop.wat"),
        "--input",
        input.to_str().unwrap(),
        "--fuel",
        "5000000",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("ran out of fuel") && out.contains("fuel 5000000"),
        "{out}"
    );
}

#[test]
fn eval_prints_accuracy_macro_f1_and_pearson_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels.txt");
    // Made-up sentences, in the labelled files' format (CRLF, no final newline).
    std::fs::write(&labels, "1\t3.1\tI love this, it is wonderful\r\n2\t-2.8\tterrible, a total waste of money\r\n3\t2.2\tgreat value and works well\r\n4\t-3.0\tawful, it broke on day one").unwrap();
    let (code, out) = plugin_cmd(&[
        "eval",
        "builtin",
        "--labels",
        labels.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(json["items"], 4);
    assert_eq!(json["accuracy"], 1.0, "{json}");
    assert!(json["pearson_r"].as_f64().unwrap() > 0.8, "{json}");
    assert!(json["macro_f1"].is_number());
    // Two negative and two positive items, all read right: the diagonal.
    assert_eq!(
        json["confusion"],
        serde_json::json!([[2, 0, 0], [0, 0, 0], [0, 0, 2]])
    );
    let (code, out) = plugin_cmd(&["eval", "builtin", "--labels", labels.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("confusion") && out.contains("worst scored"),
        "{out}"
    );
}

#[test]
fn test_runs_the_builtins_with_a_time_limit_and_compares_with_expected_output() {
    let dir = tempfile::tempdir().unwrap();
    let comments = dir.path().join("comments.json");
    std::fs::write(
        &comments,
        r#"[{"text":"love it"},{"text":"worst purchase ever"}]"#,
    )
    .unwrap();
    let input = comments.to_str().unwrap();
    let (code, out) = plugin_cmd(&["test", "builtin", "--input", input, "--timeout-ms", "5000"]);
    assert_eq!(code, 0, "{out}");
    let printed: Vec<&str> = out.lines().take(2).collect();
    assert!(
        printed[0].contains("positive") && printed[1].contains("negative"),
        "{out}"
    );

    let expected = dir.path().join("expected.txt");
    std::fs::write(&expected, printed.join("\n") + "\n").unwrap();
    let expect = expected.to_str().unwrap();
    let (code, out) = plugin_cmd(&["test", "builtin", "--input", input, "--expect", expect]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK: the output matches"), "{out}");
    std::fs::write(&expected, printed[1].to_string() + "\n" + printed[0] + "\n").unwrap();
    let (code, out) = plugin_cmd(&["test", "builtin", "--input", input, "--expect", expect]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("DIFFERS at line 1") && out.contains("2 lines differ"),
        "{out}"
    );

    // Days in, the built-in alert rules run.
    let days = dir.path().join("days.json");
    std::fs::write(
        &days,
        r#"{"today": {"campaign_id": "c", "date": "2026-11-05"}}"#,
    )
    .unwrap();
    let (code, out) = plugin_cmd(&["test", "builtin", "--input", days.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(no alerts)"), "{out}");
}

#[test]
fn check_config_names_the_campaign_the_key_and_the_plugins_words_without_spending() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 9: a check that called the API would fail differently.
    let campaigns = [
        campaign("fine", &["finetag"]),
        campaign("typo", &["typotag"]).alert_setting("min-postive-ratio", 0.3),
    ];
    let config = write_config(dir.path(), "http://127.0.0.1:9", 60, &campaigns);
    let (code, out) = plugin_cmd(&["check", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("campaign 'typo', alerts") && out.contains("min-postive-ratio"),
        "{out}"
    );
    assert!(!out.contains("campaign 'fine'"), "{out}");
    assert!(!dir.path().join("data").exists(), "a check opens no store");

    let config = write_config(dir.path(), "http://127.0.0.1:9", 60, &campaigns[..1]);
    let (code, out) = plugin_cmd(&["check", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK: 1 campaign(s)"), "{out}");
}

#[test]
fn test_with_a_campaign_uses_that_campaigns_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        "http://127.0.0.1:9",
        60,
        &[campaign("eager", &["eagerbrand"]).alert_setting("viral-day-views", 200_000)],
    );
    let days = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../plugins/templates/alert-rules.fixture.json");
    let days = days.to_str().unwrap();
    // The fixture's day gained at least 231,000 views: viral only by the campaign's threshold.
    let (code, out) = plugin_cmd(&["test", "builtin", "--input", days]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("viral-day"), "{out}");
    let config = config.to_str().unwrap();
    let with_campaign = [
        "test",
        "builtin",
        "--input",
        days,
        "--campaign",
        "eager",
        "--campaigns-file",
        config,
    ];
    let (code, out) = plugin_cmd(&with_campaign);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("viral-day"), "{out}");
    // A --config setting still overrides the campaign's.
    let overridden = [&with_campaign[..], &["--config", "viral-day-views=5000000"]].concat();
    let (code, out) = plugin_cmd(&overridden);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("viral-day"), "{out}");
}
