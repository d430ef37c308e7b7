//! Reading roles and grants: who administers, and who may read a role or a grant.

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
