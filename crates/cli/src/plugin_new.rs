//! `hashtrack plugin new`: a plugin project that builds and passes `plugin test` as written,
//! in Rust, Python or JavaScript, for either world. The templates live in
//! `plugins/templates/` and are compiled into the binary, with the current WIT, so a project
//! can be started anywhere without the repository.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use hashtrack::plugin::WIT_VERSION;

/// The file that says what a project is; `plugin build` reads it.
pub const MANIFEST: &str = "hashtrack-plugin.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorldChoice {
    SentimentScorer,
    AlertRules,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Rust,
    Python,
    Js,
}

/// `hashtrack-plugin.toml`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The component is `target/NAME.wasm`.
    pub name: String,
    pub world: WorldChoice,
    pub language: Language,
}

impl WorldChoice {
    pub fn wit_name(self) -> &'static str {
        match self {
            WorldChoice::SentimentScorer => "sentiment-scorer",
            WorldChoice::AlertRules => "alert-rules",
        }
    }
}

impl Language {
    /// The source file the template writes and the build compiles (Rust: the crate's root).
    pub fn source_file(self) -> &'static str {
        match self {
            Language::Rust => "src/lib.rs",
            Language::Python => "app.py",
            Language::Js => "plugin.js",
        }
    }
}

/// The contract, as the host was built with it.
const WIT: &str = include_str!("../../../wit/v0.3/hashtrack.wit");
const README: &str = include_str!("../../../plugins/templates/README.md");
const SENTIMENT_FIXTURE: &str =
    include_str!("../../../plugins/templates/sentiment-scorer.fixture.json");
const ALERTS_FIXTURE: &str = include_str!("../../../plugins/templates/alert-rules.fixture.json");

/// The template source for a language and world.
fn source_template(language: Language, world: WorldChoice) -> &'static str {
    use Language::*;
    use WorldChoice::*;
    match (language, world) {
        (Rust, SentimentScorer) => {
            include_str!("../../../plugins/templates/rust/sentiment-scorer/lib.rs")
        }
        (Rust, AlertRules) => include_str!("../../../plugins/templates/rust/alert-rules/lib.rs"),
        (Python, SentimentScorer) => {
            include_str!("../../../plugins/templates/python/sentiment-scorer/app.py")
        }
        (Python, AlertRules) => {
            include_str!("../../../plugins/templates/python/alert-rules/app.py")
        }
        (Js, SentimentScorer) => {
            include_str!("../../../plugins/templates/js/sentiment-scorer/plugin.js")
        }
        (Js, AlertRules) => include_str!("../../../plugins/templates/js/alert-rules/plugin.js"),
    }
}

/// The default scorer's library, copied into Rust scorer projects so they build on it:
/// (path in the project, contents).
const SENTIMENT_CORE: &[(&str, &str)] = &[
    (
        "sentiment-core/build.rs",
        include_str!("../../../plugins/sentiment-core/build.rs"),
    ),
    (
        "sentiment-core/LEXICON-SOURCES.md",
        include_str!("../../../plugins/sentiment-core/LEXICON-SOURCES.md"),
    ),
    (
        "sentiment-core/lexicon/vader.tsv",
        include_str!("../../../plugins/sentiment-core/lexicon/vader.tsv"),
    ),
    (
        "sentiment-core/lexicon/hashtrack.tsv",
        include_str!("../../../plugins/sentiment-core/lexicon/hashtrack.tsv"),
    ),
    (
        "sentiment-core/lexicon/es/hashtrack.tsv",
        include_str!("../../../plugins/sentiment-core/lexicon/es/hashtrack.tsv"),
    ),
    (
        "sentiment-core/lexicon/pt/leia.tsv",
        include_str!("../../../plugins/sentiment-core/lexicon/pt/leia.tsv"),
    ),
    (
        "sentiment-core/lexicon/pt/hashtrack.tsv",
        include_str!("../../../plugins/sentiment-core/lexicon/pt/hashtrack.tsv"),
    ),
    (
        "sentiment-core/lexicon/id/hashtrack.tsv",
        include_str!("../../../plugins/sentiment-core/lexicon/id/hashtrack.tsv"),
    ),
    (
        "sentiment-core/src/lib.rs",
        include_str!("../../../plugins/sentiment-core/src/lib.rs"),
    ),
    (
        "sentiment-core/src/entry.rs",
        include_str!("../../../plugins/sentiment-core/src/entry.rs"),
    ),
    (
        "sentiment-core/src/lexicon.rs",
        include_str!("../../../plugins/sentiment-core/src/lexicon.rs"),
    ),
    (
        "sentiment-core/src/modifiers.rs",
        include_str!("../../../plugins/sentiment-core/src/modifiers.rs"),
    ),
    (
        "sentiment-core/src/reactions.rs",
        include_str!("../../../plugins/sentiment-core/src/reactions.rs"),
    ),
    (
        "sentiment-core/src/tokens.rs",
        include_str!("../../../plugins/sentiment-core/src/tokens.rs"),
    ),
];

