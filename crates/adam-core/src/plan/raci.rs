//! Planning responsibility matrices.
//!
//! - A matrix is created, and its parties bound to the directory, by the registers' keepers
//!   (the information-security lead, the system administrator, the console).
//! - **Who may approve an override:** a person holding now the job through which the party
//!   accountable (A) for that task and layer answers — the accountability being changed is
//!   theirs — or a keeper. The person recording an override is its approver; its reason is
//!   required. Anyone else is refused (`raci-override-not-allowed`).
//! - Every change is checked against the rules over the whole effective matrix: a matrix that
//!   would break "exactly one A per task and layer" is refused with every problem named.

use super::Draft;
use crate::admin::Actor;
use crate::command::{Command, Created};
use crate::error::{Error, Findings, RaciError};
use crate::event::Event;
use crate::ids::*;
use crate::raci::{Bound, Cell, Key, Letter, Override, Party, RaciMatrix, SolutionCode, Template, TemplateRef};
use crate::text::Text;
use crate::time::Timestamp;
use crate::world::World;

impl World {
    pub(super) fn plan_raci(
        &self,
        actor: &Actor,
        command: Command,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        match command {
            Command::CreateRaciMatrix {
                solution,
                template,
                parties,
            } => self.plan_create_matrix(actor, solution, template, parties, at, rev),
            Command::SetRaciParty { matrix, party } => self.plan_set_party(actor, matrix, party, at, rev),
            Command::OverrideRaciCell {
                matrix,
                task,
                layer,
                party,
                letters,
                reason,
            } => {
                let cell = CellAt { task, layer, party };
                self.plan_override(actor, matrix, cell, letters, reason, at, rev)
            }
            _ => Err(Error::NoChange("the command changes nothing")),
        }
    }

    fn require_raci_keeper(&self, actor: &Actor, at: Timestamp) -> Result<(), Error> {
        if self.keeps_registers(actor, at)? {
            Ok(())
        } else {
            Err(RaciError::NotRaciKeeper.into())
        }
    }

    fn check_bound(&self, bound: Option<Bound>) -> Result<(), Error> {
        match bound {
            Some(Bound::Office(o)) => self.office(o).map(|_| ()),
            Some(Bound::Job(j)) => self.job(j).map(|_| ()),
            None => Ok(()),
        }
    }

    /// Puts a party into the list: the template's keep their place, others need a name.
    fn put_party(&self, t: &Template, parties: &mut Vec<Party>, party: Party) -> Result<(), Error> {
        self.check_bound(party.bound)?;
        if t.party_index(&party.key).is_none() && party.name.is_none() {
            return Err(RaciError::PartyNameMissing(party.key.to_string()).into());
        }
        match parties.iter_mut().find(|p| p.key == party.key) {
            Some(p) => *p = party,
            None => parties.push(party),
        }
        Ok(())
    }

    fn plan_create_matrix(
        &self,
        actor: &Actor,
        solution: SolutionCode,
        template: TemplateRef,
        given: Vec<Party>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_raci_keeper(actor, at)?;
        let t =
            crate::raci::template::find(&template).ok_or_else(|| RaciError::UnknownTemplate(template.to_string()))?;
        // A matrix assigns a solution's steps: one the registry does not hold would bind
        // nobody's work, and a later registration under that codename would inherit it unseen.
        if !self
            .solutions()
            .iter()
            .any(|s| s.fields.codename.as_str() == solution.as_str())
        {
            return Err(RaciError::UnknownSolution(solution.to_string()).into());
        }
        if self.raci_of(&solution).is_ok() {
            return Err(RaciError::MatrixExists(solution.to_string()).into());
        }
        let mut parties: Vec<Party> = t
            .parties
            .iter()
            .map(|p| Party {
                key: p.key.clone(),
                name: None,
                bound: None,
            })
            .collect();
        for p in given {
            self.put_party(t, &mut parties, p)?;
        }
        let id = self.next_raci_matrix();
        let m = RaciMatrix {
            id,
            solution,
            template,
            parties,
            overrides: Vec::new(),
            rev,
        };
        refuse_invalid(&m, t)?;
        Ok(Draft::new(vec![Event::RaciMatrix(m)]).created(Created::RaciMatrix(id)))
    }

