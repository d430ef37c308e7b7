//! The forms that grant and revoke roles, and the role tree page.

use super::chrome::*;
use super::confirm::*;
use super::job::*;
use super::panel::*;
use super::user::*;
use crate::error::WebError;
use crate::service::grants::{self, NewGrant};
use crate::state::AppState;
use adam_core::*;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The grant form of a job, a user or an office: a role, an inclusive window of Slovenian
/// calendar dates, a request reference, and for the user administrator's role the office
/// subtree it is limited to.
#[derive(Debug, Deserialize)]
pub struct GrantForm {
    /// The role's id (text, so that a forged value gets a message rather than a bare 422).
    #[serde(default)]
    pub(super) role: String,
    #[serde(default)]
    pub(super) valid_from: String,
    #[serde(default)]
    pub(super) valid_to: String,
    #[serde(default)]
    pub(super) reference: String,
    /// An office id, or empty for the whole organisation.
    #[serde(default)]
    pub(super) scope: String,
}

/// Sets the job's roles from the checkboxes of the permissions panel: each role whose box
/// differs from what the page showed (`shown`) is granted without a time limit, or has its
/// current grants to this job revoked — all in one batch, so the change is whole or nothing.
/// A role someone else changed meanwhile, and not touched here, stays as it is. With htmx a
/// box sends the form as soon as it is toggled; without script, the save button does.
/// Unticking a role whose grant is time-limited deletes that grant and its window: that waits
/// for a confirmation (the panel asks, and its button posts the boxes again with `confirm=1`).
pub(super) async fn set_job_roles(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    headers: HeaderMap,
    form: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    set_roles(s, lang, Grantee::Job(JobId(id)), headers, form).await
}

pub(super) async fn set_user_roles(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    headers: HeaderMap,
    form: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    set_roles(s, lang, Grantee::User(UserId(id)), headers, form).await
}

pub(super) async fn set_office_roles(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    headers: HeaderMap,
    form: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    set_roles(s, lang, Grantee::Office(OfficeId(id)), headers, form).await
}

