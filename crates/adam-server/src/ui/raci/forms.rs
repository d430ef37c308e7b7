//! Changing a solution's responsibility matrix on its page (`/ui/raci`, issue #17): overriding
//! a cell with a reason (`POST /ui/raci/{solution}/override`) and binding a party to an office
//! or a job, found with a picker (`GET /ui/raci/{solution}/bind?party=…&q=…`, one button per
//! match, `POST /ui/raci/{solution}/bind`). Every form carries the session's CSRF token; a
//! refusal is said at its field (or above the form) and the form keeps what was typed. A keeper
//! also creates a registered solution's matrix from a template (`POST /ui/raci/new`; a codename
//! the registry lacks is refused at the solution's field). Who may do what is the engine's
//! (`plan/raci.rs`: the accountable party's job holders and the keepers override, the keepers
//! bind and create); the forms are shown to those who may use them.

use super::super::chrome::*;
use super::super::i18n::Tr;
use super::{Choice, RaciQuery, view};
use crate::authn::{Caller, Scope};
use crate::service::raci as svc;
use crate::state::AppState;
use adam_core::lang::Lang as CoreLang;
use adam_core::raci::{Bound, Cell, Key, Party, RaciMatrix, SolutionCode, TemplateRef};
use adam_core::{JobId, OfficeId, Text, Timestamp, World};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What the change forms hold, with the messages at their fields.
#[derive(Debug, Default)]
pub(crate) struct Typed {
    pub(crate) task: String,
    pub(crate) layer: String,
    pub(crate) party: String,
    pub(crate) letters: String,
    pub(crate) reason: String,
    /// The new-matrix form's solution and template, as typed.
    pub(crate) new_solution: String,
    pub(crate) new_template: String,
    pub(crate) errors: BTreeMap<&'static str, String>,
}

/// What the new-matrix form offers a keeper: the registered solutions without a matrix (as
/// suggestions; the field takes any codename, and one the registry lacks is refused at it) and
/// the shipped templates.
pub(crate) struct CreateOptions {
    pub(crate) solutions: Vec<String>,
    pub(crate) templates: Vec<Choice>,
}

/// The new-matrix form for a keeper who may write; none for anyone else.
pub(crate) fn create_options(w: &World, caller: &Caller, lang: CoreLang, now: Timestamp) -> Option<CreateOptions> {
    if !caller.has(Scope::Write) || !w.keeps_registers(&caller.actor(None), now).unwrap_or(false) {
        return None;
    }
    let solutions = w
        .solutions()
        .iter()
        .map(|s| s.fields.codename.to_string())
        .filter(|c| SolutionCode::parse(c).is_ok_and(|code| w.raci_of(&code).is_err()))
        .collect();
    let templates = adam_core::raci::template::shipped()
        .iter()
        .map(|t| Choice {
            value: format!("{}:{}", t.code, t.version),
            label: format!("{} ({} v{})", t.name.get(lang), t.code, t.version),
        })
        .collect();
    Some(CreateOptions { solutions, templates })
}

/// What the forms offer, for a caller who may use them.
pub(crate) struct Options {
    /// The caller may bind parties (a keeper).
    pub(crate) keeper: bool,
    pub(crate) tasks: Vec<Choice>,
    pub(crate) layers: Vec<Choice>,
    pub(crate) parties: Vec<Choice>,
}

