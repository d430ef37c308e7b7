//! Planning: every change to the world goes through here, one file per area.
//!
//! A change is made in two steps. [`World::plan`] checks the command — who acts, what it
//! names, every rule of the model — and returns a [`Plan`]: the events that make the change
//! and the before/after of every record it touches, for the audit trail. Planning only reads,
//! so a refused command leaves the world exactly as it was. The caller persists the plan (one
//! transaction: tables, change log, audit record) and then [`World::commit`]s it, which
//! applies the events and moves to the next revision. [`World::execute`] does both for
//! callers without storage (tests, tools).
//!
//! `draft` routes each [`Command`] to its area's planner: `directory.rs` (settings, offices,
//! jobs, users, groups), `roles.rs` (system roles, applications, roles, grants), `filing.rs`
//! (the filing plan), `acl.rs` (ACL entries), `batch.rs` (several commands as one change);
//! the workflow's transitions are planned in `workflow.rs`.

// A planner takes the fields of its command as arguments, as the command carries them.
#![allow(clippy::too_many_arguments)]

mod acl;
mod attach;
mod batch;
mod continuity;
mod directory;
mod filing;
mod governance;
mod integrity;
mod inventory;
mod process;
mod raci;
mod review;
mod roles;
mod solution;
mod workflow;

use crate::admin::Actor;
use crate::change::ObjectChange;
use crate::command::{Command, Created};
use crate::error::{DirectoryError, Error, StateError};
use crate::event::{ChangeSet, Event};
use crate::ids::*;
use crate::time::Timestamp;
use crate::world::World;
use serde::Serialize;

/// A checked change, ready to persist and commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The revision it was planned against.
    pub base: Revision,
    /// When it was planned.
    pub at: Timestamp,
    /// Who acts.
    pub actor: Actor,
    /// The job the actor acted in, for workflow acts.
    pub acting_job: Option<JobId>,
    /// The action name (`job.update`).
    pub action: &'static str,
    /// The command as given.
    pub command: Command,
    /// The events that make the change.
    pub events: Vec<Event>,
    /// Before and after of every record touched.
    pub changes: Vec<ObjectChange>,
    /// The main record created, if any.
    pub created: Option<Created>,
}

impl Plan {
    /// The revision the plan produces.
    pub fn revision(&self) -> Revision {
        self.base.next()
    }

    /// The change-log entry of this plan.
    pub fn change_set(&self) -> ChangeSet {
        ChangeSet {
            revision: self.revision(),
            events: self.events.clone(),
        }
    }
}

/// What a planning step produces.
pub(crate) struct Draft {
    pub(crate) events: Vec<Event>,
    pub(crate) created: Option<Created>,
    pub(crate) acting_job: Option<JobId>,
    /// Descriptions of the changes, when the events alone cannot give them (a batch).
    pub(crate) changes: Option<Vec<ObjectChange>>,
    /// The action name, when the outcome decides it rather than the command (a comparison
    /// that finds a mismatch is `security.integrity_mismatch`).
    pub(crate) action: Option<&'static str>,
}

impl Draft {
    pub(crate) fn new(events: Vec<Event>) -> Draft {
        Draft {
            events,
            created: None,
            acting_job: None,
            changes: None,
            action: None,
        }
    }
    pub(crate) fn created(mut self, c: Created) -> Draft {
        self.created = Some(c);
        self
    }
}

impl World {
    /// Checks a command and returns what it would change. Nothing changes yet.
    pub fn plan(&self, actor: &Actor, command: Command, at: Timestamp) -> Result<Plan, Error> {
        let rev = self.revision.next();
        let mut draft = self.draft(actor, &command, at, rev)?;
        if draft.events.is_empty() {
            return Err(Error::NoChange("the command changes nothing"));
        }
        // Art. 51(4): a job change or a deactivation opens, in the same change, the follow-up
        // of the person's remaining direct grants (a batch's steps were each planned, so their
        // follow-ups are in already).
        if !matches!(command, Command::Batch { .. }) {
            let follow_ups = self.follow_ups_of(&draft.events, at, rev);
            draft.events.extend(follow_ups);
        }
        // A batch's steps were each checked on the batch's scratch world.
        if !matches!(command, Command::Batch { .. }) {
            self.keeps_a_user_administrator(&command, &draft.events, at)?;
        }
        let changes = match draft.changes {
            Some(changes) => changes,
            None => draft.events.iter().map(|e| self.describe(e)).collect(),
        };
        Ok(Plan {
            base: self.revision,
            at,
            actor: *actor,
            acting_job: draft.acting_job,
            action: draft.action.unwrap_or_else(|| command.action()),
            command,
            events: draft.events,
            changes,
            created: draft.created,
        })
    }

