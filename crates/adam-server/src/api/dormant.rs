//! The dormant-accounts report over HTTP (Decree Art. 50(2)): `GET
//! /api/v1/reports/dormant-accounts?days=N`, JSON or `format=csv`. The rule and who may see
//! it are the service's (`service/dormant.rs`).

use super::guard::needs;
use super::inventory::csv_answer;
use super::{Api, Doc};
use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError, speaking};
use crate::http::Params;
use crate::service::dormant::{self, DormantReport, IdleDays};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use schemars::JsonSchema;
use serde::Deserialize;

pub(crate) fn routes(api: Api) -> Api {
    api.route(
        Method::GET,
        "/api/v1/reports/dormant-accounts",
        Doc::new(
            "registers",
            "Dormant accounts (Art. 50(2)): active accounts not signed in nor used with a token for `days` days (1–3650, default 90), and accounts never used created that long ago; `format=csv` for CSV (header in the Accept-Language language)",
            "the system administrator and the information-security lead (every account), user administrators (the accounts they administer)",
        )
        .query::<DormantQuery>()
        .response::<DormantReport>()
        .csv(),
        get(needs(Scope::Read, report)),
    )
}

/// The period and the form of the answer.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DormantQuery {
    /// Days without use, 1–3650 (default 90).
    pub days: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

async fn report(State(s): State<AppState>, caller: Caller, Params(q): Params<DormantQuery>) -> ApiResult<Response> {
    let days = IdleDays::parse(q.days.as_deref())?;
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(WebError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-query",
                format!("format must be json or csv, not {other:?}"),
            )
            .sl(format!("format mora biti json ali csv, ne {other:?}"))
            .with("pointer", "/format"));
        }
    };
    let report = dormant::report(&s, &caller, days).await?;
    if csv {
        let text = dormant::csv(&report, speaking()).map_err(|e| WebError::internal(&e))?;
        Ok(csv_answer(text, "dormant-accounts.csv"))
    } else {
        Ok(axum::Json(report).into_response())
    }
}
