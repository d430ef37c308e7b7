//! The answer to "who answers for task T at layer L of solution X": the party, the job through
//! which it answers and the people holding it. Worked out from the world in
//! `world/matrices.rs`; defined here, below the world, as plain data.

use super::cell::Cell;
use super::matrix::SolutionCode;
use super::template::{Key, Words};
use crate::ids::{JobId, OfficeId, RaciMatrixId, UserId};
use serde::Serialize;

/// One party's part in a task at a layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PartyAnswer {
    /// The party's key.
    pub party: Key,
    /// Its name (the template's, or the one given to an added party).
    pub name: Words,
    /// Its letters in this cell.
    pub letters: Cell,
    /// The footnotes on this cell.
    pub footnotes: Vec<u8>,
    /// Whether the cell is overridden in this matrix.
    pub overridden: bool,
    /// The office it sits in (its own, or its job's).
    pub office: Option<OfficeId>,
    /// The job through which it answers: the bound job, or the bound office's head.
    pub job: Option<JobId>,
    /// The active people holding that job now.
    pub people: Vec<UserId>,
}

/// Who does what for one task at one layer of a solution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WhoAnswer {
    /// The matrix.
    pub matrix: RaciMatrixId,
    /// The solution.
    pub solution: SolutionCode,
    /// The task's number.
    pub task: u16,
    /// The task's name.
    pub task_name: Words,
    /// The task's own footnotes.
    pub task_footnotes: Vec<u8>,
    /// The layer.
    pub layer: Key,
    /// The layer's name.
    pub layer_name: Words,
    /// The accountable party (exactly one in a kept matrix).
    pub accountable: Option<PartyAnswer>,
    /// Every party with a letter in this task and layer, in column order.
    pub parties: Vec<PartyAnswer>,
}
