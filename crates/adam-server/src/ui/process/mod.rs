//! Processes in the admin UI (issue #16): the work lists (`/ui/cases`: my steps, overdue steps
//! with their age, the cases the caller reads), the short form any employee uses to report a
//! security event (Art. 19(1)), starting a case of another process, the case page
//! (`case.rs`), and the process definitions with their diagrams and the import form
//! (`definitions.rs`); the registers of events, incidents and changes (`register.rs`).
//!
//! A thin adapter over `service::process`: who reads a case, what its view shows (restricted
//! fields hidden), the work lists and the ministry's notification are the service's; every
//! change is a command through `AppState::execute`, so the engine decides who may make it.

mod case;
mod definitions;
mod fields;
/// The "as of" field's reading and writing, shared with the other record pages (`ui/raci.rs`).
pub(crate) use fields::{local_input, local_instant};
mod files;
mod notifications;
mod register;

use super::chrome::*;
use super::guard::needs;
use super::words::engine::lang as core_lang;
use crate::authn::Scope;
use crate::service::process::{self as svc, CaseRow};
use crate::state::AppState;
use adam_core::process::{self, Binding, CaseState, FieldKind};
use adam_core::*;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The processes' routes.
pub(super) fn routes() -> super::Routes {
    super::Routes::new()
        .route("/ui/cases", get(needs(Scope::Read, work_page)))
        .route("/ui/reports/cases", get(needs(Scope::Read, register::register_page)))
        .route(
            "/ui/cases/report",
            get(needs(Scope::Read, report_page)).post(needs(Scope::Write, report)),
        )
        .route(
            "/ui/cases/{id}",
            get(case::case_page).post(needs(Scope::Write, case::fill)),
        )
        .route(
            "/ui/cases/{id}/decide",
            get(case::back_to_case).post(needs(Scope::Write, case::decide)),
        )
        .route(
            "/ui/cases/{id}/consent",
            get(case::back_to_case).post(needs(Scope::Write, case::consent)),
        )
        .route("/ui/cases/{id}/files", get(case::back_to_case).post(files::upload))
        .route("/ui/cases/{id}/notification", get(case::notification_page))
        .route("/ui/cases/{id}/notification.json", get(case::notification_json))
        .route("/ui/processes", get(definitions::list_page).post(definitions::import))
        .route(
            "/ui/notifications",
            get(notifications::notifications_page).post(notifications::register),
        )
        .route(
            "/ui/processes/{key}",
            get(needs(Scope::Read, definitions::definition_page)),
        )
        .route(
            "/ui/processes/{key}/start",
            get(needs(Scope::Read, start_page)).post(needs(Scope::Write, start)),
        )
}

/// A line of a work list as the page shows it.
pub(super) struct RowView {
    pub(super) id: u32,
    pub(super) reference: String,
    pub(super) title: String,
    pub(super) process: String,
    pub(super) step: String,
    pub(super) closed: bool,
    pub(super) entered: String,
    pub(super) age_days: i64,
    pub(super) due: String,
    pub(super) overdue: bool,
}

impl RowView {
    fn of(r: &CaseRow) -> RowView {
        RowView {
            id: r.id.0,
            reference: r.reference.clone(),
            title: r.title.clone(),
            process: r.process_name.clone(),
            step: r.step_name.clone(),
            closed: r.state == CaseState::Closed,
            entered: local(r.entered_at),
            age_days: r.age_days,
            due: r.due.map(local).unwrap_or_default(),
            overdue: r.overdue,
        }
    }
}

/// One of the work lists: its element id, the keys of its title, hint and empty line, its rows.
pub(super) struct List {
    pub(super) id: &'static str,
    pub(super) title: &'static str,
    pub(super) hint: &'static str,
    pub(super) none: &'static str,
    pub(super) rows: Vec<RowView>,
}

#[derive(Template)]
#[template(path = "cases.html")]
pub(super) struct WorkPage {
    pub(super) c: Chrome,
    pub(super) lists: Vec<List>,
}

pub(super) async fn work_page(State(s): State<AppState>, lang: Lang, UiCaller(caller): UiCaller) -> UiResult<Response> {
    let w = s.world();
    let lists = svc::work(&w, &caller, s.now(), core_lang(lang.tr)).ui(lang.tr)?;
    let p = WorkPage {
        c: chrome(&s, &caller, lang.tr),
        lists: vec![
            List {
                id: "my-steps",
                title: "proc_my_steps",
                hint: "proc_my_steps_hint",
                none: "proc_no_steps",
                rows: lists.my_steps.iter().map(RowView::of).collect(),
            },
            List {
                id: "overdue",
                title: "proc_overdue_steps",
                hint: "proc_due_policy",
                none: "proc_no_overdue",
                rows: lists.overdue.iter().map(RowView::of).collect(),
            },
            List {
                id: "cases",
                title: "proc_my_cases",
                hint: "proc_my_cases_hint",
                none: "proc_no_cases",
                rows: lists.cases.iter().map(RowView::of).collect(),
            },
        ],
    };
    page(lang, &p)
}

