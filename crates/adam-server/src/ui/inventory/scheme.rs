//! The classification scheme in the admin UI (`/ui/classification-scheme`, Decree Art. 11(3)):
//! the codes Z1–Z3, C1–C3, R1–R3 and "unclassified" with the names, criteria and labelling text
//! the organisation filled in from the Decree's annex, the regulation it implements and its
//! version, the last change and the history; for the keepers, the form that saves a new version
//! (one row per code). The API has the same record (`GET`/`PUT /api/v1/class-scheme`).
//!
//! Every account reads the scheme (everyone labels what they write by it), as over the API; the
//! form is shown only to the keepers (the information-security lead, the system administrator)
//! with the write scope, and the change is `service::decree_roles::set_scheme` through
//! `AppState::execute`, so the engine decides anyway. A page opened before someone else's change
//! is refused rather than written over it; a refusal comes back with what was typed and the
//! message at its field.

use super::super::chrome::*;
use super::super::form::{self, Errors};
use super::super::history::record_history;
use super::super::history::{HistoryRow, LastChangeView};
use super::super::i18n::Tr;
use super::risk::require_keeper;
use super::*;
use crate::authn::{Caller, Scope};
use adam_core::register::scheme::{SchemeCode, SchemeEntry};
use axum::response::{IntoResponse, Redirect};

/// A code's form fields: the code, and the names of its name, criteria and labelling fields
/// (also the keys of their messages).
const FIELDS: [(SchemeCode, &str, &str, &str); 10] = [
    (
        SchemeCode::Unclassified,
        "name_unclassified",
        "criteria_unclassified",
        "labelling_unclassified",
    ),
    (SchemeCode::Z1, "name_Z1", "criteria_Z1", "labelling_Z1"),
    (SchemeCode::Z2, "name_Z2", "criteria_Z2", "labelling_Z2"),
    (SchemeCode::Z3, "name_Z3", "criteria_Z3", "labelling_Z3"),
    (SchemeCode::C1, "name_C1", "criteria_C1", "labelling_C1"),
    (SchemeCode::C2, "name_C2", "criteria_C2", "labelling_C2"),
    (SchemeCode::C3, "name_C3", "criteria_C3", "labelling_C3"),
    (SchemeCode::R1, "name_R1", "criteria_R1", "labelling_R1"),
    (SchemeCode::R2, "name_R2", "criteria_R2", "labelling_R2"),
    (SchemeCode::R3, "name_R3", "criteria_R3", "labelling_R3"),
];

/// The words of a code's dimension.
fn dimension_key(code: SchemeCode) -> &'static str {
    match code.as_str().chars().next() {
        Some('Z') => "inv_dim_z",
        Some('C') => "inv_dim_c",
        Some('R') => "inv_dim_r",
        _ => "scheme_dim_none",
    }
}

