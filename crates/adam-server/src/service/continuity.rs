//! The continuity register (Decree Art. 15, 29; issue #18): its reads, the views the API
//! (`api/continuity.rs`) and the pages (`ui/continuity/`) show, and its writes.
//!
//! Changes are commands (`RecordContinuityPlan`, `ReviewContinuityPlan`, `SetBia`,
//! `RecordContinuityTest`, `AcceptContinuityRisk` …) sent through `AppState::execute`; the
//! engine decides who may make them. Reading follows the inventory: whoever may read the
//! inventory reads the register. A failed restore test of ADAM itself raises a security event
//! (`service::process::raise_event`) after the test is written — `adam backup verify` posts
//! its verdicts here, and `serve`'s scheduled verification calls [`record_test_as_adam`].

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::service::inventory::require_reader;
use crate::service::inventory_export::cell;
use crate::service::process::{Detected, raise_event};
use crate::state::AppState;
use adam_core::lang::Lang;
use adam_core::register::continuity::*;
use adam_core::register::inventory::{InventoryItem, ItemKind};
use adam_core::register::{PlanStatus, RestoreStatus};
use adam_core::*;
use schemars::JsonSchema;
use serde::Serialize;

/// A test with what is derived from it: incomplete, measured against the targets.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct TestView {
    /// The test.
    #[serde(flatten)]
    pub test: ContinuityTest,
    /// A simulation without an operator, the custodian and a user (15(3)).
    pub incomplete: bool,
    /// The measured RTO against the system's target.
    pub rto: Option<Measured>,
    /// The measured RPO against the system's target.
    pub rpo: Option<Measured>,
    /// Its plan-update tasks not yet done.
    pub open_tasks: usize,
}

impl TestView {
    /// The view of `t` in `w`.
    pub fn of(w: &World, t: &ContinuityTest) -> TestView {
        let bia = match t.fields.subject {
            Subject::System(s) => w.bia_of(s),
            Subject::Adam => None,
        };
        let target = |f: fn(&BiaFields) -> Option<Span>| bia.and_then(|b| f(&b.fields));
        TestView {
            incomplete: t.incomplete(),
            rto: t.fields.measured_rto.map(|m| Measured::against(m, target(|f| f.rto))),
            rpo: t.fields.measured_rpo.map(|m| Measured::against(m, target(|f| f.rpo))),
            open_tasks: t.fields.tasks.iter().filter(|x| !x.done).count(),
            test: t.clone(),
        }
    }
}

/// A system on the overview: its targets, its last test and whether a restore is overdue.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SystemRow {
    /// The system.
    pub id: ItemId,
    /// Its code.
    pub code: Code,
    /// Its name.
    pub name: Text,
    /// Its criticality, once its BIA is recorded.
    pub criticality: Option<Criticality>,
    /// Recovery time objective.
    pub rto: Option<Span>,
    /// Recovery point objective.
    pub rpo: Option<Span>,
    /// Maximum tolerable downtime.
    pub mtd: Option<Span>,
    /// Whether it has a backup plan (Art. 29(2)).
    pub backup_plan: bool,
    /// Its last test.
    pub last_test: Option<TestView>,
    /// Where its restore tests stand (Art. 29(3)).
    pub restore: RestoreStatus,
    /// How many risk acceptances it has.
    pub acceptances: usize,
}

/// The continuity overview.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Overview {
    /// The plan in force.
    pub plan: Option<ContinuityPlan>,
    /// Where its review stands (Art. 15(2)).
    pub status: PlanStatus,
    /// The reviews of the plan, newest first.
    pub reviews: Vec<PlanReview>,
    /// The systems of the inventory (not retired), most critical first.
    pub systems: Vec<SystemRow>,
    /// ADAM's own tests (its backups verified), newest first.
    pub adam: Vec<TestView>,
}

/// One system's continuity records.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SystemContinuity {
    /// The system and where it stands.
    #[serde(flatten)]
    pub row: SystemRow,
    /// Its BIA and backup plan.
    pub bia: Option<Bia>,
    /// Its tests, newest first.
    pub tests: Vec<TestView>,
    /// Its risk acceptances, newest first.
    pub acceptances: Vec<RiskAcceptance>,
    /// Whether the caller may record its BIA and tests.
    pub may_write: bool,
}

