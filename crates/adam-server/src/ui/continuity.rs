//! The continuity register in the admin UI (Decree Art. 15, 29): the overview
//! (`/ui/continuity`: the plan and whether its review is overdue, every system with its
//! criticality, RTO/RPO targets, last test measured against them, restore overdue marked, and
//! ADAM's own tests) and a system's page (`/ui/continuity/systems/{id}`: targets, backup plan,
//! tests, risk acceptances, and the forms to set the BIA, record a test and accept a risk).
//! A thin adapter over `service/continuity.rs`: forms keep what was typed and put a refusal at
//! its field; the engine decides who may write.

use super::chrome::*;
use super::continuity_plan::{OverviewTyped, PlanForm, ReviewForm, plan_form};
use super::form::Errors;
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

/// The register's routes.
pub(super) fn routes() -> super::Routes {
    use axum::routing::get;
    super::Routes::new()
        .route("/ui/continuity", get(overview_page))
        .route("/ui/continuity/systems/{id}", get(system_page))
        .route("/ui/continuity/systems/{id}/bia", get(back_to_system).post(set_bia))
        .route(
            "/ui/continuity/systems/{id}/tests",
            get(back_to_system).post(record_test),
        )
        .route(
            "/ui/continuity/systems/{id}/acceptances",
            get(back_to_system).post(accept_risk),
        )
        .route(
            "/ui/continuity/plan",
            get(back_to_overview).post(super::continuity_plan::save_plan),
        )
        .route(
            "/ui/continuity/reviews",
            get(back_to_overview).post(super::continuity_plan::review_plan),
        )
        .route("/ui/continuity/tests/{id}/tasks", get(back_to_test).post(tick_task))
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

/// The plan in force as the overview shows it (all six contents of Art. 15(1)).
pub(super) struct PlanShown {
    pub(super) id: u32,
    pub(super) adopted: String,
    pub(super) approver: String,
    pub(super) risk_assessment: String,
    /// The six contents: their word key and text, in the order of Art. 15(1).
    pub(super) contents: Vec<(&'static str, String)>,
}

/// A review of the plan as the overview lists it.
pub(super) struct ReviewLine {
    pub(super) date: String,
    pub(super) trigger: &'static str,
    pub(super) change: Option<u32>,
    pub(super) reviewer: String,
    pub(super) outcome: String,
    pub(super) reported: String,
}

#[derive(Template)]
#[template(path = "continuity.html")]
pub(super) struct OverviewPage {
    pub(super) c: Chrome,
    pub(super) plan: Option<PlanShown>,
    pub(super) review_due: String,
    pub(super) review_overdue: bool,
    pub(super) last_review: String,
    pub(super) reviews: Vec<ReviewLine>,
    pub(super) systems: Vec<SystemLine>,
    pub(super) adam: Vec<TestRow>,
    /// Whether the caller keeps the register: then the plan and review forms are shown.
    pub(super) keeper: bool,
    pub(super) plan_form: PlanForm,
    pub(super) review_form: ReviewForm,
    /// ADAM's own test whose task tick was refused.
    pub(super) task_test: Option<u32>,
    pub(super) errors: Errors,
}

pub(super) async fn overview_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    overview_view(&s, &caller, lang, OverviewTyped::default()).await
}

/// The overview with the plan and review forms, as typed after a refusal (then 422).
pub(super) async fn overview_view(
    s: &AppState,
    caller: &crate::authn::Caller,
    lang: Lang,
    typed: OverviewTyped,
) -> UiResult<Response> {
    let refused = !typed.errors.is_empty();
    let p = {
        let w = s.world();
        let o: Overview = svc::overview(&w, caller, s.now()).ui(lang.tr)?;
        let who = |u: UserId| w.user(u).map_or_else(|_| u.to_string(), |x| x.display_name());
        OverviewPage {
            c: chrome(s, caller, lang.tr),
            plan: o.plan.as_ref().map(|p| {
                let f = &p.fields;
                PlanShown {
                    id: p.id.0,
                    adopted: f.adopted.to_string(),
                    approver: who(f.approver),
                    risk_assessment: opt(f.risk_assessment.map(|r| r.0)),
                    contents: vec![
                        ("cont_plan_roles", f.roles.to_string()),
                        ("cont_plan_functions", f.functions.to_string()),
                        ("cont_plan_risk", f.risk.to_string()),
                        ("cont_plan_measures", f.measures.to_string()),
                        ("cont_plan_emergency", f.emergency.to_string()),
                        ("cont_plan_recovery", f.recovery.to_string()),
                    ],
                }
            }),
            review_due: opt(o.status.review_due),
            review_overdue: o.status.review_overdue,
            last_review: opt(o.status.last_review),
            reviews: o
                .reviews
                .iter()
                .map(|r| ReviewLine {
                    date: r.fields.date.to_string(),
                    trigger: match r.fields.trigger {
                        ReviewTrigger::Annual => "cont_trigger_annual",
                        ReviewTrigger::MajorChange => "cont_trigger_major_change",
                    },
                    change: r.fields.change.map(|c| c.0),
                    reviewer: who(r.fields.reviewer),
                    outcome: r.fields.outcome.to_string(),
                    reported: opt(r.fields.reported_to_head),
                })
                .collect(),
            systems: o.systems.iter().map(line).collect(),
            adam: o.adam.iter().map(test_row).collect(),
            keeper: svc::keeps(&w, caller, s.now()),
            plan_form: typed
                .plan
                .unwrap_or_else(|| plan_form(&w, o.plan.as_ref(), LocalDate::of(s.now()))),
            review_form: typed.review.unwrap_or_else(|| ReviewForm {
                date: LocalDate::of(s.now()).to_string(),
                trigger: "annual".to_owned(),
                ..ReviewForm::default()
            }),
            task_test: typed.task_test,
            errors: typed.errors,
        }
    };
    let mut r = page(lang, &p)?;
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
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

#[derive(Template)]
#[template(path = "continuity_system.html")]
pub(super) struct SystemPage {
    pub(super) c: Chrome,
    pub(super) line: SystemLine,
    pub(super) costs: Vec<(String, String)>,
    pub(super) dependencies: Vec<(u32, String)>,
    pub(super) backup: Option<BackupPlan>,
    pub(super) tests: Vec<TestRow>,
    pub(super) acceptances: Vec<(String, String, String, String)>,
    pub(super) may_write: bool,
    pub(super) keeper: bool,
    pub(super) crits: [(&'static str, &'static str, &'static str); 4],
    pub(super) bia: BiaForm,
    pub(super) test: TestForm,
    pub(super) accept: AcceptForm,
    pub(super) task_test: Option<u32>,
    pub(super) errors: Errors,
}

fn bia_form(v: &SystemContinuity) -> BiaForm {
    let Some(b) = &v.bia else {
        return BiaForm {
            restore_days: "365".to_owned(),
            ..BiaForm::default()
        };
    };
    let f = &b.fields;
    let bp = f.backup.as_ref();
    BiaForm {
        criticality: f.criticality.as_str().to_owned(),
        rto: opt(f.rto),
        rpo: opt(f.rpo),
        mtd: opt(f.mtd),
        costs: f
            .costs
            .iter()
            .map(|c| format!("{} = {}", c.after, c.cost))
            .collect::<Vec<_>>()
            .join("\n"),
        dependencies: String::new(),
        scope: opt(bp.map(|b| &b.scope)),
        frequency: opt(bp.map(|b| &b.frequency)),
        locations: opt(bp.map(|b| &b.locations)),
        retention: opt(bp.map(|b| &b.retention)),
        procedure: opt(bp.map(|b| &b.procedure)),
        protected: bp.filter(|b| b.protected_like_original).map(|_| "on".to_owned()),
        protection_note: opt(bp.and_then(|b| b.protection_note.as_ref())),
        restore_days: bp.map_or_else(|| "365".to_owned(), |b| b.restore_test_days.to_string()),
        rev: b.rev.0.to_string(),
    }
}

struct Typed {
    bia: Option<BiaForm>,
    test: Option<TestForm>,
    accept: Option<AcceptForm>,
    /// The test whose task tick was refused (its message is `f_task`).
    task_test: Option<u32>,
    errors: Errors,
}

async fn system_view(
    s: &AppState,
    caller: &crate::authn::Caller,
    lang: Lang,
    id: ItemId,
    typed: Typed,
) -> UiResult<Response> {
    let refused = !typed.errors.is_empty();
    let p = {
        let w = s.world();
        let v = svc::system(&w, caller, id, s.now()).ui(lang.tr)?;
        let f = v.bia.as_ref().map(|b| &b.fields);
        let code = |i: ItemId| w.item(i).map_or_else(|_| i.to_string(), |x| x.fields.code.to_string());
        let mut bia = typed.bia.unwrap_or_else(|| bia_form(&v));
        if bia.dependencies.is_empty()
            && let Some(f) = f
        {
            bia.dependencies = f.dependencies.iter().map(|d| code(*d)).collect::<Vec<_>>().join(", ");
        }
        SystemPage {
            c: chrome(s, caller, lang.tr),
            line: line(&v.row),
            costs: f.map_or_else(Vec::new, |f| {
                f.costs
                    .iter()
                    .map(|c| (c.after.to_string(), c.cost.to_string()))
                    .collect()
            }),
            dependencies: f.map_or_else(Vec::new, |f| f.dependencies.iter().map(|d| (d.0, code(*d))).collect()),
            backup: f.and_then(|f| f.backup.clone()),
            tests: v.tests.iter().map(test_row).collect(),
            acceptances: v
                .acceptances
                .iter()
                .map(|a| {
                    let who = w
                        .user(a.fields.approver)
                        .map_or_else(|_| a.fields.approver.to_string(), |u| u.display_name());
                    (
                        a.fields.date.to_string(),
                        a.fields.target.to_string(),
                        who,
                        a.fields.reason.to_string(),
                    )
                })
                .collect(),
            may_write: v.may_write,
            keeper: svc::keeps(&w, caller, s.now()),
            crits: CRITICALITIES,
            bia,
            test: typed.test.unwrap_or_else(|| TestForm {
                held: LocalDate::of(s.now()).to_string(),
                passed: Some("on".to_owned()),
                ..TestForm::default()
            }),
            accept: typed.accept.unwrap_or_default(),
            task_test: typed.task_test,
            errors: typed.errors,
        }
    };
    let mut r = page(lang, &p)?;
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn system_page(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let none = Typed {
        bia: None,
        test: None,
        accept: None,
        task_test: None,
        errors: Errors::new(),
    };
    system_view(&s, &caller, lang, ItemId(id), none).await
}

fn span(value: &str, key: &'static str, errors: &mut Errors) -> Option<Option<Span>> {
    match value.trim() {
        "" => Some(None),
        v => match Span::parse(v) {
            Ok(s) => Some(Some(s)),
            Err(e) => {
                errors.insert(key, crate::error::said(&Error::from(e)));
                None
            }
        },
    }
}

fn prose(value: &str, key: &'static str, errors: &mut Errors) -> Option<Option<Prose>> {
    match value.trim() {
        "" => Some(None),
        v => super::form::checked(Prose::parse("text", v), key, errors).map(Some),
    }
}

fn text(value: &str, key: &'static str, errors: &mut Errors, lang: Lang) -> Option<Text> {
    super::form::text(value, "text", key, errors, lang.tr)
}

/// Where an engine refusal stands on the form.
fn field_of(code: &str) -> &'static str {
    match code {
        "rto-over-mtd" | "continuity-targets-missing" => "f_rto",
        "bia-self-dependency" | "continuity-not-a-system" => "f_dependencies",
        "restore-interval-out-of-range" => "f_restore_days",
        "component-missing" => "f_component",
        "announced-after-held" => "f_announced",
        "findings-missing" => "f_findings",
        "unknown-user" => "f_approver",
        _ => "f_form",
    }
}

async fn outcome(
    s: &AppState,
    caller: &crate::authn::Caller,
    lang: Lang,
    id: ItemId,
    result: crate::error::ApiResult<()>,
    typed: impl FnOnce(Errors) -> Typed,
) -> UiResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/ui/continuity/systems/{}", id.0)).into_response()),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
            Err(UiError::new(lang.tr, e))
        }
        Err(e) => {
            let mut errors = Errors::new();
            errors.insert(field_of(e.code), e.detail);
            system_view(s, caller, lang, id, typed(errors)).await
        }
    }
}

fn system_codes(w: &World, typed: &str, errors: &mut Errors) -> Option<Vec<ItemId>> {
    let mut out = Vec::new();
    for code in typed.split([',', ';', '\n']).map(str::trim).filter(|c| !c.is_empty()) {
        match w.item_by_code(code) {
            Ok(i) => out.push(i),
            Err(e) => {
                errors.insert("f_dependencies", crate::error::said(&e));
                return None;
            }
        }
    }
    Some(out)
}

pub(super) async fn set_bia(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<BiaForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let system = ItemId(id);
    let mut errors = Errors::new();
    let criticality = match f.criticality.as_str() {
        "critical" => Some(Criticality::Critical),
        "vital" => Some(Criticality::Vital),
        "sensitive" => Some(Criticality::Sensitive),
        "non_critical" => Some(Criticality::NonCritical),
        _ => {
            errors.insert("f_criticality", lang.tr.s("cont_choose_criticality").to_owned());
            None
        }
    };
    let rto = span(&f.rto, "f_rto", &mut errors);
    let rpo = span(&f.rpo, "f_rpo", &mut errors);
    let mtd = span(&f.mtd, "f_mtd", &mut errors);
    let mut costs = Vec::new();
    for l in f.costs.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parsed = l
            .split_once('=')
            .and_then(|(a, c)| Some((Span::parse(a).ok()?, Text::parse("text", c).ok()?)));
        match parsed {
            Some((after, cost)) => costs.push(DowntimeCost { after, cost }),
            None => {
                errors.insert("f_costs", lang.tr.s("cont_costs_unreadable").replace("{}", l));
                break;
            }
        }
    }
    let dependencies = system_codes(&s.world(), &f.dependencies, &mut errors);
    let backup = if f.scope.trim().is_empty() {
        Some(None)
    } else {
        let scope = text(&f.scope, "f_scope", &mut errors, lang);
        let frequency = text(&f.frequency, "f_frequency", &mut errors, lang);
        let locations = text(&f.locations, "f_locations", &mut errors, lang);
        let retention = text(&f.retention, "f_retention", &mut errors, lang);
        let procedure = super::form::checked(Prose::parse("text", &f.procedure), "f_procedure", &mut errors);
        let note = super::form::optional(&f.protection_note, "f_protection_note", &mut errors, |v| {
            Text::parse("text", v)
        });
        let days = match f.restore_days.trim().parse::<u16>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.insert("f_restore_days", lang.tr.s("cont_days_unreadable").to_owned());
                None
            }
        };
        match (scope, frequency, locations, retention, procedure, note, days) {
            (
                Some(scope),
                Some(frequency),
                Some(locations),
                Some(retention),
                Some(procedure),
                Some(note),
                Some(days),
            ) => Some(Some(BackupPlan {
                scope,
                frequency,
                locations,
                retention,
                procedure,
                protected_like_original: f.protected.is_some(),
                protection_note: note,
                restore_test_days: days,
            })),
            _ => None,
        }
    };
    let typed = |errors| Typed {
        bia: Some(f.clone()),
        test: None,
        accept: None,
        task_test: None,
        errors,
    };
    let (Some(criticality), Some(rto), Some(rpo), Some(mtd), Some(dependencies), Some(backup), true) =
        (criticality, rto, rpo, mtd, dependencies, backup, errors.is_empty())
    else {
        return system_view(&s, &caller, lang, system, typed(errors)).await;
    };
    let fields = BiaFields {
        criticality,
        rto,
        rpo,
        mtd,
        costs,
        dependencies,
        backup,
    };
    let seen = f.rev.trim().parse::<u64>().ok().map(Revision);
    let result = svc::set_bia(&s, &caller, system, fields, seen).await.map(|_| ());
    outcome(&s, &caller, lang, system, result, typed).await
}