    /// Applies a plan made against the current revision and moves to the next revision.
    ///
    /// The plan's events were checked when it was made, so applying them cannot fail unless
    /// the plan is stale (refused before anything changes) or there is a bug; in the latter
    /// case the caller must reload the world from its store.
    pub fn commit(&mut self, plan: Plan) -> Result<Revision, Error> {
        if plan.base != self.revision {
            return Err(Error::State(StateError::StalePlan {
                planned: plan.base,
                current: self.revision,
            }));
        }
        for event in plan.events {
            self.apply(event)?;
        }
        self.revision = self.revision.next();
        Ok(self.revision)
    }

    /// Plans and commits in one step; returns the committed plan.
    pub fn execute(&mut self, actor: &Actor, command: Command, at: Timestamp) -> Result<Plan, Error> {
        let plan = self.plan(actor, command, at)?;
        let kept = plan.clone();
        self.commit(plan)?;
        Ok(kept)
    }

    fn draft(&self, actor: &Actor, command: &Command, at: Timestamp, rev: Revision) -> Result<Draft, Error> {
        match command.clone() {
            Command::Initialise => self.plan_initialise(actor, at, rev),
            Command::SetSettings { settings, change } => {
                self.require_change_for_settings(change)?;
                self.plan_set_settings(actor, settings, at, rev)
            }
            Command::CreateOffice {
                code,
                name,
                parent,
                signing_code,
            } => self.plan_create_office(actor, code, name, parent, signing_code, at, rev),
            Command::UpdateOffice {
                office,
                name,
                parent,
                signing_code,
            } => self.plan_update_office(actor, office, name, parent, signing_code, at, rev),
            Command::SetOfficeValid { office, valid } => self.plan_set_office_valid(actor, office, valid, at, rev),
            Command::CreateJob {
                code,
                signing_code,
                name,
                office,
            } => self.plan_create_job(actor, code, signing_code, name, office, at, rev),
            Command::UpdateJob {
                job,
                signing_code,
                name,
                office,
            } => self.plan_update_job(actor, job, signing_code, name, office, at, rev),
            Command::SetJobValid { job, valid } => self.plan_set_job_valid(actor, job, valid, at, rev),
            Command::CreateUser {
                username,
                kind,
                title,
                first_name,
                last_name,
                gender,
                email,
                phone,
                jobs,
            } => self.plan_create_user(
                actor, username, kind, title, first_name, last_name, gender, email, phone, jobs, at, rev,
            ),
            Command::UpdateUser {
                user,
                title,
                first_name,
                last_name,
                gender,
                email,
                phone,
            } => self.plan_update_user(actor, user, title, first_name, last_name, gender, email, phone, at, rev),
            Command::SetUserActive { user, active } => self.plan_set_user_active(actor, user, active, at, rev),
            Command::AssignJob { user, job } => self.plan_assign_job(actor, user, job, at, rev),
            Command::UnassignJob { user, job } => self.plan_unassign_job(actor, user, job, at, rev),
            Command::CreateGroup {
                code,
                name,
                users,
                jobs,
            } => self.plan_create_group(actor, code, name, users, jobs, at, rev),
            Command::UpdateGroup {
                group,
                name,
                users,
                jobs,
            } => self.plan_update_group(actor, group, name, users, jobs, at, rev),
            Command::CreateApplication { code, name } => self.plan_create_application(actor, code, name, at, rev),
            Command::UpdateApplication { app, name, writer_role } => {
                self.plan_update_application(actor, app, name, writer_role, at, rev)
            }
            Command::CreateRole {
                code,
                kind,
                app,
                description,
                object_level,
                members,
            } => self.plan_create_role(actor, code, kind, app, description, object_level, members, at, rev),
            Command::UpdateRole {
                role,
                description,
                object_level,
                members,
                change,
            } => {
                self.require_change_for_role(role, object_level, &members, change)?;
                self.plan_update_role(actor, role, description, object_level, members, at, rev)
            }
            Command::Grant {
                role,
                grantee,
                window,
                scope,
                reference,
            } => self.plan_grant(actor, role, grantee, window, scope, reference, at, rev),
            Command::UpdateGrant {
                grant,
                window,
                reference,
            } => self.plan_update_grant(actor, grant, window, reference, at, rev),
            Command::Revoke { grant } => self.plan_revoke(actor, grant, at, rev),
            Command::CreateClass { code, name, parent } => self.plan_create_class(actor, code, name, parent, at, rev),
            Command::UpdateClass { class, name, parent } => self.plan_update_class(actor, class, name, parent, at, rev),
            Command::NewFolder {
                app,
                class,
                title,
                classification,
            } => self.plan_new_folder(actor, app, class, title, classification, at, rev),
            Command::NewDocument {
                folder,
                title,
                classification,
            } => self.plan_new_document(actor, folder, title, classification, at, rev),
            Command::Notify { object, jobs, users } => self.plan_notify(actor, object, jobs, users, at, rev),
            Command::HandOver { object, to } => self.plan_hand_over(actor, object, to, at, rev),
            Command::Accept { object } => self.plan_accept(actor, object, at, rev),
            Command::Reject { object } => self.plan_reject(actor, object, at, rev),
            Command::Close { object } => self.plan_close(actor, object, at, rev),
            Command::Reopen { object } => self.plan_reopen(actor, object, at, rev),
            Command::Reclassify {
                object,
                classification,
                reason,
            } => self.plan_reclassify(actor, object, classification, reason, at, rev),
            Command::AddEntry {
                carrier,
                kind,
                entity,
                value,
                group_value,
                window,
            } => self.plan_add_entry(actor, carrier, kind, entity, value, group_value, window, at, rev),
            Command::RemoveEntry { entry } => self.plan_remove_entry(actor, entry, at),
            Command::Batch { commands } => self.plan_batch(actor, commands, at),
            register @ (Command::CreateItem { .. }
            | Command::UpdateItem { .. }
            | Command::ClassifyItem { .. }
            | Command::RetireItem { .. }
            | Command::LinkAsset { .. }
            | Command::UnlinkAsset { .. }
            | Command::AppointDecreeRole { .. }
            | Command::EndDecreeRole { .. }
            | Command::SetClassScheme { .. }) => self.plan_register(actor, register, at, rev),
            Command::StartAccessReview { system, due } => self.plan_start_review(actor, system, due, at, rev),
            Command::RecordRiskAssessment { fields } => self.plan_risk(actor, None, fields, at, rev),
            Command::AttachFile { to, file } => self.plan_attach(actor, to, file, at, rev),
            Command::UpdateRiskAssessment { risk, fields } => self.plan_risk(actor, Some(risk), fields, at, rev),
            Command::DecideGrant {
                under,
                grant,
                outcome,
                comment,
            } => self.plan_decide(actor, under, grant, outcome, comment, at, rev),
            integrity @ (Command::SubmitBaseline { .. }
            | Command::ApproveBaseline { .. }
            | Command::CompareScan { .. }) => self.plan_integrity(actor, integrity, at, rev),
            process @ (Command::ImportProcess { .. }
            | Command::StartCase { .. }
            | Command::UpdateCase { .. }
            | Command::DecideStep { .. }
            | Command::ConsentCase { .. }
            | Command::RemindOverdue { .. }) => self.plan_process(actor, &process, at, rev),
            raci @ (Command::CreateRaciMatrix { .. }
            | Command::SetRaciParty { .. }
            | Command::OverrideRaciCell { .. }) => self.plan_raci(actor, raci, at, rev),
            continuity @ (Command::RecordContinuityPlan { .. }
            | Command::UpdateContinuityPlan { .. }
            | Command::ReviewContinuityPlan { .. }
            | Command::SetBia { .. }
            | Command::RecordContinuityTest { .. }
            | Command::UpdateContinuityTest { .. }
            | Command::AcceptContinuityRisk { .. }) => self.plan_continuity(actor, continuity, at, rev),
            hosting @ (Command::RegisterSolution { .. }
            | Command::UpdateSolution { .. }
            | Command::OpenSolutionVersion { .. }) => self.plan_solution(actor, &hosting, at, rev),
        }
    }

    fn code_free<T>(
        &self,
        map: &rustc_hash::FxHashMap<String, T>,
        code: &str,
        kind: &'static str,
    ) -> Result<(), Error> {
        if map.contains_key(code) {
            return Err(Error::Directory(DirectoryError::DuplicateCode {
                kind,
                code: code.to_owned(),
            }));
        }
        Ok(())
    }
}
