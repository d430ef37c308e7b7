//! The knock-on duties of a change (Art. 22 with 50(4), 9(2) and 15(2); issue #16): what an
//! implemented change request asks of the organisation afterwards, worked out from the case's
//! fields and the registers, never typed by hand.
//!
//! - a change on a **key or high-risk server** refreshes its integrity baseline: an approved
//!   baseline of that server taken after the implementation (50(4)). ADAM enforces it — the
//!   request is not closed before;
//! - a change marked **substantial** asks for a risk reassessment (9(2)): met by a risk
//!   assessment dated on or after the day of the implementation;
//! - a change marked **major** asks for a review of the continuity plan (15(2)): met once the
//!   continuity register records a review after a major change naming the case (issue #18).
//!
//! Only the first blocks: the other two are the organisation's work in other registers, and the
//! Decree sets them no deadline tied to the change.

use super::case::Case;
use super::definition::FieldValue;
use crate::calendar::LocalDate;
use crate::error::{Error, ProcessError};
use crate::ids::ItemId;
use crate::time::Timestamp;
use crate::world::World;
use serde::Serialize;

/// The shipped change-request process.
const CHANGE_REQUEST: &str = "change-request";

/// A duty a change leaves behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DutyKind {
    /// Refresh the server's integrity baseline (50(4)).
    BaselineRefresh,
    /// Reassess the risks (9(2)).
    RiskReassessment,
    /// Review the continuity plan (15(2)).
    ContinuityReview,
}

impl DutyKind {
    /// The article that asks for it.
    pub fn article(self) -> &'static str {
        match self {
            DutyKind::BaselineRefresh => "50(4)",
            DutyKind::RiskReassessment => "9(2)",
            DutyKind::ContinuityReview => "15(2)",
        }
    }
    /// Whether ADAM refuses to close the change while it is open.
    pub fn blocks_closing(self) -> bool {
        self == DutyKind::BaselineRefresh
    }
}

/// One knock-on duty of a change request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Duty {
    /// What is asked.
    pub duty: DutyKind,
    /// The article.
    pub article: &'static str,
    /// The system the change is to.
    pub system: ItemId,
    /// Whether it is met (never before the change is implemented).
    pub met: bool,
}

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
