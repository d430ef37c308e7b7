//! The continuity register in the admin UI (Decree Art. 15, 29): the overview
//! (`/ui/continuity`: the plan and whether its review is overdue, every system with its
//! criticality, RTO/RPO targets, last test measured against them, restore overdue marked, and
//! ADAM's own tests) and a system's page (`/ui/continuity/systems/{id}`: targets, backup plan,
//! tests, risk acceptances, and the forms to set the BIA, record a test and accept a risk).
//! A thin adapter over `service/continuity.rs`: forms keep what was typed and put a refusal at
//! its field; the engine decides who may write.
//!
//! The folder splits it by page: `overview.rs` (the overview), `system.rs` (a system's page)
//! and `writes.rs` (the forms' handlers); here are the routes, the rows both pages show and
//! the forms as typed.

use super::chrome::*;
use super::continuity_plan::{OverviewTyped, PlanForm, ReviewForm, plan_form};
use super::form::Errors;
use super::guard::needs;
use crate::authn::Scope;
use crate::service::continuity::{self as svc, Overview, SystemContinuity, TestView};
use crate::state::AppState;
use adam_core::register::continuity::*;
use adam_core::*;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

mod overview;
mod system;
mod writes;

use overview::overview_page;
pub(in crate::ui) use overview::overview_view;
use system::system_page;
use writes::{accept_risk, record_test, set_bia, tick_task};

/// The register's routes.
pub(super) fn routes() -> super::Routes {
    use axum::routing::get;
    super::Routes::new()
        .route("/ui/continuity", get(overview_page))
        .route("/ui/continuity/systems/{id}", get(system_page))
        .route(
            "/ui/continuity/systems/{id}/bia",
            get(back_to_system).post(needs(Scope::Write, set_bia)),
        )
        .route(
            "/ui/continuity/systems/{id}/tests",
            get(back_to_system).post(needs(Scope::Write, record_test)),
        )
        .route(
            "/ui/continuity/systems/{id}/acceptances",
            get(back_to_system).post(needs(Scope::Write, accept_risk)),
        )
        .route(
            "/ui/continuity/plan",
            get(back_to_overview).post(needs(Scope::Write, super::continuity_plan::save_plan)),
        )
        .route(
            "/ui/continuity/reviews",
            get(back_to_overview).post(needs(Scope::Write, super::continuity_plan::review_plan)),
        )
        .route(
            "/ui/continuity/tests/{id}/tasks",
            get(back_to_test).post(needs(Scope::Write, tick_task)),
        )
}

async fn back_to_overview() -> Redirect {
    Redirect::to("/ui/continuity")
}

/// Where a test is shown: its system's page, or the overview for ADAM's own tests.
fn test_page(w: &World, test: ContinuityTestId) -> String {
    match w.continuity_test(test).map(|t| t.fields.subject) {
        Ok(Subject::System(system)) => format!("/ui/continuity/systems/{}", system.0),
        _ => "/ui/continuity".to_owned(),
    }
}

async fn back_to_test(State(s): State<AppState>, UiPath(id): UiPath<u32>) -> Redirect {
    Redirect::to(&test_page(&s.world(), ContinuityTestId(id)))
}

async fn back_to_system(UiPath(id): UiPath<u32>) -> Redirect {
    Redirect::to(&format!("/ui/continuity/systems/{id}"))
}

/// The criticality keys with their help (002 p. 14).
pub(super) const CRITICALITIES: [(&str, &str, &str); 4] = [
    ("critical", "cont_crit_critical", "cont_crit_critical_help"),
    ("vital", "cont_crit_vital", "cont_crit_vital_help"),
    ("sensitive", "cont_crit_sensitive", "cont_crit_sensitive_help"),
    ("non_critical", "cont_crit_non_critical", "cont_crit_non_critical_help"),
];

fn crit_key(c: Option<Criticality>) -> &'static str {
    match c {
        Some(Criticality::Critical) => "cont_crit_critical",
        Some(Criticality::Vital) => "cont_crit_vital",
        Some(Criticality::Sensitive) => "cont_crit_sensitive",
        Some(Criticality::NonCritical) => "cont_crit_non_critical",
        None => "cont_no_bia",
    }
}