/// The forms for this caller on this matrix: none for someone who may change nothing in it
/// (neither a keeper nor a holder of a job a party answers through).
pub(crate) fn options(w: &World, caller: &Caller, m: &RaciMatrix, lang: CoreLang, now: Timestamp) -> Option<Options> {
    if !caller.has(Scope::Write) {
        return None;
    }
    let t = m.template()?;
    let keeper = w.keeps_registers(&caller.actor(None), now).unwrap_or(false);
    let holds_a_party = m.parties.iter().filter_map(|p| p.bound).any(|b| {
        let (_, job) = w.raci_job(b);
        job.is_some_and(|j| w.raci_people(j).contains(&caller.user))
    });
    if !keeper && !holds_a_party {
        return None;
    }
    Some(Options {
        keeper,
        tasks: t
            .tasks
            .iter()
            .map(|task| Choice {
                value: task.n.to_string(),
                label: format!("{}. {}", task.n, task.name.get(lang)),
            })
            .collect(),
        layers: t
            .layers
            .iter()
            .map(|l| Choice {
                value: l.key.to_string(),
                label: l.name.get(lang).to_owned(),
            })
            .collect(),
        parties: m
            .parties
            .iter()
            .map(|p| Choice {
                value: p.key.to_string(),
                label: match (t.party_index(&p.key), &p.name) {
                    (Some(i), _) => t.parties[i].name.get(lang).to_owned(),
                    (None, Some(n)) => n.to_string(),
                    (None, None) => p.key.to_string(),
                },
            })
            .collect(),
    })
}

/// The override form.
#[derive(Debug, Deserialize)]
pub struct OverrideForm {
    #[serde(default)]
    task: String,
    #[serde(default)]
    layer: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    letters: String,
    #[serde(default)]
    reason: String,
}

fn query(solution: &str) -> RaciQuery {
    RaciQuery {
        solution: Some(solution.to_owned()),
        ..RaciQuery::default()
    }
}

fn back(solution: &str, task: &str, layer: &str) -> Response {
    Redirect::to(&format!(
        "/ui/raci?solution={solution}&task={task}&layer={layer}#raci-table"
    ))
    .into_response()
}

