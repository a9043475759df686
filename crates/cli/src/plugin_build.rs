//! `hashtrack plugin build DIR`: a `plugin new` project built into `DIR/target/NAME.wasm`,
//! whatever its language. The tools each language needs are installed on first use into one
//! directory shared by every project (`$HASHTRACK_PLUGIN_TOOLS`, else the user's cache):
//! Rust gets the `wasm32-wasip2` target through rustup, Python a virtual environment with
//! componentize-py, JavaScript an npm install of componentize-js, all at pinned versions.
//!
//! The layout of the tools directory is the one `plugins/examples/build-examples.sh` uses,
//! so the repository's tests and a developer's builds share one install.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use super::plugin_new::{Language, Manifest, read_manifest};

/// Where the build tools go when `$HASHTRACK_PLUGIN_TOOLS` is not set: under the user's cache.
pub const TOOLS_ENV: &str = "HASHTRACK_PLUGIN_TOOLS";

/// Pinned so that a component builds the same way on every machine.
const COMPONENTIZE_PY_VERSION: &str = "0.25.1";
/// componentize-js and the shim it needs at build time, pinned with their whole tree.
const JS_PACKAGE: &str = include_str!("../../../plugins/examples/js-alerts/package.json");
const JS_LOCK: &str = include_str!("../../../plugins/examples/js-alerts/package-lock.json");
const WASM_TARGET: &str = "wasm32-wasip2";

/// Builds the project in `dir` and returns the component's path.
pub fn build_project(dir: &Path) -> Result<PathBuf> {
    let manifest = read_manifest(dir)?;
    // Absolute, since the build tools run in other directories; the path printed stays as given.
    let given = dir;
    let dir = &dir
        .canonicalize()
        .with_context(|| format!("cannot find {}", dir.display()))?;
    let source = dir.join(manifest.language.source_file());
    if !source.is_file() {
        bail!("{}: the plugin's source is missing", source.display());
    }
    let out_dir = dir.join("target");
    fs::create_dir_all(&out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    let out = out_dir.join(format!("{}.wasm", manifest.name));
    let partial = out_dir.join(format!("{}.wasm.partial", manifest.name));
    match manifest.language {
        Language::Rust => build_rust(dir, &manifest, &partial)?,
        Language::Python => build_python(dir, &manifest, &partial)?,
        Language::Js => build_js(dir, &manifest, &partial)?,
    }
    // Only a finished build ever has the component's name.
    fs::rename(&partial, &out).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(given.join("target").join(format!("{}.wasm", manifest.name)))
}

fn build_rust(dir: &Path, manifest: &Manifest, out: &Path) -> Result<()> {
    ensure_wasm_target()?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("target"));
    run(
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(dir)
            .args([
                "build",
                "--release",
                "--target",
                WASM_TARGET,
                "--target-dir",
            ])
            .arg(&target_dir),
        "cargo build",
    )?;
    let built = target_dir
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{}.wasm", manifest.name.replace('-', "_")));
    fs::copy(&built, out).with_context(|| format!("cannot copy {}", built.display()))?;
    Ok(())
}

/// A stock toolchain has only the host target: add the wasm one through rustup.
fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match installed {
        Ok(output) if String::from_utf8_lossy(&output.stdout).contains(WASM_TARGET) => Ok(()),
        Ok(_) => {
            eprintln!("installing the Rust target {WASM_TARGET} (first use)");
            run(
                Command::new("rustup").args(["target", "add", WASM_TARGET]),
                "rustup target add",
            )
        }
        Err(_) => Ok(()), // no rustup: the toolchain may have the target; cargo will say if not
    }
}

fn build_python(dir: &Path, manifest: &Manifest, out: &Path) -> Result<()> {
    let tools = Tools::open()?;
    let componentize = tools.componentize_py()?;
    // componentize-py leaves __pycache__ beside the modules it reads: it reads copies.
    let stage = tempfile::tempdir().context("cannot create a temporary directory")?;
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "py") {
            fs::copy(&path, stage.path().join(path.file_name().expect("a file")))
                .with_context(|| format!("cannot copy {}", path.display()))?;
        }
    }
    run(
        Command::new(componentize)
            .arg("-d")
            .arg(dir.join("wit"))
            .args(["-w", manifest.world.wit_name(), "componentize", "app", "-p"])
            .arg(stage.path())
            .arg("-o")
            .arg(out),
        "componentize-py",
    )
}

