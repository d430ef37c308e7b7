//! The registry of information solutions in the admin UI (seed 000, issue #17): the dashboard
//! (`/ui/solutions`: a pipeline board with one column per phase, the overdue steps with their
//! age, the versions in flight), a solution's page with every registry field, the Decree's
//! rules and the timeline of its versions (`page.rs`), and the forms to register a solution,
//! correct its entry and open a version (`form.rs`, the further fields of §2.8 in
//! `details.rs`).
//!
//! A thin adapter over `service::hosting`: who reads is the API's rule (whoever reads the
//! inventory), the phases, the versions' histories and the Decree's gates are the service's;
//! every change is a command through `AppState::execute`, so the engine decides who may make it
//! (the register keepers; for an existing solution also its placement coordinator and registry
//! custodian). A control the caller may not use is not shown.

mod details;
mod form;
mod page;

use super::chrome::*;
use super::guard::needs;
use super::i18n::Tr;
use super::words::engine::lang as core_lang;
use crate::authn::{Caller, Scope};
use crate::service::hosting::{self, Phase, SolutionView, VersionView};
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

/// The registry's routes.
pub(super) fn routes() -> super::Routes {
    super::Routes::new()
        .route(
            "/ui/solutions",
            get(board_page).post(needs(Scope::Write, form::register)),
        )
        .route("/ui/solutions/new", get(form::new_page))
        .route("/ui/solutions/jobs/{field}", get(form::jobs))
        .route("/ui/solutions/{code}", get(page::solution_page))
        .route(
            "/ui/solutions/{code}/edit",
            get(form::edit_page).post(needs(Scope::Write, form::update)),
        )
        .route(
            "/ui/solutions/{code}/versions",
            get(page::back_to_solution).post(needs(Scope::Write, form::open_version)),
        )
}

/// Refuses a caller who may not read the registry (the inventory's readers, as the API).
fn require_reader(s: &AppState, caller: &Caller, lang: Tr) -> UiResult<()> {
    let w = s.world();
    crate::service::inventory::require_reader(&w, caller, s.now())
        .map(|_| ())
        .ui(lang)
}

/// Whether the caller keeps the registry (may register a solution): a register keeper with
/// the write scope. The engine decides again on every change.
fn keeper(s: &AppState, caller: &Caller) -> bool {
    keeper_in(&s.world(), caller, s.now())
}

/// [`keeper`] on a world the caller already holds (the lock is not taken twice).
fn keeper_in(w: &World, caller: &Caller, now: Timestamp) -> bool {
    caller.has(Scope::Write) && w.keeps_registers(&caller.actor(None), now).unwrap_or(false)
}

/// Whether the caller may correct this solution's entry and open its versions: a keeper, or
/// its placement coordinator or registry custodian (1.1.1.11) — the person named, or a holder
/// of the role's job when none is.
fn may_keep(w: &World, now: Timestamp, caller: &Caller, solution: &adam_core::register::solution::Solution) -> bool {
    keeper_in(w, caller, now)
        || (caller.has(Scope::Write)
            && ["coordinator", "registry_custodian"]
                .iter()
                .any(|r| w.solution_role_people(solution, r).contains(&caller.user)))
}

/// The solution with this codename, or 404.
fn by_code(w: &World, code: &str, lang: Tr) -> UiResult<SolutionId> {
    w.solutions()
        .iter()
        .find(|s| s.fields.codename.as_str().eq_ignore_ascii_case(code))
        .map(|s| s.id)
        .ok_or_else(|| {
            UiError::new(
                lang,
                crate::error::WebError::not_found("there is no solution with this codename in the registry")
                    .sl("v evidenci ni rešitve s tem kodnim imenom"),
            )
        })
}

/// The word key of a phase.
pub(super) fn phase_key(p: Phase) -> &'static str {
    match p {
        Phase::Registered => "hs_phase_registered",
        Phase::Onboarding => "hs_phase_onboarding",
        Phase::Development => "hs_phase_development",
        Phase::Test => "hs_phase_test",
        Phase::Production => "hs_phase_production",
        Phase::Security => "hs_phase_security",
        Phase::Transition => "hs_phase_transition",
        Phase::Live => "hs_phase_live",
        Phase::Withdrawn => "hs_phase_withdrawn",
    }
}

/// The phase's name as its CSS class ends (`phase-test`).
fn phase_class(p: Phase) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Whole days from `from` to `to` (0 when not later).
fn days_between(from: Timestamp, to: Timestamp) -> i64 {
    ((to.0 - from.0) / 86_400).max(0)
}

/// The step of a version in words (`1.1.1.35 Penetracijski test`).
fn step_words(v: &VersionView, tr: Tr) -> String {
    match &v.step_name {
        Some(n) => format!("{} {}", v.facts.stage, n.pick(core_lang(tr))),
        None => v.facts.stage.clone(),
    }
}

