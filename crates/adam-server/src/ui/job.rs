//! The job page: its details, occupants and roles, and the forms that change them.

use super::chrome::*;
use super::confirm::*;
use super::form::*;
use super::history::*;
use super::i18n::Tr;
use super::panel::*;
use crate::authn::{Caller, Scope};
use crate::service::directory as dir;
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The job form: name and signing code (the office stays).
#[derive(Debug, Deserialize)]
pub struct JobForm {
    pub(super) name: String,
    #[serde(default)]
    pub(super) signing_code: String,
}

pub(super) async fn update_job(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<JobForm>,
) -> UiResult<Response> {
    let job = JobId(id);
    let office = s.world().job(job).ui(lang.tr)?.office;
    let mut errors = BTreeMap::new();
    let name = text(&f.name, "name", "edit_job_name", &mut errors, lang.tr);
    let signing_code = optional(&f.signing_code, "edit_job_signing_code", &mut errors, |sc| {
        SigningCode::parse("signing_code", sc)
    });
    if let (Some(name), Some(signing_code)) = (name, signing_code) {
        let change = dir::JobChange {
            signing_code,
            name,
            office,
        };
        // The page shows no revision: the job is changed as it is now, as before.
        match saved(lang, dir::update_job(&s, &caller, job, change, dir::no_guard).await)? {
            None => return Ok(Redirect::to(&format!("/ui/jobs/{id}")).into_response()),
            Some(detail) => {
                errors.insert("edit_job_name", detail);
            }
        }
    }
    let mut p = job_view(&s, &caller, lang.tr, job, errors).await?;
    p.edited = Some((f.name, f.signing_code));
    refused_page(lang, &p)
}

/// A person to put in a job, by username.
#[derive(Debug, Deserialize)]
pub struct OccupantForm {
    pub(super) username: String,
}

pub(super) async fn assign_occupant(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<OccupantForm>,
) -> UiResult<Response> {
    let job = JobId(id);
    let mut errors = BTreeMap::new();
    let user = s.world().user_by_username(f.username.trim()).ok();
    match user {
        None => {
            errors.insert("occupant", lang.tr.s("no_such_user").to_owned());
        }
        Some(user) => match saved(lang, dir::assign_job(&s, &caller, user, job).await)? {
            None => return Ok(Redirect::to(&format!("/ui/jobs/{id}")).into_response()),
            Some(detail) => {
                errors.insert("occupant", detail);
            }
        },
    }
    let mut p = job_view(&s, &caller, lang.tr, job, errors).await?;
    p.occupant = f.username;
    refused_page(lang, &p)
}

pub(super) async fn remove_occupant(
    State(s): State<AppState>,
    lang: Lang,
    UiPath((id, user)): UiPath<(u32, u32)>,
    UiForm { caller, form: f, .. }: UiForm<ConfirmForm>,
) -> UiResult<Response> {
    let command = dir::unassignment(UserId(user), JobId(id));
    let ask = confirm_first(&s, &caller, lang, &command, confirmed(&f.confirm), |w, tr| {
        Confirmation {
            title: "confirm_remove_from_job",
            button: "remove_from_job",
            lines: vec![format!(
                "{} — {}",
                super::grants::grantee_words(w, Grantee::User(UserId(user)), tr),
                super::grants::grantee_words(w, Grantee::Job(JobId(id)), tr)
            )],
            action: format!("/ui/jobs/{id}/occupants/{user}/remove"),
            fields: Vec::new(),
            back: format!("/ui/jobs/{id}#job-admin"),
        }
    })?;
    if let Some(page) = ask {
        return Ok(page);
    }
    if let Some(detail) = saved(lang, dir::unassign_job(&s, &caller, UserId(user), JobId(id)).await)? {
        let mut errors = BTreeMap::new();
        errors.insert("occupant", detail);
        let p = job_view(&s, &caller, lang.tr, JobId(id), errors).await?;
        return refused_page(lang, &p);
    }
    Ok(Redirect::to(&format!("/ui/jobs/{id}")).into_response())
}

pub(super) async fn set_job_valid(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    form: UiForm<SwitchForm>,
) -> UiResult<Response> {
    switch(s, lang, Grantee::Job(JobId(id)), form).await
}

#[derive(Template)]
#[template(path = "job.html")]
pub(super) struct JobPage {
    pub(super) c: Chrome,
    pub(super) job: Job,
    pub(super) office: (u32, String),
    /// Id, name, whether the caller may remove them from the job (never themselves: a user
    /// administrator does not administer their own account), and if not, why (a key).
    pub(super) occupants: Vec<(u32, String, bool, &'static str)>,
    pub(super) panel: RolePanel,
    /// This page's address, for forms that return here.
    pub(super) back: String,
    pub(super) may_edit: bool,
    /// The caller administers the job's office: may add a person to the job.
    pub(super) may_add_user: bool,
    pub(super) errors: BTreeMap<&'static str, String>,
    pub(super) last: Option<LastChangeView>,
    pub(super) history: Vec<HistoryRow>,
    /// What was typed into the new-person form (kept after a refusal).
    pub(super) new_user: super::user::NewUserForm,
    /// The username typed into the occupant form (kept after a refusal).
    pub(super) occupant: String,
    /// What was typed into the job form after a refusal (name, signing code).
    pub(super) edited: Option<(String, String)>,
}

pub(super) async fn job_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    id: JobId,
    errors: BTreeMap<&'static str, String>,
) -> UiResult<JobPage> {
    let (last, history) = history_of(s, caller, adam_core::EntityKind::Job, id.0).await.ui(lang)?;
    let now = s.now();
    let w = s.world();
    let job = w.job(id).ui(lang)?.clone();
    let may_add_user = caller.has(Scope::Write) && w.require_office(&caller.actor(None), Some(job.office), now).is_ok();
    let office = w
        .office(job.office)
        .map(|o| (o.id.0, format!("{} – {}", o.code, o.name)))
        .ui(lang)?;
    let panel = role_panel(&w, caller, lang, Grantee::Job(id), now);
    let may_edit = panel.may_edit;
    let occupants = w
        .job_occupants(id)
        .iter()
        .filter_map(|u| w.user(*u).ok())
        .map(|u| {
            let may_remove = caller.has(Scope::Write) && w.require_user(&caller.actor(None), u.id, now).is_ok();
            let why = if u.id == caller.user {
                "occupant_locked_own"
            } else {
                "occupant_locked_other"
            };
            (
                u.id.0,
                format!("{} ({})", u.display_name(), u.username),
                may_remove,
                why,
            )
        })
        .collect();
    Ok(JobPage {
        c: chrome(s, caller, lang),
        job,
        office,
        occupants,
        panel,
        back: format!("/ui/jobs/{}", id.0),
        may_edit,
        may_add_user,
        errors,
        last,
        history,
        new_user: super::user::NewUserForm::default(),
        occupant: String::new(),
        edited: None,
    })
}

pub(super) async fn job_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let p = job_view(&s, &caller, lang.tr, JobId(id), BTreeMap::new()).await?;
    page(lang, &p)
}

/// A GET of a job form's address (the language switch of the page a POST answered): the job.
pub(super) async fn back_to_job(
    UiPath(id): UiPath<u32>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Redirect {
    match q {
        Some(q) => Redirect::to(&format!("/ui/jobs/{id}?{q}")),
        None => Redirect::to(&format!("/ui/jobs/{id}")),
    }
}
