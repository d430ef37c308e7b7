//! The risk assessments register in the admin UI (`/ui/risk`, Decree Art. 9): the list, latest
//! first, with when the next assessment is due and an "overdue" badge once that day has passed
//! (Art. 9(2): at least yearly); an assessment's page with its fields, last change and history;
//! the forms that record one and correct one; a CSV export (`/ui/risk.csv`) and a printable
//! page (`/ui/risk/print`). The API has the same register (`api/risk.rs`); this is its page.
//!
//! Read by whoever reads the inventory (`service::inventory::require_reader`); the forms are
//! shown only to its keepers (the information-security lead, the system administrator) with the
//! write scope, and every change goes through `service::risk` (as the API's) and so
//! `AppState::execute`, so the engine decides anyway. A refused form comes back with what was typed and the message at its field.

use super::super::chrome::*;
use super::super::form::{self, Errors};
use super::super::history::{HistoryRow, LastChangeView};
use super::super::i18n::Tr;
use super::item::saved_coded;
use super::*;
use crate::authn::{Caller, Scope};
use crate::service::register_export::risk_csv;
use adam_core::register::risk::{RiskAssessment, RiskFields};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect};

/// An assessment as the pages show it.
pub(crate) struct RiskRow {
    pub(crate) id: u32,
    pub(crate) date: String,
    pub(crate) scope: String,
    pub(crate) methodology: String,
    pub(crate) findings: String,
    pub(crate) treatment: String,
    pub(crate) residual: String,
    pub(crate) approver: String,
    pub(crate) trigger: String,
    pub(crate) due: String,
}

fn opt(t: &Option<Text>) -> String {
    t.as_ref().map(ToString::to_string).unwrap_or_default()
}

impl RiskRow {
    fn of(w: &World, r: &RiskAssessment) -> RiskRow {
        let f = &r.fields;
        RiskRow {
            id: r.id.0,
            date: f.date.to_string(),
            scope: f.scope.to_string(),
            methodology: opt(&f.methodology),
            findings: f.findings.to_string(),
            treatment: f.treatment.to_string(),
            residual: opt(&f.accepted_residual),
            approver: f.approver.map_or_else(String::new, |u| {
                w.user(u)
                    .map_or_else(|_| u.to_string(), |u| format!("{} ({})", u.display_name(), u.username))
            }),
            trigger: opt(&f.trigger),
            due: r.due().to_string(),
        }
    }
}

/// What was typed into the record and correct forms.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RiskForm {
    #[serde(default)]
    pub(crate) date: String,
    #[serde(default)]
    pub(crate) scope: String,
    #[serde(default)]
    pub(crate) methodology: String,
    #[serde(default)]
    pub(crate) findings: String,
    #[serde(default)]
    pub(crate) treatment: String,
    #[serde(default)]
    pub(crate) residual: String,
    #[serde(default)]
    pub(crate) approver: String,
    #[serde(default)]
    pub(crate) trigger: String,
    #[serde(default)]
    pub(crate) next_due: String,
    /// The revision the correction form showed (empty on the record form).
    #[serde(default)]
    pub(crate) rev: String,
}

impl RiskForm {
    /// The correction form filled with an assessment's fields.
    fn of(w: &World, r: &RiskAssessment) -> RiskForm {
        let f = &r.fields;
        RiskForm {
            date: f.date.to_string(),
            scope: f.scope.to_string(),
            methodology: opt(&f.methodology),
            findings: f.findings.to_string(),
            treatment: f.treatment.to_string(),
            residual: opt(&f.accepted_residual),
            approver: f.approver.map_or_else(String::new, |u| {
                w.user(u).map_or_else(|_| u.to_string(), |u| u.username.to_string())
            }),
            trigger: opt(&f.trigger),
            next_due: f.next_due.map(|d| d.to_string()).unwrap_or_default(),
            rev: r.rev.0.to_string(),
        }
    }

    /// The engine's fields, or `None` with a message at each field that cannot be read.
    fn fields(&self, w: &World, lang: Tr, errors: &mut Errors) -> Option<RiskFields> {
        let date = typed_date(&self.date, "rk_date", errors, lang);
        if date.is_none() && !errors.contains_key("rk_date") {
            errors.insert("rk_date", lang.s("required").to_owned());
        }
        let scope = form::text(&self.scope, "scope", "rk_scope", errors, lang);
        let methodology = optional_text(&self.methodology, "rk_methodology", errors, lang);
        let findings = form::text(&self.findings, "findings", "rk_findings", errors, lang);
        let treatment = form::text(&self.treatment, "treatment", "rk_treatment", errors, lang);
        let residual = optional_text(&self.residual, "rk_residual", errors, lang);
        let trigger = optional_text(&self.trigger, "rk_trigger", errors, lang);
        let approver = match self.approver.trim() {
            "" => Some(None),
            u => w
                .user_by_username(u)
                .map_err(|_| errors.insert("rk_approver", lang.s("inv_no_such_person").to_owned()))
                .ok()
                .map(Some),
        };
        let next_due = typed_date(&self.next_due, "rk_next_due", errors, lang);
        if errors.contains_key("rk_next_due") {
            return None;
        }
        Some(RiskFields {
            date: date?,
            scope: scope?,
            methodology: methodology?,
            findings: findings?,
            treatment: treatment?,
            accepted_residual: residual?,
            approver: approver?,
            trigger: trigger?,
            next_due,
        })
    }
}

