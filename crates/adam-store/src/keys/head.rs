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
//! consistent and not a finding, but it never names a record that was not committed. It is not
//! synced to disk (an fsync per commit would double the commit's cost, and a head lost with the
//! operating system's cache only lags), and not renamed into place: on this ext4 a rename over
//! the old file cost 2.7–3.6 ms a commit (the file system flushes the new file's data first),
//! a write in place ~50 µs (`BENCHMARKS.md`, #14). So the file holds two slots of
//! [`SLOT`] bytes, and each head is written with a checksum over the slot that does not hold the
//! newest one: a reader takes the valid slot with the higher sequence number, so a torn write
//! leaves the previous head, which only lags. A head is written only when it is newer than the one in the file, so commits
//! finishing out of order (several connections) or another process on the same directory
//! never move it back.

use super::{Keyring, io};
use crate::StoreError;
use crate::hex::hex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::os::unix::fs::{FileExt as _, MetadataExt as _};
use std::path::{Path, PathBuf};

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

/// Bytes per slot of the head file.
const SLOT: usize = 256;

impl Head {
    fn check(&self) -> String {
        let digest = Sha256::digest(format!(
            "adam-audit-head-v1\n{}\n{}\n{}\n",
            self.seq, self.chain, self.at
        ));
        hex(&digest[..8])
    }
}

/// One slot as stored: the head and its checksum.
#[derive(Serialize, Deserialize)]
struct Slot {
    seq: u64,
    chain: String,
    at: i64,
    check: String,
}

/// The head file as this process holds it open: the file, its identity (device and inode, to
/// notice a file replaced under the same name), and the bytes last read or written with the
/// newest valid slot among them (index, sequence number).
#[derive(Default)]
pub(super) struct HeadFile {
    file: Option<(std::fs::File, (u64, u64))>,
    seen: Vec<u8>,
    newest: Option<(usize, u64)>,
}

impl HeadFile {
    fn record(&mut self, path: &Path, seq: u64, chain: &[u8; 32], at: i64) -> Result<(), StoreError> {
        let here = std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()));
        if self.file.as_ref().map(|(_, id)| *id) != here || here.is_none() {
            let f = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(|e| io(path, e))?;
            let m = f.metadata().map_err(|e| io(path, e))?;
            self.file = Some((f, (m.dev(), m.ino())));
            self.seen.clear();
            self.newest = None;
        }
        let Some((f, _)) = self.file.as_ref() else {
            return Ok(());
        };
        // What the file holds now (another process on the same directory may have written).
        let mut now = vec![0u8; 2 * SLOT];
        let mut len = 0;
        while len < now.len() {
            match f.read_at(&mut now[len..], len as u64) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io(path, e)),
            }
        }
        now.truncate(len);
        if now != self.seen {
            self.newest = slots(&now).max_by_key(|(_, h)| h.seq).map(|(i, h)| (i, h.seq));
            self.seen = now;
        }
        if self.newest.is_some_and(|(_, newest)| newest >= seq) {
            return Ok(());
        }
        // Over the other slot than the newest head's: a torn write leaves that one.
        let target = match self.newest {
            Some((0, _)) => 1usize,
            _ => 0,
        };
        let head = Head {
            seq,
            chain: hex(chain),
            at,
        };
        let slot = Slot {
            check: head.check(),
            seq,
            chain: head.chain,
            at,
        };
        let mut text = serde_json::to_string(&slot).map_err(|e| StoreError::Keys(e.to_string()))?;
        text.push('\n');
        let mut bytes = text.into_bytes();
        bytes.resize(SLOT, b' ');
        let offset = target * SLOT;
        f.write_all_at(&bytes, offset as u64).map_err(|e| io(path, e))?;
        if self.seen.len() < offset + SLOT {
            self.seen.resize(offset + SLOT, 0);
        }
        self.seen[offset..offset + SLOT].copy_from_slice(&bytes);
        self.newest = Some((target, seq));
        Ok(())
    }
}

/// The valid slots of the file, with their index.
fn slots(bytes: &[u8]) -> impl Iterator<Item = (usize, Head)> + '_ {
    bytes.chunks(SLOT).enumerate().filter_map(|(i, slot)| {
        let text = std::str::from_utf8(slot)
            .ok()?
            .trim_matches(|c: char| c == '\0' || c.is_whitespace());
        let s: Slot = serde_json::from_str(text).ok()?;
        let head = Head {
            seq: s.seq,
            chain: s.chain,
            at: s.at,
        };
        (head.check() == s.check).then_some((i, head))
    })
}

