//! A new user's first minutes: the installed binary alone in an empty folder, no
//! campaigns.toml anywhere, HOME and the XDG folders inside the test's own directory.
//! `init` writes a config, `demo` runs it (or the built-in example without one), and neither
//! overwrites what is there without `--force`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

use hashtrack::config::Config;

/// A fresh folder holding nothing but a copy of the built binary.
struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Folder {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            env!("CARGO_BIN_EXE_hashtrack"),
            dir.path().join("hashtrack"),
        )
        .unwrap();
        Folder { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `./hashtrack ARGS` run in the folder, with an environment of nothing but a home in it.
    fn hashtrack(&self, args: &[&str]) -> Output {
        let home = self.path().join("home");
        Command::new(self.path().join("hashtrack"))
            .args(args)
            .current_dir(self.path())
            .env_clear()
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .output()
            .unwrap()
    }
}

fn succeeded(out: &Output) -> (String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{}\n{stdout}\n{stderr}", out.status);
    (stdout, stderr)
}

fn failed(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    stderr
}

/// Every file under `dir` with its size and modification time: what "untouched" compares.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let entry = entry.unwrap();
            let metadata = entry.metadata().unwrap();
            if metadata.is_dir() {
                folders.push(entry.path());
            } else {
                files.push((entry.path(), metadata.len(), metadata.modified().unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn first_run_init_then_demo_with_only_the_binary() {
    let folder = Folder::new();
    let (said, _) = succeeded(&folder.hashtrack(&["init"]));
    assert!(
        said.contains("hashtrack demo") && said.contains("hashtrack run --plan"),
        "{said}"
    );
    let config = Config::load(&folder.path().join("campaigns.toml")).unwrap();
    let campaign = &config.campaigns[0].id;

    let (report, _) = succeeded(&folder.hashtrack(&["demo", "--days", "3"]));
    assert!(report.contains(campaign.as_str()), "{report}");

    let data = folder.path().join("hashtrack-demo");
    let before = snapshot(&data);
    let refused = failed(&folder.hashtrack(&["demo", "--days", "3"]));
    assert!(
        refused.contains("hashtrack-demo") && refused.contains("--force"),
        "{refused}"
    );
    assert_eq!(snapshot(&data), before, "a refused demo changes nothing");

    let (report, _) = succeeded(&folder.hashtrack(&["demo", "--force", "--days", "3"]));
    assert!(report.contains(campaign.as_str()), "{report}");
}

#[test]
fn first_run_demo_without_a_config_runs_the_built_in_example() {
    let folder = Folder::new();
    let (report, said) = succeeded(&folder.hashtrack(&["demo", "--days", "3"]));
    assert!(said.contains("built-in example"), "{said}");
    let example = folder.path().join("hashtrack-demo/example/campaigns.toml");
    let shipped = crate::util::repo().join("campaigns.toml");
    assert_eq!(
        std::fs::read_to_string(&example).unwrap(),
        std::fs::read_to_string(&shipped).unwrap()
    );
    for campaign in Config::load(&shipped).unwrap().campaigns {
        assert!(report.contains(&campaign.id), "{}: {report}", campaign.id);
    }
}

#[test]
fn first_run_init_overwrites_a_config_only_with_force() {
    let folder = Folder::new();
    let config = folder.path().join("campaigns.toml");
    std::fs::write(&config, "# mine\n").unwrap();
    let refused = failed(&folder.hashtrack(&["init"]));
    assert!(refused.contains("--force"), "{refused}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "# mine\n");

    succeeded(&folder.hashtrack(&["init", "--force"]));
    Config::load(&config).unwrap();
}

#[test]
fn first_run_demo_never_empties_a_folder_it_did_not_make() {
    let folder = Folder::new();
    let mine = folder.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep me\n").unwrap();
    let refused = failed(&folder.hashtrack(&["demo", "--force", "--data-dir", "mine"]));
    assert!(refused.contains("not made by the demo"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "keep me\n"
    );
}