fn row(w: &World, i: &InventoryItem, today: LocalDate) -> SystemRow {
    let bia = w.bia_of(i.id);
    let f = bia.map(|b| &b.fields);
    SystemRow {
        id: i.id,
        code: i.fields.code.clone(),
        name: i.fields.name.clone(),
        criticality: f.map(|f| f.criticality),
        rto: f.and_then(|f| f.rto),
        rpo: f.and_then(|f| f.rpo),
        mtd: f.and_then(|f| f.mtd),
        backup_plan: f.is_some_and(|f| f.backup.is_some()),
        last_test: w
            .tests_of(Subject::System(i.id))
            .max_by_key(|t| (t.fields.held_at, t.id))
            .map(|t| TestView::of(w, t)),
        restore: w.restore_status(i.id, today),
        acceptances: w.risk_acceptances().iter().filter(|a| a.fields.system == i.id).count(),
    }
}

fn newest_tests<'a>(w: &'a World, subject: Subject) -> Vec<TestView> {
    let mut tests: Vec<&'a ContinuityTest> = w.tests_of(subject).collect();
    tests.sort_by_key(|t| std::cmp::Reverse((t.fields.held_at, t.id)));
    tests.into_iter().map(|t| TestView::of(w, t)).collect()
}

/// The overview: the plan and its review, every system with its targets and last test, and
/// ADAM's own tests.
pub fn overview(w: &World, caller: &Caller, now: Timestamp) -> ApiResult<Overview> {
    require_reader(w, caller, now)?;
    let today = LocalDate::of(now);
    let mut systems: Vec<SystemRow> = w
        .items()
        .iter()
        .filter(|i| i.kind == ItemKind::System && !i.retired)
        .map(|i| row(w, i, today))
        .collect();
    // Most critical first; systems without a BIA last; then by code.
    systems.sort_by(|a, b| {
        (a.criticality.is_none(), a.criticality, a.code.as_str()).cmp(&(
            b.criticality.is_none(),
            b.criticality,
            b.code.as_str(),
        ))
    });
    let mut reviews = w.plan_reviews().to_vec();
    reviews.sort_by_key(|r| std::cmp::Reverse((r.fields.date, r.id)));
    Ok(Overview {
        plan: w.current_plan().cloned(),
        status: w.plan_status(today),
        reviews,
        systems,
        adam: newest_tests(w, Subject::Adam),
    })
}

/// The system `id`, if it is an information system of the inventory.
fn system_item(w: &World, id: ItemId) -> ApiResult<&InventoryItem> {
    let item = w.item(id)?;
    if item.kind != ItemKind::System {
        return Err(Error::from(ContinuityError::NotASystem(id)).into());
    }
    Ok(item)
}

/// One system's continuity records.
pub fn system(w: &World, caller: &Caller, id: ItemId, now: Timestamp) -> ApiResult<SystemContinuity> {
    require_reader(w, caller, now)?;
    let item = system_item(w, id)?;
    let mut acceptances: Vec<RiskAcceptance> = w
        .risk_acceptances()
        .iter()
        .filter(|a| a.fields.system == id)
        .cloned()
        .collect();
    acceptances.sort_by_key(|a| std::cmp::Reverse((a.fields.date, a.id)));
    Ok(SystemContinuity {
        row: row(w, item, LocalDate::of(now)),
        bia: w.bia_of(id).cloned(),
        tests: newest_tests(w, Subject::System(id)),
        acceptances,
        may_write: caller.has(Scope::Write)
            && w.may_keep_continuity_of(&caller.actor(None), item, now)
                .unwrap_or(false),
    })
}

/// Whether the caller keeps the register (writes the plan, reviews, acceptances).
pub fn keeps(w: &World, caller: &Caller, now: Timestamp) -> bool {
    caller.has(Scope::Write) && w.keeps_registers(&caller.actor(None), now).unwrap_or(false)
}

