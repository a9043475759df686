//! Access tokens for `hashtrack serve`'s pages and API. A token is 256 random bits, shown once
//! when it is made; only its SHA-256 is kept, in `<data_dir>/tokens.json` (mode 0600), and a
//! presented token is compared with every kept hash in constant time. A token is the agency's
//! (every page) or one client's (that client's pages, data and downloads, nothing else).
//!
//! The file is small and written whole (a temporary file renamed over it), so `hashtrack
//! tokens` can change it while the service runs; the service reads it again when it changes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The file beside the store.
pub const TOKENS_FILE: &str = "tokens.json";
/// What every token starts with, so that one pasted into a chat or a log is recognisable.
const PREFIX: &str = "htk_";
/// Random bytes per token.
const TOKEN_BYTES: usize = 32;

/// What a token opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", content = "client", rename_all = "snake_case")]
pub enum Scope {
    /// Every client, the run and the alerts: the agency's own view.
    Agency,
    /// One client's campaigns, by its id in `campaigns.toml`.
    Client(String),
}

impl Scope {
    /// Whether it may read `client`'s data.
    pub fn reads(&self, client: &str) -> bool {
        match self {
            Scope::Agency => true,
            Scope::Client(own) => own == client,
        }
    }
}

/// One token as kept: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// A short public name to list and revoke it by.
    pub id: String,
    #[serde(flatten)]
    pub scope: Scope,
    /// Hex SHA-256 of the token.
    pub sha256: String,
    /// What it is for, in the agency's words ("GlowCo marketing team").
    #[serde(default)]
    pub label: String,
    /// Unix seconds.
    pub created_at: i64,
    #[serde(default)]
    pub revoked_at: Option<i64>,
}

/// Why the tokens file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TokensError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a tokens file ({source}); it is written only by `hashtrack tokens`", path.display())]
    Malformed {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("no token {0} (`hashtrack tokens list` shows them)")]
    Unknown(String),
}

/// The kept tokens of one data directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    tokens: Vec<TokenRecord>,
}

impl Tokens {
    /// The tokens kept in `data_dir` (none when the file does not exist yet).
    pub fn load(data_dir: &Path) -> Result<Tokens, TokensError> {
        let path = data_dir.join(TOKENS_FILE);
        match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Tokens::default()),
            Err(source) => Err(TokensError::Io { path, source }),
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|source| TokensError::Malformed { path, source }),
        }
    }

    /// Writes them to `data_dir`, readable by the owner only.
    pub fn save(&self, data_dir: &Path) -> Result<(), TokensError> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = data_dir.join(TOKENS_FILE);
        let partial = data_dir.join(format!("{TOKENS_FILE}.partial"));
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| TokensError::Io { path, source }
        };
        std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
        let json = serde_json::to_vec_pretty(self).expect("tokens serialise");
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&partial)
            .map_err(io(&partial))?;
        file.write_all(&json).map_err(io(&partial))?;
        file.sync_all().map_err(io(&partial))?;
        std::fs::rename(&partial, &path).map_err(io(&path))
    }

    /// Makes a token for `scope`: the token (to show once) and its record, kept here.
    pub fn issue(&mut self, scope: Scope, label: &str, now: i64) -> (String, TokenRecord) {
        use rand::RngCore;
        // The thread's generator: a CSPRNG seeded and reseeded from the operating system.
        let mut secret = [0u8; TOKEN_BYTES];
        rand::rng().fill_bytes(&mut secret);
        let token = format!("{PREFIX}{}", hex(&secret));
        let digest = hex(&Sha256::digest(token.as_bytes()));
        let record = TokenRecord {
            // Public, and unrelated to the secret: from the hash, which is not secret either.
            id: digest[..10].to_string(),
            scope,
            sha256: digest,
            label: label.trim().to_string(),
            created_at: now,
            revoked_at: None,
        };
        self.tokens.push(record.clone());
        (token, record)
    }

    /// Revokes the token `id`: from then on it opens nothing.
    pub fn revoke(&mut self, id: &str, now: i64) -> Result<&TokenRecord, TokensError> {
        let record = self
            .tokens
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or_else(|| TokensError::Unknown(id.to_string()))?;
        record.revoked_at.get_or_insert(now);
        Ok(record)
    }

    /// Every token kept, revoked ones included, oldest first.
    pub fn records(&self) -> &[TokenRecord] {
        &self.tokens
    }

    /// What `presented` opens: compared with every live token's hash in constant time, with
    /// no early return, so that the time taken says nothing of which one nearly matched.
    pub fn scope_of(&self, presented: &str) -> Option<&Scope> {
        let digest = Sha256::digest(presented.trim().as_bytes());
        let mut found = None;
        for record in &self.tokens {
            let Some(kept) = unhex(&record.sha256) else {
                continue;
            };
            let same = bool::from(kept.as_slice().ct_eq(digest.as_slice()));
            if same && record.revoked_at.is_none() {
                found = Some(&record.scope);
            }
        }
        found
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    text.len()
        .is_multiple_of(2)
        .then(|| {
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
                .collect()
        })
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_its_scope_until_revoked_and_only_its_hash_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut tokens = Tokens::default();
        let (agency, _) = tokens.issue(Scope::Agency, "ops", 1);
        let (glowco, record) = tokens.issue(Scope::Client("glowco".into()), " GlowCo team ", 2);
        assert!(
            glowco.starts_with("htk_") && glowco.len() == 4 + 64,
            "{glowco}"
        );
        assert_ne!(agency, glowco);
        assert_eq!(record.label, "GlowCo team");
        tokens.save(dir.path()).unwrap();
        let kept = std::fs::read_to_string(dir.path().join(TOKENS_FILE)).unwrap();
        assert!(
            !kept.contains(&glowco[4..]) && !kept.contains(&agency[4..]),
            "{kept}"
        );
        let mode = std::fs::metadata(dir.path().join(TOKENS_FILE)).unwrap();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
            0o600
        );

        let tokens = Tokens::load(dir.path()).unwrap();
        assert_eq!(tokens.scope_of(&agency), Some(&Scope::Agency));
        let scope = tokens.scope_of(&glowco).unwrap();
        assert!(scope.reads("glowco") && !scope.reads("snackhaus"));
        assert_eq!(tokens.scope_of("htk_0000"), None);
        assert_eq!(tokens.scope_of(""), None);

        let mut tokens = tokens;
        tokens.revoke(&record.id, 3).unwrap();
        assert_eq!(tokens.scope_of(&glowco), None);
        assert_eq!(tokens.scope_of(&agency), Some(&Scope::Agency));
        assert!(matches!(
            tokens.revoke("nope", 4),
            Err(TokensError::Unknown(id)) if id == "nope"
        ));
    }

    #[test]
    fn no_file_is_no_tokens_and_a_damaged_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Tokens::load(dir.path()).unwrap(), Tokens::default());
        std::fs::write(dir.path().join(TOKENS_FILE), "{not json").unwrap();
        let err = Tokens::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("tokens.json: not a tokens file"), "{err}");
    }
}
