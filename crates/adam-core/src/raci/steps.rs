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

use super::cell::Letter;
use super::matrix::SolutionCode;
use super::template::{self, Key, Task, Template};
use crate::ids::JobId;
use crate::process::{FieldValue, RaciBinding, RaciLetter};
use crate::text::Code;
use crate::world::World;
use std::collections::BTreeMap;

/// The template a binding names its task and layer in.
pub fn binding_template(b: &RaciBinding) -> Option<&'static Template> {
    match &b.template {
        Some(code) => template::latest(code),
        None => Key::parse(template::MODEL_2A_CODE).and_then(|k| template::latest(&k)),
    }
}

/// A task of a template by its number or name.
pub fn binding_task<'t>(t: &'t Template, b: &RaciBinding) -> Option<&'t Task> {
    super::world::find_task(t, b.task.as_str())
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

fn letter(l: RaciLetter) -> Letter {
    match l {
        RaciLetter::R => Letter::R,
        RaciLetter::A => Letter::A,
    }
}

impl World {
    /// The jobs through which the parties holding the binding's letter answer, in the matrix
    /// of the solution named in the case's field; `None` when the matrix says nothing.
    pub fn raci_binding_jobs(&self, b: &RaciBinding, fields: &BTreeMap<Code, FieldValue>) -> Option<Vec<JobId>> {
        let Some(FieldValue::Text(code)) = fields.get(&b.solution) else {
            return None;
        };
        let m = self.raci_of(&SolutionCode::parse(code).ok()?).ok()?;
        let t = m.template()?;
        let named = binding_template(b)?;
        if t.code != named.code {
            return None;
        }
        let task = binding_task(t, b)?;
        let layer = binding_layer(t, b)?;
        let mut jobs: Vec<JobId> = m
            .parties
            .iter()
            .filter(|p| m.cell(t, task.n, layer, &p.key).has(letter(b.letter)))
            .filter_map(|p| p.bound)
            .filter_map(|bound| self.raci_job(bound).1)
            .collect();
        jobs.dedup();
        (!jobs.is_empty()).then_some(jobs)
    }
}
