//! A hostile campaigns.toml, through the real binary: files it names outside its directory
//! (by symlink), devices, huge sparse files, a `file` sink outside the data directory and a
//! mail server reached in clear are refused at load (`run --plan`), quickly, naming the file or
//! sink and quoting nothing of what the files hold or of the SMTP password.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::util::*;

/// What an outside file holds; it must never be printed.
const MARKER: &str = "SCAVIO_API_KEY=sk-live-MARKER-7c1e9d0b";
/// Loading a config takes milliseconds; reading /dev/zero or 500 MB would not.
const QUICKLY: Duration = Duration::from_secs(20);

/// A config directory, and another directory beside it holding a secret.
struct Setup {
    dir: tempfile::TempDir,
    outside: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let setup = Setup {
            dir: tempfile::tempdir().unwrap(),
            outside: tempfile::tempdir().unwrap(),
        };
        // Read as a lexicon: the term `export`, and a score that is not a number.
        let secret = format!("export {MARKER}\n");
        std::fs::write(setup.outside.path().join("secret.env"), secret).unwrap();
        setup
    }

    /// `name` in the config directory: a symlink to the outside secret.
    fn link_to_secret(&self, name: &str) {
        std::os::unix::fs::symlink(
            self.outside.path().join("secret.env"),
            self.dir.path().join(name),
        )
        .unwrap();
    }

    /// `name` in the config directory: a 500 MB sparse file (no disk, no writing).
    fn sparse(&self, name: &str) {
        File::create(self.dir.path().join(name))
            .unwrap()
            .set_len(500_000_000)
            .unwrap();
    }

    /// campaigns.toml with `campaign`, `sinks` for client acme, and `settings` added to its
    /// `[settings]`.
    fn config(&self, campaign: Campaign, sinks: toml::Table, settings: toml::Table) -> PathBuf {
        let client_sinks = sinks.keys().cloned().collect();
        let path = ConfigFile {
            base_url: "http://127.0.0.1:9".into(),
            requests_per_minute: 10,
            client_budget: None,
            campaigns: vec![campaign],
            sinks,
            client_sinks,
        }
        .write(self.dir.path());
        let mut config: toml::Table =
            toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        config["settings"].as_table_mut().unwrap().extend(settings);
        std::fs::write(&path, toml::to_string(&config).unwrap()).unwrap();
        path
    }
}

fn table(pairs: &[(&str, toml::Value)]) -> toml::Table {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.clone()))
        .collect()
}

fn logo(file: &str) -> toml::Table {
    table(&[("branding", table(&[("logo_file", file.into())]).into())])
}

fn allow_outside() -> toml::Table {
    table(&[("allow_outside", true.into())])
}

fn lexicon(file: &str) -> Campaign {
    campaign("spring", &["tryacme"]).sentiment_setting("lexicon-file", file)
}

