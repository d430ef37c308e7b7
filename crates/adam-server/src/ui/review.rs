//! Pages for reviewers (SPEC §5, issue 4's views, shown by issue 6): the audit-trail search with
//! the depth the reviewer's role allows, the trail's verification, and a user's
//! access-rights register (Art. 51(5)).
//!
//! Each page calls the same function as its API route (`api/audit.rs`, `api/register.rs`), so
//! who may see what is decided in one place: the system administrator and security leads see
//! the whole trail (an `admin` account never what a record of a document says), a user
//! administrator the activity of and the records about the people, jobs and offices they
//! administer, and a person their own register.

use super::chrome::UiPath;
use super::chrome::{Chrome, Lang, UiCaller, UiError, UiForm, UiResult, chrome, optional_date, page};
use super::guard::needs;
use super::history::who_name;
use crate::authn::Scope;
use crate::service::audit::{self, SearchQuery};
use crate::service::register;
use crate::state::AppState;
use adam_core::rights::Via;
use adam_core::{Actor, EntityKind, Timestamp, UserId, Window};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The routes of the reviewers' pages.
pub(super) fn routes() -> super::Routes {
    super::Routes::new()
        .route("/ui/audit", get(audit_page))
        .route("/ui/audit/verify", get(super::chrome::to("/ui/audit")).post(verify))
        .route("/ui/audit/holds", get(heads_holds_page).post(add_hold))
        .route(
            "/ui/audit/holds/{id}/release",
            get(super::chrome::to("/ui/audit")).post(release_hold),
        )
        .route(
            "/ui/audit/holds/{id}/confirm",
            get(super::chrome::to("/ui/audit")).post(confirm_hold),
        )
        .route("/ui/users/{id}/register", get(needs(Scope::Read, register_page)))
}

// ---- audit search -------------------------------------------------------------------------

/// A record as listed.
pub struct RecordRow {
    seq: u64,
    at: String,
    by: String,
    action: String,
    object: String,
    outcome: String,
    /// Before and after, as JSON, when the reviewer may see them.
    change: Option<String>,
    source_ip: String,
}

/// The search form, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct AuditForm {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    object_kind: String,
    #[serde(default)]
    object_id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    changes_only: Option<String>,
    before: Option<u64>,
    #[allow(dead_code)]
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    f: AuditForm,
    searched: bool,
    /// Nothing was asked: the last 7 days are shown.
    defaulted: bool,
    rows: Vec<RecordRow>,
    /// The query string of the next page.
    next: Option<String>,
    errors: BTreeMap<&'static str, String>,
    /// The whole trail: may verify it.
    reviews_all: bool,
    verdict: Option<VerdictView>,
    /// Retention holds (reviewers of the whole trail and the head of the body see them).
    h: HoldsPart,
}

/// The retention holds' part of the page (Art. 57(6)).
pub struct HoldsPart {
    /// The caller sees the holds (a reviewer of the whole trail or the head of the body).
    shown: bool,
    rows: Vec<HoldRow>,
    /// The caller proposes and releases holds (a security lead).
    decides: bool,
    /// The caller holds the head's appointment today (and confirms holds).
    confirms: bool,
    /// The risk register's records to choose from: id and label.
    risks: Vec<(String, String)>,
    /// The proposal as typed (kept when it is sent back with a message).
    draft: HoldDraft,
}

/// A proposed hold as typed.
#[derive(Debug, Default, Deserialize)]
pub struct HoldDraft {
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    risk_assessment: String,
}

/// A retention hold as listed.
pub struct HoldRow {
    id: i64,
    days: String,
    justification: String,
    /// The risk assessment it rests on, as a label (empty for a hold placed before).
    risk: String,
    /// Who proposed it, and when.
    proposed: String,
    /// Where it stands, in words.
    state: String,
    /// While proposed: who may confirm it (their usernames), or nobody.
    awaiting: Option<String>,
    /// The caller may confirm it (the head, not its proposer, while it is proposed).
    can_confirm: bool,
    /// It may still be released.
    open: bool,
}

