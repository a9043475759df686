//! Files that `campaigns.toml` names: which may be read (the logo, `KEY-file` settings) and
//! where a `file` sink may write.
//!
//! Whoever edits the config must not reach the service's other files through it, so a named
//! file must be a regular file that resolves (symlinks and `..` followed) inside the config
//! file's directory, and a sink must write inside the data directory, unless `[settings]
//! allow_outside = true`. Sizes are capped before anything is read. Refusals name the cause,
//! never the content. Does not know what a file means (an image, a lexicon): its callers do.

use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Where relative paths start, and whether what they name must stay inside.
#[derive(Debug, Clone, Copy)]
pub struct Confinement<'a> {
    pub dir: &'a Path,
    /// `[settings] allow_outside`, or a path given on the operator's own command line.
    pub allow_outside: bool,
}

/// Why a named file or directory was refused. Never holds the file's content.
#[derive(Debug, thiserror::Error)]
pub enum FileRefusal {
    #[error("cannot read it: {0}")]
    Unreadable(std::io::Error),
    #[error("not a regular file")]
    NotRegular,
    #[error(
        "it resolves to {}, outside {} (set `allow_outside = true` in [settings] to allow that)",
        resolved.display(), root.display()
    )]
    Outside { resolved: PathBuf, root: PathBuf },
    #[error("it is {size} bytes; the limit is {cap}")]
    TooLarge { size: u64, cap: u64 },
}

impl Confinement<'_> {
    /// Reads the file at `relative` (to `dir`): a regular file, inside `dir` unless allowed
    /// outside, of at most `cap` bytes. The size is checked on the open file before reading,
    /// and the read is bounded anyway, so a file that grows meanwhile cannot exhaust memory.
    pub fn read(&self, relative: &Path, cap: u64) -> Result<Vec<u8>, FileRefusal> {
        let path = self.dir.join(relative);
        let resolved = path.canonicalize().map_err(FileRefusal::Unreadable)?;
        // Checked before opening: opening a FIFO would wait for a writer.
        let metadata = std::fs::metadata(&resolved).map_err(FileRefusal::Unreadable)?;
        if !metadata.is_file() {
            return Err(FileRefusal::NotRegular);
        }
        self.check_inside(&resolved, self.dir)?;
        let file = File::open(&resolved).map_err(FileRefusal::Unreadable)?;
        // Again on the open file: what is read is what was checked.
        let metadata = file.metadata().map_err(FileRefusal::Unreadable)?;
        if !metadata.is_file() {
            return Err(FileRefusal::NotRegular);
        }
        if metadata.len() > cap {
            return Err(FileRefusal::TooLarge {
                size: metadata.len(),
                cap,
            });
        }
        let mut bytes = Vec::with_capacity(metadata.len() as usize);
        file.take(cap + 1)
            .read_to_end(&mut bytes)
            .map_err(FileRefusal::Unreadable)?;
        if bytes.len() as u64 > cap {
            return Err(FileRefusal::TooLarge {
                size: bytes.len() as u64,
                cap,
            });
        }
        Ok(bytes)
    }

    /// The directory at `relative` (to `dir`), which must resolve inside `root` unless allowed
    /// outside. It need not exist yet: its existing part is resolved, the rest read as written.
    pub fn writable_dir(&self, relative: &Path, root: &Path) -> Result<PathBuf, FileRefusal> {
        let path = self.dir.join(relative);
        self.check_inside(&resolve(&path), root)?;
        Ok(path)
    }

    fn check_inside(&self, resolved: &Path, root: &Path) -> Result<(), FileRefusal> {
        let root = resolve(root);
        if self.allow_outside || resolved.starts_with(&root) {
            Ok(())
        } else {
            Err(FileRefusal::Outside {
                resolved: resolved.to_path_buf(),
                root,
            })
        }
    }
}

