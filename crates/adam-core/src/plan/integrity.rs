//! Planning integrity baselines and comparisons (Decree Art. 50(4)–(5)).
//!
//! - A baseline is kept only for an information system the inventory marks as a key server or
//!   a high-risk server (50(4)); the flags come from the inventory, not from the scan.
//! - Scans (baselines and comparisons) are submitted by the register's keepers (security lead,
//!   system administrator, the console) or by the people who run the server: its custodian and
//!   its operators named as persons — a service account's token acts as such when the service
//!   account is named an operator.
//! - Only a keeper approves a baseline, and only with the reference of the approved change that
//!   justifies it (50(4): "updated after every approved system change").
//! - A comparison needs an approved baseline; its difference is computed here (pure), and a
//!   mismatch is recorded under the action `security.integrity_mismatch` (50(5): every
//!   detected change is resolved as an incident) until the events register exists.

use super::Draft;
use crate::admin::Actor;
use crate::command::{Command, Created};
use crate::error::{Error, RegisterError};
use crate::event::Event;
use crate::ids::*;
use crate::register::integrity::{Baseline, BaselineState, Comparison, Manifest, Outcome, diff};
use crate::register::inventory::{InventoryItem, ItemKind};
use crate::text::Text;
use crate::time::Timestamp;
use crate::world::World;

/// The action a comparison that finds a mismatch is recorded under.
pub const MISMATCH_ACTION: &str = "security.integrity_mismatch";

impl World {
    pub(super) fn plan_integrity(
        &self,
        actor: &Actor,
        command: Command,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        match command {
            Command::SubmitBaseline {
                server,
                manifest,
                taken_at,
            } => self.plan_submit_baseline(actor, server, manifest, taken_at.unwrap_or(at), at, rev),
            Command::ApproveBaseline { baseline, change } => {
                self.plan_approve_baseline(actor, baseline, change, at, rev)
            }
            Command::CompareScan {
                server,
                manifest,
                taken_at,
            } => self.plan_compare(actor, server, manifest, taken_at.unwrap_or(at), at, rev),
            _ => Err(Error::NoChange("the command changes nothing")),
        }
    }

    /// The server, if the inventory marks it as one whose integrity is checked (Art. 50(4)).
    fn integrity_server(&self, server: ItemId) -> Result<&InventoryItem, Error> {
        let item = self.item(server)?;
        if item.kind != ItemKind::System {
            return Err(Error::Register(RegisterError::NotASystem(server)));
        }
        if item.retired {
            return Err(Error::Register(RegisterError::ItemRetired(server)));
        }
        if !(item.fields.key_server || item.fields.high_risk) {
            return Err(Error::Register(RegisterError::NotIntegrityServer(server)));
        }
        Ok(item)
    }

    /// Whether the actor may submit scans of `server`: a keeper, its custodian or one of its
    /// operators named as a person.
    pub fn may_submit_scans(&self, actor: &Actor, server: &InventoryItem, at: Timestamp) -> Result<bool, Error> {
        self.keeps_or_tends(actor, server, at)
    }

    fn require_submitter(&self, actor: &Actor, server: &InventoryItem, at: Timestamp) -> Result<(), Error> {
        if self.may_submit_scans(actor, server, at)? {
            Ok(())
        } else {
            Err(Error::Register(RegisterError::NotScanSubmitter {
                server: server.id,
                custodian: server.fields.custodian,
            }))
        }
    }

    fn plan_submit_baseline(
        &self,
        actor: &Actor,
        server: ItemId,
        manifest: Manifest,
        taken_at: Timestamp,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let item = self.integrity_server(server)?;
        self.require_submitter(actor, item, at)?;
        if manifest.is_empty() {
            return Err(Error::Register(RegisterError::EmptyManifest));
        }
        let id = self.next_baseline();
        Ok(Draft::new(vec![Event::Baseline(Baseline {
            id,
            server,
            taken_at,
            taken_by: actor.user_id(),
            state: BaselineState::Submitted,
            manifest,
            attachments: Vec::new(),
            rev,
        })])
        .created(Created::Baseline(id)))
    }

    fn plan_approve_baseline(
        &self,
        actor: &Actor,
        baseline: BaselineId,
        change: Option<Text>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.baseline(baseline)?;
        if !self.keeps_registers(actor, at)? {
            return Err(Error::Register(RegisterError::NotRegisterKeeper(
                "approve integrity baselines",
            )));
        }
        let Some(change) = change else {
            return Err(Error::Register(RegisterError::ChangeReferenceMissing));
        };
        if old.approved() {
            return Err(Error::Register(RegisterError::BaselineAlreadyApproved(baseline)));
        }
        self.integrity_server(old.server)?;
        let new = Baseline {
            state: BaselineState::Approved {
                by: actor.user_id(),
                at,
                change,
            },
            rev,
            ..old.clone()
        };
        Ok(Draft::new(vec![Event::Baseline(new)]))
    }

    fn plan_compare(
        &self,
        actor: &Actor,
        server: ItemId,
        manifest: Manifest,
        taken_at: Timestamp,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let item = self.integrity_server(server)?;
        self.require_submitter(actor, item, at)?;
        if manifest.is_empty() {
            return Err(Error::Register(RegisterError::EmptyManifest));
        }
        let Some(baseline) = self.current_baseline(server) else {
            return Err(Error::Register(RegisterError::NoApprovedBaseline(server)));
        };
        let found = diff(&baseline.manifest, &manifest);
        let outcome = if found.is_empty() {
            Outcome::Match
        } else {
            Outcome::Mismatch { diff: found }
        };
        let mismatch = matches!(outcome, Outcome::Mismatch { .. });
        let id = self.next_comparison();
        let mut draft = Draft::new(vec![Event::Comparison(Comparison {
            id,
            server,
            baseline: baseline.id,
            scanned_at: taken_at,
            by: actor.user_id(),
            files: u64::try_from(manifest.len()).unwrap_or(u64::MAX),
            outcome,
            rev,
        })])
        .created(Created::Comparison(id));
        if mismatch {
            draft.action = Some(MISMATCH_ACTION);
        }
        Ok(draft)
    }
}