pub(super) async fn record_test(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<TestForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let system = ItemId(id);
    let mut errors = Errors::new();
    let kind = match f.kind.as_str() {
        "restore_test" => TestKind::RestoreTest,
        "outage_simulation" => TestKind::OutageSimulation,
        _ => TestKind::Drill,
    };
    let scenario = if f.scenario == "partial_loss" {
        Scenario::PartialLoss
    } else {
        Scenario::TotalLoss
    };
    let component = super::form::optional(&f.component, "f_component", &mut errors, |v| Text::parse("text", v));
    let announced = super::form::optional(&f.announced, "f_announced", &mut errors, |v| {
        LocalDate::parse("announced", v)
    });
    let held = super::form::checked(LocalDate::parse("held", &f.held), "f_held", &mut errors);
    let mut participants = Vec::new();
    for (typed, role) in [
        (&f.operators, ParticipantRole::Operator),
        (&f.custodians, ParticipantRole::Custodian),
        (&f.users, ParticipantRole::User),
    ] {
        for name in typed.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if let Some(name) = text(name, "f_participants", &mut errors, lang) {
                participants.push(Participant { name, role });
            }
        }
    }
    let rto = span(&f.rto, "f_test_rto", &mut errors);
    let rpo = span(&f.rpo, "f_test_rpo", &mut errors);
    let duration = span(&f.duration, "f_duration", &mut errors);
    let findings = prose(&f.findings, "f_findings", &mut errors);
    let mut tasks = Vec::new();
    for t in f.tasks.lines().map(str::trim).filter(|t| !t.is_empty()) {
        if let Some(task) = text(t, "f_tasks", &mut errors, lang) {
            tasks.push(FollowUpTask { task, done: false });
        }
    }
    let typed = |errors| Typed {
        bia: None,
        test: Some(f.clone()),
        accept: None,
        task_test: None,
        errors,
    };
    let (Some(component), Some(announced), Some(held), Some(rto), Some(rpo), Some(duration), Some(findings), true) = (
        component,
        announced,
        held,
        rto,
        rpo,
        duration,
        findings,
        errors.is_empty(),
    ) else {
        return system_view(&s, &caller, lang, system, typed(errors)).await;
    };
    let fields = TestFields {
        subject: Subject::System(system),
        kind,
        scenario,
        component,
        announced,
        // Noon of the day held: the form asks for the day only.
        held_at: held.start().plus_seconds(12 * 3600),
        participants,
        measured_rto: rto,
        measured_rpo: rpo,
        revisions_lost: None,
        duration,
        passed: f.passed.is_some(),
        findings,
        tasks,
    };
    let result = svc::record_test(&s, &caller, fields).await.map(|_| ());
    outcome(&s, &caller, lang, system, result, typed).await
}

