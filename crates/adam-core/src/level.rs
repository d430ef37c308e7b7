//! Access levels and security classes.
//!
//! [`Level`] is the ordered access level of SPEC §3.2 (`0 < 11 < 12 < 13 < 14 < 21 < 22`). It can
//! only hold one of those seven values, so a level outside the set is refused where it is parsed.
//! [`SecurityClass`] is one of the Decree's classes (0 = unclassified, 1–3) and
//! [`Classification`] carries one per dimension: confidentiality Z, integrity C and availability R.

use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// An access level on a folder or a document (SPEC §3.2).
///
/// Levels 11–14 are the view levels and 21–22 the edit levels; `0` means no access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(u8)]
pub enum Level {
    /// No access (the default: nothing is granted unless an entry grants it).
    #[default]
    None = 0,
    /// View the folder's attributes, no lists. Gives nothing on a document.
    View11 = 11,
    /// Plus summary lists (parties, parcels, documents). Gives nothing on a document.
    View12 = 12,
    /// Plus detailed lists without images; a document's attributes without its image.
    View13 = 13,
    /// Plus document images and content.
    View14 = 14,
    /// Edit: phase, attributes and images.
    Edit21 = 21,
    /// Edit and add ACL entries.
    Edit22 = 22,
}

impl Level {
    /// Every level in ascending order.
    pub const ALL: [Level; 7] = [
        Level::None,
        Level::View11,
        Level::View12,
        Level::View13,
        Level::View14,
        Level::Edit21,
        Level::Edit22,
    ];

    /// The numeric value used in the seed and in the API.
    #[inline]
    pub fn value(self) -> u8 {
        self as u8
    }

    /// Whether this is one of the edit levels (the seed's `2X`).
    #[inline]
    pub fn is_edit(self) -> bool {
        self >= Level::Edit21
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value())
    }
}

impl Serialize for Level {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.value())
    }
}

/// One of the Decree's security classes on one dimension: 0 (unclassified), 1, 2 or 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SecurityClass(u8);

impl SecurityClass {
    /// Unclassified.
    pub const NONE: SecurityClass = SecurityClass(0);
    /// Class 1 (e.g. Z1).
    pub const ONE: SecurityClass = SecurityClass(1);
    /// Class 2 (e.g. Z2).
    pub const TWO: SecurityClass = SecurityClass(2);
    /// Class 3 (e.g. Z3) — the class that demands multi-factor authentication (Art. 53).
    pub const THREE: SecurityClass = SecurityClass(3);

    /// The class, if `value` is 0–3 (reading it, with the refusal, is `SecurityClass::new`).
    pub(crate) fn checked(value: u8) -> Option<SecurityClass> {
        (value <= 3).then_some(SecurityClass(value))
    }

    /// The numeric class.
    #[inline]
    pub fn value(self) -> u8 {
        self.0
    }
}

impl Serialize for SecurityClass {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

/// The classification of a record on the Decree's three dimensions.
///
/// Confidentiality (`z`) is the record's secrecy level: it is what clearance is compared with
/// and what chooses a new folder's default view. `z = 3` or `c = 3` demands a multi-factor
/// session for every decision on the record (Art. 53).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Classification {
    /// Confidentiality, Z0–Z3.
    #[serde(default)]
    pub z: SecurityClass,
    /// Integrity, C0–C3.
    #[serde(default)]
    pub c: SecurityClass,
    /// Availability, R0–R3.
    #[serde(default)]
    pub r: SecurityClass,
}

impl Classification {
    /// Unclassified on every dimension.
    pub const PUBLIC: Classification = Classification {
        z: SecurityClass::NONE,
        c: SecurityClass::NONE,
        r: SecurityClass::NONE,
    };

    /// A classification with only a confidentiality class.
    pub fn confidential(z: SecurityClass) -> Classification {
        Classification {
            z,
            ..Classification::PUBLIC
        }
    }

    /// The higher class on each dimension: what a document inside a folder is held to.
    pub fn max(self, other: Classification) -> Classification {
        Classification {
            z: self.z.max(other.z),
            c: self.c.max(other.c),
            r: self.r.max(other.r),
        }
    }

    /// Whether a decision on a record so classified needs a multi-factor session (Art. 53).
    pub fn requires_mfa(self) -> bool {
        self.z == SecurityClass::THREE || self.c == SecurityClass::THREE
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Z{} C{} R{}", self.z.0, self.c.0, self.r.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_as_in_the_seed() {
        let mut sorted = Level::ALL;
        sorted.sort();
        assert_eq!(sorted, Level::ALL);
        assert!(Level::Edit21.is_edit() && !Level::View14.is_edit());
    }

    #[test]
    fn classification_requires_mfa_for_z3_or_c3_only() {
        for z in 0..=3 {
            for c in 0..=3 {
                let k = Classification {
                    z: SecurityClass(z),
                    c: SecurityClass(c),
                    r: SecurityClass::THREE,
                };
                assert_eq!(k.requires_mfa(), z == 3 || c == 3);
            }
        }
        assert!(serde_json::from_str::<Classification>(r#"{"z":4}"#).is_err());
        assert!(serde_json::from_str::<Classification>(r#"{"q":1}"#).is_err());
    }
}