/// What the report form sends.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub(super) situation: String,
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) what: String,
}

#[derive(Template)]
#[template(path = "case_report.html")]
pub(super) struct ReportPage {
    pub(super) c: Chrome,
    /// Art. 19(1)'s situations: key and words.
    pub(super) situations: Vec<(String, String)>,
    pub(super) form: ReportForm,
    pub(super) errors: BTreeMap<String, String>,
}

/// The situations of Art. 19(1), as the shipped definition names them.
fn situations(w: &World, tr: super::i18n::Tr) -> Vec<(String, String)> {
    let def = svc::definition(w, process::SECURITY_EVENT).ok();
    def.and_then(|d| d.field("situation").cloned())
        .map(|f| {
            f.kind
                .options()
                .iter()
                .map(|o| (o.key.to_string(), o.name.pick(core_lang(tr)).to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

pub(super) async fn report_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let p = ReportPage {
        c: chrome(&s, &caller, lang.tr),
        situations: situations(&s.world(), lang.tr),
        form: ReportForm::default(),
        errors: BTreeMap::new(),
    };
    page(lang, &p)
}

/// Reports a security event: a `security-event` case started by the employee.
pub(super) async fn report(
    State(s): State<AppState>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<ReportForm>,
) -> UiResult<Response> {
    let t = lang.tr;
    let mut errors = BTreeMap::new();
    let known = situations(&s.world(), t);
    if !known.iter().any(|(k, _)| *k == f.situation) {
        errors.insert("situation".to_owned(), t.s("proc_choose_situation").to_owned());
    }
    let title = match f.title.trim() {
        "" => {
            errors.insert("title".to_owned(), t.s("required").to_owned());
            None
        }
        v => Text::parse("title", v)
            .map_err(|e| errors.insert("title".to_owned(), crate::error::said(&e)))
            .ok(),
    };
    if f.what.trim().is_empty() {
        errors.insert("what".to_owned(), t.s("required").to_owned());
    }
    if let (Some(title), true) = (title, errors.is_empty()) {
        let mut fields = BTreeMap::new();
        fields.insert("situation".to_owned(), serde_json::json!(f.situation));
        fields.insert("what".to_owned(), serde_json::json!(f.what.trim()));
        let new = svc::NewCase {
            process: Code::parse("process", process::SECURITY_EVENT).ui(t)?,
            title,
            fields,
            attachments: Vec::new(),
        };
        match started(&s, &caller, lang, new).await? {
            Ok(r) => return Ok(r),
            Err((field, detail)) => {
                errors.insert(if field == "what" { field } else { "form".to_owned() }, detail);
            }
        }
    }
    let p = ReportPage {
        c: chrome(&s, &caller, t),
        situations: known,
        form: f,
        errors,
    };
    refused_page(lang, &p)
}

/// Runs a start: the case's page, or the field a refusal belongs at and its words.
async fn started(
    s: &AppState,
    caller: &crate::authn::Caller,
    lang: Lang,
    new: svc::NewCase,
) -> UiResult<Result<Response, (String, String)>> {
    match svc::start_case(s, caller, new).await {
        Ok(id) => Ok(Ok(Redirect::to(&format!("/ui/cases/{}", id.0)).into_response())),
        Err(e) if e.status == axum::http::StatusCode::FORBIDDEN || e.status == axum::http::StatusCode::UNAUTHORIZED => {
            Err(UiError::new(lang.tr, e))
        }
        Err(e) => {
            let field = e
                .extra
                .get("field")
                .and_then(|v| v.as_str())
                .unwrap_or("form")
                .to_owned();
            Ok(Err((field, e.detail)))
        }
    }
}

/// The start form of a process: a title and the fields its roles are bound by (the system
/// whose custodian prepares a change request); the rest is filled on the case's page.
#[derive(Template)]
#[template(path = "case_start.html")]
pub(super) struct StartPage {
    pub(super) c: Chrome,
    pub(super) key: String,
    pub(super) name: String,
    pub(super) title: String,
    pub(super) inputs: Vec<fields::Input>,
    pub(super) errors: BTreeMap<String, String>,
}

/// The fields a start form asks for: those the definition's roles are bound by.
fn start_fields(def: &process::Definition) -> Vec<&process::FieldDecl> {
    def.fields
        .iter()
        .filter(|f| {
            def.roles.iter().any(|r| match &r.binding {
                Binding::CustodianOf(k) | Binding::OperatorOf(k) | Binding::Person(k) => *k == f.key,
                _ => false,
            }) && matches!(f.kind, FieldKind::System)
        })
        .collect()
}

pub(super) async fn start_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(key): UiPath<String>,
) -> UiResult<Response> {
    if key == process::SECURITY_EVENT {
        return Ok(Redirect::to("/ui/cases/report").into_response());
    }
    let w = s.world();
    let def = svc::definition(&w, &key).ui(lang.tr)?;
    let l = core_lang(lang.tr);
    let inputs = start_fields(&def)
        .into_iter()
        .map(|f| fields::Input::of(&w, f, None, l))
        .collect();
    let p = StartPage {
        c: chrome(&s, &caller, lang.tr),
        key: def.key.to_string(),
        name: def.name.pick(l).to_owned(),
        title: String::new(),
        inputs,
        errors: BTreeMap::new(),
    };
    page(lang, &p)
}

pub(super) async fn start(
    State(s): State<AppState>,
    UiPath(key): UiPath<String>,
    UiForm { caller, form, lang, .. }: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    let t = lang.tr;
    let l = core_lang(t);
    let def = svc::definition(&s.world(), &key).ui(t)?;
    let typed = fields::Typed::of(&form);
    let mut errors = BTreeMap::new();
    let title = typed.one("_title");
    let title = match title.trim() {
        "" => {
            errors.insert("title".to_owned(), t.s("required").to_owned());
            None
        }
        v => Text::parse("title", v)
            .map_err(|e| errors.insert("title".to_owned(), crate::error::said(&e)))
            .ok(),
    };
    let decls = start_fields(&def);
    let given = {
        let w = s.world();
        fields::read(&w, &decls, &typed, &BTreeMap::new(), t, &mut errors)
    };
    if let (Some(title), true) = (title, errors.is_empty()) {
        let new = svc::NewCase {
            process: def.key.clone(),
            title,
            fields: given,
            attachments: Vec::new(),
        };
        match started(&s, &caller, lang, new).await? {
            Ok(r) => return Ok(r),
            Err((field, detail)) => {
                let at = if decls.iter().any(|d| d.key.as_str() == field) {
                    format!("f.{field}")
                } else {
                    "form".to_owned()
                };
                errors.insert(at, detail);
            }
        }
    }
    let w = s.world();
    let inputs = decls
        .into_iter()
        .map(|f| fields::Input::typed(&w, f, &typed, l))
        .collect();
    let p = StartPage {
        c: chrome(&s, &caller, t),
        key: def.key.to_string(),
        name: def.name.pick(l).to_owned(),
        title: typed.one("_title"),
        inputs,
        errors,
    };
    refused_page(lang, &p)
}

/// A form that carries a text pasted into `field` or uploaded as `file` (`multipart/form-data`,
/// the CSRF token first): the caller it authenticates, with the write scope, and the text — an
/// uploaded file wins over the box. Used by the definitions' import and the notifications'
/// register.
pub(super) async fn pasted_or_uploaded(
    s: &AppState,
    t: super::i18n::Tr,
    request: axum::extract::Request,
    field: &str,
    max: usize,
) -> UiResult<(crate::authn::Caller, String)> {
    use crate::authn::{CSRF_HEADER, authenticate};
    use axum::http::{HeaderValue, StatusCode, header};
    let (mut parts, body) = request.into_parts();
    same_site(&parts.headers, t)?;
    let bad = |detail: String| {
        UiError::new(
            t,
            crate::error::WebError::new(StatusCode::BAD_REQUEST, "bad-form", detail),
        )
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut form = super::multipart::Multipart::new(content_type, body).map_err(|e| bad(e.to_string()))?;
    let (mut csrf, mut pasted, mut file) = (None, String::new(), String::new());
    while let Some(head) = form.next_part().await.map_err(|e| bad(e.to_string()))? {
        let value = form.text(max).await.map_err(|e| bad(e.to_string()))?;
        match (head.name.as_str(), head.filename.is_some()) {
            ("_csrf", _) => csrf = Some(value),
            (name, false) if name == field => pasted = value,
            ("file", true) => file = value,
            _ => {}
        }
    }
    if !parts.headers.contains_key(CSRF_HEADER)
        && let Some(v) = csrf.and_then(|t| HeaderValue::from_str(&t).ok())
    {
        parts.headers.insert(CSRF_HEADER, v);
    }
    let (caller, _) = authenticate(&parts, s, false).await.map_err(|e| UiError::new(t, e))?;
    // As for uploads (`ui::upload::read`): the caller is found here, so the scope is checked
    // here rather than by the route.
    caller.require(crate::authn::Scope::Write).ui(t)?;
    Ok((caller, if file.trim().is_empty() { pasted } else { file }))
}
