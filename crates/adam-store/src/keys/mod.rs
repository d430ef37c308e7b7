//! The key directory: the keys of one installation kept outside the database.
//!
//! The key directory (`<data>/audit-keys` by default; it must not be inside a database backup
//! that outlives the retention period) holds `signing.key` (the Ed25519 seed that signs the
//! audit checkpoints, `checkpoint.rs`), `ratchet.json` (the day key of the oldest day not yet
//! purged), `held.json` (day keys kept by a retention hold), `checkpoints.jsonl` (the external
//! copy of the checkpoints), `head.json` (the newest chain head, rewritten after every commit
//! that appends to the trail, `head.rs`), and `totp.key` (which seals TOTP seeds at rest, `seal.rs`; not an
//! audit key, kept here for the same reasons). Day keys form a ratchet:
//! `key(d+1) = HMAC-SHA-256(key(d), "adam-audit-ratchet")`. Later keys follow from an earlier
//! one, earlier ones cannot be computed from a later one, so destroying days up to `d` is
//! writing `key(d+1)` over the file. Servers that share a database share a copy of this
//! directory; they derive the same day keys, and each destroys its copy's past on purge.

pub(crate) mod checkpoint;
pub(crate) mod head;
pub(crate) mod seal;

use crate::StoreError;
use crate::hex::{hex, unhex};
use ed25519_dalek::SigningKey;
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

type HmacSha256 = hmac::Hmac<Sha256>;

#[derive(Serialize, Deserialize)]
struct RatchetFile {
    period: i64,
    key: String,
}

/// The file in the key directory holding the key TOTP seeds are sealed with (`seal.rs`).
pub const TOTP_KEY_FILE: &str = "totp.key";

/// The next TOTP sealing key while a rotation is under way.
pub const TOTP_NEXT_FILE: &str = "totp.key.next";

/// The file in the key directory holding the key attachments are sealed with
/// (`attachments.rs`); created on first use.
pub const ATTACHMENTS_KEY_FILE: &str = "attachments.key";

/// The keys of one installation's audit trail, kept in a directory outside the database, and
/// the key that seals TOTP seeds at rest (kept there for the same reasons: out of database
/// backups, shared by the servers that share a database).
pub struct Keyring {
    dir: PathBuf,
    signing: SigningKey,
    /// The TOTP sealing key (replaced by a rotation, `Store::rotate_totp_key`).
    totp: Mutex<[u8; 32]>,
    /// The attachment sealing key, once read or created (`attachments.key`, on first use).
    attachments: Mutex<Option<[u8; 32]>>,
    /// The oldest period whose key still exists, and that key.
    ratchet: Mutex<(i64, [u8; 32])>,
    /// Keys of older periods kept because a retention hold covers them.
    held: Mutex<std::collections::BTreeMap<i64, [u8; 32]>>,
    /// Recently derived day keys (a derivation walks the ratchet from the nearest known key;
    /// without this every record would walk it from the oldest day).
    cache: Mutex<std::collections::BTreeMap<i64, [u8; 32]>>,
    /// Serialises appends to the checkpoint file, and holds how much of it has been read:
    /// its length then and the newest `seq` in it (`checkpoint.rs`, `newest_external_seq`).
    file: Mutex<checkpoint::ReadSoFar>,
    /// Serialises writes of the chain head file (`head.rs`).
    head: Mutex<head::HeadFile>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the keys themselves.
        f.debug_struct("Keyring")
            .field("dir", &self.dir)
            .field("public_key", &self.public_key())
            .finish()
    }
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Keys(format!("{}: {e}", path.display()))
}

fn random32() -> Result<[u8; 32], StoreError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| StoreError::Keys(format!("no randomness: {e}")))?;
    Ok(b)
}

