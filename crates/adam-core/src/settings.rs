//! Organisation-wide settings the engine consults.

use crate::ids::RoleId;
use crate::level::Level;
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// Settings of the organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The organisation's name (shown as `Company.main`'s label).
    pub organisation: Text,
    /// The role whose holders are `[dist.main]`, the main office's distribution (`GLPI`).
    pub dist_main_role: Option<RoleId>,
    /// A role whose holders may reopen closed objects besides `[dist.main]`.
    pub reopen_role: Option<RoleId>,
    /// The clearance roles for Z1, Z2 and Z3. Holding the role for a class clears the holder
    /// for that class and every lower one (`DAPA_LEVEL_A` clears A and B). A class without a
    /// clearance role can be seen by nobody: default deny.
    pub clearance_roles: [Option<RoleId>; 3],
    /// A new folder's default view for everyone (`allowed Company.main 1X`), indexed by its
    /// confidentiality class Z0–Z3. Levels must be view levels (11–14).
    pub default_view: [Level; 4],
    /// ADAM governs its own changes (Art. 22): a change to the contents of a role of an
    /// application whose system is Z3 or C3, or to these settings, names an approved change
    /// request or is refused. Off by default (and in the demo).
    /// Left out when off, so change logs written before it existed re-encode unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub governed_changes: bool,
    /// Rights on the custodian's request (Art. 51(1)): a grant of a role whose application
    /// lives in a system of the inventory, or a change of its window, is made by the system's
    /// custodian or names her written request (the grant's request reference). Off by default
    /// (and in the demo); left out when off, as `governed_changes` is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub custodian_requests: bool,
}

impl Settings {
    /// Defaults: public 14, Z1 13, Z2 12, Z3 11; no distribution, reopen or clearance roles.
    pub fn new(organisation: Text) -> Settings {
        Settings {
            organisation,
            dist_main_role: None,
            reopen_role: None,
            clearance_roles: [None; 3],
            default_view: [Level::View14, Level::View13, Level::View12, Level::View11],
            governed_changes: false,
            custodian_requests: false,
        }
    }
}
