//! Grants' changes: a role granted, a grant's window or reference changed, a grant revoked,
//! and a grantee's roles set at once (the ticks of a page).
//!
//! The API (`api/roles.rs`) and the UI (`ui/grants.rs`) each read their own input into the
//! plain values below and call these functions, so what a change to a grant *is* (which
//! `Command`, with which fields) is written once. Who may make it is the engine's question,
//! asked by `AppState::execute`; who may read a grant is `service/roles.rs`.

use crate::authn::Caller;
use crate::error::ApiResult;
use crate::state::AppState;
use adam_core::*;

/// A role to grant.
#[derive(Debug, Clone)]
pub struct NewGrant {
    /// Role.
    pub role: RoleId,
    /// To whom.
    pub grantee: Grantee,
    /// Validity window.
    pub window: Window,
    /// Office subtree (user-administrator grants only).
    pub scope: Option<OfficeId>,
    /// Request reference.
    pub reference: Option<Text>,
}

impl NewGrant {
    /// A role granted without limit, scope or reference (a ticked box).
    pub fn always(role: RoleId, grantee: Grantee) -> NewGrant {
        NewGrant {
            role,
            grantee,
            window: Window::ALWAYS,
            scope: None,
            reference: None,
        }
    }

    fn command(self) -> Command {
        Command::Grant {
            role: self.role,
            grantee: self.grantee,
            window: self.window,
            scope: self.scope,
            reference: self.reference,
        }
    }
}

/// Grants a role; the grant's id.
pub async fn grant_role(s: &AppState, caller: &Caller, input: NewGrant) -> ApiResult<GrantId> {
    let plan = s.execute(caller, None, input.command()).await?;
    crate::service::created(&plan)
}

/// A grant as it is to be: its window and reference, as a patch merged with what is stored.
#[derive(Debug, Clone)]
pub struct GrantChange {
    /// Validity window.
    pub window: Window,
    /// Request reference (`None`: none).
    pub reference: Option<Text>,
}

impl GrantChange {
    /// The command that makes `grant` so (the API's `http::update` runs it under If-Match).
    pub fn command(self, grant: GrantId) -> Command {
        Command::UpdateGrant {
            grant,
            window: self.window,
            reference: self.reference,
        }
    }
}

/// The command that revokes a grant: a page asks first (`ui/confirm.rs` plans it without
/// running it).
pub fn revocation(grant: GrantId) -> Command {
    Command::Revoke { grant }
}

/// Revokes a grant.
pub async fn revoke(s: &AppState, caller: &Caller, grant: GrantId) -> ApiResult<Plan> {
    s.execute(caller, None, revocation(grant)).await
}

/// Grants `add` and revokes `remove` in one change (a batch when more than one); `None` when
/// there is nothing to do.
pub async fn set_grants(
    s: &AppState,
    caller: &Caller,
    add: Vec<NewGrant>,
    remove: Vec<GrantId>,
) -> Option<ApiResult<Plan>> {
    let mut commands: Vec<Command> = add.into_iter().map(NewGrant::command).collect();
    commands.extend(remove.into_iter().map(revocation));
    let command = match commands.len() {
        0 => return None,
        1 => commands.pop()?,
        _ => Command::Batch { commands },
    };
    Some(s.execute(caller, None, command).await)
}
