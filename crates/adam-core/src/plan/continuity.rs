//! Planning the continuity register (Decree Art. 15, 29; seed 002's BIA).
//!
//! - The plan, its reviews, risk acceptances and the tests of ADAM itself are the keepers'
//!   (the security lead, the system administrator, the console), as the risk assessments are.
//! - A system's BIA and backup plan and its tests are also recorded by the people who run the
//!   system: its custodian and its operators named as persons (as integrity scans are).
//! - The rules: a critical or vital system states its RTO and RPO; the RTO is not above the
//!   maximum tolerable downtime; a system does not depend on itself; the next plan review is at
//!   most a year away (15(2)); a review after a major change names a change request, a yearly
//!   one none; a partial loss names its component; a test is announced before it is held; a
//!   failed test says what it found.

use super::Draft;
use crate::admin::Actor;
use crate::calendar::LocalDate;
use crate::command::{Command, Created};
use crate::error::{ContinuityError, Error};
use crate::event::Event;
use crate::ids::*;
use crate::register::continuity::{
    AcceptanceFields, Bia, BiaFields, ContinuityPlan, ContinuityTest, PlanFields, PlanReview, PlanReviewFields,
    ReviewTrigger, RiskAcceptance, Scenario, Subject, TestFields,
};
use crate::register::inventory::{InventoryItem, ItemKind};
use crate::time::Timestamp;
use crate::world::{World, unchanged_refused};

/// The shipped change-request process, whose cases a major-change review names.
const CHANGE_REQUEST: &str = "change-request";

impl World {
    pub(super) fn plan_continuity(
        &self,
        actor: &Actor,
        command: Command,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        match command {
            Command::RecordContinuityPlan { fields } => self.plan_plan(actor, None, fields, at, rev),
            Command::UpdateContinuityPlan { plan, fields } => self.plan_plan(actor, Some(plan), fields, at, rev),
            Command::ReviewContinuityPlan { fields } => self.plan_plan_review(actor, fields, at, rev),
            Command::SetBia { system, fields } => self.plan_bia(actor, system, fields, at, rev),
            Command::RecordContinuityTest { fields } => self.plan_test(actor, None, fields, at, rev),
            Command::UpdateContinuityTest { test, fields } => self.plan_test(actor, Some(test), fields, at, rev),
            Command::AcceptContinuityRisk { fields } => self.plan_acceptance(actor, fields, at, rev),
            _ => Err(Error::NoChange("the command changes nothing")),
        }
    }

    fn require_continuity_keeper(&self, actor: &Actor, at: Timestamp) -> Result<(), Error> {
        if self.keeps_registers(actor, at)? {
            Ok(())
        } else {
            Err(ContinuityError::NotContinuityKeeper.into())
        }
    }

    /// The system, if `id` names an information system of the inventory.
    fn continuity_system(&self, id: ItemId) -> Result<&InventoryItem, Error> {
        let item = self.item(id)?;
        if item.kind != ItemKind::System {
            return Err(ContinuityError::NotASystem(id).into());
        }
        Ok(item)
    }

    /// Whether the actor may keep the continuity records of `system`: a keeper, its custodian
    /// or one of its operators named as a person.
    pub fn may_keep_continuity_of(&self, actor: &Actor, system: &InventoryItem, at: Timestamp) -> Result<bool, Error> {
        self.keeps_or_tends(actor, system, at)
    }

    fn require_system_writer(&self, actor: &Actor, system: &InventoryItem, at: Timestamp) -> Result<(), Error> {
        if self.may_keep_continuity_of(actor, system, at)? {
            Ok(())
        } else {
            Err(ContinuityError::NotContinuityWriter {
                system: system.id,
                custodian: system.fields.custodian,
            }
            .into())
        }
    }

    fn plan_plan(
        &self,
        actor: &Actor,
        plan: Option<ContinuityPlanId>,
        fields: PlanFields,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = plan.map(|id| self.continuity_plan(id)).transpose()?;
        self.require_continuity_keeper(actor, at)?;
        self.user(fields.approver)?;
        if let Some(r) = fields.risk_assessment {
            self.risk_assessment(r)?;
        }
        let latest = fields.adopted.plus_years(1);
        if let Some(asked) = fields.next_review
            && asked > latest
        {
            return Err(ContinuityError::ReviewDueTooLate {
                latest: latest.to_string(),
                asked: asked.to_string(),
            }
            .into());
        }
        let id = plan.unwrap_or_else(|| self.next_plan());
        let new = ContinuityPlan { id, fields, rev };
        Ok(match old {
            Some(old) => Draft::new(vec![Event::ContinuityPlan(Box::new(unchanged_refused(
                old,
                new,
                "the continuity plan already says this",
            )?))]),
            None => Draft::new(vec![Event::ContinuityPlan(Box::new(new))]).created(Created::ContinuityPlan(id)),
        })
    }

