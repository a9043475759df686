//! Runs every shell command of `plugins/examples/GUIDE.md`, in order, as a reader would: from
//! an empty directory holding a copy of the repository's `campaigns.toml` and
//! `plugins/lexicons/`, with `hashtrack` on PATH. A guide whose commands fail fails here.

use std::path::Path;
use std::process::Command;

use crate::util::kit_env;

const GUIDE: &str = include_str!("../../plugins/examples/GUIDE.md");

/// The fenced blocks of a Markdown text: (info string, body).
fn fenced_blocks(markdown: &str) -> Vec<(&str, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(&str, String)> = None;
    for line in markdown.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.trim(), String::new())),
            (Some(_), Some("")) => blocks.push(open.take().expect("a block is open")),
            (Some((_, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an unclosed code block in the guide");
    blocks
}

#[test]
fn every_shell_block_is_sh_and_calls_hashtrack() {
    let blocks = fenced_blocks(GUIDE);
    let languages = ["sh", "toml", "wit", "json", "rust", "python", "js"];
    for (info, body) in &blocks {
        assert!(
            languages.contains(info),
            "a ```{info} block: shell commands must be ```sh (the only kind this test runs), other blocks one of {languages:?}:\n{body}"
        );
    }
    let shell: Vec<_> = blocks.iter().filter(|(info, _)| *info == "sh").collect();
    assert!(shell.len() >= 6, "{} shell blocks", shell.len());
    assert!(shell.iter().all(|(_, body)| body.contains("hashtrack ")));
}

#[test]
fn the_guides_commands_run() {
    let dir = tempfile::tempdir().unwrap();
    let repo = crate::util::repo();
    std::fs::copy(
        repo.join("campaigns.toml"),
        dir.path().join("campaigns.toml"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::copy(
        repo.join("docs/agency-logo.svg"),
        dir.path().join("docs/agency-logo.svg"),
    )
    .unwrap();
    let lexicons = dir.path().join("plugins/lexicons");
    std::fs::create_dir_all(&lexicons).unwrap();
    for entry in std::fs::read_dir(repo.join("plugins/lexicons")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, lexicons.join(path.file_name().unwrap())).unwrap();
    }

    // Each block is echoed before it runs, so a failure shows which one.
    let mut script = String::from("set -euo pipefail\n");
    for (number, (_, body)) in fenced_blocks(GUIDE)
        .into_iter()
        .filter(|(info, _)| *info == "sh")
        .enumerate()
    {
        script.push_str(&format!(
            "echo '--- guide shell block {}' >&2\n{body}",
            number + 1
        ));
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hashtrack")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("RUST_LOG")
        .envs(kit_env())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the guide's commands failed:\n{stdout}\n{stderr}"
    );
    // What the guide says they show.
    assert!(stdout.contains("confusion"), "{stdout}");
    assert!(
        stdout.contains("every plugin loaded and accepted its settings"),
        "{stdout}"
    );
    for component in ["brandx-scorer", "brandx-rules", "brandx-js-rules"] {
        let built = dir
            .path()
            .join(component)
            .join("target")
            .join(format!("{component}.wasm"));
        assert!(built.is_file(), "{}", built.display());
    }
}
