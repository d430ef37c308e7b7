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
//! - Nobody gains through administration what they were not given (issue 12, `docs/SECURITY.md`):
//!   a user administrator never acts on their own account, a job they hold or the office they
//!   work in (a grant to any of these is a grant to themselves); manages only accounts whose
//!   every job is inside their scope; and never an account — nor fills a job — that holds or
//!   awaits administrative power they lack ([`Power::dominates`]): whoever can set a password
//!   can become that account.
//! - The operator's system administrator never sets the credentials of a person with rights
//!   ([`World::require_credentials`]): they administer the system, they do not act as anyone.
//! - Everyone else may only browse.

use crate::command::Command;
use crate::decision::Session;
use crate::directory::AccountKind;
use crate::error::{AuthorityError, DirectoryError, Error};
use crate::event::Event;
use crate::ids::{GrantId, JobId, OfficeId, UserId};
use crate::membership::Principal;
use crate::roles::{Grant, Grantee, SystemPower};
use crate::time::{Timestamp, WindowStatus};
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
        let p = self
            .principal(user)
            .ok_or(Error::Directory(DirectoryError::UnknownUser(user)))?;
        if !p.user.active {
            return Err(Error::Authority(AuthorityError::ActorInactive));
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
            Authority::UserAdmin(_) => Err(Error::Authority(AuthorityError::SystemAdministratorOnly(what))),
            Authority::Browse => Err(Error::Authority(AuthorityError::SystemAdministratorOnly(what))),
        }
    }

    /// Requires authority over an office (`None` = the organisation root).
    pub fn require_office(&self, actor: &Actor, office: Option<OfficeId>, at: Timestamp) -> Result<(), Error> {
        match self.authority(actor, at)? {
            Authority::Full => Ok(()),
            Authority::Browse => Err(Error::Authority(AuthorityError::NotAnAdministrator)),
            Authority::UserAdmin(scopes) => {
                if self.scopes_cover(&scopes, office) {
                    Ok(())
                } else {
                    Err(Error::Authority(AuthorityError::OutsideScope(match office {
                        Some(o) => self
                            .office(o)
                            .map_or_else(|_| o.to_string(), |r| format!("office {}", r.code)),
                        None => "the organisation root".to_owned(),
                    })))
                }
            }
        }
    }

    /// Whether user-administrator scopes cover an office (`None` = the organisation root).
    fn scopes_cover(&self, scopes: &[Option<OfficeId>], office: Option<OfficeId>) -> bool {
        scopes.iter().any(|scope| match (scope, office) {
            (None, _) => true,
            (Some(s), Some(o)) => self.office_within(o, *s),
            (Some(_), None) => false,
        })
    }

    /// Requires authority over a job's office.
    pub fn require_job(&self, actor: &Actor, job: JobId, at: Timestamp) -> Result<(), Error> {
        let office = self.job(job)?.office;
        self.require_office(actor, Some(office), at)
    }

    /// Requires authority to put someone into a job: authority over its office, and the job
    /// carries no administrative power the actor lacks (whoever fills it would hold it, and the
    /// actor manages whoever fills it).
    pub fn require_job_to_fill(&self, actor: &Actor, job: JobId, at: Timestamp) -> Result<(), Error> {
        self.require_job(actor, job, at)?;
        let mine = self.power_of_actor(actor, at)?;
        if mine.dominates(&self.power_of_job(job, at), self) {
            Ok(())
        } else {
            Err(Error::Authority(AuthorityError::BeyondOwnPower(
                self.job(job)
                    .map_or_else(|_| job.to_string(), |j| format!("job {}", j.code)),
            )))
        }
    }

    /// Requires authority over a user account (editing it, its jobs, its active state, a
    /// temporary password, unlocking it). The system administrator manages every account. A
    /// user administrator manages a `user` account only when
    /// - it is not their own (nobody administers their own rights),
    /// - every job it holds is inside their scope (it holds no rights outside it), or it holds
    ///   no job and no role of its own (a blank account being set up) or they administer the
    ///   whole organisation,
    /// - and it holds or awaits no administrative power they lack: taking it over would give
    ///   them that power.
    pub fn require_user(&self, actor: &Actor, user: UserId, at: Timestamp) -> Result<(), Error> {
        let scopes = match self.authority(actor, at)? {
            Authority::Full => return Ok(()),
            Authority::Browse => return Err(Error::Authority(AuthorityError::NotAnAdministrator)),
            Authority::UserAdmin(scopes) => scopes,
        };
        let target = self.user(user)?;
        if target.kind != AccountKind::User {
            return Err(Error::Authority(AuthorityError::SystemAdministratorOnly(
                "manage admin and service accounts",
            )));
        }
        if actor.user_id() == Some(user) {
            return Err(Error::Authority(AuthorityError::SelfAdministration(
                "administer your own account",
            )));
        }
        let outside = if target.jobs.is_empty() {
            !scopes.contains(&None) && self.holds_own_grants(user, at)
        } else {
            target.jobs.iter().any(|j| {
                self.job(*j)
                    .map_or(true, |job| !self.scopes_cover(&scopes, Some(job.office)))
            })
        };
        if outside {
            return Err(Error::Authority(AuthorityError::OutsideScope(format!(
                "user {}",
                target.username
            ))));
        }
        let mine = self.power_of_actor(actor, at)?;
        if !mine.dominates(&self.power_of_user(user, at), self) {
            return Err(Error::Authority(AuthorityError::BeyondOwnPower(format!(
                "user {}",
                target.username
            ))));
        }
        Ok(())
    }

    /// Requires authority to set a person's credentials or the address their password resets
    /// go to (a temporary password, the e-mail address): whoever does that can sign in as them.
    /// A user administrator needs [`World::require_user`]; the operator's system administrator
    /// may do it for `admin` and service accounts and for a `user` account that holds no job
    /// and no role yet (one being set up), never for a person with rights — the operator's
    /// administrator never acts as, or reads as, another person. The console may.
    pub fn require_credentials(&self, actor: &Actor, user: UserId, at: Timestamp) -> Result<(), Error> {
        match self.authority(actor, at)? {
            Authority::Full => {
                let target = self.user(user)?;
                let person_with_rights = matches!(actor, Actor::User { .. })
                    && target.kind == AccountKind::User
                    && actor.user_id() != Some(user)
                    && (!target.jobs.is_empty() || self.holds_own_grants(user, at));
                if person_with_rights {
                    Err(Error::Authority(AuthorityError::NotAsAnotherPerson(format!(
                        "user {}",
                        target.username
                    ))))
                } else {
                    Ok(())
                }
            }
            _ => self.require_user(actor, user, at),
        }
    }

    /// Requires authority over a grantee, and refuses changes to one's own rights: a grant to
    /// oneself, to a job one holds, or to an office one works in (or an office above it: an
    /// office grant reaches its whole subtree) is a grant to oneself.
    pub fn require_grantee(&self, actor: &Actor, grantee: Grantee, at: Timestamp) -> Result<(), Error> {
        if self.authority(actor, at)? == Authority::Full {
            return Ok(());
        }
        if let Actor::User { user, .. } = actor {
            let me = self.user(*user)?;
            let own = match grantee {
                Grantee::User(u) => u == *user,
                Grantee::Job(j) => me.jobs.contains(&j),
                Grantee::Office(o) => me
                    .jobs
                    .iter()
                    .any(|j| self.job(*j).is_ok_and(|job| self.office_within(job.office, o))),
                Grantee::Everyone => false,
            };
            if own {
                return Err(Error::Authority(AuthorityError::SelfGrant));
            }
        }
        match grantee {
            Grantee::User(u) => self.require_user(actor, u, at),
            Grantee::Job(j) => self.require_job(actor, j, at),
            Grantee::Office(o) => self.require_office(actor, Some(o), at),
            Grantee::Everyone => Err(Error::Authority(AuthorityError::SystemAdministratorOnly(
                "grant a role to everyone",
            ))),
        }
    }

    /// Whether the account holds a role through a grant made to it directly (not to a job or
    /// office), now or later.
    fn holds_own_grants(&self, user: UserId, at: Timestamp) -> bool {
        self.grants_of_user(user).iter().any(|g| {
            self.grant(*g)
                .is_ok_and(|grant| grant.window.status(at) != WindowStatus::Expired)
        })
    }

    /// The administrative power the actor holds now.
    pub fn power_of_actor(&self, actor: &Actor, at: Timestamp) -> Result<Power, Error> {
        Ok(match self.authority(actor, at)? {
            Authority::Full => Power {
                full: true,
                ..Power::default()
            },
            Authority::Browse => Power::default(),
            Authority::UserAdmin(scopes) => Power {
                full: false,
                user_admin: scopes,
                security_lead: match (actor.user_id(), self.role_by_code(SystemPower::SecurityLead.code())) {
                    (Some(u), Ok(role)) => self.check_role(u, role, at)?.is_some(),
                    _ => false,
                },
            },
        })
    }

    /// The administrative power an account holds or awaits (grants not yet expired, also on
    /// jobs it holds that are invalid now: they can be made valid again): what whoever takes
    /// it over would gain.
    pub fn power_of_user(&self, user: UserId, at: Timestamp) -> Power {
        let Ok(u) = self.user(user) else {
            return Power::default();
        };
        let mut power = Power {
            full: u.kind == AccountKind::Admin,
            ..Power::default()
        };
        self.add_power(self.grants_of_user(user), at, true, &mut power);
        for j in &u.jobs {
            power.absorb(self.power_of_job(*j, at));
        }
        // Security-lead grants to everyone reach the account too (their own index, no scan).
        self.add_power(self.grants_of_everyone(), at, false, &mut power);
        power
    }

    /// The administrative power whoever holds the job gains through it: user-administrator
    /// grants to the job, and security-lead grants to the job or to an office above it.
    pub fn power_of_job(&self, job: JobId, at: Timestamp) -> Power {
        let mut power = Power::default();
        let Ok(j) = self.job(job) else {
            return power;
        };
        self.add_power(self.grants_of_job(job), at, true, &mut power);
        let mut cursor = Some(j.office);
        let mut steps = 0;
        while let Some(o) = cursor {
            self.add_power(self.grants_of_office(o), at, false, &mut power);
            steps += 1;
            if steps > self.offices().len() {
                break;
            }
            cursor = self.office(o).ok().and_then(|office| office.parent);
        }
        power
    }

    /// Adds what a list of grants gives (user-administrator scopes only where `user_admin`:
    /// an office grant of that role is not honoured by [`World::authority`]).
    fn add_power(&self, grants: &[GrantId], at: Timestamp, user_admin: bool, power: &mut Power) {
        for g in grants {
            let Ok(grant) = self.grant(*g) else { continue };
            if user_admin && self.gives_power(grant, SystemPower::UserAdmin, at) {
                power.user_admin.push(grant.scope);
            }
            if self.gives_power(grant, SystemPower::SecurityLead, at) {
                power.security_lead = true;
            }
        }
    }

    /// Whether a grant gives a system power now or later.
    fn gives_power(&self, grant: &Grant, power: SystemPower, at: Timestamp) -> bool {
        grant.window.status(at) != WindowStatus::Expired
            && self.role(grant.role).is_ok_and(|r| {
                r.power == Some(power)
                    || self
                        .role_closure(grant.role)
                        .iter()
                        .any(|m| self.role(*m).is_ok_and(|r| r.power == Some(power)))
            })
    }
}

