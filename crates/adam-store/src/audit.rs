//! The integrity of the audit trail: commitments, the hash chain, signed checkpoints, the keys
//! kept outside the database, and the verifier.
//!
//! ## The record and its commitment
//! Each audit record is stored as its **payload** — the canonical JSON of everything it says
//! (who, when, from where, what, before, after, outcome), keys sorted, no spaces — plus a few
//! copies of payload fields in columns so the trail can be searched. The payload is committed
//! to by a 32-byte **commitment**:
//! - a record of a change (`retention = change`: the directory, roles, grants, ACLs,
//!   workflows, tokens) is committed by `SHA-256(0x00 ‖ "adam-audit-v1" ‖ payload)`; it is kept
//!   as long as the organisation exists (it is the access-rights register of Art. 51(5));
//! - a record of an access (`retention = access`: access decisions, actions reported by
//!   applications, sign-ins — the event logs with personal data of Art. 57(6)) is committed by
//!   `HMAC-SHA-256(day key, payload)`, under the key of its day (its *period*). Purging a day
//!   deletes the payloads and destroys the key, so nothing is left from which the content could
//!   be recovered or even confirmed by guessing — a plain hash of "user 17 opened document 3 at
//!   10:02" could be confirmed by trying the few likely values.
//!
//! ## The chain
//! `chain(n) = SHA-256(0x01 ‖ chain(n-1) ‖ seq ‖ period ‖ retention ‖ commitment(n))`, with
//! `chain(0)` all zeros. The chain covers only what is never deleted, so a purge leaves it
//! verifiable; any change to a payload breaks its commitment, and any change, removal,
//! insertion or reordering of records breaks the chain from there on.
//!
//! ## Checkpoints
//! Every [`CHECKPOINT_EVERY`] records (and on demand, e.g. every minute by the server) the
//! store signs `(seq, chain(seq), at)` with the installation's Ed25519 key. Checkpoints go
//! into the database *and* are appended to `checkpoints.jsonl` in the key directory, outside
//! the database: cutting the tail of the trail in the database is then caught by the external
//! checkpoint, and re-writing the whole chain is caught by the signatures. The public key is
//! pinned in the database at the first checkpoint; a swapped key file is caught by the pin.
//!
//! ## The keys
//! The key directory (`<data>/audit-keys` by default; it must not be inside a database backup
//! that outlives the retention period) holds `signing.key` (the Ed25519 seed), `ratchet.json`
//! (the day key of the oldest day not yet purged), `checkpoints.jsonl`, and `totp.key` (which
//! seals TOTP seeds at rest, `seal.rs`; not an audit key, kept here for the same reasons). Day keys form a
//! ratchet: `key(d+1) = HMAC-SHA-256(key(d), "adam-audit-ratchet")`. Later keys follow from an
//! earlier one, earlier ones cannot be computed from a later one, so destroying days up to `d`
//! is writing `key(d+1)` over the file. Servers that share a database share a copy of this
//! directory; they derive the same day keys, and each destroys its copy's past on purge.

use crate::StoreError;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A checkpoint is written at least every this many records.
pub const CHECKPOINT_EVERY: u64 = 256;
/// A period is a UTC day.
pub const PERIOD_SECONDS: i64 = 86_400;
/// The chain value before the first record.
pub const GENESIS: [u8; 32] = [0; 32];

type HmacSha256 = hmac::Hmac<Sha256>;

/// How long a record is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Retention {
    /// A change to ADAM's data: kept (the access-rights register).
    Change,
    /// An access or sign-in event with personal data: purged after the retention period.
    Access,
}

impl Retention {
    /// The name stored in the `retention` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Retention::Change => "change",
            Retention::Access => "access",
        }
    }

    fn tag(self) -> u8 {
        match self {
            Retention::Change => 0,
            Retention::Access => 1,
        }
    }
}

/// The period (UTC day number) of an instant in seconds.
pub fn period_of(at: i64) -> i64 {
    at.div_euclid(PERIOD_SECONDS)
}

/// The digits of lower-case hex.
const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Whether `text` is exactly the lower-case hex of `bytes` (as ADAM writes it). `verify`
/// compares a computed value with its stored text this way: encoding is half the table
/// loads of decoding, and only a value that differs needs decoding.
pub(crate) fn is_hex_of(bytes: &[u8], text: &[u8]) -> bool {
    text.len() == bytes.len() * 2
        && bytes.iter().zip(text.chunks_exact(2)).fold(true, |same, (b, pair)| {
            same & (pair[0] == DIGITS[usize::from(b >> 4)]) & (pair[1] == DIGITS[usize::from(b & 0x0f)])
        })
}

