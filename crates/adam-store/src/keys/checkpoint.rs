//! Checkpoints: signed statements that the audit trail held `seq` records ending in a chain
//! value, and their external copy in the key directory (`checkpoints.jsonl`).
//!
//! The database keeps its checkpoints too (`audit/checkpoint.rs`); the copy outside it catches
//! a trail whose tail was cut in the database, and the signatures catch a re-written chain.

use super::{Keyring, io};
use crate::StoreError;
use crate::hex::{hex, unhex};
use ed25519_dalek::{Signer, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::PathBuf;

/// A signed statement that the trail held `seq` records ending in `chain`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Checkpoint {
    /// The last record covered.
    pub seq: u64,
    /// The chain value after it (hex).
    pub chain: String,
    /// When it was signed (seconds since the epoch).
    pub at: i64,
    /// The Ed25519 public key that signed it (hex).
    pub key: String,
    /// The signature (hex).
    pub signature: String,
}

impl Checkpoint {
    fn message(seq: u64, chain: &str, at: i64, key: &str) -> String {
        format!("adam-audit-checkpoint-v1\n{seq}\n{chain}\n{at}\n{key}\n")
    }

    /// Whether the signature is valid for the key the checkpoint names.
    pub fn signature_valid(&self) -> bool {
        let (Some(key), Some(sig)) = (unhex::<32>(&self.key), unhex::<64>(&self.signature)) else {
            return false;
        };
        let Ok(key) = VerifyingKey::from_bytes(&key) else {
            return false;
        };
        let sig = ed25519_dalek::Signature::from_bytes(&sig);
        key.verify_strict(
            Checkpoint::message(self.seq, &self.chain, self.at, &self.key).as_bytes(),
            &sig,
        )
        .is_ok()
    }
}

impl Keyring {
    /// Signs a checkpoint.
    pub fn sign(&self, seq: u64, chain: &[u8; 32], at: i64) -> Checkpoint {
        let chain = hex(chain);
        let key = self.public_key();
        let signature = self.signing.sign(Checkpoint::message(seq, &chain, at, &key).as_bytes());
        Checkpoint {
            seq,
            chain,
            at,
            key,
            signature: hex(&signature.to_bytes()),
        }
    }

    fn checkpoint_path(&self) -> PathBuf {
        self.dir.join("checkpoints.jsonl")
    }

    /// Appends checkpoints to the external file (flushed to disk before returning).
    pub fn append_checkpoints(&self, checkpoints: &[Checkpoint]) -> Result<(), StoreError> {
        if checkpoints.is_empty() {
            return Ok(());
        }
        let _guard = self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let path = self.checkpoint_path();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        let mut text = String::new();
        for c in checkpoints {
            text.push_str(&serde_json::to_string(c).map_err(|e| StoreError::Keys(e.to_string()))?);
            text.push('\n');
        }
        f.write_all(text.as_bytes()).map_err(|e| io(&path, e))?;
        f.sync_all().map_err(|e| io(&path, e))?;
        Ok(())
    }

    /// The checkpoints in the external file, oldest first. A line that cannot be read is
    /// reported, not skipped: the file is evidence.
    pub fn external_checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        let path = self.checkpoint_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&path, e)),
        };
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|e| StoreError::Keys(format!("{} line {}: {e}", path.display(), i + 1)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_are_signed_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keyring::open(dir.path()).unwrap();
        let c = keys.sign(7, &[9; 32], 1_700_000_000);
        assert!(c.signature_valid());
        let forged = Checkpoint { seq: 8, ..c.clone() };
        assert!(!forged.signature_valid());
        keys.append_checkpoints(std::slice::from_ref(&c)).unwrap();
        assert_eq!(keys.external_checkpoints().unwrap(), vec![c]);
    }
}