/// `hashtrack ARGS` with `env`: exit code and stdout with stderr. Fails if it takes longer
/// than [`QUICKLY`] (and kills it).
fn hashtrack_quickly(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let started = Instant::now();
    let mut child = hashtrack()
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > QUICKLY {
            child.kill().unwrap();
            panic!("hashtrack {args:?} still running after {QUICKLY:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn plan(config: &Path, env: &[(&str, &str)]) -> (i32, String) {
    hashtrack_quickly(
        &["run", "--plan", "--config", config.to_str().unwrap()],
        env,
    )
}

/// `run --plan` refuses the config, saying each of `expected`, and prints nothing secret.
fn refused(config: &Path, env: &[(&str, &str)], expected: &[&str]) {
    let (code, out) = plan(config, env);
    assert_eq!(code, 1, "{out}");
    for words in expected {
        assert!(out.contains(words), "no {words:?} in: {out}");
    }
    assert!(!out.contains("sk-live"), "{out}");
}

#[test]
fn a_logo_outside_the_config_directory_is_refused() {
    let setup = Setup::new();
    setup.link_to_secret("logo.png");
    let config = setup.config(
        campaign("spring", &["x"]),
        toml::Table::new(),
        logo("logo.png"),
    );
    refused(
        &config,
        &[],
        &[
            "logo_file",
            "logo.png",
            "secret.env",
            "outside",
            "allow_outside",
        ],
    );
    // The same with `..` rather than a symlink.
    let up = format!(
        "../{}/secret.env",
        setup.outside.path().file_name().unwrap().to_str().unwrap()
    );
    let config = setup.config(campaign("spring", &["x"]), toml::Table::new(), logo(&up));
    refused(&config, &[], &["logo_file", "secret.env", "outside"]);
}

#[test]
fn a_setting_file_outside_the_config_directory_is_refused() {
    let setup = Setup::new();
    setup.link_to_secret("lexicon.txt");
    let config = setup.config(
        lexicon("lexicon.txt"),
        toml::Table::new(),
        toml::Table::new(),
    );
    refused(
        &config,
        &[],
        &[
            "campaign 'spring' [sentiment]",
            "'lexicon-file'",
            "lexicon.txt",
            "outside",
        ],
    );
}

#[test]
fn devices_are_not_regular_files_wherever_they_are_allowed() {
    let setup = Setup::new();
    for settings in [toml::Table::new(), allow_outside()] {
        let mut with_logo = logo("/dev/zero");
        with_logo.extend(settings.clone());
        let config = setup.config(campaign("spring", &["x"]), toml::Table::new(), with_logo);
        refused(&config, &[], &["logo_file /dev/zero", "not a regular file"]);
        let config = setup.config(lexicon("/dev/zero"), toml::Table::new(), settings);
        refused(
            &config,
            &[],
            &["'lexicon-file': /dev/zero", "not a regular file"],
        );
    }
}

#[test]
fn a_500_mb_file_is_refused_before_it_is_read() {
    let setup = Setup::new();
    setup.sparse("huge.png");
    let config = setup.config(
        campaign("spring", &["x"]),
        toml::Table::new(),
        logo("huge.png"),
    );
    refused(
        &config,
        &[],
        &["huge.png", "500000000 bytes", "the limit is 1000000"],
    );
    setup.sparse("huge.txt");
    let config = setup.config(lexicon("huge.txt"), toml::Table::new(), toml::Table::new());
    refused(
        &config,
        &[],
        &["'lexicon-file'", "huge.txt", "the limit is 10000000"],
    );
}

#[test]
fn an_outside_file_allowed_in_is_still_never_quoted_by_the_built_in_scorer() {
    let setup = Setup::new();
    setup.link_to_secret("lexicon.txt");
    let config = setup.config(lexicon("lexicon.txt"), toml::Table::new(), allow_outside());
    // Allowed outside, the file is read; the plan's preflight finds it is no lexicon.
    let (code, out) = plan(&config, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("lexicon line 1"), "{out}");
    assert!(!out.contains("sk-live"), "{out}");
    // The scorer refuses the secret's lines as a lexicon, by line number alone.
    let (code, out) = hashtrack_quickly(
        &["plugin", "check", "--config", config.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("lexicon line 1"), "{out}");
    assert!(out.contains("not a number"), "{out}");
    assert!(!out.contains("sk-live"), "{out}");
}

#[test]
fn a_file_sink_writes_only_inside_the_data_directory() {
    let setup = Setup::new();
    let sink = |path: &str| {
        table(&[(
            "inbox",
            table(&[("kind", "file".into()), ("path", path.into())]).into(),
        )])
    };
    let outside = setup.outside.path().join("cron.d");
    for path in [outside.to_str().unwrap(), "data/../elsewhere"] {
        let config = setup.config(campaign("spring", &["x"]), sink(path), toml::Table::new());
        refused(
            &config,
            &[],
            &[
                "sink 'inbox' (file): path must lie inside data_dir",
                "outside",
            ],
        );
    }
    let config = setup.config(
        campaign("spring", &["x"]),
        sink("data/inbox"),
        toml::Table::new(),
    );
    let (code, out) = plan(&config, &[]);
    assert_eq!(code, 0, "{out}");
    let config = setup.config(
        campaign("spring", &["x"]),
        sink(outside.to_str().unwrap()),
        allow_outside(),
    );
    let (code, out) = plan(&config, &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn mail_in_clear_to_another_machine_is_refused_without_showing_the_password() {
    let setup = Setup::new();
    let mail = table(&[(
        "mail",
        table(&[
            ("kind", "email".into()),
            ("smtp_url_env", "CR_SMTP_URL".into()),
            ("from", "alerts@agency.example".into()),
            ("to", vec!["ops@agency.example".to_string()].into()),
        ])
        .into(),
    )]);
    let config = setup.config(campaign("spring", &["x"]), mail, toml::Table::new());
    let password = "pa55-MARKER-smtp";
    let remote = format!("smtp://user:{password}@mail.example.com");
    let (code, out) = plan(&config, &[("CR_SMTP_URL", remote.as_str())]);
    assert_eq!(code, 1, "{out}");
    for words in [
        "sink 'mail'",
        "$CR_SMTP_URL",
        "in clear",
        "smtps://",
        "tls=required",
    ] {
        assert!(out.contains(words), "no {words:?} in: {out}");
    }
    assert!(
        !out.contains(password) && !out.contains("mail.example.com"),
        "{out}"
    );
    // Said explicitly, or TLS, or this machine: accepted.
    for accepted in [
        format!("{remote}:587?tls=required"),
        format!("{remote}?tls=none"),
        format!("smtps://user:{password}@mail.example.com"),
        format!("smtp://user:{password}@127.0.0.1:2525"),
        format!("smtp://user:{password}@localhost:2525"),
    ] {
        let (code, out) = plan(&config, &[("CR_SMTP_URL", accepted.as_str())]);
        assert_eq!(code, 0, "{accepted}: {out}");
        assert!(!out.contains(password), "{out}");
    }
}
