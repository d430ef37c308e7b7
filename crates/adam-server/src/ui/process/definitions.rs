//! The process definitions in the UI: the list with every kept version (`/ui/processes`), a
//! definition's page with its diagram, steps, roles and fields (`/ui/processes/{key}`), and the
//! import form of the register keepers — the definition pasted or uploaded as a file
//! (`multipart/form-data`, the CSRF token first); a definition that cannot work comes back
//! with every problem validation named, in the page's language, and the pasted text kept.

use super::super::chrome::*;
use super::super::i18n::Tr;
use super::super::words::engine::lang as core_lang;
use crate::authn::Scope;
use crate::service::process::{self as svc, ProcessRow};
use crate::state::AppState;
use adam_core::process::{self, Marks, StepKind};
use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "processes.html")]
pub(crate) struct ListPage {
    pub(crate) c: Chrome,
    pub(crate) rows: Vec<ProcessRow>,
    pub(crate) may_import: bool,
    /// The pasted definition, kept after a refusal.
    pub(crate) text: String,
    pub(crate) error: String,
    pub(crate) problems: Vec<String>,
}

fn list_view(s: &AppState, caller: &crate::authn::Caller, t: Tr) -> UiResult<ListPage> {
    reader(caller, t)?;
    let w = s.world();
    Ok(ListPage {
        c: chrome(s, caller, t),
        rows: svc::processes(&w, core_lang(t)),
        may_import: svc::keeper(&w, caller, s.now()) && caller.has(Scope::Write),
        text: String::new(),
        error: String::new(),
        problems: Vec::new(),
    })
}

pub(crate) async fn list_page(State(s): State<AppState>, lang: Lang, UiCaller(caller): UiCaller) -> UiResult<Response> {
    page(lang, &list_view(&s, &caller, lang.tr)?)
}

/// The largest definition the form takes (pasted or uploaded).
const MAX_DEFINITION: usize = 2 * 1024 * 1024;

/// Imports a definition pasted into the form or uploaded as a file.
pub(crate) async fn import(State(s): State<AppState>, lang: Lang, request: Request) -> UiResult<Response> {
    let t = lang.tr;
    let (caller, text) = super::pasted_or_uploaded(&s, t, request, "definition", MAX_DEFINITION).await?;
    let mut p = list_view(&s, &caller, t)?;
    if text.trim().is_empty() {
        p.error = t.s("proc_paste_or_upload").to_owned();
    } else {
        match svc::parse_definition(&text) {
            Err(e) => p.error = e.detail,
            Ok(definition) => {
                let key = definition.key.to_string();
                match svc::import_process(&s, &caller, definition).await {
                    Ok(_) => return Ok(Redirect::to(&format!("/ui/processes/{key}")).into_response()),
                    Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                        return Err(UiError::new(t, e));
                    }
                    Err(e) => {
                        if let Some(list) = e.extra.get("problems").and_then(|p| p.as_array()) {
                            p.problems = list.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect();
                        }
                        p.error = e.detail;
                    }
                }
            }
        }
    }
    p.text = text;
    refused_page(lang, &p)
}

/// A step as the definition's page lists it.
pub(crate) struct StepRow {
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) end: bool,
    pub(crate) performer: String,
    pub(crate) due_days: String,
    pub(crate) article: String,
    /// Outcome and the step it leads to.
    pub(crate) outcomes: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "process.html")]
pub(crate) struct DefinitionPage {
    pub(crate) c: Chrome,
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) version: u32,
    pub(crate) versions: Vec<u32>,
    pub(crate) description: String,
    pub(crate) regulation: String,
    pub(crate) diagram: String,
    pub(crate) steps: Vec<StepRow>,
    /// Role names and who they are.
    pub(crate) roles: Vec<String>,
    /// Field name, kind, article.
    pub(crate) fields: Vec<(String, &'static str, String)>,
    pub(crate) security_event: bool,
}

pub(crate) async fn definition_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(key): UiPath<String>,
) -> UiResult<Response> {
    let t = lang.tr;
    let l = core_lang(t);
    let w = s.world();
    let def = svc::definition(&w, &key).ui(t)?;
    let step_name = |k: &str| def.step(k).map_or_else(|| k.to_owned(), |s| s.name.pick(l).to_owned());
    let steps = def
        .steps
        .iter()
        .map(|st| StepRow {
            key: st.key.to_string(),
            name: st.name.pick(l).to_owned(),
            end: st.kind == StepKind::End,
            performer: st
                .performer
                .as_ref()
                .map(|r| {
                    def.role(r.as_str())
                        .map_or_else(|| r.to_string(), |d| d.name.pick(l).to_owned())
                })
                .unwrap_or_default(),
            due_days: st.due_days.map(|d| d.to_string()).unwrap_or_default(),
            article: st.article.as_ref().map(ToString::to_string).unwrap_or_default(),
            outcomes: st
                .outcomes
                .iter()
                .map(|o| (o.name.pick(l).to_owned(), step_name(o.to.as_str())))
                .collect(),
        })
        .collect();
    let p = DefinitionPage {
        c: chrome(&s, &caller, t),
        key: def.key.to_string(),
        name: def.name.pick(l).to_owned(),
        version: def.version,
        versions: w
            .process_definitions()
            .iter()
            .filter(|k| k.definition.key == def.key)
            .map(|k| k.definition.version)
            .collect(),
        description: def
            .description
            .as_ref()
            .map(|d| d.pick(l).to_owned())
            .unwrap_or_default(),
        regulation: def.regulation.as_ref().map(ToString::to_string).unwrap_or_default(),
        diagram: process::svg(&def, &Marks::none(), l),
        steps,
        roles: def.roles.iter().map(|r| r.name.pick(l).to_owned()).collect(),
        fields: def
            .fields
            .iter()
            .map(|f| {
                (
                    f.name.pick(l).to_owned(),
                    kind_words(f.kind.as_str(), t),
                    f.article.as_ref().map(ToString::to_string).unwrap_or_default(),
                )
            })
            .collect(),
        security_event: def.key.as_str() == process::SECURITY_EVENT,
    };
    page(lang, &p)
}

/// A field kind in words.
fn kind_words(kind: &str, t: Tr) -> &'static str {
    t.s(match kind {
        "text" => "proc_kind_text",
        "long_text" => "proc_kind_long_text",
        "bool" => "proc_kind_bool",
        "date" => "proc_kind_date",
        "date_time" => "proc_kind_date_time",
        "money" => "proc_kind_money",
        "number" => "proc_kind_number",
        "choice" => "proc_kind_choice",
        "choices" => "proc_kind_choices",
        "system" => "proc_kind_system",
        _ => "proc_kind_person",
    })
}
