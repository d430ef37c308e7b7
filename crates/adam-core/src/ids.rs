//! Identifiers of everything the engine knows.
//!
//! Every identifier is a dense `u32` handed out by the engine in creation order, so the index
//! can keep records in vectors addressed by id. Records are never physically deleted (the audit
//! trail refers to them), which is what keeps the id space dense. ACL entries and grants are the
//! exception: they can be removed, and their slot stays empty.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What every record id can do: address the engine's dense storage and be named (`office#3`).
pub trait RecordId: Copy + fmt::Display {
    /// The position of the record in the engine's dense storage.
    fn index(self) -> usize;
    /// The number the audit trail and the API show.
    fn number(self) -> u32;
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The position of this record in the engine's dense storage.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl RecordId for $name {
            #[inline]
            fn index(self) -> usize {
                self.0 as usize
            }
            #[inline]
            fn number(self) -> u32 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// An office (urad, unit) in the organisation tree.
    OfficeId,
    "office#"
);
id_type!(
    /// A job (delovno mesto) inside an office.
    JobId,
    "job#"
);
id_type!(
    /// A user account of any kind.
    UserId,
    "user#"
);
id_type!(
    /// An application that owns records and declares application roles.
    AppId,
    "app#"
);
id_type!(
    /// An application, user or system role.
    RoleId,
    "role#"
);
id_type!(
    /// A grant of a role to a user, job, office or everyone.
    GrantId,
    "grant#"
);
id_type!(
    /// A named group of users and jobs, usable as an ACL entity.
    GroupId,
    "group#"
);
id_type!(
    /// A class of the filing plan (načrt razvrščanja gradiva).
    ClassId,
    "class#"
);
id_type!(
    /// A folder (case file, mapa/zadeva).
    FolderId,
    "folder#"
);
id_type!(
    /// A document inside a folder.
    DocumentId,
    "document#"
);
id_type!(
    /// An ACL entry on a filing class, folder or document.
    EntryId,
    "entry#"
);

id_type!(
    /// An item of the inventory (Art. 10): an information asset or an information system.
    ItemId,
    "item#"
);
id_type!(
    /// A link between an information system and an asset it stores, processes, handles or
    /// protects (Art. 11(2)).
    LinkId,
    "link#"
);
id_type!(
    /// A person appointed to one of the Decree's roles (Art. 5).
    HolderId,
    "holder#"
);

id_type!(
    /// The classification scheme (one per organisation; versioned by its revisions).
    SchemeId,
    "scheme#"
);
id_type!(
    /// An integrity baseline of a server (Art. 50(4)).
    BaselineId,
    "baseline#"
);
id_type!(
    /// A scan of a server compared with its approved baseline (Art. 50(5)).
    ComparisonId,
    "comparison#"
);

id_type!(
    /// A solution's responsibility (RACI) matrix.
    RaciMatrixId,
    "raci#"
);

id_type!(
    /// An access-review campaign (Art. 51(4)).
    ReviewId,
    "review#"
);
id_type!(
    /// A follow-up of a person's rights after a job change or a deactivation (Art. 51(4)).
    FollowUpId,
    "follow-up#"
);

id_type!(
    /// A risk assessment (Art. 9).
    RiskId,
    "risk#"
);

id_type!(
    /// The body's continuity plan (Art. 15(1)).
    ContinuityPlanId,
    "continuity-plan#"
);
id_type!(
    /// A review of the continuity plan (Art. 15(2)).
    PlanReviewId,
    "plan-review#"
);
id_type!(
    /// The business impact analysis and backup plan of a system (Art. 29(2)).
    BiaId,
    "bia#"
);
id_type!(
    /// A restore test, outage simulation or drill (Art. 15(3), 29(3)).
    ContinuityTestId,
    "continuity-test#"
);
id_type!(
    /// A risk acceptance: a continuity target knowingly not met.
    AcceptanceId,
    "risk-acceptance#"
);

id_type!(
    /// A solution of the registry of information solutions (hosting, seed 000).
    SolutionId,
    "solution#"
);

id_type!(
    /// A kept version of a process definition.
    DefinitionId,
    "definition#"
);
id_type!(
    /// A case of a process (an event, an incident, a change request).
    CaseId,
    "case#"
);

/// The revision of the engine's state: every committed change increments it by one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Revision(pub u64);

impl Revision {
    /// The revision that follows this one.
    pub fn next(self) -> Revision {
        Revision(self.0 + 1)
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}
