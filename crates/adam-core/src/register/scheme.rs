//! The classification scheme as data (Decree Art. 11(3) and its annex).
//!
//! The Decree puts the names of the security classes, the criteria for placing assets and
//! systems into them and the labelling procedure in an annex that is not in our sources
//! (REQUIREMENTS-WAVE2 §0.1). ADAM therefore hard-codes only the codes — Z1–Z3, C1–C3, R1–R3
//! and "unclassified" — and what the operative articles attach to them (`rules/decree_2018.rs`);
//! the names, criteria and labelling text are this record, filled by an administrator from the
//! official annex and versioned (every change is a revision of the change log, so "as of" shows
//! the scheme in force on any day). The scheme names the regulation it implements, so a later
//! rule set (ZInfV-1) can stand beside the 2018 Decree.

use crate::ids::{Revision, SchemeId};
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// A code of the scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum SchemeCode {
    /// Not classified into a security class (ni uvrščeno v varnostne razrede, Art. 41(1)).
    #[serde(rename = "unclassified")]
    Unclassified,
    /// Confidentiality 1.
    Z1,
    /// Confidentiality 2.
    Z2,
    /// Confidentiality 3.
    Z3,
    /// Integrity 1.
    C1,
    /// Integrity 2.
    C2,
    /// Integrity 3.
    C3,
    /// Availability 1.
    R1,
    /// Availability 2.
    R2,
    /// Availability 3.
    R3,
}

impl SchemeCode {
    /// Every code, in the Decree's order.
    pub const ALL: [SchemeCode; 10] = [
        SchemeCode::Unclassified,
        SchemeCode::Z1,
        SchemeCode::Z2,
        SchemeCode::Z3,
        SchemeCode::C1,
        SchemeCode::C2,
        SchemeCode::C3,
        SchemeCode::R1,
        SchemeCode::R2,
        SchemeCode::R3,
    ];

    /// How it is written (`Z2`).
    pub fn as_str(self) -> &'static str {
        match self {
            SchemeCode::Unclassified => "unclassified",
            SchemeCode::Z1 => "Z1",
            SchemeCode::Z2 => "Z2",
            SchemeCode::Z3 => "Z3",
            SchemeCode::C1 => "C1",
            SchemeCode::C2 => "C2",
            SchemeCode::C3 => "C3",
            SchemeCode::R1 => "R1",
            SchemeCode::R2 => "R2",
            SchemeCode::R3 => "R3",
        }
    }
}

/// What the scheme says about one code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SchemeEntry {
    /// The code.
    pub code: SchemeCode,
    /// Its name, as the annex gives it.
    #[serde(default)]
    pub name: Option<Text>,
    /// The criteria for placing an asset or system into it.
    #[serde(default)]
    pub criteria: Option<Text>,
    /// How records of this class are labelled.
    #[serde(default)]
    pub labelling: Option<Text>,
}

/// The organisation's classification scheme.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClassScheme {
    /// Id (always 0: one scheme per organisation).
    pub id: SchemeId,
    /// The regulation it implements, with its publication (`Uredba o informacijski varnosti v
    /// državni upravi, Uradni list RS 29/2018`).
    pub regulation: Text,
    /// Its version, counted from 1; every change raises it.
    pub version: u32,
    /// One entry per code, in [`SchemeCode::ALL`] order.
    pub entries: Vec<SchemeEntry>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl ClassScheme {
    /// The scheme a new organisation starts with: the 2018 Decree's codes, with names,
    /// criteria and labelling left for the administrator to fill from the official annex.
    pub fn decree_2018() -> ClassScheme {
        ClassScheme {
            id: SchemeId(0),
            regulation: Text::constant(DECREE_2018),
            version: 0,
            entries: SchemeCode::ALL
                .into_iter()
                .map(|code| SchemeEntry {
                    code,
                    name: None,
                    criteria: None,
                    labelling: None,
                })
                .collect(),
            rev: Revision(0),
        }
    }

    /// The entry of a code.
    pub fn entry(&self, code: SchemeCode) -> Option<&SchemeEntry> {
        self.entries.iter().find(|e| e.code == code)
    }
}

/// The regulation the shipped scheme implements.
pub const DECREE_2018: &str = "Uredba o informacijski varnosti v državni upravi (Uradni list RS, št. 29/2018)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_scheme_has_every_code_once_and_names_its_regulation() {
        let s = ClassScheme::decree_2018();
        assert_eq!(Text::parse("regulation", DECREE_2018).unwrap(), s.regulation);
        let codes: Vec<SchemeCode> = s.entries.iter().map(|e| e.code).collect();
        assert_eq!(codes, SchemeCode::ALL.to_vec());
        assert!(s.entries.iter().all(|e| e.criteria.is_none()));
    }
}
