//! Planning the process engine's changes: keeping a definition version, starting a case,
//! filling it, deciding its steps and consenting.
//!
//! Rules, each a specific refusal:
//! - a definition is kept only by the register keepers (the security lead, the system
//!   administrator), only when it can work (every problem named), and never twice under one
//!   version; a shipped definition is kept in the change that first starts a case of it
//!   (of a newer shipped version: the first case after the upgrade; running cases keep theirs);
//! - a case is started by a holder of a starter role (any person when the definition names
//!   none) or by ADAM itself; its folder is created in ADAM's own application `ADAM_PROCESS`
//!   in the same change;
//! - only the people bound to the performing role decide a step, only with an outcome whose
//!   guards all hold once the decision's own fields and files are in; a consent comes from a
//!   person bound to the role, once per role and once per person at each visit of a step;
//! - as the case moves, the job of the next step's performer becomes the folder's
//!   `[responsible]` through the hand-over-and-accept rewrite of SPEC §3.6 (the previous one
//!   becomes `[sender]` and keeps reading); an end step closes the case and its folder. A step
//!   assigned by RACI is performed at the job of the responsible party
//!   (`World::raci_binding_jobs`, `world/matrices.rs`).

use super::Draft;
use super::workflow::AclEdit;
use crate::acl::{AclKind, Entity};
use crate::admin::Actor;
use crate::attachment::AttachmentRef;
use crate::command::{Command, Created};
use crate::error::{Error, Problems, ProcessError, Unmets};
use crate::event::Event;
use crate::ids::*;
use crate::level::{Classification, Level};
use crate::process::{self, Case, CaseState, Definition, FieldKind, FieldValue, Problem, ProcessDefinition, StepKind};
use crate::records::{Carrier, Creator, FilingClass, Folder, ObjectState, Workflow};
use crate::register::inventory::ItemKind;
use crate::roles::Application;
use crate::text::{Code, Text};
use crate::time::Timestamp;
use crate::world::World;
use serde_json::Value;
use std::collections::BTreeMap;

/// The code of ADAM's own application, whose folders are the cases.
pub const PROCESS_APP: &str = "ADAM_PROCESS";

impl World {
    pub(super) fn plan_process(
        &self,
        actor: &Actor,
        command: &Command,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        match command {
            Command::ImportProcess { definition } => self.plan_import(actor, definition, at, rev),
            Command::StartCase {
                process,
                title,
                fields,
                attachments,
            } => self.plan_start_case(actor, process, title, fields, attachments, at, rev),
            Command::UpdateCase {
                case,
                fields,
                attachments,
            } => self.plan_update_case(actor, *case, fields, attachments, at, rev),
            Command::DecideStep {
                case,
                step,
                outcome,
                comment,
                fields,
                attachments,
            } => self.plan_decide_step(actor, *case, step, outcome, comment, fields, attachments, at, rev),
            Command::ConsentCase { case, role, comment } => self.plan_consent(actor, *case, role, comment, at, rev),
            Command::RemindOverdue { case } => self.plan_remind(actor, *case, at, rev),
            _ => Err(Error::NoChange("the command changes nothing")),
        }
    }

    /// Every problem of a definition, the world's included (ADAM roles that do not exist).
    pub fn definition_problems(&self, d: &Definition) -> Vec<Problem> {
        let mut out = process::problems(d);
        for r in &d.roles {
            if let process::Binding::AdamRole(code) = &r.binding
                && self.role_by_code(code.as_str()).is_err()
            {
                out.push(Problem::UnknownAdamRole {
                    role: r.key.to_string(),
                    code: code.to_string(),
                });
            }
        }
        out
    }