/// Administrative power: what an account may do to the directory and the trail, and so what
/// whoever controls it could do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Power {
    /// Everything (an `admin` account or the console).
    pub full: bool,
    /// User administration over these scopes (`None` = the whole organisation).
    pub user_admin: Vec<Option<OfficeId>>,
    /// The security lead's review of the whole organisation.
    pub security_lead: bool,
}

impl Power {
    /// Whether this power includes all of `other`'s.
    pub fn dominates(&self, other: &Power, world: &World) -> bool {
        if self.full {
            return true;
        }
        if other.full || (other.security_lead && !self.security_lead) {
            return false;
        }
        other
            .user_admin
            .iter()
            .all(|scope| world.scopes_cover(&self.user_admin, *scope))
    }

    fn absorb(&mut self, other: Power) {
        self.full |= other.full;
        self.security_lead |= other.security_lead;
        self.user_admin.extend(other.user_admin);
    }

    /// No administrative power at all.
    pub fn is_none(&self) -> bool {
        !self.full && !self.security_lead && self.user_admin.is_empty()
    }
}

impl World {
    /// Whether a user administrator (not the system administrator) holds a job matching `is`.
    pub(crate) fn acts_from(&self, actor: &Actor, is: impl Fn(JobId) -> bool) -> bool {
        let Actor::User { user, .. } = actor else {
            return false;
        };
        let Ok(me) = self.user(*user) else {
            return false;
        };
        me.kind == AccountKind::User && me.jobs.iter().any(|j| is(*j))
    }
}

