//! Risk assessments (Decree Art. 9) over HTTP: the list with the next due day, recording one
//! and correcting it. Read by whoever reads the inventory; recorded by its keepers (the
//! information-security lead and the system administrator).

use super::guard::needs;
use super::{Api, AsOf, Doc};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::ApiResult;
use crate::http::{Id, Params, Tagged};
use crate::service::inventory::require_reader;
use crate::service::past::answering;
use crate::service::risk::{correct_risk, record_risk};
use crate::state::AppState;
use adam_core::register::risk::{RiskAssessment, RiskFields};
use adam_core::*;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{get, put};
use schemars::JsonSchema;
use serde::Serialize;

const READERS: &str = "the information-security lead, the system administrator, user administrators and custodians";
const KEEPERS: &str = "the information-security lead or the system administrator (write scope)";

pub(crate) fn routes(api: Api) -> Api {
    let t = "registers";
    api.route(
        Method::GET,
        "/api/v1/risk-assessments",
        Doc::new(
            t,
            "Every risk assessment, the latest first, with when the next is due (Art. 9(2): at least yearly); `at` answers as they stood at an earlier instant",
            READERS,
        )
        .query::<AsOf>()
        .response::<RiskList>(),
        get(needs(Scope::Read, list)),
    )
    .route(
        Method::POST,
        "/api/v1/risk-assessments",
        Doc::new(
            t,
            "Record a risk assessment: scope, findings, treatment (Art. 9(3))",
            KEEPERS,
        )
        .body::<RiskFields>()
        .response::<RiskAssessment>()
        .created(),
        axum::routing::post(needs(Scope::Write, record)),
    )
    .route(
        Method::GET,
        "/api/v1/risk-assessments/{id}",
        Doc::new(t, "One risk assessment; `at` answers as it stood at an earlier instant", READERS)
            .query::<AsOf>()
            .response::<RiskAssessment>()
            .etag(),
        get(needs(Scope::Read, one)),
    )
    .route(
        Method::PUT,
        "/api/v1/risk-assessments/{id}",
        Doc::new(t, "Correct a risk assessment", KEEPERS)
            .body::<RiskFields>()
            .response::<RiskAssessment>(),
        put(needs(Scope::Write, correct)),
    )
}

/// The assessments with the register's status.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RiskList {
    /// When the next assessment is due (none yet: now).
    pub next_due: Option<LocalDate>,
    /// Whether it is overdue.
    pub overdue: bool,
    /// The assessments, the latest first.
    pub assessments: Vec<RiskAssessment>,
}

async fn list(State(s): State<AppState>, caller: Caller, Params(q): Params<AsOf>) -> ApiResult<axum::Json<RiskList>> {
    require_reader(&s.world(), &caller, s.now())?;
    let past = s.world_as_of(q.at).await?;
    let w = answering(&s, &past);
    let now = q.at.unwrap_or_else(|| s.now());
    let (latest, overdue) = w.risk_status(LocalDate::of(now));
    let mut assessments = w.risk_assessments().to_vec();
    assessments.sort_by_key(|a| std::cmp::Reverse((a.fields.date, a.id)));
    Ok(axum::Json(RiskList {
        next_due: latest.map(RiskAssessment::due),
        overdue,
        assessments,
    }))
}

async fn one(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<AsOf>,
) -> ApiResult<Tagged<RiskAssessment>> {
    require_reader(&s.world(), &caller, s.now())?;
    let past = s.world_as_of(q.at).await?;
    let w = answering(&s, &past);
    let r = w.risk_assessment(RiskId(id))?.clone();
    Ok(Tagged::new(r.rev, r))
}

async fn record(
    State(s): State<AppState>,
    caller: Caller,
    Body(fields): Body<RiskFields>,
) -> ApiResult<(StatusCode, axum::Json<RiskAssessment>)> {
    let id = record_risk(&s, &caller, fields).await?;
    let r = s.world().risk_assessment(id)?.clone();
    Ok((StatusCode::CREATED, axum::Json(r)))
}

async fn correct(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(fields): Body<RiskFields>,
) -> ApiResult<axum::Json<RiskAssessment>> {
    let risk = RiskId(id);
    correct_risk(&s, &caller, risk, fields).await?;
    Ok(axum::Json(s.world().risk_assessment(risk)?.clone()))
}