/// `path` made absolute with symlinks and `..` resolved as far as it exists; the rest (not
/// yet created, so no symlinks in it) with `.` and `..` applied as written.
fn resolve(path: &Path) -> PathBuf {
    // `Path::new("")` is how a bare file name's parent reads: the current directory.
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    let mut existing = path;
    let mut rest = Vec::new();
    let mut resolved = loop {
        if let Ok(found) = existing.canonicalize() {
            break found;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(Component::Normal(name));
                existing = parent;
            }
            // `..`, `.` or a root that cannot be resolved: apply it as written.
            (Some(parent), None) => {
                rest.push(existing.components().next_back().expect("not empty"));
                existing = parent;
            }
            (None, _) => break std::env::current_dir().unwrap_or_default(),
        }
    };
    for component in rest.into_iter().rev() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => resolved.push(name),
            _ => {}
        }
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAP: u64 = 1_000;

    fn within(dir: &Path) -> Confinement<'_> {
        Confinement {
            dir,
            allow_outside: false,
        }
    }

    #[test]
    fn a_file_inside_is_read_and_one_outside_is_refused_unless_allowed() {
        let config = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(config.path().join("lex.txt"), "dupe -2\n").unwrap();
        std::fs::write(elsewhere.path().join("secret.env"), "KEY=sk-live-1\n").unwrap();
        std::os::unix::fs::symlink(
            elsewhere.path().join("secret.env"),
            config.path().join("link.txt"),
        )
        .unwrap();
        let dir = config.path();
        assert_eq!(
            within(dir).read(Path::new("lex.txt"), CAP).unwrap(),
            b"dupe -2\n"
        );
        let up = Path::new("..")
            .join(elsewhere.path().file_name().unwrap())
            .join("secret.env");
        for outside in [
            Path::new("link.txt"),
            &up,
            &elsewhere.path().join("secret.env"),
        ] {
            let refusal = within(dir).read(outside, CAP).unwrap_err();
            assert!(
                matches!(refusal, FileRefusal::Outside { .. }),
                "{outside:?}: {refusal}"
            );
            assert!(!refusal.to_string().contains("sk-live"), "{refusal}");
            let allowed = Confinement {
                dir,
                allow_outside: true,
            };
            assert_eq!(allowed.read(outside, CAP).unwrap(), b"KEY=sk-live-1\n");
        }
    }

    #[test]
    fn devices_fifos_and_directories_are_not_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let anywhere = Confinement {
            dir: dir.path(),
            allow_outside: true,
        };
        for path in [Path::new("/dev/zero"), &fifo, Path::new("sub")] {
            let refusal = anywhere.read(path, CAP).unwrap_err();
            assert!(
                matches!(refusal, FileRefusal::NotRegular),
                "{path:?}: {refusal}"
            );
        }
    }

    #[test]
    fn the_size_is_checked_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        // Sparse: 500 MB that take no disk and would take memory if read.
        File::create(dir.path().join("huge"))
            .unwrap()
            .set_len(500_000_000)
            .unwrap();
        let refusal = within(dir.path()).read(Path::new("huge"), CAP).unwrap_err();
        assert!(
            matches!(
                refusal,
                FileRefusal::TooLarge {
                    size: 500_000_000,
                    cap: CAP
                }
            ),
            "{refusal}"
        );
        std::fs::write(dir.path().join("exact"), vec![b'x'; CAP as usize]).unwrap();
        assert!(within(dir.path()).read(Path::new("exact"), CAP).is_ok());
    }

    #[test]
    fn a_sink_directory_must_resolve_inside_its_root() {
        let config = tempfile::tempdir().unwrap();
        let data = config.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let dir = config.path();
        for inside in ["data/inbox", "data/new/../inbox", "data", "./data/a/b"] {
            within(dir)
                .writable_dir(Path::new(inside), &data)
                .unwrap_or_else(|e| panic!("{inside}: {e}"));
        }
        std::os::unix::fs::symlink("/etc", data.join("etc")).unwrap();
        for outside in [
            "inbox",
            "data/../inbox",
            "data/x/../../inbox",
            "/tmp/inbox",
            "data/etc/cron.d",
        ] {
            let refusal = within(dir)
                .writable_dir(Path::new(outside), &data)
                .unwrap_err();
            assert!(
                matches!(refusal, FileRefusal::Outside { .. }),
                "{outside}: {refusal}"
            );
        }
        let anywhere = Confinement {
            dir,
            allow_outside: true,
        };
        assert!(
            anywhere
                .writable_dir(Path::new("/tmp/inbox"), &data)
                .is_ok()
        );
    }
}