/// The version of wit-bindgen the built-in plugins use, for Rust projects.
const WIT_BINDGEN: &str = "0.63";

/// Writes a new project into `dir` (which must not exist or be empty) and returns what it
/// wrote, relative to `dir`.
pub fn new_project(dir: &Path, world: WorldChoice, language: Language) -> Result<Vec<PathBuf>> {
    let name = project_name(dir)?;
    if dir.exists()
        && fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} already exists and is not empty: choose a new directory",
            dir.display()
        );
    }
    let mut files: Vec<(String, String)> = Vec::new();
    let manifest = Manifest {
        name: name.clone(),
        world,
        language,
    };
    files.push((
        MANIFEST.to_string(),
        format!(
            "# Written by `hashtrack plugin new`; read by `hashtrack plugin build`.\n{}",
            toml::to_string(&manifest).expect("a manifest serialises")
        ),
    ));
    files.push(("wit/hashtrack.wit".to_string(), WIT.to_string()));
    files.push((
        "fixture.json".to_string(),
        match world {
            WorldChoice::SentimentScorer => SENTIMENT_FIXTURE,
            WorldChoice::AlertRules => ALERTS_FIXTURE,
        }
        .to_string(),
    ));
    files.push((".gitignore".to_string(), "target/\n".to_string()));
    let source = source_template(language, world).replace("{{name}}", &name);
    files.push((language.source_file().to_string(), source));
    if language == Language::Rust {
        files.push(("Cargo.toml".to_string(), rust_manifest(&name, world)));
        if world == WorldChoice::SentimentScorer {
            files.extend(
                SENTIMENT_CORE
                    .iter()
                    .map(|(path, text)| (path.to_string(), text.to_string())),
            );
            files.push((
                "sentiment-core/Cargo.toml".to_string(),
                "[package]\nname = \"sentiment-core\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
                 publish = false\ndescription = \"hashtrack's lexicon-and-rules sentiment scorer (a copy).\"\n\
                 license = \"MIT\"\n"
                    .to_string(),
            ));
        }
    }
    files.push(("README.md".to_string(), readme(&name, world, language)));

    let mut written = Vec::new();
    for (relative, text) in files {
        let path = dir.join(&relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(PathBuf::from(relative));
    }
    Ok(written)
}

/// The project's name: its directory's, which must do as a crate and file name.
fn project_name(dir: &Path) -> Result<String> {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{}: give a directory with a name", dir.display()))?;
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        bail!(
            "'{name}' cannot name a plugin: use lower-case letters, digits, '-' and '_', starting \
             with a letter (e.g. brandx-scorer)"
        );
    }
    Ok(name.to_string())
}

fn rust_manifest(name: &str, world: WorldChoice) -> String {
    let core = match world {
        WorldChoice::SentimentScorer => "sentiment-core = { path = \"sentiment-core\" }\n",
        WorldChoice::AlertRules => "",
    };
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [lib]\ncrate-type = [\"cdylib\"]\n\n\
         [dependencies]\n{core}wit-bindgen = \"{WIT_BINDGEN}\"\n\n\
         # Small, fast components: whole-program optimisation for the release build.\n\
         [profile.release]\nlto = true\ncodegen-units = 1\n\n\
         # A project of its own, even when created inside another Cargo workspace.\n\
         [workspace]\n"
    )
}