/// The value of each hex digit, and `0xff` for every other byte: one load per character
/// (`verify` decodes 128 of them per record).
const NIBBLES: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Parses lower- or upper-case hex of exactly `N` bytes.
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    unhex_bytes(s.as_bytes())
}

/// [`unhex`] of text given as bytes (as `verify` reads it).
pub(crate) fn unhex_bytes<const N: usize>(s: &[u8]) -> Option<[u8; N]> {
    let s = s.trim_ascii();
    if s.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    // Accumulate "any byte was not a digit" and test once at the end (no branch per byte).
    let mut bad = 0u8;
    for (byte, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        let (hi, lo) = (NIBBLES[usize::from(pair[0])], NIBBLES[usize::from(pair[1])]);
        bad |= hi | lo;
        *byte = (hi << 4) | (lo & 0x0f);
    }
    (bad & 0xf0 == 0).then_some(out)
}

/// Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace. The
/// same value always gives the same bytes, whatever order the keys were inserted in and
/// whatever the database did to a JSON column.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                if let Some(v) = map.get(k) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    // serde_json's string escaping is already canonical (it escapes only what JSON requires).
    out.push_str(&Value::String(s.to_owned()).to_string());
}

/// The commitment to a payload.
pub fn commitment(retention: Retention, day_key: Option<&[u8; 32]>, payload: &[u8]) -> Result<[u8; 32], StoreError> {
    match retention {
        Retention::Change => {
            let mut h = Sha256::new();
            h.update([0u8]);
            h.update(b"adam-audit-v1");
            h.update(payload);
            Ok(h.finalize().into())
        }
        Retention::Access => {
            let key = day_key.ok_or(StoreError::Audit(
                "the day key of an access record is destroyed or missing".to_owned(),
            ))?;
            let mut mac =
                <HmacSha256 as KeyInit>::new_from_slice(key).map_err(|e| StoreError::Audit(format!("day key: {e}")))?;
            mac.update(payload);
            Ok(mac.finalize().into_bytes().into())
        }
    }
}