/// One code's row: as the table shows it, and as the form holds it (typed or filled).
pub(crate) struct CodeRow {
    /// `Z2`, or empty for "unclassified" (shown in words).
    pub(crate) code: &'static str,
    pub(crate) dimension: &'static str,
    pub(crate) name: String,
    pub(crate) criteria: String,
    pub(crate) labelling: String,
    /// The form's field names (and message keys): name, criteria, labelling.
    pub(crate) fields: (&'static str, &'static str, &'static str),
    /// What the form holds: name, criteria, labelling.
    pub(crate) typed: (String, String, String),
}

#[derive(Template)]
#[template(path = "scheme.html")]
pub(crate) struct SchemePage {
    pub(crate) c: Chrome,
    pub(crate) regulation: String,
    pub(crate) version: u32,
    pub(crate) rows: Vec<CodeRow>,
    pub(crate) may_keep: bool,
    /// The form's regulation and the revision it was opened at.
    pub(crate) typed_regulation: String,
    pub(crate) rev: String,
    pub(crate) errors: Errors,
    pub(crate) last: Option<LastChangeView>,
    pub(crate) history: Vec<HistoryRow>,
}

/// What was typed: every field by its name (`regulation`, `rev`, `name_Z1`, …).
type Typed = std::collections::HashMap<String, String>;

fn opt(t: &Option<Text>) -> String {
    t.as_ref().map(ToString::to_string).unwrap_or_default()
}

async fn view(s: &AppState, caller: &Caller, lang: Tr, typed: Option<&Typed>, errors: Errors) -> UiResult<SchemePage> {
    reader(caller, lang)?;
    let now = s.now();
    let (regulation, version, rev, rows, may_keep) = {
        let w = s.world();
        let scheme = w.class_scheme();
        let may_keep = caller.has(Scope::Write) && w.keeps_registers(&caller.actor(None), now).unwrap_or(false);
        let rows = FIELDS
            .iter()
            .map(|(code, name, criteria, labelling)| {
                let entry = scheme.entry(*code);
                let shown = |f: fn(&SchemeEntry) -> &Option<Text>| entry.map(|e| opt(f(e))).unwrap_or_default();
                let (n, c, l) = (shown(|e| &e.name), shown(|e| &e.criteria), shown(|e| &e.labelling));
                let typed_of = |key: &str, filled: &String| match typed {
                    Some(t) => t.get(key).cloned().unwrap_or_default(),
                    None => filled.clone(),
                };
                CodeRow {
                    code: if *code == SchemeCode::Unclassified {
                        ""
                    } else {
                        code.as_str()
                    },
                    dimension: dimension_key(*code),
                    typed: (typed_of(name, &n), typed_of(criteria, &c), typed_of(labelling, &l)),
                    name: n,
                    criteria: c,
                    labelling: l,
                    fields: (name, criteria, labelling),
                }
            })
            .collect();
        (
            scheme.regulation.to_string(),
            scheme.version,
            scheme.rev.0.to_string(),
            rows,
            may_keep,
        )
    };
    let (last, history) = record_history(s, EntityKind::ClassScheme, 0, lang).await?;
    Ok(SchemePage {
        c: chrome(s, caller, lang),
        typed_regulation: typed.map_or_else(
            || regulation.clone(),
            |t| t.get("regulation").cloned().unwrap_or_default(),
        ),
        rev: typed.map_or_else(|| rev.clone(), |t| t.get("rev").cloned().unwrap_or_default()),
        regulation,
        version,
        rows,
        may_keep,
        errors,
        last,
        history,
    })
}

#[derive(Template)]
#[template(path = "scheme_print.html")]
pub(crate) struct SchemePrint {
    pub(crate) c: Chrome,
    pub(crate) regulation: String,
    pub(crate) version: u32,
    pub(crate) rows: Vec<CodeRow>,
    pub(crate) organisation: String,
    pub(crate) printed: String,
}

/// The scheme as a printable page (every account reads it).
pub(crate) async fn scheme_print(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let p = view(&s, &caller, lang.tr, None, Errors::new()).await?;
    let print = SchemePrint {
        c: p.c,
        regulation: p.regulation,
        version: p.version,
        rows: p.rows,
        organisation: s.world().settings().organisation.to_string(),
        printed: local(s.now()),
    };
    page(lang, &print)
}

/// The scheme as CSV, the header in the page's language, for anyone who may read (the caller
/// is taken for the route's scope, which `needs` reads).
pub(crate) async fn scheme_export(State(s): State<AppState>, lang: Lang, _caller: UiCaller) -> UiResult<Response> {
    let text = crate::service::register_export::scheme_csv(
        s.world().class_scheme(),
        super::super::words::engine::lang(lang.tr),
    )
    .map_err(|e| UiError::new(lang.tr, crate::error::WebError::internal(&e)))?;
    Ok(super::risk::csv_download(text, "classification-scheme.csv"))
}

pub(crate) async fn scheme_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let p = view(&s, &caller, lang.tr, None, Errors::new()).await?;
    page(lang, &p)
}

/// An optional text of the form: empty is `Some(None)`; too long or unreadable, a message at
/// `key`.
fn optional_text(typed: &Typed, key: &'static str, errors: &mut Errors, lang: Tr) -> Option<Option<Text>> {
    let value = typed.get(key).map(String::as_str).unwrap_or_default();
    if too_long(value.trim(), Text::MAX, key, errors, lang) {
        return None;
    }
    form::optional(value, key, errors, |v| Text::parse("text", v))
}

pub(crate) async fn save(
    State(s): State<AppState>,
    lang: Lang,
    UiForm {
        caller, form: typed, ..
    }: UiForm<Typed>,
) -> UiResult<Response> {
    require_keeper(&s, &caller, lang.tr, "change the classification scheme")?;
    let mut errors = Errors::new();
    let regulation = form::text(
        typed.get("regulation").map(String::as_str).unwrap_or_default(),
        "regulation",
        "regulation",
        &mut errors,
        lang.tr,
    );
    let mut entries = Vec::new();
    for (code, name, criteria, labelling) in FIELDS {
        let (n, c, l) = (
            optional_text(&typed, name, &mut errors, lang.tr),
            optional_text(&typed, criteria, &mut errors, lang.tr),
            optional_text(&typed, labelling, &mut errors, lang.tr),
        );
        if let (Some(name), Some(criteria), Some(labelling)) = (n, c, l) {
            entries.push(SchemeEntry {
                code,
                name,
                criteria,
                labelling,
            });
        }
    }
    let seen = Revision(typed.get("rev").and_then(|r| r.trim().parse().ok()).unwrap_or(u64::MAX));
    let current = s.world().class_scheme().rev;
    if let Err(e) = form::unchanged_since(
        Ok(current),
        seen,
        "someone else changed the classification scheme meanwhile; look at the version in force and make the change anew",
        "shemo razvrščanja je medtem spremenil nekdo drug; poglejte veljavno različico in spremembo vnesite znova",
    ) {
        errors.insert("scheme_form", e.detail);
    }
    if let Some(regulation) = regulation
        && errors.is_empty()
    {
        let outcome = crate::service::decree_roles::set_scheme(&s, &caller, regulation, entries).await;
        match saved(lang, outcome)? {
            None => return Ok(Redirect::to("/ui/classification-scheme#scheme").into_response()),
            Some(detail) => {
                errors.insert("scheme_form", detail);
            }
        }
    }
    let p = view(&s, &caller, lang.tr, Some(&typed), errors).await?;
    refused_page(lang, &p)
}
