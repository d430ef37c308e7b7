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
use std::io::{Read as _, Seek as _, Write as _};
use std::path::PathBuf;

/// How much of the external checkpoint file has been read, and the newest `seq` found in it.
///
/// Each checkpoint the server signs (every 256 records or a minute) first asks which of the
/// database's checkpoints the file lacks. Reading the whole file for that made every
/// checkpoint cost as much as all before it — a file that only grows, parsed again and again.
/// The file is append-only, so only what was appended since the last read is read; a file
/// shorter than what was read (replaced or cut) is read again from its start.
#[derive(Debug, Default)]
pub(super) struct ReadSoFar {
    /// Bytes of the file read, up to the end of its last complete line.
    len: u64,
    /// The newest checkpoint in those bytes.
    newest: u64,
}

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

    /// The newest checkpoint's `seq` in the external file (0 when it has none), reading only
    /// what was appended since the last call. A line that cannot be read is reported, as by
    /// [`Keyring::external_checkpoints`].
    pub fn newest_external_seq(&self) -> Result<u64, StoreError> {
        let mut read = self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let path = self.checkpoint_path();
        let mut f = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                *read = ReadSoFar::default();
                return Ok(0);
            }
            Err(e) => return Err(io(&path, e)),
        };
        let len = f.metadata().map_err(|e| io(&path, e))?.len();
        if len < read.len {
            *read = ReadSoFar::default();
        }
        f.seek(std::io::SeekFrom::Start(read.len)).map_err(|e| io(&path, e))?;
        let mut text = String::new();
        f.read_to_string(&mut text).map_err(|e| io(&path, e))?;
        // A line still being written (no newline yet) is left for the next call.
        let complete = text.rfind('\n').map_or(0, |i| i + 1);
        for line in text[..complete].lines().filter(|l| !l.trim().is_empty()) {
            let c: Checkpoint = serde_json::from_str(line)
                .map_err(|e| StoreError::Keys(format!("{} after byte {}: {e}", path.display(), read.len)))?;
            read.newest = read.newest.max(c.seq);
        }
        read.len += complete as u64;
        Ok(read.newest)
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

    #[test]
    fn the_newest_external_checkpoint_is_found_reading_only_what_was_appended() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keyring::open(dir.path()).unwrap();
        assert_eq!(keys.newest_external_seq().unwrap(), 0);
        keys.append_checkpoints(&[keys.sign(256, &[1; 32], 1), keys.sign(512, &[2; 32], 2)])
            .unwrap();
        assert_eq!(keys.newest_external_seq().unwrap(), 512);
        keys.append_checkpoints(&[keys.sign(768, &[3; 32], 3)]).unwrap();
        assert_eq!(keys.newest_external_seq().unwrap(), 768);
        let path = dir.path().join("checkpoints.jsonl");
        // Another process appending half a line: not counted until it is whole.
        let whole = serde_json::to_string(&keys.sign(1024, &[4; 32], 4)).unwrap();
        let (first, rest) = whole.split_at(20);
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(first.as_bytes()).unwrap();
        assert_eq!(keys.newest_external_seq().unwrap(), 768);
        f.write_all(format!("{rest}\n").as_bytes()).unwrap();
        assert_eq!(keys.newest_external_seq().unwrap(), 1024);
        // A file replaced by a shorter one is read again from its start.
        let one = serde_json::to_string(&keys.sign(300, &[5; 32], 5)).unwrap();
        std::fs::write(&path, format!("{one}\n")).unwrap();
        assert_eq!(keys.newest_external_seq().unwrap(), 300);
        // A damaged line is reported, as by `external_checkpoints`.
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"not json\n").unwrap();
        assert!(keys.newest_external_seq().is_err());
    }
}
