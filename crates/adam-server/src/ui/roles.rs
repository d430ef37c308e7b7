//! Applications and roles: the role tree (each application with its roles, the user roles
//! with what they contain, nested), a role's page, and — for whoever the engine lets change
//! them, the system administrator — the forms that register an application, create a role and
//! change a role's contents. Everyone else sees the same tree read-only.

use super::chrome::*;
use super::history::*;
use super::i18n::Tr;
use crate::authn::Caller;
use crate::service::roles::RoleChange;
use crate::service::setup::{self, RoleNode, RoleSpec};
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A role in the tree, as a page shows it.
pub struct RoleRow {
    pub(super) id: u32,
    pub(super) code: String,
    pub(super) description: String,
    pub(super) kind: &'static str,
    pub(super) level: String,
    pub(super) depth: usize,
}

fn kind_key(kind: RoleKind) -> &'static str {
    match kind {
        RoleKind::Application => "role_kind_application",
        RoleKind::User => "role_kind_user",
        RoleKind::System => "role_kind_system",
    }
}

fn row(n: &RoleNode) -> RoleRow {
    RoleRow {
        id: n.id.0,
        code: n.code.clone(),
        description: n.description.clone(),
        kind: kind_key(n.kind),
        level: n.level.map(|l| l.value().to_string()).unwrap_or_default(),
        depth: n.depth.min(6),
    }
}

/// What the forms of the roles page held, shown back after a refusal.
#[derive(Debug, Default)]
pub struct RolesTyped {
    pub(super) app_code: String,
    pub(super) app_name: String,
    pub(super) code: String,
    pub(super) kind: String,
    pub(super) app: String,
    pub(super) description: String,
    pub(super) level: String,
}

#[derive(Template)]
#[template(path = "roles.html")]
pub(super) struct RolesPage {
    pub(super) c: Chrome,
    pub(super) apps: Vec<(u32, String, Vec<RoleRow>)>,
    pub(super) user_roles: Vec<RoleRow>,
    pub(super) system: Vec<RoleRow>,
    pub(super) may_edit: bool,
    pub(super) levels: Vec<u8>,
    pub(super) typed: RolesTyped,
    pub(super) errors: BTreeMap<&'static str, String>,
}

fn roles_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    typed: RolesTyped,
    errors: BTreeMap<&'static str, String>,
) -> RolesPage {
    let tree = setup::role_tree(s, caller);
    RolesPage {
        c: chrome(s, caller, lang),
        apps: tree
            .apps
            .iter()
            .map(|(a, roles)| {
                (
                    a.id.0,
                    format!("{} – {}", a.code, a.name),
                    roles.iter().map(row).collect(),
                )
            })
            .collect(),
        user_roles: tree.user_roles.iter().map(row).collect(),
        system: tree.system.iter().map(row).collect(),
        may_edit: setup::may_edit_roles(s, caller),
        levels: levels(),
        typed,
        errors,
    }
}

fn levels() -> Vec<u8> {
    Level::ALL
        .iter()
        .filter(|l| **l != Level::None)
        .map(|l| l.value())
        .collect()
}

fn level_field(
    text: &str,
    errors: &mut BTreeMap<&'static str, String>,
    field: &'static str,
    lang: Tr,
) -> Option<Option<Level>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    match Level::ALL
        .iter()
        .find(|l| **l != Level::None && l.value().to_string() == text)
    {
        Some(l) => Some(Some(*l)),
        None => {
            errors.insert(field, lang.s("level_not_a_level").to_owned());
            None
        }
    }
}

pub(super) async fn roles_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let p = roles_view(&s, &caller, lang.tr, RolesTyped::default(), BTreeMap::new());
    page(lang, &p)
}

/// The new-application form.
#[derive(Debug, Deserialize)]
pub struct NewApplicationForm {
    pub(super) code: String,
    pub(super) name: String,
}

pub(super) async fn create_application(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<NewApplicationForm>,
) -> UiResult<Response> {
    let mut errors = BTreeMap::new();
    let code = Code::parse("code", f.code.trim())
        .map_err(|e| errors.insert("app_code", e.to_string()))
        .ok();
    let name = Text::parse("name", &f.name)
        .map_err(|e| errors.insert("app_name", e.to_string()))
        .ok();
    if let (Some(code), Some(name)) = (code, name) {
        match setup::create_application(&s, &caller, code, name).await {
            Ok(_) => return Ok(Redirect::to("/ui/roles#applications").into_response()),
            Err(e) => {
                if let Some(detail) = saved(lang, Err(e))? {
                    errors.insert("app_code", detail);
                }
            }
        }
    }
    let typed = RolesTyped {
        app_code: f.code,
        app_name: f.name,
        ..RolesTyped::default()
    };
    refused_page(lang, &roles_view(&s, &caller, lang.tr, typed, errors))
}

