//! Integrity baselines of key and high-risk servers (Decree Art. 50(4)–(5)): submitting scans
//! (`adam integrity scan` does it), approving a baseline, and reading a server's baselines and
//! comparisons. The logic is `service/integrity.rs`; this is the HTTP adapter.

use super::guard::needs;
use super::{Api, AsOf, Doc};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::ApiResult;
use crate::http::{Id, Params, Tagged};
use crate::service::integrity::{self, *};
use crate::state::AppState;
use adam_core::register::integrity::Baseline;
use adam_core::*;
use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::Method;
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::Deserialize;

const READERS: &str =
    "the server's custodian and operators, the information-security lead and the system administrator (read scope)";

pub(crate) fn routes(api: Api) -> Api {
    let t = "integrity";
    api.route(
        Method::POST,
        "/api/v1/integrity/scans",
        Doc::new(
            t,
            "Submit a scan of a key or high-risk server: as a new baseline (`baseline: true`), or compared with its approved baseline; a mismatch is recorded as the security event security.integrity_mismatch (Art. 50(4)–(5))",
            "the server's custodian and operators (a service account named operator, with its token), the information-security lead and the system administrator (write scope)",
        )
        .body::<ScanUpload>()
        .response::<ScanResult>()
        .created(),
        // A scan lists every file of a server: larger than the general body limit.
        post(needs(Scope::Write, submit_scan)).layer(DefaultBodyLimit::max(MAX_SCAN_BODY)),
    )
    .route(
        Method::POST,
        "/api/v1/integrity/baselines/{id}/approve",
        Doc::new(
            t,
            "Approve a baseline after the approved change that justifies it (Art. 50(4)); later scans are compared with it",
            "the information-security lead and the system administrator (write scope)",
        )
        .body::<Approval>()
        .response::<BaselineSummary>(),
        post(needs(Scope::Write, approve_baseline)),
    )
    .route(
        Method::GET,
        "/api/v1/integrity/baselines/{id}",
        Doc::new(t, "A baseline with its files", READERS)
            .response::<Baseline>()
            .etag(),
        get(needs(Scope::Read, get_baseline)),
    )
    .route(
        Method::GET,
        "/api/v1/integrity/servers",
        Doc::new(
            t,
            "The key and high-risk servers the caller may read, with their current baseline and a warning when the last scan did not match; `at` answers as they stood at an earlier instant (who may read which server decided by today's rules)",
            READERS,
        )
        .query::<AsOf>()
        .response::<Vec<ServerRow>>(),
        get(needs(Scope::Read, list_servers)),
    )
    .route(
        Method::GET,
        "/api/v1/integrity/servers/{id}",
        Doc::new(
            t,
            "A server's baselines and comparisons, newest first; `at` answers as they stood at an earlier instant",
            READERS,
        )
        .query::<AsOf>()
        .response::<ServerIntegrity>(),
        get(needs(Scope::Read, get_server)),
    )
}

/// The approval of a baseline.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The reference of the approved change that justifies the baseline (required).
    #[serde(default)]
    pub change: Option<Text>,
}

async fn submit_scan(
    State(s): State<AppState>,
    caller: Caller,
    Body(scan): Body<ScanUpload, MAX_SCAN_BODY>,
) -> ApiResult<(axum::http::StatusCode, Json<ScanResult>)> {
    let result = integrity::submit(&s, &caller, scan).await?;
    Ok((axum::http::StatusCode::CREATED, Json(result)))
}

async fn approve_baseline(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(a): Body<Approval>,
) -> ApiResult<Json<BaselineSummary>> {
    Ok(Json(integrity::approve(&s, &caller, BaselineId(id), a.change).await?))
}

async fn get_baseline(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<Baseline>> {
    Ok(Tagged::record(integrity::baseline(&s, &caller, BaselineId(id))?))
}

async fn list_servers(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<AsOf>,
) -> ApiResult<Json<Vec<ServerRow>>> {
    // Refused before any replay: a caller who reads no server today costs nothing.
    integrity::servers(&s, &caller)?;
    let past = s.world_as_of(q.at).await?;
    let live = s.world();
    let then = past.as_deref().unwrap_or(&live);
    Ok(Json(integrity::servers_as_of(&live, then, &caller, s.now())?))
}

async fn get_server(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<AsOf>,
) -> ApiResult<Json<ServerIntegrity>> {
    integrity::server(&s, &caller, ItemId(id))?;
    let past = s.world_as_of(q.at).await?;
    let live = s.world();
    let then = past.as_deref().unwrap_or(&live);
    Ok(Json(integrity::server_as_of(
        &live,
        then,
        &caller,
        ItemId(id),
        s.now(),
    )?))
}
