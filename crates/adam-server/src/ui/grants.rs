//! The forms that grant and revoke roles, and the role tree page.

use super::chrome::*;
use super::job::*;
use super::panel::*;
use super::user::*;
use crate::authn::Scope;
use crate::error::WebError;
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The grant form of a job.
#[derive(Debug, Deserialize)]
pub struct GrantForm {
    pub(super) role: u32,
    #[serde(default)]
    pub(super) valid_from: String,
    #[serde(default)]
    pub(super) valid_to: String,
    #[serde(default)]
    pub(super) reference: String,
}

/// Sets the job's roles from the checkboxes of the permissions panel: each role whose box
/// differs from what the page showed (`shown`) is granted without a time limit, or has its
/// current grants to this job revoked — all in one batch, so the change is whole or nothing.
/// A role someone else changed meanwhile, and not touched here, stays as it is. With htmx a
/// box sends the form as soon as it is toggled; without script, the save button does.
pub(super) async fn set_job_roles(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    headers: HeaderMap,
    form: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    set_roles(s, lang, Grantee::Job(JobId(id)), headers, form).await
}

pub(super) async fn set_user_roles(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    headers: HeaderMap,
    form: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    set_roles(s, lang, Grantee::User(UserId(id)), headers, form).await
}

pub(super) async fn set_roles(
    s: AppState,
    lang: Lang,
    grantee: Grantee,
    headers: HeaderMap,
    UiForm { caller, form, .. }: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let ids = |key: &str| -> std::collections::BTreeSet<u32> {
        form.iter()
            .filter(|(k, _)| k == key)
            .filter_map(|(_, v)| v.parse().ok())
            .collect()
    };
    let (wanted, shown) = (ids("role"), ids("shown"));
    let commands: Vec<Command> = {
        let w = s.world();
        let now = s.now();
        let mut commands: Vec<Command> = wanted
            .difference(&shown)
            .map(|r| Command::Grant {
                role: RoleId(*r),
                grantee,
                window: Window::ALWAYS,
                scope: None,
                reference: None,
            })
            .collect();
        let held = grants_of(&w, grantee);
        for r in shown.difference(&wanted) {
            commands.extend(
                held.iter()
                    .filter_map(|g| w.grant(*g).ok())
                    .filter(|g| g.role == RoleId(*r) && g.window.status(now) != WindowStatus::Expired)
                    .map(|g| Command::Revoke { grant: g.id }),
            );
        }
        commands
    };
    let outcome = match commands.len() {
        0 => None,
        1 => {
            let command = commands
                .into_iter()
                .next()
                .ok_or_else(|| UiError::new(lang.tr, WebError::internal(&"no command")))?;
            saved(lang, s.execute(&caller, None, command).await)?
        }
        _ => saved(lang, s.execute(&caller, None, Command::Batch { commands }).await)?,
    };
    let back = page_of(grantee);
    let Some(detail) = outcome else {
        return Ok(Redirect::to(&format!("{back}#permissions")).into_response());
    };
    let mut errors = BTreeMap::new();
    errors.insert("roles", detail);
    let mut r = match grantee {
        Grantee::User(u) => page(lang, &user_view(&s, &caller, lang.tr, u, errors, None).await?)?,
        Grantee::Job(j) => page(lang, &job_view(&s, &caller, lang.tr, j, errors).await?)?,
        _ => {
            return Err(UiError::new(
                lang.tr,
                WebError::not_found("no roles page for this grantee"),
            ));
        }
    };
    // htmx swaps only successful answers; the message must show there too.
    if !is_htmx(&headers) {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn grant_to_job(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<GrantForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let job = JobId(id);
    let mut errors = BTreeMap::new();
    let from = optional_date(&f.valid_from, "valid_from", &mut errors);
    // A date entered as "valid to" counts for that whole day (windows are half-open).
    let to = optional_date(&f.valid_to, "valid_to", &mut errors).map(|t| {
        if f.valid_to.trim().len() == 10 {
            Timestamp(t.0 + 86_400)
        } else {
            t
        }
    });
    let reference = match f.reference.trim() {
        "" => None,
        r => Text::parse("reference", r)
            .map_err(|e| errors.insert("reference", crate::error::said(&e)))
            .ok(),
    };
    let window = match Window::new(from, to) {
        Ok(w) => Some(w),
        Err(e) => {
            errors.insert("valid_to", crate::error::said(&e));
            None
        }
    };
    if errors.is_empty()
        && let Some(window) = window
    {
        let command = Command::Grant {
            role: RoleId(f.role),
            grantee: Grantee::Job(job),
            window,
            scope: None,
            reference,
        };
        if let Some(detail) = saved(lang, s.execute(&caller, None, command).await)? {
            errors.insert("role", detail);
        } else {
            return Ok(Redirect::to(&format!("/ui/jobs/{id}#restrictions")).into_response());
        }
    }
    let p = job_view(&s, &caller, lang.tr, job, errors).await?;
    refused_page(lang, &p)
}

/// Where to return after a revocation.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    /// The page to return to (only a page of the UI).
    #[serde(default)]
    pub(super) back: String,
}

pub(super) async fn revoke_grant(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<RevokeForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    s.execute(&caller, None, Command::Revoke { grant: GrantId(id) })
        .await
        .ui(lang.tr)?;
    let back = if f.back.starts_with("/ui/") && !f.back.starts_with("//") {
        f.back
    } else {
        "/ui".to_owned()
    };
    Ok(Redirect::to(&format!("{back}#restrictions")).into_response())
}

/// A role in the role tree.
pub struct RoleTreeRow {
    pub(super) kind: &'static str,
    pub(super) code: String,
    pub(super) description: String,
    pub(super) contains: Vec<String>,
}

#[derive(Template)]
#[template(path = "roles.html")]
pub(super) struct RolesPage {
    pub(super) c: Chrome,
    pub(super) roles: Vec<RoleTreeRow>,
}

pub(super) async fn roles_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    reader(&caller, lang.tr)?;
    let p = {
        let w = s.world();
        let full = matches!(w.authority(&caller.actor(None), s.now()), Ok(Authority::Full));
        let roles = w
            .roles()
            .iter()
            .filter(|r| full || r.kind != RoleKind::System)
            .map(|r| RoleTreeRow {
                kind: match r.kind {
                    RoleKind::Application => "role_kind_app",
                    RoleKind::User => "role_kind_user",
                    RoleKind::System => "role_kind_system",
                },
                code: r.code.to_string(),
                description: r.description.to_string(),
                contains: r
                    .members
                    .iter()
                    .filter_map(|m| w.role(*m).ok())
                    .map(|m| m.code.to_string())
                    .collect(),
            })
            .collect();
        RolesPage {
            c: chrome(&s, &caller, lang.tr),
            roles,
        }
    };
    page(lang, &p)
}