pub(crate) async fn override_cell(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(solution): UiPath<String>,
    UiForm { caller, form: f, .. }: UiForm<OverrideForm>,
) -> UiResult<Response> {
    let t = lang.tr;
    let code = svc::solution(&solution).ui(t)?;
    let matrix = svc::readable(&s.world(), &caller, &code, s.now()).ui(t)?.id;
    let mut errors = BTreeMap::new();
    let task = f
        .task
        .trim()
        .parse::<u16>()
        .map_err(|_| errors.insert("task", t.s("required").to_owned()))
        .ok();
    let layer = Key::parse(f.layer.trim()).or_else(|| {
        errors.insert("layer", t.s("required").to_owned());
        None
    });
    let party = Key::parse(f.party.trim()).or_else(|| {
        errors.insert("party", t.s("required").to_owned());
        None
    });
    let letters = Cell::parse(&f.letters.trim().to_uppercase())
        .map_err(|_| errors.insert("letters", t.s("raci_bad_letters").to_owned()))
        .ok();
    let reason = match f.reason.trim() {
        "" => {
            errors.insert("reason", t.s("raci_reason_needed").to_owned());
            None
        }
        r => Text::parse("reason", r)
            .map_err(|e| errors.insert("reason", crate::error::said(&e)))
            .ok(),
    };
    if let (Some(task), Some(layer), Some(party), Some(letters), Some(reason)) = (task, layer, party, letters, reason) {
        let cell = svc::CellOverride {
            task,
            layer,
            party,
            letters,
            reason: Some(reason),
        };
        match svc::override_cell(&s, &caller, matrix, cell).await {
            Ok(_) => return Ok(back(code.as_str(), f.task.trim(), f.layer.trim())),
            // Not allowed, two A's, nothing changed: said above the form, which keeps it all.
            Err(e) => {
                let status = e.status;
                let p = view(&s, &caller, t, &query(code.as_str()), typed(f, e.detail))?;
                let mut r = page(lang, &p)?;
                *r.status_mut() = if status.is_client_error() {
                    status
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                return Ok(r);
            }
        }
    }
    let mut kept = typed(f, String::new());
    kept.errors = errors;
    let p = view(&s, &caller, t, &query(code.as_str()), kept)?;
    refused_page(lang, &p)
}

fn typed(f: OverrideForm, refusal: String) -> Typed {
    let mut errors = BTreeMap::new();
    if !refusal.is_empty() {
        errors.insert("override", refusal);
    }
    Typed {
        task: f.task,
        layer: f.layer,
        party: f.party,
        letters: f.letters,
        reason: f.reason,
        errors,
        ..Typed::default()
    }
}

/// The new-matrix form.
#[derive(Debug, Deserialize)]
pub struct NewMatrixForm {
    #[serde(default)]
    solution: String,
    #[serde(default)]
    template: String,
}

/// A template as the form's select names it (`dk-sit-2a:1`).
fn template_ref(value: &str) -> Option<TemplateRef> {
    let (code, version) = value.split_once(':')?;
    Some(TemplateRef {
        code: Key::parse(code)?,
        version: version.parse().ok()?,
    })
}

/// Creates a registered solution's matrix; a refusal comes back at its field with the form as
/// typed: the codename's (not a code, not in the registry, already has a matrix), the
/// template's, or above the form (not a keeper).
pub(crate) async fn create(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<NewMatrixForm>,
) -> UiResult<Response> {
    let t = lang.tr;
    let mut errors = BTreeMap::new();
    let code = match f.solution.trim() {
        "" => {
            errors.insert("new_solution", t.s("required").to_owned());
            None
        }
        c => svc::solution(c)
            .map_err(|e| errors.insert("new_solution", e.detail))
            .ok(),
    };
    let template = template_ref(f.template.trim()).or_else(|| {
        errors.insert("new_template", t.s("required").to_owned());
        None
    });
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let (Some(code), Some(template)) = (code, template) {
        let new = svc::NewMatrix {
            solution: code.clone(),
            template,
            parties: Vec::new(),
        };
        match svc::create_matrix(&s, &caller, new).await {
            Ok(_) => return Ok(Redirect::to(&format!("/ui/raci?solution={code}#raci-bindings")).into_response()),
            Err(e) => {
                let field = match e.code {
                    "unknown-raci-solution" | "raci-matrix-exists" => "new_solution",
                    "unknown-raci-template" => "new_template",
                    _ => "new",
                };
                errors.insert(field, e.detail);
                if e.status.is_client_error() {
                    status = e.status;
                }
            }
        }
    }
    let kept = Typed {
        new_solution: f.solution,
        new_template: f.template,
        errors,
        ..Typed::default()
    };
    let none = RaciQuery::default();
    let p = view(&s, &caller, t, &none, kept)?;
    let mut r = page(lang, &p)?;
    *r.status_mut() = status;
    Ok(r)
}

/// The picker's question.
#[derive(Debug, Deserialize)]
pub struct BindQuery {
    #[serde(default)]
    party: String,
    #[serde(default)]
    q: String,
}

/// One office or job the picker offers.
pub(crate) struct Target {
    pub(crate) kind: &'static str,
    pub(crate) id: u32,
    pub(crate) label: String,
}

#[derive(Template)]
#[template(path = "raci_bind.html")]
pub(crate) struct BindPage {
    pub(crate) c: Chrome,
    pub(crate) solution: String,
    pub(crate) party: String,
    pub(crate) party_name: String,
    pub(crate) query: String,
    pub(crate) targets: Vec<Target>,
    pub(crate) error: Option<String>,
}

/// The valid offices and jobs whose code or name holds the question (at most 30).
fn targets(w: &World, q: &str) -> Vec<Target> {
    let q = q.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let hit = |code: &str, name: &str| code.to_lowercase().contains(&q) || name.to_lowercase().contains(&q);
    let offices = w
        .offices()
        .iter()
        .filter(|o| o.valid && hit(o.code.as_str(), o.name.as_str()))
        .map(|o| Target {
            kind: "office",
            id: o.id.0,
            label: format!("{} – {}", o.code, o.name),
        });
    let jobs = w
        .jobs()
        .iter()
        .filter(|j| j.valid && hit(j.code.as_str(), j.name.as_str()))
        .map(|j| Target {
            kind: "job",
            id: j.id.0,
            label: format!("{} – {}", j.code, j.name),
        });
    offices.chain(jobs).take(30).collect()
}

fn require_keeper(s: &AppState, caller: &Caller, t: Tr) -> UiResult<()> {
    let keeper = s.world().keeps_registers(&caller.actor(None), s.now()).unwrap_or(false);
    if keeper && caller.has(Scope::Write) {
        Ok(())
    } else {
        Err(UiError::new(
            t,
            crate::error::WebError::forbidden(
                "not-raci-keeper",
                "only the information-security lead or the system administrator binds the parties of a responsibility matrix",
            )
            .sl("strani matrike odgovornosti povezuje le vodja informacijske varnosti ali skrbnik sistema"),
        ))
    }
}

fn bind_view(
    s: &AppState,
    caller: &Caller,
    t: Tr,
    solution: &str,
    q: &BindQuery,
    error: Option<String>,
) -> UiResult<BindPage> {
    let w = s.world();
    let code = svc::solution(solution).ui(t)?;
    let m = svc::readable(&w, caller, &code, s.now()).ui(t)?;
    let lang = if t.lang() == "en" { CoreLang::En } else { CoreLang::Sl };
    let party_name = m
        .template()
        .and_then(|tpl| {
            let key = Key::parse(q.party.trim())?;
            match (tpl.party_index(&key), m.party(&key)) {
                (Some(i), _) => Some(tpl.parties[i].name.get(lang).to_owned()),
                (None, Some(p)) => Some(p.name.as_ref().map_or_else(|| key.to_string(), ToString::to_string)),
                _ => None,
            }
        })
        .ok_or_else(|| {
            UiError::new(
                t,
                crate::error::WebError::new(
                    StatusCode::NOT_FOUND,
                    "unknown-raci-party",
                    "the matrix has no such party",
                )
                .sl("matrika nima te strani"),
            )
        })?;
    Ok(BindPage {
        c: chrome(s, caller, t),
        solution: code.to_string(),
        party: q.party.trim().to_owned(),
        party_name,
        query: q.q.clone(),
        targets: targets(&w, &q.q),
        error,
    })
}

pub(crate) async fn bind_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(solution): UiPath<String>,
    Query(q): Query<BindQuery>,
) -> UiResult<Response> {
    require_keeper(&s, &caller, lang.tr)?;
    let p = bind_view(&s, &caller, lang.tr, &solution, &q, None)?;
    page(lang, &p)
}

