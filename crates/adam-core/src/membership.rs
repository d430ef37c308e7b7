//! Who is an entity, and who is a colleague of one.
//!
//! These are the only definitions of membership in the engine: the decision, `lookup`, `who`
//! and `check_role` all call them, so the answers cannot drift apart.
//!
//! - A user *holds* a job when the job is listed on the user and the job is valid.
//! - A user *is in* an office when they hold a job in it or in one of its sub-offices.
//! - A user *holds* a role at `t` when a grant active at `t` gives them the role or a role
//!   containing it — directly, through a job they hold, through an office they are in, or to
//!   everyone.
//! - A user is a *colleague* of an entity when they hold a job in the same office (exactly,
//!   not a sub-office) as one of the entity's valid jobs: the job itself; the user's jobs; the
//!   jobs holding the role through a job grant, and the jobs of users holding it through a user
//!   grant; the group's jobs and its users' jobs.

use crate::acl::Entity;
use crate::directory::User;
use crate::ids::{GrantId, GroupId, JobId, OfficeId, RoleId, UserId};
use crate::records::Workflow;
use crate::roles::Grantee;
use crate::time::Timestamp;
use crate::world::World;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

/// A user with their valid jobs and those jobs' offices, gathered once per question.
#[derive(Clone, Debug)]
pub(crate) struct Principal<'w> {
    pub(crate) id: UserId,
    pub(crate) user: &'w User,
    pub(crate) jobs: SmallVec<[JobId; 4]>,
    /// `offices[i]` is the office of `jobs[i]`.
    pub(crate) offices: SmallVec<[OfficeId; 4]>,
}

/// Whether a user matched as the entity itself or as a colleague.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Matched {
    /// The user is the entity: the entry's value applies.
    Value,
    /// The user works in the same office as the entity's job(s): the group value applies.
    Group,
}

/// Why a user matches an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum Membership {
    /// Everyone matches `Company.main`.
    Everyone,
    /// The user is the entity.
    IsUser,
    /// The user holds the job.
    HoldsJob {
        /// The job.
        job: JobId,
    },
    /// The user holds a job inside the office's subtree.
    InOffice {
        /// The entity's office.
        office: OfficeId,
        /// The user's job inside it.
        job: JobId,
    },
    /// The user holds the role through a grant.
    HoldsRole {
        /// The role asked about.
        role: RoleId,
        /// The grant that gives it (possibly of a role containing it).
        grant: GrantId,
    },
    /// The user, or a job they hold, is in the group.
    InGroup {
        /// The group.
        group: GroupId,
    },
    /// The user works in the office of the entity's job.
    JobColleague {
        /// The entity's job.
        job: JobId,
        /// The shared office.
        office: OfficeId,
    },
    /// The user works in an office of the entity user's jobs.
    UserColleague {
        /// The entity's user.
        user: UserId,
        /// The shared office.
        office: OfficeId,
    },
    /// The user works in the office of a holder of the role.
    RoleColleague {
        /// The role.
        role: RoleId,
        /// The grant that makes the colleague a holder.
        grant: GrantId,
        /// The shared office.
        office: OfficeId,
    },
    /// The user works in the office of a member of the group.
    GroupColleague {
        /// The group.
        group: GroupId,
        /// The shared office.
        office: OfficeId,
    },
}

/// An entity with its dynamic part resolved against a carrier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Everyone,
    Office(OfficeId),
    Job(JobId),
    User(UserId),
    Role(RoleId),
    Group(GroupId),
    Nobody,
}