/// The new-role form.
#[derive(Debug, Deserialize)]
pub struct NewRoleForm {
    pub(super) code: String,
    /// `application` or `user`.
    pub(super) kind: String,
    #[serde(default)]
    pub(super) app: String,
    pub(super) description: String,
    #[serde(default)]
    pub(super) level: String,
}

/// The change request a governed change names: empty for none, else its number (`12`, `#12`
/// or `case 12` as the case page shows it); anything else is a message at the field.
pub(super) fn change_field(typed: &str, errors: &mut BTreeMap<&'static str, String>, tr: Tr) -> Option<Option<CaseId>> {
    let t = typed.trim();
    if t.is_empty() {
        return Some(None);
    }
    let digits = t.trim_start_matches(|c: char| !c.is_ascii_digit());
    match digits.parse::<u32>() {
        Ok(n) => Some(Some(CaseId(n))),
        Err(_) => {
            errors.insert("change", tr.s("change_request_bad").to_owned());
            None
        }
    }
}

pub(super) async fn create_role(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<NewRoleForm>,
) -> UiResult<Response> {
    let mut errors = BTreeMap::new();
    let code = RoleCode::parse("code", f.code.trim())
        .map_err(|e| errors.insert("role_code", e.to_string()))
        .ok();
    let description = Text::parse("description", &f.description)
        .map_err(|e| errors.insert("role_description", e.to_string()))
        .ok();
    let kind = match f.kind.as_str() {
        "user" => RoleKind::User,
        _ => RoleKind::Application,
    };
    let app = match (kind, f.app.trim().parse::<u32>()) {
        (RoleKind::Application, Ok(a)) => Some(Some(AppId(a))),
        (RoleKind::Application, Err(_)) => {
            errors.insert("role_app", lang.tr.s("application_needed").to_owned());
            None
        }
        _ => Some(None),
    };
    let level = match kind {
        RoleKind::Application => level_field(&f.level, &mut errors, "role_level", lang.tr),
        _ => Some(None),
    };
    if let (Some(code), Some(description), Some(app), Some(object_level)) = (code, description, app, level) {
        let spec = RoleSpec {
            code,
            kind,
            app,
            description,
            object_level,
            members: Vec::new(),
        };
        match setup::create_role(&s, &caller, spec).await {
            Ok(id) => return Ok(Redirect::to(&format!("/ui/roles/{}", id.0)).into_response()),
            Err(e) => {
                if let Some(detail) = saved(lang, Err(e))? {
                    errors.insert("role_code", detail);
                }
            }
        }
    }
    let typed = RolesTyped {
        code: f.code,
        kind: f.kind,
        app: f.app,
        description: f.description,
        level: f.level,
        ..RolesTyped::default()
    };
    refused_page(lang, &roles_view(&s, &caller, lang.tr, typed, errors))
}

/// A role that may go inside another: id, code and description, kind, whether it is inside.
pub struct MemberChoice {
    pub(super) id: u32,
    pub(super) label: String,
    pub(super) kind: &'static str,
    pub(super) inside: bool,
}

#[derive(Template)]
#[template(path = "role.html")]
pub(super) struct RolePage {
    pub(super) c: Chrome,
    pub(super) role: Role,
    pub(super) kind: &'static str,
    pub(super) app: Option<(u32, String)>,
    /// The role and everything inside it, as a tree under it.
    pub(super) contents: Vec<RoleRow>,
    /// The user roles it is inside.
    pub(super) parents: Vec<(u32, String)>,
    pub(super) may_edit: bool,
    pub(super) description: String,
    pub(super) level: String,
    pub(super) levels: Vec<u8>,
    pub(super) choices: Vec<MemberChoice>,
    pub(super) errors: BTreeMap<&'static str, String>,
    /// ADAM governs its own changes: the form asks for the change request.
    pub(super) governed: bool,
    /// The change request's number as typed.
    pub(super) change: String,
    pub(super) last: Option<LastChangeView>,
    pub(super) history: Vec<HistoryRow>,
}