/// Refuses, before any precondition is looked at, a caller who may not write the records of
/// `subject` (a system: its writers; ADAM or the plan: the keepers) — so a refused caller learns
/// nothing from an If-Match answer.
///
/// The write scope is not checked here, nor by the writes below: every route that calls them,
/// of the API and of the UI, declares `needs(Scope::Write, …)` and is refused before.
pub fn require_writer(w: &World, caller: &Caller, subject: Option<ItemId>, now: Timestamp) -> ApiResult<()> {
    let actor = caller.actor(None);
    match subject {
        Some(system) => {
            let item = system_item(w, system)?;
            if w.may_keep_continuity_of(&actor, item, now)? {
                return Ok(());
            }
            Err(Error::from(ContinuityError::NotContinuityWriter {
                system,
                custodian: item.fields.custodian,
            })
            .into())
        }
        None if w.keeps_registers(&actor, now)? => Ok(()),
        None => Err(Error::from(ContinuityError::NotContinuityKeeper).into()),
    }
}

/// Records the continuity plan.
pub async fn record_plan(s: &AppState, caller: &Caller, fields: PlanFields) -> ApiResult<ContinuityPlan> {
    let plan = s
        .execute(caller, None, Command::RecordContinuityPlan { fields })
        .await?;
    let id = crate::service::created::<ContinuityPlanId>(&plan)?;
    Ok(s.world().continuity_plan(id)?.clone())
}

/// The command that changes the continuity plan `plan` (the API's `http::update` runs it
/// under If-Match).
pub fn plan_change(plan: ContinuityPlanId, fields: PlanFields) -> Command {
    Command::UpdateContinuityPlan { plan, fields }
}

/// Changes the continuity plan, provided `guard` holds (a page passes the revision it showed;
/// the refusal and its words stay the page's).
pub async fn update_plan(
    s: &AppState,
    caller: &Caller,
    plan: ContinuityPlanId,
    fields: PlanFields,
    guard: impl Fn(&World) -> ApiResult<()> + Send + 'static,
) -> ApiResult<Plan> {
    s.execute_guarded(caller, None, plan_change(plan, fields), guard).await
}

/// Records a review of the plan in force.
pub async fn review_plan(s: &AppState, caller: &Caller, fields: PlanReviewFields) -> ApiResult<PlanReview> {
    let plan = s
        .execute(caller, None, Command::ReviewContinuityPlan { fields })
        .await?;
    let id = crate::service::created::<PlanReviewId>(&plan)?;
    Ok(s.world().plan_review(id)?.clone())
}

/// Sets a system's BIA and backup plan; `expected` is the revision the caller read (the
/// API's If-Match, the form's hidden revision), checked under the writer lock.
pub async fn set_bia(
    s: &AppState,
    caller: &Caller,
    system: ItemId,
    fields: BiaFields,
    expected: Option<Revision>,
) -> ApiResult<Bia> {
    let command = Command::SetBia { system, fields };
    s.execute_guarded(caller, None, command, move |w| {
        let now = w.bia_of(system).map(|b| b.rev);
        match (now, expected) {
            (Some(now), Some(read)) if now != read => Err(stale()),
            _ => Ok(()),
        }
    })
    .await?;
    s.world()
        .bia_of(system)
        .cloned()
        .ok_or_else(|| WebError::internal(&"BIA not written"))
}

fn stale() -> WebError {
    WebError::new(
        axum::http::StatusCode::PRECONDITION_FAILED,
        "stale-revision",
        "the record changed since you read it; read it again",
    )
    .sl("zapis se je spremenil, odkar ste ga prebrali; preberite ga znova")
}

/// After a test is written: a failed restore test of ADAM itself is a security event.
async fn after_test(s: &AppState, id: ContinuityTestId, ip: Option<String>) {
    let failed = s.world().continuity_test(id).ok().and_then(|t| {
        (t.fields.subject == Subject::Adam && t.fields.kind == TestKind::RestoreTest && !t.fields.passed)
            .then(|| format!("{} ({})", t.id, t.fields.held_at))
    });
    if let Some(who) = failed {
        raise_event(s, Detected::RestoreFailed, &who, ip).await;
    }
}

/// Records a restore test, outage simulation or drill; a failed restore test of ADAM itself
/// raises a security event. `adam backup verify` posts here through the API.
pub async fn record_test(s: &AppState, caller: &Caller, fields: TestFields) -> ApiResult<ContinuityTestId> {
    let plan = s
        .execute(caller, None, Command::RecordContinuityTest { fields })
        .await?;
    let id = crate::service::created::<ContinuityTestId>(&plan)?;
    after_test(s, id, caller.source_ip.clone()).await;
    Ok(id)
}

