//! The continuity register over HTTP (Decree Art. 15, 29): the overview, a system's records,
//! the plan, its reviews, BIAs, tests (also as CSV) and risk acceptances. The logic is
//! `service/continuity.rs`; this is the HTTP adapter. Read by whoever reads the inventory;
//! written as the engine decides (keepers; a system's custodian and operators for its BIA and
//! tests). Changes to an existing record need `If-Match`.

use super::guard::needs;
use super::{Api, Doc};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, speaking};
use crate::http::{Id, IfMatch, Params, Tagged, update};
use crate::service::continuity::{self as svc, Overview, SystemContinuity, TestView};
use crate::service::inventory::require_reader;
use crate::service::past::answering;
use crate::state::AppState;
use adam_core::register::continuity::*;
use adam_core::*;
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::{get, post, put};

const READERS: &str = "whoever reads the inventory: the information-security lead, the system administrator, user administrators and custodians (read scope)";
const KEEPERS: &str = "the information-security lead or the system administrator (write scope)";
const WRITERS: &str = "the system's custodian and operators named as persons, the information-security lead or the system administrator (write scope); ADAM's own tests: the keepers";

pub use super::AsOf;

pub(crate) fn routes(api: Api) -> Api {
    let t = "continuity";
    api.route(
        Method::GET,
        "/api/v1/continuity",
        Doc::new(
            t,
            "The continuity overview: the plan in force and whether its review is overdue (Art. 15(2)), every system with its criticality, RTO/RPO targets, last test measured against them and whether a restore test is overdue (Art. 29(3)), and ADAM's own tests; `at` answers as of an earlier instant",
            READERS,
        )
        .query::<AsOf>()
        .response::<Overview>(),
        get(needs(Scope::Read, overview)),
    )
    .route(
        Method::GET,
        "/api/v1/continuity/systems/{id}",
        Doc::new(
            t,
            "One system's continuity records: BIA and backup plan, tests with measured RTO/RPO against the targets, risk acceptances; `at` answers as of an earlier instant",
            READERS,
        )
        .query::<AsOf>()
        .response::<SystemContinuity>(),
        get(needs(Scope::Read, system)),
    )
    .route(
        Method::GET,
        "/api/v1/continuity/systems/{id}/bia",
        Doc::new(t, "A system's business impact analysis and backup plan, with its ETag", READERS)
            .response::<Bia>()
            .etag(),
        get(needs(Scope::Read, one_bia)),
    )
    .route(
        Method::PUT,
        "/api/v1/continuity/systems/{id}/bia",
        Doc::new(
            t,
            "Set a system's business impact analysis and backup plan (Art. 29(2), 29(4)); If-Match once it exists",
            WRITERS,
        )
        .body::<BiaFields>()
        .response::<Bia>(),
        put(needs(Scope::Write, set_bia)),
    )
    .route(
        Method::POST,
        "/api/v1/continuity/plans",
        Doc::new(t, "Record the continuity plan with the six contents of Art. 15(1)", KEEPERS)
            .body::<PlanFields>()
            .response::<ContinuityPlan>()
            .created(),
        post(needs(Scope::Write, record_plan)),
    )
    .route(
        Method::GET,
        "/api/v1/continuity/plans/{id}",
        Doc::new(t, "One continuity plan", READERS)
            .response::<ContinuityPlan>()
            .etag(),
        get(needs(Scope::Read, one_plan)),
    )
    .route(
        Method::PUT,
        "/api/v1/continuity/plans/{id}",
        Doc::new(t, "Change a continuity plan (If-Match)", KEEPERS)
            .body::<PlanFields>()
            .response::<ContinuityPlan>(),
        put(needs(Scope::Write, change_plan)),
    )
    .route(
        Method::POST,
        "/api/v1/continuity/plan-reviews",
        Doc::new(
            t,
            "Record a review of the plan in force: yearly or after a major change naming its change request (which meets that change's duty, Art. 15(2)), and its report to the head of the body (15(4))",
            KEEPERS,
        )
        .body::<PlanReviewFields>()
        .response::<PlanReview>()
        .created(),
        post(needs(Scope::Write, review_plan)),
    )
    .route(
        Method::POST,
        "/api/v1/continuity/tests",
        Doc::new(
            t,
            "Record a restore test, outage simulation or drill of a system or of ADAM itself (Art. 15(3), 29(3)); a failed restore test of ADAM raises a security event",
            WRITERS,
        )
        .body::<TestFields>()
        .response::<TestView>()
        .created(),
        post(needs(Scope::Write, record_test)),
    )
    .route(
        Method::GET,
        "/api/v1/continuity/tests.csv",
        Doc::new(t, "Every continuity test as CSV (header in the request's language)", READERS).csv(),
        get(needs(Scope::Read, tests_csv)),
    )
    .route(
        Method::GET,
        "/api/v1/continuity/tests/{id}",
        Doc::new(t, "One continuity test, measured against the targets", READERS)
            .response::<TestView>()
            .etag(),
        get(needs(Scope::Read, one_test)),
    )
    .route(
        Method::PUT,
        "/api/v1/continuity/tests/{id}",
        Doc::new(t, "Change a test: its findings, its follow-up tasks done (If-Match)", WRITERS)
            .body::<TestFields>()
            .response::<ContinuityTest>(),
        put(needs(Scope::Write, change_test)),
    )
    .route(
        Method::POST,
        "/api/v1/continuity/risk-acceptances",
        Doc::new(t, "Record that a system's continuity target is knowingly not met", KEEPERS)
            .body::<AcceptanceFields>()
            .response::<RiskAcceptance>()
            .created(),
        post(needs(Scope::Write, accept_risk)),
    )
    .route(
        Method::GET,
        "/api/v1/continuity/risk-acceptances/{id}",
        Doc::new(t, "One risk acceptance", READERS)
            .response::<RiskAcceptance>()
            .etag(),
        get(needs(Scope::Read, one_acceptance)),
    )
}