/// A person's username, or their number.
fn username(w: &adam_core::World, u: UserId) -> String {
    w.user(u)
        .map(|u| u.username.to_string())
        .unwrap_or_else(|_| format!("#{}", u.0))
}

/// A risk assessment as named on the page.
fn risk_label(r: &adam_core::register::risk::RiskAssessment) -> String {
    format!("#{} · {} · {}", r.id.0, r.fields.date, r.fields.scope)
}

/// The first and last day a hold keeps.
fn hold_days_text(h: &adam_store::Hold) -> String {
    let day = |period: i64| {
        let utc = Timestamp(period * 86_400).to_string();
        utc.get(..10).unwrap_or_default().to_owned()
    };
    format!("{} – {}", day(h.from_period), day(h.through_period))
}

/// The holds' part of the page for the caller, with the proposal as typed.
async fn holds_of(s: &AppState, caller: &crate::authn::Caller, tr: super::i18n::Tr, draft: HoldDraft) -> HoldsPart {
    let (shown, holds) = match audit::list_holds(s, caller).await {
        Ok(holds) => (true, holds),
        Err(_) => (false, Vec::new()),
    };
    let confirms = audit::confirms_holds(s, caller);
    let w = s.world();
    let rows = holds
        .into_iter()
        .map(|v| {
            let h = &v.hold;
            let state = match v.state {
                adam_store::HoldState::Proposed => format!(
                    "{} {}",
                    tr.s("hold_state_proposed"),
                    h.grace_until.map(super::chrome::local).unwrap_or_default()
                ),
                adam_store::HoldState::Confirmed => format!(
                    "{} {} ({})",
                    tr.s("hold_state_confirmed"),
                    h.confirmed_by.map(|u| username(&w, u)).unwrap_or_default(),
                    h.confirmed_at.map(super::chrome::local).unwrap_or_default()
                ),
                adam_store::HoldState::Lapsed => format!(
                    "{} {}",
                    tr.s("hold_state_lapsed"),
                    h.grace_until.map(super::chrome::local).unwrap_or_default()
                ),
                adam_store::HoldState::Released => format!(
                    "{} {}",
                    tr.s("hold_state_released"),
                    h.released.map(super::chrome::local).unwrap_or_default()
                ),
            };
            let awaiting = (v.state == adam_store::HoldState::Proposed).then(|| {
                if v.confirmable_by.is_empty() {
                    String::new()
                } else {
                    v.confirmable_by
                        .iter()
                        .map(|u| username(&w, *u))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            });
            HoldRow {
                id: h.id,
                days: hold_days_text(h),
                justification: h.justification.clone(),
                risk: h
                    .risk_assessment
                    .map(|r| {
                        w.risk_assessment(r)
                            .map(risk_label)
                            .unwrap_or_else(|_| format!("#{}", r.0))
                    })
                    .unwrap_or_default(),
                proposed: format!("{} ({})", username(&w, h.approved_by), super::chrome::local(h.at)),
                state,
                can_confirm: confirms && v.confirmable_by.contains(&caller.user),
                open: matches!(
                    v.state,
                    adam_store::HoldState::Proposed | adam_store::HoldState::Confirmed
                ),
                awaiting,
            }
        })
        .collect();
    let decides = audit::decides_holds(s, caller);
    let risks = if decides {
        w.risk_assessments()
            .iter()
            .rev()
            .map(|r| (r.id.0.to_string(), risk_label(r)))
            .collect()
    } else {
        Vec::new()
    };
    HoldsPart {
        shown,
        rows,
        decides,
        confirms,
        risks,
        draft,
    }
}

/// What verification found, for the page.
pub struct VerdictView {
    intact: bool,
    records: u64,
    purged: u64,
    checkpoints: u64,
    last_external: String,
    problems: Vec<(u64, String)>,
}

const KINDS: [EntityKind; 10] = [
    EntityKind::User,
    EntityKind::Job,
    EntityKind::Office,
    EntityKind::Grant,
    EntityKind::Role,
    EntityKind::Folder,
    EntityKind::Document,
    EntityKind::AclEntry,
    EntityKind::Token,
    EntityKind::Settings,
];

/// Their wire names, as the search form offers them.
const KIND_NAMES: [&str; KINDS.len()] = {
    let mut names = [""; KINDS.len()];
    let mut i = 0;
    while i < KINDS.len() {
        names[i] = KINDS[i].as_str();
        i += 1;
    }
    names
};

fn query_string(f: &AuditForm, before: Option<u64>) -> String {
    let mut pairs = vec![
        ("actor", f.actor.clone()),
        ("object_kind", f.object_kind.clone()),
        ("object_id", f.object_id.clone()),
        ("action", f.action.clone()),
        ("from", f.from.clone()),
        ("to", f.to.clone()),
    ];
    if let Some(before) = before {
        pairs.push(("before", before.to_string()));
    }
    if f.changes_only.is_some() {
        pairs.push(("changes_only", "on".to_owned()));
    }
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

fn row(w: &adam_core::World, r: adam_store::AuditRecord, t: super::i18n::Tr) -> RecordRow {
    let change = match (&r.before, &r.after) {
        (None, None) => None,
        (b, a) => Some(serde_json::to_string_pretty(&serde_json::json!({"before": b, "after": a})).unwrap_or_default()),
    };
    RecordRow {
        seq: r.seq,
        at: super::chrome::local(r.context.at),
        by: who_name(w, &r.context.actor, t),
        action: r.action,
        object: format!("{} {} {}", r.object.kind, r.object.id, r.object.label),
        outcome: r.outcome,
        change,
        source_ip: r.context.source_ip.unwrap_or_default(),
    }
}

/// The instant a Slovenian calendar day starts (midnight in Central European Time, or summer
/// time), given that day's midnight UTC.
fn slovenian_midnight(utc_midnight: Timestamp) -> Timestamp {
    let winter = Timestamp(utc_midnight.0 - 3600);
    if super::chrome::local(winter).ends_with(" 00:00:00") {
        winter
    } else {
        Timestamp(utc_midnight.0 - 7200)
    }
}

/// The start of the Slovenian calendar day after the one starting at `t`.
fn next_midnight(t: Timestamp) -> Timestamp {
    // Noon of the next day (never another day, whatever the offset), to its date's midnight.
    let noon = Timestamp(t.0 + 36 * 3600);
    let date = super::chrome::local(noon);
    date.get(..10)
        .and_then(|d| Timestamp::parse(d).ok())
        .map_or(Timestamp(t.0 + 86_400), slovenian_midnight)
}

/// A typed date (`YYYY-MM-DD`) as the start of that Slovenian calendar day; a message at the
/// field when it is not a date.
fn calendar_day(
    text: &str,
    field: &'static str,
    errors: &mut BTreeMap<&'static str, String>,
    tr: crate::ui::i18n::Tr,
) -> Option<Timestamp> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match (text.len(), Timestamp::parse(text)) {
        (10, Ok(t)) => Some(slovenian_midnight(t)),
        _ => {
            errors.insert(field, tr.s("audit_not_a_date").to_owned());
            None
        }
    }
}

/// The Slovenian date `days - 1` days before today's, as the form shows it: `days` calendar
/// days up to and including today.
fn last_days_from(now: Timestamp, days: i64) -> String {
    let today = super::chrome::local(now);
    let start = today
        .get(..10)
        .and_then(|d| Timestamp::parse(d).ok())
        .map_or(now, |t| Timestamp(t.0 - (days - 1) * 86_400));
    start.to_string().chars().take(10).collect()
}

/// The retention holds on a page of their own: for the head of the body, who confirms them
/// (Art. 57(6)) but reviews no trail; a reviewer finds them on the trail's page.
#[derive(Template)]
#[template(path = "holds.html")]
struct HoldsPage {
    c: Chrome,
    h: HoldsPart,
    errors: BTreeMap<&'static str, String>,
}

async fn heads_holds_page(State(s): State<AppState>, lang: Lang, UiCaller(caller): UiCaller) -> UiResult<Response> {
    if audit::may_review(&s, &caller) {
        return Ok(axum::response::Redirect::to("/ui/audit#holds").into_response());
    }
    let h = holds_of(&s, &caller, lang.tr, HoldDraft::default()).await;
    if !h.shown {
        return Err(UiError::new(
            lang.tr,
            crate::error::WebError::forbidden(
                "not-a-hold-reader",
                "retention holds are seen by the reviewers of the whole trail and the head of the body",
            )
            .sl("zadržanja vidijo pregledovalci celotne revizijske sledi in predstojnik organa"),
        ));
    }
    page(
        lang,
        &HoldsPage {
            c: chrome(&s, &caller, lang.tr),
            h,
            errors: BTreeMap::new(),
        },
    )
}

async fn audit_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Query(f): Query<AuditForm>,
) -> UiResult<Response> {
    if !audit::may_review(&s, &caller) && audit::confirms_holds(&s, &caller) {
        // The head of the body confirms holds without reviewing the trail.
        return Ok(axum::response::Redirect::to("/ui/audit/holds").into_response());
    }
    if !audit::may_review(&s, &caller) {
        return Err(UiError::new(
            lang.tr,
            crate::error::WebError::forbidden(
                "not-a-reviewer",
                "the audit trail is reviewed by the system administrator, security leads and user administrators",
            ),
        ));
    }
    let mut f = f;
    let mut errors = BTreeMap::new();
    let named = [&f.actor, &f.object_kind, &f.object_id, &f.action, &f.from, &f.to]
        .iter()
        .any(|v| !v.trim().is_empty())
        || f.changes_only.is_some()
        || f.before.is_some();
    let reviews_all = audit::reviews_all(&s, &caller);
    // Without a condition a reviewer of the whole trail sees its last 7 days, newest first (the
    // form shows the dates searched); a user administrator is asked whom to look at.
    let defaulted = !named && reviews_all;
    if defaulted {
        f.from = last_days_from(s.now(), 7);
    }
    let searched = named || defaulted;
    if !searched {
        errors.insert("form", lang.tr.s("audit_name_whom").to_owned());
    }
    let actor = match f.actor.trim() {
        "" => None,
        name => match s.world().user_by_username(name) {
            Ok(u) => Some(u.0),
            Err(_) => {
                errors.insert("actor", lang.tr.s("no_such_user").to_owned());
                None
            }
        },
    };
    let object_id = match f.object_id.trim() {
        "" => None,
        id => match id.parse::<u32>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.insert("object_id", lang.tr.s("not_a_number").to_owned());
                None
            }
        },
    };
    // Dates are Slovenian calendar days, both included: from the start of `from` to the end
    // of `to`, in Slovenian time.
    let from = calendar_day(&f.from, "from", &mut errors, lang.tr);
    let to = calendar_day(&f.to, "to", &mut errors, lang.tr).map(next_midnight);
    if let (Some(a), Some(b)) = (from, to)
        && b <= a
    {
        errors.insert("to", lang.tr.s("audit_to_before_from").to_owned());
    }
    let mut rows = Vec::new();
    let mut next = None;
    if searched && errors.is_empty() {
        let q = SearchQuery {
            actor,
            object_kind: Some(f.object_kind.trim().to_owned()).filter(|k| !k.is_empty()),
            object_id,
            action: Some(f.action.trim().to_owned()).filter(|a| !a.is_empty()),
            from,
            to,
            changes_only: f.changes_only.is_some(),
            before: f.before,
            limit: Some(100),
        };
        match audit::search_trail(&s, &caller, q).await {
            Ok(found) => {
                let w = s.world();
                next = found.next.map(|n| query_string(&f, Some(n)));
                rows = found.items.into_iter().map(|r| row(&w, r, lang.tr)).collect();
            }
            Err(e) if e.code == "outside-scope" => {
                errors.insert("form", lang.tr.s("audit_outside_scope").to_owned());
            }
            Err(e) if e.code == "page-size" => return Err(UiError::new(lang.tr, e)),
            Err(e) if e.status == StatusCode::FORBIDDEN || e.status.is_client_error() => {
                errors.insert("form", e.detail);
            }
            Err(e) => return Err(UiError::new(lang.tr, e)),
        }
    }
    // Asking a user administrator whom to look at is not an error of what they typed.
    let status = if errors.is_empty() || !searched {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let h = holds_of(&s, &caller, lang.tr, HoldDraft::default()).await;
    let p = AuditPage {
        c: chrome(&s, &caller, lang.tr),
        defaulted,
        reviews_all,
        h,
        f,
        searched,
        rows,
        next,
        errors,
        verdict: None,
    };
    let mut r = page(lang, &p)?;
    *r.status_mut() = status;
    Ok(r)
}

