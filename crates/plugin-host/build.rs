//! Builds the default plugins (`plugins/sentiment-default`, `plugins/alerts-default`) as
//! wasm32-wasip2 components and copies them into `OUT_DIR`, where `src/builtin.rs`
//! embeds them with `include_bytes!`. The host binary therefore always carries plugins built
//! from the same tree, and a plain `cargo build` is the only build step.
//!
//! `HASHTRACK_PREBUILT_PLUGINS=DIR` skips the nested build and embeds `DIR/sentiment_default.wasm`
//! and `DIR/alerts_default.wasm` instead, as `cargo build --release --target wasm32-wasip2 -p
//! sentiment-default -p alerts-default` leaves them in `target/wasm32-wasip2/release`: for
//! machines without the wasm target (packagers, an offline build, a CI that builds the plugins
//! once). A relative DIR is taken from the workspace's top. The host checks at load time that
//! they implement a version it speaks.
//!
//! The nested cargo uses its own target directory: the outer build holds the lock on the outer
//! one until this script returns, so sharing it would deadlock. It also gets a clean
//! environment, because flags meant for the host (RUSTFLAGS for x86_64, clippy as the rustc
//! wrapper, a `--target`) are wrong or wasteful for wasm.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The target the plugins are built for: it links WASI preview 2 components directly.
const WASM_TARGET: &str = "wasm32-wasip2";

/// Names a directory of already-built plugin components to embed instead of building them.
const PREBUILT_ENV: &str = "HASHTRACK_PREBUILT_PLUGINS";

/// Workspace members built as plugins, with the file name `include_bytes!` expects in OUT_DIR.
const PLUGINS: &[(&str, &str)] = &[
    ("sentiment-default", "sentiment-default.wasm"),
    ("alerts-default", "alerts-default.wasm"),
];

/// Variables cargo sets for (or inherits into) this build script that would leak the host
/// build's configuration into the nested one.
const LEAKING_ENV: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    "CARGO_PRIMARY_PACKAGE",
];

fn main() {
    // This crate is `crates/plugin-host`, two levels below the workspace's top.
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir
        .join("../..")
        .canonicalize()
        .expect("the workspace holds this crate");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    // The plugin crates and the contract, not `plugins/examples` or the brand lexicons.
    for watched in [
        "plugins/sentiment-core",
        "plugins/sentiment-default",
        "plugins/alerts-default",
        "crates/builtin-rules",
        "crates/figures",
        "wit",
        "Cargo.lock",
    ] {
        println!(
            "cargo:rerun-if-changed={}",
            workspace.join(watched).display()
        );
    }

    println!("cargo:rerun-if-env-changed={PREBUILT_ENV}");
    if let Some(dir) = env::var_os(PREBUILT_ENV) {
        // A relative path means the workspace's top, where people run cargo, not this crate.
        let dir = workspace.join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        if let Err(message) = copy_plugins(&dir, &out_dir) {
            eprintln!("error: {PREBUILT_ENV}={}: {message}", dir.display());
            std::process::exit(1);
        }
        return;
    }
    if let Err(message) = build_plugins(&workspace, &out_dir) {
        eprintln!("error: building the default plugins failed: {message}");
        std::process::exit(1);
    }
}

fn build_plugins(workspace: &Path, out_dir: &Path) -> Result<(), String> {
    ensure_wasm_target()?;

    // Beside the outer build's target dir, so `cargo clean` cleans it too.
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"))
        .join("plugins");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args(["build", "--release", "--target", WASM_TARGET])
        // Whole-program optimisation for the small guests only: the host's own release build
        // (wasmtime included) would take far longer with it.
        .args([
            "--config",
            "profile.release.lto=true",
            "--config",
            "profile.release.codegen-units=1",
        ])
        .arg("--target-dir")
        .arg(&target_dir);
    if workspace.join("Cargo.lock").exists() {
        command.arg("--locked");
    }
    for (package, _) in PLUGINS {
        command.args(["--package", package]);
    }
    for name in LEAKING_ENV {
        command.env_remove(name);
    }

    // Cargo reads this script's stdout for directives: send the child's output to stderr.
    let status = command
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`cargo build --release --target {WASM_TARGET}` of {} exited with {status}; \
             its errors are above",
            PLUGINS
                .iter()
                .map(|(p, _)| *p)
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    }

    copy_plugins(&target_dir.join(WASM_TARGET).join("release"), out_dir)
}

/// Copies the components cargo built into `dir` to where `include_bytes!` expects them.
fn copy_plugins(dir: &Path, out_dir: &Path) -> Result<(), String> {
    for (package, file_name) in PLUGINS {
        let built = dir.join(format!("{}.wasm", package.replace('-', "_")));
        copy(&built, &out_dir.join(file_name))?;
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("could not copy {}: {e}", from.display()))
}

/// A fresh machine has only the host target. rustup adds the wasm one from rust-toolchain.toml
/// when it may install; where it may not (`RUSTUP_AUTO_INSTALL=0`), add it here.
fn ensure_wasm_target() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| {
            format!(
                "could not run rustup ({e}); install the {WASM_TARGET} target for your toolchain"
            )
        })?;
    if !installed.status.success() {
        return Err(format!(
            "`rustup target list --installed` failed: {}",
            String::from_utf8_lossy(&installed.stderr).trim()
        ));
    }
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == WASM_TARGET)
    {
        return Ok(());
    }

    let status = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .map_err(|e| format!("could not run rustup: {e}"))?;
    if status.success() {
        // In the past tense: cargo shows this script's warnings again on every build until
        // the script runs again.
        println!(
            "cargo:warning=the {WASM_TARGET} target (for the built-in plugins) was installed with rustup on the first build"
        );
        Ok(())
    } else {
        Err(format!(
            "`rustup target add {WASM_TARGET}` exited with {status}"
        ))
    }
}