async fn overview(State(s): State<AppState>, caller: Caller, Params(q): Params<AsOf>) -> ApiResult<Json<Overview>> {
    require_reader(&s.world(), &caller, s.now())?;
    let past = s.world_as_of(q.at).await?;
    let w = answering(&s, &past);
    Ok(Json(svc::overview(&w, &caller, q.at.unwrap_or_else(|| s.now()))?))
}

async fn system(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<AsOf>,
) -> ApiResult<Json<SystemContinuity>> {
    require_reader(&s.world(), &caller, s.now())?;
    let past = s.world_as_of(q.at).await?;
    let w = answering(&s, &past);
    Ok(Json(svc::system(
        &w,
        &caller,
        ItemId(id),
        q.at.unwrap_or_else(|| s.now()),
    )?))
}

async fn set_bia(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(fields): Body<BiaFields>,
) -> ApiResult<Tagged<Bia>> {
    let system = ItemId(id);
    svc::require_writer(&s.world(), &caller, Some(system), s.now())?;
    let existing = s.world().bia_of(system).map(|b| b.rev);
    if let Some(rev) = existing {
        if_match.check(rev)?;
    }
    let bia = svc::set_bia(&s, &caller, system, fields, existing).await?;
    Ok(if existing.is_some() {
        Tagged::new(bia.rev, bia)
    } else {
        Tagged::created(bia.rev, bia)
    })
}

async fn one_bia(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<Bia>> {
    let w = s.world();
    require_reader(&w, &caller, s.now())?;
    let system = ItemId(id);
    w.item(system)?;
    let bia = w.bia_of(system).cloned().ok_or_else(|| {
        crate::error::WebError::not_found("this system has no business impact analysis yet")
            .sl("ta sistem še nima analize vpliva na poslovanje")
    })?;
    Ok(Tagged::new(bia.rev, bia))
}

async fn record_plan(
    State(s): State<AppState>,
    caller: Caller,
    Body(fields): Body<PlanFields>,
) -> ApiResult<Tagged<ContinuityPlan>> {
    let p = svc::record_plan(&s, &caller, fields).await?;
    Ok(Tagged::created(p.rev, p))
}

async fn one_plan(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<ContinuityPlan>> {
    let w = s.world();
    require_reader(&w, &caller, s.now())?;
    Ok(Tagged::record(w.continuity_plan(ContinuityPlanId(id))?.clone()))
}

async fn change_plan(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(fields): Body<PlanFields>,
) -> ApiResult<Json<ContinuityPlan>> {
    let plan = ContinuityPlanId(id);
    s.world().continuity_plan(plan)?;
    svc::require_writer(&s.world(), &caller, None, s.now())?;
    let p = update(&s, &caller, &if_match, plan, |_: ContinuityPlan| {
        Ok(svc::plan_change(plan, fields))
    })
    .await?;
    Ok(Json(p))
}

async fn review_plan(
    State(s): State<AppState>,
    caller: Caller,
    Body(fields): Body<PlanReviewFields>,
) -> ApiResult<Tagged<PlanReview>> {
    let r = svc::review_plan(&s, &caller, fields).await?;
    Ok(Tagged::created(r.rev, r))
}

async fn record_test(
    State(s): State<AppState>,
    caller: Caller,
    Body(fields): Body<TestFields>,
) -> ApiResult<Tagged<TestView>> {
    let id = svc::record_test(&s, &caller, fields).await?;
    let w = s.world();
    let t = w.continuity_test(id)?;
    Ok(Tagged::created(t.rev, TestView::of(&w, t)))
}

async fn one_test(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<TestView>> {
    let w = s.world();
    require_reader(&w, &caller, s.now())?;
    let t = w.continuity_test(ContinuityTestId(id))?;
    Ok(Tagged::new(t.rev, TestView::of(&w, t)))
}

async fn change_test(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(fields): Body<TestFields>,
) -> ApiResult<Json<ContinuityTest>> {
    let test = ContinuityTestId(id);
    let (rev, subject) = {
        let w = s.world();
        let t = w.continuity_test(test)?;
        (t.rev, t.fields.subject)
    };
    let system = match subject {
        Subject::System(s) => Some(s),
        Subject::Adam => None,
    };
    svc::require_writer(&s.world(), &caller, system, s.now())?;
    if_match.check(rev)?;
    Ok(Json(svc::update_test(&s, &caller, test, fields, Some(rev)).await?))
}

async fn accept_risk(
    State(s): State<AppState>,
    caller: Caller,
    Body(fields): Body<AcceptanceFields>,
) -> ApiResult<Tagged<RiskAcceptance>> {
    let a = svc::accept_risk(&s, &caller, fields).await?;
    Ok(Tagged::created(a.rev, a))
}

async fn one_acceptance(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<RiskAcceptance>> {
    let w = s.world();
    require_reader(&w, &caller, s.now())?;
    Ok(Tagged::record(w.risk_acceptance(AcceptanceId(id))?.clone()))
}

async fn tests_csv(State(s): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let w = s.world();
    require_reader(&w, &caller, s.now())?;
    let text = svc::tests_csv(&w, speaking()).map_err(|e| crate::error::WebError::internal(&e))?;
    Ok(super::inventory::csv_answer(text, "continuity-tests.csv"))
}
