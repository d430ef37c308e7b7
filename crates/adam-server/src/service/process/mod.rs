//! The process engine's service (issue #16): who sees which case, the views the API
//! (`api/process.rs`) and the UI show, the work lists, and the ministry's notification.
//!
//! **Who sees a case** is the ACL engine's answer on the case's folder (the performing job
//! edits, the reporter and earlier performers read), plus the register keepers (the security
//! lead and the system administrator, who keep the events and incident files, Art. 19(3)) and
//! whoever may perform its current step. Fields the definition marks `restricted`
//! (perpetrators and motives, Art. 20(2) 6) are shown only to the keepers and to those who
//! performed or perform a step of the case.
//!
//! Decisions, consents and field changes are commands the engine authorises
//! (`Command::DecideStep` …), built once in `changes.rs` for both doors.
//!
//! The folder splits it by question: here, who sees a case; `view.rs` what a case shows them
//! (and what still keeps an outcome from being taken); `work.rs` the work lists;
//! `definitions.rs` the processes and their definitions; `changes.rs` the changes; `events.rs` the ministry's
//! notification, the security events ADAM raises itself and the overdue reminders;
//! `register.rs` the registers of events, incidents and changes.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use adam_core::lang::Lang;
use adam_core::process::{self, Case, CaseState, Definition, FieldKind, FieldValue, ProcessDefinition, StepKind};
use adam_core::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod changes;
mod definitions;
mod events;
mod register;
mod view;
mod work;

pub use crate::security_event::{Detected, raise_event};
pub use changes::{Decision, Fields, NewCase, consent, decide_step, fill_case, import_process, start_case};
pub use definitions::{ProcessRow, definition, is_end, latest_definitions, parse_definition, processes, version};
pub use events::{
    IncomingNotification, IncomingPerson, MinistryNotification, NOTIFICATION_FORMAT, ministry_notification,
    register_notification, remind_overdue,
};
pub use register::{
    CaseRegister, RegisterCell, RegisterColumn, RegisterConsent, RegisterFilter, RegisterKind, RegisterRow,
    case_register, case_register_csv,
};
pub use view::{CaseView, ConsentView, FieldView, OutcomeView, TransitionView, shown, unmet_with, view, view_as_of};
pub use work::{CaseRow, WorkLists, work};

/// A person named.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PersonRef {
    /// Id.
    pub id: UserId,
    /// Username.
    pub username: String,
    /// Name.
    pub name: String,
}

fn person(w: &World, id: UserId) -> PersonRef {
    match w.user(id) {
        Ok(u) => PersonRef {
            id,
            username: u.username.to_string(),
            name: format!("{} {}", u.first_name, u.last_name),
        },
        Err(_) => PersonRef {
            id,
            username: id.to_string(),
            name: id.to_string(),
        },
    }
}

/// Whether the caller keeps the registers (sees every case, imports definitions).
pub fn keeper(w: &World, caller: &Caller, now: Timestamp) -> bool {
    w.keeps_registers(&caller.actor(None), now).unwrap_or(false)
}

/// Whether the caller may read the case.
pub fn may_read(w: &World, caller: &Caller, case: &Case, now: Timestamp) -> bool {
    if keeper(w, caller, now)
        || case.started_by == Some(caller.user)
        || w.performers(case, now).contains(&caller.user)
        || asked_to_consent(w, case, caller.user, now)
    {
        return true;
    }
    let session = if caller.mfa { Session::MFA } else { Session::PASSWORD };
    w.check(caller.user, ObjectRef::Folder(case.folder), now, session)
        .is_ok_and(|l| l >= Level::View13)
}

/// Whether the current step asks `user` for a consent (the custodian approving a transfer
/// into production reads what they approve, though they perform no step).
fn asked_to_consent(w: &World, case: &Case, user: UserId, now: Timestamp) -> bool {
    let Ok((_, def)) = w.case_with_definition(case.id) else {
        return false;
    };
    let Some(step) = def.step(case.current.as_str()) else {
        return false;
    };
    let guards = step
        .guards
        .iter()
        .chain(step.outcomes.iter().flat_map(|o| o.guards.iter()));
    guards.filter_map(|g| g.consent.as_ref()).flatten().any(|role| {
        w.bound_people(def, &case.fields, case.started_by, role.as_str(), now)
            .contains(&user)
    })
}

/// Whether the caller sees the case's restricted fields (perpetrators and motives may be
/// personal data, Art. 20(2)): the information-security lead — ADAM's security-lead power or
/// the Decree's appointment — and the people the case's folder is handed to, who perform its
/// step now or decided one before. Not the system administrator as such: keeping ADAM running
/// is no reason to read who is suspected of what.
fn sees_restricted(w: &World, caller: &Caller, case: &Case, now: Timestamp) -> bool {
    let lead = w
        .role_by_code(adam_core::SystemPower::SecurityLead.code())
        .is_ok_and(|role| w.check_role(caller.user, role, now).is_ok_and(|held| held.is_some()))
        || w.role_holders().iter().any(|h| {
            h.user == caller.user
                && h.role == adam_core::register::decree_roles::DecreeRole::SecurityLead
                && h.holds_on(adam_core::LocalDate::of(now))
        });
    lead || w.performers(case, now).contains(&caller.user) || case.history.iter().any(|t| t.by == Some(caller.user))
}

/// Hides the restricted fields in an audit record's picture of case `id` (`before`/`after`)
/// from a caller who does not see them on the case's page: the trail is reviewed by the system
/// administrator, who keeps ADAM running but has no reason to read who is suspected of what
/// (Art. 20(2)). A case ADAM no longer knows hides every field. The records written now hold
/// no such value (`World::describe` writes a marker in its place); this guards the records
/// written before, replacing the value by the same marker.
pub(crate) fn hide_restricted(w: &World, caller: &Caller, id: CaseId, now: Timestamp, picture: &mut serde_json::Value) {
    let Some(fields) = picture.get_mut("fields").and_then(serde_json::Value::as_object_mut) else {
        return;
    };
    let Ok(case) = w.case(id) else {
        fields.clear();
        return;
    };
    if sees_restricted(w, caller, case, now) {
        return;
    }
    match w.process_definition(case.definition) {
        Ok(kept) => {
            for f in kept.definition.fields.iter().filter(|f| f.restricted) {
                // A record written since the core keeps them out of the trail holds a marker
                // already (`adam_core::change::restricted_marker`); an older one its value.
                if let Some(v) = fields.get_mut(f.key.as_str()).filter(|v| !v.is_object()) {
                    *v = adam_core::change::restricted_marker(false);
                }
            }
        }
        Err(_) => fields.clear(),
    }
}

/// The case, or 403 when the caller may not read it.
pub fn readable_case(w: &World, caller: &Caller, id: CaseId, now: Timestamp) -> ApiResult<Case> {
    // Kept: the UI's case page and forms call this, and a form's route declares only the
    // write scope.
    caller.require(Scope::Read)?;
    let case = w.case(id)?;
    if !may_read(w, caller, case, now) {
        return Err(WebError::forbidden(
            "not-a-case-reader",
            "this case is read by the register keepers, its reporter, the people who perform its steps and those its folder's ACL lets read it",
        )
        .sl("zadevo berejo vodja informacijske varnosti in sistemski skrbnik, prijavitelj, izvajalci njenih korakov in tisti, ki jim to dovoli ACL njene mape"));
    }
    Ok(case.clone())
}
