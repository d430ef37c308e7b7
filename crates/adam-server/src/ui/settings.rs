//! The organisation's settings page (`/ui/settings`): the organisation's name, the
//! distribution and reopen roles, the clearance roles for Z1–Z3, a new folder's default view per
//! class, and whether ADAM governs its own changes (Art. 22). Everyone who may read sees them;
//! the system administrator changes them in one form that keeps what was typed on a refusal
//! and names the approved change request while ADAM governs its changes. The rules are the
//! planner's (`SetSettings`); who may edit and the stale check are `service::settings`.

use super::chrome::*;
use super::form::*;
use super::history::*;
use super::i18n::Tr;
use crate::authn::Caller;
use crate::service::settings::{may_edit, save, seal};
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The view levels a new folder may get for everyone.
const VIEWS: [Level; 4] = [Level::View11, Level::View12, Level::View13, Level::View14];

/// What the form holds: the settings' own values, or what was typed before a refusal.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    /// The seal of the settings the page showed (`service::settings::seal`).
    #[serde(default)]
    pub(super) seal: String,
    #[serde(default)]
    pub(super) organisation: String,
    /// A role id, or empty for none.
    #[serde(default)]
    pub(super) dist_main_role: String,
    #[serde(default)]
    pub(super) reopen_role: String,
    #[serde(default)]
    pub(super) clearance_1: String,
    #[serde(default)]
    pub(super) clearance_2: String,
    #[serde(default)]
    pub(super) clearance_3: String,
    #[serde(default)]
    pub(super) view_0: String,
    #[serde(default)]
    pub(super) view_1: String,
    #[serde(default)]
    pub(super) view_2: String,
    #[serde(default)]
    pub(super) view_3: String,
    /// `1` when ticked (an unticked box sends nothing).
    #[serde(default)]
    pub(super) governed: String,
    /// The custodian's request required (Art. 51(1)): `1` when ticked.
    #[serde(default)]
    pub(super) custodian_requests: String,
    /// The approved change request, while ADAM governs its changes.
    #[serde(default)]
    pub(super) change: String,
}

impl SettingsForm {
    fn of(s: &Settings) -> SettingsForm {
        let role = |r: Option<RoleId>| r.map(|r| r.0.to_string()).unwrap_or_default();
        let view = |i: usize| s.default_view[i].to_string();
        SettingsForm {
            seal: seal(s),
            organisation: s.organisation.to_string(),
            dist_main_role: role(s.dist_main_role),
            reopen_role: role(s.reopen_role),
            clearance_1: role(s.clearance_roles[0]),
            clearance_2: role(s.clearance_roles[1]),
            clearance_3: role(s.clearance_roles[2]),
            view_0: view(0),
            view_1: view(1),
            view_2: view(2),
            view_3: view(3),
            governed: if s.governed_changes { "1".into() } else { String::new() },
            custodian_requests: if s.custodian_requests {
                "1".into()
            } else {
                String::new()
            },
            change: String::new(),
        }
    }
}

/// One role select of the form: its field name, its label key, and what it holds.
pub struct RoleSelect {
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    pub(super) value: String,
    /// What the settings hold (for the read-only view).
    pub(super) shown: String,
}

/// One default-view select: the class's name, the field name, and what it holds.
pub struct ViewSelect {
    pub(super) class: &'static str,
    pub(super) name: &'static str,
    pub(super) value: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub(super) struct SettingsPage {
    pub(super) c: Chrome,
    pub(super) may_edit: bool,
    /// Whether ADAM governs its own changes now (then a save names a change request).
    pub(super) governed_now: bool,
    pub(super) f: SettingsForm,
    /// Application and user roles (the settings may name no system role): id, label.
    pub(super) roles: Vec<(String, String)>,
    pub(super) role_selects: Vec<RoleSelect>,
    pub(super) view_selects: Vec<ViewSelect>,
    pub(super) views: Vec<String>,
    pub(super) errors: BTreeMap<&'static str, String>,
    pub(super) last: Option<LastChangeView>,
    pub(super) history: Vec<HistoryRow>,
}

async fn settings_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    typed: Option<SettingsForm>,
    errors: BTreeMap<&'static str, String>,
) -> UiResult<SettingsPage> {
    let (last, history) = history_of(s, caller, EntityKind::Settings, 0).await.ui(lang)?;
    let w = s.world();
    let current = w.settings().clone();
    let roles: Vec<(String, String)> = w
        .roles()
        .iter()
        .filter(|r| r.kind != RoleKind::System)
        .map(|r| (r.id.0.to_string(), format!("{} – {}", r.code, r.description)))
        .collect();
    drop(w);
    let mut f = typed.unwrap_or_else(|| SettingsForm::of(&current));
    // A refused form keeps what was typed, but the seal stays the one the page first showed:
    // the stale check compares against what the person saw.
    if f.seal.is_empty() {
        f.seal = seal(&current);
    }
    let shown = |r: Option<RoleId>| {
        r.and_then(|id| roles.iter().find(|(i, _)| *i == id.0.to_string()))
            .map_or_else(|| lang.s("settings_no_role").to_owned(), |(_, l)| l.clone())
    };
    let role_selects = vec![
        RoleSelect {
            name: "dist_main_role",
            label: "settings_dist_main_role",
            value: f.dist_main_role.clone(),
            shown: shown(current.dist_main_role),
        },
        RoleSelect {
            name: "reopen_role",
            label: "settings_reopen_role",
            value: f.reopen_role.clone(),
            shown: shown(current.reopen_role),
        },
        RoleSelect {
            name: "clearance_1",
            label: "settings_clearance_1",
            value: f.clearance_1.clone(),
            shown: shown(current.clearance_roles[0]),
        },
        RoleSelect {
            name: "clearance_2",
            label: "settings_clearance_2",
            value: f.clearance_2.clone(),
            shown: shown(current.clearance_roles[1]),
        },
        RoleSelect {
            name: "clearance_3",
            label: "settings_clearance_3",
            value: f.clearance_3.clone(),
            shown: shown(current.clearance_roles[2]),
        },
    ];
    let view_selects = vec![
        ViewSelect {
            class: "Z0",
            name: "view_0",
            value: f.view_0.clone(),
        },
        ViewSelect {
            class: "Z1",
            name: "view_1",
            value: f.view_1.clone(),
        },
        ViewSelect {
            class: "Z2",
            name: "view_2",
            value: f.view_2.clone(),
        },
        ViewSelect {
            class: "Z3",
            name: "view_3",
            value: f.view_3.clone(),
        },
    ];
    Ok(SettingsPage {
        c: chrome(s, caller, lang),
        may_edit: may_edit(s, caller),
        governed_now: current.governed_changes,
        f,
        roles,
        role_selects,
        view_selects,
        views: VIEWS.iter().map(ToString::to_string).collect(),
        errors,
        last,
        history,
    })
}

