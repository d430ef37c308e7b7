//! Access reviews in the UI (Decree Art. 51(4)): the campaigns and follow-ups the person
//! reviews (`/ui/access-reviews`), a campaign's page with a confirm or revoke button per grant
//! (`/ui/access-reviews/{id}`), and the forms that start a campaign and decide a line. What is
//! shown to whom and the views are the service's (`service::review`); the engine decides.

use super::chrome::*;
use super::confirm::{Confirmation, confirm_first, confirmed};
use crate::authn::Caller;
use crate::service::review::{
    FollowUpView, GrantDecision, ReviewView, decide_grant, follow_ups_for, review_view, reviews_for, sees_review,
    start_campaign,
};
use crate::state::AppState;
use adam_core::attachment::Attachable;
use adam_core::register::inventory::ItemKind;
use adam_core::register::review::{Cause, Outcome, Under};
use adam_core::*;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// A system the person may start a review of.
pub struct SystemChoice {
    pub(super) id: u32,
    pub(super) label: String,
}

#[derive(Template)]
#[template(path = "access_reviews.html")]
pub(super) struct ReviewsPage {
    pub(super) c: Chrome,
    pub(super) reviews: Vec<ReviewView>,
    pub(super) follow_ups: Vec<FollowUpView>,
    pub(super) systems: Vec<SystemChoice>,
    /// What was typed into the start form, and its refusal.
    pub(super) typed_system: String,
    pub(super) typed_due: String,
    pub(super) error: Option<String>,
}

impl ReviewsPage {
    fn cause(&self, f: &FollowUpView) -> &'static str {
        match f.follow_up.cause {
            Cause::LeftJobs { .. } => self.c.t.s("cause_left_jobs"),
            Cause::Deactivated => self.c.t.s("cause_deactivated"),
        }
    }
}

#[derive(Template)]
#[template(path = "access_review.html")]
pub(super) struct ReviewPage {
    pub(super) c: Chrome,
    pub(super) r: ReviewView,
    pub(super) may_decide: bool,
    pub(super) error: Option<String>,
    /// Its files (`record_attachments.html`): minutes, a signed report.
    pub(super) attachments: Vec<super::inventory::attachments::AttachmentRow>,
    pub(super) attach_action: String,
    pub(super) attach_subject: String,
    pub(super) may_attach: bool,
    pub(super) file_error: Option<String>,
    /// The document type as typed, and its refusal.
    pub(super) attach_doc_type: String,
    pub(super) doc_type_error: Option<String>,
    /// The campaign's last change and history (`history.html`).
    pub(super) last: Option<super::history::LastChangeView>,
    pub(super) history: Vec<super::history::HistoryRow>,
}

/// The systems the caller may start a review of: those they keep (custodian), or every one
/// for a keeper of the registers; only systems serving an application.
fn reviewable(w: &World, caller: &Caller, now: Timestamp) -> Vec<SystemChoice> {
    let keeper = w.keeps_registers(&caller.actor(None), now).unwrap_or(false);
    w.items()
        .iter()
        .filter(|i| i.kind == ItemKind::System && !i.retired && i.fields.application.is_some())
        .filter(|i| keeper || i.fields.custodian == caller.user)
        .map(|i| SystemChoice {
            id: i.id.0,
            label: format!("{} – {}", i.fields.code, i.fields.name),
        })
        .collect()
}

async fn list(
    s: &AppState,
    caller: &Caller,
    lang: Lang,
    typed: (String, String),
    error: Option<String>,
) -> UiResult<Response> {
    let now = s.now();
    let p = {
        let w = s.world();
        ReviewsPage {
            c: chrome(s, caller, lang.tr),
            reviews: reviews_for(&w, caller, now),
            follow_ups: follow_ups_for(&w, caller, now, false),
            systems: reviewable(&w, caller, now),
            typed_system: typed.0,
            typed_due: typed.1,
            error,
        }
    };
    let refused = p.error.is_some();
    let mut r = page(lang, &p)?;
    if refused {
        // The form back with its message, as every form of the UI answers a refusal.
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn reviews_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    list(&s, &caller, lang, (String::new(), String::new()), None).await
}

/// The start form.
#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    system: String,
    #[serde(default)]
    due: String,
}

