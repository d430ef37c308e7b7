//! Risk assessments (Decree Art. 9): done at least once a year and whenever substantial
//! changes to systems or work processes are proposed or occur (9(2)); the findings and the
//! treatment of the risks are kept as documented information (9(3)). Other articles refer to
//! the assessment (15(1), 29(2), 41, 50, 57(6) …): they link to this record rather than copy it.

use crate::calendar::LocalDate;
use crate::ids::{Revision, RiskId, UserId};
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// What an assessment records.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RiskFields {
    /// The day it was done.
    pub date: LocalDate,
    /// What it covers (the body, a system, a process).
    pub scope: Text,
    /// The methodology (the ministry's unified methodology, 9(5)), by reference.
    #[serde(default)]
    pub methodology: Option<Text>,
    /// What it found.
    pub findings: Text,
    /// How the risks are treated (9(3)–(4)).
    pub treatment: Text,
    /// The residual risk accepted, if any.
    #[serde(default)]
    pub accepted_residual: Option<Text>,
    /// Who approved it (the head of the body or the security lead).
    #[serde(default)]
    pub approver: Option<UserId>,
    /// What triggered it besides the yearly round: a substantial change (9(2)).
    #[serde(default)]
    pub trigger: Option<Text>,
    /// When the next one is due: at most a year later (9(2)); a year later when not given.
    #[serde(default)]
    pub next_due: Option<LocalDate>,
}

/// A risk assessment.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RiskAssessment {
    /// Id.
    pub id: RiskId,
    /// What it records.
    #[serde(flatten)]
    pub fields: RiskFields,
    /// The files it carries (a signed report, the minutes): added by
    /// [`Command::AttachFile`](crate::Command::AttachFile), never removed (its history keeps them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::attachment::AttachmentRef>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl RiskAssessment {
    /// When the next assessment is due.
    pub fn due(&self) -> LocalDate {
        self.fields.next_due.unwrap_or_else(|| self.fields.date.plus_years(1))
    }
}