pub(super) async fn settings_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let p = settings_view(&s, &caller, lang.tr, None, BTreeMap::new()).await?;
    page(lang, &p)
}

/// A role chosen in a select: empty for none, else a role id.
fn role_field(
    typed: &str,
    key: &'static str,
    errors: &mut BTreeMap<&'static str, String>,
    t: Tr,
) -> Option<Option<RoleId>> {
    match typed.trim() {
        "" => Some(None),
        v => match v.parse::<u32>() {
            Ok(id) => Some(Some(RoleId(id))),
            Err(_) => {
                errors.insert(key, t.s("settings_bad_role").to_owned());
                None
            }
        },
    }
}

/// A default view chosen in a select: one of 11–14.
fn view_field(typed: &str, key: &'static str, errors: &mut BTreeMap<&'static str, String>, t: Tr) -> Option<Level> {
    match VIEWS.iter().find(|l| l.to_string() == typed.trim()) {
        Some(l) => Some(*l),
        None => {
            errors.insert(key, t.s("settings_bad_view").to_owned());
            None
        }
    }
}

pub(super) async fn save_settings(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<SettingsForm>,
) -> UiResult<Response> {
    let t = lang.tr;
    let mut errors = BTreeMap::new();
    let organisation = text(&f.organisation, "organisation", "organisation", &mut errors, t);
    let dist = role_field(&f.dist_main_role, "dist_main_role", &mut errors, t);
    let reopen = role_field(&f.reopen_role, "reopen_role", &mut errors, t);
    let c1 = role_field(&f.clearance_1, "clearance_1", &mut errors, t);
    let c2 = role_field(&f.clearance_2, "clearance_2", &mut errors, t);
    let c3 = role_field(&f.clearance_3, "clearance_3", &mut errors, t);
    let v0 = view_field(&f.view_0, "view_0", &mut errors, t);
    let v1 = view_field(&f.view_1, "view_1", &mut errors, t);
    let v2 = view_field(&f.view_2, "view_2", &mut errors, t);
    let v3 = view_field(&f.view_3, "view_3", &mut errors, t);
    let change = super::roles::change_field(&f.change, &mut errors, t);
    if let (
        Some(organisation),
        Some(dist_main_role),
        Some(reopen_role),
        Some(c1),
        Some(c2),
        Some(c3),
        Some(v0),
        Some(v1),
        Some(v2),
        Some(v3),
        Some(change),
    ) = (organisation, dist, reopen, c1, c2, c3, v0, v1, v2, v3, change)
    {
        let settings = Settings {
            organisation,
            dist_main_role,
            reopen_role,
            clearance_roles: [c1, c2, c3],
            default_view: [v0, v1, v2, v3],
            governed_changes: f.governed == "1",
            custodian_requests: f.custodian_requests == "1",
        };
        match save(&s, &caller, f.seal.clone(), settings, change).await {
            // A change request that is missing or not approved is the change field's fault.
            Err(e) if e.code.starts_with("change-") => {
                errors.insert("change", e.detail);
            }
            outcome => match saved(lang, outcome)? {
                Some(detail) => {
                    errors.insert("form", detail);
                }
                None => return Ok(Redirect::to("/ui/settings").into_response()),
            },
        }
    }
    let p = settings_view(&s, &caller, t, Some(f), errors).await?;
    refused_page(lang, &p)
}
