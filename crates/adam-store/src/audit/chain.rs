//! The arithmetic of the trail: canonical JSON, the commitment to a payload, the chain, and
//! the day a record belongs to. Pure functions, no storage (see `mod.rs` for the scheme).

use crate::StoreError;
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

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

/// Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace. The
/// same value always gives the same bytes, whatever order the keys were inserted in and
/// whatever the database did to a JSON column.
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::with_capacity(128);
    write_canonical(value, &mut out);
    utf8(out)
}

/// Bytes serde_json wrote as a `String`: they are UTF-8 (serde_json writes nothing else), so
/// the lossy branch never runs; it is there so that no input can make this panic.
pub(crate) fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends the canonical JSON of `value` to `out`. Strings, numbers and literals are written by
/// serde_json straight into `out` (its escaping is already canonical: it escapes only what JSON
/// requires), so a payload costs no allocation per string.
pub(crate) fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out);
                out.push(b':');
                write_canonical(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(v, out);
            }
            out.push(b']');
        }
        // A string, number, literal or `null` has one canonical form, the one serde_json
        // writes; writing a `Value` into a `Vec` cannot fail (no I/O, no non-string keys).
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

/// Appends a JSON string.
pub(crate) fn write_str(s: &str, out: &mut Vec<u8>) {
    // As above: a `str` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Appends a value of a type that serialises to a JSON string, number, literal or `null` —
/// which has one canonical form, the one serde_json writes.
pub(crate) fn write_scalar<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), StoreError> {
    serde_json::to_writer(&mut *out, value).map_err(|e| StoreError::Corrupt(format!("audit payload: {e}")))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let v: Value = serde_json::from_str(r#"{"b":1,"a":{"d":[{"z":1,"y":"č\n"}],"c":null}}"#).unwrap();
        assert_eq!(canonical_json(&v), r#"{"a":{"c":null,"d":[{"y":"č\n","z":1}]},"b":1}"#);
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
