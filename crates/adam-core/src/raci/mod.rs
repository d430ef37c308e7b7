//! Responsibility (RACI) matrices (SPEC §9, seed 003): templates as data, the rules, and each
//! solution's matrix with its parties bound to ADAM's directory.
//!
//! - `cell.rs` — a cell: a set of the letters R, A, C, I;
//! - `template.rs` — templates (operating model 2A shipped embedded, `model-2a.json`);
//! - `validate.rs` — exactly one A per task and layer (refused), at least one R (a warning);
//! - `matrix.rs` — a solution's matrix: template + parties + overrides (a register record);
//! - `steps.rs` — process steps assigned by RACI (R performs, A consents);
//! - `world.rs` — the matrices in the world, and "who is accountable for task T at layer L of
//!   solution X" answered with the party, its job and the people holding it now.

pub mod cell;
pub mod matrix;
pub mod steps;
pub mod template;
pub mod validate;
mod world;

pub use cell::{Cell, CellError, Letter};
pub use matrix::{Bound, Override, Party, RaciMatrix, SolutionCode, template_grid};
pub use template::{Key, Template, TemplateRef};
pub use validate::{Finding, Grid, Report, validate};
pub use world::{Matrices, PartyAnswer, WhoAnswer};