    fn plan_import(&self, actor: &Actor, d: &Definition, at: Timestamp, rev: Revision) -> Result<Draft, Error> {
        if !self.keeps_registers(actor, at)? {
            return Err(Error::Register(crate::error::RegisterError::NotRegisterKeeper(
                "import process definitions",
            )));
        }
        let problems = self.definition_problems(d);
        if !problems.is_empty() {
            return Err(ProcessError::InvalidDefinition(Problems(problems)).into());
        }
        if self.process_version(d.key.as_str(), d.version).is_some() {
            return Err(ProcessError::DefinitionExists {
                key: d.key.to_string(),
                version: d.version,
            }
            .into());
        }
        let id = DefinitionId(self.reg.process.definitions.len() as u32);
        Ok(Draft::new(vec![Event::Definition(ProcessDefinition {
            id,
            definition: d.clone(),
            shipped: false,
            imported_by: actor.user_id(),
            imported_at: at,
            rev,
        })])
        .created(Created::Definition(id)))
    }

    /// The definition a new case of `key` runs on: the shipped one when it is newer than every
    /// kept version (kept by `events` in the same change), else the newest kept version.
    fn definition_for_start(
        &self,
        key: &str,
        at: Timestamp,
        rev: Revision,
        events: &mut Vec<Event>,
    ) -> Result<ProcessDefinition, Error> {
        let Some(definition) = self.shipped_newer(key).cloned() else {
            return self
                .latest_process(key)
                .cloned()
                .ok_or_else(|| process::unknown_process(key));
        };
        let d = ProcessDefinition {
            id: DefinitionId(self.reg.process.definitions.len() as u32),
            definition,
            shipped: true,
            imported_by: None,
            imported_at: at,
            rev,
        };
        events.push(Event::Definition(d.clone()));
        Ok(d)
    }

    fn plan_start_case(
        &self,
        actor: &Actor,
        key: &Code,
        title: &Text,
        given: &BTreeMap<String, Value>,
        attachments: &[AttachmentRef],
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.plan_start_case_as(actor, key, title, given, attachments, at, rev, true)
    }

