//! What the demo hands back: the ids of the offices, people, roles, grants, folders and
//! documents a test or the CLI needs to find its way around it, and which demo accounts get an
//! API token (what a newcomer signs in with).

use adam_core::{AppId, ClassId, DocumentId, FolderId, GrantId, JobId, OfficeId, RoleId, Timestamp, UserId};
use serde::Serialize;

/// The offices of the demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Offices {
    /// GLPI – the main office (signing code 1000); its members are `[dist.main]`.
    pub glpi: OfficeId,
    /// GLPI_VLO – the registry desk, a sub-office of GLPI.
    pub glpi_registry: OfficeId,
    /// JSS_MOK – the public housing fund.
    pub jss: OfficeId,
    /// KZUP – the mayor's cabinet.
    pub kzup: OfficeId,
    /// TOK – the tourist organisation.
    pub tok: OfficeId,
    /// UN – the real-estate office.
    pub un: OfficeId,
    /// UN_PPZ – property law, a sub-office of UN.
    pub un_property: OfficeId,
}

/// The folders of the demo, each in a different part of its workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Folders {
    /// Z0, VOPI, open: a land sale; its clerk notified property law.
    pub land_sale: FolderId,
    /// Z2, VOPI, handed over to the head of UN and not yet accepted.
    pub expropriation: FolderId,
    /// Z1, VOPI, registered by the main office, accepted by the cabinet and closed.
    pub ministry_letter: FolderId,
    /// Z1, VPP, closed by its clerk and reopened by the main office.
    pub spatial_plan: FolderId,
    /// Z0, VOPI, open, with a closed document.
    pub tourist_tax: FolderId,
    /// Z3, VOPI, the mayor's own file.
    pub security_assessment: FolderId,
}

/// The documents of the demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Documents {
    /// In the land sale: handed over to JOB.0276 and accepted.
    pub purchase_request: DocumentId,
    /// In the land sale: handed over to property law and rejected.
    pub land_register_extract: DocumentId,
    /// Z2, in the expropriation file.
    pub valuation: DocumentId,
    /// Z1, registered by the main office (read-only for all but the main office).
    pub ministry_letter: DocumentId,
    /// Z1, in the VPP spatial plan.
    pub plan_draft: DocumentId,
    /// Closed by the tourist office.
    pub tourist_tax_report: DocumentId,
    /// Z3, in the mayor's file.
    pub protection_plan: DocumentId,
}

/// The ids a test or the CLI needs to find its way around the demo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Demo {
    /// The instant the demo was built at; grant statuses are relative to it.
    pub at: Timestamp,
    /// The inventory and its security lead.
    pub inventory: super::inventory::Inventory,
    /// The operator's system administrator (`admin`): every power, no document.
    pub admin: UserId,
    /// The service account `svc-vopi` (kind `system_user`).
    pub service: UserId,
    /// The head of the main office (`vopiglpi01`, LEADER.GLPI): user administrator of the
    /// whole organisation.
    pub user_admin: UserId,
    /// The UN secretary (`vopiun02`): user administrator of UN and its sub-office only.
    pub un_user_admin: UserId,
    /// The mayor (`vopikzup01`): leader.main, cleared for Z3.
    pub mayor: UserId,
    /// A clerk of the main office (`vopiglpi03`): `[dist.main]`.
    pub registry_clerk: UserId,
    /// A plain clerk of the tourist organisation (`vopitok02`).
    pub clerk: UserId,
    /// The UN clerk who opened the land-sale file (`vopiun04`).
    pub un_clerk: UserId,
    /// The senior UN adviser (`vopiun03`, JOB.0276) who accepted the purchase request.
    pub recipient: UserId,
    /// A former UN clerk, deleted in two steps: deactivated, then his job invalidated.
    pub deactivated: UserId,
    /// The offices.
    pub offices: Offices,
    /// LEADER.GLPI (signing code 1001).
    pub head_glpi: JobId,
    /// JOB.0276 in UN.
    pub job_0276: JobId,
    /// The document system VOPI.
    pub vopi: AppId,
    /// VPP.
    pub vpp: AppId,
    /// The main office's user role GLPI (the `[dist.main]` role).
    pub role_glpi: RoleId,
    /// leader.main (contains VPP.view_all_documents).
    pub leader_main: RoleId,
    /// VOPI's writing role.
    pub vopi_writer: RoleId,
    /// VPP.view_all_documents (14 on every VPP object).
    pub vpp_view_all: RoleId,
    /// VOPI_stranka_fin to LEADER.GLPI, valid from a date after `at`: WAITING.
    pub waiting_grant: GrantId,
    /// GIS_DEMO_run to TOK, valid until a date before `at`: EXPIRED.
    pub expired_grant: GrantId,
    /// `adam.user_admin` to LEADER.GLPI, for the whole organisation.
    pub user_admin_grant: GrantId,
    /// `adam.user_admin` to the UN secretary, scoped to UN.
    pub un_admin_grant: GrantId,
    /// The filing classes with an ACL entry: 478 (real estate) and 011 (the mayor's cabinet).
    pub classes_with_entries: [ClassId; 2],
    /// The folders.
    pub folders: Folders,
    /// The documents.
    pub documents: Documents,
}

impl Demo {
    /// The demo accounts that get an API token at `adam serve --demo`, with a label and the
    /// scopes that fit them (only the service account reads the change feed).
    pub fn token_holders(&self) -> Vec<(&'static str, UserId, Vec<crate::Scope>)> {
        use crate::Scope::{Changes, Check, Read, Write};
        vec![
            ("admin", self.admin, vec![Read, Write, Check]),
            ("user-admin", self.user_admin, vec![Read, Write, Check]),
            ("un-user-admin", self.un_user_admin, vec![Read, Write, Check]),
            ("registry", self.registry_clerk, vec![Read, Write]),
            ("clerk", self.clerk, vec![Read, Write]),
            ("mayor", self.mayor, vec![Read, Write]),
            ("security-lead", self.inventory.security_lead, vec![Read, Write]),
            ("custodian", self.inventory.custodian, vec![Read, Write]),
            ("service", self.service, vec![Read, Check, Changes]),
        ]
    }
}
