//! The roles panel of a grantee (a job or a user): the roles it holds and its grants.

use super::chrome::*;
use super::i18n::Tr;
use crate::authn::{Caller, Scope};
use adam_core::*;
use std::collections::BTreeMap;

/// A role as a checkbox row.
pub struct RoleRow {
    pub(super) id: u32,
    pub(super) code: String,
    pub(super) description: String,
    pub(super) held: bool,
    pub(super) contains: Vec<String>,
}

/// An application and its roles (user roles are grouped under "user roles").
pub struct AppRoles {
    pub(super) name: String,
    pub(super) roles: Vec<RoleRow>,
}

/// A time-limited grant row.
pub struct GrantRow {
    pub(super) id: u32,
    pub(super) role: String,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) status: &'static str,
}

/// The roles panel of a grantee (a job or a user): every role the caller may see, grouped by
/// application, with a box that is ticked when the grantee holds it (now or in a waiting
/// window), and the grantee's time-limited grants.
pub struct RolePanel {
    pub(super) apps: Vec<AppRoles>,
    pub(super) grants: Vec<GrantRow>,
    pub(super) grantable: Vec<(u32, String)>,
    pub(super) may_edit: bool,
    /// Where the boxes are posted.
    pub(super) action: String,
}

/// The grants made to a grantee.
pub(super) fn grants_of(w: &World, grantee: Grantee) -> &[GrantId] {
    match grantee {
        Grantee::Job(j) => w.grants_of_job(j),
        Grantee::User(u) => w.grants_of_user(u),
        Grantee::Office(o) => w.grants_of_office(o),
        Grantee::Everyone => w.grants_of_everyone(),
    }
}

/// The page of a grantee.
pub(super) fn page_of(grantee: Grantee) -> String {
    match grantee {
        Grantee::Job(j) => format!("/ui/jobs/{}", j.0),
        Grantee::User(u) => format!("/ui/users/{}", u.0),
        Grantee::Office(o) => format!("/ui/offices/{}", o.0),
        Grantee::Everyone => "/ui/roles".to_owned(),
    }
}

pub(super) fn role_panel(w: &World, caller: &Caller, lang: Tr, grantee: Grantee, now: Timestamp) -> RolePanel {
    let grant_ids = grants_of(w, grantee);
    let grants_here: Vec<&Grant> = grant_ids.iter().filter_map(|g| w.grant(*g).ok()).collect();
    let held = |r: RoleId| {
        grants_here
            .iter()
            .any(|g| g.role == r && g.window.status(now) != WindowStatus::Expired)
    };
    let code_of = |r: RoleId| w.role(r).map(|r| r.code.to_string()).unwrap_or_default();
    // Users see application and user roles; system roles are the system administrator's.
    let full = matches!(w.authority(&caller.actor(None), now), Ok(Authority::Full));
    let mut groups: BTreeMap<String, Vec<RoleRow>> = BTreeMap::new();
    let mut grantable = Vec::new();
    for r in w.roles() {
        if r.kind == RoleKind::System && !full {
            continue;
        }
        let group = match (r.kind, r.app) {
            (RoleKind::Application, Some(a)) => w.application(a).map(|a| a.code.to_string()).unwrap_or_default(),
            (RoleKind::User, _) => lang.s("user_roles").to_owned(),
            _ => lang.s("system_roles").to_owned(),
        };
        let contains: Vec<String> = w
            .role_closure(r.id)
            .iter()
            .filter(|m| **m != r.id)
            .map(|m| code_of(*m))
            .collect();
        groups.entry(group).or_default().push(RoleRow {
            id: r.id.0,
            code: r.code.to_string(),
            description: r.description.to_string(),
            held: held(r.id),
            contains,
        });
        grantable.push((r.id.0, r.code.to_string()));
    }
    let grants = grants_here
        .iter()
        .map(|g| GrantRow {
            id: g.id.0,
            role: code_of(g.role),
            from: date(g.window.from),
            to: date(g.window.to),
            status: match g.window.status(now) {
                WindowStatus::Waiting => "WAITING",
                WindowStatus::Active => "ACTIVE",
                WindowStatus::Expired => "EXPIRED",
            },
        })
        .collect();
    // The engine refuses changes to one's own rights; the form is not offered for them either.
    let may_edit = caller.require(Scope::Write).is_ok() && w.require_grantee(&caller.actor(None), grantee, now).is_ok();
    let action = format!("{}/roles", page_of(grantee));
    RolePanel {
        apps: groups
            .into_iter()
            .map(|(name, roles)| AppRoles { name, roles })
            .collect(),
        grants,
        grantable,
        may_edit,
        action,
    }
}
