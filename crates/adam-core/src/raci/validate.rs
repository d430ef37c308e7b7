//! The rules of a responsibility matrix, checked over its effective cells:
//!
//! - **exactly one A per task and layer** — a problem (the matrix is refused). The seed's
//!   legend says "Kun ét A pr. opgave" (one A per *task*), which every row of model 2A breaks
//!   (four A's, one per layer); the rule is only coherent per task **and layer**, and ADAM states
//!   it so (REQUIREMENTS-WAVE2 §3.6);
//! - **at least one R per task and layer** — a warning only: model 2A's own Backup /
//!   Applications has none (the customer is A; footnote 6: the backup is done through the
//!   operating system / middleware), and it is shipped as printed;
//! - letters only from R, A, C, I — not checked here: a [`Cell`](super::Cell) cannot hold another.
//!
//! Every problem is listed, not only the first. [`Finding`] is defined in `error/findings.rs`
//! beside the refusal that carries it (re-exported here); what it says is here.

use super::cell::{Cell, Letter};
use super::template::Key;
pub use crate::error::Finding;
use serde::Serialize;
use std::fmt;

/// The effective cells of a matrix: tasks × layers × parties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    /// The tasks' numbers, in order.
    pub tasks: Vec<u16>,
    /// The layers.
    pub layers: Vec<Key>,
    /// The parties.
    pub parties: Vec<Key>,
    /// The cells, task by task, layer by layer, party by party.
    pub cells: Vec<Cell>,
    /// The footnotes of each cell (same order; task footnotes excluded).
    pub footnotes: Vec<Vec<u8>>,
}

impl Grid {
    /// The cell at positions (task, layer, party).
    pub fn at(&self, t: usize, l: usize, p: usize) -> Cell {
        self.cells.get(self.index(t, l, p)).copied().unwrap_or_default()
    }
    /// The position of a cell in `cells`.
    pub fn index(&self, t: usize, l: usize, p: usize) -> usize {
        (t * self.layers.len() + l) * self.parties.len() + p
    }
}

impl Finding {
    /// Says the finding in a language.
    pub fn message(&self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang::{En, Sl};
        let list = |p: &[Key]| p.iter().map(Key::as_str).collect::<Vec<_>>().join(", ");
        match (self, lang) {
            (Finding::NoAccountable { task, layer }, En) => {
                format!("task {task}, layer {layer}: nobody is accountable (A); exactly one party must be")
            }
            (Finding::NoAccountable { task, layer }, Sl) => {
                format!("naloga {task}, plast {layer}: nihče ni odgovoren (A); natanko ena stran mora biti")
            }
            (Finding::SeveralAccountable { task, layer, parties }, En) => format!(
                "task {task}, layer {layer}: {} are all accountable (A); exactly one party may be",
                list(parties)
            ),
            (Finding::SeveralAccountable { task, layer, parties }, Sl) => format!(
                "naloga {task}, plast {layer}: odgovornih (A) je več strani ({}); sme biti natanko ena",
                list(parties)
            ),
            (Finding::NoResponsible { task, layer, .. }, En) => format!(
                "task {task}, layer {layer}: accountable but nobody performs it (no R) — responsibility delegated to a lower layer?"
            ),
            (Finding::NoResponsible { task, layer, .. }, Sl) => format!(
                "naloga {task}, plast {layer}: nekdo je odgovoren, izvajalca (R) pa ni — je izvedba prenesena na nižjo plast?"
            ),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::lang::Lang::En))
    }
}

/// Every finding of a matrix: problems refuse it, warnings are shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    /// What breaks "exactly one A per task and layer".
    pub problems: Vec<Finding>,
    /// What breaks "at least one R per task and layer".
    pub warnings: Vec<Finding>,
}

impl Report {
    /// Whether the matrix may be kept.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the rules over every task and layer, in order.
pub fn validate(grid: &Grid) -> Report {
    let mut report = Report::default();
    for (t, &task) in grid.tasks.iter().enumerate() {
        for (l, layer) in grid.layers.iter().enumerate() {
            let cells = || (0..grid.parties.len()).map(move |p| (p, grid.at(t, l, p)));
            let accountable: Vec<Key> = cells()
                .filter(|(_, c)| c.has(Letter::A))
                .map(|(p, _)| grid.parties[p].clone())
                .collect();
            match accountable.len() {
                0 => report.problems.push(Finding::NoAccountable {
                    task,
                    layer: layer.clone(),
                }),
                1 => {}
                _ => report.problems.push(Finding::SeveralAccountable {
                    task,
                    layer: layer.clone(),
                    parties: accountable,
                }),
            }
            if !cells().any(|(_, c)| c.has(Letter::R)) {
                let mut footnotes: Vec<u8> = (0..grid.parties.len())
                    .flat_map(|p| grid.footnotes.get(grid.index(t, l, p)).cloned().unwrap_or_default())
                    .collect();
                footnotes.sort_unstable();
                footnotes.dedup();
                report.warnings.push(Finding::NoResponsible {
                    task,
                    layer: layer.clone(),
                    footnotes,
                });
            }
        }
    }
    report
}
