//! The registers of cases in the admin UI (`/ui/reports/cases`): the security events
//! (Art. 19(5)), the incident file (Art. 20(2)) and the change log with its consents
//! (Art. 22–23). A form of filters (the register, open/closed, the days reported from and to —
//! a date that cannot be read gets a message at its field, and every field keeps what was
//! typed), the table, and a link to the same register as CSV (`/api/v1/reports/cases`).
//! Which cases and which of their fields the caller sees is the service's
//! (`service::process::case_register`).

use super::super::chrome::*;
use super::super::words::engine::lang as core_lang;
use crate::service::process::{self as svc, RegisterFilter, RegisterKind};
use crate::state::AppState;
use crate::ui::Tr;
use adam_core::LocalDate;
use adam_core::process::CaseState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What the filter form sends (every value as typed).
#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// A column of the table.
pub(in crate::ui) struct ColumnView {
    pub(in crate::ui) key: String,
    pub(in crate::ui) name: String,
}

/// A field of a row: its text, or hidden.
pub(in crate::ui) struct CellView {
    pub(in crate::ui) key: String,
    pub(in crate::ui) text: String,
    pub(in crate::ui) hidden: bool,
}

/// A case as the table shows it.
pub(in crate::ui) struct RowView {
    pub(in crate::ui) id: u32,
    pub(in crate::ui) reference: String,
    pub(in crate::ui) title: String,
    pub(in crate::ui) closed: bool,
    pub(in crate::ui) step: String,
    pub(in crate::ui) reported: String,
    pub(in crate::ui) reporter: String,
    pub(in crate::ui) cells: Vec<CellView>,
    /// The consents as `role – name, when`.
    pub(in crate::ui) consents: Vec<String>,
}

#[derive(Template)]
#[template(path = "case_register.html")]
pub(in crate::ui) struct RegisterPage {
    pub(in crate::ui) c: Chrome,
    /// The register shown.
    pub(in crate::ui) kind: &'static str,
    /// The filters as typed.
    pub(in crate::ui) state: String,
    pub(in crate::ui) from: String,
    pub(in crate::ui) to: String,
    pub(in crate::ui) errors: BTreeMap<&'static str, String>,
    /// The query of the CSV link (none while a filter is refused).
    pub(in crate::ui) csv: Option<String>,
    pub(in crate::ui) columns: Vec<ColumnView>,
    pub(in crate::ui) rows: Vec<RowView>,
}

impl RegisterPage {
    /// The title's and hint's keys of the register shown.
    fn words(&self) -> (&'static str, &'static str) {
        match self.kind {
            "incidents" => ("creg_incidents", "creg_incidents_hint"),
            "changes" => ("creg_changes", "creg_changes_hint"),
            _ => ("creg_events", "creg_events_hint"),
        }
    }
}

/// The register page.
pub(in crate::ui) async fn register_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Query(form): Query<RegisterForm>,
) -> UiResult<Response> {
    let t = lang.tr;
    let mut errors: BTreeMap<&'static str, String> = BTreeMap::new();
    let kind = RegisterKind::parse(Some(&form.kind)).unwrap_or(RegisterKind::Events);
    let state = match form.state.trim() {
        "open" => Some(CaseState::Open),
        "closed" => Some(CaseState::Closed),
        _ => None,
    };
    let from = typed_date(&form.from, "f_from", &mut errors, t);
    let to = typed_date(&form.to, "f_to", &mut errors, t);
    if let (Some(f), Some(l)) = (from, to)
        && l < f
    {
        errors.insert("f_to", t.s("creg_dates_reversed").to_owned());
    }
    let filter = RegisterFilter { kind, state, from, to };
    let register = if errors.is_empty() {
        Some(svc::case_register(&s.world(), &caller, &filter, s.now(), core_lang(t)))
    } else {
        None
    };
    let state_key = match state {
        Some(CaseState::Open) => "open",
        Some(CaseState::Closed) => "closed",
        None => "",
    };
    let csv = register.as_ref().map(|_| {
        // ISO dates (`2027-01-31`): nothing in them needs escaping in a query.
        let day = |d: Option<LocalDate>| d.map(|d| d.to_string()).unwrap_or_default();
        format!(
            "kind={}&state={}&from={}&to={}&format=csv",
            kind.key(),
            state_key,
            day(from),
            day(to),
        )
    });
    let (columns, rows) = match register {
        Some(r) => (
            r.columns
                .iter()
                .map(|c| ColumnView {
                    key: c.key.clone(),
                    name: c.name.clone(),
                })
                .collect(),
            r.rows.into_iter().map(|row| row_view(t, row)).collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let p = RegisterPage {
        c: chrome(&s, &caller, t),
        kind: kind.key(),
        state: state_key.to_owned(),
        from: form.from,
        to: form.to,
        errors,
        csv,
        columns,
        rows,
    };
    let refused = !p.errors.is_empty();
    let mut answer = page(lang, &p)?;
    if refused {
        answer = (StatusCode::UNPROCESSABLE_ENTITY, answer).into_response();
    }
    Ok(answer)
}

fn row_view(t: Tr, r: svc::RegisterRow) -> RowView {
    RowView {
        id: r.id.0,
        reference: r.reference,
        title: r.title,
        closed: r.state == CaseState::Closed,
        step: r.step,
        reported: local(r.reported_at),
        reporter: r.reported_by.map_or_else(|| t.s("creg_adam").to_owned(), |p| p.name),
        cells: r
            .fields
            .into_iter()
            .map(|f| CellView {
                key: f.key,
                text: f.value.unwrap_or_default(),
                hidden: f.hidden,
            })
            .collect(),
        consents: r
            .consents
            .into_iter()
            .map(|c| format!("{} – {}, {}", c.role_name, c.by.name, local(c.at)))
            .collect(),
    }
}