    fn plan_plan_review(
        &self,
        actor: &Actor,
        fields: PlanReviewFields,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_continuity_keeper(actor, at)?;
        let Some(plan) = self.current_plan() else {
            return Err(ContinuityError::NoPlan.into());
        };
        self.user(fields.reviewer)?;
        match (fields.trigger, fields.change) {
            (ReviewTrigger::Annual, Some(_)) => return Err(ContinuityError::ChangeOnAnnualReview.into()),
            (ReviewTrigger::MajorChange, Some(case)) if self.case(case)?.process.as_str() != CHANGE_REQUEST => {
                return Err(ContinuityError::NotAChangeRequest(case).into());
            }
            _ => {}
        }
        if let Some(reported) = fields.reported_to_head
            && reported < fields.date
        {
            return Err(ContinuityError::ReportBeforeReview {
                reported: reported.to_string(),
                date: fields.date.to_string(),
            }
            .into());
        }
        let id = self.next_plan_review();
        Ok(Draft::new(vec![Event::PlanReview(PlanReview {
            id,
            plan: plan.id,
            fields,
            rev,
        })])
        .created(Created::PlanReview(id)))
    }

    fn plan_bia(
        &self,
        actor: &Actor,
        system: ItemId,
        mut fields: BiaFields,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let item = self.continuity_system(system)?;
        self.require_system_writer(actor, item, at)?;
        if fields.criticality.needs_targets() && (fields.rto.is_none() || fields.rpo.is_none()) {
            return Err(ContinuityError::TargetsMissing(fields.criticality.as_str()).into());
        }
        if let (Some(rto), Some(mtd)) = (fields.rto, fields.mtd)
            && rto > mtd
        {
            return Err(ContinuityError::RtoOverMtd {
                rto: rto.to_string(),
                mtd: mtd.to_string(),
            }
            .into());
        }
        fields.dependencies.sort_unstable();
        fields.dependencies.dedup();
        for d in &fields.dependencies {
            if *d == system {
                return Err(ContinuityError::SelfDependency.into());
            }
            self.continuity_system(*d)?;
        }
        fields.costs.sort_by_key(|c| c.after);
        if let Some(b) = &fields.backup
            && !(1..=3650).contains(&b.restore_test_days)
        {
            return Err(ContinuityError::RestoreInterval(b.restore_test_days).into());
        }
        let old = self.bia_of(system);
        let id = old.map_or_else(|| self.next_bia(), |b| b.id);
        let new = Bia {
            id,
            system,
            fields,
            rev,
        };
        Ok(match old {
            Some(old) => Draft::new(vec![Event::Bia(Box::new(unchanged_refused(
                old,
                new,
                "the business impact analysis already says this",
            )?))]),
            None => Draft::new(vec![Event::Bia(Box::new(new))]).created(Created::Bia(id)),
        })
    }

    fn plan_test(
        &self,
        actor: &Actor,
        test: Option<ContinuityTestId>,
        fields: TestFields,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = test.map(|id| self.continuity_test(id)).transpose()?;
        match fields.subject {
            Subject::System(s) => {
                let item = self.continuity_system(s)?;
                self.require_system_writer(actor, item, at)?;
            }
            Subject::Adam => self.require_continuity_keeper(actor, at)?,
        }
        if let Some(old) = old
            && old.fields.subject != fields.subject
        {
            // A test keeps its subject; another subject is another test.
            return Err(ContinuityError::UnknownTest(old.id).into());
        }
        if fields.scenario == Scenario::PartialLoss && fields.component.is_none() {
            return Err(ContinuityError::ComponentMissing.into());
        }
        let held = LocalDate::of(fields.held_at);
        if let Some(announced) = fields.announced
            && announced > held
        {
            return Err(ContinuityError::AnnouncedAfterHeld {
                announced: announced.to_string(),
                held: held.to_string(),
            }
            .into());
        }
        if !fields.passed && fields.findings.is_none() {
            return Err(ContinuityError::FindingsMissing.into());
        }
        let id = test.unwrap_or_else(|| self.next_continuity_test());
        let by = old.map_or_else(|| actor.user_id(), |o| o.by);
        let new = ContinuityTest { id, fields, by, rev };
        Ok(match old {
            Some(old) => Draft::new(vec![Event::ContinuityTest(Box::new(unchanged_refused(
                old,
                new,
                "the continuity test already says this",
            )?))]),
            None => Draft::new(vec![Event::ContinuityTest(Box::new(new))]).created(Created::ContinuityTest(id)),
        })
    }

    fn plan_acceptance(
        &self,
        actor: &Actor,
        fields: AcceptanceFields,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.continuity_system(fields.system)?;
        self.require_continuity_keeper(actor, at)?;
        self.user(fields.approver)?;
        let id = self.next_acceptance();
        Ok(
            Draft::new(vec![Event::RiskAcceptance(RiskAcceptance { id, fields, rev })])
                .created(Created::Acceptance(id)),
        )
    }
}
