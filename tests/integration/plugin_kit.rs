//! The author kit as an author meets it: `plugin new` → `plugin build` → `plugin test`, for
//! each language and world, with the real tools (rustup's wasm target, componentize-py,
//! componentize-js; installed on first use under `target/plugin-tools/`) and the real host.

use std::path::{Path, PathBuf};

use crate::util::hashtrack;

/// Runs `hashtrack ARGS` in `dir`: exit code, stdout, stderr.
fn kit(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = hashtrack().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Creates and builds a project; returns the directory it is in and the component's path.
fn new_and_build(name: &str, world: &str, lang: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = kit(
        dir.path(),
        &["plugin", "new", name, "--world", world, "--lang", lang],
    );
    assert_eq!(code, 0, "plugin new: {out}{err}");
    assert!(out.contains("fixture.json"), "{out}");
    let (code, out, err) = kit(dir.path(), &["plugin", "build", name]);
    assert_eq!(code, 0, "plugin build {name}: {out}\n{err}");
    let component = PathBuf::from(out.lines().last().expect("the component's path last"));
    assert_eq!(
        component,
        Path::new(name).join("target").join(format!("{name}.wasm"))
    );
    assert!(
        dir.path().join(&component).is_file(),
        "{}",
        component.display()
    );
    (dir, component)
}

/// The generated fixture passes as generated, the output is saved and compared with
/// `--expect`, and a misspelt setting is refused with the plugin's own words.
fn check_generated(name: &str, world: &str, lang: &str, expect_in_output: &str, bad_setting: &str) {
    let (dir, component) = new_and_build(name, world, lang);
    let component = component.to_str().unwrap();
    let fixture = format!("{name}/fixture.json");
    let (code, out, err) = kit(
        dir.path(),
        &["plugin", "test", component, "--input", &fixture],
    );
    assert_eq!(code, 0, "plugin test: {out}{err}");
    assert!(out.contains(expect_in_output), "{out}");

    let expected = dir.path().join("expected.txt");
    std::fs::write(&expected, &out).unwrap();
    let expected = expected.to_str().unwrap();
    let args = [
        "plugin", "test", component, "--input", &fixture, "--expect", expected,
    ];
    let (code, out, err) = kit(dir.path(), &args);
    assert_eq!(code, 0, "--expect with its own output: {out}{err}");

    let setting = format!("{bad_setting}=1");
    let args = [
        "plugin", "test", component, "--input", &fixture, "--config", &setting,
    ];
    let (code, out, err) = kit(dir.path(), &args);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        format!("{out}{err}").contains(&format!("unknown setting `{bad_setting}`")),
        "{out}{err}"
    );
}

/// Sentiment fixtures hold a clear positive ("I love this serum") and negative comment.
const SCORED: &str = "positive I love this serum";
/// The rules fixture has new views four times the usual.
const SURGE: &str = "Warning view-surge: New views surged";

#[test]
fn rust_scorer_builds_on_the_default_scorer() {
    check_generated("rust-scorer", "sentiment-scorer", "rust", SCORED, "lexicn");
}

#[test]
fn rust_rules() {
    check_generated("rust-rules", "alert-rules", "rust", SURGE, "surge-factr");
}

#[test]
#[cfg(feature = "python-js")]
fn python_scorer() {
    check_generated("py-scorer", "sentiment-scorer", "python", SCORED, "lexicn");
}

#[test]
#[cfg(feature = "python-js")]
fn python_rules() {
    check_generated("py-rules", "alert-rules", "python", SURGE, "surge-factr");
}

#[test]
#[cfg(feature = "python-js")]
fn js_scorer() {
    check_generated("js-scorer", "sentiment-scorer", "js", SCORED, "lexicn");
}

#[test]
#[cfg(feature = "python-js")]
fn js_rules() {
    check_generated("js-rules", "alert-rules", "js", SURGE, "surge-factr");
}

#[test]
fn build_explains_a_directory_that_is_not_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = kit(dir.path(), &["plugin", "build", "."]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("hashtrack-plugin.toml not found"), "{err}");
    let (code, _, err) = kit(
        dir.path(),
        &[
            "plugin",
            "new",
            "Brand X",
            "--world",
            "alert-rules",
            "--lang",
            "js",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cannot name a plugin"), "{err}");
}