/// An optional text field: empty is `Some(None)`; too long or unreadable, a message at `key`.
fn optional_text(value: &str, key: &'static str, errors: &mut Errors, lang: Tr) -> Option<Option<Text>> {
    if too_long(value.trim(), Text::MAX, key, errors, lang) {
        return None;
    }
    form::optional(value, key, errors, |v| Text::parse("text", v))
}

/// Where an engine refusal of the form stands.
fn field_of(code: &str) -> &'static str {
    match code {
        "risk-due-too-late" => "rk_next_due",
        "unknown-user" => "rk_approver",
        _ => "rk_form",
    }
}

#[derive(Template)]
#[template(path = "risk.html")]
pub(crate) struct RiskPage {
    pub(crate) c: Chrome,
    pub(crate) rows: Vec<RiskRow>,
    /// When the next assessment is due (empty: none recorded yet).
    pub(crate) next_due: String,
    pub(crate) overdue: bool,
    pub(crate) may_keep: bool,
    pub(crate) typed: RiskForm,
    pub(crate) errors: Errors,
}

#[derive(Template)]
#[template(path = "risk_print.html")]
pub(crate) struct RiskPrint {
    pub(crate) c: Chrome,
    pub(crate) rows: Vec<RiskRow>,
    pub(crate) next_due: String,
    pub(crate) overdue: bool,
    pub(crate) organisation: String,
    pub(crate) printed: String,
}

#[derive(Template)]
#[template(path = "risk_item.html")]
pub(crate) struct RiskItemPage {
    pub(crate) c: Chrome,
    pub(crate) row: RiskRow,
    pub(crate) may_keep: bool,
    pub(crate) typed: RiskForm,
    pub(crate) errors: Errors,
    pub(crate) last: Option<LastChangeView>,
    pub(crate) history: Vec<HistoryRow>,
    /// Its files (`record_attachments.html`).
    pub(crate) attachments: Vec<super::attachments::AttachmentRow>,
    pub(crate) attach_action: String,
    pub(crate) attach_subject: String,
    pub(crate) may_attach: bool,
    pub(crate) file_error: Option<String>,
    /// The document type as typed, and its refusal.
    pub(crate) attach_doc_type: String,
    pub(crate) doc_type_error: Option<String>,
}

/// Refuses a caller who may not read the register; says whether they may change it (a keeper
/// with the write scope).
fn may_keep(s: &AppState, caller: &Caller, lang: Tr) -> UiResult<bool> {
    let keeper = require_reader(s, caller, lang)?;
    Ok(keeper && caller.has(Scope::Write))
}

/// Refuses (403, the engine's own refusal) a caller who does not keep the registers: before a
/// form's fields are read, so that a forged post learns nothing from the form's messages. The
/// engine checks again when the command runs. The write scope is checked before, by the route
/// (`needs(Scope::Write, …)`) or by the handler.
pub(super) fn require_keeper(s: &AppState, caller: &Caller, lang: Tr, what: &'static str) -> UiResult<()> {
    if s.world().keeps_registers(&caller.actor(None), s.now()).unwrap_or(false) {
        Ok(())
    } else {
        Err(Error::Register(RegisterError::NotRegisterKeeper(what))).ui(lang)
    }
}

/// The assessments, latest first, with when the next is due and whether that is past.
fn register(s: &AppState) -> (Vec<RiskRow>, String, bool) {
    let w = s.world();
    let (latest, overdue) = w.risk_status(LocalDate::of(s.now()));
    let mut all: Vec<&RiskAssessment> = w.risk_assessments().iter().collect();
    all.sort_by_key(|a| std::cmp::Reverse((a.fields.date, a.id)));
    let rows = all.into_iter().map(|r| RiskRow::of(&w, r)).collect();
    (rows, latest.map(|l| l.due().to_string()).unwrap_or_default(), overdue)
}

fn list_view(s: &AppState, caller: &Caller, lang: Tr, typed: RiskForm, errors: Errors) -> UiResult<RiskPage> {
    let may_keep = may_keep(s, caller, lang)?;
    let (rows, next_due, overdue) = register(s);
    Ok(RiskPage {
        c: chrome(s, caller, lang),
        rows,
        next_due,
        overdue,
        may_keep,
        typed,
        errors,
    })
}

pub(crate) async fn risk_page(State(s): State<AppState>, lang: Lang, UiCaller(caller): UiCaller) -> UiResult<Response> {
    let p = list_view(&s, &caller, lang.tr, RiskForm::default(), Errors::new())?;
    page(lang, &p)
}

pub(crate) async fn risk_print(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let (rows, next_due, overdue) = register(&s);
    let p = RiskPrint {
        c: chrome(&s, &caller, lang.tr),
        rows,
        next_due,
        overdue,
        organisation: s.world().settings().organisation.to_string(),
        printed: local(s.now()),
    };
    page(lang, &p)
}