pub(super) async fn start_review(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<StartForm>,
) -> UiResult<Response> {
    let typed = (f.system.clone(), f.due.clone());
    let Ok(system) = f.system.trim().parse::<u32>() else {
        let e = lang.tr.s("choose_system").to_owned();
        return list(&s, &caller, lang, typed, Some(e)).await;
    };
    let Ok(due) = LocalDate::parse("due", &f.due) else {
        let e = lang.tr.s("due_unreadable").to_owned();
        return list(&s, &caller, lang, typed, Some(e)).await;
    };
    match start_campaign(&s, &caller, ItemId(system), due).await {
        Ok(id) => Ok(Redirect::to(&format!("/ui/access-reviews/{}", id.0)).into_response()),
        Err(e) => {
            let detail = saved(lang, Err(e))?;
            list(&s, &caller, lang, typed, detail).await
        }
    }
}

async fn one(s: &AppState, caller: &Caller, lang: Lang, id: ReviewId, error: Option<String>) -> UiResult<Response> {
    one_with(s, caller, lang, id, error, (None, String::new(), None)).await
}

/// The campaign's page, with a refused decision's message (`error`) or a refused file's
/// (`file_error`).
async fn one_with(
    s: &AppState,
    caller: &Caller,
    lang: Lang,
    id: ReviewId,
    error: Option<String>,
    (file_error, attach_doc_type, doc_type_error): (Option<String>, String, Option<String>),
) -> UiResult<Response> {
    let now = s.now();
    let p = {
        let w = s.world();
        let r = w.access_review(id).ui(lang.tr)?;
        if !sees_review(&w, caller, r, now) {
            return Err(UiError::new(
                lang.tr,
                crate::error::WebError::forbidden("not-a-reviewer", "this review is its reviewer's")
                    .sl("ta pregled je njegovega pregledovalca"),
            ));
        }
        ReviewPage {
            c: chrome(s, caller, lang.tr),
            may_decide: r.reviewer == caller.user && r.completed_at.is_none(),
            r: review_view(&w, r, LocalDate::of(now)),
            error,
            attachments: super::inventory::attachments::rows(&r.attachments),
            attach_action: format!("/ui/access-reviews/{}/attachments", id.0),
            attach_subject: String::new(),
            may_attach: w.may_attach(&caller.actor(None), Attachable::Review(id), now).is_ok(),
            file_error,
            attach_doc_type,
            doc_type_error,
            last: None,
            history: Vec::new(),
        }
    };
    let mut p = p;
    (p.last, p.history) = super::history::record_history(s, EntityKind::AccessReview, id.0, lang.tr).await?;
    let refused = p.error.is_some() || p.file_error.is_some() || p.doc_type_error.is_some();
    let mut r = page(lang, &p)?;
    if refused {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// `GET /ui/access-reviews/{id}/attachments` (a reload after a refused upload): the page.
pub(super) async fn back_to_review(UiPath(id): UiPath<u32>) -> axum::response::Redirect {
    axum::response::Redirect::to(&format!("/ui/access-reviews/{id}#attachments"))
}

/// Adds an uploaded file to the campaign (`POST /ui/access-reviews/{id}/attachments`): its
/// reviewer or a keeper of the registers.
pub(super) async fn attach(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    request: axum::extract::Request,
) -> UiResult<Response> {
    let again = s.clone();
    super::inventory::attachments::upload_to(
        &s,
        lang,
        request,
        Attachable::Review(ReviewId(id)),
        format!("/ui/access-reviews/{id}"),
        Box::new(move |caller, errors, doc_type| {
            Box::pin(async move {
                let typed = (
                    errors.get("f_file").cloned(),
                    doc_type,
                    errors.get("att_doc_type").cloned(),
                );
                one_with(&again, &caller, lang, ReviewId(id), None, typed).await
            })
        }),
    )
    .await
}

pub(super) async fn review_page(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    one(&s, &caller, lang, ReviewId(id), None).await
}

/// A campaign's report as a printable page: the evidence of Art. 51(4) (every grant, the
/// decision, who and when), for whoever sees the campaign.
#[derive(Template)]
#[template(path = "access_review_print.html")]
pub(super) struct ReviewPrint {
    pub(super) c: Chrome,
    pub(super) r: ReviewView,
    pub(super) organisation: String,
    pub(super) printed: String,
}

pub(super) async fn review_print(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let now = s.now();
    let p = {
        let w = s.world();
        let r = w.access_review(ReviewId(id)).ui(lang.tr)?;
        if !sees_review(&w, &caller, r, now) {
            return Err(UiError::new(
                lang.tr,
                crate::error::WebError::forbidden("not-a-reviewer", "this review is its reviewer's")
                    .sl("ta pregled je njegovega pregledovalca"),
            ));
        }
        ReviewPrint {
            c: chrome(&s, &caller, lang.tr),
            r: review_view(&w, r, LocalDate::of(now)),
            organisation: w.settings().organisation.to_string(),
            printed: local(now),
        }
    };
    page(lang, &p)
}

/// A decision on one line.
#[derive(Debug, Deserialize)]
pub struct DecideForm {
    grant: u32,
    outcome: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    confirm: String,
}

fn decision(f: &DecideForm, under: Under) -> GrantDecision {
    GrantDecision {
        under,
        grant: GrantId(f.grant),
        outcome: if f.outcome == "revoked" {
            Outcome::Revoked
        } else {
            Outcome::Confirmed
        },
        comment: Text::parse("comment", &f.comment).ok(),
    }
}

/// Decides (a revocation was confirmed by [`asked`] first).
async fn decide(
    s: &AppState,
    caller: &Caller,
    lang: Lang,
    f: &DecideForm,
    under: Under,
) -> UiResult<Result<(), String>> {
    match saved(lang, decide_grant(s, caller, decision(f, under)).await)? {
        None => Ok(Ok(())),
        Some(detail) => Ok(Err(detail)),
    }
}

pub(super) async fn decide_in_review(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<DecideForm>,
) -> UiResult<Response> {
    let action = format!("/ui/access-reviews/{id}/decide");
    let back = format!("/ui/access-reviews/{id}");
    if let Some(ask) = asked(&s, &caller, lang, &f, Under::Review(ReviewId(id)), &action, &back)? {
        return Ok(ask);
    }
    match decide(&s, &caller, lang, &f, Under::Review(ReviewId(id))).await? {
        Ok(()) => Ok(Redirect::to(&format!("{back}#grant-{}", f.grant)).into_response()),
        Err(detail) => one(&s, &caller, lang, ReviewId(id), Some(detail)).await,
    }
}

pub(super) async fn decide_in_follow_up(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<DecideForm>,
) -> UiResult<Response> {
    let action = format!("/ui/follow-ups/{id}/decide");
    let back = "/ui/access-reviews#follow-ups".to_owned();
    if let Some(ask) = asked(&s, &caller, lang, &f, Under::FollowUp(FollowUpId(id)), &action, &back)? {
        return Ok(ask);
    }
    match decide(&s, &caller, lang, &f, Under::FollowUp(FollowUpId(id))).await? {
        Ok(()) => Ok(Redirect::to(&back).into_response()),
        Err(detail) => list(&s, &caller, lang, (String::new(), String::new()), Some(detail)).await,
    }
}

/// The confirmation page of a revocation not yet confirmed (and that the engine would allow).
fn asked(
    s: &AppState,
    caller: &Caller,
    lang: Lang,
    f: &DecideForm,
    under: Under,
    action: &str,
    back: &str,
) -> UiResult<Option<Response>> {
    if f.outcome != "revoked" {
        return Ok(None);
    }
    let command = decision(f, under).command();
    confirm_first(s, caller, lang, &command, confirmed(&f.confirm), |w, tr| {
        let line = match w.grant(GrantId(f.grant)) {
            Ok(g) => {
                let role = w.role(g.role).map(|r| r.code.to_string()).unwrap_or_default();
                format!("{role} — {}", super::grants::grantee_words(w, g.grantee, tr))
            }
            Err(_) => String::new(),
        };
        Confirmation {
            title: "confirm_review_revoke",
            button: "revoke_right",
            lines: vec![line, tr.s("review_revoke_note").to_owned()],
            action: action.to_owned(),
            fields: vec![
                ("grant".to_owned(), f.grant.to_string()),
                ("outcome".to_owned(), "revoked".to_owned()),
                ("comment".to_owned(), f.comment.clone()),
            ],
            back: back.to_owned(),
        }
    })
}
