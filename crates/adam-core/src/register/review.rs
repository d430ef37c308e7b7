//! Access reviews (Decree Art. 51(4)): rights are reviewed regularly, and changed or revoked
//! without delay when a person changes job, leaves, or no longer needs them.
//!
//! Two records:
//! - an [`AccessReview`] — a campaign over one information system's application: every grant
//!   that gives one of its roles (to a user, a job, an office or everyone) at the start, each
//!   to be confirmed or revoked by the system's custodian (Art. 51(1): rights are granted,
//!   changed and revoked by the custodian). A revocation removes the grant through the engine
//!   in the same change that records the decision, with the campaign as its reference. Once
//!   every line is decided the campaign is complete: the record is its report;
//! - a [`FollowUp`] — made **in the same change** as a job change (an occupant removed from a
//!   job) or a deactivation, listing the person's direct grants that are still in force, for the
//!   custodians concerned to revoke or confirm. Its age is the time since that change.

use crate::calendar::LocalDate;
use crate::ids::{FollowUpId, GrantId, ItemId, JobId, ReviewId, Revision, RoleId, UserId};
use crate::roles::Grantee;
use crate::text::Text;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// What a reviewer decided about one grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The right is still needed.
    Confirmed,
    /// The right was revoked.
    Revoked,
}

/// A decision, with who made it and when.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    /// Confirmed or revoked.
    pub outcome: Outcome,
    /// Who decided.
    pub by: UserId,
    /// When.
    pub at: Timestamp,
    /// Why, if said.
    #[serde(default)]
    pub comment: Option<Text>,
}

/// One grant under review.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReviewLine {
    /// The grant.
    pub grant: GrantId,
    /// The role it gives.
    pub role: RoleId,
    /// To whom.
    pub grantee: Grantee,
    /// The decision, once made.
    #[serde(default)]
    pub decision: Option<Decision>,
}

/// An access-review campaign over one system.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccessReview {
    /// Id.
    pub id: ReviewId,
    /// The information system whose application's rights are reviewed.
    pub system: ItemId,
    /// The reviewer: the system's custodian when the campaign started.
    pub reviewer: UserId,
    /// The last day to decide (inclusive).
    pub due: LocalDate,
    /// Who started it.
    pub started_by: Option<UserId>,
    /// When.
    pub started_at: Timestamp,
    /// The grants, as they were at the start.
    pub lines: Vec<ReviewLine>,
    /// When the last line was decided.
    #[serde(default)]
    pub completed_at: Option<Timestamp>,
    /// The files it carries (a signed report, the minutes): added by
    /// [`Command::AttachFile`](crate::Command::AttachFile), never removed (its history keeps them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::attachment::AttachmentRef>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl AccessReview {
    /// How many lines are decided.
    pub fn decided(&self) -> usize {
        self.lines.iter().filter(|l| l.decision.is_some()).count()
    }

    /// Whether it is past its due day and not complete.
    pub fn overdue(&self, today: LocalDate) -> bool {
        self.completed_at.is_none() && self.due < today
    }

    /// The campaign's reference, recorded on what it revokes (`access-review#3`).
    pub fn reference(&self) -> String {
        format!("access-review#{}", self.id.0)
    }
}

/// Why a follow-up was opened.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Cause {
    /// The person was removed from these jobs.
    LeftJobs {
        /// The jobs.
        jobs: Vec<JobId>,
    },
    /// The account was deactivated.
    Deactivated,
}

/// A person's direct grants to look at after a job change or a deactivation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FollowUp {
    /// Id.
    pub id: FollowUpId,
    /// The person.
    pub user: UserId,
    /// What happened.
    pub cause: Cause,
    /// When (the age of the follow-up counts from here).
    pub at: Timestamp,
    /// The grants to decide on.
    pub lines: Vec<ReviewLine>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl FollowUp {
    /// Whether every line is decided.
    pub fn resolved(&self) -> bool {
        self.lines.iter().all(|l| l.decision.is_some())
    }
}

/// Where a decision about a grant is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Under {
    /// In an access-review campaign.
    Review(ReviewId),
    /// In a follow-up of a job change or a deactivation.
    FollowUp(FollowUpId),
}
