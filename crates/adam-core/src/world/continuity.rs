//! The continuity register inside the world (Art. 15, 29): its tables, the per-system indexes
//! kept in step with them, applying their events, and the derived states the pages show —
//! "plan review overdue" and "restore test overdue".
//!
//! The plan in force is the plan with the highest id. A system has at most one BIA (the index
//! `bia_of` says which), so "set the BIA" changes it in place. The records and the states'
//! types are in `crate::register::continuity`.

use super::apply::Put;
use crate::calendar::LocalDate;
use crate::error::{Error, StateError};
use crate::ids::{AcceptanceId, BiaId, ContinuityPlanId, ContinuityTestId, ItemId, PlanReviewId};
use crate::register::continuity::{
    Bia, ContinuityPlan, ContinuityTest, PlanReview, PlanStatus, RestoreStatus, RiskAcceptance, Subject, TestKind,
};
use crate::world::{Table, World};
use rustc_hash::FxHashMap;

/// The continuity records of the world and their indexes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Continuity {
    pub(crate) plans: Table<ContinuityPlan>,
    pub(crate) reviews: Table<PlanReview>,
    pub(crate) bias: Table<Bia>,
    pub(crate) tests: Table<ContinuityTest>,
    pub(crate) acceptances: Table<RiskAcceptance>,
    /// Per system, its BIA.
    bia_of: FxHashMap<ItemId, BiaId>,
    /// Per subject, its tests in id order.
    tests_of: FxHashMap<Subject, Vec<ContinuityTestId>>,
}

fn corrupt(what: String) -> Error {
    Error::State(StateError::Corrupt(what))
}

/// Puts a record at its id's slot: a change in place, or the next id.
fn put_at<R>(table: &mut Table<R>, i: usize, r: R, what: &str) -> Result<bool, Error> {
    match i.cmp(&table.len()) {
        std::cmp::Ordering::Less => {
            table[i] = r;
            Ok(false)
        }
        std::cmp::Ordering::Equal => {
            table.push(r);
            Ok(true)
        }
        std::cmp::Ordering::Greater => Err(corrupt(format!("{what} {i} skips ahead"))),
    }
}

impl World {
    // ---- reads ------------------------------------------------------------------------

    /// Every continuity plan, in id order.
    pub fn continuity_plans(&self) -> &[ContinuityPlan] {
        &self.reg.continuity.plans
    }
    /// A continuity plan.
    pub fn continuity_plan(&self, id: ContinuityPlanId) -> Result<&ContinuityPlan, Error> {
        self.reg.continuity.plans.find(id)
    }
    /// The plan in force: the one with the highest id.
    pub fn current_plan(&self) -> Option<&ContinuityPlan> {
        self.reg.continuity.plans.last()
    }
    /// Every plan review, in id order.
    pub fn plan_reviews(&self) -> &[PlanReview] {
        &self.reg.continuity.reviews
    }
    /// A plan review.
    pub fn plan_review(&self, id: PlanReviewId) -> Result<&PlanReview, Error> {
        self.reg.continuity.reviews.find(id)
    }
    /// Every BIA, in id order.
    pub fn bias(&self) -> &[Bia] {
        &self.reg.continuity.bias
    }
    /// A BIA.
    pub fn bia(&self, id: BiaId) -> Result<&Bia, Error> {
        self.reg.continuity.bias.find(id)
    }
    /// The BIA of a system.
    pub fn bia_of(&self, system: ItemId) -> Option<&Bia> {
        let id = self.reg.continuity.bia_of.get(&system)?;
        self.reg.continuity.bias.get(id.index())
    }
    /// Every continuity test, in id order.
    pub fn continuity_tests(&self) -> &[ContinuityTest] {
        &self.reg.continuity.tests
    }
    /// A continuity test.
    pub fn continuity_test(&self, id: ContinuityTestId) -> Result<&ContinuityTest, Error> {
        self.reg.continuity.tests.find(id)
    }
    /// The tests of a subject, oldest first.
    pub fn tests_of(&self, subject: Subject) -> impl Iterator<Item = &ContinuityTest> {
        let ids = self.reg.continuity.tests_of.get(&subject);
        ids.into_iter()
            .flatten()
            .filter_map(|id| self.reg.continuity.tests.get(id.index()))
    }
    /// Every risk acceptance, in id order.
    pub fn risk_acceptances(&self) -> &[RiskAcceptance] {
        &self.reg.continuity.acceptances
    }
    /// A risk acceptance.
    pub fn risk_acceptance(&self, id: AcceptanceId) -> Result<&RiskAcceptance, Error> {
        self.reg.continuity.acceptances.find(id)
    }

