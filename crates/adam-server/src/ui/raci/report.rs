//! A solution's monthly report as a printable page (`/ui/raci/{solution}/report?month=…`,
//! seed 003): the availability of its system and the security events and incidents of the
//! month, with the CSV beside it. A month that is not one is said at the month field (422),
//! the field keeping what was typed. The figures and who reads them are the service's
//! (`service/raci_report.rs`).

use super::super::chrome::*;
use crate::service::raci as svc;
use crate::service::raci_report::{self as report_svc, MonthlyReport};
use crate::state::AppState;
use adam_core::lang::Lang as CoreLang;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// What the month form sends.
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    month: Option<String>,
}

/// One event as the page shows it.
pub(crate) struct EventShown {
    pub(crate) case: u32,
    pub(crate) reference: String,
    pub(crate) situation: String,
    pub(crate) kind: String,
    pub(crate) occurred: String,
    pub(crate) outage: String,
    pub(crate) minutes: i64,
    pub(crate) state: String,
}

#[derive(Template)]
#[template(path = "raci_report.html")]
pub(crate) struct ReportPage {
    pub(crate) c: Chrome,
    pub(crate) solution: String,
    pub(crate) name: String,
    pub(crate) system: String,
    pub(crate) organisation: String,
    pub(crate) printed: String,
    pub(crate) month_typed: String,
    pub(crate) error: Option<String>,
    pub(crate) report: Option<MonthlyReport>,
    pub(crate) availability: String,
    pub(crate) events: Vec<EventShown>,
}

fn when(t: adam_core::Timestamp) -> String {
    local(t)
}

/// A situation's name as the case's definition gives it (its key when it has none).
fn situation_name(w: &adam_core::World, case: adam_core::CaseId, key: &str, lang: CoreLang) -> String {
    w.case_with_definition(case)
        .ok()
        .and_then(|(_, def)| def.field("situation"))
        .and_then(|f| f.kind.options().iter().find(|o| o.key.as_str() == key))
        .map_or_else(|| key.to_owned(), |o| o.name.pick(lang).to_owned())
}

pub(crate) async fn report_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(solution): UiPath<String>,
    Query(q): Query<ReportQuery>,
) -> UiResult<Response> {
    let t = lang.tr;
    let core = if t.lang() == "en" { CoreLang::En } else { CoreLang::Sl };
    let now = s.now();
    let code = svc::solution(&solution).ui(t)?;
    let w = s.world();
    // Whoever may not read the matrix learns nothing, whatever the month.
    svc::readable(&w, &caller, &code, now).ui(t)?;
    let typed = q.month.clone().unwrap_or_default();
    let (month, error) = match q.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => (Some(report_svc::ReportMonth::of(now)), None),
        Some(m) => match report_svc::ReportMonth::parse(m) {
            Some(month) => (Some(month), None),
            None => (None, Some(t.s("raci_report_bad_month").to_owned())),
        },
    };
    let report = match month {
        Some(m) => Some(report_svc::report(&w, &caller, &code, m, now).ui(t)?),
        None => None,
    };
    let events = report
        .as_ref()
        .map(|r| {
            r.events
                .iter()
                .map(|e| EventShown {
                    case: e.case.0,
                    reference: e.reference.clone(),
                    situation: e
                        .situation
                        .as_deref()
                        .map(|k| situation_name(&w, e.case, k, core))
                        .unwrap_or_default(),
                    kind: t
                        .s(match e.incident {
                            Some(true) => "raci_report_incident",
                            Some(false) => "raci_report_event",
                            None => "raci_report_untriaged",
                        })
                        .to_owned(),
                    occurred: when(e.occurred_at),
                    outage: match (e.outage_from, e.outage_until) {
                        (Some(a), Some(b)) => format!("{} – {}", when(a), when(b)),
                        (Some(a), None) => format!("{} – {}", when(a), t.s("raci_report_ongoing")),
                        _ => String::new(),
                    },
                    minutes: e.outage_minutes,
                    state: t
                        .s(if e.closed {
                            "raci_report_closed"
                        } else {
                            "raci_report_open"
                        })
                        .to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    let p = ReportPage {
        c: chrome(&s, &caller, t),
        solution: code.to_string(),
        name: report.as_ref().and_then(|r| r.name.clone()).unwrap_or_default(),
        system: report
            .as_ref()
            .and_then(|r| r.system.as_ref())
            .map(|s| format!("{} – {}", s.code, s.name))
            .unwrap_or_default(),
        organisation: w.settings().organisation.to_string(),
        printed: local(now),
        month_typed: match (&error, &report) {
            (None, Some(r)) if typed.trim().is_empty() => r.month.clone(),
            _ => typed,
        },
        availability: report.as_ref().and_then(|r| r.availability.clone()).unwrap_or_default(),
        error,
        report,
        events,
    };
    drop(w);
    let mut r = page(lang, &p)?;
    if p.error.is_some() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}