    fn matrix_and_template(&self, matrix: RaciMatrixId) -> Result<(&RaciMatrix, &'static Template), Error> {
        let m = self.raci_matrix(matrix)?;
        let t = m
            .template()
            .ok_or_else(|| RaciError::UnknownTemplate(m.template.to_string()))?;
        Ok((m, t))
    }

    fn plan_set_party(
        &self,
        actor: &Actor,
        matrix: RaciMatrixId,
        party: Party,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_raci_keeper(actor, at)?;
        let (old, t) = self.matrix_and_template(matrix)?;
        if old.party(&party.key) == Some(&party) {
            return Err(Error::NoChange("the party is already so"));
        }
        let mut new = RaciMatrix { rev, ..old.clone() };
        self.put_party(t, &mut new.parties, party)?;
        refuse_invalid(&new, t)?;
        Ok(Draft::new(vec![Event::RaciMatrix(new)]))
    }

    /// Whether the actor may approve an override at a task and layer: a keeper, or an active
    /// person holding the job the accountable party answers through.
    pub fn may_override_raci(
        &self,
        actor: &Actor,
        m: &RaciMatrix,
        t: &Template,
        task: u16,
        layer: &Key,
        at: Timestamp,
    ) -> Result<bool, Error> {
        if let Some(user) = actor.user_id()
            && self.authority(actor, at).is_ok()
            && let Some(accountable) = accountable_party(m, t, task, layer)
            && let Some(bound) = accountable.bound
            && let (_, Some(job)) = self.raci_job(bound)
            && self.raci_people(job).contains(&user)
        {
            return Ok(true);
        }
        self.keeps_registers(actor, at)
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_override(
        &self,
        actor: &Actor,
        matrix: RaciMatrixId,
        cell: CellAt,
        letters: Cell,
        reason: Option<Text>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let (old, t) = self.matrix_and_template(matrix)?;
        let CellAt { task, layer, party } = cell;
        if t.task(task).is_none() {
            return Err(RaciError::UnknownTask(task.to_string()).into());
        }
        if t.layer_index(&layer).is_none() {
            return Err(RaciError::UnknownLayer(layer.to_string()).into());
        }
        if old.party(&party).is_none() {
            return Err(RaciError::UnknownParty(party.to_string()).into());
        }
        if !self.may_override_raci(actor, old, t, task, &layer, at)? {
            let accountable =
                accountable_party(old, t, task, &layer).map_or_else(|| "—".to_owned(), |p| p.key.to_string());
            return Err(RaciError::OverrideNotAllowed {
                task,
                layer: layer.to_string(),
                accountable,
            }
            .into());
        }
        let Some(reason) = reason else {
            return Err(RaciError::ReasonMissing.into());
        };
        if old.cell(t, task, &layer, &party) == letters {
            return Err(Error::NoChange("the cell already holds these letters"));
        }
        let mut new = RaciMatrix { rev, ..old.clone() };
        new.overrides
            .retain(|o| !(o.task == task && o.layer == layer && o.party == party));
        new.overrides.push(Override {
            task,
            layer,
            party,
            letters,
            reason,
            approved_by: actor.user_id(),
            at,
        });
        refuse_invalid(&new, t)?;
        Ok(Draft::new(vec![Event::RaciMatrix(new)]))
    }
}

/// One cell named by task, layer and party.
struct CellAt {
    task: u16,
    layer: Key,
    party: Key,
}

/// The party holding the A at a task and layer now (the first, if a template broke the rule).
fn accountable_party<'m>(m: &'m RaciMatrix, t: &Template, task: u16, layer: &Key) -> Option<&'m Party> {
    m.parties.iter().find(|p| m.cell(t, task, layer, &p.key).has(Letter::A))
}

fn refuse_invalid(m: &RaciMatrix, t: &Template) -> Result<(), Error> {
    let report = crate::raci::validate(&m.grid(t));
    if report.is_valid() {
        Ok(())
    } else {
        Err(RaciError::InvalidMatrix(Findings(report.problems)).into())
    }
}