    /// Starts a case; `check_starter: false` when another register opens it under its own
    /// rules (a solution's version is opened by the registry's keepers).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn plan_start_case_as(
        &self,
        actor: &Actor,
        key: &Code,
        title: &Text,
        given: &BTreeMap<String, Value>,
        attachments: &[AttachmentRef],
        at: Timestamp,
        rev: Revision,
        check_starter: bool,
    ) -> Result<Draft, Error> {
        let starter = match actor {
            Actor::System => None,
            Actor::User { user, .. } => {
                let u = self.user(*user)?;
                if !u.active {
                    return Err(crate::error::AuthorityError::NotAnAdministrator.into());
                }
                Some(*user)
            }
        };
        let mut events = Vec::new();
        let kept = self.definition_for_start(key.as_str(), at, rev, &mut events)?;
        let def = &kept.definition;
        let mut fields = BTreeMap::new();
        self.fill_as(def, &mut fields, given, true)?;
        if let (Some(user), false, true) = (starter, def.starters.is_empty(), check_starter) {
            let may = def
                .starters
                .iter()
                .any(|r| self.bound_people(def, &fields, starter, r.as_str(), at).contains(&user));
            if !may {
                return Err(ProcessError::NotStarter(def.key.to_string()).into());
            }
        }
        let first = def
            .step(def.start.as_str())
            .ok_or_else(|| process::unknown_process(key.as_str()))?;
        let role = first.performer.as_ref().map(Code::as_str).unwrap_or_default();
        let performers = self.bound_people(def, &fields, starter, role, at);
        let desk =
            self.step_desk(def, &fields, role, &performers, actor)
                .ok_or_else(|| ProcessError::NobodyToPerform {
                    step: first.key.to_string(),
                    role: role_name(def, role),
                })?;
        let creator = match starter.and_then(|u| self.desk_of(u).map(|j| (u, j))) {
            Some((user, job)) => Creator { user, job },
            None => Creator {
                user: performers[0],
                job: desk,
            },
        };
        let (app, class) = self.process_home(rev, &mut events);
        let folder = FolderId(self.folders.len() as u32);
        events.push(Event::Folder(Folder {
            id: folder,
            app,
            class,
            title: title.clone(),
            classification: Classification::default(),
            workflow: Workflow {
                state: ObjectState::Open,
                creator,
                responsible: Some(desk),
                sender: None,
                recipient: None,
            },
            rev,
        }));
        // Who reported keeps reading; the performing job edits; nobody else is given anything
        // — not even the colleagues of their offices (the entries' group value is none): reports
        // and incident files are not the organisation's reading.
        let mut acl = AclEdit::new(Carrier::Folder(folder), &[], self.next_entry(), rev);
        acl.add(AclKind::Allowed, Entity::Creator, Level::View14, Level::None);
        acl.add(AclKind::Allowed, Entity::Responsible, Level::Edit21, Level::None);
        events.extend(acl.events());
        let id = CaseId(self.reg.process.cases.len() as u32);
        let mut case = Case {
            id,
            definition: kept.id,
            process: def.key.clone(),
            version: def.version,
            title: title.clone(),
            folder,
            started_by: starter,
            started_at: at,
            fields,
            attachments: Vec::new(),
            current: def.start.clone(),
            entered_at: at,
            visit: 0,
            responsible: Some(desk),
            state: CaseState::Open,
            history: Vec::new(),
            consents: Vec::new(),
            reminded: None,
            rev,
        };
        attach(&mut case.attachments, attachments);
        events.push(Event::Case(case));
        let mut draft = Draft::new(events).created(Created::Case(id));
        draft.acting_job = starter.and_then(|u| self.desk_of(u));
        Ok(draft)
    }

    /// ADAM's own application and filing class for cases, created in this change when
    /// missing.
    fn process_home(&self, rev: Revision, events: &mut Vec<Event>) -> (AppId, ClassId) {
        let app = self.idx.app_code.get(PROCESS_APP).copied().unwrap_or_else(|| {
            let id = AppId(self.apps.len() as u32);
            events.push(Event::Application(Application {
                id,
                code: Code::constant(PROCESS_APP),
                name: Text::constant("ADAM – postopki / processes"),
                writer_role: None,
                rev,
            }));
            id
        });
        let class = self.idx.class_code.get(PROCESS_APP).copied().unwrap_or_else(|| {
            let id = ClassId(self.classes.len() as u32);
            events.push(Event::Class(FilingClass {
                id,
                code: Code::constant(PROCESS_APP),
                name: Text::constant("Postopki ADAM / ADAM processes"),
                parent: None,
                rev,
            }));
            id
        });
        (app, class)
    }

    /// Reads the given values into `fields` (`null` empties a field).
    ///
    /// At `step`, a field settled at other steps (`settled_at`) keeps its value: what a
    /// consent relied on is not changed by whoever decides after it (Art. 22(3), 23).
    fn fill(
        &self,
        def: &Definition,
        step: &process::Step,
        fields: &mut BTreeMap<Code, FieldValue>,
        given: &BTreeMap<String, Value>,
    ) -> Result<(), Error> {
        for (key, value) in given {
            let Some(decl) = def.field(key) else { continue };
            if decl.settled_at.is_empty() || decl.settled_at.contains(&step.key) {
                continue;
            }
            let same = if value.is_null() {
                !fields.contains_key(&decl.key)
            } else {
                decl.kind.read(value).is_some_and(|v| fields.get(&decl.key) == Some(&v))
            };
            if !same {
                return Err(ProcessError::SettledField {
                    field: key.clone(),
                    step: step.key.to_string(),
                    settled_at: decl.settled_at.iter().map(ToString::to_string).collect(),
                }
                .into());
            }
        }
        self.fill_as(def, fields, given, false)
    }

    /// Fills the fields; `starting`: the case is being started, so fixed fields may be set.
    fn fill_as(
        &self,
        def: &Definition,
        fields: &mut BTreeMap<Code, FieldValue>,
        given: &BTreeMap<String, Value>,
        starting: bool,
    ) -> Result<(), Error> {
        for (key, value) in given {
            let decl = def.field(key).ok_or_else(|| ProcessError::UnknownField(key.clone()))?;
            if decl.fixed && !starting {
                let same = decl.kind.read(value).is_some_and(|v| fields.get(&decl.key) == Some(&v));
                if !same {
                    return Err(ProcessError::FixedField(key.clone()).into());
                }
            }
            if value.is_null() {
                fields.remove(&decl.key);
                continue;
            }
            let bad = || ProcessError::BadFieldValue {
                field: key.clone(),
                expected: decl.kind.as_str(),
            };
            let v = decl.kind.read(value).ok_or_else(bad)?;
            let id = |v: &FieldValue| match v {
                FieldValue::Int(i) => u32::try_from(*i).ok(),
                _ => None,
            };
            match decl.kind {
                FieldKind::System => {
                    let item = id(&v).and_then(|i| self.item(ItemId(i)).ok()).ok_or_else(bad)?;
                    if item.kind != ItemKind::System {
                        return Err(bad().into());
                    }
                }
                FieldKind::Person => {
                    id(&v).and_then(|i| self.user(UserId(i)).ok()).ok_or_else(bad)?;
                }
                // A job no longer valid would bind nobody: refused like one that does not exist.
                FieldKind::Job => {
                    id(&v)
                        .and_then(|i| self.job(JobId(i)).ok())
                        .filter(|j| j.valid)
                        .ok_or_else(bad)?;
                }
                _ => {}
            }
            fields.insert(decl.key.clone(), v);
        }
        // An end not before its start, checked when either of the two is given (a case kept
        // from before the rule is not stopped by a decision that leaves them alone).
        for decl in &def.fields {
            let Some(start) = &decl.not_before else { continue };
            if !given.contains_key(decl.key.as_str()) && !given.contains_key(start.as_str()) {
                continue;
            }
            let moment = |k: &Code| process::moment(fields.get(k));
            if let (Some(end), Some(begin)) = (moment(&decl.key), moment(start))
                && end < begin
            {
                return Err(ProcessError::EndBeforeStart {
                    field: decl.key.to_string(),
                    start: start.to_string(),
                }
                .into());
            }
        }
        Ok(())
    }

    /// The job a step's performers work at: the actor's, when the actor is one of them (who
    /// carries on keeps the file), else the first performer's with a job.
    fn next_desk(&self, performers: &[UserId], actor: &Actor) -> Option<JobId> {
        if let Some(me) = actor.user_id()
            && performers.contains(&me)
            && let Some(j) = self.desk_of(me)
        {
            return Some(j);
        }
        performers.iter().find_map(|u| self.desk_of(*u))
    }

    /// The job a step is performed at: for a role bound to jobs (by RACI, or to a job field)
    /// one of those jobs (the actor's, when the actor holds one of them), else `next_desk`'s.
    fn step_desk(
        &self,
        def: &Definition,
        fields: &BTreeMap<Code, FieldValue>,
        role: &str,
        performers: &[UserId],
        actor: &Actor,
    ) -> Option<JobId> {
        if let Some(jobs) = self.role_jobs(def, fields, role) {
            let holds = |j: &JobId| actor.user_id().is_some_and(|u| self.job_holders(*j).contains(&u));
            return jobs
                .iter()
                .find(|j| holds(j))
                .or_else(|| jobs.iter().find(|j| !self.job_holders(**j).is_empty()))
                .copied();
        }
        self.next_desk(performers, actor)
    }

    /// The open case, and the refusal unless the actor performs its current step.
    fn case_for_performer(&self, actor: &Actor, id: CaseId, at: Timestamp) -> Result<(&Case, &Definition), Error> {
        let (case, def) = self.case_with_definition(id)?;
        if case.state == CaseState::Closed {
            return Err(ProcessError::CaseClosed(id).into());
        }
        let step = def
            .step(case.current.as_str())
            .ok_or_else(|| process::unknown_process(case.process.as_str()))?;
        let role = step.performer.as_ref().map(Code::as_str).unwrap_or_default();
        let me = actor.user_id();
        if me.is_none_or(|u| !self.performers(case, at).contains(&u)) {
            return Err(ProcessError::NotPerformer {
                step: step.key.to_string(),
                role: role_name(def, role),
            }
            .into());
        }
        Ok((case, def))
    }

    fn plan_update_case(
        &self,
        actor: &Actor,
        id: CaseId,
        given: &BTreeMap<String, Value>,
        attachments: &[AttachmentRef],
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let (case, def) = self.case_for_performer(actor, id, at)?;
        let here = def
            .step(case.current.as_str())
            .ok_or_else(|| process::unknown_process(case.process.as_str()))?;
        let mut new = case.clone();
        self.fill(def, here, &mut new.fields, given)?;
        attach(&mut new.attachments, attachments);
        new.rev = rev;
        let new = crate::world::unchanged_refused(case, new, "the case already has these data")?;
        let mut draft = Draft::new(vec![Event::Case(new)]);
        draft.acting_job = case.responsible;
        Ok(draft)
    }

    fn plan_decide_step(
        &self,
        actor: &Actor,
        id: CaseId,
        step: &Code,
        outcome: &Code,
        comment: &Option<Text>,
        given: &BTreeMap<String, Value>,
        attachments: &[AttachmentRef],
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let (case, def) = self.case_with_definition(id)?;
        if case.state == CaseState::Open && &case.current != step {
            return Err(ProcessError::NotAtStep {
                current: case.current.to_string(),
                asked: step.to_string(),
            }
            .into());
        }
        let (case, def) = self.case_for_performer(actor, id, at).map(|_| (case, def))?;
        let here = def
            .step(step.as_str())
            .ok_or_else(|| process::unknown_process(case.process.as_str()))?;
        let o = here
            .outcome(outcome.as_str())
            .ok_or_else(|| ProcessError::UnknownOutcome {
                step: step.to_string(),
                outcome: outcome.to_string(),
            })?;
        let mut new = case.clone();
        self.fill(def, here, &mut new.fields, given)?;
        attach(&mut new.attachments, attachments);
        self.hosting_decree(&new, def, step.as_str(), outcome.as_str(), at)?;
        let closing = def
            .step(o.to.as_str())
            .is_some_and(|s| s.kind == process::StepKind::End);
        if closing {
            self.refuse_open_duties(&new)?;
        }
        let bound = |role: &str| self.bound_people(def, &new.fields, new.started_by, role, at);
        let unmet = process::unmet(here, o, &new, &bound);
        if !unmet.is_empty() {
            return Err(ProcessError::GuardsUnmet {
                step: step.to_string(),
                outcome: outcome.to_string(),
                unmet: Unmets(unmet),
            }
            .into());
        }
        let next = def
            .step(o.to.as_str())
            .ok_or_else(|| process::unknown_process(case.process.as_str()))?;
        let me = actor.user_id();
        new.history.push(process::Transition {
            step: step.clone(),
            outcome: outcome.clone(),
            to: next.key.clone(),
            by: me,
            job: case.responsible,
            at,
            comment: comment.clone(),
            attachments: attachments.to_vec(),
        });
        new.current = next.key.clone();
        new.entered_at = at;
        new.visit += 1;
        new.rev = rev;
        let folder = self.folder(case.folder)?.clone();
        let acl = self
            .folders
            .get(case.folder.index())
            .map(|n| n.acl.clone())
            .unwrap_or_default();
        let mut edit = AclEdit::new(Carrier::Folder(case.folder), &acl, self.next_entry(), rev);
        let mut workflow = folder.workflow;
        if next.kind == StepKind::End {
            new.state = CaseState::Closed;
            new.responsible = None;
            workflow.state = ObjectState::Closed;
        } else {
            let role = next.performer.as_ref().map(Code::as_str).unwrap_or_default();
            let performers = self.bound_people(def, &new.fields, new.started_by, role, at);
            let desk = self
                .step_desk(def, &new.fields, role, &performers, actor)
                .ok_or_else(|| ProcessError::NobodyToPerform {
                    step: next.key.to_string(),
                    role: role_name(def, role),
                })?;
            new.responsible = Some(desk);
            if workflow.responsible != Some(desk) {
                // Hand-over and acceptance in one: the next performer's job becomes
                // [responsible], the previous one [sender] and keeps reading.
                workflow.sender = workflow.responsible;
                workflow.responsible = Some(desk);
                workflow.recipient = None;
                edit.remove_where(|e| e.is_edit_level() && e.entity != Entity::Responsible);
                edit.ensure(AclKind::Allowed, Entity::Responsible, Level::Edit21, Level::None);
                edit.ensure(AclKind::Allowed, Entity::Sender, Level::View14, Level::None);
            }
        }
        let mut events = vec![Event::Case(new)];
        if workflow != folder.workflow {
            events.push(Event::Folder(Folder {
                workflow,
                rev,
                ..folder
            }));
        }
        events.extend(edit.events());
        let mut draft = Draft::new(events);
        draft.acting_job = case.responsible;
        Ok(draft)
    }

    fn plan_consent(
        &self,
        actor: &Actor,
        id: CaseId,
        role: &Code,
        comment: &Option<Text>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let (case, def) = self.case_with_definition(id)?;
        if case.state == CaseState::Closed {
            return Err(ProcessError::CaseClosed(id).into());
        }
        let here = def
            .step(case.current.as_str())
            .ok_or_else(|| process::unknown_process(case.process.as_str()))?;
        let asked = here
            .guards
            .iter()
            .chain(here.outcomes.iter().flat_map(|o| o.guards.iter()))
            .filter_map(|g| g.consent.as_ref())
            .any(|roles| roles.contains(role));
        if !asked {
            return Err(ProcessError::ConsentNotAsked {
                step: here.key.to_string(),
                role: role.to_string(),
            }
            .into());
        }
        let me = actor.user_id();
        let Some(user) = me.filter(|u| {
            self.bound_people(def, &case.fields, case.started_by, role.as_str(), at)
                .contains(u)
        }) else {
            return Err(ProcessError::NotRoleHolder(role_name(def, role.as_str())).into());
        };
        if let Some(c) = case.current_consents().find(|c| &c.role == role) {
            return Err(ProcessError::AlreadyConsented {
                role: role_name(def, role.as_str()),
                by: c.by,
            }
            .into());
        }
        if let Some(c) = case.current_consents().find(|c| c.by == user) {
            return Err(ProcessError::SamePersonConsents {
                user,
                given: role_name(def, c.role.as_str()),
            }
            .into());
        }
        let mut new = case.clone();
        new.consents.push(process::Consent {
            step: case.current.clone(),
            visit: case.visit,
            role: role.clone(),
            by: user,
            at,
            comment: comment.clone(),
        });
        new.rev = rev;
        let mut draft = Draft::new(vec![Event::Case(new)]);
        draft.acting_job = self.desk_of(user);
        Ok(draft)
    }
}