impl World {
    /// Gathers a user's valid jobs and offices.
    pub(crate) fn principal(&self, id: UserId) -> Option<Principal<'_>> {
        let user = self.users.get(id.index())?;
        let mut jobs = SmallVec::new();
        let mut offices = SmallVec::new();
        for j in &user.jobs {
            if let Some(job) = self.jobs.get(j.index())
                && job.valid
            {
                jobs.push(*j);
                offices.push(job.office);
            }
        }
        Some(Principal {
            id,
            user,
            jobs,
            offices,
        })
    }

    /// Resolves an entity against the workflow attributes of the object carrying it.
    #[inline]
    pub(crate) fn resolve(&self, entity: Entity, workflow: Option<&Workflow>) -> Target {
        let job = |j: Option<JobId>| j.map_or(Target::Nobody, Target::Job);
        match entity {
            Entity::Company => Target::Everyone,
            Entity::Office(o) => Target::Office(o),
            Entity::Job(j) => Target::Job(j),
            Entity::User(u) => Target::User(u),
            Entity::Role(r) => Target::Role(r),
            Entity::Group(g) => Target::Group(g),
            Entity::DistMain => self.settings.dist_main_role.map_or(Target::Nobody, Target::Role),
            Entity::Creator => job(workflow.map(|w| w.creator.job)),
            Entity::Responsible => job(workflow.and_then(|w| w.responsible)),
            Entity::Sender => job(workflow.and_then(|w| w.sender)),
            Entity::Recipient => job(workflow.and_then(|w| w.recipient)),
        }
    }

    /// Whether and how the principal is the target. With `want_group` false, colleagues are
    /// not looked for (the caller has no use for a group match).
    #[inline]
    pub(crate) fn match_target(
        &self,
        p: &Principal<'_>,
        target: Target,
        at: Timestamp,
        want_group: bool,
    ) -> Option<(Matched, Membership)> {
        match target {
            Target::Nobody => None,
            Target::Everyone => Some((Matched::Value, Membership::Everyone)),
            Target::Office(office) => self
                .in_office(p, office)
                .map(|job| (Matched::Value, Membership::InOffice { office, job })),
            Target::Job(job) => {
                if p.jobs.contains(&job) {
                    return Some((Matched::Value, Membership::HoldsJob { job }));
                }
                if !want_group {
                    return None;
                }
                let office = self.jobs.get(job.index())?.office;
                p.offices
                    .contains(&office)
                    .then_some((Matched::Group, Membership::JobColleague { job, office }))
            }
            Target::User(user) => {
                if p.id == user {
                    return Some((Matched::Value, Membership::IsUser));
                }
                if !want_group {
                    return None;
                }
                let office = self.shared_office_with_user(p, user)?;
                Some((Matched::Group, Membership::UserColleague { user, office }))
            }
            Target::Role(role) => {
                if let Some(grant) = self.holds_role(p, role, at) {
                    return Some((Matched::Value, Membership::HoldsRole { role, grant }));
                }
                if !want_group {
                    return None;
                }
                let (grant, office) = self.role_colleague(p, role, at)?;
                Some((Matched::Group, Membership::RoleColleague { role, grant, office }))
            }
            Target::Group(group) => {
                if self.in_group(p, group) {
                    return Some((Matched::Value, Membership::InGroup { group }));
                }
                if !want_group {
                    return None;
                }
                let office = self.group_colleague(p, group)?;
                Some((Matched::Group, Membership::GroupColleague { group, office }))
            }
        }
    }

    /// The principal's job inside the office's subtree, if any.
    #[inline]
    pub(crate) fn in_office(&self, p: &Principal<'_>, office: OfficeId) -> Option<JobId> {
        p.jobs
            .iter()
            .zip(&p.offices)
            .find(|(_, o)| self.office_within(**o, office))
            .map(|(j, _)| *j)
    }

    /// An office shared between the principal and one of `user`'s valid jobs.
    pub(crate) fn shared_office_with_user(&self, p: &Principal<'_>, user: UserId) -> Option<OfficeId> {
        let other = self.users.get(user.index())?;
        other.jobs.iter().find_map(|j| {
            let job = self.jobs.get(j.index())?;
            (job.valid && p.offices.contains(&job.office)).then_some(job.office)
        })
    }

    /// The active grant through which the principal holds `role` at `at`.
    #[inline]
    pub(crate) fn holds_role(&self, p: &Principal<'_>, role: RoleId, at: Timestamp) -> Option<GrantId> {
        let gives = |g: &GrantId| -> bool {
            match self.grants.get(g.index()) {
                Some(Some(grant)) => {
                    grant.window.contains(at)
                        && (grant.role == role || self.idx.role_down[grant.role.index()].binary_search(&role).is_ok())
                }
                _ => false,
            }
        };
        let search = |list: &[GrantId]| list.iter().find(|g| gives(g)).copied();
        if let Some(g) = search(&self.idx.grants_of_user[p.id.index()]) {
            return Some(g);
        }
        for j in &p.jobs {
            if let Some(g) = search(&self.idx.grants_of_job[j.index()]) {
                return Some(g);
            }
        }
        for o in &p.offices {
            let mut cursor = Some(*o);
            let mut steps = 0;
            while let Some(office) = cursor {
                if let Some(g) = search(&self.idx.grants_of_office[office.index()]) {
                    return Some(g);
                }
                steps += 1;
                if steps > self.offices.len() {
                    break;
                }
                cursor = self.offices[office.index()].parent;
            }
        }
        search(&self.idx.grants_of_everyone)
    }

    /// A grant making a colleague of the principal a holder of `role` at `at`, and the office
    /// they share. Only job and user grants count: everyone reached by an office or
    /// organisation-wide grant holds the role themselves.
    pub(crate) fn role_colleague(&self, p: &Principal<'_>, role: RoleId, at: Timestamp) -> Option<(GrantId, OfficeId)> {
        if p.offices.is_empty() {
            return None;
        }
        for container in &self.idx.role_up[role.index()] {
            for g in &self.idx.grants_of_role[container.index()] {
                let Some(Some(grant)) = self.grants.get(g.index()) else {
                    continue;
                };
                if !grant.window.contains(at) {
                    continue;
                }
                let office = match grant.grantee {
                    Grantee::Job(j) => self
                        .jobs
                        .get(j.index())
                        .filter(|job| job.valid && p.offices.contains(&job.office))
                        .map(|job| job.office),
                    Grantee::User(u) => self
                        .users
                        .get(u.index())
                        .filter(|user| user.active)
                        .and_then(|_| self.shared_office_with_user(p, u)),
                    Grantee::Office(_) | Grantee::Everyone => None,
                };
                if let Some(office) = office {
                    return Some((*g, office));
                }
            }
        }
        None
    }

    /// Whether the principal, or a job they hold, is in the group.
    pub(crate) fn in_group(&self, p: &Principal<'_>, group: GroupId) -> bool {
        self.groups.get(group.index()).is_some_and(|g| {
            g.users.binary_search(&p.id).is_ok() || p.jobs.iter().any(|j| g.jobs.binary_search(j).is_ok())
        })
    }

    /// An office shared between the principal and a member of the group.
    pub(crate) fn group_colleague(&self, p: &Principal<'_>, group: GroupId) -> Option<OfficeId> {
        let g = self.groups.get(group.index())?;
        let by_job = g.jobs.iter().find_map(|j| {
            let job = self.jobs.get(j.index())?;
            (job.valid && p.offices.contains(&job.office)).then_some(job.office)
        });
        by_job.or_else(|| g.users.iter().find_map(|u| self.shared_office_with_user(p, *u)))
    }
}