/// The page of a grantee with its permissions panel adjusted (`adjust`), the form's messages,
/// and status 422 when there are any (htmx swaps only successful answers: for htmx, 200).
pub(super) async fn grantee_page(
    s: &AppState,
    caller: &crate::authn::Caller,
    lang: Lang,
    grantee: Grantee,
    errors: BTreeMap<&'static str, String>,
    adjust: impl FnOnce(&mut RolePanel),
    htmx: bool,
) -> UiResult<Response> {
    let failed = !errors.is_empty();
    let mut r = match grantee {
        Grantee::User(u) => {
            let mut p = user_view(s, caller, lang.tr, u, errors, None).await?;
            adjust(&mut p.panel);
            page(lang, &p)?
        }
        Grantee::Job(j) => {
            let mut p = job_view(s, caller, lang.tr, j, errors).await?;
            adjust(&mut p.panel);
            page(lang, &p)?
        }
        Grantee::Office(o) => {
            let mut p = super::office::office_view(s, caller, lang.tr, o, errors).await?;
            adjust(&mut p.panel);
            page(lang, &p)?
        }
        Grantee::Everyone => {
            return Err(UiError::new(
                lang.tr,
                WebError::not_found("no roles page for this grantee"),
            ));
        }
    };
    if failed && !htmx {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn set_roles(
    s: AppState,
    lang: Lang,
    grantee: Grantee,
    headers: HeaderMap,
    UiForm { caller, form, .. }: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    may_change(&s, &caller, lang, grantee)?;
    let ids = |key: &str| -> std::collections::BTreeSet<u32> {
        form.iter()
            .filter(|(k, _)| k == key)
            .filter_map(|(_, v)| v.parse().ok())
            .collect()
    };
    let is_confirmed = form.iter().any(|(k, v)| k == "confirm" && confirmed(v));
    let (wanted, shown) = (ids("role"), ids("shown"));
    let (add, remove, limited) = {
        let w = s.world();
        let now = s.now();
        let add: Vec<NewGrant> = wanted
            .difference(&shown)
            .map(|r| NewGrant::always(RoleId(*r), grantee))
            .collect();
        let mut remove = Vec::new();
        let held = grants_of(&w, grantee);
        let mut limited = Vec::new();
        for r in shown.difference(&wanted) {
            for g in held
                .iter()
                .filter_map(|g| w.grant(*g).ok())
                .filter(|g| g.role == RoleId(*r) && g.window.status(now) != WindowStatus::Expired)
            {
                if !g.window.is_always() {
                    let role = w.role(g.role).map(|r| r.code.to_string()).unwrap_or_default();
                    limited.push(format!("{role}: {}", window_words(&g.window)));
                }
                remove.push(g.id);
            }
        }
        (add, remove, limited)
    };
    let htmx = is_htmx(&headers);
    if !limited.is_empty() && !is_confirmed {
        let pending = PendingUntick {
            lines: limited,
            wanted: wanted.into_iter().collect(),
            shown: shown.into_iter().collect(),
        };
        return grantee_page(
            &s,
            &caller,
            lang,
            grantee,
            BTreeMap::new(),
            |p| p.pending = Some(pending),
            htmx,
        )
        .await;
    }
    let outcome = match grants::set_grants(&s, &caller, add, remove).await {
        None => None,
        Some(done) => saved(lang, done)?,
    };
    let Some(detail) = outcome else {
        return Ok(Redirect::to(&format!("{}#permissions", page_of(grantee))).into_response());
    };
    let mut errors = BTreeMap::new();
    errors.insert("roles", detail);
    grantee_page(&s, &caller, lang, grantee, errors, |_| {}, htmx).await
}

pub(super) async fn grant_to_job(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    form: UiForm<GrantForm>,
) -> UiResult<Response> {
    grant_to(s, lang, Grantee::Job(JobId(id)), form).await
}

pub(super) async fn grant_to_user(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    form: UiForm<GrantForm>,
) -> UiResult<Response> {
    grant_to(s, lang, Grantee::User(UserId(id)), form).await
}

pub(super) async fn grant_to_office(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    form: UiForm<GrantForm>,
) -> UiResult<Response> {
    grant_to(s, lang, Grantee::Office(OfficeId(id)), form).await
}

/// Refuses (403) a caller who may not change the grantee's roles at all, before the form is
/// read any further: its messages must not tell such a caller what the grantee holds.
fn may_change(s: &AppState, caller: &crate::authn::Caller, lang: Lang, grantee: Grantee) -> UiResult<()> {
    let w = s.world();
    w.require_grantee(&caller.actor(None), grantee, s.now()).ui(lang.tr)
}

/// A grant already held that covers the whole of `window` (then the new one would add
/// nothing): its role code and window in words.
fn covering(w: &World, grantee: Grantee, role: RoleId, window: &Window, now: Timestamp) -> Option<String> {
    let starts_by = |a: Option<Timestamp>, b: Option<Timestamp>| match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => a <= b,
    };
    let ends_after = |a: Option<Timestamp>, b: Option<Timestamp>| match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => a >= b,
    };
    grants_of(w, grantee)
        .iter()
        .filter_map(|g| w.grant(*g).ok())
        .filter(|g| g.role == role && g.window.status(now) != WindowStatus::Expired && g.scope.is_none())
        .find(|g| starts_by(g.window.from, window.from) && ends_after(g.window.to, window.to))
        .map(|g| {
            let code = w.role(role).map(|r| r.code.to_string()).unwrap_or_default();
            if g.window.is_always() {
                code
            } else {
                format!("{code} ({})", window_words(&g.window))
            }
        })
}

/// Grants a role from the grant form. Refused at the field, keeping what was typed: a date
/// that is not a date, a last day before the first, a window already over (such a grant would
/// never count — the API still records one, for the history), a grant covered by one already
/// held (it would add nothing), an over-long reference.
async fn grant_to(
    s: AppState,
    lang: Lang,
    grantee: Grantee,
    UiForm { caller, form: f, .. }: UiForm<GrantForm>,
) -> UiResult<Response> {
    may_change(&s, &caller, lang, grantee)?;
    let tr = lang.tr;
    let now = s.now();
    let mut errors = BTreeMap::new();
    let role = match f.role.trim().parse::<u32>() {
        Ok(r) if s.world().role(RoleId(r)).is_ok() => Some(RoleId(r)),
        _ => {
            errors.insert("role", tr.s("choose_role").to_owned());
            None
        }
    };
    let from = typed_date(&f.valid_from, "valid_from", &mut errors, tr);
    let to = typed_date(&f.valid_to, "valid_to", &mut errors, tr);
    let window = match LocalDate::window(from, to) {
        Ok(w) => Some(w),
        Err(_) => {
            let (from, to) = (f.valid_from.trim(), f.valid_to.trim());
            errors.insert(
                "valid_to",
                tr.s("dates_reversed").replace("{from}", from).replace("{to}", to),
            );
            None
        }
    };
    if let Some(w) = window
        && w.status(now) == WindowStatus::Expired
        && !errors.contains_key("valid_to")
    {
        errors.insert("valid_to", tr.s("grant_already_over").replace("{}", f.valid_to.trim()));
    }
    let reference = match f.reference.trim() {
        "" => None,
        r if too_long(r, Text::MAX, "reference", &mut errors, tr) => None,
        r => Text::parse("reference", r)
            .map_err(|_| errors.insert("reference", tr.s("text_unreadable").to_owned()))
            .ok(),
    };
    let scope = match f.scope.trim() {
        "" => None,
        o => match o.parse::<u32>() {
            Ok(o) if s.world().office(OfficeId(o)).is_ok() => Some(OfficeId(o)),
            _ => {
                errors.insert("scope", tr.s("choose_office").to_owned());
                None
            }
        },
    };
    if let (Some(role), Some(window)) = (role, window)
        && errors.is_empty()
    {
        let is_user_admin = s
            .world()
            .role(role)
            .is_ok_and(|r| r.power == Some(SystemPower::UserAdmin));
        if scope.is_some() && !is_user_admin {
            errors.insert("scope", tr.s("scope_only_user_admin").to_owned());
        } else if let Some(held) = covering(&s.world(), grantee, role, &window, now).filter(|_| scope.is_none()) {
            errors.insert("role", tr.s("grant_covered").replace("{}", &held));
        } else {
            let new = NewGrant {
                role,
                grantee,
                window,
                scope,
                reference,
            };
            match grants::grant_role(&s, &caller, new).await {
                Ok(_) => return Ok(Redirect::to(&format!("{}#restrictions", page_of(grantee))).into_response()),
                Err(e) => {
                    // Art. 51(1): the custodian's request is the reference field's business.
                    let field = if e.code == "custodian-request-missing" {
                        "reference"
                    } else {
                        "role"
                    };
                    if let Some(detail) = saved(lang, Err(e))? {
                        errors.insert(field, detail);
                    }
                }
            }
        }
    }
    let typed = GrantTyped {
        role: f.role.trim().parse().ok(),
        valid_from: f.valid_from,
        valid_to: f.valid_to,
        reference: f.reference,
        scope: f.scope.trim().parse().ok(),
    };
    grantee_page(&s, &caller, lang, grantee, errors, |p| p.typed = typed, false).await
}

