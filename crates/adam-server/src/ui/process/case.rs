//! A case's page (`/ui/cases/{id}`): its step with who performs it and when it is due, the
//! diagram of its process with the current and past steps marked (drawn by
//! `adam_core::process::diagram`), its fields (restricted ones hidden by the service's view),
//! the decisions so far, and — for whoever performs the current step — one form with the
//! step's fields and one button per outcome, each with what still keeps it from being taken
//! in words; the consents the step asks for; the files; and a security event's notification
//! to the ministry (a printable page and its JSON). A refused form comes back with what was
//! typed and the message at the field.

use super::super::chrome::*;
use super::super::history::{HistoryRow, LastChangeView, record_history, record_history_until};
use super::super::i18n::Tr;
use super::super::words::engine::lang as core_lang;
use super::fields::{self, Input, Typed};
use crate::authn::Caller;
use crate::service::process::{self as svc, CaseView, MinistryNotification};
use crate::state::AppState;
use adam_core::process::Case;
use adam_core::process::{self, CaseState, Marks};
use adam_core::*;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;

/// A decision as the history shows it.
pub(crate) struct HistoryLine {
    pub(crate) at: String,
    pub(crate) step: String,
    pub(crate) outcome: String,
    pub(crate) by: String,
    pub(crate) comment: String,
    pub(crate) files: usize,
}

/// A file of the case.
pub(crate) struct FileRow {
    pub(crate) name: String,
    pub(crate) doc_type: String,
    pub(crate) size: u64,
    pub(crate) href: String,
}

/// A field shown, not edited here: its name, value, and whether it is hidden from the caller.
pub(crate) struct Shown {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) hidden: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
pub(crate) struct CasePage {
    pub(crate) c: Chrome,
    pub(crate) v: CaseView,
    pub(crate) closed: bool,
    /// The process drawn, current and past steps marked (inline SVG, no script or style).
    pub(crate) diagram: String,
    pub(crate) entered: String,
    pub(crate) due: String,
    pub(crate) started: String,
    pub(crate) started_by: String,
    pub(crate) performers: String,
    /// The decisions, oldest first.
    pub(crate) decisions: Vec<HistoryLine>,
    /// The audit trail's last change of the case and its rows (fills, decisions, consents,
    /// files), as every record's page shows them; filled by [`case_page`].
    pub(crate) last: Option<LastChangeView>,
    pub(crate) history: Vec<HistoryRow>,
    /// The current step's fields, for its performers.
    pub(crate) inputs: Vec<Input>,
    pub(crate) shown: Vec<Shown>,
    pub(crate) comment: String,
    pub(crate) errors: BTreeMap<String, String>,
    /// What a refused decision still missed.
    pub(crate) unmet: Vec<String>,
    pub(crate) security_event: bool,
    pub(crate) files: Vec<FileRow>,
    /// Whether the caller may attach files (performs the step and may upload).
    pub(crate) may_attach: bool,
    /// The document types the definition names: key and words.
    pub(crate) doc_types: Vec<(String, String)>,
    /// The words of each of the change's knock-on duties (`v.duties`, in order).
    pub(crate) duty_keys: Vec<&'static str>,
    /// The instant the page shows the case as of, in Ljubljana's time (empty: now).
    pub(crate) as_of: String,
    /// The "as of" field as typed or shown (`datetime-local`).
    pub(crate) as_of_input: String,
}

/// The page of case `id` for `caller`, with the form as typed (or filled from the case).
pub(crate) fn case_view(
    s: &AppState,
    caller: &Caller,
    t: Tr,
    id: CaseId,
    typed: Option<&Typed>,
    errors: BTreeMap<String, String>,
    unmet: Vec<String>,
) -> UiResult<CasePage> {
    case_view_as_of(s, caller, t, id, None, typed, errors, unmet)
}

/// An earlier instant a case's page is asked about, and the world as it stood then (`None`
/// when nothing changed since: the live world is how it stood).
pub(crate) struct Then {
    pub(crate) past: Option<std::sync::Arc<World>>,
    pub(crate) at: Timestamp,
}