async fn role_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    id: RoleId,
    errors: BTreeMap<&'static str, String>,
) -> UiResult<RolePage> {
    crate::service::roles::may_read_role(s, caller, id).ui(lang)?;
    let (last, history) = history_of(s, caller, EntityKind::Role, id.0).await.ui(lang)?;
    let may_edit = setup::may_edit_roles(s, caller);
    let c = chrome(s, caller, lang);
    let tree = setup::role_tree(s, caller);
    let w = s.world();
    let role = w.role(id).ui(lang)?.clone();
    // The role's branch of the tree: itself and everything inside it.
    let mut contents = Vec::new();
    if let Some(start) = tree.user_roles.iter().position(|n| n.id == id) {
        let top = tree.user_roles[start].depth;
        contents.extend(
            tree.user_roles[start..]
                .iter()
                .enumerate()
                .take_while(|(i, n)| *i == 0 || n.depth > top)
                .map(|(_, n)| RoleRow {
                    depth: n.depth - top,
                    ..row(n)
                }),
        );
    }
    let parents = w
        .roles()
        .iter()
        .filter(|r| r.members.contains(&id))
        .map(|r| (r.id.0, r.code.to_string()))
        .collect();
    let choices = if role.kind == RoleKind::User {
        w.roles()
            .iter()
            .filter(|r| r.id != id && r.kind != RoleKind::System)
            .map(|r| MemberChoice {
                id: r.id.0,
                label: format!("{} – {}", r.code, r.description),
                kind: kind_key(r.kind),
                inside: role.members.contains(&r.id),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(RolePage {
        c,
        kind: kind_key(role.kind),
        app: role
            .app
            .and_then(|a| w.application(a).ok())
            .map(|a| (a.id.0, format!("{} – {}", a.code, a.name))),
        contents,
        parents,
        may_edit: may_edit && role.kind != RoleKind::System,
        description: role.description.to_string(),
        level: role.object_level.map(|l| l.value().to_string()).unwrap_or_default(),
        levels: levels(),
        choices,
        governed: w.settings().governed_changes,
        change: String::new(),
        role,
        errors,
        last,
        history,
    })
}

pub(super) async fn role_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let p = role_view(&s, &caller, lang.tr, RoleId(id), BTreeMap::new()).await?;
    page(lang, &p)
}

/// The role form: description, level (application roles), contents (user roles); `rev` is the
/// revision the page showed.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    pub(super) rev: u64,
    pub(super) description: String,
    #[serde(default)]
    pub(super) level: String,
    /// The change request's number (while ADAM governs its own changes).
    #[serde(default)]
    pub(super) change: String,
}

pub(super) async fn update_role(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    let role = RoleId(id);
    // The checkboxes repeat one name (`member`), which a struct cannot hold: read the pairs.
    let field = |name: &str| f.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let form = RoleForm {
        rev: field("rev").and_then(|v| v.parse().ok()).unwrap_or(0),
        description: field("description").unwrap_or_default(),
        level: field("level").unwrap_or_default(),
        change: field("change").unwrap_or_default(),
    };
    let members: Vec<RoleId> = f
        .iter()
        .filter(|(k, _)| k == "member")
        .filter_map(|(_, v)| v.parse().ok().map(RoleId))
        .collect();
    let kind = s.world().role(role).ui(lang.tr)?.kind;
    let mut errors = BTreeMap::new();
    let description = Text::parse("description", &form.description)
        .map_err(|e| errors.insert("description", e.to_string()))
        .ok();
    let level = match kind {
        RoleKind::Application => level_field(&form.level, &mut errors, "level", lang.tr),
        _ => Some(None),
    };
    let members = if kind == RoleKind::User { members } else { Vec::new() };
    let change = change_field(&form.change, &mut errors, lang.tr);
    if let (Some(description), Some(level), Some(change)) = (description, level, change) {
        let command = RoleChange {
            description,
            object_level: level,
            members: members.clone(),
            change,
        }
        .command(role);
        match setup::change_role(&s, &caller, Revision(form.rev), command).await {
            Ok(()) => return Ok(Redirect::to(&format!("/ui/roles/{id}")).into_response()),
            Err(e) => {
                // A refusal about the change request belongs at its field.
                let at = if e.code.starts_with("change-") {
                    "change"
                } else {
                    "form"
                };
                if let Some(detail) = saved(lang, Err(e))? {
                    errors.insert(at, detail);
                }
            }
        }
    }
    let mut p = role_view(&s, &caller, lang.tr, role, errors).await?;
    p.description = form.description;
    p.level = form.level;
    p.change = form.change;
    for choice in &mut p.choices {
        choice.inside = members.contains(&RoleId(choice.id));
    }
    refused_page(lang, &p)
}
