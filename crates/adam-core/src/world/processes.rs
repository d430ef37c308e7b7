//! The process engine inside the world (its records are in `crate::process`): its tables,
//! applying its events, who is bound to a role on a case, and the work lists ("my steps",
//! overdue steps).

use super::apply::Put;
use crate::calendar::LocalDate;
use crate::error::{Error, StateError};
use crate::ids::*;
use crate::process::{Binding, Case, CaseState, Definition, FieldValue, ProcessDefinition};
use crate::register::decree_roles::DecreeRole;
use crate::register::inventory::Operator;
use crate::roles::SystemPower;
use crate::time::Timestamp;
use crate::world::{Table, World};
use rustc_hash::FxHashMap;

/// The definitions and cases of the world.
#[derive(Clone, Debug, Default)]
pub struct Processes {
    pub(crate) definitions: Table<ProcessDefinition>,
    pub(crate) cases: Table<Case>,
    /// `(key, version)` → id.
    pub(crate) by_version: FxHashMap<(String, u32), DefinitionId>,
}

impl World {
    /// Every kept definition version, in id order.
    pub fn process_definitions(&self) -> &[ProcessDefinition] {
        &self.reg.process.definitions
    }
    /// A kept definition version.
    pub fn process_definition(&self, id: DefinitionId) -> Result<&ProcessDefinition, Error> {
        self.reg.process.definitions.find(id)
    }
    /// The kept version `version` of process `key`.
    pub fn process_version(&self, key: &str, version: u32) -> Option<&ProcessDefinition> {
        let id = self.reg.process.by_version.get(&(key.to_owned(), version))?;
        self.reg.process.definitions.get(id.index())
    }
    /// The newest kept version of process `key`.
    pub fn latest_process(&self, key: &str) -> Option<&ProcessDefinition> {
        self.reg
            .process
            .definitions
            .iter()
            .filter(|d| d.definition.key.as_str() == key)
            .max_by_key(|d| d.definition.version)
    }
    /// The shipped definition of `key` when it is newer than every kept version of it: a new
    /// case keeps it (in the same change) and runs on it, while running cases keep the version
    /// they started with. A version a keeper imported under the same or a higher number wins
    /// (a number is never reused).
    pub fn shipped_newer(&self, key: &str) -> Option<&'static Definition> {
        let d = crate::process::shipped_ref(key)?;
        match self.latest_process(key) {
            Some(kept) if kept.definition.version >= d.version => None,
            _ => Some(d),
        }
    }
    /// The definition a new case of `key` runs on: the shipped one when newer than every kept
    /// version, else the newest kept.
    pub fn definition_for_new_case(&self, key: &str) -> Option<&Definition> {
        self.shipped_newer(key)
            .or_else(|| self.latest_process(key).map(|k| &k.definition))
    }
    /// Every case, in id order.
    pub fn cases(&self) -> &[Case] {
        &self.reg.process.cases
    }
    /// A case.
    pub fn case(&self, id: CaseId) -> Result<&Case, Error> {
        self.reg.process.cases.find(id)
    }
    /// A case and its definition.
    pub fn case_with_definition(&self, id: CaseId) -> Result<(&Case, &Definition), Error> {
        let c = self.case(id)?;
        Ok((c, &self.process_definition(c.definition)?.definition))
    }
    /// The case whose folder this is.
    pub fn case_of_folder(&self, folder: FolderId) -> Option<&Case> {
        self.reg.process.cases.iter().find(|c| c.folder == folder)
    }

    /// The people bound to role `role` of `def` on `case`, on the instant `at`, in id order.
    pub fn bound_people(
        &self,
        def: &Definition,
        fields: &std::collections::BTreeMap<crate::text::Code, FieldValue>,
        started_by: Option<UserId>,
        role: &str,
        at: Timestamp,
    ) -> Vec<UserId> {
        let Some(decl) = def.role(role) else {
            return Vec::new();
        };
        let day = LocalDate::of(at);
        let active = |u: &UserId| self.user(*u).is_ok_and(|u| u.active);
        let field_id = |f: &crate::text::Code| match fields.get(f) {
            Some(FieldValue::Int(i)) => u32::try_from(*i).ok(),
            _ => None,
        };
        let mut out: Vec<UserId> = match &decl.binding {
            Binding::Decree(roles) => {
                let mut v: Vec<UserId> = self
                    .reg
                    .holders
                    .iter()
                    .filter(|h| roles.contains(&h.role) && h.holds_on(day))
                    .map(|h| h.user)
                    .collect();
                if roles.contains(&DecreeRole::SecurityLead) {
                    v.extend(self.holders_of_code(SystemPower::SecurityLead.code(), at));
                }
                v
            }
            Binding::AdamRole(code) => self.holders_of_code(code.as_str(), at),
            Binding::Starter => started_by.into_iter().collect(),
            Binding::CustodianOf(f) => field_id(f)
                .and_then(|i| self.item(ItemId(i)).ok())
                .map(|i| vec![i.fields.custodian])
                .unwrap_or_default(),
            Binding::OperatorOf(f) => field_id(f)
                .and_then(|i| self.item(ItemId(i)).ok())
                .map(|i| {
                    i.fields
                        .operators
                        .iter()
                        .filter_map(|o| match o {
                            Operator::User(u) => Some(*u),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            Binding::DeveloperOf(f) => field_id(f)
                .map(|i| {
                    self.solutions()
                        .iter()
                        .filter(|s| s.fields.system == Some(ItemId(i)))
                        .flat_map(|s| {
                            // The named contact, and whoever holds the development job now.
                            let job = s.fields.jobs.developer.map(|j| self.job_holders(j));
                            s.fields.people.developer.into_iter().chain(job.into_iter().flatten())
                        })
                        .collect()
                })
                .unwrap_or_default(),
            Binding::Person(f) => field_id(f).map(|i| vec![UserId(i)]).unwrap_or_default(),
            Binding::Job(f) => field_id(f).map(|j| self.job_holders(JobId(j))).unwrap_or_default(),
            // The person when one is named; the job only stands in for an empty field (a named
            // person who left is not silently replaced by whoever holds the job).
            Binding::PersonOrJob(b) => match field_id(&b.person) {
                Some(u) => vec![UserId(u)],
                None => field_id(&b.job).map(|j| self.job_holders(JobId(j))).unwrap_or_default(),
            },
            Binding::Raci(b) => match self.raci_binding_jobs(b, fields) {
                Some(jobs) => jobs.into_iter().flat_map(|j| self.raci_people(j)).collect(),
                // The matrix says nothing: the fallback role, never itself bound by RACI
                // (validation refuses it; checked again so that no loop is possible).
                None => match b.otherwise.as_ref().and_then(|o| def.role(o.as_str())) {
                    Some(other) if !matches!(other.binding, Binding::Raci(_)) => {
                        return self.bound_people(def, fields, started_by, other.key.as_str(), at);
                    }
                    _ => Vec::new(),
                },
            },
        };
        out.retain(active);
        out.sort();
        out.dedup();
        out
    }

    /// The active people holding a valid job now (an invalidated job binds nobody).
    pub fn job_holders(&self, job: JobId) -> Vec<UserId> {
        if !self.job(job).is_ok_and(|j| j.valid) {
            return Vec::new();
        }
        self.raci_people(job)
    }

    /// The jobs role `role` of `def` is bound to on a case with these fields: a `job` binding
    /// (or `person_or_job` with its person field empty) names one, a RACI cell the jobs of its
    /// parties (or its fallback role's, when the matrix says nothing). `None` for a role bound
    /// to people rather than jobs. A step performed by such a role is performed **at** that
    /// job, which becomes the case folder's `[responsible]`, so the file follows the job and
    /// not the person who happened to hold it.
    pub fn role_jobs(
        &self,
        def: &Definition,
        fields: &std::collections::BTreeMap<crate::text::Code, FieldValue>,
        role: &str,
    ) -> Option<Vec<JobId>> {
        let job_field = |f: &crate::text::Code| match fields.get(f) {
            Some(FieldValue::Int(i)) => u32::try_from(*i).ok().map(|j| vec![JobId(j)]),
            _ => None,
        };
        match &def.role(role)?.binding {
            Binding::Raci(b) => self.raci_binding_jobs(b, fields).or_else(|| {
                // The fallback is never itself bound by RACI (validation refuses it; checked
                // again so that no loop is possible).
                let other = def.role(b.otherwise.as_ref()?.as_str())?;
                if matches!(other.binding, Binding::Raci(_)) {
                    return None;
                }
                self.role_jobs(def, fields, other.key.as_str())
            }),
            Binding::Job(f) => job_field(f),
            Binding::PersonOrJob(b) if !fields.contains_key(&b.person) => job_field(&b.job),
            _ => None,
        }
    }

    fn holders_of_code(&self, code: &str, at: Timestamp) -> Vec<UserId> {
        let Ok(role) = self.role_by_code(code) else {
            return Vec::new();
        };
        self.users
            .iter()
            .filter(|u| u.active)
            .filter(|u| self.check_role(u.id, role, at).ok().flatten().is_some())
            .map(|u| u.id)
            .collect()
    }

    /// Whether `user` is bound to role `role` of `def` on the case: what [`Self::bound_people`]
    /// answers for one person, without listing every holder of an organisation-wide role (a
    /// work list asks this for every open case).
    pub fn is_bound(
        &self,
        def: &Definition,
        fields: &std::collections::BTreeMap<crate::text::Code, FieldValue>,
        started_by: Option<UserId>,
        role: &str,
        user: UserId,
        at: Timestamp,
    ) -> bool {
        let Some(decl) = def.role(role) else {
            return false;
        };
        if !self.user(user).is_ok_and(|u| u.active) {
            return false;
        }
        let holds_code = |code: &str| {
            self.role_by_code(code)
                .is_ok_and(|r| self.check_role(user, r, at).ok().flatten().is_some())
        };
        match &decl.binding {
            Binding::Decree(roles) => {
                let day = LocalDate::of(at);
                self.reg
                    .holders
                    .iter()
                    .any(|h| h.user == user && roles.contains(&h.role) && h.holds_on(day))
                    || (roles.contains(&DecreeRole::SecurityLead) && holds_code(SystemPower::SecurityLead.code()))
            }
            Binding::AdamRole(code) => holds_code(code.as_str()),
            _ => self.bound_people(def, fields, started_by, role, at).contains(&user),
        }
    }

    /// The people who may perform the case's current step now.
    pub fn performers(&self, case: &Case, at: Timestamp) -> Vec<UserId> {
        let Ok(def) = self.process_definition(case.definition) else {
            return Vec::new();
        };
        let def = &def.definition;
        match def.step(case.current.as_str()).and_then(|s| s.performer.as_ref()) {
            Some(role) if case.state == CaseState::Open => {
                self.bound_people(def, &case.fields, case.started_by, role.as_str(), at)
            }
            _ => Vec::new(),
        }
    }

    /// The open cases whose current step `user` may perform ("my steps"), oldest step first.
    pub fn my_steps(&self, user: UserId, at: Timestamp) -> Vec<&Case> {
        let mut out: Vec<&Case> = self
            .reg
            .process
            .cases
            .iter()
            .filter(|c| c.state == CaseState::Open)
            .filter(|c| {
                let Ok(def) = self.process_definition(c.definition) else {
                    return false;
                };
                let def = &def.definition;
                def.step(c.current.as_str())
                    .and_then(|s| s.performer.as_ref())
                    .is_some_and(|role| self.is_bound(def, &c.fields, c.started_by, role.as_str(), user, at))
            })
            .collect();
        out.sort_by_key(|c| (c.entered_at, c.id));
        out
    }

    /// The open cases past the due time of their current step on `at`, with that due time,
    /// most overdue first.
    pub fn overdue_steps(&self, at: Timestamp) -> Vec<(&Case, Timestamp)> {
        let mut out: Vec<(&Case, Timestamp)> = self
            .reg
            .process
            .cases
            .iter()
            .filter(|c| c.state == CaseState::Open)
            .filter_map(|c| {
                let def = &self.process_definition(c.definition).ok()?.definition;
                let due = c.due(def)?;
                (due < at).then_some((c, due))
            })
            .collect();
        out.sort_by_key(|(c, due)| (*due, c.id));
        out
    }

    /// The first valid job of a person (the desk a case's folder moves to).
    pub(crate) fn desk_of(&self, user: UserId) -> Option<JobId> {
        let u = self.user(user).ok()?;
        u.jobs.iter().copied().find(|j| self.job(*j).is_ok_and(|j| j.valid))
    }
}

// ---- how each register kind enters the world (`world::apply::Put`) -----------------

impl Put for ProcessDefinition {
    fn put(self, world: &mut World) -> Result<(), Error> {
        let key = (self.definition.key.to_string(), self.definition.version);
        if let Some(old) = world.reg.process.by_version.get(&key)
            && *old != self.id
        {
            return Err(Error::State(StateError::Corrupt(format!(
                "process definition {} v{} kept twice",
                key.0, key.1
            ))));
        }
        world.reg.process.by_version.insert(key, self.id);
        super::registers::put_bare(
            &mut world.reg.process.definitions,
            self.id.index(),
            self,
            "process definition",
        )
    }
}

impl Put for Case {
    fn put(self, world: &mut World) -> Result<(), Error> {
        world.process_definition(self.definition)?;
        world.folder(self.folder)?;
        super::registers::put_bare(&mut world.reg.process.cases, self.id.index(), self, "process case")
    }
}
