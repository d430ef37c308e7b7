//! The permissions panel of a grantee (a job, a user or an office): the roles it holds as
//! boxes with their status, its time-limited grants, and the grant form.

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
    /// Ticked: held now or waiting for its window.
    pub(super) held: bool,
    /// `ACTIVE`, `WAITING` or empty (not held), for the badge's style.
    pub(super) status: &'static str,
    /// The badge's words (`velja do 2027-01-31`, `čaka – od 2027-02-01`), empty when the role
    /// is held without a limit.
    pub(super) note: String,
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
    /// `ACTIVE`, `WAITING` or `EXPIRED` (the style and the API's word).
    pub(super) status: &'static str,
    /// The status in the page's language.
    pub(super) status_text: &'static str,
    /// The office a user administrator's grant is limited to.
    pub(super) scope: String,
}

/// What was typed into the grant form (kept after a refusal).
#[derive(Default)]
pub struct GrantTyped {
    pub(super) role: Option<u32>,
    pub(super) valid_from: String,
    pub(super) valid_to: String,
    pub(super) reference: String,
    pub(super) scope: Option<u32>,
}

impl GrantTyped {
    /// Whether the role was chosen (the list keeps the choice after a refusal).
    pub(super) fn role_is(&self, id: impl std::borrow::Borrow<u32>) -> bool {
        self.role == Some(*id.borrow())
    }

    /// Whether the office was chosen as the scope.
    pub(super) fn scope_is(&self, id: impl std::borrow::Borrow<u32>) -> bool {
        self.scope == Some(*id.borrow())
    }
}

/// Roles whose box was unticked but whose grants are time-limited: the change waits for a
/// confirmation, which posts the same boxes again with `confirm=1`.
pub struct PendingUntick {
    /// What would be revoked, one line each (`VOPI.write: 2027-01-01 – 2027-01-31`).
    pub(super) lines: Vec<String>,
    /// The boxes as posted (`role`) and as shown (`shown`), to post again.
    pub(super) wanted: Vec<u32>,
    pub(super) shown: Vec<u32>,
}

/// The roles panel of a grantee: every role the caller may see, grouped by application, with
/// a box that is ticked when the grantee holds it (now or in a waiting window), the grantee's
/// grants, and whether and why the caller may not change them.
pub struct RolePanel {
    pub(super) apps: Vec<AppRoles>,
    pub(super) grants: Vec<GrantRow>,
    pub(super) grantable: Vec<(u32, String)>,
    pub(super) may_edit: bool,
    /// Why the boxes are disabled (a key of the words), when they are.
    pub(super) locked: Option<&'static str>,
    /// Where the boxes are posted.
    pub(super) action: String,
    /// Where the grant form is posted.
    pub(super) grant_action: String,
    /// The user administrator's role, when it may be granted here (it takes an office scope).
    pub(super) user_admin_role: Option<u32>,
    /// The offices a user administrator's grant may be limited to.
    pub(super) offices: Vec<(u32, String)>,
    /// What was typed into the grant form.
    pub(super) typed: GrantTyped,
    /// An untick waiting for its confirmation.
    pub(super) pending: Option<PendingUntick>,
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

/// A window as people read it: the dates typed, inclusive (`2027-01-01 – 2027-01-31`).
pub(super) fn window_words(w: &Window) -> String {
    let end = |t: Option<Timestamp>, f: fn(Option<Timestamp>) -> String| {
        if t.is_some() { f(t) } else { "…".to_owned() }
    };
    format!("{} – {}", end(w.from, shown_from), end(w.to, shown_to))
}

/// The status of a window in the page's language.
pub(super) fn status_words(status: WindowStatus, lang: Tr) -> (&'static str, &'static str) {
    match status {
        WindowStatus::Waiting => ("WAITING", lang.s("status_waiting")),
        WindowStatus::Active => ("ACTIVE", lang.s("status_active")),
        WindowStatus::Expired => ("EXPIRED", lang.s("status_expired")),
    }
}

/// Why a caller may not change a grantee's roles, as a key of the words.
fn locked_reason(w: &World, caller: &Caller, grantee: Grantee, now: Timestamp) -> Option<&'static str> {
    if !caller.has(Scope::Write) {
        return Some("locked_read_only");
    }
    match w.require_grantee(&caller.actor(None), grantee, now) {
        Ok(()) => None,
        Err(e) => Some(match e.code() {
            "self-grant" | "self-administration" => "locked_own_rights",
            "outside-scope" => "locked_outside_scope",
            "beyond-own-power" => "locked_beyond_power",
            "not-an-administrator" => "locked_not_admin",
            _ => "locked_other",
        }),
    }
}

