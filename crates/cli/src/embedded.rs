//! Configurations built into the binary, so that `init` and `demo` work from any folder with
//! nothing but the installed `hashtrack`: the `init` starter and the shipped example (the
//! repository's `campaigns.toml` with the files it names). The files themselves are the one
//! source of truth, embedded as they are; this module only lists them and writes them out.
//! Whether a file may be overwritten is the caller's decision.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The config file of every set, which `demo` and `run` look for in the current directory.
pub const CONFIG_FILE: &str = "campaigns.toml";

/// A config and the files it names (a lexicon, a logo), by their paths relative to the
/// config's folder.
pub struct FileSet {
    pub config: &'static str,
    pub companions: &'static [(&'static str, &'static str)],
}

/// What `hashtrack init` writes: one client, one campaign, a file sink, every key.
pub const STARTER: FileSet = FileSet {
    config: include_str!("../init/campaigns.toml"),
    companions: &[(
        "lexicons/acme.txt",
        include_str!("../init/lexicons/acme.txt"),
    )],
};

/// The repository's example, which the demo runs when there is no campaigns.toml.
pub const EXAMPLE: FileSet = FileSet {
    config: include_str!("../../../campaigns.toml"),
    companions: &[
        (
            "plugins/lexicons/glowco.txt",
            include_str!("../../../plugins/lexicons/glowco.txt"),
        ),
        (
            "plugins/lexicons/glowco-pt.txt",
            include_str!("../../../plugins/lexicons/glowco-pt.txt"),
        ),
        (
            "plugins/lexicons/snackhaus.txt",
            include_str!("../../../plugins/lexicons/snackhaus.txt"),
        ),
        (
            "docs/agency-logo.svg",
            include_str!("../../../docs/agency-logo.svg"),
        ),
    ],
};

impl FileSet {
    /// Writes the config and its companions into `dir`; returns the config's path.
    pub fn write_all(&self, dir: &Path) -> Result<PathBuf> {
        for (path, text) in self.companions {
            write_file(&dir.join(path), text)?;
        }
        let config = dir.join(CONFIG_FILE);
        write_file(&config, self.config)?;
        Ok(config)
    }
}

/// Writes `text` to `path`, creating its folder.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use hashtrack::config::Config;

    use super::*;

    /// Loading reads every file the config names: one left out of the set fails here.
    #[test]
    fn each_set_loads_from_what_it_writes() {
        for set in [STARTER, EXAMPLE] {
            let dir = tempfile::tempdir().unwrap();
            let path = set.write_all(dir.path()).unwrap();
            Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}