/// As [`case_view`], or — with `then` — the case as it stood at an earlier instant (the
/// service's `view_as_of`: its step, fields, history and files then; who may ask, and who
/// reads its restricted fields, by today's rules; nothing to decide or attach).
#[allow(clippy::too_many_arguments)]
fn case_view_as_of(
    s: &AppState,
    caller: &Caller,
    t: Tr,
    id: CaseId,
    then: Option<&Then>,
    typed: Option<&Typed>,
    errors: BTreeMap<String, String>,
    unmet: Vec<String>,
) -> UiResult<CasePage> {
    let l = core_lang(t);
    let now = s.now();
    let live = s.world();
    let (w, case, v): (&World, Case, CaseView) = match then {
        None => {
            let case = svc::readable_case(&live, caller, id, now).ui(t)?;
            let v = svc::view(&live, caller, &case, now, l).ui(t)?;
            (&*live, case, v)
        }
        Some(then) => {
            let w = then.past.as_deref().unwrap_or(&*live);
            let v = svc::view_as_of(&live, w, caller, id, now, then.at, l).ui(t)?;
            (w, w.case(id).ui(t)?.clone(), v)
        }
    };
    let def = &w.process_definition(case.definition).ui(t)?.definition;
    let diagram = process::svg(def, &Marks::of(&case), l);
    let person = |p: &svc::PersonRef| format!("{} ({})", p.name, p.username);
    let editable = |f: &svc::FieldView| v.may_decide && f.at_step && !f.hidden;
    let inputs = v
        .fields
        .iter()
        .filter(|f| editable(f))
        .filter_map(|f| def.field(&f.key))
        .map(|d| match typed {
            Some(typed) => Input::typed(w, d, typed, l),
            None => Input::of(w, d, case.fields.get(&d.key), l),
        })
        .collect();
    let shown = v
        .fields
        .iter()
        .filter(|f| !editable(f) && (f.hidden || !f.shown.is_empty()))
        .map(|f| Shown {
            name: f.name.clone(),
            value: f.shown.clone(),
            hidden: f.hidden,
        })
        .collect();
    let decisions = v
        .history
        .iter()
        .map(|h| HistoryLine {
            at: local(h.at),
            step: h.step.clone(),
            outcome: h.outcome.clone(),
            by: h.by.as_ref().map_or_else(|| "ADAM".to_owned(), person),
            comment: h.comment.clone().unwrap_or_default(),
            files: h.attachments,
        })
        .collect();
    let files = v
        .attachments
        .iter()
        .map(|a| FileRow {
            name: a.name.to_string(),
            doc_type: a.doc_type.as_ref().map(ToString::to_string).unwrap_or_default(),
            size: a.size,
            href: format!("/ui/attachments/{}", a.sha256),
        })
        .collect();
    Ok(CasePage {
        c: chrome(s, caller, t),
        closed: v.state == CaseState::Closed,
        diagram,
        entered: local(v.entered_at),
        due: v.due.map(local).unwrap_or_default(),
        started: local(v.started_at),
        started_by: v.started_by.as_ref().map_or_else(|| "ADAM".to_owned(), person),
        performers: v.performers.iter().map(person).collect::<Vec<_>>().join(", "),
        decisions,
        last: None,
        history: Vec::new(),
        inputs,
        shown,
        comment: typed.map(|t| t.one("_comment")).unwrap_or_default(),
        errors,
        unmet,
        security_event: case.process.as_str() == process::SECURITY_EVENT,
        duty_keys: v
            .duties
            .iter()
            .map(|d| match d.duty {
                process::DutyKind::BaselineRefresh => "proc_duty_baseline",
                process::DutyKind::RiskReassessment => "proc_duty_risk",
                process::DutyKind::ContinuityReview => "proc_duty_continuity",
            })
            .collect(),
        files,
        may_attach: then.is_none()
            && v.may_decide
            && crate::service::attachments::may_upload_for(&live, caller, case.id, now),
        doc_types: def
            .documents
            .iter()
            .map(|d| (d.key.to_string(), d.name.pick(l).to_owned()))
            .collect(),
        v,
        as_of: then.map(|x| local(x.at)).unwrap_or_default(),
        as_of_input: then.map(|x| fields::local_input(x.at)).unwrap_or_default(),
    })
}

/// The query of a case's page: `at`, an earlier instant to show the case as of (as a
/// `datetime-local` field sends it, in Ljubljana's time, or RFC 3339); empty for now.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct CaseAt {
    #[serde(default)]
    at: String,
}

pub(crate) async fn case_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
    axum::extract::Query(q): axum::extract::Query<CaseAt>,
) -> UiResult<Response> {
    let (t, id) = (lang.tr, CaseId(id));
    let typed = q.at.trim();
    if typed.is_empty() {
        let mut p = case_view(&s, &caller, t, id, None, BTreeMap::new(), Vec::new())?;
        (p.last, p.history) = record_history(&s, EntityKind::ProcessCase, id.0, t).await?;
        return page(lang, &p);
    }
    let Some(at) = fields::local_instant(typed) else {
        // The case now, the instant as typed, the message at the field.
        let errors = BTreeMap::from([("as_of".to_owned(), t.s("proc_as_of_invalid").to_owned())]);
        let mut p = case_view(&s, &caller, t, id, None, errors, Vec::new())?;
        p.as_of_input = typed.to_owned();
        return refused_page(lang, &p);
    };
    // Refused before the replay: a caller who may not read the case today costs nothing.
    svc::readable_case(&s.world(), &caller, id, s.now()).ui(t)?;
    let past = s.world_as_of(Some(at)).await.ui(t)?;
    let mut p = case_view_as_of(
        &s,
        &caller,
        t,
        id,
        Some(&Then { past, at }),
        None,
        BTreeMap::new(),
        Vec::new(),
    )?;
    (p.last, p.history) = record_history_until(&s, EntityKind::ProcessCase, id.0, Some(at), t).await?;
    page(lang, &p)
}