/// A choice of the picker.
#[derive(Debug, Deserialize)]
pub struct BindForm {
    #[serde(default)]
    party: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: u32,
    /// The question the list answered (kept if the binding is refused).
    #[serde(default)]
    q: String,
}

pub(crate) async fn bind(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(solution): UiPath<String>,
    UiForm { caller, form: f, .. }: UiForm<BindForm>,
) -> UiResult<Response> {
    let t = lang.tr;
    require_keeper(&s, &caller, t)?;
    let code = svc::solution(&solution).ui(t)?;
    let (matrix, old) = {
        let w = s.world();
        let m = svc::readable(&w, &caller, &code, s.now()).ui(t)?;
        (m.id, Key::parse(f.party.trim()).and_then(|k| m.party(&k).cloned()))
    };
    let bound = match f.kind.as_str() {
        "office" => Some(Bound::Office(OfficeId(f.id))),
        "job" => Some(Bound::Job(JobId(f.id))),
        _ => None,
    };
    let q = BindQuery {
        party: f.party.clone(),
        q: f.q.clone(),
    };
    let (Some(old), Some(bound)) = (old, bound) else {
        let p = bind_view(&s, &caller, t, code.as_str(), &q, Some(t.s("required").to_owned()))?;
        return refused_page(lang, &p);
    };
    let party = Party {
        bound: Some(bound),
        ..old
    };
    match svc::set_party(&s, &caller, matrix, party).await {
        Ok(_) => Ok(Redirect::to(&format!("/ui/raci?solution={code}#raci-bindings")).into_response()),
        Err(e) => {
            let p = bind_view(&s, &caller, t, code.as_str(), &q, Some(e.detail))?;
            refused_page(lang, &p)
        }
    }
}