/// A solution on the board.
pub(super) struct CardView {
    pub(super) codename: String,
    pub(super) name: String,
    pub(super) customer: String,
    pub(super) version: String,
    pub(super) step: String,
    pub(super) step_key: String,
    /// Days past the step's due time, when overdue.
    pub(super) overdue_days: Option<i64>,
}

/// A column of the board.
pub(super) struct ColumnView {
    pub(super) key: &'static str,
    pub(super) class: String,
    pub(super) cards: Vec<CardView>,
}

/// A version in flight, or an overdue one, as the dashboard's tables show it.
pub(super) struct FlightRow {
    pub(super) codename: String,
    pub(super) version: String,
    pub(super) case: u32,
    /// The case's reference (`dro-hosting/7`).
    pub(super) reference: String,
    pub(super) step: String,
    pub(super) since: String,
    pub(super) age_days: i64,
    pub(super) due: String,
    pub(super) overdue_days: Option<i64>,
}

/// The board partial (also served alone to htmx, and snapshotted).
#[derive(Template)]
#[template(path = "solutions_board.html")]
pub(super) struct BoardPartial {
    pub(super) c: Chrome,
    pub(super) columns: Vec<ColumnView>,
}

#[derive(Template)]
#[template(path = "solutions.html")]
pub(super) struct BoardPage {
    pub(super) c: Chrome,
    pub(super) columns: Vec<ColumnView>,
    pub(super) total: usize,
    pub(super) flight: Vec<FlightRow>,
    pub(super) overdue: Vec<FlightRow>,
    pub(super) keeper: bool,
}

/// The board's columns, the versions in flight and the overdue ones, from the registry's views.
pub(super) fn board_of(views: &[SolutionView], now: Timestamp, tr: Tr) -> (Vec<ColumnView>, Vec<FlightRow>) {
    let mut columns: Vec<ColumnView> = Phase::ALL
        .iter()
        .map(|p| ColumnView {
            key: phase_key(*p),
            class: phase_class(*p),
            cards: Vec::new(),
        })
        .collect();
    let mut flight = Vec::new();
    for v in views {
        let last = v.version_history.last().filter(|l| !l.facts.closed);
        let overdue_days = last.and_then(|l| l.due.filter(|_| l.overdue).map(|d| days_between(d, now)));
        if let Some(l) = last {
            flight.push(FlightRow {
                codename: v.solution.fields.codename.to_string(),
                version: l.version.version.to_string(),
                case: l.version.case.0,
                reference: format!("{}/{}", adam_core::process::DRO_HOSTING, l.version.case.0),
                step: step_words(l, tr),
                since: local(l.since),
                age_days: days_between(l.since, now),
                due: l.due.map(local).unwrap_or_default(),
                overdue_days,
            });
        }
        if let Some(col) = Phase::ALL
            .iter()
            .position(|p| *p == v.phase)
            .and_then(|i| columns.get_mut(i))
        {
            col.cards.push(CardView {
                codename: v.solution.fields.codename.to_string(),
                name: v.solution.fields.name.to_string(),
                customer: v.solution.fields.customer_body.to_string(),
                version: v.current_version.clone().unwrap_or_default(),
                step: last.map(|l| step_words(l, tr)).unwrap_or_default(),
                step_key: last.map(|l| l.facts.stage.clone()).unwrap_or_default(),
                overdue_days,
            });
        }
    }
    (columns, flight)
}

pub(super) async fn board_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    headers: HeaderMap,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let now = s.now();
    let views = {
        let w = s.world();
        hosting::list(&w, &caller, now).ui(lang.tr)?
    };
    let (columns, flight) = board_of(&views, now, lang.tr);
    if is_htmx(&headers) {
        let board = BoardPartial {
            c: chrome(&s, &caller, lang.tr),
            columns,
        };
        return page(lang, &board);
    }
    let mut overdue: Vec<FlightRow> = Vec::new();
    for f in &flight {
        if f.overdue_days.is_some() {
            overdue.push(FlightRow {
                codename: f.codename.clone(),
                version: f.version.clone(),
                case: f.case,
                reference: f.reference.clone(),
                step: f.step.clone(),
                since: f.since.clone(),
                age_days: f.age_days,
                due: f.due.clone(),
                overdue_days: f.overdue_days,
            });
        }
    }
    overdue.sort_by_key(|o| std::cmp::Reverse(o.overdue_days));
    let p = BoardPage {
        c: chrome(&s, &caller, lang.tr),
        columns,
        total: views.len(),
        flight,
        overdue,
        keeper: keeper(&s, &caller),
    };
    page(lang, &p)
}
