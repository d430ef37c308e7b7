//! Responsibility (RACI) matrices (SPEC §9, seed 003): templates as data, the rules, and each
//! solution's matrix with its parties bound to ADAM's directory.
//!
//! - `cell.rs` — a cell: a set of the letters R, A, C, I;
//! - `template.rs` — templates (operating model 2A shipped embedded, `model-2a.json`);
//! - `validate.rs` — exactly one A per task and layer (refused), at least one R (a warning);
//! - `matrix.rs` — a solution's matrix: template + parties + overrides (a register record);
//! - `answer.rs` — "who is accountable for task T at layer L of solution X": the party, its job
//!   and the people holding it now.
//!
//! The matrices in the world and the answers worked out from it are in `world/matrices.rs`;
//! process steps assigned by RACI (R performs, A consents) in `process/raci_binding.rs` (the
//! cell a role names) and `world/matrices.rs` (the jobs it resolves to). These records sit
//! below the process engine and the world.

mod answer;
pub mod cell;
pub mod matrix;
pub mod template;
pub mod validate;

pub use answer::{PartyAnswer, WhoAnswer};
pub use cell::{Cell, CellError, Letter};
pub use matrix::{Bound, Override, Party, RaciMatrix, SolutionCode, template_grid};
pub use template::{Key, Template, TemplateRef};
pub use validate::{Finding, Grid, Report, validate};