/// Verification has no fields but the CSRF token.
#[derive(Debug, Deserialize)]
pub struct Nothing {}

async fn verify(State(s): State<AppState>, f: UiForm<Nothing>) -> UiResult<Response> {
    let lang = f.lang;
    let verdict = audit::verify_trail(&s, &f.caller)
        .await
        .map_err(|e| UiError::new(lang.tr, e))?;
    let h = holds_of(&s, &f.caller, lang.tr, HoldDraft::default()).await;
    let p = AuditPage {
        c: chrome(&s, &f.caller, lang.tr),
        defaulted: false,
        reviews_all: true,
        h,
        f: AuditForm::default(),
        searched: false,
        rows: Vec::new(),
        next: None,
        errors: BTreeMap::new(),
        verdict: Some(VerdictView {
            intact: verdict.intact(),
            records: verdict.records,
            purged: verdict.purged,
            checkpoints: verdict.external_checkpoints,
            last_external: verdict.last_external_seq.map(|n| n.to_string()).unwrap_or_default(),
            problems: verdict.problems.into_iter().map(|p| (p.seq, p.what)).collect(),
        }),
    };
    page(lang, &p)
}

// ---- retention holds ----------------------------------------------------------------------

/// The audit page after a hold form, with its message and the status, keeping what was typed.
async fn holds_page(
    s: &AppState,
    caller: &crate::authn::Caller,
    lang: Lang,
    errors: BTreeMap<&'static str, String>,
    draft: HoldDraft,
) -> UiResult<Response> {
    let h = holds_of(s, caller, lang.tr, draft).await;
    let failed = !errors.is_empty();
    let p = AuditPage {
        c: chrome(s, caller, lang.tr),
        defaulted: false,
        reviews_all: audit::reviews_all(s, caller),
        h,
        f: AuditForm::default(),
        searched: false,
        rows: Vec::new(),
        next: None,
        errors,
        verdict: None,
    };
    let mut r = page(lang, &p)?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// A security lead proposes a hold: the days, the risk assessment and why (Art. 57(6)).
async fn add_hold(State(s): State<AppState>, f: UiForm<HoldDraft>) -> UiResult<Response> {
    let lang = f.lang;
    let mut errors = BTreeMap::new();
    let from = optional_date(&f.form.from, "hold_from", &mut errors);
    let until = optional_date(&f.form.until, "hold_until", &mut errors);
    let justification = adam_core::Text::parse("justification", &f.form.justification)
        .map_err(|e| errors.insert("hold_justification", e.to_string()))
        .ok();
    if from.is_none() && !errors.contains_key("hold_from") {
        errors.insert("hold_from", lang.tr.s("required").to_owned());
    }
    if until.is_none() && !errors.contains_key("hold_until") {
        errors.insert("hold_until", lang.tr.s("required").to_owned());
    }
    let risk = match f.form.risk_assessment.trim() {
        "" => {
            errors.insert("hold_risk_assessment", lang.tr.s("hold_risk_required").to_owned());
            None
        }
        typed => match typed.parse::<u32>() {
            Ok(n) => Some(adam_core::RiskId(n)),
            Err(_) => {
                errors.insert("hold_risk_assessment", lang.tr.s("hold_unknown_risk").to_owned());
                None
            }
        },
    };
    if let (Some(from), Some(until), Some(justification), Some(risk_assessment), true) =
        (from, until, justification, risk, errors.is_empty())
    {
        let hold = audit::NewHold {
            from,
            until,
            justification,
            risk_assessment,
        };
        match audit::hold_days(&s, &f.caller, hold).await {
            Ok(_) => return Ok(axum::response::Redirect::to("/ui/audit#holds").into_response()),
            Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                return Err(UiError::new(lang.tr, e));
            }
            Err(e) if e.code == "unknown-risk-assessment" => {
                errors.insert("hold_risk_assessment", lang.tr.s("hold_unknown_risk").to_owned());
            }
            Err(e) => {
                errors.insert("hold_until", e.detail);
            }
        }
    }
    let UiForm { caller, form, .. } = f;
    holds_page(&s, &caller, lang, errors, form).await
}

