//! A solution's responsibility matrix: a template instance, its parties bound to ADAM's
//! directory, and per-cell overrides, each with a reason and the person who approved it.
//!
//! The matrix is keyed by the **solution's codename** (`OPSI`, `E2`): the registry of
//! information solutions names its solutions by codename, and a matrix can exist before its
//! solution is registered (the demo's do).
//!
//! The effective cell is the override's letters where there is one, else the template's; a
//! party the template does not know (the customer's supplier, EKC …) starts with empty cells.

use super::cell::Cell;
use super::template::{Key, Template, TemplateRef};
use super::validate::Grid;
use crate::ids::{JobId, OfficeId, RaciMatrixId, Revision, UserId};
use crate::text::{Code, Text};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A solution's codename (`OPSI`, `E2`, `EVEM`, `EKT`): a code, kept in upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct SolutionCode(String);

impl SolutionCode {
    /// Reads a codename (a code: 1–32 letters, digits, `_`, `-`, `.`), in upper case.
    pub fn parse(value: &str) -> Result<SolutionCode, crate::error::Error> {
        let code = Code::parse("solution", value)?;
        Ok(SolutionCode(code.as_str().to_uppercase()))
    }
    /// The codename.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SolutionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SolutionCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SolutionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Where a party sits in ADAM's directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Bound {
    /// An office: the party answers through the office's head.
    Office(OfficeId),
    /// A job: the party answers through the people holding it.
    Job(JobId),
}

/// A party of a matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Party {
    /// Its key (`customer`, `provider`, `supplier`).
    pub key: Key,
    /// Its name, for a party the template does not know (the template names its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// Where it sits in the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
}

/// A cell changed from the template's, with why and by whose approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Override {
    /// The task's number.
    pub task: u16,
    /// The layer.
    pub layer: Key,
    /// The party.
    pub party: Key,
    /// The letters now.
    pub letters: Cell,
    /// Why.
    pub reason: Text,
    /// Who approved it (the person who recorded it; `None` for the operator's console).
    pub approved_by: Option<UserId>,
    /// When.
    pub at: Timestamp,
}

/// A solution's responsibility matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RaciMatrix {
    /// Id.
    pub id: RaciMatrixId,
    /// The solution's codename.
    pub solution: SolutionCode,
    /// The template it instantiates.
    pub template: TemplateRef,
    /// Its parties: the template's, in its order, then any added.
    pub parties: Vec<Party>,
    /// The cells that differ from the template, at most one per cell.
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// The revision that last changed it.
    pub rev: Revision,
}

impl RaciMatrix {
    /// The template it instantiates, if ADAM ships it.
    pub fn template(&self) -> Option<&'static Template> {
        super::template::find(&self.template)
    }
    /// A party by key.
    pub fn party(&self, key: &Key) -> Option<&Party> {
        self.parties.iter().find(|p| &p.key == key)
    }
    /// The override of one cell.
    pub fn override_of(&self, task: u16, layer: &Key, party: &Key) -> Option<&Override> {
        self.overrides
            .iter()
            .find(|o| o.task == task && &o.layer == layer && &o.party == party)
    }
    /// The effective cell: the override's letters, else the template's.
    pub fn cell(&self, t: &Template, task: u16, layer: &Key, party: &Key) -> Cell {
        if let Some(o) = self.override_of(task, layer, party) {
            return o.letters;
        }
        match (t.task(task), t.layer_index(layer), t.party_index(party)) {
            (Some(row), Some(l), Some(p)) => t.cell(row, l, p),
            _ => Cell::EMPTY,
        }
    }
    /// The effective cells of every task, layer and party, for the rules.
    pub fn grid(&self, t: &Template) -> Grid {
        let parties: Vec<Key> = self.parties.iter().map(|p| p.key.clone()).collect();
        let layers: Vec<Key> = t.layers.iter().map(|l| l.key.clone()).collect();
        let mut cells = Vec::new();
        let mut footnotes = Vec::new();
        for task in &t.tasks {
            for layer in &layers {
                for party in &parties {
                    cells.push(self.cell(t, task.n, layer, party));
                    footnotes.push(t.cell_footnotes(task, layer, party));
                }
            }
        }
        Grid {
            tasks: t.tasks.iter().map(|task| task.n).collect(),
            layers,
            parties,
            cells,
            footnotes,
        }
    }
}

/// The template itself as a grid (its own parties, no overrides).
pub fn template_grid(t: &Template) -> Grid {
    let m = RaciMatrix {
        id: RaciMatrixId(0),
        solution: SolutionCode(String::new()),
        template: t.reference(),
        parties: t
            .parties
            .iter()
            .map(|p| Party {
                key: p.key.clone(),
                name: None,
                bound: None,
            })
            .collect(),
        overrides: Vec::new(),
        rev: Revision(0),
    };
    m.grid(t)
}
