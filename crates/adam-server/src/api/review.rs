//! Access reviews and rights follow-ups (Decree Art. 51(4)) over HTTP: start a campaign over a
//! system, decide its lines (a revocation removes the grant in the same change), the campaign's
//! report as CSV evidence, and the follow-ups of job changes and deactivations.

use super::guard::needs;
use super::{Api, AsOf, Doc};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError, speaking};
use crate::http::{Id, Params};
use crate::service::past::answering;
use crate::service::review::*;
use crate::state::AppState;
use adam_core::register::review::{Outcome, Under};
use adam_core::*;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::Deserialize;

const REVIEWERS: &str =
    "the campaign's reviewer (the system's custodian), the information-security lead and the system administrator";
const CONCERNED: &str = "custodians of the systems the person's grants reach, the information-security lead, the system administrator and the person's user administrators";

pub(crate) fn routes(api: Api) -> Api {
    let t = "access reviews";
    api.route(
        Method::GET,
        "/api/v1/access-reviews",
        Doc::new(t, "The access-review campaigns the caller reviews or keeps, newest first; `at` answers as they stood at an earlier instant", REVIEWERS)
            .query::<AsOf>()
            .response::<Vec<ReviewView>>(),
        get(needs(Scope::Read, list_reviews)),
    )
    .route(
        Method::POST,
        "/api/v1/access-reviews",
        Doc::new(
            t,
            "Start a campaign over a system: every grant reaching its application, for its custodian to confirm or revoke (Art. 51(4))",
            "the system's custodian, the information-security lead or the system administrator (write scope)",
        )
        .body::<NewReview>()
        .response::<ReviewView>()
        .created(),
        post(needs(Scope::Write, start_review)),
    )
    .route(
        Method::GET,
        "/api/v1/access-reviews/{id}",
        Doc::new(
            t,
            "A campaign with its lines and progress; `at` answers as it stood at an earlier instant (who may ask decided by today's rules)",
            REVIEWERS,
        )
        .query::<AsOf>()
        .response::<ReviewView>(),
        get(needs(Scope::Read, get_review)),
    )
    .route(
        Method::GET,
        "/api/v1/access-reviews/{id}/report.csv",
        Doc::new(
            t,
            "The campaign's report as CSV: every grant reviewed, the decision, who and when (evidence for Art. 51(4)); header row in the Accept-Language language (sl or en), values language-neutral, formula-like values written as text; `at` gives the report as it stood at an earlier instant",
            REVIEWERS,
        )
        .query::<AsOf>()
        .csv(),
        get(needs(Scope::Read, review_report)),
    )
    .route(
        Method::POST,
        "/api/v1/access-reviews/{id}/decisions",
        Doc::new(
            t,
            "Confirm or revoke one grant of the campaign; a revocation removes the grant in the same change",
            "the campaign's reviewer (write scope)",
        )
        .body::<NewDecision>()
        .response::<ReviewView>(),
        post(needs(Scope::Write, decide_in_review)),
    )
    .route(
        Method::GET,
        "/api/v1/rights-follow-ups",
        Doc::new(
            t,
            "The follow-ups of job changes and deactivations: the person's direct grants to revoke or confirm, with their age",
            CONCERNED,
        )
        .query::<FollowUpQuery>()
        .response::<Vec<FollowUpView>>(),
        get(needs(Scope::Read, list_follow_ups)),
    )
    .route(
        Method::POST,
        "/api/v1/rights-follow-ups/{id}/decisions",
        Doc::new(t, "Confirm or revoke one grant of a follow-up", CONCERNED)
            .body::<NewDecision>()
            .response::<FollowUpView>(),
        post(needs(Scope::Write, decide_in_follow_up)),
    )
}

/// A new campaign.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    /// The information system (an inventory item bound to an application).
    pub system: ItemId,
    /// The last day to decide (a Slovenian calendar date, inclusive).
    pub due: LocalDate,
}

/// A decision on one grant.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    /// The grant.
    pub grant: GrantId,
    /// `confirmed` or `revoked`.
    pub outcome: Outcome,
    /// Why.
    #[serde(default)]
    pub comment: Option<Text>,
}

/// Which follow-ups.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpQuery {
    /// Resolved ones too.
    #[serde(default)]
    pub resolved: bool,
}

fn not_seen(id: ReviewId) -> WebError {
    WebError::forbidden(
        "not-a-reviewer",
        format!("{id} is seen by its reviewer, the information-security lead and the system administrator"),
    )
    .sl(format!(
        "{id} vidijo njegov pregledovalec, vodja informacijske varnosti in sistemski skrbnik"
    ))
}

