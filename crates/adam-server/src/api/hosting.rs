//! The registry of information solutions over HTTP (seed 000, issue #17): the list, one
//! solution with its versions' histories, the board by phase with the overdue steps,
//! registering and correcting a solution, and opening a version (a `dro-hosting` case).
//! Read like the inventory; kept by its keepers and by the solution's placement coordinator
//! and registry custodian. The Decree's refusals (Art. 41, 47(3)) are problems with their
//! article.

use super::guard::needs;
use super::{Api, Doc};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::ApiResult;
use crate::http::{Id, Tagged};
use crate::service::directory::no_guard;
use crate::service::hosting::{self, Board, SolutionView};
use crate::state::AppState;
use adam_core::register::solution::SolutionFields;
use adam_core::*;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{get, post, put};
use schemars::JsonSchema;
use serde::Deserialize;

const READERS: &str = "the information-security lead, the system administrator, user administrators and custodians";
const KEEPERS: &str = "the information-security lead or the system administrator (write scope); for an existing solution also its placement coordinator and registry custodian";

pub(crate) fn routes(api: Api) -> Api {
    let t = "hosting";
    api.route(
        Method::GET,
        "/api/v1/solutions",
        Doc::new(t, "Every solution of the registry with its phase and versions", READERS)
            .response::<Vec<SolutionView>>(),
        get(needs(Scope::Read, list)),
    )
    .route(
        Method::POST,
        "/api/v1/solutions",
        Doc::new(
            t,
            "Register a solution (000, 1.1.1.11); refused above Z1/C1/R1 in a public cloud (Art. 41) or with test and production at one address (Art. 47(3))",
            KEEPERS,
        )
        .body::<SolutionFields>()
        .response::<SolutionView>()
        .created(),
        post(needs(Scope::Write, register)),
    )
    .route(
        Method::GET,
        "/api/v1/solutions/board",
        Doc::new(t, "The board: every solution by phase, the versions in flight, the overdue steps", READERS)
            .response::<Board>(),
        get(needs(Scope::Read, board)),
    )
    .route(
        Method::GET,
        "/api/v1/solutions/{id}",
        Doc::new(t, "One solution with each version's history read from its case", READERS)
            .response::<SolutionView>()
            .etag(),
        get(needs(Scope::Read, one)),
    )
    .route(
        Method::PUT,
        "/api/v1/solutions/{id}",
        Doc::new(t, "Correct a solution's entry", KEEPERS)
            .body::<SolutionFields>()
            .response::<SolutionView>(),
        put(needs(Scope::Write, correct)),
    )
    .route(
        Method::POST,
        "/api/v1/solutions/{id}/versions",
        Doc::new(
            t,
            "Open a version: a dro-hosting case with the solution's people and jobs bound to the roles; the first enters at the order, every later one at the development order (1.1.1.18)",
            KEEPERS,
        )
        .body::<NewVersion>()
        .response::<SolutionView>()
        .created(),
        post(needs(Scope::Write, open_version)),
    )
}

/// A new version.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    /// Its label (`2.3`).
    pub version: Text,
}

async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Vec<SolutionView>>> {
    let w = s.world();
    Ok(axum::Json(hosting::list(&w, &caller, s.now())?))
}

async fn board(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Board>> {
    let w = s.world();
    Ok(axum::Json(hosting::board(&w, &caller, s.now())?))
}

async fn one(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<SolutionView>> {
    let w = s.world();
    let v = hosting::one(&w, &caller, SolutionId(id), s.now())?;
    Ok(Tagged::new(v.solution.rev, v))
}

async fn register(
    State(s): State<AppState>,
    caller: Caller,
    Body(fields): Body<SolutionFields>,
) -> ApiResult<(StatusCode, axum::Json<SolutionView>)> {
    let id = hosting::register_solution(&s, &caller, fields).await?;
    let w = s.world();
    Ok((
        StatusCode::CREATED,
        axum::Json(hosting::view(&w, w.solution(id)?, s.now())),
    ))
}

async fn correct(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(fields): Body<SolutionFields>,
) -> ApiResult<axum::Json<SolutionView>> {
    let solution = SolutionId(id);
    hosting::update_solution(&s, &caller, solution, fields, no_guard).await?;
    let w = s.world();
    Ok(axum::Json(hosting::view(&w, w.solution(solution)?, s.now())))
}

async fn open_version(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(v): Body<NewVersion>,
) -> ApiResult<(StatusCode, axum::Json<SolutionView>)> {
    let solution = SolutionId(id);
    hosting::open_version(&s, &caller, solution, v.version).await?;
    let w = s.world();
    Ok((
        StatusCode::CREATED,
        axum::Json(hosting::view(&w, w.solution(solution)?, s.now())),
    ))
}
