//! Applications, roles and grants (SPEC §2).
//!
//! Three kinds of role: application roles are the functions an application declares (the
//! leaves); user roles group application roles and other user roles to any depth; system roles
//! are ADAM's own powers. A [`Grant`] gives a role to a user, a job, an office (and its
//! sub-offices) or everyone, optionally within a validity window.

use crate::ids::{AppId, GrantId, JobId, OfficeId, Revision, RoleId, UserId};
use crate::level::Level;
use crate::text::{Code, RoleCode, Text};
use crate::time::Window;
use serde::{Deserialize, Serialize};

/// An application that owns records (VOPI, VPP, …) and declares application roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Application {
    /// Id.
    pub id: AppId,
    /// Code (`VOPI`), unique.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// The role whose holders may create folders and documents in this application (the
    /// seed's "writing role"). Without one nobody may create records here: default deny.
    pub writer_role: Option<RoleId>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// The kind of a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// A function of one application (`DAPA_run`, `VPP.view_all_documents`): a leaf.
    Application,
    /// A named group of roles fitting a workplace (`GLPI`, `leader.main`), nested to any depth.
    User,
    /// One of ADAM's own powers; only the system administrator grants these.
    System,
}

/// A power of ADAM's own, carried by a system role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SystemPower {
    /// User administrator: edits offices, jobs and users and switches application and user
    /// roles on and off, within the office subtree named by the grant's scope.
    UserAdmin,
    /// Security lead: reviews the audit trail and the registers of the whole organisation.
    SecurityLead,
}

impl SystemPower {
    /// The code under which the built-in system role is created.
    pub fn code(self) -> &'static str {
        match self {
            SystemPower::UserAdmin => "adam.user_admin",
            SystemPower::SecurityLead => "adam.security_lead",
        }
    }

    /// Every system power.
    pub const ALL: [SystemPower; 2] = [SystemPower::UserAdmin, SystemPower::SecurityLead];
}

/// A role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Role {
    /// Id.
    pub id: RoleId,
    /// Code, unique (`DAPA_LEVEL_A`, `VOPI/Glavna pisarna`).
    pub code: RoleCode,
    /// Application, user or system role.
    pub kind: RoleKind,
    /// The application the role belongs to: required for application roles, optional for user
    /// roles (it groups them in the UI), absent on system roles.
    pub app: Option<AppId>,
    /// What the role is for, shown beside its checkbox.
    pub description: Text,
    /// For application roles only: the level its holders get on every folder and document of
    /// the application (`VPP.view_all_documents` = 14), subject to ceilings and mandatory rules.
    pub object_level: Option<Level>,
    /// For system roles only: the power it carries.
    pub power: Option<SystemPower>,
    /// For user roles only: the roles it contains, sorted. Only the system administrator
    /// changes this.
    pub members: Vec<RoleId>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// Who a grant is given to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Grantee {
    /// One user.
    User(UserId),
    /// Whoever occupies the job.
    Job(JobId),
    /// Everyone holding a job in the office or one of its sub-offices.
    Office(OfficeId),
    /// Everyone in the organisation.
    Everyone,
}

/// A grant of a role, valid inside its window (004 §3 d "Dodatne omejitve dovoljenj").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Grant {
    /// Id.
    pub id: GrantId,
    /// The role granted.
    pub role: RoleId,
    /// To whom.
    pub grantee: Grantee,
    /// Validity window; the status WAITING / ACTIVE / EXPIRED is computed at each decision.
    pub window: Window,
    /// For a user-administrator grant: the office subtree it is limited to (`None` = the whole
    /// organisation). Must be absent for other roles.
    pub scope: Option<OfficeId>,
    /// The request reference the grant was made on (for the access-rights register).
    pub reference: Option<Text>,
    /// The revision that last changed this record.
    pub rev: Revision,
}