fn kind_key(k: TestKind) -> &'static str {
    match k {
        TestKind::RestoreTest => "cont_kind_restore_test",
        TestKind::OutageSimulation => "cont_kind_outage_simulation",
        TestKind::Drill => "cont_kind_drill",
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// A test as a row shows it.
pub(super) struct TestRow {
    pub(super) id: u32,
    pub(super) kind: &'static str,
    pub(super) scenario: &'static str,
    pub(super) held: String,
    pub(super) rto: String,
    pub(super) rto_met: Option<bool>,
    pub(super) rpo: String,
    pub(super) rpo_met: Option<bool>,
    pub(super) duration: String,
    pub(super) passed: bool,
    pub(super) incomplete: bool,
    pub(super) participants: String,
    pub(super) findings: String,
    pub(super) tasks: Vec<(String, bool)>,
    /// The revision the tick of a task sends back (the form's If-Match).
    pub(super) rev: u64,
}

impl TestRow {
    /// Whether this is the test `which` (the one whose task tick was refused).
    pub(super) fn is(&self, which: &Option<u32>) -> bool {
        *which == Some(self.id)
    }
}

fn test_row(v: &TestView) -> TestRow {
    let f = &v.test.fields;
    TestRow {
        id: v.test.id.0,
        kind: kind_key(f.kind),
        scenario: match f.scenario {
            Scenario::TotalLoss => "cont_total_loss",
            Scenario::PartialLoss => "cont_partial_loss",
        },
        held: format!(
            "{}{}",
            LocalDate::of(f.held_at),
            f.component.as_ref().map(|c| format!(" ({c})")).unwrap_or_default()
        ),
        rto: opt(f.measured_rto),
        rto_met: v.rto.and_then(|m| m.met),
        rpo: opt(f.measured_rpo),
        rpo_met: v.rpo.and_then(|m| m.met),
        duration: opt(f.duration),
        passed: f.passed,
        incomplete: v.incomplete,
        participants: f
            .participants
            .iter()
            .map(|p| p.name.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        findings: f.findings.as_ref().map(|p| p.to_string()).unwrap_or_default(),
        tasks: f.tasks.iter().map(|t| (t.task.to_string(), t.done)).collect(),
        rev: v.test.rev.0,
    }
}

/// A system as the overview shows it.
pub(super) struct SystemLine {
    pub(super) id: u32,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) crit: &'static str,
    pub(super) rto: String,
    pub(super) rpo: String,
    pub(super) mtd: String,
    pub(super) last: Option<TestRow>,
    pub(super) restore_overdue: bool,
    pub(super) restore_due: String,
    pub(super) backup_plan: bool,
}

fn line(r: &svc::SystemRow) -> SystemLine {
    SystemLine {
        id: r.id.0,
        code: r.code.to_string(),
        name: r.name.to_string(),
        crit: crit_key(r.criticality),
        rto: opt(r.rto),
        rpo: opt(r.rpo),
        mtd: opt(r.mtd),
        last: r.last_test.as_ref().map(test_row),
        restore_overdue: r.restore.overdue,
        restore_due: opt(r.restore.due),
        backup_plan: r.backup_plan,
    }
}

/// The BIA form, as typed.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct BiaForm {
    #[serde(default)]
    criticality: String,
    #[serde(default)]
    rto: String,
    #[serde(default)]
    rpo: String,
    #[serde(default)]
    mtd: String,
    #[serde(default)]
    costs: String,
    #[serde(default)]
    dependencies: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    locations: String,
    #[serde(default)]
    retention: String,
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    protected: Option<String>,
    #[serde(default)]
    protection_note: String,
    #[serde(default)]
    restore_days: String,
    #[serde(default)]
    rev: String,
}

/// The test form, as typed.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct TestForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    scenario: String,
    #[serde(default)]
    component: String,
    #[serde(default)]
    announced: String,
    #[serde(default)]
    held: String,
    #[serde(default)]
    operators: String,
    #[serde(default)]
    custodians: String,
    #[serde(default)]
    users: String,
    #[serde(default)]
    rto: String,
    #[serde(default)]
    rpo: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    passed: Option<String>,
    #[serde(default)]
    findings: String,
    #[serde(default)]
    tasks: String,
}

/// The risk-acceptance form, as typed.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct AcceptForm {
    #[serde(default)]
    target: String,
    #[serde(default)]
    approver: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    reason: String,
}

/// The tick of a follow-up task, as sent: the task's position, done (`1`) or open again
/// (`0`), and the revision of the test the page showed.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct TaskForm {
    #[serde(default)]
    task: String,
    #[serde(default)]
    done: String,
    #[serde(default)]
    rev: String,
}
