//! A cell of a responsibility matrix: a set of the letters R, A, C, I — parsed, never
//! validated later (a `Cell` cannot hold another letter or one twice).
//!
//! Written the way the seed prints them: A before R, then C, then I (`AR`, `CI`, `A`, `R`);
//! the empty set is the empty string.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One letter of RACI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Letter {
    /// Accountable (Ansvarlig): answers for the task being done; one per task and layer.
    A,
    /// Responsible (Udfører): performs the task; there may be several.
    R,
    /// Consulted (Rådspørges): asked while the task is done (two-way).
    C,
    /// Informed (Informeres): told of progress or completion (one-way).
    I,
}

impl Letter {
    /// Every letter, in the order a cell is written.
    pub const ALL: [Letter; 4] = [Letter::A, Letter::R, Letter::C, Letter::I];

    fn bit(self) -> u8 {
        match self {
            Letter::A => 1,
            Letter::R => 2,
            Letter::C => 4,
            Letter::I => 8,
        }
    }
    /// The letter as written.
    pub fn as_char(self) -> char {
        match self {
            Letter::A => 'A',
            Letter::R => 'R',
            Letter::C => 'C',
            Letter::I => 'I',
        }
    }
}

/// A set of RACI letters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell(u8);

/// Why a text is not a cell.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CellError {
    /// A character other than R, A, C, I.
    #[error("{0:?} is not one of the letters R, A, C, I")]
    Letter(char),
    /// A letter written twice.
    #[error("the letter {0} is written twice")]
    Twice(char),
}

impl Cell {
    /// The empty cell.
    pub const EMPTY: Cell = Cell(0);

    /// Reads a cell: the letters R, A, C, I in any order, each at most once (spaces ignored).
    pub fn parse(value: &str) -> Result<Cell, CellError> {
        let mut bits = 0u8;
        for c in value.chars().filter(|c| !c.is_whitespace()) {
            let letter = match c {
                'A' => Letter::A,
                'R' => Letter::R,
                'C' => Letter::C,
                'I' => Letter::I,
                other => return Err(CellError::Letter(other)),
            };
            if bits & letter.bit() != 0 {
                return Err(CellError::Twice(c));
            }
            bits |= letter.bit();
        }
        Ok(Cell(bits))
    }
    /// A cell of these letters.
    pub fn of(letters: &[Letter]) -> Cell {
        Cell(letters.iter().fold(0, |b, l| b | l.bit()))
    }
    /// The cell holding exactly the letters of a 4-bit pattern (A = 1, R = 2, C = 4, I = 8).
    pub fn from_bits(bits: u8) -> Cell {
        Cell(bits & 0x0f)
    }
    /// Whether it holds a letter.
    pub fn has(self, letter: Letter) -> bool {
        self.0 & letter.bit() != 0
    }
    /// Whether it is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Its letters, in written order.
    pub fn letters(self) -> impl Iterator<Item = Letter> {
        Letter::ALL.into_iter().filter(move |l| self.has(*l))
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.letters().try_for_each(|l| write!(f, "{}", l.as_char()))
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Cell::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Cell {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RaciCell".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "maxLength": 4,
            "pattern": "^A?R?C?I?$",
            "description": "A set of the letters A, R, C, I, written in that order; empty for none."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_reads_any_order_and_writes_the_seeds_order() {
        assert_eq!(Cell::parse("RA").unwrap().to_string(), "AR");
        assert_eq!(Cell::parse("IC").unwrap().to_string(), "CI");
        assert_eq!(Cell::parse("").unwrap(), Cell::EMPTY);
        assert_eq!(Cell::parse("AX"), Err(CellError::Letter('X')));
        assert_eq!(Cell::parse("a"), Err(CellError::Letter('a')));
        assert_eq!(Cell::parse("AA"), Err(CellError::Twice('A')));
        assert!(serde_json::from_str::<Cell>("\"AB\"").is_err());
        for bits in 0..16 {
            let c = Cell::from_bits(bits);
            assert_eq!(Cell::parse(&c.to_string()), Ok(c));
        }
    }
}
