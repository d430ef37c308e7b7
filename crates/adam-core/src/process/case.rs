//! The records of the process engine: a kept definition version and a case running on one.
//!
//! A [`Case`] keeps the definition version it started with (a new version changes no running
//! case), its fields, its attachments, the step it is at and since when, the job performing
//! that step (`responsible`, also the `[responsible]` of its folder's ACL), every decision
//! (outcome, comment, attachments, who, when) and every consent given. Closed = archived and
//! read-only: nothing changes a case once it is in an end step.

use super::definition::{Definition, FieldValue};
use crate::attachment::AttachmentRef;
use crate::ids::{CaseId, DefinitionId, FolderId, JobId, Revision, UserId};
use crate::text::{Code, Text};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A definition version ADAM keeps.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProcessDefinition {
    /// Id.
    pub id: DefinitionId,
    /// The definition.
    pub definition: Definition,
    /// Shipped in the binary (`true`) or imported by an administrator.
    pub shipped: bool,
    /// Who imported it (none: ADAM, for a shipped one).
    pub imported_by: Option<UserId>,
    /// When.
    pub imported_at: Timestamp,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// Where a case is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Being worked on.
    Open,
    /// In an end step: archived, read-only.
    Closed,
}

/// A decision taken at a step.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Transition {
    /// The step decided.
    pub step: Code,
    /// The outcome.
    pub outcome: Code,
    /// The step it led to.
    pub to: Code,
    /// Who decided (none: ADAM itself).
    pub by: Option<UserId>,
    /// In which job.
    #[serde(default)]
    pub job: Option<JobId>,
    /// When.
    pub at: Timestamp,
    /// What they said.
    #[serde(default)]
    pub comment: Option<Text>,
    /// What they attached with it.
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

/// A consent given at a step: a signed act in ADAM by a holder of the role.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Consent {
    /// The step it was given at.
    pub step: Code,
    /// The visit of that step (consents given before a loop back do not count again).
    pub visit: u32,
    /// The role consenting.
    pub role: Code,
    /// The person.
    pub by: UserId,
    /// When.
    pub at: Timestamp,
    /// What they said.
    #[serde(default)]
    pub comment: Option<Text>,
}

/// A case: one run of a process.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Case {
    /// Id.
    pub id: CaseId,
    /// The definition version it runs on.
    pub definition: DefinitionId,
    /// Its process's key (`security-event`).
    pub process: Code,
    /// That version.
    pub version: u32,
    /// Its title.
    pub title: Text,
    /// Its folder in ADAM's own application: the ACL engine decides who sees and edits it.
    pub folder: FolderId,
    /// Who started it (none: ADAM itself raised it).
    pub started_by: Option<UserId>,
    /// When.
    pub started_at: Timestamp,
    /// The fields filled so far.
    pub fields: BTreeMap<Code, FieldValue>,
    /// Every file attached, with its document type.
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
    /// The step it is at.
    pub current: Code,
    /// When it entered that step.
    pub entered_at: Timestamp,
    /// How many decisions have been taken (the current step's visit number).
    pub visit: u32,
    /// The job performing the current step (none once closed, or while nobody holds the
    /// performing role).
    pub responsible: Option<JobId>,
    /// Open or closed.
    pub state: CaseState,
    /// The decisions, oldest first.
    pub history: Vec<Transition>,
    /// The consents, oldest first.
    #[serde(default)]
    pub consents: Vec<Consent>,
    /// The visit of the current step whose overdue reminder has gone out (none: not sent
    /// for this visit), so a restart or a second server never sends it twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminded: Option<u32>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl Case {
    /// The case's reference as people quote it (`security-event/7`).
    pub fn reference(&self) -> String {
        format!("{}/{}", self.process, self.id.0)
    }

    /// The consents given at the current step in its current visit.
    pub fn current_consents(&self) -> impl Iterator<Item = &Consent> {
        self.consents
            .iter()
            .filter(|c| c.visit == self.visit && c.step == self.current)
    }

    /// The steps it has been at, oldest first, ending with the current one.
    pub fn path(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.history.iter().map(|t| t.step.as_str()).collect();
        out.push(self.current.as_str());
        out
    }

    /// Its due time at the current step, if the step has one.
    pub fn due(&self, def: &Definition) -> Option<Timestamp> {
        if self.state == CaseState::Closed {
            return None;
        }
        let days = def.step(self.current.as_str())?.due_days?;
        Some(self.entered_at.plus_days(i64::from(days)))
    }
}
