//! Attachments: files that records refer to (a consent scan on a transfer, the evidence of an
//! incident, a rollback plan, a SOC review report).
//!
//! The core never holds a file's bytes: a record holds an [`AttachmentRef`] — the file's
//! SHA-256 digest, its name as uploaded, its size, its media type and, where the record asks
//! for documents by type, its document type. The bytes live in the server's content-addressed
//! store under the digest (encrypted when the record is Z2 or Z3), so two records attaching the
//! same file share one copy, and a reference cannot be bent to another file: the digest is
//! checked when the file is read back.

use crate::error::{Error, ValueError, ValueProblem};
use crate::text::{Code, Text};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// A SHA-256 digest: 64 lowercase hexadecimal digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Digest(String);

impl Digest {
    /// Parses a digest for the named field; uppercase digits are accepted and lowered.
    pub fn parse(field: &'static str, value: &str) -> Result<Digest, Error> {
        let v = value.trim().to_ascii_lowercase();
        if v.len() != 64 || !v.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(Error::Value(ValueError::InvalidValue {
                field,
                problem: ValueProblem::NotADigest,
            }));
        }
        Ok(Digest(v))
    }

    /// The digest's hexadecimal digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.0)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Digest::parse("sha256", &raw).map_err(|_| serde::de::Error::custom(ValueProblem::NotADigest))
    }
}

/// A file a record refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AttachmentRef {
    /// The SHA-256 digest of the file's bytes (its address in the store).
    pub sha256: Digest,
    /// The file's name as uploaded (`soglasje-skrbnika.pdf`).
    pub name: Text,
    /// Its size in bytes.
    pub size: u64,
    /// Its media type as uploaded (`application/pdf`).
    #[serde(default)]
    pub media_type: Option<Text>,
    /// What document it is, where a record asks for documents by type (`rollback_plan`,
    /// `evidence`).
    #[serde(default)]
    pub doc_type: Option<Code>,
}

/// A register record that carries files added one by one ([`Command::AttachFile`]
/// (crate::Command::AttachFile)). Inventory items carry theirs in their fields, cases on
/// their decisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Attachable {
    /// A risk assessment (Art. 9).
    Risk(crate::ids::RiskId),
    /// An access-review campaign (Art. 51(4)).
    Review(crate::ids::ReviewId),
    /// An integrity baseline (Art. 50(4)).
    Baseline(crate::ids::BaselineId),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_is_64_hex_digits() {
        let d = Digest::parse("sha256", &"AB".repeat(32)).unwrap();
        assert_eq!(d.as_str(), "ab".repeat(32));
        assert!(Digest::parse("sha256", "abc").is_err());
        assert!(Digest::parse("sha256", &"g".repeat(64)).is_err());
        let back: Result<Digest, _> = serde_json::from_str("\"xyz\"");
        assert!(back.is_err());
    }
}