/// A GET of a case's form address: the case.
pub(crate) async fn back_to_case(
    UiPath(id): UiPath<u32>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Redirect {
    match q {
        Some(q) => Redirect::to(&format!("/ui/cases/{id}?{q}")),
        None => Redirect::to(&format!("/ui/cases/{id}")),
    }
}

/// What a form does with the case.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Act {
    /// Save the fields.
    Fill,
    /// Decide the step with the outcome of the button pressed.
    Decide,
}

/// Saves the current step's fields without deciding.
pub(crate) async fn fill(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    form: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    act(s, CaseId(id), form, Act::Fill).await
}

/// Decides the current step.
pub(crate) async fn decide(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    form: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    act(s, CaseId(id), form, Act::Decide).await
}

async fn act(
    s: AppState,
    id: CaseId,
    UiForm { caller, form, lang, .. }: UiForm<Vec<(String, String)>>,
    what: Act,
) -> UiResult<Response> {
    let t = lang.tr;
    let typed = Typed::of(&form);
    let mut errors = BTreeMap::new();
    // What was typed, and the decision when one is taken (a fill takes none).
    let (given, decision) = {
        let now = s.now();
        let w = s.world();
        let case = svc::readable_case(&w, &caller, id, now).ui(t)?;
        let v = svc::view(&w, &caller, &case, now, core_lang(t)).ui(t)?;
        let def = &w.process_definition(case.definition).ui(t)?.definition;
        let decls: Vec<_> = v
            .fields
            .iter()
            .filter(|f| v.may_decide && f.at_step && !f.hidden)
            .filter_map(|f| def.field(&f.key))
            .collect();
        let given = fields::read(&w, &decls, &typed, &case.fields, t, &mut errors);
        let comment = match typed.one("_comment").trim() {
            "" => None,
            c => Text::parse("comment", c)
                .map_err(|e| errors.insert("comment".to_owned(), crate::error::said(&e)))
                .ok(),
        };
        match what {
            Act::Fill => (given, None),
            Act::Decide => {
                let outcome = Code::parse("outcome", typed.one("_outcome").trim()).ui(t)?;
                (given, Some((case.current.clone(), outcome, comment)))
            }
        }
    };
    let mut unmet = Vec::new();
    // What the unmet guards are counted with: a decision's fields and outcome.
    let (typed_in, outcome) = match &decision {
        Some((_, outcome, _)) => (given.clone(), outcome.to_string()),
        None => (BTreeMap::new(), String::new()),
    };
    if errors.is_empty() {
        let done = match decision {
            None => svc::fill_case(&s, &caller, id, given, Vec::new()).await,
            Some((step, outcome, comment)) => {
                let decision = svc::Decision {
                    step,
                    outcome,
                    comment,
                    fields: given,
                    attachments: Vec::new(),
                };
                svc::decide_step(&s, &caller, id, decision).await
            }
        };
        match done {
            Ok(_) => {
                // The decider may no longer read the case (it moved on): the work lists then.
                let readable = svc::readable_case(&s.world(), &caller, id, s.now()).is_ok();
                let to = if readable {
                    format!("/ui/cases/{}", id.0)
                } else {
                    "/ui/cases".to_owned()
                };
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                return Err(UiError::new(t, e));
            }
            Err(e) => {
                let (at, detail) = match (e.code, e.extra.get("field").and_then(|f| f.as_str())) {
                    ("bad-field-value", Some(f)) => (format!("f_{f}"), e.detail),
                    ("end-before-start", Some(f)) => {
                        // Said with the definition's name of the start, at the end's field.
                        let start = e.extra.get("start").and_then(|v| v.as_str()).unwrap_or_default();
                        let w = s.world();
                        let name = w
                            .case_with_definition(id)
                            .ok()
                            .and_then(|(_, d)| d.field(start).map(|f| f.name.pick(core_lang(t)).to_owned()))
                            .unwrap_or_else(|| start.to_owned());
                        (format!("f_{f}"), format!("{} »{name}«.", t.s("proc_end_before_start")))
                    }
                    ("guards-unmet", _) => {
                        // Said with the definition's names, what was typed counted in.
                        let w = s.world();
                        if let Ok(case) = w.case(id) {
                            unmet = svc::unmet_with(&w, case, &typed_in, &outcome, s.now(), core_lang(t));
                        }
                        ("decide".to_owned(), t.s("proc_not_yet").to_owned())
                    }
                    _ => ("form".to_owned(), e.detail),
                };
                errors.insert(at, detail);
            }
        }
    }
    let p = case_view(&s, &caller, t, id, Some(&typed), errors, unmet)?;
    refused_page(lang, &p)
}