    /// Where the plan's review stands on `today`: due a year after the later of its adoption and
    /// its last review, or on the plan's own earlier day (Art. 15(2)).
    pub fn plan_status(&self, today: LocalDate) -> PlanStatus {
        let Some(plan) = self.current_plan() else {
            return PlanStatus {
                plan: None,
                last_review: None,
                review_due: None,
                review_overdue: true,
            };
        };
        let last_review = self
            .plan_reviews()
            .iter()
            .filter(|r| r.plan == plan.id)
            .map(|r| r.fields.date)
            .max();
        let since = last_review.map_or(plan.fields.adopted, |d| d.max(plan.fields.adopted));
        let mut due = since.plus_years(1);
        if last_review.is_none()
            && let Some(own) = plan.fields.next_review
        {
            due = due.min(own);
        }
        PlanStatus {
            plan: Some(plan.id),
            last_review,
            review_due: Some(due),
            review_overdue: due < today,
        }
    }

    /// Where a system's restore tests stand on `today`: overdue when its backup plan's interval
    /// has passed since its last passed restore test (or it has none).
    pub fn restore_status(&self, system: ItemId, today: LocalDate) -> RestoreStatus {
        let last_passed = self
            .tests_of(Subject::System(system))
            .filter(|t| t.fields.kind == TestKind::RestoreTest && t.fields.passed)
            .map(|t| LocalDate::of(t.fields.held_at))
            .max();
        let Some(backup) = self.bia_of(system).and_then(|b| b.fields.backup.as_ref()) else {
            return RestoreStatus {
                last_passed,
                due: None,
                overdue: false,
            };
        };
        let days = i64::from(backup.restore_test_days);
        let due = last_passed.map(|d| d.plus_days(days));
        RestoreStatus {
            last_passed,
            due,
            overdue: due.is_none_or(|d| d < today),
        }
    }

    pub(crate) fn next_plan(&self) -> ContinuityPlanId {
        ContinuityPlanId(u32::try_from(self.reg.continuity.plans.len()).unwrap_or(u32::MAX))
    }
    pub(crate) fn next_plan_review(&self) -> PlanReviewId {
        PlanReviewId(u32::try_from(self.reg.continuity.reviews.len()).unwrap_or(u32::MAX))
    }
    pub(crate) fn next_bia(&self) -> BiaId {
        BiaId(u32::try_from(self.reg.continuity.bias.len()).unwrap_or(u32::MAX))
    }
    pub(crate) fn next_continuity_test(&self) -> ContinuityTestId {
        ContinuityTestId(u32::try_from(self.reg.continuity.tests.len()).unwrap_or(u32::MAX))
    }
    pub(crate) fn next_acceptance(&self) -> AcceptanceId {
        AcceptanceId(u32::try_from(self.reg.continuity.acceptances.len()).unwrap_or(u32::MAX))
    }

    // ---- applying ---------------------------------------------------------------------
}

// ---- how each register kind enters the world (`world::apply::Put`) -----------------

impl Put for ContinuityPlan {
    fn put(self, world: &mut World) -> Result<(), Error> {
        world.user(self.fields.approver)?;
        put_at(
            &mut world.reg.continuity.plans,
            self.id.index(),
            self,
            "continuity plan",
        )
        .map(|_| ())
    }
}

impl Put for PlanReview {
    fn put(self, world: &mut World) -> Result<(), Error> {
        world.continuity_plan(self.plan)?;
        put_at(&mut world.reg.continuity.reviews, self.id.index(), self, "plan review").map(|_| ())
    }
}

impl Put for Bia {
    fn put(self, world: &mut World) -> Result<(), Error> {
        world.item(self.system)?;
        let c = &mut world.reg.continuity;
        if let Some(other) = c.bia_of.get(&self.system)
            && *other != self.id
        {
            return Err(corrupt(format!("{} is a second BIA of {}", self.id, self.system)));
        }
        if let Some(old) = c.bias.get(self.id.index())
            && old.system != self.system
        {
            return Err(corrupt(format!("{} changes its system", self.id)));
        }
        let (id, system) = (self.id, self.system);
        put_at(&mut c.bias, id.index(), self, "BIA")?;
        c.bia_of.insert(system, id);
        Ok(())
    }
}

impl Put for ContinuityTest {
    fn put(self, world: &mut World) -> Result<(), Error> {
        if let Subject::System(s) = self.fields.subject {
            world.item(s)?;
        }
        let c = &mut world.reg.continuity;
        if let Some(old) = c.tests.get(self.id.index())
            && old.fields.subject != self.fields.subject
        {
            return Err(corrupt(format!("{} changes its subject", self.id)));
        }
        let (id, subject) = (self.id, self.fields.subject);
        if put_at(&mut c.tests, id.index(), self, "continuity test")? {
            c.tests_of.entry(subject).or_default().push(id);
        }
        Ok(())
    }
}

impl Put for RiskAcceptance {
    fn put(self, world: &mut World) -> Result<(), Error> {
        world.item(self.fields.system)?;
        world.user(self.fields.approver)?;
        put_at(
            &mut world.reg.continuity.acceptances,
            self.id.index(),
            self,
            "risk acceptance",
        )
        .map(|_| ())
    }
}
