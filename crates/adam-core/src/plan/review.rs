//! Planning access reviews and the follow-ups of job changes (Decree Art. 51(1), 51(4)).
//!
//! A campaign lists, at its start, every grant giving a role of the system's application —
//! directly or through a user role that contains one — whoever it is granted to. Its reviewer is
//! the system's custodian, the only one who decides in it. A revocation is the removal of the
//! grant planned in the same change as the decision, so the right ends the moment the decision
//! is recorded; the grant's removal carries the campaign's reference in the audit trail.
//!
//! A follow-up is not asked for: [`World::follow_ups_of`] adds one to any change that removes a
//! person from a job or deactivates them while they still hold direct grants, so the list of
//! rights to look at exists from that very revision (Art. 51(4): "without delay").

use super::Draft;
use crate::admin::Actor;
use crate::calendar::LocalDate;
use crate::command::Created;
use crate::error::{Error, RegisterError};
use crate::event::Event;
use crate::ids::*;
use crate::register::review::{AccessReview, Cause, Decision, FollowUp, Outcome, ReviewLine, Under};
use crate::roles::{Grantee, RoleKind};
use crate::text::Text;
use crate::time::Timestamp;
use crate::world::World;

impl World {
    /// The grants that give a role of `app`, directly or through a containing role, in id
    /// order (system roles excluded: they are ADAM's own, reviewed by its administrators).
    pub fn grants_reaching(&self, app: AppId) -> Vec<GrantId> {
        let mut out: Vec<GrantId> = self
            .roles()
            .iter()
            .filter(|r| r.app == Some(app) && r.kind == RoleKind::Application)
            .flat_map(|r| self.role_containers(r.id).iter())
            .flat_map(|c| self.grants_of_role(*c).iter().copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub(super) fn plan_start_review(
        &self,
        actor: &Actor,
        system: ItemId,
        due: LocalDate,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let item = self.item(system)?;
        let custodian = actor.user_id() == Some(item.fields.custodian);
        if !custodian && !self.keeps_registers(actor, at)? {
            return Err(Error::Register(RegisterError::NotItemKeeper {
                item: system,
                custodian: item.fields.custodian,
            }));
        }
        if item.retired {
            return Err(Error::Register(RegisterError::ItemRetired(system)));
        }
        let app = item
            .fields
            .application
            .ok_or(Error::Register(RegisterError::NoApplication(system)))?;
        let lines = self
            .grants_reaching(app)
            .into_iter()
            .filter_map(|g| self.grant(g).ok())
            .map(|g| ReviewLine {
                grant: g.id,
                role: g.role,
                grantee: g.grantee,
                decision: None,
            })
            .collect();
        let id = ReviewId(u32::try_from(self.reg.reviews.len()).unwrap_or(u32::MAX));
        Ok(Draft::new(vec![Event::Review(AccessReview {
            id,
            system,
            reviewer: item.fields.custodian,
            due,
            started_by: actor.user_id(),
            started_at: at,
            lines,
            completed_at: None,
            attachments: Vec::new(),
            rev,
        })])
        .created(Created::Review(id)))
    }

    pub(super) fn plan_decide(
        &self,
        actor: &Actor,
        under: Under,
        grant: GrantId,
        outcome: Outcome,
        comment: Option<Text>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let by = actor.user_id();
        let decision = |by: UserId| Decision {
            outcome,
            by,
            at,
            comment: comment.clone(),
        };
        let decide = |lines: &[ReviewLine]| -> Result<Vec<ReviewLine>, Error> {
            let mut lines = lines.to_vec();
            let line = lines
                .iter_mut()
                .find(|l| l.grant == grant)
                .ok_or(Error::Register(RegisterError::NotUnderReview(grant)))?;
            if line.decision.is_some() {
                return Err(Error::Register(RegisterError::AlreadyDecided(grant)));
            }
            line.decision = by.map(decision);
            Ok(lines)
        };
        let mut events = Vec::new();
        match under {
            Under::Review(id) => {
                let old = self.access_review(id)?;
                self.authority(actor, at)?;
                if by != Some(old.reviewer) {
                    return Err(Error::Register(RegisterError::NotReviewer { reviewer: old.reviewer }));
                }
                let lines = decide(&old.lines)?;
                let complete = lines.iter().all(|l| l.decision.is_some());
                events.push(Event::Review(AccessReview {
                    lines,
                    completed_at: complete.then_some(at),
                    rev,
                    ..old.clone()
                }));
            }
            Under::FollowUp(id) => {
                let old = self.follow_up(id)?;
                let line = old
                    .lines
                    .iter()
                    .find(|l| l.grant == grant)
                    .ok_or(Error::Register(RegisterError::NotUnderReview(grant)))?;
                if !self.concerned(actor, line.role, line.grantee, at)? {
                    return Err(Error::Register(RegisterError::NotConcerned(grant)));
                }
                let lines = decide(&old.lines)?;
                events.push(Event::FollowUp(FollowUp {
                    lines,
                    rev,
                    ..old.clone()
                }));
            }
        }
        // A revocation ends the right in the same change (if nobody revoked it meanwhile).
        if outcome == Outcome::Revoked && self.grant(grant).is_ok() {
            events.push(Event::GrantRemoved(grant));
        }
        Ok(Draft::new(events))
    }

    /// Whether the actor decides on a grant of `role` to `grantee` in a follow-up: a custodian
    /// of a system the role reaches, a keeper of the registers, or whoever administers the
    /// grantee's rights.
    fn concerned(&self, actor: &Actor, role: RoleId, grantee: Grantee, at: Timestamp) -> Result<bool, Error> {
        if let Some(user) = actor.user_id() {
            self.authority(actor, at)?;
            let custodian = self
                .systems_of_role(role)
                .into_iter()
                .any(|s| self.item(s).is_ok_and(|i| i.fields.custodian == user));
            if custodian {
                return Ok(true);
            }
        }
        if self.keeps_registers(actor, at)? {
            return Ok(true);
        }
        Ok(self.require_grantee(actor, grantee, at).is_ok())
    }

    /// The follow-ups a change makes: for each person it removes from a job or deactivates
    /// while they hold direct grants still in force, one follow-up listing those grants.
    pub(crate) fn follow_ups_of(&self, events: &[Event], at: Timestamp, rev: Revision) -> Vec<Event> {
        let mut out = Vec::new();
        let mut next = self.reg.follow_ups.len();
        let mut seen: Vec<UserId> = Vec::new();
        // The last state of each user the change writes.
        for e in events.iter().rev() {
            let Event::User(new) = e else { continue };
            if seen.contains(&new.id) {
                continue;
            }
            seen.push(new.id);
            let Ok(old) = self.user(new.id) else { continue };
            let cause = if old.active && !new.active {
                Cause::Deactivated
            } else {
                let left: Vec<JobId> = old.jobs.iter().filter(|j| !new.jobs.contains(j)).copied().collect();
                if left.is_empty() {
                    continue;
                }
                Cause::LeftJobs { jobs: left }
            };
            let removed: Vec<GrantId> = events
                .iter()
                .filter_map(|e| match e {
                    Event::GrantRemoved(g) => Some(*g),
                    _ => None,
                })
                .collect();
            let lines: Vec<ReviewLine> = self
                .grants_of_user(new.id)
                .iter()
                .filter(|g| !removed.contains(g))
                .filter_map(|g| self.grant(*g).ok())
                .filter(|g| g.window.to.is_none_or(|to| to > at))
                .map(|g| ReviewLine {
                    grant: g.id,
                    role: g.role,
                    grantee: g.grantee,
                    decision: None,
                })
                .collect();
            if lines.is_empty() {
                continue;
            }
            out.push(Event::FollowUp(FollowUp {
                id: FollowUpId(u32::try_from(next).unwrap_or(u32::MAX)),
                user: new.id,
                cause,
                at,
                lines,
                rev,
            }));
            next += 1;
        }
        out
    }
}