/// The next chain value.
pub fn chain_next(previous: &[u8; 32], seq: u64, period: i64, retention: Retention, commitment: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(previous);
    h.update(seq.to_be_bytes());
    h.update(period.to_be_bytes());
    h.update([retention.tag()]);
    h.update(commitment);
    h.finalize().into()
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

#[derive(Serialize, Deserialize)]
struct RatchetFile {
    period: i64,
    key: String,
}

/// The file in the key directory holding the key TOTP seeds are sealed with (`seal.rs`).
pub const TOTP_KEY_FILE: &str = "totp.key";

/// The next TOTP sealing key while a rotation is under way.
pub const TOTP_NEXT_FILE: &str = "totp.key.next";

/// The keys of one installation's audit trail, kept in a directory outside the database, and
/// the key that seals TOTP seeds at rest (kept there for the same reasons: out of database
/// backups, shared by the servers that share a database).
pub struct Keyring {
    dir: PathBuf,
    signing: SigningKey,
    /// The TOTP sealing key (replaced by a rotation, `Store::rotate_totp_key`).
    totp: Mutex<[u8; 32]>,
    /// The oldest period whose key still exists, and that key.
    ratchet: Mutex<(i64, [u8; 32])>,
    /// Keys of older periods kept because a retention hold covers them.
    held: Mutex<std::collections::BTreeMap<i64, [u8; 32]>>,
    /// Recently derived day keys (a derivation walks the ratchet from the nearest known key;
    /// without this every record would walk it from the oldest day).
    cache: Mutex<std::collections::BTreeMap<i64, [u8; 32]>>,
    /// Serialises appends to the checkpoint file.
    file: Mutex<()>,
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
            ratchet: Mutex::new(ratchet),
            held: Mutex::new(held),
            cache: Mutex::new(std::collections::BTreeMap::new()),
            file: Mutex::new(()),
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
    /// `keep` (under a retention hold), whose keys move to `held.json` until a later call no
    /// longer names them.
    pub fn destroy_through(&self, through: i64, keep: &[i64]) -> Result<(), StoreError> {
        let mut guard = self.ratchet.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (base, mut key) = *guard;
        let mut new_held: std::collections::BTreeMap<i64, [u8; 32]> = held
            .iter()
            .filter(|(p, _)| keep.contains(p))
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

/// One problem `verify` found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Problem {
    /// The first record (or checkpoint) concerned.
    pub seq: u64,
    /// What is wrong, in a sentence.
    pub what: String,
}

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Verdict {
    /// Records in the trail.
    pub records: u64,
    /// Of those, records whose payload was purged (only the commitment is left).
    pub purged: u64,
    /// Checkpoints in the database.
    pub checkpoints: u64,
    /// Checkpoints in the external file.
    pub external_checkpoints: u64,
    /// The newest external checkpoint's sequence number.
    pub last_external_seq: Option<u64>,
    /// The chain value after the last record (hex).
    pub head: String,
    /// Problems, the first one first; empty when the trail is intact.
    pub problems: Vec<Problem>,
}

impl Verdict {
    /// Whether the trail is intact.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// One line for an operator.
    pub fn summary(&self) -> String {
        match self.problems.first() {
            None => format!(
                "audit trail intact: {} records ({} purged), {} checkpoints, last external checkpoint at {}",
                self.records,
                self.purged,
                self.checkpoints,
                self.last_external_seq
                    .map_or_else(|| "none yet".to_owned(), |s| format!("record {s}"))
            ),
            Some(p) => format!(
                "AUDIT TRAIL TAMPERED: first bad record {}: {} ({} problem(s) in all)",
                p.seq,
                p.what,
                self.problems.len()
            ),
        }
    }
}

/// The checkpoints of both lists whose signatures are valid. The external file repeats the
/// database's checkpoints: a checkpoint identical to one already verified is not verified
/// again (Ed25519 verification is the costliest step per checkpoint).
pub(crate) fn validly_signed<'c>(db: &'c [Checkpoint], external: &'c [Checkpoint]) -> HashSet<&'c Checkpoint> {
    let mut checked = HashSet::new();
    let mut valid = HashSet::new();
    for c in db.iter().chain(external) {
        if checked.insert(c) && c.signature_valid() {
            valid.insert(c);
        }
    }
    valid
}

/// One stored record as `verify` reads it (borrowed from the batch it was read in).
pub(crate) struct ChainRow<'a> {
    pub(crate) seq: u64,
    pub(crate) period: i64,
    pub(crate) retention: Retention,
    pub(crate) commitment: &'a [u8],
    pub(crate) chain: &'a [u8],
    /// The payload, unless purged.
    pub(crate) payload: Option<&'a [u8]>,
}

/// Recomputes the trail record by record. Fed the rows in `seq` order; collects problems.
pub(crate) struct Verifier<'k> {
    keys: &'k Keyring,
    purged_through: Option<i64>,
    expected_seq: u64,
    chain: [u8; 32],
    /// Chain values at the sequence numbers of checkpoints, to compare afterwards.
    /// Sorted and deduplicated (a binary search per record is cheaper than hashing one).
    wanted: Vec<u64>,
    /// The first of `wanted` not yet passed.
    next_wanted: usize,
    seen: std::collections::HashMap<u64, [u8; 32]>,
    /// The HMAC keyed with the day key of the last period seen (cloning a keyed HMAC skips
    /// hashing the key's two pads for every record), or `None` if that day's key is gone.
    key_cache: Option<(i64, Option<HmacSha256>)>,
    pub(crate) verdict: Verdict,
    /// Once the chain broke, later chain mismatches are consequences, not new findings.
    broken: bool,
}

const MAX_PROBLEMS: usize = 100;

