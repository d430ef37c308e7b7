//! Who may change the directory, the roles and the filing plan (SPEC §2, 004 §2.2, §3).
//!
//! - [`Actor::System`] is the operator at the console (`adam init`, imports, the demo): it may
//!   do every administrative act. It never acts on folders or documents.
//! - An `admin` account is the operator's system administrator: every administrative act,
//!   no view of any document.
//! - A user administrator holds the `adam.user_admin` system role; each such grant is limited
//!   to an office subtree (its scope) or the whole organisation. Within scope they create and
//!   edit offices, jobs and `user` accounts, assign jobs, and switch application and user
//!   roles on and off for users, jobs and offices. They cannot change what a role contains,
//!   register applications, grant system roles, grant to everyone, or change their own rights.
//! - Everyone else may only browse.

use crate::decision::Session;
use crate::directory::AccountKind;
use crate::error::Error;
use crate::ids::{JobId, OfficeId, UserId};
use crate::membership::Principal;
use crate::roles::{Grantee, SystemPower};
use crate::time::Timestamp;
use crate::world::World;
use serde::{Deserialize, Serialize};

/// Who is making a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Actor {
    /// The operator at the console or the system itself (bootstrap, import, demo).
    System,
    /// A signed-in account.
    User {
        /// The account.
        user: UserId,
        /// The job they act in, when they hold several.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        job: Option<JobId>,
        /// Their session.
        #[serde(default)]
        session: Session,
    },
}

impl Actor {
    /// A user acting with a multi-factor session, in whichever job fits.
    pub fn user(user: UserId) -> Actor {
        Actor::User {
            user,
            job: None,
            session: Session::MFA,
        }
    }

    /// A user acting in a given job with a multi-factor session.
    pub fn in_job(user: UserId, job: JobId) -> Actor {
        Actor::User {
            user,
            job: Some(job),
            session: Session::MFA,
        }
    }

    /// The account, if a person or service account acts.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::System => None,
            Actor::User { user, .. } => Some(*user),
        }
    }
}

/// What an actor may administer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Authority {
    /// Everything (the console, or an `admin` account).
    Full,
    /// User administration within these scopes (`None` = the whole organisation).
    UserAdmin(Vec<Option<OfficeId>>),
    /// Browsing only.
    Browse,
}

impl World {
    /// What the actor may administer at `at`.
    pub fn authority(&self, actor: &Actor, at: Timestamp) -> Result<Authority, Error> {
        let (user, _, _) = match actor {
            Actor::System => return Ok(Authority::Full),
            Actor::User { user, job, session } => (*user, *job, *session),
        };
        let p = self.principal(user).ok_or(Error::UnknownUser(user))?;
        if !p.user.active {
            return Err(Error::ActorInactive);
        }
        if p.user.kind == AccountKind::Admin {
            return Ok(Authority::Full);
        }
        let scopes = self.user_admin_scopes(&p, at);
        Ok(if scopes.is_empty() {
            Authority::Browse
        } else {
            Authority::UserAdmin(scopes)
        })
    }

    /// The scopes of every active user-administrator grant the principal holds.
    fn user_admin_scopes(&self, p: &Principal<'_>, at: Timestamp) -> Vec<Option<OfficeId>> {
        let Ok(role) = self.role_by_code(SystemPower::UserAdmin.code()) else {
            return Vec::new();
        };
        let mut scopes = Vec::new();
        let mut consider = |list: &[crate::ids::GrantId]| {
            for g in list {
                if let Ok(grant) = self.grant(*g)
                    && grant.role == role
                    && grant.window.contains(at)
                {
                    scopes.push(grant.scope);
                }
            }
        };
        consider(self.grants_of_user(p.id));
        for j in &p.jobs {
            consider(self.grants_of_job(*j));
        }
        scopes
    }

    /// Requires the system administrator (or the console).
    pub(crate) fn require_full(&self, actor: &Actor, at: Timestamp, what: &'static str) -> Result<(), Error> {
        match self.authority(actor, at)? {
            Authority::Full => Ok(()),
            Authority::UserAdmin(_) => Err(Error::SystemAdministratorOnly(what)),
            Authority::Browse => Err(Error::SystemAdministratorOnly(what)),
        }
    }

    /// Requires authority over an office (`None` = the organisation root).
    pub fn require_office(&self, actor: &Actor, office: Option<OfficeId>, at: Timestamp) -> Result<(), Error> {
        match self.authority(actor, at)? {
            Authority::Full => Ok(()),
            Authority::Browse => Err(Error::NotAnAdministrator),
            Authority::UserAdmin(scopes) => {
                let covered = scopes.iter().any(|scope| match (scope, office) {
                    (None, _) => true,
                    (Some(s), Some(o)) => self.office_within(o, *s),
                    (Some(_), None) => false,
                });
                if covered {
                    Ok(())
                } else {
                    Err(Error::OutsideScope(match office {
                        Some(o) => self
                            .office(o)
                            .map_or_else(|_| o.to_string(), |r| format!("office {}", r.code)),
                        None => "the organisation root".to_owned(),
                    }))
                }
            }
        }
    }

    /// Requires authority over a job's office.
    pub fn require_job(&self, actor: &Actor, job: JobId, at: Timestamp) -> Result<(), Error> {
        let office = self.job(job)?.office;
        self.require_office(actor, Some(office), at)
    }

    /// Requires authority over a user account: a user administrator manages `user` accounts
    /// holding at least one job inside their scope, or holding no job yet (newly created).
    pub fn require_user(&self, actor: &Actor, user: UserId, at: Timestamp) -> Result<(), Error> {
        let authority = self.authority(actor, at)?;
        if authority == Authority::Full {
            return Ok(());
        }
        let target = self.user(user)?;
        if target.kind != AccountKind::User {
            return Err(Error::SystemAdministratorOnly("manage admin and service accounts"));
        }
        if target.jobs.is_empty() {
            return match authority {
                Authority::UserAdmin(_) => Ok(()),
                _ => Err(Error::NotAnAdministrator),
            };
        }
        let mut last = Error::NotAnAdministrator;
        for j in &target.jobs {
            match self.require_job(actor, *j, at) {
                Ok(()) => return Ok(()),
                Err(e) => last = e,
            }
        }
        Err(match last {
            Error::OutsideScope(_) => Error::OutsideScope(format!("user {}", target.username)),
            other => other,
        })
    }

    /// Requires authority over a grantee, and refuses changes to one's own rights.
    pub fn require_grantee(&self, actor: &Actor, grantee: Grantee, at: Timestamp) -> Result<(), Error> {
        if self.authority(actor, at)? == Authority::Full {
            return Ok(());
        }
        if let Actor::User { user, .. } = actor {
            let me = self.user(*user)?;
            let own = match grantee {
                Grantee::User(u) => u == *user,
                Grantee::Job(j) => me.jobs.contains(&j),
                Grantee::Office(_) | Grantee::Everyone => false,
            };
            if own {
                return Err(Error::SelfGrant);
            }
        }
        match grantee {
            Grantee::User(u) => self.require_user(actor, u, at),
            Grantee::Job(j) => self.require_job(actor, j, at),
            Grantee::Office(o) => self.require_office(actor, Some(o), at),
            Grantee::Everyone => Err(Error::SystemAdministratorOnly("grant a role to everyone")),
        }
    }
}
