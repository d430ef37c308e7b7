//! Responsibility (RACI) matrices over HTTP (issue #17): the shipped templates with their rule
//! check, the solutions' matrices (create, bind a party, override a cell, history, "as of"),
//! the question "who is accountable for task T at layer L of solution X", and a solution's
//! monthly report (availability and incidents, JSON or CSV).

use super::guard::needs;
use super::inventory::HistoryPage;
use super::{Api, Doc};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError, speaking};
use crate::http::{Params, Segment, Tagged};
use crate::service::audit::History;
use crate::service::past::answering;
use crate::service::raci::{self as svc, MatrixRow, MatrixView, TemplateView, WhoView};
use crate::service::raci_report::{self as report_svc, MonthlyReport};
use crate::state::AppState;
use adam_core::raci::{Cell, Key, Party, SolutionCode, TemplateRef};
use adam_core::*;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::Deserialize;

const READERS: &str = "the inventory's readers (security lead, system administrator, user administrators, custodians) and the people holding a job bound to one of the matrix's parties";
const KEEPERS: &str = "the information-security lead or the system administrator (write scope)";
const APPROVERS: &str = "a person holding the job of the party accountable at that task and layer, the information-security lead or the system administrator (write scope)";

pub(crate) fn routes(api: Api) -> Api {
    let t = "raci";
    api.route(
        Method::GET,
        "/api/v1/raci/templates",
        Doc::new(
            t,
            "The shipped responsibility templates (operating model 2A) with their rule check",
            "every signed-in person (read scope)",
        )
        .response::<Vec<TemplateView>>(),
        get(needs(Scope::Read, templates)),
    )
    .route(
        Method::GET,
        "/api/v1/raci/matrices",
        Doc::new(t, "The solutions' responsibility matrices the caller may read", READERS)
            .response::<Vec<MatrixRow>>(),
        get(needs(Scope::Read, list)),
    )
    .route(
        Method::POST,
        "/api/v1/raci/matrices",
        Doc::new(t, "Create a solution's matrix from a template, its parties bound to the directory", KEEPERS)
            .body::<NewMatrix>()
            .response::<MatrixView>()
            .created(),
        post(needs(Scope::Write, create)),
    )
    .route(
        Method::GET,
        "/api/v1/raci/matrices/{solution}",
        Doc::new(t, "A solution's matrix: effective cells, overrides, parties and their people; `at` for as of", READERS)
            .query::<AsOf>()
            .response::<MatrixView>()
            .etag(),
        get(needs(Scope::Read, one)),
    )
    .route(
        Method::POST,
        "/api/v1/raci/matrices/{solution}/parties",
        Doc::new(t, "Bind a party to an office or a job, or add a party (with a name)", KEEPERS)
            .body::<Party>()
            .response::<MatrixView>(),
        post(needs(Scope::Write, set_party)),
    )
    .route(
        Method::POST,
        "/api/v1/raci/matrices/{solution}/overrides",
        Doc::new(t, "Override one cell, with a reason; the caller approves it", APPROVERS)
            .body::<NewOverride>()
            .response::<MatrixView>(),
        post(needs(Scope::Write, override_cell)),
    )
    .route(
        Method::GET,
        "/api/v1/raci/matrices/{solution}/who",
        Doc::new(
            t,
            "Who is accountable (and responsible, consulted, informed) for a task at a layer: the party, its job and the people holding it now; `at` for as of",
            READERS,
        )
        .query::<WhoQuery>()
        .response::<WhoView>(),
        get(needs(Scope::Read, who)),
    )
    .route(
        Method::GET,
        "/api/v1/raci/matrices/{solution}/report",
        Doc::new(
            t,
            "A solution's monthly report (seed 003): the availability of its information system and the security events and incidents about it in a month (`month=YYYY-MM`, default this month); `format=csv` for CSV (header in the Accept-Language language)",
            READERS,
        )
        .query::<ReportQuery>()
        .response::<MonthlyReport>()
        .csv(),
        get(needs(Scope::Read, report)),
    )
    .route(
        Method::GET,
        "/api/v1/raci/matrices/{solution}/history",
        Doc::new(t, "A matrix's history from the audit trail, newest first", READERS)
            .query::<HistoryPage>()
            .response::<History>(),
        get(needs(Scope::Read, history)),
    )
}

/// A new matrix.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMatrix {
    /// The solution's codename (`OPSI`).
    pub solution: SolutionCode,
    /// The template (`{"code": "dk-sit-2a", "version": 1}`).
    pub template: TemplateRef,
    /// The parties and where they sit.
    #[serde(default)]
    pub parties: Vec<Party>,
}

/// An override of one cell.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOverride {
    /// The task's number.
    pub task: u16,
    /// The layer.
    pub layer: Key,
    /// The party.
    pub party: Key,
    /// The letters (a set of A, R, C, I).
    pub letters: Cell,
    /// Why.
    #[serde(default)]
    pub reason: Option<Text>,
}

pub use super::AsOf;

/// The question.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhoQuery {
    /// The task: its number or its name in Slovenian, English or Danish (`Restore`, `11`).
    pub task: String,
    /// The layer: its key or name (`middleware`).
    pub layer: String,
    /// Answer as the world stood then.
    #[serde(default)]
    pub at: Option<Timestamp>,
}