/// Records a test as ADAM itself (the console actor): `serve`'s scheduled verification of its
/// own backups. A failed restore test raises a security event as above.
pub async fn record_test_as_adam(s: &AppState, fields: TestFields) -> ApiResult<ContinuityTestId> {
    let context = s.context(Actor::System, None);
    let plan = s
        .execute_as(Actor::System, context, Command::RecordContinuityTest { fields })
        .await?;
    let id = crate::service::created::<ContinuityTestId>(&plan)?;
    after_test(s, id, None).await;
    Ok(id)
}

/// Changes a test (its tasks done, its findings); `expected` as for [`set_bia`].
pub async fn update_test(
    s: &AppState,
    caller: &Caller,
    test: ContinuityTestId,
    fields: TestFields,
    expected: Option<Revision>,
) -> ApiResult<ContinuityTest> {
    s.execute_guarded(
        caller,
        None,
        Command::UpdateContinuityTest { test, fields },
        move |w| match expected {
            Some(read) if w.continuity_test(test)?.rev != read => Err(stale()),
            _ => Ok(()),
        },
    )
    .await?;
    after_test(s, test, caller.source_ip.clone()).await;
    Ok(s.world().continuity_test(test)?.clone())
}

/// Records a risk acceptance.
pub async fn accept_risk(s: &AppState, caller: &Caller, fields: AcceptanceFields) -> ApiResult<RiskAcceptance> {
    let plan = s
        .execute(caller, None, Command::AcceptContinuityRisk { fields })
        .await?;
    let id = crate::service::created::<AcceptanceId>(&plan)?;
    Ok(s.world().risk_acceptance(id)?.clone())
}

// ---- CSV ----------------------------------------------------------------------------------

/// The tests' columns: English and Slovenian header.
const TEST_COLUMNS: [(&str, &str); 16] = [
    ("id", "id"),
    ("subject", "predmet"),
    ("kind", "vrsta"),
    ("scenario", "scenarij"),
    ("component", "komponenta"),
    ("announced", "napovedano"),
    ("held at", "izvedeno"),
    ("participants", "udeleženci"),
    ("incomplete", "nepopoln"),
    ("measured RTO", "izmerjeni RTO"),
    ("RTO met", "RTO dosežen"),
    ("measured RPO", "izmerjeni RPO"),
    ("RPO met", "RPO dosežen"),
    ("duration", "trajanje"),
    ("passed", "uspešen"),
    ("open tasks", "odprte naloge"),
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Every continuity test as CSV, oldest first, with a header in `lang`; values are
/// language-neutral (codes, `true`/`false`, durations as `4h`).
pub fn tests_csv(w: &World, lang: Lang) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(
        TEST_COLUMNS
            .iter()
            .map(|(en, sl)| if lang == Lang::En { *en } else { *sl }),
    )?;
    for t in w.continuity_tests() {
        let v = TestView::of(w, t);
        let f = &t.fields;
        let subject = match f.subject {
            Subject::System(s) => w.item(s).map_or_else(|_| s.to_string(), |i| i.fields.code.to_string()),
            Subject::Adam => "ADAM".to_owned(),
        };
        let participants: Vec<String> = f
            .participants
            .iter()
            .map(|p| {
                format!(
                    "{} ({})",
                    p.name,
                    serde_json::to_value(p.role)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                )
            })
            .collect();
        let record = vec![
            t.id.0.to_string(),
            subject,
            f.kind.as_str().to_owned(),
            f.scenario.as_str().to_owned(),
            opt(f.component.as_ref()),
            opt(f.announced),
            f.held_at.to_string(),
            participants.join("; "),
            v.incomplete.to_string(),
            opt(f.measured_rto),
            opt(v.rto.and_then(|m| m.met)),
            opt(f.measured_rpo),
            opt(v.rpo.and_then(|m| m.met)),
            opt(f.duration),
            f.passed.to_string(),
            v.open_tasks.to_string(),
        ];
        out.write_record(record.into_iter().map(cell))?;
    }
    let bytes = out.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
