//! The RACI matrices inside the world (the records are in `crate::raci`): their table, the
//! index by solution, applying their events, and the question "who answers for task T at
//! layer L of solution X" — the party, the job through which it answers and the active people
//! holding that job **now** (read from the directory at the moment of the question, so it
//! follows every job change); and the jobs a process role bound by RACI resolves to
//! (`process/raci_binding.rs` says which cell).

use super::apply::Put;
use crate::directory::JobKind;
use crate::error::{Error, RaciError, StateError};
use crate::ids::{JobId, OfficeId, RaciMatrixId, UserId};
use crate::process::{FieldValue, RaciBinding, RaciLetter, binding_layer, binding_task, binding_template};
use crate::raci::template::{find_task, words_match};
use crate::raci::{Bound, Letter, PartyAnswer, RaciMatrix, SolutionCode, WhoAnswer};
use crate::text::Code;
use crate::world::{Table, World};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// The matrices of the world.
#[derive(Clone, Debug, Default)]
pub struct Matrices {
    pub(crate) matrices: Table<RaciMatrix>,
    /// Codename → matrix.
    pub(crate) by_solution: FxHashMap<String, RaciMatrixId>,
}

impl World {
    /// Every matrix, in id order.
    pub fn raci_matrices(&self) -> &[RaciMatrix] {
        &self.reg.raci.matrices
    }
    /// A matrix.
    pub fn raci_matrix(&self, id: RaciMatrixId) -> Result<&RaciMatrix, Error> {
        self.reg.raci.matrices.find(id)
    }
    /// The matrix of a solution.
    pub fn raci_of(&self, solution: &SolutionCode) -> Result<&RaciMatrix, Error> {
        let id = self
            .reg
            .raci
            .by_solution
            .get(solution.as_str())
            .ok_or_else(|| Error::Raci(RaciError::NoMatrix(solution.to_string())))?;
        self.raci_matrix(*id)
    }
    pub(crate) fn next_raci_matrix(&self) -> RaciMatrixId {
        RaciMatrixId(u32::try_from(self.reg.raci.matrices.len()).unwrap_or(u32::MAX))
    }

    /// The job a bound party answers through: the job itself, or the office's head job.
    pub fn raci_job(&self, bound: Bound) -> (Option<OfficeId>, Option<JobId>) {
        match bound {
            Bound::Job(j) => (self.job(j).ok().map(|job| job.office), Some(j)),
            Bound::Office(o) => {
                let head = self
                    .office_jobs(o)
                    .iter()
                    .copied()
                    .find(|j| self.job(*j).is_ok_and(|job| job.kind == JobKind::Head && job.valid));
                (Some(o), head)
            }
        }
    }

    /// The active people holding a job now.
    pub fn raci_people(&self, job: JobId) -> Vec<UserId> {
        self.job_occupants(job)
            .iter()
            .copied()
            .filter(|u| self.user(*u).is_ok_and(|user| user.active))
            .collect()
    }

    /// Who does what for a task (by number or by name in any of its languages) at a layer of
    /// a solution.
    pub fn raci_who(&self, solution: &SolutionCode, task: &str, layer: &str) -> Result<WhoAnswer, Error> {
        let m = self.raci_of(solution)?;
        let t = m
            .template()
            .ok_or_else(|| Error::Raci(RaciError::UnknownTemplate(m.template.to_string())))?;
        let row = find_task(t, task).ok_or_else(|| Error::Raci(RaciError::UnknownTask(task.to_owned())))?;
        let l = t
            .layers
            .iter()
            .find(|l| l.key.as_str() == layer || words_match(&l.name, layer))
            .ok_or_else(|| Error::Raci(RaciError::UnknownLayer(layer.to_owned())))?;
        let mut parties = Vec::new();
        for p in &m.parties {
            let letters = m.cell(t, row.n, &l.key, &p.key);
            if letters.is_empty() {
                continue;
            }
            let name = t.party_name(&p.key, p.name.as_ref());
            let (office, job) = p.bound.map_or((None, None), |b| self.raci_job(b));
            parties.push(PartyAnswer {
                party: p.key.clone(),
                name,
                letters,
                footnotes: t.cell_footnotes(row, &l.key, &p.key),
                overridden: m.override_of(row.n, &l.key, &p.key).is_some(),
                office,
                job,
                people: job.map(|j| self.raci_people(j)).unwrap_or_default(),
            });
        }
        Ok(WhoAnswer {
            matrix: m.id,
            solution: m.solution.clone(),
            task: row.n,
            task_name: row.name.clone(),
            task_footnotes: row.footnotes.clone(),
            layer: l.key.clone(),
            layer_name: l.name.clone(),
            accountable: parties.iter().find(|p| p.letters.has(Letter::A)).cloned(),
            parties,
        })
    }
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

// ---- how each register kind enters the world (`world::apply::Put`) -----------------

impl Put for RaciMatrix {
    fn put(self, world: &mut World) -> Result<(), Error> {
        if let Some(old) = world.reg.raci.by_solution.get(self.solution.as_str())
            && *old != self.id
        {
            return Err(Error::State(StateError::Corrupt(format!(
                "two matrices for solution {}",
                self.solution
            ))));
        }
        world.reg.raci.by_solution.insert(self.solution.to_string(), self.id);
        super::registers::put_bare(&mut world.reg.raci.matrices, self.id.index(), self, "raci matrix")
    }
}