/// Where to return after a revocation.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    /// The page to return to (only a page of the UI).
    #[serde(default)]
    pub(super) back: String,
    /// `1` once the person confirmed.
    #[serde(default)]
    pub(super) confirm: String,
}

pub(super) async fn revoke_grant(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<RevokeForm>,
) -> UiResult<Response> {
    let back = if f.back.starts_with("/ui/") && !f.back.starts_with("//") {
        f.back.clone()
    } else {
        "/ui".to_owned()
    };
    let command = grants::revocation(GrantId(id));
    let ask = confirm_first(&s, &caller, lang, &command, confirmed(&f.confirm), |w, tr| {
        let line = match w.grant(GrantId(id)) {
            Ok(g) => {
                let role = w.role(g.role).map(|r| r.code.to_string()).unwrap_or_default();
                let window = if g.window.is_always() {
                    tr.s("without_limit").to_owned()
                } else {
                    window_words(&g.window)
                };
                format!("{role}: {window} — {}", grantee_words(w, g.grantee, tr))
            }
            Err(_) => String::new(),
        };
        Confirmation {
            title: "confirm_revoke",
            button: "revoke",
            lines: vec![line],
            action: format!("/ui/grants/{id}/revoke"),
            fields: vec![("back".to_owned(), back.clone())],
            back: format!("{back}#restrictions"),
        }
    })?;
    if let Some(page) = ask {
        return Ok(page);
    }
    let grantee = s.world().grant(GrantId(id)).map(|g| g.grantee).ui(lang.tr)?;
    match saved(lang, grants::revoke(&s, &caller, GrantId(id)).await)? {
        None => Ok(Redirect::to(&format!("{back}#restrictions")).into_response()),
        Some(detail) => {
            let mut errors = BTreeMap::new();
            errors.insert("grants", detail);
            grantee_page(&s, &caller, lang, grantee, errors, |_| {}, false).await
        }
    }
}

/// A grantee in words (`delovno mesto JOB.UN.01`).
pub(super) fn grantee_words(w: &World, grantee: Grantee, tr: super::i18n::Tr) -> String {
    match grantee {
        Grantee::Job(j) => w
            .job(j)
            .map(|j| format!("{} {} – {}", tr.s("job"), j.code, j.name))
            .unwrap_or_default(),
        Grantee::User(u) => w
            .user(u)
            .map(|u| format!("{} {} ({})", tr.s("user"), u.display_name(), u.username))
            .unwrap_or_default(),
        Grantee::Office(o) => w
            .office(o)
            .map(|o| format!("{} {} – {}", tr.s("office"), o.code, o.name))
            .unwrap_or_default(),
        Grantee::Everyone => tr.s("via_everyone").to_owned(),
    }
}

/// A GET of an office form's address (the language switch of a page answering a POST): the
/// office.
pub(super) async fn back_to_office(
    UiPath(id): UiPath<u32>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Redirect {
    match q {
        Some(q) => Redirect::to(&format!("/ui/offices/{id}?{q}")),
        None => Redirect::to(&format!("/ui/offices/{id}")),
    }
}
