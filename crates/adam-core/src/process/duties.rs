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
//!
//! This file holds the duties' types; working them out reads the world (`world/duties.rs`).

use crate::ids::ItemId;
use serde::Serialize;

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
