//! The layout a newcomer reads about is the layout on disk: the README's module table names
//! every part of the tree, and the library depends on none of the crates around it.

use std::collections::BTreeSet;
use std::path::Path;

use crate::util::{repo, run_ok};

/// The rows of the README's module table: (paths in the first column, crates in the second).
fn module_table(readme: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let backticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    readme
        .lines()
        .skip_while(|line| !line.starts_with("| path | crate | owns |"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').collect();
            (backticked(cells[1]), backticked(cells[2]))
        })
        .collect()
}

/// What the table must name: every module of the library (`src/*`, but `lib.rs`), every crate
/// in `crates/`, and the other top-level folders of code.
fn parts_of_the_tree(repo: &Path) -> BTreeSet<String> {
    let mut parts = BTreeSet::new();
    for folder in ["src", "crates"] {
        for entry in std::fs::read_dir(repo.join(folder)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name != "lib.rs" {
                parts.insert(format!("{folder}/{name}"));
            }
        }
    }
    for top in ["wit", "plugins", "tests", "benches", "deploy"] {
        parts.insert(top.to_string());
    }
    parts
}

#[test]
fn the_readme_module_table_names_every_part_of_the_tree_and_nothing_else() {
    let repo = repo();
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let rows = module_table(&readme);
    assert!(rows.len() >= 10, "the module table was not found: {rows:?}");

    let listed: Vec<String> = rows.iter().flat_map(|(paths, _)| paths.clone()).collect();
    for path in &listed {
        assert!(
            repo.join(path).exists(),
            "the README's module table lists `{path}`, which does not exist"
        );
    }
    let covers = |part: &str| {
        listed.iter().any(|path| {
            let path = path.trim_end_matches('/');
            path == part
                || path.starts_with(&format!("{part}/"))
                || part.starts_with(&format!("{path}/"))
        })
    };
    for part in parts_of_the_tree(&repo) {
        assert!(
            covers(&part),
            "`{part}` is missing from the README's module table"
        );
    }
}

#[test]
fn the_readme_names_each_crate_by_its_package_name() {
    let repo = repo();
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    for (paths, crates) in module_table(&readme) {
        for path in paths.iter().filter(|p| p.starts_with("crates/")) {
            let manifest: toml::Table = toml::from_str(
                &std::fs::read_to_string(repo.join(path).join("Cargo.toml")).unwrap(),
            )
            .unwrap();
            let name = manifest["package"]["name"].as_str().unwrap();
            assert_eq!(crates, [name], "the README's row for `{path}`");
        }
    }
}

/// The library's dependencies, direct and indirect, as cargo resolves them (normal ones only:
/// what a program using the library links).
fn library_dependencies(repo: &Path) -> BTreeSet<String> {
    let out = run_ok(
        std::process::Command::new(env!("CARGO"))
            .current_dir(repo)
            .args(["tree", "--offline", "-p", "hashtrack", "-e", "normal"])
            .args(["--prefix", "none", "--format", "{p}"]),
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_library_depends_on_neither_the_command_line_nor_the_simulator() {
    let dependencies = library_dependencies(&repo());
    assert!(
        dependencies.contains("sentiment-polarity"),
        "{dependencies:?}"
    );
    for outside in [
        "hashtrack-cli",
        "hashtrack-sim",
        "sentiment-eval",
        "axum",
        "clap",
    ] {
        assert!(
            !dependencies.contains(outside),
            "the library pulls in {outside}: {dependencies:?}"
        );
    }
}
