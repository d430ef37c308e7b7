//! The process engine over HTTP (issue #16): the processes and their diagrams, importing a new
//! definition version, cases (start, read, fill, decide, consent, diagram, the ministry's
//! notification), the caller's work lists and the registers of cases
//! (`/api/v1/reports/cases`). Logic lives in `service/process/`; the engine authorises every
//! change.

use super::guard::needs;
use super::{Api, AsOf, Doc};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, speaking};
use crate::http::{Id, Params, Segment, Tagged};
use crate::service::attachments::require_attachable;
use crate::service::process::{self as svc, CaseView, MinistryNotification, ProcessRow, WorkLists};
use crate::state::AppState;
use adam_core::attachment::AttachmentRef;
use adam_core::process::{self, Definition, Marks};
use adam_core::*;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

const EVERYONE: &str = "every signed-in account";
const KEEPERS: &str = "the information-security lead or the system administrator (write scope)";
const READERS: &str = "the register keepers, whoever performs or performed a step of the case, its reporter, and whom the case folder's ACL lets read it";

pub(crate) fn routes(api: Api) -> Api {
    let t = "processes";
    api.route(
        Method::GET,
        "/api/v1/processes",
        Doc::new(t, "Every process: the newest version of each, shipped or imported", EVERYONE)
            .response::<Vec<ProcessRow>>(),
        get(needs(Scope::Read, list)),
    )
    .route(
        Method::POST,
        "/api/v1/processes",
        Doc::new(
            t,
            "Import a new version of a process definition; one that cannot work is refused with every problem named (`problems`)",
            KEEPERS,
        )
        .body::<Definition>()
        .response::<Definition>()
        .created(),
        post(needs(Scope::Write, import)),
    )
    .route(
        Method::GET,
        "/api/v1/processes/{key}",
        Doc::new(t, "The newest definition of a process", EVERYONE).response::<Definition>(),
        get(needs(Scope::Read, one_process)),
    )
    .route(
        Method::GET,
        "/api/v1/processes/{key}/diagram.svg",
        Doc::new(t, "The process drawn as a diagram (SVG)", EVERYONE).file(),
        get(needs(Scope::Read, process_diagram)),
    )
    .route(
        Method::GET,
        "/api/v1/work",
        Doc::new(
            t,
            "The caller's work lists: my steps, overdue steps (with their age), every case the caller reads",
            EVERYONE,
        )
        .response::<WorkLists>(),
        get(needs(Scope::Read, work)),
    )
    .route(
        Method::POST,
        "/api/v1/cases",
        Doc::new(
            t,
            "Start a case: any person reports a security event (Art. 19(1)); a change request is started by the system's people",
            EVERYONE,
        )
        .body::<StartBody>()
        .response::<CaseView>()
        .created(),
        post(needs(Scope::Write, start)),
    )
    .route(
        Method::POST,
        "/api/v1/notifications",
        Doc::new(
            t,
            "Register a body's notification of a security event (Art. 19(4)–(5); the file its installation's `GET /api/v1/cases/{id}/notification` gives) in the ministry's register of incidents (Art. 20): a new `incident-register` case, where the ministry decides whether it is an incident (19(6)); the same notification is registered once",
            "the installation's information-security lead or coordinator (write scope)",
        )
        .body::<svc::IncomingNotification>()
        .response::<CaseView>()
        .created(),
        post(needs(Scope::Write, register_notification)),
    )
    .route(
        Method::GET,
        "/api/v1/cases/{id}",
        Doc::new(
            t,
            "One case: its step, what is missing before each outcome, consents, fields, history; `at` shows it as it stood at an earlier instant (who may ask, and who reads its restricted fields, decided by today's rules)",
            READERS,
        )
        .query::<AsOf>()
        .response::<CaseView>()
            .etag(),
        get(needs(Scope::Read, one_case)),
    )
    .route(
        Method::PATCH,
        "/api/v1/cases/{id}",
        Doc::new(t, "Fill fields of an open case or attach files (its current step's performers)", READERS)
            .body::<UpdateBody>()
            .response::<CaseView>(),
        axum::routing::patch(needs(Scope::Write, update)),
    )
    .route(
        Method::POST,
        "/api/v1/cases/{id}/decisions",
        Doc::new(
            t,
            "Decide the current step with an outcome; refused with what is missing (`unmet`) while a guard does not hold",
            READERS,
        )
        .body::<DecideBody>()
        .response::<CaseView>(),
        post(needs(Scope::Write, decide)),
    )
    .route(
        Method::POST,
        "/api/v1/cases/{id}/consents",
        Doc::new(
            t,
            "Give the written consent of a role at the current step (Art. 22(3): custodian and security lead, two different people)",
            READERS,
        )
        .body::<ConsentBody>()
        .response::<CaseView>(),
        post(needs(Scope::Write, consent)),
    )
    .route(
        Method::GET,
        "/api/v1/cases/{id}/diagram.svg",
        Doc::new(t, "The case's process as a diagram, its current and past steps marked (SVG)", READERS).file(),
        get(needs(Scope::Read, case_diagram)),
    )
    .route(
        Method::GET,
        "/api/v1/cases/{id}/notification",
        Doc::new(
            t,
            "A security event's notification to the ministry (Art. 19(4)–(5)), format adam.security-event-notification/1",
            READERS,
        )
        .response::<MinistryNotification>(),
        get(needs(Scope::Read, notification)),
    )
    .route(
        Method::GET,
        "/api/v1/reports/cases",
        Doc::new(
            "registers",
            "A register of cases: `kind=events` the security events with the data of Art. 19(5), `incidents` the incident file with the data of Art. 20(2), `changes` the change log with its consents (Art. 22–23); the cases the caller reads, `state=open|closed`, `from`/`to` the days reported (Slovenian calendar dates, inclusive); perpetrators and motives only to whom the case page shows them; CSV with `format=csv` or `Accept: text/csv` (header in the Accept-Language language)",
            READERS,
        )
        .query::<RegisterQuery>()
        .response::<svc::CaseRegister>()
        .csv(),
        get(needs(Scope::Read, case_register)),
    )
}

