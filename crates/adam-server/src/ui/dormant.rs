//! The dormant-accounts report in the admin UI (`/ui/reports/dormant-accounts`, Decree Art.
//! 50(2)): a field for the number of days (a message at the field when it is not 1–3650,
//! keeping what was typed), the accounts with their last sign-in and token use, days idle,
//! and a link to each account's page, where it is deactivated. The rule and who may see it
//! are the service's (`service/dormant.rs`).

use super::chrome::*;
use crate::service::dormant::{self, IdleDays};
use crate::state::AppState;
use adam_core::AccountKind;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The report's routes.
pub(super) fn routes() -> super::Routes {
    super::Routes::new()
        .route("/ui/reports/dormant-accounts", axum::routing::get(dormant_page))
        .route("/ui/reports/dormant-accounts/print", axum::routing::get(dormant_print))
}

/// What the form sends.
#[derive(Debug, Default, Deserialize)]
pub struct DormantForm {
    #[serde(default)]
    days: Option<String>,
}

/// One account as the page shows it.
pub(super) struct AccountRow {
    pub(super) id: u32,
    pub(super) username: String,
    pub(super) name: String,
    pub(super) kind: &'static str,
    pub(super) created: Option<String>,
    pub(super) last_sign_in: Option<String>,
    pub(super) last_token_use: Option<String>,
    pub(super) idle: Option<i64>,
}

#[derive(Template)]
#[template(path = "dormant.html")]
pub(super) struct DormantPage {
    pub(super) c: Chrome,
    /// The days as typed (shown back as typed).
    pub(super) days: String,
    /// The days the report was made for (none when what was typed is refused).
    pub(super) report_days: Option<u16>,
    pub(super) error: Option<String>,
    pub(super) rows: Vec<AccountRow>,
}

/// The report as a printable page, for the days asked (the default when none or refused).
#[derive(Template)]
#[template(path = "dormant_print.html")]
pub(super) struct DormantPrint {
    pub(super) c: Chrome,
    pub(super) days: u16,
    pub(super) rows: Vec<AccountRow>,
    pub(super) organisation: String,
    pub(super) printed: String,
}

pub(super) async fn dormant_print(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Query(form): Query<DormantForm>,
) -> UiResult<Response> {
    let days = IdleDays::parse(form.days.as_deref()).unwrap_or(IdleDays::DEFAULT);
    let report = dormant::report(&s, &caller, days).await.ui(lang.tr)?;
    let p = DormantPrint {
        c: chrome(&s, &caller, lang.tr),
        days: days.get(),
        rows: report.accounts.into_iter().map(row).collect(),
        organisation: s.world().settings().organisation.to_string(),
        printed: local(s.now()),
    };
    page(lang, &p)
}

fn row(a: dormant::DormantAccount) -> AccountRow {
    AccountRow {
        id: a.user.0,
        username: a.username,
        name: a.name,
        kind: kind_key(a.kind),
        created: a.created.map(|d| d.to_string()),
        last_sign_in: a.last_sign_in.map(|d| d.to_string()),
        last_token_use: a.last_token_use.map(|d| d.to_string()),
        idle: a.idle_days,
    }
}

fn kind_key(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Admin => "dormant_kind_admin",
        AccountKind::SystemUser => "dormant_kind_system_user",
        AccountKind::User => "dormant_kind_user",
    }
}

pub(super) async fn dormant_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Query(form): Query<DormantForm>,
) -> UiResult<Response> {
    let t = lang.tr;
    let typed = form.days.clone().unwrap_or_default();
    let (days, error) = match IdleDays::parse(form.days.as_deref()) {
        Ok(d) => (d, None),
        Err(_) => {
            let shown: String = typed.trim().chars().take(20).collect();
            (
                IdleDays::DEFAULT,
                Some(t.s("dormant_days_invalid").replace("{}", &shown)),
            )
        }
    };
    // Who may see it is checked even when the field is refused.
    let report = dormant::report(&s, &caller, days).await.ui(t)?;
    let rows = if error.is_some() {
        Vec::new()
    } else {
        report.accounts.into_iter().map(row).collect()
    };
    let p = DormantPage {
        c: chrome(&s, &caller, t),
        days: if typed.is_empty() {
            days.get().to_string()
        } else {
            typed
        },
        report_days: error.is_none().then_some(days.get()),
        error: error.clone(),
        rows,
    };
    let mut answer = page(lang, &p)?;
    if error.is_some() {
        answer = (StatusCode::UNPROCESSABLE_ENTITY, answer).into_response();
    }
    Ok(answer)
}
