//! The Decree's roles (Art. 3–8) and the classification scheme (Art. 11(3)) over HTTP: the
//! appointments of the head, the information-security lead and the coordinator, the role
//! holders' list the body sends to the ministry (Art. 5(5)) as JSON or CSV, and the scheme's
//! names, criteria and labelling texts.
//!
//! The appointments and the role holders' list are read by whoever reads the inventory
//! (`service::inventory::reader`: it lists the custodians and operators of every system);
//! the scheme by every account, since everyone labels what they write by it. Changes are the
//! keepers' (the security lead, the system administrator), decided by the engine.

use super::guard::needs;
use super::inventory::csv_answer;
use super::{Api, AsOf, Doc, PageQuery, page};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError, speaking};
use crate::http::{Id, IfMatch, Params, Tagged, update};
use crate::service::decree_roles as dr;
use crate::service::inventory::{self as inv, HolderRow};
use crate::service::past::answering;
use crate::state::AppState;
use adam_core::register::decree_roles::{DecreeRole, RoleHolder};
use adam_core::register::scheme::{ClassScheme, SchemeEntry};
use adam_core::*;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use schemars::JsonSchema;
use serde::Deserialize;

const READERS: &str =
    "the information-security lead, the system administrator, user administrators and custodians (read scope)";
const KEEPERS: &str = "the information-security lead or the system administrator (write scope)";

pub(crate) fn routes(api: Api) -> Api {
    let t = "decree roles";
    api.route(
        Method::GET,
        "/api/v1/decree-roles",
        Doc::new(t, "Appointments to the Decree's roles: head, information-security lead, coordinator (Art. 5); `at` answers as they stood at an earlier instant", READERS)
            .query::<RolesQuery>()
            .response::<Page<RoleHolder>>(),
        get(needs(Scope::Read, list)),
    )
    .route(
        Method::POST,
        "/api/v1/decree-roles",
        Doc::new(t, "Appoint an active person to a Decree role (Art. 5)", KEEPERS)
            .body::<NewAppointment>()
            .response::<RoleHolder>()
            .created(),
        post(needs(Scope::Write, appoint)),
    )
    .route(
        Method::POST,
        "/api/v1/decree-roles/{id}/end",
        Doc::new(t, "End an appointment on a day (inclusive)", KEEPERS)
            .body::<EndAppointment>()
            .response::<RoleHolder>(),
        post(needs(Scope::Write, end)),
    )
    .route(
        Method::GET,
        "/api/v1/decree-roles/holders",
        Doc::new(
            t,
            "The role holders for the ministry (Art. 5(5)): appointments in force and every system's custodian and operators; `format=csv` for CSV (header in the Accept-Language language, English by default)",
            READERS,
        )
        .query::<HoldersQuery>()
        .response::<Vec<HolderRow>>()
        .csv(),
        get(needs(Scope::Read, holders)),
    )
    .route(
        Method::GET,
        "/api/v1/class-scheme",
        Doc::new(
            t,
            "The classification scheme: codes Z1–Z3, C1–C3, R1–R3 and unclassified with their names, criteria and labelling (Art. 11(3)), versioned; `at` answers with the version in force at an earlier instant",
            "any account with the read scope",
        )
        .query::<AsOf>()
        .response::<ClassScheme>()
        .etag(),
        get(needs(Scope::Read, scheme)),
    )
    .route(
        Method::PUT,
        "/api/v1/class-scheme",
        Doc::new(t, "A new version of the scheme's texts (entries not named keep theirs)", KEEPERS)
            .body::<SchemeUpdate>()
            .response::<ClassScheme>()
            .etag(),
        put(needs(Scope::Write, set_scheme)),
    )
}

/// A new appointment.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppointment {
    /// `head`, `security_lead` or `coordinator`.
    pub role: DecreeRole,
    /// The person.
    pub user: UserId,
    /// Contact details for the ministry, when other than the account's e-mail address.
    #[serde(default)]
    pub contact: Option<Text>,
    /// The reference of the appointment (the head's decision).
    #[serde(default)]
    pub appointment: Option<Text>,
    /// Since when (`YYYY-MM-DD`).
    pub since: LocalDate,
}

/// The end of an appointment.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndAppointment {
    /// Its last day (`YYYY-MM-DD`).
    pub until: LocalDate,
}

/// Which holders, in what form.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldersQuery {
    /// The day (`YYYY-MM-DD`; default today).
    pub on: Option<LocalDate>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// The scheme's new texts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeUpdate {
    /// The regulation it implements.
    pub regulation: Text,
    /// The entries that change.
    #[serde(default)]
    pub entries: Vec<SchemeEntry>,
}

/// The list's paging, and "as of".
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesQuery {
    /// Return appointments after this id (the `next` of the previous page).
    pub after: Option<u32>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
    /// Answer as the appointments stood at this instant (default: now).
    #[serde(default)]
    pub at: Option<Timestamp>,
}

async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<RolesQuery>,
) -> ApiResult<axum::Json<Page<RoleHolder>>> {
    inv::require_reader(&s.world(), &caller, s.now())?;
    let past = s.world_as_of(q.at).await?;
    let w = answering(&s, &past);
    let paging = PageQuery {
        after: q.after,
        limit: q.limit,
    };
    Ok(axum::Json(page(w.role_holders().iter().cloned(), |h| h.id.0, paging)?))
}

async fn appoint(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<NewAppointment>,
) -> ApiResult<Tagged<RoleHolder>> {
    let input = dr::NewAppointment {
        role: b.role,
        user: b.user,
        contact: b.contact,
        appointment: b.appointment,
        since: b.since,
    };
    let id = dr::appoint(&s, &caller, input).await?;
    let holder = s.world().role_holder(id)?.clone();
    Ok(Tagged::created_record(holder))
}

async fn end(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<EndAppointment>,
) -> ApiResult<Tagged<RoleHolder>> {
    let holder = HolderId(id);
    dr::end_appointment(&s, &caller, holder, b.until).await?;
    let holder = s.world().role_holder(holder)?.clone();
    Ok(Tagged::record(holder))
}

async fn holders(State(s): State<AppState>, caller: Caller, Params(q): Params<HoldersQuery>) -> ApiResult<Response> {
    let w = s.world();
    let now = s.now();
    inv::require_reader(&w, &caller, now)?;
    let rows = inv::role_holders(&w, q.on.unwrap_or_else(|| LocalDate::of(now)));
    match q.format.as_deref() {
        None | Some("json") => Ok(axum::Json(rows).into_response()),
        Some("csv") => {
            let text =
                crate::service::inventory_export::holders_csv(&rows, speaking()).map_err(|e| WebError::internal(&e))?;
            Ok(csv_answer(text, "role-holders.csv"))
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

async fn scheme(State(s): State<AppState>, _caller: Caller, Params(q): Params<AsOf>) -> ApiResult<Tagged<ClassScheme>> {
    let past = s.world_as_of(q.at).await?;
    Ok(Tagged::record(answering(&s, &past).class_scheme().clone()))
}

async fn set_scheme(
    State(s): State<AppState>,
    caller: Caller,
    if_match: IfMatch,
    Body(b): Body<SchemeUpdate>,
) -> ApiResult<Tagged<ClassScheme>> {
    let scheme = update(&s, &caller, &if_match, SchemeId(0), |_: ClassScheme| {
        Ok(dr::scheme_change(b.regulation, b.entries))
    })
    .await?;
    Ok(Tagged::record(scheme))
}
