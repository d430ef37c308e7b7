//! ADAM governs its own changes (Art. 22, issue #16): when the organisation switches it on
//! (`Settings::governed_changes`, off by default and in the demo), a change to the contents of
//! a role of an application whose system is Z3 or C3, or to the organisation's settings, names
//! an approved change request that is being implemented, or is refused.
//!
//! "Approved and being implemented" is the change-request case at its step `implement`: the
//! custodian and the security lead have consented and the security lead approved; once the
//! implementation is recorded the request authorises nothing more. For a role, the request
//! must be about the system the role's application lives in. Switching the setting on needs
//! no request (nothing governs yet); every later settings change, switching it off included,
//! does.

use crate::error::{Error, Governed, ProcessError};
use crate::ids::*;
use crate::level::Level;
use crate::process::{CaseState, FieldValue};
use crate::world::World;

/// The shipped change-request process and the step at which it authorises a change.
const CHANGE_REQUEST: &str = "change-request";
const IMPLEMENTING: &str = "implement";

impl World {
    /// Art. 51(1), while the organisation requires it (`Settings::custodian_requests`): a grant
    /// of a role whose application lives in a system of the inventory, or a change of its
    /// window, is made by that system's custodian or names her written request (`reference`).
    /// A revocation never needs one: taking a right away is never held back.
    pub(super) fn require_custodian_request(
        &self,
        actor: &crate::admin::Actor,
        role: RoleId,
        reference: Option<&crate::text::Text>,
    ) -> Result<(), Error> {
        if !self.settings().custodian_requests || reference.is_some() {
            return Ok(());
        }
        self.role(role)?;
        // The systems the role reaches: of its own application, and of every application role
        // it contains (a user role bundling them), as the access reviews count them.
        let mut systems: Vec<ItemId> = self
            .roles()
            .iter()
            .filter(|r| r.kind == crate::roles::RoleKind::Application)
            .filter(|r| r.id == role || self.role_containers(r.id).contains(&role))
            .filter_map(|r| r.app.and_then(|a| self.system_of_application(a)))
            .collect();
        systems.sort();
        systems.dedup();
        for system in systems {
            let item = self.item(system)?;
            if actor.user_id() != Some(item.fields.custodian) {
                return Err(crate::error::RoleError::CustodianRequestMissing(item.fields.code.to_string()).into());
            }
        }
        Ok(())
    }

    /// A settings change while ADAM governs its own changes names an approved request.
    pub(super) fn require_change_for_settings(&self, change: Option<CaseId>) -> Result<(), Error> {
        if !self.settings().governed_changes {
            return Ok(());
        }
        self.require_approved_change(change, None, None)
    }

    /// A change to a role's contents (its members or application-wide level) while ADAM
    /// governs its own changes, when the role's application lives in a Z3 or C3 system.
    pub(super) fn require_change_for_role(
        &self,
        role: RoleId,
        object_level: Option<Level>,
        members: &[RoleId],
        change: Option<CaseId>,
    ) -> Result<(), Error> {
        if !self.settings().governed_changes {
            return Ok(());
        }
        let old = self.role(role)?;
        let mut sorted = members.to_vec();
        sorted.sort();
        let mut before = old.members.clone();
        before.sort();
        if old.object_level == object_level && before == sorted {
            return Ok(()); // the description only: not the role's contents
        }
        let Some(system) = old.app.and_then(|a| self.system_of_application(a)) else {
            return Ok(());
        };
        let class = self.effective_class(self.item(system)?);
        if class.z.value() < 3 && class.c.value() < 3 {
            return Ok(());
        }
        self.require_approved_change(change, Some(system), Some(old.code.to_string()))
    }

    /// `role`: the role whose contents change (none: the settings).
    fn require_approved_change(
        &self,
        change: Option<CaseId>,
        system: Option<ItemId>,
        role: Option<String>,
    ) -> Result<(), Error> {
        let Some(id) = change else {
            return Err(ProcessError::ChangeRequired(Governed(role)).into());
        };
        let case = self.case(id)?;
        let approved = case.process.as_str() == CHANGE_REQUEST
            && case.state == CaseState::Open
            && case.current.as_str() == IMPLEMENTING;
        if !approved {
            return Err(ProcessError::ChangeNotApproved(id).into());
        }
        if let Some(system) = system {
            let names = case
                .fields
                .iter()
                .any(|(k, v)| k.as_str() == "system" && *v == FieldValue::Int(i64::from(system.0)));
            if !names {
                let code = self
                    .item(system)
                    .map_or_else(|_| system.to_string(), |i| i.fields.code.to_string());
                return Err(ProcessError::ChangeForOtherSystem { case: id, system: code }.into());
            }
        }
        Ok(())
    }
}
