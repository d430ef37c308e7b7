//! The office page: its details, its jobs, and the forms that create and change them.

use super::chrome::*;
use super::history::*;
use super::i18n::Tr;
use super::tree::*;
use crate::authn::{Caller, Scope};
use crate::error::WebError;
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "office.html")]
pub(super) struct OfficePage {
    pub(super) c: Chrome,
    pub(super) office: Office,
    pub(super) parent: Option<(u32, String)>,
    /// The offices it may be moved under (not itself): id, label, whether it is the parent.
    pub(super) parents: Vec<(u32, String, bool)>,
    pub(super) jobs: Vec<TreeJob>,
    pub(super) may_edit: bool,
    pub(super) errors: BTreeMap<&'static str, String>,
    pub(super) last: Option<LastChangeView>,
    pub(super) history: Vec<HistoryRow>,
}

pub(super) async fn office_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    id: OfficeId,
    errors: BTreeMap<&'static str, String>,
) -> UiResult<OfficePage> {
    let (last, history) = history_of(s, caller, adam_core::EntityKind::Office, id.0)
        .await
        .ui(lang)?;
    let w = s.world();
    let office = w.office(id).ui(lang)?.clone();
    let parent = office
        .parent
        .and_then(|p| w.office(p).ok())
        .map(|p| (p.id.0, format!("{} – {}", p.code, p.name)));
    let may_edit =
        caller.require(Scope::Write).is_ok() && w.require_office(&caller.actor(None), Some(id), s.now()).is_ok();
    let parents = w
        .offices()
        .iter()
        .filter(|o| o.id != id && o.valid)
        .map(|o| (o.id.0, format!("{} – {}", o.code, o.name), office.parent == Some(o.id)))
        .collect();
    Ok(OfficePage {
        c: chrome(s, caller, lang),
        parents,
        jobs: w.office_jobs(id).iter().filter_map(|j| tree_job(&w, *j)).collect(),
        office,
        parent,
        may_edit,
        errors,
        last,
        history,
    })
}

pub(super) async fn office_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Path(id): Path<u32>,
) -> UiResult<Response> {
    reader(&caller, lang.tr)?;
    let p = office_view(&s, &caller, lang.tr, OfficeId(id), BTreeMap::new()).await?;
    page(lang, &p)
}

/// The new-office form.
#[derive(Debug, Deserialize)]
pub struct NewOfficeForm {
    pub(super) parent: u32,
    pub(super) code: String,
    pub(super) name: String,
}

pub(super) async fn create_office(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<NewOfficeForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let parent = OfficeId(f.parent);
    let mut errors = BTreeMap::new();
    let code = Code::parse("code", &f.code)
        .map_err(|e| errors.insert("code", crate::error::said(&e)))
        .ok();
    let name = Text::parse("name", &f.name)
        .map_err(|e| errors.insert("name", crate::error::said(&e)))
        .ok();
    if let (Some(code), Some(name)) = (code, name) {
        let command = Command::CreateOffice {
            code,
            name,
            parent: Some(parent),
            signing_code: None,
        };
        if let Some(detail) = saved(lang, s.execute(&caller, None, command).await)? {
            errors.insert("code", detail);
        } else {
            return Ok(Redirect::to(&format!("/ui/offices/{}", f.parent)).into_response());
        }
    }
    let p = office_view(&s, &caller, lang.tr, parent, errors).await?;
    refused_page(lang, &p)
}

/// The office form: name, signing code, parent; `rev` is the revision the page showed.
#[derive(Debug, Deserialize)]
pub struct OfficeForm {
    pub(super) rev: u64,
    pub(super) name: String,
    #[serde(default)]
    pub(super) signing_code: String,
    /// `0`: directly under `Company.main`.
    pub(super) parent: u32,
}

pub(super) async fn update_office(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<OfficeForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let office = OfficeId(id);
    let mut errors = BTreeMap::new();
    let name = Text::parse("name", &f.name)
        .map_err(|e| errors.insert("edit_name", crate::error::said(&e)))
        .ok();
    let signing_code = match f.signing_code.trim() {
        "" => Some(None),
        sc => SigningCode::parse("signing_code", sc)
            .map_err(|e| errors.insert("edit_signing_code", crate::error::said(&e)))
            .ok()
            .map(Some),
    };
    let parent = (f.parent != 0).then_some(OfficeId(f.parent));
    if let (Some(name), Some(signing_code)) = (name, signing_code) {
        let command = Command::UpdateOffice {
            office,
            name,
            parent,
            signing_code,
        };
        // Two administrators editing the same office: the second save is refused.
        let seen = Revision(f.rev);
        let guard = move |w: &World| -> crate::error::ApiResult<()> {
            match w.office(office) {
                Ok(o) if o.rev != seen => Err(WebError::new(
                    StatusCode::PRECONDITION_FAILED,
                    "stale",
                    "someone else changed this office after you opened the page; reload it and make your change again",
                )
                .sl("urad je medtem spremenil nekdo drug; znova naložite stran in ponovite spremembo")),
                _ => Ok(()),
            }
        };
        if let Some(detail) = saved(lang, s.execute_guarded(&caller, None, command, guard).await)? {
            errors.insert("edit_form", detail);
        } else {
            return Ok(Redirect::to(&format!("/ui/offices/{id}")).into_response());
        }
    }
    let p = office_view(&s, &caller, lang.tr, office, errors).await?;
    refused_page(lang, &p)
}

/// The new-job form of an office page.
#[derive(Debug, Deserialize)]
pub struct NewJobForm {
    pub(super) code: String,
    pub(super) name: String,
    #[serde(default)]
    pub(super) signing_code: String,
}

pub(super) async fn create_job(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<NewJobForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let office = OfficeId(id);
    let mut errors = BTreeMap::new();
    let code = JobCode::parse("code", &f.code)
        .map_err(|e| errors.insert("job_code", crate::error::said(&e)))
        .ok();
    let name = Text::parse("name", &f.name)
        .map_err(|e| errors.insert("job_name", crate::error::said(&e)))
        .ok();
    let signing_code = match f.signing_code.trim() {
        "" => Some(None),
        sc => SigningCode::parse("signing_code", sc)
            .map_err(|e| errors.insert("job_signing_code", crate::error::said(&e)))
            .ok()
            .map(Some),
    };
    if let (Some(code), Some(name), Some(signing_code)) = (code, name, signing_code) {
        let command = Command::CreateJob {
            code,
            signing_code,
            name,
            office,
        };
        match made(lang, s.execute(&caller, None, command).await)? {
            Ok(Some(Created::Job(job))) => return Ok(Redirect::to(&format!("/ui/jobs/{}", job.0)).into_response()),
            Ok(_) => return Ok(Redirect::to(&format!("/ui/offices/{id}")).into_response()),
            Err(detail) => {
                errors.insert("job_code", detail);
            }
        }
    }
    let p = office_view(&s, &caller, lang.tr, office, errors).await?;
    refused_page(lang, &p)
}

pub(super) async fn set_office_valid(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<SwitchForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let command = Command::SetOfficeValid {
        office: OfficeId(id),
        valid: f.to == 1,
    };
    match saved(lang, s.execute(&caller, None, command).await)? {
        None => Ok(Redirect::to(&format!("/ui/offices/{id}")).into_response()),
        Some(detail) => {
            let p = office_view(&s, &caller, lang.tr, OfficeId(id), switch_errors(detail)).await?;
            switched(page(lang, &p), true)
        }
    }
}