impl World {
    /// The overdue reminder of a case's current step: ADAM alone records it, once per visit,
    /// and only once the step is past its due time (the e-mail goes out after the commit).
    fn plan_remind(&self, actor: &Actor, id: CaseId, at: Timestamp, rev: Revision) -> Result<Draft, Error> {
        if !matches!(actor, Actor::System) {
            return Err(ProcessError::OnlyAdamReminds.into());
        }
        let (case, def) = self.case_with_definition(id)?;
        if case.state == CaseState::Closed {
            return Err(ProcessError::CaseClosed(id).into());
        }
        if case.due(def).is_none_or(|due| due >= at) {
            return Err(ProcessError::NotOverdue(id).into());
        }
        if case.reminded == Some(case.visit) {
            return Err(ProcessError::AlreadyReminded(id).into());
        }
        let mut new = case.clone();
        new.reminded = Some(case.visit);
        new.rev = rev;
        Ok(Draft::new(vec![Event::Case(new)]))
    }
}

/// Adds files not attached yet (the same file with the same document type once).
fn attach(to: &mut Vec<AttachmentRef>, files: &[AttachmentRef]) {
    for f in files {
        if !to.iter().any(|a| a.sha256 == f.sha256 && a.doc_type == f.doc_type) {
            to.push(f.clone());
        }
    }
}

/// A role's English name for refusals (the key when the definition has no such role).
fn role_name(def: &Definition, key: &str) -> String {
    def.role(key).map_or_else(|| key.to_owned(), |r| r.name.en.to_string())
}