pub(super) fn role_panel(w: &World, caller: &Caller, lang: Tr, grantee: Grantee, now: Timestamp) -> RolePanel {
    let grant_ids = grants_of(w, grantee);
    let grants_here: Vec<&Grant> = grant_ids.iter().filter_map(|g| w.grant(*g).ok()).collect();
    let code_of = |r: RoleId| w.role(r).map(|r| r.code.to_string()).unwrap_or_default();
    // A role's state on the box: active beats waiting; an unlimited grant needs no words.
    let state = |r: RoleId| -> (bool, &'static str, String) {
        let live: Vec<&&Grant> = grants_here
            .iter()
            .filter(|g| g.role == r && g.window.status(now) != WindowStatus::Expired)
            .collect();
        if live.iter().any(|g| g.window.is_always()) {
            return (true, "ACTIVE", String::new());
        }
        if let Some(g) = live.iter().find(|g| g.window.status(now) == WindowStatus::Active) {
            let note = match g.window.to {
                Some(_) => lang.s("held_until").replace("{}", &shown_to(g.window.to)),
                None => String::new(),
            };
            return (true, "ACTIVE", note);
        }
        if let Some(g) = live.first() {
            return (
                true,
                "WAITING",
                lang.s("waiting_from").replace("{}", &shown_from(g.window.from)),
            );
        }
        (false, "", String::new())
    };
    // Users see application and user roles; system roles are the system administrator's.
    let full = matches!(w.authority(&caller.actor(None), now), Ok(Authority::Full));
    let mut groups: BTreeMap<String, Vec<RoleRow>> = BTreeMap::new();
    let mut grantable = Vec::new();
    let mut user_admin_role = None;
    for r in w.roles() {
        if r.kind == RoleKind::System && !full {
            continue;
        }
        // A system role goes to a user or a job, never to an office.
        if r.kind == RoleKind::System && matches!(grantee, Grantee::Office(_)) {
            continue;
        }
        if r.power == Some(SystemPower::UserAdmin) {
            user_admin_role = Some(r.id.0);
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
        let (held, status, note) = state(r.id);
        groups.entry(group).or_default().push(RoleRow {
            id: r.id.0,
            code: r.code.to_string(),
            description: r.description.to_string(),
            held,
            status,
            note,
            contains,
        });
        grantable.push((r.id.0, r.code.to_string()));
    }
    let grants = grants_here
        .iter()
        .map(|g| {
            let (status, status_text) = status_words(g.window.status(now), lang);
            GrantRow {
                id: g.id.0,
                role: code_of(g.role),
                from: shown_from(g.window.from),
                to: shown_to(g.window.to),
                status,
                status_text,
                scope: g
                    .scope
                    .and_then(|o| w.office(o).ok())
                    .map(|o| format!("{} – {}", o.code, o.name))
                    .unwrap_or_default(),
            }
        })
        .collect();
    // The engine refuses changes to one's own rights; the form is not offered for them
    // either, and the page says why.
    let locked = locked_reason(w, caller, grantee, now);
    let offices = if user_admin_role.is_some() {
        w.offices()
            .iter()
            .filter(|o| o.valid)
            .map(|o| (o.id.0, format!("{} – {}", o.code, o.name)))
            .collect()
    } else {
        Vec::new()
    };
    let page = page_of(grantee);
    RolePanel {
        apps: groups
            .into_iter()
            .map(|(name, roles)| AppRoles { name, roles })
            .collect(),
        grants,
        grantable,
        may_edit: locked.is_none(),
        locked,
        action: format!("{page}/roles"),
        grant_action: format!("{page}/grants"),
        user_admin_role,
        offices,
        typed: GrantTyped::default(),
        pending: None,
    }
}