impl<'k> Verifier<'k> {
    pub(crate) fn new(keys: &'k Keyring, purged_through: Option<i64>, checkpoint_seqs: &[u64]) -> Verifier<'k> {
        Verifier {
            keys,
            purged_through,
            expected_seq: 1,
            chain: GENESIS,
            wanted: {
                let mut w = checkpoint_seqs.to_vec();
                w.sort_unstable();
                w.dedup();
                w
            },
            next_wanted: 0,
            seen: std::collections::HashMap::new(),
            key_cache: None,
            verdict: Verdict::default(),
            broken: false,
        }
    }

    /// Starts the check at record `seq`, following on from `chain`, the value stored before it
    /// (a worker's stretch of the trail).
    pub(crate) fn start_at(&mut self, seq: u64, chain: [u8; 32]) {
        self.expected_seq = seq;
        self.chain = chain;
        self.next_wanted = self.wanted.partition_point(|w| *w < seq);
    }

    /// Takes over what the check of the stretch after this one found. That stretch started at
    /// record `first` from `chain_before`, the chain value stored before it, on which this one
    /// ends when nothing is missing in between. A chain that breaks in both is reported in
    /// both (one check reports only the first break).
    pub(crate) fn join(&mut self, next: Verifier<'k>, first: u64, chain_before: [u8; 32]) {
        if next.verdict.records == 0 {
            // An empty stretch at the end is a cut tail, for the checkpoints to find; one in
            // the middle shows as the records missing before the next stretch with any.
            return;
        }
        if self.expected_seq < first {
            self.problem(
                self.expected_seq,
                format!("records {} to {} are missing", self.expected_seq, first - 1),
            );
            self.broken = true;
        } else if self.chain != chain_before && !self.broken {
            // Both were read from the same row; only a change between the reads tells them apart.
            self.problem(first, "the trail changed while it was verified".to_owned());
            self.broken = true;
        }
        for p in next.verdict.problems {
            if self.verdict.problems.len() < MAX_PROBLEMS {
                self.verdict.problems.push(p);
            }
        }
        self.verdict.records += next.verdict.records;
        self.verdict.purged += next.verdict.purged;
        self.seen.extend(next.seen);
        self.expected_seq = next.expected_seq;
        self.chain = next.chain;
        self.broken |= next.broken;
    }

    fn problem(&mut self, seq: u64, what: String) {
        if self.verdict.problems.len() < MAX_PROBLEMS {
            self.verdict.problems.push(Problem { seq, what });
        }
    }

    /// The day's keyed HMAC, or `None` when the day's key was destroyed.
    fn day_mac(&mut self, period: i64) -> Option<&HmacSha256> {
        if self.key_cache.as_ref().is_none_or(|(p, _)| *p != period) {
            let mac = self
                .keys
                .day_key(period)
                .and_then(|k| <HmacSha256 as KeyInit>::new_from_slice(&k).ok());
            self.key_cache = Some((period, mac));
        }
        self.key_cache.as_ref().and_then(|(_, mac)| mac.as_ref())
    }

    /// The commitment to a payload (as [`commitment`], with the day's HMAC key prepared once).
    fn commitment_of(&mut self, retention: Retention, period: i64, payload: &[u8]) -> Option<[u8; 32]> {
        match retention {
            Retention::Change => commitment(Retention::Change, None, payload).ok(),
            Retention::Access => {
                let mut mac = self.day_mac(period)?.clone();
                mac.update(payload);
                Some(mac.finalize().into_bytes().into())
            }
        }
    }

    pub(crate) fn row(&mut self, row: ChainRow<'_>) {
        self.verdict.records += 1;
        if row.seq != self.expected_seq {
            let what = if row.seq > self.expected_seq {
                format!("records {} to {} are missing", self.expected_seq, row.seq - 1)
            } else {
                format!(
                    "record {} appears out of order after {}",
                    row.seq,
                    self.expected_seq - 1
                )
            };
            self.problem(self.expected_seq.min(row.seq), what);
            self.broken = true;
        }
        self.expected_seq = row.seq + 1;
        let computed = row
            .payload
            .map(|payload| self.commitment_of(row.retention, row.period, payload));
        let stored_commitment = match computed {
            Some(Some(c)) if is_hex_of(&c, row.commitment) => c,
            _ => match unhex_bytes::<32>(row.commitment) {
                Some(c) => c,
                None => {
                    self.problem(row.seq, "its commitment is not a 32-byte hex value".to_owned());
                    self.broken = true;
                    return;
                }
            },
        };
        match computed {
            Some(computed) => match computed {
                Some(c) if c == stored_commitment => {}
                Some(_) => self.problem(row.seq, "its content does not match its commitment".to_owned()),
                None => self.problem(
                    row.seq,
                    format!("its payload outlived its day key (day {} was purged)", row.period),
                ),
            },
            None => {
                self.verdict.purged += 1;
                let allowed =
                    row.retention == Retention::Access && self.purged_through.is_some_and(|p| row.period <= p);
                if !allowed {
                    self.problem(
                        row.seq,
                        "its payload is missing and no retention purge covers it".to_owned(),
                    );
                }
            }
        }
        let next = chain_next(&self.chain, row.seq, row.period, row.retention, &stored_commitment);
        self.chain = if is_hex_of(&next, row.chain) {
            next
        } else {
            let stored_chain = unhex_bytes::<32>(row.chain);
            if stored_chain != Some(next) && !self.broken {
                self.problem(
                    row.seq,
                    "its chain value does not follow from the records before it".to_owned(),
                );
                self.broken = true;
            }
            // Continue from the stored value so that one bad record is reported once.
            stored_chain.unwrap_or(next)
        };
        // Rows come in ascending seq order (read `ORDER BY seq` from the primary key), so the
        // checkpoints wanted are met in order too.
        while self.wanted.get(self.next_wanted).is_some_and(|w| *w < row.seq) {
            self.next_wanted += 1;
        }
        if self.wanted.get(self.next_wanted) == Some(&row.seq) {
            self.seen.insert(row.seq, next);
        }
    }

    /// Checks the checkpoints (from the database and from the external file) against the
    /// recomputed chain and the pinned public key, and finishes the verdict.
    ///
    /// `signed` holds the checkpoints whose signatures are valid ([`validly_signed`], worked
    /// out while the records are read).
    pub(crate) fn finish(
        mut self,
        pinned_key: Option<&str>,
        db: &[Checkpoint],
        external: &[Checkpoint],
        signed: &HashSet<&Checkpoint>,
    ) -> Verdict {
        let last = self.expected_seq - 1;
        self.verdict.head = hex(&self.chain);
        self.verdict.checkpoints = db.len() as u64;
        self.verdict.external_checkpoints = external.len() as u64;
        self.verdict.last_external_seq = external.iter().map(|c| c.seq).max();
        if (!db.is_empty() || !external.is_empty()) && pinned_key.is_none() {
            self.problem(
                0,
                "checkpoints exist but no public key is pinned in the database".to_owned(),
            );
        }
        if let Some(pinned) = pinned_key
            && pinned != self.keys.public_key()
        {
            self.problem(
                0,
                "the key directory's signing key is not the key pinned in the database (a swapped key)".to_owned(),
            );
        }
        for (source, list) in [("database", db), ("external", external)] {
            for c in list {
                if pinned_key.is_some_and(|p| p != c.key) {
                    self.problem(
                        c.seq,
                        format!("the {source} checkpoint at record {} is signed by another key", c.seq),
                    );
                    continue;
                }
                if !signed.contains(c) {
                    self.problem(
                        c.seq,
                        format!("the {source} checkpoint at record {} has a bad signature", c.seq),
                    );
                    continue;
                }
                if c.seq > last {
                    self.problem(
                        last + 1,
                        format!(
                            "the {source} checkpoint vouches for {} records but the trail ends at {last} (its tail was cut)",
                            c.seq
                        ),
                    );
                    continue;
                }
                match self.seen.get(&c.seq) {
                    Some(chain) if hex(chain) == c.chain => {}
                    Some(_) => self.problem(
                        c.seq,
                        format!(
                            "the trail up to record {} differs from what the {source} checkpoint signed",
                            c.seq
                        ),
                    ),
                    None if c.seq == 0 => {}
                    None => self.problem(
                        c.seq,
                        format!(
                            "the {source} checkpoint names record {} which is not in the trail",
                            c.seq
                        ),
                    ),
                }
            }
        }
        self.verdict.problems.sort_by_key(|p| p.seq);
        self.verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_unhex_are_inverse_and_strict() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(3));
        let all: Vec<u8> = (0..=255).collect();
        let text = hex(&all);
        let expected: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(text, expected);
        assert_eq!(unhex::<32>(&hex(&bytes)), Some(bytes));
        assert_eq!(unhex::<32>(&format!("  {}\n", hex(&bytes).to_uppercase())), Some(bytes));
        assert_eq!(unhex::<1>("0g"), None);
        assert_eq!(unhex::<1>("+f"), None);
        assert_eq!(unhex::<1>("é"), None);
        assert_eq!(unhex::<2>("abc"), None);
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let v: Value = serde_json::from_str(r#"{"b":1,"a":{"d":[{"z":1,"y":"č\n"}],"c":null}}"#).unwrap();
        assert_eq!(canonical_json(&v), r#"{"a":{"c":null,"d":[{"y":"č\n","z":1}]},"b":1}"#);
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
    fn commitments_of_access_records_need_the_day_key() {
        let key = [3u8; 32];
        let a = commitment(Retention::Access, Some(&key), b"x").unwrap();
        let b = commitment(Retention::Access, Some(&[4u8; 32]), b"x").unwrap();
        assert_ne!(a, b);
        assert!(commitment(Retention::Access, None, b"x").is_err());
        assert_ne!(commitment(Retention::Change, None, b"x").unwrap(), a);
    }
}
