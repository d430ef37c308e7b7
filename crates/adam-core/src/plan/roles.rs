//! Planning roles and grants: the built-in system roles, applications, application and
//! user roles, and the time-limited grants that give them.

use super::Draft;
use crate::admin::Actor;
use crate::command::Created;
use crate::error::{DirectoryError, Error, RoleError};
use crate::event::Event;
use crate::ids::*;
use crate::level::Level;
use crate::roles::{Application, Grant, Grantee, Role, RoleKind, SystemPower};
use crate::text::{Code, RoleCode, Text};
use crate::time::{Timestamp, Window};
use crate::world::{World, unchanged_refused};

impl World {
    /// Creates the built-in system roles (`adam.user_admin`, `adam.security_lead`).
    pub(super) fn plan_initialise(&self, actor: &Actor, at: Timestamp, rev: Revision) -> Result<Draft, Error> {
        self.require_full(actor, at, "initialise the system")?;
        let mut events = Vec::new();
        let mut next = self.roles.len() as u32;
        for power in SystemPower::ALL {
            if self.role_by_code(power.code()).is_ok() {
                continue;
            }
            let description = match power {
                SystemPower::UserAdmin => {
                    "User administrator: edits offices, jobs and users and switches roles on and off within an office subtree"
                }
                SystemPower::SecurityLead => "Security lead: reviews the audit trail and the registers",
            };
            events.push(Event::Role(Role {
                id: RoleId(next),
                code: RoleCode::parse("code", power.code())?,
                kind: RoleKind::System,
                app: None,
                description: Text::parse("description", description)?,
                object_level: None,
                power: Some(power),
                members: Vec::new(),
                rev,
            }));
            next += 1;
        }
        if events.is_empty() {
            return Err(Error::NoChange("the system is already initialised"));
        }
        Ok(Draft::new(events))
    }

    /// Registers an application.
    pub(super) fn plan_create_application(
        &self,
        actor: &Actor,
        code: Code,
        name: Text,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_full(actor, at, "register applications")?;
        self.code_free(&self.idx.app_code, code.as_str(), "application")?;
        let id = AppId(self.apps.len() as u32);
        Ok(Draft::new(vec![Event::Application(Application {
            id,
            code,
            name,
            writer_role: None,
            rev,
        })])
        .created(Created::Application(id)))
    }

    /// Changes an application's name and writing role.
    pub(super) fn plan_update_application(
        &self,
        actor: &Actor,
        app: AppId,
        name: Text,
        writer_role: Option<RoleId>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.application(app)?;
        self.require_full(actor, at, "change applications")?;
        if let Some(r) = writer_role
            && self.role(r)?.kind == RoleKind::System
        {
            return Err(Error::Roles(RoleError::RoleShape(
                "a system role cannot be an application's writing role",
            )));
        }
        let new = Application {
            name,
            writer_role,
            rev,
            ..old.clone()
        };
        let new = unchanged_refused(old, new, "the application already has these data")?;
        Ok(Draft::new(vec![Event::Application(new)]))
    }

    /// Creates an application or user role.
    pub(super) fn plan_create_role(
        &self,
        actor: &Actor,
        code: RoleCode,
        kind: RoleKind,
        app: Option<AppId>,
        description: Text,
        object_level: Option<Level>,
        members: Vec<RoleId>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_full(actor, at, "define roles and what they contain")?;
        self.code_free(&self.idx.role_code, code.as_str(), "role")?;
        let id = RoleId(self.roles.len() as u32);
        let members = self.checked_role_shape(id, &code, kind, app, object_level, members, &[])?;
        Ok(Draft::new(vec![Event::Role(Role {
            id,
            code,
            kind,
            app,
            description,
            object_level,
            power: None,
            members,
            rev,
        })])
        .created(Created::Role(id)))
    }

    /// Changes a role's description, application-wide level or contents.
    pub(super) fn plan_update_role(
        &self,
        actor: &Actor,
        role: RoleId,
        description: Text,
        object_level: Option<Level>,
        members: Vec<RoleId>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.role(role)?;
        self.require_full(actor, at, "define roles and what they contain")?;
        if old.kind == RoleKind::System && (!members.is_empty() || object_level.is_some()) {
            return Err(Error::Roles(RoleError::RoleShape(
                "a system role carries a power, not levels or other roles",
            )));
        }
        let members =
            self.checked_role_shape(role, &old.code, old.kind, old.app, object_level, members, &old.members)?;
        let new = Role {
            description,
            object_level,
            members,
            rev,
            ..old.clone()
        };
        let new = unchanged_refused(old, new, "the role already has these data")?;
        Ok(Draft::new(vec![Event::Role(new)]))
    }

    /// Grants a role.
    pub(super) fn plan_grant(
        &self,
        actor: &Actor,
        role: RoleId,
        grantee: Grantee,
        window: Window,
        scope: Option<OfficeId>,
        reference: Option<Text>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_grant_authority(actor, role, grantee, at)?;
        self.require_custodian_request(actor, role, reference.as_ref())?;
        self.check_grantee(grantee)?;
        if self.role(role)?.kind == RoleKind::System && matches!(grantee, Grantee::Office(_) | Grantee::Everyone) {
            return Err(Error::Roles(RoleError::RoleShape(
                "a system role is granted to a user or a job, never to an office or to everyone",
            )));
        }
        if let Some(o) = scope {
            self.office(o)?;
            if self.role(role)?.power != Some(SystemPower::UserAdmin) {
                return Err(Error::Roles(RoleError::ScopeNotApplicable));
            }
        }
        let duplicate = self
            .grants_of_role(role)
            .iter()
            .filter_map(|g| self.grant(*g).ok())
            .any(|g| g.grantee == grantee && g.window == window && g.scope == scope);
        if duplicate {
            return Err(Error::NoChange("an identical grant already exists"));
        }
        let id = GrantId(self.grants.len() as u32);
        Ok(Draft::new(vec![Event::Grant(Grant {
            id,
            role,
            grantee,
            window,
            scope,
            reference,
            rev,
        })])
        .created(Created::Grant(id)))
    }

