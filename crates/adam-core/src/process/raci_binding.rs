//! Process steps assigned by RACI ("R performs, A consents"): a role of a process definition
//! bound to one cell of the case's solution's responsibility matrix
//! (`process::Binding::Raci`). The people are those holding **now** the jobs through which
//! the parties with the letter answer, so re-binding a party in the matrix, or a job change,
//! changes who performs the next step without touching the definition.
//!
//! "The matrix says nothing" (no solution in the case, no matrix for it, a matrix of another
//! template, no party with the letter bound to the directory) is told apart from "the party's
//! job is vacant": only the first falls back to the binding's `otherwise` role; the second
//! binds nobody, as a vacant job does for any other binding.
//!
//! Here: the cell a binding names (its template, task and layer), which needs no world; the
//! jobs it resolves to are read from the world in `world/matrices.rs`.

use super::definition::RaciBinding;
use crate::raci::template::{self, Key, Task, Template};

/// The template a binding names its task and layer in.
pub fn binding_template(b: &RaciBinding) -> Option<&'static Template> {
    match &b.template {
        Some(code) => template::latest(code),
        None => Key::parse(template::MODEL_2A_CODE).and_then(|k| template::latest(&k)),
    }
}

/// A task of a template by its number or name.
pub fn binding_task<'t>(t: &'t Template, b: &RaciBinding) -> Option<&'t Task> {
    template::find_task(t, b.task.as_str())
}

/// A layer of a template by its key or name.
pub fn binding_layer<'t>(t: &'t Template, b: &RaciBinding) -> Option<&'t Key> {
    let asked = b.layer.as_str().trim();
    t.layers
        .iter()
        .find(|l| {
            l.key.as_str() == asked
                || l.name.en.eq_ignore_ascii_case(asked)
                || l.name.sl.to_lowercase() == asked.to_lowercase()
                || l.name
                    .da
                    .as_deref()
                    .is_some_and(|d| d.to_lowercase() == asked.to_lowercase())
        })
        .map(|l| &l.key)
}