pub(super) async fn accept_risk(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<AcceptForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let system = ItemId(id);
    let mut errors = Errors::new();
    let target = text(&f.target, "f_target", &mut errors, lang);
    let approver = match s.world().user_by_username(f.approver.trim()) {
        Ok(u) => Some(u),
        Err(e) => {
            errors.insert("f_approver", crate::error::said(&e));
            None
        }
    };
    let date = super::form::checked(LocalDate::parse("date", &f.date), "f_date", &mut errors);
    let reason = super::form::checked(Prose::parse("reason", &f.reason), "f_reason", &mut errors);
    let typed = |errors| Typed {
        bia: None,
        test: None,
        accept: Some(f.clone()),
        task_test: None,
        errors,
    };
    let (Some(target), Some(approver), Some(date), Some(reason), true) =
        (target, approver, date, reason, errors.is_empty())
    else {
        return system_view(&s, &caller, lang, system, typed(errors)).await;
    };
    let fields = AcceptanceFields {
        system,
        target,
        approver,
        date,
        reason,
    };
    let result = svc::accept_risk(&s, &caller, fields).await.map(|_| ());
    outcome(&s, &caller, lang, system, result, typed).await
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

/// Marks a follow-up task of a test done (or open again): the test changed with the task
/// ticked (`UpdateContinuityTest`), by those who may write the test's records; a page opened
/// before another change of the test is refused at the task.
pub(super) async fn tick_task(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<TaskForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let test = ContinuityTestId(id);
    let mut fields = s.world().continuity_test(test).ui(lang.tr)?.fields.clone();
    let system = match fields.subject {
        Subject::System(system) => Some(system),
        Subject::Adam => None,
    };
    svc::require_writer(&s.world(), &caller, system, s.now()).ui(lang.tr)?;
    let mut errors = Errors::new();
    let index = f.task.trim().parse::<usize>().ok().filter(|i| *i < fields.tasks.len());
    let seen = f.rev.trim().parse::<u64>().ok().map(Revision);
    match (index, seen) {
        (Some(i), Some(seen)) => {
            if let Some(t) = fields.tasks.get_mut(i) {
                t.done = f.done.trim() != "0";
            }
            match svc::update_test(&s, &caller, test, fields, Some(seen)).await {
                Ok(_) => return Ok(Redirect::to(&test_page(&s.world(), test)).into_response()),
                Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                    return Err(UiError::new(lang.tr, e));
                }
                Err(e) => {
                    errors.insert("f_task", e.detail);
                }
            }
        }
        _ => {
            errors.insert("f_task", lang.tr.s("cont_task_unknown").to_owned());
        }
    }
    match system {
        Some(system) => {
            let typed = Typed {
                bia: None,
                test: None,
                accept: None,
                task_test: Some(id),
                errors,
            };
            system_view(&s, &caller, lang, system, typed).await
        }
        None => {
            let typed = OverviewTyped {
                task_test: Some(id),
                errors,
                ..OverviewTyped::default()
            };
            overview_view(&s, &caller, lang, typed).await
        }
    }
}
