//! People appointed to the Decree's roles (Art. 3–8, table 1.2.1 of the requirements extract):
//! the head of the body, the information-security lead, the coordinator. A system's custodian
//! and operators are fields of its inventory record; together they make the "role holders"
//! list the body sends to the ministry (Art. 5(5)).

use crate::calendar::LocalDate;
use crate::ids::{HolderId, Revision, UserId};
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// A role of the Decree held by a person for the whole body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DecreeRole {
    /// The head of the body (predstojnik organa, Art. 5(1)).
    Head,
    /// The information-security lead (vodja informacijske varnosti, Art. 5(2), 6).
    SecurityLead,
    /// The information-security coordinator of a connected entity (koordinator, Art. 5(4)).
    Coordinator,
}

impl DecreeRole {
    /// Every role, in the Decree's order.
    pub const ALL: [DecreeRole; 3] = [DecreeRole::Head, DecreeRole::SecurityLead, DecreeRole::Coordinator];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DecreeRole::Head => "head",
            DecreeRole::SecurityLead => "security_lead",
            DecreeRole::Coordinator => "coordinator",
        }
    }

    /// The article that creates the role.
    pub fn article(self) -> &'static str {
        match self {
            DecreeRole::Head => "5(1)",
            DecreeRole::SecurityLead => "5(2)",
            DecreeRole::Coordinator => "5(4)",
        }
    }
}

/// A person appointed to a role of the Decree.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoleHolder {
    /// Id.
    pub id: HolderId,
    /// The role.
    pub role: DecreeRole,
    /// The person.
    pub user: UserId,
    /// Contact details sent to the ministry (Art. 5(5)), when other than the account's.
    #[serde(default)]
    pub contact: Option<Text>,
    /// The reference of the appointment (the head's decision).
    #[serde(default)]
    pub appointment: Option<Text>,
    /// Since when.
    pub since: LocalDate,
    /// Until when (inclusive), once the appointment ended.
    #[serde(default)]
    pub until: Option<LocalDate>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl RoleHolder {
    /// Whether the appointment holds on `day`.
    pub fn holds_on(&self, day: LocalDate) -> bool {
        self.since <= day && self.until.is_none_or(|u| day <= u)
    }
}
