//! The knock-on duties of a change request worked out from the world (the types and the rules
//! they follow are described in `crate::process::duties`): read from the case's fields and the
//! registers, never typed by hand. Here, above the world, because it reads the integrity,
//! risk and continuity registers.

use crate::calendar::LocalDate;
use crate::error::{Error, ProcessError};
use crate::ids::ItemId;
use crate::process::{Case, Duty, DutyKind, FieldValue};
use crate::time::Timestamp;
use crate::world::World;

/// The shipped change-request process.
const CHANGE_REQUEST: &str = "change-request";

impl World {
    /// The knock-on duties of a change-request case (none for another process, or a case that
    /// names no system).
    pub fn change_duties(&self, case: &Case) -> Vec<Duty> {
        if case.process.as_str() != CHANGE_REQUEST {
            return Vec::new();
        }
        let Some(system) = case.fields.iter().find_map(|(k, v)| match (k.as_str(), v) {
            ("system", FieldValue::Int(n)) => u32::try_from(*n).ok().map(ItemId),
            _ => None,
        }) else {
            return Vec::new();
        };
        let flag = |key: &str| {
            case.fields
                .iter()
                .any(|(k, v)| k.as_str() == key && *v == FieldValue::Bool(true))
        };
        // The implementation: the last time the step `implement` ended `done`.
        let implemented: Option<Timestamp> = case
            .history
            .iter()
            .rev()
            .find(|t| t.step.as_str() == "implement" && t.outcome.as_str() == "done")
            .map(|t| t.at);
        let mut out = Vec::new();
        let mut add = |duty: DutyKind, met: bool| {
            out.push(Duty {
                duty,
                article: duty.article(),
                system,
                met: implemented.is_some() && met,
            });
        };
        let server = self
            .item(system)
            .is_ok_and(|i| i.fields.key_server || i.fields.high_risk);
        if server {
            let refreshed =
                implemented.is_some_and(|done| self.baselines_of(system).any(|b| b.approved() && b.taken_at >= done));
            add(DutyKind::BaselineRefresh, refreshed);
        }
        if flag("substantial") {
            let reassessed = implemented.is_some_and(|done| {
                let day = LocalDate::of(done);
                self.risk_assessments().iter().any(|r| r.fields.date >= day)
            });
            add(DutyKind::RiskReassessment, reassessed);
        }
        if flag("major") {
            // Met by a review of the continuity plan after a major change that names this case.
            let reviewed = self.plan_reviews().iter().any(|r| {
                r.fields.trigger == crate::register::continuity::ReviewTrigger::MajorChange
                    && r.fields.change == Some(case.id)
            });
            add(DutyKind::ContinuityReview, reviewed);
        }
        out
    }

    /// Refuses to close a change request while a duty that blocks closing is open.
    pub(crate) fn refuse_open_duties(&self, case: &Case) -> Result<(), Error> {
        match self
            .change_duties(case)
            .into_iter()
            .find(|d| d.duty.blocks_closing() && !d.met)
        {
            None => Ok(()),
            Some(d) => Err(ProcessError::BaselineNotRefreshed {
                case: case.id,
                system: self
                    .item(d.system)
                    .map_or_else(|_| d.system.to_string(), |i| i.fields.code.to_string()),
            }
            .into()),
        }
    }
}
