//! The Decree's roles (Art. 3–8) and the classification scheme (Art. 11(3)): their changes,
//! written once for the API (`api/decree_roles.rs`) and the pages (`ui/inventory/decree.rs`,
//! `ui/inventory/scheme.rs`) — appointing the head, the information-security lead and the
//! coordinator, ending an appointment, and setting the scheme's names, criteria and labelling
//! texts.
//!
//! The engine decides who may (the inventory's keepers); these functions check no scope, as
//! the route tables do. The role holders' list and the other reads are the inventory's
//! (`service::inventory::role_holders`).

use crate::authn::Caller;
use crate::error::ApiResult;
use crate::state::AppState;
use adam_core::register::decree_roles::DecreeRole;
use adam_core::register::scheme::SchemeEntry;
use adam_core::*;

/// A new appointment to one of the Decree's roles.
#[derive(Debug, Clone)]
pub struct NewAppointment {
    /// The role.
    pub role: DecreeRole,
    /// The person appointed.
    pub user: UserId,
    /// How to reach them in that role (`None`: none given).
    pub contact: Option<Text>,
    /// The act that appoints them (`None`: none given).
    pub appointment: Option<Text>,
    /// The first day in the role.
    pub since: LocalDate,
}

/// Appoints someone to a Decree role; the appointment's id.
pub async fn appoint(s: &AppState, caller: &Caller, input: NewAppointment) -> ApiResult<HolderId> {
    let command = Command::AppointDecreeRole {
        role: input.role,
        user: input.user,
        contact: input.contact,
        appointment: input.appointment,
        since: input.since,
    };
    let plan = s.execute(caller, None, command).await?;
    crate::service::created(&plan)
}

/// Ends an appointment on `until` (its last day).
pub async fn end_appointment(s: &AppState, caller: &Caller, holder: HolderId, until: LocalDate) -> ApiResult<Plan> {
    s.execute(caller, None, Command::EndDecreeRole { holder, until }).await
}

/// The command that sets the classification scheme (the API's `http::update` runs it under
/// If-Match).
pub fn scheme_change(regulation: Text, entries: Vec<SchemeEntry>) -> Command {
    Command::SetClassScheme { regulation, entries }
}

/// Sets the classification scheme: the regulation it follows and its entries. (A page checks
/// first that nobody changed the scheme since it was shown, and says so at the form.)
pub async fn set_scheme(s: &AppState, caller: &Caller, regulation: Text, entries: Vec<SchemeEntry>) -> ApiResult<Plan> {
    s.execute(caller, None, scheme_change(regulation, entries)).await
}