    /// Changes a grant's window or reference.
    pub(super) fn plan_update_grant(
        &self,
        actor: &Actor,
        grant: GrantId,
        window: Window,
        reference: Option<Text>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.grant(grant)?;
        self.require_grant_authority(actor, old.role, old.grantee, at)?;
        self.require_custodian_request(actor, old.role, reference.as_ref())?;
        let new = Grant {
            window,
            reference,
            rev,
            ..old.clone()
        };
        let new = unchanged_refused(old, new, "the grant already has this window")?;
        Ok(Draft::new(vec![Event::Grant(new)]))
    }

    /// Revokes a grant.
    pub(super) fn plan_revoke(
        &self,
        actor: &Actor,
        grant: GrantId,
        at: Timestamp,
        _rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.grant(grant)?;
        self.require_grant_authority(actor, old.role, old.grantee, at)?;
        Ok(Draft::new(vec![Event::GrantRemoved(grant)]))
    }

    /// Checks that a role definition fits its kind and that its members make no cycle.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn checked_role_shape(
        &self,
        id: RoleId,
        code: &RoleCode,
        kind: RoleKind,
        app: Option<AppId>,
        object_level: Option<Level>,
        mut members: Vec<RoleId>,
        old_members: &[RoleId],
    ) -> Result<Vec<RoleId>, Error> {
        if let Some(a) = app {
            self.application(a)?;
        }
        match kind {
            RoleKind::System => {
                return Err(Error::Roles(RoleError::RoleShape(
                    "system roles are built in and cannot be created",
                )));
            }
            RoleKind::Application => {
                if app.is_none() {
                    return Err(Error::Roles(RoleError::RoleShape(
                        "an application role must name its application",
                    )));
                }
                if !members.is_empty() {
                    return Err(Error::Roles(RoleError::NotAContainer(id)));
                }
            }
            RoleKind::User => {
                if object_level.is_some() {
                    return Err(Error::Roles(RoleError::RoleShape(
                        "only application roles give a level on every object of their application",
                    )));
                }
            }
        }
        if object_level == Some(Level::None) {
            return Err(Error::Roles(RoleError::RoleShape(
                "an application-wide level must be above 0",
            )));
        }
        members.sort_unstable();
        members.dedup();
        for m in &members {
            let member = self.role(*m)?;
            if member.kind == RoleKind::System {
                return Err(Error::Roles(RoleError::SystemRoleNotNestable(*m)));
            }
            if *m == id {
                return Err(Error::Roles(RoleError::RoleCycle {
                    path: vec![code.to_string(), code.to_string()],
                }));
            }
            if !old_members.contains(m)
                && id.index() < self.roles.len()
                && let Some(path) = self.role_path(*m, id)
            {
                let mut names = vec![code.to_string()];
                names.extend(path.iter().map(|r| self.roles[r.index()].code.to_string()));
                return Err(Error::Roles(RoleError::RoleCycle { path: names }));
            }
        }
        Ok(members)
    }

    /// A path of containment from `from` down to `to`, if `to` is inside `from`.
    pub(super) fn role_path(&self, from: RoleId, to: RoleId) -> Option<Vec<RoleId>> {
        if self.role_closure(from).binary_search(&to).is_err() {
            return None;
        }
        let mut previous: rustc_hash::FxHashMap<RoleId, RoleId> = rustc_hash::FxHashMap::default();
        let mut queue = std::collections::VecDeque::from([from]);
        while let Some(r) = queue.pop_front() {
            if r == to {
                let mut path = vec![to];
                let mut cursor = to;
                while let Some(p) = previous.get(&cursor) {
                    path.push(*p);
                    cursor = *p;
                }
                path.reverse();
                return Some(path);
            }
            for m in &self.roles[r.index()].members {
                if *m != from && !previous.contains_key(m) {
                    previous.insert(*m, r);
                    queue.push_back(*m);
                }
            }
        }
        None
    }

    pub(super) fn require_grant_authority(
        &self,
        actor: &Actor,
        role: RoleId,
        grantee: Grantee,
        at: Timestamp,
    ) -> Result<(), Error> {
        if self.role(role)?.kind == RoleKind::System {
            return self.require_full(actor, at, "grant or revoke system roles");
        }
        self.require_grantee(actor, grantee, at)
    }

    pub(super) fn check_grantee(&self, grantee: Grantee) -> Result<(), Error> {
        match grantee {
            Grantee::User(u) => self.user(u).map(drop),
            Grantee::Job(j) => {
                if self.job(j)?.valid {
                    Ok(())
                } else {
                    Err(Error::Directory(DirectoryError::JobInvalid(j)))
                }
            }
            Grantee::Office(o) => {
                if self.office(o)?.valid {
                    Ok(())
                } else {
                    Err(Error::Directory(DirectoryError::OfficeInvalid(o)))
                }
            }
            Grantee::Everyone => Ok(()),
        }
    }
}
