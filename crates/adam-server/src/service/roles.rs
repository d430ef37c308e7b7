//! Reading roles and grants: who administers, and who may read a role or a grant; and what a
//! change to an application or a role is, written once for the API (`api/roles.rs`) and the
//! pages (`ui/roles.rs`). Grants' changes are `service/grants.rs`; creating an application or a
//! role, and a page's guarded role change, are `service/setup.rs`.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::*;

/// Whether the caller administers something (system or user administrator) or is a service.
pub(crate) fn is_administrator(s: &AppState, caller: &Caller) -> bool {
    if caller.kind != AccountKind::User {
        return true;
    }
    let w = s.world();
    matches!(
        w.authority(&caller.actor(None), s.now()),
        Ok(Authority::Full | Authority::UserAdmin(_))
    )
}

/// Whether the caller may read a grant — the rule of `GET /api/v1/grants/{id}`, also used for
/// its history: administrators and service accounts any grant, others their own and their
/// jobs'. A grant no longer in force (revoked) is read by administrators only.
pub(crate) fn may_read_grant(s: &AppState, caller: &Caller, id: GrantId) -> ApiResult<()> {
    // Kept: also asked by the audit history (`audit::history_view`), on pages whose routes
    // declare no scope.
    caller.require(Scope::Read)?;
    let admin = is_administrator(s, caller);
    let w = s.world();
    let own = match w.grant(id) {
        Ok(grant) => own_grant(&w, caller, grant),
        Err(e) if !admin => return Err(e.into()),
        Err(_) => false,
    };
    if admin || own {
        Ok(())
    } else {
        Err(
            WebError::forbidden("not-your-grants", "this grant is not yours or your job's")
                .sl("ta dodelitev ni vaša ali vašega delovnega mesta"),
        )
    }
}

/// Whether the caller sees a role — the rule of `GET /api/v1/roles/{id}`, also used for its
/// history: system roles only the system administrator.
pub(crate) fn may_read_role(s: &AppState, caller: &Caller, id: RoleId) -> ApiResult<()> {
    // Kept: also asked by the UI's role page and the audit history.
    caller.require(Scope::Read)?;
    let w = s.world();
    let role = w.role(id)?;
    if role.kind == RoleKind::System && !sees_system_roles(caller) {
        return Err(
            WebError::forbidden("system-role", "system roles are shown to the system administrator only")
                .sl("sistemske vloge vidi le sistemski skrbnik"),
        );
    }
    Ok(())
}

pub(crate) fn sees_system_roles(caller: &Caller) -> bool {
    caller.kind == AccountKind::Admin
}

/// Whether a non-administrator may see this grant: it is theirs or their job's.
pub(crate) fn own_grant(w: &World, caller: &Caller, g: &Grant) -> bool {
    match g.grantee {
        Grantee::User(u) => u == caller.user,
        Grantee::Job(j) => w.user(caller.user).is_ok_and(|me| me.jobs.contains(&j)),
        _ => false,
    }
}

/// An application as it is to be: every field, as a patch merged with what is stored.
#[derive(Debug, Clone)]
pub struct ApplicationChange {
    /// Name.
    pub name: Text,
    /// Writing role (`None`: none).
    pub writer_role: Option<RoleId>,
}

impl ApplicationChange {
    /// The command that makes `app` so (the API's `http::update` runs it under If-Match).
    pub fn command(self, app: AppId) -> Command {
        Command::UpdateApplication {
            app,
            name: self.name,
            writer_role: self.writer_role,
        }
    }
}

/// A role as it is to be: description, application-wide level and contents, and the approved
/// change request the change implements while ADAM governs its own changes (Art. 22).
#[derive(Debug, Clone)]
pub struct RoleChange {
    /// Description.
    pub description: Text,
    /// Application-wide level.
    pub object_level: Option<Level>,
    /// Contained roles.
    pub members: Vec<RoleId>,
    /// The approved change request.
    pub change: Option<CaseId>,
}

impl RoleChange {
    /// The command that makes `role` so (the API runs it under If-Match, a page under the
    /// revision it showed, through `service::setup::change_role`).
    pub fn command(self, role: RoleId) -> Command {
        Command::UpdateRole {
            role,
            description: self.description,
            object_level: self.object_level,
            members: self.members,
            change: self.change,
        }
    }
}