async fn release_hold(State(s): State<AppState>, UiPath(id): UiPath<i64>, f: UiForm<Nothing>) -> UiResult<Response> {
    audit::release(&s, &f.caller, id)
        .await
        .map_err(|e| UiError::new(f.lang.tr, e))?;
    Ok(axum::response::Redirect::to("/ui/audit#holds").into_response())
}

/// The head of the body confirms a proposed hold, after a page saying what it keeps
/// (Art. 57(6)). A confirmation that would be refused is not asked about: the refusal is shown.
async fn confirm_hold(
    State(s): State<AppState>,
    UiPath(id): UiPath<i64>,
    f: UiForm<super::confirm::ConfirmForm>,
) -> UiResult<Response> {
    let lang = f.lang;
    if !super::confirm::confirmed(&f.form.confirm) && audit::confirms_holds(&s, &f.caller) {
        let found = audit::list_holds(&s, &f.caller)
            .await
            .ok()
            .and_then(|holds| holds.into_iter().find(|v| v.hold.id == id));
        if let Some(v) = found.filter(|v| v.confirmable_by.contains(&f.caller.user)) {
            let lines = {
                let w = s.world();
                let h = &v.hold;
                let risk = h
                    .risk_assessment
                    .map(|r| {
                        w.risk_assessment(r)
                            .map(risk_label)
                            .unwrap_or_else(|_| format!("#{}", r.0))
                    })
                    .unwrap_or_default();
                vec![
                    format!("{}: {}", lang.tr.s("days"), hold_days_text(h)),
                    format!("{}: {}", lang.tr.s("hold_risk_assessment"), risk),
                    format!("{}: {}", lang.tr.s("justification"), h.justification),
                    format!(
                        "{}: {} ({})",
                        lang.tr.s("hold_proposed_by"),
                        username(&w, h.approved_by),
                        super::chrome::local(h.at)
                    ),
                    lang.tr.s("hold_confirm_effect").to_owned(),
                ]
            };
            return super::confirm::ask(
                &s,
                &f.caller,
                lang,
                super::confirm::Confirmation {
                    title: "hold_confirm_title",
                    button: "hold_confirm_button",
                    lines,
                    action: format!("/ui/audit/holds/{id}/confirm"),
                    fields: Vec::new(),
                    back: "/ui/audit#holds".to_owned(),
                },
            );
        }
    }
    audit::confirm_hold(&s, &f.caller, id)
        .await
        .map_err(|e| UiError::new(lang.tr, e))?;
    Ok(axum::response::Redirect::to("/ui/audit#holds").into_response())
}