/// A CSV download: the header row is in the page's language, so the answer varies with what
/// chooses it (the language cookie; `Accept-Language` for the API's exports).
pub(super) fn csv_download(text: String, file: &'static str) -> Response {
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub(crate) async fn risk_export(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let text = {
        let w = s.world();
        let mut all: Vec<RiskAssessment> = w.risk_assessments().to_vec();
        all.sort_by_key(|a| std::cmp::Reverse((a.fields.date, a.id)));
        risk_csv(&w, &all, super::super::words::engine::lang(lang.tr))
    }
    .map_err(|e| UiError::new(lang.tr, crate::error::WebError::internal(&e)))?;
    Ok(csv_download(text, "risk-assessments.csv"))
}

pub(crate) async fn record(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<RiskForm>,
) -> UiResult<Response> {
    require_keeper(&s, &caller, lang.tr, "record risk assessments")?;
    let mut errors = Errors::new();
    let fields = f.fields(&s.world(), lang.tr, &mut errors);
    if let Some(fields) = fields {
        let outcome = crate::service::risk::record_risk(&s, &caller, fields).await;
        match saved_coded(lang, outcome)? {
            None => return Ok(Redirect::to("/ui/risk#risk").into_response()),
            Some((detail, code)) => {
                errors.insert(field_of(&code), detail);
            }
        }
    }
    let p = list_view(&s, &caller, lang.tr, f, errors)?;
    refused_page(lang, &p)
}

async fn item_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    id: RiskId,
    typed: Option<RiskForm>,
    errors: Errors,
) -> UiResult<RiskItemPage> {
    let may_keep = may_keep(s, caller, lang)?;
    let (row, filled, attachments) = {
        let w = s.world();
        let r = w.risk_assessment(id).ui(lang)?;
        (
            RiskRow::of(&w, r),
            RiskForm::of(&w, r),
            super::attachments::rows(&r.attachments),
        )
    };
    let file_error = errors.get("f_file").cloned();
    let doc_type_error = errors.get("att_doc_type").cloned();
    let (last, history) = super::super::history::record_history(s, EntityKind::RiskAssessment, id.0, lang).await?;
    Ok(RiskItemPage {
        c: chrome(s, caller, lang),
        row,
        may_keep,
        typed: typed.unwrap_or(filled),
        errors,
        last,
        history,
        attachments,
        attach_action: format!("/ui/risk/{}/attachments", id.0),
        attach_subject: String::new(),
        may_attach: may_keep,
        file_error,
        attach_doc_type: String::new(),
        doc_type_error,
    })
}

/// `GET /ui/risk/{id}/attachments` (a reload after a refused upload): the assessment's page.
pub(crate) async fn back_to_item(UiPath(id): UiPath<u32>) -> Redirect {
    Redirect::to(&format!("/ui/risk/{id}#attachments"))
}

/// Adds an uploaded file to the assessment (`POST /ui/risk/{id}/attachments`).
pub(crate) async fn attach(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    request: axum::extract::Request,
) -> UiResult<Response> {
    let back = format!("/ui/risk/{id}");
    let again = s.clone();
    super::attachments::upload_to(
        &s,
        lang,
        request,
        adam_core::attachment::Attachable::Risk(RiskId(id)),
        back,
        Box::new(move |caller, errors, doc_type| {
            Box::pin(async move {
                let mut p = item_view(&again, &caller, lang.tr, RiskId(id), None, errors).await?;
                p.attach_doc_type = doc_type;
                refused_page(lang, &p)
            })
        }),
    )
    .await
}

pub(crate) async fn item_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let p = item_view(&s, &caller, lang.tr, RiskId(id), None, Errors::new()).await?;
    page(lang, &p)
}

pub(crate) async fn correct(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<RiskForm>,
) -> UiResult<Response> {
    require_keeper(&s, &caller, lang.tr, "record risk assessments")?;
    let risk = RiskId(id);
    let mut errors = Errors::new();
    let fields = {
        let w = s.world();
        let current = w.risk_assessment(risk).map(|r| r.rev);
        // Someone else corrected it since the page was opened: not written over.
        let seen = Revision(f.rev.trim().parse().unwrap_or(u64::MAX));
        match form::unchanged_since(
            current,
            seen,
            "someone else changed this risk assessment meanwhile; look at it again and make the correction anew",
            "oceno tveganj je medtem spremenil nekdo drug; poglejte jo znova in popravek vnesite še enkrat",
        ) {
            Err(e) => {
                errors.insert("rk_form", e.detail);
                None
            }
            Ok(()) => f.fields(&w, lang.tr, &mut errors),
        }
    };
    if let Some(fields) = fields {
        let outcome = crate::service::risk::correct_risk(&s, &caller, risk, fields).await;
        match saved_coded(lang, outcome)? {
            None => return Ok(Redirect::to(&format!("/ui/risk/{id}#basic")).into_response()),
            Some((detail, code)) => {
                errors.insert(field_of(&code), detail);
            }
        }
    }
    let p = item_view(&s, &caller, lang.tr, risk, Some(f), errors).await?;
    refused_page(lang, &p)
}