/// Nobody can lock the organisation out (SPEC §3): a change that would leave no active
/// account able to administer users — where there was one — is refused, whichever way it
/// removes the last one (taking a job, deactivating, invalidating a job, revoking or
/// shortening a grant). The check is exact (the change's events are applied to a copy and the
/// administrators counted again) but the copy is made only when every administrator is among
/// those the change touches, so an ordinary change costs one look-up of the
/// user-administrator grants.
impl World {
    /// The active accounts able to administer users at `at`: `admin` accounts, and holders
    /// of the user administrator's role (directly, or through a valid job), in id order.
    pub fn user_administrators(&self, at: Timestamp) -> Vec<UserId> {
        let mut candidates: Vec<UserId> = self
            .users()
            .iter()
            .filter(|u| u.active && u.kind == AccountKind::Admin)
            .map(|u| u.id)
            .collect();
        if let Ok(role) = self.role_by_code(SystemPower::UserAdmin.code()) {
            for grant in self.grants_of_role(role).iter().filter_map(|g| self.grant(*g).ok()) {
                if !grant.window.contains(at) {
                    continue;
                }
                match grant.grantee {
                    Grantee::User(u) => candidates.push(u),
                    Grantee::Job(j) => candidates.extend_from_slice(self.job_occupants(j)),
                    Grantee::Office(_) | Grantee::Everyone => {}
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|u| {
            matches!(
                self.authority(&Actor::user(*u), at),
                Ok(Authority::Full | Authority::UserAdmin(_))
            )
        });
        candidates
    }

    /// The accounts whose administrative rights a command may take away (`None`: it may
    /// touch anyone's), or `Some(empty)` when it cannot take any away.
    fn may_disempower(&self, command: &Command) -> Option<Vec<UserId>> {
        let occupants = |j: JobId| self.job_occupants(j).to_vec();
        let of_grant = |g: GrantId| match self.grant(g).map(|g| g.grantee) {
            Ok(Grantee::User(u)) => Some(vec![u]),
            Ok(Grantee::Job(j)) => Some(occupants(j)),
            Ok(Grantee::Office(_) | Grantee::Everyone) => None,
            Err(_) => Some(Vec::new()),
        };
        match command {
            Command::UnassignJob { user, .. } | Command::SetUserActive { user, active: false } => Some(vec![*user]),
            Command::SetJobValid { job, valid: false } => Some(occupants(*job)),
            Command::Revoke { grant } | Command::UpdateGrant { grant, .. } => of_grant(*grant),
            Command::UpdateRole { role, .. } => {
                let reaches_power = self
                    .role_closure(*role)
                    .iter()
                    .any(|r| self.role(*r).is_ok_and(|r| r.power == Some(SystemPower::UserAdmin)));
                if reaches_power { None } else { Some(Vec::new()) }
            }
            _ => Some(Vec::new()),
        }
    }

    /// Refuses the events of a planned command when they would leave no active user
    /// administrator at `at` where there was one.
    pub(crate) fn keeps_a_user_administrator(
        &self,
        command: &Command,
        events: &[Event],
        at: Timestamp,
    ) -> Result<(), Error> {
        let touched = self.may_disempower(command);
        if touched.as_ref().is_some_and(Vec::is_empty) {
            return Ok(());
        }
        let before = self.user_administrators(at);
        if before.is_empty() {
            return Ok(());
        }
        if let Some(touched) = &touched
            && before.iter().any(|u| !touched.contains(u))
        {
            return Ok(());
        }
        let mut after = self.clone();
        for event in events {
            after.apply(event.clone())?;
        }
        if after.user_administrators(at).is_empty() {
            let names: Vec<String> = before
                .iter()
                .map(|u| self.user(*u).map_or_else(|_| u.to_string(), |u| u.username.to_string()))
                .collect();
            return Err(Error::Directory(DirectoryError::LastUserAdministrator(
                names.join(", "),
            )));
        }
        Ok(())
    }

    /// What a command would do to the actor's own administrative rights: whether, once it is
    /// made, the actor (a person) could no longer administer users. The UI warns before such
    /// a change and asks for a confirmation. Planning refusals are passed on.
    pub fn would_disempower_actor(&self, actor: &Actor, command: &Command, at: Timestamp) -> Result<bool, Error> {
        let plan = self.plan(actor, command.clone(), at)?;
        let Some(me) = actor.user_id() else {
            return Ok(false);
        };
        if !self.user_administrators(at).contains(&me) {
            return Ok(false);
        }
        let touched = self.may_disempower(command);
        if touched.as_ref().is_some_and(|t| !t.contains(&me)) {
            return Ok(false);
        }
        let mut after = self.clone();
        after.commit(plan)?;
        Ok(!after.user_administrators(at).contains(&me))
    }
}