// ---- the access-rights register ---------------------------------------------------------------

/// A right as listed.
pub struct RightRow {
    role: String,
    via: String,
    window: String,
    reference: String,
    granted: String,
    changes: Vec<String>,
    revoked: String,
    periods: Vec<String>,
    in_force: bool,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    c: Chrome,
    user_id: u32,
    username: String,
    rights: Vec<RightRow>,
}

/// A grant's window as it was typed: the first and the last day (inclusive, Slovenian
/// calendar), or the local time with its zone when set to an instant (issue 14 item 3).
fn window_text(w: &Window) -> String {
    if w.from.is_none() && w.to.is_none() {
        String::new()
    } else {
        super::panel::window_words(w)
    }
}

fn stamp_text(w: &adam_core::World, at: Timestamp, by: &Actor, t: super::i18n::Tr) -> String {
    format!("{} ({})", super::chrome::local(at), who_name(w, by, t))
}

async fn register_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let user = UserId(id);
    let found = register::rights_of_user(&s, &caller, user)
        .await
        .map_err(|e| UiError::new(lang.tr, e))?;
    let w = s.world();
    let rights = found
        .rights
        .into_iter()
        .map(|e| {
            let r = e.right;
            RightRow {
                role: e.role_code.unwrap_or_else(|| format!("#{}", r.role.0)),
                via: match r.via {
                    Via::User => lang.tr.s("via_user").to_owned(),
                    Via::Job(j) => w
                        .job(j)
                        .map(|j| format!("{} {}", lang.tr.s("job"), j.code))
                        .unwrap_or_else(|_| format!("{} #{}", lang.tr.s("job"), j.0)),
                    Via::Office(o) => w
                        .office(o)
                        .map(|o| format!("{} {}", lang.tr.s("office"), o.code))
                        .unwrap_or_else(|_| format!("{} #{}", lang.tr.s("office"), o.0)),
                    Via::Everyone => lang.tr.s("via_everyone").to_owned(),
                },
                window: window_text(&r.window),
                reference: r.reference.unwrap_or_default(),
                granted: stamp_text(&w, r.granted.at, &r.granted.by, lang.tr),
                changes: r
                    .changes
                    .iter()
                    .map(|c| {
                        format!(
                            "{}: {} → {}",
                            stamp_text(&w, c.stamp.at, &c.stamp.by, lang.tr),
                            window_text(&c.window_before),
                            window_text(&c.window_after)
                        )
                    })
                    .collect(),
                in_force: r.revoked.is_none(),
                revoked: r
                    .revoked
                    .as_ref()
                    .map(|x| match &x.reference {
                        // Revoked by an access review or a follow-up (Art. 51(4)): which one.
                        Some(reference) => format!("{} · {reference}", stamp_text(&w, x.at, &x.by, lang.tr)),
                        None => stamp_text(&w, x.at, &x.by, lang.tr),
                    })
                    .unwrap_or_default(),
                periods: r
                    .periods
                    .iter()
                    .map(|p| {
                        format!(
                            "{} – {}",
                            super::chrome::local(p.from),
                            p.until.map(super::chrome::local).unwrap_or_else(|| "…".to_owned())
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    drop(w);
    let p = RegisterPage {
        c: chrome(&s, &caller, lang.tr),
        user_id: id,
        username: found.username,
        rights,
    };
    page(lang, &p)
}

/// Keeps [`KINDS`] in the template's reach.
impl AuditPage {
    fn kinds(&self) -> &'static [&'static str] {
        &KIND_NAMES
    }

    /// The query string of the same search's first (newest) page.
    fn first_page(&self) -> String {
        query_string(&self.f, None)
    }
}