/// What the consent form sends.
#[derive(Debug, serde::Deserialize)]
pub struct ConsentForm {
    role: String,
    #[serde(default)]
    comment: String,
}

/// Gives the caller's written consent in a role at the current step.
pub(crate) async fn consent(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<ConsentForm>,
) -> UiResult<Response> {
    let t = lang.tr;
    let case = CaseId(id);
    svc::readable_case(&s.world(), &caller, case, s.now()).ui(t)?;
    let mut errors = BTreeMap::new();
    let comment = match f.comment.trim() {
        "" => None,
        c => Text::parse("comment", c)
            .map_err(|e| errors.insert("consent".to_owned(), crate::error::said(&e)))
            .ok(),
    };
    if errors.is_empty() {
        let role = Code::parse("role", f.role.trim()).ui(t)?;
        match saved(lang, svc::consent(&s, &caller, case, role, comment).await)? {
            None => return Ok(Redirect::to(&format!("/ui/cases/{id}#consents")).into_response()),
            Some(detail) => {
                errors.insert("consent".to_owned(), detail);
            }
        }
    }
    let p = case_view(&s, &caller, t, case, None, errors, Vec::new())?;
    refused_page(lang, &p)
}

/// A part of the notification: the words of the field and its value.
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) value: String,
}

#[derive(Template)]
#[template(path = "case_notification.html")]
pub(crate) struct NotificationPage {
    pub(crate) c: Chrome,
    pub(crate) id: u32,
    pub(crate) n: MinistryNotification,
    pub(crate) reporter: String,
    pub(crate) description: Vec<Part>,
    pub(crate) details: Vec<Part>,
    pub(crate) printed: String,
}

fn notification_of(
    s: &AppState,
    caller: &Caller,
    t: Tr,
    id: u32,
) -> UiResult<(MinistryNotification, Vec<Part>, Vec<Part>)> {
    let w = s.world();
    let case = svc::readable_case(&w, caller, CaseId(id), s.now()).ui(t)?;
    let n = svc::ministry_notification(&w, &case).ui(t)?;
    let def = &w.process_definition(case.definition).ui(t)?.definition;
    let l = core_lang(t);
    // In the order of Art. 19(5), not the keys' alphabet.
    const ORDER: [&str; 13] = [
        "situation",
        "what",
        "how",
        "why",
        "affected_system",
        "affected_asset",
        "business_effects",
        "vulnerabilities",
        "occurred_at",
        "discovered_at",
        "reported_at",
        "closed",
        "duration",
    ];
    let named = |m: &BTreeMap<String, String>| -> Vec<Part> {
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort_by_key(|k| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
        keys.into_iter()
            .map(|k| (k, &m[k]))
            .map(|(k, v)| Part {
                name: match k.as_str() {
                    "reported_at" => t.s("proc_reported_at").to_owned(),
                    "closed" => t.s("proc_closed_q").to_owned(),
                    _ => def.field(k).map_or_else(|| k.clone(), |f| f.name.pick(l).to_owned()),
                },
                value: v.clone(),
            })
            .collect()
    };
    let (description, details) = (named(&n.description), named(&n.details));
    Ok((n, description, details))
}

/// The notification to the ministry as a printable page (Art. 19(4)–(5)).
pub(crate) async fn notification_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let (n, description, details) = notification_of(&s, &caller, lang.tr, id)?;
    let p = NotificationPage {
        c: chrome(&s, &caller, lang.tr),
        id,
        reporter: n
            .reporter
            .as_ref()
            .map_or_else(|| "ADAM".to_owned(), |p| format!("{} ({})", p.name, p.username)),
        n,
        description,
        details,
        printed: local(s.now()),
    };
    page(lang, &p)
}

/// The notification in its documented JSON format (`docs/processes.md`), as a file.
pub(crate) async fn notification_json(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let (n, _, _) = notification_of(&s, &caller, lang.tr, id)?;
    let mut r = axum::Json(n).into_response();
    let name = format!("attachment; filename=\"security-event-{id}.json\"");
    if let Ok(v) = HeaderValue::from_str(&name) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}
