//! On-disk cache of compiled components: compiling an 18 MB Python component takes seconds,
//! loading its compiled form takes milliseconds.
//!
//! An entry's name is the SHA-256 of the engine's precompile compatibility hash and of the
//! component's bytes, so a new wasmtime or engine configuration misses instead of loading an
//! incompatible artifact. An entry is this cache's own header (magic and the SHA-256 of the
//! artifact) followed by `Component::serialize` output. Deserializing is `unsafe` because
//! wasmtime trusts the artifact's machine code, so an entry is loaded only when its header
//! and digest match; anything else (truncated, corrupt, written by another wasmtime) is
//! deleted and rebuilt. The digest guards against corruption, not against someone who can
//! write the cache directory: that directory must be as trusted as the binary itself.
//!
//! Entries are read into memory, checked, and deserialized from that same memory rather than
//! with `Component::deserialize_file`: mapping the file again after the check would let a
//! concurrent writer swap it in between. Writes go to a temporary file renamed into place, so
//! a reader never sees half an entry.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Starts every entry; the digit is bumped when the entry layout changes.
const MAGIC: &[u8; 8] = b"HTRKCW1\n";
const DIGEST_LEN: usize = 32;
const HEADER_LEN: usize = MAGIC.len() + DIGEST_LEN;
const ENTRY_EXTENSION: &str = "cwasm";

/// A compiled component and how it was obtained.
pub(crate) struct Compiled {
    pub(crate) component: Component,
    pub(crate) cache_hit: bool,
    /// Time spent compiling, or reading and deserializing the cached entry.
    pub(crate) compile_time: Duration,
}

/// Compiles without a cache.
pub(crate) fn compile(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Compiled> {
    let started = Instant::now();
    let component = Component::new(engine, bytes)?;
    Ok(Compiled {
        component,
        cache_hit: false,
        compile_time: started.elapsed(),
    })
}

/// A directory of compiled components for one engine configuration.
pub(crate) struct ComponentCache {
    dir: PathBuf,
    engine_digest: [u8; DIGEST_LEN],
}

impl ComponentCache {
    pub(crate) fn new(engine: &Engine, dir: PathBuf) -> io::Result<Self> {
        fs::create_dir_all(&dir)?;
        let mut hasher = Sha256Hasher(Sha256::new());
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Ok(Self {
            dir,
            engine_digest: hasher.0.finalize().into(),
        })
    }

    /// The cached component for `bytes`, compiling (and caching) it on a miss. A cache that
    /// cannot be written only costs speed, so write failures are logged, not returned.
    pub(crate) fn load(&self, engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Compiled> {
        let path = self.entry_path(bytes);
        let started = Instant::now();
        if let Some(component) = self.read_entry(engine, &path) {
            return Ok(Compiled {
                component,
                cache_hit: true,
                compile_time: started.elapsed(),
            });
        }
        let compiled = compile(engine, bytes)?;
        if let Err(e) = compiled
            .component
            .serialize()
            .map_err(io::Error::other)
            .and_then(|artifact| self.write_entry(&path, &artifact))
        {
            tracing::warn!(path = %path.display(), "could not cache a compiled plugin: {e}");
        }
        Ok(compiled)
    }

    /// Where the entry for `bytes` lives.
    fn entry_path(&self, bytes: &[u8]) -> PathBuf {
        let key = Sha256::new()
            .chain_update(self.engine_digest)
            .chain_update(Sha256::digest(bytes))
            .finalize();
        let name: String = key.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(name).with_extension(ENTRY_EXTENSION)
    }

    /// The entry's component if it is present and sound; an unsound entry is deleted.
    fn read_entry(&self, engine: &Engine, path: &Path) -> Option<Component> {
        let entry = match fs::read(path) {
            Ok(entry) => entry,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!(path = %path.display(), "could not read a cached plugin: {e}");
                return None;
            }
        };
        let problem = match verified_artifact(&entry) {
            // SAFETY: the artifact is byte for byte what `Component::serialize` wrote into
            // this cache (its SHA-256 matches the header we wrote next to it), and wasmtime
            // checks that it was compiled for this engine's configuration.
            Some(artifact) => match unsafe { Component::deserialize(engine, artifact) } {
                Ok(component) => return Some(component),
                Err(e) => format!("wasmtime refused it ({e:#})"),
            },
            None => "its header or digest does not match".to_string(),
        };
        tracing::warn!(path = %path.display(), "discarding a cached plugin: {problem}");
        if let Err(e) = fs::remove_file(path) {
            tracing::warn!(path = %path.display(), "could not delete a cached plugin: {e}");
        }
        None
    }

    fn write_entry(&self, path: &Path, artifact: &[u8]) -> io::Result<()> {
        // Unique per process and write, so concurrent writers never share a temporary file.
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let temporary = self.dir.join(format!(
            ".{}.{}.tmp",
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut file = fs::File::create(&temporary)?;
            file.write_all(MAGIC)?;
            file.write_all(&Sha256::digest(artifact))?;
            file.write_all(artifact)?;
            file.sync_all()?;
            fs::rename(&temporary, path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written
    }
}

/// The artifact inside `entry` if the magic and digest match.
fn verified_artifact(entry: &[u8]) -> Option<&[u8]> {
    if entry.len() < HEADER_LEN || !entry.starts_with(MAGIC) {
        return None;
    }
    let (digest, artifact) = entry[MAGIC.len()..].split_at(DIGEST_LEN);
    (Sha256::digest(artifact).as_slice() == digest).then_some(artifact)
}

/// Feeds a `Hash` implementation into SHA-256, giving a digest that (unlike `DefaultHasher`)
/// is stable across Rust releases.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(digest[..8].try_into().expect("SHA-256 has 32 bytes"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_entries_with_matching_digest_are_accepted() {
        let artifact = b"compiled code";
        let mut entry = MAGIC.to_vec();
        entry.extend_from_slice(&Sha256::digest(artifact));
        entry.extend_from_slice(artifact);
        assert_eq!(verified_artifact(&entry), Some(&artifact[..]));

        let mut flipped = entry.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(verified_artifact(&flipped), None);
        assert_eq!(verified_artifact(&entry[..HEADER_LEN - 1]), None);
        let mut wrong_magic = entry;
        wrong_magic[0] = b'X';
        assert_eq!(verified_artifact(&wrong_magic), None);
    }

    #[test]
    fn a_sound_entry_that_wasmtime_refuses_is_replaced() {
        let engine = crate::engine::new_engine(crate::CpuLimits::BOTH).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cache = ComponentCache::new(&engine, dir.path().to_path_buf()).unwrap();
        let component = b"(component)";
        // Header and digest are right, but the artifact is no compiled component.
        cache
            .write_entry(&cache.entry_path(component), b"not machine code")
            .unwrap();
        assert!(!cache.load(&engine, component).unwrap().cache_hit);
        assert!(cache.load(&engine, component).unwrap().cache_hit);
    }

    #[test]
    fn entries_differ_by_component_and_engine_configuration() {
        let engine = crate::engine::new_engine(crate::CpuLimits::BOTH).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cache = ComponentCache::new(&engine, dir.path().to_path_buf()).unwrap();
        let other_engine = wasmtime::Engine::default();
        let other_cache = ComponentCache::new(&other_engine, dir.path().to_path_buf()).unwrap();
        let path = cache.entry_path(b"(component)");
        assert_ne!(path, cache.entry_path(b"(component (core module))"));
        assert_ne!(path, other_cache.entry_path(b"(component)"));
    }
}