/// Which register of cases, filtered how, in which form.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterQuery {
    /// `events`, `incidents` or `changes`.
    pub kind: Option<String>,
    /// `open` or `closed` (none: both).
    pub state: Option<String>,
    /// Reported on or after this day (`2027-01-31` or `31. 1. 2027`, Ljubljana).
    pub from: Option<String>,
    /// Reported on or before this day.
    pub to: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

async fn case_register(
    State(s): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    Params(q): Params<RegisterQuery>,
) -> ApiResult<axum::response::Response> {
    let filter = svc::RegisterFilter::parse(
        q.kind.as_deref(),
        q.state.as_deref(),
        q.from.as_deref(),
        q.to.as_deref(),
    )?;
    let accepts_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"));
    let csv = match q.format.as_deref() {
        None => accepts_csv,
        Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(crate::error::WebError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-query",
                format!("format must be json or csv, not {other:?}"),
            )
            .sl(format!("format mora biti json ali csv, ne {other:?}"))
            .with("pointer", "/format"));
        }
    };
    let register = svc::case_register(&s.world(), &caller, &filter, s.now(), speaking());
    if csv {
        let text = svc::case_register_csv(&register, speaking()).map_err(|e| crate::error::WebError::internal(&e))?;
        let file = match filter.kind {
            svc::RegisterKind::Events => "security-events.csv",
            svc::RegisterKind::Incidents => "incidents.csv",
            svc::RegisterKind::Changes => "changes.csv",
        };
        Ok(super::inventory::csv_answer(text, file))
    } else {
        Ok(axum::Json(register).into_response())
    }
}

/// Starting a case.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// The process (`security-event`, `change-request`).
    pub process: Code,
    /// Its title.
    pub title: Text,
    /// Fields, by key.
    #[serde(default)]
    pub fields: BTreeMap<String, Value>,
    /// Files (uploaded first to `/api/v1/attachments`).
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

/// Filling a case.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    /// Fields, by key (`null` empties one).
    #[serde(default)]
    pub fields: BTreeMap<String, Value>,
    /// Files to attach.
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

/// Deciding the current step.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideBody {
    /// The step decided (the current one).
    pub step: Code,
    /// The outcome.
    pub outcome: Code,
    /// A comment.
    #[serde(default)]
    pub comment: Option<Text>,
    /// Fields filled with the decision.
    #[serde(default)]
    pub fields: BTreeMap<String, Value>,
    /// Files attached with the decision.
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

/// A consent.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    /// The role consenting (`custodian`, `security_lead`).
    pub role: Code,
    /// A comment.
    #[serde(default)]
    pub comment: Option<Text>,
}

async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Vec<ProcessRow>>> {
    caller.require(Scope::Read)?;
    Ok(axum::Json(svc::processes(&s.world(), speaking())))
}

async fn import(
    State(s): State<AppState>,
    caller: Caller,
    Body(definition): Body<Definition>,
) -> ApiResult<(StatusCode, axum::Json<Definition>)> {
    svc::import_process(&s, &caller, definition.clone()).await?;
    Ok((StatusCode::CREATED, axum::Json(definition)))
}

async fn one_process(
    State(s): State<AppState>,
    caller: Caller,
    Segment(key): Segment,
) -> ApiResult<axum::Json<Definition>> {
    caller.require(Scope::Read)?;
    Ok(axum::Json(svc::definition(&s.world(), &key)?))
}