fn build_js(dir: &Path, manifest: &Manifest, out: &Path) -> Result<()> {
    let tools = Tools::open()?;
    let entry = tools.componentize_js()?;
    let script = tempfile::Builder::new()
        .suffix(".mjs")
        .tempfile()
        .context("cannot create a temporary file")?;
    fs::write(script.path(), BUILD_JS).context("cannot write the build script")?;
    run(
        Command::new("node")
            .arg(script.path())
            .arg(&entry)
            .arg(dir.join(Language::Js.source_file()))
            .arg(dir.join("wit"))
            .arg(manifest.world.wit_name())
            .arg(out),
        "node (componentize-js)",
    )
}

/// componentize-js through its JS API (its `jco componentize` wrapper has failed for us).
/// fetch() and incoming HTTP are left out: they import wasi:http, which plugins never get.
const BUILD_JS: &str = r#"
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
const [entry, sourcePath, witPath, worldName, out] = process.argv.slice(2);
const { componentize } = await import(pathToFileURL(entry).href);
const { component } = await componentize({
  sourcePath, witPath, worldName, disableFeatures: ['http', 'fetch-event'],
});
await writeFile(out, component);
"#;

/// The shared tools directory, locked while this process installs into it.
struct Tools {
    dir: PathBuf,
    _lock: fs::File,
}

impl Tools {
    fn open() -> Result<Tools> {
        let dir = tools_dir()?;
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let lock = fs::File::create(dir.join(".lock"))
            .with_context(|| format!("cannot create {}", dir.join(".lock").display()))?;
        // Two builds (or a build and the example script) must not install at once.
        lock.lock()
            .with_context(|| format!("cannot lock {}", dir.display()))?;
        Ok(Tools { dir, _lock: lock })
    }

    fn componentize_py(&self) -> Result<PathBuf> {
        let venv = self.dir.join("py");
        let tool = venv.join("bin/componentize-py");
        let wanted = format!("componentize-py {COMPONENTIZE_PY_VERSION}");
        let current = Command::new(&tool).arg("--version").output();
        if current.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == wanted) {
            return Ok(tool);
        }
        need("python3", "Python 3.10 or newer, with venv")?;
        eprintln!("installing {wanted} into {} (first use)", venv.display());
        let _ = fs::remove_dir_all(&venv);
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        )?;
        run(
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(format!("componentize-py=={COMPONENTIZE_PY_VERSION}")),
            "pip install componentize-py",
        )?;
        Ok(tool)
    }

    /// The componentize-js entry file, installed from the pinned manifest and lock when they
    /// changed (a stamp of both, as `build-examples.sh` writes it).
    fn componentize_js(&self) -> Result<PathBuf> {
        let js = self.dir.join("js");
        let stamp = {
            let digest = Sha256::digest(format!("{JS_PACKAGE}{JS_LOCK}"));
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()[..16]
                .to_string()
        };
        let entry = js.join("node_modules/@bytecodealliance/componentize-js/src/componentize.js");
        let installed = fs::read_to_string(js.join(".installed")).unwrap_or_default();
        if installed.trim() == stamp && entry.is_file() {
            return Ok(entry);
        }
        need("node", "Node.js 20 or newer")?;
        need("npm", "it comes with Node.js")?;
        eprintln!(
            "installing componentize-js into {} (first use)",
            js.display()
        );
        fs::create_dir_all(&js).with_context(|| format!("cannot create {}", js.display()))?;
        fs::write(js.join("package.json"), JS_PACKAGE)?;
        fs::write(js.join("package-lock.json"), JS_LOCK)?;
        run(
            Command::new("npm").current_dir(&js).args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ]),
            "npm ci",
        )?;
        fs::write(js.join(".installed"), format!("{stamp}\n"))?;
        Ok(entry)
    }
}

/// `$HASHTRACK_PLUGIN_TOOLS`, else `$XDG_CACHE_HOME/hashtrack/plugin-tools`, else
/// `~/.cache/hashtrack/plugin-tools`.
fn tools_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(TOOLS_ENV) {
        return Ok(PathBuf::from(dir));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .with_context(|| format!("set {TOOLS_ENV}: where plugin build tools may be installed"))?;
    Ok(cache.join("hashtrack/plugin-tools"))
}

fn need(program: &str, what: &str) -> Result<()> {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        bail!("{program} is needed to build this plugin ({what}) and was not found on PATH");
    }
    Ok(())
}

/// Runs a build step with its output on stderr (stdout carries only the component's path).
fn run(command: &mut Command, what: &str) -> Result<()> {
    let status = command
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .with_context(|| format!("could not start {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status}); its output is above");
    }
    Ok(())
}
