//! The office page: its details, its jobs, and the forms that create and change them.

use super::chrome::*;
use super::form::*;
use super::history::*;
use super::i18n::Tr;
use super::tree::*;
use crate::authn::{Caller, Scope};
use crate::error::WebError;
use crate::service::directory as dir;
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::State;
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
    /// The offices it may be placed under (valid, outside its own subtree, administered by
    /// the caller; the top first when offered): id (`""`: the top), label, whether chosen.
    pub(super) parents: Vec<(String, String, bool)>,
    /// What the edit form holds (name, signing code): the office's, or what was typed before a
    /// refusal.
    pub(super) typed_edit: (String, String),
    /// What the new-office form held after a refusal.
    pub(super) typed_new: NewOfficeTyped,
    pub(super) jobs: Vec<TreeJob>,
    pub(super) may_edit: bool,
    pub(super) errors: BTreeMap<&'static str, String>,
    pub(super) last: Option<LastChangeView>,
    pub(super) history: Vec<HistoryRow>,
    /// The office's permissions: roles granted to the office reach everyone working in its
    /// subtree (issue 14 item 18).
    pub(super) panel: super::panel::RolePanel,
    /// This page's address, for forms that return here.
    pub(super) back: String,
    /// What was typed into the new-job form (kept after a refusal).
    pub(super) new_job: NewJobForm,
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
    let may_edit = caller.has(Scope::Write) && w.require_office(&caller.actor(None), Some(id), s.now()).is_ok();
    drop(w);
    let parents = crate::service::setup::parent_choices(s, caller, id)
        .into_iter()
        .map(|p| (p.id.map(|o| o.0.to_string()).unwrap_or_default(), p.label, p.current))
        .collect();
    let c = chrome(s, caller, lang);
    let w = s.world();
    let panel = super::panel::role_panel(&w, caller, lang, Grantee::Office(id), s.now());
    Ok(OfficePage {
        panel,
        back: format!("/ui/offices/{}", id.0),
        new_job: NewJobForm::default(),
        c,
        parents,
        typed_edit: (
            office.name.to_string(),
            office
                .signing_code
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        typed_new: NewOfficeTyped::default(),
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
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let p = office_view(&s, &caller, lang.tr, OfficeId(id), BTreeMap::new()).await?;
    page(lang, &p)
}

/// The new-office form; `parent` empty: at the top, under `Company.main`.
#[derive(Debug, Deserialize)]
pub struct NewOfficeForm {
    #[serde(default)]
    pub(super) parent: String,
    pub(super) code: String,
    pub(super) name: String,
}

/// An office chosen in a form: empty for the top; anything else must be an office id.
fn parent_field(text: &str, lang: Tr) -> UiResult<Option<OfficeId>> {
    match text.trim() {
        "" => Ok(None),
        t => t.parse::<u32>().map(|id| Some(OfficeId(id))).map_err(|_| {
            UiError::new(
                lang,
                WebError::new(StatusCode::BAD_REQUEST, "bad-form", format!("{t:?} is not an office")),
            )
        }),
    }
}

pub(super) async fn create_office(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<NewOfficeForm>,
) -> UiResult<Response> {
    let parent = parent_field(&f.parent, lang.tr)?;
    let mut errors = BTreeMap::new();
    let code = checked(Code::parse("code", &f.code), "code", &mut errors);
    let name = checked(Text::parse("name", &f.name), "name", &mut errors);
    if let (Some(code), Some(name)) = (code, name) {
        let input = dir::NewOffice {
            code,
            name,
            parent,
            signing_code: None,
        };
        match dir::create_office(&s, &caller, input).await {
            Ok(new) => return Ok(Redirect::to(&format!("/ui/offices/{}", new.0)).into_response()),
            Err(e) => {
                if let Some(detail) = saved(lang, Err(e))? {
                    errors.insert("code", detail);
                }
            }
        }
    }
    let typed = NewOfficeTyped {
        code: f.code,
        name: f.name,
    };
    match parent {
        None => {
            let p = tree_view(&s, &caller, lang.tr, String::new(), typed, errors);
            refused_page(lang, &p)
        }
        Some(parent) => {
            let mut p = office_view(&s, &caller, lang.tr, parent, errors).await?;
            p.typed_new = typed;
            refused_page(lang, &p)
        }
    }
}

/// The office form: name, signing code, parent; `rev` is the revision the page showed.
#[derive(Debug, Deserialize)]
pub struct OfficeForm {
    pub(super) rev: u64,
    pub(super) name: String,
    #[serde(default)]
    pub(super) signing_code: String,
    /// Empty: directly under `Company.main` (an office id, `0` included, otherwise).
    #[serde(default)]
    pub(super) parent: String,
}

pub(super) async fn update_office(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<OfficeForm>,
) -> UiResult<Response> {
    let office = OfficeId(id);
    let mut errors = BTreeMap::new();
    let name = checked(Text::parse("name", &f.name), "edit_name", &mut errors);
    let signing_code = optional(&f.signing_code, "edit_signing_code", &mut errors, |sc| {
        SigningCode::parse("signing_code", sc)
    });
    let parent = parent_field(&f.parent, lang.tr)?;
    if let (Some(name), Some(signing_code)) = (name, signing_code) {
        let change = dir::OfficeChange {
            name,
            parent,
            signing_code,
        };
        let seen = Revision(f.rev);
        let guard = move |w: &World| {
            unchanged_since(
                w.office(office).map(|o| o.rev),
                seen,
                "someone else changed this office after you opened the page; reload it and make your change again",
                "urad je medtem spremenil nekdo drug; znova naložite stran in ponovite spremembo",
            )
        };
        match dir::update_office(&s, &caller, office, change, guard).await {
            // A taken signing code is the signing code's fault: the message goes there.
            Err(e) if e.code == "duplicate-signing-code" => {
                errors.insert("edit_signing_code", e.detail);
            }
            outcome => {
                if let Some(detail) = saved(lang, outcome)? {
                    errors.insert("edit_form", detail);
                } else {
                    return Ok(Redirect::to(&format!("/ui/offices/{id}")).into_response());
                }
            }
        }
    }
    let mut p = office_view(&s, &caller, lang.tr, office, errors).await?;
    p.typed_edit = (f.name, f.signing_code);
    // The parent the person chose stays chosen.
    for choice in &mut p.parents {
        choice.2 = choice.0 == f.parent.trim();
    }
    refused_page(lang, &p)
}

/// The new-job form of an office page.
#[derive(Debug, Default, Deserialize)]
pub struct NewJobForm {
    #[serde(default)]
    pub(super) code: String,
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) signing_code: String,
}

pub(super) async fn create_job(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<NewJobForm>,
) -> UiResult<Response> {
    let office = OfficeId(id);
    let mut errors = BTreeMap::new();
    let code = checked(JobCode::parse("code", &f.code), "job_code", &mut errors);
    let name = text(&f.name, "name", "job_name", &mut errors, lang.tr);
    let signing_code = optional(&f.signing_code, "job_signing_code", &mut errors, |sc| {
        SigningCode::parse("signing_code", sc)
    });
    if let (Some(code), Some(name), Some(signing_code)) = (code, name, signing_code) {
        let input = dir::NewJob {
            code,
            signing_code,
            name,
            office,
        };
        match dir::create_job(&s, &caller, input).await {
            Ok(job) => return Ok(Redirect::to(&format!("/ui/jobs/{}", job.0)).into_response()),
            Err(e) => {
                if let Some(detail) = saved(lang, Err(e))? {
                    errors.insert("job_code", detail);
                }
            }
        }
    }
    // The form comes back with what was typed, its message at the field.
    let mut p = office_view(&s, &caller, lang.tr, office, errors).await?;
    p.new_job = f;
    refused_page(lang, &p)
}

pub(super) async fn set_office_valid(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    form: UiForm<SwitchForm>,
) -> UiResult<Response> {
    switch(s, lang, Grantee::Office(OfficeId(id)), form).await
}