fn readme(name: &str, world: WorldChoice, language: Language) -> String {
    let (what, fixture, table, settings) = match world {
        WorldChoice::SentimentScorer => (
            "a comment sentiment scorer",
            "comments, as a day's new comments reach the scorer",
            "sentiment",
            "lexicon-file = \"plugins/lexicons/brandx.txt\"   # arrives as `lexicon`",
        ),
        WorldChoice::AlertRules => (
            "alert rules",
            "today's day facts and earlier days, as the rules see them",
            "alerts",
            "surge-factor = 3      # arrives as the string \"3\"\nmin-views = 10000",
        ),
    };
    let (language_name, tools) = match language {
        Language::Rust => (
            "Rust",
            "the `wasm32-wasip2` target through rustup; crates from crates.io",
        ),
        Language::Python => (
            "Python",
            "componentize-py in a virtual environment, which needs python3 3.10+",
        ),
        Language::Js => (
            "JavaScript",
            "componentize-js through npm, which needs Node.js 20+",
        ),
    };
    let mut files = format!(
        "| `{}` | the plugin: start here |\n",
        language.source_file()
    );
    if language == Language::Rust {
        files.push_str(
            "| `Cargo.toml` | the crate; `[workspace]` keeps it a project of its own |\n",
        );
        if world == WorldChoice::SentimentScorer {
            let _ = writeln!(
                files,
                "| `sentiment-core/` | hashtrack's default scorer as a library (a copy; its lexicon format: `term score` lines, -4 to 4, `#` comments) |"
            );
        }
    }
    README
        .replace("{{name}}", name)
        .replace("{{what}}", what)
        .replace("{{world}}", world.wit_name())
        .replace("{{wit_version}}", WIT_VERSION)
        .replace("{{language}}", language_name)
        .replace("{{files}}", &files)
        .replace("{{fixture}}", fixture)
        .replace("{{tools}}", tools)
        .replace("{{table}}", table)
        .replace("{{settings}}", settings)
}

/// Reads a project's manifest.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = fs::read_to_string(&path).with_context(|| {
        format!(
            "{} not found: is {} a project made by `hashtrack plugin new`?",
            path.display(),
            dir.display()
        )
    })?;
    toml::from_str(&text).with_context(|| format!("{}: not a valid manifest", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Rust scorer project builds on a copy of sentiment-core: every source and lexicon
    /// file of it must be copied, or the project's build fails where the user cannot fix it.
    #[test]
    fn the_copy_of_sentiment_core_has_every_source_and_lexicon_file() {
        let core =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plugins/sentiment-core");
        let mut files = vec!["build.rs".to_string()];
        let mut dirs = vec![core.join("src"), core.join("lexicon")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let relative = path.strip_prefix(&core).unwrap();
                    files.push(relative.to_string_lossy().into_owned());
                }
            }
        }
        for file in files {
            let copied = format!("sentiment-core/{file}");
            assert!(
                SENTIMENT_CORE.iter().any(|(path, _)| *path == copied),
                "plugin new does not copy {copied}"
            );
        }
    }

    #[test]
    fn names_must_do_as_crate_and_file_names() {
        assert_eq!(
            project_name(Path::new("x/brandx-scorer")).unwrap(),
            "brandx-scorer"
        );
        for bad in ["x/BrandX", "x/1scorer", "x/brand x", "x/.."] {
            assert!(project_name(Path::new(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_project_has_its_manifest_wit_fixture_and_source_and_refuses_a_full_directory() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("brandx-rules");
        let written = new_project(&project, WorldChoice::AlertRules, Language::Python).unwrap();
        for file in [
            MANIFEST,
            "wit/hashtrack.wit",
            "fixture.json",
            "app.py",
            "README.md",
        ] {
            assert!(
                written.contains(&PathBuf::from(file)),
                "{file}: {written:?}"
            );
        }
        let manifest = read_manifest(&project).unwrap();
        assert_eq!(manifest.name, "brandx-rules");
        assert_eq!(manifest.world, WorldChoice::AlertRules);
        let readme = fs::read_to_string(project.join("README.md")).unwrap();
        assert!(!readme.contains("{{"), "{readme}");
        assert!(readme.contains("target/brandx-rules.wasm"), "{readme}");
        let error = new_project(&project, WorldChoice::AlertRules, Language::Js).unwrap_err();
        assert!(error.to_string().contains("not empty"), "{error}");
    }
}