/// Writes a small secret file: to a temporary name, flushed, then renamed over the old one,
/// so a crash leaves either the old or the new file, never half of one.
fn write_secret(path: &Path, content: &str) -> Result<(), StoreError> {
    let tmp = path.with_extension("tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(content.as_bytes()).map_err(|e| io(&tmp, e))?;
        f.sync_all().map_err(|e| io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
    if let Some(dir) = path.parent()
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

impl Keyring {
    /// Opens the key directory, creating it and its keys on first use.
    pub fn open(dir: impl AsRef<Path>) -> Result<Keyring, StoreError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        }
        let signing_path = dir.join("signing.key");
        let seed = match std::fs::read_to_string(&signing_path) {
            Ok(text) => unhex::<32>(&text).ok_or_else(|| {
                StoreError::Keys(format!("{} does not hold a 32-byte hex key", signing_path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let seed = random32()?;
                write_secret(&signing_path, &hex(&seed))?;
                seed
            }
            Err(e) => return Err(io(&signing_path, e)),
        };
        let totp_path = dir.join(TOTP_KEY_FILE);
        let totp = match std::fs::read_to_string(&totp_path) {
            Ok(text) => unhex::<32>(&text)
                .ok_or_else(|| StoreError::Keys(format!("{} does not hold a 32-byte hex key", totp_path.display())))?,
            // Created at first start, like the other keys (mode 0600 through `write_secret`).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = random32()?;
                write_secret(&totp_path, &hex(&key))?;
                key
            }
            Err(e) => return Err(io(&totp_path, e)),
        };
        let ratchet_path = dir.join("ratchet.json");
        let ratchet = match std::fs::read_to_string(&ratchet_path) {
            Ok(text) => {
                let file: RatchetFile = serde_json::from_str(&text)
                    .map_err(|e| StoreError::Keys(format!("{}: {e}", ratchet_path.display())))?;
                let key = unhex::<32>(&file.key).ok_or_else(|| {
                    StoreError::Keys(format!("{}: the key is not 32 hex bytes", ratchet_path.display()))
                })?;
                (file.period, key)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Day 0 (1970-01-01): every record's day is at or after it, however the clock
                // of a test or an import is set.
                let key = random32()?;
                let file = RatchetFile {
                    period: 0,
                    key: hex(&key),
                };
                let text = serde_json::to_string(&file).map_err(|e| StoreError::Keys(e.to_string()))?;
                write_secret(&ratchet_path, &text)?;
                (0, key)
            }
            Err(e) => return Err(io(&ratchet_path, e)),
        };
        let held_path = dir.join("held.json");
        let held = match std::fs::read_to_string(&held_path) {
            Ok(text) => {
                let map: std::collections::BTreeMap<i64, String> = serde_json::from_str(&text)
                    .map_err(|e| StoreError::Keys(format!("{}: {e}", held_path.display())))?;
                map.into_iter()
                    .map(|(p, k)| {
                        unhex::<32>(&k).map(|k| (p, k)).ok_or_else(|| {
                            StoreError::Keys(format!("{}: a key is not 32 hex bytes", held_path.display()))
                        })
                    })
                    .collect::<Result<_, _>>()?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::collections::BTreeMap::new(),
            Err(e) => return Err(io(&held_path, e)),
        };
        Ok(Keyring {
            dir,
            signing: SigningKey::from_bytes(&seed),
            totp: Mutex::new(totp),
            attachments: Mutex::new(None),
            ratchet: Mutex::new(ratchet),
            held: Mutex::new(held),
            cache: Mutex::new(std::collections::BTreeMap::new()),
            file: Mutex::new(checkpoint::ReadSoFar::default()),
            head: Mutex::new(head::HeadFile::default()),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key TOTP seeds are sealed with.
    pub(crate) fn totp_key(&self) -> [u8; 32] {
        *self.totp.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The key attachments are sealed with: read from `attachments.key`, or created there on
    /// first use. Creation links a finished file into place and never overwrites one, so two
    /// servers sharing the directory that start at once end up with the same key.
    pub(crate) fn attachments_key(&self) -> Result<[u8; 32], StoreError> {
        let mut held = self
            .attachments
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(key) = *held {
            return Ok(key);
        }
        let path = self.dir.join(ATTACHMENTS_KEY_FILE);
        let read = |path: &Path| -> Result<Option<[u8; 32]>, StoreError> {
            match std::fs::read_to_string(path) {
                Ok(text) => unhex::<32>(&text)
                    .map(Some)
                    .ok_or_else(|| StoreError::Keys(format!("{} does not hold a 32-byte hex key", path.display()))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(io(path, e)),
            }
        };
        let key = match read(&path)? {
            Some(key) => key,
            None => {
                let fresh = random32()?;
                let staged = self.dir.join(format!("attachments.{}.new", hex(&random32()?[..8])));
                write_secret(&staged, &hex(&fresh))?;
                let linked = std::fs::hard_link(&staged, &path);
                let _ = std::fs::remove_file(&staged);
                match linked {
                    Ok(()) => fresh,
                    // Another server made it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        read(&path)?.ok_or_else(|| io(&path, e))?
                    }
                    Err(e) => return Err(io(&path, e)),
                }
            }
        };
        *held = Some(key);
        Ok(key)
    }

    fn totp_next_path(&self) -> PathBuf {
        self.dir.join(TOTP_NEXT_FILE)
    }

    /// Writes a new TOTP sealing key to `totp.key.next`, the first step of a rotation: the
    /// seeds are then re-sealed under it in one transaction, and [`Keyring::commit_totp_key`]
    /// makes it `totp.key`. Should the process stop in between, the store that opens next
    /// finds which key the seeds open with (`authn::resolve_staged_totp`).
    pub(crate) fn stage_totp_key(&self) -> Result<[u8; 32], StoreError> {
        let key = random32()?;
        write_secret(&self.totp_next_path(), &hex(&key))?;
        Ok(key)
    }

    /// The key a rotation staged and did not finish, if any.
    pub(crate) fn staged_totp_key(&self) -> Result<Option<[u8; 32]>, StoreError> {
        let path = self.totp_next_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => unhex::<32>(&text)
                .map(Some)
                .ok_or_else(|| StoreError::Keys(format!("{} does not hold a 32-byte hex key", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&path, e)),
        }
    }

    /// Makes the staged key `totp.key` (an atomic rename) and this keyring's key.
    pub(crate) fn commit_totp_key(&self, key: &[u8; 32]) -> Result<(), StoreError> {
        let target = self.dir.join(TOTP_KEY_FILE);
        std::fs::rename(self.totp_next_path(), &target).map_err(|e| io(&target, e))?;
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        *self.totp.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = *key;
        Ok(())
    }

    /// Forgets the staged key (its rotation did not commit).
    pub(crate) fn discard_staged_totp_key(&self) -> Result<(), StoreError> {
        let path = self.totp_next_path();
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(&path, e)),
        }
    }

    /// Reads `totp.key` again; `true` when it changed (another server sharing the directory
    /// rotated it), so a seed that did not open may be tried once more.
    pub(crate) fn reload_totp_key(&self) -> Result<bool, StoreError> {
        let path = self.dir.join(TOTP_KEY_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        let key = unhex::<32>(&text)
            .ok_or_else(|| StoreError::Keys(format!("{} does not hold a 32-byte hex key", path.display())))?;
        let mut current = self.totp.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let changed = *current != key;
        *current = key;
        Ok(changed)
    }

    /// The Ed25519 public key (hex).
    pub fn public_key(&self) -> String {
        hex(self.signing.verifying_key().as_bytes())
    }

    /// The key of a period, or `None` when that period was purged (its key destroyed).
    pub fn day_key(&self, period: i64) -> Option<[u8; 32]> {
        let (base, mut key) = *self.ratchet.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if period < base {
            return self
                .held
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(&period)
                .copied();
        }
        let mut cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut from = base;
        if let Some((p, k)) = cache.range(base..=period).next_back() {
            from = *p;
            key = *k;
        }
        for _ in from..period {
            key = ratchet_step(&key);
        }
        if cache.len() >= 64
            && let Some(oldest) = cache.keys().next().copied()
        {
            cache.remove(&oldest);
        }
        cache.insert(period, key);
        Some(key)
    }

    /// The oldest period whose key still exists.
    pub fn oldest_period(&self) -> i64 {
        self.ratchet.lock().unwrap_or_else(std::sync::PoisonError::into_inner).0
    }

    /// Destroys the keys of every period up to and including `through`, except the periods in
    /// `keep` (under a retention hold), whose keys move to `held.json` until a later call
    /// reaching them no longer names them.
    ///
    /// A held key of a day after `through` is kept whatever `keep` says: two purges (the
    /// keeper's and an operator's) each destroy keys after their own commit, and the one that
    /// started earlier — with an earlier horizon, and so no hold to name past it — may arrive
    /// last. It must not take a key the later purge kept for a hold (its records are still
    /// there: the day's payloads would outlive their key).
    pub fn destroy_through(&self, through: i64, keep: &[i64]) -> Result<(), StoreError> {
        let mut guard = self.ratchet.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (base, mut key) = *guard;
        let mut new_held: std::collections::BTreeMap<i64, [u8; 32]> = held
            .iter()
            .filter(|(p, _)| **p > through || keep.contains(p))
            .map(|(p, k)| (*p, *k))
            .collect();
        for period in base..=through {
            if keep.contains(&period) {
                new_held.insert(period, key);
            }
            key = ratchet_step(&key);
        }
        // The held keys are written first: a crash between the two writes keeps a key too
        // long (the next purge destroys it), never loses one a hold still needs.
        let held_text: std::collections::BTreeMap<i64, String> = new_held.iter().map(|(p, k)| (*p, hex(k))).collect();
        let text = serde_json::to_string(&held_text).map_err(|e| StoreError::Keys(e.to_string()))?;
        write_secret(&self.dir.join("held.json"), &text)?;
        *held = new_held;
        if through >= base {
            let file = RatchetFile {
                period: through + 1,
                key: hex(&key),
            };
            let text = serde_json::to_string(&file).map_err(|e| StoreError::Keys(e.to_string()))?;
            write_secret(&self.dir.join("ratchet.json"), &text)?;
            *guard = (through + 1, key);
            self.cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .retain(|p, _| *p > through);
        }
        Ok(())
    }
}

fn ratchet_step(key: &[u8; 32]) -> [u8; 32] {
    // A 32-byte key is always a valid HMAC key; the fallback is never taken.
    match <HmacSha256 as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(b"adam-audit-ratchet");
            mac.finalize().into_bytes().into()
        }
        Err(_) => Sha256::digest(key).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_purge_with_an_earlier_horizon_keeps_what_a_later_one_held() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keyring::open(dir.path()).unwrap();
        let held_day = keys.day_key(12).unwrap();
        // The later purge (horizon day 20) keeps day 12 for a hold ...
        keys.destroy_through(20, &[12]).unwrap();
        assert_eq!(keys.day_key(12), Some(held_day));
        assert_eq!(keys.day_key(11), None);
        // ... and the earlier one (horizon day 5, no hold that far) arrives after it.
        keys.destroy_through(5, &[]).unwrap();
        assert_eq!(
            keys.day_key(12),
            Some(held_day),
            "the held key survives a late, earlier purge"
        );
        assert_eq!(keys.oldest_period(), 21, "the ratchet never goes back");
        // A later purge that reaches day 12 and no longer names it destroys it.
        keys.destroy_through(21, &[]).unwrap();
        assert_eq!(keys.day_key(12), None);
        // Held keys come back from the file as they were left.
        let again = Keyring::open(dir.path()).unwrap();
        assert_eq!(again.day_key(12), None);
        assert_eq!(again.oldest_period(), 22);
    }

    #[test]
    fn the_ratchet_goes_forward_only() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keyring::open(dir.path()).unwrap();
        let k5 = keys.day_key(5).unwrap();
        let k6 = keys.day_key(6).unwrap();
        assert_ne!(k5, k6);
        assert_eq!(ratchet_step(&k5), k6);
        keys.destroy_through(5, &[]).unwrap();
        assert_eq!(keys.day_key(5), None);
        assert_eq!(keys.day_key(6), Some(k6));
        // A reopened keyring has the destroyed state too, and the same signing key.
        let again = Keyring::open(dir.path()).unwrap();
        assert_eq!(again.day_key(5), None);
        assert_eq!(again.day_key(6), Some(k6));
        assert_eq!(again.public_key(), keys.public_key());
        assert!(
            !std::fs::read_to_string(dir.path().join("ratchet.json"))
                .unwrap()
                .contains(&hex(&k5))
        );
    }

    #[test]
    fn held_days_keep_their_keys_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keyring::open(dir.path()).unwrap();
        let k3 = keys.day_key(3).unwrap();
        keys.destroy_through(5, &[3]).unwrap();
        assert_eq!(keys.day_key(3), Some(k3));
        assert_eq!(keys.day_key(4), None);
        assert_eq!(Keyring::open(dir.path()).unwrap().day_key(3), Some(k3));
        keys.destroy_through(5, &[]).unwrap();
        assert_eq!(keys.day_key(3), None);
        assert_eq!(Keyring::open(dir.path()).unwrap().day_key(3), None);
    }
}
