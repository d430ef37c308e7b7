//! The kinds of object the audit trail and the "last change" panel name (`ADAM_ENTITY_USER`
//! …): one enum instead of string literals, with the seed's wire names unchanged.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! entity_kinds {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)*) => {
        /// A kind of object, as the audit trail names it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum EntityKind {
            $($(#[$doc])* #[serde(rename = $wire)] $variant,)*
        }

        impl EntityKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [EntityKind] = &[$(EntityKind::$variant,)*];

            /// The wire name (`ADAM_ENTITY_USER`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(EntityKind::$variant => $wire,)*
                }
            }
        }

        impl FromStr for EntityKind {
            type Err = UnknownEntityKind;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($wire => Ok(EntityKind::$variant),)*
                    _ => Err(UnknownEntityKind(s.to_owned())),
                }
            }
        }
    };
}

entity_kinds! {
    /// The organisation's settings.
    Settings = "ADAM_ENTITY_SETTINGS",
    /// An office.
    Office = "ADAM_ENTITY_OFFICE",
    /// A job.
    Job = "ADAM_ENTITY_JOB",
    /// A user.
    User = "ADAM_ENTITY_USER",
    /// A user group.
    Group = "ADAM_ENTITY_GROUP",
    /// An application.
    Application = "ADAM_ENTITY_APPLICATION",
    /// A role.
    Role = "ADAM_ENTITY_ROLE",
    /// A grant.
    Grant = "ADAM_ENTITY_GRANT",
    /// A filing class.
    Class = "ADAM_ENTITY_CLASS",
    /// A folder.
    Folder = "ADAM_ENTITY_FOLDER",
    /// A document.
    Document = "ADAM_ENTITY_DOCUMENT",
    /// An ACL entry.
    AclEntry = "ADAM_ENTITY_ACL_ENTRY",
    /// An API token.
    Token = "ADAM_ENTITY_TOKEN",
    /// The audit trail itself (a purge, a verification).
    Audit = "ADAM_ENTITY_AUDIT",
    /// A legal hold on audit records.
    AuditHold = "ADAM_ENTITY_AUDIT_HOLD",
    /// A key of the store (an audit day key, the second-factor key).
    Key = "ADAM_ENTITY_KEY",
    /// An item of the inventory: an information asset or system (Art. 10).
    InventoryItem = "ADAM_ENTITY_INVENTORY_ITEM",
    /// A link between a system and an asset (Art. 11(2)).
    InventoryLink = "ADAM_ENTITY_INVENTORY_LINK",
    /// A person appointed to a role of the Decree (Art. 5).
    DecreeRole = "ADAM_ENTITY_DECREE_ROLE",
    /// The classification scheme (the Decree's annex, as data).
    ClassScheme = "ADAM_ENTITY_CLASS_SCHEME",
    /// An access-review campaign (Art. 51(4)).
    AccessReview = "ADAM_ENTITY_ACCESS_REVIEW",
    /// The rights of a person to look at after a job change or a deactivation.
    RightsFollowUp = "ADAM_ENTITY_RIGHTS_FOLLOW_UP",
    /// A risk assessment (Art. 9).
    RiskAssessment = "ADAM_ENTITY_RISK_ASSESSMENT",
    /// An integrity baseline of a key or high-risk server (Art. 50(4)).
    IntegrityBaseline = "ADAM_ENTITY_INTEGRITY_BASELINE",
    /// A scan compared with a server's approved baseline (Art. 50(5)).
    IntegrityComparison = "ADAM_ENTITY_INTEGRITY_COMPARISON",
    /// A version of a process definition.
    ProcessDefinition = "ADAM_ENTITY_PROCESS_DEFINITION",
    /// A case of a process.
    ProcessCase = "ADAM_ENTITY_PROCESS_CASE",
    /// A solution's responsibility (RACI) matrix.
    RaciMatrix = "ADAM_ENTITY_RACI_MATRIX",
    /// A solution of the registry of information solutions (hosting on DRO).
    Solution = "ADAM_ENTITY_SOLUTION",
    /// The body's continuity plan (Art. 15(1)).
    ContinuityPlan = "ADAM_ENTITY_CONTINUITY_PLAN",
    /// A review of the continuity plan (Art. 15(2)).
    PlanReview = "ADAM_ENTITY_CONTINUITY_PLAN_REVIEW",
    /// A system's business impact analysis and backup plan (Art. 29(2)).
    Bia = "ADAM_ENTITY_CONTINUITY_BIA",
    /// A restore test, outage simulation or drill (Art. 15(3), 29(3)).
    ContinuityTest = "ADAM_ENTITY_CONTINUITY_TEST",
    /// A continuity target knowingly not met.
    RiskAcceptance = "ADAM_ENTITY_RISK_ACCEPTANCE",
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no [`EntityKind`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown object type {0:?}")]
pub struct UnknownEntityKind(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for kind in EntityKind::ALL {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<EntityKind>(&json).unwrap(), *kind);
            assert_eq!(kind.as_str().parse::<EntityKind>().unwrap(), *kind);
            assert_eq!(kind.to_string(), kind.as_str());
        }
        assert_eq!(EntityKind::ALL.len(), 34);
    }
}
