//! The newest chain head, kept outside the database after every commit (`head.json` in the key
//! directory).
//!
//! Checkpoints are signed every [`CHECKPOINT_EVERY`](crate::audit::CHECKPOINT_EVERY) records,
//! every minute and at a clean shutdown; between two of them, deleting the newest records from
//! the database would leave a trail that is consistent with every checkpoint. So after every
//! transaction that appended to the trail commits, its last sequence number and chain value
//! are written here too, and `verify` compares the database's tail with it: a database that
//! ends before the head, or holds another chain value at the head's record, was cut or
//! rewritten.
//!
//! The head is written *after* the commit: it can lag the database (a crash between the two, or
//! another server's commits it has not seen: its own copy of the key directory), which is
//! consistent and not a finding, but it never names a record that was not committed. It is
//! written to a temporary file that is renamed over the old one, so a reader sees the old or
//! the new head, never half of one; it is not synced to disk (an fsync per commit would double
//! the commit's cost, and a head lost with the operating system's cache only lags). Measured in
//! `BENCHMARKS.md` (#14): ~25 µs per commit. A head is written only when it is newer than the one in the
//! file, so commits finishing out of order (several connections) or another process on the same
//! directory never move it back.

use super::{Keyring, io};
use crate::StoreError;
use crate::hex::hex;
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::PathBuf;

/// The file's name in the key directory.
pub const HEAD_FILE: &str = "head.json";

/// The newest record of the trail known to have been committed, as kept outside the database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// The last record committed.
    pub seq: u64,
    /// The chain value after it (hex).
    pub chain: String,
    /// When the transaction that appended it was written (seconds since the epoch).
    pub at: i64,
}

impl Keyring {
    fn head_path(&self) -> PathBuf {
        self.dir.join(HEAD_FILE)
    }

    /// Records the chain head after a commit, unless the file already names a later record.
    pub(crate) fn record_head(&self, seq: u64, chain: &[u8; 32], at: i64) -> Result<(), StoreError> {
        let _guard = self.head.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Ok(Some(old)) = self.outside_head()
            && old.seq >= seq
        {
            return Ok(());
        }
        let head = Head {
            seq,
            chain: hex(chain),
            at,
        };
        let text = serde_json::to_string(&head).map_err(|e| StoreError::Keys(e.to_string()))?;
        let path = self.head_path();
        let tmp = path.with_extension("json.tmp");
        {
            let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
            f.write_all(text.as_bytes()).map_err(|e| io(&tmp, e))?;
        }
        std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))
    }

    /// The chain head kept outside the database, if one was ever written. A file that cannot be
    /// read is an error, not "no head": the file is evidence.
    pub fn outside_head(&self) -> Result<Option<Head>, StoreError> {
        let path = self.head_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path, e)),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::Keys(format!("{}: {e}", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_only_moves_forward() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keyring::open(dir.path()).unwrap();
        assert_eq!(keys.outside_head().unwrap(), None);
        keys.record_head(7, &[1; 32], 100).unwrap();
        keys.record_head(5, &[2; 32], 101).unwrap();
        let head = keys.outside_head().unwrap().unwrap();
        assert_eq!(
            (head.seq, head.chain.as_str(), head.at),
            (7, hex(&[1; 32]).as_str(), 100)
        );
        keys.record_head(9, &[3; 32], 102).unwrap();
        assert_eq!(keys.outside_head().unwrap().unwrap().seq, 9);
        std::fs::write(dir.path().join(HEAD_FILE), "{\"seq\":").unwrap();
        assert!(keys.outside_head().is_err(), "a damaged head is reported");
    }
}