fn svg_response(svg: String) -> axum::response::Response {
    ([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response()
}

async fn process_diagram(
    State(s): State<AppState>,
    caller: Caller,
    Segment(key): Segment,
) -> ApiResult<axum::response::Response> {
    caller.require(Scope::Read)?;
    let def = svc::definition(&s.world(), &key)?;
    Ok(svg_response(process::svg(&def, &Marks::none(), speaking())))
}

async fn work(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<WorkLists>> {
    Ok(axum::Json(svc::work(&s.world(), &caller, s.now(), speaking())?))
}

/// Refuses files the caller did not upload or may not read.
async fn check_files(s: &AppState, caller: &Caller, files: &[AttachmentRef]) -> ApiResult<()> {
    require_attachable(s, caller, files).await
}

fn case_view(s: &AppState, caller: &Caller, id: CaseId) -> ApiResult<CaseView> {
    let w = s.world();
    let now = s.now();
    let case = svc::readable_case(&w, caller, id, now)?;
    svc::view(&w, caller, &case, now, speaking())
}

async fn start(
    State(s): State<AppState>,
    caller: Caller,
    Body(body): Body<StartBody>,
) -> ApiResult<(StatusCode, axum::Json<CaseView>)> {
    check_files(&s, &caller, &body.attachments).await?;
    let new = svc::NewCase {
        process: body.process,
        title: body.title,
        fields: body.fields,
        attachments: body.attachments,
    };
    let id = svc::start_case(&s, &caller, new).await?;
    Ok((StatusCode::CREATED, axum::Json(case_view(&s, &caller, id)?)))
}

async fn register_notification(
    State(s): State<AppState>,
    caller: Caller,
    Body(n): Body<svc::IncomingNotification>,
) -> ApiResult<(StatusCode, axum::Json<CaseView>)> {
    let id = svc::register_notification(&s, &caller, n).await?;
    Ok((StatusCode::CREATED, axum::Json(case_view(&s, &caller, id)?)))
}

async fn one_case(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<AsOf>,
) -> ApiResult<Tagged<CaseView>> {
    let v = match q.at {
        None => case_view(&s, &caller, CaseId(id))?,
        Some(at) => {
            // Refused before the replay: a caller who may not read the case today costs nothing.
            svc::readable_case(&s.world(), &caller, CaseId(id), s.now())?;
            let past = s.world_as_of(Some(at)).await?;
            let live = s.world();
            // No past world: nothing changed since `at`, the live one is how it stood.
            let then = past.as_deref().unwrap_or(&live);
            svc::view_as_of(&live, then, &caller, CaseId(id), s.now(), at, speaking())?
        }
    };
    Ok(Tagged::new(v.rev, v))
}

async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(body): Body<UpdateBody>,
) -> ApiResult<axum::Json<CaseView>> {
    let case = CaseId(id);
    case_view(&s, &caller, case)?;
    check_files(&s, &caller, &body.attachments).await?;
    svc::fill_case(&s, &caller, case, body.fields, body.attachments).await?;
    Ok(axum::Json(case_view(&s, &caller, case)?))
}

async fn decide(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(body): Body<DecideBody>,
) -> ApiResult<axum::Json<CaseView>> {
    let case = CaseId(id);
    case_view(&s, &caller, case)?;
    check_files(&s, &caller, &body.attachments).await?;
    let decision = svc::Decision {
        step: body.step,
        outcome: body.outcome,
        comment: body.comment,
        fields: body.fields,
        attachments: body.attachments,
    };
    svc::decide_step(&s, &caller, case, decision).await?;
    // The decider may no longer read the case (it moved on and the ACL gives them nothing).
    let w = s.world();
    let c = w.case(case)?.clone();
    Ok(axum::Json(svc::view(&w, &caller, &c, s.now(), speaking())?))
}

async fn consent(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(body): Body<ConsentBody>,
) -> ApiResult<axum::Json<CaseView>> {
    let case = CaseId(id);
    case_view(&s, &caller, case)?;
    svc::consent(&s, &caller, case, body.role, body.comment).await?;
    Ok(axum::Json(case_view(&s, &caller, case)?))
}

async fn case_diagram(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<axum::response::Response> {
    let w = s.world();
    let case = svc::readable_case(&w, &caller, CaseId(id), s.now())?;
    let def = &w.process_definition(case.definition)?.definition;
    Ok(svg_response(process::svg(def, &Marks::of(&case), speaking())))
}

async fn notification(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<axum::Json<MinistryNotification>> {
    let w = s.world();
    let case = svc::readable_case(&w, &caller, CaseId(id), s.now())?;
    Ok(axum::Json(svc::ministry_notification(&w, &case)?))
}