/// The valid slot with the higher sequence number, if any; `Err` when the file holds
/// something but no valid slot.
fn newest(bytes: &[u8]) -> Result<Option<Head>, String> {
    if bytes.iter().all(|b| *b == 0 || b.is_ascii_whitespace()) {
        return Ok(None);
    }
    let best = slots(bytes).map(|(_, h)| h).max_by_key(|h| h.seq);
    best.map(Some)
        .ok_or_else(|| "no slot holds a valid chain head".to_owned())
}

impl Keyring {
    fn head_path(&self) -> PathBuf {
        self.dir.join(HEAD_FILE)
    }

    /// Records the chain head after a commit, unless the file already names a later record.
    ///
    /// The file stays open between commits (`HeadFile`), and its slots are parsed again only
    /// when its bytes differ from what this process last read or wrote: per commit that is one
    /// `stat` (the path still names the open file?), one read and one write, where opening,
    /// reading, parsing both slots and closing cost ~40 µs a commit (`BENCHMARKS.md`, #14).
    pub(crate) fn record_head(&self, seq: u64, chain: &[u8; 32], at: i64) -> Result<(), StoreError> {
        let mut open = self.head.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let path = self.head_path();
        let written = open.record(&path, seq, chain, at);
        if written.is_err() {
            // Opened afresh next time: whatever went wrong, nothing stale is kept.
            *open = HeadFile::default();
        }
        written
    }

    /// The chain head kept outside the database, if one was ever written. A file that holds no
    /// valid head is an error, not "no head": the file is evidence.
    pub fn outside_head(&self) -> Result<Option<Head>, StoreError> {
        let path = self.head_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path, e)),
        };
        newest(&bytes).map_err(|e| StoreError::Keys(format!("{}: {e}", path.display())))
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
        keys.record_head(11, &[4; 32], 103).unwrap();
        assert_eq!(keys.outside_head().unwrap().unwrap().seq, 11);
        // A torn write of the newest slot leaves the other: the previous head.
        let path = dir.path().join(HEAD_FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        let newest = bytes
            .chunks(SLOT)
            .position(|s| String::from_utf8_lossy(s).contains("\"seq\":11"))
            .unwrap();
        bytes[newest * SLOT + 10] ^= 0x20;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(keys.outside_head().unwrap().unwrap().seq, 9);
        bytes[(1 - newest) * SLOT + 10] ^= 0x20;
        std::fs::write(&path, &bytes).unwrap();
        assert!(keys.outside_head().is_err(), "a damaged head is reported");
    }

    /// The file stays open between commits, but a file replaced under its name (a restore, an
    /// operator) is the one written next, and a head another process wrote is respected.
    #[test]
    fn a_replaced_or_rewritten_head_file_is_the_one_written_next() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keyring::open(dir.path()).unwrap();
        let path = dir.path().join(HEAD_FILE);
        keys.record_head(3, &[1; 32], 100).unwrap();
        // Another process on the same directory writes a later head (its own key directory
        // handle): this one does not move it back.
        let other = Keyring::open(dir.path()).unwrap();
        other.record_head(20, &[2; 32], 101).unwrap();
        keys.record_head(10, &[3; 32], 102).unwrap();
        assert_eq!(keys.outside_head().unwrap().unwrap().seq, 20);
        // The file is replaced by a new one (renamed over it): the next head lands in the new
        // file, not in the old one this process held open.
        let fresh = dir.path().join("head.new");
        std::fs::write(&fresh, b"").unwrap();
        std::fs::rename(&fresh, &path).unwrap();
        assert_eq!(keys.outside_head().unwrap(), None);
        keys.record_head(21, &[4; 32], 103).unwrap();
        let head = keys.outside_head().unwrap().unwrap();
        assert_eq!((head.seq, head.chain), (21, hex(&[4; 32])));
        // Deleted: written afresh.
        std::fs::remove_file(&path).unwrap();
        keys.record_head(22, &[5; 32], 104).unwrap();
        assert_eq!(keys.outside_head().unwrap().unwrap().seq, 22);
    }
}
