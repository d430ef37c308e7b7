//! The verifier: recomputes the trail record by record (commitments, chain, checkpoints) and
//! collects what it finds into a [`Verdict`].

use crate::audit::chain::{GENESIS, Retention, chain_next, commitment};
use crate::hex::{hex, is_hex_of, unhex_bytes};
use crate::keys::Keyring;
use crate::keys::checkpoint::Checkpoint;
use hmac::{KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;
use std::collections::HashSet;

type HmacSha256 = hmac::Hmac<Sha256>;

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
    /// The last record committed according to the chain head kept outside the database
    /// (`head.json` in the key directory, rewritten after every commit).
    pub outside_head: Option<u64>,
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
