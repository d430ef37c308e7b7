//! The process engine's changes: a definition imported, a case started, filled, decided and
//! consented to.
//!
//! The API (`api/process.rs`) and the UI (`ui/process/`) each read their own input — JSON
//! bodies, HTML forms, uploaded files — into the plain values below and call these functions,
//! so what a change to a case *is* (which `Command`, with which fields) is written once. Who may
//! make it is the engine's question, asked by `AppState::execute`; the adapters keep their own
//! checks before (files the caller may attach, the case readable) and their own rendering of
//! a refusal.

use crate::authn::Caller;
use crate::error::ApiResult;
use crate::state::AppState;
use adam_core::attachment::AttachmentRef;
use adam_core::process::Definition;
use adam_core::*;
use serde_json::Value;
use std::collections::BTreeMap;

/// Fields by key, values as the field's kind reads them (`null` empties one).
pub type Fields = BTreeMap<String, Value>;

/// Imports a new version of a process definition.
pub async fn import_process(s: &AppState, caller: &Caller, definition: Definition) -> ApiResult<Plan> {
    s.execute(caller, None, Command::ImportProcess { definition }).await
}

/// A case to start.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The process's key (`security-event`).
    pub process: Code,
    /// The case's title.
    pub title: Text,
    /// Fields filled at the start.
    pub fields: Fields,
    /// Files attached at the start.
    pub attachments: Vec<AttachmentRef>,
}

/// Starts a case; its id.
pub async fn start_case(s: &AppState, caller: &Caller, input: NewCase) -> ApiResult<CaseId> {
    let command = Command::StartCase {
        process: input.process,
        title: input.title,
        fields: input.fields,
        attachments: input.attachments,
    };
    let plan = s.execute(caller, None, command).await?;
    crate::service::created(&plan)
}

/// Fills a case's fields and attaches files to it.
pub async fn fill_case(
    s: &AppState,
    caller: &Caller,
    case: CaseId,
    fields: Fields,
    attachments: Vec<AttachmentRef>,
) -> ApiResult<Plan> {
    let command = Command::UpdateCase {
        case,
        fields,
        attachments,
    };
    s.execute(caller, None, command).await
}

/// A decision on a case's current step.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The step decided (the current one).
    pub step: Code,
    /// The outcome.
    pub outcome: Code,
    /// A comment.
    pub comment: Option<Text>,
    /// Fields filled with the decision.
    pub fields: Fields,
    /// Files attached with the decision.
    pub attachments: Vec<AttachmentRef>,
}

/// Decides a case's current step.
pub async fn decide_step(s: &AppState, caller: &Caller, case: CaseId, input: Decision) -> ApiResult<Plan> {
    let command = Command::DecideStep {
        case,
        step: input.step,
        outcome: input.outcome,
        comment: input.comment,
        fields: input.fields,
        attachments: input.attachments,
    };
    s.execute(caller, None, command).await
}

/// Gives the caller's written consent in `role` at a case's current step.
pub async fn consent(
    s: &AppState,
    caller: &Caller,
    case: CaseId,
    role: Code,
    comment: Option<Text>,
) -> ApiResult<Plan> {
    s.execute(caller, None, Command::ConsentCase { case, role, comment })
        .await
}