async fn list_reviews(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<AsOf>,
) -> ApiResult<axum::Json<Vec<ReviewView>>> {
    let now = s.now();
    let past = s.world_as_of(q.at).await?;
    let then = answering(&s, &past);
    Ok(axum::Json(reviews_as_of(
        &s.world(),
        &then,
        &caller,
        now,
        q.at.unwrap_or(now),
    )))
}

async fn start_review(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<NewReview>,
) -> ApiResult<(StatusCode, axum::Json<ReviewView>)> {
    let id = start_campaign(&s, &caller, b.system, b.due).await?;
    let w = s.world();
    let view = review_view(&w, w.access_review(id)?, LocalDate::of(s.now()));
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// The campaign as the caller may see it: today's rules decide whether they see it at all;
/// with `at`, it is shown as it stood then (a campaign not yet started then is not found).
async fn seen_review(s: &AppState, caller: &Caller, id: ReviewId, at: Option<Timestamp>) -> ApiResult<ReviewView> {
    let now = s.now();
    {
        let w = s.world();
        let r = w.access_review(id)?;
        if !sees_review(&w, caller, r, now) {
            return Err(not_seen(id));
        }
    }
    let past = s.world_as_of(at).await?;
    let then = answering(s, &past);
    let r = then.access_review(id)?;
    Ok(review_view(&then, r, LocalDate::of(at.unwrap_or(now))))
}

async fn get_review(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<AsOf>,
) -> ApiResult<axum::Json<ReviewView>> {
    seen_review(&s, &caller, ReviewId(id), q.at).await.map(axum::Json)
}

async fn review_report(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<AsOf>,
) -> ApiResult<impl IntoResponse> {
    let v = seen_review(&s, &caller, ReviewId(id), q.at).await?;
    let w = s.world();
    let name = |u: UserId| w.user(u).map_or_else(|_| u.to_string(), |u| u.username.to_string());
    let lines = v.named.iter().map(|l| {
        let d = l.line.decision.as_ref();
        vec![
            v.review.reference(),
            v.system_code.clone(),
            v.reviewer_name.clone(),
            v.review.due.to_string(),
            l.line.grant.0.to_string(),
            l.role_code.clone(),
            l.grantee_name.clone(),
            d.map_or(String::new(), |d| match d.outcome {
                Outcome::Confirmed => "confirmed".to_owned(),
                Outcome::Revoked => "revoked".to_owned(),
            }),
            d.map_or(String::new(), |d| name(d.by)),
            d.map_or(String::new(), |d| d.at.to_string()),
            d.and_then(|d| d.comment.as_ref())
                .map_or(String::new(), ToString::to_string),
        ]
    });
    // Header in the caller's language, values language-neutral; a value that a spreadsheet
    // would run as a formula (a comment typed as `=…`) is written as text.
    let out = crate::service::inventory_export::review_csv(lines, speaking()).map_err(|e| WebError::internal(&e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"access-review-{id}.csv\""),
            ),
            (header::VARY, "Accept-Language".to_owned()),
        ],
        out,
    ))
}

async fn decide_in_review(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<NewDecision>,
) -> ApiResult<axum::Json<ReviewView>> {
    let id = ReviewId(id);
    seen_review(&s, &caller, id, None).await?;
    let decision = GrantDecision {
        under: Under::Review(id),
        grant: b.grant,
        outcome: b.outcome,
        comment: b.comment,
    };
    decide_grant(&s, &caller, decision).await?;
    seen_review(&s, &caller, id, None).await.map(axum::Json)
}

async fn list_follow_ups(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<FollowUpQuery>,
) -> ApiResult<axum::Json<Vec<FollowUpView>>> {
    let now = s.now();
    Ok(axum::Json(follow_ups_for(&s.world(), &caller, now, q.resolved)))
}

async fn decide_in_follow_up(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<NewDecision>,
) -> ApiResult<axum::Json<FollowUpView>> {
    let id = FollowUpId(id);
    s.world().follow_up(id)?;
    let decision = GrantDecision {
        under: Under::FollowUp(id),
        grant: b.grant,
        outcome: b.outcome,
        comment: b.comment,
    };
    decide_grant(&s, &caller, decision).await?;
    let w = s.world();
    Ok(axum::Json(follow_up_view(&w, w.follow_up(id)?, s.now())))
}