/// Which month, in what form.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// The month, `YYYY-MM` (default: this month).
    #[serde(default)]
    pub month: Option<String>,
    /// `json` (default) or `csv`.
    #[serde(default)]
    pub format: Option<String>,
}

async fn report(
    State(s): State<AppState>,
    caller: Caller,
    Segment(solution): Segment,
    Params(q): Params<ReportQuery>,
) -> ApiResult<Response> {
    let solution = svc::solution(&solution)?;
    let now = s.now();
    let month = match q.month.as_deref() {
        Some(m) => report_svc::month(m)?,
        None => report_svc::ReportMonth::of(now),
    };
    let r = report_svc::report(&s.world(), &caller, &solution, month, now)?;
    match q.format.as_deref() {
        None | Some("json") => Ok(axum::Json(r).into_response()),
        Some("csv") => {
            let text = report_svc::report_csv(&r, speaking()).map_err(|e| WebError::internal(&e))?;
            Ok(super::inventory::csv_answer(text, "raci-report.csv"))
        }
        Some(other) => Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-query",
            format!("format must be json or csv, not {other:?}"),
        )
        .sl(format!("format mora biti json ali csv, ne {other:?}"))
        .with("pointer", "/format")),
    }
}

/// Takes the caller only for the route's scope (`needs` finds it among the extractors).
async fn templates(_caller: Caller) -> ApiResult<axum::Json<Vec<TemplateView>>> {
    Ok(axum::Json(svc::templates()))
}

async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Vec<MatrixRow>>> {
    Ok(axum::Json(svc::list(&s.world(), &caller, s.now())?))
}

fn view_now(s: &AppState, caller: &Caller, solution: &SolutionCode) -> ApiResult<Tagged<MatrixView>> {
    let w = s.world();
    let m = svc::readable(&w, caller, solution, s.now())?;
    Ok(Tagged::new(m.rev, svc::matrix_view(&w, m)?))
}

async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<NewMatrix>,
) -> ApiResult<(StatusCode, Tagged<MatrixView>)> {
    let solution = b.solution.clone();
    let new = svc::NewMatrix {
        solution: b.solution,
        template: b.template,
        parties: b.parties,
    };
    svc::create_matrix(&s, &caller, new).await?;
    Ok((StatusCode::CREATED, view_now(&s, &caller, &solution)?))
}

async fn one(
    State(s): State<AppState>,
    caller: Caller,
    Segment(solution): Segment,
    Params(q): Params<AsOf>,
) -> ApiResult<Tagged<MatrixView>> {
    let solution = svc::solution(&solution)?;
    if q.at.is_none() {
        return view_now(&s, &caller, &solution);
    }
    svc::readable(&s.world(), &caller, &solution, s.now())?;
    let past = s.world_as_of(q.at).await?;
    let w = answering(&s, &past);
    let m = w.raci_of(&solution)?;
    Ok(Tagged::new(m.rev, svc::matrix_view(&w, m)?))
}

fn matrix_id(s: &AppState, caller: &Caller, solution: &SolutionCode) -> ApiResult<RaciMatrixId> {
    let w = s.world();
    // Those who cannot read the matrix learn nothing from a refusal to change it.
    Ok(svc::readable(&w, caller, solution, s.now())?.id)
}

async fn set_party(
    State(s): State<AppState>,
    caller: Caller,
    Segment(solution): Segment,
    Body(party): Body<Party>,
) -> ApiResult<Tagged<MatrixView>> {
    let solution = svc::solution(&solution)?;
    let matrix = matrix_id(&s, &caller, &solution)?;
    svc::set_party(&s, &caller, matrix, party).await?;
    view_now(&s, &caller, &solution)
}

async fn override_cell(
    State(s): State<AppState>,
    caller: Caller,
    Segment(solution): Segment,
    Body(b): Body<NewOverride>,
) -> ApiResult<Tagged<MatrixView>> {
    let solution = svc::solution(&solution)?;
    let matrix = matrix_id(&s, &caller, &solution)?;
    let cell = svc::CellOverride {
        task: b.task,
        layer: b.layer,
        party: b.party,
        letters: b.letters,
        reason: b.reason,
    };
    svc::override_cell(&s, &caller, matrix, cell).await?;
    view_now(&s, &caller, &solution)
}

async fn who(
    State(s): State<AppState>,
    caller: Caller,
    Segment(solution): Segment,
    Params(q): Params<WhoQuery>,
) -> ApiResult<axum::Json<WhoView>> {
    let solution = svc::solution(&solution)?;
    svc::readable(&s.world(), &caller, &solution, s.now())?;
    let past = s.world_as_of(q.at).await?;
    let w = answering(&s, &past);
    let m = w.raci_of(&solution)?;
    Ok(axum::Json(svc::who(&w, m, &q.task, &q.layer)?))
}

async fn history(
    State(s): State<AppState>,
    caller: Caller,
    Segment(solution): Segment,
    Params(q): Params<HistoryPage>,
) -> ApiResult<axum::Json<History>> {
    let solution = svc::solution(&solution)?;
    let id = matrix_id(&s, &caller, &solution)?;
    let kind = EntityKind::RaciMatrix.as_str();
    super::audit::object_history(&s, &caller, kind, id.0, q.before, q.limit)
        .await
        .map(axum::Json)
}
